/* oci/pull_mem.c -- the layer of a pull into memory (issue 17)
 *
 * `ledger --verify` and `check --verify-signatures` verify many small
 * cached bundles; oci_pull_tree keeps each one's files in memory instead
 * of a scratch directory. The rules of oci/pull_layer.c hold, more simply:
 * the layer (at most OCI_MEM_LAYER_MAX bytes: its declared size is known
 * before a byte is read) is read whole into memory through one
 * descriptor, hashed there, and only when its size and digest match are
 * those same bytes handed to the one tar reader (oci/untar.c, a tree as
 * its sink). Nothing is read twice and nothing is reopened by path, so a
 * writer of the cache can swap the file, never the bytes used; a file
 * system that gives back other bytes than were written (a FUSE mount)
 * fails the digest. Since every byte is hashed before extraction starts,
 * no unverified byte is inflated at all and the xattr stamp is not needed
 * to trust a cached layer (it is still set on a download, for oci_pull). A
 * cached layer that does not match is removed and fetched again (online)
 * or not found (offline), as oci_pull does.
 */
#include "oci/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The layer's bytes in memory, lent whole (oci__lend_fn): inflated or
 * read where they are, never copied. */
typedef struct mem_src {
	const unsigned char *p;
	size_t len, off;
} mem_src;

static int mem_lend(void *ctx, const unsigned char **p, size_t *got,
		    ae_err *err)
{
	mem_src *m = ctx;

	(void)err;
	*p = m->p + m->off;
	*got = m->len - m->off;
	m->off = m->len;
	return 0;
}

/* Reads all of `fd` (from its current offset) into `out`, at most `max`
 * bytes plus one (a longer file cannot match), and hashes what it read.
 * *n_out is the count read. */
static int mem_slurp(unsigned char **out, size_t *n_out,
		     unsigned char sha[AE_SHA256_LEN], int fd, size_t max,
		     ae_err *err)
{
	unsigned char *buf = malloc(max + 1);
	size_t n = 0;
	ssize_t got = 1;

	*out = NULL;
	*n_out = 0;
	if (buf == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	while (n <= max && got > 0) {
		got = read(fd, buf + n, max + 1 - n);
		if (got < 0 && errno == EINTR) {
			got = 1;
			continue;
		}
		if (got < 0) {
			free(buf);
			return ae_fail(err, AE_EIO, "read cached layer: %s",
				       strerror(errno));
		}
		n += (size_t)got;
	}
	ae_sha256(sha, buf, n);
	*out = buf;
	*n_out = n;
	return 0;
}

/* True iff (sha, n) are the layer's digest and size. */
static bool mem_matches(const unsigned char sha[AE_SHA256_LEN], size_t n,
			const oci_desc *layer)
{
	return n == layer->size && oci__pull_sha_is(sha, layer->digest);
}

int oci__pull_layer_tree(const oci__pull_ctx *p, const char *path,
			 const oci_desc *layer, bool gzip, ae_tree *tree,
			 ae_err *err)
{
	const char *td =
		layer->content_digest[0] ? layer->content_digest : NULL;
	oci__untar_opts o = {td, false};
	unsigned char sha[AE_SHA256_LEN], *buf = NULL;
	uint64_t got = 0;
	size_t n = 0;
	bool fetched = false;
	int fd = -1, rc;

	if (layer->size > OCI_MEM_LAYER_MAX) {
		(void)ae_tree_room(tree, UINT64_MAX, NULL); /* marks it full */
		return ae_fail(err, AE_ETOOBIG,
			       "layer of %llu bytes: over the %u MiB kept in "
			       "memory",
			       (unsigned long long)layer->size,
			       OCI_MEM_LAYER_MAX >> 20);
	}
	rc = ae_open_regular(&fd, NULL, AT_FDCWD, path, err);
	if (rc < 0 && rc != AE_ENOTFOUND)
		return oci__pull_cache_fault(p, rc, err);
	if (rc == 0) {
		rc = mem_slurp(&buf, &n, sha, fd, (size_t)layer->size, err);
		close(fd);
		fd = -1;
		if (rc < 0)
			return oci__pull_cache_fault(p, rc, err);
		if (!mem_matches(sha, n, layer)) {
			free(buf);
			buf = NULL;
			unlink(path); /* a damaged cache entry is refetched */
		}
	}
	ae_err_clear(err);
	if (buf == NULL && p->c == NULL)
		return ae_fail(err, AE_ENOTFOUND,
			       "%s is not in the cache (offline)",
			       layer->digest);
	if (buf == NULL) {
		rc = oci__pull_fetch(&fd, &got, p, path, "blobs", layer->digest,
				     layer->size, NULL, NULL, err);
		if (rc == 0 && got != layer->size) {
			unlink(path);
			rc = ae_fail(err, AE_EVERIFY,
				     "%s: size differs from the descriptor",
				     layer->digest);
		}
		if (rc == 0 && lseek(fd, 0, SEEK_SET) != 0)
			rc = ae_fail(err, AE_EIO, "rewind: %s",
				     strerror(errno));
		/* read back and hashed again: a file system another user
		 * controls need not give back what was written */
		if (rc == 0)
			rc = mem_slurp(&buf, &n, sha, fd, (size_t)layer->size,
				       err);
		if (rc == 0 && !mem_matches(sha, n, layer))
			rc = ae_fail(err, AE_EVERIFY,
				     "%s changed after it was verified",
				     layer->digest);
		fetched = true;
	}
	if (rc == 0) {
		mem_src m = {buf, n, 0};
		rc = oci__tar_extract_tree(mem_lend, &m, gzip, tree, &o, err);
	}
	if (rc == 0 && fetched)
		oci__pull_stamp(fd, layer, td);
	if (fd >= 0)
		close(fd);
	free(buf);
	return rc;
}
