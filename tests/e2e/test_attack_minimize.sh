#!/usr/bin/env bash
# shellcheck disable=SC2016 # eval'd setups are single-quoted on purpose
# tests/e2e/test_attack_minimize.sh -- attacks on minimization and on bundle
# verification, from the outside (the binary and its docs only), that the
# tool held against. Two attackers:
#  (a) a contributor publishing private data through emit despite the
#      minimal policy: case variants and other spellings of dropped keys in
#      the snapshot, CTRF and recipe; private registries spelled to look
#      public; runtimeProvenance paths carrying names; --ctrf entries named
#      to be skipped;
#  (b) a contributor getting a false PASS accepted by verify with a bundle
#      directory built by hand and re-hashed: reports that read two ways
#      (duplicate keys, escapes, NUL, data after the document), tests
#      counted twice or not at all, predicate counts of the wrong type,
#      manifest paths, duplicates, symlinks, FIFOs, deep nesting, sparse
#      files.
# Each check is named after its attack.
. "$(dirname "$0")/lib.sh"
t_begin
EX=$(cd "$(dirname "$0")/../../recipes/examples" && pwd)
W=$T_WORK
export SOURCE_DATE_EPOCH=1763650000
TO=20
[ -n "${AE_WRAP:-}" ] && TO=300

# rehash SB [phase-name phase-json]: rebuild manifest.json from the tree (all
# regular files but the three unlisted ones), the predicate's manifest digest
# and every phase's ctrfDigest; optionally replace one phase's counts.
cat >"$W/rehash.py" <<'PY'
import hashlib, json, os, sys
d = sys.argv[1]
h = lambda b: 'sha256:' + hashlib.sha256(b).hexdigest()
files = []
for root, dirs, fs in os.walk(d):
    for f in fs:
        p = os.path.join(root, f); rel = os.path.relpath(p, d)
        if rel in ('manifest.json', 'statement.intoto.json') or os.path.islink(p) or not os.path.isfile(p):
            continue
        b = open(p, 'rb').read()
        files.append({'path': rel, 'size': len(b), 'sha256': h(b)})
files.sort(key=lambda e: e['path'].encode())
extra = os.environ.get('EXTRA_ENTRY')
if extra:
    files.append(json.loads(extra))
mb = (json.dumps({'schemaVersion': '1.0.0', 'files': files}, indent=2) + '\n').encode()
open(os.path.join(d, 'manifest.json'), 'wb').write(mb)
sp = os.path.join(d, 'statement.intoto.json')
s = json.load(open(sp)); p = s['predicate']
p['manifest'] = {'digest': h(mb), 'fileCount': len(files)}
if len(sys.argv) > 3:
    p['phases'][sys.argv[2]] = json.loads(sys.argv[3])
for n, v in p['phases'].items():
    f = os.path.join(d, 'ctrf', n + '.json')
    if 'ctrfDigest' not in v and os.path.isfile(f):
        v['ctrfDigest'] = h(open(f, 'rb').read())
txt = json.dumps(s, indent=2)
for a, b in json.loads(os.environ.get('STMT_SUBS', '[]')):
    assert a in txt, a
    txt = txt.replace(a, b, 1)
open(sp, 'w').write(txt + '\n')
PY
rehash() { python3 "$W/rehash.py" "$@"; }

run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o "$W/base"
expect_rc 0 "setup: the examples emit"
fresh() { rm -rf "$W/b" && cp -r "$W/base" "$W/b" && SB=$W/b/summary-bundle; }
P1='{"passed":1,"failed":0,"skipped":0,"pending":0,"other":0}'
verify_b() { # WANT "what"
	run verify "$W/b" --format json
	expect_rc "$1" "$2"
}
ctrf_attack() { # WANT PHASEJSON DOC "what": ship DOC as ctrf/deployment.json, rehash, verify
	fresh
	printf '%s' "$3" >"$SB/ctrf/deployment.json"
	rehash "$SB" deployment "$2"
	verify_b "$1" "$4"
}

# ===== (b) false PASS: hand-built, re-hashed bundles =====
ctrf_attack 2 "$P1" '{"results":{"tests":[{"name":"a","status":"failed","status":"passed"}]}}' \
	"verify: duplicate status key, the later one passed (Go's reading) is refused"
expect_out 'repeats its name or status' "... the sub-row says the test repeats its status"
ctrf_attack 2 "$P1" '{"results":{"tests":[{"name":"a","status":"passed","status":"failed"}]}}' \
	"verify: duplicate status key, the later one failed (Go's reading) is refused"
ctrf_attack 2 "$P1" '{"results":{"tests":[{"name":"a","status":"passed","name":"b"}]}}' \
	"verify: duplicate name key is refused"
ctrf_attack 2 "$P1" '{"results":{"tests":[{"name":"a","status":"passed\u0000"}]}}' \
	"verify: a status passed\\u0000 (not passed to Go, passed to C) is refused"
ctrf_attack 2 "$P1" '{"results":{"tests":[{"name":"a","status":"passed"}]},"results\u0000":{"tests":[{"name":"a","status":"failed"}]}}' \
	"verify: a key results\\u0000 beside results is refused"
ctrf_attack 2 "$P1" '{"results":{"tests":[{"name":"a","status":"failed"}]},"results":{"tests":[{"name":"a","status":"passed"}]}}' \
	"verify: results given twice (Go reads the later, passing one) is refused"
ctrf_attack 2 "$P1" '{"results":{"tests":[{"name":"a","status":"passed"}],"tests":[{"name":"a","status":"failed"}]}}' \
	"verify: tests given twice is refused"
ctrf_attack 2 "$P1" '{"results":{"tests":[{"name":"a","status":"passed"}],"TESTS":[{"name":"b","status":"failed"}]}}' \
	"verify: a TESTS case variant after tests is refused"
ctrf_attack 2 "$P1" '{"results":{"tests":[{"name":"a","st\u0061tus":"passed","\u0053tatus":"failed"}]}}' \
	"verify: an escaped \\u0053tatus variant is refused"
ctrf_attack 2 "$P1" '{"results":{"tests":[{"name":"a","status":"passed","\u017ftatus":"failed"}]}}' \
	"verify: a U+017F (long s) status variant is refused"
ctrf_attack 2 "$P1" '{"results":{"tests":[{"name":"a","status":"passed"}]}}{"results":{"tests":[{"name":"a","status":"failed"}]}}' \
	"verify: a second document after the report is refused"
ctrf_attack 2 "$P1" '{"results":{"tests":[{"name":"a","status":"passed"}]}}/**/' \
	"verify: a comment after the report is refused"
ctrf_attack 2 "$P1" '[{"results":{"tests":[{"name":"a","status":"passed"}]}}]' \
	"verify: a report that is an array is refused"
ctrf_attack 2 "$P1" '{"results":[{"tests":[{"name":"a","status":"passed"}]}]}' \
	"verify: results as an array is refused"
ctrf_attack 2 "$P1" '{"results":{"tests":[{"name":"a","status":"passed"},{"status":"failed"}]}}' \
	"verify: a failed test without a name (counted nowhere) is refused"
ctrf_attack 2 "$P1" '{"results":{"tests":[{"name":"a","status":"passed"},{"name":"b","status":null}]}}' \
	"verify: a null status is refused"
ctrf_attack 2 "$P1" '{"results":{"tests":[{"name":"a","status":"passed"},{"name":"b","status":1}]}}' \
	"verify: a numeric status is refused"
ctrf_attack 2 "$P1" '{"results":{"tests":[{"name":"a","status":"passed"},{"name":"b","status":"fail\u0065d"}]}}' \
	"verify: an escaped failed status is counted as failed (counts differ)"
ctrf_attack 2 "$P1" "$(printf '{"results":{"tests":[{"name":"a","status":"pa\xc3\x9fed"}]}}')" \
	"verify: a status pa<sharp s>ed is not counted as passed"
ctrf_attack 2 "$P1" '{"results":{"tests":[{"name":"a","status":"passed"},{"name":"b","status":"timedOut"}]}}' \
	"verify: an unknown status against a recorded other 0 is refused"
ctrf_attack 2 '{"passed":1,"failed":0,"skipped":0,"pending":1}' '{"results":{"tests":[{"name":"a","status":"passed"},{"name":"b","status":"timedOut"}]}}' \
	"verify: a timedOut test recorded as pending is refused"
ctrf_attack 2 '{"passed":1}' '{"results":{"tests":[{"name":"a","status":"passed"},{"name":"b","status":"failed"}]}}' \
	"verify: a predicate without a failed count over a failed test is refused"
ctrf_attack 2 '{"passed":0,"failed":1.0,"skipped":0,"pending":0,"other":0}' '{"results":{"tests":[{"name":"a","status":"failed"}]}}' \
	"verify: a failed count written 1.0 is refused"
ctrf_attack 2 '{"passed":0,"failed":"1","skipped":0,"pending":0,"other":0}' '{"results":{"tests":[{"name":"a","status":"failed"}]}}' \
	"verify: a failed count written as a string is refused"
ctrf_attack 2 "$P1" '{"results":{"tests":[{"name":"a","status":"passed" "x":1}]}}' \
	"verify: a missing comma is refused"
ctrf_attack 2 "$P1" '{"results":{"tests":[{"name":"a","status":"passed","x":"\q"}]}}' \
	"verify: a bad escape is refused"
ctrf_attack 2 "$P1" "$(printf '{"results":{"tests":[{"name":"a","status":"passed","x":"a\tb"}]}}')" \
	"verify: a raw control byte in a string is refused"
ctrf_attack 2 "$P1" "{'results':{'tests':[{'name':'a','status':'passed'}]}}" \
	"verify: single-quoted keys are refused"
python3 -c 'n=200000; print("{\"results\":{\"tests\":[{\"name\":\"a\",\"status\":\"passed\",\"x\":"+"["*n+"]"*n+"}]}}", end="")' >"$W/deep.json"
ctrf_attack 2 "$P1" "$(cat "$W/deep.json")" "verify: 200,000 levels of nesting in a report are refused, no crash"

# predicate: exact duplicate keys
fresh
printf '%s' '{"results":{"tests":[{"name":"a","status":"failed"}]}}' >"$SB/ctrf/deployment.json"
STMT_SUBS='[["\"failed\": 1,", "\"failed\": 1, \"failed\": 0,"]]' rehash "$SB" deployment '{"passed":0,"failed":1,"skipped":0,"pending":0,"other":0}'
verify_b 2 "verify: a predicate phase with failed given twice is refused"
expect_out 'duplicate object key' "... as a duplicate key"
fresh
printf '%s' '{"results":{"tests":[{"name":"a","status":"failed"}]}}' >"$SB/ctrf/deployment.json"
STMT_SUBS='[["\"phases\": {", "\"phases\": {\"deployment\":{\"passed\":1,\"failed\":0,\"skipped\":0,\"pending\":0,\"other\":0,\"ctrfDigest\":\"x\"},"]]' \
	rehash "$SB" deployment '{"passed":0,"failed":1,"skipped":0,"pending":0,"other":0}'
verify_b 2 "verify: a phase given twice in the predicate is refused"
fresh
rehash "$SB"
python3 - "$SB/statement.intoto.json" <<'PY'
import sys
p = sys.argv[1]; t = open(p).read()
t = t.replace('"aicrVersion"', '"zz": ' + "[" * 100000 + "]" * 100000 + ', "aicrVersion"', 1)
open(p, "w").write(t)
PY
verify_b 2 "verify: 100,000 levels of nesting in the statement are refused, no crash"
fresh
STMT_SUBS='[["\"aicrVersion\": \"0.1.0\",", "\"aicrVersion\": \"0.1.0\",,"]]' rehash "$SB"
verify_b 2 "verify: a statement with a double comma is refused"

# predicate phases that name no phase (a path, a case variant, a space)
for ph in Deployment ../ctrf/deployment deployment/../deployment custom "" "deployment "; do
	fresh
	python3 - "$SB/statement.intoto.json" "$ph" <<'PY2'
import json, sys
s = json.load(open(sys.argv[1])); ph = s["predicate"]["phases"]
ph[sys.argv[2]] = dict(ph["deployment"])
json.dump(s, open(sys.argv[1], "w"), indent=2)
PY2
	verify_b 2 "verify: a predicate phase named '$ph' is refused"
	expect_out 'unknown phase' "... as an unknown phase"
done

# digests spelled another way (upper case, no prefix, another algorithm)
H=$(sha256sum "$W/base/summary-bundle/ctrf/deployment.json" | cut -d' ' -f1)
for cd in "sha256:${H^^}" "$H" "SHA256:$H" "sha512:$H" "sha256:$H "; do
	fresh
	rehash "$SB" deployment "{\"passed\":3,\"failed\":0,\"skipped\":0,\"pending\":0,\"other\":0,\"ctrfDigest\":\"$cd\"}"
	verify_b 2 "verify: a ctrfDigest spelled '$cd' is refused"
done
M=$(sha256sum "$W/base/summary-bundle/manifest.json" | cut -d' ' -f1)
for md in "sha256:${M^^}" "$M"; do
	fresh
	python3 - "$SB/statement.intoto.json" "$md" <<'PY2'
import json, sys
s = json.load(open(sys.argv[1])); s["predicate"]["manifest"]["digest"] = sys.argv[2]
json.dump(s, open(sys.argv[1], "w"), indent=2)
PY2
	verify_b 2 "verify: a manifest digest spelled '$md' is refused"
done

# manifest tricks
H=$(sha256sum "$W/base/summary-bundle/bom.cdx.json" | cut -d' ' -f1)
S=$(stat -c %s "$W/base/summary-bundle/bom.cdx.json")
for p in ../summary-bundle/bom.cdx.json ./bom.cdx.json /etc/passwd bom.cdx.json/ ctrf//deployment.json "" . ctrf/../bom.cdx.json; do
	fresh
	EXTRA_ENTRY="{\"path\":\"$p\",\"size\":$S,\"sha256\":\"sha256:$H\"}" rehash "$SB"
	verify_b 2 "verify: manifest path '$p' is refused"
done
fresh
EXTRA_ENTRY="{\"path\":\"bom.cdx.json\",\"size\":$S,\"sha256\":\"sha256:$H\"}" rehash "$SB"
verify_b 2 "verify: a file listed twice in the manifest is refused"
expect_out 'listed twice' "... as listed twice"
fresh
EXTRA_ENTRY="{\"path\":\"BOM.cdx.json\",\"size\":$S,\"sha256\":\"sha256:$H\"}" rehash "$SB"
verify_b 2 "verify: a case variant of a listed path (a missing file) is refused"
fresh
EXTRA_ENTRY='{"path":"statement.intoto.json","size":1,"sha256":"sha256:0000000000000000000000000000000000000000000000000000000000000000"}' rehash "$SB"
verify_b 2 "verify: the statement listed in its own manifest is refused"
fresh
echo x >"$SB/.hidden"
verify_b 2 "verify: a hidden stray file is refused"
fresh
echo x >"$SB/attestation.intoto.jsonl.bak"
verify_b 2 "verify: a stray file named like the attestation is refused"
fresh
mkfifo "$SB/extra.json"
AE_WRAP="timeout $TO ${AE_WRAP:-}" run verify "$W/b"
expect_rc 2 "verify: a stray FIFO is refused without blocking"
fresh
rehash "$SB"
rm "$SB/bom.cdx.json" && mkfifo "$SB/bom.cdx.json"
AE_WRAP="timeout $TO ${AE_WRAP:-}" run verify "$W/b"
expect_rc 2 "verify: a listed file replaced by a FIFO is refused without blocking"
fresh
rm "$SB/statement.intoto.json" && mkfifo "$SB/statement.intoto.json"
AE_WRAP="timeout $TO ${AE_WRAP:-}" run verify "$W/b"
expect_rc 2 "verify: the statement as a FIFO is refused without blocking"
fresh
mv "$SB/bom.cdx.json" "$W/bom-real.json" && ln -s "$W/bom-real.json" "$SB/bom.cdx.json"
verify_b 2 "verify: a listed file replaced by a symlink to the same bytes is refused"
fresh
mv "$SB/ctrf" "$W/ctrf-real" && ln -s "$W/ctrf-real" "$SB/ctrf"
verify_b 2 "verify: a symlinked ctrf/ directory is refused"
rm -rf "$W/ctrf-real"
fresh
mv "$SB/statement.intoto.json" "$W/st-real.json" && ln -s "$W/st-real.json" "$SB/statement.intoto.json"
verify_b 2 "verify: a symlinked statement is refused"
fresh
mv "$SB" "$W/sb-real" && ln -s "$W/sb-real" "$SB"
verify_b 2 "verify: a symlinked summary-bundle/ is refused"
rm -rf "$W/sb-real"
fresh
if truncate -s 50G "$SB/huge.bin" 2>/dev/null; then
	AE_WRAP="timeout $TO ${AE_WRAP:-}" run verify "$W/b"
	expect_rc 2 "verify: a 50 GiB sparse stray file is refused without reading it"
	rm -f "$SB/huge.bin"
fi

# ===== (a) publishing private data through emit =====
emit_ctrf() { # DIR OUT [ARGS]
	local d=$1 o=$2
	shift 2
	rm -rf "$o"
	run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$d" -o "$o" "$@"
}
img_report() { # IMAGE
	rm -rf "$W/vc" && mkdir "$W/vc"
	python3 -c 'import json,sys; json.dump({"reportFormat":"CTRF","results":{"tool":{"name":"t","image":sys.argv[1].replace("\\n","\n")},"tests":[{"name":"a","status":"passed"}]}},open(sys.argv[2],"w"))' "$1" "$W/vc/deployment.json"
}
for img in "ghcr.io.acme.corp/x/y:v1" "ghcr.io@acme.corp/x:v1" "ghcr.io:443/acme/x:v1" "GHCR.IO/acme/x:v1" \
	"docker-registry.acme.corp:5000/mariadb-operator:0.38.1" "acme.corp/x:v1" "localhost:5000/x:v1" \
	"10.0.3.7:5000/x:v1" "ghcr.io/x:v1 registry.acme.corp/y:v2" "ghcr.io/x/../../acme.corp/y:v1" \
	'ghcr.io\acme.corp/x:v1' 'ghcr.io/x:v1\nacme.corp/y:v1' "ghcr.io/x:v1#acme.corp"; do
	img_report "$img"
	emit_ctrf "$W/vc" "$W/vo"
	if [ "$T_RC" = 0 ] && ! grep -rqi 'acme\|localhost\|10\.0\.3\.7' "$W/vo"; then
		ok "emit: a private validator image spelled '$img' is not published"
	else
		bad "emit: a private validator image spelled '$img' is not published" "exit $T_RC"
	fi
done

cat >"$W/snap-case.yaml" <<'EOF'
kind: Snapshot
apiVersion: aicr.nvidia.com/v1alpha1
Metadata: {cluster-name: acme-1}
metadata: {timestamp: "2026-11-20T14:03:11Z", version: v0.14.2, Version: acme-2, cluster-name: acme-2b}
Kind: acme-3
Fingerprint: {region: {value: acme-4}}
fingerprint: {Region: {value: acme-5}, REGION: {value: acme-6}, service: {value: eks, Source: acme-7, Note: acme-8}}
measurements:
  - type: k8s
    subtypes:
      - {subtype: node, data: {provider: acme-9}}
  - type: K8s
    subtypes:
      - {subtype: Node, data: {provider: aws, Kubelet-Version: acme-10}}
      - {subtype: node, data: {provider: aws, kubelet-version: v1.2.3}, Data: {provider: acme-11}, Context: {n: acme-12}}
  - Type: K8s
    type: OS
    subtypes:
      - {subtype: release, data: {ID: ubuntu, id: acme-13, "ID ": acme-14, "I\u0044_LIKE": debian}}
EOF
run emit --recipe "$EX/recipe.yaml" --snapshot "$W/snap-case.yaml" --ctrf "$EX/ctrf" -o "$W/so"
expect_rc 0 "emit: a snapshot full of case variants of kept keys emits"
if grep -rq acme "$W/so"; then bad "emit: case variants of snapshot keys (Metadata, Kind, Region, type k8s, subtype Node, Data, Context, id) publish nothing" "$(grep -rho 'acme-[0-9]*' "$W/so" | sort -u | tr '\n' ' ')"; else ok "emit: case variants of snapshot keys (Metadata, Kind, Region, type k8s, subtype Node, Data, Context, id) publish nothing"; fi

D64=$(printf 'a%.0s' {1..64})
rm -rf "$W/rpc" && mkdir "$W/rpc"
python3 - "$D64" "$W/rpc/deployment.json" <<'PY'
import json, sys
d = sys.argv[1]
paths = ["spec.containers[acme-worker].env[NCCL_DEBUG].value", "metadata.labels.acme.example/team",
         "spec.nodeSelector.acme.corp/pool", "spec.containers[*].resources.limits.nvidia.com/gpu.acme-prod",
         "spec.containers[*].env[ACME_TOKEN].value", "spec.containers[w].env[NCCL_DEBUG][acme].value",
         "spec.containers[[acme]].image", "spec.containers[*].acmeTenant", "metadata.annotations.nvidia.com/gpu/acme-prod",
         "spec.containers*acme", "metadata.labels[acme-prod].x", "spec.volumes[*].csi.volumeAttributes.acme-share",
         "metadata.name.acme-prod", "spec.containers.[acme]", "spec.containers[*].env[NCCL_DEBUG]acme",
         "spec.containers[*].env[NCCL_SOCKET_IFNAME].valueFrom.configMapKeyRef.name.acme",
         "spec.nodeSelector.Cloud.Google.com/gke-nodepool-acme", "spec.containers[*].env[nccl_debug_acme].value",
         "spec.containers[*].env[NCCL_DEBUG*acme].value"]
t = {"name": "a", "status": "passed", "runtimeProvenance": {"shippedDigest": d, "derivedDigest": d,
     "overriddenPaths": paths, "inheritedPaths": ["spec.containers[*].env[ACME_X].value"]}}
json.dump({"reportFormat": "CTRF", "results": {"tool": {"name": "t"}, "tests": [t]}}, open(sys.argv[2], "w"))
PY
emit_ctrf "$W/rpc" "$W/rpo"
expect_rc 0 "emit: runtimeProvenance paths carrying names emit"
if grep -qi acme "$W/rpo/summary-bundle/ctrf/deployment.json"; then bad "emit: names in runtimeProvenance selectors, label keys, env names and unknown fields are not published" "$(grep -oi '[^"]*acme[^"]*' "$W/rpo/summary-bundle/ctrf/deployment.json" | head -3)"; else ok "emit: names in runtimeProvenance selectors, label keys, env names and unknown fields are not published"; fi

rm -rf "$W/cvc" && mkdir "$W/cvc"
cat >"$W/cvc/deployment.json" <<'EOF'
{"reportFormat":"CTRF","specVersion":"0.0.1-acme1","timestamp":"2026-01-01T00:00:00Z acme2","generatedBy":"aicr validate","reportFormat2":"acme3",
 "results":{"tool":{"name":"aicr","version":"v1.0.0","imagex":"acme5"},
  "tests":[{"name":"t1","status":"passed","duration":5,"suite":["t1","acme6 x"],"extra":{"nodesValidated":"3","skipReason":"acme8","runtimeSource":"delivered-artifact","nodesTotal":" 4"},"message":"acme9","stdOut":["acme11"],"Stderr":["acme16"]},
   {"name":"t2","status":"skipped","extra":{"skipReason":"no-gpu-nodes","nodesValidated":3}, "duration":"acme12"},
   {"name":"t3","status":"failed","duration":-1,"extra":null,"suite":"acme13"}],
  "summary":{"tests":3,"passed":1,"failed":1,"skipped":1,"start":"acme14","stop":1.5,"suites":"acme15"},
  "environment":{"x":"acme16"}}}
EOF
emit_ctrf "$W/cvc" "$W/cvo"
expect_rc 0 "emit: a report with ill-typed and ill-shaped values emits"
if grep -rq acme "$W/cvo"; then bad "emit: ill-shaped CTRF header, tool, extra, suite, duration, summary values and stdOut/Stderr variants publish nothing" "$(grep -rho 'acme[0-9]*' "$W/cvo" | sort -u | tr '\n' ' ')"; else ok "emit: ill-shaped CTRF header, tool, extra, suite, duration, summary values and stdOut/Stderr variants publish nothing"; fi
for doc in '{"results":{"tool":{"name":"t","Image":"registry.acme.corp/x:1"},"tests":[{"name":"a","status":"passed"}]}}' \
	'{"results":{"tests":[{"name":"a","status":"passed","extra":{"nodesValidated":"3","NodesTotal":"acme"}}]}}'; do
	rm -rf "$W/cw" && mkdir "$W/cw" && printf '%s' "$doc" >"$W/cw/deployment.json"
	emit_ctrf "$W/cw" "$W/cwo"
	expect_rc 2 "emit: a case variant of a published key is refused, not guessed: $doc"
done

rr() { # WHAT YAML-TEXT : --strict must refuse the recipe and name the field
	printf '%s\n' "$2" >"$W/rc.yaml"
	rm -rf "$W/ro"
	run emit --recipe "$W/rc.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o "$W/ro" --strict
	expect_rc 2 "emit --strict: $1"
}
base=$(cat "$EX/recipe.yaml")
rr "a Criteria case variant holding a customer is refused" "$base
Criteria: {customer: acme1}"
rr "a key 'criteria ' with a trailing space is refused" "$base
\"criteria \": acme2"
rr "an unknown key inside criteria is refused" "${base/criteria:/criteria:
  acmeKey3: x}"
rr "an unknown key inside a componentRef is refused" "${base/  - name: cert-manager/  - name: cert-manager
    acme4: x}"
rr "an unknown key inside a constraint is refused" "${base/constraints:/constraints:
  - name: acme8
    value: acme9
    extra: acme10}"
rr "an escaped key spelling a new field is refused" "${base/kind: RecipeResult/kind: RecipeResult
\"\\u0063riteria2\": acme11}"
rr "a key with a zero-width space after version is refused" "${base/version: v0.14.2/version: v0.14.2
  \"version\\u200b\": acme12}"
# (the refusal is cmd_error's: the key quoted as written, \xe2..., and
# that reason escaped again on its way out, so its backslashes read \x5c)
expect_err 'version\\x5cxe2\\x5cx80\\x5cx8b' "... and the warning escapes the invisible character"

rm -rf "$W/cw" && mkdir "$W/cw"
printf '%s' '{"results":{"tests":[{"name":"a","status":"passed","Message":"acme","MESSAGE":"acme2","message":"acme3"}]}}' >"$W/cw/deployment.json"
emit_ctrf "$W/cw" "$W/cwo"
if [ "$T_RC" = 0 ] && ! grep -rq acme "$W/cwo"; then ok "emit: message, Message and MESSAGE together publish nothing"; else bad "emit: message, Message and MESSAGE together publish nothing" "exit $T_RC"; fi

# the policy flag spelled to fall through to raw output
for a in "--policy Minimal" "--policy=" "--policy none" "--full=false" "--full --policy minimal"; do
	rm -rf "$W/pq"
	# shellcheck disable=SC2086
	run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o "$W/pq" $a
	expect_rc 64 "emit: '$a' is a usage error, not a raw bundle"
done
rm -rf "$W/pq"
run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o "$W/pq" --policy reference-v4 --policy minimal
if [ "$T_RC" = 0 ] && [ "$(jq -r '.predicate.redaction.applied|length' "$W/pq/summary-bundle/statement.intoto.json")" = 14 ] &&
	! grep -q acme "$W/pq/summary-bundle/ctrf/deployment.json"; then
	ok "emit: --policy reference-v4 --policy minimal publishes the minimal bundle (the last flag wins)"
else bad "emit: --policy reference-v4 --policy minimal publishes the minimal bundle" "exit $T_RC"; fi

# --ctrf entries named to be skipped: each is read or refused
PASS='{"reportFormat":"CTRF","results":{"tool":{"name":"t"},"tests":[{"name":"a","status":"passed"}]}}'
export FAIL='{"reportFormat":"CTRF","results":{"tool":{"name":"t"},"tests":[{"name":"a","status":"failed"}]}}'
cx() { # WHAT SETUP (SETUP is eval'd in the directory: single quotes on purpose)
	rm -rf "$W/cx" "$W/cxo" && mkdir -p "$W/cx" && printf '%s' "$PASS" >"$W/cx/deployment.json"
	(cd "$W/cx" && eval "$2")
	run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$W/cx" -o "$W/cxo"
	expect_rc 2 "emit: a failing report hidden as $1 is refused, not skipped"
}
cx ".conformance.json" 'printf "%s" "$FAIL" > .conformance.json'
cx ".conformance/" 'mkdir .conformance && printf "%s" "$FAIL" > .conformance/conformance.json'
cx "CONFORMANCE.json" 'printf "%s" "$FAIL" > CONFORMANCE.json'
cx "results.json" 'printf "%s" "$FAIL" > results.json'
cx ".json" 'printf "%s" "$FAIL" > .json'
cx "conformance.json5" 'printf "%s" "$FAIL" > conformance.json5'
cx "conformance.jsonl" 'printf "%s" "$FAIL" > conformance.jsonl'
cx "'conformance.json '" 'printf "%s" "$FAIL" > "conformance.json "'
cx "conformance/a/b/c/d/e/x.json" 'mkdir -p conformance/a/b/c/d/e && printf "%s" "$FAIL" > conformance/a/b/c/d/e/x.json'
cx "a BOM-prefixed report" 'printf "\xef\xbb\xbf%s" "$FAIL" > conformance.json'
cx "a UTF-16 report" 'printf "%s" "$FAIL" | iconv -t UTF-16 > conformance.json'
cx "a Results case variant" 'printf "{\"Results\":{\"tests\":[{\"name\":\"a\",\"status\":\"failed\"}]}}" > conformance.json'
cx "tests: null" 'printf "{\"results\":{\"tests\":null}}" > conformance.json'
cx "200,000 levels of nesting" 'cp "$W/deep.json" conformance.json'

# ===== findings of the verify review (fverify): each failed before the fix =====
# 01: a test counted as other/pending under a predicate phase without such a
# key (absent reads 0, as the reference writes its predicate)
P3='{"passed":1,"failed":0,"skipped":0}'
ctrf_attack 2 "$P3" '{"reportFormat":"CTRF","results":{"tests":[{"name":"a","status":"passed"},{"name":"b","status":"crashed"}]}}' \
	"verify: a crashed test under a predicate phase without other is refused"
expect_out 'phase deployment: the predicate says 0 other, the tests 1' "... the sub-row names the phase and both numbers"
ctrf_attack 2 "$P3" '{"reportFormat":"CTRF","results":{"tests":[{"name":"a","status":"passed"},{"name":"b","status":"pending"}]}}' \
	"verify: a pending test under a predicate phase without pending is refused"
expect_out 'the predicate says 0 pending, the tests 1' "... the sub-row names both numbers"
ctrf_attack 0 "$P3" '{"reportFormat":"CTRF","results":{"tests":[{"name":"a","status":"passed"}]}}' \
	"verify: a predicate phase without pending/other over a passing report is valid"
# 02: a shipped report under ctrf/ that no predicate phase counts
uncounted() { # RELPATH "what"
	fresh
	mkdir -p "$(dirname "$SB/$1")"
	printf '%s' "$FAIL" >"$SB/$1"
	rehash "$SB"
	verify_b 2 "verify: a failing report shipped as $2 is refused"
	expect_out "does not count" "... the sub-row names $1"
}
fresh
jq '.predicate.phases|=del(.conformance)' "$SB/statement.intoto.json" >"$W/st" && mv "$W/st" "$SB/statement.intoto.json"
rehash "$SB"
verify_b 2 "verify: ctrf/conformance.json shipped, no conformance phase in the predicate: refused"
expect_out 'ctrf/conformance.json' "... the sub-row names the file"
uncounted ctrf/Deployment.json "ctrf/Deployment.json"
uncounted ctrf/deployment.JSON "ctrf/deployment.JSON"
uncounted ctrf/deployment-2.json "ctrf/deployment-2.json"
uncounted ctrf/x/deployment.json "ctrf/x/deployment.json"
uncounted ctrf/custom.json "ctrf/custom.json"
fresh
printf '%s' "$FAIL" >"$SB/ctrf/.json"
rehash "$SB"
verify_b 2 "verify: a failing report shipped as ctrf/.json is refused"
# 03: the statement and manifest.json read one way only
oneway() { # PYTHON-EXPR-ON-s-OR-m "what"
	fresh
	rehash "$SB"
	python3 - "$SB" "$1" <<'PY2'
import hashlib, json, sys
d, code = sys.argv[1], sys.argv[2]
h = lambda b: 'sha256:' + hashlib.sha256(b).hexdigest()
m = json.load(open(d + '/manifest.json')); s = json.load(open(d + '/statement.intoto.json'))
exec(code)
mb = (json.dumps(m, indent=2) + '\n').encode(); open(d + '/manifest.json', 'wb').write(mb)
s['predicate']['manifest']['digest'] = h(mb)
open(d + '/statement.intoto.json', 'w').write(json.dumps(s, indent=2, ensure_ascii=False) + '\n')
PY2
	verify_b 2 "verify: $2 is refused"
	expect_out 'read two ways' "... the sub-row says the document reads two ways"
}
oneway 's["predicate"]["Phases"] = {k: dict(v, failed=0) for k, v in s["predicate"]["phases"].items()}' "a Phases beside phases in the predicate"
oneway 's["predicate"]["AttestedAt"] = "2099-01-01T00:00:00Z"' "an AttestedAt beside attestedAt"
oneway 's["predicate"]["PHASES"] = s["predicate"].pop("phases")' "a predicate with PHASES only (Go reads it as phases)"
oneway 's["Predicate"] = s["predicate"]' "a Predicate beside predicate in the statement"
oneway 's["predicateTYPE"] = s["predicateType"]' "a predicateTYPE beside predicateType"
oneway 'p = s["predicate"]["phases"]["deployment"]; p["\u017fkipped"] = 0' "a U+017F (long s) variant of skipped in a phase"
oneway 's["predicate"]["\u212a8sVersion"] = "v1"' "a U+212A (Kelvin) variant of k8sVersion"
oneway 'm["Files"] = m["files"]' "a Files beside files in manifest.json"
oneway 'm["files"][0]["SHA256"] = "sha256:" + "0" * 64' "a SHA256 beside sha256 in a manifest entry"
oneway 's["predicate"]["x"] = {"Foo": 1, "foo": 2}' "two keys that fold alike in any object"

# 04: a listed file replaced by a sparse 4 TiB one: the size is known from
# fstat, nothing is hashed (the bundle's BOM, and a phase's report)
for f in bom.cdx.json ctrf/deployment.json; do
	fresh
	if truncate -s 4T "$SB/$f" 2>/dev/null; then
		AE_WRAP="timeout $TO ${AE_WRAP:-}" run verify "$W/b"
		expect_rc 2 "verify: a listed $f grown to a sparse 4 TiB is refused without hashing it"
		expect_out "$f: size mismatch" "... as a size mismatch"
		rm -f "$SB/$f"
	else
		echo "SKIPPED -- no sparse files here"
	fi
done
# 06: predicate.bom.digest names the shipped bom.cdx.json
fresh
echo '{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[{"type":"container","name":"registry.acme.corp/secret","version":"1"}]}' >"$SB/bom.cdx.json"
rehash "$SB"
verify_b 2 "verify: a replaced bom.cdx.json (manifest rehashed) against predicate.bom.digest is refused"
expect_out 'digest differs from predicate.bom.digest' "... the sub-row says so"
fresh
rm "$SB/bom.cdx.json"
rehash "$SB"
verify_b 2 "verify: a deleted bom.cdx.json (manifest rehashed) that predicate.bom names is refused"
expect_out 'missing: predicate.bom.digest names one' "... the sub-row says it is missing"
fresh
jq '.predicate.bom.digest="sha256:x"' "$SB/statement.intoto.json" >"$W/st" && mv "$W/st" "$SB/statement.intoto.json"
rehash "$SB"
verify_b 2 "verify: a predicate.bom without a valid digest is refused"

t_end
