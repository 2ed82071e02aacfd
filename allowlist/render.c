/* allowlist/render.c -- what `allowlist check` and `allowlist classify`
 * print
 *
 * check: every problem as one `path: message` line (SPEC §4, §5), or the
 * summary of a valid list, or the problems as a JSON array; classify: the
 * class and label of one signer as a line (or a NUL-terminated record), or
 * a JSON object carrying the inputs so a maintainer can add a `source:`
 * entry without retyping. Built into an ae_buf: cmd/ chooses and prints.
 */
#include "allowlist/allowlist.h"

#include <jansson.h>
#include <stdlib.h>

/* Appends `j` (stolen; NULL is out of memory) as indented JSON and a
 * newline. */
static int put_json(ae_buf *out, json_t *j, ae_err *err)
{
	char *text = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
	int rc;

	json_decref(j);
	if (text == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	rc = ae_buf_printf(out, err, "%s\n", text);
	free(text);
	return rc;
}

int al_report_render(ae_buf *out, const char *path, const ae_problems *pr,
		     const al_list *l, bool json, ae_err *err)
{
	size_t counts[4] = {0};
	json_t *arr = NULL;
	int rc = 0;

	for (size_t i = 0; i < al_list_count(l); i++)
		counts[al_list_entry(l, i)->cls]++;
	if (!json) {
		for (size_t i = 0; i < pr->n && rc == 0; i++)
			rc = ae_buf_printf(out, err, "%s: %s\n", path,
					   pr->v[i].msg);
		if (pr->n == 0)
			rc = ae_buf_printf(out, err,
					   "%s: valid allowlist: %zu "
					   "first-party, %zu community, %zu "
					   "partner\n",
					   path, counts[AL_CLASS_FIRST_PARTY],
					   counts[AL_CLASS_COMMUNITY],
					   counts[AL_CLASS_PARTNER]);
		return rc;
	}
	arr = json_array();
	for (size_t i = 0; arr != NULL && i < pr->n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:I, s:s}", "path",
						     path, "line",
						     (json_int_t)pr->v[i].line,
						     "message", pr->v[i].msg));
	return put_json(out, arr, err);
}

int al_class_render_text(ae_buf *out, al_class cls, const char *label, char end,
			 ae_err *err)
{
	return ae_buf_printf(out, err, "%s%s%s%c",
			     cls == AL_CLASS_NONE ? "not listed (reported "
						    "only: never "
						    "corroborates)"
						  : al_class_name(cls),
			     label ? " " : "", label ? label : "", end);
}

int al_class_render_json(ae_buf *out, const char *issuer, const char *identity,
			 al_class cls, const char *label, ae_err *err)
{
	return put_json(out,
			json_pack("{s:s, s:s, s:b, s:o, s:o}", "issuer", issuer,
				  "identity", identity, "listed",
				  cls != AL_CLASS_NONE, "class",
				  cls == AL_CLASS_NONE
					  ? json_null()
					  : json_string(al_class_name(cls)),
				  "label",
				  label ? json_string(label) : json_null()),
			err);
}
