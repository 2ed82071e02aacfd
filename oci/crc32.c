/* oci/crc32.c -- the gzip CRC-32 (zlib's crc32) at memory speed
 *
 * zlib 1.2.13 computes a gzip member's CRC-32 eight bytes at a time from
 * tables: about 2 GB/s on the machines we measured, a tenth of the CPU of
 * a fresh 100 MiB pull (tests/bench/README.md). x86-64 processors since
 * 2010 multiply without carries (PCLMULQDQ), which folds the message 64
 * bytes per step (Intel, "Fast CRC Computation for Generic Polynomials
 * Using PCLMULQDQ Instruction", 2009; the constants are those of the
 * reflected gzip polynomial 0xEDB88320). The result is zlib's, byte for
 * byte (tests/unit/test_oci.c compares every length and alignment up to a
 * few hundred bytes and long random buffers). Elsewhere, and for what is
 * left under 16 bytes, zlib's crc32_z.
 */
#include "oci/internal.h"

#include <zlib.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define CRC_CLMUL 1
#endif

#ifdef CRC_CLMUL

/* a * k.low ^ a_high * k.high, the 128-bit fold by the distance k encodes,
 * xored into b */
__attribute__((target("pclmul,sse4.1"))) static __m128i
crc_fold16(__m128i a, __m128i b, __m128i k)
{
	__m128i lo = _mm_clmulepi64_si128(a, k, 0x00);
	__m128i hi = _mm_clmulepi64_si128(a, k, 0x11);

	return _mm_xor_si128(_mm_xor_si128(lo, hi), b);
}

/* The CRC register (no inversions) after n bytes at p, n >= 64 and a
 * multiple of 16. */
__attribute__((target("pclmul,sse4.1"))) static uint32_t
crc_clmul(uint32_t crc, const unsigned char *p, size_t n)
{
	/* x^(4*128+32) and x^(4*128-32) mod P: folds 512 bits ahead */
	const __m128i k12 = _mm_set_epi64x(0x1c6e41596, 0x154442bd4);
	/* x^(128+32) and x^(128-32) mod P: folds 128 bits ahead */
	const __m128i k34 = _mm_set_epi64x(0x0ccaa009e, 0x1751997d0);
	/* x^64 mod P, for the last 64 -> 32 bit fold */
	const __m128i k5 = _mm_set_epi64x(0, 0x163cd6124);
	/* Barrett reduction: floor(x^64 / P) and P, bit-reflected */
	const __m128i bar = _mm_set_epi64x(0x1f7011641, 0x1db710641);
	const __m128i m32 = _mm_set_epi32(0, 0, 0, -1);
	const __m128i *v = (const __m128i *)(const void *)p;
	__m128i x1, x2, x3, x4, t;

	x1 = _mm_xor_si128(_mm_loadu_si128(v), _mm_cvtsi32_si128((int)crc));
	x2 = _mm_loadu_si128(v + 1);
	x3 = _mm_loadu_si128(v + 2);
	x4 = _mm_loadu_si128(v + 3);
	v += 4;
	n -= 64;
	for (; n >= 64; n -= 64, v += 4) {
		x1 = crc_fold16(x1, _mm_loadu_si128(v), k12);
		x2 = crc_fold16(x2, _mm_loadu_si128(v + 1), k12);
		x3 = crc_fold16(x3, _mm_loadu_si128(v + 2), k12);
		x4 = crc_fold16(x4, _mm_loadu_si128(v + 3), k12);
	}
	x1 = crc_fold16(x1, x2, k34);
	x1 = crc_fold16(x1, x3, k34);
	x1 = crc_fold16(x1, x4, k34);
	for (; n >= 16; n -= 16, v++)
		x1 = crc_fold16(x1, _mm_loadu_si128(v), k34);
	/* 128 -> 64 bits (and 32 zero bits appended) */
	t = _mm_clmulepi64_si128(x1, k34, 0x10);
	x1 = _mm_xor_si128(_mm_srli_si128(x1, 8), t);
	/* 64 -> 32 bits */
	t = _mm_srli_si128(x1, 4);
	x1 = _mm_clmulepi64_si128(_mm_and_si128(x1, m32), k5, 0x00);
	x1 = _mm_xor_si128(x1, t);
	/* Barrett: 64 -> 32 bits */
	t = x1;
	x1 = _mm_clmulepi64_si128(_mm_and_si128(x1, m32), bar, 0x10);
	x1 = _mm_clmulepi64_si128(_mm_and_si128(x1, m32), bar, 0x00);
	x1 = _mm_xor_si128(x1, t);
	return (uint32_t)_mm_extract_epi32(x1, 1);
}

/* libgcc reads the processor's features once, before main */
static bool crc_have_clmul(void)
{
	return __builtin_cpu_supports("pclmul") &&
	       __builtin_cpu_supports("sse4.1");
}

#endif /* CRC_CLMUL */

uint32_t oci__crc32(uint32_t crc, const void *buf, size_t len)
{
	const unsigned char *p = buf;

#ifdef CRC_CLMUL
	if (len >= 64 && crc_have_clmul()) {
		size_t n = len & ~(size_t)15;

		crc = ~crc_clmul(~crc, p, n);
		p += n;
		len -= n;
	}
#endif
	return (uint32_t)crc32_z(crc, p, len);
}
