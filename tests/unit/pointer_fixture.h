/* tests/unit/pointer_fixture.h -- the signed pointer of the pointer
 * reader's and renderers' unit cases (test_ledger, test_ledger_show): the
 * reference's golden pointer (reference §1.4) and the parse that must
 * accept it. One copy of what each file had its own of. Included by the
 * test file; the function is static, one per file.
 */
#ifndef AE_TESTS_POINTER_FIXTURE_H
#define AE_TESTS_POINTER_FIXTURE_H

#include "ledger/ledger.h"
#include "tests/unit/t.h"

#include <string.h>

/* The bundle digest the golden pointer names (hex, no "sha256:"). */
#define T_POINTER_HEX                                                          \
	"33d4cf36622ead990c43a596f6f53c62b87d9fa4708f59b7e3f356f215e54317"

/* A valid signed pointer V1 in the reference's shape, one attestation. */
#define T_POINTER_SIGNED                                                       \
	"schemaVersion: 1.0.0\n"                                               \
	"recipe: h100-gke-cos-training\n"                                      \
	"attestations:\n"                                                      \
	"  - bundle:\n"                                                        \
	"      oci: "                                                          \
	"ghcr.io/yuanchen97/aicr-evidence:h100-gke-cos-training-1a\n"          \
	"      digest: sha256:" T_POINTER_HEX "\n"                             \
	"      predicateType: https://aicr.run/recipe-evidence/v3\n"           \
	"    signer:\n"                                                        \
	"      identity: yuanchen97@gmail.com\n"                               \
	"      issuer: https://github.com/login/oauth\n"                       \
	"      rekorLogIndex: 42\n"                                            \
	"    attestedAt: 2026-06-25T05:57:00Z\n"

/* YAML parsed as a pointer; the case fails when it is rejected. */
static inline ld_pointer *t_pointer_parse_ok(const char *yaml)
{
	ld_pointer *p = NULL;
	ae_err err = {0};

	if (ld_pointer_parse(&p, (const unsigned char *)yaml, strlen(yaml),
			     &err) != 0)
		t_fail_at(__FILE__, __LINE__, "rejected: %s", err.msg);
	return p;
}

#endif
