/* evidence/bundle_src.c -- where the verifier reads a bundle's files: a
 * directory, or the verified layer in memory (issue 17)
 *
 * ev_evidence_verify reads the summary root through an ev__src. On disk
 * every file is opened relative to the root's descriptor, one element at a
 * time, refusing symlinks (reference §9.4). In memory (an ae_tree that
 * oci_pull_tree filled from the layer bytes it hashed) there are no links,
 * devices or other users' writes: only regular files and directories the
 * one tar reader accepted. Each reader below answers as its disk twin
 * does -- the same codes and the same messages for a file that is missing,
 * is a directory, or is over its cap -- so a verdict does not depend on
 * where the bundle was kept.
 */
#include "evidence/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The tree path of `rel` under the root, into out[outsz]. */
static const char *src_path(char *out, size_t outsz, const ev__src *s,
			    const char *rel)
{
	if ((size_t)snprintf(out, outsz, "%s%s", s->root, rel) >= outsz)
		return NULL;
	return out;
}

int ev__src_root_tree(ev__src *s, bool *nested, bool *stray, const ae_tree *t)
{
	memset(s, 0, sizeof(*s));
	s->dirfd = -1;
	s->tree = t;
	*nested = *stray = false;
	if (ae_tree_kind_of(t, "recipe.yaml") == AE_TREE_FILE &&
	    ae_tree_kind_of(t, "manifest.json") == AE_TREE_FILE)
		return 0;
	if (ae_tree_kind_of(t, EV_SUMMARY_DIR "/recipe.yaml") == AE_TREE_FILE &&
	    ae_tree_kind_of(t, EV_SUMMARY_DIR "/manifest.json") ==
		    AE_TREE_FILE) {
		snprintf(s->root, sizeof(s->root), "%s/", EV_SUMMARY_DIR);
		*nested = true;
		*stray =
			ae_tree_kind_of(t, EV_ATTESTATION_FILE) != AE_TREE_NONE;
		return 0;
	}
	s->tree = NULL;
	return AE_ENOTFOUND;
}

bool ev__src_exists(const ev__src *s, const char *name)
{
	struct stat st;
	char path[EV__SRC_PATH_MAX];

	if (s->tree != NULL)
		return src_path(path, sizeof(path), s, name) != NULL &&
		       ae_tree_kind_of(s->tree, path) != AE_TREE_NONE;
	return fstatat(s->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 ||
	       errno != ENOENT;
}

/* What ae_open_regular says of a name that is no regular file in the
 * tree: missing, or a directory. */
static int src_not_file(const ev__src *s, const char *path, const char *name,
			ae_err *err)
{
	char r[AE_REPR_BUF];

	ae_repr(r, sizeof(r), name, strlen(name));
	if (ae_tree_kind_of(s->tree, path) == AE_TREE_DIR)
		return ae_fail(err, AE_EINVAL,
			       "%s: not a regular file (a directory)", r);
	return ae_fail(err, AE_ENOTFOUND, "%s: no such file", r);
}

int ev__src_read(ae_buf *out, const ev__src *s, const char *name, size_t cap,
		 ae_err *err)
{
	char path[EV__SRC_PATH_MAX], r[AE_REPR_BUF];
	const unsigned char *data;
	size_t len = 0;

	if (s->tree == NULL)
		return ae_read_file(out, s->dirfd, name, cap, err);
	ae_buf_init(out, cap);
	if (src_path(path, sizeof(path), s, name) == NULL)
		return ae_fail(err, AE_EINVAL, "path too long");
	data = ae_tree_get(s->tree, path, &len);
	if (data == NULL)
		return src_not_file(s, path, name, err);
	if (len > cap)
		return ae_fail(err, AE_ETOOBIG, "%s is %llu bytes, cap %zu",
			       ae_repr(r, sizeof(r), name, strlen(name)),
			       (unsigned long long)len, cap);
	return ae_buf_put(out, data, len, err);
}

/* The disk reader: `rel` opened under the root one element at a time
 * with O_NOFOLLOW, so no symlink anywhere is followed. */
static int src_open_dir(ev__src_file *f, const ev__src *s, const char *rel,
			ae_err *err)
{
	char elem[256];
	int cur = s->dirfd, rc = 0;
	const char *p = rel;

	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (n >= sizeof(elem)) {
			rc = ae_fail(err, AE_EINVAL, "path element too long");
			break;
		}
		memcpy(elem, p, n);
		elem[n] = '\0';
		if (slash == NULL) {
			rc = ae_open_regular(&f->fd, &f->size, cur, elem, err);
			break;
		}
		{
			int next = openat(cur, elem,
					  O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
						  O_CLOEXEC);
			if (cur != s->dirfd)
				close(cur);
			cur = next;
		}
		if (cur < 0) {
			rc = ae_fail(err,
				     errno == ENOENT ? AE_ENOTFOUND : AE_EINVAL,
				     "missing or not a directory");
			cur = s->dirfd;
			break;
		}
		p = slash + 1;
	}
	if (cur != s->dirfd)
		close(cur);
	return rc;
}

/* The same walk in the tree: each directory on the way must be one (a
 * file there is "not a directory", as ENOTDIR is on disk). */
static int src_open_tree(ev__src_file *f, const ev__src *s, const char *rel,
			 ae_err *err)
{
	char path[EV__SRC_PATH_MAX];
	size_t root = strlen(s->root);
	const char *p = rel;

	if (src_path(path, sizeof(path), s, rel) == NULL)
		return ae_fail(err, AE_EINVAL, "path element too long");
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		ae_tree_kind k;
		char save;
		if (n >= 256)
			return ae_fail(err, AE_EINVAL, "path element too long");
		if (slash == NULL)
			break;
		save = path[root + (size_t)(slash - rel)];
		path[root + (size_t)(slash - rel)] = '\0';
		k = ae_tree_kind_of(s->tree, path);
		path[root + (size_t)(slash - rel)] = save;
		if (k != AE_TREE_DIR)
			return ae_fail(err,
				       k == AE_TREE_NONE ? AE_ENOTFOUND
							 : AE_EINVAL,
				       "missing or not a directory");
		p = slash + 1;
	}
	f->data = ae_tree_get(s->tree, path, &f->len);
	if (f->data == NULL)
		return src_not_file(s, path, p, err);
	f->size = f->len;
	return 0;
}

int ev__src_open(ev__src_file *f, const ev__src *s, const char *rel,
		 ae_err *err)
{
	memset(f, 0, sizeof(*f));
	f->fd = -1;
	return s->tree != NULL ? src_open_tree(f, s, rel, err)
			       : src_open_dir(f, s, rel, err);
}

int ev__src_sha256(unsigned char sha[AE_SHA256_LEN], uint64_t *size,
		   ev__src_file *f, ae_err *err)
{
	if (f->fd < 0) {
		ae_sha256(sha, f->data, f->len);
		*size = f->len;
		return 0;
	}
	return ae_sha256_fd(sha, size, f->fd, err);
}

int ev__src_next(const unsigned char **chunk, size_t *n, unsigned char *buf,
		 size_t bufsz, ev__src_file *f, ae_err *err)
{
	ssize_t got;

	if (f->fd < 0) {
		size_t k = f->len - f->off < bufsz ? f->len - f->off : bufsz;
		*chunk = f->data + f->off;
		f->off += k;
		*n = k;
		return 0;
	}
	do
		got = read(f->fd, buf, bufsz);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return ae_fail(err, errno == EIO ? AE_ETRANSIENT : AE_EIO,
			       "read: %s", strerror(errno));
	*chunk = buf;
	*n = (size_t)got;
	return 0;
}

void ev__src_close(ev__src_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

int ev__src_walk(ev__mfile **files_out, size_t *n_out, const ev__src *s,
		 ae_err *err)
{
	if (s->tree == NULL)
		return ev__manifest_walk(files_out, n_out, s->dirfd, false,
					 err);
	return ev__manifest_walk_tree(files_out, n_out, s->tree, s->root, err);
}
