# tests/e2e/registry.sh -- start and stop a throwaway Debian docker-registry
# (CNCF distribution 2.8) on a free 127.0.0.1 port for the OCI tests (sourced).
#
#   reg_start DIR [--auth] [--token] [--tls]   sets REG_HOST (127.0.0.1:PORT),
#                                              REG_PID, and with --tls REG_CA
#   reg_stop DIR                               stops what reg_start started
#   reg_up DIR [--auth] [--token] [--tls]      reg_start, or the test fails
#                                              ("registry starts") and ends;
#                                              reg_stop DIR at the end
#
# Modelled on the interop tool ../shared/tools/registry, but self-contained:
# the project's own tests must not need ../shared. The registry binds
# loopback only; --auth uses an htpasswd bcrypt file (the only hash 2.8
# honours, oci.md §4.1); --token starts tests/e2e/tokenserver.py on a second
# free port; --tls makes a throwaway CA with openssl. Credentials are
# REG_USER / REG_PASS.
REG_USER=evidence
REG_PASS=evidence-pass
REG_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

reg_wait() { # URL CURLARGS...
	local url=$1 i code
	shift
	for i in $(seq 1 100); do
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$@" "$url" 2>/dev/null || true)
		case $code in 200 | 401) return 0 ;; esac
		sleep 0.1
	done
	return 1
}

reg_make_tls() { # DIR
	local t=$1/tls
	mkdir -p "$t"
	openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 \
		-keyout "$t/ca.key" -out "$t/ca.crt" -subj "/CN=ae-test-ca" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" >/dev/null 2>&1 || return 1
	openssl req -newkey rsa:2048 -nodes -sha256 -keyout "$t/server.key" \
		-out "$t/server.csr" -subj "/CN=127.0.0.1" >/dev/null 2>&1 || return 1
	printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" "basicConstraints=CA:FALSE" \
		"extendedKeyUsage=serverAuth" >"$t/ext.cnf"
	openssl x509 -req -sha256 -days 2 -in "$t/server.csr" -CA "$t/ca.crt" \
		-CAkey "$t/ca.key" -CAcreateserial -out "$t/server.crt" \
		-extfile "$t/ext.cnf" >/dev/null 2>&1 || return 1
	mkdir -p "$t/certdir" && cp "$t/ca.crt" "$t/certdir/ca.crt"
}

reg_config() { # DIR PORT AUTH TLS TOKEN_PORT
	local d=$1 port=$2 auth=$3 tls=$4 tport=$5
	{
		echo "version: 0.1"
		echo "log: {level: error, accesslog: {disabled: true}}"
		echo "storage:"
		echo "  filesystem: {rootdirectory: $d/data}"
		echo "  delete: {enabled: true}"
		echo "  maintenance: {uploadpurging: {enabled: false}}"
		echo "http:"
		echo "  addr: 127.0.0.1:$port"
		echo "  secret: $(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
		[ "$tls" = 1 ] && echo "  tls: {certificate: $d/tls/server.crt, key: $d/tls/server.key}"
		case $auth in
		basic)
			echo "auth:"
			echo "  htpasswd: {realm: ae-test, path: $d/htpasswd}"
			;;
		token)
			echo "auth:"
			echo "  token:"
			echo "    realm: http://127.0.0.1:$tport/token"
			echo "    service: ae-registry"
			echo "    issuer: ae-token-issuer"
			echo "    rootcertbundle: $d/token/cert.pem"
			;;
		esac
		echo "health: {storagedriver: {enabled: false}}"
	} >"$d/config.yml"
}

reg_start() { # DIR [--auth] [--token] [--tls]
	local d=$1 auth=none tls=0 port tport="" scheme=http curlargs=()
	shift
	while [ $# -gt 0 ]; do
		case $1 in
		--auth) auth=basic ;;
		--token) auth=token ;;
		--tls) tls=1 ;;
		esac
		shift
	done
	mkdir -p "$d"
	port=$(free_port)
	REG_CA=""
	if [ $tls = 1 ]; then
		reg_make_tls "$d" || return 1
		REG_CA=$d/tls/ca.crt
		scheme=https
		curlargs=(--cacert "$REG_CA")
	fi
	[ $auth = basic ] && { htpasswd -Bbc "$d/htpasswd" "$REG_USER" "$REG_PASS" >/dev/null 2>&1 || return 1; }
	if [ $auth = token ]; then
		mkdir -p "$d/token"
		openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 \
			-keyout "$d/token/key.pem" -out "$d/token/cert.pem" \
			-subj "/CN=ae-token-signer" >/dev/null 2>&1 || return 1
		tport=$(free_port)
		setsid python3 "$REG_HERE/tokenserver.py" --port "$tport" \
			--key "$d/token/key.pem" --cert "$d/token/cert.pem" \
			--issuer ae-token-issuer --service ae-registry \
			--user "$REG_USER:$REG_PASS" </dev/null >"$d/token.log" 2>&1 &
		echo $! >"$d/token.pid"
		reg_wait "http://127.0.0.1:$tport/healthz" || return 1
	fi
	reg_config "$d" "$port" "$auth" "$tls" "$tport"
	setsid docker-registry serve "$d/config.yml" </dev/null >"$d/registry.log" 2>&1 &
	REG_PID=$!
	echo "$REG_PID" >"$d/registry.pid"
	REG_HOST=127.0.0.1:$port
	if ! reg_wait "$scheme://$REG_HOST/v2/" "${curlargs[@]}"; then
		tail -5 "$d/registry.log" >&2
		reg_stop "$d"
		return 1
	fi
}

reg_stop() { # DIR
	local f pid
	for f in "$1/registry.pid" "$1/token.pid"; do
		[ -s "$f" ] || continue
		pid=$(cat "$f")
		kill -TERM "$pid" 2>/dev/null
		for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null
		rm -f "$f"
	done
	return 0
}

reg_up() { # DIR [--auth] [--token] [--tls]
	if ! reg_start "$@"; then
		bad "registry starts"
		t_end
	fi
	t_cleanup "reg_stop $1"
}
