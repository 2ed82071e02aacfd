#!/usr/bin/env bash
# tests/bench/check_scale.sh -- the contract checker on a ledger of 100,000
# pointers (issue 7, "Done when"):
#
#   - a PR adding one pointer, checked with rules 1-3 (`check --base`):
#     must take < 100 ms -- proportional to the change, not the ledger;
#   - the whole-tree audit of every pointer (`check`): must take < 2 s on
#     the machine's 2 cores;
#   - each compared with git on the same objects, measured in the same run:
#     `git diff --name-status` over the same range (listing names without
#     reading a blob: the floor), and for the audit `git ls-tree -r` and
#     `git cat-file --batch` reading every pointer blob (what git itself
#     pays to read what the audit reads).
#
#   AE_BIN=./aicr-evidence bash tests/bench/check_scale.sh [N]
#   CALLGRIND=1 ...   also count the audit's instructions with callgrind
#                     (--workers 1; minutes at N=100000)
#   AE_BIN_BEFORE=path ...  also time another build (e.g. the one before a
#                     change) on the same ledger in the same run, runs
#                     interleaved with AE_BIN's, and print the ratios
#
# The ledger is generated with `git fast-import` (one commit, N inline
# blobs): 100 recipes x 20 allowlisted community signers x N/2000 pointers,
# then `git repack -ad` (deltas, as a clone has them). Prints, for RUNS
# runs, the median wall time and the median CPU time (user+sys: the
# machine may be shared, and CPU time is what contention does not hide),
# the ratios to the git references, and the targets; exits 1 if a wall
# target is missed.
set -u
N=${1:-100000}
RUNS=${RUNS:-5}
AE_BIN=${AE_BIN:-$(cd "$(dirname "$0")/../.." && pwd)/aicr-evidence}
work=$(mktemp -d "${TMPDIR:-/tmp}/ae-bench-check-XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
repo=$work/ledger

git init -q -b main "$repo"
start=$(date +%s%N)
python3 - "$N" <<'EOF' | git -C "$repo" fast-import --quiet
import hashlib, sys
n = int(sys.argv[1])
iss = "https://github.com/login/oauth"
signers = ["signer%02d@example.com" % i for i in range(20)]
slug = {s: hashlib.sha256(("%s\n%s" % (iss, s)).encode()).hexdigest()[:32] for s in signers}
out = sys.stdout.buffer
def data(b):
    out.write(b"data %d\n" % len(b)); out.write(b); out.write(b"\n")
al = ['schemaVersion: "1.0.0"', "firstParty: []", "community:"]
for s in signers:
    al += ["  - label: %s" % s.split("@")[0], "    issuer: " + iss, "    source: " + slug[s]]
al += ["partner: []", ""]
out.write(b"commit refs/heads/main\ncommitter bench <b@example.com> 1700000000 +0000\n")
data(b"ledger of %d pointers" % n)
out.write(b"M 100644 inline recipes/evidence/allowlist.yaml\n")
data("\n".join(al).encode())
for i in range(n):
    recipe = "recipe-%03d" % (i % 100)
    s = signers[(i // 100) % 20]
    h = hashlib.sha256(b"bench-%d" % i).hexdigest()
    body = ("attestations:\n  - attestedAt: 2026-06-25T05:57:00Z\n    bundle:\n"
            "      digest: sha256:%s\n      oci: ghcr.io/acme/aicr-evidence:%s-%s\n"
            "      predicateType: https://aicr.run/recipe-evidence/v3\n    signer:\n"
            "      identity: %s\n      issuer: %s\n      rekorLogIndex: %d\n"
            "recipe: %s\nschemaVersion: 1.0.0\n") % (h, recipe, h[:12], s, iss, 1000 + i, recipe)
    out.write(("M 100644 inline recipes/evidence/%s/%s/sha256-%s.yaml\n" % (recipe, slug[s], h)).encode())
    data(body.encode())
out.write(b"\n")
EOF
gen_ms=$(( ($(date +%s%N) - start) / 1000000 ))
git -C "$repo" repack -adq
# The PR: one more pointer by signer00 under recipe-000, committed without a
# work tree (the checker reads only the object database).
h=$(printf 'bench-pr' | sha256sum | cut -c1-64)
s0=$(printf '%s\n%s' https://github.com/login/oauth signer00@example.com | sha256sum | cut -c1-32)
python3 - "$h" <<'EOF' >"$work/ptr.yaml"
import sys
h = sys.argv[1]
print("attestations:\n  - attestedAt: 2026-06-25T05:57:00Z\n    bundle:\n"
      "      digest: sha256:%s\n      oci: ghcr.io/acme/aicr-evidence:recipe-000-%s\n"
      "      predicateType: https://aicr.run/recipe-evidence/v3\n    signer:\n"
      "      identity: signer00@example.com\n      issuer: https://github.com/login/oauth\n"
      "      rekorLogIndex: 99\nrecipe: recipe-000\nschemaVersion: 1.0.0" % (h, h[:12]))
EOF
blob=$(git -C "$repo" hash-object -w "$work/ptr.yaml")
export GIT_INDEX_FILE=$work/index
git -C "$repo" read-tree main
git -C "$repo" update-index --add --cacheinfo "100644,$blob,recipes/evidence/recipe-000/$s0/sha256-$h.yaml"
tree=$(git -C "$repo" write-tree)
unset GIT_INDEX_FILE
pr=$(GIT_AUTHOR_NAME=b GIT_AUTHOR_EMAIL=b@example.com GIT_COMMITTER_NAME=b \
	GIT_COMMITTER_EMAIL=b@example.com git -C "$repo" commit-tree "$tree" -p main -m "add one")
git -C "$repo" update-ref refs/heads/pr "$pr"

# measure CMD...: median wall and CPU (user+sys) milliseconds of RUNS runs,
# as "WALL CPU" (floats).
measure() {
	local w=() c=() i s e t
	t=$(mktemp "$work/time.XXXXXX")
	for ((i = 0; i < RUNS; i++)); do
		s=$(date +%s%N)
		/usr/bin/time -f '%U %S' -o "$t" "$@" >/dev/null 2>&1
		e=$(date +%s%N)
		w+=($(( (e - s) / 1000 )))
		c+=($(awk '{printf "%d", ($1 + $2) * 1000000}' "$t"))
	done
	printf '%s %s\n' \
		"$(printf '%s\n' "${w[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")" \
		"$(printf '%s\n' "${c[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")" |
		awk '{printf "%.1f %.1f", $1 / 1000, $2 / 1000}'
}

# Sanity: both runs must be clean, or the timings mean nothing.
"$AE_BIN" check --repo "$repo" --base main --head pr >/dev/null 2>"$work/err"
rc_pr=$?
audit_out=$("$AE_BIN" check --repo "$repo" 2>&1 >/dev/null)
rc_audit=$?
echo "ledger: $N pointers generated in ${gen_ms} ms; PR check exit $rc_pr; audit exit $rc_audit ($audit_out)"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); median of $RUNS runs"
[ $rc_pr -eq 0 ] && [ $rc_audit -eq 0 ] || { cat "$work/err"; exit 1; }

empty=$(git -C "$repo" hash-object -t tree /dev/null)
git -C "$repo" ls-tree -r main -- recipes/evidence | awk '$4 ~ /\/sha256-/ {print $3}' >"$work/blobs"
read -r pr_ms pr_cpu < <(measure "$AE_BIN" check --repo "$repo" --base main --head pr)
read -r pr_floor _ < <(measure git -C "$repo" diff --name-status main pr -- recipes/evidence)
read -r audit_ms audit_cpu < <(measure "$AE_BIN" check --repo "$repo")
read -r audit_floor _ < <(measure git -C "$repo" diff --name-status "$empty" main -- recipes/evidence)
read -r lstree_ms _ < <(measure git -C "$repo" ls-tree -r main -- recipes/evidence)
read -r catfile_ms catfile_cpu < <(measure sh -c 'git -C "$1" cat-file --batch <"$2"' sh "$repo" "$work/blobs")

if [ -n "${AE_BIN_BEFORE:-}" ]; then
	read -r bpr_ms bpr_cpu < <(measure "$AE_BIN_BEFORE" check --repo "$repo" --base main --head pr)
	read -r baudit_ms baudit_cpu < <(measure "$AE_BIN_BEFORE" check --repo "$repo")
	read -r pr2_ms pr2_cpu < <(measure "$AE_BIN" check --repo "$repo" --base main --head pr)
	read -r audit2_ms audit2_cpu < <(measure "$AE_BIN" check --repo "$repo")
fi

fail=0
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }'; }
ratio2() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
report() { # NAME WALL CPU FLOOR TARGET
	local verdict
	verdict=$(awk -v a="$2" -v t="$5" 'BEGIN { print (a < t ? "ok" : "MISSED") }')
	[ "$verdict" = ok ] || fail=1
	printf '%-34s %8s ms wall %8s ms cpu  (git diff --name-status %7s ms, ratio %5sx)  target < %s ms wall: %s\n' \
		"$1" "$2" "$3" "$4" "$(ratio "$2" "$4")" "$5" "$verdict"
}
report "PR adding 1 pointer (rules 1-3)" "$pr_ms" "$pr_cpu" "$pr_floor" 100
report "whole-tree audit ($N pointers)" "$audit_ms" "$audit_cpu" "$audit_floor" 2000
printf '%-34s %8s ms wall                (audit / ls-tree ratio %5sx)\n' \
	"  git ls-tree -r" "$lstree_ms" "$(ratio "$audit_ms" "$lstree_ms")"
printf '%-34s %8s ms wall %8s ms cpu  (audit / cat-file ratio %5sx wall, %5sx cpu)\n' \
	"  git cat-file --batch, every blob" "$catfile_ms" "$catfile_cpu" \
	"$(ratio "$audit_ms" "$catfile_ms")" "$(ratio "$audit_cpu" "$catfile_cpu")"
if [ -n "${AE_BIN_BEFORE:-}" ]; then
	printf '%-34s before %8s ms wall %8s ms cpu | after %8s ms wall %8s ms cpu (after/before %sx wall, %sx cpu)\n' \
		"PR adding 1 pointer, A/B" "$bpr_ms" "$bpr_cpu" "$pr2_ms" "$pr2_cpu" \
		"$(ratio2 "$pr2_ms" "$bpr_ms")" "$(ratio2 "$pr2_cpu" "$bpr_cpu")"
	printf '%-34s before %8s ms wall %8s ms cpu | after %8s ms wall %8s ms cpu (after/before %sx wall, %sx cpu)\n' \
		"whole-tree audit, A/B" "$baudit_ms" "$baudit_cpu" "$audit2_ms" "$audit2_cpu" \
		"$(ratio2 "$audit2_ms" "$baudit_ms")" "$(ratio2 "$audit2_cpu" "$baudit_cpu")"
fi
if [ -n "${CALLGRIND:-}" ] && command -v valgrind >/dev/null; then
	valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" \
		"$AE_BIN" check --repo "$repo" --workers 1 >/dev/null 2>"$work/cg.err"
	ir=$(sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$work/cg.err")
	awk -v ir="$ir" -v n="$N" 'BEGIN { printf "%-34s %8.2f G instructions (--workers 1), %d per pointer\n", "  audit, callgrind", ir / 1e9, ir / n }'
fi
exit $fail
