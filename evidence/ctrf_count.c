/* evidence/ctrf_count.c -- the tests of a shipped CTRF report, counted as
 * the bytes stream by (verify)
 *
 * verify holds a bundle's phase counts (the signed predicate) against the
 * tests of ctrf/<phase>.json, which it hashes anyway: a predicate that says
 * "0 failed" over a report whose test failed is refused whoever made it
 * (issue 24 item 1). A --full report can be far larger than what is sane to
 * parse into a tree, so this is a small streaming JSON scanner fed the same
 * chunks the hash sees (one read, no window for the file to change between
 * hashing and counting): it follows results.tests[*].status and checks the
 * JSON grammar as it goes. It counts as the emitter does: every test needs
 * a string name and a string status; a status CTRF does not define counts
 * as other; a repeated key in a test, or anything but one JSON document, is
 * refused. Escapes are decoded before a key or a status is compared, and a
 * key the reference's reader (Go's encoding/json, which ignores case) would
 * take for results, tests, name or status must be spelled exactly so and
 * given once: "Status":"failed" beside "status":"passed" is a failed test
 * to that reader, so it is refused here, not counted as a pass.
 */
#include "evidence/internal.h"
#include "evidence/evidence.h"

#include <stdlib.h>
#include <string.h>

/* What a container is, for the path results.tests[*].status. */
enum {
	CC_OTHER,
	CC_ROOT,    /* the top-level object */
	CC_RESULTS, /* root.results */
	CC_TESTS,   /* results.tests */
	CC_TEST,    /* one test */
};

/* What the scanner waits for. */
enum {
	CS_VALUE,   /* a value (or ']' right after '[') */
	CS_KEY,	    /* a key (or '}' right after '{') */
	CS_COLON,   /* ':' after a key */
	CS_AFTER,   /* ',' or the closing bracket */
	CS_STRING,  /* inside a string */
	CS_ESCAPE,  /* after '\' in a string */
	CS_UNICODE, /* \uXXXX digits */
	CS_SCALAR,  /* a number or literal */
	CS_DONE,    /* the document ended: only white space may follow */
};

#define CC_TEXT 16 /* key and status bytes kept: longer ones match nothing */

typedef struct cc_frame {
	char kind; /* '{' or '[' */
	unsigned char role;
	unsigned char key;  /* the current key: 0 other, 1 results, 2 tests,
			     * 3 status, 4 name */
	unsigned char seen; /* in a test: 1 name, 2 status; 4 results in the
			     * root, tests in results */
} cc_frame;

struct ev__ctrf_counter {
	cc_frame stack[AE_JSON_MAX_DEPTH + 1];
	int depth;
	int state;
	bool string_is_key;
	char text[CC_TEXT + 1];
	size_t text_len;
	bool text_long;
	int uni_left;
	unsigned uni_val;
	const char *lit; /* the literal being read (true, false, null) */
	size_t lit_pos;
	bool have_tests; /* results.tests seen as an array */
	int64_t c[6];	 /* tests, passed, failed, skipped, pending, other */
	bool failed;
	char why[96];
};

int ev__ctrf_counter_new(ev__ctrf_counter **out, ae_err *err)
{
	*out = calloc(1, sizeof(**out));
	if (*out == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	(*out)->depth = -1;
	return 0;
}

void ev__ctrf_counter_free(ev__ctrf_counter *cc)
{
	free(cc);
}

static void cc_fail(ev__ctrf_counter *cc, const char *why)
{
	if (!cc->failed)
		snprintf(cc->why, sizeof(cc->why), "%s", why);
	cc->failed = true;
}

/* The next character of `k` (len bytes, from *i) folded as Go's
 * encoding/json folds a key: ASCII lowercased, U+017F read as 's' and
 * U+212A as 'k'; any other byte as itself. Advances *i. */
static unsigned char key_fold_next(const unsigned char *k, size_t len,
				   size_t *i)
{
	unsigned char b = k[*i];

	if (b >= 'A' && b <= 'Z') {
		(*i)++;
		return (unsigned char)(b - 'A' + 'a');
	}
	if (b == 0xC5 && len - *i >= 2 && k[*i + 1] == 0xBF) {
		*i += 2; /* U+017F LATIN SMALL LETTER LONG S */
		return 's';
	}
	if (b == 0xE2 && len - *i >= 3 && k[*i + 1] == 0x84 &&
	    k[*i + 2] == 0xAA) {
		*i += 3; /* U+212A KELVIN SIGN */
		return 'k';
	}
	(*i)++;
	return b;
}

size_t ev__key_fold(char *out, const char *key, size_t len)
{
	const unsigned char *k = (const unsigned char *)key;
	size_t i = 0, n = 0;

	while (i < len)
		out[n++] = (char)key_fold_next(k, len, &i);
	out[n] = '\0';
	return n;
}

bool ev__key_folds_to(const char *key, size_t len, const char *name)
{
	const unsigned char *k = (const unsigned char *)key;
	size_t i = 0;

	for (; *name != '\0'; name++) {
		unsigned char c = (unsigned char)*name;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (i >= len || key_fold_next(k, len, &i) != c)
			return false;
	}
	return i == len;
}

/* The key code of the string just read in frame `f`: 0 for a key that is
 * none of ours. A key of the root, of results or of a test that the
 * reference's reader takes for one of the fields counted here must be that
 * field (escapes decoded, as every reader decodes them) in its own case,
 * and given once. */
static unsigned char cc_key(ev__ctrf_counter *cc, cc_frame *f)
{
	static const char *const keys[] = {"results", "tests", "status",
					   "name"};
	/* the keys each role reads: bit i+1 for keys[i] */
	unsigned want = f->role == CC_ROOT	? 1u
			: f->role == CC_RESULTS ? 2u
			: f->role == CC_TEST	? 12u
						: 0u;
	char why[96];

	for (unsigned i = 0; i < 4; i++) {
		bool exact = !cc->text_long && strcmp(cc->text, keys[i]) == 0;
		if (!(want & (1u << i))) {
			if (exact)
				return (unsigned char)(i + 1);
			continue;
		}
		if (!exact &&
		    (cc->text_long ||
		     !ev__key_folds_to(cc->text, cc->text_len, keys[i])))
			continue;
		if (!exact) {
			snprintf(why, sizeof(why),
				 "a key is spelled like \"%s\" but is not "
				 "it",
				 keys[i]);
			cc_fail(cc, why);
		} else if (i < 2 && (f->seen & 4)) {
			snprintf(why, sizeof(why), "\"%s\" is given twice",
				 keys[i]);
			cc_fail(cc, why);
		}
		if (i < 2)
			f->seen |= 4;
		return (unsigned char)(i + 1);
	}
	return 0;
}

/* The role of a container opened as a value of the current frame. */
static unsigned char cc_role(const ev__ctrf_counter *cc, char kind)
{
	const cc_frame *p = cc->depth >= 0 ? &cc->stack[cc->depth] : NULL;

	if (p == NULL)
		return kind == '{' ? CC_ROOT : CC_OTHER;
	if (p->role == CC_ROOT && p->key == 1 && kind == '{')
		return CC_RESULTS;
	if (p->role == CC_RESULTS && p->key == 2 && kind == '[')
		return CC_TESTS;
	if (p->role == CC_TESTS && kind == '{')
		return CC_TEST;
	return CC_OTHER;
}

/* A value of the current frame's current key starts: a test's name and
 * status must be strings, each given once. */
static void cc_value(ev__ctrf_counter *cc, bool is_string)
{
	cc_frame *f = cc->depth >= 0 ? &cc->stack[cc->depth] : NULL;

	if (f == NULL || f->role != CC_TEST || f->kind != '{')
		return;
	if (f->key == 3 || f->key == 4) {
		unsigned char bit = f->key == 3 ? 2 : 1;
		if (!is_string)
			cc_fail(cc, "a test's name or status is not a string");
		if (f->seen & bit)
			cc_fail(cc, "a test repeats its name or status");
		f->seen |= bit;
	}
}

/* A string ended: a key, or a value (a test's status is counted). */
static void cc_string_end(ev__ctrf_counter *cc)
{
	cc_frame *f = cc->depth >= 0 ? &cc->stack[cc->depth] : NULL;
	static const char *const st[] = {"passed", "failed", "skipped",
					 "pending", "other"};
	int idx = 5;

	cc->text[cc->text_len] = '\0';
	if (cc->string_is_key) {
		f->key = cc_key(cc, f);
		cc->state = CS_COLON;
		return;
	}
	if (f != NULL && f->role == CC_TEST && f->key == 3) {
		for (int i = 0; !cc->text_long && i < 5; i++) {
			if (strcmp(cc->text, st[i]) == 0)
				idx = i + 1;
		}
		cc->c[idx]++;
	}
	cc->state = cc->depth < 0 ? CS_DONE : CS_AFTER;
}

static void cc_text_put(ev__ctrf_counter *cc, char ch)
{
	if (cc->text_len < CC_TEXT)
		cc->text[cc->text_len++] = ch;
	else
		cc->text_long = true;
}

/* The code point of a \\u escape, as UTF-8 (a lone surrogate as its
 * three bytes: it matches no key or status either way). */
static void cc_text_utf8(ev__ctrf_counter *cc, unsigned u)
{
	if (u < 0x80) {
		cc_text_put(cc, (char)u);
	} else if (u < 0x800) {
		cc_text_put(cc, (char)(0xC0 | u >> 6));
		cc_text_put(cc, (char)(0x80 | (u & 0x3F)));
	} else {
		cc_text_put(cc, (char)(0xE0 | u >> 12));
		cc_text_put(cc, (char)(0x80 | (u >> 6 & 0x3F)));
		cc_text_put(cc, (char)(0x80 | (u & 0x3F)));
	}
}

static void cc_open(ev__ctrf_counter *cc, char kind)
{
	unsigned char role = cc_role(cc, kind); /* from the parent frame */
	cc_frame *f;

	cc_value(cc, false);
	if (cc->depth + 1 > AE_JSON_MAX_DEPTH) {
		cc_fail(cc, "nested too deep");
		return;
	}
	f = &cc->stack[++cc->depth];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->role = role;
	if (f->role == CC_TESTS)
		cc->have_tests = true;
	if (f->role == CC_TEST)
		cc->c[0]++;
	cc->state = kind == '{' ? CS_KEY : CS_VALUE;
}

static void cc_close(ev__ctrf_counter *cc, char kind)
{
	cc_frame *f = cc->depth >= 0 ? &cc->stack[cc->depth] : NULL;

	if (f == NULL || f->kind != kind) {
		cc_fail(cc, "unbalanced brackets");
		return;
	}
	if (f->role == CC_TEST && f->seen != 3)
		cc_fail(cc, "a test has no name or status");
	cc->depth--;
	cc->state = cc->depth < 0 ? CS_DONE : CS_AFTER;
}

static bool cc_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* One byte outside strings and scalars. */
static void cc_structural(ev__ctrf_counter *cc, char ch)
{
	if (cc_space(ch))
		return;
	switch (cc->state) {
	case CS_DONE:
		cc_fail(cc, "data after the document");
		return;
	case CS_COLON:
		if (ch == ':')
			cc->state = CS_VALUE;
		else
			cc_fail(cc, "no ':' after a key");
		return;
	case CS_KEY:
		if (ch == '"') {
			cc->string_is_key = true;
			cc->text_len = 0;
			cc->text_long = false;
			cc->state = CS_STRING;
		} else if (ch == '}') {
			cc_close(cc, '{');
		} else {
			cc_fail(cc, "a key is not a string");
		}
		return;
	case CS_AFTER:
		if (ch == ',')
			cc->state = cc->stack[cc->depth].kind == '{' ? CS_KEY
								     : CS_VALUE;
		else if (ch == '}' || ch == ']')
			cc_close(cc, ch == '}' ? '{' : '[');
		else
			cc_fail(cc, "no ',' between values");
		return;
	default: /* CS_VALUE */
		break;
	}
	if (ch == '{' || ch == '[') {
		cc_open(cc, ch);
	} else if (ch == ']') {
		cc_close(cc, '[');
	} else if (ch == '"') {
		cc_value(cc, true);
		cc->string_is_key = false;
		cc->text_len = 0;
		cc->text_long = false;
		cc->state = CS_STRING;
	} else if (ch != '\0' && strchr("-0123456789tfn", ch) != NULL) {
		cc_value(cc, false);
		cc->lit = ch == 't'   ? "true"
			  : ch == 'f' ? "false"
			  : ch == 'n' ? "null"
				      : NULL;
		cc->lit_pos = 1;
		cc->state = CS_SCALAR;
	} else {
		cc_fail(cc, "not JSON");
	}
}

/* One byte of the document. */
static void cc_byte(ev__ctrf_counter *cc, unsigned char ch)
{
	switch (cc->state) {
	case CS_STRING:
		if (ch == '"')
			cc_string_end(cc);
		else if (ch == '\\')
			cc->state = CS_ESCAPE;
		else if (ch < 0x20)
			cc_fail(cc, "a control byte in a string");
		else
			cc_text_put(cc, (char)ch);
		return;
	case CS_ESCAPE:
		if (ch == 'u') {
			cc->uni_left = 4;
			cc->uni_val = 0;
			cc->state = CS_UNICODE;
			return;
		}
		if (ch == '\0' || strchr("\"\\/bfnrt", ch) == NULL)
			cc_fail(cc, "a bad escape in a string");
		/* decoded as a reader decodes it ("p\u0061ssed" is passed) */
		cc_text_put(cc, ch == 'b'   ? '\b'
				: ch == 'f' ? '\f'
				: ch == 'n' ? '\n'
				: ch == 'r' ? '\r'
				: ch == 't' ? '\t'
					    : (char)ch);
		cc->state = CS_STRING;
		return;
	case CS_UNICODE:
		if (ch >= '0' && ch <= '9')
			cc->uni_val = cc->uni_val << 4 | (unsigned)(ch - '0');
		else if ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f')
			cc->uni_val = cc->uni_val << 4 |
				      (unsigned)((ch | 0x20) - 'a' + 10);
		else
			cc_fail(cc, "a bad \\u escape");
		if (--cc->uni_left == 0) {
			if (cc->uni_val == 0) /* as the emitter's parser */
				cc_fail(cc, "a \\u0000 in a string");
			cc_text_utf8(cc, cc->uni_val);
			cc->state = CS_STRING;
		}
		return;
	case CS_SCALAR:
		if (cc->lit != NULL && cc->lit[cc->lit_pos] != '\0') {
			if (ch != (unsigned char)cc->lit[cc->lit_pos++])
				cc_fail(cc, "not JSON (a bad literal)");
			return;
		}
		if (cc->lit == NULL && ch != '\0' &&
		    strchr("+-.0123456789eE", ch) != NULL)
			return;
		cc->state = cc->depth < 0 ? CS_DONE : CS_AFTER;
		break;
	default:
		break;
	}
	cc_structural(cc, (char)ch);
}

void ev__ctrf_counter_feed(ev__ctrf_counter *cc, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len && !cc->failed; i++)
		cc_byte(cc, p[i]);
}

int ev__ctrf_counter_finish(ev__phase *out, ev__ctrf_counter *cc, ae_err *err)
{
	memset(out, 0, sizeof(*out));
	if (cc->state == CS_SCALAR && cc->depth < 0 &&
	    (cc->lit == NULL || cc->lit[cc->lit_pos] == '\0'))
		cc->state = CS_DONE;
	if (!cc->failed && cc->state != CS_DONE)
		cc_fail(cc, "the document is cut short");
	if (!cc->failed && !cc->have_tests)
		cc_fail(cc, "no results.tests array");
	if (cc->failed)
		return ae_fail(err, AE_EINVAL, "not a CTRF report (%s)",
			       cc->why);
	out->present = true;
	out->passed = cc->c[1];
	out->failed = cc->c[2];
	out->skipped = cc->c[3];
	out->pending = cc->c[4];
	out->other = cc->c[5];
	return 0;
}
