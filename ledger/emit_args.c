/* ledger/emit_args.c -- `emit`'s options given as words, checked before
 * any file is read, and the notices of a bundle built (contract in
 * ledger/ledger.h, ld_emit_args)
 *
 * The checks run in the order the command has always made them, so the
 * first problem of a command line is the one named. What the bundle
 * itself takes (--policy, SOURCE_DATE_EPOCH) is evidence/emit_opts.c's.
 */
#include "ledger/ledger.h"

#include <string.h>

bool ld_emit_switch(ld_emit_args *a, ev_emit_opts *o, const char *arg)
{
	if (strcmp(arg, "--full") == 0)
		o->full = true;
	else if (strcmp(arg, "--allow-mutable-validator-tags") == 0)
		o->allow_mutable_validator_tags = true;
	else if (strcmp(arg, "--no-sign") == 0)
		a->sign = false;
	else if (strcmp(arg, "--sign") == 0)
		a->sign = true;
	else if (strcmp(arg, "--strict") == 0)
		o->strict = true;
	else
		return false;
	return true;
}

int ld_emit_args_check(ld_emit_args *a, ev_emit_opts *o, ae_err *err)
{
	char pn[EV_PROFILE_PART_MAX + 1], pv[EV_PROFILE_PART_MAX + 1];

	if (o->recipe_path == NULL || o->snapshot_path == NULL ||
	    o->nctrf == 0 || o->out_dir == NULL)
		return ae_fail(
			err, AE_EINVAL,
			"emit needs --recipe, --snapshot, --ctrf and -o");
	if (strcmp(a->format, "text") != 0 && strcmp(a->format, "json") != 0)
		return ae_fail(err, AE_EINVAL, "--format must be text or json");
	if (strcmp(a->format, "json") == 0 &&
	    !ae_utf8_valid(o->out_dir, strlen(o->out_dir)))
		return ae_fail(err, AE_EINVAL,
			       "--format json needs an output path in UTF-8");
	if (ev_emit_policy_set(o, a->policy, err) < 0)
		return AE_EINVAL;
	if (a->ref == NULL)
		a->ref = a->push;
	if (a->push != NULL && a->ref != a->push && strcmp(a->ref, a->push))
		return ae_fail(err, AE_EINVAL, "--ref and --push disagree");
	if (a->sign && a->ref == NULL)
		return ae_fail(err, AE_EINVAL,
			       "--sign needs the reference the bundle goes to: "
			       "--ref REF or --push REF");
	if (a->push == NULL && a->registry_flags)
		return ae_fail(err, AE_EINVAL,
			       "registry flags need --push REF");
	if (o->profile != NULL &&
	    !ev_profile_selection_parse(pn, pv, o->profile))
		return ae_fail(err, AE_EINVAL,
			       "--profile must be NAME=VALUE, each "
			       "[A-Za-z0-9._-]+");
	return 0;
}

int ld_emit_notices(ae_buf *b, const char *recipe_path, const ev_emit_result *r,
		    ae_err *err)
{
	int rc = 0;

	/* the path as given, escaped; the names escaped by the emitter */
	if (r->nrecipe_extras > 0) {
		rc = ae_buf_puts(b, "aicr-evidence: warning: ", err);
		if (rc == 0)
			rc = ae_buf_put_esc_value(b, recipe_path, err);
		if (rc == 0)
			rc = ae_buf_printf(
				b, err,
				": %zu field(s) beyond the reference's recipe "
				"schema will be published with recipe.yaml: "
				"%s\n"
				"hint: remove them from the recipe, or emit "
				"with --strict to refuse such a recipe\n",
				r->nrecipe_extras, r->recipe_extras);
	}
	if (rc == 0 && r->ctrf_duplicates > 0)
		rc = ae_buf_printf(b, err,
				   "aicr-evidence: note: %zu CTRF report(s) "
				   "given more than once were counted once\n",
				   r->ctrf_duplicates);
	return rc;
}
