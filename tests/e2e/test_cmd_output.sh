#!/usr/bin/env bash
# tests/e2e/test_cmd_output.sh -- small output rules of the command faces:
# what a bad input is told (slug --format json with a name not in UTF-8),
# one rule for a lone '-' on every command line, and no outside name
# reaching the terminal unescaped (an --ingest reference, a recipe's field
# name): the one capped escape, ae_buf_put_esc_value.
. "$(dirname "$0")/lib.sh"
t_begin
EX=$(cd "$(dirname "$0")/../../recipes/examples" && pwd)
W=$T_WORK
export SOURCE_DATE_EPOCH=1763650000
D=sha256:$(printf '%064d' 7)
ESC=$(printf '\033')

# no raw control byte of a hostile name on stderr, and its escape there
no_raw() { # WHAT
	if LC_ALL=C grep -q "$ESC" "$T_ERR"; then
		bad "$1: no raw ESC on stderr" "$(cat -v "$T_ERR" | head -3)"
	else
		ok "$1: no raw ESC on stderr"
	fi
	expect_err '\\x1b' "$1: the escape is shown as \\x1b"
}

# ---- slug --format json with a name that is no UTF-8 ----
run slug --issuer "$(printf 'https://iss\xff')" --identity a@example.com --format json
expect_rc 64 "slug --format json with an issuer not in UTF-8 is a usage error"
expect_err 'slug: --format json needs --issuer and --identity in UTF-8' "it says what is wrong with the input"
if grep -q 'out of memory' "$T_ERR"; then bad "never 'out of memory' for a bad input"; else ok "never 'out of memory' for a bad input"; fi
[ ! -s "$T_OUT" ] && ok "nothing on stdout" || bad "nothing on stdout"
run slug --issuer https://iss --identity "$(printf 'a\xc3(@example.com')" --format json
expect_rc 64 "the same for an identity not in UTF-8"
run slug --issuer "$(printf 'https://iss\xff')" --identity a@example.com
expect_rc 0 "the text form takes any bytes (the slug hashes them)"
run allowlist classify --issuer "$(printf 'https://iss\xff')" --identity a --format json
expect_rc 64 "allowlist classify refuses the same input the same way"

# ---- a lone '-': one rule (cmd_args_parse's: an argument, not an option) ----
mkdir -p "$W/ledger/recipes/evidence" && cd "$W/ledger" || exit 1
printf 'apiVersion: v1\nentries: []\n' >recipes/evidence/allowlist.yaml
run ledger --worktree nosuch
rc_named=$T_RC
run ledger --worktree -
expect_rc "$rc_named" "ledger takes a lone '-' as a RECIPE, as it takes any other name"
if grep -q "unknown option '-'" "$T_ERR"; then bad "ledger: '-' is no unknown option"; else ok "ledger: '-' is no unknown option"; fi
run pointer show -
if grep -q "unknown option '-'" "$T_ERR"; then bad "pointer show: '-' is no unknown option"; else ok "pointer show: '-' is no unknown option (cmd_args_parse)"; fi
cd "$W" || exit 1

# ---- an --ingest reference with terminal escapes ----
run ledger --root "$W/ledger/recipes/evidence" --worktree --verify --offline --cache "$W/c" \
	--ingest "reg.example/ev/a${ESC}[31mb${ESC}]0;owned$(printf '\a')@$D"
expect_rc 64 "an --ingest reference that does not parse is a usage error"
# ledger escapes the reference where it writes the message (\x1b), and
# cmd_usage_error escapes the message again on its way out (\x5c)
if LC_ALL=C grep -q "$ESC" "$T_ERR"; then bad "ledger --ingest: no raw ESC on stderr"; else ok "ledger --ingest: no raw ESC on stderr"; fi
expect_err 'reg.example/ev/a\\x5cx1b\[31mb' "ledger --ingest: the reference escaped where written and again by cmd_usage_error"

# ---- emit's extra-field warning: the field names and the recipe's path ----
cat "$EX/recipe.yaml" >"$W/recipe.yaml"
printf '"x\\e[31mred\\e]0;owned\\a": 1\n' >>"$W/recipe.yaml"
run emit --recipe "$W/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o "$W/o1"
expect_rc 0 "a recipe with an extra field emits"
expect_err 'field\(s\) beyond the reference.s recipe schema' "emit warns about the extra field"
no_raw "emit's extra-field warning, a hostile field name"
run emit --recipe "$W/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o "$W/o2" --strict
expect_rc 2 "--strict refuses it"
# The refusal is an error (cmd_error): its reason quotes the field name
# escaped where it was written (ae_repr: \x1b), and the reason is escaped
# again on its way to the terminal, so that backslash reads \x5c.
if LC_ALL=C grep -q "$ESC" "$T_ERR"; then bad "emit --strict's refusal: no raw ESC on stderr"; else ok "emit --strict's refusal: no raw ESC on stderr"; fi
expect_err '"x\\x5cx1b\[31mred' "emit --strict's refusal: the field name escaped where written and again by cmd_error"
hostile="$W/r${ESC}[31mx${ESC}]0;owned$(printf '\a').yaml"
cp "$W/recipe.yaml" "$hostile"
run emit --recipe "$hostile" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o "$W/o3"
expect_rc 0 "a recipe whose path holds escapes emits"
expect_err 'field\(s\) beyond the reference.s recipe schema' "emit warns about the extra field"
no_raw "emit's extra-field warning, a hostile recipe path"

# ---- cmd_error: the reason goes through the one capped escape too ----
# libgit2's message quotes the path and the revision it was given, raw: an
# ESC, a CR and a BEL there reached the terminal (the reason was printed
# unescaped; only the `what` part was escaped). A CR or a newline of a
# reason is a space (ae_fail), never a second line or a rewritten one.
CR=$(printf '\r')
git init -q -b main "$W/g" && git -C "$W/g" -c user.email=t@example.com -c user.name=t \
	commit -q --allow-empty -m init
one_line() { # WHAT: the error is one line on stderr, no raw CR or BEL
	if [ "$(wc -l <"$T_ERR")" -eq 1 ] && ! LC_ALL=C grep -q "[$CR$(printf '\a')]" "$T_ERR"; then
		ok "$1: one line, no raw CR or BEL"
	else
		bad "$1: one line, no raw CR or BEL" "$(cat -v "$T_ERR" | head -3)"
	fi
}
run check --repo "$W/nosuch${ESC}[2J${CR}${ESC}]0;owned$(printf '\a')x
forged: line"
expect_rc 2 "check --repo with a hostile path that is no repository: exit 2"
expect_err 'cannot open the git repository' "it says the repository cannot be opened"
no_raw "cmd_error, a libgit2 message quoting a hostile --repo"
one_line "cmd_error, a libgit2 message quoting a hostile --repo"
run check --repo "$W/g" --base "main${ESC}[2J${CR}x"
expect_rc 2 "check --base with a hostile revision: exit 2"
no_raw "cmd_error, a libgit2 message quoting a hostile --base"
one_line "cmd_error, a libgit2 message quoting a hostile --base"
# a reason of ours keeps its text: a quoted value (ae_repr) shows its
# backslash escaped once more (\x5c), never a raw byte
printf 'attestations: [\n' >"$W/bad${ESC}[2J.yaml"
run pointer show "$W/bad${ESC}[2J.yaml"
no_raw "pointer show, a hostile file name in the problem lines"

# ---- usage errors and hints: the command line's words escaped too ----
# "unknown option '<word>'" echoed the word raw (a file name passed by a
# script, a value pasted from a PR): the same one capped escape.
run check "--x${ESC}[2J${CR}y"
expect_rc 64 "check with an unknown option holding escapes: usage (64)"
expect_err "unknown option '--x" "it names the option"
no_raw "cmd_usage_error, an unknown option"
one_line_plus_hint() { # WHAT
	if [ "$(wc -l <"$T_ERR")" -eq 2 ] && ! LC_ALL=C grep -q "[$CR$(printf '\a')]" "$T_ERR"; then
		ok "$1: the error and its hint, two lines, no raw CR or BEL"
	else
		bad "$1: the error and its hint, two lines" "$(cat -v "$T_ERR" | head -3)"
	fi
}
one_line_plus_hint "cmd_usage_error, an unknown option"
run help check "x${ESC}[2J"
expect_rc 64 "help check SUB: check has no subcommand (64)"
no_raw "help: a subcommand holding escapes"
expect_err "check has no subcommand 'x\\\\x1b\\[2J'" "  shown escaped once (no \\x5c: the call site no longer escapes it first)"

t_end
