/* evidence/core/io.c -- bounded reads and atomic writes
 *
 * Every file the tool reads from outside goes through ae_read_file or
 * ae_open_regular: no symlink is followed (O_NOFOLLOW), only regular files
 * are read, and the size cap is checked at fstat and again while reading,
 * because a file can grow between the two (signify readmsg, reference §9.4).
 * Writes go to a temp file in the target directory and are renamed into
 * place, so a reader sees the old file or the new one, never half of one;
 * an output that exists and is no regular file is never replaced: a
 * device, FIFO or socket is written to as it is, anything else refused
 * (ae_write_atomic).
 */
#include "evidence/core/ae.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
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

/* Puts the finished temp file `tmp` at `name` only if nothing is there, in
 * one step: renameat2(RENAME_NOREPLACE), or where the kernel or file
 * system lacks it, link(2) (which never replaces either) and unlink of
 * the temp name. AE_EEXISTS when something is at `name`. */
static int io_place_new(int dirfd, const char *tmp, const char *name,
			const char *r, ae_err *err)
{
	int e;

	if (renameat2(dirfd, tmp, dirfd, name, RENAME_NOREPLACE) == 0)
		return 0;
	e = errno;
	if (e == EINVAL || e == ENOSYS || e == ENOTSUP) {
		if (linkat(dirfd, tmp, dirfd, name, 0) == 0) {
			unlinkat(dirfd, tmp, 0);
			return 0;
		}
		e = errno;
	}
	if (e == EEXIST)
		return ae_fail(err, AE_EEXISTS, "%s already exists", r);
	return ae_fail(err, AE_EIO, "create %s: %s", r, strerror(e));
}

/* Writes (data, len) to a fresh temp file beside `name` and renames it into
 * place: a reader sees the old file or the new one, never half of one.
 * `sync`: fsync before the rename (what survives a crash is then whole).
 * `noreplace`: only where nothing is (io_place_new). */
static int io_write_rename(int dirfd, const char *name, const char *r,
			   const void *data, size_t len, mode_t mode, bool sync,
			   bool noreplace, ae_err *err)
{
	char tmp[512];
	ae_tmp_claim claim;
	int fd = -1, rc = 0, n, slot = -1, e;
	unsigned int attempt;

	for (attempt = 0; attempt < 100 && fd < 0; attempt++) {
		const char *base = strrchr(name, '/');
		int dirlen = base ? (int)(base - name) + 1 : 0;
		n = snprintf(tmp, sizeof(tmp), "%.*s.%s.%ld.%u.tmp", dirlen,
			     name, base ? base + 1 : name, (long)getpid(),
			     attempt);
		if (n < 0 || (size_t)n >= sizeof(tmp))
			return ae_fail(err, AE_EINVAL, "%s: name too long", r);
		ae_tmp_claim_begin(&claim);
		fd = openat(dirfd, tmp,
			    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
				    O_CLOEXEC,
			    mode);
		e = errno;
		slot = ae_tmp_claim_end(&claim, dirfd, fd >= 0 ? tmp : NULL,
					false);
		if (fd < 0 && e != EEXIST)
			return ae_fail(err, AE_EIO, "create temp for %s: %s", r,
				       strerror(e));
	}
	if (fd < 0)
		return ae_fail(err, AE_EIO,
			       "create temp for %s: too many tries", r);
	rc = io_write_all(fd, data, len, err);
	if (rc == 0 && fchmod(fd, mode) != 0)
		rc = ae_fail(err, AE_EIO, "chmod %s: %s", r, strerror(errno));
	if (rc == 0 && sync && fsync(fd) != 0)
		rc = ae_fail(err, AE_EIO, "fsync %s: %s", r, strerror(errno));
	if (close(fd) != 0 && rc == 0)
		rc = ae_fail(err, AE_EIO, "close %s: %s", r, strerror(errno));
	if (rc == 0 && noreplace)
		rc = io_place_new(dirfd, tmp, name, r, err);
	else if (rc == 0 && renameat(dirfd, tmp, dirfd, name) != 0)
		rc = ae_fail(err, AE_EIO, "rename into %s: %s", r,
			     strerror(errno));
	if (rc < 0)
		unlinkat(dirfd, tmp, 0);
	ae_tmp_forget(slot);
	return rc;
}

/* Connects to the Unix stream socket `name` (relative to `dirfd`) through
 * /proc/self/fd, so a long directory part does not hit sun_path's limit. */
static int io_socket_connect(int *fd_out, int dirfd, const char *name,
			     const char *r, ae_err *err)
{
	struct sockaddr_un sa;
	const char *slash = strrchr(name, '/');
	const char *base = slash ? slash + 1 : name;
	char dir[4096];
	int dfd = -1, fd = -1, n, rc = 0;

	*fd_out = -1;
	n = snprintf(dir, sizeof(dir), "%.*s",
		     slash ? (int)(slash - name) + 1 : 1, slash ? name : ".");
	if (n < 0 || (size_t)n >= sizeof(dir))
		return ae_fail(err, AE_EINVAL, "%s: name too long", r);
	dfd = openat(dirfd, dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return ae_fail(err, AE_EIO, "open the directory of %s: %s", r,
			       strerror(errno));
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	n = snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/%s",
		     dfd, base);
	if (n < 0 || (size_t)n >= sizeof(sa.sun_path)) {
		rc = ae_fail(err, AE_EINVAL, "%s: socket name too long", r);
		goto done;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		rc = ae_fail(err, AE_EIO,
			     "%s: a socket that takes no stream connection: %s",
			     r, strerror(errno));
		goto done;
	}
	*fd_out = fd;
	fd = -1;
done:
	if (fd >= 0)
		close(fd);
	close(dfd);
	return rc;
}

/* Opens the existing FIFO or character device `name` for writing, without
 * following a symlink and without waiting for a reader (ENXIO: none). */
static int io_open_special(int *fd_out, bool *changed, int dirfd,
			   const char *name, const char *r, ae_err *err)
{
	struct stat st;
	int fd;

	*fd_out = -1;
	*changed = false;
	fd = openat(dirfd, name,
		    O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ENXIO)
		return ae_fail(err, AE_EIO, "%s: a FIFO with no reader", r);
	if (fd < 0)
		return io_errno_fail(err, errno, "open", name);
	if (fstat(fd, &st) != 0 || fcntl(fd, F_SETFL, 0) != 0) {
		int e = errno;
		close(fd);
		return io_errno_fail(err, e, "open", name);
	}
	if (!S_ISCHR(st.st_mode) && !S_ISFIFO(st.st_mode)) {
		/* swapped since the lstat: judged again by the caller */
		close(fd);
		*changed = true;
		return 0;
	}
	*fd_out = fd;
	return 0;
}

int ae_write_atomic(int dirfd, const char *name, const void *data, size_t len,
		    mode_t mode, ae_err *err)
{
	char r[AE_REPR_BUF];
	struct stat st;
	bool changed = false;
	int fd = -1, rc = 0, tries;

	AE_ASSERT_ARG(name != NULL && *name != '\0', err);
	ae_repr(r, sizeof(r), name, strlen(name));
	for (tries = 0; tries < 3; tries++) {
		if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    S_ISREG(st.st_mode))
			return io_write_rename(dirfd, name, r, data, len, mode,
					       true, false, err);
		if (S_ISLNK(st.st_mode))
			return ae_fail(err, AE_EINVAL,
				       "%s: is a symlink (not followed; name "
				       "its target, or '-' for stdout)",
				       r);
		if (S_ISDIR(st.st_mode))
			return ae_fail(err, AE_EINVAL,
				       "%s: is a directory, not a file", r);
		if (S_ISSOCK(st.st_mode)) {
			rc = io_socket_connect(&fd, dirfd, name, r, err);
			break;
		}
		if (!S_ISCHR(st.st_mode) && !S_ISFIFO(st.st_mode))
			return ae_fail(err, AE_EINVAL,
				       "%s: a block device or other special "
				       "file (refused)",
				       r);
		rc = io_open_special(&fd, &changed, dirfd, name, r, err);
		if (rc < 0 || !changed)
			break;
	}
	if (tries == 3)
		return ae_fail(err, AE_EIO, "%s keeps changing", r);
	if (rc < 0)
		return rc;
	/* A device, FIFO or socket is written to as it is: never replaced,
	 * never truncated (there is nothing to make atomic). */
	rc = io_write_all(fd, data, len, err);
	if (close(fd) != 0 && rc == 0)
		rc = ae_fail(err, AE_EIO, "close %s: %s", r, strerror(errno));
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

static int io_write_own(int dirfd, const char *name, const void *data,
			size_t len, mode_t mode, bool sync, ae_err *err)
{
	char r[AE_REPR_BUF];
	struct stat st;

	AE_ASSERT_ARG(name != NULL && *name != '\0', err);
	ae_repr(r, sizeof(r), name, strlen(name));
	/* rename(2) replaces any non-directory entry without following it */
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISDIR(st.st_mode))
		return ae_fail(err, AE_EINVAL,
			       "%s: is a directory, not a cache entry", r);
	return io_write_rename(dirfd, name, r, data, len, mode, sync, false,
			       err);
}

int ae_write_new(int dirfd, const char *name, const void *data, size_t len,
		 mode_t mode, ae_err *err)
{
	char r[AE_REPR_BUF];

	AE_ASSERT_ARG(name != NULL && *name != '\0', err);
	ae_repr(r, sizeof(r), name, strlen(name));
	return io_write_rename(dirfd, name, r, data, len, mode, true, true,
			       err);
}

int ae_write_cache_entry(int dirfd, const char *name, const void *data,
			 size_t len, mode_t mode, ae_err *err)
{
	return io_write_own(dirfd, name, data, len, mode, true, err);
}

int ae_write_tree_file(int dirfd, const char *name, const void *data,
		       size_t len, mode_t mode, ae_err *err)
{
	return io_write_own(dirfd, name, data, len, mode, false, err);
}
