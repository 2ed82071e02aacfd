/* ledger/run_ingest.c -- first-party evidence without pointers (issue 22
 * item 7)
 *
 * The reference's own CI signs with the GitHub Actions issuer and its
 * evidence is ingested from the registry rather than committed as a
 * pointer per run. `ledger --verify` counts it too, from three sources:
 * --ingest REF (a digest-pinned reference, refused otherwise before any
 * I/O), --ingest-file F (such references, one per line, '#' comments), and
 * --ingest-repo REPO (every tag of the repository whose manifest is an
 * AICR evidence artifact, OCI_ARTIFACT_TYPE; the sha256-<hex> tags of the
 * referrers fallback are signatures, not evidence, and are skipped). Each
 * bundle is then pulled by digest and verified like a pointer's, with no
 * claim: it votes only when the verified signer matches a firstParty
 * identity pattern of the allowlist (the model's LD_WHY_NOT_FIRST_PARTY
 * otherwise). A reference named twice is taken once. A bundle a pointer
 * also names is kept all the same: nothing is verified yet, and a claim
 * (any pointer can name any digest) must never stand in for a verified
 * vote; after verification one bundle is one vote (ld_ledger_verify).
 */
#include "ledger/run.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Adds the bundle registry/repo@digest of `ref` (pinned) as an item to
 * verify, unless that reference is known. Only the reference, never the
 * digest alone: the same digest in another repository may carry other
 * signatures, and which one votes is for verification to say. */
static int ingest_item(ld_ledger *items, ae_strset *known, const oci_ref *ref,
		       const char *digest, ae_err *err)
{
	ld__item *it = NULL;
	size_t len =
		strlen(ref->registry) + strlen(ref->repo) + strlen(digest) + 3;
	char *s = malloc(len);
	int rc;

	if (s == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	snprintf(s, len, "%s/%s@%s", ref->registry, ref->repo, digest);
	if (ae_strset_has(known, s)) {
		free(s);
		return 0;
	}
	if (items->n >= LD_CORROB_MAX_RUNS)
		return ae_fail(err, AE_ETOOBIG, "more than %u runs",
			       (unsigned)LD_CORROB_MAX_RUNS);
	rc = ld__ledger_add(&it, items, err);
	if (rc < 0) {
		free(s);
		return rc;
	}
	it->origin = LD_ORIGIN_INGEST;
	it->vote = LD_VOTE_CLAIMED; /* until verified */
	it->cls = LD_CLASS_REPORTED;
	it->ref = s;
	rc = ae_strset_add(known, it->ref, err);
	return rc < 0 ? rc : 0;
}

/* One --ingest reference (validated pinned by the flag parser). */
static int ingest_ref(ld_ledger *items, ae_strset *known, const char *s,
		      ae_err *err)
{
	oci_ref ref;
	int rc = oci_ref_parse(&ref, s, err);

	if (rc == 0 && !oci_ref_is_pinned(&ref))
		rc = ae_fail(err, AE_EINVAL,
			     "not a digest-pinned reference "
			     "(REG/REPO@sha256:HEX)");
	return rc < 0 ? rc : ingest_item(items, known, &ref, ref.digest, err);
}

/* --ingest-file: one reference per line; blank lines and '#' comments
 * skipped; a line that is no pinned reference is an error naming it. */
static int ingest_file(ld_ledger *items, ae_strset *known, const char *path,
		       ae_err *err)
{
	ae_buf b = AE_BUF_INIT(LD__INGEST_FILE_MAX_BYTES);
	size_t line = 0, n = 0;
	int rc = ae_read_file(&b, AT_FDCWD, path, LD__INGEST_FILE_MAX_BYTES,
			      err);

	for (size_t at = 0; rc == 0 && at < b.len; line++) {
		const char *s = (const char *)b.data + at;
		size_t len = strcspn(s, "\n"), i = 0, j;
		char buf[OCI_REF_MAX + 1];
		at += len + (at + len < b.len);
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		j = len;
		while (j > i && (s[j - 1] == ' ' || s[j - 1] == '\t' ||
				 s[j - 1] == '\r'))
			j--;
		if (j == i || s[i] == '#')
			continue;
		if (j - i > OCI_REF_MAX || ++n > LD__INGEST_MAX) {
			rc = ae_fail(err, AE_ETOOBIG,
				     "line %zu: too long, or more than %u "
				     "references",
				     line + 1, LD__INGEST_MAX);
			break;
		}
		snprintf(buf, sizeof(buf), "%.*s", (int)(j - i), s + i);
		rc = ingest_ref(items, known, buf, err);
		if (rc < 0) {
			ae_err e = *err;
			ae_err_clear(err);
			rc = ae_fail(err, rc, "line %zu: %s", line + 1, e.msg);
		}
	}
	ae_buf_dispose(&b);
	return rc;
}

/* True iff tag `t` is an AICR evidence artifact: its manifest (fetched
 * by tag, digest computed here) says so. */
static int repo_tag(ld_ledger *items, ae_strset *known, oci_client *c,
		    const oci_ref *ref, const char *t, ae_err *err)
{
	ae_buf m;
	oci_manifest man;
	char digest[AE_DIGEST_STR_LEN];
	ae_err e = {0};
	int rc;

	/* sha256-<hex>: the referrers fallback index of a signature */
	if (strncmp(t, "sha256-", 7) == 0)
		return 0;
	rc = oci_manifest_get(&m, digest, c, t, err);
	if (rc < 0)
		return rc;
	if (oci_manifest_parse(&man, m.data, m.len, &e) == 0 &&
	    strcmp(man.artifact_type, OCI_ARTIFACT_TYPE) == 0)
		rc = ingest_item(items, known, ref, digest, err);
	ae_buf_dispose(&m);
	return rc;
}

/* --ingest-repo: every evidence artifact tagged in the repository. */
static int ingest_repo(ld_ledger *items, ae_strset *known, const char *repo,
		       ae_err *err)
{
	oci_client *c = NULL;
	oci_ref ref;
	char **tags = NULL;
	size_t n = 0;
	int rc = oci_ref_parse(&ref, repo, err);

	if (rc == 0 && (ref.tag[0] || ref.digest[0]))
		rc = ae_fail(err, AE_EINVAL,
			     "a repository, without a tag or digest");
	if (rc == 0)
		rc = oci_client_new(&c, &ref, &items->o->vo.co, err);
	if (rc == 0)
		rc = oci_tags_list(&tags, &n, c, LD__INGEST_MAX, err);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = repo_tag(items, known, c, &ref, tags[i], err);
	oci_tags_free(tags, n);
	oci_client_free(c);
	return rc;
}

/* Prefixes the failure in `err` with `name` (an --ingest-file or
 * --ingest-repo as given), escaped: it reaches the terminal. */
static int ingest_fail(ae_err *err, int rc, const char *name)
{
	ae_err e = *err;
	char *esc = ae_esc_value_dup(name);

	ae_err_clear(err);
	rc = ae_fail(err, rc, "%s: %s", esc ? esc : "(out of memory)", e.msg);
	free(esc);
	return rc;
}

int ld_ledger_ingest(ld_ledger *items, ae_err *err)
{
	const ld_ledger_opts *a = items->o;
	ae_strset known = AE_STRSET_INIT;
	int rc = 0;

	if (a->n_ingest + a->n_ingest_files + a->n_ingest_repos == 0)
		return 0;
	for (size_t i = 0; rc == 0 && i < a->n_ingest; i++)
		rc = ingest_ref(items, &known, a->ingest[i], err);
	for (size_t i = 0; rc == 0 && i < a->n_ingest_files; i++) {
		rc = ingest_file(items, &known, a->ingest_files[i], err);
		if (rc < 0)
			rc = ingest_fail(err, rc, a->ingest_files[i]);
	}
	for (size_t i = 0; rc == 0 && i < a->n_ingest_repos; i++) {
		rc = ingest_repo(items, &known, a->ingest_repos[i], err);
		if (rc < 0)
			rc = ingest_fail(err, rc, a->ingest_repos[i]);
	}
	ae_strset_dispose(&known);
	return rc;
}
