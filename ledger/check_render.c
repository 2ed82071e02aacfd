/* ledger/check_render.c -- check's report as text, JSON and its summary
 *
 * What `check` prints (SPEC §5, docs/cli.md "check"): one `path: message`
 * line per problem, notes as `note: path: message`, or one JSON document;
 * and the one summary line for stderr. Untrusted text (a file name from
 * the pull request, a message quoting it) is escaped by ae_buf_put_esc, so
 * a file name cannot forge a line of the report (or break JSON's UTF-8).
 * Built into an ae_buf: cmd/ chooses the renderer and prints.
 */
#include "ledger/ledger.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static int check_text_line(ae_buf *out, const char *prefix, const ld_finding *p,
			   ae_err *err)
{
	int rc = ae_buf_puts(out, prefix, err);

	if (rc == 0)
		rc = ae_buf_put_esc(out, p->path, err);
	if (rc == 0)
		rc = ae_buf_puts(out, ": ", err);
	if (rc == 0)
		rc = ae_buf_put_esc(out, p->message, err);
	if (rc == 0)
		rc = ae_buf_puts(out, "\n", err);
	return rc;
}

int ld_report_render_text(ae_buf *out, const ld_report *r, ae_err *err)
{
	int rc = 0;

	for (size_t i = 0; i < ld_report_count(r) && rc == 0; i++)
		rc = check_text_line(out, "", ld_report_get(r, i), err);
	for (size_t i = 0; i < ld_report_note_count(r) && rc == 0; i++)
		rc = check_text_line(out, "note: ", ld_report_note_get(r, i),
				     err);
	return rc;
}

/* The escaped copy of `s` for JSON (not capped: a JSON report carries the
 * whole path). Caller frees; NULL when out of memory. */
static char *check_escape(const char *s)
{
	ae_buf b = AE_BUF_INIT(SIZE_MAX);

	if (ae_buf_put_esc(&b, s, NULL) < 0 ||
	    ae_buf_put(&b, "", 1, NULL) < 0) {
		ae_buf_dispose(&b);
		return NULL;
	}
	return (char *)ae_buf_detach(&b, NULL);
}

static json_t *check_json_item(const ld_finding *p)
{
	char *path = check_escape(p->path), *msg = check_escape(p->message);
	json_t *o = NULL;

	if (path && msg)
		o = json_pack("{s:s, s:s, s:s}", "path", path, "rule", p->rule,
			      "message", msg);
	free(path);
	free(msg);
	return o;
}

int ld_report_render_json(ae_buf *out, const ld_report *r, bool diff,
			  bool verified, ae_err *err)
{
	json_t *root, *probs = json_array(), *notes = json_array();
	char *text;
	int rc = 0;

	for (size_t i = 0; i < ld_report_count(r); i++)
		if (json_array_append_new(probs,
					  check_json_item(ld_report_get(r, i))))
			rc = AE_ERR;
	for (size_t i = 0; i < ld_report_note_count(r); i++)
		if (json_array_append_new(
			    notes, check_json_item(ld_report_note_get(r, i))))
			rc = AE_ERR;
	root = json_pack(
		"{s:o, s:o, s:{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:b, "
		"s:b, s:b}}",
		"problems", probs, "notes", notes, "summary", "mode",
		diff ? "diff" : "audit", "base", ld_report_base(r), "head",
		ld_report_head(r), "merge", ld_report_merge(r), "mergeBases",
		(json_int_t)ld_report_merge_bases(r), "changes",
		(json_int_t)ld_report_changes(r), "pointers",
		(json_int_t)ld_report_pointers(r), "problems",
		(json_int_t)ld_report_count(r), "signaturesVerified", verified,
		"transient", ld_report_transient(r), "undecided",
		ld_report_undecided(r));
	text = root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER)
		    : NULL;
	if (text == NULL || rc < 0)
		rc = ae_fail(err, AE_ERR, "out of memory");
	else
		rc = ae_buf_printf(out, err, "%s\n", text);
	free(text);
	json_decref(root);
	return rc;
}

int ld_report_render_summary(ae_buf *out, const ld_report *r, bool diff,
			     ae_err *err)
{
	return ae_buf_printf(
		out, err,
		"check: %zu problem%s in %zu %s, %zu pointer%s read\n",
		ld_report_count(r), ld_report_count(r) == 1 ? "" : "s",
		ld_report_changes(r), diff ? "changed files" : "files",
		ld_report_pointers(r), ld_report_pointers(r) == 1 ? "" : "s");
}
