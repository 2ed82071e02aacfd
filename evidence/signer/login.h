/* evidence/signer/login.h -- OIDC identity tokens for people and CI: the
 * browser login, the device login, and the ambient sources beyond GitHub
 * Actions (issue 21)
 *
 * A person signing from a laptop gets a token the way cosign,
 * sigstore-python and sigstore-js do: OpenID Connect discovery
 * (/.well-known/openid-configuration) at the issuer, then either
 *   - the authorization code flow with PKCE S256 (RFC 6749 §4.1, RFC 7636)
 *     and a loopback redirect (RFC 8252 §7.3): a listener on 127.0.0.1 at a
 *     random port, `state` and `nonce` random per login and checked, the
 *     code exchanged once for the ID token; or
 *   - the device authorization grant (RFC 8628) for a host without a
 *     browser: a user code shown, the token endpoint polled at the
 *     server's interval, slower on slow_down.
 * A CI job's token comes from Buildkite's agent or Google Cloud's metadata
 * server here (GitHub Actions and the environment: evidence/signer/oidc.c).
 *
 * Every request goes through the signer's HTTP client (the one URL
 * policy: https, plain http to loopback only, no userinfo, no redirect).
 * Nothing here prints, exits or reads the environment: cmd/ shows the URL
 * or the user code between _begin and _finish. The token that comes back
 * is checked (ev_token_check: issuer as requested, audience the client id,
 * the nonce of this login, not expired, a verified e-mail) before it is
 * returned. The code, the verifier, the device code, the client secret and
 * the token are secrets: wiped on free, never in a message.
 */
#ifndef AE_EVIDENCE_SIGNER_LOGIN_H
#define AE_EVIDENCE_SIGNER_LOGIN_H

#include "evidence/signer/signer.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The public-good instance (its signing config's oidcUrls). */
#define EV_LOGIN_DEFAULT_ISSUER	   "https://oauth2.sigstore.dev/auth"
#define EV_LOGIN_DEFAULT_CLIENT_ID "sigstore"
/* How long a person gets to log in, by default. */
#define EV_LOGIN_TIMEOUT_DEFAULT_S 300
/* The redirect path when --oidc-redirect-url does not name one (cosign's,
 * registered for the public-good client). */
#define EV_LOGIN_REDIRECT_PATH "/auth/callback"

/* Caps on what the provider, the browser and the agent send (STYLE §3.7).
 * A discovery document is 1-5 KiB (Google's 1.3, Dex's 1.6); a token
 * answer is an ID token plus an access token. */
#define EV_LOGIN_DOC_MAX_BYTES	   (64u << 10)
#define EV_LOGIN_REQUEST_MAX_BYTES 8192 /* the redirect's request head */
#define EV_LOGIN_PARAM_MAX_BYTES   2048 /* one query or JSON value we keep */
#define EV_LOGIN_SECRET_MAX_BYTES  4096 /* a client secret */
/* The variable that may hold the confidential client's secret. */
#define EV_LOGIN_SECRET_ENV "SIGSTORE_OIDC_CLIENT_SECRET"
/* Seconds one browser connection may take to send its request. */
#define EV_LOGIN_CONN_TIMEOUT_S 10
/* Device flow: the interval when the server names none (RFC 8628 §3.2),
 * the step slow_down adds (§3.5), and the longest interval we accept. */
#define EV_DEVICE_INTERVAL_DEFAULT_S 5
#define EV_DEVICE_SLOW_DOWN_S	     5
#define EV_DEVICE_INTERVAL_MAX_S     60

/* What a login needs; strings borrowed. */
typedef struct ev_login_opts {
	const char *issuer;	   /* required: https, or http to loopback */
	const char *client_id;	   /* NULL: EV_LOGIN_DEFAULT_CLIENT_ID */
	const char *client_secret; /* NULL: a public client (PKCE alone) */
	/* http://127.0.0.1|localhost[:port][/path]; NULL: 127.0.0.1, a
	 * random port, EV_LOGIN_REDIRECT_PATH. Port 0 or none: random. */
	const char *redirect_url;
	int64_t deadline_ms; /* the whole login (CLOCK_MONOTONIC ms); 0 none */
	int64_t now;	     /* seconds since the epoch for the token check */
} ev_login_opts;

#define EV_LOGIN_OPTS_INIT                                                     \
	{                                                                      \
		NULL, NULL, NULL, NULL, 0, 0                                   \
	}

/* ---- OpenID Connect discovery ---- */

/* The provider metadata we use (OIDC Discovery §3). Plain data. */
typedef struct ev_oidc_provider {
	char *issuer;
	char *authorization_endpoint;
	char *token_endpoint;
	char *device_authorization_endpoint; /* NULL when not offered */
	/* RFC 9207: the provider adds iss to its authorization answers */
	bool iss_in_response;
} ev_oidc_provider;

/* Parses a discovery document that must describe `issuer` (its `issuer`
 * equal to it exactly, OIDC Discovery §4.3). Endpoints must pass the URL
 * policy; a code_challenge_methods_supported without S256 is refused (no
 * PKCE downgrade). AE_EINVAL for anything malformed or refused,
 * AE_ETOOBIG past EV_LOGIN_DOC_MAX_BYTES. `out` zeroed on failure;
 * dispose it in every case. */
int ev_oidc_provider_parse(ev_oidc_provider *out, const char *issuer,
			   const unsigned char *buf, size_t len, ae_err *err);

/* GETs <issuer>/.well-known/openid-configuration and parses it. Codes of
 * ev_oidc_provider_parse; AE_ETRANSIENT when the issuer is unreachable;
 * AE_ENOTFOUND for a 404. */
int ev_oidc_discover(ev_oidc_provider *out, const char *issuer,
		     int64_t deadline_ms, ae_err *err);

/* Frees the strings and zeroes the struct. NULL is a no-op. */
void ev_oidc_provider_dispose(ev_oidc_provider *p);

/* ---- the redirect (RFC 6749 §4.1.2) ---- */

/* The parameters of one redirect request; strings NULL when absent. */
typedef struct ev_login_redirect {
	bool on_path; /* the request is for the redirect path */
	char *code;   /* a secret */
	char *state;
	char *iss; /* RFC 9207 */
	char *error;
	char *error_description;
} ev_login_redirect;

/* Parses an HTTP request head (`buf`, `len`: up to the blank line) sent to
 * the redirect listener: "GET <path>?<query> HTTP/1.x". `path` is the
 * redirect path; a request for another path (a browser's favicon) gives
 * on_path false and no parameters. Query values are percent-decoded;
 * a repeated parameter, a NUL or control byte in a value, a value past
 * EV_LOGIN_PARAM_MAX_BYTES, a method other than GET or a malformed line is
 * AE_EINVAL. On failure the parameters are zeroed and on_path still tells
 * whether the request was for the redirect path; dispose `out` in every
 * case. */
int ev_login_redirect_parse(ev_login_redirect *out, const char *path,
			    const unsigned char *buf, size_t len, ae_err *err);

/* Wipes the code and frees the strings. NULL is a no-op. */
void ev_login_redirect_dispose(ev_login_redirect *r);

/* ---- token endpoint answers (RFC 6749 §5, RFC 8628 §3.5) ---- */

/* A token endpoint's answer: the ID token (a secret), or the error code
 * and its description. Plain data. */
typedef struct ev_oidc_answer {
	char *id_token;
	char *error; /* e.g. "authorization_pending", "invalid_grant" */
	char *error_description;
} ev_oidc_answer;

/* Reads a token endpoint answer with HTTP `status`: 200 must hold an
 * id_token string; 400/401 an error code (RFC 6749 §5.2). AE_EINVAL for
 * anything else or malformed JSON. `out` zeroed on failure; dispose it in
 * every case. */
int ev_oidc_answer_parse(ev_oidc_answer *out, long status,
			 const unsigned char *buf, size_t len, ae_err *err);

/* Wipes the token and frees the strings. NULL is a no-op. */
void ev_oidc_answer_dispose(ev_oidc_answer *a);

/* A device authorization answer (RFC 8628 §3.2). Plain data. */
typedef struct ev_device_grant {
	char *device_code; /* a secret */
	char *user_code;
	char *verification_uri;
	char *verification_uri_complete; /* NULL when not given */
	int64_t expires_in;		 /* seconds */
	int64_t interval;		 /* seconds */
} ev_device_grant;

/* Parses a device authorization answer: device_code, user_code,
 * verification_uri (passing the URL policy: the person opens it) and
 * expires_in required; the user code printable ASCII; interval default
 * EV_DEVICE_INTERVAL_DEFAULT_S, at most EV_DEVICE_INTERVAL_MAX_S.
 * AE_EINVAL otherwise. `out` zeroed on failure; dispose it in every case. */
int ev_device_grant_parse(ev_device_grant *out, const unsigned char *buf,
			  size_t len, ae_err *err);

/* Wipes the device code and frees the strings. NULL is a no-op. */
void ev_device_grant_dispose(ev_device_grant *g);

/* ---- the browser login ---- */

typedef struct ev_login ev_login;

/* Discovers the provider, binds the redirect listener and builds the
 * authorization URL. AE_EINVAL for a bad issuer or redirect URL or
 * provider document; AE_EIO when the listener cannot bind; AE_ETRANSIENT
 * when the issuer is unreachable. *out NULL on failure; free with
 * ev_login_free. */
int ev_login_begin(ev_login **out, const ev_login_opts *opts, ae_err *err);

/* The authorization URL (printable ASCII; it carries the state, nonce
 * and PKCE challenge: show it to the person, never put it on a command
 * line). Borrowed. */
const char *ev_login_url(const ev_login *l);

/* Writes the page to start a browser on: a fresh directory made by
 * mkdtemp under `base` (an absolute path; NULL or relative: /tmp), 0700,
 * holding "login.html", 0600, which refreshes to ev_login_url and links
 * to it. The path (which holds no secret: another local user cannot enter
 * the directory) into *path_out, borrowed; the page and its directory are
 * removed when the login finishes or is freed. A second call gives the
 * same page. AE_EIO when the directory cannot be made or is not private
 * (the person opens the printed URL instead). */
int ev_login_start_page(const char **path_out, ev_login *l, const char *base,
			ae_err *err);

/* Waits for the redirect (requests for other paths are answered 404 and
 * waited past), checks state (and iss, RFC 9207), exchanges the code with
 * the verifier and checks the ID token. AE_EAUTH when the person or the
 * provider refused (access_denied, invalid_grant: a replayed or expired
 * code), the wait passed the deadline, or the token fails a check;
 * AE_EVERIFY for a redirect with another state or issuer; AE_EINVAL for a
 * malformed redirect or answer; AE_ETRANSIENT when the token endpoint is
 * unreachable. *out NULL on failure. The listener is closed on return. */
int ev_login_finish(ev_token **out, ev_login *l, ae_err *err);

/* Closes the listener and wipes the secrets. NULL is a no-op. */
void ev_login_free(ev_login *l);

/* ---- what an environment offers (evidence/signer/login_env.c) ---- */

/* The value of `name` in `envp` ("NAME=value" entries, NULL-terminated),
 * or NULL. Borrowed. Cannot fail. */
const char *ev_env_get(char *const *envp, const char *name);

/* Fills the ambient sources of `src` from `envp` (docs/signing.md
 * "Token"): SIGSTORE_ID_TOKEN, ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN,
 * GITLAB_CI=true, BUILDKITE=true with buildkite-agent on envp's PATH (its
 * path into `agent`), Google Cloud's metadata host (GCE_METADATA_HOST, or
 * a machine whose DMI product name is Google's). The strings point into
 * `envp` and `agent`. Other members are left as they are. Cannot fail. */
void ev_token_sources_from_env(ev_token_sources *src, char *agent,
			       size_t agentsz, char *const *envp);

/* The client secret from `file` (NULL: EV_LOGIN_SECRET_ENV of `envp`),
 * trailing newlines dropped, NUL-terminated into `buf` (empty when there
 * is none; a secret: the caller wipes it). AE_EINVAL for a NUL inside;
 * codes of ae_read_file. */
int ev_login_secret_load(ae_buf *buf, const char *file, char *const *envp,
			 ae_err *err);

/* ---- the person's browser (evidence/signer/login_browser.c) ---- */

/* True iff the environment entry `kv` ("NAME=value") may hold a signing
 * secret: a name of docs/signing.md "Token", a name with TOKEN, JWT,
 * SECRET, PASSWORD or CREDENTIAL in it (any case; XDG_ACTIVATION_TOKEN
 * kept), or a value shaped like a JWT under any name. Cannot fail. */
bool ev_login_env_is_secret(const char *kv);

/* A copy of `envp` without the entries of ev_login_env_is_secret: an
 * array of pointers into `envp` (free the array only), NULL-terminated;
 * NULL when out of memory. */
char **ev_login_env_clean(char *const *envp);

/* Starts xdg-open (open on macOS) on the login's start page
 * (ev_login_start_page under envp's XDG_RUNTIME_DIR, else TMPDIR, else
 * /tmp) -- a path that gives another user nothing, never a URL that leads
 * to the state: a command line is public -- with stdio on /dev/null and
 * the environment `envp` without its secrets (ev_login_env_clean).
 * Without DISPLAY or WAYLAND_DISPLAY in `envp` no browser is started
 * (xdg-open would start a text one on our terminal). The pid, or -1 when
 * none was started (the person opens the printed URL). */
pid_t ev_login_browser_open(ev_login *l, char *const *envp);

/* ---- the device login ---- */

typedef struct ev_device ev_device;

/* Discovers the provider and asks for a device code. AE_EINVAL when the
 * provider offers no device endpoint or answers badly; AE_EAUTH when it
 * refuses the client; AE_ETRANSIENT when unreachable. *out NULL on
 * failure; free with ev_device_free. */
int ev_device_begin(ev_device **out, const ev_login_opts *opts, ae_err *err);

/* What the person is shown. Borrowed; the complete URI may be NULL. */
const char *ev_device_user_code(const ev_device *d);
const char *ev_device_uri(const ev_device *d);
const char *ev_device_uri_complete(const ev_device *d);
/* Seconds the code is valid for. Cannot fail. */
int64_t ev_device_expires_in(const ev_device *d);

/* Polls the token endpoint at the server's interval (plus
 * EV_DEVICE_SLOW_DOWN_S on each slow_down) until the person approves, and
 * checks the ID token. AE_EAUTH for access_denied, expired_token, a
 * deadline or expiry passed, or a token that fails a check; AE_EINVAL for
 * another error or a malformed answer; AE_ETRANSIENT when unreachable.
 * *out NULL on failure. */
int ev_device_finish(ev_token **out, ev_device *d, ae_err *err);

/* Wipes the secrets. NULL is a no-op. */
void ev_device_free(ev_device *d);

/* ---- ambient tokens (evidence/signer/login_ambient.c) ---- */

/* Runs `agent` ("buildkite-agent", found by cmd/ on PATH) as
 * `agent oidc request-token --audience sigstore` without a shell and reads
 * the JWT it prints (at most EV_TOKEN_MAX_BYTES, by the deadline).
 * AE_EAUTH when the agent fails, AE_ETRANSIENT when it outlives the
 * deadline, codes of ev_token_parse. *out NULL on failure. */
int ev_token_from_buildkite(ev_token **out, const char *agent,
			    int64_t deadline_ms, ae_err *err);

/* GETs http://<host>/computeMetadata/v1/instance/service-accounts/default/
 * identity?audience=sigstore&format=full with "Metadata-Flavor: Google"
 * (the metadata server of Google Cloud: metadata.google.internal, reached
 * over plain http on the host's own link, or a loopback GCE_METADATA_HOST).
 * AE_EAUTH for 401/403/404 (no service account), AE_ETRANSIENT when
 * unreachable, codes of ev_token_parse. *out NULL on failure. */
int ev_token_from_gcp(ev_token **out, const char *host, int64_t deadline_ms,
		      ae_err *err);

#endif /* AE_EVIDENCE_SIGNER_LOGIN_H */
