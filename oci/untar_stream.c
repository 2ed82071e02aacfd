/* oci/untar_stream.c -- extraction on a second thread, overlapping a read
 *
 * A pull used to download the layer into the cache, then read it back and
 * extract it: two passes, the second one (100 MiB written to the
 * destination) after the download. Here a thread extracts while the bytes
 * arrive: whoever reads the input -- the download's write callback, or the
 * loop that reads a cached layer -- lends each piece to the extractor
 * (oci__untar_stream_lend), hashes and writes it while the extractor
 * inflates straight from that memory, and takes it back
 * (oci__untar_stream_wait, or the next lend) before the memory changes.
 * The download gathers the next piece in a second buffer meanwhile
 * (oci/http.c), so receiving it overlaps extracting this one. So the bytes
 * extracted are the bytes hashed, whatever a file, a file system or a
 * writer of the cache does meanwhile, and nothing is read back or copied:
 * no pipe (two kernel copies), no second read of the download's file and
 * no second hash of it (c387751 hashed what the extractor read back from
 * the file), no ring buffer (two copies of every byte, about 5% of a fresh
 * pull's CPU).
 *
 * The bytes are not verified until the read ends, so the destination must
 * be a private temp directory that the caller deletes unless the digest
 * matched (oci/pull.c renames it into place only then); the extractor is
 * the same hardened one (caps, no links, no escapes) that reads verified
 * files, and it stops when the input inflates more than
 * OCI__UNVERIFIED_RATIO times (a bomb costs at most that before its digest
 * fails). Once the extractor stopped (the archive's end, a failure), what
 * is lent is dropped, so the feeder never blocks for good.
 */
#include "oci/internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* at most this much of a lent piece goes to the extractor at once: the
 * unverified-ratio check counts input as it is taken */
#define US_TAKE_MAX (4u * 1024u * 1024u)

struct oci_untar_stream {
	pthread_mutex_t mu;
	pthread_cond_t data; /* a piece was lent, or done/cut */
	pthread_cond_t back; /* the extractor is through with it, or stopped */
	const unsigned char *piece; /* lent, NULL when none (under mu) */
	size_t piece_len;	    /* (under mu) */
	size_t taken; /* of it handed to the extractor (under mu) */
	bool done;    /* no more will be lent (under mu) */
	bool cut;     /* the input started over (under mu) */
	bool stopped; /* the extractor takes no more (under mu) */
	bool gzip;
	char *dest;
	char tar_digest[AE_DIGEST_STR_LEN]; /* "" when none */
	pthread_t tid;
	int rc;	      /* the extractor's result, read after the join */
	bool gave_up; /* ... and whether it only gave up */
	ae_err err;
};

/* oci__lend_fn over the lent piece: what the extractor took before is
 * done with; waits for more and hands out the next part of the piece (at
 * most US_TAKE_MAX), 0 bytes once the feeder is done. */
static int us_lend(void *ctx, const unsigned char **p, size_t *got, ae_err *err)
{
	oci_untar_stream *s = ctx;
	size_t k;

	*got = 0;
	pthread_mutex_lock(&s->mu);
	if (s->piece != NULL && s->taken == s->piece_len) {
		s->piece = NULL; /* all of it was read: the feeder's again */
		pthread_cond_signal(&s->back);
	}
	while (s->piece == NULL && !s->done && !s->cut)
		pthread_cond_wait(&s->data, &s->mu);
	if (s->cut) {
		pthread_mutex_unlock(&s->mu);
		return ae_fail(err, AE_EIO, "the download started over");
	}
	if (s->piece == NULL) { /* done */
		pthread_mutex_unlock(&s->mu);
		return 0;
	}
	k = s->piece_len - s->taken;
	if (k > US_TAKE_MAX)
		k = US_TAKE_MAX;
	*p = s->piece + s->taken;
	s->taken += k;
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
	s->rc = oci__tar_extract_lent(us_lend, s, s->gzip, s->dest, &o,
				      &s->gave_up, &s->err);
	pthread_mutex_lock(&s->mu);
	s->stopped = true; /* it reads no lent byte any more */
	pthread_cond_signal(&s->back);
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

static void us_free(oci_untar_stream *s)
{
	if (s == NULL)
		return;
	pthread_cond_destroy(&s->data);
	pthread_cond_destroy(&s->back);
	pthread_mutex_destroy(&s->mu);
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
	pthread_cond_init(&s->back, NULL);
	s->gzip = gzip;
	s->dest = strdup(dest);
	if (tar_digest != NULL)
		memcpy(s->tar_digest, tar_digest, strlen(tar_digest) + 1);
	if (s->dest == NULL) {
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

void oci__untar_stream_lend(oci_untar_stream *s, const void *buf, size_t n)
{
	pthread_mutex_lock(&s->mu);
	/* the piece lent before is taken back first: one at a time */
	while (s->piece != NULL && !s->stopped)
		pthread_cond_wait(&s->back, &s->mu);
	s->piece = NULL;
	if (n > 0 && !s->stopped && !s->cut) {
		s->piece = buf;
		s->piece_len = n;
		s->taken = 0;
		pthread_cond_signal(&s->data);
	}
	pthread_mutex_unlock(&s->mu);
}

void oci__untar_stream_wait(oci_untar_stream *s)
{
	pthread_mutex_lock(&s->mu);
	while (s->piece != NULL && !s->stopped)
		pthread_cond_wait(&s->back, &s->mu);
	s->piece = NULL; /* a stopped extractor reads it no more */
	pthread_mutex_unlock(&s->mu);
}

void oci__untar_stream_feed(oci_untar_stream *s, const void *buf, size_t n)
{
	oci__untar_stream_lend(s, buf, n);
	oci__untar_stream_wait(s);
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
