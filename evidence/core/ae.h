/* evidence/core/ae.h -- the shared base: errors, capped buffers, bounded I/O,
 * hashing, encodings.
 *
 * Every module of aicr-evidence stands on this header and nothing else of the
 * project: it holds no evidence logic, only the habits every module shares
 * (STYLE §3.5, §3.7). Nothing here prints or exits. Functions return 0 or a
 * negative AE_E* code and leave a one-line reason in the caller's ae_err.
 */
#ifndef AE_CORE_H
#define AE_CORE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Error codes: negative, append-only (curl: never remove one). */
enum {
	AE_OK = 0,
	AE_ERR = -1,	    /* internal: bug, out of memory */
	AE_EINVAL = -2,	    /* input breaks a format rule */
	AE_ETOOBIG = -3,    /* a cap was hit */
	AE_ENOTFOUND = -4,  /* the thing asked for does not exist */
	AE_EVERIFY = -5,    /* a cryptographic or policy check failed */
	AE_EAUTH = -6,	    /* credentials refused */
	AE_ETRANSIENT = -7, /* may pass on retry: no verdict */
	AE_EIO = -8,	    /* the operating system refused an operation */
	AE_EEXISTS = -9,    /* the destination already exists and differs */
};

#define AE_ERR_MSG_MAX 256

/* The error slot each operation carries, last argument of every call. The
 * first failure recorded wins: later ae_fail calls keep its message. */
typedef struct ae_err {
	int code;
	char msg[AE_ERR_MSG_MAX];
} ae_err;

/* Records `code` and the formatted one-line reason in `err` unless a reason
 * is already set; returns `code` so callers write `return ae_fail(...)`.
 * `err` may be NULL. */
int ae_fail(ae_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int ae_failv(ae_err *err, int code, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* Forgets a recorded failure so the slot can be reused. Cannot fail. */
void ae_err_clear(ae_err *err);

/* Name of an AE_E* code ("invalid input", ...). Cannot fail. */
const char *ae_err_name(int code);

/* Escapes untrusted bytes for a message, like Redis sdscatrepr: printable
 * ASCII kept, quotes, backslash and everything else escaped, cut at
 * AE_REPR_MAX input bytes with a trailing "...". Writes into `out` (size
 * `outsz`, at least 8) and returns it. Cannot fail. */
#define AE_REPR_MAX 64
#define AE_REPR_BUF (AE_REPR_MAX * 4 + 8)
const char *ae_repr(char *out, size_t outsz, const void *data, size_t len);

/* Fails closed on a programming error: aborts under the sanitizer build,
 * returns AE_ERR naming the expression otherwise (libgit2 assert_safe.h). */
#ifdef AE_DEBUG_ASSERT
#include <stdlib.h>
#define AE_ASSERT_ARG(expr, err)                                               \
	do {                                                                   \
		if (!(expr))                                                   \
			abort();                                               \
	} while (0)
#else
#define AE_ASSERT_ARG(expr, err)                                               \
	do {                                                                   \
		if (!(expr))                                                   \
			return ae_fail((err), AE_ERR,                          \
				       "invalid argument: '%s'", #expr);       \
	} while (0)
#endif

/* ---- capped growable buffer (curl dynbuf) ---- */

/* A byte buffer born with a maximum. `data` is always NUL-terminated after a
 * successful append (the NUL is not counted in `len`), so text can be used as
 * a C string once checked for embedded NULs. */
typedef struct ae_buf {
	unsigned char *data;
	size_t len;
	size_t alloc;
	size_t max;
} ae_buf;

#define AE_BUF_INIT(cap)                                                       \
	{                                                                      \
		NULL, 0, 0, (cap)                                              \
	}

/* Prepares an empty buffer that may grow to `max` bytes. Cannot fail. */
void ae_buf_init(ae_buf *b, size_t max);
/* Frees the inside of `b` and leaves it empty, ready for reuse. */
void ae_buf_dispose(ae_buf *b);
/* Appends `len` bytes. Past `max`: AE_ETOOBIG and the buffer is emptied
 * (curl dynbuf). Out of memory: AE_ERR, buffer emptied. */
int ae_buf_put(ae_buf *b, const void *data, size_t len, ae_err *err);
int ae_buf_puts(ae_buf *b, const char *s, ae_err *err);
int ae_buf_printf(ae_buf *b, ae_err *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int ae_buf_vprintf(ae_buf *b, ae_err *err, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
/* Hands the bytes to the caller (free with free()) and empties `b`. Returns
 * NULL for an empty buffer. */
unsigned char *ae_buf_detach(ae_buf *b, size_t *len_out);

/* ---- bounded file I/O (signify readmsg, reference §9.4) ---- */

/* Reads the regular file `name` (relative to `dirfd`, or AT_FDCWD) into `out`
 * (initialised by this call), refusing symlinks (O_NOFOLLOW), directories,
 * FIFOs and devices, and anything over `cap` bytes at fstat or while reading.
 * Returns AE_ENOTFOUND (missing), AE_ETOOBIG (over cap), AE_EINVAL (not a
 * regular file, symlink), AE_EIO (other errno), AE_ETRANSIENT (EIO, ESTALE,
 * ETIMEDOUT). On failure `out` is empty. */
int ae_read_file(ae_buf *out, int dirfd, const char *name, size_t cap,
		 ae_err *err);

/* Opens a regular file for reading with the same refusals as ae_read_file;
 * stores the fd and its size. The caller closes the fd. */
int ae_open_regular(int *fd_out, uint64_t *size_out, int dirfd,
		    const char *name, ae_err *err);

/* Writes `len` bytes to the output `name` in `dirfd`; every file the tool
 * writes goes through here. What is at `name` decides how (docs/cli.md):
 * - nothing, or a regular file: atomically -- a temp file created O_EXCL in
 *   the same directory, write all, fsync, rename. On failure nothing is
 *   left behind and the old file (if any) is unchanged.
 * - a character device, a FIFO (with a reader: none is an error, never a
 *   wait) or a Unix stream socket: written to directly, never replaced.
 * - a symlink (not followed, like every read), a directory, a block
 *   device: refused, AE_EINVAL, nothing written. */
int ae_write_atomic(int dirfd, const char *name, const void *data, size_t len,
		    mode_t mode, ae_err *err);

/* Creates the file `name` in `dirfd` with `len` bytes, only if nothing is
 * at `name` (no file, symlink, FIFO, directory): the finished temp file is
 * put there in one step that never replaces (renameat2 RENAME_NOREPLACE,
 * else link(2)), so there is no window between a check and the write.
 * AE_EEXISTS when something is there; nothing is left behind on failure. */
int ae_write_new(int dirfd, const char *name, const void *data, size_t len,
		 mode_t mode, ae_err *err);

/* Writes a cache entry of the tool's own: always a temp file and a rename,
 * so whatever else is at `name` (a symlink, a FIFO, a device a co-tenant
 * planted) is replaced, never followed or written to. Only for files under
 * a cache directory; user-named outputs use ae_write_atomic. */
int ae_write_cache_entry(int dirfd, const char *name, const void *data,
			 size_t len, mode_t mode, ae_err *err);

/* The same for a file of a tree the tool extracts (pull's destination, a
 * verifier's scratch directory), without the fsync: the files extracted
 * beside it are not synced either, and a scratch tree is removed when the
 * run ends (one fsync per bundle verified was 6% of `ledger --verify`). */
int ae_write_tree_file(int dirfd, const char *name, const void *data,
		       size_t len, mode_t mode, ae_err *err);

/* ---- temp files removed on an interrupt (tmpreg.c) ---- */

/* A temp being made. Claim it before the call that creates it and end the
 * claim with its name right after, so no interrupt falls between the two:
 *
 *	ae_tmp_claim c;
 *	ae_tmp_claim_begin(&c);
 *	fd = mkostemp(tmp, O_CLOEXEC);
 *	slot = ae_tmp_claim_end(&c, AT_FDCWD, fd >= 0 ? tmp : NULL, false);
 *
 * Between the two, SIGINT, SIGTERM and SIGHUP are held in this thread
 * (taken at the end, once the temp is registered): keep only the creating
 * call there. */
typedef struct ae_tmp_claim {
	int slot;
	unsigned long held[16]; /* the thread's signal mask before (sigset_t) */
} ae_tmp_claim;
void ae_tmp_claim_begin(ae_tmp_claim *c);
/* Registers the temp file (or, with `tree`, the temp directory and all in
 * it) `name` relative to `dirfd` for ae_tmp_remove_all, until ae_tmp_forget;
 * `name` NULL when nothing was made. `dirfd` must stay open meanwhile.
 * Returns the slot, or -1 when nothing was made, the table was full or the
 * name is too long (then only the writer's own cleanup runs). Cannot fail
 * otherwise; safe from several threads. */
int ae_tmp_claim_end(ae_tmp_claim *c, int dirfd, const char *name, bool tree);
/* Forgets a slot from ae_tmp_claim_end (-1 is fine). Cannot fail. */
void ae_tmp_forget(int slot);
/* Removes every registered temp, after waiting (2 s at most) for claims
 * in other threads to end; async-signal-safe, for a SIGINT/SIGTERM
 * handler. Best effort: errors are ignored. */
void ae_tmp_remove_all(void);

/* Creates `path` and its parents as directories (mode 0755); existing
 * directories are fine, a symlink or file in the way is AE_EINVAL. */
int ae_mkdir_p(const char *path, ae_err *err);

/* Is the directory `path` out of other users' reach (pathsafe.c)? 0 when
 * every directory from / down to it -- along the path as given and along
 * where its symlinks lead -- is owned by the effective uid or root and
 * writable by nobody else unless sticky; else -1 with the first directory
 * that fails, and why, in `why` (also when one cannot be examined).
 * Whoever may write to a parent may rename a directory of ours away and
 * put theirs at its path. Cannot fail otherwise. */
int ae_path_guarded(const char *path, char *why, size_t whysz);

/* ---- OpenSSL start-up (evidence/core/openssl.c) ---- */

/* Called once by main before anything else uses libcrypto: no cleanup
 * at exit, HASH-DRBG/SHA-256 as the default generator unless openssl.cnf
 * has a [random] section. -1 when OpenSSL was already started (its defaults
 * then stand: a cost, never a fault). */
int ae_openssl_init(void);

/* ---- hashing ---- */

#define AE_SHA256_LEN	  32
#define AE_SHA256_HEX_LEN 64
/* "sha256:" + 64 hex + NUL */
#define AE_DIGEST_STR_LEN (7 + AE_SHA256_HEX_LEN + 1)

/* One-shot SHA-256. Cannot fail (aborts never; OpenSSL one-shot). */
void ae_sha256(unsigned char out[AE_SHA256_LEN], const void *data, size_t len);

/* Streaming SHA-256 over an opaque OpenSSL context. */
typedef struct ae_sha256_ctx ae_sha256_ctx;
int ae_sha256_new(ae_sha256_ctx **out, ae_err *err);
void ae_sha256_update(ae_sha256_ctx *ctx, const void *data, size_t len);
void ae_sha256_final(ae_sha256_ctx *ctx, unsigned char out[AE_SHA256_LEN]);
void ae_sha256_free(ae_sha256_ctx *ctx);

/* Hashes an open fd from its current offset to EOF with a large buffer;
 * stores the byte count. AE_EIO on a read error. */
int ae_sha256_fd(unsigned char out[AE_SHA256_LEN], uint64_t *size_out, int fd,
		 ae_err *err);

/* Lowercase hex of `len` bytes into `out` (2*len+1 bytes). Cannot fail. */
void ae_hex_encode(char *out, const unsigned char *data, size_t len);
/* The value of the hex digit `c` in either case (0-15), or -1. */
int ae_hex_digit(char c);
/* Formats "sha256:<hex>" into out[AE_DIGEST_STR_LEN]. Cannot fail. */
void ae_digest_format(char out[AE_DIGEST_STR_LEN],
		      const unsigned char sha[AE_SHA256_LEN]);
/* True iff `s` is exactly "sha256:" + 64 lowercase hex. Cannot fail. */
bool ae_digest_is_valid(const char *s);
/* True iff `s` is exactly `n` lowercase hex characters. Cannot fail. */
bool ae_is_lower_hex(const char *s, size_t n);

/* ---- base64 (RFC 4648 §4, strict: padding required, no whitespace) ---- */

/* Decodes standard base64 into a new buffer (free()); AE_EINVAL on any
 * non-canonical input. `*out` is NULL on failure. */
int ae_base64_decode(unsigned char **out, size_t *out_len, const char *in,
		     size_t in_len, ae_err *err);
/* Encodes into a new NUL-terminated string (free()). AE_ERR on OOM. */
int ae_base64_encode(char **out, const void *data, size_t len, ae_err *err);

/* ---- small text helpers ---- */

/* True iff `s` is one plain ASCII path element: non-empty, at most 255 bytes,
 * printable ASCII without '/', '\\', not starting with '.', no control bytes.
 * Cannot fail. */
bool ae_path_element_is_plain(const char *s);

/* True iff the `len` bytes contain a NUL. Cannot fail. */
bool ae_has_nul(const void *data, size_t len);

/* qsort/bsearch comparator of (const char *) elements, bytewise. */
int ae_strptr_cmp(const void *a, const void *b);

/* ---- container image references (evidence/core/imgref.c) ---- */

/* `[host/]path[:tag][@digest]` split the way container runtimes read it:
 * pointers into the string, lengths without a NUL. `tag` is NULL when there
 * is no ':' after the last '/' (an untagged image: a runtime pulls
 * :latest), `digest` NULL when there is no '@'; `host` NULL when the first
 * component is no registry host (Docker Hub). */
typedef struct ae_imgref {
	const char *host, *path, *tag, *digest;
	size_t host_len, path_len, tag_len, digest_len;
} ae_imgref;

/* Splits `s` (NUL-terminated). Cannot fail: a part may be empty. */
void ae_imgref_split(ae_imgref *r, const char *s);
/* True iff the reference carries a well-formed sha256 digest (it pins the
 * image whatever the tag). */
bool ae_imgref_pinned(const ae_imgref *r);
/* True iff the tag is exactly `tag`. */
bool ae_imgref_tag_is(const ae_imgref *r, const char *tag);

/* ---- RFC 3339 date-times (evidence/core/time.c) ----
 *
 * The one reader of dates in the tree: "YYYY-MM-DDTHH:MM:SSZ" with the
 * proleptic Gregorian calendar's real ranges (month 01-12, the month's
 * days, 29 February in leap years only, hour 00-23, minute and second
 * 00-59), years 0000-9999, no time zone or timegm. Each flag lets in
 * what one format allows beyond that (docs/formats.md "Dates" says which
 * caller takes which). */
#define AE_TIME_LOWER	   0x01u /* 't' and 'z' as well (RFC 3339 §5.6) */
#define AE_TIME_FRAC9	   0x02u /* a fraction of 1-9 digits */
#define AE_TIME_FRAC	   0x04u /* a fraction of 1 or more digits */
#define AE_TIME_OFFSET	   0x08u /* an offset +HH:MM / -HH:MM (00-23, 00-59) */
#define AE_TIME_UTC_OFFSET 0x10u /* the offset "+00:00" only */
#define AE_TIME_LEAP	   0x20u /* second 60, counted as :59 plus one */

/* The formats, one name each: a format read in two places is one set.
 * Go's time.Time (RFC3339Nano; a predicate's attestedAt, a snapshot's
 * timestamp): any fraction, any offset, no leap second. The Sigstore
 * protobuf Timestamp JSON (the trusted root's and the signing config's
 * validFor): protojson's 1-9 fraction digits, "Z" or "+00:00". TUF
 * "expires", `trust --at`: RFC 3339 as written, lower case included.
 * A pointer's attestedAt is the strict form alone (flags 0). */
#define AE_TIME_GO	 (AE_TIME_FRAC | AE_TIME_OFFSET)
#define AE_TIME_PROTOBUF (AE_TIME_FRAC9 | AE_TIME_UTC_OFFSET | AE_TIME_LEAP)
#define AE_TIME_TUF                                                            \
	(AE_TIME_LOWER | AE_TIME_FRAC | AE_TIME_OFFSET | AE_TIME_LEAP)

/* A point in time: Unix seconds (UTC) and the nanoseconds of the fraction
 * (its first 9 digits; 0..999999999). */
typedef struct ae_time {
	int64_t sec;
	int32_t nsec;
} ae_time;

/* Longest ae_time_format output, NUL included:
 * "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ". */
#define AE_TIME_MAX 31

/* Parses the `len` bytes at `s` (no NUL needed; a NUL among them is
 * refused) as an RFC 3339 date-time under `flags`. 0, or AE_EINVAL with
 * `*out` zeroed. Reads no byte past `len`. */
int ae_time_parse_rfc3339(ae_time *out, const char *s, size_t len,
			  unsigned flags, ae_err *err);

/* Writes `t` as "YYYY-MM-DDTHH:MM:SS[.fraction]Z" into `out`: the fraction
 * only when t.nsec is not 0, without trailing zeros. AE_EINVAL (out "")
 * when the UTC year is outside 0000-9999 or nsec outside 0..999999999. */
int ae_time_format(char out[AE_TIME_MAX], ae_time t);

/* Days from 1970-01-01 to the proleptic Gregorian y-m-d (m 1-12), and
 * back. Cannot fail. */
int64_t ae_days_from_civil(int64_t y, int64_t m, int64_t d);
void ae_civil_from_days(int64_t days, int64_t *y, int *m, int *d);

/* ---- regular expressions: RE2, the syntax and meaning of Go's regexp ---- */

/* A compiled pattern (evidence/core/re.c over the C++ shim re2.cc). The
 * reference is Go, whose regexp package is RE2; matching here is RE2
 * itself, so a pattern means what it means there: UTF-8 characters, not
 * bytes; \d \w \s \b ASCII; ^ and $ at the ends of the text; repeat
 * counts at most 1000, also once nested bounds are multiplied. */
typedef struct ae_re ae_re;

/* Bytes of a pattern. */
#define AE_RE_MAX_BYTES 4096
/* Memory RE2 may give one compiled pattern (RE2's own default). */
#define AE_RE_MAX_MEM (8L << 20)

/* Compiles `pattern` (text, NUL-terminated) within `max_mem` bytes
 * (AE_RE_MAX_MEM, or less where a caller shares a budget). The raw pattern
 * is compiled as given -- never pasted into a wrapper -- so an unbalanced
 * ')' is an error, not a way out of an anchor. Go's regexp is the
 * reference dialect: `\C` (one byte, RE2 only) is refused. AE_EINVAL with
 * RE2's reason and the piece of pattern it names, escaped; AE_ETOOBIG past
 * AE_RE_MAX_BYTES or `max_mem`; AE_ERR out of memory. `*out` NULL then. */
int ae_re_new(ae_re **out, const char *pattern, long max_mem, ae_err *err);

/* Instructions of the compiled program (its cost). Cannot fail. */
size_t ae_re_cost(const ae_re *re);

/* Sets `*match`: does the *whole* of (s, len) match (anchored at both
 * ends, whatever the pattern holds)? Text that is not valid UTF-8 is read
 * as Go reads it: each byte of a malformed sequence is one U+FFFD. AE_ERR
 * only when out of memory (`*match` false then). */
int ae_re_match(bool *match, const ae_re *re, const char *s, size_t len,
		ae_err *err);

/* Frees a pattern; NULL is a no-op. */
void ae_re_free(ae_re *re);

/* True iff (s, len) is well-formed UTF-8 as Go reads it (RFC 3629: no
 * overlong form, no surrogate, nothing past U+10FFFF). Cannot fail. */
bool ae_utf8_valid(const char *s, size_t len);

/* ---- a bundle tree in memory (evidence/core/tree.c) ---- */

/* The files and directories of an extracted layer held in memory (issue
 * 17: a cached bundle is verified from the bytes that were hashed, not
 * from a scratch tree written and read back). Paths are relative, '/'
 * separated, checked by the extractor (plain elements, no "..", no
 * leading '/'); the tree itself only keeps them. A file's bytes are
 * owned by the tree. At most `cap` bytes of file content in all: past it
 * an add is AE_ETOOBIG and ae_tree_full says so (the caller then uses a
 * directory instead). Lookups hash under the process key (ae_strset): a
 * layer's names cannot be made to collide. Not thread-safe to change;
 * reading from several threads is fine. */
typedef struct ae_tree ae_tree;

typedef enum ae_tree_kind {
	AE_TREE_NONE = 0, /* nothing at that path */
	AE_TREE_FILE,
	AE_TREE_DIR,
} ae_tree_kind;

int ae_tree_new(ae_tree **out, uint64_t cap, ae_err *err);
void ae_tree_free(ae_tree *t);
/* What is at `path`. Cannot fail. */
ae_tree_kind ae_tree_kind_of(const ae_tree *t, const char *path);
/* Records directory `path` (its parents are the caller's to record
 * first); a no-op when it is one already. AE_EEXISTS when a file is
 * there. */
int ae_tree_mkdir(ae_tree *t, const char *path, ae_err *err);
/* Adds file `path` holding `data` (len bytes; taken over by the tree,
 * freed on failure too). AE_EEXISTS when something is at `path` and
 * `replace` is false, or a directory is there. AE_ETOOBIG past the cap. */
int ae_tree_add(ae_tree *t, const char *path, unsigned char *data, size_t len,
		bool replace, ae_err *err);
/* 0 when `len` more bytes fit under the cap; else AE_ETOOBIG, and the
 * tree is full from then on. */
int ae_tree_room(ae_tree *t, uint64_t len, ae_err *err);
/* Moves file `from` to `to`, replacing a file there. AE_ENOTFOUND when
 * `from` is no file, AE_EEXISTS when `to` is a directory. */
int ae_tree_rename(ae_tree *t, const char *from, const char *to, ae_err *err);
/* The bytes of file `path` (borrowed), or NULL when no file is there. */
const unsigned char *ae_tree_get(const ae_tree *t, const char *path,
				 size_t *len_out);
/* True once an add passed the cap. Cannot fail. */
bool ae_tree_full(const ae_tree *t);
/* The entries in bytewise order of their paths (files and directories;
 * removed ones left out): `*paths_out` (free the array, not the strings,
 * which stay the tree's) and their kinds in `kinds_out` (may be NULL;
 * free it too). AE_ERR on out of memory. */
int ae_tree_list(const char ***paths_out, ae_tree_kind **kinds_out,
		 size_t *n_out, const ae_tree *t, ae_err *err);

/* ---- a set of strings (evidence/core/strset.c) ---- */

/* Borrowed strings (each must outlive the set), for duplicate checks in
 * linear time: open addressing under a keyed hash (SipHash-1-3, a key per
 * process), so hostile input cannot make lookups collide. Plain data:
 * initialise with AE_STRSET_INIT, free with ae_strset_dispose. */
typedef struct ae_strset {
	const char **slot;
	size_t cap; /* slots, a power of two, or 0 */
	size_t n;   /* strings held */
} ae_strset;

#define AE_STRSET_INIT                                                         \
	{                                                                      \
		NULL, 0, 0                                                     \
	}

/* Adds `s` (borrowed). Returns 1 when added, 0 when an equal string was
 * already there, AE_ERR on out of memory (the set unchanged). */
int ae_strset_add(ae_strset *set, const char *s, ae_err *err);
/* True iff an equal string is in the set. Cannot fail. */
bool ae_strset_has(const ae_strset *set, const char *s);
/* The string the set holds equal to `s` (the pointer added), or NULL.
 * Cannot fail. */
const char *ae_strset_get(const ae_strset *set, const char *s);
/* Frees the table (not the strings) and empties the set. Cannot fail. */
void ae_strset_dispose(ae_strset *set);
/* Appends the NUL-terminated text `s` (from outside: an identity, an
 * issuer, a path, a name a registry or a bundle supplied) escaped for one
 * line of human output: printable ASCII kept, backslash and every other
 * byte (control, DEL, non-ASCII) as \xNN, so that no value can end the
 * line, start a CI workflow command ("::error") or steer a terminal. The
 * one escape of every human-readable report (issue 25). AE_ETOOBIG (`b`
 * emptied) past the buffer's cap. */
int ae_buf_put_esc(ae_buf *b, const char *s, ae_err *err);

/* The Levenshtein distance of `a` and `b` (bytes), `cap` when it is
 * larger or either is longer than AE_EDIT_MAX (for "did you mean": words
 * are short). Cannot fail. */
#define AE_EDIT_MAX 64
size_t ae_edit_distance(const char *a, const char *b, size_t cap);
/* "Did you mean": appends "did you mean 'LEADw' or 'LEADw2'?" to `out`
 * with each of the `n` words of `cands` closest to `word` -- by edit
 * distance, a prefix of the word ("pus" for push) counting as 1 -- when
 * that is under 3. 1 when a word was close, 0 (nothing appended) when
 * none was; AE_ETOOBIG past the buffer's cap. */
int ae_suggest(ae_buf *out, const char *word, const char *const *cands,
	       size_t n, const char *lead, ae_err *err);

/* The one capped escape (issue 17). Appends `s` as one value of a line
 * of human output: "" for NULL, else ae_buf_put_esc's escape when it
 * takes at most AE_ESC_VALUE_MAX bytes (with a NUL), else the marker
 * AE_ESC_UNPRINTABLE in its place (never a cut value). What cmd/ prints of
 * a value a registry, a bundle, a pointer or a TUF repository supplied.
 * Codes of ae_buf_put. */
#define AE_ESC_VALUE_MAX   (64u << 10)
#define AE_ESC_UNPRINTABLE "(unprintable)"
int ae_buf_put_esc_value(ae_buf *b, const char *s, ae_err *err);
/* The same as a new string (caller frees): NULL only out of memory. */
char *ae_esc_value_dup(const char *s);

/* ---- deadlines (evidence/core/http.c) ---- */

/* A command's --timeout, a pointer's --fetch-timeout: one instant shared
 * by every request of the operation (evidence/core/http.h applies it). */

/* An instant on CLOCK_MONOTONIC in milliseconds; 0 means none. */
typedef struct ae_deadline {
	int64_t at_ms;
} ae_deadline;

#define AE_DEADLINE_NONE                                                       \
	{                                                                      \
		0                                                              \
	}

/* Milliseconds on CLOCK_MONOTONIC. Cannot fail. */
int64_t ae_clock_ms(void);

/* ---- durations and progress (evidence/core/units.c) ---- */

/* Parses a duration for --timeout and friends: digits with an optional
 * unit, "ms", "s" (the default), "m" or "h" ("90", "90s", "2m", "500ms");
 * "0" is no limit. Returns 0 with *ms_out set, or -1 for anything else or
 * past `max_s` seconds. Cannot fail otherwise. */
int ae_duration_parse(uint64_t *ms_out, const char *s, uint64_t max_s);
/* Parses a count for --workers and friends: decimal digits only, 1 to
 * `max`. Returns 0 with *out set, or -1 for anything else. Cannot fail
 * otherwise. */
int ae_count_parse(unsigned *out, const char *s, unsigned max);

/* One transfer's progress bar: ae_bar_render's state, zeroed at first. */
typedef struct ae_bar {
	int last_pct;
	uint64_t last_done;
	int64_t start_ms, last_ms;
	char what[20];
} ae_bar;

/* Appends "\rwhat [#####     ] 42% 12.0/28.5 MiB 3.1 MiB/s ETA 0:05" and
 * an erase-to-end-of-line to `out` when a transfer past 1 MiB should be
 * redrawn at `now` (ms): when its percentage moved, at most every 100 ms,
 * and at its end, then "in M:SS" and a newline. The rate is the
 * transfer's average; a new `what` or a count going back starts a new
 * transfer. 1 when a line was appended, 0 when there is nothing to draw
 * (or it did not fit). */
int ae_bar_render(ae_buf *out, ae_bar *b, const char *what, uint64_t done,
		  uint64_t total, int64_t now);

/* A long run's count: ae_meter_render's state, zeroed but for `what` and
 * `unit` (borrowed). */
typedef struct ae_meter {
	const char *what, *unit;
	bool drawn;
	int64_t last_ms;
	size_t done, total;
	char host[64];
} ae_meter;

/* Records the count and `host` (NULL: none; made printable, cut to 63
 * bytes) and appends "\rwhat: n/N unit  host" and an erase-to-end-of-line
 * to `out` when it is due at `now` (ms): the first time, at the end (done
 * == total > 0), 100 ms after the last, or always with `force`. 1 when a
 * line was appended, 0 when none is due. */
int ae_meter_render(ae_buf *out, ae_meter *m, size_t done, size_t total,
		    const char *host, int64_t now, bool force);

/* The deadline `ms` from now; 0 gives none. Cannot fail. */
ae_deadline ae_deadline_in(uint64_t ms);

/* The earlier of two deadlines (none counts as never). Cannot fail. */
ae_deadline ae_deadline_min(ae_deadline a, ae_deadline b);

/* Milliseconds left: INT64_MAX without a deadline, 0 once passed. Cannot
 * fail. */
int64_t ae_deadline_left_ms(ae_deadline d);

/* ---- problems: every broken rule of a file, not only the first ---- */

/* One broken rule of a file a person wrote (a pointer, an allowlist).
 * `msg` is one line, "line N: <where>: <why>" (the line prefix omitted when
 * the problem is tied to no line), input text escaped with ae_repr;
 * callers prefix the file path to get `path: message`. */
typedef struct ae_problem {
	int code;    /* AE_EINVAL, or AE_ETOOBIG for a cap */
	size_t line; /* 1-based line in the file, 0 when not tied to one */
	char *msg;
} ae_problem;

/* A list of problems, owned by the caller; starts as AE_PROBLEMS_INIT. */
typedef struct ae_problems {
	ae_problem *v;
	size_t n;
} ae_problems;

#define AE_PROBLEMS_INIT                                                       \
	{                                                                      \
		NULL, 0                                                        \
	}

/* Appends "line N: <where>: <why>" (no line prefix when `line` is 0). 0,
 * or AE_ERR on out of memory (the list is unchanged then). */
int ae_problem_add(ae_problems *pr, int code, size_t line, const char *where,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The list as one error: the first problem's code and message, "(+N more)"
 * when there are more; 0 when the list is empty. */
int ae_problems_fail(const ae_problems *pr, ae_err *err);

/* Frees every message and leaves the list empty. Cannot fail. */
void ae_problems_dispose(ae_problems *pr);

/* ---- strict YAML (libyaml events into a small tree) ---- */

/* A parsed YAML node. Plain result data, so the struct is transparent; the
 * tree is owned by its root and freed with ae_yaml_free. */
typedef enum ae_yaml_kind {
	AE_YAML_SCALAR,
	AE_YAML_MAP,
	AE_YAML_SEQ,
} ae_yaml_kind;

typedef struct ae_yaml_node {
	ae_yaml_kind kind;
	size_t line;  /* 1-based line where the node starts */
	char *scalar; /* AE_YAML_SCALAR: NUL-terminated text */
	size_t scalar_len;
	bool plain;  /* scalar written without quotes (null, 1, true) */
	size_t n;    /* map: pairs; seq: items */
	char **keys; /* map: n scalar keys, in document order */
	struct ae_yaml_node **items; /* map: n values; seq: n items */
} ae_yaml_node;

#define AE_YAML_MAX_DEPTH 64	 /* nesting cap: an alias-free bomb guard */
#define AE_YAML_MAX_NODES 200000 /* node cap per document */

/* Parses exactly one YAML document from (buf, len). Rejected with AE_EINVAL:
 * anchors and aliases, explicit tags, duplicate or non-scalar mapping keys,
 * the merge key `<<` (in any quoting: yaml.v3 merges a plain one),
 * several documents, embedded NUL, nesting deeper than AE_YAML_MAX_DEPTH;
 * AE_ETOOBIG past AE_YAML_MAX_NODES. An empty stream gives rc 0 and *out
 * NULL. The message carries the line. The caller frees *out. */
int ae_yaml_parse(ae_yaml_node **out, const unsigned char *buf, size_t len,
		  ae_err *err);

/* The two readers behind ae_yaml_parse, public for the differential fuzz
 * target (tests/fuzz/yaml_fuzz.c) and tests. ae_yaml_parse_libyaml is the
 * full strict reader described above. ae_yaml_parse_simple is the fast one
 * for the plainest block YAML (evidence/core/yaml_simple.c lists the
 * subset): it sets *handled and builds the tree ae_yaml_parse_libyaml would
 * build, or leaves *handled false and *out NULL for anything else, errors
 * included. It fails only on out of memory (AE_ERR). */
int ae_yaml_parse_libyaml(ae_yaml_node **out, const unsigned char *buf,
			  size_t len, ae_err *err);
int ae_yaml_parse_simple(ae_yaml_node **out, bool *handled,
			 const unsigned char *buf, size_t len, ae_err *err);

/* True iff two trees are the same: kinds, text, plain flags, lines, keys
 * and their order. NULL equals only NULL. Cannot fail. */
bool ae_yaml_equal(const ae_yaml_node *a, const ae_yaml_node *b);
/* An empty node of `kind` at `line` (both readers build with it); NULL on
 * out of memory. Freed with ae_yaml_free. */
ae_yaml_node *ae_yaml_node_new(ae_yaml_kind kind, size_t line);
void ae_yaml_free(ae_yaml_node *node);

/* Borrowed value of `key` in a map, NULL if absent or `map` is not a map.
 * Cannot fail. */
const ae_yaml_node *ae_yaml_map_get(const ae_yaml_node *map, const char *key);

/* True iff the node is a scalar that YAML would read as null (absent value,
 * plain `null`, `~`, `Null`, `NULL`). Cannot fail. */
bool ae_yaml_is_null(const ae_yaml_node *node);

/* ---- strict JSON ---- */

/* Deeper documents are refused before jansson recurses into them. */
#define AE_JSON_MAX_DEPTH 128

/* Parses JSON with duplicate keys rejected (jansson JSON_REJECT_DUPLICATES),
 * after a pre-scan that refuses nesting deeper than AE_JSON_MAX_DEPTH and
 * embedded NULs. Returns a new reference in *out (json_t *, typed void * so
 * this header does not need jansson). AE_EINVAL with the line on failure. */
int ae_json_parse(void **out, const unsigned char *buf, size_t len,
		  ae_err *err);

#endif /* AE_CORE_H */
