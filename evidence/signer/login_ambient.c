/* evidence/signer/login_ambient.c -- ambient identity tokens of Buildkite and
 * Google Cloud (contracts in evidence/signer/login.h)
 *
 * Buildkite hands a job its OIDC token through the agent: we run
 * `buildkite-agent oidc request-token --audience sigstore` directly (no
 * shell: nothing from the environment is ever parsed as a command line)
 * and read what it prints, capped and by the deadline. Google Cloud's
 * metadata server mints an identity token for the VM's service account
 * with the audience we ask for; it speaks plain http on the VM's own
 * link, the one plain-http exception of the URL policy
 * (AE_URL_PLAIN_METADATA).
 */
#include "evidence/core/http.h"
#include "evidence/signer/internal.h"
#include "evidence/signer/login.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define AMBIENT_AGENT_MAX_MS 60000 /* the agent, without a run deadline */
#define AMBIENT_HOST_MAX     256

extern char **environ;

/* Reads the child's stdout until EOF, the cap or the deadline. 0 on EOF;
 * AE_ETOOBIG past the cap; AE_ETRANSIENT when the deadline passes. */
static int ambient_read(ae_buf *out, int fd, ae_deadline dl, ae_err *err)
{
	char chunk[4096];

	for (;;) {
		struct pollfd pfd = {fd, POLLIN, 0};
		int64_t left = ae_deadline_left_ms(dl);
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, (int)left) == 0)
			return ae_fail(
				err, AE_ETRANSIENT,
				"buildkite-agent did not answer in time");
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		if (ae_buf_put(out, chunk, (size_t)n, NULL) < 0) {
			OPENSSL_cleanse(chunk, sizeof(chunk));
			return ae_fail(err, AE_ETOOBIG,
				       "buildkite-agent printed more than %u "
				       "bytes",
				       EV_TOKEN_MAX_BYTES);
		}
	}
}

/* Starts the agent with stdout on a pipe, stdin and stderr on /dev/null. */
static int ambient_spawn(pid_t *pid, int *rfd, const char *agent, ae_err *err)
{
	char *const argv[] = {(char *)agent,	 "oidc",
			      "request-token",	 "--audience",
			      EV_TOKEN_AUDIENCE, NULL};
	posix_spawn_file_actions_t fa;
	int p[2], rc;

	if (pipe2(p, O_CLOEXEC) < 0)
		return ae_fail(err, AE_EIO, "pipe: %s", strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	rc = posix_spawn(pid, agent, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (rc != 0) {
		close(p[0]);
		return ae_fail(err, AE_ENOTFOUND,
			       "cannot run buildkite-agent: %s", strerror(rc));
	}
	*rfd = p[0];
	return 0;
}

int ev_token_from_buildkite(ev_token **out, const char *agent,
			    int64_t deadline_ms, ae_err *err)
{
	ae_buf jwt = AE_BUF_INIT(EV_TOKEN_MAX_BYTES);
	ae_deadline dl = ae_deadline_in(AMBIENT_AGENT_MAX_MS);
	pid_t pid = -1;
	int fd = -1, st = 0, rc;

	*out = NULL;
	dl = ae_deadline_min(dl, (ae_deadline){deadline_ms});
	rc = ambient_spawn(&pid, &fd, agent, err);
	if (rc == 0)
		rc = ambient_read(&jwt, fd, dl, err);
	if (fd >= 0)
		close(fd);
	if (pid > 0 && rc < 0)
		kill(pid, SIGKILL); /* our child, past its time */
	while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (rc == 0 && !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		rc = ae_fail(err, AE_EAUTH,
			     "buildkite-agent oidc request-token failed (%s "
			     "%d): is this a Buildkite job?",
			     WIFEXITED(st) ? "exit" : "signal",
			     WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
	if (rc == 0 && jwt.len == 0)
		rc = ae_fail(err, AE_EINVAL,
			     "buildkite-agent printed no token");
	if (rc == 0)
		rc = ev_token_parse(out, (const char *)jwt.data, jwt.len, err);
	if (jwt.data != NULL)
		OPENSSL_cleanse(jwt.data, jwt.len);
	ae_buf_dispose(&jwt);
	return rc;
}

/* A host[:port] as GCE_METADATA_HOST gives it: name or address
 * characters only, so it cannot carry a path, a query or userinfo. */
static bool ambient_host_ok(const char *h)
{
	size_t n = strlen(h);

	return n > 0 && n < AMBIENT_HOST_MAX &&
	       strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789.-:[]") == n;
}

int ev_token_from_gcp(ev_token **out, const char *host, int64_t deadline_ms,
		      ae_err *err)
{
	char rbuf[AE_REPR_BUF];
	ev__http_req rq = {0};
	ev__http_resp resp = {0};
	ae_buf url = AE_BUF_INIT(AE_URL_MAX);
	int rc = 0;

	*out = NULL;
	if (!ambient_host_ok(host))
		return ae_fail(err, AE_EINVAL,
			       "metadata server host %s is not a host[:port]",
			       ae_repr(rbuf, sizeof(rbuf), host, strlen(host)));
	rc = ae_buf_printf(&url, err,
			   "http://%s/computeMetadata/v1/instance/"
			   "service-accounts/default/identity?audience=%s&"
			   "format=full",
			   host, EV_TOKEN_AUDIENCE);
	rq.what = "google cloud metadata server";
	rq.url = (const char *)url.data;
	rq.header = "Metadata-Flavor: Google";
	rq.url_flags = AE_URL_PLAIN_METADATA;
	rq.deadline_ms = deadline_ms;
	if (rc == 0)
		rc = ev__sign_http(&resp, &rq, err);
	if (rc == 0 &&
	    (resp.status == 401 || resp.status == 403 || resp.status == 404))
		rc = ae_fail(err, AE_EAUTH,
			     "google cloud metadata server gives no identity "
			     "token (HTTP %ld): no service account on this VM?",
			     resp.status);
	else if (rc == 0 && resp.status != 200)
		rc = ae_fail(err, AE_EINVAL,
			     "unexpected HTTP %ld from the google cloud "
			     "metadata server",
			     resp.status);
	if (rc == 0 && resp.body.len == 0)
		rc = ae_fail(err, AE_EINVAL,
			     "google cloud metadata server sent no token");
	if (rc == 0)
		rc = ev_token_parse(out, (const char *)resp.body.data,
				    resp.body.len, err);
	if (resp.body.data != NULL)
		OPENSSL_cleanse(resp.body.data, resp.body.len);
	ev__http_resp_dispose(&resp);
	ae_buf_dispose(&url);
	return rc;
}
