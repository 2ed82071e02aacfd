/* cmd/cmd.h -- what the command files share: exit codes, error printing
 *
 * cmd/ is the only layer that prints or exits (STYLE §3.6). Each command is
 * a function `int cmd_<name>(int argc, char **argv)` returning the process
 * exit status, chosen through cmd_exit_code() alone.
 */
#ifndef AE_CMD_H
#define AE_CMD_H

#include "evidence/core/ae.h"
#include "oci/oci.h"

#include <signal.h>
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

/* Escaped copies of outside strings (identities, issuers, paths, names a
 * registry or a bundle supplied) for one line of human output, made by
 * ae_esc_value_dup -- the one capped escape of every human report -- and
 * freed together by cmd_esc_free. */
#define CMD_ESC_SLOTS 8
typedef struct cmd_esc_set {
	char *s[CMD_ESC_SLOTS];
	size_t n;
} cmd_esc_set;

/* The escaped copy of `s` ("" for NULL), valid until cmd_esc_free(e); a
 * placeholder when it cannot be made. Cannot fail. */
const char *cmd_esc(cmd_esc_set *e, const char *s);
/* Frees every copy of `e`. Cannot fail. */
void cmd_esc_free(cmd_esc_set *e);

/* Prints "aicr-evidence: <what>: <why>" on stderr, both through the one
 * capped escape (cmd_esc); `why` is err->msg or the code's name when no
 * message was recorded. */
void cmd_error(const char *what, const ae_err *err);

/* Checks the value of an identity-regexp flag (`verify
 * --expected-identity-regexp`, `sigstore verify-bundle
 * --certificate-identity-regexp`) before any I/O: it must compile, as
 * given, with RE2 in Go's dialect (ae_re_new); it is then matched against
 * the whole identity. 0, or the usage exit status (64) after printing
 * "<flag>: <why>". */
int cmd_identity_regexp_check(const char *command, const char *flag,
			      const char *re);

/* Prints "aicr-evidence: <fmt...>" on stderr, the formatted text through
 * the one capped escape (cmd_esc: it quotes the command line's words),
 * and returns the usage exit status (64), with a pointer to --help for
 * `command`. */
int cmd_usage_error(const char *command, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ae_duration_parse up to a week: 0, or -1 (the caller words the usage
 * error). */
#define CMD_DURATION_MAX_S (7u * 24u * 3600u) /* a week */
int cmd_duration_parse(uint64_t *ms_out, const char *s);

/* Prints "hint: ..." on stderr, through the one capped escape. */
void cmd_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Opens the report destination: stdout, or `path` written atomically by
 * cmd_output_close. */
typedef struct cmd_output {
	const char *path; /* NULL: stdout */
	ae_buf buf;
} cmd_output;

void cmd_output_init(cmd_output *o, const char *path);
int cmd_output_write(cmd_output *o, const void *data, size_t len);
/* Flushes: writes the file atomically or stdout; returns 0 or an AE code
 * with `err` set. Always disposes the buffer. */
int cmd_output_close(cmd_output *o, ae_err *err);
/* Ends a report that a renderer returning `rc` built into o->buf: writes
 * it (cmd_output_close) when rc is 0, else drops it. On either failure
 * prints "aicr-evidence: WHAT: why" (cmd_error) -- WHAT is `what`, or the
 * output's path ("stdout") when `what` is NULL -- and returns the outcome
 * of the code; CMD_OK otherwise. */
cmd_outcome cmd_output_end(cmd_output *o, int rc, ae_err *err,
			   const char *what);

/* True iff `arg` is an option ("-x", "--x", "--"): a lone "-" is an
 * argument (stdin, a name), on every command line. Cannot fail. */
bool cmd_is_option(const char *arg);

/* True iff argv holds -h or --help before a "--". */
int cmd_wants_help(int argc, char **argv);

/* The help text of `name` -- a command ("verify"), a subcommand
 * ("sigstore-verify-bundle"), the tool's own ("aicr-evidence") -- as
 * cmd/help/<name>.txt holds it, built in at build time (cmd/help/gen.sh,
 * into build/); NULL when there is none. Cannot fail. */
const char *cmd_help_text(const char *name);
/* The i-th name of a help text, NULL past the last. Cannot fail. */
const char *cmd_help_name(size_t i);
/* Prints the help text of `name` on `f` (nothing when there is none). */
void cmd_help_print(FILE *f, const char *name);
/* What `command [sub] --help` prints, on stdout: the subcommand's text
 * when `sub` names one of `command`, else the command's. Exit status 0. */
int cmd_help_show(const char *command, const char *sub);
/* Prints "unknown command 'word'" (NULL `command`) or "unknown <command>
 * subcommand 'word'", the closest names ("did you mean"), and returns
 * the usage exit status (64). */
int cmd_unknown_command(const char *command, const char *word);
/* `help [COMMAND [SUBCOMMAND]]` (cmd/help.c). */
int cmd_help(int argc, char **argv);
/* The git revision the tool was built from (build/cmd/revision.c, made
 * by the Makefile), "unknown" when none was known. */
const char *cmd_revision(void);

/* A flag that takes a value, "--name VALUE" or "--name=VALUE" ("-o FILE",
 * "-o=FILE"); a NULL `name` ends a table. A flag given twice keeps the
 * last value. "--name=" gives the empty value: the command's own checks
 * refuse it where it makes no sense, as they refuse --name "". */
typedef struct cmd_flag {
	const char *name;
	const char **value;
} cmd_flag;

/* A switch, "--name" alone, setting *on; a NULL `name` ends a table. */
typedef struct cmd_switch {
	const char *name;
	bool *on;
} cmd_switch;

/* Sets the switch of `sw` (a table ended by a NULL name; NULL: none) that
 * `arg` names and returns 1, else 0. Cannot fail. */
int cmd_switch_take(const cmd_switch *sw, const char *arg);

/* The one value-flag matcher every command uses (docs/cli.md: "--flag
 * VALUE" or "--flag=VALUE"). When argv[*i] names a flag of `flags` (a
 * table ended by a NULL name), stores its value (borrowed from argv) and
 * returns 1, advancing *i past a separate value; returns 0, *i unchanged,
 * when argv[*i] is no flag of the table; -1, *i unchanged, when the flag
 * is the last argument and so lacks its value. Prints nothing: the caller
 * words the usage error. Cannot fail otherwise. */
int cmd_flag_take(const cmd_flag *flags, int argc, char **argv, int *i);

/* Parses argv[1..] into the flags of `flags` and up to `max_pos`
 * positional arguments (stored in `pos`, count in `*npos_out`); "--" ends
 * the flags. Returns 0, or prints the problem and returns the usage exit
 * status (64) for an unknown flag, a missing value or too many
 * positionals. `command` names the command in messages ("pointer show"). */
int cmd_args_parse(const char *command, int argc, char **argv,
		   const cmd_flag *flags, const char **pos, int max_pos,
		   int *npos_out);

/* ---- the commands (cmd/<name>.c), listed in cmd/main.c ---- */

/* ---- signing flags shared by the signing commands (cmd/sign_common.c) ---- */

#include "evidence/evidence.h"
#include "evidence/signer/signer.h"
#include "evidence/tuf/tuf.h"

/* Consumes argv[*i] if it is a signing flag (ev_sign_flag_name,
 * ev_sign_flag_switch), "--flag VALUE" or "--flag=VALUE" (cmd_flag_take;
 * *i advanced past a separate value): 1 consumed, 0 not a signing flag,
 * -1 the flag lacks its value (the caller reports a usage error). */
int cmd_sign_flag(ev_sign_flags *f, int argc, char **argv, int *i);

/* ev_sign_flags_check: 0, or prints the problem and returns the usage
 * exit status (64). */
int cmd_sign_flags_check(ev_sign_flags *f, const char *command);

/* Fills `o` for ev_sign_run from the flags -- the environment (the
 * token's sources), the trust in force for what no flag
 * names (the TUF cache's, never fetched here; `t` holds it: dispose with
 * tuf_trust_dispose after the run), the login's URL or code shown on
 * stderr, and one question on a terminal without --yes before the
 * identity is published (docs/signing.md "Token"). It sets all of `o`:
 * the caller sets the payload and the signer check after. Cannot fail. */
void cmd_sign_opts(ev_sign_run_opts *o, tuf_trust *t, const ev_sign_flags *f);

/* `sigstore sign-bundle` (cmd/sigstore_sign.c), dispatched by cmd/sigstore.c */
int cmd_sigstore_sign_bundle(int argc, char **argv);
/* `sigstore verify-bundle` (cmd/sigstore_verify.c), dispatched by
 * cmd/sigstore.c */
int cmd_sigstore_verify_bundle(int argc, char **argv);
/* `sigstore` (cmd/sigstore.c): the sigstore-conformance client protocol */
int cmd_sigstore(int argc, char **argv);

/* `slug` (cmd/slug.c), `pointer show|path` (cmd/pointer.c) */
int cmd_slug(int argc, char **argv);
int cmd_pointer(int argc, char **argv);
/* `allowlist check|classify` (cmd/allowlist.c) */
int cmd_allowlist(int argc, char **argv);
int cmd_digest(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_emit(int argc, char **argv);
int cmd_verify(int argc, char **argv);
/* `ledger` (cmd/ledger.c): the corroboration report */
int cmd_ledger(int argc, char **argv);
int cmd_check(int argc, char **argv);

/* ---- registry flags shared by OCI-speaking commands (cmd/registry.c) ---- */

/* The flags as given (oci/oci.h). */
typedef oci_registry_flags cmd_registry_flags;

/* Consumes argv[*i] (and its value, "--flag VALUE" or "--flag=VALUE", as
 * cmd_flag_take) when it is a registry flag: returns 1 (advancing *i past
 * a separate value), 0 when not a registry flag, -1 when the flag's value
 * is missing. */
int cmd_registry_flag(cmd_registry_flags *f, int argc, char **argv, int *i);
/* The argv of a command that talks to a registry (push, pull, referrers,
 * verify): the registry flags, its own value flags and switches, and
 * one operand. */
typedef struct cmd_registry_argv {
	const char *command;	    /* "pull": usage errors name it */
	const cmd_flag *valued;	    /* its value flags */
	const cmd_switch *switches; /* its switches; NULL: none */
	cmd_registry_flags *reg;
	const char **operand; /* its one operand (OUT, REF, INPUT) */
	const char *unknown;  /* "unknown flag": the words for a stray flag */
	const char *extra;    /* the usage error for a second operand */
} cmd_registry_argv;

/* Parses argv[1..] as `p` says (cmd_registry_flag, then p->valued, then
 * p->switches): 0, or prints the problem -- "FLAG needs a value", "<p->
 * unknown> 'FLAG'", p->extra -- and returns the usage exit status (64).
 * The command checks what it needs after. */
int cmd_registry_args(const cmd_registry_argv *p, int argc, char **argv);
/* Refuses conflicting registry flags and a bad --timeout (parsed into
 * f->timeout_ms; oci_registry_flags_check): 0, or the usage exit status
 * (64). */
int cmd_registry_check(cmd_registry_flags *f, const char *command);
/* Builds the client (reads the password from stdin when asked; progress
 * bar on a TTY). `push` asks tokens for pull,push. */
int cmd_registry_client(oci_client **out, const oci_ref *ref,
			const cmd_registry_flags *f, bool push, ae_err *err);
/* Ends the line of a progress bar still drawn on stderr, if any.
 * Async-signal-safe (write(2) only). (cmd/util.c, beside cmd_error,
 * which ends it.) */
void cmd_progress_end(void);
/* Set while a progress bar or line is drawn and its line not ended
 * (cmd/util.c; cmd_progress_end ends it). */
extern volatile sig_atomic_t cmd_progress_open;
/* An oci_progress_fn drawing ae_bar_render's bar on stderr; `ctx` an
 * ae_bar. */
void cmd_progress(void *ctx, const char *what, uint64_t done, uint64_t total);

/* `push` (cmd/push.c), `pull` (cmd/pull.c) */
int cmd_push(int argc, char **argv);

/* What a push did (oci/oci.h). */
typedef oci_pushed cmd_pushed;

/* The push leg of `push DIR --to REF` and `emit --push` (oci_bundle_push):
 * under the tag of REF, else the one DIR/pointer.yaml names, else the
 * derived one. Prints nothing. Codes of oci/. */
int cmd_push_bundle(cmd_pushed *out, const char *dir, const char *to,
		    const cmd_registry_flags *reg, ae_err *err);
int cmd_pull(int argc, char **argv);
/* `referrers` (cmd/referrers.c) */
int cmd_referrers(int argc, char **argv);

/* Fills client options from the flags (oci_registry_opts; the password
 * read from stdin when asked: *password_out, which `o` points into, is
 * freed with oci_password_free after the last client is made). `push` asks
 * tokens for pull,push; a progress bar on a TTY; --timeout becomes the deadline
 * of every request made with `o`, counted from this call. Codes of the
 * password read. */
int cmd_registry_opts(oci_client_opts *o, char **password_out,
		      const cmd_registry_flags *f, bool push, ae_err *err);

#include "ledger/ledger.h"

/* ---- the progress line of `ledger --verify` and `check
 * --verify-signatures` (cmd/progress.c) ---- */

/* "WHAT: n/N UNIT  host" (ae_meter_render) on stderr when it is a
 * terminal and not quiet; nothing else. The pools' worker threads report
 * through lp (ld_progress_count, ld_progress_host: NULL lp is no
 * progress), which serialises the draws. */
typedef struct cmd_meter {
	ae_meter m;
	ld_progress *lp; /* NULL: off */
} cmd_meter;
/* Off (m->lp NULL) on a non-TTY, with quiet, or out of memory (no
 * progress is no failure). Cannot fail. */
void cmd_meter_init(cmd_meter *m, const char *what, const char *unit,
		    bool quiet);
/* Draws the last state, ends the line if one was drawn, frees m->lp.
 * After the pool has joined its workers. */
void cmd_meter_end(cmd_meter *m);

/* ---- the trusted root and signing config in force (cmd/trust.c,
 * docs/trust.md) ---- */

/* Prints t->note as one "note:" line on stderr when the embedded
 * documents are used because the cache is not usable. */
void cmd_trust_note(const tuf_trust *t);
/* ld_trust_in_force, then its notes on stderr (a failed refresh, the
 * embedded documents in force because the cache is not usable). Codes of
 * ld_trust_resolve. */
int cmd_trust_in_force(tuf_trust *t, const char *cache, ld_trust_refresh mode,
		       ae_err *err);

/* `trust update|show` (cmd/trust.c) */
int cmd_trust(int argc, char **argv);

#endif /* AE_CMD_H */
