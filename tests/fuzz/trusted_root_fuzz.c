/* tests/fuzz/trusted_root_fuzz.c -- libFuzzer target for ev_trust_add_json
 * (trusted_root.json: logs, CAs, TSAs, validity windows, RFC 3339 times)
 *
 * Seeds in tests/fuzz/corpus/trusted_root/: the public-good root,
 * sigstore-conformance custom roots, and the public-good root in other
 * proto3-JSON forms (proto3-forms.json: URL-safe unpadded base64, "end":
 * null; issue 16). Keys and certificates are decoded on
 * first use (ev__log_key, ev__ca_chain), so each accepted one is decoded
 * here too.
 */
#include "evidence/evidence.h"
#include "evidence/sigstore/internal.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decodes every key and chain of `t`; failures are expected. */
static void decode_all(ev_trust *t)
{
	STACK_OF(X509) *chain = NULL;
	EVP_PKEY *k = NULL;
	ae_err err = {0};

	for (size_t i = 0; i < t->ntlogs + t->nctlogs; i++) {
		ev__log_key(&k, i < t->ntlogs ? &t->tlogs[i]
					      : &t->ctlogs[i - t->ntlogs],
			    &err);
		ae_err_clear(&err);
	}
	for (size_t i = 0; i < t->ncas + t->ntsas; i++) {
		ev__ca_chain(&chain,
			     i < t->ncas ? &t->cas[i] : &t->tsas[i - t->ncas],
			     &err);
		ae_err_clear(&err);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ev_trust *t = NULL;
	ae_err err = {0};

	if (ev_trust_new_empty(&t, &err) < 0)
		abort();
	ev_trust_add_json(t, data, size, &err);
	ae_err_clear(&err);
	decode_all(t);
	/* a second add exercises the union and its caps */
	ev_trust_add_json(t, data, size, &err);
	ev_trust_free(t);
	return 0;
}
