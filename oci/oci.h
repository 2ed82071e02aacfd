/* oci/oci.h -- the OCI registry client: references, the deterministic
 * evidence artifact, push and pull by digest.
 *
 * oci/ moves bytes between a bundle directory, a content-addressed cache and
 * an OCI distribution registry (SPEC §3 "OCI artifact", reference oci.md).
 * It never interprets bundle contents: it packs a directory tree, pushes a
 * Sigstore bundle as opaque bytes, and on pull returns a directory whose
 * every byte was verified against the digest the caller asked for. Nothing
 * here prints or exits; progress goes through a callback.
 *
 * How the other commands use it:
 *
 *   emit --push / push (sign offline first, then push):
 *     oci_ref_parse(&ref, "reg/repo:tag", &err);
 *     oci_artifact_build(&art, "OUT/summary-bundle", &err);
 *     art->manifest_digest  -- known before any network I/O: sign a statement
 *                              whose subject is ref.repo + this digest
 *     oci_client_new(&c, &ref, &opts, &err);
 *     oci_artifact_push(c, art, tag, &err);
 *     oci_referrer_push(digest_out, c, art->manifest_digest,
 *                       art->manifest_len, bundle, bundle_len, &err);
 *
 *   verify / check --verify-signatures (pull by bundle.digest):
 *     oci_ref_require_pinned(&ref, allow_unpinned, &err)  -- before network
 *     oci_client_new(&c, &ref, &opts, &err);   (NULL client = --offline)
 *     oci_pull(&res, c, &ref, digest, cache_dir, dest_dir, &err);
 *     dest_dir now holds the bundle tree plus attestation.intoto.jsonl when
 *     a signature referrer exists (res.signed).
 */
#ifndef AE_OCI_H
#define AE_OCI_H

#include "evidence/core/ae.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- media types and fixed values (SPEC §3, reference §8) ---- */

#define OCI_MT_MANIFEST	  "application/vnd.oci.image.manifest.v1+json"
#define OCI_MT_INDEX	  "application/vnd.oci.image.index.v1+json"
#define OCI_MT_EMPTY	  "application/vnd.oci.empty.v1+json"
#define OCI_MT_LAYER_TGZ  "application/vnd.oci.image.layer.v1.tar+gzip"
#define OCI_ARTIFACT_TYPE "application/vnd.nvidia.aicr.artifact"
#define OCI_SIGSTORE_TYPE "application/vnd.dev.sigstore.bundle.v0.3+json"
/* The 2-byte empty config "{}" (oci.md §2). */
#define OCI_EMPTY_DIGEST                                                       \
	"sha256:"                                                              \
	"44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
/* The file a pulled signature referrer's layer is written to. */
#define OCI_ATTESTATION_FILE "attestation.intoto.jsonl"

/* ---- caps (reference §0, oci.md §2) ---- */

#define OCI_REF_MAX		  1024 /* a reference string */
#define OCI_MANIFEST_MAX	  (4u << 20) /* registry rejects larger (oci.md §2) */
#define OCI_REFERRER_MANIFEST_MAX (1u << 20)   /* reference §0 */
#define OCI_REFERRER_LAYER_MAX	  (10u << 20)  /* reference §0 */
#define OCI_INDEX_MAX		  (4u << 20)   /* fallback-tag index */
#define OCI_LAYER_MAX		  (1ull << 30) /* one evidence layer, 1 GiB */
#define OCI_TAR_ENTRIES_MAX	  10000	       /* entries in one layer */
#define OCI_TAR_DEPTH_MAX	  16 /* directory nesting in a layer */
#define OCI_UNPACKED_MAX	  (2ull << 30) /* bytes written by extraction */
#define OCI_AUTH_HEADER_MAX	  4096	       /* one WWW-Authenticate value */
#define OCI_TOKEN_RESPONSE_MAX	  (1u << 20)   /* bearer token JSON */
#define OCI_DOCKER_CONFIG_MAX	  (1u << 20)   /* ~/.docker/config.json */

/* ---- retries (STYLE §3.8; reference §8.1: 1 s doubling, ±25 % jitter) ---- */

#define OCI_RETRY_ATTEMPTS  5		/* tries per step, first included */
#define OCI_RETRY_BASE_MS   250		/* first backoff */
#define OCI_RETRY_CAP_MS    4000	/* backoff ceiling */
#define OCI_RETRY_BUDGET_MS 120000	/* all waiting of one step */
#define OCI_CONNECT_TIMEOUT 10		/* seconds */
#define OCI_STALL_SECONDS   30		/* < 1 byte/s for this long = cut */
#define OCI_CHUNK_MIN	    (32u << 20) /* blobs above: chunked PATCHes */
#define OCI_STREAM_MIN	    (1u << 20)	/* unhashed layers above: streamed */

/* ---- references ---- */

/* A parsed `[oci://]registry[:port]/repo[:tag][@sha256:hex]`. Plain data.
 * `registry` is "docker.io" for Docker Hub names (`ubuntu` →
 * docker.io/library/ubuntu); `tag` and `digest` are "" when absent. */
typedef struct oci_ref {
	char registry[256];
	char repo[256];
	char tag[129];
	char digest[AE_DIGEST_STR_LEN];
} oci_ref;

/* Parses and validates a reference (distribution grammar: lowercase path
 * components, tag `[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`, sha256 digests only).
 * AE_EINVAL on any violation; `out` is zeroed on failure. */
int oci_ref_parse(oci_ref *out, const char *s, ae_err *err);

/* True iff the reference carries a digest. Cannot fail. */
bool oci_ref_is_pinned(const oci_ref *ref);

/* Refuses a tag-only reference before any network I/O (reference §8.3)
 * unless `allow_unpinned`: AE_EINVAL "tag-only reference ...". */
int oci_ref_require_pinned(const oci_ref *ref, bool allow_unpinned,
			   ae_err *err);

/* Formats `registry/repo[:tag][@digest]` (no scheme) into `out`. Returns 0
 * or AE_ETOOBIG when `outsz` is too small. */
int oci_ref_format(char *out, size_t outsz, const oci_ref *ref, ae_err *err);

/* True iff `tag` is a valid tag. Cannot fail. */
bool oci_tag_is_valid(const char *tag);

/* The longest recipe name a derived tag carries (reference §8.1). */
#define OCI_TAG_RECIPE_MAX 80
/* Hex digits of the artifact digest in a derived tag: 128 bits, as many as
 * a signer slug, so two artifacts never share a tag by chance and forging
 * a collision is out of reach (reference §8.1 used 12 hex of manifest.json,
 * which every bundle of the same inputs shares: issue 20 item 5). */
#define OCI_TAG_DIGEST_HEX 32

/* The one rule for the tag a bundle is pushed under when REF names none,
 * used by push, sign, emit and so by the pointer's bundle.oci (issue 24
 * item 7, issue 17): `<recipe>-<first OCI_TAG_DIGEST_HEX hex of the
 * artifact manifest digest>`. `recipe` is the recipe name emit derived from
 * the validated criteria (the bundle's predicate.recipe.name), never free
 * text: it must be 1..OCI_TAG_RECIPE_MAX bytes of [a-z0-9] runs joined by
 * single '.', '_' or '-' (AE_EINVAL otherwise: name a tag in REF).
 * `artifact_digest` is "sha256:<64 lowercase hex>" (AE_EINVAL otherwise).
 * `out` is "" on failure. */
int oci_tag_derive(char out[129], const char *recipe,
		   const char *artifact_digest, ae_err *err);

/* ---- the deterministic artifact (SPEC §3) ---- */

/* The packed layer of a bundle tree, read back from the tree's files on
 * push (oci/tar.c); opaque. */
typedef struct oci_layer oci_layer;

/* What oci_artifact_build (or oci_artifact_open) produced. Plain data
 * owned by the struct; free with oci_artifact_free. Until the layer is
 * hashed (oci_artifact_open, before a push) the digests are empty strings
 * and `manifest` is NULL; layer_size and entries are always set. */
typedef struct oci_artifact {
	oci_layer *layer; /* the bundle tree, open for reading the layer */
	uint64_t layer_size;
	char layer_digest[AE_DIGEST_STR_LEN]; /* sha256 of the .tar.gz */
	char tar_digest[AE_DIGEST_STR_LEN];   /* sha256 of the plain tar */
	unsigned char *manifest;	      /* exact bytes to PUT */
	size_t manifest_len;
	char manifest_digest[AE_DIGEST_STR_LEN];
	size_t entries; /* tar entries written */
} oci_artifact;

/* Packs `bundle_dir` (e.g. OUT/summary-bundle) as a layer and builds the
 * manifest bytes: one read of every file computes the layer's digests;
 * nothing is written (the layer is read back from the files on push). The
 * tar holds every file and directory of the tree, sorted bytewise, modes
 * 0644/0755, uid/gid 0, mtime 0, no user names; the top-level
 * attestation.intoto.jsonl is left out (it signs this digest and travels as
 * the referrer). gzip: stored blocks, mtime 0, OS byte 255. Same tree →
 * same bytes → same digest, on any machine. Symlinks, devices, FIFOs,
 * names that are not plain ASCII path elements: AE_EINVAL. Over
 * OCI_TAR_ENTRIES_MAX, OCI_TAR_DEPTH_MAX or OCI_LAYER_MAX: AE_ETOOBIG.
 * `*out` NULL on failure. */
int oci_artifact_build(oci_artifact **out, const char *bundle_dir, ae_err *err);

/* Lists and lays out `bundle_dir` as oci_artifact_build does, with the
 * same errors, but reads no file: the digests and the manifest are left
 * for oci_artifact_push to compute while it uploads the layer (one read of
 * the files instead of two), or for oci_artifact_hash. For a push whose
 * digest need not be known beforehand (no @sha256 to check, nothing to
 * sign). `*out` NULL on failure. */
int oci_artifact_open(oci_artifact **out, const char *bundle_dir, ae_err *err);

/* Hashes an artifact from oci_artifact_open and builds its manifest, as
 * oci_artifact_build would have; a no-op when that is done. On failure it
 * stays unhashed. */
int oci_artifact_hash(oci_artifact *a, ae_err *err);
void oci_artifact_free(oci_artifact *a);

/* Writes the layer bytes (the .tar.gz) to `fd`, read again from the
 * bundle's files; AE_EVERIFY when they no longer hash to layer_digest,
 * AE_EIO when a write fails. */
int oci_artifact_layer_write(const oci_artifact *a, int fd, ae_err *err);

/* Builds the manifest bytes for a layer descriptor (exposed for tests and
 * the fuzzer's round trip). Caller frees *out. */
int oci_manifest_build(unsigned char **out, size_t *len_out,
		       const char *layer_digest, uint64_t layer_size,
		       const char *tar_digest, ae_err *err);

/* Builds the signature referrer manifest: artifactType
 * OCI_SIGSTORE_TYPE, empty config, one layer (the Sigstore bundle JSON),
 * subject = the artifact manifest descriptor. Caller frees *out. */
int oci_referrer_manifest_build(unsigned char **out, size_t *len_out,
				const char *subject_digest,
				uint64_t subject_size,
				const char *bundle_digest, uint64_t bundle_size,
				ae_err *err);

/* Adds a descriptor to a fallback-tag index (OCI 1.1 referrers tag
 * schema), keeping every other entry. `old` NULL or len 0 starts an empty
 * index. An entry with the same digest is not duplicated (*changed_out
 * false). Caller frees *out. AE_EINVAL when `old` is not an OCI index. */
int oci_index_add(unsigned char **out, size_t *len_out, bool *changed_out,
		  const unsigned char *old, size_t old_len, const char *digest,
		  uint64_t size, const char *artifact_type, ae_err *err);

/* A manifest as the puller sees it: a validated OCI image manifest. */
typedef struct oci_desc {
	char media_type[256];
	char artifact_type[256];
	char digest[AE_DIGEST_STR_LEN];
	uint64_t size;
	/* the io.deis.oras.content.digest annotation (ORAS: sha256 of the
	 * plain tar of a directory layer), "" when absent */
	char content_digest[AE_DIGEST_STR_LEN];
} oci_desc;

#define OCI_MANIFEST_LAYERS_MAX 16

typedef struct oci_manifest {
	char artifact_type[256];
	oci_desc config;
	oci_desc layers[OCI_MANIFEST_LAYERS_MAX];
	size_t nlayers;
	bool has_subject;
	oci_desc subject;
} oci_manifest;

/* Parses untrusted manifest bytes strictly: JSON object, schemaVersion 2,
 * mediaType absent or OCI_MT_MANIFEST, artifactType absent or a string,
 * descriptors with sha256 digests and sizes (a `data` field must be the
 * base64 of exactly those bytes; an ORAS content-digest annotation a
 * sha256 digest), at most OCI_MANIFEST_LAYERS_MAX layers. AE_EINVAL
 * otherwise. */
int oci_manifest_parse(oci_manifest *out, const unsigned char *buf, size_t len,
		       ae_err *err);

/* Lists the descriptors of an OCI index whose artifactType equals
 * `artifact_type`, in index order, up to `max`. AE_EINVAL when `buf` is
 * not an index. */
int oci_index_find(oci_desc *out, size_t max, size_t *n_out,
		   const unsigned char *buf, size_t len,
		   const char *artifact_type, ae_err *err);

/* ---- tar (exposed for tests and fuzzing) ---- */

/* Extracts a plain tar held in memory into the existing empty directory
 * `dest` (see oci_tar_extract_fd for the rules). */
int oci_tar_extract_mem(const unsigned char *buf, size_t len, const char *dest,
			ae_err *err);

/* Extracts a tar+gzip stream read from `fd` into the existing empty
 * directory `dest`, refusing (AE_EINVAL) absolute paths, `..`, links,
 * devices, FIFOs, duplicate entries, non-plain names; AE_ETOOBIG past
 * OCI_TAR_ENTRIES_MAX or OCI_UNPACKED_MAX. PAX path/size records and
 * `./` prefixes (Go archive/tar, ORAS) are understood. On failure `dest`
 * may hold partial content: extract into a temp dir and rename. */
int oci_tar_extract_fd(int fd, bool gzip, const char *dest, ae_err *err);

/* ---- WWW-Authenticate (RFC 7235 challenges; oci.md §4) ---- */

typedef enum oci_auth_scheme {
	OCI_AUTH_NONE,
	OCI_AUTH_BASIC,
	OCI_AUTH_BEARER,
} oci_auth_scheme;

typedef struct oci_challenge {
	oci_auth_scheme scheme;
	char realm[1024];
	char service[256];
	char scope[1024];
	char error[64];
} oci_challenge;

/* Parses one WWW-Authenticate value strictly: a Basic or Bearer scheme,
 * comma-separated auth-params with token or quoted-string values (escapes
 * understood), no duplicates among realm/service/scope/error. Unknown
 * parameters are skipped; unknown schemes are AE_EINVAL; over
 * OCI_AUTH_HEADER_MAX or a field cap: AE_ETOOBIG. */
int oci_challenge_parse(oci_challenge *out, const char *value, size_t len,
			ae_err *err);

/* ---- the client ---- */

/* Transfer progress: `done` of `total` bytes of `what` (a digest). Called
 * from inside the transfer; must not call back into oci. */
typedef void (*oci_progress_fn)(void *ctx, const char *what, uint64_t done,
				uint64_t total);

typedef struct oci_client_opts {
	const char *username; /* basic credentials; NULL: config.json */
	const char *password;
	const char *docker_config; /* NULL: $DOCKER_CONFIG/config.json or
				      ~/.docker/config.json */
	const char *ca_file;	   /* extra trust for TLS, else system CAs */
	bool insecure_tls;	   /* --registry-insecure-tls */
	bool plain_http;	   /* --registry-plain-http: loopback only */
	bool push;		   /* ask tokens for pull,push */
	unsigned attempts;	   /* 0: OCI_RETRY_ATTEMPTS */
	unsigned base_ms;	   /* 0: OCI_RETRY_BASE_MS */
	unsigned budget_ms;	   /* 0: OCI_RETRY_BUDGET_MS */
	uint64_t chunk_min;	   /* 0: OCI_CHUNK_MIN */
	ae_deadline deadline;	   /* every request ends by it (--timeout):
				      AE_ETRANSIENT past it; none: 0 */
	oci_progress_fn progress;
	void *progress_ctx;
} oci_client_opts;

#define OCI_CLIENT_OPTS_INIT                                                   \
	{                                                                      \
		0                                                              \
	}

typedef struct oci_client oci_client;

/* ---- the registry flags every OCI-speaking command shares
 * (oci/registry_opts.c, docs/cli.md "Registry flags") ---- */

#define OCI_PASSWORD_MAX  4096		     /* --registry-password-stdin */
#define OCI_TIMEOUT_MAX_S (7u * 24u * 3600u) /* --timeout: a week */

/* The flags as given (borrowed argv strings, NULL when absent). */
typedef struct oci_registry_flags {
	const char *timeout; /* --timeout DURATION: the whole command */
	uint64_t timeout_ms; /* parsed by oci_registry_flags_check; 0: none */
	const char *username;
	bool password_stdin;
	const char *docker_config;
	const char *ca_file;
	bool insecure_tls;
	bool plain_http;
	bool quiet; /* --quiet: no progress on stderr */
} oci_registry_flags;

/* Refuses conflicting flags and a bad --timeout (parsed into
 * f->timeout_ms, at most OCI_TIMEOUT_MAX_S): a username comes with a
 * password on stdin and the other way round, plain HTTP takes no TLS
 * flag. 0, or AE_EINVAL naming the rule. No I/O. */
int oci_registry_flags_check(oci_registry_flags *f, ae_err *err);
/* The password's one source: one line read from `fd` (stdin), its line
 * end dropped, 1..OCI_PASSWORD_MAX-1 bytes without a NUL, else AE_EINVAL.
 * *out is freed with oci_password_free. */
int oci_password_read(char **out, int fd, ae_err *err);
/* Wipes and frees a password. NULL is fine. Cannot fail. */
void oci_password_free(char *password);

/* Creates a client for `ref`'s registry and repository. No network I/O
 * happens here. AE_EINVAL: plain HTTP asked for a non-loopback host, an
 * unreadable docker config. The password is copied and wiped on free. */
int oci_client_new(oci_client **out, const oci_ref *ref,
		   const oci_client_opts *opts, ae_err *err);
void oci_client_free(oci_client *c);
/* The client options the flags ask for (`o` borrows `password` and the
 * flags' strings): `push` asks tokens for pull,push; --timeout becomes
 * the deadline of every request made with `o`, counted from this call.
 * Cannot fail. */
void oci_registry_opts(oci_client_opts *o, const oci_registry_flags *f,
		       const char *password, bool push);

/* The HTTP status of the last exchange `c` made: what the registry last
 * answered when an operation failed (a caller reports it, reference §9.3
 * failureCause.httpStatus); 0 when no response came (connection refused,
 * reset, timeout) or `c` is NULL. Cannot fail. */
long oci_client_last_status(const oci_client *c);

/* Pushes the artifact's blobs (HEAD to skip present ones, monolithic or
 * chunked upload read from the bundle's files as it goes, hashed on the
 * fly) and its manifest under `tag` (NULL or "": by digest only). The
 * registry's Docker-Content-Digest must equal art->manifest_digest (else
 * AE_EVERIFY). An artifact not hashed yet (oci_artifact_open) is hashed
 * while its layer uploads when the layer is over OCI_STREAM_MIN (a smaller
 * one is hashed first: cheaper than the requests streaming adds). No HEAD
 * can precede a streamed upload, so when `tag`
 * already names an artifact whose layer has our layer's size (likely a
 * re-push), the layer is hashed first instead, and a layer already present
 * is skipped. On success `art` is hashed (digests and manifest set).
 * AE_ETRANSIENT after the retry budget, AE_EAUTH when credentials are
 * refused. */
int oci_artifact_push(oci_client *c, oci_artifact *art, const char *tag,
		      ae_err *err);

/* Pushes a Sigstore bundle as a referrer of `subject_digest` (a manifest of
 * `subject_size` bytes) and, when the registry does not answer OCI-Subject,
 * records it in the `sha256-<hex>` fallback index (keeping other entries).
 * Writes the referrer manifest digest to `digest_out`. */
int oci_referrer_push(char digest_out[AE_DIGEST_STR_LEN], oci_client *c,
		      const char *subject_digest, uint64_t subject_size,
		      const unsigned char *bundle, size_t bundle_len,
		      ae_err *err);

/* ---- referrers (OCI 1.1: the API, else the sha256-<hex> tag schema) ---- */

#define OCI_REFERRERS_MAX	    256 /* kept per subject; more counted */
#define OCI_REFERRERS_OTHER_MAX	    64	/* of them of other artifact types */
#define OCI_REFERRERS_READ_MAX	    (8u << 20) /* listing bytes read per subject */
#define OCI_REFERRERS_PAGES_MAX	    8  /* Link: rel="next" pages followed */
#define OCI_REFERRER_CANDIDATES_MAX 32 /* signatures fetched per subject */
/* the time all signature candidates of one subject share, when the caller
 * set no deadline (--timeout, --deadline); the rest are left undecided */
#define OCI_REFERRERS_TIME_MS	 60000
#define OCI_REFERRER_BUNDLES_MAX (32u << 20) /* their bytes, all together */

/* What became of one referrer. */
typedef enum oci_referrer_state {
	OCI_REFERRER_OTHER,	/* another artifact type: listed, not fetched */
	OCI_REFERRER_SKIPPED,	/* fetched, not a Sigstore bundle for this
				   subject, or could not be fetched: `why` */
	OCI_REFERRER_CANDIDATE, /* a Sigstore bundle naming this subject */
	OCI_REFERRER_UNTRIED,	/* past the candidate bounds: not fetched */
} oci_referrer_state;

typedef struct oci_referrer {
	oci_desc desc; /* as listed (artifactType, digest, size) */
	oci_referrer_state state;
	char why[160];	       /* SKIPPED / UNTRIED: the reason */
	unsigned char *bundle; /* CANDIDATE: the layer, verified by digest */
	size_t bundle_len;
} oci_referrer;

/* The referrers of one subject, in listing order. Owned; free with
 * oci_referrers_free. */
typedef struct oci_referrers {
	oci_referrer *items;
	size_t n;	/* kept (at most OCI_REFERRERS_MAX) */
	size_t others;	/* kept of another artifactType (at most
			   OCI_REFERRERS_OTHER_MAX: they cannot crowd the
			   signatures out) */
	size_t total;	/* listed, kept or not */
	bool truncated; /* a listing passed OCI_REFERRERS_READ_MAX or the
			   page bound: entries after the cut are unseen */
	bool api;	/* from the referrers API (else the tag schema, or
			   the cache's record offline) */
	bool too_slow;	/* the candidates' time budget (OCI_REFERRERS_TIME_MS
			   or the caller's deadline) ran out: some were left
			   undecided */
	char registry[256]; /* host[:port] it was listed from ("" offline) */
} oci_referrers;

/* Lists the referrers of manifest `subject` in `c`'s repository: `GET
 * /v2/<name>/referrers/<digest>` (following Link rel="next" pages up to
 * OCI_REFERRERS_PAGES_MAX), else, where the registry has no referrers API
 * (404, 400), the `sha256-<hex>` tag's index. Nothing is fetched beyond
 * the listing (like `oras discover`). A listing larger than
 * OCI_REFERRERS_READ_MAX is read up to there (`truncated`). No referrers:
 * n == 0. AE_EINVAL for a listing that is not an OCI index; the client's
 * codes otherwise. `*out` NULL on failure. */
int oci_referrers_list(oci_referrers **out, oci_client *c, const char *subject,
		       ae_err *err);

/* Adds the descriptors of an OCI index held in `buf` to `into` (kept up to
 * OCI_REFERRERS_MAX, of other types than a Sigstore bundle up to
 * OCI_REFERRERS_OTHER_MAX, all counted in `total`). `cut`: the bytes are the
 * start of a longer document (a listing read up to its cap), so an end
 * mid-way is no error and sets `truncated`. The top level must be a JSON
 * object whose "manifests" is an array (once) and whose "mediaType", if
 * present, is OCI_MT_INDEX; each element is read strictly as a descriptor
 * and a malformed one is skipped. AE_EINVAL otherwise (`into` then keeps
 * what was added). Exposed for the fuzzer. */
int oci_index_scan(oci_referrers *into, const unsigned char *buf, size_t len,
		   bool cut, ae_err *err);

/* An empty list. AE_ERR out of memory. */
int oci_referrers_new(oci_referrers **out, ae_err *err);
void oci_referrers_free(oci_referrers *r);

/* Name of a state ("signature", "skipped", "other", "untried"). Cannot
 * fail. */
const char *oci_referrer_state_name(oci_referrer_state s);

typedef struct oci_pull_result {
	bool signed_; /* a Sigstore referrer was found */
	char referrer_digest[AE_DIGEST_STR_LEN]; /* the one written out */
	char artifact_type[256];
	uint64_t files; /* regular files extracted */
	/* every referrer considered (owned: oci_pull_result_dispose); the
	 * candidates carry their bundles, so a caller can put another one
	 * in place of the one written (the signer a pointer claims) */
	oci_referrers *referrers;
	/* oci_pull failed on the cache (local storage: a directory that
	 * cannot be made or read, an entry that is a symlink or no regular
	 * file), not on the registry; its message names the cache */
	bool cache_fault;
	/* oci_pull_tree: the layer is larger than the memory it may take
	 * (the result AE_ETOOBIG says nothing about the artifact: pull it
	 * into a directory with oci_pull instead) */
	bool mem_full;
} oci_pull_result;

/* Frees what a pull result owns. Cannot fail. */
void oci_pull_result_dispose(oci_pull_result *r);

/* ---- the push leg of `push` and `emit --push` (oci/push_bundle.c) ---- */

/* What a push did (oci_bundle_push). */
typedef struct oci_pushed {
	char tag[129];
	char tagged[1200];		  /* registry/repo:tag */
	char digest[AE_DIGEST_STR_LEN];	  /* the artifact's manifest digest */
	char referrer[AE_DIGEST_STR_LEN]; /* the signature referrer, or "" */
	size_t size;			  /* the manifest's length */
	char bundle[4096];		  /* the directory packed */
	const char *what;		  /* what a failure is about */
} oci_pushed;

/* What the caller decides for a push: the tag when REF has none (from
 * the artifact `digest` of the tree in `bundle`), and the client, made
 * only once the artifact is packed and its tag known. */
typedef struct oci_push_hooks {
	int (*tag)(char tag[129], const oci_ref *ref, const char *bundle,
		   const char *digest, void *ctx, ae_err *err);
	int (*client)(oci_client **out, const oci_ref *ref, void *ctx,
		      ae_err *err);
	void *ctx;
} oci_push_hooks;

/* Packs DIR/summary-bundle (or DIR), pushes it to REF `to` under REF's
 * tag, else h->tag's, and its attestation as the signature referrer. A
 * REF pinning another digest than the artifact's is AE_EVERIFY before any
 * request. Codes of oci_ref_parse, the artifact, the hooks and the
 * registry; out->what names what a failure is about. */
int oci_bundle_push(oci_pushed *out, const char *dir, const char *to,
		    const oci_push_hooks *h, ae_err *err);

/* push's report of `r`: "pushed REF@DIGEST" (REF escaped) and the
 * signature referrer, or one line of JSON {"reference", "digest", "tag",
 * "size", "referrer"}, appended to `out`. Codes of ae_buf_printf. */
int oci_pushed_report(ae_buf *out, const oci_pushed *r, bool json, ae_err *err);

/* ---- the reports of `referrers` and `pull` (oci/report.c) ---- */

/* The listing of `referrers`: "REF (N referrers, from the ...)" and a line
 * per referrer (artifact type escaped, digest, size), or, as `json`,
 * {"reference", "digest", "source", "total", "truncated", "manifests"}
 * (oras discover's entries), appended to `out`. `ref` is
 * "registry/repo@digest". AE_ERR ("cannot format the listing") when it
 * cannot be built. */
int oci_referrers_report(ae_buf *out, const char *ref, const char *digest,
			 const oci_referrers *r, bool json, ae_err *err);

/* The report of a pull of `digest` of `ref`'s repository into `dir`:
 * whether a signature is attached, and, when several referrers were
 * considered, what became of each (`chosen`: the index of the one in
 * place, (size_t)-1 for none), as text (values escaped) or compact JSON,
 * appended to `out`. AE_ERR ("cannot format the report") when the JSON
 * cannot be built. */
int oci_pull_report(ae_buf *out, const oci_ref *ref, const char *digest,
		    const char *dir, const oci_pull_result *res, size_t chosen,
		    bool json, ae_err *err);

/* Pulls manifest `digest` of `ref`'s repository into the cache `cache_dir`
 * (content-addressed: blobs/sha256/<hex>; each blob and manifest verified
 * for digest and size before it is kept) and extracts the single tar+gzip
 * layer into `dest_dir`, which must not exist (AE_EEXISTS); it is created
 * atomically by rename. Then every referrer is considered (issue 23 item
 * 5): each one listed as a Sigstore bundle (or untyped) is fetched by
 * digest, within OCI_REFERRER_CANDIDATES_MAX and OCI_REFERRER_BUNDLES_MAX,
 * and kept as a candidate when its manifest names `digest` as its subject,
 * OCI_SIGSTORE_TYPE as its artifactType and has one layer; the others are
 * skipped with the reason (out->referrers). The first candidate is written
 * as dest_dir/attestation.intoto.jsonl; choosing among them by signer is
 * the caller's (it needs the verifier). `c` NULL = offline: only the cache
 * is read (AE_ENOTFOUND when absent), the candidates from the cache's
 * record of `ref`'s repository (registry and repo; its tag and digest are
 * not read; online the client's repository is used): the same artifact in
 * two repositories has two records, each its own repository's
 * signatures (docs/oci.md). No record (never pulled online into this
 * cache, or by a build before records were kept per repository) is
 * AE_ENOTFOUND, not "unsigned". A digest or size mismatch of the artifact is
 * AE_EVERIFY and nothing is cached; a referrer that fails is skipped, unless
 * none is left and one failed transiently (AE_ETRANSIENT). */
int oci_pull(oci_pull_result *out, oci_client *c, const oci_ref *ref,
	     const char *digest, const char *cache_dir, const char *dest_dir,
	     ae_err *err);

/* oci_pull into memory (issue 17): the same checks, in the same order,
 * with the same results -- the manifest, the config, the layer verified
 * by digest and read by the one tar reader (every rule and cap of
 * oci_tar_extract_fd) -- but the layer is read into memory once, hashed
 * there, and its files kept in a new tree (*tree_out, free with
 * ae_tree_free) instead of a directory: nothing is written but the cache
 * (a download, stamped as oci_pull stamps it). The first signature is the
 * tree's attestation.intoto.jsonl. A layer over OCI_MEM_LAYER_MAX bytes,
 * or files over `cap` bytes in all: AE_ETOOBIG with out->mem_full (use
 * oci_pull). */
#define OCI_MEM_LAYER_MAX (64u << 20)
int oci_pull_tree(oci_pull_result *out, oci_client *c, const oci_ref *ref,
		  const char *digest, const char *cache_dir, uint64_t cap,
		  ae_tree **tree_out, ae_err *err);

/* Resolves `tag` to the manifest digest the registry names for it (HEAD,
 * Docker-Content-Digest). Only for --allow-unpinned-tag: the answer is the
 * registry's word, which the pulled bytes are then verified against. */
int oci_tag_resolve(char digest_out[AE_DIGEST_STR_LEN], oci_client *c,
		    const char *tag, ae_err *err);
/* The manifest digest `ref` names: its pin, else its tag's (oci_tag_resolve;
 * "latest" without a tag). AE_EINVAL for a tag without a client (c NULL:
 * offline). */
int oci_ref_digest(char digest_out[AE_DIGEST_STR_LEN], oci_client *c,
		   const oci_ref *ref, ae_err *err);

/* ---- tags (oci/tags.c) ---- */

#define OCI_TAGS_PAGE	   1000	      /* tags asked per page (?n=) */
#define OCI_TAGS_PAGES_MAX 64	      /* pages followed */
#define OCI_TAGS_BODY_MAX  (4u << 20) /* one page's body */

/* Lists the repository's tags (GET /v2/<name>/tags/list, paginated by
 * ?n= and &last=), at most `max`. *tags_out (free with oci_tags_free) holds
 * the valid tags in the registry's order. AE_ETOOBIG past `max` or the
 * page bound, AE_EINVAL for a list that is not one or holds a name that is
 * not a tag; the client's codes otherwise. */
int oci_tags_list(char ***tags_out, size_t *n_out, oci_client *c, size_t max,
		  ae_err *err);
/* Parses one page (bytes of a tag list) and appends its tags to
 * (*tags, *n), at most `max` in all; *page_out is the page's entry count.
 * On failure the tags parsed so far stay appended. Exposed for the
 * fuzzer. */
int oci_tags_parse(char ***tags, size_t *n, size_t max,
		   const unsigned char *buf, size_t len, size_t *page_out,
		   ae_err *err);
void oci_tags_free(char **tags, size_t n);

/* GETs the manifest (or index) `ref` (a tag or a "sha256:" digest) of the
 * client's repository into `out` (initialised here, at most
 * OCI_MANIFEST_MAX) and its sha256 digest into `digest_out`. By digest the
 * bytes must match it (AE_EVERIFY). `out` is empty on failure. */
int oci_manifest_get(ae_buf *out, char digest_out[AE_DIGEST_STR_LEN],
		     oci_client *c, const char *ref, ae_err *err);

/* The default cache: $XDG_CACHE_HOME/aicr-evidence, else
 * $HOME/.cache/aicr-evidence. AE_ETOOBIG when it does not fit. */
int oci_cache_default(char *out, size_t outsz, ae_err *err);

#endif /* AE_OCI_H */
