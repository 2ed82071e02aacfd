/* tests/unit/test_ledger.c -- ledger/: slugs, pointer V1 read, validate,
 * write, canonical path and copy-to hint (SPEC §3, reference §1, §2, §12.1,
 * §12.4) */
#include "t.h"
#include "ledger/ledger.h"
#include "tests/unit/pointer_fixture.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define OAUTH "https://github.com/login/oauth"
#define GHA   "https://token.actions.githubusercontent.com"
#define UAT_AWS                                                                \
	"https://github.com/NVIDIA/aicr/.github/workflows/uat-aws.yaml@refs/"  \
	"heads/main"

/* A valid signed pointer in the reference's shape (reference §1.4 golden),
 * with a legacy unknown key. */
static const char good[] = T_POINTER_SIGNED "    fingerprint: {legacy: true}\n";

/* `good` with the first occurrence of `from` replaced by `to`; static
 * buffer. */
static const char *edit(const char *from, const char *to)
{
	static char out[8192];
	const char *at = strstr(good, from);

	if (at == NULL)
		t_fail_at(__FILE__, __LINE__, "fixture lacks %s", from);
	snprintf(out, sizeof(out), "%.*s%s%s", (int)(at - good), good, to,
		 at + strlen(from));
	return out;
}

/* Checks `yaml`: returns the number of problems; the first message must
 * contain `needle` when one is given; the pointer must then be unusable. */
static size_t problems_of(const char *yaml, const char *needle)
{
	ae_problems pr = AE_PROBLEMS_INIT;
	ld_pointer *p = NULL;
	ae_err err = {0};
	size_t n;
	bool found = needle == NULL;

	T_ASSERT_INT(ld_pointer_check(&p, &pr, (const unsigned char *)yaml,
				      strlen(yaml), &err),
		     0);
	for (size_t i = 0; i < pr.n; i++) {
		if (needle != NULL && strstr(pr.v[i].msg, needle) != NULL)
			found = true;
	}
	if (!found)
		t_fail_at(__FILE__, __LINE__,
			  "no problem mentions \"%s\" (%zu: %s)", needle, pr.n,
			  pr.n ? pr.v[0].msg : "none");
	if (pr.n > 0 && p != NULL)
		T_ASSERT(!ld_pointer_is_valid(p));
	n = pr.n;
	ae_problems_dispose(&pr);
	ld_pointer_free(p);
	return n;
}

/* The strict parse must refuse `yaml` with `needle` in the message and
 * leave *out NULL. */
static void rejects(const char *yaml, const char *needle)
{
	ld_pointer *p = (ld_pointer *)1;
	ae_err err = {0};
	int rc = ld_pointer_parse(&p, (const unsigned char *)yaml, strlen(yaml),
				  &err);

	if (rc == 0)
		t_fail_at(__FILE__, __LINE__, "accepted, want \"%s\"", needle);
	T_ASSERT(p == NULL);
	T_ASSERT_MSG(err, needle);
}

static char *format(const ld_pointer *p)
{
	ae_buf b = AE_BUF_INIT(1 << 20);
	ae_err err = {0};

	if (ld_pointer_format(&b, p, &err) != 0)
		t_fail_at(__FILE__, __LINE__, "format: %s", err.msg);
	return (char *)ae_buf_detach(&b, NULL);
}

/* ---- slug ---- */

void test_ledger__slug_goldens_of_spec_section_3(void)
{
	char s[LD_SLUG_LEN + 1];
	ae_err err = {0};

	T_ASSERT_INT(
		ld_slug_from_signer(s, OAUTH, "yuanchen97@gmail.com", &err), 0);
	T_ASSERT_STR(s, "7c4c0edc8c765a95a0f3afdb3bbb8e91");
	T_ASSERT_INT(ld_slug_from_signer(s, GHA, UAT_AWS, &err), 0);
	T_ASSERT_STR(s, "a2f01812594e54d1a14278576fda2ed0");
	T_ASSERT_INT(strlen(s), 32);
}

void test_ledger__slug_refuses_an_empty_issuer_or_identity(void)
{
	char s[LD_SLUG_LEN + 1];
	ae_err err = {0};

	T_ASSERT_INT(ld_slug_from_signer(s, "", "a@b", &err), AE_EINVAL);
	T_ASSERT_STR(s, "");
	T_ASSERT_MSG(err, "issuer");
	ae_err_clear(&err);
	T_ASSERT_INT(ld_slug_from_signer(s, OAUTH, "", &err), AE_EINVAL);
	T_ASSERT_MSG(err, "identity");
	ae_err_clear(&err);
	T_ASSERT_INT(ld_slug_from_signer(s, NULL, "a", &err), AE_EINVAL);
}

void test_ledger__slug_separates_issuer_from_identity(void)
{
	char a[LD_SLUG_LEN + 1], b[LD_SLUG_LEN + 1];

	T_ASSERT_INT(ld_slug_from_signer(a, "ab", "c", NULL), 0);
	T_ASSERT_INT(ld_slug_from_signer(b, "a", "bc", NULL), 0);
	T_ASSERT(strcmp(a, b) != 0);
}

void test_ledger__slug_does_not_normalise(void)
{
	char a[LD_SLUG_LEN + 1], b[LD_SLUG_LEN + 1];

	T_ASSERT_INT(
		ld_slug_from_signer(a, OAUTH, "Yuanchen97@gmail.com", NULL), 0);
	T_ASSERT_INT(
		ld_slug_from_signer(b, OAUTH, "yuanchen97@gmail.com", NULL), 0);
	T_ASSERT(strcmp(a, b) != 0);
	T_ASSERT_INT(
		ld_slug_from_signer(b, OAUTH "/", "Yuanchen97@gmail.com", NULL),
		0);
	T_ASSERT(strcmp(a, b) != 0);
}

/* ---- reading ---- */

void test_ledger__a_reference_pointer_parses_with_its_fields(void)
{
	ld_pointer *p = t_pointer_parse_ok(good);

	T_ASSERT(ld_pointer_is_valid(p));
	T_ASSERT_STR(ld_pointer_schema_version(p), "1.0.0");
	T_ASSERT_STR(ld_pointer_recipe(p), "h100-gke-cos-training");
	T_ASSERT(ld_pointer_profile(p) == NULL);
	T_ASSERT_STR(ld_pointer_bundle_digest(p), "sha256:" T_POINTER_HEX);
	T_ASSERT_STR(ld_pointer_predicate_type(p), LD_PREDICATE_V3);
	T_ASSERT(ld_pointer_is_signed(p));
	T_ASSERT_STR(ld_pointer_signer_identity(p), "yuanchen97@gmail.com");
	T_ASSERT_STR(ld_pointer_signer_issuer(p), OAUTH);
	T_ASSERT_INT(ld_pointer_rekor_log_index(p), 42);
	T_ASSERT_STR(ld_pointer_attested_at(p), "2026-06-25T05:57:00Z");
	ld_pointer_free(p);
}

void test_ledger__unknown_keys_are_tolerated_on_read(void)
{
	ld_pointer *p = t_pointer_parse_ok(
		edit("recipe:", "phaseSummary: [1, 2]\nrecipe:"));

	T_ASSERT(ld_pointer_is_valid(p));
	ld_pointer_free(p);
}

/* Tolerated, but named: the contract checker refuses them in a committed
 * pointer (issue 15). */
void test_ledger__unknown_keys_are_named_and_counted(void)
{
	ld_pointer *p = t_pointer_parse_ok(
		edit("recipe:", "phaseSummary: [1, 2]\nrecipe:"));
	size_t n = 0;

	T_ASSERT_STR(ld_pointer_unknown_key(p, &n), "phaseSummary");
	T_ASSERT_INT(n, 2); /* and attestations[0].fingerprint */
	ld_pointer_free(p);
	p = t_pointer_parse_ok(good);
	T_ASSERT_STR(ld_pointer_unknown_key(p, &n),
		     "attestations[0].fingerprint");
	T_ASSERT_INT(n, 1);
	ld_pointer_free(p);
	p = t_pointer_parse_ok(edit("    fingerprint: {legacy: true}\n", ""));
	T_ASSERT(ld_pointer_unknown_key(p, &n) == NULL);
	T_ASSERT_INT(n, 0);
	ld_pointer_free(p);
	p = t_pointer_parse_ok(
		edit("      issuer:", "      x-extra: 1\n      issuer:"));
	T_ASSERT_STR(ld_pointer_unknown_key(p, &n),
		     "attestations[0].fingerprint");
	T_ASSERT_INT(n, 2); /* and attestations[0].signer.x-extra */
	ld_pointer_free(p);
}

void test_ledger__schema_version_must_be_1_0_x(void)
{
	ld_pointer *p = t_pointer_parse_ok(edit("1.0.0", "\"1.0\""));

	ld_pointer_free(p);
	p = t_pointer_parse_ok(edit("1.0.0", "1.0.7"));
	ld_pointer_free(p);
	rejects(edit("1.0.0", "2.0.0"), "schemaVersion");
	rejects(edit("1.0.0", "1.0.x"), "schemaVersion");
	rejects(edit("1.0.0", "1.0."), "schemaVersion");
	rejects(edit("schemaVersion: 1.0.0\n", ""), "schemaVersion: missing");
}

void test_ledger__recipe_must_be_one_plain_path_element(void)
{
	rejects(edit("recipe: h100-gke-cos-training", "recipe: ../../etc/evil"),
		"recipe");
	rejects(edit("recipe: h100-gke-cos-training", "recipe: /abs/evil"),
		"recipe");
	rejects(edit("recipe: h100-gke-cos-training", "recipe: .."), "recipe");
	rejects(edit("recipe: h100-gke-cos-training", "recipe: a/b"), "recipe");
	rejects(edit("recipe: h100-gke-cos-training", "recipe: \"a b\""),
		"recipe");
	rejects(edit("recipe: h100-gke-cos-training\n", ""), "recipe: missing");
	rejects(edit("recipe: h100-gke-cos-training", "recipe: \"\""),
		"recipe: empty");
	rejects(edit("recipe: h100-gke-cos-training", "recipe: null"),
		"recipe: missing");
}

void test_ledger__a_field_of_the_wrong_type_is_named(void)
{
	rejects(edit("recipe: h100-gke-cos-training", "recipe: {a: 1}"),
		"line 2: recipe: must be a string, not a mapping");
	rejects(edit("identity: yuanchen97@gmail.com", "identity: [x]"),
		"signer.identity: must be a string, not a list");
	rejects(edit("    signer:\n      identity: yuanchen97@gmail.com\n"
		     "      issuer: https://github.com/login/oauth\n"
		     "      rekorLogIndex: 42\n",
		     "    signer: yes\n"),
		"signer: must be a mapping");
	rejects(edit("  - bundle:\n", "  - bundle: x\n    other:\n"),
		"bundle: must be a mapping");
}

void test_ledger__profile_must_be_a_selection_matching_the_recipe(void)
{
	ld_pointer *p;

	p = t_pointer_parse_ok(
		edit("recipe: h100-gke-cos-training",
		     "profile: gpuStack=operator-managed\n"
		     "recipe: h100-aks-ubuntu-training-gpustack-operator-"
		     "managed"));
	T_ASSERT_STR(ld_pointer_profile(p), "gpuStack=operator-managed");
	ld_pointer_free(p);
	rejects(edit("recipe: h100-gke-cos-training",
		     "profile: gpuStack=operator-managed\n"
		     "recipe: h100-gke-cos-training"),
		"profile path segment");
	rejects(edit("recipe: h100-gke-cos-training",
		     "profile: not-a-selection\nrecipe: x-not-a-selection"),
		"profile: must be <name>=<value>");
	rejects(edit("recipe:", "profile: \"a b=c\"\nrecipe:"), "profile");
	rejects(edit("recipe:", "profile: a=b=c\nrecipe:"), "profile");
	rejects(edit("recipe:", "profile: =c\nrecipe:"), "profile");
	rejects(edit("recipe:", "profile: a=\nrecipe:"), "profile");
	/* An empty profile is no profile. */
	p = t_pointer_parse_ok(edit("recipe:", "profile: \"\"\nrecipe:"));
	T_ASSERT(ld_pointer_profile(p) == NULL);
	ld_pointer_free(p);
}

void test_ledger__exactly_one_attestation(void)
{
	const char *two = edit("    attestedAt: 2026-06-25T05:57:00Z\n",
			       "    attestedAt: 2026-06-25T05:57:00Z\n"
			       "  - bundle: {}\n");

	rejects(two, "exactly one attestation, got 2");
	rejects(edit("attestations:\n  - bundle:",
		     "attestations: []\nx:\n  - bundle:"),
		"exactly one attestation, got 0");
	rejects(edit("attestations:\n  - bundle:",
		     "attestations: {}\nx:\n  - bundle:"),
		"attestations: must be a list");
	rejects(edit("attestations:\n", "legacy:\n"), "attestations: missing");
	rejects(edit("attestations:\n  - bundle:",
		     "attestations:\n  - 1\nx:\n  - bundle:"),
		"attestations[0]: must be a mapping");
}

void test_ledger__predicate_type_is_v1_v2_or_v3_and_coherent(void)
{
	ld_pointer *p = t_pointer_parse_ok(edit("v3", "v1"));

	ld_pointer_free(p);
	rejects(edit("https://aicr.run/recipe-evidence/v3",
		     "https://aicr.nvidia.com/recipe-evidence/v1"),
		"unexpected predicateType");
	rejects(edit("v3", "v9"), "unexpected predicateType");
	rejects(edit("v3", "v2"), "v2 predicate requires a profile");
	{
		char buf[8192];
		char *v;
		snprintf(buf, sizeof(buf), "%s",
			 edit("recipe: h100-gke-cos-training",
			      "profile: a=b\nrecipe: r-a-b"));
		v = strstr(buf, "evidence/v3");
		memcpy(v, "evidence/v1", 11);
		rejects(buf, "v1 predicate cannot carry a profile");
	}
	rejects(edit("      predicateType: "
		     "https://aicr.run/recipe-evidence/v3\n",
		     ""),
		"predicateType: missing");
}

void test_ledger__digest_must_be_sha256_and_64_lowercase_hex(void)
{
	static const char *const bad[] = {
		"sha256:../../etc/evil",
		"sha256:a/b",
		"sha256:..",
		"sha256:zz" T_POINTER_HEX,
		"sha256:abc",
		"sha256:" T_POINTER_HEX "0",
		"md5:" T_POINTER_HEX,
		"sha256:"
		"33D4CF36622EAD990C43A596F6F53C62B87D9FA4708F59B7E3F356F215E543"
		"17",
		"sha512:" T_POINTER_HEX,
	};
	char d63[80];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char line[200];
		snprintf(line, sizeof(line), "digest: %s", bad[i]);
		rejects(edit("digest: sha256:" T_POINTER_HEX, line),
			"bundle.digest: must be sha256:");
	}
	snprintf(d63, sizeof(d63), "digest: sha256:%.63s", T_POINTER_HEX);
	rejects(edit("digest: sha256:" T_POINTER_HEX, d63), "bundle.digest");
}

void test_ledger__pushed_or_signed_pointers_need_a_digest(void)
{
	rejects(edit("digest: sha256:" T_POINTER_HEX, "digest: \"\""),
		"bundle.oci says the bundle was pushed");
	rejects(edit("      digest: sha256:" T_POINTER_HEX "\n", ""),
		"bundle.digest: empty");
	rejects("attestations:\n"
		"  - attestedAt: 2026-06-25T05:57:00Z\n"
		"    bundle:\n"
		"      predicateType: https://aicr.run/recipe-evidence/v3\n"
		"    signer:\n"
		"      identity: a@b\n"
		"      issuer: https://github.com/login/oauth\n"
		"recipe: r\n"
		"schemaVersion: 1.0.0\n",
		"a signed pointer must name");
}

void test_ledger__an_unpushed_unsigned_pointer_is_valid(void)
{
	static const char pending[] =
		"attestations:\n"
		"  - attestedAt: 2026-06-25T05:57:00Z\n"
		"    bundle:\n"
		"      digest: \"\"\n"
		"      oci: \"\"\n"
		"      predicateType: https://aicr.run/recipe-evidence/v3\n"
		"recipe: r\n"
		"schemaVersion: 1.0.0\n";
	ld_pointer *p = t_pointer_parse_ok(pending);
	char *out = format(p);

	T_ASSERT(!ld_pointer_is_signed(p));
	T_ASSERT_STR(ld_pointer_bundle_oci(p), "");
	T_ASSERT_STR(out, pending);
	free(out);
	ld_pointer_free(p);
}

void test_ledger__oci_reference_has_no_scheme(void)
{
	rejects(edit("oci: ghcr.io", "oci: oci://ghcr.io"), "bundle.oci");
	rejects(edit("oci: ghcr.io", "oci: \"ghcr.io x\"\n      x: ghcr.io"),
		"bundle.oci: must be a registry reference");
}

void test_ledger__signer_needs_identity_and_issuer(void)
{
	rejects(edit("      identity: yuanchen97@gmail.com\n", ""),
		"signer.identity: missing");
	rejects(edit("      issuer: https://github.com/login/oauth\n", ""),
		"signer.issuer: missing");
	rejects(edit("identity: yuanchen97@gmail.com", "identity: \"\""),
		"signer.identity: empty");
}

void test_ledger__a_null_signer_means_unsigned(void)
{
	ld_pointer *p =
		t_pointer_parse_ok(edit("    signer:\n      identity: "
					"yuanchen97@gmail.com\n      issuer: "
					"https://github.com/login/oauth\n      "
					"rekorLogIndex: 42\n",
					"    signer: null\n"));

	T_ASSERT(!ld_pointer_is_signed(p));
	T_ASSERT(ld_pointer_signer_identity(p) == NULL);
	ld_pointer_free(p);
}

void test_ledger__rekor_log_index_is_a_plain_int64(void)
{
	ld_pointer *p;

	rejects(edit("rekorLogIndex: 42", "rekorLogIndex: \"42\""),
		"rekorLogIndex: must be a plain decimal integer");
	rejects(edit("rekorLogIndex: 42", "rekorLogIndex: -1"),
		"rekorLogIndex");
	rejects(edit("rekorLogIndex: 42", "rekorLogIndex: 042"),
		"rekorLogIndex");
	rejects(edit("rekorLogIndex: 42", "rekorLogIndex: 4.2"),
		"rekorLogIndex");
	rejects(edit("rekorLogIndex: 42", "rekorLogIndex: 9223372036854775808"),
		"rekorLogIndex");
	rejects(edit("rekorLogIndex: 42", "rekorLogIndex: [1]"),
		"rekorLogIndex: must be an integer, not a list");
	p = t_pointer_parse_ok(edit("rekorLogIndex: 42",
				    "rekorLogIndex: 9223372036854775807"));
	T_ASSERT(ld_pointer_rekor_log_index(p) == INT64_MAX);
	ld_pointer_free(p);
	/* Index 0 is a real index (the first entry of a log shard): it reads
	 * as 0, distinct from a pointer without the key (issue 17). */
	p = t_pointer_parse_ok(edit("rekorLogIndex: 42", "rekorLogIndex: 0"));
	T_ASSERT_INT(ld_pointer_rekor_log_index(p), 0);
	ld_pointer_free(p);
	p = t_pointer_parse_ok(edit("      rekorLogIndex: 42\n", ""));
	T_ASSERT(ld_pointer_is_signed(p));
	T_ASSERT(ld_pointer_rekor_log_index(p) == LD_REKOR_ABSENT);
	ld_pointer_free(p);
}

void test_ledger__a_claimed_index_0_is_claimed_and_an_absent_one_is_not(void)
{
	ev_pointer_claim c;
	ld_pointer *p;

	p = t_pointer_parse_ok(edit("rekorLogIndex: 42", "rekorLogIndex: 0"));
	ld_pointer_claim(&c, p, "x.yaml");
	T_ASSERT(c.has_signer);
	T_ASSERT(c.has_rekor_index);
	T_ASSERT(c.rekor_index == 0);
	T_ASSERT_STR(c.path, "x.yaml");
	ld_pointer_free(p);
	p = t_pointer_parse_ok(edit("      rekorLogIndex: 42\n", ""));
	ld_pointer_claim(&c, p, "x.yaml");
	T_ASSERT(c.has_signer);
	T_ASSERT(!c.has_rekor_index);
	ld_pointer_free(p);
	p = t_pointer_parse_ok(good);
	ld_pointer_claim(&c, p, "x.yaml");
	T_ASSERT(c.has_rekor_index);
	T_ASSERT(c.rekor_index == 42);
	ld_pointer_free(p);
}

void test_ledger__attested_at_is_rfc3339_utc_whole_seconds(void)
{
	static const char *const bad[] = {
		"2026-06-25T05:57:00.5Z",
		"2026-06-25T05:57:00+02:00",
		"2026-06-25 05:57:00Z",
		"2026-02-30T05:57:00Z",
		"2026-13-01T05:57:00Z",
		"2026-06-25T24:00:00Z",
		"2026-06-25T05:60:00Z",
		"2026-06-25T05:57:60Z",
		"2026-06-25",
		"x026-06-25T05:57:00Z",
	};
	ld_pointer *p;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char line[100];
		snprintf(line, sizeof(line), "attestedAt: \"%s\"", bad[i]);
		rejects(edit("attestedAt: 2026-06-25T05:57:00Z", line),
			"attestedAt: must be RFC 3339");
	}
	rejects(edit("    attestedAt: 2026-06-25T05:57:00Z\n", ""),
		"attestedAt: missing");
	p = t_pointer_parse_ok(
		edit("2026-06-25T05:57:00Z", "2024-02-29T23:59:59Z"));
	ld_pointer_free(p);
}

void test_ledger__control_characters_and_bad_utf8_are_refused(void)
{
	rejects(edit("identity: yuanchen97@gmail.com",
		     "identity: \"yuan\\x01@gmail.com\""),
		"control character");
	rejects(edit("identity: yuanchen97@gmail.com",
		     "identity: \"yuan\\n@gmail.com\""),
		"control character");
	rejects(edit("identity: yuanchen97@gmail.com",
		     "identity: \"yuan\\u0085@gmail.com\""),
		"control character");
}

void test_ledger__yaml_aliases_tags_and_duplicate_keys_are_refused(void)
{
	rejects(edit("recipe: h100-gke-cos-training",
		     "recipe: &r h100-gke-cos-training\nx: *r"),
		"anchors");
	rejects(edit("recipe: h100-gke-cos-training",
		     "recipe: h100-gke-cos-training\nrecipe: other"),
		"duplicate key");
	rejects(edit("recipe: h100", "recipe: !!str h100"), "tags");
	rejects("- a\n", "must be a YAML mapping");
	rejects("", "empty document");
	rejects("a: [", "pointer: line");
}

void test_ledger__every_problem_is_listed_not_only_the_first(void)
{
	const char *y = "schemaVersion: 9\n"
			"recipe: ../x\n"
			"attestations:\n"
			"  - bundle:\n"
			"      digest: md5:x\n"
			"      oci: \"\"\n"
			"      predicateType: nope\n"
			"    attestedAt: yesterday\n";

	T_ASSERT_INT(problems_of(y, "schemaVersion"), 5);
	T_ASSERT_INT(problems_of(y, "line 2: recipe"), 5);
	T_ASSERT_INT(problems_of(y, "line 5: attestations[0].bundle.digest"),
		     5);
	T_ASSERT_INT(problems_of(y, "predicateType"), 5);
	T_ASSERT_INT(problems_of(y, "line 8: attestations[0].attestedAt"), 5);
	T_ASSERT_INT(problems_of(good, NULL), 0);
}

void test_ledger__check_keeps_the_fields_of_a_broken_pointer(void)
{
	ae_problems pr = AE_PROBLEMS_INIT;
	ld_pointer *p = NULL;
	const char *y = edit("2026-06-25T05:57:00Z", "soon");

	T_ASSERT_INT(ld_pointer_check(&p, &pr, (const unsigned char *)y,
				      strlen(y), NULL),
		     0);
	T_ASSERT_INT(pr.n, 1);
	T_ASSERT(p != NULL && !ld_pointer_is_valid(p));
	T_ASSERT_STR(ld_pointer_recipe(p), "h100-gke-cos-training");
	T_ASSERT_STR(ld_pointer_signer_identity(p), "yuanchen97@gmail.com");
	ae_problems_dispose(&pr);
	ld_pointer_free(p);
}

/* ---- caps and files ---- */

/* Writes `good` padded with a comment to exactly `size` bytes. */
static void write_padded(const char *path, size_t size)
{
	char *buf = malloc(size);
	size_t n = strlen(good);

	T_ASSERT(buf != NULL && size > n + 2);
	memcpy(buf, good, n);
	buf[n] = '#';
	memset(buf + n + 1, 'x', size - n - 2);
	buf[size - 1] = '\n';
	t_write_file(path, buf, size);
	free(buf);
}

void test_ledger__pointer_read_at_cap_passes_and_cap_plus_one_fails(void)
{
	ld_pointer *p = NULL;
	ae_err err = {0};

	write_padded(t_path("at.yaml"), LD_POINTER_MAX_BYTES);
	T_ASSERT_INT(ld_pointer_read(&p, AT_FDCWD, t_path("at.yaml"), &err), 0);
	T_ASSERT(p != NULL);
	ld_pointer_free(p);
	p = (ld_pointer *)1;
	write_padded(t_path("over.yaml"), LD_POINTER_MAX_BYTES + 1);
	T_ASSERT_INT(ld_pointer_read(&p, AT_FDCWD, t_path("over.yaml"), &err),
		     AE_ETOOBIG);
	T_ASSERT(p == NULL);
}

void test_ledger__check_reports_a_buffer_over_the_cap(void)
{
	size_t n = LD_POINTER_MAX_BYTES + 1;
	unsigned char *buf = calloc(1, n);
	ae_problems pr = AE_PROBLEMS_INIT;
	ld_pointer *p = NULL;
	ae_err err = {0};

	T_ASSERT(buf != NULL);
	T_ASSERT_INT(ld_pointer_check(&p, &pr, buf, n, NULL), 0);
	T_ASSERT_INT(pr.n, 1);
	T_ASSERT_INT(pr.v[0].code, AE_ETOOBIG);
	T_ASSERT(p == NULL);
	ae_problems_dispose(&pr);
	T_ASSERT_INT(ld_pointer_parse(&p, buf, n, &err), AE_ETOOBIG);
	T_ASSERT(p == NULL);
	free(buf);
}

void test_ledger__pointer_read_refuses_symlinks_and_missing_files(void)
{
	ld_pointer *p = (ld_pointer *)1;
	ae_err err = {0};
	char target[4096];

	t_write_file(t_path("real.yaml"), good, strlen(good));
	snprintf(target, sizeof(target), "%s", t_path("real.yaml"));
	T_ASSERT_INT(symlink(target, t_path("link.yaml")), 0);
	T_ASSERT_INT(ld_pointer_read(&p, AT_FDCWD, t_path("link.yaml"), &err),
		     AE_EINVAL);
	T_ASSERT(p == NULL);
	ae_err_clear(&err);
	T_ASSERT_INT(ld_pointer_read(&p, AT_FDCWD, t_path("none.yaml"), &err),
		     AE_ENOTFOUND);
	T_ASSERT(p == NULL);
}

/* ---- writing ---- */

void test_ledger__writer_sorts_keys_with_two_space_indent(void)
{
	static const char want[] =
		"attestations:\n"
		"  - attestedAt: 2026-06-25T05:57:00Z\n"
		"    bundle:\n"
		"      digest: sha256:" T_POINTER_HEX "\n"
		"      oci: ghcr.io/yuanchen97/aicr-evidence:h100-gke-cos-"
		"training-1a\n"
		"      predicateType: https://aicr.run/recipe-evidence/v3\n"
		"    signer:\n"
		"      identity: yuanchen97@gmail.com\n"
		"      issuer: https://github.com/login/oauth\n"
		"      rekorLogIndex: 42\n"
		"recipe: h100-gke-cos-training\n"
		"schemaVersion: 1.0.0\n";
	ld_pointer *p = t_pointer_parse_ok(good);
	char *out = format(p);

	T_ASSERT_STR(out, want);
	T_ASSERT(strstr(out, "attestations:\n  - ") != NULL);
	T_ASSERT(strstr(out, "\n    - ") == NULL);
	T_ASSERT(strstr(out, "fingerprint") == NULL);
	for (const char *l = out; *l != '\0'; l = strchr(l, '\n') + 1) {
		size_t ind = strspn(l, " ");
		T_ASSERT(ind % 2 == 0);
	}
	free(out);
	ld_pointer_free(p);
}

void test_ledger__written_pointers_round_trip_byte_identically(void)
{
	ld_pointer *p = t_pointer_parse_ok(good), *q = NULL;
	char *a = format(p), *b;

	q = t_pointer_parse_ok(a);
	b = format(q);
	T_ASSERT_STR(b, a);
	free(a);
	free(b);
	ld_pointer_free(p);
	ld_pointer_free(q);
}

void test_ledger__strings_yaml_would_misread_are_quoted(void)
{
	ld_pointer_fields f = LD_POINTER_FIELDS_INIT;
	ld_pointer *p = NULL, *q = NULL;
	ae_err err = {0};
	char *a, *b;

	f.schema_version = "1.0";
	f.recipe = "true";
	f.predicate_type = LD_PREDICATE_V3;
	f.bundle_oci = "ghcr.io/o/r:t";
	f.bundle_digest = "sha256:" T_POINTER_HEX;
	f.signer_issuer = "https://issuer.example/#frag: x";
	f.signer_identity =
		"J\xc3\xbcrgen \"q\" \\ \xe2\x80\xa8 \xf0\x9f\x98\x80@x";
	f.attested_at = "2026-06-25T05:57:00Z";
	T_ASSERT_INT(ld_pointer_new(&p, &f, &err), 0);
	a = format(p);
	T_ASSERT(strstr(a, "recipe: \"true\"\n") != NULL);
	T_ASSERT(strstr(a, "schemaVersion: \"1.0\"\n") != NULL);
	T_ASSERT(strstr(a, "issuer: \"https://issuer.example/#frag: x\"\n") !=
		 NULL);
	T_ASSERT(strstr(a, "identity: \"J\\u00FCrgen \\\"q\\\" \\\\ \\u2028 "
			   "\\U0001F600@x\"\n") != NULL);
	q = t_pointer_parse_ok(a);
	T_ASSERT_STR(ld_pointer_signer_identity(q), f.signer_identity);
	T_ASSERT_STR(ld_pointer_recipe(q), "true");
	b = format(q);
	T_ASSERT_STR(b, a);
	free(a);
	free(b);
	ld_pointer_free(p);
	ld_pointer_free(q);
}

/* The identity as yaml.v3 writes it: plain when it starts with a digit
 * but no schema can read it as a number or a time; quoted otherwise. */
static void expect_identity_written(const char *identity, const char *line)
{
	ld_pointer_fields f = LD_POINTER_FIELDS_INIT;
	ld_pointer *p = NULL, *q = NULL;
	ae_err err = {0};
	char *a;

	f.recipe = "r";
	f.predicate_type = LD_PREDICATE_V3;
	f.bundle_oci = "ghcr.io/o/r:t";
	f.bundle_digest = "sha256:" T_POINTER_HEX;
	f.signer_issuer = "https://github.com/login/oauth";
	f.signer_identity = identity;
	f.attested_at = "2026-06-25T05:57:00Z";
	T_ASSERT_INT(ld_pointer_new(&p, &f, &err), 0);
	a = format(p);
	if (strstr(a, line) == NULL)
		t_fail_at(__FILE__, __LINE__, "want %s in:\n%s", line, a);
	q = t_pointer_parse_ok(a);
	T_ASSERT_STR(ld_pointer_signer_identity(q), identity);
	free(a);
	ld_pointer_free(p);
	ld_pointer_free(q);
}

void test_ledger__digit_led_strings_are_plain_only_when_no_schema_misreads(void)
{
	expect_identity_written("10677309+atif1996@users.noreply.github.com",
				"identity: 10677309+atif1996@users.noreply."
				"github.com\n");
	expect_identity_written("4xh100-run", "identity: 4xh100-run\n");
	expect_identity_written("12345", "identity: \"12345\"\n");
	expect_identity_written("1e3", "identity: \"1e3\"\n");
	expect_identity_written("0x1F", "identity: \"0x1F\"\n");
	expect_identity_written("2026-06-25", "identity: \"2026-06-25\"\n");
	expect_identity_written("1:30", "identity: \"1:30\"\n");
	expect_identity_written("1:30@h", "identity: \"1:30@h\"\n");
	expect_identity_written("1.5e+3", "identity: \"1.5e+3\"\n");
}

void test_ledger__writer_omits_absent_signer_profile_and_index_zero(void)
{
	ld_pointer_fields f = LD_POINTER_FIELDS_INIT;
	ld_pointer *p = NULL;
	ae_err err = {0};
	char *a;

	f.recipe = "r";
	f.predicate_type = LD_PREDICATE_V3;
	f.attested_at = "2026-06-25T05:57:00Z";
	T_ASSERT_INT(ld_pointer_new(&p, &f, &err), 0);
	a = format(p);
	T_ASSERT(strstr(a, "signer:") == NULL);
	T_ASSERT(strstr(a, "profile:") == NULL);
	T_ASSERT(strstr(a, "schemaVersion: 1.0.0\n") != NULL);
	free(a);
	ld_pointer_free(p);
	f.bundle_oci = "ghcr.io/o/r:t";
	f.bundle_digest = "sha256:" T_POINTER_HEX;
	/* A signature at index 0 is written without the key, as the
	 * reference writes it (its verifier refuses a claim of 0). */
	ld_pointer_fields_signer(&f, "a@b", OAUTH, 0);
	T_ASSERT_INT(ld_pointer_new(&p, &f, &err), 0);
	a = format(p);
	T_ASSERT(strstr(a, "signer:") != NULL);
	T_ASSERT(strstr(a, "rekorLogIndex") == NULL);
	free(a);
	ld_pointer_free(p);
	ld_pointer_fields_signer(&f, "a@b", OAUTH, 5);
	T_ASSERT_INT(ld_pointer_new(&p, &f, &err), 0);
	a = format(p);
	T_ASSERT(strstr(a, "      rekorLogIndex: 5\n") != NULL);
	free(a);
	ld_pointer_free(p);
	/* A pointer's own claim of 0 (read, then written again) stays. */
	f.rekor_log_index = 0;
	T_ASSERT_INT(ld_pointer_new(&p, &f, &err), 0);
	a = format(p);
	T_ASSERT(strstr(a, "      rekorLogIndex: 0\n") != NULL);
	free(a);
	ld_pointer_free(p);
}

void test_ledger__new_refuses_what_check_refuses(void)
{
	ld_pointer_fields f = LD_POINTER_FIELDS_INIT;
	ld_pointer *p = (ld_pointer *)1;
	ae_err err = {0};

	f.recipe = "../x";
	f.predicate_type = LD_PREDICATE_V3;
	f.attested_at = "2026-06-25T05:57:00Z";
	T_ASSERT_INT(ld_pointer_new(&p, &f, &err), AE_EINVAL);
	T_ASSERT(p == NULL);
	T_ASSERT_MSG(err, "recipe");
	ae_err_clear(&err);
	f.recipe = "r";
	f.signer_identity = "a@b";
	f.signer_issuer = OAUTH;
	f.rekor_log_index = -5;
	f.bundle_digest = "sha256:" T_POINTER_HEX;
	T_ASSERT_INT(ld_pointer_new(&p, &f, &err), AE_EINVAL);
	T_ASSERT_MSG(err, "rekorLogIndex: must not be negative");
	ae_err_clear(&err);
	f.rekor_log_index = 1;
	f.signer_identity = "bad\xff";
	T_ASSERT_INT(ld_pointer_new(&p, &f, &err), AE_EINVAL);
	T_ASSERT_MSG(err, "UTF-8");
}

void test_ledger__format_refuses_an_invalid_pointer(void)
{
	ae_problems pr = AE_PROBLEMS_INIT;
	ld_pointer *p = NULL;
	ae_buf b = AE_BUF_INIT(1 << 20);
	ae_err err = {0};
	const char *y = edit("recipe: h100-gke-cos-training", "recipe: ..");

	T_ASSERT_INT(ld_pointer_check(&p, &pr, (const unsigned char *)y,
				      strlen(y), NULL),
		     0);
	T_ASSERT(p != NULL);
	T_ASSERT_INT(ld_pointer_format(&b, p, &err), AE_EINVAL);
	T_ASSERT_INT(b.len, 0);
	T_ASSERT_INT(ld_pointer_write(AT_FDCWD, t_path("x.yaml"), p, &err),
		     AE_EINVAL);
	T_ASSERT(access(t_path("x.yaml"), F_OK) != 0);
	ae_problems_dispose(&pr);
	ld_pointer_free(p);
}

void test_ledger__write_is_atomic_and_leaves_no_temp_file(void)
{
	ld_pointer *p = t_pointer_parse_ok(good), *q = NULL;
	ae_err err = {0};
	DIR *d;
	struct dirent *e;
	int files = 0;

	t_write_file(t_path("pointer.yaml"), "old", 3);
	T_ASSERT_INT(
		ld_pointer_write(AT_FDCWD, t_path("pointer.yaml"), p, &err), 0);
	T_ASSERT_INT(
		ld_pointer_read(&q, AT_FDCWD, t_path("pointer.yaml"), &err), 0);
	T_ASSERT_STR(ld_pointer_recipe(q), "h100-gke-cos-training");
	d = opendir(t_tmpdir());
	T_ASSERT(d != NULL);
	while ((e = readdir(d)) != NULL)
		files += e->d_name[0] != '.' || strstr(e->d_name, ".tmp");
	closedir(d);
	T_ASSERT_INT(files, 1);
	ld_pointer_free(p);
	ld_pointer_free(q);
}

/* emit's OUT/pointer.yaml: made where nothing is, in one step -- a file
 * or symlink at the name (one planted after emit's own check) is never
 * replaced or followed. ld_pointer_write, what emit used before, renames
 * over both. */
void test_ledger__create_never_replaces_what_is_there(void)
{
	ld_pointer *p = t_pointer_parse_ok(good), *q = NULL;
	ae_buf b = AE_BUF_INIT(64);
	ae_err err = {0};
	char link[64];
	ssize_t n;
	DIR *d;
	struct dirent *e;
	int files = 0;

	t_write_file(t_path("victim"), "keep", 4);
	t_write_file(t_path("planted.yaml"), "old", 3);
	T_ASSERT_INT(symlink(t_path("victim"), t_path("link.yaml")), 0);
	T_ASSERT_INT(symlink(t_path("nowhere"), t_path("dangling.yaml")), 0);
	T_ASSERT_INT(
		ld_pointer_create(AT_FDCWD, t_path("planted.yaml"), p, &err),
		AE_EEXISTS);
	ae_err_clear(&err);
	T_ASSERT_INT(
		ae_read_file(&b, AT_FDCWD, t_path("planted.yaml"), 64, &err),
		0);
	T_ASSERT_INT(b.len, 3);
	T_ASSERT(memcmp(b.data, "old", 3) == 0);
	T_ASSERT_INT(ld_pointer_create(AT_FDCWD, t_path("link.yaml"), p, &err),
		     AE_EEXISTS);
	ae_err_clear(&err);
	n = readlink(t_path("link.yaml"), link, sizeof(link) - 1);
	T_ASSERT(n > 0);
	T_ASSERT_INT(
		ld_pointer_create(AT_FDCWD, t_path("dangling.yaml"), p, &err),
		AE_EEXISTS);
	ae_err_clear(&err);
	T_ASSERT(access(t_path("nowhere"), F_OK) != 0);
	/* where nothing is, the pointer is made, and no temp file stays */
	T_ASSERT_INT(
		ld_pointer_create(AT_FDCWD, t_path("pointer.yaml"), p, &err),
		0);
	T_ASSERT_INT(
		ld_pointer_read(&q, AT_FDCWD, t_path("pointer.yaml"), &err), 0);
	T_ASSERT_STR(ld_pointer_recipe(q), "h100-gke-cos-training");
	d = opendir(t_tmpdir());
	T_ASSERT(d != NULL);
	while ((e = readdir(d)) != NULL)
		files += strstr(e->d_name, ".tmp") != NULL;
	closedir(d);
	T_ASSERT_INT(files, 0);
	ae_buf_dispose(&b);
	ld_pointer_free(p);
	ld_pointer_free(q);
}

/* ---- placement ---- */

void test_ledger__canonical_path_golden_of_the_reference(void)
{
	ld_pointer *p = t_pointer_parse_ok(good);
	char *s = NULL;
	ae_err err = {0};

	T_ASSERT_INT(ld_pointer_path(&s, p, LD_EVIDENCE_ROOT, &err), 0);
	T_ASSERT_STR(s, "recipes/evidence/h100-gke-cos-training/"
			"7c4c0edc8c765a95a0f3afdb3bbb8e91/sha256-" T_POINTER_HEX
			".yaml");
	free(s);
	T_ASSERT_INT(ld_pointer_path(&s, p, NULL, &err), 0);
	T_ASSERT_STR(s,
		     "h100-gke-cos-training/7c4c0edc8c765a95a0f3afdb3bbb8e91/"
		     "sha256-" T_POINTER_HEX ".yaml");
	free(s);
	ld_pointer_free(p);
}

void test_ledger__an_unsigned_pointer_has_no_canonical_path(void)
{
	ld_pointer *p =
		t_pointer_parse_ok(edit("    signer:\n      identity: "
					"yuanchen97@gmail.com\n      issuer: "
					"https://github.com/login/oauth\n      "
					"rekorLogIndex: 42\n",
					""));
	char *s = (char *)1;
	bool is_path = true;
	ae_err err = {0};

	T_ASSERT_INT(ld_pointer_path(&s, p, NULL, &err), AE_EINVAL);
	T_ASSERT(s == NULL);
	T_ASSERT_MSG(err, "unsigned");
	T_ASSERT_INT(ld_pointer_copy_to_hint(&s, &is_path, p, &err), 0);
	T_ASSERT(!is_path);
	T_ASSERT(strstr(s, "unsigned") != NULL);
	T_ASSERT(strstr(s, "sha256-") == NULL);
	free(s);
	ld_pointer_free(p);
}

void test_ledger__copy_to_hint_of_a_signed_pushed_pointer_is_its_path(void)
{
	ld_pointer *p = t_pointer_parse_ok(good);
	char *s = NULL;
	bool is_path = false;
	ae_err err = {0};

	T_ASSERT_INT(ld_pointer_copy_to_hint(&s, &is_path, p, &err), 0);
	T_ASSERT(is_path);
	T_ASSERT_STR(s, "recipes/evidence/h100-gke-cos-training/"
			"7c4c0edc8c765a95a0f3afdb3bbb8e91/sha256-" T_POINTER_HEX
			".yaml");
	free(s);
	ld_pointer_free(p);
}
