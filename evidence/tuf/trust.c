/* evidence/tuf/trust.c -- which trusted root and signing config are in
 * force (contract in evidence/tuf/tuf.h, docs/trust.md)
 *
 * One rule for every command that verifies or signs without
 * --trusted-root / --signing-config: the documents of the TUF repository
 * `trust update` selected, when its cached state re-verifies offline, no
 * role of it has expired, the state is the caller's own and the documents
 * themselves pass the caller's check; otherwise the embedded documents.
 * Why the cache is not in force is kept as one phrase (t->note) for a
 * note on stderr and for `trust show`. Nothing here prints: the commands
 * decide what to say.
 */
#include "evidence/tuf/tuf.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

const char *const tuf_trust_targets[TUF_TRUST_NTARGETS] = {
	"trusted_root.json",
	"signing_config.v0.2.json",
};

void tuf_time_format(char out[32], int64_t t)
{
	/* the one writer of dates (evidence/core/time.c): a four-digit year
	 * that --at reads back; past 0000-9999, the seconds */
	if (ae_time_format(out, (ae_time){.sec = t}) != 0)
		snprintf(out, 32, "%lld", (long long)t);
}

int tuf_trust_check_documents(const tuf_state *s, const tuf_trust_docs *d,
			      int64_t now, ae_err *err)
{
	size_t rl = 0, sl = 0;
	const unsigned char *r = tuf_state_target(s, tuf_trust_targets[0], &rl);
	const unsigned char *c = tuf_state_target(s, tuf_trust_targets[1], &sl);

	if (r == NULL)
		return ae_fail(err, AE_ENOTFOUND, "the repository has no %s",
			       tuf_trust_targets[0]);
	return d->check(r, rl, c, sl, now, err);
}

static void trust_use_embedded(tuf_trust *t)
{
	t->source = TUF_TRUST_EMBEDDED;
	t->root = t->docs->embedded_root;
	t->root_len = t->docs->embedded_root_len;
	t->sc = NULL;
	t->sc_len = 0;
}

/* Loads the selected cache `hash` under the checked base/tuf `tfd` into
 * t->tuf and decides whether it is in force; t->note says why not. */
static void trust_try_cache(tuf_trust *t, int tfd, const char *hash,
			    int64_t now)
{
	ae_err err = {0};
	char when[32];
	const char *exp;

	if (tuf_cache_load_at(&t->tuf, tfd, hash, now, tuf_trust_targets,
			      TUF_TRUST_NTARGETS, &err) < 0) {
		snprintf(t->note, sizeof(t->note),
			 "the TUF cache does not verify (%s)", err.msg);
		return;
	}
	exp = tuf_state_expired(t->tuf);
	if (exp != NULL) {
		tuf_time_format(when, tuf_state_expires(t->tuf, exp));
		snprintf(t->note, sizeof(t->note),
			 "the TUF cache has expired (%s expired at %s); run "
			 "'aicr-evidence trust update'",
			 exp, when);
		return;
	}
	if (tuf_trust_check_documents(t->tuf, t->docs, now, &err) < 0) {
		snprintf(t->note, sizeof(t->note),
			 "the TUF cache's documents are not usable (%s)",
			 err.msg);
		return;
	}
	t->source = TUF_TRUST_CACHE;
	t->root = tuf_state_target(t->tuf, tuf_trust_targets[0], &t->root_len);
	t->sc = tuf_state_target(t->tuf, tuf_trust_targets[1], &t->sc_len);
}

/* Opens t->base's tuf directory, checked as the caller's own, into
 * *tfd (-1 when there is none). False when it is not the caller's own;
 * then t->note says why and nothing of it is used. */
static bool trust_open(tuf_trust *t, int *tfd)
{
	char why[300];
	ae_err e = {0};

	if (tuf_cache_open(tfd, t->base, why, sizeof(why), &e) == 0)
		return true;
	snprintf(t->note, sizeof(t->note),
		 "ignoring the TUF cache in %.200s/tuf: %.250s", t->base, why);
	t->cache_dir[0] = '\0';
	t->foreign = true;
	return false;
}

int tuf_trust_resolve(tuf_trust *t, const char *base,
		      const tuf_trust_docs *docs, int64_t now, ae_err *err)
{
	char hash[AE_SHA256_HEX_LEN + 1];
	ae_err e = {0};
	int tfd = -1;

	memset(t, 0, sizeof(*t));
	t->docs = docs;
	trust_use_embedded(t);
	if (base == NULL)
		return 0; /* no cache directory: the embedded documents */
	if ((size_t)snprintf(t->base, sizeof(t->base), "%s", base) >=
	    sizeof(t->base))
		return ae_fail(err, AE_ETOOBIG, "cache path too long");
	/* the cache is untrusted storage: its TUF state is trust only when
	 * it is the caller's own (docs/trust.md), and what is loaded is
	 * read through the descriptor that was checked: a base writable by
	 * others cannot have base/tuf swapped between the two */
	if (!trust_open(t, &tfd) || tfd < 0)
		return 0; /* foreign, or no TUF cache: the embedded ones */
	if (tuf_cache_selected_at(hash, tfd, &e) < 0 ||
	    (size_t)snprintf(t->cache_dir, sizeof(t->cache_dir), "%s/tuf/%s",
			     t->base, hash) >= sizeof(t->cache_dir)) {
		t->cache_dir[0] = '\0';
		close(tfd);
		return 0; /* no TUF cache selected: the embedded documents */
	}
	trust_try_cache(t, tfd, hash, now);
	close(tfd);
	return 0;
}

void tuf_trust_dispose(tuf_trust *t)
{
	tuf_state_free(t->tuf);
	t->tuf = NULL;
}

bool tuf_trust_stale(const tuf_trust *t, int64_t now)
{
	/* no cache, or one that does not verify: nothing to refresh from
	 * (a damaged cache is only started over when asked, check
	 * --tuf-update or trust update) */
	if (t->foreign || t->cache_dir[0] == '\0' || t->tuf == NULL)
		return false;
	return tuf_state_updated_at(t->tuf) + TUF_TRUST_REFRESH_S <= now ||
	       t->source != TUF_TRUST_CACHE;
}

/* Makes base/tuf when missing and opens it, checked as the caller's own
 * (tuf_cache_open), into *tfd_out. */
static int trust_cache_make(int *tfd_out, const char *base, ae_err *err)
{
	char path[4200], why[300];
	ae_err e = {0};
	int rc;

	*tfd_out = -1;
	if (snprintf(path, sizeof(path), "%s/tuf", base) >= (int)sizeof(path))
		return ae_fail(err, AE_ETOOBIG, "cache path too long");
	rc = ae_mkdir_p(path, err);
	if (rc < 0)
		return rc;
	rc = tuf_cache_open(tfd_out, base, why, sizeof(why), &e);
	if (rc == 0 && *tfd_out < 0)
		snprintf(why, sizeof(why), "tuf went away");
	if (rc < 0 || *tfd_out < 0)
		return ae_fail(err, AE_EINVAL,
			       "refused: the TUF cache in %.200s/tuf is not "
			       "your own (%s)",
			       base, why);
	return 0;
}

int tuf_trust_update(tuf_state **out, const tuf_trust_update_opts *o,
		     ae_err *err)
{
	tuf_update_opts uo = TUF_UPDATE_OPTS_INIT;
	char why[300];
	const char *hash;
	ae_err e = {0};
	int rc, tfd = -1;

	*out = NULL;
	/* never write trust into a cache another user can change */
	if (tuf_cache_owned(o->base, why, sizeof(why), &e) < 0)
		return ae_fail(err, AE_EINVAL,
			       "refused: the TUF cache in %.200s/tuf is not "
			       "your own (%s)",
			       o->base, why);
	uo.url = o->url;
	uo.cache_dir = o->cache_dir;
	uo.root = o->root;
	uo.root_len = o->root_len;
	uo.now = o->now;
	uo.targets = tuf_trust_targets;
	uo.ntargets = TUF_TRUST_NTARGETS;
	uo.nrequired = 1;
	uo.deadline = o->deadline;
	uo.ca_file = o->ca_file;
	rc = tuf_update(out, &uo, err);
	/* the documents must be what they claim before they are kept */
	if (rc == 0)
		rc = tuf_trust_check_documents(*out, o->docs, o->now, err);
	/* base/tuf made, then checked on the descriptor every write goes
	 * through: nothing renamed into its path after the check is
	 * written to */
	if (rc == 0)
		rc = trust_cache_make(&tfd, o->base, err);
	hash = strrchr(o->cache_dir, '/');
	if (rc == 0)
		rc = tuf_state_commit(*out, tfd, hash ? hash + 1 : "", err);
	if (rc == 0)
		rc = tuf_cache_select(tfd, hash + 1, err);
	if (tfd >= 0)
		close(tfd);
	if (rc < 0) {
		tuf_state_free(*out);
		*out = NULL;
	}
	return rc;
}

int tuf_trust_refresh(tuf_trust *t, int64_t now, ae_err *err)
{
	tuf_trust_update_opts o = {0};
	char dir[sizeof(t->cache_dir)], base[sizeof(t->base)];
	const tuf_trust_docs *docs = t->docs;
	tuf_state *s = NULL;
	int rc;

	if (t->base[0] == '\0')
		return ae_fail(err, AE_EINVAL,
			       "no cache directory: set XDG_CACHE_HOME or "
			       "HOME, or pass --cache");
	memcpy(base, t->base, sizeof(base));
	o.base = base;
	o.now = now;
	o.docs = docs;
	o.deadline = ae_deadline_in(TUF_TRUST_REFRESH_TIMEOUT_MS);
	if (t->tuf != NULL) {
		/* the selected repository, from its own cached root */
		memcpy(dir, t->cache_dir, sizeof(dir));
		o.url = tuf_state_url(t->tuf);
	} else {
		/* nothing usable selected: the public-good repository from
		 * the embedded root (a damaged cache is started over) */
		o.url = TUF_PUBLIC_GOOD_URL;
		o.root = tuf_public_good_root(&o.root_len);
		rc = tuf_cache_dir(dir, sizeof(dir), base, o.url, err);
		if (rc < 0)
			return rc;
	}
	o.cache_dir = dir;
	rc = tuf_trust_update(&s, &o, err);
	tuf_state_free(s);
	if (rc < 0)
		return rc;
	tuf_trust_dispose(t);
	return tuf_trust_resolve(t, base, docs, now, err);
}

const unsigned char *tuf_trust_root_override(const tuf_trust *t,
					     size_t *len_out)
{
	*len_out = 0;
	if (t->source != TUF_TRUST_CACHE)
		return NULL;
	*len_out = t->root_len;
	return t->root;
}
