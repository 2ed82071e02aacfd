#!/usr/bin/env bash
# tests/bench/emit_memory.sh -- emit with 100 MiB of CTRF reports keeps its
# peak memory under 64 MiB (SPEC §7: streaming hashing and copying; issue 5).
#
# Generates 12 CTRF reports of ~8.4 MiB each (under the 10 MiB per-report
# read cap), 4 per phase, most of their bytes in test stdout as real
# validators produce; runs emit minimized and --full under /usr/bin/time and
# prints the peak RSS of each. Exit 1 if either reaches the limit. The
# floor, measured the same way in the same run: `cp -r` of the CTRF inputs
# (emit reads, hashes and copies the same bytes).
#
#   AE_BIN=./aicr-evidence bash tests/bench/emit_memory.sh
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${AE_BIN:-$root/aicr-evidence}
limit_kib=$((64 * 1024))
work=$(mktemp -d "${TMPDIR:-/tmp}/ae-bench-emit-XXXXXX")
trap 'rm -rf "$work"' EXIT

python3 - "$work/ctrf" <<'PY'
import json, os, sys
out = sys.argv[1]
line = "x" * 120
for phase in ("deployment", "performance", "conformance"):
    d = os.path.join(out, phase)
    os.makedirs(d)
    for k in range(4):
        tests = []
        for t in range(64):
            tests.append({"name": f"{phase}-{k}-{t}", "status": "passed",
                          "duration": 1000 + t, "message": "node ip-10-0-0-1",
                          "stdout": [f"{i:06d} {line}" for i in range(1060)],
                          "extra": {"nodesValidated": "4", "podName": "p"}})
        doc = {"reportFormat": "CTRF", "specVersion": "0.0.1",
               "results": {"tool": {"name": f"aicr-validators/{phase}"},
                           "summary": {"tests": 64, "passed": 64, "failed": 0,
                                       "skipped": 0, "pending": 0, "other": 0},
                           "tests": tests}}
        with open(os.path.join(d, f"{phase}-{k}.json"), "w") as f:
            json.dump(doc, f)
PY
total=$(du -cb "$work"/ctrf/*/*.json | tail -1 | cut -f1)
echo "bench: emit_memory: $(ls "$work"/ctrf/*/*.json | wc -l) CTRF reports, $((total / 1048576)) MiB"

/usr/bin/time -f '%M %e' -o "$work/time.floor" cp -r "$work/ctrf" "$work/cp-floor"
read -r rss secs <"$work/time.floor"
echo "bench: emit_memory: floor: cp -r of the inputs ${secs}s, peak RSS $((rss / 1024)) MiB"
rm -rf "$work/cp-floor"

fail=0
for mode in minimal full; do
	flag=
	[ $mode = full ] && flag=--full
	/usr/bin/time -f '%M %e' -o "$work/time.$mode" "$bin" emit \
		--recipe "$root/recipes/examples/recipe.yaml" \
		--snapshot "$root/recipes/examples/snapshot.yaml" \
		--ctrf "$work/ctrf" -o "$work/out-$mode" $flag >/dev/null || {
		echo "bench: emit_memory: emit ($mode) failed"
		fail=1
		continue
	}
	read -r rss secs <"$work/time.$mode"
	size=$(du -sb "$work/out-$mode/summary-bundle" | cut -f1)
	status=ok
	[ "$rss" -lt "$limit_kib" ] || { status=OVER; fail=1; }
	echo "bench: emit_memory: $mode: peak RSS $((rss / 1024)) MiB (limit 64 MiB), ${secs}s, bundle $((size / 1048576)) MiB: $status"
	"$bin" verify "$work/out-$mode" >/dev/null || { echo "bench: emit_memory: verify ($mode) failed"; fail=1; }
done
exit $fail
