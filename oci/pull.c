/* oci/pull.c -- pull by digest into a content-addressed cache, then
 * extract
 *
 * Nothing a registry sends is trusted (oci.md §2: it checks neither sizes
 * nor media types). Every manifest and blob is fetched by digest, capped
 * (declared size for blobs, counted in the write callback; reference §0
 * caps for manifests), hashed while streaming to a temp file in the cache
 * and renamed into `blobs/sha256/<hex>` only when size and digest match; a
 * mismatch deletes the temp file. The cache itself is untrusted storage
 * too (a shared CI cache, a directory another user can write): its files
 * can be swapped between any check and any use. So nothing is hashed
 * first and opened again later: a manifest, the config and a signature
 * layer are read into memory once and hashed there, a downloaded blob is
 * used through the very descriptor it was hashed into, and the layer is
 * extracted from the same reads that hash it (oci/pull_layer.c). The
 * manifest must describe our artifact: its artifactType, the empty config
 * ("{}"), one tar(+gzip) layer. Every referrer is then considered
 * (oci/referrers.c: the referrers API, then the `sha256-<hex>` fallback
 * tag, oci.md §7); the signatures' digests are remembered per repository
 * in `referrers/by-repo/<key>` so an offline pull (no client) finds
 * them too: only a hint, since each manifest it names is verified like
 * every blob and must name this subject. The bundle tree is extracted
 * into a temp directory beside the destination and renamed into place
 * last.
 */
#define _XOPEN_SOURCE 700
#include "oci/internal.h"

#include <errno.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PULL_CONFIG_MAX (1u << 20) /* the config blob: "{}" in practice */
#define PULL_PATH_MAX	OCI__PULL_PATH_MAX

typedef oci__pull_ctx pull_ctx;

static int pull_path(char *out, const pull_ctx *p, const char *kind,
		     const char *digest, ae_err *err)
{
	int n = snprintf(out, PULL_PATH_MAX, "%s/%s/sha256/%s", p->cache, kind,
			 digest ? digest + 7 : "");

	if (n < 0 || n >= PULL_PATH_MAX)
		return ae_fail(err, AE_ETOOBIG, "cache path too long");
	return 0;
}

/* The cache's record of the signatures of `subject` in one repository:
 * referrers/by-repo/<hex of SHA-256("REPO@SUBJECT")> (the repository's
 * path, not its registry: an offline run may name the registry otherwise,
 * a mirror or a port that no longer answers). Per repository, because the same
 * artifact in two repositories carries the signatures of each (alice's in hers,
 * bob's re-signature in his): one record per digest let the repository pulled
 * last overwrite the other's (review finding 09). The old per-digest records
 * (referrers/sha256/<hex>) are never read. */
static int pull_record_path(char *out, const pull_ctx *p, const char *subject,
			    ae_err *err)
{
	char key[OCI__PULL_PATH_MAX], hex[AE_SHA256_HEX_LEN + 1];
	unsigned char sha[AE_SHA256_LEN];
	int n = snprintf(key, sizeof(key), "%s@%s", p->repo, subject);

	if (n < 0 || n >= (int)sizeof(key))
		return ae_fail(err, AE_ETOOBIG, "repository name too long");
	ae_sha256(sha, key, (size_t)n);
	ae_hex_encode(hex, sha, sizeof(sha));
	n = snprintf(out, PULL_PATH_MAX, "%s/referrers/by-repo/%s", p->cache,
		     hex);
	if (n < 0 || n >= PULL_PATH_MAX)
		return ae_fail(err, AE_ETOOBIG, "cache path too long");
	return 0;
}

/* Reads all of `fd` from offset 0 into `out` (at most `cap` bytes). */
static int pull_read_fd(ae_buf *out, int fd, size_t cap, ae_err *err)
{
	unsigned char buf[8192];
	off_t off = 0;
	ssize_t got;
	int rc = 0;

	ae_buf_init(out, cap);
	do {
		got = pread(fd, buf, sizeof(buf), off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			rc = ae_fail(err, AE_EIO, "read cache file: %s",
				     strerror(errno));
		else if (got > 0)
			rc = ae_buf_put(out, buf, (size_t)got, err);
		off += got > 0 ? got : 0;
	} while (rc == 0 && got != 0);
	if (rc < 0)
		ae_buf_dispose(out);
	return rc;
}

/* The verified bytes of a small blob (a manifest, the config, a referrer
 * layer) in `out`: read from the cache into memory and hashed there --
 * the bytes used are the bytes hashed, whatever a writer of the cache does
 * meanwhile -- or, when absent or damaged (deleted, refetched), downloaded.
 * `size_known` false: manifests fetched by digest alone, `cap` bounds
 * them. */
static int pull_small(ae_buf *out, const pull_ctx *p, const char *kind,
		      const char *digest, uint64_t size, bool size_known,
		      size_t cap, const char *accept, ae_err *err)
{
	char path[PULL_PATH_MAX];
	unsigned char sha[AE_SHA256_LEN];
	uint64_t got = 0;
	int fd = -1, rc;

	ae_buf_init(out, cap);
	if (size_known && size > cap)
		return ae_fail(err, AE_ETOOBIG,
			       "%s declares %llu bytes, cap %llu", digest,
			       (unsigned long long)size,
			       (unsigned long long)cap);
	rc = pull_path(path, p, "blobs", digest, err);
	if (rc == 0)
		rc = ae_read_file(out, AT_FDCWD, path, cap, err);
	if (rc == 0) {
		ae_sha256(sha, out->data, out->len);
		if (oci__pull_sha_is(sha, digest) &&
		    (!size_known || out->len == size))
			return 0;
	}
	if (rc == AE_ENOTFOUND || rc == AE_ETOOBIG)
		ae_err_clear(err);
	else if (rc < 0)
		return oci__pull_cache_fault(p, rc, err);
	ae_buf_dispose(out);
	if (rc == 0 || rc == AE_ETOOBIG)
		unlink(path); /* a damaged cache entry is refetched */
	if (p->c == NULL)
		return ae_fail(err, AE_ENOTFOUND,
			       "%s is not in the cache (offline)", digest);
	rc = oci__pull_fetch(&fd, &got, p, path, kind, digest,
			     size_known ? size : cap, accept, NULL, err);
	/* the digest matched while streaming, so a size that differs from
	 * the descriptor is the descriptor's lie: the bytes are what they
	 * claim, the manifest is not (more than `size` was refused there) */
	if (rc == 0 && size_known && got != size) {
		unlink(path);
		rc = ae_fail(err, AE_EVERIFY,
			     "%s: size differs from the descriptor", digest);
	}
	if (rc == 0)
		rc = pull_read_fd(out, fd, cap, err);
	/* what we read back is hashed again: a file system another user
	 * controls (the cache linked to their FUSE mount) need not give back
	 * what we wrote */
	if (rc == 0) {
		ae_sha256(sha, out->data, out->len);
		if (!oci__pull_sha_is(sha, digest)) {
			ae_buf_dispose(out);
			rc = ae_fail(err, AE_EVERIFY,
				     "%s changed after it was verified",
				     digest);
		}
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Reads a verified manifest into `out`. */
static int pull_manifest(ae_buf *out, const pull_ctx *p, const char *digest,
			 uint64_t cap, const char *accept, ae_err *err)
{
	return pull_small(out, p, "manifests", digest, 0, false, (size_t)cap,
			  accept, err);
}

static int pull_rm_one(const char *path, const struct stat *sb, int flag,
		       struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path);
	return unlink(path);
}

/* Removes a temp tree we created. Best effort. */
static void pull_rmtree(const char *dir)
{
	(void)nftw(dir, pull_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* oci__fetch_small_fn over the cache, for oci/referrers.c: the verified
 * bytes of a referrer manifest or bundle. */
static int pull_small_cb(ae_buf *out, void *ctx, const char *kind,
			 const char *digest, uint64_t size, bool size_known,
			 size_t cap, const char *accept, ae_err *err)
{
	return pull_small(out, ctx, kind, digest, size, size_known, cap, accept,
			  err);
}

/* Puts the first candidate where the tree in memory keeps the
 * attestation, as ae_write_tree_file puts it in a directory: replacing a
 * file, never a directory. */
static int pull_put_tree(ae_tree *tree, const oci_referrer *first, ae_err *err)
{
	unsigned char *copy;

	if (ae_tree_kind_of(tree, OCI_ATTESTATION_FILE) == AE_TREE_DIR)
		return ae_fail(err, AE_EINVAL,
			       OCI_ATTESTATION_FILE
			       ": is a directory, not a cache entry");
	copy = malloc(first->bundle_len ? first->bundle_len : 1);
	if (copy == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	memcpy(copy, first->bundle, first->bundle_len);
	return ae_tree_add(tree, OCI_ATTESTATION_FILE, copy, first->bundle_len,
			   true, err);
}

/* Considers every referrer of `digest` (oci/referrers.c) and writes the
 * first candidate into `dir` (or `tree`) as the attestation; the caller
 * may put another candidate there (ledger/choose.c chooses by signer). */
static int pull_referrers(oci_pull_result *out, const pull_ctx *p,
			  const char *digest, const char *dir, ae_tree *tree,
			  ae_err *err)
{
	char record[PULL_PATH_MAX];
	const oci_referrer *first = NULL;
	int dfd = -1, rc;

	rc = pull_record_path(record, p, digest, err);
	if (rc == 0)
		rc = oci__referrers_collect(&out->referrers, p->c, digest,
					    record, pull_small_cb, (void *)p,
					    err);
	/* offline, a record never written is "not in the cache" */
	if (rc < 0 && p->c == NULL && rc != AE_ENOTFOUND && !*p->cache_fault)
		rc = oci__pull_cache_fault(p, rc, err);
	for (size_t i = 0; rc == 0 && i < out->referrers->n; i++)
		if (out->referrers->items[i].state == OCI_REFERRER_CANDIDATE) {
			first = &out->referrers->items[i];
			break;
		}
	if (rc < 0 || first == NULL)
		return rc;
	if (tree != NULL) {
		rc = pull_put_tree(tree, first, err);
		goto placed;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return ae_fail(err, AE_EIO, "open %s: %s", dir,
			       strerror(errno));
	rc = ae_write_tree_file(dfd, OCI_ATTESTATION_FILE, first->bundle,
				first->bundle_len, 0644, err);
	close(dfd);
placed:
	if (rc == 0) {
		out->signed_ = true;
		memcpy(out->referrer_digest, first->desc.digest,
		       AE_DIGEST_STR_LEN);
	}
	return rc;
}

void oci_pull_result_dispose(oci_pull_result *r)
{
	if (r == NULL)
		return;
	oci_referrers_free(r->referrers);
	r->referrers = NULL;
}

/* Checks the artifact manifest (SPEC §3, reference §8.1): our
 * artifactType, the empty config, one tar(+gzip) layer within the cap. */
static int pull_check_artifact(const oci_manifest *man, bool *gzip, ae_err *err)
{
	if (strcmp(man->artifact_type, OCI_ARTIFACT_TYPE) != 0)
		return ae_fail(err, AE_EINVAL,
			       "artifactType is not " OCI_ARTIFACT_TYPE);
	if (strcmp(man->config.media_type, OCI_MT_EMPTY) != 0 ||
	    strcmp(man->config.digest, OCI_EMPTY_DIGEST) != 0 ||
	    man->config.size != 2)
		return ae_fail(err, AE_EINVAL,
			       "config is not the empty descriptor "
			       "(" OCI_MT_EMPTY ", {})");
	if (man->nlayers != 1)
		return ae_fail(err, AE_EINVAL,
			       "artifact has %zu layers, want exactly 1",
			       man->nlayers);
	if (strcmp(man->layers[0].media_type, OCI_MT_LAYER_TGZ) == 0)
		*gzip = true;
	else if (strcmp(man->layers[0].media_type,
			"application/vnd.oci.image.layer.v1.tar") == 0)
		*gzip = false;
	else
		return ae_fail(err, AE_EINVAL,
			       "artifact layer is not a tar or tar+gzip");
	if (man->layers[0].size > OCI_LAYER_MAX)
		return ae_fail(err, AE_ETOOBIG,
			       "layer declares %llu bytes, cap %llu",
			       (unsigned long long)man->layers[0].size,
			       (unsigned long long)OCI_LAYER_MAX);
	return 0;
}

/* Fetches the artifact's blobs and extracts the layer into `tmpdir`, or
 * into `tree` in memory. */
static int pull_artifact(oci_pull_result *out, const pull_ctx *p,
			 const char *digest, const char *tmpdir, ae_tree *tree,
			 ae_err *err)
{
	ae_buf m = AE_BUF_INIT(OCI_MANIFEST_MAX);
	ae_buf cfg = AE_BUF_INIT(PULL_CONFIG_MAX);
	oci_manifest man;
	char path[PULL_PATH_MAX];
	bool gzip = true;
	int rc;

	rc = pull_manifest(&m, p, digest, OCI_MANIFEST_MAX,
			   OCI_MT_MANIFEST ", " OCI_MT_INDEX, err);
	if (rc == 0)
		rc = oci_manifest_parse(&man, m.data, m.len, err);
	if (rc == 0)
		rc = pull_check_artifact(&man, &gzip, err);
	if (rc == 0)
		rc = pull_small(&cfg, p, "blobs", man.config.digest,
				man.config.size, true, PULL_CONFIG_MAX, NULL,
				err);
	if (rc == 0 && (cfg.len != 2 || memcmp(cfg.data, "{}", 2) != 0))
		rc = ae_fail(err, AE_EINVAL, "config is not {}");
	if (rc == 0)
		rc = pull_path(path, p, "blobs", man.layers[0].digest, err);
	if (rc == 0 && tree != NULL)
		rc = oci__pull_layer_tree(p, path, &man.layers[0], gzip, tree,
					  err);
	else if (rc == 0)
		rc = oci__pull_layer(p, path, &man.layers[0], gzip, tmpdir,
				     err);
	if (rc == 0)
		snprintf(out->artifact_type, sizeof(out->artifact_type), "%s",
			 man.artifact_type);
	ae_buf_dispose(&m);
	ae_buf_dispose(&cfg);
	return rc;
}

static int pull_prepare(pull_ctx *p, oci_client *c, const oci_ref *ref,
			const char *cache, bool *fault, ae_err *err)
{
	char path[PULL_PATH_MAX];
	int rc;

	p->c = c;
	p->cache_fault = fault;
	/* the repository the artifact is pulled from: the client's, else
	 * (offline) the caller's reference */
	if (c == NULL && ref == NULL)
		return ae_fail(err, AE_EINVAL,
			       "an offline pull needs the repository");
	snprintf(p->registry, sizeof(p->registry), "%s",
		 c ? c->host : ref->registry);
	snprintf(p->repo, sizeof(p->repo), "%s", c ? c->repo : ref->repo);
	if (snprintf(p->cache, sizeof(p->cache), "%s", cache) >=
	    (int)sizeof(p->cache))
		return ae_fail(err, AE_ETOOBIG, "cache path too long");
	rc = pull_path(path, p, "blobs", NULL, err);
	if (rc == 0)
		rc = ae_mkdir_p(path, err);
	if (rc == 0 && snprintf(path, sizeof(path), "%s/referrers/by-repo",
				p->cache) >= (int)sizeof(path))
		rc = ae_fail(err, AE_ETOOBIG, "cache path too long");
	if (rc == 0)
		rc = ae_mkdir_p(path, err);
	return rc < 0 && rc != AE_ETOOBIG ? oci__pull_cache_fault(p, rc, err)
					  : rc;
}

int oci_pull(oci_pull_result *out, oci_client *c, const oci_ref *ref,
	     const char *digest, const char *cache_dir, const char *dest_dir,
	     ae_err *err)
{
	pull_ctx p;
	char tmpdir[PULL_PATH_MAX];
	struct stat st;
	ae_tmp_claim claim;
	bool fault = false, made;
	int rc, slot, e;

	memset(out, 0, sizeof(*out));
	if (digest == NULL || !ae_digest_is_valid(digest))
		return ae_fail(err, AE_EINVAL,
			       "pull needs a sha256 digest (64 lowercase hex)");
	if (lstat(dest_dir, &st) == 0)
		return ae_fail(err, AE_EEXISTS, "destination already exists");
	rc = pull_prepare(&p, c, ref, cache_dir, &fault, err);
	if (rc < 0) {
		out->cache_fault = fault;
		return rc;
	}
	if (snprintf(tmpdir, sizeof(tmpdir), "%s.tmp-XXXXXX", dest_dir) >=
	    (int)sizeof(tmpdir))
		return ae_fail(err, AE_ETOOBIG, "destination path too long");
	ae_tmp_claim_begin(&claim);
	made = mkdtemp(tmpdir) != NULL;
	e = errno;
	slot = ae_tmp_claim_end(&claim, AT_FDCWD, made ? tmpdir : NULL, true);
	if (!made)
		return ae_fail(err, AE_EIO, "create %s: %s", tmpdir,
			       strerror(e));
	rc = pull_artifact(out, &p, digest, tmpdir, NULL, err);
	if (rc == 0)
		rc = pull_referrers(out, &p, digest, tmpdir, NULL, err);
	if (rc == 0 && rename(tmpdir, dest_dir) != 0)
		rc = ae_fail(err, AE_EIO, "rename into %s: %s", dest_dir,
			     strerror(errno));
	if (rc < 0) {
		pull_rmtree(tmpdir);
		oci_pull_result_dispose(out);
		memset(out, 0, sizeof(*out));
		out->cache_fault = fault;
	}
	ae_tmp_forget(slot);
	return rc;
}

int oci_pull_tree(oci_pull_result *out, oci_client *c, const oci_ref *ref,
		  const char *digest, const char *cache_dir, uint64_t cap,
		  ae_tree **tree_out, ae_err *err)
{
	pull_ctx p;
	ae_tree *tree = NULL;
	bool fault = false;
	int rc;

	memset(out, 0, sizeof(*out));
	*tree_out = NULL;
	if (digest == NULL || !ae_digest_is_valid(digest))
		return ae_fail(err, AE_EINVAL,
			       "pull needs a sha256 digest (64 lowercase hex)");
	rc = pull_prepare(&p, c, ref, cache_dir, &fault, err);
	if (rc == 0)
		rc = ae_tree_new(&tree, cap, err);
	if (rc == 0)
		rc = pull_artifact(out, &p, digest, NULL, tree, err);
	if (rc == 0)
		rc = pull_referrers(out, &p, digest, NULL, tree, err);
	if (rc < 0) {
		bool full = ae_tree_full(tree);
		ae_tree_free(tree);
		oci_pull_result_dispose(out);
		memset(out, 0, sizeof(*out));
		out->cache_fault = fault;
		out->mem_full = full;
		return rc;
	}
	*tree_out = tree;
	return 0;
}

int oci_cache_default(char *out, size_t outsz, ae_err *err)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	int n;

	if (xdg != NULL && xdg[0] == '/')
		n = snprintf(out, outsz, "%s/aicr-evidence", xdg);
	else if (home != NULL && *home != '\0')
		n = snprintf(out, outsz, "%s/.cache/aicr-evidence", home);
	else
		return ae_fail(err, AE_EINVAL,
			       "no cache directory: set XDG_CACHE_HOME or "
			       "HOME, or pass --cache");
	if (n < 0 || (size_t)n >= outsz)
		return ae_fail(err, AE_ETOOBIG, "cache path too long");
	return 0;
}

int oci_tag_resolve(char digest_out[AE_DIGEST_STR_LEN], oci_client *c,
		    const char *tag, ae_err *err)
{
	oci_req *r = calloc(1, sizeof(*r));
	char path[700];
	int rc;

	digest_out[0] = '\0';
	if (r == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	snprintf(path, sizeof(path), "/v2/%s/manifests/%s", c->repo, tag);
	rc = oci__req_init(r, c, "HEAD", path, err);
	if (rc < 0)
		goto done;
	r->accept = OCI_MT_MANIFEST ", " OCI_MT_INDEX;
	rc = oci__send(c, r, true, err);
	if (rc == 0 && r->status != 200)
		rc = oci__status_fail(r, "manifest HEAD", err);
	if (rc == 0 && !ae_digest_is_valid(r->digest))
		rc = ae_fail(err, AE_EINVAL,
			     "registry gave no sha256 Docker-Content-Digest "
			     "for the tag");
	if (rc == 0)
		memcpy(digest_out, r->digest, AE_DIGEST_STR_LEN);
done:
	free(r);
	return rc;
}

int oci_ref_digest(char digest_out[AE_DIGEST_STR_LEN], oci_client *c,
		   const oci_ref *ref, ae_err *err)
{
	if (ref->digest[0] != '\0') {
		snprintf(digest_out, AE_DIGEST_STR_LEN, "%s", ref->digest);
		return 0;
	}
	if (c == NULL)
		return ae_fail(
			err, AE_EINVAL,
			"a tag is resolved by the registry: not offline");
	return oci_tag_resolve(digest_out, c, ref->tag[0] ? ref->tag : "latest",
			       err);
}
