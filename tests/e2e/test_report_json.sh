#!/usr/bin/env bash
# tests/e2e/test_report_json.sh -- `emit --format json` and `sign --format
# json` (issue 20 item 10): one JSON object on stdout with the paths
# written, the artifact and signature digests, the pointer and the next
# steps' commands (docs/cli.md); the text report stays the default.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sigstore_stack.sh"
. "$(dirname "$0")/registry.sh"
t_begin
EX=$(cd "$(dirname "$0")/../../recipes/examples" && pwd)
W=$T_WORK
export SOURCE_DATE_EPOCH=1763650000
j() { jq -r "$1" "$T_OUT"; }
check() { # JQ-EXPR what: the expression is true of stdout
	if [ -s "$T_OUT" ] && jq -e "$1" "$T_OUT" >/dev/null 2>&1; then ok "$2"; else bad "$2" "$(head -c 400 "$T_OUT")"; fi
}
emit() { run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" "$@"; }

emit -o "$W/bad" --format yaml
expect_rc 64 "emit --format yaml is a usage error"
emit -o "$W/text"
expect_rc 0 "emit (text) exits 0"
expect_out '^bundle: ' "text stays the default"
emit -o "$W/u" --format json
expect_rc 0 "emit --format json exits 0"
check 'type == "object"' "stdout is one JSON object"
check '.command == "emit" and .out == "'"$W/u"'"' "command and out"
check '.written == ["'"$W/u"'/summary-bundle", "'"$W/u"'/pointer.yaml"]' "paths written (unsigned: bundle and pointer)"
check '.bundle.manifestDigest | test("^sha256:[0-9a-f]{64}$")' "the summary bundle's manifest digest"
check '.bundle.files > 0 and .recipe.name == "h100-eks-ubuntu-training"' "files and recipe"
check '.artifact.digest == null and .signature == null and .pointer.signed == false' "unsigned: no artifact digest, no signature"
check '.pointer.path == "'"$W/u"'/pointer.yaml"' "the pointer path"
check '[.next[].step] == ["sign", "push", "commit"]' "next steps in workflow order"
check '.next[0].command == "aicr-evidence sign '"$W/u"' --ref REGISTRY/REPO"' "the next step's command"
# a path that needs quoting is one shell word in the commands
emit -o "$W/a b" --format json
check '.next[0].command == "aicr-evidence sign '"'$W/a b'"' --ref REGISTRY/REPO"' "an output path with a space is quoted in the command"

if ! stack_start "$W/stack"; then
	echo "SKIPPED -- the Sigstore stack did not start: the signed cases did not run"
	t_end
fi
TR=$STACK_DIR/trusted_root.json
SC=$STACK_DIR/signing_config.json
TOKEN=$(stack_token alice@example.test)
S=(--identity-token "$TOKEN" --signing-config "$SC" --trusted-root "$TR" --yes)

# sign OUT --format json after an unsigned emit
emit -o "$W/s" --no-sign
run sign "$W/s" --ref localhost:5000/acme/evidence --format json "${S[@]}"
expect_rc 0 "sign --format json exits 0"
check '.command == "sign"' "sign: one JSON object"
pd=$(sed -n 's/.*digest: \(sha256:[0-9a-f]*\).*/\1/p' "$W/s/pointer.yaml")
ad=sha256:$(sha256sum "$W/s/summary-bundle/attestation.intoto.jsonl" | cut -d' ' -f1)
check '.artifact.digest == "'"$pd"'"' "sign: the artifact digest is the pointer's"
check '.signature.digest == "'"$ad"'" and .signature.path == "'"$W/s"'/summary-bundle/attestation.intoto.jsonl"' "sign: the Sigstore bundle's path and digest"
check '.signature.identity == "alice@example.test" and (.signature.rekorLogIndex | type) == "number"' "sign: the verified signer"
check '.written == ["'"$W/s"'/summary-bundle/attestation.intoto.jsonl", "'"$W/s"'/pointer.yaml"]' "sign: paths written"
check '.pointer.ledgerPath | test("^recipes/evidence/h100-eks-ubuntu-training/[0-9a-f]{32}/sha256-[0-9a-f]{64}\\.yaml$")' "sign: the pointer's place in the ledger"
check '.next[0].step == "push" and .next[0].command == "aicr-evidence push '"$W/s"' --to " + .artifact.reference' "sign: the next step is the push, with the tag the pointer names"
check '. as $r | $r.next[1].step == "commit" and ($r.next[1].command | endswith($r.pointer.ledgerPath))' "sign: then the commit at the ledger path"

# emit --sign --push --format json: push's own report stays off stdout
if reg_start "$W/reg"; then
	t_cleanup "reg_stop $W/reg"
	emit -o "$W/p" --sign --push "$REG_HOST/acme/evidence" --registry-plain-http --format json "${S[@]}"
	expect_rc 0 "emit --sign --push --format json exits 0"
	check 'type == "object" and .command == "emit"' "stdout is only emit's JSON object (no push line)"
	pd=$(sed -n 's/.*digest: \(sha256:[0-9a-f]*\).*/\1/p' "$W/p/pointer.yaml")
	check '.artifact.digest == "'"$pd"'" and .artifact.pushed == true and (.artifact.referrer | test("^sha256:"))' "emit --push: artifact digest, pushed, referrer"
	check '.signature.digest | test("^sha256:[0-9a-f]{64}$")' "emit --sign: the signature's digest"
	check '(.written | length) == 3 and .pointer.signed == true' "emit --sign: three paths written, a signed pointer"
	check '[.next[].step] == ["commit"]' "pushed and signed: only the commit is left"
	emit -o "$W/pt" --sign --push "$REG_HOST/acme/evidence2" --registry-plain-http "${S[@]}"
	expect_rc 0 "emit --sign --push (text) exits 0"
	expect_out '^pushed '"$REG_HOST"'/acme/evidence2:' "text: push's line is still printed"
else
	echo "SKIPPED -- the registry did not start: the --push case did not run"
fi
t_end
