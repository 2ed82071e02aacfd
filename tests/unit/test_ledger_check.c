/* tests/unit/test_ledger_check.c -- the contract checker: report, placement
 * classification, and whole runs over repositories built with libgit2 */
#include "t.h"
#include "ledger/internal.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define ISS "https://github.com/login/oauth"
#define ALICE "alice@example.com"
#define MALLORY "mallory@example.com"
#define R "h100-eks-ubuntu-training"

/* ---- report ---- */

void test_ledger_check__a_report_holds_problems_up_to_its_cap(void)
{
	ld_report *r = NULL;
	ae_err err = {0};

	T_ASSERT_INT(ld_report_new(&r, &err), 0);
	for (size_t i = 0; i < LD_REPORT_MAX_PROBLEMS; i++)
		if (ld_report_add(r, "p", LD_RULE_PLACEMENT, &err, "m") != 0)
			t_fail_at(__FILE__, __LINE__, "add %zu failed", i);
	T_ASSERT_INT(ld_report_count(r), LD_REPORT_MAX_PROBLEMS);
	T_ASSERT_INT(ld_report_add(r, "p", LD_RULE_PLACEMENT, &err, "m"),
		     AE_ETOOBIG);
	T_ASSERT_MSG(err, "cap");
	T_ASSERT_INT(ld_report_count(r), LD_REPORT_MAX_PROBLEMS);
	ld_report_free(r);
}

void test_ledger_check__a_problem_message_never_spans_lines(void)
{
	ld_report *r = NULL;
	ae_err err = {0};

	T_ASSERT_INT(ld_report_new(&r, &err), 0);
	T_ASSERT_INT(ld_report_add(r, "a", LD_RULE_SCHEMA, &err, "x\ny\rz"),
		     0);
	T_ASSERT_STR(ld_report_get(r, 0)->message, "x y z");
	T_ASSERT_STR(ld_report_get(r, 0)->rule, LD_RULE_SCHEMA);
	T_ASSERT(ld_report_get(r, 1) == NULL);
	ld_report_free(r);
}

void test_ledger_check__merged_reports_sort_by_entry_then_insertion(void)
{
	ld_report *a = NULL, *b = NULL;
	ae_err err = {0};

	T_ASSERT_INT(ld_report_new(&a, &err), 0);
	T_ASSERT_INT(ld_report_new(&b, &err), 0);
	ld__report_add_at(a, 5, "e5", "r", &err, "first");
	ld__report_add_at(b, 2, "e2", "r", &err, "only");
	ld__report_add_at(a, 5, "e5", "r", &err, "second");
	ld__report_add_at(b, 9, "e9", "r", &err, "last");
	ld__report_set_transient(b);
	T_ASSERT_INT(ld__report_merge(a, b, &err), 0);
	ld__report_sort(a);
	T_ASSERT_INT(ld_report_count(a), 4);
	T_ASSERT_INT(ld_report_count(b), 0);
	T_ASSERT_STR(ld_report_get(a, 0)->path, "e2");
	T_ASSERT_STR(ld_report_get(a, 1)->message, "first");
	T_ASSERT_STR(ld_report_get(a, 2)->message, "second");
	T_ASSERT_STR(ld_report_get(a, 3)->path, "e9");
	T_ASSERT(ld_report_transient(a));
	ld_report_free(a);
	ld_report_free(b);
}

/* ---- placement (rule 2) ---- */

/* Classifies `rel` with `mode`; returns the place and the first message
 * (or "" when there is none) in msg[512]. */
static ld__place place(const char *rel, uint32_t mode, char *msg)
{
	ld_report *r = NULL;
	ae_err err = {0};
	ld__place p = LD__PLACE_VIOLATION;
	ld__loc loc;

	T_ASSERT_INT(ld_report_new(&r, &err), 0);
	T_ASSERT_INT(ld__place_check(&p, &loc, r, rel, rel, mode, 0, &err), 0);
	snprintf(msg, 512, "%s",
		 ld_report_count(r) ? ld_report_get(r, 0)->message : "");
	ld_report_free(r);
	return p;
}

#define SLUG "7c4c0edc8c765a95a0f3afdb3bbb8e91"
#define HEX64 "33d4cf36622ead990c43a596f6f53c62b87d9fa4708f59b7e3f356f215e54317"
#define PTR R "/" SLUG "/sha256-" HEX64 ".yaml"

void test_ledger_check__a_canonical_pointer_path_is_read(void)
{
	char msg[512];
	ld_report *r = NULL;
	ae_err err = {0};
	ld__place p;
	ld__loc loc;

	T_ASSERT_INT(place(PTR, LD__MODE_BLOB, msg), LD__PLACE_POINTER);
	T_ASSERT_STR(msg, "");
	T_ASSERT_INT(ld_report_new(&r, &err), 0);
	T_ASSERT_INT(ld__place_check(&p, &loc, r, "x", PTR, LD__MODE_BLOB, 0,
				     &err),
		     0);
	T_ASSERT_INT(loc.recipe_len, strlen(R));
	T_ASSERT(strncmp(loc.src, SLUG, loc.src_len) == 0);
	T_ASSERT_STR(loc.name, "sha256-" HEX64 ".yaml");
	ld_report_free(r);
}

void test_ledger_check__the_allowlist_is_the_only_file_at_the_root(void)
{
	char msg[512];

	T_ASSERT_INT(place("allowlist.yaml", LD__MODE_BLOB, msg),
		     LD__PLACE_ALLOWLIST);
	T_ASSERT_INT(place("allowlist.yml", LD__MODE_BLOB, msg),
		     LD__PLACE_VIOLATION);
	T_ASSERT(strstr(msg, "unexpected file at the evidence root"));
	T_ASSERT_INT(place("allowlist.yaml", LD__MODE_EXEC, msg),
		     LD__PLACE_VIOLATION);
	T_ASSERT(strstr(msg, "allowlist.yaml must be a regular file"));
}

void test_ledger_check__files_outside_recipe_src_are_violations(void)
{
	char msg[512];

	T_ASSERT_INT(place(R "/loose.yaml", LD__MODE_BLOB, msg),
		     LD__PLACE_VIOLATION);
	T_ASSERT(strstr(msg, "not directly in the recipe directory"));
	T_ASSERT_INT(place(R "/" SLUG "/sub/sha256-" HEX64 ".yaml",
			   LD__MODE_BLOB, msg),
		     LD__PLACE_VIOLATION);
	T_ASSERT(strstr(msg, "unexpected sub-directory"));
}

void test_ledger_check__only_lowercase_sha256_yaml_names_are_pointers(void)
{
	char msg[512];

	T_ASSERT_INT(place(R "/" SLUG "/sha256-" HEX64 ".yml", LD__MODE_BLOB,
			   msg),
		     LD__PLACE_VIOLATION);
	T_ASSERT(strstr(msg, "only sha256-<64 lowercase hex>.yaml"));
	T_ASSERT_INT(place(R "/" SLUG "/README", LD__MODE_BLOB, msg),
		     LD__PLACE_VIOLATION);
	/* Misnamed .yaml files are still read, so their contents are judged
	 * too; the name problem is recorded. */
	T_ASSERT_INT(place(R "/" SLUG "/sha256-ABCDEF.yaml", LD__MODE_BLOB,
			   msg),
		     LD__PLACE_POINTER);
	T_ASSERT(strstr(msg, "pointer filename must be sha256-"));
}

void test_ledger_check__links_submodules_and_executables_are_refused(void)
{
	char msg[512];

	T_ASSERT_INT(place(PTR, LD__MODE_LINK, msg), LD__PLACE_VIOLATION);
	T_ASSERT(strstr(msg, "symlinks are not allowed"));
	T_ASSERT_INT(place(PTR, LD__MODE_GITLINK, msg), LD__PLACE_VIOLATION);
	T_ASSERT(strstr(msg, "submodules are not allowed"));
	T_ASSERT_INT(place(PTR, LD__MODE_EXEC, msg), LD__PLACE_POINTER);
	T_ASSERT(strstr(msg, "mode 100644, not 100755"));
}

void test_ledger_check__source_dirs_must_be_slugs_and_names_plain(void)
{
	char msg[512];

	T_ASSERT_INT(place(R "/alice/sha256-" HEX64 ".yaml", LD__MODE_BLOB,
			   msg),
		     LD__PLACE_POINTER);
	T_ASSERT(strstr(msg, "is not a 32-hex signer slug"));
	T_ASSERT_INT(place(".git/" SLUG "/sha256-" HEX64 ".yaml",
			   LD__MODE_BLOB, msg),
		     LD__PLACE_VIOLATION);
	T_ASSERT(strstr(msg, "not a plain ASCII name"));
}

/* ---- whole runs over a repository built with libgit2 ---- */

static char slug_alice[33], slug_mallory[33];

void test_ledger_check__initialize(void)
{
	ld__claim_slug(slug_alice, ISS, ALICE, NULL);
	ld__claim_slug(slug_mallory, ISS, MALLORY, NULL);
	git_libgit2_init();
}

void test_ledger_check__cleanup(void)
{
	git_libgit2_shutdown();
}

static char *pointer_text(const char *id, const char *hex)
{
	char *s = NULL;

	T_ASSERT(asprintf(&s,
			  "attestations:\n  - attestedAt: 2026-06-25T05:57:00Z\n"
			  "    bundle:\n      digest: sha256:%s\n"
			  "      oci: ghcr.io/acme/e:%.12s\n"
			  "      predicateType: "
			  "https://aicr.run/recipe-evidence/v3\n"
			  "    signer:\n      identity: %s\n      issuer: " ISS
			  "\n      rekorLogIndex: 7\nrecipe: " R
			  "\nschemaVersion: 1.0.0\n",
			  hex, hex, id) > 0);
	return s;
}

/* Stages `data` at `path` with `mode` in the repo's index. */
static void stage(git_repository *repo, const char *path, const char *data,
		  uint32_t mode)
{
	git_index *idx = NULL;
	git_index_entry e;

	memset(&e, 0, sizeof(e));
	e.path = path;
	e.mode = mode;
	T_ASSERT_INT(git_repository_index(&idx, repo), 0);
	T_ASSERT_INT(git_index_add_from_buffer(idx, &e, data, strlen(data)),
		     0);
	T_ASSERT_INT(git_index_write(idx), 0);
	git_index_free(idx);
}

/* Commits the index on HEAD. */
static void commit(git_repository *repo, const char *msg)
{
	git_index *idx = NULL;
	git_oid tree_id, id, parent_id;
	git_tree *tree = NULL;
	git_commit *parent = NULL;
	git_signature *sig = NULL;
	int n = 0;

	T_ASSERT_INT(git_repository_index(&idx, repo), 0);
	T_ASSERT_INT(git_index_write_tree(&tree_id, idx), 0);
	T_ASSERT_INT(git_tree_lookup(&tree, repo, &tree_id), 0);
	T_ASSERT_INT(git_signature_new(&sig, "t", "t@example.com", 1, 0), 0);
	if (git_reference_name_to_id(&parent_id, repo, "HEAD") == 0) {
		T_ASSERT_INT(git_commit_lookup(&parent, repo, &parent_id), 0);
		n = 1;
	}
	T_ASSERT_INT(git_commit_create_v(&id, repo, "HEAD", sig, sig, NULL,
					 msg, tree, n, parent),
		     0);
	git_commit_free(parent);
	git_signature_free(sig);
	git_tree_free(tree);
	git_index_free(idx);
}

static char *ptr_path(const char *slug, const char *hex)
{
	char *s = NULL;

	T_ASSERT(asprintf(&s, "recipes/evidence/" R "/%s/sha256-%s.yaml", slug,
			  hex) > 0);
	return s;
}

static const char *hexn(int n)
{
	static char hex[65];
	unsigned char sha[32];
	char in[16];

	snprintf(in, sizeof(in), "%d", n);
	ae_sha256(sha, in, strlen(in));
	ae_hex_encode(hex, sha, 32);
	return hex;
}

/* A repository whose first commit holds an allowlist with alice as a
 * community signer and `n` of her pointers. */
static git_repository *ledger_repo(int n)
{
	git_repository *repo = NULL;
	char *al = NULL;

	T_ASSERT_INT(git_repository_init(&repo, t_path("repo"), 0), 0);
	T_ASSERT(asprintf(&al,
			  "schemaVersion: \"1.0.0\"\ncommunity:\n"
			  "  - label: alice\n    issuer: " ISS
			  "\n    source: %s\n",
			  slug_alice) > 0);
	stage(repo, "recipes/evidence/allowlist.yaml", al, LD__MODE_BLOB);
	for (int i = 0; i < n; i++) {
		char *p = ptr_path(slug_alice, hexn(i));
		char *t = pointer_text(ALICE, hexn(i));
		stage(repo, p, t, LD__MODE_BLOB);
		free(p);
		free(t);
	}
	commit(repo, "base");
	free(al);
	return repo;
}

void test_ledger_check__an_audit_of_a_clean_ledger_finds_nothing(void)
{
	git_repository *repo = ledger_repo(20);
	ld_contract_opts o = LD_CONTRACT_OPTS_INIT;
	ld_report *r = NULL;
	ae_err err = {0};

	o.repo = t_path("repo");
	o.workers = 3;
	T_ASSERT_INT(ld_contract_run(&r, &o, &err), 0);
	T_ASSERT_INT(ld_report_count(r), 0);
	T_ASSERT_INT(ld_report_pointers(r), 20);
	T_ASSERT_INT(ld_report_changes(r), 21);
	T_ASSERT_STR(ld_report_base(r), "");
	T_ASSERT_INT(strlen(ld_report_head(r)), 40);
	ld_report_free(r);
	git_repository_free(repo);
}

void test_ledger_check__a_diff_flags_modification_and_checks_additions(void)
{
	git_repository *repo = ledger_repo(3);
	ld_contract_opts o = LD_CONTRACT_OPTS_INIT;
	ld_report *r = NULL;
	ae_err err = {0};
	char *p0 = ptr_path(slug_alice, hexn(0));
	char *pm = ptr_path(slug_mallory, hexn(50));
	char *tm = pointer_text(MALLORY, hexn(50));

	stage(repo, p0, "tampered\n", LD__MODE_BLOB);
	stage(repo, pm, tm, LD__MODE_BLOB);
	commit(repo, "pr");
	o.repo = t_path("repo");
	o.base = "HEAD~1";
	o.head = "HEAD";
	T_ASSERT_INT(ld_contract_run(&r, &o, &err), 0);
	T_ASSERT_INT(ld_report_count(r), 2);
	/* git's path order: mallory's slug 60ff... sorts before 9dca... */
	T_ASSERT_STR(ld_report_get(r, 0)->path, pm);
	T_ASSERT_STR(ld_report_get(r, 0)->rule, LD_RULE_ALLOWLIST);
	T_ASSERT_STR(ld_report_get(r, 1)->path, p0);
	T_ASSERT_STR(ld_report_get(r, 1)->rule, LD_RULE_ADD_ONLY);
	T_ASSERT_INT(ld_report_changes(r), 2);
	T_ASSERT_INT(ld_report_pointers(r), 1);
	ld_report_free(r);
	free(p0);
	free(pm);
	free(tm);
	git_repository_free(repo);
}

void test_ledger_check__the_entry_cap_holds_at_cap_and_fails_past_it(void)
{
	git_repository *repo = ledger_repo(4);
	ld_contract_opts o = LD_CONTRACT_OPTS_INIT;
	ld_report *r = NULL;
	ae_err err = {0};

	o.repo = t_path("repo");
	o.max_entries = 5; /* allowlist + 4 pointers */
	T_ASSERT_INT(ld_contract_run(&r, &o, &err), 0);
	ld_report_free(r);
	r = NULL;
	o.max_entries = 4;
	T_ASSERT_INT(ld_contract_run(&r, &o, &err), AE_ETOOBIG);
	T_ASSERT(r == NULL);
	T_ASSERT_MSG(err, "more than 4 files");
	git_repository_free(repo);
}

void test_ledger_check__a_missing_repository_or_revision_is_an_error(void)
{
	git_repository *repo = ledger_repo(1);
	ld_contract_opts o = LD_CONTRACT_OPTS_INIT;
	ld_report *r = NULL;
	ae_err err = {0};

	o.repo = "/nonexistent/repo";
	T_ASSERT_INT(ld_contract_run(&r, &o, &err), AE_ENOTFOUND);
	T_ASSERT(r == NULL);
	ae_err_clear(&err);
	o.repo = t_path("repo");
	o.base = "no-such-rev";
	T_ASSERT_INT(ld_contract_run(&r, &o, &err), AE_ENOTFOUND);
	T_ASSERT(r == NULL);
	ae_err_clear(&err);
	o.base = NULL;
	o.root = "../escape";
	T_ASSERT_INT(ld_contract_run(&r, &o, &err), AE_EINVAL);
	T_ASSERT(r == NULL);
	git_repository_free(repo);
}

/* ---- raw trees as git fsck judges them (check_fsck.c) ---- */

/* Appends the entry "MODE NAME\0" + a 20-byte id of `fill` to buf. */
static size_t tree_ent(unsigned char *buf, size_t at, const char *mode,
		       const char *name, unsigned char fill)
{
	size_t m = strlen(mode), n = strlen(name);

	memcpy(buf + at, mode, m);
	buf[at + m] = ' ';
	memcpy(buf + at + m + 1, name, n + 1);
	memset(buf + at + m + 1 + n + 1, fill, 20);
	return at + m + 1 + n + 1 + 20;
}

/* The kinds ld__tree_fsck finds in a tree of the given entries (mode,
 * name pairs, NULL-terminated). */
static unsigned fsck_of(const char *const *ents)
{
	unsigned char buf[2048];
	size_t len = 0;
	ld__fsck f;

	for (size_t i = 0; ents[i] != NULL; i += 2)
		len = tree_ent(buf, len, ents[i], ents[i + 1], 7);
	ld__tree_fsck(&f, buf, len);
	return f.found;
}

#define FSCK(...) fsck_of((const char *const[]){__VA_ARGS__, NULL})
#define BIT(k) (1u << (k))

void test_ledger_check__a_tree_git_writes_is_clean(void)
{
	T_ASSERT_INT(FSCK("100644", "a", "40000", "a-c", "100644", "a.b",
			  "100755", "b", "120000", "c", "160000", "d",
			  "40000", "e"),
		     0);
	/* "a/" sorts after "a.b": a directory compares as "name/" */
	T_ASSERT_INT(FSCK("100644", "a.b", "40000", "a"), 0);
}

void test_ledger_check__tree_fsck_finds_every_kind_git_refuses(void)
{
	unsigned char buf[256];
	size_t len;
	ld__fsck f;

	T_ASSERT_INT(FSCK("100644", "a", "100644", "a"),
		     BIT(LD__FSCK_DUPLICATE));
	T_ASSERT_INT(FSCK("100644", "a", "100644", "a.b", "40000", "a"),
		     BIT(LD__FSCK_DUPLICATE)); /* apart in tree order */
	T_ASSERT_INT(FSCK("100644", "b", "100644", "a"),
		     BIT(LD__FSCK_UNSORTED));
	T_ASSERT_INT(FSCK("40000", "a", "100644", "a.b"),
		     BIT(LD__FSCK_UNSORTED));
	T_ASSERT_INT(FSCK("100644", "r/s/x.yaml"), BIT(LD__FSCK_FULL_PATH));
	T_ASSERT_INT(FSCK("40000", ".."), BIT(LD__FSCK_DOT));
	T_ASSERT_INT(FSCK("40000", "."), BIT(LD__FSCK_DOT));
	T_ASSERT_INT(FSCK("0100644", "a"), BIT(LD__FSCK_ZERO_PAD));
	T_ASSERT_INT(FSCK("040000", "a"), BIT(LD__FSCK_ZERO_PAD));
	T_ASSERT_INT(FSCK("100664", "a"), BIT(LD__FSCK_BAD_MODE));
	T_ASSERT_INT(FSCK("100600", "a"), BIT(LD__FSCK_BAD_MODE));
	for (const char *const *g = (const char *const[]){
		     ".git", ".GIT", ".Git", "git~1", "GIT~1", ".git.",
		     ".git ", ".git. .", ".git:stream", "a\\.git",
		     ".\xe2\x80\x8cgit", ".git\xef\xbb\xbf", NULL};
	     *g; g++)
		if (FSCK("40000", *g) != BIT(LD__FSCK_DOTGIT))
			t_fail_at(__FILE__, __LINE__, "%s passed", *g);
	T_ASSERT_INT(FSCK("40000", ".gitx"), 0);
	T_ASSERT_INT(FSCK("40000", "git~2"), 0);
	len = tree_ent(buf, 0, "100644", "a", 0);
	ld__tree_fsck(&f, buf, len);
	T_ASSERT_INT(f.found, BIT(LD__FSCK_NULL_ID));
	len = tree_ent(buf, 0, "100644", "", 1);
	ld__tree_fsck(&f, buf, len);
	T_ASSERT(f.found & BIT(LD__FSCK_EMPTY_NAME));
	for (size_t cut = 1; cut < len; cut++) {
		ld__tree_fsck(&f, buf, cut);
		T_ASSERT_INT(f.found, BIT(LD__FSCK_BAD_TREE));
	}
	memcpy(buf, "1006x4", 6);
	ld__tree_fsck(&f, buf, len);
	T_ASSERT_INT(f.found, BIT(LD__FSCK_BAD_TREE));
}

/* The walkers judge trees libgit2 has parsed (ld__tree_fsck_parsed, with
 * the raw size for what a parse forgets): the verdict must be the raw
 * reader's on every case libgit2 parses at all. */
void test_ledger_check__a_parsed_tree_is_judged_as_its_raw_bytes(void)
{
	static const char *const cases[][6] = {
		{"100644", "a", "40000", "a-c", "100644", "a.b"},
		{"100644", "a", "100644", "a", NULL, NULL},
		{"100644", "a", "100644", "a.b", "40000", "a"},
		{"100644", "b", "100644", "a", NULL, NULL},
		{"100644", "r/s/x.yaml", NULL, NULL, NULL, NULL},
		{"40000", "..", NULL, NULL, NULL, NULL},
		{"0100644", "a", NULL, NULL, NULL, NULL},
		{"040000", "a", "100644", "b", NULL, NULL},
		{"100664", "a", NULL, NULL, NULL, NULL},
		{"40000", ".GIT", "40000", "git~1", NULL, NULL},
		/* libgit2 keeps a mode in 16 bits: 0300644 and 01100644 parse
		 * as 0100644 (the first with as many digits) */
		{"300644", "a", NULL, NULL, NULL, NULL},
		{"1100644", "a", NULL, NULL, NULL, NULL},
		{"100644", "a", "240000", "b", NULL, NULL},
		{"100644", "a", "140000", "b", "100644", "c"},
		/* strtol's sign: a longer spelling of the same mode */
		{"+100644", "a", NULL, NULL, NULL, NULL},
		{"100644", "a", "+40000", "b", NULL, NULL},
	};
	git_repository *repo = ledger_repo(0);
	git_odb *odb = NULL;

	T_ASSERT_INT(git_repository_odb(&odb, repo), 0);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		unsigned char buf[512];
		size_t len = 0;
		git_oid id;
		git_tree *t = NULL;
		ld__fsck raw, parsed;

		for (int i = 0; i < 6 && cases[c][i] != NULL; i += 2)
			len = tree_ent(buf, len, cases[c][i], cases[c][i + 1],
				       (unsigned char)(7 + i));
		T_ASSERT_INT(ld__tree_fsck(&raw, buf, len), 0);
		T_ASSERT_INT(git_odb_write(&id, odb, buf, len, GIT_OBJECT_TREE),
			     0);
		if (git_tree_lookup(&t, repo, &id) < 0) {
			git_error_clear();
			continue; /* libgit2 refuses it: nothing to walk */
		}
		T_ASSERT_INT(ld__tree_fsck_parsed(&parsed, t, len), 0);
		/* A sign before a mode reads as a longer spelling of it (a
		 * size past git's): the parse names it a padded mode, the raw
		 * reader a bad tree. Either way the tree is refused, and a
		 * refused tree is reported from its raw bytes. */
		if ((parsed.found != raw.found &&
		     parsed.found != BIT(LD__FSCK_ZERO_PAD)) ||
		    (parsed.found == 0) != (raw.found == 0))
			t_fail_at(__FILE__, __LINE__,
				  "case %zu: parsed %#x, raw %#x", c,
				  parsed.found, raw.found);
		git_tree_free(t);
	}
	git_odb_free(odb);
	git_repository_free(repo);
}

void test_ledger_check__gitattributes_in_every_spelling_git_reads(void)
{
	static const char *const yes[] = {
		".gitattributes", ".GITATTRIBUTES", ".GitAttributes",
		".gitattributes.", ".gitattributes ", ".gitattributes:x",
		"gitatt~1", "GITATT~4", "gi7d29~2",
		".git\342\200\214attributes",
		".gitattributes\xef\xbb\xbf"};
	static const char *const no[] = {".gitattributes2", "gitattributes",
					 "gitatt~5", ".gitattribute",
					 "x.gitattributes", ".gitignore"};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!ld__name_is_gitattributes(yes[i], strlen(yes[i])))
			t_fail_at(__FILE__, __LINE__, "missed %s", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (ld__name_is_gitattributes(no[i], strlen(no[i])))
			t_fail_at(__FILE__, __LINE__, "took %s", no[i]);
	T_ASSERT(ld__path_has_gitattributes("r/.gitattributes"));
	T_ASSERT(ld__path_has_gitattributes(".GitAttributes/x"));
	T_ASSERT(!ld__path_has_gitattributes("r/s/sha256-x.yaml"));
}

/* ---- the merge result (check_merge.c, issue 15 item 1) ---- */

/* Commits the index with `n` explicit parents; moves `ref` when given. */
static void commit_parents(git_oid *out, git_repository *repo,
			   const char *ref, const git_oid *parents, int n)
{
	git_index *idx = NULL;
	git_oid tree_id;
	git_tree *tree = NULL;
	git_commit *p[3] = {NULL, NULL, NULL};
	git_signature *sig = NULL;

	T_ASSERT_INT(git_repository_index(&idx, repo), 0);
	T_ASSERT_INT(git_index_write_tree(&tree_id, idx), 0);
	T_ASSERT_INT(git_tree_lookup(&tree, repo, &tree_id), 0);
	T_ASSERT_INT(git_signature_new(&sig, "t", "t@example.com", 1, 0), 0);
	for (int i = 0; i < n; i++)
		T_ASSERT_INT(git_commit_lookup(&p[i], repo, &parents[i]), 0);
	T_ASSERT_INT(git_commit_create(out, repo, NULL, sig, sig, NULL, "c",
				       tree, (size_t)n,
				       (const git_commit **)p),
		     0);
	if (ref != NULL) {
		git_reference *r = NULL;
		T_ASSERT_INT(git_reference_create(&r, repo, ref, out, 1, "t"),
			     0);
		git_reference_free(r);
	}
	for (int i = 0; i < n; i++)
		git_commit_free(p[i]);
	git_signature_free(sig);
	git_tree_free(tree);
	git_index_free(idx);
}

static void unstage(git_repository *repo, const char *path)
{
	git_index *idx = NULL;

	T_ASSERT_INT(git_repository_index(&idx, repo), 0);
	T_ASSERT_INT(git_index_remove_bypath(idx, path), 0);
	T_ASSERT_INT(git_index_write(idx), 0);
	git_index_free(idx);
}

/* Criss-cross: A1 adds X, A2 adds Y; main merges (A1, A2); the PR merges
 * (A2, A1) without X and adds Z. main and pr have two merge bases; the
 * virtual base holds X, so the merge deletes it. */
void test_ledger_check__a_criss_cross_merge_is_judged_by_its_result(void)
{
	git_repository *repo = ledger_repo(1);
	ld_contract_opts o = LD_CONTRACT_OPTS_INIT;
	ld_report *r = NULL;
	ae_err err = {0};
	git_oid b0, a1, a2, t, h, par[2];
	char *x = ptr_path(slug_alice, hexn(101));
	char *y = ptr_path(slug_alice, hexn(102));
	char *z = ptr_path(slug_alice, hexn(103));
	char *tx = pointer_text(ALICE, hexn(101));
	char *ty = pointer_text(ALICE, hexn(102));
	char *tz = pointer_text(ALICE, hexn(103));

	T_ASSERT_INT(git_reference_name_to_id(&b0, repo, "HEAD"), 0);
	stage(repo, x, tx, LD__MODE_BLOB);
	commit_parents(&a1, repo, NULL, &b0, 1);
	unstage(repo, x);
	stage(repo, y, ty, LD__MODE_BLOB);
	commit_parents(&a2, repo, NULL, &b0, 1);
	stage(repo, x, tx, LD__MODE_BLOB);
	par[0] = a1;
	par[1] = a2;
	commit_parents(&t, repo, "refs/heads/tip", par, 2);
	unstage(repo, x);
	stage(repo, z, tz, LD__MODE_BLOB);
	par[0] = a2;
	par[1] = a1;
	commit_parents(&h, repo, "refs/heads/pr", par, 2);
	o.repo = t_path("repo");
	o.base = "tip";
	o.head = "pr";
	T_ASSERT_INT(ld_contract_run(&r, &o, &err), 0);
	T_ASSERT_STR(ld_report_merge(r), "three-way");
	T_ASSERT_INT(ld_report_merge_bases(r), 2);
	T_ASSERT_INT(ld_report_changes(r), 2); /* X deleted, Z added */
	T_ASSERT_INT(ld_report_count(r), 1);
	T_ASSERT_STR(ld_report_get(r, 0)->path, x);
	T_ASSERT(strstr(ld_report_get(r, 0)->message, "deleted") != NULL);
	ld_report_free(r);
	r = NULL;
	/* Head contains the tip once it merges it: a fast-forward. */
	par[0] = h;
	par[1] = t;
	commit_parents(&h, repo, "refs/heads/pr", par, 2);
	T_ASSERT_INT(ld_contract_run(&r, &o, &err), 0);
	T_ASSERT_STR(ld_report_merge(r), "fast-forward");
	T_ASSERT_INT(ld_report_count(r), 1);
	ld_report_free(r);
	r = NULL;
	o.base = "pr";
	o.head = "tip";
	T_ASSERT_INT(ld_contract_run(&r, &o, &err), 0);
	T_ASSERT_STR(ld_report_merge(r), "up-to-date");
	T_ASSERT_INT(ld_report_changes(r), 0);
	ld_report_free(r);
	free(x);
	free(y);
	free(z);
	free(tx);
	free(ty);
	free(tz);
	git_repository_free(repo);
}

/* The root subtree and top-level .gitattributes of libgit2's own full
 * merge of `head` into `base` (its objects go to an in-memory backend). */
static void libgit2_merge(git_oid *root_out, git_oid *attr_out,
			  git_repository *repo, const git_oid *base,
			  const git_oid *head)
{
	git_commit *b = NULL, *h = NULL;
	git_index *idx = NULL;
	git_tree *top = NULL;
	git_tree_entry *te = NULL;
	git_merge_options mo;
	git_oid top_id;

	T_ASSERT_INT(git_merge_options_init(&mo, GIT_MERGE_OPTIONS_VERSION), 0);
	mo.flags = 0;
	T_ASSERT_INT(git_commit_lookup(&b, repo, base), 0);
	T_ASSERT_INT(git_commit_lookup(&h, repo, head), 0);
	T_ASSERT_INT(git_merge_commits(&idx, repo, b, h, &mo), 0);
	T_ASSERT(!git_index_has_conflicts(idx));
	T_ASSERT_INT(git_index_write_tree_to(&top_id, idx, repo), 0);
	T_ASSERT_INT(git_tree_lookup(&top, repo, &top_id), 0);
	T_ASSERT_INT(git_tree_entry_bypath(&te, top, "recipes/evidence"), 0);
	git_oid_cpy(root_out, git_tree_entry_id(te));
	memset(attr_out, 0, sizeof(*attr_out));
	if (git_tree_entry_byname(top, ".gitattributes") != NULL)
		git_oid_cpy(attr_out, git_tree_entry_id(git_tree_entry_byname(
					      top, ".gitattributes")));
	git_tree_entry_free(te);
	git_tree_free(top);
	git_index_free(idx);
	git_commit_free(b);
	git_commit_free(h);
}

/* With one merge base the gate merges trees itself, skipping what only one
 * side changed; for what it judges -- the root, .gitattributes -- the
 * result must be libgit2's full merge's, bit for bit. */
void test_ledger_check__the_single_base_merge_is_libgit2s_for_the_root(void)
{
	git_repository *repo = ledger_repo(3);
	const char *al = "recipes/evidence/allowlist.yaml";
	char *px = ptr_path(slug_alice, hexn(201));
	char *py = ptr_path(slug_alice, hexn(202));
	char *p0 = ptr_path(slug_alice, hexn(0));
	char *tx = pointer_text(ALICE, hexn(201));
	char *ty = pointer_text(ALICE, hexn(202));
	git_oid b0, t, h, want_root, want_attr;
	git_commit *tc = NULL, *hc = NULL;
	git_tree *top = NULL;
	git_tree_entry *te = NULL;
	ld__merge info;
	ae_err err = {0};
	char *al_text = NULL;

	T_ASSERT(asprintf(&al_text,
			  "schemaVersion: \"1.0.0\"\n# a\n# b\n# c\n# d\n"
			  "community:\n  - label: alice\n    issuer: " ISS
			  "\n    source: %s\n# e\n# f\n# g\n",
			  slug_alice) > 0);
	stage(repo, al, al_text, LD__MODE_BLOB);
	commit(repo, "base");
	T_ASSERT_INT(git_reference_name_to_id(&b0, repo, "HEAD"), 0);
	/* tip: a pointer added, the allowlist's head edited */
	stage(repo, px, tx, LD__MODE_BLOB);
	{
		char *edited = strdup(al_text);
		memcpy(strstr(edited, "# a"), "# A", 3);
		stage(repo, al, edited, LD__MODE_BLOB);
		free(edited);
	}
	commit_parents(&t, repo, "refs/heads/tip", &b0, 1);
	/* head, from the base: another pointer, a deletion, the allowlist's
	 * tail edited, a top-level .gitattributes */
	unstage(repo, px);
	stage(repo, py, ty, LD__MODE_BLOB);
	unstage(repo, p0);
	{
		char *edited = strdup(al_text);
		memcpy(strstr(edited, "# g"), "# G", 3);
		stage(repo, al, edited, LD__MODE_BLOB);
		free(edited);
	}
	stage(repo, ".gitattributes", "* text\n", LD__MODE_BLOB);
	commit_parents(&h, repo, "refs/heads/pr", &b0, 1);
	libgit2_merge(&want_root, &want_attr, repo, &t, &h);
	T_ASSERT_INT(git_commit_lookup(&tc, repo, &t), 0);
	T_ASSERT_INT(git_commit_lookup(&hc, repo, &h), 0);
	T_ASSERT_INT(ld__merge_tree(&top, &info, repo, "recipes/evidence", tc,
				    hc, &err),
		     0);
	T_ASSERT_INT(info.kind, LD__MERGE_THREE_WAY);
	T_ASSERT_INT(info.n_bases, 1);
	T_ASSERT_INT(git_tree_entry_bypath(&te, top, "recipes/evidence"), 0);
	T_ASSERT(git_oid_equal(git_tree_entry_id(te), &want_root));
	T_ASSERT(git_tree_entry_byname(top, ".gitattributes") != NULL);
	T_ASSERT(git_oid_equal(
		git_tree_entry_id(git_tree_entry_byname(top, ".gitattributes")),
		&want_attr));
	git_tree_entry_free(te);
	git_tree_free(top);
	git_commit_free(tc);
	git_commit_free(hc);
	free(al_text);
	free(px);
	free(py);
	free(p0);
	free(tx);
	free(ty);
	git_repository_free(repo);
}

void test_ledger_check__a_conflicting_merge_cannot_be_judged(void)
{
	git_repository *repo = ledger_repo(1);
	ld_contract_opts o = LD_CONTRACT_OPTS_INIT;
	ld_report *r = NULL;
	ae_err err = {0};
	git_oid b0, t, h;
	char *p0 = ptr_path(slug_alice, hexn(0));

	T_ASSERT_INT(git_reference_name_to_id(&b0, repo, "HEAD"), 0);
	stage(repo, p0, "one\n", LD__MODE_BLOB);
	commit_parents(&t, repo, "refs/heads/tip", &b0, 1);
	stage(repo, p0, "two\n", LD__MODE_BLOB);
	commit_parents(&h, repo, "refs/heads/pr", &b0, 1);
	o.repo = t_path("repo");
	o.base = "tip";
	o.head = "pr";
	T_ASSERT_INT(ld_contract_run(&r, &o, &err), AE_EINVAL);
	T_ASSERT(r == NULL);
	T_ASSERT_MSG(err, "does not merge cleanly into base: 1 conflicting "
			  "path");
	T_ASSERT_MSG(err, "first \"recipes/evidence/" R "/");
	free(p0);
	git_repository_free(repo);
}

/* ---- what a failed fetch proves (issue 15 item 9) ---- */

void test_ledger_check__only_what_the_registry_said_is_a_finding(void)
{
	T_ASSERT_INT(ld_fetch_classify(AE_ENOTFOUND, 404), LD_FETCH_FINDING);
	T_ASSERT_INT(ld_fetch_classify(AE_ENOTFOUND, 0), LD_FETCH_FINDING);
	T_ASSERT_INT(ld_fetch_classify(AE_EVERIFY, 200), LD_FETCH_FINDING);
	T_ASSERT_INT(ld_fetch_classify(AE_ETOOBIG, 200), LD_FETCH_FINDING);
	T_ASSERT_INT(ld_fetch_classify(AE_EINVAL, 200), LD_FETCH_FINDING);
	T_ASSERT_INT(ld_fetch_classify(AE_ETRANSIENT, 503),
		     LD_FETCH_TRANSIENT);
	T_ASSERT_INT(ld_fetch_classify(AE_ETRANSIENT, 0), LD_FETCH_TRANSIENT);
	/* TLS failed or met plain HTTP: no answer at all */
	T_ASSERT_INT(ld_fetch_classify(AE_EINVAL, 0), LD_FETCH_UNDECIDED);
	/* a status the protocol does not allow here */
	T_ASSERT_INT(ld_fetch_classify(AE_EINVAL, 400), LD_FETCH_UNDECIDED);
	T_ASSERT_INT(ld_fetch_classify(AE_EAUTH, 401), LD_FETCH_UNDECIDED);
	T_ASSERT_INT(ld_fetch_classify(AE_EIO, 200), LD_FETCH_UNDECIDED);
	T_ASSERT_INT(ld_fetch_classify(AE_ERR, 0), LD_FETCH_UNDECIDED);
}

static int undecided_verify(const ev_pointer_claim *claim, void *ctx,
			    ae_err *err)
{
	(void)claim;
	(void)ctx;
	return ae_fail(err, AE_EIO, "cannot talk to registry r: TLS");
}

void test_ledger_check__an_undecided_signature_is_a_note_not_a_problem(void)
{
	git_repository *repo = ledger_repo(2);
	ld_contract_opts o = LD_CONTRACT_OPTS_INIT;
	ld_report *r = NULL;
	ae_err err = {0};

	o.repo = t_path("repo");
	o.verify = undecided_verify;
	T_ASSERT_INT(ld_contract_run(&r, &o, &err), 0);
	T_ASSERT_INT(ld_report_count(r), 0);
	T_ASSERT_INT(ld_report_note_count(r), 2);
	T_ASSERT(ld_report_undecided(r));
	T_ASSERT(!ld_report_transient(r));
	ld_report_free(r);
	git_repository_free(repo);
}

/* ---- the ledger as `ledger` reads it (corroborate_source.c) ---- */

void test_ledger_check__ledger_reads_head_not_the_work_tree(void)
{
	git_repository *repo = ledger_repo(2);
	ld_pointer_paths paths = {NULL, 0};
	ld_source *src = NULL;
	ae_err err = {0};
	ae_buf b;
	char *p0 = ptr_path(slug_alice, hexn(0));
	char root[4096];

	/* The work tree holds only a stray file: the pointers are in git. */
	snprintf(root, sizeof(root), "%s/recipes/evidence", t_path("repo"));
	T_ASSERT_INT(mkdir(t_path("repo/recipes"), 0755), 0);
	T_ASSERT_INT(mkdir(root, 0755), 0);
	t_write_file(t_path("repo/recipes/evidence/allowlist.yaml"), "x: [", 4);
	T_ASSERT_INT(ld_source_open(&src, root, false, &err), 0);
	T_ASSERT_INT(strlen(ld_source_commit(src)), 40);
	T_ASSERT_INT(ld_source_list(&paths, src, NULL, 0, &err), 0);
	T_ASSERT_INT(paths.n, 2);
	T_ASSERT_STR(paths.v[0], p0 + strlen("recipes/evidence/"));
	T_ASSERT_INT(ld_source_read(&b, src, paths.v[0], 1 << 20, &err), 0);
	T_ASSERT(strstr((const char *)b.data, hexn(0)) != NULL);
	ae_buf_dispose(&b);
	T_ASSERT_INT(ld_source_read(&b, src, "allowlist.yaml", 1 << 20, &err),
		     0);
	T_ASSERT(strstr((const char *)b.data, "community") != NULL);
	ae_buf_dispose(&b);
	T_ASSERT_INT(ld_source_read(&b, src, paths.v[0], 10, &err),
		     AE_ETOOBIG);
	ae_err_clear(&err);
	T_ASSERT_INT(ld_source_read(&b, src, "nope.yaml", 10, &err),
		     AE_ENOTFOUND);
	ld_pointer_paths_dispose(&paths);
	ld_source_free(src);
	src = NULL;
	/* --worktree: the files, which list no pointer */
	T_ASSERT_INT(ld_source_open(&src, root, true, &err), 0);
	T_ASSERT(ld_source_commit(src) == NULL);
	T_ASSERT_INT(ld_source_list(&paths, src, NULL, 0, &err), 0);
	T_ASSERT_INT(paths.n, 0);
	T_ASSERT_INT(ld_source_read(&b, src, "allowlist.yaml", 1 << 20, &err),
		     0);
	T_ASSERT_INT(b.len, 4);
	ae_buf_dispose(&b);
	ld_source_free(src);
	free(p0);
	git_repository_free(repo);
}

/* ---- rule 4 through the verifier hook ---- */

typedef struct fake_verifier {
	atomic_int calls;
	const char *bad_digest;	 /* this one fails verification */
	const char *slow_digest; /* this one cannot be decided */
} fake_verifier;

static int fake_verify(const ev_pointer_claim *item, void *ctx, ae_err *err)
{
	fake_verifier *f = ctx;

	atomic_fetch_add(&f->calls, 1);
	if (f->bad_digest && strcmp(item->digest + 7, f->bad_digest) == 0)
		return ae_fail(err, AE_EVERIFY,
			       "certificate identity %s is not the claimed "
			       "signer",
			       "mallory@example.com");
	if (f->slow_digest && strcmp(item->digest + 7, f->slow_digest) == 0)
		return ae_fail(err, AE_ETRANSIENT,
			       "registry answered 503 after 5 attempts");
	T_ASSERT_STR(item->signer_issuer, ISS);
	T_ASSERT(item->has_rekor_index);
	T_ASSERT_INT(item->rekor_index, 7);
	return 0;
}

void test_ledger_check__every_pointer_goes_through_the_verifier(void)
{
	git_repository *repo = ledger_repo(12);
	ld_contract_opts o = LD_CONTRACT_OPTS_INIT;
	fake_verifier f;
	ld_report *r = NULL;
	ae_err err = {0};
	char bad[65], slow[65];

	memset(&f, 0, sizeof(f));
	snprintf(bad, sizeof(bad), "%s", hexn(3));
	snprintf(slow, sizeof(slow), "%s", hexn(7));
	f.bad_digest = bad;
	f.slow_digest = slow;
	o.repo = t_path("repo");
	o.workers = 4;
	o.verify = fake_verify;
	o.verify_ctx = &f;
	T_ASSERT_INT(ld_contract_run(&r, &o, &err), 0);
	T_ASSERT_INT(atomic_load(&f.calls), 12);
	T_ASSERT_INT(ld_report_count(r), 1);
	T_ASSERT_STR(ld_report_get(r, 0)->rule, LD_RULE_SIGNATURE);
	T_ASSERT(strstr(ld_report_get(r, 0)->message,
			"not the claimed signer") != NULL);
	T_ASSERT(strstr(ld_report_get(r, 0)->path, bad) != NULL);
	T_ASSERT(ld_report_transient(r));
	T_ASSERT_INT(ld_report_note_count(r), 1);
	T_ASSERT_STR(ld_report_note_get(r, 0)->rule, LD_NOTE_UNVERIFIED);
	ld_report_free(r);
	git_repository_free(repo);
}

/* The per-worker signer table gives what slug and classify give, for a
 * remembered signer as for a fresh one, and keeps answering correctly
 * once it is full (past LD__SIGNERS_MAX / 4 * 3 signers). */
void test_ledger_check__the_signer_memo_answers_as_slug_and_classify(void)
{
	ld__signers *memo = calloc(1, sizeof(*memo));
	ld__allow a = {0};
	char *al = NULL, slug[33], want[33], id[64];
	ld__class cls;
	ae_err err = {0};

	T_ASSERT(memo != NULL);
	T_ASSERT(asprintf(&al,
			  "schemaVersion: \"1.0.0\"\ncommunity:\n"
			  "  - label: alice\n    issuer: " ISS
			  "\n    source: %s\n",
			  slug_alice) > 0);
	T_ASSERT_INT(ld__allow_parse(&a, (const unsigned char *)al, strlen(al),
				     &err),
		     0);
	for (int round = 0; round < 2; round++) {
		T_ASSERT_INT(ld__signer_judge(slug, &cls, memo, &a, ISS, ALICE,
					      &err),
			     0);
		T_ASSERT_STR(slug, slug_alice);
		T_ASSERT_INT(cls, LD__CLASS_COMMUNITY);
		T_ASSERT_INT(memo->n, 1);
	}
	for (int i = 0; i < LD__SIGNERS_MAX; i++) {
		snprintf(id, sizeof(id), "s%d@example.com", i);
		for (int round = 0; round < 2; round++) {
			T_ASSERT_INT(ld__signer_judge(slug, &cls, memo, &a, ISS,
						      id, &err),
				     0);
			T_ASSERT_INT(ld__claim_slug(want, ISS, id, &err), 0);
			T_ASSERT_STR(slug, want);
			T_ASSERT_INT(cls, LD__CLASS_UNLISTED);
		}
	}
	T_ASSERT_INT(memo->n, LD__SIGNERS_MAX / 4 * 3);
	T_ASSERT_INT(ld__signer_judge(slug, &cls, memo, &a, ISS, ALICE, &err),
		     0);
	T_ASSERT_INT(cls, LD__CLASS_COMMUNITY);
	ld__signers_dispose(memo);
	ld__allow_dispose(&a);
	free(memo);
	free(al);
}

/* Removes the loose copy of `id` from `repo`, so it is read from a pack. */
static void drop_loose(git_repository *repo, const git_oid *id)
{
	char hex[GIT_OID_HEXSZ + 1], path[4096];

	git_oid_tostr(hex, sizeof(hex), id);
	snprintf(path, sizeof(path), "%sobjects/%.2s/%s",
		 git_repository_path(repo), hex, hex + 2);
	T_ASSERT_INT(unlink(path), 0);
}

/* A job for blob `id`, in no pack (no size hint). */
static void blob_job(ld__job *j, ld__entry *e, const git_oid *id,
		     const char *shown)
{
	memset(j, 0, sizeof(*j));
	git_oid_cpy(&e->oid, id);
	j->entry = e;
	j->shown = (char *)(uintptr_t)shown;
	j->pack = LD__NO_PACK;
}

/* Pointer blobs are read from loose objects and packs alike, refused
 * unread past the cap, and a missing object or a tree is an error. */
void test_ledger_check__blobs_are_read_from_backends_and_capped(void)
{
	git_repository *repo = ledger_repo(1);
	git_packbuilder *pb = NULL;
	git_odb *odb = NULL;
	git_oid loose, packed, tree, missing;
	git_object *obj = NULL;
	ld__blob b;
	ld__entry e[4];
	ld__job j[4];
	ae_err err = {0};
	char objdir[4096];

	memset(e, 0, sizeof(e));
	memset(j, 0, sizeof(j));
	T_ASSERT_INT(git_repository_odb(&odb, repo), 0);
	T_ASSERT_INT(git_blob_create_from_buffer(&loose, repo, "loose", 5), 0);
	T_ASSERT_INT(git_blob_create_from_buffer(&packed, repo, "packed!", 7),
		     0);
	T_ASSERT_INT(git_packbuilder_new(&pb, repo), 0);
	T_ASSERT_INT(git_packbuilder_insert(pb, &packed, NULL), 0);
	snprintf(objdir, sizeof(objdir), "%sobjects/pack",
		 git_repository_path(repo));
	T_ASSERT_INT(git_packbuilder_write(pb, objdir, 0, NULL, NULL), 0);
	git_packbuilder_free(pb);
	drop_loose(repo, &packed);
	T_ASSERT_INT(git_odb_refresh(odb), 0);

	T_ASSERT_INT(git_oid_fromstr(&missing, "0123456789012345678901234567"
					       "890123456789"),
		     0);
	T_ASSERT_INT(git_revparse_single(&obj, repo, "HEAD^{tree}"), 0);
	git_oid_cpy(&tree, git_object_id(obj));
	git_object_free(obj);
	blob_job(&j[0], &e[0], &loose, "l");
	blob_job(&j[1], &e[1], &packed, "p");
	blob_job(&j[2], &e[2], &missing, "m");
	blob_job(&j[3], &e[3], &tree, "t");

	T_ASSERT_INT(ld__blob_read(&b, odb, NULL, &j[0], 16, &err), 0);
	T_ASSERT(b.size == 5 && memcmp(b.data, "loose", 5) == 0);
	ld__blob_dispose(&b);
	T_ASSERT_INT(ld__blob_read(&b, odb, NULL, &j[1], 16, &err), 0);
	T_ASSERT(b.size == 7 && memcmp(b.data, "packed!", 7) == 0);
	ld__blob_dispose(&b);
	T_ASSERT_INT(ld__blob_read(&b, odb, NULL, &j[1], 6, &err), 0);
	T_ASSERT(b.size == 7 && b.data == NULL);
	ld__blob_dispose(&b);

	T_ASSERT_INT(ld__blob_read(&b, odb, NULL, &j[2], 16, &err), AE_EIO);
	T_ASSERT_MSG(err, "cannot read a pointer blob");
	T_ASSERT(b.data == NULL);
	ae_err_clear(&err);
	T_ASSERT_INT(ld__blob_read(&b, odb, NULL, &j[3], 1 << 20, &err),
		     AE_EIO);
	T_ASSERT_MSG(err, "t is not a blob");
	git_odb_free(odb);
	git_repository_free(repo);
}

/* Big-endian helpers for hand-made pack indexes. */
static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* A version 2 index of one object whose offset sits in the 64-bit table,
 * and the refusals: bad magic, a decreasing fanout, a short table. */
void test_ledger_check__pack_indexes_give_offsets_or_nothing(void)
{
	unsigned char img[8 + 1024 + 28 + 8 + 40], id[20];
	ld__pack_idx idx;
	ae_err err = {0};

	memset(img, 0, sizeof(img));
	memcpy(img, "\377tOc\0\0\0\2", 8);
	memset(id, 0x42, sizeof(id));
	for (int b = 0x42; b < 256; b++)
		put_be32(img + 8 + 4 * b, 1);
	memcpy(img + 1032, id, 20);
	put_be32(img + 1032 + 24, 0x80000000u); /* 64-bit entry 0 */
	put_be32(img + 1032 + 28, 0x1);
	put_be32(img + 1032 + 32, 0x10);
	T_ASSERT_INT(ld__pack_idx_open(&idx, img, sizeof(img), &err), 0);
	T_ASSERT_INT(idx.n, 1);
	T_ASSERT(ld__pack_idx_offset(&idx, id) == 0x100000010LL);
	id[19] = 0x43;
	T_ASSERT(ld__pack_idx_offset(&idx, id) == -1);
	id[19] = 0x42;
	/* Without its 64-bit table the entry names nothing. */
	T_ASSERT_INT(ld__pack_idx_open(&idx, img, sizeof(img) - 8 - 40, &err),
		     AE_EINVAL);
	memmove(img + 1032 + 28, img + 1032 + 36, 40);
	T_ASSERT_INT(ld__pack_idx_open(&idx, img, sizeof(img) - 8, &err), 0);
	T_ASSERT(ld__pack_idx_offset(&idx, id) == -1);
	ae_err_clear(&err);
	put_be32(img + 8 + 4 * 0x50, 0);
	T_ASSERT_INT(ld__pack_idx_open(&idx, img, sizeof(img) - 8, &err),
		     AE_EINVAL);
	T_ASSERT_MSG(err, "fanout decreases");
	ae_err_clear(&err);
	img[1] = 'x';
	T_ASSERT_INT(ld__pack_idx_open(&idx, img, sizeof(img) - 8, &err),
		     AE_EINVAL);
	T_ASSERT_MSG(err, "not a version 2 pack index");
}

/* Writes `n` blobs (blob i's text made by `text`), queues a job for each,
 * and packs every one but blob `loose` (-1: none) into a new pack in
 * `objdir`, whose name's hash goes to *hash. */
static void pack_blobs(git_repository *repo, ld__entry *entries,
		       ld__jobs *jobs, int n, int loose,
		       int (*text)(char *out, size_t cap, int i),
		       char objdir[4096], git_oid *hash)
{
	git_packbuilder *pb = NULL;
	ld__loc loc = {0};
	ae_err err = {0};
	char buf[700];

	memset(entries, 0, (size_t)n * sizeof(*entries));
	T_ASSERT_INT(git_packbuilder_new(&pb, repo), 0);
	for (int i = 0; i < n; i++) {
		int len = text(buf, sizeof(buf), i);
		T_ASSERT(len > 0 && (size_t)len < sizeof(buf));
		T_ASSERT_INT(git_blob_create_from_buffer(&entries[i].oid, repo,
							 buf, (size_t)len),
			     0);
		if (i != loose)
			T_ASSERT_INT(git_packbuilder_insert(pb, &entries[i].oid,
							    NULL),
				     0);
		T_ASSERT_INT(ld__jobs_add(jobs, (size_t)i, &entries[i], &loc,
					  NULL, &err),
			     0);
	}
	snprintf(objdir, 4096, "%sobjects/pack", git_repository_path(repo));
	T_ASSERT_INT(git_packbuilder_write(pb, objdir, 0, NULL, NULL), 0);
	git_oid_cpy(hash, git_packbuilder_hash(pb));
	git_packbuilder_free(pb);
}

static int short_text(char *out, size_t cap, int i)
{
	return snprintf(out, cap, "pointer %d", i);
}

/* Jobs are sorted by their blobs' places in the pack, from its end back;
 * a blob in no pack keeps its order after the packed ones. */
void test_ledger_check__jobs_are_sorted_in_pack_order(void)
{
	enum { N = LD__PACK_ORDER_MIN + 6 };
	git_repository *repo = ledger_repo(0);
	ld__entry entries[N];
	ld__jobs jobs = {0};
	ae_buf buf = AE_BUF_INIT(LD__PACK_IDX_MAX);
	ld__pack_idx idx;
	ld__packs packs = {0};
	git_oid hash;
	char objdir[4096], name[128];
	int64_t prev = INT64_MAX;
	ae_err err = {0};

	pack_blobs(repo, entries, &jobs, N, 3, short_text, objdir, &hash);
	snprintf(name, sizeof(name), "pack-%s.idx", git_oid_tostr_s(&hash));

	ld__jobs_pack_order(&jobs, &packs, repo);
	T_ASSERT_INT(jobs.n, N);
	T_ASSERT_INT(jobs.v[N - 1].order, 3);
	T_ASSERT_INT(jobs.v[N - 1].pack, LD__NO_PACK);
	T_ASSERT_INT(packs.n, 1);
	T_ASSERT(packs.v[0].map != NULL);
	{
		char path[4096 + 128 + 2];
		snprintf(path, sizeof(path), "%s/%s", objdir, name);
		T_ASSERT_INT(ae_read_file(&buf, AT_FDCWD, path,
					  LD__PACK_IDX_MAX, &err),
			     0);
	}
	T_ASSERT_INT(ld__pack_idx_open(&idx, buf.data, buf.len, &err), 0);
	for (int i = 0; i < N - 1; i++) {
		int64_t off =
			ld__pack_idx_offset(&idx, jobs.v[i].entry->oid.id);
		T_ASSERT(off >= 0 && off < prev);
		prev = off;
		/* each packed job carries its entry's place, for the reader */
		T_ASSERT_INT(jobs.v[i].pack, 0);
		T_ASSERT(jobs.v[i].offset == (uint64_t)off);
	}
	ae_buf_dispose(&buf);
	ld__packs_dispose(&packs);
	ld__jobs_dispose(&jobs);
	git_repository_free(repo);
}

/* A hand-made pack around `entries` (header, entries, a zero trailer). */
static size_t fake_pack(unsigned char *out, const unsigned char *entries,
			size_t n)
{
	memcpy(out, "PACK\0\0\0\2\0\0\0\1", 12);
	memcpy(out + 12, entries, n);
	memset(out + 12 + n, 0, 20);
	return 12 + n + 20;
}

/* A delta entry: header byte `h`, `pre` bytes (base offset or id), then
 * the zlib stream of `delta`. */
static size_t delta_entry(unsigned char *out, unsigned char h,
			  const unsigned char *pre, size_t npre,
			  const unsigned char *delta, size_t ndelta)
{
	uLongf zlen = 256;

	out[0] = h;
	memcpy(out + 1, pre, npre);
	T_ASSERT_INT(compress(out + 1 + npre, &zlen, delta, ndelta), Z_OK);
	return 1 + npre + zlen;
}

/* Sizes come from pack entry headers and delta heads; anything odd is no
 * answer (-1), never a guess. */
void test_ledger_check__pack_entries_give_sizes(void)
{
	static const unsigned char ofs[] = {0x81, 0x01};
	static const unsigned char delta[] = {0x90, 0x03, 0xe8, 0x07, 0x90};
	static const unsigned char big[] = {0x05, 0x80, 0x80, 0x40, 0x01};
	unsigned char id[20] = {0}, ent[300], img[400];
	ld__packs packs = {0};
	ld__pack_reader pr;
	ld__pack_kind kind = LD__PACK_OTHER;
	uint64_t size = 0;
	size_t n;

	packs.n = 1;
	packs.v[0].map = img;
	ld__pack_reader_init(&pr, &packs);

	/* a whole blob of 300 bytes: type 3, size 300 = 12 + 18 << 4 */
	ent[0] = 0xbc;
	ent[1] = 0x12;
	packs.v[0].len = fake_pack(img, ent, 2);
	T_ASSERT_INT(ld__pack_entry_size(&size, &kind, &pr, 0, 12), 0);
	T_ASSERT(kind == LD__PACK_BLOB && size == 300);
	/* a tree is an answer too: not a blob */
	ent[0] = 0x25;
	packs.v[0].len = fake_pack(img, ent, 1);
	T_ASSERT_INT(ld__pack_entry_size(&size, &kind, &pr, 0, 12), 0);
	T_ASSERT(kind == LD__PACK_OTHER && size == 5);
	/* OFS_DELTA: base 400, result 1000 */
	n = delta_entry(ent, 0x6a, ofs, sizeof(ofs), delta, sizeof(delta));
	packs.v[0].len = fake_pack(img, ent, n);
	T_ASSERT_INT(ld__pack_entry_size(&size, &kind, &pr, 0, 12), 0);
	T_ASSERT(kind == LD__PACK_DELTA && size == 1000);
	/* REF_DELTA claiming 1 MiB: the size, never the bytes */
	n = delta_entry(ent, 0x7a, id, sizeof(id), big, sizeof(big));
	packs.v[0].len = fake_pack(img, ent, n);
	T_ASSERT_INT(ld__pack_entry_size(&size, &kind, &pr, 0, 12), 0);
	T_ASSERT(kind == LD__PACK_DELTA && size == 1u << 20);
	/* the same stream read again (the reader's zlib stream is reset) */
	T_ASSERT_INT(ld__pack_entry_size(&size, &kind, &pr, 0, 12), 0);
	T_ASSERT(size == 1u << 20);
	/* ...but not with its zlib stream damaged */
	ent[1 + 20] ^= 0xff;
	packs.v[0].len = fake_pack(img, ent, n);
	T_ASSERT_INT(ld__pack_entry_size(&size, &kind, &pr, 0, 12), -1);
	/* a delta whose head is cut before the result size */
	n = delta_entry(ent, 0x6a, ofs, sizeof(ofs), delta, 3);
	packs.v[0].len = fake_pack(img, ent, n);
	T_ASSERT_INT(ld__pack_entry_size(&size, &kind, &pr, 0, 12), -1);
	/* type 5 is not in the format; an unfinished size; offsets outside
	 * the entries; a pack number past the maps */
	ent[0] = 0x55;
	packs.v[0].len = fake_pack(img, ent, 1);
	T_ASSERT_INT(ld__pack_entry_size(&size, &kind, &pr, 0, 12), -1);
	memset(ent, 0xff, 12);
	packs.v[0].len = fake_pack(img, ent, 12);
	T_ASSERT_INT(ld__pack_entry_size(&size, &kind, &pr, 0, 12), -1);
	T_ASSERT_INT(ld__pack_entry_size(&size, &kind, &pr, 0, 11), -1);
	T_ASSERT_INT(ld__pack_entry_size(&size, &kind, &pr, 0,
					 packs.v[0].len - 20),
		     -1);
	T_ASSERT_INT(ld__pack_entry_size(&size, &kind, &pr, 1, 12), -1);
	T_ASSERT_INT(ld__pack_entry_size(&size, &kind, NULL, 0, 12), -1);
	ld__pack_reader_dispose(&pr);
}

/* A pointer file's text, close to its neighbours' so the pack deltas it. */
static int packed_pointer_text(char *out, size_t cap, int i)
{
	return snprintf(out, cap,
			"attestations:\n  - attestedAt: x\n"
			"    bundle:\n      digest: sha256:%064d\n"
			"      oci: ghcr.io/acme/aicr-evidence:r-%d\n"
			"      predicateType: https://aicr.run/"
			"recipe-evidence/v3\n    signer:\n"
			"      identity: signer%d@example.com\n"
			"      issuer: https://github.com/login/"
			"oauth\n      rekorLogIndex: %d\n"
			"recipe: recipe-%d\nschemaVersion: 1.0.0\n",
			i, i, i % 7, 1000 + i, i % 5);
}

/* In a real pack with deltas, every blob read with the sizes of its pack
 * entry is the blob libgit2 reads; one past the cap is left unread with
 * its size; an entry that disagrees with the object is an error. */
void test_ledger_check__blobs_sized_from_pack_entries(void)
{
	enum { N = LD__PACK_ORDER_MIN + 16 };
	git_repository *repo = ledger_repo(0);
	git_odb *odb = NULL;
	ld__entry entries[N];
	ld__jobs jobs = {0};
	ld__packs packs = {0};
	ld__pack_reader pr;
	git_oid hash;
	char objdir[4096];
	ae_err err = {0};
	int deltas = 0;

	T_ASSERT_INT(git_repository_odb(&odb, repo), 0);
	pack_blobs(repo, entries, &jobs, N, -1, packed_pointer_text, objdir, &hash);
	T_ASSERT_INT(git_odb_refresh(odb), 0);
	ld__jobs_pack_order(&jobs, &packs, repo);
	ld__pack_reader_init(&pr, &packs);

	for (size_t i = 0; i < jobs.n; i++) {
		const ld__job *job = &jobs.v[i];
		ld__pack_kind kind = LD__PACK_OTHER;
		uint64_t size = 0;
		ld__blob hinted, plain;
		ld__job nohint = *job;

		T_ASSERT(job->pack != LD__NO_PACK);
		T_ASSERT_INT(ld__pack_entry_size(&size, &kind, &pr, job->pack,
						 job->offset),
			     0);
		deltas += kind == LD__PACK_DELTA;
		nohint.pack = LD__NO_PACK;
		T_ASSERT_INT(ld__blob_read(&hinted, odb, &pr, job, 1 << 20,
					   &err),
			     0);
		T_ASSERT_INT(ld__blob_read(&plain, odb, NULL, &nohint, 1 << 20,
					   &err),
			     0);
		T_ASSERT(hinted.size == size && hinted.size == plain.size &&
			 memcmp(hinted.data, plain.data, plain.size) == 0);
		ld__blob_dispose(&hinted);
		T_ASSERT_INT(ld__blob_read(&hinted, odb, &pr, job, 100, &err),
			     0);
		T_ASSERT(hinted.data == NULL && hinted.size == plain.size);
		ld__blob_dispose(&plain);
	}
	T_ASSERT(deltas > 0);
	/* the entry of another object, of another size: an error */
	{
		ld__job wrong = jobs.v[0];
		ld__pack_kind kind = LD__PACK_OTHER;
		uint64_t want = 0, size = 0;
		ld__blob b;
		size_t k = 1;
		T_ASSERT_INT(ld__pack_entry_size(&want, &kind, &pr, wrong.pack,
						 wrong.offset),
			     0);
		for (; k < jobs.n; k++) {
			T_ASSERT_INT(ld__pack_entry_size(&size, &kind, &pr,
							 jobs.v[k].pack,
							 jobs.v[k].offset),
				     0);
			if (size != want)
				break;
		}
		T_ASSERT(k < jobs.n);
		wrong.offset = jobs.v[k].offset;
		wrong.shown = (char *)(uintptr_t) "w";
		T_ASSERT_INT(ld__blob_read(&b, odb, &pr, &wrong, 1 << 20, &err),
			     AE_EIO);
		T_ASSERT_MSG(err, "w changed while read");
		ld__blob_dispose(&b);
	}
	ld__pack_reader_dispose(&pr);
	ld__packs_dispose(&packs);
	ld__jobs_dispose(&jobs);
	git_odb_free(odb);
	git_repository_free(repo);
}

/* ---- one bundle, one vote: a pointer naming a bundle another pointer
 * names adds no vote, and the reviewer is told (check_dup.c) ---- */

#define R2 "gb200-eks-ubuntu-training"
#define R3 "b200-any-any-training"

/* Alice's pointer V1 for `recipe` naming `digest` (written as given). */
static char *pointer_for(const char *recipe, const char *digest)
{
	char *s = NULL;

	T_ASSERT(asprintf(&s,
			  "attestations:\n  - attestedAt: 2026-06-25T05:57:00Z\n"
			  "    bundle:\n      digest: %s\n"
			  "      oci: ghcr.io/acme/e:t\n"
			  "      predicateType: "
			  "https://aicr.run/recipe-evidence/v3\n"
			  "    signer:\n      identity: " ALICE
			  "\n      issuer: " ISS
			  "\n      rekorLogIndex: 7\nrecipe: %s"
			  "\nschemaVersion: 1.0.0\n",
			  digest, recipe) > 0);
	return s;
}

/* Stages alice's pointer for `recipe` naming `digest` under `name`
 * (NULL: sha256-<hex>.yaml of `hex`); returns its path (caller frees). */
static char *stage_alice(git_repository *repo, const char *recipe,
			 const char *digest, const char *hex, const char *name)
{
	char *p = NULL, *t = pointer_for(recipe, digest);

	if (name != NULL)
		T_ASSERT(asprintf(&p, "recipes/evidence/%s/%s/%s", recipe,
				  slug_alice, name) > 0);
	else
		T_ASSERT(asprintf(&p, "recipes/evidence/%s/%s/sha256-%s.yaml",
				  recipe, slug_alice, hex) > 0);
	stage(repo, p, t, LD__MODE_BLOB);
	free(t);
	return p;
}

/* Runs the diff HEAD~1..HEAD of t_path("repo"). */
static ld_report *diff_run(void)
{
	ld_contract_opts o = LD_CONTRACT_OPTS_INIT;
	ld_report *r = NULL;
	ae_err err = {0};

	o.repo = t_path("repo");
	o.base = "HEAD~1";
	o.head = "HEAD";
	o.workers = 2;
	T_ASSERT_INT(ld_contract_run(&r, &o, &err), 0);
	return r;
}

/* The notes of rule LD_NOTE_SAME_BUNDLE in `r`. */
static size_t same_bundle_notes(const ld_report *r)
{
	size_t n = 0;

	for (size_t i = 0; i < ld_report_note_count(r); i++)
		n += strcmp(ld_report_note_get(r, i)->rule,
			    LD_NOTE_SAME_BUNDLE) == 0;
	return n;
}

void test_ledger_check__the_digest_key_folds_case_and_prefix(void)
{
	char k[AE_DIGEST_STR_LEN], want[AE_DIGEST_STR_LEN], up[80];
	const char *hex = hexn(1);

	snprintf(want, sizeof(want), "sha256:%s", hex);
	T_ASSERT(ld__digest_key(k, want));
	T_ASSERT_STR(k, want);
	snprintf(up, sizeof(up), "SHA256:%s", hex);
	for (char *p = up; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	T_ASSERT(ld__digest_key(k, up));
	T_ASSERT_STR(k, want);
	snprintf(up, sizeof(up), "Sha256-%s", hex);
	T_ASSERT(ld__digest_key(k, up));
	T_ASSERT_STR(k, want);
	T_ASSERT(ld__digest_key(k, hex));
	T_ASSERT_STR(k, want);
	snprintf(up, sizeof(up), "sha512:%s", hex);
	T_ASSERT(!ld__digest_key(k, up));
	snprintf(up, sizeof(up), "sha256:%.63s", hex);
	T_ASSERT(!ld__digest_key(k, up));
	snprintf(up, sizeof(up), "sha256:%.63sg", hex);
	T_ASSERT(!ld__digest_key(k, up));
	snprintf(up, sizeof(up), "sha256: %s", hex);
	T_ASSERT(!ld__digest_key(k, up));
	T_ASSERT(!ld__digest_key(k, ""));
	T_ASSERT(!ld__digest_key(k, NULL));
}

void test_ledger_check__a_pointer_to_a_committed_bundle_is_a_note(void)
{
	git_repository *repo = ledger_repo(2);
	char d0[80], *p0 = ptr_path(slug_alice, hexn(0)), *pn;
	ld_report *r;
	const ld_finding *f;

	/* the same bundle re-pointed under another recipe: rules 1-3 pass */
	snprintf(d0, sizeof(d0), "sha256:%s", hexn(0));
	pn = stage_alice(repo, R2, d0, hexn(0), NULL);
	commit(repo, "pr");
	r = diff_run();
	T_ASSERT_INT(ld_report_count(r), 0);
	T_ASSERT_INT(same_bundle_notes(r), 1);
	f = ld_report_note_get(r, 0);
	T_ASSERT_STR(f->path, pn);
	T_ASSERT(strstr(f->message, p0) != NULL);
	T_ASSERT(strstr(f->message, d0) != NULL);
	T_ASSERT(strstr(f->message, "base") != NULL);
	T_ASSERT(!ld_report_undecided(r) && !ld_report_transient(r));
	ld_report_free(r);
	free(p0);
	free(pn);
	git_repository_free(repo);
}

void test_ledger_check__a_digest_in_other_case_does_not_dodge_the_note(void)
{
	git_repository *repo = ledger_repo(1);
	char up[80], *p0 = ptr_path(slug_alice, hexn(0)), *pn;
	ld_report *r;

	snprintf(up, sizeof(up), "SHA256:%s", hexn(0));
	for (char *p = up + 7; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	pn = stage_alice(repo, R2, up, hexn(0), NULL);
	commit(repo, "pr");
	r = diff_run();
	/* the schema refuses the digest (a problem, as before) ... */
	T_ASSERT(ld_report_count(r) > 0);
	T_ASSERT_STR(ld_report_get(r, 0)->rule, LD_RULE_SCHEMA);
	/* ... and the reviewer still sees whose bundle it names */
	T_ASSERT_INT(same_bundle_notes(r), 1);
	T_ASSERT_STR(ld_report_note_get(r, 0)->path, pn);
	T_ASSERT(strstr(ld_report_note_get(r, 0)->message, p0) != NULL);
	ld_report_free(r);
	free(p0);
	free(pn);
	git_repository_free(repo);
}

void test_ledger_check__two_added_pointers_naming_one_bundle_are_a_note(void)
{
	git_repository *repo = ledger_repo(1);
	char d[80], *pa, *pb;
	ld_report *r;
	const ld_finding *f;

	snprintf(d, sizeof(d), "sha256:%s", hexn(60));
	pa = stage_alice(repo, R2, d, hexn(60), NULL);
	pb = stage_alice(repo, R3, d, hexn(60), NULL);
	commit(repo, "pr");
	r = diff_run();
	T_ASSERT_INT(ld_report_count(r), 0);
	T_ASSERT_INT(same_bundle_notes(r), 1);
	f = ld_report_note_get(r, 0);
	/* git's path order: b200-... before gb200-...: the later one is
	 * noted, naming the first */
	T_ASSERT_STR(f->path, pa);
	T_ASSERT(strstr(f->message, pb) != NULL);
	T_ASSERT(strstr(f->message, d) != NULL);
	T_ASSERT(strstr(f->message, "this change") != NULL);
	ld_report_free(r);
	free(pa);
	free(pb);
	git_repository_free(repo);
}

void test_ledger_check__a_committed_pointer_under_another_name_is_found(void)
{
	git_repository *repo = ledger_repo(1);
	char d[80], *old, *pn;
	ld_report *r;

	/* a base pointer whose file name is not its digest (committed past
	 * the gate): `ledger` reads every *.yaml, so its contents count */
	snprintf(d, sizeof(d), "sha256:%s", hexn(70));
	old = stage_alice(repo, R, d, NULL, "old.yaml");
	commit(repo, "base, with a misnamed pointer");
	pn = stage_alice(repo, R2, d, hexn(70), NULL);
	commit(repo, "pr");
	r = diff_run();
	T_ASSERT_INT(same_bundle_notes(r), 1);
	T_ASSERT_STR(ld_report_note_get(r, 0)->path, pn);
	T_ASSERT(strstr(ld_report_note_get(r, 0)->message, old) != NULL);
	ld_report_free(r);
	free(old);
	free(pn);
	git_repository_free(repo);
}

void test_ledger_check__distinct_bundles_are_no_note(void)
{
	git_repository *repo = ledger_repo(3);
	char d[80], *pn;
	ld_report *r;

	snprintf(d, sizeof(d), "sha256:%s", hexn(80));
	pn = stage_alice(repo, R2, d, hexn(80), NULL);
	commit(repo, "pr");
	r = diff_run();
	T_ASSERT_INT(ld_report_count(r), 0);
	T_ASSERT_INT(ld_report_note_count(r), 0);
	ld_report_free(r);
	free(pn);
	git_repository_free(repo);
}
