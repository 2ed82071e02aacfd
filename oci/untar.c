/* oci/untar.c -- safe extraction of a pulled tar(+gzip) layer
 *
 * The layer comes from a registry, so it is hostile until proven otherwise:
 * its digest was checked, but a valid digest only says the bytes are the
 * ones the publisher chose. Extraction therefore accepts only what a bundle
 * needs -- regular files and directories with plain relative names -- and
 * refuses absolute paths, `..`, any link, devices, FIFOs, duplicates, and
 * anything past the entry and byte caps (SPEC §7, reference §8.3). Names
 * may come from ustar prefix+name, a PAX `path` record or a GNU long-name
 * entry (Go's archive/tar and ORAS write these); a leading "./" is dropped
 * and the root "." entry skipped. Modes from the archive are ignored: files
 * 0644, directories 0755.
 */
#include "oci/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define UT_BLOCK    512
#define UT_IO	    (64u * 1024u)
#define UT_PAX_MAX  (64u * 1024u) /* one PAX or GNU long-name record */
#define UT_NAME_MAX 4096

/* A byte source: memory, or an fd optionally through inflate. */
typedef struct ut_src {
	const unsigned char *mem;
	size_t mem_len, mem_off;
	int fd;
	bool gzip;
	z_stream z;
	bool z_ready, z_end;
	unsigned char in[UT_IO];
} ut_src;

typedef struct ut_state {
	ut_src *src;
	int destfd;
	char pax_path[UT_NAME_MAX];
	bool has_pax_path;
	uint64_t pax_size;
	bool has_pax_size;
	char **seen;
	size_t nseen, aseen;
	uint64_t written;
	unsigned char buf[UT_IO];
} ut_state;

/* Reads exactly `n` bytes; AE_EINVAL on a truncated archive. */
static int ut_read(ut_src *s, void *out, size_t n, ae_err *err)
{
	unsigned char *o = out;

	if (s->mem != NULL || (s->fd < 0)) {
		if (s->mem_len - s->mem_off < n)
			return ae_fail(err, AE_EINVAL, "tar archive truncated");
		memcpy(out, s->mem + s->mem_off, n);
		s->mem_off += n;
		return 0;
	}
	while (n > 0) {
		if (!s->gzip) {
			ssize_t got = read(s->fd, o, n);
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0)
				return ae_fail(err, AE_EINVAL,
					       "tar archive truncated");
			o += got;
			n -= (size_t)got;
			continue;
		}
		if (s->z_end)
			return ae_fail(err, AE_EINVAL, "tar archive truncated");
		if (s->z.avail_in == 0) {
			ssize_t got = read(s->fd, s->in, sizeof(s->in));
			if (got < 0 && errno == EINTR)
				continue;
			if (got < 0)
				return ae_fail(err, AE_EIO, "read layer: %s",
					       strerror(errno));
			if (got == 0)
				return ae_fail(err, AE_EINVAL,
					       "gzip stream truncated");
			s->z.next_in = s->in;
			s->z.avail_in = (uInt)got;
		}
		s->z.next_out = o;
		s->z.avail_out = (uInt)(n > UT_IO ? UT_IO : n);
		{
			uInt before = s->z.avail_out;
			int zrc = inflate(&s->z, Z_NO_FLUSH);
			size_t made = before - s->z.avail_out;
			if (zrc == Z_STREAM_END)
				s->z_end = true;
			else if (zrc != Z_OK && zrc != Z_BUF_ERROR)
				return ae_fail(err, AE_EINVAL,
					       "gzip stream corrupt");
			o += made;
			n -= made;
		}
	}
	return 0;
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

/* Parses a NUL/space-terminated octal field. */
static int ut_octal(uint64_t *out, const unsigned char *f, size_t w,
		    ae_err *err)
{
	uint64_t v = 0;
	size_t i = 0;

	if ((f[0] & 0x80) != 0)
		return ae_fail(err, AE_EINVAL,
			       "tar base-256 numbers are not accepted");
	while (i < w && f[i] == ' ')
		i++;
	for (; i < w && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v > (UINT64_MAX >> 3))
			return ae_fail(err, AE_EINVAL, "tar number overflows");
		v = (v << 3) | (uint64_t)(f[i] - '0');
	}
	for (; i < w; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return ae_fail(err, AE_EINVAL,
				       "tar numeric field is not octal");
	*out = v;
	return 0;
}

static int ut_checksum(const unsigned char h[UT_BLOCK], ae_err *err)
{
	uint64_t want = 0;
	unsigned sum = 0;
	int ssum = 0;
	int rc = ut_octal(&want, h + 148, 8, err);

	if (rc < 0)
		return rc;
	for (size_t i = 0; i < UT_BLOCK; i++) {
		unsigned char b = (i >= 148 && i < 156) ? ' ' : h[i];
		sum += b;
		ssum += (signed char)b;
	}
	if (want != sum && want != (uint64_t)(unsigned)ssum)
		return ae_fail(err, AE_EINVAL, "tar header checksum mismatch");
	if (memcmp(h + 257, "ustar", 5) != 0)
		return ae_fail(err, AE_EINVAL,
			       "not a ustar/PAX/GNU tar header");
	return 0;
}

/* Applies PAX records "LEN key=value\n" from `rec`: path and size. */
static int ut_pax(ut_state *st, const char *rec, size_t n, ae_err *err)
{
	size_t off = 0;

	while (off < n) {
		size_t len = 0, i = off, eq;
		while (i < n && rec[i] >= '0' && rec[i] <= '9' && len < n)
			len = len * 10 + (size_t)(rec[i++] - '0');
		if (i >= n || rec[i] != ' ' || len == 0 || len > n - off ||
		    rec[off + len - 1] != '\n')
			return ae_fail(err, AE_EINVAL, "malformed PAX record");
		i++;
		for (eq = i; eq < off + len - 1 && rec[eq] != '='; eq++)
			;
		if (eq >= off + len - 1)
			return ae_fail(err, AE_EINVAL, "malformed PAX record");
		if (eq - i == 4 && memcmp(rec + i, "path", 4) == 0) {
			size_t vl = off + len - 1 - (eq + 1);
			if (vl == 0 || vl >= sizeof(st->pax_path) ||
			    memchr(rec + eq + 1, '\0', vl) != NULL)
				return ae_fail(err, AE_EINVAL,
					       "bad PAX path record");
			memcpy(st->pax_path, rec + eq + 1, vl);
			st->pax_path[vl] = '\0';
			st->has_pax_path = true;
		} else if (eq - i == 4 && memcmp(rec + i, "size", 4) == 0) {
			uint64_t v = 0;
			for (size_t k = eq + 1; k < off + len - 1; k++) {
				if (rec[k] < '0' || rec[k] > '9' ||
				    v > UINT64_MAX / 10)
					return ae_fail(err, AE_EINVAL,
						       "bad PAX size record");
				v = v * 10 + (uint64_t)(rec[k] - '0');
			}
			st->pax_size = v;
			st->has_pax_size = true;
		} else if ((eq - i == 8 &&
			    memcmp(rec + i, "linkpath", 8) == 0)) {
			return ae_fail(err, AE_EINVAL,
				       "tar links are not accepted");
		}
		off += len;
	}
	return 0;
}

/* Reads a PAX ('x') or GNU long-name ('L') body of `size` bytes. */
static int ut_meta(ut_state *st, char type, uint64_t size, ae_err *err)
{
	char *rec;
	int rc;

	if (size > UT_PAX_MAX)
		return ae_fail(err, AE_ETOOBIG,
			       "tar metadata record over %u bytes", UT_PAX_MAX);
	rec = malloc((size_t)size + 1);
	if (rec == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	rc = ut_read(st->src, rec, (size_t)size, err);
	if (rc == 0)
		rc = ut_skip(st, (UT_BLOCK - size % UT_BLOCK) % UT_BLOCK, err);
	if (rc == 0 && type == 'x')
		rc = ut_pax(st, rec, (size_t)size, err);
	if (rc == 0 && type == 'L') {
		size_t n = strnlen(rec, (size_t)size);
		if (n == 0 || n >= sizeof(st->pax_path))
			rc = ae_fail(err, AE_EINVAL, "bad GNU long name");
		else {
			memcpy(st->pax_path, rec, n);
			st->pax_path[n] = '\0';
			st->has_pax_path = true;
		}
	}
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

static int ut_seen(ut_state *st, const char *name, ae_err *err)
{
	char r[AE_REPR_BUF];

	for (size_t i = 0; i < st->nseen; i++)
		if (strcmp(st->seen[i], name) == 0)
			return ae_fail(
				err, AE_EINVAL, "duplicate entry in layer: %s",
				ae_repr(r, sizeof(r), name, strlen(name)));
	if (st->nseen >= OCI_TAR_ENTRIES_MAX)
		return ae_fail(err, AE_ETOOBIG, "layer has over %d entries",
			       OCI_TAR_ENTRIES_MAX);
	if (st->nseen == st->aseen) {
		size_t na = st->aseen ? st->aseen * 2 : 32;
		char **nv = realloc(st->seen, na * sizeof(*nv));
		if (nv == NULL)
			return ae_fail(err, AE_ERR, "out of memory");
		st->seen = nv;
		st->aseen = na;
	}
	st->seen[st->nseen] = strdup(name);
	if (st->seen[st->nseen] == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	st->nseen++;
	return 0;
}

/* Creates the parent directories of `name` (a checked relative path). */
static int ut_mkparents(ut_state *st, char *name, bool self, ae_err *err)
{
	for (char *p = name;; p++) {
		if (*p != '/' && !(self && *p == '\0'))
			continue;
		{
			char save = *p;
			struct stat sb;
			*p = '\0';
			if (mkdirat(st->destfd, name, 0755) != 0 &&
			    errno != EEXIST) {
				*p = save;
				return ae_fail(err, AE_EIO, "mkdir: %s",
					       strerror(errno));
			}
			if (fstatat(st->destfd, name, &sb,
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
			return 0;
	}
}

static int ut_file(ut_state *st, char *name, uint64_t size, ae_err *err)
{
	int fd, rc;
	uint64_t left = size;
	char *slash = strrchr(name, '/');

	if (slash != NULL) {
		*slash = '\0';
		rc = ut_mkparents(st, name, true, err);
		*slash = '/';
		if (rc < 0)
			return rc;
	}
	if (size > OCI_UNPACKED_MAX - st->written)
		return ae_fail(err, AE_ETOOBIG, "layer unpacks past %llu bytes",
			       (unsigned long long)OCI_UNPACKED_MAX);
	st->written += size;
	fd = openat(st->destfd, name,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return ae_fail(err, errno == EEXIST ? AE_EINVAL : AE_EIO,
			       "create %s: %s", name, strerror(errno));
	rc = 0;
	while (left > 0 && rc == 0) {
		size_t k = left > UT_IO ? UT_IO : (size_t)left;
		rc = ut_read(st->src, st->buf, k, err);
		for (size_t off = 0; rc == 0 && off < k;) {
			ssize_t w = write(fd, st->buf + off, k - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				rc = ae_fail(err, AE_EIO, "write %s: %s", name,
					     strerror(errno));
			else
				off += (size_t)w;
		}
		left -= k;
	}
	if (close(fd) != 0 && rc == 0)
		rc = ae_fail(err, AE_EIO, "close %s", name);
	if (rc == 0)
		rc = ut_skip(st, (UT_BLOCK - size % UT_BLOCK) % UT_BLOCK, err);
	return rc;
}

/* Handles one header; *end_out at the end-of-archive block. */
static int ut_entry(ut_state *st, const unsigned char h[UT_BLOCK], ae_err *err)
{
	char name[UT_NAME_MAX];
	uint64_t size = 0;
	char type = (char)h[156];
	bool skip = false;
	int rc;

	rc = ut_checksum(h, err);
	if (rc == 0)
		rc = ut_octal(&size, h + 124, 12, err);
	if (rc < 0)
		return rc;
	if (type == 'x' || type == 'L')
		return ut_meta(st, type, size, err);
	if (type == 'g') /* global PAX: nothing we use */
		return ut_skip(st,
			       size + (UT_BLOCK - size % UT_BLOCK) % UT_BLOCK,
			       err);
	if (type != '0' && type != '\0' && type != '5')
		return ae_fail(err, AE_EINVAL,
			       "layer entry type '%c' refused (links, devices "
			       "and FIFOs are never extracted)",
			       (type >= 0x20 && type < 0x7f) ? type : '?');
	if (st->has_pax_path) {
		memcpy(name, st->pax_path, strlen(st->pax_path) + 1);
	} else {
		size_t pn = strnlen((const char *)h + 345, 155);
		size_t nn = strnlen((const char *)h, 100);
		size_t k = 0;
		if (pn > 0) {
			memcpy(name, h + 345, pn);
			name[pn] = '/';
			k = pn + 1;
		}
		memcpy(name + k, h, nn);
		name[k + nn] = '\0';
	}
	if (st->has_pax_size)
		size = st->pax_size;
	st->has_pax_path = st->has_pax_size = false;
	rc = ut_name_check(name, &skip, err);
	if (rc == 0 && skip)
		return type == '5' ? 0
				   : ae_fail(err, AE_EINVAL,
					     "layer file with an empty name");
	if (rc == 0)
		rc = ut_seen(st, name, err);
	if (rc < 0)
		return rc;
	if (type != '5')
		return ut_file(st, name, size, err);
	rc = ut_mkparents(st, name, true, err);
	if (rc == 0)
		rc = ut_skip(st, size + (UT_BLOCK - size % UT_BLOCK) % UT_BLOCK,
			     err);
	return rc;
}

static int ut_run(ut_src *src, const char *dest, ae_err *err)
{
	ut_state *st = calloc(1, sizeof(*st));
	unsigned char h[UT_BLOCK];
	static const unsigned char zero[UT_BLOCK];
	int rc = 0;

	if (st == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	st->src = src;
	st->destfd =
		open(dest, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (st->destfd < 0) {
		free(st);
		return ae_fail(err, AE_EIO, "open %s: %s", dest,
			       strerror(errno));
	}
	for (;;) {
		rc = ut_read(src, h, UT_BLOCK, err);
		if (rc < 0)
			break;
		if (memcmp(h, zero, UT_BLOCK) == 0)
			break; /* end of archive */
		rc = ut_entry(st, h, err);
		if (rc < 0)
			break;
	}
	if (rc == 0 && (st->has_pax_path || st->has_pax_size))
		rc = ae_fail(err, AE_EINVAL, "PAX header without an entry");
	close(st->destfd);
	for (size_t i = 0; i < st->nseen; i++)
		free(st->seen[i]);
	free(st->seen);
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
	rc = ut_run(src, dest, err);
	free(src);
	return rc;
}

int oci_tar_extract_fd(int fd, bool gzip, const char *dest, ae_err *err)
{
	ut_src *src = calloc(1, sizeof(*src));
	int rc;

	if (src == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	src->fd = fd;
	src->gzip = gzip;
	if (gzip) {
		if (inflateInit2(&src->z, 15 + 16) != Z_OK) {
			free(src);
			return ae_fail(err, AE_ERR, "inflateInit2 failed");
		}
		src->z_ready = true;
	}
	rc = ut_run(src, dest, err);
	if (src->z_ready)
		inflateEnd(&src->z);
	free(src);
	return rc;
}
