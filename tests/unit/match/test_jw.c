/* SPDX-License-Identifier: Apache-2.0 */
/* match tests: cu_jaro and cu_jaro_winkler against jellyfish's vectors and a plain reference. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "match/match.h"

/*
 * The reference: Jaro as jellyfish and the textbook write it, a's
 * characters in order each taking the first free equal character of b in
 * the window, flags in plain arrays. Kept deliberately naive, so that the
 * bit-parallel path in jw.c (which walks the longer string instead) is
 * checked against something obviously right.
 */
static double ref_jaro(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen)
{
	if (alen == 0 && blen == 0)
		return 1.0;
	if (alen == 0 || blen == 0)
		return 0.0;
	size_t longer = alen > blen ? alen : blen;
	size_t w = longer / 2 > 0 ? longer / 2 - 1 : 0;
	char *af = calloc(alen, 1), *bf = calloc(blen, 1);
	assert_non_null(af);
	assert_non_null(bf);
	size_t m = 0;
	for (size_t i = 0; i < alen; i++) {
		for (size_t j = i > w ? i - w : 0; j < blen && j <= i + w; j++) {
			if (!bf[j] && a[i] == b[j]) {
				af[i] = bf[j] = 1;
				m++;
				break;
			}
		}
	}
	size_t t = 0, k = 0;
	for (size_t i = 0; i < alen; i++) {
		if (!af[i])
			continue;
		while (!bf[k])
			k++;
		if (a[i] != b[k])
			t++;
		k++;
	}
	free(af);
	free(bf);
	if (m == 0)
		return 0.0;
	double md = (double)m;
	return (md / (double)alen + md / (double)blen + (md - (double)(t / 2)) / md) / 3.0;
}

static double ref_jw(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen)
{
	double j = ref_jaro(a, alen, b, blen);
	if (j <= 0.7)
		return j;
	size_t l = 0, max = alen < blen ? alen : blen;
	if (max > 4)
		max = 4;
	while (l < max && a[l] == b[l])
		l++;
	return j + (double)l * 0.1 * (1.0 - j);
}

/* ---- jellyfish's vectors ------------------------------------------------ */

/* One CSV field (RFC 4180 quoting) from *p into out; advances *p past the comma. */
static void csv_field(const char **p, char *out, size_t outsz)
{
	const char *s = *p;
	size_t n = 0;
	if (*s == '"') {
		s++;
		while (*s && !(*s == '"' && s[1] != '"')) {
			if (*s == '"')
				s++;
			if (n + 1 < outsz)
				out[n++] = *s;
			s++;
		}
		if (*s == '"')
			s++;
	} else {
		while (*s && *s != ',' && *s != '\n' && *s != '\r') {
			if (n + 1 < outsz)
				out[n++] = *s;
			s++;
		}
	}
	out[n] = 0;
	if (*s == ',')
		s++;
	*p = s;
}

/* Decodes UTF-8 (the vectors are valid UTF-8) into code points; returns the count. */
static size_t utf8_decode(uint32_t *out, size_t max, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = 0;
	while (*u && n < max) {
		uint32_t c = *u;
		int more = c < 0x80 ? 0 : c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3;
		if (more)
			c &= 0x3f >> more;
		u++;
		while (more-- > 0 && *u)
			c = c << 6 | (*u++ & 0x3f);
		out[n++] = c;
	}
	return n;
}

/*
 * jellyfish compares code points, cu_jaro bytes. Rows that are not ASCII
 * are compared on code points: each distinct code point of the pair is
 * given its own byte, which keeps every equality and inequality Jaro looks
 * at, so the byte-wise result is exactly jellyfish's code-point result.
 */
static size_t to_symbols(unsigned char *sa, size_t *alen, unsigned char *sb, size_t *blen,
                         const char *a, const char *b)
{
	uint32_t ca[256], cb[256], seen[256];
	size_t na = utf8_decode(ca, 256, a), nb = utf8_decode(cb, 256, b), ns = 0;
	for (size_t side = 0; side < 2; side++) {
		const uint32_t *c = side ? cb : ca;
		unsigned char *o = side ? sb : sa;
		size_t n = side ? nb : na;
		for (size_t i = 0; i < n; i++) {
			size_t k = 0;
			while (k < ns && seen[k] != c[i])
				k++;
			if (k == ns)
				seen[ns++] = c[i];
			o[i] = (unsigned char)(k + 1);
		}
	}
	*alen = na;
	*blen = nb;
	return ns;
}

typedef double (*jfn)(const char *, size_t, const char *, size_t);

static void check_vectors(const char *file, jfn fn)
{
	char path[4096], line[1024], a[256], b[256], want[64];
	const char *shared = getenv("CU_SHARED");
	snprintf(path, sizeof(path), "%s/testdata/names/jellyfish/%s", shared ? shared : "../shared",
	         file);
	FILE *f = fopen(path, "r");
	if (!f)
		fail_msg("cannot read %s (set CU_SHARED)", path);
	int rows = 0, bad = 0;
	while (fgets(line, sizeof(line), f)) {
		const char *p = line;
		csv_field(&p, a, sizeof(a));
		csv_field(&p, b, sizeof(b));
		csv_field(&p, want, sizeof(want));
		if (!want[0])
			continue;
		double w = strtod(want, NULL), got;
		bool ascii = true;
		for (const char *s = line; *s; s++)
			ascii = ascii && (unsigned char)*s < 0x80;
		if (ascii) {
			got = fn(a, strlen(a), b, strlen(b));
		} else {
			unsigned char sa[256], sb[256];
			size_t alen, blen;
			to_symbols(sa, &alen, sb, &blen, a, b);
			got = fn((const char *)sa, alen, (const char *)sb, blen);
		}
		/* jellyfish's tests compare after rounding to 3 places. */
		if (fabs(round(got * 1000) / 1000 - w) > 1e-9) {
			print_error("%s: %s ~ %s = %.6f, jellyfish %s\n", file, a, b, got, want);
			bad++;
		}
		rows++;
	}
	fclose(f);
	assert_true(rows >= 5);
	assert_int_equal(bad, 0);
}

static void test_match_jw__jellyfish_jaro(void **state)
{
	(void)state;
	check_vectors("jaro_distance.csv", cu_jaro);
}

static void test_match_jw__jellyfish_jaro_winkler(void **state)
{
	(void)state;
	check_vectors("jaro_winkler.csv", cu_jaro_winkler);
}

/* ---- known values and edges -------------------------------------------- */

static void test_match_jw__edges(void **state)
{
	(void)state;
	assert_true(cu_jaro("", 0, "", 0) == 1.0);
	assert_true(cu_jaro("a", 1, "", 0) == 0.0);
	assert_true(cu_jaro("", 0, "a", 1) == 0.0);
	assert_true(cu_jaro_winkler("", 0, "abc", 3) == 0.0);
	assert_true(cu_jaro("abc", 3, "abc", 3) == 1.0);
	assert_true(cu_jaro("abc", 3, "xyz", 3) == 0.0);
	/* Window 0 for lengths up to 3: "ab" and "ba" share nothing in place. */
	assert_true(cu_jaro("ab", 2, "ba", 2) == 0.0);
	/* martha / marhta: m = 6, t = 1 (2 mismatches halved). */
	assert_true(fabs(cu_jaro("martha", 6, "marhta", 6) - 17.0 / 18.0) < 1e-15);
	assert_true(fabs(cu_jaro_winkler("martha", 6, "marhta", 6) - 0.9611111111111111) < 1e-12);
	/* NUL and high bytes are ordinary bytes. */
	assert_true(cu_jaro("a\0b", 3, "a\0b", 3) == 1.0);
	assert_true(cu_jaro("\xff\x80", 2, "\xff\x80", 2) == 1.0);
	assert_true(cu_jaro("\xff", 1, "\x7f", 1) == 0.0);
	/* The Winkler boost needs Jaro above 0.7 and stops at 4 bytes of prefix. */
	double j = cu_jaro("abcdefgh", 8, "abcdefgx", 8);
	assert_true(cu_jaro_winkler("abcdefgh", 8, "abcdefgx", 8) == j + 4 * 0.1 * (1 - j));
}

/* Lengths around the one-word limit and far beyond it (names of 10,000 bytes). */
static void test_match_jw__any_length(void **state)
{
	(void)state;
	static const size_t lens[] = {1, 2, 3, 31, 32, 33, 63, 64, 65, 66, 100, 128, 129, 1000, 10000};
	size_t nl = sizeof(lens) / sizeof(lens[0]);
	unsigned char *a = malloc(10000), *b = malloc(10000);
	assert_non_null(a);
	assert_non_null(b);
	uint64_t x = 12345;
	for (size_t i = 0; i < nl; i++) {
		for (size_t k = 0; k < nl; k++) {
			for (size_t q = 0; q < lens[i]; q++) {
				x = x * 6364136223846793005ULL + 1442695040888963407ULL;
				a[q] = (unsigned char)('a' + (x >> 33) % 6);
			}
			for (size_t q = 0; q < lens[k]; q++) {
				x = x * 6364136223846793005ULL + 1442695040888963407ULL;
				/* b mostly copies a, so that long pairs do match. */
				b[q] = q < lens[i] && (x >> 40) % 8 ? a[q] : (unsigned char)('a' + (x >> 33) % 6);
			}
			double want = ref_jaro(a, lens[i], b, lens[k]);
			double got = cu_jaro((const char *)a, lens[i], (const char *)b, lens[k]);
			if (got != want)
				fail_msg("lengths %zu, %zu: %.17g, reference %.17g", lens[i], lens[k], got, want);
		}
	}
	/* Identical 10,000-byte strings. */
	assert_true(cu_jaro((const char *)a, 10000, (const char *)a, 10000) == 1.0);
	free(a);
	free(b);
}

/*
 * The bit-parallel path at its limits: a shorter string of exactly 64 bytes
 * (every bit of the word in use), repeated letters (one byte value with
 * many bits), reversed order (every match a transposition) and a window
 * wider than the word; calling twice in a row checks that the per-thread
 * table is left clean between calls.
 */
static void test_match_jw__full_word(void **state)
{
	(void)state;
	unsigned char a[200], b[200];
	for (size_t i = 0; i < 200; i++) {
		a[i] = (unsigned char)('a' + i % 7);
		b[i] = (unsigned char)('a' + (199 - i) % 7);
	}
	static const size_t la[] = {63, 64, 64, 64, 64, 1, 64};
	static const size_t lb[] = {64, 64, 65, 127, 200, 64, 1};
	for (size_t k = 0; k < sizeof(la) / sizeof(la[0]); k++) {
		for (int rep = 0; rep < 2; rep++) {
			double want = ref_jw(a, la[k], b, lb[k]);
			double got = cu_jaro_winkler((const char *)a, la[k], (const char *)b, lb[k]);
			if (got != want)
				fail_msg("lengths %zu, %zu: %.17g, reference %.17g", la[k], lb[k], got, want);
			want = ref_jw(a, la[k], a, lb[k]);
			got = cu_jaro_winkler((const char *)a, la[k], (const char *)a, lb[k]);
			if (got != want)
				fail_msg("prefix, lengths %zu, %zu: %.17g, reference %.17g", la[k], lb[k], got,
				         want);
		}
	}
	/* A 64-byte string of one letter against itself and a shifted copy. */
	memset(a, 'x', 64);
	assert_true(cu_jaro((const char *)a, 64, (const char *)a, 64) == 1.0);
	assert_true(cu_jaro((const char *)a, 64, (const char *)a + 1, 63) ==
	            ref_jaro(a, 64, a + 1, 63));
}

/*
 * Random pairs: lengths 0..140 (one word, one string above 64 bytes, both
 * above), alphabets from 2 bytes (many repeats: the greedy choices matter)
 * to all 256, and pairs made by editing one string into the other (high
 * similarity, transpositions). Results must be bit-identical.
 */
static void test_match_jw__random_equals_reference(void **state)
{
	(void)state;
	static const unsigned alpha[] = {2, 3, 4, 8, 26, 256};
	unsigned char a[160], b[160];
	uint64_t x = 0x9e3779b97f4a7c15ULL;
#define RND() (x ^= x << 13, x ^= x >> 7, x ^= x << 17, x)
	long n = 0;
	for (int round = 0; round < 200000; round++) {
		unsigned al = alpha[RND() % 6];
		size_t cap = RND() % 4 == 0 ? 140 : 20;
		size_t alen = RND() % (cap + 1), blen;
		for (size_t i = 0; i < alen; i++)
			a[i] = (unsigned char)(RND() % al);
		if (RND() % 2) {
			blen = RND() % (cap + 1);
			for (size_t i = 0; i < blen; i++)
				b[i] = (unsigned char)(RND() % al);
		} else { /* edits of a: swaps, substitutions, deletions, insertions */
			memcpy(b, a, alen);
			blen = alen;
			int edits = (int)(RND() % 4);
			for (int e = 0; e < edits && blen > 1; e++) {
				size_t p = RND() % (blen - 1);
				switch (RND() % 4) {
				case 0: {
					unsigned char c = b[p];
					b[p] = b[p + 1];
					b[p + 1] = c;
					break;
				}
				case 1:
					b[p] = (unsigned char)(RND() % al);
					break;
				case 2:
					memmove(b + p, b + p + 1, blen - p - 1);
					blen--;
					break;
				default:
					if (blen < sizeof(b)) {
						memmove(b + p + 1, b + p, blen - p);
						b[p] = (unsigned char)(RND() % al);
						blen++;
					}
				}
			}
		}
		double wj = ref_jaro(a, alen, b, blen), ww = ref_jw(a, alen, b, blen);
		double gj = cu_jaro((const char *)a, alen, (const char *)b, blen);
		double gw = cu_jaro_winkler((const char *)a, alen, (const char *)b, blen);
		double sj = cu_jaro((const char *)b, blen, (const char *)a, alen);
		if (gj != wj || gw != ww || sj != wj)
			fail_msg("round %d (lengths %zu, %zu, alphabet %u): jaro %.17g/%.17g reversed %.17g, "
			         "reference %.17g; jw %.17g, reference %.17g",
			         round, alen, blen, al, gj, sj, wj, gw, ww);
		n++;
	}
#undef RND
	assert_int_equal(n, 200000);
}

/*
 * The SSE2 path (the longer string up to 32 bytes) reads its string with
 * overlapping loads: every pair of lengths 1..34, each string at the very
 * end of its own allocation (so that ASan sees any read past it) and at
 * its start, with zero bytes in the strings (the registers are padded with
 * zeros, which must not match) and a 2-letter alphabet (many repeats).
 */
static void test_match_jw__short_lengths_in_bounds(void **state)
{
	(void)state;
	uint64_t x = 0x2545f4914f6cdd1dULL;
	for (size_t alen = 1; alen <= 34; alen++) {
		for (size_t blen = 1; blen <= 34; blen++) {
			for (int rep = 0; rep < 8; rep++) {
				unsigned char *a = malloc(alen), *b = malloc(blen);
				assert_non_null(a);
				assert_non_null(b);
				unsigned al = rep % 2 ? 2 : 256;
				for (size_t i = 0; i < alen; i++) {
					x ^= x << 13, x ^= x >> 7, x ^= x << 17;
					a[i] = (unsigned char)(x % al);
				}
				for (size_t i = 0; i < blen; i++) {
					x ^= x << 13, x ^= x >> 7, x ^= x << 17;
					b[i] = rep >= 4 && i < alen && x % 4 ? a[i] : (unsigned char)(x % al);
				}
				double want = ref_jw(a, alen, b, blen);
				double got = cu_jaro_winkler((const char *)a, alen, (const char *)b, blen);
				double rev = cu_jaro_winkler((const char *)b, blen, (const char *)a, alen);
				if (got != want || rev != want)
					fail_msg("lengths %zu, %zu: %.17g / %.17g, reference %.17g", alen, blen,
					         got, rev, want);
				free(a);
				free(b);
			}
		}
	}
	/* Zero bytes: "\0" is not "\0\0"'s padding, and equal zero bytes do match. */
	assert_true(cu_jaro("\0", 1, "ab", 2) == 0.0);
	assert_true(cu_jaro("\0\0", 2, "abcdefghijklmnopq", 17) == 0.0);
	assert_true(cu_jaro("\0", 1, "\0", 1) == 1.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match_jw__jellyfish_jaro),
		cmocka_unit_test(test_match_jw__jellyfish_jaro_winkler),
		cmocka_unit_test(test_match_jw__edges),
		cmocka_unit_test(test_match_jw__any_length),
		cmocka_unit_test(test_match_jw__full_word),
		cmocka_unit_test(test_match_jw__random_equals_reference),
		cmocka_unit_test(test_match_jw__short_lengths_in_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
