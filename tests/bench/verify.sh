#!/usr/bin/env bash
# tests/bench/verify.sh -- cost of verifying one bundle: our
# `sigstore verify-bundle` against sigstore-js (`verify.mjs`, the reference
# cross-check) on the same bundle, N runs each, interleaved in one run;
# prints both medians and the ratio (issue 3: "a few milliseconds").
#
#   bash tests/bench/verify.sh [-n RUNS] [-c CASE]
#
# Needs $SHARED (default ../shared): the conformance assets and
# tools/sigstore-js (runs `npm ci` there when node_modules is absent).
set -euo pipefail
cd "$(dirname "$0")/../.."
SHARED=${SHARED:-$(cd .. && pwd)/shared}
runs=21
case_=happy-path-v0.3
while getopts 'n:c:' o; do
	case $o in n) runs=$OPTARG ;; c) case_=$OPTARG ;; *) sed -n '2,11p' "$0"; exit 2 ;; esac
done
bin=${AE_BIN:-$PWD/aicr-evidence}
js=$SHARED/tools/sigstore-js
assets=$SHARED/conformance/assets/bundle-verify
[ -x "$bin" ] || { echo "bench: build first (make)"; exit 1; }
[ -d "$assets/$case_" ] || { echo "bench: SKIPPED -- no $assets/$case_"; exit 0; }
if [ ! -d "$js/node_modules" ]; then (cd "$js" && npm ci --no-audit --no-fund >/dev/null); fi
id=https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main
iss=https://token.actions.githubusercontent.com
args=(--bundle "$assets/$case_/bundle.sigstore.json" --certificate-identity "$id"
	--certificate-oidc-issuer "$iss")
[ -f "$assets/$case_/trusted_root.json" ] && args+=(--trusted-root "$assets/$case_/trusted_root.json")
art=$assets/a.txt
[ -f "$assets/$case_/artifact" ] && art=$assets/$case_/artifact

# The clock is bash's own $EPOCHREALTIME: a $(date +%s%N) on each side
# put a fork and exec of date(1) inside the interval (1.1 ms measured, a
# sixth of our process's time and a hundredth of node's), so the ratio
# understated the faster process.
ms() { # CMD... -> elapsed microseconds (fails the bench if CMD fails)
	local t0 t1
	t0=$EPOCHREALTIME
	"$@" >/dev/null 2>&1 || { echo "bench: failed: $*" >&2; exit 1; }
	t1=$EPOCHREALTIME
	echo $((${t1//[.,]/} - ${t0//[.,]/}))
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

ours=() theirs=()
for ((i = 0; i < runs; i++)); do
	ours+=("$(ms "$bin" sigstore verify-bundle "${args[@]}" "$art")")
	theirs+=("$(ms node "$js/verify.mjs" verify-bundle "${args[@]}" "$art")")
done
mo=$(printf '%s\n' "${ours[@]}" | median)
mt=$(printf '%s\n' "${theirs[@]}" | median)
awk -v o="$mo" -v t="$mt" -v n="$runs" -v c="$case_" 'BEGIN {
	printf "bench verify (%s, %d runs, wall time per process)\n", c, n
	printf "  aicr-evidence sigstore verify-bundle  median %.2f ms\n", o / 1000
	printf "  node sigstore-js verify.mjs           median %.2f ms\n", t / 1000
	printf "  ratio sigstore-js / aicr-evidence     %.1fx\n", t / o
}'
