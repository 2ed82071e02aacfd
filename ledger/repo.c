/* ledger/repo.c -- finding the repository, the one way every command does
 *
 * check judges the repository around the current directory (or --repo),
 * found as git finds it: from the directory upward (git_repository_open_ext),
 * the evidence root being a path from its top. ledger and allowlist read
 * files: a relative path that does not exist from the current directory is
 * taken from that same top, so that run from a subdirectory of the work tree
 * they find recipes/evidence as check does.
 */
#include "ledger/internal.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int ld__repo_open(git_repository **out, const char *dir)
{
	*out = NULL;
	return git_repository_open_ext(out, dir ? dir : ".", 0, NULL);
}

int ld_root_find(char **out, const char *path, ae_err *err)
{
	git_repository *repo = NULL;
	const char *wd = NULL;
	struct stat st;
	char *s;

	AE_ASSERT_ARG(out != NULL && path != NULL, err);
	*out = NULL;
	/* absolute, or there from here: as it is */
	if (path[0] == '/' || path[0] == '\0' || lstat(path, &st) == 0)
		return (*out = strdup(path))
			       ? 0
			       : ae_fail(err, AE_ERR, "out of memory");
	if (git_libgit2_init() < 0)
		return ld__git_fail(err, AE_ERR, "cannot initialise libgit2");
	if (ld__repo_open(&repo, NULL) == 0)
		wd = git_repository_workdir(repo);
	git_error_clear();
	if (wd == NULL) { /* no work tree around: the caller words it */
		s = strdup(path);
	} else {
		size_t n = strlen(wd) + strlen(path) + 2;

		s = malloc(n);
		if (s != NULL)
			snprintf(s, n, "%s%s%s", wd,
				 wd[0] && wd[strlen(wd) - 1] == '/' ? "" : "/",
				 path);
	}
	git_repository_free(repo);
	git_libgit2_shutdown();
	if (s == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	*out = s;
	return 0;
}
