/* ledger/check_pool.c -- reading and judging pointers in parallel
 *
 * Rules 3-4 cost per pointer: a blob read and inflate, a YAML parse, a
 * slug, and for rule 4 a registry round trip and a signature check. An
 * audit of a large ledger is CPU-bound and a verified PR is network-bound,
 * so both run in a small pool of threads that take pointers by index from
 * a shared counter. A git_repository is not to be shared between threads
 * (libgit2 docs/threading.md), so each extra worker opens its own handle on
 * the same repository; the calling thread works too, on the caller's
 * handle. Each worker writes to a report of its own; the checker merges
 * them and sorts by path, so the output does not depend on scheduling.
 */
#include "ledger/internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

typedef struct pool_shared {
	ld__state *st;
	const ld_contract_opts *opts;
	atomic_size_t next;
	atomic_size_t done; /* pointers judged, for opts->progress */
	atomic_bool stop;
	pthread_mutex_t mu;
	int rc; /* first error of any worker */
	ae_err err;
} pool_shared;

typedef struct pool_worker {
	pool_shared *sh;
	git_repository *repo; /* own handle; NULL for the calling thread */
	ld_report *report;
	ld__signers memo;      /* this worker's signers (internal.h) */
	ld__pack_reader packs; /* this worker's view of the packs */
} pool_worker;

/* Judges one pointer; a blob past the cap is a finding, left unread. */
static int pool_check_one(git_odb *odb, pool_worker *w, const ld__job *job,
			  ae_err *err)
{
	const pool_shared *sh = w->sh;
	ld__blob blob;
	int rc;

	rc = ld__blob_read(&blob, odb, &w->packs, job,
			   LD_CONTRACT_POINTER_MAX_BYTES, err);
	if (rc == 0)
		rc = ld__job_judge(w->report, &w->memo, sh->st, sh->opts, job,
				   blob.data, blob.size, err);
	ld__blob_dispose(&blob);
	return rc;
}

/* Records the first error and tells every worker to stop. */
static void pool_fail(pool_shared *sh, int rc, const ae_err *err)
{
	pthread_mutex_lock(&sh->mu);
	if (sh->rc == 0) {
		sh->rc = rc;
		sh->err = *err;
	}
	pthread_mutex_unlock(&sh->mu);
	atomic_store(&sh->stop, true);
}

static void pool_work(pool_worker *w)
{
	pool_shared *sh = w->sh;
	git_repository *repo = w->repo ? w->repo : sh->st->repo;
	git_odb *odb = NULL;
	ae_err err = {0};
	int rc = 0;

	if (git_repository_odb(&odb, repo) < 0)
		rc = ld__git_fail(&err, AE_EIO, "cannot open the object store");
	while (rc == 0 && !atomic_load(&sh->stop)) {
		size_t i = atomic_fetch_add(&sh->next, 1);
		if (i >= sh->st->jobs.n)
			break;
		rc = pool_check_one(odb, w, &sh->st->jobs.v[i], &err);
		if (rc == 0 && sh->opts->progress != NULL)
			sh->opts->progress(sh->opts->progress_ctx,
					   atomic_fetch_add(&sh->done, 1) + 1,
					   sh->st->jobs.n);
	}
	if (rc < 0)
		pool_fail(sh, rc, &err);
	git_odb_free(odb);
}

/* Worker k of the crew (pool.c). */
static void pool_crew(size_t k, void *ctx)
{
	pool_work(&((pool_worker *)ctx)[k]);
}

/* How many threads in all, the calling one included. */
static size_t pool_size(const ld__state *st, const ld_contract_opts *opts)
{
	size_t n = opts->workers ? opts->workers : LD_CONTRACT_WORKERS_DEFAULT;

	/* A CPU-bound audit too small for check_pipe.c: one thread (see
	 * LD_CONTRACT_WORKERS_DEFAULT). */
	if (opts->workers == 0 && opts->verify == NULL)
		n = 1;

	if (n > st->jobs.n)
		n = st->jobs.n;
	return n ? n : 1;
}

/* Opens the extra workers' repositories and reports, then starts them. */
static int pool_start(ld__crew *crew, pool_worker *w, size_t n, pool_shared *sh,
		      ae_err *err)
{
	const char *gitdir = git_repository_path(sh->st->repo);
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		w[i].sh = sh;
		ld__pack_reader_init(&w[i].packs, &sh->st->packs);
		rc = ld_report_new(&w[i].report, err);
		if (rc == 0 && i > 0 &&
		    git_repository_open(&w[i].repo, gitdir) < 0)
			rc = ld__git_fail(err, AE_EIO,
					  "cannot reopen the repository");
	}
	return rc == 0 ? ld__crew_start(crew, n, pool_crew, w, err) : rc;
}

int ld__pool_run(ld__state *st, const ld_contract_opts *opts, ae_err *err)
{
	pool_shared sh;
	ld__crew crew = {NULL, NULL, 0};
	pool_worker *w = NULL;
	size_t n = pool_size(st, opts);
	int rc;

	memset(&sh, 0, sizeof(sh));
	sh.st = st;
	sh.opts = opts;
	atomic_init(&sh.next, 0);
	atomic_init(&sh.done, 0);
	atomic_init(&sh.stop, false);
	pthread_mutex_init(&sh.mu, NULL);
	w = calloc(n, sizeof(*w));
	if (w == NULL) {
		rc = ae_fail(err, AE_ERR, "out of memory");
		goto done;
	}
	if (opts->progress != NULL)
		opts->progress(opts->progress_ctx, 0, st->jobs.n);
	rc = pool_start(&crew, w, n, &sh, err);
	if (rc < 0)
		atomic_store(&sh.stop, true);
	else
		pool_work(&w[0]);
	ld__crew_join(&crew);
	if (rc == 0 && sh.rc < 0)
		rc = ae_fail(err, sh.rc, "%s", sh.err.msg);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = ld__report_merge(st->report, w[i].report, err);
done:
	for (size_t i = 0; w != NULL && i < n; i++) {
		ld_report_free(w[i].report);
		ld__signers_dispose(&w[i].memo);
		ld__pack_reader_dispose(&w[i].packs);
		git_repository_free(w[i].repo);
	}
	free(w);
	pthread_mutex_destroy(&sh.mu);
	return rc;
}
