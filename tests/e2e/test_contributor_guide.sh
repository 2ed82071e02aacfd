#!/usr/bin/env bash
# tests/e2e/test_contributor_guide.sh -- docs/contributor-guide.md works
# verbatim (issue 20): every fenced block marked `<!-- guide-test: NAME -->`
# is run, in the page's order, in one shell, on a fresh `git clone` of this
# repository, against the registry and Sigstore stack `make stack-up`
# (tests/stack.sh) started; then each step's result is checked: the bundle
# emitted and valid unsigned, signed, pushed (the registry serves the
# digest the pointer names), the signed pointer verified, the pointer
# committed at its canonical path, and `check --verify-signatures` passing
# on the commit that adds it.
. "$(dirname "$0")/lib.sh"
t_begin
REPO=$(cd "$(dirname "$0")/../.." && pwd)
GUIDE=$REPO/docs/contributor-guide.md

for c in git docker-registry node jq curl; do
	command -v "$c" >/dev/null || {
		echo "SKIPPED -- $c not installed (make deps)"
		t_end
	}
done
[ -d "$REPO/tests/sigstore-stack/node_modules" ] || {
	echo "SKIPPED -- tests/sigstore-stack/node_modules missing (make deps)"
	t_end
}

# the blocks, in order: NAME and its lines, to $T_WORK/blocks/NN-NAME.sh
mkdir -p "$T_WORK/blocks"
awk -v d="$T_WORK/blocks" '
	/^<!-- guide-test: [a-z-]+ -->$/ { name = $3; want = 1; next }
	want && /^```sh$/ { n++; f = sprintf("%s/%02d-%s.sh", d, n, name); inblk = 1; want = 0; next }
	inblk && /^```$/ { inblk = 0; close(f); next }
	inblk { print > f; next }
	{ want = 0 }
' "$GUIDE"
steps=$(cd "$T_WORK/blocks" && ls)
want="01-setup.sh 02-emit.sh 03-verify-unsigned.sh 04-sign-push.sh 05-verify-signed.sh 06-commit.sh 07-check.sh"
[ "$(echo $steps)" = "$want" ] && ok "the guide marks its steps: $want" ||
	bad "the guide marks its steps" "found: $(echo $steps)"

# the services, the way a person starts them (another state dir, so a
# person's own `make stack-up` is left alone)
export AE_STACK_DIR=$T_WORK/stack
t_cleanup "bash '$REPO/tests/stack.sh' down '$AE_STACK_DIR' 2>/dev/null"
if ! bash "$REPO/tests/stack.sh" up >"$T_WORK/up1" 2>"$T_ERR"; then
	bad "stack-up starts the registry and the Sigstore stack" "$(head -c 300 "$T_ERR")"
	t_end
fi
ok "stack-up starts the registry and the Sigstore stack"
pids=$(cat "$AE_STACK_DIR"/*.pid)
bash "$REPO/tests/stack.sh" up >"$T_WORK/up2" 2>&1
[ "$(cat "$AE_STACK_DIR"/*.pid)" = "$pids" ] && grep -q '^export AE_REPO=' "$T_WORK/up2" &&
	ok "stack-up again reuses what runs and prints the environment again" ||
	bad "stack-up is idempotent" "$(head -c 300 "$T_WORK/up2")"
for v in AE_REPO AE_REGISTRY_FLAGS AE_SIGN_FLAGS AE_VERIFY_FLAGS AE_ISSUER AE_IDENTITY AE_IDENTITY_REGEXP AE_TOKEN_FILE; do
	grep -q "^export $v=" "$T_WORK/up2" || bad "stack-up prints $v"
done

# a fresh clone of this commit, the built binary in it (the guide's
# `make`), its own HOME and cache; origin/main is the clone's start, the
# branch a pull request would target
CL=$T_WORK/clone
git clone -q "$REPO" "$CL" 2>"$T_ERR" || {
	bad "git clone" "$(head -c 300 "$T_ERR")"
	t_end
}
# the work tree as it is (uncommitted changes of a developer included)
(cd "$REPO" && git ls-files -m -o --exclude-standard -z docs tests Makefile |
	xargs -0 -r cp --parents -t "$CL") 2>/dev/null
git -C "$CL" add -A && git -C "$CL" -c user.name=t -c user.email=t@example.test commit -qm "work tree" >/dev/null 2>&1
git -C "$CL" update-ref refs/remotes/origin/main HEAD
cp "$AE_BIN" "$CL/aicr-evidence"
mkdir -p "$T_WORK/home"

{
	echo 'set -eE'
	echo 'trap '\''echo "GUIDE STEP FAILED: $STEP (exit $?)" >&2'\'' ERR'
	for b in $steps; do
		echo "STEP=${b#??-}; STEP=\${STEP%.sh}"
		echo "echo \"== \$STEP\""
		echo ". '$T_WORK/blocks/$b'"
		echo "echo \"DONE \$STEP\""
	done
} >"$T_WORK/driver.sh"
# A person's shell: no make variables from a make that runs this test
# (under `make asan` the sub-make's MAKEFLAGS made the guide's own
# `make -s stack-up` print "make[2]: Entering directory", which its eval
# then ran as a command).
(cd "$CL" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
	HOME="$T_WORK/home" XDG_CACHE_HOME="$T_WORK/home/.cache" \
	GIT_AUTHOR_NAME=you GIT_AUTHOR_EMAIL=you@example.test \
	GIT_COMMITTER_NAME=you GIT_COMMITTER_EMAIL=you@example.test \
	bash "$T_WORK/driver.sh" </dev/null >"$T_WORK/guide.out" 2>"$T_WORK/guide.err")
rc=$?
[ $rc -eq 0 ] && ok "every guide-test block runs verbatim" ||
	bad "every guide-test block runs verbatim" "exit $rc: $(grep 'GUIDE STEP FAILED' "$T_WORK/guide.err"; tail -5 "$T_WORK/guide.err")"
for b in $steps; do
	s=${b#??-}
	s=${s%.sh}
	grep -qx "DONE $s" "$T_WORK/guide.out" && ok "step $s" || bad "step $s" "not completed"
done

# each step's result
eval "$(bash "$REPO/tests/stack.sh" env)"
[ -f "$CL/out/summary-bundle/manifest.json" ] && [ -f "$CL/out/pointer.yaml" ] &&
	ok "emit: out/summary-bundle and out/pointer.yaml" || bad "emit: the bundle and its pointer"
grep -q 'bundle valid, unsigned (pending signature)' "$T_WORK/guide.out" &&
	ok "verify out: valid, pending signature" || bad "verify out: valid, pending signature"
P=$CL/signed/pointer.yaml
dg=$(sed -n 's/^ *digest: *"\{0,1\}\(sha256:[0-9a-f]\{64\}\)"\{0,1\}$/\1/p' "$P" 2>/dev/null)
grep -q 'rekorLogIndex:' "$P" 2>/dev/null && grep -q "identity: $AE_IDENTITY" "$P" &&
	ok "signed: the pointer names the verified signer and the Rekor entry" ||
	bad "signed: the pointer names the verified signer and the Rekor entry"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
	"http://${AE_REPO%%/*}/v2/${AE_REPO#*/}/manifests/$dg")
[ -n "$dg" ] && [ "$code" = 200 ] && ok "pushed: the registry serves $dg" ||
	bad "pushed: the registry serves the pointer's digest" "digest '$dg', HTTP $code"
sed -n '/== verify-signed/,/DONE verify-signed/p' "$T_WORK/guide.out" | grep -q '^Evidence verification: bundle valid$' &&
	ok "verify signed/pointer.yaml: valid, pinned to the signer" || bad "verify signed/pointer.yaml: valid"
rel=$(cd "$CL" && ./aicr-evidence pointer path signed/pointer.yaml 2>/dev/null)
[ -n "$rel" ] && git -C "$CL" cat-file -e "my-evidence~1:$rel" 2>/dev/null &&
	ok "commit: the pointer is committed at $rel" || bad "commit: the pointer at its canonical path" "'$rel'"
grep -qx 'DONE check' "$T_WORK/guide.out" &&
	grep -q '^check: 0 problems in 2 changed files, 1 pointer read' "$T_WORK/guide.err" &&
	ok "check --base origin/main --verify-signatures passes on the commit" ||
	bad "check passes on the commit with the pointer"

# stack-down leaves nothing running
bash "$REPO/tests/stack.sh" down 2>/dev/null
left=0
for p in $pids; do kill -0 "$p" 2>/dev/null && left=1; done
[ $left = 0 ] && [ ! -e "$AE_STACK_DIR/registry.pid" ] && [ ! -e "$AE_STACK_DIR/sigstore.pid" ] &&
	ok "stack-down stops both" || bad "stack-down stops both"
bash "$REPO/tests/stack.sh" down 2>/dev/null && ok "stack-down again is fine" || bad "stack-down twice"
t_end
