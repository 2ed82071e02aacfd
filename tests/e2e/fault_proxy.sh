# tests/e2e/fault_proxy.sh -- the project's fault-injecting proxy
# (faultproxy.py, its rules in faultrules.py) in front of a server, for the
# tests that watch or disturb the requests (sourced after lib.sh).
#
#   proxy_up UPSTREAM   starts faultproxy.py on a free loopback port in
#                       front of UPSTREAM (host:port), its output in
#                       $T_WORK/proxy.log, stopped when the test ends; sets
#                       PP (the port) and P (127.0.0.1:PP) and waits up to
#                       5 s for it to answer
#   rules [JSON]        sets the proxy's rules to JSON (no argument: read
#                       from stdin); the request log starts over
FAULT_PROXY_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

proxy_up() {
	PP=$(free_port)
	setsid python3 "$FAULT_PROXY_HOME/faultproxy.py" --port "$PP" --upstream "$1" \
		</dev/null >"$T_WORK/proxy.log" 2>&1 &
	t_cleanup "kill $!"
	P=127.0.0.1:$PP
	for _ in $(seq 1 50); do curl -s -o /dev/null "http://$P/_fault/stats" && break; sleep 0.1; done
}

rules() { curl -s -X POST --data-binary "${1-@-}" "http://$P/_fault/rules" >/dev/null; }
