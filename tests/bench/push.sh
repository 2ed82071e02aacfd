#!/usr/bin/env bash
# tests/bench/push.sh -- cost of pushing and pulling a bundle: our `push`
# against `skopeo copy` of the same artifact (same manifest, config and
# layer bytes) to a loopback docker-registry started here, and our `pull`
# (by digest, every blob verified, extracted) against `skopeo copy` from
# the registry into an OCI layout, for a 100 MiB and a 10 KiB bundle, N
# runs each, interleaved; prints medians, the ratio ours/skopeo (issue 6
# target for push: <= 1.0) and the peak RSS of both (target: ours < 32 MiB
# for 100 MiB). With -p PEER_BIN (an older build: the binary from before a
# change) its push and pull run interleaved in the same sequence, and each
# line also gives our median over the peer's.
#
#   bash tests/bench/push.sh [-n RUNS] [-p PEER_BIN]
#
# Every run pushes to a fresh repository, so no blob is skipped by HEAD, and
# skopeo's blob-info cache is removed before each of its runs so it cannot
# mount blobs across repositories (oci.md §1.1); every pull starts from an
# empty cache and an empty destination. Every timed command starts after a
# sync(1), so none pays for the write-back of what the one before it wrote
# (a pull leaves up to twice the bundle's size dirty, and the registry
# fsyncs what it receives), and every one, the peer's too, runs under the
# same /usr/bin/time (its fork and exec cost ~2 ms: 6% of a 10 KiB push).
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=5
peer=
while getopts 'n:p:' o; do
	case $o in n) runs=$OPTARG ;; p) peer=$OPTARG ;; *) sed -n '2,15p' "$0"; exit 2 ;; esac
done
[ -z "$peer" ] || [ -x "$peer" ] || { echo "bench: $peer is not executable"; exit 2; }
bin=${AE_BIN:-$PWD/aicr-evidence}
[ -x "$bin" ] || { echo "bench: build first (make)"; exit 1; }
for t in docker-registry skopeo /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "bench: SKIPPED -- $t missing (make deps)"; exit 0; }
done
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
. tests/e2e/registry.sh
W=$(mktemp -d "${TMPDIR:-/tmp}/ae-bench-push-XXXXXX")
trap 'reg_stop "$W/reg"; rm -rf "$W"' EXIT
reg_start "$W/reg" || { echo "bench: registry did not start"; exit 1; }
R=$REG_HOST
skcache=/var/lib/containers/cache/blob-info-cache-v1.boltdb

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# before each timed command: nothing left to write back from the last one
settle() { sync; }

bench_size() { # LABEL BYTES
	local label=$1 bytes=$2 out=$W/$1 i t0 t1 ours=() sk=() rss=() pack=() d
	local skrss=() pl=() skpl=() plrss=() skplrss=() pp=() ppl=() pprss=() pplrss=()
	mkdir -p "$out/summary-bundle"
	printf 'kind: RecipeResult\n' >"$out/summary-bundle/recipe.yaml"
	head -c "$bytes" /dev/urandom >"$out/summary-bundle/bom.cdx.json"
	# the same artifact as an OCI layout, for skopeo
	d=$("$bin" push "$out" --to "$R/bench/seed-$label:v1" --registry-plain-http --format json | jq -r .digest)
	rm -f "$skcache"
	skopeo copy -q --src-tls-verify=false "docker://$R/bench/seed-$label@$d" "oci:$W/layout-$label:v1" >/dev/null
	for i in $(seq 1 "$runs"); do
		settle
		t0=$(date +%s%N)
		/usr/bin/time -f '%M' -o "$W/rss" "$bin" push "$out" --to "$R/bench/ours-$label-$i:v1" \
			--registry-plain-http >/dev/null
		t1=$(date +%s%N)
		ours+=($(((t1 - t0) / 1000000)))
		rss+=("$(tail -1 "$W/rss")")
		# again to the same repository: every blob is present (HEAD),
		# so this is packing + three requests
		settle
		t0=$(date +%s%N)
		"$bin" push "$out" --to "$R/bench/ours-$label-$i:v1" --registry-plain-http >/dev/null
		t1=$(date +%s%N)
		pack+=($(((t1 - t0) / 1000000)))
		rm -f "$skcache"
		settle
		t0=$(date +%s%N)
		/usr/bin/time -f '%M' -o "$W/rss" skopeo copy -q --dest-tls-verify=false \
			"oci:$W/layout-$label:v1" "docker://$R/bench/sk-$label-$i:v1" >/dev/null
		t1=$(date +%s%N)
		sk+=($(((t1 - t0) / 1000000)))
		skrss+=("$(tail -1 "$W/rss")")
		# pull: ours by digest into an empty cache, skopeo into a layout
		settle
		t0=$(date +%s%N)
		/usr/bin/time -f '%M' -o "$W/rss" "$bin" pull "$R/bench/ours-$label-$i@$d" \
			--to "$W/pull-$i" --cache "$W/cache-$i" --registry-plain-http >/dev/null
		t1=$(date +%s%N)
		pl+=($(((t1 - t0) / 1000000)))
		plrss+=("$(tail -1 "$W/rss")")
		rm -f "$skcache"
		settle
		t0=$(date +%s%N)
		/usr/bin/time -f '%M' -o "$W/rss" skopeo copy -q --src-tls-verify=false \
			"docker://$R/bench/sk-$label-$i@$d" "oci:$W/skpull-$i:v1" >/dev/null
		t1=$(date +%s%N)
		skpl+=($(((t1 - t0) / 1000000)))
		skplrss+=("$(tail -1 "$W/rss")")
		rm -rf "$W/pull-$i" "$W/cache-$i" "$W/skpull-$i"
		if [ -n "$peer" ]; then
			settle
			t0=$(date +%s%N)
			/usr/bin/time -f '%M' -o "$W/rss" "$peer" push "$out" \
				--to "$R/bench/peer-$label-$i:v1" --registry-plain-http >/dev/null
			t1=$(date +%s%N)
			pp+=($(((t1 - t0) / 1000000)))
			pprss+=("$(tail -1 "$W/rss")")
			settle
			t0=$(date +%s%N)
			/usr/bin/time -f '%M' -o "$W/rss" "$peer" pull "$R/bench/ours-$label-$i@$d" \
				--to "$W/pull-$i" --cache "$W/cache-$i" --registry-plain-http >/dev/null
			t1=$(date +%s%N)
			ppl+=($(((t1 - t0) / 1000000)))
			pplrss+=("$(tail -1 "$W/rss")")
			rm -rf "$W/pull-$i" "$W/cache-$i"
		fi
	done
	local mo ms mr mp msr
	mo=$(printf '%s\n' "${ours[@]}" | median)
	ms=$(printf '%s\n' "${sk[@]}" | median)
	mr=$(printf '%s\n' "${rss[@]}" | sort -n | tail -1)
	msr=$(printf '%s\n' "${skrss[@]}" | sort -n | tail -1)
	mp=$(printf '%s\n' "${pack[@]}" | median)
	echo "bench: push $label: ours median ${mo} ms, skopeo median ${ms} ms," \
		"ratio $(awk -v a="$mo" -v b="$ms" 'BEGIN{printf "%.2f", a/b}')," \
		"our peak RSS $((mr / 1024)) MiB, skopeo peak RSS $((msr / 1024)) MiB;" \
		"packing alone (re-push, blobs present) ${mp} ms ($runs runs)"
	[ -z "$peer" ] || peer_line push "$label" "$mo" "$ms" "$(max_rss "${pprss[@]}")" "${pp[@]}"
	mo=$(printf '%s\n' "${pl[@]}" | median)
	ms=$(printf '%s\n' "${skpl[@]}" | median)
	mr=$(printf '%s\n' "${plrss[@]}" | sort -n | tail -1)
	msr=$(printf '%s\n' "${skplrss[@]}" | sort -n | tail -1)
	echo "bench: pull $label: ours median ${mo} ms, skopeo median ${ms} ms," \
		"ratio $(awk -v a="$mo" -v b="$ms" 'BEGIN{printf "%.2f", a/b}')," \
		"our peak RSS $((mr / 1024)) MiB, skopeo peak RSS $((msr / 1024)) MiB ($runs runs)"
	[ -z "$peer" ] || peer_line pull "$label" "$mo" "$ms" "$(max_rss "${pplrss[@]}")" "${ppl[@]}"
}

max_rss() { printf '%s\n' "$@" | sort -n | tail -1; }

peer_line() { # OP LABEL OURS_MEDIAN SKOPEO_MEDIAN PEER_PEAK_RSS_KIB PEER_TIMES...
	local op=$1 label=$2 mo=$3 ms=$4 rss=$5 m
	shift 5
	m=$(printf '%s\n' "$@" | median)
	echo "bench: $op $label peer: $peer median ${m} ms, ratio to skopeo" \
		"$(awk -v a="$m" -v b="$ms" 'BEGIN{printf "%.2f", a/b}'), ours/peer" \
		"$(awk -v a="$mo" -v b="$m" 'BEGIN{printf "%.2f", a/b}') (same runs)," \
		"peer peak RSS $((rss / 1024)) MiB"
}

bench_size 100mib $((100 * 1024 * 1024))
bench_size 10kib 10240
