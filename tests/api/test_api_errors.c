/* SPDX-License-Identifier: Apache-2.0 */
/* api tests: refused requests answer the JSON error envelope and change nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char *se;

static int setup(void **state)
{
	if (api_group_setup(state) != 0)
		return -1;
	se = api_login("se", "demo");
	return se ? 0 : -1;
}

static int teardown(void **state)
{
	free(se);
	se = NULL;
	return api_group_teardown(state);
}

static size_t case_count(void)
{
	size_t n;
	free(api_case_ids(se, &n));
	return n;
}

/* The number part of a reference "YYYY/NNNN". */
static long ref_number(int64_t id)
{
	json_t *c = NULL;
	assert_int_equal(api_getf(se, &c, "/api/v1/cases/%lld", (long long)id), 200);
	const char *ref = json_string_value(json_object_get(c, "reference"));
	assert_non_null(ref);
	const char *slash = strchr(ref, '/');
	assert_non_null(slash);
	long n = strtol(slash + 1, NULL, 10);
	json_decref(c);
	return n;
}

/*
 * POSTs body (length len, 0: strlen) to path with the content type and
 * asserts the status, the error envelope and, if set, that the message
 * contains `names`.
 */
static void refused(const char *method, const char *path, const char *body, size_t len,
                    const char *type, long want, const char *names)
{
	api_resp r;
	api_req rq = {.method = method, .path = path, .token = se, .body = body, .body_len = len,
	              .content_type = type};
	assert_int_equal(api_send(&rq, &r), 0);
	if (r.status != want)
		fprintf(stderr, "%s %s %.200s -> %ld %s\n", method, path, body ? body : "", r.status,
		        r.body);
	assert_int_equal(r.status, want);
	const char *msg = api_assert_error(r.json);
	assert_non_null(strstr(r.content_type, "application/json"));
	if (names && !strstr(msg, names)) {
		fprintf(stderr, "the message \"%s\" does not name %s\n", msg, names);
		fail();
	}
	api_resp_free(&r);
}

static void bad_case(const char *body, const char *names)
{
	refused("POST", "/api/v1/cases", body, 0, NULL, 400, names);
}

static void test_api_errors__malformed_json(void **state)
{
	(void)state;
	size_t before = case_count();
	static const char *const bodies[] = {
		"{", "{\"title\":", "nul", "{'title':'x'}", "{\"title\":\"x\",}",
		"{\"title\":\"a\",\"crime_types\":[\"other\"]}{}", "{\"title\":\"a\" \"b\"}",
		"{\"title\":\"a\\u0000b\",\"crime_types\":[\"other\"]}",
	};
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++)
		bad_case(bodies[i], NULL);
	/* Valid JSON that is not an object. */
	bad_case("[]", "object");
	bad_case("\"title\"", NULL);
	bad_case("42", NULL);
	/* Duplicate keys are refused rather than resolved silently. */
	bad_case("{\"title\":\"a\",\"title\":\"b\",\"crime_types\":[\"other\"]}", NULL);
	assert_int_equal(case_count(), before);
}

static void test_api_errors__wrong_types_name_the_field(void **state)
{
	(void)state;
	size_t before = case_count();
	bad_case("{\"title\":5,\"crime_types\":[\"other\"]}", "\"title\"");
	bad_case("{\"title\":null,\"crime_types\":[\"other\"]}", "\"title\"");
	bad_case("{\"title\":[\"x\"],\"crime_types\":[\"other\"]}", "\"title\"");
	bad_case("{\"title\":\"x\",\"crime_types\":\"other\"}", "\"crime_types\"");
	bad_case("{\"title\":\"x\",\"crime_types\":[]}", "\"crime_types\"");
	bad_case("{\"title\":\"x\",\"crime_types\":[5]}", "crime_types");
	bad_case("{\"title\":\"x\",\"crime_types\":[\"other\"],\"participants\":{}}",
	         "\"participants\"");
	bad_case("{\"title\":\"x\",\"crime_types\":[\"other\"],\"participants\":[{\"org\":5}]}",
	         "\"org\"");
	bad_case("{\"title\":\"x\",\"crime_types\":[\"other\"],\"participants\":[\"RS\"]}", NULL);
	bad_case("{\"title\":\"x\",\"crime_types\":[\"other\"],\"opened_on\":20260101}",
	         "\"opened_on\"");
	bad_case("{\"title\":\"x\",\"crime_types\":[\"other\"],\"national_ref\":true}",
	         "\"national_ref\"");
	/* Missing required fields are named too. */
	bad_case("{\"crime_types\":[\"other\"]}", "\"title\"");
	bad_case("{\"title\":\"x\"}", "\"crime_types\"");
	bad_case("{}", NULL);
	/* Text rules: empty, too long, control characters. */
	bad_case("{\"title\":\"\",\"crime_types\":[\"other\"]}", "\"title\"");
	bad_case("{\"title\":\"a\\u0007b\",\"crime_types\":[\"other\"]}", "\"title\"");
	char big[400];
	memset(big, 'a', sizeof(big));
	char body[600];
	snprintf(body, sizeof(body), "{\"title\":\"%.*s\",\"crime_types\":[\"other\"]}", 301, big);
	bad_case(body, "\"title\"");
	snprintf(body, sizeof(body), "{\"title\":\"x\",\"crime_types\":[\"other\"],"
	         "\"national_ref\":\"%.*s\"}", 65, big);
	bad_case(body, "\"national_ref\"");
	assert_int_equal(case_count(), before);
}

static void test_api_errors__unknown_fields_are_named(void **state)
{
	(void)state;
	size_t before = case_count();
	bad_case("{\"title\":\"x\",\"crime_types\":[\"other\"],\"colour\":\"red\"}", "\"colour\"");
	bad_case("{\"title\":\"x\",\"crime_types\":[\"other\"],\"status\":\"closed\"}", "\"status\"");
	bad_case("{\"title\":\"x\",\"crime_types\":[\"other\"],\"participants\":"
	         "[{\"org\":\"RS\",\"role\":\"member\"}]}", "\"role\"");
	refused("POST", "/api/v1/session", "{\"username\":\"se\",\"password\":\"demo\",\"otp\":1}",
	        0, NULL, 400, "\"otp\"");
	assert_int_equal(case_count(), before);
}

static void test_api_errors__invalid_utf8(void **state)
{
	(void)state;
	size_t before = case_count();
	static const char *const bodies[] = {
		"{\"title\":\"caf\xe9\",\"crime_types\":[\"other\"]}",      /* Latin-1 */
		"{\"title\":\"\xc0\xaf\",\"crime_types\":[\"other\"]}",     /* overlong '/' */
		"{\"title\":\"\xed\xa0\x80\",\"crime_types\":[\"other\"]}", /* a surrogate */
		"{\"title\":\"\xf4\x90\x80\x80\",\"crime_types\":[\"other\"]}", /* > U+10FFFF */
		"{\"title\":\"x\",\"crime_types\":[\"other\"]}\xff",
		"{\"title\":\"\xe2\x82\",\"crime_types\":[\"other\"]}", /* truncated sequence */
	};
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++)
		bad_case(bodies[i], NULL);
	/* Valid UTF-8 goes through. */
	int64_t id = api_case_create(se, "{\"title\":\"Caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x8d\","
	                                 "\"crime_types\":[\"other\"]}");
	json_t *c = NULL;
	assert_int_equal(api_getf(se, &c, "/api/v1/cases/%lld", (long long)id), 200);
	assert_string_equal(json_string_value(json_object_get(c, "title")),
	                    "Caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x8d");
	json_decref(c);
	assert_int_equal(case_count(), before + 1);
}

static void test_api_errors__unknown_reference_values(void **state)
{
	(void)state;
	size_t before = case_count();
	bad_case("{\"title\":\"x\",\"crime_types\":[\"jaywalking\"]}", "jaywalking");
	bad_case("{\"title\":\"x\",\"crime_types\":[\"other\",\"Drug_Trafficking\"]}",
	         "Drug_Trafficking");
	bad_case("{\"title\":\"x\",\"crime_types\":[\"other\"],\"participants\":[{\"org\":\"ZZ\"}]}",
	         "ZZ");
	bad_case("{\"title\":\"x\",\"crime_types\":[\"other\"],\"participants\":[{\"org\":\"rs\"}]}",
	         NULL);
	bad_case("{\"title\":\"x\",\"crime_types\":[\"other\"],\"participants\":"
	         "[{\"org\":\"RS\",\"access\":\"admin\"}]}", "\"access\"");
	/* The requesting organisation cannot also be listed as a participant. */
	bad_case("{\"title\":\"x\",\"crime_types\":[\"other\"],\"participants\":[{\"org\":\"SE\"}]}",
	         NULL);
	assert_int_equal(case_count(), before);

	/* Query parameters with unknown values. */
	static const char *const queries[] = {
		"/api/v1/cases?country=ZZ", "/api/v1/cases?country=UK", "/api/v1/cases?country=se",
		"/api/v1/cases?country=SWE", "/api/v1/cases?crime_type=jaywalking",
		"/api/v1/cases?status=pending",
	};
	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++)
		refused("GET", queries[i], NULL, 0, NULL, 400, NULL);
	/* The hint for the usual mistakes. */
	json_t *out = NULL;
	long st = api_getf(se, &out, "/api/v1/cases?country=UK");
	api_assert_fails(st, out, 400, "invalid");
	assert_non_null(strstr(api_assert_error(out), "GB"));
	json_decref(out);
}

static void test_api_errors__impossible_dates(void **state)
{
	(void)state;
	size_t before = case_count();
	static const char *const dates[] = {
		"2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "2026-1-01",
		"26-01-01", "2026/01/01", "2026-01-01T00:00:00Z", "", "1899-12-31",
	};
	char body[256];
	for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		snprintf(body, sizeof(body), "{\"title\":\"x\",\"crime_types\":[\"other\"],"
		         "\"opened_on\":\"%s\"}", dates[i]);
		bad_case(body, "\"opened_on\"");
		snprintf(body, sizeof(body), "{\"title\":\"x\",\"crime_types\":[\"other\"],"
		         "\"retention_review_on\":\"%s\"}", dates[i]);
		bad_case(body, "\"retention_review_on\"");
	}
	assert_int_equal(case_count(), before);
	/* A leap day is a real day. */
	int64_t id = api_case_create(se, "{\"title\":\"Leap day\",\"crime_types\":[\"other\"],"
	                                 "\"opened_on\":\"2024-02-29\"}");
	json_t *c = NULL;
	assert_int_equal(api_getf(se, &c, "/api/v1/cases/%lld", (long long)id), 200);
	assert_string_equal(json_string_value(json_object_get(c, "opened_on")), "2024-02-29");
	json_decref(c);
}

static void test_api_errors__unsupported_media_type(void **state)
{
	(void)state;
	size_t before = case_count();
	const char *body = "{\"title\":\"Media type\",\"crime_types\":[\"other\"]}";
	refused("POST", "/api/v1/cases", body, 0, "text/plain", 415, NULL);
	refused("POST", "/api/v1/cases", body, 0, "application/x-www-form-urlencoded", 415, NULL);
	refused("POST", "/api/v1/cases", body, 0, "", 415, NULL);
	refused("POST", "/api/v1/cases", body, 0, "application/xml", 415, NULL);
	refused("POST", "/api/v1/session", "{\"username\":\"se\",\"password\":\"demo\"}", 0,
	        "text/plain", 415, NULL);
	assert_int_equal(case_count(), before);
	/* With a charset parameter and in another case it is JSON. */
	api_resp r;
	api_req rq = {.method = "POST", .path = "/api/v1/cases", .token = se, .body = body,
	              .content_type = "Application/JSON; charset=utf-8"};
	assert_int_equal(api_send(&rq, &r), 0);
	assert_int_equal(r.status, 201);
	api_resp_free(&r);
	assert_int_equal(case_count(), before + 1);
}

static void test_api_errors__oversized_body(void **state)
{
	(void)state;
	size_t before = case_count();
	/* A well-formed JSON body one byte beyond 1 MiB. */
	size_t len = ((size_t)1 << 20) + 1;
	char *body = malloc(len + 1);
	assert_non_null(body);
	const char *head = "{\"title\":\"", *tail = "\",\"crime_types\":[\"other\"]}";
	size_t hl = strlen(head), tl = strlen(tail);
	memcpy(body, head, hl);
	memset(body + hl, 'a', len - hl - tl);
	memcpy(body + len - tl, tail, tl);
	body[len] = '\0';
	api_resp r;
	api_req rq = {.method = "POST", .path = "/api/v1/cases", .token = se, .body = body,
	              .body_len = len};
	/*
	 * h2o answers 413 itself and may close before reading it all. Its body
	 * is plain text unless the server wraps it: check the envelope if JSON.
	 */
	api_send(&rq, &r);
	assert_int_equal(r.status, 413);
	if (strstr(r.content_type, "application/json"))
		api_assert_error(r.json);
	api_resp_free(&r);
	/* Just under the limit, the body reaches the handler, which refuses the title. */
	len = ((size_t)1 << 20) - 64;
	memset(body + hl, 'a', len - hl - tl);
	memcpy(body + len - tl, tail, tl);
	body[len] = '\0';
	rq.body_len = len;
	assert_int_equal(api_send(&rq, &r), 0);
	api_assert_fails(r.status, r.json, 400, "invalid");
	api_resp_free(&r);
	free(body);
	assert_int_equal(case_count(), before);
}

/* ("/" is the web application: tests/api/test_api_web.c.) */
static void test_api_errors__unknown_route(void **state)
{
	(void)state;
	static const char *const paths[] = {
		"/api", "/api/v1", "/api/v1/nope", "/api/v2/cases", "/api/v1/cases/1/nope",
		"/api/v1/cases/", "/api/v1/Cases", "/api/v1/cases/1/participants/RS/extra",
		"/api/v1/jits/1/extensions/1",
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		api_resp r;
		api_req rq = {.path = paths[i], .token = se};
		assert_int_equal(api_send(&rq, &r), 0);
		if (r.status != 404)
			fprintf(stderr, "GET %s -> %ld\n", paths[i], r.status);
		api_assert_fails(r.status, r.json, 404, "not_found");
		assert_non_null(strstr(r.content_type, "application/json"));
		api_resp_free(&r);
		/* The same without a token: unknown routes are 404, not 401. */
		rq.token = NULL;
		assert_int_equal(api_send(&rq, &r), 0);
		api_assert_fails(r.status, r.json, 404, "not_found");
		api_resp_free(&r);
	}
}

static const struct {
	const char *method, *path;
} wrong_methods[] = {
	{"PUT", "/api/v1/cases"}, {"DELETE", "/api/v1/cases"}, {"DELETE", "/api/v1/cases/1"},
	{"PUT", "/api/v1/cases/1"}, {"POST", "/api/v1/me"}, {"PATCH", "/api/v1/session"},
	{"GET", "/api/v1/cases/1/close"}, {"POST", "/healthz"}, {"DELETE", "/api/v1/jits/1"},
	{"GET", "/api/v1/jits/1/extensions"},
};

static void test_api_errors__wrong_method(void **state)
{
	(void)state;
	size_t before = case_count();
	for (size_t i = 0; i < sizeof(wrong_methods) / sizeof(wrong_methods[0]); i++) {
		api_resp r;
		api_req rq = {.method = wrong_methods[i].method, .path = wrong_methods[i].path,
		              .token = se};
		assert_int_equal(api_send(&rq, &r), 0);
		if (r.status != 405)
			fprintf(stderr, "%s %s -> %ld\n", rq.method, rq.path, r.status);
		api_assert_fails(r.status, r.json, 405, "method_not_allowed");
		api_resp_free(&r);
	}
	assert_int_equal(case_count(), before);
}

/* RFC 9110 15.5.6: a 405 answer MUST carry an Allow header listing the methods. */
static void test_api_errors__wrong_method_names_allowed_methods(void **state)
{
	(void)state;
	api_resp r;
	api_req rq = {.method = "PUT", .path = "/api/v1/cases", .token = se};
	assert_int_equal(api_send(&rq, &r), 0);
	assert_int_equal(r.status, 405);
	if (!r.allow[0])
		fprintf(stderr, "405 for PUT /api/v1/cases has no Allow header\n");
	assert_non_null(strstr(r.allow, "GET"));
	assert_non_null(strstr(r.allow, "POST"));
	api_resp_free(&r);
}

static void test_api_errors__bad_query_parameters(void **state)
{
	(void)state;
	static const char *const paths[] = {
		"/api/v1/cases?limit=0", "/api/v1/cases?limit=501", "/api/v1/cases?limit=abc",
		"/api/v1/cases?limit=", "/api/v1/cases?limit=1x", "/api/v1/cases?after=0",
		"/api/v1/cases?after=-5", "/api/v1/cases?q=%ZZ", "/api/v1/cases?q=%FF",
		"/api/v1/cases?q=%", "/api/v1/cases/1/events?limit=0",
		"/api/v1/cases/1/events?after=x",
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		refused("GET", paths[i], NULL, 0, NULL, 400, NULL);
	json_t *out = NULL;
	long st = api_getf(se, &out, "/api/v1/cases?limit=0");
	api_assert_fails(st, out, 400, "invalid");
	assert_non_null(strstr(api_assert_error(out), "limit"));
	json_decref(out);
}

/*
 * A query parameter the route does not take is refused, named, with the ones
 * it takes: a misspelt filter (?stauts=open) would otherwise answer every case
 * as if it had been applied. Parameters the route takes, and empty ones, pass.
 */
static void test_api_errors__unknown_query_parameters(void **state)
{
	(void)state;
	refused("GET", "/api/v1/cases?stauts=open", NULL, 0, NULL, 400,
	        "unknown query parameter \"stauts\": GET /api/v1/cases takes status, crime_type");
	refused("GET", "/api/v1/cases?limit=5&caseid=1", NULL, 0, NULL, 400, "\"caseid\"");
	refused("GET", "/api/v1/me?verbose", NULL, 0, NULL, 400, "GET /api/v1/me takes none");
	refused("GET", "/api/v1/orgs?status%20x=1", NULL, 0, NULL, 400, "\"status x\"");
	/* A name that is not UTF-8 is refused without being repeated. */
	refused("GET", "/api/v1/cases?%FF=1", NULL, 0, NULL, 400, "unknown query parameter: ");
	/* A route's parameters are matched whole, not as prefixes of longer names. */
	refused("GET", "/api/v1/cases?limits=5", NULL, 0, NULL, 400, "\"limits\"");
	refused("GET", "/api/v1/cases?lim=5", NULL, 0, NULL, 400, "\"lim\"");
	/* Given twice, a parameter is ambiguous: which one was meant? */
	refused("GET", "/api/v1/cases?limit=1&status=open&limit=2", NULL, 0, NULL, 400,
	        "query parameter \"limit\" is given more than once");
	json_t *out = NULL;
	assert_int_equal(api_getf(se, &out, "/api/v1/cases?status=open&&limit=1&"), 200);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 1);
	json_decref(out);
	out = NULL;
	assert_int_equal(api_getf(se, &out, "/api/v1/me?"), 200);
	json_decref(out);
}

static void test_api_errors__bad_path_segment(void **state)
{
	(void)state;
	/* Not UTF-8 once decoded. */
	refused("GET", "/api/v1/cases/%FF", NULL, 0, NULL, 400, NULL);
	refused("GET", "/api/v1/orgs/%C0%AF", NULL, 0, NULL, 400, NULL);
	/*
	 * A NUL byte must not cut the path short: /api/v1/cases/1%00/nope names
	 * no route, and must not be served as GET /api/v1/cases/1.
	 */
	json_t *out = NULL;
	long st = api_getf(se, &out, "/api/v1/cases/1%%00/nope");
	if (st == 200)
		fprintf(stderr, "GET /api/v1/cases/1%%00/nope was served as GET /api/v1/cases/1\n");
	assert_true(st == 400 || st == 404);
	api_assert_error(out);
	json_decref(out);
	refused("GET", "/api/v1/cases/a%00b", NULL, 0, NULL, 400, NULL);
	/* An id is digits: "+1" or " 1" names nothing (strtoll would have read them as 1). */
	static const char *const ids[] = {"/api/v1/jobs/%2B1/retry", "/api/v1/jobs/%201/retry",
	                                  "/api/v1/requests/%2B1", "/api/v1/jits/%2B1",
	                                  "/api/v1/actiondays/%2B1", "/api/v1/meetings/%201"};
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		refused(strstr(ids[i], "retry") ? "POST" : "GET", ids[i], strstr(ids[i], "retry") ?
		        "{}" : NULL, 0, NULL, 404, NULL);
	/* A query number is written plainly too. */
	refused("GET", "/api/v1/cases?limit=%2B5", NULL, 0, NULL, 400, "limit");
	refused("GET", "/api/v1/cases?limit=%205", NULL, 0, NULL, 400, "limit");
}

static void test_api_errors__refused_writes_leave_no_trace(void **state)
{
	(void)state;
	int64_t first = api_case_create(se, "{\"title\":\"Before the refusals\","
	                                    "\"crime_types\":[\"other\"],\"participants\":"
	                                    "[{\"org\":\"RS\"}]}");
	json_t *doc = NULL, *events = NULL;
	assert_int_equal(api_getf(se, &doc, "/api/v1/cases/%lld", (long long)first), 200);
	assert_int_equal(api_getf(se, &events, "/api/v1/cases/%lld/events", (long long)first), 200);
	size_t before = case_count();
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/cases/%lld", (long long)first);

	/* A participant list that fails half-way: nothing of the case may stay. */
	bad_case("{\"title\":\"Half-way\",\"crime_types\":[\"other\"],\"participants\":"
	         "[{\"org\":\"RS\"},{\"org\":\"ZZ\"}]}", "ZZ");
	bad_case("{\"title\":\"Half-way\",\"crime_types\":[\"other\"],\"participants\":"
	         "[{\"org\":\"RS\"},{\"org\":\"SE\"}]}", NULL);
	/* Updates that are refused. */
	refused("PATCH", path, "{\"title\":5}", 0, NULL, 400, "\"title\"");
	refused("PATCH", path, "{\"status\":\"reopened\"}", 0, NULL, 400, "\"status\"");
	refused("PATCH", path, "{\"crime_types\":[\"jaywalking\"]}", 0, NULL, 400, "jaywalking");
	refused("PATCH", path, "{\"retention_review_on\":\"2026-02-30\"}", 0, NULL, 400,
	        "\"retention_review_on\"");
	refused("PATCH", path, "{\"reference\":\"2026/9999\"}", 0, NULL, 400, "\"reference\"");
	refused("PATCH", path, "{\"title\":\"x\"", 0, NULL, 400, NULL);
	refused("PATCH", path, "{\"title\":\"New\"}", 0, "text/plain", 415, NULL);
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/participants", (long long)first);
	refused("POST", path, "{\"org\":\"ZZ\"}", 0, NULL, 400, "ZZ");
	refused("POST", path, "{\"org\":\"ME\",\"access\":\"boss\"}", 0, NULL, 400, "\"access\"");
	refused("POST", path, "{\"org\":\"RS\"}", 0, NULL, 409, NULL); /* already there */
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/participants/RS", (long long)first);
	refused("PATCH", path, "{\"national_ref\":5}", 0, NULL, 400, "\"national_ref\"");
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/participants/SE", (long long)first);
	refused("PATCH", path, "{\"access\":\"observer\"}", 0, NULL, 409, NULL);
	refused("DELETE", path, NULL, 0, NULL, 409, NULL);

	json_t *doc2 = NULL, *events2 = NULL;
	assert_int_equal(api_getf(se, &doc2, "/api/v1/cases/%lld", (long long)first), 200);
	assert_int_equal(api_getf(se, &events2, "/api/v1/cases/%lld/events", (long long)first), 200);
	assert_true(json_equal(doc, doc2));
	assert_int_equal(json_array_size(events2), json_array_size(events));
	assert_int_equal(case_count(), before);
	/* No reference number was used up by the refused creations. */
	int64_t next = api_case_create(se, "{\"title\":\"After the refusals\","
	                                   "\"crime_types\":[\"other\"]}");
	assert_int_equal(ref_number(next), ref_number(first) + 1);
	json_decref(doc);
	json_decref(doc2);
	json_decref(events);
	json_decref(events2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api_errors__malformed_json),
		cmocka_unit_test(test_api_errors__wrong_types_name_the_field),
		cmocka_unit_test(test_api_errors__unknown_fields_are_named),
		cmocka_unit_test(test_api_errors__invalid_utf8),
		cmocka_unit_test(test_api_errors__unknown_reference_values),
		cmocka_unit_test(test_api_errors__impossible_dates),
		cmocka_unit_test(test_api_errors__unsupported_media_type),
		cmocka_unit_test(test_api_errors__oversized_body),
		cmocka_unit_test(test_api_errors__unknown_route),
		cmocka_unit_test(test_api_errors__wrong_method),
		cmocka_unit_test(test_api_errors__wrong_method_names_allowed_methods),
		cmocka_unit_test(test_api_errors__bad_query_parameters),
		cmocka_unit_test(test_api_errors__unknown_query_parameters),
		cmocka_unit_test(test_api_errors__bad_path_segment),
		cmocka_unit_test(test_api_errors__refused_writes_leave_no_trace),
	};
	return cmocka_run_group_tests_name("api_errors", tests, setup, teardown);
}
