/* ledger/check_blob.c -- reading a pointer blob for the checker
 *
 * An audit reads every pointer of the ledger, so this read is most of its
 * cost (issue 7). It goes to the object database's backends (loose, packs,
 * alternates, in libgit2's priority order) directly: the header first, so
 * that a blob past the cap is refused unread -- its size is in the object
 * header, and a small delta can expand to gigabytes (reference §0) -- then
 * the object from the backend that holds it. git_odb_read would on top
 * hash every object again and pass it through the object cache, a fifth
 * of an audit: that re-hash guards against a pack damaged on disk after
 * git received it (git named every object by hashing it then, in
 * index-pack), git's own readers (cat-file) do not repeat it, and zlib's
 * checksum still catches a damaged object body. An object no backend
 * holds goes through git_odb_read_header, which refreshes the backends
 * (a pack added since) and words the error.
 */
#include "ledger/internal.h"

#include <git2/sys/odb_backend.h>
#include <string.h>

/* Reads through the first backend that has a header for `id`. *found is
 * false (rc 0) when none has. */
static int blob_from_backends(ld__blob *out, bool *found, git_odb *odb,
			      const git_oid *id, size_t cap, const char *shown,
			      ae_err *err)
{
	size_t nb = git_odb_num_backends(odb);
	git_odb_backend *b = NULL;
	git_object_t type = GIT_OBJECT_INVALID;
	size_t size = 0;
	size_t i;

	*found = false;
	for (i = 0; i < nb; i++) {
		if (git_odb_get_backend(&b, odb, i) < 0 ||
		    b->read_header == NULL || b->read == NULL)
			return 0; /* an unusual database: the general path */
		if (b->read_header(&size, &type, b, id) == 0)
			break;
	}
	git_error_clear();
	if (i == nb)
		return 0;
	*found = true;
	if (type != GIT_OBJECT_BLOB)
		return ae_fail(err, AE_EIO, "%s is not a blob", shown);
	out->size = size;
	if (size > cap)
		return 0;
	if (b->read(&out->data, &out->size, &type, b, id) < 0)
		return ld__git_fail(err, AE_EIO, "cannot read a pointer blob");
	out->backend = b;
	if (type != GIT_OBJECT_BLOB || out->size != size)
		return ae_fail(err, AE_EIO, "%s changed while read", shown);
	return 0;
}

/* Reads the blob whose size its pack entry gave (`size`, and whether the
 * entry is a delta, whose type is learnt only now) through the first
 * backend that has it. *found is false (rc 0) when none has. */
static int blob_sized(ld__blob *out, bool *found, git_odb *odb,
		      const git_oid *id, uint64_t size, const char *shown,
		      ae_err *err)
{
	size_t nb = git_odb_num_backends(odb);
	git_object_t type = GIT_OBJECT_INVALID;

	*found = false;
	for (size_t i = 0; i < nb; i++) {
		git_odb_backend *b = NULL;
		int rc;
		if (git_odb_get_backend(&b, odb, i) < 0 || b->read == NULL)
			break;
		rc = b->read(&out->data, &out->size, &type, b, id);
		if (rc == GIT_ENOTFOUND)
			continue;
		git_error_clear();
		if (rc < 0)
			break; /* the general path words the error */
		*found = true;
		out->backend = b;
		if (type != GIT_OBJECT_BLOB)
			return ae_fail(err, AE_EIO, "%s is not a blob", shown);
		if (out->size != size)
			return ae_fail(err, AE_EIO, "%s changed while read",
				       shown);
		return 0;
	}
	git_error_clear();
	return 0;
}

int ld__blob_read(ld__blob *out, git_odb *odb, ld__pack_reader *pr,
		  const ld__job *job, size_t cap, ae_err *err)
{
	const git_oid *id = &job->entry->oid;
	const char *shown = job->shown;
	git_object_t type = GIT_OBJECT_INVALID;
	ld__pack_kind kind = LD__PACK_OTHER;
	uint64_t size = 0;
	bool found = false;
	int rc;

	memset(out, 0, sizeof(*out));
	if (job->pack != LD__NO_PACK &&
	    ld__pack_entry_size(&size, &kind, pr, job->pack, job->offset) ==
		    0) {
		if (kind == LD__PACK_OTHER)
			return ae_fail(err, AE_EIO, "%s is not a blob", shown);
		if (size > cap) {
			out->size = size > SIZE_MAX ? SIZE_MAX : (size_t)size;
			return 0;
		}
		rc = blob_sized(out, &found, odb, id, size, shown, err);
		if (rc < 0 || found)
			return rc;
	}
	rc = blob_from_backends(out, &found, odb, id, cap, shown, err);
	if (rc < 0 || found)
		return rc;
	if (git_odb_read_header(&out->size, &type, odb, id) < 0)
		return ld__git_fail(err, AE_EIO, "cannot read a pointer blob");
	if (type != GIT_OBJECT_BLOB)
		return ae_fail(err, AE_EIO, "%s is not a blob", shown);
	if (out->size > cap)
		return 0;
	if (git_odb_read(&out->obj, odb, id) < 0)
		return ld__git_fail(err, AE_EIO, "cannot read a pointer blob");
	out->data = (void *)git_odb_object_data(out->obj);
	out->size = git_odb_object_size(out->obj);
	return 0;
}

void ld__blob_dispose(ld__blob *b)
{
	if (b->backend != NULL && b->data != NULL)
		git_odb_backend_data_free(b->backend, b->data);
	git_odb_object_free(b->obj);
	memset(b, 0, sizeof(*b));
}
