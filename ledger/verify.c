/* ledger/verify.c -- the verifier of a run: a pointer's claim to a verdict
 *
 * `check --verify-signatures` (rule 4), `ledger --verify` and their worker
 * threads share one ld_verifier per run: the fetcher (cache, --offline,
 * registry options, scratch), and the trust set, read and parsed once on
 * the first check and shared by every later one (ev_trust is safe to read
 * from several threads: its lazily decoded keys and chains are published
 * atomically, evidence/sigstore/root.c). A check pulls the bundle by the
 * pointer's digest (ld_fetch: oci_pull rejects other bytes), lets the
 * claimed signer pick among the artifact's signatures (ld_referrers_choose
 * running ev_evidence_verify with the pointer as the claim), and reads the
 * verdict through ev_verdict's typed accessors: valid (a phase's failures
 * do not matter here: the contract is about who signed, not what passed)
 * with the claimed signer verified, or a finding with the verifier's own
 * reason. Nothing here prints.
 */
#include "ledger/internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ld_verifier {
	ld_fetcher fetch;
	uint64_t fetch_timeout_ms;
	ld_host_fn on_fetch; /* told each fetch's host (progress) */
	void *on_fetch_ctx;
	ev_verify_opts trust_from; /* trusted_root / trusted_root_json */
	pthread_mutex_t mu;	   /* guards the trust fields below */
	bool trust_tried;
	int trust_rc;
	ae_err trust_err;
	ev_trust *trust;
};

int ld_verifier_new(ld_verifier **out, const ld_verifier_opts *o, ae_err *err)
{
	ld_verifier *v = calloc(1, sizeof(*v));
	int rc;

	*out = NULL;
	if (v == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	rc = ld_fetcher_init(&v->fetch, o->cache, o->offline,
			     o->what ? o->what : "verify", err);
	if (rc < 0) {
		free(v);
		return rc;
	}
	v->fetch.co = o->co;
	if (!o->progress)
		v->fetch.co.progress = NULL; /* worker threads: no shared bar */
	v->fetch_timeout_ms = o->fetch_timeout_ms;
	v->on_fetch = o->on_fetch;
	v->on_fetch_ctx = o->on_fetch_ctx;
	v->trust_from = (ev_verify_opts)EV_VERIFY_OPTS_INIT;
	v->trust_from.trusted_root = o->trusted_root;
	v->trust_from.trusted_root_json = o->root_json;
	v->trust_from.trusted_root_json_len = o->root_json_len;
	pthread_mutex_init(&v->mu, NULL);
	*out = v;
	return 0;
}

void ld_verifier_free(ld_verifier *v)
{
	if (v == NULL)
		return;
	ld_fetcher_dispose(&v->fetch);
	ev_trust_free(v->trust);
	pthread_mutex_destroy(&v->mu);
	free(v);
}

/* The run's trust set, built by the first check that needs it; a root
 * that cannot be read or parsed fails every check the same way, as it
 * did when each verification read it again (issue 17). */
static int verifier_trust(const ev_trust **out, ld_verifier *v, ae_err *err)
{
	int rc;

	pthread_mutex_lock(&v->mu);
	if (!v->trust_tried) {
		v->trust_tried = true;
		v->trust_rc = ev_verify_trust_new(&v->trust, &v->trust_from,
						  &v->trust_err);
	}
	rc = v->trust_rc;
	*out = v->trust;
	pthread_mutex_unlock(&v->mu);
	if (rc < 0)
		return ae_fail(err, rc, "%s", v->trust_err.msg);
	return 0;
}

/* True iff a fetch begun at `start` ran into a time limit: the pointer's
 * fetch timeout or the run's deadline. */
static bool fetch_late(const ld_verifier *v, int64_t start)
{
	return (v->fetch_timeout_ms != 0 &&
		ae_clock_ms() - start >= (int64_t)v->fetch_timeout_ms) ||
	       ae_deadline_left_ms(v->fetch.co.deadline) == 0;
}

/* Words an undecided fetch (ld_fetch_classify): its cause and the fix,
 * in flags `check` takes (it reads anonymously or with --docker-config:
 * the registry client's own advice on a login names flags it refuses). */
static void fetch_undecided(ld_verdict *out, const ld_verifier *v,
			    const oci_ref *ref, const ld_fetched *x, int rc,
			    const ae_err *e)
{
	ae_err *c = &out->cause;

	out->status = AE_EIO;
	if (rc == AE_EAUTH)
		ae_fail(c, AE_EIO,
			"registry %s refused access (%s): a ledger's bundles "
			"must be pullable anonymously, or give credentials "
			"with --docker-config FILE",
			ref->registry,
			strstr(e->msg, "--registry-username") != NULL
				? "it asks for credentials"
				: e->msg);
	/* the HTTP layer may name the fix itself */
	else if (x->http_status == 0 && strstr(e->msg, "--registry-") != NULL)
		ae_fail(c, AE_EIO, "cannot talk to registry %s: %s",
			ref->registry, e->msg);
	else if (x->http_status == 0 && rc != AE_EIO && rc != AE_ERR)
		ae_fail(c, AE_EIO,
			"cannot talk to registry %s: %s (a plain-HTTP "
			"loopback registry needs --registry-plain-http, a "
			"private CA --registry-ca-file FILE)",
			ref->registry, e->msg);
	/* A TLS server answers plain HTTP with 400 before any protocol. */
	else if (x->http_status == 400 && v->fetch.co.plain_http)
		ae_fail(c, AE_EIO,
			"bundle fetch from %s: %s (HTTP 400 to plain HTTP: the "
			"registry may speak TLS; drop --registry-plain-http)",
			ref->registry, e->msg);
	else
		ae_fail(c, AE_EIO, "bundle fetch from %s: %s", ref->registry,
			e->msg);
}

/* A fetch that did not give the bundle: what it means for the claim. */
static void fetch_failed(ld_verdict *out, int rc, const ae_err *e)
{
	out->fetch_rc = rc;
	snprintf(out->fetch_error, sizeof(out->fetch_error), "%s", e->msg);
}

/* Fetches the bundle within its time limits (issue 15 item 8). Only what
 * the registry said about the bundle is a finding (ld_fetch_classify): no
 * such artifact, other bytes, content it may not hold. A fault a retry may
 * cure stays transient; one it will not -- TLS failing or meeting plain
 * HTTP, a refused login, an unexpected status -- is AE_EIO with its cause
 * and fix: it says nothing about the pointer. False when *out is decided
 * (the bundle is not there). */
bool ld_verifier_fetch(ld_verdict *out, ld_fetched *x, ld_verifier *v,
		       const char *oci, const char *digest)
{
	int64_t start = ae_clock_ms();
	oci_ref ref;
	ae_err e = {0};
	char repr[AE_REPR_BUF];
	int rc;

	memset(out, 0, sizeof(*out));
	memset(x, 0, sizeof(*x));
	rc = oci_ref_parse(&ref, oci ? oci : "", &e);
	if (rc < 0) {
		fetch_failed(out, rc, &e);
		out->status = AE_EVERIFY;
		ae_fail(&out->cause, AE_EVERIFY,
			"bundle.oci %s is not a registry reference: %s",
			ae_repr(repr, sizeof(repr), oci ? oci : "",
				oci ? strlen(oci) : 0),
			e.msg);
		return false;
	}
	/* the run's deadline: past it, no pointer is even tried */
	if (ae_deadline_left_ms(v->fetch.co.deadline) == 0) {
		ae_fail(&e, AE_ETRANSIENT,
			"not fetched: the run's --deadline passed");
		fetch_failed(out, AE_ETRANSIENT, &e);
		out->status = AE_ETRANSIENT;
		out->cause = e;
		return false;
	}
	if (v->on_fetch != NULL)
		v->on_fetch(v->on_fetch_ctx, ref.registry);
	rc = ld_fetch_within(x, &v->fetch, &ref, digest,
			     ae_deadline_in(v->fetch_timeout_ms), &e);
	if (rc == 0)
		return true;
	fetch_failed(out, rc, &e);
	out->fetch_http_status = x->http_status;
	out->fetch_cache_fault = x->res.cache_fault;
	if (rc == AE_ETRANSIENT && fetch_late(v, start)) {
		out->status = AE_ETRANSIENT;
		ae_fail(&out->cause, rc,
			"bundle fetch gave up at its time limit "
			"(--fetch-timeout %llu s, --deadline): %s",
			(unsigned long long)v->fetch_timeout_ms / 1000, e.msg);
		return false;
	}
	/* the cache failed, not the registry: says nothing about the
	 * pointer (never a finding) and names the cache, never the
	 * registry (its message does: "cache DIR: ...") */
	if (x->res.cache_fault) {
		out->status = AE_EIO;
		ae_fail(&out->cause, AE_EIO,
			"%s (a fault of the local cache, not of registry %s: "
			"repair or remove that entry, or give another "
			"--cache DIR)",
			e.msg, ref.registry);
		return false;
	}
	switch (ld_fetch_classify(rc, x->http_status)) {
	case LD_FETCH_FINDING:
		out->status = AE_EVERIFY;
		ae_fail(&out->cause, AE_EVERIFY,
			"bundle %s cannot be fetched: %s",
			digest && *digest ? digest : ref.digest, e.msg);
		break;
	case LD_FETCH_TRANSIENT:
		out->status = AE_ETRANSIENT;
		ae_fail(&out->cause, AE_ETRANSIENT, "bundle fetch: %s", e.msg);
		break;
	default:
		fetch_undecided(out, v, &ref, x, rc, &e);
		break;
	}
	return false;
}

/* The verdict's failure, if any, into out: no verdict (transient) or a
 * bundle invalid, with the verifier's own reason. False when it passed. */
static bool verify_failed(ld_verdict *out, const ev_verdict *vd)
{
	const char *cls = ev_verdict_cause_class(vd);
	const char *detail = ev_verdict_cause_detail(vd);
	int verdict = ev_verdict_exit(vd);

	if (verdict == EV_VERDICT_NONE) {
		out->status = AE_ETRANSIENT;
		ae_fail(&out->cause, AE_ETRANSIENT, "no verdict (%s): %s",
			cls ? cls : "transient",
			detail ? detail : "verification did not complete");
		return true;
	}
	if (verdict != EV_VERDICT_VALID && verdict != EV_VERDICT_PHASE_FAILED) {
		out->status = AE_EVERIFY;
		ae_fail(&out->cause, AE_EVERIFY, "bundle invalid (%s): %s",
			cls ? cls : "unknown", detail ? detail : "-");
		return true;
	}
	return false;
}

/* Reads the verdict: valid with the claimed signer verified, or a finding
 * with the verifier's own reason. */
static void verify_read(ld_verdict *out, const ev_verdict *vd,
			const ev_pointer_claim *claim)
{
	const char *iss = ev_verdict_signer_issuer(vd);
	const char *id = ev_verdict_signer_identity(vd);

	if (verify_failed(out, vd))
		return;
	if (iss == NULL || id == NULL || claim->signer_issuer == NULL ||
	    claim->signer_identity == NULL ||
	    strcmp(iss, claim->signer_issuer) != 0 ||
	    strcmp(id, claim->signer_identity) != 0) {
		out->status = AE_EVERIFY;
		ae_fail(&out->cause, AE_EVERIFY,
			"the verified signer is not the claimed signer");
	} else {
		out->status = 0;
		out->issuer = claim->signer_issuer;
		out->identity = claim->signer_identity;
	}
}

int ld_verifier_verify(ev_verdict **out, ld_verifier *v, ld_fetched *x,
		       ev_verify_opts *vo, ae_err *err)
{
	int rc;

	*out = NULL;
	rc = verifier_trust(&vo->trust, v, err);
	if (rc < 0)
		return rc;
	vo->dir = x->tree ? NULL : x->root;
	vo->tree = x->tree; /* in memory: the bytes the pull verified */
	/* oci_pull checked every byte against the digest: the signed
	 * statement's subject must name it. */
	vo->artifact_digest = x->digest;
	return ld_fetch_verify(out, x, vo, err);
}

/* A bundle no pointer claims: what its verdict decides. */
static void verify_read_any(ld_verdict *out, const ev_verdict *vd)
{
	out->issuer = ev_verdict_signer_issuer(vd);
	out->identity = ev_verdict_signer_identity(vd);
	(void)verify_failed(out, vd);
}

/* The fetch failed: the verdict with the failure on its materialize step,
 * for a caller that prints it (the trust set is not built for it: a
 * verdict without a bundle needs none). */
static int verify_unfetched(ev_verdict **keep, const ld_verifier *v,
			    const ld_verdict *out, ev_verify_opts *vo,
			    ae_err *err)
{
	vo->trusted_root = v->trust_from.trusted_root;
	vo->trusted_root_json = v->trust_from.trusted_root_json;
	vo->trusted_root_json_len = v->trust_from.trusted_root_json_len;
	vo->fetch_rc = out->fetch_rc;
	vo->fetch_hint = ld_fetch_hint(out->fetch_rc, v->fetch.offline);
	vo->fetch_detail = out->fetch_error;
	vo->fetch_http_status = out->fetch_http_status;
	vo->fetch_cache_fault = out->fetch_cache_fault;
	if (out->fetch_cache_fault)
		vo->fetch_hint = "the local cache failed, not the registry: "
				 "repair or remove that entry, or give another "
				 "--cache DIR";
	return ev_evidence_verify(keep, vo, err);
}

int ld_verifier_run(ld_verdict *out, ld_verifier *v, const ld_check_req *req,
		    ae_err *err)
{
	ev_verify_opts dflt = EV_VERIFY_OPTS_INIT;
	ev_verify_opts *vo = req->vo ? req->vo : &dflt;
	const ev_pointer_claim *claim = req->claim;
	ev_verdict *vd = NULL;
	ld_fetched x;
	int rc;

	if (req->verdict != NULL)
		*req->verdict = NULL;
	vo->input_kind = claim ? EV_INPUT_POINTER : EV_INPUT_OCI;
	vo->pointer = claim;
	if (!ld_verifier_fetch(out, &x, v,
			       req->oci ? req->oci
			       : claim	? claim->oci
					: NULL,
			       req->digest ? req->digest
			       : claim	   ? claim->digest
					   : NULL))
		return req->verdict
			       ? verify_unfetched(req->verdict, v, out, vo, err)
			       : 0;
	/* the claimed signer (or vo's expectations) picks among the
	 * artifact's signatures */
	rc = ld_verifier_verify(&vd, v, &x, vo, err);
	if (rc == 0 && claim != NULL)
		verify_read(out, vd, claim);
	else if (rc == 0)
		verify_read_any(out, vd);
	if (rc == 0 && out->status == 0 && req->fn != NULL)
		rc = req->fn(&x, vd, req->ctx, err);
	if (rc == 0 && req->verdict != NULL) {
		*req->verdict = vd;
		vd = NULL;
	}
	ev_verdict_free(vd);
	ld_fetched_remove(&x);
	return rc;
}

int ld_verifier_check(ld_verdict *out, ld_verifier *v,
		      const ev_pointer_claim *claim, ld_verified_fn fn,
		      void *ctx, ae_err *err)
{
	ld_check_req req = {claim, NULL, NULL, NULL, fn, ctx, NULL};

	return ld_verifier_run(out, v, &req, err);
}

/* ---- rule 4 of the contract check ---- */

int ld_verifier_contract_fn(const ev_pointer_claim *claim, void *ctx,
			    ae_err *err)
{
	ld_verdict vd;
	int rc;

	rc = ld_verifier_check(&vd, ctx, claim, NULL, NULL, err);
	if (rc < 0)
		return rc;
	if (vd.status == 0)
		return 0;
	return ae_fail(err, vd.status, "%s", vd.cause.msg);
}
