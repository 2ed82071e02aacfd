/* oci/pull_layer.c -- the layer of a pull: from the cache or the
 * registry into the private temp directory, every extracted byte hashed
 * on its way
 *
 * The cache is untrusted storage (a shared CI cache, another user's
 * directory): between a check and a use its files can be swapped by
 * rename. So a cached layer is never hashed first and opened again later:
 * one read hashes each piece and lends that same piece to the extractor
 * (oci/untar_stream.c: it inflates the memory the piece was read into),
 * and the extracted tree counts only if the digest matched at the end. A
 * download is the same: each piece libcurl hands over is hashed, written
 * to the cache file and lent to the extractor -- nothing is read back, so
 * neither a writer of the cache nor a file system that gives back other bytes
 * than were written (a FUSE mount) can change what is extracted, and nothing is
 * hashed twice. Both see unverified bytes, so they stop when the input inflates
 * past OCI__UNVERIFIED_RATIO; the layer is then extracted again from
 * bytes already verified: the download's own file, or a private copy of
 * the cached one made while hashing it, hashed again as they are read
 * back. An extraction that failed on bytes that turned out verified is
 * the verdict: a bomb is not inflated twice.
 */
#define _XOPEN_SOURCE 700
#include "oci/internal.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#define PULL_IO (512u * 1024u) /* read size of a cached layer */

static int pull_rm_child(const char *path, const struct stat *sb, int flag,
			 struct FTW *ftw)
{
	(void)sb;
	if (ftw->level == 0)
		return 0;
	if (flag == FTW_DP)
		return rmdir(path);
	return unlink(path);
}

/* Empties our temp directory `dir`, keeping it (its name is never given
 * up, so nobody else can put something there meanwhile). */
static int pull_empty_dir(const char *dir, ae_err *err)
{
	if (nftw(dir, pull_rm_child, 16, FTW_DEPTH | FTW_PHYS) != 0)
		return ae_fail(err, AE_EIO, "empty %s: %s", dir,
			       strerror(errno));
	return 0;
}

/* Writes all of buf to fd; 0, or -1 with errno set. */
static int pull_write_all(int fd, const unsigned char *buf, size_t n)
{
	for (size_t off = 0; off < n;) {
		ssize_t w = write(fd, buf + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		off += (size_t)w;
	}
	return 0;
}

/* Reads `fd` to its end in PULL_IO pieces: hashes each piece and lends
 * it to `tee` (an extractor, or NULL) and writes it to `copy` (>= 0:
 * AE_EIO when that fails). Stops past `max` bytes (the digest then cannot
 * match). */
static int pull_hash_copy(unsigned char sha[AE_SHA256_LEN], uint64_t *n_out,
			  int fd, oci_untar_stream *tee, int copy, uint64_t max,
			  ae_err *err)
{
	ae_sha256_ctx *h = NULL;
	unsigned char *buf = malloc(PULL_IO);
	ssize_t got = 1;
	int rc = buf ? ae_sha256_new(&h, err)
		     : ae_fail(err, AE_ERR, "out of memory");

	*n_out = 0;
	while (rc == 0 && got > 0 && *n_out <= max) {
		got = read(fd, buf, PULL_IO);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			rc = ae_fail(err, AE_EIO, "read cached layer: %s",
				     strerror(errno));
		if (got <= 0)
			break;
		/* the extractor reads the piece while it is hashed */
		if (tee != NULL)
			oci__untar_stream_lend(tee, buf, (size_t)got);
		ae_sha256_update(h, buf, (size_t)got);
		*n_out += (uint64_t)got;
		if (copy >= 0 && pull_write_all(copy, buf, (size_t)got) != 0)
			rc = ae_fail(err, AE_EIO, "copy cached layer: %s",
				     strerror(errno));
		if (tee != NULL)
			oci__untar_stream_wait(tee);
	}
	if (rc == 0)
		ae_sha256_final(h, sha);
	ae_sha256_free(h);
	free(buf);
	return rc;
}

/* A private copy of the cached layer at `path`, made while hashing it:
 * *fd_out (unlinked at once, ours alone) holds exactly the bytes that
 * matched. It is made beside our temp directory `tmpdir`, not in the
 * cache, which may be read-only or another user's. */
static int pull_layer_copy(int *fd_out, const char *path, const oci_desc *layer,
			   const char *tmpdir, ae_err *err)
{
	char tmp[OCI__PULL_PATH_MAX + 16];
	unsigned char sha[AE_SHA256_LEN];
	uint64_t n = 0;
	ae_tmp_claim claim;
	int in = -1, out = -1, rc, e;

	*fd_out = -1;
	if (snprintf(tmp, sizeof(tmp), "%s-copy-XXXXXX", tmpdir) >=
	    (int)sizeof(tmp))
		return ae_fail(err, AE_ETOOBIG, "path too long");
	/* made and unlinked with the interrupts held: no name is left */
	ae_tmp_claim_begin(&claim);
	out = mkostemp(tmp, O_CLOEXEC);
	e = errno;
	if (out >= 0)
		unlink(tmp);
	ae_tmp_claim_end(&claim, AT_FDCWD, NULL, false);
	if (out < 0)
		return ae_fail(err, AE_EIO, "create a private copy: %s",
			       strerror(e));
	rc = ae_open_regular(&in, NULL, AT_FDCWD, path, err);
	if (rc == 0)
		rc = pull_hash_copy(sha, &n, in, NULL, out, layer->size, err);
	if (rc == 0 &&
	    (!oci__pull_sha_is(sha, layer->digest) || n != layer->size))
		rc = ae_fail(err, AE_EVERIFY,
			     "cached %s changed while it was read",
			     layer->digest);
	if (in >= 0)
		close(in);
	if (rc == 0 && lseek(out, 0, SEEK_SET) != 0)
		rc = ae_fail(err, AE_EIO, "rewind: %s", strerror(errno));
	if (rc < 0)
		close(out);
	else
		*fd_out = out;
	return rc;
}

/* An oci__read_fn that hashes what it reads from fd. */
typedef struct pull_hashed {
	int fd;
	ae_sha256_ctx *h;
	uint64_t n;
} pull_hashed;

static int pull_hashed_read(void *ctx, unsigned char *buf, size_t n,
			    size_t *got, ae_err *err)
{
	pull_hashed *r = ctx;
	ssize_t k;

	do
		k = read(r->fd, buf, n);
	while (k < 0 && errno == EINTR);
	if (k < 0)
		return ae_fail(err, AE_EIO, "read the layer: %s",
			       strerror(errno));
	ae_sha256_update(r->h, buf, (size_t)k);
	r->n += (uint64_t)k;
	*got = (size_t)k;
	return 0;
}

/* Extracts the verified layer in `fd` (from its start) into `tmpdir`,
 * emptied first: the last word on those bytes. They are hashed again as
 * the extractor reads them (then to the end of the file): the file was
 * verified when written or copied, but a file system another user
 * controls need not give back what was written; only the bytes that hash
 * to the layer's digest count. */
static int pull_extract_verified(int fd, const oci_desc *layer, bool gzip,
				 const char *tar_digest, const char *tmpdir,
				 ae_err *err)
{
	oci__untar_opts o = {tar_digest, false};
	pull_hashed r = {fd, NULL, 0};
	unsigned char sha[AE_SHA256_LEN], buf[16384];
	size_t got = 1;
	int rc = pull_empty_dir(tmpdir, err);

	if (rc == 0 && lseek(fd, 0, SEEK_SET) != 0)
		rc = ae_fail(err, AE_EIO, "rewind: %s", strerror(errno));
	if (rc == 0)
		rc = ae_sha256_new(&r.h, err);
	if (rc == 0)
		rc = oci__tar_extract_from(pull_hashed_read, &r, gzip, tmpdir,
					   &o, NULL, err);
	while (r.h != NULL && got > 0 && r.n <= layer->size &&
	       pull_hashed_read(&r, buf, sizeof(buf), &got, err) == 0)
		;
	if (r.h != NULL) {
		ae_sha256_final(r.h, sha);
		ae_sha256_free(r.h);
		if (r.n != layer->size ||
		    !oci__pull_sha_is(sha, layer->digest)) {
			(void)pull_empty_dir(tmpdir, err);
			rc = ae_fail(err, AE_EVERIFY,
				     "%s changed after it was verified",
				     layer->digest);
		}
	}
	return rc;
}

/* The stamp a layer we downloaded and verified carries (an extended
 * attribute of the file: only its owner or root can set one):
 * "<layer digest> <content digest or ->". */
#define PULL_STAMP "user.aicr-evidence.verified"

/* Local kernel file systems: their files give back what was written, and
 * their owners and extended attributes are the kernel's word. A FUSE or
 * network file system (NFS, CIFS, 9p) is served by someone else, and
 * overlayfs shows lower layers someone else made. */
static bool pull_fs_local(int fd)
{
	static const long local[] = {
		0xEF53,	    /* ext2/3/4 */
		0x58465342, /* xfs */
		0x9123683E, /* btrfs */
		0x01021994, /* tmpfs */
	};
	struct statfs sf;

	if (fstatfs(fd, &sf) != 0)
		return false;
	for (size_t i = 0; i < sizeof(local) / sizeof(local[0]); i++)
		if ((long)sf.f_type == local[i])
			return true;
	return false;
}

static void pull_stamp_text(char *out, size_t outsz, const oci_desc *layer,
			    const char *tar_digest)
{
	snprintf(out, outsz, "%s %s", layer->digest,
		 tar_digest ? tar_digest : "-");
}

/* True iff the cached file `fd` is one we downloaded and verified for
 * this layer: a regular file of the layer's size, owned by us and
 * writable by nobody else, on a local file system, carrying our stamp for
 * this layer and content digest. Nobody but us (and root) can write such
 * a file or set its stamp, so its bytes are the ones that matched when we
 * stamped it, whatever a writer of the cache directory does to the names
 * (a file renamed over it is not ours, or carries another stamp). */
static bool pull_stamped(int fd, const oci_desc *layer, const char *tar_digest)
{
	char want[2 * AE_DIGEST_STR_LEN + 4], got[sizeof(want)];
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)) ||
	    (uint64_t)st.st_size != layer->size || !pull_fs_local(fd))
		return false;
	pull_stamp_text(want, sizeof(want), layer, tar_digest);
	n = fgetxattr(fd, PULL_STAMP, got, sizeof(got) - 1);
	if (n < 0)
		return false;
	got[n] = '\0';
	return strcmp(got, want) == 0;
}

/* Stamps the download `fd` (a file we created, 0600) once its digest and
 * its extraction matched. Best effort: a file system without user
 * extended attributes only costs the next pull a hash. */
void oci__pull_stamp(int fd, const oci_desc *layer, const char *tar_digest)
{
	char v[2 * AE_DIGEST_STR_LEN + 4];

	pull_stamp_text(v, sizeof(v), layer, tar_digest);
	(void)fsetxattr(fd, PULL_STAMP, v, strlen(v), 0);
}

/* The streamed extraction's result counts when it saw every verified
 * byte and did not give up; else (-1) extract the verified bytes again. */
static int pull_stream_verdict(int xrc, const ae_err *xerr, bool whole,
			       bool gave_up, ae_err *err)
{
	if (!whole || gave_up)
		return 1;
	return xrc < 0 ? ae_fail(err, xrc, "%s", xerr->msg) : 0;
}

/* The cached layer, if any: one read that hashes each piece and hands the
 * same piece to the extractor, so what is extracted is what was hashed
 * (a writer of the cache can swap the file, not the bytes we read).
 * *hit false: absent or damaged (then deleted). */
static int pull_layer_cached(bool *hit, const oci__pull_ctx *p,
			     const char *path, const oci_desc *layer, bool gzip,
			     const char *tar_digest, const char *tmpdir,
			     ae_err *err)
{
	oci_untar_stream *us = NULL;
	unsigned char sha[AE_SHA256_LEN];
	ae_err xerr = {0};
	bool gave_up = false;
	uint64_t n = 0;
	int fd = -1, rc, xrc;

	*hit = false;
	rc = ae_open_regular(&fd, NULL, AT_FDCWD, path, err);
	if (rc == AE_ENOTFOUND) {
		ae_err_clear(err);
		return 0;
	}
	if (rc < 0)
		return oci__pull_cache_fault(p, rc, err);
	if (pull_stamped(fd, layer, tar_digest)) {
		/* ours, verified and stamped when we downloaded it: these
		 * bytes are the layer's; extracted from this descriptor */
		oci__untar_opts o = {NULL, false};

		*hit = true;
		rc = oci__tar_extract(fd, gzip, tmpdir, &o, NULL, err);
		close(fd);
		return rc;
	}
	(void)oci__untar_stream_start(&us, gzip, tmpdir, tar_digest, &xerr);
	rc = pull_hash_copy(sha, &n, fd, us, -1, layer->size, err);
	xrc = oci__untar_stream_finish(us, &gave_up, &xerr);
	close(fd);
	if (rc < 0)
		return oci__pull_cache_fault(p, rc, err);
	if (!oci__pull_sha_is(sha, layer->digest) || n != layer->size) {
		unlink(path); /* a damaged cache entry is refetched */
		return pull_empty_dir(tmpdir, err);
	}
	*hit = true;
	rc = pull_stream_verdict(xrc, &xerr, us != NULL, gave_up, err);
	if (rc <= 0)
		return rc;
	rc = pull_layer_copy(&fd, path, layer, tmpdir, err);
	if (rc == 0)
		rc = pull_extract_verified(fd, layer, gzip, tar_digest, tmpdir,
					   err);
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Downloads the layer and extracts it while it arrives (a second thread
 * fed each piece as it is hashed and written; tmpdir is private and only
 * renamed into place after the digest matched). When the download had to
 * start over (the file was rewritten) or the extractor gave up on an
 * unverified bomb, the verified download is extracted again. */
static int pull_layer_fetch(const oci__pull_ctx *p, const char *path,
			    const oci_desc *layer, bool gzip,
			    const char *tar_digest, const char *tmpdir,
			    ae_err *err)
{
	oci__pull_follow f = {gzip, tmpdir, tar_digest, NULL, false};
	ae_err xerr = {0};
	bool gave_up = false;
	uint64_t got = 0;
	int fd = -1, rc, xrc;

	rc = oci__pull_fetch(&fd, &got, p, path, "blobs", layer->digest,
			     layer->size, NULL, &f, err);
	xrc = oci__untar_stream_finish(f.stream, &gave_up, &xerr);
	if (rc == 0 && got != layer->size) {
		unlink(path);
		rc = ae_fail(err, AE_EVERIFY,
			     "%s: size differs from the descriptor",
			     layer->digest);
	}
	if (rc == 0)
		rc = pull_stream_verdict(
			xrc, &xerr, f.stream != NULL && f.whole, gave_up, err);
	if (rc > 0)
		rc = pull_extract_verified(fd, layer, gzip, tar_digest, tmpdir,
					   err);
	if (rc == 0)
		oci__pull_stamp(fd, layer, tar_digest);
	if (fd >= 0)
		close(fd);
	return rc;
}

int oci__pull_layer(const oci__pull_ctx *p, const char *path,
		    const oci_desc *layer, bool gzip, const char *tmpdir,
		    ae_err *err)
{
	const char *td =
		layer->content_digest[0] ? layer->content_digest : NULL;
	bool hit = false;
	int rc = pull_layer_cached(&hit, p, path, layer, gzip, td, tmpdir, err);

	if (rc < 0 || hit)
		return rc;
	if (p->c == NULL)
		return ae_fail(err, AE_ENOTFOUND,
			       "%s is not in the cache (offline)",
			       layer->digest);
	return pull_layer_fetch(p, path, layer, gzip, td, tmpdir, err);
}
