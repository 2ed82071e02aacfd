#!/usr/bin/env bash
# tests/interop/test_emit_interop.sh -- an evidence bundle emitted and
# signed against our own Sigstore stack verifies with aicr-evidence verify
# and its Sigstore bundle with sigstore-js (../shared/tools/sigstore-js/
# verify.mjs), pinned to the statement subject = the artifact digest.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../e2e/sigstore_stack.sh"
t_begin

if [ ! -d "${SHARED:-}/tools/sigstore-js" ]; then
	echo "test_emit_interop: SKIPPED -- ${SHARED:-../shared}/tools is absent"
	t_end
fi
JS=$SHARED/tools/sigstore-js
if [ ! -d "$JS/node_modules" ]; then
	(cd "$JS" && npm ci --no-audit --no-fund --loglevel=error) >/dev/null 2>&1 ||
		{ bad "npm ci in $JS"; t_end; }
fi
EX=$(cd "$(dirname "$0")/../../recipes/examples" && pwd)
stack_up "$T_WORK/stack"

for sc in signing_config.json signing_config_rekor2.json; do
	out=$T_WORK/out-${sc%.json}
	run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" \
		-o "$out" --sign --ref localhost:5000/acme/evidence --identity-token "$TOKEN" \
		--signing-config "$STACK_DIR/$sc" --trusted-root "$TR" --yes
	expect_rc 0 "$sc: emit --sign"
	att=$out/summary-bundle/attestation.intoto.jsonl
	dig=$(sed -n 's/.*digest: \(sha256:[0-9a-f]*\).*/\1/p' "$out/pointer.yaml")
	if node "$JS/verify.mjs" --bundle "$att" --trusted-root "$TR" \
		--certificate-identity alice@example.test \
		--certificate-oidc-issuer https://accounts.example.test --digest "$dig" \
		>"$T_OUT" 2>"$T_ERR"; then
		ok "$sc: sigstore-js verifies the evidence bundle for the artifact digest"
	else
		bad "$sc: sigstore-js verifies the evidence bundle" "$(head -c 300 "$T_ERR")"
	fi
	if node "$JS/verify.mjs" --bundle "$att" --trusted-root "$TR" \
		--certificate-identity mallory@example.test \
		--certificate-oidc-issuer https://accounts.example.test --digest "$dig" \
		>/dev/null 2>&1; then
		bad "$sc: sigstore-js rejects another identity"
	else
		ok "$sc: sigstore-js rejects another identity"
	fi
	run verify "$out/pointer.yaml" --bundle "$out" --trusted-root "$TR" \
		--expected-issuer https://accounts.example.test \
		--expected-identity-regexp 'alice@example\.test'
	expect_rc 0 "$sc: aicr-evidence verify accepts the pointer"
done
stack_stop
t_end
