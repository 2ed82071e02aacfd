/* tests/unit/test_ledger_checkargs.c -- `check`'s flag combinations,
 * refused before any I/O (ledger/check_args.c), reached before only
 * through `check` e2e runs
 */
#include "ledger/ledger.h"
#include "tests/unit/t.h"

/* No flag at all: check's defaults. */
static void check_none(ld_check_args *a)
{
	ld_contract_opts init = LD_CONTRACT_OPTS_INIT;

	memset(a, 0, sizeof(*a));
	a->opts = init;
	a->format = "text";
}

/* The message ld_check_args_check gives for `a`, "" when it passes. */
static const char *check_msg(ld_check_args *a)
{
	static ae_err err;

	ae_err_clear(&err);
	if (ld_check_args_check(a, &err) == 0)
		return "";
	T_ASSERT_INT(err.code, AE_EINVAL);
	return err.msg;
}

void test_ledger_checkargs__defaults_pass(void)
{
	ld_check_args a;

	check_none(&a);
	T_ASSERT_STR(check_msg(&a), "");
	T_ASSERT_INT(a.fetch_timeout_ms, 60000);
	T_ASSERT_INT(a.opts.workers, 0);
	T_ASSERT(a.reg.timeout == NULL);
}

void test_ledger_checkargs__what_goes_with_verify_signatures(void)
{
	ld_check_args a;

	check_none(&a);
	a.cache = "c";
	T_ASSERT_STR(check_msg(&a), "--trusted-root, --cache and --offline "
				    "need --verify-signatures");
	check_none(&a);
	a.tuf_update = true;
	T_ASSERT_STR(check_msg(&a), "--tuf-update goes with "
				    "--verify-signatures, without --offline "
				    "or --trusted-root");
	a.verify = true;
	a.trusted_root = "root.json";
	T_ASSERT_STR(check_msg(&a), "--tuf-update goes with "
				    "--verify-signatures, without --offline "
				    "or --trusted-root");
	a.trusted_root = NULL;
	T_ASSERT_STR(check_msg(&a), "");
	check_none(&a);
	a.verify = a.offline = true;
	T_ASSERT_STR(check_msg(&a), "--offline needs --cache DIR");
	a.cache = "c";
	T_ASSERT_STR(check_msg(&a), "");
	check_none(&a);
	a.fetch_timeout = "10s";
	T_ASSERT_STR(check_msg(&a), "--fetch-timeout and --deadline need "
				    "--verify-signatures");
	check_none(&a);
	a.deadline = "10s";
	T_ASSERT_STR(check_msg(&a), "--fetch-timeout and --deadline need "
				    "--verify-signatures");
}

void test_ledger_checkargs__the_first_problem_is_the_one_named(void)
{
	ld_check_args a;

	/* a bad format before --head without --base, that before the
	 * verify-only flags, those before a password */
	check_none(&a);
	a.format = "yaml";
	a.opts.head = "HEAD";
	a.cache = "c";
	a.reg.password_stdin = true;
	T_ASSERT_STR(check_msg(&a), "--format is text or json");
	a.format = "json";
	T_ASSERT_STR(check_msg(&a), "--head needs --base");
	a.opts.base = "main";
	T_ASSERT_STR(check_msg(&a), "--trusted-root, --cache and --offline "
				    "need --verify-signatures");
	a.verify = true;
	T_ASSERT_STR(check_msg(&a), "check reads anonymously or with "
				    "--docker-config; no password on stdin");
	a.reg.password_stdin = false;
	a.reg.username = "u";
	T_ASSERT_STR(check_msg(&a), "check reads anonymously or with "
				    "--docker-config; no password on stdin");
	a.reg.username = NULL;
	/* the registry's own rules before --fetch-timeout's */
	a.reg.plain_http = a.reg.insecure_tls = true;
	a.fetch_timeout = "soon";
	T_ASSERT(check_msg(&a)[0] != '\0');
	T_ASSERT(strstr(check_msg(&a), "fetch-timeout") == NULL);
	a.reg.insecure_tls = false;
	T_ASSERT_STR(check_msg(&a), "--fetch-timeout wants a duration such "
				    "as 60s or 2m (0: no limit)");
	a.fetch_timeout = "2m";
	a.workers = "0";
	T_ASSERT_STR(check_msg(&a), "--workers is 1..64");
	a.workers = "65";
	T_ASSERT_STR(check_msg(&a), "--workers is 1..64");
	a.workers = "64";
	T_ASSERT_STR(check_msg(&a), "");
	T_ASSERT_INT(a.opts.workers, 64);
	T_ASSERT_INT(a.fetch_timeout_ms, 120000);
}

void test_ledger_checkargs__deadline_is_the_timeout(void)
{
	ld_check_args a;

	check_none(&a);
	a.verify = true;
	a.deadline = "90s";
	T_ASSERT_STR(check_msg(&a), "");
	T_ASSERT_STR(a.reg.timeout, "90s");
	T_ASSERT_INT(a.reg.timeout_ms, 90000);
	/* given with --timeout: one limit, named once */
	check_none(&a);
	a.verify = true;
	a.deadline = "90s";
	a.reg.timeout = "1m";
	T_ASSERT_STR(check_msg(&a), "--deadline and --timeout are the same "
				    "limit: give one");
	/* a bad --deadline is the registry's bad --timeout */
	check_none(&a);
	a.verify = true;
	a.deadline = "later";
	T_ASSERT(check_msg(&a)[0] != '\0');
	/* past a week */
	check_none(&a);
	a.verify = true;
	a.fetch_timeout = "8d";
	T_ASSERT_STR(check_msg(&a), "--fetch-timeout wants a duration such "
				    "as 60s or 2m (0: no limit)");
}
