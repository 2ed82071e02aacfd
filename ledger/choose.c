/* ledger/choose.c -- which of an artifact's signatures counts
 *
 * oci_pull considers every referrer of the artifact and keeps, as
 * candidates, the Sigstore bundles that name it (oci/referrers.c); it
 * writes the first as attestation.intoto.jsonl. When there are several --
 * the artifact re-signed, signed by several parties, or a signature
 * someone else pushed ahead of the publisher's (issue 23 item 5, issue 16
 * item 8) -- the signer the caller expects picks: each candidate in turn
 * is put in place and the whole verification runs (ev_evidence_verify with
 * the pointer's claim or the --expected-* flags), and the first valid
 * verdict wins. Without any expectation, the first candidate that
 * verifies at all. When none does, the first candidate's verdict is the
 * answer, as it was with one signature. The materialize step's detail
 * lists the others and what became of them. The ledger stands on both
 * oci/ and evidence/, so the choice lives here, below cmd/.
 */
#include "ledger/internal.h"

#include <stdio.h>

#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#define CHOOSE_SHOWN 4 /* other referrers named in a detail line */

/* Where the candidates go: a directory, or a tree in memory and the
 * summary root's prefix in it. */
typedef struct choose_place {
	const char *dir;
	ae_tree *tree;
} choose_place;

/* choose_put in memory: as ae_write_tree_file, replacing a file, never a
 * directory. */
static int choose_put_tree(const choose_place *pl, const oci_referrer *it,
			   ae_err *err)
{
	char path[64];
	unsigned char *copy;

	snprintf(path, sizeof(path), "%s" OCI_ATTESTATION_FILE, pl->dir);
	if (ae_tree_kind_of(pl->tree, path) == AE_TREE_DIR)
		return ae_fail(err, AE_EINVAL,
			       OCI_ATTESTATION_FILE
			       ": is a directory, not a cache entry");
	copy = malloc(it->bundle_len ? it->bundle_len : 1);
	if (copy == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	memcpy(copy, it->bundle, it->bundle_len);
	return ae_tree_add(pl->tree, path, copy, it->bundle_len, true, err);
}

/* Puts candidate `it` in place as `dir`/attestation.intoto.jsonl. */
static int choose_put(const choose_place *pl, const oci_referrer *it,
		      ae_err *err)
{
	int dfd;
	int rc;

	if (pl->tree != NULL)
		return choose_put_tree(pl, it, err);
	dfd = open(pl->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return ae_fail(err, AE_EIO, "cannot open the pulled bundle");
	rc = ae_write_tree_file(dfd, OCI_ATTESTATION_FILE, it->bundle,
				it->bundle_len, 0644, err);
	close(dfd);
	return rc;
}

size_t ld_referrers_candidates(const oci_referrers *r)
{
	size_t n = 0;

	for (size_t i = 0; r != NULL && i < r->n; i++)
		n += r->items[i].state == OCI_REFERRER_CANDIDATE;
	return n;
}

/* Appends printf-style text to out[outsz] if it fits. */
static void choose_cat(char *out, size_t outsz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void choose_cat(char *out, size_t outsz, const char *fmt, ...)
{
	size_t len = strlen(out);
	va_list ap;

	if (len + 1 >= outsz)
		return;
	va_start(ap, fmt);
	vsnprintf(out + len, outsz - len, fmt, ap);
	va_end(ap);
}

/* What became of candidate `i` when `chosen` is the one in place. */
static const char *choose_fate(size_t i, size_t chosen, bool none_verified)
{
	if (none_verified || i < chosen)
		return "signature: does not verify for the expected signer";
	return "signature: not needed";
}

void ld_referrers_describe(char *out, size_t outsz, const char *head,
			   const oci_referrers *r, size_t chosen,
			   bool none_verified)
{
	size_t shown = 0, hidden = 0, others = 0;

	if (r != NULL && chosen < r->n)
		snprintf(out, outsz, "%s (signature referrer %s", head,
			 r->items[chosen].desc.digest);
	else
		snprintf(out, outsz, "%s (no signature referrer", head);
	if (none_verified)
		choose_cat(out, outsz, ", the first of %zu; none verifies",
			   ld_referrers_candidates(r));
	for (size_t i = 0; r != NULL && i < r->n; i++) {
		const oci_referrer *it = &r->items[i];

		if (i == chosen)
			continue;
		if (it->state == OCI_REFERRER_OTHER) {
			others++;
		} else if (shown == CHOOSE_SHOWN) {
			hidden++;
		} else {
			choose_cat(
				out, outsz, "%s%.19s... (%s)",
				shown ? ", " : "; also ", it->desc.digest,
				it->state == OCI_REFERRER_CANDIDATE
					? choose_fate(i, chosen, none_verified)
					: it->why);
			shown++;
		}
	}
	if (hidden > 0)
		choose_cat(out, outsz, " and %zu more", hidden);
	if (others > 0)
		choose_cat(out, outsz, "; %zu referrer%s of other types",
			   others, others == 1 ? "" : "s");
	if (r != NULL && r->total > r->n)
		choose_cat(out, outsz, "; %zu more listed, not read",
			   r->total - r->n);
	if (r != NULL && r->truncated)
		choose_cat(out, outsz, "; the listing was cut at its bound");
	choose_cat(out, outsz, ")");
}

/* No candidate verifies but some were left undecided: the referrers'
 * time budget ran out (oci/referrers.c), or the listing was cut at its
 * read bound and a signature may lie past it. Not a verdict: "unsigned"
 * or "invalid" would be a guess. An unsigned verdict (no candidate at
 * all) counts as "none verifies" here. */
static int choose_undecided(ev_verdict **v, const oci_referrers *r, ae_err *err)
{
	size_t n = ld_referrers_candidates(r);
	int x = *v != NULL ? ev_verdict_exit(*v) : EV_VERDICT_VALID;
	bool decided = x == EV_VERDICT_VALID || x == EV_VERDICT_PHASE_FAILED;
	int rc = 0;

	if (*v == NULL || r == NULL || (n > 0 && decided))
		return 0;
	if (r->too_slow && !decided)
		rc = ae_fail(err, AE_ETRANSIENT,
			     "registry %s: referrers too slow: no signature "
			     "fetched in time verifies and others were not "
			     "fetched (transient: retry later, or raise "
			     "--timeout)",
			     r->registry[0] ? r->registry : "-");
	else
		rc = ld_referrers_cut(r, n > 0, err);
	if (rc < 0) {
		ev_verdict_free(*v);
		*v = NULL;
	}
	return rc;
}

int ld_referrers_cut(const oci_referrers *r, bool some, ae_err *err)
{
	if (r == NULL || !r->truncated)
		return 0;
	return ae_fail(err, AE_ETRANSIENT,
		       "registry %s: the referrers listing was truncated at "
		       "its bound (%u MiB, %d pages) and %s: a signature may "
		       "lie past the bound: whether the bundle is signed "
		       "cannot be told (no verdict)",
		       r->registry[0] ? r->registry : "-",
		       (unsigned)(OCI_REFERRERS_READ_MAX >> 20),
		       OCI_REFERRERS_PAGES_MAX,
		       some ? "no signature in the part read verifies"
			    : "the part read holds no signature");
}

static int choose_run(ev_verdict **out, size_t *chosen_out,
		      const choose_place *dir, const oci_referrers *r,
		      ev_verify_opts *vo, char *source, size_t sourcesz,
		      const char *head, ae_err *err)
{
	ev_verdict *v = NULL;
	size_t first = (size_t)-1;
	int rc = 0;

	*out = NULL;
	*chosen_out = (size_t)-1;
	vo->source = source;
	if (ld_referrers_candidates(r) <= 1) {
		/* the usual case: the one signature pulled is in place */
		for (size_t i = 0; r != NULL && i < r->n; i++)
			if (r->items[i].state == OCI_REFERRER_CANDIDATE)
				first = i;
		ld_referrers_describe(source, sourcesz, head, r, first, false);
		*chosen_out = first;
		rc = ev_evidence_verify(out, vo, err);
		return rc == 0 ? choose_undecided(out, r, err) : rc;
	}
	for (size_t i = 0; r != NULL && i < r->n; i++) {
		if (r->items[i].state != OCI_REFERRER_CANDIDATE)
			continue;
		if (first == (size_t)-1)
			first = i;
		ld_referrers_describe(source, sourcesz, head, r, i, false);
		rc = choose_put(dir, &r->items[i], err);
		if (rc == 0)
			rc = ev_evidence_verify(&v, vo, err);
		if (rc < 0)
			return rc;
		if (ev_verdict_exit(v) == EV_VERDICT_VALID ||
		    ev_verdict_exit(v) == EV_VERDICT_PHASE_FAILED) {
			*out = v;
			*chosen_out = i;
			return 0;
		}
		ev_verdict_free(v);
		v = NULL;
	}
	/* none verifies: the first candidate is the answer, and its verdict
	 * is given again with a detail that says so */
	ld_referrers_describe(source, sourcesz, head, r, first, true);
	if (first != (size_t)-1)
		rc = choose_put(dir, &r->items[first], err);
	if (rc == 0)
		rc = ev_evidence_verify(&v, vo, err);
	if (rc < 0)
		return rc;
	*out = v;
	*chosen_out = first;
	return choose_undecided(out, r, err);
}

int ld_referrers_choose(ev_verdict **out, size_t *chosen_out, const char *dir,
			const oci_referrers *r, ev_verify_opts *vo,
			char *source, size_t sourcesz, const char *head,
			ae_err *err)
{
	choose_place pl = {dir, NULL};

	return choose_run(out, chosen_out, &pl, r, vo, source, sourcesz, head,
			  err);
}

int ld_referrers_choose_tree(ev_verdict **out, size_t *chosen_out,
			     ae_tree *tree, const char *root,
			     const oci_referrers *r, ev_verify_opts *vo,
			     char *source, size_t sourcesz, const char *head,
			     ae_err *err)
{
	choose_place pl = {root, tree};

	return choose_run(out, chosen_out, &pl, r, vo, source, sourcesz, head,
			  err);
}
