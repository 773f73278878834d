/* SPDX-License-Identifier: Apache-2.0 */
/*
 * api tests: login throttling per account and per client address, session
 * lifetime, and the audit trail of what security depends on (failed and
 * refused logins, refusals of what one sees but may not do, grants).
 * The server runs with small limits and short windows so that the test can
 * wait for them to pass.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "../unit/testdb.h"

#define WINDOW 4 /* seconds */

static int setup(void **state)
{
	static const char *const extra[] = {"--login-limit-account=3", "--login-limit-address=8",
	                                    "--login-window=4", "--session-ttl=7",
	                                    "--session-idle=3", NULL};
	int st;
	if (api_group_setup(state) != 0)
		return -1;
	if (api_server_stop(&api_srv, SIGTERM, &st) != 0)
		return -1;
	memset(api_srv.extra, 0, sizeof(api_srv.extra));
	for (size_t i = 0; extra[i]; i++)
		api_srv.extra[i] = extra[i];
	return api_server_start(&api_srv);
}

/* POST /api/v1/session; the answer in *r. */
static long login(api_resp *r, const char *user, const char *password)
{
	char body[256];
	snprintf(body, sizeof(body), "{\"username\":\"%s\",\"password\":\"%s\"}", user, password);
	api_req rq = {.method = "POST", .path = "/api/v1/session", .body = body};
	memset(r, 0, sizeof(*r));
	assert_int_equal(api_send(&rq, r), 0);
	return r->status;
}

static long login_status(const char *user, const char *password)
{
	api_resp r;
	long st = login(&r, user, password);
	api_resp_free(&r);
	return st;
}

/* Events of an action in the audit trail, straight from the records. */
static int64_t events(const char *action, const char *user)
{
	char sql[256];
	int64_t n;
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM events WHERE action = '%s' AND "
	         "actor = '%s'", action, user);
	tdb_exec(api_srv.data, sql, false, &n);
	return n;
}

/* Waits until the window of the failures so far has passed. */
static void wait_window(void)
{
	sleep(WINDOW + 1);
}

static void test_api_throttle__account_refused_after_limit(void **state)
{
	(void)state;
	api_resp right, wrong, ghost;
	for (int i = 0; i < 3; i++)
		assert_int_equal(login_status("rs", "wrong"), 401);
	/* The fourth attempt is refused whatever the password: the right one too. */
	assert_int_equal(login(&right, "rs", "demo"), 429);
	assert_int_equal(login(&wrong, "rs", "nope"), 429);
	api_assert_fails(right.status, right.json, 429, "rate_limited");
	assert_string_equal(right.body, wrong.body);
	/* An account that does not exist is throttled the same way, answer for answer. */
	for (int i = 0; i < 3; i++)
		assert_int_equal(login_status("nosuchuser", "wrong"), 401);
	assert_int_equal(login(&ghost, "nosuchuser", "demo"), 429);
	assert_string_equal(ghost.body, right.body);
	/* Other accounts from the same address are not held up (6 failures < 8). */
	char *me = api_login("me", "demo");
	assert_non_null(me);
	free(me);
	/* On the record: each failure and each refusal. */
	assert_int_equal(events("auth.login_failed", "rs"), 3);
	assert_int_equal(events("auth.login_limited", "rs"), 2);
	assert_int_equal(events("auth.login_limited", "nosuchuser"), 1);
	api_resp_free(&right);
	api_resp_free(&wrong);
	api_resp_free(&ghost);
	/* When the window has passed, the account logs in again. */
	wait_window();
	char *rs = api_login("rs", "demo");
	assert_non_null(rs);
	free(rs);
}

static void test_api_throttle__retry_after_names_the_window(void **state)
{
	(void)state;
	wait_window();
	for (int i = 0; i < 3; i++)
		assert_int_equal(login_status("ua", "wrong"), 401);
	/* The harness's answer does not keep Retry-After: ask with a raw request. */
	int fd = api_raw_connect();
	assert_true(fd >= 0);
	static const char body[] = "{\"username\":\"ua\",\"password\":\"demo\"}";
	char req[512];
	int len = snprintf(req, sizeof(req), "POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	                   "Content-Type: application/json\r\nContent-Length: %zu\r\n"
	                   "Connection: close\r\n\r\n%s", strlen(body), body);
	assert_int_equal(write(fd, req, (size_t)len), len);
	char buf[4096];
	size_t got = 0;
	ssize_t n;
	while (got + 1 < sizeof(buf) && (n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	close(fd);
	if (!strstr(buf, " 429 "))
		fprintf(stderr, "%s\n", buf);
	assert_non_null(strstr(buf, " 429 "));
	const char *ra = strcasestr(buf, "\r\nretry-after: ");
	assert_non_null(ra);
	long secs = strtol(ra + 15, NULL, 10);
	assert_true(secs >= 1 && secs <= WINDOW);
}

static void test_api_throttle__address_refused_after_limit(void **state)
{
	(void)state;
	char user[32];
	wait_window();
	/* Eight failures spread over accounts, each below its own limit. */
	for (int i = 0; i < 8; i++) {
		snprintf(user, sizeof(user), "spray%d", i % 4);
		assert_int_equal(login_status(user, "wrong"), 401);
	}
	/* Now every login from this address is refused, good passwords too. */
	assert_int_equal(login_status("lt", "demo"), 429);
	assert_int_equal(login_status("fr", "demo"), 429);
	/* Tokens already issued keep working: only logging in is throttled. */
	wait_window();
	char *lt = api_login("lt", "demo");
	assert_non_null(lt);
	json_t *me = NULL;
	assert_int_equal(api_getf(lt, &me, "/api/v1/me"), 200);
	json_decref(me);
	free(lt);
}

/* A session in use lasts its lifetime (--session-ttl=7), and not a moment more. */
static void test_api_throttle__session_expires(void **state)
{
	(void)state;
	wait_window();
	char *t = api_login("se", "demo");
	json_t *me = NULL;
	assert_non_null(t);
	int64_t t0 = api_now_ms();
	/* Used every second: idleness (3 s) never ends it. */
	while (api_now_ms() - t0 < 5000) {
		assert_int_equal(api_getf(t, &me, "/api/v1/me"), 200);
		json_decref(me);
		me = NULL;
		sleep(1);
	}
	sleep(3);
	long st = api_getf(t, &me, "/api/v1/me");
	api_assert_fails(st, me, 401, "unauthenticated");
	json_decref(me);
	free(t);
}

/* A session left unused for --session-idle=3 seconds ends; an API token does not. */
static void test_api_throttle__idle_session_ends(void **state)
{
	(void)state;
	char *t = api_login("se", "demo");
	json_t *me = NULL, *out = NULL;
	assert_non_null(t);
	assert_int_equal(api_requestj("POST", "/api/v1/tokens", t, json_pack("{s:s}", "label",
	                                                                     "script"), &out), 201);
	char *api = strdup(json_string_value(json_object_get(out, "token")));
	json_decref(out);
	sleep(4);
	long st = api_getf(t, &me, "/api/v1/me");
	api_assert_fails(st, me, 401, "unauthenticated");
	assert_non_null(strstr(api_assert_error(me), "idle"));
	json_decref(me);
	me = NULL;
	assert_int_equal(api_getf(api, &me, "/api/v1/me"), 200);
	json_decref(me);
	free(api);
	free(t);
}

static void test_api_throttle__logout_revokes(void **state)
{
	(void)state;
	char *t = api_login("se", "demo");
	json_t *out = NULL;
	long st = 0;
	assert_non_null(t);
	api_request("DELETE", "/api/v1/session", t, NULL, &st, NULL);
	assert_int_equal(st, 204);
	st = api_getf(t, &out, "/api/v1/me");
	api_assert_fails(st, out, 401, "unauthenticated");
	json_decref(out);
	assert_true(events("auth.logout", "se") >= 1);
	free(t);
}

/* What one sees but may not do is refused with 403, and that is on record. */
static void test_api_throttle__refusals_are_audited(void **state)
{
	(void)state;
	char *obs = api_login("se-observer", "demo");
	json_t *out = NULL;
	assert_non_null(obs);
	int64_t before = events("access.denied", "se-observer");
	long st = api_requestj("POST", "/api/v1/cases", obs,
	                       json_pack("{s:s,s:[s]}", "title", "Not mine to open", "crime_types",
	                                 "cybercrime"), &out);
	api_assert_fails(st, out, 403, "forbidden");
	json_decref(out);
	st = api_requestj("PUT", "/api/v1/match/threshold", obs, json_pack("{s:f}", "threshold",
	                                                                    0.9), &out);
	api_assert_fails(st, out, 403, "forbidden");
	json_decref(out);
	assert_int_equal(events("access.denied", "se-observer"), before + 2);
	/* The record names the route and the path asked for. */
	int64_t n;
	tdb_exec(api_srv.data, "SELECT count(*) FROM events WHERE action = 'access.denied' AND "
	         "object_id = 'PUT /api/v1/match/threshold'", false, &n);
	assert_int_equal(n, 1);
	/* Grants and their revocation are on record too (test_api_acl makes them). */
	assert_true(events("grant.create", "lt") >= 1); /* the demo's grant to the ICC */
	free(obs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api_throttle__account_refused_after_limit),
		cmocka_unit_test(test_api_throttle__retry_after_names_the_window),
		cmocka_unit_test(test_api_throttle__address_refused_after_limit),
		cmocka_unit_test(test_api_throttle__session_expires),
		cmocka_unit_test(test_api_throttle__idle_session_ends),
		cmocka_unit_test(test_api_throttle__logout_revokes),
		cmocka_unit_test(test_api_throttle__refusals_are_audited),
	};
	return cmocka_run_group_tests(tests, setup, api_group_teardown);
}
