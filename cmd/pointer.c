/* cmd/pointer.c -- `aicr-evidence pointer show|path`: read one pointer
 *
 * `show` validates a pointer file and prints its fields (text, JSON, or
 * the canonical YAML the writer produces, which round-trips
 * byte-identically); `path` prints where the pointer must be committed.
 * The signer a pointer names is a claim: the output says so, and only
 * `verify` can check it against the signature (STYLE §3.6, minisign's
 * trusted/untrusted comments).
 */
#include "cmd/cmd.h"
#include "ledger/ledger.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

/* Reads and checks FILE. Returns CMD_OK with `*out` valid, CMD_FINDINGS
 * after printing every problem as "aicr-evidence: FILE: message", or
 * CMD_ERROR after printing why the file could not be read. */
static cmd_outcome pointer_load(ld_pointer **out, const char *path)
{
	ae_problems pr = AE_PROBLEMS_INIT;
	ae_err err = {0};
	cmd_outcome oc = CMD_OK;

	if (ld_pointer_load(out, &pr, AT_FDCWD, path, &err) < 0) {
		cmd_error(path, &err);
		oc = cmd_outcome_from_rc(err.code);
	}
	for (size_t i = 0; i < pr.n; i++) {
		cmd_esc_set e = {0};
		fprintf(stderr, "aicr-evidence: %s: %s\n", cmd_esc(&e, path),
			cmd_esc(&e, pr.v[i].msg));
		cmd_esc_free(&e);
	}
	if (oc == CMD_OK && pr.n > 0)
		oc = CMD_FINDINGS;
	ae_problems_dispose(&pr);
	return oc;
}

/* `pointer show FILE`. */
static int pointer_show(int argc, char **argv)
{
	const char *format = "text", *outpath = NULL, *file = NULL;
	const cmd_flag flags[] = {
		{"--format", &format}, {"-o", &outpath}, {NULL, NULL}};
	ld_pointer *p = NULL;
	ae_err err = {0};
	cmd_output o;
	cmd_outcome oc;
	int npos = 0, rc;

	rc = cmd_args_parse("pointer show", argc, argv, flags, &file, 1, &npos);
	if (rc != 0)
		return rc;
	if (npos != 1)
		return cmd_usage_error("pointer", "pointer show: FILE is "
						  "required");
	if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0 &&
	    strcmp(format, "yaml") != 0)
		return cmd_usage_error("pointer", "pointer show: --format must "
						  "be text, json or yaml");
	oc = pointer_load(&p, file);
	if (oc != CMD_OK)
		return cmd_exit_code(oc);
	cmd_output_init(&o, outpath);
	rc = ld_pointer_show(&o.buf, p, file, format, &err);
	oc = cmd_output_end(&o, rc, &err, NULL);
	ld_pointer_free(p);
	return cmd_exit_code(oc);
}

/* `pointer path FILE [--root DIR]`. */
static int pointer_path(int argc, char **argv)
{
	const char *root = LD_EVIDENCE_ROOT, *file = NULL;
	const cmd_flag flags[] = {{"--root", &root}, {NULL, NULL}};
	ld_pointer *p = NULL;
	char *place = NULL;
	ae_err err = {0};
	cmd_outcome oc;
	int npos = 0, rc;

	rc = cmd_args_parse("pointer path", argc, argv, flags, &file, 1, &npos);
	if (rc != 0)
		return rc;
	if (npos != 1)
		return cmd_usage_error("pointer", "pointer path: FILE is "
						  "required");
	oc = pointer_load(&p, file);
	if (oc != CMD_OK)
		return cmd_exit_code(oc);
	if (ld_pointer_path(&place, p, root[0] ? root : NULL, &err) < 0) {
		/* Unsigned or unpushed: the pointer has no place yet. */
		cmd_error(file, &err);
		cmd_hint("sign the bundle first ('aicr-evidence sign OUT "
			 "--ref REGISTRY/REPO'), then push it ('aicr-evidence "
			 "push OUT --to REGISTRY/REPO')");
		oc = err.code == AE_EINVAL ? CMD_FINDINGS : CMD_ERROR;
	} else {
		printf("%s\n", place);
		if (fflush(stdout) != 0)
			oc = CMD_ERROR;
	}
	free(place);
	ld_pointer_free(p);
	return cmd_exit_code(oc);
}

int cmd_pointer(int argc, char **argv)
{
	if (argc < 2) {
		cmd_help_print(stderr, "pointer");
		return cmd_exit_code(CMD_USAGE);
	}
	if (strcmp(argv[1], "show") == 0)
		return pointer_show(argc - 1, argv + 1);
	if (strcmp(argv[1], "path") == 0)
		return pointer_path(argc - 1, argv + 1);
	return cmd_unknown_command("pointer", argv[1]);
}
