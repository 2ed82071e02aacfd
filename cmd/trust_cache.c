/* cmd/trust_cache.c -- which trusted root and signing config are in force
 *
 * One rule for every command that verifies or signs (docs/trust.md):
 * `--trusted-root` / `--signing-config` given: exactly those files, nothing
 * else. Otherwise the documents of the TUF repository `trust update`
 * selected, when its cached state re-verifies offline, no role of it has
 * expired and the documents themselves parse; otherwise the embedded
 * public-good trusted root and the built-in service defaults. The reason
 * the cache is not in force is kept for a one-line note on stderr and for
 * `trust show`. `verify` and `ledger --verify` may first refresh a cache
 * older than a day (cmd_trust_refresh); `check` only with --tuf-update.
 */
#include "cmd/cmd.h"
#include "evidence/tuf/tuf.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

const char *const cmd_trust_targets[CMD_TRUST_NTARGETS] = {
	"trusted_root.json",
	"signing_config.v0.2.json",
};

/* The cache base: `cache`, else the default of every command. */
static int trust_base(char *out, size_t outsz, const char *cache, ae_err *err)
{
	if (cache != NULL) {
		if (snprintf(out, outsz, "%s", cache) >= (int)outsz)
			return ae_fail(err, AE_ETOOBIG, "cache path too long");
		return 0;
	}
	return oci_cache_default(out, outsz, err);
}

/* Checks that the cached documents are what they claim to be. */
static int trust_documents_ok(const unsigned char *root, size_t root_len,
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

int cmd_trust_check_documents(const tuf_state *s, int64_t now, ae_err *err)
{
	size_t rl = 0, sl = 0;
	const unsigned char *r = tuf_state_target(s, cmd_trust_targets[0], &rl);
	const unsigned char *c = tuf_state_target(s, cmd_trust_targets[1], &sl);

	if (r == NULL)
		return ae_fail(err, AE_ENOTFOUND, "the repository has no %s",
			       cmd_trust_targets[0]);
	return trust_documents_ok(r, rl, c, sl, now, err);
}

static void trust_use_embedded(cmd_trust_set *t)
{
	t->source = CMD_TRUST_EMBEDDED;
	t->root = ev_trust_public_good_json(&t->root_len);
	t->sc = NULL;
	t->sc_len = 0;
}

/* Loads the selected cache into t->tuf and decides whether it is in
 * force; t->note says why not. */
static void trust_try_cache(cmd_trust_set *t, int64_t now)
{
	ae_err err = {0};
	char when[32];
	const char *exp;
	int rc;

	rc = tuf_state_load(&t->tuf, t->cache_dir, now, cmd_trust_targets,
			    CMD_TRUST_NTARGETS, &err);
	if (rc < 0) {
		snprintf(t->note, sizeof(t->note),
			 "the TUF cache does not verify (%s)", err.msg);
		return;
	}
	exp = tuf_state_expired(t->tuf);
	if (exp != NULL) {
		cmd_trust_time(when, tuf_state_expires(t->tuf, exp));
		snprintf(t->note, sizeof(t->note),
			 "the TUF cache has expired (%s expired at %s); run "
			 "'aicr-evidence trust update'",
			 exp, when);
		return;
	}
	if (cmd_trust_check_documents(t->tuf, now, &err) < 0) {
		snprintf(t->note, sizeof(t->note),
			 "the TUF cache's documents are not usable (%s)",
			 err.msg);
		return;
	}
	t->source = CMD_TRUST_TUF;
	t->root = tuf_state_target(t->tuf, cmd_trust_targets[0], &t->root_len);
	t->sc = tuf_state_target(t->tuf, cmd_trust_targets[1], &t->sc_len);
}

/* True iff the TUF state under t->base is not the caller's own; then
 * t->note says why and nothing of it is used. */
static bool trust_foreign(cmd_trust_set *t)
{
	char why[300];
	ae_err e = {0};

	if (tuf_cache_owned(t->base, why, sizeof(why), &e) == 0)
		return false;
	snprintf(t->note, sizeof(t->note),
		 "ignoring the TUF cache in %.200s/tuf: %.250s", t->base, why);
	t->cache_dir[0] = '\0';
	t->foreign = true;
	return true;
}

int cmd_trust_resolve(cmd_trust_set *t, const char *cache, int64_t now,
		      ae_err *err)
{
	char base[sizeof(t->base)];
	ae_err e = {0};
	int rc;

	memset(t, 0, sizeof(*t));
	trust_use_embedded(t);
	rc = trust_base(base, sizeof(base), cache, &e);
	/* no default cache directory (no HOME, no XDG_CACHE_HOME): no TUF
	 * cache, the embedded documents; a --cache that cannot be used is
	 * the caller's error */
	if (rc < 0 && cache == NULL)
		return 0;
	if (rc < 0)
		return ae_fail(err, rc, "%s", e.msg);
	memcpy(t->base, base, sizeof(base));
	ae_err_clear(&e);
	/* the cache is untrusted storage: its TUF state is trust only when
	 * it is the caller's own (docs/trust.md) */
	if (trust_foreign(t))
		return 0;
	if (tuf_cache_selected(t->cache_dir, sizeof(t->cache_dir), t->base,
			       &e) < 0) {
		t->cache_dir[0] = '\0';
		return 0; /* no TUF cache: the embedded documents */
	}
	trust_try_cache(t, now);
	/* swapped while it loaded: not ours after all */
	if (t->source == CMD_TRUST_TUF && trust_foreign(t))
		trust_use_embedded(t);
	return 0;
}

void cmd_trust_dispose(cmd_trust_set *t)
{
	tuf_state_free(t->tuf);
	t->tuf = NULL;
}

void cmd_trust_note(const cmd_trust_set *t)
{
	if (t->source == CMD_TRUST_EMBEDDED && t->note[0] != '\0')
		fprintf(stderr,
			"aicr-evidence: note: %s; using the embedded "
			"public-good trusted root\n",
			t->note);
}

void cmd_trust_time(char out[32], int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, 32, "%lld", (long long)t);
}

bool cmd_trust_stale(const cmd_trust_set *t, int64_t now)
{
	/* no cache, or one that does not verify: nothing to refresh from
	 * (a damaged cache is only started over when asked, check
	 * --tuf-update or trust update) */
	if (t->foreign || t->cache_dir[0] == '\0' || t->tuf == NULL)
		return false;
	return tuf_state_updated_at(t->tuf) + CMD_TRUST_REFRESH_S <= now ||
	       t->source != CMD_TRUST_TUF;
}

int cmd_trust_update(tuf_state **out, const cmd_trust_update_opts *o,
		     ae_err *err)
{
	tuf_update_opts uo = TUF_UPDATE_OPTS_INIT;
	char why[300];
	ae_err e = {0};
	int rc;

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
	uo.targets = cmd_trust_targets;
	uo.ntargets = CMD_TRUST_NTARGETS;
	uo.nrequired = 1;
	uo.deadline = o->deadline;
	uo.ca_file = o->ca_file;
	rc = tuf_update(out, &uo, err);
	/* the documents must be what they claim before they are kept */
	if (rc == 0)
		rc = cmd_trust_check_documents(*out, o->now, err);
	if (rc == 0)
		rc = tuf_state_commit(*out, o->cache_dir, err);
	if (rc == 0)
		rc = tuf_cache_select(o->base, o->cache_dir, err);
	if (rc < 0) {
		tuf_state_free(*out);
		*out = NULL;
	}
	return rc;
}

int cmd_trust_refresh(cmd_trust_set *t, int64_t now, ae_err *err)
{
	cmd_trust_update_opts o = {0};
	char dir[sizeof(t->cache_dir)], base[sizeof(t->base)];
	tuf_state *s = NULL;
	int rc;

	if (t->base[0] == '\0')
		return ae_fail(err, AE_EINVAL,
			       "no cache directory: set XDG_CACHE_HOME or "
			       "HOME, or pass --cache");
	memcpy(base, t->base, sizeof(base));
	o.base = base;
	o.now = now;
	o.deadline = ae_deadline_in(CMD_TRUST_REFRESH_TIMEOUT_MS);
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
	rc = cmd_trust_update(&s, &o, err);
	tuf_state_free(s);
	if (rc < 0)
		return rc;
	cmd_trust_dispose(t);
	return cmd_trust_resolve(t, base, now, err);
}

int cmd_trust_in_force(cmd_trust_set *t, const char *cache,
		       cmd_trust_refresh_mode mode, ae_err *err)
{
	int64_t now = (int64_t)time(NULL);
	ae_err e = {0};
	int rc = cmd_trust_resolve(t, cache, now, err);

	if (rc < 0)
		return rc;
	if (mode == CMD_TRUST_REFRESH_ALWAYS ||
	    (mode == CMD_TRUST_REFRESH_STALE && cmd_trust_stale(t, now))) {
		/* a failed refresh leaves `t` as it was resolved */
		if (cmd_trust_refresh(t, now, &e) < 0)
			fprintf(stderr,
				"aicr-evidence: note: the TUF update failed "
				"(%s); the trust in force is unchanged\n",
				e.msg);
	}
	cmd_trust_note(t);
	return rc;
}

const unsigned char *cmd_trust_root_override(const cmd_trust_set *t,
					     size_t *len_out)
{
	*len_out = 0;
	if (t->source != CMD_TRUST_TUF)
		return NULL;
	*len_out = t->root_len;
	return t->root;
}
