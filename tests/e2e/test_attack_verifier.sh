#!/usr/bin/env bash
# tests/e2e/test_attack_verifier.sh -- outside attacks (review atk5) on the
# one HTTP engine, the cache's "verified" stamp and the browser login, each
# one the tool HELD. (The certificate-chain memo's cases -- look-alike
# issuers of the intermediate's name and key, partial anchors, a flood of
# distinct leaves from 4 threads -- are unit cases beside the memo's own:
# tests/unit/test_evidence_pki.c.)
#
# HTTP (tests/e2e/atk_hostreg.py --bearer, a Bearer registry whose token realm is
# another origin): the realm gets Basic and never the token; a blob
# redirect to another origin gets no credential; a Location with userinfo
# is refused; 429 with Retry-After a date in 9999, 99999999999 seconds, or
# on the realm: the pull ends within its budget. Cache: a co-tenant who
# owns the cache directory with a default ACL granting themself rw cannot
# write our download (the mask is the create mode's); a co-tenant's
# symlink at A's layer name to our stamped layer of B is not A; our own
# stamped layer extended or truncated by a byte is hashed again. Login (a
# stand-in provider; a fake xdg-open): the browser's environment holds no
# credential variable; the start page is private (test_login_cotenant: a
# co-tenant learns nothing from the launcher's argv).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry.sh"
. "$(dirname "$0")/pushed_pair.sh"
t_begin
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
EX=$ROOT/recipes/examples
W=$T_WORK
export SOURCE_DATE_EPOCH=1763650000
need_tools docker-registry python3 jq curl openssl
AE=$(readlink -f "$AE_BIN")

# ---- a bundle, pushed and pulled once for its blobs ----
pushed_pair "$EX" || t_end
D=$DA

# ---- the hostile Bearer registry ----
HR=$(free_port)
P2=$(free_port)
COL=$C/blobs/collect
start_reg5() { # MODE
	rm -f "$COL"
	python3 "$HERE/atk_hostreg.py" --bearer "$HR" "$C/blobs/sha256" "$1" "" "$P2" >/dev/null 2>&1 &
	HRPID=$!
	for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$HR/v2/" && break; sleep 0.1; done
}
stop_reg5() { kill "$HRPID" 2>/dev/null; wait "$HRPID" 2>/dev/null; }
t_cleanup 'stop_reg5'
hpull() { # DEST: a fresh cache, credentials from stdin; records seconds
	local dst=$1 t0
	rm -rf "$dst" "$W/hc"
	T_RC=0
	t0=$(date +%s)
	echo s3cret-pass | timeout 90 "$AE" pull "127.0.0.1:$HR/ev/a@$D" --to "$dst" --cache "$W/hc" \
		--registry-plain-http --registry-username evidence --registry-password-stdin >"$T_OUT" 2>"$T_ERR" || T_RC=$?
	SECS=$(($(date +%s) - t0))
}
TOKEN_RE='Bearer TOK-7777'
start_reg5 redirect
hpull "$W/o-redir"
stop_reg5
expect_rc 0 "Bearer registry, realm on another port, blob redirected to it: pull succeeds"
diff -r "$W/pa" "$W/o-redir" >/dev/null && ok "  A's tree" || bad "  A's tree"
grep -q '^GET /token.*Authorization=Basic ' "$COL" && ok "  the realm got the Basic credentials (the protocol)" ||
	bad "  realm Basic" "$(cat "$COL")"
! grep -q "$TOKEN_RE" "$COL" && ok "  the other origin never got the bearer token" || bad "  token leaked" "$(cat "$COL")"
grep -q '^GET /blob/' "$COL" && ! grep '^GET /blob/' "$COL" | grep -qv 'Authorization=None' &&
	ok "  the redirected blob GET carried no credential" || bad "  redirected blob" "$(cat "$COL")"

start_reg5 userinfo
hpull "$W/o-ui"
stop_reg5
[ "$T_RC" -ne 0 ] && [ "$T_RC" -ne 124 ] && ok "a blob redirect whose Location holds userinfo: refused (exit $T_RC)" ||
	bad "userinfo redirect" "exit $T_RC"
! grep -q '^GET /blob/' "$COL" 2>/dev/null && ok "  the userinfo target got no request" || bad "  userinfo target" "$(cat "$COL")"
[ ! -e "$W/o-ui" ] && ok "  nothing at --to" || bad "  nothing at --to"

for m in ra-date ra-huge ra-token; do
	start_reg5 "$m"
	hpull "$W/o-$m"
	stop_reg5
	if [ "$T_RC" -eq 3 ] && [ "$SECS" -lt 60 ]; then
		ok "429 with Retry-After ($m): transient (exit 3) after ${SECS}s, no unbounded wait"
	else
		bad "429 Retry-After $m" "exit $T_RC after ${SECS}s: $(head -c 300 "$T_ERR")"
	fi
done

# ---- the cache: a co-tenant's directory with a default ACL ----
if id nobody >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	NB="setpriv --reuid=65534 --regid=65534 --clear-groups"
	c=$W/acl
	mkdir -p "$c/blobs/sha256" && chmod 0755 "$W" && chown -R nobody "$c" && chmod -R 0777 "$c"
	if $NB /usr/bin/python3 - "$c" "$c/blobs" "$c/blobs/sha256" <<'PY' 2>/dev/null; then
import os, struct, sys
U = 0xffffffff
a = struct.pack('<I', 2) + b''.join(struct.pack('<HHI', t, p, i) for t, p, i in
    [(1, 7, U), (2, 7, 65534), (4, 7, U), (0x10, 7, U), (0x20, 7, U)])
for d in sys.argv[1:]:
    os.setxattr(d, 'system.posix_acl_default', a)
PY
		run pull "$R/ev/a@$D" --to "$W/o-acl" --cache "$c" --registry-plain-http
		expect_rc 0 "pull A into a co-tenant's cache with a default ACL granting them rw"
		LA=$(jq -r '.layers[0].digest' "$C/blobs/sha256/${D#sha256:}")
		F=$c/blobs/sha256/${LA#sha256:}
		if [ -f "$F" ]; then
			if $NB sh -c "printf Z | dd of='$F' bs=1 seek=100 conv=notrunc" 2>/dev/null; then
				run pull "$R/ev/a@$D" --to "$W/o-acl2" --cache "$c" --offline
				[ "$T_RC" != 0 ] || diff -r "$W/pa" "$W/o-acl2" >/dev/null &&
					ok "  the co-tenant wrote our layer, but the pull still gives A or fails" ||
					bad "  co-tenant edit via default ACL used" "exit $T_RC"
			else
				ok "  the co-tenant cannot write our download (mask from the create mode)"
			fi
		fi
		rm -rf "$W/o-sym"
		c2=$W/sym && rm -rf "$c2" && cp -a "$C" "$c2" && chmod 0777 "$c2/blobs/sha256"
		LB=$(jq -r '.layers[0].digest' "$C/blobs/sha256/${DB#sha256:}")
		rm -f "$c2/blobs/sha256/${LA#sha256:}"
		$NB ln -s "$c2/blobs/sha256/${LB#sha256:}" "$c2/blobs/sha256/${LA#sha256:}"
		run pull "$R/ev/a@$D" --to "$W/o-sym" --cache "$c2" --offline
		[ "$T_RC" != 0 ] && ok "a co-tenant's symlink at A's layer to our stamped B: offline pull fails (exit $T_RC)" ||
			bad "symlink to stamped B" "exit 0; $(diff -r "$W/pa" "$W/o-sym" | head -2)"
		[ ! -e "$W/o-sym" ] && ok "  nothing at --to" || bad "  nothing at --to"
	else
		echo "SKIPPED (ACL) -- no POSIX ACLs on this file system"
	fi
else
	echo "SKIPPED (co-tenant cases) -- not root or no setpriv"
fi
# ---- our own stamped layer, extended or truncated in place (same user) ----
LA=$(jq -r '.layers[0].digest' "$C/blobs/sha256/${D#sha256:}")
for how in extend truncate; do
	c=$W/c-$how && rm -rf "$c" "$W/o-$how" && cp -a "$C" "$c"
	f=$c/blobs/sha256/${LA#sha256:}
	if [ "$how" = extend ]; then printf 'Z' >>"$f"; else truncate -s -1 "$f"; fi
	run pull "$R/ev/a@$D" --to "$W/o-$how" --cache "$c" --offline
	[ "$T_RC" != 0 ] && [ ! -e "$W/o-$how" ] && ok "our stamped layer ${how}ed by one byte: the stamp does not count, offline pull fails (exit $T_RC)" ||
		bad "stamped layer ${how}ed" "exit $T_RC"
done

# ---- the browser login: its environment, its one-time start URL ----
mkdir -p "$W/bin"
cat >"$W/bin/xdg-open" <<'PY'
#!/usr/bin/env python3
# records its environment, then reads the start page it was given
# ATK5_GETS times (its modes, the URL it refreshes to)
import json, os, stat, sys
sys.path.insert(0, os.environ["E2E_HOME"])
from startpage import page_path, resolve
json.dump(dict(os.environ), open(os.environ["ATK5_ENVOUT"], "w"))
res = []
for _ in range(int(os.environ.get("ATK5_GETS", "0"))):
    p = page_path(sys.argv[1])
    try:
        m = ["%o" % stat.S_IMODE(os.lstat(f).st_mode) for f in (p, os.path.dirname(p))]
    except OSError as e:
        m = [e.strerror.replace(" ", "_")]
    res.append("/".join(m) + ("+state" if "state=" in resolve(sys.argv[1]) else ""))
open(os.environ["ATK5_ENVOUT"] + ".gets", "w").write(" ".join(res))
PY
chmod +x "$W/bin/xdg-open"
: >"$W/idp.log"
login_idp_start "$W/idp.log"
IP=$IDP_PORT
JWT=eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.
blogin() { # GETS: a browser login at the stand-in provider
	rm -f "$W/env.json" "$W/env.json.gets"
	: >"$W/idp.log"
	(cd "$W" && echo data >a.txt)
	T_RC=0
	env -u SIGSTORE_ID_TOKEN -u ACTIONS_ID_TOKEN_REQUEST_URL -u ACTIONS_ID_TOKEN_REQUEST_TOKEN \
		PATH="$W/bin:$PATH" DISPLAY=:99 XDG_CACHE_HOME="$W/xdg" ATK5_ENVOUT="$W/env.json" ATK5_GETS="$1" \
		SIGSTORE_OIDC_CLIENT_SECRET=cs-1 MY_ID_TOKEN=t-1 gitlab_oidc_jwt=t-2 Deploy_Password=t-3 \
		AWS_SECRET_ACCESS_KEY=t-4 CUSTOM_NAME="$JWT" GOOGLE_APPLICATION_CREDENTIALS=/t-5 \
		XDG_ACTIVATION_TOKEN=keep-1 \
		timeout 60 "$AE" sigstore sign-bundle --bundle "$W/out.json" --oidc-provider browser \
		--oidc-issuer "http://127.0.0.1:$IP" --oidc-timeout "$(t_secs 6)s" --fulcio-url "http://127.0.0.1:$IP" \
		--rekor-url "http://127.0.0.1:$IP" "$W/a.txt" >"$T_OUT" 2>"$T_ERR" || T_RC=$?
	for _ in $(seq 30); do [ -s "$W/env.json.gets" ] || [ "$1" = 0 ] && break; sleep 0.1; done
}
blogin 0
if [ -s "$W/env.json" ]; then
	leaked=$(jq -r 'to_entries[] | select(.value | test("^(cs-1|t-[0-9]|/t-5)$") or (. == "'"$JWT"'")) | .key' "$W/env.json")
	[ -z "$leaked" ] && ok "the browser's environment holds none of 7 credential variables (names, words, a JWT value)" ||
		bad "browser environment" "leaked: $leaked"
	[ "$(jq -r .XDG_ACTIVATION_TOKEN "$W/env.json")" = keep-1 ] && ok "  XDG_ACTIVATION_TOKEN kept (the desktop's)" ||
		bad "  XDG_ACTIVATION_TOKEN kept"
	grep -q 'aicr-evidence-login-' <<<"$(jq -r . "$W/env.json")" && bad "  no start page in the environment" || ok "  no start page in the environment"
else
	bad "the browser was started" "$(head -c 300 "$T_ERR")"
fi
[ "$T_RC" -ne 0 ] && ! grep -q '^POST /token' "$W/idp.log" && ok "  a login nobody completed: fails, nothing exchanged" ||
	bad "  uncompleted login" "exit $T_RC"
blogin 2
[ "$(cat "$W/env.json.gets" 2>/dev/null)" = "600/700+state 600/700+state" ] &&
	ok "the start page, read twice: 0600 in a 0700 directory, leading to the state both times" ||
	bad "start page" "$(cat "$W/env.json.gets" 2>/dev/null)"
[ "$T_RC" -ne 0 ] && grep -qi 'deadline' "$T_ERR" && ok "  the login nobody completed ends at its deadline, naming it" ||
	bad "  the login ends" "exit $T_RC: $(head -c 300 "$T_ERR")"
! grep -q '^POST /token' "$W/idp.log" && ok "  nothing exchanged" || bad "  nothing exchanged" "$(cat "$W/idp.log")"

# ---- a TUF repository's Retry-After, with --timeout 0 (no deadline) ----
# Found by this review: the TUF client set no cap, so a 429 with a
# Retry-After in the year 9999 put `trust update --timeout 0` to sleep for
# ever. Every request's Retry-After is now capped by the HTTP engine.
TP=$(free_port)
cat >"$W/tuf429.py" <<'PY'
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_GET(self):
        self.send_response(429)
        self.send_header("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT")
        self.send_header("Content-Length", "0")
        self.end_headers()
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
python3 "$W/tuf429.py" "$TP" </dev/null >/dev/null 2>&1 &
t_cleanup "kill $!"
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$TP/" && break; sleep 0.1; done
T_RC=0
timeout 40 "$AE" trust update --tuf-url "http://127.0.0.1:$TP" \
	--tuf-root "$(dirname "$0")/../fuzz/corpus/tuf_metadata/1.root.json" \
	--cache "$W/tufc" --timeout 0 >"$T_OUT" 2>"$T_ERR" || T_RC=$?
[ "$T_RC" = 3 ] && ok "a TUF 429 with Retry-After in the year 9999 and --timeout 0: exit 3 at once, never asleep" ||
	bad "TUF Retry-After year 9999, --timeout 0" "exit $T_RC (124: still asleep after 40 s): $(head -c 200 "$T_ERR")"

t_end
