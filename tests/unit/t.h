/* tests/unit/t.h -- the in-tree unit test harness
 *
 * A case is `void test_<module>__<sentence>(void)`; the runner finds cases by
 * name (gen-cases.sh), runs each in its own process (so a crash or a leak
 * under LeakSanitizer fails that case alone), with optional
 * `test_<module>__initialize` / `__cleanup` around each case of the module.
 * Assertions stop the case at the first failure.
 */
#ifndef AE_TESTS_T_H
#define AE_TESTS_T_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

void t_fail_at(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));

/* A fresh directory for this case, removed after it. */
const char *t_tmpdir(void);
/* Joins t_tmpdir() and `name` into one of 8 rotating static buffers (valid
 * for the next 7 calls). */
const char *t_path(const char *name);
/* Writes `len` bytes to `path` (plain write, for fixtures). */
void t_write_file(const char *path, const void *data, size_t len);
/* How much slower than native the run is allowed to be: AE_TEST_SLOW
 * (1..1000, default 1), as the e2e scripts' t_secs; `make valgrind` sets
 * it. A time bound is multiplied by it, never dropped. */
double t_slow(void);

#define T_ASSERT(cond)                                                         \
	do {                                                                   \
		if (!(cond))                                                   \
			t_fail_at(__FILE__, __LINE__, "assertion failed: %s",  \
				  #cond);                                      \
	} while (0)

#define T_ASSERT_INT(got, want)                                                \
	do {                                                                   \
		long long t_g_ = (long long)(got), t_w_ = (long long)(want);   \
		if (t_g_ != t_w_)                                              \
			t_fail_at(__FILE__, __LINE__, "%s == %lld, want %lld", \
				  #got, t_g_, t_w_);                           \
	} while (0)

#define T_ASSERT_STR(got, want)                                                \
	do {                                                                   \
		const char *t_g_ = (got), *t_w_ = (want);                      \
		if (t_g_ == NULL || strcmp(t_g_, t_w_) != 0)                   \
			t_fail_at(__FILE__, __LINE__, "%s == \"%s\", want \"%s\"", \
				  #got, t_g_ ? t_g_ : "(null)", t_w_);         \
	} while (0)

/* The error message must contain `needle`. */
#define T_ASSERT_MSG(err, needle)                                              \
	do {                                                                   \
		if (strstr((err).msg, (needle)) == NULL)                       \
			t_fail_at(__FILE__, __LINE__,                          \
				  "message \"%s\" lacks \"%s\"", (err).msg,    \
				  (needle));                                   \
	} while (0)

#endif
