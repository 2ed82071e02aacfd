/* ledger/pointer_render.c -- what `pointer show` prints of one pointer
 *
 * The text form (one "key value" line per field), the JSON form
 * (docs/cli.md) and the canonical YAML the writer produces. The signer a
 * pointer names is a claim: both forms say so, and only `verify` can check
 * it against the signature (STYLE §3.6, minisign's trusted/untrusted
 * comments). Built into an ae_buf: cmd/ chooses the form and prints.
 */
#include "ledger/ledger.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* One "key value" line, the value escaped (it comes from the file). */
static int show_line(ae_buf *o, const char *key, const char *value, ae_err *err)
{
	int rc = ae_buf_printf(o, err, "%-14s ", key);

	rc |= ae_buf_put_esc_value(o, value, err);
	rc |= ae_buf_puts(o, "\n", err);
	return rc;
}

/* The text form: one "key value" line per field, the signer marked as
 * claimed. */
static int show_text(ae_buf *o, const char *path, const ld_pointer *p,
		     const char *slug, const char *place, ae_err *err)
{
	const char *prof = ld_pointer_profile(p);
	const char *oci = ld_pointer_bundle_oci(p);
	const char *dig = ld_pointer_bundle_digest(p);
	int rc = 0;

	rc |= show_line(o, "pointer", path, err);
	rc |= show_line(o, "schemaVersion", ld_pointer_schema_version(p), err);
	rc |= show_line(o, "recipe", ld_pointer_recipe(p), err);
	rc |= show_line(o, "profile", prof ? prof : "-", err);
	rc |= show_line(o, "predicateType", ld_pointer_predicate_type(p), err);
	rc |= show_line(o, "bundle.oci", oci[0] ? oci : "- (not pushed)", err);
	rc |= show_line(o, "bundle.digest", dig[0] ? dig : "- (not pushed)",
			err);
	rc |= show_line(o, "attestedAt", ld_pointer_attested_at(p), err);
	if (!ld_pointer_is_signed(p)) {
		rc |= ae_buf_puts(o,
				  "signer         - (unsigned: pending "
				  "signature)\n",
				  err);
	} else {
		rc |= ae_buf_puts(o,
				  "claimed signer (not verified: run "
				  "'aicr-evidence verify ",
				  err);
		rc |= ae_buf_put_esc_value(o, path, err);
		rc |= ae_buf_puts(o, "')\n", err);
		rc |= show_line(o, "  issuer", ld_pointer_signer_issuer(p),
				err);
		rc |= show_line(o, "  identity", ld_pointer_signer_identity(p),
				err);
		rc |= show_line(o, "  slug", slug, err);
		if (ld_pointer_rekor_log_index(p) != LD_REKOR_ABSENT)
			rc |= ae_buf_printf(
				o, err, "  rekorLogIndex %lld\n",
				(long long)ld_pointer_rekor_log_index(p));
	}
	rc |= show_line(o, "canonicalPath", place ? place : "-", err);
	return rc < 0 ? (err && err->code ? err->code : AE_ERR) : 0;
}

/* The JSON form (docs/cli.md): the claimed signer under "claimedSigner"
 * with "verified": false, never under a name a reader could take for a
 * verified result. */
static int show_json(ae_buf *o, const char *path, const ld_pointer *p,
		     const char *slug, const char *place, ae_err *err)
{
	json_t *j = NULL, *s = NULL;
	char *text = NULL;
	int rc = ae_fail(err, AE_ERR, "out of memory");

	j = json_pack(
		"{s:s, s:b, s:s, s:s, s:{s:s, s:s, s:s}, s:s}", "file", path,
		"valid", 1, "schemaVersion", ld_pointer_schema_version(p),
		"recipe", ld_pointer_recipe(p), "bundle", "oci",
		ld_pointer_bundle_oci(p), "digest", ld_pointer_bundle_digest(p),
		"predicateType", ld_pointer_predicate_type(p), "attestedAt",
		ld_pointer_attested_at(p));
	if (j == NULL)
		goto done;
	if (ld_pointer_profile(p) != NULL)
		json_object_set_new(j, "profile",
				    json_string(ld_pointer_profile(p)));
	if (ld_pointer_is_signed(p)) {
		s = json_pack("{s:s, s:s, s:s, s:b}", "issuer",
			      ld_pointer_signer_issuer(p), "identity",
			      ld_pointer_signer_identity(p), "slug", slug,
			      "verified", 0);
		if (s == NULL)
			goto done;
		if (ld_pointer_rekor_log_index(p) != LD_REKOR_ABSENT)
			json_object_set_new(
				s, "rekorLogIndex",
				json_integer(ld_pointer_rekor_log_index(p)));
	}
	json_object_set_new(j, "claimedSigner", s ? s : json_null());
	s = NULL;
	json_object_set_new(j, "canonicalPath",
			    place ? json_string(place) : json_null());
	text = json_dumps(j, JSON_INDENT(2));
	if (text != NULL)
		rc = ae_buf_printf(o, err, "%s\n", text);
done:
	free(text);
	json_decref(s);
	json_decref(j);
	return rc;
}

int ld_pointer_show(ae_buf *out, const ld_pointer *p, const char *file,
		    const char *format, ae_err *err)
{
	char slug[LD_SLUG_LEN + 1] = "";
	char *place = NULL;
	int rc;

	if (strcmp(format, "yaml") == 0)
		return ld_pointer_format(out, p, err);
	if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
		return ae_fail(err, AE_EINVAL, "no such format: %s", format);
	/* the slug and the place of a signer the pointer only claims */
	if (ld_pointer_is_signed(p))
		ld_slug_from_signer(slug, ld_pointer_signer_issuer(p),
				    ld_pointer_signer_identity(p), NULL);
	if (ld_pointer_is_signed(p) && ld_pointer_bundle_digest(p)[0])
		ld_pointer_path(&place, p, LD_EVIDENCE_ROOT, NULL);
	if (strcmp(format, "json") == 0)
		rc = show_json(out, file, p, slug, place, err);
	else
		rc = show_text(out, file, p, slug, place, err);
	free(place);
	return rc;
}
