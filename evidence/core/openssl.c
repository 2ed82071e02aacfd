/* evidence/core/openssl.c -- how the tool starts OpenSSL
 *
 * main() calls ae_openssl_init before anything touches libcrypto. It makes
 * two of OpenSSL's defaults the tool's, each of which costs every process
 * and buys a one-shot command nothing (docs/architecture.md "Startup
 * cost"; `sigstore verify-bundle` is about 9 ms of CPU in all):
 *
 *  - No OPENSSL_cleanup when the process ends (OPENSSL_INIT_NO_ATEXIT):
 *    by default OpenSSL frees every table it built (names, methods,
 *    providers, error strings) in an atexit handler, about 0.3 ms. The
 *    tool holds no engine, no file or socket in OpenSSL, nothing that
 *    needs flushing; the kernel takes the memory back. valgrind then
 *    counts OpenSSL's tables as still reachable, which `make valgrind`
 *    does not count as leaks (it never counted what libcurl and glibc
 *    keep either).
 *
 *  - The default random generator: HASH-DRBG over SHA-256 instead of
 *    CTR-DRBG over AES-256-CTR. Both are NIST SP 800-90A DRBGs of 256-bit
 *    strength, approved for FIPS 140. The tool uses randomness for its
 *    ephemeral signing keys and their signatures, and OpenSSL uses it to
 *    blind the P-384 arithmetic of a verification. CTR-DRBG's first use
 *    builds a method for every cipher the default provider has, about
 *    0.7 ms, for ciphers no verification uses; HASH-DRBG
 *    needs only SHA-256, which every command has already fetched. It is a
 *    default only: a `random` setting in the system's openssl.cnf [random]
 *    section is applied after this call and wins (test_core_openssl).
 *
 * Error strings are still loaded: libcurl, in the same process, prints
 * OpenSSL's reasons in TLS errors.
 */
#include "evidence/core/ae.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>

int ae_openssl_init(void)
{
	int ok = OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, NULL) == 1 &&
		 RAND_set_DRBG_type(NULL, "HASH-DRBG", NULL, NULL, "SHA256") ==
			 1;

	ERR_clear_error();
	return ok ? 0 : -1;
}
