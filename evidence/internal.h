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
 * anchors, aliases, merge keys (`<<`), keys that are not scalars, two keys
 * with the same text, several documents or text after the first, a tag
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

/* Counts of one phase (reference §5.5). */
typedef struct ev__phase {
	bool present;
	int64_t passed, failed, skipped;
	char ctrf_digest[AE_DIGEST_STR_LEN];
} ev__phase;

/* Validates a parsed CTRF report (json_t as void *) and adds its summary
 * counts to `ph` (the summary block when present, else the tests' statuses).
 * AE_EINVAL when it is not CTRF. */
int ev__ctrf_count(ev__phase *ph, const void *report, ae_err *err);

/* Scrubs one CTRF test object in place (reference §6.4); `applied` gets the
 * bit of each rule that fired (EV__RULE_*). */
enum {
	EV__RULE_SNAPSHOT_HEADER = 1 << 0,
	EV__RULE_SNAPSHOT_MEAS = 1 << 1,
	EV__RULE_CTRF_EXTRA = 1 << 2,
	EV__RULE_CTRF_MESSAGE = 1 << 3,
	EV__RULE_CTRF_STDOUT = 1 << 4,
	EV__RULE_CTRF_PROVENANCE = 1 << 5,
};
int ev__ctrf_scrub_test(void *test, unsigned *applied, ae_err *err);
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
 * both new json_t (void *). */
int ev__snapshot_fingerprint(void **out, const ae_yaml_node *snap, ae_err *err);
int ev__snapshot_images(void **out, const ae_yaml_node *snap, ae_err *err);

/* criteriaMatch (reference §5.5) of the recipe criteria against the
 * fingerprint. New json_t in *out. */
int ev__criteria_match(void **out, const ae_yaml_node *recipe,
		       const void *fingerprint, ae_err *err);

/* Generates the CycloneDX 1.6 BOM for the recipe's enabled componentRefs
 * and the observed images. New json_t in *out. */
int ev__bom_generate(void **out, const ae_yaml_node *recipe, const void *images,
		     ae_err *err);

/* A CTRF input of emit: a file and the phase it belongs to. */
typedef struct ev__ctrf_input {
	char *path;
	int phase;
} ev__ctrf_input;

/* Expands files and directories into CTRF inputs (reference §6.3): a
 * directory contributes its *.json files and those of its sub-directories
 * named after a phase, sorted by name. The phase of a file is its name
 * (`conformance.json`), the part of it before the first `-`, `_` or `.`,
 * or its directory's name. AE_EINVAL when a file has no phase,
 * AE_ETOOBIG past EV_CTRF_MAX_INPUTS. Free with ev__ctrf_inputs_free. */
int ev__ctrf_collect(ev__ctrf_input **out, size_t *n_out,
		     const char *const *paths, size_t npaths, ae_err *err);
void ev__ctrf_inputs_free(ev__ctrf_input *in, size_t n);

/* Reads and checks one CTRF input (capped at EV_CTRF_MAX_BYTES), adds its
 * counts to `ph` and appends the validator images it names
 * (results.tool.image) to the json array `images`. */
int ev__ctrf_scan(ev__phase *ph, void *images, const char *path, ae_err *err);

/* Writes `name` under `dirfd`: the phase file merged from the `n` inputs
 * of one phase, scrubbed unless `full`. One input with `full` is copied
 * byte for byte. Streams: one report is held in memory at a time. Sets
 * *applied bits of the rules used. */
int ev__ctrf_write_phase(unsigned *applied, int dirfd, const char *name,
			 const ev__ctrf_input *in, size_t n, bool full,
			 ae_err *err);

#endif /* AE_EVIDENCE_INTERNAL_H */
