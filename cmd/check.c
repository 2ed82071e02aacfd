/* cmd/check.c -- `aicr-evidence check`: the Evidence Pointer Contract gate
 *
 * Parses the flags (conflicts refused with 64 before any I/O), runs
 * ld_contract_run, and prints the report: one `path: message` line per problem
 * (SPEC §5), notes as `note: path: message`, or JSON with --format json.
 * Exit (SPEC §4): 0 clean, 1 violations, 2 could not decide, 3 transient.
 */
#include "cmd/cmd.h"
#include "ledger/ledger.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_WORKERS_FLAG_MAX 64

typedef struct check_args {
	ld_contract_opts opts;
	const char *format;
	const char *output;
	const char *trusted_root;
	const char *cache;
	const char *fetch_timeout;
	const char *deadline;
	uint64_t fetch_timeout_ms;
	cmd_registry_flags reg;
	bool verify;
	bool offline;
	bool tuf_update;
} check_args;

static int check_parse_workers(unsigned *out, const char *s)
{
	unsigned v = 0;

	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > CHECK_WORKERS_FLAG_MAX)
			return -1;
		v = v * 10 + (unsigned)(*s - '0');
	}
	if (v == 0 || v > CHECK_WORKERS_FLAG_MAX)
		return -1;
	*out = v;
	return 0;
}

/* Parses argv; returns 0 or the usage exit status. */
static int check_parse(check_args *a, int argc, char **argv)
{
	const char *workers = NULL;
	const cmd_flag valued[] = {
		{"--root", &a->opts.root},
		{"--allowlist", &a->opts.allowlist},
		{"--base", &a->opts.base},
		{"--head", &a->opts.head},
		{"--repo", &a->opts.repo},
		{"--format", &a->format},
		{"--trusted-root", &a->trusted_root},
		{"--cache", &a->cache},
		{"-o", &a->output},
		{"--workers", &workers},
		{"--fetch-timeout", &a->fetch_timeout},
		{"--deadline", &a->deadline},
		{NULL, NULL},
	};

	for (int i = 1; i < argc; i++) {
		const char *f = argv[i];
		int k;

		if (strcmp(f, "--verify-signatures") == 0) {
			a->verify = true;
			continue;
		}
		if (strcmp(f, "--offline") == 0) {
			a->offline = true;
			continue;
		}
		if (strcmp(f, "--tuf-update") == 0) {
			a->tuf_update = true;
			continue;
		}
		k = cmd_registry_flag(&a->reg, argc, argv, &i);
		if (k == 0)
			k = cmd_flag_take(valued, argc, argv, &i);
		if (k < 0)
			return cmd_usage_error("check", "%s needs a value", f);
		if (k == 0)
			return cmd_usage_error("check", "unknown option '%s'",
					       f);
	}
	if (strcmp(a->format, "text") != 0 && strcmp(a->format, "json") != 0)
		return cmd_usage_error("check", "--format is text or json");
	if (a->opts.head != NULL && a->opts.base == NULL)
		return cmd_usage_error("check", "--head needs --base");
	if (!a->verify && (a->trusted_root || a->cache || a->offline))
		return cmd_usage_error("check",
				       "--trusted-root, --cache and --offline "
				       "need --verify-signatures");
	if (a->tuf_update && (!a->verify || a->offline || a->trusted_root))
		return cmd_usage_error("check",
				       "--tuf-update goes with "
				       "--verify-signatures, without --offline "
				       "or --trusted-root");
	if (a->offline && a->cache == NULL)
		return cmd_usage_error("check", "--offline needs --cache DIR");
	if (a->reg.password_stdin || a->reg.username)
		return cmd_usage_error("check",
				       "check reads anonymously or with "
				       "--docker-config; no password on stdin");
	if (a->deadline != NULL && a->reg.timeout != NULL)
		return cmd_usage_error("check", "--deadline and --timeout are "
						"the same limit: give one");
	if (a->deadline != NULL)
		a->reg.timeout = a->deadline;
	if (cmd_registry_check(&a->reg, "check") != 0)
		return cmd_exit_code(CMD_USAGE);
	a->fetch_timeout_ms = CHECK_FETCH_TIMEOUT_MS;
	if (a->fetch_timeout != NULL &&
	    cmd_duration_parse(&a->fetch_timeout_ms, a->fetch_timeout) < 0)
		return cmd_usage_error("check",
				       "--fetch-timeout wants a duration such "
				       "as 60s or 2m (0: no limit)");
	if (!a->verify && (a->fetch_timeout || a->deadline))
		return cmd_usage_error("check",
				       "--fetch-timeout and --deadline "
				       "need --verify-signatures");
	if (workers != NULL &&
	    check_parse_workers(&a->opts.workers, workers) < 0)
		return cmd_usage_error("check", "--workers is 1..%d",
				       CHECK_WORKERS_FLAG_MAX);
	return 0;
}

/* Escapes untrusted text for one output line (ae_buf_put_esc: printable
 * ASCII kept, backslash and everything else as \xNN), so a file name
 * cannot forge a line of the report (or break JSON's UTF-8). Caller
 * frees. */
static char *check_escape(const char *s)
{
	ae_buf b = AE_BUF_INIT(strlen(s) * 4 + 1);

	if (ae_buf_put_esc(&b, s, NULL) < 0 ||
	    ae_buf_put(&b, "", 1, NULL) < 0) {
		ae_buf_dispose(&b);
		return NULL;
	}
	return (char *)ae_buf_detach(&b, NULL);
}

static int check_text_line(cmd_output *o, const char *prefix,
			   const ld_finding *p)
{
	char *path = check_escape(p->path), *msg = check_escape(p->message);
	int rc = AE_ERR;

	if (path && msg)
		rc = cmd_output_printf(o, "%s%s: %s\n", prefix, path, msg);
	free(path);
	free(msg);
	return rc;
}

static int check_text(cmd_output *o, const ld_report *r)
{
	int rc = 0;

	for (size_t i = 0; i < ld_report_count(r) && rc == 0; i++)
		rc = check_text_line(o, "", ld_report_get(r, i));
	for (size_t i = 0; i < ld_report_note_count(r) && rc == 0; i++)
		rc = check_text_line(o, "note: ", ld_report_note_get(r, i));
	return rc;
}

static json_t *check_json_item(const ld_finding *p)
{
	char *path = check_escape(p->path), *msg = check_escape(p->message);
	json_t *o = NULL;

	if (path && msg)
		o = json_pack("{s:s, s:s, s:s}", "path", path, "rule", p->rule,
			      "message", msg);
	free(path);
	free(msg);
	return o;
}

static int check_json(cmd_output *o, const ld_report *r, const check_args *a)
{
	json_t *root, *probs = json_array(), *notes = json_array();
	char *text;
	int rc = 0;

	for (size_t i = 0; i < ld_report_count(r); i++)
		if (json_array_append_new(probs,
					  check_json_item(ld_report_get(r, i))))
			rc = AE_ERR;
	for (size_t i = 0; i < ld_report_note_count(r); i++)
		if (json_array_append_new(
			    notes, check_json_item(ld_report_note_get(r, i))))
			rc = AE_ERR;
	root = json_pack(
		"{s:o, s:o, s:{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:b, "
		"s:b, s:b}}",
		"problems", probs, "notes", notes, "summary", "mode",
		a->opts.base ? "diff" : "audit", "base", ld_report_base(r),
		"head", ld_report_head(r), "merge", ld_report_merge(r),
		"mergeBases", (json_int_t)ld_report_merge_bases(r), "changes",
		(json_int_t)ld_report_changes(r), "pointers",
		(json_int_t)ld_report_pointers(r), "problems",
		(json_int_t)ld_report_count(r), "signaturesVerified", a->verify,
		"transient", ld_report_transient(r), "undecided",
		ld_report_undecided(r));
	text = root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER)
		    : NULL;
	if (text == NULL || rc < 0)
		rc = AE_ERR;
	else
		rc = cmd_output_printf(o, "%s\n", text);
	free(text);
	json_decref(root);
	return rc;
}

/* Prints the report and chooses the outcome. */
static int check_print(const ld_report *r, const check_args *a)
{
	cmd_output o;
	ae_err err = {0};
	int rc;

	cmd_output_init(&o, a->output);
	rc = strcmp(a->format, "json") == 0 ? check_json(&o, r, a)
					    : check_text(&o, r);
	if (rc < 0) {
		ae_fail(&err, rc, "cannot format the report");
		ae_buf_dispose(&o.buf);
	} else {
		rc = cmd_output_close(&o, &err);
	}
	if (rc < 0) {
		cmd_error("check", &err);
		return cmd_exit_code(CMD_ERROR);
	}
	fprintf(stderr, "check: %zu problem%s in %zu %s, %zu pointer%s read\n",
		ld_report_count(r), ld_report_count(r) == 1 ? "" : "s",
		ld_report_changes(r), a->opts.base ? "changed files" : "files",
		ld_report_pointers(r), ld_report_pointers(r) == 1 ? "" : "s");
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

int cmd_check(int argc, char **argv)
{
	check_args a;
	ld_contract_opts init = LD_CONTRACT_OPTS_INIT;
	ld_report *r = NULL;
	check_verifier verifier;
	tuf_trust trust;
	ae_err err = {0};
	int rc;

	memset(&verifier, 0, sizeof(verifier));
	memset(&trust, 0, sizeof(trust));
	memset(&a, 0, sizeof(a));
	a.opts = init;
	a.format = "text";
	rc = check_parse(&a, argc, argv);
	if (rc != 0)
		return rc;
	if (a.verify) {
		const unsigned char *root_json = NULL;
		size_t root_json_len = 0;
		rc = check_verifier_init(&verifier, &a.reg, &err);
		/* no --trusted-root: the TUF-cached root when in force;
		 * fetched only with --tuf-update (CI stays reproducible) */
		if (rc == 0 && a.trusted_root == NULL)
			rc = cmd_trust_in_force(
				&trust, a.cache,
				a.tuf_update ? CMD_TRUST_REFRESH_ALWAYS
					     : CMD_TRUST_REFRESH_NEVER,
				&err);
		if (rc == 0)
			root_json =
				tuf_trust_root_override(&trust, &root_json_len);
		if (rc == 0)
			rc = check_verifier_start(
				&verifier, a.cache, a.trusted_root, root_json,
				root_json_len, a.fetch_timeout_ms, a.offline,
				&err);
		if (rc < 0) {
			cmd_error("check", &err);
			check_verifier_dispose(&verifier);
			tuf_trust_dispose(&trust);
			return cmd_exit_code(cmd_outcome_from_rc(rc));
		}
		a.opts.verify = ld_verifier_contract_fn;
		a.opts.verify_ctx = verifier.v;
		a.opts.progress = ld_progress_count;
		a.opts.progress_ctx = verifier.meter.lp;
	}
	rc = ld_contract_run(&r, &a.opts, &err);
	check_verifier_dispose(&verifier);
	tuf_trust_dispose(&trust);
	if (rc < 0) {
		cmd_error("check", &err);
		if (strncmp(err.msg, "invalid allowlist", 17) == 0)
			cmd_hint("'aicr-evidence allowlist check FILE' lists "
				 "every problem of the allowlist");
		return cmd_exit_code(cmd_outcome_from_rc(rc));
	}
	rc = check_print(r, &a);
	ld_report_free(r);
	return rc;
}
