/* ledger/check_git.c -- a libgit2 failure as an ae_err
 *
 * A leaf every file of the checker that calls libgit2 uses, so that
 * none of them uses another only for this.
 */
#include "ledger/internal.h"

int ld__git_fail(ae_err *err, int code, const char *what)
{
	const git_error *e = git_error_last();

	if (e != NULL && e->message != NULL)
		return ae_fail(err, code, "%s: %s", what, e->message);
	return ae_fail(err, code, "%s", what);
}
