/* cmd/sigstore_sign.c -- `sigstore sign-bundle`: the conformance signer
 *
 *   sigstore sign-bundle [--in-toto] --identity-token T --bundle F
 *       [--trusted-root F] [--signing-config F] [signing flags] FILE
 *
 * The sigstore-conformance client protocol (sigstore-conformance.md §1):
 * sign FILE (a message signature) or, with --in-toto, the in-toto statement
 * in FILE (a DSSE bundle whose payload is exactly the file bytes), and
 * write the v0.3 bundle to F atomically. Exit 0 on success, anything else
 * on failure, and no bundle is written then. No prompt: the harness has no
 * terminal and passes its token explicitly.
 */
#include "cmd/cmd.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cmd_sigstore_sign_bundle(int argc, char **argv)
{
	ev_sign_flags flags;
	ev_sign_run_opts opts;
	tuf_trust trust;
	ev_sign_result *res = NULL;
	ae_err err = {0};
	const char *bundle = NULL, *file = NULL;
	const cmd_flag valued[] = {{"--bundle", &bundle}, {NULL, NULL}};
	bool in_toto = false;
	ae_buf stmt = AE_BUF_INIT(0);
	ae_buf line = AE_BUF_INIT(4 * AE_ESC_VALUE_MAX);
	int rc, i;

	memset(&flags, 0, sizeof(flags));
	memset(&opts, 0, sizeof(opts));
	for (i = 1; i < argc; i++) {
		int k = cmd_sign_flag(&flags, argc, argv, &i);

		if (k < 0)
			return cmd_usage_error("sigstore sign-bundle",
					       "%s needs a value", argv[i]);
		if (k == 0)
			k = cmd_flag_take(valued, argc, argv, &i);
		if (k > 0)
			continue;
		if (strcmp(argv[i], "--in-toto") == 0)
			in_toto = true;
		else if (strcmp(argv[i], "--staging") == 0)
			return cmd_usage_error(
				"sigstore sign-bundle",
				"--staging is not supported: pass "
				"--signing-config and --trusted-root");
		else if (cmd_is_option(argv[i]))
			return cmd_usage_error(
				"sigstore sign-bundle",
				"unknown or incomplete option '%s'", argv[i]);
		else if (file == NULL)
			file = argv[i];
		else
			return cmd_usage_error("sigstore sign-bundle",
					       "one FILE only");
	}
	if (bundle == NULL || file == NULL)
		return cmd_usage_error("sigstore sign-bundle",
				       "--bundle F and FILE are required");
	if (cmd_sign_flags_check(&flags, "sigstore sign-bundle") != 0)
		return cmd_exit_code(CMD_USAGE);
	/* a person at a terminal sees the identity that will be published
	 * (issue 21), as emit --sign and sign do; CI never prompts */
	cmd_sign_opts(&opts, &trust, &flags);
	rc = ev_sign_run_input(&opts, &stmt, file, in_toto, &err);
	if (rc == 0)
		rc = ev_sign_run(&res, &opts, &err);
	tuf_trust_dispose(&trust);
	if (rc == 0)
		rc = ae_write_atomic(AT_FDCWD, bundle, res->bundle,
				     res->bundle_len, 0644, &err);
	if (rc < 0)
		cmd_error("sign-bundle", &err);
	else if (ev_sign_result_render(&line, res, NULL) == 0)
		fwrite(line.data, 1, line.len, stderr);
	ae_buf_dispose(&line);
	ev_sign_result_free(res);
	ae_buf_dispose(&stmt);
	return rc < 0 ? cmd_exit_code(cmd_outcome_from_rc(rc))
		      : cmd_exit_code(CMD_OK);
}
