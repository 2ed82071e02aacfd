/* evidence/recipe_profile.c -- a recipe's selected profile and its policy
 * descriptor identity (reference ADR-015, pkg/allocpolicy)
 *
 * A profiled recipe carries metadata.selectedProfile {name, value,
 * advertiser?, ownedPaths}. Its evidence names it three ways: the recipe
 * name ends in "-<name>-<value>" (lowercased), the pointer records
 * `profile: name=value`, and the predicate's profile block records the
 * selection, the advertiser and a policyDescriptorIdentity.
 *
 * That identity is recomputed from the recipe, as the reference's verifier
 * does (allocpolicy.IdentityFor over RecipeResult.ClosureDescriptorEntries):
 *
 *   1. the profile owns GPU advertisement ("the closure triggers") when its
 *      advertiser is "external", or when one of its ownedPaths intersects
 *      (same dotted segments up to the shorter path) a policy-selector path
 *      of the descriptor for that component; the synthetic "enabled" path
 *      never counts;
 *   2. then every descriptor entry whose component is among the recipe's
 *      componentRefs and enabled (no overrides.enabled or overrides.install
 *      that yaml.v3 reads as false) contributes; otherwise none does;
 *   3. the identity is the lowercase hex SHA-256 of the contributing
 *      "component:path\n" lines, components and each one's paths sorted and
 *      unique. No contributing entry hashes the empty string.
 *
 * The descriptor is a table of the reference's binary, not of the recipe:
 * this is the one input the recipe does not carry. Ours is below, as the
 * reference's sources have it; evidence signed by a reference build with
 * another table for the recipe's components recomputes to another identity
 * and is "historical-only", exactly as the reference's own newer verifier
 * would judge it (docs/formats.md "Profiles").
 */
#include "evidence/internal.h"
#include "evidence/evidence.h"

#include <stdio.h>
#include <string.h>

/* The reference's allocation-policy descriptor (pkg/allocpolicy
 * Descriptor()), append-only there. */
static const struct {
	const char *component;
	const char *paths[2];
} profile_descriptor[] = {
	{"gpu-operator", {"devicePlugin.enabled", NULL}},
	{"gpu-operator-ocp", {"devicePlugin.enabled", NULL}},
	{"nvidia-dra-driver-gpu",
	 {"gpuResourcesEnabledOverride", "resources.gpus.enabled"}},
	{"nvidia-dra-driver-gpu-ocp",
	 {"gpuResourcesEnabledOverride", "resources.gpus.enabled"}},
};
#define PROFILE_DESCRIPTOR_N                                                   \
	(sizeof(profile_descriptor) / sizeof(profile_descriptor[0]))

#define PROFILE_PRESENCE_PATH "enabled"

/* True iff the node is what yaml.v3 decodes to nil: absent, or a scalar
 * that resolves to null (plain "", ~, null, Null, NULL, or tagged
 * !!null). */
static bool y_null(const ev__ynode *n)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};

	if (n == NULL)
		return true;
	if (n->kind != EV__Y_SCALAR)
		return false;
	if (n->style & EV__YS_TAGGED)
		return strcmp(n->tag, "tag:yaml.org,2002:null") == 0;
	if (n->style != 0)
		return false;
	for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++) {
		if (strcmp(n->value, nulls[i]) == 0)
			return true;
	}
	return false;
}

/* yaml.v3's reading of a scalar decoded into `any` as a boolean: 1 true,
 * 0 false, -1 not a boolean (a quoted "false" is a string). */
static int y_bool(const ev__ynode *n)
{
	bool tagged;

	if (n == NULL || n->kind != EV__Y_SCALAR)
		return -1;
	tagged = (n->style & EV__YS_TAGGED) != 0;
	if (tagged ? strcmp(n->tag, "tag:yaml.org,2002:bool") != 0
		   : n->style != 0)
		return -1;
	if (strcmp(n->value, "true") == 0 || strcmp(n->value, "True") == 0 ||
	    strcmp(n->value, "TRUE") == 0)
		return 1;
	if (strcmp(n->value, "false") == 0 || strcmp(n->value, "False") == 0 ||
	    strcmp(n->value, "FALSE") == 0)
		return 0;
	return -1;
}

/* A string field as yaml.v3 decodes it into a Go string: any scalar's
 * text, "" for null. AE_EINVAL for a collection. */
static int y_string(const char **out, const ev__ynode *n, const char *field,
		    ae_err *err)
{
	*out = "";
	if (y_null(n))
		return 0;
	if (n->kind != EV__Y_SCALAR)
		return ae_fail(err, AE_EINVAL, "%s is not a string", field);
	*out = n->value;
	return 0;
}

/* The reference's profile identifier: [A-Za-z0-9._-]+. */
static bool profile_ident_ok(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return false;
	}
	return true;
}

bool ev_profile_selection_parse(char name[EV_PROFILE_PART_MAX + 1],
				char value[EV_PROFILE_PART_MAX + 1],
				const char *sel)
{
	const char *eq = strchr(sel, '=');
	size_t n, v;

	if (eq == NULL || strchr(eq + 1, '=') != NULL)
		return false;
	n = (size_t)(eq - sel);
	v = strlen(eq + 1);
	if (n == 0 || n > EV_PROFILE_PART_MAX || v == 0 ||
	    v > EV_PROFILE_PART_MAX)
		return false;
	memcpy(name, sel, n);
	name[n] = '\0';
	memcpy(value, eq + 1, v + 1);
	return profile_ident_ok(name) && profile_ident_ok(value);
}

/* Dotted paths intersect when one is the other or an ancestor of it. */
static bool profile_paths_intersect(const char *a, const char *b)
{
	for (;;) {
		size_t la = strcspn(a, "."), lb = strcspn(b, ".");
		if (la != lb || memcmp(a, b, la) != 0)
			return false;
		if (a[la] == '\0' || b[lb] == '\0')
			return true;
		a += la + 1;
		b += lb + 1;
	}
}

/* Whether the owned (component, path) is one of the descriptor's policy
 * selectors (the synthetic presence path never is). */
static bool profile_owns_selector(const char *component, const char *path)
{
	if (strcmp(path, PROFILE_PRESENCE_PATH) == 0)
		return false;
	for (size_t i = 0; i < PROFILE_DESCRIPTOR_N; i++) {
		if (strcmp(profile_descriptor[i].component, component) != 0)
			continue;
		for (size_t k = 0; k < 2 && profile_descriptor[i].paths[k];
		     k++) {
			if (profile_paths_intersect(
				    path, profile_descriptor[i].paths[k]))
				return true;
		}
		return false;
	}
	return false;
}

/* The closure trigger: an external advertiser, or ownership of a policy
 * selector. ownedPaths: component -> list of dotted paths. */
static int profile_triggered(bool *out, const ev__ynode *sp,
			     const char *advertiser, ae_err *err)
{
	const ev__ynode *owned = ev__ytree_get(sp, "ownedPaths");

	*out = strcmp(advertiser, EV_PROFILE_ADVERTISER_EXTERNAL) == 0;
	if (*out || y_null(owned))
		return 0;
	if (owned->kind != EV__Y_MAP)
		return ae_fail(err, AE_EINVAL,
			       "metadata.selectedProfile.ownedPaths is not a "
			       "mapping");
	for (size_t i = 0; i < owned->n && !*out; i++) {
		const ev__ynode *paths = owned->kids[2 * i + 1];
		const char *component = owned->kids[2 * i]->value;
		if (owned->kids[2 * i]->kind != EV__Y_SCALAR)
			return ae_fail(err, AE_EINVAL,
				       "metadata.selectedProfile.ownedPaths "
				       "keys are component names, not "
				       "collections");
		if (y_null(paths))
			continue;
		if (paths->kind != EV__Y_SEQ)
			return ae_fail(err, AE_EINVAL,
				       "metadata.selectedProfile.ownedPaths "
				       "entries are lists of paths");
		for (size_t k = 0; k < paths->n && !*out; k++) {
			const char *path;
			int rc = y_string(&path, paths->kids[k],
					  "an ownedPaths entry", err);
			if (rc < 0)
				return rc;
			*out = profile_owns_selector(component, path);
		}
	}
	return 0;
}

/* RecipeResult.GetComponentRef(name).IsEnabled(): the first componentRef
 * of that name, enabled unless overrides.enabled or overrides.install is a
 * boolean false. */
static bool profile_component_enabled(const ev__ynode *root, const char *name)
{
	const ev__ynode *refs = ev__ytree_get(root, "componentRefs");

	if (refs == NULL || refs->kind != EV__Y_SEQ)
		return false;
	for (size_t i = 0; i < refs->n; i++) {
		const ev__ynode *ref = refs->kids[i], *ov, *n;
		n = ev__ytree_get(ref, "name");
		if (n == NULL || n->kind != EV__Y_SCALAR ||
		    strcmp(n->value, name) != 0)
			continue;
		ov = ev__ytree_get(ref, "overrides");
		return y_bool(ev__ytree_get(ov, "enabled")) != 0 &&
		       y_bool(ev__ytree_get(ov, "install")) != 0;
	}
	return false;
}

/* Appends one "component:path\n" line, components and paths in order. */
static int profile_line(ae_buf *b, const char *component, const char *path,
			ae_err *err)
{
	int rc = ae_buf_puts(b, component, err);

	if (rc == 0)
		rc = ae_buf_puts(b, ":", err);
	if (rc == 0)
		rc = ae_buf_puts(b, path, err);
	if (rc == 0)
		rc = ae_buf_puts(b, "\n", err);
	return rc;
}

/* allocpolicy.IdentityFor over the contributing descriptor entries. The
 * table is already in sorted component order with sorted, unique paths,
 * so its lines come out in the canonical order. */
static int profile_identity(char out[AE_SHA256_HEX_LEN + 1],
			    const ev__ynode *root, bool triggered, ae_err *err)
{
	unsigned char sha[AE_SHA256_LEN];
	ae_buf b = AE_BUF_INIT(4096);
	int rc = 0;

	for (size_t i = 0; triggered && rc == 0 && i < PROFILE_DESCRIPTOR_N;
	     i++) {
		if (!profile_component_enabled(root,
					       profile_descriptor[i].component))
			continue;
		for (size_t k = 0;
		     rc == 0 && k < 2 && profile_descriptor[i].paths[k]; k++)
			rc = profile_line(&b, profile_descriptor[i].component,
					  profile_descriptor[i].paths[k], err);
	}
	if (rc == 0) {
		ae_sha256(sha, b.data != NULL ? b.data : (const void *)"",
			  b.len);
		ae_hex_encode(out, sha, sizeof(sha));
	}
	ae_buf_dispose(&b);
	return rc;
}

int ev__recipe_profile(ev_recipe_id *id, const ev__ynode *root, ae_err *err)
{
	const ev__ynode *sp = ev__ytree_get(ev__ytree_get(root, "metadata"),
					    "selectedProfile");
	const char *name = "", *value = "", *adv = "";
	bool triggered = false;
	char r[AE_REPR_BUF], r2[AE_REPR_BUF];
	int rc;

	id->profiled = false;
	if (y_null(sp))
		return 0;
	if (sp->kind != EV__Y_MAP)
		return ae_fail(err, AE_EINVAL,
			       "metadata.selectedProfile is not a mapping");
	rc = y_string(&name, ev__ytree_get(sp, "name"),
		      "metadata.selectedProfile.name", err);
	if (rc == 0)
		rc = y_string(&value, ev__ytree_get(sp, "value"),
			      "metadata.selectedProfile.value", err);
	if (rc == 0)
		rc = y_string(&adv, ev__ytree_get(sp, "advertiser"),
			      "metadata.selectedProfile.advertiser", err);
	if (rc < 0)
		return rc;
	if (!profile_ident_ok(name) || !profile_ident_ok(value) ||
	    strlen(name) > EV_PROFILE_PART_MAX ||
	    strlen(value) > EV_PROFILE_PART_MAX)
		return ae_fail(err, AE_EINVAL,
			       "metadata.selectedProfile %s=%s: profile name "
			       "and value must match [A-Za-z0-9._-]+",
			       ae_repr(r, sizeof(r), name, strlen(name)),
			       ae_repr(r2, sizeof(r2), value, strlen(value)));
	if (adv[0] != '\0' && strcmp(adv, EV_PROFILE_ADVERTISER_EXTERNAL) != 0)
		return ae_fail(
			err, AE_EINVAL,
			"unknown advertiser %s; the only supported value "
			"is \"external\"",
			ae_repr(r, sizeof(r), adv, strlen(adv)));
	rc = profile_triggered(&triggered, sp, adv, err);
	if (rc == 0)
		rc = profile_identity(id->identity, root, triggered, err);
	if (rc < 0)
		return rc;
	snprintf(id->selection, sizeof(id->selection), "%s=%s", name, value);
	snprintf(id->advertiser, sizeof(id->advertiser), "%s", adv);
	id->profiled = true;
	return 0;
}
