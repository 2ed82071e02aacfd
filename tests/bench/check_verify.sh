#!/usr/bin/env bash
# tests/bench/check_verify.sh -- `check --verify-signatures` of a PR that
# adds N pointers (default 100) whose bundles are cached: CPU and wall time
# per pointer, offline, of the tool and of an older build of it (PEER_BIN,
# e.g. /work/baseline-bin/aicr-evidence, or the build before issue 17's
# redesign), interleaved in one run. PEER_CACHE=DIR gives the peer its own
# copy of the cache (an older build may read another layout of the
# referrer records; default: the same cache).
#
#   bash tests/bench/check_verify.sh [-n N] [-r RUNS] [-d DATA_DIR] [PEER_BIN]
#
# Uses the signed, pushed and cached bundles of tests/bench/ledger_verify.sh
# (DATA_DIR, default build/bench-ledger-1000: run that first). The PR is a
# git repository whose base holds the allowlist and whose head adds the
# first N pointers, all of allowlisted signers: every one is fetched from
# the cache, verified and compared with its claimed signer.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "$here/.." && pwd)
bin=${AE_BIN:-$repo/aicr-evidence}
n=100 runs=5 data=""
while getopts 'n:r:d:' o; do
	case $o in n) n=$OPTARG ;; r) runs=$OPTARG ;; d) data=$OPTARG ;; *) sed -n '2,12p' "$0"; exit 2 ;; esac
done
shift $((OPTIND - 1))
peer=${1:-}
data=${data:-$repo/build/bench-ledger-1000}
root=$data/ledger/recipes/evidence
[ -f "$root/allowlist.yaml" ] && [ -d "$data/cache" ] && [ -f "$data/trusted_root.json" ] ||
	{ echo "bench: SKIPPED -- no cached ledger in $data (run tests/bench/ledger_verify.sh first)"; exit 0; }
W=$(mktemp -d "${TMPDIR:-/tmp}/ae-bench-checkv-XXXXXX")
trap 'rm -rf "$W"' EXIT
g() { git -C "$W/pr" -c user.name=bench -c user.email=bench@example.test "$@"; }
mkdir -p "$W/pr/recipes/evidence"
g init -q -b main
cp "$root/allowlist.yaml" "$W/pr/recipes/evidence/"
g add -A && g commit -qm base
g checkout -qb pr
(cd "$root" && find . -name 'sha256-*.yaml' | sort | head -n "$n") >"$W/list"
[ "$(wc -l <"$W/list")" -eq "$n" ] || { echo "bench: fewer than $n pointers in $root"; exit 1; }
while read -r p; do
	mkdir -p "$W/pr/recipes/evidence/$(dirname "$p")"
	cp "$root/$p" "$W/pr/recipes/evidence/$p"
done <"$W/list"
g add -A && g commit -qm "add $n pointers"

# one BIN -> "WALL_MS CPU_MS" (exit 0 required: every pointer verified)
one() {
	local out
	local cache=$data/cache
	[ -n "$peer" ] && [ "$1" = "$peer" ] && cache=${PEER_CACHE:-$cache}
	out=$(cd "$W/pr" && /usr/bin/time -f '%e %U %S' "$1" check --base main --head pr \
		--verify-signatures --offline --cache "$cache" \
		--trusted-root "$data/trusted_root.json" --format json -o "$W/report.json" 2>&1 >/dev/null) ||
		{ echo "bench: $1 check failed: $out" >&2; return 1; }
	tail -1 <<<"$out" | awk '{printf "%d %d\n", $1 * 1000, ($2 + $3) * 1000}'
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A walls cpus
for ((k = 0; k < runs; k++)); do
	for b in "$bin" ${peer:+"$peer"}; do
		read -r w c < <(one "$b") || exit 1
		walls[$b]+="$w " cpus[$b]+="$c "
	done
done
echo "bench check --verify-signatures: a PR adding $n pointers, bundles cached, offline, median of $runs (load $(cut -d' ' -f1 /proc/loadavg))"
for b in "$bin" ${peer:+"$peer"}; do
	w=$(tr ' ' '\n' <<<"${walls[$b]}" | grep . | median)
	c=$(tr ' ' '\n' <<<"${cpus[$b]}" | grep . | median)
	awk -v b="$b" -v n="$n" -v w="$w" -v c="$c" 'BEGIN {
		printf "  %s\n    wall %6d ms (%.1f ms/pointer)  cpu %6d ms (%.2f ms/pointer)\n", b, w, w / n, c, c / n }'
	[ -n "$peer" ] && [ "$b" = "$peer" ] && cpeer=$c
	[ "$b" = "$bin" ] && cours=$c
done
[ -n "$peer" ] && awk -v p="$cpeer" -v o="$cours" 'BEGIN {printf "  cpu ratio peer/ours %.2f\n", p / o}'
exit 0
