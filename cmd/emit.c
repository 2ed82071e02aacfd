/* cmd/emit.c -- `aicr-evidence emit`: a validation run into a bundle
 *
 * Parses flags and refuses conflicts before any file is read (STYLE §3.6),
 * then runs ld_emit (ledger/emit_run.c: the bundle, its signature, its
 * push, the pointer last, so a failure at any step leaves no pointer,
 * reference §7) and prints its report (ledger/bundle_report.c).
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
	ld_emit_args w; /* --policy, --format, --push, --ref, --sign */
	const char **ctrf;
	cmd_registry_flags reg; /* forwarded to the push leg */
	ev_sign_flags sf;
	cmd_pushed pushed; /* what the push leg did */
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
	if (eq == NULL && (start >= argc || cmd_is_option(argv[start])))
		return -1;
	for (int j = start; j < argc && !cmd_is_option(argv[j]); j++) {
		if (emit_add_ctrf(a, argv[j]) < 0)
			return -1;
		*i = j;
	}
	return 0;
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
		{"--push", &a->w.push},
		{"--ref", &a->w.ref},
		{"--policy", &a->w.policy},
		{"--format", &a->w.format},
		{NULL, NULL},
	};
	ae_err err = {0};

	for (int i = 1; i < argc; i++) {
		const char *f = argv[i];
		int k = cmd_sign_flag(&a->sf, argc, argv, &i);
		if (k == 0)
			k = cmd_registry_flag(&a->reg, argc, argv, &i);
		if (k < 0)
			return cmd_usage_error("emit", "%s needs a value", f);
		if (k == 0)
			k = cmd_flag_take(valued, argc, argv, &i);
		if (k > 0 || (k == 0 && ld_emit_switch(&a->w, &a->o, f)))
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
	a->w.registry_flags = a->reg.plain_http || a->reg.insecure_tls ||
			      a->reg.ca_file || a->reg.username ||
			      a->reg.password_stdin || a->reg.docker_config;
	if (ld_emit_args_check(&a->w, &a->o, &err) < 0)
		return cmd_usage_error("emit", "%s", err.msg);
	if (cmd_registry_check(&a->reg, "emit") != 0)
		return cmd_exit_code(CMD_USAGE);
	if (cmd_sign_flags_check(&a->sf, "emit") != 0)
		return cmd_exit_code(CMD_USAGE);
	a->o.ctrf_paths = a->ctrf;
	return 0;
}

/* The push leg, as `push OUT --to REF [registry flags]` runs it
 * (cmd_push_bundle), with emit's registry flags (a password comes from
 * stdin) and one --timeout for the run: emit's signing flags take it
 * first. A transient failure stays transient (exit 3: retry later), as
 * push itself says. */
static int emit_push(void *ctx, const char *tagged, ae_err *err)
{
	emit_args *a = ctx;
	cmd_pushed *out = &a->pushed;
	cmd_registry_flags r = a->reg;
	cmd_output o;
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
	if (strcmp(a->w.format, "text") == 0) {
		cmd_output_init(&o, NULL);
		oci_pushed_report(&o.buf, out, false, NULL); /* as push says */
		(void)cmd_output_close(&o, NULL);
	}
	return 0;
}

/* What the user should know before publishing (ld_emit_notices), on
 * stderr. */
static void emit_notices(void *ctx, const ev_emit_result *r)
{
	const emit_args *a = ctx;
	ae_buf b = AE_BUF_INIT(LD_REPORT_MAX_BYTES);

	if (ld_emit_notices(&b, a->o.recipe_path, r, NULL) == 0)
		fwrite(b.data, 1, b.len, stderr);
	ae_buf_dispose(&b);
}

int cmd_emit(int argc, char **argv)
{
	emit_args a;
	ld_signed oc;
	ev_emit_result r;
	ev_sign_run_opts so;
	ld_emit_opts eo = {0};
	ld_report_in in = {0};
	tuf_trust trust;
	ld_pointer *p = NULL;
	ae_buf rep = AE_BUF_INIT(LD_REPORT_MAX_BYTES);
	ae_err err = {0};
	int rc, status;

	memset(&a, 0, sizeof(a));
	memset(&oc, 0, sizeof(oc));
	memset(&so, 0, sizeof(so));
	memset(&trust, 0, sizeof(trust));
	a.w.format = "text";
	a.o = (ev_emit_opts)EV_EMIT_OPTS_INIT;
	status = emit_parse(&a, argc, argv);
	/* attestedAt: SOURCE_DATE_EPOCH when set (reproducible builds) */
	if (status == 0 &&
	    ev_emit_attested_at(&a.o, getenv("SOURCE_DATE_EPOCH"),
				(int64_t)time(NULL), &err) < 0)
		status = cmd_usage_error("emit", "%s", err.msg);
	if (status != 0) {
		free(a.ctrf);
		return status;
	}
	a.o.tool_version = AE_VERSION;
	eo.emit = &a.o;
	eo.ref = a.w.ref;
	eo.on_emitted = emit_notices;
	eo.push = a.w.push != NULL ? emit_push : NULL;
	eo.ctx = &a;
	if (a.w.sign) {
		cmd_sign_opts(&so, &trust, &a.sf);
		eo.sign = &so;
	}
	rc = ld_emit(&r, &oc, &p, &eo, &err);
	tuf_trust_dispose(&trust);
	in = (ld_report_in){.out = a.o.out_dir,
			    .oc = &oc,
			    .p = p,
			    .r = &r,
			    .push = a.w.push != NULL,
			    .pushed_digest = a.pushed.digest,
			    .referrer = a.pushed.referrer};
	if (rc < 0) {
		cmd_error("emit", &err);
		if (rc == AE_EEXISTS)
			cmd_hint("choose an empty output directory");
		status = cmd_exit_code(cmd_outcome_from_rc(rc));
	} else if ((strcmp(a.w.format, "json") == 0
			    ? ld_emit_report_json(&rep, &in, &err)
			    : ld_emit_report_text(&rep, &in, &err)) < 0) {
		status = cmd_exit_code(CMD_ERROR);
	} else {
		fwrite(rep.data, 1, rep.len, stdout);
		status = cmd_exit_code(CMD_OK);
	}
	ae_buf_dispose(&rep);
	ld_pointer_free(p);
	ev_sign_result_free(oc.signed_by);
	free(a.ctrf);
	return status;
}
