/* evidence/tuf/report.c -- what is trusted, and why: the reports of `trust
 * show` and `trust update`
 *
 * Which trusted root and signing config the other commands use right now
 * (tuf_trust_resolve: the TUF cache when it verifies and is current, else
 * the embedded documents), where they came from (the repository, the
 * versions and expiry of its roles, when it was last updated -- or
 * "embedded" and why the cache is not in force), their digests, and every
 * transparency log, CT log, CA and TSA of the trusted root with its
 * validity window; the services the signing config selects. Text for
 * people (every value escaped), JSON for scripts, built into a buffer
 * that cmd/ prints. The documents are shown as the verifier reads them;
 * this file makes no trust decision. An update's report says whether
 * anything changed, the roles' versions and expiry, the targets' digests
 * and the cache it went to.
 */
#include "evidence/tuf/internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* {"start": S, "end": E?} as "S .. E" ("open" without an end). */
static json_t *show_window(json_t *vf)
{
	const char *s = json_string_value(json_object_get(vf, "start"));
	const char *e = json_string_value(json_object_get(vf, "end"));

	return json_pack("{s:s, s:s?}", "start", s ? s : "", "end", e);
}

/* One list of the trusted root ("tlogs", "ctlogs", "certificateAuthorities",
 * "timestampAuthorities") as [{name, validFor}]. */
static json_t *show_list(json_t *root, const char *key)
{
	json_t *out = json_array(), *e;
	size_t i;

	json_array_foreach(json_object_get(root, key), i, e)
	{
		json_t *pk = json_object_get(e, "publicKey");
		json_t *vf = pk ? json_object_get(pk, "validFor")
				: json_object_get(e, "validFor");
		const char *name =
			json_string_value(json_object_get(e, "baseUrl"));

		if (name == NULL)
			name = json_string_value(json_object_get(e, "uri"));
		json_array_append_new(
			out, json_pack("{s:s, s:o}", "url", name ? name : "",
				       "validFor", show_window(vf)));
	}
	return out;
}

/* The signing config's service lists as [{url, api, validFor}]. */
static json_t *show_services(json_t *sc, const char *key)
{
	json_t *out = json_array(), *e;
	size_t i;

	json_array_foreach(json_object_get(sc, key), i, e)
	{
		const char *u = json_string_value(json_object_get(e, "url"));

		json_array_append_new(
			out,
			json_pack("{s:s, s:I, s:o}", "url", u ? u : "",
				  "majorApiVersion",
				  json_integer_value(json_object_get(
					  e, "majorApiVersion")),
				  "validFor",
				  show_window(json_object_get(e, "validFor"))));
	}
	return out;
}

static void show_sha256(char out[AE_DIGEST_STR_LEN], const unsigned char *d,
			size_t n)
{
	unsigned char sha[AE_SHA256_LEN];

	ae_sha256(sha, d, n);
	ae_digest_format(out, sha);
}

static json_t *show_digest(const unsigned char *d, size_t n)
{
	char dg[AE_DIGEST_STR_LEN];

	show_sha256(dg, d, n);
	return json_string(dg);
}

static const char *const show_roles[] = {"root", "timestamp", "snapshot",
					 "targets"};

/* {role: {version, expires}} of the four top-level roles of `s`. */
static json_t *show_roles_json(const tuf_state *s)
{
	json_t *r = json_object();
	char when[32];

	for (size_t i = 0; r != NULL && i < 4; i++) {
		tuf_time_format(when, tuf_state_expires(s, show_roles[i]));
		json_object_set_new(r, show_roles[i],
				    json_pack("{s:I, s:s}", "version",
					      (json_int_t)tuf_state_version(
						      s, show_roles[i]),
					      "expires", when));
	}
	return r;
}

static json_t *show_tuf(const tuf_trust *t)
{
	char when[32];

	if (t->tuf == NULL)
		return json_null();
	tuf_time_format(when, tuf_state_updated_at(t->tuf));
	return json_pack("{s:s, s:s, s:s, s:o}", "url", tuf_state_url(t->tuf),
			 "cache", t->cache_dir, "updated", when, "roles",
			 show_roles_json(t->tuf));
}

/* The whole report as one JSON object (the text form prints it). */
static json_t *show_build(const tuf_trust *t, int64_t now)
{
	json_t *root = NULL, *sc = NULL, *out;
	void *doc = NULL;
	char when[32];

	if (ae_json_parse(&doc, t->root, t->root_len, NULL) == 0)
		root = doc;
	if (t->sc != NULL && ae_json_parse(&doc, t->sc, t->sc_len, NULL) == 0)
		sc = doc;
	tuf_time_format(when, now);
	out = json_pack(
		"{s:s, s:s, s:s?, s:o, s:{s:o, s:o, s:o, s:o, s:o}, "
		"s:{s:s, s:o*, s:o, s:o, s:o}}",
		"source", t->source == TUF_TRUST_CACHE ? "tuf" : "embedded",
		"at", when, "note", t->note[0] ? t->note : NULL, "tuf",
		show_tuf(t), "trustedRoot", "digest",
		show_digest(t->root, t->root_len), "tlogs",
		show_list(root, "tlogs"), "ctlogs", show_list(root, "ctlogs"),
		"certificateAuthorities",
		show_list(root, "certificateAuthorities"),
		"timestampAuthorities", show_list(root, "timestampAuthorities"),
		"signingConfig", "source",
		sc ? "tuf"
		   : "built-in defaults (Fulcio and Rekor v1 of the "
		     "public-good instance)",
		"digest", sc ? show_digest(t->sc, t->sc_len) : NULL, "caUrls",
		show_services(sc, "caUrls"), "rekorTlogUrls",
		show_services(sc, "rekorTlogUrls"), "tsaUrls",
		show_services(sc, "tsaUrls"));
	json_decref(root);
	json_decref(sc);
	return out;
}

/* The string member `key` of `o`, escaped (ae_buf_put_esc_value). */
static void show_esc(ae_buf *b, json_t *o, const char *key)
{
	ae_buf_put_esc_value(b, json_string_value(json_object_get(o, key)),
			     NULL);
}

static void show_text_list(ae_buf *b, json_t *list, const char *label)
{
	json_t *x;
	size_t i;

	json_array_foreach(list, i, x)
	{
		json_t *vf = json_object_get(x, "validFor");
		json_t *api = json_object_get(x, "majorApiVersion");

		ae_buf_printf(b, NULL, "  %-6s ", label);
		show_esc(b, x, "url");
		ae_buf_printf(b, NULL, "%s%s  valid ", api ? " v" : "",
			      api ? (json_integer_value(api) == 2 ? "2" : "1")
				  : "");
		show_esc(b, vf, "start");
		ae_buf_puts(b, " .. ", NULL);
		if (json_string_value(json_object_get(vf, "end")) != NULL)
			show_esc(b, vf, "end");
		else
			ae_buf_puts(b, "(open)", NULL);
		ae_buf_puts(b, "\n", NULL);
	}
}

static void show_text(ae_buf *b, json_t *r)
{
	json_t *tuf = json_object_get(r, "tuf");
	json_t *tr = json_object_get(r, "trustedRoot");
	json_t *sc = json_object_get(r, "signingConfig");

	ae_buf_printf(b, NULL, "in force: %s\n",
		      json_string_value(json_object_get(r, "source")));
	if (json_string_value(json_object_get(r, "note")) != NULL) {
		ae_buf_puts(b, "note: ", NULL);
		show_esc(b, r, "note");
		ae_buf_puts(b, "\n", NULL);
	}
	if (json_is_object(tuf)) {
		const char *k;
		json_t *v;

		ae_buf_puts(b, "TUF repository ", NULL);
		show_esc(b, tuf, "url");
		ae_buf_puts(b, "\n  cache ", NULL);
		show_esc(b, tuf, "cache");
		ae_buf_printf(
			b, NULL, "\n  updated %s\n",
			json_string_value(json_object_get(tuf, "updated")));
		json_object_foreach(json_object_get(tuf, "roles"), k, v)
			ae_buf_printf(b, NULL, "  %-10s v%-6lld expires %s\n",
				      k,
				      (long long)json_integer_value(
					      json_object_get(v, "version")),
				      json_string_value(
					      json_object_get(v, "expires")));
	}
	ae_buf_printf(b, NULL, "trusted root %s\n",
		      json_string_value(json_object_get(tr, "digest")));
	show_text_list(b, json_object_get(tr, "tlogs"), "tlog");
	show_text_list(b, json_object_get(tr, "ctlogs"), "ctlog");
	show_text_list(b, json_object_get(tr, "certificateAuthorities"), "ca");
	show_text_list(b, json_object_get(tr, "timestampAuthorities"), "tsa");
	ae_buf_printf(
		b, NULL, "signing config %s\n",
		json_object_get(sc, "digest")
			? json_string_value(json_object_get(sc, "digest"))
			: json_string_value(json_object_get(sc, "source")));
	show_text_list(b, json_object_get(sc, "caUrls"), "ca");
	show_text_list(b, json_object_get(sc, "rekorTlogUrls"), "rekor");
	show_text_list(b, json_object_get(sc, "tsaUrls"), "tsa");
}

int tuf_trust_show(ae_buf *out, const tuf_trust *t, int64_t now, bool json,
		   ae_err *err)
{
	json_t *r = show_build(t, now);

	if (r == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	if (json) {
		char *text = json_dumps(r, JSON_INDENT(2));

		if (text != NULL)
			ae_buf_printf(out, NULL, "%s\n", text);
		free(text);
	} else {
		show_text(out, r);
	}
	json_decref(r);
	return 0;
}

int tuf_update_report(ae_buf *out, const tuf_state *s, const char *cache_dir,
		      bool json, ae_err *err)
{
	const char *status = tuf_state_unchanged(s) ? "current" : "updated";
	char dg[TUF_TRUST_NTARGETS][AE_DIGEST_STR_LEN], when[32];
	size_t n;

	for (size_t i = 0; i < TUF_TRUST_NTARGETS; i++) {
		const unsigned char *d =
			tuf_state_target(s, tuf_trust_targets[i], &n);

		if (d != NULL)
			show_sha256(dg[i], d, n);
		else
			snprintf(dg[i], sizeof(dg[i]), "absent");
	}
	if (json) {
		json_t *j = json_pack(
			"{s:s, s:s, s:s, s:o, s:{s:s, s:s}}", "status", status,
			"url", tuf_state_url(s), "cache", cache_dir, "roles",
			show_roles_json(s), "targets", tuf_trust_targets[0],
			dg[0], tuf_trust_targets[1], dg[1]);
		char *text = j ? json_dumps(j, JSON_INDENT(2)) : NULL;

		if (text != NULL)
			ae_buf_printf(out, NULL, "%s\n", text);
		free(text);
		json_decref(j);
		return 0;
	}
	ae_buf_printf(out, NULL, "%s: %s\n",
		      strcmp(status, "current") == 0 ? "already current"
						     : "updated",
		      tuf_state_url(s));
	for (size_t i = 0; i < 4; i++) {
		tuf_time_format(when, tuf_state_expires(s, show_roles[i]));
		ae_buf_printf(out, NULL, "  %-10s v%-6lld expires %s\n",
			      show_roles[i],
			      (long long)tuf_state_version(s, show_roles[i]),
			      when);
	}
	for (size_t i = 0; i < TUF_TRUST_NTARGETS; i++)
		ae_buf_printf(out, NULL, "  %-26s %s\n", tuf_trust_targets[i],
			      dg[i]);
	return ae_buf_printf(out, err, "  cache %s\n", cache_dir);
}
