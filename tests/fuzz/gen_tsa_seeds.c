/* tests/fuzz/gen_tsa_seeds.c -- writes the seed corpus of tsa_fuzz.c
 *
 *   cc -std=c11 -D_GNU_SOURCE -I. tests/fuzz/gen_tsa_seeds.c build/libaicr.a \
 *      -lssl -lcrypto -ljansson -lyaml -o /tmp/gen && /tmp/gen DIR
 */
#include "tests/unit/pki_fixture.c"

#include <stdio.h>

static const unsigned char SIG[] = "the signature bytes";

static void seed(const char *dir, const char *name, const pki_tsa_spec *s)
{
	char path[4096];
	size_t len = 0;
	unsigned char *der = pki_tsa_make(&len, s);
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (der != NULL && f != NULL)
		fwrite(der, 1, len, f);
	if (f != NULL)
		fclose(f);
	free(der);
}

int main(int argc, char **argv)
{
	pki p;
	pki_tsa_spec s;
	STACK_OF(X509) *extra;

	if (argc != 2 || pki_init(&p) < 0)
		return 1;
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
