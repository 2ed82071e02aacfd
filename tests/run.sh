#!/usr/bin/env bash
# tests/run.sh -- runs the unit cases and the end-to-end scripts and sums
# their counts into one closing line "N passed, N failed".
#
#   AE_BIN=path AE_UNIT=path bash tests/run.sh [SCRIPT-SUBSTRING...]
#   bash tests/run.sh --interop     the stage that needs ../shared
#
# Each e2e script prints its own "<name>: N passed, N failed" line; a script
# that dies without one counts as one failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
passed=0 failed=0
stage=e2e
if [ "${1:-}" = "--interop" ]; then
	stage=interop
	shift
	if [ ! -d "${SHARED:-}" ]; then
		echo "interop: SKIPPED -- ${SHARED:-../shared} is absent, so conformance and"
		echo "interop: sigstore-js cross-verification did NOT run"
		echo "0 passed, 0 failed, 1 skipped"
		exit 0
	fi
fi

add_counts() { # LINE
	local p f
	p=$(sed -n 's/.*[^0-9]\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*/\1/p' <<<"$1" | tail -1)
	f=$(sed -n 's/.*[^0-9]\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*/\2/p' <<<"$1" | tail -1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
}

if [ "$stage" = e2e ] && [ -n "${AE_UNIT:-}" ]; then
	# shellcheck disable=SC2086 # AE_WRAP is a command line (valgrind ...)
	out=$(${AE_WRAP:-} "$AE_UNIT" 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -v '^ok - '
	line=$(printf '%s\n' "$out" | grep -E '^unit: [0-9]+ passed, [0-9]+ failed$' | tail -1)
	if [ -z "$line" ]; then
		echo "unit: runner died (exit $rc) -- counted as 1 failure"
		failed=$((failed + 1))
	else
		add_counts " $line"
		if [ $rc -ne 0 ] && ! grep -qE ' [1-9][0-9]* failed' <<<"$line"; then
			echo "unit: exit $rc with no failure counted -- counted as 1 failure"
			failed=$((failed + 1))
		fi
	fi
fi

# The scripts run AE_TEST_JOBS at a time (default: one per core); each
# one's output is kept in a file and printed whole, in the scripts' order,
# so the log reads as if they ran one after another. Every script makes
# its own temp directory and picks free ports (lib.sh) and gets a cache
# directory of its own here, so they share nothing but the CPU (and a
# developer's own cache is never touched by a test).
# The interop stage runs one at a time unless asked: its scripts share
# ../shared's tools.
if [ "$stage" = interop ]; then
	jobs=${AE_TEST_JOBS:-1}
else
	jobs=${AE_TEST_JOBS:-$(nproc 2>/dev/null || echo 1)}
fi
outdir=$(mktemp -d "${TMPDIR:-/tmp}/ae-run.XXXXXX")
trap 'rm -rf "$outdir"' EXIT
names=()
for script in "$here/$stage"/test_*.sh; do
	[ -e "$script" ] || continue
	name=$(basename "$script" .sh)
	if [ $# -gt 0 ]; then
		match=0
		for f in "$@"; do case "$name" in *"$f"*) match=1 ;; esac; done
		[ $match = 1 ] || continue
	fi
	names+=("$name")
done

run_one() { # NAME
	mkdir -p "$outdir/$1.cache"
	# through a pipe, as when the scripts ran in $(...): a script that
	# sets `ulimit -f` must not meet its own log file's size
	XDG_CACHE_HOME="$outdir/$1.cache" \
		bash "$here/$stage/$1.sh" 2>&1 | cat >"$outdir/$1.out"
	echo "${PIPESTATUS[0]}" >"$outdir/$1.rc.tmp"
	mv "$outdir/$1.rc.tmp" "$outdir/$1.rc"
}

report_one() { # NAME
	local name=$1 out rc line
	out=$(cat "$outdir/$name.out")
	rc=$(cat "$outdir/$name.rc")
	printf '%s\n' "$out" | grep -v '^ok - '
	line=$(printf '%s\n' "$out" | grep -E '^[a-z0-9_-]+: [0-9]+ passed, [0-9]+ failed' | tail -1)
	if [ -z "$line" ]; then
		echo "$name: died (exit $rc) without a summary -- counted as 1 failure"
		failed=$((failed + 1))
	else
		add_counts " $line"
		if [ "$rc" -ne 0 ] && ! grep -qE ' [1-9][0-9]* failed' <<<"$line"; then
			echo "$name: exit $rc with no failure counted -- counted as 1 failure"
			failed=$((failed + 1))
		fi
	fi
}

next=0 # the next script to report, in order
running=0
for ((i = 0; i < ${#names[@]}; i++)); do
	run_one "${names[$i]}" &
	running=$((running + 1))
	while [ "$running" -ge "$jobs" ]; do
		wait -n 2>/dev/null
		running=$((running - 1))
	done
	while [ "$next" -lt "${#names[@]}" ] && [ -e "$outdir/${names[$next]}.rc" ]; do
		report_one "${names[$next]}"
		next=$((next + 1))
	done
done
wait
while [ "$next" -lt "${#names[@]}" ]; do
	report_one "${names[$next]}"
	next=$((next + 1))
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && { [ "$passed" -gt 0 ] || [ "$stage" = interop ]; }
