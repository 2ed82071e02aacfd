/* tests/unit/test_ledger_trust.c -- the trust in force as the commands ask
 * for it (ledger/trust.c): the documents the tool knows, the cache base,
 * when a refresh runs and that a failed one is a note, not a failure
 * (issue 17; before, only e2e tests through verify, check and trust
 * reached them) */
#include "t.h"
#include "evidence/core/http.h"
#include "ledger/ledger.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void test_ledger_trust__the_docs_are_the_embedded_root_and_its_check(void)
{
	const tuf_trust_docs *d = ld_trust_docs();
	size_t n = 0;

	T_ASSERT(d == ld_trust_docs());
	T_ASSERT(d->embedded_root == ev_trust_public_good_json(&n));
	T_ASSERT(d->embedded_root_len == n && n > 0);
	T_ASSERT(d->check == ev_trust_documents_check);
}

void test_ledger_trust__no_cache_at_all_is_the_embedded_root(void)
{
	tuf_trust t;
	ae_err err = {0}, rerr = {0};

	/* no HOME, no XDG_CACHE_HOME: no cache, no failure */
	unsetenv("XDG_CACHE_HOME");
	unsetenv("HOME");
	T_ASSERT_INT(ld_trust_resolve(&t, NULL, 1000, &err), 0);
	T_ASSERT(t.source == TUF_TRUST_EMBEDDED && t.base[0] == '\0');
	T_ASSERT(t.root == ld_trust_docs()->embedded_root);
	tuf_trust_dispose(&t);
	/* the default base: $XDG_CACHE_HOME/aicr-evidence, nothing in it */
	setenv("XDG_CACHE_HOME", t_tmpdir(), 1);
	T_ASSERT_INT(ld_trust_in_force(&t, NULL, LD_TRUST_REFRESH_NEVER, &rerr,
				       &err),
		     0);
	T_ASSERT_STR(t.base, t_path("aicr-evidence"));
	T_ASSERT_STR(t.note, "");
	T_ASSERT_INT(rerr.code, 0);
	tuf_trust_dispose(&t);
}

void test_ledger_trust__a_cache_path_past_the_limit_is_refused(void)
{
	char huge[5000];
	tuf_trust t;
	ae_err err = {0};

	memset(huge, 'a', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	T_ASSERT_INT(ld_trust_in_force(&t, huge, LD_TRUST_REFRESH_NEVER, NULL,
				       &err),
		     AE_ETOOBIG);
	T_ASSERT(t.tuf == NULL);
}

void test_ledger_trust__a_failed_refresh_is_a_note_not_a_failure(void)
{
	tuf_trust t;
	ae_err err = {0}, rerr = {0};

	/* a TUF state others can write: never used, never updated (refused
	 * before any request) */
	T_ASSERT_INT(mkdir(t_path("tuf"), 0700), 0);
	T_ASSERT_INT(chmod(t_path("tuf"), 0777), 0);
	T_ASSERT_INT(ld_trust_in_force(&t, t_tmpdir(), LD_TRUST_REFRESH_ALWAYS,
				       &rerr, &err),
		     0);
	T_ASSERT_INT(err.code, 0);
	T_ASSERT(rerr.code < 0);
	T_ASSERT(rerr.msg[0] != '\0');
	T_ASSERT(t.source == TUF_TRUST_EMBEDDED && t.foreign);
	T_ASSERT(strstr(t.note, "ignoring the TUF cache") != NULL);
	tuf_trust_dispose(&t);
	/* never: nothing tried */
	ae_err_clear(&rerr);
	T_ASSERT_INT(ld_trust_in_force(&t, t_tmpdir(), LD_TRUST_REFRESH_NEVER,
				       &rerr, &err),
		     0);
	T_ASSERT_INT(rerr.code, 0);
	tuf_trust_dispose(&t);
	chmod(t_path("tuf"), 0700);
}

void test_ledger_trust__update_keeps_one_cache_per_repository_url(void)
{
	char base[4096], dir[4200], url[AE_URL_MAX], url2[AE_URL_MAX];
	char dir2[4200], small[8];
	ae_err err = {0};

	/* "https://x/" is "https://x": the same cache directory */
	T_ASSERT_INT(tuf_repo_url(url, "https://tuf.example/", &err), 0);
	T_ASSERT_STR(url, "https://tuf.example");
	T_ASSERT_INT(tuf_repo_url(url2, "https://tuf.example///", &err), 0);
	T_ASSERT_STR(url2, "https://tuf.example");
	T_ASSERT_INT(ld_trust_cache_dir(base, sizeof(base), dir, sizeof(dir),
					t_tmpdir(), url, &err),
		     0);
	T_ASSERT_STR(base, t_tmpdir());
	T_ASSERT(strncmp(dir, t_path("tuf/"), strlen(t_path("tuf/"))) == 0);
	T_ASSERT_INT(ld_trust_cache_dir(base, sizeof(base), dir2, sizeof(dir2),
					t_tmpdir(), url2, &err),
		     0);
	T_ASSERT_STR(dir2, dir);
	/* plain http only to loopback; no other scheme */
	T_ASSERT_INT(tuf_repo_url(url, "http://127.0.0.1:8080/", &err), 0);
	T_ASSERT(tuf_repo_url(url, "http://tuf.example", &err) < 0);
	T_ASSERT(tuf_repo_url(url, "ftp://tuf.example", &err) < 0);
	/* no --cache: the default base; a base that does not fit */
	setenv("XDG_CACHE_HOME", t_tmpdir(), 1);
	T_ASSERT_INT(ld_trust_cache_dir(base, sizeof(base), dir, sizeof(dir),
					NULL, url2, &err),
		     0);
	T_ASSERT_STR(base, t_path("aicr-evidence"));
	ae_err_clear(&err);
	T_ASSERT_INT(ld_trust_cache_dir(small, sizeof(small), dir, sizeof(dir),
					t_tmpdir(), url2, &err),
		     AE_ETOOBIG);
	T_ASSERT_MSG(err, "cache path too long");
}
