/* SPDX-License-Identifier: Apache-2.0 */
/* jw: Jaro and Jaro-Winkler similarity of byte strings, bit-parallel up to 64 bytes. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "match/match.h"

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
	for (size_t k = 0; sflag; k++, sflag &= sflag - 1)
		t += s[__builtin_ctzll(sflag)] != lm[k];
	for (size_t i = 0; i < n; i++)
		pm[s[i]] = 0;
	if (m == 0)
		return 0.0;
	return jaro_from(m, t, n, ln);
}

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
	if (alen <= blen) {
		if (alen <= 64)
			return jaro_bits(ua, alen, ub, blen);
	} else if (blen <= 64) {
		return jaro_bits(ub, blen, ua, alen);
	}
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
