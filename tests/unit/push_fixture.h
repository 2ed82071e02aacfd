/* tests/unit/push_fixture.h -- the push leg reached without a registry
 * (test_oci_push: oci/push_bundle.c; test_ledger_push: ledger/push.c): the
 * bundle tree pushed, the hooks that see what the push asks and stop at
 * the client, and the pointer naming the pushed artifact's tag. One copy
 * of what each file had its own of. Included by the test file; the
 * functions are static, one per file.
 */
#ifndef AE_TESTS_PUSH_FIXTURE_H
#define AE_TESTS_PUSH_FIXTURE_H

#include "ledger/ledger.h"
#include "tests/unit/t.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* What the push asked its hooks. */
typedef struct t_push_seen {
	int tags, clients;		/* calls of each hook */
	char tag[129];			/* the client's reference's tag */
	char digest[AE_DIGEST_STR_LEN]; /* the artifact the tag was asked for */
} t_push_seen;

/* The tag hook (ctx: t_push_seen): records the artifact's digest and
 * answers "derived". */
static inline int t_push_tag(char tag[129], const oci_ref *ref,
			     const char *bundle, const char *digest, void *ctx,
			     ae_err *err)
{
	t_push_seen *s = ctx;

	(void)ref;
	(void)bundle;
	(void)err;
	s->tags++;
	snprintf(s->digest, sizeof(s->digest), "%s", digest);
	snprintf(tag, 129, "derived");
	return 0;
}

/* The client hook (ctx: t_push_seen): no registry here, the client is
 * where the test stops (AE_EAUTH), after recording the reference's tag. */
static inline int t_push_no_client(oci_client **out, const oci_ref *ref,
				   void *ctx, ae_err *err)
{
	t_push_seen *s = ctx;

	*out = NULL;
	s->clients++;
	snprintf(s->tag, sizeof(s->tag), "%s", ref->tag);
	return ae_fail(err, AE_EAUTH, "no registry in a unit test");
}

/* A bundle tree (a recipe.yaml) at t_path("out")/SUB ("": out itself);
 * returns the path of out. */
static inline const char *t_push_tree(const char *sub)
{
	const char *dir = t_path("out");
	char f[4200];

	mkdir(dir, 0755);
	if (*sub) {
		snprintf(f, sizeof(f), "%s/%s", dir, sub);
		mkdir(f, 0755);
	}
	snprintf(f, sizeof(f), "%s/%s%srecipe.yaml", dir, sub, *sub ? "/" : "");
	t_write_file(f, "kind: x\n", 8);
	return dir;
}

/* A pointer whose one attestation names reg.example/repo:named-tag for the
 * bundle DIGEST ("sha256:..."), written to PATH. */
static inline void t_push_pointer(const char *path, const char *digest)
{
	char doc[1024];

	snprintf(doc, sizeof(doc),
		 "schemaVersion: 1.0.0\n"
		 "recipe: h100-gke-cos-training\n"
		 "attestations:\n"
		 "  - bundle:\n"
		 "      oci: reg.example/repo:named-tag\n"
		 "      digest: %s\n"
		 "      predicateType: https://aicr.run/recipe-evidence/v3\n"
		 "    signer:\n"
		 "      identity: someone@example.com\n"
		 "      issuer: https://github.com/login/oauth\n"
		 "      rekorLogIndex: 42\n"
		 "    attestedAt: 2026-06-25T05:57:00Z\n",
		 digest);
	t_write_file(path, doc, strlen(doc));
}

#endif
