/* SPDX-License-Identifier: Apache-2.0 */
/* jw: Jaro and Jaro-Winkler similarity of byte strings. */
#include <stdbool.h>
#include <string.h>

#include "match/match.h"

double cu_jaro(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen == 0 && blen == 0)
		return 1.0;
	if (alen == 0 || blen == 0)
		return 0.0;
	size_t longer = alen > blen ? alen : blen;
	size_t window = longer / 2 > 0 ? longer / 2 - 1 : 0;
	bool am[256] = {0}, bm[256] = {0};
	if (alen > 256 || blen > 256)
		return 0.0;
	size_t matches = 0;
	for (size_t i = 0; i < alen; i++) {
		size_t lo = i > window ? i - window : 0;
		size_t hi = i + window + 1 < blen ? i + window + 1 : blen;
		for (size_t j = lo; j < hi; j++) {
			if (!bm[j] && a[i] == b[j]) {
				am[i] = bm[j] = true;
				matches++;
				break;
			}
		}
	}
	if (matches == 0)
		return 0.0;
	size_t t = 0, k = 0;
	for (size_t i = 0; i < alen; i++) {
		if (!am[i])
			continue;
		while (!bm[k])
			k++;
		if (a[i] != b[k])
			t++;
		k++;
	}
	double m = (double)matches;
	return (m / alen + m / blen + (m - (double)(t / 2)) / m) / 3.0;
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
