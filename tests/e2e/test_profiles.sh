#!/usr/bin/env bash
# tests/e2e/test_profiles.sh -- profiled recipes and the three predicate
# types (issue 18 part 2; reference ADR-015, identity.go, predicate.go):
# emit and --profile, the recipe name suffix, the predicate profile block
# and its policy descriptor identity (recomputed here apart, with
# sha256sum), digest --profile, the type coherence rules of v1/v2/v3, the
# profile binding in verify with its "historical-only" verdict, and the
# retired aicr.nvidia.com type refused with the reference's message.
. "$(dirname "$0")/lib.sh"
t_begin
EX=$(cd "$(dirname "$0")/../../recipes/examples" && pwd)
W=$T_WORK
export SOURCE_DATE_EPOCH=1763650000
V1=https://aicr.run/recipe-evidence/v1
V2=https://aicr.run/recipe-evidence/v2
V3=https://aicr.run/recipe-evidence/v3

cat >"$W/profiled.yaml" <<'EOF'
kind: RecipeResult
apiVersion: aicr.run/v1
metadata:
  version: v0.14.2
  selectedProfile:
    name: gpuStack
    value: GCP-Managed
    advertiser: external
    ownedPaths:
      gpu-operator: [devicePlugin.enabled, enabled]
criteria:
  service: gke
  accelerator: h100
  os: cos
  intent: inference
  platform: dynamo
componentRefs:
  - name: gpu-operator
    overrides:
      devicePlugin: {enabled: false}
  - name: nvidia-dra-driver-gpu
  - name: gpu-operator-ocp
    overrides: {enabled: false}
EOF
# The identity, apart: the enabled descriptor components of the closure.
WANT_ID=$(printf 'gpu-operator:devicePlugin.enabled\nnvidia-dra-driver-gpu:gpuResourcesEnabledOverride\nnvidia-dra-driver-gpu:resources.gpus.enabled\n' | sha256sum | cut -d' ' -f1)
NAME=h100-gke-cos-inference-dynamo-gpustack-gcp-managed

emit_ok() { # RECIPE OUT [extra args...]
	local r=$1 out=$2
	shift 2
	run emit --recipe "$r" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o "$out" "$@"
}
st() { jq -r "$2" "$1/summary-bundle/statement.intoto.json"; }
verify_json() { run verify --format json "$1"; }
expect_cause() { # RE what
	if jq -e --arg v "$1" '.failureCause.detail | test($v)' "$T_OUT" >/dev/null; then ok "$2"; else bad "$2" "failureCause lacks /$1/: $(jq -c .failureCause "$T_OUT")"; fi
}
# Rewrites the unsigned statement with jq filter $2.
restate() { # DIR FILTER [jq args...]
	local sb=$1/summary-bundle f=$2
	shift 2
	jq "$@" "$f" "$sb/statement.intoto.json" >"$sb/s.tmp" && mv "$sb/s.tmp" "$sb/statement.intoto.json"
}
fresh() { rm -rf "$W/$2" && cp -r "$W/$1" "$W/$2"; }

# ---- emit: name, pointer, profile block ----
emit_ok "$W/profiled.yaml" "$W/p"
expect_rc 0 "a profiled recipe emits"
[ "$(st "$W/p" .predicate.recipe.name)" = "$NAME" ] && ok "the recipe name ends in the lowercased -<name>-<value>" || bad "the recipe name ends in the lowercased -<name>-<value>" "$(st "$W/p" .predicate.recipe.name)"
grep -qx "profile: gpuStack=GCP-Managed" "$W/p/pointer.yaml" && ok "the pointer records profile: name=value" || bad "the pointer records profile: name=value"
grep -qx "recipe: $NAME" "$W/p/pointer.yaml" && ok "the pointer's recipe carries the suffix" || bad "the pointer's recipe carries the suffix"
[ "$(st "$W/p" .predicateType)" = "$V3" ] && ok "new profiled evidence is v3" || bad "new profiled evidence is v3"
[ "$(st "$W/p" '.predicate.profile|keys_unsorted|join(",")')" = "selection,advertiser,policyDescriptorIdentity" ] && ok "the profile block: selection, advertiser, policyDescriptorIdentity" || bad "the profile block: selection, advertiser, policyDescriptorIdentity" "$(st "$W/p" -c .predicate.profile)"
[ "$(st "$W/p" .predicate.profile.selection)" = "gpuStack=GCP-Managed" ] && ok "the block's selection is the recipe's" || bad "the block's selection is the recipe's"
[ "$(st "$W/p" .predicate.profile.advertiser)" = "external" ] && ok "the block's advertiser is the recipe's" || bad "the block's advertiser is the recipe's"
[ "$(st "$W/p" .predicate.profile.policyDescriptorIdentity)" = "$WANT_ID" ] && ok "the identity is SHA-256 over the closure's component:path lines" || bad "the identity is SHA-256 over the closure's component:path lines" "$(st "$W/p" .predicate.profile.policyDescriptorIdentity) want $WANT_ID"
[ "$(jq -r '.predicate|keys_unsorted|last' "$W/p/summary-bundle/statement.intoto.json")" = "profile" ] && ok "the block comes last, as in the reference's struct" || bad "the block comes last, as in the reference's struct"
verify_json "$W/p"
expect_rc 0 "the profiled bundle verifies"
emit_ok "$EX/recipe.yaml" "$W/u"
[ "$(st "$W/u" '.predicate|has("profile")')" = false ] && ok "an unprofiled recipe has no profile block" || bad "an unprofiled recipe has no profile block"
if grep -q '^profile:' "$W/u/pointer.yaml"; then bad "an unprofiled pointer has no profile"; else ok "an unprofiled pointer has no profile"; fi

# An advertiser-less profile owning no policy selector has the empty
# closure: the identity of the empty set.
sed -e '/advertiser: external/d' -e 's/\[devicePlugin.enabled, enabled\]/[enabled, driver.version]/' "$W/profiled.yaml" >"$W/noclosure.yaml"
emit_ok "$W/noclosure.yaml" "$W/nc"
[ "$(st "$W/nc" .predicate.profile.policyDescriptorIdentity)" = "$(printf '' | sha256sum | cut -d' ' -f1)" ] && ok "no closure: the identity of the empty set" || bad "no closure: the identity of the empty set"
[ "$(st "$W/nc" '.predicate.profile|has("advertiser")')" = false ] && ok "an empty advertiser is omitted" || bad "an empty advertiser is omitted"

# ---- emit --profile ----
emit_ok "$W/profiled.yaml" "$W/p2" --profile gpuStack=GCP-Managed
expect_rc 0 "emit --profile with the recipe's selection"
emit_ok "$W/profiled.yaml" "$W/p3" --profile gpuStack=operator-managed
expect_rc 2 "emit --profile with another selection: refused"
expect_err 'selects another profile' "emit --profile: the message says so"
[ -e "$W/p3" ] && bad "a refused emit leaves no output" || ok "a refused emit leaves no output"
emit_ok "$EX/recipe.yaml" "$W/p4" --profile gpuStack=x
expect_rc 2 "emit --profile on an unprofiled recipe: refused"
expect_err 'selects no profile' "emit --profile on an unprofiled recipe: the message says so"
emit_ok "$W/profiled.yaml" "$W/p5" --profile not-a-selection
expect_rc 64 "emit --profile not-a-selection: a usage error"

# ---- digest --profile ----
run digest --profile gpuStack=GCP-Managed "$W/profiled.yaml"
expect_rc 0 "digest --profile with the baked selection"
expect_out_eq "$(st "$W/p" .predicate.recipe.digest)" "digest --profile prints the predicate's digest"
run digest --profile gpuStack=other "$W/profiled.yaml"
expect_rc 2 "digest --profile with another selection: refused"
expect_err 'already baked' "digest --profile: already baked"
run digest --profile gpuStack=x "$EX/recipe.yaml"
expect_rc 2 "digest --profile on an unprofiled recipe: refused"

# ---- the profile binding in verify ----
fresh p hist
restate "$W/hist" '.predicate.profile.policyDescriptorIdentity=$i' --arg i "$(printf 'gpu-operator:devicePlugin.enabled\n' | sha256sum | cut -d' ' -f1)"
verify_json "$W/hist"
expect_rc 2 "a recorded identity that differs from the recomputation: invalid"
expect_cause 'historical-only' "... with the reference's historical-only verdict"
fresh p noblock
restate "$W/noblock" 'del(.predicate.profile)'
verify_json "$W/noblock"
expect_rc 2 "a profiled recipe under a predicate without the block: invalid"
expect_cause 'no profile block' "... named"
fresh u addblock
restate "$W/addblock" '.predicate.profile={selection:"gpuStack=x",policyDescriptorIdentity:"ab"}'
verify_json "$W/addblock"
expect_rc 2 "a profile block over an unprofiled recipe: invalid"
expect_cause 'unprofiled' "... named"
fresh p sel
restate "$W/sel" '.predicate.profile.selection="gpuStack=other"'
verify_json "$W/sel"
expect_rc 2 "another selection in the block: invalid"
fresh p adv
restate "$W/adv" 'del(.predicate.profile.advertiser)'
verify_json "$W/adv"
expect_rc 2 "another advertiser in the block: invalid"
expect_cause 'advertiser' "... named"

# ---- predicate types: v1, v2, v3 (reference ValidatePredicateTypeCoherence) ----
d1p=$(ae digest --predicate-type "$V1" "$W/p/summary-bundle/recipe.yaml")
d1u=$(ae digest --predicate-type "$V1" "$W/u/summary-bundle/recipe.yaml")
fresh u v1
restate "$W/v1" '.predicateType=$t | .predicate.recipe.digest=$d' --arg t "$V1" --arg d "$d1u"
verify_json "$W/v1"
expect_rc 0 "a v1 bundle (unprofiled, metadata.version in the digest) verifies"
fresh p v2
restate "$W/v2" '.predicateType=$t | .predicate.recipe.digest=$d' --arg t "$V2" --arg d "$d1p"
verify_json "$W/v2"
expect_rc 0 "a v2 bundle (profiled, the v1/v2 digest) verifies"
fresh p v2v3digest
restate "$W/v2v3digest" '.predicateType=$t' --arg t "$V2"
verify_json "$W/v2v3digest"
expect_rc 2 "a v2 bundle carrying a v3 digest: invalid (the digest follows the type)"
fresh u v2noprof
restate "$W/v2noprof" '.predicateType=$t | .predicate.recipe.digest=$d' --arg t "$V2" --arg d "$d1u"
verify_json "$W/v2noprof"
expect_rc 2 "a v2 predicate without the profile block: invalid"
expect_cause "predicateType $V2 requires the predicate profile block" "... with the reference's message"
fresh p v1prof
restate "$W/v1prof" '.predicateType=$t | .predicate.recipe.digest=$d' --arg t "$V1" --arg d "$d1p"
verify_json "$W/v1prof"
expect_rc 2 "a v1 predicate with a profile block: invalid"
expect_cause "predicateType $V1 cannot carry a profile block" "... with the reference's message"
fresh p badsel
restate "$W/badsel" '.predicate.profile.selection="gpuStack"'
verify_json "$W/badsel"
expect_rc 2 "a malformed selection in the block: invalid"
expect_cause 'malformed selection' "... named"
fresh p noid
restate "$W/noid" '.predicate.profile.policyDescriptorIdentity=""'
verify_json "$W/noid"
expect_rc 2 "a block without policyDescriptorIdentity: invalid"
fresh u retired
restate "$W/retired" '.predicateType="https://aicr.nvidia.com/recipe-evidence/v1"'
verify_json "$W/retired"
expect_rc 2 "the retired aicr.nvidia.com type: invalid"
expect_cause '^unexpected predicateType https://aicr.nvidia.com/recipe-evidence/v1$' "... refused with the reference's message"
fresh u v9
restate "$W/v9" '.predicateType="https://aicr.run/recipe-evidence/v9"'
verify_json "$W/v9"
expect_rc 2 "an unknown type: invalid"

t_end
