/* evidence/tuf/update_files.c -- what `trust update` reads and writes
 * beside the cache: the initial root it starts from (--tuf-root, else the
 * embedded public-good root for the public-good repository) and the
 * signing config it writes out (--emit-signing-config), checked before
 * anything changes so that a refused update changes nothing on disk
 * (docs/trust.md).
 */
#include "evidence/tuf/tuf.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Writes the signing config to `path`, never over anything but a regular
 * file. */
static int files_emit(const char *path, const tuf_state *s, ae_err *err)
{
	size_t n = 0;
	const unsigned char *d = tuf_state_target(s, tuf_trust_targets[1], &n);
	struct stat st;

	if (d == NULL)
		return ae_fail(err, AE_ENOTFOUND, "the repository has no %s",
			       tuf_trust_targets[1]);
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return ae_fail(err, AE_EINVAL, "not a regular file: refused");
	return ae_write_atomic(AT_FDCWD, path, d, n, 0644, err);
}

/* Whether `path` can be written: absent or a regular file, in a directory
 * that exists. */
static int files_emit_ok(const char *path, ae_err *err)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	struct stat st;

	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return ae_fail(err, AE_EINVAL, "not a regular file: refused");
	if (slash == NULL)
		return 0;
	if (snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path) >=
	    (int)sizeof(dir))
		return ae_fail(err, AE_ETOOBIG, "path too long");
	if (dir[0] != '\0' && (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)))
		return ae_fail(err, AE_EINVAL, "no such directory: refused");
	return 0;
}

int tuf_trust_update_files(tuf_state **out, const char **what_out,
			   tuf_trust_update_opts *o, const char *root_path,
			   const char *emit_path, ae_err *err)
{
	ae_buf root = AE_BUF_INIT(0);
	int rc = 0;

	*out = NULL;
	*what_out = NULL;
	if (root_path != NULL) {
		rc = ae_read_file(&root, AT_FDCWD, root_path,
				  TUF_ROOT_MAX_BYTES, err);
		if (rc < 0) {
			*what_out = root_path;
			return rc;
		}
		o->root = root.data;
		o->root_len = root.len;
	} else if (strcmp(o->url, TUF_PUBLIC_GOOD_URL) == 0) {
		o->root = tuf_public_good_root(&o->root_len);
	}
	if (emit_path != NULL)
		rc = files_emit_ok(emit_path, err);
	if (rc == 0)
		rc = tuf_trust_update(out, o, err);
	else
		*what_out = emit_path;
	if (rc == 0 && emit_path != NULL) {
		rc = files_emit(emit_path, *out, err);
		if (rc < 0) {
			*what_out = emit_path;
			tuf_state_free(*out);
			*out = NULL;
		}
	}
	o->root = NULL;
	o->root_len = 0;
	ae_buf_dispose(&root);
	return rc;
}
