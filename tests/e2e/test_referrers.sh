#!/usr/bin/env bash
# tests/e2e/test_referrers.sh -- every referrer considered, not the first
# (issue 23 item 5, issue 16 item 8), against the real docker-registry and
# the project's Sigstore stack, with referrers listings forged by a hostile
# proxy of our own (tests/e2e/faultproxy.py `respond`):
#
#   - mallory's valid signature of alice's artifact, put first in the
#     sha256-<hex> index: the pointer's claimed signer (alice) still picks
#     hers in verify, check --verify-signatures, ledger --verify, and pull
#     --expected-*; the report names mallory's as not verifying
#   - junk put first (another artifact type, a Sigstore referrer of another
#     subject, a missing manifest, a bundle that is not JSON): skipped or
#     passed over, each with its reason; the pull does not fail
#   - a listing of 6 MiB (over the old 4 MiB cap) with the signature last
#   - `referrers REF` lists types and digests (tag schema; the referrers
#     API with two pages, forged through the proxy)
#   - --offline finds every candidate from the cache
#
# Against /work/baseline-bin/aicr-evidence the ordering, junk and size
# cases fail (the first referrer won) and `referrers` does not exist.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sigstore_stack.sh"
. "$(dirname "$0")/registry.sh"
. "$(dirname "$0")/fault_proxy.sh"
. "$(dirname "$0")/check_fixture.sh"
t_begin
EX=$(cd "$(dirname "$0")/../../recipes/examples" && pwd)
W=$T_WORK
export SOURCE_DATE_EPOCH=1763650000

stack_up "$W/stack"
reg_up "$W/reg"
R=$REG_HOST
proxy_up "$R"
detail() { jq -r '.steps[]|select(.name=="materialize-bundle")|.detail // ""' "$T_OUT"; }
MT_INDEX=application/vnd.oci.image.index.v1+json
MT_MANIFEST=application/vnd.oci.image.manifest.v1+json
SIG=application/vnd.dev.sigstore.bundle.v0.3+json

emit_push() { # OUT TOKEN
	run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" \
		-o "$1" --sign --push "$R/acme/ev" --registry-plain-http \
		--identity-token "$2" --signing-config "$SC" --trusted-root "$TR" --yes
}
emit_push "$W/alice" "$(stack_token alice@example.test)"
expect_rc 0 "alice signs and pushes"
emit_push "$W/mallory" "$(stack_token mallory@example.test)"
expect_rc 0 "mallory signs the same artifact and pushes her signature"
D=$(sed -n 's/.*digest: \(sha256:[0-9a-f]*\).*/\1/p' "$W/alice/pointer.yaml")
DM=$(sed -n 's/.*digest: \(sha256:[0-9a-f]*\).*/\1/p' "$W/mallory/pointer.yaml")
[ "$D" = "$DM" ] && ok "both sign one artifact ($D)" || bad "one artifact" "$D vs $DM"
IDX_URL="http://$R/v2/acme/ev/manifests/sha256-${D#sha256:}"
IDX=$(curl -s -H "Accept: $MT_INDEX" "$IDX_URL")
[ "$(jq '.manifests|length' <<<"$IDX")" = 2 ] && ok "the sha256-<hex> index lists both" || bad "index lists both" "$IDX"
A_REF=$(jq -r '.manifests[0].digest' <<<"$IDX")
M_REF=$(jq -r '.manifests[1].digest' <<<"$IDX")
put_index() { # JSON: replaces the fallback index
	curl -s -o /dev/null -w '%{http_code}' -X PUT -H "Content-Type: $MT_INDEX" \
		--data-binary "$1" "$IDX_URL" | grep -q 201
}
put_blob() { # FILE -> digest (a session, then one PUT: 2.8 ignores ?digest= on POST)
	local d loc
	d=sha256:$(sha256sum "$1" | cut -c1-64)
	loc=$(curl -s -i -X POST "http://$R/v2/acme/ev/blobs/uploads/" | sed -n 's/^Location: //Ip' | tr -d '\r')
	curl -s -o /dev/null -X PUT --data-binary @"$1" -H 'Content-Type: application/octet-stream' "$loc&digest=$d"
	echo "$d"
}
put_manifest() { # FILE -> digest
	local d
	d=sha256:$(sha256sum "$1" | cut -c1-64)
	curl -s -o /dev/null -X PUT -H "Content-Type: $MT_MANIFEST" --data-binary @"$1" "http://$R/v2/acme/ev/manifests/$d"
	echo "$d"
}
desc() { # DIGEST ARTIFACT_TYPE FILE
	jq -cn --arg d "$1" --arg t "$2" --arg mt "$MT_MANIFEST" --argjson s "$(stat -c %s "$3" 2>/dev/null || echo 100)" \
		'{mediaType:$mt, digest:$d, size:$s, artifactType:$t}'
}

# ---- mallory's signature first: the claimed signer picks ----
put_index "$(jq -c '.manifests |= reverse' <<<"$IDX")" && ok "mallory's signature is put first" || bad "index reordered"
CA=$W/cache-a
run verify "$W/alice/pointer.yaml" --registry-plain-http --cache "$CA" --trusted-root "$TR" --format json
expect_rc 0 "verify POINTER: alice's claim picks her signature though mallory's is first"
[ "$(jq -r .signer.identity "$T_OUT")" = alice@example.test ] && ok "  the verified signer is alice" || bad "  the verified signer is alice" "$(jq -c .signer "$T_OUT")"
case "$(detail)" in *"signature referrer $A_REF"*"does not verify for the expected signer"*) ok "  the detail names the chosen one and mallory's" ;;
*) bad "  the detail names the chosen one and mallory's" "$(detail)" ;; esac
run verify "$W/mallory/pointer.yaml" --registry-plain-http --cache "$CA" --trusted-root "$TR" --format json
expect_rc 0 "and mallory's pointer picks hers"
[ "$(jq -r .signer.identity "$T_OUT")" = mallory@example.test ] && ok "  signer mallory" || bad "  signer mallory"
run verify "$R/acme/ev@$D" --registry-plain-http --cache "$CA" --trusted-root "$TR" \
	--expected-issuer https://accounts.example.test --expected-identity-regexp 'alice@example\.test' --format json
expect_rc 0 "verify REF --expected-identity-regexp alice picks alice's"
run pull "$R/acme/ev@$D" --to "$W/p1" --cache "$CA" --registry-plain-http --trusted-root "$TR" \
	--expected-issuer https://accounts.example.test --expected-identity-regexp 'alice@example\.test' --format json
expect_rc 0 "pull --expected-identity-regexp alice"
[ "$(jq -r .referrer "$T_OUT")" = "$A_REF" ] && ok "  writes alice's signature" || bad "  writes alice's signature" "$(cat "$T_OUT")"
[ "$(jq -r --arg m "$M_REF" '.referrers[]|select(.digest==$m)|.state' "$T_OUT")" = signature ] &&
	ok "  and lists mallory's" || bad "  and lists mallory's"
run verify "$W/p1" --trusted-root "$TR" --expected-issuer https://accounts.example.test --expected-identity-regexp 'alice@example\.test'
expect_rc 0 "  the pulled directory verifies for alice"
run pull "$R/acme/ev@$D" --to "$W/p1b" --cache "$CA" --registry-plain-http --format json
expect_rc 0 "pull without expectations"
[ "$(jq -r .referrer "$T_OUT")" = "$M_REF" ] && ok "  takes the first that verifies at all (mallory's is valid)" || bad "  first that verifies"

# the gate and the ledger: a ledger allowing alice of the stack, and a PR
# adding her pointer at its canonical path
SLUG=$(lf_slug https://accounts.example.test alice@example.test)
RP=$W/repo
git init -q -b main "$RP"
git -C "$RP" config user.email t@example.com
git -C "$RP" config user.name test
git -C "$RP" config commit.gpgsign false
mkdir -p "$RP/$EV"
cat >"$RP/$EV/allowlist.yaml" <<EOF
schemaVersion: "1.0.0"
community:
  - label: alice
    issuer: https://accounts.example.test
    source: $SLUG
EOF
lf_commit "$RP" "the allowlist"
git -C "$RP" checkout -q -b pr
rel=$(ae pointer path "$W/alice/pointer.yaml")
mkdir -p "$(dirname "$RP/$rel")"
cp "$W/alice/pointer.yaml" "$RP/$rel"
lf_commit "$RP" "alice's pointer"
run check --repo "$RP" --base main --verify-signatures --registry-plain-http --cache "$CA" --trusted-root "$TR"
expect_rc 0 "check --verify-signatures: alice's pointer passes with mallory's signature first"
run ledger --root "$RP/$EV" --verify --registry-plain-http --cache "$CA" --trusted-root "$TR" --format json
expect_rc 0 "ledger --verify runs"
[ "$(jq '[.. | objects | select(.vote? == "verified")] | length' "$T_OUT" 2>/dev/null)" -ge 1 ] &&
	ok "  alice's vote is verified with mallory's signature first" || bad "  alice's vote is verified" "$(head -c 600 "$T_OUT")"

# ---- junk first: skipped with reasons, the pull goes on ----
echo '{"not":"a bundle"}' >"$W/junk.json"
JB=$(put_blob "$W/junk.json")
printf '{}' >"$W/empty.json"
put_blob "$W/empty.json" >/dev/null
OTHER=sha256:$(printf other | sha256sum | cut -c1-64)
mk_ref() { # SUBJECT LAYER_DIGEST LAYER_SIZE NLAYERS -> file
	jq -cn --arg s "$1" --arg l "$2" --argjson n "$3" --argjson k "$4" --arg mt "$MT_MANIFEST" --arg sig "$SIG" \
		'{schemaVersion:2, mediaType:$mt, artifactType:$sig,
		  config:{mediaType:"application/vnd.oci.empty.v1+json", digest:"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", size:2},
		  layers:[range($k) | {mediaType:$sig, digest:$l, size:$n}],
		  subject:{mediaType:$mt, digest:$s, size:100}}'
}
mk_ref "$OTHER" "$JB" "$(stat -c %s "$W/junk.json")" 1 >"$W/r-other.json"
mk_ref "$D" "$JB" "$(stat -c %s "$W/junk.json")" 1 >"$W/r-junk.json"
mk_ref "$D" "$JB" "$(stat -c %s "$W/junk.json")" 2 >"$W/r-two.json"
R_OTHER=$(put_manifest "$W/r-other.json")
R_JUNK=$(put_manifest "$W/r-junk.json")
R_TWO=$(put_manifest "$W/r-two.json")
MISSING=sha256:$(printf missing | sha256sum | cut -c1-64)
JUNKS=$(jq -cn --argjson a "$(desc "$OTHER" application/spdx+json /dev/null)" \
	--argjson b "$(desc "$R_OTHER" "$SIG" "$W/r-other.json")" \
	--argjson c "$(desc "$MISSING" "$SIG" /dev/null)" \
	--argjson d "$(desc "$R_TWO" "$SIG" "$W/r-two.json")" \
	--argjson e "$(desc "$R_JUNK" "$SIG" "$W/r-junk.json")" '[$a,$b,$c,$d,$e]')
# the registry refuses an index naming manifests it lacks: the proxy
# serves this one (a hostile registry would)
jq -c --argjson j "$JUNKS" --arg d "$D" '[{method:"GET", path:"/manifests/sha256-\($d[7:])", action:"respond",
	status:200, headers:{"Content-Type":"application/vnd.oci.image.index.v1+json"},
	body:(.manifests = $j + (.manifests | reverse) | tojson), times:1000}]' <<<"$IDX" | rules
CJ=$W/cache-j
run verify "$W/alice/pointer.yaml" --bundle "$P/acme/ev" --registry-plain-http --cache "$CJ" --trusted-root "$TR" --format json
expect_rc 0 "verify POINTER with junk first: still alice's signature"
d=$(detail)
for want in "other types" "its subject is another artifact" "not found" "exactly one layer" "does not verify"; do
	case "$d" in *"$want"*) ok "  the detail says: $want" ;; *) bad "  the detail says: $want" "$d" ;; esac
done
run pull "$P/acme/ev@$D" --to "$W/p2" --cache "$CJ" --registry-plain-http --trusted-root "$TR" \
	--expected-issuer https://accounts.example.test --expected-identity-regexp 'alice@example\.test' --format json
expect_rc 0 "pull with junk first does not fail"
[ "$(jq -r .referrer "$T_OUT")" = "$A_REF" ] && ok "  and writes alice's signature" || bad "  and writes alice's signature" "$(cat "$T_OUT")"
[ "$(jq '[.referrers[]|select(.state=="skipped")]|length' "$T_OUT")" = 3 ] && ok "  three skipped, each with a reason" ||
	bad "  three skipped" "$(jq -c '.referrers' "$T_OUT")"
run pull "$P/acme/ev@$D" --to "$W/p2t" --cache "$CJ" --registry-plain-http
expect_out "referrer $R_OTHER skipped: not a signature of this artifact: its subject is another artifact" "  the text report lists why"

# --offline: every candidate is found in the cache
run verify "$W/alice/pointer.yaml" --bundle "$P/acme/ev" --offline --cache "$CJ" --trusted-root "$TR" --format json
expect_rc 0 "--offline: the claimed signer still picks from the cached candidates"
[ "$(jq -r .signer.identity "$T_OUT")" = alice@example.test ] && ok "  alice" || bad "  alice" "$(detail)"
echo '[]' | rules

# ---- a listing over the old 4 MiB cap, the signature last ----
n=$(python3 - "$D" "$A_REF" "$W/huge.json" <<'EOF'
import json, sys
d, a, out = sys.argv[1:4]
mt = "application/vnd.oci.image.manifest.v1+json"
m = [{"mediaType": mt, "digest": "sha256:%064x" % i, "size": 1000 + i,
      "artifactType": "application/vnd.example.sbom+json",
      "annotations": {"pad": "x" * 100}} for i in range(24000)]
m.append({"mediaType": mt, "digest": a, "size": 900,
          "artifactType": "application/vnd.dev.sigstore.bundle.v0.3+json"})
idx = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": m}
body = json.dumps(idx)
rules = [{"method": "GET", "path": "/manifests/sha256-" + d[7:], "action": "respond", "status": 200,
          "headers": {"Content-Type": "application/vnd.oci.image.index.v1+json"}, "body": body, "times": 100}]
open(out, "w").write(json.dumps(rules))
print(len(body))
EOF
)
[ "$n" -gt $((6 * 1024 * 1024)) ] && [ "$n" -lt $((8 * 1024 * 1024)) ] && ok "the forged listing is over 6 MiB (under the 8 MiB read bound)" ||
	bad "huge listing size" "$n"
rules <"$W/huge.json"
run verify "$P/acme/ev@$D" --registry-plain-http --cache "$W/cache-h" --trusted-root "$TR" \
	--expected-issuer https://accounts.example.test --expected-identity-regexp 'alice@example\.test' --format json
expect_rc 0 "a 6 MiB listing with the signature last verifies"
case "$(detail)" in *"more listed, not read"*) ok "  the detail says how many referrers were only counted" ;; *) bad "  counted" "$(detail)" ;; esac
# past the read bound the rest is unseen: no failed pull, no signature
python3 - "$W/huge.json" <<'EOF'
import json, sys
rules = json.load(open(sys.argv[1]))
idx = json.loads(rules[0]["body"])
sig = idx["manifests"].pop()
idx["manifests"] += idx["manifests"][:12000] + [sig]
rules[0]["body"] = json.dumps(idx)
json.dump(rules, open(sys.argv[1], "w"))
EOF
rules <"$W/huge.json"
# Security review 06: a listing read only in part never reads as
# "unsigned" (before: pull exit 0, '(unsigned: no referrer)', and verify
# "bundle valid, unsigned"): the signature may lie past the bound, so
# there is no verdict (exit 3), and the message says the listing was cut.
run pull "$P/acme/ev@$D" --to "$W/p-huge" --registry-plain-http --cache "$W/cache-h2" --format json
expect_rc 3 "a 9 MiB listing with the signature past the read bound: pull gives no verdict"
expect_err "referrers listing was truncated at its bound" "  and says the listing was truncated"
grep -qi "unsigned" "$T_OUT" "$T_ERR" && bad "  never 'unsigned'" "$(cat "$T_OUT" "$T_ERR" | head -3)" || ok "  never 'unsigned'"
[ ! -e "$W/p-huge" ] && ok "  no half-judged tree left at --to" || bad "  --to left" "$(ls "$W/p-huge")"
run pull "$P/acme/ev@$D" --to "$W/p-huge2" --registry-plain-http --cache "$W/cache-h2"
expect_rc 3 "  the same in text"
expect_err "the part read holds no signature" "  the text says what was read"
run verify "$P/acme/ev@$D" --registry-plain-http --cache "$W/cache-h2" --trusted-root "$TR" --format json
expect_rc 3 "verify REF of it without a pinned signer: no verdict, not 'valid, unsigned'"
expect_err "referrers listing was truncated at its bound" "  says the listing was truncated"
run verify "$P/acme/ev@$D" --registry-plain-http --cache "$W/cache-h2" --trusted-root "$TR" \
	--expected-issuer https://accounts.example.test --expected-identity-regexp 'alice@example\.test' --format json
expect_rc 3 "verify REF with a pinned signer: no verdict, not 'signer required but unsigned'"
expect_err "referrers listing was truncated at its bound" "  says the listing was truncated"
echo '[]' | rules

# ---- referrers REF ----
run referrers "$R/acme/ev@$D" --registry-plain-http --format json
expect_rc 0 "referrers lists an artifact's referrers"
[ "$(jq -r .source "$T_OUT")" = tag-schema ] && ok "  from the tag schema (docker-registry 2.8 has no API)" || bad "  tag schema"
[ "$(jq '[.manifests[]|select(.artifactType=="'"$SIG"'")]|length' "$T_OUT")" = 2 ] && ok "  both signatures, typed" || bad "  both signatures" "$(cat "$T_OUT")"
jq -e --arg a "$A_REF" '.manifests|map(.digest)|index($a) != null' "$T_OUT" >/dev/null && ok "  with their digests" || bad "  digests"
TAG=$(sed -n 's/.*oci: .*:\([^:]*\)$/\1/p' "$W/alice/pointer.yaml" | tr -d '"')
run referrers "$R/acme/ev:$TAG" --registry-plain-http
expect_rc 0 "referrers accepts a tag"
expect_out "$R/acme/ev@$D \(2 referrers, from the sha256-<hex> tag\)" "  and prints the digest it resolved"
expect_out "application/vnd\.dev\.sigstore\.bundle\.v0\.3\+json  $A_REF  [0-9]+" "  one line per referrer: type, digest, size"
run referrers "$R/acme/ev@sha256:$(printf none | sha256sum | cut -c1-64)" --registry-plain-http --format json
expect_rc 0 "an artifact without referrers lists none"
[ "$(jq '.manifests|length' "$T_OUT")" = 0 ] && ok "  an empty list" || bad "  an empty list"
# the referrers API, forged with two pages
P1=$(jq -cn --argjson a "$(desc "$A_REF" "$SIG" /dev/null)" '{schemaVersion:2, mediaType:"'"$MT_INDEX"'", manifests:[$a]}')
P2=$(jq -cn --argjson a "$(desc "$OTHER" application/spdx+json /dev/null)" '{schemaVersion:2, mediaType:"'"$MT_INDEX"'", manifests:[$a]}')
jq -cn --arg p1 "$P1" --arg p2 "$P2" --arg d "$D" '[
 {method:"GET", path:"/referrers/\($d)?page=2", action:"respond", status:200, headers:{"Content-Type":"'"$MT_INDEX"'"}, body:$p2, times:100},
 {method:"GET", path:"/referrers/\($d)", action:"respond", status:200,
  headers:{"Content-Type":"'"$MT_INDEX"'", "Link":"</v2/acme/ev/referrers/\($d)?page=2>; rel=\"next\""}, body:$p1, times:100}]' | rules
run referrers "$P/acme/ev@$D" --registry-plain-http --format json
expect_rc 0 "referrers through the referrers API"
[ "$(jq -r .source "$T_OUT")" = referrers-api ] && [ "$(jq '.manifests|length' "$T_OUT")" = 2 ] &&
	ok "  both pages are read (Link rel=next)" || bad "  both pages" "$(cat "$T_OUT")"
echo '[]' | rules
run referrers "$R/acme/ev@$D" --registry-plain-http --format yaml
expect_rc 64 "a bad --format is a usage error"

t_end
