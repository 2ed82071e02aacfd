#!/bin/sh
# tests/oracle/build.sh OUT -- builds the Go oracle of tests/oracle/
# (recipe_digest.go, reference.go) against Debian's golang-gopkg-yaml.v3-dev, the very
# library the reference digests with. Exit 0: OUT is built (or up to date);
# exit 3: Go or the library is absent (the caller says SKIPPED); other:
# the build failed.
set -eu
out=$1
srcdir=$(cd "$(dirname "$0")" && pwd)
gopath=${AE_GOPATH:-/usr/share/gocode}
if ! command -v go >/dev/null 2>&1; then
	echo "oracle: go is not installed (make deps: golang-go)" >&2
	exit 3
fi
if [ ! -f "$gopath/src/gopkg.in/yaml.v3/yaml.go" ]; then
	echo "oracle: $gopath/src/gopkg.in/yaml.v3 is absent (make deps: golang-gopkg-yaml.v3-dev)" >&2
	exit 3
fi
stale=0
for f in "$srcdir"/*.go; do
	[ "$out" -nt "$f" ] || stale=1
done
if [ -x "$out" ] && [ $stale = 0 ]; then
	exit 0
fi
mkdir -p "$(dirname "$out")"
outdir=$(cd "$(dirname "$out")" && pwd)
cache=${GOCACHE:-$outdir/.gocache}
# GOPATH mode builds a directory only as a relative import path: "."
cd "$srcdir"
GOPATH=$gopath GO111MODULE=off GOFLAGS= GOCACHE=$cache \
	go build -o "$outdir/$(basename "$out")" .
