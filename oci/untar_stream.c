/* oci/untar_stream.c -- extraction on a second thread, fed through a pipe
 *
 * A pull used to download the layer into the cache, then read it back and
 * extract it: two passes, the second one (100 MiB written to the
 * destination) after the download. Here a thread runs oci_tar_extract_fd
 * on the read end of a pipe while the download writes every byte it keeps
 * to the write end as well (oci_req.tee_fd), so extraction overlaps the
 * transfer. The bytes are not verified until the download ends, so the
 * destination must be a private temp directory that the caller deletes
 * unless the digest matched (oci/pull.c renames it into place only then);
 * the extractor is the same hardened one (caps, no links, no escapes) that
 * reads verified files, and it stops when the input inflates more than
 * OCI__UNVERIFIED_RATIO times (a bomb costs at most that before its digest
 * fails). After the archive's end, or a failure, the thread keeps reading
 * until end of file, so the writer never blocks on a full pipe.
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
	int rfd, wfd;
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

static void *us_run(void *arg)
{
	oci_untar_stream *s = arg;
	oci__untar_opts o = {NULL, true};

	if (s->tar_digest[0] != '\0')
		o.tar_digest = s->tar_digest;
	s->rc = oci__tar_extract(s->rfd, s->gzip, s->dest, &o, &s->gave_up,
				 &s->err);
	us_drain(s->rfd);
	return NULL;
}

int oci__untar_stream_start(oci_untar_stream **out, bool gzip, const char *dest,
			    const char *tar_digest, ae_err *err)
{
	oci_untar_stream *s = calloc(1, sizeof(*s));
	int fds[2] = {-1, -1};

	*out = NULL;
	if (tar_digest != NULL && strlen(tar_digest) >= AE_DIGEST_STR_LEN) {
		free(s);
		return ae_fail(err, AE_EINVAL, "bad content digest");
	}
	if (s != NULL && tar_digest != NULL)
		memcpy(s->tar_digest, tar_digest, strlen(tar_digest) + 1);
	if (s != NULL)
		s->dest = strdup(dest);
	if (s == NULL || s->dest == NULL) {
		free(s);
		return ae_fail(err, AE_ERR, "out of memory");
	}
	if (pipe2(fds, O_CLOEXEC) != 0) {
		free(s->dest);
		free(s);
		return ae_fail(err, AE_EIO, "pipe: %s", strerror(errno));
	}
	(void)fcntl(fds[1], F_SETPIPE_SZ, US_PIPE_SIZE);
	s->rfd = fds[0];
	s->wfd = fds[1];
	s->gzip = gzip;
	if (pthread_create(&s->tid, NULL, us_run, s) != 0) {
		close(fds[0]);
		close(fds[1]);
		free(s->dest);
		free(s);
		return ae_fail(err, AE_ERR, "cannot start the extractor");
	}
	*out = s;
	return 0;
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
	close(s->wfd); /* end of file for the extractor */
	pthread_join(s->tid, NULL);
	close(s->rfd);
	rc = s->rc;
	if (gave_up != NULL)
		*gave_up = s->gave_up;
	if (rc < 0)
		ae_fail(err, rc, "%s", s->err.msg);
	free(s->dest);
	free(s);
	return rc;
}
