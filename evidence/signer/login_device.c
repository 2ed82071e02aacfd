/* evidence/signer/login_device.c -- the device login, RFC 8628 (contract in
 * evidence/signer/login.h)
 *
 * For a host without a browser (a jump host over ssh): the provider hands
 * out a user code the person types at its verification page on any
 * device, and we poll the token endpoint meanwhile. Polling follows the
 * server: its interval (§3.2), five seconds more after each slow_down
 * (§3.5), stop at expired_token, access_denied, the code's expiry or the
 * login's deadline, whichever comes first. The device code is a bearer
 * secret for the pending login: wiped on free, never shown.
 */
#include "evidence/core/http.h"
#include "evidence/signer/internal.h"
#include "evidence/signer/login.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEVICE_GRANT "urn:ietf:params:oauth:grant-type:device_code"

struct ev_device {
	ev_login_opts o; /* strings below are our copies */
	char *issuer, *client_id, *client_secret;
	ev_oidc_provider prov;
	ev_device_grant g;
	int64_t expires_ms; /* CLOCK_MONOTONIC instant the code dies */
};

/* Copies the options, filling the defaults. */
static int device_opts(ev_device *d, const ev_login_opts *o, ae_err *err)
{
	d->o = *o;
	d->issuer = strdup(o->issuer ? o->issuer : EV_LOGIN_DEFAULT_ISSUER);
	d->client_id = strdup(o->client_id ? o->client_id
					   : EV_LOGIN_DEFAULT_CLIENT_ID);
	d->client_secret = o->client_secret ? strdup(o->client_secret) : NULL;
	if (d->issuer == NULL || d->client_id == NULL ||
	    (o->client_secret != NULL && d->client_secret == NULL))
		return ae_fail(err, AE_ERR, "out of memory");
	d->o.issuer = d->issuer;
	d->o.client_id = d->client_id;
	d->o.client_secret = d->client_secret;
	if (d->o.now == 0)
		d->o.now = (int64_t)time(NULL);
	return 0;
}

/* POSTs the device authorization request (§3.1) and reads the grant. */
static int device_authorize(ev_device *d, ae_err *err)
{
	ae_buf form = AE_BUF_INIT(AE_URL_MAX), body;
	ev_oidc_answer a = {0};
	long status = 0;
	int rc;

	ae_buf_init(&body, 1);
	rc = ev__login_form_add(&form, "client_id", d->client_id, err);
	if (rc == 0)
		rc = ev__login_form_add(&form, "scope", "openid email", err);
	if (rc == 0)
		rc = ev__login_post(&status, &body,
				    "device authorization endpoint",
				    d->prov.device_authorization_endpoint,
				    &form, &d->o, AE_HTTP_IDEMPOTENT, err);
	if (rc == 0 && status == 200)
		rc = ev_device_grant_parse(&d->g, body.data, body.len, err);
	else if (rc == 0)
		rc = ev_oidc_answer_parse(&a, status, body.data, body.len, err);
	if (rc == 0 && a.error != NULL)
		rc = ev__login_refused(
			&a, "the provider refused the device login", err);
	if (body.data != NULL)
		OPENSSL_cleanse(body.data, body.len);
	ae_buf_dispose(&body);
	ev_oidc_answer_dispose(&a);
	ae_buf_dispose(&form);
	return rc;
}

int ev_device_begin(ev_device **out, const ev_login_opts *opts, ae_err *err)
{
	ev_device *d = NULL;
	int rc;

	*out = NULL;
	AE_ASSERT_ARG(opts != NULL, err);
	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	rc = device_opts(d, opts, err);
	if (rc == 0)
		rc = ev_oidc_discover(&d->prov, d->issuer, d->o.deadline_ms,
				      err);
	if (rc == 0 && d->prov.device_authorization_endpoint == NULL)
		rc = ae_fail(err, AE_EINVAL,
			     "the provider offers no device login (no "
			     "device_authorization_endpoint): use the browser "
			     "login");
	if (rc == 0)
		rc = device_authorize(d, err);
	if (rc < 0) {
		ev_device_free(d);
		return rc;
	}
	d->expires_ms = ae_clock_ms() + d->g.expires_in * 1000;
	*out = d;
	return 0;
}

const char *ev_device_user_code(const ev_device *d)
{
	return d ? d->g.user_code : NULL;
}

const char *ev_device_uri(const ev_device *d)
{
	return d ? d->g.verification_uri : NULL;
}

const char *ev_device_uri_complete(const ev_device *d)
{
	return d ? d->g.verification_uri_complete : NULL;
}

int64_t ev_device_expires_in(const ev_device *d)
{
	return d ? d->g.expires_in : 0;
}

/* Sleeps `ms` milliseconds (whole, across signals). */
static void device_sleep_ms(int64_t ms)
{
	struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000};

	while (ms > 0 && nanosleep(&ts, &ts) != 0)
		;
}

/* One poll of the token endpoint (§3.4): the answer into `a`. */
static int device_poll(ev_oidc_answer *a, ev_device *d, ae_err *err)
{
	ae_buf form = AE_BUF_INIT(4 * EV_LOGIN_PARAM_MAX_BYTES);
	int rc;

	rc = ev__login_form_add(&form, "grant_type", DEVICE_GRANT, err);
	if (rc == 0)
		rc = ev__login_form_add(&form, "device_code", d->g.device_code,
					err);
	if (rc == 0)
		rc = ev__login_form_add(&form, "client_id", d->client_id, err);
	if (rc == 0)
		rc = ev__login_token_post(a, d->prov.token_endpoint, &form,
					  &d->o, AE_HTTP_IDEMPOTENT, err);
	if (form.data != NULL)
		OPENSSL_cleanse(form.data, form.len);
	ae_buf_dispose(&form);
	return rc;
}

/* What an error answer means for the loop (§3.5): 1 poll again (the
 * interval already raised for slow_down), < 0 the login is over. */
static int device_judge(const ev_oidc_answer *a, ev_device *d, ae_err *err)
{
	if (strcmp(a->error, "authorization_pending") == 0)
		return 1;
	if (strcmp(a->error, "slow_down") == 0) {
		d->g.interval += EV_DEVICE_SLOW_DOWN_S;
		return 1;
	}
	if (strcmp(a->error, "access_denied") == 0)
		return ev__login_refused(
			a, "the device login was refused at the provider", err);
	if (strcmp(a->error, "expired_token") == 0)
		return ev__login_refused(a,
					 "the device code expired before the "
					 "login was approved",
					 err);
	return ev__login_refused(a, "the provider ended the device login", err);
}

int ev_device_finish(ev_token **out, ev_device *d, ae_err *err)
{
	ae_deadline dl = {0};
	char when[64];
	int rc = 1;

	*out = NULL;
	AE_ASSERT_ARG(d != NULL && d->g.device_code != NULL, err);
	dl.at_ms = d->expires_ms;
	dl = ae_deadline_min(dl, (ae_deadline){d->o.deadline_ms});
	while (rc == 1) {
		ev_oidc_answer a = {0};
		int64_t wait = d->g.interval * 1000;

		if (wait >= ae_deadline_left_ms(dl)) {
			ev_duration_human(when, sizeof(when), d->g.expires_in);
			return ae_fail(err, AE_EAUTH,
				       "the device login was not approved in "
				       "time (the code lives %s; the login's "
				       "deadline is --oidc-timeout)",
				       when);
		}
		device_sleep_ms(wait);
		rc = device_poll(&a, d, err);
		if (rc == 0 && a.error != NULL)
			rc = device_judge(&a, d, err);
		else if (rc == 0)
			rc = ev__login_token(out, a.id_token, &d->o, NULL, err);
		ev_oidc_answer_dispose(&a);
	}
	return rc;
}

void ev_device_free(ev_device *d)
{
	if (d == NULL)
		return;
	ev_oidc_provider_dispose(&d->prov);
	ev_device_grant_dispose(&d->g);
	free(d->issuer);
	free(d->client_id);
	if (d->client_secret != NULL)
		OPENSSL_cleanse(d->client_secret, strlen(d->client_secret));
	free(d->client_secret);
	OPENSSL_cleanse(d, sizeof(*d));
	free(d);
}
