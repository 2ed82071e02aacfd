/* cmd/verify.c -- `aicr-evidence verify INPUT`: is it intact, who signed it
 *
 * Detects the input form (reference §9.1), reads a pointer's claims, runs
 * ev_evidence_verify and prints the report; the process exit is the verdict
 * (SPEC §4: 0 valid, 1 a phase failed, 2 invalid, 3 no verdict, 64 usage).
 */
#include "cmd/cmd.h"
#include "evidence/evidence.h"
#include "ledger/ledger.h"
#include "oci/oci.h"

#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void verify_usage(FILE *f)
{
	fputs("usage: aicr-evidence verify INPUT [--format text|json] [-o F]\n"
	      "         [--expected-issuer I] [--expected-identity-regexp RE]\n"
	      "         [--trusted-root F]\n"
	      "\n"
	      "INPUT is a bundle directory (OUT or OUT/summary-bundle) or a\n"
	      "pointer file. Exit: 0 valid, 1 valid but a phase recorded\n"
	      "failures, 2 invalid, 3 no verdict, 64 usage.\n",
	      f);
}

typedef struct verify_args {
	const char *input, *format, *output;
	ev_verify_opts o;
} verify_args;

static int verify_parse(verify_args *a, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *f = argv[i];
		bool has = i + 1 < argc;
		if ((strcmp(f, "--format") == 0 || strcmp(f, "-t") == 0) && has)
			a->format = argv[++i];
		else if ((strcmp(f, "-o") == 0 || strcmp(f, "--output") == 0) &&
			 has)
			a->output = argv[++i];
		else if (strcmp(f, "--expected-issuer") == 0 && has)
			a->o.expected_issuer = argv[++i];
		else if (strcmp(f, "--expected-identity-regexp") == 0 && has)
			a->o.expected_identity_re = argv[++i];
		else if (strcmp(f, "--trusted-root") == 0 && has)
			a->o.trusted_root = argv[++i];
		else if (f[0] == '-' && f[1] != '\0')
			return cmd_usage_error("verify",
					       "unknown or incomplete option "
					       "'%s'",
					       f);
		else if (a->input == NULL)
			a->input = f;
		else
			return cmd_usage_error("verify",
					       "verify takes one input");
	}
	if (a->input == NULL)
		return cmd_usage_error("verify", "verify needs an input");
	if (strcmp(a->format, "text") != 0 && strcmp(a->format, "json") != 0)
		return cmd_usage_error("verify",
				       "--format must be text or json");
	return 0;
}

/* Reads a pointer (ledger/ parser, strict) and copies its claims into
 * `c`; the strings stay owned by *p. */
static int verify_pointer(ev_pointer_claim *c, ld_pointer **p, const char *path,
			  ae_err *err)
{
	int rc = ld_pointer_read(p, AT_FDCWD, path, err);

	if (rc < 0)
		return rc;
	c->path = path;
	c->recipe = ld_pointer_recipe(*p);
	c->profile = ld_pointer_profile(*p);
	c->oci = ld_pointer_bundle_oci(*p);
	c->digest = ld_pointer_bundle_digest(*p);
	c->predicate_type = ld_pointer_predicate_type(*p);
	c->attested_at = ld_pointer_attested_at(*p);
	c->has_signer = ld_pointer_is_signed(*p);
	c->signer_identity = ld_pointer_signer_identity(*p);
	c->signer_issuer = ld_pointer_signer_issuer(*p);
	/* Index 0 is written absent (reference §1.1). */
	c->rekor_index = ld_pointer_rekor_log_index(*p);
	c->has_rekor_index = c->rekor_index != 0;
	return 0;
}

/* The deterministic artifact digest of a signed bundle in `dir` (or its
 * summary-bundle/), which the signed statement's subject must name (SPEC
 * §3). NULL when unsigned or when the tree cannot be packed (the
 * inventory step reports why). Caller frees. */
static char *verify_artifact_digest(const char *dir)
{
	char sb[4096], att[4200];
	oci_artifact *a = NULL;
	ae_err err = {0};
	char *d = NULL;
	struct stat st;

	snprintf(sb, sizeof(sb), "%s/summary-bundle", dir);
	if (stat(sb, &st) != 0 || !S_ISDIR(st.st_mode))
		snprintf(sb, sizeof(sb), "%s", dir);
	snprintf(att, sizeof(att), "%s/attestation.intoto.jsonl", sb);
	if (lstat(att, &st) != 0)
		return NULL;
	if (oci_artifact_build(&a, sb, NULL, &err) == 0)
		d = strdup(a->manifest_digest);
	oci_artifact_free(a);
	return d;
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

int cmd_verify(int argc, char **argv)
{
	verify_args a = {NULL, "text", NULL, EV_VERIFY_OPTS_INIT};
	ev_pointer_claim claim;
	ld_pointer *ptr = NULL;
	ev_verdict *v = NULL;
	char *dir = NULL, *artifact = NULL;
	cmd_output out;
	ae_err err = {0};
	ae_buf rep;
	int rc, status;

	memset(&claim, 0, sizeof(claim));
	if (cmd_wants_help(argc, argv)) {
		verify_usage(stdout);
		return cmd_exit_code(CMD_OK);
	}
	status = verify_parse(&a, argc, argv);
	if (status != 0)
		return status;
	rc = ev_input_detect(&a.o.input_kind, a.input, &err);
	if (rc == 0 && a.o.input_kind == EV_INPUT_OCI)
		rc = ae_fail(&err, AE_EINVAL,
			     "OCI inputs need the registry client, not in "
			     "this build yet");
	if (rc == 0 && a.o.input_kind == EV_INPUT_POINTER) {
		rc = verify_pointer(&claim, &ptr, a.input, &err);
		/* Until the registry client lands, a pointer is verified
		 * against the bundle emitted next to it (OUT/pointer.yaml
		 * beside OUT/summary-bundle). */
		dir = strdup(a.input);
		if (rc == 0 && dir == NULL)
			rc = ae_fail(&err, AE_ERR, "out of memory");
		a.o.pointer = &claim;
		a.o.dir = dir ? dirname(dir) : NULL;
	} else {
		a.o.dir = a.input;
	}
	if (rc == 0) {
		artifact = verify_artifact_digest(a.o.dir);
		a.o.artifact_digest = artifact;
		rc = ev_evidence_verify(&v, &a.o, &err);
	}
	if (rc < 0) {
		cmd_error(a.input, &err);
		status = cmd_exit_code(cmd_outcome_from_rc(rc));
		goto done;
	}
	rc = strcmp(a.format, "json") == 0 ? ev_verdict_json(&rep, v, &err)
					   : ev_verdict_text(&rep, v, &err);
	cmd_output_init(&out, a.output);
	if (rc == 0)
		rc = cmd_output_write(&out, rep.data, rep.len);
	ae_buf_dispose(&rep);
	if (rc == 0)
		rc = cmd_output_close(&out, &err);
	else
		ae_buf_dispose(&out.buf);
	status = rc < 0 ? cmd_exit_code(CMD_ERROR)
			: verify_exit(ev_verdict_exit(v));
	if (rc < 0)
		cmd_error("report", &err);
done:
	ev_verdict_free(v);
	ld_pointer_free(ptr);
	free(artifact);
	free(dir);
	return status;
}
