/* evidence/snapshot.c -- what the raw snapshot says about the cluster
 *
 * The predicate's fingerprint, its criteria match and the generated BOM's
 * images all come from the raw snapshot, before redaction (reference §6,
 * §14.10). Under reference-v4 the signed predicate may so carry a signal,
 * such as the region from a node label, that the shipped snapshot no longer
 * contains. The minimal policy closes that gap (issue 24 item 5): the
 * fingerprint takes a value only when the shipped snapshot could keep it
 * (the same key's validator, evidence/redact_snapshot.c), leaves the region
 * out, and the generated BOM lists no observed images. What is shipped is
 * decided in redact*.c.
 */
#include "evidence/internal.h"
#include "evidence/evidence.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* The scalar data[key] of the first type/subtype measurement, or NULL;
 * under the minimal policy only a value of the shape that key keeps in the
 * shipped snapshot (a key the snapshot drops gives NULL). */
static const char *snap_value(const ae_yaml_node *snap, const char *type,
			      const char *subtype, const char *key,
			      ev_redaction policy)
{
	const ae_yaml_node *ms = ae_yaml_map_get(snap, "measurements");
	ev__vkind kind;

	if (policy == EV_REDACT_MINIMAL &&
	    !ev__snapshot_key_kind(&kind, type, subtype, key))
		return NULL;
	for (size_t i = 0; ms != NULL && ms->kind == AE_YAML_SEQ && i < ms->n;
	     i++) {
		const ae_yaml_node *m = ms->items[i], *t, *subs;
		t = ae_yaml_map_get(m, "type");
		subs = ae_yaml_map_get(m, "subtypes");
		if (t == NULL || t->kind != AE_YAML_SCALAR ||
		    strcmp(t->scalar, type) != 0 || subs == NULL ||
		    subs->kind != AE_YAML_SEQ)
			continue;
		for (size_t j = 0; j < subs->n; j++) {
			const ae_yaml_node *st = subs->items[j], *nm, *v;
			nm = ae_yaml_map_get(st, "subtype");
			if (nm == NULL || nm->kind != AE_YAML_SCALAR ||
			    strcmp(nm->scalar, subtype) != 0)
				continue;
			/* the first entry of a subtype is the one the
			 * snapshot keeps */
			v = ae_yaml_map_get(ae_yaml_map_get(st, "data"), key);
			if (v == NULL || v->kind != AE_YAML_SCALAR ||
			    v->scalar_len == 0)
				return NULL;
			if (policy == EV_REDACT_MINIMAL &&
			    (((kind == EV__V_COUNT || kind == EV__V_BOOL) &&
			      !v->plain) ||
			     !ev__value_ok(kind, v->scalar)))
				return NULL;
			return v->scalar;
		}
	}
	return NULL;
}

/* The snapshot's own fingerprint.<dim>.value, or NULL; under the minimal
 * policy only a value of `kind`. */
static const char *snap_declared(const ae_yaml_node *snap, const char *dim,
				 ev__vkind kind, ev_redaction policy)
{
	const ae_yaml_node *v = ae_yaml_map_get(
		ae_yaml_map_get(ae_yaml_map_get(snap, "fingerprint"), dim),
		"value");

	if (v == NULL || v->kind != AE_YAML_SCALAR || v->scalar_len == 0)
		return NULL;
	if (policy == EV_REDACT_MINIMAL && !ev__value_ok(kind, v->scalar))
		return NULL;
	return v->scalar;
}

/* Sets fp[dim] = {value, source}; skipped when value is NULL. */
static int snap_set(json_t *fp, const char *dim, const char *value,
		    const char *source)
{
	json_t *o;

	if (value == NULL)
		return 0;
	o = json_pack("{ssss}", "value", value, "source", source);
	return o == NULL || json_object_set_new(fp, dim, o) ? -1 : 0;
}

/* Lowercased accelerator family from a GPU model: the first word after
 * "NVIDIA" ("NVIDIA H100 80GB HBM3" → "h100"). */
static void snap_accelerator(char *out, size_t outsz, const char *model)
{
	const char *p = strstr(model, "NVIDIA ");
	size_t n = 0;

	p = p ? p + 7 : model;
	while (*p == ' ')
		p++;
	while (p[n] != '\0' && p[n] != ' ' && p[n] != '-' && n + 1 < outsz) {
		out[n] = (char)tolower((unsigned char)p[n]);
		n++;
	}
	out[n] = '\0';
}

/* The managed service a node provider implies (reference §6.1). */
static const char *snap_service(const char *provider)
{
	static const char *const map[][2] = {
		{"aws", "eks"},	  {"gce", "gke"},   {"gcp", "gke"},
		{"azure", "aks"}, {"kind", "kind"}, {"oci", "oke"},
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (strcmp(provider, map[i][0]) == 0)
			return map[i][1];
	}
	return provider;
}

/* An integer fingerprint dimension from a decimal string. */
static int snap_set_int(json_t *fp, const char *dim, const char *value,
			const char *source)
{
	char *end = NULL;
	long long n;

	if (value == NULL)
		return 0;
	n = strtoll(value, &end, 10);
	if (end == value || *end != '\0' || n < 0)
		return 0;
	return json_object_set_new(fp, dim,
				   json_pack("{sIss}", "value", (json_int_t)n,
					     "source", source))
		       ? -1
		       : 0;
}

/* accelerator and gpuModel from the GPU model (or the declared value). A
 * family outside the reference's accelerator list is, under the minimal
 * policy, recorded as the reference does: no value, note unknown-sku. */
static int snap_set_gpu(json_t *fp, const ae_yaml_node *snap,
			ev_redaction policy)
{
	const char *model =
		snap_value(snap, "GPU", "hardware", "model", policy);
	char accel[32];
	int bad = 0;

	if (model == NULL)
		return snap_set(fp, "accelerator",
				snap_declared(snap, "accelerator",
					      EV__V_ACCELERATOR, policy),
				"snapshot.fingerprint");
	snap_accelerator(accel, sizeof(accel), model);
	if (policy == EV_REDACT_MINIMAL &&
	    !ev__value_ok(EV__V_ACCELERATOR, accel))
		bad |= json_object_set_new(fp, "accelerator",
					   json_pack("{ssss}", "source",
						     "GPU.hardware.model",
						     "note", "unknown-sku")) !=
		       0;
	else
		bad |= snap_set(fp, "accelerator", accel, "GPU.hardware.model");
	bad |= snap_set(fp, "gpuModel", model, "GPU.hardware.model");
	return bad;
}

/* os: the os-release ID and VERSION_ID. */
static int snap_set_os(json_t *fp, const ae_yaml_node *snap,
		       ev_redaction policy)
{
	const char *id = snap_value(snap, "OS", "release", "ID", policy);
	const char *ver =
		snap_value(snap, "OS", "release", "VERSION_ID", policy);
	json_t *o;

	if (id == NULL)
		return 0;
	o = json_pack("{ss}", "value", id);
	if (o != NULL && ver != NULL &&
	    json_object_set_new(o, "version", json_string(ver)) != 0) {
		json_decref(o);
		o = NULL;
	}
	if (o == NULL ||
	    json_object_set_new(o, "source", json_string("OS.release")) ||
	    json_object_set_new(fp, "os", o))
		return -1;
	return 0;
}

int ev__snapshot_fingerprint(void **out, const ae_yaml_node *snap,
			     ev_redaction policy, ae_err *err)
{
	json_t *fp = json_object();
	const char *provider, *v;
	int bad = fp == NULL;

	*out = NULL;
	provider = snap_value(snap, "K8s", "node", "provider", policy);
	v = provider ? snap_service(provider)
		     : snap_declared(snap, "service", EV__V_SERVICE, policy);
	if (policy == EV_REDACT_MINIMAL && !ev__value_ok(EV__V_SERVICE, v))
		v = NULL;
	bad = bad ||
	      snap_set(fp, "service", v,
		       provider ? "K8s.node.provider" : "snapshot.fingerprint");
	bad = bad || snap_set_gpu(fp, snap, policy);
	v = snap_value(snap, "K8s", "server", "version", policy);
	bad = bad ||
	      snap_set(fp, "k8sVersion",
		       v ? v
			 : snap_declared(snap, "k8sVersion", EV__V_K8S_VERSION,
					 policy),
		       v ? "K8s.server.version" : "snapshot.fingerprint");
	bad = bad || snap_set_os(fp, snap, policy);
	/* Region only from a node label, which the snapshot drops: the
	 * minimal policy leaves it out of the predicate too (item 5). */
	if (policy != EV_REDACT_MINIMAL) {
		v = snap_value(snap, "NodeTopology", "label",
			       "topology.kubernetes.io/region", policy);
		bad = bad || snap_set(fp, "region",
				      v ? v
					: snap_declared(snap, "region",
							EV__V_TEXT, policy),
				      v ? "NodeTopology.label"
					: "snapshot.fingerprint");
	}
	bad = bad || snap_set_int(fp, "nodeCount",
				  snap_value(snap, "NodeTopology", "summary",
					     "node-count", policy),
				  "NodeTopology.summary");
	bad = bad || snap_set_int(fp, "gpuNodeCount",
				  snap_value(snap, "GPU", "hardware",
					     "gpu-nodes", policy),
				  "GPU.hardware");
	if (bad) {
		json_decref(fp);
		return ae_fail(err, AE_ERR, "out of memory");
	}
	*out = fp;
	return 0;
}

/* "nvcr.io/nvidia/gpu-operator:v25.3.0@sha256:…" → "nvidia/gpu-operator:
 * v25.3.0": registry host and digest stripped (reference §5.7). */
static char *snap_strip_image(const char *ref)
{
	ae_imgref r;
	const char *start;
	size_t n;

	ae_imgref_split(&r, ref);
	start = r.host != NULL ? r.path : ref;
	n = strcspn(start, "@ ");
	return n > 0 ? strndup(start, n) : NULL;
}

static int snap_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int ev__snapshot_images(void **out, const ae_yaml_node *snap, ae_err *err)
{
	const ae_yaml_node *ms = ae_yaml_map_get(snap, "measurements");
	char **v = NULL;
	size_t n = 0, cap = 0;
	json_t *arr = json_array();
	int rc = arr == NULL ? AE_ERR : 0;

	*out = NULL;
	for (size_t i = 0;
	     rc == 0 && ms != NULL && ms->kind == AE_YAML_SEQ && i < ms->n;
	     i++) {
		const ae_yaml_node *t = ae_yaml_map_get(ms->items[i], "type");
		const ae_yaml_node *subs =
			ae_yaml_map_get(ms->items[i], "subtypes");
		if (t == NULL || t->kind != AE_YAML_SCALAR ||
		    strcmp(t->scalar, "K8s") != 0 || subs == NULL ||
		    subs->kind != AE_YAML_SEQ)
			continue;
		for (size_t j = 0; rc == 0 && j < subs->n; j++) {
			const ae_yaml_node *nm, *data;
			nm = ae_yaml_map_get(subs->items[j], "subtype");
			data = ae_yaml_map_get(subs->items[j], "data");
			if (nm == NULL || nm->kind != AE_YAML_SCALAR ||
			    strcmp(nm->scalar, "image") != 0 || data == NULL ||
			    data->kind != AE_YAML_MAP)
				continue;
			for (size_t k = 0; rc == 0 && k < data->n; k++) {
				char *s;
				if (data->items[k]->kind != AE_YAML_SCALAR)
					continue;
				s = snap_strip_image(data->items[k]->scalar);
				if (s == NULL)
					continue;
				if (n == cap) {
					char **g;
					cap = cap ? cap * 2 : 16;
					g = realloc(v, cap * sizeof(*v));
					if (g == NULL) {
						free(s);
						rc = AE_ERR;
						break;
					}
					v = g;
				}
				v[n++] = s;
			}
		}
	}
	if (rc == 0 && n > 1)
		qsort(v, n, sizeof(*v), snap_cmp);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (i > 0 && strcmp(v[i], v[i - 1]) == 0)
			continue;
		if (json_array_append_new(arr, json_string(v[i])))
			rc = AE_ERR;
	}
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	if (rc < 0) {
		json_decref(arr);
		return ae_fail(err, AE_ERR, "out of memory");
	}
	*out = arr;
	return 0;
}

/* The recipe criteria value of a dimension as text, NULL when absent. */
static const char *snap_criteria(const ae_yaml_node *recipe, const char *dim)
{
	const ae_yaml_node *v =
		ae_yaml_map_get(ae_yaml_map_get(recipe, "criteria"), dim);

	return v != NULL && v->kind == AE_YAML_SCALAR ? v->scalar : NULL;
}

/* One perDimension row; *matched cleared on a mismatch (§5.5 rules). */
static json_t *snap_dimension(const char *dim, const char *want,
			      const char *have, bool observable, bool *matched)
{
	const char *m;
	json_t *row;

	if (want == NULL || want[0] == '\0' || strcmp(want, "any") == 0 ||
	    (strcmp(dim, "nodes") == 0 && strcmp(want, "0") == 0))
		m = "matched";
	else if (!observable || have == NULL || have[0] == '\0' ||
		 (strcmp(dim, "nodes") == 0 && strcmp(have, "0") == 0))
		m = "unknown";
	else if (strcmp(want, have) == 0)
		m = "matched";
	else
		m = "mismatched";
	if (strcmp(m, "mismatched") == 0)
		*matched = false;
	row = json_pack("{ss}", "dimension", dim);
	if (row == NULL)
		return NULL;
	if (want != NULL && want[0] != '\0')
		json_object_set_new(row, "recipeRequires", json_string(want));
	if (observable && have != NULL && have[0] != '\0')
		json_object_set_new(row, "fingerprintProvides",
				    json_string(have));
	json_object_set_new(row, "match", json_string(m));
	return row;
}

int ev__criteria_match(void **out, const ae_yaml_node *recipe,
		       const void *fingerprint, ae_err *err)
{
	static const char *const dims[] = {"service", "accelerator", "os",
					   "intent",  "platform",    "nodes"};
	const json_t *fp = fingerprint;
	json_t *rows = json_array(), *res = NULL;
	bool matched = true;
	char nodes[32] = "";

	*out = NULL;
	if (rows == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	{
		const json_t *nc = json_object_get(
			json_object_get(fp, "nodeCount"), "value");
		if (json_is_integer(nc))
			snprintf(nodes, sizeof(nodes), "%lld",
				 (long long)json_integer_value(nc));
	}
	for (size_t i = 0; i < sizeof(dims) / sizeof(dims[0]); i++) {
		const char *have =
			i == 5 ? nodes
			       : json_string_value(json_object_get(
					 json_object_get(fp, dims[i]),
					 "value"));
		/* intent and platform are never observable (§5.5). */
		bool obs = i != 3 && i != 4;
		json_t *row =
			snap_dimension(dims[i], snap_criteria(recipe, dims[i]),
				       have, obs, &matched);
		if (row == NULL || json_array_append_new(rows, row)) {
			json_decref(rows);
			return ae_fail(err, AE_ERR, "out of memory");
		}
	}
	res = json_pack("{sbso}", "matched", matched, "perDimension", rows);
	if (res == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	*out = res;
	return 0;
}

/* One CycloneDX component. */
static json_t *snap_component(const char *type, const char *name,
			      const char *version)
{
	json_t *c = json_pack("{ssss}", "type", type, "name", name);

	if (c != NULL && version != NULL && version[0] != '\0')
		json_object_set_new(c, "version", json_string(version));
	return c;
}

/* True iff `n` is the plain scalar false. */
static bool snap_is_false(const ae_yaml_node *n)
{
	return n != NULL && n->kind == AE_YAML_SCALAR && n->plain &&
	       strcmp(n->scalar, "false") == 0;
}

/* Enabled componentRefs of the recipe (a false `enabled` excludes one). */
static int snap_bom_refs(json_t *comps, const ae_yaml_node *recipe)
{
	const ae_yaml_node *refs = ae_yaml_map_get(recipe, "componentRefs");

	for (size_t i = 0;
	     refs != NULL && refs->kind == AE_YAML_SEQ && i < refs->n; i++) {
		const ae_yaml_node *r = refs->items[i];
		const ae_yaml_node *nm = ae_yaml_map_get(r, "name");
		const ae_yaml_node *ver = ae_yaml_map_get(r, "version");
		const ae_yaml_node *en = ae_yaml_map_get(r, "enabled");
		if (nm == NULL || nm->kind != AE_YAML_SCALAR)
			continue;
		/* the reference's IsEnabled: overrides.enabled or
		 * overrides.install false; `enabled` beside them is read for
		 * recipes written before */
		if (snap_is_false(en) ||
		    snap_is_false(ae_yaml_map_get(
			    ae_yaml_map_get(r, "overrides"), "enabled")) ||
		    snap_is_false(ae_yaml_map_get(
			    ae_yaml_map_get(r, "overrides"), "install")))
			continue;
		if (json_array_append_new(
			    comps,
			    snap_component(
				    "application", nm->scalar,
				    ver != NULL && ver->kind == AE_YAML_SCALAR
					    ? ver->scalar
					    : NULL)))
			return -1;
	}
	return 0;
}

int ev__bom_generate(void **out, const ae_yaml_node *recipe, const void *images,
		     ae_err *err)
{
	json_t *bom = NULL, *comps = json_array();
	const json_t *imgs = images; /* NULL: none */
	int bad = comps == NULL;

	*out = NULL;
	bad = bad || snap_bom_refs(comps, recipe) != 0;
	for (size_t i = 0; !bad && i < json_array_size(imgs); i++) {
		const char *ref = json_string_value(json_array_get(imgs, i));
		const char *colon = strrchr(ref, ':');
		char *name = colon && !strchr(colon, '/')
				     ? strndup(ref, (size_t)(colon - ref))
				     : strdup(ref);
		bad = name == NULL ||
		      json_array_append_new(
			      comps, snap_component("container", name,
						    colon && !strchr(colon, '/')
							    ? colon + 1
							    : NULL)) != 0;
		free(name);
	}
	if (!bad)
		bom = json_pack("{sssssisO}", "bomFormat", "CycloneDX",
				"specVersion", "1.6", "version", 1,
				"components", comps);
	json_decref(comps);
	if (bom == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	*out = bom;
	return 0;
}
