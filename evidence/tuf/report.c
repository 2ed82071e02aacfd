/* evidence/tuf/report.c -- what is trusted, and why: the report of `trust
 * show`
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
 * this file makes no trust decision.
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

static json_t *show_digest(const unsigned char *d, size_t n)
{
	unsigned char sha[AE_SHA256_LEN];
	char dg[AE_DIGEST_STR_LEN];

	ae_sha256(sha, d, n);
	ae_digest_format(dg, sha);
	return json_string(dg);
}

static json_t *show_tuf(const tuf_trust *t)
{
	static const char *const roles[] = {"root", "timestamp", "snapshot",
					    "targets"};
	json_t *r;
	char when[32];

	if (t->tuf == NULL)
		return json_null();
	r = json_object();
	for (size_t i = 0; i < 4; i++) {
		tuf_time_format(when, tuf_state_expires(t->tuf, roles[i]));
		json_object_set_new(r, roles[i],
				    json_pack("{s:I, s:s}", "version",
					      (json_int_t)tuf_state_version(
						      t->tuf, roles[i]),
					      "expires", when));
	}
	tuf_time_format(when, tuf_state_updated_at(t->tuf));
	return json_pack("{s:s, s:s, s:s, s:o}", "url", tuf_state_url(t->tuf),
			 "cache", t->cache_dir, "updated", when, "roles", r);
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
