#!/usr/bin/env bash
# tests/fuzz/run.sh -- runs each built libFuzzer target for FUZZ_SECONDS.
# Seeds come from tests/fuzz/corpus/<target>/ (read-only); new inputs go to
# build-fuzz/corpus/<target>/ (FUZZ_KEEP=0: a temp dir, dropped). Every seed
# is run before mutation starts, so a seed that crashes fails the target; a
# target without seeds fails too. Prints executions per target.
set -u
cd "$(dirname "$0")/../.."
secs=${FUZZ_SECONDS:-60}
keep=${FUZZ_KEEP:-1}
fail=0
scratch=$(mktemp -d "${TMPDIR:-/tmp}/ae-fuzz-XXXXXX")
trap 'rm -rf "$scratch"' EXIT
for src in "$@"; do
	t=$(basename "$src" .c)
	name=${t%_fuzz}
	corpus="build-fuzz/corpus/$t"
	[ "$keep" = 0 ] && corpus="$scratch/$t"
	mkdir -p "$corpus" "build-fuzz/crash/$t"
	seeds="tests/fuzz/corpus/$name"
	if [ -z "$(ls -A "$seeds" 2>/dev/null)" ]; then
		echo "fuzz: $t FAILED: no seeds in $seeds/"
		fail=1
		continue
	fi
	log="build-fuzz/$t.log"
	"build-fuzz/$t" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
		-artifact_prefix="build-fuzz/crash/$t/" \
		"$corpus" "$seeds" >"$log" 2>&1
	rc=$?
	execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
	[ -n "$execs" ] || execs=$(grep -oE '#[0-9]+' "$log" | tail -1 | tr -d '#')
	cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1)
	if [ $rc -eq 0 ]; then
		echo "fuzz: $t ok: ${execs:-?} executions in ${secs}s, ${cov:-cov: ?}"
	else
		echo "fuzz: $t FAILED (exit $rc), see $log and build-fuzz/crash/$t/"
		tail -20 "$log"
		fail=1
	fi
done
exit $fail
