/* ledger/check_allowlist.c -- the allowlist as the checker sees it
 *
 * The allowlist is the trust root of rule 3. It comes from the head tree
 * (what would be merged) or from a file the CI job names -- e.g. the
 * target branch's copy, so that a PR cannot vouch for itself. It must load
 * and validate; otherwise the check cannot decide and fails (reference
 * §10.1 rule 1: an operational error, exit 2). A PR may change it (a
 * maintainer's trust decision, SPEC §5.1): the entries it adds or removes
 * are listed as notes so the reviewer sees exactly whom the PR onboards.
 */
#include "ledger/internal.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads allowlist.yaml from a root tree into `out`, capped. *found is
 * false (rc 0) when the tree has no such entry. */
static int allow_read_tree(ae_buf *out, bool *found, git_repository *repo,
			   const git_tree *root, ae_err *err)
{
	const git_tree_entry *te;
	git_odb *odb = NULL;
	git_odb_object *obj = NULL;
	git_object_t type;
	size_t size = 0;
	int rc = 0;

	*found = false;
	te = root ? git_tree_entry_byname(root, LD_CONTRACT_ALLOWLIST_NAME)
		  : NULL;
	if (te == NULL)
		return 0;
	*found = true;
	if (git_tree_entry_filemode_raw(te) != LD__MODE_BLOB)
		return ae_fail(err, AE_EINVAL,
			       "allowlist.yaml is not a regular file");
	if (git_repository_odb(&odb, repo) < 0 ||
	    git_odb_read_header(&size, &type, odb, git_tree_entry_id(te)) < 0) {
		rc = ld__git_fail(err, AE_EIO, "cannot read allowlist.yaml");
		goto done;
	}
	if (size > LD_CONTRACT_ALLOWLIST_MAX_BYTES) {
		rc = ae_fail(err, AE_ETOOBIG,
			     "allowlist.yaml is %zu bytes, cap %u", size,
			     LD_CONTRACT_ALLOWLIST_MAX_BYTES);
		goto done;
	}
	if (git_odb_read(&obj, odb, git_tree_entry_id(te)) < 0) {
		rc = ld__git_fail(err, AE_EIO, "cannot read allowlist.yaml");
		goto done;
	}
	rc = ae_buf_put(out, git_odb_object_data(obj), git_odb_object_size(obj),
			err);
done:
	git_odb_object_free(obj);
	git_odb_free(odb);
	return rc;
}

int ld__allow_load(ld__allow *out, git_repository *repo,
		   const git_tree *head_root, const char *path, ae_err *err)
{
	ae_buf buf = AE_BUF_INIT(LD_CONTRACT_ALLOWLIST_MAX_BYTES);
	bool found = true;
	int rc;

	AE_ASSERT_ARG(out != NULL && repo != NULL, err);
	memset(out, 0, sizeof(*out));
	if (path != NULL)
		rc = ae_read_file(&buf, AT_FDCWD, path,
				  LD_CONTRACT_ALLOWLIST_MAX_BYTES, err);
	else
		rc = allow_read_tree(&buf, &found, repo, head_root, err);
	if (rc == 0 && !found)
		rc = ae_fail(err, AE_ENOTFOUND,
			     "no allowlist.yaml at the evidence root");
	if (rc == 0) {
		ae_err aerr = {0};
		rc = ld__allow_parse(out, buf.data, buf.len, &aerr);
		if (rc < 0)
			ae_fail(err, rc, "invalid allowlist %s: %s",
				path ? path : LD_CONTRACT_ALLOWLIST_NAME,
				aerr.msg);
	}
	ae_buf_dispose(&buf);
	return rc;
}

/* ---- the reviewer's view of an allowlist change ---- */

typedef struct allow_lines {
	char **v;
	size_t n;
	size_t alloc;
} allow_lines;

static void allow_lines_dispose(allow_lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Appends "<class> entry: label ..., issuer ..., source|identityPattern ..."
 * for one entry map; values escaped, since they come from the PR. */
static int allow_lines_add(allow_lines *l, const char *cls,
			   const ae_yaml_node *entry, ae_err *err)
{
	static const char *const keys[] = {"label", "issuer", "source",
					   "identityPattern"};
	ae_buf b = AE_BUF_INIT(4096);
	char repr[AE_REPR_BUF];
	int rc;

	rc = ae_buf_printf(&b, err, "%s entry", cls);
	for (size_t k = 0; k < 4 && rc == 0; k++) {
		const ae_yaml_node *v = ae_yaml_map_get(entry, keys[k]);
		if (v == NULL || v->kind != AE_YAML_SCALAR)
			continue;
		rc = ae_buf_printf(
			&b, err, "%s %s %s", k ? "," : ":", keys[k],
			ae_repr(repr, sizeof(repr), v->scalar, v->scalar_len));
	}
	if (rc == 0 && l->n == l->alloc) {
		size_t alloc = l->alloc ? l->alloc * 2 : 16;
		char **v = realloc(l->v, alloc * sizeof(*v));
		if (v == NULL)
			rc = ae_fail(err, AE_ERR, "out of memory");
		else {
			l->v = v;
			l->alloc = alloc;
		}
	}
	if (rc == 0)
		l->v[l->n++] = (char *)ae_buf_detach(&b, NULL);
	ae_buf_dispose(&b);
	return rc;
}

static int allow_lines_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Describes every entry of an allowlist document; a document that does not
 * parse (a damaged base) describes as empty. */
static int allow_describe(allow_lines *out, const ae_buf *doc, ae_err *err)
{
	static const char *const classes[] = {"firstParty", "community",
					      "partner"};
	ae_yaml_node *root = NULL;
	ae_err perr = {0};
	int rc = 0;

	if (doc->len == 0 ||
	    ae_yaml_parse(&root, doc->data, doc->len, &perr) < 0)
		return 0;
	for (size_t c = 0; c < 3 && rc == 0; c++) {
		const ae_yaml_node *seq = ae_yaml_map_get(root, classes[c]);
		for (size_t i = 0;
		     seq && seq->kind == AE_YAML_SEQ && i < seq->n && rc == 0;
		     i++)
			if (seq->items[i]->kind == AE_YAML_MAP)
				rc = allow_lines_add(out, classes[c],
						     seq->items[i], err);
	}
	ae_yaml_free(root);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(char *), allow_lines_cmp);
	return rc;
}

/* Notes each line in `a` that `b` lacks (both sorted), as `verb`. */
static int allow_note_missing(ld__state *st, const char *shown,
			      const allow_lines *a, const allow_lines *b,
			      const char *verb, ae_err *err)
{
	size_t j = 0;
	int rc = 0;

	for (size_t i = 0; i < a->n && rc == 0; i++) {
		while (j < b->n && strcmp(b->v[j], a->v[i]) < 0)
			j++;
		if (j < b->n && strcmp(b->v[j], a->v[i]) == 0)
			continue;
		rc = ld__report_note_at(st->report, 0, shown, LD_NOTE_ALLOWLIST,
					err, "%s %s", verb, a->v[i]);
	}
	return rc;
}

int ld__allow_diff(ld__state *st, ae_err *err)
{
	ae_buf base = AE_BUF_INIT(LD_CONTRACT_ALLOWLIST_MAX_BYTES);
	ae_buf head = AE_BUF_INIT(LD_CONTRACT_ALLOWLIST_MAX_BYTES);
	allow_lines bl = {0}, hl = {0};
	char *shown = NULL;
	bool found;
	int rc;

	if (asprintf(&shown, "%s/%s", st->root, LD_CONTRACT_ALLOWLIST_NAME) < 0)
		return ae_fail(err, AE_ERR, "out of memory");
	rc = allow_read_tree(&base, &found, st->repo, st->base_tree, err);
	if (rc == AE_EINVAL || rc == AE_ETOOBIG) { /* a damaged base */
		ae_err_clear(err);
		ae_buf_dispose(&base);
		rc = 0;
	}
	if (rc == 0)
		rc = allow_read_tree(&head, &found, st->repo, st->head_tree,
				     err);
	if (rc == 0)
		rc = allow_describe(&bl, &base, err);
	if (rc == 0)
		rc = allow_describe(&hl, &head, err);
	if (rc == 0)
		rc = allow_note_missing(st, shown, &hl, &bl, "adds", err);
	if (rc == 0)
		rc = allow_note_missing(st, shown, &bl, &hl, "removes", err);
	allow_lines_dispose(&bl);
	allow_lines_dispose(&hl);
	ae_buf_dispose(&base);
	ae_buf_dispose(&head);
	free(shown);
	return rc;
}
