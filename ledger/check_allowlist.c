/* ledger/check_allowlist.c -- the allowlist as the checker sees it
 *
 * The allowlist is the trust root of rule 3. It comes from the head tree
 * (what would be merged) or from a file the CI job names -- e.g. the
 * target branch's copy, so that a PR cannot vouch for itself. It must load
 * and validate; otherwise the check cannot decide and fails (reference
 * §10.1 rule 1: an operational error, exit 2). With a file named, the
 * head's copy -- what would land -- must load and validate all the same. A PR
 * may change it (a maintainer's trust decision, SPEC §5.1): the entries it adds
 * or removes are listed as notes so the reviewer sees exactly whom the PR
 * onboards.
 */
#include "ledger/internal.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The name git gives an object type, for a message. */
static const char *allow_type_name(git_object_t t)
{
	switch (t) {
	case GIT_OBJECT_COMMIT:
		return "commit";
	case GIT_OBJECT_TREE:
		return "tree";
	case GIT_OBJECT_BLOB:
		return "blob";
	case GIT_OBJECT_TAG:
		return "tag";
	default:
		return "unknown";
	}
}

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
	if (git_tree_entry_filemode_raw(te) == LD__MODE_EXEC)
		return ae_fail(err, AE_EINVAL,
			       "allowlist.yaml has mode 100755 (executable): "
			       "it must be a regular file of mode 100644");
	if (git_tree_entry_filemode_raw(te) != LD__MODE_BLOB)
		return ae_fail(err, AE_EINVAL,
			       "allowlist.yaml is not a regular file (mode "
			       "%06o): it must be one of mode 100644",
			       (unsigned)git_tree_entry_filemode_raw(te));
	if (git_repository_odb(&odb, repo) < 0 ||
	    git_odb_read_header(&size, &type, odb, git_tree_entry_id(te)) < 0) {
		rc = ld__git_fail(err, AE_EIO, "cannot read allowlist.yaml");
		goto done;
	}
	/* The mode is the tree entry's word; the object's own type is git's
	 * (a crafted tree may file a commit or a tree under mode 100644, and
	 * `hash-object --literally` gives one any bytes): only a blob is a
	 * file's content. */
	if (type != GIT_OBJECT_BLOB) {
		rc = ae_fail(err, AE_EINVAL,
			     "allowlist.yaml is a %s object, not a blob (its "
			     "tree entry says mode 100644): it must be a "
			     "regular file",
			     allow_type_name(type));
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
	if (git_odb_object_type(obj) != GIT_OBJECT_BLOB) {
		rc = ae_fail(err, AE_EIO,
			     "allowlist.yaml changed type while read");
		goto done;
	}
	rc = ae_buf_put(out, git_odb_object_data(obj), git_odb_object_size(obj),
			err);
done:
	git_odb_object_free(obj);
	git_odb_free(odb);
	return rc;
}

/* Reads and validates allowlist.yaml of the head root tree (path NULL)
 * or the file `path` into `out`. */
static int allow_load_one(ld__allow *out, git_repository *repo,
			  const git_tree *head_root, const char *path,
			  ae_err *err)
{
	ae_buf buf = AE_BUF_INIT(LD_CONTRACT_ALLOWLIST_MAX_BYTES);
	bool found = true;
	int rc;

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

/* A file named by the caller (the trusted base's copy) decides whom the
 * pointers may come from; the head's allowlist.yaml -- what would land --
 * is held to the same rules all the same (SPEC §5 rule 3): a PR that
 * leaves an invalid or missing allowlist fails in every mode, or it would
 * pass the stricter gate and break every later check. */
int ld__allow_load(ld__allow *out, git_repository *repo,
		   const git_tree *head_root, const git_tree *base_root,
		   const char *path, ae_err *err)
{
	ld__allow head = {0};
	int rc;

	AE_ASSERT_ARG(out != NULL && repo != NULL, err);
	memset(out, 0, sizeof(*out));
	rc = allow_load_one(out, repo, head_root, path, err);
	if (rc == 0 && path != NULL) {
		rc = allow_load_one(&head, repo, head_root, NULL, err);
		ld__allow_dispose(&head);
		/* deleted from the base's root: the change list holds the
		 * deletion, a violation (rule allowlist), not an error */
		if (rc == AE_ENOTFOUND && base_root != NULL &&
		    git_tree_entry_byname(base_root,
					  LD_CONTRACT_ALLOWLIST_NAME) != NULL) {
			ae_err_clear(err);
			rc = 0;
		}
		if (rc < 0)
			ld__allow_dispose(out);
	}
	return rc;
}

/* ---- the reviewer's view of an allowlist change ----
 *
 * Every change of an entry must show (SPEC §5.1, issue 15): entries are
 * compared by their full values, never by the escaped, shortened text a
 * note prints (ae_repr cuts at 64 bytes, and a pattern widened after byte
 * 64 would otherwise change nothing visible). An entry is matched across
 * the two versions by class and label; a matched entry whose fields differ
 * gets a "changes" note per field, showing where the values part; an entry
 * without a match is added or removed. Top-level scalars (schemaVersion)
 * are compared the same way.
 */

/* One note line, owned. */
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

/* Appends the text of `b` (detached) to `l`. */
static int allow_lines_take(allow_lines *l, ae_buf *b, ae_err *err)
{
	if (l->n == l->alloc) {
		size_t alloc = l->alloc ? l->alloc * 2 : 16;
		char **v = realloc(l->v, alloc * sizeof(*v));
		if (v == NULL)
			return ae_fail(err, AE_ERR, "out of memory");
		l->v = v;
		l->alloc = alloc;
	}
	l->v[l->n++] = (char *)ae_buf_detach(b, NULL);
	return 0;
}

/* True iff two values are the same YAML: kind, text (every byte), keys and
 * items; lines and quoting do not matter. Cannot fail. */
static bool allow_same(const ae_yaml_node *a, const ae_yaml_node *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	if (a->kind != b->kind || a->n != b->n)
		return false;
	if (a->kind == AE_YAML_SCALAR)
		return a->scalar_len == b->scalar_len &&
		       memcmp(a->scalar, b->scalar, a->scalar_len) == 0;
	for (size_t i = 0; i < a->n; i++) {
		if (a->kind == AE_YAML_MAP &&
		    ae_yaml_map_get(b, a->keys[i]) == NULL)
			return false;
		if (!allow_same(a->items[i],
				a->kind == AE_YAML_MAP
					? ae_yaml_map_get(b, a->keys[i])
					: b->items[i]))
			return false;
	}
	return true;
}

/* Escaped text of a value for a note: a scalar as ae_repr shows it, from
 * byte `from` on ("..." in front when that is not 0); anything else by
 * kind. */
static const char *allow_show(char *out, size_t outsz, const ae_yaml_node *v,
			      size_t from)
{
	char r[AE_REPR_BUF];

	if (v == NULL)
		return "(absent)";
	if (v->kind != AE_YAML_SCALAR)
		return v->kind == AE_YAML_MAP ? "(a mapping)" : "(a list)";
	if (from > v->scalar_len)
		from = v->scalar_len;
	snprintf(out, outsz, "%s%s", from ? "..." : "",
		 ae_repr(r, sizeof(r), v->scalar + from, v->scalar_len - from));
	return out;
}

/* Where two scalars part, less some context, so that both shown values
 * hold the difference even when it lies past what ae_repr shows. */
static size_t allow_from(const ae_yaml_node *a, const ae_yaml_node *b)
{
	size_t i = 0;

	if (a == NULL || b == NULL || a->kind != AE_YAML_SCALAR ||
	    b->kind != AE_YAML_SCALAR)
		return 0;
	while (i < a->scalar_len && i < b->scalar_len &&
	       a->scalar[i] == b->scalar[i])
		i++;
	return i > AE_REPR_MAX / 2 ? i - 16 : 0;
}

/* "<class> entry: label ..., issuer ..., source|identityPattern ...": the
 * description of an added or removed entry. Every field is shown, the
 * known ones first, then any other in document order -- a cleartext
 * `identity` of a damaged copy included: the reviewer sees the entry
 * whole. */
static int allow_describe(ae_buf *b, const char *cls, const ae_yaml_node *entry,
			  ae_err *err)
{
	static const char *const keys[] = {"label", "issuer", "source",
					   "identityPattern"};
	char shown[AE_REPR_BUF + 8], kr[AE_REPR_BUF];
	int rc, k2 = 0;

	rc = ae_buf_printf(b, err, "%s entry", cls);
	for (size_t k = 0; k < 4 && rc == 0; k++) {
		const ae_yaml_node *v = ae_yaml_map_get(entry, keys[k]);
		if (v == NULL)
			continue;
		rc = ae_buf_printf(b, err, "%s %s %s", k2++ ? "," : ":",
				   keys[k],
				   allow_show(shown, sizeof(shown), v, 0));
	}
	for (size_t i = 0; i < entry->n && rc == 0; i++) {
		bool known = false;
		for (size_t k = 0; k < 4; k++)
			known = known || strcmp(entry->keys[i], keys[k]) == 0;
		if (known)
			continue;
		rc = ae_buf_printf(
			b, err, "%s %s %s", k2++ ? "," : ":",
			ae_repr(kr, sizeof(kr), entry->keys[i],
				strlen(entry->keys[i])),
			allow_show(shown, sizeof(shown), entry->items[i], 0));
	}
	return rc;
}

/* One note per field of `key` that differs between a base value and a
 * head value. `what` names the entry ("community entry label \"x\"") or
 * is "" for a top-level field. */
static int allow_note_field(allow_lines *out, const char *what, const char *key,
			    const ae_yaml_node *bv, const ae_yaml_node *hv,
			    ae_err *err)
{
	char sb[AE_REPR_BUF + 8], sh[AE_REPR_BUF + 8], kr[AE_REPR_BUF];
	ae_buf b = AE_BUF_INIT(4096);
	size_t from = allow_from(bv, hv);
	int rc;

	if (allow_same(bv, hv))
		return 0;
	rc = ae_buf_printf(&b, err, "changes %s%s%s: %s -> %s", what,
			   *what ? " " : "",
			   ae_repr(kr, sizeof(kr), key, strlen(key)),
			   allow_show(sb, sizeof(sb), bv, from),
			   allow_show(sh, sizeof(sh), hv, from));
	if (rc == 0)
		rc = allow_lines_take(out, &b, err);
	ae_buf_dispose(&b);
	return rc;
}

/* Notes every field of entry `h` that differs from its match `b`. */
static int allow_note_entry(allow_lines *out, const char *cls,
			    const ae_yaml_node *b, const ae_yaml_node *h,
			    ae_err *err)
{
	char what[AE_REPR_BUF + 64], r[AE_REPR_BUF];
	const ae_yaml_node *label = ae_yaml_map_get(h, "label");
	int rc = 0;

	snprintf(what, sizeof(what), "%s entry label %s", cls,
		 ae_repr(r, sizeof(r), label->scalar, label->scalar_len));
	for (size_t i = 0; i < h->n && rc == 0; i++)
		rc = allow_note_field(out, what, h->keys[i],
				      ae_yaml_map_get(b, h->keys[i]),
				      h->items[i], err);
	for (size_t i = 0; i < b->n && rc == 0; i++)
		if (ae_yaml_map_get(h, b->keys[i]) == NULL)
			rc = allow_note_field(out, what, b->keys[i],
					      b->items[i], NULL, err);
	return rc;
}

/* The entry of `seq` that matches `e`: the same label, or with no label
 * the same values. NULL when none. */
static const ae_yaml_node *allow_match(const ae_yaml_node *seq,
				       const ae_yaml_node *e)
{
	const ae_yaml_node *label = ae_yaml_map_get(e, "label");

	for (size_t i = 0; seq && seq->kind == AE_YAML_SEQ && i < seq->n; i++) {
		const ae_yaml_node *c = seq->items[i];
		const ae_yaml_node *cl = ae_yaml_map_get(c, "label");
		if (c->kind != AE_YAML_MAP)
			continue;
		if (label != NULL && label->kind == AE_YAML_SCALAR
			    ? allow_same(label, cl)
			    : cl == NULL && allow_same(e, c))
			return c;
	}
	return NULL;
}

/* Notes the entries of class `cls` in `from` that `to` lacks (as `verb`),
 * and -- when `changes` -- every field of a matched entry that differs. */
static int allow_note_class(allow_lines *out, const char *cls,
			    const ae_yaml_node *from, const ae_yaml_node *to,
			    const char *verb, bool changes, ae_err *err)
{
	int rc = 0;

	for (size_t i = 0;
	     from && from->kind == AE_YAML_SEQ && i < from->n && rc == 0; i++) {
		const ae_yaml_node *e = from->items[i], *m;
		ae_buf b = AE_BUF_INIT(4096);
		if (e->kind != AE_YAML_MAP)
			continue;
		m = allow_match(to, e);
		if (m != NULL) {
			if (changes && ae_yaml_map_get(e, "label") != NULL)
				rc = allow_note_entry(out, cls, m, e, err);
			continue;
		}
		rc = ae_buf_printf(&b, err, "%s ", verb);
		if (rc == 0)
			rc = allow_describe(&b, cls, e, err);
		if (rc == 0)
			rc = allow_lines_take(out, &b, err);
		ae_buf_dispose(&b);
	}
	return rc;
}

/* Every note between two allowlist documents (either may be NULL: a
 * missing or damaged version reads as empty). */
static int allow_compare(allow_lines *out, const ae_yaml_node *base,
			 const ae_yaml_node *head, ae_err *err)
{
	static const char *const classes[] = {"firstParty", "community",
					      "partner"};
	int rc = 0;

	for (size_t c = 0; c < 3 && rc == 0; c++) {
		const ae_yaml_node *bs = ae_yaml_map_get(base, classes[c]);
		const ae_yaml_node *hs = ae_yaml_map_get(head, classes[c]);
		rc = allow_note_class(out, classes[c], hs, bs, "adds", true,
				      err);
		if (rc == 0)
			rc = allow_note_class(out, classes[c], bs, hs,
					      "removes", false, err);
	}
	for (size_t i = 0;
	     head && head->kind == AE_YAML_MAP && i < head->n && rc == 0; i++)
		if (head->items[i]->kind == AE_YAML_SCALAR)
			rc = allow_note_field(
				out, "", head->keys[i],
				ae_yaml_map_get(base, head->keys[i]),
				head->items[i], err);
	for (size_t i = 0;
	     base && base->kind == AE_YAML_MAP && i < base->n && rc == 0; i++)
		if (base->items[i]->kind == AE_YAML_SCALAR &&
		    ae_yaml_map_get(head, base->keys[i]) == NULL)
			rc = allow_note_field(out, "", base->keys[i],
					      base->items[i], NULL, err);
	if (rc == 0 && out->n > 1)
		qsort(out->v, out->n, sizeof(char *), ae_strptr_cmp);
	return rc;
}

/* Parses an allowlist document into *out (NULL when empty). A document
 * that does not parse is AE_EINVAL with the parser's message in `perr`. */
static int allow_tree(ae_yaml_node **out, const ae_buf *doc, ae_err *perr)
{
	*out = NULL;
	if (doc->len == 0)
		return 0;
	return ae_yaml_parse(out, doc->data, doc->len, perr);
}

int ld__allow_diff(ld__state *st, ae_err *err)
{
	ae_buf base = AE_BUF_INIT(LD_CONTRACT_ALLOWLIST_MAX_BYTES);
	ae_buf head = AE_BUF_INIT(LD_CONTRACT_ALLOWLIST_MAX_BYTES);
	ae_yaml_node *bt = NULL, *ht = NULL;
	allow_lines notes = {0};
	ae_err perr = {0}, bad = {0};
	char *shown = NULL;
	bool found;
	int rc;

	if (asprintf(&shown, "%s/%s", st->root, LD_CONTRACT_ALLOWLIST_NAME) < 0)
		return ae_fail(err, AE_ERR, "out of memory");
	rc = allow_read_tree(&base, &found, st->repo, st->base_tree, err);
	if (rc == AE_EINVAL || rc == AE_ETOOBIG) { /* a damaged base */
		bad = *err;
		ae_err_clear(err);
		ae_buf_dispose(&base);
		rc = 0;
	}
	if (rc == 0)
		rc = allow_read_tree(&head, &found, st->repo, st->head_tree,
				     err);
	if (rc == 0 && allow_tree(&ht, &head, &perr) < 0)
		/* ld__allow_load validated it: never read it as empty */
		rc = ae_fail(err, perr.code ? perr.code : AE_EINVAL,
			     "invalid allowlist %s: %s",
			     LD_CONTRACT_ALLOWLIST_NAME, perr.msg);
	if (rc == 0 && bad.code == 0 && allow_tree(&bt, &base, &bad) < 0) {
		if (bad.code == AE_ERR)
			rc = ae_fail(err, AE_ERR, "%s", bad.msg);
		ae_yaml_free(bt);
		bt = NULL;
	}
	if (rc == 0 && bad.code != 0) /* say so: never "adds" in silence */
		rc = ld__report_note_at(st->report, 0, shown, LD_NOTE_ALLOWLIST,
					err,
					"the target's allowlist.yaml cannot be "
					"read (%s): each entry of the "
					"PR's is listed as added",
					bad.msg);
	if (rc == 0)
		rc = allow_compare(&notes, bt, ht, err);
	for (size_t i = 0; i < notes.n && rc == 0; i++)
		rc = ld__report_note_at(st->report, 0, shown, LD_NOTE_ALLOWLIST,
					err, "%s", notes.v[i]);
	allow_lines_dispose(&notes);
	ae_yaml_free(bt);
	ae_yaml_free(ht);
	ae_buf_dispose(&base);
	ae_buf_dispose(&head);
	free(shown);
	return rc;
}
