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
