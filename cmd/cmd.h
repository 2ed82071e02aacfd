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
 * ae_buf_put_esc -- the one escape of every human report -- and freed
 * together by cmd_esc_free. */
#define CMD_ESC_SLOTS 8
#define CMD_ESC_MAX   (64u << 10) /* an escaped value; longer ones elided */
typedef struct cmd_esc_set {
	char *s[CMD_ESC_SLOTS];
	size_t n;
} cmd_esc_set;

/* The escaped copy of `s` ("" for NULL), valid until cmd_esc_free(e); a
 * placeholder when it cannot be made. Cannot fail. */
const char *cmd_esc(cmd_esc_set *e, const char *s);
/* Frees every copy of `e`. Cannot fail. */
void cmd_esc_free(cmd_esc_set *e);

/* Prints "aicr-evidence: <what>: <why>" on stderr (`what` escaped); `why`
 * is err->msg or the code's name when no message was recorded. */
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

/* Parses a duration for --timeout and friends: digits with an optional
 * unit, "ms", "s" (the default), "m" or "h" ("90", "90s", "2m", "500ms");
 * "0" is no limit. Returns 0 with *ms_out set, or -1 (the caller reports
 * a usage error) for anything else or past CMD_DURATION_MAX_S. Cannot
 * fail otherwise. */
#define CMD_DURATION_MAX_S (7u * 24u * 3600u) /* a week */
int cmd_duration_parse(uint64_t *ms_out, const char *s);

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
/* Does `command` have subcommands (help texts "command-sub")? */
bool cmd_help_has_subcommands(const char *command);
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
	const char *timeout;
	int64_t timeout_s; /* --timeout, set by cmd_sign_flags_check */
	bool yes;
	/* getting the token (issue 21, cmd/sign_login.c) */
	const char *identity_token_file;
	const char *oidc_issuer;
	const char *oidc_client_id;
	const char *oidc_client_secret_file;
	const char *oidc_redirect_url;
	const char *oidc_provider;
	const char *oidc_timeout;
	bool oidc_device;
	bool oidc_secret_on_argv; /* --oidc-client-secret: refused (64) */
	int64_t oidc_timeout_s;	  /* set by cmd_sign_flags_check */
} cmd_sign_flags;

/* Zeroes the flags. Cannot fail. */
void cmd_sign_flags_init(cmd_sign_flags *f);

/* Consumes argv[*i] if it is a signing flag, "--flag VALUE" or
 * "--flag=VALUE" (cmd_flag_take; *i advanced past a separate value): 1
 * consumed, 0 not a signing flag, -1 the flag lacks its value (the caller
 * reports a usage error). */
int cmd_sign_flag(cmd_sign_flags *f, int argc, char **argv, int *i);

/* Checks the signing flags' values after parsing (--timeout: whole seconds
 * up to a day; EV_SIGN_TIMEOUT_DEFAULT_S when absent): 0, or prints the
 * problem and returns the usage exit status (64). */
int cmd_sign_flags_check(cmd_sign_flags *f, const char *command);

/* Starts the signing run's deadline (--timeout) in *deadline_out and gets
 * the OIDC token (cmd/sign_login.c, docs/signing.md "Token"):
 * --identity-token or --identity-token-file; else the ambient sources in
 * order (GitHub Actions, GitLab CI, Buildkite, Google Cloud,
 * SIGSTORE_ID_TOKEN) or the one --oidc-provider forces; else, on a
 * terminal or when forced, the browser login (--oidc-device: the device
 * login) at --oidc-issuer, the signing config's issuer or public good's
 * -- the run's deadline then starts once the person has logged in. Then
 * refuses a token without exp, expired, from another issuer than
 * --oidc-issuer, or minted for another audience (AE_EAUTH) before any
 * prompt or request. Codes of ev_token_acquire and the logins. *out NULL
 * on failure. */
int cmd_sign_token(ev_token **out, int64_t *deadline_out,
		   const cmd_sign_flags *f, ae_err *err);

/* Checks the token flags (cmd/sign_login.c) after parsing: conflicts,
 * --oidc-provider, --oidc-timeout, --oidc-client-id, a client secret on
 * argv. 0, or prints the problem and returns 64. */
int cmd_sign_login_flags_check(cmd_sign_flags *f, const char *command);

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

/* Fills `opts` from the flags, `tok` and the run's `deadline`, reading
 * --signing-config and
 * --trusted-root (capped) into `files`. AE_EINVAL for a bad
 * --rekor-version; ae_read_file codes. Dispose `files` in every case. */
int cmd_sign_load(ev_sign_opts *opts, cmd_sign_files *files,
		  const cmd_sign_flags *f, const ev_token *tok,
		  int64_t deadline, ae_err *err);
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

/* The tag the bundle in `sbdir` goes out under: the one REF names, else
 * oci_tag_derive of the bundle's recipe name (its statement's
 * predicate.recipe.name) and `artifact_digest`. The one rule behind push,
 * sign, emit and the pointer's bundle.oci (issue 24 item 7). */
int cmd_evidence_tag(char tag[129], const oci_ref *ref, const char *sbdir,
		     const char *artifact_digest, ae_err *err);

/* "registry/repo:tag" for REF and that tag (scheme and digest dropped).
 * AE_EINVAL for a bad REF or a recipe name no tag may carry. */
int cmd_evidence_tagged_ref(char *out, size_t outsz, const char *ref,
			    const char *sbdir, const char *artifact_digest,
			    ae_err *err);

/* Builds the artifact of `sbdir` (no network): out->digest its manifest
 * digest, out->oci the tagged reference it goes out under. A REF pinning
 * another digest is AE_EINVAL. */
int cmd_evidence_locate(cmd_evidence_signed *out, const char *ref,
			const char *sbdir, ae_err *err);

/* What the caller can check before any request (issue 25). */
typedef struct cmd_evidence_checks {
	/* the bundle digest the pointer already names, or NULL / "" */
	const char *want_digest;
	/* Checks that a pointer with this signer can be written: called with
	 * the token's predicted identity before any request, and with the
	 * verified signer before anything is written. NULL: none. */
	int (*signer_ok)(const char *identity, const char *issuer, void *ctx,
			 ae_err *err);
	void *ctx;
} cmd_evidence_checks;

/* Signs the bundle in `sbdir` for REF's repository and its artifact digest
 * (cmd_evidence_locate sets out->digest and out->oci, before any request);
 * writes nothing (cmd_evidence_attest does). A REF
 * pinning another digest, or a digest other than chk->want_digest, is
 * AE_EINVAL before any request; a statement past EV_SIGN_PAYLOAD_MAX_BYTES
 * AE_ETOOBIG. Codes of the signer, chk->signer_ok and oci/. */
int cmd_evidence_sign(cmd_evidence_signed *out, const char *ref,
		      const char *sbdir, const cmd_sign_flags *sf,
		      const cmd_evidence_checks *chk, ae_err *err);
/* Writes out->signed_by's bundle as `sbdir`/attestation.intoto.jsonl
 * (atomically). Codes of ae_write_atomic. */
int cmd_evidence_attest(const cmd_evidence_signed *oc, const char *sbdir,
			ae_err *err);
/* Removes `sbdir`/attestation.intoto.jsonl (a later step failed). Cannot
 * fail. */
void cmd_evidence_unattest(const char *sbdir);

/* ---- the --format json report of emit and sign (cmd/evidence_sign.c,
 * docs/cli.md "emit/sign --format json") ---- */
#include <jansson.h>

/* `s` as one shell word: as it is when it needs no quoting, else in
 * single quotes. Caller frees; NULL when out of memory. */
char *cmd_shell_word(const char *s);
/* Appends {"step": STEP, "command": <fmt...>} to the array `next`. 0 or
 * -1. */
int cmd_json_next(json_t *next, const char *step, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The "signature" member: null unsigned, else the Sigstore bundle's path
 * in `sbdir`, its digest, the signer and the Rekor log index. New
 * reference (NULL when out of memory). */
json_t *cmd_evidence_signed_json(const cmd_evidence_signed *oc,
				 const char *sbdir);
/* Prints `root` (stolen: NULL is a failure) as indented JSON on stdout.
 * 0 or -1. */
int cmd_json_print(json_t *root);

int cmd_digest(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_emit(int argc, char **argv);
int cmd_verify(int argc, char **argv);
/* `ledger` (cmd/ledger.c): the corroboration report */
int cmd_ledger(int argc, char **argv);
int cmd_check(int argc, char **argv);

/* ---- registry flags shared by OCI-speaking commands (cmd/registry.c) ---- */

typedef struct cmd_registry_flags {
	const char *timeout; /* --timeout DURATION: the whole command */
	uint64_t timeout_ms; /* parsed by cmd_registry_check; 0: none */
	const char *username;
	bool password_stdin;
	const char *docker_config;
	const char *ca_file;
	bool insecure_tls;
	bool plain_http;
	bool quiet; /* --quiet: no progress on stderr */
} cmd_registry_flags;

/* Consumes argv[*i] (and its value, "--flag VALUE" or "--flag=VALUE", as
 * cmd_flag_take) when it is a registry flag: returns 1 (advancing *i past
 * a separate value), 0 when not a registry flag, -1 when the flag's value
 * is missing. */
int cmd_registry_flag(cmd_registry_flags *f, int argc, char **argv, int *i);
/* Refuses conflicting registry flags and a bad --timeout (parsed into
 * f->timeout_ms): 0, or the usage exit status (64). */
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
/* One transfer's bar (cmd_progress's ctx, zeroed at first). */
typedef struct cmd_bar {
	int last_pct;
	uint64_t last_done;
	int64_t start_ms, last_ms;
	char what[20];
} cmd_bar;
/* An oci_progress_fn: draws "what [#####     ] 42% 12.0/28.5 MiB 3.1 MiB/s
 * ETA 0:05" on stderr for transfers past 1 MiB, at most 10 times a
 * second; `ctx` a cmd_bar. */
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
/* Prints push's text report of `r` ("pushed REF@DIGEST"...) to `o`. */
void cmd_push_print_text(cmd_output *o, const cmd_pushed *r);
int cmd_pull(int argc, char **argv);
/* `referrers` (cmd/referrers.c) */
int cmd_referrers(int argc, char **argv);

/* Fills client options from the flags (the password read from stdin when
 * asked: *password_out, which `o` points into, is freed with
 * cmd_password_free after the last client is made). `push` asks tokens
 * for pull,push; a progress bar on a TTY; --timeout becomes the deadline
 * of every request made with `o`, counted from this call. Codes of the
 * password read. */
int cmd_registry_opts(oci_client_opts *o, char **password_out,
		      const cmd_registry_flags *f, bool push, ae_err *err);
/* Wipes and frees a password. NULL is fine. Cannot fail. */
void cmd_password_free(char *password);

#include "ledger/ledger.h"

/* ---- the progress line of `ledger --verify` and `check
 * --verify-signatures` (cmd/progress.c) ---- */

/* "WHAT: n/N UNIT  host" on stderr when it is a terminal and not quiet;
 * nothing else. The pools' worker threads report through m->lp
 * (ld_progress_count, ld_progress_host: NULL m->lp is no progress), which
 * serialises the calls of cmd_meter_draw. */
typedef struct cmd_meter {
	const char *what, *unit;
	bool drawn;
	int64_t last_ms;
	size_t done, total;
	char host[64];
	ld_progress *lp; /* NULL: off */
} cmd_meter;
/* Off (m->lp NULL) on a non-TTY, with quiet, or out of memory (no
 * progress is no failure). Cannot fail. */
void cmd_meter_init(cmd_meter *m, const char *what, const char *unit,
		    bool quiet);
/* Draws the last state, ends the line if one was drawn, frees m->lp.
 * After the pool has joined its workers. */
void cmd_meter_end(cmd_meter *m);

/* ---- check's rule 4: fetch and verify each pointer's bundle
 * (cmd/check_verify.c) ---- */

#define CHECK_FETCH_TIMEOUT_MS 60000 /* one pointer's fetch, by default */

/* The run's verifier (ledger/verify.c) and what cmd/ gathered for it. */
typedef struct check_verifier {
	ld_verifier *v;
	oci_client_opts co; /* the registry flags; co.deadline the run's */
	char *password;	    /* --registry-password-stdin, wiped */
	cmd_meter meter;    /* the progress line (cmd/progress.c) */
	bool metered;	    /* meter initialised */
} check_verifier;

/* Reads the registry flags (a password from stdin; the run's --deadline
 * counts from here). Codes of cmd_registry_opts. */
int check_verifier_init(check_verifier *v, const cmd_registry_flags *f,
			ae_err *err);
/* Builds the verifier: `cache` (NULL: oci_cache_default), a fresh scratch
 * directory, the root in force (`trusted_root` a path, else `root_json`,
 * else the embedded root) and one pointer's fetch timeout. Codes of
 * ld_verifier_new. */
int check_verifier_start(check_verifier *v, const char *cache,
			 const char *trusted_root,
			 const unsigned char *root_json, size_t root_json_len,
			 uint64_t fetch_timeout_ms, bool offline, ae_err *err);
/* Removes the scratch directory, wipes the password. Cannot fail. */
void check_verifier_dispose(check_verifier *v);

/* ---- the trusted root and signing config in force (cmd/trust_cache.c,
 * docs/trust.md) ---- */

#include "evidence/tuf/tuf.h"

/* The rule and its types live in evidence/tuf/trust.c (tuf_trust_*);
 * these names are the commands' own spelling of them. */
typedef tuf_trust cmd_trust_set;
#define CMD_TRUST_EMBEDDED	TUF_TRUST_EMBEDDED
#define CMD_TRUST_TUF		TUF_TRUST_CACHE
#define cmd_trust_dispose	tuf_trust_dispose
#define cmd_trust_root_override tuf_trust_root_override
#define cmd_trust_time		tuf_time_format

/* The documents a command knows (the embedded Sigstore root, the parsers
 * a cached document must pass). Cannot fail. */
const tuf_trust_docs *cmd_trust_docs(void);
/* tuf_trust_resolve under `cache` (NULL: oci_cache_default, and no cache
 * when there is none) at `now`. AE_ETOOBIG for a --cache past the limit. */
int cmd_trust_resolve(cmd_trust_set *t, const char *cache, int64_t now,
		      ae_err *err);
/* Prints t->note as one "note:" line on stderr when the embedded
 * documents are used because the cache is not usable. */
void cmd_trust_note(const cmd_trust_set *t);

typedef enum cmd_trust_refresh_mode {
	CMD_TRUST_REFRESH_NEVER,  /* check without --tuf-update, --offline */
	CMD_TRUST_REFRESH_STALE,  /* verify, ledger --verify: past a day */
	CMD_TRUST_REFRESH_ALWAYS, /* check --tuf-update */
} cmd_trust_refresh_mode;

/* What a verifying or signing command trusts when no --trusted-root /
 * --signing-config is given: resolves under `cache`, first refreshing as
 * `mode` says (a failed refresh is a note on stderr, never a failure:
 * the trust in force stays), then prints the note of cmd_trust_note.
 * Dispose `t` after the last use of its documents. Codes of
 * cmd_trust_resolve. */
int cmd_trust_in_force(cmd_trust_set *t, const char *cache,
		       cmd_trust_refresh_mode mode, ae_err *err);

/* `trust update|show` (cmd/trust.c) */
int cmd_trust(int argc, char **argv);

#endif /* AE_CMD_H */
