#!/usr/bin/env bash
# tests/bench/ledger_verify.sh -- `ledger --verify` over N pointers (default
# 1,000) whose bundles are already in the cache: bundles verified per
# second with --jobs 1 and --jobs 2 (the machine's 2 cores), offline.
#
#   bash tests/bench/ledger_verify.sh [-n N] [-r RUNS] [-d DATA_DIR] [PEER_BIN]
#
# PEER_BIN (e.g. /work/baseline-bin/aicr-evidence, an older build) is
# timed on the same data in the same run, its runs interleaved with ours,
# and the CPU ratios printed. PEER_CACHE=DIR gives it its own copy of the
# cache (an older build may read another layout of the referrer records).
#
# Setup (once per DATA_DIR, reused when it already holds N pointers): a
# loopback docker-registry and the local Sigstore stack; N bundles emitted
# from recipes/examples, each signed keyless by one of 10 signers and
# pushed; the pointers form a ledger whose allowlist lists the 10 signers;
# one `ledger --verify` pulls everything into DATA_DIR/cache (reported as
# the cold run). Then the registry and stack are stopped and the timed runs
# are offline: fetch from the content-addressed cache, full Sigstore and
# bundle verification, CTRF reading, consensus, JSON rendering.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "$here/.." && pwd)
export AE_BIN=${AE_BIN:-$repo/aicr-evidence}
n=1000 runs=3 data=""
while getopts 'n:r:d:' o; do
	case $o in n) n=$OPTARG ;; r) runs=$OPTARG ;; d) data=$OPTARG ;; *) sed -n '2,20p' "$0"; exit 2 ;; esac
done
shift $((OPTIND - 1))
peer=${1:-}
data=${data:-$repo/build/bench-ledger-$n}
. "$here/e2e/lib.sh"
. "$here/e2e/registry.sh"
. "$here/e2e/sigstore_stack.sh"
. "$here/e2e/ledger_signed.sh"
[ -x "$AE_BIN" ] || { echo "bench: build first (make)"; exit 1; }
root=$data/ledger/recipes/evidence
cache=$data/cache

# emit_one I: bundle I signed by signer I % 10, pushed, pointer placed.
emit_one() {
	local i=$1 who=s$(($1 % 10)) out=$data/work/$1 now tok ref rel
	now=$(date +%s)
	tok=$(jwt_unsigned "{\"iss\":\"$SE_ISSUER\",\"aud\":\"sigstore\",\"sub\":\"$who\",\"email\":\"$who@example.test\",\"exp\":$((now + 3600))}")
	signed_ctrf "$SE_EX/ctrf" "$out.ctrf" "$i" || return 1
	SOURCE_DATE_EPOCH=$((1763650000 + i)) "$AE_BIN" emit --recipe "$SE_EX/recipe.yaml" \
		--snapshot "$SE_EX/snapshot.yaml" --ctrf "$out.ctrf" -o "$out" --sign \
		--ref "$REG_HOST/bench/$who" --identity-token "$tok" --signing-config "$SC" \
		--trusted-root "$TR" --yes >/dev/null 2>"$out.err" || return 1
	ref=$(sed -n 's/^ *oci: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$out/pointer.yaml")
	"$AE_BIN" push "$out" --to "$ref" --registry-plain-http >/dev/null 2>>"$out.err" || return 1
	rel=$("$AE_BIN" pointer path "$out/pointer.yaml" --root "") || return 1
	mkdir -p "$root/$(dirname "$rel")"
	cp "$out/pointer.yaml" "$root/$rel"
	rm -rf "$out" "$out.ctrf" "$out.err"
}

have=$(find "$root" -name 'sha256-*.yaml' 2>/dev/null | wc -l)
if [ "$have" -ne "$n" ] || [ ! -d "$cache" ]; then
	rm -rf "$data"
	mkdir -p "$root" "$data/work"
	# The stack stops itself after STACK_MAX_SECONDS (600 by default, for
	# the tests); 1,000 keyless signatures on a loaded machine take longer.
	export STACK_MAX_SECONDS=${STACK_MAX_SECONDS:-7200}
	signed_start "$T_WORK/svc" || { echo "bench: registry or Sigstore stack did not start"; exit 1; }
	t0=$(date +%s)
	for ((i = 0; i < n; i += 2)); do # two at a time: 2 cores
		emit_one "$i" &
		a=$!
		if [ $((i + 1)) -lt "$n" ]; then emit_one $((i + 1)) || { echo "bench: emit $((i + 1)) failed: $(cat "$data/work/$((i + 1)).err")"; exit 1; }; fi
		wait "$a" || { echo "bench: emit $i failed: $(cat "$data/work/$i.err")"; exit 1; }
	done
	entries=()
	for ((s = 0; s < 10; s++)); do entries+=("s$s s$s@example.test community"); done
	signed_allowlist "$root" "${entries[@]}"
	echo "setup: $n bundles emitted, signed and pushed in $(($(date +%s) - t0)) s"
	t0=$(date +%s%N)
	# --worktree: DATA_DIR is under this repository's work tree by default,
	# and ledger reads HEAD's tree of an enclosing repository otherwise.
	"$AE_BIN" ledger --root "$root" --worktree --verify --trusted-root "$TR" --registry-plain-http \
		--cache "$cache" --jobs 2 --format json -o "$data/cold.json" || { echo "bench: cold run failed"; exit 1; }
	t1=$(date +%s%N)
	echo "cold (pull from the registry + verify, --jobs 2): $(((t1 - t0) / 1000000)) ms"
	cp "$TR" "$data/trusted_root.json"
	reg_stop "$T_WORK/svc/registry"
	stack_stop
fi

verified=$(jq '[.recipes[].pointers[] | select(.reason == null)] | length' "$data/cold.json")
[ "$verified" -eq "$n" ] || { echo "bench: only $verified of $n pointers verified in the cold run"; exit 1; }

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# one BIN JOBS K -> "WALL_MS CPU_MS" of one run (CPU = user + sys of the
# process: the machine is shared, so wall time alone would measure the
# neighbours too).
one() {
	local bin=$1 j=$2 k=$3 out w u s wt=()
	out=$T_WORK/warm-$j-$k-${#bin}-$(basename "$(dirname "$bin")").json
	rm -f "$out"
	# an older build may lack --worktree (and reads the files anyway)
	"$bin" ledger --help 2>&1 | grep -q -- --worktree && wt=(--worktree)
	read -r w u s < <(/usr/bin/time -f '%e %U %S' "$bin" ledger --root "$root" \
		"${wt[@]}" \
		--verify --trusted-root "$data/trusted_root.json" --offline \
		--cache "$([ "$bin" = "$peer" ] && echo "${PEER_CACHE:-$cache}" || echo "$cache")" \
		--jobs "$j" --format json -o "$out" 2>&1 >/dev/null | tail -1)
	# every pointer judged (an older build may judge them by older rules:
	# for the peer a verdict is enough, for us each must verify)
	sel='.reason == null'
	[ "$bin" = "$peer" ] && sel=true
	[ "$(jq "[.recipes[].pointers[] | select($sel)] | length" "$out")" -eq "$n" ] ||
		{ echo "bench: a warm run of $bin did not verify all $n" >&2; exit 1; }
	[ "$bin" = "$peer" ] && jq -r '[.recipes[].pointers[] | .reason // "verified"] | group_by(.) | map("\(length) \(.[0])") | .[]' "$out" >"$T_WORK/peer-reasons"
	echo "$(awk -v x="$w" 'BEGIN {print int(x * 1000)}') $(awk -v x="$u" -v y="$s" 'BEGIN {print int((x + y) * 1000)}')"
}
declare -A walls cpus
bins=("$AE_BIN")
[ -n "$peer" ] && bins+=("$peer")
for ((k = 0; k < runs; k++)); do
	for j in 1 2; do
		for b in "${bins[@]}"; do # interleaved: the load hits both alike
			read -r w c < <(one "$b" "$j" "$k") || exit 1
			walls[$b.$j]+="$w " cpus[$b.$j]+="$c "
		done
	done
done
echo "bench ledger --verify: $n pointers, bundles cached, offline, median of $runs (load $(cut -d' ' -f1 /proc/loadavg))"
for b in "${bins[@]}"; do
	w1=$(tr ' ' '\n' <<<"${walls[$b.1]}" | grep . | median)
	c1=$(tr ' ' '\n' <<<"${cpus[$b.1]}" | grep . | median)
	w2=$(tr ' ' '\n' <<<"${walls[$b.2]}" | grep . | median)
	c2=$(tr ' ' '\n' <<<"${cpus[$b.2]}" | grep . | median)
	[ "$b" = "$AE_BIN" ] && { oc1=$c1; oc2=$c2; }
	[ "$b" = "$peer" ] && { pc1=$c1; pc2=$c2; }
	awk -v b="$b" -v n="$n" -v w1="$w1" -v c1="$c1" -v w2="$w2" -v c2="$c2" 'BEGIN {
		printf "  %s\n", b
		printf "  --jobs 1  wall %6.0f ms  %7.1f bundles/s   cpu %6.0f ms  %7.1f bundles/cpu-s (%.2f ms/bundle)\n", w1, n * 1000 / w1, c1, n * 1000 / c1, c1 / n
		printf "  --jobs 2  wall %6.0f ms  %7.1f bundles/s   cpu %6.0f ms  (wall speed-up %.2fx on 2 cores)\n", w2, n * 1000 / w2, c2, w1 / w2
	}'
done
[ -n "$peer" ] && sed 's/^/  peer verdicts: /' "$T_WORK/peer-reasons"
[ -n "$peer" ] && awk -v p1="$pc1" -v o1="$oc1" -v p2="$pc2" -v o2="$oc2" 'BEGIN {
	printf "  cpu ratio peer/ours: --jobs 1 %.2f, --jobs 2 %.2f\n", p1 / o1, p2 / o2 }'
exit 0
