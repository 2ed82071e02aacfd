/* tests/unit/test_core_openssl.c -- how the tool starts OpenSSL
 * (evidence/core/openssl.c)
 *
 * Each case runs in a child the runner forked before anything touched
 * libcrypto, so ae_openssl_init meets OpenSSL unstarted, as in main().
 */
#include "t.h"
#include "evidence/core/ae.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>

/* The primary generator's name and its digest and cipher ("" when it has
 * none), after drawing from it. */
static void drbg_read(char name[64], char digest[64], char cipher[64])
{
	unsigned char b[16];
	EVP_RAND_CTX *c;
	OSSL_PARAM ps[3];

	digest[0] = cipher[0] = '\0';
	T_ASSERT_INT(RAND_priv_bytes(b, sizeof(b)), 1);
	c = RAND_get0_primary(NULL);
	T_ASSERT(c != NULL);
	snprintf(name, 64, "%s", EVP_RAND_get0_name(EVP_RAND_CTX_get0_rand(c)));
	ps[0] = OSSL_PARAM_construct_utf8_string(OSSL_DRBG_PARAM_DIGEST, digest,
						 64);
	ps[1] = OSSL_PARAM_construct_utf8_string(OSSL_DRBG_PARAM_CIPHER, cipher,
						 64);
	ps[2] = OSSL_PARAM_construct_end();
	T_ASSERT_INT(EVP_RAND_CTX_get_params(c, ps), 1);
}

/* OPENSSL_CONF: a file of `body` as it is. */
static void conf_write_raw(const char *body)
{
	const char *path = t_path("openssl.cnf");
	FILE *f = fopen(path, "w");

	T_ASSERT(f != NULL);
	fputs(body, f);
	T_ASSERT_INT(fclose(f), 0);
	T_ASSERT_INT(setenv("OPENSSL_CONF", path, 1), 0);
}

/* The system's configuration as the tool meets it by default, with no
 * [random] section (Debian's openssl.cnf has none). */
static void conf_write(const char *random_section)
{
	const char *path = t_path("openssl.cnf");
	FILE *f = fopen(path, "w");
	T_ASSERT(f != NULL);
	fprintf(f, "openssl_conf = openssl_init\n[openssl_init]\n%s",
		random_section ? "random = random_sect\n[random_sect]\n" : "");
	if (random_section)
		fputs(random_section, f);
	T_ASSERT_INT(fclose(f), 0);
	T_ASSERT_INT(setenv("OPENSSL_CONF", path, 1), 0);
}

void test_core_openssl__the_default_generator_is_hash_drbg_over_sha256(void)
{
	char name[64], digest[64], cipher[64];

	conf_write(NULL);
	T_ASSERT_INT(ae_openssl_init(), 0);
	drbg_read(name, digest, cipher);
	T_ASSERT_STR(name, "HASH-DRBG");
	T_ASSERT_STR(digest, "SHA2-256");
}

/* The control: without ae_openssl_init, OpenSSL's own default, so the
 * case above sees the call and not a system default. */
void test_core_openssl__without_it_openssl_keeps_ctr_drbg(void)
{
	char name[64], digest[64], cipher[64];

	conf_write(NULL);
	drbg_read(name, digest, cipher);
	T_ASSERT_STR(name, "CTR-DRBG");
}

/* An administrator's choice in openssl.cnf is applied after the call and
 * stands. */
void test_core_openssl__a_configured_generator_wins(void)
{
	char name[64], digest[64], cipher[64];

	conf_write("random = CTR-DRBG\ncipher = AES-128-CTR\n");
	T_ASSERT_INT(ae_openssl_init(), 0);
	drbg_read(name, digest, cipher);
	T_ASSERT_STR(name, "CTR-DRBG");
	T_ASSERT_STR(cipher, "AES-128-CTR");
}

/* Called after OpenSSL made its generator, the call says so and changes
 * nothing: a cost, never a fault. */
void test_core_openssl__too_late_is_reported_and_harmless(void)
{
	char name[64], digest[64], cipher[64];
	unsigned char b[8];

	conf_write(NULL);
	T_ASSERT_INT(RAND_bytes(b, sizeof(b)), 1);
	T_ASSERT_INT(ae_openssl_init(), -1);
	drbg_read(name, digest, cipher);
	T_ASSERT_STR(name, "CTR-DRBG");
}

/* A [random] section that names only a cipher keeps OpenSSL's CTR-DRBG
 * with that cipher: the section is OpenSSL's, not mixed with the tool's
 * default (review satk3 01). */
void test_core_openssl__a_section_naming_only_a_cipher_keeps_ctr_drbg(void)
{
	char name[64], digest[64], cipher[64];

	conf_write("cipher = AES-128-CTR\n");
	T_ASSERT_INT(ae_openssl_init(), 0);
	drbg_read(name, digest, cipher);
	T_ASSERT_STR(name, "CTR-DRBG");
	T_ASSERT_STR(cipher, "AES-128-CTR");
}

/* A [random] section that names only a digest does not turn the default
 * into HASH-DRBG over it (MD5: 128-bit strength; review satk3 02): it is
 * CTR-DRBG, as without the tool, which ignores a digest. */
void test_core_openssl__a_section_naming_only_a_digest_keeps_ctr_drbg(void)
{
	char name[64], digest[64], cipher[64];

	conf_write("digest = MD5\n");
	T_ASSERT_INT(ae_openssl_init(), 0);
	drbg_read(name, digest, cipher);
	T_ASSERT_STR(name, "CTR-DRBG");
	T_ASSERT_STR(cipher, "AES-256-CTR");
	T_ASSERT_INT(EVP_RAND_get_strength(RAND_get0_primary(NULL)), 256);
}

/* A HASH- or HMAC-DRBG named without a digest gets SHA-256 (OpenSSL 3.0
 * alone crashes on it: `openssl rand` does). */
void test_core_openssl__a_drbg_named_without_a_digest_gets_sha256(void)
{
	char name[64], digest[64], cipher[64];

	conf_write("random = HMAC-DRBG\n");
	T_ASSERT_INT(ae_openssl_init(), 0);
	drbg_read(name, digest, cipher);
	T_ASSERT_STR(name, "HMAC-DRBG");
	T_ASSERT_STR(digest, "SHA2-256");
}

/* A [random] section in a file the configuration includes counts too. */
void test_core_openssl__an_included_section_counts(void)
{
	const char *inc = t_path("random.cnf");
	FILE *f = fopen(inc, "w");
	char name[64], digest[64], cipher[64];
	char body[4200];

	T_ASSERT(f != NULL);
	fprintf(f, "[openssl_init]\nrandom = random_sect\n"
		   "[random_sect]\ncipher = AES-128-CTR\n");
	T_ASSERT_INT(fclose(f), 0);
	snprintf(body, sizeof(body), "openssl_conf = openssl_init\n.include %s\n",
		 inc);
	conf_write_raw(body);
	T_ASSERT_INT(ae_openssl_init(), 0);
	drbg_read(name, digest, cipher);
	T_ASSERT_STR(name, "CTR-DRBG");
	T_ASSERT_STR(cipher, "AES-128-CTR");
}

/* A configuration that is not a regular file is read by OpenSSL alone
 * (never twice: a FIFO would be empty the second time); a missing one
 * is none, and the default applies. */
void test_core_openssl__a_missing_configuration_takes_the_default(void)
{
	char name[64], digest[64], cipher[64];

	T_ASSERT_INT(setenv("OPENSSL_CONF", t_path("no-such.cnf"), 1), 0);
	T_ASSERT_INT(ae_openssl_init(), 0);
	drbg_read(name, digest, cipher);
	T_ASSERT_STR(name, "HASH-DRBG");
}

void test_core_openssl__a_directory_as_configuration_is_left_to_openssl(void)
{
	char name[64], digest[64], cipher[64];

	T_ASSERT_INT(setenv("OPENSSL_CONF", t_path(""), 1), 0);
	T_ASSERT_INT(ae_openssl_init(), 0);
	drbg_read(name, digest, cipher);
	T_ASSERT_STR(name, "CTR-DRBG");
}
