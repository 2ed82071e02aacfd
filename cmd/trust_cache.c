/* cmd/trust_cache.c -- the trust in force, as the commands ask for it
 *
 * The rule lives in evidence/tuf/trust.c (docs/trust.md); here are the
 * parts only a command knows: the cache base (--cache, else the default
 * of every command), the embedded Sigstore root and the check a cached
 * document passes (the verifier's and the signer's parsers), and the
 * notes on stderr.
 */
#include "cmd/cmd.h"
#include "evidence/tuf/tuf.h"

#include <stdio.h>
#include <time.h>

static tuf_trust_docs trust_docs = {NULL, 0, ev_trust_documents_check};

const tuf_trust_docs *cmd_trust_docs(void)
{
	if (trust_docs.embedded_root == NULL)
		trust_docs.embedded_root = ev_trust_public_good_json(
			&trust_docs.embedded_root_len);
	return &trust_docs;
}

int cmd_trust_resolve(tuf_trust *t, const char *cache, int64_t now, ae_err *err)
{
	char base[4096];
	int rc = 0;

	/* no default cache directory (no HOME, no XDG_CACHE_HOME): no TUF
	 * cache, the embedded documents; a --cache that cannot be used is
	 * the caller's error */
	if (cache == NULL && oci_cache_default(base, sizeof(base), NULL) < 0)
		return tuf_trust_resolve(t, NULL, cmd_trust_docs(), now, err);
	rc = tuf_trust_resolve(t, cache ? cache : base, cmd_trust_docs(), now,
			       err);
	if (rc < 0) /* the embedded documents stay usable */
		tuf_trust_dispose(t);
	return rc;
}

void cmd_trust_note(const tuf_trust *t)
{
	if (t->source == TUF_TRUST_EMBEDDED && t->note[0] != '\0')
		fprintf(stderr,
			"aicr-evidence: note: %s; using the embedded "
			"public-good trusted root\n",
			t->note);
}

int cmd_trust_in_force(tuf_trust *t, const char *cache,
		       cmd_trust_refresh_mode mode, ae_err *err)
{
	int64_t now = (int64_t)time(NULL);
	ae_err e = {0};
	int rc = cmd_trust_resolve(t, cache, now, err);

	if (rc < 0)
		return rc;
	if (mode == CMD_TRUST_REFRESH_ALWAYS ||
	    (mode == CMD_TRUST_REFRESH_STALE && tuf_trust_stale(t, now))) {
		/* a failed refresh leaves `t` as it was resolved */
		if (tuf_trust_refresh(t, now, &e) < 0)
			fprintf(stderr,
				"aicr-evidence: note: the TUF update failed "
				"(%s); the trust in force is unchanged\n",
				e.msg);
	}
	cmd_trust_note(t);
	return rc;
}
