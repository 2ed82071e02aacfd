#!/usr/bin/env bash
# tests/e2e/test_check_fetch_outcomes.sh -- rule 4's failures to fetch are
# not blamed on the PR (issue 15, item 9).
#
# Only a proven violation is exit 1. A registry that says the bundle is not
# there, or serves other bytes, proves the pointer leads nowhere: exit 1.
# But TLS meeting a plain-HTTP registry, a certificate from a CA the job
# does not know, plain HTTP sent to a TLS registry, a refused login, a host
# that does not resolve -- none says anything about the pointer: exit 2
# (the operator must act; the note names the cause and the fix) or 3 (a
# retry may pass). Each case runs against a real docker-registry on
# loopback, plain, TLS with a throwaway CA, or with basic auth.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_fixture.sh"
. "$(dirname "$0")/registry.sh"
t_begin
export SOURCE_DATE_EPOCH=1763650000
EX=$(cd "$(dirname "$0")/../../recipes/examples" && pwd)
A_SLUG=$(lf_slug "$ISS_OAUTH" "$ID_ALICE")

run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o "$T_WORK/out"
expect_rc 0 "an (unsigned) bundle is emitted"
D=""
# push_to DIR FLAGS...: pushes the bundle; sets D (its digest)
push_to() {
	local d=$1
	shift
	run push "$T_WORK/out" --to "$REG_HOST/ev/art" --format json "$@"
	D=$(jq -r .digest "$T_OUT" 2>/dev/null)
	[ "$T_RC" -eq 0 ] && ok "pushed to the $d registry" || bad "push to the $d registry" "exit $T_RC"
}
# repo_for HOST: a repo whose PR adds alice's pointer to the bundle at HOST
repo_for() {
	R=$(lf_repo "r-$RANDOM")
	git -C "$R" checkout -q -b pr
	REL=$EV/$RECIPE/$A_SLUG/sha256-${D#sha256:}.yaml
	mkdir -p "$R/$(dirname "$REL")"
	lf_pointer "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "${D#sha256:}" |
		sed "s|oci: .*|oci: $1/ev/art:x|" >"$R/$REL"
	lf_commit "$R" "alice's pointer"
}
gate() { run check --repo "$R" --base main --head pr --verify-signatures --cache "$T_WORK/c-$RANDOM" "$@"; }
undecided() { # EXIT FIX-RE WHAT
	if [ "$T_RC" -eq "$1" ] && ! grep -q "^$REL: " "$T_OUT" &&
		grep -qE "^note: $REL: could not verify the signature: .*$2" "$T_OUT"; then
		ok "$3"
	else
		bad "$3" "exit $T_RC: $(head -c 400 "$T_OUT")"
	fi
}

# ---- a plain-HTTP registry ----
reg_start "$T_WORK/plain" || { bad "plain registry starts"; t_end; }
t_cleanup "reg_stop $T_WORK/plain"
push_to plain --registry-plain-http
repo_for "$REG_HOST"
gate
undecided 2 'cannot talk to registry .*--registry-plain-http' \
	"TLS meeting a plain-HTTP registry is exit 2, with the fix (--registry-plain-http)"
expect_err 'could not be verified' "stderr says there is no verdict"
gate --format json
[ "$(jq -r .summary.undecided "$T_OUT")" = true ] && [ "$(jq '.problems | length' "$T_OUT")" = 0 ] &&
	ok "JSON: undecided, no problem" || bad "JSON: undecided" "$(jq -c .summary "$T_OUT")"
gate --registry-plain-http
if [ "$T_RC" -eq 1 ] && grep -q "^$REL: signature check failed: bundle invalid" "$T_OUT"; then
	ok "with --registry-plain-http the verdict is proven: the bundle does not prove the claimed signer (exit 1)"
else
	bad "with the fix the verdict is proven" "exit $T_RC: $(head -c 300 "$T_OUT")"
fi
lf_pointer "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$(lf_hex absent)" |
	sed "s|oci: .*|oci: $REG_HOST/ev/art:x|" >"$R/$EV/$RECIPE/$A_SLUG/sha256-$(lf_hex absent).yaml"
lf_commit "$R" "a pointer to a bundle the registry does not hold"
gate --registry-plain-http
if [ "$T_RC" -eq 1 ] && grep -qE "^$EV/$RECIPE/$A_SLUG/sha256-$(lf_hex absent).yaml: signature check failed: bundle .* cannot be fetched: .*404" "$T_OUT"; then
	ok "a bundle the registry says it does not hold (404) is a finding (exit 1)"
else
	bad "404 is a finding" "exit $T_RC: $(head -c 400 "$T_OUT")"
fi
gate
if [ "$T_RC" -eq 2 ] && [ "$(grep -c '^note: .*could not verify' "$T_OUT")" = 2 ]; then
	ok "without the fix neither pointer is judged: exit 2, both noted"
else
	bad "without the fix neither is judged" "exit $T_RC: $(head -c 400 "$T_OUT")"
fi
reg_stop "$T_WORK/plain"

# ---- a TLS registry with a CA of its own ----
reg_start "$T_WORK/tls" --tls || { bad "TLS registry starts"; t_end; }
t_cleanup "reg_stop $T_WORK/tls"
push_to TLS --registry-ca "$REG_CA"
repo_for "$REG_HOST"
gate
undecided 2 'cannot talk to registry .*certificate .*not trusted.*--registry-ca-file FILE' \
	"a certificate from an unknown CA is exit 2, named, with the fix (--registry-ca-file)"
expect_err 'could not be verified' "stderr says there is no verdict"
gate --format json
[ "$T_RC" -eq 2 ] && [ "$(jq -r '.summary.undecided, .summary.transient, (.problems | length)' "$T_OUT" | tr '\n' ' ')" = "true false 0 " ] &&
	ok "JSON: the certificate failure is undecided, not transient, no problem" ||
	bad "JSON for the certificate failure" "exit $T_RC: $(head -c 400 "$T_OUT")"
# the same registry under its DNS name: the certificate names it too
sed -i "s|oci: 127.0.0.1:|oci: localhost:|" "$R/$REL"
lf_commit "$R" "the same pointer, the registry by name"
gate
undecided 2 'certificate .*not trusted.*--registry-ca-file FILE' \
	"... also with the registry named by host name"
gate --registry-ca-file "$REG_CA"
[ "$T_RC" -eq 1 ] && grep -q "bundle invalid" "$T_OUT" &&
	ok "with --registry-ca-file the verdict is proven (exit 1)" || bad "with --registry-ca-file" "exit $T_RC: $(head -c 300 "$T_OUT")"
repo_for "$REG_HOST"
gate --registry-plain-http
undecided 2 'HTTP 400 to plain HTTP: the registry may speak TLS; drop --registry-plain-http' \
	"plain HTTP sent to a TLS registry is exit 2, with the fix (drop --registry-plain-http)"
gate --registry-ca "$REG_CA"
[ "$T_RC" -eq 1 ] && grep -q "bundle invalid" "$T_OUT" &&
	ok "with --registry-ca the verdict is proven (exit 1)" || bad "with --registry-ca" "exit $T_RC"
reg_stop "$T_WORK/tls"

# ---- a registry that wants a login ----
reg_start "$T_WORK/auth" --auth || { bad "auth registry starts"; t_end; }
t_cleanup "reg_stop $T_WORK/auth"
printf '%s' "$REG_PASS" >"$T_WORK/pw"
ae push "$T_WORK/out" --to "$REG_HOST/ev/art" --format json --registry-plain-http \
	--registry-username "$REG_USER" --registry-password-stdin <"$T_WORK/pw" >"$T_OUT" 2>"$T_ERR"
D=$(jq -r .digest "$T_OUT")
[ -n "$D" ] && [ "$D" != null ] && ok "pushed to the auth registry with a login" || bad "push with a login" "$(head -c 200 "$T_ERR")"
repo_for "$REG_HOST"
gate --registry-plain-http
undecided 2 'refused access .*--docker-config FILE' "a refused login is exit 2, with the fix"
if grep -q -- '--registry-username\|--registry-password-stdin' "$T_OUT"; then
	bad "the login note names only flags check takes" "$(grep -o 'refused access.*' "$T_OUT" | head -1)"
else
	ok "the login note names only flags check takes (not --registry-username)"
fi
reg_stop "$T_WORK/auth"

# ---- network faults: transient, exit 3 (a retry may pass) ----
# transient EXIT-RE WHAT: exit 3, the pointer noted with the cause, the
# JSON summary transient
transient() {
	if [ "$T_RC" -eq 3 ] && ! grep -q "^$REL: " "$T_OUT" &&
		grep -qE "^note: $REL: could not verify the signature: .*$1" "$T_OUT"; then
		ok "$2"
	else
		bad "$2" "exit $T_RC: $(head -c 400 "$T_OUT") $(head -c 200 "$T_ERR")"
	fi
}
repo_for no-such-registry.invalid
gate --fetch-timeout 20s
transient 'cannot resolve the registry host no-such-registry.invalid.*transient' \
	"a registry host that does not resolve is exit 3, named transient"
expect_err 'no verdict yet \(transient: retry\)' "stderr says there is no verdict yet"
# a loopback port nobody listens on: connection refused
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
repo_for "127.0.0.1:$port"
gate --registry-plain-http --fetch-timeout 20s
transient "cannot connect to the registry at 127.0.0.1:$port.*transient" \
	"a refused connection is exit 3, named transient"
gate --registry-plain-http --fetch-timeout 20s --format json
[ "$T_RC" -eq 3 ] && [ "$(jq -r '.summary.transient, (.problems | length)' "$T_OUT" | tr '\n' ' ')" = "true 0 " ] &&
	ok "JSON: the refused connection is transient, no problem" ||
	bad "JSON for the refused connection" "exit $T_RC: $(head -c 400 "$T_OUT")"

t_end
