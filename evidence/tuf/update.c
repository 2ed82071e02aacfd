/* evidence/tuf/update.c -- the TUF client workflow (spec §5)
 *
 * One walk serves two purposes. Against the repository it is the update:
 * root N+1, N+2, ... each signed by a threshold of the previous root's
 * root keys and of its own (§5.3.4), its version exactly N+1 (§5.3.5);
 * the final root unexpired (§5.3.10); timestamp, snapshot and targets
 * each signed by the root's keys for the role, checked against the
 * previous trusted versions (rollback, §5.4.3, §5.5.5), against the
 * version, length and hashes their parent lists (mix-and-match, §5.5.2,
 * §5.5.4, §5.6.2, §5.6.4) and unexpired (freeze, §5.4.4, §5.5.6, §5.6.5);
 * then each wanted target searched depth-first through the delegations
 * (§5.6.7) and checked against its length and hashes (§5.7). Against a
 * cache directory (tuf_state_load) it is the offline re-verification of
 * a stored state: the same checks on the same names, with expiry
 * recorded rather than refused so `trust show` can say what expired.
 *
 * Everything happens in memory: the state is committed by the caller,
 * all at once, only after the whole walk passed (tuf.h).
 */
#include "evidence/tuf/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* What one walk carries. */
typedef struct wf {
	const tuf__source *src;
	tuf_state *st;
	const tuf_state *prev;	 /* rollback floor; NULL for none */
	bool keep_ts, keep_snap; /* prev's files still trusted (§5.3.11) */
	int64_t now;
	bool load;
	size_t visited;
} wf;

static void wf_time(char out[32], int64_t t)
{
	/* the one writer of dates, as tuf_time_format */
	if (ae_time_format(out, (ae_time){.sec = t}) != 0)
		snprintf(out, 32, "%lld", (long long)t);
}

/* Freeze protection (§5.3.10, §5.4.4, §5.5.6, §5.6.5): the update start
 * time must be before the expiry. A load records the first expired role. */
static int wf_fresh(wf *w, const tuf__meta *m, const char *role,
		    const char *name, ae_err *err)
{
	char when[32], now[32];

	if (m->expires > w->now)
		return 0;
	if (w->load) {
		if (w->st->expired == NULL)
			w->st->expired = role;
		return 0;
	}
	wf_time(when, m->expires);
	wf_time(now, w->now);
	return ae_fail(err, AE_EVERIFY,
		       "%s v%lld: expired at %s, before the update time %s "
		       "(freeze attack protection)",
		       name, (long long)m->version, when, now);
}

/* Gets and parses `path` as a role of type `type`, checking it first
 * against `f` (length and hashes from its trusted parent) when given. */
static int wf_fetch(tuf__meta **m_out, ae_buf *bytes, wf *w, const char *path,
		    size_t cap, tuf__type type, const tuf__file *f,
		    const char *what, ae_err *err)
{
	char msg[96];
	int rc;

	*m_out = NULL;
	if (f != NULL && f->length > (int64_t)cap)
		return ae_fail(err, AE_ETOOBIG,
			       "%s: the trusted metadata gives a length of "
			       "%lld, over the cap of %zu",
			       what, (long long)f->length, cap);
	if (f != NULL && f->length >= 0)
		cap = (size_t)f->length;
	snprintf(msg, sizeof(msg), "%s (mix-and-match protection)", what);
	rc = w->src->get(w->src->ctx, bytes, path, cap, err);
	if (rc == AE_ETOOBIG && err != NULL && f != NULL && f->length >= 0) {
		ae_err_clear(err);
		rc = ae_fail(err, AE_EVERIFY,
			     "%s: longer than the %lld bytes the trusted "
			     "metadata gives",
			     msg, (long long)f->length);
	}
	if (rc == 0 && f != NULL)
		rc = tuf__file_check(f, bytes->data, bytes->len, msg, err);
	if (rc == 0)
		rc = tuf__meta_parse(m_out, bytes->data, bytes->len, type, err);
	if (rc < 0)
		ae_buf_dispose(bytes);
	return rc;
}

/* ---- root (§5.2, §5.3) ---- */

static void wf_set_root(tuf_state *st, tuf__meta *m, ae_buf *bytes)
{
	tuf__meta_free(st->meta[TUF_ROOT]);
	ae_buf_dispose(&st->bytes[TUF_ROOT]);
	st->meta[TUF_ROOT] = m;
	st->bytes[TUF_ROOT] = *bytes;
	snprintf(st->path[TUF_ROOT], sizeof(st->path[0]), "root.json");
}

/* The trusted root: parsed and signed by a threshold of its own keys. */
static int wf_root_initial(wf *w, const unsigned char *root, size_t len,
			   ae_err *err)
{
	ae_buf b = AE_BUF_INIT(TUF_ROOT_MAX_BYTES);
	tuf__meta *m = NULL;
	int rc = ae_buf_put(&b, root, len, err);

	if (rc == 0)
		rc = tuf__meta_parse(&m, b.data, b.len, TUF_ROOT, err);
	if (rc == 0)
		rc = tuf__verify_role(m, &m->roles[TUF_ROOT], m->keys,
				      "trusted root", err);
	if (rc < 0) {
		tuf__meta_free(m);
		ae_buf_dispose(&b);
		return rc;
	}
	wf_set_root(w->st, m, &b);
	return 0;
}

/* One step of the walk: N+1.root.json; *done when there is none. */
static int wf_root_next(wf *w, bool *done, ae_err *err)
{
	const tuf__meta *old = w->st->meta[TUF_ROOT];
	ae_buf b = AE_BUF_INIT(0);
	tuf__meta *m = NULL;
	char path[48], what[96];
	int rc;

	*done = false;
	snprintf(path, sizeof(path), "%lld.root.json",
		 (long long)old->version + 1);
	rc = w->src->get(w->src->ctx, &b, path, TUF_ROOT_MAX_BYTES, err);
	if (rc == AE_ENOTFOUND) {
		ae_err_clear(err);
		*done = true;
		return 0;
	}
	if (rc == 0)
		rc = tuf__meta_parse(&m, b.data, b.len, TUF_ROOT, err);
	snprintf(
		what, sizeof(what), "root v%lld (%s) by the keys of root v%lld",
		m ? (long long)m->version : 0LL, path, (long long)old->version);
	if (rc == 0)
		rc = tuf__verify_role(m, &old->roles[TUF_ROOT], old->keys, what,
				      err);
	snprintf(what, sizeof(what), "root v%lld (%s) by its own keys",
		 m ? (long long)m->version : 0LL, path);
	if (rc == 0)
		rc = tuf__verify_role(m, &m->roles[TUF_ROOT], m->keys, what,
				      err);
	if (rc == 0 && m->version != old->version + 1)
		rc = ae_fail(err, AE_EVERIFY,
			     "root: %s holds version %lld where %lld was "
			     "expected (rollback attack protection)",
			     path, (long long)m->version,
			     (long long)old->version + 1);
	if (rc < 0) {
		tuf__meta_free(m);
		ae_buf_dispose(&b);
		return rc;
	}
	wf_set_root(w->st, m, &b);
	return 0;
}

static int wf_root(wf *w, const unsigned char *root, size_t len, ae_err *err)
{
	const tuf__meta *prev_root = w->prev ? w->prev->meta[TUF_ROOT] : NULL;
	bool done = false;
	int rc = wf_root_initial(w, root, len, err);

	for (int i = 0; rc == 0 && !done && i < TUF_MAX_ROOT_ROTATIONS; i++)
		rc = wf_root_next(w, &done, err);
	if (rc == 0)
		rc = wf_fresh(w, w->st->meta[TUF_ROOT], "root", "root", err);
	/* §5.3.11: rotated timestamp or snapshot keys void the trusted
	 * files (recovery from a fast-forward attack) */
	if (rc == 0 && prev_root != NULL) {
		const tuf__meta *r = w->st->meta[TUF_ROOT];

		w->keep_ts = tuf__role_same(&prev_root->roles[TUF_TIMESTAMP],
					    &r->roles[TUF_TIMESTAMP]) &&
			     tuf__role_same(&prev_root->roles[TUF_SNAPSHOT],
					    &r->roles[TUF_SNAPSHOT]);
		w->keep_snap = w->keep_ts;
	}
	return rc;
}

/* ---- timestamp (§5.4) ---- */

/* Adopts prev's file of `type` (same version: nothing new to fetch). */
static int wf_keep(wf *w, tuf__type type, ae_err *err)
{
	tuf_state *st = w->st;
	const ae_buf *pb = &w->prev->bytes[type];
	int rc;

	ae_buf_init(&st->bytes[type], pb->max);
	rc = ae_buf_put(&st->bytes[type], pb->data, pb->len, err);
	if (rc == 0)
		rc = tuf__meta_parse(&st->meta[type], pb->data, pb->len, type,
				     err);
	snprintf(st->path[type], sizeof(st->path[0]), "%s",
		 w->prev->path[type]);
	return rc;
}

static int wf_timestamp(wf *w, ae_err *err)
{
	tuf_state *st = w->st;
	const tuf__meta *root = st->meta[TUF_ROOT];
	const tuf__meta *old = w->keep_ts ? w->prev->meta[TUF_TIMESTAMP] : NULL;
	tuf__meta *m = NULL;
	char what[64];
	int rc;

	snprintf(st->path[TUF_TIMESTAMP], sizeof(st->path[0]),
		 "timestamp.json");
	rc = wf_fetch(&m, &st->bytes[TUF_TIMESTAMP], w, "timestamp.json",
		      TUF_TIMESTAMP_MAX_BYTES, TUF_TIMESTAMP, NULL, "timestamp",
		      err);
	st->meta[TUF_TIMESTAMP] = m;
	if (rc < 0)
		return rc;
	snprintf(what, sizeof(what), "timestamp v%lld", (long long)m->version);
	rc = tuf__verify_role(m, &root->roles[TUF_TIMESTAMP], root->keys, what,
			      err);
	if (rc == 0 && old != NULL && m->version < old->version)
		return ae_fail(err, AE_EVERIFY,
			       "timestamp: version %lld is older than the "
			       "trusted version %lld (rollback attack "
			       "protection)",
			       (long long)m->version, (long long)old->version);
	if (rc == 0 && old != NULL &&
	    m->files[0].version < old->files[0].version)
		return ae_fail(err, AE_EVERIFY,
			       "timestamp v%lld: snapshot version %lld is "
			       "older than the trusted version %lld (rollback "
			       "attack protection)",
			       (long long)m->version,
			       (long long)m->files[0].version,
			       (long long)old->files[0].version);
	if (rc == 0 && old != NULL && m->version == old->version) {
		/* §5.4.3.1: the same version is nothing new; keep the
		 * trusted file (python-tuf, tuf-js) */
		tuf__meta_free(m);
		st->meta[TUF_TIMESTAMP] = NULL;
		ae_buf_dispose(&st->bytes[TUF_TIMESTAMP]);
		rc = wf_keep(w, TUF_TIMESTAMP, err);
	}
	if (rc == 0)
		rc = wf_fresh(w, st->meta[TUF_TIMESTAMP], "timestamp",
			      "timestamp", err);
	return rc;
}

/* ---- snapshot and targets: a role file its parent lists ---- */

/* Adopts prev's file of `type`, still the one its parent lists, and
 * checks it is unexpired. */
static int wf_kept(wf *w, tuf__type type, ae_err *err)
{
	const char *role = tuf__type_name(type);
	int rc = wf_keep(w, type, err);

	return rc < 0 ? rc : wf_fresh(w, w->st->meta[type], role, role, err);
}

/* Fetches role file `type` (snapshot, targets) as parent role `ptype`
 * lists it in `f` (§5.5.1-5.5.4, §5.6.1-5.6.4): named by f's version when
 * the root says consistent snapshots, checked against f's length and
 * hashes, signed by the root's keys for the role and holding f's
 * version. The role is st->meta[type], set even on failure (the state
 * frees it). */
static int wf_listed_fetch(wf *w, tuf__type type, tuf__type ptype,
			   const tuf__file *f, size_t cap, ae_err *err)
{
	tuf_state *st = w->st;
	const tuf__meta *root = st->meta[TUF_ROOT];
	const char *role = tuf__type_name(type),
		   *parent = tuf__type_name(ptype);
	int64_t pversion = st->meta[ptype]->version;
	tuf__meta *m = NULL;
	char what[64];
	int rc;

	if (root->consistent)
		snprintf(st->path[type], sizeof(st->path[0]), "%lld.%s.json",
			 (long long)f->version, role);
	else
		snprintf(st->path[type], sizeof(st->path[0]), "%s.json", role);
	snprintf(what, sizeof(what), "%s v%lld (from %s v%lld)", role,
		 (long long)f->version, parent, (long long)pversion);
	rc = wf_fetch(&m, &st->bytes[type], w, st->path[type], cap, type, f,
		      what, err);
	st->meta[type] = m;
	if (rc < 0)
		return rc;
	snprintf(what, sizeof(what), "%s v%lld", role, (long long)m->version);
	rc = tuf__verify_role(m, &root->roles[type], root->keys, what, err);
	if (rc == 0 && m->version != f->version)
		return ae_fail(err, AE_EVERIFY,
			       "%s: version %lld where %s v%lld lists %lld "
			       "(mix-and-match attack protection)",
			       role, (long long)m->version, parent,
			       (long long)pversion, (long long)f->version);
	return rc;
}

/* ---- snapshot (§5.5) ---- */

/* §5.5.5: every file the trusted snapshot listed is still listed, at the
 * same or a newer version. */
static int wf_snapshot_rollback(const tuf__meta *m, const tuf__meta *old,
				ae_err *err)
{
	char rbuf[AE_REPR_BUF];

	for (size_t i = 0; old != NULL && i < old->nfiles; i++) {
		const tuf__file *o = &old->files[i];
		const tuf__file *n = tuf__meta_file(m, o->name);
		const char *name =
			ae_repr(rbuf, sizeof(rbuf), o->name, strlen(o->name));

		if (n == NULL)
			return ae_fail(err, AE_EVERIFY,
				       "snapshot v%lld: %s is no longer listed "
				       "(rollback attack protection)",
				       (long long)m->version, name);
		if (n->version < o->version)
			return ae_fail(err, AE_EVERIFY,
				       "snapshot v%lld: %s version %lld is "
				       "older than the trusted version %lld "
				       "(rollback attack protection)",
				       (long long)m->version, name,
				       (long long)n->version,
				       (long long)o->version);
	}
	return 0;
}

static int wf_snapshot(wf *w, ae_err *err)
{
	tuf_state *st = w->st;
	const tuf__file *f = &st->meta[TUF_TIMESTAMP]->files[0];
	const tuf__meta *old =
		w->keep_snap ? w->prev->meta[TUF_SNAPSHOT] : NULL;
	int rc;

	/* the trusted copy of this version, if it also has the length and
	 * hashes the new timestamp gives (else it is fetched and checked) */
	if (old != NULL && old->version == f->version &&
	    tuf__file_check(f, w->prev->bytes[TUF_SNAPSHOT].data,
			    w->prev->bytes[TUF_SNAPSHOT].len, "snapshot",
			    NULL) == 0)
		return wf_kept(w, TUF_SNAPSHOT, err);
	rc = wf_listed_fetch(w, TUF_SNAPSHOT, TUF_TIMESTAMP, f,
			     TUF_SNAPSHOT_MAX_BYTES, err);
	if (rc == 0)
		rc = wf_snapshot_rollback(st->meta[TUF_SNAPSHOT], old, err);
	if (rc == 0)
		rc = wf_fresh(w, st->meta[TUF_SNAPSHOT], "snapshot", "snapshot",
			      err);
	return rc;
}

/* ---- targets (§5.6) ---- */

/* The snapshot's entry for role file `name` ("targets.json", "x.json"). */
static int wf_listed(const tuf__file **out, const tuf_state *st,
		     const char *name, ae_err *err)
{
	char rbuf[AE_REPR_BUF];

	*out = tuf__meta_file(st->meta[TUF_SNAPSHOT], name);
	if (*out != NULL)
		return 0;
	return ae_fail(err, AE_EVERIFY, "snapshot v%lld does not list %s",
		       (long long)st->meta[TUF_SNAPSHOT]->version,
		       ae_repr(rbuf, sizeof(rbuf), name, strlen(name)));
}

static int wf_targets(wf *w, ae_err *err)
{
	tuf_state *st = w->st;
	const tuf__meta *root = st->meta[TUF_ROOT];
	const tuf__meta *old = w->prev ? w->prev->meta[TUF_TARGETS] : NULL;
	const tuf__file *f = NULL;
	int rc = wf_listed(&f, st, "targets.json", err);

	if (rc < 0)
		return rc;
	if (old != NULL && old->version == f->version &&
	    tuf__file_check(f, w->prev->bytes[TUF_TARGETS].data,
			    w->prev->bytes[TUF_TARGETS].len, "targets",
			    NULL) == 0 &&
	    tuf__verify_role(old, &root->roles[TUF_TARGETS], root->keys,
			     "targets", NULL) == 0)
		return wf_kept(w, TUF_TARGETS, err);
	rc = wf_listed_fetch(w, TUF_TARGETS, TUF_SNAPSHOT, f,
			     TUF_TARGETS_MAX_BYTES, err);
	if (rc == 0)
		rc = wf_fresh(w, st->meta[TUF_TARGETS], "targets", "targets",
			      err);
	return rc;
}

/* ---- delegations (§5.6.7) ---- */

/* prev's copy of delegated role `name` at `version`, or NULL. */
static const tuf__delegated *wf_prev_del(const wf *w, const char *name,
					 int64_t version)
{
	for (size_t i = 0; w->prev != NULL && i < w->prev->ndels; i++)
		if (strcmp(w->prev->dels[i].name, name) == 0 &&
		    w->prev->dels[i].meta->version == version)
			return &w->prev->dels[i];
	return NULL;
}

/* Loads delegated role `d` (delegated by `parent`) into a new st->dels
 * entry, checked against the snapshot and signed by `parent`'s keys for
 * it. */
static int wf_delegated(const tuf__meta **out, wf *w, const tuf__meta *parent,
			const tuf__role *d, ae_err *err)
{
	tuf_state *st = w->st;
	tuf__delegated *e, *grown;
	const tuf__delegated *kept;
	const tuf__file *f = NULL;
	char name[300], what[330];
	int rc;

	*out = NULL;
	snprintf(name, sizeof(name), "%s.json", d->name);
	rc = wf_listed(&f, st, name, err);
	if (rc < 0)
		return rc;
	grown = realloc(st->dels, (st->ndels + 1) * sizeof(*st->dels));
	if (grown == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	st->dels = grown;
	e = &st->dels[st->ndels++];
	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s", d->name);
	if (st->meta[TUF_ROOT]->consistent)
		snprintf(e->path, sizeof(e->path), "%lld.%s",
			 (long long)f->version, name);
	else
		snprintf(e->path, sizeof(e->path), "%s", name);
	kept = wf_prev_del(w, d->name, f->version);
	snprintf(what, sizeof(what), "delegated role %s v%lld", d->name,
		 (long long)f->version);
	if (kept != NULL) {
		ae_buf_init(&e->bytes, kept->bytes.max);
		rc = ae_buf_put(&e->bytes, kept->bytes.data, kept->bytes.len,
				err);
		if (rc == 0)
			rc = tuf__meta_parse(&e->meta, e->bytes.data,
					     e->bytes.len, TUF_TARGETS, err);
	} else {
		rc = wf_fetch(&e->meta, &e->bytes, w, e->path,
			      TUF_TARGETS_MAX_BYTES, TUF_TARGETS, f, what, err);
	}
	if (rc == 0)
		rc = tuf__verify_role(e->meta, d, parent->keys, what, err);
	if (rc == 0 && e->meta->version != f->version)
		rc = ae_fail(err, AE_EVERIFY,
			     "%s: holds version %lld (mix-and-match attack "
			     "protection)",
			     what, (long long)e->meta->version);
	if (rc == 0)
		rc = wf_fresh(w, e->meta, e->name, e->name, err);
	if (rc == 0)
		*out = e->meta;
	return rc;
}

/* Pre-order depth-first search for `path` from targets role `m`; *found
 * set when a role lists it, *stop when a terminating delegation ended the
 * search. */
static int wf_search(const tuf__file **found, bool *stop, wf *w,
		     const tuf__meta *m, const char *path, ae_err *err)
{
	*found = tuf__meta_file(m, path);
	if (*found != NULL)
		return 0;
	for (size_t i = 0; i < m->ndels && !*stop; i++) {
		const tuf__role *d = &m->dels[i];
		const tuf__meta *child = NULL;
		bool seen = false;
		int rc;

		if (!tuf__role_matches(d, path))
			continue;
		for (size_t j = 0; j < w->st->ndels && !seen; j++)
			seen = strcmp(w->st->dels[j].name, d->name) == 0;
		if (seen)
			continue;
		if (w->visited >= TUF_MAX_DELEGATIONS)
			return 0;
		w->visited++;
		rc = wf_delegated(&child, w, m, d, err);
		if (rc == 0)
			rc = wf_search(found, stop, w, child, path, err);
		if (rc < 0 || *found != NULL)
			return rc;
		if (d->terminating)
			*stop = true;
	}
	return 0;
}

/* ---- targets files (§5.7) ---- */

static int wf_target_path(tuf__target_bytes *t, const tuf_state *st,
			  const tuf__file *f, ae_err *err)
{
	const char *h = tuf__file_sha256(f);
	char name[TUF__WANTED_NAME_MAX], path[sizeof(t->path)];
	const char *slash;
	int dir, n;

	memcpy(name, t->name, sizeof(name));
	slash = strrchr(name, '/');
	dir = slash ? (int)(slash - name + 1) : 0;
	if (!st->meta[TUF_ROOT]->consistent)
		n = snprintf(path, sizeof(path), "targets/%s", name);
	else if (h != NULL)
		n = snprintf(path, sizeof(path), "targets/%.*s%s.%s", dir, name,
			     h, name + dir);
	else
		return ae_fail(err, AE_EVERIFY,
			       "target %s: no sha256 hash to name it by", name);
	if (n < 0 || n >= (int)sizeof(path))
		return ae_fail(err, AE_ETOOBIG, "target path too long");
	memcpy(t->path, path, sizeof(path));
	return 0;
}

static const tuf__target_bytes *wf_prev_target(const wf *w, const char *name)
{
	for (size_t i = 0; w->prev != NULL && i < w->prev->nwanted; i++)
		if (w->prev->wanted[i].found &&
		    strcmp(w->prev->wanted[i].name, name) == 0)
			return &w->prev->wanted[i];
	return NULL;
}

static int wf_target(wf *w, tuf__target_bytes *t, bool required, ae_err *err)
{
	const tuf__file *f = NULL;
	const tuf__target_bytes *old = wf_prev_target(w, t->name);
	bool stop = false;
	char what[160];
	int rc =
		wf_search(&f, &stop, w, w->st->meta[TUF_TARGETS], t->name, err);

	if (rc < 0)
		return rc;
	if (f == NULL)
		return required ? ae_fail(err, AE_ENOTFOUND,
					  "targets v%lld: no target %s in "
					  "the repository",
					  (long long)w->st->meta[TUF_TARGETS]
						  ->version,
					  t->name)
				: 0;
	rc = wf_target_path(t, w->st, f, err);
	snprintf(what, sizeof(what), "target %s", t->name);
	if (rc == 0 && old != NULL &&
	    tuf__file_check(f, old->data.data, old->data.len, what, NULL) ==
		    0) {
		ae_buf_init(&t->data, TUF_TARGET_MAX_BYTES);
		rc = ae_buf_put(&t->data, old->data.data, old->data.len, err);
	} else if (rc == 0) {
		if (f->length > (int64_t)TUF_TARGET_MAX_BYTES)
			return ae_fail(err, AE_ETOOBIG,
				       "%s: length %lld, over the cap of %u",
				       what, (long long)f->length,
				       TUF_TARGET_MAX_BYTES);
		rc = w->src->get(w->src->ctx, &t->data, t->path,
				 (size_t)f->length, err);
		if (rc == AE_ETOOBIG && err != NULL) {
			ae_err_clear(err);
			rc = ae_fail(err, AE_EVERIFY,
				     "%s: longer than the %lld bytes the "
				     "targets metadata gives",
				     what, (long long)f->length);
		}
		if (rc == 0)
			rc = tuf__file_check(f, t->data.data, t->data.len, what,
					     err);
	}
	t->found = rc == 0;
	return rc;
}

/* ---- the walk ---- */

static bool wf_unchanged(const tuf_state *st, const tuf_state *prev)
{
	if (prev == NULL || st->nwanted != prev->nwanted)
		return false;
	for (int i = 0; i < TUF__NTYPES; i++)
		if (prev->meta[i] == NULL ||
		    st->meta[i]->version != prev->meta[i]->version)
			return false;
	for (size_t i = 0; i < st->nwanted; i++) {
		const ae_buf *a = &st->wanted[i].data,
			     *b = &prev->wanted[i].data;

		if (st->wanted[i].found != prev->wanted[i].found ||
		    a->len != b->len ||
		    (a->len > 0 && memcmp(a->data, b->data, a->len) != 0))
			return false;
	}
	return true;
}

int tuf__workflow(tuf_state **out, const tuf__source *src, const char *url,
		  const unsigned char *root, size_t root_len,
		  const tuf_state *prev, int64_t now, const char *const *want,
		  size_t nwant, size_t nrequired, bool load, ae_err *err)
{
	wf w = {src, NULL, prev, false, false, now, load, 0};
	int rc = 0;

	*out = NULL;
	if (nwant > TUF_MAX_WANTED)
		return ae_fail(err, AE_ERR, "too many targets asked for");
	w.st = calloc(1, sizeof(*w.st));
	if (w.st == NULL || (w.st->url = strdup(url)) == NULL) {
		tuf_state_free(w.st);
		return ae_fail(err, AE_ERR, "out of memory");
	}
	for (size_t i = 0; i < nwant; i++) {
		snprintf(w.st->wanted[i].name, sizeof(w.st->wanted[i].name),
			 "%s", want[i]);
		ae_buf_init(&w.st->wanted[i].data, TUF_TARGET_MAX_BYTES);
	}
	w.st->nwanted = nwant;
	rc = wf_root(&w, root, root_len, err);
	if (rc == 0)
		rc = wf_timestamp(&w, err);
	if (rc == 0)
		rc = wf_snapshot(&w, err);
	if (rc == 0)
		rc = wf_targets(&w, err);
	for (size_t i = 0; rc == 0 && i < nwant; i++)
		rc = wf_target(&w, &w.st->wanted[i], i < nrequired, err);
	if (rc < 0) {
		tuf_state_free(w.st);
		return rc;
	}
	w.st->unchanged = wf_unchanged(w.st, prev);
	if (w.st->unchanged)
		w.st->updated_at = 0;
	*out = w.st;
	return 0;
}
