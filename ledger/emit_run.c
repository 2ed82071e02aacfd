/* ledger/emit_run.c -- `emit`'s run: a validation run into a bundle, its
 * signature, its push, and the pointer last (contract in ledger/ledger.h,
 * ld_emit)
 *
 * The bundle is built by ev_evidence_emit; the artifact digest, and the
 * tag derived from it, are known before any network I/O (SPEC §3), so
 * signing and pushing use the same tagged reference, which the pointer
 * names (issue 24 item 7). OUT/pointer.yaml is written last, so a failure
 * at any step leaves no pointer, and then no bundle either (reference
 * §7).
 */
#include "ledger/ledger.h"

#include <fcntl.h>
#include <stdio.h>

/* Writes OUT/pointer.yaml (pointer V1, SPEC §3), last. */
static int emit_pointer(const char *out_dir, const ev_emit_result *r,
			const ld_signed *oc, ld_pointer **p_out, ae_err *err)
{
	ld_pointer_fields f = LD_POINTER_FIELDS_INIT;
	char path[4096];
	int rc;

	f.recipe = r->recipe_name;
	if (r->profile[0] != '\0')
		f.profile = r->profile;
	f.bundle_oci = oc->oci;
	f.bundle_digest = oc->digest;
	f.predicate_type = EV_PREDICATE_V3;
	f.attested_at = r->attested_at;
	if (oc->signed_by != NULL) /* index 0 written absent */
		ld_pointer_fields_signer(&f, oc->signed_by->identity,
					 oc->signed_by->issuer,
					 oc->signed_by->log_index);
	if ((size_t)snprintf(path, sizeof(path), "%s/pointer.yaml", out_dir) >=
	    sizeof(path))
		return ae_fail(err, AE_EINVAL, "output path too long");
	rc = ld_pointer_new(p_out, &f, err);
	if (rc == 0)
		rc = ld_pointer_create(AT_FDCWD, path, *p_out, err);
	return rc;
}

int ld_emit(ev_emit_result *r, ld_signed *oc, ld_pointer **p_out,
	    const ld_emit_opts *o, ae_err *err)
{
	const char *out_dir = o->emit->out_dir;
	char sbdir[4200];
	bool emitted;
	int rc;

	*p_out = NULL;
	rc = ev_evidence_emit(r, o->emit, err);
	emitted = rc == 0;
	if (rc == 0 && o->on_emitted != NULL)
		o->on_emitted(o->ctx, r);
	snprintf(sbdir, sizeof(sbdir), "%s/summary-bundle", out_dir);
	/* Unsigned and unpushed, the pointer names neither reference nor
	 * digest. */
	if (rc == 0 && o->sign != NULL)
		rc = ld_bundle_sign(oc, o->ref, sbdir, NULL, o->sign, err);
	else if (rc == 0 && o->push != NULL)
		rc = ld_bundle_locate(oc, o->ref, sbdir, err);
	if (rc == 0 && o->sign != NULL)
		rc = ld_bundle_attest(oc, sbdir, err);
	if (rc == 0 && o->push != NULL)
		rc = o->push(o->ctx, oc->oci, err);
	if (rc == 0)
		rc = emit_pointer(out_dir, r, oc, p_out, err);
	if (rc < 0 && emitted) /* nothing half-written: no bundle either */
		ev_evidence_emit_discard(out_dir, r->created_out);
	return rc;
}
