#!/usr/bin/env bash
# tests/e2e/test_conformance_upstream.sh -- the upstream sigstore-conformance
# bundle-verify cases vendored in tests/conformance/upstream (provenance and
# license there), run through `sigstore verify-bundle` exactly as the
# conformance suite drives a client (sigstore-conformance.md §1): each case
# in PATH and DIGEST mode, cwd = a workspace holding bundle-verify/, the
# default artifact as the relative path bundle-verify/a.txt, case files as
# absolute paths, --key when the case has key.pub, --trusted-root only when
# it has trusted_root.json (else the embedded public-good root).
#
# A case must verify (exit 0) unless its name ends in "fail"; a failing case
# must exit 1 or 2 (not a usage error, not a crash) and for the reason named
# in REASON below, so that a case rejected by accident is caught too.
. "$(dirname "$0")/lib.sh"
t_begin

SRC=$(cd "$(dirname "$0")/../conformance/upstream" && pwd)
ID=https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main
ISS=https://token.actions.githubusercontent.com

declare -A REASON=(
	[cve-2022-36056-swapped-tlog-entry_fail]='mediaType is missing'
	[dsse-statement-missing-type_fail]='not an in-toto statement'
	[dsse-statement-unknown-type_fail]='not an in-toto statement'
	[dsse-with-hashedrekord-invalid-sig_fail]='tlog body signature differs'
	[dsse-with-hashedrekord-mismatch-envelope_fail]='tlog body (signature|digest) differs'
	[dsse-with-hashedrekord-mismatch-sig_fail]='tlog body signature differs'
	[rekor2-dsse-mismatch-sig_fail]='tlog body signature differs'
	[rekor2-multiple-timestamps-one-outside-cert-validity_fail]='does not verify at 1752575611'
	[rekor2-timestamp-wrong-tsa-validity-borrow_fail]='timestampAuthorities has no certificates'
)

if (cd "$SRC/bundle-verify" && sha256sum --quiet -c ../SHA256SUMS) >"$T_OUT" 2>"$T_ERR"; then
	ok "the vendored files match SHA256SUMS"
else
	bad "the vendored files match SHA256SUMS" "$(head -3 "$T_OUT")"
fi

WS=$T_WORK/ws
mkdir -p "$WS" && cp -R "$SRC/bundle-verify" "$WS/" || exit 1
A=$WS/bundle-verify
cd "$WS" || exit 1

# Runs one case in one mode; sets T_RC, T_OUT, T_ERR.
run_case() { # DIR MODE
	local d=$1 mode=$2 art args=(sigstore verify-bundle --bundle "$1/bundle.sigstore.json")
	if [ -f "$d/key.pub" ]; then
		args+=(--key "$d/key.pub")
	else
		args+=(--certificate-identity "$(cat "$d/identity" 2>/dev/null || echo "$ID")"
			--certificate-oidc-issuer "$(cat "$d/issuer" 2>/dev/null || echo "$ISS")")
	fi
	[ -f "$d/trusted_root.json" ] && args+=(--trusted-root "$d/trusted_root.json")
	if [ -f "$d/artifact" ]; then art=$d/artifact; else art=bundle-verify/a.txt; fi
	if [ "$mode" = DIGEST ]; then
		args+=("sha256:$(sha256sum "$art" | cut -d' ' -f1)")
	else
		args+=("$art")
	fi
	run "${args[@]}"
}

ncase=0
for d in "$A"/*/; do
	d=${d%/}
	name=$(basename "$d")
	ncase=$((ncase + 1))
	for mode in PATH DIGEST; do
		what="$mode-$name"
		run_case "$d" "$mode"
		if [[ $name != *fail ]]; then
			expect_rc 0 "$what verifies"
		elif [ -z "${REASON[$name]:-}" ]; then
			bad "$what" "no expected reason is listed for this case"
		elif [ "$T_RC" -ne 1 ] && [ "$T_RC" -ne 2 ]; then
			bad "$what is rejected" "exit $T_RC, want 1 or 2"
		else
			expect_err "${REASON[$name]}" "$what is rejected: ${REASON[$name]}"
		fi
	done
done
[ "$ncase" -ge 12 ] && ok "all $ncase vendored cases ran" ||
	bad "all vendored cases ran" "only $ncase case directories"
t_end
