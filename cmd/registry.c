/* cmd/registry.c -- the registry flags every OCI-speaking command shares,
 * and the progress bar
 *
 * push, pull (and emit --push, verify OCI-REF, check --verify-signatures)
 * take the same connection flags (SPEC §4, docs/cli.md "Registry flags"):
 * they are matched in argv here; their rules, the password's source and
 * the client options they make are oci/registry_opts.c's.
 */
#include "cmd/cmd.h"

#include <string.h>
#include <unistd.h>

int cmd_registry_flag(cmd_registry_flags *f, int argc, char **argv, int *i)
{
	const cmd_flag valued[] = {
		{"--registry-username", &f->username},
		{"--registry-ca", &f->ca_file},
		{"--registry-ca-file", &f->ca_file}, /* oras --ca-file */
		{"--docker-config", &f->docker_config},
		{"--timeout", &f->timeout},
		{NULL, NULL},
	};
	const cmd_switch switches[] = {
		{"--registry-plain-http", &f->plain_http},
		{"--registry-insecure-tls", &f->insecure_tls},
		{"--registry-password-stdin", &f->password_stdin},
		{"--quiet", &f->quiet},
		{"-q", &f->quiet},
		{NULL, NULL},
	};

	if (cmd_switch_take(switches, argv[*i]))
		return 1;
	return cmd_flag_take(valued, argc, argv, i);
}

int cmd_registry_args(const cmd_registry_argv *p, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *f = argv[i];
		int r = cmd_registry_flag(p->reg, argc, argv, &i);

		if (r == 0)
			r = cmd_flag_take(p->valued, argc, argv, &i);
		if (r == 0 && cmd_switch_take(p->switches, f))
			r = 1;
		if (r < 0)
			return cmd_usage_error(p->command, "%s needs a value",
					       f);
		if (r > 0)
			continue;
		if (cmd_is_option(f))
			return cmd_usage_error(p->command, "%s '%s'",
					       p->unknown, f);
		if (*p->operand != NULL)
			return cmd_usage_error(p->command, "%s", p->extra);
		*p->operand = f;
	}
	return 0;
}

int cmd_registry_check(cmd_registry_flags *f, const char *command)
{
	ae_err err = {0};

	if (oci_registry_flags_check(f, &err) < 0)
		return cmd_usage_error(command, "%s", err.msg);
	return 0;
}

int cmd_registry_opts(oci_client_opts *o, char **password_out,
		      const cmd_registry_flags *f, bool push, ae_err *err)
{
	static ae_bar bar;
	int rc;

	*o = (oci_client_opts)OCI_CLIENT_OPTS_INIT;
	*password_out = NULL;
	if (f->password_stdin) {
		rc = oci_password_read(password_out, 0, err);
		if (rc < 0)
			return rc;
	}
	oci_registry_opts(o, f, *password_out, push);
	if (!f->quiet && isatty(2)) {
		o->progress = cmd_progress;
		o->progress_ctx = &bar;
	}
	return 0;
}

int cmd_registry_client(oci_client **out, const oci_ref *ref,
			const cmd_registry_flags *f, bool push, ae_err *err)
{
	oci_client_opts o;
	char *password = NULL;
	int rc;

	*out = NULL;
	rc = cmd_registry_opts(&o, &password, f, push, err);
	if (rc == 0)
		rc = oci_client_new(out, ref, &o, err);
	oci_password_free(password);
	return rc;
}
