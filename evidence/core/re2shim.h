/* evidence/core/re2shim.h -- the C face of evidence/core/re2.cc
 *
 * RE2 is a C++ library; re2.cc is the project's one C++ file and exposes
 * exactly these four calls, with plain C types and no exceptions crossing
 * the boundary. Only evidence/core/re.c includes this header: everyone
 * else uses ae_re_* (ae.h).
 */
#ifndef AE_CORE_RE2SHIM_H
#define AE_CORE_RE2SHIM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Why ae__re2_new failed. */
enum {
	AE__RE2_SYNTAX = 1, /* the pattern breaks RE2's syntax */
	AE__RE2_TOOBIG = 2, /* the program exceeds `max_mem` */
	AE__RE2_NOMEM = 3,  /* allocation failed */
};

/* Compiles (pat, len) with RE2 in the syntax and semantics of Go's regexp
 * (UTF-8; \d \w \s \b ASCII; ^ and $ at the ends of the text only unless
 * (?m); no captures) within `max_mem` bytes. Returns the handle, or NULL
 * with *code set and, for a syntax error, RE2's reason in `why` ("missing
 * )") and the piece of pattern it names in `arg` (both NUL-terminated, cut
 * at their sizes). */
void *ae__re2_new(int *code, char *why, size_t whysz, char *arg, size_t argsz,
		  const char *pat, size_t len, long max_mem);

/* Instructions in the compiled program: its cost in memory and time. */
size_t ae__re2_cost(const void *re);

/* 1 iff the whole of (s, len) matches, 0 if not, -1 when out of memory.
 * (s, len) must be valid UTF-8: re.c replaces malformed bytes first. */
int ae__re2_full_match(const void *re, const char *s, size_t len);

/* Frees a handle; NULL is a no-op. */
void ae__re2_free(void *re);

#ifdef __cplusplus
}
#endif

#endif /* AE_CORE_RE2SHIM_H */
