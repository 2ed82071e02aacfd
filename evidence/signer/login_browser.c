/* evidence/signer/login_browser.c -- starting the person's browser for the
 * login (contract in evidence/signer/login.h)
 *
 * The browser outlives the login and runs every extension, helper and
 * crash reporter with the environment it was started with, so it gets
 * none of the signing secrets: the variables named in docs/signing.md
 * "Token", any variable whose name says it holds a token, JWT, secret or
 * password (GitLab's id_tokens take any name the pipeline gives them),
 * and any variable whose value is shaped like a JWT, whatever its name.
 * What it is started on is the login's start page, a 0600 file in a 0700
 * directory, never a URL that leads to the authorization URL and its
 * state (a command line is public: /proc/PID/cmdline).
 * Nothing here reads the process environment: the caller passes it.
 */
#include "evidence/signer/login.h"

#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>

/* Names that hold a signing secret, exactly. */
static const char *const browser_secret_names[] = {
	"SIGSTORE_OIDC_CLIENT_SECRET",
	"SIGSTORE_ID_TOKEN",
	"ACTIONS_ID_TOKEN_REQUEST_TOKEN",
	"ACTIONS_ID_TOKEN_REQUEST_URL",
	"ACTIONS_RUNTIME_TOKEN",
	"ACTIONS_RUNTIME_URL",
	"GITHUB_TOKEN",
	"GH_TOKEN",
	"BUILDKITE_AGENT_ACCESS_TOKEN",
	"CI_JOB_JWT",
	"CI_JOB_JWT_V1",
	"CI_JOB_JWT_V2",
	"CI_JOB_TOKEN",
	"REGISTRY_AUTH_FILE",
	"DOCKER_AUTH_CONFIG",
};

/* Words that mark a name as a credential's, anywhere in it, in any case
 * ("MY_ID_TOKEN", "gitlab_oidc_jwt", "DEPLOY_SECRET"). */
static const char *const browser_secret_words[] = {
	"TOKEN", "JWT", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL",
};

/* Names kept although a word above is in them: not credentials, and the
 * desktop needs them to raise the browser's window. */
static const char *const browser_keep_names[] = {
	"XDG_ACTIVATION_TOKEN",
	"DESKTOP_STARTUP_ID",
};

static bool browser_name_is(const char *kv, size_t n, const char *name)
{
	return strlen(name) == n && memcmp(kv, name, n) == 0;
}

/* True iff `s` (n bytes) holds `word` in any case. */
static bool browser_has_word(const char *s, size_t n, const char *word)
{
	size_t w = strlen(word);

	for (size_t i = 0; i + w <= n; i++)
		if (strncasecmp(s + i, word, w) == 0)
			return true;
	return false;
}

/* True iff `v` looks like a JWT: "eyJ" (a JSON object's "{\"" in
 * base64url), then base64url with exactly two dots, the last part
 * possibly empty (an unsecured JWT). */
static bool browser_value_is_jwt(const char *v)
{
	size_t dots = 0;

	if (strncmp(v, "eyJ", 3) != 0)
		return false;
	for (const char *p = v; *p; p++) {
		if (*p == '.')
			dots++;
		else if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrst"
				"u"
				"vwxyz0123456789-_=",
				*p) == NULL)
			return false;
	}
	return dots == 2;
}

bool ev_login_env_is_secret(const char *kv)
{
	const char *eq = strchr(kv, '=');
	size_t n = eq ? (size_t)(eq - kv) : strlen(kv);

	for (size_t i = 0;
	     i < sizeof(browser_keep_names) / sizeof(browser_keep_names[0]);
	     i++)
		if (browser_name_is(kv, n, browser_keep_names[i]))
			return false;
	for (size_t i = 0;
	     i < sizeof(browser_secret_names) / sizeof(browser_secret_names[0]);
	     i++)
		if (browser_name_is(kv, n, browser_secret_names[i]))
			return true;
	for (size_t i = 0;
	     i < sizeof(browser_secret_words) / sizeof(browser_secret_words[0]);
	     i++)
		if (browser_has_word(kv, n, browser_secret_words[i]))
			return true;
	return eq != NULL && browser_value_is_jwt(eq + 1);
}

char **ev_login_env_clean(char *const *envp)
{
	size_t n = 0, k = 0;
	char **env;

	while (envp != NULL && envp[n] != NULL)
		n++;
	env = calloc(n + 1, sizeof(*env));
	if (env == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!ev_login_env_is_secret(envp[i]))
			env[k++] = envp[i];
	env[k] = NULL;
	return env;
}

static bool browser_env_set(char *const *envp, const char *name)
{
	const char *v = ev_env_get(envp, name);

	return v != NULL && v[0] != '\0';
}

/* Where the start page goes: a directory of this user's session when the
 * environment names an absolute one. */
static const char *browser_page_base(char *const *envp)
{
	const char *names[] = {"XDG_RUNTIME_DIR", "TMPDIR"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *v = ev_env_get(envp, names[i]);

		if (v != NULL && v[0] == '/')
			return v;
	}
	return "/tmp";
}

pid_t ev_login_browser_open(ev_login *l, char *const *envp)
{
	const char *page = NULL;

#ifdef __APPLE__
	const char *opener = "open";
#else
	const char *opener = "xdg-open";

	/* without a display xdg-open may start a text browser on our own
	 * terminal: the person copies the URL instead */
	if (!browser_env_set(envp, "DISPLAY") &&
	    !browser_env_set(envp, "WAYLAND_DISPLAY"))
		return -1;
#endif
	posix_spawn_file_actions_t fa;
	char **env;
	pid_t pid = -1;

	if (ev_login_start_page(&page, l, browser_page_base(envp), NULL) < 0)
		return -1; /* the person copies the URL */
	char *const argv[] = {(char *)opener, (char *)page, NULL};
	env = ev_login_env_clean(envp);
	if (env == NULL)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, opener, &fa, NULL, argv, env) != 0)
		pid = -1;
	posix_spawn_file_actions_destroy(&fa);
	free(env);
	return pid;
}
