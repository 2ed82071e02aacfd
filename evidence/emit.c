/* evidence/emit.c -- build a bundle directory from a validation run
 *
 * emit reads the recipe, the snapshot and the CTRF reports, decides
 * everything that can fail (parsing, phases, the mutable-tag gate, the BOM)
 * before it writes a byte, then assembles summary-bundle/ in a temporary
 * directory next to it and renames it into place last (reference §5, §7;
 * SPEC §7 "never half-writes"). The predicate is computed from the raw
 * inputs; what is shipped is minimized unless --full (reference §6).
 */
#include "evidence/internal.h"
#include "evidence/evidence.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Everything emit has read and worked out, before writing. */
typedef struct emit_ctx {
	const ev_emit_opts *o;
	ae_buf recipe, snapshot;
	ae_buf recipe_canon; /* recipe.yaml as shipped */
	ae_yaml_node *recipe_tree, *snap_tree;
	ev_recipe_id id; /* name and profile, from the shipped bytes */
	char digest[AE_SHA256_HEX_LEN + 1];
	ev__ctrf_input *inputs;
	size_t ninputs;
	ev__phase phases[EV_PHASE_COUNT];
	json_t *images;	     /* validator images, raw strings */
	json_t *fp;	     /* fingerprint */
	json_t *match;	     /* criteriaMatch */
	json_t *observed;    /* images seen by the snapshot */
	ae_buf bom;	     /* bom.cdx.json bytes */
	int64_t bom_count;   /* components */
	ev_redaction policy; /* EV_REDACT_FULL for --full */
	ev__checks checks;   /* check names a report may carry */
	ae_buf extras;	     /* recipe fields beyond the schema */
	size_t nextras;
	size_t duplicates; /* CTRF reports given twice */
	char at[32];
	char catalog_version[EV_CATALOG_VERSION_MAX + 1];
} emit_ctx;

static void emit_ctx_dispose(emit_ctx *c)
{
	ae_buf_dispose(&c->recipe);
	ae_buf_dispose(&c->recipe_canon);
	ae_buf_dispose(&c->snapshot);
	ae_buf_dispose(&c->bom);
	ae_yaml_free(c->recipe_tree);
	ae_yaml_free(c->snap_tree);
	ev__ctrf_inputs_free(c->inputs, c->ninputs);
	json_decref(c->images);
	json_decref(c->fp);
	json_decref(c->match);
	json_decref(c->observed);
	ev__checks_dispose(&c->checks);
	ae_buf_dispose(&c->extras);
}

/* validatorCatalogVersion from --validator-catalog (reference §5.5). */
static int emit_catalog(emit_ctx *c, ae_err *err)
{
	ae_buf b;
	int rc;

	rc = ae_read_file(&b, AT_FDCWD, c->o->catalog_path,
			  EV_CATALOG_MAX_BYTES, err);
	if (rc < 0)
		return rc;
	rc = ev_catalog_version(c->catalog_version, b.data, b.len, err);
	if (rc == 0)
		rc = ev__checks_add_catalog(&c->checks, b.data, b.len, err);
	ae_buf_dispose(&b);
	return rc;
}

/* Names the input file in a failure about it: "<path>: <why>", unless the
 * reason already quotes the path (the bounded reader's messages do). */
static int emit_named(int rc, const char *path, ae_err *err)
{
	char r[AE_REPR_BUF];
	ae_err inner;

	if (rc >= 0 || err == NULL)
		return rc;
	ae_repr(r, sizeof(r), path, strlen(path));
	if (strstr(err->msg, r) != NULL)
		return rc;
	inner = *err;
	ae_err_clear(err);
	return ae_fail(err, rc, "%s: %s", r, inner.msg);
}

/* The recipe's fields beyond the reference's schema (issue 24 item 6):
 * recipe.yaml's canonical form keeps every field (the digest signs them),
 * so --strict refuses them; otherwise cmd/ warns with the list. */
static int emit_recipe_extras(emit_ctx *c, ae_err *err)
{
	char list[400];
	size_t off = 0, k = 0;
	int rc;

	rc = ev_recipe_extra_fields(&c->extras, &c->nextras, c->recipe_tree,
				    err);
	if (rc < 0 || !c->o->strict)
		return rc;
	if (c->nextras == 0)
		return 0;
	list[0] = '\0';
	for (const char *p = (const char *)c->extras.data;
	     k < c->nextras && off + 64 < sizeof(list); p += strlen(p) + 1) {
		char r[AE_REPR_BUF];
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s",
					k++ ? ", " : "",
					ae_repr(r, sizeof(r), p, strlen(p)));
	}
	return ae_fail(
		err, AE_EINVAL,
		"%zu field(s) beyond the reference's recipe schema would "
		"be published (--strict): %s%s",
		c->nextras, list, k < c->nextras ? ", ..." : "");
}

/* The recipe as the bundle ships it: the reference's builder writes the
 * canonical yaml.v3 form with metadata.version (CanonicalizeRecipeYAML),
 * and the v3 digest, the name and the profile identity are computed from
 * those bytes, as every verifier recomputes them. The raw recipe must name
 * itself the same way: a recipe whose canonical form reads differently
 * (yaml.v3's form is not a fixed point) is refused. */
static int emit_recipe_identity(emit_ctx *c, ae_err *err)
{
	ev_recipe_id raw;
	char r[AE_REPR_BUF];
	int rc;

	rc = ev_recipe_canonical(&c->recipe_canon, c->recipe.data,
				 c->recipe.len, false, err);
	if (rc == 0)
		rc = ev_recipe_identify(&raw, c->recipe.data, c->recipe.len,
					err);
	if (rc == 0)
		rc = ev_recipe_identify(&c->id, c->recipe_canon.data,
					c->recipe_canon.len, err);
	if (rc == 0)
		rc = ev_recipe_digest(c->digest, c->recipe_canon.data,
				      c->recipe_canon.len, EV_PREDICATE_V3,
				      err);
	if (rc == 0 && (strcmp(raw.name, c->id.name) != 0 ||
			raw.profiled != c->id.profiled ||
			strcmp(raw.selection, c->id.selection) != 0 ||
			strcmp(raw.advertiser, c->id.advertiser) != 0 ||
			strcmp(raw.identity, c->id.identity) != 0))
		rc = ae_fail(err, AE_EINVAL,
			     "the recipe's canonical form names it differently "
			     "(%s); rewrite the recipe plainly",
			     raw.name);
	if (rc == 0 && c->o->profile != NULL &&
	    strcmp(c->o->profile, c->id.selection) != 0)
		rc = ae_fail(err, AE_EINVAL,
			     "--profile %s: the recipe %s (a recipe is "
			     "generated with its profile; emit attests it as "
			     "it is)",
			     ae_repr(r, sizeof(r), c->o->profile,
				     strlen(c->o->profile)),
			     c->id.profiled ? "selects another profile"
					    : "selects no profile");
	return rc;
}

/* Reads the recipe: name, profile, canonical digest. */
static int emit_read_recipe(emit_ctx *c, ae_err *err)
{
	ev__shape shape;
	int rc;

	rc = ae_read_file(&c->recipe, AT_FDCWD, c->o->recipe_path,
			  EV_RECIPE_MAX_BYTES, err);
	if (rc == 0)
		rc = ev__recipe_tree(&c->recipe_tree, c->recipe.data,
				     c->recipe.len, err);
	if (rc == 0) {
		ev__shape_of_yaml(&shape, c->recipe_tree);
		rc = ev__shape_want(&shape, EV__SHAPE_RECIPE, "--recipe", err);
	}
	if (rc == 0)
		rc = emit_recipe_identity(c, err);
	if (rc == 0)
		rc = ev__checks_add_recipe(&c->checks, c->recipe_tree, err);
	if (rc == 0)
		rc = emit_recipe_extras(c, err);
	return emit_named(rc, c->o->recipe_path, err);
}

/* Reads the snapshot: fingerprint, criteria match, observed images. */
static int emit_read_snapshot(emit_ctx *c, ae_err *err)
{
	ev__shape shape;
	int rc;

	rc = ae_read_file(&c->snapshot, AT_FDCWD, c->o->snapshot_path,
			  EV_SNAPSHOT_MAX_BYTES, err);
	if (rc == 0)
		rc = ae_yaml_parse(&c->snap_tree, c->snapshot.data,
				   c->snapshot.len, err);
	if (rc == 0 &&
	    (c->snap_tree == NULL || c->snap_tree->kind != AE_YAML_MAP))
		rc = ae_fail(err, AE_EINVAL, "snapshot is not a YAML mapping");
	if (rc == 0) {
		ev__shape_of_yaml(&shape, c->snap_tree);
		rc = ev__shape_want(&shape, EV__SHAPE_SNAPSHOT, "--snapshot",
				    err);
	}
	if (rc == 0)
		rc = ev__snapshot_fingerprint((void **)&c->fp, c->snap_tree,
					      c->policy, err);
	if (rc == 0)
		rc = ev__criteria_match((void **)&c->match, c->recipe_tree,
					c->fp, err);
	/* the images the cluster runs: in the BOM unless minimal (the
	 * snapshot drops them, issue 24 item 5) */
	if (rc == 0 && c->policy != EV_REDACT_MINIMAL)
		rc = ev__snapshot_images((void **)&c->observed, c->snap_tree,
					 err);
	return emit_named(rc, c->o->snapshot_path, err);
}

/* Reads recipe, snapshot and the validator catalog: name, digest,
 * fingerprint, match, catalog version. */
static int emit_read_inputs(emit_ctx *c, ae_err *err)
{
	int rc = emit_read_recipe(c, err);

	if (rc == 0)
		rc = emit_read_snapshot(c, err);
	if (rc == 0 && c->o->catalog_path != NULL)
		rc = emit_named(emit_catalog(c, err), c->o->catalog_path, err);
	return rc;
}

/* Minimal policy: an image it would publish (a public registry's) whose
 * tag or a path component holds a private value is refused, naming the
 * part and why (review finding 13). Dropping it would misstate which
 * validator ran, as dropping a test would misstate the results; the
 * reference-v4 policy publishes images as given. */
static int emit_images_private(const json_t *images, ae_err *err)
{
	for (size_t i = 0; i < json_array_size(images); i++) {
		const char *img = json_string_value(json_array_get(images, i));
		char r[AE_REPR_BUF], p[AE_REPR_BUF];
		ev__image_why why;
		if (!ev__image_public(img) || !ev__image_private(img, &why))
			continue;
		return ae_fail(err, AE_EINVAL,
			       "validator image %s: its %s %s holds %s, which "
			       "the minimal policy does not publish (%s, or "
			       "publish it as given with --policy "
			       "reference-v4)",
			       ae_repr(r, sizeof(r), img, strlen(img)),
			       why.part, ae_repr(p, sizeof(p), why.at, why.len),
			       why.reason,
			       strcmp(why.part, "tag") == 0
				       ? "tag the validator with a version, a "
					 "date or a commit id, or pin it by "
					 "@sha256:... alone"
				       : "publish the validator under a "
					 "repository path that names no "
					 "machine, person or secret");
	}
	return 0;
}

/* Finds and scans the CTRF reports, then applies the mutable-tag gate. */
static int emit_scan_ctrf(emit_ctx *c, ae_err *err)
{
	int rc;

	c->images = json_array();
	if (c->images == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	rc = ev__ctrf_collect(&c->inputs, &c->ninputs, c->o->ctrf_paths,
			      c->o->nctrf, err);
	for (size_t i = 0; rc == 0 && i < c->ninputs; i++) {
		rc = ev__ctrf_scan(c->inputs, i, c->phases, c->images,
				   &c->checks, c->policy, err);
		rc = emit_named(rc, c->inputs[i].path, err);
		c->duplicates += rc == 0 && c->inputs[i].dup;
	}
	for (size_t i = 0; rc == 0 && !c->o->allow_mutable_validator_tags &&
			   i < json_array_size(c->images);
	     i++) {
		const char *img =
			json_string_value(json_array_get(c->images, i));
		char r[AE_REPR_BUF];
		ev__image_pin pin = ev__image_pin_of(img);
		if (pin == EV__IMAGE_MUTABLE_TAG)
			rc = ae_fail(err, AE_EINVAL,
				     "validator image %s has a mutable tag "
				     "(pass --allow-mutable-validator-tags to "
				     "record it anyway)",
				     ae_repr(r, sizeof(r), img, strlen(img)));
		else if (pin == EV__IMAGE_UNTAGGED)
			rc = ae_fail(err, AE_EINVAL,
				     "validator image %s has no tag and no "
				     "digest, so it resolves to :latest, a "
				     "mutable tag (pin it with :<version> or "
				     "@sha256:..., or pass "
				     "--allow-mutable-validator-tags to record "
				     "it anyway)",
				     ae_repr(r, sizeof(r), img, strlen(img)));
	}
	if (rc == 0 && c->policy == EV_REDACT_MINIMAL)
		rc = emit_images_private(c->images, err);
	return rc;
}

/* The operator's BOM verbatim, or a generated CycloneDX 1.6 document. */
static int emit_bom(emit_ctx *c, ae_err *err)
{
	json_t *doc = NULL;
	int rc;

	if (c->o->bom_path != NULL) {
		rc = ae_read_file(&c->bom, AT_FDCWD, c->o->bom_path,
				  EV_BOM_MAX_BYTES, err);
		if (rc == 0)
			rc = ae_json_parse((void **)&doc, c->bom.data,
					   c->bom.len, err);
		if (rc == 0 && !json_is_object(doc))
			rc = ae_fail(err, AE_EINVAL,
				     "BOM is not a JSON object");
		rc = emit_named(rc, c->o->bom_path, err);
	} else {
		ae_buf_init(&c->bom, EV_BOM_MAX_BYTES);
		rc = ev__bom_generate((void **)&doc, c->recipe_tree,
				      c->observed, err);
		if (rc == 0)
			rc = ev__json_dump(&c->bom, doc, err);
	}
	if (rc == 0) {
		const json_t *comps = json_object_get(doc, "components");
		c->bom_count = json_is_array(comps)
				       ? (int64_t)json_array_size(comps)
				       : 0;
	}
	json_decref(doc);
	return rc;
}

/* validatorImages: {image, digest} deduped by image, sorted (§5.5); under
 * the minimal policy only images on a public registry, pinned by a tag or a
 * digest (an internal registry host is not published: issue 24 item 5). */
static json_t *emit_validator_images(const json_t *raw, ev_redaction policy)
{
	json_t *out = json_array();
	char **v = calloc(json_array_size(raw) + 1, sizeof(*v));
	size_t n = 0;

	for (size_t i = 0; v != NULL && i < json_array_size(raw); i++) {
		const char *img = json_string_value(json_array_get(raw, i));
		if (policy != EV_REDACT_MINIMAL || ev__image_public(img))
			v[n++] = (char *)img;
	}
	if (out == NULL || v == NULL) {
		free(v);
		json_decref(out);
		return NULL;
	}
	for (size_t i = 1; i < n; i++) { /* insertion sort: a handful */
		char *x = v[i];
		size_t j = i;
		for (; j > 0 && strcmp(v[j - 1], x) > 0; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	for (size_t i = 0; i < n; i++) {
		ae_imgref r;
		size_t il;
		json_t *e;
		if (i > 0 && strcmp(v[i], v[i - 1]) == 0)
			continue;
		ae_imgref_split(&r, v[i]);
		il = r.digest ? (size_t)(r.digest - 1 - v[i]) : strlen(v[i]);
		e = json_pack("{s:s%,s:s}", "image", v[i], il, "digest",
			      r.digest ? r.digest : "");
		if (e == NULL || json_array_append_new(out, e)) {
			json_decref(out);
			out = NULL;
			break;
		}
	}
	free(v);
	return out;
}

/* phases: only phases that ran, with the counts of their tests and the
 * ctrfDigest (§5.5). pending and other are counted too (issue 24 item 1):
 * always under the minimal policy, when not 0 otherwise (the reference's
 * predicate has no such keys; its readers ignore them). */
static json_t *emit_phases(const emit_ctx *c)
{
	json_t *ph = json_object();

	for (int i = 0; ph != NULL && i < EV_PHASE_COUNT; i++) {
		const ev__phase *p = &c->phases[i];
		bool all = c->policy == EV_REDACT_MINIMAL;
		json_t *o;
		int bad = 0;
		if (!p->present)
			continue;
		o = json_pack("{sIsIsI}", "passed", (json_int_t)p->passed,
			      "failed", (json_int_t)p->failed, "skipped",
			      (json_int_t)p->skipped);
		if (o != NULL && (all || p->pending))
			bad |= json_object_set_new(o, "pending",
						   json_integer(p->pending));
		if (o != NULL && (all || p->other))
			bad |= json_object_set_new(o, "other",
						   json_integer(p->other));
		if (o != NULL && !bad)
			bad |= json_object_set_new(o, "ctrfDigest",
						   json_string(p->ctrf_digest));
		if (o == NULL || bad ||
		    json_object_set_new(ph, ev_phase_names[i], o)) {
			json_decref(ph);
			return NULL;
		}
	}
	return ph;
}

/* predicate.profile (reference ProfilePredicate): the selection, the
 * advertiser (omitted when empty) and the policy descriptor identity, last
 * as in the reference's struct. -1 out of memory. */
static int emit_profile_block(json_t *pred, const ev_recipe_id *id)
{
	json_t *b = json_object();

	if (b == NULL ||
	    json_object_set_new(b, "selection", json_string(id->selection)) ||
	    (id->advertiser[0] != '\0' &&
	     json_object_set_new(b, "advertiser",
				 json_string(id->advertiser))) ||
	    json_object_set_new(b, "policyDescriptorIdentity",
				json_string(id->identity))) {
		json_decref(b);
		return -1;
	}
	return json_object_set_new(pred, "profile", b) ? -1 : 0;
}

/* The v3 predicate (reference §5.5), keys in the reference's order. */
static json_t *emit_predicate(const emit_ctx *c, const char *manifest_digest,
			      size_t file_count)
{
	unsigned char sha[AE_SHA256_LEN];
	char bom_digest[AE_DIGEST_STR_LEN];
	json_t *p;

	ae_sha256(sha, c->bom.data, c->bom.len);
	ae_digest_format(bom_digest, sha);
	p = json_pack(
		"{sssssssssos{ssss}sOsOsos{sssssssI}s{sssI}}", "schemaVersion",
		"1.0.0", "attestedAt", c->at, "aicrVersion",
		c->o->tool_version ? c->o->tool_version : "",
		"validatorCatalogVersion", c->catalog_version,
		"validatorImages", emit_validator_images(c->images, c->policy),
		"recipe", "name", c->id.name, "digest", c->digest,
		"fingerprint", c->fp, "criteriaMatch", c->match, "phases",
		emit_phases(c), "bom", "format", "CycloneDX", "version", "1.6",
		"digest", bom_digest, "imageCount", (json_int_t)c->bom_count,
		"manifest", "digest", manifest_digest, "fileCount",
		(json_int_t)file_count);
	if (p != NULL && c->policy != EV_REDACT_FULL) {
		json_t *r = json_pack(
			"{ssssso}", "policy", EV_REDACTION_POLICY, "version",
			EV_REDACTION_VERSION, "applied",
			ev__redaction_applied(ev__redaction_rules(c->policy)));
		if (r == NULL || json_object_set_new(p, "redaction", r)) {
			json_decref(p);
			p = NULL;
		}
	}
	if (p != NULL && c->id.profiled && emit_profile_block(p, &c->id) < 0) {
		json_decref(p);
		p = NULL;
	}
	return p;
}

/* Writes statement.intoto.json: the local, unsigned statement (§5.4). */
static int emit_statement(int dirfd, const emit_ctx *c, json_t *predicate,
			  ae_err *err)
{
	char subject[300];
	ae_buf b = AE_BUF_INIT(EV_STATEMENT_MAX_BYTES);
	json_t *st;
	int rc;

	snprintf(subject, sizeof(subject), "recipe:%s", c->id.name);
	st = json_pack("{sss[{sss{ss}}]sssO}", "_type", EV_STATEMENT_TYPE,
		       "subject", "name", subject, "digest", "sha256",
		       c->digest, "predicateType", EV_PREDICATE_V3, "predicate",
		       predicate);
	if (st == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	rc = ev__json_dump(&b, st, err);
	if (rc == 0)
		rc = ev__write_new(dirfd, "statement.intoto.json", b.data,
				   b.len, err);
	json_decref(st);
	ae_buf_dispose(&b);
	return rc;
}

/* Writes recipe.yaml, snapshot.yaml, bom.cdx.json and ctrf/. */
static int emit_write_files(int dirfd, emit_ctx *c, ae_err *err)
{
	ae_buf b = AE_BUF_INIT(1);
	int ctrf = -1, rc;

	/* The canonical bytes the digest was computed from (see
	 * emit_recipe_identity). */
	rc = ev__write_new(dirfd, "recipe.yaml", c->recipe_canon.data,
			   c->recipe_canon.len, err);
	if (rc == 0 && c->o->full) {
		rc = ev__write_new(dirfd, "snapshot.yaml", c->snapshot.data,
				   c->snapshot.len, err);
	} else if (rc == 0) {
		rc = ev_snapshot_redact(&b, c->snapshot.data, c->snapshot.len,
					c->policy, err);
		if (rc == 0)
			rc = ev__write_new(dirfd, "snapshot.yaml", b.data,
					   b.len, err);
		ae_buf_dispose(&b);
	}
	if (rc == 0)
		rc = ev__write_new(dirfd, "bom.cdx.json", c->bom.data,
				   c->bom.len, err);
	if (rc == 0 && mkdirat(dirfd, "ctrf", 0755) != 0)
		rc = ae_fail(err, AE_EIO, "mkdir ctrf: %s", strerror(errno));
	if (rc == 0) {
		ctrf = openat(dirfd, "ctrf",
			      O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (ctrf < 0)
			rc = ae_fail(err, AE_EIO, "open ctrf: %s",
				     strerror(errno));
	}
	for (int ph = 0; rc == 0 && ph < EV_PHASE_COUNT; ph++) {
		ev__ctrf_input sel[EV_CTRF_MAX_INPUTS];
		char name[64];
		size_t n = 0;
		for (size_t i = 0; i < c->ninputs; i++) {
			if (c->inputs[i].phase == ph && !c->inputs[i].dup)
				sel[n++] = c->inputs[i];
		}
		if (n == 0)
			continue;
		snprintf(name, sizeof(name), "%s.json", ev_phase_names[ph]);
		rc = ev__ctrf_write_phase(ctrf, name, sel, n, c->policy, err);
	}
	if (ctrf >= 0)
		close(ctrf);
	return rc;
}

/* manifest.json, then the predicate and the statement that pin it. */
static int emit_seal(int dirfd, emit_ctx *c, ev_emit_result *res, ae_err *err)
{
	unsigned char sha[AE_SHA256_LEN];
	ae_buf b = AE_BUF_INIT(EV_MANIFEST_MAX_BYTES);
	ev__mfile *files = NULL;
	json_t *pred = NULL;
	size_t n = 0;
	int rc;

	rc = ev__manifest_walk(&files, &n, dirfd, true, err);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		int ph;
		char name[64];
		if (strncmp(files[i].path, "ctrf/", 5) != 0)
			continue;
		snprintf(name, sizeof(name), "%s", files[i].path + 5);
		name[strcspn(name, ".")] = '\0';
		ph = ev__phase_index(name);
		if (ph >= 0)
			memcpy(c->phases[ph].ctrf_digest, files[i].sha256,
			       AE_DIGEST_STR_LEN);
	}
	if (rc == 0)
		rc = ev__manifest_render(&b, files, n, err);
	if (rc == 0)
		rc = ev__write_new(dirfd, "manifest.json", b.data, b.len, err);
	if (rc == 0) {
		ae_sha256(sha, b.data, b.len);
		ae_digest_format(res->manifest_digest, sha);
		res->file_count = n;
		pred = emit_predicate(c, res->manifest_digest, n);
		if (pred == NULL)
			rc = ae_fail(err, AE_ERR, "out of memory");
	}
	if (rc == 0)
		rc = emit_statement(dirfd, c, pred, err);
	json_decref(pred);
	ev__mfiles_free(files, n);
	ae_buf_dispose(&b);
	return rc;
}

/* Removes the staging directory (two levels: files and ctrf/). Best
 * effort: it is ours and under OUT. */
static void emit_remove_tree(int parent, const char *name)
{
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;

	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		unlinkat(parent, name, AT_REMOVEDIR);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (unlinkat(fd, e->d_name, 0) != 0)
			emit_remove_tree(fd, e->d_name);
	}
	closedir(d);
	unlinkat(parent, name, AT_REMOVEDIR);
}

void ev_evidence_emit_discard(const char *out_dir, bool remove_out)
{
	int fd = open(out_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return;
	emit_remove_tree(fd, "summary-bundle");
	close(fd);
	if (remove_out)
		rmdir(out_dir);
}

/* The recipe's extra fields for the result, ", "-separated, cut with
 * "..." when they do not fit. */
static void emit_extras_list(ev_emit_result *out, const emit_ctx *c)
{
	size_t off = 0, k = 0, cap = sizeof(out->recipe_extras);
	const char *p = (const char *)c->extras.data;

	out->nrecipe_extras = c->nextras;
	out->recipe_extras[0] = '\0';
	for (; k < c->nextras; k++, p += strlen(p) + 1) {
		char r[AE_REPR_BUF];
		size_t need;
		/* escaped: the names come from the recipe (STYLE §3.5) */
		ae_repr(r, sizeof(r), p, strlen(p));
		need = strlen(r) + (k ? 2 : 0);
		if (off + need + 6 >= cap) {
			snprintf(out->recipe_extras + off, cap - off, ", ...");
			break;
		}
		off += (size_t)snprintf(out->recipe_extras + off, cap - off,
					"%s%s", k ? ", " : "", r);
	}
}

/* Checks the options and formats attestedAt. */
static int emit_check_opts(emit_ctx *c, ae_err *err)
{
	const ev_emit_opts *o = c->o;

	_Static_assert(sizeof(c->at) >= AE_TIME_MAX, "attestedAt's room");
	if (o->policy != EV_REDACT_MINIMAL &&
	    o->policy != EV_REDACT_REFERENCE_V4)
		return ae_fail(err, AE_EINVAL, "unknown redaction policy %d",
			       (int)o->policy);
	if (o->recipe_path == NULL || o->snapshot_path == NULL ||
	    o->out_dir == NULL || o->nctrf == 0)
		return ae_fail(
			err, AE_EINVAL,
			"recipe, snapshot, CTRF and output are required");
	if (ae_time_format(c->at, (ae_time){.sec = o->attested_at}) != 0)
		return ae_fail(err, AE_EINVAL, "attestedAt out of range");
	return 0;
}

/* What emit writes in OUT (the pointer by cmd/, last). */
static const char *const emit_outputs[] = {"summary-bundle", "pointer.yaml"};

int ev_evidence_emit(ev_emit_result *out, const ev_emit_opts *opts, ae_err *err)
{
	char stage[] = ".summary-bundle.XXXXXX";
	emit_ctx c;
	struct stat st;
	ae_tmp_claim claim;
	bool created_out = false, made;
	int outfd = -1, dirfd = -1, rc, out_slot = -1, stage_slot = -1, e;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	c.o = opts;
	c.policy = opts->full ? EV_REDACT_FULL : opts->policy;
	rc = emit_check_opts(&c, err);
	if (rc == 0)
		rc = emit_read_inputs(&c, err);
	if (rc == 0)
		rc = emit_scan_ctrf(&c, err);
	if (rc == 0)
		rc = emit_bom(&c, err);
	if (rc < 0)
		goto done;
	/* Nothing has been written up to here. */
	created_out = lstat(opts->out_dir, &st) != 0 && errno == ENOENT;
	ae_tmp_claim_begin(&claim);
	rc = ae_mkdir_p(opts->out_dir, err);
	out_slot = ae_tmp_claim_end(
		&claim, AT_FDCWD, rc == 0 && created_out ? opts->out_dir : NULL,
		true);
	if (rc < 0)
		goto done;
	outfd = open(opts->out_dir,
		     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (outfd < 0) {
		rc = ae_fail(err, AE_EIO, "open output: %s", strerror(errno));
		goto done;
	}
	/* Neither of emit's outputs is ever replaced: whatever is at
	 * summary-bundle/ or pointer.yaml (an earlier run's signed pointer,
	 * a symlink, a directory) is refused before a byte is written. */
	for (size_t k = 0; k < sizeof(emit_outputs) / sizeof(*emit_outputs);
	     k++) {
		if (fstatat(outfd, emit_outputs[k], &st, AT_SYMLINK_NOFOLLOW) ==
		    0)
			rc = ae_fail(err, AE_EEXISTS,
				     "%s already exists in the output",
				     emit_outputs[k]);
		else if (errno != ENOENT)
			rc = ae_fail(err, AE_EIO, "stat %s: %s",
				     emit_outputs[k], strerror(errno));
		if (rc < 0)
			goto done;
	}
	for (int tries = 0; tries < 16; tries++) {
		snprintf(stage, sizeof(stage), ".summary-bundle.%06x",
			 (unsigned)(getpid() * 31 + tries) & 0xffffff);
		ae_tmp_claim_begin(&claim);
		made = mkdirat(outfd, stage, 0755) == 0;
		e = errno;
		stage_slot = ae_tmp_claim_end(&claim, outfd,
					      made ? stage : NULL, true);
		if (made)
			break;
		if (e != EEXIST || tries == 15) {
			rc = ae_fail(err, AE_EIO, "mkdir staging: %s",
				     strerror(e));
			goto done;
		}
	}
	dirfd = openat(outfd, stage,
		       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd < 0) {
		rc = ae_fail(err, AE_EIO, "open staging: %s", strerror(errno));
		goto cleanup;
	}
	rc = emit_write_files(dirfd, &c, err);
	if (rc == 0)
		rc = emit_seal(dirfd, &c, out, err);
	if (rc == 0 && fsync(dirfd) != 0)
		rc = ae_fail(err, AE_EIO, "fsync: %s", strerror(errno));
	if (rc == 0 &&
	    renameat2(outfd, stage, outfd, "summary-bundle", RENAME_NOREPLACE))
		rc = ae_fail(err, errno == EEXIST ? AE_EEXISTS : AE_EIO,
			     "rename into summary-bundle: %s", strerror(errno));
cleanup:
	if (rc < 0)
		emit_remove_tree(outfd, stage);
	ae_tmp_forget(stage_slot);
done:
	ae_tmp_forget(out_slot);
	/* A failed emit leaves no output: not even the OUT it created. */
	if (rc < 0 && created_out)
		rmdir(opts->out_dir);
	if (rc == 0) {
		out->created_out = created_out;
		snprintf(out->recipe_name, sizeof(out->recipe_name), "%s",
			 c.id.name);
		snprintf(out->profile, sizeof(out->profile), "%s",
			 c.id.selection);
		memcpy(out->recipe_digest, c.digest, sizeof(c.digest));
		memcpy(out->attested_at, c.at, sizeof(c.at));
		for (int i = 0; i < EV_PHASE_COUNT; i++)
			out->phase_failed +=
				(int)(c.phases[i].failed + c.phases[i].other);
		emit_extras_list(out, &c);
		out->ctrf_duplicates = c.duplicates;
	} else {
		memset(out, 0, sizeof(*out));
	}
	if (dirfd >= 0)
		close(dirfd);
	if (outfd >= 0)
		close(outfd);
	emit_ctx_dispose(&c);
	return rc;
}

int ev_statement_for_artifact(ae_buf *out, const unsigned char *stmt,
			      size_t len, const char *name, const char *digest,
			      ae_err *err)
{
	json_t *st = NULL, *subj = NULL;
	const json_t *rec;
	int rc;

	ae_buf_init(out, EV_STATEMENT_MAX_BYTES);
	if (name == NULL || name[0] == '\0')
		return ae_fail(err, AE_EINVAL, "OCI reference is required");
	if (digest == NULL || !ae_digest_is_valid(digest))
		return ae_fail(err, AE_EINVAL,
			       "artifact digest must be sha256:<64 hex>");
	rc = ae_json_parse((void **)&st, stmt, len, err);
	if (rc < 0)
		return rc;
	rec = json_object_get(json_object_get(st, "predicate"), "recipe");
	if (!json_is_string(json_object_get(rec, "name")) ||
	    !json_is_string(json_object_get(rec, "digest"))) {
		rc = ae_fail(
			err, AE_EINVAL,
			"predicate.recipe.{name,digest} must be populated");
		goto done;
	}
	subj = json_pack("[{sss{ss}}]", "name", name, "digest", "sha256",
			 digest + 7);
	if (subj == NULL || json_object_set_new(st, "subject", subj) != 0) {
		rc = ae_fail(err, AE_ERR, "out of memory");
		goto done;
	}
	rc = ev__json_dump(out, st, err);
done:
	json_decref(st);
	if (rc < 0)
		ae_buf_dispose(out);
	return rc;
}

int ev_statement_recipe_name(char **out, const unsigned char *stmt, size_t len,
			     ae_err *err)
{
	json_t *st = NULL;
	const char *name;
	int rc;

	*out = NULL;
	rc = ae_json_parse((void **)&st, stmt, len, err);
	if (rc < 0)
		return rc;
	name = json_string_value(json_object_get(
		json_object_get(json_object_get(st, "predicate"), "recipe"),
		"name"));
	if (name == NULL)
		rc = ae_fail(err, AE_EINVAL,
			     "the statement records no predicate.recipe.name");
	else if ((*out = strdup(name)) == NULL)
		rc = ae_fail(err, AE_ERR, "out of memory");
	json_decref(st);
	return rc;
}
