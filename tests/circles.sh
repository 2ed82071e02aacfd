#!/usr/bin/env bash
# tests/circles.sh -- file-level circles below cmd/ (issue 17): two files
# that each call a function of the other, or a longer loop. Prints one
# line "FILE -> FILE ..." per loop found, nothing when there is none.
#
# A file's definitions are its non-static functions and data at column 0
# (our clang-format style puts the type and the name on the definition's
# first line); its uses are the identifiers of its code with comments
# removed by the preprocessor (-fpreprocessed: no #include is expanded).
# The edges go to tsort, which names every loop it has to break.
set -u
cd "$(dirname "$0")/.."
files=$(find evidence allowlist ledger oci -name '*.c' | sort)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for f in $files; do
	${CC:-cc} -fpreprocessed -dD -E -P "$f" 2>/dev/null >"$tmp/code" ||
		sed 's,//.*,,' "$f" >"$tmp/code"
	awk -v file="$f" '
		/^[A-Za-z_]/ && !/^(static|typedef|extern|struct [a-z_0-9]+ \{|enum|union|#)/ {
			line = $0
			if (match(line, /[A-Za-z_][A-Za-z0-9_]*(\(|\[[^]]*\] = | = )/)) {
				name = substr(line, RSTART, RLENGTH)
				sub(/[\[( =].*/, "", name)
				if (line !~ /\);[[:space:]]*$/)
					print name, file
			}
		}' "$tmp/code" >>"$tmp/defs"
	grep -owE '[A-Za-z_][A-Za-z0-9_]*' "$tmp/code" | sort -u |
		sed "s,^,$f ," >>"$tmp/uses"
done
# uses: "FILE IDENT"; defs: "IDENT FILE" -> edges "USER DEFINER"
sort -k1,1 "$tmp/defs" >"$tmp/defs.s"
sort -k2,2 "$tmp/uses" | join -1 2 -2 1 -o 1.1,2.2 - "$tmp/defs.s" |
	awk '$1 != $2' | sort -u >"$tmp/edges"
tsort "$tmp/edges" 2>&1 >/dev/null | awk '
	/input contains a loop/ { if (loop != "") print loop; loop = ""; next }
	{ sub(/^tsort: /, ""); loop = loop == "" ? $0 : loop " -> " $0 }
	END { if (loop != "") print loop }'
