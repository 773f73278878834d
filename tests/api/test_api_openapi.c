/* SPDX-License-Identifier: Apache-2.0 */
/* api tests: the OpenAPI document, and a call to every operation it lists. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "http/route.h"

static json_t *doc;

static int setup(void **state)
{
	if (api_group_setup(state) != 0)
		return -1;
	long st = 0;
	if (api_request("GET", "/api/v1/openapi.json", NULL, NULL, &st, &doc) != 0 || st != 200)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	json_decref(doc);
	return api_group_teardown(state);
}

static void test_api_openapi__document_is_valid(void **state)
{
	(void)state;
	/* Served without a token, as JSON. */
	api_resp r;
	api_req rq = {.path = "/api/v1/openapi.json"};
	assert_int_equal(api_send(&rq, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.content_type, "application/json"));
	json_error_t e;
	json_t *strict = json_loadb(r.body, r.len, JSON_REJECT_DUPLICATES, &e);
	if (!strict)
		fprintf(stderr, "openapi.json: %s at line %d\n", e.text, e.line);
	assert_non_null(strict);
	assert_true(json_equal(strict, doc));
	json_decref(strict);
	api_resp_free(&r);

	assert_string_equal(json_string_value(json_object_get(doc, "openapi")), "3.1.0");
	json_t *info = json_object_get(doc, "info");
	assert_true(json_is_string(json_object_get(info, "title")));
	assert_true(json_is_string(json_object_get(info, "version")));
	json_t *paths = json_object_get(doc, "paths");
	assert_true(json_is_object(paths));
	assert_true(json_object_size(paths) > 10);
	json_t *schemas = json_object_get(json_object_get(doc, "components"), "schemas");
	assert_true(json_is_object(schemas));
	assert_true(json_is_object(json_object_get(json_object_get(json_object_get(doc,
	            "components"), "securitySchemes"), "bearer")));

	/* Every operation: an id, responses, and $refs that resolve. */
	const char *path, *method;
	json_t *item, *op;
	json_object_foreach(paths, path, item) {
		assert_int_equal(path[0], '/');
		json_object_foreach(item, method, op) {
			assert_true(!strcmp(method, "get") || !strcmp(method, "post") ||
			            !strcmp(method, "patch") || !strcmp(method, "delete") ||
			            !strcmp(method, "put"));
			assert_true(json_is_string(json_object_get(op, "operationId")));
			json_t *resp = json_object_get(op, "responses");
			assert_true(json_is_object(resp));
			bool success = false;
			const char *code;
			json_t *v;
			json_object_foreach(resp, code, v)
				success |= code[0] == '2';
			assert_true(success);
			/* Path parameters are declared. */
			for (const char *b = strchr(path, '{'); b; b = strchr(b + 1, '{')) {
				const char *end = strchr(b, '}');
				bool declared = false;
				size_t i, len = (size_t)(end - b - 1);
				json_t *prm;
				json_array_foreach(json_object_get(op, "parameters"), i, prm) {
					const char *name, *in;
					name = json_string_value(json_object_get(prm, "name"));
					in = json_string_value(json_object_get(prm, "in"));
					declared |= name && in && strlen(name) == len &&
					            !strncmp(name, b + 1, len) && !strcmp(in, "path");
				}
				assert_true(declared);
			}
		}
	}
	char *text = json_dumps(doc, 0);
	for (const char *p = strstr(text, "\"#/components/schemas/"); p;
	     p = strstr(p + 1, "\"#/components/schemas/")) {
		char name[64];
		const char *s = p + strlen("\"#/components/schemas/"), *q = strchr(s, '"');
		snprintf(name, sizeof(name), "%.*s", (int)(q - s), s);
		if (!json_object_get(schemas, name))
			fail_msg("$ref to a missing schema %s", name);
	}
	free(text);
}

static void test_api_openapi__lists_every_route(void **state)
{
	(void)state;
	json_t *paths = json_object_get(doc, "paths");
	size_t ops = 0;
	const char *path;
	json_t *item;
	json_object_foreach(paths, path, item)
		ops += json_object_size(item);
	/* The document and the route table agree, both ways. */
	assert_int_equal(ops, (size_t)cu_nroutes);
	for (int i = 0; i < cu_nroutes; i++) {
		char m[8];
		size_t k;
		for (k = 0; cu_routes[i].method[k] && k < sizeof(m) - 1; k++)
			m[k] = (char)(cu_routes[i].method[k] | 0x20);
		m[k] = '\0';
		if (!json_object_get(json_object_get(paths, cu_routes[i].path), m))
			fail_msg("%s %s is not in the document", cu_routes[i].method,
			         cu_routes[i].path);
	}
}

/* ---- calling every operation ------------------------------------------ */

static char *tok_se, *tok_seadmin, *tok_admin, *tok_logout;
static int64_t jit_id;
static char token_id[32];

static int64_t fresh_case(void)
{
	return api_case_create(tok_se, "{\"title\":\"For the route coverage test\","
	                               "\"crime_types\":[\"other\"],\"national_ref\":\"COV-1\","
	                               "\"participants\":[{\"org\":\"RS\",\"national_ref\":"
	                               "\"COV-RS-1\"},{\"org\":\"ME\"}]}");
}

/* path with its {params} filled for an operation; false if a parameter is unknown. */
static bool fill(char *out, size_t n, const char *path)
{
	size_t o = 0;
	for (const char *p = path; *p && o + 32 < n;) {
		if (*p != '{') {
			out[o++] = *p++;
			continue;
		}
		const char *end = strchr(p, '}');
		size_t len = (size_t)(end - p + 1);
		char val[64];
		if (!strncmp(p, "{id}", len) && !strncmp(path, "/api/v1/cases/", 14))
			snprintf(val, sizeof(val), "%lld", (long long)fresh_case());
		else if (!strncmp(p, "{id}", len) && !strncmp(path, "/api/v1/jits/", 13))
			snprintf(val, sizeof(val), "%lld", (long long)jit_id);
		else if (!strncmp(p, "{id}", len) && !strncmp(path, "/api/v1/tokens/", 15))
			snprintf(val, sizeof(val), "%s", token_id);
		else if (!strncmp(p, "{code}", len))
			snprintf(val, sizeof(val), "SE");
		else if (!strncmp(p, "{org}", len))
			snprintf(val, sizeof(val), "RS");
		else if (!strncmp(p, "{username}", len))
			snprintf(val, sizeof(val), "se");
		else
			return false;
		o += (size_t)snprintf(out + o, n - o, "%s", val);
		p = end + 1;
	}
	out[o] = '\0';
	return true;
}

/* Who calls an operation: the user its summary names, else the SE prosecutor. */
static const char *caller(const char *method, const char *path, const json_t *op)
{
	if (!json_object_get(op, "security"))
		return NULL;
	if (!strcmp(method, "delete") && !strcmp(path, "/api/v1/session"))
		return tok_logout;
	if (!strncmp(path, "/api/v1/orgs", 12) && strcmp(method, "get"))
		return tok_admin;
	if (!strcmp(path, "/api/v1/users"))
		return tok_seadmin;
	return tok_se;
}

static void test_api_openapi__every_operation_answers(void **state)
{
	(void)state;
	tok_se = api_login_demo("se");
	tok_seadmin = api_login_demo("se-admin");
	tok_admin = api_login_demo("admin");
	tok_logout = api_login_demo("se");
	json_t *out = NULL;
	assert_int_equal(api_requestj("POST", "/api/v1/jits", tok_se, json_pack(
		"{s:s,s:s,s:s}", "name", "Coverage JIT", "signed_on", "2026-01-01", "expires_on",
		"2028-06-30"), &out), 201);
	jit_id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	assert_int_equal(api_requestj("POST", "/api/v1/tokens", tok_se,
	                              json_pack("{s:s}", "label", "coverage"), &out), 201);
	snprintf(token_id, sizeof(token_id), "%s", json_string_value(json_object_get(out, "id")));
	json_decref(out);

	json_t *paths = json_object_get(doc, "paths");
	const char *path, *method;
	json_t *item, *op;
	size_t total = 0, called = 0, failures = 0;
	json_object_foreach(paths, path, item) {
		json_object_foreach(item, method, op) {
			char url[256], m[8];
			total++;
			if (!fill(url, sizeof(url), path)) {
				fprintf(stderr, "%s %s: a path parameter this test cannot fill\n",
				        method, path);
				failures++;
				continue;
			}
			size_t k;
			for (k = 0; method[k] && k < sizeof(m) - 1; k++)
				m[k] = (char)(method[k] & ~0x20);
			m[k] = '\0';
			json_t *media = json_object_get(json_object_get(json_object_get(op,
			                "requestBody"), "content"), "application/json");
			json_t *example = json_object_get(media, "example");
			char *body = example ? json_dumps(example, JSON_COMPACT | JSON_ENCODE_ANY) :
			             media ? strdup("{}") : NULL;
			api_resp r;
			api_req rq = {.method = m, .path = url, .token = caller(method, path, op),
			              .body = body};
			int rc = api_send(&rq, &r);
			called++;
			/* The documented success status. */
			long want = 0;
			const char *code;
			json_t *v;
			json_object_foreach(json_object_get(op, "responses"), code, v)
				if (code[0] == '2')
					want = strtol(code, NULL, 10);
			const char *msg = json_string_value(json_object_get(json_object_get(r.json,
			                  "error"), "message"));
			bool routing_miss = r.status == 404 && msg && !strcmp(msg, "no such route");
			if (rc != 0 || r.status == 405 || r.status >= 500 || routing_miss ||
			    r.status != want) {
				fprintf(stderr, "%s %s (as documented: %ld) -> %ld %s\n", m, url, want,
				        r.status, r.body ? r.body : "");
				failures++;
			}
			/* Success answers are JSON unless 204. */
			if (r.status >= 200 && r.status < 300 && r.status != 204 && !r.json) {
				fprintf(stderr, "%s %s: a %ld answer that is not JSON\n", m, url,
				        r.status);
				failures++;
			}
			api_resp_free(&r);
			free(body);
		}
	}
	/* Every operation was exercised, and each answered as documented. */
	assert_int_equal(called, total);
	assert_int_equal(total, (size_t)cu_nroutes);
	assert_int_equal(failures, 0);
	/* The logout token is gone, the others still work. */
	assert_int_equal(api_getf(tok_logout, NULL, "/api/v1/me"), 401);
	assert_int_equal(api_getf(tok_se, NULL, "/api/v1/me"), 200);
	free(tok_se);
	free(tok_seadmin);
	free(tok_admin);
	free(tok_logout);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api_openapi__document_is_valid),
		cmocka_unit_test(test_api_openapi__lists_every_route),
		cmocka_unit_test(test_api_openapi__every_operation_answers),
	};
	return cmocka_run_group_tests_name("api_openapi", tests, setup, teardown);
}
