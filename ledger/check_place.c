/* ledger/check_place.c -- rule 2: where a file may sit under the evidence
 * root
 *
 * The layout is closed (SPEC §5 rule 2): the root holds allowlist.yaml and
 * recipe directories, a recipe directory holds source directories, a source
 * directory holds pointer files named `sha256-<64 lowercase hex>.yaml`,
 * regular and not executable. Anything else anywhere is reported -- the
 * reference skips `.yml`, `.json` and sub-directories silently (reference
 * §10.1 rule 4, §14.2), which lets a PR smuggle content past review.
 * This file judges names and modes only; contents are check_pointer.c's.
 */
#include "ledger/internal.h"

#include <string.h>

#define PLACE_PREFIX "sha256-"
#define PLACE_SUFFIX ".yaml"

/* True iff `name` is exactly "sha256-" + 64 lowercase hex + ".yaml", the
 * only pointer file name (reference §1.4). Cannot fail. */
static bool place_name_is_pointer(const char *name)
{
	size_t plen = strlen(PLACE_PREFIX), slen = strlen(PLACE_SUFFIX);
	char hex[AE_SHA256_HEX_LEN + 1];

	if (strlen(name) != plen + AE_SHA256_HEX_LEN + slen)
		return false;
	if (strncmp(name, PLACE_PREFIX, plen) != 0 ||
	    strcmp(name + plen + AE_SHA256_HEX_LEN, PLACE_SUFFIX) != 0)
		return false;
	memcpy(hex, name + plen, AE_SHA256_HEX_LEN);
	hex[AE_SHA256_HEX_LEN] = '\0';
	return ae_is_lower_hex(hex, AE_SHA256_HEX_LEN);
}

static bool place_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Reports the first path element that is not one plain ASCII name (no
 * leading '.', no control bytes, STYLE §3.7). */
static int place_check_elements(bool *plain_out, ld_report *r,
				const char *shown, const char *rel,
				size_t order, ae_err *err)
{
	char elem[256];
	char repr[AE_REPR_BUF];
	const char *p = rel;

	*plain_out = true;
	while (*p != '\0') {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		bool ok = len > 0 && len < sizeof(elem);

		if (ok) {
			memcpy(elem, p, len);
			elem[len] = '\0';
			ok = ae_path_element_is_plain(elem);
		}
		if (!ok) {
			*plain_out = false;
			return ld__report_add_at(
				r, order, shown, LD_RULE_PLACEMENT, err,
				"path element %s is not a plain ASCII name",
				ae_repr(repr, sizeof(repr), p, len));
		}
		p += len;
		if (*p == '/')
			p++;
	}
	return 0;
}

/* Refuses entries that are not regular files: symlinks, submodules, and
 * trees left unwalked past the depth cap. Sets *done when it reported. */
static int place_check_kind(bool *done, ld_report *r, const char *shown,
			    uint32_t mode, size_t order, ae_err *err)
{
	const char *why = NULL;

	switch (mode) {
	case LD__MODE_LINK:
		why = "symlinks are not allowed under the evidence root";
		break;
	case LD__MODE_GITLINK:
		why = "submodules are not allowed under the evidence root";
		break;
	case LD__MODE_TREE:
		why = "unexpected sub-directory under <recipe>/<src>/: "
		      "pointers sit directly in the source directory";
		break;
	default:
		break;
	}
	*done = why != NULL;
	if (why == NULL)
		return 0;
	return ld__report_add_at(r, order, shown, LD_RULE_PLACEMENT, err, "%s",
				 why);
}

/* Splits rel into at most three elements; returns how many '/'-separated
 * elements it has. */
static size_t place_split(ld__loc *loc, const char *rel)
{
	const char *s1 = strchr(rel, '/'), *s2 = NULL;
	size_t n = 1;

	memset(loc, 0, sizeof(*loc));
	for (const char *p = rel; *p; p++)
		if (*p == '/')
			n++;
	if (n != 3 || s1 == NULL)
		return n;
	s2 = strchr(s1 + 1, '/');
	loc->recipe = rel;
	loc->recipe_len = (size_t)(s1 - rel);
	loc->src = s1 + 1;
	loc->src_len = (size_t)(s2 - (s1 + 1));
	loc->name = s2 + 1;
	return n;
}

/* True iff the source directory is a 32-lowercase-hex slug (SPEC §3).
 * Cannot fail. */
static bool place_src_is_slug(const ld__loc *loc)
{
	char src[33];

	if (loc->src_len != 32)
		return false;
	memcpy(src, loc->src, 32);
	src[32] = '\0';
	return ae_is_lower_hex(src, 32);
}

/* The rules for a file at <recipe>/<src>/<name>. */
static int place_check_leaf(ld__place *out, ld_report *r, const ld__loc *loc,
			    const char *shown, uint32_t mode, size_t order,
			    ae_err *err)
{
	char repr[AE_REPR_BUF];
	int rc = 0;

	*out = LD__PLACE_VIOLATION;
	if (!place_src_is_slug(loc))
		rc = ld__report_add_at(
			r, order, shown, LD_RULE_PLACEMENT, err,
			"source directory %s is not a 32-hex signer slug",
			ae_repr(repr, sizeof(repr), loc->src, loc->src_len));
	if (rc == 0 && !place_name_is_pointer(loc->name))
		rc = ld__report_add_at(
			r, order, shown, LD_RULE_PLACEMENT, err, "%s",
			place_ends_with(loc->name, PLACE_SUFFIX)
				? "pointer filename must be sha256-<64 "
				  "lowercase hex>.yaml"
				: "only sha256-<64 lowercase hex>.yaml pointer "
				  "files are allowed under <recipe>/<src>/");
	if (rc == 0 && mode != LD__MODE_BLOB)
		rc = ld__report_add_at(
			r, order, shown, LD_RULE_PLACEMENT, err,
			"pointer must be a regular file of mode 100644, not "
			"%06o%s",
			mode, mode == LD__MODE_EXEC ? " (executable)" : "");
	/* A .yaml file is read even when misnamed: its contents may show
	 * more problems, and the reviewer should see them all. */
	if (rc == 0 && place_ends_with(loc->name, PLACE_SUFFIX) &&
	    (mode == LD__MODE_BLOB || mode == LD__MODE_EXEC))
		*out = LD__PLACE_POINTER;
	return rc;
}

/* True iff some element of `rel` is read as .gitattributes by git on some
 * file system (check_fsck.c). Cannot fail. */
bool ld__path_has_gitattributes(const char *rel)
{
	for (const char *p = rel; *p != '\0';) {
		size_t n = strcspn(p, "/");
		if (ld__name_is_gitattributes(p, n))
			return true;
		p += n + (p[n] == '/');
	}
	return false;
}

int ld__place_check(ld__place *out, ld__loc *loc, ld_report *r,
		    const char *shown, const char *rel, uint32_t mode,
		    size_t order, ae_err *err)
{
	bool done = false, plain = true;
	size_t depth;
	int rc;

	AE_ASSERT_ARG(out && loc && r && shown && rel, err);
	*out = LD__PLACE_VIOLATION;
	depth = place_split(loc, rel);
	/* Attributes would change the bytes a checkout writes for the
	 * pointers beside it (issue 15): said first, as its own rule. */
	if (ld__path_has_gitattributes(rel))
		return ld__report_add_at(
			r, order, shown, LD_RULE_ATTRIBUTES, err,
			"a .gitattributes under the evidence root would change "
			"what a checkout writes for the pointers "
			"(working-tree-encoding, filter, eol, text): not "
			"allowed");
	rc = place_check_kind(&done, r, shown, mode, order, err);
	if (rc < 0 || done)
		return rc;
	rc = place_check_elements(&plain, r, shown, rel, order, err);
	if (rc < 0)
		return rc;
	if (depth == 1 && strcmp(rel, LD_CONTRACT_ALLOWLIST_NAME) == 0) {
		if (mode == LD__MODE_BLOB) {
			*out = LD__PLACE_ALLOWLIST;
			return 0;
		}
		return ld__report_add_at(r, order, shown, LD_RULE_PLACEMENT,
					 err,
					 "allowlist.yaml must be a regular "
					 "file of mode 100644");
	}
	if (depth == 1)
		return ld__report_add_at(
			r, order, shown, LD_RULE_PLACEMENT, err,
			"unexpected file at the evidence root: only "
			"allowlist.yaml and <recipe>/<src>/ directories belong "
			"here");
	if (depth == 2)
		return ld__report_add_at(
			r, order, shown, LD_RULE_PLACEMENT, err,
			"pointer must live under <recipe>/<src>/, not directly "
			"in the recipe directory");
	if (depth > 3)
		return ld__report_add_at(
			r, order, shown, LD_RULE_PLACEMENT, err,
			"unexpected sub-directory under <recipe>/<src>/: "
			"pointers sit directly in the source directory");
	rc = place_check_leaf(out, r, loc, shown, mode, order, err);
	if (rc == 0 && !plain)
		*out = LD__PLACE_VIOLATION;
	return rc;
}
