/* SPDX-License-Identifier: Apache-2.0 */
/* api tests: paging through the case list with its cursor, and the list's filters; pages of
 * evidence and custody. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char *se;
/* The cases made for these tests, by kind. */
static int64_t tax[4], env[4], needle[4], decoy, closed[2], natref;

static int setup(void **state)
{
	if (api_group_setup(state) != 0)
		return -1;
	if (!(se = api_login("se", "demo")))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	free(se);
	return api_group_teardown(state);
}

static int64_t make(const char *title, const char *types, const char *parts)
{
	char body[512];
	snprintf(body, sizeof(body), "{\"title\":\"%s\",\"crime_types\":%s,\"participants\":%s}",
	         title, types, parts);
	return api_case_create(se, body);
}

static void test_api_paging__make_cases(void **state)
{
	(void)state;
	for (int i = 0; i < 4; i++) {
		tax[i] = make("VAT carousel", "[\"tax_fraud\"]", "[{\"org\":\"RS\"}]");
		env[i] = make("Waste shipments", "[\"environmental_crime\"]",
		              "[{\"org\":\"INTERPOL\",\"access\":\"observer\"}]");
		needle[i] = make("Needle 50%_off shop", "[\"tax_fraud\",\"corruption\"]",
		                 "[{\"org\":\"NO\"}]");
	}
	/* Would match "50%_off" if % and _ were wildcards. */
	decoy = make("Needle 50xyoff shop", "[\"corruption\"]", "[]");
	natref = make("Found by a national number", "[\"other\"]",
	              "[{\"org\":\"ME\",\"national_ref\":\"Ktr-PAGING-77\"}]");
	char path[128];
	closed[0] = env[1];
	closed[1] = needle[2];
	for (int i = 0; i < 2; i++) {
		long st = 0;
		snprintf(path, sizeof(path), "/api/v1/cases/%lld/close", (long long)closed[i]);
		assert_int_equal(api_request("POST", path, se, "{}", &st, NULL), 0);
		assert_int_equal(st, 200);
	}
}

/* Follows `next` from the first page with the given limit; returns the ids in order. */
static int64_t *walk(const char *query, int limit, size_t *n, int *pages)
{
	size_t cap = 16;
	int64_t *ids = malloc(cap * sizeof(*ids)), after = 0;
	assert_non_null(ids);
	*n = 0;
	*pages = 0;
	for (;;) {
		json_t *page = NULL, *it;
		size_t i;
		char sep = query[0] ? '&' : '?';
		long st = after ? api_getf(se, &page, "/api/v1/cases%s%climit=%d&after=%lld", query,
		                           sep, limit, (long long)after) :
		                  api_getf(se, &page, "/api/v1/cases%s%climit=%d", query, sep, limit);
		assert_int_equal(st, 200);
		json_t *items = json_object_get(page, "items"), *next = json_object_get(page, "next");
		assert_true(json_is_array(items));
		assert_int_equal(json_integer_value(json_object_get(page, "count")),
		                 json_array_size(items));
		assert_true((int)json_array_size(items) <= limit);
		json_array_foreach(items, i, it) {
			if (*n == cap) {
				cap *= 2;
				ids = realloc(ids, cap * sizeof(*ids));
				assert_non_null(ids);
			}
			ids[(*n)++] = json_integer_value(json_object_get(it, "id"));
		}
		(*pages)++;
		assert_true(*pages < 1000);
		if (json_is_null(next)) {
			json_decref(page);
			return ids;
		}
		/* A page that has a next one is full, and the cursor is its last case. */
		assert_true(json_is_integer(next));
		assert_int_equal(json_array_size(items), limit);
		assert_int_equal(json_integer_value(next), ids[*n - 1]);
		after = json_integer_value(next);
		json_decref(page);
	}
}

static void test_api_paging__follow_next_to_the_end(void **state)
{
	(void)state;
	json_t *all = NULL;
	assert_int_equal(api_getf(se, &all, "/api/v1/cases?limit=500"), 200);
	assert_true(json_is_null(json_object_get(all, "next")));
	size_t total = json_array_size(json_object_get(all, "items"));
	/* The demo's two SE cases, and the 14 made here. */
	assert_int_equal(total, 16);
	for (int limit = 1; limit <= 7; limit += 2) {
		size_t n;
		int pages;
		int64_t *ids = walk("", limit, &n, &pages);
		assert_int_equal(n, total);
		/* A full last page says next: null, no empty page follows. */
		assert_int_equal(pages, (int)((total + (size_t)limit - 1) / (size_t)limit));
		/* Same cases, same order (newest first), no duplicates. */
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(ids[i],
			                 json_integer_value(json_object_get(json_array_get(
			                 json_object_get(all, "items"), i), "id")));
			if (i > 0)
				assert_true(ids[i] < ids[i - 1]);
		}
		free(ids);
	}
	/* The default page holds everything here; limit=16 exactly: next is null. */
	json_t *page = NULL;
	assert_int_equal(api_getf(se, &page, "/api/v1/cases?limit=16"), 200);
	assert_int_equal(json_array_size(json_object_get(page, "items")), 16);
	assert_true(json_is_null(json_object_get(page, "next")));
	json_decref(page);
	/* A cursor below every case gives an empty last page. */
	assert_int_equal(api_getf(se, &page, "/api/v1/cases?after=1"), 200);
	assert_int_equal(json_array_size(json_object_get(page, "items")), 0);
	assert_true(json_is_null(json_object_get(page, "next")));
	json_decref(page);
	json_decref(all);
}

/* The ids the filter gives, walked with limit 2, and asserts it equals want. */
static void assert_filter(const char *query, const int64_t *want, size_t nwant)
{
	size_t n;
	int pages;
	int64_t *ids = walk(query, 2, &n, &pages);
	if (n != nwant) {
		fprintf(stderr, "%s: %zu cases, expected %zu:", query, n, nwant);
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, " %lld", (long long)ids[i]);
		fprintf(stderr, "\n");
	}
	assert_int_equal(n, nwant);
	for (size_t i = 0; i < nwant; i++)
		assert_true(api_has_id(ids, n, want[i]));
	free(ids);
}

static void test_api_paging__filters(void **state)
{
	(void)state;
	size_t total;
	int64_t *all = api_case_ids(se, &total);
	json_t *page = NULL;
	/* status */
	assert_filter("?status=closed", closed, 2);
	int64_t open[32];
	size_t nopen = 0;
	for (size_t i = 0; i < total; i++)
		if (all[i] != closed[0] && all[i] != closed[1])
			open[nopen++] = all[i];
	assert_filter("?status=open", open, nopen);
	assert_filter("?status=archived", NULL, 0);
	/* crime_type */
	int64_t taxes[8];
	memcpy(taxes, tax, sizeof(tax));
	memcpy(taxes + 4, needle, sizeof(needle));
	assert_filter("?crime_type=tax_fraud", taxes, 8);
	assert_filter("?crime_type=environmental_crime", env, 4);
	assert_filter("?crime_type=child_sexual_exploitation", NULL, 0);
	assert_int_equal(api_getf(se, &page, "/api/v1/cases?crime_type=terrorism"), 200);
	assert_int_equal(json_array_size(json_object_get(page, "items")), 1); /* the Yezidi case */
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(
	                    page, "items"), 0), "reference")), "2024/0001");
	json_decref(page);
	/* country: of any participant; RS is also in the demo's Swedish case. */
	assert_int_equal(api_getf(se, &page, "/api/v1/cases?country=RS&limit=500"), 200);
	assert_int_equal(json_array_size(json_object_get(page, "items")), 5);
	json_decref(page);
	assert_filter("?country=NO", needle, 4);
	assert_filter("?country=SE", all, total);
	assert_filter("?country=US", NULL, 0);
	/* q: in titles, case-insensitively, literally (no wildcards), and national numbers */
	assert_filter("?q=Needle%2050%25_off", needle, 4);
	assert_filter("?q=50%25_off", needle, 4);
	assert_filter("?q=NEEDLE+50", (int64_t[]){needle[0], needle[1], needle[2], needle[3],
	                                          decoy}, 5);
	assert_filter("?q=ktr-paging-77", &natref, 1);
	assert_filter("?q=no%20such%20words", NULL, 0);
	/* Filters combine. */
	assert_filter("?crime_type=tax_fraud&status=closed", &needle[2], 1);
	assert_filter("?crime_type=tax_fraud&country=RS", tax, 4);
	assert_filter("?q=needle&status=open&country=NO",
	              (int64_t[]){needle[0], needle[1], needle[3]}, 3);
	free(all);
}

static void test_api_paging__filters_keep_need_to_know(void **state)
{
	(void)state;
	/* RS sees its four VAT cases and the Swedish one, whatever the filter. */
	char *rs = api_login_demo("rs");
	json_t *page = NULL;
	assert_int_equal(api_getf(rs, &page, "/api/v1/cases?q=needle"), 200);
	assert_int_equal(json_array_size(json_object_get(page, "items")), 0);
	json_decref(page);
	assert_int_equal(api_getf(rs, &page, "/api/v1/cases?country=NO"), 200);
	assert_int_equal(json_array_size(json_object_get(page, "items")), 0);
	json_decref(page);
	assert_int_equal(api_getf(rs, &page, "/api/v1/cases?q=yezidi"), 200);
	assert_int_equal(json_array_size(json_object_get(page, "items")), 0);
	json_decref(page);
	assert_int_equal(api_getf(rs, &page, "/api/v1/cases?crime_type=tax_fraud&limit=500"), 200);
	assert_int_equal(json_array_size(json_object_get(page, "items")), 4);
	json_decref(page);
	/* Paging from a cursor does not open other cases either. */
	assert_int_equal(api_getf(rs, &page, "/api/v1/cases?after=%lld&limit=500",
	                          (long long)needle[3] + 1), 200);
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(page, "items"), i, it)
		assert_non_null(api_participant(it, "RS"));
	json_decref(page);
	free(rs);
}

/*
 * Walks an array list (items, custody) page by page with ?after=&limit=,
 * the cursor taken from key of each page's last element; returns the keys.
 */
static int64_t *walk_array(const char *token, const char *path, const char *key, int limit,
                           size_t *n)
{
	int64_t after = 0, *out = NULL;
	*n = 0;
	for (int guard = 0; guard < 1000; guard++) {
		json_t *page = NULL;
		assert_int_equal(api_getf(token, &page, "%s?after=%lld&limit=%d", path,
		                          (long long)after, limit), 200);
		assert_true(json_is_array(page));
		size_t k = json_array_size(page);
		assert_true(k <= (size_t)limit);
		out = realloc(out, sizeof(*out) * (*n + k + 1));
		assert_non_null(out);
		for (size_t i = 0; i < k; i++)
			out[(*n)++] = json_integer_value(json_object_get(json_array_get(page, i), key));
		json_decref(page);
		if (k < (size_t)limit)
			return out;
		after = out[*n - 1];
	}
	fail_msg("%s: pages without end", path);
	return NULL;
}

/* The list without paging (its default page holds everything here), walked with several page sizes. */
static void assert_pages(const char *token, const char *path, const char *key, size_t min)
{
	json_t *all = NULL;
	assert_int_equal(api_getf(token, &all, "%s", path), 200);
	size_t total = json_array_size(all);
	assert_true(total >= min);
	for (int limit = 1; limit <= 3; limit++) {
		size_t n;
		int64_t *got = walk_array(token, path, key, limit, &n);
		assert_int_equal(n, total);
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(got[i],
			                 json_integer_value(json_object_get(json_array_get(all, i), key)));
			if (i > 0)
				assert_true(got[i] > got[i - 1]); /* in order, none twice */
		}
		free(got);
	}
	json_decref(all);
	/* Past the end: an empty page, not an error. */
	json_t *page = NULL;
	assert_int_equal(api_getf(token, &page, "%s?after=%lld", path, (long long)INT64_MAX), 200);
	assert_int_equal(json_array_size(page), 0);
	json_decref(page);
	static const char *const bad[] = {"limit=0", "limit=1001", "limit=x", "after=-1",
	                                  "after=1x", "after=99999999999999999999"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		json_t *err = NULL;
		long st = api_getf(token, &err, "%s?%s", path, bad[i]);
		if (st != 400)
			fail_msg("%s?%s: %ld, want 400", path, bad[i], st);
		json_decref(err);
	}
}

/*
 * A case's evidence, the items granted to an organisation and an item's chain
 * of custody come in pages (?after=&limit=, in id or seq order): the pages of
 * every size put together are the whole list, for a member of the case, for
 * a receiver of a grant (its items only), and for the chain an item's reads
 * lengthen.
 */
static void test_api_paging__evidence_and_custody(void **state)
{
	(void)state;
	char *icc = api_login("icc", "demo");
	assert_non_null(icc);
	assert_pages(se, "/api/v1/cases/1/evidence", "id", 3);
	/* Reads go on the record: the first item's chain grows by two. */
	json_t *items = NULL;
	assert_int_equal(api_getf(se, &items, "/api/v1/cases/1/evidence?limit=1"), 200);
	int64_t first = json_integer_value(json_object_get(json_array_get(items, 0), "id"));
	json_decref(items);
	char path[128];
	for (int i = 0; i < 2; i++) {
		long st = 0;
		snprintf(path, sizeof path, "/api/v1/evidence/%lld/content", (long long)first);
		assert_int_equal(api_request("GET", path, se, NULL, &st, NULL), 0);
		assert_int_equal(st, 200);
	}
	snprintf(path, sizeof path, "/api/v1/evidence/%lld/custody", (long long)first);
	assert_pages(se, path, "seq", 3);
	/* A receiver of a grant: the items granted, across cases and within the case. */
	assert_pages(icc, "/api/v1/evidence", "id", 1);
	json_t *granted = NULL;
	assert_int_equal(api_getf(icc, &granted, "/api/v1/evidence?limit=1"), 200);
	int64_t gcase = json_integer_value(json_object_get(json_array_get(granted, 0), "case_id"));
	json_decref(granted);
	snprintf(path, sizeof path, "/api/v1/cases/%lld/evidence", (long long)gcase);
	assert_pages(icc, path, "id", 1);
	/* A case the receiver has nothing of stays absent, paged or not. */
	assert_int_equal(api_getf(icc, NULL, "/api/v1/cases/1/evidence?limit=1"), 404);
	free(icc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api_paging__make_cases),
		cmocka_unit_test(test_api_paging__follow_next_to_the_end),
		cmocka_unit_test(test_api_paging__filters),
		cmocka_unit_test(test_api_paging__filters_keep_need_to_know),
		cmocka_unit_test(test_api_paging__evidence_and_custody),
	};
	return cmocka_run_group_tests_name("api_paging", tests, setup, teardown);
}
