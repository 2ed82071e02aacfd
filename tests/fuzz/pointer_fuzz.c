/* tests/fuzz/pointer_fuzz.c -- libFuzzer target for the pointer V1 reader
 * and writer (ledger/pointer.c, ledger/pointer_write.c)
 *
 * Any input goes through ld_pointer_check. A pointer judged valid must
 * (1) format, (2) parse back strictly, (3) format to the same bytes and
 * (4) have the same fields: the writer's round-trip promise (SPEC §3), and
 * the guarantee that the writer never emits YAML the reader would read
 * differently. Placement helpers run on every valid pointer too. Seeds in
 * tests/fuzz/corpus/pointer/.
 */
#include "ledger/ledger.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts unless two possibly-NULL strings are equal. */
static void same(const char *a, const char *b)
{
	if ((a == NULL) != (b == NULL) || (a != NULL && strcmp(a, b) != 0))
		abort();
}

static void pointer_fuzz_same_fields(const ld_pointer *p, const ld_pointer *q)
{
	ld_pointer_fields a, b;

	ld_pointer_fields_get(&a, p);
	ld_pointer_fields_get(&b, q);
	same(a.schema_version, b.schema_version);
	same(a.recipe, b.recipe);
	same(a.profile, b.profile);
	same(a.bundle_oci, b.bundle_oci);
	same(a.bundle_digest, b.bundle_digest);
	same(a.predicate_type, b.predicate_type);
	same(a.signer_identity, b.signer_identity);
	same(a.signer_issuer, b.signer_issuer);
	same(a.attested_at, b.attested_at);
	if (a.rekor_log_index != b.rekor_log_index ||
	    ld_pointer_is_signed(p) != ld_pointer_is_signed(q))
		abort();
}

static void pointer_fuzz_round_trip(const ld_pointer *p)
{
	ae_buf a = AE_BUF_INIT(LD_POINTER_MAX_BYTES);
	ae_buf b = AE_BUF_INIT(LD_POINTER_MAX_BYTES);
	ld_pointer *q = NULL;
	char *s = NULL;
	bool is_path = false;

	if (ld_pointer_format(&a, p, NULL) != 0)
		abort();
	if (ld_pointer_parse(&q, a.data, a.len, NULL) != 0)
		abort();
	if (ld_pointer_format(&b, q, NULL) != 0 || a.len != b.len ||
	    memcmp(a.data, b.data, a.len) != 0)
		abort();
	pointer_fuzz_same_fields(p, q);
	if (ld_pointer_copy_to_hint(&s, &is_path, q, NULL) != 0)
		abort();
	free(s);
	s = NULL;
	if (ld_pointer_path(&s, q, NULL, NULL) == 0 &&
	    (!is_path && ld_pointer_bundle_oci(q)[0] != '\0'))
		abort();
	free(s);
	ld_pointer_free(q);
	ae_buf_dispose(&a);
	ae_buf_dispose(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ae_problems pr = AE_PROBLEMS_INIT;
	ld_pointer *p = NULL;

	if (ld_pointer_check(&p, &pr, data, size, NULL) != 0)
		abort();
	if (p != NULL && ld_pointer_is_valid(p) != (pr.n == 0))
		abort();
	for (size_t i = 0; i < pr.n; i++) {
		if (pr.v[i].msg == NULL || strchr(pr.v[i].msg, '\n') != NULL)
			abort();
	}
	if (p != NULL && ld_pointer_is_valid(p))
		pointer_fuzz_round_trip(p);
	ld_pointer_free(p);
	ae_problems_dispose(&pr);
	return 0;
}
