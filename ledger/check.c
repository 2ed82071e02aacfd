/* ledger/check.c -- the Evidence Pointer Contract checker (SPEC §5)
 *
 * One call judges a ledger as git holds it: open the repository, resolve
 * the revisions to commits, take the evidence root's tree from each, list
 * what changed (or, for an audit, everything), and apply the rules in
 * order -- add-only to every change, placement to every added path, then
 * the pointer's contents (schema, allowlist, signature) in a pool of
 * workers. The rules never stop at the first problem: every finding goes
 * into the report (signify -C, SPEC §5 last paragraph).
 *
 * With a base revision (the target branch's tip) the diff runs from base
 * to the tree that merging head into base produces (check_merge.c): what
 * the merge does to the ledger, whatever the history between them. A diff
 * from merge-base(base, head) instead misses what a criss-cross history's
 * other merge bases hold (issue 15); a diff from base to head would
 * count the target's own later additions as the PR's deletions. Each
 * commit the PR brings is judged for add-only too (check_commits.c): a
 * rebase merge lands them one by one, not the merge result.
 */
#include "ledger/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Checks --root: relative, '/'-separated plain elements, trailing '/'
 * dropped. Writes the normalised root into out[LD__ROOT_MAX]. */
static int check_root_normalise(char *out, const char *root, ae_err *err)
{
	char repr[AE_REPR_BUF];
	size_t len = strlen(root);
	char elem[256];

	while (len > 0 && root[len - 1] == '/')
		len--;
	if (len == 0 || len >= LD__ROOT_MAX || root[0] == '/')
		return ae_fail(err, AE_EINVAL,
			       "root %s must be a relative path in the "
			       "repository",
			       ae_repr(repr, sizeof(repr), root, strlen(root)));
	memcpy(out, root, len);
	out[len] = '\0';
	for (const char *p = out; *p;) {
		size_t n = strcspn(p, "/");
		if (n == 0 || n >= sizeof(elem))
			return ae_fail(err, AE_EINVAL,
				       "root %s has an empty or long element",
				       ae_repr(repr, sizeof(repr), out, len));
		memcpy(elem, p, n);
		elem[n] = '\0';
		if (!ae_path_element_is_plain(elem))
			return ae_fail(err, AE_EINVAL,
				       "root %s: %s is not a plain name",
				       ae_repr(repr, sizeof(repr), out, len),
				       elem);
		p += n + (p[n] == '/');
	}
	return 0;
}

/* Resolves `rev` to a commit. AE_ENOTFOUND for an unknown revision. */
static int check_resolve(git_commit **out, git_repository *repo,
			 const char *rev, ae_err *err)
{
	char repr[AE_REPR_BUF];
	git_object *obj = NULL;
	int rc;

	*out = NULL;
	if (git_revparse_single(&obj, repo, rev) < 0)
		return ld__git_fail(err, AE_ENOTFOUND, "unknown revision");
	rc = git_object_peel((git_object **)out, obj, GIT_OBJECT_COMMIT);
	git_object_free(obj);
	if (rc < 0)
		return ae_fail(err, AE_EINVAL, "revision %s is not a commit",
			       ae_repr(repr, sizeof(repr), rev, strlen(rev)));
	return 0;
}

/* The evidence root's tree in the top-level tree `top`. *out is NULL when
 * the root does not exist there; AE_EINVAL when it exists but is not a
 * directory. */
static int check_root_tree(git_tree **out, git_repository *repo,
			   const git_tree *top, const char *root, ae_err *err)
{
	git_tree_entry *te = NULL;
	int rc = 0;

	*out = NULL;
	if (git_tree_entry_bypath(&te, top, root) < 0)
		goto done; /* absent: the caller decides */
	if (git_tree_entry_type(te) != GIT_OBJECT_TREE) {
		rc = ae_fail(err, AE_EINVAL,
			     "the evidence root %s is not a directory", root);
		goto done;
	}
	if (git_tree_lookup(out, repo, git_tree_entry_id(te)) < 0)
		rc = ld__git_fail(err, AE_EIO, "cannot read the evidence root");
done:
	git_error_clear();
	git_tree_entry_free(te);
	return rc;
}

/* Opens the repository at `dir`, or the one around the current directory.
 * AE_ENOTFOUND when there is none. */
static int check_open(git_repository **out, const char *dir, ae_err *err)
{
	if (ld__repo_open(out, dir) < 0)
		return ld__git_fail(err, AE_ENOTFOUND,
				    "cannot open the git repository");
	return 0;
}

/* Resolves head and (optionally) base, builds the tree the merge of head
 * into base produces (ld__merge_tree), and loads the evidence root's tree
 * of base and of that result into st. */
static int check_revs(ld__state *st, const ld_contract_opts *opts, ae_err *err)
{
	git_commit *head = NULL, *base = NULL;
	char hb[GIT_OID_HEXSZ + 1] = "", bb[GIT_OID_HEXSZ + 1] = "";
	int rc;

	rc = check_resolve(&head, st->repo, opts->head ? opts->head : "HEAD",
			   err);
	if (rc < 0)
		goto done;
	git_oid_tostr(hb, sizeof(hb), git_commit_id(head));
	if (opts->base != NULL) {
		rc = check_resolve(&base, st->repo, opts->base, err);
		if (rc == 0)
			rc = ld__merge_tree(&st->head_top, &st->merge, st->repo,
					    st->root, base, head, err);
		if (rc == 0 && git_commit_tree(&st->base_top, base) < 0)
			rc = ld__git_fail(err, AE_EIO,
					  "cannot read a commit's tree");
		if (rc == 0)
			rc = check_root_tree(&st->base_tree, st->repo,
					     st->base_top, st->root, err);
		if (rc < 0)
			goto done;
		git_oid_tostr(bb, sizeof(bb), git_commit_id(base));
	} else if (git_commit_tree(&st->head_top, head) < 0) {
		rc = ld__git_fail(err, AE_EIO, "cannot read a commit's tree");
		goto done;
	}
	if (git_commit_tree(&st->pr_top, head) < 0) {
		rc = ld__git_fail(err, AE_EIO, "cannot read a commit's tree");
		goto done;
	}
	rc = check_root_tree(&st->head_tree, st->repo, st->head_top, st->root,
			     err);
	if (rc == 0 && st->head_tree == NULL)
		rc = ae_fail(err, AE_ENOTFOUND,
			     "no evidence root %s at head %.12s", st->root, hb);
	if (rc == 0 && base != NULL)
		rc = ld__commits_check(st, base, head, err);
	if (rc == 0)
		rc = ld__report_set_revs(st->report, bb, hb, err);
	if (rc == 0)
		ld__report_set_merge(st->report, ld__merge_name(st->merge.kind),
				     st->merge.n_bases);
done:
	git_commit_free(base);
	git_commit_free(head);
	return rc;
}

/* Rule 1 for one change that is not an addition (SPEC §5.1). The
 * allowlist may change (a maintainer's trust decision); it may not vanish
 * or stop being a regular file. */
static int check_change(ld__state *st, const ld__entry *e, const char *shown,
			size_t order, ae_err *err)
{
	char what[64];

	if (strcmp(e->path, LD_CONTRACT_ALLOWLIST_NAME) == 0) {
		st->allowlist_changed = true;
		if (e->status == LD__CHANGE_DELETED)
			return ld__report_add_at(st->report, order, shown,
						 LD_RULE_ALLOWLIST, err,
						 "the allowlist must not be "
						 "deleted");
		if (e->mode == LD__MODE_BLOB)
			return 0;
		return ld__report_add_at(st->report, order, shown,
					 LD_RULE_PLACEMENT, err,
					 "allowlist.yaml must be a regular "
					 "file of mode 100644");
	}
	if (ld__path_has_gitattributes(e->path))
		return ld__report_add_at(
			st->report, order, shown, LD_RULE_ATTRIBUTES, err,
			"a .gitattributes under the evidence root changes what "
			"a checkout writes for the pointers: it may not be "
			"changed or removed");
	if (e->status == LD__CHANGE_DELETED)
		snprintf(what, sizeof(what), "deleted");
	else if (e->status == LD__CHANGE_TYPECHANGE)
		snprintf(what, sizeof(what), "type changed %06o -> %06o",
			 e->mode_old, e->mode);
	else if (e->mode != e->mode_old)
		snprintf(what, sizeof(what), "mode changed %06o -> %06o",
			 e->mode_old, e->mode);
	else
		snprintf(what, sizeof(what), "modified");
	return ld__report_add_at(st->report, order, shown, LD_RULE_ADD_ONLY,
				 err,
				 "pointers are immutable (add-only): existing "
				 "file %s",
				 what);
}

/* Rule 2 for an added path that another path of the judged root spells
 * with other ASCII case: one file on a case-insensitive checkout, so it
 * would overwrite (or be overwritten by) the other (check_case.c). */
static int check_case(ld__state *st, const ld__entry *e, const char *shown,
		      size_t order, ae_err *err)
{
	bool twin = false;
	int rc;

	if (st->base_top == NULL)
		return 0; /* an audit judges no change */
	rc = ld__path_case_twin(&twin, st->repo, st->head_tree, e->path, err);
	if (rc < 0 || !twin)
		return rc;
	return ld__report_add_at(st->report, order, shown, LD_RULE_PLACEMENT,
				 err,
				 "another path of the ledger differs from this "
				 "one only by case: a case-insensitive "
				 "checkout (macOS, Windows) writes both to one "
				 "file");
}

/* Applies rules 1 and 2 to every entry in order and queues the pointers
 * whose contents need reading. */
static int check_entries(ld__state *st, ae_err *err)
{
	char *shown = NULL;
	int rc = 0;

	for (size_t i = 0; i < st->entries.n && rc == 0; i++) {
		const ld__entry *e = &st->entries.v[i];
		ld__place place = LD__PLACE_VIOLATION;
		ld__loc loc;

		if (asprintf(&shown, "%s/%s", st->root, e->path) < 0)
			return ae_fail(err, AE_ERR, "out of memory");
		if (e->status != LD__CHANGE_ADDED) {
			rc = check_change(st, e, shown, i, err);
		} else {
			rc = ld__place_check(&place, &loc, st->report, shown,
					     e->path, e->mode, i, err);
			if (rc == 0)
				rc = check_case(st, e, shown, i, err);
			if (rc == 0 && place == LD__PLACE_ALLOWLIST)
				st->allowlist_changed = true;
			if (rc == 0 && place == LD__PLACE_POINTER) {
				rc = ld__jobs_add(&st->jobs, i, e, &loc, shown,
						  err);
				shown = NULL; /* the job owns it */
			}
		}
		free(shown);
		shown = NULL;
	}
	return rc;
}

/* Lists the entries: the diff from base to head, or every file at head.
 * The trees read on the judged side are held to git fsck as they are read,
 * unless a three-way merge made them (check_trees.c judges head's then). */
static int check_list(ld__state *st, const ld_contract_opts *opts, ae_err *err)
{
	ld__tree_sink sink = {st->report, NULL, st->root};
	int rc;

	st->entries.max =
		opts->max_entries ? opts->max_entries : LD_CONTRACT_MAX_ENTRIES;
	if (st->merge.kind != LD__MERGE_THREE_WAY) {
		if (git_repository_odb(&sink.odb, st->repo) < 0)
			return ld__git_fail(err, AE_EIO,
					    "cannot open the objects");
		st->entries.sink = &sink;
	}
	if (opts->base != NULL)
		rc = ld__diff_list(&st->entries, st->repo, st->base_tree,
				   st->head_tree, err);
	else
		rc = ld__tree_list(&st->entries, st->repo, st->head_tree, err);
	st->entries.sink = NULL;
	git_odb_free(sink.odb);
	return rc;
}

static void check_state_dispose(ld__state *st)
{
	ld__jobs_dispose(&st->jobs);
	free(st->keys);
	ld__packs_dispose(&st->packs);
	ld__entries_dispose(&st->entries);
	ld__allow_dispose(&st->allow);
	git_tree_free(st->base_tree);
	git_tree_free(st->head_tree);
	git_tree_free(st->base_top);
	git_tree_free(st->head_top);
	git_tree_free(st->pr_top);
	git_repository_free(st->repo);
	ld_report_free(st->report);
}

int ld_contract_run(ld_report **out, const ld_contract_opts *opts, ae_err *err)
{
	ld__state st;
	int rc;

	AE_ASSERT_ARG(out != NULL && opts != NULL, err);
	*out = NULL;
	if (opts->workers > LD_CONTRACT_WORKERS_MAX)
		return ae_fail(err, AE_EINVAL, "%u workers, at most %u",
			       opts->workers, LD_CONTRACT_WORKERS_MAX);
	memset(&st, 0, sizeof(st));
	rc = check_root_normalise(
		st.root, opts->root ? opts->root : LD_CONTRACT_ROOT_DEFAULT,
		err);
	if (rc < 0)
		return rc;
	if (git_libgit2_init() < 0)
		return ld__git_fail(err, AE_ERR, "cannot initialise libgit2");
	rc = ld_report_new(&st.report, err);
	if (rc == 0)
		rc = check_open(&st.repo, opts->repo, err);
	if (rc == 0)
		rc = check_revs(&st, opts, err);
	if (rc == 0)
		rc = ld__allow_load(&st.allow, st.repo, st.head_tree,
				    st.base_tree, opts->allowlist, err);
	if (rc == 0)
		rc = ld__trees_check(&st, err);
	if (rc == 0)
		rc = check_list(&st, opts, err);
	if (rc == 0)
		rc = check_entries(&st, err);
	if (rc == 0 && opts->base != NULL && st.allowlist_changed)
		rc = ld__allow_diff(&st, err);
	if (rc == 0) {
		ld__jobs_pack_order(&st.jobs, &st.packs, st.repo);
		/* a change: each added pointer's bundle, for ld__dup_check */
		if (opts->base != NULL && st.jobs.n > 0) {
			st.keys = calloc(st.jobs.n, sizeof(*st.keys));
			if (st.keys == NULL)
				rc = ae_fail(err, AE_ERR, "out of memory");
		}
	}
	if (rc == 0) {
		/* a large CPU-bound audit: read and judge on two cores
		 * (check_pipe.c); else the pool (check_pool.c) */
		rc = st.jobs.n == 0		? 0
		     : ld__pipe_fits(&st, opts) ? ld__pipe_run(&st, opts, err)
						: ld__pool_run(&st, opts, err);
	}
	if (rc == 0)
		rc = ld__dup_check(&st, err);
	if (rc == 0) {
		ld__report_sort(st.report);
		ld__report_set_counts(st.report, st.entries.n, st.jobs.n);
		*out = st.report;
		st.report = NULL;
	}
	check_state_dispose(&st);
	git_libgit2_shutdown();
	return rc;
}
