/* ledger/run_opts.c -- what a ledger run may be asked, and in which form
 * its report comes out
 *
 * The combinations of ld_ledger_opts that make no run (an offline run
 * without a cache, a registry listing offline, an ingested reference not
 * pinned by digest) are refused here, before any file or network I/O
 * (STYLE §3.6), with the sentence cmd/ shows as a usage error; and the
 * report's formats are named once (docs/ledger.md).
 */
#include "ledger/ledger.h"

#include <stdlib.h>
#include <string.h>

static const char *const ledger_formats[] = {"text", "json", "html", "feed"};

bool ld_ledger_format_known(const char *format)
{
	for (size_t i = 0; i < sizeof(ledger_formats) / sizeof(*ledger_formats);
	     i++)
		if (strcmp(format, ledger_formats[i]) == 0)
			return true;
	return false;
}

int ld_ledger_opts_init(ld_ledger_opts *o, size_t n, ae_err *err)
{
	memset(o, 0, sizeof(*o));
	o->root = LD_EVIDENCE_ROOT;
	o->jobs = 2;
	o->recipes = calloc(n, sizeof(*o->recipes));
	o->recipe_files = calloc(n, sizeof(*o->recipe_files));
	o->ingest = calloc(n, sizeof(*o->ingest));
	o->ingest_files = calloc(n, sizeof(*o->ingest_files));
	o->ingest_repos = calloc(n, sizeof(*o->ingest_repos));
	if (o->recipes && o->recipe_files && o->ingest && o->ingest_files &&
	    o->ingest_repos)
		return 0;
	ld_ledger_opts_dispose(o);
	return ae_fail(err, AE_ERR, "out of memory");
}

void ld_ledger_opts_dispose(ld_ledger_opts *o)
{
	free(o->recipes);
	free(o->recipe_files);
	free(o->ingest);
	free(o->ingest_files);
	free(o->ingest_repos);
	o->recipes = o->recipe_files = o->ingest = NULL;
	o->ingest_files = o->ingest_repos = NULL;
}

int ld_ledger_opts_check(ld_ledger_opts *o, ae_err *err)
{
	if (o->lens_version != NULL)
		o->lens = LD_LENS_SAME_VERSION;
	if (o->vo.offline && o->vo.cache == NULL)
		return ae_fail(err, AE_EINVAL, "--offline needs --cache DIR");
	if (o->vo.offline && o->n_ingest_repos)
		return ae_fail(err, AE_EINVAL,
			       "--ingest-repo lists a registry: not with "
			       "--offline");
	for (size_t i = 0; i < o->n_ingest; i++) {
		oci_ref ref;
		char *esc;
		int rc;
		if (oci_ref_parse(&ref, o->ingest[i], NULL) == 0 &&
		    oci_ref_is_pinned(&ref))
			continue;
		/* what does not parse may hold anything: escaped */
		esc = ae_esc_value_dup(o->ingest[i]);
		rc = ae_fail(err, AE_EINVAL,
			     "--ingest %s: a digest-pinned reference is needed "
			     "(REG/REPO@sha256:HEX)",
			     esc ? esc : "(out of memory)");
		free(esc);
		return rc;
	}
	return 0;
}

int ld_ledger_args_check(ld_ledger_args *a, ae_err *err)
{
	ld_ledger_opts *o = &a->o;
	bool ingest = o->n_ingest || o->n_ingest_files || o->n_ingest_repos;

	if (a->format == NULL)
		a->format = "text";
	if (!ld_ledger_format_known(a->format))
		return ae_fail(err, AE_EINVAL,
			       "--format must be text, json, html or feed");
	if (strcmp(a->format, "feed") == 0 && a->out == NULL)
		return ae_fail(err, AE_EINVAL,
			       "--format feed needs -o DIR (it writes "
			       "index.json and series/)");
	if (a->jobs != NULL) {
		char *end = NULL;
		long n = strtol(a->jobs, &end, 10);
		if (end == a->jobs || *end != '\0' || n < 1 || n > 64)
			return ae_fail(err, AE_EINVAL,
				       "--jobs must be 1 to 64");
		o->jobs = (unsigned)n;
	}
	if (!o->verify && (o->vo.trusted_root || o->vo.cache || o->vo.offline ||
			   a->any_reg || ingest))
		return ae_fail(err, AE_EINVAL,
			       "--trusted-root, --cache, --offline, --ingest* "
			       "and the registry flags need --verify");
	if (oci_registry_flags_check(&a->reg, err) < 0)
		return AE_EINVAL;
	return ld_ledger_opts_check(o, err);
}

int ld_corroboration_render(ae_buf *out, const ld_corroboration *c,
			    const ld_render_opts *ro, const char *format,
			    ae_err *err)
{
	if (strcmp(format, "json") == 0)
		return ld_corroboration_render_json(out, c, ro, err);
	if (strcmp(format, "html") == 0)
		return ld_corroboration_render_html(out, c, ro, err);
	if (strcmp(format, "text") == 0)
		return ld_corroboration_render_text(out, c, ro, err);
	return ae_fail(err, AE_EINVAL, "no such format: %s", format);
}
