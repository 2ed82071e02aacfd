/* cmd/trust.c -- `aicr-evidence trust update|show`
 *
 *   trust update [--tuf-url URL] [--tuf-root FILE] [--cache DIR]
 *                [--at TIME] [--emit-signing-config FILE] [--timeout DUR]
 *                [--ca-file FILE] [--format text|json]
 *   trust show   [--cache DIR] [--at TIME] [--format text|json]
 *
 * `update` runs the TUF client (evidence/tuf/) against the repository
 * (the Sigstore public-good one by default, from the embedded initial
 * root) and, when everything verified, keeps the state under
 * DIR/tuf/<hash of URL>/ and selects that repository for the other
 * commands (as `cosign initialize` does). Exit 0 updated or already
 * current, 2 refused (the message names the role and the rule), 3 the
 * repository could not be reached, 64 usage. `show` says which trusted
 * root and signing config are in force and where they came from.
 * docs/trust.md has the whole story.
 *
 * The other verifying and signing commands ask for the trust in force
 * here (cmd_trust_in_force): the rule is evidence/tuf/trust.c's, the
 * documents and the refresh ledger/trust.c's; here, the notes on stderr.
 */
#include "cmd/cmd.h"
#include "evidence/core/http.h"
#include "ledger/ledger.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

typedef struct trust_args {
	const char *url, *root, *cache, *at, *emit, *timeout, *ca_file;
	const char *format;
	char url_buf[AE_URL_MAX];
	int64_t now;
	uint64_t timeout_ms;
	bool json;
} trust_args;

#define TRUST_TIMEOUT_DEFAULT_MS 120000 /* the whole update */

/* Flags into `a`; 0 or the usage exit status (64), before any I/O. */
static int trust_args_parse(trust_args *a, const char *what, int argc,
			    char **argv)
{
	const cmd_flag all[] = {
		{"--cache", &a->cache},
		{"--at", &a->at},
		{"--format", &a->format},
		{"--tuf-url", &a->url},
		{"--tuf-root", &a->root},
		{"--emit-signing-config", &a->emit},
		{"--timeout", &a->timeout},
		{"--ca-file", &a->ca_file},
		{NULL, NULL},
	};
	const char *pos[1];
	int npos = 0, rc;

	memset(a, 0, sizeof(*a));
	a->now = (int64_t)time(NULL);
	a->timeout_ms = TRUST_TIMEOUT_DEFAULT_MS;
	rc = cmd_args_parse(what, argc, argv, all, pos, 0, &npos);
	if (rc != 0)
		return rc;
	if (a->format != NULL && strcmp(a->format, "json") != 0 &&
	    strcmp(a->format, "text") != 0)
		return cmd_usage_error(what, "--format is text or json");
	a->json = a->format != NULL && strcmp(a->format, "json") == 0;
	if (a->at != NULL && tuf_time_parse(&a->now, a->at, NULL) < 0)
		return cmd_usage_error(what,
				       "--at needs an RFC 3339 time, e.g. "
				       "2026-08-25T00:00:00Z");
	if (a->timeout != NULL &&
	    (cmd_duration_parse(&a->timeout_ms, a->timeout) < 0))
		return cmd_usage_error(what, "bad --timeout '%s'", a->timeout);
	/* one cache per repository: "https://x/" is "https://x" */
	if (tuf_repo_url(a->url_buf, a->url ? a->url : TUF_PUBLIC_GOOD_URL,
			 NULL) < 0)
		return cmd_usage_error(what,
				       "--tuf-url must be https (plain http "
				       "only to 127.0.0.1, localhost, [::1])");
	a->url = a->url_buf;
	if ((a->cache && !a->cache[0]) || (a->root && !a->root[0]) ||
	    (a->emit && !a->emit[0]) || (a->ca_file && !a->ca_file[0]))
		return cmd_usage_error(what, "a flag has an empty value");
	return 0;
}

/* The code of a failed update as this command's exit status: transient
 * is 3 (unreachable), everything else a refusal (2). */
static int trust_fail(const char *what, const ae_err *err, int rc)
{
	cmd_error(what, err);
	if (rc == AE_EVERIFY)
		cmd_hint("the repository's metadata was refused; the previous "
			 "trusted state is unchanged");
	return cmd_exit_code(cmd_outcome_from_rc(rc));
}

/* Prints the report built in `o` (`rc`: how building it went): the exit
 * status, 2 naming `what` when it could not be built or written. */
static int trust_print(cmd_output *o, int rc, const char *what, ae_err *err)
{
	if (rc == 0)
		rc = cmd_output_close(o, err);
	else
		ae_buf_dispose(&o->buf);
	if (rc < 0) {
		cmd_error(what, err);
		return cmd_exit_code(CMD_ERROR);
	}
	return cmd_exit_code(CMD_OK);
}

static int trust_update(int argc, char **argv)
{
	tuf_trust_update_opts uo = {0};
	char base[4096], dir[4200];
	const char *what = NULL;
	tuf_state *s = NULL;
	ae_err err = {0};
	cmd_output o;
	trust_args a;
	int rc;

	rc = trust_args_parse(&a, "trust update", argc, argv);
	if (rc != 0)
		return rc;
	rc = ld_trust_cache_dir(base, sizeof(base), dir, sizeof(dir), a.cache,
				a.url, &err);
	if (rc < 0)
		return trust_fail(a.root && rc != AE_ETOOBIG ? a.root : "trust",
				  &err, rc);
	uo.base = base;
	uo.cache_dir = dir;
	uo.url = a.url;
	uo.now = a.now;
	uo.deadline = ae_deadline_in(a.timeout_ms);
	uo.ca_file = a.ca_file;
	uo.docs = ld_trust_docs();
	rc = tuf_trust_update_files(&s, &what, &uo, a.root, a.emit, &err);
	if (rc < 0)
		return trust_fail(what == NULL ? "trust update"
				  : what == a.root && rc == AE_ETOOBIG ? "trust"
								       : what,
				  &err, rc);
	cmd_output_init(&o, NULL);
	rc = tuf_update_report(&o.buf, s, dir, a.json, &err);
	tuf_state_free(s);
	return trust_print(&o, rc, "stdout", &err);
}

/* What is in force under --cache at --at (tuf_trust_show). */
static int trust_show(int argc, char **argv)
{
	tuf_trust t;
	ae_err err = {0};
	cmd_output o;
	trust_args a;
	int rc = trust_args_parse(&a, "trust show", argc, argv);

	if (rc != 0)
		return rc;
	if (a.root || a.emit || a.timeout || a.ca_file ||
	    strcmp(a.url, TUF_PUBLIC_GOOD_URL) != 0)
		return cmd_usage_error("trust show",
				       "trust show takes --cache, --at and "
				       "--format");
	rc = ld_trust_resolve(&t, a.cache, a.now, &err);
	if (rc < 0) {
		cmd_error("trust show", &err);
		return cmd_exit_code(cmd_outcome_from_rc(rc));
	}
	cmd_output_init(&o, NULL);
	rc = tuf_trust_show(&o.buf, &t, a.now, a.json, &err);
	tuf_trust_dispose(&t);
	return trust_print(&o, rc, "trust show", &err);
}

void cmd_trust_note(const tuf_trust *t)
{
	if (t->source == TUF_TRUST_EMBEDDED && t->note[0] != '\0')
		fprintf(stderr,
			"aicr-evidence: note: %s; using the embedded "
			"public-good trusted root\n",
			t->note);
}

int cmd_trust_in_force(tuf_trust *t, const char *cache, ld_trust_refresh mode,
		       ae_err *err)
{
	ae_err e = {0};
	int rc = ld_trust_in_force(t, cache, mode, &e, err);

	if (rc < 0)
		return rc;
	if (e.code != 0) {
		cmd_esc_set es = {0};
		fprintf(stderr,
			"aicr-evidence: note: the TUF update failed (%s); the "
			"trust in force is unchanged\n",
			cmd_esc(&es, e.msg));
		cmd_esc_free(&es);
	}
	cmd_trust_note(t);
	return rc;
}

int cmd_trust(int argc, char **argv)
{
	if (argc < 2) {
		cmd_help_print(stderr, "trust");
		return cmd_exit_code(CMD_USAGE);
	}
	if (strcmp(argv[1], "update") == 0)
		return trust_update(argc - 1, argv + 1);
	if (strcmp(argv[1], "show") == 0)
		return trust_show(argc - 1, argv + 1);
	return cmd_unknown_command("trust", argv[1]);
}
