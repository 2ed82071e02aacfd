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
 *    0.7 ms, for ciphers no verification uses; HASH-DRBG needs only
 *    SHA-256, which every command has already fetched. It is a default
 *    only, for a system whose openssl.cnf has no [random] section (Debian's
 *    has none). OpenSSL applies such a section field by field over what
 *    was set before it, so a section that names only a cipher or only a
 *    digest would otherwise mix with this default (HASH-DRBG over MD5):
 *    when the configuration OpenSSL is about to load has one, or cannot be
 *    read here, the generator is OpenSSL's as configured, and only the
 *    digest defaults to SHA-256 (CTR-DRBG ignores it; OpenSSL 3.0 crashes
 *    on a HASH- or HMAC-DRBG named without one). test_core_openssl.
 *
 * Error strings are still loaded: libcurl, in the same process, prints
 * OpenSSL's reasons in TLS errors.
 */
#include "evidence/core/ae.h"

#include <errno.h>
#include <openssl/conf.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <string.h>
#include <sys/stat.h>

/* The value of `name` in `section`, or NULL. NCONF_get_string would
 * raise an OpenSSL error for a name that is not there, and the first
 * error builds the error-string tables (about a third of this check). */
static const char *conf_value(const CONF *conf, const char *section,
			      const char *name)
{
	STACK_OF(CONF_VALUE) *vs = NCONF_get_section(conf, section);

	for (int i = 0; i < sk_CONF_VALUE_num(vs); i++) {
		CONF_VALUE *v = sk_CONF_VALUE_value(vs, i);

		if (strcmp(v->name, name) == 0)
			return v->value;
	}
	return NULL;
}

/* True unless the configuration OpenSSL will load (OPENSSL_CONF, or its
 * default file) is known to have no [random] section: absent, or a
 * regular file whose init section names none. Anything else -- a file
 * that does not parse, a FIFO (never read twice) -- is left to OpenSSL. */
static bool conf_may_name_random(void)
{
	char *file = CONF_get1_default_config_file();
	CONF *conf = NULL;
	struct stat st;
	bool may = true;

	if (file == NULL)
		goto done;
	if (stat(file, &st) != 0) {
		may = errno != ENOENT; /* OpenSSL loads nothing either */
		goto done;
	}
	conf = S_ISREG(st.st_mode) ? NCONF_new(NULL) : NULL;
	if (conf != NULL && NCONF_load(conf, file, NULL) == 1) {
		const char *init = conf_value(conf, "default", "openssl_conf");

		may = init != NULL && conf_value(conf, init, "random") != NULL;
	}
done:
	NCONF_free(conf);
	OPENSSL_free(file);
	ERR_clear_error();
	return may;
}

int ae_openssl_init(void)
{
	int ok = OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, NULL) == 1;

	if (ok && conf_may_name_random())
		ok = RAND_set_DRBG_type(NULL, NULL, NULL, NULL, "SHA256") == 1;
	else if (ok)
		ok = RAND_set_DRBG_type(NULL, "HASH-DRBG", NULL, NULL,
					"SHA256") == 1;
	ERR_clear_error();
	return ok ? 0 : -1;
}
