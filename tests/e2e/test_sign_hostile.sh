#!/usr/bin/env bash
# tests/e2e/test_sign_hostile.sh -- signing against services that lie
# (issue 25, items 2-9; issue 17's Rekor 409): a hostile gateway of our own
# (tests/e2e/hostile.py) in front of the project's Sigstore stack rewrites,
# loses, cuts and stalls answers, and the stack's Fulcio certifies someone
# else. Each case failed on the signer before issue 25.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sigstore_stack.sh"
t_begin

HERE=$(cd "$(dirname "$0")" && pwd)
EX=$(cd "$HERE/../../recipes/examples" && pwd)
stack_start "$T_WORK/stack" || t_end
cd "$T_WORK" || exit 1
TR=$STACK_DIR/trusted_root.json
HP=$(free_port)
setsid python3 "$HERE/hostile.py" --port "$HP" --upstream "${STACK_URL#http://}" \
	</dev/null >"$T_WORK/hostile.log" 2>&1 &
HOSTILE_PID=$!
t_cleanup "kill $HOSTILE_PID"
H=http://127.0.0.1:$HP
for _ in $(seq 1 50); do curl -s -o /dev/null "$H/_hostile/log" && break; sleep 0.1; done

rules() { curl -s -X POST --data-binary "$1" "$H/_hostile/rules" >/dev/null; }
# seen SUBSTRING: requests whose path holds it; tokens: requests that
# carried the identity token (Fulcio bodies); bearers: with Authorization
seen() { curl -s "$H/_hostile/log" | jq "[.log[] | select(.path | contains(\"$1\"))] | length"; }
seen_m() { curl -s "$H/_hostile/log" | jq "[.log[] | select(.method == \"$1\" and (.path | contains(\"$2\")))] | length"; }
tokens() { curl -s "$H/_hostile/log" | jq '[.log[] | select(.token)] | length'; }
bearers() { curl -s "$H/_hostile/log" | jq '[.log[] | select(.bearer)] | length'; }
no_file() { if [ -e "$1" ]; then bad "$2" "$1 was written"; else ok "$2"; fi; }
ms() { echo $(($(date +%s%N) / 1000000)); }

now=$(date +%s)
TOKEN=$(stack_token alice@example.test)
echo "hostile run $RANDOM" >a.txt
V1=(--fulcio-url "$H" --rekor-url "$H" --rekor-version 1 --trusted-root "$TR")
V2=(--fulcio-url "$H" --rekor-url "$H" --rekor-version 2 --tsa-url "$H/api/v1/timestamp" --trusted-root "$TR")
# sign OUT ARGS...: sign-bundle of a.txt through the gateway
sign() {
	local out=$1
	shift
	rm -f "$out"
	run sigstore sign-bundle --bundle "$out" --identity-token "$TOKEN" "$@" a.txt
}

# ---- item 2: a Rekor v2 logIndex nobody proved ----
rules '[{"method":"POST","path":"/api/v2/log/entries","action":"rewrite","set":{"logIndex":"987654321"}}]'
sign x.json "${V2[@]}"
expect_rc 2 "a v2 logIndex its inclusion proof does not prove is refused"
expect_err 'rekor v2 logIndex 987654321 is not the index its inclusion proof proves' "the unproven index is named"
no_file x.json "no bundle with an unproven index"
rules '[]'
sign good2.json "${V2[@]}"
expect_rc 0 "the same v2 signing without the rewrite succeeds"
jq -c '.verificationMaterial.tlogEntries[0].logIndex = "987654321"' good2.json >edited2.json
run sigstore verify-bundle --bundle edited2.json --certificate-identity alice@example.test \
	--certificate-oidc-issuer https://accounts.example.test --trusted-root "$TR" a.txt
if [ "$T_RC" -ne 0 ]; then ok "verify-bundle refuses an edited v2 logIndex"; else bad "verify-bundle refuses an edited v2 logIndex"; fi
expect_err 'logIndex 987654321 is not the index its inclusion proof proves' "verify-bundle names the unproven index"

# verify OUT: a v2-signed evidence bundle whose logIndex (and the pointer's
# rekorLogIndex with it) was edited
run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o ev2 \
	--sign --ref localhost:5000/acme/evidence --identity-token "$TOKEN" "${V2[@]}" --yes
expect_rc 0 "emit --sign on Rekor v2 through the gateway"
att=ev2/summary-bundle/attestation.intoto.jsonl
jq -c '.verificationMaterial.tlogEntries[0].logIndex = "987654321"' "$att" >"$att.new" && mv "$att.new" "$att"
sed -i 's/rekorLogIndex: .*/rekorLogIndex: 987654321/' ev2/pointer.yaml
grep -q 'rekorLogIndex: 987654321' ev2/pointer.yaml || sed -i 's/^\(\s*\)issuer: \(.*\)$/\1issuer: \2\n\1rekorLogIndex: 987654321/' ev2/pointer.yaml
run verify ev2/pointer.yaml --bundle ev2 --trusted-root "$TR"
expect_rc 2 "verify refuses a bundle and pointer whose v2 logIndex was edited together"
if grep -q 'rekorLogIndex\|987654321 is not' "$T_OUT"; then ok "verify says why"; else bad "verify says why" "$(head -c 300 "$T_OUT")"; fi

# ---- item 3: sign checks before it signs, and writes nothing on failure ----
run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o un
expect_rc 0 "an unsigned bundle is emitted"
sed -i 's|digest: ""|digest: sha256:1111111111111111111111111111111111111111111111111111111111111111|; s|oci: ""|oci: localhost:5000/acme/evidence:v1|' un/pointer.yaml
cp un/pointer.yaml un.before
rules '[]'
run sign un --identity-token "$TOKEN" "${V1[@]}" --yes
expect_rc 2 "sign refuses a pointer whose digest is not the bundle's"
expect_err "the pointer's digest is not this bundle's" "the digest mismatch is named"
is "$(seen /api/)" 0 "no service was asked (nothing certified, logged or published)"
no_file un/summary-bundle/attestation.intoto.jsonl "no attestation is left behind"
if cmp -s un/pointer.yaml un.before; then ok "the pointer is unchanged"; else bad "the pointer is unchanged"; fi
run verify un --trusted-root "$TR"
if grep -q 'bundle valid$' "$T_OUT" && [ -e un/summary-bundle/attestation.intoto.jsonl ]; then bad "verify does not call the half-signed bundle valid"; else ok "verify does not call the half-signed bundle valid"; fi

# ---- item 4: one payload cap, checked before the first request ----
CAP=$(((1048576 - 131072) / 4 * 3))
big_statement() { # SIZE FILE: an in-toto statement for a.txt of exactly SIZE bytes
	python3 - "$1" "$2" "$(sha256sum a.txt | cut -d' ' -f1)" <<'EOF'
import json, sys
size, path, dig = int(sys.argv[1]), sys.argv[2], sys.argv[3]
st = {"_type": "https://in-toto.io/Statement/v1", "subject": [{"name": "a.txt", "digest": {"sha256": dig}}],
      "predicateType": "https://aicr.dev/validation/v1", "predicate": {"pad": ""}}
base = len(json.dumps(st, separators=(",", ":")))
st["predicate"]["pad"] = "x" * (size - base)
open(path, "w").write(json.dumps(st, separators=(",", ":")))
EOF
}
big_statement $((CAP + 1)) over.json
big_statement "$CAP" atcap.json
big_statement 943718 nine.json
rules '[]'
rm -f o.json
run sigstore sign-bundle --in-toto --bundle o.json --identity-token "$TOKEN" "${V1[@]}" nine.json
expect_rc 2 "a 0.9 MiB statement is refused"
is "$(seen /api/)" 0 "... before any request (not certified, logged and then refused)"
run sigstore sign-bundle --in-toto --bundle o.json --identity-token "$TOKEN" "${V1[@]}" over.json
expect_rc 2 "a statement one byte past the cap is refused"
is "$(seen /api/)" 0 "... before any request"
no_file o.json "no bundle past the cap"
run sigstore sign-bundle --in-toto --bundle o.json --identity-token "$TOKEN" "${V1[@]}" atcap.json
expect_rc 0 "a statement at the cap is signed (its bundle fits the verifier's cap)"
run sigstore verify-bundle --bundle o.json --certificate-identity alice@example.test \
	--certificate-oidc-issuer https://accounts.example.test --trusted-root "$TR" a.txt
expect_rc 0 "... and verifies"

# ---- item 5: a certificate for someone else ----
rules '[]'
stack_fault fulcio otheridentity 1
sign f.json "${V1[@]}"
expect_rc 2 "a certificate for another identity is refused"
expect_err 'fulcio certified "mallory@example.test", but the token is for "alice@example.test"' "the other identity is named"
no_file f.json "no bundle for another identity"
if grep -q 'signed as mallory' "$T_ERR"; then bad "never 'signed as' the other identity"; else ok "never 'signed as' the other identity"; fi
stack_fault fulcio otherissuer 1
sign f.json "${V1[@]}"
expect_rc 2 "a certificate under another issuer is refused"
expect_err "fulcio certified issuer \"https://evil.example.test\", but the token's issuer is \"https://accounts.example.test\"" "the other issuer is named"
stack_fault fulcio otheridentity 1
run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o ev5 \
	--sign --ref localhost:5000/acme/evidence --identity-token "$TOKEN" "${V1[@]}" --yes
expect_rc 2 "emit --sign refuses a certificate for another identity"
no_file ev5/pointer.yaml "emit writes no pointer naming the other identity"

# ---- item 6: identities with control characters never reach a log ----
stack_fault fulcio ctrlsan 1
sign f.json "${V1[@]}"
expect_rc 2 "a SAN with a newline is refused as an identity"
if grep -q '^::error' "$T_ERR"; then bad "no forged workflow command line on stderr"; else ok "no forged workflow command line on stderr"; fi
expect_err 'control characters' "the control characters are named"
# the pointer parser refuses a claimed identity with a control character
run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o ev6 \
	--sign --ref localhost:5000/acme/evidence --identity-token "$TOKEN" "${V1[@]}" --yes
expect_rc 0 "a normal signed bundle for the escaping checks"
cp ev6/pointer.yaml p6.yaml
sed -i 's/identity: alice@example.test/identity: "alice@example.test\\n::error::forged"/' p6.yaml
run verify p6.yaml --bundle ev6 --trusted-root "$TR"
if grep -q '^::error' "$T_OUT" "$T_ERR"; then bad "verify prints no forged line for a claimed identity"; else ok "verify prints no forged line for a claimed identity"; fi
expect_err 'control character U\+000A' "the pointer's control character is refused"
# paths and names reach the human reports escaped (one escape for all)
FORGED=$(printf 'ev6\n::error::forged')
cp -r ev6 "$FORGED"
run verify "$FORGED" --trusted-root "$TR"
expect_rc 0 "verify of a directory whose name holds a newline"
if grep -q '^::error' "$T_OUT" "$T_ERR"; then bad "verify escapes the input path"; else ok "verify escapes the input path"; fi
run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o "$(printf 'ev6b\n::error::forged')" \
	--sign --ref localhost:5000/acme/evidence --identity-token "$TOKEN" "${V1[@]}" --yes
expect_rc 0 "emit into a directory whose name holds a newline"
if grep -q '^::error' "$T_OUT" "$T_ERR"; then bad "emit escapes the paths it reports"; else ok "emit escapes the paths it reports"; fi
expect_out 'bundle: +ev6b\\x0a::error::forged/summary-bundle' "the newline shows as \\x0a"
run pointer show "$FORGED/pointer.yaml"
if grep -q '^::error' "$T_OUT" "$T_ERR"; then bad "pointer show escapes the path"; else ok "pointer show escapes the path"; fi
run verify "$(printf 'nothing\n::error::here')" --trusted-root "$TR"
if grep -q '^::error' "$T_OUT" "$T_ERR"; then bad "an error about a path escapes it"; else ok "an error about a path escapes it"; fi

# ---- item 7 (issue 17): Rekor logged it, the gateway lost the answer ----
rules '[{"method":"POST","path":"/api/v1/log/entries","action":"status","status":502}]'
sign r.json "${V1[@]}"
expect_rc 0 "a 502 after Rekor committed: the retry's 409 fetches the logged entry"
is "$(seen_m POST /api/v1/log/entries)" 2 "the upload was sent twice (the second got 409)"
is "$(seen_m GET /api/v1/log/entries/)" 1 "the entry Rekor named was fetched once"
run sigstore verify-bundle --bundle r.json --certificate-identity alice@example.test \
	--certificate-oidc-issuer https://accounts.example.test --trusted-root "$TR" a.txt
expect_rc 0 "the bundle built from the fetched entry verifies"
rules '[{"method":"POST","path":"/api/v1/log/entries","action":"cut"}]'
sign r2.json "${V1[@]}"
expect_rc 0 "a cut answer after Rekor committed: the entry is fetched too"
# a 409 whose Location names another entry than ours is refused
rules '[{"method":"POST","path":"/api/v1/log/entries","action":"replace","status":409,"headers":{"Location":"/api/v1/log/entries/0000000000000000000000000000000000000000000000000000000000000000"},"body":"{}"}]'
sign r3.json "${V1[@]}"
expect_rc 2 "a 409 naming an entry we did not log fails"
no_file r3.json "no bundle from someone else's entry"

# ---- item 8: one deadline, and a token is never sent twice to a staller ----
rules '[{"method":"POST","path":"/api/v2/signingCert","action":"stall","seconds":8,"times":5}]'
t0=$(ms)
sign s.json "${V1[@]}" --timeout 3
t1=$(ms)
expect_rc 3 "a stalling Fulcio ends at the deadline with exit 3"
expect_err 'deadline' "the deadline is named"
if [ $((t1 - t0)) -lt 6000 ]; then ok "--timeout 3 ends the run in time ($((t1 - t0)) ms)"; else bad "--timeout 3 ends the run in time" "$((t1 - t0)) ms"; fi
is "$(tokens)" 1 "the token reached the staller once, not once per attempt"
rules '[{"method":"POST","path":"/api/v1/log/entries","action":"drip","seconds":8,"interval":1,"times":5}]'
t0=$(ms)
sign s.json "${V1[@]}" --timeout 4
t1=$(ms)
expect_rc 3 "a dripping Rekor ends at the deadline with exit 3"
if [ $((t1 - t0)) -lt 7000 ]; then ok "the deadline holds against a drip ($((t1 - t0)) ms)"; else bad "the deadline holds against a drip" "$((t1 - t0)) ms"; fi
rules '[{"method":"GET","path":"/gha/token","action":"stall","seconds":8,"times":5}]'
rm -f g.json
t0=$(ms)
SIGSTORE_ID_TOKEN= ACTIONS_ID_TOKEN_REQUEST_URL="$H/gha/token" ACTIONS_ID_TOKEN_REQUEST_TOKEN=$STACK_GHA_SECRET \
	run sigstore sign-bundle --bundle g.json "${V1[@]}" --timeout 3 a.txt
t1=$(ms)
expect_rc 3 "a stalling GitHub token endpoint ends at the deadline"
is "$(bearers)" 1 "the request token reached the staller once"
run sigstore sign-bundle --bundle g.json --identity-token "$TOKEN" --timeout 2x a.txt
expect_rc 64 "--timeout must be whole seconds"

# ---- item 9: token claims checked before any request ----
rules '[]'
claim_token() { jwt_unsigned "{\"iss\":\"https://accounts.example.test\",\"sub\":\"u-1\",\"email\":\"alice@example.test\"$1}"; }
for c in ",\"aud\":\"sigstore\",\"exp\":1e300|'exp'" \
	",\"aud\":\"sigstore\",\"exp\":0|'exp' 0 is outside" \
	",\"aud\":\"sigstore\"|no 'exp' claim" \
	",\"aud\":\"registry\",\"exp\":$((now + 600))|audience does not include 'sigstore'" \
	",\"exp\":$((now + 600))|audience does not include 'sigstore'"; do
	rm -f t.json
	run sigstore sign-bundle --bundle t.json --identity-token "$(claim_token "${c%%|*}")" "${V1[@]}" a.txt
	expect_rc 2 "token {${c%%|*}} is refused"
	expect_err "${c#*|}" "... explained"
done
is "$(seen /api/)" 0 "none of those tokens was sent anywhere"

t_end
