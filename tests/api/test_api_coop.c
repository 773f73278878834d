/* SPDX-License-Identifier: Apache-2.0 */
/*
 * api tests: cooperation requests, their legal deadlines and statistics over
 * HTTP. The executing organisation sees the request, not its case; a desk
 * that is neither in the case nor executing sees nothing, not even in the
 * due list or the statistics.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static char *tok_se, *tok_lt, *tok_ua, *tok_admin, *tok_analyst;

static int setup(void **state)
{
	if (api_group_setup(state) != 0)
		return -1;
	tok_se = api_login_demo("se");
	tok_lt = api_login_demo("lt");
	tok_ua = api_login_demo("ua");
	tok_admin = api_login_demo("admin");
	tok_analyst = api_login_demo("se-analyst");
	return 0;
}

static int teardown(void **state)
{
	free(tok_se);
	free(tok_lt);
	free(tok_ua);
	free(tok_admin);
	free(tok_analyst);
	return api_group_teardown(state);
}

static long post(const char *token, const char *path, const char *body, json_t **out)
{
	long st = 0;
	json_t *o = NULL;
	assert_int_equal(api_request("POST", path, token, body, &st, &o), 0);
	if (out)
		*out = o;
	else
		json_decref(o);
	return st;
}

/* An EIO from SE to LT in the first demo case, received by LT. */
static int64_t received_eio(void)
{
	json_t *o = NULL;
	char p[96];
	assert_int_equal(post(tok_se, "/api/v1/requests", "{\"case\":\"2026/0001\",\"kind\":\"eio\","
	                      "\"title\":\"Phone records\",\"executing_org\":\"LT\"}", &o), 201);
	int64_t id = json_integer_value(json_object_get(o, "id"));
	json_decref(o);
	snprintf(p, sizeof(p), "/api/v1/requests/%lld/status", (long long)id);
	assert_int_equal(post(tok_se, p, "{\"to\":\"sent\"}", NULL), 200);
	assert_int_equal(post(tok_lt, p, "{\"to\":\"received\"}", NULL), 200);
	return id;
}

/* The list comes a page at a time, newest first; a draft is not the executing side's. */
static void test_api_coop__list_pages_and_drafts(void **state)
{
	(void)state;
	json_t *o = NULL, *page = NULL;
	assert_int_equal(post(tok_se, "/api/v1/requests", "{\"case\":\"2026/0001\",\"kind\":\"mla\","
	                      "\"title\":\"Draft for LT\",\"executing_org\":\"LT\"}", &o), 201);
	int64_t draft = json_integer_value(json_object_get(o, "id"));
	json_decref(o);
	assert_int_equal(api_getf(tok_lt, &o, "/api/v1/requests"), 200);
	size_t i;
	json_t *v;
	json_array_foreach(o, i, v)
		assert_int_not_equal(json_integer_value(json_object_get(v, "id")), draft);
	json_decref(o);
	assert_int_equal(api_getf(tok_lt, &o, "/api/v1/requests/%lld", (long long)draft), 404);
	json_decref(o);
	/* SE pages through its requests two at a time and meets each once. */
	int64_t before = 0, seen = 0, last = INT64_MAX;
	for (;;) {
		if (before)
			assert_int_equal(api_getf(tok_se, &page, "/api/v1/requests?limit=2&before=%lld",
			                          (long long)before), 200);
		else
			assert_int_equal(api_getf(tok_se, &page, "/api/v1/requests?limit=2"), 200);
		assert_true(json_array_size(page) <= 2);
		json_array_foreach(page, i, v) {
			int64_t id = json_integer_value(json_object_get(v, "id"));
			assert_true(id < last);
			last = id;
			seen++;
		}
		size_t n = json_array_size(page);
		json_decref(page);
		if (n < 2)
			break;
		before = last;
	}
	assert_int_equal(api_getf(tok_se, &o, "/api/v1/requests"), 200);
	assert_int_equal(seen, (int64_t)json_array_size(o));
	json_decref(o);
	assert_int_equal(api_getf(tok_se, &o, "/api/v1/requests?before=0"), 400);
	json_decref(o);
}

static void test_api_coop__transitions_and_deadlines(void **state)
{
	(void)state;
	int64_t id = received_eio();
	json_t *o = NULL;
	char p[96];
	snprintf(p, sizeof(p), "/api/v1/requests/%lld", (long long)id);
	assert_int_equal(api_getf(tok_se, &o, "%s", p), 200);
	json_t *d = json_array_get(json_object_get(o, "deadlines"), 0);
	assert_string_equal(json_string_value(json_object_get(d, "article")),
	                    "Directive 2014/41/EU art. 12(3)");
	assert_int_equal(json_integer_value(json_object_get(d, "days_left")), 30);
	json_decref(o);
	/* An invalid transition: 409, listing the allowed ones; nothing changed. */
	snprintf(p, sizeof(p), "/api/v1/requests/%lld/status", (long long)id);
	assert_int_equal(post(tok_lt, p, "{\"to\":\"executed\"}", &o), 409);
	assert_non_null(strstr(api_assert_error(o),
	                       "a request received can become recognised, refused or withdrawn"));
	json_decref(o);
	/* An extension without reasons: 400, and nothing changed. */
	snprintf(p, sizeof(p), "/api/v1/requests/%lld/extensions", (long long)id);
	assert_int_equal(post(tok_lt, p, "{\"days\":10}", &o), 400);
	assert_non_null(strstr(api_assert_error(o), "reasons"));
	json_decref(o);
	assert_int_equal(post(tok_lt, p, "{\"days\":10,\"reason\":\"\"}", &o), 400);
	json_decref(o);
	assert_int_equal(api_getf(tok_lt, &o, "/api/v1/requests/%lld", (long long)id), 200);
	d = json_array_get(json_object_get(o, "deadlines"), 0);
	assert_int_equal(json_integer_value(json_object_get(d, "extended_days")), 0);
	/* LT sees the request, not the case. */
	assert_true(json_is_false(json_object_get(o, "case_visible")));
	assert_null(json_object_get(o, "case_reference"));
	json_decref(o);
	assert_int_equal(post(tok_lt, p, "{\"days\":10,\"reason\":\"Operator data pending\"}", &o),
	                 200);
	d = json_array_get(json_object_get(o, "deadlines"), 0);
	assert_int_equal(json_integer_value(json_object_get(d, "days_left")), 40);
	json_decref(o);
	/* The due list of the executing desk, with --within 40. */
	assert_int_equal(api_getf(tok_lt, &o, "/api/v1/deadlines?within=40"), 200);
	assert_true(json_array_size(json_object_get(o, "due_soon")) >= 1);
	json_decref(o);
	assert_int_equal(api_getf(tok_lt, &o, "/api/v1/deadlines?within=soon"), 400);
	json_decref(o);
}

/* The UTC day `days` from today. */
static void utc_day(char out[11], int days)
{
	time_t t = time(NULL) + (time_t)days * 86400;
	struct tm tm;
	assert_non_null(gmtime_r(&t, &tm));
	assert_int_equal(strftime(out, 11, "%Y-%m-%d", &tm), 10);
}

/* A limit whose due day has passed is missed: extending it is refused (400), nothing
 * changes; on its due day it is still in time. */
static void test_api_coop__no_extension_after_the_limit(void **state)
{
	(void)state;
	json_t *o = NULL;
	char p[96], body[160], issued[11], received[11], due[11];
	int64_t id[2];
	for (int k = 0; k < 2; k++) {
		/* Received 35 days ago (due 5 days ago), then 30 days ago (due today). */
		utc_day(issued, -40);
		utc_day(received, k ? -30 : -35);
		snprintf(body, sizeof(body), "{\"case\":\"2026/0001\",\"kind\":\"eio\",\"title\":"
		         "\"Late EIO %d\",\"executing_org\":\"LT\",\"issued_on\":\"%s\"}", k, issued);
		assert_int_equal(post(tok_se, "/api/v1/requests", body, &o), 201);
		id[k] = json_integer_value(json_object_get(o, "id"));
		json_decref(o);
		snprintf(p, sizeof(p), "/api/v1/requests/%lld/status", (long long)id[k]);
		snprintf(body, sizeof(body), "{\"to\":\"sent\",\"on\":\"%s\"}", issued);
		assert_int_equal(post(tok_se, p, body, NULL), 200);
		snprintf(body, sizeof(body), "{\"to\":\"received\",\"on\":\"%s\"}", received);
		assert_int_equal(post(tok_lt, p, body, NULL), 200);
	}
	snprintf(p, sizeof(p), "/api/v1/requests/%lld/extensions", (long long)id[0]);
	assert_int_equal(post(tok_lt, p, "{\"days\":10,\"reason\":\"Bank slow\"}", &o), 400);
	utc_day(due, -5);
	snprintf(body, sizeof(body), "ended on %s: a limit that has passed is missed", due);
	assert_non_null(strstr(api_assert_error(o), body));
	json_decref(o);
	assert_int_equal(api_getf(tok_lt, &o, "/api/v1/requests/%lld", (long long)id[0]), 200);
	json_t *d = json_array_get(json_object_get(o, "deadlines"), 0);
	assert_string_equal(json_string_value(json_object_get(d, "due_on")), due);
	assert_int_equal(json_integer_value(json_object_get(d, "extended_days")), 0);
	json_decref(o);
	snprintf(p, sizeof(p), "/api/v1/requests/%lld/extensions", (long long)id[1]);
	assert_int_equal(post(tok_lt, p, "{\"days\":10,\"reason\":\"Bank slow\"}", &o), 200);
	d = json_array_get(json_object_get(o, "deadlines"), 0);
	assert_int_equal(json_integer_value(json_object_get(d, "days_left")), 10);
	json_decref(o);
}

/* Issuing, sending and deciding on a request are a prosecutor's acts: an analyst of the
 * owning desk is refused them (403), and reads the request. */
static void test_api_coop__analyst_issues_nothing(void **state)
{
	(void)state;
	json_t *o = NULL;
	char p[96];
	static const char eaw[] = "{\"case\":\"2026/0001\",\"kind\":\"eaw\",\"title\":"
	                          "\"Arrest of the courier\",\"executing_org\":\"LT\"}";
	assert_int_equal(post(tok_analyst, "/api/v1/requests", eaw, &o), 403);
	assert_non_null(strstr(api_assert_error(o), "role analyst may not issue, send, decide on "
	                       "or withdraw a request"));
	json_decref(o);
	assert_int_equal(post(tok_se, "/api/v1/requests", eaw, &o), 201);
	int64_t id = json_integer_value(json_object_get(o, "id"));
	json_decref(o);
	snprintf(p, sizeof(p), "/api/v1/requests/%lld/status", (long long)id);
	assert_int_equal(post(tok_analyst, p, "{\"to\":\"sent\"}", &o), 403);
	assert_non_null(strstr(api_assert_error(o), "role analyst may not issue, send"));
	json_decref(o);
	assert_int_equal(post(tok_analyst, p, "{\"to\":\"withdrawn\"}", &o), 403);
	json_decref(o);
	assert_int_equal(api_getf(tok_analyst, &o, "/api/v1/requests/%lld", (long long)id), 200);
	assert_string_equal(json_string_value(json_object_get(o, "status")), "draft");
	json_decref(o);
	assert_int_equal(post(tok_se, p, "{\"to\":\"sent\"}", NULL), 200);
}

/* ?country= keeps requests issued from or executed in that country. */
static void test_api_coop__country_filter(void **state)
{
	(void)state;
	json_t *o = NULL, *v;
	size_t i;
	assert_int_equal(api_getf(tok_se, &o, "/api/v1/requests?country=RS"), 200);
	assert_true(json_array_size(o) >= 2);
	json_array_foreach(o, i, v) {
		const char *ic = json_string_value(json_object_get(v, "issuing_country"));
		const char *ec = json_string_value(json_object_get(v, "executing_country"));
		assert_true((ic && !strcmp(ic, "RS")) || (ec && !strcmp(ec, "RS")));
	}
	json_decref(o);
	assert_int_equal(api_getf(tok_se, &o, "/api/v1/requests?country=ME&kind=mla"), 200);
	assert_int_equal(json_array_size(o), 1);
	json_decref(o);
	assert_int_equal(api_getf(tok_se, &o, "/api/v1/requests?country=Serbia"), 400);
	json_decref(o);
}

static void test_api_coop__need_to_know(void **state)
{
	(void)state;
	int64_t id = received_eio();
	json_t *o = NULL;
	char p[96];
	/* UA is neither in the case nor executing: 404, and lists are empty. */
	assert_int_equal(api_getf(tok_ua, &o, "/api/v1/requests/%lld", (long long)id), 404);
	json_decref(o);
	snprintf(p, sizeof(p), "/api/v1/requests/%lld/status", (long long)id);
	assert_int_equal(post(tok_ua, p, "{\"to\":\"recognised\"}", &o), 404);
	json_decref(o);
	assert_int_equal(api_getf(tok_ua, &o, "/api/v1/requests"), 200);
	assert_int_equal(json_array_size(o), 0);
	json_decref(o);
	assert_int_equal(api_getf(tok_ua, &o, "/api/v1/deadlines?within=3650"), 200);
	assert_int_equal(json_array_size(json_object_get(o, "due_soon")), 0);
	assert_int_equal(json_array_size(json_object_get(o, "overdue")), 0);
	json_decref(o);
	assert_int_equal(api_getf(tok_ua, &o, "/api/v1/stats"), 200);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "requests"),
	                 "issued")), 0);
	json_decref(o);
	/* A country filter does not widen what UA sees. */
	assert_int_equal(api_getf(tok_ua, &o, "/api/v1/requests?country=LT"), 200);
	assert_int_equal(json_array_size(o), 0);
	json_decref(o);
	/* A case filter on a case UA cannot see: 404. */
	assert_int_equal(api_getf(tok_ua, &o, "/api/v1/requests?case=2026%%2F0001"), 404);
	json_decref(o);
}

static void test_api_coop__stats_reproducible(void **state)
{
	(void)state;
	json_t *a = NULL, *b = NULL, *now = NULL;
	assert_int_equal(api_getf(tok_admin, &a, "/api/v1/stats"), 200);
	json_t *snap = json_object_get(a, "snapshot");
	int64_t size = json_integer_value(json_object_get(snap, "ledger_size"));
	assert_true(size > 0);
	assert_int_equal(json_string_length(json_object_get(snap, "root")), 64);
	assert_string_equal(json_string_value(json_object_get(a, "scope")), "hub");
	received_eio(); /* further changes */
	assert_int_equal(api_getf(tok_admin, &now, "/api/v1/stats"), 200);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(now, "requests"),
	                 "issued")), json_integer_value(json_object_get(json_object_get(a,
	                 "requests"), "issued")) + 1);
	assert_int_equal(api_getf(tok_admin, &b, "/api/v1/stats?as_of=%lld", (long long)size), 200);
	assert_true(json_equal(json_object_get(a, "requests"), json_object_get(b, "requests")));
	assert_true(json_equal(json_object_get(a, "deadlines"), json_object_get(b, "deadlines")));
	assert_true(json_equal(json_object_get(a, "cases"), json_object_get(b, "cases")));
	assert_true(json_equal(json_object_get(json_object_get(a, "snapshot"), "root"),
	                       json_object_get(json_object_get(b, "snapshot"), "root")));
	json_decref(a);
	json_decref(b);
	json_decref(now);
	assert_int_equal(api_getf(tok_admin, &a, "/api/v1/stats?as_of=0"), 400);
	json_decref(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api_coop__list_pages_and_drafts),
		cmocka_unit_test(test_api_coop__transitions_and_deadlines),
		cmocka_unit_test(test_api_coop__need_to_know),
		cmocka_unit_test(test_api_coop__country_filter),
		cmocka_unit_test(test_api_coop__stats_reproducible),
		cmocka_unit_test(test_api_coop__no_extension_after_the_limit),
		cmocka_unit_test(test_api_coop__analyst_issues_nothing),
	};
	return cmocka_run_group_tests_name("api_coop", tests, setup, teardown);
}
