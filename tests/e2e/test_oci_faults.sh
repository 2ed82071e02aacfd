#!/usr/bin/env bash
# tests/e2e/test_oci_faults.sh -- the OCI client through a fault-injecting
# proxy (tests/e2e/faultproxy.py) in front of a loopback docker-registry:
# 503 then success → pushed; 429 + Retry-After → waits; connection reset
# mid-upload → new session, pushed; corrupted download → rejected, cache
# untouched; cut download → retried; persistent 503 → exit 3.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry.sh"
. "$(dirname "$0")/fault_proxy.sh"
t_begin

W=$T_WORK
reg_up "$W/reg"
proxy_up "$REG_HOST"

faults() { curl -s "http://$P/_fault/stats" | jq "[.log[] | select(.[3] == \"$1\")] | length"; }
requests() { curl -s "http://$P/_fault/stats" | jq "[.log[] | select(.[0] == \"$1\" and (.[1] | contains(\"$2\")))] | length"; }

mkbundle() { # OUT SIZE
	mkdir -p "$1/summary-bundle"
	printf 'kind: RecipeResult\n' >"$1/summary-bundle/recipe.yaml"
	head -c "$2" /dev/urandom >"$1/summary-bundle/bom.cdx.json"
	printf '{"mediaType":"x","n":"%s"}\n' "$1" >"$1/summary-bundle/attestation.intoto.jsonl"
}

# 503 on the layer PUT, once → retried from a new session, pushed
mkbundle "$W/a" 200000
rules '[{"method":"PUT","path":"/blobs/uploads/","action":"status","status":503,"skip":1,"times":1}]'
run push "$W/a" --to "$P/ev/a:v1" --registry-plain-http --format json
expect_rc 0 "a 503 on an upload is retried and the push succeeds"
[ "$(faults status)" = 1 ] && ok "the 503 was injected" || bad "503 injected"
[ "$(requests POST /blobs/uploads/)" -ge 3 ] && ok "the upload restarted with a new POST" || bad "new session after 503"
DA=$(jq -r .digest "$T_OUT")

# 429 + Retry-After: 2 on the manifest PUT → waits, then succeeds
mkbundle "$W/b" 1000
rules '[{"method":"PUT","path":"/manifests/v1","action":"status","status":429,"retry_after":"2"}]'
start=$(date +%s.%N)
run push "$W/b" --to "$P/ev/b:v1" --registry-plain-http
end=$(date +%s.%N)
expect_rc 0 "a 429 with Retry-After is retried"
awk -v s="$start" -v e="$end" 'BEGIN{exit !(e - s >= 2.0)}' &&
	ok "the client waited Retry-After (2 s)" || bad "Retry-After honoured" "took $(awk -v s="$start" -v e="$end" 'BEGIN{print e-s}') s"

# Retry-After as an HTTP date (RFC 9110 §10.2.3): the one engine reads it as
# libcurl does, for the registry as for the signer; before, the registry
# client read seconds only and retried a date after its 250 ms backoff
mkbundle "$W/b2" 1000
when=$(date -u -d '+6 seconds' '+%a, %d %b %Y %H:%M:%S GMT')
rules "[{\"method\":\"PUT\",\"path\":\"/manifests/v1\",\"action\":\"status\",\"status\":429,\"retry_after\":\"$when\"}]"
start=$(date +%s.%N)
run push "$W/b2" --to "$P/ev/b2:v1" --registry-plain-http
end=$(date +%s.%N)
expect_rc 0 "a 429 with a Retry-After date is retried"
awk -v s="$start" -v e="$end" 'BEGIN{exit !(e - s >= 4.5)}' &&
	ok "the client waited for the Retry-After date" || bad "Retry-After date honoured" "took $(awk -v s="$start" -v e="$end" 'BEGIN{print e-s}') s"

# connection reset in the middle of the layer upload → new session
mkbundle "$W/c" 3000000
rules '[{"method":"PUT","path":"/blobs/uploads/","action":"reset","skip":1,"times":1}]'
run push "$W/c" --to "$P/ev/c:v1" --registry-plain-http --format json
expect_rc 0 "a reset mid-upload restarts the upload and pushes"
[ "$(faults reset)" = 1 ] && ok "the reset was injected" || bad "reset injected"
DC=$(jq -r .digest "$T_OUT")
if skopeo inspect --tls-verify=false --raw "docker://$REG_HOST/ev/c@$DC" >/dev/null 2>&1; then
	ok "the artifact is complete in the registry"
else
	bad "artifact complete after reset"
fi

# a blob over the chunk threshold (32 MiB) goes up in PATCHes; a reset on
# the second PATCH restarts the whole upload from a new session
mkbundle "$W/e" $((40 * 1024 * 1024))
rules '[{"method":"PATCH","path":"/blobs/uploads/","action":"reset","skip":1,"times":1}]'
run push "$W/e" --to "$P/ev/e:v1" --registry-plain-http --format json
expect_rc 0 "a reset between chunks restarts the chunked upload and pushes"
[ "$(requests PATCH /blobs/uploads/)" -ge 4 ] && ok "the large blob went up in PATCH chunks, twice" ||
	bad "chunked upload" "$(requests PATCH /blobs/uploads/) PATCHes"
DE=$(jq -r .digest "$T_OUT")
run pull "$REG_HOST/ev/e@$DE" --to "$W/pe" --cache "$W/cache3" --registry-plain-http
expect_rc 0 "the chunked artifact pulls back"
cmp -s "$W/pe/bom.cdx.json" "$W/e/summary-bundle/bom.cdx.json" && ok "its 40 MiB file is intact" || bad "chunked content"

# the same bundle again under the same tag: the tag names a layer of this
# size, so push hashes first and HEAD finds the layer: no upload at all
rules '[]'
np=$(requests PATCH /blobs/uploads/)
nu=$(requests POST /blobs/uploads/)
run push "$W/e" --to "$P/ev/e:v1" --registry-plain-http --format json
expect_rc 0 "a re-push under the same tag succeeds"
[ "$(jq -r .digest "$T_OUT")" = "$DE" ] && ok "the re-push names the same digest" || bad "re-push digest"
[ "$(requests PATCH /blobs/uploads/)" = "$np" ] && [ "$(requests POST /blobs/uploads/)" = "$nu" ] &&
	ok "a re-push uploads nothing (HEAD skips the present layer)" ||
	bad "re-push upload skipped" "$(($(requests POST /blobs/uploads/) - nu)) sessions"
# same size, other bytes, same tag: hashed first, then uploaded under the
# new digest (the hint is only a hint)
printf 'X' | dd of="$W/e/summary-bundle/bom.cdx.json" bs=1 seek=1000 conv=notrunc 2>/dev/null
run push "$W/e" --to "$P/ev/e:v1" --registry-plain-http --format json
expect_rc 0 "a changed bundle of the same size pushes under the same tag"
DE2=$(jq -r .digest "$T_OUT")
[ -n "$DE2" ] && [ "$DE2" != "$DE" ] && ok "it gets a new digest" || bad "changed bundle digest" "$DE2"
[ "$(requests POST /blobs/uploads/)" -gt "$nu" ] && ok "its layer is uploaded" || bad "changed layer uploaded"
run pull "$REG_HOST/ev/e@$DE2" --to "$W/pe2" --cache "$W/cache4" --registry-plain-http
expect_rc 0 "the changed artifact pulls back"
cmp -s "$W/pe2/bom.cdx.json" "$W/e/summary-bundle/bom.cdx.json" && ok "with the changed bytes" || bad "changed content"

# corrupted blob download → rejected, nothing cached, exit 2
rules '[{"method":"GET","path":"/blobs/sha256:","action":"corrupt","skip":1,"times":1}]'
run pull "$P/ev/a@$DA" --to "$W/pa" --cache "$W/cache" --registry-plain-http
expect_rc 2 "a corrupted download is rejected"
expect_err "rejected, not cached" "the message says the bytes were rejected"
[ ! -e "$W/pa" ] && ok "no destination is left behind" || bad "destination after corrupt"
n=$(find "$W/cache/blobs/sha256" -type f | while read -r f; do
	[ "$(sha256sum "$f" | cut -c1-64)" = "$(basename "$f")" ] || echo "$f"; done | wc -l)
[ "$n" = 0 ] && ok "the cache holds only verified blobs" || bad "cache after corrupt" "$n bad files"
[ -z "$(find "$W/cache" -name '*.tmp-*')" ] && ok "no temp files stay in the cache" || bad "temp files in cache"

# a download cut in the middle → retried, pulled
rules '[{"method":"GET","path":"/blobs/sha256:","action":"cut","skip":1,"times":1}]'
run pull "$P/ev/a@$DA" --to "$W/pa" --cache "$W/cache2" --registry-plain-http
expect_rc 0 "a cut download is retried"

# a 429 or 503 whose error body is longer than the blob it answers for
# (every artifact's config blob is the 2-byte "{}"): the status is what
# counts -- retried, pulled -- never "larger than its declared size", exit 2
# (a review's finding: the size cap was applied to the error body first)
CFG=sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a
for st in 429 503; do
	rules "[{\"method\":\"GET\",\"path\":\"/blobs/$CFG\",\"action\":\"status\",\"status\":$st,\"retry_after\":\"1\"}]"
	run pull "$P/ev/a@$DA" --to "$W/pc$st" --cache "$W/cache-c$st" --registry-plain-http
	expect_rc 0 "a $st with a body on the 2-byte config blob is retried and the pull succeeds"
	grep -q 'declared size' "$T_ERR" && bad "a $st on the config blob read as an oversized blob" || ok "a $st on the config blob is not called an oversized blob"
done

# the registry answers 503 forever → exit 3, no pointer/output
rules '[{"method":"HEAD","action":"status","status":503,"times":1000},{"method":"GET","action":"status","status":503,"times":1000}]'
run push "$W/b" --to "$P/ev/d:v1" --registry-plain-http
expect_rc 3 "a registry that keeps failing exits 3"
expect_err "after [0-9]+ attempts" "the message gives the attempt count"
expect_err "transient" "the message says it is transient"
# emit --push through the same failing registry: exit 3 too, no pointer
EX=$(cd "$(dirname "$0")/../../recipes/examples" && pwd)
run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" \
	-o "$W/emitted" --push "$P/ev/emitted" --registry-plain-http
expect_rc 3 "emit --push against a registry that keeps failing exits 3"
[ ! -e "$W/emitted/pointer.yaml" ] && ok "emit --push leaves no pointer when the push fails" || bad "no pointer after a failed push"
rules '[]'

t_end
