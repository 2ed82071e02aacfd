/* tests/unit/test_ledger_run.c -- the ledger run (ledger/run*.c) reached
 * directly: a ledger directory in, items and a report out, no cmd/ */
#include "t.h"
#include "ledger/ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ISS "https://github.com/login/oauth"
#define DIGEST_A                                                               \
	"sha256:"                                                              \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define DIGEST_B                                                               \
	"sha256:"                                                              \
	"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static void mkdirs(const char *path)
{
	char p[4096];

	snprintf(p, sizeof(p), "%s", path);
	for (char *s = p + 1; *s; s++) {
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0755);
			*s = '/';
		}
	}
	mkdir(p, 0755);
}

/* A signed pointer for `id` under RECIPE/SLUG-of-`under`/. */
static void pointer(const char *root, const char *recipe, const char *id,
		    const char *under, const char *digest)
{
	char slug[LD_SLUG_LEN + 1], dir[4096], path[4200], text[1024];
	ae_err err = {0};
	int n;

	T_ASSERT_INT(ld_slug_from_signer(slug, ISS, under, &err), 0);
	snprintf(dir, sizeof(dir), "%s/%s/%s", root, recipe, slug);
	mkdirs(dir);
	snprintf(path, sizeof(path), "%s/%s.yaml", dir, digest);
	path[strlen(dir) + 1 + 6] = '-'; /* sha256:HEX -> sha256-HEX */
	n = snprintf(
		text, sizeof(text),
		"attestations:\n"
		"  - attestedAt: 2026-01-02T03:04:05Z\n"
		"    bundle:\n"
		"      digest: %s\n"
		"      oci: localhost:5000/evidence/%s:v1\n"
		"      predicateType: https://aicr.run/recipe-evidence/v3\n"
		"    signer:\n"
		"      identity: %s\n"
		"      issuer: %s\n"
		"recipe: %s\n"
		"schemaVersion: 1.0.0\n",
		digest, recipe, id, ISS, recipe);
	t_write_file(path, text, (size_t)n);
}

static void opts_init(ld_ledger_opts *o, const char *root)
{
	memset(o, 0, sizeof(*o));
	o->root = root;
	o->worktree = true;
	o->jobs = 2;
}

void test_ledger_run__claims_are_gathered_and_a_misplaced_one_never_votes(void)
{
	const char *root = t_path("ledger");
	ld_ledger_opts o;
	ld_ledger *l = NULL;
	ld_corroboration *c = NULL;
	ld_render_opts ro = LD_RENDER_OPTS_INIT;
	ae_err err = {0};

	pointer(root, "r1", "alice@example.com", "alice@example.com", DIGEST_A);
	/* mallory's claim under alice's slug */
	pointer(root, "r1", "mallory@example.com", "alice@example.com",
		DIGEST_B);
	opts_init(&o, root);
	T_ASSERT_INT(ld_ledger_new(&l, &o, &err), 0);
	T_ASSERT_INT(ld_ledger_count(l), 2);
	T_ASSERT_INT(ld_ledger_freshness(l, &err), 0);
	T_ASSERT_INT(ld_ledger_compute(&c, l, &err), 0);
	T_ASSERT_INT(c->n_recipes, 1);
	T_ASSERT_STR(c->recipes[0].name, "r1");
	T_ASSERT_INT(c->n_runs, 2);
	T_ASSERT_INT(c->n_unverifiable, 1); /* the misplaced one */
	T_ASSERT_INT(c->n_claimed, 1);
	T_ASSERT(!c->verified);
	T_ASSERT(!ld_ledger_transient(l));
	ld_ledger_provenance(&ro, l);
	T_ASSERT_STR(ro.trusted_root, "none used (not verified)");
	T_ASSERT_STR(ro.evidence_root, root);
	ld_corroboration_free(c);
	ld_ledger_free(l);
}

void test_ledger_run__a_root_that_does_not_exist_is_an_error(void)
{
	ld_ledger_opts o;
	ld_ledger *l = (ld_ledger *)&o;
	ae_err err = {0};

	opts_init(&o, t_path("no-such-ledger"));
	T_ASSERT(ld_ledger_new(&l, &o, &err) < 0);
	T_ASSERT(l == NULL);
	T_ASSERT(err.msg[0] != '\0');
}

void test_ledger_run__ingested_references_are_taken_once_and_an_unverified_one_is_uncounted(
	void)
{
	const char *root = t_path("ledger");
	const char *list = t_path("ingest.txt");
	const char *text = "# first-party runs\n"
			   "\n"
			   "  localhost:5000/evidence/r1@" DIGEST_B "  \n"
			   "localhost:5000/evidence/r1@" DIGEST_B "\n"
			   "localhost:5000/evidence/r1@" DIGEST_A "\n";
	const char *files[1] = {list};
	const char *ref = NULL, *why = NULL;
	ld_ledger_opts o;
	ld_ledger *l = NULL;
	ae_err err = {0};
	ae_buf lines = AE_BUF_INIT(1u << 20);
	size_t uncounted = 0;

	pointer(root, "r1", "alice@example.com", "alice@example.com", DIGEST_A);
	t_write_file(list, text, strlen(text));
	opts_init(&o, root);
	o.verify = true;
	o.ingest_files = files;
	o.n_ingest_files = 1;
	o.vo.offline = true;
	o.vo.cache = t_path("cache");
	o.vo.trusted_root = t_path("no-such-root.json");
	T_ASSERT_INT(ld_ledger_new(&l, &o, &err), 0);
	T_ASSERT_INT(ld_ledger_ingest(l, &err), 0);
	/* B once; A as well, though a pointer names it: a claim never
	 * stands in for a verified vote (docs/ledger.md "One bundle, one
	 * vote"), only verification decides */
	T_ASSERT_INT(ld_ledger_count(l), 3);
	T_ASSERT_INT(ld_ledger_verify(l, NULL, 0, NULL, &err), 0);
	for (size_t i = 0; i < ld_ledger_count(l); i++) {
		if (!ld_ledger_uncounted(l, i, &ref, &why))
			continue;
		uncounted++;
		T_ASSERT(strstr(ref, DIGEST_B) != NULL ||
			 strstr(ref, DIGEST_A) != NULL);
		T_ASSERT(strstr(why, "bundle fetch") != NULL);
	}
	T_ASSERT_INT(uncounted, 2);
	/* the lines `ledger` prints on stderr, one per uncounted bundle */
	T_ASSERT_INT(ld_ledger_uncounted_render(&lines, l, &err), 0);
	T_ASSERT(lines.len > 0 && lines.data[lines.len - 1] == '\n');
	T_ASSERT(strncmp((const char *)lines.data,
			 "aicr-evidence: ledger: ", 23) == 0);
	T_ASSERT(strstr((const char *)lines.data, ": not counted: ") != NULL);
	for (size_t i = 0; i < lines.len; i++)
		uncounted -= lines.data[i] == '\n';
	T_ASSERT_INT(uncounted, 0);
	ae_buf_dispose(&lines);
	ld_ledger_free(l);
}

void test_ledger_run__an_ingest_file_line_that_is_no_pinned_reference_is_named(
	void)
{
	const char *root = t_path("ledger");
	const char *list = t_path("ingest.txt");
	const char *text = "localhost:5000/evidence/r1:v1\n";
	const char *files[1] = {list};
	ld_ledger_opts o;
	ld_ledger *l = NULL;
	ae_err err = {0};

	pointer(root, "r1", "alice@example.com", "alice@example.com", DIGEST_A);
	t_write_file(list, text, strlen(text));
	opts_init(&o, root);
	o.verify = true;
	o.ingest_files = files;
	o.n_ingest_files = 1;
	T_ASSERT_INT(ld_ledger_new(&l, &o, &err), 0);
	T_ASSERT_INT(ld_ledger_ingest(l, &err), AE_EINVAL);
	T_ASSERT_MSG(err, "line 1");
	ld_ledger_free(l);
}
