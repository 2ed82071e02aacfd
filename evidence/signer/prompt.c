/* evidence/signer/prompt.c -- what a person is shown during a signing
 * run: the login's URL or device code, the question before an identity
 * is published, and what was signed (contract in evidence/signer/signer.h)
 *
 * Renderers into an ae_buf: cmd/ writes them to stderr. Every value a
 * server or a token supplied goes through ae_buf_put_esc_value.
 */
#include "evidence/signer/internal.h"

int ev_prompt_render(ae_buf *b, const ev_prompt *p, ae_err *err)
{
	char wait[64];
	int rc;

	ev_duration_human(wait, sizeof(wait), p->wait_s);
	if (p->kind == EV_PROMPT_BROWSER_URL) {
		rc = ae_buf_puts(b, "aicr-evidence: to sign, log in at ", err);
		rc = rc ? rc : ae_buf_put_esc_value(b, p->issuer, err);
		rc = rc ? rc : ae_buf_puts(b, " in your browser:\n\n    ", err);
		rc = rc ? rc : ae_buf_put_esc_value(b, p->url, err);
		return rc ? rc : ae_buf_puts(b, "\n\n", err);
	}
	if (p->kind == EV_PROMPT_BROWSER_WAIT)
		return ae_buf_printf(b, err,
				     "aicr-evidence: %s; waiting up to %s for "
				     "the login (no browser here? use "
				     "--oidc-device)\n",
				     p->opened ? "a browser was opened"
					       : "open the URL above yourself",
				     wait);
	rc = ae_buf_puts(b, "aicr-evidence: to sign, open ", err);
	rc = rc ? rc : ae_buf_put_esc_value(b, p->url, err);
	rc = rc ? rc
		: ae_buf_puts(b, " on any device and enter the code\n\n    ",
			      err);
	rc = rc ? rc : ae_buf_put_esc_value(b, p->code, err);
	rc = rc ? rc : ae_buf_puts(b, "\n\n", err);
	if (rc == 0 && p->url_complete != NULL) {
		rc = ae_buf_puts(b, "aicr-evidence: (or open ", err);
		rc = rc ? rc : ae_buf_put_esc_value(b, p->url_complete, err);
		rc = rc ? rc : ae_buf_puts(b, ")\n", err);
	}
	return rc ? rc
		  : ae_buf_printf(b, err,
				  "aicr-evidence: the code is valid for %s; "
				  "waiting\n",
				  wait);
}

int ev_sign_consent_render(ae_buf *b, const ev_token *tok, int64_t now,
			   ae_err *err)
{
	char left[64];
	int rc;

	ev_duration_human(left, sizeof(left), ev_token_expiry(tok) - now);
	rc = ae_buf_puts(b, "The identity '", err);
	rc = rc ? rc
		: ae_buf_put_esc_value(b, ev_token_identity_hint(tok), err);
	rc = rc ? rc : ae_buf_puts(b, "' (issuer ", err);
	rc = rc ? rc : ae_buf_put_esc_value(b, ev_token_issuer(tok), err);
	return rc ? rc
		  : ae_buf_printf(
			    b, err,
			    ") will be written to the public Sigstore\n"
			    "transparency log: it becomes public in Rekor and "
			    "in the evidence pointer\n(signer.identity, in the "
			    "ledger's git history once committed), and "
			    "cannot\nbe removed. (The token is valid for %s "
			    "more.) Continue? [y/N] ",
			    left);
}

int ev_sign_result_render(ae_buf *b, const ev_sign_result *r, ae_err *err)
{
	int rc = ae_buf_puts(b, "aicr-evidence: signed as ", err);

	rc = rc ? rc : ae_buf_put_esc_value(b, r->identity, err);
	rc = rc ? rc : ae_buf_puts(b, " (issuer ", err);
	rc = rc ? rc : ae_buf_put_esc_value(b, r->issuer, err);
	return rc ? rc
		  : ae_buf_printf(b, err, "), rekor v%d log index %lld%s\n",
				  r->rekor_version, (long long)r->log_index,
				  r->has_timestamp ? ", timestamped" : "");
}
