/* evidence/core/io.c -- bounded reads and atomic writes
 *
 * Every file the tool reads from outside goes through ae_read_file or
 * ae_open_regular: no symlink is followed (O_NOFOLLOW), only regular files
 * are read, and the size cap is checked at fstat and again while reading,
 * because a file can grow between the two (signify readmsg, reference §9.4).
 * Writes go to a temp file in the target directory and are renamed into
 * place, so a reader sees the old file or the new one, never half of one.
 */
#include "evidence/core/ae.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define IO_CHUNK (256u * 1024u)

/* Maps an errno from open/read to our codes (reference §9.4). */
static int io_errno_fail(ae_err *err, int e, const char *op, const char *name)
{
	char r[AE_REPR_BUF];

	ae_repr(r, sizeof(r), name, strlen(name));
	switch (e) {
	case ENOENT:
	case ENOTDIR:
		return ae_fail(err, AE_ENOTFOUND, "%s: no such file", r);
	case ELOOP:
		return ae_fail(err, AE_EINVAL,
			       "%s: is a symlink (not followed)", r);
	case EIO:
	case ESTALE:
	case ETIMEDOUT:
		return ae_fail(err, AE_ETRANSIENT, "%s %s: %s", op, r,
			       strerror(e));
	default:
		return ae_fail(err, AE_EIO, "%s %s: %s", op, r, strerror(e));
	}
}

int ae_open_regular(int *fd_out, uint64_t *size_out, int dirfd,
		    const char *name, ae_err *err)
{
	struct stat st;
	char r[AE_REPR_BUF];
	int fd;

	*fd_out = -1;
	AE_ASSERT_ARG(name != NULL, err);
	/* O_NONBLOCK so a FIFO cannot hang the open; it is refused below. */
	fd = openat(dirfd, name,
		    O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return io_errno_fail(err, errno, "open", name);
	if (fstat(fd, &st) != 0) {
		int e = errno;
		close(fd);
		return io_errno_fail(err, e, "stat", name);
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		ae_repr(r, sizeof(r), name, strlen(name));
		return ae_fail(err, AE_EINVAL, "%s: not a regular file%s", r,
			       S_ISDIR(st.st_mode) ? " (a directory)" : "");
	}
	if (fcntl(fd, F_SETFL, 0) != 0) {
		int e = errno;
		close(fd);
		return io_errno_fail(err, e, "fcntl", name);
	}
	*fd_out = fd;
	if (size_out != NULL)
		*size_out = (uint64_t)st.st_size;
	return 0;
}

int ae_read_file(ae_buf *out, int dirfd, const char *name, size_t cap,
		 ae_err *err)
{
	unsigned char *chunk = NULL;
	uint64_t size = 0;
	char r[AE_REPR_BUF];
	int fd = -1, rc;

	ae_buf_init(out, cap);
	rc = ae_open_regular(&fd, &size, dirfd, name, err);
	if (rc < 0)
		return rc;
	ae_repr(r, sizeof(r), name, strlen(name));
	if (size > cap) {
		rc = ae_fail(err, AE_ETOOBIG, "%s is %llu bytes, cap %zu", r,
			     (unsigned long long)size, cap);
		goto done;
	}
	chunk = malloc(IO_CHUNK);
	if (chunk == NULL) {
		rc = ae_fail(err, AE_ERR, "out of memory");
		goto done;
	}
	for (;;) {
		ssize_t n = read(fd, chunk, IO_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = io_errno_fail(err, errno, "read", name);
			goto done;
		}
		if (n == 0)
			break;
		if (out->len + (size_t)n > cap) {
			rc = ae_fail(err, AE_ETOOBIG,
				     "%s grew past cap %zu while read", r, cap);
			goto done;
		}
		rc = ae_buf_put(out, chunk, (size_t)n, err);
		if (rc < 0)
			goto done;
	}
	if (out->data == NULL) {
		/* An empty file still yields a usable, NUL-terminated buffer.
		 */
		rc = ae_buf_put(out, "", 0, err);
		if (rc < 0)
			goto done;
	}
	rc = 0;
done:
	free(chunk);
	if (fd >= 0)
		close(fd);
	if (rc < 0)
		ae_buf_dispose(out);
	return rc;
}

/* Writes all of (data, len) to fd, retrying short writes and EINTR. */
static int io_write_all(int fd, const void *data, size_t len, ae_err *err)
{
	const unsigned char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ae_fail(err, AE_EIO, "write: %s",
				       strerror(errno));
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int ae_write_atomic(int dirfd, const char *name, const void *data, size_t len,
		    mode_t mode, ae_err *err)
{
	char tmp[512];
	char r[AE_REPR_BUF];
	int fd = -1, rc = 0, n;
	unsigned int attempt;

	AE_ASSERT_ARG(name != NULL && *name != '\0', err);
	ae_repr(r, sizeof(r), name, strlen(name));
	for (attempt = 0; attempt < 100 && fd < 0; attempt++) {
		const char *base = strrchr(name, '/');
		int dirlen = base ? (int)(base - name) + 1 : 0;
		n = snprintf(tmp, sizeof(tmp), "%.*s.%s.%ld.%u.tmp", dirlen,
			     name, base ? base + 1 : name, (long)getpid(),
			     attempt);
		if (n < 0 || (size_t)n >= sizeof(tmp))
			return ae_fail(err, AE_EINVAL, "%s: name too long", r);
		fd = openat(dirfd, tmp,
			    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
				    O_CLOEXEC,
			    mode);
		if (fd < 0 && errno != EEXIST)
			return ae_fail(err, AE_EIO, "create temp for %s: %s", r,
				       strerror(errno));
	}
	if (fd < 0)
		return ae_fail(err, AE_EIO,
			       "create temp for %s: too many tries", r);
	rc = io_write_all(fd, data, len, err);
	if (rc == 0 && fchmod(fd, mode) != 0)
		rc = ae_fail(err, AE_EIO, "chmod %s: %s", r, strerror(errno));
	if (rc == 0 && fsync(fd) != 0)
		rc = ae_fail(err, AE_EIO, "fsync %s: %s", r, strerror(errno));
	if (close(fd) != 0 && rc == 0)
		rc = ae_fail(err, AE_EIO, "close %s: %s", r, strerror(errno));
	if (rc == 0 && renameat(dirfd, tmp, dirfd, name) != 0)
		rc = ae_fail(err, AE_EIO, "rename into %s: %s", r,
			     strerror(errno));
	if (rc < 0)
		unlinkat(dirfd, tmp, 0);
	return rc;
}

int ae_mkdir_p(const char *path, ae_err *err)
{
	char buf[4096];
	char r[AE_REPR_BUF];
	size_t n = strlen(path);
	struct stat st;

	ae_repr(r, sizeof(r), path, n);
	if (n == 0 || n >= sizeof(buf))
		return ae_fail(err, AE_EINVAL, "bad directory path %s", r);
	memcpy(buf, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return ae_fail(err, AE_EIO, "mkdir %s: %s", r,
				       strerror(errno));
		if (lstat(buf, &st) != 0 || !S_ISDIR(st.st_mode))
			return ae_fail(err, AE_EINVAL,
				       "%s: a path element is not a directory",
				       r);
		if (i < n)
			buf[i] = '/';
	}
	return 0;
}
