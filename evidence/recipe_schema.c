/* evidence/recipe_schema.c -- the recipe's fields against the reference's
 * RecipeResult schema (issue 24 item 6)
 *
 * recipe.yaml ships in its canonical form, every field kept: its digest is
 * what the predicate signs, so it cannot be minimized. Whatever a contributor
 * added beyond the schema the reference's recipe generator writes (pkg/recipe
 * RecipeResult and the types it holds) -- annotations, a customer criterion,
 * component values -- would be published with it. emit lists those fields so
 * the contributor sees them before publishing (a warning; --strict refuses).
 * The table below is the reference's schema as its Go structs declare it (yaml
 * tags); subtrees it leaves free-form (componentRefs[].overrides,
 * nodeSelection.selector) or this tool does not model in detail
 * (configuration, metadata.selectedProfile) are not looked into.
 */
#include "evidence/internal.h"
#include "evidence/evidence.h"

#include <stdio.h>
#include <string.h>

typedef struct schema_field schema_field;

typedef enum schema_kind {
	SK_SCALAR, /* nothing below to check */
	SK_FREE,   /* a free-form subtree */
	SK_MAP,	   /* a mapping of `fields` */
	SK_SEQ,	   /* a sequence of `item` */
} schema_kind;

typedef struct schema_node {
	schema_kind kind;
	const schema_field *fields; /* SK_MAP, NULL-key terminated */
	const struct schema_node *item;
} schema_node;

struct schema_field {
	const char *key;
	const schema_node *node;
};

static const schema_node sn_scalar = {SK_SCALAR, NULL, NULL};
static const schema_node sn_free = {SK_FREE, NULL, NULL};
static const schema_node sn_scalars = {SK_SEQ, NULL, &sn_scalar};

/* Constraint */
static const schema_field f_constraint[] = {
	{"name", &sn_scalar},	  {"value", &sn_scalar},
	{"severity", &sn_scalar}, {"remediation", &sn_scalar},
	{"unit", &sn_scalar},	  {NULL, NULL}};
static const schema_node sn_constraint = {SK_MAP, f_constraint, NULL};
static const schema_node sn_constraints = {SK_SEQ, NULL, &sn_constraint};

/* ExpectedResource */
static const schema_field f_expected[] = {{"kind", &sn_scalar},
					  {"name", &sn_scalar},
					  {"namespace", &sn_scalar},
					  {NULL, NULL}};
static const schema_node sn_expected = {SK_MAP, f_expected, NULL};
static const schema_node sn_expecteds = {SK_SEQ, NULL, &sn_expected};

/* ComponentRef */
static const schema_field f_component[] = {{"name", &sn_scalar},
					   {"namespace", &sn_scalar},
					   {"chart", &sn_scalar},
					   {"type", &sn_scalar},
					   {"source", &sn_scalar},
					   {"version", &sn_scalar},
					   {"tag", &sn_scalar},
					   {"valuesFile", &sn_scalar},
					   {"overrides", &sn_free},
					   {"patches", &sn_scalars},
					   {"dependencyRefs", &sn_scalars},
					   {"manifestFiles", &sn_scalars},
					   {"preManifestFiles", &sn_scalars},
					   {"path", &sn_scalar},
					   {"cleanup", &sn_scalar},
					   {"expectedResources", &sn_expecteds},
					   {"healthCheckAsserts", &sn_scalar},
					   {"healthCheckSkip", &sn_scalar},
					   {NULL, NULL}};
static const schema_node sn_component = {SK_MAP, f_component, NULL};
static const schema_node sn_components = {SK_SEQ, NULL, &sn_component};

/* Criteria */
static const schema_field f_criteria[] = {{"service", &sn_scalar},
					  {"accelerator", &sn_scalar},
					  {"intent", &sn_scalar},
					  {"os", &sn_scalar},
					  {"platform", &sn_scalar},
					  {"nodes", &sn_scalar},
					  {NULL, NULL}};
static const schema_node sn_criteria = {SK_MAP, f_criteria, NULL};

/* ValidationConfig, ValidationPhase, NodeSelection */
static const schema_field f_nodesel[] = {{"selector", &sn_free},
					 {"maxNodes", &sn_scalar},
					 {"excludeNodes", &sn_scalars},
					 {NULL, NULL}};
static const schema_node sn_nodesel = {SK_MAP, f_nodesel, NULL};
static const schema_field f_vphase[] = {
	{"timeout", &sn_scalar},	{"constraints", &sn_constraints},
	{"checks", &sn_scalars},	{"nodeSelection", &sn_nodesel},
	{"infrastructure", &sn_scalar}, {NULL, NULL}};
static const schema_node sn_vphase = {SK_MAP, f_vphase, NULL};
static const schema_field f_validation[] = {{"readiness", &sn_vphase},
					    {"deployment", &sn_vphase},
					    {"performance", &sn_vphase},
					    {"conformance", &sn_vphase},
					    {NULL, NULL}};
static const schema_node sn_validation = {SK_MAP, f_validation, NULL};

/* RecipeResultMetadata (excludedOverlays are names or {name, reason}) */
static const schema_field f_excluded[] = {
	{"name", &sn_scalar}, {"reason", &sn_scalar}, {NULL, NULL}};
static const schema_node sn_excluded = {SK_MAP, f_excluded, NULL};
static const schema_node sn_excludeds = {SK_SEQ, NULL, &sn_excluded};
static const schema_field f_warning[] = {
	{"overlay", &sn_scalar},  {"constraint", &sn_scalar},
	{"expected", &sn_scalar}, {"actual", &sn_scalar},
	{"reason", &sn_scalar},	  {NULL, NULL}};
static const schema_node sn_warning = {SK_MAP, f_warning, NULL};
static const schema_node sn_warnings = {SK_SEQ, NULL, &sn_warning};
static const schema_field f_metadata[] = {{"version", &sn_scalar},
					  {"appliedOverlays", &sn_scalars},
					  {"excludedOverlays", &sn_excludeds},
					  {"constraintWarnings", &sn_warnings},
					  {"gpuDriverState", &sn_scalar},
					  {"selectedProfile", &sn_free},
					  {"mariaDBOperatorState", &sn_scalar},
					  {NULL, NULL}};
static const schema_node sn_metadata = {SK_MAP, f_metadata, NULL};

/* RecipeResult */
static const schema_field f_recipe[] = {{"kind", &sn_scalar},
					{"apiVersion", &sn_scalar},
					{"metadata", &sn_metadata},
					{"criteria", &sn_criteria},
					{"configuration", &sn_free},
					{"constraints", &sn_constraints},
					{"componentRefs", &sn_components},
					{"deploymentOrder", &sn_scalars},
					{"validation", &sn_validation},
					{NULL, NULL}};
static const schema_node sn_recipe = {SK_MAP, f_recipe, NULL};

#define SCHEMA_PATH_MAX 512

typedef struct schema_walk {
	ae_buf *out;
	size_t n;
} schema_walk;

static const schema_node *schema_field_node(const schema_field *f,
					    const char *key)
{
	for (; f->key != NULL; f++) {
		if (strcmp(f->key, key) == 0)
			return f->node;
	}
	return NULL;
}

/* Records one path (NUL-terminated into the buffer). */
static int schema_note(schema_walk *w, const char *path, ae_err *err)
{
	w->n++;
	return ae_buf_put(w->out, path, strlen(path) + 1, err);
}

/* Walks `n` against `s` at `path`; a node of another YAML kind than the
 * schema says is not an extra field and is left to the reference's own
 * reader. */
static int schema_walk_node(schema_walk *w, const ae_yaml_node *n,
			    const schema_node *s, const char *path, ae_err *err)
{
	char sub[SCHEMA_PATH_MAX];
	int rc = 0;

	if (s->kind == SK_SEQ && n->kind == AE_YAML_SEQ) {
		for (size_t i = 0; rc == 0 && i < n->n; i++) {
			snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
			rc = schema_walk_node(w, n->items[i], s->item, sub,
					      err);
		}
		return rc;
	}
	if (s->kind != SK_MAP || n->kind != AE_YAML_MAP)
		return 0;
	for (size_t i = 0; rc == 0 && i < n->n; i++) {
		const schema_node *f = schema_field_node(s->fields, n->keys[i]);
		snprintf(sub, sizeof(sub), "%s%s%s", path, path[0] ? "." : "",
			 n->keys[i]);
		if (f == NULL)
			rc = schema_note(w, sub, err);
		else
			rc = schema_walk_node(w, n->items[i], f, sub, err);
	}
	return rc;
}

int ev_recipe_extra_fields(ae_buf *out, size_t *n_out,
			   const ae_yaml_node *recipe, ae_err *err)
{
	schema_walk w = {out, 0};
	int rc;

	ae_buf_init(out, 1u << 20);
	*n_out = 0;
	if (recipe == NULL)
		return 0;
	rc = schema_walk_node(&w, recipe, &sn_recipe, "", err);
	if (rc < 0) {
		ae_buf_dispose(out);
		return rc;
	}
	*n_out = w.n;
	return 0;
}
