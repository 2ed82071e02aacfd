#!/usr/bin/env bash
# tests/e2e/test_check_audit_large.sh -- the whole-tree audit of a ledger
# large enough for its two-stage run (one thread reading blobs in batches,
# one judging them: ledger/check_pipe.c): every finding, wherever it falls
# among the batches, is reported exactly as the single-threaded audit
# (--workers 1) and the worker pool (--workers 2) report it; a blob past the
# cap is a finding left unread; an unreadable blob stops the audit with
# exit 2 in every mode.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_fixture.sh"
t_begin

N=3000
R=$T_WORK/ledger
git init -q -b main "$R"
lf_allowlist >"$T_WORK/allowlist.yaml"
python3 - "$N" "$T_WORK/allowlist.yaml" "$ISS_OAUTH" "$ID_ALICE" "$ID_BOB" \
	"$ID_MALLORY" <<'EOF' | git -C "$R" fast-import --quiet
import hashlib, sys
n, allow, iss = int(sys.argv[1]), sys.argv[2], sys.argv[3]
alice, bob, mallory = sys.argv[4:7]
slug = lambda who: hashlib.sha256(("%s\n%s" % (iss, who)).encode()).hexdigest()[:32]
out = sys.stdout.buffer
def data(b):
    out.write(b"data %d\n" % len(b)); out.write(b); out.write(b"\n")
def pointer(recipe, who, h, field_recipe=None):
    return ("attestations:\n  - attestedAt: 2026-06-25T05:57:00Z\n    bundle:\n"
            "      digest: sha256:%s\n      oci: ghcr.io/acme/aicr-evidence:%s-%s\n"
            "      predicateType: https://aicr.run/recipe-evidence/v3\n    signer:\n"
            "      identity: %s\n      issuer: %s\n      rekorLogIndex: 42\n"
            "recipe: %s\nschemaVersion: 1.0.0\n") % (h, recipe, h[:12], who, iss,
                                                    field_recipe or recipe)
out.write(b"commit refs/heads/main\ncommitter t <t@example.com> 1700000000 +0000\n")
data(b"a large ledger")
out.write(b"M 100644 inline recipes/evidence/allowlist.yaml\n")
data(open(allow, "rb").read())
for i in range(n):
    recipe = "recipe-%02d" % (i % 10)
    who = alice if (i // 10) % 2 == 0 else bob
    h = hashlib.sha256(b"large-%d" % i).hexdigest()
    body = pointer(recipe, who, h)
    if i == 5:      # recipe field names another recipe
        body = pointer(recipe, who, h, "recipe-99")
    elif i == 700:  # a signer the allowlist does not list, under its own slug
        who = mallory
        body = pointer(recipe, who, h)
    elif i == 1500: # past the 1 MiB cap: a finding, never read
        body = pointer(recipe, who, h) + "#" + "x" * (1 << 20) + "\n"
    elif i == 2200: # a duplicate key
        body = pointer(recipe, who, h) + "recipe: %s\n" % recipe
    elif i == n - 1: # not YAML at all
        body = "\x00\x01\x02 binary garbage \xff"
    path = "recipes/evidence/%s/%s/sha256-%s.yaml" % (recipe, slug(who), h)
    out.write(("M 100644 inline %s\n" % path).encode())
    data(body.encode("latin-1"))
out.write(b"\n")
EOF
git -C "$R" repack -adq
hexof() { printf 'large-%s' "$1" | sha256sum | cut -c1-64; }

audit() { # OUT-FILE ARGS: the audit from inside the repository
	local here=$PWD
	cd "$R" || return
	run check "${@:2}"
	cd "$here" || return
	cp "$T_OUT" "$1"
}

audit "$T_WORK/two-stage.txt"
expect_rc 1 "the audit of $N pointers with five bad ones exits 1"
expect_err "check: [0-9]+ problems in $((N + 1)) files, $N pointers read" \
	"every pointer is read"
for i in 5 700 1500 2200 $((N - 1)); do
	if grep -q "sha256-$(hexof "$i").yaml: " "$T_WORK/two-stage.txt"; then
		ok "pointer $i (batch $((i / 256))) is reported"
	else
		bad "pointer $i is reported" "$(head -c 300 "$T_WORK/two-stage.txt")"
	fi
done
expect_out "recipe-99" "the recipe mismatch names the recipe field"
expect_out "invalid pointer: 10[0-9]{5} bytes, cap 1048576" \
	"the oversized blob is a finding by its size"
for i in 5 700 1500 2200 $((N - 1)); do echo "sha256-$(hexof "$i").yaml: "; done >"$T_WORK/bad"
others=$(grep -cvF -f "$T_WORK/bad" "$T_WORK/two-stage.txt")
if [ "$others" = 0 ]; then
	ok "no other pointer is reported"
else
	bad "no other pointer is reported" "$others other lines: $(grep -vF -f "$T_WORK/bad" "$T_WORK/two-stage.txt" | head -3)"
fi

audit "$T_WORK/one.txt" --workers 1
expect_rc 1 "--workers 1 exits 1 too"
if cmp -s "$T_WORK/one.txt" "$T_WORK/two-stage.txt"; then
	ok "the two-stage audit reports exactly what one thread reports"
else
	bad "the two-stage audit reports exactly what one thread reports" \
		"$(diff "$T_WORK/one.txt" "$T_WORK/two-stage.txt" | head -5)"
fi
audit "$T_WORK/pool.txt" --workers 2
if cmp -s "$T_WORK/pool.txt" "$T_WORK/two-stage.txt"; then
	ok "and what the worker pool reports"
else
	bad "and what the worker pool reports" \
		"$(diff "$T_WORK/pool.txt" "$T_WORK/two-stage.txt" | head -5)"
fi
audit "$T_WORK/two-stage.json" --format json
audit "$T_WORK/one.json" --format json --workers 1
if cmp -s "$T_WORK/one.json" "$T_WORK/two-stage.json" &&
	[ "$(jq '.problems | length' "$T_WORK/one.json")" -ge 5 ]; then
	ok "the JSON reports are identical as well"
else
	bad "the JSON reports are identical as well" "$(head -c 300 "$T_WORK/two-stage.json")"
fi

# A tree that names a blob the repository lacks (a damaged or shallow
# clone): the read fails, the audit stops with an operational error.
missing=$(printf 'no such blob' | git hash-object --stdin)
ptr="recipes/evidence/recipe-00/$(lf_slug "$ISS_OAUTH" "$ID_ALICE")/sha256-$(hexof missing).yaml"
export GIT_INDEX_FILE=$T_WORK/index
git -C "$R" read-tree main
git -C "$R" update-index --add --cacheinfo "100644,$missing,$ptr"
tree=$(git -C "$R" write-tree --missing-ok)
unset GIT_INDEX_FILE
c=$(git -C "$R" -c user.name=t -c user.email=t@example.com commit-tree "$tree" -p main -m broken)
git -C "$R" update-ref refs/heads/main "$c"
for mode in "" "--workers 1" "--workers 2"; do
	# shellcheck disable=SC2086
	audit "$T_WORK/broken.txt" $mode
	expect_rc 2 "a missing blob is an operational error (${mode:-two stages})"
	expect_err "cannot read a pointer blob|not found|$missing" \
		"the error says the blob cannot be read (${mode:-two stages})"
done

t_end
