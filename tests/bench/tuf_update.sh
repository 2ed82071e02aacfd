#!/usr/bin/env bash
# tests/bench/tuf_update.sh -- cost of a TUF update: `aicr-evidence trust
# update` against tuf-js 6.0.2 (tests/tuf/tufjs-update.mjs, the client
# inside sigstore-js) under the same conditions: the real public-good
# repository ($SHARED/data/sigstore-tuf) served on loopback, the same
# initial root, the same two targets, both under faketime at 2026-08-25
# (the repository's valid window), a fresh cache each run, N runs each
# interleaved. Prints both medians of wall time, the ratio (tuf-js time /
# ours) and the peak RSS of each (/usr/bin/time %M).
#
#   bash tests/bench/tuf_update.sh [-n RUNS] [-r START_ROOT_VERSION]
#
# The walk from root 1 fetches 15 roots, timestamp, snapshot, targets and
# two targets (~100 KB, ~80 signature checks). The machine is shared:
# quote the ratio, never a bare time.
set -euo pipefail
cd "$(dirname "$0")/../.."
SHARED=${SHARED:-$(cd .. && pwd)/shared}
runs=11
start=1
while getopts 'n:r:' o; do
	case $o in n) runs=$OPTARG ;; r) start=$OPTARG ;; *) sed -n '2,15p' "$0"; exit 2 ;; esac
done
bin=${AE_BIN:-$PWD/aicr-evidence}
repo=$SHARED/data/sigstore-tuf/repository
js=$PWD/tests/tuf/tufjs-update.mjs
[ -x "$bin" ] || { echo "bench: build first (make)"; exit 1; }
[ -d "$repo" ] || { echo "bench: SKIPPED -- no $repo"; exit 0; }
[ -d tests/tuf/node_modules/tuf-js ] || { echo "bench: SKIPPED -- tuf-js missing (make deps)"; exit 0; }
command -v faketime >/dev/null || { echo "bench: SKIPPED -- faketime missing (make deps)"; exit 0; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ae-bench-tuf-XXXXXX")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$repo" >/dev/null 2>&1 &
srv=$!
trap 'kill $srv 2>/dev/null; rm -rf "$tmp"' EXIT
url=http://127.0.0.1:$port
for _ in $(seq 50); do curl -sf "$url/timestamp.json" >/dev/null && break; sleep 0.1; done
ft=(faketime '2026-08-25 00:00:00')

one() { # NAME CMD... -> "ms kb"
	local t0 t1 kb
	t0=$(date +%s%N)
	/usr/bin/time -f '%M' -o "$tmp/rss" "$@" >/dev/null 2>"$tmp/err" ||
		{ echo "bench: failed: $*" >&2; cat "$tmp/err" >&2; exit 1; }
	t1=$(date +%s%N)
	kb=$(tail -1 "$tmp/rss")
	echo "$(((t1 - t0) / 1000000)) $kb"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

ot=() or=() jt=() jr=()
for ((i = 0; i < runs; i++)); do
	rm -rf "$tmp/o" "$tmp/j"
	read -r t k < <(one "${ft[@]}" "$bin" trust update --tuf-url "$url" \
		--tuf-root "$repo/$start.root.json" --cache "$tmp/o")
	ot+=("$t") or+=("$k")
	read -r t k < <(one "${ft[@]}" node "$js" "$url" "$repo/$start.root.json" \
		"$tmp/j" trusted_root.json signing_config.v0.2.json)
	jt+=("$t") jr+=("$k")
done
mo=$(printf '%s\n' "${ot[@]}" | median)
mj=$(printf '%s\n' "${jt[@]}" | median)
ro=$(printf '%s\n' "${or[@]}" | median)
rj=$(printf '%s\n' "${jr[@]}" | median)
awk -v o="$mo" -v j="$mj" -v ro="$ro" -v rj="$rj" -v n="$runs" -v s="$start" 'BEGIN {
	printf "bench tuf update (from %d.root.json to root 15, %d runs, wall time per process, under faketime)\n", s, n
	printf "  aicr-evidence trust update  %6d ms   peak RSS %6d KiB\n", o, ro
	printf "  tuf-js 6.0.2                %6d ms   peak RSS %6d KiB\n", j, rj
	printf "  ratio tuf-js/ours           %6.2f x  (above 1.00: we are faster)\n", (o > 0 ? j / o : 0)
	printf "  memory tuf-js/ours          %6.2f x\n", (ro > 0 ? rj / ro : 0)
}'
