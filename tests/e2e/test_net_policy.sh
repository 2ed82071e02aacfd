#!/usr/bin/env bash
# tests/e2e/test_net_policy.sh -- the one URL policy of the registry client
# and the signer (evidence/core/http.c), against hostile servers of our own
# (tests/e2e/faultproxy.py in front of a real docker-registry, and --sink
# listeners that log whether a credential reached them):
#
#   issue 23 item 2 / issue 25 item 1: userinfo that hides the real host in
#     a token realm, a Fulcio URL and ACTIONS_ID_TOKEN_REQUEST_URL; a plain
#     http realm for an https registry; http_proxy for loopback traffic
#   issue 23 item 7: redirects to another host, https -> http, a redirect
#     loop, credentials never forwarded, a same-origin redirect still works
#   issue 20 items 2, 3: DNS failure, refused and reset connections are
#     transient (exit 3, host named) in pull, verify, check, ledger; TLS
#     spoken to a plain registry and an untrusted certificate say what to do
#
# 127.0.0.2 plays "another host": the policy's loopback is exactly
# 127.0.0.1, localhost and ::1. Every case failed on the binary before
# the policy (run with AE_BIN=/work/baseline-bin/aicr-evidence to see).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry.sh"
. "$(dirname "$0")/check_fixture.sh"
t_begin

W=$T_WORK
HERE=$(cd "$(dirname "$0")" && pwd)
free_port_on() { python3 -c 'import socket,sys; s=socket.socket(); s.bind((sys.argv[1],0)); print(s.getsockname()[1]); s.close()' "$1"; }
# proxy NAME BIND ARGS...: starts faultproxy.py, sets ${NAME}=host:port
proxy() {
	local name=$1 bind=$2 port
	shift 2
	port=$(free_port_on "$bind")
	setsid python3 "$HERE/faultproxy.py" --port "$port" --bind "$bind" "$@" \
		</dev/null >"$W/$name.log" 2>&1 &
	t_cleanup "kill $!"
	printf -v "$name" '%s:%s' "$bind" "$port"
	for _ in $(seq 1 50); do
		curl -sk -o /dev/null "http://$bind:$port/_fault/stats" && return 0
		curl -sk -o /dev/null "https://$bind:$port/_fault/stats" && return 0
		sleep 0.1
	done
}
ctl() { # HOST[:PORT] [rules JSON]: sets rules (clears the log) or reads the log
	local scheme=http
	[ "$1" = "$PT" ] && scheme=https
	if [ $# -gt 1 ]; then
		curl -sk -X POST --data-binary "$2" "$scheme://$1/_fault/rules" >/dev/null
	else
		curl -sk "$scheme://$1/_fault/stats"
	fi
}
hits() { ctl "$1" | jq '.log | length'; }              # requests logged
auths() { ctl "$1" | jq '[.log[] | select(.[3] == "auth")] | length'; }
path_hits() { ctl "$1" | jq --arg p "$2" '[.log[] | select(.[1] | contains($p))] | length'; }
creds() { printf '%s\n' "$REG_PASS" | ae "$@" --registry-username "$REG_USER" --registry-password-stdin >"$T_OUT" 2>"$T_ERR"; T_RC=$?; }

mkdir -p "$W/b/summary-bundle"
printf 'kind: RecipeResult\n' >"$W/b/summary-bundle/recipe.yaml"
head -c 3000 /dev/urandom >"$W/b/summary-bundle/data.bin"

reg_up "$W/anon"
ANON=$REG_HOST
reg_up "$W/basic" --auth
BASIC=$REG_HOST
reg_make_tls "$W/pt" || bad "TLS material"
CA=$W/pt/tls/ca.crt

proxy P1 127.0.0.1 --upstream "$ANON"
proxy P2 127.0.0.1 --upstream "$BASIC"
proxy PT 127.0.0.1 --upstream "$ANON" --tls "$W/pt/tls/server.crt" "$W/pt/tls/server.key"
proxy S1 127.0.0.1 --sink
proxy S2 127.0.0.2 --sink

run push "$W/b" --to "$ANON/ev/a:v1" --registry-plain-http --format json
expect_rc 0 "the bundle is pushed to the anonymous registry"
D=$(jq -r .digest "$T_OUT")
creds push "$W/b" --to "$BASIC/ev/a:v1" --registry-plain-http --format json
expect_rc 0 "and to the basic-auth registry"
BLOB=$(curl -s -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
	"http://$ANON/v2/ev/a/manifests/$D" | jq -r '.layers[0].digest')

# ---- token realms (issue 23 item 2) ----
challenge() { # REALM: the next manifest GETs answer 401 with this realm
	jq -cn --arg r "$1" '[{"method":"GET","path":"/manifests/","action":"respond","status":401,
		"headers":{"WWW-Authenticate":("Bearer realm=\"" + $r + "\",service=\"x\"")},"times":100}]'
}
for realm in "http://localhost:1@127.0.0.2:${S2#*:}/token" "http://[::1]:x@127.0.0.2:${S2#*:}/token" \
	"http://127.0.0.1:80@127.0.0.2:${S2#*:}/token" "http://127.0.0.2:${S2#*:}/token"; do
	ctl "$P1" "$(challenge "$realm")"
	ctl "$S2" '[]'
	creds pull "$P1/ev/a@$D" --to "$W/p-realm" --cache "$W/c-realm" --registry-plain-http
	expect_rc 2 "a realm hiding 127.0.0.2 behind userinfo is refused: $realm"
	[ "$(hits "$S2")" = 0 ] && ok "  the credentials never reach 127.0.0.2" ||
		bad "  the credentials never reach 127.0.0.2" "$(auths "$S2") requests with Authorization"
	rm -rf "$W/p-realm"
done
expect_err "token realm" "the refusal names the token realm"

# the same with credentials from a docker config.json
mkdir -p "$W/dc"
printf '{"auths":{"%s":{"auth":"%s"}}}' "$P1" "$(printf '%s:%s' "$REG_USER" "$REG_PASS" | base64 -w0)" >"$W/dc/config.json"
ctl "$P1" "$(challenge "http://localhost:1@127.0.0.2:${S2#*:}/token")"
ctl "$S2" '[]'
run pull "$P1/ev/a@$D" --to "$W/p-dc" --cache "$W/c-dc" --registry-plain-http --docker-config "$W/dc/config.json"
expect_rc 2 "config.json credentials are not sent to a userinfo realm either"
[ "$(hits "$S2")" = 0 ] && ok "  nothing reached 127.0.0.2" || bad "  nothing reached 127.0.0.2"

# an https registry whose realm is plain http on loopback: no credentials
ctl "$PT" "$(challenge "http://$S1/token")"
ctl "$S1" '[]'
creds pull "$PT/ev/a@$D" --to "$W/p-tls" --cache "$W/c-tls" --registry-ca "$CA"
expect_rc 2 "credentials for an https registry never go to a plain-http realm"
expect_err "never go over plain http" "the refusal says why"
[ "$(auths "$S1")" = 0 ] && ok "  the plain-http realm saw no credentials" || bad "  the plain-http realm saw no credentials"
# anonymous, the same realm may be asked: no secret travels
ctl "$PT" "$(challenge "http://$S1/token" | jq -c '.[0].times = 1')"
ctl "$S1" '[]'
run pull "$PT/ev/a@$D" --to "$W/p-tls2" --cache "$W/c-tls2" --registry-ca "$CA"
expect_rc 0 "an anonymous token from a loopback plain-http realm is still fetched"
[ "$(hits "$S1")" -ge 1 ] && [ "$(auths "$S1")" = 0 ] && ok "  without credentials" || bad "  without credentials" "$(ctl "$S1")"

# ---- redirects (issue 23 item 7) ----
ctl "$P1" "[{\"method\":\"GET\",\"path\":\"/blobs/$BLOB\",\"action\":\"respond\",\"status\":307,\"headers\":{\"Location\":\"http://$S2/blob\"},\"times\":100}]"
ctl "$S2" '[]'
run pull "$P1/ev/a@$D" --to "$W/p-r1" --cache "$W/c-r1" --registry-plain-http
expect_rc 2 "a redirect to plain http on another host is refused"
expect_err "redirect target" "the refusal names the redirect target"
[ "$(hits "$S2")" = 0 ] && ok "  127.0.0.2 got no request" || bad "  127.0.0.2 got no request"

ctl "$PT" "[{\"method\":\"GET\",\"path\":\"/blobs/$BLOB\",\"action\":\"respond\",\"status\":307,\"headers\":{\"Location\":\"http://$S1/blob\"},\"times\":100}]"
ctl "$S1" '[]'
run pull "$PT/ev/a@$D" --to "$W/p-r2" --cache "$W/c-r2" --registry-ca "$CA"
expect_rc 2 "an https registry's redirect to plain http is refused, loopback or not"
[ "$(hits "$S1")" = 0 ] && ok "  the plain-http target got no request" || bad "  the plain-http target got no request"

ctl "$P1" "[{\"method\":\"GET\",\"path\":\"/blobs/\",\"action\":\"respond\",\"status\":307,\"headers\":{\"Location\":\"http://\$HOST/v2/ev/a/blobs/sha256:loop\"},\"times\":100000}]"
start=$(date +%s)
run pull "$P1/ev/a@$D" --to "$W/p-loop" --cache "$W/c-loop" --registry-plain-http
expect_rc 2 "a redirect loop ends"
expect_err "more than 5 redirects" "after the hop limit, which the message gives"
n=$(path_hits "$P1" "sha256:loop")
[ "$n" -le 5 ] && ok "  at most 5 hops were followed" || bad "  at most 5 hops were followed" "$n"
[ $(($(date +%s) - start)) -lt 10 ] && ok "  quickly" || bad "  quickly"

# credentials stay with the registry: a redirect to another origin
# (another port of loopback) gets none, a same-origin one keeps them
ctl "$P2" "[{\"method\":\"GET\",\"path\":\"/blobs/$BLOB\",\"action\":\"respond\",\"status\":307,\"headers\":{\"Location\":\"http://$S1/elsewhere\"},\"times\":100}]"
ctl "$S1" '[]'
creds pull "$P2/ev/a@$D" --to "$W/p-r3" --cache "$W/c-r3" --registry-plain-http
[ "$(hits "$S1")" -ge 1 ] && [ "$(auths "$S1")" = 0 ] && ok "a cross-origin redirect is followed without credentials" ||
	bad "a cross-origin redirect is followed without credentials" "$(ctl "$S1")"
expect_rc 2 "  and what it serves is judged by its digest"
ctl "$P2" "[{\"method\":\"GET\",\"path\":\"/blobs/$BLOB\",\"action\":\"respond\",\"status\":307,\"headers\":{\"Location\":\"http://\$HOST/v2/ev/a/blobs/$BLOB?moved=1\"},\"times\":1}]"
creds pull "$P2/ev/a@$D" --to "$W/p-r4" --cache "$W/c-r4" --registry-plain-http
expect_rc 0 "a same-origin redirect keeps the credentials the registry needs"

# ---- proxies: loopback never goes through one ----
ctl "$P1" '[]'
ctl "$PT" '[]'
ctl "$S2" '[]'
http_proxy=http://$S2 HTTP_PROXY=http://$S2 https_proxy=http://$S2 ALL_PROXY=http://$S2 \
	run pull "$P1/ev/a@$D" --to "$W/p-px" --cache "$W/c-px" --registry-plain-http
expect_rc 0 "a loopback plain-http pull ignores http_proxy"
https_proxy=http://$S2 HTTPS_PROXY=http://$S2 ALL_PROXY=http://$S2 \
	run pull "$PT/ev/a@$D" --to "$W/p-px2" --cache "$W/c-px2" --registry-ca "$CA"
expect_rc 0 "a loopback https pull ignores https_proxy"
[ "$(hits "$S2")" = 0 ] && ok "  the proxy saw nothing" || bad "  the proxy saw nothing" "$(ctl "$S2")"

# ---- the signer (issue 25 item 1) ----
now=$(date +%s)
b64u() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
TOK="$(printf '{"alg":"none","typ":"JWT"}' | b64u).$(printf '{"iss":"https://accounts.example.test","sub":"u-1","email":"a@example.test","aud":"sigstore","exp":%d}' $((now + 600)) | b64u)."
echo "evidence $RANDOM" >"$W/a.txt"
for u in "http://localhost:1@127.0.0.2:${S2#*:}/" "http://[::1]:x@127.0.0.2:${S2#*:}/"; do
	ctl "$S2" '[]'
	run sigstore sign-bundle --bundle "$W/f.json" --identity-token "$TOK" --fulcio-url "$u" \
		--rekor-url http://127.0.0.1:1 "$W/a.txt"
	expect_rc 2 "a Fulcio URL hiding 127.0.0.2 behind userinfo is refused: $u"
	[ "$(hits "$S2")" = 0 ] && ok "  the identity token never reaches 127.0.0.2" ||
		bad "  the identity token never reaches 127.0.0.2" "$(ctl "$S2")"
done
ctl "$S2" '[]'
ACTIONS_ID_TOKEN_REQUEST_URL="http://localhost:x@127.0.0.2:${S2#*:}/tok" ACTIONS_ID_TOKEN_REQUEST_TOKEN=request-secret \
	run sigstore sign-bundle --bundle "$W/f.json" --fulcio-url http://127.0.0.1:1 --rekor-url http://127.0.0.1:1 "$W/a.txt"
expect_rc 2 "an Actions token URL hiding 127.0.0.2 behind userinfo is refused"
[ "$(hits "$S2")" = 0 ] && ok "  the request token never reaches 127.0.0.2" || bad "  the request token never reaches 127.0.0.2" "$(ctl "$S2")"
ctl "$S2" '[]'
ctl "$S1" '[]'
http_proxy=http://$S2 HTTP_PROXY=http://$S2 ALL_PROXY=http://$S2 \
	run sigstore sign-bundle --bundle "$W/f.json" --identity-token "$TOK" --fulcio-url "http://$S1/" \
	--rekor-url http://127.0.0.1:1 "$W/a.txt"
[ "$(hits "$S2")" = 0 ] && ok "the signer's loopback plain-http requests ignore http_proxy" ||
	bad "the signer's loopback plain-http requests ignore http_proxy" "$(ctl "$S2")"
[ "$(hits "$S1")" -ge 1 ] && ok "  and go straight to the service" || bad "  and go straight to the service"

# ---- connection faults are transient, the host named (issue 20 item 2) ----
run pull "nosuchhost.invalid/ev/a@$D" --to "$W/p-dns" --cache "$W/c-dns"
expect_rc 3 "pull: an unresolvable registry is transient (exit 3)"
expect_err "resolve.*nosuchhost\.invalid" "  the message names the host"
run verify "nosuchhost.invalid/ev/a@$D" --cache "$W/c-dns"
expect_rc 3 "verify: an unresolvable registry is no verdict (exit 3)"
expect_err "nosuchhost\.invalid" "  the message names the host"
R=$(lf_repo dns)
git -C "$R" checkout -q -b pr
rel=$(lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$(lf_hex dns-1)")
sed -i "s|oci: .*|oci: nosuchhost.invalid/acme/ev:t1|" "$R/$rel"
lf_commit "$R" "a pointer to an unresolvable registry"
run check --repo "$R" --base main --verify-signatures --cache "$W/c-dns"
expect_rc 3 "check --verify-signatures: an unresolvable registry is transient (exit 3)"
grep -q "nosuchhost.invalid" "$T_OUT" "$T_ERR" && ok "  the host is named" || bad "  the host is named"
run ledger --root "$R/$EV" --verify --cache "$W/c-dns"
expect_rc 3 "ledger --verify: an unresolvable registry is transient (exit 3)"

CLOSED=127.0.0.1:$(free_port)
run pull "$CLOSED/ev/a@$D" --to "$W/p-ref" --cache "$W/c-ref" --registry-plain-http
expect_rc 3 "a refused connection is transient (exit 3)"
expect_err "$CLOSED" "  the message names the host"
ctl "$P1" '[{"method":"GET","action":"reset","times":1000}]'
run pull "$P1/ev/a@$D" --to "$W/p-rst" --cache "$W/c-rst" --registry-plain-http
expect_rc 3 "a connection reset on every try is transient (exit 3)"
ctl "$P1" '[]'

# ---- TLS mistakes say what to do (issue 20 item 3) ----
run pull "$ANON/ev/a@$D" --to "$W/p-tp" --cache "$W/c-tp"
expect_rc 2 "TLS spoken to a plain-HTTP registry fails"
expect_err "answered plain HTTP: use --registry-plain-http \(loopback only\) or fix its TLS" "  and says which flag fixes it"
run pull "$PT/ev/a@$D" --to "$W/p-ca" --cache "$W/c-ca"
expect_rc 2 "an untrusted certificate fails"
expect_err "not trusted.*--registry-ca-file" "  and names --registry-ca-file"
run pull "$PT/ev/a@$D" --to "$W/p-ca2" --cache "$W/c-ca2" --registry-ca-file "$CA"
expect_rc 0 "--registry-ca-file trusts the registry's CA"

t_end
