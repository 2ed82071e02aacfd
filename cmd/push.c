/* cmd/push.c -- `aicr-evidence push OUT --to REF`: the push leg
 *
 * Packs OUT/summary-bundle into the deterministic artifact (SPEC §3), pushes
 * it, and pushes OUT/summary-bundle/attestation.intoto.jsonl, when present,
 * as its signature referrer. The digest is known before the first request,
 * so a REF carrying @sha256:... must match it (a pointer signed offline
 * names it). Without a tag in REF the tag is the one OUT/pointer.yaml
 * names for this artifact in the repository, else `<recipe>-<32 hex of the
 * artifact digest>` (oci_tag_derive: the recipe name the bundle's predicate
 * records, never free text), the rule sign and emit use too, so the pointer
 * names the tag that was pushed and different artifacts never share a
 * tag.
 */
#include "cmd/cmd.h"
#include "ledger/ledger.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

/* The tag OUT/pointer.yaml names for REF's repository when it is this
 * artifact's pointer (its bundle.digest is `digest`), "" otherwise. A
 * pointer that is there but unreadable fails: it is not silently skipped. */
static int push_pointer_tag(char tag[129], const char *outdir,
			    const oci_ref *ref, const char *digest, ae_err *err)
{
	char path[4200];
	ld_pointer *p = NULL;
	oci_ref named;
	ae_err ignore = {0};
	int rc;

	tag[0] = '\0';
	snprintf(path, sizeof(path), "%s/pointer.yaml", outdir);
	rc = ld_pointer_read(&p, AT_FDCWD, path, err);
	if (rc == AE_ENOTFOUND) {
		ae_err_clear(err);
		return 0;
	}
	if (rc < 0)
		return rc;
	if (strcmp(ld_pointer_bundle_digest(p), digest) == 0 &&
	    oci_ref_parse(&named, ld_pointer_bundle_oci(p), &ignore) == 0 &&
	    strcmp(named.registry, ref->registry) == 0 &&
	    strcmp(named.repo, ref->repo) == 0)
		memcpy(tag, named.tag, sizeof(named.tag));
	ld_pointer_free(p);
	return 0;
}

/* The tag to push under (issue 24 item 7, issue 20 item 5): REF's, else
 * the one OUT/pointer.yaml names for this artifact in this repository
 * (what sign or emit recorded, even under a tag of their REF), else the
 * one rule of ld_bundle_tag over the artifact digest -- which is what
 * sign and emit derive too. Without a tag in REF the artifact is hashed
 * first, so its digest is known here. */
static int push_tag(char tag[129], const char *outdir, const oci_ref *ref,
		    const char *bundle, const oci_artifact *art, ae_err *err)
{
	int rc;

	if (ref->tag[0] != '\0') {
		memcpy(tag, ref->tag, sizeof(ref->tag));
		return 0;
	}
	rc = push_pointer_tag(tag, outdir, ref, art->manifest_digest, err);
	if (rc < 0 || tag[0] != '\0')
		return rc;
	return ld_bundle_tag(tag, ref, bundle, art->manifest_digest, err);
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

static int push_report(const push_args *a, const cmd_pushed *r, ae_err *err)
{
	cmd_output o;

	cmd_output_init(&o, a->output);
	if (strcmp(a->format, "json") == 0)
		cmd_output_printf(&o,
				  "{\"reference\":\"%s@%s\","
				  "\"digest\":\"%s\",\"tag\":\"%s\","
				  "\"size\":%zu,\"referrer\":%s%s%s}\n",
				  r->tagged, r->digest, r->digest, r->tag,
				  r->size, r->referrer[0] ? "\"" : "",
				  r->referrer[0] ? r->referrer : "null",
				  r->referrer[0] ? "\"" : "");
	else
		cmd_push_print_text(&o, r);
	return cmd_output_close(&o, err);
}

void cmd_push_print_text(cmd_output *o, const cmd_pushed *r)
{
	cmd_esc_set e = {0};

	cmd_output_printf(o, "pushed %s@%s\n%s%s%s", cmd_esc(&e, r->tagged),
			  r->digest,
			  r->referrer[0] ? "signature referrer " : "",
			  r->referrer, r->referrer[0] ? "\n" : "");
	cmd_esc_free(&e);
}

int cmd_push_bundle(cmd_pushed *out, const char *dir, const char *to,
		    const cmd_registry_flags *reg, ae_err *err)
{
	oci_ref ref;
	oci_artifact *art = NULL;
	oci_client *c = NULL;
	char *bundle = out->bundle;
	int rc;

	memset(out, 0, sizeof(*out));
	out->what = to;
	rc = oci_ref_parse(&ref, to, err);
	if (rc < 0)
		return rc;
	push_bundle_dir(bundle, sizeof(out->bundle), dir);
	out->what = bundle;
	/* A REF pinned by digest, or one without a tag (the tag is derived
	 * from the digest), needs the digest before the upload; otherwise the
	 * layer is hashed as it goes up (one read, not two). */
	rc = ref.digest[0] || !ref.tag[0]
		     ? oci_artifact_build(&art, bundle, err)
		     : oci_artifact_open(&art, bundle, err);
	if (rc < 0)
		goto done;
	out->what = to;
	if (ref.digest[0] && strcmp(ref.digest, art->manifest_digest) != 0) {
		rc = ae_fail(err, AE_EVERIFY,
			     "the bundle packs to %s, not the digest in the "
			     "reference",
			     art->manifest_digest);
		goto done;
	}
	rc = push_tag(out->tag, dir, &ref, bundle, art, err);
	if (rc == 0)
		rc = cmd_registry_client(&c, &ref, reg, true, err);
	if (rc == 0)
		rc = oci_artifact_push(c, art, out->tag, err);
	if (rc == 0)
		rc = push_referrer(out->referrer, c, bundle, art, err);
	if (rc == 0) {
		snprintf(out->digest, sizeof(out->digest), "%s",
			 art->manifest_digest);
		snprintf(out->tagged, sizeof(out->tagged), "%s/%s:%s",
			 ref.registry, ref.repo, out->tag);
		out->size = art->manifest_len;
	}
done:
	oci_client_free(c);
	oci_artifact_free(art);
	return rc;
}

int cmd_push(int argc, char **argv)
{
	push_args a = {.format = "text"};
	cmd_pushed r;
	oci_ref ref;
	ae_err err = {0};
	int rc, usage;

	usage = push_parse(&a, argc, argv);
	if (usage != 0)
		return usage;
	if (oci_ref_parse(&ref, a.to, &err) < 0)
		return cmd_usage_error("push", "--to: %s", err.msg);
	rc = cmd_push_bundle(&r, a.out, a.to, &a.reg, &err);
	if (rc == 0)
		rc = push_report(&a, &r, &err);
	if (rc < 0)
		cmd_error(r.what, &err);
	return cmd_exit_code(rc < 0 ? cmd_outcome_from_rc(rc) : CMD_OK);
}
