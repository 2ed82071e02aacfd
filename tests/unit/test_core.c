/* tests/unit/test_core.c -- evidence/core: errors, buffers, bounded I/O,
 * hashing, base64, strict YAML and JSON */
#include "t.h"
#include "evidence/core/ae.h"

#include <fcntl.h>
#include <jansson.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void test_core__the_first_failure_is_the_one_kept(void)
{
	ae_err err = {0};

	T_ASSERT_INT(ae_fail(&err, AE_EINVAL, "first %d", 1), AE_EINVAL);
	T_ASSERT_INT(ae_fail(&err, AE_EIO, "second"), AE_EIO);
	T_ASSERT_INT(err.code, AE_EINVAL);
	T_ASSERT_STR(err.msg, "first 1");
	ae_err_clear(&err);
	T_ASSERT_STR(err.msg, "");
}

void test_core__messages_stay_on_one_line(void)
{
	ae_err err = {0};

	ae_fail(&err, AE_EINVAL, "a\nb\rc");
	T_ASSERT_STR(err.msg, "a b c");
}

void test_core__repr_escapes_and_cuts_untrusted_text(void)
{
	char r[AE_REPR_BUF];
	char longer[100];

	T_ASSERT_STR(ae_repr(r, sizeof(r), "a\"b\n\x01", 5), "\"a\\\"b\\x0a\\x01\"");
	memset(longer, 'x', sizeof(longer));
	ae_repr(r, sizeof(r), longer, sizeof(longer));
	T_ASSERT_INT(strlen(r), AE_REPR_MAX + 2 + 3);
	T_ASSERT(strstr(r, "...") != NULL);
}

void test_core__a_buffer_past_its_cap_is_emptied(void)
{
	ae_buf b = AE_BUF_INIT(8);
	ae_err err = {0};

	T_ASSERT_INT(ae_buf_put(&b, "12345678", 8, &err), 0);
	T_ASSERT_INT(b.len, 8);
	T_ASSERT_INT(ae_buf_put(&b, "9", 1, &err), AE_ETOOBIG);
	T_ASSERT_INT(b.len, 0);
	T_ASSERT(b.data == NULL);
	ae_buf_dispose(&b);
}

void test_core__buffer_printf_grows_past_small_formats(void)
{
	ae_buf b = AE_BUF_INIT(1 << 20);
	ae_err err = {0};
	char big[2000];

	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	T_ASSERT_INT(ae_buf_printf(&b, &err, "<%s>", big), 0);
	T_ASSERT_INT(b.len, sizeof(big) + 1);
	T_ASSERT(b.data[0] == '<' && b.data[b.len - 1] == '>');
	ae_buf_dispose(&b);
}

void test_core__read_file_at_cap_passes_and_cap_plus_one_fails(void)
{
	ae_buf b;
	ae_err err = {0};

	t_write_file(t_path("f"), "0123456789abcdef", 16);
	T_ASSERT_INT(ae_read_file(&b, AT_FDCWD, t_path("f"), 16, &err), 0);
	T_ASSERT_INT(b.len, 16);
	ae_buf_dispose(&b);
	T_ASSERT_INT(ae_read_file(&b, AT_FDCWD, t_path("f"), 15, &err), AE_ETOOBIG);
	T_ASSERT(b.data == NULL);
	T_ASSERT_MSG(err, "cap 15");
}

void test_core__read_file_refuses_symlinks_directories_and_missing(void)
{
	ae_buf b;
	ae_err err = {0};

	t_write_file(t_path("real"), "x", 1);
	T_ASSERT(symlink("real", t_path("link")) == 0);
	T_ASSERT_INT(ae_read_file(&b, AT_FDCWD, t_path("link"), 16, &err), AE_EINVAL);
	T_ASSERT_MSG(err, "symlink");
	ae_err_clear(&err);
	T_ASSERT_INT(ae_read_file(&b, AT_FDCWD, t_tmpdir(), 16, &err), AE_EINVAL);
	T_ASSERT_MSG(err, "not a regular file");
	ae_err_clear(&err);
	T_ASSERT_INT(ae_read_file(&b, AT_FDCWD, t_path("none"), 16, &err),
		     AE_ENOTFOUND);
	ae_err_clear(&err);
	T_ASSERT(mkfifo(t_path("fifo"), 0600) == 0);
	T_ASSERT_INT(ae_read_file(&b, AT_FDCWD, t_path("fifo"), 16, &err), AE_EINVAL);
}

void test_core__empty_file_reads_as_empty_text(void)
{
	ae_buf b;
	ae_err err = {0};

	t_write_file(t_path("e"), "", 0);
	T_ASSERT_INT(ae_read_file(&b, AT_FDCWD, t_path("e"), 16, &err), 0);
	T_ASSERT_INT(b.len, 0);
	T_ASSERT(b.data != NULL && b.data[0] == '\0');
	ae_buf_dispose(&b);
}

void test_core__atomic_write_replaces_and_leaves_no_temp(void)
{
	ae_buf b;
	ae_err err = {0};
	int dfd = open(t_tmpdir(), O_RDONLY | O_DIRECTORY);
	DIR *d;
	struct dirent *e;
	int entries = 0;

	T_ASSERT(dfd >= 0);
	T_ASSERT_INT(ae_write_atomic(dfd, "out.yaml", "one", 3, 0644, &err), 0);
	T_ASSERT_INT(ae_write_atomic(dfd, "out.yaml", "two!", 4, 0644, &err), 0);
	T_ASSERT_INT(ae_read_file(&b, dfd, "out.yaml", 100, &err), 0);
	T_ASSERT_STR((char *)b.data, "two!");
	ae_buf_dispose(&b);
	d = fdopendir(dfd);
	while ((e = readdir(d)) != NULL)
		entries += e->d_name[0] != '.';
	closedir(d);
	T_ASSERT_INT(entries, 1);
}

void test_core__atomic_write_into_a_missing_directory_fails_cleanly(void)
{
	ae_err err = {0};

	T_ASSERT_INT(ae_write_atomic(AT_FDCWD, t_path("no/such/x"), "a", 1, 0644,
				     &err),
		     AE_EIO);
	T_ASSERT(access(t_path("no"), F_OK) != 0);
}

void test_core__sha256_matches_the_known_answer(void)
{
	unsigned char d[AE_SHA256_LEN];
	char s[AE_DIGEST_STR_LEN];

	ae_sha256(d, "abc", 3);
	ae_digest_format(s, d);
	T_ASSERT_STR(s, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

void test_core__streaming_hash_equals_one_shot(void)
{
	unsigned char a[AE_SHA256_LEN], b2[AE_SHA256_LEN];
	uint64_t size = 0;
	ae_err err = {0};
	char *data = malloc(3 << 20);
	int fd;

	T_ASSERT(data != NULL);
	for (size_t i = 0; i < (3u << 20); i++)
		data[i] = (char)(i * 7);
	t_write_file(t_path("big"), data, 3 << 20);
	ae_sha256(a, data, 3 << 20);
	fd = open(t_path("big"), O_RDONLY);
	T_ASSERT_INT(ae_sha256_fd(b2, &size, fd, &err), 0);
	close(fd);
	T_ASSERT_INT(size, 3 << 20);
	T_ASSERT(memcmp(a, b2, sizeof(a)) == 0);
	free(data);
}

void test_core__digest_form_is_exact(void)
{
	const char *good = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

	T_ASSERT(ae_digest_is_valid(good));
	T_ASSERT(!ae_digest_is_valid("sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef"));
	T_ASSERT(!ae_digest_is_valid("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde"));
	T_ASSERT(!ae_digest_is_valid("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0"));
	T_ASSERT(!ae_digest_is_valid("md5:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
	T_ASSERT(!ae_digest_is_valid("sha256:../../etc/evil"));
	T_ASSERT(!ae_digest_is_valid(NULL));
}

void test_core__base64_round_trips_and_rejects_non_canonical(void)
{
	unsigned char *out = NULL;
	size_t n = 0;
	char *enc = NULL;
	ae_err err = {0};

	T_ASSERT_INT(ae_base64_encode(&enc, "hello!?", 7, &err), 0);
	T_ASSERT_STR(enc, "aGVsbG8hPw==");
	T_ASSERT_INT(ae_base64_decode(&out, &n, enc, strlen(enc), &err), 0);
	T_ASSERT_INT(n, 7);
	T_ASSERT(memcmp(out, "hello!?", 7) == 0);
	free(out);
	free(enc);
	T_ASSERT_INT(ae_base64_decode(&out, &n, "aGVsbG8hPx==", 12, &err), AE_EINVAL);
	T_ASSERT(out == NULL);
	T_ASSERT_INT(ae_base64_decode(&out, &n, "aGVs bG8=", 9, &err), AE_EINVAL);
	T_ASSERT_INT(ae_base64_decode(&out, &n, "aGVsbG8", 7, &err), AE_EINVAL);
	T_ASSERT_INT(ae_base64_decode(&out, &n, "", 0, &err), 0);
	T_ASSERT_INT(n, 0);
	free(out);
}

void test_core__plain_path_elements_only(void)
{
	T_ASSERT(ae_path_element_is_plain("h100-eks-ubuntu-training"));
	T_ASSERT(!ae_path_element_is_plain(".."));
	T_ASSERT(!ae_path_element_is_plain(".hidden"));
	T_ASSERT(!ae_path_element_is_plain("a/b"));
	T_ASSERT(!ae_path_element_is_plain("/abs"));
	T_ASSERT(!ae_path_element_is_plain(""));
	T_ASSERT(!ae_path_element_is_plain("sp ace"));
	T_ASSERT(!ae_path_element_is_plain("caf\xc3\xa9"));
}

static int parse(ae_yaml_node **n, const char *s, ae_err *err)
{
	return ae_yaml_parse(n, (const unsigned char *)s, strlen(s), err);
}

void test_core__yaml_builds_a_tree_with_lines(void)
{
	ae_yaml_node *n = NULL;
	ae_err err = {0};
	const ae_yaml_node *list;

	T_ASSERT_INT(parse(&n, "a: 1\nlist:\n  - x\n  - \"y\"\n", &err), 0);
	T_ASSERT(n && n->kind == AE_YAML_MAP && n->n == 2);
	T_ASSERT_STR(ae_yaml_map_get(n, "a")->scalar, "1");
	list = ae_yaml_map_get(n, "list");
	T_ASSERT(list && list->kind == AE_YAML_SEQ && list->n == 2);
	T_ASSERT(list->items[0]->plain && !list->items[1]->plain);
	T_ASSERT_INT(list->items[1]->line, 4);
	ae_yaml_free(n);
}

void test_core__yaml_rejects_aliases_anchors_tags_and_duplicates(void)
{
	ae_yaml_node *n = NULL;
	ae_err err = {0};

	T_ASSERT_INT(parse(&n, "a: &x 1\nb: *x\n", &err), AE_EINVAL);
	T_ASSERT_MSG(err, "anchors");
	T_ASSERT(n == NULL);
	ae_err_clear(&err);
	T_ASSERT_INT(parse(&n, "a: 1\nb: 2\na: 3\n", &err), AE_EINVAL);
	T_ASSERT_MSG(err, "line 3: duplicate key \"a\"");
	ae_err_clear(&err);
	T_ASSERT_INT(parse(&n, "a: !!binary aGk=\n", &err), AE_EINVAL);
	T_ASSERT_MSG(err, "tags");
	ae_err_clear(&err);
	T_ASSERT_INT(parse(&n, "a: 1\n---\nb: 2\n", &err), AE_EINVAL);
	T_ASSERT_MSG(err, "more than one");
	ae_err_clear(&err);
	T_ASSERT_INT(parse(&n, "? [a]\n: 1\n", &err), AE_EINVAL);
	T_ASSERT_MSG(err, "keys must be scalars");
	ae_err_clear(&err);
	T_ASSERT_INT(parse(&n, "a: [1, 2\n", &err), AE_EINVAL);
	ae_err_clear(&err);
	/* a null key (recipe_fuzz: emitted as "null", it sorted elsewhere) */
	T_ASSERT_INT(parse(&n, "a: 1\n? \n", &err), AE_EINVAL);
	T_ASSERT_MSG(err, "line 2: empty (null) mapping key");
	ae_err_clear(&err);
	T_ASSERT_INT(parse(&n, "? \n: 1\n", &err), AE_EINVAL);
	T_ASSERT_MSG(err, "empty (null) mapping key");
	ae_err_clear(&err);
	T_ASSERT_INT(parse(&n, "\"\": 1\n", &err), 0);
	ae_yaml_free(n);
}

/* yaml.v3 applies the merge key `<<`, so a tree that kept it as a plain key
 * would be another document than the reference reads (issue 15). */
void test_core__yaml_rejects_merge_keys_in_every_form(void)
{
	static const char *const docs[] = {
		"a: 1\n<<: {b: 2}\n",
		"x:\n  <<:\n    b: 2\n",
		"l:\n  - <<: [{a: 1}, {b: 2}]\n",
		"{<<: {a: 1}}\n",
		"\"<<\": {a: 1}\n",
		"'<<': 1\n",
		"? <<\n: 1\n",
	};
	ae_yaml_node *n = NULL;
	ae_err err = {0};

	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		ae_err_clear(&err);
		if (parse(&n, docs[i], &err) != AE_EINVAL)
			t_fail_at(__FILE__, __LINE__, "accepted %s", docs[i]);
		T_ASSERT(n == NULL);
		T_ASSERT_MSG(err, "YAML merge keys (<<) are not allowed");
	}
	/* `<<` as a value or inside a key is just text */
	T_ASSERT_INT(parse(&n, "a: <<\nb<<: 1\n", &err), 0);
	ae_yaml_free(n);
}

/* A mapping of `n` keys "kNNNNNN: v" (quoted values when `quoted`, which
 * sends it to the libyaml reader), optionally repeating key 0 last. */
static char *yaml_long_map(size_t n, bool quoted, bool dup)
{
	char *s = malloc(n * 20 + 32), *p = s;

	T_ASSERT(s != NULL);
	for (size_t i = 0; i < n; i++)
		p += snprintf(p, 20, quoted ? "k%06zu: \"v\"\n" : "k%06zu: v\n",
			      i);
	if (dup)
		p += snprintf(p, 20, "k%06d: w\n", 0);
	*p = '\0';
	return s;
}

/* Issue 24: the duplicate-key check was a scan of the keys so far, so a
 * 99,000-key mapping took 79 s. Both readers must be linear: each parse
 * here is allowed 5 s of CPU (a few hundred ms on a loaded machine). */
void test_core__yaml_a_99k_key_mapping_is_read_in_linear_time(void)
{
	const size_t n = 99000;

	for (int quoted = 0; quoted < 2; quoted++) {
		for (int dup = 0; dup < 2; dup++) {
			char *doc = yaml_long_map(n, quoted, dup);
			ae_yaml_node *root = NULL;
			ae_err err = {0};
			clock_t t0 = clock();
			int rc = parse(&root, doc, &err);
			double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
			if (secs > 5.0)
				t_fail_at(__FILE__, __LINE__,
					  "%zu keys (quoted %d, dup %d) took "
					  "%.1f s of CPU",
					  n, quoted, dup, secs);
			if (dup) {
				T_ASSERT_INT(rc, AE_EINVAL);
				T_ASSERT_MSG(err, "line 99001: duplicate key "
						  "\"k000000\"");
				T_ASSERT(root == NULL);
			} else {
				T_ASSERT_INT(rc, 0);
				T_ASSERT_INT(root->n, n);
				T_ASSERT_STR(root->keys[n - 1], "k098999");
			}
			ae_yaml_free(root);
			free(doc);
		}
	}
}

/* The fast reader declines a long mapping with a repeated key (libyaml then
 * names it), and a repeat inside a short map is still seen. */
void test_core__yaml_duplicates_are_found_in_long_and_short_maps(void)
{
	char *doc = yaml_long_map(40, false, true);
	ae_yaml_node *root = NULL;
	bool handled = true;
	ae_err err = {0};

	T_ASSERT_INT(ae_yaml_parse_simple(&root, &handled,
					  (const unsigned char *)doc,
					  strlen(doc), &err),
		     0);
	T_ASSERT(!handled && root == NULL);
	T_ASSERT_INT(parse(&root, doc, &err), AE_EINVAL);
	T_ASSERT_MSG(err, "line 41: duplicate key");
	free(doc);
	ae_err_clear(&err);
	T_ASSERT_INT(parse(&root, "m:\n  a: 1\n  b: 2\n  a: 3\n", &err),
		     AE_EINVAL);
	T_ASSERT_MSG(err, "line 4: duplicate key \"a\"");
}

void test_core__strset_adds_finds_and_grows(void)
{
	ae_strset set = AE_STRSET_INIT;
	char keys[1000][8];
	ae_err err = {0};

	T_ASSERT(!ae_strset_has(&set, "x"));
	for (int i = 0; i < 1000; i++) {
		snprintf(keys[i], sizeof(keys[i]), "k%d", i);
		T_ASSERT_INT(ae_strset_add(&set, keys[i], &err), 1);
	}
	T_ASSERT_INT(set.n, 1000);
	T_ASSERT(set.cap >= 2000 && (set.cap & (set.cap - 1)) == 0);
	for (int i = 0; i < 1000; i++) {
		char again[8];
		snprintf(again, sizeof(again), "k%d", i);
		T_ASSERT(ae_strset_has(&set, again));
		T_ASSERT_INT(ae_strset_add(&set, again, &err), 0);
	}
	T_ASSERT(!ae_strset_has(&set, "k1000"));
	T_ASSERT(!ae_strset_has(&set, ""));
	ae_strset_dispose(&set);
	T_ASSERT(set.slot == NULL && set.n == 0);
	ae_strset_dispose(&set);
}

void test_core__yaml_nesting_is_capped(void)
{
	ae_yaml_node *n = NULL;
	ae_err err = {0};
	char deep[4 * AE_YAML_MAX_DEPTH + 8];
	size_t i, o = 0;

	for (i = 0; i < AE_YAML_MAX_DEPTH; i++)
		deep[o++] = '[';
	for (i = 0; i < AE_YAML_MAX_DEPTH; i++)
		deep[o++] = ']';
	deep[o] = '\0';
	T_ASSERT_INT(parse(&n, deep, &err), 0);
	ae_yaml_free(n);
	n = NULL;
	o = 0;
	for (i = 0; i <= AE_YAML_MAX_DEPTH; i++)
		deep[o++] = '[';
	for (i = 0; i <= AE_YAML_MAX_DEPTH; i++)
		deep[o++] = ']';
	deep[o] = '\0';
	T_ASSERT_INT(parse(&n, deep, &err), AE_EINVAL);
	T_ASSERT_MSG(err, "nesting");
}

void test_core__yaml_empty_stream_is_no_document(void)
{
	ae_yaml_node *n = (ae_yaml_node *)1;
	ae_err err = {0};

	T_ASSERT_INT(parse(&n, "", &err), 0);
	T_ASSERT(n == NULL);
	T_ASSERT_INT(parse(&n, "# only a comment\n", &err), 0);
	T_ASSERT(n == NULL);
}

/* Documents inside the fast reader's subset: it must take each and build
 * the very tree libyaml builds, lines included. */
void test_core__yaml_simple_reader_builds_the_libyaml_tree(void)
{
	static const char *const docs[] = {
		"attestations:\n  - attestedAt: 2026-06-25T05:57:00Z\n"
		"    bundle:\n      digest: sha256:ab\n"
		"      oci: ghcr.io/acme/x:r-ab\n"
		"      predicateType: https://aicr.run/recipe-evidence/v3\n"
		"    signer:\n      identity: a@example.com\n"
		"      rekorLogIndex: 99\nrecipe: r\nschemaVersion: 1.0.0\n",
		"a:\n- x: 1\n  y: 2\n- z\nb: 3\n",
		"a:\n    b:\n    - p\n    c: d::e\nf: null",
		"k: v\nseq:\n  - a\n  - b: c\n    d:\n      - e\n",
	};
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		ae_yaml_node *fast = NULL, *full = NULL;
		bool handled = false;
		ae_err err = {0};
		const unsigned char *d = (const unsigned char *)docs[i];

		T_ASSERT_INT(ae_yaml_parse_simple(&fast, &handled, d,
						  strlen(docs[i]), &err),
			     0);
		T_ASSERT(handled && fast != NULL);
		T_ASSERT_INT(ae_yaml_parse_libyaml(&full, d, strlen(docs[i]),
						   &err),
			     0);
		T_ASSERT(ae_yaml_equal(fast, full));
		ae_yaml_free(fast);
		ae_yaml_free(full);
	}
}

/* Outside the subset -- every error included -- the fast reader declines,
 * and ae_yaml_parse gives libyaml's verdict and tree. */
void test_core__yaml_simple_reader_declines_the_rest(void)
{
	static const char *const docs[] = {
		"a: \"q\"\n",	  "a: 1 # c\n",     "a: 1\n\nb: 2\n",
		"a: b\n  c\n",	  "a:\nb: 1\n",    "a: 1\na: 2\n",
		"a: &x 1\nb: *x\n", "a: !!str 1\n",   "a:\tb\n",
		"a: 1\r\n",	  "a: [1]\n",	     "- a\n",
		"a: 1 \n",	  "a:  1\n",	     "a: x:\n",
		"",		  "# c\n",	     "a:\n  - x\n  y: 1\n",
		"a: 1\n---\nb: 2\n", "a: caf\xc3\xa9\n", " a: 1\n",
		"a:\n  b: 1\n c: 2\n",
	};
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		ae_yaml_node *fast = (ae_yaml_node *)1, *full = NULL;
		ae_yaml_node *both = NULL;
		bool handled = true;
		ae_err e1 = {0}, e2 = {0};
		const unsigned char *d = (const unsigned char *)docs[i];
		size_t n = strlen(docs[i]);
		int rc_full, rc_both;

		T_ASSERT_INT(ae_yaml_parse_simple(&fast, &handled, d, n, &e1),
			     0);
		T_ASSERT(!handled && fast == NULL);
		rc_full = ae_yaml_parse_libyaml(&full, d, n, &e1);
		rc_both = ae_yaml_parse(&both, d, n, &e2);
		T_ASSERT_INT(rc_both, rc_full);
		T_ASSERT_STR(e2.msg, e1.msg);
		T_ASSERT(ae_yaml_equal(both, full));
		ae_yaml_free(full);
		ae_yaml_free(both);
	}
}

void test_core__json_rejects_duplicates_depth_and_nul(void)
{
	void *j = NULL;
	ae_err err = {0};
	char deep[2 * AE_JSON_MAX_DEPTH + 4];
	size_t o = 0;

	T_ASSERT_INT(ae_json_parse(&j, (const unsigned char *)"{\"a\":1}", 7, &err), 0);
	json_decref(j);
	T_ASSERT_INT(ae_json_parse(&j, (const unsigned char *)"{\"a\":1,\"a\":2}", 13, &err),
		     AE_EINVAL);
	T_ASSERT(j == NULL);
	ae_err_clear(&err);
	for (int i = 0; i <= AE_JSON_MAX_DEPTH; i++)
		deep[o++] = '[';
	for (int i = 0; i <= AE_JSON_MAX_DEPTH; i++)
		deep[o++] = ']';
	T_ASSERT_INT(ae_json_parse(&j, (const unsigned char *)deep, o, &err), AE_EINVAL);
	T_ASSERT_MSG(err, "deeper");
	ae_err_clear(&err);
	T_ASSERT_INT(ae_json_parse(&j, (const unsigned char *)"{\"a\":\"\0\"}", 9, &err),
		     AE_EINVAL);
}

/* ---- regular expressions (RE2 in Go's dialect) ---- */

/* Compiles `pat` (must succeed) and matches (s, len). */
static bool re_matches(const char *pat, const char *s, size_t len)
{
	ae_re *re = NULL;
	ae_err err = {0};
	bool m = true;

	if (ae_re_new(&re, pat, AE_RE_MAX_MEM, &err) != 0)
		t_fail_at(__FILE__, __LINE__, "%s: %s", pat, err.msg);
	T_ASSERT_INT(ae_re_match(&m, re, s, len, &err), 0);
	ae_re_free(re);
	return m;
}

void test_core__re_matches_the_whole_text(void)
{
	T_ASSERT(re_matches("a.c", "abc", 3));
	T_ASSERT(!re_matches("a.c", "xabc", 4));
	T_ASSERT(!re_matches("a.c", "abcx", 4));
	/* a top-level '|' is anchored as a whole: ^(?:x|abc)$ */
	T_ASSERT(re_matches("x|abc", "abc", 3));
	T_ASSERT(!re_matches("x|ab", "abc", 3));
	T_ASSERT(re_matches("", "", 0));
}

/* Issue 16 item 3: the raw pattern is compiled first, so an unbalanced
 * ')' is an error, not a way out of a "^(" ... ")$" wrapper. */
void test_core__re_compiles_the_raw_pattern(void)
{
	ae_re *re = (ae_re *)1;
	ae_err err = {0};

	T_ASSERT_INT(ae_re_new(&re, "alice@x\\.test)|(.*", AE_RE_MAX_MEM, &err),
		     AE_EINVAL);
	T_ASSERT(re == NULL);
	T_ASSERT_MSG(err, "unexpected )");
	ae_err_clear(&err);
	T_ASSERT_INT(ae_re_new(&re, "a\\C", AE_RE_MAX_MEM, &err), AE_EINVAL);
	T_ASSERT_MSG(err, "\\C");
	ae_err_clear(&err);
	/* \C quoted, or a backslash before it escaped, is text */
	T_ASSERT(re_matches("\\Q\\C\\E", "\\C", 2));
	T_ASSERT(re_matches("\\\\C", "\\C", 2));
	/* the piece of pattern RE2 names is escaped for the message */
	T_ASSERT_INT(ae_re_new(&re, "(\x01", AE_RE_MAX_MEM, &err), AE_EINVAL);
	T_ASSERT_MSG(err, "\\x01");
	T_ASSERT(strchr(err.msg, '\x01') == NULL);
}

void test_core__re_limits_are_errors(void)
{
	char big[AE_RE_MAX_BYTES + 2];
	ae_re *re = NULL;
	ae_err err = {0};

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	T_ASSERT_INT(ae_re_new(&re, big, AE_RE_MAX_MEM, &err), AE_ETOOBIG);
	big[AE_RE_MAX_BYTES] = '\0';
	T_ASSERT_INT(ae_re_new(&re, big, AE_RE_MAX_MEM, NULL), 0);
	ae_re_free(re);
	ae_err_clear(&err);
	T_ASSERT_INT(ae_re_new(&re, ".{1000}.{1000}.{1000}.{1000}", 64 << 10,
			       &err),
		     AE_ETOOBIG);
	T_ASSERT_MSG(err, "pattern too large");
	ae_err_clear(&err);
	T_ASSERT_INT(ae_re_new(&re, "(x{100}){11}", AE_RE_MAX_MEM, &err),
		     AE_EINVAL);
	T_ASSERT(ae_re_cost(NULL) == 0);
}

/* Text is read as Go reads it: each byte of a malformed sequence is one
 * U+FFFD (expectations from Go's regexp.MatchString). */
void test_core__re_reads_malformed_utf8_as_go_does(void)
{
	T_ASSERT(re_matches(".", "\xff", 1));
	T_ASSERT(re_matches("\\x{FFFD}", "\xff", 1));
	T_ASSERT(re_matches("...", "\xed\xa0\x80", 3));	 /* surrogate */
	T_ASSERT(re_matches("....", "\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
	T_ASSERT(re_matches("..", "\xc0\xaf", 2));		 /* overlong */
	T_ASSERT(re_matches("..b", "\xe2\x82" "b", 3));	 /* cut short */
	T_ASSERT(re_matches("\\x{FFFD}", "\xef\xbf\xbd", 3)); /* a real one */
	T_ASSERT(re_matches(".", "\xf0\x9f\x98\x80", 4));
	T_ASSERT(!re_matches(".", "\n", 1));
	T_ASSERT(re_matches("[^a]", "\n", 1));
	T_ASSERT(re_matches("a.b", "a\0b", 3)); /* (s, len), not a C string */
	T_ASSERT(ae_utf8_valid("\xc3\xa9\xf4\x8f\xbf\xbf", 6));
	T_ASSERT(!ae_utf8_valid("\xf4\x90\x80\x80", 4));
	T_ASSERT(!ae_utf8_valid("\xe0\x80\x80", 3));
	T_ASSERT(!ae_utf8_valid("\xc3", 1));
	T_ASSERT(ae_utf8_valid("", 0));
}

/* ---- units.c: durations, the progress bar; the escape as a string ---- */

/* --workers (check): digits only, 1 to the ceiling, no wrap past it */
void test_core__counts_are_digits_from_one_to_a_ceiling(void)
{
	unsigned n = 7;

	T_ASSERT_INT(ae_count_parse(&n, "1", 64), 0);
	T_ASSERT_INT(n, 1);
	T_ASSERT_INT(ae_count_parse(&n, "064", 64), 0);
	T_ASSERT_INT(n, 64);
	n = 7;
	T_ASSERT_INT(ae_count_parse(&n, "65", 64), -1);
	T_ASSERT_INT(ae_count_parse(&n, "0", 64), -1);
	T_ASSERT_INT(ae_count_parse(&n, "", 64), -1);
	T_ASSERT_INT(ae_count_parse(&n, "+4", 64), -1);
	T_ASSERT_INT(ae_count_parse(&n, " 4", 64), -1);
	T_ASSERT_INT(ae_count_parse(&n, "4x", 64), -1);
	T_ASSERT_INT(ae_count_parse(&n, "-1", 64), -1);
	T_ASSERT_INT(ae_count_parse(&n, "4294967297", 64), -1);
	T_ASSERT_INT(ae_count_parse(&n, "4294967295", 4294967295u), 0);
	T_ASSERT(n == 4294967295u);
	T_ASSERT_INT(ae_count_parse(&n, "42949672950", 4294967295u), -1);
	T_ASSERT(n == 4294967295u);
}

void test_core__durations_take_a_unit_and_a_ceiling(void)
{
	uint64_t ms = 1;

	T_ASSERT_INT(ae_duration_parse(&ms, "90", 3600), 0);
	T_ASSERT_INT(ms, 90000);
	T_ASSERT_INT(ae_duration_parse(&ms, "500ms", 3600), 0);
	T_ASSERT_INT(ms, 500);
	T_ASSERT_INT(ae_duration_parse(&ms, "2m", 3600), 0);
	T_ASSERT_INT(ms, 120000);
	T_ASSERT_INT(ae_duration_parse(&ms, "1h", 3600), 0);
	T_ASSERT_INT(ms, 3600000);
	T_ASSERT_INT(ae_duration_parse(&ms, "0", 3600), 0);
	T_ASSERT_INT(ms, 0);
	T_ASSERT_INT(ae_duration_parse(&ms, "2h", 3600), -1);
	T_ASSERT_INT(ae_duration_parse(&ms, "61m", 3600), -1);
	T_ASSERT_INT(ae_duration_parse(&ms, "99999999999999999999s", 3600),
		     -1);
	T_ASSERT_INT(ae_duration_parse(&ms, "", 3600), -1);
	T_ASSERT_INT(ae_duration_parse(&ms, "-1", 3600), -1);
	T_ASSERT_INT(ae_duration_parse(&ms, " 1", 3600), -1);
	T_ASSERT_INT(ae_duration_parse(&ms, "1d", 3600), -1);
	T_ASSERT_INT(ae_duration_parse(&ms, "1 s", 3600), -1);
	T_ASSERT_INT(ae_duration_parse(&ms, NULL, 3600), -1);
	T_ASSERT_INT(ms, 0);
}

void test_core__the_bar_draws_big_transfers_at_most_ten_times_a_second(void)
{
	ae_bar b = {0};
	ae_buf out = AE_BUF_INIT(4096);
	const uint64_t mib = 1u << 20;

	/* a small transfer draws nothing */
	T_ASSERT_INT(ae_bar_render(&out, &b, "pull", 10, mib, 1000), 0);
	T_ASSERT_INT(out.len, 0);
	T_ASSERT_INT(ae_bar_render(&out, &b, "pull", 0, 10 * mib, 1000), 1);
	T_ASSERT_STR((const char *)out.data,
		     "\rpull [                         ]   0% 0.0/10.0 MiB 0.0 "
		     "MiB/s ETA -:--\033[K");
	ae_buf_dispose(&out);
	/* 50 ms later: too soon, though the percentage moved */
	T_ASSERT_INT(ae_bar_render(&out, &b, "pull", 5 * mib, 10 * mib, 1050),
		     0);
	T_ASSERT_INT(ae_bar_render(&out, &b, "pull", 5 * mib, 10 * mib, 2000),
		     1);
	T_ASSERT(strstr((const char *)out.data, " 50% 5.0/10.0 MiB 5.0 MiB/s "
						"ETA 0:01\033[K") != NULL);
	ae_buf_dispose(&out);
	/* the end is drawn at once, with the time taken and a newline */
	T_ASSERT_INT(ae_bar_render(&out, &b, "pull", 10 * mib, 10 * mib, 2001),
		     1);
	T_ASSERT(strstr((const char *)out.data, "100% 10.0/10.0 MiB") != NULL);
	T_ASSERT(strstr((const char *)out.data, " in 0:01\033[K\n") != NULL);
	ae_buf_dispose(&out);
}

void test_core__an_escaped_copy_is_capped_and_printable(void)
{
	char *s = ae_esc_value_dup("a\nb\\c\xff");

	T_ASSERT_STR(s, "a\\x0ab\\x5cc\\xff");
	free(s);
	/* NULL is shown as nothing */
	s = ae_esc_value_dup(NULL);
	T_ASSERT_STR(s, "");
	free(s);
	/* the marker, exactly */
	T_ASSERT_STR(AE_ESC_UNPRINTABLE, "(unprintable)");
}

/* Every byte alone: printable ASCII but the backslash kept, everything
 * else (controls, DEL, every byte >= 0x80) as \xNN in lower case. */
void test_core__the_capped_escape_of_each_byte(void)
{
	for (int c = 1; c < 256; c++) {
		char in[2] = {(char)c, 0}, want[8];
		char *s = ae_esc_value_dup(in);

		if (c >= 0x20 && c < 0x7f && c != '\\')
			snprintf(want, sizeof(want), "%c", c);
		else
			snprintf(want, sizeof(want), "\\x%02x", c);
		T_ASSERT_STR(s, want);
		free(s);
	}
}

/* Invalid UTF-8 (a lone continuation, an overlong NUL, a surrogate, a
 * 5-byte form, a cut sequence) and valid UTF-8 alike come out byte by
 * byte: the output is ASCII, so it cannot break a JSON string or a
 * terminal; a line end, an escape sequence and a CI command stay on the
 * line. */
void test_core__the_capped_escape_of_hostile_text(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"\x80", "\\x80"},
		{"\xc0\x80", "\\xc0\\x80"},
		{"\xed\xa0\x80", "\\xed\\xa0\\x80"},
		{"\xf8\x88\x80\x80\x80", "\\xf8\\x88\\x80\\x80\\x80"},
		{"a\xe2\x82", "a\\xe2\\x82"},
		{"\xc3\xa9", "\\xc3\\xa9"},
		{"x\r\n::error::y", "x\\x0d\\x0a::error::y"},
		{"\x1b[2J\x7f\t", "\\x1b[2J\\x7f\\x09"},
		{"\\x41", "\\x5cx41"},
		{"\"quoted\" 'text'", "\"quoted\" 'text'"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ae_buf b = AE_BUF_INIT(1024);
		char *s = ae_esc_value_dup(cases[i].in);

		T_ASSERT_STR(s, cases[i].want);
		free(s);
		/* the appending form writes the same bytes after what is
		 * there */
		T_ASSERT_INT(ae_buf_puts(&b, "k=", NULL), 0);
		T_ASSERT_INT(ae_buf_put_esc_value(&b, cases[i].in, NULL), 0);
		T_ASSERT_INT(b.len, 2 + strlen(cases[i].want));
		T_ASSERT(memcmp(b.data + 2, cases[i].want, b.len - 2) == 0);
		ae_buf_dispose(&b);
	}
}

/* The cap: an escape of AE_ESC_VALUE_MAX - 1 bytes (with its NUL: the
 * cap) is shown whole; one byte more, however it is made up, and the
 * whole value is the marker -- never a cut value. */
void test_core__the_capped_escape_at_its_edge(void)
{
	const size_t max = AE_ESC_VALUE_MAX;
	char *in = malloc(max + 8), *s;
	size_t k = (max - 1) / 4; /* controls, 4 bytes each */

	T_ASSERT(in != NULL);
	/* plain bytes: max - 1 fit, max do not */
	memset(in, 'a', max);
	in[max - 1] = '\0';
	s = ae_esc_value_dup(in);
	T_ASSERT_INT(strlen(s), max - 1);
	T_ASSERT(memcmp(s, in, max - 1) == 0);
	free(s);
	in[max - 1] = 'a';
	in[max] = '\0';
	s = ae_esc_value_dup(in);
	T_ASSERT_STR(s, "(unprintable)");
	free(s);
	/* k controls and the rest plain, to the byte: 4k + r = max - 1 */
	memset(in, '\x01', k);
	memset(in + k, 'b', (max - 1) - 4 * k);
	in[k + (max - 1) - 4 * k] = '\0';
	s = ae_esc_value_dup(in);
	T_ASSERT_INT(strlen(s), max - 1);
	T_ASSERT(memcmp(s, "\\x01", 4) == 0);
	T_ASSERT(s[max - 2] == 'b');
	free(s);
	/* one plain byte more: over */
	in[k + (max - 1) - 4 * k] = 'b';
	in[k + max - 4 * k] = '\0';
	s = ae_esc_value_dup(in);
	T_ASSERT_STR(s, "(unprintable)");
	free(s);
	/* the last byte a control instead: 3 over, still the marker */
	in[k + (max - 1) - 4 * k] = '\n';
	s = ae_esc_value_dup(in);
	T_ASSERT_STR(s, "(unprintable)");
	free(s);
	free(in);
}

/* The marker is one value: what is before and after it in the buffer
 * stays; a buffer whose own cap is too small fails as ae_buf_put does,
 * emptied, rather than holding a cut value. */
void test_core__the_capped_escape_appends_or_fails_whole(void)
{
	ae_buf b = AE_BUF_INIT(1u << 20);
	size_t big = 1u << 19;
	char *in = malloc(big + 1);
	ae_err err = {0};

	T_ASSERT(in != NULL);
	memset(in, '\x02', big);
	in[big] = '\0';
	T_ASSERT_INT(ae_buf_puts(&b, "[", NULL), 0);
	T_ASSERT_INT(ae_buf_put_esc_value(&b, in, NULL), 0);
	T_ASSERT_INT(ae_buf_puts(&b, "]", NULL), 0);
	T_ASSERT_INT(b.len, strlen("[(unprintable)]"));
	T_ASSERT(memcmp(b.data, "[(unprintable)]", b.len) == 0);
	T_ASSERT_INT(ae_buf_put_esc_value(&b, NULL, NULL), 0);
	T_ASSERT_INT(b.len, strlen("[(unprintable)]"));
	ae_buf_dispose(&b);
	free(in);

	ae_buf small = AE_BUF_INIT(8);
	T_ASSERT_INT(ae_buf_puts(&small, "ab", NULL), 0);
	T_ASSERT_INT(ae_buf_put_esc_value(&small, "\n\n", &err), AE_ETOOBIG);
	T_ASSERT_INT(small.len, 0);
	ae_buf_dispose(&small);
	ae_err_clear(&err);
}

void test_core__vprintf_appends_past_the_small_buffer(void)
{
	ae_buf b = AE_BUF_INIT(1 << 20);
	char big[2000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	T_ASSERT_INT(ae_buf_printf(&b, NULL, "%s:%d", big, 7), 0);
	T_ASSERT_INT(b.len, sizeof(big) - 1 + 2);
	T_ASSERT(memcmp(b.data + b.len - 2, ":7", 2) == 0);
	ae_buf_dispose(&b);
}

void test_core__edit_distance_counts_edits_up_to_a_cap(void)
{
	T_ASSERT_INT(ae_edit_distance("push", "push", 3), 0);
	T_ASSERT_INT(ae_edit_distance("pus", "push", 3), 1);
	T_ASSERT_INT(ae_edit_distance("vreify", "verify", 3), 2);
	T_ASSERT_INT(ae_edit_distance("", "ab", 3), 2);
	T_ASSERT_INT(ae_edit_distance("ledger", "trust", 3), 3);
	T_ASSERT_INT(ae_edit_distance("kitten", "sitting", 9), 3);
	/* past AE_EDIT_MAX bytes: the cap, whatever the words */
	char longw[AE_EDIT_MAX + 2];
	memset(longw, 'a', sizeof(longw) - 1);
	longw[sizeof(longw) - 1] = '\0';
	T_ASSERT_INT(ae_edit_distance(longw, longw, 3), 3);
}

/* The suggestion `word` gets among `cands` ("" for none). */
static const char *suggest_of(const char *word, const char *const *cands,
			      size_t n)
{
	static char out[512];
	ae_buf b = AE_BUF_INIT(sizeof(out) - 1);
	int rc = ae_suggest(&b, word, cands, n, "tool ", NULL);

	T_ASSERT(rc >= 0);
	T_ASSERT_INT(rc, b.len > 0);
	snprintf(out, sizeof(out), "%s", rc == 1 ? (const char *)b.data : "");
	ae_buf_dispose(&b);
	return out;
}

void test_core__suggest_names_every_closest_word(void)
{
	const char *const words[] = {"push", "pull", "sign", "sigstore",
				     "slug", "verify", "trust"};
	size_t n = sizeof(words) / sizeof(words[0]);
	ae_buf tiny = AE_BUF_INIT(8);

	/* a prefix counts as one edit, however short */
	T_ASSERT_STR(suggest_of("pus", words, n), "did you mean 'tool push'?");
	T_ASSERT_STR(suggest_of("s", words, n),
		     "did you mean 'tool sign' or 'tool sigstore' or "
		     "'tool slug'?");
	T_ASSERT_STR(suggest_of("vreify", words, n),
		     "did you mean 'tool verify'?");
	/* the closest only: "pul" is a prefix of pull (1), not push (2) */
	T_ASSERT_STR(suggest_of("pul", words, n), "did you mean 'tool pull'?");
	/* three edits and more is no suggestion; nor is an empty word */
	T_ASSERT_STR(suggest_of("ledger", words, n), "");
	T_ASSERT_STR(suggest_of("", words, n), "");
	T_ASSERT_STR(suggest_of("push", words, 0), "");
	/* a buffer too small for the line fails, not cut */
	T_ASSERT_INT(ae_suggest(&tiny, "pus", words, n, "tool ", NULL),
		     AE_ETOOBIG);
	ae_buf_dispose(&tiny);
}

/* ae_path_guarded: a directory is as private as its parents (review
 * finding: a co-tenant renamed a 0700 login-page directory out of a 0777
 * TMPDIR and put theirs at its path). */
void test_core__a_directory_is_guarded_only_with_its_parents(void)
{
	char top[] = "/tmp/ae-unit-guard-XXXXXX", p[512], l[512], why[256];

	T_ASSERT(mkdtemp(top) != NULL);
	T_ASSERT_INT(chmod(top, 0755), 0);
	snprintf(p, sizeof(p), "%s/own", top);
	T_ASSERT_INT(mkdir(p, 0700), 0);
	/* /tmp is sticky: its entries are their owners' */
	T_ASSERT_INT(ae_path_guarded(p, why, sizeof(why)), 0);
	T_ASSERT_INT(ae_path_guarded("/", why, sizeof(why)), 0);
	/* a parent others may write and that is not sticky */
	T_ASSERT_INT(chmod(top, 0777), 0);
	T_ASSERT_INT(ae_path_guarded(p, why, sizeof(why)), -1);
	T_ASSERT(strstr(why, "writable by others and not sticky") != NULL);
	T_ASSERT(strncmp(why, top, strlen(top)) == 0);
	/* group-writable is others too */
	T_ASSERT_INT(chmod(top, 0775), 0);
	T_ASSERT_INT(ae_path_guarded(p, why, sizeof(why)), -1);
	/* sticky makes it ours again */
	T_ASSERT_INT(chmod(top, 01777), 0);
	T_ASSERT_INT(ae_path_guarded(p, why, sizeof(why)), 0);
	/* the directory itself counts */
	T_ASSERT_INT(chmod(top, 0755), 0);
	T_ASSERT_INT(chmod(p, 0777), 0);
	T_ASSERT_INT(ae_path_guarded(p, why, sizeof(why)), -1);
	T_ASSERT_INT(chmod(p, 0700), 0);
	/* a symlink is judged where it lives and where it leads */
	snprintf(l, sizeof(l), "%s/link", top);
	T_ASSERT_INT(symlink(p, l), 0);
	T_ASSERT_INT(ae_path_guarded(l, why, sizeof(why)), 0);
	T_ASSERT_INT(chmod(p, 0757), 0);
	T_ASSERT_INT(ae_path_guarded(l, why, sizeof(why)), -1);
	T_ASSERT_INT(chmod(p, 0700), 0);
	/* missing, relative, empty */
	T_ASSERT_INT(ae_path_guarded("/nonexistent-ae-guard/x", why,
				     sizeof(why)),
		     -1);
	T_ASSERT_INT(ae_path_guarded("", why, sizeof(why)), -1);
	T_ASSERT_INT(ae_path_guarded(".", why, sizeof(why)),
		     ae_path_guarded(getcwd(l, sizeof(l)), p, sizeof(p)));
	unlink(l);
	snprintf(p, sizeof(p), "%s/own", top);
	rmdir(p);
	rmdir(top);
}

void test_core__the_count_line_is_throttled_and_its_host_printable(void)
{
	ae_meter m = {.what = "ledger", .unit = "bundles"};
	ae_buf out = AE_BUF_INIT(4096);

	T_ASSERT_INT(ae_meter_render(&out, &m, 0, 3, NULL, 1000, false), 1);
	T_ASSERT_STR((const char *)out.data, "\rledger: 0/3 bundles\033[K");
	ae_buf_dispose(&out);
	/* 10 ms later: not due; the state is kept */
	T_ASSERT_INT(ae_meter_render(&out, &m, 1, 3, "reg\x1b[2J.example", 1010,
				     false),
		     0);
	T_ASSERT_INT(out.len, 0);
	T_ASSERT_STR(m.host, "reg?[2J.example");
	/* the end is due at once */
	T_ASSERT_INT(ae_meter_render(&out, &m, 3, 3, m.host, 1020, false), 1);
	T_ASSERT_STR((const char *)out.data,
		     "\rledger: 3/3 bundles  reg?[2J.example\033[K");
	ae_buf_dispose(&out);
	T_ASSERT_INT(ae_meter_render(&out, &m, 3, 3, m.host, 1021, true), 1);
	ae_buf_dispose(&out);
}
