/* SPDX-License-Identifier: Apache-2.0 */
/*
 * api tests: search over HTTP under need-to-know. Results, totals and facets
 * come from what the caller may see; these tests look for what it may not in
 * the raw answers, as the demo users of docs/domain.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char *raw(const char *user, const char *path, long *status)
{
	char *t = api_login_demo(user);
	api_resp r;
	api_req rq = {.path = path, .token = t};
	assert_int_equal(api_send(&rq, &r), 0);
	*status = r.status;
	char *b = strdup(r.body ? r.body : "");
	api_resp_free(&r);
	free(t);
	return b;
}

static json_t *search(const char *user, const char *query)
{
	char path[512], enc[300];
	long st;
	api_urlencode(enc, sizeof(enc), query);
	snprintf(path, sizeof(path), "/api/v1/search?q=%s", enc);
	char *b = raw(user, path, &st);
	assert_int_equal(st, 200);
	json_t *j = json_loads(b, 0, NULL);
	free(b);
	assert_non_null(j);
	return j;
}

static int64_t total(json_t *j)
{
	return json_integer_value(json_object_get(j, "total"));
}

static void test_api_search__across_scripts(void **state)
{
	(void)state;
	json_t *a = search("se", "Djordjevic"), *b = search("se", "Ђорђевић");
	/* The same entities, whichever script the query is in. */
	assert_true(total(a) >= 2);
	assert_int_equal(total(a), total(b));
	size_t i;
	json_t *h;
	bool cyr = false;
	json_array_foreach(json_object_get(a, "items"), i, h)
		cyr |= !strcmp(json_string_value(json_object_get(h, "title")), "Марко Ђорђевић");
	assert_true(cyr);
	json_decref(a);
	json_decref(b);
}

static void test_api_search__need_to_know(void **state)
{
	(void)state;
	long st;
	/* LT sees neither the Swedish nor the Montenegrin case. */
	char *b = raw("lt", "/api/v1/search?q=Djordjevic", &st);
	assert_int_equal(st, 200);
	assert_null(strstr(b, "Марко"));
	assert_null(strstr(b, "2026/0001"));
	assert_null(strstr(b, "2025/0001"));
	json_t *j = json_loads(b, 0, NULL);
	assert_int_equal(total(j), 0);
	assert_int_equal(json_object_size(json_object_get(json_object_get(j, "facets"), "kind")), 0);
	json_decref(j);
	free(b);
	/* SE sees the Swedish case, not the Montenegrin one: ME's entity and its
	 * count are not in SE's answer. */
	json_t *se = search("se", "Djordjevic"), *me = search("me", "Djordjevic");
	assert_true(total(me) > total(se));
	b = raw("se", "/api/v1/search?q=Djordjevic", &st);
	assert_null(strstr(b, "2025/0001"));
	assert_null(strstr(b, "Đorđević Marko"));
	free(b);
	json_decref(se);
	json_decref(me);
	/* The ICC is a participant of the Ukraine JIT: it finds the item shared with
	 * it, not the testimony it was not given — nor counts it. */
	json_t *icc = search("icc", "Kharkiv OR imagery"), *lt = search("lt", "Kharkiv OR imagery");
	assert_true(total(lt) > total(icc));
	b = raw("icc", "/api/v1/search?q=Kharkiv", &st);
	assert_null(strstr(b, "Witness testimony"));
	free(b);
	json_decref(icc);
	json_decref(lt);
	/* A case filter on a case the caller cannot see is not found. */
	b = raw("rs", "/api/v1/search?q=Yezidi&case=2024%2F0001", &st);
	assert_int_equal(st, 404);
	free(b);
}

/* What users type that is not FTS5 syntax is searched as words, not refused. */
static void test_api_search__references_as_typed(void **state)
{
	(void)state;
	static const char *const typed[] = {"2026/0001", "AM-48213-26", "\"2026/0001", "2026/0001 AND"};
	for (size_t i = 0; i < sizeof(typed) / sizeof(typed[0]); i++) {
		json_t *j = search("se", typed[i]);
		bool found = false;
		size_t k;
		json_t *h;
		json_array_foreach(json_object_get(j, "items"), k, h)
			found |= h && !strcmp(json_string_value(json_object_get(h, "kind")), "case") &&
			         !strcmp(json_string_value(json_object_get(h, "case_reference")), "2026/0001");
		if (!found) {
			char *d = json_dumps(j, 0);
			fprintf(stderr, "%s: %s\n", typed[i], d);
			free(d);
		}
		assert_true(found);
		assert_non_null(json_string_value(json_object_get(j, "query")));
		json_decref(j);
	}
	/* Operators stay operators: NOT takes the case away. */
	json_t *j = search("se", "2026/0001 NOT Swedish");
	size_t k;
	json_t *h;
	json_array_foreach(json_object_get(j, "items"), k, h)
		assert_string_not_equal(json_string_value(json_object_get(h, "title")),
		                        "Coordinated arrest of a Swedish high-value target");
	assert_string_equal(json_string_value(json_object_get(j, "query")),
	                    "\"2026/0001\" NOT Swedish");
	json_decref(j);
}

static void test_api_search__bad_queries(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"/api/v1/search",
		"/api/v1/search?q=",
		"/api/v1/search?q=%22%22",     /* no word in it */
		"/api/v1/search?q=%28%20%29",  /* "( )" */
		"/api/v1/search?q=x&limit=0",
		"/api/v1/search?q=x&limit=101",
		"/api/v1/search?q=x&offset=-1",
		"/api/v1/search?q=x&kind=planet",
		"/api/v1/search?q=x&from=2026-13-01",
		"/api/v1/search?q=x&org=NOPE",
		"/api/v1/search?q=%ff%fe",
		"/api/v1/jobs?state=sleeping",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		long st;
		char *b = raw("se", bad[i], &st);
		if (st != 400)
			fprintf(stderr, "%s -> %ld %s\n", bad[i], st, b);
		assert_int_equal(st, 400);
		json_t *j = json_loads(b, 0, NULL);
		api_assert_fails(st, j, 400, NULL);
		json_decref(j);
		free(b);
	}
	/* Reindexing is for the operator's administrators. */
	char *t = api_login_demo("se");
	json_t *o = NULL;
	assert_int_equal(api_requestj("POST", "/api/v1/search/reindex", t, json_object(), &o), 403);
	json_decref(o);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api_search__across_scripts),
		cmocka_unit_test(test_api_search__need_to_know),
		cmocka_unit_test(test_api_search__references_as_typed),
		cmocka_unit_test(test_api_search__bad_queries),
	};
	return cmocka_run_group_tests_name("api_search", tests, api_group_setup, api_group_teardown);
}
