/* ledger/internal.h -- what the files of ledger/ share, nobody else
 *
 * Names here use the double underscore (ld__) of libgit2's semi-private
 * functions: callable across the ledger/ files, never from another folder,
 * which goes through ledger/ledger.h.
 */
#ifndef AE_LEDGER_INTERNAL_H
#define AE_LEDGER_INTERNAL_H

#include "ledger/ledger.h"

#include <git2.h>
#include <jansson.h>
#include <zlib.h>

/* ---- the pointer V1 model (pointer.c reads, pointer_rules.c judges) ---- */

/* The fields of a pointer, by position; strings in `s[]`. */
enum {
	PF_ROOT,
	PF_SCHEMA,
	PF_RECIPE,
	PF_PROFILE,
	PF_ATTS,
	PF_ENTRY,
	PF_BUNDLE,
	PF_OCI,
	PF_DIGEST,
	PF_PTYPE,
	PF_SIGNER,
	PF_IDENTITY,
	PF_ISSUER,
	PF_REKOR,
	PF_ATTESTED,
	PF_COUNT
};

struct ld_pointer {
	char *s[PF_COUNT];     /* string fields; NULL: absent or wrong type */
	size_t line[PF_COUNT]; /* where each field was read; 0 when built */
	bool has_signer;       /* a `signer` mapping is present */
	int64_t rekor;	       /* LD_REKOR_ABSENT: absent */
	bool valid;	       /* no problem found: may be written */
	char *unknown;	       /* first key V1 does not define, or NULL */
	size_t n_unknown;      /* how many such keys */
};

/* Field names for messages ("attestations[0].bundle.digest"), by PF_*. */
extern const char *const ld__pointer_field_names[PF_COUNT];

/* State of one read: the pointer being filled, where problems go, and which
 * fields already have a type problem (so the value pass stays quiet about
 * them instead of adding a second "missing"). */
typedef struct ld__pointer_reader {
	ld_pointer *p;
	ae_problems *pr;
	bool bad[PF_COUNT];
} ld__pointer_reader;

/* Records a problem about field `f` at its recorded line. */
#define LD__PROBLEM(rd, f, ...)                                                \
	ae_problem_add((rd)->pr, AE_EINVAL, (rd)->p->line[(f)],                \
		       ld__pointer_field_names[(f)], __VA_ARGS__)

/* Second pass: every value rule on the fields read or built
 * (docs/formats.md); sets `rd->p->valid`. 0, or AE_ERR on out of memory. */
int ld__pointer_judge(ld__pointer_reader *rd);

/* ---- the contract checker (ledger/check*.c, SPEC §5) ---- */

/* Git file modes as stored in tree objects (git's object format). */
#define LD__MODE_BLOB	 0100644
#define LD__MODE_EXEC	 0100755
#define LD__MODE_LINK	 0120000
#define LD__MODE_TREE	 0040000
#define LD__MODE_GITLINK 0160000

/* One file under the evidence root: a path relative to the root, its mode
 * and the object it names. Leaves only: trees are walked, never listed. */
typedef struct ld__entry {
	char *path;	   /* relative to the evidence root, '/'-separated */
	uint32_t mode;	   /* head mode (old mode for a deletion) */
	uint32_t mode_old; /* base mode; 0 when the path is new */
	git_oid oid;	   /* head blob (base blob for a deletion) */
	int status;	   /* LD__CHANGE_* */
} ld__entry;

/* What happened to a path between base and head. An audit lists every file
 * as added: a whole-tree check is a diff against the empty tree. */
enum {
	LD__CHANGE_ADDED,
	LD__CHANGE_MODIFIED, /* content or mode */
	LD__CHANGE_DELETED,
	LD__CHANGE_TYPECHANGE, /* blob <-> symlink <-> submodule */
};

/* Where the walkers send each tree they read from the judged side that
 * the base does not hold, to be held to git fsck (check_trees.c). */
typedef struct ld__tree_sink {
	ld_report *report;
	git_odb *odb;
	const char *root; /* the evidence root, for the paths shown */
} ld__tree_sink;

/* Judges tree `t` at `rel` (relative to the root, "" for the root) as
 * ld__tree_fsck_parsed does and reports what git fsck refuses (rule
 * "tree"). Errors only for an unreadable object, OOM or a full report. */
int ld__tree_sink_check(ld__tree_sink *s, const git_tree *t, const char *rel,
			ae_err *err);
/* For a tree of the judged side at `rel` that libgit2 would not parse:
 * judges its raw bytes. 0 when git fsck refuses it too (reported, rule
 * "tree": the walk skips it), 1 when not (the caller's error stands),
 * or an error. */
int ld__tree_sink_unparsed(ld__tree_sink *s, const git_oid *id, const char *rel,
			   ae_err *err);

/* A growable list of entries, capped at `max`. */
typedef struct ld__entries {
	ld__entry *v;
	size_t n;
	size_t alloc;
	size_t max;
	ld__tree_sink *sink; /* NULL: trees are not judged while walked */
} ld__entries;

/* Appends a copy of `path`; AE_ETOOBIG past `max`, AE_ERR on OOM (the list
 * is left as it was). */
int ld__entries_add(ld__entries *list, const char *path, uint32_t mode,
		    uint32_t mode_old, const git_oid *oid, int status,
		    ae_err *err);
/* Frees the paths and the array; the list is left empty. */
void ld__entries_dispose(ld__entries *list);

/* Longest path listed; git allows more, a ledger never needs it. */
#define LD__PATH_MAX 4096
/* Deeper trees are listed as one entry each instead of being walked: any
 * path more than 3 levels down already breaks the placement rule, and a
 * hostile tree thousands of levels deep must not exhaust the stack. */
#define LD__TREE_MAX_DEPTH 16

/* Appends "/" + name (no "/" when plen is 0) to path[LD__PATH_MAX] and
 * stores the new length. AE_ETOOBIG past LD__PATH_MAX (path unchanged). */
int ld__path_push(size_t *len_out, char *path, size_t plen, const char *name,
		  ae_err *err);

/* Lists every leaf (blob, symlink, submodule) below `tree`, depth first in
 * git's tree order, as added. AE_ETOOBIG past the list's cap; AE_ENOTFOUND
 * for a missing object (a damaged repository). */
int ld__tree_list(ld__entries *out, git_repository *repo, const git_tree *tree,
		  ae_err *err);

/* The walk behind ld__tree_list: leaves below `tree`, named under
 * path[0..plen), recorded with `status` (LD__CHANGE_ADDED or _DELETED).
 * `path` is a scratch buffer of LD__PATH_MAX, restored on return. */
int ld__tree_walk(ld__entries *out, git_repository *repo, const git_tree *tree,
		  char *path, size_t plen, int depth, int status, ae_err *err);

/* Lists what changed from `base` (NULL: the empty tree) to `head`, both the
 * evidence root's tree. There is no rename or copy detection, so a rename
 * is a deletion plus an addition and never hides a modification; subtrees
 * with equal ids are skipped unread, so the cost follows the change. */
int ld__diff_list(ld__entries *out, git_repository *repo, const git_tree *base,
		  const git_tree *head, ae_err *err);

/* Where an added path sits in the ledger layout (SPEC §5 rule 2). */
typedef enum ld__place {
	LD__PLACE_VIOLATION, /* problems recorded; nothing more to check */
	LD__PLACE_POINTER,   /* <recipe>/<src>/<name>.yaml blob: read it */
	LD__PLACE_ALLOWLIST, /* allowlist.yaml at the root */
} ld__place;

/* The three path elements of a pointer, borrowed from the path given to
 * ld__place_check (valid while that string lives). */
typedef struct ld__loc {
	const char *recipe;
	size_t recipe_len;
	const char *src;
	size_t src_len;
	const char *name;
} ld__loc;

/* Applies the placement rule to one added path (`rel`: relative to the
 * root; `shown`: the repository-relative path for the report). Records
 * every placement problem in `r` and stores where the path sits; `loc` is
 * filled for LD__PLACE_POINTER. Errors only on OOM or a full report. */
int ld__place_check(ld__place *out, ld__loc *loc, ld_report *r,
		    const char *shown, const char *rel, uint32_t mode,
		    size_t order, ae_err *err);

/* True iff an element of the '/'-separated `rel` is a .gitattributes in
 * any spelling git reads as one. Cannot fail. */
bool ld__path_has_gitattributes(const char *rel);

/* True iff names a and b differ in bytes but are equal after ASCII case
 * folding: one name on a case-insensitive checkout (check_case.c). */
bool ld__name_case_twin(const char *a, size_t an, const char *b, size_t bn);
/* *out: the root tree `root` holds a path equal to `rel` after ASCII case
 * folding of each element, spelt differently (check_case.c). Errors only
 * for an unreadable tree. */
int ld__path_case_twin(bool *out, git_repository *repo, const git_tree *root,
		       const char *rel, ae_err *err);

/* Records a problem tagged with `order` (the entry's index) so that
 * problems found by several workers can be merged back in path order. */
int ld__report_add_at(ld_report *r, size_t order, const char *path,
		      const char *rule, ae_err *err, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* The same for a note. */
int ld__report_note_at(ld_report *r, size_t order, const char *path,
		       const char *rule, ae_err *err, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* Moves every problem and note of `from` into `into` (emptying `from`). */
int ld__report_merge(ld_report *into, ld_report *from, ae_err *err);
/* Sorts problems by order, then by insertion: path order, each file's
 * problems in the order its rules ran. Cannot fail. */
void ld__report_sort(ld_report *r);
void ld__report_set_counts(ld_report *r, size_t changes, size_t pointers);
void ld__report_set_transient(ld_report *r);
void ld__report_set_undecided(ld_report *r);
int ld__report_set_revs(ld_report *r, const char *base, const char *head,
			ae_err *err);
/* How the judged tree was built: `kind` is ld__merge_name's (static). */
void ld__report_set_merge(ld_report *r, const char *kind, size_t n_bases);

/* Converts the last libgit2 error into `err` with `code`, prefixed by
 * `what` ("cannot open repository"). Returns `code`. */
int ld__git_fail(ae_err *err, int code, const char *what);

/* Opens the repository around `dir` (NULL: the current directory), found
 * upward as git finds it: libgit2's return code (ledger/repo.c). */
int ld__repo_open(git_repository **out, const char *dir);

/* ---- the checker's view of a pointer and of the allowlist ----
 *
 * check_claim.c is the one file that calls the pointer and allowlist APIs
 * (ledger/pointer.c, allowlist/): the rules in check_pointer.c see only
 * these few fields.
 */

/* A pointer as far as it could be read (ld_pointer_check): the fields are
 * borrowed from `owner` and NULL when absent or of the wrong type; they
 * may break value rules when `problems` is non-empty. */
typedef struct ld__claim {
	ld_pointer *owner;
	ae_problems problems; /* every schema problem (reference §1.3) */
	const char *recipe;
	const char *digest;
	const char *oci;
	const char *predicate_type;
	const char *issuer;   /* NULL when unsigned */
	const char *identity; /* NULL when unsigned */
	bool is_signed;	      /* has a `signer` mapping */
	const char *profile;  /* NULL when absent */
	const char *attested_at;
	const char *unknown; /* first key pointer V1 does not define */
	size_t n_unknown;
} ld__claim;

/* Reads pointer V1 bytes, listing every schema problem in out->problems.
 * Returns an error only for out of memory. */
int ld__claim_parse(ld__claim *out, const unsigned char *buf, size_t len,
		    ae_err *err);
void ld__claim_dispose(ld__claim *c);

/* The first 32 hex of SHA-256(issuer "\n" identity) (SPEC §3). */
int ld__claim_slug(char out[33], const char *issuer, const char *identity,
		   ae_err *err);

typedef enum ld__class {
	LD__CLASS_UNLISTED,
	LD__CLASS_FIRST_PARTY,
	LD__CLASS_COMMUNITY,
	LD__CLASS_PARTNER,
} ld__class;

/* A loaded, valid allowlist. */
typedef struct ld__allow {
	struct al_list *list;
} ld__allow;

/* Loads and validates allowlist bytes; AE_EINVAL with the first problem.
 * `a` is empty on failure. */
int ld__allow_parse(ld__allow *a, const unsigned char *buf, size_t len,
		    ae_err *err);
/* Classifies a claimed signer; safe to call from several threads. Cannot
 * fail. */
ld__class ld__allow_classify(const ld__allow *a, const char *issuer,
			     const char *identity);
void ld__allow_dispose(ld__allow *a);

/* What rules 2 and 3 need about one claimed signer: its slug and its
 * allowlist class. Both depend on (issuer, identity) and the allowlist
 * alone, and a ledger holds many pointers per signer, so each worker keeps
 * them in a small open-addressed table instead of hashing and classifying
 * every pointer afresh (issue 7: two SHA-256 and a pattern scan per
 * pointer were an eighth of an audit). Past LD__SIGNERS_MAX signers the
 * rest are judged afresh each time: slower, never different. */
#define LD__SIGNERS_MAX 256 /* table slots; filled to 3/4 at most */
typedef struct ld__signer {
	char *key; /* issuer "\n" identity, owned; NULL: free slot */
	char slug[33];
	ld__class cls;
} ld__signer;
typedef struct ld__signers {
	ld__signer v[LD__SIGNERS_MAX];
	size_t n;
} ld__signers;

/* The slug (into slug_out) and class of a claimed signer with non-empty
 * issuer and identity, from `memo` when seen before. Errors are the
 * slug's (AE_EINVAL, AE_ERR), with nothing remembered. */
int ld__signer_judge(char slug_out[33], ld__class *cls_out, ld__signers *memo,
		     const ld__allow *a, const char *issuer,
		     const char *identity, ae_err *err);
/* Frees the remembered keys; the table is left empty. */
void ld__signers_dispose(ld__signers *memo);

/* ---- what a merge of head into base produces (check_merge.c) ---- */

enum {
	LD__MERGE_NONE,		/* an audit: no base */
	LD__MERGE_FAST_FORWARD, /* head contains base: the result is head */
	LD__MERGE_UP_TO_DATE,	/* base contains head: the result is base */
	LD__MERGE_THREE_WAY,	/* merged here, from n_bases merge bases */
};

typedef struct ld__merge {
	int kind;	/* LD__MERGE_* */
	size_t n_bases; /* best merge bases (1 unless three-way) */
} ld__merge;

/* The top-level tree of the merge of `head` into `base`, as `git merge`
 * builds it (recursively over several merge bases), without rename
 * detection; with one merge base only what the gate judges is merged --
 * all of `root`, and above it the way down and .gitattributes -- the rest
 * is base's (check_merge.c). Objects the merge writes go to an in-memory
 * database layered on `repo`. AE_EINVAL for a conflict (the message names the
 * first path) or unrelated histories, AE_ETOOBIG past
 * LD_CONTRACT_MAX_MERGE_BASES. The caller frees *out (NULL on failure). */
int ld__merge_tree(git_tree **out, ld__merge *info, git_repository *repo,
		   const char *root, git_commit *base, git_commit *head,
		   ae_err *err);
/* "fast-forward", "up-to-date", "three-way", or "" for an audit. */
const char *ld__merge_name(int kind);

/* ---- trees as `git fsck --strict` judges them (check_fsck.c) ---- */

/* One entry of a raw tree object; pointers into its bytes. */
typedef struct ld__rawent {
	uint32_t mode;
	bool zero_padded; /* the mode was written with a leading '0' */
	const char *name; /* not NUL-terminated */
	size_t name_len;
	const unsigned char *id; /* 20 bytes */
} ld__rawent;

/* Reads the entry at *p (advanced past it) of a tree ending at `end`: 1
 * for an entry, 0 at the end, -1 when the bytes are not a tree entry.
 * Cannot fail otherwise. */
int ld__rawtree_next(ld__rawent *e, const unsigned char **p,
		     const unsigned char *end);

/* What git fsck --strict refuses in a tree (fsck.c msg ids). */
enum {
	LD__FSCK_BAD_TREE,
	LD__FSCK_EMPTY_NAME,
	LD__FSCK_FULL_PATH,
	LD__FSCK_DOT,
	LD__FSCK_DOTGIT,
	LD__FSCK_NULL_ID,
	LD__FSCK_ZERO_PAD,
	LD__FSCK_BAD_MODE,
	LD__FSCK_UNSORTED,
	LD__FSCK_DUPLICATE,
	LD__FSCK_COUNT
};

/* The verdict on one tree: a bit per kind found, and the first entry of
 * each kind (name borrowed from the tree's bytes; NULL for BAD_TREE). */
typedef struct ld__fsck {
	unsigned found;
	const char *name[LD__FSCK_COUNT];
	size_t name_len[LD__FSCK_COUNT];
	uint32_t mode[LD__FSCK_COUNT];
} ld__fsck;

/* Judges the raw bytes of one tree object. AE_ERR on out of memory. */
int ld__tree_fsck(ld__fsck *out, const unsigned char *buf, size_t len);
/* The same judgement on a tree libgit2 parsed, given the size of its raw
 * bytes (git_odb_read_header): a parse keeps no trace of leading zeros, so
 * a size above git's own encoding of the entries counts as one (the entry
 * is not named then). AE_ERR on out of memory. */
int ld__tree_fsck_parsed(ld__fsck *out, const git_tree *t, uint64_t raw_size);
/* Why a kind is refused, one phrase. Cannot fail. */
const char *ld__fsck_why(int kind);
/* True iff a tree entry name[0..n) is read as .gitattributes by git on
 * some file system (any case, HFS+ ignorables, NTFS dots, spaces and short
 * names). Cannot fail. */
bool ld__name_is_gitattributes(const char *name, size_t n);

/* ---- the checker's run state (check.c, check_allowlist.c, check_pool.c) */

#define LD__ROOT_MAX 1024 /* longest --root accepted */

/* One pointer whose contents are to be read. */
typedef struct ld__job {
	size_t order;		/* index of its entry: report order */
	const ld__entry *entry; /* borrowed from the entry list */
	ld__loc loc;		/* borrowed from entry->path */
	char *shown;		/* repository-relative path, owned */
	uint32_t pack;	 /* its blob's pack (ld__packs), or LD__NO_PACK */
	uint64_t offset; /* and the entry's offset in that pack */
} ld__job;
#define LD__NO_PACK UINT32_MAX

typedef struct ld__jobs {
	ld__job *v;
	size_t n;
	size_t alloc;
} ld__jobs;

/* Appends a job that takes ownership of `shown` (freed even on failure). */
int ld__jobs_add(ld__jobs *jobs, size_t order, const ld__entry *e,
		 const ld__loc *loc, char *shown, ae_err *err);
void ld__jobs_dispose(ld__jobs *jobs);

/* The pack files behind the indexes that ordered the jobs, mapped
 * read-only (check_order.c maps them, check_pack.c reads entry headers). */
typedef struct ld__pack_map {
	unsigned char *map; /* NULL: not mapped, no hints from it */
	size_t len;
} ld__pack_map;

#define LD__PACK_IDX_FILES 64 /* pack indexes read */

typedef struct ld__packs {
	ld__pack_map v[LD__PACK_IDX_FILES]; /* by pack number */
	size_t n;
} ld__packs;
void ld__packs_dispose(ld__packs *packs);

typedef struct ld__state {
	char root[LD__ROOT_MAX];
	git_repository *repo;
	git_tree *base_tree; /* NULL: audit, or no root in base */
	git_tree *head_tree; /* the root in the merge result (audit: head) */
	git_tree *base_top;  /* base's top-level tree; NULL: audit */
	git_tree *head_top;  /* the merge result's top-level tree */
	git_tree *pr_top;    /* head commit's top-level tree */
	ld__merge merge;
	ld_report *report;
	ld__entries entries;
	ld__jobs jobs;
	ld__packs packs; /* mapped by ld__jobs_pack_order */
	ld__allow allow;
	bool allowlist_changed;
	/* by job index (after ld__jobs_pack_order): the bundle digest the
	 * job's pointer names, as ld__digest_key gives it ("" for none); each
	 * written by the worker that judges the job. NULL in an audit. */
	char (*keys)[AE_DIGEST_STR_LEN];
} ld__state;

/* Loads the allowlist: the file `path` when given, else allowlist.yaml in
 * the head root tree (regular file, capped). With `path`, the head's copy
 * is loaded and validated too, then dropped; its absence is no error only
 * when `base_root` (NULL: an audit) holds one -- the change list then
 * reports the deletion. AE_ENOTFOUND when missing, AE_EINVAL when
 * invalid, AE_ETOOBIG past the cap (either of them). */
int ld__allow_load(ld__allow *out, git_repository *repo,
		   const git_tree *head_root, const git_tree *base_root,
		   const char *path, ae_err *err);

/* Judges the trees from the repository's top down to the root and below
 * it that base lacks (git fsck, rule "tree"), and refuses a change to a
 * .gitattributes on the path above the root (rule "gitattributes"); see
 * check_trees.c. Errors only for an unreadable repository, OOM or a full
 * report. */
int ld__trees_check(ld__state *st, ae_err *err);

/* Rule 1 for each non-merge commit reachable from head and not from base,
 * against its first parent (what a rebase merge replays): a deletion or
 * modification of a file the target's root holds is a violation naming
 * the commit (check_commits.c), unless the merge result already changes
 * it. Needs st->base_tree and st->head_tree. Errors only for an
 * unreadable repository, OOM or a full report. */
int ld__commits_check(ld__state *st, const git_commit *base,
		      const git_commit *head, ae_err *err);

/* Notes, for the reviewer, each allowlist entry the change adds or
 * removes (SPEC §5.1). */
int ld__allow_diff(ld__state *st, ae_err *err);

/* The one key of a bundle digest: "sha256:" + 64 lowercase hex into
 * out[AE_DIGEST_STR_LEN], from `s` written with "sha256:" or "sha256-" in
 * any case, or none, and 64 hex in any case. false (out "") for anything
 * else. Cannot fail. */
bool ld__digest_key(char out[AE_DIGEST_STR_LEN], const char *s);
/* One bundle, one vote (check_dup.c): a note on each added pointer whose
 * bundle (st->keys) a pointer committed on the base names, and on each
 * added pointer whose bundle an earlier added one (path order) names.
 * Never a problem. Errors only for an unreadable repository, OOM or a
 * full report. */
int ld__dup_check(ld__state *st, ae_err *err);

/* One pointer blob's bytes (check_blob.c). */
typedef struct ld__blob {
	void *data;		  /* unread (NULL) when size is past the cap */
	size_t size;		  /* the blob's size, read or not */
	git_odb_backend *backend; /* owner of data when read from a backend */
	git_odb_object *obj;	  /* owner of data otherwise */
} ld__blob;

/* A reading thread's view of the packs: the maps, shared, and a zlib
 * stream of its own for the heads of deltas. */
typedef struct ld__pack_reader {
	const struct ld__packs *packs;
	z_stream zs;
	bool zs_ready;
} ld__pack_reader;

typedef enum ld__pack_kind {
	LD__PACK_BLOB,	/* a whole blob */
	LD__PACK_OTHER, /* a whole commit, tree or tag */
	LD__PACK_DELTA /* a delta: the size is its result's, the type unknown */
} ld__pack_kind;

void ld__pack_reader_init(ld__pack_reader *pr, const struct ld__packs *packs);
void ld__pack_reader_dispose(ld__pack_reader *pr);
/* The size of the object whose entry starts at `offset` in pack `pack`,
 * from the entry alone. -1 when there is no answer (no such pack or map,
 * an entry not understood): then libgit2 must be asked. */
int ld__pack_entry_size(uint64_t *size, ld__pack_kind *kind,
			ld__pack_reader *pr, uint32_t pack, uint64_t offset);

/* Reads blob `id` unless its header says it is larger than `cap`: then
 * out->data is NULL and out->size its size (rc 0). AE_EIO when it is
 * missing, unreadable or not a blob (`shown` names it). Thread-safe with
 * one `odb` and one `pr` per thread. With `pr` (may be NULL) and the job's
 * pack entry, the size comes from the entry (ld__pack_entry_size) and
 * libgit2 is asked only for the bytes. */
int ld__blob_read(ld__blob *out, git_odb *odb, ld__pack_reader *pr,
		  const ld__job *job, size_t cap, ae_err *err);
/* Frees the bytes; `b` is left empty. */
void ld__blob_dispose(ld__blob *b);

/* A git pack index (.idx version 2) checked by ld__pack_idx_open; the
 * bytes are borrowed. */
typedef struct ld__pack_idx {
	const unsigned char *data;
	uint32_t n;   /* objects */
	size_t large; /* entries of the 64-bit offset table */
} ld__pack_idx;

#define LD__PACK_IDX_MAX   (64u << 20) /* index bytes read: 2.4M objects */
#define LD__PACK_ORDER_MIN 64	       /* fewer jobs are not reordered */

/* Checks an index image: magic and version 2, a fanout that never
 * decreases, a size that fits its object count. AE_EINVAL otherwise. */
int ld__pack_idx_open(ld__pack_idx *out, const unsigned char *data, size_t len,
		      ae_err *err);
/* The pack offset the index gives for object `id`, -1 when it has none.
 * Cannot fail. */
int64_t ld__pack_idx_offset(const ld__pack_idx *idx,
			    const unsigned char id[20]);
/* Sorts the jobs by where their blobs sit in the repository's packs, each
 * pack from its end back, so that delta chains are rebuilt from cached
 * bases (check_order.c); jobs
 * in no pack keep their order after the rest. A hint only: cannot fail,
 * and leaves the order as it was when indexes or memory are lacking. */
void ld__jobs_pack_order(ld__jobs *jobs, ld__packs *packs,
			 git_repository *repo);

/* The threads of a pool (pool.c): workers fn(k, ctx), k in [1, n), each
 * on a thread of its own, worker 0 being the caller, which runs it itself
 * before ld__crew_join. AE_ERR when a thread cannot be started (those
 * started run on: stop them through ctx); join in every case. */
typedef struct ld__crew {
	void *th;  /* pthread_t[n - 1] */
	void *arg; /* what each thread was given */
	size_t n;  /* threads started */
} ld__crew;
int ld__crew_start(ld__crew *c, size_t n, void (*fn)(size_t k, void *ctx),
		   void *ctx, ae_err *err);
/* Waits for every started thread and frees the crew. Cannot fail. */
void ld__crew_join(ld__crew *c);

/* Rules 3 and 4 on every queued pointer (at least one), in opts->workers
 * threads (check.c runs a large audit left at the default in the
 * reader/judge pair below instead). */
int ld__pool_run(ld__state *st, const ld_contract_opts *opts, ae_err *err);
/* Rules 3-4 on one pointer whose blob (`size` bytes at `data`) was read; a
 * size past the cap is a finding and `data` is not looked at. */
int ld__job_judge(ld_report *r, ld__signers *memo, const ld__state *st,
		  const ld_contract_opts *opts, const ld__job *job,
		  const unsigned char *data, size_t size, ae_err *err);
/* Whether the audit runs as one reading thread and one judging thread
 * (check_pipe.c), and that run. */
bool ld__pipe_fits(const ld__state *st, const ld_contract_opts *opts);
int ld__pipe_run(ld__state *st, const ld_contract_opts *opts, ae_err *err);

/* Rules 2 (name == digest, dirs == claims) and 3 on one pointer's bytes
 * (signers judged through the worker's `memo`), then rule 4 through `verify`
 * when given; problems go to `r`. With `key_out` (AE_DIGEST_STR_LEN bytes)
 * the bundle digest the pointer names, as ld__digest_key gives it. Returns an
 * error only when the check must stop (OOM, a full report, a verifier error
 * other than a finding or a transient fault). */
int ld__pointer_check(ld_report *r, const ld__job *job, const ld__allow *a,
		      ld__signers *memo, const unsigned char *buf, size_t len,
		      ld_contract_verify_fn verify, void *verify_ctx,
		      char *key_out, ae_err *err);

/* ---- corroboration (corroborate*.c) ---- */

/* The pointer files of a listing (corroborate_walk.c): every name in
 * `recipes` a plain path element, or AE_EINVAL naming the first that is
 * not; and the listing's end, `rc` its outcome so far: disposed on a
 * failure, else sorted bytewise. */
int ld__recipes_plain(const char *const *recipes, size_t n, ae_err *err);
int ld__pointer_paths_end(ld_pointer_paths *out, int rc);
/* Orders two checks: phase order first (unknown phases last, by name),
 * then name bytewise. */
int ld__check_key_cmp(const char *pa, const char *na, const char *pb,
		      const char *nb);
/* Merges the outcomes `add` (sorted by row) into `*v` (sorted by row): a
 * row in both keeps the worse result (fail over pass over not run), the
 * merge of runs tied as a signer's latest (reference §4.4). AE_ERR on OOM
 * with `*v` unchanged. */
int ld__outcomes_merge(ld_outcome **v, size_t *n, const ld_outcome *add,
		       size_t n_add, ae_err *err);
/* The state of one check from its allowlisted pass and fail votes. */
ld_state ld__check_state(size_t pass, size_t fail);
/* True iff a verified entry may speak for its signer in a view: not
 * HISTORICAL unless c->include_historical, not a development build when
 * c->exclude_dev. */
bool ld__entry_selectable(const ld_corroboration *c, const ld_entry *e);

/* Builds recipe `r`'s views (corroborate_grid.c): grids[0] and one per
 * tool version, the active one picked by `in`, whose runs are marked
 * `latest` and whose states fill r->state.. (entries, cols and rows are
 * built). */
int ld__recipe_grids(ld_recipe *r, const ld_corroboration *c,
		     const ld_corroboration_input *in, ae_err *err);
void ld__grid_dispose(ld_grid *g, size_t n_cols);
/* Fills flips, the columns' health and the timeline of `r`
 * (corroborate_history.c). */
int ld__recipe_history(ld_recipe *r, const ld_corroboration *c, ae_err *err);

/* JSON helpers shared by the JSON and feed renderers (corroborate_json.c).
 * ld__json_str never fails on non-UTF-8 bytes (they become '?'); NULL s
 * gives JSON null. The _put_ functions skip NULL strings. */
json_t *ld__json_str(const char *s);
/* obj[key] = v. Takes v whatever happens: set into obj, or freed when the
 * set fails (obj NULL included); a NULL v (a failed allocation) is
 * AE_ERR "out of memory". */
int ld__json_set(json_t *obj, const char *key, json_t *v, ae_err *err);
/* The same after the steps before it: when `rc` is already a failure, v
 * is freed and `rc` returned. So a run of sets needs no else-free. */
int ld__json_set_after(int rc, json_t *obj, const char *key, json_t *v,
		       ae_err *err);
int ld__json_put_str(json_t *obj, const char *key, const char *s, ae_err *err);
int ld__json_put_int(json_t *obj, const char *key, size_t n, ae_err *err);
int ld__json_put_bool(json_t *obj, const char *key, bool b, ae_err *err);
/* Appends v (stolen) to arr and returns it borrowed; NULL on OOM. */
json_t *ld__json_push(json_t *arr, json_t *v);
/* pv's toolVersion, ledgerCommit, evidenceRoot and trustedRoot from
 * `opts` (none when opts is NULL). */
int ld__json_put_provenance(json_t *pv, const ld_render_opts *opts,
			    ae_err *err);
/* Appends the document, 2-space indent, then "\n"; `order` is
 * JSON_PRESERVE_ORDER (keys in insertion order) or JSON_SORT_KEYS. */
int ld__json_dump(ae_buf *out, json_t *root, size_t order, ae_err *err);

/* ---- the HTML page (corroborate_html*.c) ---- */

/* Lenses the page offers (more versions are in the JSON) and facet values
 * per axis (the rest are "other"). */
#define LD_HTML_VERSIONS_MAX 12
#define LD_HTML_FACETS_MAX   24
#define LD_HTML_LENSES_MAX   (LD_HTML_VERSIONS_MAX + 3)

enum { LD__LENS_LATEST, LD__LENS_NEWEST, LD__LENS_VERSION };

/* What the page's parts share. */
typedef struct ld__page {
	ae_buf *b;
	const ld_corroboration *c;
	const ld_render_opts *opts;
	size_t n_lens;
	int lens_kind[LD_HTML_LENSES_MAX];
	const char *lens_ver[LD_HTML_LENSES_MAX]; /* LD__LENS_VERSION */
	size_t lens_default;
	size_t n_facet[LD_FACET_COUNT]; /* values with their own control */
} ld__page;

/* Text and attribute escaping; a URL fragment component, percent-encoded
 * but for unreserved characters. */
int ld__html_put(ae_buf *b, const char *s, ae_err *err);
int ld__html_frag(ae_buf *b, const char *s, ae_err *err);
/* The view of recipe r under page lens l, NULL when it has none there. */
const ld_grid *ld__page_grid(const ld__page *p, const ld_recipe *r, size_t l);
/* The facet control index of value v on axis f (n_facet[f]: "other"),
 * -1 for an unknown value. */
int ld__page_facet_index(const ld__page *p, int f, const char *v);
/* The shared pieces (corroborate_html_parts.c): a state chip with its
 * glyph; a result's glyph; the short "not counted: why" of a run or cell;
 * href="#/<recipe>[/<slug>]"; a column's deep-link id and href (a second
 * column of one slug gets "/<vote>"); the facet classes of coordinates or
 * of a run (indexes only); "k8s 1.33 · OS · GPU"; a run's version, dev,
 * historical and ingested badges; the checks that make a view CONTESTED
 * or FAILING, in a span of class `cls` (nothing when none). */
int ld__html_chip(ae_buf *b, ld_state s, ae_err *err);
const char *ld__html_result_glyph(ld_result r);
/* <span class="res r-NAME">GLYPH NAME</span> of a check's result, and of a
 * cell's or run's kind (the glyph of pass, fail, or none). */
int ld__html_result(ae_buf *b, ld_result v, ae_err *err);
int ld__html_kind(ae_buf *b, ld_cell_kind k, ae_err *err);
const char *ld__html_why_short(ld_why w);
int ld__html_href(ae_buf *b, const char *recipe, const char *slug, ae_err *err);
int ld__html_col_id(ae_buf *b, const ld_corroboration *c, const ld_recipe *r,
		    size_t j, ae_err *err);
int ld__html_col_href(ae_buf *b, const ld_corroboration *c, const ld_recipe *r,
		      size_t j, ae_err *err);
int ld__html_facet_classes_of(const ld__page *p, char *const *facets,
			      ae_err *err);
int ld__html_facet_classes(const ld__page *p, const ld_entry *e, ae_err *err);
int ld__html_coords(ae_buf *b, char *const *facets, ae_err *err);
int ld__html_run_badges(ae_buf *b, const ld_entry *e, ae_err *err);
int ld__html_reasons(ae_buf *b, const ld_grid *g, const char *cls, ae_err *err);
/* The matrix, opening <main> (corroborate_html_matrix.c), and the
 * recipes, closing it (corroborate_html_recipe.c); the legend goes
 * between them. */
int ld__html_matrix(const ld__page *p, ae_err *err);
int ld__html_recipes(const ld__page *p, ae_err *err);

#endif /* AE_LEDGER_INTERNAL_H */
