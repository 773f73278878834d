/* SPDX-License-Identifier: Apache-2.0 */
/* http: parsers of the request's query string, cookies, Authorization and Range. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/parse.h"
#include "util/util.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *cu_http_pct_decode(char *out, const char *s, size_t n, bool plus_space)
{
	char *o = out;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			int hi, lo;
			if (i + 2 >= n || (hi = hexval(s[i + 1])) < 0 || (lo = hexval(s[i + 2])) < 0)
				return NULL;
			*o++ = (char)(hi << 4 | lo);
			i += 2;
		} else {
			*o++ = plus_space && s[i] == '+' ? ' ' : s[i];
		}
	}
	*o = '\0';
	if (!cu_utf8_valid(out, (size_t)(o - out)) || memchr(out, '\0', (size_t)(o - out)))
		return NULL;
	return out;
}

bool cu_http_query_find(const char **val, size_t *vlen, const char *q, size_t n,
                        const char *name)
{
	const char *p = q, *end = q + n;
	size_t nl = strlen(name);
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(stop - p));
		const char *kend = eq ? eq : stop;
		if ((size_t)(kend - p) == nl && memcmp(p, name, nl) == 0) {
			*val = eq ? eq + 1 : stop;
			*vlen = (size_t)(stop - *val);
			return true;
		}
		p = stop + 1;
	}
	return false;
}

bool cu_http_listed(const char *list, const char *name, size_t nlen)
{
	for (const char *p = list; p && *p;) {
		size_t k = strcspn(p, " ");
		if (k == nlen && memcmp(p, name, nlen) == 0)
			return true;
		p += k;
		p += strspn(p, " ");
	}
	return false;
}

bool cu_http_query_unknown(const char **name, size_t *nlen, const char *q, size_t n,
                           const char *known)
{
	const char *p = q, *end = q + n;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(stop - p));
		size_t k = (size_t)((eq ? eq : stop) - p);
		if (stop > p && !cu_http_listed(known, p, k)) {
			*name = p;
			*nlen = k;
			return true;
		}
		p = stop + 1;
	}
	return false;
}

bool cu_http_query_repeated(const char **name, size_t *nlen, const char *q, size_t n,
                            const char *known)
{
	for (const char *w = known; w && *w;) {
		size_t k = strcspn(w, " "), seen = 0;
		for (const char *p = q, *end = q + n; p < end;) {
			const char *amp = memchr(p, '&', (size_t)(end - p));
			const char *stop = amp ? amp : end;
			const char *eq = memchr(p, '=', (size_t)(stop - p));
			if ((size_t)((eq ? eq : stop) - p) == k && memcmp(p, w, k) == 0 && ++seen == 2) {
				*name = w;
				*nlen = k;
				return true;
			}
			p = stop + 1;
		}
		w += k;
		w += strspn(w, " ");
	}
	return false;
}

bool cu_http_cookie_find(const char **val, size_t *vlen, const char *v, size_t n,
                         const char *name)
{
	const char *p = v, *end = v + n;
	size_t nl = strlen(name);
	while (p < end) {
		while (p < end && (*p == ' ' || *p == ';'))
			p++;
		const char *e = memchr(p, ';', (size_t)(end - p));
		if (!e)
			e = end;
		/* "name=value" with a value: the name and its "=" are nl + 1 bytes. */
		if ((size_t)(e - p) > nl + 1 && !memcmp(p, name, nl) && p[nl] == '=') {
			*val = p + nl + 1;
			*vlen = (size_t)(e - p) - (nl + 1);
			return true;
		}
		p = e;
	}
	return false;
}

bool cu_http_bearer(const char **tok, size_t *tlen, const char *v, size_t n)
{
	if (n < 8 || n > 200 || strncasecmp(v, "Bearer ", 7) != 0)
		return false;
	*tok = v + 7;
	*tlen = n - 7;
	return true;
}

int cu_http_range(const char *h, uint64_t total, uint64_t *start, uint64_t *len)
{
	unsigned long long a, b;
	char *end;
	if (!h || strncmp(h, "bytes=", 6) != 0 || strchr(h, ','))
		return 1;
	h += 6;
	if (*h == '-') {
		a = strtoull(h + 1, &end, 10);
		if (end == h + 1 || *end || a == 0)
			return -1;
		*start = a >= total ? 0 : total - a;
		*len = total - *start;
		return total ? 0 : -1;
	}
	a = strtoull(h, &end, 10);
	if (end == h || *end != '-')
		return 1;
	const char *bs = end + 1;
	b = *bs ? strtoull(bs, &end, 10) : total - 1;
	if (*bs && *end)
		return 1; /* malformed: ignored, the whole content is sent */
	if (a >= total)
		return -1;
	if (b < a)
		return 1;
	if (b >= total)
		b = total - 1;
	*start = a;
	*len = b - a + 1;
	return 0;
}

static bool ows(char c)
{
	return c == ' ' || c == '\t';
}

bool cu_http_accepts_gzip(const char *v, size_t n)
{
	int gzip = -1, star = -1; /* not named, 0 refused (q=0), 1 accepted */
	size_t i = 0;
	while (i < n) {
		while (i < n && (ows(v[i]) || v[i] == ','))
			i++;
		size_t s = i;
		while (i < n && v[i] != ',' && v[i] != ';' && !ows(v[i]))
			i++;
		size_t len = i - s;
		int ok = 1;
		/* Its parameters, up to the next element: only the weight counts. */
		while (i < n && v[i] != ',') {
			if (v[i++] != ';')
				continue;
			while (i < n && ows(v[i]))
				i++;
			if (i + 1 < n && (v[i] == 'q' || v[i] == 'Q') && v[i + 1] == '=') {
				/* "0", "0.", "0.0" to "0.000": not acceptable. */
				size_t k = i + 2;
				bool zero = k < n && v[k] == '0';
				if (zero && ++k < n && v[k] == '.')
					for (k++; k < n && v[k] == '0'; k++)
						;
				ok = !(zero && (k >= n || v[k] == ',' || v[k] == ';' || ows(v[k])));
				i = k;
			}
		}
		if ((len == 4 && !strncasecmp(v + s, "gzip", 4)) ||
		    (len == 6 && !strncasecmp(v + s, "x-gzip", 6)))
			gzip = ok;
		else if (len == 1 && v[s] == '*')
			star = ok;
	}
	return gzip >= 0 ? gzip == 1 : star == 1;
}
