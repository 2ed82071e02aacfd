/* tests/unit/test_evidence_verifyfiles.c -- what `sigstore verify-bundle`
 * refuses before it reads anything (evidence/sigstore/verify_files.c,
 * ev_verify_files_check), reached before only through the conformance
 * e2e runs
 */
#include "evidence/sigstore/sigstore.h"
#include "tests/unit/t.h"

void test_evidence_verifyfiles__a_policy_is_a_key_or_an_issuer_and_one_id(void)
{
	ev_verify_files f = {.bundle = "b.json", .artifact = "a"};
	ae_err err = {0};

	T_ASSERT_INT(ev_verify_files_check(&f, &err), AE_EINVAL);
	T_ASSERT_STR(err.msg, "give --certificate-oidc-issuer and one "
			      "--certificate-identity[-regexp], or --key");
	f.policy.issuer = "https://iss.test";
	T_ASSERT_INT(ev_verify_files_check(&f, NULL), AE_EINVAL);
	f.policy.identity = "me@x.test";
	T_ASSERT_INT(ev_verify_files_check(&f, NULL), 0);
	f.policy.identity_regex = ".*";
	T_ASSERT_INT(ev_verify_files_check(&f, NULL), AE_EINVAL);
	f.policy.identity = NULL;
	T_ASSERT_INT(ev_verify_files_check(&f, NULL), 0);
	f.key = "k.pub";
	ae_err_clear(&err);
	T_ASSERT_INT(ev_verify_files_check(&f, &err), AE_EINVAL);
	T_ASSERT_STR(err.msg, "--key excludes the certificate flags");
	f.policy = (ev_policy){0};
	T_ASSERT_INT(ev_verify_files_check(&f, NULL), 0);
	f.policy.issuer = "https://iss.test"; /* an issuer alone, too */
	T_ASSERT_INT(ev_verify_files_check(&f, NULL), AE_EINVAL);
	f.artifact = NULL;
	ae_err_clear(&err);
	T_ASSERT_INT(ev_verify_files_check(&f, &err), AE_EINVAL);
	T_ASSERT_STR(err.msg, "--bundle and FILE_OR_DIGEST are required");
}
