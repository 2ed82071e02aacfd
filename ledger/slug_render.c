/* ledger/slug_render.c -- what `aicr-evidence slug` prints
 *
 * The slug of a signer alone, or with --format json the signer it was
 * made from beside it, so a maintainer can write the `source:` of an
 * allowlist entry (cmd/slug.c prints the buffer).
 */
#include "ledger/ledger.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

int ld_slug_render(ae_buf *out, const char *issuer, const char *identity,
		   bool json, ae_err *err)
{
	char slug[LD_SLUG_LEN + 1];
	char *text = NULL;
	json_t *j;
	int rc;

	rc = ld_slug_from_signer(slug, issuer, identity, err);
	if (rc < 0)
		return rc;
	if (!json)
		return ae_buf_printf(out, err, "%s\n", slug);
	if (!ae_utf8_valid(issuer, strlen(issuer)) ||
	    !ae_utf8_valid(identity, strlen(identity)))
		return ae_fail(err, AE_EINVAL,
			       "--format json needs --issuer and --identity "
			       "in UTF-8");
	j = json_pack("{s:s, s:s, s:s}", "issuer", issuer, "identity", identity,
		      "slug", slug);
	text = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
	json_decref(j);
	if (text == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	rc = ae_buf_printf(out, err, "%s\n", text);
	free(text);
	return rc;
}
