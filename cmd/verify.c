/* cmd/verify.c -- `aicr-evidence verify INPUT`: is it intact, who signed it
 *
 * Detects the input form (reference §9.1), reads a pointer's claims, runs
 * ev_evidence_verify and prints the report; the process exit is the verdict
 * (SPEC §4: 0 valid, 1 a phase failed, 2 invalid, 3 no verdict, 64 usage).
 */
#include "cmd/cmd.h"
#include "evidence/evidence.h"

#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#define VERIFY_POINTER_MAX_BYTES (1u << 20) /* reference §0 pointer cap */

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

/* The scalar text of map[key], NULL when absent or not a scalar. */
static const char *verify_scalar(const ae_yaml_node *map, const char *key)
{
	const ae_yaml_node *v = ae_yaml_map_get(map, key);

	return v != NULL && v->kind == AE_YAML_SCALAR ? v->scalar : NULL;
}

/* Reads a pointer's claims (reference §1.3 rules). The pointer module's
 * parser replaces this when ledger/ lands it. `tree` keeps the strings. */
static int verify_pointer(ev_pointer_claim *c, ae_yaml_node **tree,
			  const char *path, ae_err *err)
{
	const ae_yaml_node *att, *a0, *b, *sg;
	const char *sv;
	ae_buf buf;
	int rc;

	rc = ae_read_file(&buf, AT_FDCWD, path, VERIFY_POINTER_MAX_BYTES, err);
	if (rc < 0)
		return rc;
	rc = ae_yaml_parse(tree, buf.data, buf.len, err);
	ae_buf_dispose(&buf);
	if (rc < 0)
		return rc;
	sv = verify_scalar(*tree, "schemaVersion");
	if (sv == NULL || (strcmp(sv, "1.0") != 0 && strncmp(sv, "1.0.", 4)))
		return ae_fail(err, AE_EINVAL, "schemaVersion is not 1.0.x");
	att = ae_yaml_map_get(*tree, "attestations");
	if (att == NULL || att->kind != AE_YAML_SEQ || att->n != 1)
		return ae_fail(err, AE_EINVAL,
			       "a pointer has exactly one attestation");
	a0 = att->items[0];
	b = ae_yaml_map_get(a0, "bundle");
	sg = ae_yaml_map_get(a0, "signer");
	c->path = path;
	c->recipe = verify_scalar(*tree, "recipe");
	c->profile = verify_scalar(*tree, "profile");
	c->oci = verify_scalar(b, "oci");
	c->digest = verify_scalar(b, "digest");
	c->predicate_type = verify_scalar(b, "predicateType");
	c->attested_at = verify_scalar(a0, "attestedAt");
	if (c->recipe == NULL || c->recipe[0] == '\0' ||
	    c->predicate_type == NULL)
		return ae_fail(err, AE_EINVAL,
			       "pointer lacks recipe or predicateType");
	if (sg != NULL) {
		const char *idx = verify_scalar(sg, "rekorLogIndex");
		c->has_signer = true;
		c->signer_identity = verify_scalar(sg, "identity");
		c->signer_issuer = verify_scalar(sg, "issuer");
		if (c->signer_identity == NULL || c->signer_issuer == NULL)
			return ae_fail(err, AE_EINVAL,
				       "signer needs identity and issuer");
		if (idx != NULL) {
			c->has_rekor_index = true;
			c->rekor_index = strtoll(idx, NULL, 10);
		}
	}
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

int cmd_verify(int argc, char **argv)
{
	verify_args a = {NULL, "text", NULL, EV_VERIFY_OPTS_INIT};
	ev_pointer_claim claim;
	ae_yaml_node *tree = NULL;
	ev_verdict *v = NULL;
	char *dir = NULL;
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
		rc = verify_pointer(&claim, &tree, a.input, &err);
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
	if (rc == 0)
		rc = ev_evidence_verify(&v, &a.o, &err);
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
	ae_yaml_free(tree);
	free(dir);
	return status;
}
