/* SPDX-License-Identifier: Apache-2.0 */
/*
 * extract: plain text — UTF-8 as it is, UTF-16 with a byte-order mark
 * converted, and bytes that are not UTF-8 read as Windows-1252 (a superset
 * of Latin-1 for printable characters, the usual legacy encoding of
 * Western European files).
 */
#include <string.h>

#include "extract/internal.h"

/* Windows-1252 0x80..0x9f; 0 where the code page leaves a hole. */
static const uint16_t cp1252[32] = {
    0x20ac, 0,      0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017d, 0,      0,      0x2018, 0x2019, 0x201c, 0x201d, 0x2022,
    0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0,      0x017e, 0x0178,
};

static size_t put_cp(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Length of a well-formed UTF-8 sequence at p, 0 if there is none. */
static size_t seq_len(const uint8_t *p, size_t avail)
{
	uint8_t c = p[0];
	size_t n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
	if (c >= 0xf5)
		n = 0;
	if (n == 0 || avail < n)
		return 0;
	return cu_utf8_valid((const char *)p, n) ? n : 0;
}

/*
 * Copies through a small staging buffer: runs of ASCII and well-formed
 * UTF-8 pass unchanged, every other byte is decoded as Windows-1252.
 */
static int mixed(xctx *x, const uint8_t *p, size_t len)
{
	char out[4096];
	size_t o = 0;
	int r;
	for (size_t i = 0; i < len && !x->full;) {
		if (o + 8 > sizeof out) {
			if ((r = x_emit(x, out, o)) != 0)
				return r;
			o = 0;
		}
		uint8_t c = p[i];
		if (c < 0x80) {
			out[o++] = (char)c;
			i++;
			continue;
		}
		size_t n = seq_len(p + i, len - i);
		if (n) {
			memcpy(out + o, p + i, n);
			o += n;
			i += n;
			continue;
		}
		uint32_t cp = c < 0xa0 ? cp1252[c - 0x80] : c;
		o += put_cp(out + o, cp ? cp : 0xfffd);
		i++;
	}
	return o ? x_emit(x, out, o) : 0;
}

static int utf16(xctx *x, const uint8_t *p, size_t len, bool be)
{
	char out[4096];
	size_t o = 0;
	int r;
	for (size_t i = 0; i + 1 < len && !x->full; i += 2) {
		if (o + 8 > sizeof out) {
			if ((r = x_emit(x, out, o)) != 0)
				return r;
			o = 0;
		}
		uint32_t u =
		    be ? (uint32_t)(p[i] << 8 | p[i + 1]) : (uint32_t)(p[i + 1] << 8 | p[i]);
		if (u >= 0xd800 && u < 0xdc00 && i + 3 < len) {
			uint32_t v = be ? (uint32_t)(p[i + 2] << 8 | p[i + 3])
			                : (uint32_t)(p[i + 3] << 8 | p[i + 2]);
			if (v >= 0xdc00 && v < 0xe000) {
				u = 0x10000 + ((u - 0xd800) << 10) + (v - 0xdc00);
				i += 2;
			}
		}
		if (u >= 0xd800 && u < 0xe000)
			u = 0xfffd;
		o += put_cp(out + o, u);
	}
	return o ? x_emit(x, out, o) : 0;
}

int x_text(xctx *x, const uint8_t *data, size_t len)
{
	x_tool(x, "text", "custodia", CU_VERSION);
	if (len >= 2 &&
	    ((data[0] == 0xff && data[1] == 0xfe) || (data[0] == 0xfe && data[1] == 0xff)))
		return utf16(x, data + 2, len - 2, data[0] == 0xfe);
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		data += 3;
		len -= 3;
	}
	/* Text has no NUL bytes; a file with many is something else. */
	size_t probe = len < 65536 ? len : 65536, nul = 0;
	for (size_t i = 0; i < probe; i++)
		nul += data[i] == 0;
	if (nul > probe / 100 + 1)
		return cu_error_set(CU_EINVALID, "not a text file (binary content)");
	if (cu_utf8_valid((const char *)data, len))
		return x_emit(x, (const char *)data, len);
	x_warn(x, false, "not UTF-8: read as Windows-1252");
	return mixed(x, data, len);
}
