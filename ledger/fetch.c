/* ledger/fetch.c -- fetching a bundle by digest for verification: shared by
 * `verify` (OCI and pointer inputs), `check --verify-signatures` and
 * `ledger --verify`
 *
 * A fetcher holds what every fetch of one command run shares: the
 * content-addressed cache, --offline, the registry options, and a scratch
 * directory that receives each pulled tree under a fresh name (so worker
 * threads never collide) and is removed with everything in it at the end.
 * A fetch pulls `registry/repo@digest` through oci_pull, which verifies
 * every manifest and blob against the digest before keeping or extracting
 * it, so the tree handed to ev_evidence_verify is the artifact the digest
 * names whatever a tag says. The signature referrer lands in the bundle's
 * summary root (ld_pulled_root), where verify reads it in every layout.
 * --offline never creates a client (STYLE §3.9): the cache alone
 * answers.
 */
#include "ledger/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int ld_fetcher_init(ld_fetcher *f, const char *cache, bool offline,
		    const char *what, ae_err *err)
{
	const char *tmp = getenv("TMPDIR");
	ae_tmp_claim claim;
	bool made;
	int rc;

	memset(f, 0, sizeof(*f));
	f->tmp_slot = -1;
	f->offline = offline;
	atomic_init(&f->seq, 0);
	if (cache != NULL) {
		if (strlen(cache) >= sizeof(f->cache))
			return ae_fail(err, AE_ETOOBIG,
				       "--cache path too long");
		snprintf(f->cache, sizeof(f->cache), "%s", cache);
	} else {
		rc = oci_cache_default(f->cache, sizeof(f->cache), err);
		if (rc < 0)
			return rc;
	}
	snprintf(f->tmp, sizeof(f->tmp), "%s/aicr-%s-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp", what);
	ae_tmp_claim_begin(&claim);
	made = mkdtemp(f->tmp) != NULL;
	f->tmp_slot =
		ae_tmp_claim_end(&claim, AT_FDCWD, made ? f->tmp : NULL, true);
	if (!made) {
		f->tmp[0] = '\0';
		return ae_fail(err, AE_EIO,
			       "cannot create a scratch directory");
	}
	return 0;
}

/* Removes one entry of a scratch tree (nftw, depth first, no symlinks
 * followed: the tree was extracted by oci/, which creates none). */
static int fetch_rm(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

int ld_pulled_root(char *root, size_t rootsz, const char *dest, bool signed_,
		   ae_err *err)
{
	char from[4400], to[4400];
	ae_err none = {0};
	int rc = ev_summary_root(root, rootsz, dest, &none);

	if (rc == AE_ETOOBIG)
		return ae_fail(err, rc, "%s", none.msg);
	if (rc < 0 || strcmp(root, dest) == 0 || !signed_) {
		/* not a bundle (verify says so), or the root is DEST */
		if ((size_t)snprintf(root, rootsz, "%s", dest) >= rootsz)
			return ae_fail(err, AE_ETOOBIG, "path too long");
		return 0;
	}
	snprintf(from, sizeof(from), "%s/" EV_ATTESTATION_FILE, dest);
	snprintf(to, sizeof(to), "%s/" EV_ATTESTATION_FILE, root);
	if (rename(from, to) != 0)
		return ae_fail(err, AE_EIO, "move the signature into %s: %s",
			       root, strerror(errno));
	return 0;
}

void ld_scratch_remove(const char *path)
{
	if (path != NULL && path[0] != '\0')
		nftw(path, fetch_rm, 16, FTW_DEPTH | FTW_PHYS);
}

void ld_fetcher_dispose(ld_fetcher *f)
{
	ld_scratch_remove(f->tmp);
	if (f->tmp[0] != '\0')
		ae_tmp_forget(f->tmp_slot); /* set with tmp by the init */
	f->tmp_slot = -1;
	f->tmp[0] = '\0';
}

/* "pulled reg/repo@sha256:… (signature referrer sha256:…; also …)", the
 * materialize step's detail, with the first signature in place. */
static void fetch_describe(ld_fetched *x, const ld_fetcher *f,
			   const oci_ref *ref)
{
	const oci_referrers *r = x->res.referrers;
	size_t first = (size_t)-1;

	snprintf(x->head, sizeof(x->head), "%s %s/%s@%s",
		 f->offline ? "from the cache (offline):" : "pulled",
		 ref->registry, ref->repo, x->digest);
	for (size_t i = 0; r != NULL && i < r->n && first == (size_t)-1; i++)
		if (r->items[i].state == OCI_REFERRER_CANDIDATE)
			first = i;
	ld_referrers_describe(x->source, sizeof(x->source), x->head, r, first,
			      false);
}

/* ld_pulled_root in memory: the summary root's prefix, and the signature
 * moved there from the top, as rename(2) moves it on disk. */
static int fetch_tree_root(ld_fetched *x, ae_err *err)
{
	const ae_tree *t = x->tree;
	bool top = ae_tree_kind_of(t, "recipe.yaml") == AE_TREE_FILE &&
		   ae_tree_kind_of(t, "manifest.json") == AE_TREE_FILE;
	bool sub = ae_tree_kind_of(t, EV_SUMMARY_DIR "/recipe.yaml") ==
			   AE_TREE_FILE &&
		   ae_tree_kind_of(t, EV_SUMMARY_DIR "/manifest.json") ==
			   AE_TREE_FILE;
	ae_err e = {0};

	x->tree_root[0] = '\0';
	if (top || !sub)
		return 0; /* the root is the top, or not a bundle (verify
			     says so) */
	snprintf(x->tree_root, sizeof(x->tree_root), "%s/", EV_SUMMARY_DIR);
	if (!x->res.signed_)
		return 0;
	if (ae_tree_rename(x->tree, EV_ATTESTATION_FILE,
			   EV_SUMMARY_DIR "/" EV_ATTESTATION_FILE, &e) < 0)
		return ae_fail(err, AE_EIO,
			       "move the signature into " EV_SUMMARY_DIR ": %s",
			       e.code == AE_EEXISTS ? strerror(EISDIR) : e.msg);
	return 0;
}

int ld_fetched_read(ae_buf *out, const ld_fetched *x, const char *rel,
		    size_t cap, ae_err *err)
{
	char path[4400], r[AE_REPR_BUF];
	const unsigned char *data;
	size_t len = 0;

	snprintf(path, sizeof(path), "%s/%s", x->root, rel);
	if (x->tree == NULL)
		return ae_read_file(out, AT_FDCWD, path, cap, err);
	ae_buf_init(out, cap);
	snprintf(path, sizeof(path), "%s%s", x->tree_root, rel);
	ae_repr(r, sizeof(r), rel, strlen(rel));
	data = ae_tree_get(x->tree, path, &len);
	if (data == NULL && ae_tree_kind_of(x->tree, path) == AE_TREE_DIR)
		return ae_fail(err, AE_EINVAL,
			       "%s: not a regular file (a directory)", r);
	if (data == NULL)
		return ae_fail(err, AE_ENOTFOUND, "%s: no such file", r);
	if (len > cap)
		return ae_fail(err, AE_ETOOBIG, "%s is %llu bytes, cap %zu", r,
			       (unsigned long long)len, cap);
	return ae_buf_put(out, data, len, err);
}

/* The scratch name of the next fetch. */
static void fetch_paths(ld_fetched *x, ld_fetcher *f)
{
	snprintf(x->dest, sizeof(x->dest), "%s/%zu", f->tmp,
		 atomic_fetch_add(&f->seq, 1));
}

int ld_fetch(ld_fetched *out, ld_fetcher *f, const oci_ref *ref,
	     const char *digest, ae_err *err)
{
	return ld_fetch_within(out, f, ref, digest,
			       (ae_deadline)AE_DEADLINE_NONE, err);
}

int ld_fetch_within(ld_fetched *out, ld_fetcher *f, const oci_ref *ref,
		    const char *digest, ae_deadline deadline, ae_err *err)
{
	oci_client_opts co = f->co;
	oci_client *c = NULL;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	fetch_paths(out, f);
	snprintf(out->digest, sizeof(out->digest), "%s",
		 digest && *digest ? digest : ref->digest);
	co.deadline = ae_deadline_min(f->co.deadline, deadline);
	if (!f->offline)
		rc = oci_client_new(&c, ref, &co, err);
	if (rc == 0 && out->digest[0] == '\0' && c == NULL)
		rc = ae_fail(err, AE_EINVAL,
			     "--offline needs a digest: the cache is "
			     "content-addressed and a tag names nothing in "
			     "it");
	else if (rc == 0 && out->digest[0] == '\0')
		rc = oci_tag_resolve(out->digest, c,
				     ref->tag[0] ? ref->tag : "latest", err);
	/* in memory first (issue 17): no scratch tree written and read
	 * back; a bundle too large for it goes to the scratch directory */
	if (rc == 0) {
		rc = oci_pull_tree(&out->res, c, ref, out->digest, f->cache,
				   LD_TREE_MAX, &out->tree, err);
		if (rc == AE_ETOOBIG && out->res.mem_full) {
			ae_err_clear(err);
			rc = oci_pull(&out->res, c, ref, out->digest, f->cache,
				      out->dest, err);
		} else {
			out->dest[0] = '\0';
		}
	}
	out->http_status = oci_client_last_status(c);
	oci_client_free(c);
	if (rc == 0 && out->tree != NULL)
		rc = fetch_tree_root(out, err);
	else if (rc == 0)
		rc = ld_pulled_root(out->root, sizeof(out->root), out->dest,
				    out->res.signed_, err);
	if (rc < 0) {
		ld_scratch_remove(out->dest);
		oci_pull_result_dispose(&out->res);
		ae_tree_free(out->tree);
		out->tree = NULL;
		out->dest[0] = out->root[0] = '\0';
		return rc;
	}
	fetch_describe(out, f, ref);
	return 0;
}

void ld_fetched_remove(ld_fetched *x)
{
	ae_tree_free(x->tree);
	x->tree = NULL;
	ld_scratch_remove(x->dest);
	x->dest[0] = x->root[0] = '\0';
	oci_pull_result_dispose(&x->res);
}

int ld_fetch_verify(ev_verdict **out, ld_fetched *x, ev_verify_opts *vo,
		    ae_err *err)
{
	size_t chosen = 0;

	/* each candidate goes where verify reads a signature: the root */
	if (x->tree != NULL)
		return ld_referrers_choose_tree(
			out, &chosen, x->tree, x->tree_root, x->res.referrers,
			vo, x->source, sizeof(x->source), x->head, err);
	return ld_referrers_choose(out, &chosen, x->root, x->res.referrers, vo,
				   x->source, sizeof(x->source), x->head, err);
}

void ld_pointer_claim(ev_pointer_claim *c, const ld_pointer *p,
		      const char *path)
{
	const char *oci = ld_pointer_bundle_oci(p);
	const char *digest = ld_pointer_bundle_digest(p);

	memset(c, 0, sizeof(*c));
	c->path = path;
	c->recipe = ld_pointer_recipe(p);
	c->profile = ld_pointer_profile(p);
	c->oci = oci ? oci : "";
	c->digest = digest ? digest : "";
	c->predicate_type = ld_pointer_predicate_type(p);
	c->attested_at = ld_pointer_attested_at(p);
	c->has_signer = ld_pointer_is_signed(p);
	c->signer_identity = ld_pointer_signer_identity(p);
	c->signer_issuer = ld_pointer_signer_issuer(p);
	c->rekor_index = ld_pointer_rekor_log_index(p);
	c->has_rekor_index = c->rekor_index != LD_REKOR_ABSENT;
}

const char *ld_fetch_hint(int rc, bool offline)
{
	switch (rc) {
	case AE_EAUTH:
		return "the registry refused access: pass --registry-username "
		       "with --registry-password-stdin, or log in (docker "
		       "config.json)";
	case AE_ENOTFOUND:
		return offline ? "--offline reads only the cache: verify once "
				 "without --offline to fill it"
			       : "the registry has no such artifact: was it "
				 "pushed (aicr-evidence push OUT --to REF)? a "
				 "local copy verifies with --bundle DIR";
	case AE_ETRANSIENT:
	case AE_EIO:
		return "the registry or the cache did not answer: retry later";
	default:
		return NULL;
	}
}
