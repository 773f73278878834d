/* SPDX-License-Identifier: Apache-2.0 */
/* jw: Jaro and Jaro-Winkler similarity of byte strings, bit-parallel up to 64 bytes. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "match/match.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/*
 * The definition followed is jellyfish's (and the plain loop this file
 * started from): the match window is max(alen, blen) / 2 - 1, floored at 0;
 * each character of a takes the first unmatched equal character of b inside
 * its window; t is half the number of matched positions whose characters
 * differ, rounded down; Jaro = (m/alen + m/blen + (m - t)/m) / 3. Two empty
 * strings are equal (1.0), one empty string matches nothing (0.0).
 *
 * The greedy matching is symmetric: for one character value the windows are
 * intervals whose ends both grow with the position, so taking a's positions
 * in order and giving each the first free b position flags the same
 * positions on both sides as doing it from b's side. That lets the fast path
 * put the shorter string s in machine words and walk the longer one, l:
 *
 *   pm[c]   bit i set when s[i] == c            (one word per byte value)
 *   win     bits of s inside l[j]'s window      (a band that slides left)
 *   avail   bits of s not matched yet
 *
 *   l[j] matches s at the lowest set bit of  x = pm[l[j]] & win & avail
 *
 * Keeping the available bits rather than the matched ones shortens the chain
 * one iteration waits for to four operations (and, neg, and, xor: no
 * and-not without BMI), and the window is one loop, grown by one bit while
 * j < w and shifted afterwards, with no branch on either.
 *
 * Matched bytes of l are written down in order as they are found (there
 * are at most 64), so transpositions are counted by walking sflag's set
 * bits against that list, without flags for l: l may be of any length.
 */

/*
 * pm lives in thread-local storage and is all zero between calls: each call
 * sets the words of the bytes of s and clears them again before returning,
 * which is cheaper than clearing 2 KiB per comparison.
 */
static _Thread_local uint64_t pm_tls[256];

static double jaro_from(size_t m, size_t t, size_t alen, size_t blen)
{
	double md = (double)m;
	/* t / 2 rounds down on purpose: transpositions are counted so (as jellyfish does), and
	 * the tables below are made the same way. NOLINTNEXTLINE(bugprone-integer-division) */
	return (md / (double)alen + md / (double)blen + (md - (double)(t / 2)) / md) / 3.0;
}

/* s is the shorter string, 1 <= n <= 64, n <= ln. */
static double jaro_bits(const unsigned char *s, size_t n, const unsigned char *l, size_t ln)
{
	uint64_t *pm = pm_tls;
	size_t w = ln / 2 > 0 ? ln / 2 - 1 : 0;
	for (size_t i = 0; i < n; i++)
		pm[s[i]] |= (uint64_t)1 << i;
	uint64_t win = w >= 63 ? ~(uint64_t)0 : ((uint64_t)1 << (w + 1)) - 1;
	uint64_t all = n == 64 ? ~(uint64_t)0 : ((uint64_t)1 << n) - 1;
	uint64_t avail = all;
	unsigned char lm[65]; /* one spare: written before m is known to grow */
	size_t m = 0;
	size_t end = n + w < ln ? n + w : ln; /* beyond, the window has left s */
	for (size_t j = 0; j < end; j++) {
		uint64_t x = pm[l[j]] & win & avail;
		avail ^= x & (0 - x); /* no branch: whether l[j] matches is unpredictable */
		lm[m] = l[j];
		m += x != 0;
		win = (win << 1) | (uint64_t)(j < w);
	}
	uint64_t sflag = avail ^ all;
	size_t t = 0;
	/* sflag has m bits, so k < m: lm[k] was written (the analysers cannot count bits). */
	for (size_t k = 0; sflag; k++, sflag &= sflag - 1)
		/* cppcheck-suppress uninitvar
		 * NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult) */
		t += s[__builtin_ctzll(sflag)] != lm[k];
	for (size_t i = 0; i < n; i++)
		pm[s[i]] = 0;
	if (m == 0)
		return 0.0;
	return jaro_from(m, t, n, ln);
}

#if defined(__SSE2__)
/*
 * The short path (the longer string l of at most 32 bytes: almost every
 * token and most full names) walks the shorter string s instead and keeps
 * l in one or two SSE2 registers; by the symmetry above that flags the same
 * positions. Per byte of s, the bits of l equal to it come from one compare
 * with a broadcast of the byte (bcast, a constant table: one load) and a
 * movemask, so there is no table to set up and clear per call, and the loop
 * runs n times rather than up to n + w. The three divisions of jaro_from are
 * looked up in tables of the same quotients, folded by the compiler with the
 * same IEEE division, so the results stay bit-identical (tests/unit/match
 * compares with a plain reference; bench/match with jellyfish).
 *
 * Measured on the 20,000 pairs of bench/match (one core, same run): the
 * table path 13.8M pairs/s; registers and walking l's side 15.4M; walking s
 * with l in registers 17.3M; quotient tables 18.0M; reading l without a
 * memcpy into a padded buffer 19.5M.
 */
/* Table generators: every argument is an integer constant in an initializer list. */
/* NOLINTBEGIN(bugprone-macro-parentheses) */
#define B1(c) {c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c}
#define B4(c) B1(c), B1(c + 1), B1(c + 2), B1(c + 3)
#define B16(c) B4(c), B4(c + 4), B4(c + 8), B4(c + 12)
#define B64(c) B16(c), B16(c + 16), B16(c + 32), B16(c + 48)
static const unsigned char bcast[256][16] __attribute__((aligned(16))) = {B64(0), B64(64), B64(128),
                                                                           B64(192)};

/* qt[m][l] = m / l and rt[m][h] = (m - h) / m, as jaro_from computes them. */
#define QD(m, l) ((l) ? (double)(m) / (double)(l) : 0.0)
#define Q8(m, l)                                                                                   \
	QD(m, l), QD(m, l + 1), QD(m, l + 2), QD(m, l + 3), QD(m, l + 4), QD(m, l + 5), QD(m, l + 6), \
	    QD(m, l + 7)
#define QROW(m) {QD(m, 0), Q8(m, 1), Q8(m, 9), Q8(m, 17), Q8(m, 25)}
#define RD(m, h) ((m) ? ((double)(m) - (double)(h)) / (double)(m) : 0.0)
#define R8(m, h)                                                                                   \
	RD(m, h), RD(m, h + 1), RD(m, h + 2), RD(m, h + 3), RD(m, h + 4), RD(m, h + 5), RD(m, h + 6), \
	    RD(m, h + 7)
#define RROW(m) {R8(m, 0), R8(m, 8), RD(m, 16)}
#define ROWS4(R, m) R(m), R(m + 1), R(m + 2), R(m + 3)
#define ROWS33(R)                                                                                  \
	ROWS4(R, 0), ROWS4(R, 4), ROWS4(R, 8), ROWS4(R, 12), ROWS4(R, 16), ROWS4(R, 20), ROWS4(R, 24), \
	    ROWS4(R, 28), R(32)
/* NOLINTEND(bugprone-macro-parentheses) */
static const double qt[33][33] = {ROWS33(QROW)};
static const double rt[33][17] = {ROWS33(RROW)};

static inline uint64_t load8(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static inline uint64_t load4(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/*
 * The first ln bytes of l (1 <= ln <= 16) then zeros, without reading past
 * l's end: two overlapping loads of 8 (or 4) bytes, the second shifted down
 * by the overlap; one to three bytes one by one.
 */
static inline __m128i load_short(const unsigned char *l, size_t ln)
{
	uint64_t lo, hi = 0;
	if (ln >= 8) {
		lo = load8(l);
		if (ln > 8)
			hi = load8(l + ln - 8) >> (8 * (16 - ln));
	} else if (ln >= 4) {
		lo = load4(l) | (load4(l + ln - 4) >> (8 * (8 - ln))) << 32;
	} else {
		lo = (uint64_t)l[0] | (uint64_t)l[ln / 2] << (8 * (ln / 2)) |
		     (uint64_t)l[ln - 1] << (8 * (ln - 1));
	}
	return _mm_set_epi64x((long long)hi, (long long)lo);
}

/*
 * s the shorter string, 1 <= n <= ln <= 32; two: ln > 16. With two, l0 holds
 * l[0..16) and l1 l[ln-16..ln): bit k of l1's mask is position ln - 16 + k,
 * and the positions both registers hold give the same bit twice.
 */
static inline double jaro_sse(const unsigned char *s, size_t n, const unsigned char *l, size_t ln,
                              int two)
{
	__m128i l0, l1;
	unsigned sh = 0;
	if (two) {
		l0 = _mm_loadu_si128((const __m128i *)(const void *)l);
		l1 = _mm_loadu_si128((const __m128i *)(const void *)(l + ln - 16));
		sh = (unsigned)(ln - 16);
	} else {
		l0 = l1 = load_short(l, ln);
	}
	size_t w = ln / 2 > 0 ? ln / 2 - 1 : 0;
	uint64_t win = ((uint64_t)1 << (w + 1)) - 1;
	uint64_t all = ((uint64_t)1 << ln) - 1; /* also masks the zeros after l */
	uint64_t avail = all;
	unsigned char sm[32];
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		__m128i c = _mm_load_si128((const __m128i *)(const void *)bcast[s[i]]);
		uint64_t eq = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(l0, c));
		if (two)
			eq |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(l1, c)) << sh;
		uint64_t x = eq & win & avail;
		avail ^= x & (0 - x);
		sm[m] = s[i];
		m += x != 0;
		win = (win << 1) | (uint64_t)(i < w);
	}
	uint64_t lflag = avail ^ all;
	size_t t = 0;
	/* lflag has m bits, so k < m: sm[k] was written. */
	for (size_t k = 0; lflag; k++, lflag &= lflag - 1)
		/* NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult) */
		t += l[__builtin_ctzll(lflag)] != sm[k];
	/* m == 0 gives (0 + 0 + 0) / 3 = 0.0 from the tables' first rows, without a branch. */
	return (qt[m][n] + qt[m][ln] + rt[m][t / 2]) / 3.0;
}
#endif

/*
 * Both strings longer than 64 bytes: the plain loop, with matched flags as
 * bit sets (on the stack up to 2048 bytes each, allocated beyond). Returns
 * 0.0 only if that allocation fails.
 */
static double jaro_long(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen)
{
	uint64_t stack[64];
	size_t aw = (alen + 63) / 64, bw = (blen + 63) / 64;
	uint64_t *af = stack, *heap = NULL;
	if (aw + bw > sizeof(stack) / sizeof(stack[0])) {
		heap = calloc(aw + bw, sizeof(uint64_t));
		if (!heap)
			return 0.0;
		af = heap;
	} else {
		memset(stack, 0, (aw + bw) * sizeof(uint64_t));
	}
	uint64_t *bf = af + aw;
	size_t longer = alen > blen ? alen : blen;
	size_t w = longer / 2 > 0 ? longer / 2 - 1 : 0;
	size_t m = 0;
	for (size_t i = 0; i < alen; i++) {
		size_t lo = i > w ? i - w : 0;
		size_t hi = i + w + 1 < blen ? i + w + 1 : blen;
		for (size_t j = lo; j < hi; j++) {
			if (a[i] == b[j] && !(bf[j / 64] >> (j % 64) & 1)) {
				af[i / 64] |= (uint64_t)1 << (i % 64);
				bf[j / 64] |= (uint64_t)1 << (j % 64);
				m++;
				break;
			}
		}
	}
	size_t t = 0;
	if (m) {
		size_t k = 0;
		for (size_t i = 0; i < alen; i++) {
			if (!(af[i / 64] >> (i % 64) & 1))
				continue;
			while (!(bf[k / 64] >> (k % 64) & 1))
				k++;
			t += a[i] != b[k];
			k++;
		}
	}
	free(heap);
	return m ? jaro_from(m, t, alen, blen) : 0.0;
}

double cu_jaro(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen == 0 && blen == 0)
		return 1.0;
	if (alen == 0 || blen == 0)
		return 0.0;
	const unsigned char *ua = (const unsigned char *)a, *ub = (const unsigned char *)b;
	const unsigned char *s = ua, *l = ub;
	size_t n = alen, ln = blen;
	if (alen > blen) {
		s = ub, l = ua;
		n = blen, ln = alen;
	}
#if defined(__SSE2__)
	if (ln <= 16)
		return jaro_sse(s, n, l, ln, 0);
	if (ln <= 32)
		return jaro_sse(s, n, l, ln, 1);
#endif
	if (n <= 64)
		return jaro_bits(s, n, l, ln);
	return jaro_long(ua, alen, ub, blen);
}

double cu_jaro_winkler(const char *a, size_t alen, const char *b, size_t blen)
{
	double j = cu_jaro(a, alen, b, blen);
	if (j <= 0.7)
		return j;
	size_t l = 0, max = alen < blen ? alen : blen;
	if (max > 4)
		max = 4;
	while (l < max && a[l] == b[l])
		l++;
	return j + (double)l * 0.1 * (1.0 - j);
}
