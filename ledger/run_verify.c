/* ledger/run_verify.c -- `ledger --verify`: fetch each bundle by digest,
 * verify it, compare the signer with the claim; concurrent, cached by
 * digest
 *
 * The run's ld_verifier (ledger/verify.c: one trust set, one cache, one
 * scratch) and its worker pool (ld_each, o->jobs threads) do the work: a
 * pointer's claim goes through ld_verifier_check -- the bundle pulled by
 * the pointer's digest, the claimed signer choosing among the artifact's
 * signatures, the verified signer compared with the claim -- and on a
 * valid verdict the claimed signer votes; the bundle, while on disk, gives
 * the CTRF of every phase and, with the verdict, what issue 22 reads
 * beyond the CTRF (ld__item_facts, ledger/run_facts.c). An ingested bundle
 * has no claim: its signer is whoever signed it, classified against the
 * allowlist, and where the artifact has several signatures the allowlist's
 * first-party identities choose among them. Only then, among the verified
 * items, one bundle is one vote (ledger_dedup): a claim never removes a
 * verified vote, and a re-signature of a bundle already counted for
 * another signer is shown, not counted.
 */
#include "ledger/run.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct verify_pool {
	ld_ledger *items;
	const al_list *al;
	ld_verifier *v; /* the run's */
} verify_pool;

/* Reads ctrf/<phase>.json of every phase from the verified bundle `x`
 * into the item's checks. A missing phase is fine; a report that does not
 * parse makes the item unverifiable (its results cannot be read). */
static int item_read_ctrf(ld__item *it, const ld_fetched *x, ae_err *err)
{
	size_t total = 0, k = 0;

	for (int p = 0; p < LD_PHASE_COUNT; p++) {
		char name[4400];
		ae_buf b = AE_BUF_INIT(LD_CTRF_MAX_BYTES);
		ae_err e = {0};
		int rc;
		snprintf(name, sizeof(name), "ctrf/%s.json", ld_phase_name(p));
		rc = ld_fetched_read(&b, x, name, LD_CTRF_MAX_BYTES, &e);
		if (rc == AE_ENOTFOUND)
			continue;
		if (rc == 0)
			rc = ld_ctrf_parse(&it->ctrf[p], ld_phase_name(p),
					   b.data, b.len, &e);
		ae_buf_dispose(&b);
		if (rc == AE_ERR)
			return ae_fail(err, rc, "%s", e.msg);
		if (rc < 0) {
			ld__item_void(it, "ctrf/%s.json: %s", ld_phase_name(p),
				      e.msg);
			return 0;
		}
		ld_ctrf_checks(it->ctrf[p], &k);
		total += k;
	}
	it->checks = calloc(total ? total : 1, sizeof(*it->checks));
	if (it->checks == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (int p = 0; p < LD_PHASE_COUNT; p++) {
		const ld_check_input *c = ld_ctrf_checks(it->ctrf[p], &k);
		for (size_t j = 0; j < k; j++)
			it->checks[it->n_checks++] = c[j];
	}
	return 0;
}

/* An ingested bundle's voter: the certificate's signer, classified. */
static int item_take_signer(ld__item *it, const al_list *al, const char *iss,
			    const char *id, ae_err *err)
{
	const char *label = NULL;
	ae_err e = {0};

	it->v_issuer = strdup(iss);
	it->v_identity = strdup(id);
	if (it->v_issuer == NULL || it->v_identity == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	if (ld_slug_from_signer(it->slug, iss, id, &e) < 0) {
		ld__item_void(it, "verified signer: %s", e.msg);
		return 0;
	}
	it->cls = ld__classify(al, iss, id, &label);
	if (label != NULL && (it->label = strdup(label)) == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	it->vote = LD_VOTE_VERIFIED;
	return 0;
}

/* A verified bundle, while it is on disk: the facts issue 22 reads, then
 * the CTRF of every phase. */
static int item_read_bundle(ld__item *it, const ev_verdict *vd,
			    const ld_fetched *x, ae_err *err)
{
	int rc;

	(void)ev_verdict_signed_at(vd, &it->signed_at);
	rc = ld__item_facts(it, vd, x, err);

	if (rc == 0 && it->vote == LD_VOTE_VERIFIED)
		rc = item_read_ctrf(it, x, err);
	return rc;
}

/* ld_verified_fn of a pointer's check: the claimed signer, now verified,
 * votes. */
static int item_verified(const ld_fetched *x, const ev_verdict *vd, void *ctx,
			 ae_err *err)
{
	ld__item *it = ctx;

	it->vote = LD_VOTE_VERIFIED;
	it->v_issuer = strdup(ev_verdict_signer_issuer(vd));
	it->v_identity = strdup(ev_verdict_signer_identity(vd));
	if (it->v_issuer == NULL || it->v_identity == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	return item_read_bundle(it, vd, x, err);
}

/* What a check decided for the item, when it is not a vote. */
static void item_take_verdict(ld__item *it, const ld_verdict *vd)
{
	if (vd->fetch_rc != 0) {
		it->transient = vd->fetch_rc == AE_ETRANSIENT;
		ld__item_void(it, "bundle fetch: %s", vd->fetch_error);
	} else if (vd->status != 0) {
		it->transient = vd->status == AE_ETRANSIENT;
		ld__item_void(it, "%s", vd->cause.msg);
	}
}

/* Verifies an ingested bundle. Where the artifact carries several
 * signatures, each first-party identity of the allowlist in turn picks
 * one (ld_verifier_verify takes the first that verifies for it), so a
 * signature someone else attached cannot stand in for the first-party
 * one; then, or with one signature, any signer. */
static int ingest_verify(ev_verdict **out, ld_verifier *v, ld_fetched *x,
			 ev_verify_opts *vo, const al_list *al, ae_err *err)
{
	size_t n = al ? al_list_count(al) : 0;
	int rc;

	*out = NULL;
	for (size_t i = 0;
	     ld_referrers_candidates(x->res.referrers) > 1 && i < n; i++) {
		const al_entry *e = al_list_entry(al, i);
		if (e->cls != AL_CLASS_FIRST_PARTY)
			continue;
		vo->expected_issuer = e->issuer;
		vo->expected_identity_re = e->identity_pattern;
		rc = ld_verifier_verify(out, v, x, vo, err);
		if (rc < 0)
			return rc;
		if (ev_verdict_exit(*out) <= EV_VERDICT_PHASE_FAILED)
			return 0;
		ev_verdict_free(*out);
		*out = NULL;
	}
	vo->expected_issuer = NULL;
	vo->expected_identity_re = NULL;
	return ld_verifier_verify(out, v, x, vo, err);
}

/* An ingested bundle has no claim: verified against nothing but the
 * trusted root, its signer is whoever signed it (reference §9.3 for the
 * verdict's words). */
static int item_ingest(verify_pool *pool, ld__item *it, ae_err *err)
{
	ev_verify_opts vo = EV_VERIFY_OPTS_INIT;
	ev_verdict *v = NULL;
	ld_verdict vd;
	ld_fetched x;
	oci_ref ref;
	ae_err e = {0};
	const char *iss, *id, *cls, *detail;
	int rc, verdict;

	/* the reference's own digest is the one pulled */
	if (oci_ref_parse(&ref, it->ref ? it->ref : "", &e) < 0) {
		ld__item_void(it, "bundle fetch: %s", e.msg);
		return 0;
	}
	if (!ld_verifier_fetch(&vd, &x, pool->v, it->ref, ref.digest)) {
		item_take_verdict(it, &vd);
		return 0;
	}
	vo.input_kind = EV_INPUT_OCI;
	rc = ingest_verify(&v, pool->v, &x, &vo, pool->al, err);
	if (rc == 0) {
		iss = ev_verdict_signer_issuer(v);
		id = ev_verdict_signer_identity(v);
		cls = ev_verdict_cause_class(v);
		detail = ev_verdict_cause_detail(v);
		verdict = ev_verdict_exit(v);
		if (verdict == EV_VERDICT_NONE) {
			it->transient = true;
			ld__item_void(it, "no verdict (%s): %s",
				      cls ? cls : "transient",
				      detail ? detail
					     : "verification did not complete");
		} else if (verdict != EV_VERDICT_VALID &&
			   verdict != EV_VERDICT_PHASE_FAILED) {
			ld__item_void(it, "bundle invalid (%s): %s",
				      cls ? cls : "unknown",
				      detail ? detail : "-");
		} else if (iss == NULL || id == NULL) {
			ld__item_void(it, "the bundle is not signed");
		} else {
			rc = item_take_signer(it, pool->al, iss, id, err);
		}
	}
	if (rc == 0 && it->vote == LD_VOTE_VERIFIED)
		rc = item_read_bundle(it, v, &x, err);
	ev_verdict_free(v);
	ld_fetched_remove(&x);
	return rc;
}

/* Pulls, verifies and reads one item. Findings go into the item; only
 * what decided nothing comes back as an error. */
static int item_verify(verify_pool *pool, ld__item *it, ae_err *err)
{
	ev_pointer_claim claim;
	ld_verdict vd;
	int rc;

	if (it->vote != LD_VOTE_CLAIMED)
		return 0;
	if (it->origin == LD_ORIGIN_INGEST)
		return item_ingest(pool, it, err);
	/* SPEC §5 rule 4: the certificate's issuer and identity must equal
	 * the claim, the Rekor index must match, the predicate recipe must
	 * be the pointer's */
	ld_pointer_claim(&claim, it->ptr, it->path);
	claim.has_signer = true;
	rc = ld_verifier_check(&vd, pool->v, &claim, item_verified, it, err);
	if (rc == 0)
		item_take_verdict(it, &vd);
	return rc;
}

static void verify_one(size_t i, void *ctx)
{
	verify_pool *pool = ctx;
	ae_err err = {0};

	if (item_verify(pool, &pool->items->v[i], &err) < 0)
		ld__item_void(&pool->items->v[i], "%s", err.msg);
}

/* ---- one bundle, one vote (after verification only) ---- */

/* The bundle digest an item names: the pointer's, or the ingested
 * reference's (built with '@' by ledger/run_ingest.c). */
static const char *item_digest(const ld__item *it)
{
	const char *at;

	if (it->ptr != NULL)
		return ld_pointer_bundle_digest(it->ptr);
	at = it->ref ? strchr(it->ref, '@') : NULL;
	return at ? at + 1 : NULL;
}

/* What the item's verified signature proves, as ld_credit_cmp orders
 * it: never the pointer's claims (its rekorLogIndex is optional, and an
 * index means nothing outside its own log). */
static void item_credit_key(ld_credit_key *k, const ld__item *it)
{
	memset(k, 0, sizeof(*k));
	k->first_party = it->cls == LD_CLASS_FIRST_PARTY;
	/* as the model's why (ledger/corroborate.c run_why): unlisted, or
	 * ingested and not first-party, never votes */
	k->may_vote = it->cls != LD_CLASS_REPORTED &&
		      (it->origin != LD_ORIGIN_INGEST || k->first_party);
	k->time = it->signed_at.time;
	k->logged = it->signed_at.logged;
	memcpy(k->log_id, it->signed_at.log_id, sizeof(k->log_id));
	k->log_index = it->signed_at.log_index;
	k->origin = it->origin;
	k->slug = it->slug;
}

/* Per digest, the item credited with it first (ld_credit_cmp), then the
 * ledger's order (a total order). */
static int dedup_cmp(const void *pa, const void *pb)
{
	const ld__item *a = *(ld__item *const *)pa, *b = *(ld__item *const *)pb;
	ld_credit_key ka, kb;
	int c = strcmp(item_digest(a), item_digest(b));

	if (c != 0)
		return c;
	item_credit_key(&ka, a);
	item_credit_key(&kb, b);
	c = ld_credit_cmp(&ka, &kb);
	if (c != 0)
		return c;
	return a < b ? -1 : a > b;
}

/* Within one digest's items, by signer (slug), then in credit order. */
static int slug_cmp(const void *pa, const void *pb)
{
	const ld__item *a = *(ld__item *const *)pa, *b = *(ld__item *const *)pb;
	int c = strcmp(a->slug, b->slug);

	return c != 0 ? c : dedup_cmp(pa, pb);
}

/* One bundle is one vote, decided among the VERIFIED items only (a claim
 * or an unverifiable pointer never removes one): of the signers verified
 * on it, the first in credit order keeps it; every other signer's first
 * item is `resigned`, shown, never counted; and a signer holding it twice
 * (its pointer and the same bundle ingested, two pointers) keeps one item,
 * the others are dropped (`dup`) -- whether or not that signer is the one
 * credited (review finding 12: a signer's two items were both listed when
 * another signer was credited). */
static int ledger_dedup(ld_ledger *items, ae_err *err)
{
	ld__item **v = calloc(items->n ? items->n : 1, sizeof(*v));
	size_t n = 0;

	if (v == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t i = 0; i < items->n; i++) {
		ld__item *it = &items->v[i];
		if (it->vote == LD_VOTE_VERIFIED && item_digest(it) != NULL)
			v[n++] = it;
	}
	qsort(v, n, sizeof(*v), dedup_cmp);
	for (size_t head = 0, end; head < n; head = end) {
		const ld__item *credited = v[head];
		const char *d = item_digest(credited);

		end = head + 1;
		while (end < n && strcmp(item_digest(v[end]), d) == 0)
			end++;
		qsort(v + head, end - head, sizeof(*v), slug_cmp);
		for (size_t k = head; k < end; k++) {
			if (k > head && strcmp(v[k]->slug, v[k - 1]->slug) == 0)
				v[k]->dup = true;
			else if (v[k] != credited)
				v[k]->resigned = true;
		}
	}
	free(v);
	return 0;
}

/* "<what> (sha256:<hex>)": the trusted root the bundles are verified
 * with, for the report's provenance. */
static void trust_desc(char *out, size_t outsz, const char *trusted_root,
		       const unsigned char *root_json, size_t root_json_len,
		       const char *root_from)
{
	const unsigned char *doc = NULL;
	unsigned char d[AE_SHA256_LEN];
	char hex[AE_SHA256_HEX_LEN + 1];
	ae_buf b = AE_BUF_INIT(EV_TRUSTED_ROOT_MAX_BYTES);
	ae_err e = {0};
	size_t len = 0;

	if (trusted_root != NULL) {
		if (ae_read_file(&b, AT_FDCWD, trusted_root,
				 EV_TRUSTED_ROOT_MAX_BYTES, &e) < 0) {
			snprintf(out, outsz, "%s", trusted_root);
			return;
		}
		ae_sha256(d, b.data, b.len);
		ae_buf_dispose(&b);
		ae_hex_encode(hex, d, sizeof(d));
		snprintf(out, outsz, "%s (sha256:%s)", trusted_root, hex);
		return;
	}
	doc = root_json ? root_json : ev_trust_public_good_json(&len);
	ae_sha256(d, doc, root_json ? root_json_len : len);
	ae_hex_encode(hex, d, sizeof(d));
	if (root_json != NULL)
		snprintf(out, outsz, "TUF cache %s (sha256:%s)",
			 root_from ? root_from : "", hex);
	else
		snprintf(out, outsz, "embedded public-good root (sha256:%s)",
			 hex);
}

int ld_ledger_verify(ld_ledger *items, const unsigned char *root_json,
		     size_t root_json_len, const char *root_from, ae_err *err)
{
	const ld_ledger_opts *o = items->o;
	ld_verifier_opts vo = o->vo;
	verify_pool pool;
	int rc;

	vo.what = "ledger";
	if (vo.trusted_root == NULL) {
		vo.root_json = root_json;
		vo.root_json_len = root_json_len;
	}
	trust_desc(items->trust, sizeof(items->trust), vo.trusted_root,
		   vo.root_json, vo.root_json_len, root_from);
	memset(&pool, 0, sizeof(pool));
	pool.items = items;
	pool.al = items->al;
	rc = ld_verifier_new(&pool.v, &vo, err);
	if (rc == 0)
		ld_each_progress(items->n, o->jobs, verify_one, &pool,
				 o->progress, o->progress_ctx);
	for (size_t i = 0; rc == 0 && i < items->n; i++)
		items->transient |= items->v[i].transient;
	if (rc == 0)
		rc = ledger_dedup(items, err);
	ld_verifier_free(pool.v);
	return rc;
}
