/* ledger/bundle_report.c -- what `emit` and `sign` report: the text and
 * the --format json report (docs/cli.md "emit/sign --format json"), built
 * into a buffer cmd/ prints
 *
 * One workflow (issue 20 item 4): sign the deterministic artifact, push
 * it, then commit the pointer where `pointer path` says; each report ends
 * with the steps left. Every outside string of the text is escaped
 * (ae_buf_put_esc, the one escape of human output).
 */
#include "ledger/ledger.h"

#include <jansson.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Appends `fmt` with each "%s" an escaped string (NULL: nothing), "%r"
 * a string as it is and "%I" an int64_t. */
static int rep(ae_buf *b, ae_err *err, const char *fmt, ...)
{
	va_list ap;
	int rc = 0;

	va_start(ap, fmt);
	for (const char *f = fmt; rc == 0 && *f != '\0'; f++) {
		const char *s;

		if (f[0] != '%' || f[1] == '\0') {
			rc = ae_buf_put(b, f, 1, err);
			continue;
		}
		f++;
		if (*f == 'I') {
			rc = ae_buf_printf(b, err, "%lld",
					   (long long)va_arg(ap, int64_t));
		} else {
			s = va_arg(ap, const char *);
			if (*f == 's')
				rc = ae_buf_put_esc(b, s ? s : "", err);
			else
				rc = ae_buf_put(b, s, strlen(s), err);
		}
	}
	va_end(ap);
	return rc;
}

/* "signed:   IDENTITY (ISSUER), rekor log index N [verified]" */
static int rep_signed(ae_buf *b, const ev_sign_result *s, ae_err *err)
{
	return rep(b, err, "signed:   %s (%s), rekor log index %I [verified]\n",
		   s->identity, s->issuer, s->log_index);
}

int ld_sign_report_text(ae_buf *b, const ld_report_in *in, ae_err *err)
{
	char *place = NULL;
	ae_err e = {0};
	int rc;

	rc = rep_signed(b, in->oc->signed_by, err);
	if (rc == 0)
		rc = rep(b, err, "pointer:  %s\n",
			 in->dest ? in->dest : in->ptr_path);
	if (rc == 0)
		rc = rep(b, err, "next:     aicr-evidence push %s --to %s\n",
			 in->out, ld_pointer_bundle_oci(in->p));
	if (rc == 0 && in->dest == NULL &&
	    ld_pointer_path(&place, in->p, LD_EVIDENCE_ROOT, &e) == 0)
		rc = rep(b, err, "then:     commit %s as %s\n", in->ptr_path,
			 place);
	else if (rc == 0 && in->dest != NULL)
		rc = rep(b, err, "then:     commit %s\n", in->dest);
	free(place);
	return rc;
}

int ld_emit_report_text(ae_buf *b, const ld_report_in *in, ae_err *err)
{
	const ev_emit_result *r = in->r;
	const ld_signed *oc = in->oc;
	char *hint = NULL;
	bool is_path = false;
	ae_err e = {0};
	int rc;

	rc = rep(b, err,
		 "bundle:   %s/summary-bundle (%I files, manifest %s)\n",
		 in->out, (int64_t)r->file_count, r->manifest_digest);
	if (rc == 0)
		rc = rep(b, err, "recipe:   %s (digest %s)\n", r->recipe_name,
			 r->recipe_digest);
	if (rc == 0 && r->profile[0] != '\0')
		rc = rep(b, err, "profile:  %s\n", r->profile);
	if (rc == 0 && oc->signed_by != NULL)
		rc = rep_signed(b, oc->signed_by, err);
	if (rc == 0 && oc->digest[0] != '\0')
		rc = rep(b, err, "artifact: %s %s\n", oc->oci, oc->digest);
	if (rc == 0)
		rc = rep(b, err, "pointer:  %s/pointer.yaml%r\n", in->out,
			 oc->signed_by ? "" : " (unsigned: pending signature)");
	if (rc == 0 && oc->signed_by == NULL)
		return rep(
			b, err,
			"next:     aicr-evidence sign %s --ref "
			"REGISTRY/REPO\n"
			"then:     aicr-evidence push %s --to REGISTRY/REPO\n"
			"then:     commit %s/pointer.yaml at the path "
			"'aicr-evidence pointer path %s/pointer.yaml' "
			"prints\n",
			in->out, in->out, in->out, in->out);
	if (rc == 0 && !in->push && oc->oci[0] != '\0')
		rc = rep(b, err, "next:     aicr-evidence push %s --to %s\n",
			 in->out, oc->oci);
	if (rc == 0 && ld_pointer_copy_to_hint(&hint, &is_path, in->p, &e) == 0)
		rc = rep(b, err, "%r  %s\n",
			 is_path ? "copy to:" : "next:   ", hint);
	free(hint);
	return rc;
}

/* ---- the --format json reports ---- */

/* `s` as one shell word: as it is when it needs no quoting, else in
 * single quotes. Caller frees; NULL when out of memory. */
static char *shell_word(const char *s)
{
	size_t n = strlen(s), k = 0;
	char *q;

	if (n > 0 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
			       "vwxyz0123456789_./:@%+=,-") == n)
		return strdup(s);
	q = malloc(4 * n + 3);
	if (q == NULL)
		return NULL;
	q[k++] = '\'';
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\'') {
			memcpy(q + k, "'\\''", 4);
			k += 4;
		} else {
			q[k++] = s[i];
		}
	}
	q[k++] = '\'';
	q[k] = '\0';
	return q;
}

/* Appends {"step": STEP, "command": <fmt...>} to the array `next`. 0 or
 * -1. */
static int json_next(json_t *next, const char *step, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int json_next(json_t *next, const char *step, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -1;
	return json_array_append_new(
		next, json_pack("{s:s, s:s}", "step", step, "command", buf));
}

/* The "signature" member: null unsigned, else the Sigstore bundle's path
 * in `sbdir`, its digest, the signer and the Rekor log index. New
 * reference (NULL when out of memory). */
static json_t *signed_json(const ld_signed *oc, const char *sbdir)
{
	char path[4300], dg[AE_DIGEST_STR_LEN];
	unsigned char h[AE_SHA256_LEN];
	const ev_sign_result *s = oc->signed_by;

	if (s == NULL)
		return json_null();
	snprintf(path, sizeof(path), "%s/%s", sbdir, OCI_ATTESTATION_FILE);
	ae_sha256(h, s->bundle, s->bundle_len);
	ae_digest_format(dg, h);
	return json_pack("{s:s, s:s, s:s, s:s, s:I}", "path", path, "digest",
			 dg, "identity", s->identity, "issuer", s->issuer,
			 "rekorLogIndex", (json_int_t)s->log_index);
}

/* `root` (stolen: NULL is a failure) as indented JSON and a newline. */
static int json_put(ae_buf *b, json_t *root, ae_err *err)
{
	char *text =
		root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER)
		     : NULL;
	int rc = text == NULL ? ae_fail(err, AE_ERR, "out of memory")
			      : rep(b, err, "%r\n", text);

	free(text);
	json_decref(root);
	return rc;
}

int ld_sign_report_json(ae_buf *b, const ld_report_in *in, ae_err *err)
{
	const ld_signed *oc = in->oc;
	const char *dest = in->dest, *ptr_path = in->ptr_path;
	char att[4300], *out = shell_word(in->out);
	char *place = NULL, *ptr_q = shell_word(ptr_path);
	json_t *next = json_array(), *root;
	ae_err e = {0};
	int rc = out && ptr_q && next ? 0 : -1;

	snprintf(att, sizeof(att), "%s/%s", in->sbdir, OCI_ATTESTATION_FILE);
	if (rc == 0)
		rc = json_next(next, "push", "aicr-evidence push %s --to %s",
			       out, ld_pointer_bundle_oci(in->p));
	if (rc == 0 && dest == NULL &&
	    ld_pointer_path(&place, in->p, LD_EVIDENCE_ROOT, &e) == 0)
		rc = json_next(next, "commit", "mkdir -p %.*s && cp %s %s",
			       (int)(strrchr(place, '/') - place), place, ptr_q,
			       place);
	else if (rc == 0 && dest != NULL)
		rc = json_next(next, "commit", "git add %s", dest);
	root = json_pack("{s:s, s:[s, s], s:{s:s, s:s}, s:o, s:{s:s, s:b, "
			 "s:s?}, s:o}",
			 "command", "sign", "written", att,
			 dest ? dest : ptr_path, "artifact", "digest",
			 oc->digest, "reference", oc->oci, "signature",
			 signed_json(oc, in->sbdir), "pointer", "path",
			 dest ? dest : ptr_path, "signed", 1, "ledgerPath",
			 dest ? dest : place, "next", next);
	free(out);
	free(ptr_q);
	free(place);
	if (rc < 0) {
		json_decref(root);
		return ae_fail(err, AE_ERR, "cannot build the report");
	}
	return json_put(b, root, err);
}

int ld_emit_report_json(ae_buf *b, const ld_report_in *in, ae_err *err)
{
	const ev_emit_result *r = in->r;
	const ld_signed *oc = in->oc;
	char sb[4200], ptr[4200], att[4300];
	char *out = shell_word(in->out);
	char *place = NULL;
	ae_err e = {0};
	json_t *written, *next = json_array(), *root;
	int rc = 0;

	snprintf(sb, sizeof(sb), "%s/summary-bundle", in->out);
	snprintf(ptr, sizeof(ptr), "%s/pointer.yaml", in->out);
	if (oc->signed_by != NULL)
		(void)ld_pointer_path(&place, in->p, LD_EVIDENCE_ROOT, &e);
	snprintf(att, sizeof(att), "%s/%s", sb, OCI_ATTESTATION_FILE);
	written = oc->signed_by ? json_pack("[s, s, s]", sb, att, ptr)
				: json_pack("[s, s]", sb, ptr);
	if (out == NULL || next == NULL)
		rc = -1;
	else if (oc->signed_by == NULL)
		rc = json_next(next, "sign",
			       "aicr-evidence sign %s --ref REGISTRY/REPO",
			       out) |
		     json_next(next, "push",
			       "aicr-evidence push %s --to REGISTRY/REPO",
			       out) |
		     json_next(next, "commit",
			       "aicr-evidence pointer path %s/pointer.yaml",
			       out);
	else if (!in->push && oc->oci[0] != '\0')
		rc = json_next(next, "push", "aicr-evidence push %s --to %s",
			       out, oc->oci);
	if (rc == 0 && place != NULL)
		rc = json_next(next, "commit",
			       "mkdir -p %.*s && cp %s/pointer.yaml %s",
			       (int)(strrchr(place, '/') - place), place, out,
			       place);
	root = json_pack(
		"{s:s, s:s, s:o, s:{s:s, s:I, s:s}, s:{s:s, s:s, s:s?}, "
		"s:{s:s?, s:s?, s:b, s:s?}, s:o, s:{s:s, s:b, s:s?}, s:o}",
		"command", "emit", "out", in->out, "written", written, "bundle",
		"path", sb, "files", (json_int_t)r->file_count,
		"manifestDigest", r->manifest_digest, "recipe", "name",
		r->recipe_name, "digest", r->recipe_digest, "profile",
		r->profile[0] ? r->profile : NULL, "artifact", "digest",
		oc->digest[0] ? oc->digest : NULL, "reference",
		oc->oci[0] ? oc->oci : NULL, "pushed",
		in->pushed_digest[0] != 0, "referrer",
		in->referrer[0] ? in->referrer : NULL, "signature",
		signed_json(oc, sb), "pointer", "path", ptr, "signed",
		oc->signed_by != NULL, "ledgerPath", place, "next", next);
	free(out);
	free(place);
	if (rc < 0) {
		json_decref(root);
		return ae_fail(err, AE_ERR, "cannot build the report");
	}
	return json_put(b, root, err);
}
