/* oci/untar.c -- safe extraction of a pulled tar(+gzip) layer
 *
 * The layer comes from a registry, so it is hostile until proven otherwise:
 * even a valid digest only says the bytes are the ones the publisher
 * chose. Extraction therefore accepts only what a bundle needs -- regular
 * files and directories with plain relative names -- and refuses absolute
 * paths, `..`, any link, devices, FIFOs, duplicates, and anything past the
 * entry and byte caps (SPEC §7, reference §8.3). Names may come from ustar
 * prefix+name, a PAX `path` record or a GNU long-name entry (Go's
 * archive/tar and ORAS write these); a leading "./" is dropped and the root
 * "." entry skipped. Modes from the archive are ignored: files 0644,
 * directories 0755. Headers are decoded by oci/untar_hdr.c, which refuses
 * what Go's archive/tar or GNU tar would read differently.
 *
 * The byte source counts every tar byte it produces -- headers, padding,
 * metadata and the zeros after the end -- against OCI_UNPACKED_MAX, reads
 * the archive to its very end (the end-of-archive marker is two zero
 * blocks; only zeros may follow it, so no entry hides after the first zero
 * block) and, for gzip, through the trailer: zlib checks the CRC-32 and
 * ISIZE there, and no byte may follow the gzip member. Input that is not
 * verified yet (a layer still downloading) may inflate only
 * OCI__UNVERIFIED_RATIO times what was read; past that the extraction gives
 * up and the caller extracts the verified file instead. When the manifest
 * names the plain tar's digest (ORAS's content-digest annotation), the tar
 * bytes up to the end marker must hash to it.
 */
#include "oci/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#define ZLIB_CONST /* next_in may point at lent, read-only memory */
#include <zlib.h>

#define UT_IO	       (512u * 1024u)
#define UT_LENT_MAX    (1u << 30) /* a lent piece zlib takes at once */
#define UT_NAME_SLOTS  32768	  /* power of 2 >= 2 * OCI_TAR_ENTRIES_MAX */
#define UT_HEADERS_MAX (3 * OCI_TAR_ENTRIES_MAX) /* entries + PAX + L */

/* A byte source: memory, or an fd optionally through inflate. Every byte
 * it hands out is tar content and counted in `out`. */
typedef struct ut_src {
	const unsigned char *mem;
	size_t mem_len, mem_off;
	int fd;		   /* or -1: memory, or `read` when set */
	oci__read_fn read; /* the input, when not a descriptor */
	oci__lend_fn lend; /* ... or lent to us */
	void *read_ctx;
	const unsigned char *lent; /* lent bytes not read yet (plain tar) */
	size_t lent_len;
	bool gzip;
	z_stream z;
	gz_header gzh; /* zlib sets done once the gzip header was read */
	bool z_ready, z_end;
	bool z_own_crc; /* past the header: the CRC-32 is ours (src_inflate) */
	uint32_t crc;	/* of the bytes inflated so far */
	const unsigned char *in_cur; /* the input zlib reads, and its size */
	size_t in_cur_len;
	unsigned char in_last[8]; /* the last 8 bytes of the inputs before */
	uint64_t in;		  /* bytes read from fd (compressed for gzip) */
	uint64_t out;		  /* tar bytes produced */
	bool unverified, gave_up;
	ae_sha256_ctx *hash; /* the tar digest, until the end marker */
	unsigned char tar_sha[AE_SHA256_LEN];
	unsigned char ibuf[UT_IO];
} ut_src;

typedef struct ut_state {
	ut_src *src;
	int destfd;
	ae_tree *tree; /* the sink instead of destfd (oci__tar_extract_tree) */
	oci__pax pax;  /* the pending 'x' records */
	char meta;     /* pending 'x' or 'L', else 0 */
	char **names;  /* open-addressing set, UT_NAME_SLOTS */
	size_t nnames, nheaders;
	char lastdir[OCI__TAR_NAME_MAX]; /* exists, with its parents */
	oci__tar_hdr h;
	char name[OCI__TAR_NAME_MAX];
	unsigned char buf[UT_IO];
} ut_state;

/* Counts n produced bytes: the cap, the unverified ratio, the digest. */
static int src_count(ut_src *s, const unsigned char *p, size_t n, ae_err *err)
{
	s->out += n;
	if (s->out > OCI_UNPACKED_MAX)
		return ae_fail(err, AE_ETOOBIG, "layer unpacks past %llu bytes",
			       (unsigned long long)OCI_UNPACKED_MAX);
	if (s->unverified &&
	    s->out > s->in * OCI__UNVERIFIED_RATIO + OCI__UNVERIFIED_SLACK) {
		s->gave_up = true;
		return ae_fail(err, AE_ETOOBIG,
			       "layer inflates over %d times its size before "
			       "its digest is known",
			       OCI__UNVERIFIED_RATIO);
	}
	if (s->hash != NULL)
		ae_sha256_update(s->hash, p, n);
	return 0;
}

/* Ends the tar digest: ORAS hashes what Go's reader reads, the bytes up
 * to the end-of-archive marker, not the padding after it. */
static void src_hash_close(ut_src *s)
{
	if (s->hash == NULL)
		return;
	ae_sha256_final(s->hash, s->tar_sha);
	ae_sha256_free(s->hash);
	s->hash = NULL;
}

/* A lent piece of the input, counted; *n 0 at the end. */
static int src_lend(ut_src *s, const unsigned char **p, size_t *n, ae_err *err)
{
	int rc = s->lend(s->read_ctx, p, n, err);

	if (rc < 0)
		*n = 0;
	s->in += *n;
	return rc;
}

/* read(2) that retries EINTR and counts; 0 at end of file. */
static int src_raw(ut_src *s, unsigned char *o, size_t n, size_t *got,
		   ae_err *err)
{
	ssize_t r;

	if (s->lend != NULL) { /* a plain tar: copied out of what is lent */
		int rc = s->lent_len > 0
				 ? 0
				 : src_lend(s, &s->lent, &s->lent_len, err);
		*got = s->lent_len < n ? s->lent_len : n;
		if (*got > 0) { /* a lender may end having lent nothing: NULL */
			memcpy(o, s->lent, *got);
			s->lent += *got;
			s->lent_len -= *got;
		}
		return rc;
	}
	if (s->read != NULL) {
		int rc = s->read(s->read_ctx, o, n, got, err);
		s->in += rc == 0 ? (uint64_t)*got : 0;
		return rc;
	}
	do
		r = read(s->fd, o, n);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return ae_fail(err, AE_EIO, "read layer: %s", strerror(errno));
	*got = (size_t)r;
	s->in += (uint64_t)r;
	return 0;
}

/* The next piece of the input where it is: lent, or read into s->ibuf;
 * *n 0 at the end. */
static int src_next(ut_src *s, const unsigned char **p, size_t *n, ae_err *err)
{
	if (s->lend != NULL)
		return src_lend(s, p, n, err);
	*p = s->ibuf;
	return src_raw(s, s->ibuf, sizeof(s->ibuf), n, err);
}

/* After the gzip member: nothing may follow it. */
static int src_gzip_tail(ut_src *s, ae_err *err)
{
	const unsigned char *p = NULL;
	size_t got = 0;
	int rc;

	if (s->z.avail_in > 0)
		return ae_fail(err, AE_EINVAL, "data after the gzip stream");
	rc = src_next(s, &p, &got, err);
	if (rc == 0 && got > 0)
		rc = ae_fail(err, AE_EINVAL, "data after the gzip stream");
	return rc;
}

/* Keeps the last 8 bytes of the input zlib finished with (all of
 * s->in_cur): the gzip trailer may straddle two inputs. */
static void src_input_done(ut_src *s)
{
	size_t k = s->in_cur_len < 8 ? s->in_cur_len : 8;

	memmove(s->in_last, s->in_last + k, 8 - k);
	memcpy(s->in_last + 8 - k, s->in_cur + s->in_cur_len - k, k);
}

/* The member ended: its trailer -- the last 8 bytes zlib consumed, CRC-32
 * and ISIZE, little-endian -- must match what was inflated. zlib checks
 * it too unless told not to compute the CRC (src_inflate does, after the
 * header): the same refusals, in zlib's words. */
static int src_trailer(ut_src *s, ae_err *err)
{
	size_t used = (size_t)(s->z.next_in - s->in_cur), k;
	unsigned char t[8];
	uint32_t crc, isize;

	if (!s->z_own_crc)
		return 0;
	k = used < 8 ? used : 8;
	memcpy(t, s->in_last + k, 8 - k);
	memcpy(t + 8 - k, s->z.next_in - k, k);
	crc = (uint32_t)t[0] | (uint32_t)t[1] << 8 | (uint32_t)t[2] << 16 |
	      (uint32_t)t[3] << 24;
	isize = (uint32_t)t[4] | (uint32_t)t[5] << 8 | (uint32_t)t[6] << 16 |
		(uint32_t)t[7] << 24;
	if (crc != s->crc)
		return ae_fail(err, AE_EINVAL,
			       "gzip stream corrupt: incorrect data check");
	if (isize != (uint32_t)s->z.total_out)
		return ae_fail(err, AE_EINVAL,
			       "gzip stream corrupt: incorrect length check");
	return 0;
}

/* One inflate step into o[0..n); *got may be 0 while headers are read.
 * zlib reads the gzip header (and checks its CRC-16 when it has one);
 * from the first block on, the CRC-32 of the inflated bytes is ours
 * (oci/crc32.c: zlib's own computes it at a third of the speed) and
 * src_trailer checks the trailer. */
static int src_inflate(ut_src *s, unsigned char *o, size_t n, size_t *got,
		       ae_err *err)
{
	const unsigned char *p = NULL;
	size_t in = 0;
	int zrc, rc;

	if (s->z.avail_in == 0) {
		if (s->in_cur != NULL)
			src_input_done(s); /* before a lender reuses it */
		rc = src_next(s, &p, &in, err);
		if (rc < 0)
			return rc;
		if (in == 0)
			return ae_fail(err, AE_EINVAL, "gzip stream truncated");
		if (in > UT_LENT_MAX)
			return ae_fail(err, AE_ERR, "input piece too large");
		s->z.next_in = p;
		s->z.avail_in = (uInt)in;
		s->in_cur = p;
		s->in_cur_len = in;
	}
	s->z.next_out = o;
	s->z.avail_out = (uInt)n;
	zrc = inflate(&s->z, s->z_own_crc ? Z_NO_FLUSH : Z_BLOCK);
	*got = n - s->z.avail_out;
	if (zrc != Z_STREAM_END && zrc != Z_OK && zrc != Z_BUF_ERROR)
		return ae_fail(err, AE_EINVAL, "gzip stream corrupt: %s",
			       s->z.msg ? s->z.msg : "inflate failed");
	if (s->z_own_crc)
		s->crc = oci__crc32(s->crc, o, *got);
	if (zrc == Z_STREAM_END) {
		s->z_end = true; /* zlib matched the trailer, or we do */
		return src_trailer(s, err);
	}
	if (!s->z_own_crc && *got == 0 && s->gzh.done == 1 &&
	    inflateValidate(&s->z, 0) == Z_OK) {
		s->z_own_crc = true; /* nothing was inflated yet */
		s->crc = oci__crc32(0, NULL, 0);
	}
	return 0;
}

/* Up to n tar bytes into o; *got is 0 only at the end of the input (for
 * gzip: after the member's trailer, with nothing after it). */
static int src_some(ut_src *s, unsigned char *o, size_t n, size_t *got,
		    ae_err *err)
{
	int rc = 0;

	*got = 0;
	if (s->fd < 0 && s->read == NULL && s->lend == NULL) {
		*got = s->mem_len - s->mem_off < n ? s->mem_len - s->mem_off
						   : n;
		memcpy(o, s->mem + s->mem_off, *got);
		s->mem_off += *got;
	} else if (!s->gzip) {
		rc = src_raw(s, o, n, got, err);
	} else {
		while (rc == 0 && *got == 0 && !s->z_end)
			rc = src_inflate(s, o, n > UT_IO ? UT_IO : n, got, err);
		if (rc == 0 && *got == 0)
			rc = src_gzip_tail(s, err);
	}
	return rc < 0 ? rc : src_count(s, o, *got, err);
}

/* Reads exactly n bytes; *eof (when not NULL) instead of an error when the
 * input ends before the first byte. */
static int ut_read2(ut_src *s, void *out, size_t n, bool *eof, ae_err *err)
{
	unsigned char *o = out;
	size_t got, done = 0;
	int rc;

	if (eof != NULL)
		*eof = false;
	while (done < n) {
		rc = src_some(s, o + done, n - done, &got, err);
		if (rc < 0)
			return rc;
		if (got == 0 && done == 0 && eof != NULL) {
			*eof = true;
			return 0;
		}
		if (got == 0)
			return ae_fail(err, AE_EINVAL, "tar archive truncated");
		done += got;
	}
	return 0;
}

static int ut_read(ut_src *s, void *out, size_t n, ae_err *err)
{
	return ut_read2(s, out, n, NULL, err);
}

static int ut_skip(ut_state *st, uint64_t n, ae_err *err)
{
	while (n > 0) {
		size_t k = n > UT_IO ? UT_IO : (size_t)n;
		int rc = ut_read(st->src, st->buf, k, err);
		if (rc < 0)
			return rc;
		n -= k;
	}
	return 0;
}

static uint64_t ut_pad(uint64_t size)
{
	return (OCI__TAR_BLOCK - size % OCI__TAR_BLOCK) % OCI__TAR_BLOCK;
}

/* Reads a PAX ('x', 'g') or GNU long-name ('L') body of `size` bytes. */
static int ut_meta(ut_state *st, char type, uint64_t size, ae_err *err)
{
	oci__pax g;
	char *rec;
	int rc;

	if (st->meta != 0 && type != 'g')
		return ae_fail(err, AE_EINVAL,
			       "two metadata headers for one entry (Go and "
			       "GNU tar combine them differently)");
	if (st->meta != 0)
		return ae_fail(err, AE_EINVAL,
			       "a global PAX header between an entry and its "
			       "metadata");
	if (size > OCI__TAR_META_MAX)
		return ae_fail(err, AE_ETOOBIG,
			       "tar metadata record over %u bytes",
			       OCI__TAR_META_MAX);
	rec = malloc((size_t)size + 1);
	if (rec == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	rc = ut_read(st->src, rec, (size_t)size, err);
	if (rc == 0)
		rc = ut_skip(st, ut_pad(size), err);
	if (rc == 0 && type == 'x')
		rc = oci__tar_pax(&st->pax, rec, (size_t)size, false, err);
	if (rc == 0 && type == 'g')
		rc = oci__tar_pax(&g, rec, (size_t)size, true, err);
	if (rc == 0 && type == 'L') {
		size_t n = strnlen(rec, (size_t)size);
		if (n == 0 || n >= sizeof(st->pax.path))
			rc = ae_fail(err, AE_EINVAL, "bad GNU long name");
		else {
			memcpy(st->pax.path, rec, n);
			st->pax.path[n] = '\0';
			st->pax.has_path = true;
		}
	}
	if (rc == 0 && type != 'g')
		st->meta = type;
	free(rec);
	return rc;
}

/* Normalises and checks a name in place; *skip_out for the root entry. */
static int ut_name_check(char *name, bool *skip_out, ae_err *err)
{
	char r[AE_REPR_BUF];
	size_t n;
	int depth = 0;

	*skip_out = false;
	while (name[0] == '.' && name[1] == '/')
		memmove(name, name + 2, strlen(name + 2) + 1);
	n = strlen(name);
	while (n > 0 && name[n - 1] == '/')
		name[--n] = '\0';
	if (n == 0 || strcmp(name, ".") == 0) {
		*skip_out = true;
		return 0;
	}
	if (name[0] == '/')
		return ae_fail(err, AE_EINVAL, "absolute path in layer: %s",
			       ae_repr(r, sizeof(r), name, n));
	for (char *p = name; p != NULL;) {
		char *slash = strchr(p, '/');
		if (slash != NULL)
			*slash = '\0';
		if (!ae_path_element_is_plain(p)) {
			bool dots = strcmp(p, "..") == 0;
			if (slash != NULL)
				*slash = '/';
			return ae_fail(err, AE_EINVAL, "%s in layer: %s",
				       dots ? "'..' path" : "non-plain name",
				       ae_repr(r, sizeof(r), name, n));
		}
		if (++depth > OCI_TAR_DEPTH_MAX)
			return ae_fail(err, AE_ETOOBIG,
				       "layer nests deeper than %d",
				       OCI_TAR_DEPTH_MAX);
		if (slash == NULL)
			break;
		*slash = '/';
		p = slash + 1;
	}
	return 0;
}

/* FNV-1a, for the name set. */
static uint64_t ut_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* Adds `name` to the set of entries seen: a duplicate is refused (a hash
 * set: 10,000 long names cost no quadratic comparisons). */
static int ut_seen(ut_state *st, const char *name, ae_err *err)
{
	char r[AE_REPR_BUF];
	size_t i = (size_t)ut_hash(name) & (UT_NAME_SLOTS - 1);

	if (st->names == NULL) {
		st->names = calloc(UT_NAME_SLOTS, sizeof(*st->names));
		if (st->names == NULL)
			return ae_fail(err, AE_ERR, "out of memory");
	}
	for (; st->names[i] != NULL; i = (i + 1) & (UT_NAME_SLOTS - 1))
		if (strcmp(st->names[i], name) == 0)
			return ae_fail(
				err, AE_EINVAL, "duplicate entry in layer: %s",
				ae_repr(r, sizeof(r), name, strlen(name)));
	if (st->nnames >= OCI_TAR_ENTRIES_MAX)
		return ae_fail(err, AE_ETOOBIG, "layer has over %d entries",
			       OCI_TAR_ENTRIES_MAX);
	st->names[i] = strdup(name);
	if (st->names[i] == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	st->nnames++;
	return 0;
}

/* True iff directory `dir` is st->lastdir or one of its ancestors. */
static bool ut_dir_known(const ut_state *st, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(st->lastdir, dir, n) == 0 &&
	       (st->lastdir[n] == '\0' || st->lastdir[n] == '/');
}

/* ut_mkdirs in memory: one level of `dir`. */
static int ut_tree_mkdir(ut_state *st, const char *dir, ae_err *err)
{
	if (ae_tree_kind_of(st->tree, dir) == AE_TREE_FILE)
		return ae_fail(err, AE_EINVAL,
			       "layer puts a directory where a file is");
	return ae_tree_mkdir(st->tree, dir, err);
}

/* Creates directory `dir` (a checked relative path) and its parents. */
static int ut_mkdirs(ut_state *st, char *dir, ae_err *err)
{
	if (dir[0] == '\0' || ut_dir_known(st, dir))
		return 0;
	for (char *p = dir;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		{
			char save = *p;
			struct stat sb;
			*p = '\0';
			if (st->tree != NULL) {
				/* the same rule in memory: a directory may
				 * not replace a file */
				int rc = ut_tree_mkdir(st, dir, err);
				*p = save;
				if (rc < 0)
					return rc;
				if (*p == '\0')
					break;
				continue;
			}
			if (mkdirat(st->destfd, dir, 0755) != 0 &&
			    errno != EEXIST) {
				*p = save;
				return ae_fail(err, AE_EIO, "mkdir: %s",
					       strerror(errno));
			}
			if (fstatat(st->destfd, dir, &sb,
				    AT_SYMLINK_NOFOLLOW) != 0 ||
			    !S_ISDIR(sb.st_mode)) {
				*p = save;
				return ae_fail(err, AE_EINVAL,
					       "layer puts a directory where "
					       "a file is");
			}
			*p = save;
		}
		if (*p == '\0')
			break;
	}
	memcpy(st->lastdir, dir, strlen(dir) + 1);
	return 0;
}

/* Writes n bytes of st->buf to fd. */
static int ut_write(int fd, const unsigned char *b, size_t n, const char *name,
		    ae_err *err)
{
	for (size_t off = 0; off < n;) {
		ssize_t w = write(fd, b + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return ae_fail(err, AE_EIO, "write %s: %s", name,
				       strerror(errno));
		off += (size_t)w;
	}
	return 0;
}

/* ut_file in memory: the body read into the tree (the same reads, so
 * the same counting and the same errors as on disk). */
static int ut_tree_file(ut_state *st, const char *name, uint64_t size,
			ae_err *err)
{
	unsigned char *data;
	int rc = 0;

	/* O_EXCL's answer on disk: nothing may be there yet */
	if (ae_tree_kind_of(st->tree, name) != AE_TREE_NONE)
		return ae_fail(err, AE_EINVAL, "create %s: %s", name,
			       strerror(EEXIST));
	/* the tree's cap before the body is read: a large file is never
	 * allocated (the caller then extracts to disk) */
	rc = ae_tree_room(st->tree, size, err);
	if (rc < 0)
		return rc;
	data = malloc(size > 0 ? (size_t)size : 1);
	if (data == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (uint64_t off = 0; rc == 0 && off < size;) {
		size_t k = size - off > UT_IO ? UT_IO : (size_t)(size - off);
		rc = ut_read(st->src, data + off, k, err);
		off += k;
	}
	if (rc == 0)
		rc = ae_tree_add(st->tree, name, data, (size_t)size, false,
				 err);
	else
		free(data);
	if (rc == 0)
		rc = ut_skip(st, ut_pad(size), err);
	return rc;
}

static int ut_file(ut_state *st, char *name, uint64_t size, ae_err *err)
{
	int fd, rc;
	uint64_t left = size;
	char *slash = strrchr(name, '/');

	if (slash != NULL) {
		*slash = '\0';
		rc = ut_mkdirs(st, name, err);
		*slash = '/';
		if (rc < 0)
			return rc;
	}
	if (size > OCI_UNPACKED_MAX)
		return ae_fail(err, AE_ETOOBIG, "layer unpacks past %llu bytes",
			       (unsigned long long)OCI_UNPACKED_MAX);
	if (st->tree != NULL)
		return ut_tree_file(st, name, size, err);
	fd = openat(st->destfd, name,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return ae_fail(err, errno == EEXIST ? AE_EINVAL : AE_EIO,
			       "create %s: %s", name, strerror(errno));
	rc = 0;
	while (left > 0 && rc == 0) {
		size_t k = left > UT_IO ? UT_IO : (size_t)left;
		rc = ut_read(st->src, st->buf, k, err);
		if (rc == 0)
			rc = ut_write(fd, st->buf, k, name, err);
		left -= k;
	}
	if (close(fd) != 0 && rc == 0)
		rc = ae_fail(err, AE_EIO, "close %s", name);
	if (rc == 0)
		rc = ut_skip(st, ut_pad(size), err);
	return rc;
}

/* Handles one non-zero header block. */
static int ut_entry(ut_state *st, const unsigned char b[OCI__TAR_BLOCK],
		    ae_err *err)
{
	oci__tar_hdr *h = &st->h;
	bool skip = false;
	int rc;

	if (++st->nheaders > UT_HEADERS_MAX)
		return ae_fail(err, AE_ETOOBIG, "layer has over %d headers",
			       UT_HEADERS_MAX);
	rc = oci__tar_header(h, b, err);
	if (rc < 0)
		return rc;
	if (h->type == 'x' || h->type == 'L' || h->type == 'g')
		return ut_meta(st, h->type, h->size, err);
	if (h->type != '0' && h->type != '\0' && h->type != '5')
		return ae_fail(err, AE_EINVAL,
			       "layer entry type '%c' refused (links, devices "
			       "and FIFOs are never extracted)",
			       (h->type >= 0x20 && h->type < 0x7f) ? h->type
								   : '?');
	memcpy(st->name, st->pax.has_path ? st->pax.path : h->name,
	       strlen(st->pax.has_path ? st->pax.path : h->name) + 1);
	if (st->pax.has_size)
		h->size = st->pax.size;
	if (h->type == '5' && h->size != 0)
		return ae_fail(err, AE_EINVAL, "a directory entry with a size");
	memset(&st->pax, 0, sizeof(st->pax));
	st->meta = 0;
	rc = ut_name_check(st->name, &skip, err);
	if (rc == 0 && skip)
		return h->type == '5'
			       ? 0
			       : ae_fail(err, AE_EINVAL,
					 "layer file with an empty name");
	if (rc == 0)
		rc = ut_seen(st, st->name, err);
	if (rc < 0)
		return rc;
	if (h->type != '5')
		return ut_file(st, st->name, h->size, err);
	return ut_mkdirs(st, st->name, err);
}

/* After the first zero block: a second one (or the end of the input) ends
 * the archive; only zeros may follow, up to the end of the input. */
static int ut_end(ut_state *st, ae_err *err)
{
	static const unsigned char zero[OCI__TAR_BLOCK];
	unsigned char *b = st->buf;
	bool eof = false;
	size_t got = 0;
	int rc;

	rc = ut_read2(st->src, b, OCI__TAR_BLOCK, &eof, err);
	if (rc == 0 && !eof && memcmp(b, zero, OCI__TAR_BLOCK) != 0)
		rc = ae_fail(err, AE_EINVAL,
			     "an entry after a zero block (tar readers stop "
			     "at the end-of-archive marker)");
	if (rc == 0 && (st->meta != 0))
		rc = ae_fail(err, AE_EINVAL, "PAX header without an entry");
	src_hash_close(st->src);
	while (rc == 0 && !eof) {
		rc = src_some(st->src, b, UT_IO, &got, err);
		for (size_t i = 0; rc == 0 && i < got; i++)
			if (b[i] != 0)
				rc = ae_fail(err, AE_EINVAL,
					     "data after the end-of-archive "
					     "marker");
		eof = got == 0;
	}
	return rc;
}

static int ut_loop(ut_state *st, ae_err *err)
{
	static const unsigned char zero[OCI__TAR_BLOCK];
	unsigned char h[OCI__TAR_BLOCK];
	int rc;

	for (;;) {
		rc = ut_read(st->src, h, OCI__TAR_BLOCK, err);
		if (rc < 0)
			return rc;
		if (memcmp(h, zero, OCI__TAR_BLOCK) == 0)
			return ut_end(st, err);
		rc = ut_entry(st, h, err);
		if (rc < 0)
			return rc;
	}
}

/* Checks the tar digest against the expected one, once the input ended. */
static int ut_digest_check(const ut_src *s, const char *want, ae_err *err)
{
	char got[AE_DIGEST_STR_LEN];

	ae_digest_format(got, s->tar_sha);
	if (strcmp(got, want) != 0)
		return ae_fail(err, AE_EVERIFY,
			       "the layer's tar hashes to %s, its "
			       "content-digest annotation says %s",
			       got, want);
	return 0;
}

static int ut_run(ut_src *src, const char *dest, ae_tree *tree,
		  const oci__untar_opts *o, ae_err *err)
{
	ut_state *st = calloc(1, sizeof(*st));
	int rc = 0;

	if (st == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	st->src = src;
	st->tree = tree;
	src->unverified = o != NULL && o->unverified;
	if (o != NULL && o->tar_digest != NULL &&
	    !ae_digest_is_valid(o->tar_digest))
		rc = ae_fail(err, AE_EINVAL,
			     "content-digest annotation is not a sha256 "
			     "digest");
	if (rc == 0 && o != NULL && o->tar_digest != NULL)
		rc = ae_sha256_new(&src->hash, err);
	st->destfd = rc < 0 || tree != NULL
			     ? -1
			     : open(dest, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
						  O_CLOEXEC);
	if (rc == 0 && tree == NULL && st->destfd < 0)
		rc = ae_fail(err, AE_EIO, "open %s: %s", dest, strerror(errno));
	if (rc == 0)
		rc = ut_loop(st, err);
	if (rc == 0 && o != NULL && o->tar_digest != NULL)
		rc = ut_digest_check(src, o->tar_digest, err);
	ae_sha256_free(src->hash);
	src->hash = NULL;
	if (st->destfd >= 0)
		close(st->destfd);
	for (size_t i = 0; st->names != NULL && i < UT_NAME_SLOTS; i++)
		free(st->names[i]);
	free(st->names);
	free(st);
	return rc;
}

int oci_tar_extract_mem(const unsigned char *buf, size_t len, const char *dest,
			ae_err *err)
{
	ut_src *src = calloc(1, sizeof(*src));
	int rc;

	if (src == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	src->mem = buf ? buf : (const unsigned char *)"";
	src->mem_len = buf ? len : 0;
	src->fd = -1;
	rc = ut_run(src, dest, NULL, NULL, err);
	free(src);
	return rc;
}

/* Extracts from a descriptor (`fd` >= 0), from `read` or from `lend`,
 * into `dest` or, when set, `tree`. */
static int ut_extract(int fd, oci__read_fn read, oci__lend_fn lend, void *ctx,
		      bool gzip, const char *dest, ae_tree *tree,
		      const oci__untar_opts *o, bool *gave_up, ae_err *err)
{
	ut_src *src = calloc(1, sizeof(*src));
	int rc;

	if (gave_up != NULL)
		*gave_up = false;
	if (src == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	src->fd = fd;
	src->read = read;
	src->lend = lend;
	src->read_ctx = ctx;
	src->gzip = gzip;
	if (gzip) {
		if (inflateInit2(&src->z, 15 + 16) != Z_OK) {
			free(src);
			return ae_fail(err, AE_ERR, "inflateInit2 failed");
		}
		src->z_ready = true;
		(void)inflateGetHeader(&src->z, &src->gzh);
	}
	rc = ut_run(src, dest, tree, o, err);
	if (gave_up != NULL)
		*gave_up = rc < 0 && src->gave_up;
	if (src->z_ready)
		inflateEnd(&src->z);
	free(src);
	return rc;
}

int oci__tar_extract(int fd, bool gzip, const char *dest,
		     const oci__untar_opts *o, bool *gave_up, ae_err *err)
{
	return ut_extract(fd, NULL, NULL, NULL, gzip, dest, NULL, o, gave_up,
			  err);
}

int oci__tar_extract_from(oci__read_fn read, void *ctx, bool gzip,
			  const char *dest, const oci__untar_opts *o,
			  bool *gave_up, ae_err *err)
{
	return ut_extract(-1, read, NULL, ctx, gzip, dest, NULL, o, gave_up,
			  err);
}

int oci__tar_extract_lent(oci__lend_fn lend, void *ctx, bool gzip,
			  const char *dest, const oci__untar_opts *o,
			  bool *gave_up, ae_err *err)
{
	return ut_extract(-1, NULL, lend, ctx, gzip, dest, NULL, o, gave_up,
			  err);
}

int oci__tar_extract_tree(oci__lend_fn lend, void *ctx, bool gzip,
			  ae_tree *tree, const oci__untar_opts *o, ae_err *err)
{
	AE_ASSERT_ARG(tree != NULL, err);
	return ut_extract(-1, NULL, lend, ctx, gzip, NULL, tree, o, NULL, err);
}

int oci_tar_extract_fd(int fd, bool gzip, const char *dest, ae_err *err)
{
	return oci__tar_extract(fd, gzip, dest, NULL, NULL, err);
}
