#!/usr/bin/env bash
# tests/e2e/test_login_cotenant.sh -- the browser login against another
# user of the same machine (review finding, LOW-MEDIUM: login CSRF).
#
# What the tool starts the browser on is on the launcher's command line,
# which every local user reads in /proc/PID/cmdline. When that was a
# one-time URL on the login's listener, a co-tenant could GET it first,
# read the OAuth state (and nonce and PKCE challenge) in its 302, log in
# as themselves with those, and deliver their own code to the callback:
# the person's evidence signed under the co-tenant's identity. And the
# listener served one connection at a time, each allowed 10 s to send its
# request: a few stalled connections kept the real callback waiting past
# the login's deadline.
#
#   A  a co-tenant (user nobody, when this runs as root) watches
#      /proc/*/cmdline for the launcher, takes what is on its argv (GETs a
#      URL, reads a file, its environ) and must learn no state; nothing it
#      sends is exchanged; the person's browser still reaches the
#      authorization URL from what it was given.
#   B  the co-tenant holds 6 stalled connections (half a request each,
#      reopened when closed) before the person's callback: the callback is
#      exchanged at once, exactly once; a second callback is refused.
#   C  the co-tenant sends the listener callbacks of its own before and
#      while the person logs in (another state, no state, an error, a
#      repeated or malformed parameter): each is answered 400 and waited
#      past, and the person's callback still decides (review finding,
#      LOW: the first wrong callback used to end the login). Alone, they
#      leave the login to its deadline, which says they were refused.
#   D  the co-tenant floods the listener with idle connections (40 open,
#      reopened as they are pushed out) while the person's browser sends
#      its callback in two pieces a second apart: the browser's connection
#      is never the one pushed out (review finding, LOW: the oldest
#      connection was dropped whatever it had sent).
# The stand-in provider answers discovery, and the token endpoint with
# invalid_grant: what counts here is which code reaches it, and when.
. "$(dirname "$0")/lib.sh"
t_begin
W=$T_WORK
AE=$AE_BIN
# a directory the co-tenant may write its findings to
P=$(mktemp -d "${TMPDIR:-/tmp}/ae-e2e-cotenant-pub-XXXXXX")
chmod 0777 "$P"
t_cleanup "rm -rf '$P'"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	OTHER="setpriv --reuid=65534 --regid=65534 --clear-groups"
	WHO="another user (nobody)"
	OPY=/usr/bin/python3 # a shim in root's home is not nobody's
else
	OTHER=""
	WHO="a process of this user (not root: no other user to be)"
	OPY=python3
fi

: >"$W/idp.log"
login_idp_start "$W/idp.log"
IP=$IDP_PORT

# The person's browser (this user): resolves what it was given to the
# authorization URL -- a URL on the listener (GET, its Location) or a
# page file (its refresh URL) -- and plays BROWSE_MODE.
mkdir -p "$W/bin"
cat >"$W/bin/xdg-open" <<'PY'
#!/usr/bin/env python3
import html, http.client, json, os, re, stat, sys, time, urllib.parse
arg, out, pub, mode = sys.argv[1], os.environ["B_OUT"], os.environ["B_PUB"], os.environ["B_MODE"]
res = {"argv": sys.argv[1:]}
def dump():
    json.dump(res, open(out + ".tmp", "w")); os.replace(out + ".tmp", out)
def get(u, timeout=30):
    p = urllib.parse.urlparse(u)
    c = http.client.HTTPConnection(p.hostname, p.port, timeout=timeout)
    c.request("GET", p.path + ("?" + p.query if p.query else ""))
    r = c.getresponse()
    return r.status, r.getheader("Location") or ""
if mode == "late":
    time.sleep(3)  # the co-tenant is quicker than a browser
auth = ""
try:
    if arg.startswith("http"):
        st, auth = get(arg, 10)
        res["start_status"] = st
    else:
        path = arg[7:] if arg.startswith("file://") else arg
        st = os.lstat(path); dst = os.lstat(os.path.dirname(path))
        res["file_mode"] = "%o" % stat.S_IMODE(st.st_mode)
        res["dir_mode"] = "%o" % stat.S_IMODE(dst.st_mode)
        res["owner_is_me"] = st.st_uid == os.geteuid() and dst.st_uid == os.geteuid()
        m = re.search(r'http-equiv="refresh" content="0; ?url=([^"]*)"', open(path).read(), re.I)
        auth = html.unescape(m.group(1)) if m else ""
except Exception as e:  # noqa: BLE001 -- the result says it
    res["resolve_error"] = str(e)
res["auth"] = auth
q = urllib.parse.parse_qs(urllib.parse.urlparse(auth).query)
state, redirect = q.get("state", [""])[0], q.get("redirect_uri", [""])[0]
if mode == "stalled" and redirect:
    open(pub + "/port.tmp", "w").write(str(urllib.parse.urlparse(redirect).port))
    os.replace(pub + "/port.tmp", pub + "/port")
    for _ in range(200):
        if os.path.exists(pub + "/stalled"):
            break
        time.sleep(0.05)
    res["stallers_ready"] = os.path.exists(pub + "/stalled")
    t0 = time.time()
    try:
        res["callback"] = get(redirect + "?code=REAL-CODE-1&state=" + urllib.parse.quote(state))[0]
    except Exception as e:  # noqa: BLE001
        res["callback"] = str(e)
    res["callback_s"] = round(time.time() - t0, 2)
    try:
        res["second"] = get(redirect + "?code=SECOND-CODE-2&state=" + urllib.parse.quote(state), 10)[0]
    except Exception as e:  # noqa: BLE001
        res["second"] = "refused: " + str(e)
    open(pub + "/done", "w").close()
if mode in ("wrongfirst", "wrongonly", "flood") and redirect:
    ru = urllib.parse.urlparse(redirect)
    open(pub + "/port.tmp", "w").write(str(ru.port))
    os.replace(pub + "/port.tmp", pub + "/port")
    ready = pub + ("/flooding" if mode == "flood" else "/sent")
    for _ in range(400):
        if os.path.exists(ready):
            break
        time.sleep(0.05)
    res["cotenant_ready"] = os.path.exists(ready)
    if mode == "wrongfirst":
        t0 = time.time()
        try:
            res["callback"] = get(redirect + "?code=REAL-CODE-1&state=" + urllib.parse.quote(state))[0]
        except Exception as e:  # noqa: BLE001
            res["callback"] = str(e)
        res["callback_s"] = round(time.time() - t0, 2)
    elif mode == "flood":
        # half the request, a pause while the flood runs, the rest
        import socket
        try:
            s = socket.create_connection(("127.0.0.1", ru.port), timeout=30)
            s.sendall(("GET %s?code=REAL-CODE-1&sta" % ru.path).encode())
            time.sleep(1.5)
            s.sendall(("te=%s HTTP/1.1\r\nHost: x\r\n\r\n" % urllib.parse.quote(state)).encode())
            res["callback"] = s.recv(64).decode("latin-1").split("\r\n")[0] or "closed"
        except OSError as e:
            res["callback"] = "error: " + str(e)
    open(pub + "/done", "w").close()
dump()
PY
chmod +x "$W/bin/xdg-open"

# The co-tenant: finds the launcher in /proc (this test's: other logins
# may run on the machine), takes what its argv (and
# environ, where readable) gives, and delivers its own code with any
# state it learnt. Prints what it got as JSON.
cat >"$P/cotenant.py" <<'PY'
import glob, http.client, json, os, re, sys, time, urllib.parse
res = {"seen": None, "state": None, "tried": []}
def learn(text):
    m = re.search(r"[?&;]state=([A-Za-z0-9_\-.~%]+)", text)
    return m and urllib.parse.unquote(m.group(1))
end = time.time() + 20
while time.time() < end and res["seen"] is None:
    for f in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            argv = open(f, "rb").read().decode("latin-1").split("\0")
        except OSError:
            continue
        if len(argv) > 2 and argv[1] == sys.argv[1]:  # this test's launcher only
            res["seen"] = argv[2]
            pid = f.split("/")[2]
            break
    time.sleep(0.005)
if res["seen"]:
    a = res["seen"]
    texts = []
    if a.startswith("http"):
        p = urllib.parse.urlparse(a)
        try:
            c = http.client.HTTPConnection(p.hostname, p.port, timeout=5)
            c.request("GET", p.path)
            r = c.getresponse()
            texts.append(r.getheader("Location") or "")
            res["tried"].append("GET %s: %d" % (p.path[:8], r.status))
        except OSError as e:
            res["tried"].append("GET: " + str(e))
    for f in [a[7:] if a.startswith("file://") else a, "/proc/%s/environ" % pid]:
        try:
            texts.append(open(f, "rb").read().decode("latin-1"))
            res["tried"].append("read %s: ok" % f)
        except OSError as e:
            res["tried"].append("read %s: %s" % (f, e.strerror))
    for t in texts:
        s = learn(t)
        if s:
            res["state"] = s
            ru = urllib.parse.parse_qs(urllib.parse.urlparse(t).query).get("redirect_uri", [""])[0]
            try:
                p = urllib.parse.urlparse(ru)
                c = http.client.HTTPConnection(p.hostname, p.port, timeout=10)
                c.request("GET", "%s?code=ATTACKER-CODE&state=%s" % (p.path, urllib.parse.quote(s)))
                res["delivered"] = c.getresponse().status
            except OSError as e:
                res["delivered"] = str(e)
            break
print(json.dumps(res))
PY

# Holds 6 stalled connections to the listener (port in $P/port), each
# sending half a request and nothing more, reopened when closed, until
# $P/done or 60 s.
cat >"$P/staller.py" <<'PY'
import os, socket, sys, time
pub = sys.argv[1]
end = time.time() + 60
while not os.path.exists(pub + "/port") and time.time() < end:
    time.sleep(0.02)
port = int(open(pub + "/port").read())
conns, opened = [], 0
def one():
    global opened
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(b"GET /auth/callback?code=")
    s.setblocking(False)
    opened += 1
    return s
conns = [one() for _ in range(6)]
open(pub + "/stalled.tmp", "w").close(); os.replace(pub + "/stalled.tmp", pub + "/stalled")
while not os.path.exists(pub + "/done") and time.time() < end:
    for i, s in enumerate(conns):
        try:
            if s.recv(1) == b"":
                raise OSError("closed")
        except BlockingIOError:
            continue
        except OSError:
            s.close()
            try:
                conns[i] = one()
            except OSError:
                pass
    time.sleep(0.05)
print(opened)
PY
# Sends the listener (port in $P/port) callbacks of its own -- another
# state (as long as ours), none, an error, a repeated or malformed
# parameter -- records the status line each got, signals $P/sent, then
# sends another-state callbacks every 50 ms until the listener is gone,
# $P/done or 60 s.
cat >"$P/wrong.py" <<'PY'
import json, os, socket, sys, time
pub = sys.argv[1]
end = time.time() + 60
while not os.path.exists(pub + "/port") and time.time() < end:
    time.sleep(0.02)
port = int(open(pub + "/port").read())
P = "/auth/callback"
W = "W" * 43  # a state as long as a real one
cases = {"another": "?code=ATTACKER-CODE&state=" + W, "none": "?code=ATTACKER-CODE",
         "error-nostate": "?error=access_denied", "error-another": "?error=access_denied&state=" + W,
         "repeated": "?code=ATTACKER-CODE&state=a&state=b", "nul": "?code=ATTACKER-CODE%00&state=" + W}
def send(q):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(("GET %s%s HTTP/1.1\r\nHost: x\r\n\r\n" % (P, q)).encode())
        r = b""
        while True:
            c = s.recv(4096)
            if not c:
                break
            r += c
        s.close()
        return r.decode("latin-1").split("\r\n")[0] or "closed"
    except OSError as e:
        return "error: " + str(e)
res = {k: send(q) for k, q in cases.items()}
open(pub + "/sent", "w").close()
more = []
while not os.path.exists(pub + "/done") and time.time() < end:
    m = send(cases["another"])
    if "Connection refused" in m:  # the login is over: nobody listens
        break
    if "Connection reset" in m and "Connection refused" in send(cases["another"]):
        break  # it was in the backlog when the listener closed
    more.append(m)
    time.sleep(0.05)
res["more"] = len(more)
res["more_not_400"] = [m for m in more if not m.startswith("HTTP/1.1 400")][:3]
print(json.dumps(res))
PY

# Floods the listener (port in $P/port) with idle connections: keeps 40
# open, opens a new one for each the listener closes, signals $P/flooding
# once it has pushed past the listener's 16, until $P/done or 60 s.
cat >"$P/flood.py" <<'PY'
import json, os, socket, sys, time
pub = sys.argv[1]
end = time.time() + 60
while not os.path.exists(pub + "/port") and time.time() < end:
    time.sleep(0.02)
port = int(open(pub + "/port").read())
conns, opened, pushed = [], 0, 0
while not os.path.exists(pub + "/done") and time.time() < end:
    while len(conns) < 40:  # connects that never wait on a full backlog
        s = socket.socket()
        s.setblocking(False)
        if s.connect_ex(("127.0.0.1", port)) not in (0, 115):  # EINPROGRESS
            s.close()
            break
        conns.append(s)
        opened += 1
    if pushed >= 20 and not os.path.exists(pub + "/flooding"):
        open(pub + "/flooding", "w").close()
    keep = []
    for s in conns:
        try:
            if s.recv(1) == b"":
                raise OSError("closed")
            keep.append(s)
        except BlockingIOError:
            keep.append(s)
        except OSError:
            pushed += 1
            s.close()
    conns = keep
    time.sleep(0.002)
print(json.dumps({"opened": opened, "pushed": pushed}))
PY
chmod 0644 "$P"/*.py

login() { # MODE TIMEOUT: a browser login at the stand-in provider
	rm -f "$W/browser.json" "$P/port" "$P/stalled" "$P/done"
	: >"$W/idp.log"
	echo data >"$W/a.txt"
	T_RC=0
	env -u SIGSTORE_ID_TOKEN -u ACTIONS_ID_TOKEN_REQUEST_URL -u ACTIONS_ID_TOKEN_REQUEST_TOKEN \
		PATH="$W/bin:$PATH" DISPLAY=:99 XDG_CACHE_HOME="$W/xdg" B_OUT="$W/browser.json" B_PUB="$P" B_MODE="$1" \
		timeout "$(t_secs 90)" "$AE" sigstore sign-bundle --bundle "$W/out.json" --oidc-provider browser \
		--oidc-issuer "http://127.0.0.1:$IP" --oidc-timeout "$2" --fulcio-url "http://127.0.0.1:$IP" \
		--rekor-url "http://127.0.0.1:$IP" "$W/a.txt" >"$T_OUT" 2>"$T_ERR" || T_RC=$?
	for _ in $(seq 100); do [ -s "$W/browser.json" ] && break; sleep 0.1; done
}
# beside_login NAME MODE TIMEOUT: the co-tenant ($WHO) runs $P/NAME.py
# against the listener while the person logs in (login MODE TIMEOUT); what
# it prints goes to $W/NAME.json, its stderr to $W/NAME.err. It stops at
# $P/done, touched when the login has ended.
beside_login() {
	local pid
	rm -f "$P/sent" "$P/flooding" "$P/port" "$P/done"
	$OTHER $OPY - "$P" <"$P/$1.py" >"$W/$1.json" 2>"$W/$1.err" &
	pid=$!
	login "$2" "$3"
	touch "$P/done"
	wait "$pid"
}
# exchanged_once WHAT DETAIL: the person's code (REAL-CODE-1) is the one
# code the provider was asked to exchange.
exchanged_once() {
	local n
	n=$(grep -c '^POST /token' "$W/idp.log")
	if grep '^POST /token' "$W/idp.log" | grep -q 'code=REAL-CODE-1' && [ "$n" = 1 ]; then
		ok "$1"
	else
		bad "$1" "$n exchanges; $2"
	fi
}
# ends_on_refusal WHAT: the login failed on the provider's invalid_grant
# (the stand-in refuses every code).
ends_on_refusal() {
	if [ "$T_RC" -ne 0 ] && grep -q 'refused the code' "$T_ERR"; then
		ok "$1"
	else
		bad "$1" "exit $T_RC"
	fi
}

# ---- A: the launcher's argv, raced by a co-tenant ----
$OTHER $OPY - "$W/bin/xdg-open" <"$P/cotenant.py" >"$W/cotenant.json" 2>"$W/cotenant.err" &
CT=$!
sleep 0.3
login late "$(t_secs 12)s"
wait "$CT"
if [ -z "$(jq -r '.seen // empty' "$W/cotenant.json" 2>/dev/null)" ]; then
	bad "A: the co-tenant saw the launcher's command line (else this test proves nothing)" "$(head -c 300 "$W/cotenant.json" "$W/cotenant.err")"
else
	ok "A: the co-tenant ($WHO) saw the launcher's command line"
	st=$(jq -r '.state // empty' "$W/cotenant.json")
	[ -z "$st" ] && ok "  ... and learnt no state from it ($(jq -r '.tried | join("; ")' "$W/cotenant.json"))" ||
		bad "  the co-tenant learnt the login's state" "$(jq -c . "$W/cotenant.json" | head -c 400)"
fi
grep -q 'ATTACKER-CODE' "$W/idp.log" && bad "  the co-tenant's code was exchanged" "$(grep ATTACKER "$W/idp.log")" ||
	ok "  nothing the co-tenant sent was exchanged"
if [ -s "$W/browser.json" ]; then
	jq -r '.argv[]' "$W/browser.json" | grep -qE 'state=|nonce=|code_challenge' &&
		bad "  no state, nonce or challenge on the launcher's argv" "$(jq -c .argv "$W/browser.json")" ||
		ok "  no state, nonce or challenge on the launcher's argv"
	auth=$(jq -r '.auth // empty' "$W/browser.json")
	case "$auth" in
	"http://127.0.0.1:$IP/auth?"*state=*) ok "  the person's browser still reaches the authorization URL" ;;
	*) bad "  the person's browser reaches the authorization URL" "$(jq -c . "$W/browser.json" | head -c 400)" ;;
	esac
	if jq -e 'has("file_mode")' "$W/browser.json" >/dev/null; then
		[ "$(jq -r '"\(.file_mode) \(.dir_mode) \(.owner_is_me)"' "$W/browser.json")" = "600 700 true" ] &&
			ok "  the page is 0600 in a 0700 directory, both ours" ||
			bad "  the page's modes" "$(jq -c . "$W/browser.json")"
	fi
else
	bad "A: the browser was started" "$(head -c 300 "$T_ERR")"
fi
[ "$T_RC" -ne 0 ] && ! grep -q '^POST /token' "$W/idp.log" && ok "  an uncompleted login fails and exchanges nothing" ||
	bad "  uncompleted login" "exit $T_RC; $(grep -c '^POST /token' "$W/idp.log") exchanges"
# the page does not outlive the login
if jq -e 'has("file_mode")' "$W/browser.json" >/dev/null 2>&1; then
	pg=$(jq -r '.argv[0]' "$W/browser.json")
	[ ! -e "${pg#file://}" ] && [ ! -e "$(dirname "${pg#file://}")" ] && ok "  the page and its directory are removed when the login ends" ||
		bad "  the page is removed" "$pg"
fi

# ---- B: stalled connections ahead of the callback ----
t0=$(date +%s)
beside_login staller stalled "$(t_secs 25)s"
t1=$(date +%s)
if [ "$(jq -r '.stallers_ready' "$W/browser.json" 2>/dev/null)" != true ]; then
	bad "B: the stallers held the listener before the callback (else this test proves nothing)" \
		"$(head -c 300 "$W/staller.err") $(jq -c . "$W/browser.json" 2>/dev/null | head -c 300)"
else
	ok "B: $(cat "$W/staller.json") stalled connections from $WHO held open before the callback"
	exchanged_once "  the callback's code is exchanged, once, despite them ($(jq -r .callback_s "$W/browser.json") s)" \
		"callback $(jq -c '[.callback, .callback_s]' "$W/browser.json"); login $((t1 - t0)) s"
	grep -q 'SECOND-CODE-2' "$W/idp.log" && bad "  a second callback is not exchanged" ||
		ok "  a second callback is not exchanged ($(jq -r .second "$W/browser.json" | head -c 60))"
	ends_on_refusal "  the login ends on the provider's answer (invalid_grant)"
fi

# ---- C: callbacks of the co-tenant's own ----
beside_login wrong wrongfirst "$(t_secs 40)s"
if [ "$(jq -r '.cotenant_ready' "$W/browser.json" 2>/dev/null)" != true ] || ! jq -e . "$W/wrong.json" >/dev/null 2>&1; then
	bad "C: the co-tenant sent its callbacks before the person's (else this test proves nothing)" \
		"$(head -c 300 "$W/wrong.err") $(jq -c . "$W/browser.json" 2>/dev/null | head -c 300)"
else
	ok "C: $WHO sent callbacks of its own before the person's ($(jq -r .more "$W/wrong.json") more during the login)"
	for k in another none error-nostate error-another repeated nul; do
		st=$(jq -r --arg k "$k" '.[$k]' "$W/wrong.json")
		case "$st" in
		"HTTP/1.1 400"*) ok "  its callback ($k) is answered 400" ;;
		*) bad "  its callback ($k) is answered 400" "$st" ;;
		esac
	done
	[ "$(jq -r '.more_not_400 | length' "$W/wrong.json")" = 0 ] && ok "  ... and each one sent during the login too" ||
		bad "  each callback sent during the login is answered 400" "$(jq -c .more_not_400 "$W/wrong.json")"
	exchanged_once "  the person's callback is exchanged, once, after them ($(jq -r .callback_s "$W/browser.json") s)" \
		"callback $(jq -c .callback "$W/browser.json"); $(head -c 200 "$T_ERR")"
	grep -q 'ATTACKER-CODE' "$W/idp.log" && bad "  none of its codes is exchanged" || ok "  none of its codes is exchanged"
	ends_on_refusal "  the login ends on the provider's answer to the person's code"
fi
beside_login wrong wrongonly "$(t_secs 10)s"
[ "$T_RC" = 2 ] && grep -q 'login was not completed.*callbacks\{0,1\} without this login.s state or malformed, refused' "$T_ERR" &&
	! grep -q '^POST /token' "$W/idp.log" &&
	ok "C: the co-tenant's callbacks alone leave the login to its deadline, which says they were refused" ||
	bad "C: the co-tenant's callbacks alone leave the login to its deadline" "exit $T_RC; $(head -c 300 "$T_ERR")"

# ---- D: a flood of idle connections while the person's callback arrives ----
beside_login flood flood "$(t_secs 40)s"
if [ "$(jq -r '.cotenant_ready' "$W/browser.json" 2>/dev/null)" != true ]; then
	bad "D: the flood filled the listener before the callback (else this test proves nothing)" \
		"$(head -c 300 "$W/flood.err") $(cat "$W/flood.json" 2>/dev/null)"
else
	ok "D: $WHO flooded the listener ($(jq -r '"\(.opened) idle connections opened, \(.pushed) pushed out"' "$W/flood.json"))"
	exchanged_once "  the person's callback, sent in two pieces amid the flood, is exchanged once" \
		"browser got $(jq -c .callback "$W/browser.json"); $(head -c 200 "$T_ERR")"
	ends_on_refusal "  the login ends on the provider's answer to it"
fi
t_end
