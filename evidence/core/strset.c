/* evidence/core/strset.c -- a set of borrowed strings, for duplicate checks
 *
 * The YAML readers refuse a mapping that repeats a key. Looking each new key
 * up in the keys seen so far is quadratic: a 99,000-key mapping took 79 s
 * (issue 24). This set makes the check linear: open addressing over
 * borrowed pointers, doubled at half load. The hash is SipHash-1-3 under a
 * key drawn once per process, so a document cannot be built to collide
 * (hash flooding would make it quadratic again).
 */
#include "evidence/core/ae.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define STRSET_MIN_CAP 32 /* slots of a fresh table (a power of two) */

static uint64_t strset_k0, strset_k1;
static pthread_once_t strset_once = PTHREAD_ONCE_INIT;

/* Draws the hash key. getrandom() cannot fail for 16 bytes once the pool is
 * up; should it, the clock still differs per process, which is all the
 * flooding defence needs from a key nobody else sees. */
static void strset_seed(void)
{
	uint64_t k[2] = {0, 0};
	struct timespec ts;

	if (getrandom(k, sizeof(k), 0) != (ssize_t)sizeof(k)) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		k[0] ^= (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull;
		k[1] ^= (uint64_t)ts.tv_sec ^ (uint64_t)(uintptr_t)&ts;
	}
	strset_k0 = k[0];
	strset_k1 = k[1];
}

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND(v0, v1, v2, v3)                                               \
	do {                                                                   \
		v0 += v1;                                                      \
		v1 = ROTL(v1, 13);                                             \
		v1 ^= v0;                                                      \
		v0 = ROTL(v0, 32);                                             \
		v2 += v3;                                                      \
		v3 = ROTL(v3, 16);                                             \
		v3 ^= v2;                                                      \
		v0 += v3;                                                      \
		v3 = ROTL(v3, 21);                                             \
		v3 ^= v0;                                                      \
		v2 += v1;                                                      \
		v1 = ROTL(v1, 17);                                             \
		v1 ^= v2;                                                      \
		v2 = ROTL(v2, 32);                                             \
	} while (0)

/* SipHash-1-3 of (s, n) under the process key (Aumasson and Bernstein;
 * the 1-3 rounds are those Rust and Python chose for hash tables). */
static uint64_t strset_hash(const char *s, size_t n)
{
	uint64_t v0 = strset_k0 ^ 0x736f6d6570736575ull;
	uint64_t v1 = strset_k1 ^ 0x646f72616e646f6dull;
	uint64_t v2 = strset_k0 ^ 0x6c7967656e657261ull;
	uint64_t v3 = strset_k1 ^ 0x7465646279746573ull;
	uint64_t b = (uint64_t)n << 56, m;
	const unsigned char *p = (const unsigned char *)s;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&m, p + i, 8); /* little-endian hosts only: a hash, not
					 a format, so the byte order is ours */
		v3 ^= m;
		SIPROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	for (size_t j = 0; i + j < n; j++)
		b |= (uint64_t)p[i + j] << (8 * j);
	v3 ^= b;
	SIPROUND(v0, v1, v2, v3);
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

/* The slot of `s`: where it is, or the empty slot where it would go. */
static size_t strset_slot(const ae_strset *set, const char *s)
{
	size_t mask = set->cap - 1;
	size_t i = (size_t)strset_hash(s, strlen(s)) & mask;

	while (set->slot[i] != NULL && strcmp(set->slot[i], s) != 0)
		i = (i + 1) & mask;
	return i;
}

/* Doubles the table (or makes the first). AE_ERR on out of memory, the set
 * unchanged. */
static int strset_grow(ae_strset *set, ae_err *err)
{
	ae_strset bigger = {NULL, 0, set->n};

	bigger.cap = set->cap ? set->cap * 2 : STRSET_MIN_CAP;
	if (bigger.cap < set->cap)
		return ae_fail(err, AE_ERR, "string set too large");
	bigger.slot = calloc(bigger.cap, sizeof(*bigger.slot));
	if (bigger.slot == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t i = 0; i < set->cap; i++) {
		if (set->slot[i] != NULL)
			bigger.slot[strset_slot(&bigger, set->slot[i])] =
				set->slot[i];
	}
	free(set->slot);
	*set = bigger;
	return 0;
}

int ae_strset_add(ae_strset *set, const char *s, ae_err *err)
{
	size_t i;
	int rc;

	AE_ASSERT_ARG(set != NULL && s != NULL, err);
	pthread_once(&strset_once, strset_seed);
	if (set->n + 1 > set->cap / 2) {
		rc = strset_grow(set, err);
		if (rc < 0)
			return rc;
	}
	i = strset_slot(set, s);
	if (set->slot[i] != NULL)
		return 0;
	set->slot[i] = s;
	set->n++;
	return 1;
}

bool ae_strset_has(const ae_strset *set, const char *s)
{
	if (set == NULL || set->cap == 0 || s == NULL)
		return false;
	return set->slot[strset_slot(set, s)] != NULL;
}

const char *ae_strset_get(const ae_strset *set, const char *s)
{
	if (set == NULL || set->cap == 0 || s == NULL)
		return NULL;
	return set->slot[strset_slot(set, s)];
}

void ae_strset_dispose(ae_strset *set)
{
	if (set == NULL)
		return;
	free(set->slot);
	set->slot = NULL;
	set->cap = 0;
	set->n = 0;
}
