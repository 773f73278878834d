/* SPDX-License-Identifier: Apache-2.0 */
/*
 * api tests: what the web application relies on — its files served by the
 * binary, the session cookie and its CSRF rule, evidence shown in the page,
 * custody events naming their ledger entry, bundles fetched by the browser.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define CURL_DISABLE_TYPECHECK /* its checks need GNU C's pragmas in macros */
#include <curl/curl.h>

#include "harness.h"
#include "util/util.h"

static const char *jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static json_int_t jint(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static long get(api_resp *r, const char *path, const char *hdr0, const char *hdr1)
{
	api_req rq = {.path = path, .headers = {hdr0, hdr1}};
	assert_int_equal(api_send(&rq, r), 0);
	return r->status;
}

static void test_api_web__application_files(void **state)
{
	(void)state;
	api_resp r, r2;
	assert_int_equal(get(&r, "/", NULL, NULL), 200);
	assert_non_null(strstr(r.content_type, "text/html"));
	assert_non_null(strstr(r.body, "/assets/app.js"));
	/* Only our own script, never framed. */
	assert_non_null(strstr(r.csp, "script-src 'self'"));
	assert_non_null(strstr(r.csp, "frame-ancestors 'none'"));
	assert_true(r.etag[0] == '"');
	char inm[100];
	snprintf(inm, sizeof(inm), "If-None-Match: %s", r.etag);
	assert_int_equal(get(&r2, "/", inm, NULL), 304);
	api_resp_free(&r2);
	api_resp_free(&r);

	assert_int_equal(get(&r, "/assets/app.js", NULL, NULL), 200);
	assert_non_null(strstr(r.content_type, "text/javascript"));
	assert_true(r.len > 1000);
	api_resp_free(&r);
	assert_int_equal(get(&r, "/assets/app.css", NULL, NULL), 200);
	assert_non_null(strstr(r.content_type, "text/css"));
	api_resp_free(&r);
	/* The map's country shapes are ours too: nothing is fetched from elsewhere. */
	assert_int_equal(get(&r, "/assets/world.json", NULL, NULL), 200);
	assert_non_null(strstr(r.body, "\"Topology\""));
	api_resp_free(&r);

	assert_int_equal(get(&r, "/assets/nothing.js", NULL, NULL), 404);
	api_assert_error(r.json);
	api_resp_free(&r);
	assert_int_equal(get(&r, "/assets/../index.html", NULL, NULL), 404);
	api_resp_free(&r);
	api_req post = {.method = "POST", .path = "/", .body = "{}"};
	assert_int_equal(api_send(&post, &r), 0);
	assert_int_equal(r.status, 404);
	api_resp_free(&r);
}

/* The body of GET path with libcurl decoding any content coding it announces. */
static size_t gather(char *p, size_t size, size_t n, void *arg)
{
	cu_buf *b = arg;
	return cu_buf_append(b, p, size * n) == 0 ? size * n : 0;
}

static void get_decoded(cu_buf *b, const char *path)
{
	char url[512];
	snprintf(url, sizeof(url), "%s%s", api_srv.url, path);
	CURL *c = curl_easy_init();
	assert_non_null(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "gzip");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, gather);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
	CURLcode rc = curl_easy_perform(c);
	if (rc != CURLE_OK)
		fail_msg("GET %s: %s", path, curl_easy_strerror(rc));
	curl_easy_cleanup(c);
}

/*
 * The larger files go gzipped to a browser that takes gzip (the map's shapes:
 * 740 KiB become about 225), each encoding with its own ETag, caches told the
 * answer varies; decoded, the same bytes. Other clients get them as they are.
 */
static void test_api_web__files_gzipped_where_accepted(void **state)
{
	(void)state;
	static const char *const files[] = {"/assets/app.js", "/assets/world.json",
	                                    "/assets/app.css"};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		api_resp plain, gz, r;
		assert_int_equal(get(&plain, files[i], NULL, NULL), 200);
		assert_string_equal(plain.content_encoding, "");
		assert_string_equal(plain.vary, "accept-encoding");
		assert_int_equal(get(&gz, files[i], "Accept-Encoding: br, gzip, deflate", NULL), 200);
		assert_string_equal(gz.content_encoding, "gzip");
		assert_string_equal(gz.vary, "accept-encoding");
		assert_string_equal(gz.content_type, plain.content_type);
		assert_true(gz.len > 2 && (unsigned char)gz.body[0] == 0x1f &&
		            (unsigned char)gz.body[1] == 0x8b);
		assert_true(gz.len < plain.len * 9 / 10);
		assert_string_not_equal(gz.etag, plain.etag);
		/* Revalidation works per encoding. */
		char inm[100];
		snprintf(inm, sizeof(inm), "If-None-Match: %s", gz.etag);
		assert_int_equal(get(&r, files[i], "Accept-Encoding: gzip", inm), 304);
		api_resp_free(&r);
		assert_int_equal(get(&r, files[i], inm, NULL), 200);
		assert_string_equal(r.content_encoding, "");
		api_resp_free(&r);
		/* Refused by weight, or not named: as they are. */
		static const char *const no[] = {"Accept-Encoding: gzip;q=0, *",
		                                 "Accept-Encoding: identity",
		                                 "Accept-Encoding: br, *;q=0.000",
		                                 "Accept-Encoding: gzipper"};
		for (size_t k = 0; k < sizeof(no) / sizeof(no[0]); k++) {
			assert_int_equal(get(&r, files[i], no[k], NULL), 200);
			if (r.content_encoding[0])
				fail_msg("%s with \"%s\": content-encoding %s", files[i], no[k],
				         r.content_encoding);
			assert_int_equal(r.len, plain.len);
			api_resp_free(&r);
		}
		assert_int_equal(get(&r, files[i], "Accept-Encoding: *;q=0.5", NULL), 200);
		assert_string_equal(r.content_encoding, "gzip");
		api_resp_free(&r);
		/* Decoded, the very bytes. */
		cu_buf b;
		cu_buf_init(&b, 0);
		get_decoded(&b, files[i]);
		assert_int_equal(b.len, plain.len);
		assert_memory_equal(b.data, plain.body, plain.len);
		cu_buf_free(&b);
		api_resp_free(&gz);
		api_resp_free(&plain);
	}
	/* A small file is not worth it. */
	api_resp r;
	assert_int_equal(get(&r, "/assets/favicon.svg", "Accept-Encoding: gzip", NULL), 200);
	assert_string_equal(r.content_encoding, "");
	api_resp_free(&r);
}

/* Logs in for the web application; fills "Cookie: custodia_session=..." into hdr. */
static void cookie_login(const char *user, char *hdr, size_t n)
{
	char body[128];
	api_resp r;
	snprintf(body, sizeof(body), "{\"username\":\"%s\",\"password\":\"demo\",\"cookie\":true}",
	         user);
	api_req rq = {.method = "POST", .path = "/api/v1/session", .body = body};
	assert_int_equal(api_send(&rq, &r), 0);
	assert_int_equal(r.status, 201);
	/* The token is in the cookie only: no script on the page can read it. */
	assert_null(json_object_get(r.json, "token"));
	assert_string_equal(jstr(json_object_get(r.json, "user"), "username"), user);
	assert_int_equal(strncmp(r.set_cookie, "custodia_session=cu_", 20), 0);
	assert_non_null(strstr(r.set_cookie, "HttpOnly"));
	assert_non_null(strstr(r.set_cookie, "SameSite=Strict"));
	assert_non_null(strstr(r.set_cookie, "Path=/"));
	size_t v = strcspn(r.set_cookie, ";");
	snprintf(hdr, n, "Cookie: %.*s", (int)v, r.set_cookie);
	api_resp_free(&r);
}

static void test_api_web__session_cookie(void **state)
{
	(void)state;
	char cookie[256], other[300];
	api_resp r;
	cookie_login("se", cookie, sizeof(cookie));

	assert_int_equal(get(&r, "/api/v1/me", cookie, NULL), 200);
	assert_string_equal(jstr(r.json, "username"), "se");
	api_resp_free(&r);
	/* Among other cookies, in any position. */
	snprintf(other, sizeof(other), "Cookie: theme=dark; %s; lang=en", cookie + 8);
	assert_int_equal(get(&r, "/api/v1/me", other, NULL), 200);
	api_resp_free(&r);
	assert_int_equal(get(&r, "/api/v1/me", "Cookie: custodia_session=cu_0000000000000000."
	                 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL), 401);
	api_resp_free(&r);
	assert_int_equal(get(&r, "/api/v1/me", "Cookie: custodia_session=", NULL), 401);
	api_resp_free(&r);
	/* A bearer header is the credential when both come: a bad one is refused. */
	assert_int_equal(get(&r, "/api/v1/me", cookie, "Authorization: Bearer nonsense"), 401);
	api_resp_free(&r);

	/* A write with the cookie needs the CSRF header: another site cannot send it. */
	const char *body = "{\"title\":\"t\"}";
	api_req w = {.method = "POST", .path = "/api/v1/cases", .body = body,
	             .headers = {cookie}};
	assert_int_equal(api_send(&w, &r), 0);
	api_assert_fails(r.status, r.json, 403, "forbidden");
	assert_non_null(strstr(api_assert_error(r.json), "x-custodia-csrf"));
	api_resp_free(&r);
	w.headers[1] = "X-Custodia-CSRF: 1";
	assert_int_equal(api_send(&w, &r), 0);
	assert_int_not_equal(r.status, 403); /* refused for its content (no crime types), not CSRF */
	assert_int_not_equal(r.status, 401);
	api_resp_free(&r);

	/* Logging out revokes the session and clears the cookie. */
	api_req out = {.method = "DELETE", .path = "/api/v1/session",
	               .headers = {cookie, "X-Custodia-CSRF: 1"}};
	assert_int_equal(api_send(&out, &r), 0);
	assert_int_equal(r.status, 204);
	assert_non_null(strstr(r.set_cookie, "Max-Age=0"));
	api_resp_free(&r);
	assert_int_equal(get(&r, "/api/v1/me", cookie, NULL), 401);
	api_resp_free(&r);
}

/* The arrest case (scenario 1) and its lorry photograph and seizure report. */
static int64_t arrest_case(const char *token, int64_t *image, int64_t *text)
{
	json_t *cases = NULL, *items = NULL, *c;
	size_t i;
	int64_t id = 0;
	assert_int_equal(api_getf(token, &cases, "/api/v1/cases?q=arrest"), 200);
	json_array_foreach(json_object_get(cases, "items"), i, c)
		if (strstr(jstr(c, "title"), "arrest"))
			id = jint(c, "id");
	assert_true(id > 0);
	assert_int_equal(api_getf(token, &items, "/api/v1/cases/%lld/evidence", (long long)id),
	                 200);
	*image = *text = 0;
	json_array_foreach(items, i, c) {
		const char *mt = jstr(c, "media_type");
		if (!strcmp(mt, "image/png"))
			*image = jint(c, "id");
		else if (!strncmp(mt, "text/", 5))
			*text = jint(c, "id");
	}
	assert_true(*image > 0 && *text > 0);
	json_decref(cases);
	json_decref(items);
	return id;
}

static void test_api_web__evidence_shown_in_the_page(void **state)
{
	(void)state;
	char *se = api_login_demo("se"), path[128];
	int64_t image, text;
	api_resp r;
	arrest_case(se, &image, &text);

	snprintf(path, sizeof(path), "/api/v1/evidence/%lld/content?disposition=inline",
	         (long long)image);
	api_req rq = {.path = path, .token = se};
	assert_int_equal(api_send(&rq, &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(strncmp(r.content_disposition, "inline;", 7), 0);
	assert_non_null(strstr(r.csp, "default-src 'none'"));
	assert_int_equal(memcmp(r.body, "\x89PNG", 4), 0);
	api_resp_free(&r);
	/* Text (and so HTML) is never shown as a page of ours: always an attachment. */
	snprintf(path, sizeof(path), "/api/v1/evidence/%lld/content?disposition=inline",
	         (long long)text);
	assert_int_equal(api_send(&rq, &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(strncmp(r.content_disposition, "attachment;", 11), 0);
	api_resp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/evidence/%lld/content?disposition=page",
	         (long long)image);
	assert_int_equal(api_send(&rq, &r), 0);
	api_assert_fails(r.status, r.json, 400, "invalid");
	api_resp_free(&r);

	/* The view is in the chain of custody, and each event names its ledger entry. */
	json_t *chain = NULL, *ev, *last = NULL, *entry = NULL;
	size_t i;
	assert_int_equal(api_getf(se, &chain, "/api/v1/evidence/%lld/custody", (long long)image),
	                 200);
	json_array_foreach(chain, i, ev) {
		assert_true(json_is_integer(json_object_get(ev, "ledger_index")));
		last = ev;
	}
	assert_non_null(last);
	assert_string_equal(jstr(last, "event"), "accessed");
	assert_string_equal(jstr(last, "reason"), "view");
	assert_int_equal(api_getf(se, &entry, "/api/v1/ledger/entries/%lld",
	                          (long long)jint(last, "ledger_index")), 200);
	json_t *parsed = json_object_get(entry, "parsed");
	assert_string_equal(jstr(parsed, "kind"), "custody");
	assert_int_equal(jint(parsed, "ref"), jint(last, "seq"));
	assert_int_equal(jint(parsed, "item"), image);
	json_decref(entry);
	json_decref(chain);
	free(se);
}

static void test_api_web__bundle_download(void **state)
{
	(void)state;
	char *se = api_login_demo("se"), *icc = api_login_demo("icc"), path[128], body[128];
	int64_t image, text, case_id = arrest_case(se, &image, &text);
	json_t *out = NULL;
	long st;

	snprintf(path, sizeof(path), "/api/v1/cases/%lld/bundles", (long long)case_id);
	assert_int_equal(api_request("POST", path, se, "{\"for\":\"ICC\",\"items\":[\"x\"]}", &st,
	                             &out), 0);
	api_assert_fails(st, out, 400, "invalid");
	json_decref(out);
	snprintf(body, sizeof(body), "{\"for\":\"ICC\",\"items\":[%lld]}", (long long)image);
	assert_int_equal(api_request("POST", path, se, body, &st, &out), 0);
	assert_int_equal(st, 201);
	const char *dl = jstr(out, "download");
	assert_non_null(dl);
	char url[128];
	snprintf(url, sizeof(url), "%s", dl);
	json_decref(out);

	api_resp r;
	/* Only its maker can fetch it. */
	api_req other = {.path = url, .token = icc};
	assert_int_equal(api_send(&other, &r), 0);
	assert_int_equal(r.status, 404);
	api_resp_free(&r);
	api_req mine = {.path = url, .token = se};
	assert_int_equal(api_send(&mine, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.content_type, "application/x-tar");
	assert_non_null(strstr(r.content_disposition, "attachment;"));
	assert_true(r.len > 512 && !memcmp(r.body + 257, "ustar", 5));

	/* What the browser receives verifies offline. */
	char file[400], cmd[1200];
	snprintf(file, sizeof(file), "%s/web-bundle.tar", api_srv.root);
	FILE *f = fopen(file, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(r.body, 1, r.len, f), r.len);
	assert_int_equal(fclose(f), 0);
	api_resp_free(&r);
	snprintf(cmd, sizeof(cmd), "'%s' bundle verify '%s' >/dev/null", getenv("CU_BIN"), file);
	int rc = system(cmd);
	assert_true(WIFEXITED(rc) && WEXITSTATUS(rc) == 0);

	/* Once only: it does not stay on the disk in the clear. */
	assert_int_equal(api_send(&mine, &r), 0);
	assert_int_equal(r.status, 404);
	api_resp_free(&r);
	free(se);
	free(icc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api_web__application_files),
		cmocka_unit_test(test_api_web__files_gzipped_where_accepted),
		cmocka_unit_test(test_api_web__session_cookie),
		cmocka_unit_test(test_api_web__evidence_shown_in_the_page),
		cmocka_unit_test(test_api_web__bundle_download),
	};
	return cmocka_run_group_tests_name("api_web", tests, api_group_setup, api_group_teardown);
}
