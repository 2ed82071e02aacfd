/* allowlist/pattern.c -- first-party identityPattern: rules and matcher
 *
 * A first-party entry trusts every identity its pattern matches, so the
 * pattern is held to rules that make its reach obvious to a reviewer
 * (reference §3.2): anchored `^...$`; an unescaped '@' splits the account
 * part (the workflow URL) from the ref part; the account part is literal,
 * wildcards live only in the ref part. We add what the reference's RE2
 * leaves open: no top-level '|' (in `^a@x|.*$` the second branch has no
 * account at all), no '@' inside the account part (so two patterns with
 * different literals can never match one identity, and the overlap rule of
 * reference §3.3 is complete), balanced groups.
 *
 * The dialect is POSIX ERE (regex.h). Where RE2 and ERE read one text
 * differently -- \d, \w, \s, \b, (?:...), (?i), lazy `+?`, backslash in a
 * bracket expression -- the pattern is refused with a message saying so,
 * rather than compiled into a matcher that means something else.
 */
#include "allowlist/internal.h"

#include <stdio.h>
#include <string.h>

/* Characters that are operators in ERE (and RE2) outside brackets. */
static const char pattern_meta[] = ".*+?()[]{}|^$";

/* Why an escape "\c" with alphanumeric c is refused. */
static const char *escape_why(char c)
{
	switch (c) {
	case 'd':
	case 'D':
	case 'w':
	case 'W':
	case 's':
	case 'S':
		return "is an RE2/Perl class that POSIX ERE reads differently; "
		       "use a bracket expression such as [0-9] or "
		       "[[:alnum:]_]";
	case 'b':
	case 'B':
		return "is an RE2 word boundary with no POSIX ERE equivalent";
	}
	if (c >= '0' && c <= '9')
		return "is a backreference, not allowed";
	return "is not a POSIX ERE escape (escape only punctuation)";
}

/* Scans a bracket expression starting at pat[i] == '['. Returns the index
 * of its closing ']', or 0 with `why` set. RE2 reads '\' in brackets as an
 * escape, POSIX as a literal: refused either way. */
static size_t pattern_bracket(const char *pat, size_t i, char *why,
			      size_t whysz)
{
	size_t j = i + 1;

	if (pat[j] == '^')
		j++;
	if (pat[j] == ']')
		j++;
	for (; pat[j] != '\0' && pat[j] != ']'; j++) {
		if (pat[j] == '\\') {
			snprintf(why, whysz,
				 "backslash inside [...] is a literal in POSIX "
				 "ERE but an escape in RE2; write the "
				 "character itself");
			return 0;
		}
		if (pat[j] == '[' && (pat[j + 1] == '=' || pat[j + 1] == '.')) {
			snprintf(why, whysz,
				 "[= =] and [. .] inside brackets are not "
				 "portable to RE2");
			return 0;
		}
		if (pat[j] == '[' && pat[j + 1] == ':') {
			const char *end = strstr(pat + j + 2, ":]");
			if (end == NULL)
				break;
			j = (size_t)(end - pat) + 1;
		}
	}
	if (pat[j] != ']') {
		snprintf(why, whysz, "unterminated '[' at offset %zu", i);
		return 0;
	}
	return j;
}

/* Scans a bound "{m}", "{m,}" or "{m,n}" at pat[i] == '{'. Returns the
 * index of '}' and the most copies regcomp makes of the atom in `*mult`
 * ("{m,}" is m copies and a star), or 0 with `why` set. */
static size_t pattern_bound(unsigned long *mult, const char *pat, size_t i,
			    char *why, size_t whysz)
{
	size_t j = i + 1;
	long m = -1, n = -1, *cur = &m;

	for (;; j++) {
		char c = pat[j];
		if (c >= '0' && c <= '9') {
			*cur = (*cur < 0 ? 0 : *cur) * 10 + (c - '0');
			if (*cur > AL_PATTERN_MAX_BOUND)
				break;
		} else if (c == ',' && cur == &m && m >= 0) {
			cur = &n;
			n = -2; /* "{m,}" unless digits follow */
		} else if (c == '}' && m >= 0) {
			if (n >= 0 && n < m)
				break;
			*mult = (unsigned long)(n >= 0 ? n : m + (n == -2));
			return j;
		} else {
			break;
		}
	}
	snprintf(why, whysz,
		 "'{' at offset %zu must start a bound {m}, {m,} or {m,n} "
		 "with m <= n <= %d; escape a literal brace as \\{",
		 i, AL_PATTERN_MAX_BOUND);
	return 0;
}

/* The scanner's state across one pattern. */
typedef struct pattern_scan {
	size_t at;	  /* offset of the first unescaped '@', 0: none */
	int depth;	  /* open groups */
	bool after_quant; /* the previous token was a quantifier */
	/* Expanded size, the positions regcomp builds: per open group level
	 * the size so far, and the size of the last atom (bounds copy it). */
	unsigned long size[AL_PATTERN_MAX / 2 + 2];
	unsigned long last;
	bool ends_with_eol; /* the last token is an unescaped '$' */
} pattern_scan;

/* One unescaped operator character `c` at offset i (outside brackets). */
static bool pattern_operator(pattern_scan *s, const char *pat, size_t i,
			     char *why, size_t whysz)
{
	char c = pat[i];
	bool quant = c == '*' || c == '+' || c == '?';

	if (s->at == 0 && strchr(pattern_meta, c) != NULL) {
		snprintf(why, whysz,
			 "unescaped '%c' left of the '@': the account part "
			 "must be literal (wildcards only in the ref part)",
			 c);
		return false;
	}
	if ((quant || c == '{') && s->after_quant) {
		snprintf(why, whysz,
			 c == '?' ? "lazy quantifier at offset %zu is RE2-only"
				  : "repeated quantifier at offset %zu",
			 i);
		return false;
	}
	if (c == '(' && pat[i + 1] == '?') {
		snprintf(why, whysz,
			 "(?...) groups such as (?:...) and (?i) are RE2-only");
		return false;
	}
	if (c == '(')
		s->depth++;
	if (c == ')' && --s->depth < 0) {
		snprintf(why, whysz, "unmatched ')' at offset %zu", i);
		return false;
	}
	if (c == '|' && s->depth == 0) {
		snprintf(why, whysz,
			 "top-level '|' would let another account match; "
			 "group alternatives after the '@', e.g. "
			 "@refs/heads/(main|release)$");
		return false;
	}
	return true;
}

/* Adds `v` to `*x`, saturating past AL_PATTERN_MAX_SIZE. */
static void size_add(unsigned long *x, unsigned long v)
{
	*x = *x + v > AL_PATTERN_MAX_SIZE ? AL_PATTERN_MAX_SIZE + 1 : *x + v;
}

/* Accounts token `c` (after its checks passed) in the expanded size:
 * nested bounds multiply, and glibc's regcomp expands `(x{255}){255}`
 * into 65025 copies -- three levels took minutes, a denial of service by
 * pull request on the allowlist. `mult` is the bound's copies for '{'. */
static void pattern_size(pattern_scan *s, char c, unsigned long mult)
{
	unsigned long *cur = &s->size[s->depth];

	switch (c) {
	case '(':
		*cur = 0;
		s->last = 0;
		break;
	case ')':
		s->last = s->size[s->depth + 1];
		size_add(cur, s->last);
		break;
	case '+': /* x+ is built as x x* */
		size_add(cur, s->last);
		break;
	case '{':
		if (mult > 1)
			size_add(cur, s->last > AL_PATTERN_MAX_SIZE / mult
					      ? AL_PATTERN_MAX_SIZE + 1
					      : s->last * (mult - 1));
		break;
	case '*':
	case '?':
		break;
	case '|':
	case '^':
	case '$':
		s->last = 0;
		break;
	default: /* an atom: literal, escape, bracket expression, '.' */
		s->last = 1;
		size_add(cur, 1);
	}
}

bool al__pattern_check(char *why, size_t whysz, const char *pat)
{
	pattern_scan s = {0};
	size_t n = strlen(pat), i, j;
	unsigned long mult = 0;

	if (n > AL_PATTERN_MAX) {
		snprintf(why, whysz, "%zu bytes, cap %d", n, AL_PATTERN_MAX);
		return false;
	}

	for (i = 0; i < n; i++) {
		if (pat[i] < 0x20 || pat[i] > 0x7e) {
			snprintf(why, whysz,
				 "must be printable ASCII (byte 0x%02x at "
				 "offset %zu)",
				 (unsigned char)pat[i], i);
			return false;
		}
	}
	if (n < 2 || pat[0] != '^' || pat[n - 1] != '$') {
		snprintf(why, whysz,
			 "must be anchored: start with ^ and end "
			 "with $");
		return false;
	}
	for (i = 1; i < n && pat[i] != '@'; i++) {
		if (pat[i] == '\\' && pat[i + 1] != '\0')
			i++;
	}
	if (i >= n) {
		snprintf(why, whysz,
			 "has no unescaped '@' between the account "
			 "and the ref");
		return false;
	}
	for (i = 1; i < n; i++) {
		char c = pat[i];
		bool quant = false;
		s.ends_with_eol = false;
		if (c == '\\') {
			if (pat[i + 1] == '\0') {
				snprintf(why, whysz,
					 "ends in a lone backslash");
				return false;
			}
			if ((pat[i + 1] >= '0' && pat[i + 1] <= '9') ||
			    (pat[i + 1] >= 'a' && pat[i + 1] <= 'z') ||
			    (pat[i + 1] >= 'A' && pat[i + 1] <= 'Z')) {
				snprintf(why, whysz, "\\%c %s", pat[i + 1],
					 escape_why(pat[i + 1]));
				return false;
			}
			if (pat[i + 1] == '@' && s.at == 0) {
				snprintf(why, whysz,
					 "the account part left of the '@' "
					 "cannot contain '@'");
				return false;
			}
			i++;
			pattern_size(&s, 'a', 0);
		} else if (c == '[' && s.at != 0) {
			j = pattern_bracket(pat, i, why, whysz);
			if (j == 0)
				return false;
			i = j;
			pattern_size(&s, 'a', 0);
		} else if (c == '{' && s.at != 0) {
			if (!pattern_operator(&s, pat, i, why, whysz))
				return false;
			j = pattern_bound(&mult, pat, i, why, whysz);
			if (j == 0)
				return false;
			i = j;
			quant = true;
			pattern_size(&s, '{', mult);
		} else if (c == '@' && s.at == 0) {
			s.at = i;
			pattern_size(&s, 'a', 0);
		} else if (strchr(pattern_meta, c) != NULL) {
			if (!pattern_operator(&s, pat, i, why, whysz))
				return false;
			quant = c == '*' || c == '+' || c == '?';
			s.ends_with_eol = c == '$';
			pattern_size(&s, c, 0);
		} else {
			pattern_size(&s, 'a', 0);
		}
		s.after_quant = quant;
	}
	if (s.size[0] > AL_PATTERN_MAX_SIZE) {
		snprintf(why, whysz,
			 "expands to more than %d positions (nested bounds "
			 "multiply); simplify it",
			 AL_PATTERN_MAX_SIZE);
		return false;
	}
	if (s.at == 0) {
		snprintf(why, whysz,
			 "has no unescaped '@' between the account "
			 "and the ref");
		return false;
	}
	if (s.at == 1) {
		snprintf(why, whysz, "has no account part left of the '@'");
		return false;
	}
	if (!s.ends_with_eol) {
		snprintf(why, whysz,
			 "must be anchored: end with an unescaped "
			 "$");
		return false;
	}
	if (s.depth != 0) {
		snprintf(why, whysz, "has an unclosed '('");
		return false;
	}
	return true;
}

bool al__pattern_compile(regex_t *re, const char *pat, char *why, size_t whysz)
{
	char body[AL_PATTERN_MAX + 8];
	size_t n = strlen(pat);
	int rc;

	if (n < 2 || n > AL_PATTERN_MAX) {
		snprintf(why, whysz, "pattern length %zu out of range", n);
		return false;
	}
	/* ^( body )$: the whole identity must match, whatever the body. */
	snprintf(body, sizeof(body), "^(%.*s)$", (int)(n - 2), pat + 1);
	rc = regcomp(re, body, REG_EXTENDED | REG_NOSUB);
	if (rc != 0) {
		char msg[128];
		regerror(rc, re, msg, sizeof(msg));
		snprintf(why, whysz, "does not compile as POSIX ERE: %s", msg);
		return false;
	}
	return true;
}

void al__pattern_literal(char *out, size_t outsz, const char *pat)
{
	size_t o = 0;

	for (size_t i = 1; pat[i] != '\0' && pat[i] != '@' && o + 1 < outsz;
	     i++) {
		if (pat[i] == '\\' && pat[i + 1] != '\0')
			i++;
		out[o++] = pat[i];
	}
	out[o] = '\0';
}
