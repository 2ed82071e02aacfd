/* cmd/sign.c -- `aicr-evidence sign OUT|POINTER [--relocate]`: the signing
 * leg for a bundle emitted unsigned
 *
 * A contributor emits (and maybe pushes) with --no-sign; a CI job with an
 * identity signs later (reference §1.3 ValidateSignablePointer, §10.3). The
 * bundle must sit beside the pointer (OUT/summary-bundle); the pointer is
 * rewritten with the verified signer, and --relocate then moves it to its
 * canonical ledger path under recipes/evidence/ (no clobber; identical
 * content is idempotent; different content is a conflict and leaves the
 * flat file, reference §1.4).
 */
#include "cmd/cmd.h"
#include "evidence/evidence.h"
#include "ledger/ledger.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Moves `flat` to the pointer's canonical path (relative to the working
 * directory): a hard link, so an existing file is never clobbered. */
static int sign_relocate(char **dest_out, const char *flat, const ld_pointer *p,
			 ae_err *err)
{
	ae_buf a = AE_BUF_INIT(1), b = AE_BUF_INIT(1);
	char *dest = NULL, *dir = NULL;
	int rc;

	*dest_out = NULL;
	rc = ld_pointer_path(&dest, p, LD_EVIDENCE_ROOT, err);
	if (rc == 0 && strcmp(dest, flat) == 0)
		goto done; /* already canonical */
	if (rc == 0) {
		dir = strdup(dest);
		rc = dir ? ae_mkdir_p(dirname(dir), err)
			 : ae_fail(err, AE_ERR, "out of memory");
	}
	if (rc == 0 && link(flat, dest) != 0) {
		if (errno != EEXIST) {
			rc = ae_fail(err, AE_EIO, "link: %s", strerror(errno));
		} else {
			rc = ae_read_file(&a, AT_FDCWD, flat,
					  LD_POINTER_MAX_BYTES, err);
			if (rc == 0)
				rc = ae_read_file(&b, AT_FDCWD, dest,
						  LD_POINTER_MAX_BYTES, err);
			if (rc == 0 && (a.len != b.len ||
					memcmp(a.data, b.data, a.len) != 0))
				rc = ae_fail(err, AE_EEXISTS,
					     "a different pointer is already "
					     "at the canonical path");
		}
	}
	if (rc == 0 && unlink(flat) != 0)
		rc = ae_fail(err, AE_EIO, "unlink: %s", strerror(errno));
done:
	ae_buf_dispose(&a);
	ae_buf_dispose(&b);
	free(dir);
	if (rc == 0)
		*dest_out = dest;
	else
		free(dest);
	return rc;
}

/* What the signer check needs: the unsigned pointer and what signing
 * adds to it. */
typedef struct sign_check_ctx {
	const ld_pointer *old;
	const cmd_evidence_signed *oc;
} sign_check_ctx;

/* The pointer `old` becomes with this signer (and oc's reference and
 * digest): built in memory only. */
static int sign_pointer_new(ld_pointer **out, const ld_pointer *old,
			    const cmd_evidence_signed *oc, const char *identity,
			    const char *issuer, int64_t log_index, ae_err *err)
{
	ld_pointer_fields f;

	ld_pointer_fields_get(&f, old);
	f.bundle_oci = oc->oci;
	f.bundle_digest = oc->digest;
	ld_pointer_fields_signer(&f, identity, issuer, log_index);
	return ld_pointer_new(out, &f, err);
}

/* cmd_evidence_checks.signer_ok: the signed pointer can be built with this
 * signer (the token's predicted one before any request, the verified one
 * before anything is written). */
static int sign_signer_ok(const char *identity, const char *issuer, void *ctx,
			  ae_err *err)
{
	const sign_check_ctx *c = ctx;
	ld_pointer *p = NULL;
	int rc = sign_pointer_new(&p, c->old, c->oc, identity, issuer, 1, err);

	ld_pointer_free(p);
	return rc;
}

/* The unsigned pointer at `ptr_path`, refused unless it can be signed
 * here. */
static int sign_read_unsigned(ld_pointer **out, const char *ptr_path,
			      ae_err *err)
{
	int rc = ld_pointer_read(out, AT_FDCWD, ptr_path, err);

	if (rc == 0 && ld_pointer_is_signed(*out))
		rc = ae_fail(err, AE_EEXISTS, "the pointer is already signed");
	if (rc == 0 &&
	    strcmp(ld_pointer_predicate_type(*out), EV_PREDICATE_V3) != 0)
		rc = ae_fail(err, AE_EINVAL,
			     "only v3 bundles are signed by this tool");
	if (rc < 0) {
		ld_pointer_free(*out);
		*out = NULL;
	}
	return rc;
}

/* Signs and rewrites the pointer; *p_out is the signed pointer. Every
 * check that needs no service (the pointer, its digest against the
 * bundle's, the signer the token predicts) runs before the first request;
 * the attestation and the pointer are written only after signing and the
 * new pointer are complete, and the attestation is removed again if the
 * pointer cannot be written (issue 25: nothing half-done). */
static int sign_run(ld_pointer **p_out, cmd_evidence_signed *oc,
		    const char *ptr_path, const char *sbdir, const char *ref,
		    const cmd_sign_flags *sf, ae_err *err)
{
	ld_pointer *old = NULL;
	cmd_evidence_checks chk = {0};
	sign_check_ctx ctx;
	int rc;

	rc = sign_read_unsigned(&old, ptr_path, err);
	if (rc == 0 && ref == NULL)
		ref = ld_pointer_bundle_oci(old);
	if (rc == 0 && (ref == NULL || ref[0] == '\0'))
		rc = ae_fail(err, AE_EINVAL,
			     "the pointer names no OCI reference: pass --ref");
	if (rc == 0) {
		/* cmd_evidence_sign sets oc->oci (the one tag rule) and
		 * oc->digest before the signer check first needs them */
		ctx.old = old;
		ctx.oc = oc;
		chk.want_digest = ld_pointer_bundle_digest(old);
		chk.signer_ok = sign_signer_ok;
		chk.ctx = &ctx;
		rc = cmd_evidence_sign(oc, ref, sbdir, sf, &chk, err);
	}
	if (rc == 0)
		rc = sign_pointer_new(p_out, old, oc, oc->signed_by->identity,
				      oc->signed_by->issuer,
				      oc->signed_by->log_index, err);
	if (rc == 0)
		rc = cmd_evidence_attest(oc, sbdir, err);
	if (rc == 0) {
		rc = ld_pointer_write(AT_FDCWD, ptr_path, *p_out, err);
		if (rc < 0)
			cmd_evidence_unattest(sbdir);
	}
	if (rc < 0) {
		ld_pointer_free(*p_out);
		*p_out = NULL;
	}
	ld_pointer_free(old);
	return rc;
}

/* What is left after signing (issue 20 item 4): push the artifact under
 * the tag the pointer names, then commit the pointer at its place. */
static void sign_next(cmd_esc_set *esc, const char *input, bool in_dir,
		      const char *ptr_path, const char *dest,
		      const ld_pointer *p)
{
	char *out = NULL, *tmp = NULL, *place = NULL;
	ae_err err = {0};

	if (in_dir) {
		out = strdup(input);
	} else {
		tmp = strdup(input);
		out = tmp ? strdup(dirname(tmp)) : NULL;
		free(tmp);
	}
	if (out != NULL)
		printf("next:     aicr-evidence push %s --to %s\n",
		       cmd_esc(esc, out),
		       cmd_esc(esc, ld_pointer_bundle_oci(p)));
	if (dest == NULL &&
	    ld_pointer_path(&place, p, LD_EVIDENCE_ROOT, &err) == 0)
		printf("then:     commit %s as %s\n", cmd_esc(esc, ptr_path),
		       cmd_esc(esc, place));
	else if (dest != NULL)
		printf("then:     commit %s\n", cmd_esc(esc, dest));
	free(place);
	free(out);
}

/* The --format json report (docs/cli.md "emit/sign --format json"). */
static int sign_report_json(const char *input, bool in_dir,
			    const char *ptr_path, const char *sbdir,
			    const char *dest, const cmd_evidence_signed *oc,
			    const ld_pointer *p)
{
	char *tmp = in_dir ? NULL : strdup(input), att[4300];
	char *out = cmd_shell_word(in_dir ? input : tmp ? dirname(tmp) : ".");
	char *place = NULL, *ptr_q = cmd_shell_word(ptr_path);
	json_t *next = json_array(), *root;
	ae_err err = {0};
	int rc = out && ptr_q && next ? 0 : -1;

	snprintf(att, sizeof(att), "%s/%s", sbdir, OCI_ATTESTATION_FILE);
	if (rc == 0)
		rc = cmd_json_next(next, "push",
				   "aicr-evidence push %s --to %s", out,
				   ld_pointer_bundle_oci(p));
	if (rc == 0 && dest == NULL &&
	    ld_pointer_path(&place, p, LD_EVIDENCE_ROOT, &err) == 0)
		rc = cmd_json_next(next, "commit", "mkdir -p %.*s && cp %s %s",
				   (int)(strrchr(place, '/') - place), place,
				   ptr_q, place);
	else if (rc == 0 && dest != NULL)
		rc = cmd_json_next(next, "commit", "git add %s", dest);
	root = json_pack("{s:s, s:[s, s], s:{s:s, s:s}, s:o, s:{s:s, s:b, "
			 "s:s?}, s:o}",
			 "command", "sign", "written", att,
			 dest ? dest : ptr_path, "artifact", "digest",
			 oc->digest, "reference", oc->oci, "signature",
			 cmd_evidence_signed_json(oc, sbdir), "pointer", "path",
			 dest ? dest : ptr_path, "signed", 1, "ledgerPath",
			 dest ? dest : place, "next", next);
	free(tmp);
	free(out);
	free(ptr_q);
	free(place);
	return rc == 0 ? cmd_json_print(root) : (json_decref(root), -1);
}

int cmd_sign(int argc, char **argv)
{
	cmd_sign_flags sf;
	cmd_evidence_signed oc;
	const char *input = NULL, *ref = NULL, *format = "text";
	const cmd_flag valued[] = {
		{"--ref", &ref}, {"--format", &format}, {NULL, NULL}};
	char ptr_path[4096], sbdir[4200], *dest = NULL, *tmp = NULL;
	ld_pointer *p = NULL;
	bool relocate = false, in_dir = false;
	struct stat st;
	cmd_esc_set esc = {0};
	ae_err err = {0};
	int rc;

	cmd_sign_flags_init(&sf);
	memset(&oc, 0, sizeof(oc));
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
		else if (argv[i][0] == '-' && argv[i][1] != '\0')
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
	in_dir = stat(input, &st) == 0 && S_ISDIR(st.st_mode);
	if (in_dir) {
		snprintf(ptr_path, sizeof(ptr_path), "%s/pointer.yaml", input);
		snprintf(sbdir, sizeof(sbdir), "%s/summary-bundle", input);
	} else {
		snprintf(ptr_path, sizeof(ptr_path), "%s", input);
		tmp = strdup(input);
		snprintf(sbdir, sizeof(sbdir), "%s/summary-bundle",
			 tmp ? dirname(tmp) : ".");
		free(tmp);
	}
	rc = stat(sbdir, &st) == 0 && S_ISDIR(st.st_mode)
		     ? 0
		     : ae_fail(&err, AE_ENOTFOUND,
			       "no summary-bundle beside the pointer: pull "
			       "the bundle next to it first");
	if (rc == 0)
		rc = sign_run(&p, &oc, ptr_path, sbdir, ref, &sf, &err);
	if (rc == 0 && relocate)
		rc = sign_relocate(&dest, ptr_path, p, &err);
	if (rc < 0) {
		cmd_error(input, &err);
		if (rc == AE_EEXISTS)
			cmd_hint("the flat pointer was left in place");
	} else if (strcmp(format, "json") == 0) {
		if (sign_report_json(input, in_dir, ptr_path, sbdir, dest, &oc,
				     p) < 0)
			rc = ae_fail(&err, AE_ERR, "cannot print the report");
	} else {
		printf("signed:   %s (%s), rekor log index %lld [verified]\n",
		       cmd_esc(&esc, oc.signed_by->identity),
		       cmd_esc(&esc, oc.signed_by->issuer),
		       (long long)oc.signed_by->log_index);
		printf("pointer:  %s\n", cmd_esc(&esc, dest ? dest : ptr_path));
		cmd_esc_free(&esc);
		sign_next(&esc, input, in_dir, ptr_path, dest, p);
	}
	cmd_esc_free(&esc);
	free(dest);
	ld_pointer_free(p);
	ev_sign_result_free(oc.signed_by);
	return rc < 0 ? cmd_exit_code(cmd_outcome_from_rc(rc))
		      : cmd_exit_code(CMD_OK);
}
