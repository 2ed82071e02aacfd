/* evidence/core/hash.c -- SHA-256 and hex, through OpenSSL's SHA256_* calls
 *
 * Streaming hashing reads in large blocks (1 MiB) so the cost is the digest
 * itself, not the system calls (issue 9 target: within 0.9x of openssl dgst).
 *
 * The digest is libcrypto's SHA256_Init/_Update/_Final, not EVP: OpenSSL 3
 * answers the first EVP digest (and SHA256(), which is EVP_Q_digest) by
 * activating its default provider and building a method for every digest
 * it has -- about 3 million instructions, a third of what a 10 KiB `push`
 * spends outside the dynamic loader, in every command that hashes and has
 * no other use for EVP. The SHA256_* calls run the same block function
 * (SHA-NI where the CPU has it: tests/bench/README.md measured them equal on
 * 512 MiB) without a provider. OpenSSL 3.0 marks them deprecated, not
 * removed; this file alone opts out of the warning.
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "evidence/core/ae.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HASH_READ_BLOCK (1u << 20)

struct ae_sha256_ctx {
	SHA256_CTX sha;
};

void ae_sha256(unsigned char out[AE_SHA256_LEN], const void *data, size_t len)
{
	SHA256_CTX c;

	SHA256_Init(&c);
	SHA256_Update(&c, data, len);
	SHA256_Final(out, &c);
	OPENSSL_cleanse(&c, sizeof(c));
}

int ae_sha256_new(ae_sha256_ctx **out, ae_err *err)
{
	ae_sha256_ctx *c;

	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	if (SHA256_Init(&c->sha) != 1) {
		ae_sha256_free(c);
		return ae_fail(err, AE_ERR, "sha256 init failed");
	}
	*out = c;
	return 0;
}

void ae_sha256_update(ae_sha256_ctx *ctx, const void *data, size_t len)
{
	SHA256_Update(&ctx->sha, data, len);
}

void ae_sha256_final(ae_sha256_ctx *ctx, unsigned char out[AE_SHA256_LEN])
{
	SHA256_Final(out, &ctx->sha);
}

void ae_sha256_free(ae_sha256_ctx *ctx)
{
	if (ctx == NULL)
		return;
	OPENSSL_cleanse(ctx, sizeof(*ctx));
	free(ctx);
}

int ae_sha256_fd(unsigned char out[AE_SHA256_LEN], uint64_t *size_out, int fd,
		 ae_err *err)
{
	ae_sha256_ctx *c = NULL;
	unsigned char *block = NULL;
	uint64_t total = 0;
	int rc;

	rc = ae_sha256_new(&c, err);
	if (rc < 0)
		return rc;
	block = malloc(HASH_READ_BLOCK);
	if (block == NULL) {
		rc = ae_fail(err, AE_ERR, "out of memory");
		goto done;
	}
	for (;;) {
		ssize_t n = read(fd, block, HASH_READ_BLOCK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = ae_fail(err, errno == EIO ? AE_ETRANSIENT : AE_EIO,
				     "read while hashing: %s", strerror(errno));
			goto done;
		}
		if (n == 0)
			break;
		ae_sha256_update(c, block, (size_t)n);
		total += (uint64_t)n;
	}
	ae_sha256_final(c, out);
	if (size_out != NULL)
		*size_out = total;
	rc = 0;
done:
	free(block);
	ae_sha256_free(c);
	return rc;
}

void ae_hex_encode(char *out, const unsigned char *data, size_t len)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = hex[data[i] >> 4];
		out[2 * i + 1] = hex[data[i] & 15];
	}
	out[2 * len] = '\0';
}

int ae_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void ae_digest_format(char out[AE_DIGEST_STR_LEN],
		      const unsigned char sha[AE_SHA256_LEN])
{
	memcpy(out, "sha256:", 7);
	ae_hex_encode(out + 7, sha, AE_SHA256_LEN);
}

bool ae_is_lower_hex(const char *s, size_t n)
{
	size_t i;

	if (s == NULL)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return s[n] == '\0';
}

bool ae_digest_is_valid(const char *s)
{
	return s != NULL && strncmp(s, "sha256:", 7) == 0 &&
	       ae_is_lower_hex(s + 7, AE_SHA256_HEX_LEN);
}
