/* evidence/verify.c -- is this bundle intact, and what does it claim?
 *
 * The steps of reference §9.2 on a bundle directory: materialize (find the
 * summary root), signature, predicate, inventory (manifest digest against
 * the predicate, every file's size and sha256, no stray files, no path
 * outside the bundle, phase digests, recipe identity from bytes read once),
 * summary. Each step records its findings and the next runs anyway, so the
 * report lists every problem; the verdict rules are in verdict.c. Every
 * file is opened relative to the bundle's directory fd, one path element
 * at a time, refusing symlinks (reference §9.4).
 */
#include "evidence/internal.h"
#include "evidence/verdict.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Everything the steps share. */
typedef struct verify_run {
	const ev_verify_opts *o;
	ev_verdict *v;
	ev__src src;	       /* the summary root: on disk or in memory */
	bool have_root;	       /* src is set */
	bool stray_sig;	       /* a signature beside summary-bundle/ */
	json_t *statement;     /* parsed statement */
	const json_t *pred;    /* borrowed from statement */
	const char *pred_type; /* borrowed from statement */
	ae_buf recipe;	       /* recipe.yaml bytes, read once */
	bool recipe_captured;
	ae_buf snapshot; /* snapshot.yaml bytes, read once (its shape) */
	bool snapshot_captured;
	const ev_trust *trust;	/* the trust set in force */
	ev_trust *own_trust;	/* built here when the caller gave none */
	unsigned char *payload; /* the verified DSSE payload, or NULL */
	size_t payload_len;
	char key_id[AE_DIGEST_STR_LEN]; /* --key: sha256 of its SPKI */
} verify_run;

int ev_input_detect(ev_input_kind *out, const char *input, ae_err *err)
{
	struct stat st;
	size_t n, first;

	*out = EV_INPUT_DIR;
	if (input == NULL || *input == '\0')
		return ae_fail(err, AE_EINVAL, "empty input");
	if (strncmp(input, "oci://", 6) == 0) {
		*out = EV_INPUT_OCI;
		return 0;
	}
	if (strncmp(input, "http://", 7) == 0 ||
	    strncmp(input, "https://", 8) == 0)
		return ae_fail(err, AE_EINVAL,
			       "http(s) URLs are not inputs: give a pointer, "
			       "a bundle directory or an OCI reference");
	if (stat(input, &st) == 0) {
		n = strlen(input);
		if (S_ISDIR(st.st_mode))
			return 0;
		if (S_ISREG(st.st_mode) &&
		    ((n > 5 && strcmp(input + n - 5, ".yaml") == 0) ||
		     (n > 4 && strcmp(input + n - 4, ".yml") == 0))) {
			*out = EV_INPUT_POINTER;
			return 0;
		}
		return ae_fail(err, AE_EINVAL,
			       "not a directory or a .yaml pointer");
	}
	/* A bare reference: the first segment looks like a registry. */
	first = strcspn(input, "/");
	if (strpbrk(input, " \t\n") == NULL && input[first] == '/' &&
	    (memchr(input, '.', first) || memchr(input, ':', first) ||
	     (first == 9 && strncmp(input, "localhost", 9) == 0))) {
		*out = EV_INPUT_OCI;
		return 0;
	}
	return ae_fail(err, AE_EINVAL,
		       "not-an-input: no such file, and not an OCI reference");
}

/* The verdict class of a failed fetch (reference §9.3 failureCause). */
static const char *verify_fetch_class(int code)
{
	switch (code) {
	case AE_ETRANSIENT:
	case AE_EIO:
		return "transient";
	case AE_EAUTH:
		return "registry-forbidden";
	case AE_ENOTFOUND:
		return "not-found";
	case AE_EVERIFY:
	case AE_ETOOBIG:
		return "integrity";
	default:
		return "registry";
	}
}

/* Step 1 when the caller could not fetch the bundle: a transient fault is
 * no verdict (exit 3), anything else invalid (exit 2), with the registry's
 * HTTP status and the caller's hint. */
static void verify_fetch_failed(verify_run *r, ev__step *s)
{
	const ev_verify_opts *o = r->o;
	const char *cls = verify_fetch_class(o->fetch_rc);
	const char *why = o->fetch_detail ? o->fetch_detail : "fetch failed";
	bool transient = strcmp(cls, "transient") == 0;

	if (o->fetch_cache_fault && strcmp(cls, "registry") == 0)
		cls = "unknown"; /* the cache failed, not the registry */

	ev__step_status(s, "failed", why);
	ev__verdict_record(r->v,
			   transient ? EV_VERDICT_NONE : EV_VERDICT_INVALID,
			   cls, why, o->fetch_hint);
	if (o->fetch_http_status >= 400)
		ev__verdict_http_status(r->v, o->fetch_http_status);
}

/* True iff `name` exists in `fd` in any form (a symlink or a FIFO there is
 * a broken signature, not an unsigned bundle). */
static bool verify_exists(int fd, const char *name)
{
	struct stat st;

	return fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 ||
	       errno != ENOENT;
}

/* Step 1: the summary root is the directory itself or its summary-bundle/
 * (markers recipe.yaml and manifest.json, reference §5.2;
 * ev_summary_root_at); the caller fetched it first for OCI and pointer
 * inputs (opts.source). A signature beside summary-bundle/ instead of in
 * it is noted for step 2. */
static void verify_materialize(verify_run *r)
{
	ev__step *s = ev__step_begin(r->v, "materialize-bundle");
	bool nested = false;
	int top, rc;

	if (r->o->fetch_rc < 0) {
		verify_fetch_failed(r, s);
		return;
	}
	if (r->o->source != NULL)
		ev__step_status(s, "passed", r->o->source);
	if (r->o->tree != NULL) {
		/* the layer's bytes as verified, in memory (issue 17) */
		rc = ev__src_root_tree(&r->src, &nested, &r->stray_sig,
				       r->o->tree);
		r->have_root = rc == 0;
		goto found;
	}
	top = open(r->o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (top < 0) {
		ev__step_status(s, "failed",
				"cannot open the bundle directory");
		ev__verdict_record(r->v,
				   errno == ENOENT ? EV_VERDICT_INVALID
						   : EV_VERDICT_NONE,
				   errno == ENOENT ? "not-found" : "transient",
				   strerror(errno), NULL);
		return;
	}
	rc = ev_summary_root_at(&r->src.dirfd, &nested, top);
	r->have_root = rc == 0;
	if (rc == 0 && nested)
		r->stray_sig = verify_exists(top, EV_ATTESTATION_FILE);
	close(top);
found:
	if (rc == 0)
		return;
	ev__step_status(s, "failed",
			"not a bundle: no recipe.yaml and manifest.json");
	ev__verdict_record(r->v, EV_VERDICT_INVALID, "unknown",
			   "not a bundle directory", NULL);
}

/* The identity policy: the operator's pins when given; otherwise the
 * certificate's own issuer and first SAN, so that everything but the
 * identity is still verified (the reference's ".+" default, reported as
 * "identity not pinned"). Sets *pinned. Strings borrowed from `own`. */
static int verify_policy(ev_policy *pol, bool *pinned, const ev_verify_opts *o,
			 char **own_issuer, char ***own_sans, size_t *nsans,
			 const ev_bundle *b, ae_err *err)
{
	int rc;

	*pol = (ev_policy)EV_POLICY_INIT;
	pol->ignore_tlog = o->ignore_tlog;
	if (o->key_pem != NULL) {
		/* the key is the pin: the bundle must be signed with it */
		*pinned = true;
		pol->key_pem = o->key_pem;
		pol->key_pem_len = o->key_pem_len;
		return 0;
	}
	if (!ev_bundle_has_cert(b))
		return ae_fail(err, AE_EVERIFY,
			       "the bundle is signed by a managed key: verify "
			       "it with --key");
	*pinned = o->expected_issuer != NULL && o->expected_identity_re != NULL;
	rc = ev_bundle_cert_identity(own_sans, nsans, own_issuer, b, err);
	if (rc < 0)
		return rc;
	if (*nsans == 0 || *own_issuer == NULL)
		return ae_fail(err, AE_EVERIFY,
			       "certificate names no identity or issuer");
	pol->issuer = o->expected_issuer ? o->expected_issuer : *own_issuer;
	if (o->expected_identity_re != NULL)
		pol->identity_regex = o->expected_identity_re;
	else
		pol->identity = (*own_sans)[0];
	return 0;
}

/* The pointer's claimed signer against the verified one (reference §9.2
 * CrossCheckPointerSigner): identity, issuer, Rekor index. A pointer
 * names a keyless signer only (SPEC §3): a key-signed bundle never is
 * that signer. */
static void verify_cross_check(verify_run *r, ev__step *s, const ev_signer *sg)
{
	const ev_pointer_claim *p = r->o->pointer;
	const char *why = NULL;

	if (p == NULL || !p->has_signer)
		return;
	if (sg->identity == NULL) {
		ev__step_row(s, "identity", "identity mismatch");
		why = "pointer claims a certificate identity but the bundle "
		      "is signed by a key";
	} else if (strcmp(p->signer_identity, sg->identity) != 0) {
		ev__step_row(s, "identity", "identity mismatch");
		why = "pointer signer identity differs from the certificate";
	}
	if (p->signer_issuer[0] != '\0' && sg->issuer != NULL &&
	    strcmp(p->signer_issuer, sg->issuer) != 0) {
		ev__step_row(s, "issuer", "issuer mismatch");
		why = why ? why
			  : "pointer signer issuer differs from the "
			    "certificate";
	}
	if (p->has_rekor_index && p->rekor_index != sg->log_index) {
		ev__step_row(s, "rekorLogIndex", "Rekor log index mismatch");
		why = why ? why : "pointer Rekor log index differs";
	}
	if (why != NULL) {
		ev__step_status(s, "failed", why);
		ev__verdict_record(r->v, EV_VERDICT_INVALID, "signature", why,
				   NULL);
	}
}

/* The signed statement's subject must be the bundle's artifact digest
 * (SPEC §3): the one cmd/ computed from the tree, and the pointer's. */
static void verify_subject(verify_run *r, ev__step *s)
{
	const char *want[2] = {r->o->artifact_digest,
			       r->o->pointer ? r->o->pointer->digest : NULL};
	const json_t *st = r->statement; /* the verified payload, parsed once */
	const char *got = json_string_value(json_object_get(
		json_object_get(
			json_array_get(json_object_get(st, "subject"), 0),
			"digest"),
		"sha256"));

	for (int i = 0; i < 2; i++) {
		if (want[i] == NULL || want[i][0] == '\0')
			continue;
		if (got == NULL || strncmp(want[i], "sha256:", 7) != 0 ||
		    strcmp(want[i] + 7, got) != 0) {
			ev__step_status(s, "failed",
					"statement subject is not the bundle's "
					"artifact digest");
			ev__step_row(s, "subject",
				     i == 0 ? "artifact digest mismatch"
					    : "pointer digest mismatch");
			ev__verdict_record(r->v, EV_VERDICT_INVALID,
					   "signature",
					   "statement subject differs", NULL);
		}
	}
}

/* Records the verified signer, verified fields only (STYLE §3.6): the
 * certificate's identity and issuer, or for a key the SHA-256 of its
 * SubjectPublicKeyInfo (what cosign and sigstore-js print as the key
 * hint). */
static void verify_signer_json(verify_run *r, const ev_signer *sg)
{
	json_t *o = NULL;

	if (sg->identity != NULL)
		o = json_pack("{ssss}", "identity", sg->identity, "issuer",
			      sg->issuer);
	else if (r->key_id[0] != '\0')
		o = json_pack("{ss}", "publicKey", r->key_id);
	if (o != NULL && sg->log_index > 0)
		json_object_set_new(o, "rekorLogIndex",
				    json_integer(sg->log_index));
	r->v->signer = o;
	r->v->has_signed_at = true;
	r->v->signed_at.time = sg->signed_time;
	r->v->signed_at.logged = sg->logged;
	memcpy(r->v->signed_at.log_id, sg->log_id, sizeof(sg->log_id));
	r->v->signed_at.log_index = sg->log_index;
}

/* "sha256:<hex>" of the DER SubjectPublicKeyInfo of the --key PEM into
 * r->key_id ("" when it cannot be read: ev_key_check accepted it, so only
 * on out of memory). */
static void verify_key_id(verify_run *r)
{
	BIO *bio = BIO_new_mem_buf(r->o->key_pem, (int)r->o->key_pem_len);
	EVP_PKEY *k = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
	unsigned char *der = NULL, sha[AE_SHA256_LEN];
	int n = k ? i2d_PUBKEY(k, &der) : -1;

	r->key_id[0] = '\0';
	if (n > 0) {
		ae_sha256(sha, der, (size_t)n);
		ae_digest_format(r->key_id, sha);
	}
	OPENSSL_free(der);
	EVP_PKEY_free(k);
	BIO_free(bio);
	ERR_clear_error();
}

/* Parses and verifies attestation.intoto.jsonl; on success keeps the
 * signer and the verified payload. */
static int verify_sigstore(verify_run *r, ev__step *s, ae_err *err)
{
	ev_bundle *b = NULL;
	ev_signer *sg = NULL;
	ev_policy pol;
	char *own_iss = NULL, **sans = NULL;
	size_t nsans = 0;
	bool pinned = false;
	ae_buf buf;
	int rc;

	rc = ev__src_read(&buf, &r->src, "attestation.intoto.jsonl",
			  EV_BUNDLE_MAX_BYTES, err);
	if (rc == 0) {
		rc = ev_bundle_parse(&b, buf.data, buf.len, err);
		ae_buf_dispose(&buf);
	}
	if (rc == 0 && !ev_bundle_is_dsse(b))
		rc = ae_fail(err, AE_EVERIFY,
			     "not a DSSE bundle (an in-toto statement)");
	if (rc == 0)
		rc = verify_policy(&pol, &pinned, r->o, &own_iss, &sans, &nsans,
				   b, err);
	if (rc == 0)
		rc = ev_bundle_verify(&sg, b, r->trust, &pol, NULL, err);
	if (rc == 0) {
		if (r->o->key_pem != NULL)
			verify_key_id(r);
		verify_signer_json(r, sg);
		r->payload = sg->payload;
		r->payload_len = sg->payload_len;
		sg->payload = NULL;
		/* the statement as the signature check parsed it: read once
		 * (issue 17), by the same parser verify_statement used */
		r->statement = sg->statement;
		sg->statement = NULL;
		verify_subject(r, s);
		verify_cross_check(r, s, sg);
		if (!pinned)
			ev__step_status(s, "passed",
					"identity not pinned: pass "
					"--expected-issuer and "
					"--expected-identity-regexp");
		else if (r->o->ignore_tlog)
			ev__step_status(s, "passed",
					"transparency log not checked "
					"(--insecure-ignore-tlog)");
	}
	ev_signer_free(sg);
	ev_bundle_free(b);
	for (size_t i = 0; i < nsans; i++)
		free(sans[i]);
	free(sans);
	free(own_iss);
	return rc;
}

/* True iff the caller asked for a particular signer: any --expected-*
 * flag or a key. Such a pin cannot be met by having no signature at all,
 * or deleting attestation.intoto.jsonl (or the OCI signature referrer)
 * would strip it (issue 16). */
static bool verify_signer_required(const ev_verify_opts *o)
{
	return o->expected_issuer != NULL || o->expected_identity_re != NULL ||
	       o->key_pem != NULL;
}

/* An unsigned bundle: "unsigned" (skipped) unless the pointer claims a
 * signer or the caller pinned one, which no signature can satisfy
 * (invalid). */
static void verify_unsigned(verify_run *r, ev__step *s)
{
	const ev_pointer_claim *p = r->o->pointer;

	r->v->is_unsigned = true;
	if (p != NULL && p->has_signer) {
		ev__step_status(s, "failed",
				"the pointer claims a signer but the bundle "
				"has no signature");
		ev__step_row(s, "signer", "no signature");
		ev__verdict_record(r->v, EV_VERDICT_INVALID, "signature",
				   "no signature for the claimed signer", NULL);
		return;
	}
	if (verify_signer_required(r->o)) {
		ev__step_status(s, "failed",
				"a signer was required but the bundle is "
				"unsigned");
		ev__step_row(s, "signer", "no signature");
		ev__verdict_record(r->v, EV_VERDICT_INVALID, "signature",
				   "a signer was required but the bundle is "
				   "unsigned",
				   NULL);
		return;
	}
	ev__step_status(s, "skipped", "unsigned bundle");
}

/* Step 2 (reference §9.2): no attestation is "unsigned" (verify_unsigned
 * decides whether that is acceptable); otherwise the Sigstore bundle. */
static void verify_signature(verify_run *r)
{
	ev__step *s = ev__step_begin(r->v, "signature-verify");
	ae_err err = {0};
	int rc;

	if (!r->have_root) {
		ev__step_status(s, "skipped", "no bundle");
		return;
	}
	if (r->stray_sig) {
		/* one rule for every layout (issue 23 item 4): a signature
		 * that is not where verify looks is never silently ignored */
		ev__step_status(s, "failed",
				"a signature beside summary-bundle/, not in "
				"it: a bundle's signature is "
				"summary-bundle/" EV_ATTESTATION_FILE);
		ev__step_row(s, EV_ATTESTATION_FILE,
			     "outside the summary root");
		ev__verdict_record(r->v, EV_VERDICT_INVALID, "signature",
				   "signature outside the summary root", NULL);
		return;
	}
	if (!ev__src_exists(&r->src, "attestation.intoto.jsonl")) {
		verify_unsigned(r, s);
		return;
	}
	rc = verify_sigstore(r, s, &err);
	if (rc < 0) {
		bool transient = rc == AE_ETRANSIENT;
		ev__step_status(s, "failed", err.msg);
		ev__step_row(s, "attestation.intoto.jsonl", err.msg);
		ev__verdict_record(
			r->v, transient ? EV_VERDICT_NONE : EV_VERDICT_INVALID,
			transient ? "transient" : "signature", err.msg,
			strstr(err.msg, "chain") || strstr(err.msg, "root")
				? "a private Sigstore stack needs "
				  "--trusted-root"
				: NULL);
	}
}

/* Reads the statement and checks its shape (reference §5.4). */
/* The reference's refusal of a type outside v1/v2/v3, the retired
 * https://aicr.nvidia.com/recipe-evidence/v1 included: "unexpected
 * predicateType <type>" (the type as it is when it is a plain URL). */
static int verify_unexpected_type(const char *type, ae_err *err)
{
	char r[AE_REPR_BUF];
	bool plain = type != NULL && strlen(type) <= AE_REPR_MAX;

	for (const char *p = type; plain && *p != '\0'; p++)
		plain = *p > 0x20 && *p < 0x7f && *p != '"' && *p != '\\';
	if (type == NULL)
		return ae_fail(err, AE_EINVAL,
			       "statement has no predicateType");
	return ae_fail(err, AE_EINVAL, "unexpected predicateType %s",
		       plain ? type
			     : ae_repr(r, sizeof(r), type, strlen(type)));
}

/* The type contract (reference ValidatePredicateTypeCoherence): v1 never
 * carries a profile block, v2 always does, v3 may; a block that is there
 * has a `name=value` selection and a policyDescriptorIdentity. A JSON null
 * block is no block (Go decodes it to nil). */
static int verify_type_coherence(const char *type, const json_t *pred,
				 ae_err *err)
{
	const json_t *prof = json_object_get(pred, "profile");
	const char *sel, *pid;
	char pn[EV_PROFILE_PART_MAX + 1], pv[EV_PROFILE_PART_MAX + 1];

	if (json_is_null(prof))
		prof = NULL;
	if (strcmp(type, EV_PREDICATE_V1) == 0 && prof != NULL)
		return ae_fail(err, AE_EINVAL,
			       "predicateType %s cannot carry a profile "
			       "block; profile-bearing evidence requires %s",
			       EV_PREDICATE_V1, EV_PREDICATE_V2);
	if (strcmp(type, EV_PREDICATE_V2) == 0 && prof == NULL)
		return ae_fail(err, AE_EINVAL,
			       "predicateType %s requires the predicate "
			       "profile block",
			       EV_PREDICATE_V2);
	if (prof == NULL)
		return 0;
	sel = json_string_value(json_object_get(prof, "selection"));
	pid = json_string_value(
		json_object_get(prof, "policyDescriptorIdentity"));
	if (!json_is_object(prof) || sel == NULL || sel[0] == '\0' ||
	    pid == NULL || pid[0] == '\0')
		return ae_fail(err, AE_EINVAL,
			       "predicate profile block requires selection and "
			       "policyDescriptorIdentity");
	if (!ev_profile_selection_parse(pn, pv, sel))
		return ae_fail(err, AE_EINVAL,
			       "predicate profile block carries a malformed "
			       "selection");
	return 0;
}

/* Every field the statement, its predicate (v1-v3) and manifest.json
 * define (docs/formats.md): a key that Go's encoding/json, the reference's
 * reader, would take for one of them must be it, spelled exactly, once. */
static const char *const verify_fields[] = {"_type",
					    "subject",
					    "name",
					    "digest",
					    "sha256",
					    "predicateType",
					    "predicate",
					    "schemaVersion",
					    "attestedAt",
					    "aicrVersion",
					    "validatorCatalogVersion",
					    "validatorImages",
					    "recipe",
					    "fingerprint",
					    "criteriaMatch",
					    "matched",
					    "perDimension",
					    "phases",
					    "passed",
					    "failed",
					    "skipped",
					    "pending",
					    "other",
					    "ctrfDigest",
					    "bom",
					    "format",
					    "version",
					    "imageCount",
					    "manifest",
					    "fileCount",
					    "redaction",
					    "profile",
					    "selection",
					    "policyDescriptorIdentity",
					    "advertiser",
					    "files",
					    "path",
					    "size",
					    "mediaType",
					    "service",
					    "accelerator",
					    "gpuModel",
					    "k8sVersion",
					    "os",
					    "region",
					    "nodeCount",
					    "value",
					    "source",
					    "note",
					    NULL};
/* Objects whose keys are data (Go maps), matched exactly by the reference:
 * predicate.phases (its keys are phase names, checked as such). */
static const char *const verify_maps[] = {"phases", NULL};

static int verify_statement(verify_run *r, ae_err *err)
{
	ae_buf b = AE_BUF_INIT(1);
	const json_t *subj, *pred, *rec, *man;
	const char *type;
	int rc;

	/* A verified DSSE payload wins over the unsigned local statement
	 * (reference §9.2 predicate-parse). */
	if (r->payload != NULL && r->statement != NULL) {
		rc = 0; /* parsed by the signature check (verify_sigstore) */
	} else if (r->payload != NULL) {
		rc = ae_json_parse((void **)&r->statement, r->payload,
				   r->payload_len, err);
	} else {
		rc = ev__src_read(&b, &r->src, "statement.intoto.json",
				  EV_STATEMENT_MAX_BYTES, err);
		if (rc == 0)
			rc = ae_json_parse((void **)&r->statement, b.data,
					   b.len, err);
	}
	ae_buf_dispose(&b);
	if (rc == 0)
		rc = ev__json_one_reading(r->statement, verify_fields,
					  verify_maps, "the statement", err);
	if (rc < 0)
		return rc;
	type = json_string_value(
		json_object_get(r->statement, "predicateType"));
	subj = json_array_get(json_object_get(r->statement, "subject"), 0);
	pred = json_object_get(r->statement, "predicate");
	rec = json_object_get(pred, "recipe");
	man = json_object_get(pred, "manifest");
	if (!json_is_string(json_object_get(r->statement, "_type")) ||
	    strcmp(json_string_value(json_object_get(r->statement, "_type")),
		   EV_STATEMENT_TYPE) != 0)
		return ae_fail(err, AE_EINVAL, "not an in-toto Statement v1");
	if (type == NULL || (strcmp(type, EV_PREDICATE_V1) != 0 &&
			     strcmp(type, EV_PREDICATE_V2) != 0 &&
			     strcmp(type, EV_PREDICATE_V3) != 0))
		return verify_unexpected_type(type, err);
	if (!json_is_string(
		    json_object_get(json_object_get(subj, "digest"), "sha256")))
		return ae_fail(err, AE_EINVAL,
			       "statement has no subject "
			       "sha256 digest");
	if (!json_is_object(pred) ||
	    !json_is_string(json_object_get(rec, "name")) ||
	    !ae_is_lower_hex(json_string_value(json_object_get(rec, "digest")),
			     AE_SHA256_HEX_LEN))
		return ae_fail(err, AE_EINVAL,
			       "predicate.recipe.{name,digest} missing");
	if (!ae_digest_is_valid(
		    json_string_value(json_object_get(man, "digest"))))
		return ae_fail(err, AE_EINVAL,
			       "predicate.manifest.digest "
			       "missing");
	rc = verify_type_coherence(type, pred, err);
	if (rc < 0)
		return rc;
	r->pred = pred;
	r->pred_type = type;
	return 0;
}

/* Step 3: the predicate, and every field the pointer claims against it
 * (verify_claim.c). */
static void verify_predicate(verify_run *r)
{
	ev__step *s = ev__step_begin(r->v, "predicate-parse");
	ae_err err = {0};
	const char *name;

	if (!r->have_root) {
		ev__step_status(s, "skipped", "no bundle");
		return;
	}
	if (verify_statement(r, &err) < 0) {
		ev__step_status(s, "failed", err.msg);
		ev__verdict_record(
			r->v,
			err.code == AE_ETRANSIENT ? EV_VERDICT_NONE
						  : EV_VERDICT_INVALID,
			err.code == AE_ETRANSIENT ? "transient" : "schema",
			err.msg, NULL);
		r->pred = NULL;
		return;
	}
	r->v->predicate = json_incref((json_t *)r->pred);
	free(r->v->predicate_type);
	r->v->predicate_type = strdup(r->pred_type);
	name = json_string_value(
		json_object_get(json_object_get(r->pred, "recipe"), "name"));
	free(r->v->recipe_name);
	r->v->recipe_name = strdup(name);
	ev__claim_bind(r->v, s, r->o->pointer, r->pred, r->pred_type);
}

/* Records an integrity finding on the inventory step. */
static void verify_bad(verify_run *r, ev__step *s, const char *key,
		       const char *value, int code)
{
	bool transient = code == AE_ETRANSIENT;

	ev__step_status(s, "failed", transient ? "storage fault" : value);
	ev__step_row(s, key, value);
	ev__verdict_record(r->v,
			   transient ? EV_VERDICT_NONE : EV_VERDICT_INVALID,
			   transient ? "transient" : "integrity", value, NULL);
}

/* manifest.json read one way only (as the statement is). */
static int verify_manifest_one_reading(const ae_buf *b, ae_err *err)
{
	json_t *doc = NULL;
	int rc = ae_json_parse((void **)&doc, b->data, b->len, err);

	if (rc == 0)
		rc = ev__json_one_reading(doc, verify_fields, verify_maps,
					  "manifest.json", err);
	json_decref(doc);
	return rc;
}

/* manifest.json bytes against predicate.manifest.digest, then parsed. */
static int verify_manifest(verify_run *r, ev__step *s, ev__mfile **files,
			   size_t *n)
{
	const json_t *man = json_object_get(r->pred, "manifest");
	const char *want = json_string_value(json_object_get(man, "digest"));
	const json_t *count = json_object_get(man, "fileCount");
	unsigned char sha[AE_SHA256_LEN];
	char got[AE_DIGEST_STR_LEN];
	ae_err err = {0};
	ae_buf b;
	int rc;

	rc = ev__src_read(&b, &r->src, "manifest.json", EV_MANIFEST_MAX_BYTES,
			  &err);
	if (rc < 0) {
		verify_bad(r, s, "manifest.json", err.msg, rc);
		return rc;
	}
	ae_sha256(sha, b.data, b.len);
	ae_digest_format(got, sha);
	if (strcmp(got, want) != 0)
		verify_bad(r, s, "manifest.json", "sha256 mismatch",
			   AE_EVERIFY);
	rc = verify_manifest_one_reading(&b, &err);
	if (rc == 0)
		rc = ev__manifest_parse(files, n, b.data, b.len, &err);
	ae_buf_dispose(&b);
	if (rc < 0) {
		verify_bad(r, s, "manifest.json", err.msg, rc);
		return rc;
	}
	if (json_is_integer(count) && (size_t)json_integer_value(count) != *n)
		verify_bad(r, s, "manifest.json", "fileCount mismatch",
			   AE_EVERIFY);
	return 0;
}

/* The manifest entry for `path`, or NULL. */
static const ev__mfile *verify_entry_of(const ev__mfile *files, size_t n,
					const char *path)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(files[i].path, path) == 0)
			return &files[i];
	}
	return NULL;
}

/* One manifest entry: size and sha256 of the file on disk. recipe.yaml is
 * read into r->recipe here, and those same bytes are hashed and later
 * checked for identity (TOCTOU guard, reference §9.2); snapshot.yaml into
 * r->snapshot, whose shape is judged on the bytes hashed. */
static void verify_entry(verify_run *r, ev__step *s, const ev__mfile *f)
{
	unsigned char sha[AE_SHA256_LEN];
	char got[AE_DIGEST_STR_LEN];
	ae_err err = {0};
	uint64_t size = 0;
	ev__src_file fh = {.fd = -1};
	int rc;

	if (strcmp(f->path, "recipe.yaml") == 0) {
		rc = ev__src_read(&r->recipe, &r->src, "recipe.yaml",
				  EV_RECIPE_MAX_BYTES, &err);
		if (rc == 0) {
			ae_sha256(sha, r->recipe.data, r->recipe.len);
			size = r->recipe.len;
			r->recipe_captured = true;
		}
	} else if (strcmp(f->path, "snapshot.yaml") == 0 &&
		   f->size <= EV_SNAPSHOT_MAX_BYTES) {
		rc = ev__src_read(&r->snapshot, &r->src, "snapshot.yaml",
				  EV_SNAPSHOT_MAX_BYTES, &err);
		if (rc == 0) {
			ae_sha256(sha, r->snapshot.data, r->snapshot.len);
			size = r->snapshot.len;
			r->snapshot_captured = true;
		}
	} else {
		rc = ev__src_open(&fh, &r->src, f->path, &err);
		if (rc == 0 && fh.size != f->size) {
			/* known before a byte is read: a sparse 4 TiB file
			 * is not hashed for hours first */
			ev__src_close(&fh);
			verify_bad(r, s, f->path, "size mismatch", AE_EVERIFY);
			return;
		}
		if (rc == 0)
			rc = ev__src_sha256(sha, &size, &fh, &err);
		ev__src_close(&fh);
	}
	if (rc < 0) {
		verify_bad(r, s, f->path,
			   rc == AE_ENOTFOUND ? "missing" : err.msg, rc);
		return;
	}
	ae_digest_format(got, sha);
	if (size != f->size)
		verify_bad(r, s, f->path, "size mismatch", AE_EVERIFY);
	else if (strcmp(got, f->sha256) != 0)
		verify_bad(r, s, f->path, "sha256 mismatch", AE_EVERIFY);
}

/* True iff `path` is listed in the manifest. */
static bool verify_listed(const ev__mfile *files, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(files[i].path, path) == 0)
			return true;
	}
	return false;
}

/* Every file on disk must be listed (except the three excluded ones). */
static void verify_strays(verify_run *r, ev__step *s, const ev__mfile *files,
			  size_t n)
{
	ev__mfile *disk = NULL;
	size_t nd = 0;
	ae_err err = {0};
	int rc;

	rc = ev__src_walk(&disk, &nd, &r->src, &err);
	if (rc < 0) {
		verify_bad(r, s, "bundle", err.msg, rc);
		return;
	}
	for (size_t i = 0; i < nd; i++) {
		if (!verify_listed(files, n, disk[i].path))
			verify_bad(r, s, disk[i].path,
				   "file not in manifest.json (unsigned)",
				   AE_EVERIFY);
	}
	for (size_t i = 1; i < n; i++) {
		for (size_t j = 0; j < i; j++) {
			if (strcmp(files[i].path, files[j].path) == 0)
				verify_bad(r, s, files[i].path,
					   "listed twice in manifest.json",
					   AE_EVERIFY);
		}
	}
	ev__mfiles_free(disk, nd);
}

/* What a document of the bundle looks like, by its top-level keys
 * (input_shape.c, as emit judges its inputs); EV__SHAPE_UNKNOWN with
 * shape->is_map false when it is not YAML (nor JSON) at all. */
static ev__shape_is verify_shape_of(ev__shape *shape, const ae_buf *b)
{
	ae_yaml_node *root = NULL;
	ae_err none = {0};

	memset(shape, 0, sizeof(*shape));
	if (ae_yaml_parse(&root, b->data, b->len, &none) < 0)
		return EV__SHAPE_UNKNOWN; /* not YAML: kind_not_scalar unset */
	ev__shape_of_yaml(shape, root);
	ae_yaml_free(root);
	return ev__shape_classify(shape);
}

/* recipe.yaml must be a recipe and snapshot.yaml a snapshot (issue 20):
 * a bundle emitted from swapped inputs hashes right and says nothing of
 * the run it claims. Judged on the bytes hashed; the message names the
 * file and what it looks like. */
static void verify_shape(verify_run *r, ev__step *s, const char *path,
			 const ae_buf *b, ev__shape_is want, const char *what)
{
	ev__shape shape;
	char d[AE_REPR_BUF + 64], msg[AE_REPR_BUF + 160];
	ev__shape_is is = verify_shape_of(&shape, b);

	if (is == want)
		return;
	if (is == EV__SHAPE_UNKNOWN && !shape.is_map)
		snprintf(msg, sizeof(msg), "not %s: not YAML", what);
	else
		snprintf(msg, sizeof(msg), "not %s: looks like %s", what,
			 ev__shape_describe(d, sizeof(d), &shape));
	verify_bad(r, s, path, msg, AE_EVERIFY);
}

/* Says what a shipped "CTRF report" the counter refused looks like
 * instead, re-read (bounded) only for the message: the verdict is
 * already INVALID. */
static void verify_not_ctrf(verify_run *r, ev__step *s, const char *path,
			    const char *why)
{
	ae_buf b = AE_BUF_INIT(EV_CTRF_MAX_BYTES);
	ae_err e = {0};
	ev__shape shape;
	char d[AE_REPR_BUF + 64], msg[AE_ERR_MSG_MAX + AE_REPR_BUF + 80];
	ev__shape_is is = EV__SHAPE_UNKNOWN;

	if (ev__src_read(&b, &r->src, path, EV_CTRF_MAX_BYTES, &e) == 0)
		is = verify_shape_of(&shape, &b);
	ae_buf_dispose(&b);
	if (is != EV__SHAPE_UNKNOWN && is != EV__SHAPE_CTRF) {
		snprintf(msg, sizeof(msg), "%s: looks like %s", why,
			 ev__shape_describe(d, sizeof(d), &shape));
		verify_bad(r, s, path, msg, AE_EVERIFY);
	} else {
		verify_bad(r, s, path, why, AE_EVERIFY);
	}
}

#define VERIFY_CHUNK (64u << 10) /* bytes read per step of a CTRF file */

/* Hashes the file `f` to its end and counts the tests of the CTRF report
 * it holds, from the same bytes (one read: the file cannot change between
 * the two). AE_EINVAL (the hash still set) when it is not a CTRF report;
 * AE_EIO or AE_ETRANSIENT on a read error. */
static int verify_hash_count(unsigned char sha[AE_SHA256_LEN],
			     ev__phase *counts, ev__src_file *f, ae_err *err)
{
	ae_sha256_ctx *c = NULL;
	ev__ctrf_counter *cc = NULL;
	unsigned char *chunk = malloc(VERIFY_CHUNK);
	int rc = chunk == NULL ? ae_fail(err, AE_ERR, "out of memory") : 0;

	if (rc == 0)
		rc = ae_sha256_new(&c, err);
	if (rc == 0)
		rc = ev__ctrf_counter_new(&cc, err);
	while (rc == 0) {
		const unsigned char *piece = NULL;
		size_t n = 0;
		rc = ev__src_next(&piece, &n, chunk, VERIFY_CHUNK, f, err);
		if (rc < 0 || n == 0)
			break;
		ae_sha256_update(c, piece, n);
		ev__ctrf_counter_feed(cc, piece, n);
	}
	if (rc == 0)
		ae_sha256_final(c, sha);
	if (rc == 0)
		rc = ev__ctrf_counter_finish(counts, cc, err);
	ev__ctrf_counter_free(cc);
	ae_sha256_free(c);
	free(chunk);
	return rc;
}

/* The predicate's counts of a phase must be those of its report's tests
 * (issue 24 item 1): whoever made the bundle, "0 failed" over a failed
 * test is refused. pending and other absent from the predicate (the
 * reference's predicate never has them) read as 0. */
static void verify_phase_counts(verify_run *r, ev__step *s, const char *path,
				const char *phase, const json_t *ph,
				const ev__phase *tests)
{
	static const char *const keys[] = {"passed", "failed", "skipped",
					   "pending", "other"};
	const int64_t have[] = {tests->passed, tests->failed, tests->skipped,
				tests->pending, tests->other};

	for (size_t i = 0; i < 5; i++) {
		const json_t *v = json_object_get(ph, keys[i]);
		/* pending and other absent read as 0, as the reference's
		 * decoder reads them: a report holding such tests disagrees */
		bool absent0 = v == NULL && i >= 3;
		long long said = absent0	      ? 0
				 : json_is_integer(v) ? json_integer_value(v)
						      : -1LL;
		char why[192];
		if ((absent0 || json_is_integer(v)) && said == have[i])
			continue;
		snprintf(why, sizeof(why),
			 "counts differ from the report's tests: phase %s: "
			 "the predicate says %lld %s, the tests %lld",
			 phase, said, keys[i], (long long)have[i]);
		verify_bad(r, s, path, why, AE_EVERIFY);
		return;
	}
}

/* predicate.phases: known phases whose ctrfDigest matches the file. */
static void verify_phases(verify_run *r, ev__step *s, const ev__mfile *files,
			  size_t n)
{
	const json_t *phases = json_object_get(r->pred, "phases");
	const char *k;
	json_t *ph;

	json_object_foreach((json_t *)phases, k, ph)
	{
		const char *want =
			json_string_value(json_object_get(ph, "ctrfDigest"));
		unsigned char sha[AE_SHA256_LEN];
		char path[64], got[AE_DIGEST_STR_LEN];
		ae_err err = {0};
		ev__phase counts;
		ev__src_file fh = {.fd = -1};
		int rc;

		if (ev__phase_index(k) < 0) {
			verify_bad(r, s, k, "unknown phase", AE_EVERIFY);
			continue;
		}
		snprintf(path, sizeof(path), "ctrf/%s.json", k);
		if (want == NULL || want[0] == '\0') {
			verify_bad(r, s, path, "no ctrfDigest", AE_EVERIFY);
			continue;
		}
		bool not_ctrf = false;
		const ev__mfile *listed = verify_entry_of(files, n, path);
		rc = ev__src_open(&fh, &r->src, path, &err);
		if (rc == 0 && (listed == NULL || fh.size != listed->size)) {
			/* unlisted or the wrong size: already refused by the
			 * inventory, not read (it may be any size) */
			ev__src_close(&fh);
			if (listed == NULL)
				verify_bad(r, s, path, "not in manifest.json",
					   AE_EVERIFY);
			continue;
		}
		if (rc == 0) {
			rc = verify_hash_count(sha, &counts, &fh, &err);
			/* the hash is set: the digest is judged first */
			not_ctrf = rc == AE_EINVAL;
			rc = not_ctrf ? 0 : rc;
		}
		ev__src_close(&fh);
		if (rc < 0) {
			verify_bad(r, s, path,
				   rc == AE_ENOTFOUND ? "missing" : err.msg,
				   rc);
			continue;
		}
		ae_digest_format(got, sha);
		if (strcmp(got, want) != 0)
			verify_bad(r, s, path, "ctrfDigest mismatch",
				   AE_EVERIFY);
		else if (not_ctrf)
			verify_not_ctrf(r, s, path, err.msg);
		else
			verify_phase_counts(r, s, path, k, ph, &counts);
	}
}

/* Every file under ctrf/ in the manifest is the report of a phase the
 * predicate counts, named exactly ctrf/<phase>.json: a shipped report the
 * verdict does not count (ctrf/conformance.json with no conformance phase,
 * ctrf/Deployment.json, ctrf/x/deployment.json) is refused by name. */
static void verify_ctrf_counted(verify_run *r, ev__step *s,
				const ev__mfile *files, size_t n)
{
	const json_t *phases = json_object_get(r->pred, "phases");

	for (size_t i = 0; i < n; i++) {
		const char *p = files[i].path;
		size_t len = strlen(p);
		char phase[64];
		if (strncmp(p, "ctrf/", 5) != 0)
			continue;
		if (len > 10 && len - 10 < sizeof(phase) &&
		    strcmp(p + len - 5, ".json") == 0) {
			memcpy(phase, p + 5, len - 10);
			phase[len - 10] = '\0';
			if (strchr(phase, '/') == NULL &&
			    json_object_get(phases, phase) != NULL)
				continue;
		}
		verify_bad(r, s, p,
			   "a phase report the predicate does not count (no "
			   "such phase in predicate.phases)",
			   AE_EVERIFY);
	}
}

/* predicate.bom.digest names the shipped bom.cdx.json: the manifest entry
 * (whose bytes verify_entry has just hashed) must carry that digest. A
 * predicate without a bom block (v1/v2 may have none) claims nothing. */
static void verify_bom(verify_run *r, ev__step *s, const ev__mfile *files,
		       size_t n)
{
	const json_t *bom = json_object_get(r->pred, "bom");
	const json_t *dig = json_object_get(bom, "digest");
	const ev__mfile *e = verify_entry_of(files, n, "bom.cdx.json");

	if (bom == NULL || json_is_null(bom))
		return;
	if (!json_is_object(bom) || !json_is_string(dig) ||
	    !ae_digest_is_valid(json_string_value(dig))) {
		verify_bad(r, s, "predicate.bom",
			   "no digest (sha256:<hex>) for bom.cdx.json",
			   AE_EVERIFY);
		return;
	}
	if (e == NULL)
		verify_bad(r, s, "bom.cdx.json",
			   "missing: predicate.bom.digest names one",
			   AE_EVERIFY);
	else if (strcmp(e->sha256, json_string_value(dig)) != 0)
		verify_bad(r, s, "bom.cdx.json",
			   "digest differs from predicate.bom.digest",
			   AE_EVERIFY);
}

/* The predicate's profile block against the recipe's selectedProfile
 * (reference identity.go checkPredicateProfileBinding): present exactly
 * when the recipe is profiled, the same selection and advertiser, and the
 * policy descriptor identity recomputed from the recipe now. A recorded
 * identity that differs is the reference's "historical-only" verdict: the
 * evidence was signed under another descriptor and must be regenerated. */
static void verify_profile(verify_run *r, ev__step *s, const ev_recipe_id *id)
{
	const json_t *prof = json_object_get(r->pred, "profile");
	const char *sel, *adv, *pid;
	char msg[512];

	if (json_is_null(prof))
		prof = NULL;
	sel = json_string_value(json_object_get(prof, "selection"));
	adv = json_string_value(json_object_get(prof, "advertiser"));
	pid = json_string_value(
		json_object_get(prof, "policyDescriptorIdentity"));
	if (prof == NULL && !id->profiled)
		return;
	if (prof == NULL) {
		snprintf(msg, sizeof(msg),
			 "bundle recipe carries selectedProfile %s but the "
			 "predicate has no profile block",
			 id->selection);
		verify_bad(r, s, "profile", msg, AE_EVERIFY);
		return;
	}
	if (!id->profiled) {
		snprintf(msg, sizeof(msg),
			 "predicate carries a profile block but the bundle "
			 "recipe is unprofiled");
		verify_bad(r, s, "profile", msg, AE_EVERIFY);
		return;
	}
	if (sel == NULL || strcmp(sel, id->selection) != 0) {
		snprintf(msg, sizeof(msg),
			 "predicate profile selection does not match the "
			 "bundle recipe's selection (%s)",
			 id->selection);
		verify_bad(r, s, "profile.selection", msg, AE_EVERIFY);
	}
	if (strcmp(adv != NULL ? adv : "", id->advertiser) != 0) {
		snprintf(msg, sizeof(msg),
			 "predicate profile advertiser does not match the "
			 "bundle recipe's advertiser \"%s\"",
			 id->advertiser);
		verify_bad(r, s, "profile.advertiser", msg, AE_EVERIFY);
	}
	if (pid == NULL || strcmp(pid, id->identity) != 0) {
		char rr[AE_REPR_BUF];
		snprintf(msg, sizeof(msg),
			 "profiled evidence records policy-descriptor identity "
			 "%s, which differs from the recipe-scoped identity "
			 "recomputed from the bundle recipe (%s): the evidence "
			 "is historical-only; regenerate and re-sign it "
			 "(ADR-015 descriptor-currentness)",
			 pid != NULL && ae_is_lower_hex(pid, AE_SHA256_HEX_LEN)
				 ? pid
				 : ae_repr(rr, sizeof(rr), pid ? pid : "",
					   pid ? strlen(pid) : 0),
			 id->identity);
		verify_bad(r, s, "profile.policyDescriptorIdentity", msg,
			   AE_EVERIFY);
	}
}

/* predicate.recipe against the recipe bytes captured by verify_entry. */
static void verify_recipe(verify_run *r, ev__step *s)
{
	const json_t *rec = json_object_get(r->pred, "recipe");
	const char *pname = json_string_value(json_object_get(rec, "name"));
	char hex[AE_SHA256_HEX_LEN + 1];
	ev_recipe_id id;
	ae_err err = {0};

	if (!r->recipe_captured) {
		/* Fail closed: identity is never checked on bytes read
		 * outside the manifest pass. */
		verify_bad(r, s, "recipe.yaml", "not in manifest.json",
			   AE_EVERIFY);
		return;
	}
	if (ev_recipe_identify(&id, r->recipe.data, r->recipe.len, &err) < 0) {
		verify_bad(r, s, "recipe.yaml", err.msg, AE_EVERIFY);
		return;
	}
	/* A recipe without criteria derives no name in the reference, which
	 * then compares none (identity.go); the digest still binds it. */
	if (id.has_criteria && strcmp(id.name, pname) != 0)
		verify_bad(r, s, "recipe.yaml", "recipe name mismatch",
			   AE_EVERIFY);
	if (ev_recipe_digest(hex, r->recipe.data, r->recipe.len, r->pred_type,
			     &err) < 0)
		verify_bad(r, s, "recipe.yaml", err.msg, AE_EVERIFY);
	else if (strcmp(hex,
			json_string_value(json_object_get(rec, "digest"))) != 0)
		verify_bad(r, s, "recipe.yaml", "recipe digest mismatch",
			   AE_EVERIFY);
	verify_profile(r, s, &id);
}

/* The tree must be the artifact the pointer pins: its artifact digest
 * (pulled by that digest, or packed by the caller from a local copy)
 * equals bundle.digest. A signed bundle is also held to it through the
 * statement subject; this catches an unsigned one. */
static void verify_pointer_digest(verify_run *r, ev__step *s)
{
	const ev_pointer_claim *p = r->o->pointer;
	const char *have = r->o->artifact_digest;

	if (p == NULL || p->digest == NULL || p->digest[0] == '\0' ||
	    have == NULL || have[0] == '\0' || strcmp(p->digest, have) == 0)
		return;
	verify_bad(r, s, "bundle.digest",
		   "artifact digest mismatch: the bundle is not the artifact "
		   "the pointer names",
		   AE_EVERIFY);
}

/* Step 4: the inventory (reference §9.2 manifest-hash-check). */
static void verify_inventory(verify_run *r)
{
	ev__step *s = ev__step_begin(r->v, "manifest-hash-check");
	ev__mfile *files = NULL;
	size_t n = 0;

	if (!r->have_root || r->pred == NULL) {
		ev__step_status(s, "skipped", "no predicate to check against");
		return;
	}
	verify_pointer_digest(r, s);
	if (verify_manifest(r, s, &files, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		verify_entry(r, s, &files[i]);
	verify_strays(r, s, files, n);
	verify_phases(r, s, files, n);
	verify_ctrf_counted(r, s, files, n);
	verify_bom(r, s, files, n);
	if (r->recipe_captured)
		verify_shape(r, s, "recipe.yaml", &r->recipe, EV__SHAPE_RECIPE,
			     "a recipe");
	if (r->snapshot_captured)
		verify_shape(r, s, "snapshot.yaml", &r->snapshot,
			     EV__SHAPE_SNAPSHOT, "a snapshot");
	verify_recipe(r, s);
	ev__mfiles_free(files, n);
}

/* Step 5: informational (reference §9.2). */
static void verify_summary(verify_run *r)
{
	ev__step *s = ev__step_begin(r->v, "render-summary");
	const json_t *phases = json_object_get(r->pred, "phases");
	const char *k;
	json_t *ph;

	json_object_foreach((json_t *)phases, k, ph)
	{
		/* other (a crash, a timeout, an unknown status) fails a phase
		 * as failed does (reference §4.4 buckets it so) */
		bool failed =
			json_integer_value(json_object_get(ph, "failed")) > 0;
		bool other =
			json_integer_value(json_object_get(ph, "other")) > 0;
		if ((failed || other) && r->v->exit == EV_VERDICT_VALID) {
			r->v->exit = EV_VERDICT_PHASE_FAILED;
			ev__step_status(s, "passed",
					"a phase recorded failures");
			ev__step_row(s, k, failed ? "failed > 0" : "other > 0");
		}
	}
}

/* The trust set: --trusted-root alone when given (it replaces the
 * embedded public-good root, SPEC §4), else the root the caller has in
 * force (the TUF cache's, docs/trust.md), else the embedded root. An
 * unreadable root is an operator error. */
int ev_verify_trust_new(ev_trust **out, const ev_verify_opts *o, ae_err *err)
{
	ae_buf b;
	int rc;

	if (o->trusted_root == NULL && o->trusted_root_json != NULL)
		return ev_trust_new_json(out, o->trusted_root_json,
					 o->trusted_root_json_len, err);
	if (o->trusted_root == NULL)
		return ev_trust_new_default(out, err);
	rc = ae_read_file(&b, AT_FDCWD, o->trusted_root,
			  EV_TRUSTED_ROOT_MAX_BYTES, err);
	if (rc == 0) {
		rc = ev_trust_new_json(out, b.data, b.len, err);
		ae_buf_dispose(&b);
	}
	return rc;
}

/* Copies the pointer's claims into the report (claimed, never verified). */
static int verify_pointer_json(ev_verdict *v, const ev_pointer_claim *p)
{
	json_t *att, *o;

	att = json_pack("{s{ssssss}}", "bundle", "oci", p->oci ? p->oci : "",
			"digest", p->digest ? p->digest : "", "predicateType",
			p->predicate_type ? p->predicate_type : "");
	if (att != NULL && p->attested_at)
		json_object_set_new(att, "attestedAt",
				    json_string(p->attested_at));
	if (att != NULL && p->has_signer) {
		json_t *sg = json_pack("{ssss}", "identity", p->signer_identity,
				       "issuer", p->signer_issuer);
		if (sg != NULL && p->has_rekor_index)
			json_object_set_new(sg, "rekorLogIndex",
					    json_integer(p->rekor_index));
		json_object_set_new(att, "signer", sg);
	}
	o = json_pack("{ssssso}", "schemaVersion", "1.0.0", "recipe",
		      p->recipe ? p->recipe : "", "attestations",
		      json_pack("[o]", att));
	if (o != NULL && p->profile)
		json_object_set_new(o, "profile", json_string(p->profile));
	v->pointer = o;
	v->signer_claimed = p->has_signer;
	v->claimed_identity = p->signer_identity;
	v->claimed_issuer = p->signer_issuer;
	if (p->digest != NULL && p->digest[0] != '\0')
		v->bundle_digest = strdup(p->digest);
	return o == NULL ? AE_ERR : 0;
}

int ev_evidence_verify(ev_verdict **out, const ev_verify_opts *opts,
		       ae_err *err)
{
	static const char *const inputs[] = {"dir", "pointer", "oci"};
	verify_run r;
	ev_verdict *v;
	int rc;

	*out = NULL;
	AE_ASSERT_ARG(opts != NULL &&
			      (opts->dir != NULL || opts->tree != NULL ||
			       opts->fetch_rc < 0),
		      err);
	v = calloc(1, sizeof(*v));
	if (v == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	ev__verdict_init(v);
	memset(&r, 0, sizeof(r));
	r.o = opts;
	r.v = v;
	r.src.dirfd = -1;
	ae_buf_init(&r.recipe, EV_RECIPE_MAX_BYTES);
	ae_buf_init(&r.snapshot, EV_SNAPSHOT_MAX_BYTES);
	v->input = strdup(inputs[opts->input_kind]);
	/* An OCI input's bundle is the artifact pulled by digest. */
	if (opts->pointer == NULL && opts->input_kind == EV_INPUT_OCI &&
	    opts->artifact_digest != NULL && v->input != NULL) {
		v->bundle_digest = strdup(opts->artifact_digest);
		if (v->bundle_digest == NULL) {
			free(v->input);
			v->input = NULL;
		}
	}
	if (v->input == NULL ||
	    (opts->pointer && verify_pointer_json(v, opts->pointer) < 0)) {
		ev_verdict_free(v);
		return ae_fail(err, AE_ERR, "out of memory");
	}
	r.trust = opts->trust;
	rc = r.trust ? 0 : ev_verify_trust_new(&r.own_trust, opts, err);
	if (r.trust == NULL)
		r.trust = r.own_trust;
	if (rc < 0) {
		ev_verdict_free(v);
		ae_buf_dispose(&r.recipe);
		ae_buf_dispose(&r.snapshot);
		return rc;
	}
	verify_materialize(&r);
	verify_signature(&r);
	verify_predicate(&r);
	verify_inventory(&r);
	verify_summary(&r);
	if (r.src.dirfd >= 0)
		close(r.src.dirfd);
	json_decref(r.statement);
	ae_buf_dispose(&r.recipe);
	ae_buf_dispose(&r.snapshot);
	ev_trust_free(r.own_trust);
	free(r.payload);
	*out = v;
	return 0;
}
