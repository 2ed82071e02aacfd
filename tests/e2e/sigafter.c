/* tests/e2e/sigafter.c -- an LD_PRELOAD shim for test_interrupt_window.sh
 *
 * Sends the process the signal AE_SIGAFTER (a number) from the calling
 * thread right after the first call that creates a file or directory
 * (mkostemp, mkdtemp, mkdir, mkdirat, openat with O_CREAT|O_EXCL) whose
 * path holds AE_SIGAFTER_MATCH has succeeded: the moment between making a
 * temp and registering it for removal, which an interrupt otherwise hits
 * only by chance.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int sigafter_fired;

static void sigafter(const char *path, int made)
{
	const char *match = getenv("AE_SIGAFTER_MATCH");
	const char *sig = getenv("AE_SIGAFTER");

	if (!made || path == NULL || match == NULL || sig == NULL ||
	    strstr(path, match) == NULL ||
	    __atomic_exchange_n(&sigafter_fired, 1, __ATOMIC_SEQ_CST))
		return;
	raise(atoi(sig));
}

int mkostemp(char *tmpl, int flags)
{
	int (*real)(char *, int) =
		(int (*)(char *, int))dlsym(RTLD_NEXT, "mkostemp");
	int fd = real(tmpl, flags);

	sigafter(tmpl, fd >= 0);
	return fd;
}

char *mkdtemp(char *tmpl)
{
	char *(*real)(char *) = (char *(*)(char *))dlsym(RTLD_NEXT, "mkdtemp");
	char *r = real(tmpl);

	sigafter(tmpl, r != NULL);
	return r;
}

int mkdir(const char *path, mode_t mode)
{
	int (*real)(const char *, mode_t) =
		(int (*)(const char *, mode_t))dlsym(RTLD_NEXT, "mkdir");
	int r = real(path, mode);

	sigafter(path, r == 0);
	return r;
}

int mkdirat(int dirfd, const char *path, mode_t mode)
{
	int (*real)(int, const char *, mode_t) =
		(int (*)(int, const char *, mode_t))dlsym(RTLD_NEXT, "mkdirat");
	int r = real(dirfd, path, mode);

	sigafter(path, r == 0);
	return r;
}

int openat(int dirfd, const char *path, int flags, ...)
{
	int (*real)(int, const char *, int, ...) =
		(int (*)(int, const char *, int, ...))dlsym(RTLD_NEXT,
							    "openat");
	mode_t mode = 0;
	va_list ap;
	int fd;

	if (flags & (O_CREAT | __O_TMPFILE)) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	fd = real(dirfd, path, flags, mode);
	sigafter(path, fd >= 0 && (flags & O_CREAT) && (flags & O_EXCL));
	return fd;
}
