/* evidence/ctrf_count.c -- the tests of a shipped CTRF report, counted as
 * the bytes stream by (verify)
 *
 * verify holds a bundle's phase counts (the signed predicate) against the
 * tests of ctrf/<phase>.json, which it hashes anyway: a predicate that says
 * "0 failed" over a report whose test failed is refused whoever made it
 * (issue 24 item 1). A --full report can be far larger than what is sane to
 * parse into a tree, so this is a streaming JSON scanner fed the same
 * chunks the hash sees (one read, no window for the file to change between
 * hashing and counting); its state is a fixed stack of AE_JSON_MAX_DEPTH
 * frames plus the keys of the objects open at the moment (for the
 * duplicate-key rule).
 *
 * It accepts exactly what emit accepts (ae_json_parse, then ev__ctrf_count
 * in ctrf.c): the JSON grammar as jansson reads it -- no trailing comma, no
 * leading zero, a number that fits (an integer in int64, a real short of
 * infinity), UTF-8 that is well formed, no lone surrogate escape, no
 * \u0000, no key twice in one object, nesting at most AE_JSON_MAX_DEPTH;
 * then the report's rules -- results.tests an array of objects each with a
 * string name and a string status, a reportFormat (when given) of "CTRF", a
 * key the reference's reader (Go's encoding/json, which ignores case)
 * would take for a field this tool counts or publishes spelled exactly so
 * (the lists below, which ctrf.c reads too), and a summary (when given)
 * whose counts are those of the tests it ships with. Escapes are decoded
 * before a key or a status is compared. The unit test and the ctrfscrub
 * fuzz target hold the two readers to one answer on every input.
 */
#include "evidence/internal.h"
#include "evidence/evidence.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The fields this tool counts or publishes, by object: in each, a key the
 * reference's reader (Go's encoding/json: case ignored, U+017F and U+212A
 * read as s and k) would take for one of them must be that field spelled
 * exactly. Else {"status":"passed","Status":"failed"} is a pass here and a
 * failure to that reader, and a "Results" block beside "results" holds the
 * tests it reads (issue 24: results that cannot be misstated). */
const char *const ev__ctrf_read_root[] = {"reportFormat", "specVersion",
					  "timestamp",	  "generatedBy",
					  "results",	  NULL};
const char *const ev__ctrf_read_results[] = {"tool", "summary", "tests",
					     "environment", NULL};
const char *const ev__ctrf_read_tool[] = {"name", "version", "image", NULL};
const char *const ev__ctrf_read_summary[] = {"tests",	"passed",  "failed",
					     "skipped", "pending", "other",
					     "start",	"stop",	   NULL};
const char *const ev__ctrf_read_test[] = {
	"name", "status", "duration", "suite", "extra", "runtimeProvenance",
	NULL};
const char *const ev__ctrf_read_extra[] = {"nodesValidated", "nodesTotal",
					   "skipReason", "runtimeSource", NULL};
const char *const ev__ctrf_read_prov[] = {"shippedDigest", "derivedDigest",
					  "overriddenPaths", "inheritedPaths",
					  NULL};

/* What a container is. */
enum {
	CC_OTHER,
	CC_ROOT,    /* the top-level object */
	CC_RESULTS, /* root.results */
	CC_TESTS,   /* results.tests */
	CC_TEST,    /* one test */
	CC_TOOL,    /* results.tool */
	CC_SUMMARY, /* results.summary */
	CC_EXTRA,   /* a test's extra */
	CC_PROV,    /* a test's runtimeProvenance */
};

/* What a key is in its object (spelled exactly). */
enum {
	K_OTHER,
	K_RESULTS, /* root */
	K_FORMAT,
	K_TESTS, /* results */
	K_TOOL,
	K_SUMMARY,
	K_NAME, /* a test */
	K_STATUS,
	K_EXTRA,
	K_PROV,
	K_IMAGE, /* results.tool */
	K_COUNT, /* summary: K_COUNT + i for ev__ctrf_counts[i] */
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
	CS_LITERAL, /* true, false, null */
	CS_NUMBER,  /* a number */
	CS_DONE,    /* the document ended: only white space may follow */
};

/* Where a number is (RFC 8259 §6). */
enum { N_SIGN, N_ZERO, N_INT, N_DOT, N_FRAC, N_E, N_ESIGN, N_EXP };

#define CC_TEXT 16 /* value bytes kept: longer ones match nothing */
#define CC_DIGITS                                                              \
	800 /* significant digits kept of a real: enough for                   \
	     * strtod to round exactly as on all of them */

typedef struct cc_frame {
	char kind; /* '{' or '[' */
	unsigned char role;
	unsigned char key;  /* the current key, K_* */
	unsigned char seen; /* in a test: 1 name, 2 status */
	bool need;	    /* after ',': a key or value must follow */
	char **keys;	    /* the object's keys so far (owned) */
	size_t nkeys;
	ae_strset set; /* the same, for the duplicate check */
} cc_frame;

typedef struct cc_number {
	int at; /* N_* */
	bool neg, real, over;
	uint64_t ival;
	char digits[CC_DIGITS + 1];
	size_t ndigits;
	int64_t dexp, exp; /* saturated */
	bool exp_neg;
} cc_number;

struct ev__ctrf_counter {
	cc_frame stack[AE_JSON_MAX_DEPTH + 1];
	int depth;
	int state;
	bool string_is_key;
	char text[CC_TEXT + 1]; /* a value string's first bytes, decoded */
	size_t text_len;
	bool text_long;
	ae_buf key; /* a key, decoded, whole */
	int uni_left;
	unsigned uni_val;
	unsigned hi_surrogate; /* a \uD800-\uDBFF awaiting its pair */
	int utf8_need;	       /* continuation bytes still due */
	uint32_t utf8_cp, utf8_min;
	const char *lit; /* the literal being read (true, false, null) */
	size_t lit_pos;
	cc_number num;
	bool have_tests;   /* results.tests seen as an array */
	bool have_summary; /* results.summary seen as an object */
	int64_t c[6];	   /* tests, passed, failed, skipped, pending, other */
	int64_t said[6];   /* the summary's counts, absent 0 */
	bool failed;
	char why[128];
};

/* NULL-ended: cc_index walks it to the NULL (ASan caught a read past
 * the sixth name when it had none). */
const char *const ev__ctrf_counts[7] = {
	"tests", "passed", "failed", "skipped", "pending", "other", NULL};

int ev__ctrf_counter_new(ev__ctrf_counter **out, ae_err *err)
{
	*out = calloc(1, sizeof(**out));
	if (*out == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	(*out)->depth = -1;
	(*out)->key = (ae_buf)AE_BUF_INIT(EV_CTRF_MAX_BYTES);
	return 0;
}

static void cc_frame_dispose(cc_frame *f)
{
	for (size_t i = 0; i < f->nkeys; i++)
		free(f->keys[i]);
	free(f->keys);
	ae_strset_dispose(&f->set);
	memset(f, 0, sizeof(*f));
}

void ev__ctrf_counter_free(ev__ctrf_counter *cc)
{
	if (cc == NULL)
		return;
	for (int i = 0; i <= cc->depth; i++)
		cc_frame_dispose(&cc->stack[i]);
	ae_buf_dispose(&cc->key);
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

/* The index of `key` in the NULL-ended `names`, -1 if none. */
static int cc_index(const char *const *names, const char *key)
{
	for (int i = 0; names[i] != NULL; i++)
		if (strcmp(names[i], key) == 0)
			return i;
	return -1;
}

/* The fields read in an object of `role`, NULL for one nobody reads. */
static const char *const *cc_read(unsigned char role)
{
	switch (role) {
	case CC_ROOT:
		return ev__ctrf_read_root;
	case CC_RESULTS:
		return ev__ctrf_read_results;
	case CC_TOOL:
		return ev__ctrf_read_tool;
	case CC_SUMMARY:
		return ev__ctrf_read_summary;
	case CC_TEST:
		return ev__ctrf_read_test;
	case CC_EXTRA:
		return ev__ctrf_read_extra;
	case CC_PROV:
		return ev__ctrf_read_prov;
	default:
		return NULL;
	}
}

/* The code of the key just read in object `f`, after the rules every
 * reader of the report holds: given once, and spelled as the field a
 * case-ignoring reader would take it for. */
static unsigned char cc_key(ev__ctrf_counter *cc, cc_frame *f)
{
	const char *key = (const char *)cc->key.data;
	size_t len = cc->key.len;
	const char *const *names = cc_read(f->role);
	char **keys, *copy, why[128];
	int rc, i;

	if (ae_strset_has(&f->set, key)) {
		cc_fail(cc, f->role == CC_TEST && (strcmp(key, "name") == 0 ||
						   strcmp(key, "status") == 0)
				    ? "a test repeats its name or status"
				    : "a key is given twice in one object");
		return K_OTHER;
	}
	keys = realloc(f->keys, (f->nkeys + 1) * sizeof(*keys));
	copy = keys != NULL ? strdup(key) : NULL;
	if (keys != NULL)
		f->keys = keys;
	rc = copy != NULL ? ae_strset_add(&f->set, copy, NULL) : AE_ERR;
	if (rc < 0) {
		free(copy);
		cc_fail(cc, "out of memory");
		return K_OTHER;
	}
	f->keys[f->nkeys++] = copy;
	for (i = 0; names != NULL && names[i] != NULL; i++) {
		if (strcmp(key, names[i]) != 0 &&
		    ev__key_folds_to(key, len, names[i])) {
			snprintf(why, sizeof(why),
				 "a key is spelled like \"%s\" but is not it",
				 names[i]);
			cc_fail(cc, why);
			return K_OTHER;
		}
	}
	switch (f->role) {
	case CC_ROOT:
		return strcmp(key, "results") == 0	  ? K_RESULTS
		       : strcmp(key, "reportFormat") == 0 ? K_FORMAT
							  : K_OTHER;
	case CC_RESULTS:
		return strcmp(key, "tests") == 0     ? K_TESTS
		       : strcmp(key, "tool") == 0    ? K_TOOL
		       : strcmp(key, "summary") == 0 ? K_SUMMARY
						     : K_OTHER;
	case CC_TEST:
		return strcmp(key, "name") == 0		       ? K_NAME
		       : strcmp(key, "status") == 0	       ? K_STATUS
		       : strcmp(key, "extra") == 0	       ? K_EXTRA
		       : strcmp(key, "runtimeProvenance") == 0 ? K_PROV
							       : K_OTHER;
	case CC_TOOL:
		return strcmp(key, "image") == 0 ? K_IMAGE : K_OTHER;
	case CC_SUMMARY:
		i = cc_index(ev__ctrf_counts, key);
		return i < 0 ? K_OTHER : (unsigned char)(K_COUNT + i);
	default:
		return K_OTHER;
	}
}

/* The role of a container opened as a value of the current frame. */
static unsigned char cc_role(const ev__ctrf_counter *cc, char kind)
{
	const cc_frame *p = cc->depth >= 0 ? &cc->stack[cc->depth] : NULL;

	if (p == NULL)
		return kind == '{' ? CC_ROOT : CC_OTHER;
	if (p->role == CC_TESTS)
		return kind == '{' ? CC_TEST : CC_OTHER;
	if (kind != '{' || p->kind != '{')
		return p->role == CC_RESULTS && p->key == K_TESTS && kind == '['
			       ? CC_TESTS
			       : CC_OTHER;
	switch (p->role) {
	case CC_ROOT:
		return p->key == K_RESULTS ? CC_RESULTS : CC_OTHER;
	case CC_RESULTS:
		return p->key == K_TOOL	     ? CC_TOOL
		       : p->key == K_SUMMARY ? CC_SUMMARY
					     : CC_OTHER;
	case CC_TEST:
		return p->key == K_EXTRA  ? CC_EXTRA
		       : p->key == K_PROV ? CC_PROV
					  : CC_OTHER;
	default:
		return CC_OTHER;
	}
}

/* A value of the current frame starts; `type` is '{', '[', '"', '0' (a
 * number) or 'l' (a literal). What the report's rules say of its type. */
static void cc_value(ev__ctrf_counter *cc, char type)
{
	cc_frame *f = cc->depth >= 0 ? &cc->stack[cc->depth] : NULL;

	if (f == NULL) {
		if (type != '{')
			cc_fail(cc, "the report is not an object");
		return;
	}
	if (f->role == CC_TESTS && type != '{')
		cc_fail(cc, "a test is not an object");
	if (f->kind != '{')
		return;
	if (f->role == CC_TEST && (f->key == K_NAME || f->key == K_STATUS)) {
		if (type != '"')
			cc_fail(cc, "a test's name or status is not a string");
		f->seen |= f->key == K_STATUS ? 2 : 1;
	}
	if (f->role == CC_ROOT && f->key == K_FORMAT && type != '"')
		cc_fail(cc, "reportFormat is not \"CTRF\"");
	if (f->role == CC_RESULTS && f->key == K_SUMMARY && type != '{')
		cc_fail(cc, "the summary is not an object");
	if (f->role == CC_TOOL && f->key == K_IMAGE && type != '"')
		cc_fail(cc, "results.tool.image is not a string");
	if (f->role == CC_SUMMARY && f->key >= K_COUNT && type != '0')
		cc_fail(cc, "a summary count is not a count");
}

/* A string ended: a key, or a value (a test's status is counted). */
static void cc_string_end(ev__ctrf_counter *cc)
{
	cc_frame *f = cc->depth >= 0 ? &cc->stack[cc->depth] : NULL;
	int idx;

	if (cc->hi_surrogate != 0 || cc->utf8_need != 0) {
		cc_fail(cc, "a string ends inside a character");
		return;
	}
	if (cc->string_is_key) {
		if (ae_buf_put(&cc->key, "", 1, NULL) < 0) {
			cc_fail(cc, "a key is too long");
			return;
		}
		cc->key.len--; /* NUL-terminated, not counted */
		f->key = cc_key(cc, f);
		cc->state = CS_COLON;
		return;
	}
	cc->text[cc->text_len] = '\0';
	if (f != NULL && f->role == CC_TEST && f->key == K_STATUS) {
		idx = cc->text_long ? -1 : cc_index(ev__ctrf_counts, cc->text);
		cc->c[idx >= 1 ? idx : 5]++;
	}
	if (f != NULL && f->role == CC_ROOT && f->key == K_FORMAT &&
	    (cc->text_long || strcmp(cc->text, "CTRF") != 0))
		cc_fail(cc, "reportFormat is not \"CTRF\"");
	cc->state = CS_AFTER;
}

static void cc_text_put(ev__ctrf_counter *cc, char ch)
{
	if (cc->string_is_key) {
		if (ae_buf_put(&cc->key, &ch, 1, NULL) < 0)
			cc_fail(cc, "a key is too long");
	} else if (cc->text_len < CC_TEXT) {
		cc->text[cc->text_len++] = ch;
	} else {
		cc->text_long = true;
	}
}

/* The code point of a \\u escape (or a surrogate pair), as UTF-8. */
static void cc_text_utf8(ev__ctrf_counter *cc, uint32_t u)
{
	if (u < 0x80) {
		cc_text_put(cc, (char)u);
	} else if (u < 0x800) {
		cc_text_put(cc, (char)(0xC0 | u >> 6));
		cc_text_put(cc, (char)(0x80 | (u & 0x3F)));
	} else if (u < 0x10000) {
		cc_text_put(cc, (char)(0xE0 | u >> 12));
		cc_text_put(cc, (char)(0x80 | (u >> 6 & 0x3F)));
		cc_text_put(cc, (char)(0x80 | (u & 0x3F)));
	} else {
		cc_text_put(cc, (char)(0xF0 | u >> 18));
		cc_text_put(cc, (char)(0x80 | (u >> 12 & 0x3F)));
		cc_text_put(cc, (char)(0x80 | (u >> 6 & 0x3F)));
		cc_text_put(cc, (char)(0x80 | (u & 0x3F)));
	}
}

static void cc_open(ev__ctrf_counter *cc, char kind)
{
	unsigned char role = cc_role(cc, kind); /* from the parent frame */
	cc_frame *f;

	cc_value(cc, kind);
	if (cc->depth + 1 >= AE_JSON_MAX_DEPTH) {
		cc_fail(cc, "nested too deep");
		return;
	}
	f = &cc->stack[++cc->depth];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->role = role;
	if (f->role == CC_TESTS)
		cc->have_tests = true;
	if (f->role == CC_SUMMARY)
		cc->have_summary = true;
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
	if (f->need) {
		cc_fail(cc, "a trailing comma");
		return;
	}
	if (f->role == CC_TEST && f->seen != 3)
		cc_fail(cc, "a test has no name or status");
	cc_frame_dispose(f);
	cc->depth--;
	cc->state = cc->depth < 0 ? CS_DONE : CS_AFTER;
}

static bool cc_space(unsigned char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

static void cc_number_start(ev__ctrf_counter *cc, unsigned char ch)
{
	cc_number *n = &cc->num;

	memset(n, 0, offsetof(cc_number, digits));
	n->ndigits = 0;
	n->dexp = n->exp = 0;
	n->exp_neg = false;
	cc_value(cc, '0');
	cc->state = CS_NUMBER;
	if (ch == '-') {
		n->neg = true;
		n->at = N_SIGN;
		return;
	}
	n->at = ch == '0' ? N_ZERO : N_INT;
	if (ch != '0') {
		n->ival = (uint64_t)(ch - '0');
		n->digits[n->ndigits++] = (char)ch;
	}
}

/* A digit of the integer part (past a leading zero). */
static void cc_number_int_digit(cc_number *n, unsigned char ch)
{
	uint64_t d = (uint64_t)(ch - '0');

	if (n->ival > (UINT64_MAX - d) / 10)
		n->over = true;
	else
		n->ival = n->ival * 10 + d;
	if (n->ndigits < CC_DIGITS)
		n->digits[n->ndigits++] = (char)ch;
	else if (n->dexp < INT32_MAX)
		n->dexp++;
}

static void cc_number_frac_digit(cc_number *n, unsigned char ch)
{
	if (n->ndigits == 0 && ch == '0') {
		if (n->dexp > INT32_MIN)
			n->dexp--;
	} else if (n->ndigits < CC_DIGITS) {
		n->digits[n->ndigits++] = (char)ch;
		n->dexp--;
	}
}

/* The number ended: jansson refuses an integer past int64 and a real
 * that overflows to infinity (an underflow reads as 0). Its value goes to
 * the summary when it is one of the summary's counts. */
static void cc_number_end(ev__ctrf_counter *cc)
{
	cc_number *n = &cc->num;
	cc_frame *f = &cc->stack[cc->depth];
	char text[CC_DIGITS + 48];
	uint64_t limit = n->neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;

	if (!n->real) {
		if (n->over || n->ival > limit) {
			cc_fail(cc, "an integer too big");
			return;
		}
	} else {
		int64_t e = n->exp_neg ? -n->exp : n->exp;
		double v;
		snprintf(text, sizeof(text), "%s%.*se%lld", n->neg ? "-" : "",
			 (int)(n->ndigits ? n->ndigits : 1),
			 n->ndigits ? n->digits : "0",
			 (long long)(e + n->dexp));
		errno = 0;
		v = strtod(text, NULL);
		if (isinf(v)) {
			cc_fail(cc, "a real number overflows");
			return;
		}
	}
	if (f->role == CC_SUMMARY && f->key >= K_COUNT) {
		if (n->real || (n->neg && n->ival != 0))
			cc_fail(cc, "a summary count is not a count");
		else
			cc->said[f->key - K_COUNT] = (int64_t)n->ival;
	}
}

/* One byte of a number; false when it is not one (the number ended, or
 * is malformed: then the counter failed). */
static bool cc_number_byte(ev__ctrf_counter *cc, unsigned char ch)
{
	cc_number *n = &cc->num;
	bool digit = ch >= '0' && ch <= '9';

	switch (n->at) {
	case N_SIGN:
		if (!digit)
			break;
		n->at = ch == '0' ? N_ZERO : N_INT;
		if (ch != '0')
			cc_number_int_digit(n, ch);
		return true;
	case N_ZERO:
	case N_INT:
		if (digit && n->at == N_INT) {
			cc_number_int_digit(n, ch);
			return true;
		}
		if (digit)
			break; /* a leading zero */
		if (ch == '.' || ch == 'e' || ch == 'E') {
			n->real = true;
			n->at = ch == '.' ? N_DOT : N_E;
			return true;
		}
		cc_number_end(cc);
		return false;
	case N_DOT:
	case N_FRAC:
		if (digit) {
			cc_number_frac_digit(n, ch);
			n->at = N_FRAC;
			return true;
		}
		if (n->at == N_DOT)
			break;
		if (ch == 'e' || ch == 'E') {
			n->at = N_E;
			return true;
		}
		cc_number_end(cc);
		return false;
	case N_E:
		if (ch == '+' || ch == '-') {
			n->exp_neg = ch == '-';
			n->at = N_ESIGN;
			return true;
		}
		/* fall through */
	case N_ESIGN:
	case N_EXP:
		if (digit) {
			if (n->exp < INT32_MAX)
				n->exp = n->exp * 10 + (ch - '0');
			n->at = N_EXP;
			return true;
		}
		if (n->at != N_EXP)
			break;
		cc_number_end(cc);
		return false;
	default:
		break;
	}
	cc_fail(cc, "a malformed number");
	return false;
}

/* One byte outside strings and scalars. */
static void cc_structural(ev__ctrf_counter *cc, unsigned char ch)
{
	cc_frame *f = cc->depth >= 0 ? &cc->stack[cc->depth] : NULL;

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
			f->need = false;
			cc->string_is_key = true;
			cc->key.len = 0;
			cc->state = CS_STRING;
		} else if (ch == '}') {
			cc_close(cc, '{');
		} else {
			cc_fail(cc, "a key is not a string");
		}
		return;
	case CS_AFTER:
		if (ch == ',') {
			f->need = true;
			cc->state = f->kind == '{' ? CS_KEY : CS_VALUE;
		} else if (ch == '}' || ch == ']') {
			cc_close(cc, ch == '}' ? '{' : '[');
		} else {
			cc_fail(cc, "no ',' between values");
		}
		return;
	default: /* CS_VALUE */
		break;
	}
	if (ch == ']') {
		cc_close(cc, '[');
		return;
	}
	if (f != NULL)
		f->need = false;
	if (ch == '{' || ch == '[') {
		cc_open(cc, (char)ch);
	} else if (ch == '"') {
		cc_value(cc, '"');
		cc->string_is_key = false;
		cc->text_len = 0;
		cc->text_long = false;
		cc->state = CS_STRING;
	} else if (ch == '-' || (ch >= '0' && ch <= '9')) {
		cc_number_start(cc, ch);
	} else if (ch == 't' || ch == 'f' || ch == 'n') {
		cc_value(cc, 'l');
		cc->lit = ch == 't' ? "true" : ch == 'f' ? "false" : "null";
		cc->lit_pos = 1;
		cc->state = CS_LITERAL;
	} else {
		cc_fail(cc, "not JSON");
	}
}

/* A byte of a string that is not an escape: UTF-8 as jansson takes it
 * (RFC 3629: no overlong form, no surrogate, nothing past U+10FFFF). */
static void cc_string_byte(ev__ctrf_counter *cc, unsigned char ch)
{
	if (cc->utf8_need > 0) {
		if ((ch & 0xC0) != 0x80) {
			cc_fail(cc, "malformed UTF-8 in a string");
			return;
		}
		cc->utf8_cp = cc->utf8_cp << 6 | (ch & 0x3F);
		if (--cc->utf8_need == 0 &&
		    (cc->utf8_cp < cc->utf8_min || cc->utf8_cp > 0x10FFFF ||
		     (cc->utf8_cp >= 0xD800 && cc->utf8_cp <= 0xDFFF))) {
			cc_fail(cc, "malformed UTF-8 in a string");
			return;
		}
	} else if (ch >= 0x80) {
		int need = ch >= 0xC2 && ch <= 0xDF   ? 1
			   : ch >= 0xE0 && ch <= 0xEF ? 2
			   : ch >= 0xF0 && ch <= 0xF4 ? 3
						      : 0;
		if (need == 0) {
			cc_fail(cc, "malformed UTF-8 in a string");
			return;
		}
		cc->utf8_need = need;
		cc->utf8_cp = ch & (0x3F >> need);
		cc->utf8_min = need == 1 ? 0x80 : need == 2 ? 0x800 : 0x10000;
	} else if (ch < 0x20) {
		cc_fail(cc, "a control byte in a string");
		return;
	}
	cc_text_put(cc, (char)ch);
}

/* The four hex digits of a \\u escape are in: a character, or half of a
 * surrogate pair (a lone half is refused, as jansson refuses it). */
static void cc_unicode_end(ev__ctrf_counter *cc)
{
	unsigned u = cc->uni_val;

	cc->state = CS_STRING;
	if (cc->hi_surrogate != 0) {
		if (u < 0xDC00 || u > 0xDFFF) {
			cc_fail(cc, "a lone surrogate escape");
			return;
		}
		cc_text_utf8(cc, 0x10000 + ((cc->hi_surrogate - 0xD800) << 10) +
					 (u - 0xDC00));
		cc->hi_surrogate = 0;
		return;
	}
	if (u >= 0xDC00 && u <= 0xDFFF)
		cc_fail(cc, "a lone surrogate escape");
	else if (u >= 0xD800 && u <= 0xDBFF)
		cc->hi_surrogate = u;
	else if (u == 0) /* as the emitter's parser */
		cc_fail(cc, "a \\u0000 in a string");
	else
		cc_text_utf8(cc, u);
}

/* One byte of the document. */
static void cc_byte(ev__ctrf_counter *cc, unsigned char ch)
{
	switch (cc->state) {
	case CS_STRING:
		if (cc->hi_surrogate != 0 && ch != '\\') {
			cc_fail(cc, "a lone surrogate escape");
		} else if (cc->utf8_need > 0) {
			cc_string_byte(cc, ch);
		} else if (ch == '"') {
			cc_string_end(cc);
		} else if (ch == '\\') {
			cc->state = CS_ESCAPE;
		} else {
			cc_string_byte(cc, ch);
		}
		return;
	case CS_ESCAPE:
		if (ch == 'u') {
			cc->uni_left = 4;
			cc->uni_val = 0;
			cc->state = CS_UNICODE;
			return;
		}
		if (cc->hi_surrogate != 0 || ch == '\0' ||
		    strchr("\"\\/bfnrt", ch) == NULL) {
			cc_fail(cc, "a bad escape in a string");
			return;
		}
		/* decoded as a reader decodes it ("p\u0061ssed" is passed) */
		cc_text_put(cc, ch == 'b'   ? '\b'
				: ch == 'f' ? '\f'
				: ch == 'n' ? '\n'
				: ch == 'r' ? '\r'
				: ch == 't' ? '\t'
					    : (char)ch);
		cc->state = CS_STRING;
		return;
	case CS_UNICODE: {
		int d = ae_hex_digit((char)ch);
		if (d >= 0)
			cc->uni_val = cc->uni_val << 4 | (unsigned)d;
		else
			cc_fail(cc, "a bad \\u escape");
		if (--cc->uni_left == 0)
			cc_unicode_end(cc);
		return;
	}
	case CS_LITERAL:
		if (cc->lit[cc->lit_pos] != '\0') {
			if (ch != (unsigned char)cc->lit[cc->lit_pos++])
				cc_fail(cc, "not JSON (a bad literal)");
			return;
		}
		cc->state = CS_AFTER;
		break;
	case CS_NUMBER:
		if (cc_number_byte(cc, ch) || cc->failed)
			return;
		cc->state = CS_AFTER;
		break;
	default:
		break;
	}
	cc_structural(cc, ch);
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
	if (!cc->failed && cc->state != CS_DONE)
		cc_fail(cc, "the document is cut short");
	if (!cc->failed && !cc->have_tests)
		cc_fail(cc, "no results.tests array");
	for (int i = 0; !cc->failed && cc->have_summary && i < 6; i++) {
		char why[128];
		if (cc->said[i] == cc->c[i])
			continue;
		snprintf(why, sizeof(why),
			 "the summary says %lld %s, the tests %lld",
			 (long long)cc->said[i], ev__ctrf_counts[i],
			 (long long)cc->c[i]);
		cc_fail(cc, why);
	}
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
