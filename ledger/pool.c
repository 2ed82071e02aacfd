/* ledger/pool.c -- the worker pool of the ledger and the gate
 *
 * ld_each: fn(i) for every index, on a few threads taking indexes from a
 * shared counter (`ledger --verify`).
 */
#include "ledger/internal.h"

#include <pthread.h>

typedef struct each_pool {
	size_t n;
	void (*fn)(size_t i, void *ctx);
	void *ctx;
	size_t next;
	pthread_mutex_t mu;
} each_pool;

static void *each_worker(void *arg)
{
	each_pool *p = arg;

	for (;;) {
		size_t i;
		pthread_mutex_lock(&p->mu);
		i = p->next++;
		pthread_mutex_unlock(&p->mu);
		if (i >= p->n)
			break;
		p->fn(i, p->ctx);
	}
	return NULL;
}

void ld_each(size_t n, unsigned jobs, void (*fn)(size_t i, void *ctx),
	     void *ctx)
{
	each_pool p = {n, fn, ctx, 0, PTHREAD_MUTEX_INITIALIZER};
	pthread_t th[LD_VERIFY_MAX_JOBS];
	unsigned started = 0;

	if (jobs > LD_VERIFY_MAX_JOBS)
		jobs = LD_VERIFY_MAX_JOBS;
	if (jobs > n)
		jobs = n ? (unsigned)n : 1;
	for (; started < jobs; started++) {
		if (pthread_create(&th[started], NULL, each_worker, &p))
			break;
	}
	if (started == 0)
		each_worker(&p);
	for (unsigned i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&p.mu);
}
