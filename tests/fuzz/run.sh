#!/usr/bin/env bash
# tests/fuzz/run.sh -- runs each built libFuzzer target for FUZZ_SECONDS.
# Seeds come from tests/fuzz/corpus/<target>/ (read-only); new inputs go to
# build-fuzz/corpus/<target>/. Prints executions per target.
set -u
cd "$(dirname "$0")/../.."
secs=${FUZZ_SECONDS:-60}
fail=0
for src in "$@"; do
	t=$(basename "$src" .c)
	name=${t%_fuzz}
	mkdir -p "build-fuzz/corpus/$t" "build-fuzz/crash/$t"
	seeds="tests/fuzz/corpus/$name"
	[ -d "$seeds" ] || seeds=""
	log="build-fuzz/$t.log"
	"build-fuzz/$t" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
		-artifact_prefix="build-fuzz/crash/$t/" \
		"build-fuzz/corpus/$t" $seeds >"$log" 2>&1
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
