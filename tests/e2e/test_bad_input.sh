#!/usr/bin/env bash
# tests/e2e/test_bad_input.sh -- the bad-input matrix (issue 9)
#
# Every command that reads a file gets: an empty file, binary garbage, twice
# its size cap, 10,000 levels of nesting (JSON arrays and objects, YAML flow
# and block), invalid UTF-8, NUL bytes in names taken from content, a
# directory, a FIFO and a symlink where a file is expected. Each run must
# end in time (a FIFO must not block), without a crash or a sanitizer
# report (exit < 128), with the documented exit code and one clear line on
# stderr ("aicr-evidence: ..." naming the input, printable ASCII only), and
# must leave no output file behind. Then the outputs: a read-only output
# directory and a full disk (a 16 KiB tmpfs when mount works, else
# `ulimit -f`). An output that exists and is no regular file: a device,
# a FIFO, a socket (written to, never replaced), a symlink, a directory
# (refused). A file vanishing mid-read is simulated by a background loop
# that deletes, recreates and replaces the input (by a directory, a FIFO)
# while the command runs again and again: every run must end cleanly,
# whichever state it saw.
. "$(dirname "$0")/lib.sh"
t_begin
EX=$(cd "$(dirname "$0")/../../recipes/examples" && pwd)
W=$T_WORK
IN=$W/in
export SOURCE_DATE_EPOCH=1763650000
# Under valgrind every run is ~30x slower; the limit only catches hangs.
TO=20
[ -n "${AE_WRAP:-}" ] && TO=300

# ---- the bad inputs ----
mkdir -p "$IN"
: >"$IN/empty"
python3 - "$IN" <<'PY'
import random, sys
d = sys.argv[1]
random.seed(9)
open(f"{d}/garbage", "wb").write(bytes(random.randrange(256) for _ in range(4096)))
n = 10000
open(f"{d}/deep-array.json", "w").write("[" * n + "]" * n + "\n")
open(f"{d}/deep-object.json", "w").write('{"a":' * n + "1" + "}" * n + "\n")
open(f"{d}/deep-flow.yaml", "w").write("a: " + "[" * n + "]" * n + "\n")
open(f"{d}/deep-block.yaml", "w").write("- " * n + "x\n")
open(f"{d}/bad-utf8.yaml", "wb").write(b"kind: \xff\xfe\x80\nrecipe: \xc3\x28\n")
open(f"{d}/bad-utf8.json", "wb").write(b'{"kind": "\xff\xfe\x80", "recipe": "\xc3\x28"}\n')
PY
mkdir "$IN/dir"
mkfifo "$IN/fifo"
ln -s "$EX/recipe.yaml" "$IN/symlink"
KINDS="empty garbage deep-array.json deep-object.json deep-flow.yaml deep-block.yaml bad-utf8.yaml bad-utf8.json dir fifo symlink"

# A file of twice `cap` bytes (sparse: the cap is checked at fstat).
big() { # CAP -> path
	local f=$IN/big-$1
	[ -e "$f" ] || truncate -s $(($1 * 2)) "$f"
	echo "$f"
}
MiB=$((1 << 20))

# Runs the binary under a time limit; $T_RC, $T_OUT, $T_ERR as run().
brun() {
	# shellcheck disable=SC2086
	timeout -k 5 "$TO" ${AE_WRAP:-} "$AE_BIN" "$@" >"$T_OUT" 2>"$T_ERR" </dev/null
	T_RC=$?
}

# The verdict on the last brun: WHAT WANT-RC-ERE [stdout|stderr]
# (where the one-line reason is expected; stderr by default).
judge() {
	local what=$1 want=$2 where=${3:-stderr} f=$T_ERR lines why=""
	[ "$where" = stdout ] && f=$T_OUT
	if [ "$T_RC" -eq 124 ] || [ "$T_RC" -eq 137 ]; then
		why="hung (killed after ${TO}s)"
	elif [ "$T_RC" -ge 128 ]; then
		why="crashed (exit $T_RC)"
	elif grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|==[0-9]+== (Invalid|Conditional|[0-9,]+ bytes in)' "$T_ERR"; then
		why="sanitizer or valgrind report"
	elif ! [[ $T_RC =~ ^($want)$ ]]; then
		why="exit $T_RC, want $want"
	elif [ "$where" = stderr ] && ! head -1 "$T_ERR" | grep -q '^aicr-evidence: .*[^ ]'; then
		why="stderr does not start with 'aicr-evidence: <reason>'"
	elif [ "$where" = stdout ] && [ ! -s "$T_OUT" ]; then
		why="no reason on stdout"
	elif LC_ALL=C grep -q '[^[:print:][:space:]]' "$T_ERR"; then
		why="raw control or non-ASCII bytes on stderr"
	else
		lines=$(grep -vc '^hint: ' "$f")
		[ "$where" = stderr ] && [ "$lines" -ne 1 ] && why="$lines lines on stderr, want one"
	fi
	if [ -z "$why" ]; then ok "$what"; else bad "$what" "$why"; fi
}

# Places bad input KIND at PATH (replacing what is there).
place() { # KIND PATH
	rm -rf "$2"
	case $1 in
	dir) mkdir "$2" ;;
	fifo) mkfifo "$2" ;;
	symlink) ln -s "$EX/recipe.yaml" "$2" ;;
	big-*) truncate -s "$(stat -c %s "$IN/$1")" "$2" ;;
	-) : ;;
	*) cp "$IN/$1" "$2" ;;
	esac
}

# ---- single-file readers: pointer, allowlist, digest ----
for k in $KINDS $(big $MiB | xargs basename); do
	f=$IN/$k
	# pointer: a broken rule is 1, unreadable 2 (docs/cli.md)
	brun pointer show "$f" -o "$W/o.txt"
	judge "pointer show $k" '1|2'
	[ ! -e "$W/o.txt" ] || bad "pointer show $k leaves no output" "$W/o.txt exists"
	brun pointer path "$f"
	judge "pointer path $k" '1|2'
	brun digest "$f"
	judge "digest $k" 2
	# a TUF initial root: refused before any request, nothing kept
	brun trust update --tuf-url http://127.0.0.1:9 --tuf-root "$f" --cache "$W/tuf"
	judge "trust update --tuf-root $k" 2
	[ -z "$(find "$W/tuf" -name current 2>/dev/null)" ] ||
		bad "trust update --tuf-root $k keeps nothing"
	brun allowlist classify --issuer i --identity x --allowlist "$f"
	if [ "$k" = empty ]; then
		# valid and empty: nobody is listed (1), on stdout
		judge "allowlist classify with an empty allowlist" 1 stdout
	else
		judge "allowlist classify $k" 2
	fi
	# allowlist check lists problems on stdout (exit 1), errors on stderr
	brun allowlist check "$f"
	case $k in
	empty) judge "allowlist check: an empty allowlist is valid" 0 stdout ;;
	garbage | deep-* | bad-utf8*) judge "allowlist check $k" 1 stdout ;;
	*) judge "allowlist check $k" 2 ;;
	esac
done

# ---- YAML merge keys (<<): yaml.v3 merges them, so the reference would
# read another document; refused like aliases, wherever YAML is read ----
PF=$(cd "$(dirname "$0")/../fuzz/corpus" && pwd)
for f in "$PF"/pointer/merge-*.yaml "$PF"/yaml/merge-*.yaml; do
	k=merge:$(basename "$f")
	brun pointer show "$f" -o "$W/o.txt"
	judge "pointer show $k" 1
	grep -q 'YAML merge keys (<<) are not allowed' "$T_ERR" && ok "pointer show $k says why" ||
		bad "pointer show $k says why" "$(head -1 "$T_ERR")"
	[ ! -e "$W/o.txt" ] || bad "pointer show $k leaves no output" "$W/o.txt exists"
	brun allowlist check "$f"
	judge "allowlist check $k" 1 stdout
	grep -q 'merge keys' "$T_OUT" && ok "allowlist check $k says why" || bad "allowlist check $k says why" "$(head -1 "$T_OUT")"
	# one rule for every YAML the tool reads, recipes included: a "<<"
	# key in any quoting is refused (yaml.v3 would read a quoted one as
	# a string; we fail closed rather than keep two rules)
	brun digest "$f"
	judge "digest $k" 2
	grep -q 'merge keys (<<) are not allowed' "$T_ERR" && ok "digest $k says why" ||
		bad "digest $k says why" "$(head -1 "$T_ERR")"
done
brun allowlist check "$PF/allowlist/merge-entry.yaml"
judge "allowlist check: a merge key in an entry" 1 stdout
brun allowlist classify --issuer https://github.com/login/oauth --identity alice@example.com \
	--allowlist "$PF/allowlist/merge-entry.yaml"
judge "allowlist classify: an allowlist with a merge key" 2
sed 's/^criteria:/<<: {kind: Other}\ncriteria:/' "$EX/recipe.yaml" >"$IN/merge-recipe.yaml"
rm -rf "$W/eo"
brun emit --recipe "$IN/merge-recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o "$W/eo"
judge "emit --recipe with a merge key" 2
[ ! -e "$W/eo" ] || bad "emit --recipe with a merge key leaves no output"
sed 's/^criteria:/"<<": {kind: Other}\ncriteria:/' "$EX/recipe.yaml" >"$IN/merge-quoted-recipe.yaml"
brun emit --recipe "$IN/merge-quoted-recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o "$W/eo"
judge "emit --recipe with a quoted \"<<\" key" 2
grep -q 'merge keys (<<) are not allowed' "$T_ERR" && ok "emit --recipe with a quoted \"<<\" key says why" ||
	bad "emit --recipe with a quoted \"<<\" key says why" "$(head -1 "$T_ERR")"
[ ! -e "$W/eo" ] || bad "emit --recipe with a quoted \"<<\" key leaves no output"

# ---- emit: --recipe, --snapshot, --bom, --ctrf file, --ctrf dir ----
EMIT_BASE=(--recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf")
emit_bad() { # WHICH PATH KIND-LABEL
	local args=("${EMIT_BASE[@]}")
	case $1 in
	recipe) args[1]=$2 ;;
	snapshot) args[3]=$2 ;;
	ctrf) args[5]=$2 ;;
	bom) args+=(--bom "$2") ;;
	esac
	rm -rf "$W/eo"
	brun emit "${args[@]}" -o "$W/eo"
	judge "emit --$1 $3" 2
	if [ -e "$W/eo" ]; then bad "emit --$1 $3 leaves no output" "$(find "$W/eo" | head -3 | tr '\n' ' ')"; fi
	grep -qF "$(basename "$2")" "$T_ERR" && ok "emit --$1 $3 names the file" ||
		bad "emit --$1 $3 names the file" "$(head -1 "$T_ERR")"
}
mkdir -p "$W/ctrfd"
for k in $KINDS; do
	for which in recipe snapshot bom; do emit_bad "$which" "$IN/$k" "$k"; done
	# a CTRF report must be named for its phase
	place "$k" "$W/ctrfd/deployment.json"
	emit_bad ctrf "$W/ctrfd/deployment.json" "$k"
	emit_bad ctrf "$W/ctrfd" "$k (in a directory)"
done
emit_bad recipe "$(big $MiB)" "2x cap"
emit_bad snapshot "$(big $((16 * MiB)))" "2x cap"
emit_bad bom "$(big $((8 * MiB)))" "2x cap"
rm -rf "$W/ctrfd/deployment.json"
truncate -s $((20 * MiB)) "$W/ctrfd/deployment.json"
emit_bad ctrf "$W/ctrfd/deployment.json" "2x cap"
rm -rf "$W/ctrfd"

# NUL bytes in names taken from content: YAML "\0" and JSON "\u0000"
sed 's/^kind: RecipeResult$/kind: "Recipe\\0Result"/' "$EX/recipe.yaml" >"$IN/nul-recipe.yaml"
emit_bad recipe "$IN/nul-recipe.yaml" "NUL in a field"
brun digest "$IN/nul-recipe.yaml"
judge "digest: NUL in a field" 2
mkdir -p "$W/nulctrf"
sed '0,/"name": "/s//"name": "nul\\u0000/' "$EX/ctrf/deployment.json" >"$W/nulctrf/deployment.json"
emit_bad ctrf "$W/nulctrf" "NUL in a test name"
# control bytes in a directory entry's name: refused, and escaped
rm -rf "$W/nulctrf"
mkdir -p "$W/nulctrf"
cp "$EX/ctrf/deployment.json" "$W/nulctrf/$(printf 'deployment\033[31m\n.json')"
rm -rf "$W/eo"
brun emit "${EMIT_BASE[@]:0:4}" --ctrf "$W/nulctrf" -o "$W/eo"
judge "emit: control bytes in a CTRF file name" 2
# the name as ae_repr wrote it (\x1b), escaped again by cmd_error (\x5c)
grep -qF 'deployment\x5cx1b[31m\x5cx0a.json' "$T_ERR" && ok "the name is escaped in the message" ||
	bad "the name is escaped in the message" "$(head -1 "$T_ERR")"
[ ! -e "$W/eo" ] || bad "emit with a control-byte CTRF name leaves no output"

# ---- verify: each file of a bundle replaced ----
brun emit "${EMIT_BASE[@]}" -o "$W/clean"
[ "$T_RC" -eq 0 ] && ok "emit the clean bundle" || bad "emit the clean bundle" "exit $T_RC"

# ---- swapped or wrong inputs (issue 20 item 6): each input is judged by
# its kind and top-level keys before use; the message names the flag and
# what the file looks like ----
printf 'apiVersion: v1\nkind: ConfigMap\ndata: {a: b}\n' >"$IN/configmap.yaml"
mkdir -p "$W/swapctrf"
swap_row() { # LABEL FLAG-IN-MESSAGE LOOKS-LIKE ARGS...
	local label=$1 flag=$2 looks=$3
	shift 3
	rm -rf "$W/eo"
	brun emit "$@" -o "$W/eo"
	judge "emit $label" 2
	if grep -qF -- "$flag" "$T_ERR" && grep -qF -- "$looks" "$T_ERR"; then
		ok "emit $label names $flag and says it looks like $looks"
	else
		bad "emit $label names $flag and says it looks like $looks" "$(head -1 "$T_ERR")"
	fi
	[ ! -e "$W/eo" ] || bad "emit $label leaves no output"
}
swap_row "--recipe SNAPSHOT --snapshot RECIPE" --recipe "a snapshot" \
	--recipe "$EX/snapshot.yaml" --snapshot "$EX/recipe.yaml" --ctrf "$EX/ctrf"
swap_row "--snapshot RECIPE" --snapshot "a recipe" \
	--recipe "$EX/recipe.yaml" --snapshot "$EX/recipe.yaml" --ctrf "$EX/ctrf"
swap_row "--recipe CTRF" --recipe "a CTRF report" \
	--recipe "$EX/ctrf/deployment.json" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf"
swap_row "--snapshot CTRF" --snapshot "a CTRF report" \
	--recipe "$EX/recipe.yaml" --snapshot "$EX/ctrf/conformance.json" --ctrf "$EX/ctrf"
swap_row "--recipe ALLOWLIST" --recipe "an allowlist" \
	--recipe "$EX/../evidence/allowlist.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf"
swap_row "--recipe POINTER" --recipe "a ledger pointer" \
	--recipe "$W/clean/pointer.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf"
swap_row "--snapshot CONFIGMAP" --snapshot "kind \"ConfigMap\"" \
	--recipe "$EX/recipe.yaml" --snapshot "$IN/configmap.yaml" --ctrf "$EX/ctrf"
cp "$EX/snapshot.yaml" "$W/swapctrf/deployment.json"
swap_row "--ctrf DIR holding a snapshot" --ctrf "a snapshot" \
	--recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$W/swapctrf"
cp "$EX/recipe.yaml" "$W/swapctrf/deployment.json"
swap_row "--ctrf RECIPE" --ctrf "a recipe" \
	--recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$W/swapctrf/deployment.json"
cp "$W/clean/summary-bundle/statement.intoto.json" "$W/swapctrf/deployment.json"
swap_row "--ctrf STATEMENT" --ctrf "an in-toto statement" \
	--recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$W/swapctrf/deployment.json"
rm -rf "$W/swapctrf"

# ---- verify: a bundle whose files are of the wrong kind (issue 20): the
# file swapped in, then the manifest and the unsigned statement made to
# agree with it again (what emit wrote before it judged its inputs), so
# only the file's kind is wrong ----
reseal() { # BUNDLE FILE SRC
	local b=$1/summary-bundle f=$2 sz sha dg
	cp "$3" "$b/$f"
	sz=$(stat -c %s "$b/$f")
	sha=sha256:$(sha256sum <"$b/$f" | cut -d' ' -f1)
	jq --arg f "$f" --argjson sz "$sz" --arg sha "$sha" \
		'.files |= map(if .path == $f then .size = $sz | .sha256 = $sha else . end)' \
		"$b/manifest.json" >"$b/m.new" && mv "$b/m.new" "$b/manifest.json"
	dg=sha256:$(sha256sum <"$b/manifest.json" | cut -d' ' -f1)
	jq --arg dg "$dg" '.predicate.manifest.digest = $dg' "$b/statement.intoto.json" >"$b/s.new"
	mv "$b/s.new" "$b/statement.intoto.json"
	case $f in
	recipe.yaml)
		dg=$(ae digest "$b/recipe.yaml" 2>/dev/null) || return 0
		jq --arg dg "$dg" '.predicate.recipe.digest = $dg | .subject[0].digest.sha256 = $dg' \
			"$b/statement.intoto.json" >"$b/s.new" && mv "$b/s.new" "$b/statement.intoto.json"
		;;
	ctrf/*.json)
		f=${f#ctrf/}
		jq --arg p "${f%.json}" --arg sha "$sha" '.predicate.phases[$p].ctrfDigest = $sha' \
			"$b/statement.intoto.json" >"$b/s.new" && mv "$b/s.new" "$b/statement.intoto.json"
		;;
	esac
}
kind_row() { # LABEL FILE SRC LOOKS-LIKE
	rm -rf "$W/kind" && cp -r "$W/clean" "$W/kind" && reseal "$W/kind" "$2" "$3"
	brun verify "$W/kind"
	judge "verify: $1" 2 stdout
	if grep -qF -- "$2: " "$T_OUT" && grep -qF -- "$4" "$T_OUT"; then
		ok "verify: $1 names $2 and says: $4"
	else
		bad "verify: $1 names $2 and says: $4" "$(grep -A1 'Failed check' "$T_OUT" | tail -1)"
	fi
}
printf 'a: [\n' >"$IN/notyaml.yaml"
CB=$W/clean/summary-bundle
kind_row "recipe.yaml holding the snapshot" recipe.yaml "$CB/snapshot.yaml" "looks like a snapshot"
kind_row "recipe.yaml holding a raw snapshot" recipe.yaml "$EX/snapshot.yaml" "looks like a snapshot"
kind_row "snapshot.yaml holding the recipe" snapshot.yaml "$CB/recipe.yaml" "looks like a recipe"
kind_row "recipe.yaml holding a CTRF report" recipe.yaml "$CB/ctrf/deployment.json" "looks like a CTRF report"
kind_row "snapshot.yaml holding a CTRF report" snapshot.yaml "$CB/ctrf/deployment.json" "looks like a CTRF report"
kind_row "recipe.yaml holding an allowlist" recipe.yaml "$EX/../evidence/allowlist.yaml" "looks like an allowlist"
kind_row "recipe.yaml holding a pointer" recipe.yaml "$W/clean/pointer.yaml" "looks like a ledger pointer"
kind_row "snapshot.yaml holding a ConfigMap" snapshot.yaml "$IN/configmap.yaml" 'kind "ConfigMap"'
kind_row "snapshot.yaml that is not YAML" snapshot.yaml "$IN/notyaml.yaml" "not a snapshot: not YAML"
kind_row "ctrf/deployment.json holding the snapshot" ctrf/deployment.json "$CB/snapshot.yaml" "looks like a snapshot"
kind_row "ctrf/deployment.json holding the statement" ctrf/deployment.json "$CB/statement.intoto.json" "looks like an in-toto statement"
kind_row "ctrf/conformance.json holding the recipe" ctrf/conformance.json "$CB/recipe.yaml" "looks like a recipe"
rm -rf "$W/kind"
brun verify "$W/clean"
judge "verify: the clean bundle stays valid" 0 stdout
for k in $KINDS; do
	for f in manifest.json statement.intoto.json recipe.yaml attestation.intoto.jsonl; do
		rm -rf "$W/v"
		cp -r "$W/clean" "$W/v"
		place "$k" "$W/v/summary-bundle/$f"
		brun verify "$W/v" -o "$W/o.txt"
		# the verdict report is the output: invalid (2), stdout empty
		# because -o was given, and the report written all the same
		if [ "$T_RC" -ne 2 ] || [ "$T_RC" -ge 128 ]; then
			bad "verify with $f as $k is invalid" "exit $T_RC"
		elif grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$T_ERR"; then
			bad "verify with $f as $k is invalid" "sanitizer report"
		else
			ok "verify with $f as $k is invalid"
		fi
		rm -f "$W/o.txt"
	done
done
# INPUT as a pointer file of every kind (a directory is a bundle input)
for k in ${KINDS/dir /} $(big $MiB | xargs basename); do
	place "$k" "$W/vin.yaml"
	[ "${k#big-}" = "$k" ] || truncate -s $((2 * MiB)) "$W/vin.yaml"
	brun verify "$W/vin.yaml" -o "$W/o.txt"
	judge "verify INPUT=$k (a pointer)" 2
	[ ! -e "$W/o.txt" ] || bad "verify of a bad pointer writes no report"
	rm -f "$W/o.txt"
done
rm -rf "$W/vin.yaml"
brun verify "$W/clean" --trusted-root "$IN/garbage" -o "$W/o.txt"
judge "verify --trusted-root garbage" 2
[ ! -e "$W/o.txt" ] || bad "verify with a bad trusted root writes no report"

# ---- sigstore verify-bundle: --bundle, --trusted-root, --key, FILE ----
C=$(cd "$(dirname "$0")/../fuzz/corpus/bundle" && pwd)
for k in $KINDS $(big $MiB | xargs basename); do
	f=$IN/$k
	brun sigstore verify-bundle --bundle "$f" --certificate-identity x \
		--certificate-oidc-issuer y "$EX/recipe.yaml"
	judge "sigstore verify-bundle --bundle $k" 2
	brun sigstore verify-bundle --bundle "$C/happy-path-v0.3.json" \
		--certificate-identity x --certificate-oidc-issuer y \
		--trusted-root "$f" "$EX/recipe.yaml"
	judge "sigstore verify-bundle --trusted-root $k" 2
	brun sigstore verify-bundle --bundle "$C/managed-key-happy-path.json" \
		--key "$f" "$EX/recipe.yaml"
	judge "sigstore verify-bundle --key $k" 2
	brun sigstore verify-bundle --bundle "$C/happy-path-v0.3.json" \
		--certificate-identity x --certificate-oidc-issuer y "$f"
	judge "sigstore verify-bundle FILE=$k" 2
done
brun sigstore verify-bundle --bundle "$C/happy-path-v0.3.json" \
	--certificate-identity x --certificate-oidc-issuer y "$(big $((1 << 30)))"
judge "sigstore verify-bundle FILE=2x cap (2 GiB)" 2
rm -f "$IN/big-$((1 << 30))"

# ---- sign-bundle and sign: files read before any network I/O ----
for k in $KINDS; do
	brun sigstore sign-bundle --identity-token t --bundle "$W/sb.json" \
		--signing-config "$IN/$k" "$EX/recipe.yaml"
	judge "sigstore sign-bundle --signing-config $k" 2
	[ ! -e "$W/sb.json" ] || bad "sign-bundle --signing-config $k writes no bundle"
	brun sigstore sign-bundle --identity-token t --bundle "$W/sb.json" \
		--fulcio-url http://127.0.0.1:9 --rekor-url http://127.0.0.1:9 \
		--trusted-root "$IN/$k" "$EX/recipe.yaml"
	judge "sigstore sign-bundle --trusted-root $k" 2
	[ ! -e "$W/sb.json" ] || bad "sign-bundle --trusted-root $k writes no bundle"
	case $k in fifo | dir | symlink | empty | garbage)
		brun sigstore sign-bundle --identity-token t --bundle "$W/sb.json" \
			--fulcio-url http://127.0.0.1:9 --rekor-url http://127.0.0.1:9 "$IN/$k"
		judge "sigstore sign-bundle FILE=$k" '2|3'
		[ ! -e "$W/sb.json" ] || bad "sign-bundle FILE=$k writes no bundle"
		;;
	esac
	rm -rf "$W/s"
	cp -r "$W/clean" "$W/s"
	place "$k" "$W/s/pointer.yaml"
	brun sign "$W/s" --identity-token t --fulcio-url http://127.0.0.1:9 \
		--rekor-url http://127.0.0.1:9 --yes
	judge "sign with pointer.yaml as $k" '1|2'
	[ ! -e "$W/s/summary-bundle/attestation.intoto.jsonl" ] || bad "sign with a bad pointer writes no attestation"
done

# ---- push: the bundle is packed (and refused) before any network I/O ----
# push packs the bundle's bytes as they are (verify judges them): only what
# is not a regular file is refused before the network; content reaches the
# dead registry at 127.0.0.1:9 (exit 3 after the retries, ~4 s).
for k in fifo symlink; do
	for f in recipe.yaml manifest.json pointer.yaml; do
		rm -rf "$W/p"
		cp -r "$W/clean" "$W/p"
		if [ $f = pointer.yaml ]; then place "$k" "$W/p/$f"; else place "$k" "$W/p/summary-bundle/$f"; fi
		brun push "$W/p" --to 127.0.0.1:9/ev/x --registry-plain-http -o "$W/o.txt"
		judge "push with $f as $k" 2
		[ ! -e "$W/o.txt" ] || bad "push with $f as $k writes no report"
	done
done
rm -rf "$W/p"
cp -r "$W/clean" "$W/p"
place garbage "$W/p/summary-bundle/recipe.yaml"
brun push "$W/p" --to 127.0.0.1:9/ev/x --registry-plain-http -o "$W/o.txt"
judge "push of a garbage recipe.yaml reaches the (dead) registry" 3
[ ! -e "$W/o.txt" ] || bad "a failed push writes no report"
rm -rf "$W/p"
mkdir -p "$W/p/summary-bundle"
brun push "$W/p" --to 127.0.0.1:9/ev/x --registry-plain-http
judge "push of an empty bundle directory" 2

# ---- pull --offline: the cached manifest is whatever the cache holds ----
for k in empty garbage deep-array.json deep-object.json bad-utf8.json; do
	hex=$(sha256sum "$IN/$k" | cut -c1-64)
	mkdir -p "$W/cache/blobs/sha256"
	cp "$IN/$k" "$W/cache/blobs/sha256/$hex"
	brun pull "127.0.0.1:9/ev/x@sha256:$hex" --offline --cache "$W/cache" --to "$W/pulled"
	judge "pull --offline, cached manifest $k" 2
	[ ! -e "$W/pulled" ] || bad "pull of a bad manifest extracts nothing"
done
hex=$(printf 'x' | sha256sum | cut -c1-64)
for k in dir fifo symlink; do
	place "$k" "$W/cache/blobs/sha256/$hex"
	brun pull "127.0.0.1:9/ev/x@sha256:$hex" --offline --cache "$W/cache" --to "$W/pulled"
	judge "pull --offline, cached manifest is a $k" 2
	[ ! -e "$W/pulled" ] || bad "pull --offline of a $k extracts nothing"
done
rm -rf "$W/cache"

# ---- ledger: a pointer file or the allowlist replaced ----
cp -r "$(cd "$(dirname "$0")/../../recipes/evidence" && pwd)" "$W/L"
P=$(cd "$W/L" && find . -name 'sha256-*.yaml' | sort | head -1)
for k in $KINDS $(big $MiB | xargs basename); do
	rm -rf "$W/L2"
	cp -r "$W/L" "$W/L2"
	place "$k" "$W/L2/$P"
	brun ledger --root "$W/L2" --format json -o "$W/o.json"
	if [ "$T_RC" -eq 0 ] && jq -e '[.. | objects | select(has("reason")) | .reason] | map(select(test("unreadable|invalid"))) | length > 0' "$W/o.json" >/dev/null 2>&1; then
		ok "ledger with a pointer as $k: reported as not counted"
	else
		bad "ledger with a pointer as $k: reported as not counted" "exit $T_RC"
	fi
	rm -f "$W/o.json"
	rm -rf "$W/L2"
	cp -r "$W/L" "$W/L2"
	place "$k" "$W/L2/allowlist.yaml"
	brun ledger --root "$W/L2" -o "$W/o.txt"
	if [ "$k" = empty ]; then
		# an empty allowlist is valid: nobody is listed
		[ "$T_RC" -eq 0 ] && [ -s "$W/o.txt" ] && ok "ledger with an empty allowlist" ||
			bad "ledger with an empty allowlist" "exit $T_RC"
	else
		judge "ledger with the allowlist as $k" 2
		[ ! -e "$W/o.txt" ] || bad "ledger with a bad allowlist writes no report"
	fi
	rm -f "$W/o.txt"
done
# names from directory entries: control bytes and newlines never reach
# the report raw
rm -rf "$W/L2"
cp -r "$W/L" "$W/L2"
mkdir -p "$W/L2/$(printf 'evil\001\nrecipe')/$(printf 'src\033[31m')"
cp "$W/L/$P" "$W/L2/$(printf 'evil\001\nrecipe')/$(printf 'src\033[31m')/sha256-x.yaml"
brun ledger --root "$W/L2"
if [ "$T_RC" -eq 0 ] && ! LC_ALL=C grep -q $'[\001\033]' "$T_OUT"; then
	ok "ledger: control bytes in directory names are not echoed"
else
	bad "ledger: control bytes in directory names are not echoed" "exit $T_RC"
fi

# ---- check: --allowlist, a pointer blob, a repository ----
. "$(dirname "$0")/check_fixture.sh"
R=$(lf_repo repo)
for k in $KINDS; do
	brun check --repo "$R" --allowlist "$IN/$k" -o "$W/o.txt"
	case $k in
	empty) ;; # valid and empty: nobody is listed, judged below
	*) judge "check --allowlist $k" 2
		[ ! -e "$W/o.txt" ] || bad "check with a bad allowlist writes no report" ;;
	esac
	rm -f "$W/o.txt"
done
brun check --repo "$R" --allowlist "$(big $MiB)"
judge "check --allowlist 2x cap" 2
git -C "$R" checkout -q -b pr
for k in empty garbage deep-array.json deep-block.yaml bad-utf8.yaml $(big $MiB | xargs basename); do
	rel=$(lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$(lf_hex "$k")")
	cp "$IN/$k" "$R/$rel"
done
lf_commit "$R" "bad pointers"
brun check --repo "$R" --base main --format json -o "$W/o.json"
n=$(jq '[.problems[] | select(.rule == "schema")] | length' "$W/o.json" 2>/dev/null)
if [ "$T_RC" -eq 1 ] && [ "${n:-0}" -eq 6 ]; then
	ok "check: six bad pointer blobs, six schema problems"
else
	bad "check: six bad pointer blobs, six schema problems" "exit $T_RC, $n problems"
fi
# a tree entry whose name carries control bytes and a newline: a placement
# problem, escaped in the report
git -C "$R" checkout -q -b pr2 main
evil="$R/$EV/$(printf 'evil\033[31m\nrecipe')/$(lf_slug "$ISS_OAUTH" "$ID_ALICE")"
mkdir -p "$evil"
lf_pointer "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$(lf_hex evil)" >"$evil/sha256-$(lf_hex evil).yaml"
lf_commit "$R" "an evil name"
brun check --repo "$R" --base main
if [ "$T_RC" -eq 1 ] && grep -qF 'evil\x1b[31m\x0arecipe' "$T_OUT" &&
	! LC_ALL=C grep -q $'\033' "$T_OUT"; then
	ok "check: control bytes in a tree entry name are escaped"
else
	bad "check: control bytes in a tree entry name are escaped" "exit $T_RC: $(head -c 200 "$T_OUT")"
fi
brun check --repo "$IN/garbage"
judge "check --repo on a file" 2
brun check --repo "$IN/dir"
judge "check --repo on a directory that is no repository" 2

# ---- outputs that exist and are no regular file (issue 20 item 1) ----
# `-o PATH` where PATH is a device, a FIFO or a socket is written to as it
# is, never replaced (a rename over /dev/null as root destroyed it); a
# symlink (never followed), a directory or a FIFO nobody reads is refused
# with exit 2 and left as it was. /dev/null is tried on a private copy
# (mknod c 1 3) first, and the real one only when the copy survived.
SP=$W/special
mkdir -p "$SP"
SPR=$(lf_repo sprepo) # a clean ledger: check exits 0
# Each output-writing command once: LABEL WANT-RC ARGS... (-o is appended)
sp_cmds() {
	printf '%s\n' \
		"slug|0|slug --issuer i --identity x" \
		"pointer show|0|pointer show $W/clean/pointer.yaml --format json" \
		"allowlist check|0|allowlist check $EX/../evidence/allowlist.yaml" \
		"verify|0|verify $W/clean --format json" \
		"ledger|0|ledger --root $W/L --format json" \
		"check|0|check --repo $SPR --format json"
}
# the node at PATH is still of TYPE (stat %F) and, for a symlink, still
# points at TARGET
sp_same() { # PATH TYPE [TARGET]
	[ "$(stat -c %F "$1" 2>/dev/null)" = "$2" ] || return 1
	[ -z "${3:-}" ] || [ "$(readlink "$1")" = "$3" ]
}
# the same bytes, but for the time a report was generated at
sp_cmp() { # WANT GOT
	cmp -s <(sed '/"generatedAt"/d' "$1") <(sed '/"generatedAt"/d' "$2")
}
# a FIFO reader that says when it has the FIFO open (a writer opening it
# before that would find no reader), and reads until the writer is gone
sp_reader() { # FIFO OUT READY
	exec python3 - "$@" <<'PY'
import os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_NONBLOCK)
open(sys.argv[3], "w").close()
got, end = b"", time.time() + 20
while time.time() < end:
    try:
        b = os.read(fd, 65536)
    except BlockingIOError:
        b = None
    if b:
        got += b
    elif b == b"" and got:
        break
    else:
        time.sleep(0.01)
open(sys.argv[2], "wb").write(got)
PY
}
# waits up to 5 s for a reader or listener, then ends it
sp_wait() { # PID
	for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}
mknod_ok=0
mknod "$SP/null" c 1 3 2>/dev/null && mknod_ok=1
echo victim >"$SP/victim"
while IFS='|' read -r label want args; do
	# shellcheck disable=SC2086
	set -- $args
	if [ $mknod_ok = 1 ]; then
		brun "$@" -o "$SP/null"
		if [ "$T_RC" = "$want" ] && sp_same "$SP/null" "character special file"; then
			ok "$label -o a copy of /dev/null: written, still the device"
			brun "$@" -o /dev/null
			[ "$T_RC" = "$want" ] && sp_same /dev/null "character special file" &&
				ok "$label -o /dev/null" || bad "$label -o /dev/null" "exit $T_RC, $(stat -c %F /dev/null)"
		else
			bad "$label -o a copy of /dev/null: written, still the device" \
				"exit $T_RC, now a $(stat -c %F "$SP/null")"
			rm -f "$SP/null"
			mknod "$SP/null" c 1 3
		fi
	else
		echo "bad-input: SKIPPED $label -o a device (mknod refused)"
	fi
	# a FIFO with a reader gets what stdout would have got
	brun "$@"
	cp "$T_OUT" "$SP/want"
	rm -f "$SP/fifo" "$SP/got" "$SP/ready"
	mkfifo "$SP/fifo"
	sp_reader "$SP/fifo" "$SP/got" "$SP/ready" &
	rpid=$!
	for _ in $(seq 100); do [ -e "$SP/ready" ] && break; sleep 0.05; done
	brun "$@" -o "$SP/fifo"
	sp_wait $rpid
	if [ "$T_RC" = "$want" ] && sp_same "$SP/fifo" fifo && sp_cmp "$SP/want" "$SP/got"; then
		ok "$label -o a FIFO with a reader"
	else
		bad "$label -o a FIFO with a reader" "exit $T_RC, $(stat -c %F "$SP/fifo"), $(wc -c <"$SP/got") bytes"
	fi
	# a FIFO nobody reads: refused in time, not waited on
	brun "$@" -o "$SP/fifo"
	judge "$label -o a FIFO without a reader" 2
	sp_same "$SP/fifo" fifo && ok "$label leaves the unread FIFO" || bad "$label leaves the unread FIFO"
	# a listening Unix socket gets the bytes over a stream connection
	rm -f "$SP/sock" "$SP/got"
	python3 - "$SP/sock" "$SP/got" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1]); s.listen(1); s.settimeout(20)
c, _ = s.accept()
with open(sys.argv[2], "wb") as f:
    while True:
        b = c.recv(65536)
        if not b:
            break
        f.write(b)
PY
	rpid=$!
	for _ in $(seq 50); do [ -S "$SP/sock" ] && break; sleep 0.1; done
	brun "$@" -o "$SP/sock"
	sp_wait $rpid
	if [ "$T_RC" = "$want" ] && sp_same "$SP/sock" socket && sp_cmp "$SP/want" "$SP/got"; then
		ok "$label -o a listening Unix socket"
	else
		bad "$label -o a listening Unix socket" "exit $T_RC, $(stat -c %F "$SP/sock"), $(wc -c <"$SP/got" 2>/dev/null) bytes"
	fi
	# a symlink is not followed and not replaced
	rm -f "$SP/link"
	ln -s victim "$SP/link"
	brun "$@" -o "$SP/link"
	judge "$label -o a symlink" 2
	if sp_same "$SP/link" "symbolic link" victim && [ "$(cat "$SP/victim")" = victim ]; then
		ok "$label leaves the symlink and its target"
	else
		bad "$label leaves the symlink and its target" "$(stat -c %F "$SP/link"), target: $(head -c 40 "$SP/victim")"
	fi
	# a directory is refused and left as it was
	rm -rf "$SP/dir"
	mkdir "$SP/dir"
	brun "$@" -o "$SP/dir"
	judge "$label -o a directory" 2
	sp_same "$SP/dir" directory && [ -z "$(ls -A "$SP/dir")" ] && ok "$label leaves the directory" ||
		bad "$label leaves the directory"
	[ -z "$(find "$SP" -name '.*' ! -name . | head -1)" ] && ok "$label leaves no temp file" ||
		bad "$label leaves no temp file" "$(find "$SP" -name '.*' ! -name . | head -3 | tr '\n' ' ')"
done < <(sp_cmds)
# directory outputs: emit's OUT and pull's DIR are never a device
if [ $mknod_ok = 1 ]; then
	brun emit "${EMIT_BASE[@]}" -o "$SP/null"
	judge "emit -o a device" 2
	sp_same "$SP/null" "character special file" && ok "emit leaves the device" || bad "emit leaves the device"
fi

# ---- outputs: a read-only directory, a full disk ----
RO=$W/ro FULL=$W/full
mkdir -p "$RO" "$FULL"
ro_ok=0 full_ok=0
if mount -t tmpfs -o size=64k,ro tmpfs "$RO" 2>/dev/null; then
	ro_ok=1
	t_cleanup "umount $RO"
elif [ "$(id -u)" -ne 0 ]; then
	chmod 555 "$RO" && ro_ok=1
fi
if mount -t tmpfs -o size=16k tmpfs "$FULL" 2>/dev/null; then
	full_ok=1
	t_cleanup "umount $FULL"
	cat /dev/zero >"$FULL/filler" 2>/dev/null || true
fi
# The outputs, one per command that writes a file: DIR -> runs each.
out_runs() { # DIR LABEL
	local d=$1 l=$2
	brun slug --issuer i --identity x -o "$d/slug.txt"
	judge "slug -o into $l" 2
	[ ! -e "$d/slug.txt" ] || bad "slug leaves nothing in $l"
	brun pointer show "$W/clean/pointer.yaml" --format json -o "$d/p.json"
	judge "pointer show -o into $l" 2
	[ ! -e "$d/p.json" ] || bad "pointer show leaves nothing in $l"
	brun allowlist check "$EX/../evidence/allowlist.yaml" -o "$d/a.txt"
	judge "allowlist check -o into $l" 2
	[ ! -e "$d/a.txt" ] || bad "allowlist check leaves nothing in $l"
	brun verify "$W/clean" --format json -o "$d/v.json"
	judge "verify -o into $l" 2
	[ ! -e "$d/v.json" ] || bad "verify leaves nothing in $l"
	brun ledger --root "$W/L" --format html -o "$d/l.html"
	judge "ledger --format html -o into $l" 2
	[ ! -e "$d/l.html" ] || bad "ledger leaves nothing in $l"
	brun check --repo "$R" -o "$d/c.txt"
	judge "check -o into $l" 2
	[ ! -e "$d/c.txt" ] || bad "check leaves nothing in $l"
	brun emit "${EMIT_BASE[@]}" --full -o "$d/e"
	judge "emit -o into $l" 2
	[ ! -e "$d/e" ] || bad "emit leaves nothing in $l" "$(find "$d/e" | head -3 | tr '\n' ' ')"
	brun sigstore sign-bundle --identity-token t --bundle "$d/sb.json" \
		--fulcio-url http://127.0.0.1:9 --rekor-url http://127.0.0.1:9 "$EX/recipe.yaml"
	[ ! -e "$d/sb.json" ] && ok "sign-bundle leaves nothing in $l" || bad "sign-bundle leaves nothing in $l"
	if [ -n "$(find "$d" -name '.*' ! -name . | head -1)" ]; then
		bad "no temp files left in $l" "$(find "$d" -name '.*' ! -name . | head -3 | tr '\n' ' ')"
	else
		ok "no temp files left in $l"
	fi
}
# pull's DIR and cache on a read-only or full file system, from a local
# registry (the other commands above need none).
pull_runs() { # DIR LABEL
	[ -n "${PULL_REF:-}" ] || return 0
	rm -rf "$W/pc"
	brun pull "$PULL_REF" --to "$1/x" --cache "$W/pc" --registry-plain-http
	judge "pull --to into $2" 2
	[ -z "$(ls -A "$1" | grep -v '^filler$')" ] && ok "pull leaves nothing in $2" ||
		bad "pull leaves nothing in $2" "$(ls -A "$1" | tr '\n' ' ')"
	rm -rf "$W/px"
	brun pull "$PULL_REF" --to "$W/px" --cache "$1/c" --registry-plain-http
	judge "pull --cache in $2" 2
	[ ! -e "$W/px" ] && ok "pull with its cache in $2 extracts nothing" ||
		bad "pull with its cache in $2 extracts nothing"
	[ -z "$(find "$1" -name '*.tmp*' -o -name '.*' ! -name . 2>/dev/null | head -1)" ] &&
		ok "pull leaves no temp file in $2" || bad "pull leaves no temp file in $2"
	# the pull succeeds, its report (-o) cannot be written: no DIR either
	rm -rf "$W/py" "$W/pc"
	brun pull "$PULL_REF" --to "$W/py" --cache "$W/pc" --registry-plain-http -o "$1/report.txt"
	judge "pull -o into $2" 2
	[ ! -e "$W/py" ] && ok "pull whose report fails in $2 leaves no DIR" ||
		bad "pull whose report fails in $2 leaves no DIR" "$(ls "$W/py" | tr '\n' ' ')"
}
PULL_REF=
if command -v docker-registry >/dev/null; then
	. "$(dirname "$0")/registry.sh"
	if reg_start "$W/reg"; then
		t_cleanup "reg_stop $W/reg"
		brun push "$W/clean" --to "$REG_HOST/ev/bad" --registry-plain-http --format json
		PULL_REF="$REG_HOST/ev/bad@$(jq -r .digest "$T_OUT" 2>/dev/null)"
		[ "$T_RC" -eq 0 ] && ok "push the clean bundle to a local registry" ||
			bad "push the clean bundle to a local registry" "exit $T_RC"
	else
		bad "a local registry starts"
	fi
else
	echo "bad-input: SKIPPED pull into a read-only/full file system (no docker-registry: make deps)"
fi
if [ $ro_ok = 1 ]; then
	out_runs "$RO" "a read-only directory"
	pull_runs "$RO" "a read-only directory"
else
	echo "bad-input: SKIPPED the read-only output directory (no tmpfs mount as root)"
fi
if [ $full_ok = 1 ]; then
	out_runs "$FULL" "a full disk"
	pull_runs "$FULL" "a full disk"
	rm -f "$FULL/filler"
else
	echo "bad-input: no tmpfs mount: the full disk is simulated by ulimit -f"
fi
# ulimit -f: a write past the limit fails with EFBIG (SIGXFSZ ignored), the
# temp file is removed, nothing is left.
mkdir -p "$W/ul"
(
	ulimit -f 2
	brun ledger --root "$W/L" --format html -o "$W/ul/l.html"
	judge "ledger -o past ulimit -f" 2
	brun emit "${EMIT_BASE[@]}" --full -o "$W/ul/e"
	judge "emit past ulimit -f" 2
	echo "$T_PASS $T_FAIL" >"$W/ul.counts"
)
read -r p f <"$W/ul.counts"
T_PASS=$p T_FAIL=$f
if [ -z "$(ls -A "$W/ul")" ]; then ok "nothing left past ulimit -f"; else bad "nothing left past ulimit -f" "$(ls -A "$W/ul" | tr '\n' ' ')"; fi
# stdout on a full device: a report that was not written is not a success
for cmd in "digest $EX/recipe.yaml" "slug --issuer i --identity x" \
	"check --repo $R" "pointer show $W/clean/pointer.yaml"; do
	# shellcheck disable=SC2086
	timeout -k 5 "$TO" ${AE_WRAP:-} "$AE_BIN" $cmd >/dev/full 2>"$T_ERR"
	T_RC=$?
	judge "${cmd%% *} with stdout on /dev/full" 2
done

# ---- a file that vanishes mid-read ----
# A background loop keeps swapping the input between a file, nothing, a
# directory and a FIFO while the command runs 40 times: whatever state a
# run sees, it must end in time with 0 or a clean error.
vanish() { # PATH SOURCE
	local i=0
	while [ -e "$W/vanish.on" ]; do
		case $((i % 4)) in
		0) rm -rf "$1" && cp "$2" "$1.t" && mv "$1.t" "$1" ;;
		1) rm -rf "$1" ;;
		2) mkdir "$1" ;;
		3) rmdir "$1" && mkfifo "$1" ;;
		esac
		i=$((i + 1))
	done
	rm -rf "$1"
}
vanish_runs() { # LABEL OK-ERE CMD...   ($VCLEAN: removed before each run)
	local label=$1 want=$2 n bad_runs=0 why=""
	shift 2
	for n in $(seq 40); do
		[ -z "${VCLEAN:-}" ] || rm -rf "$VCLEAN"
		brun "$@"
		if [ "$T_RC" -ge 124 ] || ! [[ $T_RC =~ ^($want)$ ]] ||
			grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$T_ERR"; then
			bad_runs=$((bad_runs + 1))
			why="run $n: exit $T_RC $(head -1 "$T_ERR")"
		fi
	done
	[ $bad_runs -eq 0 ] && ok "$label" || bad "$label" "$bad_runs of 40 runs: $why"
}
touch "$W/vanish.on"
vanish "$W/vp.yaml" "$W/clean/pointer.yaml" &
vpid=$!
vanish_runs "pointer show on a vanishing file" '0|2' pointer show "$W/vp.yaml"
rm -rf "$W/L2"
cp -r "$W/L" "$W/L2"
vanish "$W/L2/$P.v" "$W/L/$P" &
vpid2=$!
vanish_runs "ledger while a pointer vanishes" 0 ledger --root "$W/L2"
rm -rf "$W/vctrf"
mkdir -p "$W/vctrf"
vanish "$W/vctrf/deployment.json" "$EX/ctrf/deployment.json" &
vpid3=$!
VCLEAN=$W/ve vanish_runs "emit while a CTRF report vanishes" '0|2' \
	emit "${EMIT_BASE[@]:0:4}" --ctrf "$W/vctrf" -o "$W/ve"
rm -f "$W/vanish.on"
wait $vpid $vpid2 $vpid3 2>/dev/null
t_end
