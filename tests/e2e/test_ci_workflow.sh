#!/usr/bin/env bash
# tests/e2e/test_ci_workflow.sh -- the shipped CI gate (issue 15, items 1
# and 10): ci/evidence-pointer-contract.yaml and ci/action.yml.
#
# The workflow must judge what lands -- the forge's test merge commit
# against the target's tip it was made from, or a merge queue's commit --
# never a merge base it computes itself; it must not build the tool from a
# repository URL nobody chose (only from a pinned commit it verifies, or
# the composite action pinned by `uses:`); and it must run on every PR (a
# required check behind a `paths:` filter stays pending, and a top-level
# .gitattributes lies outside recipes/evidence/). The static rules are read
# from the YAML; then the workflow's own check step and the action's are
# run as a runner would, against repositories built here: a clean PR, a
# criss-cross PR whose real merge deletes a pointer, and a merge queue.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_fixture.sh"
t_begin
CI=$(cd "$(dirname "$0")/../../ci" && pwd)
WF=$CI/evidence-pointer-contract.yaml
A_SLUG=$(lf_slug "$ISS_OAUTH" "$ID_ALICE")

# yq EXPR FILE: a Python expression over the YAML document `d`.
yq() { python3 -c 'import sys, yaml; d = yaml.safe_load(open(sys.argv[2])); print(eval(sys.argv[1]))' "$1" "$2"; }
# step NAME-PREFIX FILE: the run script of the first step whose name starts
# with NAME-PREFIX (workflow: jobs.contract; action: runs).
step() {
	python3 - "$1" "$2" <<'EOF'
import sys, yaml
d = yaml.safe_load(open(sys.argv[2]))
steps = d["runs"]["steps"] if "runs" in d else d["jobs"]["contract"]["steps"]
for s in steps:
    if s.get("name", "").startswith(sys.argv[1]):
        print(s["run"])
        break
EOF
}

# ---- static rules ----
on=$(yq 'sorted((d.get("on") or d.get(True)).keys())' "$WF")
[ "$on" = "['merge_group', 'pull_request']" ] && ok "the workflow runs on pull_request and merge_group" || bad "triggers" "$on"
[ "$(yq '(d.get("on") or d.get(True))["pull_request"]' "$WF")" = None ] &&
	ok "no paths filter: a required check always reports" || bad "no paths filter" "$(yq '(d.get("on") or d.get(True))' "$WF")"
if grep -qiE 'https?://[^ ]*aicr-evidence' "$WF"; then
	bad "the workflow names no repository URL of its own" "$(grep -iE 'https?://[^ ]*aicr-evidence' "$WF")"
else
	ok "the workflow names no repository URL of its own"
fi
[ "$(yq 'd["jobs"]["contract"]["env"]["AICR_EVIDENCE_REPO"]' "$WF")" = "" ] &&
	[ "$(yq 'd["jobs"]["contract"]["env"]["AICR_EVIDENCE_COMMIT"]' "$WF")" = "" ] &&
	ok "repository and commit have no default: the adopter pins them" || bad "no default pin"
build=$(step "Build" "$WF")
grep -q 'rev-parse HEAD' <<<"$build" && grep -q '\[0-9a-f\]{40}' <<<"$build" &&
	ok "the build accepts only a full commit and checks it got that commit" || bad "the build verifies its pin"
check=$(step "Check the contract" "$WF")
if grep -q 'merge-base' <<<"$check"; then bad "the check step computes no merge base" "$(grep merge-base <<<"$check")"; else ok "the check step computes no merge base"; fi
[ "$(yq 'd["permissions"]' "$WF")" = "{'contents': 'read'}" ] && ok "read-only token" || bad "read-only token"
[ "$(yq 'd["runs"]["using"]' "$CI/action.yml")" = composite ] &&
	grep -q 'GITHUB_ACTION_PATH/\.\.' "$CI/action.yml" &&
	ok "ci/action.yml is a composite action built from its own pinned revision" || bad "ci/action.yml"

# ---- the check step, run as the runner runs it ----
BIN=$T_WORK/bin
mkdir -p "$BIN"
ln -s "$AE_BIN" "$BIN/aicr-evidence"
# run_step SCRIPT: runs a step's script in $R with the runner's variables;
# sets T_RC, T_OUT (its stdout: annotations), T_ERR.
run_step() {
	local sum=$T_WORK/summary
	: >"$sum"
	(cd "$R" && PATH=$BIN:$PATH RUNNER_TEMP=$T_WORK GITHUB_STEP_SUMMARY=$sum \
		EVIDENCE_ROOT=$EV TRUST_BASE_ALLOWLIST=false bash -c "$1") >"$T_OUT" 2>"$T_ERR"
	T_RC=$?
}
# forge_merge: the test merge commit a forge makes for branch pr on main,
# checked out detached as actions/checkout leaves it; sets GITHUB_SHA.
forge_merge() {
	git -C "$R" checkout -q --detach main
	git -C "$R" -c user.name=forge -c user.email=f@example.com merge -q --no-ff --no-edit pr
	GITHUB_SHA=$(git -C "$R" rev-parse HEAD)
	PR_HEAD_SHA=$(git -C "$R" rev-parse pr)
}

# a clean PR: one pointer added after main moved on
R=$(lf_repo wf-clean)
git -C "$R" checkout -q -b pr
lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$(lf_hex wf1)" >/dev/null
lf_commit "$R" "pr"
git -C "$R" checkout -q main
lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_BOB" "$(lf_hex wf-main)" >/dev/null
lf_commit "$R" "main moves"
forge_merge
noverify=${check//--verify-signatures /}
EVENT=pull_request GITHUB_SHA=$GITHUB_SHA PR_HEAD_SHA=$PR_HEAD_SHA run_step "export EVENT=pull_request GITHUB_SHA=$GITHUB_SHA PR_HEAD_SHA=$PR_HEAD_SHA; $noverify"
[ "$T_RC" -eq 0 ] && grep -q "judging $GITHUB_SHA against the target's tip $(git -C "$R" rev-parse main)" "$T_OUT" &&
	ok "pull_request: the forge's merge is judged against the target's tip; a clean PR passes" ||
	bad "pull_request: clean PR" "exit $T_RC: $(head -c 300 "$T_OUT") $(head -c 300 "$T_ERR")"

# the criss-cross PR of test_check_merge.sh: main adds X, side adds Y, main
# merges side; the PR starts on side and merges main's commit without X
R=$(lf_repo wf-cc)
X=$EV/$RECIPE/$A_SLUG/sha256-$(lf_hex wf-x).yaml
git -C "$R" branch side
lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$(lf_hex wf-x)" >/dev/null
lf_commit "$R" "X on main"
git -C "$R" checkout -q side
lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_BOB" "$(lf_hex wf-y)" >/dev/null
lf_commit "$R" "Y on side"
git -C "$R" checkout -q main
git -C "$R" merge -q --no-edit side
git -C "$R" checkout -q -b pr side
git -C "$R" merge -q --no-commit "$(git -C "$R" rev-parse 'main^1')" 2>/dev/null
git -C "$R" rm -qf "$X"
git -C "$R" -c user.name=t -c user.email=t@example.com commit -q --no-edit
forge_merge
[ ! -e "$R/$X" ] && ok "criss-cross: the forge's merge deletes X" || bad "the forge's merge deletes X"
run_step "export EVENT=pull_request GITHUB_SHA=$GITHUB_SHA PR_HEAD_SHA=$PR_HEAD_SHA; $noverify"
[ "$T_RC" -eq 1 ] && grep -q "^::error file=${X//:/%3A}" "$T_OUT" &&
	ok "criss-cross: the workflow fails the PR and annotates the deleted pointer" ||
	bad "criss-cross through the workflow" "exit $T_RC: $(head -c 400 "$T_OUT")"

# a merge queue names base and head itself
run_step "export EVENT=merge_group MQ_BASE_SHA=$(git -C "$R" rev-parse main) MQ_HEAD_SHA=$GITHUB_SHA; $noverify"
[ "$T_RC" -eq 1 ] && ok "merge_group: the queue's commit is judged the same" || bad "merge_group" "exit $T_RC"

# a checkout that is not the forge's merge of this PR is refused
run_step "export EVENT=pull_request GITHUB_SHA=$(git -C "$R" rev-parse main) PR_HEAD_SHA=$PR_HEAD_SHA; $noverify"
[ "$T_RC" -eq 2 ] && grep -q "is not the forge's merge" "$T_OUT" &&
	ok "a commit that is not the PR's merge is refused (exit 2)" || bad "not the PR's merge" "exit $T_RC: $(head -c 300 "$T_OUT")"

# ---- the composite action's check step ----
act=$(step "Check the contract" "$CI/action.yml")
GITHUB_OUTPUT=$T_WORK/gh-out
: >"$GITHUB_OUTPUT"
run_step "export GITHUB_OUTPUT=$GITHUB_OUTPUT IN_BASE=$(git -C "$R" rev-parse main) IN_HEAD=$GITHUB_SHA IN_ROOT=$EV IN_ALLOWLIST= IN_VERIFY=false; $act"
[ "$T_RC" -eq 1 ] && grep -q '^rc=1$' "$GITHUB_OUTPUT" && grep -q "^::error file=" "$T_OUT" &&
	ok "the action's check step refuses the criss-cross merge and reports exit-code 1" ||
	bad "the action's check step" "exit $T_RC: $(head -c 300 "$T_OUT") $(cat "$GITHUB_OUTPUT")"

t_end
