#!/usr/bin/env bash
# tests/bench/yaml_keys.sh -- one YAML mapping of N keys (99,000 by default)
# read by our strict reader and by PyYAML's libyaml loader (issue 24).
#
# The duplicate-key check of both our readers was a scan of the keys seen so
# far: quadratic, 79 s for 99,000 keys. This bench reads the same mapping
# as plain `key: value` lines (our fast reader) and with a comment line on
# top (which sends it to our libyaml path), through `allowlist check FILE`
# (it parses the whole document, then lists every unknown key: the run must
# name the last one, or the bench failed), against
# `python3 -c 'yaml.load(f, Loader=yaml.CSafeLoader)'` (libyaml's scanner,
# a dict per mapping). Medians of RUNS interleaved runs; ratio = peer time /
# our time. The documents are under the 1 MiB allowlist cap.
#
#   AE_BIN=./aicr-evidence bash tests/bench/yaml_keys.sh [-n KEYS] [-r RUNS]
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${AE_BIN:-$root/aicr-evidence}
keys=99000 runs=5
while getopts n:r: o; do
	case $o in
	n) keys=$OPTARG ;;
	r) runs=$OPTARG ;;
	*) exit 64 ;;
	esac
done
python3 -c 'import yaml; assert yaml.__with_libyaml__' 2>/dev/null ||
	{ echo "bench: yaml_keys: SKIPPED -- python3-yaml with libyaml is not installed"; exit 0; }
work=$(mktemp -d "${TMPDIR:-/tmp}/ae-bench-yaml-XXXXXX")
trap 'rm -rf "$work"' EXIT

python3 - "$work" "$keys" <<'PY'
import sys
d, n = sys.argv[1], int(sys.argv[2])
with open(d + "/plain.yaml", "w") as f:
    f.writelines("k%05d: v\n" % i for i in range(n))
with open(d + "/libyaml.yaml", "w") as f:
    f.write("# a comment: not for the fast reader\n")
    f.writelines("k%05d: v\n" % i for i in range(n))
PY

ms() { # ms CMD... : wall milliseconds of one run
	local t0 t1
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
peer() { python3 -c 'import sys, yaml; yaml.load(open(sys.argv[1]), Loader=yaml.CSafeLoader)' "$1"; }

last=$(printf 'k%05d' $((keys - 1)))
for kind in plain libyaml; do
	f=$work/$kind.yaml ours=() theirs=()
	"$bin" allowlist check "$f" 2>&1 | grep -q "unknown key \"$last\"" ||
		{ echo "bench: yaml_keys: FAILED -- $kind: the reader did not reach key $last"; exit 1; }
	for ((i = 0; i < runs; i++)); do
		ours+=("$(ms "$bin" allowlist check "$f")")
		theirs+=("$(ms peer "$f")")
	done
	o=$(printf '%s\n' "${ours[@]}" | median)
	p=$(printf '%s\n' "${theirs[@]}" | median)
	echo "bench: yaml_keys: $kind $keys keys: ours median $o ms, pyyaml median $p ms," \
		"ratio $(awk -v p="$p" -v o="$o" 'BEGIN {printf "%.2f", o ? p / o : 0}')" \
		"(runs: ${ours[*]} / ${theirs[*]})"
done
