/* evidence/signer/config.c -- SigningConfig v0.2: which services sign
 *
 * A SigningConfig (dev.sigstore.trustroot.v1.SigningConfig, media type
 * application/vnd.dev.sigstore.signingconfig.v0.2+json) lists Fulcio,
 * Rekor and TSA instances, each with an API version and a validity window,
 * and says how many logs and TSAs to use (sigstore.md §11.8). The file
 * comes from the user or a conformance harness, so it is parsed strictly
 * and fuzzed (tests/fuzz/signing_config_fuzz.c); only services whose
 * window contains "now" and whose API version we speak are selected.
 */
#include "evidence/signer/internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CONFIG_MEDIA_TYPE  "application/vnd.dev.sigstore.signingconfig.v0.2+json"
#define CONFIG_MAX_ENTRIES 64 /* services listed per kind */

void ev_sign_services_dispose(ev_sign_services *svc)
{
	if (svc == NULL)
		return;
	free(svc->fulcio_url);
	for (size_t i = 0; i < svc->nrekor; i++)
		free(svc->rekor_url[i]);
	for (size_t i = 0; i < svc->ntsa; i++)
		free(svc->tsa_url[i]);
	free(svc->oidc_url);
	memset(svc, 0, sizeof(*svc));
}

/* RFC 3339 UTC ("2025-01-01T00:00:00Z", optional fraction, "Z" or
 * "+00:00"), the protobuf Timestamp JSON form, read as the trusted root's
 * validFor is (AE_TIME_PROTOBUF); fractions are dropped. */
static int config_time(int64_t *out, const char *s, ae_err *err)
{
	ae_time t;

	*out = 0;
	if (ae_time_parse_rfc3339(&t, s, strlen(s), AE_TIME_PROTOBUF, NULL) < 0)
		return ae_fail(err, AE_EINVAL,
			       "signing config time is not RFC 3339 UTC");
	*out = t.sec;
	return 0;
}

/* One Service entry: url, majorApiVersion, validFor. Sets *usable when
 * the window contains `now`. */
static int config_service(const char **url, int *version, bool *usable,
			  json_t *e, int64_t now, ae_err *err)
{
	json_t *vf = json_object_get(e, "validFor");
	json_t *ver = json_object_get(e, "majorApiVersion");
	const char *start = json_string_value(json_object_get(vf, "start"));
	json_t *end = json_object_get(vf, "end");
	int64_t t0 = 0, t1 = 0;
	int rc;

	*url = json_string_value(json_object_get(e, "url"));
	*usable = false;
	if (!json_is_object(e) || *url == NULL || **url == '\0' ||
	    strlen(*url) > EV_SIGN_URL_MAX_BYTES)
		return ae_fail(err, AE_EINVAL,
			       "signing config service has no usable url");
	if (ver != NULL &&
	    (!json_is_integer(ver) || json_integer_value(ver) < 0 ||
	     json_integer_value(ver) > 1000))
		return ae_fail(err, AE_EINVAL,
			       "signing config majorApiVersion is not a small "
			       "integer");
	*version = ver ? (int)json_integer_value(ver) : 0;
	if (!json_is_object(vf) || start == NULL)
		return ae_fail(err, AE_EINVAL,
			       "signing config service lacks validFor.start");
	rc = config_time(&t0, start, err);
	if (rc == 0 && end != NULL) {
		if (!json_is_string(end))
			return ae_fail(err, AE_EINVAL,
				       "signing config validFor.end is not a "
				       "string");
		rc = config_time(&t1, json_string_value(end), err);
	}
	if (rc == 0)
		*usable = t0 <= now && (end == NULL || now <= t1);
	return rc;
}

/* How many services a selector asks for; 0 = all. */
static int config_selector(size_t *count, json_t *cfg, const char *what,
			   ae_err *err)
{
	const char *sel = json_string_value(json_object_get(cfg, "selector"));
	json_t *n = json_object_get(cfg, "count");

	*count = 1;
	if (cfg != NULL && !json_is_object(cfg))
		return ae_fail(err, AE_EINVAL,
			       "signing config %s is not an "
			       "object",
			       what);
	if (sel == NULL || strcmp(sel, "ANY") == 0)
		return 0;
	if (strcmp(sel, "ALL") == 0) {
		*count = 0;
		return 0;
	}
	if (strcmp(sel, "EXACT") != 0)
		return ae_fail(err, AE_EINVAL,
			       "signing config %s selector is not ANY, ALL or "
			       "EXACT",
			       what);
	if (!json_is_integer(n) || json_integer_value(n) < 1 ||
	    json_integer_value(n) > EV_SIGN_MAX_SERVICES)
		return ae_fail(err, AE_EINVAL,
			       "signing config %s EXACT count is not 1..%d",
			       what, EV_SIGN_MAX_SERVICES);
	*count = (size_t)json_integer_value(n);
	return 0;
}

/* A copy of `url` without trailing slashes. */
static char *config_url(const char *url)
{
	size_t n = strlen(url);

	while (n > 0 && url[n - 1] == '/')
		n--;
	return strndup(url, n);
}

/* The API version to use from `list`: `want` if some usable entry has it,
 * or for want == 0 the highest version we speak (Rekor 2, else 1); 0 when
 * nothing usable. */
static int config_best(int *best, json_t *list, int want, int64_t now,
		       ae_err *err)
{
	const char *url;
	int ver, rc = 0;
	bool usable;

	*best = 0;
	for (size_t i = 0; i < json_array_size(list) && rc == 0; i++) {
		rc = config_service(&url, &ver, &usable,
				    json_array_get(list, i), now, err);
		if (rc < 0 || !usable)
			continue;
		if (want ? ver == want : (ver == 1 || ver == 2) && ver > *best)
			*best = ver;
	}
	return rc;
}

/* Selects from list `key` the usable entries of the chosen API version per
 * the selector `cfg` (NULL: one). Nothing usable selects nothing; the
 * caller decides whether that is an error. */
static int config_pick(char **urls, size_t *n, int *picked_version, json_t *doc,
		       const char *key, int want, json_t *cfg, int64_t now,
		       ae_err *err)
{
	json_t *list = json_object_get(doc, key);
	const char *url;
	int ver, best = 0;
	bool usable;
	size_t count = 0, avail = 0;
	int rc;

	*n = 0;
	if (list != NULL && !json_is_array(list))
		return ae_fail(err, AE_EINVAL,
			       "signing config %s is not a "
			       "list",
			       key);
	if (json_array_size(list) > CONFIG_MAX_ENTRIES)
		return ae_fail(err, AE_ETOOBIG,
			       "signing config %s has %zu entries, cap %d", key,
			       json_array_size(list), CONFIG_MAX_ENTRIES);
	rc = config_best(&best, list, want, now, err);
	if (rc == 0)
		rc = config_selector(&count, cfg, key, err);
	for (size_t i = 0; i < json_array_size(list) && rc == 0 && best; i++) {
		rc = config_service(&url, &ver, &usable,
				    json_array_get(list, i), now, err);
		if (rc < 0 || !usable || ver != best)
			continue;
		if (avail < EV_SIGN_MAX_SERVICES &&
		    (count == 0 || avail < count))
			urls[avail] = config_url(url);
		avail++;
	}
	if (rc < 0 || avail == 0)
		return rc;
	if (count == 0) /* ALL */
		count = avail;
	if (count > EV_SIGN_MAX_SERVICES)
		return ae_fail(err, AE_ETOOBIG,
			       "signing config selects %zu of %s, cap %d",
			       count, key, EV_SIGN_MAX_SERVICES);
	if (avail < count)
		return ae_fail(err, AE_EINVAL,
			       "signing config asks for %zu of %s, %zu usable",
			       count, key, avail);
	for (size_t i = 0; i < count; i++)
		if (urls[i] == NULL)
			return ae_fail(err, AE_ERR, "out of memory");
	*n = count;
	*picked_version = best;
	return 0;
}

int ev_signing_config_parse(ev_sign_services *out, const unsigned char *buf,
			    size_t len, int64_t now, ae_err *err)
{
	json_t *doc = NULL;
	const char *mt;
	char *ca[EV_SIGN_MAX_SERVICES] = {0};
	size_t nca = 0;
	int ver = 0, tsa_ver = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len > EV_SIGNING_CONFIG_MAX_BYTES)
		return ae_fail(err, AE_ETOOBIG,
			       "signing config is %zu bytes, cap %u", len,
			       EV_SIGNING_CONFIG_MAX_BYTES);
	rc = ae_json_parse((void **)&doc, buf, len, err);
	if (rc < 0)
		return rc;
	mt = json_string_value(json_object_get(doc, "mediaType"));
	if (!json_is_object(doc) || mt == NULL ||
	    strcmp(mt, CONFIG_MEDIA_TYPE) != 0) {
		rc = ae_fail(err, AE_EINVAL,
			     "signing config media type is not %s",
			     CONFIG_MEDIA_TYPE);
		goto done;
	}
	rc = config_pick(ca, &nca, &ver, doc, "caUrls", 1, NULL, now, err);
	if (rc == 0) {
		out->fulcio_url = ca[0];
		ca[0] = NULL;
		rc = config_pick(out->rekor_url, &out->nrekor,
				 &out->rekor_version, doc, "rekorTlogUrls", 0,
				 json_object_get(doc, "rekorTlogConfig"), now,
				 err);
	}
	if (rc == 0)
		rc = config_pick(out->tsa_url, &out->ntsa, &tsa_ver, doc,
				 "tsaUrls", 1,
				 json_object_get(doc, "tsaConfig"), now, err);
	if (rc == 0) {
		size_t noidc = 0;
		int oidc_ver = 0;
		char *oidc[EV_SIGN_MAX_SERVICES] = {0};

		rc = config_pick(oidc, &noidc, &oidc_ver, doc, "oidcUrls", 1,
				 NULL, now, err);
		out->oidc_url = oidc[0];
		for (size_t i = 1; i < EV_SIGN_MAX_SERVICES; i++)
			free(oidc[i]);
	}
done:
	for (size_t i = 0; i < EV_SIGN_MAX_SERVICES; i++)
		free(ca[i]);
	json_decref(doc);
	if (rc < 0) {
		/* partially filled lists hold their own URLs */
		for (size_t i = 0; i < EV_SIGN_MAX_SERVICES; i++) {
			free(out->rekor_url[i]);
			free(out->tsa_url[i]);
		}
		free(out->fulcio_url);
		free(out->oidc_url);
		memset(out, 0, sizeof(*out));
	}
	return rc;
}

int ev_trust_documents_check(const unsigned char *root, size_t root_len,
			     const unsigned char *sc, size_t sc_len,
			     int64_t now, ae_err *err)
{
	ev_sign_services svc;
	ev_trust *t = NULL;
	int rc = ev_trust_new_empty(&t, err);

	if (rc == 0)
		rc = ev_trust_add_json(t, root, root_len, err);
	ev_trust_free(t);
	if (rc == 0 && sc != NULL) {
		rc = ev_signing_config_parse(&svc, sc, sc_len, now, err);
		if (rc == 0)
			ev_sign_services_dispose(&svc);
	}
	return rc;
}
