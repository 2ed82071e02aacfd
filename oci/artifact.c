/* oci/artifact.c -- the evidence artifact's manifests, byte for byte
 *
 * SPEC §3: the manifest digest must be computable before any network I/O,
 * so the manifest bytes are written here by hand, not by a JSON library
 * whose key order or escaping could change: compact JSON, keys in the
 * OCI image-spec field order, annotations sorted bytewise (as Go's
 * encoding/json sorts map keys), every value a fixed string or a digest.
 * The annotations follow the reference (§8.1) except vendor/source, which
 * name this tool; `created` is the epoch so equal bundles give equal
 * digests. The fallback-tag index (OCI 1.1 referrers tag schema, oci.md
 * §7) is read-modify-written with jansson, keeping entries it does not
 * understand.
 */
#include "oci/internal.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ART_CREATED "1970-01-01T00:00:00Z"
#define ART_IO	    (256u * 1024u) /* layer_write buffer */

int oci_manifest_build(unsigned char **out, size_t *len_out,
		       const char *layer_digest, uint64_t layer_size,
		       const char *tar_digest, ae_err *err)
{
	ae_buf b = AE_BUF_INIT(OCI_MANIFEST_MAX);
	int rc;

	*out = NULL;
	*len_out = 0;
	AE_ASSERT_ARG(ae_digest_is_valid(layer_digest), err);
	AE_ASSERT_ARG(ae_digest_is_valid(tar_digest), err);
	rc = ae_buf_printf(
		&b, err,
		"{\"schemaVersion\":2,\"mediaType\":\"" OCI_MT_MANIFEST "\","
		"\"artifactType\":\"" OCI_ARTIFACT_TYPE "\","
		"\"config\":{\"mediaType\":\"" OCI_MT_EMPTY "\","
		"\"digest\":\"" OCI_EMPTY_DIGEST "\",\"size\":2,"
		"\"data\":\"e30=\"},"
		"\"layers\":[{\"mediaType\":\"" OCI_MT_LAYER_TGZ "\","
		"\"digest\":\"%s\",\"size\":%llu,\"annotations\":{"
		"\"io.deis.oras.content.digest\":\"%s\","
		"\"io.deis.oras.content.unpack\":\"true\","
		"\"org.opencontainers.image.title\":\"summary-bundle\"}}],"
		"\"annotations\":{"
		"\"org.opencontainers.image.created\":\"" ART_CREATED "\","
		"\"org.opencontainers.image.description\":\"Signed evidence "
		"bundle for an aicr recipe (recipe-evidence/v3).\","
		"\"org.opencontainers.image.title\":\"AICR Recipe Evidence\","
		"\"org.opencontainers.image.vendor\":\"aicr-evidence\"}}",
		layer_digest, (unsigned long long)layer_size, tar_digest);
	if (rc < 0)
		return rc;
	*out = ae_buf_detach(&b, len_out);
	return 0;
}

int oci_referrer_manifest_build(unsigned char **out, size_t *len_out,
				const char *subject_digest,
				uint64_t subject_size,
				const char *bundle_digest, uint64_t bundle_size,
				ae_err *err)
{
	ae_buf b = AE_BUF_INIT(OCI_REFERRER_MANIFEST_MAX);
	int rc;

	*out = NULL;
	*len_out = 0;
	AE_ASSERT_ARG(ae_digest_is_valid(subject_digest), err);
	AE_ASSERT_ARG(ae_digest_is_valid(bundle_digest), err);
	rc = ae_buf_printf(
		&b, err,
		"{\"schemaVersion\":2,\"mediaType\":\"" OCI_MT_MANIFEST "\","
		"\"artifactType\":\"" OCI_SIGSTORE_TYPE "\","
		"\"config\":{\"mediaType\":\"" OCI_MT_EMPTY "\","
		"\"digest\":\"" OCI_EMPTY_DIGEST "\",\"size\":2,"
		"\"data\":\"e30=\"},"
		"\"layers\":[{\"mediaType\":\"" OCI_SIGSTORE_TYPE "\","
		"\"digest\":\"%s\",\"size\":%llu}],"
		"\"subject\":{\"mediaType\":\"" OCI_MT_MANIFEST "\","
		"\"digest\":\"%s\",\"size\":%llu},"
		"\"annotations\":{"
		"\"dev.sigstore.bundle.content\":\"dsse-envelope\","
		"\"org.opencontainers.image.created\":\"" ART_CREATED "\"}}",
		bundle_digest, (unsigned long long)bundle_size, subject_digest,
		(unsigned long long)subject_size);
	if (rc < 0)
		return rc;
	*out = ae_buf_detach(&b, len_out);
	return 0;
}

/* An embedded `data` field must be exactly the bytes the descriptor
 * names (image-spec descriptor.md): base64 of `size` bytes hashing to the
 * digest. */
static int art_desc_data(const oci_desc *d, const json_t *data,
			 const char *what, ae_err *err)
{
	const char *b64 = json_string_value(data);
	unsigned char *raw = NULL, sha[AE_SHA256_LEN];
	char got[AE_DIGEST_STR_LEN];
	size_t n = 0;
	ae_err ignored = {0};
	bool ok;

	if (b64 == NULL ||
	    ae_base64_decode(&raw, &n, b64, strlen(b64), &ignored) < 0)
		return ae_fail(err, AE_EINVAL, "%s data is not base64", what);
	ae_sha256(sha, raw, n);
	ae_digest_format(got, sha);
	ok = n == d->size && strcmp(got, d->digest) == 0;
	free(raw);
	if (!ok)
		return ae_fail(err, AE_EINVAL,
			       "%s data does not match its digest and size",
			       what);
	return 0;
}

/* The optional parts of a descriptor: `data`, and the ORAS content-digest
 * annotation (a sha256 digest when present). */
static int art_desc_extra(oci_desc *out, const json_t *o, const char *what,
			  ae_err *err)
{
	const json_t *data = json_object_get(o, "data");
	const json_t *ann = json_object_get(o, "annotations");
	const json_t *cd = json_object_get(ann, "io.deis.oras.content.digest");
	const char *v = json_string_value(cd);

	if (data != NULL && art_desc_data(out, data, what, err) < 0)
		return AE_EINVAL;
	if (ann != NULL && !json_is_object(ann))
		return ae_fail(err, AE_EINVAL,
			       "%s annotations is not an object", what);
	if (cd == NULL)
		return 0;
	if (v == NULL || !ae_digest_is_valid(v))
		return ae_fail(err, AE_EINVAL,
			       "%s content-digest annotation is not a sha256 "
			       "digest",
			       what);
	memcpy(out->content_digest, v, AE_DIGEST_STR_LEN);
	return 0;
}

/* Reads a descriptor object strictly into `out`. */
static int art_desc(oci_desc *out, const json_t *o, const char *what,
		    ae_err *err)
{
	const char *mt = json_string_value(json_object_get(o, "mediaType"));
	const char *dg = json_string_value(json_object_get(o, "digest"));
	const char *at = json_string_value(json_object_get(o, "artifactType"));
	json_t *sz = json_object_get(o, "size");

	memset(out, 0, sizeof(*out));
	if (!json_is_object(o) || mt == NULL || dg == NULL ||
	    !json_is_integer(sz) || json_integer_value(sz) < 0)
		return ae_fail(err, AE_EINVAL,
			       "%s descriptor lacks mediaType, digest or size",
			       what);
	if (!ae_digest_is_valid(dg))
		return ae_fail(err, AE_EINVAL,
			       "%s digest is not sha256 + 64 lowercase hex",
			       what);
	if (strlen(mt) >= sizeof(out->media_type) ||
	    (at != NULL && strlen(at) >= sizeof(out->artifact_type)))
		return ae_fail(err, AE_EINVAL, "%s media type too long", what);
	memcpy(out->media_type, mt, strlen(mt) + 1);
	if (at != NULL)
		memcpy(out->artifact_type, at, strlen(at) + 1);
	memcpy(out->digest, dg, AE_DIGEST_STR_LEN);
	out->size = (uint64_t)json_integer_value(sz);
	return art_desc_extra(out, o, what, err);
}

int oci__desc_parse(oci_desc *out, const unsigned char *buf, size_t len,
		    ae_err *err)
{
	json_t *o = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = ae_json_parse((void **)&o, buf, len, err);
	if (rc == 0)
		rc = art_desc(out, o, "referrer", err);
	json_decref(o);
	return rc;
}

static int art_manifest_fields(oci_manifest *out, json_t *root, ae_err *err)
{
	json_t *layers = json_object_get(root, "layers");
	json_t *sv = json_object_get(root, "schemaVersion");
	const char *mt = json_string_value(json_object_get(root, "mediaType"));
	const char *at =
		json_string_value(json_object_get(root, "artifactType"));
	json_t *subject = json_object_get(root, "subject");
	int rc;

	if (!json_is_integer(sv) || json_integer_value(sv) != 2)
		return ae_fail(err, AE_EINVAL,
			       "manifest schemaVersion is not 2");
	if (json_object_get(root, "mediaType") != NULL &&
	    (mt == NULL || strcmp(mt, OCI_MT_MANIFEST) != 0))
		return ae_fail(err, AE_EINVAL,
			       "not an OCI image manifest (mediaType)");
	if (json_object_get(root, "artifactType") != NULL &&
	    (at == NULL || strlen(at) >= sizeof(out->artifact_type)))
		return ae_fail(err, AE_EINVAL,
			       "manifest artifactType is not a short string");
	if (at != NULL)
		memcpy(out->artifact_type, at, strlen(at) + 1);
	rc = art_desc(&out->config, json_object_get(root, "config"), "config",
		      err);
	if (rc < 0)
		return rc;
	if (!json_is_array(layers))
		return ae_fail(err, AE_EINVAL, "manifest has no layers array");
	if (json_array_size(layers) > OCI_MANIFEST_LAYERS_MAX)
		return ae_fail(
			err, AE_ETOOBIG, "manifest has %zu layers, cap %d",
			json_array_size(layers), OCI_MANIFEST_LAYERS_MAX);
	for (size_t i = 0; i < json_array_size(layers); i++) {
		rc = art_desc(&out->layers[i], json_array_get(layers, i),
			      "layer", err);
		if (rc < 0)
			return rc;
		out->nlayers++;
	}
	if (subject != NULL) {
		rc = art_desc(&out->subject, subject, "subject", err);
		if (rc < 0)
			return rc;
		out->has_subject = true;
	}
	return 0;
}

int oci_manifest_parse(oci_manifest *out, const unsigned char *buf, size_t len,
		       ae_err *err)
{
	json_t *root = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len > OCI_MANIFEST_MAX)
		return ae_fail(err, AE_ETOOBIG, "manifest is %zu bytes, cap %u",
			       len, OCI_MANIFEST_MAX);
	rc = ae_json_parse((void **)&root, buf, len, err);
	if (rc < 0)
		return rc;
	if (!json_is_object(root))
		rc = ae_fail(err, AE_EINVAL, "manifest is not a JSON object");
	else
		rc = art_manifest_fields(out, root, err);
	json_decref(root);
	if (rc < 0)
		memset(out, 0, sizeof(*out));
	return rc;
}

/* Parses an index; returns its `manifests` array (borrowed from *root). */
static int art_index_load(json_t **root_out, json_t **list_out,
			  const unsigned char *buf, size_t len, ae_err *err)
{
	json_t *root = NULL, *list;
	const char *mt;
	int rc;

	*root_out = NULL;
	if (len > OCI_INDEX_MAX)
		return ae_fail(err, AE_ETOOBIG, "index is %zu bytes, cap %u",
			       len, OCI_INDEX_MAX);
	rc = ae_json_parse((void **)&root, buf, len, err);
	if (rc < 0)
		return rc;
	mt = json_string_value(json_object_get(root, "mediaType"));
	list = json_object_get(root, "manifests");
	if (!json_is_object(root) || !json_is_array(list) ||
	    (json_object_get(root, "mediaType") != NULL &&
	     (mt == NULL || strcmp(mt, OCI_MT_INDEX) != 0))) {
		json_decref(root);
		return ae_fail(err, AE_EINVAL, "not an OCI image index");
	}
	*root_out = root;
	*list_out = list;
	return 0;
}

int oci_index_find(oci_desc *out, size_t max, size_t *n_out,
		   const unsigned char *buf, size_t len,
		   const char *artifact_type, ae_err *err)
{
	json_t *root = NULL, *list = NULL;
	int rc;

	*n_out = 0;
	rc = art_index_load(&root, &list, buf, len, err);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < json_array_size(list) && *n_out < max; i++) {
		oci_desc d;
		ae_err skip = {0};
		/* The index is client-written data: a malformed entry is
		 * skipped, the ones used are re-verified by digest. */
		if (art_desc(&d, json_array_get(list, i), "index", &skip) < 0)
			continue;
		if (strcmp(d.artifact_type, artifact_type) != 0)
			continue;
		out[(*n_out)++] = d;
	}
	json_decref(root);
	return 0;
}

static int art_index_append(json_t *list, bool *changed_out, const char *digest,
			    uint64_t size, const char *artifact_type,
			    ae_err *err)
{
	json_t *d;

	for (size_t i = 0; i < json_array_size(list); i++) {
		const char *have = json_string_value(
			json_object_get(json_array_get(list, i), "digest"));
		if (have != NULL && strcmp(have, digest) == 0)
			return 0;
	}
	d = json_pack("{s:s,s:s,s:I,s:s}", "mediaType", OCI_MT_MANIFEST,
		      "digest", digest, "size", (json_int_t)size,
		      "artifactType", artifact_type);
	if (d == NULL || json_array_append_new(list, d) != 0)
		return ae_fail(err, AE_ERR, "out of memory");
	*changed_out = true;
	return 0;
}

int oci_index_add(unsigned char **out, size_t *len_out, bool *changed_out,
		  const unsigned char *old, size_t old_len, const char *digest,
		  uint64_t size, const char *artifact_type, ae_err *err)
{
	json_t *root = NULL, *list = NULL;
	char *text = NULL;
	int rc;

	*out = NULL;
	*len_out = 0;
	*changed_out = false;
	AE_ASSERT_ARG(ae_digest_is_valid(digest), err);
	if (old != NULL && old_len > 0) {
		rc = art_index_load(&root, &list, old, old_len, err);
		if (rc < 0)
			return rc;
	} else {
		root = json_pack("{s:i,s:s,s:[]}", "schemaVersion", 2,
				 "mediaType", OCI_MT_INDEX, "manifests");
		list = json_object_get(root, "manifests");
		if (root == NULL)
			return ae_fail(err, AE_ERR, "out of memory");
		*changed_out = true;
	}
	rc = art_index_append(list, changed_out, digest, size, artifact_type,
			      err);
	if (rc == 0) {
		text = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
		if (text == NULL)
			rc = ae_fail(err, AE_ERR, "out of memory");
	}
	if (rc == 0) {
		*len_out = strlen(text);
		*out = (unsigned char *)text;
	}
	json_decref(root);
	return rc;
}

int oci__artifact_seal(oci_artifact *a, ae_err *err)
{
	unsigned char sha[AE_SHA256_LEN];
	int rc;

	AE_ASSERT_ARG(oci__layer_hashed(a->layer) && a->manifest == NULL, err);
	oci__layer_describe(a->layer, a->tar_digest, a->layer_digest,
			    &a->layer_size, &a->entries);
	rc = oci_manifest_build(&a->manifest, &a->manifest_len, a->layer_digest,
				a->layer_size, a->tar_digest, err);
	if (rc < 0)
		return rc;
	ae_sha256(sha, a->manifest, a->manifest_len);
	ae_digest_format(a->manifest_digest, sha);
	return 0;
}

/* Lists the tree; with `hash`, hashes the layer and builds the manifest. */
static int art_new(oci_artifact **out, const char *bundle_dir, bool hash,
		   ae_err *err)
{
	oci_artifact *a = calloc(1, sizeof(*a));
	int rc;

	*out = NULL;
	if (a == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	rc = oci__layer_open(&a->layer, bundle_dir, err);
	if (rc < 0)
		goto done;
	oci__layer_describe(a->layer, a->tar_digest, a->layer_digest,
			    &a->layer_size, &a->entries);
	if (hash)
		rc = oci__layer_hash(a->layer, err);
	if (rc == 0 && hash)
		rc = oci__artifact_seal(a, err);
	if (rc < 0)
		goto done;
	*out = a;
	a = NULL;
done:
	oci_artifact_free(a);
	return rc;
}

int oci_artifact_build(oci_artifact **out, const char *bundle_dir, ae_err *err)
{
	return art_new(out, bundle_dir, true, err);
}

int oci_artifact_open(oci_artifact **out, const char *bundle_dir, ae_err *err)
{
	return art_new(out, bundle_dir, false, err);
}

int oci_artifact_hash(oci_artifact *a, ae_err *err)
{
	int rc;

	if (a->manifest != NULL)
		return 0;
	rc = oci__layer_hash(a->layer, err);
	return rc < 0 ? rc : oci__artifact_seal(a, err);
}

/* Writes all of buf to fd. */
static int art_write_all(int fd, const unsigned char *buf, size_t n,
			 ae_err *err)
{
	for (size_t off = 0; off < n;) {
		ssize_t w = write(fd, buf + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return ae_fail(err, AE_EIO, "write layer: %s",
				       strerror(errno));
		off += (size_t)w;
	}
	return 0;
}

int oci_artifact_layer_write(const oci_artifact *a, int fd, ae_err *err)
{
	unsigned char *buf = NULL, sha[AE_SHA256_LEN];
	char got_digest[AE_DIGEST_STR_LEN];
	ae_sha256_ctx *h = NULL;
	uint64_t off = 0;
	ssize_t got;
	int rc;

	AE_ASSERT_ARG(a->manifest != NULL, err); /* hashed */
	buf = malloc(ART_IO);
	rc = buf ? ae_sha256_new(&h, err) : ae_fail(err, AE_ERR, "no memory");
	while (rc == 0 && off < a->layer_size) {
		got = oci__layer_pread(a->layer, buf, ART_IO, off);
		if (got <= 0) {
			rc = ae_fail(err, AE_EIO, "%s",
				     oci__layer_error(a->layer));
			break;
		}
		ae_sha256_update(h, buf, (size_t)got);
		rc = art_write_all(fd, buf, (size_t)got, err);
		off += (uint64_t)got;
	}
	if (rc == 0) {
		ae_sha256_final(h, sha);
		ae_digest_format(got_digest, sha);
		if (strcmp(got_digest, a->layer_digest) != 0)
			rc = ae_fail(err, AE_EVERIFY,
				     "bundle changed since packing");
	}
	ae_sha256_free(h);
	free(buf);
	return rc;
}

void oci_artifact_free(oci_artifact *a)
{
	if (a == NULL)
		return;
	oci__layer_free(a->layer);
	free(a->manifest);
	free(a);
}
