/* cmd/check_verify.c -- rule 4 of `check`: each pointer's bundle fetched by
 * digest and verified against the signer the pointer claims
 *
 * The contract checker (ledger/) calls this from its worker threads, one
 * pointer at a time (ld_contract_verify_fn). The bundle is pulled by the
 * pointer's digest -- from the registry named in bundle.oci, or only from
 * the cache with --offline -- so the bytes are the ones the pointer names
 * whatever the tag says (oci_pull rejects a digest mismatch). The bundle is
 * then verified by ev_evidence_verify with the pointer as the claim: the
 * Sigstore bundle against the trusted root, the certificate's issuer and
 * identity against the claimed signer, the Rekor index, the statement
 * subject against the pointer's digest, the predicate's recipe, type,
 * profile and attestedAt against the pointer's (evidence/verify_claim.c),
 * and the manifest against every file (SPEC §5.4). The
 * verified signer is compared with the claim once more here, because that
 * comparison is the whole point of rule 4 (a squat passes rules 1-3).
 * Only cmd/ may reach both evidence/ and oci/, so this lives here and the
 * checker stays free of network code.
 */
#include "cmd/cmd.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int check_verifier_init(check_verifier *v, const char *cache,
			const char *trusted_root, bool offline,
			const cmd_registry_flags *f, ae_err *err)
{
	int rc;

	memset(v, 0, sizeof(*v));
	v->trusted_root = trusted_root;
	rc = cmd_fetcher_init(&v->fetch, cache, offline, "check", err);
	if (rc == 0)
		rc = cmd_registry_opts(&v->fetch.co, &v->password, f, false,
				       err);
	/* worker threads: no shared progress bar */
	v->fetch.co.progress = NULL;
	v->fetch_timeout_ms = CHECK_FETCH_TIMEOUT_MS;
	return rc;
}

void check_verifier_dispose(check_verifier *v)
{
	cmd_fetcher_dispose(&v->fetch);
	cmd_password_free(v->password);
	v->password = NULL;
}

/* True iff a fetch begun at `start` ran into a time limit: the pointer's
 * --fetch-timeout or the run's --deadline. */
static bool fetch_late(const check_verifier *v, int64_t start)
{
	return (v->fetch_timeout_ms != 0 &&
		ae_clock_ms() - start >= (int64_t)v->fetch_timeout_ms) ||
	       ae_deadline_left_ms(v->fetch.co.deadline) == 0;
}

/* Words an undecided fetch (ld_fetch_classify): its cause and the fix,
 * in flags `check` takes (it reads anonymously or with --docker-config:
 * the registry client's own advice on a login names flags it refuses). */
static int verify_undecided(const check_verifier *v, const oci_ref *ref,
			    const cmd_fetched *x, int rc, const ae_err *e,
			    ae_err *err)
{
	if (rc == AE_EAUTH)
		return ae_fail(err, AE_EIO,
			       "registry %s refused access (%s): a ledger's "
			       "bundles must be pullable anonymously, or give "
			       "credentials with --docker-config FILE",
			       ref->registry,
			       strstr(e->msg, "--registry-username") != NULL
				       ? "it asks for credentials"
				       : e->msg);
	/* the HTTP layer may name the fix itself */
	if (x->http_status == 0 && strstr(e->msg, "--registry-") != NULL)
		return ae_fail(err, AE_EIO, "cannot talk to registry %s: %s",
			       ref->registry, e->msg);
	if (x->http_status == 0 && rc != AE_EIO && rc != AE_ERR)
		return ae_fail(err, AE_EIO,
			       "cannot talk to registry %s: %s (a plain-HTTP "
			       "loopback registry needs --registry-plain-http, "
			       "a private CA --registry-ca-file FILE)",
			       ref->registry, e->msg);
	/* A TLS server answers plain HTTP with 400 before any protocol. */
	if (x->http_status == 400 && v->fetch.co.plain_http)
		return ae_fail(err, AE_EIO,
			       "bundle fetch from %s: %s (HTTP 400 to plain "
			       "HTTP: the registry may speak TLS; drop "
			       "--registry-plain-http)",
			       ref->registry, e->msg);
	return ae_fail(err, AE_EIO, "bundle fetch from %s: %s", ref->registry,
		       e->msg);
}

/* Fetches the bundle within its time limits (issue 15 item 8). Only what
 * the registry said about the bundle is a finding (ld_fetch_classify): no
 * such artifact, other bytes, content it may not hold. A fault a retry may
 * cure stays transient (exit 3); one it will not -- TLS failing or meeting
 * plain HTTP, a refused login, an unexpected status -- is AE_EIO with its
 * cause and fix: it says nothing about the PR (exit 2). */
static int verify_fetch(cmd_fetched *x, check_verifier *v,
			const ld_contract_item *item, ae_err *err)
{
	int64_t start = ae_clock_ms();
	oci_ref ref;
	ae_err e = {0};
	char repr[AE_REPR_BUF];
	int rc;

	rc = oci_ref_parse(&ref, item->oci, &e);
	if (rc < 0)
		return ae_fail(err, AE_EVERIFY,
			       "bundle.oci %s is not a registry reference: %s",
			       ae_repr(repr, sizeof(repr), item->oci,
				       strlen(item->oci)),
			       e.msg);
	/* the run's --deadline: past it, no pointer is even tried */
	if (ae_deadline_left_ms(v->fetch.co.deadline) == 0)
		return ae_fail(err, AE_ETRANSIENT,
			       "not fetched: the run's --deadline passed");
	rc = cmd_fetch_within(x, &v->fetch, &ref, item->digest,
			      ae_deadline_in(v->fetch_timeout_ms), &e);
	if (rc == 0)
		return 0;
	if (rc == AE_ETRANSIENT && fetch_late(v, start))
		return ae_fail(err, rc,
			       "bundle fetch gave up at its time limit "
			       "(--fetch-timeout %llu s, --deadline): %s",
			       (unsigned long long)v->fetch_timeout_ms / 1000,
			       e.msg);
	switch (ld_fetch_classify(rc, x->http_status)) {
	case LD_FETCH_FINDING:
		return ae_fail(err, AE_EVERIFY,
			       "bundle %s cannot be fetched: %s", item->digest,
			       e.msg);
	case LD_FETCH_TRANSIENT:
		return ae_fail(err, AE_ETRANSIENT, "bundle fetch: %s", e.msg);
	default:
		return verify_undecided(v, &ref, x, rc, &e, err);
	}
}

/* Reads the verdict: valid (phase failures do not matter here: the
 * contract is about who signed, not what passed) with the claimed signer
 * verified, or a finding with the verifier's own reason. */
static int verify_verdict(const ev_verdict *vd, const ld_contract_item *item,
			  ae_err *err)
{
	ae_buf j = AE_BUF_INIT(64u << 20);
	json_t *root = NULL, *sg, *fc;
	const char *iss, *id, *cls, *detail;
	int rc, verdict = ev_verdict_exit(vd);

	rc = ev_verdict_json(&j, vd, err);
	if (rc == 0)
		rc = ae_json_parse((void **)&root, j.data, j.len, err);
	ae_buf_dispose(&j);
	if (rc < 0)
		return rc;
	sg = json_object_get(root, "signer");
	fc = json_object_get(root, "failureCause");
	iss = json_string_value(json_object_get(sg, "issuer"));
	id = json_string_value(json_object_get(sg, "identity"));
	cls = json_string_value(json_object_get(fc, "class"));
	detail = json_string_value(json_object_get(fc, "detail"));
	if (verdict == EV_VERDICT_NONE)
		rc = ae_fail(err, AE_ETRANSIENT, "no verdict (%s): %s",
			     cls ? cls : "transient", detail ? detail : "-");
	else if (verdict != EV_VERDICT_VALID &&
		 verdict != EV_VERDICT_PHASE_FAILED)
		rc = ae_fail(err, AE_EVERIFY, "bundle invalid (%s): %s",
			     cls ? cls : "unknown", detail ? detail : "-");
	else if (iss == NULL || id == NULL || strcmp(iss, item->issuer) != 0 ||
		 strcmp(id, item->identity) != 0)
		rc = ae_fail(err, AE_EVERIFY,
			     "the verified signer is not the claimed signer");
	json_decref(root);
	return rc;
}

int check_verify_item(const ld_contract_item *item, void *ctx, ae_err *err)
{
	check_verifier *v = ctx;
	ev_verify_opts vo = EV_VERIFY_OPTS_INIT;
	ev_pointer_claim claim;
	ev_verdict *vd = NULL;
	cmd_fetched x;
	int rc;

	rc = verify_fetch(&x, v, item, err);
	if (rc < 0)
		return rc;
	memset(&claim, 0, sizeof(claim));
	claim.path = item->path;
	claim.recipe = item->recipe;
	claim.oci = item->oci;
	claim.digest = item->digest;
	claim.predicate_type = item->predicate_type;
	claim.has_signer = true;
	claim.signer_issuer = item->issuer;
	claim.signer_identity = item->identity;
	claim.has_rekor_index = item->rekor_index >= 0;
	claim.rekor_index = item->rekor_index;
	claim.profile = item->profile;
	claim.attested_at = item->attested_at;
	vo.dir = x.root;
	vo.input_kind = EV_INPUT_POINTER;
	vo.pointer = &claim;
	vo.trusted_root = v->trusted_root;
	vo.trusted_root_json = v->root_json;
	vo.trusted_root_json_len = v->root_json_len;
	/* oci_pull checked every byte against the pointer's digest: the
	 * signed statement's subject must name it. */
	vo.artifact_digest = x.digest;
	/* the claimed signer picks among the artifact's signatures */
	rc = cmd_fetch_verify(&vd, &x, &vo, err);
	if (rc == 0)
		rc = verify_verdict(vd, item, err);
	ev_verdict_free(vd);
	cmd_fetched_remove(&x);
	return rc;
}
