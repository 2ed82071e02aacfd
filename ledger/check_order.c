/* ledger/check_order.c -- reading the pointers in (reverse) pack order
 *
 * Git stores most pointers of a ledger as deltas of one another, in chains
 * up to 50 deep, and libgit2 rebuilds an object by walking its chain down
 * to a base held in its delta-base cache. The tree lists pointers by name,
 * which has nothing to do with the chains, so an audit reading in tree
 * order rebuilds long chains again and again (issue 7: 15% more
 * instructions for the reads of the 100,000-pointer bench ledger than in
 * pack order). In a pack a delta follows its base, and libgit2 caches the
 * objects a rebuild passes through but not the one it returns: read from
 * the end of the pack backwards, the first read of a chain leaves every
 * object above it in the cache, and the next reads find themselves there
 * (38% fewer instructions for the reads of a 20,000-pointer ledger than
 * in forward pack order: most deltas were inflated twice).
 *
 * So before the pool starts, the jobs are sorted by where their blobs sit
 * in the repository's packs, as the pack indexes say (git's .idx version
 * 2: magic, version, 256-entry fanout, sorted object ids, CRCs, 31-bit
 * offsets, 64-bit offsets, two checksums). The order is a hint and
 * nothing more: a blob in no index read (loose, in an alternate, in an
 * index past the caps or not understood) keeps its tree order after the
 * others, and no finding depends on the order -- each worker's findings
 * are merged back in path order.
 */
#include "ledger/internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define IDX_HEADER  8u			 /* magic + version */
#define IDX_FANOUT  (IDX_HEADER + 1024u) /* end of the fanout table */
#define IDX_OID	    20u		   /* SHA-1 ids: libgit2 1.5 reads no other */
#define IDX_TRAILER (2u * IDX_OID) /* pack and index checksums */

static uint32_t order_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

int ld__pack_idx_open(ld__pack_idx *out, const unsigned char *data, size_t len,
		      ae_err *err)
{
	static const unsigned char magic[8] = {0xff, 't', 'O', 'c', 0, 0, 0, 2};
	uint32_t prev = 0, n;
	size_t fixed;

	memset(out, 0, sizeof(*out));
	if (len < IDX_FANOUT + IDX_TRAILER || memcmp(data, magic, 8) != 0)
		return ae_fail(err, AE_EINVAL, "not a version 2 pack index");
	for (size_t i = 0; i < 256; i++) {
		uint32_t f = order_be32(data + IDX_HEADER + 4 * i);
		if (f < prev)
			return ae_fail(err, AE_EINVAL,
				       "pack index fanout decreases");
		prev = f;
	}
	n = prev;
	/* Ids, CRCs and offsets take 28 bytes an object; the rest is the
	 * 64-bit offset table and the trailer. 28 * 2^32 fits size_t. */
	fixed = IDX_FANOUT + (size_t)n * (IDX_OID + 8) + IDX_TRAILER;
	if (len < fixed || (len - fixed) % 8 != 0)
		return ae_fail(err, AE_EINVAL,
			       "pack index of %u objects has %zu bytes", n,
			       len);
	out->data = data;
	out->n = n;
	out->large = (len - fixed) / 8;
	return 0;
}

/* The offset recorded at position `i`; -1 when it names a 64-bit entry
 * that the index lacks. */
static int64_t order_offset_at(const ld__pack_idx *idx, uint32_t i)
{
	const unsigned char *offs =
		idx->data + IDX_FANOUT + (size_t)idx->n * (IDX_OID + 4);
	const unsigned char *large = offs + (size_t)idx->n * 4;
	uint32_t o = order_be32(offs + (size_t)i * 4);
	uint64_t v;

	if ((o & 0x80000000u) == 0)
		return o;
	o &= 0x7fffffffu;
	if (o >= idx->large)
		return -1;
	v = (uint64_t)order_be32(large + (size_t)o * 8) << 32 |
	    order_be32(large + (size_t)o * 8 + 4);
	return v > INT64_MAX ? -1 : (int64_t)v;
}

int64_t ld__pack_idx_offset(const ld__pack_idx *idx, const unsigned char id[20])
{
	const unsigned char *ids = idx->data + IDX_FANOUT;
	uint32_t lo, hi;

	lo = id[0] ? order_be32(idx->data + IDX_HEADER + 4 * (id[0] - 1u)) : 0;
	hi = order_be32(idx->data + IDX_HEADER + 4 * (size_t)id[0]);
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = memcmp(ids + (size_t)mid * IDX_OID, id, IDX_OID);
		if (c == 0)
			return order_offset_at(idx, mid);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* ---- sorting the jobs ---- */

typedef struct order_key {
	uint64_t key; /* pack number << 48 | offset; UINT64_MAX: unknown */
	size_t job;   /* index in tree order: the tie-break */
} order_key;

/* Packs in turn, each from its last entry back; unknown places last. */
static int order_cmp(const void *a, const void *b)
{
	const order_key *x = a, *y = b;

	if (x->key != y->key) {
		if (x->key == UINT64_MAX || y->key == UINT64_MAX)
			return x->key < y->key ? -1 : 1;
		if (x->key >> 48 != y->key >> 48)
			return x->key < y->key ? -1 : 1;
		return x->key > y->key ? -1 : 1;
	}
	if (x->job != y->job)
		return x->job < y->job ? -1 : 1;
	return 0;
}

static bool order_is_idx(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && name[0] != '.' && strcmp(name + n - 4, ".idx") == 0;
}

/* Gives each job the position of its blob in the index `name` of
 * `dirfd`, pack number `pack`, unless an earlier pack placed it. An index
 * that cannot be read or understood places nothing. */
static void order_from_idx(order_key *keys, const ld__jobs *jobs, int dirfd,
			   const char *name, uint64_t pack)
{
	ae_buf buf = AE_BUF_INIT(LD__PACK_IDX_MAX);
	ld__pack_idx idx;

	if (ae_read_file(&buf, dirfd, name, LD__PACK_IDX_MAX, NULL) < 0 ||
	    ld__pack_idx_open(&idx, buf.data, buf.len, NULL) < 0) {
		ae_buf_dispose(&buf);
		return;
	}
	for (size_t i = 0; i < jobs->n; i++) {
		int64_t off;
		if (keys[i].key != UINT64_MAX)
			continue;
		off = ld__pack_idx_offset(&idx, jobs->v[i].entry->oid.id);
		if (off >= 0 && off < ((int64_t)1 << 48))
			keys[i].key = pack << 48 | (uint64_t)off;
	}
	ae_buf_dispose(&buf);
}

/* Maps the pack file `name` (an index's name, .idx) of `dirfd` into
 * `m`; leaves it unmapped when that fails (no hints from that pack). */
static void order_map_pack(ld__pack_map *m, int dirfd, const char *name)
{
	char pack[256];
	size_t n = strlen(name);
	struct stat sb;
	void *map;
	int fd;

	if (n - 4 + sizeof(".pack") > sizeof(pack))
		return;
	memcpy(pack, name, n - 4);
	memcpy(pack + n - 4, ".pack", sizeof(".pack"));
	fd = openat(dirfd, pack, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0 &&
	    (uint64_t)sb.st_size <= SIZE_MAX) {
		map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd,
			   0);
		if (map != MAP_FAILED) {
			m->map = map;
			m->len = (size_t)sb.st_size;
		}
	}
	close(fd);
}

/* Keys every job from the indexes in objects/pack, and maps the packs
 * behind them; false when there is no pack directory. */
static bool order_keys(order_key *keys, const ld__jobs *jobs, ld__packs *packs,
		       git_repository *repo)
{
	git_buf dir = GIT_BUF_INIT;
	struct dirent *de;
	DIR *d = NULL;
	uint64_t pack = 0;
	int fd = -1;

	if (git_repository_item_path(&dir, repo, GIT_REPOSITORY_ITEM_OBJECTS) ==
	    0) {
		int objfd = open(dir.ptr, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (objfd >= 0) {
			fd = openat(objfd, "pack",
				    O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					    O_CLOEXEC);
			close(objfd);
		}
	}
	git_buf_dispose(&dir);
	git_error_clear();
	if (fd < 0)
		return false;
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return false;
	}
	while (pack < LD__PACK_IDX_FILES && (de = readdir(d)) != NULL) {
		if (!order_is_idx(de->d_name))
			continue;
		order_from_idx(keys, jobs, dirfd(d), de->d_name, pack);
		order_map_pack(&packs->v[pack], dirfd(d), de->d_name);
		packs->n = (size_t)++pack;
	}
	closedir(d);
	return pack > 0;
}

void ld__jobs_pack_order(ld__jobs *jobs, ld__packs *packs, git_repository *repo)
{
	order_key *keys = NULL;
	ld__job *v = NULL;

	if (jobs->n < LD__PACK_ORDER_MIN)
		return;
	keys = malloc(jobs->n * sizeof(*keys));
	v = malloc(jobs->n * sizeof(*v));
	if (keys == NULL || v == NULL)
		goto done;
	for (size_t i = 0; i < jobs->n; i++) {
		keys[i].key = UINT64_MAX;
		keys[i].job = i;
	}
	if (!order_keys(keys, jobs, packs, repo))
		goto done;
	qsort(keys, jobs->n, sizeof(*keys), order_cmp);
	for (size_t i = 0; i < jobs->n; i++) {
		v[i] = jobs->v[keys[i].job];
		if (keys[i].key != UINT64_MAX) {
			v[i].pack = (uint32_t)(keys[i].key >> 48);
			v[i].offset = keys[i].key & (((uint64_t)1 << 48) - 1);
		}
	}
	free(jobs->v);
	jobs->v = v;
	jobs->alloc = jobs->n;
	v = NULL;
done:
	free(keys);
	free(v);
}
