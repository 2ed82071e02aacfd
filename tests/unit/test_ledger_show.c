/* tests/unit/test_ledger_show.c -- ledger/'s renderers of what `pointer
 * show` and `check` print (ledger/pointer_render.c, ledger/check_render.c):
 * the claimed signer never shown as verified, outside text escaped, the
 * JSON shapes of docs/cli.md */
#include "t.h"
#include "ledger/ledger.h"
#include "tests/unit/pointer_fixture.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const char signed_ptr[] = T_POINTER_SIGNED;

/* What ld_pointer_show renders of `p` as `format`, NUL-terminated; the
 * caller frees. */
static char *show(const ld_pointer *p, const char *file, const char *format)
{
	ae_buf b = AE_BUF_INIT(1 << 20);
	ae_err err = {0};

	if (ld_pointer_show(&b, p, file, format, &err) != 0)
		t_fail_at(__FILE__, __LINE__, "show: %s", err.msg);
	return (char *)ae_buf_detach(&b, NULL);
}

void test_ledger_show__text_marks_the_signer_as_claimed(void)
{
	ld_pointer *p = t_pointer_parse_ok(signed_ptr);
	char *t = show(p, "ptr\n.yaml", "text");

	/* the file name is escaped: it cannot forge a line */
	T_ASSERT(strstr(t, "pointer        ptr\\x0a.yaml\n") == t);
	T_ASSERT(strstr(t, "\nrecipe         h100-gke-cos-training\n"));
	T_ASSERT(strstr(t, "\nprofile        -\n"));
	T_ASSERT(strstr(t, "\nclaimed signer (not verified: run "
			   "'aicr-evidence verify ptr\\x0a.yaml')\n"));
	T_ASSERT(strstr(t, "\n  identity     yuanchen97@gmail.com\n"));
	T_ASSERT(strstr(t,
			"\n  slug         7c4c0edc8c765a95a0f3afdb3bbb8e91\n"));
	T_ASSERT(strstr(t, "\n  rekorLogIndex 42\n"));
	T_ASSERT(strstr(t,
			"\ncanonicalPath  recipes/evidence/"
			"h100-gke-cos-training/"
			"7c4c0edc8c765a95a0f3afdb3bbb8e91/sha256-" T_POINTER_HEX
			".yaml\n"));
	free(t);
	ld_pointer_free(p);
}

void test_ledger_show__json_never_calls_the_claim_verified(void)
{
	ld_pointer *p = t_pointer_parse_ok(signed_ptr);
	char *t = show(p, "p.yaml", "json");

	T_ASSERT(strstr(t, "\"claimedSigner\": {") != NULL);
	T_ASSERT(strstr(t, "\"verified\": false") != NULL);
	T_ASSERT(strstr(t, "\"rekorLogIndex\": 42") != NULL);
	T_ASSERT(strstr(t, "\"signer\"") == NULL);
	T_ASSERT(t[strlen(t) - 1] == '\n');
	free(t);
	ld_pointer_free(p);
}

void test_ledger_show__an_unsigned_pointer_has_no_place(void)
{
	char yaml[2048];
	ld_pointer *p;
	char *t;

	snprintf(yaml, sizeof(yaml),
		 "%.*s    attestedAt: 2026-06-25T05:57:00Z\n",
		 (int)(strstr(signed_ptr, "    signer:") - signed_ptr),
		 signed_ptr);
	p = t_pointer_parse_ok(yaml);
	t = show(p, "p.yaml", "text");
	T_ASSERT(strstr(t, "\nsigner         - (unsigned: pending "
			   "signature)\n"));
	T_ASSERT(strstr(t, "claimed") == NULL);
	T_ASSERT(strstr(t, "\ncanonicalPath  -\n"));
	free(t);
	t = show(p, "p.yaml", "json");
	T_ASSERT(strstr(t, "\"claimedSigner\": null") != NULL);
	T_ASSERT(strstr(t, "\"canonicalPath\": null") != NULL);
	free(t);
	ld_pointer_free(p);
}

void test_ledger_show__yaml_is_the_canonical_form_and_others_refused(void)
{
	ld_pointer *p = t_pointer_parse_ok(signed_ptr);
	ae_buf b = AE_BUF_INIT(1 << 20), c = AE_BUF_INIT(1 << 20);
	ae_err err = {0};
	char *t = show(p, "p.yaml", "yaml");

	T_ASSERT_INT(ld_pointer_format(&b, p, &err), 0);
	T_ASSERT_STR(t, (const char *)b.data);
	T_ASSERT_INT(ld_pointer_show(&c, p, "p.yaml", "html", &err), AE_EINVAL);
	T_ASSERT_INT(c.len, 0);
	ae_buf_dispose(&b);
	free(t);
	ld_pointer_free(p);
}

/* ---- check's report ---- */

static ld_report *report(void)
{
	ld_report *r = NULL;
	ae_err err = {0};

	T_ASSERT_INT(ld_report_new(&r, &err), 0);
	T_ASSERT_INT(ld_report_add(r, "recipes/evidence/a\x1b[2J.yaml",
				   LD_RULE_ATTRIBUTES, &err, "bad %s", "\xff"),
		     0);
	T_ASSERT_INT(ld_report_note(r, "recipes/evidence/allowlist.yaml",
				    LD_NOTE_ALLOWLIST, &err, "entry added"),
		     0);
	return r;
}

void test_ledger_show__check_text_escapes_paths_and_lists_notes(void)
{
	ld_report *r = report();
	ae_buf b = AE_BUF_INIT(1 << 20);
	ae_err err = {0};

	T_ASSERT_INT(ld_report_render_text(&b, r, &err), 0);
	T_ASSERT_STR((const char *)b.data,
		     "recipes/evidence/a\\x1b[2J.yaml: bad \\xff\n"
		     "note: recipes/evidence/allowlist.yaml: entry added\n");
	ae_buf_dispose(&b);
	ld_report_free(r);
}

void test_ledger_show__check_json_and_summary_of_an_audit(void)
{
	ld_report *r = report();
	ae_buf b = AE_BUF_INIT(1 << 20);
	ae_err err = {0};

	T_ASSERT_INT(ld_report_render_json(&b, r, false, true, &err), 0);
	T_ASSERT(strstr((const char *)b.data,
			"\"path\": \"recipes/evidence/a\\\\x1b[2J.yaml\",\n"
			"      \"rule\": \"" LD_RULE_ATTRIBUTES "\",\n"
			"      \"message\": \"bad \\\\xff\"") != NULL);
	T_ASSERT(strstr((const char *)b.data, "\"mode\": \"audit\"") != NULL);
	T_ASSERT(strstr((const char *)b.data, "\"problems\": 1,") != NULL);
	T_ASSERT(strstr((const char *)b.data, "\"signaturesVerified\": true") !=
		 NULL);
	ae_buf_dispose(&b);
	T_ASSERT_INT(ld_report_render_summary(&b, r, true, &err), 0);
	T_ASSERT_STR((const char *)b.data,
		     "check: 1 problem in 0 changed files, 0 pointers read\n");
	ae_buf_dispose(&b);
	ld_report_free(r);
}

/* ---- the ledger run's options and formats (ledger/run_opts.c) ---- */

void test_ledger_show__ledger_options_that_make_no_run_are_refused(void)
{
	const char *pinned[] = {"reg.example/r@sha256:" T_POINTER_HEX};
	const char *tagged[] = {"reg.example/r:v1"};
	const char *repos[] = {"reg.example/r"};
	ld_ledger_opts o;
	ae_err err = {0};

	memset(&o, 0, sizeof(o));
	o.lens_version = "1.2.0";
	o.ingest = pinned;
	o.n_ingest = 1;
	T_ASSERT_INT(ld_ledger_opts_check(&o, &err), 0);
	T_ASSERT_INT(o.lens, LD_LENS_SAME_VERSION);
	o.ingest = tagged;
	T_ASSERT_INT(ld_ledger_opts_check(&o, &err), AE_EINVAL);
	T_ASSERT_MSG(err, "--ingest reg.example/r:v1: a digest-pinned");
	ae_err_clear(&err);
	o.n_ingest = 0;
	o.vo.offline = true;
	T_ASSERT_INT(ld_ledger_opts_check(&o, &err), AE_EINVAL);
	T_ASSERT_STR(err.msg, "--offline needs --cache DIR");
	ae_err_clear(&err);
	o.vo.cache = "c";
	o.ingest_repos = repos;
	o.n_ingest_repos = 1;
	T_ASSERT_INT(ld_ledger_opts_check(&o, &err), AE_EINVAL);
	T_ASSERT_MSG(err, "not with --offline");
}

/* A command line's options: the defaults, and room for every argument in
 * each list. */
void test_ledger_show__ledger_options_start_with_the_defaults(void)
{
	ld_ledger_opts o;
	ae_err err = {0};

	memset(&o, 0xa5, sizeof(o));
	T_ASSERT_INT(ld_ledger_opts_init(&o, 3, &err), 0);
	T_ASSERT_STR(o.root, "recipes/evidence");
	T_ASSERT_INT(o.jobs, 2);
	T_ASSERT(!o.verify && !o.worktree && o.vo.cache == NULL);
	T_ASSERT(o.n_recipes == 0 && o.n_ingest == 0 && o.n_ingest_repos == 0);
	for (size_t i = 0; i < 3; i++) {
		o.recipes[o.n_recipes++] = "r";
		o.recipe_files[o.n_recipe_files++] = "f";
		o.ingest[o.n_ingest++] = "i";
		o.ingest_files[o.n_ingest_files++] = "if";
		o.ingest_repos[o.n_ingest_repos++] = "ir";
	}
	T_ASSERT(o.recipes[2] != NULL && o.recipes[0] == o.recipes[2]);
	ld_ledger_opts_dispose(&o);
	T_ASSERT(o.recipes == NULL && o.ingest_repos == NULL);
	ld_ledger_opts_dispose(&o); /* twice is fine */
}

void test_ledger_show__the_ledger_formats_are_named_once(void)
{
	ae_buf b = AE_BUF_INIT(1024);
	ae_err err = {0};

	T_ASSERT(ld_ledger_format_known("text") &&
		 ld_ledger_format_known("json"));
	T_ASSERT(ld_ledger_format_known("html") &&
		 ld_ledger_format_known("feed"));
	T_ASSERT(!ld_ledger_format_known("yaml") &&
		 !ld_ledger_format_known(""));
	T_ASSERT_INT(ld_corroboration_render(&b, NULL, NULL, "feed", &err),
		     AE_EINVAL);
	T_ASSERT_INT(b.len, 0);
}

/* What `slug` prints (ledger/slug_render.c): the slug alone, or the signer
 * beside it as JSON; a signer that is not UTF-8 has no JSON form. */
void test_ledger_show__slug_text_and_json(void)
{
	ae_buf b = AE_BUF_INIT(4096);
	ae_err err = {0};

	T_ASSERT_INT(ld_slug_render(&b, "https://github.com/login/oauth",
				    "yuanchen97@gmail.com", false, &err),
		     0);
	T_ASSERT_INT(b.len, LD_SLUG_LEN + 1);
	T_ASSERT(memcmp(b.data, "7c4c0edc8c765a95a0f3afdb3bbb8e91\n",
			LD_SLUG_LEN + 1) == 0);
	ae_buf_dispose(&b);
	T_ASSERT_INT(ld_slug_render(&b, "https://github.com/login/oauth",
				    "a\"b\n", true, &err),
		     0);
	T_ASSERT_INT(b.len, strlen((const char *)b.data));
	T_ASSERT(
		strncmp((const char *)b.data,
			"{\n  \"issuer\": \"https://github.com/login/oauth\",\n"
			"  \"identity\": \"a\\\"b\\n\",\n  \"slug\": \"",
			68) == 0);
	T_ASSERT(b.data[b.len - 1] == '\n' && b.data[b.len - 2] == '}');
	ae_buf_dispose(&b);
	T_ASSERT_INT(ld_slug_render(&b, "x", "", false, &err), AE_EINVAL);
	T_ASSERT_MSG(err, "identity is empty");
	memset(&err, 0, sizeof(err));
	T_ASSERT_INT(ld_slug_render(&b, "\xff", "x", true, &err), AE_ERR);
	T_ASSERT_INT(b.len, 0);
	ae_buf_dispose(&b);
}

/* What `pointer show` and `pointer path` read (ld_pointer_load): a good
 * pointer, every problem of a bad one (and no pointer), a file that is
 * not there, a symbolic link (never followed). */
void test_ledger_show__a_pointer_file_is_loaded_with_every_problem(void)
{
	static const char bad[] = "schemaVersion: 9.9.9\nrecipe: r\n";
	ae_problems pr = AE_PROBLEMS_INIT;
	ld_pointer *p = NULL;
	ae_err err = {0};

	t_write_file(t_path("good.yaml"), signed_ptr, strlen(signed_ptr));
	T_ASSERT_INT(
		ld_pointer_load(&p, &pr, AT_FDCWD, t_path("good.yaml"), &err),
		0);
	T_ASSERT(p != NULL && pr.n == 0);
	T_ASSERT_STR(ld_pointer_recipe(p), "h100-gke-cos-training");
	ld_pointer_free(p);
	t_write_file(t_path("bad.yaml"), bad, strlen(bad));
	T_ASSERT_INT(
		ld_pointer_load(&p, &pr, AT_FDCWD, t_path("bad.yaml"), &err),
		0);
	T_ASSERT(p == NULL && pr.n >= 2);
	ae_problems_dispose(&pr);
	T_ASSERT_INT(
		ld_pointer_load(&p, &pr, AT_FDCWD, t_path("none.yaml"), &err),
		AE_ENOTFOUND);
	T_ASSERT(p == NULL && pr.n == 0);
	ae_err_clear(&err);
	T_ASSERT_INT(symlink(t_path("good.yaml"), t_path("link.yaml")), 0);
	T_ASSERT(ld_pointer_load(&p, &pr, AT_FDCWD, t_path("link.yaml"), &err) <
		 0);
	T_ASSERT(p == NULL && pr.n == 0);
}
