/* tests/verify_only/main.c -- the Sigstore verifier linked alone
 * (`make verify-only`, issue 17): evidence/sigstore/ and the parts of
 * evidence/core/ it needs, no signer, no libcurl. It proves the arrow at
 * link time and is the smallest program an auditor can read the verifier
 * through.
 *
 *   verify-only BUNDLE ARTIFACT ISSUER IDENTITY [TRUSTED_ROOT]
 *
 * Exit 0 when the bundle verifies for the artifact (its bytes) and the
 * signer, 1 when it does not, 2 on a usage or input error.
 */
#include "evidence/sigstore/sigstore.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>

static int slurp(ae_buf *b, const char *path, size_t cap, ae_err *err)
{
	return ae_read_file(b, AT_FDCWD, path, cap, err);
}

int main(int argc, char **argv)
{
	ae_buf bundle, art, root;
	ev_trust *trust = NULL;
	ev_bundle *b = NULL;
	ev_signer *sg = NULL;
	ev_policy pol = EV_POLICY_INIT;
	ev_artifact a;
	ae_err err = {0};
	int rc;

	if (argc != 5 && argc != 6) {
		fprintf(stderr, "usage: verify-only BUNDLE ARTIFACT ISSUER "
				"IDENTITY [TRUSTED_ROOT]\n");
		return 2;
	}
	ae_buf_init(&bundle, EV_BUNDLE_MAX_BYTES);
	ae_buf_init(&art, EV_ARTIFACT_MAX_BYTES);
	ae_buf_init(&root, EV_TRUSTED_ROOT_MAX_BYTES);
	rc = slurp(&bundle, argv[1], EV_BUNDLE_MAX_BYTES, &err);
	if (rc == 0)
		rc = slurp(&art, argv[2], EV_ARTIFACT_MAX_BYTES, &err);
	if (rc == 0 && argc == 6)
		rc = slurp(&root, argv[5], EV_TRUSTED_ROOT_MAX_BYTES, &err);
	if (rc == 0)
		rc = argc == 6 ? ev_trust_new_json(&trust, root.data, root.len,
						   &err)
			       : ev_trust_new_default(&trust, &err);
	if (rc == 0)
		rc = ev_bundle_parse(&b, bundle.data, bundle.len, &err);
	if (rc == 0) {
		memset(&a, 0, sizeof(a));
		a.data = art.data;
		a.len = art.len;
		pol.issuer = argv[3];
		pol.identity = argv[4];
		rc = ev_bundle_verify(&sg, b, trust, &pol, &a, &err);
	}
	if (rc == 0)
		printf("OK: %s (%s)\n", sg->identity, sg->issuer);
	else
		fprintf(stderr, "verify-only: %s\n", err.msg);
	ev_signer_free(sg);
	ev_bundle_free(b);
	ev_trust_free(trust);
	ae_buf_dispose(&bundle);
	ae_buf_dispose(&art);
	ae_buf_dispose(&root);
	return rc == 0 ? 0 : rc == AE_EVERIFY ? 1 : 2;
}
