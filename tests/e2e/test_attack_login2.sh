#!/usr/bin/env bash
# tests/e2e/test_attack_login2.sh -- a third outside review's attack on the
# browser login's listener that the tool held: a co-tenant churning
# connections that each send half a callback request (atk_halfflood.py),
# as fast as the listener lets it, while the person's browser sends its
# callback in one write: the callback is answered at once and its code
# exchanged exactly once. No browser is started (no DISPLAY): the test
# plays the browser from the URL printed on stderr.
. "$(dirname "$0")/lib.sh"
t_begin
HERE=$(cd "$(dirname "$0")" && pwd)
W=$T_WORK
: >"$W/idp.log"
login_idp_start "$W/idp.log"
LP=$(free_port)
echo data >"$W/a.txt"
env -u DISPLAY -u WAYLAND_DISPLAY -u SIGSTORE_ID_TOKEN -u ACTIONS_ID_TOKEN_REQUEST_URL \
	-u ACTIONS_ID_TOKEN_REQUEST_TOKEN timeout "$(t_secs 60)" "$AE_BIN" sigstore sign-bundle \
	--bundle "$W/out.json" --oidc-provider browser --oidc-issuer "http://127.0.0.1:$IDP_PORT" \
	--oidc-timeout "$(t_secs 30)s" --oidc-redirect-url "http://127.0.0.1:$LP/auth/callback" \
	--fulcio-url "http://127.0.0.1:$IDP_PORT" --rekor-url "http://127.0.0.1:$IDP_PORT" \
	"$W/a.txt" >"$W/out" 2>"$W/err" &
AP=$!
t_cleanup "kill $AP"
ST=""
for _ in $(seq 100); do
	ST=$(grep -o 'state=[^&[:space:]]*' "$W/err" | head -1 | cut -d= -f2)
	[ -n "$ST" ] && break
	sleep 0.1
done
[ -n "$ST" ] && ok "setup: the login printed its authorization URL" || { bad "setup: no authorization URL" "$(head -c 300 "$W/err")"; t_end; }
python3 "$HERE/atk_halfflood.py" "$LP" "$(t_secs 10)" >"$W/flood.n" 2>/dev/null &
FP=$!
sleep 3
python3 - "$LP" "$ST" >"$W/cb.txt" <<'PY'
import socket, sys, time
port, st = int(sys.argv[1]), sys.argv[2]
t0 = time.time()
try:
    s = socket.create_connection(("127.0.0.1", port), timeout=20)
    s.sendall(("GET /auth/callback?code=REAL-CODE-1&state=%s HTTP/1.1\r\nHost: x\r\n\r\n" % st).encode())
    r = s.recv(200).decode("latin-1").split("\r\n")[0] or "closed"
except OSError as e:
    r = "error: %s" % e
print("%s|%.2f" % (r, time.time() - t0))
PY
wait "$FP"
wait "$AP"
cb=$(cat "$W/cb.txt")
case "$cb" in
HTTP/1.1\ *) ok "a half-request flood ($(cat "$W/flood.n") connections): the browser's one-write callback is answered (${cb#*|}s)" ;;
*) bad "a half-request flood: the browser's callback is answered" "$cb" ;;
esac
n=$(grep -c 'REAL-CODE-1' "$W/idp.log")
[ "$n" = 1 ] && ok "  its code was exchanged exactly once" || bad "  its code was exchanged exactly once" "$n times"
grep -q 'code=X' "$W/idp.log" && bad "  a flood connection's code reached the provider" || ok "  no flood connection's code reached the provider"
t_end
