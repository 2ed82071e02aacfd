/* allowlist/allowlist.h -- the trust root: load, validate, classify
 *
 * The allowlist (`recipes/evidence/allowlist.yaml`, SPEC §3, reference §3)
 * names the signers whose evidence counts: first-party CI workflows by an
 * anchored identityPattern, community and partner signers by their 32-hex
 * source slug, never by a cleartext identity. This module loads it
 * strictly (unknown keys, above all `identity:`, are errors), checks every
 * rule of reference §3 and reports all broken rules at once, and classifies
 * a signer. It never reads pointers or verifies signatures: callers pass
 * the (verified or claimed) issuer and identity. It never includes ledger/.
 *
 * identityPattern dialect: the reference's, Go's regexp, matched by RE2
 * itself against the whole identity (ae_re_*), under rules that keep a
 * pattern's reach obvious (allowlist/pattern.c, docs/formats.md).
 */
#ifndef AE_ALLOWLIST_H
#define AE_ALLOWLIST_H

#include "evidence/core/ae.h"

#include <stdbool.h>
#include <stddef.h>

/* Read cap for the allowlist file (reference §0). */
#define AL_MAX_BYTES (1u << 20)
/* Entries across all classes: a trust root is reviewed by people; more
 * than this is a mistake or an attack on the checker's time. */
#define AL_MAX_ENTRIES 4096
/* Bytes of one identityPattern. */
#define AL_PATTERN_MAX 1024
/* RE2 instructions of all patterns together: a pull request that edits
 * the allowlist must not buy minutes of compiling or gigabytes (4096
 * entries of RE2's largest programs would). Each pattern also has RE2's
 * own budget, AE_RE_MAX_MEM; one that exceeds it is charged
 * AL_PATTERN_TOOBIG_COST, about what that budget holds, so refusals are
 * bounded too. Real patterns cost tens to a few thousand. */
#define AL_PATTERNS_MAX_COST   2000000
#define AL_PATTERN_TOOBIG_COST 400000
/* Where the allowlist lives in a repository (reference §0). */
#define AL_DEFAULT_PATH "recipes/evidence/allowlist.yaml"

/* Classes, as classify returns them. AL_CLASS_NONE: not listed -- the
 * signer's evidence is *reported*, never corroborates (SPEC §3). */
typedef enum al_class {
	AL_CLASS_NONE = 0,
	AL_CLASS_FIRST_PARTY,
	AL_CLASS_COMMUNITY,
	AL_CLASS_PARTNER,
} al_class;

/* "first-party", "community", "partner" (reference §3.1) or "not listed".
 * Cannot fail. */
const char *al_class_name(al_class c);

/* One entry, as plain data owned by its list. Exactly one of `source` and
 * `identity_pattern` is set; `label` may be NULL. */
typedef struct al_entry {
	al_class cls;
	size_t index; /* position within its class's list */
	size_t line;  /* 1-based line of the entry in the file */
	const char *label;
	const char *issuer;
	const char *source;	      /* community, partner: 32 lowercase hex */
	const char *identity_pattern; /* first-party: anchored pattern */
} al_entry;

/* Problems (every broken rule) are an ae_problems list (evidence/core/ae.h),
 * each message "line N: <class>[i].<field>: <why>". */

/* A loaded, valid allowlist with its patterns compiled. */
typedef struct al_list al_list;

/* Loads and validates an allowlist from (buf, len), appending every broken
 * rule to `problems` (docs/formats.md lists them). Returns 0 when it could
 * decide; AE_ERR only for out of memory. `*out` is the list when no
 * problem was found, NULL otherwise: an invalid trust root is never used.
 * An empty document is a valid, empty allowlist (reference §3.1). */
int al_list_check(al_list **out, ae_problems *problems,
		  const unsigned char *buf, size_t len, ae_err *err);

/* Like al_list_check but any problem is an error: AE_EINVAL (AE_ETOOBIG
 * for a cap) with the first problem, "(+N more)" when there are more;
 * `*out` NULL then. */
int al_list_parse(al_list **out, const unsigned char *buf, size_t len,
		  ae_err *err);

/* Reads `name` (relative to `dirfd` or AT_FDCWD) with ae_read_file
 * (O_NOFOLLOW, regular file, AL_MAX_BYTES) and parses it strictly. Codes of
 * ae_read_file and al_list_parse. */
int al_list_load(al_list **out, int dirfd, const char *name, ae_err *err);

/* Frees a list; NULL is a no-op. */
void al_list_free(al_list *l);

/* Number of entries, all classes, in file order. Cannot fail. */
size_t al_list_count(const al_list *l);

/* Entry `i` (< al_list_count), borrowed until the list is freed; NULL past
 * the end. Cannot fail. */
const al_entry *al_list_entry(const al_list *l, size_t i);

/* Classifies a signer as the reference's Classify does (§4.1): first the
 * slug entries -- community or partner, whose source equals the signer's
 * slug, SHA-256(issuer "\n" identity), which already binds the issuer, so
 * the entry's `issuer` field is not compared -- then the first-party
 * entries whose issuer equals `issuer` exactly and whose pattern matches
 * the *whole* identity, as Go's regexp would (RE2; malformed UTF-8 read
 * as U+FFFD). A signer listed both ways is therefore community or partner.
 * `*class_out` is AL_CLASS_NONE and `*label_out` NULL when nothing
 * matches; otherwise `*label_out` is the entry's label (borrowed; may be
 * NULL). AE_EINVAL when issuer or identity is empty, AE_ERR out of
 * memory. */
int al_list_classify(al_class *class_out, const char **label_out,
		     const al_list *l, const char *issuer, const char *identity,
		     ae_err *err);

/* What `allowlist check` prints of the list read from `path`
 * (allowlist/render.c, docs/cli.md), appended to `out`: each problem as a
 * "path: message" line, or "path: valid allowlist: N first-party, ..."
 * when there is none; with `json`, the problems as an array of {path,
 * line, message}. AE_ERR out of memory, AE_ETOOBIG past the cap. */
int al_report_render(ae_buf *out, const char *path, const ae_problems *pr,
		     const al_list *l, bool json, ae_err *err);
/* What `allowlist classify` prints of one signer: the class name (or
 * "not listed (reported only: never corroborates)") and the label, ended
 * by `end` ('\n', or '\0' for -z); or the JSON object {issuer, identity,
 * listed, class, label}. Failures as al_report_render. */
int al_class_render_text(ae_buf *out, al_class cls, const char *label, char end,
			 ae_err *err);
int al_class_render_json(ae_buf *out, const char *issuer, const char *identity,
			 al_class cls, const char *label, ae_err *err);

#endif /* AE_ALLOWLIST_H */
