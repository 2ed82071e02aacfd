/* cmd/verify.c -- `aicr-evidence verify INPUT`: is it intact, who signed it
 *
 * The input form and where the bundle comes from (a directory, a pointer's
 * bundle.oci at bundle.digest, a pinned REF, --bundle) are decided before
 * any network I/O by ld_input_plan, and the bundle is verified by
 * ld_input_verify (ledger/verify_input.c) through the verifier `check` and
 * `ledger` use. Here: argv, the trust in force, the registry flags, the
 * report (ev_verdict_text / ev_verdict_json) and the exit status, which
 * is the verdict (SPEC §4: 0 valid, 1 a phase failed, 2 invalid, 3 no
 * verdict, 64 usage).
 */
#include "cmd/cmd.h"
#include "evidence/evidence.h"
#include "ledger/ledger.h"
#include "oci/oci.h"

#include <fcntl.h>
#include <string.h>

typedef struct verify_args {
	const char *input, *format, *output, *cache, *bundle, *key;
	bool offline, allow_unpinned;
	cmd_registry_flags reg;
	ev_verify_opts o;
} verify_args;

static int verify_parse(verify_args *a, int argc, char **argv)
{
	const cmd_flag valued[] = {
		{"--format", &a->format},
		{"-t", &a->format},
		{"-o", &a->output},
		{"--output", &a->output},
		{"--expected-issuer", &a->o.expected_issuer},
		{"--expected-identity-regexp", &a->o.expected_identity_re},
		{"--trusted-root", &a->o.trusted_root},
		{"--cache", &a->cache},
		{"--bundle", &a->bundle},
		{"--key", &a->key},
		{NULL, NULL},
	};
	const cmd_switch switches[] = {
		{"--offline", &a->offline},
		{"--allow-unpinned-tag", &a->allow_unpinned},
		{"--insecure-ignore-tlog", &a->o.ignore_tlog},
		{NULL, NULL},
	};
	const cmd_registry_argv p = {"verify",
				     valued,
				     switches,
				     &a->reg,
				     &a->input,
				     "unknown or incomplete option",
				     "verify takes one input"};
	int rc = cmd_registry_args(&p, argc, argv);

	if (rc != 0)
		return rc;
	if (a->input == NULL)
		return cmd_usage_error("verify", "verify needs an input");
	if (strcmp(a->format, "text") != 0 && strcmp(a->format, "json") != 0)
		return cmd_usage_error("verify",
				       "--format must be text or json");
	if (a->key != NULL &&
	    (a->o.expected_issuer != NULL || a->o.expected_identity_re != NULL))
		return cmd_usage_error("verify",
				       "--key excludes --expected-issuer and "
				       "--expected-identity-regexp");
	if (cmd_identity_regexp_check("verify", "--expected-identity-regexp",
				      a->o.expected_identity_re) != 0)
		return cmd_exit_code(CMD_USAGE);
	return cmd_registry_check(&a->reg, "verify");
}

/* Reads --key into `kbuf` and checks it is a public key, naming the file
 * in the error: 0, or the exit status. Warns about --insecure-ignore-tlog
 * (cosign prints the same caution). */
static int verify_load_key(verify_args *a, ae_buf *kbuf)
{
	ae_err err = {0};

	if (a->o.ignore_tlog)
		fputs("aicr-evidence: warning: --insecure-ignore-tlog: the "
		      "transparency log is not checked; the signature is not "
		      "shown to be public\n",
		      stderr);
	if (a->key == NULL)
		return 0;
	if (ae_read_file(kbuf, AT_FDCWD, a->key, EV_KEY_MAX_BYTES, &err) < 0 ||
	    ev_key_check(kbuf->data, kbuf->len, &err) < 0) {
		cmd_error(a->key, &err);
		return cmd_exit_code(cmd_outcome_from_rc(err.code));
	}
	a->o.key_pem = kbuf->data;
	a->o.key_pem_len = kbuf->len;
	return 0;
}

/* Maps the verdict to SPEC §4 exit numbers through cmd_exit_code. */
static int verify_exit(int verdict)
{
	switch (verdict) {
	case EV_VERDICT_VALID:
		return cmd_exit_code(CMD_OK);
	case EV_VERDICT_PHASE_FAILED:
		return cmd_exit_code(CMD_FINDINGS);
	case EV_VERDICT_INVALID:
		return cmd_exit_code(CMD_INVALID);
	default:
		return cmd_exit_code(CMD_TRANSIENT);
	}
}

/* Writes the report, rendered into the output (initialised by the
 * renderer); the exit status is the verdict's. */
static int verify_report(const verify_args *a, const ev_verdict *v)
{
	cmd_output out;
	ae_err err = {0};
	int rc;

	cmd_output_init(&out, a->output);
	rc = strcmp(a->format, "json") == 0
		     ? ev_verdict_json(&out.buf, v, &err)
		     : ev_verdict_text(&out.buf, v, &err);
	if (cmd_output_end(&out, rc, &err, "report") != CMD_OK)
		return cmd_exit_code(CMD_ERROR);
	return verify_exit(ev_verdict_exit(v));
}

/* Decides where the bundle comes from: 0, or an exit status. */
static int verify_plan(ld_input *in, verify_args *a)
{
	ae_err err = {0};

	*in = (ld_input){.input = a->input,
			 .bundle = a->bundle,
			 .cache = a->cache,
			 .offline = a->offline,
			 .allow_unpinned = a->allow_unpinned};
	if (ld_input_plan(in, &a->o, &err) == 0)
		return 0;
	if (in->fail == LD_INPUT_USAGE && in->fail_what != NULL)
		return cmd_usage_error("verify", "%s: %s", in->fail_what,
				       err.msg);
	if (in->fail == LD_INPUT_USAGE)
		return cmd_usage_error("verify", "%s", err.msg);
	if (in->fail == LD_INPUT_NOT_REF) {
		cmd_esc_set e = {0};
		fprintf(stderr,
			"aicr-evidence: %s: bundle.oci is not a registry "
			"reference%s%s\n",
			cmd_esc(&e, a->input), err.msg[0] ? ": " : "",
			cmd_esc(&e, err.msg));
		cmd_esc_free(&e);
		cmd_hint("name the bundle with --bundle REF or --bundle DIR");
		return cmd_exit_code(CMD_ERROR);
	}
	cmd_error(a->input, &err);
	return cmd_exit_code(cmd_outcome_from_rc(err.code));
}

int cmd_verify(int argc, char **argv)
{
	verify_args a = {NULL, "text", NULL,  NULL, NULL,
			 NULL, false,  false, {0},  EV_VERIFY_OPTS_INIT};
	oci_client_opts co = OCI_CLIENT_OPTS_INIT;
	ld_input in = {0};
	ev_verdict *v = NULL;
	char *password = NULL;
	ae_buf kbuf = AE_BUF_INIT(0);
	ae_err err = {0};
	tuf_trust trust;
	int rc, status;

	memset(&trust, 0, sizeof(trust));
	status = verify_parse(&a, argc, argv);
	if (status == 0)
		status = verify_load_key(&a, &kbuf);
	if (status == 0)
		status = verify_plan(&in, &a);
	if (status != 0)
		goto done;
	/* no --trusted-root: the TUF-cached root when it is in force,
	 * refreshed first when older than a day unless --offline */
	if (a.o.trusted_root == NULL) {
		rc = cmd_trust_in_force(&trust, a.cache,
					a.offline ? LD_TRUST_REFRESH_NEVER
						  : LD_TRUST_REFRESH_STALE,
					&err);
		if (rc < 0) {
			cmd_error(a.input, &err);
			status = cmd_exit_code(cmd_outcome_from_rc(rc));
			goto done;
		}
		a.o.trusted_root_json = tuf_trust_root_override(
			&trust, &a.o.trusted_root_json_len);
	}
	rc = in.pull ? cmd_registry_opts(&co, &password, &a.reg, false, &err)
		     : 0;
	if (rc == 0)
		rc = ld_input_verify(&v, &in, &a.o, &co, &err);
	if (rc == 0 && in.fetch_rc != 0) {
		ae_err e = {0};
		ae_fail(&e, in.fetch_rc, "%s", in.fetch_error);
		cmd_error(a.input, &e);
		if (a.o.fetch_hint != NULL)
			cmd_hint("%s", a.o.fetch_hint);
	}
	if (rc < 0) {
		cmd_error(a.input, &err);
		status = cmd_exit_code(cmd_outcome_from_rc(rc));
		goto done;
	}
	status = verify_report(&a, v);
done:
	ev_verdict_free(v);
	tuf_trust_dispose(&trust);
	ld_input_dispose(&in);
	oci_password_free(password);
	ae_buf_dispose(&kbuf);
	return status;
}
