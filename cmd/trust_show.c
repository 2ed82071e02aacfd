/* cmd/trust_show.c -- `aicr-evidence trust show`: what is trusted, and why
 *
 * Which trusted root and signing config the other commands use right now
 * (cmd_trust_resolve: the TUF cache when it verifies and is current, else
 * the embedded documents), where they came from (the repository, the
 * versions and expiry of its roles, when it was last updated -- or
 * "embedded" and why the cache is not in force), their digests, and every
 * transparency log, CT log, CA and TSA of the trusted root with its
 * validity window; the services the signing config selects. Text for
 * people (every value escaped), JSON for scripts. The documents are
 * shown as the verifier reads them; this file makes no trust decision.
 */
#include "cmd/cmd.h"

#include <jansson.h>
#include <stdio.h>
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

static json_t *show_tuf(const cmd_trust_set *t)
{
	static const char *const roles[] = {"root", "timestamp", "snapshot",
					    "targets"};
	json_t *r;
	char when[32];

	if (t->tuf == NULL)
		return json_null();
	r = json_object();
	for (size_t i = 0; i < 4; i++) {
		cmd_trust_time(when, tuf_state_expires(t->tuf, roles[i]));
		json_object_set_new(r, roles[i],
				    json_pack("{s:I, s:s}", "version",
					      (json_int_t)tuf_state_version(
						      t->tuf, roles[i]),
					      "expires", when));
	}
	cmd_trust_time(when, tuf_state_updated_at(t->tuf));
	return json_pack("{s:s, s:s, s:s, s:o}", "url", tuf_state_url(t->tuf),
			 "cache", t->cache_dir, "updated", when, "roles", r);
}

/* The whole report as one JSON object (the text form prints it). */
static json_t *show_build(const cmd_trust_set *t, int64_t now)
{
	json_t *root = NULL, *sc = NULL, *out;
	void *doc = NULL;
	char when[32];

	if (ae_json_parse(&doc, t->root, t->root_len, NULL) == 0)
		root = doc;
	if (t->sc != NULL && ae_json_parse(&doc, t->sc, t->sc_len, NULL) == 0)
		sc = doc;
	cmd_trust_time(when, now);
	out = json_pack(
		"{s:s, s:s, s:s?, s:o, s:{s:o, s:o, s:o, s:o, s:o}, "
		"s:{s:s, s:o*, s:o, s:o, s:o}}",
		"source", t->source == CMD_TRUST_TUF ? "tuf" : "embedded", "at",
		when, "note", t->note[0] ? t->note : NULL, "tuf", show_tuf(t),
		"trustedRoot", "digest", show_digest(t->root, t->root_len),
		"tlogs", show_list(root, "tlogs"), "ctlogs",
		show_list(root, "ctlogs"), "certificateAuthorities",
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

static void show_text_list(cmd_output *o, cmd_esc_set *e, json_t *list,
			   const char *label)
{
	json_t *x;
	size_t i;

	json_array_foreach(list, i, x)
	{
		json_t *vf = json_object_get(x, "validFor");
		const char *end = json_string_value(json_object_get(vf, "end"));
		json_t *api = json_object_get(x, "majorApiVersion");

		cmd_output_printf(
			o, "  %-6s %s%s%s  valid %s .. %s\n", label,
			cmd_esc(e,
				json_string_value(json_object_get(x, "url"))),
			api ? " v" : "",
			api ? (json_integer_value(api) == 2 ? "2" : "1") : "",
			cmd_esc(e, json_string_value(
					   json_object_get(vf, "start"))),
			end ? cmd_esc(e, end) : "(open)");
		cmd_esc_free(e);
	}
}

static void show_text(cmd_output *o, json_t *r)
{
	json_t *tuf = json_object_get(r, "tuf");
	json_t *tr = json_object_get(r, "trustedRoot");
	json_t *sc = json_object_get(r, "signingConfig");
	const char *note = json_string_value(json_object_get(r, "note"));
	cmd_esc_set e = {0};

	cmd_output_printf(o, "in force: %s\n",
			  json_string_value(json_object_get(r, "source")));
	if (note != NULL)
		cmd_output_printf(o, "note: %s\n", cmd_esc(&e, note));
	if (json_is_object(tuf)) {
		const char *k;
		json_t *v;

		cmd_output_printf(
			o, "TUF repository %s\n  cache %s\n  updated %s\n",
			cmd_esc(&e,
				json_string_value(json_object_get(tuf, "url"))),
			cmd_esc(&e, json_string_value(
					    json_object_get(tuf, "cache"))),
			json_string_value(json_object_get(tuf, "updated")));
		json_object_foreach(json_object_get(tuf, "roles"), k, v)
			cmd_output_printf(
				o, "  %-10s v%-6lld expires %s\n", k,
				(long long)json_integer_value(
					json_object_get(v, "version")),
				json_string_value(
					json_object_get(v, "expires")));
	}
	cmd_esc_free(&e);
	cmd_output_printf(o, "trusted root %s\n",
			  json_string_value(json_object_get(tr, "digest")));
	show_text_list(o, &e, json_object_get(tr, "tlogs"), "tlog");
	show_text_list(o, &e, json_object_get(tr, "ctlogs"), "ctlog");
	show_text_list(o, &e, json_object_get(tr, "certificateAuthorities"),
		       "ca");
	show_text_list(o, &e, json_object_get(tr, "timestampAuthorities"),
		       "tsa");
	cmd_output_printf(
		o, "signing config %s\n",
		json_object_get(sc, "digest")
			? json_string_value(json_object_get(sc, "digest"))
			: json_string_value(json_object_get(sc, "source")));
	show_text_list(o, &e, json_object_get(sc, "caUrls"), "ca");
	show_text_list(o, &e, json_object_get(sc, "rekorTlogUrls"), "rekor");
	show_text_list(o, &e, json_object_get(sc, "tsaUrls"), "tsa");
}

int cmd_trust_show(const char *cache, int64_t now, bool json)
{
	cmd_trust_set t;
	ae_err err = {0};
	cmd_output o;
	json_t *r;
	int rc = cmd_trust_resolve(&t, cache, now, &err);

	if (rc < 0) {
		cmd_error("trust show", &err);
		return cmd_exit_code(cmd_outcome_from_rc(rc));
	}
	r = show_build(&t, now);
	cmd_output_init(&o, NULL);
	if (r != NULL && json) {
		char *text = json_dumps(r, JSON_INDENT(2));

		if (text != NULL)
			cmd_output_printf(&o, "%s\n", text);
		free(text);
	} else if (r != NULL) {
		show_text(&o, r);
	}
	json_decref(r);
	cmd_trust_dispose(&t);
	if (r == NULL)
		rc = ae_fail(&err, AE_ERR, "out of memory");
	if (rc == 0)
		rc = cmd_output_close(&o, &err);
	if (rc < 0) {
		cmd_error("trust show", &err);
		return cmd_exit_code(CMD_ERROR);
	}
	return cmd_exit_code(CMD_OK);
}
