/* ledger/push.c -- the push leg of `push OUT --to REF` and `emit --push`
 *
 * oci_bundle_push (oci/push_bundle.c) packs and pushes the bundle and its
 * signature referrer; here is the tag it goes out under when REF has
 * none (issue 24 item 7, issue 20 item 5): the one OUT/pointer.yaml
 * names for this artifact in this repository (ld_pointer_tag), else the
 * one rule of ld_bundle_tag over the artifact digest -- which is what
 * sign and emit derive too.
 */
#include "ledger/ledger.h"

typedef struct push_ctx {
	const char *dir;
	ld_client_fn client;
	void *ctx;
} push_ctx;

static int push_tag(char tag[129], const oci_ref *ref, const char *bundle,
		    const char *digest, void *ctx, ae_err *err)
{
	const push_ctx *p = ctx;
	int rc = ld_pointer_tag(tag, p->dir, ref, digest, err);

	if (rc < 0 || tag[0] != '\0')
		return rc;
	return ld_bundle_tag(tag, ref, bundle, digest, err);
}

static int push_client(oci_client **out, const oci_ref *ref, void *ctx,
		       ae_err *err)
{
	const push_ctx *p = ctx;

	return p->client(out, ref, p->ctx, err);
}

int ld_push(oci_pushed *out, const char *dir, const char *to,
	    ld_client_fn client, void *ctx, ae_err *err)
{
	push_ctx p = {dir, client, ctx};
	oci_push_hooks h = {push_tag, push_client, &p};

	return oci_bundle_push(out, dir, to, &h, err);
}
