/* tests/unit/test_allowlist.c -- allowlist/: strict load, every validation
 * rule, pattern dialect, classification (SPEC §3, reference §3, §4.1,
 * §12.2) */
#include "t.h"
#include "allowlist/allowlist.h"
#include "ledger/ledger.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define GHA   "https://token.actions.githubusercontent.com"
#define OAUTH "https://github.com/login/oauth"
#define WF    "https://github.com/NVIDIA/aicr/.github/workflows/"
/* WF as a pattern: dots escaped */
#define WF_RE "https://github\\.com/NVIDIA/aicr/\\.github/workflows/"
#define UAT_PAT(x)                                                             \
	"'^https://github\\.com/NVIDIA/aicr/\\.github/workflows/uat-" x        \
	"\\.yaml@refs/heads/.+$'"
/* slug(OAUTH, yuanchen97@gmail.com), SPEC §3 golden */
#define YUAN_SLUG "7c4c0edc8c765a95a0f3afdb3bbb8e91"

/* The sample allowlist of reference §4.1's tests, in our syntax. */
static const char sample[] =
	"schemaVersion: \"1.0.0\"\n"
	"firstParty:\n"
	"  - label: aicr-uat-aws\n"
	"    issuer: " GHA "\n"
	"    identityPattern: " UAT_PAT(
		"aws") "\n"
		       "  - label: aicr-uat-gcp\n"
		       "    issuer: " GHA "\n"
		       "    identityPattern: " UAT_PAT(
			       "gcp") "\n"
				      "community:\n"
				      "  - label: yuanchen\n"
				      "    issuer: " OAUTH "\n"
				      "    source: " YUAN_SLUG "\n"
				      "  - issuer: " OAUTH "\n"
				      "    source: "
				      "00000000000000000000000000000001\n"
				      "partner:\n"
				      "  - label: partner-bot\n"
				      "    issuer: "
				      "https://accounts.google.com\n"
				      "    source: %s\n";

static al_list *load_sample(void)
{
	char slug[LD_SLUG_LEN + 1], buf[4096];
	al_list *l = NULL;
	ae_err err = {0};

	T_ASSERT_INT(ld_slug_from_signer(slug, "https://accounts.google.com",
					 "bot@partner.example", NULL),
		     0);
	snprintf(buf, sizeof(buf), sample, slug);
	if (al_list_parse(&l, (const unsigned char *)buf, strlen(buf), &err) !=
	    0)
		t_fail_at(__FILE__, __LINE__, "sample rejected: %s", err.msg);
	return l;
}

/* Loads `yaml`; it must be refused with a problem containing `needle`
 * (strict parse: *out NULL). Returns the number of problems. */
static size_t rejects(const char *yaml, const char *needle)
{
	al_problems pr = AL_PROBLEMS_INIT;
	al_list *l = (al_list *)1;
	ae_err err = {0};
	bool found = false;
	size_t n;

	T_ASSERT_INT(al_list_check(&l, &pr, (const unsigned char *)yaml,
				   strlen(yaml), &err),
		     0);
	T_ASSERT(l == NULL);
	for (size_t i = 0; i < pr.n; i++)
		found = found || strstr(pr.v[i].msg, needle) != NULL;
	if (!found)
		t_fail_at(__FILE__, __LINE__,
			  "no problem mentions \"%s\" (%zu: %s)", needle, pr.n,
			  pr.n ? pr.v[0].msg : "accepted");
	n = pr.n;
	al_problems_dispose(&pr);
	l = (al_list *)1;
	T_ASSERT(al_list_parse(&l, (const unsigned char *)yaml, strlen(yaml),
			       &err) < 0);
	T_ASSERT(l == NULL);
	return n;
}

static void accepts(const char *yaml)
{
	al_list *l = NULL;
	ae_err err = {0};

	if (al_list_parse(&l, (const unsigned char *)yaml, strlen(yaml),
			  &err) != 0)
		t_fail_at(__FILE__, __LINE__, "rejected: %s", err.msg);
	al_list_free(l);
}

/* A one-entry first-party allowlist with pattern `pat` (YAML single-quoted
 * by the caller when needed). */
static const char *fp(const char *pat)
{
	static char buf[8192];

	snprintf(buf, sizeof(buf),
		 "schemaVersion: \"1.0.0\"\nfirstParty:\n  - issuer: " GHA
		 "\n    identityPattern: %s\n",
		 pat);
	return buf;
}

static void classifies(const al_list *l, const char *issuer,
		       const char *identity, al_class want,
		       const char *want_label)
{
	const char *label = (const char *)1;
	al_class c = AL_CLASS_PARTNER;
	ae_err err = {0};

	T_ASSERT_INT(al_list_classify(&c, &label, l, issuer, identity, &err),
		     0);
	if (c != want)
		t_fail_at(__FILE__, __LINE__, "%s: class %s, want %s", identity,
			  al_class_name(c), al_class_name(want));
	if (want_label == NULL)
		T_ASSERT(label == NULL);
	else
		T_ASSERT_STR(label, want_label);
}

/* ---- loading ---- */

void test_allowlist__the_sample_loads_with_its_entries(void)
{
	al_list *l = load_sample();
	const al_entry *e;

	T_ASSERT_INT(al_list_count(l), 5);
	e = al_list_entry(l, 0);
	T_ASSERT_INT(e->cls, AL_CLASS_FIRST_PARTY);
	T_ASSERT_STR(e->label, "aicr-uat-aws");
	T_ASSERT(e->source == NULL && e->identity_pattern != NULL);
	e = al_list_entry(l, 3);
	T_ASSERT_INT(e->cls, AL_CLASS_COMMUNITY);
	T_ASSERT(e->label == NULL);
	T_ASSERT_INT(e->line, 13);
	T_ASSERT(al_list_entry(l, 5) == NULL);
	al_list_free(l);
}

void test_allowlist__the_committed_example_allowlist_is_valid(void)
{
	al_list *l = NULL;
	ae_err err = {0};
	const char *label = NULL;
	al_class c = AL_CLASS_NONE;

	/* The unit runner starts in the repository root (make unit). */
	if (access(AL_DEFAULT_PATH, F_OK) != 0)
		t_fail_at(__FILE__, __LINE__, "%s missing", AL_DEFAULT_PATH);
	T_ASSERT_INT(al_list_load(&l, AT_FDCWD, AL_DEFAULT_PATH, &err), 0);
	T_ASSERT(al_list_count(l) >= 3);
	T_ASSERT_INT(al_list_classify(&c, &label, l, GHA,
				      WF "uat-aws.yaml@refs/heads/main", &err),
		     0);
	T_ASSERT_INT(c, AL_CLASS_FIRST_PARTY);
	al_list_free(l);
}

void test_allowlist__an_empty_document_is_an_empty_allowlist(void)
{
	al_list *l = NULL;
	ae_err err = {0};
	al_class c;
	const char *label;

	T_ASSERT_INT(al_list_parse(&l, (const unsigned char *)"", 0, &err), 0);
	T_ASSERT(l != NULL);
	T_ASSERT_INT(al_list_count(l), 0);
	T_ASSERT_INT(al_list_classify(&c, &label, l, OAUTH, "a@b", &err), 0);
	T_ASSERT_INT(c, AL_CLASS_NONE);
	al_list_free(l);
	accepts("schemaVersion: \"1.0\"\nfirstParty: []\ncommunity:\npartner: "
		"null\n");
}

void test_allowlist__cleartext_identity_is_refused(void)
{
	rejects("schemaVersion: \"1.0.0\"\ncommunity:\n  - issuer: " OAUTH
		"\n    identity: yuanchen97@gmail.com\n",
		"cleartext 'identity' is not allowed");
}

void test_allowlist__unknown_keys_are_refused_at_every_level(void)
{
	rejects("schemaVersion: \"1.0.0\"\nrevoked: []\n",
		"unknown key \"revoked\"");
	rejects("schemaVersion: \"1.0.0\"\ncommunity:\n  - issuer: " OAUTH
		"\n    source: " YUAN_SLUG "\n    note: hi\n",
		"community[0]: unknown key \"note\"");
}

void test_allowlist__schema_version_is_1_0_x(void)
{
	rejects("schemaVersion: 9.9.9\n", "unsupported schemaVersion");
	rejects("schemaVersion: \"2.0\"\n", "unsupported schemaVersion");
	rejects("community: []\n", "schemaVersion: missing");
	rejects("schemaVersion: [1]\n", "schemaVersion: must be a string");
	accepts("schemaVersion: 1.0.3\n");
}

void test_allowlist__structure_errors_are_named(void)
{
	rejects("- a\n", "must be a YAML mapping");
	rejects("schemaVersion: \"1.0.0\"\ncommunity: {a: 1}\n",
		"community: must be a list");
	rejects("schemaVersion: \"1.0.0\"\ncommunity:\n  - x\n",
		"community[0]: must be a mapping");
	rejects("schemaVersion: \"1.0.0\"\ncommunity:\n  - issuer: [a]\n"
		"    source: " YUAN_SLUG "\n",
		"community[0].issuer: must be a string");
	rejects("schemaVersion: \"1.0.0\"\ncommunity:\n  - issuer: \"a\\tb\"\n"
		"    source: " YUAN_SLUG "\n",
		"control character");
	rejects("a: [\n", "allowlist: line");
}

void test_allowlist__yaml_aliases_and_duplicate_keys_are_refused(void)
{
	rejects("schemaVersion: &v \"1.0.0\"\nx: *v\n", "anchors");
	rejects("schemaVersion: \"1.0.0\"\nschemaVersion: \"1.0.0\"\n",
		"duplicate key");
	rejects("schemaVersion: \"1.0.0\"\ncommunity:\n  - issuer: " OAUTH
		"\n    issuer: x\n    source: " YUAN_SLUG "\n",
		"duplicate key");
}

void test_allowlist__issuer_is_required(void)
{
	rejects("schemaVersion: \"1.0.0\"\ncommunity:\n  - source: " YUAN_SLUG
		"\n",
		"issuer is required");
	rejects("schemaVersion: \"1.0.0\"\ncommunity:\n  - issuer: \"\"\n"
		"    source: " YUAN_SLUG "\n",
		"community[0].issuer: empty");
}

void test_allowlist__exactly_one_of_source_and_pattern(void)
{
	rejects("schemaVersion: \"1.0.0\"\ncommunity:\n  - issuer: " OAUTH "\n",
		"exactly one of source and identityPattern");
	rejects("schemaVersion: \"1.0.0\"\nfirstParty:\n  - issuer: " GHA
		"\n    source: " YUAN_SLUG
		"\n    identityPattern: " UAT_PAT("aws") "\n",
		"exactly one of source and identityPattern");
}

void test_allowlist__each_class_uses_its_own_kind_of_entry(void)
{
	rejects("schemaVersion: \"1.0.0\"\ncommunity:\n  - issuer: " GHA
		"\n    identityPattern: " UAT_PAT("aws") "\n",
		"community entries use source");
	rejects("schemaVersion: \"1.0.0\"\npartner:\n  - issuer: " GHA
		"\n    identityPattern: " UAT_PAT("aws") "\n",
		"partner entries use source");
	rejects("schemaVersion: \"1.0.0\"\nfirstParty:\n  - issuer: " GHA
		"\n    source: " YUAN_SLUG "\n",
		"firstParty entries use identityPattern");
}

void test_allowlist__source_is_32_lowercase_hex(void)
{
	static const char *const bad[] = {"NOT-A-SLUG",
					  "7C4C0EDC8C765A95A0F3AFDB3BBB8E91",
					  "7c4c0edc8c765a95a0f3afdb3bbb8e9",
					  "7c4c0edc8c765a95a0f3afdb3bbb8e910",
					  "7c4c0edc8c765a95a0f3afdb3bbb8e9g"};
	char buf[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(buf, sizeof(buf),
			 "schemaVersion: \"1.0.0\"\ncommunity:\n  - "
			 "issuer: " OAUTH "\n    source: %s\n",
			 bad[i]);
		rejects(buf, "source must be 32 lowercase hex");
	}
}

/* ---- identityPattern rules (reference §3.2) and dialect ---- */

void test_allowlist__pattern_must_be_anchored(void)
{
	rejects(fp("'x@y'"), "must be anchored");
	rejects(fp("'^" WF_RE "uat\\.yaml@refs/heads/main'"),
		"must be anchored");
	rejects(fp("'" WF "uat\\.yaml@refs/heads/main$'"), "must be anchored");
	rejects(fp("'^a@b\\$'"), "end with an unescaped $");
}

void test_allowlist__pattern_needs_an_unescaped_at(void)
{
	rejects(fp("'^abc$'"), "no unescaped '@'");
	rejects(fp("'^abc\\@def$'"), "no unescaped '@'");
	rejects(fp("'^@refs/heads/main$'"), "no account part");
}

void test_allowlist__pattern_account_part_is_literal(void)
{
	static const char *const bad[] = {
		"'^https://github\\.com/.+/attest\\.yaml@refs/heads/main$'",
		"'^a*b@x$'",
		"'^a+@x$'",
		"'^a?@x$'",
		"'^(a)@x$'",
		"'^[ab]@x$'",
		"'^a{2}@x$'",
		"'^a|b@x$'",
		"'^a^b@x$'",
		"'^a$b@x$'",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		rejects(fp(bad[i]), "left of the '@'");
	rejects(fp("'^a\\@b@x$'"), "cannot contain '@'");
}

void test_allowlist__pattern_must_compile(void)
{
	rejects(fp("'^('"), "");
	rejects(fp("'^a@(b$'"), "unclosed '('");
	rejects(fp("'^a@b)$'"), "unmatched ')'");
	rejects(fp("'^a@[b$'"), "unterminated '['");
	rejects(fp("'^a@b{2,1}$'"), "must start a bound");
	rejects(fp("'^a@b{256}$'"), "must start a bound");
	rejects(fp("'^a@b{x}$'"), "must start a bound");
	rejects(fp("'^a@b\\'"), "anchored");
}

void test_allowlist__re2_only_constructs_are_refused_clearly(void)
{
	rejects(fp("'^a@\\d+$'"), "\\d is an RE2/Perl class");
	rejects(fp("'^a@\\w+$'"), "\\w is an RE2/Perl class");
	rejects(fp("'^a@\\s$'"), "\\s is an RE2/Perl class");
	rejects(fp("'^a@\\bx$'"), "\\b is an RE2 word boundary");
	rejects(fp("'^a@(?:x|y)$'"), "(?...) groups");
	rejects(fp("'^a@(?i)x$'"), "(?...) groups");
	rejects(fp("'^a@x+?$'"), "lazy quantifier");
	rejects(fp("'^a@x*?$'"), "lazy quantifier");
	rejects(fp("'^a@x{2}?$'"), "lazy quantifier");
	rejects(fp("'^a@x**$'"), "repeated quantifier");
	rejects(fp("'^a@[\\d]$'"), "backslash inside [...]");
	rejects(fp("'^a@[[=a=]]$'"), "[= =]");
	rejects(fp("'^a@\\1$'"), "backreference");
	rejects(fp("'^a@\\x41$'"), "not a POSIX ERE escape");
}

void test_allowlist__top_level_alternation_is_refused(void)
{
	rejects(fp("'^" WF_RE "uat\\.yaml@refs/heads/main|.*$'"),
		"top-level '|'");
	accepts(fp("'^" WF_RE "uat\\.yaml@refs/heads/(main|release-.+)$'"));
}

void test_allowlist__bounded_and_bracket_patterns_are_accepted(void)
{
	accepts(fp("'^" WF_RE "uat\\.yaml@refs/heads/[a-z0-9._-]{1,64}$'"));
	accepts(fp("'^" WF_RE "uat\\.yaml@refs/(heads|tags)/v[[:digit:]]+$'"));
	accepts(fp("'^" WF_RE "uat\\.yaml@refs/heads/[]a]$'"));
}

void test_allowlist__pattern_at_cap_passes_and_cap_plus_one_fails(void)
{
	char pat[AL_PATTERN_MAX + 2], yaml[8192];

	/* ^a@ + x... + $ = AL_PATTERN_MAX bytes */
	memset(pat, 'x', sizeof(pat));
	memcpy(pat, "^a@", 3);
	pat[AL_PATTERN_MAX - 1] = '$';
	pat[AL_PATTERN_MAX] = '\0';
	snprintf(yaml, sizeof(yaml), "%s", fp(pat));
	accepts(yaml);
	pat[AL_PATTERN_MAX - 1] = 'x';
	pat[AL_PATTERN_MAX] = '$';
	pat[AL_PATTERN_MAX + 1] = '\0';
	snprintf(yaml, sizeof(yaml), "%s", fp(pat));
	{
		al_problems pr = AL_PROBLEMS_INIT;
		al_list *l = NULL;
		T_ASSERT_INT(al_list_check(&l, &pr, (const unsigned char *)yaml,
					   strlen(yaml), NULL),
			     0);
		T_ASSERT_INT(pr.n, 1);
		T_ASSERT_INT(pr.v[0].code, AE_ETOOBIG);
		T_ASSERT(l == NULL);
		al_problems_dispose(&pr);
	}
}

/* An allowlist of `n` distinct community entries. */
static char *many_entries(size_t n)
{
	ae_buf b = AE_BUF_INIT(1 << 22);

	ae_buf_puts(&b, "schemaVersion: \"1.0.0\"\ncommunity:\n", NULL);
	for (size_t i = 0; i < n; i++)
		ae_buf_printf(&b, NULL, "  - {issuer: i, source: %032zx}\n", i);
	return (char *)ae_buf_detach(&b, NULL);
}

void test_allowlist__entries_at_cap_pass_and_cap_plus_one_fails(void)
{
	char *y = many_entries(AL_MAX_ENTRIES);
	al_problems pr = AL_PROBLEMS_INIT;
	al_list *l = NULL;

	accepts(y);
	free(y);
	y = many_entries(AL_MAX_ENTRIES + 1);
	T_ASSERT_INT(al_list_check(&l, &pr, (const unsigned char *)y, strlen(y),
				   NULL),
		     0);
	T_ASSERT(l == NULL);
	T_ASSERT_INT(pr.n, 1);
	T_ASSERT_INT(pr.v[0].code, AE_ETOOBIG);
	T_ASSERT(strstr(pr.v[0].msg, "more than 4096 entries") != NULL);
	al_problems_dispose(&pr);
	free(y);
}

/* The allowlist padded with a comment to exactly `size` bytes. */
static void write_padded(const char *path, size_t size)
{
	static const char head[] = "schemaVersion: \"1.0.0\"\n#";
	char *buf = malloc(size);

	T_ASSERT(buf != NULL);
	memset(buf, 'x', size);
	memcpy(buf, head, strlen(head));
	buf[size - 1] = '\n';
	t_write_file(path, buf, size);
	free(buf);
}

void test_allowlist__file_at_cap_passes_and_cap_plus_one_fails(void)
{
	al_list *l = NULL;
	ae_err err = {0};

	write_padded(t_path("at.yaml"), AL_MAX_BYTES);
	T_ASSERT_INT(al_list_load(&l, AT_FDCWD, t_path("at.yaml"), &err), 0);
	al_list_free(l);
	l = (al_list *)1;
	write_padded(t_path("over.yaml"), AL_MAX_BYTES + 1);
	T_ASSERT_INT(al_list_load(&l, AT_FDCWD, t_path("over.yaml"), &err),
		     AE_ETOOBIG);
	T_ASSERT(l == NULL);
	ae_err_clear(&err);
	T_ASSERT_INT(al_list_load(&l, AT_FDCWD, t_path("none.yaml"), &err),
		     AE_ENOTFOUND);
	T_ASSERT(l == NULL);
}

/* ---- whole-file rules (reference §3.3) ---- */

void test_allowlist__duplicate_labels_are_refused_across_classes(void)
{
	rejects("schemaVersion: \"1.0.0\"\n"
		"firstParty:\n  - {label: x, issuer: " GHA
		", identityPattern: '^a@b$'}\n"
		"partner:\n  - {label: x, issuer: i, source: " YUAN_SLUG "}\n",
		"partner[0]: duplicate label \"x\" (also line 3)");
}

void test_allowlist__duplicate_sources_are_refused_across_classes(void)
{
	rejects("schemaVersion: \"1.0.0\"\n"
		"community:\n  - {issuer: " OAUTH ", source: " YUAN_SLUG "}\n"
		"partner:\n  - {issuer: other, source: " YUAN_SLUG "}\n",
		"partner[0]: duplicate source " YUAN_SLUG);
}

void test_allowlist__overlapping_patterns_are_refused(void)
{
	rejects("schemaVersion: \"1.0.0\"\nfirstParty:\n"
		"  - {issuer: " GHA ", identityPattern: '^" WF_RE
		"u\\.yaml@refs/heads/.+$'}\n"
		"  - {issuer: " GHA ", identityPattern: '^" WF_RE
		"u\\.yaml@refs/heads/main$'}\n",
		"identityPattern overlaps line 3");
	/* Same account under another issuer is another signer. */
	accepts("schemaVersion: \"1.0.0\"\nfirstParty:\n"
		"  - {issuer: " GHA ", identityPattern: '^a@.+$'}\n"
		"  - {issuer: other, identityPattern: '^a@.+$'}\n");
}

void test_allowlist__every_problem_is_listed(void)
{
	size_t n = rejects("schemaVersion: \"9\"\n"
			   "community:\n"
			   "  - {issuer: a, source: NOT-A-SLUG}\n"
			   "  - {issuer: a, identity: x@y}\n"
			   "  - {source: " YUAN_SLUG "}\n",
			   "line 4: community[1]: cleartext");

	T_ASSERT_INT(n, 4);
}

/* ---- classification (reference §4.1) ---- */

void test_allowlist__classifies_the_reference_cases(void)
{
	al_list *l = load_sample();

	classifies(l, GHA, WF "uat-aws.yaml@refs/heads/main",
		   AL_CLASS_FIRST_PARTY, "aicr-uat-aws");
	classifies(l, GHA, WF "uat-gcp.yaml@refs/heads/uat-fix",
		   AL_CLASS_FIRST_PARTY, "aicr-uat-gcp");
	classifies(l, OAUTH, "yuanchen97@gmail.com", AL_CLASS_COMMUNITY,
		   "yuanchen");
	classifies(l, "https://accounts.google.com", "bot@partner.example",
		   AL_CLASS_PARTNER, "partner-bot");
	classifies(l, GHA,
		   "https://github.com/NVIDIA/other-repo/.github/workflows/"
		   "uat-aws.yaml@refs/heads/main",
		   AL_CLASS_NONE, NULL);
	classifies(l, OAUTH, "stranger@example.com", AL_CLASS_NONE, NULL);
	/* Right identity, wrong issuer. */
	classifies(l, "https://accounts.google.com", "yuanchen97@gmail.com",
		   AL_CLASS_NONE, NULL);
	classifies(l, OAUTH, WF "uat-aws.yaml@refs/heads/main", AL_CLASS_NONE,
		   NULL);
	al_list_free(l);
}

void test_allowlist__matching_is_anchored_to_the_whole_identity(void)
{
	al_list *l = load_sample();

	classifies(l, GHA, WF "uat-aws.yaml.evil@refs/heads/main",
		   AL_CLASS_NONE, NULL);
	classifies(l, GHA, "x" WF "uat-aws.yaml@refs/heads/main", AL_CLASS_NONE,
		   NULL);
	classifies(l, GHA, WF "uat-awsXyaml@refs/heads/main", AL_CLASS_NONE,
		   NULL);
	classifies(l, GHA, WF "uat-aws.yaml@refs/heads/", AL_CLASS_NONE, NULL);
	/* A newline never matches: POSIX '.' would, RE2's does not. */
	classifies(l, GHA, WF "uat-aws.yaml@refs/heads/a\nb", AL_CLASS_NONE,
		   NULL);
	al_list_free(l);
}

void test_allowlist__classify_uses_the_ledger_slug(void)
{
	char slug[LD_SLUG_LEN + 1], buf[1024];
	al_list *l = NULL;
	al_class c;
	const char *label;

	T_ASSERT_INT(ld_slug_from_signer(slug, "ab", "c", NULL), 0);
	snprintf(buf, sizeof(buf),
		 "schemaVersion: \"1.0.0\"\ncommunity:\n"
		 "  - {issuer: ab, source: %s}\n",
		 slug);
	T_ASSERT_INT(al_list_parse(&l, (const unsigned char *)buf, strlen(buf),
				   NULL),
		     0);
	T_ASSERT_INT(al_list_classify(&c, &label, l, "ab", "c", NULL), 0);
	T_ASSERT_INT(c, AL_CLASS_COMMUNITY);
	T_ASSERT_INT(al_list_classify(&c, &label, l, "a", "bc", NULL), 0);
	T_ASSERT_INT(c, AL_CLASS_NONE);
	al_list_free(l);
}

void test_allowlist__classify_refuses_empty_signer_fields(void)
{
	al_list *l = load_sample();
	al_class c = AL_CLASS_PARTNER;
	const char *label = "x";
	ae_err err = {0};

	T_ASSERT_INT(al_list_classify(&c, &label, l, "", "a@b", &err),
		     AE_EINVAL);
	T_ASSERT_INT(c, AL_CLASS_NONE);
	T_ASSERT(label == NULL);
	ae_err_clear(&err);
	T_ASSERT_INT(al_list_classify(&c, &label, l, OAUTH, "", &err),
		     AE_EINVAL);
	al_list_free(l);
}

void test_allowlist__class_names_are_the_references(void)
{
	T_ASSERT_STR(al_class_name(AL_CLASS_FIRST_PARTY), "first-party");
	T_ASSERT_STR(al_class_name(AL_CLASS_COMMUNITY), "community");
	T_ASSERT_STR(al_class_name(AL_CLASS_PARTNER), "partner");
	T_ASSERT_STR(al_class_name(AL_CLASS_NONE), "not listed");
}

void test_allowlist__pattern_size_at_cap_passes_and_cap_plus_one_fails(void)
{
	/* a, @, 100 x 99 copies of x, 98 copies of y: exactly the cap. */
	accepts(fp("'^a@(x{100}){99}y{98}$'"));
	T_ASSERT_INT(2 + 100 * 99 + 98, AL_PATTERN_MAX_SIZE);
	rejects(fp("'^a@(x{100}){99}y{99}$'"), "expands to more than 10000");
	rejects(fp("'^a@(x+){100}(y{100}){100}$'"), "expands to more than");
}

void test_allowlist__nested_bounds_are_refused_before_regcomp(void)
{
	/* glibc's regcomp takes minutes on this one (a denial of service by
	 * pull request); the size rule refuses it at once. */
	rejects(fp("'^a@(((x{255}){255}){255})$'"), "expands to more than");
	rejects(fp("'^a@((((x{50}){50}){50}){50})$'"), "expands to more than");
}
