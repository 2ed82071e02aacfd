/* cmd/ledger.c -- `aicr-evidence ledger`: the corroboration report
 *
 * The flags, the trust in force and the printing. The steps are ledger/'s
 * (ld_ledger_*, ledger/run*.c): gather every pointer's claim and the
 * allowlist, add the first-party bundles to ingest, fetch and verify
 * (--verify, concurrent, cached by digest) so that only
 * certificate-verified signers vote, judge freshness against the current
 * recipes, then the pure model and a renderer chosen here. Flags are
 * checked before any file or network I/O (STYLE §3.6; the combinations:
 * ld_ledger_args_check, ledger/run_opts.c). docs/ledger.md is
 * the user's page.
 */
#include "cmd/cmd.h"
#include "ledger/ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct ledger_args {
	ld_ledger_args w; /* the run's options, -o, --format, the registry */
	bool show_identities;
	char *password;	  /* --registry-password-stdin, wiped */
	char *root_found; /* o.root as ld_root_find resolved it */
} ledger_args;

/* Appends `v` to a repeatable flag's list (sized argc by the caller). */
static void list_add(const char **list, size_t *n, const char *v)
{
	list[(*n)++] = v;
}

/* A repeatable valued flag; 1 when taken, -1 when its value is missing. */
static int args_repeat(ledger_args *a, int argc, char **argv, int *i)
{
	const char *rf = NULL, *in = NULL, *inf = NULL, *inr = NULL;
	const cmd_flag rep[] = {
		{"--recipe", &rf},
		{"--ingest", &in},
		{"--ingest-file", &inf},
		{"--ingest-repo", &inr},
		{NULL, NULL},
	};
	int k = cmd_flag_take(rep, argc, argv, i);

	if (k <= 0)
		return k;
	if (rf != NULL)
		list_add(a->w.o.recipe_files, &a->w.o.n_recipe_files, rf);
	if (in != NULL)
		list_add(a->w.o.ingest, &a->w.o.n_ingest, in);
	if (inf != NULL)
		list_add(a->w.o.ingest_files, &a->w.o.n_ingest_files, inf);
	if (inr != NULL)
		list_add(a->w.o.ingest_repos, &a->w.o.n_ingest_repos, inr);
	return 1;
}

/* Parses argv into `a`; returns 0 or the usage exit status. */
static int args_parse(ledger_args *a, int argc, char **argv)
{
	const cmd_flag valued[] = {
		{"--root", &a->w.o.root},
		{"--trusted-root", &a->w.o.vo.trusted_root},
		{"--cache", &a->w.o.vo.cache},
		{"--jobs", &a->w.jobs},
		{"--format", &a->w.format},
		{"-o", &a->w.out},
		{"--output", &a->w.out},
		{"--recipes", &a->w.o.recipes_dir},
		{"--at-version", &a->w.o.lens_version},
		{NULL, NULL},
	};
	bool same_version = false;
	const cmd_switch switches[] = {
		{"--verify", &a->w.o.verify},
		{"--offline", &a->w.o.vo.offline},
		{"--show-identities", &a->show_identities},
		{"--include-historical", &a->w.o.include_historical},
		{"--exclude-dev", &a->w.o.exclude_dev},
		{"--same-version", &same_version},
		{"--worktree", &a->w.o.worktree},
		{NULL, NULL},
	};
	bool dashdash = false;
	ae_err err = {0};
	int rc = 0;

	if (ld_ledger_opts_init(&a->w.o, (size_t)argc, NULL) < 0)
		return cmd_usage_error("ledger", "out of memory");
	for (int i = 1; rc == 0 && i < argc; i++) {
		const char *s = argv[i];
		int k = dashdash ? 0
				 : cmd_registry_flag(&a->w.reg, argc, argv, &i);
		if (k != 0) {
			rc = k < 0 ? cmd_usage_error("ledger",
						     "%s needs a value", s)
				   : 0;
			/* --quiet is no registry setting */
			a->w.any_reg |= strcmp(s, "--quiet") != 0 &&
					strcmp(s, "-q") != 0;
			continue;
		}
		if (dashdash || !cmd_is_option(s))
			a->w.o.recipes[a->w.o.n_recipes++] = s;
		else if (strcmp(s, "--") == 0)
			dashdash = true;
		else if (cmd_switch_take(switches, s))
			continue;
		else if ((k = args_repeat(a, argc, argv, &i)) != 0)
			rc = k < 0 ? cmd_usage_error("ledger",
						     "%s needs a value", s)
				   : 0;
		else {
			k = cmd_flag_take(valued, argc, argv, &i);
			if (k < 0)
				rc = cmd_usage_error("ledger",
						     "%s needs a value", s);
			else if (k == 0)
				rc = cmd_usage_error("ledger",
						     "unknown option '%s'", s);
		}
	}
	if (same_version)
		a->w.o.lens = LD_LENS_SAME_VERSION;
	if (rc == 0 && ld_ledger_args_check(&a->w, &err) < 0)
		rc = cmd_usage_error("ledger", "%s", err.msg);
	return rc;
}

static void args_dispose(ledger_args *a)
{
	free(a->root_found);
	ld_ledger_opts_dispose(&a->w.o);
	oci_password_free(a->password);
}

/* An ingested bundle that did not verify has no recipe to be listed
 * under: say it here, once each (a finding, not an error). */
static void ingest_warn(const ld_ledger *l)
{
	ae_buf b = AE_BUF_INIT(64u << 20); /* a line per item: ample */

	if (ld_ledger_uncounted_render(&b, l, NULL) == 0 && b.len > 0)
		fputs((const char *)b.data, stderr);
	ae_buf_dispose(&b);
}

/* --verify: the trusted root in force (no --trusted-root: the TUF-cached
 * one, refreshed first when older than a day unless --offline,
 * docs/trust.md), then every bundle verified. */
static int ledger_verify(ld_ledger *l, const ledger_args *a, ae_err *err)
{
	const unsigned char *root = NULL;
	size_t len = 0;
	tuf_trust trust;
	int rc = 0;

	memset(&trust, 0, sizeof(trust));
	if (a->w.o.vo.trusted_root == NULL) {
		rc = cmd_trust_in_force(&trust, a->w.o.vo.cache,
					a->w.o.vo.offline
						? LD_TRUST_REFRESH_NEVER
						: LD_TRUST_REFRESH_STALE,
					err);
		root = rc == 0 ? tuf_trust_root_override(&trust, &len) : NULL;
	}
	if (rc == 0)
		rc = ld_ledger_verify(l, root, len, trust.cache_dir, err);
	tuf_trust_dispose(&trust);
	return rc;
}

/* Renders `c` as the format asked for and writes it to -o (stdout, a
 * file, or the feed directory). */
static int ledger_write(const ld_corroboration *c, const ld_ledger *l,
			const ledger_args *a, ae_err *err)
{
	ld_render_opts ro = LD_RENDER_OPTS_INIT;
	cmd_output out;
	char now[32];
	int rc;

	tuf_time_format(now, (int64_t)time(NULL));
	ld_ledger_provenance(&ro, l);
	ro.generated_at = now;
	ro.show_identities = a->show_identities;
	ro.tool_version = AE_VERSION;
	if (strcmp(a->w.format, "feed") == 0)
		return ld_feed_write(c, &ro, a->w.out, err);
	cmd_output_init(&out, a->w.out);
	rc = ld_corroboration_render(&out.buf, c, &ro, a->w.format, err);
	if (rc < 0) {
		ae_buf_dispose(&out.buf);
		return rc;
	}
	return cmd_output_close(&out, err);
}

int cmd_ledger(int argc, char **argv)
{
	ledger_args a;
	ld_ledger *l = NULL;
	ld_corroboration *c = NULL;
	ae_err err = {0};
	const char *what = NULL;
	int rc, status;

	memset(&a, 0, sizeof(a));
	status = args_parse(&a, argc, argv);
	if (status != 0)
		goto out;
	what = a.w.o.root;
	/* run from a subdirectory: the root from the work tree's top */
	rc = ld_root_find(&a.root_found, a.w.o.root, &err);
	if (rc == 0) {
		a.w.o.root = a.root_found;
		rc = ld_ledger_new(&l, &a.w.o, &err);
	}
	if (rc == 0 && a.w.o.verify) {
		what = "--verify";
		rc = cmd_registry_opts(&a.w.o.vo.co, &a.password, &a.w.reg,
				       false, &err);
	}
	if (rc == 0) {
		what = "--ingest";
		rc = ld_ledger_ingest(l, &err);
	}
	if (rc == 0 && a.w.o.verify) {
		cmd_meter meter; /* on a terminal: n/N bundles, the host */
		cmd_meter_init(&meter, "ledger", "bundles", a.w.reg.quiet);
		a.w.o.vo.on_fetch = ld_progress_host;
		a.w.o.vo.on_fetch_ctx = meter.lp;
		a.w.o.progress = ld_progress_count;
		a.w.o.progress_ctx = meter.lp;
		what = "--verify";
		rc = ledger_verify(l, &a, &err);
		cmd_meter_end(&meter);
		a.w.o.progress_ctx = a.w.o.vo.on_fetch_ctx = NULL;
	}
	if (rc == 0)
		ingest_warn(l);
	if (rc == 0) {
		what = a.w.o.recipes_dir ? a.w.o.recipes_dir : "--recipe";
		rc = ld_ledger_freshness(l, &err);
	}
	if (rc == 0) {
		what = "ledger";
		rc = ld_ledger_compute(&c, l, &err);
	}
	if (rc == 0) {
		what = a.w.out ? a.w.out : "stdout";
		rc = ledger_write(c, l, &a, &err);
	}
	if (rc < 0) {
		cmd_error(what, &err);
		status = cmd_exit_code(cmd_outcome_from_rc(rc));
	} else if (ld_ledger_transient(l)) {
		fputs("aicr-evidence: ledger: some bundles could not be "
		      "fetched (transient); they are listed as unverifiable\n",
		      stderr);
		status = cmd_exit_code(CMD_TRANSIENT);
	} else {
		status = cmd_exit_code(CMD_OK);
	}
out:
	ld_corroboration_free(c);
	ld_ledger_free(l);
	args_dispose(&a);
	return status;
}
