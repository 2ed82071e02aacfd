/* tests/unit/test_oci_registry.c -- the registry flags' rules and the
 * password's one source (oci/registry_opts.c), reached without a command
 * line or a registry (before issue 17's move, only e2e tests through
 * push/pull reached them) */
#include "t.h"
#include "oci/oci.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A read end holding `len` bytes of `data`, then end of file. */
static int fd_of(const char *data, size_t len)
{
	int p[2];

	T_ASSERT_INT(pipe(p), 0);
	T_ASSERT_INT(write(p[1], data, len), (long long)len);
	close(p[1]);
	return p[0];
}

static int read_pw(char **pw, const char *data, size_t len, ae_err *err)
{
	int fd = fd_of(data, len), rc = oci_password_read(pw, fd, err);

	close(fd);
	return rc;
}

void test_oci_registry__a_password_is_one_line_without_its_end(void)
{
	ae_err err = {0};
	char *pw = NULL;

	T_ASSERT_INT(read_pw(&pw, "s3cret\r\n", 8, &err), 0);
	T_ASSERT_STR(pw, "s3cret");
	oci_password_free(pw);
	T_ASSERT_INT(read_pw(&pw, "no-newline", 10, &err), 0);
	T_ASSERT_STR(pw, "no-newline");
	oci_password_free(pw);
	oci_password_free(NULL);
}

void test_oci_registry__an_empty_long_or_nul_password_is_refused(void)
{
	char big[OCI_PASSWORD_MAX + 1];
	ae_err err = {0};
	char *pw = (char *)"untouched";

	T_ASSERT_INT(read_pw(&pw, "\n", 1, &err), AE_EINVAL);
	T_ASSERT(pw == NULL);
	T_ASSERT_MSG(err, "want one line of 1..4095 bytes on stdin");
	T_ASSERT_INT(read_pw(&pw, "", 0, &err), AE_EINVAL);
	T_ASSERT_INT(read_pw(&pw, "a\0b\n", 4, &err), AE_EINVAL);
	/* 4,095 bytes and the line's end fit; 4,096 do not */
	memset(big, 'p', sizeof(big));
	big[OCI_PASSWORD_MAX - 1] = '\n';
	T_ASSERT_INT(read_pw(&pw, big, OCI_PASSWORD_MAX, &err), 0);
	T_ASSERT_INT(strlen(pw), OCI_PASSWORD_MAX - 1);
	oci_password_free(pw);
	memset(big, 'p', sizeof(big));
	T_ASSERT_INT(read_pw(&pw, big, OCI_PASSWORD_MAX, &err), AE_EINVAL);
	T_ASSERT_INT(read_pw(&pw, big, sizeof(big), &err), AE_EINVAL);
}

void test_oci_registry__conflicting_flags_are_refused_before_any_io(void)
{
	oci_registry_flags f;
	ae_err err = {0};

	memset(&f, 0, sizeof(f));
	T_ASSERT_INT(oci_registry_flags_check(&f, &err), 0);
	f.password_stdin = true;
	T_ASSERT_INT(oci_registry_flags_check(&f, &err), AE_EINVAL);
	T_ASSERT_MSG(err, "--registry-password-stdin needs "
			  "--registry-username");
	memset(&f, 0, sizeof(f));
	f.username = "u";
	err = (ae_err){0};
	T_ASSERT_INT(oci_registry_flags_check(&f, &err), AE_EINVAL);
	T_ASSERT_MSG(err, "--registry-username needs "
			  "--registry-password-stdin");
	f.password_stdin = true;
	T_ASSERT_INT(oci_registry_flags_check(&f, &err), 0);
	f.plain_http = true;
	f.ca_file = "ca.pem";
	err = (ae_err){0};
	T_ASSERT_INT(oci_registry_flags_check(&f, &err), AE_EINVAL);
	T_ASSERT_MSG(err, "conflicts with the TLS flags");
	f.ca_file = NULL;
	f.insecure_tls = true;
	T_ASSERT_INT(oci_registry_flags_check(&f, &err), AE_EINVAL);
}

void test_oci_registry__timeout_is_a_duration_up_to_a_week(void)
{
	oci_registry_flags f;
	ae_err err = {0};

	memset(&f, 0, sizeof(f));
	f.timeout = "90s";
	T_ASSERT_INT(oci_registry_flags_check(&f, &err), 0);
	T_ASSERT_INT(f.timeout_ms, 90000);
	f.timeout = "168h";
	T_ASSERT_INT(oci_registry_flags_check(&f, &err), 0);
	f.timeout = "169h";
	T_ASSERT_INT(oci_registry_flags_check(&f, &err), AE_EINVAL);
	T_ASSERT_MSG(err, "--timeout wants a duration");
	f.timeout = "soon";
	T_ASSERT_INT(oci_registry_flags_check(&f, &err), AE_EINVAL);
}

void test_oci_registry__the_flags_make_the_client_options(void)
{
	oci_registry_flags f;
	oci_client_opts o;

	memset(&f, 0, sizeof(f));
	f.username = "u";
	f.docker_config = "cfg.json";
	f.ca_file = "ca.pem";
	f.insecure_tls = true;
	f.timeout_ms = 5000;
	memset(&o, 0xa5, sizeof(o));
	oci_registry_opts(&o, &f, "pw", true);
	T_ASSERT_STR(o.username, "u");
	T_ASSERT_STR(o.password, "pw");
	T_ASSERT_STR(o.docker_config, "cfg.json");
	T_ASSERT_STR(o.ca_file, "ca.pem");
	T_ASSERT(o.insecure_tls && !o.plain_http && o.push);
	T_ASSERT(o.progress == NULL && o.attempts == 0);
	T_ASSERT(ae_deadline_left_ms(o.deadline) > 0 &&
		 ae_deadline_left_ms(o.deadline) <= 5000);
	f.timeout_ms = 0;
	oci_registry_opts(&o, &f, NULL, false);
	T_ASSERT(o.password == NULL && !o.push && o.deadline.at_ms == 0);
}
