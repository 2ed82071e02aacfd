#!/usr/bin/env bash
# tests/bench/pull.sh -- the cost of `push` of a bundle (to a repository
# that holds none of its blobs), of `pull` of a fresh one (empty cache) and
# of a cached one (every blob in --cache: verified, extracted), ours
# against one or more peer binaries in the same run (issue 23: the
# verification of every byte a pull uses must stay cheap). A loopback
# docker-registry is started here; a 100 MiB and a 10 KiB bundle are pushed
# by each binary to a new repository each time, and pulled by digest,
# interleaved, rotating which goes first. Prints the medians of wall time
# and of CPU (user + sys) per binary, and each one's ratio to the first
# peer (`make bench-peers PEER=...` runs it against PEER). Every timed
# command starts after a sync(1): none pays for the write-back of what the
# one before it wrote (a pull leaves up to twice the bundle dirty).
#
#   bash tests/bench/pull.sh [-n RUNS] PEER_BIN [PEER_BIN...]
#
# e.g. bash tests/bench/pull.sh -n 9 /work/baseline-bin/aicr-evidence
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=5
while getopts 'n:' o; do
	case $o in n) runs=$OPTARG ;; *) sed -n '2,15p' "$0"; exit 2 ;; esac
done
shift $((OPTIND - 1))
bin=${AE_BIN:-$PWD/aicr-evidence}
[ -x "$bin" ] || { echo "bench: build first (make)"; exit 1; }
[ $# -ge 1 ] || { sed -n '2,15p' "$0"; exit 2; }
for t in docker-registry jq /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "bench: SKIPPED -- $t missing (make deps)"; exit 0; }
done
bins=("$@" "$bin")
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
. tests/e2e/registry.sh
W=$(mktemp -d "${TMPDIR:-/tmp}/ae-bench-pull-XXXXXX")
trap 'reg_stop "$W/reg"; rm -rf "$W"' EXIT
reg_start "$W/reg" || { echo "bench: registry did not start"; exit 1; }
R=$REG_HOST

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# one command, timed: appends "wall_ms cpu_ms" to FILE
timed() { # FILE BIN ARGS...
	local f=$1 b=$2 t0 t1
	shift 2
	sync
	t0=$(date +%s%N)
	/usr/bin/time -f '%U %S' -o "$W/cpu" "$b" "$@" >/dev/null
	t1=$(date +%s%N)
	awk -v w=$(((t1 - t0) / 1000000)) '{printf "%d %d\n", w, ($1 + $2) * 1000}' \
		"$W/cpu" >>"$f"
}

# one pull: appends "wall_ms cpu_ms" to FILE
one() { # FILE BIN REF CACHE DEST
	rm -rf "$5"
	timed "$1" "$2" pull "$3" --to "$5" --cache "$4" --registry-plain-http
}

bench_size() { # LABEL BYTES
	local label=$1 bytes=$2 out=$W/$1 d i k j n=${#bins[@]}
	mkdir -p "$out/summary-bundle"
	printf 'kind: RecipeResult\n' >"$out/summary-bundle/recipe.yaml"
	head -c "$bytes" /dev/urandom >"$out/summary-bundle/bom.cdx.json"
	d=$("$bin" push "$out" --to "$R/bench/pull-${label,,}:v1" --registry-plain-http --format json | jq -r .digest)
	for i in $(seq 1 "$runs"); do
		for k in $(seq 0 $((n - 1))); do
			j=$(((k + i) % n))
			timed "$W/push-$label-$j" "${bins[$j]}" push "$out" \
				--to "$R/bench/push-${label,,}-$i-$j:v1" --registry-plain-http
			rm -rf "$W/cache-$j"
			one "$W/fresh-$label-$j" "${bins[$j]}" "$R/bench/pull-${label,,}@$d" \
				"$W/cache-$j" "$W/dest-$j"
			one "$W/cached-$label-$j" "${bins[$j]}" "$R/bench/pull-${label,,}@$d" \
				"$W/cache-$j" "$W/dest-$j"
		done
	done
	for what in push fresh cached; do
		local w0= c0=
		for j in $(seq 0 $((n - 1))); do
			local w c
			w=$(cut -d' ' -f1 "$W/$what-$label-$j" | median)
			c=$(cut -d' ' -f2 "$W/$what-$label-$j" | median)
			[ -n "$w0" ] || { w0=$w; c0=$c; }
			printf '%-7s %-6s %-40s wall %6d ms (x%s)  cpu %6d ms (x%s)\n' \
				"$label" "$what" "${bins[$j]}" "$w" \
				"$(awk -v a="$w" -v b="$w0" 'BEGIN{printf "%.2f", b ? a / b : 0}')" "$c" \
				"$(awk -v a="$c" -v b="$c0" 'BEGIN{printf "%.2f", b ? a / b : 0}')"
		done
	done
}

echo "bench: pull, $runs runs each, medians; ratios against ${bins[0]}; load $(cut -d' ' -f1-3 /proc/loadavg)"
bench_size 100MiB $((100 << 20))
bench_size 10KiB 10240
