/* oci/internal.h -- what the files of oci/ share: credentials, the client
 * struct, the request engine and the tar writer. Used only inside oci/. */
#ifndef AE_OCI_INTERNAL_H
#define AE_OCI_INTERNAL_H

#include "evidence/core/http.h"
#include "oci/oci.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/types.h>

/* Registry credentials; wiped and freed by oci__creds_dispose. */
typedef struct oci_creds {
	char *user;
	char *pass;
} oci_creds;

/* Looks `host` up in a docker config.json (`auths.<host>.auth`). A missing
 * file or entry leaves `out` empty and returns 0. */
int oci__creds_from_docker_config(oci_creds *out, const char *path,
				  const char *host, ae_err *err);
void oci__creds_dispose(oci_creds *c);

/* A credential helper's answer on stdout, read at most this far. */
#define OCI_CREDHELPER_OUTPUT_MAX (64u << 10)

/* True iff `name` may follow "docker-credential-": [A-Za-z0-9._-], 1..64
 * bytes, not starting with '.' or '-'. Cannot fail. */
bool oci__credhelper_name_ok(const char *name);
/* Runs `docker-credential-NAME get` (found on PATH) with `server` on stdin
 * (oci/credhelper.c). "credentials not found" leaves `out` empty and
 * returns 0; a helper that cannot run, fails or answers badly is an error
 * that never quotes its output. */
int oci__creds_from_helper(oci_creds *out, const char *name, const char *server,
			   ae_err *err);
/* Parses a helper's answer {"Username", "Secret"} strictly into `out`
 * (empty on failure). `name` is only for messages. */
int oci__creds_from_helper_output(oci_creds *out, const char *name,
				  const unsigned char *buf, size_t len,
				  ae_err *err);

struct oci_client {
	ae_http_conn *conn;   /* the one engine's connection (kept alive) */
	char base[512];	      /* scheme://host:port */
	ae_url origin;	      /* the registry: where credentials belong */
	ae_deadline deadline; /* the operation's (--timeout), or none */
	char host[256];	      /* registry host[:port] as in the reference */
	char repo[256];
	bool plain_http;
	bool insecure_tls;
	bool push;
	char *ca_file;
	oci_creds creds;
	bool send_basic; /* the registry asked for Basic */
	char *bearer;	 /* current token (wiped on free) */
	unsigned attempts;
	unsigned base_ms;
	unsigned budget_ms;
	uint64_t chunk_min;
	oci_progress_fn progress;
	void *progress_ctx;
	ae_http_try last_try; /* of the last transfer: cc, errbuf, ... */
	long last_status;     /* of the last exchange, 0 when none answered */
	ae_http_fault last_fault; /* of the last failed transfer */
};

/* One HTTP exchange. The caller fills the request half; the engine the
 * response half. Bodies: from memory (`body`) or from the layer
 * `body_layer`, from offset `body_off` to `body_len` (hashed into
 * `body_hash` when set). Responses: into `resp` (capped by its max) or
 * `resp_fd` (capped by `resp_max`, hashed into `resp_hash`). `reader`,
 * when set, is an extractor lent each piece written to resp_fd -- the
 * bytes hashed (oci__untar_stream_lend) -- and cut when a retry would
 * have to resend some (`tee_cut`: it missed bytes; resp_fd alone is
 * rewound). */
typedef struct oci_req {
	oci_client *client;
	const char *method;
	char url[4096];
	ae_url target;	   /* `url` as judged (oci__req_init) */
	uint64_t expected; /* bytes it should move: its time limit */
	unsigned hops;	   /* redirects followed */
	const char *accept;
	const char *content_type;
	char content_range[48]; /* chunked PATCH: "start-end" */
	const unsigned char *body;
	uint64_t body_len;
	oci_layer *body_layer;
	uint64_t body_off;
	ae_sha256_ctx *body_hash;
	bool has_body;
	ae_buf *resp;
	int resp_fd;
	uint64_t resp_max;
	ae_sha256_ctx *resp_hash;
	bool follow;		 /* follow redirects (blob GET only) */
	const char *what;	 /* for progress, e.g. a digest */
	uint64_t progress_base;	 /* bytes of `what` sent before this request */
	uint64_t progress_total; /* all bytes of `what` */
	bool foreign;		 /* URL on another origin: no credentials */
	bool token_req;		 /* to the token realm: Basic only, no rounds */
	uint64_t body_start;	 /* body_off at the start of an attempt */
	/* response */
	long status;
	curl_off_t content_length;
	char location[4096];
	char digest[AE_DIGEST_STR_LEN + 8];
	char www_auth[OCI_AUTH_HEADER_MAX + 1];
	bool www_auth_big;
	int64_t retry_after_ms; /* Retry-After of the answer, -1 when none */
	char link[1024]; /* a Link header with rel="next" (referrers pages) */
	bool oci_subject;
	bool resp_cut_ok; /* `resp` full: stop reading, keep what fits */
	bool resp_cut;	  /* ... and that happened */
	struct oci_untar_stream *reader; /* fed what goes to resp_fd */
	bool tee_cut; /* a retry started over: reader missed bytes */
	/* resp_fd bytes not written yet (one attempt): gathered in
	 * wbuf[wcur] while the extractor may still read the other one, lent
	 * at the last flush (oci/http.c) */
	unsigned char *wbuf[2];
	unsigned wcur;
	size_t wlen;
	uint64_t got;	/* response body bytes received */
	bool resp_over; /* the body passed its cap */
	int io_errno;	/* a local write failed */
} oci_req;

/* Prepares a request: method, url = `path` resolved against the registry
 * (a path starting with '/', or an absolute URL such as an upload
 * session's Location) and judged by the URL policy (evidence/core/http.h):
 * plain http only with --registry-plain-http and only to loopback, no
 * userinfo. A URL on another origin is `foreign`: no credential goes to
 * it. AE_EINVAL for a URL the policy refuses. */
int oci__req_init(oci_req *r, oci_client *c, const char *method,
		  const char *path, ae_err *err);

/* Performs the request with authentication (one bearer round per 401) and,
 * when `retry` is set, the bounded retries of transient failures. Returns 0
 * with r->status set for any HTTP answer not retried away; AE_ETRANSIENT
 * when the budget is spent; AE_EAUTH on a second 401; AE_EINVAL on TLS or
 * protocol failures. */
int oci__send(oci_client *c, oci_req *r, bool retry, ae_err *err);

/* True iff an HTTP status is transient: the engine's one table
 * (ae_http_status_transient). Cannot fail. */
#define oci__status_transient(status) ae_http_status_transient(status)

/* Sleeps before attempt `attempt` (1-based count of failures so far):
 * the engine's backoff (ae_http_backoff_ms: Retry-After when given, else
 * base doubling to AE_HTTP_BACKOFF_CAP_MS = OCI_RETRY_CAP_MS with ±25 %
 * jitter). Returns AE_ETRANSIENT (message names `why` and the count)
 * when attempts or the time budget are spent; `*waited_ms` accumulates. */
int oci__retry_wait(oci_client *c, unsigned attempt, int64_t retry_after_ms,
		    uint64_t *waited_ms, const char *why, ae_err *err);

/* Unexpected status → AE_EINVAL (or AE_ENOTFOUND for 404, AE_EAUTH for
 * 401/403) with a one-line message. */
int oci__status_fail(const oci_req *r, const char *what, ae_err *err);

/* Uploads `len` bytes of memory as blob `digest` unless the registry
 * already has it. */
int oci__blob_push_mem(oci_client *c, const unsigned char *data, size_t len,
		       const char *digest, ae_err *err);

/* PUTs manifest bytes under `ref` (a tag or a digest) with `media_type`;
 * the returned Docker-Content-Digest must equal sha256(body). Sets
 * *subject_out when the registry answered OCI-Subject. */
int oci__manifest_put(oci_client *c, const unsigned char *body, size_t len,
		      const char *media_type, const char *ref,
		      bool *subject_out, ae_err *err);

/* GETs the fallback referrers index of `subject_digest` into `out` (empty
 * on 404). */
int oci__index_get(ae_buf *out, oci_client *c, const char *subject_digest,
		   ae_err *err);

/* Parses one descriptor object (JSON bytes) strictly, as manifests and
 * indexes read theirs (oci/artifact.c). AE_EINVAL otherwise. */
int oci__desc_parse(oci_desc *out, const unsigned char *buf, size_t len,
		    ae_err *err);

/* ---- referrers of a pulled artifact (oci/referrers.c) ---- */

/* How oci/referrers.c reads a manifest ("manifests") or blob ("blobs")
 * through the pull's cache: the verified bytes of `digest` into `out`
 * (initialised here), at most `cap` (`size` when `size_known`); `ctx` is
 * the pull's. Codes of the pull (AE_ENOTFOUND offline and not cached). */
typedef int (*oci__fetch_small_fn)(ae_buf *out, void *ctx, const char *kind,
				   const char *digest, uint64_t size,
				   bool size_known, size_t cap,
				   const char *accept, ae_err *err);

/* Lists the referrers of `subject` (online with `c`; offline, c NULL,
 * from the record at `record`, a file of referrer digests the last online
 * pull of that repository wrote: AE_ENOTFOUND when there is none) and
 * fetches each signature among them through `fetch`, judging it
 * (oci_pull's contract in oci.h); online, rewrites `record` with the
 * candidates' digests (empty when there are none). `*out` NULL on
 * failure. */
int oci__referrers_collect(oci_referrers **out, oci_client *c,
			   const char *subject, const char *record,
			   oci__fetch_small_fn fetch, void *ctx, ae_err *err);

/* Fills the digests of an artifact whose layer is hashed and builds its
 * manifest bytes and digest (oci/artifact.c). */
int oci__artifact_seal(oci_artifact *a, ae_err *err);

/* ---- the layer (oci/tar.c) ---- */

/* Lists `dir` and lays its deterministic tar+gzip layer out (sizes and
 * offsets, so the layer size is known); reads no file and hashes nothing.
 * AE_EINVAL for what cannot be packed (symlinks, devices, names that are
 * not plain), AE_ETOOBIG past OCI_TAR_ENTRIES_MAX, OCI_TAR_DEPTH_MAX or
 * OCI_LAYER_MAX. `*out` NULL on failure; free with oci__layer_free. */
int oci__layer_open(oci_layer **out, const char *dir, ae_err *err);

/* The hashing pass: reads every file once for the tar digest, the layer
 * digest and the CRC-32 of the trailer. A no-op when already hashed. On
 * failure the layer stays unhashed. */
int oci__layer_hash(oci_layer *l, ae_err *err);

/* Streaming, for a layer not hashed yet: begin resets the tar digest and
 * the CRC-32, which then follow the tar bytes as oci__layer_pread returns
 * them in order from offset 0 (a read elsewhere does not count, and the
 * trailer cannot be read until every tar byte was); end, after the whole
 * layer was read, records `gz_digest` (the sha256 of the bytes read, which
 * the caller computed) and the tar digest: the layer is then hashed. A
 * retried upload calls begin again. AE_ERR when the stream was not read in
 * order. */
int oci__layer_stream_begin(oci_layer *l, ae_err *err);
int oci__layer_stream_end(oci_layer *l, const char *gz_digest, ae_err *err);

/* True once the digests are known (oci__layer_hash or a finished stream).
 * Cannot fail. */
bool oci__layer_hashed(const oci_layer *l);

/* The tar digest, the layer (gzip) digest and size, the entry count; the
 * digests are empty strings until the layer is hashed. */
void oci__layer_describe(const oci_layer *l, char tar_digest[],
			 char gz_digest[], uint64_t *size_out,
			 size_t *entries_out);

/* Reads up to n layer bytes at `off` from the bundle's files, as pread(2):
 * the count (short only at the end), or -1 with errno set and the reason
 * in oci__layer_error (a file gone or resized since oci__layer_open). */
ssize_t oci__layer_pread(oci_layer *l, void *buf, size_t n, uint64_t off);

/* Why the last oci__layer_pread failed (borrowed; "" if it did not). */
const char *oci__layer_error(const oci_layer *l);

void oci__layer_free(oci_layer *l);

/* ---- pull (oci/pull.c, oci/pull_layer.c) ---- */

#define OCI__PULL_PATH_MAX 4096

/* What every step of one pull shares. */
typedef struct oci__pull_ctx {
	oci_client *c; /* NULL: offline */
	char cache[OCI__PULL_PATH_MAX];
	bool *cache_fault; /* set when the cache itself failed */
	/* the repository pulled from: the key of the referrers record */
	char registry[256];
	char repo[256];
} oci__pull_ctx;

/* A fault of the cache itself -- local storage, not the registry: a
 * directory that cannot be made or read, an entry that is a symlink or no
 * regular file, a file that cannot be created or renamed. Prefixes the
 * message with "cache DIR: " and sets *p->cache_fault. Returns rc. */
int oci__pull_cache_fault(const oci__pull_ctx *p, int rc, ae_err *err);

/* True iff `sha` is the digest `want`. Cannot fail. */
bool oci__pull_sha_is(const unsigned char sha[AE_SHA256_LEN], const char *want);

/* An extraction to run while a blob downloads (oci__pull_fetch). */
typedef struct oci__pull_follow {
	bool gzip;
	const char *dest;	/* a private temp directory */
	const char *tar_digest; /* as in oci__untar_opts, or NULL */
	/* out: the extractor fed the download as it arrives, or NULL when it
	 * could not start; the caller finishes it, whatever the result */
	struct oci_untar_stream *stream;
	bool whole; /* out: it saw every byte, in one attempt */
} oci__pull_follow;

/* Downloads blob or manifest `digest` into a private temp file in the
 * cache, hashed while it streams (and, with `follow`, extracted as it
 * arrives by a second thread fed the very bytes hashed), and renames
 * it to `path` once size (at most `cap`) and digest match. On success
 * *fd_out is that file, opened by us (mode 0600): the very bytes that were
 * hashed, which no other user can change, whatever happens to `path`
 * afterwards; *got_out its size. AE_EVERIFY on a mismatch (nothing kept). */
int oci__pull_fetch(int *fd_out, uint64_t *got_out, const oci__pull_ctx *p,
		    const char *path, const char *kind, const char *digest,
		    uint64_t cap, const char *accept, oci__pull_follow *follow,
		    ae_err *err);

/* Extracts the artifact's `layer` (cached at `path`) into `tmpdir`
 * (private, empty), from the cache or the registry (oci/pull_layer.c).
 * AE_ENOTFOUND offline when not cached; the extractor's codes otherwise. */
int oci__pull_layer(const oci__pull_ctx *p, const char *path,
		    const oci_desc *layer, bool gzip, const char *tmpdir,
		    ae_err *err);

/* oci__pull_layer into memory (oci/pull_mem.c): the layer read whole
 * into memory (at most OCI_MEM_LAYER_MAX bytes: AE_ETOOBIG and `tree`
 * marked full past it), hashed there, and those bytes extracted into
 * `tree`; downloaded first when not cached (online). */
int oci__pull_layer_tree(const oci__pull_ctx *p, const char *path,
			 const oci_desc *layer, bool gzip, ae_tree *tree,
			 ae_err *err);

/* Stamps the verified download `fd` as ours for `layer` (oci/pull_layer.c,
 * docs/threat-model.md C1c). Best effort. */
void oci__pull_stamp(int fd, const oci_desc *layer, const char *tar_digest);

/* ---- the gzip CRC-32 (oci/crc32.c) ---- */

/* zlib's crc32_z, the same value for the same arguments (crc 0 and no
 * bytes start one), carry-less multiplying where the processor can.
 * Cannot fail. */
uint32_t oci__crc32(uint32_t crc, const void *buf, size_t len);

/* ---- reading a layer's tar (oci/untar.c, oci/untar_hdr.c) ---- */

#define OCI__TAR_BLOCK	     512
#define OCI__TAR_NAME_MAX    4096	   /* a full entry name */
#define OCI__TAR_META_MAX    (64u * 1024u) /* one PAX or GNU long-name body */
#define OCI__PAX_RECORDS_MAX 128	   /* records in one PAX header */
/* Bytes of unverified input (a layer whose digest is not known good yet)
 * may inflate to at most OCI__UNVERIFIED_RATIO times the compressed bytes
 * read so far, plus OCI__UNVERIFIED_SLACK; past that, extraction gives up
 * and waits for the digest (a bomb a registry substitutes for a layer
 * costs at most that much before the digest check throws it away). Our
 * own layers (stored blocks) inflate 1:1; gzip -9 of JSON and YAML is
 * about 10:1. */
#define OCI__UNVERIFIED_RATIO 32
#define OCI__UNVERIFIED_SLACK (4u << 20)

/* One header block as read (oci__tar_header). */
typedef struct oci__tar_hdr {
	char type;     /* typeflag */
	uint64_t size; /* body bytes that follow (before PAX size) */
	char name[OCI__TAR_NAME_MAX]; /* POSIX: prefix/name; GNU: name */
} oci__tar_hdr;

/* The records of a PAX header that change how an entry is read. */
typedef struct oci__pax {
	char path[OCI__TAR_NAME_MAX];
	bool has_path;
	uint64_t size;
	bool has_size;
} oci__pax;

/* Parses a NUL/space-terminated octal field of width w. */
int oci__tar_octal(uint64_t *out, const unsigned char *f, size_t w,
		   ae_err *err);

/* Decodes a non-zero header block: AE_EINVAL for what Go's archive/tar or
 * GNU tar would refuse or read differently (see oci/untar_hdr.c). */
int oci__tar_header(oci__tar_hdr *out, const unsigned char h[OCI__TAR_BLOCK],
		    ae_err *err);

/* Parses the records of a PAX header body (`global`: a 'g' header).
 * AE_EINVAL for a malformed or refused record; AE_ETOOBIG past
 * OCI__PAX_RECORDS_MAX. */
int oci__tar_pax(oci__pax *out, const char *rec, size_t n, bool global,
		 ae_err *err);

/* How oci__tar_extract reads a layer. */
typedef struct oci__untar_opts {
	/* "sha256:..." the plain tar must hash to (the ORAS
	 * io.deis.oras.content.digest annotation; ORAS hashes the bytes up
	 * to the end-of-archive marker), or NULL */
	const char *tar_digest;
	/* the bytes are not verified yet: bound inflation by
	 * OCI__UNVERIFIED_RATIO (oci__tar_extract then reports *gave_up) */
	bool unverified;
} oci__untar_opts;

/* Reads up to n bytes into buf: *got 0 only at the end of the input. */
typedef int (*oci__read_fn)(void *ctx, unsigned char *buf, size_t n,
			    size_t *got, ae_err *err);

/* oci__tar_extract with the input from `read` instead of a descriptor. */
int oci__tar_extract_from(oci__read_fn read, void *ctx, bool gzip,
			  const char *dest, const oci__untar_opts *o,
			  bool *gave_up, ae_err *err);

/* Lends the next *got bytes of the input at *p, unchanged until the next
 * call (which means they were read); *got 0 only at the end. */
typedef int (*oci__lend_fn)(void *ctx, const unsigned char **p, size_t *got,
			    ae_err *err);

/* oci__tar_extract with the input lent by `lend`: gzip is inflated
 * straight from the lent memory, a plain tar copied out of it. */
int oci__tar_extract_lent(oci__lend_fn lend, void *ctx, bool gzip,
			  const char *dest, const oci__untar_opts *o,
			  bool *gave_up, ae_err *err);

/* oci__tar_extract_lent with an in-memory sink: every rule, cap and
 * message of the extraction to a directory, the files' bytes kept in
 * `tree` (empty) instead of written; AE_ETOOBIG with ae_tree_full(tree)
 * when they pass the tree's cap (extract to a directory then). */
int oci__tar_extract_tree(oci__lend_fn lend, void *ctx, bool gzip,
			  ae_tree *tree, const oci__untar_opts *o, ae_err *err);

/* oci_tar_extract_fd with options. *gave_up (may be NULL) is set when
 * unverified input passed the ratio: the result (AE_ETOOBIG) says nothing
 * about the layer, which must be extracted again once verified. Every
 * other result is the verdict on these bytes. */
int oci__tar_extract(int fd, bool gzip, const char *dest,
		     const oci__untar_opts *o, bool *gave_up, ae_err *err);

/* ---- extraction while a layer is read (oci/untar_stream.c) ---- */

typedef struct oci_untar_stream oci_untar_stream;

/* Starts extracting, on a second thread, the tar (gzip: tar+gzip) that
 * will be lent with oci__untar_stream_lend into `dest`, a private temp
 * directory the caller deletes unless the bytes turn out verified; the
 * input is unverified (OCI__UNVERIFIED_RATIO applies). `tar_digest` as in
 * oci__untar_opts (copied). `*out` NULL on failure (AE_ERR: no memory, no
 * thread). */
int oci__untar_stream_start(oci_untar_stream **out, bool gzip, const char *dest,
			    const char *tar_digest, ae_err *err);

/* Lends the extractor the next `n` bytes of the input: it reads them
 * where they are, while the caller may read (hash, write) them too, until
 * the caller takes them back -- oci__untar_stream_wait, or the next lend,
 * which first waits until the extractor is through with the piece lent
 * before. The caller changes or frees a lent piece only after that (so
 * two buffers let the next piece be received while the extractor reads
 * this one). So what is extracted is exactly what the caller lent -- the
 * bytes it hashed -- and nothing is read back from a file or copied.
 * Dropped once the extractor stopped (the archive's end, a failure) or
 * the input was cut. Cannot fail. */
void oci__untar_stream_lend(oci_untar_stream *s, const void *buf, size_t n);

/* Waits until the extractor is through with the lent bytes (read them
 * all, or stopped). Cannot fail. */
void oci__untar_stream_wait(oci_untar_stream *s);

/* oci__untar_stream_lend and oci__untar_stream_wait. Cannot fail. */
void oci__untar_stream_feed(oci_untar_stream *s, const void *buf, size_t n);

/* The input starts over (a retry rewrites the download): the extraction
 * fails as cut ("the download started over"). Cannot fail. */
void oci__untar_stream_cut(oci_untar_stream *s);

/* Ends the input, waits for the extractor and frees `s` (NULL: a
 * no-op returning 0). Returns the extractor's result: 0, or its code and
 * message (an archive cut short when the writer stopped early); *gave_up
 * (may be NULL) as oci__tar_extract sets it. */
int oci__untar_stream_finish(oci_untar_stream *s, bool *gave_up, ae_err *err);

#endif /* AE_OCI_INTERNAL_H */
