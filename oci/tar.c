/* oci/tar.c -- the deterministic tar+gzip writer for a bundle tree
 *
 * The layer must be byte-identical for an identical tree on any machine,
 * so the manifest digest can be signed before anything is pushed (SPEC §3).
 * Everything a tar header could leak from the host is fixed: entries sorted
 * bytewise by their tar name, explicit directory entries ("ctrf/"), modes
 * 0644/0755, uid/gid 0, empty user/group names, mtime 0, POSIX ustar magic.
 * The gzip wrapper is zlib's at level 9 with a fixed header: mtime 0, no
 * name, OS byte 255 ("unknown", as Go's compress/gzip writes it; reference
 * §8.1). Data is streamed: a file is read in blocks, fed to the tar hash,
 * deflated and written, so memory does not grow with the bundle.
 */
#include "oci/internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define TAR_BLOCK 512
#define TAR_IO	  (256u * 1024u)

typedef struct tar_entry {
	char *name; /* tar name: "a/b" or "a/" for a directory */
	bool dir;
	uint64_t size;
} tar_entry;

typedef struct tar_list {
	tar_entry *v;
	size_t n, alloc;
} tar_list;

/* The output side: tar bytes → tar hash → deflate → fd + gz hash. */
typedef struct tar_out {
	int fd;
	z_stream z;
	bool z_ready;
	ae_sha256_ctx *tar_hash;
	ae_sha256_ctx *gz_hash;
	uint64_t gz_size;
	unsigned char zbuf[TAR_IO];
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

/* Deflates `len` bytes of tar stream (flush at the end) into the file. */
static int tar_emit(tar_out *o, const void *data, size_t len, int flush,
		    ae_err *err)
{
	if (len > 0)
		ae_sha256_update(o->tar_hash, data, len);
	o->z.next_in = (Bytef *)(uintptr_t)data;
	o->z.avail_in = (uInt)len;
	do {
		size_t have;
		int zrc;
		o->z.next_out = o->zbuf;
		o->z.avail_out = sizeof(o->zbuf);
		zrc = deflate(&o->z, flush);
		if (zrc == Z_STREAM_ERROR)
			return ae_fail(err, AE_ERR, "deflate failed");
		have = sizeof(o->zbuf) - o->z.avail_out;
		for (size_t off = 0; off < have;) {
			ssize_t w = write(o->fd, o->zbuf + off, have - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return ae_fail(err, AE_EIO, "write layer: %s",
					       strerror(errno));
			off += (size_t)w;
		}
		ae_sha256_update(o->gz_hash, o->zbuf, have);
		o->gz_size += have;
	} while (o->z.avail_out == 0 ||
		 (flush == Z_FINISH && o->z.avail_in > 0));
	return 0;
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
		rc = tar_emit(o, buf, (size_t)got, Z_NO_FLUSH, err);
		left -= (uint64_t)got;
	}
	if (rc == 0 && size % TAR_BLOCK != 0) {
		static const unsigned char zero[TAR_BLOCK];
		rc = tar_emit(o, zero, TAR_BLOCK - size % TAR_BLOCK, Z_NO_FLUSH,
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
	static gz_header gzh; /* zeroed: mtime 0, no name/comment/extra */
	int rc;

	o->fd = fd;
	rc = ae_sha256_new(&o->tar_hash, err);
	if (rc == 0)
		rc = ae_sha256_new(&o->gz_hash, err);
	if (rc < 0)
		return rc;
	/* 15 + 16: a gzip wrapper; memLevel 8 is zlib's default */
	if (deflateInit2(&o->z, 9, Z_DEFLATED, 15 + 16, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		return ae_fail(err, AE_ERR, "deflateInit2 failed");
	o->z_ready = true;
	gzh.os = 255;
	if (deflateSetHeader(&o->z, &gzh) != Z_OK)
		return ae_fail(err, AE_ERR, "deflateSetHeader failed");
	return 0;
}

static void tar_out_dispose(tar_out *o)
{
	if (o->z_ready)
		deflateEnd(&o->z);
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
			rc = tar_emit(o, h, TAR_BLOCK, Z_NO_FLUSH, err);
		if (rc == 0 && !l->v[i].dir)
			rc = tar_copy_file(o, dir, &l->v[i], buf, err);
	}
	if (rc == 0)
		rc = tar_emit(o, zero, sizeof(zero), Z_FINISH, err);
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
