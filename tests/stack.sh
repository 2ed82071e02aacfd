#!/usr/bin/env bash
# tests/stack.sh -- `make stack-up` / `make stack-down`: the loopback OCI
# registry and the local Sigstore stack the tests use, for a person to try
# the contributor guide against (nothing leaves the machine).
#
#   bash tests/stack.sh up [DIR]     starts both unless running, then prints
#                                    the environment to export (eval it)
#   bash tests/stack.sh env [DIR]    prints that environment again
#   bash tests/stack.sh down [DIR]   stops both; nothing is left running
#
# DIR (default build/stack, or $AE_STACK_DIR) holds the state: the
# registry's config, data and pid, the stack's trusted_root.json and
# signing_config.json and pid, and a test identity token. The registry is
# Debian's docker-registry (CNCF distribution) on 127.0.0.1, plain HTTP;
# the stack is tests/sigstore-stack/stack.mjs (Fulcio, CT, Rekor, TSA on
# 127.0.0.1), whose Fulcio takes an unsigned token for any identity, as
# the tests do (tests/e2e/sigstore_stack.sh, tests/e2e/registry.sh). Each
# `up` writes a fresh token (valid 8 hours). Needs `make deps` only.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
verb=${1:-}
dir=${2:-${AE_STACK_DIR:-$repo/build/stack}}
ISSUER=https://accounts.example.test
IDENTITY=${AE_STACK_IDENTITY:-you@example.test}

die() {
	echo "stack: $*" >&2
	exit 1
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# alive NAME: the pid in DIR/NAME.pid runs (and is the process we started)
alive() {
	local pid
	[ -s "$dir/$1.pid" ] || return 1
	pid=$(cat "$dir/$1.pid")
	kill -0 "$pid" 2>/dev/null || return 1
	grep -q "$2" "/proc/$pid/cmdline" 2>/dev/null
}

stop_one() { # NAME
	local f=$dir/$1.pid pid
	[ -s "$f" ] || return 0
	pid=$(cat "$f")
	# only a process of ours: its command line names the state dir
	if grep -q "$dir" "/proc/$pid/cmdline" 2>/dev/null; then
		kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
		for _ in $(seq 1 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
	fi
	rm -f "$f"
}

wait_http() { # URL
	local code
	for _ in $(seq 1 100); do
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" 2>/dev/null || true)
		case $code in 200 | 401 | 404) return 0 ;; esac
		sleep 0.1
	done
	return 1
}

registry_up() {
	local port
	alive registry "$dir/registry" && return 0
	command -v docker-registry >/dev/null || die "docker-registry not found: run 'make deps'"
	stop_one registry
	mkdir -p "$dir/registry/data"
	port=$(free_port)
	cat >"$dir/registry/config.yml" <<EOF
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage:
  filesystem: {rootdirectory: $dir/registry/data}
  delete: {enabled: true}
http:
  addr: 127.0.0.1:$port
  secret: $(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
health: {storagedriver: {enabled: false}}
EOF
	setsid docker-registry serve "$dir/registry/config.yml" \
		</dev/null >"$dir/registry/registry.log" 2>&1 &
	echo $! >"$dir/registry.pid"
	echo "127.0.0.1:$port" >"$dir/registry.addr"
	wait_http "http://127.0.0.1:$port/v2/" ||
		die "the registry did not start: $(tail -3 "$dir/registry/registry.log")"
}

sigstore_up() {
	local port home=$repo/tests/sigstore-stack
	alive sigstore "$dir/sigstore" && return 0
	[ -d "$home/node_modules" ] || die "$home/node_modules missing: run 'make deps'"
	stop_one sigstore
	mkdir -p "$dir/sigstore"
	port=$(free_port)
	rm -f "$dir/sigstore/stack.out"
	setsid node "$home/stack.mjs" --port "$port" --out-dir "$dir/sigstore" \
		</dev/null >"$dir/sigstore/stack.out" 2>"$dir/sigstore/stack.err" &
	echo $! >"$dir/sigstore.pid"
	for _ in $(seq 1 100); do
		grep -q '^READY ' "$dir/sigstore/stack.out" 2>/dev/null && return 0
		alive sigstore "$dir/sigstore" || break
		sleep 0.1
	done
	stop_one sigstore
	die "the Sigstore stack did not start: $(head -c 300 "$dir/sigstore/stack.err")"
}

b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }

write_token() {
	local h p exp=$(($(date +%s) + 8 * 3600))
	h=$(printf '{"alg":"none","typ":"JWT"}' | b64url)
	p=$(printf '{"iss":"%s","aud":"sigstore","sub":"%s","email":"%s","exp":%d}' \
		"$ISSUER" "$IDENTITY" "$IDENTITY" "$exp" | b64url)
	(umask 077 && printf '%s.%s.' "$h" "$p" >"$dir/token")
}

print_env() {
	alive registry "$dir/registry" && alive sigstore "$dir/sigstore" ||
		die "not running: make stack-up"
	local s=$dir/sigstore
	cat <<EOF
# the local registry (plain HTTP, loopback) and Sigstore stack; stop both
# with 'make stack-down'. Identity: $IDENTITY (issuer $ISSUER).
export AE_REGISTRY=$(cat "$dir/registry.addr")
export AE_REPO=$(cat "$dir/registry.addr")/you/aicr-evidence
export AE_REGISTRY_FLAGS=--registry-plain-http
export AE_TRUSTED_ROOT=$s/trusted_root.json
export AE_SIGNING_CONFIG=$s/signing_config.json
export AE_TOKEN_FILE=$dir/token
export AE_SIGN_FLAGS="--signing-config $s/signing_config.json --trusted-root $s/trusted_root.json --identity-token-file $dir/token"
export AE_VERIFY_FLAGS="--trusted-root $s/trusted_root.json"
export AE_ISSUER=$ISSUER
export AE_IDENTITY=$IDENTITY
export AE_IDENTITY_REGEXP='$(printf '%s' "$IDENTITY" | sed 's/[.]/\\./g')'
EOF
}

case $verb in
up)
	mkdir -p "$dir" && dir=$(cd "$dir" && pwd)
	registry_up
	sigstore_up
	write_token
	print_env
	;;
env)
	[ -d "$dir" ] || die "not running: make stack-up"
	dir=$(cd "$dir" && pwd)
	print_env
	;;
down)
	[ -d "$dir" ] || exit 0
	dir=$(cd "$dir" && pwd)
	stop_one registry
	stop_one sigstore
	rm -f "$dir/token" "$dir/registry.addr"
	echo "stack: stopped" >&2
	;;
*)
	echo "usage: bash tests/stack.sh up|env|down [DIR]" >&2
	exit 64
	;;
esac
