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

/* The size of a blob that no pack entry gave. */
#define SIZE_UNKNOWN UINT64_MAX

/* Reads `id` through the first backend that holds it. With its size
 * unknown, each backend is asked for the header first, so that a blob past
 * the cap is refused unread; with the size known from its pack entry the
 * read itself is the probe. *found is false (rc 0) when no backend holds
 * it, or when the database is unusual enough that the general path must
 * answer (and word the error). */
static int blob_from_backends(ld__blob *out, bool *found, git_odb *odb,
			      const git_oid *id, uint64_t size, size_t cap,
			      const char *shown, ae_err *err)
{
	size_t nb = git_odb_num_backends(odb);
	git_object_t type = GIT_OBJECT_INVALID;
	const bool probe = size == SIZE_UNKNOWN;

	*found = false;
	for (size_t i = 0; i < nb; i++) {
		git_odb_backend *b = NULL;
		size_t head = 0;
		int rc;

		if (git_odb_get_backend(&b, odb, i) < 0 || b->read == NULL ||
		    (probe && b->read_header == NULL))
			break;
		if (probe) {
			if (b->read_header(&head, &type, b, id) != 0)
				continue;
			git_error_clear();
			*found = true;
			if (type != GIT_OBJECT_BLOB)
				return ae_fail(err, AE_EIO, "%s is not a blob",
					       shown);
			out->size = head;
			size = head;
			if (head > cap)
				return 0;
		}
		rc = b->read(&out->data, &out->size, &type, b, id);
		if (!probe && rc == GIT_ENOTFOUND)
			continue;
		if (rc < 0 && probe)
			return ld__git_fail(err, AE_EIO,
					    "cannot read a pointer blob");
		git_error_clear();
		if (rc < 0)
			break;
		*found = true;
		out->backend = b;
		/* The header said blob: another type now is a change. */
		if (type != GIT_OBJECT_BLOB && !probe)
			return ae_fail(err, AE_EIO, "%s is not a blob", shown);
		if (type != GIT_OBJECT_BLOB || out->size != size)
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
		rc = blob_from_backends(out, &found, odb, id, size, cap, shown,
					err);
		if (rc < 0 || found)
			return rc;
	}
	rc = blob_from_backends(out, &found, odb, id, SIZE_UNKNOWN, cap, shown,
				err);
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
