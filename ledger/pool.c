/* ledger/pool.c -- the one place threads are started: the worker pool of
 * the gate and the ledger
 *
 * A crew is n workers fn(k, ctx), k in [0, n): worker 0 is the calling
 * thread (it runs fn itself between ld__crew_start and ld__crew_join),
 * each other one a thread of its own. `check`'s pool (check_pool.c:
 * a repository handle per worker), its reader/judge pair (check_pipe.c)
 * and `ledger --verify`'s ld_each all start their threads here.
 */
#include "ledger/internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

typedef struct crew_arg {
	void (*fn)(size_t k, void *ctx);
	void *ctx;
	size_t k;
} crew_arg;

static void *crew_main(void *arg)
{
	crew_arg *a = arg;

	a->fn(a->k, a->ctx);
	return NULL;
}

int ld__crew_start(ld__crew *c, size_t n, void (*fn)(size_t k, void *ctx),
		   void *ctx, ae_err *err)
{
	c->n = 0;
	c->th = NULL;
	c->arg = NULL;
	if (n <= 1)
		return 0;
	c->th = calloc(n - 1, sizeof(pthread_t));
	c->arg = calloc(n - 1, sizeof(crew_arg));
	if (c->th == NULL || c->arg == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t k = 1; k < n; k++) {
		crew_arg *a = &((crew_arg *)c->arg)[k - 1];
		a->fn = fn;
		a->ctx = ctx;
		a->k = k;
		if (pthread_create(&((pthread_t *)c->th)[k - 1], NULL,
				   crew_main, a) != 0)
			return ae_fail(err, AE_ERR, "cannot start a worker");
		c->n++;
	}
	return 0;
}

void ld__crew_join(ld__crew *c)
{
	for (size_t i = 0; i < c->n; i++)
		pthread_join(((pthread_t *)c->th)[i], NULL);
	free(c->th);
	free(c->arg);
	c->th = c->arg = NULL;
	c->n = 0;
}

/* ---- ld_each: indexes from a shared counter ---- */

typedef struct each_pool {
	size_t n;
	void (*fn)(size_t i, void *ctx);
	void *ctx;
	atomic_size_t next;
	atomic_size_t done;
	ld_progress_fn progress; /* after each fn; NULL: none */
	void *progress_ctx;
} each_pool;

static void each_worker(size_t k, void *arg)
{
	each_pool *p = arg;

	(void)k;
	for (;;) {
		size_t i = atomic_fetch_add(&p->next, 1);
		if (i >= p->n)
			break;
		p->fn(i, p->ctx);
		if (p->progress != NULL)
			p->progress(p->progress_ctx,
				    atomic_fetch_add(&p->done, 1) + 1, p->n);
	}
}

void ld_each(size_t n, unsigned jobs, void (*fn)(size_t i, void *ctx),
	     void *ctx)
{
	ld_each_progress(n, jobs, fn, ctx, NULL, NULL);
}

void ld_each_progress(size_t n, unsigned jobs, void (*fn)(size_t i, void *ctx),
		      void *ctx, ld_progress_fn progress, void *progress_ctx)
{
	each_pool p = {n, fn, ctx, 0, 0, progress, progress_ctx};
	ld__crew crew;
	ae_err err = {0};

	if (progress != NULL)
		progress(progress_ctx, 0, n);

	if (jobs > LD_VERIFY_MAX_JOBS)
		jobs = LD_VERIFY_MAX_JOBS;
	if (jobs > n)
		jobs = n ? (unsigned)n : 1;
	/* a worker that cannot start leaves its share to the others: the
	 * calling thread is one of them */
	(void)ld__crew_start(&crew, jobs, each_worker, &p, &err);
	each_worker(0, &p);
	ld__crew_join(&crew);
}
