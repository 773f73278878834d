/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz: the request parts the server reads itself (src/http/parse.c): the
 * Range header, the session cookie, "Authorization: Bearer", the query
 * string and percent-decoding, and the router (cu_route_match) that splits
 * the path into parameters. The first byte picks the parser; the rest is the
 * header value, query string or path.
 */
#include "fuzz.h"
#include "http/parse.h"
#include "http/route.h"

static void range(const uint8_t *data, size_t size)
{
	/* Content lengths at the edges: empty, one byte, a few, near 2^64. */
	static const uint64_t totals[] = {0, 1, 2, 10, 1000, 1u << 20, INT64_MAX, UINT64_MAX};
	if (size < 1)
		return;
	uint64_t total = totals[data[0] % 8], start = 0, len = 0;
	char *h = fuzz_str(data + 1, size - 1);
	int r = cu_http_range(h, total, &start, &len);
	FUZZ_ASSERT(r == 0 || r == 1 || r == -1);
	if (r == 0) /* what is sent lies inside the content, and is not empty */
		FUZZ_ASSERT(len >= 1 && start < total && len <= total - start);
	free(h);
}

static void cookie(const uint8_t *data, size_t size)
{
	const char *v = (const char *)data, *val;
	size_t vlen;
	if (cu_http_cookie_find(&val, &vlen, v, size, CU_COOKIE)) {
		FUZZ_ASSERT(vlen > 0 && val > v && val + vlen <= v + size);
		FUZZ_ASSERT(!memcmp(val - sizeof(CU_COOKIE), CU_COOKIE "=", sizeof(CU_COOKIE)));
		FUZZ_ASSERT(!memchr(val, ';', vlen));
	}
}

static void bearer(const uint8_t *data, size_t size)
{
	const char *tok;
	size_t tlen;
	/* server.c copies the token into 201 bytes: the bound must hold. */
	if (cu_http_bearer(&tok, &tlen, (const char *)data, size))
		FUZZ_ASSERT(tlen >= 1 && tlen <= 193 && tok == (const char *)data + 7);
	/* The same bytes as an Accept-Encoding header: a yes needs "gzip" or "*" in it. */
	if (cu_http_accepts_gzip((const char *)data, size)) {
		bool named = memchr(data, '*', size) != NULL;
		for (size_t i = 0; !named && i + 4 <= size; i++)
			named = !strncasecmp((const char *)data + i, "gzip", 4);
		FUZZ_ASSERT(named);
	}
}

static void query(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"q", "case", "disposition", "after", ""};
	if (size < 1)
		return;
	const char *q = (const char *)data + 1, *val;
	size_t n = size - 1, vlen;
	if (cu_http_query_find(&val, &vlen, q, n, names[data[0] % 5])) {
		FUZZ_ASSERT(val >= q && val + vlen <= q + n);
		char *out = malloc(vlen + 1);
		if (!out)
			abort();
		if (cu_http_pct_decode(out, val, vlen, true))
			FUZZ_ASSERT(strlen(out) <= vlen);
		free(out);
	}
	/* The first name no route of these takes: inside the input, never empty,
	 * never one of them, and found again by name. */
	static const char *const lists[] = {"q case limit", "after", "", NULL};
	const char *un;
	size_t unl;
	const char *known = lists[(data[0] >> 3) % 4];
	if (cu_http_query_unknown(&un, &unl, q, n, known)) {
		FUZZ_ASSERT(un >= q && un + unl <= q + n);
		FUZZ_ASSERT(!cu_http_listed(known, un, unl));
		FUZZ_ASSERT(unl > 0 || (un < q + n && *un == '='));
	}
	if (cu_http_query_repeated(&un, &unl, q, n, known)) {
		FUZZ_ASSERT(unl > 0 && cu_http_listed(known, un, unl));
		FUZZ_ASSERT(un >= known && un + unl <= known + strlen(known));
	}
	/* The whole input as a path segment. */
	char *seg = malloc(n + 1);
	if (!seg)
		abort();
	if (cu_http_pct_decode(seg, q, n, false))
		FUZZ_ASSERT(strlen(seg) <= n);
	free(seg);
}

static void route(const uint8_t *data, size_t size)
{
	static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"};
	const char *params[CU_MAX_PARAMS] = {0};
	char allow[64] = ""; /* as large as server.c's */
	bool mismatch;
	if (size < 1)
		return;
	const char *m = methods[data[0] % 6];
	char *path = fuzz_str(data + 1, size - 1);
	const cu_route *rt = cu_route_match(m, strlen(m), path, params, &mismatch, allow,
	                                    sizeof(allow));
	FUZZ_ASSERT(memchr(allow, '\0', sizeof(allow)) != NULL);
	for (int i = 0; rt && i < CU_MAX_PARAMS && params[i]; i++) {
		FUZZ_ASSERT(params[i] >= path && params[i] <= path + size - 1);
		size_t n = strlen(params[i]);
		char *out = malloc(n + 1);
		if (!out)
			abort();
		cu_http_pct_decode(out, params[i], n, false);
		free(out);
	}
	free(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] % 5) {
	case 0: range(data + 1, size - 1); break;
	case 1: cookie(data + 1, size - 1); break;
	case 2: bearer(data + 1, size - 1); break;
	case 3: query(data + 1, size - 1); break;
	default: route(data + 1, size - 1); break;
	}
	return 0;
}
