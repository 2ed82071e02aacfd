/* cmd/emit.c -- `aicr-evidence emit`: a validation run into a bundle
 *
 * Parses flags and refuses conflicts before any file is read (STYLE §3.6),
 * builds OUT/summary-bundle through ev_evidence_emit, then writes
 * OUT/pointer.yaml last, so a failure at any step leaves no pointer
 * (reference §7). Signing and pushing join here as their modules land.
 */
#include "cmd/cmd.h"
#include "evidence/evidence.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void emit_usage(FILE *f)
{
	fputs("usage: aicr-evidence emit --recipe R.yaml --snapshot S.yaml\n"
	      "         --ctrf FILE|DIR... [--bom F] [--full] -o OUT\n"
	      "         [--allow-mutable-validator-tags] [--no-sign]\n"
	      "\n"
	      "Builds OUT/summary-bundle (minimized unless --full) and\n"
	      "OUT/pointer.yaml. CTRF inputs are files named <phase>*.json or\n"
	      "directories holding them (phases: deployment, performance,\n"
	      "conformance). SOURCE_DATE_EPOCH fixes attestedAt.\n",
	      f);
}

typedef struct emit_args {
	ev_emit_opts o;
	const char **ctrf;
	bool sign;
	const char *push;
} emit_args;

/* Collects the CTRF arguments that follow --ctrf up to the next flag. */
static int emit_take_ctrf(emit_args *a, int argc, char **argv, int *i)
{
	int start = *i + 1;

	if (start >= argc || argv[start][0] == '-')
		return -1;
	for (int j = start; j < argc && argv[j][0] != '-'; j++) {
		const char **g =
			realloc(a->ctrf, (a->o.nctrf + 1) * sizeof(*a->ctrf));
		if (g == NULL)
			return -1;
		a->ctrf = g;
		a->ctrf[a->o.nctrf++] = argv[j];
		*i = j;
	}
	return 0;
}

/* Parses argv; returns 0 or the usage exit status. */
static int emit_parse(emit_args *a, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *f = argv[i];
		bool has = i + 1 < argc;
		if (strcmp(f, "--recipe") == 0 && has)
			a->o.recipe_path = argv[++i];
		else if (strcmp(f, "--snapshot") == 0 && has)
			a->o.snapshot_path = argv[++i];
		else if (strcmp(f, "--ctrf") == 0) {
			if (emit_take_ctrf(a, argc, argv, &i) < 0)
				return cmd_usage_error("emit",
						       "--ctrf needs a file or "
						       "directory");
		} else if (strcmp(f, "--bom") == 0 && has)
			a->o.bom_path = argv[++i];
		else if ((strcmp(f, "-o") == 0 || strcmp(f, "--output") == 0) &&
			 has)
			a->o.out_dir = argv[++i];
		else if (strcmp(f, "--full") == 0)
			a->o.full = true;
		else if (strcmp(f, "--allow-mutable-validator-tags") == 0)
			a->o.allow_mutable_validator_tags = true;
		else if (strcmp(f, "--no-sign") == 0)
			a->sign = false;
		else if (strcmp(f, "--sign") == 0)
			a->sign = true;
		else if (strcmp(f, "--push") == 0 && has)
			a->push = argv[++i];
		else
			return cmd_usage_error("emit",
					       "unknown or incomplete "
					       "option '%s'",
					       f);
	}
	if (a->o.recipe_path == NULL || a->o.snapshot_path == NULL ||
	    a->o.nctrf == 0 || a->o.out_dir == NULL)
		return cmd_usage_error("emit", "emit needs --recipe, "
					       "--snapshot, --ctrf and -o");
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

/* Writes OUT/pointer.yaml: pointer V1, keys sorted, 2-space indent
 * (SPEC §3), unsigned and not yet pushed. */
static int emit_pointer(const char *out_dir, const ev_emit_result *r,
			ae_err *err)
{
	char path[4096];
	ae_buf b = AE_BUF_INIT(1u << 20);
	int rc;

	rc = ae_buf_printf(&b, err,
			   "attestations:\n"
			   "  - attestedAt: \"%s\"\n"
			   "    bundle:\n"
			   "      digest: \"\"\n"
			   "      oci: \"\"\n"
			   "      predicateType: %s\n"
			   "recipe: %s\n"
			   "schemaVersion: 1.0.0\n",
			   r->attested_at, EV_PREDICATE_V3, r->recipe_name);
	if (rc == 0 && (size_t)snprintf(path, sizeof(path), "%s/pointer.yaml",
					out_dir) >= sizeof(path))
		rc = ae_fail(err, AE_EINVAL, "output path too long");
	if (rc == 0)
		rc = ae_write_atomic(AT_FDCWD, path, b.data, b.len, 0644, err);
	ae_buf_dispose(&b);
	return rc;
}

int cmd_emit(int argc, char **argv)
{
	emit_args a;
	ev_emit_result r;
	ae_err err = {0};
	int rc, status;

	memset(&a, 0, sizeof(a));
	a.o = (ev_emit_opts)EV_EMIT_OPTS_INIT;
	if (cmd_wants_help(argc, argv)) {
		emit_usage(stdout);
		return cmd_exit_code(CMD_OK);
	}
	status = emit_parse(&a, argc, argv);
	if (status == 0 && a.sign)
		status = cmd_usage_error("emit",
					 "--sign: keyless signing is not in "
					 "this build yet; use --no-sign");
	if (status == 0 && a.push != NULL)
		status = cmd_usage_error("emit",
					 "--push: the registry client is not "
					 "in this build yet");
	if (status == 0 && emit_now(&a.o.attested_at) < 0)
		status = cmd_usage_error("emit", "SOURCE_DATE_EPOCH is not a "
						 "number of seconds");
	if (status != 0) {
		free(a.ctrf);
		return status;
	}
	a.o.tool_version = AE_VERSION;
	rc = ev_evidence_emit(&r, &a.o, &err);
	if (rc == 0)
		rc = emit_pointer(a.o.out_dir, &r, &err);
	free(a.ctrf);
	if (rc < 0) {
		cmd_error("emit", &err);
		if (rc == AE_EEXISTS)
			cmd_hint("choose an empty output directory");
		return cmd_exit_code(cmd_outcome_from_rc(rc));
	}
	printf("bundle:   %s/summary-bundle (%zu files, manifest %s)\n",
	       a.o.out_dir, r.file_count, r.manifest_digest);
	printf("recipe:   %s (digest %s)\n", r.recipe_name, r.recipe_digest);
	printf("pointer:  %s/pointer.yaml (unsigned: pending signature)\n",
	       a.o.out_dir);
	printf("next:     verify with 'aicr-evidence verify %s', then push and "
	       "sign the bundle;\n          a signed pointer belongs under "
	       "recipes/evidence/%s/<src>/\n",
	       a.o.out_dir, r.recipe_name);
	return cmd_exit_code(CMD_OK);
}
