/* cmd/cmd.h -- what the command files share: exit codes, error printing
 *
 * cmd/ is the only layer that prints or exits (STYLE §3.6). Each command is
 * a function `int cmd_<name>(int argc, char **argv)` returning the process
 * exit status, chosen through cmd_exit_code() alone.
 */
#ifndef AE_CMD_H
#define AE_CMD_H

#include "evidence/core/ae.h"

#include <stdio.h>

/* What a command concluded; cmd_exit_code maps it to SPEC §4 numbers. */
typedef enum cmd_outcome {
	CMD_OK,	       /* 0: success, clean, valid */
	CMD_FINDINGS,  /* 1: violations found / valid but a phase failed /
			  allowlist invalid */
	CMD_INVALID,   /* 2: verdict invalid (verify) */
	CMD_ERROR,     /* 2: operational error: could not decide */
	CMD_TRANSIENT, /* 3: no verdict, may pass on retry */
	CMD_USAGE,     /* 64: bad command line (sysexits EX_USAGE) */
} cmd_outcome;

/* The only place exit numbers are chosen (SPEC §4). */
int cmd_exit_code(cmd_outcome outcome);

/* Outcome for a failed operation: AE_ETRANSIENT → CMD_TRANSIENT, others →
 * CMD_ERROR. */
cmd_outcome cmd_outcome_from_rc(int rc);

/* Prints "aicr-evidence: <what>: <why>" on stderr; `why` is err->msg or
 * the code's name when no message was recorded. */
void cmd_error(const char *what, const ae_err *err);

/* Prints "aicr-evidence: <fmt...>" on stderr and returns the usage exit
 * status (64), with a pointer to --help for `command`. */
int cmd_usage_error(const char *command, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prints "hint: ..." on stderr. */
void cmd_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Opens the report destination: stdout, or `path` written atomically by
 * cmd_output_close. */
typedef struct cmd_output {
	const char *path; /* NULL: stdout */
	ae_buf buf;
} cmd_output;

void cmd_output_init(cmd_output *o, const char *path);
int cmd_output_printf(cmd_output *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int cmd_output_write(cmd_output *o, const void *data, size_t len);
/* Flushes: writes the file atomically or stdout; returns 0 or an AE code
 * with `err` set. Always disposes the buffer. */
int cmd_output_close(cmd_output *o, ae_err *err);

/* True iff argv holds -h or --help before a "--". */
int cmd_wants_help(int argc, char **argv);

/* ---- the commands (cmd/<name>.c), listed in cmd/main.c ---- */

#endif /* AE_CMD_H */
