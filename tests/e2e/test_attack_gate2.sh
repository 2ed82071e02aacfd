#!/usr/bin/env bash
# tests/e2e/test_attack_gate2.sh -- a second outside review's attacks that
# the tool held (the binary, the docs, a real registry, the local Sigstore
# stack, git repositories built with the git CLI, hostile servers of our
# own): signer claims against bundles really signed by other identities
# and issuers; Sigstore bundles tampered field by field or doubled; a
# signed predicate that misstates its tests; Fulcio, Rekor and Actions
# token stand-ins that redirect, echo or swap the token; a registry whose
# realm is another registry's; PR history tricks (a transient mode flip, a
# transient onboarding, thousands of churning commits, two pointers naming
# one bundle, --root/--head spellings); output paths a hostile checkout
# prepared; the ledger's handling of false claims, duplicate checks,
# hostile test names and identities; the conformance client's policy.
# Every check is named after its attack.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry.sh"
. "$(dirname "$0")/sigstore_stack.sh"
. "$(dirname "$0")/ledger_signed.sh"
t_begin

EX=$(cd "$(dirname "$0")/../../recipes/examples" && pwd)
W=$T_WORK
if ! signed_start "$W"; then t_end; fi
ISS=$SE_ISSUER
A=alice@example.test

# tok EMAIL [ISSUER]: the stack's unsigned test token
tok() {
	jwt_unsigned "{\"iss\":\"${2:-$ISS}\",\"aud\":\"sigstore\",\"sub\":\"$1\",\"email\":\"$1\",\"exp\":$(($(date +%s) + 900))}"
}
# semit NAME EMAIL TWEAK [ISSUER]: emit, sign and push a unique bundle;
# W/NAME is the emit directory
semit() {
	local n=$1 email=$2 tw=$3 iss=${4:-$ISS} f ref
	mkdir -p "$W/$n.ctrf"
	for f in "$EX"/ctrf/*.json; do
		jq --argjson t "$tw" '.results.tests |= map(.duration = ((.duration // 0) + $t))' \
			"$f" >"$W/$n.ctrf/$(basename "$f")"
	done
	run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$W/$n.ctrf" \
		-o "$W/$n" --sign --ref "$REG_HOST/ev/$n" --identity-token "$(tok "$email" "$iss")" \
		--signing-config "$SC" --trusted-root "$TR" --yes
	[ "$T_RC" -eq 0 ] || { bad "setup: emit and sign $n" "exit $T_RC"; return 1; }
	ref=$(sed -n 's/^ *oci: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$W/$n/pointer.yaml")
	run push "$W/$n" --to "$ref" --registry-plain-http
	[ "$T_RC" -eq 0 ] || { bad "setup: push $n" "exit $T_RC"; return 1; }
}
semit alice $A 1 || t_end
semit bob bob@example.test 2 || t_end
semit mallory mallory@example.test 3 || t_end
semit upper ALICE@example.test 4 || t_end
semit evil $A 5 https://evil.example || t_end

# A ledger: alice community, bob partner (the stack's issuer); bob's pointer
# on main. pr_with FILE: a fresh repository whose branch pr adds FILE at
# its canonical path; the gate as CI runs it.
base_repo() {
	local r=$W/repo-$RANDOM rel
	git init -q -b main "$r"
	git -C "$r" config user.email t@example.com
	git -C "$r" config user.name test
	git -C "$r" config commit.gpgsign false
	mkdir -p "$r/recipes/evidence"
	signed_allowlist "$r/recipes/evidence" "alice $A community" "bob bob@example.test partner"
	rel=$(ae pointer path "$W/bob/pointer.yaml")
	mkdir -p "$r/$(dirname "$rel")"
	cp "$W/bob/pointer.yaml" "$r/$rel"
	git -C "$r" add -A
	git -C "$r" commit -qm base
	BOB_REL=$rel
	R=$r
}
add_ptr() { # FILE: at the canonical path of the claim it makes
	local rel
	rel=$(ae pointer path "$1")
	mkdir -p "$R/$(dirname "$rel")"
	cp "$1" "$R/$rel"
	git -C "$R" add -A
	git -C "$R" commit -qm "pointer"
}
pr_with() {
	base_repo
	git -C "$R" checkout -qb pr
	add_ptr "$1"
}
gate() {
	run check --repo "$R" --base main --head pr --verify-signatures \
		--trusted-root "$TR" --registry-plain-http --cache "$W/cache" "$@"
}

# ---- signer claims against what the certificate proves ----
pr_with "$W/alice/pointer.yaml"; gate
expect_rc 0 "control: alice's own signed pointer passes rule 4"
sed 's/identity: ALICE@/identity: alice@/' "$W/upper/pointer.yaml" >"$W/p"; pr_with "$W/p"; gate
expect_rc 1 "a certificate for ALICE@example.test claimed as alice@example.test (case of the identity)"
sed "s#issuer: https://evil.example#issuer: $ISS#" "$W/evil/pointer.yaml" >"$W/p"; pr_with "$W/p"; gate
expect_rc 1 "a certificate for alice's e-mail from another issuer, claimed under the listed issuer"
sed 's/identity: bob@/identity: alice@/' "$W/bob/pointer.yaml" >"$W/p"; pr_with "$W/p"; gate
expect_rc 1 "bob's bundle (a base pointer's digest) claimed by alice in her directory"
sed 's/identity: mallory@/identity: alice@/' "$W/mallory/pointer.yaml" >"$W/p"; pr_with "$W/p"; gate
expect_rc 1 "mallory's signed bundle claimed as alice's"
BOB_IDX=$(sed -n 's/^ *rekorLogIndex: *//p' "$W/bob/pointer.yaml")
sed "s/rekorLogIndex: .*/rekorLogIndex: $BOB_IDX/" "$W/alice/pointer.yaml" >"$W/p"; pr_with "$W/p"; gate
expect_rc 1 "alice's pointer naming bob's Rekor log index"

# ---- history tricks in the PR ----
base_repo; git -C "$R" checkout -qb pr
chmod +x "$R/$BOB_REL"; git -C "$R" commit -qam flip
chmod -x "$R/$BOB_REL"; git -C "$R" commit -qam unflip
add_ptr "$W/alice/pointer.yaml"; gate
expect_rc 1 "a base pointer's mode flipped and restored in two commits of the PR (rebase merge)"
base_repo; git -C "$R" checkout -qb pr
cp "$R/recipes/evidence/allowlist.yaml" "$W/al.keep"
printf '  - label: mal\n    issuer: %s\n    source: %s\n' "$ISS" "$(se_slug "$ISS" mallory@example.test)" \
	>>"$R/recipes/evidence/allowlist.yaml"
git -C "$R" commit -qam onboard
add_ptr "$W/mallory/pointer.yaml"
cp "$W/al.keep" "$R/recipes/evidence/allowlist.yaml"; git -C "$R" commit -qam offboard
gate
expect_rc 1 "mallory onboards herself, commits her pointer, then removes her entry (no allowlist note)"
base_repo; git -C "$R" checkout -qb pr
D=$(dirname "$BOB_REL")
python3 - "$D" >"$W/fi.txt" <<'PY'
import sys
d = sys.argv[1]
print("reset refs/heads/pr\nfrom refs/heads/main^0")
for i in range(3000):
    print("commit refs/heads/pr\ncommitter t <t@x> %d +0000\ndata 1\nx" % (1700000000 + i))
    if i % 2 == 0:
        print("M 100644 inline %s/junk.txt\ndata 2\n%d\n" % (d, i % 10))
    else:
        print("D %s/junk.txt" % d)
PY
git -C "$R" fast-import --quiet --force <"$W/fi.txt"
s=$(date +%s); gate; e=$(($(date +%s) - s))
if [ "$T_RC" -eq 0 ] && [ $e -lt 60 ]; then
	ok "3000 commits adding and removing a stray file under the root: judged in ${e}s, net change nothing"
else
	bad "3000 churning commits" "exit $T_RC after ${e}s"
fi

# ---- Sigstore bundles tampered or doubled (verify DIR) ----
AT=summary-bundle/attestation.intoto.jsonl
tamper() { # JQ WHAT: alice's bundle directory with its Sigstore bundle rewritten
	rm -rf "$W/t"; cp -r "$W/alice" "$W/t"
	jq -c --slurpfile b "$W/bob/$AT" "$1" "$W/alice/$AT" >"$W/t/$AT"
	run verify "$W/t" --trusted-root "$TR"
	expect_rc 2 "$2"
}
tamper '.dsseEnvelope.signatures += .dsseEnvelope.signatures' "a DSSE envelope with its signature twice"
tamper '.dsseEnvelope.signatures += $b[0].dsseEnvelope.signatures' "a DSSE envelope with bob's signature added"
tamper '.dsseEnvelope.signatures = $b[0].dsseEnvelope.signatures + .dsseEnvelope.signatures' "bob's signature put first"
tamper '.verificationMaterial.tlogEntries = $b[0].verificationMaterial.tlogEntries' "a Rekor entry of another artifact (bob's)"
tamper '.verificationMaterial.tlogEntries += $b[0].verificationMaterial.tlogEntries' "bob's Rekor entry added after alice's"
tamper '.verificationMaterial.tlogEntries = $b[0].verificationMaterial.tlogEntries + .verificationMaterial.tlogEntries' "bob's Rekor entry put first"
tamper '.verificationMaterial.timestampVerificationData = $b[0].verificationMaterial.timestampVerificationData' "bob's RFC 3161 timestamp"
tamper '.verificationMaterial.timestampVerificationData.rfc3161Timestamps += $b[0].verificationMaterial.timestampVerificationData.rfc3161Timestamps' "bob's timestamp added to alice's"
tamper '.verificationMaterial.x509CertificateChain = {certificates: [.verificationMaterial.certificate]}' "both a certificate and a chain"
tamper '.verificationMaterial.tlogEntries[0].inclusionPromise = $b[0].verificationMaterial.tlogEntries[0].inclusionPromise' "bob's SET on alice's entry"
tamper '.verificationMaterial.tlogEntries[0].inclusionProof = $b[0].verificationMaterial.tlogEntries[0].inclusionProof' "bob's inclusion proof on alice's entry"
tamper '.verificationMaterial.tlogEntries[0].integratedTime = "1"' "integratedTime rewritten to 1970"
tamper '.verificationMaterial.tlogEntries[0].logIndex = $b[0].verificationMaterial.tlogEntries[0].logIndex' "bob's log index on alice's entry"
tamper 'del(.verificationMaterial.tlogEntries[0].inclusionProof)' "a v0.3 bundle without its inclusion proof"
tamper '.dsseEnvelope.payloadType = "application/json"' "DSSE payload type rewritten (PAE changes)"
two_lines() { # FIRST SECOND WHAT
	rm -rf "$W/t"; cp -r "$W/alice" "$W/t"
	{ cat "$1"; echo; cat "$2"; echo; } >"$W/t/$AT"
	run verify "$W/t" --trusted-root "$TR" "${@:4}"
	expect_rc 2 "$3"
}
two_lines "$W/alice/$AT" "$W/mallory/$AT" "attestation.intoto.jsonl with alice's bundle, then mallory's line"
two_lines "$W/mallory/$AT" "$W/alice/$AT" "attestation.intoto.jsonl with mallory's line, then alice's" \
	--expected-issuer "$ISS" --expected-identity-regexp 'alice@example\.test'
two_lines "$W/alice/$AT" "$W/alice/$AT" "attestation.intoto.jsonl with alice's bundle twice"

# ---- a signer's predicate that misstates the report ----
mkdir -p "$W/fc.ctrf"; cp "$EX"/ctrf/*.json "$W/fc.ctrf/"
jq '.results.tests[0].status = "failed" | .results.summary.passed -= 1 | .results.summary.failed += 1' \
	"$EX/ctrf/conformance.json" >"$W/fc.ctrf/conformance.json"
run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$W/fc.ctrf" -o "$W/fc"
S=$W/fc/summary-bundle/statement.intoto.json
jq '.predicate.phases.conformance.passed += 1 | .predicate.phases.conformance.failed = 0' "$S" >"$S.n" && mv "$S.n" "$S"
run sign "$W/fc" --ref "$REG_HOST/ev/fc" --identity-token "$(tok $A)" --signing-config "$SC" --trusted-root "$TR" --yes
expect_rc 0 "setup: alice signs a predicate saying 0 failed over a report with a failed test"
run verify "$W/fc" --trusted-root "$TR"
expect_rc 2 "a signed predicate counting a failed test as passed: refused, not 'valid'"
for st in error Failed FAILED; do
	mkdir -p "$W/st-$st.ctrf"; cp "$EX"/ctrf/*.json "$W/st-$st.ctrf/"
	jq --arg s "$st" '.results.tests[0].status = $s | del(.results.summary)' "$EX/ctrf/conformance.json" \
		>"$W/st-$st.ctrf/conformance.json"
	run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$W/st-$st.ctrf" -o "$W/st-$st"
	run verify "$W/st-$st"
	expect_rc 1 "a test with status '$st' is published as 'other' and verify reports a failure (exit 1), never a clean pass"
done

# ---- a Fulcio that redirects the identity token elsewhere ----
SINK_LOG=$W/sink.log
cat >"$W/hostile.py" <<'PY'
import sys, http.server, json
port, mode, sink, log = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def h(self):
        n = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(n) if n else b''
        with open(log, 'a') as f:
            f.write(json.dumps({'port': port, 'path': self.path, 'headers': dict(self.headers), 'body': body.decode('latin1')}) + '\n')
        if mode == 'sink':
            self.send_response(404)
        else:
            self.send_response(int(mode)); self.send_header('Location', 'http://%s%s' % (sink, self.path))
        self.send_header('Content-Length', '0'); self.end_headers()
    do_GET = do_POST = do_PUT = h
http.server.ThreadingHTTPServer(('127.0.0.1', port), H).serve_forever()
PY
SP=$(free_port)
python3 "$W/hostile.py" "$SP" sink - "$SINK_LOG" & t_cleanup "kill $!"
for code in 301 302 307 308; do
	HP=$(free_port)
	python3 "$W/hostile.py" "$HP" "$code" "127.0.0.1:$SP" "$W/hostile.log" & hp=$!
	for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$HP/" && break; sleep 0.1; done
	jq --arg u "http://127.0.0.1:$HP" '.caUrls[0].url = $u' "$SC" >"$W/sc-h.json"
	jq --arg u "http://127.0.0.1:$HP" '.certificateAuthorities[0].uri = $u' "$TR" >"$W/tr-h.json"
	T=$(tok $A)
	run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o "$W/h$code" \
		--sign --ref "$REG_HOST/ev/h" --identity-token "$T" --signing-config "$W/sc-h.json" \
		--trusted-root "$W/tr-h.json" --yes
	kill "$hp"; wait "$hp" 2>/dev/null
	if [ "$T_RC" -ne 0 ] && ! grep -q "$(echo "$T" | cut -d. -f2 | cut -c1-24)" "$SINK_LOG" 2>/dev/null &&
		[ ! -e "$W/h$code/pointer.yaml" ]; then
		ok "a Fulcio answering $code to another port: not followed, the token never reaches it (exit $T_RC)"
	else
		bad "Fulcio $code redirect" "exit $T_RC; sink: $(head -c 200 "$SINK_LOG" 2>/dev/null)"
	fi
done

# ---- a Fulcio echoing the request in its error; a Rekor stand-in ----
cat >"$W/reflect.py" <<'PY2'
import sys, http.server
port, code = int(sys.argv[1]), int(sys.argv[2])
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_POST(self):
        n = int(self.headers.get('Content-Length') or 0); body = self.rfile.read(n)
        out = b'{"message":"' + body.replace(b'"', b"'") + b'"}'
        self.send_response(code); self.send_header('Content-Length', str(len(out))); self.end_headers(); self.wfile.write(out)
    do_GET = do_POST
http.server.ThreadingHTTPServer(('127.0.0.1', port), H).serve_forever()
PY2
for code in 400 401; do
	HP=$(free_port)
	python3 "$W/reflect.py" "$HP" "$code" & hp=$!
	for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$HP/" && break; sleep 0.1; done
	jq --arg u "http://127.0.0.1:$HP" '.caUrls[0].url = $u' "$SC" >"$W/sc-r.json"
	jq --arg u "http://127.0.0.1:$HP" '.certificateAuthorities[0].uri = $u' "$TR" >"$W/tr-r.json"
	T=$(tok $A)
	run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o "$W/r$code" \
		--sign --ref "$REG_HOST/ev/h" --identity-token "$T" --signing-config "$W/sc-r.json" \
		--trusted-root "$W/tr-r.json" --yes
	kill "$hp"; wait "$hp" 2>/dev/null
	if [ "$T_RC" -eq 2 ] && ! grep -q "$(echo "$T" | cut -d. -f2 | cut -c1-24)" "$T_ERR" "$T_OUT"; then
		ok "a Fulcio answering $code with the request (token) echoed: exit 2, the token's claims never printed"
	else
		bad "Fulcio echo $code" "exit $T_RC: $(head -c 300 "$T_ERR")"
	fi
done
RK_LOG=$W/rk.log
HP=$(free_port)
python3 "$W/hostile.py" "$HP" sink - "$RK_LOG" & hp=$!
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$HP/" && break; sleep 0.1; done
jq --arg u "http://127.0.0.1:$HP" '.rekorTlogUrls[0].url = $u | .tsaUrls[0].url = ($u + "/api/v1/timestamp")' "$SC" >"$W/sc-k.json"
jq --arg u "http://127.0.0.1:$HP" '.tlogs[].baseUrl = $u | .timestampAuthorities[0].uri = ($u + "/api/v1/timestamp")' "$TR" >"$W/tr-k.json"
T=$(tok $A)
run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o "$W/rk" \
	--sign --ref "$REG_HOST/ev/h" --identity-token "$T" --signing-config "$W/sc-k.json" --trusted-root "$W/tr-k.json" --yes
kill "$hp"; wait "$hp" 2>/dev/null
if [ "$T_RC" -eq 2 ] && [ -s "$RK_LOG" ] && ! grep -q "$(echo "$T" | cut -d. -f2 | cut -c1-24)" "$RK_LOG"; then
	ok "a Rekor and TSA stand-in: reached, but never sent the identity token"
else
	bad "Rekor stand-in" "exit $T_RC; log $(head -c 200 "$RK_LOG" 2>/dev/null)"
fi

# ---- a hostile registry whose token realm is another registry's ----
cat >"$W/realm.py" <<'PY2'
import sys, http.server, json, threading
rp, tp, log = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
def L(d):
    with open(log, 'a') as f: f.write(json.dumps(d) + '\n')
class Reg(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_GET(self):
        L({'srv': 'reg', 'auth': self.headers.get('Authorization')})
        self.send_response(401)
        self.send_header('WWW-Authenticate', 'Bearer realm="http://127.0.0.1:%d/token",service="victim",scope="repository:victim/private:pull,push"' % tp)
        self.send_header('Content-Length', '0'); self.end_headers()
    do_HEAD = do_GET
class Tok(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_GET(self):
        L({'srv': 'realm', 'auth': self.headers.get('Authorization')})
        b = json.dumps({'token': 'anon'}).encode()
        self.send_response(200); self.send_header('Content-Length', str(len(b))); self.end_headers(); self.wfile.write(b)
threading.Thread(target=http.server.ThreadingHTTPServer(('127.0.0.1', tp), Tok).serve_forever, daemon=True).start()
http.server.ThreadingHTTPServer(('127.0.0.1', rp), Reg).serve_forever()
PY2
RP=$(free_port); TP=$(free_port)
python3 "$W/realm.py" "$RP" "$TP" "$W/realm.log" & t_cleanup "kill $!"
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$TP/" && break; sleep 0.1; done
mkdir -p "$W/dcfg"
printf '{"auths":{"127.0.0.1:%s":{"auth":"%s"}}}' "$TP" "$(printf 'victim:victimpass' | base64)" >"$W/dcfg/config.json"
run pull "127.0.0.1:$RP/x/y@sha256:$(printf a | sha256sum | cut -c1-64)" --to "$W/pl" --registry-plain-http \
	--docker-config "$W/dcfg/config.json"
if [ "$T_RC" -ne 0 ] && ! grep -q "$(printf 'victim:victimpass' | base64)" "$W/realm.log" && [ ! -e "$W/pl" ]; then
	ok "a registry naming another registry's token service as its realm: that registry's login never sent (exit $T_RC)"
else
	bad "realm confusion" "exit $T_RC: $(cat "$W/realm.log")"
fi

# ---- output paths a hostile checkout or a previous run prepared ----
mkdir -p "$W/oc1"; echo precious >"$W/oc1/pointer.yaml"
run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o "$W/oc1"
[ "$T_RC" -eq 2 ] && [ "$(cat "$W/oc1/pointer.yaml")" = precious ] &&
	ok "emit into a directory holding a pointer.yaml: refused, the file untouched" || bad "emit over pointer.yaml" "exit $T_RC"
mkdir -p "$W/oc2" "$W/oc2t"; ln -s ../oc2t "$W/oc2/summary-bundle"
run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o "$W/oc2"
[ "$T_RC" -eq 2 ] && [ -z "$(ls "$W/oc2t")" ] &&
	ok "emit with summary-bundle a symlink to another directory: refused, nothing written there" || bad "summary-bundle symlink" "exit $T_RC"
mkdir -p "$W/oc3"; ln -s "$W/oc3-victim" "$W/oc3/pointer.yaml"
run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o "$W/oc3"
[ "$T_RC" -eq 2 ] && [ ! -e "$W/oc3-victim" ] &&
	ok "emit with pointer.yaml a dangling symlink: refused, its target never created" || bad "dangling pointer symlink" "exit $T_RC"
mkdir -p "$W/rl.cwd" "$W/outside"; ln -s ../outside "$W/rl.cwd/recipes"
run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$W/alice.ctrf" -o "$W/rl"
(cd "$W/rl.cwd" && run sign "$W/rl" --ref "$REG_HOST/ev/rl" --relocate --identity-token "$(tok $A)" \
	--signing-config "$SC" --trusted-root "$TR" --yes; echo "$T_RC" >"$W/rl.rc")
[ "$(cat "$W/rl.rc")" = 2 ] && [ -z "$(find "$W/outside" -type f)" ] &&
	ok "sign --relocate in a checkout whose recipes/ is a symlink out of it: refused, nothing written outside" ||
	bad "relocate through symlink" "exit $(cat "$W/rl.rc"): $(find "$W/outside" -type f)"

# ---- the ledger: a false claim on another signer's bundle; hostile names ----
LR=$W/ledger-root; mkdir -p "$LR"
signed_allowlist "$LR" "alice $A community" "bob bob@example.test partner"
signed_ctrf "$SE_EX/ctrf" "$W/lc-b" 51 k8s-version-constraint
SE_EPOCH=1764000000 signed_emit bobfail bob@example.test "$W/lc-b" "$LR"
BF_PTR=$SE_PTR
signed_ctrf "$SE_EX/ctrf" "$W/lc-a" 52
SE_EPOCH=1764000100 signed_emit alicepass $A "$W/lc-a" "$LR"
led_state() { # the state of conformance/k8s-version-constraint
	run ledger --root "$LR" --verify --trusted-root "$TR" --registry-plain-http --format json
	jq -r '[.. | objects | select(.name? == "k8s-version-constraint" or .check? == "conformance/k8s-version-constraint") | .state? // empty] | first // "none"' "$T_OUT"
}
st0=$(led_state)
dst=$LR/h100-eks-ubuntu-training/$(se_slug "$ISS" "$A")/$(basename "$BF_PTR")
sed "s/identity: bob@example.test/identity: $A/" "$BF_PTR" >"$dst"
st1=$(led_state)
[ "$st0" = CONTESTED ] && [ "$st1" = CONTESTED ] &&
	ok "ledger: alice's unsigned claim on bob's failing bundle (same digest) leaves bob's verified fail counted" ||
	bad "ledger false claim on a bundle" "before $st0, after $st1"
rm -f "$dst"
for pol in reference-v4; do
	mkdir -p "$W/x.ctrf"; cp "$EX"/ctrf/*.json "$W/x.ctrf/"
	jq --arg n $'<img src=x onerror=alert(1)>\n  CONFIRMED     9    0        0  conformance/forged\e[31m' \
		'.results.tests[0].name = $n | .results.tests[0].duration += 61' "$EX/ctrf/conformance.json" >"$W/x.ctrf/conformance.json"
	run emit --policy $pol --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$W/x.ctrf" -o "$W/xo" \
		--sign --ref "$REG_HOST/evidence/xname" --identity-token "$(tok $A)" --signing-config "$SC" --trusted-root "$TR" --yes
	ref=$(sed -n 's/^ *oci: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$W/xo/pointer.yaml")
	run push "$W/xo" --to "$ref" --registry-plain-http
	rm -rf "$LR/h100-eks-ubuntu-training/$(se_slug "$ISS" "$A")"
	mkdir -p "$LR/h100-eks-ubuntu-training/$(se_slug "$ISS" "$A")"
	cp "$W/xo/pointer.yaml" "$LR/$(ae pointer path "$W/xo/pointer.yaml" --root "")"
	run ledger --root "$LR" --verify --trusted-root "$TR" --registry-plain-http --format html -o "$W/l.html"
	if [ "$T_RC" -eq 0 ] && grep -q 'forged' "$W/l.html" && ! grep -q '<img src=x' "$W/l.html"; then
		ok "ledger html: a signed test name holding markup ($pol) is escaped"
	else
		bad "ledger html escaping" "exit $T_RC"
	fi
	run ledger --root "$LR" --verify --trusted-root "$TR" --registry-plain-http
	if [ "$T_RC" -eq 0 ] && grep -q 'forged' "$T_OUT" && ! grep -q $'\e' "$T_OUT" && ! grep -qE '^  CONFIRMED +9 ' "$T_OUT"; then
		ok "ledger text: a signed test name holding a newline and ESC cannot forge a row or colour the terminal"
	else
		bad "ledger text escaping" "exit $T_RC"
	fi
done

# ---- one signer's report naming a check twice, pass then fail ----
LD=$W/ledger-dup; mkdir -p "$LD"
signed_allowlist "$LD" "alice $A community" "bob bob@example.test partner"
signed_ctrf "$SE_EX/ctrf" "$W/ld-b" 71
SE_EPOCH=1764000000 signed_emit dupbob bob@example.test "$W/ld-b" "$LD"
mkdir -p "$W/ld-a"; cp "$EX"/ctrf/*.json "$W/ld-a/"
jq '.results.tests += [(.results.tests[0] | .status = "failed" | .duration = 77)] | del(.results.summary)' \
	"$EX/ctrf/conformance.json" >"$W/ld-a/conformance.json"
SE_EPOCH=1764000100 signed_emit dupalice $A "$W/ld-a" "$LD"
run ledger --root "$LD" --verify --trusted-root "$TR" --registry-plain-http
if grep -qE '^  CONTESTED +1 +1 +0 +conformance/k8s-version-constraint' "$T_OUT"; then
	ok "ledger: a report holding a check twice (passed, then failed) votes fail, not pass"
else
	bad "duplicate check in one report" "$(grep k8s-version "$T_OUT" | head -2)"
fi

# ---- the sigstore-conformance client's verify-bundle ----
echo hello >"$W/art1"; echo other >"$W/art2"
run sigstore sign-bundle --identity-token "$(tok $A)" --signing-config "$SC" --trusted-root "$TR" --bundle "$W/art1.sig" "$W/art1"
expect_rc 0 "setup: sign-bundle an artifact as alice"
vb() { run sigstore verify-bundle --bundle "$1" --trusted-root "$TR" "${@:2}"; }
vb "$W/art1.sig" --certificate-identity $A --certificate-oidc-issuer "$ISS" "$W/art2"
expect_rc 2 "verify-bundle: alice's signature over another file"
vb "$W/art1.sig" --certificate-identity $A --certificate-oidc-issuer "$ISS" "sha256:$(sha256sum "$W/art2" | cut -c1-64)"
expect_rc 2 "verify-bundle: alice's signature against another digest"
vb "$W/art1.sig" --certificate-identity bob@example.test --certificate-oidc-issuer "$ISS" "$W/art1"
expect_rc 2 "verify-bundle: alice's signature for an expected bob"
vb "$W/art1.sig" --certificate-identity $A --certificate-oidc-issuer https://evil.example "$W/art1"
expect_rc 2 "verify-bundle: the right identity under another expected issuer"
vb "$W/art1.sig" --certificate-identity-regexp alice --certificate-oidc-issuer "$ISS" "$W/art1"
expect_rc 2 "verify-bundle: an identity regexp matching only part of the identity (anchored)"
jq 'del(.verificationMaterial.timestampVerificationData)' "$W/art1.sig" >"$W/art1-nots.sig"
vb "$W/art1-nots.sig" --certificate-identity $A --certificate-oidc-issuer "$ISS" --insecure-ignore-tlog "$W/art1"
expect_rc 2 "verify-bundle: --insecure-ignore-tlog with no timestamp left: no verified time"
vb "$W/alice/$AT" --certificate-identity $A --certificate-oidc-issuer "$ISS" "$W/alice/summary-bundle/statement.intoto.json"
expect_rc 2 "verify-bundle: an evidence DSSE bundle presented as a signature over its statement file"

# ---- one PR, two pointers naming one bundle ----
sed 's/identity: alice@/identity: bob@/' "$W/alice/pointer.yaml" >"$W/bobclaim.yaml"
base_repo; git -C "$R" checkout -qb pr
add_ptr "$W/alice/pointer.yaml"; add_ptr "$W/bobclaim.yaml"
gate --workers 1
[ "$T_RC" -eq 1 ] && grep -q "$(se_slug "$ISS" bob@example.test)/.*identity differs" "$T_OUT" &&
	ok "one PR adds alice's pointer and a copy claiming bob (same digest): the copy is refused, not verified once for both" ||
	bad "two pointers one bundle" "exit $T_RC: $(head -c 300 "$T_OUT")"

# ---- --root spelled another way on a PR deleting a pointer: never a pass ----
base_repo; git -C "$R" checkout -qb pr
git -C "$R" rm -q "$BOB_REL"; git -C "$R" commit -qm "delete bob's pointer"
for root in recipes/evidence/ ./recipes/evidence recipes//evidence recipes/./evidence recipes/evidence/. Recipes/evidence "$R/recipes/evidence"; do
	run check --repo "$R" --base main --head pr --root "$root"
	[ "$T_RC" -ne 0 ] && ok "check --root '$root' on a deletion: exit $T_RC, never 0" || bad "--root '$root'" "exit 0"
done

# ---- a recipe whose criteria would name a path out of the ledger ----
for v in .. ../../../tmp a/b . 'x y'; do
	python3 - "$v" "$EX/recipe.yaml" "$W/rn.yaml" <<'PY2'
import sys
s = open(sys.argv[2]).read().replace('  accelerator: h100', '  accelerator: "%s"' % sys.argv[1], 1)
open(sys.argv[3], 'w').write(s)
PY2
	rm -rf "$W/rn"
	run emit --recipe "$W/rn.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o "$W/rn"
	[ "$T_RC" -eq 2 ] && [ ! -e "$W/rn/pointer.yaml" ] &&
		ok "emit: criteria.accelerator '$v' (a recipe name leaving its directory) is refused" ||
		bad "criteria '$v'" "exit $T_RC"
done

# ---- verify POINTER --bundle DIR with another run's files or signature ----
run verify "$W/alice/pointer.yaml" --bundle "$W/alice" --trusted-root "$TR"
expect_rc 0 "control: verify alice's pointer against her local bundle"
run verify "$W/alice/pointer.yaml" --bundle "$W/bob" --trusted-root "$TR"
expect_rc 2 "verify alice's pointer with --bundle bob's directory"
rm -rf "$W/mix"; cp -r "$W/alice" "$W/mix"; cp "$W/bob/$AT" "$W/mix/$AT"
run verify "$W/alice/pointer.yaml" --bundle "$W/mix" --trusted-root "$TR"
expect_rc 2 "verify alice's pointer with her files and bob's signature"
rm -rf "$W/mix"; cp -r "$W/bob" "$W/mix"; cp "$W/alice/$AT" "$W/mix/$AT"
run verify "$W/alice/pointer.yaml" --bundle "$W/mix" --trusted-root "$TR"
expect_rc 2 "verify alice's pointer with bob's files and her signature"

# ---- the ledger: alice's run filed under another recipe ----
LM=$W/ledger-misfiled; AS=$(se_slug "$ISS" "$A")
mkdir -p "$LM/gb200-eks-ubuntu-training/$AS"
signed_allowlist "$LM" "alice $A community"
F=$(basename "$(ae pointer path "$W/alice/pointer.yaml")")
sed 's/^recipe: .*/recipe: gb200-eks-ubuntu-training/' "$W/alice/pointer.yaml" >"$LM/gb200-eks-ubuntu-training/$AS/$F"
run ledger --root "$LM" --verify --trusted-root "$TR" --registry-plain-http
grep -qE '^gb200-eks-ubuntu-training +UNTESTED' "$T_OUT" && grep -q 'unverifiable' "$T_OUT" &&
	ok "ledger: alice's h100 run filed (and named) as gb200: unverifiable, corroborates nothing" ||
	bad "misfiled run" "$(grep -E '^gb200' "$T_OUT")"

# ---- --head naming something that is not a commit; --allowlist and a deletion ----
base_repo; git -C "$R" checkout -qb pr
git -C "$R" rm -q "$BOB_REL"; git -C "$R" commit -qm "delete bob's pointer"
for h in 'pr^{tree}' "$(git -C "$R" rev-parse pr:recipes)" nonexistent; do
	run check --repo "$R" --base main --head "$h"
	expect_rc 2 "check --head '$h' (not a commit): exit 2, never a pass"
done
git -C "$R" tag -a -m t vtag pr
run check --repo "$R" --base main --head vtag
expect_rc 1 "check --head an annotated tag of the deleting commit: the deletion is found"
git -C "$R" show main:recipes/evidence/allowlist.yaml >"$W/base-allowlist.yaml"
git -C "$R" checkout -qb pr-al main
git -C "$R" rm -q recipes/evidence/allowlist.yaml; git -C "$R" commit -qm "delete the allowlist"
run check --repo "$R" --base main --head pr-al --allowlist "$W/base-allowlist.yaml"
expect_rc 1 "check --allowlist (the target's copy) on a PR deleting allowlist.yaml: refused"

# ---- inputs that never end ----
mkfifo "$W/fifo"
rm -rf "$W/z"
run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o "$W/z" --sign \
	--ref "$REG_HOST/ev/z" --identity-token-file /dev/zero --signing-config "$SC" --trusted-root "$TR" --yes
expect_rc 2 "emit --sign --identity-token-file /dev/zero: refused at once"
rm -rf "$W/z"
s=$(date +%s)
timeout 20 "$AE_BIN" emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o "$W/z" \
	--sign --ref "$REG_HOST/ev/z" --identity-token-file "$W/fifo" --signing-config "$SC" --trusted-root "$TR" --yes \
	>/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && ok "emit --identity-token-file a FIFO nobody writes: refused without blocking" || bad "token FIFO" "exit $rc"
for a in "--allowlist $W/fifo --repo $R" ; do
	timeout 20 "$AE_BIN" check $a >/dev/null 2>&1; rc=$?
	[ $rc -eq 2 ] && ok "check --allowlist a FIFO: refused without blocking" || bad "allowlist FIFO" "exit $rc"
done
timeout 20 "$AE_BIN" ledger --verify --trusted-root "$TR" --ingest-file "$W/fifo" --root "$LR" >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && ok "ledger --ingest-file a FIFO: refused without blocking" || bad "ingest-file FIFO" "exit $rc"

# ---- a claimed identity is never printed by the ledger ----
LI=$W/ledger-ids; mkdir -p "$LI"
signed_allowlist "$LI" "alice $A community" "bob bob@example.test partner"
for p in "$W/alice/pointer.yaml" "$W/mallory/pointer.yaml"; do
	rel=$(ae pointer path "$p" --root ""); mkdir -p "$LI/$(dirname "$rel")"; cp "$p" "$LI/$rel"
done
sed 's/identity: bob@example.test/identity: secretclaim@example.test/' "$W/bob/pointer.yaml" >"$W/sc.yaml"
rel=$(ae pointer path "$W/sc.yaml" --root ""); mkdir -p "$LI/$(dirname "$rel")"; cp "$W/sc.yaml" "$LI/$rel"
leaks=""
for fmt in text json html; do
	run ledger --root "$LI" --verify --trusted-root "$TR" --registry-plain-http --format $fmt
	grep -qaE 'secretclaim@|alice@example|mallory@example' "$T_OUT" "$T_ERR" && leaks="$leaks $fmt"
done
[ -z "$leaks" ] && ok "ledger text/json/html: no claimed identity, nor a listed or unlisted verified one, without --show-identities" ||
	bad "identities printed" "$leaks"

# ---- references that look pinned but are not, refused before any I/O ----
H=$(printf a | sha256sum | cut -c1-64); HU=$(echo "$H" | tr a-f A-F)
for ref in "127.0.0.1:9/r@sha256:$HU" "127.0.0.1:9/r@sha256:${H:0:63}" "127.0.0.1:9/r@sha512:$H$H" \
	"127.0.0.1:9/r@sha256:$H?x" "127.0.0.1:9/r:sha256-$H" "127.0.0.1:9/../r@sha256:$H" \
	"127.0.0.1:9/r/../../v2@sha256:$H" "oci://127.0.0.1:9/r:tag"; do
	run verify "$ref" --registry-plain-http
	expect_rc 64 "verify '$ref': a usage error before any request"
done

# ---- a Fulcio stand-in that swaps alice's token for bob's before the CA ----
cat >"$W/swap.py" <<'PY2'
import sys, http.server, json, urllib.request
port, up, newtok = int(sys.argv[1]), sys.argv[2], sys.argv[3]
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_POST(self):
        n = int(self.headers.get('Content-Length') or 0); body = self.rfile.read(n)
        try:
            j = json.loads(body)
            if 'credentials' in j: j['credentials']['oidcIdentityToken'] = newtok
            body = json.dumps(j).encode()
        except Exception: pass
        hdrs = {k: v for k, v in self.headers.items() if k.lower() not in ('content-length', 'host')}
        req = urllib.request.Request(up + self.path, data=body, headers=hdrs, method='POST')
        try:
            r = urllib.request.urlopen(req); code = r.status; data = r.read()
        except urllib.error.HTTPError as e:
            code = e.code; data = e.read()
        self.send_response(code); self.send_header('Content-Type', 'application/json'); self.send_header('Content-Length', str(len(data))); self.end_headers(); self.wfile.write(data)
    do_GET = do_POST
http.server.ThreadingHTTPServer(('127.0.0.1', port), H).serve_forever()
PY2
HP=$(free_port)
python3 "$W/swap.py" "$HP" "$(jq -r '.caUrls[0].url' "$SC")" "$(tok bob@example.test)" >/dev/null 2>&1 & hp=$!
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$HP/" && break; sleep 0.1; done
jq --arg u "http://127.0.0.1:$HP" '.caUrls[0].url = $u' "$SC" >"$W/sc-s.json"
jq --arg u "http://127.0.0.1:$HP" '.certificateAuthorities[0].uri = $u' "$TR" >"$W/tr-s.json"
run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o "$W/sw" --sign \
	--ref "$REG_HOST/ev/sw" --identity-token "$(tok $A)" --signing-config "$W/sc-s.json" --trusted-root "$W/tr-s.json" --yes
kill "$hp"; wait "$hp" 2>/dev/null
[ "$T_RC" -eq 2 ] && [ ! -e "$W/sw/pointer.yaml" ] && grep -q 'certified "bob@example.test"' "$T_ERR" &&
	ok "a CA answering with a certificate for bob to alice's token: refused, nothing signed or written" ||
	bad "swapped certificate" "exit $T_RC: $(head -c 200 "$T_ERR")"

# ---- a GitHub Actions token endpoint redirecting elsewhere ----
GL=$W/gha-sink.log; SP2=$(free_port)
python3 "$W/hostile.py" "$SP2" sink - "$GL" & t_cleanup "kill $!"
for code in 302 307 308; do
	HP=$(free_port)
	python3 "$W/hostile.py" "$HP" "$code" "127.0.0.1:$SP2" "$W/gha-hostile.log" & hp=$!
	for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$HP/" && break; sleep 0.1; done
	ACTIONS_ID_TOKEN_REQUEST_URL="http://127.0.0.1:$HP/token?api-version=2.0" \
	ACTIONS_ID_TOKEN_REQUEST_TOKEN=SECRET-REQUEST-TOKEN-XYZ GITHUB_ACTIONS=true \
		run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o "$W/gh$code" \
		--sign --oidc-provider github-actions --ref "$REG_HOST/ev/gh" --signing-config "$SC" --trusted-root "$TR" --yes
	kill "$hp"; wait "$hp" 2>/dev/null
	if [ "$T_RC" -eq 2 ] && ! grep -q SECRET-REQUEST "$GL" "$T_ERR" "$T_OUT" 2>/dev/null; then
		grep -q "github actions token endpoint" "$T_ERR" && ok "the Actions token endpoint answering $code to another port: not followed, the request token never sent or printed" || bad "Actions endpoint $code" "$(head -c 200 "$T_ERR")"
	else
		bad "Actions endpoint $code" "exit $T_RC"
	fi
done

t_end
