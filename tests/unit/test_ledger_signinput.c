/* tests/unit/test_ledger_signinput.c -- what `sign OUT|POINTER` names
 * (ledger/sign_input.c, ld_sign_input), reached before only through the
 * `sign` e2e runs
 */
#include "ledger/ledger.h"
#include "tests/unit/t.h"

#include <stdio.h>
#include <sys/stat.h>

void test_ledger_signinput__out_or_the_pointer_in_it(void)
{
	ld_sign_paths p;
	char want[4200];
	ae_err err = {0};

	T_ASSERT_INT(mkdir(t_path("out"), 0755), 0);
	/* no bundle beside the pointer yet: the paths are named anyway */
	T_ASSERT_INT(ld_sign_input(&p, t_path("out"), &err), AE_ENOTFOUND);
	T_ASSERT_STR(err.msg, "no summary-bundle beside the pointer: pull the "
			      "bundle next to it first");
	snprintf(want, sizeof(want), "%s/pointer.yaml", t_path("out"));
	T_ASSERT_STR(p.ptr_path, want);
	T_ASSERT_INT(mkdir(t_path("out/summary-bundle"), 0755), 0);
	T_ASSERT_INT(ld_sign_input(&p, t_path("out"), NULL), 0);
	T_ASSERT_STR(p.out, t_path("out"));
	T_ASSERT_STR(p.sbdir, t_path("out/summary-bundle"));
	/* a pointer (existing or not) stands in its directory */
	T_ASSERT_INT(ld_sign_input(&p, t_path("out/p.yaml"), NULL), 0);
	T_ASSERT_STR(p.out, t_path("out"));
	T_ASSERT_STR(p.ptr_path, t_path("out/p.yaml"));
	/* a summary-bundle that is a file is no bundle */
	T_ASSERT_INT(mkdir(t_path("o2"), 0755), 0);
	t_write_file(t_path("o2/summary-bundle"), "x", 1);
	T_ASSERT_INT(ld_sign_input(&p, t_path("o2"), NULL), AE_ENOTFOUND);
	/* a bare file name: OUT is "." */
	T_ASSERT_INT(ld_sign_input(&p, "pointer.yaml", NULL), AE_ENOTFOUND);
	T_ASSERT_STR(p.out, ".");
	T_ASSERT_STR(p.sbdir, "./summary-bundle");
}
