#!/usr/bin/env bash
# tests/e2e/test_flag_forms.sh -- every command takes its value flags as
# `--flag VALUE` and as `--flag=VALUE` (docs/cli.md), through the one
# matcher cmd_flag_take.
#
# For each command with value flags, one representative flag (several for
# the larger commands, and the shared registry and signing flags) is given
# in the `=` form and shown honoured by what the command then does -- JSON
# where JSON was asked for, the named file or directory used, the error
# that only that value can cause -- not merely by the absence of a usage
# error. Then, for every command, a value flag without its value and an
# unknown `--nope=1` are usage errors (64). Everything runs offline.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_fixture.sh"
t_begin
EX=$(cd "$(dirname "$0")/../../recipes/examples" && pwd)
W=$T_WORK
V1=https://aicr.run/recipe-evidence/v1
D=sha256:$(printf 'a%.0s' {1..64})
# No ambient token may reach the signing commands; no cache outside $W.
unset SIGSTORE_ID_TOKEN ACTIONS_ID_TOKEN_REQUEST_URL ACTIONS_ID_TOKEN_REQUEST_TOKEN
export XDG_CACHE_HOME=$W/xdg SOURCE_DATE_EPOCH=1763650000
# Outside any repository: check must find the one --repo= names.
cd "$W" || exit 1

R=$(lf_repo ledger)
AL=$R/$EV/allowlist.yaml
A_SLUG=$(lf_slug "$ISS_OAUTH" "$ID_ALICE")
PTR_REL=$EV/$RECIPE/$A_SLUG/sha256-$(lf_hex base-1).yaml
PTR=$R/$PTR_REL
echo "an artifact" >"$W/artifact.txt"

# json_get FILE PYTHON-EXPR: prints the expression over the parsed JSON
# `j`, or nothing when FILE is not JSON.
json_get() {
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null
}
# expect_json_eq PYTHON-EXPR WANT WHAT: last stdout is JSON and EXPR is WANT.
expect_json_eq() {
	local got
	got=$(json_get "$T_OUT" "$1")
	if [ "$got" = "$2" ]; then ok "$3"; else bad "$3" "$1 is '$got', want '$2'"; fi
}

# ---- slug, pointer, allowlist (cmd_args_parse) ----
run slug --issuer="$ISS_OAUTH" --identity="$ID_ALICE" --format=json
expect_rc 0 "slug --issuer= --identity= --format=json exits 0"
expect_json_eq 'j["slug"]' "$A_SLUG" "slug --format=json prints the slug of --issuer= and --identity="

run pointer show "$PTR" --format=json
expect_rc 0 "pointer show --format=json exits 0"
expect_json_eq 'j["recipe"]' "$RECIPE" "pointer show --format=json prints the pointer as JSON"

run pointer path "$PTR" --root=alt/evidence
expect_rc 0 "pointer path --root= exits 0"
expect_out_eq "alt/evidence/$RECIPE/$A_SLUG/sha256-$(lf_hex base-1).yaml" \
	"pointer path places the pointer under --root="

run allowlist check "$AL" --format=json
expect_rc 0 "allowlist check --format=json exits 0"
expect_json_eq 'len(j)' 0 "allowlist check --format=json prints a JSON list of problems"

run allowlist classify --issuer="$ISS_OAUTH" --identity="$ID_BOB" --allowlist="$AL"
expect_rc 0 "allowlist classify --allowlist= finds bob"
expect_out 'partner' "allowlist classify reads the --allowlist= file (bob is a partner there)"

# ---- check ----
run check --repo="$R" --format=json -o="$W/check.json"
expect_rc 0 "check --repo= --format=json -o= exits 0"
if [ ! -s "$T_OUT" ] && [ "$(json_get "$W/check.json" 'j["summary"]["pointers"]')" = 2 ]; then
	ok "check audits the --repo= repository and writes JSON to -o="
else
	bad "check audits the --repo= repository and writes JSON to -o=" "stdout: $(head -c 200 "$T_OUT")"
fi
run check --repo="$R" --format=text --format=json --workers=2
expect_rc 0 "check --workers=2 exits 0"
expect_json_eq 'j["summary"]["mode"]' audit "check: a flag given twice keeps the last value (--format=json)"
run check --repo="$R" --workers=0
expect_rc 64 "check --workers=0 is refused: the value is read"

# ---- ledger ----
run ledger --root="$R/$EV" --format=json
expect_rc 0 "ledger --root= --format=json exits 0"
expect_json_eq '",".join(sorted(s["slug"] for s in j["signers"]))' \
	"$(printf '%s\n' "$A_SLUG" "$(lf_slug "$ISS_OAUTH" "$ID_BOB")" | sort | paste -sd,)" \
	"ledger reads the signers of the --root= ledger, as JSON"
run ledger --root="$R/$EV" --jobs=0
expect_rc 64 "ledger --jobs=0 is refused: the value is read"

# ---- emit (and the bundle the next commands use) ----
run emit --recipe="$EX/recipe.yaml" --snapshot="$EX/snapshot.yaml" \
	--ctrf="$EX/ctrf" -o="$W/out"
expect_rc 0 "emit --recipe= --snapshot= --ctrf= -o= exits 0"
if [ -f "$W/out/pointer.yaml" ] && [ -d "$W/out/summary-bundle" ]; then
	ok "emit writes the bundle and the pointer into -o="
else
	bad "emit writes the bundle and the pointer into -o=" "no $W/out/pointer.yaml"
fi
run emit --recipe="$W/no-recipe.yaml" --snapshot="$EX/snapshot.yaml" \
	--ctrf="$EX/ctrf" --output="$W/out2"
expect_rc 2 "emit with a missing --recipe= file exits 2"
expect_err 'no-recipe\.yaml' "emit reads the recipe --recipe= names"

# ---- digest ----
run digest --predicate-type "$V1" "$EX/recipe.yaml"
d_spaced=$(cat "$T_OUT")
run digest "$EX/recipe.yaml"
d_v3=$(cat "$T_OUT")
run digest --predicate-type="$V1" "$EX/recipe.yaml"
expect_rc 0 "digest --predicate-type= exits 0"
if [ -n "$d_spaced" ] && [ "$(cat "$T_OUT")" = "$d_spaced" ] && [ "$d_spaced" != "$d_v3" ]; then
	ok "digest --predicate-type=v1 gives the v1 digest, not the v3 default"
else
	bad "digest --predicate-type=v1 gives the v1 digest, not the v3 default" "got '$(cat "$T_OUT")', v1 '$d_spaced', v3 '$d_v3'"
fi
run digest -r="$EX/recipe.yaml"
expect_out_eq "$d_v3" "digest -r= names the recipe"

# ---- verify ----
run verify "$W/out" --format=json -o="$W/verdict.json"
expect_rc 0 "verify --format=json -o= on the emitted bundle exits 0"
expect_out_eq "" "verify writes nothing on stdout with -o="
if [ "$(json_get "$W/verdict.json" 'j["input"]')" = dir ]; then
	ok "verify writes its JSON verdict to -o="
else
	bad "verify writes its JSON verdict to -o=" "$(head -c 200 "$W/verdict.json" 2>&1)"
fi
run verify "$W/out" --format=yaml
expect_rc 64 "verify --format=yaml is refused: the value is read"

# ---- pull, push (and the registry flags) ----
mkdir "$W/empty-cache"
run pull "127.0.0.1:1/x@$D" --to="$W/pulled" --offline --cache="$W/empty-cache"
expect_rc 2 "pull --to= --cache= --offline: a digest absent from the cache exits 2"
expect_err "$D is not in the cache" "pull reaches the cache and names the digest (no usage error)"
[ ! -e "$W/pulled" ] && ok "pull leaves no --to= directory" || bad "pull leaves no --to= directory"
run pull "127.0.0.1:1/x@$D" --to= --offline --cache="$W/empty-cache"
expect_rc 64 "pull --to= (empty) names no directory: usage error"
run pull "127.0.0.1:1/x@$D" --to="$W/pulled" --registry-ca="$W/ca.pem" --registry-plain-http
expect_rc 64 "pull --registry-ca= counts as a TLS flag (conflicts with plain HTTP)"
expect_err 'conflicts with the TLS flags' "the conflict names the TLS flags"

run push "$W/out" --to="127.0.0.1:1/x@$D" --registry-plain-http
expect_rc 2 "push --to= a reference pinning another digest exits 2"
expect_err "127\.0\.0\.1:1/x@$D: the bundle packs to sha256:[0-9a-f]{64}, not the digest in the reference" \
	"push compares the bundle with the digest --to= pins"
run push "$W/out" --to=
expect_rc 64 "push --to= (empty) is a usage error"
expect_err 'empty reference' "push names the empty reference"

# ---- sign, sigstore sign-bundle (and the signing flags) ----
run sign "$W/out" --ref='bad ref'
expect_rc 2 "sign --ref= with a space exits 2"
expect_err 'reference holds a space' "sign parses the reference --ref= gives"
run sign "$W/out" --ref=127.0.0.1:1/x:t --identity-token=not-a-jwt
expect_rc 2 "sign --identity-token= with a bad token exits 2"
expect_err 'identity token is not a JWT' "sign uses the token --identity-token= gives"

run sigstore sign-bundle --bundle="$W/b.json" --identity-token=not-a-jwt "$W/artifact.txt"
expect_rc 2 "sigstore sign-bundle --bundle= --identity-token= exits 2"
expect_err 'identity token is not a JWT' "sign-bundle takes --bundle= and uses --identity-token="
[ ! -e "$W/b.json" ] && ok "sign-bundle writes no bundle when signing fails" || bad "sign-bundle writes no bundle when signing fails"

# ---- sigstore verify-bundle ----
run sigstore verify-bundle --bundle="$W/missing.sigstore.json" \
	--certificate-identity="$ID_ALICE" --certificate-oidc-issuer="$ISS_OAUTH" "$W/artifact.txt"
expect_rc 2 "sigstore verify-bundle --bundle= a missing file exits 2"
expect_err 'missing\.sigstore\.json.*no such file' "verify-bundle reads the bundle --bundle= names"
run sigstore verify-bundle --bundle="$W/a.json" --bundle="$W/b.json" --key="$W/k.pem" "$W/artifact.txt"
expect_rc 64 "verify-bundle: --bundle= given twice is still refused"
expect_err '--bundle given twice' "the refusal names --bundle"

# ---- a value flag without its value: 64, for every command ----
usage_case() { # WHAT WANT-ERE ARGS...
	local what=$1 want=$2
	shift 2
	run "$@"
	if [ "$T_RC" -eq 64 ] && grep -qE -- "$want" "$T_ERR"; then
		ok "$what"
	else
		bad "$what" "exit $T_RC, stderr $(head -1 "$T_ERR")"
	fi
}
usage_case "slug --identity without a value: 64" 'needs a value' slug --issuer=i --identity
usage_case "pointer show --format without a value: 64" 'needs a value' pointer show "$PTR" --format
usage_case "pointer path --root without a value: 64" 'needs a value' pointer path "$PTR" --root
usage_case "allowlist check --format without a value: 64" 'needs a value' allowlist check "$AL" --format
usage_case "allowlist classify --allowlist without a value: 64" 'needs a value' allowlist classify --issuer=i --identity=x --allowlist
usage_case "check --repo without a value: 64" '--repo needs a value' check --repo
usage_case "check --docker-config without a value: 64" '--docker-config needs a value' check --docker-config
usage_case "ledger --root without a value: 64" '--root needs a value' ledger --root
usage_case "pull --to without a value: 64" '--to needs a value' pull "127.0.0.1:1/x@$D" --to
usage_case "pull --registry-ca without a value: 64" '--registry-ca needs a value' pull "127.0.0.1:1/x@$D" --to=d --registry-ca
usage_case "push --to without a value: 64" '--to needs a value' push "$W/out" --to
usage_case "verify --format without a value: 64" '--format needs a value' verify "$W/out" --format
usage_case "emit --recipe without a value: 64" "incomplete option '--recipe'" emit --snapshot="$EX/snapshot.yaml" --ctrf="$EX/ctrf" -o="$W/o3" --recipe
usage_case "emit --rekor-url without a value: 64" '--rekor-url needs a value' emit --recipe="$EX/recipe.yaml" --rekor-url
usage_case "sign --ref without a value: 64" "'--ref'" sign "$W/out" --ref
usage_case "sign --identity-token without a value: 64" '--identity-token needs a value' sign "$W/out" --identity-token
usage_case "digest --predicate-type without a value: 64" "'--predicate-type'" digest "$EX/recipe.yaml" --predicate-type
usage_case "sigstore sign-bundle --bundle without a value: 64" "'--bundle'" sigstore sign-bundle "$W/artifact.txt" --bundle
usage_case "sigstore verify-bundle --bundle without a value: 64" '--bundle needs a value' sigstore verify-bundle "$W/artifact.txt" --bundle

# ---- an unknown flag in the `=` form: 64, for every command ----
while IFS='|' read -r label args; do
	# shellcheck disable=SC2086 # the words of $args are the arguments
	usage_case "$label --nope=1: 64" "unknown.*'--nope=1'" $args --nope=1
done <<EOF
slug|slug --issuer=i --identity=x
pointer show|pointer show $PTR
pointer path|pointer path $PTR
allowlist check|allowlist check $AL
allowlist classify|allowlist classify --issuer=i --identity=x
check|check --repo=$R
ledger|ledger --root=$R/$EV
pull|pull 127.0.0.1:1/x@$D --to=$W/d
push|push $W/out --to=127.0.0.1:1/x:t
verify|verify $W/out
emit|emit --recipe=$EX/recipe.yaml --snapshot=$EX/snapshot.yaml --ctrf=$EX/ctrf -o=$W/o4
sign|sign $W/out
digest|digest $EX/recipe.yaml
sigstore sign-bundle|sigstore sign-bundle --bundle=$W/b.json $W/artifact.txt
sigstore verify-bundle|sigstore verify-bundle --bundle=$W/b.json --key=$W/k.pem $W/artifact.txt
EOF
[ ! -e "$W/o4" ] && ok "an unknown flag stops emit before it writes" || bad "an unknown flag stops emit before it writes"

# The top-level help says so, where a user looks first.
if "$AE_BIN" --help | tr '\n' ' ' | grep -q -- '--flag=VALUE'; then
	ok "--help names the --flag=VALUE form"
else
	bad "--help names the --flag=VALUE form"
fi

t_end
