#!/usr/bin/env bash
# tests/interop/test_conformance.sh -- the sigstore-conformance bundle-verify
# cases (issue 3 "done when": every case correct) through the offline driver
# $SHARED/tools/conformance-offline, which runs each case in PATH and DIGEST
# mode exactly as the upstream suite does (sigstore-conformance.md §1, §3).
# Each invocation counts as one pass or one failure here.
set -u
name=test_conformance
: "${AE_BIN:?AE_BIN must point at the aicr-evidence binary}"
driver=${SHARED:-}/tools/conformance-offline
assets=${SHARED:-}/conformance/assets/bundle-verify
if [ -z "${SHARED:-}" ] || [ ! -x "$driver" ] || [ ! -d "$assets" ]; then
	echo "$name: SKIPPED -- \$SHARED (${SHARED:-unset}) has no conformance driver or assets"
	exit 0
fi
out=$("$driver" --assets "$assets" "$AE_BIN" sigstore 2>&1)
rc=$?
pass=$(grep -c '^PASS ' <<<"$out")
fail=$(grep -cE '^(FAIL|XPASS) ' <<<"$out")
grep -E '^(FAIL|XPASS) ' <<<"$out" | sed 's/^/  /'
last=$(tail -1 <<<"$out")
echo "$name: driver says: $last"
if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
	echo "$name: driver exited $rc without a failing case"
	fail=1
fi
if [ "$pass" -eq 0 ] && [ "$fail" -eq 0 ]; then
	echo "$name: the driver ran no case"
	fail=1
fi
echo "$name: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
