/* cmd/verify.c -- `aicr-evidence verify INPUT`: is it intact, who signed it
 *
 * Detects the input form (reference §9.1) and materializes the bundle
 * (§9.2 step 1): a directory is used as it is; an OCI reference is pulled
 * by digest; a pointer is pulled by its bundle.digest from the repository
 * of its bundle.oci (the tag is ignored: the digest is the pin, §8.3).
 * Where the bundle comes from is decided before any network I/O, so a
 * tag-only reference is refused without touching the registry. Pulls go
 * through the content-addressed cache (cmd/fetch.c, shared with check and
 * ledger); --offline reads only the cache. A pointer that names no digest
 * (emitted, not pushed) is verified against the bundle beside it, and
 * --bundle DIR names a local copy explicitly: its deterministic artifact
 * digest must then equal the pointer's. Then ev_evidence_verify runs the
 * steps and the process exit is the verdict (SPEC §4: 0 valid, 1 a phase
 * failed, 2 invalid, 3 no verdict, 64 usage). A pull that fails is
 * recorded on the materialize step: transient faults (5xx, 429, no
 * answer) are no verdict, 401/403/404 and digest mismatches invalid.
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

	for (int i = 1; i < argc; i++) {
		const char *f = argv[i];
		int r = cmd_registry_flag(&a->reg, argc, argv, &i);
		if (r == 0)
			r = cmd_flag_take(valued, argc, argv, &i);
		if (r < 0)
			return cmd_usage_error("verify", "%s needs a value", f);
		if (r > 0)
			continue;
		if (strcmp(f, "--offline") == 0)
			a->offline = true;
		else if (strcmp(f, "--allow-unpinned-tag") == 0)
			a->allow_unpinned = true;
		else if (strcmp(f, "--insecure-ignore-tlog") == 0)
			a->o.ignore_tlog = true;
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

/* Where the bundle comes from, decided before any network I/O. */
typedef struct verify_plan {
	bool pull;			/* else the local directory `dir` */
	oci_ref ref;			/* pull: the repository */
	const char *oci;		/* pull: ref as given */
	char digest[AE_DIGEST_STR_LEN]; /* pull: the pin, "" = resolve tag */
	char dir[4096];			/* local */
	const char *why;		/* local: the materialize detail */
} verify_plan;

/* The tag-only rule (reference §8.3) on what is about to be pulled: a pin
 * is required unless --allow-unpinned-tag, and --offline cannot resolve a
 * tag (the cache is content-addressed). 0 or the usage exit status. */
static int verify_pin_rule(verify_plan *pl, const verify_args *a)
{
	ae_err err = {0};

	pl->pull = true;
	if (pl->digest[0] == '\0')
		snprintf(pl->digest, sizeof(pl->digest), "%s", pl->ref.digest);
	if (pl->digest[0] != '\0')
		return 0;
	if (oci_ref_require_pinned(&pl->ref, a->allow_unpinned, &err) < 0)
		return cmd_usage_error("verify", "%s", err.msg);
	if (a->offline)
		return cmd_usage_error("verify",
				       "--offline needs a digest: a tag-only "
				       "reference names nothing in the cache");
	return 0;
}

/* Parses a reference given on the command line; the usage exit status
 * when it is not one. */
static int verify_ref_arg(oci_ref *ref, const char *s, const char *what)
{
	ae_err err = {0};

	if (oci_ref_parse(ref, s, &err) < 0)
		return cmd_usage_error("verify", "%s: %s", what, err.msg);
	return 0;
}

/* A directory given with --bundle, or the one holding the pointer. */
static void verify_plan_local(verify_plan *pl, const char *dir, const char *why)
{
	pl->pull = false;
	snprintf(pl->dir, sizeof(pl->dir), "%s", dir);
	pl->why = why;
}

/* --bundle for a pointer: a directory is a local copy; anything else is a
 * reference whose repository replaces bundle.oci's (the pointer's digest
 * stays the pin and must not be contradicted). */
static int verify_plan_bundle(verify_plan *pl, const verify_args *a,
			      const ev_pointer_claim *c)
{
	struct stat st;
	int status;

	if (stat(a->bundle, &st) == 0 && S_ISDIR(st.st_mode)) {
		verify_plan_local(pl, a->bundle,
				  "local bundle given with --bundle");
		return 0;
	}
	status = verify_ref_arg(&pl->ref, a->bundle, "--bundle");
	if (status != 0)
		return status;
	pl->oci = a->bundle;
	if (c->digest[0] != '\0' && pl->ref.digest[0] != '\0' &&
	    strcmp(c->digest, pl->ref.digest) != 0)
		return cmd_usage_error("verify",
				       "--bundle pins %s but the pointer pins "
				       "%s",
				       pl->ref.digest, c->digest);
	snprintf(pl->digest, sizeof(pl->digest), "%s", c->digest);
	return verify_pin_rule(pl, a);
}

/* A pointer: pull bundle.oci's repository at bundle.digest; no digest
 * (emitted, not pushed: the pointer rules then forbid bundle.oci too)
 * means the bundle beside the pointer. `pdir` is a copy of the pointer
 * path that dirname may edit. */
static int verify_plan_pointer(verify_plan *pl, const verify_args *a,
			       const ev_pointer_claim *c, char *pdir)
{
	ae_err err = {0};

	if (a->bundle != NULL)
		return verify_plan_bundle(pl, a, c);
	if (c->digest[0] == '\0') {
		verify_plan_local(pl, dirname(pdir),
				  "pointer not pushed (no bundle.digest): "
				  "the bundle beside it");
		return 0;
	}
	if (c->oci[0] == '\0' || oci_ref_parse(&pl->ref, c->oci, &err) < 0) {
		fprintf(stderr,
			"aicr-evidence: %s: bundle.oci is not a registry "
			"reference%s%s\n",
			a->input, err.msg[0] ? ": " : "", err.msg);
		cmd_hint("name the bundle with --bundle REF or --bundle DIR");
		return cmd_exit_code(CMD_ERROR);
	}
	pl->oci = c->oci;
	snprintf(pl->digest, sizeof(pl->digest), "%s", c->digest);
	return verify_pin_rule(pl, a);
}

/* The deterministic artifact digest of the bundle tree in `dir` (or its
 * summary-bundle/), which the signed statement's subject and a pointer's
 * bundle.digest must name (SPEC §3). Computed when the bundle is signed or
 * `always`; NULL when it cannot be packed (the inventory step reports
 * why). Caller frees. */
static char *verify_artifact_digest(const char *dir, bool always)
{
	char sb[4200], att[4300];
	oci_artifact *art = NULL;
	ae_err err = {0};
	char *d = NULL;
	struct stat st;

	if (ev_summary_root(sb, sizeof(sb), dir, &err) < 0)
		return NULL; /* materialize says why */
	snprintf(att, sizeof(att), "%s/" EV_ATTESTATION_FILE, sb);
	if (!always && lstat(att, &st) != 0)
		return NULL;
	if (oci_artifact_build(&art, sb, &err) == 0)
		d = strdup(art->manifest_digest);
	oci_artifact_free(art);
	return d;
}

/* Pulls the planned bundle and verifies it through the verifier of
 * `check` and `ledger` (ld_verifier_run): fetched by digest, each
 * signature tried for the claimed signer or --expected-*, verified with
 * the pointer as the claim. A failed pull is recorded on the verdict's
 * materialize step (reference §9.3) and said on stderr. */
static int verify_pull(ev_verdict **out, verify_args *a, const verify_plan *pl,
		       ae_err *err)
{
	ld_check_req req = {a->o.pointer, pl->oci, pl->digest, &a->o,
			    NULL,	  NULL,	   out};
	ld_verifier_opts o;
	ld_verifier *v = NULL;
	ld_verdict vd;
	char *password = NULL;
	int rc;

	memset(&o, 0, sizeof(o));
	o.cache = a->cache;
	o.offline = a->offline;
	o.what = "verify";
	o.progress = true;
	o.trusted_root = a->o.trusted_root;
	o.root_json = a->o.trusted_root_json;
	o.root_json_len = a->o.trusted_root_json_len;
	rc = cmd_registry_opts(&o.co, &password, &a->reg, false, err);
	if (rc == 0)
		rc = ld_verifier_new(&v, &o, err);
	if (rc == 0)
		rc = ld_verifier_run(&vd, v, &req, err);
	if (rc == 0 && vd.fetch_rc != 0) {
		ae_err e = {0};
		ae_fail(&e, vd.fetch_rc, "%s", vd.fetch_error);
		cmd_error(a->input, &e);
		if (a->o.fetch_hint != NULL)
			cmd_hint("%s", a->o.fetch_hint);
	}
	ld_verifier_free(v);
	cmd_password_free(password);
	return rc;
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

/* Writes the report; the exit status is the verdict's. */
static int verify_report(const verify_args *a, const ev_verdict *v)
{
	cmd_output out;
	ae_err err = {0};
	ae_buf rep;
	int rc;

	rc = strcmp(a->format, "json") == 0 ? ev_verdict_json(&rep, v, &err)
					    : ev_verdict_text(&rep, v, &err);
	cmd_output_init(&out, a->output);
	if (rc == 0)
		rc = cmd_output_write(&out, rep.data, rep.len);
	ae_buf_dispose(&rep);
	if (rc == 0)
		rc = cmd_output_close(&out, &err);
	else
		ae_buf_dispose(&out.buf);
	if (rc < 0) {
		cmd_error("report", &err);
		return cmd_exit_code(CMD_ERROR);
	}
	return verify_exit(ev_verdict_exit(v));
}

/* Decides where the bundle comes from: 0, or an exit status. */
static int verify_plan_input(verify_plan *pl, verify_args *a,
			     ev_pointer_claim *claim, ld_pointer **ptr,
			     char **pdir)
{
	ae_err err = {0};
	int status;

	if (ev_input_detect(&a->o.input_kind, a->input, &err) < 0) {
		cmd_error(a->input, &err);
		return cmd_exit_code(CMD_ERROR);
	}
	if (a->bundle != NULL && a->o.input_kind != EV_INPUT_POINTER)
		return cmd_usage_error("verify",
				       "--bundle applies to pointer inputs");
	switch (a->o.input_kind) {
	case EV_INPUT_OCI:
		status = verify_ref_arg(&pl->ref, a->input, "reference");
		pl->oci = a->input;
		return status != 0 ? status : verify_pin_rule(pl, a);
	case EV_INPUT_POINTER:
		if (ld_pointer_read(ptr, AT_FDCWD, a->input, &err) < 0) {
			cmd_error(a->input, &err);
			return cmd_exit_code(cmd_outcome_from_rc(err.code));
		}
		ld_pointer_claim(claim, *ptr, a->input);
		a->o.pointer = claim;
		*pdir = strdup(a->input);
		if (*pdir == NULL)
			return cmd_exit_code(CMD_ERROR);
		return verify_plan_pointer(pl, a, claim, *pdir);
	default:
		verify_plan_local(pl, a->input, NULL);
		return 0;
	}
}

int cmd_verify(int argc, char **argv)
{
	verify_args a = {NULL, "text", NULL,  NULL, NULL,
			 NULL, false,  false, {0},  EV_VERIFY_OPTS_INIT};
	verify_plan pl;
	ev_pointer_claim claim;
	ld_pointer *ptr = NULL;
	ev_verdict *v = NULL;
	char *pdir = NULL, *artifact = NULL;
	ae_buf kbuf = AE_BUF_INIT(0);
	ae_err err = {0};
	cmd_trust_set trust;
	int rc, status;

	memset(&trust, 0, sizeof(trust));
	memset(&claim, 0, sizeof(claim));
	memset(&pl, 0, sizeof(pl));
	if (cmd_wants_help(argc, argv)) {
		cmd_help_print(stdout, "verify");
		return cmd_exit_code(CMD_OK);
	}
	status = verify_parse(&a, argc, argv);
	if (status == 0)
		status = verify_load_key(&a, &kbuf);
	if (status == 0)
		status = verify_plan_input(&pl, &a, &claim, &ptr, &pdir);
	if (status != 0)
		goto done;
	/* no --trusted-root: the TUF-cached root when it is in force,
	 * refreshed first when older than a day unless --offline */
	if (a.o.trusted_root == NULL) {
		rc = cmd_trust_in_force(&trust, a.cache,
					a.offline ? CMD_TRUST_REFRESH_NEVER
						  : CMD_TRUST_REFRESH_STALE,
					&err);
		if (rc < 0) {
			cmd_error(a.input, &err);
			status = cmd_exit_code(cmd_outcome_from_rc(rc));
			goto done;
		}
		a.o.trusted_root_json = cmd_trust_root_override(
			&trust, &a.o.trusted_root_json_len);
	}
	if (pl.pull) {
		rc = verify_pull(&v, &a, &pl, &err);
	} else {
		a.o.dir = pl.dir;
		a.o.source = pl.why;
		artifact = verify_artifact_digest(
			pl.dir, a.o.pointer != NULL && claim.digest[0] != '\0');
		a.o.artifact_digest = artifact;
		rc = ev_evidence_verify(&v, &a.o, &err);
	}
	if (rc < 0) {
		cmd_error(a.input, &err);
		status = cmd_exit_code(cmd_outcome_from_rc(rc));
		goto done;
	}
	status = verify_report(&a, v);
done:
	ev_verdict_free(v);
	cmd_trust_dispose(&trust);
	ld_pointer_free(ptr);
	free(artifact);
	free(pdir);
	ae_buf_dispose(&kbuf);
	return status;
}
