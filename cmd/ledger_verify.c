/* cmd/ledger_verify.c -- `ledger --verify`: fetch each bundle by digest,
 * verify it, compare the signer with the claim; concurrent, cached by
 * digest
 *
 * The wiring issue 17 moves into ledger/verify.c, kept apart here: a pool
 * of o->jobs threads takes the items in order; each pulls its bundle
 * (cmd_fetch: the pointer's bundle.oci at its digest, or the ingested
 * reference), verifies it (ev_evidence_verify through cmd_fetch_verify, the
 * claimed signer choosing among the artifact's signatures), and on a
 * valid verdict takes the certificate's signer as the voter -- it must
 * equal the pointer's claim -- reads the CTRF of every phase, and hands
 * the verdict and the bundle to ledger_item_facts (cmd/ledger_facts.c) for
 * what issue 22 reads beyond the CTRF. An ingested bundle has no claim:
 * its signer is whoever signed it, classified against the allowlist, and
 * where the artifact has several signatures the allowlist's first-party
 * identities choose among them.
 */
#include "cmd/ledger.h"

#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct verify_pool {
	ledger_items *items;
	const ledger_verify_opts *o;
	const al_list *al;
	cmd_fetcher fetch; /* cache, --offline, scratch for pulled bundles */
	size_t next;
	pthread_mutex_t mu;
} verify_pool;

static const char *str_or(const char *s)
{
	return s ? s : "";
}

/* Reads ctrf/<phase>.json of every phase from the verified bundle `dir`
 * into the item's checks. A missing phase is fine; a report that does not
 * parse makes the item unverifiable (its results cannot be read). */
static int item_read_ctrf(ledger_item *it, const char *dir, ae_err *err)
{
	size_t total = 0, k = 0;

	for (int p = 0; p < LD_PHASE_COUNT; p++) {
		char name[4400];
		ae_buf b = AE_BUF_INIT(LD_CTRF_MAX_BYTES);
		ae_err e = {0};
		int rc;
		snprintf(name, sizeof(name), "%s/ctrf/%s.json", dir,
			 ld_phase_name(p));
		rc = ae_read_file(&b, AT_FDCWD, name, LD_CTRF_MAX_BYTES, &e);
		if (rc == AE_ENOTFOUND)
			continue;
		if (rc == 0)
			rc = ld_ctrf_parse(&it->ctrf[p], ld_phase_name(p),
					   b.data, b.len, &e);
		ae_buf_dispose(&b);
		if (rc == AE_ERR)
			return ae_fail(err, rc, "%s", e.msg);
		if (rc < 0) {
			ledger_item_void(it, "ctrf/%s.json: %s",
					 ld_phase_name(p), e.msg);
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

/* Borrowed string at root[k1][k2], or NULL. */
static const char *json_str2(json_t *root, const char *k1, const char *k2)
{
	return json_string_value(
		json_object_get(json_object_get(root, k1), k2));
}

/* An ingested bundle's voter: the certificate's signer, classified. */
static int item_take_signer(ledger_item *it, const al_list *al, const char *iss,
			    const char *id, ae_err *err)
{
	const char *label = NULL;
	ae_err e = {0};

	it->v_issuer = strdup(iss);
	it->v_identity = strdup(id);
	if (it->v_issuer == NULL || it->v_identity == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	if (ld_slug_from_signer(it->slug, iss, id, &e) < 0) {
		ledger_item_void(it, "verified signer: %s", e.msg);
		return 0;
	}
	it->cls = ledger_classify(al, iss, id, &label);
	if (label != NULL && (it->label = strdup(label)) == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	it->vote = LD_VOTE_VERIFIED;
	return 0;
}

/* Reads the verdict's report (reference §9.3): on a valid verdict the
 * verified signer becomes the item's voter (it must be the claimed one:
 * ev_evidence_verify cross-checks, and this checks again, because the vote
 * is what this command is for); otherwise failureCause is the reason. An
 * ingested bundle has no claim: its signer is taken as verified. */
static int item_take_verdict(ledger_item *it, const al_list *al,
			     const ev_verdict *v, const char *dir, ae_err *err)
{
	ae_buf j = AE_BUF_INIT(64u << 20);
	json_t *root = NULL;
	const char *iss, *id, *cls, *detail;
	int rc, verdict = ev_verdict_exit(v);

	rc = ev_verdict_json(&j, v, err);
	if (rc == 0)
		rc = ae_json_parse((void **)&root, j.data, j.len, err);
	ae_buf_dispose(&j);
	if (rc < 0)
		return rc;
	iss = json_str2(root, "signer", "issuer");
	id = json_str2(root, "signer", "identity");
	cls = json_str2(root, "failureCause", "class");
	detail = json_str2(root, "failureCause", "detail");
	if (verdict == EV_VERDICT_NONE) {
		it->transient = true;
		ledger_item_void(
			it, "no verdict (%s): %s", cls ? cls : "transient",
			detail ? detail : "verification did not complete");
	} else if (verdict != EV_VERDICT_VALID &&
		   verdict != EV_VERDICT_PHASE_FAILED) {
		ledger_item_void(it, "bundle invalid (%s): %s",
				 cls ? cls : "unknown", detail ? detail : "-");
	} else if (iss == NULL || id == NULL) {
		ledger_item_void(it, "the bundle is not signed");
	} else if (it->origin == LD_ORIGIN_INGEST) {
		rc = item_take_signer(it, al, iss, id, err);
	} else if (strcmp(iss, str_or(ld_pointer_signer_issuer(it->ptr))) ||
		   strcmp(id, str_or(ld_pointer_signer_identity(it->ptr)))) {
		ledger_item_void(it, "verified signer differs from the claim");
	} else {
		it->vote = LD_VOTE_VERIFIED;
		it->v_issuer = strdup(iss);
		it->v_identity = strdup(id);
		if (it->v_issuer == NULL || it->v_identity == NULL)
			rc = ae_fail(err, AE_ERR, "out of memory");
	}
	if (rc == 0 && it->vote == LD_VOTE_VERIFIED)
		rc = ledger_item_facts(it, v, root, dir, err);
	json_decref(root);
	return rc;
}

/* Verifies an ingested bundle. Where the artifact carries several
 * signatures, each first-party identity of the allowlist in turn picks
 * one (cmd_fetch_verify takes the first that verifies for it), so a
 * signature someone else attached cannot stand in for the first-party
 * one; then, or with one signature, any signer. */
static int ingest_verify(ev_verdict **out, cmd_fetched *x, ev_verify_opts *vo,
			 const al_list *al, ae_err *err)
{
	size_t n = al ? al_list_count(al) : 0;
	int rc;

	*out = NULL;
	for (size_t i = 0;
	     cmd_referrers_candidates(x->res.referrers) > 1 && i < n; i++) {
		const al_entry *e = al_list_entry(al, i);
		if (e->cls != AL_CLASS_FIRST_PARTY)
			continue;
		vo->expected_issuer = e->issuer;
		vo->expected_identity_re = e->identity_pattern;
		rc = cmd_fetch_verify(out, x, vo, err);
		if (rc < 0)
			return rc;
		if (ev_verdict_exit(*out) <= EV_VERDICT_PHASE_FAILED)
			return 0;
		ev_verdict_free(*out);
		*out = NULL;
	}
	vo->expected_issuer = NULL;
	vo->expected_identity_re = NULL;
	return cmd_fetch_verify(out, x, vo, err);
}

/* Verifies the pulled bundle: against the pointer's claim (SPEC §5 rule
 * 4: the certificate's issuer and identity must equal the claim, the
 * Rekor index must match, the predicate recipe must be the pointer's), or
 * for an ingested bundle against nothing but the trusted root. */
static int item_check_bundle(ledger_item *it, cmd_fetched *x,
			     const verify_pool *pool, ae_err *err)
{
	ev_verify_opts vo = EV_VERIFY_OPTS_INIT;
	ev_pointer_claim claim;
	ev_verdict *v = NULL;
	int rc;

	vo.dir = x->root;
	vo.trusted_root = pool->o->trusted_root;
	vo.trusted_root_json = pool->o->root_json;
	vo.trusted_root_json_len = pool->o->root_json_len;
	/* The digest is the artifact oci_pull just checked every byte of:
	 * the signed statement's subject must name it. */
	vo.artifact_digest = x->digest;
	if (it->origin == LD_ORIGIN_INGEST) {
		vo.input_kind = EV_INPUT_OCI;
		rc = ingest_verify(&v, x, &vo, pool->al, err);
	} else {
		cmd_pointer_claim(&claim, it->ptr, it->path);
		claim.has_signer = true;
		vo.input_kind = EV_INPUT_POINTER;
		vo.pointer = &claim;
		/* the claimed signer picks among the artifact's signatures */
		rc = cmd_fetch_verify(&v, x, &vo, err);
	}
	if (rc == 0)
		rc = item_take_verdict(it, pool->al, v, x->root, err);
	ev_verdict_free(v);
	return rc;
}

/* Pulls, verifies and reads one item. Findings go into the item; only
 * out-of-memory comes back as an error. */
static int item_verify(verify_pool *pool, ledger_item *it, ae_err *err)
{
	cmd_fetched x;
	oci_ref ref;
	ae_err e = {0};
	const char *where = it->origin == LD_ORIGIN_INGEST
				    ? it->ref
				    : ld_pointer_bundle_oci(it->ptr);
	int rc;

	if (it->vote != LD_VOTE_CLAIMED)
		return 0;
	rc = oci_ref_parse(&ref, str_or(where), &e);
	if (rc == 0)
		rc = cmd_fetch(
			&x, &pool->fetch, &ref,
			it->origin == LD_ORIGIN_INGEST
				? ref.digest
				: str_or(ld_pointer_bundle_digest(it->ptr)),
			&e);
	if (rc == AE_ERR)
		return ae_fail(err, rc, "%s", e.msg);
	if (rc < 0) {
		it->transient = rc == AE_ETRANSIENT;
		ledger_item_void(it, "bundle fetch: %s", e.msg);
		return 0;
	}
	rc = item_check_bundle(it, &x, pool, err);
	if (rc == 0 && it->vote == LD_VOTE_VERIFIED)
		rc = item_read_ctrf(it, x.root, err);
	cmd_fetched_remove(&x);
	return rc;
}

static void *verify_worker(void *arg)
{
	verify_pool *pool = arg;
	ae_err err = {0};

	for (;;) {
		size_t i;
		pthread_mutex_lock(&pool->mu);
		i = pool->next++;
		pthread_mutex_unlock(&pool->mu);
		if (i >= pool->items->n)
			break;
		if (item_verify(pool, &pool->items->v[i], &err) < 0)
			ledger_item_void(&pool->items->v[i], "%s", err.msg);
	}
	return NULL;
}

/* "<what> (sha256:<hex>)": the trusted root the bundles are verified
 * with, for the report's provenance. */
static void trust_desc(char *out, size_t outsz, const ledger_verify_opts *o,
		       const cmd_trust_set *t)
{
	const unsigned char *doc = NULL;
	unsigned char d[AE_SHA256_LEN];
	char hex[AE_SHA256_HEX_LEN + 1];
	ae_buf b = AE_BUF_INIT(EV_TRUSTED_ROOT_MAX_BYTES);
	ae_err e = {0};
	size_t len = 0;

	if (o->trusted_root != NULL) {
		if (ae_read_file(&b, AT_FDCWD, o->trusted_root,
				 EV_TRUSTED_ROOT_MAX_BYTES, &e) < 0) {
			snprintf(out, outsz, "%s", o->trusted_root);
			return;
		}
		ae_sha256(d, b.data, b.len);
		ae_buf_dispose(&b);
		ae_hex_encode(hex, d, sizeof(d));
		snprintf(out, outsz, "%s (sha256:%s)", o->trusted_root, hex);
		return;
	}
	doc = o->root_json ? o->root_json : ev_trust_public_good_json(&len);
	ae_sha256(d, doc, o->root_json ? o->root_json_len : len);
	ae_hex_encode(hex, d, sizeof(d));
	if (o->root_json != NULL)
		snprintf(out, outsz, "TUF cache %s (sha256:%s)", t->cache_dir,
			 hex);
	else
		snprintf(out, outsz, "embedded public-good root (sha256:%s)",
			 hex);
}

int ledger_items_verify(ledger_items *items, const al_list *al,
			const ledger_verify_opts *opts, ae_err *err)
{
	ledger_verify_opts vopts = *opts, *o = &vopts;
	cmd_trust_set trust;
	verify_pool pool;
	pthread_t th[64];
	unsigned n = o->jobs, started = 0;
	char *password = NULL;
	int rc;

	memset(&trust, 0, sizeof(trust));
	/* no --trusted-root: the TUF-cached root when in force, refreshed
	 * first when older than a day unless --offline (docs/trust.md) */
	if (o->trusted_root == NULL) {
		rc = cmd_trust_in_force(&trust, o->cache,
					o->offline ? CMD_TRUST_REFRESH_NEVER
						   : CMD_TRUST_REFRESH_STALE,
					err);
		if (rc < 0)
			return rc;
		o->root_json =
			cmd_trust_root_override(&trust, &o->root_json_len);
	}
	trust_desc(items->trust, sizeof(items->trust), o, &trust);
	memset(&pool, 0, sizeof(pool));
	pool.items = items;
	pool.o = o;
	pool.al = al;
	pthread_mutex_init(&pool.mu, NULL);
	rc = cmd_fetcher_init(&pool.fetch, o->cache, o->offline, "ledger", err);
	if (rc < 0) {
		cmd_trust_dispose(&trust);
		pthread_mutex_destroy(&pool.mu);
		return rc;
	}
	rc = cmd_registry_opts(&pool.fetch.co, &password, &o->reg, false, err);
	pool.fetch.co.progress = NULL; /* worker threads: no shared bar */
	if (rc < 0) {
		cmd_fetcher_dispose(&pool.fetch);
		cmd_trust_dispose(&trust);
		pthread_mutex_destroy(&pool.mu);
		return rc;
	}
	if (n > items->n)
		n = items->n ? (unsigned)items->n : 1;
	for (; started < n; started++) {
		if (pthread_create(&th[started], NULL, verify_worker, &pool))
			break;
	}
	if (started == 0)
		verify_worker(&pool);
	for (unsigned i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	for (size_t i = 0; i < items->n; i++)
		items->transient |= items->v[i].transient;
	cmd_fetcher_dispose(&pool.fetch);
	cmd_password_free(password);
	cmd_trust_dispose(&trust);
	pthread_mutex_destroy(&pool.mu);
	return 0;
}
