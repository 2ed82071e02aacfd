/* ledger/progress.c -- a run's progress, serialised for the caller
 *
 * The worker pools of `ledger --verify` and `check --verify-signatures`
 * report each item done (ld_each_progress, ld_contract_opts.progress) and
 * the verifier each fetch's registry host (ld_verifier_opts.on_fetch),
 * from several threads at once. cmd/ renders them but has no thread code
 * (issue 17), so the lock is here: each report updates the latest state
 * and hands it to the caller's draw function, one call at a time.
 */
#include "ledger/internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct ld_progress {
	pthread_mutex_t mu;
	ld_progress_draw_fn draw;
	void *ctx;
	size_t done, total;
	char host[256];
};

int ld_progress_new(ld_progress **out, ld_progress_draw_fn draw, void *ctx,
		    ae_err *err)
{
	ld_progress *p = calloc(1, sizeof(*p));

	*out = NULL;
	if (p == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	pthread_mutex_init(&p->mu, NULL);
	p->draw = draw;
	p->ctx = ctx;
	*out = p;
	return 0;
}

void ld_progress_free(ld_progress *p)
{
	if (p == NULL)
		return;
	pthread_mutex_destroy(&p->mu);
	free(p);
}

void ld_progress_count(void *arg, size_t done, size_t total)
{
	ld_progress *p = arg;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	/* workers finish out of order: the count never goes back */
	if (total != p->total || done > p->done) {
		p->done = done;
		p->total = total;
		p->draw(p->ctx, p->done, p->total, p->host);
	}
	pthread_mutex_unlock(&p->mu);
}

void ld_progress_host(void *arg, const char *host)
{
	ld_progress *p = arg;

	if (p == NULL || host == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	snprintf(p->host, sizeof(p->host), "%s", host);
	p->draw(p->ctx, p->done, p->total, p->host);
	pthread_mutex_unlock(&p->mu);
}
