/* oci/untar_stream.c -- extraction on a second thread, overlapping a read
 *
 * A pull used to download the layer into the cache, then read it back and
 * extract it: two passes, the second one (100 MiB written to the
 * destination) after the download. Here a thread extracts while the bytes
 * arrive, in one of two ways:
 *
 * - follow: the thread reads the download's own file (a dup of its
 *   descriptor, with pread) up to what the download announced it wrote
 *   (oci_req.follow), so each byte is written once. Only for a file that
 *   only we can write.
 * - pipe: whoever reads the input writes each piece to a pipe the thread
 *   reads: a cached layer, whose file someone else may change, is hashed
 *   and extracted from the very same bytes this way.
 *
 * The bytes are not verified until the read ends, so the destination must
 * be a private temp directory that the caller deletes unless the digest
 * matched (oci/pull.c renames it into place only then); the extractor is
 * the same hardened one (caps, no links, no escapes) that reads verified
 * files, and it stops when the input inflates more than
 * OCI__UNVERIFIED_RATIO times (a bomb costs at most that before its digest
 * fails). After the archive's end, or a failure, a pipe's reader keeps
 * reading until end of file, so the writer never blocks on a full pipe.
 */
#include "oci/internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* the pipe capacity asked for (F_SETPIPE_SZ), best effort */
#define US_PIPE_SIZE (1024 * 1024)
#define US_DRAIN     (16u * 1024u)

struct oci_untar_stream {
	int rfd, wfd; /* pipe mode, else -1 */
	int ffd;      /* follow mode: our dup of the file, else -1 */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint64_t avail;	  /* follow: bytes written so far (under mu) */
	bool done, cut;	  /* follow: no more will come / rewritten (under mu) */
	uint64_t off;	  /* follow: read so far (the thread's own) */
	ae_sha256_ctx *h; /* follow: hashes what was read */
	char digest[AE_DIGEST_STR_LEN]; /* follow: what the file must hash to */
	uint64_t size;			/* ... and its size */
	bool same; /* follow: what was read is the download that matched */
	bool gzip;
	char *dest;
	char tar_digest[AE_DIGEST_STR_LEN]; /* "" when none */
	pthread_t tid;
	int rc;	      /* the extractor's result, read after the join */
	bool gave_up; /* ... and whether it only gave up */
	ae_err err;
};

/* Reads the rest of the pipe until end of file (or an error); cannot
 * fail for want of memory, or the writer would block for good. */
static void us_drain(int fd)
{
	char buf[US_DRAIN];
	ssize_t got;

	do
		got = read(fd, buf, sizeof(buf));
	while (got > 0 || (got < 0 && errno == EINTR));
}

/* oci__read_fn of follow mode: waits for bytes past s->off, then preads
 * what is there; 0 once the writer is done and all was read. */
static int us_follow_read(void *ctx, unsigned char *buf, size_t n, size_t *got,
			  ae_err *err)
{
	oci_untar_stream *s = ctx;
	uint64_t k;
	ssize_t r;

	*got = 0;
	pthread_mutex_lock(&s->mu);
	while (s->off == s->avail && !s->done && !s->cut)
		pthread_cond_wait(&s->cv, &s->mu);
	k = s->cut ? 0 : s->avail - s->off;
	pthread_mutex_unlock(&s->mu);
	if (s->cut)
		return ae_fail(err, AE_EIO, "the download started over");
	if (k == 0)
		return 0;
	do
		r = pread(s->ffd, buf, k < n ? (size_t)k : n, (off_t)s->off);
	while (r < 0 && errno == EINTR);
	if (r <= 0)
		return ae_fail(err, AE_EIO, "read the download: %s",
			       r < 0 ? strerror(errno) : "it shrank");
	ae_sha256_update(s->h, buf, (size_t)r);
	s->off += (uint64_t)r;
	*got = (size_t)r;
	return 0;
}

/* Follow mode, after the extraction: reads (and hashes) the rest of the
 * file, then says whether what was read is the download that matched. A
 * file system someone else controls (a cache directory linked to their
 * FUSE mount) could hand us other bytes than we wrote: the extraction
 * counts only for the bytes we hashed. */
static void us_follow_finish(oci_untar_stream *s)
{
	unsigned char buf[16384], sha[AE_SHA256_LEN];
	ae_err ignored = {0};
	size_t got = 1;

	while (got > 0 && s->off <= s->size &&
	       us_follow_read(s, buf, sizeof(buf), &got, &ignored) == 0)
		;
	ae_sha256_final(s->h, sha);
	s->same = got == 0 && s->off == s->size &&
		  oci__pull_sha_is(sha, s->digest);
}

static void *us_run(void *arg)
{
	oci_untar_stream *s = arg;
	oci__untar_opts o = {NULL, true};

	if (s->tar_digest[0] != '\0')
		o.tar_digest = s->tar_digest;
	if (s->ffd >= 0) {
		s->rc = oci__tar_extract_from(us_follow_read, s, s->gzip,
					      s->dest, &o, &s->gave_up,
					      &s->err);
		us_follow_finish(s);
		return NULL;
	}
	s->rc = oci__tar_extract(s->rfd, s->gzip, s->dest, &o, &s->gave_up,
				 &s->err);
	us_drain(s->rfd);
	return NULL;
}

static void us_free(oci_untar_stream *s)
{
	if (s == NULL)
		return;
	if (s->rfd >= 0)
		close(s->rfd);
	if (s->wfd >= 0)
		close(s->wfd);
	if (s->ffd >= 0)
		close(s->ffd);
	ae_sha256_free(s->h);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free(s->dest);
	free(s);
}

/* A stream with no descriptors yet, or NULL for want of memory. */
static oci_untar_stream *us_new(bool gzip, const char *dest,
				const char *tar_digest)
{
	oci_untar_stream *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->rfd = s->wfd = s->ffd = -1;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	s->gzip = gzip;
	s->dest = strdup(dest);
	if (tar_digest != NULL)
		memcpy(s->tar_digest, tar_digest, strlen(tar_digest) + 1);
	if (s->dest == NULL) {
		us_free(s);
		return NULL;
	}
	return s;
}

static int us_launch(oci_untar_stream **out, oci_untar_stream *s, ae_err *err)
{
	if (pthread_create(&s->tid, NULL, us_run, s) != 0) {
		us_free(s);
		return ae_fail(err, AE_ERR, "cannot start the extractor");
	}
	*out = s;
	return 0;
}

int oci__untar_stream_start(oci_untar_stream **out, bool gzip, const char *dest,
			    const char *tar_digest, ae_err *err)
{
	oci_untar_stream *s = NULL;
	int fds[2] = {-1, -1};

	*out = NULL;
	if (tar_digest != NULL && strlen(tar_digest) >= AE_DIGEST_STR_LEN)
		return ae_fail(err, AE_EINVAL, "bad content digest");
	s = us_new(gzip, dest, tar_digest);
	if (s == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	if (pipe2(fds, O_CLOEXEC) != 0) {
		us_free(s);
		return ae_fail(err, AE_EIO, "pipe: %s", strerror(errno));
	}
	(void)fcntl(fds[1], F_SETPIPE_SZ, US_PIPE_SIZE);
	s->rfd = fds[0];
	s->wfd = fds[1];
	return us_launch(out, s, err);
}

int oci__untar_stream_follow(oci_untar_stream **out, int fd, bool gzip,
			     const char *dest, const char *tar_digest,
			     const char *digest, uint64_t size, ae_err *err)
{
	oci_untar_stream *s = NULL;

	*out = NULL;
	if ((tar_digest != NULL && strlen(tar_digest) >= AE_DIGEST_STR_LEN) ||
	    strlen(digest) >= AE_DIGEST_STR_LEN)
		return ae_fail(err, AE_EINVAL, "bad digest");
	s = us_new(gzip, dest, tar_digest);
	if (s == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	memcpy(s->digest, digest, strlen(digest) + 1);
	s->size = size;
	if (ae_sha256_new(&s->h, err) < 0) {
		us_free(s);
		return AE_ERR;
	}
	/* our own descriptor: the caller may close its own at any time */
	s->ffd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (s->ffd < 0) {
		us_free(s);
		return ae_fail(err, AE_EIO, "dup: %s", strerror(errno));
	}
	return us_launch(out, s, err);
}

void oci__untar_stream_grow(oci_untar_stream *s, uint64_t n)
{
	pthread_mutex_lock(&s->mu);
	s->avail += n;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

void oci__untar_stream_cut(oci_untar_stream *s)
{
	pthread_mutex_lock(&s->mu);
	s->cut = true;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

int oci__untar_stream_fd(const oci_untar_stream *s)
{
	return s->wfd;
}

int oci__untar_stream_finish(oci_untar_stream *s, bool *gave_up, ae_err *err)
{
	int rc;

	if (gave_up != NULL)
		*gave_up = false;
	if (s == NULL)
		return 0;
	if (s->wfd >= 0) {
		close(s->wfd); /* end of file for the extractor */
		s->wfd = -1;
	}
	pthread_mutex_lock(&s->mu);
	s->done = true;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->tid, NULL);
	rc = s->rc;
	if (gave_up != NULL)
		*gave_up = s->gave_up;
	if (s->ffd >= 0 && !s->cut && !s->same) {
		/* the verdict, whatever the extraction said */
		rc = AE_EVERIFY;
		snprintf(s->err.msg, sizeof(s->err.msg),
			 "the download's file does not hold the bytes that "
			 "were hashed (%s)",
			 s->digest);
		if (gave_up != NULL)
			*gave_up = false;
	}
	if (rc < 0)
		ae_fail(err, rc, "%s", s->err.msg);
	us_free(s);
	return rc;
}
