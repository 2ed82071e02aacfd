/* cmd/registry.c -- the registry flags every OCI-speaking command shares,
 * and the progress bar
 *
 * push, pull (and emit --push, verify OCI-REF, check --verify-signatures)
 * take the same connection flags (SPEC §4, docs/cli.md "Registry flags"):
 * they are parsed here so each command refuses conflicts the same way,
 * before any I/O, and builds its oci_client the same way.
 */
#include "cmd/cmd.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CMD_PASSWORD_MAX 4096 /* --registry-password-stdin */

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
	const char *a = argv[*i];

	if (strcmp(a, "--registry-plain-http") == 0) {
		f->plain_http = true;
		return 1;
	}
	if (strcmp(a, "--registry-insecure-tls") == 0) {
		f->insecure_tls = true;
		return 1;
	}
	if (strcmp(a, "--registry-password-stdin") == 0) {
		f->password_stdin = true;
		return 1;
	}
	if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
		f->quiet = true;
		return 1;
	}
	return cmd_flag_take(valued, argc, argv, i);
}

int cmd_registry_check(cmd_registry_flags *f, const char *command)
{
	if (f->timeout != NULL &&
	    cmd_duration_parse(&f->timeout_ms, f->timeout) < 0)
		return cmd_usage_error(command,
				       "--timeout wants a duration such as "
				       "90s, 5m or 1h (0: no limit)");
	if (f->password_stdin && f->username == NULL)
		return cmd_usage_error(command, "--registry-password-stdin "
						"needs --registry-username");
	if (f->username != NULL && !f->password_stdin)
		return cmd_usage_error(command, "--registry-username needs "
						"--registry-password-stdin");
	if (f->plain_http && (f->insecure_tls || f->ca_file != NULL))
		return cmd_usage_error(command,
				       "--registry-plain-http conflicts with "
				       "the TLS flags");
	return 0;
}

/* Reads the password from stdin: one line, at most CMD_PASSWORD_MAX. */
static int cmd_read_password(char **out, ae_err *err)
{
	char *buf = calloc(1, CMD_PASSWORD_MAX + 1);
	size_t n = 0;

	*out = NULL;
	if (buf == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	while (n < CMD_PASSWORD_MAX) {
		ssize_t got = read(0, buf + n, CMD_PASSWORD_MAX - n);
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	if (n == 0 || n >= CMD_PASSWORD_MAX || ae_has_nul(buf, n)) {
		free(buf);
		return ae_fail(err, AE_EINVAL,
			       "--registry-password-stdin: want one line of "
			       "1..%d bytes on stdin",
			       CMD_PASSWORD_MAX - 1);
	}
	*out = buf;
	return 0;
}

void cmd_password_free(char *password)
{
	if (password == NULL)
		return;
	OPENSSL_cleanse(password, strlen(password));
	free(password);
}

int cmd_registry_opts(oci_client_opts *o, char **password_out,
		      const cmd_registry_flags *f, bool push, ae_err *err)
{
	static ae_bar bar;
	int rc;

	*o = (oci_client_opts)OCI_CLIENT_OPTS_INIT;
	*password_out = NULL;
	if (f->password_stdin) {
		rc = cmd_read_password(password_out, err);
		if (rc < 0)
			return rc;
	}
	o->username = f->username;
	o->password = *password_out;
	o->docker_config = f->docker_config;
	o->ca_file = f->ca_file;
	o->insecure_tls = f->insecure_tls;
	o->plain_http = f->plain_http;
	o->push = push;
	o->deadline = ae_deadline_in(f->timeout_ms);
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
	cmd_password_free(password);
	return rc;
}
