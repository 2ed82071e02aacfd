#!/usr/bin/env bash
# tests/lint.sh -- the checks curl's checksrc makes, for our tree (STYLE §3.12)
set -u
cd "$(dirname "$0")/.."
fail=0
src=$(find cmd evidence allowlist ledger oci -name '*.[ch]' | sort)
say() { echo "lint: $*"; fail=1; }

banned='\b(sprintf|vsprintf|strcpy|strcat|strncpy|strtok|atoi|atol|sscanf|gets|system|popen)[[:space:]]*\('
hits=$(grep -nE "$banned" $src | grep -v '^\S*:[0-9]*:\s*/\?\*')
[ -z "$hits" ] || say "banned call:
$hits"

hits=$(grep -nE '\bif \(.*[^=!<>]=[^=].*\)' $src | grep -vE '(==|!=|<=|>=)' | grep -E 'if \([^)]*[^=!<>]=[^=]' )
[ -z "$hits" ] || say "assignment inside if (:
$hits"

# Only cmd/ prints or exits (STYLE §3.6).
lib=$(find evidence allowlist ledger oci -name '*.c' | sort)
hits=$(grep -nE '\b(printf|fprintf|puts|fputs|perror|exit|abort)[[:space:]]*\(' $lib | grep -v 'AE_DEBUG_ASSERT')
[ -z "$hits" ] || say "printing or exiting below cmd/:
$hits"

# Another module's internal.h never crosses folders.
for f in $src; do
	dir=$(dirname "$f")
	grep -nE '#include "[a-z/]+/internal\.h"' "$f" | while IFS= read -r l; do
		inc=$(sed -E 's/.*#include "([a-z/]+)\/internal\.h".*/\1/' <<<"$l")
		[ "$inc" = "$dir" ] || echo "lint: $f includes $inc/internal.h"
	done
done | grep . && fail=1

# The arrows (docs/architecture.md): what each folder may include of the
# project. A file's own folder is always allowed; everything else must be
# listed here. evidence/sigstore (the verifier) stands on evidence/core
# alone; evidence/signer on the verifier's public header and core.
allowed_includes() {
	case "$1" in
	evidence/core) echo "evidence/core/" ;;
	evidence/tuf) echo "evidence/core/" ;;
	evidence/sigstore) echo "evidence/core/" ;;
	evidence/signer) echo "evidence/core/ evidence/sigstore/sigstore.h" ;;
	evidence) echo "evidence/core/ evidence/sigstore/sigstore.h" ;;
	oci) echo "evidence/core/" ;;
	allowlist) echo "evidence/core/" ;;
	ledger) echo "evidence/core/ allowlist/allowlist.h evidence/evidence.h evidence/sigstore/sigstore.h oci/oci.h" ;;
	cmd) echo "evidence/core/ evidence/evidence.h evidence/sigstore/sigstore.h evidence/signer/signer.h evidence/signer/login.h evidence/tuf/tuf.h allowlist/allowlist.h ledger/ledger.h oci/oci.h" ;;
	*) echo "" ;;
	esac
}
for f in $src $(find cmd evidence allowlist ledger oci -name '*.cc' | sort); do
	dir=$(dirname "$f")
	ok=$(allowed_includes "$dir")
	grep -oE '^[[:space:]]*#[[:space:]]*include[[:space:]]+"[^"]+"' "$f" |
		sed -E 's/.*"([^"]+)"/\1/' | while IFS= read -r inc; do
		case "$inc" in "$dir"/*)
			[ "$(dirname "$inc")" = "$dir" ] && continue ;;
		esac
		hit=0
		for a in $ok; do
			case "$inc" in "$a"*) hit=1 ;; esac
		done
		[ $hit -eq 1 ] || echo "lint: $f includes $inc against the arrows"
	done
done | grep . && fail=1

# No new file-level circle below cmd/ (issue 17): two files that each
# call a function of the other, or a longer loop (tests/circles.sh finds
# them). The loops still being broken are listed by file; the list only
# shrinks. A use hidden in a header's macro is not seen.
known_circle_files=" ledger/check_case.c ledger/check_tree.c ledger/check_trees.c
	ledger/check_pipe.c ledger/check_pool.c
	oci/http.c oci/pull.c oci/pull_layer.c oci/referrers.c oci/untar_stream.c "
hits=$(bash tests/circles.sh | while IFS= read -r loop; do
	for f in ${loop//->/ }; do
		case "$known_circle_files" in *[[:space:]]"$f"[[:space:]]*) ;;
		*) echo "$loop"; break ;; esac
	done
done)
[ -z "$hits" ] || say "file-level circle (move the shared part into a lower file):
$hits"

# Formatting drift.
if command -v clang-format >/dev/null 2>&1; then
	for f in $src $(find cmd evidence allowlist ledger oci -name '*.cc' | sort); do
		if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
			say "$f is not clang-formatted (run 'make format')"
		fi
	done
fi
[ $fail -eq 0 ] && echo "lint: clean"
exit $fail
