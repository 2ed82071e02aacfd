/* evidence/bundle_root.c -- where a bundle directory keeps its summary, and
 * so its signature
 *
 * A bundle directory is either the summary root itself or its parent
 * (reference §5.2: OUT/summary-bundle; an ORAS pull of the reference
 * system's artifact gives DIR/summary-bundle too). The root is the
 * directory holding the markers, regular files recipe.yaml and
 * manifest.json: the directory itself first, else its summary-bundle/.
 * There is one rule for the signature in every layout: it is
 * attestation.intoto.jsonl in that root (issue 23 item 4). `verify`, the
 * pull of a signature referrer and the artifact digest a signed statement
 * must name all find the root here.
 */
#include "evidence/evidence.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool root_is_file(int fd, const char *name)
{
	struct stat st;

	return fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISREG(st.st_mode);
}

static bool root_has_markers(int fd)
{
	return root_is_file(fd, "recipe.yaml") &&
	       root_is_file(fd, "manifest.json");
}

int ev_summary_root_at(int *fd_out, bool *nested_out, int top)
{
	int sub;

	*fd_out = -1;
	*nested_out = false;
	if (root_has_markers(top)) {
		*fd_out = dup(top);
		return *fd_out >= 0 ? 0 : AE_EIO;
	}
	sub = openat(top, EV_SUMMARY_DIR,
		     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub >= 0 && root_has_markers(sub)) {
		*fd_out = sub;
		*nested_out = true;
		return 0;
	}
	if (sub >= 0)
		close(sub);
	return AE_ENOTFOUND;
}

int ev_summary_root(char *out, size_t outsz, const char *dir, ae_err *err)
{
	int top, fd = -1, rc;
	bool nested = false;

	top = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (top < 0)
		return ae_fail(err, AE_ENOTFOUND,
			       "cannot open the bundle "
			       "directory");
	rc = ev_summary_root_at(&fd, &nested, top);
	close(top);
	if (fd >= 0)
		close(fd);
	if (rc < 0)
		return ae_fail(err, rc,
			       "not a bundle: no recipe.yaml and "
			       "manifest.json");
	if ((size_t)snprintf(out, outsz, "%s%s", dir,
			     nested ? "/" EV_SUMMARY_DIR : "") >= outsz)
		return ae_fail(err, AE_ETOOBIG, "bundle path too long");
	return 0;
}
