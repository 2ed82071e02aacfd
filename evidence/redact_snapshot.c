/* evidence/redact_snapshot.c -- what of a cluster snapshot is published
 * (reference §6.2; issue 24 item 4)
 *
 * The snapshot is rebuilt from an allowlist into a new tree: header fields,
 * the fingerprint's dimensions and the measurement types, subtypes and data
 * keys of the table below; anything else -- context, items, a key a
 * collector adds tomorrow -- is never copied. Under the minimal policy each
 * kept value must also have its key's shape (a version, a boolean, a count,
 * a member of an enumeration: evidence/values.c), so a host name under a
 * kept key, a multi-line text or a mapping where a version belongs is
 * dropped, and only the first entry of a repeated subtype is kept (two
 * entries would let a reader pick either). The fingerprint block is rebuilt
 * the same way, without the region (it comes from the node labels the
 * snapshot drops). Under reference-v4 the values pass as given and the
 * fingerprint keeps the fields the reference's typed reader knows, which
 * is the reference's own output.
 */
#include "evidence/internal.h"
#include "evidence/evidence.h"

#include <stdlib.h>
#include <string.h>

/* §6.2: measurement type, subtype, kept data keys and their shapes. */
typedef struct snap_key {
	const char *key;
	ev__vkind kind;
} snap_key;

typedef struct snap_rule {
	const char *type;
	const char *subtype;
	snap_key keys[8];
} snap_rule;

static const snap_rule snap_rules[] = {
	{"K8s",
	 "server",
	 {{"version", EV__V_K8S_VERSION},
	  {"platform", EV__V_PLATFORM},
	  {"goVersion", EV__V_GO_VERSION}}},
	{"K8s",
	 "node",
	 {{"provider", EV__V_PROVIDER},
	  {"kubelet-version", EV__V_K8S_VERSION},
	  {"kernel-version", EV__V_KERNEL},
	  {"operating-system", EV__V_OS_NAME},
	  {"os-image", EV__V_TEXT},
	  {"container-runtime-name", EV__V_RUNTIME},
	  {"container-runtime-version", EV__V_VERSION}}},
	{"GPU",
	 "hardware",
	 {{"gpu-present", EV__V_BOOL},
	  {"gpu-count", EV__V_COUNT},
	  {"driver-loaded", EV__V_BOOL},
	  {"detection-source", EV__V_DETECTION},
	  {"model", EV__V_TEXT}}},
	{"OS",
	 "release",
	 {{"ID", EV__V_OS_ID},
	  {"ID_LIKE", EV__V_OS_ID_LIST},
	  {"NAME", EV__V_TEXT},
	  {"PRETTY_NAME", EV__V_TEXT},
	  {"VERSION", EV__V_TEXT},
	  {"VERSION_ID", EV__V_OS_ID},
	  {"VERSION_CODENAME", EV__V_OS_ID}}},
	{"NodeTopology",
	 "summary",
	 {{"node-count", EV__V_COUNT},
	  {"taint-count", EV__V_COUNT},
	  {"label-count", EV__V_COUNT}}},
};

#define SNAP_NRULES (sizeof(snap_rules) / sizeof(snap_rules[0]))

static const snap_rule *snap_rule_find(const char *type, const char *subtype)
{
	for (size_t i = 0; i < SNAP_NRULES; i++) {
		if (strcmp(snap_rules[i].type, type) == 0 &&
		    strcmp(snap_rules[i].subtype, subtype) == 0)
			return &snap_rules[i];
	}
	return NULL;
}

bool ev__snapshot_key_kind(ev__vkind *out, const char *type,
			   const char *subtype, const char *key)
{
	const snap_rule *r = snap_rule_find(type, subtype);

	for (size_t i = 0; r != NULL && i < 8 && r->keys[i].key; i++) {
		if (strcmp(r->keys[i].key, key) == 0) {
			*out = r->keys[i].kind;
			return true;
		}
	}
	return false;
}

/* True iff the scalar `v` may be published as `kind` under `policy`:
 * reference-v4 takes any scalar (§6.2), minimal the shape only, and for a
 * count or a boolean an unquoted one (a quoted "8" is text, not a count). */
static bool snap_value_ok(const ae_yaml_node *v, ev__vkind kind,
			  ev_redaction policy)
{
	if (v == NULL || v->kind != AE_YAML_SCALAR)
		return false;
	if (policy != EV_REDACT_MINIMAL)
		return true;
	if ((kind == EV__V_COUNT || kind == EV__V_BOOL) && !v->plain)
		return false;
	return ev__value_ok(kind, v->scalar);
}

/* A copy of scalar `v` (text and style). NULL on out of memory. */
static ae_yaml_node *snap_scalar_copy(const ae_yaml_node *v)
{
	ae_yaml_node *n = ae_yaml_node_new(AE_YAML_SCALAR, v->line);

	if (n == NULL)
		return NULL;
	n->scalar = malloc(v->scalar_len + 1);
	if (n->scalar == NULL) {
		free(n);
		return NULL;
	}
	memcpy(n->scalar, v->scalar, v->scalar_len + 1);
	n->scalar_len = v->scalar_len;
	n->plain = v->plain;
	return n;
}

/* A new plain scalar of `text`. NULL on out of memory. */
static ae_yaml_node *snap_scalar_new(const char *text, size_t line)
{
	ae_yaml_node tmp;

	memset(&tmp, 0, sizeof(tmp));
	tmp.kind = AE_YAML_SCALAR;
	tmp.scalar = (char *)text;
	tmp.scalar_len = strlen(text);
	tmp.plain = true;
	tmp.line = line;
	return snap_scalar_copy(&tmp);
}

/* Appends `child` to a map (under a copy of `key`) or a sequence (key
 * NULL). Takes `child` even when it fails. AE_ERR out of memory. */
static int snap_put(ae_yaml_node *parent, const char *key, ae_yaml_node *child,
		    ae_err *err)
{
	ae_yaml_node **items;
	char **keys, *k = NULL;

	if (child == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	if (key != NULL && (k = strdup(key)) == NULL)
		goto oom;
	items = realloc(parent->items, (parent->n + 1) * sizeof(*items));
	if (items == NULL)
		goto oom;
	parent->items = items;
	if (key != NULL) {
		keys = realloc(parent->keys, (parent->n + 1) * sizeof(*keys));
		if (keys == NULL)
			goto oom;
		parent->keys = keys;
		keys[parent->n] = k;
	}
	items[parent->n++] = child;
	return 0;
oom:
	free(k);
	ae_yaml_free(child);
	return ae_fail(err, AE_ERR, "out of memory");
}

/* Copies src[key] into dst when it is a scalar of the shape `kind`. */
static int snap_copy_key(ae_yaml_node *dst, const ae_yaml_node *src,
			 const char *key, ev__vkind kind, ev_redaction policy,
			 ae_err *err)
{
	const ae_yaml_node *v = ae_yaml_map_get(src, key);

	if (!snap_value_ok(v, kind, policy))
		return 0;
	return snap_put(dst, key, snap_scalar_copy(v), err);
}

/* The scalar text of map[key], or NULL. */
static const char *snap_text(const ae_yaml_node *map, const char *key)
{
	const ae_yaml_node *v = ae_yaml_map_get(map, key);

	return v != NULL && v->kind == AE_YAML_SCALAR ? v->scalar : NULL;
}

/* ---- the fingerprint block ---- */

/* The dimensions of the fingerprint block and the shape of their value;
 * region only under reference-v4 (issue 24 item 5). */
static const struct {
	const char *dim;
	ev__vkind kind;
	bool minimal;
} snap_dims[] = {
	{"service", EV__V_SERVICE, true},
	{"accelerator", EV__V_ACCELERATOR, true},
	{"gpuModel", EV__V_TEXT, true},
	{"os", EV__V_OS_ID, true},
	{"k8sVersion", EV__V_K8S_VERSION, true},
	{"region", EV__V_TEXT, false},
	{"nodeCount", EV__V_COUNT, true},
	{"gpuNodeCount", EV__V_COUNT, true},
};

/* One dimension: value, source, note (and version for os), each checked
 * under `policy`; NULL in *out when nothing survives. */
static int snap_dim(ae_yaml_node **out, const ae_yaml_node *src, size_t d,
		    ev_redaction policy, ae_err *err)
{
	ae_yaml_node *dim = ae_yaml_node_new(AE_YAML_MAP, src->line);
	int rc = dim == NULL ? ae_fail(err, AE_ERR, "out of memory") : 0;

	*out = NULL;
	if (rc == 0)
		rc = snap_copy_key(dim, src, "value", snap_dims[d].kind, policy,
				   err);
	if (rc == 0 && strcmp(snap_dims[d].dim, "os") == 0)
		rc = snap_copy_key(dim, src, "version", EV__V_OS_ID, policy,
				   err);
	if (rc == 0)
		rc = snap_copy_key(dim, src, "source", EV__V_SOURCE, policy,
				   err);
	if (rc == 0)
		rc = snap_copy_key(dim, src, "note", EV__V_NOTE, policy, err);
	/* a dimension is its value or its note; a source alone says
	 * nothing */
	if (rc < 0 || (ae_yaml_map_get(dim, "value") == NULL &&
		       ae_yaml_map_get(dim, "note") == NULL)) {
		ae_yaml_free(dim);
		return rc;
	}
	*out = dim;
	return 0;
}

/* The fingerprint block rebuilt from its known dimensions (the reference's
 * fingerprint.Fingerprint), NULL in *out when none survives. */
static int snap_fingerprint(ae_yaml_node **out, const ae_yaml_node *fp,
			    ev_redaction policy, ae_err *err)
{
	ae_yaml_node *res = ae_yaml_node_new(AE_YAML_MAP, fp->line), *dim;
	int rc = res == NULL ? ae_fail(err, AE_ERR, "out of memory") : 0;

	*out = NULL;
	for (size_t d = 0;
	     rc == 0 && d < sizeof(snap_dims) / sizeof(*snap_dims); d++) {
		const ae_yaml_node *src = ae_yaml_map_get(fp, snap_dims[d].dim);
		if (src == NULL || src->kind != AE_YAML_MAP ||
		    (policy == EV_REDACT_MINIMAL && !snap_dims[d].minimal))
			continue;
		rc = snap_dim(&dim, src, d, policy, err);
		if (rc == 0 && dim != NULL)
			rc = snap_put(res, snap_dims[d].dim, dim, err);
	}
	if (rc < 0 || res->n == 0) {
		ae_yaml_free(res);
		return rc;
	}
	*out = res;
	return 0;
}

/* ---- measurements ---- */

/* The kept data of one subtype entry under `rule`; NULL when none. */
static int snap_data(ae_yaml_node **out, const ae_yaml_node *data,
		     const snap_rule *rule, ev_redaction policy, ae_err *err)
{
	ae_yaml_node *res = ae_yaml_node_new(AE_YAML_MAP, data->line);
	int rc = res == NULL ? ae_fail(err, AE_ERR, "out of memory") : 0;

	*out = NULL;
	/* in the input's key order: the output reads like the input */
	for (size_t i = 0; rc == 0 && i < data->n; i++) {
		ev__vkind kind;
		if (ae_yaml_map_get(res, data->keys[i]) != NULL ||
		    !ev__snapshot_key_kind(&kind, rule->type, rule->subtype,
					   data->keys[i]))
			continue;
		rc = snap_copy_key(res, data, data->keys[i], kind, policy, err);
	}
	if (rc < 0 || res->n == 0) {
		ae_yaml_free(res);
		return rc;
	}
	*out = res;
	return 0;
}

/* The output measurement of `type`, created (and appended to `ms`) on first
 * use. NULL on out of memory. */
static ae_yaml_node *snap_measurement(ae_yaml_node *ms, const char *type,
				      size_t line, ae_err *err)
{
	ae_yaml_node *m, *subs;

	for (size_t i = 0; i < ms->n; i++) {
		const char *t = snap_text(ms->items[i], "type");
		if (t != NULL && strcmp(t, type) == 0)
			return (ae_yaml_node *)ae_yaml_map_get(ms->items[i],
							       "subtypes");
	}
	m = ae_yaml_node_new(AE_YAML_MAP, line);
	subs = ae_yaml_node_new(AE_YAML_SEQ, line);
	if (m == NULL || subs == NULL) {
		ae_yaml_free(m);
		ae_yaml_free(subs);
		ae_fail(err, AE_ERR, "out of memory");
		return NULL;
	}
	/* snap_put takes its child even when it fails */
	if (snap_put(m, "type", snap_scalar_new(type, line), err) < 0) {
		ae_yaml_free(m);
		ae_yaml_free(subs);
		return NULL;
	}
	if (snap_put(m, "subtypes", subs, err) < 0) {
		ae_yaml_free(m);
		return NULL;
	}
	if (snap_put(ms, NULL, m, err) < 0)
		return NULL;
	return subs;
}

/* True iff the output already holds `type`/`subtype` (minimal: the first
 * entry of a repeated subtype wins). */
static bool snap_has(const ae_yaml_node *ms, const char *type,
		     const char *subtype)
{
	for (size_t i = 0; i < ms->n; i++) {
		const ae_yaml_node *subs;
		const char *t = snap_text(ms->items[i], "type");
		if (t == NULL || strcmp(t, type) != 0)
			continue;
		subs = ae_yaml_map_get(ms->items[i], "subtypes");
		for (size_t j = 0; subs != NULL && j < subs->n; j++) {
			const char *s = snap_text(subs->items[j], "subtype");
			if (s != NULL && strcmp(s, subtype) == 0)
				return true;
		}
	}
	return false;
}

/* Adds the kept part of one input subtype entry of measurement `type`. */
static int snap_subtype(ae_yaml_node *ms, const char *type,
			const ae_yaml_node *st, ev_redaction policy,
			ae_err *err)
{
	const char *name = snap_text(st, "subtype");
	const ae_yaml_node *data = ae_yaml_map_get(st, "data");
	const snap_rule *rule;
	ae_yaml_node *kept = NULL, *entry, *subs;
	int rc;

	if (name == NULL || data == NULL || data->kind != AE_YAML_MAP)
		return 0;
	rule = snap_rule_find(type, name);
	if (rule == NULL ||
	    (policy == EV_REDACT_MINIMAL && snap_has(ms, type, name)))
		return 0;
	rc = snap_data(&kept, data, rule, policy, err);
	if (rc < 0 || kept == NULL)
		return rc;
	entry = ae_yaml_node_new(AE_YAML_MAP, st->line);
	if (entry == NULL) {
		ae_yaml_free(kept);
		return ae_fail(err, AE_ERR, "out of memory");
	}
	if (snap_put(entry, "subtype", snap_scalar_new(name, st->line), err) <
	    0) {
		ae_yaml_free(kept);
		ae_yaml_free(entry);
		return AE_ERR;
	}
	if (snap_put(entry, "data", kept, err) < 0) {
		ae_yaml_free(entry);
		return AE_ERR;
	}
	subs = snap_measurement(ms, type, st->line, err);
	if (subs == NULL) {
		ae_yaml_free(entry);
		return AE_ERR;
	}
	return snap_put(subs, NULL, entry, err);
}

/* The measurements rebuilt: allowlisted types and subtypes, in the input's
 * order of first appearance. NULL in *out when none survives. */
static int snap_measurements(ae_yaml_node **out, const ae_yaml_node *in,
			     ev_redaction policy, ae_err *err)
{
	ae_yaml_node *ms = ae_yaml_node_new(AE_YAML_SEQ, in->line);
	int rc = ms == NULL ? ae_fail(err, AE_ERR, "out of memory") : 0;

	*out = NULL;
	for (size_t i = 0; rc == 0 && in->kind == AE_YAML_SEQ && i < in->n;
	     i++) {
		const char *type = snap_text(in->items[i], "type");
		const ae_yaml_node *subs =
			ae_yaml_map_get(in->items[i], "subtypes");
		if (type == NULL || subs == NULL || subs->kind != AE_YAML_SEQ)
			continue;
		for (size_t j = 0; rc == 0 && j < subs->n; j++)
			rc = snap_subtype(ms, type, subs->items[j], policy,
					  err);
	}
	if (rc < 0 || ms->n == 0) {
		ae_yaml_free(ms);
		return rc;
	}
	*out = ms;
	return 0;
}

/* ---- the document ---- */

/* metadata: timestamp and version only (§6.2). */
static int snap_metadata(ae_yaml_node *root, const ae_yaml_node *meta,
			 ev_redaction policy, ae_err *err)
{
	ae_yaml_node *m = ae_yaml_node_new(AE_YAML_MAP, meta->line);
	int rc = m == NULL ? ae_fail(err, AE_ERR, "out of memory") : 0;

	if (rc == 0)
		rc = snap_copy_key(m, meta, "timestamp", EV__V_TIMESTAMP,
				   policy, err);
	if (rc == 0)
		rc = snap_copy_key(m, meta, "version", EV__V_VERSION, policy,
				   err);
	if (rc < 0 || m->n == 0) {
		ae_yaml_free(m);
		return rc;
	}
	return snap_put(root, "metadata", m, err);
}

/* The published snapshot: kind, apiVersion, metadata, fingerprint,
 * measurements -- each rebuilt -- in this order. */
static int snap_rebuild(ae_yaml_node **out, const ae_yaml_node *in,
			ev_redaction policy, ae_err *err)
{
	ae_yaml_node *root = ae_yaml_node_new(AE_YAML_MAP, 1), *part = NULL;
	const ae_yaml_node *kind = ae_yaml_map_get(in, "kind");
	const ae_yaml_node *meta = ae_yaml_map_get(in, "metadata");
	const ae_yaml_node *fp = ae_yaml_map_get(in, "fingerprint");
	const ae_yaml_node *ms = ae_yaml_map_get(in, "measurements");
	int rc = root == NULL ? ae_fail(err, AE_ERR, "out of memory") : 0;

	*out = NULL;
	if (rc == 0 && kind != NULL && kind->kind == AE_YAML_SCALAR &&
	    (policy != EV_REDACT_MINIMAL ||
	     strcmp(kind->scalar, "Snapshot") == 0))
		rc = snap_put(root, "kind", snap_scalar_copy(kind), err);
	if (rc == 0)
		rc = snap_copy_key(root, in, "apiVersion", EV__V_API_VERSION,
				   policy, err);
	if (rc == 0 && meta != NULL && meta->kind == AE_YAML_MAP)
		rc = snap_metadata(root, meta, policy, err);
	if (rc == 0 && fp != NULL && fp->kind == AE_YAML_MAP)
		rc = snap_fingerprint(&part, fp, policy, err);
	if (rc == 0 && part != NULL)
		rc = snap_put(root, "fingerprint", part, err);
	part = NULL;
	if (rc == 0 && ms != NULL)
		rc = snap_measurements(&part, ms, policy, err);
	if (rc == 0 && part != NULL)
		rc = snap_put(root, "measurements", part, err);
	if (rc < 0) {
		ae_yaml_free(root);
		return rc;
	}
	*out = root;
	return 0;
}

int ev_snapshot_redact(ae_buf *out, const unsigned char *buf, size_t len,
		       ev_redaction policy, ae_err *err)
{
	ae_yaml_node *in = NULL, *pub = NULL;
	int rc;

	ae_buf_init(out, EV_SNAPSHOT_MAX_BYTES);
	rc = ae_yaml_parse(&in, buf, len, err);
	if (rc < 0)
		return rc;
	if (in == NULL || in->kind != AE_YAML_MAP) {
		rc = ae_fail(err, AE_EINVAL, "snapshot is not a YAML mapping");
		goto done;
	}
	rc = snap_rebuild(&pub, in, policy, err);
	if (rc == 0)
		rc = ev__yaml_emit(out, pub, false, err);
done:
	ae_yaml_free(in);
	ae_yaml_free(pub);
	if (rc < 0)
		ae_buf_dispose(out);
	return rc;
}
