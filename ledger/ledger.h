/* ledger/ledger.h -- the ledger: pointers, slugs, tree walk, contract check,
 * corroboration
 *
 * ledger/ reads the add-only evidence ledger (SPEC §3, §5, §6): the pointer
 * V1 file (reference §1), the per-signer source slug (reference §2) and the
 * canonical path a pointer must be committed at (reference §1.4), the tree
 * walk, the contract check and corroboration. It never prints or exits and
 * never touches the network itself: bundles reach it as plain data gathered
 * by cmd/. It never decides trust itself: the allowlist is allowlist/'s
 * (al_list_classify), signatures are evidence/'s; a pointer's `signer` is a
 * *claim* until evidence/ has verified it.
 */
#ifndef AE_LEDGER_H
#define AE_LEDGER_H

#include "evidence/core/ae.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- source slug (reference §2, SPEC §3) ---- */

/* Hex characters in a slug: the first 128 bits of SHA-256(issuer "\n"
 * identity). */
#define LD_SLUG_LEN 32

/* Writes the slug of (issuer, identity) into `out` (NUL-terminated). The
 * strings are hashed exactly as given: no case folding, trimming or URL
 * normalisation (reference §2). AE_EINVAL when either is NULL or empty;
 * `out` is then the empty string. */
int ld_slug_from_signer(char out[LD_SLUG_LEN + 1], const char *issuer,
			const char *identity, ae_err *err);
/* What `slug` prints (ledger/slug_render.c): the slug of (issuer,
 * identity) and a newline, or with `json` the object {issuer, identity,
 * slug} indented by two and a newline. Codes of ld_slug_from_signer;
 * AE_EINVAL for JSON of an issuer or identity not in UTF-8, AE_ERR out
 * of memory. */
int ld_slug_render(ae_buf *out, const char *issuer, const char *identity,
		   bool json, ae_err *err);

/* ---- problems: every broken rule, not only the first (SPEC §5) ----
 * An ae_problems list (evidence/core/ae.h), shared with the allowlist
 * loader; each message "line N: <field>: <why>". */

/* ---- pointer V1 (reference §1, SPEC §3) ---- */

/* Read cap for a pointer file (reference §0 read cap). */
#define LD_POINTER_MAX_BYTES (1u << 20)
/* Where pointers live in a repository (SPEC §3 canonical path). */
#define LD_EVIDENCE_ROOT "recipes/evidence"

/* A path into the repository (the evidence root, the allowlist) as the
 * commands open it: absolute, or relative and present from the current
 * directory, as it is; else taken from the top of the git work tree around
 * the current directory -- found as `check` finds its repository -- so a
 * command run from a subdirectory finds recipes/evidence. Outside a work
 * tree, as it is. *out is malloc'd. 0, or AE_ERR. */
int ld_root_find(char **out, const char *path, ae_err *err);
/* What the writer puts in `schemaVersion` (reference §1.1). */
#define LD_POINTER_SCHEMA_VERSION "1.0.0"
/* Predicate types a pointer may name (reference §0). V1 and V2 are accepted
 * to read old evidence; new evidence is V3. */
#define LD_PREDICATE_V1 "https://aicr.run/recipe-evidence/v1"
#define LD_PREDICATE_V2 "https://aicr.run/recipe-evidence/v2"
#define LD_PREDICATE_V3 "https://aicr.run/recipe-evidence/v3"

/* A validated-or-not pointer: the fields as read, each an owned copy. */
typedef struct ld_pointer ld_pointer;

/* The fields of a pointer, to build one (ld_pointer_new) or to copy one out
 * (ld_pointer_fields_get). Strings are borrowed. NULL `profile` and NULL
 * `signer_identity`/`signer_issuer` mean absent; NULL `bundle_oci` or
 * `bundle_digest` mean "" (before push, reference §1.1).
 * `rekor_log_index` is LD_REKOR_ABSENT when the pointer carries none; 0 is
 * a real index (the first entry of a log shard) and is written as 0. A
 * signature just made sets the signer through ld_pointer_fields_signer,
 * which writes index 0 absent as the reference does (docs/formats.md). */
typedef struct ld_pointer_fields {
	const char *schema_version; /* NULL: LD_POINTER_SCHEMA_VERSION */
	const char *recipe;
	const char *profile;
	const char *bundle_oci;
	const char *bundle_digest;
	const char *predicate_type;
	const char *signer_identity;
	const char *signer_issuer;
	int64_t rekor_log_index;
	const char *attested_at; /* RFC 3339 UTC, whole seconds, "Z" */
} ld_pointer_fields;

/* The Rekor index of a pointer that carries none. */
#define LD_REKOR_ABSENT ((int64_t)-1)

#define LD_POINTER_FIELDS_INIT                                                 \
	{                                                                      \
		NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,                \
			LD_REKOR_ABSENT, NULL                                  \
	}

/* Sets the signer of `f` from a signature just made: `identity`, `issuer`
 * (borrowed) and the Rekor index of its entry, LD_REKOR_ABSENT when
 * `log_index` is 0 -- the reference writes index 0 absent and its verifier
 * refuses a claim of 0 (reads the bundle's 0 as "no entry"), so a pointer
 * we write must not claim it. Cannot fail. */
void ld_pointer_fields_signer(ld_pointer_fields *f, const char *identity,
			      const char *issuer, int64_t log_index);

/* Reads and validates a pointer from (buf, len) and appends every broken
 * rule to `problems` (docs/formats.md lists them). Returns 0 when it could
 * decide, whatever it found; AE_ERR only for out of memory. `*out` is the
 * pointer as far as it could be read -- fields of the wrong YAML type are
 * NULL, fields that break a value rule keep their text -- so a checker can
 * go on to placement rules; it is NULL when the document is not a mapping
 * (malformed YAML, aliases, over the cap, ...). Caller frees `*out`. A
 * pointer with problems must never be written or trusted. */
int ld_pointer_check(ld_pointer **out, ae_problems *problems,
		     const unsigned char *buf, size_t len, ae_err *err);

/* Like ld_pointer_check but strict: any problem is an error. AE_EINVAL (or
 * AE_ETOOBIG over LD_POINTER_MAX_BYTES) with the first problem as the
 * message, "(+N more)" appended when there are more; `*out` NULL then. */
int ld_pointer_parse(ld_pointer **out, const unsigned char *buf, size_t len,
		     ae_err *err);

/* Reads `name` (relative to `dirfd` or AT_FDCWD) with ae_read_file
 * (O_NOFOLLOW, regular files only, LD_POINTER_MAX_BYTES) and parses it
 * strictly. Codes of ae_read_file and ld_pointer_parse. */
int ld_pointer_read(ld_pointer **out, int dirfd, const char *name, ae_err *err);
/* Reads `name` as ld_pointer_read does and checks it as ld_pointer_check
 * does, every problem into `pr` (empty on entry): 0 with `*out` the
 * pointer when it has none, 0 with `*out` NULL when `pr` holds some;
 * codes of ae_read_file and ld_pointer_check. */
int ld_pointer_load(ld_pointer **out, ae_problems *pr, int dirfd,
		    const char *name, ae_err *err);

/* Builds a pointer from `fields` (copied) and validates it with the same
 * rules as ld_pointer_check. AE_EINVAL with the first problem; `*out` NULL
 * on failure. Caller frees. */
int ld_pointer_new(ld_pointer **out, const ld_pointer_fields *fields,
		   ae_err *err);

/* Frees a pointer; NULL is a no-op. */
void ld_pointer_free(ld_pointer *p);

/* Serialises a valid pointer (SPEC §3, reference §1.2): keys sorted at every
 * level, 2-space indent, `attestations:\n  - ` form, strings plain where
 * YAML reads them back as the same string and double-quoted (ASCII, \uXXXX
 * escapes) otherwise, trailing newline; unknown keys read from a file are
 * never written. The output parses back to the same fields and serialises to
 * the same bytes. Appends to `out` (an ae_buf the caller initialised);
 * AE_EINVAL if the pointer has problems, AE_ETOOBIG past the buffer's cap
 * (the buffer is then emptied). */
int ld_pointer_format(ae_buf *out, const ld_pointer *p, ae_err *err);

/* What `pointer show` prints of `p`, read from `file` (ledger/
 * pointer_render.c, docs/cli.md), appended to `out`: `format` "text" (one
 * "key value" line per field, values escaped), "json" or "yaml"
 * (ld_pointer_format). The signer is shown as claimed, never verified,
 * with its slug and the canonical path under LD_EVIDENCE_ROOT. AE_EINVAL
 * for another format; AE_ERR out of memory, AE_ETOOBIG past the cap. */
int ld_pointer_show(ae_buf *out, const ld_pointer *p, const char *file,
		    const char *format, ae_err *err);

/* Writes the serialised pointer to `name` (relative to `dirfd`)
 * atomically (ae_write_atomic, mode 0644). Codes of ld_pointer_format and
 * ae_write_atomic; on failure the old file, if any, is unchanged. */
int ld_pointer_write(int dirfd, const char *name, const ld_pointer *p,
		     ae_err *err);

/* Creates the pointer file `name` (relative to `dirfd`, mode 0644) only
 * if nothing is there, in one step (ae_write_new): a file, symlink or
 * anything else at `name` -- even one that appears while the pointer is
 * being made -- is AE_EEXISTS and left as it is. Codes of
 * ld_pointer_format and ae_write_new. */
int ld_pointer_create(int dirfd, const char *name, const ld_pointer *p,
		      ae_err *err);

/* The pointer's place in the ledger, SPEC §3 / reference §1.4:
 * `<root>/<recipe>/<slug of the claimed signer>/sha256-<hex>.yaml`, or
 * without the `<root>/` prefix when `root` is NULL (a path relative to the
 * evidence root, as the checker compares it). Needs a valid, signed pointer
 * with a digest: AE_EINVAL otherwise. Caller frees `*out` (free()). */
int ld_pointer_path(char **out, const ld_pointer *p, const char *root,
		    ae_err *err);

/* The copy-to hint printed after emit or sign (reference §1.4,
 * TestPointerCopyToHint): the canonical path under LD_EVIDENCE_ROOT for a
 * signed, pushed pointer (`*is_path_out` true); for an unsigned or unpushed
 * one, a sentence saying what is missing (`*is_path_out` false). AE_EINVAL
 * for a pointer with problems. Caller frees `*hint_out`. */
int ld_pointer_copy_to_hint(char **hint_out, bool *is_path_out,
			    const ld_pointer *p, ae_err *err);

/* Fills `out` with borrowed views of the pointer's fields (valid until the
 * pointer is freed). Cannot fail. */
void ld_pointer_fields_get(ld_pointer_fields *out, const ld_pointer *p);

/* Getters: borrowed, valid until the pointer is freed; NULL when the field
 * is absent or was of the wrong type. Cannot fail. */
const char *ld_pointer_schema_version(const ld_pointer *p);
const char *ld_pointer_recipe(const ld_pointer *p);
const char *ld_pointer_profile(const ld_pointer *p);
const char *ld_pointer_bundle_oci(const ld_pointer *p);	   /* "" unpushed */
const char *ld_pointer_bundle_digest(const ld_pointer *p); /* "" unpushed */
const char *ld_pointer_predicate_type(const ld_pointer *p);
const char *ld_pointer_attested_at(const ld_pointer *p);
/* The *claimed* signer: NULL for an unsigned pointer. Not verified. */
const char *ld_pointer_signer_identity(const ld_pointer *p);
const char *ld_pointer_signer_issuer(const ld_pointer *p);
/* True iff no rule was broken: only such a pointer may be formatted,
 * written or placed. Cannot fail. */
bool ld_pointer_is_valid(const ld_pointer *p);
/* True iff the pointer has a `signer` mapping. Cannot fail. */
bool ld_pointer_is_signed(const ld_pointer *p);
/* The claimed Rekor log index, LD_REKOR_ABSENT when the pointer has none;
 * an explicit `rekorLogIndex: 0` reads as 0. Cannot fail. */
int64_t ld_pointer_rekor_log_index(const ld_pointer *p);
/* The first key the pointer holds that pointer V1 does not define, as a
 * dotted path ("attestations[0].phaseSummary"), or NULL; *n_out (may be
 * NULL) counts them. Such keys are tolerated on read (legacy pointers,
 * reference §1.1) and never written. Borrowed. Cannot fail. */
const char *ld_pointer_unknown_key(const ld_pointer *p, size_t *n_out);

/* ---- corroboration (SPEC §6, reference §4.4) ----
 *
 * A pure model over plain data: each pointer of the ledger becomes an
 * ld_run (who signed it, whether that was verified, and the CTRF status of
 * every check in its bundle); ld_corroboration_compute folds the runs into
 * per-check states and per-recipe roll-ups. Only verified, allowlisted
 * (first-party, partner, community) signers vote, one vote per verified
 * (issuer, identity); verified unlisted signers are *reported*; claimed
 * (unverified) and unverifiable pointers are listed, never counted.
 */

/* Caps on what a corroboration may hold: a ledger bigger than this is not
 * one the tool is meant to summarise in one report. */
/* pointers in one report */
#define LD_CORROB_MAX_RUNS 100000
/* bytes of one ctrf/<phase>.json (reference §0) */
#define LD_CTRF_MAX_BYTES (10u << 20)
/* tests in one CTRF report */
#define LD_CTRF_MAX_TESTS 10000
/* bytes of one test name or status */
#define LD_CTRF_MAX_NAME 1024
/* same-version views per recipe: the newest versions get one each */
#define LD_GRID_VERSIONS_MAX 64

/* Per-check state and per-recipe/phase roll-up (reference §4.4). PARTIAL
 * appears only in roll-ups. The order is the roll-up priority, worst
 * first. */
typedef enum ld_state {
	LD_STATE_CONTESTED,
	LD_STATE_FAILING,
	LD_STATE_UNTESTED,
	LD_STATE_SINGLE,
	LD_STATE_CONFIRMED,
	LD_STATE_PARTIAL,
} ld_state;
#define LD_STATE_COUNT 6

/* One signer's bucketed outcome for one check (reference §4.4). */
typedef enum ld_result {
	LD_RESULT_NOT_RUN, /* skipped, pending, or absent from the report */
	LD_RESULT_PASS,
	LD_RESULT_FAIL, /* failed, other, or an unknown status */
} ld_result;

/* Where a signer stands with the allowlist. REPORTED: verified but not
 * listed; shown, never counted (SPEC §3). */
typedef enum ld_class {
	LD_CLASS_FIRST_PARTY,
	LD_CLASS_PARTNER,
	LD_CLASS_COMMUNITY,
	LD_CLASS_REPORTED,
} ld_class;

/* How much is known about a pointer's signer. */
typedef enum ld_vote {
	LD_VOTE_VERIFIED,     /* bundle verified; signer from the certificate */
	LD_VOTE_CLAIMED,      /* not verified (no --verify): pointer's claim */
	LD_VOTE_UNVERIFIABLE, /* verification failed or could not run */
} ld_vote;

/* One check of one bundle: the CTRF phase file, test name, raw status. */
typedef struct ld_check_input {
	const char *phase;
	const char *name;
	const char *status;
} ld_check_input;

/* How fresh a run's evidence is against the recipe as it stands now
 * (issue 22 item 1): the recipe digest the signed predicate records,
 * recomputed over the current recipe with the algorithm of the recorded
 * predicate type. UNKNOWN when there is nothing to compare with (no
 * --recipes, no such recipe, not verified). NA: the run has no profile
 * (profile freshness only). */
typedef enum ld_fresh {
	LD_FRESH_UNKNOWN = 0,
	LD_FRESH_CURRENT,
	LD_FRESH_HISTORICAL,
	LD_FRESH_NA,
} ld_fresh;

/* Where a run came from: a committed pointer, or a bundle ingested
 * directly from a registry (first-party CI, issue 22 item 7). */
typedef enum ld_origin {
	LD_ORIGIN_POINTER = 0,
	LD_ORIGIN_INGEST,
} ld_origin;

/* One bundle, one vote (docs/ledger.md): what decides which of several
 * signers verified on one bundle is credited with it, from what each
 * VERIFIED signature proves -- never a pointer's claim. */
typedef struct ld_credit_key {
	bool first_party; /* the verified signer is first-party */
	/* the verified signer may vote: allowlisted, and first-party when
	 * ingested (a signer who may not never takes a bundle from one who
	 * may) */
	bool may_vote;
	/* the earliest verified signing time (ev_signed_at.time), Unix
	 * seconds; 0: none */
	int64_t time;
	/* the verified log entry: its log and its index in that log */
	bool logged;
	unsigned char log_id[32];
	int64_t log_index;
	ld_origin origin;
	const char *slug; /* the verified signer's */
} ld_credit_key;

/* <0 when `a` is credited before `b`, >0 after, 0 when the keys are
 * equal: first-party first; then a signer who may vote; then the earlier
 * verified time (none last);
 * at the same second, entries of one log by index and entries of two logs
 * by log id (a fixed order: the second is all two logs prove); then a
 * pointer before an ingested bundle, then the slug. A total order (qsort
 * may use it). Cannot fail. */
int ld_credit_cmp(const ld_credit_key *a, const ld_credit_key *b);

/* Which run of a signer speaks for it (issue 22 item 2, the reference's
 * dashboard): its latest run, any tool version; or, strictly, its latest
 * run at one tool version, so that only agreement at the same version
 * corroborates. */
typedef enum ld_lens {
	LD_LENS_LATEST = 0,
	LD_LENS_SAME_VERSION,
} ld_lens;

/* Why a run, or the cell showing it, does not count (LD_WHY_COUNTS when
 * it does). The order is the order of the checks that decide it. */
typedef enum ld_why {
	LD_WHY_COUNTS = 0,
	LD_WHY_UNVERIFIED,   /* claimed: bundles were not verified */
	LD_WHY_UNVERIFIABLE, /* verification failed or gave no verdict */
	LD_WHY_RESIGNED,     /* a bundle already counted for another signer */
	LD_WHY_NOT_FIRST_PARTY, /* ingested, signer not first-party */
	LD_WHY_UNLISTED,	/* verified, not in the allowlist: reported */
	LD_WHY_HISTORICAL,	/* recipe or profile changed since */
	LD_WHY_DEV,		/* development build, --exclude-dev */
} ld_why;
#define LD_WHY_COUNT 8

/* Coordinates of the cluster a run was made on, from the verified
 * bundle's minimized snapshot (issue 22 item 3). */
enum { LD_FACET_K8S, LD_FACET_OS, LD_FACET_GPU, LD_FACET_COUNT };
/* The recipe's criteria from the verified recipe.yaml, the reference's
 * coordinate axes (the data feed's catalog tree). */
enum {
	LD_AXIS_SERVICE,
	LD_AXIS_ACCELERATOR,
	LD_AXIS_OS,
	LD_AXIS_INTENT,
	LD_AXIS_PLATFORM,
	LD_AXIS_COUNT
};

/* One pointer of the ledger (or one ingested bundle), as cmd/ gathered it.
 * All strings borrowed. For LD_VOTE_VERIFIED, issuer/identity are the
 * certificate's; otherwise the pointer's claim. `checks` and everything
 * read from a bundle (version, freshness, facets, criteria) count only for
 * verified runs: the model ignores them for any other vote. A zeroed run
 * plus the first block is what the model needed before issue 22. */
typedef struct ld_run {
	const char *recipe;
	const char *path;	 /* pointer path, for display; may be NULL */
	const char *digest;	 /* bundle digest "sha256:<hex>" */
	const char *attested_at; /* RFC 3339 UTC; latest run per signer wins */
	const char *issuer;
	const char *identity;
	const char *slug;  /* 32-hex source slug of (issuer, identity) */
	const char *label; /* allowlist label, or NULL */
	ld_class cls;
	ld_vote vote;
	const char *reason; /* LD_VOTE_UNVERIFIABLE: why; else NULL */
	const ld_check_input *checks;
	size_t n_checks;
	/* verified, but the same bundle (one digest, one signed statement)
	 * is already counted for another signer: LD_WHY_RESIGNED */
	bool resigned;
	/* issue 22 */
	const char *oci;	  /* bundle.oci (claimed) or the ingested ref */
	ld_origin origin;	  /* pointer or ingested */
	const char *aicr_version; /* the signed predicate's aicrVersion */
	const char *profile;	  /* profile selection name=value, or NULL */
	ld_fresh recipe_fresh;	  /* recipe digest against the current one */
	ld_fresh profile_fresh;	  /* profile against the current recipe's */
	const char *fresh_note;	  /* why not CURRENT, for display; or NULL */
	const char *facets[LD_FACET_COUNT];  /* NULL: unknown */
	const char *criteria[LD_AXIS_COUNT]; /* NULL: unknown */
} ld_run;

/* What ld_corroboration_compute reads. `recipes` names recipes to report
 * even with no pointer (UNTESTED); `verified` records whether the runs went
 * through --verify (the report's basis, shown in every output). The lens
 * picks the view the states are computed for (`lens_version`: the version
 * of LD_LENS_SAME_VERSION, NULL for each recipe's newest); every view is
 * computed either way. HISTORICAL runs count only with
 * `include_historical`, development builds not with `exclude_dev`. */
typedef struct ld_corroboration_input {
	const ld_run *runs;
	size_t n_runs;
	const char *const *recipes;
	size_t n_recipes;
	bool verified;
	ld_lens lens;
	const char *lens_version;
	bool include_historical;
	bool exclude_dev;
} ld_corroboration_input;

#define LD_CORROBORATION_INPUT_INIT                                            \
	{                                                                      \
		NULL, 0, NULL, 0, false, LD_LENS_LATEST, NULL, false, false    \
	}

/* A matrix column: one distinct (vote, issuer, identity). */
typedef struct ld_signer {
	char *issuer;
	char *identity;
	char *slug;
	char *label; /* NULL when unlisted or unknown */
	ld_class cls;
	ld_vote vote;
	bool counts;   /* verified and allowlisted: carries a vote */
	bool ingested; /* some run came from --ingest, not a pointer */
	/* coordinates of the signer's newest verified run; NULL unknown */
	char *facets[LD_FACET_COUNT];
} ld_signer;

/* A recipe × signer cell: that signer's run in view. */
typedef enum ld_cell_kind {
	LD_CELL_NONE, /* the signer has no run here (in this view) */
	LD_CELL_PASS, /* every check that ran passed */
	LD_CELL_FAIL, /* at least one check failed */
	LD_CELL_NOT_RUN,
	LD_CELL_CLAIMED,
	LD_CELL_UNVERIFIABLE,
} ld_cell_kind;

typedef struct ld_cell {
	ld_cell_kind kind;
	size_t pass, fail, not_run;
	size_t pointers; /* runs of this signer for the recipe, all views */
	size_t entry;	 /* the run in view (ld_recipe.entries), or SIZE_MAX */
	ld_why why;	 /* LD_WHY_COUNTS iff this cell votes */
} ld_cell;

typedef struct ld_check {
	const char *phase; /* borrowed from the recipe's rows */
	const char *name;
	size_t row; /* index into ld_recipe.rows */
	ld_state state;
	size_t pass, fail;  /* allowlisted verified votes */
	size_t reported;    /* verified unlisted signers that ran it */
	ld_result *results; /* one per recipe column (ld_recipe.cols) */
} ld_check;

#define LD_PHASE_COUNT 3 /* deployment, performance, conformance (SPEC §3) */

/* One view of a recipe: each column's run in view and the states. */
typedef struct ld_grid {
	char *version; /* NULL: latest run per signer, any version; else the
			  tool version of every run in view ("" unknown) */
	ld_state state;
	ld_state phase_state[LD_PHASE_COUNT];
	size_t counts[LD_STATE_COUNT]; /* checks per state */
	ld_cell *cells;		       /* one per recipe column */
	ld_check *checks; /* sorted by phase order, then name bytewise */
	size_t n_checks;
	size_t counted; /* cells that vote */
} ld_grid;

/* One check of one run: its row in ld_recipe.rows and its result. A check
 * absent from the run's reports has no outcome (it did not run). */
typedef struct ld_outcome {
	size_t row;
	ld_result result;
} ld_outcome;

/* One run of a recipe, counted or not: the history (issue 22 item 4). */
typedef struct ld_entry {
	size_t signer; /* index into ld_corroboration.signers */
	char *path;
	char *digest;
	char *oci;
	char *attested_at;
	char *reason; /* unverifiable: why */
	bool latest;  /* in view in the recipe's active grid */
	ld_origin origin;
	char *aicr_version;
	bool dev; /* no release version (docs/ledger.md) */
	char *profile;
	ld_fresh fresh; /* overall: HISTORICAL if either is */
	ld_fresh recipe_fresh, profile_fresh;
	char *fresh_note;
	char *facets[LD_FACET_COUNT];
	ld_why why;	   /* LD_WHY_COUNTS iff it may vote */
	ld_cell_kind kind; /* its own summary: pass, fail, not-run, ... */
	size_t pass, fail, not_run;
	ld_outcome *results; /* verified runs: each check its report holds */
	size_t n_results;
	size_t flips; /* checks that both this run and the signer's previous
			 (older, verified) run ran, with another result */
} ld_entry;

/* A check that appears in some run of the recipe: the history's rows. */
typedef struct ld_row {
	char *phase;
	char *name;
} ld_row;

/* A signer's run health on one recipe (the reference's series health). */
typedef struct ld_col {
	size_t first, n;    /* its entries, newest first */
	unsigned flake_pct; /* % of adjacent run pairs flipping a result */
	size_t last_pass;   /* newest entry that ran and failed nothing,
			       or SIZE_MAX */
} ld_col;

/* A moment the recipe's state changed, latest-per-signer lens. */
typedef struct ld_point {
	char *at; /* attestedAt of the run that changed it */
	ld_state state;
	size_t entry; /* that run */
} ld_point;

typedef struct ld_recipe {
	char *name;
	/* The active view (grids[active]); cells and checks borrowed. */
	ld_state state;
	ld_state phase_state[LD_PHASE_COUNT];
	size_t counts[LD_STATE_COUNT]; /* checks per state */
	size_t *cols;	      /* signer indices with a run here, ascending */
	ld_col *colinfo;      /* one per column */
	const ld_cell *cells; /* one per column */
	size_t n_cols;
	const ld_check *checks; /* sorted by phase order, then name bytewise */
	size_t n_checks;
	/* Every view: [0] latest per signer, any version; then one per tool
	 * version, newest first (ld_version_cmp). */
	ld_grid *grids;
	size_t n_grids;
	size_t active;
	size_t newest; /* the same-version view --same-version picks without
			  a version: the newest version with a vote */
	size_t versions_omitted; /* past LD_GRID_VERSIONS_MAX: no grid */
	ld_entry *entries;	 /* by column, newest first */
	size_t n_entries;
	ld_row *rows; /* every check of every verified run */
	size_t n_rows;
	ld_point *timeline; /* oldest first; the first point is the first
			       verified, counted run */
	size_t n_timeline;
	char *criteria[LD_AXIS_COUNT]; /* from the newest verified run */
} ld_recipe;

/* The report. Plain result data, owned by its root. Signers are sorted by
 * class, vote, slug; recipes by name bytewise. */
typedef struct ld_corroboration {
	bool verified;
	ld_lens lens;
	char *lens_version;
	bool include_historical;
	bool exclude_dev;
	ld_signer *signers;
	size_t n_signers;
	ld_recipe *recipes;
	size_t n_recipes;
	/* tallies of runs: all, and by vote; ingested; counted */
	size_t n_runs, n_verified, n_claimed, n_unverifiable, n_ingested;
	size_t n_historical, n_dev;
	/* every facet value seen on a verified run, sorted bytewise */
	char **facet_values[LD_FACET_COUNT];
	size_t n_facet_values[LD_FACET_COUNT];
	/* every tool version of a verified run, newest first */
	char **versions;
	size_t n_versions;
} ld_corroboration;

/* Computes the corroboration report of `in`. The caller frees *out with
 * ld_corroboration_free. AE_ETOOBIG past LD_CORROB_MAX_RUNS; AE_EINVAL for
 * a run without recipe, issuer, identity or slug. *out NULL on failure. */
int ld_corroboration_compute(ld_corroboration **out,
			     const ld_corroboration_input *in, ae_err *err);
void ld_corroboration_free(ld_corroboration *c);

/* True iff `v` names a release of the tool: [v]MAJOR.MINOR.PATCH with an
 * optional pre-release of letters and digits (-rc.1, -beta2), and nothing
 * else -- not "dev", not empty, not git-describe output (-3-gabc123), not
 * build metadata (+dirty). Cannot fail. */
bool ld_version_is_release(const char *v);

/* Orders tool versions newest first (< 0: a is newer): releases by
 * MAJOR.MINOR.PATCH, a release above its own pre-releases (which compare
 * as SemVer pre-releases do); every release above every non-release. Two
 * non-releases compare equal: the model orders those by their newest run.
 * NULL is "". Cannot fail. */
int ld_version_cmp(const char *a, const char *b);

/* ---- what a verified bundle says beyond its CTRF (corroborate_facts.c) */

/* Bytes of one fact kept (a version, a GPU model, a criteria value);
 * longer ones are dropped as unknown. */
#define LD_FACT_MAX 128
/* Bytes of a freshness note, NUL included. */
#define LD_FRESH_NOTE_MAX 256

/* Facts from the signed predicate, the minimized snapshot and the recipe
 * of one bundle (or of a current recipe). Owned strings, NULL when the
 * input lacks them; initialise with LD_FACTS_INIT, free the inside with
 * ld_facts_dispose. */
typedef struct ld_facts {
	char *aicr_version;
	char *recipe_name;
	char *recipe_digest; /* predicate.recipe.digest, 64 hex */
	char *predicate_type;
	char *attested_at;
	char *profile;	  /* selection name=value */
	char *advertiser; /* profile advertiser */
	char *facets[LD_FACET_COUNT];
	char *criteria[LD_AXIS_COUNT]; /* `any` reads as absent */
} ld_facts;

#define LD_FACTS_INIT                                                          \
	{                                                                      \
		0                                                              \
	}

/* Reads the predicate (JSON object bytes) of a verified statement of
 * `predicate_type`: aicrVersion, recipe name and digest, attestedAt,
 * profile selection and advertiser; fingerprint k8sVersion and gpuModel
 * for facets still unknown. AE_EINVAL when it is not a JSON object. */
int ld_facts_read_predicate(ld_facts *f, const unsigned char *buf, size_t len,
			    const char *predicate_type, ae_err *err);
/* The same, from the predicate already parsed (a jansson object: the
 * verdict's, ev_verdict_predicate): no second parse of a verified
 * statement (issue 17). AE_EINVAL when it is not an object. */
struct json_t;
int ld_facts_read_predicate_json(ld_facts *f, const struct json_t *p,
				 const char *predicate_type, ae_err *err);
/* Reads the facets from a snapshot (YAML): K8s server version as
 * MAJOR.MINOR, OS release "ID VERSION_ID", GPU hardware model; the
 * snapshot's fingerprint for the ones its measurements lack. Codes of
 * ae_yaml_parse. */
int ld_facts_read_snapshot(ld_facts *f, const unsigned char *buf, size_t len,
			   ae_err *err);
/* Reads criteria and metadata.selectedProfile from a recipe (YAML). Codes
 * of ae_yaml_parse. */
int ld_facts_read_recipe(ld_facts *f, const unsigned char *buf, size_t len,
			 ae_err *err);
void ld_facts_dispose(ld_facts *f);
/* "1.33" from "v1.33.1-eks-b9dc2a1"; text that is no version is kept as
 * it is (when short and printable). NULL `v` clears *out. */
int ld_facts_k8s_minor(char **out, const char *v, ae_err *err);

/* Judges a verified run's freshness (issue 22 item 1): the recipe digest
 * its predicate records against `current_digest` (the current recipe's,
 * computed for the recorded predicate type), and its profile selection
 * and advertiser against the current recipe's. NULL `current` or
 * `current_digest`: UNKNOWN. A profiled run is at best UNKNOWN on its
 * profile (the descriptor identity cannot be recomputed). `note` says why
 * a run is not CURRENT. Cannot fail. */
void ld_fresh_judge(ld_fresh *recipe_out, ld_fresh *profile_out,
		    char note[LD_FRESH_NOTE_MAX], const ld_facts *signed_,
		    const ld_facts *current, const char *current_digest);

/* Maps a raw CTRF status to its bucket: passed → pass; failed, other and
 * anything unknown → fail; skipped, pending → not run (reference §4.4).
 * Cannot fail. */
ld_result ld_result_from_ctrf(const char *status);

/* Folds check states into a roll-up: worst first (CONTESTED > FAILING >
 * UNTESTED > SINGLE > CONFIRMED); UNTESTED with some CONFIRMED or SINGLE is
 * PARTIAL; no states is UNTESTED (reference §4.4). Cannot fail. */
ld_state ld_state_rollup(const ld_state *states, size_t n);

/* "CONFIRMED", "first-party", "verified", "pass", ... Cannot fail. */
const char *ld_state_name(ld_state s);
const char *ld_class_name(ld_class c);
const char *ld_vote_name(ld_vote v);
const char *ld_result_name(ld_result r);
const char *ld_cell_name(ld_cell_kind k);

/* Index of a CTRF phase name in SPEC §3 order, or -1. Cannot fail. */
int ld_phase_index(const char *phase);
const char *ld_phase_name(int index);

/* The checks of one CTRF report (reference §6.3): results.tests[].name and
 * .status of `phase`. Strings in *out point into the owned report. */
typedef struct ld_ctrf ld_ctrf;

/* Parses (buf, len), at most LD_CTRF_MAX_BYTES, with at most
 * LD_CTRF_MAX_TESTS tests. AE_EINVAL on a malformed report, AE_ETOOBIG past
 * a cap. The caller frees *out; *out NULL on failure. */
int ld_ctrf_parse(ld_ctrf **out, const char *phase, const unsigned char *buf,
		  size_t len, ae_err *err);
void ld_ctrf_free(ld_ctrf *c);
/* Borrowed checks, valid until ld_ctrf_free. Cannot fail. */
const ld_check_input *ld_ctrf_checks(const ld_ctrf *c, size_t *n_out);

/* The pointer files under an evidence root, as "<recipe>/<src>/<name>.yaml"
 * relative to it, sorted bytewise. Caller-allocated; ld_pointer_paths_dispose
 * frees the inside. */
typedef struct ld_pointer_paths {
	char **v;
	size_t n;
} ld_pointer_paths;

/* Lists `<root>/<recipe>/<src>/<name>.yaml` for every recipe directory, or
 * only `recipes` when n_recipes > 0 (a named recipe without a directory
 * lists nothing). Symlinks, names that are not plain path elements and
 * anything that is not a regular .yaml file at depth 3 are skipped, never
 * followed. AE_ENOTFOUND: no root; AE_EINVAL: root not a directory or a
 * recipe name not plain; AE_ETOOBIG past LD_CORROB_MAX_RUNS. `out` is empty
 * on failure. */
int ld_tree_list(ld_pointer_paths *out, const char *root,
		 const char *const *recipes, size_t n_recipes, ae_err *err);
void ld_pointer_paths_dispose(ld_pointer_paths *p);

/* Where `ledger` reads the ledger from (issue 15): the evidence root's
 * tree at HEAD, from git's object database, when the root sits in a git
 * work tree -- what was committed and judged by the contract checker,
 * whatever the checkout made of it (.gitattributes can rewrite a pointer's
 * bytes in the work tree) -- or the files, without a repository or when
 * the caller asks for the work tree. Not thread-safe: one thread at a
 * time. */
typedef struct ld_source ld_source;

/* Opens the ledger rooted at `root` (a directory path). With `worktree`
 * the files are read; otherwise git when the root is in a work tree.
 * AE_ENOTFOUND when HEAD has no commit or does not hold the root (the
 * message says to commit it or use the work tree); AE_EIO when a
 * repository is there but cannot be opened (never a silent fallback to
 * the files). Caller frees *out (NULL on failure). */
int ld_source_open(ld_source **out, const char *root, bool worktree,
		   ae_err *err);
void ld_source_free(ld_source *s);
/* The 40-hex commit read, or NULL when reading files. Borrowed. Cannot
 * fail. */
const char *ld_source_commit(const ld_source *s);
/* Lists the pointer files as ld_tree_list does (same shapes, same caps,
 * same errors), from the source. */
int ld_source_list(ld_pointer_paths *out, ld_source *s,
		   const char *const *recipes, size_t n_recipes, ae_err *err);
/* Reads `rel` (relative to the root) into `out`, at most `cap` bytes:
 * ae_read_file's codes and messages for files; for git AE_ENOTFOUND,
 * AE_EINVAL for a symlink ("is a symlink (not followed)"), a directory or
 * a submodule, AE_ETOOBIG past the cap. `out` is emptied on failure. */
int ld_source_read(ae_buf *out, ld_source *s, const char *rel, size_t cap,
		   ae_err *err);

/* How a report is rendered. `generated_at` (RFC 3339) is printed as is;
 * identities appear only for verified first-party signers, or for every
 * verified signer with `show_identities` (the certificate made them public);
 * never for claimed or unverifiable pointers. The provenance strings say
 * what the report was made from (issue 20 item 12); NULL: not shown. */
typedef struct ld_render_opts {
	const char *generated_at;
	bool show_identities;
	const char *tool_version;  /* aicr-evidence's own version */
	const char *ledger_commit; /* the ledger's git commit, if read there */
	const char *evidence_root; /* the --root given */
	const char *trusted_root;  /* "embedded (sha256:…)" or a file's */
} ld_render_opts;

#define LD_RENDER_OPTS_INIT                                                    \
	{                                                                      \
		NULL, false, NULL, NULL, NULL, NULL                            \
	}

/* Appends the report to `out` as a terminal table, JSON (docs/ledger.md) or
 * one self-contained HTML page. On failure `out` is emptied (ae_buf). */
int ld_corroboration_render_text(ae_buf *out, const ld_corroboration *c,
				 const ld_render_opts *opts, ae_err *err);
int ld_corroboration_render_json(ae_buf *out, const ld_corroboration *c,
				 const ld_render_opts *opts, ae_err *err);
int ld_corroboration_render_html(ae_buf *out, const ld_corroboration *c,
				 const ld_render_opts *opts, ae_err *err);

/* The data feed (issue 22 item 5, docs/ledger-feed.schema.json): the
 * reference's index.json shape, and series/<recipe>.json for recipe
 * `recipe` (an index into c->recipes). Byte-stable for the same input:
 * keys sorted, arrays ordered, no clock (`generatedAt` is the newest
 * attestedAt, as the reference derives it). On failure `out` is emptied. */
int ld_feed_render_index(ae_buf *out, const ld_corroboration *c,
			 const ld_render_opts *opts, ae_err *err);
int ld_feed_render_series(ae_buf *out, const ld_corroboration *c, size_t recipe,
			  const ld_render_opts *opts, ae_err *err);

/* True iff recipe `recipe` has a series file: some run of it verified
 * (the others have nothing to chart). Cannot fail. */
bool ld_feed_series_included(const ld_corroboration *c, size_t recipe);

/* True iff the signer's identity may be printed under `opts`. */
bool ld_signer_identity_shown(const ld_signer *s, const ld_render_opts *opts);

/* Short names ("CURRENT", "not-first-party", "ingest", "k8s", ...) and, for
 * ld_why, a sentence for people. Cannot fail. */
const char *ld_fresh_name(ld_fresh f);
const char *ld_why_name(ld_why w);
const char *ld_why_text(ld_why w);
const char *ld_origin_name(ld_origin o);
const char *ld_lens_name(ld_lens l);
const char *ld_facet_name(int facet);
const char *ld_axis_name(int axis);

/* ---- the Evidence Pointer Contract checker (SPEC §5, issue 7) ----
 *
 * ld_contract_run reads the ledger from git's object database (never the work
 * tree) and lists every broken rule: with a base revision (the target
 * branch's tip), what merging head into base changes under the evidence
 * root (rule 1 add-only, then rules 2-4 on each added pointer); without
 * one, the whole tree at head (rules 2-4 on every pointer). The allowlist
 * is read from the merge result (the target's, plus what the PR changes)
 * unless a file is named; an invalid or missing allowlist is an error, not a
 * finding (the check cannot decide without it).
 */

#define LD_CONTRACT_ROOT_DEFAULT   "recipes/evidence"
#define LD_CONTRACT_ALLOWLIST_NAME "allowlist.yaml"
/* Files under the root a check will list; a bigger ledger is refused with
 * AE_ETOOBIG rather than exhausting memory (40x the 100k bench ledger). */
#define LD_CONTRACT_MAX_ENTRIES 4000000u
/* Merge bases a three-way merge of head into base is built from (several:
 * criss-cross history); more are refused rather than merged pairwise. */
#define LD_CONTRACT_MAX_MERGE_BASES 16u
/* Problems one report holds; past it ld_report_add fails AE_ETOOBIG. */
#define LD_REPORT_MAX_PROBLEMS 1000000u
/* Threads that read pointers and verify signatures (rule 4 waits on the
 * network, so more than the 2 cores of CI). Without rule 4 the work is
 * CPU-bound blob inflation behind libgit2's pack locks, which every
 * repository handle of a process shares: a second reading thread only
 * hands them back and forth (100,000 pointers on 2 idle cores: 2.05-2.52 s
 * with one thread, 2.61-2.89 s with two), so the default there is one
 * reading thread and, for a large audit, one judging thread beside it
 * (ledger/check_pipe.c). */
#define LD_CONTRACT_WORKERS_DEFAULT 4u
#define LD_CONTRACT_WORKERS_MAX	    64u
/* A pointer blob larger than this is a finding, never loaded (reference §0
 * read cap 1 MiB). */
#define LD_CONTRACT_POINTER_MAX_BYTES (1u << 20)
/* Cap for the allowlist blob or file (reference §0). */
#define LD_CONTRACT_ALLOWLIST_MAX_BYTES (1u << 20)

/* Rule names carried by each problem (SPEC §5 numbering). */
#define LD_RULE_ADD_ONLY  "add-only"  /* 1 */
#define LD_RULE_PLACEMENT "placement" /* 2 */
#define LD_RULE_SCHEMA	  "schema"    /* 3: pointer V1 and signed */
#define LD_RULE_ALLOWLIST "allowlist" /* 3: claimed signer's class */
#define LD_RULE_SIGNATURE "signature" /* 4 */
/* 1-2: a tree `git fsck --strict` refuses, on the path to the root or
 * below it (duplicate entries, '/' or .git in a name, odd modes, ...) */
#define LD_RULE_TREE "tree"
/* 1-2: a .gitattributes that would change what a checkout writes */
#define LD_RULE_ATTRIBUTES "gitattributes"
/* Not a problem: an allowlist entry added or removed, for the reviewer. */
#define LD_NOTE_ALLOWLIST "allowlist-change"
/* Not a problem: rule 4 could not decide (registry unreachable). */
#define LD_NOTE_UNVERIFIED "unverified"
/* Not a problem: an added pointer names a bundle (by digest) that a
 * pointer committed on the base, or an earlier one of the same change,
 * already names -- one bundle, one vote: it adds no vote
 * (docs/ledger.md). */
#define LD_NOTE_SAME_BUNDLE "same-bundle"

/* One finding. Plain result data; strings owned by the report. */
typedef struct ld_finding {
	const char *path;    /* relative to the repository root */
	const char *rule;    /* LD_RULE_* or LD_NOTE_* */
	const char *message; /* one line, untrusted text escaped */
} ld_finding;

/* Every problem of one check, plus notes and counts. */
typedef struct ld_report ld_report;

/* Creates an empty report; the caller frees it with ld_report_free. */
int ld_report_new(ld_report **out, ae_err *err);
/* Frees the report and every string it holds. NULL is a no-op. */
void ld_report_free(ld_report *r);
/* Appends a problem. AE_ETOOBIG past LD_REPORT_MAX_PROBLEMS, AE_ERR on OOM;
 * on failure the report is unchanged. */
int ld_report_add(ld_report *r, const char *path, const char *rule, ae_err *err,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Appends a note (not a problem): same failures as ld_report_add. */
int ld_report_note(ld_report *r, const char *path, const char *rule,
		   ae_err *err, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Getters: borrowed, valid until the report is freed. Cannot fail. */
size_t ld_report_count(const ld_report *r);
const ld_finding *ld_report_get(const ld_report *r, size_t i);
size_t ld_report_note_count(const ld_report *r);
const ld_finding *ld_report_note_get(const ld_report *r, size_t i);
/* Paths under the root that changed (diff) or exist (audit). */
size_t ld_report_changes(const ld_report *r);
/* Pointers whose contents were checked (rules 3-4). */
size_t ld_report_pointers(const ld_report *r);
/* True iff rule 4 could not decide for some pointer (exit 3 when no
 * problem was found). */
bool ld_report_transient(const ld_report *r);
/* The commits compared: base is the target's tip the merge result is
 * diffed against, "" for an audit; 40-hex object ids. */
const char *ld_report_base(const ld_report *r);
const char *ld_report_head(const ld_report *r);
/* How the judged tree was built from base and head: "fast-forward" (head
 * contains base), "up-to-date" (base contains head), "three-way" (merged
 * in memory from ld_report_merge_bases() merge bases), "" for an audit. */
const char *ld_report_merge(const ld_report *r);
size_t ld_report_merge_bases(const ld_report *r);

/* Rule 4 for one pointer (SPEC §5.4), given the pointer's claim
 * (ld_pointer_claim of the pointer that passed the schema, strings
 * borrowed for the call). Returns 0 when the bundle verifies
 * and binds to every claimed field (signer, Rekor index, digest, recipe,
 * predicateType, profile, attestedAt: docs/formats.md), AE_EVERIFY with
 * the reason in `err` (a finding: proven), AE_ETRANSIENT when it cannot
 * decide now (registry unreachable: a retry may), AE_EIO when it cannot
 * decide and a retry will not help (TLS, a refused login, an unexpected
 * answer: the operator must act, see ld_fetch_classify), anything else for
 * an error that stops the check. The two undecided cases are notes, never
 * problems. Called from several threads at once: it must be thread-safe. */
struct ev_pointer_claim; /* evidence/evidence.h */
typedef int (*ld_contract_verify_fn)(const struct ev_pointer_claim *claim,
				     void *ctx, ae_err *err);

/* Progress of a run over `total` items (pointers judged, bundles
 * verified), for a caller that shows it: `done` finished so far. Called
 * from worker threads, possibly at the same moment (ld_progress below
 * serialises them). Nothing below cmd/ prints: cmd/ renders (issue 20
 * item 11). */
typedef void (*ld_progress_fn)(void *ctx, size_t done, size_t total);
/* The registry host a bundle fetch is about to talk to (borrowed for the
 * call); from worker threads, as ld_progress_fn. */
typedef void (*ld_host_fn)(void *ctx, const char *host);

/* A run's progress, shared by its worker threads: the latest count and
 * host, handed to `draw` one call at a time (under a lock; draw must not
 * call back in). cmd/ has no thread code, so the serialising is here. */
typedef struct ld_progress ld_progress;
typedef void (*ld_progress_draw_fn)(void *ctx, size_t done, size_t total,
				    const char *host);
/* AE_ERR on OOM (*out NULL). */
int ld_progress_new(ld_progress **out, ld_progress_draw_fn draw, void *ctx,
		    ae_err *err);
/* NULL is fine. */
void ld_progress_free(ld_progress *p);
/* An ld_progress_fn and an ld_host_fn whose ctx is an ld_progress (NULL:
 * nothing). A count lower than one already told is not drawn. */
void ld_progress_count(void *p, size_t done, size_t total);
void ld_progress_host(void *p, const char *host);

typedef struct ld_contract_opts {
	const char *repo;      /* NULL: discover from the current directory */
	const char *root;      /* NULL: LD_CONTRACT_ROOT_DEFAULT */
	const char *allowlist; /* a file; NULL: <root>/allowlist.yaml at head */
	const char *base;      /* NULL: audit the whole tree at head */
	const char *head;      /* NULL: HEAD */
	unsigned workers;      /* 0: LD_CONTRACT_WORKERS_DEFAULT (see there) */
	size_t max_entries;    /* 0: LD_CONTRACT_MAX_ENTRIES */
	ld_contract_verify_fn verify; /* rule 4; NULL: rules 1-3 only */
	void *verify_ctx;
	/* after each pointer the worker pool judged (not the pipelined
	 * audit without rule 4); NULL: none */
	ld_progress_fn progress;
	void *progress_ctx;
} ld_contract_opts;

#define LD_CONTRACT_OPTS_INIT                                                  \
	{                                                                      \
		NULL, NULL, NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL     \
	}

/* How a failed bundle fetch bears on rule 4 (issue 15): only what the
 * registry said about the bundle proves anything about the pointer. */
typedef enum ld_fetch_class {
	/* The registry answered: no such artifact, other bytes than the
	 * digest, content over a cap or malformed (or the offline cache
	 * lacks it): the pointer does not lead to a bundle rule 4 can prove.
	 * A finding. */
	LD_FETCH_FINDING,
	/* Connection-level and retryable statuses: no verdict now (exit 3). */
	LD_FETCH_TRANSIENT,
	/* The check could not ask: TLS failed or met plain HTTP, a login was
	 * refused, an unexpected status, local I/O. Not the PR's fault and
	 * not fixed by a retry: exit 2, with the fix. */
	LD_FETCH_UNDECIDED,
} ld_fetch_class;

/* Classifies the AE_E* code of a failed fetch and the registry's last
 * HTTP status (0: it never answered). Cannot fail. */
ld_fetch_class ld_fetch_classify(int rc, long http_status);

/* True iff rule 4 could not decide for some pointer for a reason a retry
 * will not fix (exit 2 when no problem was found). */
bool ld_report_undecided(const ld_report *r);

/* check's report (ledger/check_render.c, docs/cli.md "check"), appended to
 * `out`: the text form, one "path: message" line per problem and one
 * "note: path: message" per note; the JSON document {problems, notes,
 * summary} (`diff`: --base was given; `verified`: --verify-signatures);
 * the summary line "check: N problems in M (changed) files, K pointers
 * read". Paths and messages escaped (ae_buf_put_esc). AE_ERR out of
 * memory, AE_ETOOBIG past the buffer's cap. */
int ld_report_render_text(ae_buf *out, const ld_report *r, ae_err *err);
int ld_report_render_json(ae_buf *out, const ld_report *r, bool diff,
			  bool verified, ae_err *err);
int ld_report_render_summary(ae_buf *out, const ld_report *r, bool diff,
			     ae_err *err);

/* Runs the contract check and stores a new report in *out (findings are in
 * the report, rc 0). Errors (*out NULL): AE_ENOTFOUND (no repository, an
 * unknown revision, no evidence root, no allowlist), AE_EINVAL (a bad
 * option, an invalid allowlist, unrelated histories), AE_ETOOBIG (a cap),
 * AE_EIO (an unreadable repository). */
int ld_contract_run(ld_report **out, const ld_contract_opts *opts, ae_err *err);

/* ==== a pointer's bundle fetched by digest and verified (ledger/fetch.c,
 * ledger/choose.c, ledger/verify.c): `verify`, `check --verify-signatures`
 * and `ledger --verify` ==== */

#include "evidence/evidence.h"
#include "oci/oci.h"

#include <stdatomic.h>

/* What the fetches of one run share; read-only after init (worker threads
 * share it) except the atomic counter naming each fetch's directory. */
typedef struct ld_fetcher {
	char cache[4096];   /* content-addressed bundle cache */
	char tmp[4096];	    /* scratch for pulled trees */
	int tmp_slot;	    /* tmp's ae_tmp_claim_end slot, -1 none */
	bool offline;	    /* --offline: the cache only, no client */
	oci_client_opts co; /* strings borrowed from the caller */
	atomic_size_t seq;
} ld_fetcher;

/* Prepares a fetcher: `cache` (NULL: oci_cache_default) and a fresh
 * scratch directory named after `what`; set `co` afterwards. AE_EIO when
 * the scratch cannot be made, AE_ETOOBIG for an over-long cache path. */
int ld_fetcher_init(ld_fetcher *f, const char *cache, bool offline,
		    const char *what, ae_err *err);
/* Removes the scratch directory and everything fetched into it. Cannot
 * fail. */
void ld_fetcher_dispose(ld_fetcher *f);
/* Removes a directory tree (no symlink followed). Cannot fail. */
void ld_scratch_remove(const char *path);

/* One fetched bundle. */
/* The most bytes of files one fetched bundle keeps in memory; a larger
 * one is pulled into the scratch directory (oci_pull_tree's mem_full). */
#define LD_TREE_MAX (64u << 20)

typedef struct ld_fetched {
	char dest[4200]; /* the pulled tree, "" on failure */
	char root[4300]; /* its summary root */
	/* or, in memory (oci_pull_tree: no scratch tree; dest and root
	 * ""), the pulled files, and the summary root's prefix in it ("" or
	 * "summary-bundle/") */
	ae_tree *tree;
	char tree_root[32];
	char digest[AE_DIGEST_STR_LEN]; /* the artifact pulled */
	char head[1200];		/* "pulled reg/repo@sha256:..." */
	char source[2048];		/* how, for the materialize step */
	long http_status; /* the registry's last answer, 0: none */
	oci_pull_result res;
} ld_fetched;

/* Pulls `digest` (NULL or "": ref's own digest, else its tag resolved --
 * the caller has applied the tag-only rule) of ref's repository through
 * the cache into a fresh directory under the scratch. On failure the
 * codes of oci_pull (AE_ETRANSIENT, AE_EAUTH, AE_ENOTFOUND, AE_EVERIFY...)
 * with out->http_status set and nothing left on disk. Thread-safe. */
int ld_fetch(ld_fetched *out, ld_fetcher *f, const oci_ref *ref,
	     const char *digest, ae_err *err);
/* ld_fetch that ends by `deadline` too (the earlier of it and the
 * fetcher's own): check's per-pointer --fetch-timeout. Past it:
 * AE_ETRANSIENT. */
int ld_fetch_within(ld_fetched *out, ld_fetcher *f, const oci_ref *ref,
		    const char *digest, ae_deadline deadline, ae_err *err);
/* What a failed pull of `verify` tells the operator to try (the fetch's
 * AE_E* code; `offline`: --offline), or NULL. Cannot fail. */
const char *ld_fetch_hint(int rc, bool offline);
/* Removes a fetched tree before the fetcher goes (long runs) and frees
 * what the pull result holds. Call it for every fetch. Cannot fail. */
void ld_fetched_remove(ld_fetched *x);

/* The summary root of a tree oci_pull wrote to `dest` (ev_summary_root:
 * DEST, or DEST/summary-bundle in the layout ORAS pulls the reference
 * system's artifacts into) into `root`; when `signed_`, the signature
 * referrer oci_pull wrote at the top of DEST is moved into that root,
 * replacing any copy the layer carried: one place for the signature in
 * every layout (issue 23 item 4). A tree that is no bundle gives DEST.
 * AE_EIO when the move fails, AE_ETOOBIG when a path does not fit. */
int ld_pulled_root(char *root, size_t rootsz, const char *dest, bool signed_,
		   ae_err *err);

/* Verifies a fetched bundle (ev_evidence_verify with `vo`, whose dir,
 * claim and expectations the caller set) choosing among its signatures
 * (ld_referrers_choose): `vo->source` is set to the detail. */
int ld_fetch_verify(ev_verdict **out, ld_fetched *x, ev_verify_opts *vo,
		    ae_err *err);

/* ---- an artifact's signatures (ledger/choose.c) ---- */

/* How many referrers are candidates (Sigstore bundles for the subject).
 * Cannot fail. */
size_t ld_referrers_candidates(const oci_referrers *r);

/* The materialize detail: `head` ("pulled reg/repo@sha256:..."), the
 * signature referrer `chosen` (an index into r, or (size_t)-1 for none)
 * and what became of the others; `none_verified`: no candidate verified
 * and `chosen` is the first. Bounded by `outsz`. Cannot fail. */
void ld_referrers_describe(char *out, size_t outsz, const char *head,
			   const oci_referrers *r, size_t chosen,
			   bool none_verified);

/* Runs the verification `vo` with each candidate of `r` in place as
 * `dir`/attestation.intoto.jsonl -- `dir` the pulled bundle's summary
 * root (ld_pulled_root), which holds the first candidate already --
 * until one gives a valid verdict (the signer the claim or
 * the --expected-* flags name; any signer without them); when none does,
 * the first candidate's verdict. `source`/`sourcesz` receive the detail
 * (vo->source points there). *chosen_out: the index in r, (size_t)-1 for
 * none. Codes of ev_evidence_verify and of writing the attestation;
 * AE_ETRANSIENT ("referrers too slow") when none verifies and `r` left
 * candidates undecided (its time budget ran out: r->too_slow), and
 * (ld_referrers_cut) when none verifies, or there is none, and the
 * listing was truncated: never "unsigned" for a listing not read whole. */
/* AE_ETRANSIENT, no verdict, when `r`'s listing was truncated at its read
 * bound (a signature may lie past it); `some`: the part read held
 * candidates (none verified). 0 otherwise. Says which registry. */
int ld_referrers_cut(const oci_referrers *r, bool some, ae_err *err);

int ld_referrers_choose(ev_verdict **out, size_t *chosen_out, const char *dir,
			const oci_referrers *r, ev_verify_opts *vo,
			char *source, size_t sourcesz, const char *head,
			ae_err *err);
/* ld_referrers_choose for a bundle in memory: each candidate is put in
 * `tree` at `root` ("" or "summary-bundle/") + attestation.intoto.jsonl,
 * where vo->tree's verifier reads it. */
int ld_referrers_choose_tree(ev_verdict **out, size_t *chosen_out,
			     ae_tree *tree, const char *root,
			     const oci_referrers *r, ev_verify_opts *vo,
			     char *source, size_t sourcesz, const char *head,
			     ae_err *err);

/* ---- the trust in force (ledger/trust.c, docs/trust.md) ---- */

#include "evidence/tuf/tuf.h"

/* The documents the tool knows (the embedded Sigstore root; the
 * verifier's and the signer's parsers as the check a cached document
 * must pass). Cannot fail. */
const tuf_trust_docs *ld_trust_docs(void);
/* tuf_trust_resolve under `cache` (NULL: oci_cache_default, and no cache
 * when there is none) at `now`. AE_ETOOBIG for a --cache past the limit. */
int ld_trust_resolve(tuf_trust *t, const char *cache, int64_t now, ae_err *err);

/* Where `trust update` of repository `url` keeps its state: the cache
 * base (`cache`, else oci_cache_default) into `base`, and its
 * tuf_cache_dir into `dir`. AE_ETOOBIG for a path that does not fit;
 * codes of oci_cache_default. */
int ld_trust_cache_dir(char *base, size_t basesz, char *dir, size_t dirsz,
		       const char *cache, const char *url, ae_err *err);

typedef enum ld_trust_refresh {
	LD_TRUST_REFRESH_NEVER,	 /* check without --tuf-update, --offline */
	LD_TRUST_REFRESH_STALE,	 /* verify, ledger --verify: past a day */
	LD_TRUST_REFRESH_ALWAYS, /* check --tuf-update */
} ld_trust_refresh;

/* What a verifying or signing command trusts when no --trusted-root /
 * --signing-config is given: resolved under `cache` now, then refreshed
 * as `mode` says. A failed refresh is no failure: `t` stays as resolved
 * and *refresh_err (may be NULL) says why. t->note says why the cache is
 * not in force. Dispose `t` after the last use of its documents. Codes
 * of ld_trust_resolve. */
int ld_trust_in_force(tuf_trust *t, const char *cache, ld_trust_refresh mode,
		      ae_err *refresh_err, ae_err *err);

/* ---- which signature `pull` writes (ledger/pull_choose.c) ---- */

/* pull's flags the choice reads (borrowed strings, NULL when absent). */
typedef struct ld_pull_choice {
	const char *to;	   /* DIR, the pulled tree */
	const char *cache; /* --cache: the base of the trust in force */
	const char *expected_issuer;
	const char *expected_identity_re;
	const char *trusted_root; /* else the trust in force, never fetched */
} ld_pull_choice;

/* After oci_pull of `digest` into c->to, whose summary root is `root`
 * (ld_pulled_root): *chosen is the index in res->referrers of the
 * signature written, (size_t)-1 for none. With several candidates, the
 * first that verifies for the expected signer is put in place
 * (ld_referrers_choose) and res->referrer_digest names it; the trust in
 * force is then resolved into `trust` (zeroed by the caller, who prints
 * its note and disposes it). AE_ETRANSIENT when a listing read only in
 * part held none (ld_referrers_cut); codes of ld_trust_in_force and
 * ld_referrers_choose. */
int ld_pull_choose(size_t *chosen, oci_pull_result *res, const char *digest,
		   const char *root, const ld_pull_choice *c, tuf_trust *trust,
		   ae_err *err);

/* What `pull` fetched (ld_pull); ld_pulled_dispose frees it. */
typedef struct ld_pulled {
	char digest[AE_DIGEST_STR_LEN]; /* the artifact: REF's pin or tag's */
	oci_pull_result res;
	size_t chosen;	 /* the signature written (ld_pull_choose) */
	tuf_trust trust; /* in force when there was a choice: the caller
			  * prints its note (zeroed otherwise) */
	oci_client *c;	 /* NULL offline */
} ld_pulled;

/* Makes the registry client for `ref` (pull: before anything is asked;
 * push: once the push knows its tag). */
typedef int (*ld_client_fn)(oci_client **out, const oci_ref *ref, void *ctx,
			    ae_err *err);

/* `pull REF --to DIR` (ledger/pull.c), in this order: the cache
 * (c->cache, else oci_cache_default), the client (client(ctx); none
 * when `offline`), REF's digest (oci_ref_digest), oci_pull into c->to,
 * the signature moved into the summary root (ld_pulled_root) and chosen
 * (ld_pull_choose). A failure once the tree is written removes c->to
 * (it did not exist before: oci_pull refuses one that does). Codes of
 * those steps; dispose `out` in every case. */
int ld_pull(ld_pulled *out, const oci_ref *ref, const ld_pull_choice *c,
	    bool offline, ld_client_fn client, void *ctx, ae_err *err);
/* Frees what `p` holds. Cannot fail. */
void ld_pulled_dispose(ld_pulled *p);

/* The one mapping from a pointer to the claim its bundle must bind to
 * (check's rule 4, verify POINTER, the ledger run): `p`'s fields into `c`,
 * strings borrowed from `p`; bundle oci/digest "" when absent; the Rekor
 * index claimed iff the pointer carries one (0 included: a real index).
 * Cannot fail. */
void ld_pointer_claim(ev_pointer_claim *c, const ld_pointer *p,
		      const char *path);

/* ---- the verifier of a run (ledger/verify.c) ----
 *
 * One path from a pointer's claim to a verdict: the bundle pulled by the
 * pointer's digest (ld_fetch: the bytes the digest names, whatever a tag
 * says), each of the artifact's signatures tried for the claimed signer
 * (ld_referrers_choose), the bundle verified by ev_evidence_verify with the
 * pointer as the claim (signer, Rekor index, statement subject, recipe,
 * predicate type, profile, attestedAt, manifest), and the verified signer
 * compared with the claim once more. Built once per run: the trusted root
 * is read and parsed once, on first use, and shared by every check. */

typedef struct ld_verifier ld_verifier;

typedef struct ld_verifier_opts {
	const char *cache;  /* NULL: oci_cache_default */
	bool offline;	    /* the cache only, no registry client */
	const char *what;   /* names the scratch directory ("check") */
	oci_client_opts co; /* copied; its strings borrowed; co.deadline is
			     * the run's: past it no pointer is tried */
	uint64_t fetch_timeout_ms; /* one pointer's fetch; 0: no limit */
	const char *trusted_root;  /* path: replaces the embedded root */
	/* the trusted_root.json in force when trusted_root is NULL (the TUF
	 * cache's, borrowed), NULL: the embedded root */
	const unsigned char *root_json;
	size_t root_json_len;
	/* told the registry host as each bundle fetch begins; NULL: none */
	ld_host_fn on_fetch;
	void *on_fetch_ctx;
	/* keep co.progress: one check at a time (`verify`); worker threads
	 * share no bar */
	bool progress;
} ld_verifier_opts;

/* A new verifier: a scratch directory for pulled trees. AE_EIO when the
 * scratch cannot be made, AE_ETOOBIG for an over-long cache path. */
int ld_verifier_new(ld_verifier **out, const ld_verifier_opts *o, ae_err *err);
/* Removes the scratch directory and everything in it. NULL is fine. */
void ld_verifier_free(ld_verifier *v);

/* What one check decided. */
typedef struct ld_verdict {
	/* 0: verified and bound to every claimed field; AE_EVERIFY: a
	 * violation (proven); AE_ETRANSIENT: no verdict now, a retry may
	 * decide; AE_EIO: no verdict, and a retry will not help (TLS, a
	 * refused login, an unexpected answer: ld_fetch_classify). */
	int status;
	/* The verified signer (status 0): the claim's issuer and identity,
	 * which the certificate was found to name. Borrowed from the claim. */
	const char *issuer;
	const char *identity;
	/* The reason when status is not 0, with the fix where known. */
	ae_err cause;
	/* The bundle could not be fetched (or bundle.oci named no registry
	 * reference): the AE_E* code and the fetch's own message; 0 and ""
	 * when the bundle was fetched. */
	int fetch_rc;
	char fetch_error[AE_ERR_MSG_MAX];
	long fetch_http_status; /* the registry's last answer, 0: none */
	bool fetch_cache_fault; /* the fetch failed on the cache, not the
				   registry */
} ld_verdict;

/* Called with the verified bundle while its files are at hand (read them
 * with ld_fetched_read) and its verdict (status 0 only): e.g. to read its
 * CTRF reports. A negative return is returned by ld_verifier_check. */
typedef int (*ld_verified_fn)(const ld_fetched *x, const ev_verdict *vd,
			      void *ctx, ae_err *err);

/* Reads `rel` under the fetched bundle's summary root (the very bytes
 * verified when the bundle is in memory), at most `cap` bytes: the codes
 * of ae_read_file (AE_ENOTFOUND when absent). */
int ld_fetched_read(ae_buf *out, const ld_fetched *x, const char *rel,
		    size_t cap, ae_err *err);

int ld_verifier_check(ld_verdict *out, ld_verifier *v,
		      const ev_pointer_claim *claim, ld_verified_fn fn,
		      void *ctx, ae_err *err);

/* One check with more than a claim (`verify POINTER`, `verify REF`): the
 * path of ld_verifier_check, which is ld_verifier_run with `claim`, `fn`
 * and `ctx` alone. */
typedef struct ld_check_req {
	/* the pointer's claim; NULL: a bundle no pointer claims, verified
	 * for whoever signed it (or vo's expectations) */
	const ev_pointer_claim *claim;
	const char *oci;    /* the repository; NULL: claim->oci */
	const char *digest; /* the artifact; NULL: claim->digest; "": oci's
			     * own digest, else its tag resolved */
	/* the caller's options (--key, --expected-*, --insecure-ignore-tlog,
	 * NULL: none); this sets the input, claim, trust, directory,
	 * digest, and on a failed fetch fetch_rc, fetch_detail,
	 * fetch_http_status and fetch_hint (ld_fetch_hint) */
	ev_verify_opts *vo;
	ld_verified_fn fn; /* as ld_verifier_check's, NULL: none */
	void *ctx;
	/* NULL: not kept; else the verdict itself, also when the fetch
	 * failed (ev_evidence_verify records it on the materialize step),
	 * for a caller that prints the whole report. Free it. */
	ev_verdict **verdict;
} ld_check_req;

int ld_verifier_run(ld_verdict *out, ld_verifier *v, const ld_check_req *req,
		    ae_err *err);

/* The tag `outdir`/pointer.yaml names for REF's repository when it is the
 * pointer of artifact `digest` (its bundle.digest), "" otherwise or when
 * there is no pointer (ledger/pointer_tag.c). A pointer that is there but
 * unreadable fails (codes of ld_pointer_read): it is not silently
 * skipped. */
int ld_pointer_tag(char tag[129], const char *outdir, const oci_ref *ref,
		   const char *digest, ae_err *err);

/* The push leg of `push DIR --to REF` and `emit --push` (ledger/push.c,
 * oci_bundle_push): under the tag of REF, else the one DIR/pointer.yaml
 * names for this artifact in REF's repository (ld_pointer_tag), else
 * ld_bundle_tag's; the client is client(ctx)'s. Prints nothing. Codes of
 * oci_bundle_push and the tag rules; out->what names what a failure is
 * about. */
int ld_push(oci_pushed *out, const char *dir, const char *to,
	    ld_client_fn client, void *ctx, ae_err *err);

/* ---- where `verify INPUT` takes its bundle from (ledger/verify_input.c)
 * ---- */

/* What a failure of ld_input_plan is. */
typedef enum ld_input_fail {
	LD_INPUT_ERROR,	  /* about INPUT (unreadable, no such input) */
	LD_INPUT_USAGE,	  /* a usage error: err->msg, after fail_what's
			     "WHAT: " when set */
	LD_INPUT_NOT_REF, /* the pointer's bundle.oci names no registry
			     reference (err->msg: the parser's reason, ""
			     when empty): --bundle REF or DIR is the fix */
} ld_input_fail;

/* One input of `verify`. Zero it, set the first fields (borrowed), plan,
 * verify, dispose. */
typedef struct ld_input {
	const char *input;  /* directory, bundle file, REF or pointer */
	const char *bundle; /* --bundle DIR|REF for a pointer, NULL: none */
	const char *cache;  /* --cache, NULL: oci_cache_default */
	bool offline, allow_unpinned;
	/* set by ld_input_plan */
	ld_input_fail fail;
	const char *fail_what; /* USAGE: the argument at fault, or NULL */
	bool pull;	       /* else the local directory `dir` */
	oci_ref ref;	       /* pull: the repository */
	const char *oci;       /* pull: the reference as given */
	char digest[AE_DIGEST_STR_LEN]; /* pull: the pin, "": resolve a tag */
	char dir[4096];			/* local */
	const char *why;		/* local: the materialize detail */
	ev_pointer_claim claim;		/* a pointer's */
	ld_pointer *ptr;
	char *artifact;
	/* set by ld_input_verify: the pull failed (its code and message;
	 * the verdict's materialize step records it too) */
	int fetch_rc;
	char fetch_error[AE_ERR_MSG_MAX];
} ld_input;

/* Decides where the bundle comes from before any network I/O: the input
 * form (vo->input_kind), a pointer's claim (vo->pointer), the pin rule
 * (a tag-only reference refused unless allow_unpinned; never offline).
 * Codes of ev_input_detect and ld_pointer_read (in->fail
 * LD_INPUT_ERROR), AE_EINVAL for a usage error (LD_INPUT_USAGE) or a
 * bundle.oci that is no reference (LD_INPUT_NOT_REF). */
int ld_input_plan(ld_input *in, ev_verify_opts *vo, ae_err *err);

/* Verifies the planned bundle: a pull goes through a verifier of its own
 * (ld_verifier_run with `co`, the registry options, and vo's trust), a
 * local directory through ev_evidence_verify with its artifact digest.
 * *out is the verdict, also of a failed pull (in->fetch_rc set). Codes
 * of ld_verifier_new, ld_verifier_run and ev_evidence_verify. */
int ld_input_verify(ev_verdict **out, ld_input *in, ev_verify_opts *vo,
		    const oci_client_opts *co, ae_err *err);
/* Frees what ld_input_plan and ld_input_verify keep. Cannot fail. */
void ld_input_dispose(ld_input *in);

/* The two halves of ld_verifier_check, for a bundle no pointer claims
 * (`ledger --ingest`). ld_verifier_fetch pulls `digest` of the registry
 * reference `oci` into *x: true when fetched (dispose *x with
 * ld_fetched_remove), false with *out decided and nothing to dispose (fetch_rc,
 * fetch_error, status and cause as ld_verifier_check). Thread-safe. */
bool ld_verifier_fetch(ld_verdict *out, ld_fetched *x, ld_verifier *v,
		       const char *oci, const char *digest);
/* ld_fetch_verify of a fetched bundle with the run's trust set: `vo`
 * gives the claim or expectations, this sets its dir, artifact digest and
 * trust. Codes of ev_evidence_verify; an unreadable trusted root. */
int ld_verifier_verify(ev_verdict **out, ld_verifier *v, ld_fetched *x,
		       ev_verify_opts *vo, ae_err *err);

/* Runs fn(i, ctx) for every i in [0, n) on `jobs` threads (at most
 * LD_VERIFY_MAX_JOBS; the calling thread alone when none can start),
 * taking indexes from a shared counter: the worker pool of `ledger
 * --verify`. Cannot fail. */
#define LD_VERIFY_MAX_JOBS 64
void ld_each(size_t n, unsigned jobs, void (*fn)(size_t i, void *ctx),
	     void *ctx);
/* ld_each, calling progress(progress_ctx, 0, n) first, then
 * progress(progress_ctx, done, n) after each fn, from the workers. */
void ld_each_progress(size_t n, unsigned jobs, void (*fn)(size_t i, void *ctx),
		      void *ctx, ld_progress_fn progress, void *progress_ctx);

/* Rule 4 of `check --verify-signatures` (an ld_contract_verify_fn whose
 * ctx is an ld_verifier): ld_verifier_check of the claim, the
 * verdict's status as the code and its cause as the reason. Thread-safe. */
int ld_verifier_contract_fn(const ev_pointer_claim *claim, void *ctx,
			    ae_err *err);

/* ==== the ledger run: claims in, corroboration out (ledger/run*.c,
 * `aicr-evidence ledger`, docs/ledger.md) ==== */

typedef struct ld_ledger_opts {
	const char *root;     /* the evidence root */
	bool worktree;	      /* read the files even inside a git work tree */
	const char **recipes; /* RECIPE...: the rows asked for, none: all */
	size_t n_recipes;
	/* freshness: --recipes DIR (one level of *.yaml, *.yml), --recipe F */
	const char *recipes_dir;
	const char **recipe_files;
	size_t n_recipe_files;
	bool include_historical;
	bool exclude_dev;
	ld_lens lens;
	const char *lens_version; /* --at-version */
	/* first-party bundles without pointers: --ingest REF (pinned),
	 * --ingest-file F, --ingest-repo REPO */
	const char **ingest;
	size_t n_ingest;
	const char **ingest_files;
	size_t n_ingest_files;
	const char **ingest_repos;
	size_t n_ingest_repos;
	bool verify;	     /* --verify: only verified signers vote */
	unsigned jobs;	     /* bundles verified at once, 1..64 */
	ld_verifier_opts vo; /* the verifier (and --ingest-repo's client:
			      * vo.co); root_json and what are set by
			      * ld_ledger_verify */
	/* each bundle verified, of all (ld_each_progress); NULL: none */
	ld_progress_fn progress;
	void *progress_ctx;
} ld_ledger_opts;

/* The gathered items of one run. */
typedef struct ld_ledger ld_ledger;

/* Finds the pointers under o->root (HEAD's tree when the root is in a git
 * work tree, unless o->worktree), reads every claim and the root's
 * allowlist.yaml. A pointer that cannot be read, is unsigned or misplaced
 * is kept as unverifiable with the reason (SPEC §6): a finding. `o` is
 * borrowed until ld_ledger_free. Codes of ld_source_open, ld_source_list
 * and al_list_parse; AE_ERR on OOM. *out NULL on failure. */
/* Zeroes `o` but for the defaults (the root LD_EVIDENCE_ROOT, 2 jobs)
 * and makes room for `n` entries in each list (the recipes, --recipe,
 * --ingest, --ingest-file, --ingest-repo: n is argc for a command line).
 * AE_ERR out of memory, `o` then holding nothing. Dispose with
 * ld_ledger_opts_dispose (ledger/run_opts.c). */
int ld_ledger_opts_init(ld_ledger_opts *o, size_t n, ae_err *err);
/* Frees the lists of `o` (not the strings they borrow). Cannot fail. */
void ld_ledger_opts_dispose(ld_ledger_opts *o);
/* Checks what ld_ledger_new cannot run (ledger/run_opts.c), before any
 * I/O: --offline without a cache, --ingest-repo offline, an --ingest
 * reference not pinned by digest: AE_EINVAL, the message a usage error.
 * --at-version sets the same-version lens. */
int ld_ledger_opts_check(ld_ledger_opts *o, ae_err *err);
/* True iff `format` is one of the report's: text, json, html, feed. */
bool ld_ledger_format_known(const char *format);

/* `ledger`'s command line as given (borrowed strings, NULL when absent):
 * the run's options and what only the command reads. */
typedef struct ld_ledger_args {
	ld_ledger_opts o;
	const char *out;	/* -o, --output: a file, the feed's directory */
	const char *format;	/* --format; "text" when NULL */
	const char *jobs;	/* --jobs N: o.jobs */
	oci_registry_flags reg; /* how bundles are fetched */
	bool any_reg;		/* a registry flag (not --quiet) was given */
} ld_ledger_args;

/* Refuses a ledger command line before any I/O, in the order the command
 * has always named them: a format ld_ledger_format_known does not know
 * (a->format "text" when NULL); the feed without -o; --jobs not 1..64
 * (into o.jobs); --trusted-root, --cache, --offline, --ingest* or a
 * registry flag without --verify; the registry flags' own rules
 * (oci_registry_flags_check); ld_ledger_opts_check's. 0 or AE_EINVAL, the
 * message a usage error. */
int ld_ledger_args_check(ld_ledger_args *a, ae_err *err);
/* Renders `c` as `format`, "text", "json" or "html" (the feed is
 * ld_feed_write's directory), into `out`. AE_EINVAL for another format;
 * the renderer's codes. */
int ld_corroboration_render(ae_buf *out, const ld_corroboration *c,
			    const ld_render_opts *ro, const char *format,
			    ae_err *err);
int ld_ledger_new(ld_ledger **out, const ld_ledger_opts *o, ae_err *err);
void ld_ledger_free(ld_ledger *l);

/* Adds a bundle per --ingest, --ingest-file and --ingest-repo (tags
 * listed through the registry, o->vo.co); a reference named twice is
 * taken once. A bundle a pointer also names is kept: only verification
 * decides which signer's vote it is (ld_ledger_verify). Codes of reading
 * the files and of the registry. */
int ld_ledger_ingest(ld_ledger *l, ae_err *err);

/* Verifies every claimed and ingested bundle with o->jobs threads
 * through one ld_verifier: findings go into the items; the allowlist
 * classifies ingested signers. `root_json` the trusted_root.json in force
 * without o->vo.trusted_root (NULL: the embedded root), `root_from` where
 * it came from (the TUF cache directory), for the report's provenance.
 * Then, among the verified items only, one bundle (digest) is one vote:
 * a signer holding it twice keeps one item (a pointer's before an
 * ingested one), and of several signers one keeps it -- a first-party
 * signer first, then the earliest verified signature (ld_credit_cmp) --
 * the others are LD_WHY_RESIGNED (docs/ledger.md "One bundle, one vote").
 * Codes of ld_verifier_new. */
int ld_ledger_verify(ld_ledger *l, const unsigned char *root_json,
		     size_t root_json_len, const char *root_from, ae_err *err);

/* Judges every verified item's freshness against o->recipes_dir and
 * o->recipe_files (no current recipe: UNKNOWN). Errors: the recipes could
 * not be read. */
int ld_ledger_freshness(ld_ledger *l, ae_err *err);

/* The model's report of the gathered, verified, judged items
 * (ld_corroboration_compute). */
int ld_ledger_compute(ld_corroboration **out, const ld_ledger *l, ae_err *err);

/* Items gathered. Cannot fail. */
size_t ld_ledger_count(const ld_ledger *l);
/* True iff item `i` is an ingested bundle that did not verify: it has no
 * recipe row to be listed under; *ref and *reason say which and why
 * (borrowed). Cannot fail. */
bool ld_ledger_uncounted(const ld_ledger *l, size_t i, const char **ref,
			 const char **reason);
/* Appends one line for stderr per uncounted item (ld_ledger_uncounted),
 * "aicr-evidence: ledger: REF: not counted: WHY": a finding, not an
 * error. Codes of the buffer. */
int ld_ledger_uncounted_render(ae_buf *out, const ld_ledger *l, ae_err *err);
/* True iff some bundle gave no verdict (transient: exit 3). */
bool ld_ledger_transient(const ld_ledger *l);
/* Fills the provenance of `ro`: the ledger's commit, the trusted root,
 * the evidence root. Strings borrowed from `l`. Cannot fail. */
void ld_ledger_provenance(ld_render_opts *ro, const ld_ledger *l);

/* Writes the data feed into directory `dir` (made if missing, never
 * through a symlink): series/<recipe>.json for each recipe with a
 * verified run, then index.json, then stale series this tool wrote
 * removed. Codes of ae_mkdir_p and ae_write_atomic. */
int ld_feed_write(const ld_corroboration *c, const ld_render_opts *ro,
		  const char *dir, ae_err *err);

/* ---- signing a bundle for its pointer (ledger/bundle_sign.c) and the
 * emit and sign reports (ledger/bundle_report.c) ---- */

#include "evidence/signer/signer.h"

/* What signing (and pushing) add to a pointer. */
typedef struct ld_signed {
	char oci[1025];			/* tagged reference, "" if none */
	char digest[AE_DIGEST_STR_LEN]; /* artifact digest, "" if unknown */
	ev_sign_result *signed_by;	/* NULL unsigned; caller frees */
} ld_signed;

/* The tag the bundle in `sbdir` goes out under: the one REF names, else
 * oci_tag_derive of the bundle's recipe name (its statement's
 * predicate.recipe.name) and `artifact_digest`. The one rule behind push,
 * sign, emit and the pointer's bundle.oci (issue 24 item 7). */
int ld_bundle_tag(char tag[129], const oci_ref *ref, const char *sbdir,
		  const char *artifact_digest, ae_err *err);

/* Builds the artifact of `sbdir` (no network): out->digest its manifest
 * digest, out->oci the tagged reference "registry/repo:tag" it goes out
 * under. A REF pinning another digest, a bad REF or a recipe name no tag
 * may carry is AE_EINVAL. */
int ld_bundle_locate(ld_signed *out, const char *ref, const char *sbdir,
		     ae_err *err);

/* Signs the bundle in `sbdir` through ev_sign_run with `o` (its payload
 * set here: the statement naming REF's repository and the artifact
 * digest, ld_bundle_locate setting out->digest and out->oci before any
 * request); writes nothing (ld_bundle_attest does). A REF pinning another
 * digest, or a digest other than a non-empty `want_digest`, is AE_EINVAL
 * before any request; a statement past EV_SIGN_PAYLOAD_MAX_BYTES
 * AE_ETOOBIG. Codes of ev_sign_run and oci/. */
int ld_bundle_sign(ld_signed *out, const char *ref, const char *sbdir,
		   const char *want_digest, ev_sign_run_opts *o, ae_err *err);

/* Writes out->signed_by's bundle as `sbdir`/attestation.intoto.jsonl
 * (atomically). Codes of ae_write_atomic. */
int ld_bundle_attest(const ld_signed *oc, const char *sbdir, ae_err *err);

/* Signs the unsigned v3 pointer at `ptr_path` and the bundle `sbdir`
 * beside it for REF (NULL: the pointer's bundle.oci) with `o`, and
 * rewrites the pointer with the verified signer (*p_out). Every check
 * that needs no service (the pointer, its digest against the bundle's,
 * the signer the token predicts: o->signer_ok is set here) runs before
 * the first request; the attestation and the pointer are written only
 * after signing and the new pointer are complete, and the attestation is
 * removed again if the pointer cannot be written (issue 25: nothing
 * half-done). AE_EEXISTS for a signed pointer. */
int ld_pointer_sign(ld_pointer **p_out, ld_signed *oc, const char *ptr_path,
		    const char *sbdir, const char *ref, ev_sign_run_opts *o,
		    ae_err *err);

/* Moves the pointer file `flat` to p's canonical path under
 * LD_EVIDENCE_ROOT (relative to the working directory), *dest_out: a hard
 * link, so an existing file is never clobbered. The same content there
 * already is fine; a different one is AE_EEXISTS (`flat` left). */
int ld_pointer_relocate(char **dest_out, const char *flat, const ld_pointer *p,
			ae_err *err);

/* The cap of an `emit` or `sign` report's buffer: paths, names and a
 * signer, far below it. */
#define LD_REPORT_MAX_BYTES (1u << 20)

/* What an `emit` or `sign` report says (ld_*_report_*). */
typedef struct ld_report_in {
	const char *out;      /* OUT: the directory of bundle and pointer */
	const char *ptr_path; /* sign: the pointer signed */
	const char *dest;     /* sign: where --relocate moved it, or NULL */
	const char *sbdir;    /* sign: the summary bundle signed */
	const ld_signed *oc;
	const ld_pointer *p; /* the pointer written */
	/* emit only */
	const ev_emit_result *r;
	bool push;		   /* --push was given */
	const char *pushed_digest; /* the artifact pushed, "" none */
	const char *referrer;	   /* its signature referrer, "" none */
} ld_report_in;

/* The text reports of `sign` and `emit` (what was built, signed and
 * written, then the steps left: push, commit at the pointer's place),
 * outside strings escaped, appended to `b`; and their --format json
 * reports (docs/cli.md "emit/sign --format json"), indented, with a
 * newline. Codes of the buffer. */
int ld_sign_report_text(ae_buf *b, const ld_report_in *in, ae_err *err);
int ld_sign_report_json(ae_buf *b, const ld_report_in *in, ae_err *err);
int ld_emit_report_text(ae_buf *b, const ld_report_in *in, ae_err *err);
int ld_emit_report_json(ae_buf *b, const ld_report_in *in, ae_err *err);

/* `emit`'s run (ld_emit). */
typedef struct ld_emit_opts {
	const ev_emit_opts *emit;
	const char *ref;	/* the reference signed and pushed to */
	ev_sign_run_opts *sign; /* NULL: unsigned */
	/* told of the bundle built, before signing (notices) */
	void (*on_emitted)(void *ctx, const ev_emit_result *r);
	/* pushes OUT under `tagged`; NULL: no push */
	int (*push)(void *ctx, const char *tagged, ae_err *err);
	void *ctx;
} ld_emit_opts;

/* Builds OUT/summary-bundle (ev_evidence_emit), signs it for o->ref
 * (ld_bundle_sign; else with a push only locates it) and writes its
 * attestation, pushes it through o->push, and writes OUT/pointer.yaml
 * last (*p_out). Any failure after the bundle was built removes it again
 * (ev_evidence_emit_discard): nothing half-written. Codes of the steps. */
int ld_emit(ev_emit_result *r, ld_signed *oc, ld_pointer **p_out,
	    const ld_emit_opts *o, ae_err *err);

/* `emit`'s words beyond the bundle's options (ev_emit_opts), as given. */
typedef struct ld_emit_args {
	const char *policy;  /* --policy: ev_emit_policy_set */
	const char *format;  /* --format: text or json */
	const char *push;    /* --push REF, or NULL */
	const char *ref;     /* --ref REF; --push's when NULL */
	bool sign;	     /* --sign */
	bool registry_flags; /* a registry flag was given */
} ld_emit_args;

/* Sets the switch `arg` names (--full, --allow-mutable-validator-tags,
 * --strict into `o`; --sign, --no-sign: the last one given wins): true,
 * or false when `arg` is none of them. Cannot fail. */
bool ld_emit_switch(ld_emit_args *a, ev_emit_opts *o, const char *arg);

/* Refuses an emit command line before any file is read, in this order:
 * a missing --recipe, --snapshot, --ctrf or -o; a --format other than
 * text or json, json with an output path not in UTF-8; a bad --policy
 * (set into `o`); --ref and --push naming different references (a->ref
 * becomes a->push when NULL); --sign without a reference; registry flags
 * without --push; a --profile that is no NAME=VALUE. 0 or AE_EINVAL, the
 * message naming the flag. */
int ld_emit_args_check(ld_emit_args *a, ev_emit_opts *o, ae_err *err);

/* Appends what a person should know before publishing the bundle of
 * `r` (for stderr; not a failure): recipe fields beyond the reference's
 * schema published with recipe.yaml (`recipe_path` names it), CTRF
 * reports given twice and counted once. Nothing when there is neither.
 * Codes of the buffer. */
int ld_emit_notices(ae_buf *b, const char *recipe_path, const ev_emit_result *r,
		    ae_err *err);

/* What `sign OUT|POINTER` names (ledger/sign_input.c). */
typedef struct ld_sign_paths {
	char out[4096];	     /* OUT: the pointer's directory */
	char ptr_path[4096]; /* OUT/pointer.yaml, or the POINTER given */
	char sbdir[4200];    /* OUT/summary-bundle */
} ld_sign_paths;

/* Fills `p` from `input`: a directory is OUT, anything else the pointer
 * in its directory OUT. AE_ENOTFOUND when OUT/summary-bundle is no
 * directory (the paths are set all the same, for the report). */
int ld_sign_input(ld_sign_paths *p, const char *input, ae_err *err);

/* ---- check's command line (ledger/check_args.c) ---- */

/* check's options as given (borrowed strings, NULL when absent). */
typedef struct ld_check_args {
	ld_contract_opts opts; /* --root, --allowlist, --base, --head, --repo;
				* workers set from --workers */
	const char *format;    /* --format: text or json */
	const char *trusted_root, *cache;
	const char *workers;	   /* --workers N */
	const char *fetch_timeout; /* --fetch-timeout DUR */
	const char *deadline;	   /* --deadline DUR: reg.timeout's alias */
	uint64_t fetch_timeout_ms; /* set by ld_check_args_check */
	oci_registry_flags reg;
	bool verify, offline, tuf_update;
} ld_check_args;

/* Refuses a check command line before any I/O, in the order the command
 * has always named them: a --format other than text or json; --head
 * without --base; --trusted-root, --cache or --offline without
 * --verify-signatures; --tuf-update without it, or with --offline or
 * --trusted-root; --offline without --cache; a password (check reads
 * anonymously); --deadline with --timeout (the same limit: --deadline
 * becomes reg.timeout); the registry flags' own rules
 * (oci_registry_flags_check); a bad --fetch-timeout (a duration up to a
 * week; 60 s when absent); --fetch-timeout or --deadline without
 * --verify-signatures; --workers not 1..LD_CHECK_WORKERS_MAX. 0 or
 * AE_EINVAL, the message a usage error. */
#define LD_CHECK_WORKERS_MAX 64
int ld_check_args_check(ld_check_args *a, ae_err *err);

#endif /* AE_LEDGER_H */
