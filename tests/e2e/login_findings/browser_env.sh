#!/usr/bin/env bash
# 01 -- the confidential client's secret (and every other ambient signing
# secret) is handed to the browser in its environment.  LOW
#
# docs/signing.md: the client secret comes from --oidc-client-secret-file or
# SIGSTORE_OIDC_CLIENT_SECRET and is "never in a message, in argv or in a
# log"; it exists to be sent as HTTP Basic to the token endpoint only.
# Expected: xdg-open/open (and the browser it starts, with every extension,
# helper and child process that outlives the login) gets an environment
# without SIGSTORE_OIDC_CLIENT_SECRET (nor SIGSTORE_ID_TOKEN,
# ACTIONS_ID_TOKEN_REQUEST_TOKEN).
# Actual: the browser launcher inherits the whole environment, so the secret
# lives on in a long-running browser process (readable in its
# /proc/PID/environ, passed to every child it spawns, dumped in crash
# reports) that has nothing to do with the token exchange.
# Usage: browser_env.sh /path/to/aicr-evidence
set -u
BIN=$(realpath "$1")
W=$(mktemp -d /tmp/atk4-f01-XXXXXX)
trap 'kill $IDP 2>/dev/null; rm -rf "$W"' EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 - "$PORT" >"$W/idp.log" 2>&1 <<'PY' &
import json, sys
from http.server import BaseHTTPRequestHandler, HTTPServer
port = int(sys.argv[1]); iss = "http://127.0.0.1:%d" % port
class H(BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_GET(self):
        body = json.dumps({"issuer": iss, "authorization_endpoint": iss + "/auth",
            "token_endpoint": iss + "/token", "jwks_uri": iss + "/jwks",
            "code_challenge_methods_supported": ["S256"]}).encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
HTTPServer(("127.0.0.1", port), H).serve_forever()
PY
IDP=$!
mkdir -p "$W/bin"
printf '#!/bin/sh\nenv > "%s/browser.env"\n' "$W" >"$W/bin/xdg-open"
chmod +x "$W/bin/xdg-open"
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.1; done
echo hi >"$W/a.txt"
cd "$W" || exit 2
env -u SIGSTORE_ID_TOKEN PATH="$W/bin:$PATH" DISPLAY=:99 SIGSTORE_OIDC_CLIENT_SECRET=s3cr3t-client-secret \
	ACTIONS_ID_TOKEN_REQUEST_TOKEN=gha-request-secret \
	timeout 30 "$BIN" sigstore sign-bundle --bundle out.json --oidc-provider browser \
	--oidc-issuer "http://127.0.0.1:$PORT" --oidc-client-id conf --oidc-timeout 3s a.txt >/dev/null 2>&1
for _ in $(seq 30); do [ -s browser.env ] && break; sleep 0.1; done
[ -s browser.env ] || { echo "SETUP: the browser was not started"; exit 2; }
if grep -q 's3cr3t-client-secret' browser.env; then
	echo "BUG: the browser's environment holds the client secret:"
	grep -E 's3cr3t|gha-request-secret' browser.env | sed 's/^/    /'
	exit 1
fi
echo "fixed: the browser gets no client secret"
exit 0
