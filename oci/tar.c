/* oci/tar.c -- the deterministic tar+gzip layer of a bundle tree
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
 * fully specified by this file. The CRC-32 is zlib's (oci/crc32.c).
 *
 * Stored blocks also make the layer a pure function of the file list: the
 * byte at any offset is a gzip or block header, a tar header, file bytes
 * or padding, found by arithmetic. So the layer is never written out:
 * oci__layer_open lists the tree and lays it out (the layer size is known
 * from the file sizes alone), oci__layer_pread reads any range of it back
 * from the files, which is how push uploads it -- no temp file, memory
 * independent of the bundle, and a retried upload simply reads again. The
 * digests come from one of two reads: oci__layer_hash, a pass of its own
 * (the manifest digest before any network I/O, to sign or to check a
 * pinned reference), or a stream (oci__layer_stream_begin/_end): the
 * upload's in-order reads feed the tar digest and the CRC-32, which the
 * trailer needs only after the last tar byte, so packing, hashing and
 * uploading are one pass. A file whose size changed since the listing
 * fails the read; one whose bytes changed after the hashing pass is
 * caught by the upload's digest check (oci/push.c).
 */
#include "oci/internal.h"

#include <dirent.h>
#include <pthread.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TAR_BLOCK      512
#define TAR_END	       (2 * TAR_BLOCK) /* two zero blocks close a tar */
#define TAR_STORED_MAX 65535u	       /* one stored deflate block (RFC 1951) */
#define GZ_HEADER      10	       /* RFC 1952 member header */
#define GZ_TRAILER     8	       /* CRC-32, ISIZE */
#define BLK_HEADER     5	       /* BFINAL/BTYPE byte, LEN, NLEN */
#define BLK_SPAN       (BLK_HEADER + TAR_STORED_MAX)
#define LAYER_IO       (1024u * 1024u) /* read size of the hashing pass */

typedef struct tar_entry {
	char *name; /* tar name: "a/b" or "a/" for a directory */
	bool dir;
	uint64_t size;
} tar_entry;

typedef struct tar_list {
	tar_entry *v;
	size_t n, alloc;
} tar_list;

/* The tar stream is entries, each a header block then (files) the bytes
 * padded to a block, then TAR_END zero bytes; off[i] is where entry i's
 * header starts, off[n] where the end blocks start. The gzip stream is
 * GZ_HEADER bytes, nblocks stored blocks holding the tar in order (all
 * full but the last, which may be empty), then the trailer. */
struct oci_layer {
	int dirfd; /* the bundle directory */
	tar_list l;
	uint64_t *off;
	uint64_t tar_len;
	uint64_t nblocks;
	uint64_t size; /* of the gzip stream */
	uint32_t crc;  /* CRC-32 of the tar, known after the hashing pass */
	bool hashed;   /* the digests below are known */
	char tar_digest[AE_DIGEST_STR_LEN];
	char gz_digest[AE_DIGEST_STR_LEN];
	ae_sha256_ctx *stream; /* streaming: the tar digest so far, or NULL */
	uint64_t stream_at;    /* streaming: tar bytes hashed, in order */
	size_t hdr_at;	       /* entry whose header is in hdr, or SIZE_MAX */
	unsigned char hdr[TAR_BLOCK];
	size_t file_at; /* entry whose file is open as file_fd */
	int file_fd;
	ae_err fail; /* why the last read failed */
};

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

/* The 10-byte gzip member header: deflate, no flags, mtime 0, XFL 0, OS
 * 255 (RFC 1952 §2.3). */
static const unsigned char layer_gz_header[GZ_HEADER] = {0x1f, 0x8b, 8, 0, 0,
							 0,    0,    0, 0, 255};

/* Fails a read: the reason goes to l->fail, errno to `e` (for the HTTP
 * body callback, which reports local I/O by errno). Returns -1. */
static ssize_t layer_fail(oci_layer *l, int code, int e, const char *what,
			  const char *why)
{
	char r[AE_REPR_BUF];

	ae_err_clear(&l->fail);
	ae_fail(&l->fail, code, "%s: %s",
		ae_repr(r, sizeof(r), what, strlen(what)), why);
	errno = e;
	return -1;
}

/* Copies min(n, avail) bytes of `src`; returns the count. */
static ssize_t layer_copy(unsigned char *buf, size_t n, const void *src,
			  uint64_t avail)
{
	if (n > avail)
		n = (size_t)avail;
	memcpy(buf, src, n);
	return (ssize_t)n;
}

/* Length of stored block k: full but the last, which holds the rest. */
static uint64_t layer_block_len(const oci_layer *l, uint64_t k)
{
	return k + 1 < l->nblocks ? TAR_STORED_MAX
				  : l->tar_len - k * TAR_STORED_MAX;
}

/* Stored block k's header (RFC 1951 §3.2.4: BFINAL, BTYPE 00, then
 * byte-aligned LEN and its one's complement NLEN, little-endian). */
static void layer_block_header(unsigned char h[BLK_HEADER], const oci_layer *l,
			       uint64_t k)
{
	uint16_t n = (uint16_t)layer_block_len(l, k);

	h[0] = k + 1 == l->nblocks ? 1 : 0;
	h[1] = (unsigned char)(n & 0xff);
	h[2] = (unsigned char)(n >> 8);
	h[3] = (unsigned char)(~n & 0xff);
	h[4] = (unsigned char)((uint16_t)~n >> 8);
}

/* CRC-32 and ISIZE (input size mod 2^32), little-endian. */
static void layer_trailer(unsigned char t[GZ_TRAILER], const oci_layer *l)
{
	for (int i = 0; i < 4; i++) {
		t[i] = (unsigned char)(l->crc >> (8 * i));
		t[4 + i] = (unsigned char)(l->tar_len >> (8 * i));
	}
}

/* The open file of entry i; its size must not have changed since the
 * walk (the header already carries it). */
static int layer_file(oci_layer *l, size_t i)
{
	ae_err why = {0};
	uint64_t size = 0;
	int fd = -1;

	if (l->file_at == i)
		return l->file_fd;
	if (l->file_fd >= 0)
		close(l->file_fd);
	l->file_fd = -1;
	l->file_at = SIZE_MAX;
	if (ae_open_regular(&fd, &size, l->dirfd, l->l.v[i].name, &why) < 0)
		return (int)layer_fail(l, why.code, EIO, l->l.v[i].name,
				       why.msg);
	if (size != l->l.v[i].size) {
		close(fd);
		return (int)layer_fail(l, AE_EINVAL, EIO, l->l.v[i].name,
				       "changed while packing");
	}
	l->file_fd = fd;
	l->file_at = i;
	return fd;
}

/* Reads entry i's bytes at offset d (file data, then block padding). */
static ssize_t layer_entry_data(oci_layer *l, unsigned char *buf, size_t n,
				size_t i, uint64_t d)
{
	uint64_t size = l->l.v[i].size;
	uint64_t padded = (size + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK;
	ssize_t got;
	int fd;

	if (d >= size) {
		if (n > padded - d)
			n = (size_t)(padded - d);
		memset(buf, 0, n);
		return (ssize_t)n;
	}
	fd = layer_file(l, i);
	if (fd < 0)
		return -1;
	if (n > size - d)
		n = (size_t)(size - d);
	do
		got = pread(fd, buf, n, (off_t)d);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return layer_fail(l, AE_EIO, errno, l->l.v[i].name,
				  strerror(errno));
	if (got == 0)
		return layer_fail(l, AE_EINVAL, EIO, l->l.v[i].name,
				  "changed while packing");
	return got;
}

/* Reads tar bytes at tar offset t (t < tar_len): > 0 bytes, or -1. */
static ssize_t layer_tar_piece(oci_layer *l, unsigned char *buf, size_t n,
			       uint64_t t)
{
	size_t lo = 0, hi = l->l.n, mid;
	ae_err why = {0};

	if (t >= l->off[l->l.n]) {
		if (n > l->tar_len - t)
			n = (size_t)(l->tar_len - t);
		memset(buf, 0, n);
		return (ssize_t)n;
	}
	while (hi - lo > 1) { /* the last entry whose header is <= t */
		mid = lo + (hi - lo) / 2;
		if (l->off[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	t -= l->off[lo];
	if (t >= TAR_BLOCK)
		return layer_entry_data(l, buf, n, lo, t - TAR_BLOCK);
	if (l->hdr_at != lo && tar_header(l->hdr, &l->l.v[lo], &why) < 0)
		return layer_fail(l, why.code, EINVAL, l->l.v[lo].name,
				  why.msg);
	l->hdr_at = lo;
	return layer_copy(buf, n, l->hdr + t, TAR_BLOCK - t);
}

/* Streaming: tar bytes at tar offset t reach the tar digest and the CRC-32
 * when they continue the stream; a read elsewhere (which the sequential
 * upload never makes) leaves stream_at short, so the trailer and
 * oci__layer_stream_end refuse. */
static void layer_stream_feed(oci_layer *l, const unsigned char *p, size_t n,
			      uint64_t t)
{
	if (t != l->stream_at)
		return;
	ae_sha256_update(l->stream, p, n);
	l->crc = oci__crc32(l->crc, p, n);
	l->stream_at += n;
}

/* Reads gzip bytes at `off` (< size) up to the next boundary between
 * headers, tar bytes and the trailer: > 0 bytes, or -1. */
static ssize_t layer_piece(oci_layer *l, unsigned char *buf, size_t n,
			   uint64_t off)
{
	uint64_t body_end = GZ_HEADER + l->nblocks * BLK_HEADER + l->tar_len;
	uint64_t g, k, r, blen;
	unsigned char h[GZ_TRAILER];
	ssize_t got;

	if (off < GZ_HEADER)
		return layer_copy(buf, n, layer_gz_header + off,
				  GZ_HEADER - off);
	if (off >= body_end) {
		if (l->stream != NULL && l->stream_at != l->tar_len)
			return layer_fail(l, AE_ERR, EIO, "layer",
					  "streamed out of order");
		layer_trailer(h, l);
		return layer_copy(buf, n, h + (off - body_end),
				  GZ_TRAILER - (off - body_end));
	}
	g = off - GZ_HEADER;
	k = g / BLK_SPAN;
	r = g % BLK_SPAN;
	if (r < BLK_HEADER) {
		layer_block_header(h, l, k);
		return layer_copy(buf, n, h + r, BLK_HEADER - r);
	}
	blen = layer_block_len(l, k);
	r -= BLK_HEADER;
	if (n > blen - r)
		n = (size_t)(blen - r);
	got = layer_tar_piece(l, buf, n, k * TAR_STORED_MAX + r);
	if (got > 0 && l->stream != NULL)
		layer_stream_feed(l, buf, (size_t)got, k * TAR_STORED_MAX + r);
	return got;
}

ssize_t oci__layer_pread(oci_layer *l, void *buf, size_t n, uint64_t off)
{
	unsigned char *p = buf;
	size_t done = 0;
	ssize_t got;

	while (done < n && off + done < l->size) {
		got = layer_piece(l, p + done, n - done, off + done);
		if (got < 0)
			return done > 0 ? (ssize_t)done : -1;
		done += (size_t)got;
	}
	return (ssize_t)done;
}

/* Lays the entries out: header offsets, tar and gzip lengths. */
static int layer_place(oci_layer *l, ae_err *err)
{
	uint64_t t = 0;

	l->off = calloc(l->l.n + 1, sizeof(*l->off));
	if (l->off == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t i = 0; i < l->l.n; i++) {
		uint64_t size = l->l.v[i].size;
		l->off[i] = t;
		t += TAR_BLOCK + (size + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK;
		if (t > OCI_LAYER_MAX)
			return ae_fail(err, AE_ETOOBIG,
				       "bundle is over %llu bytes",
				       (unsigned long long)OCI_LAYER_MAX);
	}
	l->off[l->l.n] = t;
	l->tar_len = t + TAR_END;
	l->nblocks = l->tar_len / TAR_STORED_MAX + 1;
	l->size = GZ_HEADER + l->nblocks * BLK_HEADER + l->tar_len + GZ_TRAILER;
	return 0;
}

/* Feeds tar bytes [at, at + n) to the gzip digest, each stored block's
 * header before its first byte. */
static void layer_gz_feed(const oci_layer *l, ae_sha256_ctx *gh,
			  const unsigned char *p, size_t n, uint64_t at)
{
	unsigned char h[BLK_HEADER];
	uint64_t in;
	size_t k;

	while (n > 0) {
		in = at % TAR_STORED_MAX;
		k = TAR_STORED_MAX - in < n ? (size_t)(TAR_STORED_MAX - in) : n;
		if (in == 0) {
			layer_block_header(h, l, at / TAR_STORED_MAX);
			ae_sha256_update(gh, h, BLK_HEADER);
		}
		ae_sha256_update(gh, p, k);
		p += k;
		n -= k;
		at += k;
	}
}

/* The hashing pass runs on two threads: this one reads the tar and feeds
 * the tar digest and the CRC-32, a second one feeds the gzip digest. The
 * two SHA-256 passes are most of the cost of packing (the push benchmark:
 * 100 MiB), and at that point of a push nothing else is running. Two
 * buffers alternate between them: `full[i]` says who owns buf[i]. */
typedef struct layer_gz {
	const oci_layer *l;
	ae_sha256_ctx *gh;
	unsigned char *buf[2];
	size_t len[2];
	uint64_t at[2]; /* tar offset of buf[i] */
	bool full[2];
	bool done;
	pthread_mutex_t mu;
	pthread_cond_t cv;
} layer_gz;

static void *layer_gz_run(void *arg)
{
	layer_gz *g = arg;

	for (int i = 0;; i ^= 1) {
		pthread_mutex_lock(&g->mu);
		while (!g->full[i] && !g->done)
			pthread_cond_wait(&g->cv, &g->mu);
		if (!g->full[i]) {
			pthread_mutex_unlock(&g->mu);
			return NULL;
		}
		pthread_mutex_unlock(&g->mu);
		layer_gz_feed(g->l, g->gh, g->buf[i], g->len[i], g->at[i]);
		pthread_mutex_lock(&g->mu);
		g->full[i] = false;
		pthread_cond_broadcast(&g->cv);
		pthread_mutex_unlock(&g->mu);
	}
}

/* Reads up to LAYER_IO tar bytes at `t` into buf; the count or -1. */
static ssize_t layer_fill(oci_layer *l, unsigned char *buf, uint64_t t)
{
	size_t n = 0, want;
	ssize_t got;

	while (n < LAYER_IO && t + n < l->tar_len) {
		want = LAYER_IO - n;
		if (want > l->tar_len - t - n)
			want = (size_t)(l->tar_len - t - n);
		got = layer_tar_piece(l, buf + n, want, t + n);
		if (got < 0)
			return -1;
		n += (size_t)got;
	}
	return (ssize_t)n;
}

/* Hands buf[i] (n bytes at tar offset t) to the gzip thread, or hashes it
 * here when there is none; first waits until the thread is done with it. */
static void layer_gz_give(layer_gz *g, bool threaded, int i, size_t n,
			  uint64_t t)
{
	if (!threaded) {
		layer_gz_feed(g->l, g->gh, g->buf[i], n, t);
		return;
	}
	pthread_mutex_lock(&g->mu);
	g->len[i] = n;
	g->at[i] = t;
	g->full[i] = true;
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
}

static void layer_gz_wait(layer_gz *g, bool threaded, int i)
{
	if (!threaded)
		return;
	pthread_mutex_lock(&g->mu);
	while (g->full[i])
		pthread_cond_wait(&g->cv, &g->mu);
	pthread_mutex_unlock(&g->mu);
}

/* The hashing pass: reads the tar once into the tar digest, the CRC-32
 * and the gzip digest. `bufs` holds 2 * LAYER_IO bytes. */
static int layer_hash(oci_layer *l, ae_sha256_ctx *th, ae_sha256_ctx *gh,
		      unsigned char *bufs, ae_err *err)
{
	layer_gz g = {.l = l, .gh = gh, .buf = {bufs, bufs + LAYER_IO}};
	unsigned char h[GZ_TRAILER], sha[AE_SHA256_LEN];
	pthread_t tid;
	bool threaded;
	uint64_t t = 0;
	ssize_t got = 0;
	int i = 0;

	l->crc = oci__crc32(0, NULL, 0);
	ae_sha256_update(gh, layer_gz_header, GZ_HEADER);
	pthread_mutex_init(&g.mu, NULL);
	pthread_cond_init(&g.cv, NULL);
	threaded = pthread_create(&tid, NULL, layer_gz_run, &g) == 0;
	for (; t < l->tar_len; i ^= 1) {
		layer_gz_wait(&g, threaded, i);
		got = layer_fill(l, g.buf[i], t);
		if (got < 0)
			break;
		ae_sha256_update(th, g.buf[i], (size_t)got);
		l->crc = oci__crc32(l->crc, g.buf[i], got);
		layer_gz_give(&g, threaded, i, (size_t)got, t);
		t += (uint64_t)got;
	}
	if (threaded) {
		pthread_mutex_lock(&g.mu);
		g.done = true;
		pthread_cond_broadcast(&g.cv);
		pthread_mutex_unlock(&g.mu);
		pthread_join(tid, NULL);
	}
	pthread_cond_destroy(&g.cv);
	pthread_mutex_destroy(&g.mu);
	if (got < 0)
		return ae_fail(err, l->fail.code, "%s", l->fail.msg);
	if (l->tar_len % TAR_STORED_MAX == 0) { /* the empty final block */
		layer_block_header(h, l, l->nblocks - 1);
		ae_sha256_update(gh, h, BLK_HEADER);
	}
	layer_trailer(h, l);
	ae_sha256_update(gh, h, GZ_TRAILER);
	ae_sha256_final(th, sha);
	ae_digest_format(l->tar_digest, sha);
	ae_sha256_final(gh, sha);
	ae_digest_format(l->gz_digest, sha);
	return 0;
}

/* Lists `dir` (open at l->dirfd) into l->l, sorted by tar name. */
static int layer_list(oci_layer *l, ae_err *err)
{
	int wfd = openat(l->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (wfd < 0)
		return ae_fail(err, AE_EIO, "open bundle directory: %s",
			       strerror(errno));
	rc = tar_walk(&l->l, wfd, "", 0, err);
	if (rc == 0 && l->l.n == 0) /* and l->l.v is NULL: no qsort */
		rc = ae_fail(err, AE_EINVAL,
			     "the bundle directory is empty: nothing to pack");
	if (rc == 0)
		qsort(l->l.v, l->l.n, sizeof(*l->l.v), tar_cmp);
	return rc;
}

int oci__layer_open(oci_layer **out, const char *dir, ae_err *err)
{
	oci_layer *l = calloc(1, sizeof(*l));
	int rc;

	*out = NULL;
	if (l == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	l->file_fd = -1;
	l->file_at = l->hdr_at = SIZE_MAX;
	l->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (l->dirfd < 0) {
		rc = ae_fail(err, errno == ENOENT ? AE_ENOTFOUND : AE_EIO,
			     "open bundle directory: %s", strerror(errno));
		goto done;
	}
	rc = layer_list(l, err);
	if (rc == 0)
		rc = layer_place(l, err);
done:
	if (rc < 0)
		oci__layer_free(l);
	else
		*out = l;
	return rc;
}

int oci__layer_hash(oci_layer *l, ae_err *err)
{
	ae_sha256_ctx *th = NULL, *gh = NULL;
	unsigned char *buf = NULL;
	int rc;

	AE_ASSERT_ARG(l->stream == NULL, err);
	if (l->hashed)
		return 0;
	buf = malloc(2 * LAYER_IO);
	rc = buf ? ae_sha256_new(&th, err)
		 : ae_fail(err, AE_ERR, "out of memory");
	if (rc == 0)
		rc = ae_sha256_new(&gh, err);
	if (rc == 0)
		rc = layer_hash(l, th, gh, buf, err);
	l->hashed = rc == 0;
	ae_sha256_free(th);
	ae_sha256_free(gh);
	free(buf);
	return rc;
}

int oci__layer_stream_begin(oci_layer *l, ae_err *err)
{
	AE_ASSERT_ARG(!l->hashed, err);
	ae_sha256_free(l->stream);
	l->stream = NULL;
	l->stream_at = 0;
	l->crc = oci__crc32(0, NULL, 0);
	return ae_sha256_new(&l->stream, err);
}

int oci__layer_stream_end(oci_layer *l, const char *gz_digest, ae_err *err)
{
	unsigned char sha[AE_SHA256_LEN];

	AE_ASSERT_ARG(l->stream != NULL && ae_digest_is_valid(gz_digest), err);
	if (l->stream_at != l->tar_len)
		return ae_fail(err, AE_ERR,
			       "layer streamed out of order (%llu of %llu tar "
			       "bytes hashed)",
			       (unsigned long long)l->stream_at,
			       (unsigned long long)l->tar_len);
	ae_sha256_final(l->stream, sha);
	ae_sha256_free(l->stream);
	l->stream = NULL;
	ae_digest_format(l->tar_digest, sha);
	memcpy(l->gz_digest, gz_digest, AE_DIGEST_STR_LEN);
	l->hashed = true;
	return 0;
}

bool oci__layer_hashed(const oci_layer *l)
{
	return l->hashed;
}

void oci__layer_describe(const oci_layer *l, char tar_digest[],
			 char gz_digest[], uint64_t *size_out,
			 size_t *entries_out)
{
	memcpy(tar_digest, l->tar_digest, AE_DIGEST_STR_LEN);
	memcpy(gz_digest, l->gz_digest, AE_DIGEST_STR_LEN);
	*size_out = l->size;
	*entries_out = l->l.n;
}

const char *oci__layer_error(const oci_layer *l)
{
	return l->fail.msg;
}

void oci__layer_free(oci_layer *l)
{
	if (l == NULL)
		return;
	if (l->file_fd >= 0)
		close(l->file_fd);
	if (l->dirfd >= 0)
		close(l->dirfd);
	ae_sha256_free(l->stream);
	free(l->off);
	tar_list_dispose(&l->l);
	free(l);
}
