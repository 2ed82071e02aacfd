/* evidence/tuf/cache.c -- the state on disk, replaced in one step
 *
 * A repository's cache directory (DIR/tuf/<sha256 of the URL>/) holds
 * generations: g-<16 hex>/ with the files of one verified state under
 * the names they have in the repository (root.json for the trusted root,
 * timestamp.json, 165.snapshot.json, 14.targets.json, delegated roles,
 * targets/<hash>.<name>) and .origin.json (the URL, the time of the
 * update; the dot keeps it apart from every role's file, whose names are
 * plain path elements). `current` names the generation in force. A commit
 * writes a whole new generation (each file fsynced), fsyncs it, then replaces
 * `current` with ae_write_cache_entry -- one rename -- so a reader sees the old
 * state or the new one, never a mix, and a crash or a refusal leaves the
 * old one in force. The previous generation is kept (a reader that read
 * `current` just before the switch can finish); older ones are removed.
 * Commits of one cache are serialised by flock on `.lock`.
 *
 * A load reads a generation as a mirror of the repository and runs the
 * workflow over it (update.c), so what the cache holds is trusted only as
 * far as it verifies again.
 */
#include "evidence/tuf/internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CACHE_GEN_LEN	18 /* "g-" + 16 hex */
#define CACHE_SMALL_MAX 4096u
#define CACHE_CURRENT	"current"
#define CACHE_ORIGIN	".origin.json" /* no role file starts with '.' */
#define CACHE_SELECTED	"selected"

/* ---- paths ---- */

int tuf_cache_dir(char *out, size_t outsz, const char *base, const char *url,
		  ae_err *err)
{
	unsigned char sha[AE_SHA256_LEN];
	char hex[AE_SHA256_HEX_LEN + 1];
	int n;

	ae_sha256(sha, url, strlen(url));
	ae_hex_encode(hex, sha, sizeof(sha));
	n = snprintf(out, outsz, "%s/tuf/%s", base, hex);
	if (n < 0 || (size_t)n >= outsz)
		return ae_fail(err, AE_ETOOBIG, "cache path too long");
	return 0;
}

/* Reads a one-line file of the cache (`current`, `selected`) and checks
 * it is `len` bytes of [0-9a-z-] after stripping one newline. */
static int cache_read_name(char *out, size_t len, int dirfd, const char *name,
			   ae_err *err)
{
	ae_buf b = AE_BUF_INIT(0);
	int rc = ae_read_file(&b, dirfd, name, CACHE_SMALL_MAX, err);

	if (rc < 0)
		return rc;
	if (b.len > 0 && b.data[b.len - 1] == '\n')
		b.len--;
	if (b.len != len)
		rc = ae_fail(err, AE_EINVAL, "cache file %s is malformed",
			     name);
	for (size_t i = 0; rc == 0 && i < len; i++) {
		unsigned char c = b.data[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		      c == '-'))
			rc = ae_fail(err, AE_EINVAL,
				     "cache file %s is malformed", name);
		out[i] = (char)c;
	}
	out[len] = '\0';
	ae_buf_dispose(&b);
	return rc;
}

/* True iff `hash` is a repository's directory name: 64 lowercase hex. */
static bool cache_hash_ok(const char *hash)
{
	return hash != NULL && strlen(hash) == AE_SHA256_HEX_LEN &&
	       strspn(hash, "0123456789abcdef") == AE_SHA256_HEX_LEN;
}

int tuf_cache_select(int tfd, const char *hash, ae_err *err)
{
	char line[AE_SHA256_HEX_LEN + 2];

	if (tfd < 0 || !cache_hash_ok(hash))
		return ae_fail(err, AE_EINVAL, "not a TUF cache directory");
	snprintf(line, sizeof(line), "%s\n", hash);
	return ae_write_cache_entry(tfd, CACHE_SELECTED, line, strlen(line),
				    0644, err);
}

int tuf_cache_selected_at(char hash[AE_SHA256_HEX_LEN + 1], int tfd,
			  ae_err *err)
{
	return cache_read_name(hash, AE_SHA256_HEX_LEN, tfd, CACHE_SELECTED,
			       err);
}

int tuf_cache_selected(char *out, size_t outsz, const char *base, ae_err *err)
{
	char path[4200], hash[AE_SHA256_HEX_LEN + 1];
	int fd, rc, n;

	if (snprintf(path, sizeof(path), "%s/tuf", base) >= (int)sizeof(path))
		return ae_fail(err, AE_ETOOBIG, "cache path too long");
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return ae_fail(err, AE_ENOTFOUND, "no TUF cache under %s",
			       base);
	rc = cache_read_name(hash, AE_SHA256_HEX_LEN, fd, CACHE_SELECTED, err);
	close(fd);
	if (rc < 0)
		return rc;
	n = snprintf(out, outsz, "%s/tuf/%s", base, hash);
	if (n < 0 || (size_t)n >= outsz)
		return ae_fail(err, AE_ETOOBIG, "cache path too long");
	return 0;
}

/* ---- load ---- */

static int dir_get(void *ctx, ae_buf *out, const char *path, size_t cap,
		   ae_err *err)
{
	return ae_read_file(out, *(int *)ctx, path, cap, err);
}

/* .origin.json: {"url": "...", "updated": N}. */
static int cache_origin(char **url_out, int64_t *updated, int gfd, ae_err *err)
{
	ae_buf b = AE_BUF_INIT(0);
	void *doc = NULL;
	json_t *u, *t;
	int rc = ae_read_file(&b, gfd, CACHE_ORIGIN, CACHE_SMALL_MAX, err);

	*url_out = NULL;
	if (rc == 0)
		rc = ae_json_parse(&doc, b.data, b.len, err);
	u = json_object_get(doc, "url");
	t = json_object_get(doc, "updated");
	if (rc == 0 && (!json_is_string(u) || !json_is_integer(t)))
		rc = ae_fail(err, AE_EINVAL, "cache .origin.json is malformed");
	if (rc == 0) {
		*url_out = strdup(json_string_value(u));
		*updated = (int64_t)json_integer_value(t);
		if (*url_out == NULL)
			rc = ae_fail(err, AE_ERR, "out of memory");
	}
	json_decref(doc);
	ae_buf_dispose(&b);
	return rc;
}

/* Opens the generation `current` of the repository cache `dfd` names,
 * read-only. */
static int cache_open_current(int *gfd_out, int dfd, ae_err *err)
{
	char gen[CACHE_GEN_LEN + 1];
	int rc;

	*gfd_out = -1;
	rc = cache_read_name(gen, CACHE_GEN_LEN, dfd, CACHE_CURRENT, err);
	if (rc == 0 && strncmp(gen, "g-", 2) != 0)
		rc = ae_fail(err, AE_EINVAL, "cache file current is malformed");
	if (rc == 0) {
		*gfd_out =
			openat(dfd, gen,
			       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (*gfd_out < 0)
			rc = ae_fail(err, AE_EVERIFY,
				     "cache generation %s is missing", gen);
	}
	return rc;
}

/* Loads the state of the repository cache open at `dfd`. */
static int cache_load_fd(tuf_state **out, int dfd, int64_t now,
			 const char *const *targets, size_t ntargets,
			 ae_err *err)
{
	tuf__source src = {dir_get, NULL};
	ae_buf root = AE_BUF_INIT(0);
	char *url = NULL;
	int64_t updated = 0;
	int gfd = -1, rc;

	*out = NULL;
	rc = cache_open_current(&gfd, dfd, err);
	src.ctx = &gfd;
	if (rc == 0)
		rc = cache_origin(&url, &updated, gfd, err);
	if (rc == 0)
		rc = ae_read_file(&root, gfd, "root.json", TUF_ROOT_MAX_BYTES,
				  err);
	if (rc == 0)
		rc = tuf__workflow(out, &src, url, root.data, root.len, NULL,
				   now, targets, ntargets, 0, true, err);
	if (rc == 0)
		(*out)->updated_at = updated;
	if (gfd >= 0)
		close(gfd);
	ae_buf_dispose(&root);
	free(url);
	return rc;
}

int tuf_state_load(tuf_state **out, const char *cache_dir, int64_t now,
		   const char *const *targets, size_t ntargets, ae_err *err)
{
	int dfd = open(cache_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	*out = NULL;
	if (dfd < 0)
		return ae_fail(err, AE_ENOTFOUND, "no TUF cache at %s",
			       cache_dir);
	rc = cache_load_fd(out, dfd, now, targets, ntargets, err);
	close(dfd);
	return rc;
}

int tuf_cache_load_at(tuf_state **out, int tfd, const char *hash, int64_t now,
		      const char *const *targets, size_t ntargets, ae_err *err)
{
	int dfd;
	int rc;

	*out = NULL;
	dfd = openat(tfd, hash,
		     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return ae_fail(err, AE_ENOTFOUND, "no TUF cache %s", hash);
	rc = cache_load_fd(out, dfd, now, targets, ntargets, err);
	close(dfd);
	return rc;
}

/* ---- update ---- */

typedef struct net_ctx {
	const tuf_update_opts *o;
} net_ctx;

static int net_get(void *ctx, ae_buf *out, const char *path, size_t cap,
		   ae_err *err)
{
	const net_ctx *n = ctx;

	return tuf__http_get(out, n->o->url, path, cap, n->o->deadline,
			     n->o->ca_file, err);
}

int tuf_update(tuf_state **out, const tuf_update_opts *o, ae_err *err)
{
	net_ctx nc = {o};
	tuf__source src = {net_get, &nc};
	tuf_state *prev = NULL;
	const unsigned char *root = o->root;
	size_t root_len = o->root_len;
	int rc;

	*out = NULL;
	AE_ASSERT_ARG(o->url != NULL, err);
	rc = tuf__url_check(o->url, err);
	if (rc < 0)
		return rc;
	/* the cache's own state is the anchor and the rollback floor; a
	 * cache that does not verify is no anchor (docs/trust.md) */
	if (o->cache_dir != NULL &&
	    tuf_state_load(&prev, o->cache_dir, o->now, o->targets, o->ntargets,
			   NULL) == 0) {
		root = prev->bytes[TUF_ROOT].data;
		root_len = prev->bytes[TUF_ROOT].len;
	}
	if (root == NULL) {
		tuf_state_free(prev);
		return ae_fail(err, AE_EINVAL,
			       "no trusted root to start from (no cache for "
			       "this repository and no initial root)");
	}
	rc = tuf__workflow(out, &src, o->url, root, root_len, prev, o->now,
			   o->targets, o->ntargets, o->nrequired, false, err);
	tuf_state_free(prev);
	return rc;
}

/* ---- commit ---- */

static int cache_fsync_dir(int fd, ae_err *err)
{
	if (fsync(fd) != 0 && errno != EINVAL)
		return ae_fail(err, AE_EIO, "fsync the TUF cache: %s",
			       strerror(errno));
	return 0;
}

/* A new, empty generation directory; its name into `gen`. */
static int cache_new_gen(char gen[CACHE_GEN_LEN + 1], int dfd, ae_err *err)
{
	unsigned char r[8];

	for (int i = 0; i < 16; i++) {
		if (RAND_bytes(r, sizeof(r)) != 1)
			return ae_fail(err, AE_ERR, "no random bytes");
		memcpy(gen, "g-", 2);
		ae_hex_encode(gen + 2, r, sizeof(r));
		/* 0755 whatever the umask: a group-writable directory is not
		 * the caller's own (tuf_cache_owned) */
		if (mkdirat(dfd, gen, 0755) == 0)
			return fchmodat(dfd, gen, 0755, 0) == 0
				       ? 0
				       : ae_fail(err, AE_EIO,
						 "chmod a TUF cache "
						 "generation: %s",
						 strerror(errno));
		if (errno != EEXIST)
			return ae_fail(err, AE_EIO,
				       "create a TUF cache generation: %s",
				       strerror(errno));
	}
	return ae_fail(err, AE_EIO,
		       "create a TUF cache generation: too many "
		       "tries");
}

/* Writes every file of `s` into generation directory `gfd`. */
static int cache_write_files(const tuf_state *s, int gfd, ae_err *err)
{
	ae_buf ob = AE_BUF_INIT(2 * CACHE_SMALL_MAX);
	json_t *o = json_pack("{s:s, s:I}", "url", s->url, "updated",
			      (json_int_t)time(NULL));
	char *text = o ? json_dumps(o, JSON_SORT_KEYS) : NULL;
	int rc = text ? 0 : ae_fail(err, AE_ERR, "out of memory");

	for (int i = 0; rc == 0 && i < TUF__NTYPES; i++)
		rc = ae_write_cache_entry(gfd, s->path[i], s->bytes[i].data,
					  s->bytes[i].len, 0644, err);
	for (size_t i = 0; rc == 0 && i < s->ndels; i++)
		rc = ae_write_cache_entry(gfd, s->dels[i].path,
					  s->dels[i].bytes.data,
					  s->dels[i].bytes.len, 0644, err);
	for (size_t i = 0; rc == 0 && i < s->nwanted; i++) {
		const tuf__target_bytes *t = &s->wanted[i];
		const char *slash = strrchr(t->path, '/');
		char dir[sizeof(t->path)];

		if (!t->found)
			continue;
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - t->path),
			 t->path);
		if ((mkdirat(gfd, dir, 0755) != 0 && errno != EEXIST) ||
		    fchmodat(gfd, dir, 0755, 0) != 0)
			rc = ae_fail(err, AE_EIO, "mkdir %s: %s", dir,
				     strerror(errno));
		if (rc == 0)
			rc = ae_write_cache_entry(gfd, t->path, t->data.data,
						  t->data.len, 0644, err);
	}
	if (rc == 0)
		rc = ae_buf_puts(&ob, text, err);
	if (rc == 0)
		rc = ae_write_cache_entry(gfd, CACHE_ORIGIN, ob.data, ob.len,
					  0644, err);
	ae_buf_dispose(&ob);
	free(text);
	json_decref(o);
	return rc;
}

/* Removes a generation directory (two levels: files, targets/). */
static void cache_remove_gen(int dfd, const char *gen)
{
	int gfd = openat(dfd, gen, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	DIR *d = gfd >= 0 ? fdopendir(gfd) : NULL;
	struct dirent *e;

	if (d == NULL) {
		if (gfd >= 0)
			close(gfd);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (unlinkat(gfd, e->d_name, 0) != 0 &&
		    (errno == EISDIR || errno == EPERM))
			cache_remove_gen(gfd, e->d_name);
	}
	closedir(d);
	unlinkat(dfd, gen, AT_REMOVEDIR);
}

/* Removes every generation but `keep` and `keep2`. Cannot fail. */
static void cache_prune(int dfd, const char *keep, const char *keep2)
{
	int fd = dup(dfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	char names[64][CACHE_GEN_LEN + 1];
	struct dirent *e;
	size_t n = 0;

	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(d)) != NULL && n < 64)
		if (strncmp(e->d_name, "g-", 2) == 0 &&
		    strlen(e->d_name) == CACHE_GEN_LEN &&
		    strcmp(e->d_name, keep) != 0 &&
		    strcmp(e->d_name, keep2) != 0)
			snprintf(names[n++], sizeof(names[0]), "%s", e->d_name);
	closedir(d);
	for (size_t i = 0; i < n; i++)
		cache_remove_gen(dfd, names[i]);
}

/* The repository's directory `hash` below the checked base/tuf `tfd`,
 * made when missing, opened without following a link and checked the
 * caller's own, into *dfd_out: every write of a commit is relative to it,
 * so nothing swapped in by path after the check is written through. */
static int cache_open_repo(int *dfd_out, int tfd, const char *hash, ae_err *err)
{
	struct stat st;
	int dfd;

	*dfd_out = -1;
	if (tfd < 0 || !cache_hash_ok(hash))
		return ae_fail(err, AE_EINVAL, "not a TUF cache directory");
	if (mkdirat(tfd, hash, 0755) != 0 && errno != EEXIST)
		return ae_fail(err, AE_EIO, "create the TUF cache %s: %s", hash,
			       strerror(errno));
	dfd = openat(tfd, hash,
		     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return ae_fail(err, AE_EIO, "open the TUF cache %s: %s", hash,
			       strerror(errno == ELOOP ? ENOTDIR : errno));
	if (fstat(dfd, &st) != 0 || st.st_uid != geteuid()) {
		close(dfd);
		return ae_fail(err, AE_EVERIFY,
			       "the TUF cache %s is not your own", hash);
	}
	/* tuf/ and tuf/<hash>/ as tuf_cache_owned wants them, whatever the
	 * umask (the caller checked they are its own) */
	(void)fchmod(dfd, 0755);
	(void)fchmod(tfd, 0755);
	*dfd_out = dfd;
	return 0;
}

int tuf_state_commit(const tuf_state *s, int tfd, const char *hash, ae_err *err)
{
	char gen[CACHE_GEN_LEN + 1] = "", old[CACHE_GEN_LEN + 1] = "";
	char line[CACHE_GEN_LEN + 2];
	int dfd = -1, lfd = -1, gfd = -1, rc;
	bool switched = false;

	rc = cache_open_repo(&dfd, tfd, hash, err);
	if (rc < 0)
		return rc;
	lfd = openat(dfd, ".lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
		     0600);
	if (lfd < 0 || flock(lfd, LOCK_EX) != 0) {
		rc = ae_fail(err, AE_EIO, "lock the TUF cache %s: %s", hash,
			     strerror(errno));
		goto done;
	}
	if (cache_read_name(old, CACHE_GEN_LEN, dfd, CACHE_CURRENT, NULL) < 0)
		old[0] = '\0';
	rc = cache_new_gen(gen, dfd, err);
	if (rc == 0) {
		gfd = openat(dfd, gen,
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (gfd < 0)
			rc = ae_fail(err, AE_EIO, "open %s: %s", gen,
				     strerror(errno));
	}
	if (rc == 0)
		rc = cache_write_files(s, gfd, err);
	if (rc == 0)
		rc = cache_fsync_dir(gfd, err);
	snprintf(line, sizeof(line), "%s\n", gen);
	/* the one step that switches states */
	if (rc == 0) {
		rc = ae_write_cache_entry(dfd, CACHE_CURRENT, line,
					  strlen(line), 0644, err);
		switched = rc == 0;
	}
	if (rc == 0)
		rc = cache_fsync_dir(dfd, err);
	if (switched)
		cache_prune(dfd, gen, old);
	else if (gen[0] != '\0')
		cache_remove_gen(dfd, gen);
done:
	if (gfd >= 0)
		close(gfd);
	if (lfd >= 0)
		close(lfd); /* releases the lock */
	if (dfd >= 0)
		close(dfd);
	return rc;
}

/* ---- whose cache ---- */

/* Why `st` may not be trusted as the caller's own, or NULL: owned by the
 * effective uid or root, not writable by group or others. */
static const char *cache_foreign(const struct stat *st, char *buf, size_t n)
{

	if (st->st_uid != geteuid() && st->st_uid != 0) {
		snprintf(buf, n, "owned by uid %lu", (unsigned long)st->st_uid);
		return buf;
	}
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0)
		return "writable by others";
	return NULL;
}

/* Walks directory `dfd` (already checked), `depth` levels at most. */
static int cache_walk(int dfd, const char *rel, int depth, char *why,
		      size_t whysz)
{
	char buf[64], sub[512];
	const char *w;
	struct dirent *de;
	DIR *d;
	int fd = dup(dfd), rc = 0;

	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		snprintf(why, whysz, "%s cannot be read", rel);
		return -1;
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		struct stat st;
		int efd;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", rel, de->d_name);
		efd = openat(dfd, de->d_name,
			     O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (efd < 0) {
			snprintf(why, whysz, "%s %s", sub,
				 errno == ELOOP ? "is a symlink (not followed)"
						: "cannot be opened");
			rc = -1;
			break;
		}
		if (fstat(efd, &st) != 0 ||
		    (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))) {
			snprintf(why, whysz, "%s is not a regular file", sub);
			rc = -1;
		} else if ((w = cache_foreign(&st, buf, sizeof(buf))) != NULL) {
			snprintf(why, whysz, "%s is %s", sub, w);
			rc = -1;
		} else if (S_ISDIR(st.st_mode)) {
			if (depth <= 0) {
				snprintf(why, whysz, "%s is nested too deep",
					 sub);
				rc = -1;
			} else {
				rc = cache_walk(efd, sub, depth - 1, why,
						whysz);
			}
		}
		close(efd);
	}
	closedir(d);
	return rc;
}

/* Is the cache base -- or, before it exists, the directory it will be
 * made in -- out of other users' reach? Whoever may rename base/tuf away
 * and back can hand a later run an older state of ours: a rollback that
 * ownership checks below base cannot see. */
static int cache_base_guarded(const char *base, char *why, size_t whysz)
{
	char dir[4200], inner[256];
	struct stat st;

	if (snprintf(dir, sizeof(dir), "%s", base) >= (int)sizeof(dir)) {
		snprintf(why, whysz, "the cache path is too long");
		return -1;
	}
	while (stat(dir, &st) != 0 && errno == ENOENT) {
		char *slash = strrchr(dir, '/');

		if (slash == NULL)
			snprintf(dir, sizeof(dir), ".");
		else if (slash == dir)
			dir[1] = '\0';
		else
			*slash = '\0';
	}
	if (ae_path_guarded(dir, inner, sizeof(inner)) < 0) {
		snprintf(why, whysz,
			 "the cache base is within other users' "
			 "reach: %s",
			 inner);
		return -1;
	}
	return 0;
}

int tuf_cache_open(int *tfd_out, const char *base, char *why, size_t whysz,
		   ae_err *err)
{
	char path[4200], buf[64];
	struct stat st;
	const char *w;
	int fd, rc;

	*tfd_out = -1;
	why[0] = '\0';
	if (snprintf(path, sizeof(path), "%s/tuf", base) >= (int)sizeof(path))
		return ae_fail(err, AE_ETOOBIG, "cache path too long");
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 0; /* nothing there yet: nothing foreign */
	if (fd < 0) {
		snprintf(why, whysz, "tuf %s",
			 errno == ELOOP ? "is a symlink (not followed)"
					: "is not a directory");
		return ae_fail(err, AE_EVERIFY, "%s", why);
	}
	if (fstat(fd, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(why, whysz, "tuf is not a directory");
		rc = -1;
	} else if ((w = cache_foreign(&st, buf, sizeof(buf))) != NULL) {
		snprintf(why, whysz, "tuf is %s", w);
		rc = -1;
	} else if (cache_base_guarded(base, why, whysz) < 0) {
		rc = -1;
	} else {
		rc = cache_walk(fd, "tuf", 6, why, whysz);
	}
	if (rc < 0) {
		close(fd);
		return ae_fail(err, AE_EVERIFY, "%s", why);
	}
	*tfd_out = fd;
	return 0;
}

int tuf_cache_owned(const char *base, char *why, size_t whysz, ae_err *err)
{
	int fd, rc;

	rc = tuf_cache_open(&fd, base, why, whysz, err);
	if (fd >= 0)
		close(fd);
	/* none yet: the one about to be made must be out of reach too */
	if (rc == 0 && fd < 0 && cache_base_guarded(base, why, whysz) < 0)
		rc = ae_fail(err, AE_EVERIFY, "%s", why);
	return rc;
}
