/* tests/fuzz/gen_tsa_seeds.c -- writes the seed corpora of tsa_fuzz.c and
 * cert_fuzz.c
 *
 *   cc -std=c11 -D_GNU_SOURCE -I. tests/fuzz/gen_tsa_seeds.c build/libaicr.a \
 *      -lssl -lcrypto -ljansson -lyaml -o /tmp/gen &&
 *   /tmp/gen tests/fuzz/corpus/tsa tests/fuzz/corpus/cert
 */
#include "tests/unit/pki_fixture.c"

#include <stdio.h>

static const unsigned char SIG[] = "the signature bytes";

static void put(const char *dir, const char *name, const unsigned char *der,
		size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (der != NULL && f != NULL)
		fwrite(der, 1, len, f);
	if (f != NULL)
		fclose(f);
}

static void seed(const char *dir, const char *name, const pki_tsa_spec *s)
{
	size_t len = 0;
	unsigned char *der = pki_tsa_make(&len, s);

	put(dir, name, der, len);
	free(der);
}

static void leaf(const char *dir, const char *name, pki *p,
		 const pki_sct_spec *scts, size_t n)
{
	pki_cert_spec s = pki_leaf_spec(p);
	X509 *x = pki_cert_new(&s);
	unsigned char *der = NULL;
	int len;

	if (x == NULL || (n > 0 && pki_leaf_add_scts(&x, p->inter_key, scts,
						     n) < 0))
		return;
	len = i2d_X509(x, &der);
	if (len > 0)
		put(dir, name, der, (size_t)len);
	OPENSSL_free(der);
	X509_free(x);
}

static void leaves(const char *dir, pki *p)
{
	static const unsigned char ext[] = {0, 5, 0, 0, 0, 0, 0, 0, 42};
	pki_sct_spec s[2] = {{0}, {0}};

	s[0].log_key = p->ct_key;
	s[0].timestamp_ms = (uint64_t)PKI_T0 * 1000;
	s[0].issuer = p->inter;
	s[1] = s[0];
	s[1].ext = ext;
	s[1].ext_len = sizeof(ext);
	leaf(dir, "leaf-no-sct", p, s, 0);
	leaf(dir, "leaf-one-sct", p, s, 1);
	leaf(dir, "leaf-two-scts-ext", p, s, 2);
}

int main(int argc, char **argv)
{
	pki p;
	pki_tsa_spec s;
	STACK_OF(X509) *extra;

	if (argc != 3 || pki_init(&p) < 0)
		return 1;
	leaves(argv[2], &p);
	s = pki_tsa_spec_default(&p, SIG, sizeof(SIG));
	seed(argv[1], "resp", &s);
	s.bare = true;
	seed(argv[1], "token", &s);
	s.bare = false;
	s.no_certs = true;
	seed(argv[1], "resp-no-certs", &s);
	s.no_certs = false;
	s.precision = 3;
	s.usec = 250000;
	s.serial = -0x21524111;
	seed(argv[1], "resp-fraction-negative-serial", &s);
	extra = pki_chain(p.tsa_inter, p.tsa_root, NULL);
	s.extra = extra;
	seed(argv[1], "resp-full-chain", &s);
	sk_X509_pop_free(extra, X509_free);
	pki_dispose(&p);
	return 0;
}
