/* ledger/ledger.h -- the ledger: pointers, slugs, tree walk, contract check,
 * corroboration
 *
 * ledger/ reads the add-only evidence ledger (SPEC §3, §5, §6). It never
 * prints or exits and never touches the network itself: bundles reach it as
 * plain data gathered by cmd/.
 */
#ifndef AE_LEDGER_H
#define AE_LEDGER_H

#include "evidence/core/ae.h"

#include <stdbool.h>
#include <stddef.h>

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

/* One pointer of the ledger, as cmd/ gathered it. All strings borrowed. For
 * LD_VOTE_VERIFIED, issuer/identity are the certificate's; otherwise the
 * pointer's claim. `checks` are read only from verified bundles: the model
 * ignores them for any other vote. */
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
} ld_run;

/* What ld_corroboration_compute reads. `recipes` names recipes to report
 * even with no pointer (UNTESTED); `verified` records whether the runs went
 * through --verify (the report's basis, shown in every output). */
typedef struct ld_corroboration_input {
	const ld_run *runs;
	size_t n_runs;
	const char *const *recipes;
	size_t n_recipes;
	bool verified;
} ld_corroboration_input;

#define LD_CORROBORATION_INPUT_INIT                                            \
	{                                                                      \
		NULL, 0, NULL, 0, false                                        \
	}

/* A matrix column: one distinct (vote, issuer, identity). */
typedef struct ld_signer {
	char *issuer;
	char *identity;
	char *slug;
	char *label; /* NULL when unlisted or unknown */
	ld_class cls;
	ld_vote vote;
	bool counts; /* verified and allowlisted: carries a vote */
} ld_signer;

/* A recipe × signer cell: that signer's latest run on the recipe. */
typedef enum ld_cell_kind {
	LD_CELL_NONE, /* the signer has no pointer for the recipe */
	LD_CELL_PASS, /* every check that ran passed */
	LD_CELL_FAIL, /* at least one check failed */
	LD_CELL_NOT_RUN,
	LD_CELL_CLAIMED,
	LD_CELL_UNVERIFIABLE,
} ld_cell_kind;

typedef struct ld_cell {
	ld_cell_kind kind;
	size_t pass, fail, not_run;
	size_t pointers; /* pointers of this signer for the recipe */
} ld_cell;

typedef struct ld_check {
	char *phase;
	char *name;
	ld_state state;
	size_t pass, fail;  /* allowlisted verified votes */
	size_t reported;    /* verified unlisted signers that ran it */
	ld_result *results; /* one per recipe column (ld_recipe.cols) */
} ld_check;

/* One pointer as listed in the report (all of them, counted or not). */
typedef struct ld_entry {
	size_t signer; /* index into ld_corroboration.signers */
	char *path;
	char *digest;
	char *attested_at;
	char *reason;
	bool latest; /* the run that speaks for its signer */
} ld_entry;

#define LD_PHASE_COUNT 3 /* deployment, performance, conformance (SPEC §3) */

typedef struct ld_recipe {
	char *name;
	ld_state state;
	ld_state phase_state[LD_PHASE_COUNT];
	size_t counts[LD_STATE_COUNT]; /* checks per state */
	size_t *cols;	/* signer indices with a pointer here, ascending */
	ld_cell *cells; /* one per column */
	size_t n_cols;
	ld_check *checks; /* sorted by phase order, then name bytewise */
	size_t n_checks;
	ld_entry *entries;
	size_t n_entries;
} ld_recipe;

/* The report. Plain result data, owned by its root. Signers are sorted by
 * class, vote, slug; recipes by name bytewise. */
typedef struct ld_corroboration {
	bool verified;
	ld_signer *signers;
	size_t n_signers;
	ld_recipe *recipes;
	size_t n_recipes;
} ld_corroboration;

/* Computes the corroboration report of `in`. The caller frees *out with
 * ld_corroboration_free. AE_ETOOBIG past LD_CORROB_MAX_RUNS; AE_EINVAL for
 * a run without recipe, issuer, identity or slug. *out NULL on failure. */
int ld_corroboration_compute(ld_corroboration **out,
			     const ld_corroboration_input *in, ae_err *err);
void ld_corroboration_free(ld_corroboration *c);

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

/* How a report is rendered. `generated_at` (RFC 3339) is printed as is;
 * identities appear only for verified first-party signers, or for every
 * verified signer with `show_identities` (the certificate made them public);
 * never for claimed or unverifiable pointers. */
typedef struct ld_render_opts {
	const char *generated_at;
	bool show_identities;
} ld_render_opts;

#define LD_RENDER_OPTS_INIT                                                    \
	{                                                                      \
		NULL, false                                                    \
	}

/* Appends the report to `out` as a terminal table, JSON (docs/ledger.md) or
 * one self-contained HTML page. On failure `out` is emptied (ae_buf). */
int ld_corroboration_render_text(ae_buf *out, const ld_corroboration *c,
				 const ld_render_opts *opts, ae_err *err);
int ld_corroboration_render_json(ae_buf *out, const ld_corroboration *c,
				 const ld_render_opts *opts, ae_err *err);
int ld_corroboration_render_html(ae_buf *out, const ld_corroboration *c,
				 const ld_render_opts *opts, ae_err *err);

/* True iff the signer's identity may be printed under `opts`. */
bool ld_signer_identity_shown(const ld_signer *s, const ld_render_opts *opts);

#endif /* AE_LEDGER_H */
