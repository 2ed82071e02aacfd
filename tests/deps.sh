#!/bin/sh
# tests/deps.sh -- installs every build and test dependency (make deps).
# Idempotent: packages already installed are not fetched again. Needs root
# (or sudo) on Debian; only Debian's archive and the npm registry are used.
set -eu
PKGS="build-essential pkg-config libgit2-dev libssl-dev libyaml-dev \
libjansson-dev libcurl4-openssl-dev zlib1g-dev clang libclang-rt-14-dev llvm \
valgrind docker-registry skopeo apache2-utils python3 git openssl jq curl \
clang-format ca-certificates chromium time golang-go \
golang-gopkg-yaml.v3-dev faketime python3-cryptography libre2-dev"
# strace: test_oci_hostile.sh counts the files an extraction writes
PKGS="$PKGS strace"
# python3-jsonschema: the ledger's feed is checked against docs/ledger-feed.schema.json
PKGS="$PKGS python3-jsonschema"
# groff-base: test_help.sh renders the man page with groff -ww; acl:
# test_attack_verifier.sh's co-tenant default-ACL case (setfacl)
PKGS="$PKGS groff-base acl"
# Node.js: any existing node (>= 18) will do; otherwise Debian's.
command -v node >/dev/null 2>&1 || PKGS="$PKGS nodejs npm"

missing=""
for p in $PKGS; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	echo "deps: installing$missing"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
else
	echo "deps: Debian packages present"
fi

# npm packages the tests use (the local Sigstore stack, tuf-js), if the project has them.
here=$(cd "$(dirname "$0")" && pwd)
for d in "$here"/*/package.json; do
	[ -e "$d" ] || continue
	dir=$(dirname "$d")
	if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
		echo "deps: npm ci in ${dir#$here/}"
		(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) && touch "$dir/node_modules"
	fi
done
