/* ledger/sign_input.c -- what `sign OUT|POINTER` names: the pointer, its
 * directory OUT and the summary bundle beside it (contract in
 * ledger/ledger.h, ld_sign_input)
 *
 * The bundle must sit beside the pointer (OUT/summary-bundle), as emit
 * leaves it or `pull` puts it there (reference §1.3
 * ValidateSignablePointer).
 */
#include "ledger/ledger.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int ld_sign_input(ld_sign_paths *p, const char *input, ae_err *err)
{
	struct stat st;
	bool in_dir = stat(input, &st) == 0 && S_ISDIR(st.st_mode);
	char *tmp = strdup(input);

	/* OUT, or the pointer whose directory is OUT */
	snprintf(p->out, sizeof(p->out), "%s",
		 in_dir ? input
		 : tmp	? dirname(tmp)
			: ".");
	free(tmp);
	snprintf(p->ptr_path, sizeof(p->ptr_path),
		 in_dir ? "%s/pointer.yaml" : "%s", input);
	snprintf(p->sbdir, sizeof(p->sbdir), "%s/summary-bundle", p->out);
	if (stat(p->sbdir, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	return ae_fail(err, AE_ENOTFOUND,
		       "no summary-bundle beside the pointer: pull the bundle "
		       "next to it first");
}
