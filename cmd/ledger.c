/* cmd/ledger.c -- `aicr-evidence ledger`: the corroboration report
 *
 * The flags and the printing. The steps are the other cmd/ledger*.c files
 * (cmd/ledger.h): gather every pointer's claim and the allowlist, add the
 * first-party bundles to ingest, fetch and verify (--verify, concurrent,
 * cached by digest) so that only certificate-verified signers vote, judge
 * freshness against the current recipes, then the pure model
 * (ld_corroboration_compute) and a renderer. Flags are checked before any
 * file or network I/O (STYLE §3.6). docs/ledger.md is the user's page.
 */
#include "cmd/ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Appends `v` to a repeatable flag's list (sized argc by the caller). */
static void list_add(const char **list, size_t *n, const char *v)
{
	list[(*n)++] = v;
}

/* The boolean flags; 1 when `s` was one. */
static int args_switch(ledger_args *a, const char *s)
{
	if (strcmp(s, "--verify") == 0)
		a->v.verify = true;
	else if (strcmp(s, "--offline") == 0)
		a->v.offline = true;
	else if (strcmp(s, "--show-identities") == 0)
		a->show_identities = true;
	else if (strcmp(s, "--include-historical") == 0)
		a->include_historical = true;
	else if (strcmp(s, "--exclude-dev") == 0)
		a->exclude_dev = true;
	else if (strcmp(s, "--same-version") == 0)
		a->lens = LD_LENS_SAME_VERSION;
	else if (strcmp(s, "--worktree") == 0)
		a->worktree = true;
	else
		return 0;
	return 1;
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
		list_add(a->recipe_files, &a->n_recipe_files, rf);
	if (in != NULL)
		list_add(a->ingest, &a->n_ingest, in);
	if (inf != NULL)
		list_add(a->ingest_files, &a->n_ingest_files, inf);
	if (inr != NULL)
		list_add(a->ingest_repos, &a->n_ingest_repos, inr);
	return 1;
}

/* Checks the combinations; returns 0 or the usage exit status. */
static int args_check(ledger_args *a, const char *f, const char *jobs)
{
	bool ingest = a->n_ingest || a->n_ingest_files || a->n_ingest_repos;

	if (f == NULL || strcmp(f, "text") == 0)
		a->format = FMT_TEXT;
	else if (strcmp(f, "json") == 0)
		a->format = FMT_JSON;
	else if (strcmp(f, "html") == 0)
		a->format = FMT_HTML;
	else if (strcmp(f, "feed") == 0)
		a->format = FMT_FEED;
	else
		return cmd_usage_error("ledger", "--format must be text, json, "
						 "html or feed");
	if (a->format == FMT_FEED && a->out == NULL)
		return cmd_usage_error("ledger",
				       "--format feed needs -o DIR (it writes "
				       "index.json and series/)");
	if (jobs != NULL) {
		char *end = NULL;
		long n = strtol(jobs, &end, 10);
		if (end == jobs || *end != '\0' || n < 1 || n > 64)
			return cmd_usage_error("ledger",
					       "--jobs must be 1 to 64");
		a->v.jobs = (unsigned)n;
	}
	if (a->lens_version != NULL)
		a->lens = LD_LENS_SAME_VERSION;
	if (!a->v.verify && (a->v.trusted_root || a->v.cache || a->v.offline ||
			     a->v.any_reg || ingest))
		return cmd_usage_error("ledger",
				       "--trusted-root, --cache, --offline, "
				       "--ingest* and the registry flags need "
				       "--verify");
	if (cmd_registry_check(&a->v.reg, "ledger") != 0)
		return cmd_exit_code(CMD_USAGE);
	if (a->v.offline && a->v.cache == NULL)
		return cmd_usage_error("ledger", "--offline needs --cache DIR");
	if (a->v.offline && a->n_ingest_repos)
		return cmd_usage_error("ledger",
				       "--ingest-repo lists a registry: not "
				       "with --offline");
	for (size_t i = 0; i < a->n_ingest; i++) {
		oci_ref ref;
		ae_err e = {0};
		if (oci_ref_parse(&ref, a->ingest[i], &e) < 0 ||
		    !oci_ref_is_pinned(&ref))
			return cmd_usage_error("ledger",
					       "--ingest %s: a digest-pinned "
					       "reference is needed "
					       "(REG/REPO@sha256:HEX)",
					       a->ingest[i]);
	}
	return 0;
}

/* Parses argv into `a`; returns 0 or the usage exit status. */
static int args_parse(ledger_args *a, int argc, char **argv)
{
	const char *f = NULL, *jobs = NULL;
	const cmd_flag valued[] = {
		{"--root", &a->root},
		{"--trusted-root", &a->v.trusted_root},
		{"--cache", &a->v.cache},
		{"--jobs", &jobs},
		{"--format", &f},
		{"-o", &a->out},
		{"--output", &a->out},
		{"--recipes", &a->recipes_dir},
		{"--at-version", &a->lens_version},
		{NULL, NULL},
	};
	bool dashdash = false;
	int rc = 0;

	a->root = "recipes/evidence";
	a->v.jobs = 2;
	a->recipes = calloc((size_t)argc, sizeof(*a->recipes));
	a->recipe_files = calloc((size_t)argc, sizeof(*a->recipe_files));
	a->ingest = calloc((size_t)argc, sizeof(*a->ingest));
	a->ingest_files = calloc((size_t)argc, sizeof(*a->ingest_files));
	a->ingest_repos = calloc((size_t)argc, sizeof(*a->ingest_repos));
	if (!a->recipes || !a->recipe_files || !a->ingest || !a->ingest_files ||
	    !a->ingest_repos)
		return cmd_usage_error("ledger", "out of memory");
	for (int i = 1; rc == 0 && i < argc; i++) {
		const char *s = argv[i];
		int k = dashdash ? 0
				 : cmd_registry_flag(&a->v.reg, argc, argv, &i);
		if (k != 0) {
			rc = k < 0 ? cmd_usage_error("ledger",
						     "%s needs a value", s)
				   : 0;
			a->v.any_reg = true;
			continue;
		}
		if (dashdash || s[0] != '-')
			a->recipes[a->n_recipes++] = s;
		else if (strcmp(s, "--") == 0)
			dashdash = true;
		else if (args_switch(a, s))
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
	return rc != 0 ? rc : args_check(a, f, jobs);
}

static void args_dispose(ledger_args *a)
{
	free(a->root_found);
	free(a->recipes);
	free(a->recipe_files);
	free(a->ingest);
	free(a->ingest_files);
	free(a->ingest_repos);
}

/* An ingested bundle that did not verify has no recipe to be listed
 * under: say it here, once each (a finding, not an error). */
static void ingest_warn(const ledger_items *items)
{
	for (size_t i = 0; i < items->n; i++) {
		const ledger_item *it = &items->v[i];
		if (it->origin != LD_ORIGIN_INGEST || it->recipe != NULL)
			continue;
		fprintf(stderr, "aicr-evidence: ledger: %s: not counted: %s\n",
			it->ref, it->reason[0] ? it->reason : "not verified");
	}
}

int cmd_ledger(int argc, char **argv)
{
	ledger_args a;
	ledger_items items;
	ld_corroboration *c = NULL;
	al_list *al = NULL;
	ae_err err = {0};
	const char *what = NULL;
	int rc, status;

	memset(&a, 0, sizeof(a));
	memset(&items, 0, sizeof(items));
	status = args_parse(&a, argc, argv);
	if (status != 0)
		goto out;
	what = a.root;
	/* run from a subdirectory: the root from the work tree's top */
	rc = ld_root_find(&a.root_found, a.root, &err);
	if (rc == 0) {
		a.root = a.root_found;
		rc = ledger_items_gather(&items, &al, &a, &err);
	}
	if (rc == 0) {
		what = "--ingest";
		rc = ledger_ingest_add(&items, &a, &err);
	}
	if (rc == 0 && a.v.verify) {
		what = "--verify";
		rc = ledger_items_verify(&items, al, &a.v, &err);
	}
	if (rc == 0)
		ingest_warn(&items);
	if (rc == 0) {
		what = a.recipes_dir ? a.recipes_dir : "--recipe";
		rc = ledger_items_freshness(&items, &a, &err);
	}
	if (rc == 0) {
		what = "ledger";
		rc = ledger_compute(&c, &items, &a, &err);
	}
	if (rc == 0) {
		what = a.out ? a.out : "stdout";
		rc = ledger_report_write(c, &items, &a, &err);
	}
	if (rc < 0) {
		cmd_error(what, &err);
		status = cmd_exit_code(cmd_outcome_from_rc(rc));
	} else if (items.transient) {
		fputs("aicr-evidence: ledger: some bundles could not be "
		      "fetched (transient); they are listed as unverifiable\n",
		      stderr);
		status = cmd_exit_code(CMD_TRANSIENT);
	} else {
		status = cmd_exit_code(CMD_OK);
	}
out:
	ld_corroboration_free(c);
	al_list_free(al);
	ledger_items_dispose(&items);
	args_dispose(&a);
	return status;
}
