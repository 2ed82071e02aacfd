/* evidence/emitfmt.c -- the byte formats every bundle file is written in
 *
 * A bundle is only reproducible if the same input always gives the same
 * bytes, so the YAML emitter settings and the JSON dump flags are defined
 * once, here, and documented in docs/formats.md (SPEC §3 "define the
 * canonical emission once"). The recipe digest, the redacted snapshot and
 * every JSON file of a bundle go through these functions.
 */
#include "evidence/internal.h"
#include "evidence/evidence.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

const char *const ev_phase_names[EV_PHASE_COUNT] = {
	"deployment",
	"performance",
	"conformance",
};

int ev__phase_index(const char *name)
{
	for (int i = 0; i < EV_PHASE_COUNT; i++) {
		if (strcmp(name, ev_phase_names[i]) == 0)
			return i;
	}
	return -1;
}

static bool fmt_has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

const char *ev__media_type(const char *path)
{
	/* Longest suffix first: .cdx.json before .json (reference §0). */
	if (fmt_has_suffix(path, ".cdx.json"))
		return "application/vnd.cyclonedx+json";
	if (fmt_has_suffix(path, ".intoto.jsonl"))
		return "application/vnd.in-toto+jsonl";
	if (fmt_has_suffix(path, ".json"))
		return "application/json";
	if (fmt_has_suffix(path, ".yaml") || fmt_has_suffix(path, ".yml"))
		return "application/yaml";
	if (fmt_has_suffix(path, ".log"))
		return "text/plain";
	return "";
}

/* libyaml write handler: appends to the ae_buf in `data`. Returns 1 on
 * success as libyaml expects. */
static int fmt_yaml_write(void *data, unsigned char *bytes, size_t size)
{
	return ae_buf_put(data, bytes, size, NULL) == 0;
}

/* Emits one event; converts libyaml's failure into an AE code. */
static int fmt_emit(yaml_emitter_t *em, yaml_event_t *ev, ae_err *err)
{
	if (!yaml_emitter_emit(em, ev))
		return ae_fail(err, AE_EINVAL, "YAML emitter: %s",
			       em->problem ? em->problem : "failed");
	return 0;
}

/* True iff `s` can be written plain and reads back as the same plain
 * text in block context, so the choice never depends on libyaml's own
 * analysis (which would fall back to single quotes with folding and make
 * the canonical form drift, found by recipe_fuzz). Conservative: one line,
 * no leading or trailing space, no indicator or document marker first,
 * no ": " or " #". */
static bool fmt_plain_safe(const char *s, size_t len)
{
	if (len == 0 || s[0] == ' ' || s[len - 1] == ' ' || s[len - 1] == ':')
		return false;
	/* "..." (like "---") opens a document marker, which libyaml never
	 * writes plain (recipe_fuzz). */
	if (len >= 3 && memcmp(s, "...", 3) == 0)
		return false;
	if (!((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') ||
	      (s[0] >= '0' && s[0] <= '9') || s[0] == '.' || s[0] == '/' ||
	      s[0] == '_' ||
	      (s[0] == '-' && len > 1 && s[1] != ' ' && s[1] != '-')))
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c > 0x7e || strchr("#'\"{}[]|>&*!%`,?", c))
			return false;
		if (c == ':' && i + 1 < len && s[i + 1] == ' ')
			return false;
	}
	return true;
}

static int fmt_scalar(yaml_emitter_t *em, const char *s, size_t len, bool plain,
		      ae_err *err)
{
	yaml_event_t ev;

	/* An empty plain scalar is YAML null: written as `null`, which reads
	 * back as the same value and keeps the form a fixed point. */
	if (plain && len == 0) {
		s = "null";
		len = 4;
	}
	plain = plain && fmt_plain_safe(s, len);

	if (!yaml_scalar_event_initialize(
		    &ev, NULL, NULL, (yaml_char_t *)s, (int)len, 1, 1,
		    plain ? YAML_PLAIN_SCALAR_STYLE
			  : YAML_DOUBLE_QUOTED_SCALAR_STYLE))
		return ae_fail(err, AE_ERR, "out of memory");
	return fmt_emit(em, &ev, err);
}

static int fmt_key_cmp(const void *a, const void *b)
{
	const char *const *x = a, *const *y = b;

	return strcmp(*x, *y);
}

static int fmt_node(yaml_emitter_t *em, const ae_yaml_node *n, bool sort,
		    ae_err *err);

/* Emits a mapping, in document order or sorted by key. */
static int fmt_map(yaml_emitter_t *em, const ae_yaml_node *n, bool sort,
		   ae_err *err)
{
	yaml_event_t ev;
	size_t *order = NULL;
	int rc = 0;

	order = malloc((n->n ? n->n : 1) * sizeof(*order));
	if (order == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t i = 0; i < n->n; i++)
		order[i] = i;
	if (sort) {
		/* Sort indices by key: qsort over (key pointer, index) pairs
		 * would need a struct; insertion sort keeps it small and the
		 * maps of a recipe are short. Keys are unique (the parser
		 * refuses duplicates), so the order is total. */
		for (size_t i = 1; i < n->n; i++) {
			size_t v = order[i], j = i;
			while (j > 0 && fmt_key_cmp(&n->keys[order[j - 1]],
						    &n->keys[v]) > 0) {
				order[j] = order[j - 1];
				j--;
			}
			order[j] = v;
		}
	}
	yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
					    YAML_BLOCK_MAPPING_STYLE);
	rc = fmt_emit(em, &ev, err);
	for (size_t i = 0; rc == 0 && i < n->n; i++) {
		const char *k = n->keys[order[i]];
		/* A key is text (the parser refuses a null one): "" must
		 * stay "", not become the plain null `null`. */
		rc = fmt_scalar(em, k, strlen(k), k[0] != '\0', err);
		if (rc == 0)
			rc = fmt_node(em, n->items[order[i]], sort, err);
	}
	if (rc == 0) {
		yaml_mapping_end_event_initialize(&ev);
		rc = fmt_emit(em, &ev, err);
	}
	free(order);
	return rc;
}

static int fmt_node(yaml_emitter_t *em, const ae_yaml_node *n, bool sort,
		    ae_err *err)
{
	yaml_event_t ev;
	int rc;

	switch (n->kind) {
	case AE_YAML_SCALAR:
		return fmt_scalar(em, n->scalar, n->scalar_len, n->plain, err);
	case AE_YAML_MAP:
		return fmt_map(em, n, sort, err);
	case AE_YAML_SEQ:
		yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
						     YAML_BLOCK_SEQUENCE_STYLE);
		rc = fmt_emit(em, &ev, err);
		for (size_t i = 0; rc == 0 && i < n->n; i++)
			rc = fmt_node(em, n->items[i], sort, err);
		if (rc < 0)
			return rc;
		yaml_sequence_end_event_initialize(&ev);
		return fmt_emit(em, &ev, err);
	}
	return ae_fail(err, AE_ERR, "unknown YAML node kind");
}

int ev__yaml_emit(ae_buf *out, const ae_yaml_node *root, bool sort_keys,
		  ae_err *err)
{
	yaml_emitter_t em;
	yaml_event_t ev;
	int rc;

	AE_ASSERT_ARG(out != NULL && root != NULL, err);
	if (!yaml_emitter_initialize(&em))
		return ae_fail(err, AE_ERR, "out of memory");
	yaml_emitter_set_output(&em, fmt_yaml_write, out);
	yaml_emitter_set_indent(&em, 2);
	yaml_emitter_set_width(&em, -1);
	yaml_emitter_set_unicode(&em, 1);
	yaml_emitter_set_break(&em, YAML_LN_BREAK);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	rc = fmt_emit(&em, &ev, err);
	if (rc == 0) {
		yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
		rc = fmt_emit(&em, &ev, err);
	}
	if (rc == 0)
		rc = fmt_node(&em, root, sort_keys, err);
	if (rc == 0) {
		yaml_document_end_event_initialize(&ev, 1);
		rc = fmt_emit(&em, &ev, err);
	}
	if (rc == 0) {
		yaml_stream_end_event_initialize(&ev);
		rc = fmt_emit(&em, &ev, err);
	}
	if (rc == 0 && !yaml_emitter_flush(&em))
		rc = ae_fail(err, AE_ERR, "YAML emitter: flush failed");
	yaml_emitter_delete(&em);
	if (rc == 0 && out->data == NULL)
		rc = ae_fail(err, AE_ETOOBIG, "emitted YAML is over its cap");
	return rc;
}

static int fmt_json_write(const char *buffer, size_t size, void *data)
{
	return ae_buf_put(data, buffer, size, NULL) == 0 ? 0 : -1;
}

int ev__json_dump(ae_buf *out, const void *json, ae_err *err)
{
	/* Insertion order (jansson keeps it), 2-space indent, no escaping of
	 * "/" and real numbers with 17 significant digits, which round-trip
	 * exactly. */
	if (json_dump_callback(json, fmt_json_write, out,
			       JSON_INDENT(2) | JSON_REAL_PRECISION(17)) != 0)
		return ae_fail(err, AE_ETOOBIG, "JSON output over its cap");
	return ae_buf_put(out, "\n", 1, err);
}

int ev__write_new(int dirfd, const char *name, const void *data, size_t len,
		  ae_err *err)
{
	const unsigned char *p = data;
	int fd, rc = 0;

	fd = openat(dirfd, name,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return ae_fail(err, AE_EIO, "create %s: %s", name,
			       strerror(errno));
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = ae_fail(err, AE_EIO, "write %s: %s", name,
				     strerror(errno));
			break;
		}
		p += n;
		len -= (size_t)n;
	}
	if (close(fd) != 0 && rc == 0)
		rc = ae_fail(err, AE_EIO, "close %s: %s", name,
			     strerror(errno));
	if (rc < 0)
		unlinkat(dirfd, name, 0);
	return rc;
}
