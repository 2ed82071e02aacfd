/* evidence/core/pathsafe.c -- is a directory out of other users' reach?
 *
 * A directory of ours (a login page's, a TUF cache's) is only as private
 * as the directories above it: whoever may write to a parent may rename
 * our directory away and put their own of the same name in its place, and
 * everything that later finds it by path (a browser, the next run) follows
 * theirs. The rule is OpenSSH's for its key files: every directory from /
 * down is owned by us or root, and writable by nobody else unless sticky
 * (in a sticky directory only an entry's owner may rename it).
 */
#include "evidence/core/ae.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Why the directory `st` at `path` is within another user's reach, or
 * NULL. */
static const char *pathsafe_why(const struct stat *st, char *why, size_t whysz,
				const char *path)
{
	if (!S_ISDIR(st->st_mode)) {
		snprintf(why, whysz, "%s is not a directory", path);
		return why;
	}
	if (st->st_uid != geteuid() && st->st_uid != 0) {
		snprintf(why, whysz, "%s is owned by uid %lu", path,
			 (unsigned long)st->st_uid);
		return why;
	}
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0 &&
	    (st->st_mode & S_ISVTX) == 0) {
		snprintf(why, whysz, "%s is writable by others and not sticky",
			 path);
		return why;
	}
	return NULL;
}

/* Checks every directory from / down to the absolute `abs`, each as
 * lstat (`follow` false: a symlink is judged by the directory holding it,
 * and must lead somewhere the second walk checks) or stat sees it. */
static int pathsafe_walk(const char *abs, bool follow, char *why, size_t whysz)
{
	char cur[PATH_MAX];
	size_t n = strlen(abs), i;
	struct stat st;

	if (n == 0 || abs[0] != '/' || n >= sizeof(cur)) {
		snprintf(why, whysz, "%s is not an absolute path", abs);
		return -1;
	}
	for (i = 1; i <= n; i++) {
		if (i < n && abs[i] != '/')
			continue;
		memcpy(cur, abs, i); /* "/a", "/a/b", ...; / is checked below */
		cur[i] = '\0';
		if ((follow ? stat(cur, &st) : lstat(cur, &st)) != 0) {
			snprintf(why, whysz, "%s cannot be examined: %s", cur,
				 strerror(errno));
			return -1;
		}
		if (!follow && S_ISLNK(st.st_mode))
			continue;
		if (pathsafe_why(&st, why, whysz, cur) != NULL)
			return -1;
	}
	/* the root itself, once */
	if (stat("/", &st) != 0 || pathsafe_why(&st, why, whysz, "/") != NULL)
		return -1;
	return 0;
}

int ae_path_guarded(const char *path, char *why, size_t whysz)
{
	char abs[PATH_MAX], *real;
	int rc;

	why[0] = '\0';
	if (path == NULL || path[0] == '\0') {
		snprintf(why, whysz, "no directory named");
		return -1;
	}
	if (path[0] == '/') {
		if ((size_t)snprintf(abs, sizeof(abs), "%s", path) >=
		    sizeof(abs)) {
			snprintf(why, whysz, "the path is too long");
			return -1;
		}
	} else {
		char cwd[PATH_MAX];

		if (getcwd(cwd, sizeof(cwd)) == NULL ||
		    (size_t)snprintf(abs, sizeof(abs), "%s/%s", cwd, path) >=
			    sizeof(abs)) {
			snprintf(why, whysz, "%s cannot be made absolute",
				 path);
			return -1;
		}
	}
	/* the path as given (the directories holding its symlinks), then
	 * where it really leads */
	if (pathsafe_walk(abs, false, why, whysz) < 0)
		return -1;
	real = realpath(abs, NULL);
	if (real == NULL) {
		snprintf(why, whysz, "%s cannot be resolved: %s", path,
			 strerror(errno));
		return -1;
	}
	rc = pathsafe_walk(real, true, why, whysz);
	free(real);
	return rc;
}
