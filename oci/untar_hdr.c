/* oci/untar_hdr.c -- one tar header block and its PAX records, read the way
 * Go's archive/tar and GNU tar both read them, or refused
 *
 * A layer is read by other tools too: ORAS and the reference verifier use
 * Go's archive/tar, an operator checking a layer by hand uses GNU tar. Where
 * the two would read a header differently (or one of them refuses it), a
 * tool that accepts it sees files nobody else sees, so those headers are
 * refused here (issue 23 item 8):
 *
 * - The magic must be POSIX ("ustar\0" "00") or old GNU ("ustar  \0"); a v7
 *   header or an unknown version is refused. In a GNU header bytes 345..368
 *   are atime and ctime, never a name prefix: they must be empty or numbers
 *   (Go falls back to reading garbage there as a prefix, GNU tar does not).
 * - A POSIX header's prefix and name end at their first NUL with only NULs
 *   after it, and its last 12 bytes are zero (no star-format trailer, which
 *   makes Go read a 131-byte prefix, nor bytes GNU tar's star heuristic
 *   takes for times).
 * - Numbers (mode, uid, gid, size, mtime, device numbers, checksum) are
 *   octal, space or NUL padded; base-256 is refused.
 * - A regular file ('0', or '\0' which both tools read as a directory when
 *   the name ends in '/') named with a trailing '/', and a directory with a
 *   non-zero size (Go reads no body, GNU tar skips one), are refused.
 * - PAX records follow Go's grammar (length >= 5 and exact, key non-empty
 *   without NUL, no NUL in path-like values); a key given twice, an empty
 *   path or size, a malformed number, linkpath and any GNU.sparse.* key
 *   (sparse files: Go rebuilds them, we would write the raw map) are
 *   refused. A global ('g') header may not set path, size or linkpath: GNU
 *   tar applies them to the entries that follow, Go ignores them.
 */
#include "oci/internal.h"

#include <string.h>

/* Parses a NUL/space-terminated octal field (leading spaces allowed). */
int oci__tar_octal(uint64_t *out, const unsigned char *f, size_t w, ae_err *err)
{
	uint64_t v = 0;
	size_t i = 0;

	if ((f[0] & 0x80) != 0)
		return ae_fail(err, AE_EINVAL,
			       "tar base-256 numbers are not accepted");
	while (i < w && f[i] == ' ')
		i++;
	for (; i < w && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v > (UINT64_MAX >> 3))
			return ae_fail(err, AE_EINVAL, "tar number overflows");
		v = (v << 3) | (uint64_t)(f[i] - '0');
	}
	for (; i < w; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return ae_fail(err, AE_EINVAL,
				       "tar numeric field is not octal");
	*out = v;
	return 0;
}

static int hdr_checksum(const unsigned char h[OCI__TAR_BLOCK], ae_err *err)
{
	uint64_t want = 0;
	unsigned sum = 0;
	int ssum = 0;
	int rc = oci__tar_octal(&want, h + 148, 8, err);

	if (rc < 0)
		return rc;
	for (size_t i = 0; i < OCI__TAR_BLOCK; i++) {
		unsigned char b = (i >= 148 && i < 156) ? ' ' : h[i];
		sum += b;
		ssum += (signed char)b;
	}
	if (want != sum && want != (uint64_t)(unsigned)ssum)
		return ae_fail(err, AE_EINVAL, "tar header checksum mismatch");
	return 0;
}

/* True iff every byte of f[0..w) after its first NUL is NUL too. */
static bool hdr_field_clean(const unsigned char *f, size_t w)
{
	const unsigned char *nul = memchr(f, '\0', w);

	if (nul == NULL)
		return true;
	for (const unsigned char *p = nul; p < f + w; p++)
		if (*p != '\0')
			return false;
	return true;
}

static bool hdr_all_zero(const unsigned char *f, size_t w)
{
	for (size_t i = 0; i < w; i++)
		if (f[i] != '\0')
			return false;
	return true;
}

/* The numeric fields Go parses (mode, uid, gid, size, mtime, and the
 * device numbers even of a regular file); the checksum is separate. */
static int hdr_numbers(oci__tar_hdr *out, const unsigned char *h, ae_err *err)
{
	static const struct {
		size_t off, w;
	} f[] = {{100, 8}, {108, 8}, {116, 8}, {136, 12}, {329, 8}, {337, 8}};
	uint64_t v;
	int rc = oci__tar_octal(&out->size, h + 124, 12, err);

	for (size_t i = 0; rc == 0 && i < sizeof(f) / sizeof(f[0]); i++)
		rc = oci__tar_octal(&v, h + f[i].off, f[i].w, err);
	if (rc == 0 && out->size > INT64_MAX)
		rc = ae_fail(err, AE_EINVAL, "tar size field overflows");
	return rc;
}

/* POSIX: prefix "/" name, both clean; GNU: the name alone, the atime and
 * ctime fields where ustar has its prefix empty or numbers. */
static int hdr_name(oci__tar_hdr *out, const unsigned char *h, bool gnu,
		    ae_err *err)
{
	size_t nn = strnlen((const char *)h, 100), pn = 0, k = 0;
	ae_err ignored = {0};
	uint64_t t;

	if (!hdr_field_clean(h, 100))
		return ae_fail(err, AE_EINVAL,
			       "tar name field has bytes after its end");
	if (gnu) {
		for (size_t off = 345; off < 369; off += 12)
			if (h[off] != '\0' &&
			    oci__tar_octal(&t, h + off, 12, &ignored) < 0)
				return ae_fail(err, AE_EINVAL,
					       "GNU tar header has a "
					       "malformed atime or ctime "
					       "(read as a name prefix by "
					       "some readers)");
	} else {
		if (!hdr_field_clean(h + 345, 155) ||
		    !hdr_all_zero(h + 500, 12))
			return ae_fail(err, AE_EINVAL,
				       "ustar prefix field has bytes after "
				       "its end (a star-format header?)");
		pn = strnlen((const char *)h + 345, 155);
	}
	if (pn > 0) {
		memcpy(out->name, h + 345, pn);
		out->name[pn] = '/';
		k = pn + 1;
	}
	memcpy(out->name + k, h, nn);
	out->name[k + nn] = '\0';
	return 0;
}

int oci__tar_header(oci__tar_hdr *out, const unsigned char h[OCI__TAR_BLOCK],
		    ae_err *err)
{
	bool gnu;
	size_t n;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = hdr_checksum(h, err);
	if (rc < 0)
		return rc;
	if (memcmp(h + 257,
		   "ustar\0"
		   "00",
		   8) == 0)
		gnu = false;
	else if (memcmp(h + 257, "ustar  \0", 8) == 0)
		gnu = true;
	else
		return ae_fail(err, AE_EINVAL,
			       "not a POSIX ustar/PAX or GNU tar header "
			       "(magic and version)");
	out->type = (char)h[156];
	rc = hdr_numbers(out, h, err);
	if (rc == 0)
		rc = hdr_name(out, h, gnu, err);
	if (rc < 0)
		return rc;
	n = strlen(out->name);
	if ((out->type == '0' || out->type == '\0') && n > 0 &&
	    out->name[n - 1] == '/')
		return ae_fail(err, AE_EINVAL,
			       "a regular file named like a directory "
			       "(trailing '/')");
	if (out->type == '5' && out->size != 0)
		return ae_fail(err, AE_EINVAL,
			       "a directory entry with a size (%llu)",
			       (unsigned long long)out->size);
	return 0;
}

/* ---- PAX records (POSIX.1-2001 pax; Go's parsePAXRecord) ---- */

/* True iff v[0..n) is a decimal integer, optionally signed, that fits an
 * int64 (Go's strconv.ParseInt(v, 10, 64)). */
static bool pax_is_int(const char *v, size_t n)
{
	uint64_t x = 0;
	size_t i = 0;

	if (n > 0 && (v[0] == '-' || v[0] == '+'))
		i++;
	if (i == n)
		return false;
	for (; i < n; i++) {
		if (v[i] < '0' || v[i] > '9' || x > (uint64_t)INT64_MAX / 10)
			return false;
		x = x * 10 + (uint64_t)(v[i] - '0');
		if (x > (uint64_t)INT64_MAX)
			return false;
	}
	return true;
}

/* Go's parsePAXTime: an integer, then optionally '.' and digits. */
static bool pax_is_time(const char *v, size_t n)
{
	const char *dot = memchr(v, '.', n);
	size_t ip = dot ? (size_t)(dot - v) : n;

	if (!pax_is_int(v, ip))
		return false;
	for (size_t i = ip + 1; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			return false;
	return true;
}

static bool pax_key_is(const char *k, size_t kn, const char *want)
{
	return kn == strlen(want) && memcmp(k, want, kn) == 0;
}

/* Checks one record's value for the keys Go parses; stores path/size. */
static int pax_apply(oci__pax *out, const char *k, size_t kn, const char *v,
		     size_t vn, bool global, ae_err *err)
{
	bool path = pax_key_is(k, kn, "path"), size = pax_key_is(k, kn, "size");

	if (kn >= 11 && memcmp(k, "GNU.sparse.", 11) == 0)
		return ae_fail(err, AE_EINVAL,
			       "PAX GNU.sparse records (sparse files) are not "
			       "accepted");
	if (pax_key_is(k, kn, "linkpath"))
		return ae_fail(err, AE_EINVAL, "tar links are not accepted");
	if (global && (path || size))
		return ae_fail(err, AE_EINVAL,
			       "a global PAX header sets path or size (GNU "
			       "tar applies it to later entries, Go does "
			       "not)");
	if ((path || pax_key_is(k, kn, "uname") ||
	     pax_key_is(k, kn, "gname")) &&
	    memchr(v, '\0', vn) != NULL)
		return ae_fail(err, AE_EINVAL, "bad PAX path record");
	if (path) {
		if (vn == 0 || vn >= sizeof(out->path))
			return ae_fail(err, AE_EINVAL, "bad PAX path record");
		memcpy(out->path, v, vn);
		out->path[vn] = '\0';
		out->has_path = true;
	} else if (size) {
		uint64_t x = 0;
		if (vn == 0 || vn > 19)
			return ae_fail(err, AE_EINVAL, "bad PAX size record");
		for (size_t i = 0; i < vn; i++) {
			if (v[i] < '0' || v[i] > '9')
				return ae_fail(err, AE_EINVAL,
					       "bad PAX size record");
			x = x * 10 + (uint64_t)(v[i] - '0');
		}
		if (x > INT64_MAX)
			return ae_fail(err, AE_EINVAL, "bad PAX size record");
		out->size = x;
		out->has_size = true;
	} else if ((pax_key_is(k, kn, "uid") || pax_key_is(k, kn, "gid")) &&
		   vn > 0 && !pax_is_int(v, vn)) {
		return ae_fail(err, AE_EINVAL, "bad PAX uid/gid record");
	} else if ((pax_key_is(k, kn, "mtime") || pax_key_is(k, kn, "atime") ||
		    pax_key_is(k, kn, "ctime")) &&
		   vn > 0 && !pax_is_time(v, vn)) {
		return ae_fail(err, AE_EINVAL, "bad PAX time record");
	}
	return 0;
}

/* Splits one "LEN key=value\n" record at rec[off..n); *len_out its length. */
static int pax_record(size_t *len_out, size_t *key_out, size_t *eq_out,
		      const char *rec, size_t off, size_t n, ae_err *err)
{
	size_t len = 0, i = off, eq;

	while (i < n && rec[i] >= '0' && rec[i] <= '9' && len <= n)
		len = len * 10 + (size_t)(rec[i++] - '0');
	if (i == off || i >= n || rec[i] != ' ' || len < 5 || len > n - off ||
	    i + 1 >= off + len || rec[off + len - 1] != '\n')
		return ae_fail(err, AE_EINVAL, "malformed PAX record");
	i++;
	for (eq = i; eq < off + len - 1 && rec[eq] != '='; eq++)
		;
	if (eq >= off + len - 1 || eq == i || memchr(rec + i, '\0', eq - i))
		return ae_fail(err, AE_EINVAL, "malformed PAX record");
	*len_out = len;
	*key_out = i;
	*eq_out = eq;
	return 0;
}

int oci__tar_pax(oci__pax *out, const char *rec, size_t n, bool global,
		 ae_err *err)
{
	size_t keys[OCI__PAX_RECORDS_MAX], klen[OCI__PAX_RECORDS_MAX];
	size_t off = 0, nk = 0, len = 0, k = 0, eq = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	while (off < n) {
		rc = pax_record(&len, &k, &eq, rec, off, n, err);
		if (rc < 0)
			return rc;
		if (nk == OCI__PAX_RECORDS_MAX)
			return ae_fail(err, AE_ETOOBIG,
				       "PAX header with over %d records",
				       OCI__PAX_RECORDS_MAX);
		for (size_t i = 0; i < nk; i++)
			if (klen[i] == eq - k &&
			    memcmp(rec + keys[i], rec + k, eq - k) == 0)
				return ae_fail(err, AE_EINVAL,
					       "a PAX key appears twice in "
					       "one header");
		keys[nk] = k;
		klen[nk++] = eq - k;
		rc = pax_apply(out, rec + k, eq - k, rec + eq + 1,
			       off + len - 1 - (eq + 1), global, err);
		if (rc < 0)
			return rc;
		off += len;
	}
	return 0;
}
