/* cmd/sign.c -- `aicr-evidence sign OUT|POINTER [--relocate]`: the signing
 * leg for a bundle emitted unsigned
 *
 * A contributor emits (and maybe pushes) with --no-sign; a CI job with an
 * identity signs later (reference §1.3 ValidateSignablePointer, §10.3). The
 * bundle must sit beside the pointer (OUT/summary-bundle); ld_pointer_sign
 * rewrites the pointer with the verified signer, and --relocate then moves
 * it to its canonical ledger path (ld_pointer_relocate).
 */
#include "cmd/cmd.h"
#include "evidence/evidence.h"
#include "ledger/ledger.h"

#include <stdlib.h>
#include <string.h>

int cmd_sign(int argc, char **argv)
{
	ev_sign_flags sf;
	ld_signed oc;
	ev_sign_run_opts so;
	tuf_trust trust;
	ld_report_in in;
	const char *input = NULL, *ref = NULL, *format = "text";
	const cmd_flag valued[] = {
		{"--ref", &ref}, {"--format", &format}, {NULL, NULL}};
	ld_sign_paths sp;
	char *dest = NULL;
	ld_pointer *p = NULL;
	bool relocate = false;
	ae_buf rep = AE_BUF_INIT(LD_REPORT_MAX_BYTES);
	ae_err err = {0};
	int rc;

	memset(&sf, 0, sizeof(sf));
	memset(&oc, 0, sizeof(oc));
	memset(&so, 0, sizeof(so));
	for (int i = 1; i < argc; i++) {
		int k = cmd_sign_flag(&sf, argc, argv, &i);
		if (k < 0)
			return cmd_usage_error("sign", "%s needs a value",
					       argv[i]);
		if (k == 0)
			k = cmd_flag_take(valued, argc, argv, &i);
		if (k > 0)
			continue;
		if (strcmp(argv[i], "--relocate") == 0)
			relocate = true;
		else if (cmd_is_option(argv[i]))
			return cmd_usage_error("sign", "unknown option '%s'",
					       argv[i]);
		else if (input == NULL)
			input = argv[i];
		else
			return cmd_usage_error("sign", "one OUT or POINTER");
	}
	if (input == NULL)
		return cmd_usage_error("sign", "sign needs OUT or a pointer");
	if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
		return cmd_usage_error("sign", "--format must be text or json");
	if (strcmp(format, "json") == 0 && !ae_utf8_valid(input, strlen(input)))
		return cmd_usage_error("sign", "--format json needs a path in "
					       "UTF-8");
	if (cmd_sign_flags_check(&sf, "sign") != 0)
		return cmd_exit_code(CMD_USAGE);
	rc = ld_sign_input(&sp, input, &err);
	if (rc == 0) {
		cmd_sign_opts(&so, &trust, &sf);
		rc = ld_pointer_sign(&p, &oc, sp.ptr_path, sp.sbdir, ref, &so,
				     &err);
		tuf_trust_dispose(&trust);
	}
	if (rc == 0 && relocate)
		rc = ld_pointer_relocate(&dest, sp.ptr_path, p, &err);
	in = (ld_report_in){.out = sp.out,
			    .ptr_path = sp.ptr_path,
			    .dest = dest,
			    .sbdir = sp.sbdir,
			    .oc = &oc,
			    .p = p};
	if (rc == 0)
		rc = strcmp(format, "json") == 0
			     ? ld_sign_report_json(&rep, &in, &err)
			     : ld_sign_report_text(&rep, &in, &err);
	if (rc < 0) {
		cmd_error(input, &err);
		if (rc == AE_EEXISTS)
			cmd_hint("the flat pointer was left in place");
	} else {
		fwrite(rep.data, 1, rep.len, stdout);
	}
	ae_buf_dispose(&rep);
	free(dest);
	ld_pointer_free(p);
	ev_sign_result_free(oc.signed_by);
	return rc < 0 ? cmd_exit_code(cmd_outcome_from_rc(rc))
		      : cmd_exit_code(CMD_OK);
}
