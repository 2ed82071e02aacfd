#!/usr/bin/env bash
# tests/e2e/test_startup_libs.sh -- what a command maps (docs/architecture.md
# "Startup cost"): the binary links neither libgit2 nor libcurl (ledger/git2.c
# and evidence/core/curl.c load them on the first call), so a command that
# reads no repository and makes no request maps neither; `check` loads
# libgit2 (the control: the watch below sees a load when there is one); and
# when libgit2 cannot be loaded, check says so as a libgit2 failure.
#
# NEEDED is read with readelf (or objdump); the loads at run time with the
# glibc loader's LD_DEBUG=files (the binary run directly, not under
# $AE_WRAP). Each part says SKIPPED when its tool is absent.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_fixture.sh"
t_begin

CONF=$(cd "$(dirname "$0")/../conformance/upstream/bundle-verify" && pwd)
CASE=$CONF/dsse-with-hashedrekord-happy-path
ID=https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main
ISS=https://token.actions.githubusercontent.com

# ---- what the binary links ----
needed=
if command -v readelf >/dev/null; then
	needed=$(readelf -d "$AE_BIN" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
elif command -v objdump >/dev/null; then
	needed=$(objdump -p "$AE_BIN" | sed -n 's/^ *NEEDED *//p')
fi
if [ -z "$needed" ]; then
	echo "SKIPPED -- NEEDED: no readelf or objdump"
else
	grep -q '^libc\.so' <<<"$needed" && ok "NEEDED is read (libc among them)" ||
		bad "NEEDED is read (libc among them)" "$needed"
	grep -q '^libgit2' <<<"$needed" && bad "the binary does not link libgit2" "$needed" ||
		ok "the binary does not link libgit2"
	grep -q '^libcurl' <<<"$needed" && bad "the binary does not link libcurl" "$needed" ||
		ok "the binary does not link libcurl"
	# libcrypto: linked in (the Makefile's OPENSSL_LINK, static by
	# default), or libcrypto.so.3 for a distribution's build
	if [ "${OPENSSL_LINK:-static}" = static ]; then
		grep -q '^libcrypto' <<<"$needed" &&
			bad "libcrypto is linked in, not NEEDED" "$needed" ||
			ok "libcrypto is linked in, not NEEDED"
	else
		grep -q '^libcrypto' <<<"$needed" &&
			ok "OPENSSL_LINK=dynamic: libcrypto is NEEDED" ||
			bad "OPENSSL_LINK=dynamic: libcrypto is NEEDED" "$needed"
	fi
fi
# The libcurl and libgit2 loaded later bring their own libcrypto.so.3 and
# must bind to it: the program exports no OpenSSL symbol they could bind
# to instead (--exclude-libs), whichever way it links OpenSSL.
if command -v nm >/dev/null; then
	exported=$(nm -D --defined-only "$AE_BIN" 2>/dev/null |
		grep -E ' [A-Za-z] (OPENSSL_|EVP_|X509_|SSL_|BN_|ERR_|CRYPTO_)' | head -5)
	[ -z "$exported" ] && ok "the program exports no OpenSSL symbol" ||
		bad "the program exports no OpenSSL symbol" "$exported"
else
	echo "SKIPPED -- exported symbols: no nm"
fi

# ---- what a command loads ----
# loads WHAT ARGS...: runs the binary from the current directory with
# LD_DEBUG=files; $LOADS is the loader's "file=NAME" lines, $T_RC the exit.
loads() {
	local what=$1
	shift
	LD_DEBUG=files LD_DEBUG_OUTPUT="$T_WORK/ld" "$AE_BIN" "$@" >"$T_OUT" 2>"$T_ERR" </dev/null
	T_RC=$?
	LOADS=$(cat "$T_WORK"/ld.* 2>/dev/null | sed -n 's/.*file=\([^ ]*\) .*/\1/p' | sort -u)
	rm -f "$T_WORK"/ld.*
	[ "$T_RC" -eq 0 ] && ok "$what exits 0" || bad "$what exits 0" "exit $T_RC"
}
# maps_none WHAT: neither libgit2 nor libcurl among $LOADS.
maps_none() {
	grep -qE '^libgit2' <<<"$LOADS" && bad "$1 does not load libgit2" "$LOADS" ||
		ok "$1 does not load libgit2"
	grep -qE '^libcurl' <<<"$LOADS" && bad "$1 does not load libcurl" "$LOADS" ||
		ok "$1 does not load libcurl"
}

cd "$T_WORK" || exit 1
loads "--version" --version
if ! grep -q '^libc\.so' <<<"$LOADS"; then
	echo "SKIPPED -- loads at run time: LD_DEBUG=files says nothing (not glibc?)"
	t_end
fi
maps_none "--version"
loads "help check" help check
maps_none "help check"
loads "slug" slug --issuer "$ISS" --identity "$ID"
maps_none "slug"
loads "sigstore verify-bundle" sigstore verify-bundle \
	--bundle "$CASE/bundle.sigstore.json" \
	--certificate-identity "$ID" --certificate-oidc-issuer "$ISS" \
	"$CASE/artifact"
maps_none "sigstore verify-bundle"

# The control: check reads a repository, so it loads libgit2 (and still
# makes no request).
R=$(lf_repo repo)
cd "$R" || exit 1
loads "check" check
cd "$T_WORK" || exit 1
soname=$(grep -E '^libgit2\.so' <<<"$LOADS" | head -1)
[ -n "$soname" ] && ok "check loads libgit2 ($soname)" || bad "check loads libgit2" "$LOADS"
grep -qE '^libcurl' <<<"$LOADS" && bad "check does not load libcurl" "$LOADS" ||
	ok "check does not load libcurl"

# ---- when libgit2 cannot be loaded ----
# A file of libgit2's name first in the loader's path: an empty one (not a
# library), then a library without libgit2's functions (libz's copy).
if [ -n "$soname" ]; then
	mkdir -p fake
	: >"fake/$soname"
	cd "$R" || exit 1
	LD_LIBRARY_PATH=$T_WORK/fake run check
	expect_rc 2 "check with no loadable libgit2 is an error (2)"
	expect_err "^aicr-evidence: check: cannot initialise libgit2: libgit2 could not be loaded: .*$soname" \
		"the error says libgit2 could not be loaded, and which file"
	z=$(cd "$T_WORK" && LD_DEBUG=libs "$AE_BIN" --version 2>&1 >/dev/null |
		sed -n 's/.*trying file=\(.*libz\.so\.1\)$/\1/p' | head -1)
	if [ -n "$z" ] && [ -f "$z" ]; then
		cp "$z" "$T_WORK/fake/$soname"
		LD_LIBRARY_PATH=$T_WORK/fake run check
		expect_rc 2 "check with a libgit2 missing functions is an error (2)"
		expect_err "cannot initialise libgit2: libgit2 could not be loaded: .*undefined symbol: git_" \
			"the error names the missing function"
	else
		echo "SKIPPED -- a library without libgit2's functions: libz not found"
	fi
	cd "$T_WORK" || exit 1
fi

t_end
