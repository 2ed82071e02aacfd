/* cmd/ledger.c -- `aicr-evidence ledger`: the corroboration report
 *
 * Finds the pointers of the evidence root and reads each claim (ld_source:
 * HEAD's tree when the root is in a git work tree, else the files),
 * classifies the claimed signer (allowlist), and with
 * --verify fetches and verifies every bundle (ledger_verify.c, concurrent,
 * cached by digest) so that only certificate-verified signers vote. Then the
 * pure model (ld_corroboration_compute) and a renderer. Flags are checked
 * before any file or network I/O (STYLE §3.6). docs/ledger.md is the
 * user's page.
 */
#include "cmd/cmd.h"
#include "allowlist/allowlist.h"
#include "evidence/evidence.h"
#include "ledger/ledger.h"
#include "oci/oci.h"

#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char ledger_usage[] =
	"usage: aicr-evidence ledger [RECIPE...] [--root DIR] [--worktree]\n"
	"         [--verify]\n"
	"         [--trusted-root F] [--cache DIR] [--offline] [--jobs N]\n"
	"         [registry flags]\n"
	"         [--format text|json|html] [-o FILE] [--show-identities]\n"
	"\n"
	"Corroboration: per recipe, which independent, allowlisted, verified\n"
	"signers ran it and whether they agree (SPEC §6, docs/ledger.md).\n"
	"\n"
	"  --root DIR          evidence root (default recipes/evidence)\n"
	"  --worktree          read the files, not HEAD's tree: without it a\n"
	"                      root inside a git work tree is read from git\n"
	"                      objects, as committed\n"
	"  --verify            fetch and verify every bundle; only verified\n"
	"                      allowlisted signers vote. Without it nothing "
	"is\n"
	"                      verified, so nothing is corroborated.\n"
	"  --trusted-root F    Sigstore trusted root, alone (with --verify);\n"
	"                      without it the one `trust update` keeps in\n"
	"                      the cache (refreshed when older than a day,\n"
	"                      unless --offline), else the embedded one\n"
	"  --cache DIR         content-addressed bundle cache (with --verify)\n"
	"  --offline           no network: bundles from --cache only\n"
	"  --jobs N            bundles verified at once (default 2, max 64)\n"
	"  --format F          text (default), json or html\n"
	"  -o FILE             write the report to FILE (atomically)\n"
	"  --show-identities   print verified certificate identities of\n"
	"                      community and partner signers\n"
	"\n"
	"exit: 0 report written, 2 error, 3 transient fault (report written\n"
	"      but some bundle could not be fetched), 64 usage\n";

typedef enum out_format { FMT_TEXT, FMT_JSON, FMT_HTML } out_format;

/* What --verify needs. */
typedef struct ledger_verify_opts {
	bool verify;
	bool offline;
	cmd_registry_flags reg; /* how bundles are fetched */
	bool any_reg;		/* a registry flag was given */
	const char *trusted_root;
	const char *cache;
	unsigned jobs;
	/* the TUF-cached root in force without --trusted-root, NULL: the
	 * embedded root (set by ledger_items_verify) */
	const unsigned char *root_json;
	size_t root_json_len;
} ledger_verify_opts;

/* One pointer as gathered: the claim, then what verification made of it.
 * Strings are owned by the item (or borrowed from its pointer). */
typedef struct ledger_item {
	char *path;   /* relative to the root */
	char *recipe; /* the recipe directory it sits in */
	char *src;    /* the source directory it sits in */
	ld_pointer *ptr;
	char *label; /* copied: the allowlist is freed after gathering */
	char slug[LD_SLUG_LEN + 1];
	ld_class cls;
	ld_vote vote;
	char reason[AE_ERR_MSG_MAX];
	bool transient;
	ld_ctrf *ctrf[LD_PHASE_COUNT];
	ld_check_input *checks;
	size_t n_checks;
} ledger_item;

typedef struct ledger_items {
	ledger_item *v;
	size_t n;
	bool transient; /* some bundle gave no verdict */
} ledger_items;

typedef struct ledger_args {
	const char **recipes;
	size_t n_recipes;
	const char *root;
	const char *out;
	out_format format;
	bool show_identities;
	bool worktree; /* read the files even inside a git work tree */
	ledger_verify_opts v;
} ledger_args;

static const char *str_or(const char *s)
{
	return s ? s : "";
}

/* Marks the item unverifiable with a reason; findings, not errors. */
static void item_void(ledger_item *it, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void item_void(ledger_item *it, const char *fmt, ...)
{
	va_list ap;

	it->vote = LD_VOTE_UNVERIFIABLE;
	va_start(ap, fmt);
	vsnprintf(it->reason, sizeof(it->reason), fmt, ap);
	va_end(ap);
}

/* Parses argv into `a`; returns 0 or the usage exit status. */
static int args_parse(ledger_args *a, int argc, char **argv)
{
	const char *f = NULL, *jobs = NULL;
	const cmd_flag valued[] = {
		{"--root", &a->root},
		{"--trusted-root", &a->v.trusted_root},
		{"--cache", &a->v.cache},
		{"--jobs", &jobs},
		{"--format", &f},
		{"-o", &a->out},
		{"--output", &a->out},
		{NULL, NULL},
	};
	bool dashdash = false;
	int rc = 0;

	a->root = "recipes/evidence";
	a->v.jobs = 2;
	a->recipes = calloc((size_t)argc, sizeof(*a->recipes));
	if (a->recipes == NULL)
		return cmd_usage_error("ledger", "out of memory");
	for (int i = 1; rc == 0 && i < argc; i++) {
		const char *s = argv[i];
		int k = dashdash ? 0
				 : cmd_registry_flag(&a->v.reg, argc, argv, &i);
		if (k != 0) {
			rc = k < 0 ? cmd_usage_error("ledger",
						     "%s needs a value", s)
				   : 0;
			a->v.any_reg = true;
			continue;
		}
		if (dashdash || s[0] != '-')
			a->recipes[a->n_recipes++] = s;
		else if (strcmp(s, "--") == 0)
			dashdash = true;
		else if (strcmp(s, "--verify") == 0)
			a->v.verify = true;
		else if (strcmp(s, "--offline") == 0)
			a->v.offline = true;
		else if (strcmp(s, "--show-identities") == 0)
			a->show_identities = true;
		else if (strcmp(s, "--worktree") == 0)
			a->worktree = true;
		else {
			k = cmd_flag_take(valued, argc, argv, &i);
			if (k < 0)
				rc = cmd_usage_error("ledger",
						     "%s needs a value", s);
			else if (k == 0)
				rc = cmd_usage_error("ledger",
						     "unknown option '%s'", s);
		}
	}
	if (rc != 0)
		return rc;
	if (f == NULL || strcmp(f, "text") == 0)
		a->format = FMT_TEXT;
	else if (strcmp(f, "json") == 0)
		a->format = FMT_JSON;
	else if (strcmp(f, "html") == 0)
		a->format = FMT_HTML;
	else
		return cmd_usage_error("ledger",
				       "--format must be text, json or html");
	if (jobs != NULL) {
		char *end = NULL;
		long n = strtol(jobs, &end, 10);
		if (end == jobs || *end != '\0' || n < 1 || n > 64)
			return cmd_usage_error("ledger",
					       "--jobs must be 1 to 64");
		a->v.jobs = (unsigned)n;
	}
	if (!a->v.verify &&
	    (a->v.trusted_root || a->v.cache || a->v.offline || a->v.any_reg))
		return cmd_usage_error("ledger",
				       "--trusted-root, --cache, --offline and "
				       "the registry flags need --verify");
	if (cmd_registry_check(&a->v.reg, "ledger") != 0)
		return cmd_exit_code(CMD_USAGE);
	if (a->v.offline && a->v.cache == NULL)
		return cmd_usage_error("ledger", "--offline needs --cache DIR");
	return 0;
}

/* ---- allowlist (the trust root; never from the bundles under check) ---- */

/* Loads the root's allowlist.yaml; a ledger without one has no allowlisted
 * signer, so nothing can be corroborated, which is what the report says. */
static int allowlist_load(al_list **out, ld_source *src, ae_err *err)
{
	ae_buf b;
	int rc;

	*out = NULL;
	rc = ld_source_read(&b, src, "allowlist.yaml", AL_MAX_BYTES, err);
	if (rc == AE_ENOTFOUND) {
		ae_err_clear(err);
		return 0;
	}
	if (rc == 0) {
		rc = al_list_parse(out, b.data, b.len, err);
		ae_buf_dispose(&b);
	}
	return rc;
}

/* The class of a (claimed or verified) signer and its label. */
static ld_class item_class(const al_list *al, const char *issuer,
			   const char *identity, const char **label_out)
{
	al_class cls = AL_CLASS_NONE;

	*label_out = NULL;
	if (al == NULL ||
	    al_list_classify(&cls, label_out, al, issuer, identity, NULL) < 0)
		return LD_CLASS_REPORTED;
	switch (cls) {
	case AL_CLASS_FIRST_PARTY:
		return LD_CLASS_FIRST_PARTY;
	case AL_CLASS_PARTNER:
		return LD_CLASS_PARTNER;
	case AL_CLASS_COMMUNITY:
		return LD_CLASS_COMMUNITY;
	default:
		*label_out = NULL;
		return LD_CLASS_REPORTED;
	}
}

/* ---- --verify: fetch, verify, read CTRF; concurrent, cached by digest ---- */

typedef struct verify_pool {
	ledger_items *items;
	const ledger_verify_opts *o;
	cmd_fetcher fetch; /* cache, --offline, scratch for pulled bundles */
	size_t next;
	pthread_mutex_t mu;
} verify_pool;

/* Reads ctrf/<phase>.json of every phase from the verified bundle `dir`
 * into the item's checks. A missing phase is fine; a report that does not
 * parse makes the item unverifiable (its results cannot be read). */
static int item_read_ctrf(ledger_item *it, const char *dir, ae_err *err)
{
	size_t total = 0, k = 0;

	for (int p = 0; p < LD_PHASE_COUNT; p++) {
		char name[4400];
		ae_buf b = AE_BUF_INIT(LD_CTRF_MAX_BYTES);
		ae_err e = {0};
		int rc;
		snprintf(name, sizeof(name), "%s/ctrf/%s.json", dir,
			 ld_phase_name(p));
		rc = ae_read_file(&b, AT_FDCWD, name, LD_CTRF_MAX_BYTES, &e);
		if (rc == AE_ENOTFOUND)
			continue;
		if (rc == 0)
			rc = ld_ctrf_parse(&it->ctrf[p], ld_phase_name(p),
					   b.data, b.len, &e);
		ae_buf_dispose(&b);
		if (rc == AE_ERR)
			return ae_fail(err, rc, "%s", e.msg);
		if (rc < 0) {
			item_void(it, "ctrf/%s.json: %s", ld_phase_name(p),
				  e.msg);
			return 0;
		}
		ld_ctrf_checks(it->ctrf[p], &k);
		total += k;
	}
	it->checks = calloc(total ? total : 1, sizeof(*it->checks));
	if (it->checks == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (int p = 0; p < LD_PHASE_COUNT; p++) {
		const ld_check_input *c = ld_ctrf_checks(it->ctrf[p], &k);
		for (size_t j = 0; j < k; j++)
			it->checks[it->n_checks++] = c[j];
	}
	return 0;
}

/* Borrowed string at root[k1][k2], or NULL. */
static const char *json_str2(json_t *root, const char *k1, const char *k2)
{
	return json_string_value(
		json_object_get(json_object_get(root, k1), k2));
}

/* Reads the verdict's report (reference §9.3): on a valid verdict the
 * verified signer becomes the item's voter (it must be the claimed one:
 * ev_evidence_verify cross-checks, and this checks again, because the vote
 * is what this command is for); otherwise failureCause is the reason. */
static int item_take_verdict(ledger_item *it, const ev_verdict *v, ae_err *err)
{
	ae_buf j = AE_BUF_INIT(64u << 20);
	json_t *root = NULL;
	const char *iss, *id, *cls, *detail;
	int rc, verdict = ev_verdict_exit(v);

	rc = ev_verdict_json(&j, v, err);
	if (rc == 0)
		rc = ae_json_parse((void **)&root, j.data, j.len, err);
	ae_buf_dispose(&j);
	if (rc < 0)
		return rc;
	iss = json_str2(root, "signer", "issuer");
	id = json_str2(root, "signer", "identity");
	cls = json_str2(root, "failureCause", "class");
	detail = json_str2(root, "failureCause", "detail");
	if (verdict == EV_VERDICT_NONE) {
		it->transient = true;
		item_void(it, "no verdict (%s): %s", cls ? cls : "transient",
			  detail ? detail : "verification did not complete");
	} else if (verdict != EV_VERDICT_VALID &&
		   verdict != EV_VERDICT_PHASE_FAILED) {
		item_void(it, "bundle invalid (%s): %s", cls ? cls : "unknown",
			  detail ? detail : "-");
	} else if (iss == NULL || id == NULL ||
		   strcmp(iss, str_or(ld_pointer_signer_issuer(it->ptr))) ||
		   strcmp(id, str_or(ld_pointer_signer_identity(it->ptr)))) {
		item_void(it, "verified signer differs from the claim");
	} else {
		it->vote = LD_VOTE_VERIFIED;
	}
	json_decref(root);
	return 0;
}

/* Verifies the pulled bundle against the pointer's claim (SPEC §5 rule 4:
 * the certificate's issuer and identity must equal the claim, the Rekor
 * index must match, the predicate recipe must be the pointer's). */
static int item_check_bundle(ledger_item *it, cmd_fetched *x,
			     const ledger_verify_opts *o, ae_err *err)
{
	ev_verify_opts vo = EV_VERIFY_OPTS_INIT;
	ev_pointer_claim claim;
	ev_verdict *v = NULL;
	int rc;

	cmd_pointer_claim(&claim, it->ptr, it->path);
	claim.has_signer = true;
	vo.dir = x->root;
	vo.input_kind = EV_INPUT_POINTER;
	vo.pointer = &claim;
	vo.trusted_root = o->trusted_root;
	vo.trusted_root_json = o->root_json;
	vo.trusted_root_json_len = o->root_json_len;
	/* The pointer's digest is the artifact oci_pull just checked every
	 * byte of: the signed statement's subject must name it. */
	vo.artifact_digest = x->digest;
	/* the claimed signer picks among the artifact's signatures */
	rc = cmd_fetch_verify(&v, x, &vo, err);
	if (rc == 0)
		rc = item_take_verdict(it, v, err);
	ev_verdict_free(v);
	return rc;
}

/* Pulls, verifies and reads one item. Findings go into the item; only
 * out-of-memory comes back as an error. */
static int item_verify(verify_pool *pool, ledger_item *it, ae_err *err)
{
	cmd_fetched x;
	oci_ref ref;
	ae_err e = {0};
	int rc;

	if (it->vote != LD_VOTE_CLAIMED)
		return 0;
	rc = oci_ref_parse(&ref, str_or(ld_pointer_bundle_oci(it->ptr)), &e);
	if (rc == 0)
		rc = cmd_fetch(&x, &pool->fetch, &ref,
			       str_or(ld_pointer_bundle_digest(it->ptr)), &e);
	if (rc == AE_ERR)
		return ae_fail(err, rc, "%s", e.msg);
	if (rc < 0) {
		it->transient = rc == AE_ETRANSIENT;
		item_void(it, "bundle fetch: %s", e.msg);
		return 0;
	}
	rc = item_check_bundle(it, &x, pool->o, err);
	if (rc == 0 && it->vote == LD_VOTE_VERIFIED)
		rc = item_read_ctrf(it, x.root, err);
	cmd_fetched_remove(&x);
	return rc;
}

static void *verify_worker(void *arg)
{
	verify_pool *pool = arg;
	ae_err err = {0};

	for (;;) {
		size_t i;
		pthread_mutex_lock(&pool->mu);
		i = pool->next++;
		pthread_mutex_unlock(&pool->mu);
		if (i >= pool->items->n)
			break;
		if (item_verify(pool, &pool->items->v[i], &err) < 0)
			item_void(&pool->items->v[i], "%s", err.msg);
	}
	return NULL;
}

/* Verifies every claimed item with `o->jobs` threads. */
static int ledger_items_verify(ledger_items *items,
			       const ledger_verify_opts *opts, ae_err *err)
{
	ledger_verify_opts vopts = *opts, *o = &vopts;
	cmd_trust_set trust;
	verify_pool pool;
	pthread_t th[64];
	unsigned n = o->jobs, started = 0;
	char *password = NULL;
	int rc;

	memset(&pool, 0, sizeof(pool));
	memset(&trust, 0, sizeof(trust));
	/* no --trusted-root: the TUF-cached root when in force, refreshed
	 * first when older than a day unless --offline (docs/trust.md) */
	if (o->trusted_root == NULL) {
		rc = cmd_trust_in_force(&trust, o->cache,
					o->offline ? CMD_TRUST_REFRESH_NEVER
						   : CMD_TRUST_REFRESH_STALE,
					err);
		if (rc < 0)
			return rc;
		o->root_json =
			cmd_trust_root_override(&trust, &o->root_json_len);
	}
	pool.items = items;
	pool.o = o;
	pthread_mutex_init(&pool.mu, NULL);
	rc = cmd_fetcher_init(&pool.fetch, o->cache, o->offline, "ledger", err);
	if (rc < 0) {
		pthread_mutex_destroy(&pool.mu);
		cmd_trust_dispose(&trust);
		return rc;
	}
	rc = cmd_registry_opts(&pool.fetch.co, &password, &o->reg, false, err);
	pool.fetch.co.progress = NULL; /* worker threads: no shared bar */
	if (rc < 0) {
		cmd_fetcher_dispose(&pool.fetch);
		pthread_mutex_destroy(&pool.mu);
		cmd_trust_dispose(&trust);
		return rc;
	}
	if (n > items->n)
		n = items->n ? (unsigned)items->n : 1;
	for (; started < n; started++) {
		if (pthread_create(&th[started], NULL, verify_worker, &pool))
			break;
	}
	if (started == 0)
		verify_worker(&pool);
	for (unsigned i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	for (size_t i = 0; i < items->n; i++)
		items->transient |= items->v[i].transient;
	cmd_fetcher_dispose(&pool.fetch);
	cmd_password_free(password);
	pthread_mutex_destroy(&pool.mu);
	cmd_trust_dispose(&trust);
	return 0;
}

/* Reads one pointer's claim and classifies the claimed signer. A pointer
 * that cannot be read, is unsigned or misplaced is kept as unverifiable:
 * the report lists it with the reason (SPEC §6), it never votes. */
static int item_claim(ledger_item *it, ld_source *src, const al_list *al,
		      ae_err *err)
{
	const char *iss, *id, *label = NULL;
	ae_err perr = {0};
	ae_buf b;
	int rc;

	it->vote = LD_VOTE_CLAIMED;
	it->cls = LD_CLASS_REPORTED;
	snprintf(it->slug, sizeof(it->slug), "%s", it->src);
	rc = ld_source_read(&b, src, it->path, LD_POINTER_MAX_BYTES, &perr);
	if (rc == 0) {
		rc = ld_pointer_parse(&it->ptr, b.data, b.len, &perr);
		ae_buf_dispose(&b);
	}
	if (rc == AE_ERR)
		return ae_fail(err, rc, "%s", perr.msg);
	if (rc < 0) {
		item_void(it, "pointer unreadable: %s", perr.msg);
		return 0;
	}
	iss = ld_pointer_signer_issuer(it->ptr);
	id = ld_pointer_signer_identity(it->ptr);
	if (!ld_pointer_is_signed(it->ptr) || iss == NULL || id == NULL) {
		item_void(it, "pointer is not signed");
		return 0;
	}
	rc = ld_slug_from_signer(it->slug, iss, id, &perr);
	if (rc < 0) {
		item_void(it, "claimed signer: %s", perr.msg);
		return 0;
	}
	it->cls = item_class(al, iss, id, &label);
	if (label != NULL) {
		it->label = strdup(label);
		if (it->label == NULL)
			return ae_fail(err, AE_ERR, "out of memory");
	}
	if (strcmp(it->slug, it->src) != 0)
		item_void(it,
			  "placed under %s but the claimed signer's slug "
			  "is %s",
			  it->src, it->slug);
	else if (strcmp(str_or(ld_pointer_recipe(it->ptr)), it->recipe) != 0)
		item_void(it,
			  "placed under recipe %s but claims another "
			  "recipe",
			  it->recipe);
	return 0;
}

/* Splits "recipe/src/name.yaml" into the item's recipe and src. */
static int item_init(ledger_item *it, const char *path, ae_err *err)
{
	const char *a = strchr(path, '/'), *b = a ? strchr(a + 1, '/') : NULL;

	it->path = strdup(path);
	it->recipe = a ? strndup(path, (size_t)(a - path)) : NULL;
	it->src = b ? strndup(a + 1, (size_t)(b - a - 1)) : NULL;
	if (!it->path || !it->recipe || !it->src)
		return ae_fail(err, AE_ERR, "out of memory");
	return 0;
}

/* Finds the pointers under `root` and reads every claim: from HEAD's tree
 * when the root is in a git work tree, unless `worktree`. */
static int ledger_items_gather(ledger_items *items, const char *root,
			       bool worktree, const char *const *recipes,
			       size_t n_recipes, ae_err *err)
{
	ld_pointer_paths paths = {NULL, 0};
	ld_source *src = NULL;
	al_list *al = NULL;
	int rc;

	rc = ld_source_open(&src, root, worktree, err);
	if (rc == 0)
		rc = ld_source_list(&paths, src, recipes, n_recipes, err);
	if (rc == 0)
		rc = allowlist_load(&al, src, err);
	if (rc < 0)
		goto done;
	items->v = calloc(paths.n ? paths.n : 1, sizeof(*items->v));
	if (items->v == NULL) {
		rc = ae_fail(err, AE_ERR, "out of memory");
		goto done;
	}
	for (size_t i = 0; rc == 0 && i < paths.n; i++) {
		ledger_item *it = &items->v[items->n++];
		rc = item_init(it, paths.v[i], err);
		if (rc == 0)
			rc = item_claim(it, src, al, err);
	}
done:
	al_list_free(al);
	ld_pointer_paths_dispose(&paths);
	ld_source_free(src);
	return rc;
}

static void ledger_items_dispose(ledger_items *items)
{
	for (size_t i = 0; i < items->n; i++) {
		ledger_item *it = &items->v[i];
		for (int p = 0; p < LD_PHASE_COUNT; p++)
			ld_ctrf_free(it->ctrf[p]);
		free(it->checks);
		ld_pointer_free(it->ptr);
		free(it->label);
		free(it->src);
		free(it->recipe);
		free(it->path);
	}
	free(items->v);
	items->v = NULL;
	items->n = 0;
}

/* The current time as RFC 3339 UTC, whole seconds. */
static void now_rfc3339(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Turns the gathered items into model runs (borrowing their strings). */
static int runs_from_items(ld_run **out, const ledger_item *items, size_t n)
{
	ld_run *runs = calloc(n ? n : 1, sizeof(*runs));

	*out = runs;
	if (runs == NULL)
		return AE_ERR;
	for (size_t i = 0; i < n; i++) {
		const ledger_item *it = &items[i];
		ld_run *r = &runs[i];
		r->recipe = it->recipe;
		r->path = it->path;
		r->digest = it->ptr ? ld_pointer_bundle_digest(it->ptr) : NULL;
		r->attested_at =
			it->ptr ? ld_pointer_attested_at(it->ptr) : NULL;
		r->issuer = str_or(it->ptr ? ld_pointer_signer_issuer(it->ptr)
					   : NULL);
		r->identity = str_or(
			it->ptr ? ld_pointer_signer_identity(it->ptr) : NULL);
		r->slug = it->slug;
		r->label = it->label;
		r->cls = it->cls;
		r->vote = it->vote;
		r->reason = it->reason[0] ? it->reason : NULL;
		r->checks = it->checks;
		r->n_checks = it->n_checks;
	}
	return 0;
}

/* Renders `c` in the chosen format and writes it out. */
static int report_write(const ld_corroboration *c, const ledger_args *a,
			ae_err *err)
{
	ld_render_opts ro = LD_RENDER_OPTS_INIT;
	ae_buf b = AE_BUF_INIT(256u << 20);
	cmd_output o;
	char now[32];
	int rc;

	now_rfc3339(now);
	ro.generated_at = now;
	ro.show_identities = a->show_identities;
	if (a->format == FMT_JSON)
		rc = ld_corroboration_render_json(&b, c, &ro, err);
	else if (a->format == FMT_HTML)
		rc = ld_corroboration_render_html(&b, c, &ro, err);
	else
		rc = ld_corroboration_render_text(&b, c, &ro, err);
	if (rc < 0)
		return rc;
	cmd_output_init(&o, a->out);
	rc = cmd_output_write(&o, b.data, b.len);
	ae_buf_dispose(&b);
	if (rc < 0) {
		ae_buf_dispose(&o.buf);
		return ae_fail(err, AE_ETOOBIG, "report too large");
	}
	return cmd_output_close(&o, err);
}

int cmd_ledger(int argc, char **argv)
{
	ledger_args a = {0};
	ledger_items items = {NULL, 0, false};
	ld_corroboration_input in = LD_CORROBORATION_INPUT_INIT;
	ld_corroboration *c = NULL;
	ld_run *runs = NULL;
	ae_err err = {0};
	const char *what = NULL;
	int rc, status;

	if (cmd_wants_help(argc, argv)) {
		fputs(ledger_usage, stdout);
		cmd_registry_help(stdout);
		return cmd_exit_code(CMD_OK);
	}
	status = args_parse(&a, argc, argv);
	if (status != 0)
		goto out;
	what = a.root;
	rc = ledger_items_gather(&items, a.root, a.worktree, a.recipes,
				 a.n_recipes, &err);
	if (rc == 0 && a.v.verify) {
		what = "--verify";
		rc = ledger_items_verify(&items, &a.v, &err);
	}
	if (rc == 0 && runs_from_items(&runs, items.v, items.n) < 0)
		rc = ae_fail(&err, AE_ERR, "out of memory");
	if (rc == 0) {
		what = "ledger";
		in.runs = runs;
		in.n_runs = items.n;
		in.recipes = a.recipes;
		in.n_recipes = a.n_recipes;
		in.verified = a.v.verify;
		rc = ld_corroboration_compute(&c, &in, &err);
	}
	if (rc == 0) {
		what = a.out ? a.out : "stdout";
		rc = report_write(c, &a, &err);
	}
	if (rc < 0) {
		cmd_error(what, &err);
		status = cmd_exit_code(cmd_outcome_from_rc(rc));
	} else if (items.transient) {
		fputs("aicr-evidence: ledger: some bundles could not be "
		      "fetched (transient); they are listed as unverifiable\n",
		      stderr);
		status = cmd_exit_code(CMD_TRANSIENT);
	} else {
		status = cmd_exit_code(CMD_OK);
	}
out:
	ld_corroboration_free(c);
	free(runs);
	ledger_items_dispose(&items);
	free(a.recipes);
	return status;
}
