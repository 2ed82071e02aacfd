/* tests/unit/test_oci_report.c -- oci/report.c: the reports of `referrers`
 * and `pull`, built without a registry or a process (before issue 17 only
 * the e2e tests reached them) */
#include "t.h"
#include "oci/oci.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"

/* Two referrers: a hostile artifact type (a terminal escape) and a
 * signature. */
static oci_referrers *report_list(void)
{
	static const char idx[] =
		"{\"schemaVersion\":2,\"mediaType\":"
		"\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
		"{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
		"\"digest\":\"" D1 "\",\"size\":7,"
		"\"artifactType\":\"x/\\u001b[31mred\"},"
		"{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
		"\"digest\":\"" D2 "\",\"size\":9,\"artifactType\":\"" OCI_SIGSTORE_TYPE
		"\"}]}";
	oci_referrers *r = NULL;
	ae_err err = {0};

	T_ASSERT_INT(oci_referrers_new(&r, &err), 0);
	T_ASSERT_INT(oci_index_scan(r, (const unsigned char *)idx, strlen(idx),
				    false, &err),
		     0);
	T_ASSERT_INT(r->n, 2);
	return r;
}

void test_oci_report__referrers_text_escapes_the_artifact_type(void)
{
	ae_buf b = AE_BUF_INIT(1u << 20);
	oci_referrers *r = report_list();
	ae_err err = {0};

	T_ASSERT_INT(oci_referrers_report(&b, "reg/repo@" D1, D1, r, false,
					  &err),
		     0);
	T_ASSERT_INT(ae_buf_put(&b, "", 1, &err), 0);
	T_ASSERT_STR((char *)b.data,
		     "reg/repo@" D1 " (2 referrers, from the sha256-<hex> "
		     "tag)\n  x/\\x1b[31mred  " D1 "  7\n  " OCI_SIGSTORE_TYPE
		     "  " D2 "  9\n");
	oci_referrers_free(r);
	ae_buf_dispose(&b);
}

void test_oci_report__pull_report_names_the_chosen_referrer(void)
{
	ae_buf b = AE_BUF_INIT(1u << 20);
	oci_pull_result res;
	oci_ref ref;
	ae_err err = {0};
	json_error_t je;
	json_t *j;

	memset(&res, 0, sizeof(res));
	res.referrers = report_list();
	res.signed_ = true;
	snprintf(res.referrer_digest, sizeof(res.referrer_digest), "%s", D2);
	snprintf(res.referrers->items[0].why, sizeof(res.referrers->items[0].why),
		 "not\na bundle");
	T_ASSERT_INT(oci_ref_parse(&ref, "reg.example/repo@" D1, &err), 0);
	T_ASSERT_INT(oci_pull_report(&b, &ref, D1, "out\x1b", &res, 1, false,
				     &err),
		     0);
	T_ASSERT_INT(ae_buf_put(&b, "", 1, &err), 0);
	T_ASSERT_STR((char *)b.data,
		     "pulled reg.example/repo@" D1 " into out\\x1b (signature "
		     "referrer attached)\n  referrer " D1
		     " other: not\\x0aa bundle\n  referrer " D2 " chosen\n");
	b.len = 0;
	T_ASSERT_INT(oci_pull_report(&b, &ref, D1, "out", &res, 1, true, &err),
		     0);
	j = json_loadb((const char *)b.data, b.len, 0, &je);
	T_ASSERT(j != NULL);
	T_ASSERT_STR(json_string_value(json_object_get(j, "referrer")), D2);
	T_ASSERT_STR(json_string_value(json_object_get(
			     json_array_get(json_object_get(j, "referrers"), 1),
			     "state")),
		     "chosen");
	json_decref(j);
	oci_pull_result_dispose(&res);
	ae_buf_dispose(&b);
}
