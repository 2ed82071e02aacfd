/* ledger/problems.c -- the names a pointer's problems give its fields
 *
 * A leaf: the pointer reader (pointer.c) and its rules (pointer_rules.c)
 * both add to the list (ae_problems, evidence/core/problems.c, shared with
 * the allowlist loader), naming the fields the same way, and neither
 * uses the other for it.
 */
#include "ledger/internal.h"

const char *const ld__pointer_field_names[PF_COUNT] = {
	"pointer",
	"schemaVersion",
	"recipe",
	"profile",
	"attestations",
	"attestations[0]",
	"attestations[0].bundle",
	"attestations[0].bundle.oci",
	"attestations[0].bundle.digest",
	"attestations[0].bundle.predicateType",
	"attestations[0].signer",
	"attestations[0].signer.identity",
	"attestations[0].signer.issuer",
	"attestations[0].signer.rekorLogIndex",
	"attestations[0].attestedAt",
};
