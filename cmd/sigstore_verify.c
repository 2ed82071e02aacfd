/* cmd/sigstore_verify.c -- `aicr-evidence sigstore verify-bundle`: the
 * sigstore-conformance client protocol (sigstore-conformance.md §1)
 *
 *   sigstore verify-bundle [--staging] --bundle FILE
 *       (--certificate-identity ID | --certificate-identity-regexp RE)
 *       --certificate-oidc-issuer URL | --key KEY.pub
 *       [--trusted-root FILE] FILE_OR_DIGEST
 *
 * Exit 0 only when the bundle verifies; otherwise one line on stderr with
 * the reason. cmd/sigstore.c dispatches here.
 */
#include "cmd/cmd.h"
#include "evidence/evidence.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct vb_opts {
	const char *bundle;
	const char *identity;
	const char *identity_re;
	const char *issuer;
	const char *key;
	const char *trusted_root;
	const char *artifact;
	bool staging;
	bool ignore_tlog;
} vb_opts;

#define VB_NFLAGS 6 /* the value flags of vb_parse */

/* Takes the value flag argv[*i] names: 1 taken, 0 none of them, else the
 * usage exit status (a missing value; a flag given twice, which the
 * conformance protocol never does, is refused rather than overridden). */
static int vb_take(const cmd_flag *flags, int argc, char **argv, int *i)
{
	const char *seen[VB_NFLAGS];
	const char *a = argv[*i];
	int k;

	for (size_t j = 0; j < VB_NFLAGS; j++)
		seen[j] = *flags[j].value;
	k = cmd_flag_take(flags, argc, argv, i);
	if (k < 0)
		return cmd_usage_error("sigstore verify-bundle",
				       "%s needs a value", a);
	for (size_t j = 0; k > 0 && j < VB_NFLAGS; j++)
		if (seen[j] != NULL && *flags[j].value != seen[j])
			return cmd_usage_error("sigstore verify-bundle",
					       "%s given twice", flags[j].name);
	return k;
}

/* Reads argv into `o`; returns -1 when done, else an exit status. */
static int vb_parse(vb_opts *o, int argc, char **argv)
{
	const cmd_flag flags[VB_NFLAGS + 1] = {
		{"--bundle", &o->bundle},
		{"--certificate-identity", &o->identity},
		{"--certificate-identity-regexp", &o->identity_re},
		{"--certificate-oidc-issuer", &o->issuer},
		{"--key", &o->key},
		{"--trusted-root", &o->trusted_root},
		{NULL, NULL},
	};
	int i, k;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--staging") == 0) {
			o->staging = true;
			continue;
		}
		if (strcmp(argv[i], "--insecure-ignore-tlog") == 0) {
			o->ignore_tlog = true;
			continue;
		}
		k = vb_take(flags, argc, argv, &i);
		if (k == 1)
			continue;
		if (k != 0)
			return k;
		if (argv[i][0] == '-' && argv[i][1] != '\0')
			return cmd_usage_error("sigstore verify-bundle",
					       "unknown option '%s'", argv[i]);
		if (o->artifact != NULL)
			return cmd_usage_error("sigstore verify-bundle",
					       "one FILE_OR_DIGEST only");
		o->artifact = argv[i];
	}
	if (o->bundle == NULL || o->artifact == NULL)
		return cmd_usage_error("sigstore verify-bundle",
				       "--bundle and FILE_OR_DIGEST are "
				       "required");
	if (o->key != NULL && (o->identity || o->identity_re || o->issuer))
		return cmd_usage_error("sigstore verify-bundle",
				       "--key excludes the certificate flags");
	if (o->key == NULL &&
	    (o->issuer == NULL ||
	     (o->identity == NULL) == (o->identity_re == NULL)))
		return cmd_usage_error("sigstore verify-bundle",
				       "give --certificate-oidc-issuer and one "
				       "--certificate-identity[-regexp], or "
				       "--key");
	if (cmd_identity_regexp_check("sigstore verify-bundle",
				      "--certificate-identity-regexp",
				      o->identity_re) != 0)
		return cmd_exit_code(CMD_USAGE);
	return -1;
}

/* Loads the trust set: --trusted-root alone when given (it replaces the
 * default, as the conformance suite requires), else the TUF-cached root
 * when in force (docs/trust.md; never fetched here), else the embedded
 * public-good root. */
static int vb_trust(ev_trust **out, const vb_opts *o, ae_err *err)
{
	ae_buf buf = AE_BUF_INIT(0);
	tuf_trust t;
	ae_err e = {0};
	int rc;

	if (o->trusted_root == NULL) {
		rc = cmd_trust_in_force(&t, NULL, CMD_TRUST_REFRESH_NEVER, &e);
		if (rc == 0 && t.source == TUF_TRUST_CACHE)
			rc = ev_trust_new_json(out, t.root, t.root_len, err);
		else
			rc = ev_trust_new_default(out, err);
		tuf_trust_dispose(&t);
		return rc;
	}
	rc = ae_read_file(&buf, AT_FDCWD, o->trusted_root,
			  EV_TRUSTED_ROOT_MAX_BYTES, err);
	if (rc == 0)
		rc = ev_trust_new_json(out, buf.data, buf.len, err);
	ae_buf_dispose(&buf);
	return rc;
}

int cmd_sigstore_verify_bundle(int argc, char **argv)
{
	vb_opts o = {0};
	ae_err err = {0};
	ev_trust *trust = NULL;
	ev_signer *signer = NULL;
	ev_verify_files f = {0};
	const char *what = "--staging";
	int rc, status;

	status = vb_parse(&o, argc, argv);
	if (status >= 0)
		return status;
	if (o.staging)
		rc = ae_fail(&err, AE_EINVAL,
			     "no staging trust root is embedded; pass "
			     "--trusted-root");
	else
		rc = vb_trust(&trust, &o, &err);
	if (rc == 0 && o.ignore_tlog)
		fputs("aicr-evidence: warning: --insecure-ignore-tlog: the "
		      "transparency log is not checked\n",
		      stderr);
	f.bundle = o.bundle;
	f.artifact = o.artifact;
	f.key = o.key;
	f.policy.issuer = o.issuer;
	f.policy.identity = o.identity;
	f.policy.identity_regex = o.identity_re;
	f.policy.ignore_tlog = o.ignore_tlog;
	if (rc == 0)
		rc = ev_bundle_verify_files(&signer, &what, trust, &f, &err);
	else if (!o.staging)
		what = o.trusted_root;
	if (rc < 0)
		cmd_error(what, &err);
	ev_signer_free(signer);
	ev_trust_free(trust);
	if (rc == AE_EVERIFY)
		return cmd_exit_code(CMD_INVALID);
	return rc < 0 ? cmd_exit_code(cmd_outcome_from_rc(rc))
		      : cmd_exit_code(CMD_OK);
}
