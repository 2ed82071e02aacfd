/* evidence/signer/run.c -- one signing run: the token, the services in
 * force, the signature (contract in evidence/signer/signer.h, ev_sign_run)
 *
 * What `sigstore sign-bundle`, `emit --sign` and `sign` share, in order:
 * every check that needs no service first (the token's exp, issuer and
 * audience; the caller's signer check with the identity the token
 * predicts; the person's consent), then the documents the flags name or
 * the TUF cache holds (the caller resolves the cache: the signer never
 * fetches trust), then the signature and its self-check, then the
 * caller's signer check again with the verified signer. Nothing is
 * written here.
 */
#include "evidence/signer/internal.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* trusted_root.json cap, matching the verifier's (sigstore.md §2). */
#define RUN_TRUSTED_ROOT_MAX (1u << 20)

/* What the run reads before it signs; dispose after signing. */
typedef struct run_files {
	ae_buf signing_config;
	ae_buf trusted_root;
} run_files;

/* No service named on the command line: the signing config in force is
 * the file's or the cache's (explicit URLs are the user's whole choice). */
static bool run_no_urls(const ev_sign_run_opts *o)
{
	return o->fulcio_url == NULL && o->rekor_url == NULL &&
	       o->tsa_url == NULL;
}

bool ev_sign_run_wants_cache(const ev_sign_run_opts *o)
{
	return o->trusted_root_path == NULL ||
	       (o->signing_config_path == NULL && run_no_urls(o));
}

/* What a flag does not name comes from the TUF cache when its documents
 * are in force (docs/trust.md): the trusted root of the self-check
 * without a trusted-root file, the services without a signing config
 * file or any service URL. */
static int run_load_cached(ev_sign_opts *so, run_files *files,
			   const ev_sign_run_opts *o, ae_err *err)
{
	int rc = 0;

	if (o->trusted_root_path == NULL && o->cached_root != NULL) {
		rc = ae_buf_put(&files->trusted_root, o->cached_root,
				o->cached_root_len, err);
		so->trusted_root = files->trusted_root.data;
		so->trusted_root_len = files->trusted_root.len;
	}
	if (rc == 0 && o->signing_config_path == NULL && run_no_urls(o) &&
	    o->cached_sc != NULL) {
		rc = ae_buf_put(&files->signing_config, o->cached_sc,
				o->cached_sc_len, err);
		so->signing_config = files->signing_config.data;
		so->signing_config_len = files->signing_config.len;
	}
	return rc;
}

/* Fills `so` from the options, `tok` and the run's `deadline`, reading
 * the signing config and trusted root files (capped) into `files`.
 * AE_EINVAL for a bad rekor version; ae_read_file codes. */
static int run_load(ev_sign_opts *so, run_files *files,
		    const ev_sign_run_opts *o, const ev_token *tok,
		    int64_t deadline, ae_err *err)
{
	int rc = 0;

	so->deadline_ms = deadline;
	so->token = tok;
	so->audience = o->token.client_id;
	so->fulcio_url = o->fulcio_url;
	so->rekor_url = o->rekor_url;
	so->tsa_url = o->tsa_url;
	if (o->rekor_version != NULL) {
		if (strcmp(o->rekor_version, "1") == 0)
			so->rekor_version = 1;
		else if (strcmp(o->rekor_version, "2") == 0)
			so->rekor_version = 2;
		else
			return ae_fail(err, AE_EINVAL,
				       "--rekor-version must be 1 or 2");
	}
	if (o->signing_config_path != NULL) {
		rc = ae_read_file(&files->signing_config, AT_FDCWD,
				  o->signing_config_path,
				  EV_SIGNING_CONFIG_MAX_BYTES, err);
		so->signing_config = files->signing_config.data;
		so->signing_config_len = files->signing_config.len;
	}
	if (rc == 0 && o->trusted_root_path != NULL) {
		rc = ae_read_file(&files->trusted_root, AT_FDCWD,
				  o->trusted_root_path, RUN_TRUSTED_ROOT_MAX,
				  err);
		so->trusted_root = files->trusted_root.data;
		so->trusted_root_len = files->trusted_root.len;
	}
	if (rc == 0)
		rc = run_load_cached(so, files, o, err);
	return rc;
}

/* The signer check of the caller, if any. */
static int run_signer_ok(const ev_sign_run_opts *o, const char *identity,
			 const char *issuer, ae_err *err)
{
	if (o->signer_ok == NULL)
		return 0;
	return o->signer_ok(identity, issuer, o->ctx, err);
}

int ev_sign_run_input(ev_sign_run_opts *o, ae_buf *stmt, const char *path,
		      bool in_toto, ae_err *err)
{
	uint64_t size = 0;
	int fd = -1, rc;

	if (in_toto) {
		o->payload_type = "application/vnd.in-toto+json";
		rc = ae_read_file(stmt, AT_FDCWD, path,
				  EV_SIGN_PAYLOAD_MAX_BYTES, err);
		o->payload = stmt->data;
		o->payload_len = stmt->len;
		return rc;
	}
	o->payload_type = NULL;
	rc = ae_open_regular(&fd, &size, AT_FDCWD, path, err);
	if (rc == 0)
		rc = ae_sha256_fd(o->sha256, &size, fd, err);
	if (fd >= 0)
		close(fd);
	return rc;
}

int ev_sign_run(ev_sign_result **out, const ev_sign_run_opts *o, ae_err *err)
{
	ev_token_get_opts to = o->token;
	ev_sign_opts so = EV_SIGN_OPTS_INIT;
	ev_token *tok = NULL;
	run_files files;
	int64_t deadline = 0;
	int rc;

	*out = NULL;
	ae_buf_init(&files.signing_config, EV_SIGNING_CONFIG_MAX_BYTES);
	ae_buf_init(&files.trusted_root, RUN_TRUSTED_ROOT_MAX);
	/* the login's issuer comes from the signing config in force */
	to.signing_config_path = o->signing_config_path;
	to.signing_config = run_no_urls(o) ? o->cached_sc : NULL;
	to.signing_config_len = run_no_urls(o) ? o->cached_sc_len : 0;
	rc = ev_token_get(&tok, &deadline, &to, err);
	if (rc == 0)
		rc = run_signer_ok(o, ev_token_identity_hint(tok),
				   ev_token_issuer(tok), err);
	if (rc == 0 && o->confirm != NULL && o->confirm(tok, o->token.ctx) < 0)
		rc = ae_fail(err, AE_EAUTH, "signing declined");
	if (rc == 0)
		rc = run_load(&so, &files, o, tok, deadline, err);
	if (rc == 0 && o->payload_type != NULL)
		rc = ev_sign_dsse(out, &so, o->payload_type,
				  o->payload ? o->payload
					     : (const unsigned char *)"",
				  o->payload_len, err);
	else if (rc == 0)
		rc = ev_sign_message(out, &so, o->sha256, err);
	if (rc == 0)
		rc = run_signer_ok(o, (*out)->identity, (*out)->issuer, err);
	if (rc < 0) {
		ev_sign_result_free(*out);
		*out = NULL;
	}
	ae_buf_dispose(&files.signing_config);
	ae_buf_dispose(&files.trusted_root);
	ev_token_free(tok);
	return rc;
}
