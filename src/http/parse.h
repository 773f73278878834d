/* SPDX-License-Identifier: Apache-2.0 */
/*
 * http: the parsers of what a client sends in the request line and headers
 * that the server interprets itself (private to http). They take plain
 * bytes, no h2o types, so that server.c and the fuzz targets call the same
 * code.
 */
#ifndef CU_HTTP_PARSE_H
#define CU_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Percent-decodes [s, s+n) into out, which has room for n + 1 bytes ('+' is
 * a space if plus_space: query strings). Returns out, NUL-terminated, or NULL
 * if an escape is malformed, the result is not UTF-8 or holds a NUL.
 */
char *cu_http_pct_decode(char *out, const char *s, size_t n, bool plus_space);

/*
 * The raw (still percent-encoded) value of parameter name in the query string
 * [q, q+n) (the part after '?'): *val and *vlen, true if present. A name
 * without "=" has the empty value.
 */
bool cu_http_query_find(const char **val, size_t *vlen, const char *q, size_t n,
                        const char *name);

/*
 * The first parameter of the query string [q, q+n) whose name is not one of
 * the space-separated names in known (NULL or "": none): *name and *nlen, the
 * name as sent (borrowed from q), true if there is one. Empty parameters
 * ("a=1&&b=2") are nobody's and skipped.
 */
bool cu_http_query_unknown(const char **name, size_t *nlen, const char *q, size_t n,
                           const char *known);

/*
 * The first of the space-separated names in known that the query string
 * [q, q+n) gives more than once ("limit=1&limit=2": which one was meant?):
 * *name and *nlen (borrowed from known), true if there is one.
 */
bool cu_http_query_repeated(const char **name, size_t *nlen, const char *q, size_t n,
                            const char *known);

/* True if [name, name+nlen) is one of the space-separated words of list (may be NULL). */
bool cu_http_listed(const char *list, const char *name, size_t nlen);

/*
 * The value of cookie name in one Cookie header [v, v+n): *val and *vlen
 * (borrowed from v), true if present with a non-empty value.
 */
bool cu_http_cookie_find(const char **val, size_t *vlen, const char *v, size_t n,
                         const char *name);

/*
 * The token of an Authorization header [v, v+n) of the form "Bearer TOKEN"
 * (the scheme case-insensitive, at most 200 bytes in all): *tok and *tlen
 * (borrowed from v), true if the header has that form.
 */
bool cu_http_bearer(const char **tok, size_t *tlen, const char *v, size_t n);

/*
 * A Range header against content of total bytes: one "bytes=a-b", "bytes=a-"
 * or "bytes=-n" range. 0: *start and *len (>= 1) name bytes inside the
 * content; -1: not satisfiable (416); 1: absent or not understood, which RFC
 * 9110 lets us answer with the whole content.
 */
int cu_http_range(const char *h, uint64_t total, uint64_t *start, uint64_t *len);

/*
 * Whether an Accept-Encoding header [v, v+n) lets an answer be gzipped (RFC
 * 9110, 12.5.3): "gzip" (or "x-gzip") or else "*", with a weight above 0.
 */
bool cu_http_accepts_gzip(const char *v, size_t n);

#endif
