/* evidence/catalog.c -- the validator catalog a run used, read for the
 * predicate's validatorCatalogVersion (reference §5.5)
 *
 * The reference's `validate` runs the validators its embedded catalog
 * (`kind: ValidatorCatalog`, apiVersion aicr.nvidia.com/v1) lists and
 * records the catalog's metadata.version in the predicate, "" for a legacy
 * catalog without one. This tool does not run validators: it learns which
 * ran from the CTRF reports, and the catalog's version only from the
 * catalog file the contributor passes (`emit --validator-catalog`). Only
 * the identity fields are read; the validator list is not interpreted
 * here (validator images come from the reports, which name what ran).
 */
#include "evidence/internal.h"
#include "evidence/evidence.h"

#include <stdlib.h>
#include <string.h>

/* A version is SemVer-shaped text: [0-9A-Za-z.+-], 1..64 bytes, so nothing
 * but a version can travel in the signed predicate under this key. */
static bool catalog_version_ok(const char *v)
{
	size_t n = strlen(v);

	if (n < 1 || n > EV_CATALOG_VERSION_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
		      (c >= 'a' && c <= 'z') || c == '.' || c == '+' ||
		      c == '-'))
			return false;
	}
	return true;
}

/* The scalar at map[key], or NULL when absent or not a scalar. */
static const char *catalog_scalar(const ae_yaml_node *map, const char *key)
{
	const ae_yaml_node *n = ae_yaml_map_get(map, key);

	return n != NULL && n->kind == AE_YAML_SCALAR ? n->scalar : NULL;
}

int ev_catalog_version(char out[EV_CATALOG_VERSION_MAX + 1],
		       const unsigned char *buf, size_t len, ae_err *err)
{
	ae_yaml_node *root = NULL;
	const ae_yaml_node *meta, *vn;
	const char *api, *kind, *ver;
	char r[AE_REPR_BUF];
	int rc;

	out[0] = '\0';
	rc = ae_yaml_parse(&root, buf, len, err);
	if (rc < 0)
		return rc;
	if (root == NULL || root->kind != AE_YAML_MAP) {
		rc = ae_fail(err, AE_EINVAL, "not a YAML mapping");
		goto done;
	}
	api = catalog_scalar(root, "apiVersion");
	kind = catalog_scalar(root, "kind");
	if (api == NULL || kind == NULL ||
	    strcmp(api, EV_CATALOG_API_VERSION) != 0 ||
	    strcmp(kind, "ValidatorCatalog") != 0) {
		rc = ae_fail(err, AE_EINVAL,
			     "not a validator catalog (want apiVersion %s, "
			     "kind ValidatorCatalog)",
			     EV_CATALOG_API_VERSION);
		goto done;
	}
	meta = ae_yaml_map_get(root, "metadata");
	if (meta != NULL && meta->kind != AE_YAML_MAP &&
	    !ae_yaml_is_null(meta)) {
		rc = ae_fail(err, AE_EINVAL, "metadata is not a mapping");
		goto done;
	}
	vn = meta != NULL && meta->kind == AE_YAML_MAP
		     ? ae_yaml_map_get(meta, "version")
		     : NULL;
	if (vn == NULL || ae_yaml_is_null(vn))
		goto done; /* a legacy catalog: "" as the reference records */
	ver = vn->kind == AE_YAML_SCALAR ? vn->scalar : NULL;
	if (ver == NULL || !catalog_version_ok(ver)) {
		rc = ae_fail(err, AE_EINVAL,
			     "metadata.version %s is not a version",
			     ver ? ae_repr(r, sizeof(r), ver, strlen(ver))
				 : "(not a scalar)");
		goto done;
	}
	memcpy(out, ver, strlen(ver) + 1);
done:
	ae_yaml_free(root);
	return rc;
}

/* ---- the check names a run may report (issue 24 item 3) ---- */

/* Records `name` as a check of `phase`. Out of memory only. */
static int checks_add(ev__checks *c, int phase, const char *name, ae_err *err)
{
	char **grown, *copy;
	int rc;

	if (ae_strset_has(&c->names[phase], name))
		return 0;
	copy = strdup(name);
	grown = copy ? realloc(c->owned, (c->nowned + 1) * sizeof(*grown))
		     : NULL;
	if (grown == NULL) {
		free(copy);
		return ae_fail(err, AE_ERR, "out of memory");
	}
	c->owned = grown;
	c->owned[c->nowned++] = copy;
	rc = ae_strset_add(&c->names[phase], copy, err);
	return rc < 0 ? rc : 0;
}

int ev__checks_add_catalog(ev__checks *c, const unsigned char *buf, size_t len,
			   ae_err *err)
{
	ae_yaml_node *root = NULL;
	const ae_yaml_node *vs;
	char version[EV_CATALOG_VERSION_MAX + 1];
	int rc;

	/* the same document checks as the version (kind, apiVersion) */
	rc = ev_catalog_version(version, buf, len, err);
	if (rc == 0)
		rc = ae_yaml_parse(&root, buf, len, err);
	if (rc < 0)
		return rc;
	vs = ae_yaml_map_get(root, "validators");
	for (size_t i = 0;
	     rc == 0 && vs != NULL && vs->kind == AE_YAML_SEQ && i < vs->n;
	     i++) {
		const char *name = catalog_scalar(vs->items[i], "name");
		const char *phase = catalog_scalar(vs->items[i], "phase");
		int ph = phase ? ev__phase_index(phase) : -1;
		if (name != NULL && ph >= 0)
			rc = checks_add(c, ph, name, err);
	}
	ae_yaml_free(root);
	return rc;
}

int ev__checks_add_recipe(ev__checks *c, const ae_yaml_node *recipe,
			  ae_err *err)
{
	const ae_yaml_node *val = ae_yaml_map_get(recipe, "validation");
	int rc = 0;

	for (int ph = 0; rc == 0 && ph < EV_PHASE_COUNT; ph++) {
		const ae_yaml_node *checks = ae_yaml_map_get(
			ae_yaml_map_get(val, ev_phase_names[ph]), "checks");
		for (size_t i = 0; rc == 0 && checks != NULL &&
				   checks->kind == AE_YAML_SEQ && i < checks->n;
		     i++) {
			if (checks->items[i]->kind == AE_YAML_SCALAR)
				rc = checks_add(c, ph, checks->items[i]->scalar,
						err);
		}
	}
	return rc;
}

bool ev__checks_refuse(const ev__checks *c, int phase, const char *name)
{
	if (c == NULL || phase < 0 || phase >= EV_PHASE_COUNT ||
	    c->names[phase].n == 0)
		return false;
	return !ae_strset_has(&c->names[phase], name);
}

void ev__checks_dispose(ev__checks *c)
{
	if (c == NULL)
		return;
	for (int ph = 0; ph < EV_PHASE_COUNT; ph++)
		ae_strset_dispose(&c->names[ph]);
	for (size_t i = 0; i < c->nowned; i++)
		free(c->owned[i]);
	free(c->owned);
	memset(c, 0, sizeof(*c));
}
