#!/usr/bin/env bash
# tests/e2e/test_interrupt_window.sh -- an interrupt the moment a temp is
# made (issue 20 item 7; CI saw one leave a cache's *.tmp-* behind)
#
# test_interrupt.sh interrupts a command while its temp files exist, at a
# time the test picks. Here the shim tests/e2e/sigafter.c (LD_PRELOAD)
# sends SIGTERM from the creating thread right after the call that made a
# temp returned, before the writer could have registered it: the window a
# late registration leaves open. Each writer must still exit 143 and leave
# nothing behind.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry.sh"
t_begin
W=$T_WORK
EX=$(cd "$(dirname "$0")/../../recipes/examples" && pwd)
if ! ${CC:-cc} -shared -fPIC -o "$W/sigafter.so" "$(dirname "$0")/sigafter.c" -ldl 2>"$W/cc.err"; then
	bad "the shim builds" "$(head -3 "$W/cc.err")"
	t_end
fi

# Runs the tool with SIGTERM sent right after the first creating call
# whose path holds MATCH; T_RC is its exit status.
term_after() { # MATCH ARGS...
	local m=$1
	shift
	LD_PRELOAD=$W/sigafter.so AE_SIGAFTER=15 AE_SIGAFTER_MATCH=$m \
		${AE_WRAP:-} "$AE_BIN" "$@" >"$W/o" 2>"$W/e" </dev/null
	T_RC=$?
}
# What a writer may leave: temps, staging directories, scratch trees.
leftovers() { # DIR...
	find "$@" \( -name '*.tmp*' -o -name '.summary-bundle.*' -o -name 'aicr-*' \) 2>/dev/null | head -3
}
# The case passed when the tool was stopped (143) and left nothing.
expect_clean() { # WHAT DIR...
	local what=$1 l
	shift
	[ "$T_RC" = 143 ] && ok "$what: stopped by SIGTERM (143)" ||
		bad "$what: stopped by SIGTERM (143)" "exit $T_RC: $(head -2 "$W/e")"
	l=$(leftovers "$@")
	[ -z "$l" ] && ok "$what: nothing left behind" || bad "$what: nothing left behind" "$l"
}

# ---- emit: its output directory, its staging directory, its pointer ----
emit_args=(emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf")
mkdir -p "$W/e1"
term_after "$W/e1/out" "${emit_args[@]}" -o "$W/e1/out"
expect_clean "emit, the output directory it makes" "$W/e1"
[ ! -e "$W/e1/out" ] && ok "emit: an output directory it made is removed" ||
	bad "emit: an output directory it made is removed" "$(ls -A "$W/e1/out" | tr '\n' ' ')"
mkdir -p "$W/e2"
term_after ".summary-bundle." "${emit_args[@]}" -o "$W/e2"
expect_clean "emit, its staging directory" "$W/e2"
mkdir -p "$W/e3"
term_after "pointer.yaml." "${emit_args[@]}" -o "$W/e3"
expect_clean "emit, its pointer's temp file" "$W/e3"
[ ! -e "$W/e3/pointer.yaml" ] && ok "emit: no pointer is written" || bad "emit: no pointer is written"

# ---- pull and verify: the cache's temp, DIR's stage, the scratch tree ----
if ! command -v docker-registry >/dev/null; then
	echo "interrupt_window: SKIPPED the registry cases -- no docker-registry (make deps)"
	t_end
fi
reg_up "$W/reg"
mkdir -p "$W/b/summary-bundle"
cp "$EX/recipe.yaml" "$W/b/summary-bundle/recipe.yaml"
head -c 300000 /dev/urandom >"$W/b/summary-bundle/bom.cdx.json"
run push "$W/b" --to "$REG_HOST/ev/w:v1" --registry-plain-http --format json
expect_rc 0 "the bundle is pushed"
D=$(jq -r .digest "$T_OUT")
pull_args=(pull "$REG_HOST/ev/w@$D" --to "$W/dest/x" --cache "$W/c" --registry-plain-http)

mkdir -p "$W/c" "$W/dest"
term_after "$W/c/blobs/sha256/" "${pull_args[@]}"
expect_clean "pull, a cache entry's temp" "$W/c" "$W/dest"
rm -rf "$W/c" "$W/dest"
mkdir -p "$W/c" "$W/dest"
term_after "$W/dest/x.tmp-" "${pull_args[@]}"
expect_clean "pull, DIR's staging directory" "$W/c" "$W/dest"
[ ! -e "$W/dest/x" ] && ok "pull: no DIR" || bad "pull: no DIR"
mkdir -p "$W/tmp"
TMPDIR=$W/tmp term_after "$W/tmp/aicr-" verify "$REG_HOST/ev/w@$D" --registry-plain-http --cache "$W/vc"
expect_clean "verify REF, its scratch directory" "$W/tmp" "$W/vc"
t_end
