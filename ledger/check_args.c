/* ledger/check_args.c -- `check`'s options given as words, checked before
 * any I/O (contract in ledger/ledger.h, ld_check_args)
 *
 * Which flags go together and which exclude each other: the checks run in
 * the order the command has always made them, so the first problem of a
 * command line is the one named; cmd/check.c shows the sentence as a
 * usage error (exit 64).
 */
#include "ledger/ledger.h"

#include <string.h>

#define CHECK_FETCH_TIMEOUT_MS 60000 /* one pointer's fetch, by default */
#define CHECK_DURATION_MAX_S   (7u * 24u * 3600u) /* a week */

int ld_check_args_check(ld_check_args *a, ae_err *err)
{
	if (strcmp(a->format, "text") != 0 && strcmp(a->format, "json") != 0)
		return ae_fail(err, AE_EINVAL, "--format is text or json");
	if (a->opts.head != NULL && a->opts.base == NULL)
		return ae_fail(err, AE_EINVAL, "--head needs --base");
	if (!a->verify && (a->trusted_root || a->cache || a->offline))
		return ae_fail(err, AE_EINVAL,
			       "--trusted-root, --cache and --offline need "
			       "--verify-signatures");
	if (a->tuf_update && (!a->verify || a->offline || a->trusted_root))
		return ae_fail(err, AE_EINVAL,
			       "--tuf-update goes with --verify-signatures, "
			       "without --offline or --trusted-root");
	if (a->offline && a->cache == NULL)
		return ae_fail(err, AE_EINVAL, "--offline needs --cache DIR");
	if (a->reg.password_stdin || a->reg.username)
		return ae_fail(err, AE_EINVAL,
			       "check reads anonymously or with "
			       "--docker-config; no password on stdin");
	if (a->deadline != NULL && a->reg.timeout != NULL)
		return ae_fail(err, AE_EINVAL,
			       "--deadline and --timeout are the same limit: "
			       "give one");
	if (a->deadline != NULL)
		a->reg.timeout = a->deadline;
	if (oci_registry_flags_check(&a->reg, err) < 0)
		return AE_EINVAL;
	a->fetch_timeout_ms = CHECK_FETCH_TIMEOUT_MS;
	if (a->fetch_timeout != NULL &&
	    ae_duration_parse(&a->fetch_timeout_ms, a->fetch_timeout,
			      CHECK_DURATION_MAX_S) < 0)
		return ae_fail(err, AE_EINVAL,
			       "--fetch-timeout wants a duration such as 60s "
			       "or 2m (0: no limit)");
	if (!a->verify && (a->fetch_timeout || a->deadline))
		return ae_fail(err, AE_EINVAL,
			       "--fetch-timeout and --deadline need "
			       "--verify-signatures");
	if (a->workers != NULL && ae_count_parse(&a->opts.workers, a->workers,
						 LD_CHECK_WORKERS_MAX) < 0)
		return ae_fail(err, AE_EINVAL, "--workers is 1..%d",
			       LD_CHECK_WORKERS_MAX);
	return 0;
}
