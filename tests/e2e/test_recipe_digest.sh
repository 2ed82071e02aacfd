#!/usr/bin/env bash
# tests/e2e/test_recipe_digest.sh -- the recipe digest against the
# reference's own library: every YAML file of the repository and a
# generated corpus of style variants (gen_recipe_variants.py), each digested
# by `aicr-evidence digest` and by the Go oracle (tests/oracle, Go's
# gopkg.in/yaml.v3 as the reference uses it), in the v3 form (without
# metadata.version) and the v1/v2 form (with it).
#
# For each file and form:
#   - both digest it: the digests must be equal (a mismatch fails);
#   - we digest it and the reference cannot: fails (never a silent
#     difference);
#   - we refuse it and the reference digests it: our message must name one
#     of the constructs refused on purpose (docs/formats.md), else fails;
#   - both refuse it: fine.
# Prints the figures. SKIPPED when Go or the library is absent (make deps).
. "$(dirname "$0")/lib.sh"
t_begin

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
ORACLE=${AE_DIGEST_ORACLE:-$(dirname "$AE_BIN")/recipe-digest-oracle}
if ! sh "$root/tests/oracle/build.sh" "$ORACLE" 2>"$T_WORK/oracle.err"; then
	if [ -x "$ORACLE" ] || ! grep -q 'is absent\|not installed' "$T_WORK/oracle.err"; then
		bad "the Go oracle builds" "$(head -3 "$T_WORK/oracle.err")"
		t_end
	fi
	echo "test_recipe_digest: SKIPPED -- $(head -1 "$T_WORK/oracle.err"); the"
	echo "test_recipe_digest: differential against the reference's yaml.v3 did NOT run"
	t_end
fi
ok "the Go oracle builds against Debian's gopkg.in/yaml.v3"

V1=https://aicr.run/recipe-evidence/v1
# The refusals that are ours on purpose (docs/formats.md "What is refused").
ON_PURPOSE='anchors are not allowed|aliases are not allowed|merge keys|not a scalar|duplicate key|more than one YAML document|text after the end|a tag running into|inside a plain scalar in a flow|ending in .:. inside a flow|the escape|unknown escape character|byte order mark|UTF-16|control characters are not allowed|UTF-8 octet|invalid Unicode character|nesting deeper|YAML nodes|recipe is empty|NUL'

list="$T_WORK/files"
{
	if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
		git -C "$root" ls-files -z -- '*.yaml' '*.yml' | tr '\0' '\n' | sed "s|^|$root/|"
	else
		find "$root" -path "$root/build*" -prune -o -type f \( -name '*.yaml' -o -name '*.yml' \) -print
	fi
} | sort >"$list"
nrepo=$(wc -l <"$list")
python3 "$here/gen_recipe_variants.py" "$T_WORK/variants" >/dev/null
find "$T_WORK/variants" -type f | sort >>"$list"
nall=$(wc -l <"$list")
nvar=$((nall - nrepo))

same=0 mismatch=0 purpose=0 both=0 extra=0 shown=0
# the reference's own files (tests/oracle/reference-yaml), counted apart
REFDIR=$root/tests/oracle/reference-yaml
ref_all=0 ref_same=0
declare -A why_count=()
for form in v3 v1; do
	oflag=
	aflag=()
	if [ $form = v1 ]; then
		oflag=-v1
		aflag=(--predicate-type "$V1")
	fi
	# One oracle run for every file: a line each, digest or "error: ...".
	tr '\n' '\0' <"$list" | xargs -0 "$ORACLE" $oflag >"$T_WORK/oracle.$form" 2>/dev/null
	mapfile -t answers <"$T_WORK/oracle.$form"
	i=0
	while IFS= read -r f; do
		theirs=${answers[$i]:-}
		i=$((i + 1))
		ours=$(ae digest "${aflag[@]}" "$f" 2>"$T_WORK/err")
		isref=0
		case $f in "$REFDIR"/*) isref=1 ref_all=$((ref_all + 1)) ;; esac
		if [ -n "$ours" ] && [ "${theirs#error: }" = "$theirs" ]; then
			if [ "$ours" = "$theirs" ]; then
				same=$((same + 1))
				ref_same=$((ref_same + isref))
			else
				mismatch=$((mismatch + 1))
				if [ $shown -lt 5 ]; then
					shown=$((shown + 1))
					echo "MISMATCH ($form) ${f#"$root"/}"
					diff <("$ORACLE" $oflag -canon "$f") <(ae digest "${aflag[@]}" --canonical "$f") | head -10
				fi
			fi
		elif [ -n "$ours" ]; then
			extra=$((extra + 1))
			echo "WE DIGEST, THE REFERENCE CANNOT ($form) ${f#"$root"/}: $theirs"
		elif [ "${theirs#error: }" != "$theirs" ]; then
			both=$((both + 1))
		elif grep -qE -- "$ON_PURPOSE" "$T_WORK/err"; then
			purpose=$((purpose + 1))
			w=$(grep -oE -- "$ON_PURPOSE" "$T_WORK/err" | head -1)
			why_count[$w]=$((${why_count[$w]:-0} + 1))
		else
			mismatch=$((mismatch + 1))
			echo "WE REFUSE WHAT THE REFERENCE DIGESTS ($form) ${f#"$root"/}: $(head -1 "$T_WORK/err")"
		fi
	done <"$list"
done

echo "digest differential: $nall files ($nrepo of the repository, $nvar style variants), two forms each:"
echo "digest differential: $same digests equal to the reference's, $mismatch mismatches, $extra digested where the reference cannot,"
echo "digest differential: $purpose refused on purpose, $both refused by both"
for w in "${!why_count[@]}"; do
	echo "digest differential:   refused on purpose: ${why_count[$w]} x $w"
done
echo "digest differential: the reference's own files (tests/oracle/reference-yaml): $ref_same of $ref_all digests equal (both forms)"
[ "$ref_all" -gt 0 ] && ok "the reference's own YAML files are in the differential ($ref_all digests)" ||
	bad "the reference's own YAML files are in the differential" "none found under $REFDIR"
[ "$mismatch" -eq 0 ] && ok "no file digests differently from the reference ($same equal)" || bad "no file digests differently from the reference" "$mismatch mismatches"
[ "$extra" -eq 0 ] && ok "nothing is digested that the reference cannot digest" || bad "nothing is digested that the reference cannot digest" "$extra files"
[ "$same" -gt $((nall)) ] && ok "most files digest in both forms" || bad "most files digest in both forms" "only $same of $((2 * nall))"

# ---- the digest command's own contract ----
printf 'b: 1\na:\n  z: [2, 1]\n  y: x # c\nmetadata:\n  version: v1\n' >"$T_WORK/r.yaml"
run digest --canonical "$T_WORK/r.yaml"
expect_out_eq "$(printf 'a:\n    y: x\n    z: [2, 1]\nb: 1')" "--canonical prints yaml.v3's bytes: 4-space indent, flow kept, metadata gone"
run digest "$T_WORK/r.yaml"
d=$(cat "$T_OUT")
[ "$d" = "$(ae digest --canonical "$T_WORK/r.yaml" | sha256sum | cut -d' ' -f1)" ] && ok "the digest is the SHA-256 of the canonical bytes" || bad "the digest is the SHA-256 of the canonical bytes"
[ "$d" = "$("$ORACLE" "$T_WORK/r.yaml")" ] && ok "and equals the oracle's" || bad "and equals the oracle's"
run digest --predicate-type "$V1" --canonical "$T_WORK/r.yaml"
expect_out 'version: v1' "the v1 form keeps metadata.version"

refuse() { # DOC PATTERN WHAT
	printf '%b' "$1" >"$T_WORK/bad.yaml"
	run digest "$T_WORK/bad.yaml"
	expect_rc 2 "$3: refused"
	expect_err "$2" "$3: the message names it"
}
refuse 'a: &x 1\n' 'anchors are not allowed' "an anchor"
refuse 'a: 1\nb: *x\n' 'alias|anchor' "an alias"
refuse '<<: {a: 1}\nb: 2\n' 'merge keys' "a merge key"
refuse 'a: 1\n---\nb: 2\n' 'more than one YAML document' "several documents"
refuse 'a: 1\na: 2\n' 'duplicate key "a"' "a duplicate key"
refuse '? [a]\n: 1\n? [b]\n: 2\n' 'not a scalar beside' "two collection keys (both sort as \"\")"
refuse 'a: [!!str,b]\n' 'a tag running into' "a tag yaml.v3 reads further"
refuse 'a: "x\\/y"\n' 'escape' "the \\/ escape yaml.v3 refuses"
printf 'a: !!str 12\nb: !!int "3"\n' >"$T_WORK/tags.yaml"
run digest "$T_WORK/tags.yaml"
[ "$(cat "$T_OUT")" = "$("$ORACLE" "$T_WORK/tags.yaml")" ] && ok "explicit tags are digested as the reference does" || bad "explicit tags are digested as the reference does"

t_end
