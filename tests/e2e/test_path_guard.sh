#!/usr/bin/env bash
# tests/e2e/test_path_guard.sh -- a directory of ours is only as private as
# the directories above it (review findings, MEDIUM and LOW): whoever may
# write to a parent that is not sticky may rename our directory away and
# put theirs at its path.
# - login_page_swap: the browser login's start page went into a 0700
#   directory under a shared, non-sticky TMPDIR; a co-tenant renamed it and
#   planted a page leading to their own authorization request, and the
#   person's browser followed it. The page now goes to the first of
#   XDG_RUNTIME_DIR, TMPDIR, /tmp that nobody else can reach.
# - tuf_stash_rollback: with a --cache others may write, a co-tenant moved
#   our base/tuf away, let an update rebuild it, and moved the older one
#   back: a rollback of our own TUF state. Such a base is now neither
#   written to nor read as trust (docs/trust.md "Whose TUF cache").
# Each script exits 0 once fixed, 1 while the hole is open; both need root
# to play another user (uid 65534).
. "$(dirname "$0")/lib.sh"
t_begin
here=$(cd "$(dirname "$0")" && pwd)/path_guard
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
	echo "test_path_guard: SKIPPED -- needs root to play another user (setpriv)"
	t_end
fi
if ! python3 -c 'import cryptography' 2>/dev/null; then
	echo "test_path_guard: SKIPPED -- python3-cryptography is missing (make deps)"
	t_end
fi
for s in login_page_swap tuf_stash_rollback; do
	out=$(bash "$here/$s.sh" "$AE_BIN" 2>&1)
	rc=$?
	[ "$rc" = 0 ] && ok "$s: the co-tenant's swap gets nowhere" ||
		bad "$s: the co-tenant's swap gets nowhere" "exit $rc: $(tail -c 400 <<<"$out")"
done
t_end
