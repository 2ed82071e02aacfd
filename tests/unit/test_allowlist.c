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
	ae_problems pr = AE_PROBLEMS_INIT;
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
	ae_problems_dispose(&pr);
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
	rejects(fp("'^a@b{2,1}$'"), "invalid repetition size");
	rejects(fp("'^a@b{1001}$'"), "invalid repetition size");
	rejects(fp("'^a@x**$'"), "bad repetition operator");
	rejects(fp("'^a@\\1$'"), "invalid escape sequence");
	rejects(fp("'^a@b\\'"), "anchored");
	/* RE2 and Go: a repeat count up to 1000; "{x}" is no bound but text */
	accepts(fp("'^a@b{1000}$'"));
	accepts(fp("'^a@b{x}$'"));
}

/* Loads the one-pattern allowlist fp(pat) and classifies `identity`
 * under GHA: first-party or not listed, as Go's regexp decides (the
 * expectations below were computed with Go 1.19's regexp.MatchString). */
static void fp_match(const char *pat, const char *identity, bool want)
{
	const char *y = fp(pat), *label;
	al_list *l = NULL;
	ae_err err = {0};
	al_class c;

	if (al_list_parse(&l, (const unsigned char *)y, strlen(y), &err) != 0)
		t_fail_at(__FILE__, __LINE__, "%s rejected: %s", pat, err.msg);
	T_ASSERT_INT(al_list_classify(&c, &label, l, GHA, identity, &err), 0);
	if ((c == AL_CLASS_FIRST_PARTY) != want)
		t_fail_at(__FILE__, __LINE__, "%s on %s: %s, Go says %s", pat,
			  identity, al_class_name(c),
			  want ? "first-party" : "not listed");
	al_list_free(l);
}

void test_allowlist__re2_constructs_mean_what_they_mean_in_go(void)
{
	/* Refused by the POSIX ERE emulation, RE2 reads them as Go does. */
	fp_match("'^a@\\d+$'", "a@12", true);
	fp_match("'^a@\\d+$'", "a@\xd9\xa1", false); /* \d is ASCII */
	fp_match("'^a@\\w$'", "a@\xc3\xa9", false);
	fp_match("'^a@x\\b$'", "a@x", true);
	fp_match("'^a@(?:x|y)$'", "a@y", true);
	fp_match("'^a@x+?$'", "a@xx", true);
	fp_match("'^a@[\\d]$'", "a@7", true);
	fp_match("'^a@[\\d]$'", "a@\\", false);
	fp_match("'^a@\\x41$'", "a@A", true);
	fp_match("'^a@\\Q.*\\E$'", "a@.*", true);
	fp_match("'^a@\\Q.*\\E$'", "a@xx", false);
}

void test_allowlist__the_stricter_rules_refuse_what_moves_or_hides(void)
{
	rejects(fp("'^a@(?i)main$'"), "case folding (?i) is not allowed");
	rejects(fp("'^a@(?m)main$'"), "multi-line mode (?m)");
	rejects(fp("'^a@main(?m:x)$'"), "multi-line mode (?m)");
	rejects(fp("'^a@\\pL$'"), "Unicode classes \\p");
	rejects(fp("'^a@\\P{Greek}$'"), "Unicode classes \\P");
	rejects(fp("'^a@x\\C$'"), "\\C (one byte");
	rejects(fp("'^a@x\\Q$'"), "end with an unescaped $");
	rejects(fp("'^a@x[$]'"), "start with ^ and end with $");
	rejects(fp("'^a@\xc3\xa9$'"), "printable ASCII");
	rejects(fp("'^a\\x40b@x$'"), "not a literal character");
	rejects(fp("'^a\\d@x$'"), "not a literal character");
	/* ... and what is harmless passes: flags s and U, \Q...\E */
	accepts(fp("'^a@(?s:.)(?U)x*$'"));
	accepts(fp("'^a@\\Q|\\E$'"));
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
		ae_problems pr = AE_PROBLEMS_INIT;
		al_list *l = NULL;
		T_ASSERT_INT(al_list_check(&l, &pr, (const unsigned char *)yaml,
					   strlen(yaml), NULL),
			     0);
		T_ASSERT_INT(pr.n, 1);
		T_ASSERT_INT(pr.v[0].code, AE_ETOOBIG);
		T_ASSERT(l == NULL);
		ae_problems_dispose(&pr);
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
	ae_problems pr = AE_PROBLEMS_INIT;
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
	ae_problems_dispose(&pr);
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

/* ---- issue 26: matching exactly as the reference ---- */

/* Item 1: \< \> \` \' are literals in RE2 (glibc: word and buffer
 * anchors). The issue's attack: a "main only" entry next to an account
 * ending in "\>" for the same issuer -- with anchors it let any branch of
 * uat-aws through; as literals it names another workflow. */
void test_allowlist__glibc_word_and_buffer_anchors_are_literals(void)
{
	const char *y = "schemaVersion: \"1.0.0\"\nfirstParty:\n"
			"  - {label: main, issuer: " GHA ", identityPattern: '^" WF_RE
			"uat-aws\\.yaml@refs/heads/main$'}\n"
			"  - {label: any, issuer: " GHA ", identityPattern: '^" WF_RE
			"uat-aws\\.yaml\\>@refs/heads/.+$'}\n";
	al_list *l = NULL;

	T_ASSERT_INT(al_list_parse(&l, (const unsigned char *)y, strlen(y),
				   NULL),
		     0);
	classifies(l, GHA, WF "uat-aws.yaml@refs/heads/evil", AL_CLASS_NONE,
		   NULL);
	classifies(l, GHA, WF "uat-aws.yaml@refs/heads/main",
		   AL_CLASS_FIRST_PARTY, "main");
	classifies(l, GHA, WF "uat-aws.yaml>@refs/heads/evil",
		   AL_CLASS_FIRST_PARTY, "any");
	al_list_free(l);
	fp_match("'^a@x\\<y$'", "a@x<y", true);
	fp_match("'^a@x\\<y$'", "a@xy", false);
	fp_match("'^a@\\`x\\''$'", "a@`x'", true); /* '' is ' in YAML */
	fp_match("'^a@\\`x\\''$'", "a@x", false);
}

/* Item 2: a bound with a leading zero is not a bound in RE2 but text. */
void test_allowlist__a_bound_with_a_leading_zero_is_literal_text(void)
{
	fp_match("'^a@v{02}$'", "a@v{02}", true);
	fp_match("'^a@v{02}$'", "a@vv", false);
	fp_match("'^a@v{2,03}$'", "a@v{2,03}", true);
	fp_match("'^a@v{2,03}$'", "a@vv", false);
}

/* Item 3: ^ and $ keep their meaning in every copy of a repeated group. */
void test_allowlist__an_anchor_in_a_repeated_group_keeps_its_meaning(void)
{
	fp_match("'^a@(release-|^){2}main$'", "a@release-main", false);
	fp_match("'^a@(release-|^){2}main$'", "a@main", false);
	fp_match("'^a@(release-|^){2}main$'", "a@release-release-main", true);
	fp_match("'^a@(x|$)+$'", "a@", true);
	fp_match("'^a@(^|b)+c$'", "a@bc", true);
	fp_match("'^a@(^|b)+c$'", "a@c", false);
}

/* Item 4: a signer both slug-listed and pattern-matched is slug-listed,
 * as the reference's Classify checks slugs first. */
void test_allowlist__slug_entries_take_precedence_over_patterns(void)
{
	char slug[LD_SLUG_LEN + 1], y[1024];
	al_list *l = NULL;

	T_ASSERT_INT(ld_slug_from_signer(slug, GHA, WF "x.yaml@refs/heads/b",
					 NULL),
		     0);
	snprintf(y, sizeof(y),
		 "schemaVersion: \"1.0.0\"\n"
		 "firstParty:\n  - {label: ci, issuer: " GHA
		 ", identityPattern: '^" WF_RE "x\\.yaml@refs/heads/.+$'}\n"
		 "partner:\n  - {label: pb, issuer: " GHA ", source: %s}\n",
		 slug);
	T_ASSERT_INT(al_list_parse(&l, (const unsigned char *)y, strlen(y),
				   NULL),
		     0);
	classifies(l, GHA, WF "x.yaml@refs/heads/b", AL_CLASS_PARTNER, "pb");
	classifies(l, GHA, WF "x.yaml@refs/heads/c", AL_CLASS_FIRST_PARTY,
		   "ci");
	al_list_free(l);
}

/* Item 5: '.' and negated brackets match one character, not one byte;
 * malformed UTF-8 is one U+FFFD per byte, as Go decodes it; control
 * characters are ordinary characters ('.' skips only the newline). */
void test_allowlist__dot_and_negated_brackets_match_characters(void)
{
	fp_match("'^a@.$'", "a@\xc3\xa9", true);
	fp_match("'^a@..$'", "a@\xc3\xa9", false);
	fp_match("'^a@[^x]$'", "a@\xc3\xa9", true);
	fp_match("'^a@[^x][^x]$'", "a@\xc3\xa9", false);
	fp_match("'^a@.$'", "a@\xf0\x9f\x98\x80", true);
	fp_match("'^a@.{4}$'", "a@\xf0\x9f\x98\x80", false);
	fp_match("'^a@.$'", "a@\xff", true);
	fp_match("'^a@\\x{FFFD}$'", "a@\xff", true);
	fp_match("'^a@...$'", "a@\xed\xa0\x80", true); /* a surrogate */
	fp_match("'^a@.$'", "a@\xed\xa0\x80", false);
	fp_match("'^a@..$'", "a@\xe2\x82", true); /* cut short */
	fp_match("'^a@[^/]+$'", "a@x\ny", true);
	fp_match("'^a@.+$'", "a@x\ny", false);
	fp_match("'^a@.+$'", "a@x\ty", true);
}

/* Item 6: nested bounds multiplying past 1000: RE2 and Go refuse the
 * pattern (and so the reference the allowlist). */
void test_allowlist__nested_bounds_past_1000_are_refused(void)
{
	rejects(fp("'^a@(v{250}){5}$'"), "invalid repetition size");
	rejects(fp("'^a@(((x{255}){255}){255})$'"), "invalid repetition size");
	accepts(fp("'^a@(v{250}){4}$'"));
	accepts(fp("'^a@((v{10}){10}){10}$'"));
}

/* Item 7: a slug entry matches by its slug alone, as the reference's: the
 * slug is SHA-256(issuer "\n" identity), so it already binds the issuer;
 * the entry's issuer field names it for people. */
void test_allowlist__a_slug_entry_matches_whatever_its_issuer_field_says(void)
{
	char slug[LD_SLUG_LEN + 1], y[1024];
	al_list *l = NULL;

	T_ASSERT_INT(ld_slug_from_signer(slug, OAUTH, "al@example.test", NULL),
		     0);
	snprintf(y, sizeof(y),
		 "schemaVersion: \"1.0.0\"\n"
		 "community:\n  - {label: al, issuer: https://other.example, "
		 "source: %s}\n",
		 slug);
	T_ASSERT_INT(al_list_parse(&l, (const unsigned char *)y, strlen(y),
				   NULL),
		     0);
	classifies(l, OAUTH, "al@example.test", AL_CLASS_COMMUNITY, "al");
	/* The issuer the entry names is not what the slug was made of. */
	classifies(l, "https://other.example", "al@example.test", AL_CLASS_NONE,
		   NULL);
	al_list_free(l);
}

/* Item 8: with the '@' repeated, `o/r@*` ... and `o/r/x@?` have different
 * accounts yet both match "o/r/x": the '@' must match exactly once, so
 * that the account is the identity's text before its first '@' and the
 * overlap rule is sound. */
void test_allowlist__a_repeated_at_cannot_make_accounts_overlap(void)
{
	static const char *const bad[] = {
		"'^" WF_RE "o/r@*/x$'", "'^" WF_RE "o/r/x@?$'",
		"'^a@+b$'",		"'^a@{0,1}b$'",
		"'^a@(?s)*b$'",		"'^a@\\Q\\E?b$'",
		"'^a@(?-s)(?U){0}b$'",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		rejects(fp(bad[i]), "must match exactly once");
	rejects("schemaVersion: \"1.0.0\"\nfirstParty:\n"
		"  - {issuer: " GHA ", identityPattern: '^" WF_RE
		"o/r@*/x$'}\n"
		"  - {issuer: " GHA ", identityPattern: '^" WF_RE
		"o/r/x@?$'}\n",
		"must match exactly once");
	accepts(fp("'^a@@?b$'"));	 /* the second '@' may repeat */
	accepts(fp("'^a@(?s)\\{b$'")); /* an escaped brace is text */
}

/* The patterns of one allowlist share a budget of RE2 instructions: a
 * pull request cannot buy minutes of compiling. */
void test_allowlist__the_patterns_share_a_compile_budget(void)
{
	ae_buf b = AE_BUF_INIT(1 << 20);
	ae_problems pr = AE_PROBLEMS_INIT;
	al_list *l = NULL;
	size_t i, n = 0;

	/* one pattern near RE2's own limit is fine ... */
	accepts(fp("'^a@(.{1000}){1}.{1000}.{1000}$'"));
	/* ... far past it is "too large" ... */
	ae_buf_puts(&b, "'^a@", NULL);
	for (i = 0; i < 60; i++)
		ae_buf_puts(&b, ".{1000}", NULL);
	ae_buf_puts(&b, "$'", NULL);
	rejects(fp((const char *)b.data), "pattern too large");
	ae_buf_dispose(&b);
	/* ... and many large ones together exceed the list's budget. */
	ae_buf_init(&b, 1 << 20);
	ae_buf_puts(&b, "schemaVersion: \"1.0.0\"\nfirstParty:\n", NULL);
	for (i = 0; i < 100; i++)
		ae_buf_printf(&b, NULL,
			      "  - {issuer: " GHA ", identityPattern: "
			      "'^a%zu@.{1000}.{1000}.{1000}$'}\n",
			      i);
	T_ASSERT_INT(al_list_check(&l, &pr, b.data, b.len, NULL), 0);
	T_ASSERT(l == NULL);
	for (i = 0; i < pr.n; i++)
		n += strstr(pr.v[i].msg, "budget") != NULL;
	T_ASSERT(n > 0);
	T_ASSERT_INT(pr.v[0].code, AE_ETOOBIG);
	ae_problems_dispose(&pr);
	ae_buf_dispose(&b);
}

/* ---- what `allowlist check` and `classify` print (allowlist/render.c) ---- */

void test_allowlist__check_report_counts_a_valid_list_per_class(void)
{
	al_list *l = load_sample();
	ae_problems pr = AE_PROBLEMS_INIT;
	ae_buf b = AE_BUF_INIT(1 << 20);
	ae_err err = {0};

	T_ASSERT_INT(al_report_render(&b, "a.yaml", &pr, l, false, &err), 0);
	T_ASSERT_STR((const char *)b.data,
		     "a.yaml: valid allowlist: 2 first-party, 2 community, "
		     "1 partner\n");
	ae_buf_dispose(&b);
	T_ASSERT_INT(al_report_render(&b, "a.yaml", &pr, l, true, &err), 0);
	T_ASSERT_STR((const char *)b.data, "[]\n");
	ae_buf_dispose(&b);
	al_list_free(l);
}

void test_allowlist__check_report_lists_every_problem(void)
{
	static const char bad[] = "schemaVersion: \"1.0.0\"\n"
				  "firstParty:\n"
				  "  - label: x\n"
				  "    identityPattern: '^a$'\n"
				  "partner: 7\n";
	ae_problems pr = AE_PROBLEMS_INIT;
	ae_buf b = AE_BUF_INIT(1 << 20);
	al_list *l = NULL;
	ae_err err = {0};

	T_ASSERT_INT(al_list_check(&l, &pr, (const unsigned char *)bad,
				   strlen(bad), &err),
		     0);
	T_ASSERT(pr.n >= 2);
	T_ASSERT_INT(al_report_render(&b, "a.yaml", &pr, l, false, &err), 0);
	for (size_t i = 0; i < pr.n; i++) {
		char line[1200];
		snprintf(line, sizeof(line), "a.yaml: %s\n", pr.v[i].msg);
		T_ASSERT(strstr((const char *)b.data, line) != NULL);
	}
	T_ASSERT(strstr((const char *)b.data, "valid") == NULL);
	ae_buf_dispose(&b);
	T_ASSERT_INT(al_report_render(&b, "a.yaml", &pr, l, true, &err), 0);
	T_ASSERT(strstr((const char *)b.data, "\"line\": ") != NULL);
	ae_buf_dispose(&b);
	ae_problems_dispose(&pr);
	al_list_free(l);
}

void test_allowlist__classify_renders_a_class_a_label_or_not_listed(void)
{
	ae_buf b = AE_BUF_INIT(1 << 20);
	ae_err err = {0};

	T_ASSERT_INT(
		al_class_render_text(&b, AL_CLASS_PARTNER, "acme", '\0', &err),
		0);
	T_ASSERT_INT(b.len, strlen("partner acme") + 1);
	T_ASSERT_STR((const char *)b.data, "partner acme");
	ae_buf_dispose(&b);
	T_ASSERT_INT(al_class_render_text(&b, AL_CLASS_NONE, NULL, '\n', &err),
		     0);
	T_ASSERT_STR((const char *)b.data,
		     "not listed (reported only: never corroborates)\n");
	ae_buf_dispose(&b);
	T_ASSERT_INT(
		al_class_render_json(&b, GHA, "x\n", AL_CLASS_NONE, NULL, &err),
		0);
	T_ASSERT_STR((const char *)b.data,
		     "{\n  \"issuer\": \"" GHA "\",\n  \"identity\": "
		     "\"x\\n\",\n  \"listed\": false,\n  \"class\": null,\n"
		     "  \"label\": null\n}\n");
	ae_buf_dispose(&b);
}
