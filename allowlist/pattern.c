/* allowlist/pattern.c -- first-party identityPattern: rules and matcher
 *
 * A first-party entry trusts every identity its pattern matches. The
 * dialect is the reference's, Go's regexp, and the matcher is RE2 itself
 * (ae_re_*, evidence/core/re.c): a pattern means here what it means
 * there, characters not bytes, \d \w \b as RE2 reads them, repeat counts
 * at most 1000 once nested bounds are multiplied.
 *
 * On top of that the pattern is held to rules that make its reach obvious
 * to a reviewer. The reference's (§3.2): anchored `^...$`; an unescaped '@'
 * splits the account part (the workflow URL) from the ref part; the
 * account part is literal. Ours, each closing a way around those:
 *
 *   - no top-level '|' (in `^a@x|.*$` the second branch has no account);
 *   - the final '$' is a real end anchor: not escaped, not quoted by \Q,
 *     not in brackets, not in multi-line mode ((?m) would let it match at
 *     a line break, and `a@x\nEVIL` through);
 *   - the account part holds no '@' and no escape but of punctuation
 *     (`\x40` is an '@', `\d` a class), and the '@' after it carries no
 *     quantifier (`@?`, `@*` would let the account run into the ref part);
 *     so every identity a pattern matches is its account, '@', the rest --
 *     the account is the identity's text before its first '@', and two
 *     patterns with different accounts never match one identity (the
 *     overlap rule of reference §3.3 is then sound, see load.c);
 *   - printable ASCII only, no \p / \P classes and no (?i): a trust root
 *     whose meaning moved with the Unicode tables of whichever build reads
 *     it would let two builds disagree on who is first-party.
 */
#include "allowlist/internal.h"

#include <stdio.h>
#include <string.h>

/* Characters that are operators in RE2 outside brackets. */
static const char pattern_meta[] = ".*+?()[]{}|^$";

/* True iff c is an ASCII letter or digit. */
static bool pattern_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

/* Skips, from pat[i], the tokens that add nothing to the expression: flag
 * groups "(?s)" and empty quotes "\Q\E". A quantifier after them repeats
 * what came before them (`@(?s)*` is `@*`). Returns the next offset. */
static size_t pattern_skip_nodeless(const char *pat, size_t i)
{
	for (;;) {
		size_t k = i + 2;
		if (strncmp(pat + i, "\\Q\\E", 4) == 0) {
			i += 4;
			continue;
		}
		if (pat[i] != '(' || pat[i + 1] != '?')
			return i;
		while (pat[k] != '\0' && strchr("imsU-", pat[k]) != NULL)
			k++;
		if (pat[k] != ')')
			return i;
		i = k + 1;
	}
}

/* Checks the account part, pat[1] up to the first unescaped '@', and that
 * the '@' is not repeated. Returns the offset of that '@', or 0 with `why`
 * set. */
static size_t pattern_account(char *why, size_t whysz, const char *pat)
{
	size_t i, j;

	for (i = 1; pat[i] != '\0' && pat[i] != '@'; i++) {
		if (pat[i] == '\\' && pat[i + 1] != '\0')
			i++;
	}
	if (pat[i] != '@') {
		snprintf(why, whysz,
			 "has no unescaped '@' between the account and the "
			 "ref");
		return 0;
	}
	for (i = 1; pat[i] != '\0' && pat[i] != '@'; i++) {
		char c = pat[i];
		if (c == '\\' && pat[i + 1] == '@') {
			snprintf(why, whysz,
				 "the account part left of the '@' cannot "
				 "contain '@'");
			return 0;
		}
		if (c == '\\' && pattern_alnum(pat[i + 1])) {
			snprintf(why, whysz,
				 "\\%c left of the '@' is not a literal "
				 "character: the account part must be literal "
				 "(escape only punctuation, e.g. \\.)",
				 pat[i + 1]);
			return 0;
		}
		if (c == '\\' && pat[i + 1] != '\0') {
			i++;
			continue;
		}
		if (c == '\\' || strchr(pattern_meta, c) != NULL) {
			snprintf(why, whysz,
				 "unescaped '%c' left of the '@': the account "
				 "part must be literal (wildcards only in the "
				 "ref part)",
				 c);
			return 0;
		}
	}
	if (i == 1) {
		snprintf(why, whysz, "has no account part left of the '@'");
		return 0;
	}
	j = pattern_skip_nodeless(pat, i + 1);
	if (pat[j] != '\0' && strchr("*+?{", pat[j]) != NULL) {
		snprintf(why, whysz,
			 "'%c' after the account's '@' would repeat it: that "
			 "'@' must match exactly once (escape a literal brace "
			 "as \\{)",
			 pat[j]);
		return 0;
	}
	return i;
}

/* The index of the ']' closing the bracket expression at pat[i] == '[',
 * or 0 when there is none. As RE2 and Go read it: a ']' right after '['
 * or '[^' is literal, '\' takes the next character, "[:" opens a named
 * class that ends at the next ":]". */
static size_t pattern_bracket(const char *pat, size_t i)
{
	size_t j = i + 1;

	if (pat[j] == '^')
		j++;
	if (pat[j] == ']')
		j++;
	while (pat[j] != '\0' && pat[j] != ']') {
		const char *e;
		if (pat[j] == '\\' && pat[j + 1] != '\0') {
			j += 2;
			continue;
		}
		if (pat[j] == '[' && pat[j + 1] == ':' &&
		    (e = strstr(pat + j + 2, ":]")) != NULL) {
			j = (size_t)(e - pat) + 2;
			continue;
		}
		j++;
	}
	return pat[j] == ']' ? j : 0;
}

/* Refuses the flags i and m in the group opening at pat[i] == '('. */
static bool pattern_flags(char *why, size_t whysz, const char *pat, size_t i)
{
	if (pat[i + 1] != '?')
		return true;
	for (size_t k = i + 2; pat[k] != '\0' && strchr("imsU-", pat[k]); k++) {
		if (pat[k] == 'm') {
			snprintf(why, whysz,
				 "multi-line mode (?m) is not allowed: it "
				 "lets ^ and $ match at a line break");
			return false;
		}
		if (pat[k] == 'i') {
			snprintf(why, whysz,
				 "case folding (?i) is not allowed: beyond "
				 "ASCII it follows the Unicode tables of each "
				 "build; write the cases out, e.g. [Mm]ain");
			return false;
		}
	}
	return true;
}

/* One escape \c in the ref part at pat[i] == '\\': advances *i past it
 * (past \Q...\E, or to the end when \E is missing). */
static bool pattern_escape(char *why, size_t whysz, const char *pat, size_t *i)
{
	char c = pat[*i + 1];
	const char *e;

	if (c == 'p' || c == 'P') {
		snprintf(why, whysz,
			 "Unicode classes \\%c are not allowed: their members "
			 "change with the Unicode version of each build",
			 c);
		return false;
	}
	if (c == 'Q') {
		e = strstr(pat + *i + 2, "\\E");
		*i = e ? (size_t)(e - pat) + 1 : strlen(pat) - 1;
		return true;
	}
	if (c != '\0')
		(*i)++;
	return true;
}

/* Scans the ref part, after the '@' at pat[at]: no top-level '|', no
 * flags i or m, no \p, balanced groups, and the last token an unescaped
 * '$' at the top level. */
static bool pattern_ref(char *why, size_t whysz, const char *pat, size_t at)
{
	bool last_eol = false;
	int depth = 0;

	for (size_t i = at + 1, j; pat[i] != '\0'; i++) {
		char c = pat[i];
		last_eol = false;
		if (c == '\\') {
			if (!pattern_escape(why, whysz, pat, &i))
				return false;
		} else if (c == '[') {
			j = pattern_bracket(pat, i);
			if (j == 0) {
				snprintf(why, whysz,
					 "unterminated '[' at offset %zu", i);
				return false;
			}
			i = j;
		} else if (c == '(') {
			if (!pattern_flags(why, whysz, pat, i))
				return false;
			depth++;
		} else if (c == ')' && --depth < 0) {
			snprintf(why, whysz, "unmatched ')' at offset %zu", i);
			return false;
		} else if (c == '|' && depth == 0) {
			snprintf(why, whysz,
				 "top-level '|' would let another account "
				 "match; group alternatives after the '@', "
				 "e.g. @refs/heads/(main|release)$");
			return false;
		} else if (c == '$') {
			last_eol = depth == 0;
		}
	}
	if (depth > 0) {
		snprintf(why, whysz, "has an unclosed '('");
		return false;
	}
	if (!last_eol) {
		snprintf(why, whysz,
			 "must be anchored: end with an unescaped $");
		return false;
	}
	return true;
}

bool al__pattern_check(char *why, size_t whysz, const char *pat)
{
	size_t n = strlen(pat), at;

	if (n > AL_PATTERN_MAX) {
		snprintf(why, whysz, "%zu bytes, cap %d", n, AL_PATTERN_MAX);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (pat[i] < 0x20 || pat[i] > 0x7e) {
			snprintf(why, whysz,
				 "must be printable ASCII (byte 0x%02x at "
				 "offset %zu; write other characters as "
				 "\\x{...})",
				 (unsigned char)pat[i], i);
			return false;
		}
	}
	if (n < 2 || pat[0] != '^' || pat[n - 1] != '$') {
		snprintf(why, whysz,
			 "must be anchored: start with ^ and end with $");
		return false;
	}
	at = pattern_account(why, whysz, pat);
	return at != 0 && pattern_ref(why, whysz, pat, at);
}

int al__pattern_compile(ae_re **out, const char *pat, long max_mem, char *why,
			size_t whysz)
{
	ae_err err = {0};
	int rc = ae_re_new(out, pat, max_mem, &err);

	if (rc < 0)
		snprintf(why, whysz, "%s", err.msg);
	return rc;
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
