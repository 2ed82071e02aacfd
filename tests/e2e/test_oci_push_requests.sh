#!/usr/bin/env bash
# tests/e2e/test_oci_push_requests.sh -- what a push costs in round trips
# (issue 23: push must stay as fast as before the round). Every request a
# push makes is logged by the pass-through proxy (tests/e2e/faultproxy.py,
# no fault set) in front of a loopback docker-registry, and the sequence is
# held exactly, so an added request (a second HEAD, a ping, a token fetch
# nobody asked for) or a request lost (the HEAD that skips a present blob)
# fails here instead of showing up as noise in tests/bench/push.sh:
#
#   small bundle, new repository   HEAD POST PUT (config) HEAD POST PUT
#                                  (layer) PUT (manifest)
#   the same again                 HEAD HEAD (both present) PUT
#   streamed layer (> 1 MiB), new  HEAD POST PUT (config) HEAD (the tag)
#                                  POST PATCH PUT digest= (layer) PUT
#   the same again                 HEAD (config), HEAD the tag, GET its
#                                  manifest (our layer size: hash first),
#                                  HEAD (layer) PUT
#   the same under a new tag       HEAD (config), HEAD the tag, POST PATCH PUT
#                                  (docs/oci.md: a new tag re-uploads), PUT
#
# and, where strace is installed, every push makes one TCP connection (the
# requests share it).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry.sh"
. "$(dirname "$0")/fault_proxy.sh"
t_begin

W=$T_WORK
need_tools jq
reg_up "$W/reg"
proxy_up "$REG_HOST"

# the proxy's log as "METHOD KIND STATUS" lines: KIND names what the path
# addresses (blob, upload, manifest) so digests and session ids drop out
seen() {
	curl -s "http://$P/_fault/stats" | jq -r '.log[] | "\(.[0]) \(.[1] |
		if test("/blobs/uploads/$") then "uploads"
		elif test("/blobs/uploads/[^?]+[?].*digest=sha256:") then "upload+digest"
		elif test("/blobs/uploads/") then "upload"
		elif test("/blobs/sha256:") then "blob"
		elif test("/manifests/") then "manifest"
		else . end) \(.[2])"'
}

mkbundle() { # OUT SIZE
	mkdir -p "$1/summary-bundle"
	printf 'kind: RecipeResult\n' >"$1/summary-bundle/recipe.yaml"
	head -c "$2" /dev/urandom >"$1/summary-bundle/bom.cdx.json"
}

# one push through the proxy: checks its requests (the lines it added to the
# log) against WANT, and its TCP connections when strace is there
push_is() { # WHAT WANT ARGS...
	local what=$1 want=$2 before got n
	shift 2
	before=$(seen | wc -l)
	if [ -n "$STRACE" ]; then
		# LeakSanitizer cannot run under ptrace (make asan): leaks are
		# the other push tests' to find, this run counts connections
		ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
			AE_WRAP="strace -f -e trace=connect -o $W/connect.txt ${AE_WRAP:-}" \
			run push "$@" --registry-plain-http
	else
		run push "$@" --registry-plain-http
	fi
	expect_rc 0 "$what: pushed"
	got=$(seen | tail -n +$((before + 1)))
	[ "$got" = "$want" ] && ok "$what: $(printf '%s\n' "$got" | wc -l) requests, as expected" ||
		bad "$what: requests" "$(printf 'want:\n%s\ngot:\n%s' "$want" "$got")"
	if [ -n "$STRACE" ]; then
		n=$(grep -c "htons($PP)" "$W/connect.txt")
		[ "$n" = 1 ] && ok "$what: one TCP connection" || bad "$what: connections" "$n"
	fi
}
STRACE=
if command -v strace >/dev/null && strace -f -e trace=connect -o /dev/null true 2>/dev/null; then
	STRACE=strace
else
	echo "# strace missing or not permitted: connection reuse not checked"
fi

mkbundle "$W/small" 10240
push_is "a small bundle to a new repository" "HEAD blob 404
POST uploads 202
PUT upload+digest 201
HEAD blob 404
POST uploads 202
PUT upload+digest 201
PUT manifest 201" "$W/small" --to "$P/req/small:v1"
push_is "the same small bundle again" "HEAD blob 200
HEAD blob 200
PUT manifest 201" "$W/small" --to "$P/req/small:v1"

mkbundle "$W/big" $((2 * 1024 * 1024))
push_is "a streamed layer to a new repository" "HEAD blob 404
POST uploads 202
PUT upload+digest 201
HEAD manifest 404
POST uploads 202
PATCH upload 202
PUT upload+digest 201
PUT manifest 201" "$W/big" --to "$P/req/big:v1"
push_is "the same streamed layer again" "HEAD blob 200
HEAD manifest 200
GET manifest 200
HEAD blob 200
PUT manifest 201" "$W/big" --to "$P/req/big:v1"
push_is "the same streamed layer under a new tag" "HEAD blob 200
HEAD manifest 404
POST uploads 202
PATCH upload 202
PUT upload+digest 201
PUT manifest 201" "$W/big" --to "$P/req/big:v2"

t_end
