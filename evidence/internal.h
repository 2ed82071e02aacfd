/* evidence/internal.h -- what the files of evidence/ share, nobody else
 *
 * Names here use the double underscore (ev__) of libgit2's semi-private
 * functions: callable across the .c files of evidence/, never from another
 * folder, which goes through evidence/evidence.h.
 */
#ifndef AE_EVIDENCE_INTERNAL_H
#define AE_EVIDENCE_INTERNAL_H

#include "evidence/core/ae.h"
#include "evidence/evidence.h"

#include <jansson.h>

/* ---- pointer claims (verify_claim.c) ---- */

/* Length of "YYYY-MM-DDTHH:MM:SSZ". */
#define EV_TIME_UTC_LEN 20
/* An RFC 3339 time (fraction and zone optional: "Z" or "+HH:MM") written
 * in UTC, truncated to whole seconds, as the reference's pointer writer
 * records the predicate's attestedAt (verify_claim.c). AE_EINVAL for
 * anything else; `out` is then "". */
int ev__time_utc_seconds(char out[EV_TIME_UTC_LEN + 1], const char *s,
			 ae_err *err);

/* ---- the recipe as yaml.v3 holds it (recipe_tree.c, recipe_emit.c) ----
 *
 * The reference digests a recipe by re-emitting Go's gopkg.in/yaml.v3 node
 * tree (docs/formats.md "Recipe digest"). That output depends on more than
 * the values: each node's style (plain, quoted, block scalar, flow) and its
 * explicit tag survive, so this tree keeps them, built from libyaml's events
 * the way yaml.v3 builds its nodes from the same events.
 */

/* Style bits of a node, as yaml.v3 records them. */
#define EV__YS_TAGGED  0x01u /* an explicit tag (not "!") */
#define EV__YS_DOUBLE  0x02u
#define EV__YS_SINGLE  0x04u
#define EV__YS_LITERAL 0x08u
#define EV__YS_FOLDED  0x10u
#define EV__YS_FLOW    0x20u

typedef enum ev__ykind {
	EV__Y_SCALAR,
	EV__Y_SEQ,
	EV__Y_MAP,
} ev__ykind;

/* A node of the tree. Plain result data; owned by its root, freed with
 * ev__ytree_free. A map's kids are its key and value nodes, alternating
 * (2n of them); a sequence's are its n items. */
typedef struct ev__ynode {
	ev__ykind kind;
	unsigned style;
	char *tag;   /* EV__YS_TAGGED: the full tag as yaml.v3 re-emits it */
	char *value; /* scalars: the text, NUL-terminated (no NUL inside) */
	size_t len;
	size_t line; /* 1-based */
	size_t n;
	struct ev__ynode **kids;
} ev__ynode;

/* Parses the first and only document of (buf, len). *out is NULL for a
 * stream without a document (only comments or blanks), which yaml.v3 holds
 * as a zero node. Refused with AE_EINVAL, naming the construct and its line:
 * anchors, aliases, merge keys (`<<`), two keys with the same text (a
 * collection key's is ""), several documents or text after the first, a tag
 * yaml.v3 would read further, NUL (raw or escaped), nesting deeper than
 * AE_YAML_MAX_DEPTH, the spellings the two parsers read differently, and
 * whatever libyaml refuses; AE_ETOOBIG past AE_YAML_MAX_NODES. The caller
 * frees *out. */
int ev__ytree_parse(ev__ynode **out, const unsigned char *buf, size_t len,
		    ae_err *err);
void ev__ytree_free(ev__ynode *node);

/* Borrowed value of the scalar key `key` in a map node; NULL when absent or
 * `map` is not a map. Cannot fail. */
const ev__ynode *ev__ytree_get(const ev__ynode *map, const char *key);

/* Sorts every mapping's pairs by the bytes of the key's text (the parser
 * has refused ties). Cannot fail. */
void ev__ytree_sort(ev__ynode *node);

/* v3: removes metadata.version from the root mapping, and metadata itself
 * when that leaves it empty. Cannot fail. */
void ev__ytree_drop_version(ev__ynode *root);

/* Appends yaml.Marshal's bytes for the document whose root is `root`
 * (NULL: the zero node, "null\n") to `out`: 4-space indent, no line
 * folding, styles and explicit tags kept (recipe_emit.c). AE_ETOOBIG past
 * the buffer's cap. */
int ev__ytree_emit(ae_buf *out, const ev__ynode *root, ae_err *err);

/* The same document as the plain tree the rest of evidence/ reads (keys in
 * document order; `plain` for untagged plain scalars). */
int ev__ytree_to_plain(ae_yaml_node **out, const ev__ynode *root, ae_err *err);

/* The profile part of *id (profiled, selection, advertiser, identity)
 * from the recipe tree (recipe_profile.c). AE_EINVAL for a malformed
 * metadata.selectedProfile. */
int ev__recipe_profile(ev_recipe_id *id, const ev__ynode *root, ae_err *err);

/* The recipe as the plain tree (recipe name, criteria, BOM), read by the
 * same parser as its digest so that both accept the same recipes: a
 * mapping, or AE_EINVAL. *out is freed with ae_yaml_free. */
int ev__recipe_tree(ae_yaml_node **out, const unsigned char *buf, size_t len,
		    ae_err *err);

/* ---- bundles: shared by the emit and verify files (issue 5) ---- */

/* The one YAML emitter of the project's bundle formats (docs/formats.md):
 * libyaml, block style, 2-space indent, unbounded width, UTF-8, LF, no
 * document markers; scalars plain when the input was plain (libyaml falls
 * back to quoting when plain is not allowed), else double-quoted; keys
 * requested plain. With `sort_keys` every mapping is emitted in bytewise key
 * order. Appends to `out` (which must be initialised). */
int ev__yaml_emit(ae_buf *out, const ae_yaml_node *root, bool sort_keys,
		  ae_err *err);

/* Dumps a json_t (passed as void *) with 2-space indent and a trailing
 * newline, keys in insertion order. Appends to `out`. */
int ev__json_dump(ae_buf *out, const void *json, ae_err *err);

/* Media type of a bundle file by suffix (reference §0); "" for none. */
const char *ev__media_type(const char *path);

/* The phase index of `name`, -1 if it is not one of ev_phase_names. */
int ev__phase_index(const char *name);

/* Writes (data, len) to a new file `name` under `dirfd` (O_EXCL,
 * O_NOFOLLOW, 0644). AE_EIO on failure, the partial file removed. */
int ev__write_new(int dirfd, const char *name, const void *data, size_t len,
		  ae_err *err);

/* One manifest entry (reference §5.3). */
typedef struct ev__mfile {
	char *path;
	uint64_t size;
	char sha256[AE_DIGEST_STR_LEN];
} ev__mfile;

/* Walks every regular file under `dirfd` (a summary-bundle), skipping
 * manifest.json, statement.intoto.json and attestation.intoto.jsonl at the
 * top, hashing each by streaming; symlinks and special files are AE_EINVAL.
 * Sorted by path bytewise. With !hash only paths are listed (sha256 "",
 * size 0). Caller frees with ev__mfiles_free. */
int ev__manifest_walk(ev__mfile **files_out, size_t *n_out, int dirfd,
		      bool hash, ae_err *err);
void ev__mfiles_free(ev__mfile *files, size_t n);
/* ev__manifest_walk (list only) of the files under `root` ("" or
 * "summary-bundle/") of a tree in memory: the same exclusions and the
 * same refusals (too many files, nested too deep, a path too long); where
 * a bundle breaks several rules, the first in bytewise path order is the
 * one named (on disk: the first in directory order). */
int ev__manifest_walk_tree(ev__mfile **files_out, size_t *n_out,
			   const ae_tree *t, const char *root, ae_err *err);

/* ---- where the verifier reads a bundle (evidence/bundle_src.c) ---- */

#define EV__SRC_PATH_MAX 4200

/* The summary root: a directory (dirfd >= 0) or a tree in memory with
 * the root's prefix ("" or "summary-bundle/"). */
typedef struct ev__src {
	int dirfd;
	const ae_tree *tree;
	char root[32];
} ev__src;

/* One file opened for reading: a descriptor, or bytes of the tree. */
typedef struct ev__src_file {
	int fd; /* -1 in memory */
	const unsigned char *data;
	size_t len, off;
	uint64_t size; /* fstat's, or len */
} ev__src_file;

/* ev_summary_root_at in a tree: the top or its summary-bundle/ holding
 * recipe.yaml and manifest.json (regular files); *stray: something named
 * attestation.intoto.jsonl beside summary-bundle/. AE_ENOTFOUND when
 * neither is a bundle. */
int ev__src_root_tree(ev__src *s, bool *nested, bool *stray, const ae_tree *t);
/* True iff `name` exists under the root in any form. */
bool ev__src_exists(const ev__src *s, const char *name);
/* ae_read_file of `name` under the root (codes and messages as it). */
int ev__src_read(ae_buf *out, const ev__src *s, const char *name, size_t cap,
		 ae_err *err);
/* Opens `rel` (an ev__path_is_local path) under the root, one element at
 * a time, no symlink followed: AE_ENOTFOUND / AE_EINVAL "missing or not a
 * directory" for a directory on the way, ae_open_regular's answers for
 * the file. Close with ev__src_close. */
int ev__src_open(ev__src_file *f, const ev__src *s, const char *rel,
		 ae_err *err);
/* SHA-256 of the whole file and its length. */
int ev__src_sha256(unsigned char sha[AE_SHA256_LEN], uint64_t *size,
		   ev__src_file *f, ae_err *err);
/* The next piece of the file (*n 0 at its end): into `buf` from a
 * descriptor, borrowed from the tree in memory. */
int ev__src_next(const unsigned char **chunk, size_t *n, unsigned char *buf,
		 size_t bufsz, ev__src_file *f, ae_err *err);
void ev__src_close(ev__src_file *f);
/* The files under the root, listed (ev__manifest_walk without hashing). */
int ev__src_walk(ev__mfile **files_out, size_t *n_out, const ev__src *s,
		 ae_err *err);

/* Serialises the manifest (schemaVersion 1.0.0, files sorted, 2-space
 * indent, trailing newline) into `out` (appended). */
int ev__manifest_render(ae_buf *out, const ev__mfile *files, size_t n,
			ae_err *err);

/* Parses manifest.json bytes: schemaVersion 1.0.x, each entry a local
 * relative path ("not a local path"), size, "sha256:<hex>". Entries in file
 * order. AE_EINVAL on any rule broken. */
int ev__manifest_parse(ev__mfile **files_out, size_t *n_out,
		       const unsigned char *buf, size_t len, ae_err *err);

/* True iff `path` is a relative slash path whose every element is plain
 * (ae_path_element_is_plain): no "..", no leading "/", no empty element. */
bool ev__path_is_local(const char *path);

/* Counts of one phase (reference §5.5), from the tests of its reports:
 * an unknown status counts as `other` (issue 24 item 1). */
typedef struct ev__phase {
	bool present;
	int64_t passed, failed, skipped, pending, other;
	char ctrf_digest[AE_DIGEST_STR_LEN];
} ev__phase;

/* Checks a parsed CTRF report (json_t as void *): results.tests is an array
 * of objects with a string name and status; reportFormat, when present, is
 * "CTRF"; a summary, when present, agrees with the tests (its absent counts
 * read as 0, as the reference's decoder reads them). Adds the counts of the
 * tests to `ph`. AE_EINVAL naming both numbers when the summary disagrees. */
int ev__ctrf_count(ev__phase *ph, const void *report, ae_err *err);

/* The check names a run may report per phase, when the validator catalog
 * (--validator-catalog: validators[].name by .phase) or the recipe
 * (validation.<phase>.checks) names them; a phase with no names accepts any
 * name that passes EV__V_TEST_NAME. Owns its strings. */
typedef struct ev__checks {
	ae_strset names[EV_PHASE_COUNT];
	char **owned;
	size_t nowned;
} ev__checks;

/* Adds the recipe's validation.<phase>.checks (a phase of ev_phase_names;
 * the reference's readiness phase has no CTRF). Out of memory only. */
int ev__checks_add_recipe(ev__checks *c, const ae_yaml_node *recipe,
			  ae_err *err);
/* Adds a validator catalog's validators[] names by phase (evidence/
 * catalog.c). AE_EINVAL for a catalog that is not one. */
int ev__checks_add_catalog(ev__checks *c, const unsigned char *buf, size_t len,
			   ae_err *err);
/* True iff `phase` has named checks and `name` is not among them. */
bool ev__checks_refuse(const ev__checks *c, int phase, const char *name);
void ev__checks_dispose(ev__checks *c);

/* Value shapes a published field may hold (evidence/values.c,
 * docs/formats.md "What a minimized bundle keeps"). */
typedef enum ev__vkind {
	EV__V_COUNT,	    /* 1-5 digits */
	EV__V_BOOL,	    /* true | false */
	EV__V_VERSION,	    /* v?N.N[.N[.N]] and a -/+/~ suffix */
	EV__V_K8S_VERSION,  /* the same, at most 64 bytes */
	EV__V_KERNEL,	    /* N.N[.N] and a suffix, no leading v */
	EV__V_GO_VERSION,   /* goN.N[.N][pre-release] */
	EV__V_PLATFORM,	    /* os/arch[/vN] */
	EV__V_TEXT,	    /* a product name: [A-Za-z0-9 ._(),/+-]{1,64} */
	EV__V_OS_ID,	    /* os-release(5) identifier */
	EV__V_OS_ID_LIST,   /* up to 8 of them, space separated */
	EV__V_OS_NAME,	    /* linux | windows */
	EV__V_PROVIDER,	    /* a known node provider */
	EV__V_RUNTIME,	    /* containerd | cri-o | docker */
	EV__V_DETECTION,    /* gfd | nfd | nvidia-smi | pci */
	EV__V_SERVICE,	    /* the reference's criteria services */
	EV__V_ACCELERATOR,  /* the reference's criteria accelerators */
	EV__V_SOURCE,	    /* a known fingerprint signal name */
	EV__V_NOTE,	    /* multi-gpu | multi-region | unknown-sku */
	EV__V_TIMESTAMP,    /* RFC 3339 */
	EV__V_API_VERSION,  /* group/vN[alpha|betaN] */
	EV__V_TEST_NAME,    /* [A-Za-z0-9._/-]{1,128}, alnum at both ends */
	EV__V_TOOL_NAME,    /* [a-z0-9] runs joined by . _ / - */
	EV__V_SPEC_VERSION, /* N.N.N */
	EV__V_GENERATOR,    /* aicr | aicr validate | aicr-evidence */
} ev__vkind;

/* True iff `s` has the shape of `kind` and carries no encoded value (a
 * base64/base32/hex run or a UUID: evidence/values.c val_blob). Cannot
 * fail. */
bool ev__value_ok(ev__vkind kind, const char *s);

/* The kind a kept snapshot data key must have (evidence/redact_snapshot.c),
 * false when type/subtype/key is not allowlisted (reference §6.2). */
bool ev__snapshot_key_kind(ev__vkind *out, const char *type,
			   const char *subtype, const char *key);

/* True iff `image` is a validator image the minimal policy publishes:
 * host/path[:tag][@sha256:<64 hex>] on a public registry (docs/formats.md),
 * with a tag or a digest. Cannot fail. */
bool ev__image_public(const char *image);

/* What of a validator image the minimal policy would publish that it must
 * not (review finding 13): its tag or one path component holds a host
 * name, an address, a private DNS or node name, a credential token or an
 * encoded value (the rules of every kept value, evidence/values.c; a tag
 * that is a version, a date or a commit id is exempt from the encoded-
 * value rule). The registry host is ev__image_public's to judge. True and
 * *why filled (`at`/`len` point into `image`) when so. Cannot fail. */
typedef struct ev__image_why {
	const char *part;   /* "tag" or "path component" */
	const char *at;	    /* the part, inside the image string */
	size_t len;	    /* its length */
	const char *reason; /* "an IPv4 address", "a GitHub token", ... */
} ev__image_why;
bool ev__image_private(const char *image, ev__image_why *why);

/* How fixed a validator image is, for emit's mutable-tag gate (SPEC §4,
 * reference §7 #2873): a sha256 digest pins it whatever its tag; else a
 * :latest or :edge tag moves, and so does no tag at all (every runtime
 * pulls :latest). A malformed digest pins nothing (the tag rule applies)
 * but is no untagged image either: no runtime pulls it, and the minimal
 * policy does not publish it. Read by ae_imgref_split. Cannot fail. */
typedef enum ev__image_pin {
	EV__IMAGE_FIXED,       /* a digest, or a tag other than latest/edge */
	EV__IMAGE_MUTABLE_TAG, /* :latest or :edge, no digest */
	EV__IMAGE_UNTAGGED     /* neither tag nor digest: :latest */
} ev__image_pin;
ev__image_pin ev__image_pin_of(const char *image);

/* Redaction rule bits (reference §6.5 and ours, docs/formats.md); `applied`
 * sets collect what ran. */
enum {
	EV__RULE_SNAPSHOT_HEADER = 1 << 0,
	EV__RULE_SNAPSHOT_MEAS = 1 << 1,
	EV__RULE_CTRF_EXTRA = 1 << 2,
	EV__RULE_CTRF_MESSAGE = 1 << 3,
	EV__RULE_CTRF_STDOUT = 1 << 4,
	EV__RULE_CTRF_PROVENANCE = 1 << 5,
	/* the minimal policy's own rules, beyond the reference's v4 */
	EV__RULE_CTRF_HEADER = 1 << 6,
	EV__RULE_CTRF_TESTS = 1 << 7,
	EV__RULE_CTRF_SUMMARY = 1 << 8,
	EV__RULE_SNAPSHOT_FINGERPRINT = 1 << 9,
	EV__RULE_SNAPSHOT_VALUES = 1 << 10,
	EV__RULE_PREDICATE_FINGERPRINT = 1 << 11,
	EV__RULE_PREDICATE_IMAGES = 1 << 12,
	EV__RULE_BOM_IMAGES = 1 << 13,
};
/* Every rule a policy applies (a static set, so the recorded provenance is
 * byte-stable, as the reference's). Cannot fail. */
unsigned ev__redaction_rules(ev_redaction policy);

/* The published form of one CTRF test under `policy` (a new json_t in
 * *out): name, status, duration, suite, extra (allowlisted), runtimeProvenance
 * (bounded); nothing else. Minimal: the name must pass EV__V_TEST_NAME
 * (AE_EINVAL otherwise), an unknown status becomes "other", suites and the
 * duration are validated. */
int ev__ctrf_test_publish(void **out, const void *test, ev_redaction policy,
			  ae_err *err);
/* The published header of a report under `policy`: *top_out the top-level
 * keys but `results`, *results_out the `results` keys but tests and
 * summary (both new json_t). EV_REDACT_FULL copies them as they are. */
int ev__ctrf_head_publish(void **top_out, void **results_out,
			  const void *report, ev_redaction policy, ae_err *err);
/* One runtimeProvenance path under the §6.4 bound (evidence/redact_paths.c):
 * *out is the path with selectors and operator keys collapsed (caller
 * frees), or NULL when the path is dropped (charset, unbalanced selector,
 * a segment that is no PodTemplateSpec field). AE_ERR on OOM only. */
int ev__provenance_path(char **out, const char *path, ae_err *err);
/* True iff the path tables are strictly sorted (bsearch). For tests. */
bool ev__provenance_tables_sorted(void);

/* The ids of the rules in `applied`, sorted (reference §6.5). Returns a new
 * json array (void *) or NULL on OOM. */
void *ev__redaction_applied(unsigned applied);

/* From the raw snapshot tree: the predicate fingerprint object and the
 * observed container images (registry-stripped name:tag, sorted, unique),
 * both new json_t (void *). Under the minimal policy every value the
 * fingerprint takes is one the shipped snapshot could keep (the same key's
 * validator), and the region (from a node label the snapshot drops) is
 * left out (issue 24 item 5). */
int ev__snapshot_fingerprint(void **out, const ae_yaml_node *snap,
			     ev_redaction policy, ae_err *err);
int ev__snapshot_images(void **out, const ae_yaml_node *snap, ae_err *err);

/* criteriaMatch (reference §5.5) of the recipe criteria against the
 * fingerprint. New json_t in *out. */
int ev__criteria_match(void **out, const ae_yaml_node *recipe,
		       const void *fingerprint, ae_err *err);

/* Generates the CycloneDX 1.6 BOM for the recipe's enabled componentRefs
 * and the observed images (NULL: none). New json_t in *out. */
int ev__bom_generate(void **out, const ae_yaml_node *recipe, const void *images,
		     ae_err *err);

/* A CTRF input of emit: a file, its phase, and what the scan found. */
typedef struct ev__ctrf_input {
	char *path;
	int phase;
	dev_t dev; /* the file, to count one passed twice once */
	ino_t ino;
	bool dup; /* the same bytes as an earlier input: counted once */
	unsigned char sha256[AE_SHA256_LEN];
} ev__ctrf_input;

/* Expands files and directories into CTRF inputs (reference §6.3, issue 24
 * item 2). Every entry under a directory is read or refused, never
 * skipped: *.json files (any case) are reports, directories named after a
 * phase hold that phase's reports, and below a phase directory any
 * directory is walked (run1/, ...) to a depth of 4; a symlink, a special
 * file, a file that is not *.json, a directory that names no phase outside
 * a phase directory and a report whose name and directory name two phases
 * are refused (AE_EINVAL naming the path). The phase of a file is its name
 * (`conformance.json`, the part before the first `-`, `_` or `.`) or its
 * directory's. The same file given twice (overlapping arguments) is listed
 * once. AE_ETOOBIG past EV_CTRF_MAX_INPUTS. Free with ev__ctrf_inputs_free. */
int ev__ctrf_collect(ev__ctrf_input **out, size_t *n_out,
		     const char *const *paths, size_t npaths, ae_err *err);
void ev__ctrf_inputs_free(ev__ctrf_input *in, size_t n);

/* Reads and checks input `i` (capped at EV_CTRF_MAX_BYTES). When its bytes
 * equal an earlier input's, in[i].dup is set and nothing is counted.
 * Otherwise its counts go to phases[in[i].phase], the validator image it
 * names (results.tool.image) to the json array `images`, and under the
 * minimal policy every test name must be publishable and, where `known`
 * names the phase's checks, one of them (AE_EINVAL naming the test). */
int ev__ctrf_scan(ev__ctrf_input *in, size_t i, ev__phase *phases, void *images,
		  const ev__checks *known, ev_redaction policy, ae_err *err);

/* Writes `name` under `dirfd`: the phase file built from the `n` inputs of
 * one phase (duplicates skipped) under `policy`: the header of the first,
 * every test, and a summary counted from the tests. EV_REDACT_FULL keeps
 * the raw tests, and copies a single input byte for byte. Streams: one
 * report is held in memory at a time. */
int ev__ctrf_write_phase(int dirfd, const char *name, const ev__ctrf_input *in,
			 size_t n, ev_redaction policy, ae_err *err);

/* Recounts a shipped ctrf/<phase>.json in memory: the counts of its
 * tests, unknown statuses as other. AE_EINVAL when it is not CTRF. */
int ev__ctrf_recount(ev__phase *out, const unsigned char *buf, size_t len,
		     ae_err *err);

/* The same count over a report of any size, fed in chunks as they are read
 * (evidence/ctrf_count.c, for verify): a streaming scan of
 * results.tests[*].status that also checks the JSON. */
/* The statuses CTRF defines, in summary order after "tests"; any other
 * status counts as other. */
extern const char *const ev__ctrf_counts[7]; /* six names, NULL */
/* The fields read in each object of a report (NULL-ended): a key a
 * case-ignoring reader would take for one must be spelled exactly so. */
extern const char *const ev__ctrf_read_root[];
extern const char *const ev__ctrf_read_results[];
extern const char *const ev__ctrf_read_tool[];
extern const char *const ev__ctrf_read_summary[];
extern const char *const ev__ctrf_read_test[];
extern const char *const ev__ctrf_read_extra[];
extern const char *const ev__ctrf_read_prov[];

typedef struct ev__ctrf_counter ev__ctrf_counter;
int ev__ctrf_counter_new(ev__ctrf_counter **out, ae_err *err);
void ev__ctrf_counter_feed(ev__ctrf_counter *cc, const void *data, size_t len);
/* The counts (AE_EINVAL "not a CTRF report (...)" for a document that is
 * not one: bad JSON, no results.tests, a test without a string name and
 * status, a repeated key in a test). */
int ev__ctrf_counter_finish(ev__phase *out, ev__ctrf_counter *cc, ae_err *err);
void ev__ctrf_counter_free(ev__ctrf_counter *cc);

/* True iff the object key `key` (`len` bytes, UTF-8) names the field
 * `name` (ASCII) the way Go's encoding/json matches it -- the reference's
 * reader: ASCII case ignored, and U+017F (long s) and U+212A (Kelvin sign)
 * read as 's' and 'k'. "Status", "STATUS" and "\u017ftatus" all name
 * `status`. Cannot fail. */
bool ev__key_folds_to(const char *key, size_t len, const char *name);

/* `key` (`len` bytes) folded by the same rule into `out` (len + 1 bytes
 * at least; folding never lengthens): two keys that fold alike are one
 * field to the reference's reader. Returns the folded length. */
size_t ev__key_fold(char *out, const char *key, size_t len);

/* One reading only, for a whole JSON document (the statement, manifest.json):
 * AE_EINVAL when an object anywhere holds two keys that fold alike, or a key
 * that folds to one of `known` (NULL-terminated, ASCII) without being it.
 * The keys of an object held under a key named in `maps` (NULL-terminated)
 * are data, not fields (a Go map: matched exactly), and are not checked;
 * what the object holds is. `what` names the document in the message. */
int ev__json_one_reading(const void *doc, const char *const *known,
			 const char *const *maps, const char *what,
			 ae_err *err);

/* ---- what an input document looks like (input_shape.c) ---- */

#define EV__SHAPE_NKEYS 11

/* The top-level facts of a document that tell recipe, snapshot, CTRF
 * report, pointer, allowlist, statement and Sigstore bundle apart. */
typedef struct ev__shape {
	bool is_map;
	bool kind_not_scalar;
	char kind[64]; /* `kind`, "" when absent (cut at 63 bytes) */
	bool has[EV__SHAPE_NKEYS];
} ev__shape;

typedef enum ev__shape_is {
	EV__SHAPE_UNKNOWN,
	EV__SHAPE_RECIPE,
	EV__SHAPE_SNAPSHOT,
	EV__SHAPE_CTRF,
	EV__SHAPE_POINTER,
	EV__SHAPE_ALLOWLIST,
	EV__SHAPE_STATEMENT,
	EV__SHAPE_SIGSTORE_BUNDLE,
	EV__SHAPE_OTHER,
	EV__SHAPE_NOT_A_MAP,
} ev__shape_is;

/* Fills a shape from a YAML (or JSON) tree. Cannot fail. */
void ev__shape_of_yaml(ev__shape *out, const ae_yaml_node *root);
/* What the document is, by its keys. Cannot fail. */
ev__shape_is ev__shape_classify(const ev__shape *s);
/* "a snapshot (kind: Snapshot)" into buf; returns buf. Cannot fail. */
const char *ev__shape_describe(char *buf, size_t n, const ev__shape *s);
/* 0 when the document is `want`; else AE_EINVAL "FLAG: looks like a
 * snapshot (...), not a recipe (...) (swapped with --snapshot?)". */
int ev__shape_want(const ev__shape *s, ev__shape_is want, const char *flag,
		   ae_err *err);
/* The i-th key a shape records (tests). */
const char *ev__shape_key(size_t i);

#endif /* AE_EVIDENCE_INTERNAL_H */
