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
 */
#include "evidence/core/ae.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Temps alive at once: one per writer, and a few per worker thread. */
#define TMP_SLOTS 64
/* Longest registered name; a longer one is not registered (its writer
 * still removes it on an ordinary failure). */
#define TMP_NAME_MAX 4096
/* Nesting removed below a registered directory (pull's DIR is two deep,
 * a cache's blobs/sha256 three). */
#define TMP_TREE_DEPTH 16

enum { SLOT_FREE, SLOT_FILLING, SLOT_LIVE };

struct tmp_slot {
	atomic_int state;
	int dirfd;
	bool tree;
	char name[TMP_NAME_MAX];
};

static struct tmp_slot tmp_slots[TMP_SLOTS];

int ae_tmp_register(int dirfd, const char *name, bool tree)
{
	size_t n = strlen(name);

	if (n == 0 || n >= TMP_NAME_MAX)
		return -1;
	for (int i = 0; i < TMP_SLOTS; i++) {
		int want = SLOT_FREE;
		if (!atomic_compare_exchange_strong(&tmp_slots[i].state, &want,
						    SLOT_FILLING))
			continue;
		tmp_slots[i].dirfd = dirfd;
		tmp_slots[i].tree = tree;
		memcpy(tmp_slots[i].name, name, n + 1);
		atomic_store(&tmp_slots[i].state, SLOT_LIVE);
		return i;
	}
	return -1;
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
		if (atomic_load(&s->state) != SLOT_LIVE)
			continue;
		if (s->tree)
			tmp_remove_tree(s->dirfd, s->name, TMP_TREE_DEPTH);
		else
			unlinkat(s->dirfd, s->name, 0);
	}
}
