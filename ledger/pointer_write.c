/* ledger/pointer_write.c -- pointer V1 out: YAML, canonical path, hint
 *
 * The writer emits one fixed shape (reference §1.2): keys sorted at every
 * level, 2-space indent, the single attestation as `attestations:\n  - `,
 * optional keys (profile, signer, rekorLogIndex) left out when absent,
 * nothing else. Strings are plain only when every YAML 1.1/1.2 reader
 * (libyaml, yaml.v3) reads the plain form back as the same string; all
 * others are double-quoted with non-ASCII as \u escapes, so the file is
 * ASCII and a parse/format cycle is byte-identical (fuzzed in
 * tests/fuzz/pointer_fuzz.c). The writer builds the text from the public
 * getters only, so it can never see a field the validator did not.
 */
#include "ledger/ledger.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A file bigger than the read cap could not be read back. */
#define POINTER_FORMAT_MAX LD_POINTER_MAX_BYTES

/* True iff `s` is digits separated by at least two dots ("1.0.0"): no YAML
 * schema reads that as a number, and the reference writes it plain. */
static bool text_is_version(const char *s)
{
	int dots = 0;
	bool digit = false;

	for (; *s != '\0'; s++) {
		if (*s >= '0' && *s <= '9') {
			digit = true;
		} else if (*s == '.' && digit) {
			dots++;
			digit = false;
		} else {
			return false;
		}
	}
	return digit && dots >= 2;
}

/* True iff `s`, which starts with a digit, holds a character that no YAML
 * 1.1 or 1.2 int, float, sexagesimal or timestamp form can hold ('@', '/',
 * '=', '~', '%' or a letter outside the digits, exponents, radix prefixes,
 * .inf/.nan and the timestamp's T/Z) and no ':'. Such a string is read as
 * a string by every schema, and yaml.v3 writes it plain: the GitHub
 * no-reply e-mail identities ("10677309+user@users.noreply.github.com")
 * of the published ledger are the case that matters. */
static bool text_is_digit_led_string(const char *s)
{
	bool marked = false;

	for (; *s != '\0'; s++) {
		if (*s == ':')
			return false;
		if (strchr("@/=~%ghjklmpqrsuvwyGHJKLMPQRSUVWY", *s) != NULL)
			marked = true;
	}
	return marked;
}

/* True iff `s` may be written as a plain scalar: it starts with a letter
 * (or is a version, or a digit-led string no schema reads as a number),
 * holds only [A-Za-z0-9._/:@=+~%-], does not end in ':' and is none of
 * YAML 1.1's null/boolean words. Conservative by design: anything else is
 * quoted. Cannot fail. */
static bool text_is_plain_safe(const char *s)
{
	static const char *const words[] = {"y",   "n",	   "yes",   "no",  "on",
					    "off", "true", "false", "null"};
	size_t n = strlen(s);

	if (n == 0)
		return false;
	if (text_is_version(s))
		return true;
	if (s[0] >= '0' && s[0] <= '9') {
		if (!text_is_digit_led_string(s))
			return false;
	} else if (!((s[0] >= 'a' && s[0] <= 'z') ||
		     (s[0] >= 'A' && s[0] <= 'Z'))) {
		return false;
	}
	if (s[n - 1] == ':')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || strchr("._/:@=+~%-", c)))
			return false;
	}
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strcasecmp(s, words[i]) == 0)
			return false;
	}
	return true;
}

/* Decodes the UTF-8 sequence at `s` (already validated by the pointer
 * rules) into `*cp`; returns its length, 0 if invalid. */
static size_t utf8_decode(unsigned int *cp, const unsigned char *s)
{
	size_t n = s[0] < 0x80 ? 1 : s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	unsigned int v = n == 1 ? s[0] : s[0] & (0x7f >> n);

	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	*cp = v;
	return n;
}

/* Appends `s` as a YAML scalar: plain when safe, else double-quoted with
 * `"` and `\` escaped and non-ASCII as \uXXXX / \UXXXXXXXX (YAML 1.2
 * §5.7), so line-break characters such as U+2028 cannot fold the value. */
static int put_scalar(ae_buf *b, const char *s, ae_err *err)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned int cp;
	size_t k;
	int rc;

	if (text_is_plain_safe(s))
		return ae_buf_puts(b, s, err);
	rc = ae_buf_puts(b, "\"", err);
	for (; rc == 0 && *u != '\0'; u += k) {
		k = utf8_decode(&cp, u);
		if (k == 0)
			return ae_fail(err, AE_EINVAL, "not valid UTF-8");
		if (cp == '"' || cp == '\\')
			rc = ae_buf_printf(b, err, "\\%c", (char)cp);
		else if (cp >= 0x20 && cp < 0x7f)
			rc = ae_buf_put(b, u, 1, err);
		else if (cp <= 0xffff)
			rc = ae_buf_printf(b, err, "\\u%04X", cp);
		else
			rc = ae_buf_printf(b, err, "\\U%08X", cp);
	}
	return rc < 0 ? rc : ae_buf_puts(b, "\"", err);
}

/* Appends "<indent><key>: <scalar>\n". */
static int put_kv(ae_buf *b, const char *indent, const char *key,
		  const char *val, ae_err *err)
{
	int rc = ae_buf_printf(b, err, "%s%s: ", indent, key);

	if (rc == 0)
		rc = put_scalar(b, val, err);
	return rc < 0 ? rc : ae_buf_puts(b, "\n", err);
}

int ld_pointer_format(ae_buf *out, const ld_pointer *p, ae_err *err)
{
	ae_buf b = AE_BUF_INIT(POINTER_FORMAT_MAX);
	int rc;

	AE_ASSERT_ARG(out != NULL && p != NULL, err);
	if (!ld_pointer_is_valid(p))
		return ae_fail(err, AE_EINVAL,
			       "pointer breaks a rule and cannot be written");
	/* attestedAt is a validated RFC 3339 timestamp: plain, as yaml.v3
	 * writes a time.Time, so Go readers decode it into one. */
	rc = ae_buf_printf(&b, err, "attestations:\n  - attestedAt: %s\n",
			   ld_pointer_attested_at(p));
	if (rc == 0)
		rc = ae_buf_puts(&b, "    bundle:\n", err);
	if (rc == 0)
		rc = put_kv(&b, "      ", "digest", ld_pointer_bundle_digest(p),
			    err);
	if (rc == 0)
		rc = put_kv(&b, "      ", "oci", ld_pointer_bundle_oci(p), err);
	if (rc == 0)
		rc = put_kv(&b, "      ", "predicateType",
			    ld_pointer_predicate_type(p), err);
	if (rc == 0 && ld_pointer_is_signed(p)) {
		rc = ae_buf_puts(&b, "    signer:\n", err);
		if (rc == 0)
			rc = put_kv(&b, "      ", "identity",
				    ld_pointer_signer_identity(p), err);
		if (rc == 0)
			rc = put_kv(&b, "      ", "issuer",
				    ld_pointer_signer_issuer(p), err);
		if (rc == 0 && ld_pointer_rekor_log_index(p) != LD_REKOR_ABSENT)
			rc = ae_buf_printf(
				&b, err, "      rekorLogIndex: %lld\n",
				(long long)ld_pointer_rekor_log_index(p));
	}
	if (rc == 0 && ld_pointer_profile(p) != NULL)
		rc = put_kv(&b, "", "profile", ld_pointer_profile(p), err);
	if (rc == 0)
		rc = put_kv(&b, "", "recipe", ld_pointer_recipe(p), err);
	if (rc == 0)
		rc = put_kv(&b, "", "schemaVersion",
			    ld_pointer_schema_version(p), err);
	if (rc == 0)
		rc = ae_buf_put(out, b.data, b.len, err);
	ae_buf_dispose(&b);
	return rc;
}

int ld_pointer_write(int dirfd, const char *name, const ld_pointer *p,
		     ae_err *err)
{
	ae_buf b = AE_BUF_INIT(POINTER_FORMAT_MAX);
	int rc;

	rc = ld_pointer_format(&b, p, err);
	if (rc == 0)
		rc = ae_write_atomic(dirfd, name, b.data, b.len, 0644, err);
	ae_buf_dispose(&b);
	return rc;
}

int ld_pointer_create(int dirfd, const char *name, const ld_pointer *p,
		      ae_err *err)
{
	ae_buf b = AE_BUF_INIT(POINTER_FORMAT_MAX);
	int rc;

	rc = ld_pointer_format(&b, p, err);
	if (rc == 0)
		rc = ae_write_new(dirfd, name, b.data, b.len, 0644, err);
	ae_buf_dispose(&b);
	return rc;
}

int ld_pointer_path(char **out, const ld_pointer *p, const char *root,
		    ae_err *err)
{
	char slug[LD_SLUG_LEN + 1];
	const char *dg;
	char *s = NULL;
	int rc, n;

	*out = NULL;
	AE_ASSERT_ARG(p != NULL, err);
	if (!ld_pointer_is_valid(p))
		return ae_fail(err, AE_EINVAL,
			       "pointer breaks a rule: it has no place");
	if (!ld_pointer_is_signed(p))
		return ae_fail(err, AE_EINVAL,
			       "pointer is unsigned: its place depends on the "
			       "signer");
	dg = ld_pointer_bundle_digest(p);
	if (!ae_digest_is_valid(dg))
		return ae_fail(err, AE_EINVAL,
			       "pointer has no bundle digest: its file name "
			       "is the digest");
	rc = ld_slug_from_signer(slug, ld_pointer_signer_issuer(p),
				 ld_pointer_signer_identity(p), err);
	if (rc < 0)
		return rc;
	/* The file name is the digest with ':' -> '-' (reference §1.4). */
	n = asprintf(&s, "%s%s%s/%s/sha256-%s.yaml", root ? root : "",
		     root && root[0] != '\0' ? "/" : "", ld_pointer_recipe(p),
		     slug, dg + 7);
	if (n < 0)
		return ae_fail(err, AE_ERR, "out of memory");
	*out = s;
	return 0;
}

int ld_pointer_copy_to_hint(char **hint_out, bool *is_path_out,
			    const ld_pointer *p, ae_err *err)
{
	const char *why = NULL;
	char *s = NULL;
	int rc;

	*hint_out = NULL;
	*is_path_out = false;
	AE_ASSERT_ARG(p != NULL, err);
	if (!ld_pointer_is_valid(p))
		return ae_fail(err, AE_EINVAL,
			       "pointer breaks a rule: fix it first");
	if (ld_pointer_bundle_oci(p)[0] == '\0')
		why = "the pointer is unsigned and names no artifact yet: "
		      "sign it (aicr-evidence sign OUT --ref REGISTRY/REPO), "
		      "then push it (aicr-evidence push OUT --to "
		      "REGISTRY/REPO), then commit the pointer at the path "
		      "'aicr-evidence pointer path' prints";
	else if (!ld_pointer_is_signed(p))
		why = "the pointer is unsigned (pending signature): sign it "
		      "(aicr-evidence sign) to learn where it belongs "
		      "under " LD_EVIDENCE_ROOT "/<recipe>/<signer slug>/";
	if (why != NULL) {
		s = strdup(why);
		if (s == NULL)
			return ae_fail(err, AE_ERR, "out of memory");
		*hint_out = s;
		return 0;
	}
	rc = ld_pointer_path(&s, p, LD_EVIDENCE_ROOT, err);
	if (rc < 0)
		return rc;
	*hint_out = s;
	*is_path_out = true;
	return 0;
}
