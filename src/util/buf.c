/* SPDX-License-Identifier: Apache-2.0 */
/* util: growable byte buffers with a hard cap. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

void cu_buf_init(cu_buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max ? max : CU_BUF_DEFAULT_CAP;
}

static int grow(cu_buf *b, size_t need)
{
	if (need - 1 > b->max)
		return cu_error_set(CU_ETOOBIG, "buffer limit of %zu bytes reached", b->max);
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	char *p = realloc(b->data, cap);
	if (!p)
		return cu_error_set(CU_ENOMEM, "out of memory");
	b->data = p;
	b->cap = cap;
	return 0;
}

int cu_buf_append(cu_buf *b, const void *p, size_t n)
{
	int r;
	if (n > b->max - b->len)
		return cu_error_set(CU_ETOOBIG, "buffer limit of %zu bytes reached", b->max);
	if ((r = grow(b, b->len + n + 1)) != 0)
		return r;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int cu_buf_puts(cu_buf *b, const char *s)
{
	return cu_buf_append(b, s, strlen(s));
}

int cu_buf_printf(cu_buf *b, const char *fmt, ...)
{
	va_list ap;
	int r, n;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return cu_error_set(CU_EINVALID, "bad format");
	if ((r = grow(b, b->len + (size_t)n + 1)) != 0)
		return r;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

int cu_buf_json_str(cu_buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	int r;
	if ((r = cu_buf_append(b, "\"", 1)) != 0)
		return r;
	const char *run = s;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		if ((r = cu_buf_append(b, run, (size_t)(s - run))) != 0)
			return r;
		char esc[6] = {'\\', 0};
		size_t n = 2;
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		default:
			esc[1] = 'u'; esc[2] = '0'; esc[3] = '0';
			esc[4] = hex[c >> 4]; esc[5] = hex[c & 15];
			n = 6;
		}
		if ((r = cu_buf_append(b, esc, n)) != 0)
			return r;
		run = s + 1;
	}
	if ((r = cu_buf_append(b, run, (size_t)(s - run))) != 0)
		return r;
	return cu_buf_append(b, "\"", 1);
}

char *cu_buf_detach(cu_buf *b)
{
	char *p = b->data;
	if (!p)
		p = calloc(1, 1);
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void cu_buf_free(cu_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
