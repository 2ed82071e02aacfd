/* cmd/check.c -- `aicr-evidence check`: the Evidence Pointer Contract gate
 *
 * Parses the flags (conflicts refused with 64 before any I/O: the rules
 * are ld_check_args_check's, ledger/check_args.c), runs
 * ld_contract_run, and prints the report: one `path: message` line per problem
 * (SPEC §5), notes as `note: path: message`, or JSON with --format json.
 * Exit (SPEC §4): 0 clean, 1 violations, 2 could not decide, 3 transient.
 */
#include "cmd/cmd.h"
#include "ledger/ledger.h"

#include <string.h>

/* The flags as given and checked (ld_check_args_check), and -o. */
typedef struct check_args {
	ld_check_args c;
	const char *output;
} check_args;

/* Parses argv; returns 0 or the usage exit status. */
static int check_parse(check_args *a, int argc, char **argv)
{
	ld_check_args *c = &a->c;
	const cmd_flag flags[] = {
		{"--root", &c->opts.root},
		{"--allowlist", &c->opts.allowlist},
		{"--base", &c->opts.base},
		{"--head", &c->opts.head},
		{"--repo", &c->opts.repo},
		{"--format", &c->format},
		{"--trusted-root", &c->trusted_root},
		{"--cache", &c->cache},
		{"-o", &a->output},
		{"--workers", &c->workers},
		{"--fetch-timeout", &c->fetch_timeout},
		{"--deadline", &c->deadline},
		{NULL, NULL},
	};
	const cmd_switch switches[] = {
		{"--verify-signatures", &c->verify},
		{"--offline", &c->offline},
		{"--tuf-update", &c->tuf_update},
		{NULL, NULL},
	};
	ae_err err = {0};

	for (int i = 1; i < argc; i++) {
		const char *f = argv[i];
		int k;

		if (cmd_switch_take(switches, f))
			continue;
		k = cmd_registry_flag(&c->reg, argc, argv, &i);
		if (k == 0)
			k = cmd_flag_take(flags, argc, argv, &i);
		if (k < 0)
			return cmd_usage_error("check", "%s needs a value", f);
		if (k == 0)
			return cmd_usage_error("check", "unknown option '%s'",
					       f);
	}
	if (ld_check_args_check(c, &err) < 0)
		return cmd_usage_error("check", "%s", err.msg);
	return 0;
}

/* Prints the report and chooses the outcome. */
static int check_print(const ld_report *r, const ld_check_args *a,
		       const char *output)
{
	bool diff = a->opts.base != NULL;
	ae_buf sum = AE_BUF_INIT(1024);
	cmd_output o;
	ae_err err = {0};
	int rc;

	cmd_output_init(&o, output);
	rc = strcmp(a->format, "json") == 0
		     ? ld_report_render_json(&o.buf, r, diff, a->verify, NULL)
		     : ld_report_render_text(&o.buf, r, NULL);
	if (rc < 0)
		ae_fail(&err, rc, "cannot format the report");
	if (cmd_output_end(&o, rc, &err, "check") != CMD_OK)
		return cmd_exit_code(CMD_ERROR);
	if (ld_report_render_summary(&sum, r, diff, NULL) == 0)
		fputs((const char *)sum.data, stderr);
	ae_buf_dispose(&sum);
	/* Only a proven violation is 1 (issue 15); a pointer rule 4 could
	 * not decide is 2 when the operator must act, 3 when a retry may. */
	if (ld_report_count(r) > 0)
		return cmd_exit_code(CMD_FINDINGS);
	if (ld_report_undecided(r)) {
		fputs("aicr-evidence: check: some signatures could not be "
		      "verified (see the notes): no verdict\n",
		      stderr);
		return cmd_exit_code(CMD_ERROR);
	}
	if (ld_report_transient(r)) {
		fputs("aicr-evidence: check: some bundles could not be fetched "
		      "(see the notes): no verdict yet (transient: retry)\n",
		      stderr);
		return cmd_exit_code(CMD_TRANSIENT);
	}
	return cmd_exit_code(CMD_OK);
}

/* What --verify-signatures holds for the run (check_run_end frees). */
typedef struct check_run {
	ld_verifier *v;
	char *password;	 /* --registry-password-stdin, wiped */
	cmd_meter meter; /* the progress line (cmd/progress.c) */
	tuf_trust trust;
} check_run;

/* --verify-signatures: the registry flags (the run's --deadline counts
 * from here), the root in force and the run's verifier (ledger/verify.c),
 * which the contract checker's workers call for rule 4, one pointer at a
 * time: its bundle pulled by digest and verified against everything the
 * pointer claims (SPEC §5.4). */
static int check_run_start(check_run *run, ld_check_args *a, ae_err *err)
{
	ld_verifier_opts o;
	int rc;

	memset(&o, 0, sizeof(o));
	cmd_meter_init(&run->meter, "check", "pointers", a->reg.quiet);
	rc = cmd_registry_opts(&o.co, &run->password, &a->reg, false, err);
	/* no --trusted-root: the TUF-cached root when in force; fetched only
	 * with --tuf-update (CI stays reproducible) */
	if (rc == 0 && a->trusted_root == NULL)
		rc = cmd_trust_in_force(&run->trust, a->cache,
					a->tuf_update ? LD_TRUST_REFRESH_ALWAYS
						      : LD_TRUST_REFRESH_NEVER,
					err);
	if (rc < 0)
		return rc;
	o.root_json = tuf_trust_root_override(&run->trust, &o.root_json_len);
	o.trusted_root = a->trusted_root;
	o.cache = a->cache;
	o.offline = a->offline;
	o.what = "check";
	o.fetch_timeout_ms = a->fetch_timeout_ms;
	o.on_fetch = ld_progress_host;
	o.on_fetch_ctx = run->meter.lp;
	a->opts.verify = ld_verifier_contract_fn;
	a->opts.progress = ld_progress_count;
	a->opts.progress_ctx = run->meter.lp;
	rc = ld_verifier_new(&run->v, &o, err);
	a->opts.verify_ctx = run->v;
	return rc;
}

static void check_run_end(check_run *run)
{
	cmd_meter_end(&run->meter);
	ld_verifier_free(run->v);
	oci_password_free(run->password);
	tuf_trust_dispose(&run->trust);
	memset(run, 0, sizeof(*run));
}

int cmd_check(int argc, char **argv)
{
	check_args a;
	ld_contract_opts init = LD_CONTRACT_OPTS_INIT;
	ld_report *r = NULL;
	check_run run;
	ae_err err = {0};
	int rc;

	memset(&run, 0, sizeof(run));
	memset(&a, 0, sizeof(a));
	a.c.opts = init;
	a.c.format = "text";
	rc = check_parse(&a, argc, argv);
	if (rc != 0)
		return rc;
	rc = a.c.verify ? check_run_start(&run, &a.c, &err) : 0;
	if (rc < 0) {
		cmd_error("check", &err);
		check_run_end(&run);
		return cmd_exit_code(cmd_outcome_from_rc(rc));
	}
	rc = ld_contract_run(&r, &a.c.opts, &err);
	check_run_end(&run);
	if (rc < 0) {
		cmd_error("check", &err);
		if (strncmp(err.msg, "invalid allowlist", 17) == 0)
			cmd_hint("'aicr-evidence allowlist check FILE' lists "
				 "every problem of the allowlist");
		return cmd_exit_code(cmd_outcome_from_rc(rc));
	}
	rc = check_print(r, &a.c, a.output);
	ld_report_free(r);
	return rc;
}
