/* tests/unit/test_tuf_report.c -- evidence/tuf/report.c: the reports of
 * `trust show` and `trust update`, built without a command or a process
 * (before issue 17 only the e2e tests reached them) */
#include "t.h"
#include "evidence/tuf/tuf.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char show_root[] =
	"{\"tlogs\":[{\"baseUrl\":\"https://rekor.example\\u001b[2J\","
	"\"publicKey\":{\"validFor\":{\"start\":\"2021-01-01T00:00:00Z\"}}}],"
	"\"certificateAuthorities\":[{\"uri\":\"https://fulcio.example\","
	"\"validFor\":{\"start\":\"2022-01-01T00:00:00Z\","
	"\"end\":\"2023-01-01T00:00:00Z\"}}]}";

static void show_trust(tuf_trust *t)
{
	memset(t, 0, sizeof(*t));
	t->source = TUF_TRUST_EMBEDDED;
	t->root = (const unsigned char *)show_root;
	t->root_len = strlen(show_root);
	snprintf(t->note, sizeof(t->note), "cache\nexpired");
}

void test_tuf_report__show_text_escapes_every_outside_value(void)
{
	ae_buf b = AE_BUF_INIT(1u << 20);
	ae_err err = {0};
	tuf_trust t;

	show_trust(&t);
	T_ASSERT_INT(tuf_trust_show(&b, &t, 0, false, &err), 0);
	T_ASSERT_INT(ae_buf_put(&b, "", 1, &err), 0);
	T_ASSERT(strncmp((char *)b.data,
			 "in force: embedded\nnote: cache\\x0aexpired\n"
			 "trusted root sha256:",
			 61) == 0);
	T_ASSERT(strstr((char *)b.data,
			"  tlog   https://rekor.example\\x1b[2J  valid "
			"2021-01-01T00:00:00Z .. (open)\n") != NULL);
	T_ASSERT(strstr((char *)b.data,
			"  ca     https://fulcio.example  valid "
			"2022-01-01T00:00:00Z .. 2023-01-01T00:00:00Z\n") !=
		 NULL);
	T_ASSERT(strstr((char *)b.data,
			"signing config built-in defaults") != NULL);
	T_ASSERT(strchr((char *)b.data, '\x1b') == NULL);
	ae_buf_dispose(&b);
}

void test_tuf_report__show_json_keeps_the_values_as_they_are(void)
{
	ae_buf b = AE_BUF_INIT(1u << 20);
	ae_err err = {0};
	json_error_t je;
	json_t *r, *tl;
	tuf_trust t;

	show_trust(&t);
	T_ASSERT_INT(tuf_trust_show(&b, &t, 86400, true, &err), 0);
	r = json_loadb((char *)b.data, b.len, 0, &je);
	T_ASSERT(r != NULL);
	T_ASSERT_STR(json_string_value(json_object_get(r, "at")),
		     "1970-01-02T00:00:00Z");
	T_ASSERT(json_is_null(json_object_get(r, "tuf")));
	tl = json_array_get(
		json_object_get(json_object_get(r, "trustedRoot"), "tlogs"),
		0);
	T_ASSERT_STR(json_string_value(json_object_get(tl, "url")),
		     "https://rekor.example\x1b[2J");
	json_decref(r);
	ae_buf_dispose(&b);
}

void test_tuf_report__an_overlong_value_is_unprintable(void)
{
	ae_buf b = AE_BUF_INIT(1u << 20);
	char *s = malloc(AE_ESC_VALUE_MAX);

	T_ASSERT(s != NULL);
	memset(s, 'a', AE_ESC_VALUE_MAX - 1);
	s[AE_ESC_VALUE_MAX - 1] = '\0'; /* with its NUL: just at the cap */
	T_ASSERT_INT(ae_buf_put_esc_value(&b, s, NULL), 0);
	T_ASSERT_INT(b.len, AE_ESC_VALUE_MAX - 1);
	s[0] = '\n'; /* escaped to 4 bytes: past it */
	b.len = 0;
	T_ASSERT_INT(ae_buf_put_esc_value(&b, s, NULL), 0);
	T_ASSERT_INT(b.len, strlen("(unprintable)"));
	T_ASSERT_INT(ae_buf_put_esc_value(&b, NULL, NULL), 0);
	T_ASSERT_INT(b.len, strlen("(unprintable)"));
	free(s);
	ae_buf_dispose(&b);
}

void test_tuf_report__update_files_refuse_before_any_request(void)
{
	tuf_trust_update_opts o = {0};
	const char *what = NULL;
	tuf_state *s = NULL;
	ae_err err = {0};
	char missing[4200];

	/* a repository that cannot answer: nothing may be asked of it */
	o.url = "http://127.0.0.1:9";
	o.base = t_tmpdir();
	o.cache_dir = t_path("tuf");
	snprintf(missing, sizeof(missing), "%s", t_path("no-root.json"));
	T_ASSERT_INT(tuf_trust_update_files(&s, &what, &o, missing, NULL,
					    &err),
		     AE_ENOTFOUND);
	T_ASSERT(what == missing);
	T_ASSERT(s == NULL);
	/* --emit-signing-config naming a directory: refused, not fetched */
	ae_err_clear(&err);
	T_ASSERT_INT(tuf_trust_update_files(&s, &what, &o, NULL, t_tmpdir(),
					    &err),
		     AE_EINVAL);
	T_ASSERT_STR(what, t_tmpdir());
	T_ASSERT_MSG(err, "not a regular file");
	ae_err_clear(&err);
	T_ASSERT_INT(tuf_trust_update_files(&s, &what, &o, NULL,
					    t_path("nodir/sc.json"), &err),
		     AE_EINVAL);
	T_ASSERT_MSG(err, "no such directory");
	T_ASSERT(s == NULL);
}
