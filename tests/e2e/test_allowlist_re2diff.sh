#!/usr/bin/env bash
# tests/e2e/test_allowlist_re2diff.sh -- `allowlist classify` against Go's
# regexp, the reference's matcher (issue 26): tests/re2diff/main.go builds
# a corpus of allowlists (realistic workflow patterns and every adversarial
# construct class: glibc anchor escapes, leading-zero and nested bounds,
# anchors in repeated groups, lazy quantifiers, \Q...\E, flags, quantified
# '@', overlapping accounts, slug entries under another issuer) and
# identities (derived from each pattern, then mutated with multi-byte
# characters, malformed UTF-8 and control characters), decides each in Go
# as the reference's Classify plus the project's stricter rules would, and
# compares with the tool, pair by pair. Zero disagreements is the pass.
#
#   AE_RE2DIFF_N=8000 AE_RE2DIFF_SEED=7   a larger or another corpus
. "$(dirname "$0")/lib.sh"
t_begin
here=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v go >/dev/null 2>&1; then
	echo "test_allowlist_re2diff: SKIPPED -- Go is absent (make deps installs"
	echo "test_allowlist_re2diff: golang-go): the differential test against Go's"
	echo "test_allowlist_re2diff: regexp did NOT run"
	t_end
fi
n=${AE_RE2DIFF_N:-2000}
# Under valgrind every process is slow: a small corpus still covers the
# classes and the --stdin path.
[ -n "${AE_WRAP:-}" ] && n=${AE_RE2DIFF_N:-30}
if (cd "$here/re2diff" && GOPATH=/usr/share/gocode GO111MODULE=off \
	GOCACHE="$T_WORK/gocache" go build -o "$T_WORK/re2diff" .) \
	>"$T_ERR" 2>&1; then
	ok "the differential driver builds with Go $(go env GOVERSION)"
else
	bad "the differential driver builds" "$(head -3 "$T_ERR")"
	t_end
fi
"$T_WORK/re2diff" -bin "$AE_BIN" -n "$n" -seed "${AE_RE2DIFF_SEED:-1}" \
	>"$T_OUT" 2>"$T_ERR"
rc=$?
grep -vE '^re2diff:   class|DISAGREE' "$T_OUT"
grep -E 'DISAGREE' "$T_OUT" | head -5 | cut -c1-400
if [ $rc -eq 0 ] && grep -q '^re2diff: 0 disagreements$' "$T_OUT"; then
	ok "classify agrees with Go's regexp on every pair"
else
	bad "classify agrees with Go's regexp on every pair" "exit $rc: $(tail -1 "$T_OUT")"
fi
# The corpus must really exercise matching, not only refusals: pairs
# compared, some listed, and every construct class present.
pairs=$(sed -n 's/^re2diff: \([0-9]*\) signer\/identity pairs compared, \([0-9]*\) listed.*/\1 \2/p' "$T_OUT")
set -- $pairs
if [ "${1:-0}" -ge $((n * 10)) ] && [ "${2:-0}" -ge $((n * 2)) ]; then
	ok "the corpus compared ${1:-0} pairs, ${2:-0} of them listed"
else
	bad "the corpus compares enough pairs" "got '${pairs}'"
fi
# (a small corpus, under valgrind, need not hold every class)
missing=
[ "$n" -lt 1000 ] && echo "test_allowlist_re2diff: $n allowlists: class coverage not checked"
[ "$n" -ge 1000 ] && for c in glibc-anchor-escape leading-zero-bound anchor-in-group nested-bound \
	slug-precedence slug-issuer-differs overlap multi-byte at-quantifier \
	lazy quote flags perl-class top-level-alt unanchored; do
	grep -qE "^re2diff:   class $c +[1-9]" "$T_OUT" || missing="$missing $c"
done
if [ "$n" -ge 1000 ]; then
	[ -z "$missing" ] && ok "every construct class is in the corpus" ||
		bad "every construct class is in the corpus" "missing:$missing"
fi
t_end
