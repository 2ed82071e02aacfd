# tests/e2e/atk_halfflood.py PORT SECONDS -- a co-tenant keeps opening connections to the
# login listener that send half a callback request, as fast as it can
# (test_attack_login2.sh); prints how many it opened
import socket, sys, time
port, secs = int(sys.argv[1]), float(sys.argv[2])
end = time.time() + secs; socks = []; n = 0
while time.time() < end:
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=1)
        s.sendall(b"GET /auth/callback?code=X&sta")
        socks.append(s); n += 1
        if len(socks) > 200: socks.pop(0).close()
    except OSError:
        time.sleep(0.001)
print(n)
