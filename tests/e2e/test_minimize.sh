#!/usr/bin/env bash
# tests/e2e/test_minimize.sh -- a minimized bundle is safe to publish and its
# results are the tests that ran (issue 24): results counted from the tests
# (a lying summary refused, other/pending/unknown visible, verify recounts),
# every entry under --ctrf read or refused, duplicates counted once; CTRF and
# snapshot rebuilt from allowlists with validated values; nothing in the
# predicate or the BOM that the policy drops; recipe fields beyond the
# reference's schema warned about (refused with --strict); the example data
# publishes nothing the policy drops; a canary in every field of every input
# reaches only fields the policy documents as kept.
. "$(dirname "$0")/lib.sh"
t_begin
HERE=$(cd "$(dirname "$0")" && pwd)
EX=$(cd "$HERE/../../recipes/examples" && pwd)
W=$T_WORK
export SOURCE_DATE_EPOCH=1763650000
st() { jq -r "$1" "$2/summary-bundle/statement.intoto.json"; }
ctrf() { # FILE NAME STATUS... : one report, its tests NAME-i with STATUS
	local f=$1 name=$2
	shift 2
	python3 - "$f" "$name" "$@" <<'PY'
import json, sys
f, name, sts = sys.argv[1], sys.argv[2], sys.argv[3:]
tests = [{"name": f"{name}-{i}", "status": s, "duration": 1} for i, s in enumerate(sts)]
json.dump({"reportFormat": "CTRF", "results": {"tool": {"name": "t"}, "tests": tests}}, open(f, "w"))
PY
}
ctrfn() { # FILE NAME:STATUS... : one report of these tests
	local f=$1
	shift
	python3 - "$f" "$@" <<'PY'
import json, sys
tests = [{"name": a.split(":")[0], "status": a.split(":")[1], "duration": 1} for a in sys.argv[2:]]
json.dump({"reportFormat": "CTRF", "results": {"tool": {"name": "t"}, "tests": tests}}, open(sys.argv[1], "w"))
PY
}
with_summary() { # FILE JSON : replace the report's summary
	jq --argjson s "$2" '.results.summary = $s' "$1" >"$1.t" && mv "$1.t" "$1"
}
emit() { # OUT ARGS...
	local out=$1
	shift
	run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" -o "$out" "$@"
}

# ---- item 1: results are counted from the tests ----
mkdir -p "$W/c1"
ctrf "$W/c1/deployment.json" d failed
with_summary "$W/c1/deployment.json" '{"tests":3,"passed":3,"failed":0,"skipped":0,"pending":0,"other":0}'
emit "$W/o1" --ctrf "$W/c1/deployment.json"
expect_rc 2 "a summary of 3 passed over one failed test is refused"
expect_err 'deployment.json.*summary says 3 tests, the tests 1' "the refusal names the report and both numbers"
[ ! -e "$W/o1" ] && ok "nothing is written" || bad "nothing is written"
ctrf "$W/c1/deployment.json" d failed
with_summary "$W/c1/deployment.json" '{"tests":1,"passed":0}'
emit "$W/o1" --ctrf "$W/c1/deployment.json"
expect_rc 2 "a summary without failed over a failed test is refused"
expect_err 'summary says 0 failed, the tests 1' "no failed count reads as 0 failed: both numbers named"
with_summary "$W/c1/deployment.json" '{}'
emit "$W/o1" --ctrf "$W/c1/deployment.json"
expect_rc 2 "an empty summary over a failed test is refused"
ctrf "$W/c1/deployment.json" d
with_summary "$W/c1/deployment.json" '{"tests":50,"passed":50}'
emit "$W/o1" --ctrf "$W/c1/deployment.json"
expect_rc 2 "a summary of 50 passed over no tests is refused"
expect_err 'summary says 50 tests, the tests 0' "no tests: both numbers named"
with_summary "$W/c1/deployment.json" '{"tests":9223372036854775807,"passed":9223372036854775807}'
emit "$W/o1" --ctrf "$W/c1/deployment.json"
expect_rc 2 "counts near INT64_MAX are refused, not summed into negatives"

ctrf "$W/c1/deployment.json" d passed failed other pending crashed skipped
emit "$W/o1" --ctrf "$W/c1/deployment.json"
expect_rc 0 "other, pending and an unknown status emit"
[ "$(st '.predicate.phases.deployment|"\(.passed) \(.failed) \(.skipped) \(.pending) \(.other)"' "$W/o1")" = "1 1 1 1 2" ] &&
	ok "the predicate counts every test: other (and unknown) and pending visible" ||
	bad "predicate counts" "$(st '.predicate.phases.deployment' "$W/o1")"
D1=$W/o1/summary-bundle/ctrf/deployment.json
[ "$(jq -c '.results.summary|[.tests,.passed,.failed,.skipped,.pending,.other]' "$D1")" = "[6,1,1,1,1,2]" ] &&
	ok "the shipped summary adds up" || bad "shipped summary" "$(jq -c .results.summary "$D1")"
[ "$(jq -r '.results.tests[4].status' "$D1")" = other ] && ok "an unknown status ships as other" || bad "unknown status" "$(jq -r '.results.tests[4].status' "$D1")"
run verify "$W/o1" --format json
expect_rc 1 "verify: a phase with failed and other tests exits 1"
ctrf "$W/c1/deployment.json" d passed other
emit "$W/o2" --ctrf "$W/c1/deployment.json"
run verify "$W/o2"
expect_rc 1 "verify: other alone (a crash, a timeout) is a phase failure"

# verify recounts: a predicate that says 0 failed over a failed test is
# refused, whoever made the bundle
ctrf "$W/c1/deployment.json" d passed failed
emit "$W/o3" --ctrf "$W/c1/deployment.json"
jq '.predicate.phases.deployment.failed = 0 | .predicate.phases.deployment.passed = 2' \
	"$W/o3/summary-bundle/statement.intoto.json" >"$W/s.json" && mv "$W/s.json" "$W/o3/summary-bundle/statement.intoto.json"
run verify "$W/o3" --format json
expect_rc 2 "verify refuses a predicate whose counts are not its report's tests"
jq -e '.steps[]|select(.name=="manifest-hash-check")|.subRows[]|select(.value|test("the predicate says 2 passed, the tests 1"))' "$T_OUT" >/dev/null &&
	ok "the sub-row names both numbers" || bad "recount sub-row" "$(jq -c '.steps[3]' "$T_OUT")"

# a report the reference's reader (Go's encoding/json: keys matched without
# case, U+017F read as s, the later key wins) reads as failed must not be
# published as passed: a counted or published field spelled two ways is
# refused, by emit and by verify's recount
raw() { printf '%s' "$2" >"$1"; }
for doc in \
	'{"results":{"tests":[{"name":"d-0","status":"passed","Status":"failed"}]}}' \
	'{"results":{"tests":[{"name":"d-0","status":"passed","\u017ftatus":"failed"}]}}' \
	'{"results":{"tests":[{"name":"d-0","status":"passed"}]},"Results":{"tests":[{"name":"d-0","status":"failed"}]}}' \
	'{"results":{"tests":[{"name":"d-0","status":"passed"}],"TESTS":[{"name":"d-1","status":"failed"}]}}' \
	'{"results":{"tests":[{"name":"d-0","status":"failed"}],"summary":{"tests":1,"failed":1,"Failed":0}}}' \
	'{"results":{"tool":{"name":"t","Name":"acme-prod-7"},"tests":[{"name":"d-0","status":"passed"}]}}'; do
	raw "$W/c1/deployment.json" "$doc"
	rm -rf "$W/o1b"
	emit "$W/o1b" --ctrf "$W/c1/deployment.json"
	expect_rc 2 "a report whose fields read two ways is refused: $doc"
	expect_err 'reads as' "the refusal names the key: $doc"
	rm -rf "$W/o1b"
	emit "$W/o1b" --ctrf "$W/c1/deployment.json" --full
	expect_rc 2 "... with --full too"
done
printf '{"results":{"tests":[{"name":"d-0","status":"passed","\xc5\xbftatus":"failed"}]}}' >"$W/c1/deployment.json"
rm -rf "$W/o1b"
emit "$W/o1b" --ctrf "$W/c1/deployment.json"
expect_rc 2 "a raw U+017F spelling of status is refused"
raw "$W/c1/deployment.json" '{"re\u0073ults":{"tests":[{"name":"d-0","status":"p\u0061ssed"},{"name":"d-1","status":"failed"}]}}'
emit "$W/o1c" --ctrf "$W/c1/deployment.json" --full
expect_rc 0 "escaped keys and statuses are what they decode to"
[ "$(st '.predicate.phases.deployment|"\(.passed) \(.failed)"' "$W/o1c")" = "1 1" ] && ok "... counted as decoded" || bad "escaped counts" "$(st '.predicate.phases.deployment' "$W/o1c")"
run verify "$W/o1c"
expect_rc 1 "verify's recount of the raw report agrees (exit 1: a failed test)"

# ---- item 2: every entry under --ctrf is read or refused ----
mk() { rm -rf "$W/c2" && mkdir -p "$W/c2/ctrf" && ctrf "$W/c2/ctrf/deployment.json" d passed; }
mk && mkdir -p "$W/c2/ctrf/results" && ctrf "$W/c2/ctrf/results/conformance.json" c failed
emit "$W/o4" --ctrf "$W/c2/ctrf"
expect_rc 2 "a directory that names no phase is refused"
expect_err 'ctrf/results.*names no phase' "the refusal names the directory"
mk && mkdir -p "$W/c2/ctrf/conformance/run1" && ctrf "$W/c2/ctrf/conformance/run1/report.json" c failed
emit "$W/o5" --ctrf "$W/c2/ctrf"
expect_rc 0 "ctrf/conformance/run1/ is read"
[ "$(st '.predicate.phases.conformance.failed' "$W/o5")" = 1 ] && ok "the failing conformance report under run1/ is in the predicate" || bad "run1 report counted"
mk && ctrf "$W/c2/ctrf/conformance.JSON" c failed
emit "$W/o6" --ctrf "$W/c2/ctrf"
expect_rc 0 "conformance.JSON is read"
[ "$(st '.predicate.phases.conformance.failed' "$W/o6")" = 1 ] && ok "conformance.JSON counts" || bad "conformance.JSON counted"
mk && mkdir -p "$W/real" && ctrf "$W/real/c.json" c failed && ln -s "$W/real" "$W/c2/ctrf/conformance"
emit "$W/o7" --ctrf "$W/c2/ctrf"
expect_rc 2 "a symlinked conformance/ directory is refused, not skipped"
expect_err 'conformance.*symlink' "the refusal says symlink"
mk && echo notes >"$W/c2/ctrf/README.txt"
emit "$W/o8" --ctrf "$W/c2/ctrf"
expect_rc 2 "a file that is not *.json is refused"
expect_err 'README.txt.*not a CTRF report' "the refusal names the file"
mk && mkfifo "$W/c2/ctrf/conformance.json"
emit "$W/o8" --ctrf "$W/c2/ctrf"
expect_rc 2 "a FIFO is refused"
mk && ctrf "$W/c2/ctrf/conformance.json" c failed
emit "$W/o9" --ctrf "$W/c2/ctrf" "$W/c2/ctrf/conformance.json" "$W/c2/ctrf"
expect_rc 0 "overlapping --ctrf arguments emit"
[ "$(st '.predicate.phases.conformance.failed' "$W/o9")" = 1 ] && ok "the same report given three times is counted once" || bad "overlap counted once" "$(st '.predicate.phases.conformance' "$W/o9")"
cp "$W/c2/ctrf/conformance.json" "$W/c2/conformance-copy.json"
emit "$W/o10" --ctrf "$W/c2/ctrf" "$W/c2/conformance-copy.json"
[ "$(st '.predicate.phases.conformance.failed' "$W/o10")" = 1 ] && ok "an identical copy is counted once" || bad "copy counted once"
expect_err 'counted once' "emit says a report was given twice"
# a copy is a copy within one phase: the same bytes in two phases are two
# phases that ran (a validator writing the same one-test report each time)
rm -rf "$W/c07" && mkdir -p "$W/c07/deployment" "$W/c07/conformance"
ctrfn "$W/c07/deployment/report.json" validator-pod:failed
cp "$W/c07/deployment/report.json" "$W/c07/conformance/report.json"
emit "$W/o07a" --ctrf "$W/c07"
expect_rc 0 "byte-identical reports in two phases emit"
[ "$(jq -r '[.predicate.phases | to_entries[] | "\(.key):\(.value.failed)"] | sort | join(" ")' "$W/o07a/summary-bundle/statement.intoto.json")" = "conformance:1 deployment:1" ] &&
	ok "each phase keeps its byte-identical report" ||
	bad "a phase dropped for a copy in another phase" "$(st '.predicate.phases' "$W/o07a")"
[ -f "$W/o07a/summary-bundle/ctrf/deployment.json" ] && [ -f "$W/o07a/summary-bundle/ctrf/conformance.json" ] &&
	ok "both phases' CTRF files are written" || bad "both phases' CTRF files" "$(ls "$W/o07a/summary-bundle/ctrf")"
if grep -q 'counted once' "$T_ERR"; then bad "no copy note across phases" "$(cat "$T_ERR")"; else ok "no copy note across phases"; fi
run verify "$W/o07a"
[ "$T_RC" -le 1 ] && ok "the two-phase bundle verifies" || bad "the two-phase bundle verifies" "exit $T_RC"
# a copy within a phase is still counted once next to the cross-phase one
cp "$W/c07/deployment/report.json" "$W/c07/deployment/report-copy.json"
emit "$W/o07b" --ctrf "$W/c07"
[ "$(st '.predicate.phases.deployment.failed' "$W/o07b"):$(st '.predicate.phases.conformance.failed' "$W/o07b")" = 1:1 ] &&
	ok "a copy within deployment is counted once, conformance kept" || bad "copy within a phase" "$(st '.predicate.phases' "$W/o07b")"
expect_err '1 CTRF report.*counted once' "emit notes the one copy within a phase"

# ---- item 3: CTRF rebuilt from an allowlist ----
python3 - "$W/c3.json" <<'PY'
import json, sys
t = {"name": "gpu-check", "status": "failed", "duration": 5, "suite": ["deployment", "bad suite!"],
     "message": "m1", "Message": "m2", "stdout": ["s1"], "STDOUT": ["s2"], "stderr": ["s3"], "trace": "tr",
     "filePath": "/home/acme/x", "attachments": [{"name": "a", "path": "/tmp/p"}], "parameters": {"p": "v"},
     "steps": [{"name": "st", "stdout": ["s4"]}], "retryAttempts": [{"message": "r1", "trace": "r2"}],
     "extra": {"nodesValidated": "3", "podName": "pod-1"}}
r = {"reportFormat": "CTRF", "specVersion": "0.0.1", "reportId": "rid-1", "generatedBy": "acme-ci host-7",
     "timestamp": "2026-01-01T00:00:00Z", "extra": {"x": "hx"},
     "results": {"tool": {"name": "aicr", "version": "v1.0.0", "url": "http://tool.internal", "extra": {"a": "b"}},
                 "tests": [t], "environment": {"appName": "aicr", "testEnvironment": "acme-prod-7",
                                               "buildUrl": "http://ci.internal/1", "repositoryUrl": "git@acme:x",
                                               "branchName": "acme-secret"}}}
json.dump(r, open(sys.argv[1], "w"))
PY
mkdir -p "$W/c3" && mv "$W/c3.json" "$W/c3/deployment.json"
emit "$W/o11" --ctrf "$W/c3/deployment.json"
expect_rc 0 "a report full of unlisted fields emits"
D11=$W/o11/summary-bundle/ctrf/deployment.json
[ "$(jq -c '.results.tests[0]|keys' "$D11")" = '["duration","extra","name","status","suite"]' ] &&
	ok "a test keeps only name, status, duration, suite, extra" || bad "test keys" "$(jq -c '.results.tests[0]|keys' "$D11")"
[ "$(jq -c '.results.tests[0].suite' "$D11")" = '["deployment"]' ] && ok "a suite name no pattern allows is dropped" || bad "suite"
[ "$(jq -c '[keys, (.results|keys), (.results.tool|keys)]' "$D11")" = '[["reportFormat","results","specVersion","timestamp"],["summary","tests","tool"],["name","version"]]' ] &&
	ok "the header keeps reportFormat, specVersion, timestamp, tool name and version" || bad "header keys" "$(jq -c '[keys, (.results|keys)]' "$D11")"
if grep -qE 'm1|m2|"s[1-4]"|"tr"|/home/acme|/tmp/p|rid-1|acme-ci|hx|tool.internal|acme-prod-7|ci.internal|git@acme|acme-secret|pod-1|"r[12]"' "$D11"; then
	bad "no unlisted value survives" "$(cat "$D11")"
else
	ok "no unlisted value survives (trace, stderr, steps, attachments, case variants, environment, ...)"
fi
emit "$W/o12" --ctrf "$W/c3/deployment.json" --policy reference-v4
expect_rc 0 "--policy reference-v4 emits"
[ "$(jq -r '.results.environment.testEnvironment' "$W/o12/summary-bundle/ctrf/deployment.json")" = acme-prod-7 ] &&
	ok "reference-v4 keeps the environment as the reference does" || bad "reference-v4 environment"
[ "$(st '.predicate.redaction.applied|length' "$W/o12")" = 6 ] && ok "reference-v4 records the reference's six rules" || bad "reference-v4 rules"
jq '.results.tests[0].name = "gpu check; rm -rf /"' "$W/c3/deployment.json" >"$W/c3/x" && mv "$W/c3/x" "$W/c3/deployment.json"
emit "$W/o13" --ctrf "$W/c3/deployment.json"
expect_rc 2 "a test name no pattern allows is refused"
expect_err 'test 0: name .* is not publishable' "the refusal names the test"
# a name of the right characters that carries an encoded value: base64 of
# "acme-prod-training-7 10.0.3.7" (whole, or cut at its / or -), a hex id,
# a UUID
for n in YWNtZS1wcm9kLXRyYWluaW5nLTcgMTAuMC4zLjc check-YWNtZS1wcm9k/LXRyYWluaW5n \
	check-YWNtZS1wcm9k-LXRyYWluaW5nLTc run-6f1c2e9a0b7d4c3e c0a8f3e2-1b4d-4e6f-9a7c-2d5e8f1a3b6c; do
	ctrfn "$W/c3/deployment.json" "$n:passed"
	rm -rf "$W/o13"
	emit "$W/o13" --ctrf "$W/c3/deployment.json"
	expect_rc 2 "a test name carrying an encoded value is refused: $n"
done
ctrfn "$W/c3/deployment.json" TestNCCLAllReduce8GPU:passed nccl-all-reduce-bw:passed conformance/dra-gpu-allocation-v1beta1:passed
rm -rf "$W/o13"
emit "$W/o13" --ctrf "$W/c3/deployment.json"
expect_rc 0 "names that are names (CamelCase, digits, paths) are published"
# the catalog names the checks: a report's test must be one of them
ctrfn "$W/c3/deployment.json" gpu-operator-ready:passed acme-internal-probe:passed
emit "$W/o14" --ctrf "$W/c3/deployment.json" --validator-catalog "$EX/validator-catalog.yaml"
expect_rc 2 "a test the validator catalog does not name is refused"
expect_err 'test 1: "acme-internal-probe" is not a check the validator catalog or the recipe names for the deployment phase' "the refusal names the test and the phase"

# ---- item 4: snapshot values validated, the fingerprint allowlisted ----
cat >"$W/snap.yaml" <<'EOF'
kind: Snapshot
apiVersion: aicr.nvidia.com/v1alpha1
metadata:
  timestamp: {secret: acme-meta-map}
  version: v0.14.2
fingerprint:
  service: {value: eks, source: K8s.node.provider, internal: {deep: acme-fp-deep}}
  accelerator: {value: h100}
  k8sVersion: {value: "v1.33.1\nacme-fp-line"}
  region: {value: us-acme-1}
  acmeTeam: {value: acme-fp-team}
measurements:
  - type: K8s
    subtypes:
      - subtype: server
        data: {version: "v1.33.1\nacme-multi-line", platform: linux/amd64}
      - subtype: server
        data: {version: v9.9.9-acme-second, goVersion: go1.24.2}
      - subtype: node
        data: {provider: acme-cloud, kubelet-version: v1.33.1, operating-system: acme-os, os-image: "Ubuntu 22.04"}
      - subtype: image
        data: {app: "registry.acme.corp/app:1@sha256:acme-url-password"}
  - type: GPU
    subtypes:
      - subtype: hardware
        data: {gpu-present: "yes-acme", gpu-count: "8", driver-loaded: true, model: "NVIDIA H100\nacme-gpu-line"}
  - type: NodeTopology
    subtypes:
      - subtype: summary
        data: {node-count: 4, taint-count: 10.0.0.7}
      - subtype: label
        data: {topology.kubernetes.io/region: us-acme-1}
EOF
run emit --recipe "$EX/recipe.yaml" --snapshot "$W/snap.yaml" --ctrf "$EX/ctrf" -o "$W/o15"
expect_rc 0 "a snapshot with ill-shaped values emits"
S15=$W/o15/summary-bundle/snapshot.yaml
if grep -q acme "$S15"; then bad "every ill-shaped value is dropped" "$(grep acme "$S15")"; else ok "every ill-shaped value is dropped (maps, multi-line, wrong types, unknown enumerations)"; fi
[ "$(grep -c 'subtype: server' "$S15")" = 1 ] && ok "a repeated subtype: one entry" || bad "one entry per subtype"
grep -q 'goVersion' "$S15" && bad "the first server entry wins" || ok "the first server entry wins (the second's keys are not merged in)"
yq -e '.fingerprint | keys == ["accelerator","service"]' "$S15" >/dev/null && ok "the fingerprint keeps allowlisted dimensions with valid values" || bad "fingerprint dims" "$(yq -c .fingerprint "$S15")"
grep -q 'node-count: 4' "$S15" && grep -q 'driver-loaded: true' "$S15" && ok "valid counts and booleans stay" || bad "valid values kept"

# a value of the right characters that carries an encoded one is dropped
sed -e 's/^\( *os-image:\).*/\1 Ubuntu QUNNRS1wcm9k+dHJhaW4/' \
	-e 's/^\( *model:\).*/\1 NVIDIA H100 (0123456789abcdef0123)/' \
	-e 's/^\( *kubelet-version:\).*/\1 v1.33.1-eks-931bdca5e77f0c2d9a/' \
	-e 's/^\( *PRETTY_NAME:\).*/\1 Ubuntu MFRGGZDFMZTWQ2LKNNWG23TPOA/' \
	"$EX/snapshot.yaml" >"$W/snap-blob.yaml"
run emit --recipe "$EX/recipe.yaml" --snapshot "$W/snap-blob.yaml" --ctrf "$EX/ctrf" -o "$W/o15b"
expect_rc 0 "a snapshot with encoded values emits"
for v in QUNNRS1wcm9k 0123456789abcdef0123 931bdca5e77f0c2d9a MFRGGZDFMZTWQ2LK; do
	if grep -rq "$v" "$W/o15b"; then bad "an encoded value ($v) is dropped everywhere" "$(grep -rl "$v" "$W/o15b")"; else ok "an encoded value ($v) is dropped from the snapshot, the predicate and the BOM"; fi
done
grep -q 'os-image' "$W/o15b/summary-bundle/snapshot.yaml" && bad "os-image dropped" || ok "... the key goes with it"
grep -q 'VERSION_ID' "$W/o15b/summary-bundle/snapshot.yaml" && ok "the other values stay" || bad "other values kept"

# ---- item 5: nothing in the predicate or the BOM that the policy drops ----
[ "$(st '.predicate.fingerprint|has("region")' "$W/o15")" = false ] && ok "no region in the predicate (it comes from dropped labels)" || bad "region in predicate"
if st '.predicate' "$W/o15" | grep -q acme; then bad "predicate carries no dropped value" "$(st '.predicate.fingerprint' "$W/o15")"; else ok "the predicate carries no dropped or ill-shaped value"; fi
if grep -q acme "$W/o15/summary-bundle/bom.cdx.json"; then bad "the BOM lists no observed image"; else ok "the BOM lists no observed image (the snapshot drops K8s/image)"; fi
mkdir -p "$W/c5" && ctrfn "$W/c5/deployment.json" gpu-operator-ready:passed
jq '.results.tool.image = "registry.acme.corp:5000/validators/d:v1@sha256:0000000000000000000000000000000000000000000000000000000000000000"' \
	"$W/c5/deployment.json" >"$W/c5/x" && mv "$W/c5/x" "$W/c5/deployment.json"
ctrfn "$W/c5/conformance.json" k8s-version-constraint:passed
jq '.results.tool.image = "ghcr.io/nvidia/aicr-validators/conformance:v1.0.0"' "$W/c5/conformance.json" >"$W/c5/x" && mv "$W/c5/x" "$W/c5/conformance.json"
emit "$W/o16" --ctrf "$W/c5"
[ "$(st '[.predicate.validatorImages[].image]|join(",")' "$W/o16")" = ghcr.io/nvidia/aicr-validators/conformance:v1.0.0 ] &&
	ok "a validator image on an internal registry is not published" || bad "validatorImages" "$(st '.predicate.validatorImages' "$W/o16")"
emit "$W/o17" --ctrf "$W/c5" --policy reference-v4
[ "$(st '.predicate.validatorImages|length' "$W/o17")" = 2 ] && ok "reference-v4 records both images" || bad "reference-v4 images"

# ---- item 6: recipe fields beyond the reference's schema ----
cat "$EX/recipe.yaml" >"$W/recipe.yaml"
printf 'annotations:\n  owner: acme-ml-team\n' >>"$W/recipe.yaml"
yq -y -i '.criteria.customer = "acme" | .componentRefs[0].values = {"token": "s3cr3t"}' "$W/recipe.yaml"
run emit --recipe "$W/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o "$W/o18"
expect_rc 0 "a recipe with extra fields emits (it ships as given)"
expect_err 'warning: .*3 field\(s\) beyond the reference.s recipe schema will be published' "a warning says they will be published"
expect_err '"criteria.customer", "componentRefs\[0\].values", "annotations"' "the warning lists them"
run emit --recipe "$W/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o "$W/o19" --strict
expect_rc 2 "--strict refuses them"
expect_err 'criteria.customer' "the refusal lists them"
[ ! -e "$W/o19" ] && ok "--strict writes nothing" || bad "--strict writes nothing"
run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o "$W/o20" --strict
expect_rc 0 "the example recipe is within the reference's schema (--strict)"
if grep -q '^aicr-evidence: warning' "$T_ERR"; then bad "the example recipe gives no warning"; else ok "the example recipe gives no warning"; fi
# recipe.yaml ships in its canonical form: comments are not published
{ echo '# cluster acme-prod-7, us-acme-1'; cat "$EX/recipe.yaml"; } >"$W/commented.yaml"
run emit --recipe "$W/commented.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o "$W/o21" --strict
expect_rc 0 "a commented recipe emits (--strict)"
if grep -rq 'acme-prod-7' "$W/o21"; then bad "a recipe comment is not published" "$(grep -rl 'acme-prod-7' "$W/o21")"; else ok "a recipe comment is not published"; fi

# ---- item 8: the example data publishes nothing the policy drops ----
emit "$W/ex" --ctrf "$EX/ctrf" --validator-catalog "$EX/validator-catalog.yaml"
expect_rc 0 "the examples emit with their catalog"
if python3 "$HERE/canary.py" leaks "$W/ex" "$EX/recipe.yaml" "$EX/snapshot.yaml" "$EX"/ctrf/*.json >"$W/leaks.txt"; then
	ok "the bundle of recipes/examples holds no value the policy drops ($(tail -1 "$W/leaks.txt"))"
else
	bad "example leaks" "$(head -5 "$W/leaks.txt")"
fi
leaked=0
for s in acme-prod-training-7 us-west-2 acme-internal docker-registry.acme.corp ip-10-0-12-34; do
	if grep -rq -- "$s" "$W/ex/summary-bundle" "$W/ex/pointer.yaml"; then bad "examples: $s is dropped"; leaked=1; fi
done
[ $leaked = 0 ] && ok "examples: testEnvironment, region, internal images and node names are not in the bundle"

# ---- the canary test: every field of every input carries a canary ----
python3 "$HERE/canary.py" make "$W/cn" >/dev/null
run emit --recipe "$W/cn/recipe.yaml" --snapshot "$W/cn/snapshot.yaml" --ctrf "$W/cn/ctrf" -o "$W/cn/out"
expect_rc 0 "the canary inputs emit"
if python3 "$HERE/canary.py" where "$W/cn" "$W/cn/out" >"$W/cn.txt"; then
	ok "canaries reach only kept fields: $(tail -1 "$W/cn.txt")"
else
	bad "canaries outside kept fields" "$(grep 'NOT A KEPT' "$W/cn.txt" | head -5)"
fi
[ -n "${CANARY_REPORT:-}" ] && cp "$W/cn.txt" "$CANARY_REPORT"
run verify "$W/cn/out"
[ "$T_RC" -le 1 ] && ok "the canary bundle verifies" || bad "the canary bundle verifies" "exit $T_RC"

t_end
