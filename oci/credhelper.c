/* oci/credhelper.c -- docker credential helpers (credsStore, credHelpers)
 *
 * A docker config.json on most desktops holds no password: `credsStore`
 * (every registry) or `credHelpers.<host>` names a program
 * `docker-credential-<name>` that keeps them in the OS keychain. Like
 * docker, cosign, oras and skopeo, we run `docker-credential-<name> get`
 * with the registry host on stdin and read {"ServerURL", "Username",
 * "Secret"} from its stdout.
 *
 * The helper is named by a file, found on PATH and its answer is not
 * trusted: the name must be a plain word (no '/', so only PATH is
 * searched), the host goes on stdin (never in argv, where other users see
 * it), stdout is read up to OCI_CREDHELPER_OUTPUT_MAX with a time limit,
 * stderr is discarded, and the answer must be one strict JSON object with
 * string Username and Secret of bounded length, no control bytes and no
 * ':' in the user (Basic auth could not carry it). "credentials not found"
 * (the helpers' own wording, any exit status) is anonymous access, as in
 * docker. No message ever quotes the helper's output: it may hold the
 * secret.
 */
#include "oci/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* Longest helper name after "docker-credential-". */
#define CREDHELPER_NAME_MAX 64
/* A helper may ask the user to unlock a keychain: generous, but bounded. */
#define CREDHELPER_TIMEOUT_MS 30000
/* Username and Secret (an ECR or GCR access token is a few KiB). */
#define CREDHELPER_USER_MAX   256
#define CREDHELPER_SECRET_MAX 16384

bool oci__credhelper_name_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n > CREDHELPER_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		      c == '.'))
			return false;
	}
	return name[0] != '.' && name[0] != '-';
}

/* True iff (s, n) has a byte below 0x20 or 0x7f. */
static bool credhelper_has_control(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return true;
	return false;
}

int oci__creds_from_helper_output(oci_creds *out, const char *name,
				  const unsigned char *buf, size_t len,
				  ae_err *err)
{
	json_t *root = NULL;
	const json_t *u, *s;
	ae_err inner = {0};
	int rc;

	memset(out, 0, sizeof(*out));
	rc = ae_json_parse((void **)&root, buf, len, &inner);
	if (rc < 0 || !json_is_object(root)) {
		rc = ae_fail(err, AE_EINVAL,
			     "credential helper docker-credential-%s: its "
			     "answer is not a JSON object",
			     name);
		goto done;
	}
	u = json_object_get(root, "Username");
	s = json_object_get(root, "Secret");
	if (!json_is_string(u) || !json_is_string(s)) {
		rc = ae_fail(err, AE_EINVAL,
			     "credential helper docker-credential-%s: no "
			     "Username and Secret strings in its answer",
			     name);
		goto done;
	}
	if (json_string_length(u) > CREDHELPER_USER_MAX ||
	    json_string_length(s) == 0 ||
	    json_string_length(s) > CREDHELPER_SECRET_MAX ||
	    credhelper_has_control(json_string_value(u),
				   json_string_length(u)) ||
	    credhelper_has_control(json_string_value(s),
				   json_string_length(s)) ||
	    memchr(json_string_value(u), ':', json_string_length(u)) != NULL) {
		rc = ae_fail(
			err, AE_EINVAL,
			"credential helper docker-credential-%s: Username "
			"or Secret empty, too long (%d, %d bytes), or with "
			"a control byte or ':' in the user",
			name, CREDHELPER_USER_MAX, CREDHELPER_SECRET_MAX);
		goto done;
	}
	if (strcmp(json_string_value(u), "<token>") == 0) {
		/* an OAuth2 refresh token (docker login to an identity
		 * provider): the token exchange is not implemented */
		rc = ae_fail(err, AE_EAUTH,
			     "credential helper docker-credential-%s gave an "
			     "identity token, which is not supported: use "
			     "--registry-username/--registry-password-stdin",
			     name);
		goto done;
	}
	out->user = strndup(json_string_value(u), json_string_length(u));
	out->pass = strndup(json_string_value(s), json_string_length(s));
	if (out->user == NULL || out->pass == NULL) {
		oci__creds_dispose(out);
		rc = ae_fail(err, AE_ERR, "out of memory");
	}
done:
	json_decref(root); /* the strings are not wiped: jansson owns them */
	return rc;
}

static int64_t credhelper_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads the child's stdout into `out` until EOF, the cap or the time
 * limit. AE_ETOOBIG past the cap, AE_ETRANSIENT past the time. */
static int credhelper_read(ae_buf *out, int fd, const char *name, ae_err *err)
{
	int64_t end = credhelper_now_ms() + CREDHELPER_TIMEOUT_MS;
	char chunk[4096];

	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		int64_t left = end - credhelper_now_ms();
		ssize_t n;
		if (left <= 0)
			return ae_fail(err, AE_ETRANSIENT,
				       "credential helper docker-credential-%s "
				       "gave no answer in %d s",
				       name, CREDHELPER_TIMEOUT_MS / 1000);
		if (poll(&p, 1, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			return ae_fail(err, AE_EIO, "poll: %s",
				       strerror(errno));
		}
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return ae_fail(err, AE_EIO, "read: %s",
				       strerror(errno));
		if (n == 0)
			return 0;
		if (ae_buf_put(out, chunk, (size_t)n, NULL) < 0) {
			explicit_bzero(chunk, sizeof(chunk));
			return ae_fail(
				err, AE_ETOOBIG,
				"credential helper docker-credential-%s: "
				"answer over %u bytes",
				name, OCI_CREDHELPER_OUTPUT_MAX);
		}
	}
}

/* Starts `docker-credential-NAME get` with `in_fd` as stdin, `out_fd` as
 * stdout, /dev/null as stderr. */
static int credhelper_spawn(pid_t *pid, const char *name, int in_fd, int out_fd,
			    ae_err *err)
{
	char prog[32 + CREDHELPER_NAME_MAX];
	char *argv[3];
	posix_spawn_file_actions_t fa;
	int e;

	snprintf(prog, sizeof(prog), "docker-credential-%s", name);
	argv[0] = prog;
	argv[1] = (char *)"get";
	argv[2] = NULL;
	if (posix_spawn_file_actions_init(&fa) != 0)
		return ae_fail(err, AE_ERR, "out of memory");
	posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
	posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	e = posix_spawnp(pid, prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (e != 0)
		return ae_fail(err, AE_EAUTH,
			       "credential helper %s (named in the docker "
			       "config) cannot be run: %s",
			       prog, strerror(e));
	return 0;
}

int oci__creds_from_helper(oci_creds *out, const char *name, const char *server,
			   ae_err *err)
{
	ae_buf answer = AE_BUF_INIT(OCI_CREDHELPER_OUTPUT_MAX);
	int in[2] = {-1, -1}, outp[2] = {-1, -1};
	pid_t pid = -1;
	int status = 0, rc;
	size_t sn = strlen(server);

	memset(out, 0, sizeof(*out));
	if (!oci__credhelper_name_ok(name))
		return ae_fail(err, AE_EINVAL,
			       "docker config: credential helper name is not a "
			       "plain word ([A-Za-z0-9._-], at most %d bytes)",
			       CREDHELPER_NAME_MAX);
	if (sn >= PIPE_BUF)
		return ae_fail(err, AE_EINVAL, "registry host too long");
	if (pipe2(in, O_CLOEXEC) != 0 || pipe2(outp, O_CLOEXEC) != 0) {
		rc = ae_fail(err, AE_EIO, "pipe: %s", strerror(errno));
		goto done;
	}
	/* The host is written before the child exists: it fits the pipe
	 * (< PIPE_BUF), so no write can block or raise SIGPIPE. */
	if (write(in[1], server, sn) != (ssize_t)sn) {
		rc = ae_fail(err, AE_EIO, "pipe: %s", strerror(errno));
		goto done;
	}
	close(in[1]);
	in[1] = -1;
	rc = credhelper_spawn(&pid, name, in[0], outp[1], err);
	close(outp[1]);
	outp[1] = -1;
	if (rc == 0)
		rc = credhelper_read(&answer, outp[0], name, err);
	if (pid > 0) {
		if (rc < 0)
			kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	if (rc < 0)
		goto done;
	if (answer.data != NULL &&
	    memmem(answer.data, answer.len, "credentials not found", 21)) {
		rc = 0; /* anonymous, as docker does */
		goto done;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		rc = ae_fail(err, AE_EAUTH,
			     "credential helper docker-credential-%s failed "
			     "(%s %d)",
			     name, WIFEXITED(status) ? "exit" : "signal",
			     WIFEXITED(status) ? WEXITSTATUS(status)
					       : WTERMSIG(status));
		goto done;
	}
	rc = oci__creds_from_helper_output(out, name, answer.data, answer.len,
					   err);
done:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (outp[i] >= 0)
			close(outp[i]);
	}
	if (answer.data != NULL)
		explicit_bzero(answer.data, answer.len);
	ae_buf_dispose(&answer);
	return rc;
}

void oci__creds_dispose(oci_creds *c)
{
	if (c->user != NULL)
		free(c->user);
	if (c->pass != NULL) {
		memset(c->pass, 0, strlen(c->pass));
		free(c->pass);
	}
	c->user = NULL;
	c->pass = NULL;
}
