#!/usr/bin/env bash
# tests/interop/test_oci_faultproxy.sh -- push, pull, emit --push and verify
# through the shared fault-injecting proxy (../shared/tools/faultproxy.py,
# not the project's own tests/e2e/faultproxy.py) in front of a loopback
# docker-registry (issue 6 "Done when": 503 then success → pushed; 429 with
# Retry-After → waits; connection reset and a cut mid-upload → new session,
# pushed; corrupted download → rejected, cache untouched; registry failing
# → exit 3; no partial pointer in any case).
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../e2e/registry.sh"
t_begin

FP=${SHARED:-}/tools/faultproxy.py
if [ ! -f "$FP" ]; then
	echo "test_oci_faultproxy: SKIPPED -- ${SHARED:-../shared}/tools/faultproxy.py is absent"
	t_end
fi
EX=$(cd "$(dirname "$0")/../../recipes/examples" && pwd)
W=$T_WORK
reg_up "$W/reg"
PP=$(free_port)
python3 "$FP" --listen "$PP" --upstream "$REG_HOST" --pidfile "$W/proxy.pid" \
	</dev/null >"$W/proxy.log" 2>&1 &
t_cleanup "kill \$(cat $W/proxy.pid 2>/dev/null) 2>/dev/null"
P=127.0.0.1:$PP
for _ in $(seq 1 50); do curl -s -o /dev/null "http://$P/_fault/stats" && break; sleep 0.1; done

rules() { # JSON: a new rule set, and a fresh log and fault count
	curl -s -X POST --data-binary "$1" "http://$P/_fault/rules" >/dev/null
	curl -s -X POST "http://$P/_fault/reset" >/dev/null
}
faults() { curl -s "http://$P/_fault/stats" | jq '.faults'; }
count() { # METHOD TARGET-SUBSTRING
	curl -s "http://$P/_fault/stats" |
		jq --arg m "$1" --arg t "$2" '[.log[] | select(.[0] == $m and (.[1] | contains($t)))] | length'
}
emit_out() { # OUT [extra args]
	local out=$1
	shift
	run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o "$out" "$@"
}
mkbig() { # OUT BYTES: the emitted bundle with a large bom (push does not judge it)
	cp -r "$W/base" "$1"
	head -c "$2" /dev/urandom >"$1/summary-bundle/bom.cdx.json"
}

emit_out "$W/base"
expect_rc 0 "emit the example bundle"

# 503 twice on the upload → retried, pushed
rules '[{"method":"PUT","path":"/blobs/uploads/","action":"status","status":503,"times":2}]'
run push "$W/base" --to "$P/ev/a:v1" --registry-plain-http --format json
expect_rc 0 "503 twice on the upload, then success: pushed"
[ "$(faults)" = 2 ] && ok "two 503s were injected" || bad "503s injected" "$(faults)"
DA=$(jq -r .digest "$T_OUT")
[ "$(count POST /blobs/uploads/)" -ge 2 ] && ok "the upload restarted from a new session" || bad "new upload session"

# 429 with Retry-After: 2 on the manifest PUT → waits, then pushed
rules '[{"method":"PUT","path":"/manifests/","action":"status","status":429,"retry_after":2}]'
start=$(date +%s.%N)
run push "$W/base" --to "$P/ev/b:v1" --registry-plain-http
end=$(date +%s.%N)
expect_rc 0 "429 with Retry-After is retried"
awk -v s="$start" -v e="$end" 'BEGIN{exit !(e - s >= 2.0)}' &&
	ok "the client waited Retry-After (2 s)" || bad "Retry-After honoured" "took $(awk -v s="$start" -v e="$end" 'BEGIN{print e-s}') s"

# a connection reset right after the upload's request head → new session
mkbig "$W/c" 3000000
rules '[{"method":"PUT","path":"/blobs/uploads/","action":"reset","times":1}]'
run push "$W/c" --to "$P/ev/c:v1" --registry-plain-http --format json
expect_rc 0 "a reset on the upload restarts it and pushes"
DC=$(jq -r .digest "$T_OUT")
# the upload cut after 1 MB of its body → the session is abandoned, a new one pushes
rules '[{"method":"PUT","path":"/blobs/uploads/","action":"cut","bytes":1000000,"times":1}]'
mkbig "$W/d" 3000000
run push "$W/d" --to "$P/ev/d:v1" --registry-plain-http --format json
expect_rc 0 "an upload cut mid-body restarts and pushes"
DD=$(jq -r .digest "$T_OUT")
[ "$(faults)" = 1 ] && ok "the cut was injected" || bad "cut injected" "$(faults)"
run pull "$REG_HOST/ev/d@$DD" --to "$W/pd" --cache "$W/cache-d" --registry-plain-http
expect_rc 0 "the artifact pushed after the cut pulls back directly"
cmp -s "$W/pd/bom.cdx.json" "$W/d/summary-bundle/bom.cdx.json" && ok "its content is intact" || bad "content after cut"

# a corrupted blob download → rejected, nothing cached
rules '[{"method":"GET","path":"/blobs/sha256:","action":"corrupt","bytes":100,"times":1000}]'
run pull "$P/ev/c@$DC" --to "$W/pc" --cache "$W/cache" --registry-plain-http
expect_rc 2 "a corrupted download is rejected"
[ ! -e "$W/pc" ] && ok "no destination is left behind" || bad "destination after corrupt"
n=$(find "$W/cache/blobs/sha256" -type f 2>/dev/null | while read -r f; do
	[ "$(sha256sum "$f" | cut -c1-64)" = "$(basename "$f")" ] || echo "$f"; done | wc -l)
[ "$n" = 0 ] && ok "the cache holds only verified blobs" || bad "cache after corrupt" "$n bad files"
run verify "$P/ev/c@$DC" --cache "$W/cache" --registry-plain-http --format json
expect_rc 2 "verify of a corrupted download: exit 2"
[ "$(jq -r .failureCause.class "$T_OUT")" = integrity ] && ok "verify: class integrity" || bad "verify: class integrity"

# the response cut mid-body → retried, pulled and verified
rules '[{"method":"GET","path":"/blobs/sha256:","action":"resp_cut","bytes":1000,"times":1}]'
run verify "$P/ev/a@$DA" --cache "$W/cache" --registry-plain-http --format json
expect_rc 0 "a download cut mid-body is retried; the unsigned bundle verifies"
[ "$(faults)" = 1 ] && ok "the response cut was injected" || bad "resp_cut injected" "$(faults)"
[ "$(jq -r .pending "$T_OUT")" = true ] && ok "verified as pending (unsigned)" || bad "pending"

# emit --push through a registry that keeps answering 503: exit 3, no pointer
rules '[{"method":"*","path":"/v2/","action":"status","status":503,"times":-1}]'
emit_out "$W/e" --push "$P/ev/e" --registry-plain-http
expect_rc 3 "emit --push against a failing registry exits 3"
expect_err "transient" "the message says it is transient"
[ ! -e "$W/e/pointer.yaml" ] && ok "no pointer after a failed push" || bad "no pointer after a failed push"
run verify "$P/ev/a@$DA" --cache "$W/cache-e" --registry-plain-http --format json
expect_rc 3 "verify against a failing registry exits 3 (no verdict)"
[ "$(jq -r .failureCause.httpStatus "$T_OUT")" = 503 ] && ok "verify reports httpStatus 503" || bad "httpStatus 503"

# 503 once, then emit --push succeeds and writes the pointer last
rules '[{"method":"HEAD","path":"/blobs/","action":"status","status":503,"times":1}]'
emit_out "$W/f" --push "$P/ev/f" --registry-plain-http
expect_rc 0 "emit --push with one 503: pushed"
pd=$(sed -n 's/.*digest: \(sha256:[0-9a-f]*\).*/\1/p' "$W/f/pointer.yaml")
[ -n "$pd" ] && ok "the pointer names the pushed digest" || bad "pointer digest"
rules '[]'
run verify "$W/f/pointer.yaml" --cache "$W/cache-f" --registry-plain-http --format json
expect_rc 0 "the pointer verifies by pulling through the proxy"

t_end
