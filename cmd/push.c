/* cmd/push.c -- `aicr-evidence push OUT --to REF`: the push leg
 *
 * Packs OUT/summary-bundle into the deterministic artifact (SPEC §3), pushes
 * it, and pushes OUT/summary-bundle/attestation.intoto.jsonl, when present,
 * as its signature referrer. The digest is known before the first request,
 * so a REF carrying @sha256:... must match it (a pointer signed offline
 * names it). Without a tag in REF the tag is `<recipe>-<12 hex>` (reference
 * §8.1: recipe from OUT/pointer.yaml or recipe.yaml, hex from the
 * manifest.json digest), so pushes of different bundles never collide.
 */
#include "cmd/cmd.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PUSH_YAML_MAX	    (1u << 20) /* pointer.yaml / recipe.yaml (ref §0) */
#define PUSH_TAG_RECIPE_MAX 80	       /* reference §8.1 */

static void push_usage(FILE *f)
{
	fputs("usage: aicr-evidence push OUT --to REF [--format text|json] "
	      "[-o FILE] [registry flags]\n\n"
	      "Push OUT/summary-bundle as an OCI artifact (by digest) and its\n"
	      "attestation.intoto.jsonl as the signature referrer.\n"
	      "REF is [oci://]registry[:port]/repo[:tag][@sha256:...]; without "
	      "a tag\nthe tag <recipe>-<12 hex> is used.\n\n",
	      f);
	cmd_registry_help(f);
}

/* The bundle directory: OUT/summary-bundle, or OUT itself when it holds
 * recipe.yaml (reference §5.2 markers). */
static int push_bundle_dir(char *out, size_t outsz, const char *dir)
{
	struct stat st;

	snprintf(out, outsz, "%s/summary-bundle", dir);
	if (lstat(out, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	snprintf(out, outsz, "%s", dir);
	return 0;
}

/* Reads a scalar at `key` (or `a.b`) of a YAML file; "" if the file or the
 * key is absent. A file that is there but cannot be read (a symlink, a
 * FIFO, over the cap) or parsed fails: it is not silently skipped. */
static int push_yaml_get(char *out, size_t outsz, const char *path,
			 const char *k1, const char *k2, ae_err *err)
{
	ae_buf b = AE_BUF_INIT(PUSH_YAML_MAX);
	ae_yaml_node *root = NULL;
	const ae_yaml_node *n;
	int rc;

	out[0] = '\0';
	rc = ae_read_file(&b, AT_FDCWD, path, PUSH_YAML_MAX, err);
	if (rc == AE_ENOTFOUND) {
		ae_err_clear(err);
		return 0;
	}
	if (rc == 0 && ae_yaml_parse(&root, b.data, b.len, err) < 0) {
		char r[AE_REPR_BUF];
		ae_err inner = *err;
		ae_err_clear(err);
		rc = ae_fail(err, inner.code, "%s: %s",
			     ae_repr(r, sizeof(r), path, strlen(path)),
			     inner.msg);
	}
	if (rc < 0)
		goto done;
	n = ae_yaml_map_get(root, k1);
	if (k2 != NULL)
		n = ae_yaml_map_get(n, k2);
	if (n != NULL && n->kind == AE_YAML_SCALAR)
		snprintf(out, outsz, "%s", n->scalar);
done:
	ae_yaml_free(root);
	ae_buf_dispose(&b);
	return rc;
}

/* Derives `<recipe>-<12 hex>`: recipe cut to the tag alphabet. Fails only
 * when pointer.yaml or recipe.yaml is there but unreadable. */
static int push_derive_tag(char out[129], const char *outdir,
			   const char *bundle, ae_err *err)
{
	char path[4200], recipe[256], hex[AE_SHA256_HEX_LEN + 1];
	unsigned char sha[AE_SHA256_LEN];
	ae_buf b = AE_BUF_INIT(PUSH_YAML_MAX);
	size_t k = 0;
	int rc;

	snprintf(path, sizeof(path), "%s/pointer.yaml", outdir);
	rc = push_yaml_get(recipe, sizeof(recipe), path, "recipe", NULL, err);
	if (rc == 0 && recipe[0] == '\0') {
		snprintf(path, sizeof(path), "%s/recipe.yaml", bundle);
		rc = push_yaml_get(recipe, sizeof(recipe), path, "metadata",
				   "name", err);
	}
	if (rc < 0)
		return rc;
	for (size_t i = 0; recipe[i] && k < PUSH_TAG_RECIPE_MAX; i++) {
		char ch = recipe[i];
		bool ok = (ch >= 'a' && ch <= 'z') ||
			  (ch >= 'A' && ch <= 'Z') ||
			  (ch >= '0' && ch <= '9') || ch == '_' ||
			  (k > 0 && (ch == '.' || ch == '-'));
		out[k++] = ok ? ch : '-';
	}
	if (k == 0) {
		memcpy(out, "evidence", 8);
		k = 8;
	}
	snprintf(path, sizeof(path), "%s/manifest.json", bundle);
	memset(sha, 0, sizeof(sha));
	rc = ae_read_file(&b, AT_FDCWD, path, PUSH_YAML_MAX, err);
	if (rc == 0)
		ae_sha256(sha, b.data ? b.data : (const unsigned char *)"",
			  b.len);
	if (rc == AE_ENOTFOUND) { /* no manifest: the hex of nothing */
		ae_err_clear(err);
		rc = 0;
	}
	ae_hex_encode(hex, sha, sizeof(sha));
	snprintf(out + k, 129 - k, "-%.12s", hex);
	ae_buf_dispose(&b);
	return rc;
}

typedef struct push_args {
	const char *out;
	const char *to;
	const char *format;
	const char *output;
	cmd_registry_flags reg;
} push_args;

static int push_parse(push_args *a, int argc, char **argv)
{
	const cmd_flag valued[] = {
		{"--to", &a->to},
		{"--format", &a->format},
		{"-o", &a->output},
		{NULL, NULL},
	};

	for (int i = 1; i < argc; i++) {
		int r = cmd_registry_flag(&a->reg, argc, argv, &i);
		if (r == 0)
			r = cmd_flag_take(valued, argc, argv, &i);
		if (r < 0)
			return cmd_usage_error("push", "%s needs a value",
					       argv[i]);
		if (r > 0)
			continue;
		if (argv[i][0] == '-')
			return cmd_usage_error("push", "unknown flag '%s'",
					       argv[i]);
		else if (a->out == NULL)
			a->out = argv[i];
		else
			return cmd_usage_error("push",
					       "one OUT directory only");
	}
	if (a->out == NULL || a->to == NULL)
		return cmd_usage_error("push", "push needs OUT and --to REF");
	if (strcmp(a->format, "text") != 0 && strcmp(a->format, "json") != 0)
		return cmd_usage_error("push", "--format is text or json");
	return cmd_registry_check(&a->reg, "push");
}

/* Pushes the attestation, if any, as the referrer. */
static int push_referrer(char digest[AE_DIGEST_STR_LEN], oci_client *c,
			 const char *bundle, const oci_artifact *art,
			 ae_err *err)
{
	char path[4200];
	ae_buf b = AE_BUF_INIT(OCI_REFERRER_LAYER_MAX);
	int rc;

	digest[0] = '\0';
	snprintf(path, sizeof(path), "%s/%s", bundle, OCI_ATTESTATION_FILE);
	rc = ae_read_file(&b, AT_FDCWD, path, OCI_REFERRER_LAYER_MAX, err);
	if (rc == AE_ENOTFOUND) {
		ae_err_clear(err);
		return 0;
	}
	if (rc == 0)
		rc = oci_referrer_push(digest, c, art->manifest_digest,
				       art->manifest_len, b.data, b.len, err);
	ae_buf_dispose(&b);
	return rc;
}

static int push_report(const push_args *a, const oci_ref *ref, const char *tag,
		       const oci_artifact *art, const char *referrer,
		       ae_err *err)
{
	cmd_esc_set e = {0};
	cmd_output o;

	cmd_output_init(&o, a->output);
	if (strcmp(a->format, "json") == 0)
		cmd_output_printf(&o,
				  "{\"reference\":\"%s/%s:%s@%s\","
				  "\"digest\":\"%s\",\"tag\":\"%s\","
				  "\"size\":%zu,\"referrer\":%s%s%s}\n",
				  ref->registry, ref->repo, tag,
				  art->manifest_digest, art->manifest_digest,
				  tag, art->manifest_len,
				  referrer[0] ? "\"" : "",
				  referrer[0] ? referrer : "null",
				  referrer[0] ? "\"" : "");
	else
		cmd_output_printf(&o, "pushed %s/%s:%s@%s\n%s%s%s",
				  cmd_esc(&e, ref->registry),
				  cmd_esc(&e, ref->repo), cmd_esc(&e, tag),
				  art->manifest_digest,
				  referrer[0] ? "signature referrer " : "",
				  referrer, referrer[0] ? "\n" : "");
	cmd_esc_free(&e);
	return cmd_output_close(&o, err);
}

int cmd_push(int argc, char **argv)
{
	push_args a = {.format = "text"};
	oci_ref ref;
	oci_artifact *art = NULL;
	oci_client *c = NULL;
	ae_err err = {0};
	char bundle[4096], tag[129], referrer[AE_DIGEST_STR_LEN] = "";
	const char *what = NULL;
	int rc, usage;

	if (cmd_wants_help(argc, argv)) {
		push_usage(stdout);
		return cmd_exit_code(CMD_OK);
	}
	usage = push_parse(&a, argc, argv);
	if (usage != 0)
		return usage;
	if (oci_ref_parse(&ref, a.to, &err) < 0)
		return cmd_usage_error("push", "--to: %s", err.msg);
	push_bundle_dir(bundle, sizeof(bundle), a.out);
	what = bundle;
	/* Only a REF pinned by digest needs the digest before the upload;
	 * otherwise the layer is hashed as it goes up (one read, not two). */
	rc = ref.digest[0] ? oci_artifact_build(&art, bundle, &err)
			   : oci_artifact_open(&art, bundle, &err);
	if (rc < 0)
		goto done;
	what = a.to;
	if (ref.digest[0] && strcmp(ref.digest, art->manifest_digest) != 0) {
		rc = ae_fail(&err, AE_EVERIFY,
			     "the bundle packs to %s, not the digest in the "
			     "reference",
			     art->manifest_digest);
		goto done;
	}
	if (ref.tag[0])
		snprintf(tag, sizeof(tag), "%s", ref.tag);
	else
		rc = push_derive_tag(tag, a.out, bundle, &err);
	if (rc == 0)
		rc = cmd_registry_client(&c, &ref, &a.reg, true, &err);
	if (rc == 0)
		rc = oci_artifact_push(c, art, tag, &err);
	if (rc == 0)
		rc = push_referrer(referrer, c, bundle, art, &err);
	if (rc == 0)
		rc = push_report(&a, &ref, tag, art, referrer, &err);
done:
	if (rc < 0)
		cmd_error(what, &err);
	oci_client_free(c);
	oci_artifact_free(art);
	return cmd_exit_code(rc < 0 ? cmd_outcome_from_rc(rc) : CMD_OK);
}
