/* SPDX-License-Identifier: Apache-2.0 */
/* ledger: C2SP tlog-tiles path encoding. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ledger/tiles.h"
#include "util/util.h"

static int bad(const char *path)
{
	return cu_error_set(CU_ENOTFOUND, "no tile \"%.80s\"", path);
}

/* A decimal without sign or leading zeros (but "0"), of at most 2 digits. */
static int small_number(int *out, const char *s, size_t n)
{
	if (n == 0 || n > 2 || (n > 1 && s[0] == '0'))
		return -1;
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int cu_tile_parse(cu_tile *out, const char *path)
{
	const char *p = path, *slash = strchr(p, '/');
	if (!slash)
		return bad(path);
	if ((size_t)(slash - p) == 7 && !strncmp(p, "entries", 7)) {
		out->level = -1;
	} else if (small_number(&out->level, p, (size_t)(slash - p)) != 0 || out->level > 63) {
		return bad(path);
	}
	p = slash + 1;
	out->n = 0;
	out->width = CU_TILE_WIDTH;
	for (;;) {
		bool more = p[0] == 'x';
		if (more)
			p++;
		if (!(p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9' && p[2] >= '0' &&
		      p[2] <= '9'))
			return bad(path);
		if (out->n > (INT64_MAX - 999) / 1000)
			return bad(path);
		out->n = out->n * 1000 + (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
		p += 3;
		/* A leading "x000" would give the tile a second path (0/x000/001 for
		 * 0/001), and any number of them: one path per tile, as formatted. */
		if (more && out->n == 0)
			return bad(path);
		if (more) {
			if (*p++ != '/')
				return bad(path);
			continue;
		}
		break;
	}
	if (*p == '\0')
		return 0;
	if (strncmp(p, ".p/", 3) != 0)
		return bad(path);
	p += 3;
	int w = 0;
	size_t n = strlen(p);
	if (n == 0 || n > 3 || p[0] == '0')
		return bad(path);
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return bad(path);
		w = w * 10 + (p[i] - '0');
	}
	if (w < 1 || w >= CU_TILE_WIDTH)
		return bad(path);
	out->width = w;
	return 0;
}

void cu_tile_format(char out[96], const cu_tile *t)
{
	int groups[8], ng = 0;
	int64_t n = t->n;
	do {
		groups[ng++] = (int)(n % 1000);
		n /= 1000;
	} while (n > 0 && ng < 8);
	char *o = out;
	size_t left = 96;
	int k = t->level < 0 ? snprintf(o, left, "entries/") : snprintf(o, left, "%d/", t->level);
	o += k, left -= (size_t)k;
	for (int i = ng - 1; i >= 0; i--) {
		k = snprintf(o, left, "%s%03d%s", i ? "x" : "", groups[i], i ? "/" : "");
		o += k, left -= (size_t)k;
	}
	if (t->width < CU_TILE_WIDTH)
		snprintf(o, left, ".p/%d", t->width);
}
