/* tests/unit/test_core_tmpreg.c -- temps removed on an interrupt
 * (evidence/core/tmpreg.c)
 *
 * Each case runs in a child the runner forked, so the slot table starts
 * empty and a case may install signal handlers of its own.
 */
#include "t.h"
#include "evidence/core/ae.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The entries of t_tmpdir()/sub, but "." and "..". */
static int tmpreg_count(const char *sub)
{
	DIR *d = opendir(t_path(sub));
	struct dirent *e;
	int n = 0;

	T_ASSERT(d != NULL);
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

static void tmpreg_sleep_ms(long ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&t, NULL);
}

struct tmpreg_maker {
	char tmp[4096];
	atomic_int made;
};

/* A writer in another thread: claims, makes its temp, is slow to end the
 * claim. */
static void *tmpreg_make_slowly(void *arg)
{
	struct tmpreg_maker *m = arg;
	ae_tmp_claim c;
	int fd;

	ae_tmp_claim_begin(&c);
	fd = mkostemp(m->tmp, O_CLOEXEC);
	atomic_store(&m->made, fd >= 0 ? 1 : -1);
	tmpreg_sleep_ms(150);
	(void)ae_tmp_claim_end(&c, AT_FDCWD, fd >= 0 ? m->tmp : NULL, false);
	if (fd >= 0)
		close(fd);
	return NULL;
}

/* The handler runs in whichever thread the kernel picks: while another
 * thread has made its temp but not yet ended its claim, removal waits
 * for the claim and then removes the temp (a handler that skipped a
 * claim in progress left it behind). */
void test_core_tmpreg__a_removal_waits_for_a_claim_in_another_thread(void)
{
	static struct tmpreg_maker m;
	pthread_t th;

	T_ASSERT_INT(mkdir(t_path("w"), 0700), 0);
	snprintf(m.tmp, sizeof(m.tmp), "%s/x.tmp-XXXXXX", t_path("w"));
	atomic_init(&m.made, 0);
	T_ASSERT_INT(pthread_create(&th, NULL, tmpreg_make_slowly, &m), 0);
	for (int i = 0; i < 5000 && atomic_load(&m.made) == 0; i++)
		tmpreg_sleep_ms(1);
	T_ASSERT_INT(atomic_load(&m.made), 1);
	T_ASSERT_INT(tmpreg_count("w"), 1);
	ae_tmp_remove_all(); /* what the handler calls */
	T_ASSERT_INT(tmpreg_count("w"), 0);
	T_ASSERT_INT(pthread_join(th, NULL), 0);
}

static void tmpreg_on_term(int sig)
{
	ae_tmp_remove_all();
	_exit(128 + sig);
}

/* An interrupt that comes between the creating call and the end of its
 * claim is taken at the end, with the temp registered: it is removed. */
void test_core_tmpreg__an_interrupt_mid_claim_is_taken_once_the_temp_is_registered(
	void)
{
	char tmp[4096];
	pid_t pid;
	int st = 0;

	T_ASSERT_INT(mkdir(t_path("w"), 0700), 0);
	snprintf(tmp, sizeof(tmp), "%s/x.tmp-XXXXXX", t_path("w"));
	pid = fork();
	T_ASSERT(pid >= 0);
	if (pid == 0) {
		ae_tmp_claim c;
		int fd;
		signal(SIGTERM, tmpreg_on_term);
		ae_tmp_claim_begin(&c);
		fd = mkostemp(tmp, O_CLOEXEC);
		raise(SIGTERM); /* held: this thread is mid-claim */
		(void)ae_tmp_claim_end(&c, AT_FDCWD, fd >= 0 ? tmp : NULL,
				       false);
		_exit(fd >= 0 ? 0 : 2); /* not reached if it was taken */
	}
	T_ASSERT_INT(waitpid(pid, &st, 0), pid);
	T_ASSERT(WIFEXITED(st));
	T_ASSERT_INT(WEXITSTATUS(st), 128 + SIGTERM);
	T_ASSERT_INT(tmpreg_count("w"), 0);
}

/* A claim gives the signal mask back as it found it, and one ended
 * without a temp (the creating call failed) frees its slot: a thousand
 * of them leave the table as empty as it was. */
void test_core_tmpreg__a_claim_restores_the_mask_and_frees_an_unused_slot(void)
{
	sigset_t before, after;
	ae_tmp_claim c;
	int slot;

	T_ASSERT_INT(pthread_sigmask(SIG_SETMASK, NULL, &before), 0);
	for (int i = 0; i < 1000; i++) {
		ae_tmp_claim_begin(&c);
		T_ASSERT_INT(ae_tmp_claim_end(&c, AT_FDCWD, NULL, false), -1);
	}
	T_ASSERT_INT(pthread_sigmask(SIG_SETMASK, NULL, &after), 0);
	for (int s = 1; s < 32; s++)
		T_ASSERT_INT(sigismember(&after, s), sigismember(&before, s));
	ae_tmp_claim_begin(&c);
	slot = ae_tmp_claim_end(&c, AT_FDCWD, "some-temp", false);
	T_ASSERT(slot >= 0);
	ae_tmp_forget(slot);
}
