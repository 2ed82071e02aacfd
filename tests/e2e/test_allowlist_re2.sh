#!/usr/bin/env bash
# tests/e2e/test_allowlist_re2.sh -- the eight findings of issue 26, end to
# end through `allowlist check` and `allowlist classify`: matching exactly
# as the reference (Go's regexp: RE2), its precedence and issuers, and an
# overlap rule that holds. Every expectation was computed with Go's
# regexp.MatchString (and the reference's Classify order); the build before
# issue 26 fails at least one case of each item.
. "$(dirname "$0")/lib.sh"
t_begin
cd "$T_WORK" || exit 1
GHA=https://token.actions.githubusercontent.com
OAUTH=https://github.com/login/oauth
WF=https://github.com/NVIDIA/aicr/.github/workflows
WFR='https://github\.com/NVIDIA/aicr/\.github/workflows'
slug() { printf '%s\n%s' "$1" "$2" | sha256sum | cut -c1-32; }

# fp NAME PATTERN...: an allowlist of first-party patterns under GHA,
# labelled p0, p1, ...
fp() {
	local f=$1 i=0
	shift
	{
		echo 'schemaVersion: "1.0.0"'
		echo 'firstParty:'
		for p in "$@"; do
			printf "  - label: p%d\n    issuer: %s\n    identityPattern: '%s'\n" \
				$i "$GHA" "${p//\'/\'\'}"
			i=$((i + 1))
		done
	} >"$f"
}
# is FILE ISSUER IDENTITY WANT "what": classify prints WANT (exit 0 when
# listed, 1 when not)
is() {
	run allowlist classify --allowlist "$1" --issuer "$2" --identity "$3"
	local want_rc=0
	case "$4" in "not listed"*) want_rc=1 ;; esac
	if [ "$T_RC" -eq $want_rc ] && [ "$(head -1 "$T_OUT")" = "$4" ]; then
		ok "$5"
	else
		bad "$5" "exit $T_RC, '$(head -1 "$T_OUT")', want '$4'"
	fi
}
NL='not listed (reported only: never corroborates)'

# ---- 1: \< \> \` \' are literals, not glibc word/buffer anchors ----
fp i1.yaml "^$WFR/uat-aws\\.yaml@refs/heads/main\$" \
	"^$WFR/uat-aws\\.yaml\\>@refs/heads/.+\$" '^a@x\<y$' "^b@\\\`x\\'\$"
run allowlist check i1.yaml
expect_rc 0 "1: the main-only entry and the '\\>' entry load together"
is i1.yaml $GHA "$WF/uat-aws.yaml@refs/heads/evil" "$NL" \
	"1: '\\>' does not open uat-aws to every branch"
is i1.yaml $GHA "$WF/uat-aws.yaml>@refs/heads/evil" "first-party p1" \
	"1: '\\>' is a literal '>' in the account"
is i1.yaml $GHA "$WF/uat-aws.yaml@refs/heads/main" "first-party p0" \
	"1: main stays first-party"
is i1.yaml $GHA 'a@x<y' "first-party p2" "1: '\\<' is a literal '<'"
is i1.yaml $GHA 'a@xy' "$NL" "1: '\\<' is no word boundary"
is i1.yaml $GHA "b@\`x'" "first-party p3" "1: '\\\`' and \"\\'\" are literals"

# ---- 2: a bound with a leading zero is text ----
fp i2.yaml '^a@v{02}$' '^b@v{2,03}$'
is i2.yaml $GHA 'a@v{02}' "first-party p0" "2: v{02} matches the text 'v{02}'"
is i2.yaml $GHA 'a@vv' "$NL" "2: v{02} is no repeat count"
is i2.yaml $GHA 'b@vv' "$NL" "2: v{2,03} is no repeat count"

# ---- 3: ^ and $ keep their meaning in every copy of a repeated group ----
fp i3.yaml '^a@(release-|^){2}main$' '^b@(^|x)+c$'
is i3.yaml $GHA 'a@release-main' "$NL" "3: (release-|^){2}: ^ never matches after the '@'"
is i3.yaml $GHA 'a@main' "$NL" "3: ... nor twice"
is i3.yaml $GHA 'a@release-release-main' "first-party p0" "3: two copies of release- match"
is i3.yaml $GHA 'b@c' "$NL" "3: (^|x)+ needs an x after the '@'"

# ---- 4: slug entries first, as the reference's Classify ----
ID4="$WF/x.yaml@refs/heads/b"
cat >i4.yaml <<EOF4
schemaVersion: "1.0.0"
firstParty:
  - {label: ci, issuer: $GHA, identityPattern: '^$WFR/x\\.yaml@refs/heads/.+\$'}
partner:
  - {label: pb, issuer: $GHA, source: $(slug $GHA "$ID4")}
EOF4
is i4.yaml $GHA "$ID4" "partner pb" "4: a signer listed both ways is the slug's class"
is i4.yaml $GHA "$WF/x.yaml@refs/heads/c" "first-party ci" "4: the pattern still lists the rest"

# ---- 5: characters, not bytes; malformed UTF-8 as Go reads it ----
fp i5.yaml '^a@.$' '^b@..$' '^c@[^x]$' '^d@[^/]+$' '^e@.+$' '^f@...$'
is i5.yaml $GHA $'a@\xc3\xa9' "first-party p0" "5: '.' matches one two-byte character"
is i5.yaml $GHA $'b@\xc3\xa9' "$NL" "5: '..' does not match one character"
is i5.yaml $GHA $'c@\xf0\x9f\x98\x80' "first-party p2" "5: [^x] matches one four-byte character"
is i5.yaml $GHA $'a@\xff' "first-party p0" "5: a malformed byte is one character (U+FFFD)"
is i5.yaml $GHA $'f@\xed\xa0\x80' "first-party p5" "5: an encoded surrogate is three"
is i5.yaml $GHA $'d@x\ny' "first-party p3" "5: [^/] matches a newline, as in Go"
is i5.yaml $GHA $'e@x\ny' "$NL" "5: '.' does not"
is i5.yaml $GHA $'e@x\ty' "first-party p4" "5: a tab is an ordinary character"

# ---- 6: nested bounds past 1000 are refused, as RE2 and Go refuse them ----
fp i6.yaml '^a@(v{250}){5}$'
run allowlist check i6.yaml
expect_rc 1 "6: (v{250}){5} makes the allowlist invalid"
expect_out 'invalid repetition size' "6: with RE2's reason"
run allowlist classify --allowlist i6.yaml --issuer $GHA --identity a@v
[ "$T_RC" -eq 2 ] && ok "6: classify exits 2" || bad "6: classify exits 2" "exit $T_RC"
fp i6b.yaml '^a@(v{250}){4}$'
is i6b.yaml $GHA "a@$(printf 'v%.0s' $(seq 1000))" "first-party p0" "6: (v{250}){4} is 1000 copies, allowed"

# ---- 7: a slug entry matches by its slug; its issuer field is a label ----
cat >i7.yaml <<EOF7
schemaVersion: "1.0.0"
community:
  - {label: al, issuer: https://other.example, source: $(slug $OAUTH al@example.test)}
EOF7
is i7.yaml $OAUTH al@example.test "community al" "7: the slug names the issuer it was made of"
is i7.yaml https://other.example al@example.test "$NL" "7: the issuer field grants nothing itself"

# ---- 8: the account's '@' must match once: no two accounts overlap ----
fp i8.yaml "^$WFR/o/r@*/x\$" "^$WFR/o/r/x@?\$"
run allowlist check i8.yaml
expect_rc 1 "8: accounts that overlap through a repeated '@' are refused"
expect_out "must match exactly once" "8: the message says why"
run allowlist classify --allowlist i8.yaml --issuer $GHA --identity "$WF/o/r/x"
expect_rc 2 "8: classify refuses the allowlist"
fp i8b.yaml '^a@(?s)*b$'
run allowlist check i8b.yaml
expect_rc 1 "8: a flag group does not hide the repeated '@'"

# ---- batch: --stdin -z, the differential test's way in ----
printf 'a@\xc3\xa9\0a@xx\0a@\n\0' >ids
ae allowlist classify --allowlist i5.yaml --issuer $GHA --stdin -z <ids >out
rc=$?
[ $rc -eq 1 ] && [ "$(tr '\0' '|' <out)" = "first-party p0|$NL|$NL|" ] &&
	ok "--stdin -z classifies NUL-terminated identities in order" ||
	bad "--stdin -z classifies NUL-terminated identities in order" "exit $rc: $(tr '\0' '|' <out)"
t_end
