/* evidence/manifest.c -- manifest.json: the bundle's integrity inventory
 *
 * manifest.json lists every regular file of summary-bundle/ except itself
 * and the two statement files, sorted by path bytewise, each with its size,
 * "sha256:" digest and media type (reference §5.3). Its own digest goes into
 * the signed predicate, so one signature covers every file. Files are hashed
 * by streaming (ae_sha256_fd): memory does not grow with their size.
 */
#include "evidence/internal.h"
#include "evidence/evidence.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MANIFEST_MAX_DEPTH 8	/* directory levels walked under a bundle */
#define MANIFEST_MAX_PATH  1024 /* bytes of one relative path */

void ev__mfiles_free(ev__mfile *files, size_t n)
{
	for (size_t i = 0; files != NULL && i < n; i++)
		free(files[i].path);
	free(files);
}

bool ev__path_is_local(const char *path)
{
	const char *p = path;

	if (path == NULL || *path == '\0' || strlen(path) > MANIFEST_MAX_PATH)
		return false;
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		char elem[256];
		if (n == 0 || n >= sizeof(elem))
			return false;
		memcpy(elem, p, n);
		elem[n] = '\0';
		if (!ae_path_element_is_plain(elem))
			return false;
		if (slash == NULL)
			return true;
		p = slash + 1;
	}
}

/* Files at the top of a bundle that the manifest never lists. */
static bool manifest_excluded(const char *rel)
{
	return strcmp(rel, "manifest.json") == 0 ||
	       strcmp(rel, "statement.intoto.json") == 0 ||
	       strcmp(rel, "attestation.intoto.jsonl") == 0;
}

typedef struct manifest_acc {
	ev__mfile *v;
	size_t n;
	bool hash; /* false: list only (verify's stray-file pass) */
} manifest_acc;

/* Hashes one file and appends it. */
static int manifest_add(manifest_acc *a, int dirfd, const char *name,
			const char *rel, ae_err *err)
{
	unsigned char sha[AE_SHA256_LEN];
	ev__mfile *grown;
	uint64_t size = 0;
	int fd = -1, rc;

	if (a->n >= EV_MANIFEST_MAX_FILES)
		return ae_fail(err, AE_ETOOBIG, "more than %d files in bundle",
			       EV_MANIFEST_MAX_FILES);
	memset(sha, 0, sizeof(sha));
	if (a->hash) {
		rc = ae_open_regular(&fd, NULL, dirfd, name, err);
		if (rc < 0)
			return rc;
		rc = ae_sha256_fd(sha, &size, fd, err);
		close(fd);
		if (rc < 0)
			return rc;
	}
	grown = realloc(a->v, (a->n + 1) * sizeof(*grown));
	if (grown == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	a->v = grown;
	grown[a->n].path = strdup(rel);
	if (grown[a->n].path == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	grown[a->n].size = size;
	if (a->hash)
		ae_digest_format(grown[a->n].sha256, sha);
	else
		grown[a->n].sha256[0] = '\0';
	a->n++;
	return 0;
}

static int manifest_walk_dir(manifest_acc *a, int dirfd, const char *prefix,
			     int depth, ae_err *err);

/* Handles one directory entry: recurse, hash, or refuse. */
static int manifest_entry(manifest_acc *a, int dirfd, const char *prefix,
			  const char *name, int depth, ae_err *err)
{
	char rel[MANIFEST_MAX_PATH + 1], r[AE_REPR_BUF];
	struct stat st;
	int sub, rc;

	if ((size_t)snprintf(rel, sizeof(rel), "%s%s", prefix, name) >=
	    sizeof(rel))
		return ae_fail(err, AE_EINVAL, "bundle path too long");
	if (depth == 0 && manifest_excluded(rel))
		return 0;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return ae_fail(err, AE_EIO, "stat %s: %s",
			       ae_repr(r, sizeof(r), rel, strlen(rel)),
			       strerror(errno));
	if (S_ISREG(st.st_mode))
		return manifest_add(a, dirfd, name, rel, err);
	if (!S_ISDIR(st.st_mode))
		return ae_fail(err, AE_EINVAL,
			       "%s is not a regular file or directory",
			       ae_repr(r, sizeof(r), rel, strlen(rel)));
	if (depth + 1 >= MANIFEST_MAX_DEPTH)
		return ae_fail(err, AE_EINVAL, "bundle nested deeper than %d",
			       MANIFEST_MAX_DEPTH);
	sub = openat(dirfd, name,
		     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub < 0)
		return ae_fail(err, AE_EIO, "open %s: %s",
			       ae_repr(r, sizeof(r), rel, strlen(rel)),
			       strerror(errno));
	if (strlen(rel) + 2 > sizeof(rel)) {
		close(sub);
		return ae_fail(err, AE_EINVAL, "bundle path too long");
	}
	{
		size_t l = strlen(rel);
		rel[l] = '/';
		rel[l + 1] = '\0';
	}
	rc = manifest_walk_dir(a, sub, rel, depth + 1, err);
	close(sub);
	return rc;
}

/* Walks one directory; takes no ownership of dirfd. */
static int manifest_walk_dir(manifest_acc *a, int dirfd, const char *prefix,
			     int depth, ae_err *err)
{
	struct dirent *e;
	DIR *d;
	int fd, rc = 0;

	fd = dup(dirfd);
	if (fd < 0)
		return ae_fail(err, AE_EIO, "dup: %s", strerror(errno));
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return ae_fail(err, AE_EIO, "open directory: %s",
			       strerror(errno));
	}
	rewinddir(d);
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		rc = manifest_entry(a, dirfd, prefix, e->d_name, depth, err);
	}
	closedir(d);
	return rc;
}

static int manifest_cmp(const void *x, const void *y)
{
	const ev__mfile *a = x, *b = y;

	return strcmp(a->path, b->path);
}

int ev__manifest_walk(ev__mfile **files_out, size_t *n_out, int dirfd,
		      bool hash, ae_err *err)
{
	manifest_acc a = {NULL, 0, hash};
	int rc;

	*files_out = NULL;
	*n_out = 0;
	rc = manifest_walk_dir(&a, dirfd, "", 0, err);
	if (rc < 0) {
		ev__mfiles_free(a.v, a.n);
		return rc;
	}
	if (a.n > 1)
		qsort(a.v, a.n, sizeof(*a.v), manifest_cmp);
	*files_out = a.v;
	*n_out = a.n;
	return 0;
}

/* One entry of a tree walk: what manifest_entry decides for it. */
static int manifest_tree_entry(manifest_acc *a, const char *rel,
			       ae_tree_kind kind, ae_err *err)
{
	size_t len = strlen(rel), comps = 1;

	if (len > MANIFEST_MAX_PATH)
		return ae_fail(err, AE_EINVAL, "bundle path too long");
	if (kind == AE_TREE_FILE)
		return manifest_add(a, -1, NULL, rel, err);
	for (const char *p = rel; *p != '\0'; p++)
		comps += *p == '/';
	if (comps >= MANIFEST_MAX_DEPTH)
		return ae_fail(err, AE_EINVAL, "bundle nested deeper than %d",
			       MANIFEST_MAX_DEPTH);
	if (len + 2 > MANIFEST_MAX_PATH + 1)
		return ae_fail(err, AE_EINVAL, "bundle path too long");
	return 0;
}

int ev__manifest_walk_tree(ev__mfile **files_out, size_t *n_out,
			   const ae_tree *t, const char *root, ae_err *err)
{
	manifest_acc a = {NULL, 0, false};
	const char **paths = NULL;
	ae_tree_kind *kinds = NULL;
	size_t n = 0, rl = strlen(root);
	int rc;

	*files_out = NULL;
	*n_out = 0;
	rc = ae_tree_list(&paths, &kinds, &n, t, err);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const char *rel = paths[i] + rl;
		char top[MANIFEST_MAX_PATH + 1];
		size_t tl = strcspn(rel, "/");
		if (strncmp(paths[i], root, rl) != 0 || *rel == '\0')
			continue;
		/* the top's excluded names are skipped, directories and
		 * all (manifest_entry at depth 0) */
		if (tl < sizeof(top)) {
			memcpy(top, rel, tl);
			top[tl] = '\0';
			if (manifest_excluded(top))
				continue;
		}
		rc = manifest_tree_entry(&a, rel, kinds[i], err);
	}
	free(paths);
	free(kinds);
	if (rc < 0) {
		ev__mfiles_free(a.v, a.n);
		return rc;
	}
	/* ae_tree_list gave them in bytewise order already */
	*files_out = a.v;
	*n_out = a.n;
	return 0;
}

int ev__manifest_render(ae_buf *out, const ev__mfile *files, size_t n,
			ae_err *err)
{
	json_t *root, *arr;
	int rc = 0;

	root = json_object();
	arr = json_array();
	if (root == NULL || arr == NULL ||
	    json_object_set_new(root, "schemaVersion", json_string("1.0.0")) ||
	    json_object_set(root, "files", arr)) {
		rc = ae_fail(err, AE_ERR, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		const char *mt = ev__media_type(files[i].path);
		json_t *f = json_pack("{sssIss}", "path", files[i].path, "size",
				      (json_int_t)files[i].size, "sha256",
				      files[i].sha256);
		if (f != NULL && mt[0] != '\0' &&
		    json_object_set_new(f, "mediaType", json_string(mt))) {
			json_decref(f);
			f = NULL;
		}
		if (f == NULL || json_array_append_new(arr, f)) {
			rc = ae_fail(err, AE_ERR, "out of memory");
			goto done;
		}
	}
	rc = ev__json_dump(out, root, err);
done:
	json_decref(arr);
	json_decref(root);
	return rc;
}

/* Checks one manifest entry and copies it into `f`. */
static int manifest_parse_entry(ev__mfile *f, const json_t *e, size_t i,
				ae_err *err)
{
	const char *path = json_string_value(json_object_get(e, "path"));
	const char *sha = json_string_value(json_object_get(e, "sha256"));
	const json_t *size = json_object_get(e, "size");
	char r[AE_REPR_BUF];

	if (!json_is_object(e) || path == NULL || sha == NULL ||
	    !json_is_integer(size) || json_integer_value(size) < 0)
		return ae_fail(err, AE_EINVAL,
			       "manifest entry %zu lacks path, size or sha256",
			       i);
	if (!ev__path_is_local(path))
		return ae_fail(err, AE_EINVAL, "%s: not a local path",
			       ae_repr(r, sizeof(r), path, strlen(path)));
	if (!ae_digest_is_valid(sha))
		return ae_fail(err, AE_EINVAL, "%s: malformed sha256",
			       ae_repr(r, sizeof(r), path, strlen(path)));
	f->path = strdup(path);
	if (f->path == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	f->size = (uint64_t)json_integer_value(size);
	memcpy(f->sha256, sha, AE_DIGEST_STR_LEN);
	return 0;
}

int ev__manifest_parse(ev__mfile **files_out, size_t *n_out,
		       const unsigned char *buf, size_t len, ae_err *err)
{
	json_t *root = NULL;
	const json_t *files;
	const char *sv;
	ev__mfile *v = NULL;
	size_t n = 0;
	int rc;

	*files_out = NULL;
	*n_out = 0;
	rc = ae_json_parse((void **)&root, buf, len, err);
	if (rc < 0)
		return rc;
	sv = json_string_value(json_object_get(root, "schemaVersion"));
	files = json_object_get(root, "files");
	if (sv == NULL ||
	    (strcmp(sv, "1.0") != 0 && strncmp(sv, "1.0.", 4) != 0)) {
		rc = ae_fail(err, AE_EINVAL,
			     "manifest schemaVersion is not 1.0.x");
		goto done;
	}
	if (!json_is_array(files) || json_array_size(files) == 0) {
		rc = ae_fail(err, AE_EINVAL, "manifest lists no files");
		goto done;
	}
	if (json_array_size(files) > EV_MANIFEST_MAX_FILES) {
		rc = ae_fail(err, AE_ETOOBIG, "manifest lists over %d files",
			     EV_MANIFEST_MAX_FILES);
		goto done;
	}
	v = calloc(json_array_size(files), sizeof(*v));
	if (v == NULL) {
		rc = ae_fail(err, AE_ERR, "out of memory");
		goto done;
	}
	for (; n < json_array_size(files); n++) {
		rc = manifest_parse_entry(&v[n], json_array_get(files, n), n,
					  err);
		if (rc < 0)
			goto done;
	}
done:
	json_decref(root);
	if (rc < 0) {
		ev__mfiles_free(v, n);
		return rc;
	}
	*files_out = v;
	*n_out = n;
	return 0;
}
