/* evidence/core/imgref.c -- the one reading of a container image reference
 *
 * `[host/]path[:tag][@digest]`, as the distribution reference grammar and
 * every container runtime read it: the digest is what follows the first
 * '@'; the tag is what follows the last ':' after the last '/' (so the
 * port of `host:5000/img` is no tag); the first path component is a
 * registry host when a '/' follows it and it holds a '.' or a ':' or is
 * `localhost`. Everything that splits an image reference (emit's
 * mutable-tag gate and its validatorImages, the minimal policy's public
 * registries, the snapshot's observed images, oci_ref_parse) goes through
 * here, so they cannot disagree on where a tag starts (review finding 05).
 */
#include "evidence/core/ae.h"

#include <string.h>

void ae_imgref_split(ae_imgref *r, const char *s)
{
	const char *at = strchr(s, '@');
	size_t n = at ? (size_t)(at - s) : strlen(s);
	const char *colon = NULL, *first;
	size_t h;

	memset(r, 0, sizeof(*r));
	if (at != NULL) {
		r->digest = at + 1;
		r->digest_len = strlen(at + 1);
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '/')
			colon = NULL; /* a ':' before the last '/' is a port */
		else if (s[i] == ':')
			colon = s + i;
	}
	if (colon != NULL) {
		r->tag = colon + 1;
		r->tag_len = n - (size_t)(colon + 1 - s);
		n = (size_t)(colon - s);
	}
	first = memchr(s, '/', n);
	h = first ? (size_t)(first - s) : 0;
	if (first != NULL &&
	    (memchr(s, '.', h) != NULL || memchr(s, ':', h) != NULL ||
	     (h == 9 && memcmp(s, "localhost", 9) == 0))) {
		r->host = s;
		r->host_len = h;
		s = first + 1;
		n -= h + 1;
	}
	r->path = s;
	r->path_len = n;
}

bool ae_imgref_pinned(const ae_imgref *r)
{
	return r->digest != NULL && ae_digest_is_valid(r->digest);
}

bool ae_imgref_tag_is(const ae_imgref *r, const char *tag)
{
	return r->tag != NULL && r->tag_len == strlen(tag) &&
	       memcmp(r->tag, tag, r->tag_len) == 0;
}
