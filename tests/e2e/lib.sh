# tests/e2e/lib.sh -- shared helpers for end-to-end scripts (sourced)
#
# A script sources this, calls `t_begin`, runs checks, and ends with
# `t_end`, which prints "<name>: N passed, N failed" and sets the exit code.
#
#   ae ARGS...                run the binary (under $AE_WRAP if set)
#   run ARGS...               run the binary, capture $T_OUT $T_ERR $T_RC
#   expect_rc N "what"        last run exited N
#   expect_err "re" "what"    last run's stderr matches the ERE
#   expect_out "re" "what"    last run's stdout matches the ERE
#   ok "what" / bad "what" "why"
#   is GOT WANT "what"        GOT is WANT (bad says both)
#   same "what" GOT WANT      the same check, "what" first
#   free_port                 prints a free TCP port on 127.0.0.1
#   t_secs N                  N times AE_TEST_SLOW (default 1): the windows a
#                             test gives a stand-in browser or co-tenant
#                             before a deadline it waits out (a login nobody
#                             completes); raise it on a loaded machine
#   login_idp_start [LOG [AUTH_PATH]]
#                             a stand-in OpenID provider (standin_idp.py) on
#                             127.0.0.1:$IDP_PORT, pid $IDP_PID (stopped at
#                             exit): discovery (authorization_endpoint
#                             issuer+AUTH_PATH, default /auth), /token
#                             answers invalid_grant, each request appended
#                             to LOG ("METHOD PATH BODY"); for the login
#                             tests that watch the listener, the browser and
#                             which code is exchanged
set -u
T_NAME=$(basename "${BASH_SOURCE[1]:-$0}" .sh)
T_PASS=0
T_FAIL=0
T_RC=0
: "${AE_BIN:?AE_BIN must point at the aicr-evidence binary}"
# this directory: the stand-in browsers' python helpers (startpage.py)
E2E_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export E2E_HOME
T_WORK=$(mktemp -d "${TMPDIR:-/tmp}/ae-e2e-$T_NAME-XXXXXX")
T_OUT=$T_WORK/.stdout
T_ERR=$T_WORK/.stderr
T_CLEANUP=()

t_begin() { :; }

t_on_exit() {
	local c
	for c in "${T_CLEANUP[@]}"; do eval "$c" >/dev/null 2>&1 || true; done
	rm -rf "$T_WORK"
}
trap t_on_exit EXIT

# Registers a shell command to run when the script ends (stop servers).
t_cleanup() { T_CLEANUP+=("$1"); }

ok() { T_PASS=$((T_PASS + 1)); echo "ok - $1"; }
bad() {
	T_FAIL=$((T_FAIL + 1))
	echo "FAIL - $1${2:+: $2}"
	if [ -s "$T_ERR" ]; then sed 's/^/    stderr: /' "$T_ERR" | head -5; fi
}

ae() {
	# shellcheck disable=SC2086
	${AE_WRAP:-} "$AE_BIN" "$@"
}

run() {
	ae "$@" >"$T_OUT" 2>"$T_ERR" </dev/null
	T_RC=$?
	if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|==[0-9]+== (Invalid|Conditional|[0-9,]+ bytes in)' "$T_ERR"; then
		bad "sanitizer or valgrind report for: $*"
	fi
	return 0
}

expect_rc() {
	if [ "$T_RC" -eq "$1" ]; then ok "$2"; else bad "$2" "exit $T_RC, want $1"; fi
}
expect_err() {
	if grep -qE -- "$1" "$T_ERR"; then ok "$2"; else bad "$2" "stderr lacks /$1/"; fi
}
expect_out() {
	if grep -qE -- "$1" "$T_OUT"; then ok "$2"; else bad "$2" "stdout lacks /$1/"; fi
}
expect_out_eq() { # EXACT "what"
	if [ "$(cat "$T_OUT")" = "$1" ]; then ok "$2"; else bad "$2" "stdout is '$(head -c 200 "$T_OUT")', want '$1'"; fi
}
is() { # GOT WANT "what"
	if [ "$1" = "$2" ]; then ok "$3"; else bad "$3" "got '$1', want '$2'"; fi
}
same() { is "$2" "$3" "$1"; }

# need_tools TOOL...: the test says SKIPPED and ends unless every TOOL is
# on PATH.
need_tools() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null || { echo "SKIPPED -- $t missing (make deps)"; t_end; }
	done
}

t_secs() { echo $(($1 * ${AE_TEST_SLOW:-1})); }

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# node_service_start WHAT PIDVAR URLVAR LOG SCRIPT [ARGS...]: starts
# `node SCRIPT --port P ARGS...` on a free loopback port (three tries),
# stdout to LOG.out, stderr to LOG.err, and waits up to 10 s for its
# "READY URL" line; sets the variables named PIDVAR (its process) and
# URLVAR (the URL); stopped at the end (node_service_stop PIDVAR). Returns
# 1 (after `bad WHAT`) if it cannot start.
node_service_start() {
	local what=$1 pidvar=$2 urlvar=$3 log=$4 script=$5 port i n
	shift 5
	for i in 1 2 3; do
		port=$(free_port)
		node "$script" --port "$port" "$@" >"$log.out" 2>"$log.err" &
		printf -v "$pidvar" '%s' "$!"
		t_cleanup "node_service_stop $pidvar"
		n=0
		while [ $n -lt 100 ]; do
			if grep -q '^READY ' "$log.out" 2>/dev/null; then
				printf -v "$urlvar" '%s' "$(sed -n 's/^READY //p' "$log.out")"
				return 0
			fi
			kill -0 "${!pidvar}" 2>/dev/null || break
			sleep 0.1
			n=$((n + 1))
		done
		node_service_stop "$pidvar"
	done
	bad "$what" "did not start: $(head -c 300 "$log.err")"
	return 1
}
# node_service_stop PIDVAR: stops the service whose process the variable
# PIDVAR names, if any, and empties it.
node_service_stop() {
	local pid=${!1}
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		printf -v "$1" '%s' ""
	fi
}

login_idp_start() { # [LOG [AUTH_PATH]]
	IDP_PORT=$(free_port)
	python3 "$E2E_HOME/standin_idp.py" "$IDP_PORT" "${1:-/dev/null}" "${2:-/auth}" >/dev/null 2>&1 &
	IDP_PID=$!
	t_cleanup "kill $IDP_PID"
	for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$IDP_PORT/" && break; sleep 0.1; done
}

t_end() {
	echo "$T_NAME: $T_PASS passed, $T_FAIL failed"
	[ "$T_FAIL" -eq 0 ]
	exit $?
}
