/* evidence/tuf/meta.c -- TUF metadata, parsed strictly (spec §4)
 *
 * One parser for the four top-level roles and delegated targets roles:
 * {"signed": ROLE, "signatures": [{keyid, sig}, ...]}. What it refuses:
 * JSON that is malformed, has duplicate keys or a real number anywhere in
 * "signed" (no canonical form), a wrong or missing field type, a version
 * or threshold below 1, an "expires" that is no RFC 3339 time, a
 * spec_version whose major is not 1, a role listing a key id twice, a
 * delegated role named like a top-level role or twice, and a target path
 * that could leave the directory it names (a ".." or "." segment, an
 * empty one, a leading '/', a backslash or a control byte). Fields it does
 * not know are kept in the signed bytes (spec §4: "must include the data
 * when calculating hashes or verifying signatures").
 */
#include "evidence/tuf/internal.h"

#include <stdlib.h>
#include <string.h>

#define META_ROLE_NAME_MAX 200 /* bytes of a delegated role name */

const char *tuf__type_name(tuf__type t)
{
	static const char *const names[] = {"root", "timestamp", "snapshot",
					    "targets"};

	return t < TUF__NTYPES ? names[t] : "metadata";
}

static int meta_bad(ae_err *err, const char *what, const char *why)
{
	return ae_fail(err, AE_EINVAL, "%s: %s", what, why);
}

/* A required string member. */
static int meta_str(const char **out, json_t *obj, const char *key,
		    const char *what, ae_err *err)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!json_is_string(v))
		return ae_fail(err, AE_EINVAL, "%s: \"%s\" is not a string",
			       what, key);
	*out = json_string_value(v);
	return 0;
}

/* A required integer member, at least `min`. */
static int meta_int(int64_t *out, json_t *obj, const char *key, int64_t min,
		    const char *what, ae_err *err)
{
	json_t *v = json_object_get(obj, key);

	*out = 0;
	if (!json_is_integer(v))
		return ae_fail(err, AE_EINVAL, "%s: \"%s\" is not an integer",
			       what, key);
	if (json_integer_value(v) < min)
		return ae_fail(err, AE_EINVAL, "%s: \"%s\" is below %lld", what,
			       key, (long long)min);
	*out = (int64_t)json_integer_value(v);
	return 0;
}

/* An array of strings, each unique (key ids, paths). */
static int meta_strings(const char ***out, size_t *n_out, json_t *arr,
			const char *what, const char *field, ae_err *err)
{
	size_t n = json_array_size(arr);
	const char **v = NULL;

	*out = NULL;
	*n_out = 0;
	if (!json_is_array(arr))
		return ae_fail(err, AE_EINVAL, "%s: \"%s\" is not an array",
			       what, field);
	if (n > TUF_MAX_KEYS)
		return ae_fail(err, AE_ETOOBIG, "%s: \"%s\" lists %zu, cap %d",
			       what, field, n, TUF_MAX_KEYS);
	v = calloc(n + 1, sizeof(*v));
	if (v == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t i = 0; i < n; i++) {
		json_t *s = json_array_get(arr, i);

		if (!json_is_string(s)) {
			free(v);
			return ae_fail(err, AE_EINVAL,
				       "%s: \"%s\" holds a non-string", what,
				       field);
		}
		v[i] = json_string_value(s);
		for (size_t j = 0; j < i; j++)
			if (strcmp(v[j], v[i]) == 0) {
				char rbuf[AE_REPR_BUF];

				ae_repr(rbuf, sizeof(rbuf), v[i], strlen(v[i]));
				free(v);
				return ae_fail(err, AE_EINVAL,
					       "%s: \"%s\" lists %s twice",
					       what, field, rbuf);
			}
	}
	*out = v;
	*n_out = n;
	return 0;
}

/* {"keyids": [...], "threshold": N} (and for a delegation more). */
static int meta_role(tuf__role *r, json_t *obj, const char *what, ae_err *err)
{
	int rc;

	if (!json_is_object(obj))
		return meta_bad(err, what, "role is not an object");
	rc = meta_strings(&r->keyids, &r->nkeyids,
			  json_object_get(obj, "keyids"), what, "keyids", err);
	if (rc == 0)
		rc = meta_int(&r->threshold, obj, "threshold", 1, what, err);
	return rc;
}

/* A key object: keytype, scheme, keyval.public strings (parsed at use). */
static int meta_keys(json_t *keys, const char *what, ae_err *err)
{
	const char *id;
	json_t *k;

	if (!json_is_object(keys))
		return meta_bad(err, what, "\"keys\" is not an object");
	if (json_object_size(keys) > TUF_MAX_KEYS)
		return ae_fail(err, AE_ETOOBIG, "%s: %zu keys, cap %d", what,
			       json_object_size(keys), TUF_MAX_KEYS);
	json_object_foreach(keys, id, k)
	{
		json_t *kv = json_object_get(k, "keyval");

		if (!json_is_object(k) ||
		    !json_is_string(json_object_get(k, "keytype")) ||
		    !json_is_string(json_object_get(k, "scheme")) ||
		    !json_is_object(kv) ||
		    !json_is_string(json_object_get(kv, "public")))
			return meta_bad(err, what,
					"a key lacks keytype, scheme or "
					"keyval.public");
	}
	return 0;
}

static int meta_root(tuf__meta *m, json_t *s, ae_err *err)
{
	static const char *const names[] = {"root", "timestamp", "snapshot",
					    "targets"};
	json_t *roles = json_object_get(s, "roles");
	json_t *cs = json_object_get(s, "consistent_snapshot");
	int rc;

	if (cs != NULL && !json_is_boolean(cs))
		return meta_bad(err, "root",
				"\"consistent_snapshot\" is not a boolean");
	m->consistent = json_is_true(cs);
	m->keys = json_object_get(s, "keys");
	rc = meta_keys(m->keys, "root", err);
	if (rc == 0 && !json_is_object(roles))
		rc = meta_bad(err, "root", "\"roles\" is not an object");
	for (int i = 0; rc == 0 && i < TUF__NTYPES; i++) {
		json_t *r = json_object_get(roles, names[i]);
		char what[48];

		snprintf(what, sizeof(what), "root: role %s", names[i]);
		if (r == NULL)
			return ae_fail(err, AE_EINVAL, "root: no \"%s\" role",
				       names[i]);
		rc = meta_role(&m->roles[i], r, what, err);
	}
	return rc;
}

/* True iff `p` is a target path that stays where it says: segments
 * separated by '/', none empty, "." or "..", no backslash, no control
 * byte or DEL. */
static bool meta_path_ok(const char *p)
{
	const char *seg = p;

	if (*p == '\0')
		return false;
	for (const char *q = p;; q++) {
		unsigned char c = (unsigned char)*q;

		if (c == '/' || c == '\0') {
			size_t n = (size_t)(q - seg);

			if (n == 0 || (n == 1 && seg[0] == '.') ||
			    (n == 2 && seg[0] == '.' && seg[1] == '.'))
				return false;
			if (c == '\0')
				return true;
			seg = q + 1;
		} else if (c < 0x20 || c == 0x7f || c == '\\') {
			return false;
		}
	}
}

/* A hashes object: non-empty, every value a lowercase hex string. */
static int meta_hashes(json_t *h, const char *what, ae_err *err)
{
	const char *alg;
	json_t *v;

	if (!json_is_object(h) || json_object_size(h) == 0)
		return meta_bad(err, what,
				"\"hashes\" is not a non-empty "
				"object");
	json_object_foreach(h, alg, v)
	{
		const char *x = json_string_value(v);

		if (x == NULL || x[0] == '\0' ||
		    !ae_is_lower_hex(x, strlen(x)) || strlen(x) % 2 != 0)
			return meta_bad(err, what,
					"a hash is not lowercase hex");
	}
	return 0;
}

/* METAFILES (timestamp, snapshot) or TARGETS into m->files. */
static int meta_files(tuf__meta *m, json_t *obj, bool targets, ae_err *err)
{
	const char *what = tuf__type_name(m->type);
	const char *name;
	json_t *f;
	size_t i = 0;
	int rc = 0;

	if (!json_is_object(obj))
		return meta_bad(err, what,
				targets ? "\"targets\" is not an "
					  "object"
					: "\"meta\" is not an "
					  "object");
	if (json_object_size(obj) > TUF_MAX_ENTRIES)
		return ae_fail(err, AE_ETOOBIG, "%s: %zu entries, cap %d", what,
			       json_object_size(obj), TUF_MAX_ENTRIES);
	m->files = calloc(json_object_size(obj) + 1, sizeof(*m->files));
	if (m->files == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	json_object_foreach(obj, name, f)
	{
		tuf__file *e = &m->files[i++];
		json_t *len = json_object_get(f, "length");
		char rbuf[AE_REPR_BUF];

		e->name = name;
		e->length = -1;
		if (!json_is_object(f))
			return meta_bad(err, what, "an entry is not an object");
		if (targets && !meta_path_ok(name))
			return ae_fail(err, AE_EINVAL,
				       "%s: target path %s leaves its "
				       "directory ('..', '.', empty segment, "
				       "leading '/', backslash or control "
				       "byte)",
				       what,
				       ae_repr(rbuf, sizeof(rbuf), name,
					       strlen(name)));
		if (!targets)
			rc = meta_int(&e->version, f, "version", 1, what, err);
		if (rc == 0 && (len != NULL || targets))
			rc = meta_int(&e->length, f, "length", 0, what, err);
		e->hashes = json_object_get(f, "hashes");
		if (rc == 0 && (e->hashes != NULL || targets))
			rc = meta_hashes(e->hashes, what, err);
		if (rc == 0 && targets && json_object_get(f, "custom") &&
		    !json_is_object(json_object_get(f, "custom")))
			rc = meta_bad(err, what, "\"custom\" is not an object");
		if (rc < 0)
			return rc;
	}
	m->nfiles = i;
	return 0;
}

/* One entry of delegations.roles. */
static int meta_delegation(tuf__role *r, json_t *obj, ae_err *err)
{
	json_t *paths = json_object_get(obj, "paths");
	json_t *pre = json_object_get(obj, "path_hash_prefixes");
	json_t *term = json_object_get(obj, "terminating");
	int rc;

	if (!json_is_object(obj))
		return meta_bad(err, "targets",
				"a delegation is not an object");
	rc = meta_str(&r->name, obj, "name", "targets: delegation", err);
	if (rc < 0)
		return rc;
	if (!ae_path_element_is_plain(r->name) ||
	    strcmp(r->name, "root") == 0 || strcmp(r->name, "timestamp") == 0 ||
	    strcmp(r->name, "snapshot") == 0 || strcmp(r->name, "targets") == 0)
		return meta_bad(err, "targets",
				"a delegated role name is a top-level role "
				"or not a plain file name");
	/* "VERSION.NAME.json" and its temp file must fit one file name
	 * (255 bytes), and a message naming the role must keep its cause */
	if (strlen(r->name) > META_ROLE_NAME_MAX)
		return meta_bad(err, "targets",
				"a delegated role name is longer than "
				"200 bytes");
	rc = meta_role(r, obj, "targets: delegation", err);
	if (rc == 0 && !json_is_boolean(term))
		rc = meta_bad(err, "targets",
			      "a delegation's \"terminating\" is not a "
			      "boolean");
	r->terminating = json_is_true(term);
	if (rc == 0 && paths != NULL && pre != NULL)
		rc = meta_bad(err, "targets",
			      "a delegation has both paths and "
			      "path_hash_prefixes");
	if (rc == 0 && (paths != NULL || pre != NULL)) {
		r->has_paths = paths != NULL;
		r->has_prefixes = pre != NULL;
		rc = meta_strings(&r->paths, &r->npaths, paths ? paths : pre,
				  "targets: delegation", "paths", err);
	}
	return rc;
}

static int meta_targets(tuf__meta *m, json_t *s, ae_err *err)
{
	json_t *d = json_object_get(s, "delegations");
	json_t *roles = json_object_get(d, "roles");
	int rc = meta_files(m, json_object_get(s, "targets"), true, err);

	if (rc < 0 || d == NULL)
		return rc;
	if (!json_is_object(d) || !json_is_array(roles))
		return meta_bad(err, "targets",
				"\"delegations\" lacks keys or roles");
	m->keys = json_object_get(d, "keys");
	rc = meta_keys(m->keys, "targets: delegations", err);
	if (rc == 0 && json_array_size(roles) > TUF_MAX_KEYS)
		rc = ae_fail(err, AE_ETOOBIG,
			     "targets: %zu delegations, cap %d",
			     json_array_size(roles), TUF_MAX_KEYS);
	if (rc < 0)
		return rc;
	m->dels = calloc(json_array_size(roles) + 1, sizeof(*m->dels));
	if (m->dels == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t i = 0; rc == 0 && i < json_array_size(roles); i++) {
		rc = meta_delegation(&m->dels[i], json_array_get(roles, i),
				     err);
		m->ndels = i + 1;
		for (size_t j = 0; rc == 0 && j < i; j++)
			if (strcmp(m->dels[j].name, m->dels[i].name) == 0)
				rc = meta_bad(err, "targets",
					      "a delegated role is named "
					      "twice");
	}
	return rc;
}

/* "signatures": [{"keyid": S, "sig": S}, ...] */
static int meta_sigs(tuf__meta *m, json_t *sigs, const char *what, ae_err *err)
{
	size_t n = json_array_size(sigs);

	if (!json_is_array(sigs))
		return meta_bad(err, what, "\"signatures\" is not an array");
	if (n > TUF_MAX_SIGNATURES)
		return ae_fail(err, AE_ETOOBIG, "%s: %zu signatures, cap %d",
			       what, n, TUF_MAX_SIGNATURES);
	m->sig_keyid = calloc(n + 1, sizeof(*m->sig_keyid));
	m->sig_hex = calloc(n + 1, sizeof(*m->sig_hex));
	if (m->sig_keyid == NULL || m->sig_hex == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t i = 0; i < n; i++) {
		json_t *s = json_array_get(sigs, i);
		int rc = meta_str(&m->sig_keyid[i], s, "keyid", what, err);

		if (rc == 0)
			rc = meta_str(&m->sig_hex[i], s, "sig", what, err);
		if (rc < 0)
			return rc;
	}
	m->nsigs = n;
	return 0;
}

/* "spec_version": "1", "1.0", "1.0.31": major version 1 (spec §4.3). */
static bool meta_spec_ok(const char *v)
{
	return v != NULL && v[0] == '1' && (v[1] == '\0' || v[1] == '.');
}

/* The fields every role has: _type, spec_version, version, expires. */
static int meta_common(tuf__meta *m, json_t *s, tuf__type want, ae_err *err)
{
	const char *type = NULL, *spec = NULL, *exp = NULL;
	int rc = meta_str(&type, s, "_type", "metadata", err);

	for (m->type = 0; rc == 0 && m->type < TUF__NTYPES; m->type++)
		if (strcmp(type, tuf__type_name(m->type)) == 0)
			break;
	if (rc == 0 && m->type == TUF__NTYPES)
		rc = meta_bad(err, "metadata", "unknown \"_type\"");
	if (rc == 0 && want != TUF__NTYPES && m->type != want)
		rc = ae_fail(err, AE_EINVAL, "%s: \"_type\" is %s",
			     tuf__type_name(want), tuf__type_name(m->type));
	if (rc == 0)
		rc = meta_str(&spec, s, "spec_version", type, err);
	if (rc == 0 && !meta_spec_ok(spec))
		rc = meta_bad(err, type, "spec_version is not 1.x");
	if (rc == 0)
		rc = meta_int(&m->version, s, "version", 1, type, err);
	if (rc == 0)
		rc = meta_str(&exp, s, "expires", type, err);
	if (rc == 0 && tuf_time_parse(&m->expires, exp, NULL) < 0)
		rc = meta_bad(err, type, "\"expires\" is not an RFC 3339 time");
	return rc;
}

int tuf__meta_parse(tuf__meta **out, const unsigned char *buf, size_t len,
		    tuf__type want, ae_err *err)
{
	tuf__meta *m = NULL;
	ae_err jerr = {0};
	void *doc = NULL;
	json_t *s;
	int rc;

	*out = NULL;
	rc = ae_json_parse(&doc, buf, len, &jerr);
	if (rc < 0)
		return ae_fail(err, rc, "%s: %s", tuf__type_name(want),
			       jerr.msg);
	m = calloc(1, sizeof(*m));
	if (m == NULL) {
		json_decref(doc);
		return ae_fail(err, AE_ERR, "out of memory");
	}
	m->doc = doc;
	s = json_object_get(m->doc, "signed");
	if (!json_is_object(m->doc) || !json_is_object(s)) {
		rc = meta_bad(err, tuf__type_name(want),
			      "no \"signed\" object");
		goto done;
	}
	rc = meta_common(m, s, want, err);
	if (rc == 0)
		rc = meta_sigs(m, json_object_get(m->doc, "signatures"),
			       tuf__type_name(m->type), err);
	if (rc == 0) {
		rc = tuf_canonical_json(&m->canon, s, &jerr);
		if (rc < 0)
			ae_fail(err, rc, "%s: %s", tuf__type_name(m->type),
				jerr.msg);
	}
	if (rc == 0 && m->type == TUF_ROOT)
		rc = meta_root(m, s, err);
	if (rc == 0 && (m->type == TUF_TIMESTAMP || m->type == TUF_SNAPSHOT))
		rc = meta_files(m, json_object_get(s, "meta"), false, err);
	if (rc == 0 && m->type == TUF_TIMESTAMP &&
	    (m->nfiles != 1 || strcmp(m->files[0].name, "snapshot.json") != 0))
		rc = meta_bad(err, "timestamp",
			      "\"meta\" must describe snapshot.json alone");
	if (rc == 0 && m->type == TUF_TARGETS)
		rc = meta_targets(m, s, err);
done:
	if (rc < 0) {
		tuf__meta_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

static void meta_role_dispose(tuf__role *r)
{
	free(r->keyids);
	free(r->paths);
}

void tuf__meta_free(tuf__meta *m)
{
	if (m == NULL)
		return;
	for (int i = 0; i < TUF__NTYPES; i++)
		meta_role_dispose(&m->roles[i]);
	for (size_t i = 0; i < m->ndels; i++)
		meta_role_dispose(&m->dels[i]);
	free(m->dels);
	free(m->files);
	free(m->sig_keyid);
	free(m->sig_hex);
	ae_buf_dispose(&m->canon);
	json_decref(m->doc);
	free(m);
}

const tuf__file *tuf__meta_file(const tuf__meta *m, const char *name)
{
	for (size_t i = 0; i < m->nfiles; i++)
		if (strcmp(m->files[i].name, name) == 0)
			return &m->files[i];
	return NULL;
}

int tuf_metadata_check(const unsigned char *buf, size_t len, ae_err *err)
{
	tuf__meta *m = NULL;
	int rc = tuf__meta_parse(&m, buf, len, TUF__NTYPES, err);

	tuf__meta_free(m);
	return rc;
}
