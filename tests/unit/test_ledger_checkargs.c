/* tests/unit/test_ledger_checkargs.c -- `check`'s and `ledger`'s flag
 * combinations, refused before any I/O (ledger/check_args.c,
 * ledger/run_opts.c), reached before only through e2e runs
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

/* ---- `ledger`'s command line (ledger/run_opts.c, ld_ledger_args_check),
 * reached before only through `ledger` e2e runs ---- */

/* The message ld_ledger_args_check gives for `a`, "" when it passes. */
static const char *ledger_msg(ld_ledger_args *a)
{
	static ae_err err;

	ae_err_clear(&err);
	if (ld_ledger_args_check(a, &err) == 0)
		return "";
	T_ASSERT_INT(err.code, AE_EINVAL);
	return err.msg;
}

void test_ledger_checkargs__ledger_format_jobs_and_verify(void)
{
	ld_ledger_args a;

	memset(&a, 0, sizeof(a));
	T_ASSERT_INT(ld_ledger_opts_init(&a.o, 4, NULL), 0);
	T_ASSERT_STR(ledger_msg(&a), "");
	T_ASSERT_STR(a.format, "text");
	T_ASSERT_INT(a.o.jobs, 2);
	a.format = "yaml";
	a.jobs = "0";
	T_ASSERT_STR(ledger_msg(&a), "--format must be text, json, html or "
				     "feed");
	a.format = "feed";
	T_ASSERT_STR(ledger_msg(&a), "--format feed needs -o DIR (it writes "
				     "index.json and series/)");
	a.out = "feed";
	T_ASSERT_STR(ledger_msg(&a), "--jobs must be 1 to 64");
	a.jobs = "65";
	T_ASSERT_STR(ledger_msg(&a), "--jobs must be 1 to 64");
	a.jobs = "7x";
	T_ASSERT_STR(ledger_msg(&a), "--jobs must be 1 to 64");
	a.jobs = "64";
	T_ASSERT_STR(ledger_msg(&a), "");
	T_ASSERT_INT(a.o.jobs, 64);
	/* what needs --verify: a registry flag, an ingest, the verifier's */
	a.any_reg = true;
	T_ASSERT_STR(ledger_msg(&a), "--trusted-root, --cache, --offline, "
				     "--ingest* and the registry flags need "
				     "--verify");
	a.any_reg = false;
	a.o.ingest_files[a.o.n_ingest_files++] = "list.txt";
	T_ASSERT_STR(ledger_msg(&a), "--trusted-root, --cache, --offline, "
				     "--ingest* and the registry flags need "
				     "--verify");
	a.o.verify = true;
	T_ASSERT_STR(ledger_msg(&a), "");
	/* then the registry's rules, then the run's (ld_ledger_opts_check) */
	a.reg.timeout = "never";
	a.o.vo.offline = true;
	T_ASSERT(strstr(ledger_msg(&a), "--timeout") != NULL);
	a.reg.timeout = "5s";
	T_ASSERT_STR(ledger_msg(&a), "--offline needs --cache DIR");
	T_ASSERT_INT(a.reg.timeout_ms, 5000);
	ld_ledger_opts_dispose(&a.o);
}

void test_ledger_checkargs__an_ingest_reference_is_named_escaped(void)
{
	ld_ledger_args a;

	memset(&a, 0, sizeof(a));
	T_ASSERT_INT(ld_ledger_opts_init(&a.o, 2, NULL), 0);
	a.o.verify = true;
	a.o.ingest[a.o.n_ingest++] = "reg.example/a\033[31m\nb@sha256:00";
	T_ASSERT_STR(ledger_msg(&a), "--ingest reg.example/a\\x1b[31m\\x0ab@"
				     "sha256:00: a digest-pinned reference is "
				     "needed (REG/REPO@sha256:HEX)");
	ld_ledger_opts_dispose(&a.o);
}
