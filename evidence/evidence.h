/* evidence/evidence.h -- the evidence module: evidence bundles
 *
 * The Sigstore verifier is its own module below this one
 * (evidence/sigstore/sigstore.h, included here: bundle verification stands
 * on it); keyless signing is another (evidence/signer/signer.h), which
 * nothing here uses.
 *
 * The bundle part (evidence/emit.c, verify.c and their helpers) turns a
 * validation run (recipe, cluster snapshot, CTRF reports) into a minimized
 * bundle directory with a deterministic manifest and an in-toto statement,
 * and tells whether such a bundle is intact. It never reads pointers (that
 * is ledger/) and never talks to a registry (oci/).
 */
#ifndef AE_EVIDENCE_H
#define AE_EVIDENCE_H

#include "evidence/core/ae.h"
#include "evidence/sigstore/sigstore.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ==== bundles: emit and verify (issue 5) ==== */

/* Predicate types (reference §0). New bundles are always v3; v1/v2 are
 * accepted on verify only (STYLE §3.9). */
#define EV_PREDICATE_V1	  "https://aicr.run/recipe-evidence/v1"
#define EV_PREDICATE_V2	  "https://aicr.run/recipe-evidence/v2"
#define EV_PREDICATE_V3	  "https://aicr.run/recipe-evidence/v3"
#define EV_STATEMENT_TYPE "https://in-toto.io/Statement/v1"

/* Read caps (reference §0 unless noted). */
#define EV_RECIPE_MAX_BYTES (1u << 20) /* recipe.yaml */
/* The canonical form of a recipe at the cap: yaml.v3's 4-space indent,
 * escapes (4 bytes for 1) and doubled folded breaks stay well under 16x. */
#define EV_RECIPE_CANON_MAX_BYTES (16u << 20)
#define EV_MANIFEST_MAX_BYTES	  (1u << 20)  /* manifest.json */
#define EV_STATEMENT_MAX_BYTES	  (10u << 20) /* statement.intoto.json */
#define EV_CTRF_MAX_BYTES	  (10u << 20) /* one CTRF report read to parse */
#define EV_BOM_MAX_BYTES	  (8u << 20)  /* operator-supplied --bom */
/* A snapshot is not capped by the reference; 16 MiB is ~40x a large real
 * one and keeps the YAML tree well under AE_YAML_MAX_NODES. */
#define EV_SNAPSHOT_MAX_BYTES (16u << 20)
/* Files listed in one manifest: a bundle has at most 7 fixed files plus
 * three CTRF reports; 4096 leaves room for legacy layouts. */
#define EV_MANIFEST_MAX_FILES 4096
/* CTRF inputs given to one emit (files, or files found in directories). */
#define EV_CTRF_MAX_INPUTS 256

/* The three phases, in canonical order (reference §0). */
#define EV_PHASE_COUNT 3
extern const char *const ev_phase_names[EV_PHASE_COUNT];

/* ---- recipe identity (reference §5.6, docs/formats.md) ---- */

/* Re-emits the recipe YAML canonically into `out` (initialised here):
 * comments dropped, mapping keys sorted bytewise at every level, and with
 * `drop_version` the top-level metadata.version removed (v3). AE_EINVAL for
 * malformed or empty YAML. On failure `out` is empty. */
int ev_recipe_canonical(ae_buf *out, const unsigned char *buf, size_t len,
			bool drop_version, ae_err *err);

/* ev_recipe_canonical with the metadata.version rule of `predicate_type`
 * (v3, or NULL: dropped; v1/v2: kept). AE_EINVAL for another type. */
int ev_recipe_canonical_for(ae_buf *out, const unsigned char *buf, size_t len,
			    const char *predicate_type, ae_err *err);

/* SHA-256 hex (64 lowercase + NUL) of the canonical recipe for
 * `predicate_type` (v3 drops metadata.version, v1/v2 keep it). AE_EINVAL for
 * an unknown predicate type or bad YAML. */
int ev_recipe_digest(char out[AE_SHA256_HEX_LEN + 1], const unsigned char *buf,
		     size_t len, const char *predicate_type, ae_err *err);

/* ---- profiles (reference ADR-015, docs/formats.md "Profiles") ---- */

#define EV_PROFILE_PART_MAX	       128 /* a profile name or value */
#define EV_PROFILE_ADVERTISER_EXTERNAL "external"

/* What names a recipe in its evidence. Plain result data. */
typedef struct ev_recipe_id {
	/* RecipeNameFor: the criteria part, plus "-<name>-<value>"
	 * lowercased for a profiled recipe */
	char name[256];
	/* false: the recipe has no criteria mapping, so the reference
	 * derives no name ("") and never compares one; `name` is then
	 * "recipe" (or "recipe-<segment>") */
	bool has_criteria;
	bool profiled; /* metadata.selectedProfile present */
	char selection[2 * EV_PROFILE_PART_MAX + 2]; /* "name=value" */
	char advertiser[16];			     /* "" or "external" */
	char identity[AE_SHA256_HEX_LEN + 1]; /* policyDescriptorIdentity */
} ev_recipe_id;

/* Splits a `name=value` selection (the pointer's and --profile's form)
 * into its parts; false unless both match [A-Za-z0-9._-]+ and fit
 * EV_PROFILE_PART_MAX. Cannot fail. */
bool ev_profile_selection_parse(char name[EV_PROFILE_PART_MAX + 1],
				char value[EV_PROFILE_PART_MAX + 1],
				const char *sel);

/* The recipe's name and profile identity (reference RecipeNameFor,
 * ProfileSelectionString, allocpolicy.IdentityFor over the recipe's
 * closure): fills *out. AE_EINVAL when the recipe is not a mapping, a
 * criteria part is not a plain path element, or metadata.selectedProfile
 * is malformed (name or value outside [A-Za-z0-9._-]+, an advertiser other
 * than "external"); the parser's codes. */
int ev_recipe_identify(ev_recipe_id *out, const unsigned char *buf, size_t len,
		       ae_err *err);

/* The recipe name alone (ev_recipe_identify's `name`). New string in *out
 * (free()). */
int ev_recipe_name(char **out, const unsigned char *buf, size_t len,
		   ae_err *err);

/* What `digest RECIPE` prints (evidence/recipe_digest.c): the canonical
 * recipe for `predicate_type` (`canonical`), else its digest and a
 * newline, into `out` (initialised here, empty on failure). With a
 * `profile` ("name=value"), AE_EINVAL unless the recipe was generated
 * with that profile (it is baked in: the reference's "already baked").
 * Codes of ev_recipe_identify and ev_recipe_canonical_for. */
int ev_recipe_digest_report(ae_buf *out, const unsigned char *buf, size_t len,
			    const char *predicate_type, const char *profile,
			    bool canonical, ae_err *err);

/* ---- minimization (reference §6, docs/formats.md) ---- */

#define EV_REDACTION_POLICY  "minimal"
#define EV_REDACTION_VERSION "v4"

/* What leaves the cluster. Every policy rebuilds each CTRF report and the
 * snapshot from an allowlist of fields (unknown fields never pass), counts
 * results from the tests, and records itself in predicate.redaction.
 *
 * EV_REDACT_MINIMAL (the default): the reference's minimal v4 plus
 * validation of every kept value (versions, booleans, counts, enumerations,
 * names), the snapshot fingerprint allowlisted, no environment or free
 * header text in CTRF, no value in the predicate or the BOM that the
 * snapshot or CTRF policy drops. Labelled policy "minimal", version "v4"
 * with the reference's six rule ids and ours (docs/formats.md explains
 * why the reference still verifies and reads these bundles).
 * EV_REDACT_REFERENCE_V4 (--policy reference-v4): the reference's own
 * minimal v4 output: its CTRF and snapshot fields as given, the six rule
 * ids. EV_REDACT_FULL (--full): raw files, no redaction block. */
typedef enum ev_redaction {
	EV_REDACT_MINIMAL = 0,
	EV_REDACT_REFERENCE_V4 = 1,
	EV_REDACT_FULL = 2,
} ev_redaction;

/* Snapshot allowlist (§6.2) under `policy`: writes the redacted snapshot
 * YAML into `out` (initialised here). On failure `out` is empty. */
int ev_snapshot_redact(ae_buf *out, const unsigned char *buf, size_t len,
		       ev_redaction policy, ae_err *err);

/* One CTRF report rebuilt under `policy` (as emit writes a phase of one
 * report): JSON into `out` (initialised here). AE_EINVAL for a report that
 * is not CTRF, whose summary disagrees with its tests, or (minimal) with a
 * test name no pattern allows. */
int ev_ctrf_redact(ae_buf *out, const unsigned char *buf, size_t len,
		   ev_redaction policy, ae_err *err);

/* ---- the recipe against the reference's schema (issue 24 item 6) ---- */

/* recipe.yaml ships in its canonical form, which keeps every field (the
 * digest is over it), so a field the reference's RecipeResult schema does
 * not know (annotations, custom
 * criteria, component values) is published too. Lists such fields as
 * paths ("metadata.annotations", "componentRefs[1].values") into `out`
 * (initialised here; NUL-separated entries, `*n_out` of them). Subtrees the
 * schema leaves free (componentRefs[].overrides, nodeSelection.selector,
 * configuration, metadata.selectedProfile) are not looked into. */
int ev_recipe_extra_fields(ae_buf *out, size_t *n_out,
			   const ae_yaml_node *recipe, ae_err *err);

/* ---- the validator catalog (reference §5.5 validatorCatalogVersion) ---- */

#define EV_CATALOG_MAX_BYTES   (1u << 20) /* --validator-catalog file */
#define EV_CATALOG_VERSION_MAX 64	  /* metadata.version, SemVer text */
#define EV_CATALOG_API_VERSION "aicr.nvidia.com/v1"

/* Reads a validator catalog (`kind: ValidatorCatalog`, apiVersion
 * EV_CATALOG_API_VERSION; strict YAML) for its metadata.version into `out`:
 * "" when the catalog has none (legacy). AE_EINVAL for another document,
 * a version that is not [0-9A-Za-z.+-]{1,64}; codes of ae_yaml_parse.
 * `out` is "" on failure. */
int ev_catalog_version(char out[EV_CATALOG_VERSION_MAX + 1],
		       const unsigned char *buf, size_t len, ae_err *err);

/* ---- emit ---- */

typedef struct ev_emit_opts {
	const char *recipe_path;
	const char *snapshot_path;
	const char *const *ctrf_paths; /* files or directories */
	size_t nctrf;
	const char *bom_path; /* NULL: generate CycloneDX 1.6 */
	const char *out_dir;  /* summary-bundle/ is created inside */
	bool full;	      /* ship raw files, no redaction block */
	bool allow_mutable_validator_tags;
	int64_t attested_at;	  /* seconds since the epoch, UTC */
	const char *tool_version; /* predicate aicrVersion */
	/* the validator catalog the run used, for validatorCatalogVersion
	 * and the check names a report may carry; NULL: "" (the version is
	 * not known) */
	const char *catalog_path;
	ev_redaction policy; /* minimal or reference-v4; `full` overrides */
	/* refuse a recipe with fields beyond the reference's schema (else
	 * they are listed in the result for a warning) */
	bool strict;
	/* --profile name=value: the selection the recipe must carry in
	 * metadata.selectedProfile (a recipe is hydrated with its profile
	 * when it is generated; emit attests it as it is). NULL: any. */
	const char *profile;
} ev_emit_opts;

#define EV_EMIT_OPTS_INIT                                                      \
	{                                                                      \
		NULL, NULL, NULL, 0, NULL, NULL, false, false, 0, NULL, NULL,  \
			EV_REDACT_MINIMAL, false, NULL                         \
	}

/* Sets o->policy from its name, "minimal" or "reference-v4" (NULL: the
 * default); AE_EINVAL for another name, or any with o->full (raw files
 * take no policy). */
int ev_emit_policy_set(ev_emit_opts *o, const char *policy, ae_err *err);

/* Sets o->attested_at: SOURCE_DATE_EPOCH's value when set and not empty
 * (reproducible builds: whole seconds, not negative, else AE_EINVAL),
 * else `now`. */
int ev_emit_attested_at(ev_emit_opts *o, const char *source_date_epoch,
			int64_t now, ae_err *err);

/* What emit produced: plain result data. */
typedef struct ev_emit_result {
	char recipe_name[256];
	char recipe_digest[AE_SHA256_HEX_LEN + 1];
	/* the recipe's profile selection "name=value" (the pointer's
	 * `profile`), "" for an unprofiled recipe */
	char profile[2 * EV_PROFILE_PART_MAX + 2];
	char manifest_digest[AE_DIGEST_STR_LEN];
	char attested_at[32]; /* RFC 3339, whole seconds, Z */
	size_t file_count;
	int phase_failed; /* sum of failed counts over the phases */
	bool created_out; /* OUT did not exist before: emit made it */
	/* recipe fields beyond the reference's schema, ", "-separated (cut
	 * with "..." when long), and how many; "" and 0 when none */
	char recipe_extras[512];
	size_t nrecipe_extras;
	size_t ctrf_duplicates; /* reports given twice, counted once */
} ev_emit_result;

/* Builds OUT/summary-bundle (reference §5.2) from the inputs: the recipe in
 * its canonical yaml.v3 form with metadata.version (as the reference's
 * builder writes it; the v3 digest is computed from those bytes), redacted
 * (or raw with opts->full) snapshot, BOM, CTRF per phase, manifest.json and
 * the unsigned statement.intoto.json, whose v3 predicate carries the
 * profile block of a profiled recipe. The bundle is assembled in a
 * temporary directory inside OUT and renamed into place last, so a failure
 * leaves no summary-bundle behind. Validator images with mutable tags are
 * refused (AE_EINVAL naming the image) before anything is written. An
 * existing OUT/summary-bundle is AE_EEXISTS. Streams CTRF copies and hashes:
 * memory is bounded by one CTRF report, not by their total. */
int ev_evidence_emit(ev_emit_result *out, const ev_emit_opts *opts,
		     ae_err *err);

/* Undoes a successful ev_evidence_emit whose later steps (signing, push,
 * the pointer) failed: removes OUT/summary-bundle and, when `remove_out`,
 * OUT itself if it is then empty. Best effort, cannot fail: it removes only
 * what emit made. */
void ev_evidence_emit_discard(const char *out_dir, bool remove_out);

/* The statement to sign (reference §5.4, SPEC §3): the local statement
 * `stmt` with its subject replaced by {name, digest: {sha256: hex}}, where
 * `name` is the OCI repository the bundle goes to and `digest`
 * ("sha256:<hex>") its deterministic artifact manifest digest (oci/), so
 * signing needs no registry. Writes JSON into `out` (initialised here).
 * AE_EINVAL for an empty name, a malformed digest, or a statement without
 * predicate.recipe. */
int ev_statement_for_artifact(ae_buf *out, const unsigned char *stmt,
			      size_t len, const char *name, const char *digest,
			      ae_err *err);

/* The recipe name a statement's predicate records (predicate.recipe.name),
 * as a new string in *out (free()). AE_EINVAL for a statement without one.
 * The name is not validated here: whoever puts it somewhere public checks
 * it (oci_tag_derive). */
int ev_statement_recipe_name(char **out, const unsigned char *stmt, size_t len,
			     ae_err *err);

/* ---- verify (reference §9) ---- */

/* What the caller knows from a pointer (parsed by ledger/ or cmd/): claims,
 * never trusted (STYLE §3.6). Transparent plain data. */
typedef struct ev_pointer_claim {
	const char *path;	    /* the pointer file, for the report */
	const char *recipe;	    /* required */
	const char *profile;	    /* NULL when absent */
	const char *oci;	    /* "" before push */
	const char *digest;	    /* "" before push */
	const char *predicate_type; /* required */
	const char *attested_at;    /* may be NULL */
	bool has_signer;
	const char *signer_identity;
	const char *signer_issuer;
	bool has_rekor_index;
	int64_t rekor_index;
} ev_pointer_claim;

/* ---- the summary root (evidence/bundle_root.c) ---- */

#define EV_SUMMARY_DIR	    "summary-bundle"
#define EV_ATTESTATION_FILE "attestation.intoto.jsonl"

/* The summary root of the bundle directory `top` (reference §5.2): `top`
 * itself when it holds the markers (regular files recipe.yaml and
 * manifest.json), else its summary-bundle/ when that does (*nested_out).
 * The bundle's signature, in every layout, is EV_ATTESTATION_FILE there.
 * *fd_out is a new descriptor of the root; AE_ENOTFOUND (no message) when
 * neither holds the markers, AE_EIO when no descriptor is left. */
int ev_summary_root_at(int *fd_out, bool *nested_out, int top);

/* The same for a path: `dir` or `dir`/summary-bundle into `out`.
 * AE_ENOTFOUND when `dir` is not a bundle directory, AE_ETOOBIG when the
 * path does not fit. */
int ev_summary_root(char *out, size_t outsz, const char *dir, ae_err *err);

typedef enum ev_input_kind {
	EV_INPUT_DIR,
	EV_INPUT_POINTER,
	EV_INPUT_OCI,
} ev_input_kind;

/* Input detection (reference §9.1). AE_EINVAL for an empty input, an
 * http(s) URL, a file that is neither a directory nor a .yaml/.yml pointer,
 * or a string that looks like nothing. */
int ev_input_detect(ev_input_kind *out, const char *input, ae_err *err);

typedef struct ev_verify_opts {
	const char *dir; /* the bundle directory (parent or summary-bundle) */
	ev_input_kind input_kind;
	const ev_pointer_claim *pointer; /* NULL for a directory input */
	const char *expected_issuer;	 /* NULL: any */
	const char *expected_identity_re;
	const char *trusted_root; /* path: replaces the embedded root */
	/* A managed key the attestation must be signed with (PEM SPKI,
	 * checked by the caller with ev_key_check), instead of a Fulcio
	 * certificate; NULL: keyless. Excludes the expected_* pins. */
	const unsigned char *key_pem;
	size_t key_pem_len;
	/* cosign's --insecure-ignore-tlog (ev_policy.ignore_tlog) */
	bool ignore_tlog;
	/* "sha256:<hex>" of the bundle's deterministic OCI artifact manifest
	 * (computed by cmd/ with oci/), which a signed statement's subject
	 * must name; NULL: not checked. */
	const char *artifact_digest;
	/* How the caller materialized the bundle (reference §9.2 step 1:
	 * "pulled reg/repo@sha256:..."), the step's detail; NULL for a
	 * directory given as the input. */
	const char *source;
	/* The caller could not materialize it (a failed pull): the AE_E*
	 * code, its reason, a hint, and the registry's HTTP status when one
	 * answered (0: none). materialize-bundle fails with the class the
	 * code maps to (reference §9.3: AE_ETRANSIENT/AE_EIO transient → no
	 * verdict; AE_EAUTH registry-forbidden, AE_ENOTFOUND not-found,
	 * AE_EVERIFY integrity, others registry → invalid) and the other
	 * steps are skipped; `dir` may be NULL. 0: materialized. */
	int fetch_rc;
	const char *fetch_detail;
	const char *fetch_hint;
	long fetch_http_status;
	/* The trusted_root.json bytes in force when `trusted_root` is NULL
	 * (the TUF-cached root, docs/trust.md): they replace the embedded
	 * root as a --trusted-root file does. NULL: the embedded root. */
	const unsigned char *trusted_root_json;
	size_t trusted_root_json_len;
	/* The trust set, built once by the caller (ev_verify_trust_new) for
	 * a run that verifies many bundles; borrowed, and it wins over
	 * trusted_root and trusted_root_json. NULL: built from those. */
	const ev_trust *trust;
	/* The failure was the local cache's (oci_pull_result.cache_fault),
	 * not the registry's: a code that would map to `registry` maps to
	 * `unknown` (a materialize failure without an HTTP status). */
	bool fetch_cache_fault;
	/* or the bundle in memory, as the directory would hold it (the
	 * verified layer's files, oci_pull_tree, and the signature at the
	 * top): read instead of `dir` when set (issue 17) */
	const ae_tree *tree;
} ev_verify_opts;

#define EV_VERIFY_OPTS_INIT                                                    \
	{                                                                      \
		NULL, EV_INPUT_DIR, NULL, NULL, NULL, NULL, NULL, 0, false,    \
			NULL, NULL, 0, NULL, NULL, 0, NULL, 0, NULL, false,    \
			NULL                                                   \
	}

/* The trust set ev_evidence_verify builds from `o` when o->trust is NULL:
 * the trusted_root file alone when given (it replaces the embedded root),
 * else trusted_root_json, else the embedded public-good root. Read and
 * parsed once, it can be shared by every verification of a run, from
 * several threads. Codes of ae_read_file and ev_trust_new_json. */
int ev_verify_trust_new(ev_trust **out, const ev_verify_opts *o, ae_err *err);

/* Verdicts (reference §9.3): the process exit of `verify`. */
enum {
	EV_VERDICT_VALID = 0,
	EV_VERDICT_PHASE_FAILED = 1,
	EV_VERDICT_INVALID = 2,
	EV_VERDICT_NONE = 3,
};

typedef struct ev_verdict ev_verdict;

/* Runs materialize → signature → predicate → inventory → summary on the
 * bundle and records every step. Findings (tampering, stray files, a signer
 * claim that differs) are results in *out with rc 0; rc < 0 only when no
 * report could be built at all (out of memory). Caller frees *out. */
int ev_evidence_verify(ev_verdict **out, const ev_verify_opts *opts,
		       ae_err *err);
void ev_verdict_free(ev_verdict *v);

/* The verdict (EV_VERDICT_*). Cannot fail. */
int ev_verdict_exit(const ev_verdict *v);
/* True iff exit is 0 and the bundle is unsigned with no signer claim. */
bool ev_verdict_pending(const ev_verdict *v);
/* Status of the step named `name` ("passed", "failed", "skipped", "error"),
 * NULL if it never ran. Borrowed. Cannot fail. */
const char *ev_verdict_step_status(const ev_verdict *v, const char *name);
/* The verified signer (the report's "signer"): the certificate's OIDC
 * issuer and identity (SAN), NULL when no signer was verified or the
 * bundle is signed by a key. Borrowed from the verdict. Cannot fail. */
const char *ev_verdict_signer_issuer(const ev_verdict *v);
const char *ev_verdict_signer_identity(const ev_verdict *v);
/* What the verified signature proves about when it was made (docs/
 * ledger.md "One bundle, one vote"): verified fields only. */
typedef struct ev_signed_at {
	/* the earliest verified time, Unix seconds (a Rekor SET's
	 * integratedTime, an RFC 3161 genTime), 0: none */
	int64_t time;
	/* a verified transparency-log entry: its log (the trusted root's
	 * log id) and its index in that log; indices of two logs (a Rekor v1
	 * shard, a Rekor v2 log) are not ordered */
	bool logged;
	unsigned char log_id[32];
	int64_t log_index;
} ev_signed_at;
/* Fills *out for the verified signature and returns true; false (and
 * *out zeroed) when no signature was verified. Cannot fail. */
bool ev_verdict_signed_at(const ev_verdict *v, ev_signed_at *out);
/* The cause of an invalid verdict or of no verdict (the report's
 * failureCause class and detail), NULL when the verdict is valid or has
 * none. Borrowed. Cannot fail. */
const char *ev_verdict_cause_class(const ev_verdict *v);
const char *ev_verdict_cause_detail(const ev_verdict *v);
/* The signed predicate as the report carries it (a json_t, borrowed),
 * NULL when none was read. Cannot fail. */
const void *ev_verdict_predicate(const ev_verdict *v);

/* The predicate type of the statement that was checked (v1, v2, v3 URI),
 * NULL when none parsed. Borrowed. Cannot fail. */
const char *ev_verdict_predicate_type(const ev_verdict *v);

/* An RFC 3339 time (fraction and zone optional) as the reference's pointer
 * writer records a predicate's attestedAt: UTC, whole seconds,
 * "YYYY-MM-DDTHH:MM:SSZ" (20 characters). AE_EINVAL otherwise, `out` "". */
int ev_time_utc_seconds(char out[21], const char *s, ae_err *err);

/* Renders the JSON report (reference §9.3 key order, 2-space indent,
 * trailing newline) or the text report into `out` (initialised here). */
int ev_verdict_json(ae_buf *out, const ev_verdict *v, ae_err *err);
int ev_verdict_text(ae_buf *out, const ev_verdict *v, ae_err *err);

#endif /* AE_EVIDENCE_H */
