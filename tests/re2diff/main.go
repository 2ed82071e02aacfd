// tests/re2diff/main.go -- the allowlist matcher against Go's regexp
//
// The reference (NVIDIA AICR) classifies a signer with Go's regexp package;
// aicr-evidence with RE2 through a C++ shim. This program generates a
// corpus of allowlists -- realistic workflow patterns and adversarial ones,
// one construct class at a time and mixed -- and identities for each, some
// derived from the pattern so that they match, then mutated with multi-byte
// characters, malformed UTF-8 and control characters. For every allowlist
// it decides, in Go:
//
//   - whether the project accepts it: the reference's rules (§3.2, §3.3)
//     with Go's regexp.Compile, plus the project's stricter rules
//     (docs/formats.md), judged here on Go's parse tree and by a scan of
//     its own;
//   - if so, each identity's class as the reference's Classify computes
//     it: slug entries first, then patterns of the same issuer matched by
//     Go's regexp;
//
// and asks `aicr-evidence allowlist classify --stdin -z` the same. Any
// difference is a disagreement; the exit status is 1 if there is one.
//
//	go run main.go -bin ./aicr-evidence [-n 3000] [-ids 100] [-seed 1] [-j 2] [-v]
//
// $AE_WRAP, when set, runs the tool under that command (valgrind).
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"regexp/syntax"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

const (
	issGHA   = "https://token.actions.githubusercontent.com"
	issOAuth = "https://github.com/login/oauth"
)

// ---- construct classes: pieces of a pattern's ref part ----

type piece struct{ class, text string }

var atoms = map[string][]string{
	"literal":      {"main", "refs/heads/", "release-", "v1", "x", "a", "evil", "refs/tags/v"},
	"escape-punct": {`\.`, `\-`, `\/`, `\_`, `\ `, `\$`, `\^`, `\{`, `\}`, `\@`, `\+`, `\#`, `\~`, `\%`},
	// Item 1: word and buffer anchors in glibc, literals in RE2.
	"glibc-anchor-escape": {`\<`, `\>`, "\\`", `\'`},
	"perl-class":          {`\d`, `\D`, `\w`, `\W`, `\s`, `\S`},
	"word-boundary":       {`\b`, `\B`},
	"text-anchor":         {`\A`, `\z`, `^`, `$`},
	"dot":                 {`.`, `.`, `.`},
	"bracket": {`[a-z]`, `[^/]`, `[^a]`, `[]a]`, `[^]a]`, `[[:alpha:]]`,
		`[[:^digit:]]`, `[[:word:]]`, `[\d]`, `[\]]`, `[a-]`, `[^\x{e9}]`,
		`[^\n]`, `[\x00-\x{10FFFF}]`, `[^-]`, `[.]`, `[$]`, `[|]`, `[(]`,
		`[[:x]`, `[^[:space:]]`, `[\x{80}-\x{10FFFF}]`, `[^\x00-\x7f]`},
	"hex-escape": {`\x41`, `\x{e9}`, `\x{FFFD}`, `\x{10FFFF}`, `\x{1F600}`,
		`\101`, `\0`, `\t`, `\n`, `\r`, `\a`, `\f`, `\v`, `\x7f`, `\x{2028}`,
		`\x{212A}`, `\x{17F}`},
	"unicode-class": {`\pL`, `\p{Greek}`, `\PN`, `\p{^Han}`, `\p{Lu}`},
	"byte-escape":   {`\C`},
	"quote":         {`\Qa.b\E`, `\Q.*\E`, `\Qx\\E`, `\Q|\E`, `\Q(\E`, `\Q$`, `\Q\E`},
	"flags": {`(?i)`, `(?m)`, `(?s)`, `(?U)`, `(?i:ab)`, `(?s:.)`, `(?-s)`,
		`(?P<n>x)`, `(?<n>x)`, `(?:x)`, `(?sU)`, `(?ms:.)`, `(?)`},
	"invalid": {`(`, `)`, `[`, `\8`, `\e`, `a**`, `x{2}{3}`, `\x{110000}`,
		`(?P<>x)`, `\`, `[z-a]`, `(?z)`, `\pX`, `x{1001}`},
	// Item 3: ^ or $ inside a repeated group.
	"anchor-in-group": {`(release-|^){2}main`, `(a|$)+`, `(^)*x`, `(x|^)+`,
		`(^|a){1,3}b`, `($|x){2}`, `^*`, `$+`, `(^|/)x`, `(x|$){1,2}`},
	// Item 6: nested bounds multiplying past 1000.
	"nested-bound": {`(v{250}){5}`, `(v{10}){100}`, `(v{10}){101}`,
		`((v{10}){10}){10}`, `((v{10}){10}){11}`, `(x+){1000}`,
		`(x{2}){500}`, `(x{2}){501}`, `(x{0,2}){500}`, `(x*){1000}`},
	"group-alt":  {`(main|release-.+)`, `(a|b|)`, `(|x)`, `(heads|tags)/`, `(a|ab)(c|bcd)`},
	"multi-byte": {`é`, `中`, `😀`},
}

var quants = map[string][]string{
	"quant": {`*`, `+`, `?`, `{2}`, `{2,}`, `{1,3}`, `{0}`, `{,3}`, `{1}`},
	// Item 2: leading zeros make a literal in RE2.
	"leading-zero-bound": {`{02}`, `{01,3}`, `{2,03}`, `{00}`, `{0,02}`},
	"lazy":               {`*?`, `+?`, `??`, `{1,2}?`, `{2,}?`},
	"big-bound":          {`{1000}`, `{1001}`, `{999,1000}`, `{0,1000}`},
}

// Accounts: realistic workflow URLs and short ones; some break the rules.
var accounts = []piece{
	{"account", `https://github\.com/NVIDIA/aicr/\.github/workflows/uat-aws\.yaml`},
	{"account", `https://github\.com/NVIDIA/aicr/\.github/workflows/uat-gcp\.yaml`},
	{"account", `https://github\.com/o/r/\.github/workflows/x\.yaml`},
	{"account", `o/r`},
	{"account", `o/r/x`},
	{"account", `a`},
	{"account", `uat\_aws\-x`},
	{"account", `a b`},
	{"account-meta", `https://github\.com/.+/x\.yaml`},
	{"account-meta", `a.b`},
	{"account-escape", `a\x40b`},
	{"account-escape", `a\d`},
	{"account-escape", `a\@b`},
	{"account-escape", `a\Qb\E`},
	{"account-meta", `a]b`},
	{"account-meta", `a}b`},
}

// Item 8: a quantifier on the account's '@'.
var atQuants = []string{`*`, `?`, `{0,1}`, `+`, `{1}`, `{0}`}

// Characters identities are mutated with.
var pool = []string{
	"a", "b", "x", "v", "0", "9", "_", "-", ".", "/", "@", "$", "^", " ", "<", ">", "`", "'",
	"main", "release-", "refs/heads/", "{02}",
	"é", "ß", "Σ", "中", "😀", "\uFFFD", "\u2028", "\u212A", "\u017F", "e\u0301", "\u200F", "K", "k", "S", "s",
	"\xff", "\xfe", "\xc3", "\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc0\xaf", "\xe2\x82", "\xf0\x9f\x98",
	"\t", "\n", "\r", "\x01", "\x1b", "\x7f", "\x0b", "\x0c",
}

func pick(r *rand.Rand, v []string) string { return v[r.Intn(len(v))] }

// genPattern builds one pattern and the construct classes it uses.
func genPattern(r *rand.Rand, focus string) (string, []string) {
	var classes []string
	acct := accounts[r.Intn(8)]
	if r.Intn(6) == 0 {
		acct = accounts[r.Intn(len(accounts))]
	}
	classes = append(classes, acct.class)
	var b strings.Builder
	b.WriteString("^")
	b.WriteString(acct.text)
	b.WriteString("@")
	if r.Intn(25) == 0 {
		b.WriteString(pick(r, atQuants))
		classes = append(classes, "at-quantifier")
	}
	n := 1 + r.Intn(4)
	for i := 0; i < n; i++ {
		c := focus
		if c == "" || r.Intn(3) == 0 {
			c = randClass(r)
		}
		b.WriteString(genPiece(r, c, &classes, 0))
	}
	end := "$"
	switch r.Intn(30) {
	case 0:
		end = ""
		classes = append(classes, "unanchored")
	case 1:
		end = `\$`
		classes = append(classes, "unanchored")
	case 2:
		end = "|.*$"
		classes = append(classes, "top-level-alt")
	case 3:
		end = "$|^x@y$"
		classes = append(classes, "top-level-alt")
	}
	b.WriteString(end)
	p := b.String()
	if r.Intn(40) == 0 {
		p = strings.TrimPrefix(p, "^")
		classes = append(classes, "unanchored")
	}
	return p, classes
}

func randClass(r *rand.Rand) string {
	keys := make([]string, 0, len(atoms)+len(quants))
	for k := range atoms {
		keys = append(keys, k)
	}
	for k := range quants {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	// Pieces the rules accept more often than the ones they refuse, so
	// that most of the corpus is matched, not only judged.
	if r.Intn(4) != 0 {
		return pick(r, []string{"literal", "dot", "bracket", "quant",
			"group-alt", "escape-punct", "perl-class", "hex-escape",
			"anchor-in-group", "leading-zero-bound", "lazy",
			"glibc-anchor-escape", "word-boundary", "text-anchor",
			"quote", "big-bound", "nested-bound"})
	}
	return keys[r.Intn(len(keys))]
}

func genPiece(r *rand.Rand, class string, classes *[]string, depth int) string {
	*classes = append(*classes, class)
	if qs, ok := quants[class]; ok {
		return pick(r, atoms["literal"][:6]) + pick(r, qs)
	}
	s := pick(r, atoms[class])
	if depth < 2 && r.Intn(5) == 0 {
		// A group around this and another piece, maybe quantified.
		inner := s + genPiece(r, randClass(r), classes, depth+1)
		if r.Intn(2) == 0 {
			inner += "|" + genPiece(r, randClass(r), classes, depth+1)
		}
		s = "(" + inner + ")"
	}
	if r.Intn(4) == 0 {
		k := pick(r, []string{"quant", "quant", "leading-zero-bound", "lazy", "big-bound"})
		*classes = append(*classes, k)
		s += pick(r, quants[k])
	}
	return s
}

// ---- the reference's rules and Classify (reference §3.2, §3.3, §4.1) ----

// unescapedIndex: first c in s not taken by a backslash, or -1.
func unescapedIndex(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case c:
			return i
		}
	}
	return -1
}

func hasUnescapedMeta(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			i++
			continue
		}
		if strings.IndexByte(".*+?()[]{}|^$", s[i]) >= 0 {
			return true
		}
	}
	return false
}

func dropEscapes(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// refCompile applies the reference's per-pattern rules and compiles.
func refCompile(p string) (*regexp.Regexp, string) {
	if !strings.HasPrefix(p, "^") || !strings.HasSuffix(p, "$") {
		return nil, "not anchored"
	}
	body := p[1 : len(p)-1]
	at := unescapedIndex(body, '@')
	if at < 0 {
		return nil, "no @"
	}
	if hasUnescapedMeta(body[:at]) {
		return nil, "wildcard left of @"
	}
	re, err := regexp.Compile(p)
	if err != nil {
		return nil, "go: " + err.Error()
	}
	return re, ""
}

func account(p string) string {
	body := strings.TrimSuffix(strings.TrimPrefix(p, "^"), "$")
	if at := unescapedIndex(body, '@'); at >= 0 {
		return dropEscapes(body[:at])
	}
	return dropEscapes(body)
}

// ---- the project's stricter rules (docs/formats.md), judged in Go ----

// strictRefusal says why the project refuses a pattern the reference
// accepts, or "". The account and anchoring rules are read off Go's parse
// tree; the lexical ones (top-level '|', flags i and m, \p) by a scan.
func strictRefusal(p string) string {
	for i := 0; i < len(p); i++ {
		if p[i] < 0x20 || p[i] > 0x7e {
			return "not printable ASCII"
		}
	}
	acct := account(p)
	if acct == "" {
		return "empty account"
	}
	if strings.Contains(acct, "@") {
		return "@ in account"
	}
	tree, err := syntax.Parse(p, syntax.Perl)
	if err != nil {
		return "parse: " + err.Error()
	}
	var bad string
	walk(tree, func(n *syntax.Regexp) {
		if n.Flags&syntax.FoldCase != 0 {
			bad = "case folding"
		}
		if n.Op == syntax.OpBeginLine || n.Op == syntax.OpEndLine {
			bad = "multi-line"
		}
	})
	if bad != "" {
		return bad
	}
	if tree.Op != syntax.OpConcat || len(tree.Sub) < 3 {
		return "tree is not ^ account@ ... $"
	}
	first, lit, last := tree.Sub[0], tree.Sub[1], tree.Sub[len(tree.Sub)-1]
	if first.Op != syntax.OpBeginText || last.Op != syntax.OpEndText {
		return "not anchored at both ends"
	}
	if lit.Op != syntax.OpLiteral || !strings.HasPrefix(string(lit.Rune), acct+"@") {
		return "account@ is not a literal run"
	}
	return scanRefusal(p)
}

func walk(n *syntax.Regexp, f func(*syntax.Regexp)) {
	f(n)
	for _, s := range n.Sub {
		walk(s, f)
	}
}

var nodeless = regexp.MustCompile(`^(\(\?[imsU-]*\)|\\Q\\E)*`)

// scanRefusal: the rules a parse tree cannot show.
func scanRefusal(p string) string {
	// A brace after the account's '@' (past flag groups and empty
	// quotes, which add nothing) is refused even when it is a literal.
	if at := unescapedIndex(p, '@'); at >= 0 {
		rest := p[at+1:]
		rest = rest[len(nodeless.FindString(rest)):]
		if strings.HasPrefix(rest, "{") {
			return "brace after @"
		}
	}
	depth := 0
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '\\':
			if i+1 >= len(p) {
				return "trailing backslash"
			}
			switch p[i+1] {
			case 'p', 'P':
				return "unicode class"
			case 'Q':
				if e := strings.Index(p[i+2:], `\E`); e >= 0 {
					i += 2 + e + 1
				} else {
					i = len(p)
				}
				continue
			}
			i++
		case '[':
			j := i + 1
			if j < len(p) && p[j] == '^' {
				j++
			}
			if j < len(p) && p[j] == ']' {
				j++
			}
			for j < len(p) && p[j] != ']' {
				if p[j] == '\\' {
					j += 2
					continue
				}
				if strings.HasPrefix(p[j:], "[:") {
					if e := strings.Index(p[j+2:], ":]"); e >= 0 {
						j += 2 + e + 2
						continue
					}
				}
				j++
			}
			i = j
		case '(':
			depth++
			if strings.HasPrefix(p[i:], "(?") {
				for k := i + 2; k < len(p) && strings.IndexByte("imsU-", p[k]) >= 0; k++ {
					if p[k] == 'i' || p[k] == 'm' {
						return "flag i or m"
					}
				}
			}
		case ')':
			depth--
		case '|':
			if depth == 0 {
				return "top-level |"
			}
		}
	}
	return ""
}

// ---- allowlists, signers, the verdicts ----

type entry struct {
	class, label, issuer, source, pattern string
	re                                    *regexp.Regexp
}

type scenario struct {
	id       int
	entries  []entry
	classes  []string
	signers  map[string][]string // issuer -> identities asked
	accepted bool                // by the project (Go's judgement)
	why      string              // why not
	sizeOK   bool                // a refusal "too large" is allowed
}

func slug(issuer, identity string) string {
	h := sha256.Sum256([]byte(issuer + "\n" + identity))
	return hex.EncodeToString(h[:])[:32]
}

// classify is the reference's Classify: slugs first, then patterns.
func (s *scenario) classify(issuer, identity string) string {
	sl := slug(issuer, identity)
	for _, e := range s.entries {
		if e.source != "" && e.source == sl {
			return e.class + " " + e.label
		}
	}
	for _, e := range s.entries {
		if e.re != nil && e.issuer == issuer && e.re.MatchString(identity) {
			return e.class + " " + e.label
		}
	}
	return "not listed (reported only: never corroborates)"
}

// judge decides acceptance as the project should.
func (s *scenario) judge() {
	seen := map[string]string{}
	s.accepted = true
	for i := range s.entries {
		e := &s.entries[i]
		if e.pattern == "" {
			continue
		}
		re, why := refCompile(e.pattern)
		if why == "" {
			why = strictRefusal(e.pattern)
		}
		if why != "" {
			s.accepted, s.why = false, e.pattern+": "+why
			return
		}
		e.re = re
		if prog, err := syntax.Compile(mustParse(e.pattern).Simplify()); err == nil && len(prog.Inst) > 30000 {
			s.sizeOK = true
		}
		k := e.issuer + "\x00" + account(e.pattern)
		if prev, ok := seen[k]; ok {
			s.accepted, s.why = false, "overlap: "+prev+" and "+e.pattern
			return
		}
		seen[k] = e.pattern
	}
}

func mustParse(p string) *syntax.Regexp {
	t, _ := syntax.Parse(p, syntax.Perl)
	return t
}

// ---- identities: from the pattern's tree, mutated, adversarial ----

func genFrom(r *rand.Rand, n *syntax.Regexp, b *strings.Builder, budget *int) {
	if *budget <= 0 {
		return
	}
	switch n.Op {
	case syntax.OpLiteral:
		for _, c := range n.Rune {
			if n.Flags&syntax.FoldCase != 0 && r.Intn(2) == 0 {
				c = unicode.SimpleFold(c)
			}
			b.WriteRune(c)
		}
	case syntax.OpCharClass:
		if len(n.Rune) == 0 {
			return
		}
		k := r.Intn(len(n.Rune)/2) * 2
		lo, hi := n.Rune[k], n.Rune[k+1]
		c := lo + rune(r.Int63n(int64(hi-lo)+1))
		if r.Intn(3) == 0 { // a pool character, when the class holds it
			if pc, _ := utf8.DecodeRuneInString(pick(r, pool)); pc >= lo && pc <= hi {
				c = pc
			}
		}
		if c == 0 {
			c = 'z'
		}
		b.WriteRune(c)
	case syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		c := pick(r, pool)
		if c == "\n" && n.Op == syntax.OpAnyCharNotNL {
			c = "é"
		}
		b.WriteString(c)
	case syntax.OpCapture:
		genFrom(r, n.Sub[0], b, budget)
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		lo, hi := 0, 3
		switch n.Op {
		case syntax.OpPlus:
			lo = 1
		case syntax.OpQuest:
			hi = 1
		case syntax.OpRepeat:
			lo, hi = n.Min, n.Max
			if hi < 0 || hi > lo+2 {
				hi = lo + 2
			}
		}
		k := lo + r.Intn(hi-lo+1)
		for i := 0; i < k && *budget > 0; i++ {
			*budget--
			genFrom(r, n.Sub[0], b, budget)
		}
	case syntax.OpConcat:
		for _, s := range n.Sub {
			genFrom(r, s, b, budget)
		}
	case syntax.OpAlternate:
		genFrom(r, n.Sub[r.Intn(len(n.Sub))], b, budget)
	}
}

func mutate(r *rand.Rand, s string) string {
	for k := 1 + r.Intn(2); k > 0; k-- {
		i := 0
		if len(s) > 0 {
			i = r.Intn(len(s) + 1)
		}
		switch r.Intn(3) {
		case 0: // insert
			s = s[:i] + pick(r, pool) + s[i:]
		case 1: // delete a byte
			if i < len(s) {
				s = s[:i] + s[i+1:]
			}
		default: // replace a byte
			if i < len(s) {
				s = s[:i] + pick(r, pool) + s[i+1:]
			}
		}
	}
	return s
}

func identities(r *rand.Rand, p string, n int) []string {
	acct := account(p)
	var out []string
	if tree, err := syntax.Parse(p, syntax.Perl); err == nil {
		for i := 0; i < n/2; i++ {
			var b strings.Builder
			budget := 60
			genFrom(r, tree, &b, &budget)
			out = append(out, b.String())
		}
	}
	for i := 0; i < n/4 && len(out) > 0; i++ {
		out = append(out, mutate(r, out[r.Intn(len(out))]))
	}
	ref := []string{"main", "refs/heads/main", "v1", "release-main", "release-release-main",
		"", "x", "xx", "vv", "a{02}", "x{02}", "x{2}", "<x>", "`x'", "$", "^", "@", "é", "😀"}
	for len(out) < n {
		s := acct + "@" + pick(r, ref)
		switch r.Intn(6) {
		case 0:
			s = mutate(r, s)
		case 1:
			s = "x" + s
		case 2:
			s = acct + "x@" + pick(r, ref)
		case 3:
			s += "\n" + pick(r, ref)
		}
		out = append(out, s)
	}
	// The tool takes NUL-terminated records: no NUL, none empty.
	clean := out[:0]
	for _, s := range out {
		s = strings.ReplaceAll(s, "\x00", "z")
		if s != "" {
			clean = append(clean, s)
		}
	}
	return clean
}

// newScenario: mostly one pattern; every fifth, several patterns with
// related accounts under two issuers and slug entries for some signers,
// some entries naming another issuer than the one their slug was made of
// (items 4, 7, 8).
func newScenario(r *rand.Rand, id int, focus string) *scenario {
	s := &scenario{id: id, signers: map[string][]string{}}
	np := 1
	multi := id%5 == 4
	if multi {
		np = 2 + r.Intn(3)
	}
	for i := 0; i < np; i++ {
		p, cl := genPattern(r, focus)
		if multi && r.Intn(2) == 0 { // item 8's shape: account@* vs account/x@?
			a := pick(r, []string{"o/r", "o/r/x", "a", "ab"})
			p = "^" + a + "@" + pick(r, []string{"", "*", "?", ""}) + pick(r, []string{"/x", "x", ".*", "", "(/x)?"}) + "$"
			cl = append(cl, "overlap")
		}
		iss := issGHA
		if multi && r.Intn(3) == 0 {
			iss = issOAuth
		}
		s.entries = append(s.entries, entry{class: "first-party", label: fmt.Sprintf("p%d", i), issuer: iss, pattern: p})
		s.classes = append(s.classes, cl...)
	}
	s.judge()
	for _, e := range s.entries {
		ids := identities(r, e.pattern, *perPattern)
		s.signers[issGHA] = append(s.signers[issGHA], ids...)
		if multi || r.Intn(10) == 0 {
			s.signers[issOAuth] = append(s.signers[issOAuth], ids[:min(10, len(ids))]...)
		}
	}
	if multi { // slug entries for signers that may also match a pattern
		for k := 0; k < 1+r.Intn(3); k++ {
			iss := pick(r, []string{issGHA, issOAuth})
			ids := s.signers[iss]
			if len(ids) == 0 {
				continue
			}
			who := ids[r.Intn(len(ids))]
			field := iss
			if r.Intn(2) == 0 {
				field = "https://accounts.example.test" // item 7
				s.classes = append(s.classes, "slug-issuer-differs")
			}
			cls := pick(r, []string{"community", "partner"})
			src := slug(iss, who)
			dup := false
			for _, e := range s.entries {
				dup = dup || e.source == src
			}
			if !dup {
				s.entries = append(s.entries, entry{class: cls, label: fmt.Sprintf("s%d", k), issuer: field, source: src})
				s.classes = append(s.classes, "slug-precedence")
			}
		}
	}
	return s
}

var perPattern *int

// wrap runs the tool under another command (valgrind), from $AE_WRAP.
var wrap = strings.Fields(os.Getenv("AE_WRAP"))

func yamlQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func (s *scenario) yaml() string {
	var b strings.Builder
	b.WriteString("schemaVersion: \"1.0.0\"\n")
	for _, cls := range []string{"first-party", "community", "partner"} {
		key := map[string]string{"first-party": "firstParty", "community": "community", "partner": "partner"}[cls]
		fmt.Fprintf(&b, "%s:\n", key)
		for _, e := range s.entries {
			if e.class != cls {
				continue
			}
			fmt.Fprintf(&b, "  - label: %s\n    issuer: %s\n", e.label, e.issuer)
			if e.source != "" {
				fmt.Fprintf(&b, "    source: %s\n", e.source)
			} else {
				fmt.Fprintf(&b, "    identityPattern: %s\n", yamlQuote(e.pattern))
			}
		}
	}
	return b.String()
}

// ---- asking the tool ----

type result struct {
	pairs, agree, refusedBoth, sizeRefused int
	bad                                    []string
	positive                               int // pairs the reference lists
}

func runTool(bin, dir string, s *scenario, res *result) {
	path := filepath.Join(dir, fmt.Sprintf("al-%d.yaml", s.id))
	if err := os.WriteFile(path, []byte(s.yaml()), 0o644); err != nil {
		res.bad = append(res.bad, err.Error())
		return
	}
	defer os.Remove(path)
	issuers := make([]string, 0, len(s.signers))
	for iss := range s.signers {
		issuers = append(issuers, iss)
	}
	sort.Strings(issuers)
	for _, iss := range issuers {
		ids := s.signers[iss]
		argv := append(append([]string{}, wrap...), bin, "allowlist", "classify", "--allowlist", path, "--issuer", iss, "--stdin", "-z")
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Stdin = strings.NewReader(strings.Join(ids, "\x00") + "\x00")
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			res.bad = append(res.bad, err.Error())
			return
		}
		if !s.accepted {
			switch {
			case code == 2:
				res.refusedBoth++
			default:
				res.bad = append(res.bad, fmt.Sprintf("scenario %d: the project should refuse (%s) but the tool exits %d", s.id, s.why, code))
			}
			return
		}
		if code == 2 {
			msg := strings.TrimSpace(errb.String())
			if s.sizeOK && (strings.Contains(msg, "too large") || strings.Contains(msg, "budget")) {
				res.sizeRefused++
				return
			}
			res.bad = append(res.bad, fmt.Sprintf("scenario %d: Go accepts, the tool refuses: %s\n%s", s.id, msg, s.yaml()))
			return
		}
		got := strings.Split(strings.TrimSuffix(out.String(), "\x00"), "\x00")
		if len(got) != len(ids) {
			res.bad = append(res.bad, fmt.Sprintf("scenario %d: %d answers for %d identities (exit %d: %s)", s.id, len(got), len(ids), code, errb.String()))
			return
		}
		for i, id := range ids {
			want := strings.TrimSpace(s.classify(iss, id))
			res.pairs++
			if !strings.HasPrefix(want, "not listed") {
				res.positive++
			}
			if got[i] == want {
				res.agree++
			} else {
				res.bad = append(res.bad, fmt.Sprintf("scenario %d: issuer %q identity %q: Go %q, tool %q\n%s", s.id, iss, id, want, got[i], s.yaml()))
			}
		}
	}
}

func main() {
	bin := flag.String("bin", "", "the aicr-evidence binary")
	n := flag.Int("n", 3000, "allowlists to generate")
	seed := flag.Int64("seed", 1, "corpus seed")
	jobs := flag.Int("j", 2, "tool processes at a time")
	verbose := flag.Bool("v", false, "print every disagreement")
	perPattern = flag.Int("ids", 100, "identities per pattern")
	flag.Parse()
	if *bin == "" {
		fmt.Fprintln(os.Stderr, "re2diff: -bin is required")
		os.Exit(64)
	}
	dir, err := os.MkdirTemp("", "re2diff-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	defer os.RemoveAll(dir)

	r := rand.New(rand.NewSource(*seed))
	classNames := []string{}
	for k := range atoms {
		classNames = append(classNames, k)
	}
	for k := range quants {
		classNames = append(classNames, k)
	}
	sort.Strings(classNames)
	scen := make([]*scenario, *n)
	for i := range scen {
		focus := ""
		if i%2 == 0 { // half the corpus is about one class each
			focus = classNames[(i/2)%len(classNames)]
		}
		scen[i] = newScenario(r, i, focus)
	}

	var mu sync.Mutex
	total := &result{}
	work := make(chan *scenario)
	var wg sync.WaitGroup
	for w := 0; w < *jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range work {
				res := &result{}
				runTool(*bin, dir, s, res)
				mu.Lock()
				total.pairs += res.pairs
				total.agree += res.agree
				total.positive += res.positive
				total.refusedBoth += res.refusedBoth
				total.sizeRefused += res.sizeRefused
				total.bad = append(total.bad, res.bad...)
				mu.Unlock()
			}
		}()
	}
	for _, s := range scen {
		work <- s
	}
	close(work)
	wg.Wait()

	// Coverage: per construct class, allowlists using it, accepted ones.
	used, acc := map[string]int{}, map[string]int{}
	patterns, accepted := 0, 0
	for _, s := range scen {
		seen := map[string]bool{}
		for _, c := range s.classes {
			if !seen[c] {
				seen[c] = true
				used[c]++
				if s.accepted {
					acc[c]++
				}
			}
		}
		for _, e := range s.entries {
			if e.pattern != "" {
				patterns++
				if s.accepted {
					accepted++
				}
			}
		}
	}
	keys := make([]string, 0, len(used))
	for k := range used {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Printf("re2diff: %d allowlists, %d patterns (%d in accepted allowlists), seed %d\n", *n, patterns, accepted, *seed)
	for _, k := range keys {
		fmt.Printf("re2diff:   class %-20s %5d allowlists, %5d accepted\n", k, used[k], acc[k])
	}
	fmt.Printf("re2diff: %d signer/identity pairs compared, %d listed by Go, %d allowlists refused by both, %d refused as too large (allowed)\n",
		total.pairs, total.positive, total.refusedBoth, total.sizeRefused)
	for i, b := range total.bad {
		if i >= 20 && !*verbose {
			fmt.Printf("re2diff: ... %d more\n", len(total.bad)-i)
			break
		}
		fmt.Printf("re2diff: DISAGREE %s\n", b)
	}
	fmt.Printf("re2diff: %d disagreements\n", len(total.bad))
	if len(total.bad) > 0 {
		os.Exit(1)
	}
}

func min(a, b int) int {
	if a < b {
		return a
	}
	return b
}
