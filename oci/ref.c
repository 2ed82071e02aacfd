/* oci/ref.c -- image references: `[oci://]registry[:port]/repo[:tag][@digest]`
 *
 * The grammar is the distribution reference grammar (distribution-spec
 * "Pulling manifests", docker/reference): a first component with a `.` or
 * `:` or equal to `localhost` names the registry, otherwise the name is on
 * Docker Hub (`docker.io`, one-component names under `library/`). Repository
 * components are lowercase alphanumerics joined by `.`, `_`, `__` or runs of
 * `-`; tags `[A-Za-z0-9_][A-Za-z0-9._-]{0,127}` (oci.md §3.7: the registry
 * does not check them itself); digests sha256 only, 64 lowercase hex.
 */
#include "oci/oci.h"

#include <stdio.h>
#include <string.h>

static bool is_lower_alnum(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
}

/* True iff [s, s+n) is one repository path component. */
static bool ref_component_ok(const char *s, size_t n)
{
	size_t i = 0;

	if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
		return false;
	while (i < n) {
		if (is_lower_alnum(s[i])) {
			i++;
			continue;
		}
		/* separator: "." | "_" | "__" | "-"+ , then alnum */
		if (s[i] == '.') {
			i++;
		} else if (s[i] == '_') {
			i += (i + 1 < n && s[i + 1] == '_') ? 2 : 1;
		} else if (s[i] == '-') {
			while (i < n && s[i] == '-')
				i++;
		} else {
			return false;
		}
		if (i >= n || !is_lower_alnum(s[i]))
			return false;
	}
	return true;
}

static bool ref_repo_ok(const char *s)
{
	const char *p = s;
	size_t total = strlen(s);

	if (total == 0 || total > 255)
		return false;
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (!ref_component_ok(p, n))
			return false;
		if (slash == NULL)
			return true;
		p = slash + 1;
	}
}

/* Host: DNS labels or an IPv4 literal or a bracketed IPv6 literal, then an
 * optional decimal port 1..65535. */
static bool ref_registry_ok(const char *s)
{
	const char *colon;
	size_t hostlen;

	if (*s == '[') {
		const char *close = strchr(s, ']');
		if (close == NULL || close == s + 1)
			return false;
		for (const char *q = s + 1; q < close; q++)
			if (!(*q == ':' || *q == '.' ||
			      (*q >= '0' && *q <= '9') ||
			      (*q >= 'a' && *q <= 'f') ||
			      (*q >= 'A' && *q <= 'F')))
				return false;
		colon = close[1] == ':' ? close + 1 : NULL;
		if (close[1] != '\0' && colon == NULL)
			return false;
		hostlen = (size_t)(close - s) + 1;
	} else {
		colon = strchr(s, ':');
		hostlen = colon ? (size_t)(colon - s) : strlen(s);
		if (hostlen == 0)
			return false;
		for (size_t i = 0; i < hostlen; i++) {
			char ch = s[i];
			bool alnum = (ch >= 'a' && ch <= 'z') ||
				     (ch >= 'A' && ch <= 'Z') ||
				     (ch >= '0' && ch <= '9');
			if (!alnum && ch != '-' && ch != '.')
				return false;
			if ((ch == '-' || ch == '.') &&
			    (i == 0 || i + 1 == hostlen))
				return false;
		}
	}
	if (hostlen == 0 || hostlen > 253)
		return false;
	if (colon != NULL) {
		unsigned long port = 0;
		const char *q = colon + 1;
		if (*q == '\0' || strlen(q) > 5)
			return false;
		for (; *q; q++) {
			if (*q < '0' || *q > '9')
				return false;
			port = port * 10 + (unsigned long)(*q - '0');
		}
		if (port == 0 || port > 65535)
			return false;
	}
	return true;
}

bool oci_tag_is_valid(const char *tag)
{
	size_t n = strlen(tag);

	if (n == 0 || n > 128)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = tag[i];
		bool word = (ch >= 'a' && ch <= 'z') ||
			    (ch >= 'A' && ch <= 'Z') ||
			    (ch >= '0' && ch <= '9') || ch == '_';
		if (!word && (i == 0 || (ch != '.' && ch != '-')))
			return false;
	}
	return true;
}

/* True iff `s` is a recipe name a tag may carry: [a-z0-9] runs joined by
 * one '.', '_' or '-', at most OCI_TAG_RECIPE_MAX bytes (the names emit
 * derives from criteria; a tag is public, so nothing else goes in). */
static bool ref_recipe_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > OCI_TAG_RECIPE_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		bool alnum =
			(ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
		bool sep = ch == '.' || ch == '_' || ch == '-';
		if (!alnum && !(sep && i > 0 && i + 1 < n && s[i + 1] != '.' &&
				s[i + 1] != '_' && s[i + 1] != '-'))
			return false;
	}
	return true;
}

int oci_tag_derive(char out[129], const char *recipe,
		   const char *artifact_digest, ae_err *err)
{
	char r[AE_REPR_BUF];

	out[0] = '\0';
	AE_ASSERT_ARG(recipe != NULL && artifact_digest != NULL, err);
	if (!ae_digest_is_valid(artifact_digest))
		return ae_fail(err, AE_EINVAL,
			       "artifact digest %s is not sha256:<64 hex>",
			       ae_repr(r, sizeof(r), artifact_digest,
				       strlen(artifact_digest)));
	if (!ref_recipe_ok(recipe))
		return ae_fail(err, AE_EINVAL,
			       "recipe name %s cannot be part of a tag "
			       "([a-z0-9] runs joined by '.', '_' or '-', at "
			       "most %d bytes): name the tag in the reference",
			       ae_repr(r, sizeof(r), recipe, strlen(recipe)),
			       OCI_TAG_RECIPE_MAX);
	snprintf(out, 129, "%s-%.*s", recipe, OCI_TAG_DIGEST_HEX,
		 artifact_digest + 7);
	return 0;
}

/* Registry and repository from the split reference (ae_imgref_split: the
 * first component is a registry host when it holds '.' or ':' or is
 * localhost); no host is Docker Hub, and a bare name its library/. */
static int ref_split_name(oci_ref *out, const ae_imgref *p, ae_err *err)
{
	if (p->host != NULL) {
		if (p->host_len >= sizeof(out->registry))
			return ae_fail(err, AE_EINVAL,
				       "registry name too long");
		memcpy(out->registry, p->host, p->host_len);
		out->registry[p->host_len] = '\0';
		if (p->path_len >= sizeof(out->repo))
			return ae_fail(err, AE_EINVAL, "repository too long");
		memcpy(out->repo, p->path, p->path_len);
		out->repo[p->path_len] = '\0';
	} else {
		bool bare = memchr(p->path, '/', p->path_len) == NULL;
		memcpy(out->registry, "docker.io", sizeof("docker.io"));
		if (p->path_len + 8 >= sizeof(out->repo))
			return ae_fail(err, AE_EINVAL, "repository too long");
		snprintf(out->repo, sizeof(out->repo), "%s%.*s",
			 bare ? "library/" : "", (int)p->path_len, p->path);
	}
	if (!ref_registry_ok(out->registry))
		return ae_fail(err, AE_EINVAL, "invalid registry host");
	if (!ref_repo_ok(out->repo))
		return ae_fail(err, AE_EINVAL,
			       "invalid repository name (lowercase "
			       "[a-z0-9] components joined by . _ __ -)");
	return 0;
}

/* The "@digest" and ":tag" of the split reference (a ':' after the last
 * '/': a registry port is no tag). */
static int ref_split_suffixes(oci_ref *out, const ae_imgref *p, ae_err *err)
{
	if (p->digest != NULL) {
		if (!ae_imgref_pinned(p))
			return ae_fail(err, AE_EINVAL,
				       "digest must be sha256: + 64 "
				       "lowercase hex");
		memcpy(out->digest, p->digest, AE_DIGEST_STR_LEN);
	}
	if (p->tag != NULL) {
		bool slash = p->host != NULL ||
			     memchr(p->path, '/', p->path_len) != NULL;
		bool valid = p->tag_len < sizeof(out->tag);
		if (valid) {
			memcpy(out->tag, p->tag, p->tag_len);
			out->tag[p->tag_len] = '\0';
			valid = oci_tag_is_valid(out->tag);
		}
		if (!valid) {
			out->tag[0] = '\0';
			/* "name:tag" with no slash: a Docker Hub library
			 * image */
			return ae_fail(err, AE_EINVAL,
				       slash ? "invalid tag (want "
					       "[A-Za-z0-9_][A-Za-z0-9._-]{0,"
					       "127})"
					     : "invalid tag");
		}
	}
	return 0;
}

int oci_ref_parse(oci_ref *out, const char *s, ae_err *err)
{
	char buf[OCI_REF_MAX + 1];
	ae_imgref p;
	size_t n;
	int rc;

	memset(out, 0, sizeof(*out));
	if (s == NULL)
		return ae_fail(err, AE_EINVAL, "empty reference");
	if (strncmp(s, "oci://", 6) == 0)
		s += 6;
	n = strlen(s);
	if (n == 0)
		return ae_fail(err, AE_EINVAL, "empty reference");
	if (n > OCI_REF_MAX)
		return ae_fail(err, AE_ETOOBIG,
			       "reference is %zu bytes, cap %d", n,
			       OCI_REF_MAX);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
			return ae_fail(err, AE_EINVAL,
				       "reference holds a space or non-ASCII "
				       "byte");
	memcpy(buf, s, n + 1);
	ae_imgref_split(&p, buf);
	rc = ref_split_suffixes(out, &p, err);
	if (rc == 0)
		rc = ref_split_name(out, &p, err);
	if (rc < 0)
		memset(out, 0, sizeof(*out));
	return rc;
}

bool oci_ref_is_pinned(const oci_ref *ref)
{
	return ref->digest[0] != '\0';
}

int oci_ref_require_pinned(const oci_ref *ref, bool allow_unpinned, ae_err *err)
{
	if (oci_ref_is_pinned(ref) || allow_unpinned)
		return 0;
	return ae_fail(err, AE_EINVAL,
		       "tag-only reference refused: pin it with @sha256:... or "
		       "pass --allow-unpinned-tag");
}

int oci_ref_format(char *out, size_t outsz, const oci_ref *ref, ae_err *err)
{
	int n = snprintf(out, outsz, "%s/%s%s%s%s%s", ref->registry, ref->repo,
			 ref->tag[0] ? ":" : "", ref->tag,
			 ref->digest[0] ? "@" : "", ref->digest);

	if (n < 0 || (size_t)n >= outsz)
		return ae_fail(err, AE_ETOOBIG, "reference does not fit");
	return 0;
}
