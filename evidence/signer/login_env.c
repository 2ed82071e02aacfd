/* evidence/signer/login_env.c -- the token sources an environment offers
 * (contract in evidence/signer/login.h, rules in docs/signing.md "Token")
 *
 * The signer reads no process environment: the caller passes one (environ,
 * or a test's array), and these functions find in it the CI token sources
 * (GitHub Actions, GitLab CI, Buildkite's agent on PATH, Google Cloud's
 * metadata server, SIGSTORE_ID_TOKEN) and the confidential client's
 * secret.
 */
#include "evidence/signer/login.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define ENV_DMI_MAX  256 /* /sys/class/dmi/id/product_name */
#define ENV_GCE_HOST "metadata.google.internal"

const char *ev_env_get(char *const *envp, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; envp != NULL && envp[i] != NULL; i++)
		if (strncmp(envp[i], name, n) == 0 && envp[i][n] == '=')
			return envp[i] + n + 1;
	return NULL;
}

static bool env_set(char *const *envp, const char *name)
{
	const char *v = ev_env_get(envp, name);

	return v != NULL && v[0] != '\0';
}

/* The first executable `name` on `path` into `out`; false when none. */
static bool env_which(char *out, size_t outsz, const char *path,
		      const char *name)
{
	const char *p, *colon;

	for (p = path; p != NULL && *p; p = colon ? colon + 1 : NULL) {
		size_t n;

		colon = strchr(p, ':');
		n = colon ? (size_t)(colon - p) : strlen(p);
		if (n == 0 || (size_t)snprintf(out, outsz, "%.*s/%s", (int)n, p,
					       name) >= outsz)
			continue;
		if (access(out, X_OK) == 0)
			return true;
	}
	return false;
}

/* The metadata server's host when on Google Cloud: GCE_METADATA_HOST (as
 * Google's own libraries honour it), else metadata.google.internal when
 * the machine says it is Google's (sigstore-python's test); else NULL. */
static const char *env_gce_host(char *const *envp)
{
	ae_buf dmi = AE_BUF_INIT(ENV_DMI_MAX);
	bool google = false;

	if (env_set(envp, "GCE_METADATA_HOST"))
		return ev_env_get(envp, "GCE_METADATA_HOST");
	if (ae_read_file(&dmi, AT_FDCWD, "/sys/class/dmi/id/product_name",
			 ENV_DMI_MAX, NULL) == 0)
		google = dmi.len >= 6 && memcmp(dmi.data, "Google", 6) == 0;
	ae_buf_dispose(&dmi);
	return google ? ENV_GCE_HOST : NULL;
}

void ev_token_sources_from_env(ev_token_sources *src, char *agent,
			       size_t agentsz, char *const *envp)
{
	const char *bk = ev_env_get(envp, "BUILDKITE");
	const char *gl = ev_env_get(envp, "GITLAB_CI");

	src->env_token = ev_env_get(envp, "SIGSTORE_ID_TOKEN");
	src->gha_url = ev_env_get(envp, "ACTIONS_ID_TOKEN_REQUEST_URL");
	src->gha_request_token =
		ev_env_get(envp, "ACTIONS_ID_TOKEN_REQUEST_TOKEN");
	src->gitlab = gl != NULL && strcmp(gl, "true") == 0;
	if (bk != NULL && strcmp(bk, "true") == 0 &&
	    env_which(agent, agentsz, ev_env_get(envp, "PATH"),
		      "buildkite-agent"))
		src->buildkite_agent = agent;
	src->gcp_metadata_host = env_gce_host(envp);
}

int ev_login_secret_load(ae_buf *buf, const char *file, char *const *envp,
			 ae_err *err)
{
	const char *env = ev_env_get(envp, EV_LOGIN_SECRET_ENV);
	int rc = 0;

	if (file != NULL)
		rc = ae_read_file(buf, AT_FDCWD, file,
				  EV_LOGIN_SECRET_MAX_BYTES, err);
	else if (env != NULL && env[0] != '\0')
		rc = ae_buf_puts(buf, env, err);
	while (rc == 0 && buf->len > 0 &&
	       (buf->data[buf->len - 1] == '\n' ||
		buf->data[buf->len - 1] == '\r'))
		buf->len--;
	if (rc == 0 && buf->len > 0)
		rc = ae_buf_put(buf, "", 1, err); /* NUL-terminate */
	if (rc == 0 && buf->len > 0 && ae_has_nul(buf->data, buf->len - 1))
		rc = ae_fail(err, AE_EINVAL, "the client secret holds a NUL");
	return rc;
}
