/* ledger/slug.c -- per-signer directory names
 *
 * A source slug names the directory a signer's pointers live in
 * (`<recipe>/<slug>/`). It is a one-way digest of the signer so that the
 * ledger never holds a cleartext e-mail address, and it is exact: the
 * strings from the Fulcio certificate are hashed unchanged, so a GitHub
 * Actions signer on another branch is another slug (reference §2).
 */
#include "ledger/ledger.h"

#include <stdlib.h>
#include <string.h>

int ld_slug_from_signer(char out[LD_SLUG_LEN + 1], const char *issuer,
			const char *identity, ae_err *err)
{
	unsigned char sha[AE_SHA256_LEN];
	char hex[AE_SHA256_HEX_LEN + 1];
	size_t ni, nd;
	unsigned char *buf;

	out[0] = '\0';
	if (issuer == NULL || issuer[0] == '\0')
		return ae_fail(err, AE_EINVAL, "signer issuer is empty");
	if (identity == NULL || identity[0] == '\0')
		return ae_fail(err, AE_EINVAL, "signer identity is empty");
	ni = strlen(issuer);
	nd = strlen(identity);
	/* issuer || "\n" || identity: the single LF is the domain separator
	 * that keeps ("ab","c") and ("a","bc") apart (reference §2). */
	buf = malloc(ni + 1 + nd);
	if (buf == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	memcpy(buf, issuer, ni);
	buf[ni] = '\n';
	memcpy(buf + ni + 1, identity, nd);
	ae_sha256(sha, buf, ni + 1 + nd);
	free(buf);
	ae_hex_encode(hex, sha, sizeof(sha));
	memcpy(out, hex, LD_SLUG_LEN);
	out[LD_SLUG_LEN] = '\0';
	return 0;
}
