/* oci/pull_fetch.c -- one blob or manifest of a pull, from the registry
 * into the cache: hashed while it streams into a private temp file,
 * renamed into place only when size and digest match (oci/pull.c says
 * why). Apart from oci/pull.c so that the layer's code (oci/pull_layer.c),
 * which fetches through it, and oci/pull.c do not use each other. */
#define _XOPEN_SOURCE 700
#include "oci/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PULL_PATH_MAX OCI__PULL_PATH_MAX

typedef oci__pull_ctx pull_ctx;

bool oci__pull_sha_is(const unsigned char sha[AE_SHA256_LEN], const char *want)
{
	char got[AE_DIGEST_STR_LEN];

	ae_digest_format(got, sha);
	return strcmp(got, want) == 0;
}

int oci__pull_cache_fault(const pull_ctx *p, int rc, ae_err *err)
{
	char msg[AE_ERR_MSG_MAX];

	if (p->cache_fault != NULL)
		*p->cache_fault = true;
	snprintf(msg, sizeof(msg), "%s", err ? err->msg : "");
	ae_err_clear(err);
	return ae_fail(err, rc, "cache %.512s: %s", p->cache, msg);
}

int oci__pull_fetch(int *fd_out, uint64_t *got_out, const pull_ctx *p,
		    const char *path, const char *kind, const char *digest,
		    uint64_t cap, const char *accept, oci__pull_follow *follow,
		    ae_err *err)
{
	char tmp[PULL_PATH_MAX + 16], url[700];
	unsigned char sha[AE_SHA256_LEN];
	char got[AE_DIGEST_STR_LEN];
	oci_req *r = calloc(1, sizeof(*r));
	ae_tmp_claim claim;
	int fd = -1, rc, slot;

	*fd_out = -1;
	if (r == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path);
	ae_tmp_claim_begin(&claim);
	fd = mkostemp(tmp, O_CLOEXEC);
	slot = ae_tmp_claim_end(&claim, AT_FDCWD, fd >= 0 ? tmp : NULL, false);
	if (fd < 0) {
		free(r);
		ae_fail(err, AE_EIO, "create a file in %.512s: %s", path,
			strerror(errno));
		return oci__pull_cache_fault(p, AE_EIO, err);
	}
	snprintf(url, sizeof(url), "/v2/%s/%s/%s", p->c->repo, kind, digest);
	rc = oci__req_init(r, p->c, "GET", url, err);
	if (rc == 0)
		rc = ae_sha256_new(&r->resp_hash, err);
	if (rc < 0)
		goto done;
	r->accept = accept;
	r->resp_fd = fd;
	r->resp_max = cap;
	if (follow != NULL) {
		ae_err ignored = {0};
		follow->whole = false;
		(void)oci__untar_stream_start(&follow->stream, follow->gzip,
					      follow->dest, follow->tar_digest,
					      &ignored);
		r->reader = follow->stream;
	}
	r->follow = strcmp(kind, "blobs") == 0; /* 307 to storage */
	r->expected = r->follow ? cap : 0;	/* a blob's declared size */
	r->what = digest;
	rc = oci__send(p->c, r, true, err);
	/* a blob's cap is its declared size: say that, not "over its cap" */
	if (rc == AE_ETOOBIG && r->follow)
		ae_err_clear(err);
	if (rc == AE_ETOOBIG)
		rc = ae_fail(err, AE_EVERIFY,
			     "%s is larger than its declared size %llu: "
			     "rejected, not cached",
			     digest, (unsigned long long)cap);
	if (rc < 0)
		goto done;
	if (r->status != 200) {
		rc = oci__status_fail(r, digest, err);
		goto done;
	}
	ae_sha256_final(r->resp_hash, sha);
	ae_digest_format(got, sha);
	if (strcmp(got, digest) != 0) {
		rc = ae_fail(err, AE_EVERIFY,
			     "registry sent bytes with digest %s for %s: "
			     "rejected, not cached",
			     got, digest);
		goto done;
	}
	*got_out = r->got;
	if (follow != NULL)
		follow->whole = !r->tee_cut && r->reader != NULL;
	/* No fsync: a cache entry is hashed again at every use, so one torn
	 * by a crash is refetched, never used; forcing 100 MiB to disk cost
	 * a pull more than its extraction. */
	if (rename(tmp, path) != 0) {
		ae_fail(err, AE_EIO, "store %s: %s", digest, strerror(errno));
		rc = oci__pull_cache_fault(p, AE_EIO, err);
	}
done:
	ae_sha256_free(r->resp_hash);
	if (rc < 0) {
		close(fd);
		unlink(tmp);
	} else {
		*fd_out = fd;
	}
	ae_tmp_forget(slot);
	free(r);
	return rc;
}
