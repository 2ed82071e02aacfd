/* ledger/pointer_tag.c -- the tag a bundle's own pointer names for it
 *
 * `push OUT --to REF` without a tag pushes under the tag OUT/pointer.yaml
 * names for this artifact in REF's repository (what sign or emit recorded,
 * even under a tag of their REF), so the pointer and the registry agree
 * (issue 24 item 7, issue 20 item 5).
 */
#include "ledger/ledger.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>

int ld_pointer_tag(char tag[129], const char *outdir, const oci_ref *ref,
		   const char *digest, ae_err *err)
{
	char path[4200];
	ld_pointer *p = NULL;
	oci_ref named;
	ae_err ignore = {0};
	int rc;

	tag[0] = '\0';
	snprintf(path, sizeof(path), "%s/pointer.yaml", outdir);
	rc = ld_pointer_read(&p, AT_FDCWD, path, err);
	if (rc == AE_ENOTFOUND) {
		ae_err_clear(err);
		return 0;
	}
	if (rc < 0)
		return rc;
	if (strcmp(ld_pointer_bundle_digest(p), digest) == 0 &&
	    oci_ref_parse(&named, ld_pointer_bundle_oci(p), &ignore) == 0 &&
	    strcmp(named.registry, ref->registry) == 0 &&
	    strcmp(named.repo, ref->repo) == 0)
		memcpy(tag, named.tag, sizeof(named.tag));
	ld_pointer_free(p);
	return 0;
}
