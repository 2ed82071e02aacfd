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

/* Checks the value of an identity-regexp flag (`verify
 * --expected-identity-regexp`, `sigstore verify-bundle
 * --certificate-identity-regexp`) before any I/O: it must compile, as
 * given, with RE2 in Go's dialect (ae_re_new); it is then matched against
 * the whole identity. 0, or the usage exit status (64) after printing
 * "<flag>: <why>". */
int cmd_identity_regexp_check(const char *command, const char *flag,
			      const char *re);

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

/* A flag that takes a value, "--name VALUE" or "--name=VALUE" ("-o FILE",
 * "-o=FILE"); a NULL `name` ends a table. A flag given twice keeps the
 * last value. "--name=" gives the empty value: the command's own checks
 * refuse it where it makes no sense, as they refuse --name "". */
typedef struct cmd_flag {
	const char *name;
	const char **value;
} cmd_flag;

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

/* The signing flags of SPEC §4 as given on the command line (borrowed
 * argv strings, NULL when absent). */
typedef struct cmd_sign_flags {
	const char *identity_token;
	const char *fulcio_url;
	const char *rekor_url;
	const char *rekor_version;
	const char *tsa_url;
	const char *signing_config;
	const char *trusted_root;
	bool yes;
} cmd_sign_flags;

/* Zeroes the flags. Cannot fail. */
void cmd_sign_flags_init(cmd_sign_flags *f);

/* Consumes argv[*i] if it is a signing flag, "--flag VALUE" or
 * "--flag=VALUE" (cmd_flag_take; *i advanced past a separate value): 1
 * consumed, 0 not a signing flag, -1 the flag lacks its value (the caller
 * reports a usage error). */
int cmd_sign_flag(cmd_sign_flags *f, int argc, char **argv, int *i);

/* The --help paragraph describing the signing flags. */
const char *cmd_sign_flags_help(void);

/* Gets the OIDC token: --identity-token, SIGSTORE_ID_TOKEN, then GitHub
 * Actions ambient credentials (ACTIONS_ID_TOKEN_REQUEST_URL +
 * ACTIONS_ID_TOKEN_REQUEST_TOKEN, audience sigstore). Codes of
 * ev_token_acquire. */
int cmd_sign_token(ev_token **out, const cmd_sign_flags *f, ae_err *err);

/* On a terminal and without --yes, says that the token's identity will be
 * published in the transparency log and asks once; 0 to go on, -1 when the
 * user declined (already told). Off a terminal it goes on: CI has no one
 * to ask. */
int cmd_sign_confirm(const ev_token *tok, bool yes);

/* File contents the options point into; dispose after signing. */
typedef struct cmd_sign_files {
	ae_buf signing_config;
	ae_buf trusted_root;
} cmd_sign_files;

/* Fills `opts` from the flags and `tok`, reading --signing-config and
 * --trusted-root (capped) into `files`. AE_EINVAL for a bad
 * --rekor-version; ae_read_file codes. Dispose `files` in every case. */
int cmd_sign_load(ev_sign_opts *opts, cmd_sign_files *files,
		  const cmd_sign_flags *f, const ev_token *tok, ae_err *err);
void cmd_sign_files_dispose(cmd_sign_files *files);

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
/* ---- evidence signing shared by emit and sign (cmd/evidence_sign.c) ---- */

/* What signing (and pushing) add to a pointer. */
typedef struct cmd_evidence_signed {
	char oci[1025];			/* tagged reference, "" if none */
	char digest[AE_DIGEST_STR_LEN]; /* artifact digest, "" if unknown */
	ev_sign_result *signed_by;	/* NULL unsigned; caller frees */
} cmd_evidence_signed;

/* REF with its tag, or `<recipe>-<12 hex of manifest_digest>` when it has
 * none (reference §8.1), scheme and digest dropped. AE_EINVAL bad REF. */
int cmd_evidence_tagged_ref(char *out, size_t outsz, const char *ref,
			    const char *recipe, const char *manifest_digest,
			    ae_err *err);

/* Signs the bundle in `sbdir` for REF's repository and its artifact digest
 * (set in out->digest), writing attestation.intoto.jsonl. A REF pinning
 * another digest is AE_EINVAL. Codes of the signer and oci/. */
int cmd_evidence_sign(cmd_evidence_signed *out, const char *ref,
		      const char *sbdir, const cmd_sign_flags *sf, ae_err *err);

int cmd_digest(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_emit(int argc, char **argv);
int cmd_verify(int argc, char **argv);
/* `ledger` (cmd/ledger.c): the corroboration report */
int cmd_ledger(int argc, char **argv);
int cmd_check(int argc, char **argv);

/* ---- registry flags shared by OCI-speaking commands (cmd/registry.c) ---- */

typedef struct cmd_registry_flags {
	const char *username;
	bool password_stdin;
	const char *docker_config;
	const char *ca_file;
	bool insecure_tls;
	bool plain_http;
} cmd_registry_flags;

/* Consumes argv[*i] (and its value, "--flag VALUE" or "--flag=VALUE", as
 * cmd_flag_take) when it is a registry flag: returns 1 (advancing *i past
 * a separate value), 0 when not a registry flag, -1 when the flag's value
 * is missing. */
int cmd_registry_flag(cmd_registry_flags *f, int argc, char **argv, int *i);
/* Refuses conflicting registry flags: 0, or the usage exit status (64). */
int cmd_registry_check(const cmd_registry_flags *f, const char *command);
/* Builds the client (reads the password from stdin when asked; progress
 * bar on a TTY). `push` asks tokens for pull,push. */
int cmd_registry_client(oci_client **out, const oci_ref *ref,
			const cmd_registry_flags *f, bool push, ae_err *err);
/* Prints the registry flags' help block. */
void cmd_registry_help(FILE *f);

/* `push` (cmd/push.c), `pull` (cmd/pull.c) */
int cmd_push(int argc, char **argv);
int cmd_pull(int argc, char **argv);

/* Fills client options from the flags (the password read from stdin when
 * asked: *password_out, which `o` points into, is freed with
 * cmd_password_free after the last client is made). `push` asks tokens
 * for pull,push; a progress bar on a TTY. Codes of the password read. */
int cmd_registry_opts(oci_client_opts *o, char **password_out,
		      const cmd_registry_flags *f, bool push, ae_err *err);
/* Wipes and frees a password. NULL is fine. Cannot fail. */
void cmd_password_free(char *password);

/* ---- fetching bundles by digest for verification (cmd/fetch.c): verify,
 * check --verify-signatures and ledger --verify ---- */

#include "ledger/ledger.h"

#include <stdatomic.h>

/* What the fetches of one run share; read-only after init (worker threads
 * share it) except the atomic counter naming each fetch's directory. */
typedef struct cmd_fetcher {
	char cache[4096];   /* content-addressed bundle cache */
	char tmp[4096];	    /* scratch for pulled trees */
	bool offline;	    /* --offline: the cache only, no client */
	oci_client_opts co; /* strings borrowed from the caller */
	atomic_size_t seq;
} cmd_fetcher;

/* Prepares a fetcher: `cache` (NULL: oci_cache_default) and a fresh
 * scratch directory named after `what`; set `co` afterwards. AE_EIO when
 * the scratch cannot be made, AE_ETOOBIG for an over-long cache path. */
int cmd_fetcher_init(cmd_fetcher *f, const char *cache, bool offline,
		     const char *what, ae_err *err);
/* Removes the scratch directory and everything fetched into it. Cannot
 * fail. */
void cmd_fetcher_dispose(cmd_fetcher *f);
/* Removes a directory tree (no symlink followed). Cannot fail. */
void cmd_scratch_remove(const char *path);

/* One fetched bundle. */
typedef struct cmd_fetched {
	char dest[4200];		/* the pulled tree, "" on failure */
	char root[4300];		/* its summary root */
	char digest[AE_DIGEST_STR_LEN]; /* the artifact pulled */
	char source[2048];		/* how, for the materialize step */
	long http_status; /* the registry's last answer, 0: none */
	oci_pull_result res;
} cmd_fetched;

/* Pulls `digest` (NULL or "": ref's own digest, else its tag resolved --
 * the caller has applied the tag-only rule) of ref's repository through
 * the cache into a fresh directory under the scratch. On failure the
 * codes of oci_pull (AE_ETRANSIENT, AE_EAUTH, AE_ENOTFOUND, AE_EVERIFY...)
 * with out->http_status set and nothing left on disk. Thread-safe. */
int cmd_fetch(cmd_fetched *out, cmd_fetcher *f, const oci_ref *ref,
	      const char *digest, ae_err *err);
/* Removes a fetched tree before the fetcher goes (long runs). Cannot
 * fail. */
void cmd_fetched_remove(cmd_fetched *x);

/* Copies a parsed pointer's claims into `c` (strings borrowed from `p`;
 * bundle oci/digest "" when absent, Rekor index 0 as absent). Cannot
 * fail. */
void cmd_pointer_claim(ev_pointer_claim *c, const ld_pointer *p,
		       const char *path);

/* ---- check's rule 4: fetch and verify each pointer's bundle
 * (cmd/check_verify.c) ---- */

/* Shared by the checker's worker threads; read-only after init. */
typedef struct check_verifier {
	cmd_fetcher fetch;
	const char *trusted_root; /* additive to the embedded root */
	char *password;		  /* --registry-password-stdin, wiped */
} check_verifier;

/* Prepares the verifier: `cache` (NULL: oci_cache_default) and a fresh
 * scratch directory. AE_EIO when the scratch cannot be made. */
int check_verifier_init(check_verifier *v, const char *cache,
			const char *trusted_root, bool offline,
			const cmd_registry_flags *f, ae_err *err);
/* Removes the scratch directory, wipes the password. Cannot fail. */
void check_verifier_dispose(check_verifier *v);
/* The ld_contract_verify_fn of `check --verify-signatures` (SPEC §5.4):
 * 0 verified and bound to the claim, AE_EVERIFY a finding, AE_ETRANSIENT
 * no verdict. Thread-safe. */
int check_verify_item(const ld_contract_item *item, void *ctx, ae_err *err);

#endif /* AE_CMD_H */
