/* oci/untar_stream.c -- extraction on a second thread, overlapping a read
 *
 * A pull used to download the layer into the cache, then read it back and
 * extract it: two passes, the second one (100 MiB written to the
 * destination) after the download. Here a thread extracts while the bytes
 * arrive: whoever reads the input -- the download's write callback, or the
 * loop that reads a cached layer -- hashes each piece and hands the very
 * same piece to the extractor (oci__untar_stream_feed), through a ring
 * buffer in memory. So the bytes extracted are the bytes hashed, whatever
 * a file, a file system or a writer of the cache does meanwhile, and
 * nothing is read back: no pipe (two kernel copies), no second read of the
 * download's file and no second hash of it (c387751 hashed what the
 * extractor read back from the file, which cost a pull a SHA-256).
 *
 * The bytes are not verified until the read ends, so the destination must
 * be a private temp directory that the caller deletes unless the digest
 * matched (oci/pull.c renames it into place only then); the extractor is
 * the same hardened one (caps, no links, no escapes) that reads verified
 * files, and it stops when the input inflates more than
 * OCI__UNVERIFIED_RATIO times (a bomb costs at most that before its digest
 * fails). Once the extractor stopped (the archive's end, a failure), what
 * is fed is dropped, so the feeder never blocks for good.
 */
#include "oci/internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* the ring: 8 of the download's 512 KiB writes, 8 of a cached layer's
 * 512 KiB reads */
#define US_RING (4u * 1024u * 1024u)

struct oci_untar_stream {
	pthread_mutex_t mu;
	pthread_cond_t data;  /* the feeder added bytes, or done/cut */
	pthread_cond_t space; /* the extractor took bytes, or stopped */
	unsigned char *ring;
	uint64_t head; /* bytes fed so far (under mu) */
	uint64_t tail; /* bytes taken so far (under mu) */
	bool done;     /* no more will be fed (under mu) */
	bool cut;      /* the input started over (under mu) */
	bool stopped;  /* the extractor takes no more (under mu) */
	bool gzip;
	char *dest;
	char tar_digest[AE_DIGEST_STR_LEN]; /* "" when none */
	pthread_t tid;
	int rc;	      /* the extractor's result, read after the join */
	bool gave_up; /* ... and whether it only gave up */
	ae_err err;
};

/* oci__read_fn over the ring: waits for bytes, copies what is there (at
 * most to the ring's end); 0 bytes once the feeder is done and all was
 * taken. */
static int us_read(void *ctx, unsigned char *buf, size_t n, size_t *got,
		   ae_err *err)
{
	oci_untar_stream *s = ctx;
	size_t at, k;

	*got = 0;
	pthread_mutex_lock(&s->mu);
	while (s->head == s->tail && !s->done && !s->cut)
		pthread_cond_wait(&s->data, &s->mu);
	if (s->cut) {
		pthread_mutex_unlock(&s->mu);
		return ae_fail(err, AE_EIO, "the download started over");
	}
	at = (size_t)(s->tail % US_RING);
	k = (size_t)(s->head - s->tail);
	pthread_mutex_unlock(&s->mu);
	if (k > US_RING - at)
		k = US_RING - at;
	if (k > n)
		k = n;
	/* [tail, head) is the feeder's no more: copied outside the lock */
	memcpy(buf, s->ring + at, k);
	pthread_mutex_lock(&s->mu);
	s->tail += k;
	pthread_cond_signal(&s->space);
	pthread_mutex_unlock(&s->mu);
	*got = k;
	return 0;
}

static void *us_run(void *arg)
{
	oci_untar_stream *s = arg;
	oci__untar_opts o = {NULL, true};

	if (s->tar_digest[0] != '\0')
		o.tar_digest = s->tar_digest;
	s->rc = oci__tar_extract_from(us_read, s, s->gzip, s->dest, &o,
				      &s->gave_up, &s->err);
	pthread_mutex_lock(&s->mu);
	s->stopped = true; /* what is fed from now on is dropped */
	pthread_cond_signal(&s->space);
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

static void us_free(oci_untar_stream *s)
{
	if (s == NULL)
		return;
	pthread_cond_destroy(&s->data);
	pthread_cond_destroy(&s->space);
	pthread_mutex_destroy(&s->mu);
	free(s->ring);
	free(s->dest);
	free(s);
}

int oci__untar_stream_start(oci_untar_stream **out, bool gzip, const char *dest,
			    const char *tar_digest, ae_err *err)
{
	oci_untar_stream *s = NULL;

	*out = NULL;
	if (tar_digest != NULL && strlen(tar_digest) >= AE_DIGEST_STR_LEN)
		return ae_fail(err, AE_EINVAL, "bad content digest");
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->data, NULL);
	pthread_cond_init(&s->space, NULL);
	s->gzip = gzip;
	s->ring = malloc(US_RING);
	s->dest = strdup(dest);
	if (tar_digest != NULL)
		memcpy(s->tar_digest, tar_digest, strlen(tar_digest) + 1);
	if (s->ring == NULL || s->dest == NULL) {
		us_free(s);
		return ae_fail(err, AE_ERR, "out of memory");
	}
	if (pthread_create(&s->tid, NULL, us_run, s) != 0) {
		us_free(s);
		return ae_fail(err, AE_ERR, "cannot start the extractor");
	}
	*out = s;
	return 0;
}

void oci__untar_stream_feed(oci_untar_stream *s, const void *buf, size_t n)
{
	const unsigned char *p = buf;

	while (n > 0) {
		size_t at, k;

		pthread_mutex_lock(&s->mu);
		while (s->head - s->tail == US_RING && !s->stopped)
			pthread_cond_wait(&s->space, &s->mu);
		if (s->stopped || s->cut) {
			pthread_mutex_unlock(&s->mu);
			return;
		}
		at = (size_t)(s->head % US_RING);
		k = US_RING - (size_t)(s->head - s->tail);
		pthread_mutex_unlock(&s->mu);
		if (k > US_RING - at)
			k = US_RING - at;
		if (k > n)
			k = n;
		/* [head, tail + US_RING) is free: the extractor reads none
		 * of it until head moves */
		memcpy(s->ring + at, p, k);
		pthread_mutex_lock(&s->mu);
		s->head += k;
		pthread_cond_signal(&s->data);
		pthread_mutex_unlock(&s->mu);
		p += k;
		n -= k;
	}
}

void oci__untar_stream_cut(oci_untar_stream *s)
{
	pthread_mutex_lock(&s->mu);
	s->cut = true;
	pthread_cond_signal(&s->data);
	pthread_mutex_unlock(&s->mu);
}

int oci__untar_stream_finish(oci_untar_stream *s, bool *gave_up, ae_err *err)
{
	int rc;

	if (gave_up != NULL)
		*gave_up = false;
	if (s == NULL)
		return 0;
	pthread_mutex_lock(&s->mu);
	s->done = true; /* end of input for the extractor */
	pthread_cond_signal(&s->data);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->tid, NULL);
	rc = s->rc;
	if (gave_up != NULL)
		*gave_up = s->gave_up;
	if (rc < 0)
		ae_fail(err, rc, "%s", s->err.msg);
	us_free(s);
	return rc;
}
