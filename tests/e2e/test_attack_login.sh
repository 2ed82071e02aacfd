#!/usr/bin/env bash
# tests/e2e/test_attack_login.sh -- an outside attack on the person's login
# and the token sources (docs/signing.md "Token", docs/threat-model.md):
# a hostile OpenID provider of our own (discovery, token and device
# endpoints that lie), another local user racing the loopback redirect
# listener with malformed requests, a hostile environment for the ambient
# sources (GitHub Actions URL tricks, proxies, a buildkite-agent that hangs),
# and a Fulcio that echoes the token. Every case here is one the signer
# held; each asserts that nothing was exchanged, sent or written that
# should not have been. Stdlib python only; the few cases that need the
# project's Sigstore stack are skipped without it.
. "$(dirname "$0")/lib.sh"
FIND=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/login_findings
t_begin
HERE=$(cd "$(dirname "$0")" && pwd)
W=$T_WORK
unset SIGSTORE_ID_TOKEN ACTIONS_ID_TOKEN_REQUEST_URL ACTIONS_ID_TOKEN_REQUEST_TOKEN \
	GITLAB_CI BUILDKITE GCE_METADATA_HOST SIGSTORE_OIDC_CLIENT_SECRET \
	http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy no_proxy NO_PROXY
export XDG_CACHE_HOME=$W/xdg
cd "$W" || exit 1
echo "attacked $RANDOM" >a.txt

# ---- the hostile provider: discovery, token, device; records every request
cat >"$W/idp.py" <<'PY'
import base64, json, sys, time, threading, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
host, port, log, modef = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
ISS = "http://%s:%d" % (host, port)
LOCK = threading.Lock()
def b64(d): return base64.urlsafe_b64encode(d).rstrip(b"=").decode()
def mode():
    try: return json.load(open(modef))
    except Exception: return {}
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def send(self, st, body, hdr=None):
        if not isinstance(body, str): body = json.dumps(body)
        body = body.encode("latin-1")
        self.send_response(st)
        for k, v in (hdr or {}).items(): self.send_header(k, v)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers(); self.wfile.write(body)
    def any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode("latin-1") if n else ""
        with LOCK:
            open(log, "a").write(json.dumps({"method": self.command, "path": self.path,
                "headers": dict(self.headers), "body": body}) + "\n")
        m = mode(); p = urllib.parse.urlparse(self.path).path
        if p.endswith("/.well-known/openid-configuration"):
            d = {"issuer": ISS, "authorization_endpoint": ISS + "/auth", "token_endpoint": ISS + "/token",
                 "device_authorization_endpoint": ISS + "/device", "jwks_uri": ISS + "/jwks",
                 "code_challenge_methods_supported": ["S256"]}
            d.update(m.get("discovery", {}))
            return self.send(200, m.get("discovery_raw") or d)
        if p == "/device":
            d = {"device_code": "DEVCODE-SECRET-1", "user_code": "ABCD-EFGH",
                 "verification_uri": ISS + "/verify", "expires_in": 600, "interval": 1}
            d.update(m.get("device", {}))
            return self.send(200, d)
        if p == "/token" and "token" in m:
            t = m["token"]
            return self.send(t["status"], t.get("body", ""), t.get("headers"))
        if p == "/token":
            try: nonce = open(m["noncefile"]).read().strip()
            except Exception: nonce = ""
            raw = m.get("claims", '{"iss":"ISS","aud":"sigstore","sub":"u-1","email":"alice@example.test",'
                                  '"email_verified":true,"exp":EXP,"nonce":"NONCE"}')
            raw = raw.replace("ISS", ISS).replace("EXP", str(int(time.time()) + 600)).replace("NONCE", nonce)
            tok = b64(b'{"alg":"none","typ":"JWT"}') + "." + b64(raw.encode()) + "."
            return self.send(200, {"id_token": tok, "token_type": "Bearer", "access_token": "at"})
        db = m.get("default_body", "{}")
        if db == "ECHO": db = body
        return self.send(m.get("default_status", 404), db, m.get("default_headers"))
    do_GET = do_POST = do_PUT = any
class S(ThreadingHTTPServer):
    daemon_threads = True
S((host, port), H).serve_forever()
PY
# ---- the "browser": records its argv, then plays one attack on the listener
mkdir -p "$W/bin"
cat >"$W/bin/xdg-open" <<'PY'
#!/usr/bin/env python3
import json, os, socket, sys, time, urllib.parse
sys.path.insert(0, os.environ["E2E_HOME"])
from startpage import resolve  # the start page the tool opens: it refreshes to the authorization URL
url = resolve(sys.argv[1])
q = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)
state, nonce = q["state"][0], q["nonce"][0]
ru = urllib.parse.urlparse(q["redirect_uri"][0]); port, path = ru.port, ru.path
open(os.environ["EVIL_NONCEFILE"], "w").write(nonce)
def raw(data, host="127.0.0.1", fam=socket.AF_INET, gap=0.0):
    try:
        s = socket.socket(fam); s.settimeout(15); s.connect((host, port))
        for d in (data if isinstance(data, list) else [data]):
            s.sendall(d); time.sleep(gap)
        r = b""
        while True:
            c = s.recv(4096)
            if not c: break
            r += c
        return r.decode("latin-1")
    except Exception as e:
        return "ERR " + str(e)
G = "%s?code=CODE1&state=%s" % (path, state)
A = {
 "deliver": lambda: raw(("GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % G).encode()),
 "barelf": lambda: raw(("GET %s HTTP/1.1\nHost: x\n\n" % G).encode()),
 "split": lambda: raw([("GET %s?co" % path).encode(), b"de=CODE1&sta", ("te=%s HTTP/1.1\r\nHo" % state).encode(), b"st: x\r\n\r\n"], gap=0.3),
 "pct00": lambda: raw(("GET %s?code=CODE1%%00x&state=%s HTTP/1.1\r\n\r\n" % (path, state)).encode()),
 "rawnul": lambda: raw(("GET %s?code=CODE1\x00&state=%s HTTP/1.1\r\n\r\n" % (path, state)).encode()),
 "repcode": lambda: raw(("GET %s&code=CODE2 HTTP/1.1\r\n\r\n" % G).encode()),
 "repstate": lambda: raw(("GET %s?code=CODE1&state=WRONG&state=%s HTTP/1.1\r\n\r\n" % (path, state)).encode()),
 "fragment": lambda: raw(("GET %s#x HTTP/1.1\r\n\r\n" % G).encode()),
 "longcode": lambda: raw(("GET %s?code=%s&state=%s HTTP/1.1\r\n\r\n" % (path, "A" * 7000, state)).encode()),
 "errctrl": lambda: raw(("GET %s?error=server_error&error_description=%%1b%%5b31mX%%0a::error::forged&state=%s HTTP/1.1\r\n\r\n" % (path, state)).encode()),
 "errnostate": lambda: raw(("GET %s?error=access_denied HTTP/1.1\r\n\r\n" % path).encode()),
 "absform": lambda: raw(("GET http://127.0.0.1:%d%s HTTP/1.1\r\nHost: x\r\n\r\n" % (port, G)).encode()),
 "post": lambda: raw(("POST %s HTTP/1.1\r\nContent-Length: 0\r\n\r\n" % G).encode()),
 "http09": lambda: raw(("GET %s\r\n\r\n" % G).encode()),
 "pipelined": lambda: raw(("GET /favicon.ico HTTP/1.1\r\n\r\nGET %s HTTP/1.1\r\n\r\n" % G).encode()),
 "dotpath": lambda: raw(("GET /x/..%s HTTP/1.1\r\n\r\n" % G).encode()),
 "ipv6": lambda: raw(("GET %s HTTP/1.1\r\n\r\n" % G).encode(), host="::1", fam=socket.AF_INET6),
}
time.sleep(0.2)
res = A[os.environ.get("EVIL_BROWSE", "deliver")]()
json.dump({"answer": res}, open(os.environ["EVIL_OUT"], "w"))
PY
chmod +x "$W/bin/xdg-open"

start_idp() { # HOST LOG MODEFILE: sets IDP_PORT (not in a subshell: the cleanup must register)
	IDP_PORT=$(python3 -c "import socket; s=socket.socket(); s.bind(('$1',0)); print(s.getsockname()[1])")
	setsid python3 "$W/idp.py" "$1" "$IDP_PORT" "$2" "$3" </dev/null >/dev/null 2>&1 &
	t_cleanup "kill $!"
	for _ in $(seq 50); do curl -s -o /dev/null "http://$1:$IDP_PORT/x" && break; sleep 0.1; done
}
: >"$W/idp.log" >"$W/far.log"
echo '{}' >"$W/mode.json"
echo '{}' >"$W/far.json"
start_idp 127.0.0.1 "$W/idp.log" "$W/mode.json"
P=$IDP_PORT
# 127.0.0.2 stands for a host off loopback: plain http there must never be used
start_idp 127.0.0.2 "$W/far.log" "$W/far.json"
Q=$IDP_PORT
ISS=http://127.0.0.1:$P
: >"$W/far.log" # start_idp's readiness probes reached it too
curl -s -o /dev/null "http://127.0.0.2:$Q/control"
is "$(wc -l <"$W/far.log")" 1 "control: the off-loopback stand-in (127.0.0.2) records what reaches it"
mode() { printf '%s' "$1" >"$W/mode.json"; }
NONCE_MODE='{"noncefile":"'$W'/nonce"}'
count() { # PATH-SUBSTRING [LOG]: requests seen
	grep -c "\"path\": \"[^\"]*$1" "${2:-$W/idp.log}" 2>/dev/null || true
}
no_file() { if [ -e "$1" ]; then bad "$2" "$1 was written"; else ok "$2"; fi; }
ms() { echo $(($(date +%s%N) / 1000000)); }
# login ATTACK [FLAGS...]: a browser login at the hostile provider whose
# "browser" plays ATTACK; Fulcio is the provider too (it records the token)
login() {
	local attack=$1
	shift
	: >"$W/idp.log"
	rm -f out.json "$W/browse.json"
	EVIL_BROWSE=$attack EVIL_OUT=$W/browse.json EVIL_NONCEFILE=$W/nonce PATH="$W/bin:$PATH" DISPLAY=:99 \
		run sigstore sign-bundle --bundle out.json --oidc-provider browser --oidc-issuer "$ISS" \
		--oidc-timeout "${LT:-15s}" --fulcio-url "$ISS" --rekor-url "$ISS" "$@" a.txt
	for _ in $(seq 50); do [ -s "$W/browse.json" ] && break; sleep 0.1; done
}
answer() { jq -r '.answer' "$W/browse.json" 2>/dev/null | head -1 | tr -d '\r'; }

# ---- the listener: another local user's requests and parser desyncs ----
mode "$NONCE_MODE"
login deliver
is "$(count /token)" 1 "baseline: a well-formed redirect is exchanged once"
is "$(count /api/v2/signingCert)" 1 "baseline: the token goes to the configured Fulcio only"
# The authorization code is spent by the first exchange that reaches the
# provider: a token endpoint answering 5xx may have taken it, so it is not
# sent again (the engine's table: AE_HTTP_ONCE). Before the one engine the
# signer's client retried every POST on 5xx: the code went out 3 times.
for st in 500 502 503 504; do
	mode "{\"noncefile\":\"$W/nonce\",\"token\":{\"status\":$st,\"body\":\"{}\"}}"
	login deliver
	expect_rc 3 "a token endpoint answering $st: transient (exit 3)"
	is "$(count /token)" 1 "a token endpoint answering $st: the code is sent once, not once per attempt"
	expect_err 'not sent again' "a token endpoint answering $st: explained"
done
# 429 says the provider did not take it: asked again, the code still good
mode "{\"noncefile\":\"$W/nonce\",\"token\":{\"status\":429,\"body\":\"{}\"}}"
login deliver
expect_rc 3 "a token endpoint answering 429 every time: transient (exit 3)"
is "$(count /token)" 3 "a token endpoint answering 429: asked again (it did not take the code)"
mode "$NONCE_MODE"
for a in pct00 rawnul repcode repstate fragment longcode errnostate absform post http09 pipelined dotpath ipv6; do
	LT=4s login "$a"
	expect_rc 2 "listener attack $a: the login fails"
	is "$(count /token)" 0 "listener attack $a: no code is exchanged"
	no_file out.json "listener attack $a: nothing written"
done
login errctrl
expect_rc 2 "listener attack errctrl: an error_description with ESC and newline fails the login"
if grep -q "$(printf '\033')\|^::error" "$T_ERR"; then bad "listener attack errctrl: no escape or forged line reaches stderr"; else
	ok "listener attack errctrl: no escape or forged line reaches stderr"
fi
LT=4s login ipv6
if answer | grep -q 'refused'; then ok "listener attack ipv6: nothing listens on ::1"; else bad "listener attack ipv6: nothing listens on ::1" "$(answer)"; fi
for a in barelf split; do
	login "$a"
	is "$(count /token)" 1 "listener $a: a request with bare LF or split reads is read as one request"
done

# ---- the provider's token: claims that lie or are ambiguous ----
tokcase() { # NAME CLAIMS-TEMPLATE RE
	mode "{\"noncefile\":\"$W/nonce\",\"claims\":$(jq -Rn --arg c "$2" '$c')}"
	login deliver
	expect_rc 2 "id_token $1: refused"
	expect_err "$3" "id_token $1: explained"
	is "$(count /api/v2/signingCert)" 0 "id_token $1: never sent to Fulcio"
}
tokcase "without a nonce" '{"iss":"ISS","aud":"sigstore","sub":"u","email":"a@example.test","email_verified":true,"exp":EXP}' 'nonce is not the one'
tokcase "with two emails" '{"iss":"ISS","aud":"sigstore","sub":"u","email":"a@example.test","email_verified":true,"exp":EXP,"nonce":"NONCE","email":"mallory@example.test"}' 'not a JSON object'
tokcase "with two exps" '{"iss":"ISS","aud":"sigstore","sub":"u","email":"a@example.test","email_verified":true,"exp":1,"nonce":"NONCE","exp":EXP}' 'not a JSON object'
tokcase "with two nonces" '{"iss":"ISS","aud":"sigstore","sub":"u","email":"a@example.test","email_verified":true,"exp":EXP,"nonce":"x","nonce":"NONCE"}' 'not a JSON object'
tokcase "with a NUL in the email" '{"iss":"ISS","aud":"sigstore","sub":"u","email":"a@example.test\u0000mallory","email_verified":true,"exp":EXP,"nonce":"NONCE"}' 'not a JSON object|control'
tokcase "with a newline in the email" '{"iss":"ISS","aud":"sigstore","sub":"u","email":"a@example.test\n::error::x","email_verified":true,"exp":EXP,"nonce":"NONCE"}' 'control character'
tokcase "without email_verified" '{"iss":"ISS","aud":"sigstore","sub":"u","email":"a@example.test","exp":EXP,"nonce":"NONCE"}' 'email_verified is absent'
deep=$(python3 -c 'print("["*20000 + "]"*20000)')
tokcase "nested 20000 deep" "{\"iss\":\"ISS\",\"aud\":\"sigstore\",\"exp\":EXP,\"nonce\":\"NONCE\",\"x\":$deep}" 'not a JSON object'
mode "{\"noncefile\":\"$W/nonce\",\"token\":{\"status\":200,\"body\":$(python3 -c 'import json; print(json.dumps("{\"id_token\":\"a.b.c\",\"x\":" + "["*60000 + "]"*60000 + "}"))')}}"
login deliver
expect_rc 2 "a token answer nested 60000 deep is refused (no stack overflow)"
mode "{\"discovery_raw\":$(python3 -c 'import json; print(json.dumps("{\"x\":" + "["*30000 + "]"*30000 + "}"))')}"
login deliver
expect_rc 2 "a discovery document nested 30000 deep is refused"
is "$(count /token)" 0 "... before any token request"

# ---- discovery pointing the code, verifier and client secret elsewhere ----
for te in "http://127.0.0.2:$Q/token" "http://127.0.0.1:$P@127.0.0.2:$Q/token" "http://localhost.:$Q/token" \
	"http://[::ffff:7f00:2]:$Q/token" "http://0x7f000002:$Q/token"; do
	mode "{\"noncefile\":\"$W/nonce\",\"discovery\":{\"token_endpoint\":\"$te\"}}"
	: >"$W/far.log"
	SIGSTORE_OIDC_CLIENT_SECRET=cs-$RANDOM-secret login deliver --oidc-client-id conf
	expect_rc 2 "token_endpoint $te: refused"
	is "$(wc -l <"$W/far.log")" 0 "token_endpoint $te: the code and client secret stay home"
	if grep -q 'cs-[0-9]*-secret' "$T_ERR"; then bad "token_endpoint $te: the secret is not in a message"; else ok "token_endpoint $te: the secret is not in a message"; fi
done
mode "$NONCE_MODE"
SIGSTORE_OIDC_CLIENT_SECRET=cs-77-secret login deliver --oidc-client-id conf
auth=$(jq -r 'select(.path=="/token") | .headers.Authorization' "$W/idp.log")
is "$auth" "Basic $(printf 'conf:cs-77-secret' | base64 -w0)" "the client secret goes as HTTP Basic to the token endpoint"
if grep -q 'cs-77-secret' "$T_ERR" || jq -r 'select(.path!="/token") | .body, (.headers|tostring)' "$W/idp.log" | grep -q cs-77; then
	bad "the client secret reaches nothing but the token endpoint"
else ok "the client secret reaches nothing but the token endpoint"; fi

# ---- the device login: a provider that would make us hammer or wait forever ----
device() { # MODE-JSON [TIMEOUT]
	mode "$1"
	: >"$W/idp.log"
	rm -f out.json
	run sigstore sign-bundle --bundle out.json --oidc-device --oidc-issuer "$ISS" --oidc-timeout "${2:-6s}" \
		--fulcio-url "$ISS" --rekor-url "$ISS" a.txt
}
for iv in 0 -5 0.001 '"0"'; do
	device "{\"device\":{\"interval\":$iv},\"token\":{\"status\":400,\"body\":{\"error\":\"authorization_pending\"}}}"
	expect_rc 2 "device interval $iv: refused"
	is "$(count /token)" 0 "device interval $iv: never polled"
done
device '{"device":{"expires_in":0},"token":{"status":400,"body":{"error":"authorization_pending"}}}'
expect_rc 2 "device expires_in 0: refused"
t0=$(ms)
device '{"device":{"interval":1},"token":{"status":400,"body":{"error":"slow_down"}}}' 12s
t1=$(ms)
expect_rc 2 "endless slow_down: the login ends"
if [ $((t1 - t0)) -lt 16000 ]; then ok "endless slow_down ends within --oidc-timeout ($((t1 - t0)) ms)"; else bad "endless slow_down ends within --oidc-timeout" "$((t1 - t0)) ms"; fi
if [ "$(count /token)" -le 4 ]; then ok "slow_down slows the polling ($(count /token) polls in 12 s)"; else bad "slow_down slows the polling" "$(count /token) polls"; fi
device '{"device":{"interval":1},"token":{"status":400,"body":{"error":"authorization_pending","error_description":"\u001b[2J::error::x"}}}' 4s
if grep -q "$(printf '\033')" "$T_ERR"; then bad "a device error_description with ESC does not reach the terminal"; else ok "a device error_description with ESC does not reach the terminal"; fi

# ---- ambient: GitHub Actions URL tricks (127.0.0.2 = off loopback) ----
gha() { # URL
	: >"$W/far.log"
	ACTIONS_ID_TOKEN_REQUEST_URL=$1 ACTIONS_ID_TOKEN_REQUEST_TOKEN=gha-bearer-secret \
		run sigstore sign-bundle --bundle out.json --oidc-provider github-actions \
		--fulcio-url "$ISS" --timeout 6 a.txt
}
for u in "http://127.0.0.2:$Q/t?x=1" "http://127.0.0.1:1@127.0.0.2:$Q/t" "http://127.0.0.1@127.0.0.2:$Q/t" \
	"http://127.0.0.2:$Q\\@127.0.0.1/t" "http://127.0.0.2:$Q#@127.0.0.1/t" "http://127.0.0.2:$Q?@127.0.0.1/t" \
	"http://localhost.:$Q/t" "http://2130706434:$Q/t" "http://0x7f000002:$Q/t" "http://[::ffff:127.0.0.2]:$Q/t" \
	"HTTP://127.0.0.2:$Q/t" " http://127.0.0.2:$Q/t" "http:/127.0.0.2:$Q/t" "http://127.0.0.2%00.localhost:$Q/t" \
	"http://evil.localhost:$Q/t"; do
	gha "$u"
	expect_rc 2 "ACTIONS_ID_TOKEN_REQUEST_URL '$u': refused"
	is "$(wc -l <"$W/far.log")" 0 "ACTIONS_ID_TOKEN_REQUEST_URL '$u': the bearer stays home"
	if grep -q gha-bearer-secret "$T_ERR"; then bad "ACTIONS_ID_TOKEN_REQUEST_URL '$u': the bearer is not in a message"; else ok "ACTIONS_ID_TOKEN_REQUEST_URL '$u': the bearer is not in a message"; fi
done
ghans() { # MODE-JSON WHAT
	mode "$1"
	ACTIONS_ID_TOKEN_REQUEST_URL="$ISS/gha?x=1" ACTIONS_ID_TOKEN_REQUEST_TOKEN=gha-bearer-secret \
		run sigstore sign-bundle --bundle out.json --oidc-provider github-actions --fulcio-url http://127.0.0.1:1 --timeout 6 a.txt
	expect_rc "${3:-2}" "GitHub token answer $2: refused"
	no_file out.json "GitHub token answer $2: nothing written"
}
ghans '{"default_status":200,"default_body":"{\"value\":null}"}' "value null"
ghans '{"default_status":200,"default_body":"{\"value\":\"\"}"}' "value empty"
ghans '{"default_status":200,"default_body":"[]"}' "a list"
ghans '{"default_status":200,"default_body":"{\"value\":\"a.b.c\",\"value\":\"d.e.f\"}"}' "two values"
ghans "{\"default_status\":302,\"default_body\":\"\",\"default_headers\":{\"Location\":\"http://127.0.0.2:$Q/t\"}}" "a redirect off loopback"
is "$(wc -l <"$W/far.log")" 0 "... the redirect is not followed"
ghans '{"default_status":401,"default_body":"ECHO"}' "a 401"
if grep -q gha-bearer-secret "$T_ERR"; then bad "a GitHub endpoint's 401 does not put the bearer in a message"; else ok "a GitHub endpoint's 401 does not put the bearer in a message"; fi

# ---- ambient: proxies in the environment never see a plain-http token ----
now=$(date +%s)
TOK=$(python3 -c "import base64,json;b=lambda d:base64.urlsafe_b64encode(d).rstrip(b'=').decode();print(b(b'{\"alg\":\"none\"}')+'.'+b(json.dumps({'iss':'https://accounts.example.test','aud':'sigstore','sub':'u','email':'alice@example.test','exp':$now+900}).encode())+'.SIGNATUREPART')")
mode '{"default_status":401,"default_body":"{}"}'
for v in http_proxy HTTP_PROXY ALL_PROXY all_proxy; do
	: >"$W/far.log"
	env "$v=http://127.0.0.2:$Q" "$AE_BIN" sigstore sign-bundle --bundle out.json --identity-token "$TOK" \
		--fulcio-url "$ISS" --rekor-url "$ISS" --timeout 6 a.txt >/dev/null 2>&1 </dev/null
	is "$(wc -l <"$W/far.log")" 0 "$v pointing off loopback: the token does not go through it"
done

# ---- Fulcio echoing what it got: the token's signature is never printed ----
for st in 400 401; do
	mode "{\"default_status\":$st,\"default_body\":\"ECHO\"}"
	run sigstore sign-bundle --bundle out.json --identity-token "$TOK" --fulcio-url "$ISS" --rekor-url "$ISS" --timeout 6 a.txt
	expect_rc 2 "a Fulcio $st that echoes the request fails"
	if grep -q SIGNATUREPART "$T_ERR"; then bad "a Fulcio $st echo does not print the whole token"; else ok "a Fulcio $st echo does not print the whole token"; fi
done
mode "{\"default_status\":307,\"default_body\":\"\",\"default_headers\":{\"Location\":\"http://127.0.0.2:$Q/api/v2/signingCert\"}}"
: >"$W/far.log"
run sigstore sign-bundle --bundle out.json --identity-token "$TOK" --fulcio-url "$ISS" --rekor-url "$ISS" --timeout 6 a.txt
expect_rc 2 "a Fulcio 307 to another host fails"
is "$(wc -l <"$W/far.log")" 0 "... and the token is not sent after it"

# ---- --identity-token-file that is not a file ----
mkfifo "$W/fifo"
t0=$(ms)
run sigstore sign-bundle --bundle out.json --identity-token-file "$W/fifo" --timeout 3 a.txt
t1=$(ms)
expect_rc 2 "--identity-token-file on a FIFO with no writer is refused"
if [ $((t1 - t0)) -lt 3000 ]; then ok "... at once, not blocked in open ($((t1 - t0)) ms)"; else bad "... at once" "$((t1 - t0)) ms"; fi
run sigstore sign-bundle --bundle out.json --identity-token-file /dev/zero --timeout 3 a.txt
expect_rc 2 "--identity-token-file /dev/zero is refused (no endless read)"
printf '%s\nsecond-line' "$TOK" >"$W/tok2"
run sigstore sign-bundle --bundle out.json --identity-token-file "$W/tok2" --fulcio-url "$ISS" --timeout 3 a.txt
if grep -q SIGNATUREPART "$T_ERR"; then bad "a token file with a second line is not echoed"; else ok "a token file with a second line is not echoed"; fi

# ---- a buildkite-agent that hangs or leaves a child holding its stdout ----
mkdir -p "$W/bk"
cat >"$W/bk/buildkite-agent" <<EOF
#!/bin/sh
case "\$BKMODE" in
grandchild) printf '%s\n' "$TOK"; sleep 30 & exit 0;;
hang) exec sleep 30;;
huge) head -c 5000000 /dev/zero | tr '\0' 'A';;
esac
EOF
chmod +x "$W/bk/buildkite-agent"
for m in grandchild hang huge; do
	t0=$(ms)
	BKMODE=$m BUILDKITE=true PATH="$W/bk:$PATH" run sigstore sign-bundle --bundle out.json \
		--oidc-provider buildkite --fulcio-url "$ISS" --rekor-url "$ISS" --timeout 4 a.txt
	t1=$(ms)
	if [ "$T_RC" -ne 0 ] && [ $((t1 - t0)) -lt 9000 ]; then ok "buildkite-agent $m: bounded by --timeout ($((t1 - t0)) ms, exit $T_RC)"; else
		bad "buildkite-agent $m: bounded by --timeout" "exit $T_RC after $((t1 - t0)) ms"
	fi
	no_file out.json "buildkite-agent $m: nothing written"
done

# ---- with the Sigstore stack: a signing config and a Rekor 409 that point elsewhere ----
STACK_NM=$HERE/../sigstore-stack/node_modules
if [ -d "$STACK_NM" ]; then
	. "$HERE/sigstore_stack.sh"
	stack_up "$W/stack"
	scase() { # JQ WHAT
		jq "$1" "$SC" >"$W/sc.json"
		: >"$W/far.log"
		rm -f o.json
		run sigstore sign-bundle --bundle o.json --identity-token "$TOKEN" --signing-config "$W/sc.json" --trusted-root "$TR" a.txt
		expect_rc 2 "signing config $2: refused"
		is "$(wc -l <"$W/far.log")" 0 "signing config $2: nothing sent off loopback"
		no_file o.json "signing config $2: nothing written"
	}
	scase ".caUrls[0].url=\"http://127.0.0.2:$Q\"" "Fulcio on plain http off loopback"
	scase ".caUrls[0].url=\"http://x@127.0.0.1:$Q\"" "Fulcio URL with userinfo"
	scase ".caUrls = [.caUrls[0] | .url=\"http://127.0.0.2:$Q\" | .validFor.start=\"2020-01-01T00:00:00Z\"] + [.caUrls[0]]" "an older Fulcio off loopback listed first"
	scase ".rekorTlogUrls[0].url=\"http://127.0.0.2:$Q\"" "Rekor off loopback"
	scase ".tsaUrls[0].url=\"http://127.0.0.2:$Q/ts\"" "TSA off loopback"
	scase ".rekorTlogConfig.selector=\"EXACT\" | .rekorTlogConfig.count=5" "EXACT 5"
	HP=$(free_port)
	setsid python3 "$HERE/hostile.py" --port "$HP" --upstream "${STACK_URL#http://}" </dev/null >"$W/hostile.log" 2>&1 &
	t_cleanup "kill $!"
	H=http://127.0.0.1:$HP
	for _ in $(seq 50); do curl -s -o /dev/null "$H/_hostile/log" && break; sleep 0.1; done
	for loc in "http://127.0.0.2:$Q/api/v1/log/entries/abc" "//127.0.0.2:$Q/api/v1/log/entries/abc" "/api/v1/log/entries/../../../_hostile/log"; do
		curl -s -X POST --data-binary "[{\"method\":\"POST\",\"path\":\"/api/v1/log/entries\",\"action\":\"replace\",\"status\":409,\"headers\":{\"Location\":\"$loc\"},\"body\":\"{}\"}]" "$H/_hostile/rules" >/dev/null
		: >"$W/far.log"
		rm -f o.json
		run sigstore sign-bundle --bundle o.json --identity-token "$TOKEN" --fulcio-url "$H" --rekor-url "$H" --trusted-root "$TR" a.txt
		expect_rc 2 "a Rekor 409 whose Location is '$loc': fails"
		is "$(wc -l <"$W/far.log")" 0 "a Rekor 409 whose Location is '$loc': nothing fetched elsewhere"
		no_file o.json "a Rekor 409 whose Location is '$loc': nothing written"
	done
else
	echo "SKIPPED -- tests/sigstore-stack/node_modules missing (make deps): the signing-config and Rekor 409 cases did not run"
fi

# ---- the browser launcher and the localhost redirect (review atk4 01, 02) ----
# Each script exits 0 when the tool holds, 1 on the bug, 2 when it cannot
# set up (no IPv6 loopback, no browser start).

for f in browser_env:"xdg-open/open gets no client secret, ID token or Actions request token" \
	browser_env_tokens:"xdg-open/open gets no token variable, under any name (GitLab id_tokens, JWT-valued)" \
	browser_argv:"xdg-open/open gets a private start page (0600 in 0700), never the authorization URL with its state" \
	localhost_v6:"a localhost redirect holds [::1]:PORT too: no other process gets the code"; do
	out=$(bash "$FIND/${f%%:*}.sh" "$AE_BIN" 2>&1)
	case $? in
	0) ok "${f#*:}" ;;
	2) echo "SKIPPED -- ${f#*:}: $out" ;;
	*) bad "${f#*:}" "$out" ;;
	esac
done

t_end
