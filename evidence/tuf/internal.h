/* evidence/tuf/internal.h -- shared by the files of evidence/tuf/ only
 *
 * Parsed metadata keeps the jansson document it came from: strings below
 * are borrowed from it and live as long as the tuf__meta.
 */
#ifndef AE_TUF_INTERNAL_H
#define AE_TUF_INTERNAL_H

#include "evidence/tuf/tuf.h"

#include <jansson.h>

/* The top-level roles, in the order the workflow meets them. */
typedef enum tuf__type {
	TUF_ROOT,
	TUF_TIMESTAMP,
	TUF_SNAPSHOT,
	TUF_TARGETS,
	TUF__NTYPES,
} tuf__type;

/* "root", "timestamp", ... Cannot fail. */
const char *tuf__type_name(tuf__type t);

/* A set of keys trusted for a role and how many must sign. For a
 * delegation also the paths it may speak for. */
typedef struct tuf__role {
	const char *name; /* delegations only */
	const char **keyids;
	size_t nkeyids;
	int64_t threshold;
	bool terminating;
	bool has_paths, has_prefixes;
	const char **paths; /* "paths" or "path_hash_prefixes" */
	size_t npaths;
} tuf__role;

/* A METAFILES entry (timestamp, snapshot) or a TARGETS entry. */
typedef struct tuf__file {
	const char *name;
	int64_t version; /* METAFILES; 0 in TARGETS */
	int64_t length;	 /* -1 when not given */
	json_t *hashes;	 /* borrowed object, NULL when not given */
} tuf__file;

typedef struct tuf__meta {
	json_t *doc;
	tuf__type type;
	int64_t version;
	int64_t expires;
	ae_buf canon; /* canonical JSON of "signed": what was signed */
	const char **sig_keyid, **sig_hex;
	size_t nsigs;
	/* root */
	bool consistent;
	json_t *keys; /* root keys or delegation keys, borrowed */
	tuf__role roles[TUF__NTYPES];
	/* timestamp, snapshot: meta; targets: targets */
	tuf__file *files;
	size_t nfiles;
	/* targets: delegations */
	tuf__role *dels;
	size_t ndels;
} tuf__meta;

/* Parses metadata bytes of role type `want` (or any type when `want` is
 * TUF__NTYPES) strictly; see meta.c for the rules. *out NULL on failure. */
int tuf__meta_parse(tuf__meta **out, const unsigned char *buf, size_t len,
		    tuf__type want, ae_err *err);
void tuf__meta_free(tuf__meta *m);

/* The entry `name` of a METAFILES or TARGETS list, NULL if absent. */
const tuf__file *tuf__meta_file(const tuf__meta *m, const char *name);

/* Verifies that `m` is signed by at least role->threshold distinct keys of
 * `role`, keys looked up in `keys` (each key's id recomputed: a key whose
 * id is not the SHA-256 of its canonical form is not counted, nor is a
 * key of a scheme we do not speak). `what` names the file in messages.
 * AE_EVERIFY "threshold not met" with the first reason a signature did
 * not count. */
int tuf__verify_role(const tuf__meta *m, const tuf__role *role, json_t *keys,
		     const char *what, ae_err *err);

/* True iff both roles list the same key ids and threshold (spec §5.3.11:
 * a rotation of timestamp or snapshot keys drops the trusted files).
 * Cannot fail. */
bool tuf__role_same(const tuf__role *a, const tuf__role *b);

/* Checks `data` against a file entry's length and hashes (every hash
 * listed, sha256/sha384/sha512; another algorithm is refused). AE_EVERIFY
 * naming `what`. */
int tuf__file_check(const tuf__file *f, const unsigned char *data, size_t len,
		    const char *what, ae_err *err);

/* The lowercase sha256 hex of a target entry, NULL when it lists none. */
const char *tuf__file_sha256(const tuf__file *f);

/* True iff a delegation `role` may speak for target `path` (its "paths"
 * glob patterns, '*' and '?' not crossing '/', or its
 * "path_hash_prefixes"). Cannot fail. */
bool tuf__role_matches(const tuf__role *role, const char *path);

/* ---- where bytes come from: the repository or a cache directory ---- */

typedef struct tuf__source {
	/* Fetches `path` (relative to the repository base: "16.root.json",
	 * "targets/<hash>.<name>") into `out` (initialised by the call) up
	 * to `cap` bytes. AE_ENOTFOUND when absent, AE_ETOOBIG past cap. */
	int (*get)(void *ctx, ae_buf *out, const char *path, size_t cap,
		   ae_err *err);
	void *ctx;
} tuf__source;

/* The one HTTP GET of the module (evidence/tuf/fetch.c): `base`/`path`
 * into `out` up to `cap` bytes, transient failures retried within
 * `deadline`. 200: 0; 403, 404: AE_ENOTFOUND; past cap: AE_ETOOBIG;
 * unreachable, timeouts, 408/429/5xx after retries: AE_ETRANSIENT; any
 * other status: AE_EINVAL. */
int tuf__http_get(ae_buf *out, const char *base, const char *path, size_t cap,
		  ae_deadline deadline, const char *ca_file, ae_err *err);

/* Checks the URL policy on the repository base (https, plain http to
 * loopback only; evidence/core/http.h). AE_EINVAL. */
int tuf__url_check(const char *url, ae_err *err);

/* ---- the state ---- */

#define TUF__WANTED_NAME_MAX 128

typedef struct tuf__target_bytes {
	char name[TUF__WANTED_NAME_MAX];
	char path[TUF__WANTED_NAME_MAX + 160]; /* where it is in the repo */
	ae_buf data;
	bool found;
} tuf__target_bytes;

typedef struct tuf__delegated {
	char name[256];
	char path[300]; /* file name in the repository */
	ae_buf bytes;
	tuf__meta *meta;
} tuf__delegated;

struct tuf_state {
	char *url;
	ae_buf bytes[TUF__NTYPES]; /* the files as fetched */
	char path[TUF__NTYPES][64];
	tuf__meta *meta[TUF__NTYPES];
	tuf__delegated *dels;
	size_t ndels;
	tuf__target_bytes wanted[TUF_MAX_WANTED];
	size_t nwanted;
	const char *expired; /* first expired role at load, or NULL */
	int64_t updated_at;
	bool unchanged;
};

/* Runs the workflow over `src` from the trusted root `root` (bytes), with
 * `prev` (may be NULL) as the rollback floor. `load` is the offline
 * re-verification of a stored state: no root walk beyond what `src` has,
 * expiry recorded instead of refused. Fills a new state (url copied).
 * Codes of tuf_update. */
int tuf__workflow(tuf_state **out, const tuf__source *src, const char *url,
		  const unsigned char *root, size_t root_len,
		  const tuf_state *prev, int64_t now, const char *const *want,
		  size_t nwant, size_t nrequired, bool load, ae_err *err);

/* Embedded initial root (evidence/tuf/root_data.c, generated). */
extern const char tuf__public_good_root[];
extern const size_t tuf__public_good_root_len;

#endif /* AE_TUF_INTERNAL_H */
