/* cmd/main.c -- the command table and dispatch
 *
 * Exactly one verb per invocation (signify main): the first argument names
 * the command, the rest is that command's. Each command lives in
 * cmd/<name>.c and returns its exit status; its help text is
 * cmd/help/<name>.txt (the list of commands: cmd/help/aicr-evidence.txt).
 */
#include "cmd/cmd.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef AE_VERSION
#define AE_VERSION "0.0.0-dev"
#endif

typedef struct cmd_entry {
	const char *name;
	int (*fn)(int argc, char **argv);
} cmd_entry;

static int cmd_version(int argc, char **argv);

static const cmd_entry commands[] = {
	{"help", cmd_help},	      {"sigstore", cmd_sigstore},
	{"check", cmd_check},	      {"version", cmd_version},
	{"slug", cmd_slug},	      {"pointer", cmd_pointer},
	{"allowlist", cmd_allowlist}, {"push", cmd_push},
	{"pull", cmd_pull},	      {"referrers", cmd_referrers},
	{"digest", cmd_digest},	      {"emit", cmd_emit},
	{"verify", cmd_verify},	      {"sign", cmd_sign},
	{"ledger", cmd_ledger},	      {"trust", cmd_trust},
};

static int cmd_version(int argc, char **argv)
{
	const cmd_flag none[] = {{NULL, NULL}};
	int n = 0,
	    rc = cmd_args_parse("version", argc, argv, none, NULL, 0, &n);

	if (rc != 0)
		return rc;
	printf("aicr-evidence %s (revision %s)\n", AE_VERSION, cmd_revision());
	return cmd_exit_code(CMD_OK);
}

/* A verdict or report that did not reach stdout (a full disk, a closed
 * pipe's EPIPE) is not a success: 0 and 1 become 2, with one line. Codes
 * that already say "could not decide" are kept. */
static int main_finish(int status)
{
	int e = 0;

	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout))
		e = errno ? errno : EIO;
	if (e == 0 || status >= cmd_exit_code(CMD_ERROR))
		return status;
	fprintf(stderr, "aicr-evidence: stdout: write failed: %s\n",
		strerror(e));
	return cmd_exit_code(CMD_ERROR);
}

/* SIGINT, SIGTERM, SIGHUP: the temp files and directories of the writers
 * (ae_tmp_claim_end) are removed, a progress bar's line is ended, and the
 * exit is 128 + the signal (130, 143, 129), as a shell reports it. Only
 * async-signal-safe calls; the handler runs once (the others are blocked
 * while it runs). */
static void main_on_signal(int sig)
{
	static const char msg[] = "aicr-evidence: interrupted\n";

	cmd_progress_end();
	ae_tmp_remove_all();
	(void)!write(2, msg, sizeof(msg) - 1);
	_exit(128 + sig);
}

static void main_signals(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = main_on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&sa.sa_mask, sigs[i]);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction old;
		/* an ignored signal stays ignored (nohup, a shell's &) */
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
}

int main(int argc, char **argv)
{
	/* Past `ulimit -f` a write must fail with EFBIG, so the atomic
	 * writers remove their temp files and report it; the default action
	 * of SIGXFSZ would kill the process and leave them behind. */
	signal(SIGXFSZ, SIG_IGN);
	(void)ae_openssl_init(); /* a start-up cost, never a fault */
	main_signals();
	if (argc < 2) {
		cmd_help_print(stderr, "aicr-evidence");
		return cmd_exit_code(CMD_USAGE);
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
		return main_finish(cmd_help(argc - 1, argv + 1));
	if (strcmp(argv[1], "--version") == 0)
		return main_finish(cmd_version(1, argv + 1));
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		/* -h or --help anywhere before "--": the command's help, or its
		 * subcommand's (`trust update --help`), as `help` prints it */
		if (cmd_wants_help(argc - 1, argv + 1))
			return main_finish(cmd_help_show(
				argv[1], argc > 2 ? argv[2] : NULL));
		return main_finish(commands[i].fn(argc - 1, argv + 1));
	}
	return cmd_unknown_command(NULL, argv[1]);
}
