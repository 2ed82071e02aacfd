#!/usr/bin/env bash
# tests/e2e/test_ledger_lens.sh -- the consumers' ledger on signed evidence
# (issue 22 items 1-5): a ledger with historical, dev-build and
# multi-version runs (ledger_signed.sh signed_lens_ledger: a loopback
# registry and the local Sigstore stack), verified once online, then
# offline from the cache under every option -- freshness against
# --recipes, --include-historical, --exclude-dev, the versions lens
# (--same-version, --at-version), facets, the history and timeline, the
# text and JSON outputs, and the data feed (shape against
# docs/ledger-feed.schema.json, byte-stable across runs, stale series
# pruned).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry.sh"
. "$(dirname "$0")/sigstore_stack.sh"
. "$(dirname "$0")/ledger_signed.sh"
t_begin

here=$(cd "$(dirname "$0")" && pwd)
H=h100-eks-ubuntu-training
G=gb200-eks-ubuntu-training
D=$T_WORK/lens
signed_start "$T_WORK/svc" || t_end
signed_lens_ledger "$D" || t_end
ok "a signed ledger with historical, dev-build and multi-version runs"

run ledger --root "$D/root" --verify --trusted-root "$TR" --registry-plain-http \
	--cache "$D/cache" --format json -o "$T_WORK/online.json"
expect_rc 0 "ledger --verify pulls and verifies every bundle"
reg_stop "$T_WORK/svc/registry"

# L OPTIONS... -- offline from the cache, JSON on stdout (T_OUT)
L() {
	run ledger --root "$D/root" --verify --trusted-root "$TR" --offline --cache "$D/cache" \
		--format json "$@"
}
# J FILTER -- jq on the last JSON
J() { jq -r "$1" "$T_OUT"; }
# same WHAT GOT WANT
# check the latest view's check $2 of recipe $1: "pass/fail/state"
chk() { J ".recipes[] | select(.name==\"$1\") | .checks[] | select(.name==\"$2\") | \"\(.pass)/\(.fail)/\(.state)\""; }
# a signer's id by label
sid() { J ".signers[] | select(.label==\"$1\") | .id"; }

# ---- without --recipes: freshness unknown, everything verified counts ----
L
expect_rc 0 "offline from the cache"
same "all 8 runs verified" "$(J .counts.verified)/$(J .counts.runs)" "8/8"
same "without --recipes freshness is UNKNOWN" \
	"$(J '[.recipes[].pointers[].freshness.state] | unique | join(",")')" "UNKNOWN"
same "erin's old-recipe run counts when freshness is unknown" \
	"$(chk $H cert-manager-ready)" "4/0/CONFIRMED"
same "bob's failure contests k8s-version-constraint" \
	"$(chk $H k8s-version-constraint)" "3/1/CONTESTED"
same "the recipe rolls up CONTESTED" "$(J ".recipes[] | select(.name==\"$H\") | .state")" CONTESTED

# ---- freshness against the current recipes ----
L --recipes "$D/recipes"
expect_rc 0 "--recipes"
same "one run is HISTORICAL (signed over the old recipe)" "$(J .counts.historical)" 1
erin=$(sid erin)
same "erin's run is historical, with the digests in the note" \
	"$(J ".recipes[].pointers[] | select(.signer==\"$erin\") | \"\(.freshness.state) \(.why) \(.counts)\"")" \
	"HISTORICAL historical false"
if J ".recipes[].pointers[] | select(.signer==\"$erin\") | .freshness.note" | grep -q 'recipe changed since: signed digest'; then
	ok "the note names the signed and the current digest"
else
	bad "the note names the signed and the current digest"
fi
same "the other runs are CURRENT" \
	"$(J "[.recipes[].pointers[] | select(.signer!=\"$erin\") | .freshness.state] | unique | join(\",\")")" CURRENT
same "a historical run never counts toward the current state" \
	"$(chk $H cert-manager-ready)" "3/0/CONFIRMED"
same "erin is shown, not counted, in the matrix row" \
	"$(J ".recipes[] | select(.name==\"$H\") | .signers[] | select(.signer==\"$erin\") | \"\(.cell) \(.counts) \(.why)\"")" \
	"pass false historical"
run ledger --root "$D/root" --verify --trusted-root "$TR" --offline --cache "$D/cache" \
	--recipe "$D/recipes/$H.yaml"
expect_rc 0 "--recipe FILE names one current recipe"
expect_out 'freshness: recipe changed since' "the text form says why a run is historical"
expect_out "not counted: the recipe changed since \(historical; --include-historical counts it\)" \
	"the text form says it is not counted"

L --recipes "$D/recipes" --include-historical
same "--include-historical counts it" "$(chk $H cert-manager-ready)" "4/0/CONFIRMED"

# ---- development builds ----
L --recipes "$D/recipes"
dave=$(sid dave)
same "dave's aicrVersion dev is flagged" \
	"$(J ".recipes[].pointers[] | select(.signer==\"$dave\") | \"\(.aicrVersion) \(.dev)\"")" "dev true"
same "release runs are not" "$(J "[.recipes[].pointers[] | select(.signer!=\"$dave\") | .dev] | unique | join(\",\")")" false
same "one development build in the counts" "$(J .counts.dev)" 1
L --recipes "$D/recipes" --exclude-dev
same "--exclude-dev leaves it out of the consensus" "$(chk $H cert-manager-ready)" "2/0/CONFIRMED"
same "and says why" \
	"$(J ".recipes[] | select(.name==\"$H\") | .signers[] | select(.signer==\"$dave\") | \"\(.counts) \(.why)\"")" \
	"false dev-build"

# ---- the versions lens ----
L --recipes "$D/recipes"
same "the latest lens is the default" "$(J .lens.name)" latest
same "every tool version, newest first" "$(J '.versions | join(",")')" "0.21.1,0.20.0,dev"
same "a view per version" \
	"$(J ".recipes[] | select(.name==\"$H\") | [.views[] | \"\(.aicrVersion // \"any\")=\(.state)\"] | join(\",\")")" \
	"any=CONTESTED,0.21.1=CONTESTED,0.20.0=PARTIAL,dev=PARTIAL"
L --recipes "$D/recipes" --same-version
same "--same-version takes each recipe's newest version" \
	"$(J ".recipes[] | select(.name==\"$H\") | .views[.activeView].aicrVersion")" 0.21.1
same "and counts agreement at that version only" "$(chk $H k8s-version-constraint)" "1/1/CONTESTED"
L --recipes "$D/recipes" --at-version 0.20.0
same "--at-version 0.20.0: alice and bob agree there" \
	"$(chk $H k8s-version-constraint)" "2/0/CONFIRMED"
same "(gpu-burn was skipped by all: PARTIAL)" \
	"$(J ".recipes[] | select(.name==\"$H\") | .state")" PARTIAL
same "the runs in view are the 0.20.0 ones" \
	"$(J "[.recipes[] | select(.name==\"$H\") | .pointers[] | select(.latest) | .aicrVersion] | unique | join(\",\")")" 0.20.0
L --at-version 9.9.9
same "a version nobody ran is UNTESTED" "$(J "[.recipes[].state] | unique | join(\",\")")" UNTESTED
run ledger --root "$D/root" --verify --trusted-root "$TR" --offline --cache "$D/cache" --at-version 0.20.0
expect_out 'lens: same tool version only \(0\.20\.0\)' "the text form names the lens"

# ---- facets ----
L --recipes "$D/recipes"
same "the K8s minors seen" "$(J '.facets.k8s | join(",")')" "1.32,1.33"
same "bob's coordinates: K8s, OS, GPU" \
	"$(J '.signers[] | select(.label=="bob") | "\(.facets.k8s)|\(.facets.os)|\(.facets.gpu)"')" \
	"1.32|ubuntu 22.04|NVIDIA H100 NVL"

# ---- history and timeline ----
same "every run is listed, not only the latest" \
	"$(J ".recipes[] | select(.name==\"$H\") | .pointers | length")" 7
bob=$(sid bob)
same "bob's two runs, newest first, with per-check results" \
	"$(J ".recipes[] | select(.name==\"$H\") | [.pointers[] | select(.signer==\"$bob\") | \"\(.aicrVersion):\(.summary):\(.flips)\"] | join(\",\")")" \
	"0.21.1:fail:1,0.20.0:pass:0"
same "a run's results name phase and check" \
	"$(J ".recipes[] | select(.name==\"$H\") | .pointers[] | select(.signer==\"$bob\" and .aicrVersion==\"0.21.1\") | .results[] | select(.result==\"fail\") | \"\(.phase)/\(.name)\"")" \
	"conformance/k8s-version-constraint"
# bob day -1 (one signer, gpu-burn skipped: PARTIAL), alice day 1 (PARTIAL
# still), bob day 2 fails (CONTESTED), and nothing after changes it
same "the timeline: PARTIAL, then CONTESTED when bob failed" \
	"$(J ".recipes[] | select(.name==\"$H\") | [.timeline[] | \"\(.state)@\(.at)\"] | join(\",\")")" \
	"PARTIAL@2025-11-23T16:00:00Z,CONTESTED@2025-11-26T16:00:00Z"
same "the timeline ends at the recipe's state" \
	"$(J ".recipes[] | select(.name==\"$H\") | (.timeline[-1].state == .state)")" true

# ---- the data feed ----
erin_slug=$(J '.signers[] | select(.label=="erin") | .slug')
F=$T_WORK/feed
run ledger --root "$D/root" --verify --trusted-root "$TR" --offline --cache "$D/cache" \
	--recipes "$D/recipes" --format feed -o "$F"
expect_rc 0 "--format feed -o DIR"
if [ -s "$F/index.json" ] && [ -s "$F/series/$H.json" ] && [ -s "$F/series/$G.json" ]; then
	ok "index.json and series/<recipe>.json written"
else
	bad "index.json and series/<recipe>.json written" "$(ls -R "$F" 2>&1 | head -5)"
fi
out=$(python3 "$here/schema_check.py" "$here/../../docs/ledger-feed.schema.json" index "$F/index.json" 2>&1)
src=$?
if [ $src -eq 2 ]; then
	echo "SKIPPED -- the feed's JSON Schema check: $out"
elif [ $src -eq 0 ]; then
	ok "index.json is valid against docs/ledger-feed.schema.json"
	if python3 "$here/schema_check.py" "$here/../../docs/ledger-feed.schema.json" series "$F"/series/*.json >"$T_WORK/sc.out" 2>&1; then
		ok "every series file is valid against the schema"
	else
		bad "every series file is valid against the schema" "$(cat "$T_WORK/sc.out")"
	fi
else
	bad "index.json is valid against docs/ledger-feed.schema.json" "$out"
fi
same "the feed's tab has the reference's shape" \
	"$(jq -r ".groups[].dashboards[].tabs[] | select(.recipe==\"$H\") | \"\(.coord.service)/\(.coord.accelerator)-\(.coord.os)/\(.coord.intent) \(.combined.phaseRollup.conformance) \([.versions[].aicrVer] | join(\",\"))\"" "$F/index.json")" \
	"eks/h100-ubuntu/training CONTESTED 0.21.1,0.20.0,dev"
same "a historical run is in the series, not in a grid" \
	"$(jq -r "[.groups[].dashboards[].tabs[].combined.tests[].signers[].src] | index(\"$erin_slug\")" "$F/index.json")" null
same "its series build says why" \
	"$(jq -r ".builds[\"$erin_slug\"][0] | \"\(.counts) \(.why) \(.freshness)\"" "$F/series/$H.json")" \
	"false historical HISTORICAL"
same "generatedAt is the newest attestedAt, not the clock" \
	"$(jq -r .meta.generatedAt "$F/index.json")" "2025-11-29 16:00 UTC"
cp -r "$F" "$T_WORK/feed1"
sleep 1
run ledger --root "$D/root" --verify --trusted-root "$TR" --offline --cache "$D/cache" \
	--recipes "$D/recipes" --format feed -o "$F"
if diff -r "$T_WORK/feed1" "$F" >/dev/null; then
	ok "the feed is byte-stable across runs"
else
	bad "the feed is byte-stable across runs" "$(diff -r "$T_WORK/feed1" "$F" | head -5)"
fi
# A stale series is one this tool wrote (its "recipe" is its own name);
# a user's JSON beside it, a file naming another recipe, and a symlink
# (and what it points at) are not touched.
jq '.recipe = "gone-recipe"' "$F/series/$H.json" >"$F/series/gone-recipe.json"
echo '{}' >"$F/series/mine.json"
jq '.recipe = "elsewhere"' "$F/series/$H.json" >"$F/series/renamed.json"
jq '.recipe = "linked"' "$F/series/$H.json" >"$T_WORK/linked.json"
ln -s "$T_WORK/linked.json" "$F/series/linked.json"
echo keep >"$F/series/notes.txt"
run ledger "$G" --root "$D/root" --verify --trusted-root "$TR" --offline --cache "$D/cache" \
	--format feed -o "$F"
if [ ! -e "$F/series/gone-recipe.json" ] && [ ! -e "$F/series/$H.json" ] &&
	[ -s "$F/series/$G.json" ] && [ -e "$F/series/notes.txt" ]; then
	ok "stale series files are pruned, other files kept"
else
	bad "stale series files are pruned, other files kept" "$(ls "$F/series")"
fi
if [ -s "$F/series/mine.json" ] && [ -s "$F/series/renamed.json" ] &&
	[ -L "$F/series/linked.json" ] && [ -s "$T_WORK/linked.json" ]; then
	ok "pruning never removes a JSON file that is not a series of its name, nor a symlink"
else
	bad "pruning never removes a JSON file that is not a series of its name, nor a symlink" "$(ls -l "$F/series")"
fi
run ledger --root "$D/root" --format feed
expect_rc 64 "--format feed without -o DIR is a usage error"

t_end
