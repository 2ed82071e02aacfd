/* evidence/tuf/tuf.h -- a TUF client for the Sigstore trusted root and
 * signing config
 *
 * Sigstore publishes its trusted root (trusted_root.json) and signing
 * config (signing_config.v0.2.json) as targets of a TUF repository
 * (public good: https://tuf-repo-cdn.sigstore.dev). This module is the
 * client of the TUF specification 1.0.x, "detailed client workflow" (§5):
 * the root walked one version at a time, each new root signed by a
 * threshold of the previous root's keys and of its own; timestamp →
 * snapshot → targets with version, length and hash checks; rollback and
 * freeze protection; consistent snapshots; delegations searched in order;
 * a cap on every download. docs/trust.md says what is trusted and why.
 *
 * An update runs in memory and writes nothing (tuf_update); the caller
 * checks the targets it got and only then makes the new state current
 * with tuf_state_commit, which replaces the cache of that repository in
 * one atomic step: a failed or refused update leaves the previous state in
 * force. tuf_state_load re-verifies a stored state offline, so a command
 * that trusts the cache trusts only what still verifies.
 *
 * It depends on evidence/core alone (errors, capped I/O, hashing, the URL
 * policy of evidence/core/http.h) and never interprets the targets it
 * fetches: which bytes are a valid trusted root is the caller's judgement.
 * Nothing here prints or exits.
 */
#ifndef AE_TUF_H
#define AE_TUF_H

#include "evidence/core/ae.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The public-good repository and the one whose initial root is embedded. */
#define TUF_PUBLIC_GOOD_URL "https://tuf-repo-cdn.sigstore.dev"

/* Download caps (spec §5.3.3, §5.4.1, §5.5.1, §5.6.1: W, X, Y, Z "set by
 * the authors of the application"); the values python-tuf and tuf-js use.
 * The real roots are 5-7 KB, timestamp 0.5 KB, snapshot 2 KB, targets
 * 5 KB. */
#define TUF_ROOT_MAX_BYTES	512000u
#define TUF_TIMESTAMP_MAX_BYTES 16384u
#define TUF_SNAPSHOT_MAX_BYTES	2000000u
#define TUF_TARGETS_MAX_BYTES	5000000u
/* A target we download: trusted_root.json is 7 KB, a signing config 1 KB;
 * the verifier reads a trusted root up to 1 MiB. */
#define TUF_TARGET_MAX_BYTES (1u << 20)
/* Root versions one update may walk (spec §5.3.3 "Y", python-tuf 256). */
#define TUF_MAX_ROOT_ROTATIONS 256
/* Targets roles one search may visit (spec §5.6.7.1, python-tuf 32). */
#define TUF_MAX_DELEGATIONS 32
/* Keys and signatures one metadata file may carry, entries of a METAFILES
 * or TARGETS object: generous for any real repository, a bound on work. */
#define TUF_MAX_KEYS	   1024
#define TUF_MAX_SIGNATURES 1024
#define TUF_MAX_ENTRIES	   100000
/* Targets one update fetches (the trusted root and the signing config). */
#define TUF_MAX_WANTED 8

/* A verified set of metadata and targets of one repository: what an update
 * produced (in memory) or what the cache holds and still verifies. */
typedef struct tuf_state tuf_state;

/* What an update starts from and asks for. Strings are borrowed. */
typedef struct tuf_update_opts {
	/* Repository base URL: metadata at URL/N.root.json, URL/timestamp.json
	 * ..., targets at URL/targets/ (https; plain http to loopback only). */
	const char *url;
	/* This repository's cache directory (tuf_cache_dir); its state, when
	 * there is one, is the trusted starting point (its root the anchor,
	 * its versions the rollback floor). NULL: none. */
	const char *cache_dir;
	/* The initial root when the cache has none (the embedded public-good
	 * root, or --tuf-root). Required then; otherwise unused. */
	const unsigned char *root;
	size_t root_len;
	/* The fixed update start time (spec §5.1), Unix seconds. */
	int64_t now;
	/* Target names to fetch; the first `nrequired` must exist. */
	const char *const *targets;
	size_t ntargets;
	size_t nrequired;
	ae_deadline deadline; /* every request of the update; none: 0 */
	const char *ca_file;  /* PEM bundle for https, NULL: the system's */
} tuf_update_opts;

#define TUF_UPDATE_OPTS_INIT                                                   \
	{                                                                      \
		NULL, NULL, NULL, 0, 0, NULL, 0, 0, AE_DEADLINE_NONE, NULL     \
	}

/* Runs the client workflow (spec §5.1-§5.7) against `o->url` and returns
 * the new verified state in memory; nothing is written. AE_EVERIFY for a
 * refusal (a signature threshold not met, a rollback, an expired role, a
 * hash, length or version that does not match: the message names the role
 * and the rule), AE_EINVAL for malformed metadata or an unexpected HTTP
 * status, AE_ETOOBIG past a download cap, AE_ENOTFOUND when the
 * repository lacks a required file or target, AE_ETRANSIENT when the
 * repository is unreachable (connection faults, timeouts, 5xx after
 * retries). *out NULL on failure; free with tuf_state_free. */
int tuf_update(tuf_state **out, const tuf_update_opts *o, ae_err *err);

/* Makes `s` the current state of the repository cache `hash` (the last
 * part of its tuf_cache_dir) below base/tuf, given as the descriptor
 * `tfd` the caller checked (tuf_cache_open): the repository's directory is
 * made when missing and opened below `tfd` without following a link, so
 * every write lands in the directory checked, whatever is renamed into
 * its path meanwhile. Its files are written into a new generation
 * directory (each a temp file in the same directory, fsynced, renamed),
 * then one atomic rename of the `current` pointer switches to it; older
 * generations are removed after. Concurrent updates of one cache are
 * serialised by a lock file. On failure the previous state is untouched
 * and nothing new is in force. AE_EIO from the file system, AE_EVERIFY
 * when the repository's directory is not the caller's own. */
int tuf_state_commit(const tuf_state *s, int tfd, const char *hash,
		     ae_err *err);

/* Loads the current state of the cache `cache_dir` and re-verifies it
 * offline, as an update would, from its own root: signatures, versions,
 * lengths and hashes of every file and of the targets `targets`. Expiry
 * at `now` does not fail the load: tuf_state_expired tells. AE_ENOTFOUND
 * when the cache holds no state; AE_EVERIFY / AE_EINVAL when it does not
 * verify (damaged). *out NULL on failure. */
int tuf_state_load(tuf_state **out, const char *cache_dir, int64_t now,
		   const char *const *targets, size_t ntargets, ae_err *err);

/* Frees a state. NULL is a no-op. */
void tuf_state_free(tuf_state *s);

/* The repository URL of the state. Borrowed. Cannot fail. */
const char *tuf_state_url(const tuf_state *s);

/* Version and expiry (Unix seconds) of a top-level role ("root",
 * "timestamp", "snapshot", "targets"): 0 when `role` is none of them.
 * Cannot fail. */
int64_t tuf_state_version(const tuf_state *s, const char *role);
int64_t tuf_state_expires(const tuf_state *s, const char *role);

/* The bytes of target `name`, verified against the targets metadata, or
 * NULL when the repository does not have it. Borrowed; *len_out set.
 * Cannot fail. */
const unsigned char *tuf_state_target(const tuf_state *s, const char *name,
				      size_t *len_out);

/* The first top-level role expired at the time the state was checked
 * ("root", "timestamp", ...), NULL when none. Cannot fail. */
const char *tuf_state_expired(const tuf_state *s);

/* When the state was last fetched from its repository (Unix seconds, the
 * real clock at commit; 0 for a state not yet committed). Cannot fail. */
int64_t tuf_state_updated_at(const tuf_state *s);

/* True iff an update changed nothing against the cache it started from
 * (same versions of every role and the same targets). Cannot fail. */
bool tuf_state_unchanged(const tuf_state *s);

/* ---- the cache layout ---- */

/* DIR/tuf/<sha256 hex of the URL>: the cache directory of repository
 * `url` under the command's cache `base`. AE_ETOOBIG for an over-long
 * path. Cannot fail otherwise. */
int tuf_cache_dir(char *out, size_t outsz, const char *base, const char *url,
		  ae_err *err);

/* The repository URL `url` as its cache is named (evidence/tuf/
 * repo_url.c): without trailing slashes ("https://x/" is "https://x"),
 * into `out` (AE_URL_MAX bytes). AE_ETOOBIG when it does not fit; the
 * codes of ae_url_check unless it is https, or plain http to loopback. */
int tuf_repo_url(char *out, const char *url, ae_err *err);

/* Records the repository cache `hash` (the last part of its
 * tuf_cache_dir) as the one in force for its base, in the checked base/tuf
 * `tfd` (tuf_cache_open): the one other commands use (`trust update`
 * selects, as `cosign initialize` does). Atomic. AE_EIO. */
int tuf_cache_select(int tfd, const char *hash, ae_err *err);

/* The cache directory in force under `base` into `out`: AE_ENOTFOUND when
 * no repository was selected. */
int tuf_cache_selected(char *out, size_t outsz, const char *base, ae_err *err);
/* Checks that the TUF state under cache base `base` (base/tuf and all
 * below it) is the caller's own: every directory and file owned by the
 * effective uid or root and not writable by group or others, every entry
 * a directory or a regular file (checked with fstat on O_NOFOLLOW opens),
 * and base itself -- or, before it exists, the directory it will be made
 * in -- out of other users' reach (ae_path_guarded: else they could rename
 * base/tuf away and back, handing a later run an older state of ours).
 * 0 when it is (or there is no base/tuf and base is out of reach);
 * AE_EVERIFY with `why` (one phrase, e.g. "tuf is owned by uid 65534")
 * when not. */
int tuf_cache_owned(const char *base, char *why, size_t whysz, ae_err *err);

/* The same check, on a descriptor the caller then loads through: base/tuf
 * opened once (O_NOFOLLOW), checked (fstat on it and the walk below it)
 * and handed back in *tfd_out, so what is loaded is what was checked even
 * when `base` is writable by others and base/tuf is swapped meanwhile.
 * *tfd_out -1 (and 0) when there is no base/tuf; close it otherwise.
 * AE_EVERIFY with `why` when it is not the caller's own (*tfd_out -1). */
int tuf_cache_open(int *tfd_out, const char *base, char *why, size_t whysz,
		   ae_err *err);

/* The selected repository cache's name (64 hex) under the checked
 * base/tuf `tfd`. AE_ENOTFOUND when none is selected; AE_EINVAL when
 * `selected` is malformed. */
int tuf_cache_selected_at(char hash[AE_SHA256_HEX_LEN + 1], int tfd,
			  ae_err *err);

/* tuf_state_load of the repository cache `hash` under the checked
 * base/tuf `tfd` (opened O_NOFOLLOW below it). */
int tuf_cache_load_at(tuf_state **out, int tfd, const char *hash, int64_t now,
		      const char *const *targets, size_t ntargets, ae_err *err);

/* ---- the trust in force (evidence/tuf/trust.c, docs/trust.md) ---- */

/* The targets the tool uses: trusted_root.json (required) and
 * signing_config.v0.2.json (optional). */
#define TUF_TRUST_NTARGETS 2
extern const char *const tuf_trust_targets[TUF_TRUST_NTARGETS];

#define TUF_TRUST_REFRESH_S	     86400 /* verify refreshes an older cache */
#define TUF_TRUST_REFRESH_TIMEOUT_MS 30000 /* ... within this long */

/* What the caller knows of the documents (this module never interprets
 * them): the embedded trusted root, and the check a cached trusted root
 * and signing config (NULL: none) must pass to be used. */
typedef struct tuf_trust_docs {
	const unsigned char *embedded_root;
	size_t embedded_root_len;
	int (*check)(const unsigned char *root, size_t root_len,
		     const unsigned char *sc, size_t sc_len, int64_t now,
		     ae_err *err);
} tuf_trust_docs;

typedef enum tuf_trust_source {
	TUF_TRUST_EMBEDDED, /* compiled in */
	TUF_TRUST_CACHE,    /* the selected TUF cache */
} tuf_trust_source;

/* What is trusted when no --trusted-root / --signing-config is given.
 * Filled by tuf_trust_resolve, disposed by tuf_trust_dispose. */
typedef struct tuf_trust {
	tuf_trust_source source;
	const unsigned char *root; /* trusted_root.json in force, borrowed */
	size_t root_len;
	const unsigned char *sc; /* signing config, NULL: built-in defaults */
	size_t sc_len;
	tuf_state *tuf;	      /* the cache's state when it loaded, else NULL */
	char base[4096];      /* the cache base, "" when none */
	char cache_dir[4200]; /* the selected TUF cache, "" when none */
	char note[512];	      /* why the cache is not in force, or "" */
	bool foreign;	      /* base/tuf is not the caller's own: never used */
	const tuf_trust_docs *docs; /* borrowed */
} tuf_trust;

/* Decides what is in force under cache base `base` (NULL: no cache) at
 * `now`: the selected TUF cache when it is the caller's own
 * (tuf_cache_owned), re-verifies, is unexpired and its documents pass
 * docs->check; else the embedded root (t->note says why, "" when there
 * simply is no cache). Fails only for a base path past t->base
 * (AE_ETOOBIG). `docs` must outlive `t`. */
int tuf_trust_resolve(tuf_trust *t, const char *base,
		      const tuf_trust_docs *docs, int64_t now, ae_err *err);
/* Frees the cache's state. Cannot fail. */
void tuf_trust_dispose(tuf_trust *t);
/* True iff a TUF cache is selected and was last updated more than
 * TUF_TRUST_REFRESH_S before `now` (or is not in force). Cannot fail. */
bool tuf_trust_stale(const tuf_trust *t, int64_t now);
/* The trusted_root.json that replaces the embedded one (the cache's), or
 * NULL when the embedded root is in force. Borrowed from `t`. */
const unsigned char *tuf_trust_root_override(const tuf_trust *t,
					     size_t *len_out);
/* Checks that a state's trusted_root.json (required: AE_ENOTFOUND) and
 * signing config pass docs->check. */
int tuf_trust_check_documents(const tuf_state *s, const tuf_trust_docs *d,
			      int64_t now, ae_err *err);

typedef struct tuf_trust_update_opts {
	const char *base;      /* cache base */
	const char *cache_dir; /* tuf_cache_dir of base and url */
	const char *url;
	const unsigned char *root; /* initial root when the cache has none */
	size_t root_len;
	int64_t now;
	ae_deadline deadline;
	const char *ca_file;
	const tuf_trust_docs *docs;
} tuf_trust_update_opts;

/* tuf_update of the targets, the documents checked, the state committed
 * and its repository selected: all or nothing. A base whose TUF state is
 * not the caller's own is refused (AE_EINVAL) before any request. Codes
 * of tuf_update, docs->check and tuf_state_commit. *out NULL on failure. */
int tuf_trust_update(tuf_state **out, const tuf_trust_update_opts *o,
		     ae_err *err);
/* tuf_trust_update as `trust update` runs it (evidence/tuf/update_files.c):
 * the initial root read from `root_path` (capped at TUF_ROOT_MAX_BYTES;
 * NULL: the embedded root when o->url is TUF_PUBLIC_GOOD_URL), and
 * `emit_path` (NULL: none), which must be absent or a regular file in a
 * directory that exists, checked before any request and written with the
 * signing config after the update (never over anything but a regular
 * file). *what_out is the file a failure is about (root_path, emit_path),
 * NULL for the update itself. Codes of ae_read_file, tuf_trust_update and
 * ae_write_atomic; AE_ENOTFOUND when the repository has no signing config
 * to emit. *out NULL on failure. */
int tuf_trust_update_files(tuf_state **out, const char **what_out,
			   tuf_trust_update_opts *o, const char *root_path,
			   const char *emit_path, ae_err *err);
/* Updates the selected cache from its repository (the public-good one
 * from the embedded TUF root when none is usable), within
 * TUF_TRUST_REFRESH_TIMEOUT_MS, and resolves `t` again. Codes of
 * tuf_trust_update; `t` unchanged on failure. */
int tuf_trust_refresh(tuf_trust *t, int64_t now, ae_err *err);

/* "2026-08-25T00:00:00Z" (UTC). Cannot fail. */
void tuf_time_format(char out[32], int64_t t);

/* The report of `trust show` (evidence/tuf/report.c, docs/trust.md): what
 * `t` holds in force at `now` -- its source, the TUF repository's roles,
 * the trusted root's logs and authorities with their validity windows,
 * the signing config's services -- appended to `out` as indented JSON
 * (`json`) or as text, every outside value escaped. AE_ERR out of
 * memory. */
int tuf_trust_show(ae_buf *out, const tuf_trust *t, int64_t now, bool json,
		   ae_err *err);
/* The report of a finished `trust update` of `s` into `cache_dir`:
 * "updated" or "already current", the roles' versions and expiry, the
 * targets' digests ("absent" for one the repository lacks), the cache;
 * appended to `out` as indented JSON (`json`) or text. Codes of
 * ae_buf_printf. */
int tuf_update_report(ae_buf *out, const tuf_state *s, const char *cache_dir,
		      bool json, ae_err *err);

/* ---- small parts, public for the commands, tests and fuzz targets ---- */

/* The embedded initial root of TUF_PUBLIC_GOOD_URL (root version 15 of
 * sigstore/root-signing; provenance in evidence/tuf/data/). Cannot fail. */
const unsigned char *tuf_public_good_root(size_t *len_out);

/* Parses an RFC 3339 date-time ("2026-08-25T00:00:00Z", a fraction and a
 * numeric offset allowed, as the real root history has them) into Unix
 * seconds, the fraction dropped. AE_EINVAL otherwise. */
int tuf_time_parse(int64_t *out, const char *s, ae_err *err);

/* The canonical JSON form (OLPC canonical JSON, as securesystemslib signs
 * it) of the jansson value `json` (json_t *, typed void * so this header
 * does not need jansson) into `out` (initialised here, cap
 * TUF_TARGETS_MAX_BYTES): keys sorted bytewise, no whitespace, strings
 * with only '"' and '\' escaped. AE_EINVAL for a value canonical JSON
 * cannot express (a real number); AE_ETOOBIG past the cap. */
int tuf_canonical_json(ae_buf *out, const void *json, ae_err *err);

/* Parses one metadata file of any role strictly (the parser an update
 * uses), checks nothing cryptographic, keeps nothing: the fuzz entry.
 * AE_EINVAL with the reason. */
int tuf_metadata_check(const unsigned char *buf, size_t len, ae_err *err);

#endif /* AE_TUF_H */
