/* evidence/core/tmpreg.c -- temp files and directories removed on an
 * interrupt
 *
 * Every writer makes its output in a temp file or directory first (io.c,
 * oci/pull.c, evidence/emit.c) and removes it on any failure. A SIGINT or
 * SIGTERM is not a failure the writer sees: the process ends in the signal
 * handler. So each temp is registered here while it exists, and the
 * handler cmd/ installs calls ae_tmp_remove_all, which removes them with
 * async-signal-safe calls only (unlinkat, openat, getdents64, close). The
 * table is fixed (no allocation in a handler) and each slot is claimed with
 * an atomic exchange, so worker threads may register at the same time.
 *
 * A temp is claimed before it is made, not registered after: between the
 * creating call and its registration an interrupt would leave it behind
 * (CI saw a cache's *.tmp-* outlive a SIGTERM). From ae_tmp_claim_begin
 * to ae_tmp_claim_end the interrupt signals are held in the claiming
 * thread, so a handler never runs there mid-claim; a handler that runs in
 * another thread meanwhile waits for the claim to end (it is one creating
 * call) and then removes what it made.
 */
#include "evidence/core/ae.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Temps alive at once: one per writer, and a few per worker thread. */
#define TMP_SLOTS 64
/* Longest registered name; a longer one is not registered (its writer
 * still removes it on an ordinary failure). */
#define TMP_NAME_MAX 4096
/* Nesting removed below a registered directory (pull's DIR is two deep,
 * a cache's blobs/sha256 three). */
#define TMP_TREE_DEPTH 16
/* How long a handler waits for a claim in another thread to end: a claim
 * spans one creating call (mkdtemp, openat), so only a stalled file system
 * makes it give up and go on without that temp. */
#define TMP_CLAIM_WAIT_MS 2000

enum { SLOT_FREE, SLOT_FILLING, SLOT_LIVE };

struct tmp_slot {
	atomic_int state;
	int dirfd;
	bool tree;
	char name[TMP_NAME_MAX];
};

static struct tmp_slot tmp_slots[TMP_SLOTS];

/* ae.h keeps the mask as words (a public header must not need the POSIX
 * types): room enough for this system's sigset_t. */
_Static_assert(sizeof(sigset_t) <= sizeof(((ae_tmp_claim *)0)->held),
	       "ae_tmp_claim holds a sigset_t");

void ae_tmp_claim_begin(ae_tmp_claim *c)
{
	sigset_t hold, old;

	sigemptyset(&hold);
	sigaddset(&hold, SIGINT);
	sigaddset(&hold, SIGTERM);
	sigaddset(&hold, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &hold, &old);
	memcpy(c->held, &old, sizeof(old));
	c->slot = -1;
	for (int i = 0; i < TMP_SLOTS; i++) {
		int want = SLOT_FREE;
		if (atomic_compare_exchange_strong(&tmp_slots[i].state, &want,
						   SLOT_FILLING)) {
			c->slot = i;
			break;
		}
	}
}

int ae_tmp_claim_end(ae_tmp_claim *c, int dirfd, const char *name, bool tree)
{
	int slot = c->slot;
	size_t n = name != NULL ? strlen(name) : 0;
	sigset_t old;

	if (slot >= 0 && (n == 0 || n >= TMP_NAME_MAX)) {
		atomic_store(&tmp_slots[slot].state, SLOT_FREE);
		slot = -1;
	} else if (slot >= 0) {
		tmp_slots[slot].dirfd = dirfd;
		tmp_slots[slot].tree = tree;
		memcpy(tmp_slots[slot].name, name, n + 1);
		atomic_store(&tmp_slots[slot].state, SLOT_LIVE);
	}
	c->slot = -1;
	/* a signal that came meanwhile is taken here, with the temp live */
	memcpy(&old, c->held, sizeof(old));
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return slot;
}

void ae_tmp_forget(int slot)
{
	if (slot >= 0 && slot < TMP_SLOTS)
		atomic_store(&tmp_slots[slot].state, SLOT_FREE);
}

struct linux_dirent64 {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* Removes `name` in `dirfd` and, when it is a directory, all below it, up
 * to `depth` levels. Async-signal-safe; errors are ignored (best effort:
 * the process is ending). */
static void tmp_remove_tree(int dirfd, const char *name, int depth)
{
	char buf[4096];
	int fd;
	long n;

	if (unlinkat(dirfd, name, 0) == 0 || depth <= 0)
		return;
	fd = openat(dirfd, name,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	/* Entries removed while the directory is read may be skipped: read
	 * it again, a bounded number of times, until it can be removed. */
	for (int pass = 0; pass < 3; pass++) {
		lseek(fd, 0, SEEK_SET);
		while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) >
		       0) {
			for (long off = 0; off < n;) {
				struct linux_dirent64 *d = (void *)(buf + off);
				off += d->d_reclen;
				if (strcmp(d->d_name, ".") == 0 ||
				    strcmp(d->d_name, "..") == 0)
					continue;
				tmp_remove_tree(fd, d->d_name, depth - 1);
			}
		}
		if (unlinkat(dirfd, name, AT_REMOVEDIR) == 0)
			break;
	}
	close(fd);
}

void ae_tmp_remove_all(void)
{
	for (int i = 0; i < TMP_SLOTS; i++) {
		struct tmp_slot *s = &tmp_slots[i];
		for (int ms = 0; atomic_load(&s->state) == SLOT_FILLING &&
				 ms < TMP_CLAIM_WAIT_MS;
		     ms++) {
			struct timespec one = {0, 1000000};
			nanosleep(&one, NULL);
		}
		if (atomic_load(&s->state) != SLOT_LIVE)
			continue;
		if (s->tree)
			tmp_remove_tree(s->dirfd, s->name, TMP_TREE_DEPTH);
		else
			unlinkat(s->dirfd, s->name, 0);
	}
}
