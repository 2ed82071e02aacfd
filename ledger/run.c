/* ledger/run.c -- the ledger run: the claims in, the report out
 *
 * Gathering: every pointer under the evidence root (ld_tree_list), its
 * claim read (ld_pointer_read) and the claimed signer classified against
 * the root's allowlist; a pointer that cannot be read, is unsigned or
 * misplaced is kept as unverifiable, with the reason (SPEC §6). Then the
 * items become the model's runs (ld_ledger_compute), and the data feed is
 * written: a directory of index.json and
 * series/<recipe>.json (cmd/ledger.c renders the other formats).
 */
#include "ledger/run.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *str_or(const char *s)
{
	return s ? s : "";
}

void ld__item_void(ld__item *it, const char *fmt, ...)
{
	va_list ap;

	it->vote = LD_VOTE_UNVERIFIABLE;
	va_start(ap, fmt);
	vsnprintf(it->reason, sizeof(it->reason), fmt, ap);
	va_end(ap);
}

int ld__ledger_add(ld__item **out, ld_ledger *items, ae_err *err)
{
	*out = NULL;
	if (items->n == items->cap) {
		size_t cap = items->cap ? items->cap * 2 : 64;
		ld__item *v = realloc(items->v, cap * sizeof(*v));
		if (v == NULL)
			return ae_fail(err, AE_ERR, "out of memory");
		items->v = v;
		items->cap = cap;
	}
	*out = &items->v[items->n++];
	memset(*out, 0, sizeof(**out));
	return 0;
}

/* ---- allowlist (the trust root; never from the bundles under check) ---- */

/* Loads the root's allowlist.yaml; a ledger without one has no allowlisted
 * signer, so nothing can be corroborated, which is what the report says. */
static int allowlist_load(al_list **out, ld_source *src, ae_err *err)
{
	ae_buf b;
	int rc;

	*out = NULL;
	rc = ld_source_read(&b, src, "allowlist.yaml", AL_MAX_BYTES, err);
	if (rc == AE_ENOTFOUND) {
		ae_err_clear(err);
		return 0;
	}
	if (rc == 0) {
		rc = al_list_parse(out, b.data, b.len, err);
		ae_buf_dispose(&b);
	}
	return rc;
}

ld_class ld__classify(const al_list *al, const char *issuer,
		      const char *identity, const char **label_out)
{
	al_class cls = AL_CLASS_NONE;

	*label_out = NULL;
	if (al == NULL ||
	    al_list_classify(&cls, label_out, al, issuer, identity, NULL) < 0)
		return LD_CLASS_REPORTED;
	switch (cls) {
	case AL_CLASS_FIRST_PARTY:
		return LD_CLASS_FIRST_PARTY;
	case AL_CLASS_PARTNER:
		return LD_CLASS_PARTNER;
	case AL_CLASS_COMMUNITY:
		return LD_CLASS_COMMUNITY;
	default:
		*label_out = NULL;
		return LD_CLASS_REPORTED;
	}
}

/* Reads one pointer's claim and classifies the claimed signer. A pointer
 * that cannot be read, is unsigned or misplaced is kept as unverifiable:
 * the report lists it with the reason (SPEC §6), it never votes. */
static int item_claim(ld__item *it, ld_source *src, const al_list *al,
		      ae_err *err)
{
	const char *iss, *id, *label = NULL;
	ae_err perr = {0};
	ae_buf b;
	int rc;

	it->vote = LD_VOTE_CLAIMED;
	it->cls = LD_CLASS_REPORTED;
	snprintf(it->slug, sizeof(it->slug), "%s", it->src);
	rc = ld_source_read(&b, src, it->path, LD_POINTER_MAX_BYTES, &perr);
	if (rc == 0) {
		rc = ld_pointer_parse(&it->ptr, b.data, b.len, &perr);
		ae_buf_dispose(&b);
	}
	if (rc == AE_ERR)
		return ae_fail(err, rc, "%s", perr.msg);
	if (rc < 0) {
		ld__item_void(it, "pointer unreadable: %s", perr.msg);
		return 0;
	}
	iss = ld_pointer_signer_issuer(it->ptr);
	id = ld_pointer_signer_identity(it->ptr);
	if (!ld_pointer_is_signed(it->ptr) || iss == NULL || id == NULL) {
		ld__item_void(it, "pointer is not signed");
		return 0;
	}
	rc = ld_slug_from_signer(it->slug, iss, id, &perr);
	if (rc < 0) {
		ld__item_void(it, "claimed signer: %s", perr.msg);
		return 0;
	}
	it->cls = ld__classify(al, iss, id, &label);
	if (label != NULL) {
		it->label = strdup(label);
		if (it->label == NULL)
			return ae_fail(err, AE_ERR, "out of memory");
	}
	if (strcmp(it->slug, it->src) != 0)
		ld__item_void(it,
			      "placed under %s but the claimed signer's "
			      "slug is %s",
			      it->src, it->slug);
	else if (strcmp(str_or(ld_pointer_recipe(it->ptr)), it->recipe) != 0)
		ld__item_void(it,
			      "placed under recipe %s but claims another "
			      "recipe",
			      it->recipe);
	return 0;
}

/* Splits "recipe/src/name.yaml" into the item's recipe and src. */
static int item_init(ld__item *it, const char *path, ae_err *err)
{
	const char *a = strchr(path, '/'), *b = a ? strchr(a + 1, '/') : NULL;

	it->origin = LD_ORIGIN_POINTER;
	it->path = strdup(path);
	it->recipe = a ? strndup(path, (size_t)(a - path)) : NULL;
	it->src = b ? strndup(a + 1, (size_t)(b - a - 1)) : NULL;
	if (!it->path || !it->recipe || !it->src)
		return ae_fail(err, AE_ERR, "out of memory");
	return 0;
}

int ld_ledger_new(ld_ledger **out, const ld_ledger_opts *o, ae_err *err)
{
	ld_pointer_paths paths = {NULL, 0};
	ld_source *src = NULL;
	ld_ledger *l = calloc(1, sizeof(*l));
	int rc;

	*out = NULL;
	if (l == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	l->o = o;
	/* HEAD's tree when the root is in a git work tree, else the files
	 * (issue 15: the checkout is not the ledger) */
	rc = ld_source_open(&src, o->root, o->worktree, err);
	if (rc == 0)
		rc = ld_source_list(&paths, src, o->recipes, o->n_recipes, err);
	if (rc == 0)
		rc = allowlist_load(&l->al, src, err);
	if (rc == 0 && ld_source_commit(src) != NULL)
		snprintf(l->commit, sizeof(l->commit), "%s",
			 ld_source_commit(src));
	for (size_t i = 0; rc == 0 && i < paths.n; i++) {
		ld__item *it = NULL;
		rc = ld__ledger_add(&it, l, err);
		if (rc == 0)
			rc = item_init(it, paths.v[i], err);
		if (rc == 0)
			rc = item_claim(it, src, l->al, err);
	}
	ld_pointer_paths_dispose(&paths);
	ld_source_free(src);
	if (rc < 0)
		ld_ledger_free(l);
	else
		*out = l;
	return rc;
}

void ld_ledger_free(ld_ledger *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++) {
		ld__item *it = &l->v[i];
		for (int p = 0; p < LD_PHASE_COUNT; p++)
			ld_ctrf_free(it->ctrf[p]);
		ld_facts_dispose(&it->facts);
		free(it->checks);
		ld_pointer_free(it->ptr);
		free(it->v_identity);
		free(it->v_issuer);
		free(it->ref);
		free(it->label);
		free(it->src);
		free(it->recipe);
		free(it->path);
	}
	free(l->v);
	al_list_free(l->al);
	free(l);
}

size_t ld_ledger_count(const ld_ledger *l)
{
	return l->n;
}

bool ld_ledger_uncounted(const ld_ledger *l, size_t i, const char **ref,
			 const char **reason)
{
	const ld__item *it = &l->v[i];

	*ref = it->ref;
	*reason = it->reason[0] ? it->reason : "not verified";
	return it->origin == LD_ORIGIN_INGEST && it->recipe == NULL;
}

int ld_ledger_uncounted_render(ae_buf *out, const ld_ledger *l, ae_err *err)
{
	const char *ref, *why;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < l->n; i++) {
		if (!ld_ledger_uncounted(l, i, &ref, &why))
			continue;
		rc = ae_buf_puts(out, "aicr-evidence: ledger: ", err);
		if (rc == 0)
			rc = ae_buf_put_esc_value(out, ref, err);
		if (rc == 0)
			rc = ae_buf_printf(out, err, ": not counted: %s\n",
					   why);
	}
	return rc;
}

bool ld_ledger_transient(const ld_ledger *l)
{
	return l->transient;
}

void ld_ledger_provenance(ld_render_opts *ro, const ld_ledger *l)
{
	ro->ledger_commit = l->commit[0] ? l->commit : NULL;
	ro->evidence_root = l->o->root;
	ro->trusted_root = l->trust[0] ? l->trust : "none used (not verified)";
}

/* ---- the model's runs ---- */

/* True iff `name` is among the recipes asked for (all when none). */
static bool recipe_wanted(const ld_ledger_opts *a, const char *name)
{
	for (size_t i = 0; i < a->n_recipes; i++) {
		if (strcmp(a->recipes[i], name) == 0)
			return true;
	}
	return a->n_recipes == 0;
}

/* Fills run `r` from item `it` (borrowing its strings). */
static void run_from_item(ld_run *r, const ld__item *it)
{
	bool verified = it->vote == LD_VOTE_VERIFIED;

	r->recipe = it->recipe;
	r->path = it->path;
	/* an ingested ref always holds '@' (built by ledger_ingest.c); a
	 * pointer that could not be read has neither */
	r->digest = it->ptr   ? ld_pointer_bundle_digest(it->ptr)
		    : it->ref ? strchr(it->ref, '@') + 1
			      : NULL;
	r->oci = it->ptr ? ld_pointer_bundle_oci(it->ptr) : it->ref;
	r->attested_at = it->ptr ? ld_pointer_attested_at(it->ptr)
				 : it->facts.attested_at;
	r->issuer = str_or(verified  ? it->v_issuer
			   : it->ptr ? ld_pointer_signer_issuer(it->ptr)
				     : NULL);
	r->identity = str_or(verified  ? it->v_identity
			     : it->ptr ? ld_pointer_signer_identity(it->ptr)
				       : NULL);
	r->slug = it->slug;
	r->label = it->label;
	r->cls = it->cls;
	r->vote = it->vote;
	r->reason = it->reason[0] ? it->reason : NULL;
	r->checks = it->checks;
	r->n_checks = it->n_checks;
	r->resigned = it->resigned;
	r->origin = it->origin;
	r->aicr_version = it->facts.aicr_version;
	r->profile = it->facts.profile;
	r->recipe_fresh = it->recipe_fresh;
	r->profile_fresh = it->profile_fresh;
	r->fresh_note = it->fresh_note[0] ? it->fresh_note : NULL;
	for (int f = 0; f < LD_FACET_COUNT; f++)
		r->facets[f] = it->facts.facets[f];
	for (int x = 0; x < LD_AXIS_COUNT; x++)
		r->criteria[x] = it->facts.criteria[x];
}

int ld_ledger_compute(ld_corroboration **out, const ld_ledger *items,
		      ae_err *err)
{
	const ld_ledger_opts *a = items->o;
	ld_corroboration_input in = LD_CORROBORATION_INPUT_INIT;
	ld_run *runs = calloc(items->n ? items->n : 1, sizeof(*runs));
	size_t n = 0;
	int rc;

	*out = NULL;
	if (runs == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t i = 0; i < items->n; i++) {
		const ld__item *it = &items->v[i];
		/* An ingested bundle of another recipe than those asked
		 * for, or one whose recipe is unknown (not verified), has no
		 * row to go to; a bundle its signer holds twice is one run. */
		if (it->dup || it->recipe == NULL ||
		    !recipe_wanted(a, it->recipe))
			continue;
		run_from_item(&runs[n++], it);
	}
	in.runs = runs;
	in.n_runs = n;
	in.recipes = a->recipes;
	in.n_recipes = a->n_recipes;
	in.verified = a->verify;
	in.lens = a->lens;
	in.lens_version = a->lens_version;
	in.include_historical = a->include_historical;
	in.exclude_dev = a->exclude_dev;
	rc = ld_corroboration_compute(out, &in, err);
	free(runs);
	return rc;
}

/* ---- the report ---- */

/* Writes `b` to `name` in the feed directory `dirfd` (mode 0644). */
static int feed_file(int dirfd, const char *name, const ae_buf *b, ae_err *err)
{
	return ae_write_atomic(dirfd, name, b->data, b->len, 0644, err);
}

/* True iff series/<name> (stem `stem`, `n` bytes) is a series this tool
 * wrote: a regular file, not a symlink, under the cap, a JSON object whose
 * "recipe" is its own stem, with a "rows" array and a "builds" object. A
 * user's own JSON file beside the feed is never one. */
static bool feed_is_series(int sdir, const char *name, const char *stem,
			   size_t n)
{
	ae_buf b;
	ae_err e = {0};
	json_t *root, *r;
	bool yes = false;

	if (ae_read_file(&b, sdir, name, 256u << 20, &e) < 0)
		return false;
	root = json_loadb((const char *)b.data, b.len, JSON_REJECT_DUPLICATES,
			  NULL);
	ae_buf_dispose(&b);
	r = json_object_get(root, "recipe");
	yes = json_is_object(root) && json_is_string(r) &&
	      json_string_length(r) == n &&
	      memcmp(json_string_value(r), stem, n) == 0 &&
	      json_is_array(json_object_get(root, "rows")) &&
	      json_is_object(json_object_get(root, "builds"));
	json_decref(root);
	return yes;
}

/* Removes series/<x>.json files of recipes the feed no longer has: only
 * regular files named *.json that are series this tool wrote (see
 * feed_is_series); nothing else is touched. */
static void feed_prune(int sdir, const ld_corroboration *c)
{
	int fd = dup(sdir);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		bool keep = false;
		struct stat st;
		if (n < 6 || strcmp(de->d_name + n - 5, ".json") != 0 ||
		    fstatat(sdir, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		for (size_t i = 0; !keep && i < c->n_recipes; i++)
			keep = ld_feed_series_included(c, i) &&
			       strlen(c->recipes[i].name) == n - 5 &&
			       strncmp(c->recipes[i].name, de->d_name, n - 5) ==
				       0;
		if (!keep &&
		    feed_is_series(sdir, de->d_name, de->d_name, n - 5))
			unlinkat(sdir, de->d_name, 0);
	}
	closedir(d);
}

/* Opens directory `path` (created if missing), never through a symlink. */
static int dir_open(int *fd_out, const char *path, ae_err *err)
{
	int rc = ae_mkdir_p(path, err);

	*fd_out = -1;
	if (rc < 0)
		return rc;
	*fd_out = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (*fd_out < 0)
		return ae_fail(err, AE_EIO, "cannot open %s: %s", path,
			       strerror(errno));
	return 0;
}

/* The feed: series/<recipe>.json for each recipe with a verified run,
 * then index.json (last, so it never names a series not yet written),
 * then stale series files removed. */
int ld_feed_write(const ld_corroboration *c, const ld_render_opts *ro,
		  const char *dir, ae_err *err)
{
	char sp[4200];
	int dfd = -1, sfd = -1, rc;

	if ((size_t)snprintf(sp, sizeof(sp), "%s/series", dir) >= sizeof(sp))
		return ae_fail(err, AE_ETOOBIG, "output path too long");
	rc = dir_open(&dfd, dir, err);
	if (rc == 0)
		rc = dir_open(&sfd, sp, err);
	for (size_t i = 0; rc == 0 && i < c->n_recipes; i++) {
		ae_buf b = AE_BUF_INIT(256u << 20);
		char name[300];
		if (!ld_feed_series_included(c, i))
			continue;
		if (!ae_path_element_is_plain(c->recipes[i].name) ||
		    (size_t)snprintf(name, sizeof(name), "%s.json",
				     c->recipes[i].name) >= sizeof(name))
			continue; /* never a path: recipe names are checked */
		rc = ld_feed_render_series(&b, c, i, ro, err);
		if (rc == 0)
			rc = feed_file(sfd, name, &b, err);
		ae_buf_dispose(&b);
	}
	if (rc == 0) {
		ae_buf b = AE_BUF_INIT(256u << 20);
		rc = ld_feed_render_index(&b, c, ro, err);
		if (rc == 0)
			rc = feed_file(dfd, "index.json", &b, err);
		ae_buf_dispose(&b);
	}
	if (rc == 0)
		feed_prune(sfd, c);
	if (sfd >= 0)
		close(sfd);
	if (dfd >= 0)
		close(dfd);
	return rc;
}
