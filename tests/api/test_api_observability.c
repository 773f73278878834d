/* SPDX-License-Identifier: Apache-2.0 */
/*
 * api tests: observability — the request log on stderr (JSON lines, no
 * secrets, request ids), GET /metrics (Prometheus text, counters, access),
 * GET /readyz and GET /api/v1/version, and the serve flags that change them.
 */
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

/* ---- helpers ---------------------------------------------------------- */

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* A request id no other request of this program uses. */
static void new_id(char *out, size_t n, const char *what)
{
	static int seq;
	snprintf(out, n, "t-%s-%d", what, ++seq);
}

/* GET (or method) path with token and X-Request-Id id; the answer in *r. */
static void send_id(api_resp *r, const char *method, const char *path, const char *token,
                    const char *body, const char *id)
{
	char h[128];
	snprintf(h, sizeof(h), "X-Request-Id: %s", id);
	api_req rq = {.method = method, .path = path, .token = token, .body = body,
	              .headers = {h}};
	assert_int_equal(api_send(&rq, r), 0);
}

/*
 * The request log line whose request_id is id (caller decrefs). The line is
 * written as h2o disposes of the request, just after the answer went out:
 * wait for it, up to 5 s.
 */
static json_t *log_line(const char *id)
{
	for (int64_t deadline = api_now_ms() + 5000; api_now_ms() < deadline; sleep_ms(10)) {
		char *text = api_server_stderr(&api_srv), *p = text;
		assert_non_null(text);
		while (p && *p) {
			char *nl = strchr(p, '\n');
			if (nl)
				*nl = '\0';
			json_t *j = json_loads(p, 0, NULL);
			if (j && json_is_string(json_object_get(j, "request_id")) &&
			    !strcmp(json_string_value(json_object_get(j, "request_id")), id) &&
			    !strcmp(json_string_value(json_object_get(j, "msg")), "request")) {
				free(text);
				return j;
			}
			json_decref(j);
			p = nl ? nl + 1 : NULL;
		}
		free(text);
	}
	fail_msg("no log line for request %s", id);
	return NULL;
}

static bool matches(const char *re, const char *s)
{
	regex_t rx;
	assert_int_equal(regcomp(&rx, re, REG_EXTENDED | REG_NOSUB), 0);
	bool m = regexec(&rx, s, 0, NULL, 0) == 0;
	regfree(&rx);
	return m;
}

/* /metrics as admin (the answer's body; caller frees). */
static char *scrape(const char *token)
{
	api_resp r;
	api_req rq = {.path = "/metrics", .token = token};
	assert_int_equal(api_send(&rq, &r), 0);
	assert_int_equal(r.status, 200);
	char *body = strdup(r.body);
	api_resp_free(&r);
	return body;
}

/* The value of the sample `series` (name{labels} exactly) in a scrape; 0 if absent. */
static double sample(const char *text, const char *series)
{
	size_t n = strlen(series);
	for (const char *p = text; p && *p;) {
		if (!strncmp(p, series, n) && p[n] == ' ')
			return strtod(p + n + 1, NULL);
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return 0;
}

/* Restarts the server with other serve options (NULL-terminated list). */
static void restart(const char *const *extra)
{
	int st;
	assert_int_equal(api_server_stop(&api_srv, SIGTERM, &st), 0);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	memset(api_srv.extra, 0, sizeof(api_srv.extra));
	for (size_t i = 0; extra && extra[i]; i++)
		api_srv.extra[i] = extra[i];
	assert_int_equal(api_server_start(&api_srv), 0);
}

/* ---- the request log -------------------------------------------------- */

static void test_api_observability__log_lines_are_json(void **state)
{
	(void)state;
	char *tok = api_login_demo("se");
	char id_anon[40], id_user[40], id_none[40], id_case[40];
	api_resp r;
	new_id(id_anon, sizeof(id_anon), "anon");
	new_id(id_user, sizeof(id_user), "user");
	new_id(id_none, sizeof(id_none), "none");
	new_id(id_case, sizeof(id_case), "case");
	send_id(&r, "GET", "/healthz", NULL, NULL, id_anon);
	assert_int_equal(r.status, 200);
	api_resp_free(&r);
	send_id(&r, "GET", "/api/v1/me", tok, NULL, id_user);
	assert_int_equal(r.status, 200);
	api_resp_free(&r);
	send_id(&r, "GET", "/no/such/thing", NULL, NULL, id_none);
	assert_int_equal(r.status, 404);
	api_resp_free(&r);
	send_id(&r, "GET", "/api/v1/cases/2026%2F0001", tok, NULL, id_case);
	assert_int_equal(r.status, 200);
	size_t case_bytes = r.len;
	api_resp_free(&r);

	/* Each of them: one line with every field. */
	json_t *anon = log_line(id_anon), *user = log_line(id_user), *none = log_line(id_none),
	       *cs = log_line(id_case);
	json_t *lines[] = {anon, user, none, cs};
	for (size_t i = 0; i < 4; i++) {
		json_t *l = lines[i];
		assert_string_equal(json_string_value(json_object_get(l, "level")), "info");
		assert_true(matches("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
		                    json_string_value(json_object_get(l, "time"))));
		assert_string_equal(json_string_value(json_object_get(l, "method")), "GET");
		assert_true(json_is_string(json_object_get(l, "route")));
		assert_true(json_is_integer(json_object_get(l, "status")));
		assert_true(json_is_number(json_object_get(l, "duration_ms")));
		assert_true(json_number_value(json_object_get(l, "duration_ms")) >= 0);
		assert_true(json_is_integer(json_object_get(l, "bytes")));
	}
	assert_string_equal(json_string_value(json_object_get(anon, "route")), "/healthz");
	assert_int_equal(json_integer_value(json_object_get(anon, "status")), 200);
	assert_null(json_object_get(anon, "user"));
	assert_null(json_object_get(anon, "org"));
	assert_string_equal(json_string_value(json_object_get(user, "route")), "/api/v1/me");
	assert_string_equal(json_string_value(json_object_get(user, "user")), "se");
	assert_string_equal(json_string_value(json_object_get(user, "org")), "SE");
	assert_string_equal(json_string_value(json_object_get(none, "route")), "(none)");
	assert_int_equal(json_integer_value(json_object_get(none, "status")), 404);
	/* The template, not the reference the path named. */
	assert_string_equal(json_string_value(json_object_get(cs, "route")), "/api/v1/cases/{id}");
	assert_int_equal(json_integer_value(json_object_get(cs, "bytes")), (json_int_t)case_bytes);
	for (size_t i = 0; i < 4; i++)
		json_decref(lines[i]);

	/* And every line the server wrote is a JSON object with time, level and msg. */
	char *text = api_server_stderr(&api_srv);
	size_t n = 0;
	for (char *p = text; p && *p;) {
		char *nl = strchr(p, '\n');
		assert_non_null(nl); /* whole lines only */
		*nl = '\0';
		json_t *j = json_loads(p, 0, NULL);
		if (!j)
			fail_msg("not a JSON line: %s", p);
		assert_true(json_is_object(j));
		assert_true(json_is_string(json_object_get(j, "time")));
		const char *lvl = json_string_value(json_object_get(j, "level"));
		assert_true(lvl && (!strcmp(lvl, "info") || !strcmp(lvl, "warn") ||
		                    !strcmp(lvl, "error")));
		assert_true(json_is_string(json_object_get(j, "msg")));
		json_decref(j);
		n++;
		p = nl + 1;
	}
	assert_true(n >= 4);
	free(text);
	free(tok);
}

static void test_api_observability__log_keeps_secrets_out(void **state)
{
	(void)state;
	static const char password[] = "Quartz-Zebra-9817-pass";
	static const char wrong[] = "Wrong-Heron-5533-pass";
	static const char query[] = "Xylophonic7731";
	static const char title[] = "Confidential-Title-4620";
	char *admin = api_login_demo("se-admin"), id[40], path[128];
	api_resp r;
	json_t *out = NULL;

	/* A user of our own, so that the password is one nothing else contains. */
	assert_int_equal(api_requestj("POST", "/api/v1/users", admin, json_pack(
		"{s:s,s:s,s:s}", "username", "obs-secret", "password", password, "role",
		"prosecutor"), &out), 201);
	json_decref(out);
	char *tok = api_login("obs-secret", password);
	assert_non_null(tok);
	assert_null(api_login("obs-secret", wrong));

	/* The token as bearer, and as the web application's cookie. */
	new_id(id, sizeof(id), "bearer");
	send_id(&r, "GET", "/api/v1/me", tok, NULL, id);
	assert_int_equal(r.status, 200);
	api_resp_free(&r);
	json_decref(log_line(id));
	char cookie[256];
	snprintf(cookie, sizeof(cookie), "Cookie: custodia_session=%s", tok);
	new_id(id, sizeof(id), "cookie");
	char hid[64];
	snprintf(hid, sizeof(hid), "X-Request-Id: %s", id);
	api_req rq = {.path = "/api/v1/me", .headers = {cookie, hid}};
	assert_int_equal(api_send(&rq, &r), 0);
	assert_int_equal(r.status, 200);
	api_resp_free(&r);
	json_t *l = log_line(id);
	assert_string_equal(json_string_value(json_object_get(l, "user")), "obs-secret");
	json_decref(l);

	/* A search (its query names what is looked for) and a body with a title. */
	snprintf(path, sizeof(path), "/api/v1/search?q=%s", query);
	new_id(id, sizeof(id), "search");
	send_id(&r, "GET", path, tok, NULL, id);
	assert_int_equal(r.status, 200);
	api_resp_free(&r);
	l = log_line(id);
	assert_string_equal(json_string_value(json_object_get(l, "route")), "/api/v1/search");
	json_decref(l);
	char body[160];
	snprintf(body, sizeof(body), "{\"title\":\"%s\",\"crime_types\":[\"other\"]}", title);
	new_id(id, sizeof(id), "body");
	send_id(&r, "POST", "/api/v1/cases", tok, body, id);
	assert_int_equal(r.status, 201);
	api_resp_free(&r);
	json_decref(log_line(id));

	/* The lines are there; none of the secrets, the query or the body is. */
	char *text = api_server_stderr(&api_srv);
	const char *secret = strchr(tok, '.') + 1;
	assert_non_null(strstr(text, "\"/api/v1/session\""));
	const char *never[] = {password, wrong, tok, secret, query, title, "q=", "Bearer",
	                       "custodia_session", "uthorization", "2026/0001"};
	for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		if (strstr(text, never[i]))
			fail_msg("the log holds \"%s\"", never[i]);
	free(text);
	free(tok);
	free(admin);
}

static void test_api_observability__request_id_round_trips(void **state)
{
	(void)state;
	api_resp r;
	/* A well-formed id comes back, and names the log line. */
	send_id(&r, "GET", "/healthz", NULL, NULL, "Trace_42.abc-DEF");
	assert_string_equal(r.request_id, "Trace_42.abc-DEF");
	api_resp_free(&r);
	json_decref(log_line("Trace_42.abc-DEF"));
	char longest[65];
	memset(longest, 'a', 64);
	longest[64] = '\0';
	send_id(&r, "GET", "/healthz", NULL, NULL, longest);
	assert_string_equal(r.request_id, longest);
	api_resp_free(&r);

	/* Ill-formed ones (a space, a quote, 65 characters) are replaced by 16 hex digits. */
	char toolong[66];
	memset(toolong, 'b', 65);
	toolong[65] = '\0';
	const char *bad[] = {"has space", "quote\"d", toolong, "semi;colon"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		send_id(&r, "GET", "/healthz", NULL, NULL, bad[i]);
		assert_int_equal(r.status, 200);
		if (!matches("^[0-9a-f]{16}$", r.request_id))
			fail_msg("\"%s\" came back as \"%s\"", bad[i], r.request_id);
		api_resp_free(&r);
	}
	/* Without one: a fresh id each time, also on errors. */
	char first[80];
	api_req rq = {.path = "/healthz"};
	assert_int_equal(api_send(&rq, &r), 0);
	assert_true(matches("^[0-9a-f]{16}$", r.request_id));
	snprintf(first, sizeof(first), "%s", r.request_id);
	api_resp_free(&r);
	rq.path = "/api/v1/me"; /* 401 */
	assert_int_equal(api_send(&rq, &r), 0);
	assert_int_equal(r.status, 401);
	assert_true(matches("^[0-9a-f]{16}$", r.request_id));
	assert_string_not_equal(r.request_id, first);
	api_resp_free(&r);
	json_decref(log_line(first));
}

/* ---- /metrics ------------------------------------------------------- */

static void test_api_observability__metrics_are_prometheus_text(void **state)
{
	(void)state;
	char *admin = api_login_demo("admin");
	api_resp r;
	api_req rq = {.path = "/metrics", .token = admin};
	assert_int_equal(api_send(&rq, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.content_type, "text/plain; version=0.0.4"));
	/* Every line a comment or name{labels} value; every sample's name declared. */
	const char *comment = "^# (HELP [a-z_:][a-z0-9_:]* .+|TYPE [a-z_:][a-z0-9_:]* "
	                      "(counter|gauge|histogram))$";
	const char *sample_re = "^[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|"
	                        "\\\\.)*\"(,[a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\")*)?\\})? "
	                        "-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?$";
	size_t samples = 0;
	char *text = strdup(r.body);
	assert_true(r.len > 0 && r.body[r.len - 1] == '\n');
	for (char *p = text; *p;) {
		char *nl = strchr(p, '\n');
		assert_non_null(nl);
		*nl = '\0';
		if (p[0] == '#') {
			if (!matches(comment, p))
				fail_msg("not a HELP or TYPE line: %s", p);
		} else {
			if (!matches(sample_re, p))
				fail_msg("not a sample: %s", p);
			samples++;
		}
		p = nl + 1;
	}
	free(text);
	assert_true(samples > 10);
	const char *names[] = {"# TYPE custodia_http_requests_total counter",
	                       "# TYPE custodia_http_request_duration_seconds histogram",
	                       "# TYPE custodia_ingest_bytes_total counter",
	                       "# TYPE custodia_ledger_size gauge",
	                       "# TYPE custodia_checkpoint_age_seconds gauge",
	                       "# TYPE custodia_jobs_queued gauge",
	                       "# TYPE custodia_hits_pending gauge",
	                       "# TYPE custodia_store_errors_total counter",
	                       "# TYPE custodia_blobstore_errors_total counter",
	                       "# TYPE custodia_build_info gauge",
	                       "# TYPE process_start_time_seconds gauge"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strstr(r.body, names[i]))
			fail_msg("missing: %s", names[i]);
	/* The figures are the installation's: the demo's ledger and a fresh checkpoint. */
	json_t *cp = NULL;
	assert_int_equal(api_getf(NULL, &cp, "/api/v1/ledger/checkpoint"), 200);
	double size = sample(r.body, "custodia_ledger_size");
	assert_true(size >= (double)json_integer_value(json_object_get(cp, "size")));
	assert_true(size > 0);
	json_decref(cp);
	double age = sample(r.body, "custodia_checkpoint_age_seconds");
	assert_true(age >= 0 && age < 3600);
	assert_true(sample(r.body, "process_start_time_seconds") > 1.7e9);
	char build[256];
	snprintf(build, sizeof(build), "custodia_build_info{version=\"%s\",schema=\"", CU_VERSION);
	assert_non_null(strstr(r.body, build));
	/* Counts only: no case reference, user or organisation name. */
	assert_null(strstr(r.body, "2026/0001"));
	assert_null(strstr(r.body, "user="));
	assert_null(strstr(r.body, "org="));
	api_resp_free(&r);
	free(admin);
}

static void test_api_observability__metrics_count_requests(void **state)
{
	(void)state;
	char *admin = api_login_demo("admin");
	static const char ok[] = "custodia_http_requests_total{method=\"GET\",route=\"/healthz\","
	                         "status=\"200\"}";
	static const char miss[] = "custodia_http_requests_total{method=\"GET\",route=\"(none)\","
	                           "status=\"404\"}";
	static const char hist[] = "custodia_http_request_duration_seconds_count{route=\"/healthz\"}";
	static const char inf[] = "custodia_http_request_duration_seconds_bucket{route=\"/healthz\","
	                          "le=\"+Inf\"}";
	char *before = scrape(admin);
	for (int i = 0; i < 3; i++)
		assert_int_equal(api_getf(NULL, NULL, "/healthz"), 200);
	assert_int_equal(api_getf(NULL, NULL, "/no/such/route"), 404);
	/* Counted as each request is disposed of: wait for the last one. */
	char *after = NULL;
	for (int64_t deadline = api_now_ms() + 5000; api_now_ms() < deadline; sleep_ms(10)) {
		free(after);
		after = scrape(admin);
		if (sample(after, miss) >= sample(before, miss) + 1)
			break;
	}
	assert_true(sample(after, ok) == sample(before, ok) + 3);
	assert_true(sample(after, miss) == sample(before, miss) + 1);
	assert_true(sample(after, hist) == sample(before, hist) + 3);
	assert_true(sample(after, inf) == sample(after, hist));
	/* The scrape before this one is counted too. */
	assert_true(sample(after, "custodia_http_requests_total{method=\"GET\",route=\"/metrics\","
	                          "status=\"200\"}") >= 1);
	free(before);
	free(after);
	free(admin);
}

static void test_api_observability__metrics_count_ingest_and_hits(void **state)
{
	(void)state;
	char *admin = api_login_demo("admin"), *se = api_login_demo("se");
	char *before = scrape(admin);
	/* 11 bytes of evidence in one chunk. */
	json_t *out = NULL;
	char path[128];
	int64_t cid = api_case_create(se, "{\"title\":\"Metrics\",\"crime_types\":[\"other\"]}");
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/uploads", (long long)cid);
	assert_int_equal(api_requestj("POST", path, se, json_pack("{s:s}", "title", "m"), &out),
	                 201);
	snprintf(path, sizeof(path), "/api/v1/uploads/%s?offset=0",
	         json_string_value(json_object_get(out, "id")));
	json_decref(out);
	assert_int_equal(api_put_raw(se, path, "hello world", 11, NULL), 200);
	/* A hit: the same phone number in two of se's cases. */
	int64_t other = api_case_create(se, "{\"title\":\"Metrics 2\",\"crime_types\":[\"other\"]}");
	const char *phone = "{\"kind\":\"phone\",\"number\":\"+381 64 777 1234\"}";
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/entities", (long long)cid);
	assert_int_equal(api_requestj("POST", path, se, json_loads(phone, 0, NULL), NULL), 201);
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/entities", (long long)other);
	assert_int_equal(api_requestj("POST", path, se, json_loads(phone, 0, NULL), NULL), 201);
	char *after = scrape(admin);
	assert_true(sample(after, "custodia_ingest_bytes_total") ==
	            sample(before, "custodia_ingest_bytes_total") + 11);
	assert_true(sample(after, "custodia_hits_pending") ==
	            sample(before, "custodia_hits_pending") + 1);
	/* Every write is in the ledger. */
	assert_true(sample(after, "custodia_ledger_size") > sample(before, "custodia_ledger_size"));
	free(before);
	free(after);
	free(admin);
	free(se);
}

static void test_api_observability__metrics_need_an_operator_admin(void **state)
{
	(void)state;
	api_resp r;
	api_req rq = {.path = "/metrics"};
	assert_int_equal(api_send(&rq, &r), 0);
	assert_int_equal(r.status, 401);
	assert_string_equal(r.www_authenticate, "Bearer");
	assert_null(strstr(r.body, "custodia_http"));
	api_resp_free(&r);
	/* A prosecutor, and an organisation's administrator: not the operator's. */
	const char *users[] = {"se", "se-admin", "se-observer"};
	for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
		char *tok = api_login_demo(users[i]);
		rq.token = tok;
		assert_int_equal(api_send(&rq, &r), 0);
		if (r.status != 403)
			fail_msg("%s: /metrics answered %ld", users[i], r.status);
		api_assert_error(r.json);
		api_resp_free(&r);
		free(tok);
	}
	char *admin = api_login_demo("admin");
	rq.token = admin;
	assert_int_equal(api_send(&rq, &r), 0);
	assert_int_equal(r.status, 200);
	api_resp_free(&r);
	free(admin);
}

/* ---- /readyz and /api/v1/version -------------------------------------- */

static void test_api_observability__readyz_when_ready(void **state)
{
	(void)state;
	json_t *out = NULL;
	/* Public, and nothing but the checks. */
	assert_int_equal(api_getf(NULL, &out, "/readyz"), 200);
	json_t *want = json_loads("{\"ready\":true,\"checks\":{\"store\":\"ok\",\"blobs\":\"ok\","
	                          "\"disk\":\"ok\",\"sequencer\":\"ok\"}}", 0, NULL);
	assert_true(json_equal(out, want));
	json_decref(want);
	json_decref(out);
	assert_int_equal(api_getf(NULL, NULL, "/healthz"), 200);
}

static void test_api_observability__readyz_names_the_blob_store(void **state)
{
	(void)state;
	char blobs[400], away[400];
	snprintf(blobs, sizeof(blobs), "%s/blobs", api_srv.data);
	snprintf(away, sizeof(away), "%s/blobs.away", api_srv.data);
	/* The local blob store's directory becomes a file: lookups fail with ENOTDIR
	 * (which no permission bit of root's could stand in for). */
	assert_int_equal(rename(blobs, away), 0);
	FILE *f = fopen(blobs, "w");
	assert_non_null(f);
	fclose(f);
	json_t *out = NULL;
	long st = api_getf(NULL, &out, "/readyz");
	assert_int_equal(unlink(blobs), 0);
	assert_int_equal(rename(away, blobs), 0);
	assert_int_equal(st, 503);
	json_t *want = json_loads("{\"ready\":false,\"checks\":{\"store\":\"ok\",\"blobs\":"
	                          "\"failed\",\"disk\":\"ok\",\"sequencer\":\"ok\"}}", 0, NULL);
	if (!json_equal(out, want)) {
		char *t = json_dumps(out, JSON_COMPACT);
		fail_msg("/readyz answered %s", t ? t : "(not JSON)");
	}
	json_decref(want);
	json_decref(out);
	/* The reason is in the log, not in the answer. */
	char *text = api_server_stderr(&api_srv);
	assert_non_null(strstr(text, "\"check\":\"blobs\""));
	free(text);
	/* Back: ready again, and the failure counted. */
	assert_int_equal(api_getf(NULL, NULL, "/readyz"), 200);
	char *admin = api_login_demo("admin");
	char *m = scrape(admin);
	assert_true(sample(m, "custodia_blobstore_errors_total") >= 1);
	free(m);
	free(admin);
}

static void test_api_observability__version(void **state)
{
	(void)state;
	json_t *out = NULL;
	assert_int_equal(api_getf(NULL, &out, "/api/v1/version"), 200);
	assert_string_equal(json_string_value(json_object_get(out, "version")), CU_VERSION);
	assert_true(json_is_integer(json_object_get(out, "schema")));
	assert_true(json_integer_value(json_object_get(out, "schema")) > 0);
	assert_int_equal(json_integer_value(json_object_get(out, "database_schema")),
	                 json_integer_value(json_object_get(out, "schema")));
	/* The engine the data directory records (DATA/database holds a PostgreSQL URL). */
	char db[400];
	struct stat sb;
	snprintf(db, sizeof(db), "%s/database", api_srv.data);
	assert_string_equal(json_string_value(json_object_get(out, "store")),
	                    stat(db, &sb) == 0 && sb.st_size > 0 ? "postgresql" : "sqlite");
	json_t *build = json_object_get(out, "build");
	const char *commit = json_string_value(json_object_get(build, "commit"));
	assert_non_null(commit);
	assert_true(strlen(commit) > 0);
	assert_true(matches("^[0-9]{4}-[0-9]{2}-[0-9]{2}T",
	                    json_string_value(json_object_get(build, "date"))));
	assert_true(json_string_length(json_object_get(build, "compiler")) > 0);

	/* custodia --version --json says the same of the binary. */
	char cmd[512], line[1024];
	snprintf(cmd, sizeof(cmd), "'%s' --version --json", getenv("CU_BIN"));
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t n = fread(line, 1, sizeof(line) - 1, p);
	line[n] = '\0';
	assert_int_equal(pclose(p), 0);
	json_t *cli = json_loads(line, 0, NULL);
	assert_non_null(cli);
	assert_true(json_equal(json_object_get(cli, "version"), json_object_get(out, "version")));
	assert_true(json_equal(json_object_get(cli, "schema"), json_object_get(out, "schema")));
	assert_true(json_equal(json_object_get(cli, "build"), build));
	json_decref(cli);
	snprintf(cmd, sizeof(cmd), "'%s' --version", getenv("CU_BIN"));
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(line, 1, sizeof(line) - 1, p);
	line[n] = '\0';
	assert_int_equal(pclose(p), 0);
	char want[256];
	snprintf(want, sizeof(want), "custodia %s (schema %lld, commit %s)\n", CU_VERSION,
	         (long long)json_integer_value(json_object_get(out, "schema")), commit);
	assert_string_equal(line, want);
	json_decref(out);
}

/* ---- serve flags: --metrics-public, --log-format text -------------------- */

static void test_api_observability__serve_flags(void **state)
{
	(void)state;
	static const char *const flags[] = {"--metrics-public", "--log-format", "text", NULL};
	restart(flags);
	/* /metrics for anyone, with or without a token. */
	api_resp r;
	api_req rq = {.path = "/metrics"};
	assert_int_equal(api_send(&rq, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "# TYPE custodia_http_requests_total counter"));
	api_resp_free(&r);
	char *se = api_login_demo("se");
	rq.token = se;
	assert_int_equal(api_send(&rq, &r), 0);
	assert_int_equal(r.status, 200);
	api_resp_free(&r);
	free(se);
	/* Text lines: TIME LEVEL msg key=value. */
	char id[40], *text = NULL, want[160];
	new_id(id, sizeof(id), "text");
	send_id(&r, "GET", "/healthz", NULL, NULL, id);
	api_resp_free(&r);
	snprintf(want, sizeof(want), "request_id=%s method=GET route=/healthz status=200 ", id);
	for (int64_t deadline = api_now_ms() + 5000; api_now_ms() < deadline; sleep_ms(10)) {
		free(text);
		text = api_server_stderr(&api_srv);
		if (strstr(text, want))
			break;
	}
	const char *at = strstr(text, want);
	assert_non_null(at);
	const char *bol = at;
	while (bol > text && bol[-1] != '\n')
		bol--;
	char line[512];
	snprintf(line, sizeof(line), "%.*s", (int)(strchr(at, '\n') - bol), bol);
	if (!matches("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{12}Z INFO  request request_id=[^ ]+ "
	             "method=GET route=/healthz status=200 duration_ms=[0-9.e-]+ bytes=[0-9]+$",
	             line))
		fail_msg("not a text log line: %s", line);
	free(text);

	/* Back to the defaults: a token again, and JSON lines. */
	restart(NULL);
	rq.token = NULL;
	assert_int_equal(api_send(&rq, &r), 0);
	assert_int_equal(r.status, 401);
	api_resp_free(&r);
	new_id(id, sizeof(id), "json");
	send_id(&r, "GET", "/healthz", NULL, NULL, id);
	api_resp_free(&r);
	json_decref(log_line(id));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api_observability__log_lines_are_json),
		cmocka_unit_test(test_api_observability__log_keeps_secrets_out),
		cmocka_unit_test(test_api_observability__request_id_round_trips),
		cmocka_unit_test(test_api_observability__metrics_are_prometheus_text),
		cmocka_unit_test(test_api_observability__metrics_count_requests),
		cmocka_unit_test(test_api_observability__metrics_count_ingest_and_hits),
		cmocka_unit_test(test_api_observability__metrics_need_an_operator_admin),
		cmocka_unit_test(test_api_observability__readyz_when_ready),
		cmocka_unit_test(test_api_observability__readyz_names_the_blob_store),
		cmocka_unit_test(test_api_observability__version),
		cmocka_unit_test(test_api_observability__serve_flags),
	};
	return cmocka_run_group_tests(tests, api_group_setup, api_group_teardown);
}
