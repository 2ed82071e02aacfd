#!/usr/bin/env bash
# tests/e2e/test_help.sh -- help and conventions (issue 20 item 10): `help
# CMD [SUB]`, every --help naming its flags and exit codes, "did you mean",
# the command order, --version with the revision, the man page, the
# repository root found from a subdirectory, the identity regexp's anchoring.
. "$(dirname "$0")/lib.sh"
t_begin
repo=$(cd "$(dirname "$0")/../.." && pwd)

# ---- the commands `help` lists, in order, and their subcommands ----
run help
expect_rc 0 "help exits 0"
cmds=$(sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p' "$T_OUT")
# shellcheck disable=SC2086 # one word per command
set -- $cmds
if [ $# -ge 16 ]; then ok "help lists the commands ($#)"; else bad "help lists the commands" "got: $cmds"; fi
order=$(printf '%s ' "$@")
case "$order" in
"emit sign push pointer check verify ledger "*) ok "help lists the commands in workflow order" ;;
*) bad "help lists the commands in workflow order" "got: $order" ;;
esac
for c in emit sign push pointer check verify ledger pull referrers digest trust sigstore allowlist slug help version; do
	if printf '%s\n' "$@" | grep -qx "$c"; then ok "help lists $c"; else bad "help lists $c"; fi
done
# the order of docs/cli.md's command sections is the order of `help`
doc_order=$(grep -oE '^## `?[a-z]+' "$repo/docs/cli.md" | sed 's/^## `\?//' | awk '!s[$0]++' | tr '\n' ' ')
if [ "$doc_order" = "$order" ]; then ok "docs/cli.md lists the commands in help's order"; else
	bad "docs/cli.md lists the commands in help's order" "docs: $doc_order; help: $order"; fi

# the flag strings the parsers know, wherever they live
cands=$(grep -rhoE '"--?[a-zA-Z][a-zA-Z0-9-]*"' "$repo/cmd" "$repo/ledger" "$repo/evidence" \
	"$repo/oci" "$repo/allowlist" --include='*.c' | tr -d '"' | sort -u |
	grep -vxE -- '-h|--help|--version')

# probe FLAG ARGS...: does `ARGS FLAG` get past the parser (0) or is the
# flag refused as unknown (1)? The next argument is a flag no parser
# knows, so nothing runs past parsing either way.
probe() {
	local flag=$1 e
	shift
	e=$(timeout 20 "$AE_BIN" "$@" "$flag=x" --zz-no-such-flag 2>&1 >/dev/null </dev/null)
	if ! grep -qE -- "unknown[^']*'$flag(=x)?'" <<<"$e"; then return 0; fi
	e=$(timeout 20 "$AE_BIN" "$@" "$flag" --zz-no-such-flag 2>&1 >/dev/null </dev/null)
	! grep -qE -- "unknown[^']*'$flag'" <<<"$e"
}

# check_help WORDS...: `help WORDS` is `WORDS --help`; it names its exit
# codes and every flag its parser takes
check_help() {
	local what="$*" f missing=""
	run "$@" --help
	cp "$T_OUT" "$T_WORK/direct"
	local rc_direct=$T_RC
	run help "$@"
	if [ "$T_RC" -eq 0 ] && [ "$rc_direct" -eq 0 ] && [ -s "$T_OUT" ] &&
		cmp -s "$T_OUT" "$T_WORK/direct"; then
		ok "help $what = $what --help, exit 0"
	else
		bad "help $what = $what --help, exit 0" "exit $T_RC / $rc_direct or different text"
	fi
	if grep -qiE '^exit' "$T_WORK/direct" && grep -qE '\b64\b' "$T_WORK/direct"; then
		ok "$what --help lists its exit codes"
	else
		bad "$what --help lists its exit codes"
	fi
	for f in $cands; do
		probe "$f" "$@" || continue
		grep -qE -- "(^|[^a-zA-Z0-9-])$f([^a-zA-Z0-9-]|\$)" "$T_WORK/direct" || missing="$missing $f"
	done
	if [ -z "$missing" ]; then ok "$what --help names every flag it takes"; else
		bad "$what --help names every flag it takes" "missing:$missing"; fi
}

for c in $cmds; do
	run help "$c"
	subs=$(grep -oE "aicr-evidence $c [a-z][a-z-]*" "$T_OUT" | awk '{print $3}' | sort -u)
	if [ -z "$subs" ]; then
		check_help "$c"
	else
		run "$c" --help
		cp "$T_OUT" "$T_WORK/direct"
		run help "$c"
		if [ "$T_RC" -eq 0 ] && cmp -s "$T_OUT" "$T_WORK/direct"; then
			ok "help $c = $c --help"
		else
			bad "help $c = $c --help"
		fi
		for s in $subs; do check_help "$c" "$s"; done
	fi
done
# the probe itself: a flag a parser takes is found, one it refuses is not
if probe --root check && ! probe --no-such-flag-at-all check; then ok "the flag probe tells taken from refused"; else
	bad "the flag probe tells taken from refused"; fi

# ---- unknown commands: did you mean ----
run verfy
expect_rc 64 "an unknown command exits 64"
expect_err "^aicr-evidence: unknown command 'verfy'" "it names the command"
expect_err "did you mean 'aicr-evidence verify'\?" "it suggests verify (edit distance 1)"
run ledgr --verify
expect_err "did you mean 'aicr-evidence ledger'\?" "ledgr: ledger"
run pus
expect_err "did you mean 'aicr-evidence push'\?" "pus: push (a prefix)"
run xyzzy
expect_rc 64 "a command like none exits 64"
if grep -q "did you mean" "$T_ERR"; then bad "xyzzy: no suggestion"; else ok "xyzzy: no suggestion"; fi
run help verfy
expect_rc 64 "help NOSUCH exits 64"
expect_err "did you mean 'aicr-evidence verify'\?" "help NOSUCH suggests"
run trust updat
expect_rc 64 "an unknown subcommand exits 64"
expect_err "did you mean 'aicr-evidence trust update'\?" "trust updat: trust update"
run sigstore verify-bundel
expect_err "did you mean 'aicr-evidence sigstore verify-bundle'\?" "sigstore verify-bundel"
run pointer sho x
expect_err "did you mean 'aicr-evidence pointer show'\?" "pointer sho"
run allowlist clasify
expect_err "did you mean 'aicr-evidence allowlist classify'\?" "allowlist clasify"
run help trust updat
expect_rc 64 "help CMD NOSUCH exits 64"
expect_err "did you mean 'aicr-evidence trust update'\?" "help trust updat suggests"
run help verify x
expect_rc 64 "help CMD SUB for a command without subcommands exits 64"

# ---- version ----
run --version
expect_rc 0 "--version exits 0"
cp "$T_OUT" "$T_WORK/v1"
run version
expect_rc 0 "version exits 0"
if cmp -s "$T_OUT" "$T_WORK/v1"; then ok "version = --version"; else bad "version = --version"; fi
expect_out '^aicr-evidence [0-9]+\.[0-9]+\.[0-9]+ \(revision [0-9a-f]{7,}(-dirty)?\)$|^aicr-evidence [0-9]+\.[0-9]+\.[0-9]+ \(revision unknown\)$' \
	"--version prints the version and the revision"
if [ -e "$repo/.git" ] && command -v git >/dev/null; then
	# the binary may be older than the last commit; its revision is one of this history
	rev=$(sed -n 's/.*(revision \([0-9a-f]*\).*/\1/p' "$T_WORK/v1")
	if [ -n "$rev" ] && git -C "$repo" cat-file -e "$rev^{commit}" 2>/dev/null; then
		ok "the revision is a commit of this repository"
	else
		bad "the revision is a commit of this repository" "got '$rev'"
	fi
fi

# ---- the man page ----
man=$(dirname "$AE_BIN")/aicr-evidence.1
if [ ! -f "$man" ]; then
	bad "the man page is built beside the binary" "$man is absent"
elif ! command -v groff >/dev/null; then
	echo "SKIPPED -- groff is absent: the man page was not checked"
else
	w=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww "$man" 2>&1 >"$T_WORK/man.txt")
	if [ -z "$w" ] && [ -s "$T_WORK/man.txt" ]; then ok "groff -man -ww renders the man page without warnings"; else
		bad "groff -man -ww renders the man page without warnings" "$(head -c 300 <<<"$w")"; fi
	missing=""
	for c in $cmds; do
		grep -qE "aicr-evidence $c( |$)" "$T_WORK/man.txt" || missing="$missing $c"
	done
	if [ -z "$missing" ]; then ok "the man page describes every command"; else
		bad "the man page describes every command" "missing:$missing"; fi
	if grep -q -- '--registry-plain-http' "$T_WORK/man.txt"; then ok "the man page holds the shared blocks"; else
		bad "the man page holds the shared blocks"; fi
fi
if [ "$AE_BIN" = "$repo/build/aicr-evidence" ] && command -v make >/dev/null; then
	make -s -C "$repo" install PREFIX=/usr/x DESTDIR="$T_WORK/dest" >/dev/null 2>&1
	if [ -f "$T_WORK/dest/usr/x/share/man/man1/aicr-evidence.1" ] &&
		[ -x "$T_WORK/dest/usr/x/bin/aicr-evidence" ]; then
		ok "make install puts the man page in PREFIX/share/man/man1"
	else
		bad "make install puts the man page in PREFIX/share/man/man1"
	fi
else
	echo "SKIPPED -- make install is checked only with AE_BIN=\$repo/build/aicr-evidence"
fi

# ---- identity regexps: the anchoring is stated where one is taken ----
for w in "verify" "ledger" "check" "sigstore verify-bundle" "pull" "allowlist classify"; do
	# shellcheck disable=SC2086 # words
	run $w --help
	if grep -qi 'regexp' "$T_OUT" && grep -qiE 'whole (certificate )?identity' "$T_OUT" && grep -q 'RE2' "$T_OUT"; then
		ok "$w --help: the identity regexp matches the whole identity (RE2)"
	else
		bad "$w --help: the identity regexp matches the whole identity (RE2)"
	fi
done

# ---- the repository root, found from a subdirectory as check finds it ----
. "$(dirname "$0")/ledger_fixture.sh"
R=$T_WORK/repo
mkdir -p "$R/docs/deep"
ledger_fixture "$R/recipes/evidence"
git init -q -b main "$R" && git -C "$R" add -A &&
	git -C "$R" -c user.name=t -c user.email=t@example.com commit -qm ledger
(cd "$R" && ae ledger --format json >"$T_WORK/top.json" 2>"$T_WORK/top.err")
top_rc=$?
(cd "$R/docs/deep" && ae ledger --format json >"$T_WORK/sub.json" 2>"$T_WORK/sub.err")
sub_rc=$?
# the same report, but for evidenceRoot (the path read, from the top) and the time
same_report() { diff <(grep -vE '"(evidenceRoot|generatedAt)"' "$1") <(grep -vE '"(evidenceRoot|generatedAt)"' "$2") >/dev/null; }
if [ $top_rc -eq 0 ] && [ $sub_rc -eq 0 ] && grep -q '"recipe"' "$T_WORK/top.json" &&
	same_report "$T_WORK/top.json" "$T_WORK/sub.json" &&
	grep -q "\"evidenceRoot\": \"$R/recipes/evidence\"" "$T_WORK/sub.json"; then
	ok "ledger from a subdirectory reads the repository's recipes/evidence"
else
	bad "ledger from a subdirectory reads the repository's recipes/evidence" \
		"exit $top_rc / $sub_rc: $(head -c 200 "$T_WORK/sub.err")"
fi
if (cd "$R/docs/deep" && ae ledger --root recipes/evidence --format json >"$T_WORK/sub2.json" 2>/dev/null) &&
	same_report "$T_WORK/top.json" "$T_WORK/sub2.json"; then
	ok "a relative --root from a subdirectory is taken from the top"
else
	bad "a relative --root from a subdirectory is taken from the top"
fi
(cd "$R/docs/deep" && ae check >"$T_WORK/chk.out" 2>&1)
chk_sub=$?
(cd "$R" && ae check >"$T_WORK/chk.top" 2>&1)
if [ $chk_sub -eq $? ] && [ $chk_sub -ne 64 ]; then ok "check from a subdirectory judges the same repository"; else
	bad "check from a subdirectory judges the same repository" "exit $chk_sub"; fi
mkdir -p "$R/recipes/here/evidence"
(cd "$R/recipes/here" && ae ledger --root evidence --format json >/dev/null 2>"$T_WORK/here.err")
if grep -qE 'recipes/here/evidence|no allowlist|allowlist' "$T_WORK/here.err" || [ ! -s "$T_WORK/here.err" ]; then
	ok "a relative --root present from the current directory is used as it is"
else
	bad "a relative --root present from the current directory is used as it is" "$(head -c 200 "$T_WORK/here.err")"
fi

# ---- out/ is ignored ----
if grep -qxE '/?out/?' "$repo/.gitignore"; then ok ".gitignore holds out/"; else bad ".gitignore holds out/"; fi

t_end
