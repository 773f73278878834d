/* SPDX-License-Identifier: Apache-2.0 */
/* api tests: logging in and out, bearer tokens and API tokens. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* cu_<16 lowercase hex>.<43 base64url characters> */
static bool token_well_formed(const char *t)
{
	if (!t || strlen(t) != 3 + 16 + 1 + 43 || strncmp(t, "cu_", 3) != 0 || t[19] != '.')
		return false;
	for (int i = 3; i < 19; i++)
		if (!((t[i] >= '0' && t[i] <= '9') || (t[i] >= 'a' && t[i] <= 'f')))
			return false;
	for (int i = 20; i < 63; i++) {
		char c = t[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return false;
	}
	return true;
}

static void test_api_auth__login_ok(void **state)
{
	(void)state;
	json_t *out = NULL;
	long st = 0;
	assert_int_equal(api_request("POST", "/api/v1/session", NULL,
	                             "{\"username\":\"se\",\"password\":\"demo\"}", &st, &out), 0);
	assert_int_equal(st, 201);
	const char *token = json_string_value(json_object_get(out, "token"));
	assert_true(token_well_formed(token));
	assert_true(json_is_string(json_object_get(out, "expires_at")));
	json_t *user = json_object_get(out, "user");
	assert_string_equal(json_string_value(json_object_get(user, "username")), "se");
	assert_string_equal(json_string_value(json_object_get(user, "org")), "SE");
	assert_string_equal(json_string_value(json_object_get(user, "role")), "prosecutor");

	/* The token works, and says who it belongs to. */
	json_t *me = NULL;
	assert_int_equal(api_getf(token, &me, "/api/v1/me"), 200);
	assert_string_equal(json_string_value(json_object_get(me, "username")), "se");
	assert_string_equal(json_string_value(json_object_get(me, "org")), "SE");
	assert_null(json_object_get(me, "pwhash"));
	json_decref(me);

	/* Two logins give two different tokens. */
	char *again = api_login_demo("se");
	assert_string_not_equal(again, token);
	free(again);
	json_decref(out);
}

static void test_api_auth__login_failures_look_alike(void **state)
{
	(void)state;
	json_t *wrong = NULL, *unknown = NULL;
	long st1 = 0, st2 = 0;
	api_request("POST", "/api/v1/session", NULL, "{\"username\":\"se\",\"password\":\"Demo\"}",
	            &st1, &wrong);
	api_request("POST", "/api/v1/session", NULL,
	            "{\"username\":\"no-such-user\",\"password\":\"demo\"}", &st2, &unknown);
	api_assert_fails(st1, wrong, 401, NULL);
	api_assert_fails(st2, unknown, 401, NULL);
	/* Same code, same message: nothing tells whether the user exists. */
	assert_true(json_equal(wrong, unknown));
	assert_null(strstr(api_assert_error(unknown), "no-such-user"));
	json_decref(wrong);
	json_decref(unknown);

	/* An empty password and a missing one are refused too. */
	json_t *out = NULL;
	api_request("POST", "/api/v1/session", NULL, "{\"username\":\"se\",\"password\":\"\"}", &st1,
	            &out);
	api_assert_fails(st1, out, 401, NULL);
	json_decref(out);
	api_request("POST", "/api/v1/session", NULL, "{\"username\":\"se\"}", &st1, &out);
	api_assert_fails(st1, out, 400, "invalid");
	assert_non_null(strstr(api_assert_error(out), "password"));
	json_decref(out);
}

static void test_api_auth__missing_authorization(void **state)
{
	(void)state;
	api_resp r;
	api_req rq = {.path = "/api/v1/me"};
	assert_int_equal(api_send(&rq, &r), 0);
	api_assert_fails(r.status, r.json, 401, "unauthenticated");
	assert_string_equal(r.www_authenticate, "Bearer");
	assert_non_null(strstr(r.content_type, "application/json"));
	api_resp_free(&r);

	/* Every authenticated route refuses, not only /me. */
	static const char *const paths[] = {"/api/v1/cases", "/api/v1/cases/1", "/api/v1/jits",
	                                    "/api/v1/orgs", "/api/v1/tokens", "/api/v1/users",
	                                    "/api/v1/crime-types", "/api/v1/cases/1/events"};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		rq.path = paths[i];
		assert_int_equal(api_send(&rq, &r), 0);
		api_assert_fails(r.status, r.json, 401, NULL);
		assert_string_equal(r.www_authenticate, "Bearer");
		api_resp_free(&r);
	}
	/* The public routes need no token. */
	long st = 0;
	assert_int_equal(api_request("GET", "/healthz", NULL, NULL, &st, NULL), 0);
	assert_int_equal(st, 200);
	assert_int_equal(api_request("GET", "/api/v1/openapi.json", NULL, NULL, &st, NULL), 0);
	assert_int_equal(st, 200);
}

static void test_api_auth__malformed_authorization(void **state)
{
	(void)state;
	char *token = api_login_demo("se");
	char forged[128], upper[128], long_header[400];
	/* The right id with a wrong secret; the right secret with upper-case hex. */
	snprintf(forged, sizeof(forged), "Bearer %.20sAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	         token);
	snprintf(upper, sizeof(upper), "Bearer %s", token);
	for (char *p = upper + 10; p < upper + 26; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	memset(long_header, 'x', sizeof(long_header) - 1);
	long_header[sizeof(long_header) - 1] = '\0';
	memcpy(long_header, "Bearer ", 7);
	const char *const bad[] = {
		"Basic c2U6ZGVtbw==", "Bearer", "Bearer ", "Bearer garbage", "bearer", "Token abc",
		"Bearer cu_0123456789abcdef.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		forged, upper, long_header,
	};
	bool any_upper_hex = strcmp(upper + 7, token) != 0;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (bad[i] == upper && !any_upper_hex)
			continue;
		api_resp r;
		api_req rq = {.path = "/api/v1/me", .auth = bad[i]};
		assert_int_equal(api_send(&rq, &r), 0);
		if (r.status != 401)
			fprintf(stderr, "Authorization: %s -> %ld\n", bad[i], r.status);
		api_assert_fails(r.status, r.json, 401, "unauthenticated");
		assert_string_equal(r.www_authenticate, "Bearer");
		api_resp_free(&r);
	}
	/* The scheme is case-insensitive (RFC 9110 11.1): "bearer TOKEN" works. */
	char lower[128];
	snprintf(lower, sizeof(lower), "bearer %s", token);
	api_resp r;
	api_req rq = {.path = "/api/v1/me", .auth = lower};
	assert_int_equal(api_send(&rq, &r), 0);
	assert_int_equal(r.status, 200);
	api_resp_free(&r);
	free(token);
}

static void test_api_auth__logout_revokes_the_token(void **state)
{
	(void)state;
	char *token = api_login_demo("rs"), *other = api_login_demo("rs");
	long st = 0;
	json_t *out = NULL;
	assert_int_equal(api_getf(token, NULL, "/api/v1/me"), 200);
	assert_int_equal(api_request("DELETE", "/api/v1/session", token, NULL, &st, &out), 0);
	assert_int_equal(st, 204);
	json_decref(out);

	api_resp r;
	api_req rq = {.path = "/api/v1/me", .token = token};
	assert_int_equal(api_send(&rq, &r), 0);
	api_assert_fails(r.status, r.json, 401, "unauthenticated");
	assert_string_equal(r.www_authenticate, "Bearer");
	api_resp_free(&r);
	/* Logging out twice: the token is no longer valid. */
	api_request("DELETE", "/api/v1/session", token, NULL, &st, &out);
	api_assert_fails(st, out, 401, NULL);
	json_decref(out);
	/* Another session of the same user is untouched. */
	assert_int_equal(api_getf(other, NULL, "/api/v1/me"), 200);
	free(token);
	free(other);
}

static void test_api_auth__api_token_lifecycle(void **state)
{
	(void)state;
	char *session = api_login_demo("se");
	json_t *out = NULL, *list = NULL;
	char path[128];
	assert_int_equal(api_requestj("POST", "/api/v1/tokens", session,
	                              json_pack("{s:s,s:i}", "label", "nightly export",
	                                        "expires_in_days", 30), &out), 201);
	const char *secret = json_string_value(json_object_get(out, "token"));
	const char *id = json_string_value(json_object_get(out, "id"));
	assert_true(token_well_formed(secret));
	assert_non_null(id);
	assert_int_equal(strlen(id), 16);
	assert_memory_equal(secret + 3, id, 16);
	assert_string_equal(json_string_value(json_object_get(out, "label")), "nightly export");
	assert_true(json_is_string(json_object_get(out, "expires_at")));

	/* The API token authenticates like a session. */
	json_t *me = NULL;
	assert_int_equal(api_getf(secret, &me, "/api/v1/me"), 200);
	assert_string_equal(json_string_value(json_object_get(me, "username")), "se");
	json_decref(me);

	/* It is listed, without its secret. */
	assert_int_equal(api_getf(session, &list, "/api/v1/tokens"), 200);
	assert_true(json_is_array(list));
	bool found = false;
	size_t i;
	json_t *t;
	json_array_foreach(list, i, t) {
		assert_null(json_object_get(t, "token"));
		assert_null(json_object_get(t, "hash"));
		if (!strcmp(json_string_value(json_object_get(t, "id")), id))
			found = true;
	}
	assert_true(found);
	char *dump = json_dumps(list, 0);
	assert_null(strstr(dump, secret + 20));
	free(dump);
	json_decref(list);

	/* Another organisation cannot revoke it, nor learn that it exists. */
	char *rs = api_login_demo("rs");
	long st = 0;
	json_t *err = NULL;
	snprintf(path, sizeof(path), "/api/v1/tokens/%s", id);
	api_request("DELETE", path, rs, NULL, &st, &err);
	api_assert_fails(st, err, 404, "not_found");
	json_decref(err);
	assert_int_equal(api_getf(secret, NULL, "/api/v1/me"), 200);

	/* Revoked: 204, then the token no longer authenticates. */
	assert_int_equal(api_request("DELETE", path, session, NULL, &st, NULL), 0);
	assert_int_equal(st, 204);
	api_resp r;
	api_req rq = {.path = "/api/v1/me", .token = secret};
	assert_int_equal(api_send(&rq, &r), 0);
	api_assert_fails(r.status, r.json, 401, "unauthenticated");
	assert_string_equal(r.www_authenticate, "Bearer");
	api_resp_free(&r);
	/* Revoking twice: no such active token. */
	api_request("DELETE", path, session, NULL, &st, &err);
	api_assert_fails(st, err, 404, NULL);
	json_decref(err);
	/* An unknown token id. */
	api_request("DELETE", "/api/v1/tokens/0000000000000000", session, NULL, &st, &err);
	api_assert_fails(st, err, 404, NULL);
	json_decref(err);
	json_decref(out);
	free(rs);
	free(session);
}

static void test_api_auth__admin_revokes_a_member_token(void **state)
{
	(void)state;
	char *se = api_login_demo("se"), *admin = api_login_demo("se-admin");
	json_t *out = NULL, *list = NULL;
	char path[128];
	long st = 0;
	assert_int_equal(api_requestj("POST", "/api/v1/tokens", se,
	                              json_pack("{s:s}", "label", "to be revoked"), &out), 201);
	const char *id = json_string_value(json_object_get(out, "id"));
	const char *secret = json_string_value(json_object_get(out, "token"));
	/* No expires_in_days: the token has no expiry. */
	assert_true(json_is_null(json_object_get(out, "expires_at")));
	/* The SE administrator sees the tokens of SE's users... */
	assert_int_equal(api_getf(admin, &list, "/api/v1/tokens"), 200);
	bool found = false;
	size_t i;
	json_t *t;
	json_array_foreach(list, i, t)
		found |= !strcmp(json_string_value(json_object_get(t, "id")), id);
	assert_true(found);
	json_decref(list);
	/* ...and the RS administrator does not. */
	char *rsadmin = api_login_demo("rs-admin");
	assert_int_equal(api_getf(rsadmin, &list, "/api/v1/tokens"), 200);
	json_array_foreach(list, i, t)
		assert_string_not_equal(json_string_value(json_object_get(t, "id")), id);
	json_decref(list);
	snprintf(path, sizeof(path), "/api/v1/tokens/%s", id);
	api_request("DELETE", path, rsadmin, NULL, &st, NULL);
	assert_int_equal(st, 404);
	api_request("DELETE", path, admin, NULL, &st, NULL);
	assert_int_equal(st, 204);
	assert_int_equal(api_getf(secret, NULL, "/api/v1/me"), 401);
	json_decref(out);
	free(se);
	free(admin);
	free(rsadmin);
}

static void test_api_auth__token_expiry_is_validated(void **state)
{
	(void)state;
	char *se = api_login_demo("se");
	json_t *before = NULL, *after = NULL;
	assert_int_equal(api_getf(se, &before, "/api/v1/tokens"), 200);
	/* The document says 1..3650 days; 0 must not mean "never expires". */
	static const char *const bad[] = {
		"{\"expires_in_days\":3651}", "{\"expires_in_days\":-1}",
		"{\"expires_in_days\":\"30\"}",
		"{\"expires_in_days\":1.5}", "{\"label\":7}", "{\"secret\":\"x\"}",
		"{\"expires_in_days\":0}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		long st = 0;
		json_t *out = NULL;
		api_request("POST", "/api/v1/tokens", se, bad[i], &st, &out);
		if (st != 400)
			fprintf(stderr, "POST /api/v1/tokens %s -> %ld\n", bad[i], st);
		api_assert_fails(st, out, 400, "invalid");
		json_decref(out);
	}
	/* Nothing was created by the refused requests. */
	assert_int_equal(api_getf(se, &after, "/api/v1/tokens"), 200);
	assert_int_equal(json_array_size(after), json_array_size(before));
	json_decref(before);
	json_decref(after);
	free(se);
}

static void test_api_auth__disabled_user_is_locked_out(void **state)
{
	(void)state;
	char *admin = api_login_demo("se-admin");
	json_t *out = NULL;
	assert_int_equal(api_requestj("POST", "/api/v1/users", admin,
	                              json_pack("{s:s,s:s,s:s}", "username", "se-temp", "password",
	                                        "temporary pass", "role", "analyst"), &out), 201);
	json_decref(out);
	char *tok = api_login("se-temp", "temporary pass");
	assert_non_null(tok);
	assert_int_equal(api_getf(tok, NULL, "/api/v1/me"), 200);
	assert_int_equal(api_requestj("PATCH", "/api/v1/users/se-temp", admin,
	                              json_pack("{s:b}", "disabled", 1), &out), 200);
	assert_true(json_is_true(json_object_get(out, "disabled")));
	json_decref(out);
	/* Its open session stops working, and it cannot log in again. */
	assert_int_equal(api_getf(tok, NULL, "/api/v1/me"), 401);
	assert_null(api_login("se-temp", "temporary pass"));
	/* Re-enabled, it can. */
	assert_int_equal(api_requestj("PATCH", "/api/v1/users/se-temp", admin,
	                              json_pack("{s:b}", "disabled", 0), &out), 200);
	json_decref(out);
	char *again = api_login("se-temp", "temporary pass");
	assert_non_null(again);
	free(again);
	free(tok);
	free(admin);
}

static void test_api_auth__password_change(void **state)
{
	(void)state;
	char *admin = api_login_demo("se-admin");
	json_t *out = NULL;
	assert_int_equal(api_requestj("POST", "/api/v1/users", admin,
	                              json_pack("{s:s,s:s,s:s}", "username", "se-pw", "password",
	                                        "first one", "role", "observer"), &out), 201);
	json_decref(out);
	char *tok = api_login("se-pw", "first one");
	assert_non_null(tok);
	/* Users change their own password... */
	assert_int_equal(api_requestj("PATCH", "/api/v1/users/se-pw", tok,
	                              json_pack("{s:s}", "password", "second one"), &out), 200);
	assert_int_equal(json_integer_value(json_object_get(out, "sessions_ended")), 1);
	json_decref(out);
	assert_null(api_login("se-pw", "first one"));
	/* The session opened with the old password ended with it. */
	assert_int_equal(api_getf(tok, &out, "/api/v1/me"), 401);
	json_decref(out);
	char *t2 = api_login("se-pw", "second one");
	assert_non_null(t2);
	/* An administrator's reset ends the sessions too (a leaked password is why). */
	assert_int_equal(api_requestj("PATCH", "/api/v1/users/se-pw", admin,
	                              json_pack("{s:s}", "password", "third one"), &out), 200);
	json_decref(out);
	assert_int_equal(api_getf(t2, &out, "/api/v1/me"), 401);
	json_decref(out);
	free(t2);
	t2 = api_login("se-pw", "third one");
	assert_non_null(t2);
	/* ...but not their own role. */
	long st = api_requestj("PATCH", "/api/v1/users/se-pw", t2,
	                       json_pack("{s:s}", "role", "admin"), &out);
	api_assert_fails(st, out, 403, NULL);
	json_decref(out);
	free(t2);
	free(tok);
	free(admin);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api_auth__login_ok),
		cmocka_unit_test(test_api_auth__login_failures_look_alike),
		cmocka_unit_test(test_api_auth__missing_authorization),
		cmocka_unit_test(test_api_auth__malformed_authorization),
		cmocka_unit_test(test_api_auth__logout_revokes_the_token),
		cmocka_unit_test(test_api_auth__api_token_lifecycle),
		cmocka_unit_test(test_api_auth__admin_revokes_a_member_token),
		cmocka_unit_test(test_api_auth__token_expiry_is_validated),
		cmocka_unit_test(test_api_auth__disabled_user_is_locked_out),
		cmocka_unit_test(test_api_auth__password_change),
	};
	return cmocka_run_group_tests_name("api_auth", tests, api_group_setup, api_group_teardown);
}
