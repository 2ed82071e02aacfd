#!/bin/sh
# tests/oracle/build.sh OUT -- builds the Go recipe-digest oracle
# (recipe_digest.go) against Debian's golang-gopkg-yaml.v3-dev, the very
# library the reference digests with. Exit 0: OUT is built (or up to date);
# exit 3: Go or the library is absent (the caller says SKIPPED); other:
# the build failed.
set -eu
out=$1
src=$(cd "$(dirname "$0")" && pwd)/recipe_digest.go
gopath=${AE_GOPATH:-/usr/share/gocode}
if ! command -v go >/dev/null 2>&1; then
	echo "oracle: go is not installed (make deps: golang-go)" >&2
	exit 3
fi
if [ ! -f "$gopath/src/gopkg.in/yaml.v3/yaml.go" ]; then
	echo "oracle: $gopath/src/gopkg.in/yaml.v3 is absent (make deps: golang-gopkg-yaml.v3-dev)" >&2
	exit 3
fi
if [ -x "$out" ] && [ "$out" -nt "$src" ]; then
	exit 0
fi
mkdir -p "$(dirname "$out")"
cache=${GOCACHE:-$(cd "$(dirname "$out")" && pwd)/.gocache}
GOPATH=$gopath GO111MODULE=off GOFLAGS= GOCACHE=$cache \
	go build -o "$out" "$src"
