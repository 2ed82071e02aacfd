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
	ev_verify_files f; /* the files and the policy */
	const char *trusted_root;
	bool staging;
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
		{"--bundle", &o->f.bundle},
		{"--certificate-identity", &o->f.policy.identity},
		{"--certificate-identity-regexp", &o->f.policy.identity_regex},
		{"--certificate-oidc-issuer", &o->f.policy.issuer},
		{"--key", &o->f.key},
		{"--trusted-root", &o->trusted_root},
		{NULL, NULL},
	};
	ev_policy *p = &o->f.policy;
	ae_err err = {0};
	int i, k;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--staging") == 0) {
			o->staging = true;
			continue;
		}
		if (strcmp(argv[i], "--insecure-ignore-tlog") == 0) {
			p->ignore_tlog = true;
			continue;
		}
		k = vb_take(flags, argc, argv, &i);
		if (k == 1)
			continue;
		if (k != 0)
			return k;
		if (cmd_is_option(argv[i]))
			return cmd_usage_error("sigstore verify-bundle",
					       "unknown option '%s'", argv[i]);
		if (o->f.artifact != NULL)
			return cmd_usage_error("sigstore verify-bundle",
					       "one FILE_OR_DIGEST only");
		o->f.artifact = argv[i];
	}
	if (ev_verify_files_check(&o->f, &err) < 0)
		return cmd_usage_error("sigstore verify-bundle", "%s", err.msg);
	if (cmd_identity_regexp_check("sigstore verify-bundle",
				      "--certificate-identity-regexp",
				      p->identity_regex) != 0)
		return cmd_exit_code(CMD_USAGE);
	return -1;
}

int cmd_sigstore_verify_bundle(int argc, char **argv)
{
	vb_opts o = {0};
	ae_err err = {0};
	ev_trust *trust = NULL;
	ev_signer *signer = NULL;
	const char *what = "--staging";
	tuf_trust t, *cached = NULL;
	ae_err e = {0};
	int rc, status;

	memset(&t, 0, sizeof(t));
	status = vb_parse(&o, argc, argv);
	if (status >= 0)
		return status;
	/* --trusted-root alone when given, else the TUF-cached root when in
	 * force (docs/trust.md; never fetched here), else the embedded one */
	if (!o.staging && o.trusted_root == NULL &&
	    cmd_trust_in_force(&t, NULL, LD_TRUST_REFRESH_NEVER, &e) == 0 &&
	    t.source == TUF_TRUST_CACHE)
		cached = &t;
	if (o.staging)
		rc = ae_fail(&err, AE_EINVAL,
			     "no staging trust root is embedded; pass "
			     "--trusted-root");
	else
		rc = ev_trust_load(&trust, o.trusted_root,
				   cached ? cached->root : NULL,
				   cached ? cached->root_len : 0, &err);
	if (rc == 0 && o.f.policy.ignore_tlog)
		fputs("aicr-evidence: warning: --insecure-ignore-tlog: the "
		      "transparency log is not checked\n",
		      stderr);
	if (rc == 0)
		rc = ev_bundle_verify_files(&signer, &what, trust, &o.f, &err);
	else if (!o.staging)
		what = o.trusted_root;
	if (rc < 0)
		cmd_error(what, &err);
	ev_signer_free(signer);
	ev_trust_free(trust);
	tuf_trust_dispose(&t);
	if (rc == AE_EVERIFY)
		return cmd_exit_code(CMD_INVALID);
	return rc < 0 ? cmd_exit_code(cmd_outcome_from_rc(rc))
		      : cmd_exit_code(CMD_OK);
}
