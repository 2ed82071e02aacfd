#!/usr/bin/env bash
# tests/e2e/test_login.sh -- a person signs (issue 21): the browser login
# (authorization code + PKCE, loopback redirect) and the device login
# (RFC 8628) against a real OpenID Connect provider (npm oidc-provider,
# tests/oidc/), completed by a real headless Chromium; the ID token is
# exchanged at the local Fulcio, which verifies it against the provider's
# keys, and the bundle verifies. Then every way it can go wrong: consent
# denied, another state, another nonce, a replayed or expired code,
# slow_down / authorization_pending / expired_token / access_denied, a token
# for another audience or issuer, an unverified e-mail, a hostile provider
# (huge or malformed JSON), a redirect on another interface, an unreachable
# provider -- each a clear error, nothing signed, nothing written, exit 2
# (3 unreachable). And the ambient sources: GitLab, Buildkite, Google Cloud,
# the order, --identity-token-file, and what stays on the command line.
# Everything on loopback.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sigstore_stack.sh"
. "$(dirname "$0")/oidc.sh"
t_begin
W=$T_WORK
oidc_person "$W" --oidc-client-ids sigstore,sigstore-conf
echo "a contribution" >"$W/a.txt"
cd "$W" || exit 1

# login NAME [FLAGS...]: sign-bundle a.txt into NAME.json with a browser
# login at the provider (the person's part is BROWSE_MODE)
login() {
	local out=$1
	shift
	# a record of its own: the browser of an earlier login is detached
	# and may write its record after this login has begun
	BROWSE_OUT=$W/browse-$out.json
	rm -f "$out.json" "$BROWSE_OUT"
	run sigstore sign-bundle --bundle "$out.json" --trusted-root "$TR" \
		--signing-config "$SC" --oidc-provider browser --oidc-timeout "${LT:-60s}" \
		--oidc-issuer "$ISS" "$@" a.txt
}
no_bundle() {
	if [ -e "$1" ]; then bad "$2" "$1 was written"; else ok "$2"; fi
}
verify_own() { # BUNDLE IDENTITY
	run sigstore verify-bundle --bundle "$1" --certificate-identity "$2" \
		--certificate-oidc-issuer "$ISS" --trusted-root "$TR" a.txt
	expect_rc 0 "our verifier accepts $1 for $2"
}
browsed() { # JQ-EXPR WHAT: the fake browser's record
	# the browser is detached: it may write its record after the command
	# has ended (the listener answered, then the command exited)
	for _ in $(seq "$(t_secs 150)"); do [ -s "$BROWSE_OUT" ] && break; sleep 0.1; done
	if [ -s "$BROWSE_OUT" ] && jq -e "$1" "$BROWSE_OUT" >/dev/null; then ok "$2"; else
		bad "$2" "browser record: $(head -c 300 "$BROWSE_OUT" 2>/dev/null)"
	fi
}
# fails NAME RC RE WHAT: the last run failed as expected and wrote nothing
fails() {
	expect_rc "$2" "$4: exit $2"
	expect_err "$3" "$4: the reason is given"
	no_bundle "$1.json" "$4: nothing written"
	if grep -q 'signed as' "$T_ERR"; then bad "$4: nothing signed"; else ok "$4: nothing signed"; fi
}

# ---- the browser login, end to end ----
BROWSE_MODE=consent login ok1
expect_rc 0 "a browser login signs"
expect_err 'to sign, log in at http://127\.0\.0\.1:[0-9]+ in your browser' "the person is told where to log in"
expect_err "/auth\\?response_type=code&client_id=sigstore&redirect_uri=http%3A%2F%2F127\\.0\\.0\\.1%3A[0-9]+%2Fauth%2Fcallback&scope=openid%20email&code_challenge=[A-Za-z0-9_-]{43}&code_challenge_method=S256&state=[A-Za-z0-9_-]{43}&nonce=[A-Za-z0-9_-]{43}" \
	"the URL asks for a code with PKCE S256, a loopback redirect, state and nonce"
expect_err 'a browser was opened' "xdg-open was used"
expect_err "signed as alice@example.test \\(issuer $ISS\\)" "the certificate names the person and the provider"
browsed '.ok == true and (.text | test("Logged in"))' "the browser was shown that the login worked"
verify_own ok1.json alice@example.test

# the issuer from the signing config (oidcUrls), no --oidc-issuer
rm -f ok2.json
BROWSE_MODE=consent run sigstore sign-bundle --bundle ok2.json --trusted-root "$TR" \
	--signing-config "$SC" --oidc-provider browser a.txt
expect_rc 0 "without --oidc-issuer the signing config's issuer is used"
expect_err "log in at $ISS" "the signing config's oidcUrls named the issuer"

# a fixed redirect URL
p=$(free_port)
BROWSE_MODE=consent login ok3 --oidc-redirect-url "http://localhost:$p/auth/callback"
expect_rc 0 "--oidc-redirect-url with localhost and a fixed port signs"
expect_err "redirect_uri=http%3A%2F%2Flocalhost%3A$p%2Fauth%2Fcallback" "the redirect URL is sent as given"

# a confidential client: the secret from a file or the environment, never argv
BROWSE_MODE=consent login ok4 --oidc-client-id sigstore-conf --oidc-client-secret-file "$OIDC_DIR/client_secret"
expect_rc 0 "a confidential client's secret from --oidc-client-secret-file signs"
SIGSTORE_OIDC_CLIENT_SECRET=$(cat "$OIDC_DIR/client_secret") BROWSE_MODE=consent login ok5 --oidc-client-id sigstore-conf
expect_rc 0 "the secret from SIGSTORE_OIDC_CLIENT_SECRET signs"
BROWSE_MODE=consent login bad5 --oidc-client-id sigstore-conf
fails bad5 2 'provider refused the code exchange: "invalid_client"' "a confidential client without its secret"
login bad6 --oidc-client-secret hunter2
expect_rc 64 "--oidc-client-secret on the command line is a usage error"
expect_err 'never taken on the command line' "the refusal says why"
if grep -q hunter2 "$T_ERR"; then bad "the secret is not echoed"; else ok "the secret is not echoed"; fi

# ---- the device login ----
rm -f dev1.json
ae sigstore sign-bundle --bundle dev1.json --trusted-root "$TR" --signing-config "$SC" \
	--oidc-device --oidc-issuer "$ISS" a.txt >"$W/dev.out" 2>"$W/dev.err" </dev/null &
dpid=$!
for _ in $(seq "$(t_secs 100)"); do grep -q 'enter the code' "$W/dev.err" 2>/dev/null && break; sleep 0.1; done
uri=$(sed -n 's/^aicr-evidence: (or open \(.*\))$/\1/p' "$W/dev.err")
code=$(sed -n '/enter the code/{n;n;s/^ *//p}' "$W/dev.err")
[ -n "$uri" ] && [ -n "$code" ] && ok "the device login shows a URI and a user code" ||
	bad "the device login shows a URI and a user code" "$(head -c 300 "$W/dev.err")"
oidc_browse "$uri" device "$code" >"$W/devbrowse.json"
wait "$dpid"
T_RC=$?
cp "$W/dev.err" "$T_ERR"
expect_rc 0 "a device login signs once the person approves"
expect_err "signed as alice@example.test \\(issuer $ISS\\)" "the device login's identity is certified"
verify_own dev1.json alice@example.test

# device(MODE FAULT COUNT): a device login where the person does MODE and
# the token endpoint answers FAULT COUNT times first
device() {
	rm -f "$1.json"
	[ -n "${3:-}" ] && oidc_fault token "$3" "${4:-1}"
	ae sigstore sign-bundle --bundle "$1.json" --trusted-root "$TR" --signing-config "$SC" \
		--oidc-device --oidc-issuer "$ISS" --oidc-timeout "${5:-60s}" a.txt >"$W/dev.out" 2>"$W/dev.err" </dev/null &
	dpid=$!
	for _ in $(seq "$(t_secs 100)"); do grep -q 'enter the code' "$W/dev.err" 2>/dev/null && break; sleep 0.1; done
	uri=$(sed -n 's/^aicr-evidence: (or open \(.*\))$/\1/p' "$W/dev.err")
	[ "$2" = none ] || oidc_browse "$uri" "$2" >"$W/devbrowse.json"
	wait "$dpid"
	T_RC=$?
	cp "$W/dev.err" "$T_ERR"
}
device dev2 device slow_down 1
expect_rc 0 "slow_down: the client slows down and still gets the token"
device dev3 device authorization_pending 2
expect_rc 0 "authorization_pending: the client keeps polling"
device dev4 none expired_token 1
fails dev4 2 'device code expired before the login was approved: "expired_token"' "expired_token"
device dev5 device-deny
fails dev5 2 'device login was refused at the provider: "access_denied"' "the person denies the device"
device dev6 none access_denied 1
fails dev6 2 '"access_denied"' "access_denied answered while polling"
device dev7 none "" 0 "$(t_secs 6)s"
fails dev7 2 'device login was not approved in time' "nobody approves before --oidc-timeout"
oidc_fault discovery nodevice
rm -f dev8.json
run sigstore sign-bundle --bundle dev8.json --trusted-root "$TR" --signing-config "$SC" \
	--oidc-device --oidc-issuer "$ISS" a.txt
fails dev8 2 'provider offers no device login' "a provider without a device endpoint"

for f in huge malformed ctrl jsuri plainuri; do
	oidc_fault device "$f"
	rm -f "dv-$f.json"
	run sigstore sign-bundle --bundle "dv-$f.json" --trusted-root "$TR" --signing-config "$SC" \
		--oidc-device --oidc-issuer "$ISS" a.txt
	case $f in
	huge) re='exceeds|cap' ;;
	malformed) re='device authorization answer is not a JSON object' ;;
	ctrl) re="device authorization answer 'user_code' is not a printable string" ;;
	*) re='verification_uri' ;;
	esac
	fails "dv-$f" 2 "$re" "a hostile device authorization answer ($f)"
	if grep -q "$(printf '\033')" "$T_ERR"; then bad "no terminal escape reaches the terminal ($f)"; else
		ok "no terminal escape reaches the terminal ($f)"
	fi
done

# ---- the browser login going wrong ----
BROWSE_MODE=deny login f1
fails f1 2 'login was refused at the provider \(consent denied\): "access_denied"' "consent denied"
browsed '.redirect | test("error=access_denied")' "the provider redirected with access_denied"

# another state (anyone on this machine may send one) is refused and
# waited past: the redirect with this login's state still decides
BROWSE_MODE=wrongstate login f2
expect_rc 0 "a redirect with another state first: the right one after it signs"
browsed '.wrong.status == 400 and .delivered.status == 200' \
	"the other state is answered 400, the right one 200"
BROWSE_MODE=wrongonly LT="$(t_secs 8)s" login f2b
fails f2b 2 'not completed \(1 callback without this login.s state or malformed, refused\)' \
	"only a redirect with another state: the login ends at its deadline and says so"
browsed '.wrong.status == 400' "the browser is told that answer is not this login's"

oidc_fault token nonce
BROWSE_MODE=consent login f3
fails f3 2 'nonce is not the one this login sent' "an ID token with another nonce (re-signed by the provider's key)"

BROWSE_MODE=deliver login f4a
expect_rc 0 "a login whose redirect is delivered by hand signs (the code is now used)"
browsed '(.text | test("captured")) and .delivered.status == 200' \
	"the browser did not follow the redirect itself: the test delivered it"
BROWSE_MODE=replay login f4
fails f4 2 'refused the code \(used already, expired, or not issued for this login\): "invalid_grant"' "a replayed code"

oidc_config '{"codeTTL":1}'
BROWSE_MODE=deliver BROWSE_DELAY=3 login f5
oidc_config '{"codeTTL":60}'
fails f5 2 '"invalid_grant"' "an expired code"

# anything on this machine can connect to the listener: a second request,
# another path, a slow or a huge request -- none of them decides the login
BROWSE_MODE=twice login h1
expect_rc 0 "a redirect delivered twice: the first one signs"
browsed '.delivered.status == 200 and (.again.error | test("refused"))' \
	"the second request finds the listener closed"
BROWSE_MODE=faviconfirst login h2
expect_rc 0 "a request for another path first (a favicon) is waited past"
browsed '(.first.answer | test("^HTTP/1.1 404")) and .delivered.status == 200' \
	"the favicon gets a 404, the redirect the login"
BROWSE_MODE=slowfirst login h3
expect_rc 0 "a client sending half a request first is cut off, the login goes on"
browsed '.delivered.status == 200 and (.first.answer // "" | test("200") | not)' \
	"the redirect is taken after the slow client"
BROWSE_MODE=hugefirst login h4
expect_rc 0 "a client sending a 1 MiB request first is cut off, the login goes on"
browsed '.delivered.status == 200' "the redirect is taken after the huge request"

oidc_fault token expired
BROWSE_MODE=consent login f13
fails f13 2 'identity token expired [0-9]+ (minutes|seconds) ago' "an expired ID token"
oidc_fault token redirect
BROWSE_MODE=consent login f14
fails f14 2 'unexpected HTTP 307 from the token endpoint' "a token endpoint that redirects"
oidc_fault discovery redirect
BROWSE_MODE=none login f15
fails f15 2 "unexpected HTTP 302 from the OIDC provider" "a discovery document that redirects"
sink=$(curl -s "$ISS/__sinklog")
if [ "$sink" = "[]" ]; then ok "no redirect was followed (the code and verifier stayed home)"; else
	bad "no redirect was followed (the code and verifier stayed home)" "$sink"
fi

oidc_fault token aud
BROWSE_MODE=consent login f6
fails f6 2 "audience does not include 'sigstore'" "an ID token for another audience"
oidc_fault token iss
BROWSE_MODE=consent login f7
fails f7 2 "identity token is from issuer \"http://127.0.0.1:1\", not the requested" "an ID token from another issuer"
BROWSE_MODE=consent BROWSE_LOGIN=unverified-bob login f8
fails f8 2 "e-mail is not verified by the provider \\(email_verified is false\\)" "an unverified e-mail"

for f in huge malformed otherissuer nos256; do
	oidc_fault discovery "$f"
	BROWSE_MODE=none login "d-$f"
	case $f in
	huge) re='exceeds|cap' ;;
	malformed) re='provider configuration is not a JSON object' ;;
	otherissuer) re='names issuer "http://127.0.0.1:1", not the one asked for' ;;
	nos256) re='does not support PKCE S256' ;;
	esac
	fails "d-$f" 2 "$re" "a hostile discovery document ($f)"
done
for f in huge malformed; do
	oidc_fault token "$f"
	BROWSE_MODE=consent login "t-$f"
	fails "t-$f" 2 'token endpoint answer (exceeds|is not a JSON object)' "a hostile token answer ($f)"
done

BROWSE_MODE=otheriface login f9 --oidc-timeout "$(t_secs 4)s"
fails f9 2 'no login answer arrived before the login.s deadline' "a redirect sent to another interface never arrives"
browsed '(."127.0.0.2".error | test("refused")) and (."::1".error | test("refused|unreachable|Cannot assign|not available"))' \
	"the listener answers on 127.0.0.1 only (127.0.0.2 and ::1 refused)"

login f10 --oidc-redirect-url "http://0.0.0.0:$(free_port)/cb"
fails f10 2 'listener binds 127.0.0.1 only' "a redirect URL off loopback is refused"

closed=$(free_port)
BROWSE_MODE=none login f11 --oidc-issuer "http://127.0.0.1:$closed"
fails f11 3 'OIDC provider unreachable' "an unreachable provider is transient (exit 3)"
BROWSE_MODE=none login f12 --oidc-issuer "http://192.0.2.1/auth"
fails f12 2 'not https' "a plain-http issuer off loopback is refused before any request"

# ---- emit --sign: the person's real path (docs/contributor-guide.md) ----
EX=$(cd "$OIDC_E2E/../../recipes/examples" && pwd)
emit_login() { # OUT [FLAGS...]
	local out=$1
	shift
	rm -rf "$out" "$BROWSE_OUT"
	run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" \
		-o "$out" --sign --ref localhost:5000/acme/evidence --signing-config "$SC" \
		--trusted-root "$TR" --oidc-provider browser --oidc-timeout 60s "$@"
}
BROWSE_MODE=consent emit_login e1
expect_rc 0 "emit --sign with a browser login signs"
expect_out "signed: +alice@example.test \\($ISS\\)" "emit reports the person the provider vouched for"
grep -q 'identity: alice@example.test' e1/pointer.yaml && ok "the pointer names the person" ||
	bad "the pointer names the person" "$(cat e1/pointer.yaml 2>/dev/null | head -c 300)"
BROWSE_MODE=deny emit_login e2
expect_rc 2 "emit --sign whose login is denied fails"
expect_err 'consent denied' "and says the person refused"
no_bundle e2/summary-bundle/attestation.intoto.jsonl "emit --sign whose login is denied leaves no attestation"

# on a terminal with no token anywhere, the browser login is the default,
# and the identity is shown before the first signature and confirmed
if script -qefc true /dev/null >/dev/null 2>&1; then
	rm -f tty1.json tty2.json "$BROWSE_OUT"
	printf 'y\n' | BROWSE_MODE=consent script -qefc "$(printf '%q ' "$AE_BIN" sigstore sign-bundle \
		--bundle tty1.json --trusted-root "$TR" --signing-config "$SC" --oidc-timeout 60s a.txt)" \
		/dev/null >"$W/tty.out" 2>&1
	T_RC=$?
	cp "$W/tty.out" "$T_ERR"
	expect_rc 0 "on a terminal with no token, a browser login signs"
	expect_err 'to sign, log in at .* in your browser' "the browser login started by default"
	expect_err "The identity 'alice@example.test' \\(issuer $ISS\\) will be written to the public" \
		"the identity is shown before it is published"
	expect_err "it becomes public in Rekor and in the evidence pointer" \
		"the prompt says the identity becomes public in Rekor and in the pointer"
	printf 'n\n' | BROWSE_MODE=consent script -qefc "$(printf '%q ' "$AE_BIN" sigstore sign-bundle \
		--bundle tty2.json --trusted-root "$TR" --signing-config "$SC" --oidc-timeout 60s a.txt)" \
		/dev/null >"$W/tty.out" 2>&1
	T_RC=$?
	cp "$W/tty.out" "$T_ERR"
	expect_rc 2 "declining the identity at the prompt fails"
	expect_err "signing declined" "the refusal is the person's"
	no_bundle tty2.json "declined: nothing written"
else
	echo "SKIPPED -- no usable script(1): the terminal cases did not run"
fi

# ---- flags ----
login x1 --oidc-provider nope
expect_rc 64 "an unknown --oidc-provider is a usage error"
login x2 --oidc-device
expect_rc 64 "--oidc-device with --oidc-provider browser is a usage error"
login x3 --oidc-timeout 0
expect_rc 64 "--oidc-timeout 0 is a usage error"
run sigstore sign-bundle --bundle x4.json --identity-token a.b.c --identity-token-file a.txt a.txt
expect_rc 64 "--identity-token with --identity-token-file is a usage error"
run sigstore sign-bundle --bundle x5.json --signing-config "$SC" a.txt
fails x5 2 'no identity token: pass --identity-token' "off a terminal with no source, no login is started"

# ---- ambient sources and their order ----
now=$(date +%s)
tok() { jwt_unsigned "{\"iss\":\"https://accounts.example.test\",\"aud\":\"sigstore\",\"sub\":\"u-1\",\"email\":\"$1\",\"exp\":$((now + 600))}"; }
amb() {
	rm -f "$1.json"
	shift
	run sigstore sign-bundle --bundle amb.json --trusted-root "$TR" --signing-config "$SC" "$@" a.txt
}
tok gitlab@example.test >"$W/tokfile"
amb a1 --identity-token-file "$W/tokfile"
expect_rc 0 "--identity-token-file is a token source"
expect_err 'signed as gitlab@example.test' "the file's token was used"
GITLAB_CI=true SIGSTORE_ID_TOKEN=$(tok gitlab@example.test) amb a2 --oidc-provider gitlab
expect_rc 0 "GitLab CI's SIGSTORE_ID_TOKEN, forced"
amb a3 --oidc-provider gitlab
expect_rc 2 "a forced GitLab source outside GitLab fails"
expect_err 'gitlab ci: SIGSTORE_ID_TOKEN is not set' "and says what to declare"

cat >"$BIN/buildkite-agent" <<EOF
#!/bin/sh
[ "\$*" = "oidc request-token --audience sigstore" ] || { echo "bad args: \$*" >&2; exit 3; }
[ -n "\${BK_FAIL:-}" ] && exit 1
printf '%s\n' "$(tok buildkite@example.test)"
EOF
chmod +x "$BIN/buildkite-agent"
BUILDKITE=true SIGSTORE_ID_TOKEN=$(tok generic@example.test) amb a4
expect_rc 0 "Buildkite: the agent's token"
expect_err 'signed as buildkite@example.test' "Buildkite comes before the generic SIGSTORE_ID_TOKEN"
BUILDKITE=true BK_FAIL=1 amb a5
expect_rc 2 "a failing buildkite-agent fails"
expect_err 'buildkite-agent oidc request-token failed \(exit 1\)' "the agent's failure is explained"

MD=$(free_port)
python3 - "$MD" "$(tok gce@example.test)" >"$W/md.log" 2>&1 <<'PY' &
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer
port, token = int(sys.argv[1]), sys.argv[2]
class H(BaseHTTPRequestHandler):
    def do_GET(self):
        ok = (self.headers.get("Metadata-Flavor") == "Google" and
              self.path == "/computeMetadata/v1/instance/service-accounts/default/identity?audience=sigstore&format=full")
        body = (token if ok else "bad request").encode()
        self.send_response(200 if ok else 400)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
HTTPServer(("127.0.0.1", port), H).serve_forever()
PY
mdpid=$!
t_cleanup "kill $mdpid"
for _ in $(seq 50); do curl -s "http://127.0.0.1:$MD/" >/dev/null 2>&1 && break; sleep 0.1; done
GCE_METADATA_HOST=127.0.0.1:$MD SIGSTORE_ID_TOKEN=$(tok generic@example.test) amb a6
expect_rc 0 "Google Cloud: the metadata server's identity token"
expect_err 'signed as gce@example.test' "Google Cloud comes before the generic SIGSTORE_ID_TOKEN"
GCE_METADATA_HOST=10.0.0.1 amb a7 --oidc-provider google
expect_rc 2 "a metadata host off loopback that is not the metadata server is refused"
GCE_METADATA_HOST="127.0.0.1:$MD/x@y" amb a8 --oidc-provider google
expect_rc 2 "a metadata host with a path is refused"
ACTIONS_ID_TOKEN_REQUEST_URL="$STACK_URL/gha/token" ACTIONS_ID_TOKEN_REQUEST_TOKEN=$STACK_GHA_SECRET \
	GITLAB_CI=true SIGSTORE_ID_TOKEN=$(tok gitlab@example.test) amb a9
expect_rc 0 "GitHub Actions and GitLab both present: signed"
expect_err 'signed as https://github.com/aicr-test' "GitHub Actions comes first"
SIGSTORE_ID_TOKEN=$(tok generic@example.test) amb a10 --oidc-issuer "$ISS"
expect_rc 2 "a token from another issuer than --oidc-issuer is refused"
expect_err 'is from issuer "https://accounts.example.test", not the requested' "the mismatch is named"
SIGSTORE_ID_TOKEN=$(tok generic@example.test) amb a11 --identity-token "$(tok flag@example.test)"
expect_rc 0 "--identity-token and SIGSTORE_ID_TOKEN: signed"
expect_err 'signed as flag@example.test' "--identity-token wins over every other source"

t_end
