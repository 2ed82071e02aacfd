/* ledger/check_pipe.c -- an audit as two stages on two cores
 *
 * Without rule 4 an audit is CPU-bound: about two thirds of it is reading
 * blobs (pack lookups, inflation, deltas) and one third judging them
 * (YAML, rules 2-3). Reading cannot be split across threads with profit:
 * libgit2's pack locks are shared by every repository handle of a process,
 * so two reading threads only hand them back and forth. The stages can be
 * split instead: the calling thread reads blobs, in pack order, into
 * batches, and one more thread judges each batch while the next is read.
 * Only the reader touches libgit2; the judge has a report and a signer
 * memo of its own; each batch's bytes are copied into a buffer the batch
 * owns and reuses, so no allocation crosses threads.
 *
 * A few batches are in flight at most, each capped in jobs and bytes, so
 * memory stays bounded whatever the blobs hold (a blob past the pointer
 * cap is never read: its size alone is the finding).
 */
#include "ledger/internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PIPE_MIN_JOBS	 2048u /* below this a thread costs more than it saves */
#define PIPE_BATCH_JOBS	 256u
#define PIPE_BATCH_BYTES (256u << 10) /* a batch closes past this */
#define PIPE_SLOTS	 4u	      /* batches in flight */

typedef struct pipe_item {
	size_t job;  /* index in st->jobs */
	size_t off;  /* of its bytes in the batch's data */
	size_t size; /* the blob's size; past the cap: no bytes */
} pipe_item;

typedef struct pipe_batch {
	pipe_item item[PIPE_BATCH_JOBS];
	size_t n;
	unsigned char *data;
	size_t len;
	size_t alloc;
} pipe_batch;

typedef struct ld__pipe {
	ld__state *st;
	const ld_contract_opts *opts;
	pipe_batch slot[PIPE_SLOTS];
	/* Batches filled and batches judged, ever: slot k % PIPE_SLOTS. */
	size_t filled;
	size_t judged;
	bool read_done;
	bool stop;
	int rc; /* the first error of either stage */
	ae_err err;
	pthread_mutex_t mu;
	pthread_cond_t more;	/* a batch filled, or the reader ended */
	pthread_cond_t room;	/* a batch judged, or the judge stopped */
	ld__pack_reader reader; /* the reader's */
	ld_report *report;	/* the judge's */
	ld__signers memo;	/* the judge's */
} ld__pipe;

bool ld__pipe_fits(const ld__state *st, const ld_contract_opts *opts)
{
	return opts->workers == 0 && opts->verify == NULL &&
	       st->jobs.n >= PIPE_MIN_JOBS && sysconf(_SC_NPROCESSORS_ONLN) > 1;
}

/* Records the first error and wakes both stages to stop. */
static void pipe_fail(ld__pipe *p, int rc, const ae_err *err)
{
	pthread_mutex_lock(&p->mu);
	if (p->rc == 0) {
		p->rc = rc;
		p->err = *err;
	}
	p->stop = true;
	pthread_cond_broadcast(&p->more);
	pthread_cond_broadcast(&p->room);
	pthread_mutex_unlock(&p->mu);
}

static int pipe_append(pipe_batch *b, const unsigned char *data, size_t size,
		       ae_err *err)
{
	if (size > b->alloc - b->len) {
		size_t alloc = b->alloc * 2;
		unsigned char *v;
		if (alloc < b->len + size)
			alloc = b->len + size;
		v = realloc(b->data, alloc);
		if (v == NULL)
			return ae_fail(err, AE_ERR, "out of memory");
		b->data = v;
		b->alloc = alloc;
	}
	if (size > 0)
		memcpy(b->data + b->len, data, size);
	b->len += size;
	return 0;
}

/* Reads jobs from *next into `b` until it is full in jobs or bytes. */
static int pipe_fill(ld__pipe *p, pipe_batch *b, git_odb *odb, size_t *next,
		     ae_err *err)
{
	const ld__jobs *jobs = &p->st->jobs;
	int rc = 0;

	b->n = 0;
	b->len = 0;
	while (rc == 0 && *next < jobs->n && b->n < PIPE_BATCH_JOBS &&
	       b->len < PIPE_BATCH_BYTES) {
		const ld__job *job = &jobs->v[*next];
		pipe_item *it = &b->item[b->n];
		ld__blob blob;

		rc = ld__blob_read(&blob, odb, &p->reader, job,
				   LD_CONTRACT_POINTER_MAX_BYTES, err);
		if (rc < 0)
			break;
		it->job = *next;
		it->off = b->len;
		it->size = blob.size;
		if (blob.size <= LD_CONTRACT_POINTER_MAX_BYTES)
			rc = pipe_append(b, blob.data, blob.size, err);
		ld__blob_dispose(&blob);
		b->n++;
		(*next)++;
	}
	return rc;
}

/* The calling thread's stage: every job's blob, batch after batch. */
static void pipe_read(ld__pipe *p)
{
	git_odb *odb = NULL;
	size_t next = 0;
	ae_err err = {0};
	int rc = 0;

	if (git_repository_odb(&odb, p->st->repo) < 0)
		rc = ld__git_fail(&err, AE_EIO, "cannot open the object store");
	while (rc == 0 && next < p->st->jobs.n) {
		pipe_batch *b;
		bool stop;
		pthread_mutex_lock(&p->mu);
		while (!p->stop && p->filled - p->judged == PIPE_SLOTS)
			pthread_cond_wait(&p->room, &p->mu);
		stop = p->stop;
		pthread_mutex_unlock(&p->mu);
		if (stop)
			break;
		b = &p->slot[p->filled % PIPE_SLOTS];
		rc = pipe_fill(p, b, odb, &next, &err);
		if (rc < 0)
			break;
		pthread_mutex_lock(&p->mu);
		p->filled++;
		pthread_cond_signal(&p->more);
		pthread_mutex_unlock(&p->mu);
	}
	git_odb_free(odb);
	if (rc < 0)
		pipe_fail(p, rc, &err);
	pthread_mutex_lock(&p->mu);
	p->read_done = true;
	pthread_cond_signal(&p->more);
	pthread_mutex_unlock(&p->mu);
}

/* The second thread's stage: judges each filled batch in turn. */
/* Worker 1 of the crew (pool.c): the judging stage. */
static void pipe_judge(size_t k, void *arg)
{
	ld__pipe *p = arg;
	ae_err err = {0};
	int rc = 0;

	(void)k;
	for (;;) {
		pipe_batch *b;
		pthread_mutex_lock(&p->mu);
		while (!p->stop && !p->read_done && p->judged == p->filled)
			pthread_cond_wait(&p->more, &p->mu);
		if (p->stop || p->judged == p->filled) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		pthread_mutex_unlock(&p->mu);
		b = &p->slot[p->judged % PIPE_SLOTS];
		for (size_t i = 0; i < b->n && rc == 0; i++) {
			const pipe_item *it = &b->item[i];
			rc = ld__job_judge(p->report, &p->memo, p->st, p->opts,
					   &p->st->jobs.v[it->job],
					   b->data + it->off, it->size, &err);
		}
		if (rc < 0) {
			pipe_fail(p, rc, &err);
			break;
		}
		pthread_mutex_lock(&p->mu);
		p->judged++;
		pthread_cond_signal(&p->room);
		pthread_mutex_unlock(&p->mu);
	}
}

int ld__pipe_run(ld__state *st, const ld_contract_opts *opts, ae_err *err)
{
	ld__pipe *p = calloc(1, sizeof(*p));
	ld__crew crew = {NULL, NULL, 0};
	int rc;

	if (p == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	p->st = st;
	p->opts = opts;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->more, NULL);
	pthread_cond_init(&p->room, NULL);
	ld__pack_reader_init(&p->reader, &st->packs);
	rc = ld_report_new(&p->report, err);
	for (size_t i = 0; i < PIPE_SLOTS && rc == 0; i++) {
		p->slot[i].alloc = PIPE_BATCH_BYTES;
		p->slot[i].data = malloc(p->slot[i].alloc);
		if (p->slot[i].data == NULL)
			rc = ae_fail(err, AE_ERR, "out of memory");
	}
	/* worker 0 reads (this thread), worker 1 judges */
	if (rc == 0)
		rc = ld__crew_start(&crew, 2, pipe_judge, p, err);
	if (rc == 0)
		pipe_read(p);
	ld__crew_join(&crew);
	if (rc == 0 && p->rc < 0)
		rc = ae_fail(err, p->rc, "%s", p->err.msg);
	if (rc == 0)
		rc = ld__report_merge(st->report, p->report, err);
	for (size_t i = 0; i < PIPE_SLOTS; i++)
		free(p->slot[i].data);
	ld_report_free(p->report);
	ld__signers_dispose(&p->memo);
	ld__pack_reader_dispose(&p->reader);
	pthread_cond_destroy(&p->room);
	pthread_cond_destroy(&p->more);
	pthread_mutex_destroy(&p->mu);
	free(p);
	return rc;
}
