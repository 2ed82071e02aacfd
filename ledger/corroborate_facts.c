/* ledger/corroborate_facts.c -- what a verified bundle says beyond its
 * CTRF, and how fresh that is (issue 22 items 1 and 3)
 *
 * Three readers of untrusted bytes, each called by cmd/ only on a bundle
 * whose signature, predicate and inventory verified: the signed predicate
 * (JSON: aicrVersion, recipe name and digest, predicateType, profile,
 * attestedAt), the minimized snapshot (YAML: the cluster's Kubernetes
 * version, OS release and GPU model, the reference's dashboard facets) and
 * the recipe (YAML: criteria, the catalog coordinate; selectedProfile).
 * A field of the wrong type is absent, never an error: a bundle's facts
 * are shown, they do not decide trust. Every string kept is bounded
 * (LD_FACT_MAX) and free of control bytes; renderers escape the rest.
 *
 * ld_fresh_judge compares what the predicate recorded with the recipe as
 * it stands now: the recipe digest recomputed by the caller with the one
 * digest function the product has (ev_recipe_digest) for the recorded
 * predicate type, and the profile selection and advertiser of the current
 * recipe. The reference also compares the policy-descriptor identity,
 * which depends on the signing tool's descriptor table, not on the recipe:
 * it cannot be recomputed here, so a profiled run is never CURRENT on its
 * profile, only HISTORICAL (selection or advertiser changed) or UNKNOWN.
 */
#include "evidence/evidence.h"
#include "ledger/ledger.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Copies `s` (len bytes) if it fits LD_FACT_MAX and holds no control byte
 * or NUL; otherwise leaves *out NULL. AE_ERR on OOM. */
static int fact_set(char **out, const char *s, size_t len, ae_err *err)
{
	free(*out);
	*out = NULL;
	if (s == NULL || len == 0 || len > LD_FACT_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	}
	*out = strndup(s, len);
	return *out ? 0 : ae_fail(err, AE_ERR, "out of memory");
}

static int fact_str(char **out, const char *s, ae_err *err)
{
	return fact_set(out, s, s ? strlen(s) : 0, err);
}

void ld_facts_dispose(ld_facts *f)
{
	if (f == NULL)
		return;
	free(f->aicr_version);
	free(f->recipe_name);
	free(f->recipe_digest);
	free(f->predicate_type);
	free(f->attested_at);
	free(f->profile);
	free(f->advertiser);
	for (int i = 0; i < LD_FACET_COUNT; i++)
		free(f->facets[i]);
	for (int i = 0; i < LD_AXIS_COUNT; i++)
		free(f->criteria[i]);
	memset(f, 0, sizeof(*f));
}

/* ---- the signed predicate (JSON) ---- */

static const char *jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

int ld_facts_read_predicate(ld_facts *f, const unsigned char *buf, size_t len,
			    const char *predicate_type, ae_err *err)
{
	json_t *p = NULL;
	int rc;

	AE_ASSERT_ARG(f != NULL, err);
	rc = ae_json_parse((void **)&p, buf, len, err);
	if (rc == 0)
		rc = ld_facts_read_predicate_json(f, p, predicate_type, err);
	json_decref(p);
	return rc;
}

int ld_facts_read_predicate_json(ld_facts *f, const struct json_t *p,
				 const char *predicate_type, ae_err *err)
{
	const json_t *rec, *prof, *fp;
	int rc;

	AE_ASSERT_ARG(f != NULL, err);
	if (!json_is_object(p))
		return ae_fail(err, AE_EINVAL,
			       "the predicate is not an object");
	rec = json_object_get(p, "recipe");
	prof = json_object_get(p, "profile");
	fp = json_object_get(p, "fingerprint");
	rc = fact_str(&f->aicr_version, jstr(p, "aicrVersion"), err);
	if (rc == 0)
		rc = fact_str(&f->recipe_name, jstr(rec, "name"), err);
	if (rc == 0)
		rc = fact_str(&f->recipe_digest, jstr(rec, "digest"), err);
	if (rc == 0)
		rc = fact_str(&f->predicate_type, predicate_type, err);
	if (rc == 0) {
		/* As the pointer writer records it: UTC, whole seconds. */
		char at[21];
		ae_err ignored = {0};
		if (ev_time_utc_seconds(at, jstr(p, "attestedAt"), &ignored) ==
		    0)
			rc = fact_str(&f->attested_at, at, err);
	}
	if (rc == 0 && json_is_object(prof))
		rc = fact_str(&f->profile, jstr(prof, "selection"), err);
	if (rc == 0 && json_is_object(prof))
		rc = fact_str(&f->advertiser, jstr(prof, "advertiser"), err);
	/* The fingerprint is the predicate's own view of the cluster: a
	 * fallback for a snapshot that lacks a facet. */
	if (rc == 0 && f->facets[LD_FACET_K8S] == NULL)
		rc = ld_facts_k8s_minor(
			&f->facets[LD_FACET_K8S],
			jstr(json_object_get(fp, "k8sVersion"), "value"), err);
	if (rc == 0 && f->facets[LD_FACET_GPU] == NULL)
		rc = fact_str(&f->facets[LD_FACET_GPU],
			      jstr(json_object_get(fp, "gpuModel"), "value"),
			      err);
	return rc;
}

/* ---- the minimized snapshot (YAML) ---- */

int ld_facts_k8s_minor(char **out, const char *v, ae_err *err)
{
	const char *p = v;
	size_t a = 0, b = 0;

	if (v == NULL)
		return fact_str(out, NULL, err);
	if (*p == 'v' || *p == 'V')
		p++;
	while (p[a] >= '0' && p[a] <= '9' && a < 6)
		a++;
	if (a > 0 && p[a] == '.') {
		while (p[a + 1 + b] >= '0' && p[a + 1 + b] <= '9' && b < 6)
			b++;
	}
	if (a == 0 || b == 0) /* not a version: shown as written */
		return fact_str(out, v, err);
	return fact_set(out, p, a + 1 + b, err);
}

static const char *yscalar(const ae_yaml_node *n)
{
	return n && n->kind == AE_YAML_SCALAR ? n->scalar : NULL;
}

/* The data map of subtype `sub` of measurement `type`, or NULL. */
static const ae_yaml_node *snap_data(const ae_yaml_node *root, const char *type,
				     const char *sub)
{
	const ae_yaml_node *ms = ae_yaml_map_get(root, "measurements");

	for (size_t i = 0; ms && ms->kind == AE_YAML_SEQ && i < ms->n; i++) {
		const ae_yaml_node *m = ms->items[i];
		const ae_yaml_node *subs = ae_yaml_map_get(m, "subtypes");
		const char *t = yscalar(ae_yaml_map_get(m, "type"));
		if (t == NULL || strcmp(t, type) != 0 || subs == NULL ||
		    subs->kind != AE_YAML_SEQ)
			continue;
		for (size_t j = 0; j < subs->n; j++) {
			const char *s = yscalar(
				ae_yaml_map_get(subs->items[j], "subtype"));
			if (s != NULL && strcmp(s, sub) == 0)
				return ae_yaml_map_get(subs->items[j], "data");
		}
	}
	return NULL;
}

/* "ubuntu 24.04" from ID and VERSION_ID, else PRETTY_NAME. */
static int snap_os(ld_facts *f, const ae_yaml_node *rel, ae_err *err)
{
	const char *id = yscalar(ae_yaml_map_get(rel, "ID"));
	const char *ver = yscalar(ae_yaml_map_get(rel, "VERSION_ID"));
	char both[2 * LD_FACT_MAX + 2];

	if (id != NULL && ver != NULL &&
	    strlen(id) + strlen(ver) < LD_FACT_MAX) {
		snprintf(both, sizeof(both), "%s %s", id, ver);
		return fact_str(&f->facets[LD_FACET_OS], both, err);
	}
	if (id != NULL)
		return fact_str(&f->facets[LD_FACET_OS], id, err);
	return fact_str(&f->facets[LD_FACET_OS],
			yscalar(ae_yaml_map_get(rel, "PRETTY_NAME")), err);
}

/* The snapshot's own fingerprint block, for facets its measurements lack. */
static int snap_fingerprint(ld_facts *f, const ae_yaml_node *root, ae_err *err)
{
	const ae_yaml_node *fp = ae_yaml_map_get(root, "fingerprint");
	const ae_yaml_node *os = ae_yaml_map_get(fp, "os");
	int rc = 0;

	if (f->facets[LD_FACET_K8S] == NULL)
		rc = ld_facts_k8s_minor(
			&f->facets[LD_FACET_K8S],
			yscalar(ae_yaml_map_get(
				ae_yaml_map_get(fp, "k8sVersion"), "value")),
			err);
	if (rc == 0 && f->facets[LD_FACET_GPU] == NULL)
		rc = fact_str(
			&f->facets[LD_FACET_GPU],
			yscalar(ae_yaml_map_get(ae_yaml_map_get(fp, "gpuModel"),
						"value")),
			err);
	if (rc == 0 && f->facets[LD_FACET_OS] == NULL && os != NULL) {
		const char *v = yscalar(ae_yaml_map_get(os, "value"));
		const char *ver = yscalar(ae_yaml_map_get(os, "version"));
		char both[2 * LD_FACT_MAX + 2];
		if (v != NULL && ver != NULL &&
		    strlen(v) + strlen(ver) < LD_FACT_MAX) {
			snprintf(both, sizeof(both), "%s %s", v, ver);
			v = both;
		}
		rc = fact_str(&f->facets[LD_FACET_OS], v, err);
	}
	return rc;
}

int ld_facts_read_snapshot(ld_facts *f, const unsigned char *buf, size_t len,
			   ae_err *err)
{
	ae_yaml_node *root = NULL;
	const ae_yaml_node *server, *rel, *gpu;
	int rc;

	AE_ASSERT_ARG(f != NULL, err);
	rc = ae_yaml_parse(&root, buf, len, err);
	if (rc < 0)
		return rc;
	server = snap_data(root, "K8s", "server");
	rel = snap_data(root, "OS", "release");
	gpu = snap_data(root, "GPU", "hardware");
	rc = ld_facts_k8s_minor(&f->facets[LD_FACET_K8S],
				yscalar(ae_yaml_map_get(server, "version")),
				err);
	if (rc == 0)
		rc = snap_os(f, rel, err);
	if (rc == 0)
		rc = fact_str(&f->facets[LD_FACET_GPU],
			      yscalar(ae_yaml_map_get(gpu, "model")), err);
	if (rc == 0)
		rc = snap_fingerprint(f, root, err);
	ae_yaml_free(root);
	return rc;
}

/* ---- the recipe (YAML) ---- */

int ld_facts_read_recipe(ld_facts *f, const unsigned char *buf, size_t len,
			 ae_err *err)
{
	ae_yaml_node *root = NULL;
	const ae_yaml_node *crit, *sp;
	int rc;

	AE_ASSERT_ARG(f != NULL, err);
	rc = ae_yaml_parse(&root, buf, len, err);
	if (rc < 0)
		return rc;
	crit = ae_yaml_map_get(root, "criteria");
	sp = ae_yaml_map_get(ae_yaml_map_get(root, "metadata"),
			     "selectedProfile");
	for (int a = 0; rc == 0 && a < LD_AXIS_COUNT; a++) {
		const char *v = yscalar(ae_yaml_map_get(crit, ld_axis_name(a)));
		/* `any` selects nothing: the reference's coordinate leaves
		 * the axis empty. */
		if (v != NULL && strcmp(v, "any") == 0)
			v = NULL;
		rc = fact_str(&f->criteria[a], v, err);
	}
	if (rc == 0 && sp != NULL) {
		const char *n = yscalar(ae_yaml_map_get(sp, "name"));
		const char *v = yscalar(ae_yaml_map_get(sp, "value"));
		char sel[2 * LD_FACT_MAX + 2];
		if (n != NULL && v != NULL &&
		    strlen(n) + strlen(v) < LD_FACT_MAX) {
			snprintf(sel, sizeof(sel), "%s=%s", n, v);
			rc = fact_str(&f->profile, sel, err);
		}
		if (rc == 0)
			rc = fact_str(
				&f->advertiser,
				yscalar(ae_yaml_map_get(sp, "advertiser")),
				err);
	}
	ae_yaml_free(root);
	return rc;
}

/* ---- freshness ---- */

static bool str_eq(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

void ld_fresh_judge(ld_fresh *recipe_out, ld_fresh *profile_out,
		    char note[LD_FRESH_NOTE_MAX], const ld_facts *signed_,
		    const ld_facts *current, const char *current_digest)
{
	note[0] = '\0';
	*recipe_out = LD_FRESH_UNKNOWN;
	*profile_out = signed_->profile ? LD_FRESH_UNKNOWN : LD_FRESH_NA;
	if (current == NULL || current_digest == NULL) {
		snprintf(note, LD_FRESH_NOTE_MAX,
			 "no current recipe to compare with");
		return;
	}
	if (signed_->recipe_digest == NULL ||
	    strcmp(signed_->recipe_digest, current_digest) != 0) {
		*recipe_out = LD_FRESH_HISTORICAL;
		snprintf(note, LD_FRESH_NOTE_MAX,
			 "recipe changed since: signed digest %.12s, current "
			 "%.12s",
			 signed_->recipe_digest ? signed_->recipe_digest : "-",
			 current_digest);
	} else {
		*recipe_out = LD_FRESH_CURRENT;
	}
	if (signed_->profile == NULL)
		return;
	if (!str_eq(signed_->profile, current->profile) ||
	    !str_eq(signed_->advertiser, current->advertiser)) {
		*profile_out = LD_FRESH_HISTORICAL;
		if (note[0] == '\0')
			snprintf(note, LD_FRESH_NOTE_MAX,
				 "profile changed since: signed %.60s, "
				 "current %.60s",
				 signed_->profile,
				 current->profile ? current->profile
						  : "(none)");
		return;
	}
	if (note[0] == '\0')
		snprintf(note, LD_FRESH_NOTE_MAX,
			 "profile: the policy-descriptor identity cannot be "
			 "recomputed from the recipe");
}
