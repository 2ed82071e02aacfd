/* evidence/recipe_emit.c -- yaml.Marshal of a node tree, byte for byte
 *
 * The reference's recipe digest is the SHA-256 of what Go's gopkg.in/yaml.v3
 * (v3.0.1) writes for the recipe's node tree (docs/formats.md "Recipe
 * digest"), so this file writes exactly those bytes. yaml.v3's emitter is a
 * port of libyaml's with its own changes, and the rules below are its rules,
 * learned from its behaviour and held to it by the Go oracle of the tests
 * (tests/oracle, tests/e2e/test_recipe_digest.sh, tests/fuzz/digest_fuzz.c):
 *
 * - indent 4; a block sequence is indented under its mapping key; an item
 *   of a block sequence indents its content by 2 (past "- ");
 * - no line width: yaml.v3 leaves the width unset, which means unbounded;
 * - a scalar keeps its style when the style can hold the text, else falls
 *   back (plain -> single-quoted -> double-quoted; literal/folded ->
 *   double-quoted); a plain scalar holding a line break is written literal;
 * - double quotes escape what is not printable, line breaks, '"' and '\';
 *   and, for a text that starts with U+FEFF, every character (yaml.v3 tests
 *   for the mark at the start of the text at every position);
 * - block scalars carry an indentation indicator when the text starts with
 *   a space or a break, "-" when it does not end in a break, "+" when it
 *   ends in two; the folded writer tests the text's *first* characters for
 *   breaks where it means the next ones, which doubles most breaks;
 * - empty collections are written in flow style, flow collections stay
 *   flow; an empty plain scalar is written as nothing, or as '' where
 *   nothing would not parse (a flow item, a key);
 * - a key longer than 128 bytes or holding a break is written "? key";
 * - explicit tags are written with the "!" and "!!" handles, or verbatim.
 *
 * The emitter's state (column, indentation, "just wrote whitespace", "still
 * in the indentation") is the library's, since every choice above depends
 * on it. The tree has no anchors, aliases or comments (recipe_tree.c).
 */
#include "evidence/internal.h"

#include <string.h>

#define EM_INDENT	  4 /* yaml.v3's default indent */
#define EM_SIMPLE_KEY_MAX 128

typedef struct em {
	ae_buf *out;
	ae_err *err;
	int rc;		/* first failure; later writes do nothing */
	long indent;	/* current indentation, -1 before the root */
	int flow_level; /* depth inside flow collections */
	long column;
	bool whitespace; /* the last thing written was whitespace */
	bool indention;	 /* nothing but indentation on this line yet */
} em;

/* Where a node sits: it decides the indentation step and the styles. */
typedef struct em_ctx {
	bool root;
	bool simple_key; /* a key written without "? " */
	bool block_item; /* an item of a block sequence */
} em_ctx;

/* What the text of a scalar allows (libyaml's scalar analysis). */
typedef struct em_scan {
	bool multiline;
	bool flow_plain;
	bool block_plain;
	bool single_quoted;
	bool block;
} em_scan;

/* ---- characters (UTF-8; the parser guarantees valid text) ---- */

static unsigned char at(const char *s, size_t len, size_t i)
{
	return i < len ? (unsigned char)s[i] : 0;
}

static size_t utf8_width(unsigned char c)
{
	if ((c & 0x80) == 0)
		return 1;
	if ((c & 0xE0) == 0xC0)
		return 2;
	if ((c & 0xF0) == 0xE0)
		return 3;
	if ((c & 0xF8) == 0xF0)
		return 4;
	return 1; /* not reached with valid UTF-8 */
}

static bool is_space(const char *s, size_t len, size_t i)
{
	return at(s, len, i) == ' ';
}

static bool is_blank(const char *s, size_t len, size_t i)
{
	return at(s, len, i) == ' ' || at(s, len, i) == '\t';
}

/* LF, CR, NEL (U+0085), LS (U+2028), PS (U+2029). */
static bool is_break(const char *s, size_t len, size_t i)
{
	unsigned char c = at(s, len, i);

	return c == '\n' || c == '\r' ||
	       (c == 0xC2 && at(s, len, i + 1) == 0x85) ||
	       (c == 0xE2 && at(s, len, i + 1) == 0x80 &&
		(at(s, len, i + 2) == 0xA8 || at(s, len, i + 2) == 0xA9));
}

/* Blank, break, or the end of the text. */
static bool is_blankz(const char *s, size_t len, size_t i)
{
	return i >= len || is_blank(s, len, i) || is_break(s, len, i);
}

/* The characters YAML may show as they are: LF, printable ASCII and the
 * BMP above U+009F except surrogates, U+FEFF, U+FFFE and U+FFFF. Beyond
 * the BMP nothing is (yaml.v3 escapes an emoji as \U0001F600). */
static bool is_printable(const char *s, size_t len, size_t i)
{
	unsigned char c = at(s, len, i), d = at(s, len, i + 1),
		      e = at(s, len, i + 2);

	return c == 0x0A || (c >= 0x20 && c <= 0x7E) ||
	       (c == 0xC2 && d >= 0xA0) || (c > 0xC2 && c < 0xED) ||
	       (c == 0xED && d < 0xA0) || c == 0xEE ||
	       (c == 0xEF && !(d == 0xBB && e == 0xBF) &&
		!(d == 0xBF && (e == 0xBE || e == 0xBF)));
}

/* ---- output ---- */

static void em_raw(em *e, const void *p, size_t n)
{
	if (e->rc == 0)
		e->rc = ae_buf_put(e->out, p, n, e->err);
}

static void em_put(em *e, char c)
{
	em_raw(e, &c, 1);
	e->column++;
}

static void em_put_break(em *e)
{
	em_raw(e, "\n", 1);
	e->column = 0;
	e->indention = true;
}

/* Copies the character at s[*i] and steps over it. */
static void em_write(em *e, const char *s, size_t len, size_t *i)
{
	size_t w = utf8_width(at(s, len, *i));

	if (*i + w > len)
		w = len - *i;
	em_raw(e, s + *i, w);
	e->column++;
	*i += w;
}

static void em_write_all(em *e, const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n;)
		em_write(e, s, n, &i);
}

/* A break of the text: LF as the line break, the others copied as they
 * are, each ending the line. */
static void em_write_break(em *e, const char *s, size_t len, size_t *i)
{
	if (s[*i] == '\n') {
		em_put_break(e);
		(*i)++;
		return;
	}
	em_write(e, s, len, i);
	e->column = 0;
	e->indention = true;
}

/* Moves to the current indentation, on a new line unless the line holds
 * only indentation so far. */
static void em_write_indent(em *e)
{
	long indent = e->indent < 0 ? 0 : e->indent;

	if (!e->indention || e->column > indent ||
	    (e->column == indent && !e->whitespace))
		em_put_break(e);
	while (e->column < indent)
		em_put(e, ' ');
	e->whitespace = true;
}

static void em_indicator(em *e, const char *ind, bool need_ws, bool is_ws,
			 bool is_indention)
{
	if (need_ws && !e->whitespace)
		em_put(e, ' ');
	em_write_all(e, ind);
	e->whitespace = is_ws;
	e->indention = e->indention && is_indention;
}

/* One indentation step deeper: from the root to 0 (block) or 4 (flow),
 * past "- " for an item of a block sequence, else to the next multiple
 * of 4. */
static void em_increase_indent(em *e, bool flow, bool block_item)
{
	if (e->indent < 0)
		e->indent = flow ? EM_INDENT : 0;
	else if (block_item)
		e->indent += 2;
	else
		e->indent = EM_INDENT * ((e->indent + EM_INDENT) / EM_INDENT);
}

/* ---- tags ---- */

static bool tag_char_kept(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	       (c >= 'a' && c <= 'z') || c == '_' || c == '-' ||
	       strchr(";/?:@&=+$,.~*'()[]", c) != NULL;
}

/* Tag text: URI characters as they are, every other byte %XX. */
static void em_tag_content(em *e, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t len = strlen(s);

	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		size_t w;
		if (c != 0 && tag_char_kept(c)) {
			em_write(e, s, len, &i);
			continue;
		}
		w = utf8_width(c);
		for (size_t k = 0; k < w && i < len; k++, i++) {
			unsigned char o = (unsigned char)s[i];
			em_put(e, '%');
			em_put(e, hex[o >> 4]);
			em_put(e, hex[o & 15]);
		}
	}
	e->whitespace = false;
	e->indention = false;
}

/* Splits a tag into the handle yaml.v3 writes ("!", "!!" or none) and the
 * rest; returns the handle's length in bytes of the tag it stands for. */
static const char *tag_handle(const char *tag, size_t *prefix_len)
{
	static const char yaml_prefix[] = "tag:yaml.org,2002:";

	if (tag[0] == '!') {
		*prefix_len = 1;
		return "!";
	}
	if (strncmp(tag, yaml_prefix, sizeof(yaml_prefix) - 1) == 0) {
		*prefix_len = sizeof(yaml_prefix) - 1;
		return "!!";
	}
	*prefix_len = 0;
	return "";
}

/* Bytes the tag adds to a key's length (the 128-byte simple-key rule). */
static size_t tag_length(const ev__ynode *n)
{
	size_t p;
	const char *h;

	if (!(n->style & EV__YS_TAGGED))
		return 0;
	h = tag_handle(n->tag, &p);
	return strlen(h) + strlen(n->tag) - p;
}

static void em_tag(em *e, const ev__ynode *n)
{
	size_t p;
	const char *h;

	if (!(n->style & EV__YS_TAGGED))
		return;
	h = tag_handle(n->tag, &p);
	if (h[0] != '\0') {
		if (!e->whitespace)
			em_put(e, ' ');
		em_write_all(e, h);
		e->whitespace = false;
		e->indention = false;
		if (n->tag[p] != '\0')
			em_tag_content(e, n->tag + p);
		return;
	}
	em_indicator(e, "!<", true, false, false);
	em_tag_content(e, n->tag);
	em_indicator(e, ">", false, false, false);
}

/* ---- scalars ---- */

/* Which styles can hold the text (libyaml's yaml_emitter_analyze_scalar
 * as yaml.v3 has it). */
static em_scan em_analyze(const char *s, size_t len)
{
	em_scan r = {false, true, true, true, true};
	bool block_ind = false, flow_ind = false, breaks = false;
	bool special = false, tabs = false;
	bool lead_space = false, lead_break = false;
	bool trail_space = false, trail_break = false;
	bool break_space = false, space_break = false;
	bool after_ws = true, prev_space = false, prev_break = false;

	if (len == 0) {
		r.flow_plain = false;
		r.block = false;
		return r;
	}
	if (len >= 3 && (memcmp(s, "---", 3) == 0 || memcmp(s, "...", 3) == 0))
		block_ind = flow_ind = true;
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		size_t w = utf8_width(c);
		bool before_ws = i + w >= len || is_blank(s, len, i + w);

		if (i == 0) {
			if (strchr("#,[]{}&*!|>'\"%@`", c) != NULL && c != 0) {
				flow_ind = block_ind = true;
			} else if (c == '?' || c == ':') {
				flow_ind = true;
				if (before_ws)
					block_ind = true;
			} else if (c == '-' && before_ws) {
				flow_ind = block_ind = true;
			}
		} else if (c == ',' || c == '?' || c == '[' || c == ']' ||
			   c == '{' || c == '}') {
			flow_ind = true;
		} else if (c == ':') {
			flow_ind = true;
			if (before_ws)
				block_ind = true;
		} else if (c == '#' && after_ws) {
			flow_ind = block_ind = true;
		}
		if (c == '\t')
			tabs = true;
		else if (!is_printable(s, len, i))
			special = true;
		if (c == ' ') {
			lead_space = lead_space || i == 0;
			trail_space = i + w == len;
			break_space = break_space || prev_break;
			prev_space = true;
			prev_break = false;
		} else if (is_break(s, len, i)) {
			breaks = true;
			lead_break = lead_break || i == 0;
			trail_break = i + w == len;
			space_break = space_break || prev_space;
			prev_space = false;
			prev_break = true;
		} else {
			prev_space = prev_break = false;
		}
		after_ws = is_blankz(s, len, i);
		i += w;
	}
	r.multiline = breaks;
	if (lead_space || lead_break || trail_space || trail_break)
		r.flow_plain = r.block_plain = false;
	if (trail_space)
		r.block = false;
	if (break_space || space_break || tabs || special)
		r.flow_plain = r.block_plain = r.single_quoted = false;
	if (space_break || special)
		r.block = false;
	if (breaks)
		r.flow_plain = r.block_plain = false;
	if (flow_ind)
		r.flow_plain = false;
	if (block_ind)
		r.block_plain = false;
	return r;
}

typedef enum em_style {
	EM_PLAIN,
	EM_SINGLE,
	EM_DOUBLE,
	EM_LITERAL,
	EM_FOLDED,
} em_style;

/* The style yaml.v3 writes: the node's own (a plain text with a line
 * break becomes literal), then the fallbacks the text or the place
 * force. */
static em_style em_select(const em *e, const ev__ynode *n, const em_scan *a,
			  const em_ctx *ctx)
{
	em_style st = EM_PLAIN;

	if (n->style & EV__YS_DOUBLE)
		st = EM_DOUBLE;
	else if (n->style & EV__YS_SINGLE)
		st = EM_SINGLE;
	else if (n->style & EV__YS_LITERAL)
		st = EM_LITERAL;
	else if (n->style & EV__YS_FOLDED)
		st = EM_FOLDED;
	else if (memchr(n->value, '\n', n->len) != NULL)
		st = EM_LITERAL;
	if (ctx->simple_key && a->multiline)
		st = EM_DOUBLE;
	if (st == EM_PLAIN) {
		if ((e->flow_level > 0 && !a->flow_plain) ||
		    (e->flow_level == 0 && !a->block_plain))
			st = EM_SINGLE;
		if (n->len == 0 && (e->flow_level > 0 || ctx->simple_key))
			st = EM_SINGLE;
	}
	if (st == EM_SINGLE && !a->single_quoted)
		st = EM_DOUBLE;
	if ((st == EM_LITERAL || st == EM_FOLDED) &&
	    (!a->block || e->flow_level > 0 || ctx->simple_key))
		st = EM_DOUBLE;
	return st;
}

/* The text of a plain or single-quoted scalar: spaces as they are, a
 * line feed starting a run of breaks written twice (one alone would fold
 * into a space in both styles), the text after a break indented; `quote`
 * doubles each '\'' (single-quoted). */
static void em_flow_text(em *e, const char *s, size_t len, bool quote)
{
	bool breaks = false;

	for (size_t i = 0; i < len;) {
		if (is_space(s, len, i)) {
			em_write(e, s, len, &i);
		} else if (is_break(s, len, i)) {
			if (!breaks && s[i] == '\n')
				em_put_break(e);
			em_write_break(e, s, len, &i);
			breaks = true;
		} else {
			if (breaks)
				em_write_indent(e);
			if (quote && s[i] == '\'')
				em_put(e, '\'');
			em_write(e, s, len, &i);
			e->indention = false;
			breaks = false;
		}
	}
}

static void em_plain(em *e, const char *s, size_t len)
{
	if (len > 0 && !e->whitespace)
		em_put(e, ' ');
	em_flow_text(e, s, len, false);
	if (len > 0)
		e->whitespace = false;
	e->indention = false;
}

static void em_single(em *e, const char *s, size_t len)
{
	em_indicator(e, "'", true, false, false);
	em_flow_text(e, s, len, true);
	em_indicator(e, "'", false, false, false);
	e->whitespace = false;
	e->indention = false;
}

/* One escaped character of a double-quoted text; steps over it. */
static void em_escape(em *e, const char *s, size_t len, size_t *i)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char c = at(s, len, *i);
	size_t w = utf8_width(c);
	unsigned long v;
	int digits;

	v = w == 1 ? c : w == 2 ? c & 0x1Fu : w == 3 ? c & 0x0Fu : c & 0x07u;
	for (size_t k = 1; k < w; k++)
		v = (v << 6) | (at(s, len, *i + k) & 0x3Fu);
	*i += w;
	em_put(e, '\\');
	switch (v) {
	case 0x00:
		em_put(e, '0');
		return;
	case 0x07:
		em_put(e, 'a');
		return;
	case 0x08:
		em_put(e, 'b');
		return;
	case 0x09:
		em_put(e, 't');
		return;
	case 0x0A:
		em_put(e, 'n');
		return;
	case 0x0B:
		em_put(e, 'v');
		return;
	case 0x0C:
		em_put(e, 'f');
		return;
	case 0x0D:
		em_put(e, 'r');
		return;
	case 0x1B:
		em_put(e, 'e');
		return;
	case 0x22:
		em_put(e, '"');
		return;
	case 0x5C:
		em_put(e, '\\');
		return;
	case 0x85:
		em_put(e, 'N');
		return;
	case 0xA0:
		em_put(e, '_');
		return;
	case 0x2028:
		em_put(e, 'L');
		return;
	case 0x2029:
		em_put(e, 'P');
		return;
	default:
		break;
	}
	if (v <= 0xFF) {
		em_put(e, 'x');
		digits = 2;
	} else if (v <= 0xFFFF) {
		em_put(e, 'u');
		digits = 4;
	} else {
		em_put(e, 'U');
		digits = 8;
	}
	for (int k = (digits - 1) * 4; k >= 0; k -= 4)
		em_put(e, hex[(v >> k) & 15]);
}

static void em_double(em *e, const char *s, size_t len)
{
	/* yaml.v3 tests for U+FEFF at the start of the text, at every
	 * position: such a text is escaped whole. */
	bool bom = len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0;

	em_indicator(e, "\"", true, false, false);
	for (size_t i = 0; i < len;) {
		if (bom || !is_printable(s, len, i) || is_break(s, len, i) ||
		    s[i] == '"' || s[i] == '\\')
			em_escape(e, s, len, &i);
		else
			em_write(e, s, len, &i);
	}
	em_indicator(e, "\"", false, false, false);
	e->whitespace = false;
	e->indention = false;
}

/* The indentation and chomping indicators after | or >. */
static void em_block_hints(em *e, const char *s, size_t len)
{
	const char *chomp = NULL;
	size_t i;

	if (is_space(s, len, 0) || is_break(s, len, 0))
		em_indicator(e, "4", false, false, false);
	if (len == 0) {
		chomp = "-";
	} else {
		i = len - 1;
		while (i > 0 && (at(s, len, i) & 0xC0) == 0x80)
			i--;
		if (!is_break(s, len, i)) {
			chomp = "-";
		} else if (i == 0) {
			chomp = "+";
		} else {
			i--;
			while (i > 0 && (at(s, len, i) & 0xC0) == 0x80)
				i--;
			if (is_break(s, len, i))
				chomp = "+";
		}
	}
	if (chomp != NULL)
		em_indicator(e, chomp, false, false, false);
}

static void em_literal(em *e, const char *s, size_t len)
{
	bool breaks = true;

	em_indicator(e, "|", true, false, false);
	em_block_hints(e, s, len);
	e->whitespace = true;
	for (size_t i = 0; i < len;) {
		if (is_break(s, len, i)) {
			em_write_break(e, s, len, &i);
			breaks = true;
		} else {
			if (breaks)
				em_write_indent(e);
			em_write(e, s, len, &i);
			e->indention = false;
			breaks = false;
		}
	}
}

static void em_folded(em *e, const char *s, size_t len)
{
	bool breaks = true, leading_spaces = true;

	em_indicator(e, ">", true, false, false);
	em_block_hints(e, s, len);
	e->whitespace = true;
	for (size_t i = 0; i < len;) {
		if (is_break(s, len, i)) {
			if (!breaks && !leading_spaces && s[i] == '\n') {
				/* Scans from the start of the text, not from
				 * i: yaml.v3's, kept for its bytes. */
				size_t k = 0;
				while (k < len && is_break(s, len, k))
					k += utf8_width(at(s, len, k));
				if (!is_blankz(s, len, k))
					em_put_break(e);
			}
			em_write_break(e, s, len, &i);
			breaks = true;
		} else {
			if (breaks) {
				em_write_indent(e);
				leading_spaces = is_blank(s, len, i);
			}
			em_write(e, s, len, &i);
			e->indention = false;
			breaks = false;
		}
	}
}

static bool em_simple_key(const ev__ynode *k)
{
	em_scan a;

	/* a collection is a simple key only when empty ([] or {}) */
	if (k->kind != EV__Y_SCALAR)
		return k->n == 0 && tag_length(k) <= EM_SIMPLE_KEY_MAX;
	a = em_analyze(k->value, k->len);
	return !a.multiline && k->len + tag_length(k) <= EM_SIMPLE_KEY_MAX;
}

static void em_scalar(em *e, const ev__ynode *n, const em_ctx *ctx)
{
	em_scan a = em_analyze(n->value, n->len);
	em_style st = em_select(e, n, &a, ctx);
	long saved;

	em_tag(e, n);
	saved = e->indent;
	em_increase_indent(e, true, ctx->block_item);
	switch (st) {
	case EM_PLAIN:
		em_plain(e, n->value, n->len);
		break;
	case EM_SINGLE:
		em_single(e, n->value, n->len);
		break;
	case EM_DOUBLE:
		em_double(e, n->value, n->len);
		break;
	case EM_LITERAL:
		em_literal(e, n->value, n->len);
		break;
	case EM_FOLDED:
		em_folded(e, n->value, n->len);
		break;
	}
	e->indent = saved;
}

static void em_node(em *e, const ev__ynode *n, const em_ctx *ctx);

static void em_block_seq(em *e, const ev__ynode *n, const em_ctx *ctx)
{
	const em_ctx item = {false, false, true};
	long saved = e->indent;

	em_increase_indent(e, false, ctx->block_item);
	for (size_t i = 0; i < n->n && e->rc == 0; i++) {
		em_write_indent(e);
		em_indicator(e, "-", true, false, true);
		em_node(e, n->kids[i], &item);
	}
	e->indent = saved;
}

static void em_flow_seq(em *e, const ev__ynode *n, const em_ctx *ctx)
{
	const em_ctx item = {false, false, false};
	long saved = e->indent;

	em_indicator(e, "[", true, true, false);
	em_increase_indent(e, true, ctx->block_item);
	e->flow_level++;
	for (size_t i = 0; i < n->n && e->rc == 0; i++) {
		if (i > 0)
			em_indicator(e, ",", false, false, false);
		if (e->column == 0)
			em_write_indent(e);
		em_node(e, n->kids[i], &item);
	}
	e->flow_level--;
	e->indent = saved;
	if (e->column == 0)
		em_write_indent(e);
	em_indicator(e, "]", false, false, false);
}

static void em_block_map(em *e, const ev__ynode *n, const em_ctx *ctx)
{
	const em_ctx simple = {false, true, false},
		     other = {false, false, false};
	long saved = e->indent;

	em_increase_indent(e, false, ctx->block_item);
	for (size_t i = 0; i < n->n && e->rc == 0; i++) {
		const ev__ynode *k = n->kids[2 * i];
		em_write_indent(e);
		if (em_simple_key(k)) {
			em_node(e, k, &simple);
			em_indicator(e, ":", false, false, false);
		} else {
			em_indicator(e, "?", true, false, true);
			em_node(e, k, &other);
			em_write_indent(e);
			em_indicator(e, ":", true, false, true);
		}
		em_node(e, n->kids[2 * i + 1], &other);
	}
	e->indent = saved;
}

static void em_flow_map(em *e, const ev__ynode *n, const em_ctx *ctx)
{
	const em_ctx simple = {false, true, false},
		     other = {false, false, false};
	long saved = e->indent;

	em_indicator(e, "{", true, true, false);
	em_increase_indent(e, true, ctx->block_item);
	e->flow_level++;
	for (size_t i = 0; i < n->n && e->rc == 0; i++) {
		const ev__ynode *k = n->kids[2 * i];
		if (i > 0)
			em_indicator(e, ",", false, false, false);
		if (e->column == 0)
			em_write_indent(e);
		if (em_simple_key(k)) {
			em_node(e, k, &simple);
			em_indicator(e, ":", false, false, false);
		} else {
			em_indicator(e, "?", true, false, false);
			em_node(e, k, &other);
			em_indicator(e, ":", true, false, false);
		}
		em_node(e, n->kids[2 * i + 1], &other);
	}
	e->flow_level--;
	e->indent = saved;
	em_indicator(e, "}", false, false, false);
}

static void em_node(em *e, const ev__ynode *n, const em_ctx *ctx)
{
	bool flow;

	if (n->kind == EV__Y_SCALAR) {
		em_scalar(e, n, ctx);
		return;
	}
	em_tag(e, n);
	flow = e->flow_level > 0 || (n->style & EV__YS_FLOW) || n->n == 0;
	if (n->kind == EV__Y_SEQ) {
		if (flow)
			em_flow_seq(e, n, ctx);
		else
			em_block_seq(e, n, ctx);
	} else if (flow) {
		em_flow_map(e, n, ctx);
	} else {
		em_block_map(e, n, ctx);
	}
}

int ev__ytree_emit(ae_buf *out, const ev__ynode *root, ae_err *err)
{
	const em_ctx top = {true, false, false};
	em e = {out, err, 0, -1, 0, 0, true, true};

	/* A stream without a document is yaml.v3's zero node, which Marshal
	 * writes as null. */
	if (root == NULL)
		return ae_buf_puts(out, "null\n", err);
	em_node(&e, root, &top);
	/* The document end: back to column 0 on a line of its own. */
	e.indent = -1;
	em_write_indent(&e);
	return e.rc;
}
