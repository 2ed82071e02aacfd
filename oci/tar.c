/* oci/tar.c -- the deterministic tar+gzip writer for a bundle tree
 *
 * The layer must be byte-identical for an identical tree on any machine,
 * so the manifest digest can be signed before anything is pushed (SPEC §3).
 * Everything a tar header could leak from the host is fixed: entries sorted
 * bytewise by their tar name, explicit directory entries ("ctrf/"), modes
 * 0644/0755, uid/gid 0, empty user/group names, mtime 0, POSIX ustar magic.
 * The gzip member is written here, not by zlib's deflate: a fixed header
 * (mtime 0, no name, XFL 0, OS byte 255 as Go's compress/gzip writes it,
 * reference §8.1) and *stored* deflate blocks of 65535 bytes (RFC 1951
 * §3.2.4). Compressed output would depend on the deflate implementation
 * and version (zlib, zlib-ng, Go's), so a bundle signed on one machine
 * could get another digest when pushed from another; stored blocks are
 * fully specified by this file. It also keeps packing at memory speed
 * (bundles are small text; the registry stores them either way). zlib
 * provides only crc32. Data is streamed: a file is read in blocks, hashed
 * and written, so memory does not grow with the bundle.
 */
#include "oci/internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define TAR_BLOCK      512
#define TAR_IO	       (256u * 1024u)
#define TAR_STORED_MAX 65535u /* one stored deflate block (RFC 1951) */

typedef struct tar_entry {
	char *name; /* tar name: "a/b" or "a/" for a directory */
	bool dir;
	uint64_t size;
} tar_entry;

typedef struct tar_list {
	tar_entry *v;
	size_t n, alloc;
} tar_list;

/* The output side: tar bytes → tar hash → stored deflate blocks → fd + gz
 * hash. `blk` holds one stored block being filled (5 header bytes, then up
 * to 65535 data bytes). */
typedef struct tar_out {
	int fd;
	ae_sha256_ctx *tar_hash;
	ae_sha256_ctx *gz_hash;
	uint64_t gz_size;
	uLong crc;
	uint32_t isize; /* input size mod 2^32 (RFC 1952 ISIZE) */
	size_t blk_len;
	unsigned char blk[5 + TAR_STORED_MAX];
} tar_out;

static void tar_list_dispose(tar_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int tar_list_add(tar_list *l, char *name, bool dir, uint64_t size,
			ae_err *err)
{
	if (l->n >= OCI_TAR_ENTRIES_MAX) {
		free(name);
		return ae_fail(err, AE_ETOOBIG, "bundle has over %d entries",
			       OCI_TAR_ENTRIES_MAX);
	}
	if (l->n == l->alloc) {
		size_t na = l->alloc ? l->alloc * 2 : 32;
		tar_entry *nv = realloc(l->v, na * sizeof(*nv));
		if (nv == NULL) {
			free(name);
			return ae_fail(err, AE_ERR, "out of memory");
		}
		l->v = nv;
		l->alloc = na;
	}
	l->v[l->n].name = name;
	l->v[l->n].dir = dir;
	l->v[l->n].size = size;
	l->n++;
	return 0;
}

/* Joins "prefix" + "name" (+ "/" for a directory) into a new string. */
static char *tar_join(const char *prefix, const char *name, bool dir)
{
	size_t a = strlen(prefix), b = strlen(name);
	char *s = malloc(a + b + 2);

	if (s == NULL)
		return NULL;
	memcpy(s, prefix, a);
	memcpy(s + a, name, b);
	s[a + b] = dir ? '/' : '\0';
	s[a + b + 1] = '\0';
	return s;
}

static int tar_walk(tar_list *l, int dirfd, const char *prefix, int depth,
		    ae_err *err);

/* Adds one directory entry `name` of the directory open at `dirfd`. */
static int tar_walk_one(tar_list *l, int dirfd, const char *prefix,
			const char *name, int depth, ae_err *err)
{
	char r[AE_REPR_BUF];
	struct stat st;
	char *full;
	int rc, sub;

	if (!ae_path_element_is_plain(name))
		return ae_fail(err, AE_EINVAL, "%s: not a plain file name",
			       ae_repr(r, sizeof(r), name, strlen(name)));
	/* attestation.intoto.jsonl signs this artifact's digest: it travels
	 * as the referrer, never inside the layer (reference §8.2). */
	if (depth == 0 && strcmp(name, OCI_ATTESTATION_FILE) == 0)
		return 0;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return ae_fail(err, AE_EIO, "stat %s: %s",
			       ae_repr(r, sizeof(r), name, strlen(name)),
			       strerror(errno));
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
		return ae_fail(err, AE_EINVAL,
			       "%s%s: only regular files and directories "
			       "are packed",
			       prefix,
			       ae_repr(r, sizeof(r), name, strlen(name)));
	full = tar_join(prefix, name, S_ISDIR(st.st_mode));
	if (full == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	rc = tar_list_add(l, full, S_ISDIR(st.st_mode),
			  S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0, err);
	if (rc < 0 || !S_ISDIR(st.st_mode))
		return rc;
	if (depth + 1 >= OCI_TAR_DEPTH_MAX)
		return ae_fail(err, AE_ETOOBIG,
			       "bundle nests deeper than %d directories",
			       OCI_TAR_DEPTH_MAX);
	sub = openat(dirfd, name,
		     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub < 0)
		return ae_fail(err, AE_EIO, "open directory %s: %s", full,
			       strerror(errno));
	return tar_walk(l, sub, l->v[l->n - 1].name, depth + 1, err);
}

/* Lists the directory open at `dirfd` (closed here) recursively. */
static int tar_walk(tar_list *l, int dirfd, const char *prefix, int depth,
		    ae_err *err)
{
	DIR *d = fdopendir(dirfd);
	struct dirent *de;
	int rc = 0;

	if (d == NULL) {
		close(dirfd);
		return ae_fail(err, AE_EIO, "read directory: %s",
			       strerror(errno));
	}
	while (rc == 0) {
		errno = 0;
		de = readdir(d);
		if (de == NULL) {
			if (errno != 0)
				rc = ae_fail(err, AE_EIO, "read directory: %s",
					     strerror(errno));
			break;
		}
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		rc = tar_walk_one(l, dirfd, prefix, de->d_name, depth, err);
	}
	closedir(d);
	return rc;
}

static int tar_cmp(const void *a, const void *b)
{
	return strcmp(((const tar_entry *)a)->name,
		      ((const tar_entry *)b)->name);
}

/* Writes gzip bytes to the layer file and its hash. */
static int tar_out_write(tar_out *o, const unsigned char *p, size_t n,
			 ae_err *err)
{
	ae_sha256_update(o->gz_hash, p, n);
	o->gz_size += n;
	for (size_t off = 0; off < n;) {
		ssize_t w = write(o->fd, p + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return ae_fail(err, AE_EIO, "write layer: %s",
				       strerror(errno));
		off += (size_t)w;
	}
	return 0;
}

/* Emits the filled stored block (RFC 1951 §3.2.4: BFINAL, BTYPE 00, then
 * byte-aligned LEN and its one's complement NLEN, little-endian). */
static int tar_flush_block(tar_out *o, bool final, ae_err *err)
{
	uint16_t n = (uint16_t)o->blk_len;

	o->blk[0] = final ? 1 : 0;
	o->blk[1] = (unsigned char)(n & 0xff);
	o->blk[2] = (unsigned char)(n >> 8);
	o->blk[3] = (unsigned char)(~n & 0xff);
	o->blk[4] = (unsigned char)((uint16_t)~n >> 8);
	o->blk_len = 0;
	return tar_out_write(o, o->blk, 5 + (size_t)n, err);
}

/* Feeds `len` bytes of tar stream; `final` closes the gzip member with
 * the CRC-32 and ISIZE trailer (RFC 1952 §2.3). */
static int tar_emit(tar_out *o, const void *data, size_t len, bool final,
		    ae_err *err)
{
	const unsigned char *p = data;
	int rc = 0;

	if (len > 0) {
		ae_sha256_update(o->tar_hash, data, len);
		o->crc = crc32(o->crc, p, (uInt)len);
		o->isize += (uint32_t)len;
	}
	while (len > 0 && rc == 0) {
		size_t k = TAR_STORED_MAX - o->blk_len;
		if (k > len)
			k = len;
		memcpy(o->blk + 5 + o->blk_len, p, k);
		o->blk_len += k;
		p += k;
		len -= k;
		if (o->blk_len == TAR_STORED_MAX)
			rc = tar_flush_block(o, false, err);
	}
	if (rc == 0 && final) {
		unsigned char t[8];
		for (int i = 0; i < 4; i++) {
			t[i] = (unsigned char)(o->crc >> (8 * i));
			t[4 + i] = (unsigned char)(o->isize >> (8 * i));
		}
		rc = tar_flush_block(o, true, err);
		if (rc == 0)
			rc = tar_out_write(o, t, sizeof(t), err);
	}
	return rc;
}

static void tar_octal(char *field, size_t width, uint64_t v)
{
	/* width-1 octal digits, then NUL (ustar numeric field) */
	field[width - 1] = '\0';
	for (size_t i = width - 1; i > 0; i--) {
		field[i - 1] = (char)('0' + (v & 7));
		v >>= 3;
	}
}

/* Fills a ustar header. Names over 100 bytes are split into prefix/name at
 * a '/'; AE_ETOOBIG if that is impossible. */
static int tar_header(unsigned char h[TAR_BLOCK], const tar_entry *e,
		      ae_err *err)
{
	size_t n = strlen(e->name);
	const char *name = e->name;
	unsigned sum = 0;

	memset(h, 0, TAR_BLOCK);
	if (n > 100) {
		const char *cut = NULL;
		for (const char *p = e->name; *p; p++)
			if (*p == '/' && p[1] != '\0' &&
			    (size_t)(p - e->name) <= 155 &&
			    strlen(p + 1) <= 100)
				cut = p;
		if (cut == NULL)
			return ae_fail(err, AE_ETOOBIG,
				       "path too long for a tar header");
		memcpy(h + 345, e->name, (size_t)(cut - e->name));
		name = cut + 1;
	}
	memcpy(h, name, strlen(name));
	tar_octal((char *)h + 100, 8, e->dir ? 0755 : 0644);
	tar_octal((char *)h + 108, 8, 0);
	tar_octal((char *)h + 116, 8, 0);
	tar_octal((char *)h + 124, 12, e->size);
	tar_octal((char *)h + 136, 12, 0);
	h[156] = e->dir ? '5' : '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memset(h + 148, ' ', 8);
	for (size_t i = 0; i < TAR_BLOCK; i++)
		sum += h[i];
	tar_octal((char *)h + 148, 7, sum);
	h[155] = ' ';
	return 0;
}

/* Streams one regular file's bytes; its size must not have changed since
 * the walk (the header already carries it). */
static int tar_copy_file(tar_out *o, const char *root, const tar_entry *e,
			 unsigned char *buf, ae_err *err)
{
	int fd = -1, rootfd = -1, rc = 0;
	uint64_t size = 0, left;

	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return ae_fail(err, AE_EIO, "open %s: %s", root,
			       strerror(errno));
	rc = ae_open_regular(&fd, &size, rootfd, e->name, err);
	if (rc < 0)
		goto done;
	if (size != e->size) {
		rc = ae_fail(err, AE_EINVAL, "%s changed while packing",
			     e->name);
		goto done;
	}
	for (left = size; left > 0 && rc == 0;) {
		ssize_t got = read(fd, buf, left < TAR_IO ? left : TAR_IO);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			rc = ae_fail(err, AE_EIO, "read %s: %s", e->name,
				     got < 0 ? strerror(errno) : "short");
			break;
		}
		rc = tar_emit(o, buf, (size_t)got, false, err);
		left -= (uint64_t)got;
	}
	if (rc == 0 && size % TAR_BLOCK != 0) {
		static const unsigned char zero[TAR_BLOCK];
		rc = tar_emit(o, zero, TAR_BLOCK - size % TAR_BLOCK, false,
			      err);
	}
done:
	if (fd >= 0)
		close(fd);
	close(rootfd);
	return rc;
}

static int tar_out_open(tar_out *o, int fd, ae_err *err)
{
	/* RFC 1952 header: deflate, no flags, mtime 0, XFL 0, OS 255 */
	static const unsigned char hdr[10] = {0x1f, 0x8b, 8, 0, 0,
					      0,    0,	  0, 0, 255};
	int rc;

	o->fd = fd;
	o->crc = crc32(0L, Z_NULL, 0);
	rc = ae_sha256_new(&o->tar_hash, err);
	if (rc == 0)
		rc = ae_sha256_new(&o->gz_hash, err);
	if (rc == 0)
		rc = tar_out_write(o, hdr, sizeof(hdr), err);
	return rc;
}

static void tar_out_dispose(tar_out *o)
{
	ae_sha256_free(o->tar_hash);
	ae_sha256_free(o->gz_hash);
}

static int tar_write_entries(tar_out *o, const char *dir, const tar_list *l,
			     ae_err *err)
{
	static const unsigned char zero[2 * TAR_BLOCK];
	unsigned char h[TAR_BLOCK];
	unsigned char *buf = malloc(TAR_IO);
	int rc = 0;

	if (buf == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t i = 0; i < l->n && rc == 0; i++) {
		rc = tar_header(h, &l->v[i], err);
		if (rc == 0)
			rc = tar_emit(o, h, TAR_BLOCK, false, err);
		if (rc == 0 && !l->v[i].dir)
			rc = tar_copy_file(o, dir, &l->v[i], buf, err);
	}
	if (rc == 0)
		rc = tar_emit(o, zero, sizeof(zero), true, err);
	free(buf);
	return rc;
}

int oci__tar_write_dir(int fd, const char *dir, char tar_digest[],
		       char gz_digest[], uint64_t *gz_size_out,
		       size_t *entries_out, ae_err *err)
{
	tar_list l = {0};
	tar_out *o = calloc(1, sizeof(*o));
	unsigned char sha[AE_SHA256_LEN];
	int dirfd, rc;

	if (o == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd < 0) {
		free(o);
		return ae_fail(err, errno == ENOENT ? AE_ENOTFOUND : AE_EIO,
			       "open bundle directory: %s", strerror(errno));
	}
	rc = tar_walk(&l, dirfd, "", 0, err);
	if (rc < 0)
		goto done;
	qsort(l.v, l.n, sizeof(*l.v), tar_cmp);
	rc = tar_out_open(o, fd, err);
	if (rc == 0)
		rc = tar_write_entries(o, dir, &l, err);
	if (rc < 0)
		goto done;
	ae_sha256_final(o->tar_hash, sha);
	ae_digest_format(tar_digest, sha);
	ae_sha256_final(o->gz_hash, sha);
	ae_digest_format(gz_digest, sha);
	*gz_size_out = o->gz_size;
	*entries_out = l.n;
done:
	tar_out_dispose(o);
	free(o);
	tar_list_dispose(&l);
	return rc;
}
