/* ledger/run_facts.c -- what a verified bundle says beyond its CTRF, and
 * how fresh it is against the recipes as they stand now (issue 22 items
 * 1 and 3)
 *
 * After a bundle verified, its signed predicate (from the verdict), its
 * minimized snapshot and its recipe (both covered by the verified
 * manifest) are read through ledger/'s fact readers: tool version, recipe
 * digest and predicate type, profile, attestedAt, the cluster's K8s, OS
 * and GPU, the recipe's criteria. For an ingested bundle the predicate
 * also names the recipe and the time (it has no pointer).
 *
 * Freshness: the current recipes come from --recipes DIR (its *.yaml and
 * *.yml files, one level) and --recipe FILE. Each is known by its file
 * name without the extension and by the name its criteria give
 * (ev_recipe_name, the reference's RecipeNameFor); two files giving one
 * name with different bytes make that name ambiguous (UNKNOWN). A run's
 * signed recipe digest is compared with the current recipe's digest
 * computed by the product's one digest function (ev_recipe_digest) for
 * the run's own predicate type.
 */
#include "ledger/run.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Reads `name` in `dir` (capped) into the facts with `fn`; a file that is
 * absent or does not parse leaves the facts unknown. AE_ERR on OOM. */
static int
facts_file(ld_facts *f, const ld_fetched *x, const char *name, size_t cap,
	   int (*fn)(ld_facts *, const unsigned char *, size_t, ae_err *),
	   ae_err *err)
{
	ae_buf b = AE_BUF_INIT(cap);
	ae_err e = {0};
	int rc;

	rc = ld_fetched_read(&b, x, name, cap, &e);
	if (rc == 0)
		rc = fn(f, b.data, b.len, &e);
	ae_buf_dispose(&b);
	if (rc == AE_ERR)
		return ae_fail(err, AE_ERR, "%s", e.msg);
	return 0;
}

/* An ingested bundle's recipe and time come from its predicate. */
static int ingest_place(ld__item *it, ae_err *err)
{
	const char *name = it->facts.recipe_name;

	if (name == NULL || !ae_path_element_is_plain(name)) {
		ld__item_void(it, "the signed predicate names no recipe that "
				  "can be a name in the ledger");
		return 0;
	}
	if (it->facts.attested_at == NULL) {
		ld__item_void(it, "the signed predicate has no valid "
				  "attestedAt");
		return 0;
	}
	it->recipe = strdup(name);
	return it->recipe ? 0 : ae_fail(err, AE_ERR, "out of memory");
}

int ld__item_facts(ld__item *it, const ev_verdict *v, const ld_fetched *x,
		   ae_err *err)
{
	const json_t *pred = ev_verdict_predicate(v);
	ae_err e = {0};
	int rc = 0;

	/* Snapshot first: its measurements win over the fingerprints. */
	rc = facts_file(&it->facts, x, "snapshot.yaml", EV_SNAPSHOT_MAX_BYTES,
			ld_facts_read_snapshot, err);
	if (rc == 0)
		rc = facts_file(&it->facts, x, "recipe.yaml",
				EV_RECIPE_MAX_BYTES, ld_facts_read_recipe, err);
	/* The recipe file's profile is the bundle's; the signed predicate's
	 * is the one judged (it replaces it below). */
	if (rc == 0 && pred != NULL) {
		free(it->facts.profile);
		free(it->facts.advertiser);
		it->facts.profile = it->facts.advertiser = NULL;
		/* the verdict's parsed predicate: never rendered and read
		 * back (issue 17) */
		if (ld_facts_read_predicate_json(&it->facts, pred,
						 ev_verdict_predicate_type(v),
						 &e) == AE_ERR)
			rc = ae_fail(err, AE_ERR, "%s", e.msg);
	}
	if (rc == 0 && it->origin == LD_ORIGIN_INGEST)
		rc = ingest_place(it, err);
	return rc;
}

/* ---- the current recipes ---- */

/* One current recipe under one name. */
typedef struct current {
	char *name;
	unsigned char *bytes;
	size_t len;
	ld_facts facts; /* its profile */
	bool ambiguous;
	char digest[3][AE_SHA256_HEX_LEN + 1]; /* per predicate type */
	bool have[3];
} current;

typedef struct catalog {
	current *v;
	size_t n, cap;
} catalog;

static void catalog_dispose(catalog *cat)
{
	for (size_t i = 0; i < cat->n; i++) {
		free(cat->v[i].name);
		free(cat->v[i].bytes);
		ld_facts_dispose(&cat->v[i].facts);
	}
	free(cat->v);
}

/* Adds `bytes` under `name`; the same name with other bytes is
 * ambiguous. */
static int catalog_add(catalog *cat, const char *name, const ae_buf *b,
		       ae_err *err)
{
	current *c;

	for (size_t i = 0; i < cat->n; i++) {
		if (strcmp(cat->v[i].name, name) != 0)
			continue;
		if (cat->v[i].len != b->len ||
		    memcmp(cat->v[i].bytes, b->data, b->len) != 0)
			cat->v[i].ambiguous = true;
		return 0;
	}
	if (cat->n == cat->cap) {
		size_t cap = cat->cap ? cat->cap * 2 : 16;
		current *v = realloc(cat->v, cap * sizeof(*v));
		if (v == NULL)
			return ae_fail(err, AE_ERR, "out of memory");
		cat->v = v;
		cat->cap = cap;
	}
	c = &cat->v[cat->n];
	memset(c, 0, sizeof(*c));
	c->name = strdup(name);
	c->bytes = malloc(b->len ? b->len : 1);
	if (c->name == NULL || c->bytes == NULL) {
		free(c->name);
		free(c->bytes);
		return ae_fail(err, AE_ERR, "out of memory");
	}
	memcpy(c->bytes, b->data, b->len);
	c->len = b->len;
	cat->n++;
	return ld_facts_read_recipe(&cat->v[cat->n - 1].facts, b->data, b->len,
				    err) == AE_ERR
		       ? AE_ERR
		       : 0;
}

/* Reads one current recipe file: known by its base name and by the name
 * its criteria give. */
static int catalog_file(catalog *cat, int dirfd, const char *dirpath,
			const char *file, ae_err *err)
{
	ae_buf b = AE_BUF_INIT(EV_RECIPE_MAX_BYTES);
	const char *base = strrchr(file, '/');
	char *name = NULL, stem[300];
	size_t n;
	int rc;

	rc = ae_read_file(&b, dirfd, file, EV_RECIPE_MAX_BYTES, err);
	if (rc < 0)
		return ae_fail(err, rc, "%s%s%s", dirpath ? dirpath : "",
			       dirpath ? "/" : "", file);
	base = base ? base + 1 : file;
	n = strcspn(base, ".");
	snprintf(stem, sizeof(stem), "%.*s", (int)(n < 299 ? n : 299), base);
	rc = catalog_add(cat, stem, &b, err);
	if (rc == 0) {
		ae_err ignored = {0};
		if (ev_recipe_name(&name, b.data, b.len, &ignored) == 0 &&
		    strcmp(name, stem) != 0)
			rc = catalog_add(cat, name, &b, err);
		free(name);
	}
	ae_buf_dispose(&b);
	return rc;
}

/* Reads the *.yaml and *.yml files of --recipes (one level). */
static int catalog_dir(catalog *cat, const char *path, ae_err *err)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d;
	struct dirent *de;
	size_t files = 0;
	int rc = 0;

	if (fd < 0)
		return ae_fail(err, errno == ENOENT ? AE_ENOTFOUND : AE_EINVAL,
			       "not a directory: %s", strerror(errno));
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return ae_fail(err, AE_EIO, "cannot list it: %s",
			       strerror(errno));
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		struct stat st;
		if (!ae_path_element_is_plain(de->d_name) ||
		    !((n > 5 && !strcmp(de->d_name + n - 5, ".yaml")) ||
		      (n > 4 && !strcmp(de->d_name + n - 4, ".yml"))) ||
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISREG(st.st_mode))
			continue;
		if (++files > LD__RECIPES_MAX)
			rc = ae_fail(err, AE_ETOOBIG, "more than %u recipes",
				     LD__RECIPES_MAX);
		else
			rc = catalog_file(cat, dirfd(d), path, de->d_name, err);
	}
	closedir(d);
	return rc;
}

static size_t type_index(const char *t)
{
	if (t != NULL && strcmp(t, EV_PREDICATE_V1) == 0)
		return 0;
	if (t != NULL && strcmp(t, EV_PREDICATE_V2) == 0)
		return 1;
	return 2;
}

/* The current recipe's digest for predicate type `type`, NULL when it
 * cannot be computed (the recipe is then no comparison). */
static const char *current_digest(current *c, const char *type)
{
	size_t t = type_index(type);
	ae_err ignored = {0};

	if (!c->have[t] &&
	    ev_recipe_digest(c->digest[t], c->bytes, c->len,
			     type ? type : EV_PREDICATE_V3, &ignored) == 0)
		c->have[t] = true;
	return c->have[t] ? c->digest[t] : NULL;
}

/* Judges one verified item against the catalog. */
static void item_judge(ld__item *it, catalog *cat)
{
	current *c = NULL;
	const char *d;

	for (size_t i = 0; it->recipe && i < cat->n && c == NULL; i++) {
		if (strcmp(cat->v[i].name, it->recipe) == 0)
			c = &cat->v[i];
	}
	if (c == NULL || c->ambiguous) {
		snprintf(it->fresh_note, sizeof(it->fresh_note),
			 c ? "two current recipes are named %.100s"
			   : "no current recipe named %.100s",
			 it->recipe ? it->recipe : "-");
		return;
	}
	d = current_digest(c, it->facts.predicate_type);
	if (d == NULL) {
		snprintf(it->fresh_note, sizeof(it->fresh_note),
			 "the current recipe %.100s has no digest (it does "
			 "not parse)",
			 it->recipe);
		return;
	}
	ld_fresh_judge(&it->recipe_fresh, &it->profile_fresh, it->fresh_note,
		       &it->facts, &c->facts, d);
}

int ld_ledger_freshness(ld_ledger *items, ae_err *err)
{
	const ld_ledger_opts *a = items->o;
	catalog cat = {NULL, 0, 0};
	int rc = 0;

	if (a->recipes_dir == NULL && a->n_recipe_files == 0)
		return 0;
	if (a->recipes_dir != NULL)
		rc = catalog_dir(&cat, a->recipes_dir, err);
	for (size_t i = 0; rc == 0 && i < a->n_recipe_files; i++)
		rc = catalog_file(&cat, AT_FDCWD, NULL, a->recipe_files[i],
				  err);
	for (size_t i = 0; rc == 0 && i < items->n; i++) {
		if (items->v[i].vote == LD_VOTE_VERIFIED)
			item_judge(&items->v[i], &cat);
	}
	catalog_dispose(&cat);
	return rc;
}
