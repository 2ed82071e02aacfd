/* oci/registry_opts.c -- the registry flags every OCI-speaking command
 * shares, as client options
 *
 * push, pull, referrers (and emit --push, verify OCI-REF, check
 * --verify-signatures, ledger --verify) take the same connection flags
 * (SPEC §4, docs/cli.md "Registry flags"). cmd/ matches them in argv;
 * here are their rules -- conflicts refused the same way for every
 * command, before any I/O -- the password's one source (a line on
 * stdin), and the client options they make.
 */
#include "oci/oci.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int oci_registry_flags_check(oci_registry_flags *f, ae_err *err)
{
	if (f->timeout != NULL && ae_duration_parse(&f->timeout_ms, f->timeout,
						    OCI_TIMEOUT_MAX_S) < 0)
		return ae_fail(err, AE_EINVAL,
			       "--timeout wants a duration such as 90s, 5m or "
			       "1h (0: no limit)");
	if (f->password_stdin && f->username == NULL)
		return ae_fail(err, AE_EINVAL,
			       "--registry-password-stdin needs "
			       "--registry-username");
	if (f->username != NULL && !f->password_stdin)
		return ae_fail(err, AE_EINVAL,
			       "--registry-username needs "
			       "--registry-password-stdin");
	if (f->plain_http && (f->insecure_tls || f->ca_file != NULL))
		return ae_fail(err, AE_EINVAL,
			       "--registry-plain-http conflicts with the TLS "
			       "flags");
	return 0;
}

int oci_password_read(char **out, int fd, ae_err *err)
{
	char *buf = calloc(1, OCI_PASSWORD_MAX + 1);
	size_t n = 0;

	*out = NULL;
	if (buf == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	while (n < OCI_PASSWORD_MAX) {
		ssize_t got = read(fd, buf + n, OCI_PASSWORD_MAX - n);
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	if (n == 0 || n >= OCI_PASSWORD_MAX || ae_has_nul(buf, n)) {
		free(buf);
		return ae_fail(err, AE_EINVAL,
			       "--registry-password-stdin: want one line of "
			       "1..%d bytes on stdin",
			       OCI_PASSWORD_MAX - 1);
	}
	*out = buf;
	return 0;
}

void oci_password_free(char *password)
{
	if (password == NULL)
		return;
	OPENSSL_cleanse(password, strlen(password));
	free(password);
}

void oci_registry_opts(oci_client_opts *o, const oci_registry_flags *f,
		       const char *password, bool push)
{
	*o = (oci_client_opts)OCI_CLIENT_OPTS_INIT;
	o->username = f->username;
	o->password = password;
	o->docker_config = f->docker_config;
	o->ca_file = f->ca_file;
	o->insecure_tls = f->insecure_tls;
	o->plain_http = f->plain_http;
	o->push = push;
	o->deadline = ae_deadline_in(f->timeout_ms);
}
