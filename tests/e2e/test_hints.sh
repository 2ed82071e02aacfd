#!/usr/bin/env bash
# tests/e2e/test_hints.sh -- the next steps the tool prints are one workflow
# (issue 20 item 4): emit, sign (the artifact is deterministic, so it is
# signed before it leaves the machine), push, commit the pointer at the path
# `pointer path` prints. Following the printed commands verbatim (plus the
# local stack's signing flags and --registry-plain-http for the loopback
# registry) must give a pointer with bundle.digest and bundle.oci filled in
# whose tag resolves to that digest.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sigstore_stack.sh"
. "$(dirname "$0")/registry.sh"
t_begin
EX=$(cd "$(dirname "$0")/../../recipes/examples" && pwd)
W=$T_WORK
export SOURCE_DATE_EPOCH=1763650000

# ---- the hints without any network: emit unsigned, pointer path ----
cd "$W" || exit 1
run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o out
expect_rc 0 "emit unsigned exits 0"
nsign=$(grep -n 'aicr-evidence sign' "$T_OUT" | head -1 | cut -d: -f1)
npush=$(grep -n 'aicr-evidence push' "$T_OUT" | head -1 | cut -d: -f1)
npath=$(grep -n 'aicr-evidence pointer path' "$T_OUT" | head -1 | cut -d: -f1)
if [ -n "$nsign" ] && [ -n "$npush" ] && [ -n "$npath" ] &&
	[ "$nsign" -lt "$npush" ] && [ "$npush" -lt "$npath" ]; then
	ok "emit's next steps: sign, then push, then pointer path"
else
	bad "emit's next steps: sign, then push, then pointer path" "$(cat "$T_OUT")"
fi
grep -q 'push it.*sign it' "$T_OUT" && bad "no 'push it, sign it' left in emit" || ok "no 'push it, sign it' left in emit"
run pointer path out/pointer.yaml
expect_err 'hint: .*aicr-evidence sign.*then.*aicr-evidence push' "pointer path of an unsigned pointer: sign, then push"
grep -q 'sign the pushed' "$T_ERR" && bad "pointer path no longer says 'sign the pushed bundle'" || ok "pointer path no longer says 'sign the pushed bundle'"

# --help agrees: emit's and sign's usage name the order
run emit --help
expect_out 'sign.*then.*push' "emit --help: sign, then push"
run sign --help
expect_out 'then.*push' "sign --help: then push"

# ---- follow them verbatim against the local stack and registry ----
stack_up "$W/stack"
reg_start "$W/reg" || { echo "SKIPPED -- no local registry"; t_end; }
t_cleanup "reg_stop $W/reg"

run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o out2
sign_line=$(grep -o 'aicr-evidence sign [^ ]* --ref REGISTRY/REPO' "$T_OUT" | head -1)
if [ -z "$sign_line" ]; then
	bad "emit prints the sign command" "$(cat "$T_OUT")"
	t_end
fi
ok "emit prints the sign command: $sign_line"
read -r -a words <<<"${sign_line/REGISTRY\/REPO/$REG_HOST/acme/evidence}"
run "${words[@]:1}" --identity-token "$TOKEN" --signing-config "$SC" --trusted-root "$TR" --yes
expect_rc 0 "the printed sign command signs"
push_line=$(grep -o 'aicr-evidence push [^ ]* --to [^ ]*' "$T_OUT" | head -1)
[ -n "$push_line" ] && ok "sign prints the push command: $push_line" || bad "sign prints the push command" "$(cat "$T_OUT")"
read -r -a words <<<"$push_line"
run "${words[@]:1}" --registry-plain-http --format json
expect_rc 0 "the printed push command pushes"
pushed=$(jq -r .digest "$T_OUT")
run pointer path out2/pointer.yaml
expect_rc 0 "pointer path of the signed pointer exits 0"
dest=$(cat "$T_OUT")
case "$dest" in recipes/evidence/h100-eks-ubuntu-training/[0-9a-f]*/sha256-*.yaml) ok "pointer path names the canonical path" ;; *) bad "pointer path names the canonical path" "$dest" ;; esac
oci=$(sed -n 's/^ *oci: //p' out2/pointer.yaml | tr -d '"')
dig=$(sed -n 's/^ *digest: //p' out2/pointer.yaml | tr -d '"')
[ -n "$oci" ] && [ -n "$dig" ] && ok "the pointer has bundle.oci and bundle.digest" || bad "the pointer has bundle.oci and bundle.digest" "oci='$oci' digest='$dig'"
[ "$dig" = "$pushed" ] && ok "the pointer's digest is what was pushed" || bad "the pointer's digest is what was pushed" "$dig vs $pushed"
got=$(curl -sI "http://$REG_HOST/v2/acme/evidence/manifests/${oci##*:}" -H 'Accept: application/vnd.oci.image.manifest.v1+json' |
	tr -d '\r' | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: //p')
[ -n "$got" ] && [ "$got" = "$dig" ] && ok "the pointer's bundle.oci resolves to its digest in the registry" || bad "bundle.oci resolves" "$got vs $dig"
run verify out2/pointer.yaml --bundle out2 --trusted-root "$TR"
expect_rc 0 "the result verifies"

t_end
