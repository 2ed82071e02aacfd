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
		f.signer_identity = oc->signed_by->identity;
		f.signer_issuer = oc->signed_by->issuer;
		f.rekor_log_index = oc->signed_by->log_index; /* 0: absent */
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/pointer.yaml", out_dir) >=
	    sizeof(path))
		return ae_fail(err, AE_EINVAL, "output path too long");
	rc = ld_pointer_new(p_out, &f, err);
	if (rc == 0)
		rc = ld_pointer_write(AT_FDCWD, path, *p_out, err);
	return rc;
}

/* The push leg, as `push OUT --to REF [registry flags]` runs it
 * (cmd/push.c), with emit's registry flags (a password comes from stdin,
 * read once by push). A transient failure stays transient (exit 3: retry
 * later), as push itself says. */
static int emit_push(const emit_args *a, const char *tagged, ae_err *err)
{
	const cmd_registry_flags *r = &a->reg;
	char *argv[20];
	int n = 0, status;

	argv[n++] = "push";
	argv[n++] = (char *)a->o.out_dir;
	argv[n++] = "--to";
	argv[n++] = (char *)tagged;
	if (r->plain_http)
		argv[n++] = "--registry-plain-http";
	if (r->insecure_tls)
		argv[n++] = "--registry-insecure-tls";
	if (r->ca_file != NULL) {
		argv[n++] = "--registry-ca";
		argv[n++] = (char *)r->ca_file;
	}
	if (r->docker_config != NULL) {
		argv[n++] = "--docker-config";
		argv[n++] = (char *)r->docker_config;
	}
	/* one --timeout for the run: emit's signing flags take it first */
	if (r->timeout != NULL || a->sf.timeout != NULL) {
		argv[n++] = "--timeout";
		argv[n++] = (char *)(r->timeout ? r->timeout : a->sf.timeout);
	}
	if (r->username != NULL) {
		argv[n++] = "--registry-username";
		argv[n++] = (char *)r->username;
		argv[n++] = "--registry-password-stdin";
	}
	argv[n] = NULL;
	status = cmd_push(n, argv);
	if (status == cmd_exit_code(CMD_TRANSIENT))
		return ae_fail(err, AE_ETRANSIENT,
			       "push to %s failed (transient: retry later)",
			       tagged);
	if (status != 0)
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

int cmd_emit(int argc, char **argv)
{
	emit_args a;
	cmd_evidence_signed oc;
	ev_emit_result r;
	ld_pointer *p = NULL;
	char sbdir[4200];
	ae_err err = {0};
	bool emitted;
	int rc, status;

	memset(&a, 0, sizeof(a));
	memset(&oc, 0, sizeof(oc));
	a.o = (ev_emit_opts)EV_EMIT_OPTS_INIT;
	cmd_sign_flags_init(&a.sf);
	if (cmd_wants_help(argc, argv)) {
		cmd_help_print(stdout, "emit");
		return cmd_exit_code(CMD_OK);
	}
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
		rc = emit_push(&a, oc.oci, &err);
	if (rc == 0)
		rc = emit_pointer(a.o.out_dir, &r, &oc, &p, &err);
	if (rc < 0 && emitted) /* nothing half-written: no bundle either */
		ev_evidence_emit_discard(a.o.out_dir, r.created_out);
	if (rc < 0) {
		cmd_error("emit", &err);
		if (rc == AE_EEXISTS)
			cmd_hint("choose an empty output directory");
		status = cmd_exit_code(cmd_outcome_from_rc(rc));
	} else {
		emit_report(&a, &r, &oc, p);
		status = cmd_exit_code(CMD_OK);
	}
	ld_pointer_free(p);
	ev_sign_result_free(oc.signed_by);
	free(a.ctrf);
	return status;
}
