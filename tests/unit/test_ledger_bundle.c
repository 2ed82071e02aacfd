/* tests/unit/test_ledger_bundle.c -- signing a bundle for its pointer and
 * the emit/sign reports (ledger/bundle_sign.c, ledger/bundle_report.c)
 *
 * What only the e2e tests of `sign` and `emit` reached before these moved
 * out of cmd/: --relocate's no-clobber rule, the refusals of ld_pointer_sign
 * that come before any token or request, and the reports' escaping and
 * shell quoting.
 */
#include "ledger/ledger.h"
#include "tests/unit/t.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DIGEST                                                                 \
	"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* A v3 pointer for recipe `recipe`, signed by `identity` when not NULL. */
static ld_pointer *pointer_of(const char *recipe, const char *identity)
{
	ld_pointer_fields f = LD_POINTER_FIELDS_INIT;
	ld_pointer *p = NULL;
	ae_err err = {0};

	f.recipe = recipe;
	f.predicate_type = LD_PREDICATE_V3;
	f.attested_at = "2026-06-25T05:57:00Z";
	f.bundle_oci = identity ? "reg.example/evidence:t" : NULL;
	f.bundle_digest = identity ? DIGEST : NULL;
	f.signer_identity = identity;
	f.signer_issuer = identity ? "https://issuer.example" : NULL;
	f.rekor_log_index = identity ? 7 : 0;
	T_ASSERT_INT(ld_pointer_new(&p, &f, &err), 0);
	return p;
}

void test_ledger_bundle__relocate_never_clobbers_another_pointer(void)
{
	ld_pointer *p = pointer_of("h100-eks", "ci@example.test");
	char *dest = NULL;
	struct stat st;
	ae_err err = {0};

	T_ASSERT_INT(chdir(t_tmpdir()), 0);
	T_ASSERT_INT(ld_pointer_write(AT_FDCWD, "flat.yaml", p, &err), 0);
	T_ASSERT_INT(ld_pointer_relocate(&dest, "flat.yaml", p, &err), 0);
	T_ASSERT(strncmp(dest, LD_EVIDENCE_ROOT "/", 17) == 0);
	T_ASSERT(stat(dest, &st) == 0 && stat("flat.yaml", &st) != 0);
	free(dest);
	/* the same pointer again: idempotent, the flat file goes */
	T_ASSERT_INT(ld_pointer_write(AT_FDCWD, "flat.yaml", p, &err), 0);
	T_ASSERT_INT(ld_pointer_relocate(&dest, "flat.yaml", p, &err), 0);
	T_ASSERT(stat("flat.yaml", &st) != 0);
	free(dest);
	/* another file at the place: a conflict, the flat file stays */
	T_ASSERT_INT(ld_pointer_path(&dest, p, LD_EVIDENCE_ROOT, &err), 0);
	t_write_file(dest, "schemaVersion: other\n", 21);
	free(dest);
	dest = NULL;
	T_ASSERT_INT(ld_pointer_write(AT_FDCWD, "flat.yaml", p, &err), 0);
	T_ASSERT_INT(ld_pointer_relocate(&dest, "flat.yaml", p, &err),
		     AE_EEXISTS);
	T_ASSERT(dest == NULL);
	T_ASSERT(stat("flat.yaml", &st) == 0);
	ld_pointer_free(p);
}

void test_ledger_bundle__sign_refuses_before_any_token(void)
{
	ld_pointer *p = pointer_of("r", "ci@example.test"), *out = NULL;
	ld_signed oc;
	ev_sign_run_opts o;
	ae_err err = {0};

	memset(&oc, 0, sizeof(oc));
	memset(&o, 0, sizeof(o)); /* no token source at all */
	T_ASSERT_INT(chdir(t_tmpdir()), 0);
	T_ASSERT_INT(ld_pointer_write(AT_FDCWD, "signed.yaml", p, &err), 0);
	T_ASSERT_INT(ld_pointer_sign(&out, &oc, "signed.yaml", "sb", NULL, &o,
				     &err),
		     AE_EEXISTS);
	T_ASSERT(strstr(err.msg, "already signed") != NULL);
	ld_pointer_free(p);
	p = pointer_of("r", NULL);
	ae_err_clear(&err);
	T_ASSERT_INT(ld_pointer_write(AT_FDCWD, "unsigned.yaml", p, &err), 0);
	T_ASSERT_INT(ld_pointer_sign(&out, &oc, "unsigned.yaml", "sb", NULL,
				     &o, &err),
		     AE_EINVAL);
	T_ASSERT(strstr(err.msg, "pass --ref") != NULL);
	T_ASSERT(out == NULL && oc.signed_by == NULL);
	ld_pointer_free(p);
}

void test_ledger_bundle__reports_escape_the_signer_and_quote_paths(void)
{
	ev_sign_result s = {0};
	ld_signed oc;
	ld_pointer *p = pointer_of("r", "ci@example.test");
	ld_report_in in = {0};
	ae_buf b = AE_BUF_INIT(LD_REPORT_MAX_BYTES);
	ae_err err = {0};
	char *text;

	memset(&oc, 0, sizeof(oc));
	s.identity = "evil\n\x1b[2Jsigned:   admin";
	s.issuer = "https://issuer.example";
	s.log_index = 42;
	s.bundle = (unsigned char *)"{}";
	s.bundle_len = 2;
	oc.signed_by = &s;
	snprintf(oc.oci, sizeof(oc.oci), "reg.example/evidence:t");
	snprintf(oc.digest, sizeof(oc.digest), DIGEST);
	in.out = "my out";
	in.ptr_path = "my out/pointer.yaml";
	in.sbdir = "my out/summary-bundle";
	in.oc = &oc;
	in.p = p;
	T_ASSERT_INT(ld_sign_report_text(&b, &in, &err), 0);
	T_ASSERT_INT(ae_buf_put(&b, "", 1, &err), 0);
	text = (char *)b.data;
	/* one line per field: the identity cannot start a line of its own */
	T_ASSERT(strncmp(text, "signed:   evil", 14) == 0);
	T_ASSERT(strchr(text, '\x1b') == NULL);
	T_ASSERT(strstr(text, "\nsigned:   admin") == NULL);
	T_ASSERT(strstr(text, "rekor log index 42 [verified]\n") != NULL);
	T_ASSERT(strstr(text, "next:     aicr-evidence push my out --to "
			      "reg.example/evidence:t\n") != NULL);
	ae_buf_dispose(&b);
	ae_buf_init(&b, LD_REPORT_MAX_BYTES);
	T_ASSERT_INT(ld_sign_report_json(&b, &in, &err), 0);
	T_ASSERT_INT(ae_buf_put(&b, "", 1, &err), 0);
	text = (char *)b.data;
	T_ASSERT(strstr(text, "\"command\": \"aicr-evidence push 'my out' "
			      "--to reg.example/evidence:t\"") != NULL);
	T_ASSERT(strstr(text, "\"rekorLogIndex\": 42") != NULL);
	T_ASSERT(text[b.len - 2] == '\n');
	ae_buf_dispose(&b);
	ld_pointer_free(p);
}
