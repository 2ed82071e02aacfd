/* evidence/redact.c -- minimization policy `minimal` v4 (reference §6)
 *
 * What leaves the contributor's cluster is decided by allowlists, never by
 * denylists: a snapshot keeps only the measurement types, subtypes and keys
 * of §6.2, a CTRF report loses stdout and messages and keeps only the
 * `extra` keys and values of §6.4. Anything a collector adds tomorrow is
 * dropped until someone allowlists it (fail closed). Both transforms work on
 * a private parse of the input, so the caller's bytes are never changed,
 * and are deterministic.
 */
#include "evidence/internal.h"
#include "evidence/evidence.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* §6.2: measurement type, subtype, kept data keys (NULL-terminated). */
typedef struct redact_rule {
	const char *type;
	const char *subtype;
	const char *keys[10];
} redact_rule;

static const redact_rule redact_snapshot_rules[] = {
	{"K8s", "server", {"version", "platform", "goVersion", NULL}},
	{"K8s",
	 "node",
	 {"provider", "kubelet-version", "kernel-version", "operating-system",
	  "os-image", "container-runtime-name", "container-runtime-version",
	  NULL}},
	{"GPU",
	 "hardware",
	 {"gpu-present", "gpu-count", "driver-loaded", "detection-source",
	  "model", NULL}},
	{"OS",
	 "release",
	 {"ID", "ID_LIKE", "NAME", "PRETTY_NAME", "VERSION", "VERSION_ID",
	  "VERSION_CODENAME", NULL}},
	{"NodeTopology",
	 "summary",
	 {"node-count", "taint-count", "label-count", NULL}},
};

/* Rule ids in sorted order (reference §6.5), one bit each (EV__RULE_*). */
static const struct {
	unsigned bit;
	const char *id;
} redact_rule_ids[] = {
	{EV__RULE_CTRF_EXTRA, "ctrf.tests.extra.allowlist"},
	{EV__RULE_CTRF_MESSAGE, "ctrf.tests.omit:message"},
	{EV__RULE_CTRF_STDOUT, "ctrf.tests.omit:stdout"},
	{EV__RULE_CTRF_PROVENANCE, "ctrf.tests.runtimeProvenance.bound"},
	{EV__RULE_SNAPSHOT_HEADER, "snapshot.header.allowlist"},
	{EV__RULE_SNAPSHOT_MEAS, "snapshot.measurements.allowlist"},
};

void *ev__redaction_applied(unsigned applied)
{
	json_t *arr = json_array();

	for (size_t i = 0;
	     arr != NULL &&
	     i < sizeof(redact_rule_ids) / sizeof(redact_rule_ids[0]);
	     i++) {
		if ((applied & redact_rule_ids[i].bit) &&
		    json_array_append_new(arr,
					  json_string(redact_rule_ids[i].id))) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

/* Removes entry `i` of a map or sequence node, freeing it. */
static void redact_remove(ae_yaml_node *n, size_t i)
{
	if (n->keys != NULL) {
		free(n->keys[i]);
		memmove(&n->keys[i], &n->keys[i + 1],
			(n->n - i - 1) * sizeof(*n->keys));
	}
	ae_yaml_free(n->items[i]);
	memmove(&n->items[i], &n->items[i + 1],
		(n->n - i - 1) * sizeof(*n->items));
	n->n--;
}

static bool redact_in(const char *const *list, const char *s)
{
	for (; *list != NULL; list++) {
		if (strcmp(*list, s) == 0)
			return true;
	}
	return false;
}

static const redact_rule *redact_find(const char *type, const char *subtype)
{
	for (size_t i = 0; i < sizeof(redact_snapshot_rules) /
				       sizeof(redact_snapshot_rules[0]);
	     i++) {
		if (strcmp(redact_snapshot_rules[i].type, type) == 0 &&
		    strcmp(redact_snapshot_rules[i].subtype, subtype) == 0)
			return &redact_snapshot_rules[i];
	}
	return NULL;
}

/* Keeps only `subtype` and `data` of a subtype entry, and of data only the
 * allowlisted scalar keys. Returns false when nothing survives. */
static bool redact_subtype(ae_yaml_node *st, const char *type)
{
	const ae_yaml_node *name = ae_yaml_map_get(st, "subtype");
	const redact_rule *rule;
	ae_yaml_node *data = NULL;

	if (st->kind != AE_YAML_MAP || name == NULL ||
	    name->kind != AE_YAML_SCALAR)
		return false;
	rule = redact_find(type, name->scalar);
	if (rule == NULL)
		return false;
	for (size_t i = st->n; i-- > 0;) {
		if (strcmp(st->keys[i], "data") == 0)
			data = st->items[i];
		else if (strcmp(st->keys[i], "subtype") != 0)
			redact_remove(st, i); /* context, items, the rest */
	}
	if (data == NULL || data->kind != AE_YAML_MAP)
		return false;
	for (size_t i = data->n; i-- > 0;) {
		if (!redact_in(rule->keys, data->keys[i]) ||
		    data->items[i]->kind != AE_YAML_SCALAR)
			redact_remove(data, i);
	}
	return data->n > 0;
}

/* Filters one measurement; false when it must go. */
static bool redact_measurement(ae_yaml_node *m)
{
	const ae_yaml_node *type = ae_yaml_map_get(m, "type");
	ae_yaml_node *subs = NULL;

	if (m->kind != AE_YAML_MAP || type == NULL ||
	    type->kind != AE_YAML_SCALAR)
		return false;
	for (size_t i = m->n; i-- > 0;) {
		if (strcmp(m->keys[i], "subtypes") == 0)
			subs = m->items[i];
		else if (strcmp(m->keys[i], "type") != 0)
			redact_remove(m, i);
	}
	if (subs == NULL || subs->kind != AE_YAML_SEQ)
		return false;
	for (size_t i = subs->n; i-- > 0;) {
		if (!redact_subtype(subs->items[i], type->scalar))
			redact_remove(subs, i);
	}
	return subs->n > 0;
}

/* Header allowlist: kind, apiVersion, metadata{timestamp, version},
 * fingerprint and measurements survive at the top. */
static void redact_header(ae_yaml_node *root)
{
	static const char *const top[] = {"kind",	  "apiVersion",
					  "metadata",	  "fingerprint",
					  "measurements", NULL};
	static const char *const meta_keys[] = {"timestamp", "version", NULL};

	for (size_t i = root->n; i-- > 0;) {
		ae_yaml_node *v = root->items[i];
		if (!redact_in(top, root->keys[i])) {
			redact_remove(root, i);
			continue;
		}
		if (strcmp(root->keys[i], "metadata") != 0)
			continue;
		if (v->kind == AE_YAML_MAP) {
			for (size_t j = v->n; j-- > 0;) {
				if (!redact_in(meta_keys, v->keys[j]))
					redact_remove(v, j);
			}
		}
		if (v->kind != AE_YAML_MAP || v->n == 0)
			redact_remove(root, i);
	}
}

int ev_snapshot_redact(ae_buf *out, const unsigned char *buf, size_t len,
		       ae_err *err)
{
	ae_yaml_node *root = NULL;
	int rc;

	ae_buf_init(out, EV_SNAPSHOT_MAX_BYTES);
	rc = ae_yaml_parse(&root, buf, len, err);
	if (rc < 0)
		return rc;
	if (root == NULL || root->kind != AE_YAML_MAP) {
		rc = ae_fail(err, AE_EINVAL, "snapshot is not a YAML mapping");
		goto done;
	}
	redact_header(root);
	for (size_t i = root->n; i-- > 0;) {
		ae_yaml_node *ms = root->items[i];
		if (strcmp(root->keys[i], "measurements") != 0)
			continue;
		if (ms->kind == AE_YAML_SEQ) {
			for (size_t j = ms->n; j-- > 0;) {
				if (!redact_measurement(ms->items[j]))
					redact_remove(ms, j);
			}
		}
		if (ms->kind != AE_YAML_SEQ || ms->n == 0)
			redact_remove(root, i);
	}
	rc = ev__yaml_emit(out, root, false, err);
done:
	ae_yaml_free(root);
	if (rc < 0)
		ae_buf_dispose(out);
	return rc;
}

/* ---- CTRF ---- */

/* True iff s is 1 to 5 ASCII digits (§6.4 count values). */
static bool redact_is_count(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 5)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
	}
	return true;
}

/* Whether extra[key] = value survives (§6.4 key + value allowlist). */
static bool redact_extra_ok(const char *key, const char *value)
{
	static const char *const skip[] = {
		"no-gpu-nodes", "no-schedulable-gpu-nodes", "nodes-busy",
		"named-in-skip-checks", NULL};
	static const char *const source[] = {"delivered-artifact",
					     "recipe-supplied-runtime",
					     "cluster-capability", NULL};

	if (strcmp(key, "nodesValidated") == 0 ||
	    strcmp(key, "nodesTotal") == 0)
		return redact_is_count(value);
	if (strcmp(key, "skipReason") == 0)
		return redact_in(skip, value);
	if (strcmp(key, "runtimeSource") == 0)
		return redact_in(source, value);
	return false;
}

/* Rebuilds test.extra from the allowlist; removed when nothing survives. */
static int redact_extra(json_t *test, ae_err *err)
{
	json_t *extra = json_object_get(test, "extra"), *kept;
	const char *k;
	json_t *v;

	if (extra == NULL)
		return 0;
	kept = json_object();
	if (kept == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	if (json_is_object(extra)) {
		json_object_foreach(extra, k, v)
		{
			if (json_is_string(v) &&
			    redact_extra_ok(k, json_string_value(v)) &&
			    json_object_set(kept, k, v) != 0) {
				json_decref(kept);
				return ae_fail(err, AE_ERR, "out of memory");
			}
		}
	}
	if (json_object_size(kept) == 0) {
		json_decref(kept);
		json_object_del(test, "extra");
		return 0;
	}
	if (json_object_set_new(test, "extra", kept) != 0)
		return ae_fail(err, AE_ERR, "out of memory");
	return 0;
}

static int redact_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

#define REDACT_MAX_PATHS 1024 /* §6.4: paths kept per provenance list */

/* Bounds one provenance path list: each path through ev__provenance_path
 * (charset, selectors, operator keys, schema fields), then deduped, sorted
 * and capped. */
static json_t *redact_paths(const json_t *list)
{
	char **v = NULL;
	size_t n = 0, cap = json_array_size(list);
	json_t *out = json_array();
	ae_err err = {0};

	if (out == NULL)
		return NULL;
	v = calloc(cap ? cap : 1, sizeof(*v));
	if (v == NULL)
		goto fail;
	for (size_t i = 0; i < cap; i++) {
		const json_t *s = json_array_get(list, i);
		if (!json_is_string(s))
			continue;
		if (ev__provenance_path(&v[n], json_string_value(s), &err) < 0)
			goto fail;
		if (v[n] != NULL)
			n++;
	}
	qsort(v, n, sizeof(*v), redact_strcmp);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && strcmp(v[i], v[i - 1]) == 0)
			continue;
		if (json_array_size(out) >= REDACT_MAX_PATHS)
			break;
		if (json_array_append_new(out, json_string(v[i])) != 0)
			goto fail;
	}
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return out;
fail:
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	json_decref(out);
	return NULL;
}

/* Keeps runtimeProvenance only with two bare 64-hex digests and bounded
 * path lists (§6.4). */
static int redact_provenance(json_t *test, ae_err *err)
{
	static const char *const lists[] = {"overriddenPaths",
					    "inheritedPaths"};
	json_t *p = json_object_get(test, "runtimeProvenance"), *kept;
	const json_t *s, *d;

	if (p == NULL)
		return 0;
	s = json_object_get(p, "shippedDigest");
	d = json_object_get(p, "derivedDigest");
	if (!json_is_string(s) || !json_is_string(d) ||
	    !ae_is_lower_hex(json_string_value(s), AE_SHA256_HEX_LEN) ||
	    !ae_is_lower_hex(json_string_value(d), AE_SHA256_HEX_LEN)) {
		json_object_del(test, "runtimeProvenance");
		return 0;
	}
	kept = json_pack("{sOsO}", "shippedDigest", s, "derivedDigest", d);
	if (kept == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t i = 0; i < 2; i++) {
		const json_t *l = json_object_get(p, lists[i]);
		json_t *b;
		if (!json_is_array(l))
			continue;
		b = redact_paths(l);
		if (b == NULL || json_object_set_new(kept, lists[i], b) != 0) {
			json_decref(kept);
			return ae_fail(err, AE_ERR, "out of memory");
		}
	}
	if (json_object_set_new(test, "runtimeProvenance", kept) != 0)
		return ae_fail(err, AE_ERR, "out of memory");
	return 0;
}

int ev__ctrf_scrub_test(void *test, unsigned *applied, ae_err *err)
{
	json_t *t = test;
	int rc;

	if (!json_is_object(t))
		return ae_fail(err, AE_EINVAL, "a CTRF test is not an object");
	json_object_del(t, "stdout");
	if (json_object_get(t, "message") != NULL &&
	    json_object_set_new(t, "message", json_string("")) != 0)
		return ae_fail(err, AE_ERR, "out of memory");
	rc = redact_extra(t, err);
	if (rc == 0)
		rc = redact_provenance(t, err);
	*applied |= EV__RULE_CTRF_EXTRA | EV__RULE_CTRF_MESSAGE |
		    EV__RULE_CTRF_STDOUT | EV__RULE_CTRF_PROVENANCE;
	return rc;
}

int ev_ctrf_redact(ae_buf *out, const unsigned char *buf, size_t len,
		   ae_err *err)
{
	ev__phase ph;
	json_t *root = NULL, *tests;
	unsigned applied = 0;
	int rc;

	memset(&ph, 0, sizeof(ph));
	ae_buf_init(out, EV_CTRF_MAX_BYTES);
	if (len > EV_CTRF_MAX_BYTES)
		return ae_fail(err, AE_ETOOBIG,
			       "CTRF report is %zu bytes, cap %u", len,
			       EV_CTRF_MAX_BYTES);
	rc = ae_json_parse((void **)&root, buf, len, err);
	if (rc < 0)
		return rc;
	rc = ev__ctrf_count(&ph, root, err);
	if (rc < 0)
		goto done;
	tests = json_object_get(json_object_get(root, "results"), "tests");
	for (size_t i = 0; i < json_array_size(tests); i++) {
		rc = ev__ctrf_scrub_test(json_array_get(tests, i), &applied,
					 err);
		if (rc < 0)
			goto done;
	}
	rc = ev__json_dump(out, root, err);
done:
	json_decref(root);
	if (rc < 0)
		ae_buf_dispose(out);
	return rc;
}
