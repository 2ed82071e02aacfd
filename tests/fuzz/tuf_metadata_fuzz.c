/* tests/fuzz/tuf_metadata_fuzz.c -- libFuzzer target for the TUF metadata
 * parser (evidence/tuf/meta.c) and what an update does with a parsed file
 *
 * Seeds in tests/fuzz/corpus/tuf_metadata/: every root of the real Sigstore
 * history (1-15: hex and PEM keys, keyid_hash_algorithms, fractional
 * expiry times, empty signatures), its timestamp, snapshot, targets and the
 * delegated npm role, and the test generator's metadata. An input that
 * parses is also checked as a root against its own keys (key decoding,
 * key id recomputation, signatures, thresholds), its entries against the
 * file checks and its delegations against path matching.
 */
#include "evidence/tuf/internal.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = {"trusted_root.json", "a/b.json",
					    "registry.npmjs.org/keys.json",
					    ""};
	tuf__meta *m = NULL;
	ae_err err = {0};

	if (tuf__meta_parse(&m, data, size, TUF__NTYPES, &err) < 0)
		return 0;
	if (m->type == TUF_ROOT)
		for (int i = 0; i < TUF__NTYPES; i++) {
			tuf__verify_role(m, &m->roles[i], m->keys, "fuzz", &err);
			ae_err_clear(&err);
		}
	for (size_t i = 0; i < m->nfiles; i++) {
		tuf__file_check(&m->files[i], data, size, "fuzz", &err);
		ae_err_clear(&err);
		(void)tuf__file_sha256(&m->files[i]);
	}
	for (size_t i = 0; i < m->ndels; i++) {
		for (size_t j = 0; j < sizeof(paths) / sizeof(paths[0]); j++)
			(void)tuf__role_matches(&m->dels[i], paths[j]);
		tuf__verify_role(m, &m->dels[i], m->keys, "fuzz", &err);
		ae_err_clear(&err);
	}
	tuf__meta_free(m);
	return 0;
}
