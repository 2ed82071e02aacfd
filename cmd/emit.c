/* cmd/emit.c -- `aicr-evidence emit`: a validation run into a bundle
 *
 * Parses flags and refuses conflicts before any file is read (STYLE §3.6),
 * builds OUT/summary-bundle through ev_evidence_emit, then writes
 * OUT/pointer.yaml last, so a failure at any step leaves no pointer
 * (reference §7). Signing and pushing join here as their modules land.
 */
#include "cmd/cmd.h"
#include "evidence/evidence.h"
#include "ledger/ledger.h"
#include "oci/oci.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct emit_args {
	ev_emit_opts o;
	const char *policy;
	const char **ctrf;
	bool sign;
	const char *push;
	const char *ref;	/* --ref, or --push */
	cmd_registry_flags reg; /* forwarded to the push leg */
	cmd_sign_flags sf;
	const char *format; /* text (default) or json */
} emit_args;

/* Appends one CTRF argument; -1 out of memory. */
static int emit_add_ctrf(emit_args *a, const char *path)
{
	const char **g = realloc(a->ctrf, (a->o.nctrf + 1) * sizeof(*a->ctrf));

	if (g == NULL)
		return -1;
	a->ctrf = g;
	a->ctrf[a->o.nctrf++] = path;
	return 0;
}

/* Collects the CTRF arguments of argv[*i], "--ctrf" or "--ctrf=FILE": the
 * value after "=", then the arguments that follow up to the next flag; -1
 * when there is none (or out of memory). */
static int emit_take_ctrf(emit_args *a, int argc, char **argv, int *i)
{
	const char *eq = strchr(argv[*i], '=');
	int start = *i + 1;

	if (eq != NULL && emit_add_ctrf(a, eq + 1) < 0)
		return -1;
	if (eq == NULL && (start >= argc || argv[start][0] == '-'))
		return -1;
	for (int j = start; j < argc && argv[j][0] != '-'; j++) {
		if (emit_add_ctrf(a, argv[j]) < 0)
			return -1;
		*i = j;
	}
	return 0;
}

/* Sets the boolean flag f names; false when f is none of them. */
static bool emit_bool_flag(emit_args *a, const char *f)
{
	if (strcmp(f, "--full") == 0)
		a->o.full = true;
	else if (strcmp(f, "--allow-mutable-validator-tags") == 0)
		a->o.allow_mutable_validator_tags = true;
	else if (strcmp(f, "--no-sign") == 0)
		a->sign = false;
	else if (strcmp(f, "--sign") == 0)
		a->sign = true;
	else if (strcmp(f, "--strict") == 0)
		a->o.strict = true;
	else
		return false;
	return true;
}

/* Parses argv; returns 0 or the usage exit status. */
static int emit_parse(emit_args *a, int argc, char **argv)
{
	const cmd_flag valued[] = {
		{"--recipe", &a->o.recipe_path},
		{"--snapshot", &a->o.snapshot_path},
		{"--bom", &a->o.bom_path},
		{"--validator-catalog", &a->o.catalog_path},
		{"--profile", &a->o.profile},
		{"-o", &a->o.out_dir},
		{"--output", &a->o.out_dir},
		{"--push", &a->push},
		{"--ref", &a->ref},
		{"--policy", &a->policy},
		{"--format", &a->format},
		{NULL, NULL},
	};

	for (int i = 1; i < argc; i++) {
		const char *f = argv[i];
		int k = cmd_sign_flag(&a->sf, argc, argv, &i);
		if (k == 0)
			k = cmd_registry_flag(&a->reg, argc, argv, &i);
		if (k < 0)
			return cmd_usage_error("emit", "%s needs a value", f);
		if (k == 0)
			k = cmd_flag_take(valued, argc, argv, &i);
		if (k > 0 || (k == 0 && emit_bool_flag(a, f)))
			continue;
		if (k == 0 && (strcmp(f, "--ctrf") == 0 ||
			       strncmp(f, "--ctrf=", 7) == 0)) {
			if (emit_take_ctrf(a, argc, argv, &i) < 0)
				return cmd_usage_error("emit",
						       "--ctrf needs a file or "
						       "directory");
			continue;
		}
		return cmd_usage_error("emit",
				       "unknown or incomplete option '%s'", f);
	}
	if (a->o.recipe_path == NULL || a->o.snapshot_path == NULL ||
	    a->o.nctrf == 0 || a->o.out_dir == NULL)
		return cmd_usage_error("emit", "emit needs --recipe, "
					       "--snapshot, --ctrf and -o");
	if (strcmp(a->format, "text") != 0 && strcmp(a->format, "json") != 0)
		return cmd_usage_error("emit", "--format must be text or json");
	if (strcmp(a->format, "json") == 0 &&
	    !ae_utf8_valid(a->o.out_dir, strlen(a->o.out_dir)))
		return cmd_usage_error("emit", "--format json needs an output "
					       "path in UTF-8");
	if (a->policy != NULL && strcmp(a->policy, "minimal") == 0)
		a->o.policy = EV_REDACT_MINIMAL;
	else if (a->policy != NULL && strcmp(a->policy, "reference-v4") == 0)
		a->o.policy = EV_REDACT_REFERENCE_V4;
	else if (a->policy != NULL)
		return cmd_usage_error("emit",
				       "--policy is minimal or reference-v4");
	if (a->policy != NULL && a->o.full)
		return cmd_usage_error("emit", "--full ships raw files: it "
					       "takes no --policy");
	if (a->ref == NULL)
		a->ref = a->push;
	if (a->push != NULL && a->ref != a->push && strcmp(a->ref, a->push))
		return cmd_usage_error("emit", "--ref and --push disagree");
	if (a->sign && a->ref == NULL)
		return cmd_usage_error("emit",
				       "--sign needs the reference the bundle "
				       "goes to: --ref REF or --push REF");
	if (a->push == NULL &&
	    (a->reg.plain_http || a->reg.insecure_tls || a->reg.ca_file ||
	     a->reg.username || a->reg.password_stdin || a->reg.docker_config))
		return cmd_usage_error("emit",
				       "registry flags need --push REF");
	if (a->o.profile != NULL) {
		char pn[EV_PROFILE_PART_MAX + 1], pv[EV_PROFILE_PART_MAX + 1];
		if (!ev_profile_selection_parse(pn, pv, a->o.profile))
			return cmd_usage_error("emit",
					       "--profile must be NAME=VALUE, "
					       "each [A-Za-z0-9._-]+");
	}
	if (cmd_registry_check(&a->reg, "emit") != 0)
		return cmd_exit_code(CMD_USAGE);
	if (cmd_sign_flags_check(&a->sf, "emit") != 0)
		return cmd_exit_code(CMD_USAGE);
	a->o.ctrf_paths = a->ctrf;
	return 0;
}

/* attestedAt: SOURCE_DATE_EPOCH when set (reproducible builds), else now. */
static int emit_now(int64_t *out)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	char *end = NULL;
	long long v;

	if (s == NULL || *s == '\0') {
		*out = (int64_t)time(NULL);
		return 0;
	}
	v = strtoll(s, &end, 10);
	if (end == s || *end != '\0' || v < 0)
		return -1;
	*out = v;
	return 0;
}

/* Writes OUT/pointer.yaml through ledger/ (pointer V1, SPEC §3), last. */
static int emit_pointer(const char *out_dir, const ev_emit_result *r,
			const cmd_evidence_signed *oc, ld_pointer **p_out,
			ae_err *err)
{
	ld_pointer_fields f = LD_POINTER_FIELDS_INIT;
	char path[4096];
	int rc;

	f.recipe = r->recipe_name;
	if (r->profile[0] != '\0')
		f.profile = r->profile;
	f.bundle_oci = oc->oci;
	f.bundle_digest = oc->digest;
	f.predicate_type = EV_PREDICATE_V3;
	f.attested_at = r->attested_at;
	if (oc->signed_by != NULL) {
		ld_pointer_fields_signer(&f, oc->signed_by->identity,
					 oc->signed_by->issuer,
					 oc->signed_by->log_index);
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/pointer.yaml", out_dir) >=
	    sizeof(path))
		return ae_fail(err, AE_EINVAL, "output path too long");
	rc = ld_pointer_new(p_out, &f, err);
	if (rc == 0)
		rc = ld_pointer_create(AT_FDCWD, path, *p_out, err);
	return rc;
}

/* The push leg, as `push OUT --to REF [registry flags]` runs it
 * (cmd_push_bundle), with emit's registry flags (a password comes from
 * stdin) and one --timeout for the run: emit's signing flags take it
 * first. A transient failure stays transient (exit 3: retry later), as
 * push itself says. */
static int emit_push(cmd_pushed *out, const emit_args *a, const char *tagged,
		     ae_err *err)
{
	cmd_registry_flags r = a->reg;
	int rc;

	if (r.timeout == NULL && a->sf.timeout != NULL) {
		r.timeout = a->sf.timeout;
		if (cmd_registry_check(&r, "emit") != 0)
			return ae_fail(err, AE_EINVAL, "bad --timeout");
	}
	rc = cmd_push_bundle(out, a->o.out_dir, tagged, &r, err);
	if (rc < 0) {
		cmd_error(out->what, err); /* as push says it */
		ae_err_clear(err);
	}
	if (rc == AE_ETRANSIENT)
		return ae_fail(err, AE_ETRANSIENT,
			       "push to %s failed (transient: retry later)",
			       tagged);
	if (rc < 0)
		return ae_fail(err, AE_EIO, "push to %s failed", tagged);
	return 0;
}

/* What the user should know before publishing (stderr, not a failure):
 * recipe fields beyond the reference's schema go public with recipe.yaml
 * (issue 24 item 6), a report given twice was counted once. */
static void emit_notices(const emit_args *a, const ev_emit_result *r)
{
	if (r->nrecipe_extras > 0)
		fprintf(stderr,
			"aicr-evidence: warning: %s: %zu field(s) beyond the "
			"reference's recipe schema will be published with "
			"recipe.yaml: %s\n"
			"hint: remove them from the recipe, or emit with "
			"--strict to refuse such a recipe\n",
			a->o.recipe_path, r->nrecipe_extras, r->recipe_extras);
	if (r->ctrf_duplicates > 0)
		fprintf(stderr,
			"aicr-evidence: note: %zu CTRF report(s) given more "
			"than once were counted once\n",
			r->ctrf_duplicates);
}

/* Prints what was built and where the pointer goes (reference §1.4). */
static void emit_report(const emit_args *a, const ev_emit_result *r,
			const cmd_evidence_signed *oc, const ld_pointer *p)
{
	char *hint = NULL;
	bool is_path = false;
	cmd_esc_set e = {0};
	ae_err err = {0};

	printf("bundle:   %s/summary-bundle (%zu files, manifest %s)\n",
	       cmd_esc(&e, a->o.out_dir), r->file_count, r->manifest_digest);
	printf("recipe:   %s (digest %s)\n", cmd_esc(&e, r->recipe_name),
	       r->recipe_digest);
	if (r->profile[0] != '\0')
		printf("profile:  %s\n", cmd_esc(&e, r->profile));
	if (oc->signed_by != NULL)
		printf("signed:   %s (%s), rekor log index %lld [verified]\n",
		       cmd_esc(&e, oc->signed_by->identity),
		       cmd_esc(&e, oc->signed_by->issuer),
		       (long long)oc->signed_by->log_index);
	if (oc->digest[0] != '\0')
		printf("artifact: %s %s\n", cmd_esc(&e, oc->oci), oc->digest);
	printf("pointer:  %s/pointer.yaml%s\n", cmd_esc(&e, a->o.out_dir),
	       oc->signed_by ? "" : " (unsigned: pending signature)");
	cmd_esc_free(&e); /* its slots are few: start afresh */
	/* One workflow (issue 20 item 4): sign the deterministic artifact,
	 * push it, then commit the pointer where `pointer path` says. */
	if (oc->signed_by == NULL) {
		printf("next:     aicr-evidence sign %s --ref REGISTRY/REPO\n",
		       cmd_esc(&e, a->o.out_dir));
		printf("then:     aicr-evidence push %s --to REGISTRY/REPO\n",
		       cmd_esc(&e, a->o.out_dir));
		printf("then:     commit %s/pointer.yaml at the path "
		       "'aicr-evidence pointer path %s/pointer.yaml' prints\n",
		       cmd_esc(&e, a->o.out_dir), cmd_esc(&e, a->o.out_dir));
		cmd_esc_free(&e);
		return;
	}
	if (a->push == NULL && oc->oci[0] != '\0')
		printf("next:     aicr-evidence push %s --to %s\n",
		       cmd_esc(&e, a->o.out_dir), cmd_esc(&e, oc->oci));
	if (ld_pointer_copy_to_hint(&hint, &is_path, p, &err) == 0)
		printf("%s  %s\n",
		       is_path ? "copy to:" : "next:   ", cmd_esc(&e, hint));
	free(hint);
	cmd_esc_free(&e);
}

/* The --format json report (docs/cli.md): what was written, the digests,
 * the pointer and the next steps' commands, in the order of the text. */
static int emit_report_json(const emit_args *a, const ev_emit_result *r,
			    const cmd_evidence_signed *oc,
			    const cmd_pushed *pushed, const ld_pointer *p)
{
	char sb[4200], ptr[4200], att[4300];
	char *out = cmd_shell_word(a->o.out_dir);
	char *place = NULL;
	ae_err err = {0};
	json_t *written, *next = json_array(), *root;
	int rc = 0;

	snprintf(sb, sizeof(sb), "%s/summary-bundle", a->o.out_dir);
	snprintf(ptr, sizeof(ptr), "%s/pointer.yaml", a->o.out_dir);
	if (oc->signed_by != NULL)
		(void)ld_pointer_path(&place, p, LD_EVIDENCE_ROOT, &err);
	snprintf(att, sizeof(att), "%s/%s", sb, OCI_ATTESTATION_FILE);
	written = oc->signed_by ? json_pack("[s, s, s]", sb, att, ptr)
				: json_pack("[s, s]", sb, ptr);
	if (out == NULL || next == NULL)
		rc = -1;
	else if (oc->signed_by == NULL)
		rc = cmd_json_next(next, "sign",
				   "aicr-evidence sign %s --ref REGISTRY/REPO",
				   out) |
		     cmd_json_next(next, "push",
				   "aicr-evidence push %s --to REGISTRY/REPO",
				   out) |
		     cmd_json_next(next, "commit",
				   "aicr-evidence pointer path %s/pointer.yaml",
				   out);
	else if (a->push == NULL && oc->oci[0] != '\0')
		rc = cmd_json_next(next, "push",
				   "aicr-evidence push %s --to %s", out,
				   oc->oci);
	if (rc == 0 && place != NULL)
		rc = cmd_json_next(next, "commit",
				   "mkdir -p %.*s && cp %s/pointer.yaml %s",
				   (int)(strrchr(place, '/') - place), place,
				   out, place);
	root = json_pack(
		"{s:s, s:s, s:o, s:{s:s, s:I, s:s}, s:{s:s, s:s, s:s?}, "
		"s:{s:s?, s:s?, s:b, s:s?}, s:o, s:{s:s, s:b, s:s?}, s:o}",
		"command", "emit", "out", a->o.out_dir, "written", written,
		"bundle", "path", sb, "files", (json_int_t)r->file_count,
		"manifestDigest", r->manifest_digest, "recipe", "name",
		r->recipe_name, "digest", r->recipe_digest, "profile",
		r->profile[0] ? r->profile : NULL, "artifact", "digest",
		oc->digest[0] ? oc->digest : NULL, "reference",
		oc->oci[0] ? oc->oci : NULL, "pushed", pushed->digest[0] != 0,
		"referrer", pushed->referrer[0] ? pushed->referrer : NULL,
		"signature", cmd_evidence_signed_json(oc, sb), "pointer",
		"path", ptr, "signed", oc->signed_by != NULL, "ledgerPath",
		place, "next", next);
	free(out);
	free(place);
	return rc == 0 ? cmd_json_print(root) : (json_decref(root), -1);
}

int cmd_emit(int argc, char **argv)
{
	emit_args a;
	cmd_evidence_signed oc;
	cmd_pushed pushed;
	ev_emit_result r;
	ld_pointer *p = NULL;
	char sbdir[4200];
	ae_err err = {0};
	bool emitted;
	int rc, status;

	memset(&a, 0, sizeof(a));
	memset(&oc, 0, sizeof(oc));
	memset(&pushed, 0, sizeof(pushed));
	a.format = "text";
	a.o = (ev_emit_opts)EV_EMIT_OPTS_INIT;
	cmd_sign_flags_init(&a.sf);
	status = emit_parse(&a, argc, argv);
	if (status == 0 && emit_now(&a.o.attested_at) < 0)
		status = cmd_usage_error("emit", "SOURCE_DATE_EPOCH is not a "
						 "number of seconds");
	if (status != 0) {
		free(a.ctrf);
		return status;
	}
	a.o.tool_version = AE_VERSION;
	rc = ev_evidence_emit(&r, &a.o, &err);
	emitted = rc == 0;
	if (rc == 0)
		emit_notices(&a, &r);
	snprintf(sbdir, sizeof(sbdir), "%s/summary-bundle", a.o.out_dir);
	/* The artifact digest, and the tag derived from it, are known before
	 * any network I/O (SPEC §3): signing and pushing use the same tagged
	 * reference, which the pointer names (issue 24 item 7). Unsigned and
	 * unpushed, the pointer names neither. */
	if (rc == 0 && a.sign)
		rc = cmd_evidence_sign(&oc, a.ref, sbdir, &a.sf, NULL, &err);
	else if (rc == 0 && a.push != NULL)
		rc = cmd_evidence_locate(&oc, a.ref, sbdir, &err);
	if (rc == 0 && a.sign)
		rc = cmd_evidence_attest(&oc, sbdir, &err);
	if (rc == 0 && a.push != NULL)
		rc = emit_push(&pushed, &a, oc.oci, &err);
	if (rc == 0 && a.push != NULL && strcmp(a.format, "text") == 0) {
		cmd_output o;

		cmd_output_init(&o, NULL);
		cmd_push_print_text(&o, &pushed);
		(void)cmd_output_close(&o, NULL);
	}
	if (rc == 0)
		rc = emit_pointer(a.o.out_dir, &r, &oc, &p, &err);
	if (rc < 0 && emitted) /* nothing half-written: no bundle either */
		ev_evidence_emit_discard(a.o.out_dir, r.created_out);
	if (rc < 0) {
		cmd_error("emit", &err);
		if (rc == AE_EEXISTS)
			cmd_hint("choose an empty output directory");
		status = cmd_exit_code(cmd_outcome_from_rc(rc));
	} else if (strcmp(a.format, "json") == 0) {
		status = cmd_exit_code(
			emit_report_json(&a, &r, &oc, &pushed, p) == 0
				? CMD_OK
				: CMD_ERROR);
	} else {
		emit_report(&a, &r, &oc, p);
		status = cmd_exit_code(CMD_OK);
	}
	ld_pointer_free(p);
	ev_sign_result_free(oc.signed_by);
	free(a.ctrf);
	return status;
}
