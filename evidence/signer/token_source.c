/* evidence/signer/token_source.c -- where the signing identity token comes
 * from: --identity-token, the CI's own source (GitHub Actions' ID-token
 * endpoint, GitLab's SIGSTORE_ID_TOKEN, Buildkite's agent, Google Cloud's
 * metadata server) or SIGSTORE_ID_TOKEN, chosen in issue 21's order or
 * forced (contracts in evidence/signer/signer.h).
 *
 * It stands above the token reader (oidc.c) and the ambient sources
 * (login_ambient.c), neither of which calls back into it.
 */
#include "evidence/signer/internal.h"
#include "evidence/signer/login.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

/* Fetches a token from the GitHub Actions ID-token endpoint: GET
 * <url>&audience=sigstore with the request token as bearer, answer
 * {"value": "<jwt>"}. */
static int token_from_gha(ev_token **out, const char *url,
			  const char *request_token, int64_t deadline,
			  ae_err *err)
{
	ev__http_req rq = {0};
	ev__http_resp resp = {0};
	ae_buf full = AE_BUF_INIT(EV_SIGN_URL_MAX_BYTES + 32);
	json_t *doc = NULL, *value;
	int rc;

	rc = ae_buf_printf(&full, err, "%s%saudience=%s", url,
			   strchr(url, '?') ? "&" : "?", EV_TOKEN_AUDIENCE);
	if (rc < 0)
		goto done;
	rq.what = "github actions token endpoint";
	rq.url = (const char *)full.data;
	rq.bearer = request_token;
	rq.carries_secret = true;
	rq.deadline_ms = deadline;
	rc = ev__sign_http(&resp, &rq, err);
	if (rc < 0)
		goto done;
	switch (resp.status) {
	case 200:
		break;
	case 401:
	case 403:
		rc = ae_fail(err, AE_EAUTH,
			     "github actions token endpoint refused the "
			     "request token (HTTP %ld)",
			     resp.status);
		goto done;
	default:
		rc = ae_fail(
			err, AE_EINVAL,
			"unexpected HTTP %ld from the github actions token "
			"endpoint",
			resp.status);
		goto done;
	}
	rc = ae_json_parse((void **)&doc, resp.body.data, resp.body.len, NULL);
	value = rc == 0 ? json_object_get(doc, "value") : NULL;
	if (!json_is_string(value)) {
		rc = ae_fail(err, AE_EINVAL,
			     "github actions token endpoint answer has no "
			     "'value' string");
		goto done;
	}
	rc = ev_token_parse(out, json_string_value(value),
			    json_string_length(value), err);
	/* jansson owns the copy; wipe it before it is freed */
	OPENSSL_cleanse((char *)json_string_value(value),
			json_string_length(value));
done:
	if (resp.body.data != NULL)
		OPENSSL_cleanse(resp.body.data, resp.body.len);
	ev__http_resp_dispose(&resp);
	ae_buf_dispose(&full);
	json_decref(doc);
	return rc;
}

static bool token_set(const char *s)
{
	return s != NULL && s[0] != '\0';
}

/* The source an automatic choice takes (issue 21's order), or
 * EV_TOKEN_AUTO when none is available. */
static ev_token_source token_detect(const ev_token_sources *src)
{
	if (token_set(src->gha_url) && token_set(src->gha_request_token))
		return EV_TOKEN_GITHUB;
	if (src->gitlab && token_set(src->env_token))
		return EV_TOKEN_GITLAB;
	if (token_set(src->buildkite_agent))
		return EV_TOKEN_BUILDKITE;
	if (token_set(src->gcp_metadata_host))
		return EV_TOKEN_GOOGLE;
	if (token_set(src->env_token))
		return EV_TOKEN_ENV;
	return EV_TOKEN_AUTO;
}

/* A forced source that is not there: what to set up. */
static int token_absent(ev_token_source s, ae_err *err)
{
	switch (s) {
	case EV_TOKEN_GITHUB:
		return ae_fail(err, AE_ENOTFOUND,
			       "github actions: ACTIONS_ID_TOKEN_REQUEST_URL "
			       "and _TOKEN are not set (the job needs "
			       "permissions: id-token: write)");
	case EV_TOKEN_GITLAB:
		return ae_fail(
			err, AE_ENOTFOUND,
			"gitlab ci: SIGSTORE_ID_TOKEN is not set (declare "
			"id_tokens: SIGSTORE_ID_TOKEN: aud: sigstore in "
			"the job)");
	case EV_TOKEN_BUILDKITE:
		return ae_fail(err, AE_ENOTFOUND,
			       "buildkite: not in a Buildkite job, or "
			       "buildkite-agent is not on PATH");
	case EV_TOKEN_GOOGLE:
		return ae_fail(
			err, AE_ENOTFOUND,
			"google cloud: no metadata server (not on Google "
			"Cloud, and GCE_METADATA_HOST is not set)");
	case EV_TOKEN_ENV:
		return ae_fail(err, AE_ENOTFOUND,
			       "SIGSTORE_ID_TOKEN is not set");
	default:
		return ae_fail(
			err, AE_ENOTFOUND,
			"no identity token: pass --identity-token, set "
			"SIGSTORE_ID_TOKEN, or run in GitHub Actions with "
			"id-token: write");
	}
}

int ev_token_acquire_from(ev_token **out, ev_token_source *used_out,
			  const ev_token_sources *src, ae_err *err)
{
	ev_token_source s;

	*out = NULL;
	if (used_out != NULL)
		*used_out = EV_TOKEN_AUTO;
	AE_ASSERT_ARG(src != NULL, err);
	if (token_set(src->explicit_token))
		return ev_token_parse(out, src->explicit_token,
				      strlen(src->explicit_token), err);
	s = src->force != EV_TOKEN_AUTO ? src->force : token_detect(src);
	if (used_out != NULL)
		*used_out = s;
	switch (s) {
	case EV_TOKEN_GITHUB:
		if (!token_set(src->gha_url) ||
		    !token_set(src->gha_request_token))
			return token_absent(s, err);
		return token_from_gha(out, src->gha_url, src->gha_request_token,
				      src->deadline_ms, err);
	case EV_TOKEN_GITLAB:
	case EV_TOKEN_ENV:
		if (!token_set(src->env_token) ||
		    (s == EV_TOKEN_GITLAB && !src->gitlab))
			return token_absent(s, err);
		return ev_token_parse(out, src->env_token,
				      strlen(src->env_token), err);
	case EV_TOKEN_BUILDKITE:
		if (!token_set(src->buildkite_agent))
			return token_absent(s, err);
		return ev_token_from_buildkite(out, src->buildkite_agent,
					       src->deadline_ms, err);
	case EV_TOKEN_GOOGLE:
		if (!token_set(src->gcp_metadata_host))
			return token_absent(s, err);
		return ev_token_from_gcp(out, src->gcp_metadata_host,
					 src->deadline_ms, err);
	default:
		return token_absent(s, err);
	}
}

int ev_token_acquire(ev_token **out, const ev_token_sources *src, ae_err *err)
{
	return ev_token_acquire_from(out, NULL, src, err);
}
