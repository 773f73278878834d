/* SPDX-License-Identifier: Apache-2.0 */
/*
 * api tests: action days and the coordination centre over HTTP. The plan
 * and its state; time zones and updates from the wrong organisation refused;
 * outcomes not before the day, corrections only with a reason;
 * the event stream delivers every update in order, and a client that
 * reconnects with Last-Event-ID first gets what it missed, then live ones,
 * including updates another process (the CLI) wrote; a stream left open does not keep SIGTERM from stopping the server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "sse.h"

static char *tok_se, *tok_rs, *tok_me, *tok_ua;
static api_sse open_at_teardown;

static int setup(void **state)
{
	if (api_group_setup(state) != 0)
		return -1;
	tok_se = api_login_demo("se");
	tok_rs = api_login_demo("rs");
	tok_me = api_login_demo("me");
	tok_ua = api_login_demo("ua");
	return 0;
}

static int teardown(void **state)
{
	/* A stream still open: the server must stop anyway, ending it. */
	char p[96];
	snprintf(p, sizeof(p), "/api/v1/actiondays/1/stream");
	int r = api_sse_open(&open_at_teardown, p, tok_se, NULL);
	api_sse_wait(&open_at_teardown, 1, 2000);
	free(tok_se);
	free(tok_rs);
	free(tok_me);
	free(tok_ua);
	int t = api_group_teardown(state);
	api_sse_wait(&open_at_teardown, 1000, 2000);
	bool ended = open_at_teardown.ended;
	api_sse_close(&open_at_teardown);
	if (r != 0 || !ended) {
		fprintf(stderr, "the open stream did not end at shutdown\n");
		return -1;
	}
	return t;
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

/*
 * A new day in the first demo case on `day` (NULL: yesterday, begun in every
 * zone): RS searches, ME freezes; *rs, *me the action ids.
 */
static int64_t new_day_on(const char *day, int64_t *rs, int64_t *me)
{
	json_t *o = NULL;
	char body[512], yesterday[11];
	time_t t = time(NULL) - 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(yesterday, sizeof(yesterday), "%Y-%m-%d", &tm);
	snprintf(body, sizeof(body), "{\"case\":\"2026/0001\",\"title\":\"Test day\",\"day\":\"%s\","
	         "\"timezones\":{\"RS\":\"Europe/Belgrade\",\"ME\":\"Europe/Podgorica\"},\"actions\":"
	         "[{\"kind\":\"house_search\",\"country\":\"RS\",\"org\":\"RS\",\"planned_time\":"
	         "\"06:00\"},{\"kind\":\"asset_freezing\",\"country\":\"ME\",\"org\":\"ME\","
	         "\"planned_time\":\"06:30\"}]}", day ? day : yesterday);
	assert_int_equal(post(tok_se, "/api/v1/actiondays", body, &o), 201);
	json_t *acts = json_object_get(o, "actions");
	assert_int_equal(json_array_size(acts), 2);
	*rs = json_integer_value(json_object_get(json_array_get(acts, 0), "id"));
	*me = json_integer_value(json_object_get(json_array_get(acts, 1), "id"));
	int64_t id = json_integer_value(json_object_get(o, "id"));
	json_decref(o);
	return id;
}

static int64_t new_day(int64_t *rs, int64_t *me)
{
	return new_day_on(NULL, rs, me);
}

static void update(const char *token, int64_t action, const char *status, const char *result,
                   long want)
{
	char p[96], body[256];
	snprintf(p, sizeof(p), "/api/v1/actions/%lld/updates", (long long)action);
	snprintf(body, sizeof(body), "{\"status\":\"%s\",\"result\":\"%s\"}", status, result);
	assert_int_equal(post(token, p, body, NULL), want);
}

static void test_api_actionday__plan_state_and_refusals(void **state)
{
	(void)state;
	int64_t rs, me, id = new_day(&rs, &me);
	json_t *o = NULL;
	char p[96];
	/* Unknown time zones, and names that try to leave the zoneinfo directory. */
	static const char *const bad[] = {"Mars/Olympus", "Europe/../../etc/passwd", "/etc/passwd",
	                                  "Europe", ""};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char body[256];
		snprintf(body, sizeof(body), "{\"case\":\"2026/0001\",\"title\":\"Bad\",\"day\":"
		         "\"2026-12-01\",\"timezones\":{\"RS\":\"%s\"}}", bad[i]);
		assert_int_equal(post(tok_se, "/api/v1/actiondays", body, &o), 400);
		assert_non_null(strstr(api_assert_error(o), "is not a known IANA time zone"));
		json_decref(o);
	}
	/* An update from an organisation that does not execute the action. */
	snprintf(p, sizeof(p), "/api/v1/actions/%lld/updates", (long long)rs);
	assert_int_equal(post(tok_me, p, "{\"status\":\"started\"}", &o), 403);
	assert_non_null(strstr(api_assert_error(o), "only RS may post its updates, not ME"));
	json_decref(o);
	assert_int_equal(post(tok_se, p, "{\"status\":\"arrested\"}", &o), 400);
	json_decref(o);
	/* Someone who does not see the case sees no day. */
	assert_int_equal(api_getf(tok_ua, &o, "/api/v1/actiondays/%lld", (long long)id), 404);
	json_decref(o);
	update(tok_rs, rs, "started", "team at the door", 201);
	update(tok_rs, rs, "completed", "3 phones seized", 201);
	update(tok_rs, rs, "started", "again", 409);
	/* The coordination centre's view: the latest status of each action. */
	assert_int_equal(api_getf(tok_se, &o, "/api/v1/actiondays/%lld", (long long)id), 200);
	assert_int_equal(json_integer_value(json_object_get(o, "last_seq")), 2);
	json_t *a0 = json_array_get(json_object_get(o, "actions"), 0);
	assert_string_equal(json_string_value(json_object_get(a0, "status")), "completed");
	assert_string_equal(json_string_value(json_object_get(a0, "result")), "3 phones seized");
	json_t *a1 = json_array_get(json_object_get(o, "actions"), 1);
	assert_string_equal(json_string_value(json_object_get(a1, "status")), "planned");
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "timezones"),
	                    "ME")), "Europe/Podgorica");
	json_decref(o);
	/* The demo's completed day. */
	assert_int_equal(api_getf(tok_se, &o, "/api/v1/actiondays/1"), 200);
	json_t *v;
	size_t i;
	json_array_foreach(json_object_get(o, "actions"), i, v)
		assert_string_equal(json_string_value(json_object_get(v, "status")), "completed");
	json_decref(o);
}

/*
 * Outcomes wait for the day to begin in the action's country (409, saying
 * from when); a completed action's outcome changes only as a correction with
 * its reason (400 without).
 */
static void test_api_actionday__outcomes_on_the_day_corrections_with_reason(void **state)
{
	(void)state;
	int64_t rs, me;
	json_t *o = NULL;
	char p[96];
	new_day_on("2099-06-01", &rs, &me);
	snprintf(p, sizeof(p), "/api/v1/actions/%lld/updates", (long long)rs);
	assert_int_equal(post(tok_rs, p, "{\"status\":\"completed\",\"result\":\"done\"}", &o), 409);
	assert_non_null(strstr(api_assert_error(o), "takes place on 2099-06-01: its outcome can be "
	                       "posted once that day has begun in RS (2099-05-31T22:00:00Z)"));
	json_decref(o);
	update(tok_rs, rs, "started", "on the way", 201);
	update(tok_rs, rs, "failed", "no", 409);

	new_day(&rs, &me);
	snprintf(p, sizeof(p), "/api/v1/actions/%lld/updates", (long long)rs);
	update(tok_rs, rs, "completed", "2 laptops seized", 201);
	assert_int_equal(post(tok_rs, p, "{\"status\":\"failed\"}", &o), 400);
	assert_non_null(strstr(api_assert_error(o), "is a correction; give its reason in "
	                       "\"correction\""));
	json_decref(o);
	assert_int_equal(post(tok_rs, p, "{\"status\":\"failed\",\"result\":\"nothing seized\","
	                      "\"correction\":\"the laptops were not there\"}", &o), 201);
	assert_string_equal(json_string_value(json_object_get(o, "result")),
	                    "nothing seized (correction: the laptops were not there)");
	json_decref(o);
	assert_int_equal(post(tok_rs, p, "{\"status\":\"failed\",\"correction\":\"again\"}", &o),
	                 400);
	json_decref(o);
}

static void test_api_actionday__stream_order_and_catch_up(void **state)
{
	(void)state;
	int64_t rs, me, id = new_day(&rs, &me);
	char p[96], res[64];
	api_sse s;
	snprintf(p, sizeof(p), "/api/v1/actiondays/%lld/stream", (long long)id);
	assert_int_equal(api_sse_open(&s, p, tok_se, NULL), 0);
	api_sse_wait(&s, 1, 300); /* the headers */
	assert_int_equal(s.status, 200);
	assert_non_null(strstr(s.content_type, "text/event-stream"));
	/* 20 updates from two teams: all of them, in order, each well within a second. */
	for (int i = 1; i <= 20; i++) {
		snprintf(res, sizeof(res), "step %d", i);
		update(i % 2 ? tok_rs : tok_me, i % 2 ? rs : me, i <= 2 ? "started" : "completed", res,
		       201);
	}
	int64_t t0 = api_now_ms();
	assert_int_equal(api_sse_wait(&s, 20, 5000), 20);
	assert_true(api_now_ms() - t0 < 1000);
	for (size_t i = 0; i < 20; i++) {
		json_t *d = json_object_get(json_array_get(s.events, i), "data");
		snprintf(res, sizeof(res), "step %zu", i + 1);
		assert_int_equal(api_sse_id(&s, i), (int64_t)i + 1);
		assert_int_equal(json_integer_value(json_object_get(d, "seq")), (int64_t)i + 1);
		assert_string_equal(json_string_value(json_object_get(d, "result")), res);
		assert_string_equal(json_string_value(json_object_get(d, "org")), i % 2 ? "ME" : "RS");
	}
	api_sse_close(&s);
	/* Reconnecting after event 12: 13..20 from the store first, then live ones. */
	assert_int_equal(api_sse_open(&s, p, tok_se, "12"), 0);
	assert_int_equal(api_sse_wait(&s, 8, 3000), 8);
	for (int i = 21; i <= 25; i++) {
		snprintf(res, sizeof(res), "step %d", i);
		update(tok_rs, rs, "completed", res, 201);
	}
	assert_int_equal(api_sse_wait(&s, 13, 3000), 13);
	/* An update written by another process (the CLI on the same data) reaches the stream. */
	char cmd[1024];
	const char *bin = getenv("CU_BIN");
	assert_non_null(bin);
	snprintf(cmd, sizeof(cmd), "'%s' actiondays update %lld completed --result 'from the CLI' "
	         "--data '%s' --as me >/dev/null", bin, (long long)me, api_srv.data);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(api_sse_wait(&s, 14, 3000), 14);
	for (size_t i = 0; i < 14; i++)
		assert_int_equal(api_sse_id(&s, i), (int64_t)i + 13);
	assert_string_equal(json_string_value(json_object_get(json_object_get(json_array_get(
	                    s.events, 13), "data"), "result")), "from the CLI");
	api_sse_close(&s);
	/* The same from the JSON list, and a bad Last-Event-ID refused. */
	json_t *o = NULL;
	assert_int_equal(api_getf(tok_se, &o, "/api/v1/actiondays/%lld/updates?after=20",
	                          (long long)id), 200);
	assert_int_equal(json_array_size(o), 6);
	json_decref(o);
	assert_int_equal(api_sse_open(&s, p, tok_se, "x"), 0);
	api_sse_wait(&s, 1, 2000);
	assert_int_equal(s.status, 400);
	api_sse_close(&s);
	/* Need-to-know: no stream for who does not see the case. */
	assert_int_equal(api_sse_open(&s, p, tok_ua, NULL), 0);
	api_sse_wait(&s, 1, 2000);
	assert_int_equal(s.status, 404);
	api_sse_close(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api_actionday__plan_state_and_refusals),
		cmocka_unit_test(test_api_actionday__outcomes_on_the_day_corrections_with_reason),
		cmocka_unit_test(test_api_actionday__stream_order_and_catch_up),
	};
	return cmocka_run_group_tests_name("api_actionday", tests, setup, teardown);
}
