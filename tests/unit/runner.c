/* tests/unit/runner.c -- runs the unit cases, one process each
 *
 * usage: unit-tests [SUBSTRING]   runs the cases whose name contains it.
 * Prints "ok - <case>" or "FAIL - <case>: <why>", then
 * "unit: N passed, N failed".
 */
#include "t.h"

#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct t_case {
	const char *name;
	void (*fn)(void);
	void (*init)(void);
	void (*cleanup)(void);
};

#include "cases.h"

static char t_dir[4096];
/* A ring, so several t_path() results can be arguments of one call (the
 * order C evaluates them in is unspecified: gcc and clang differ). */
static char t_joined[8][8192];
static unsigned t_joined_next;

void t_fail_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "    %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	_exit(1);
}

const char *t_tmpdir(void)
{
	return t_dir;
}

const char *t_path(const char *name)
{
	char *out = t_joined[t_joined_next++ % 8];

	snprintf(out, sizeof(t_joined[0]), "%s/%s", t_dir, name);
	return out;
}

double t_slow(void)
{
	const char *v = getenv("AE_TEST_SLOW");
	char *end = NULL;
	long n = v != NULL ? strtol(v, &end, 10) : 1;

	if (v == NULL || end == v || *end != '\0' || n < 1 || n > 1000)
		return 1.0;
	return (double)n;
}

void t_write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		t_fail_at(__FILE__, __LINE__, "cannot write fixture %s", path);
}

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	chmod(path, 0700);
	remove(path);
	return 0;
}

static int run_case(const struct t_case *c)
{
	const char *base = getenv("TMPDIR");
	int status = 0;
	pid_t pid;

	snprintf(t_dir, sizeof(t_dir), "%s/ae-unit-XXXXXX", base ? base : "/tmp");
	if (mkdtemp(t_dir) == NULL) {
		fprintf(stderr, "mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (c->init)
			c->init();
		c->fn();
		if (c->cleanup)
			c->cleanup();
		exit(0); /* exit, not _exit: LeakSanitizer checks here */
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		status = 1;
	nftw(t_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	if (WIFSIGNALED(status)) {
		fprintf(stderr, "    killed by signal %d\n", WTERMSIG(status));
		return 1;
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	int passed = 0, failed = 0;

	for (const struct t_case *c = t_cases; c->name != NULL; c++) {
		if (filter && strstr(c->name, filter) == NULL)
			continue;
		if (run_case(c) == 0) {
			passed++;
			printf("ok - %s\n", c->name);
		} else {
			failed++;
			printf("FAIL - %s\n", c->name);
		}
	}
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
