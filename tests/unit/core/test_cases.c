/* SPDX-License-Identifier: Apache-2.0 */
/* tests: cases, JITs, sessions and the event record, through the core API. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/core.h"
#include "crypto/crypto.h"
#include "testutil.h"

typedef struct fixture {
	char *tmp, *dir;
	cu_core *c;
	cu_actor se, rs, lt;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	f->dir = tu_datadir(&f->tmp);
	assert_int_equal(cu_crypto_init(), 0);
	assert_int_equal(cu_core_init(f->dir, "admin", "admin-pw"), 0);
	cu_core_config cfg = {.datadir = f->dir, .session_ttl = 1};
	assert_int_equal(cu_core_open(&f->c, &cfg), 0);
	assert_int_equal(cu_demo_load(f->c, 0), 0);
	assert_int_equal(cu_actor_load(f->c, &f->se, "se"), 0);
	assert_int_equal(cu_actor_load(f->c, &f->rs, "rs"), 0);
	assert_int_equal(cu_actor_load(f->c, &f->lt, "lt"), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	cu_core_close(f->c);
	free(f->dir);
	tu_rmdir(f->tmp);
	free(f);
	return 0;
}

static json_t *parse(const char *s)
{
	json_t *j = json_loads(s, 0, NULL);
	assert_non_null(j);
	return j;
}

static int64_t create(fixture *f, const char *json, json_t **out)
{
	json_t *in = parse(json);
	assert_int_equal(cu_case_create(f->c, &f->se, out, in), 0);
	json_decref(in);
	return json_integer_value(json_object_get(*out, "id"));
}

static void test_cases_create__fields_and_event(void **state)
{
	fixture *f = *state;
	json_t *out, *ev;
	int64_t id = create(f, "{\"title\":\"T\",\"crime_types\":[\"cybercrime\"],"
	                    "\"opened_on\":\"2021-05-05\",\"national_ref\":\"SE-1\"}", &out);
	/* The first case opened in 2021 (the demo has none that year). */
	assert_string_equal(cu_json_str(out, "reference"), "2021/0001");
	assert_string_equal(cu_json_str(out, "status"), "open");
	assert_string_equal(cu_json_str(out, "requesting_org"), "SE");
	/* Reg. (EU) 2018/1727 art. 29: the review is due three years on. */
	assert_string_equal(cu_json_str(out, "retention_review_on"), "2024-05-05");
	json_decref(out);
	assert_int_equal(cu_case_events(f->c, &f->se, &ev, id, 0, 100), 0);
	assert_int_equal(json_array_size(ev), 1);
	json_t *e = json_array_get(ev, 0);
	assert_string_equal(cu_json_str(e, "action"), "case.create");
	assert_string_equal(cu_json_str(e, "actor"), "se");
	assert_string_equal(cu_json_str(e, "actor_org"), "SE");
	assert_string_equal(cu_json_str(json_object_get(e, "after"), "title"), "T");
	json_decref(ev);
}

static void test_cases_create__invalid_refused_nothing_written(void **state)
{
	fixture *f = *state;
	static const char *const bad[] = {
		"{\"title\":\"\",\"crime_types\":[\"cybercrime\"]}",
		"{\"title\":\"T\",\"crime_types\":[]}",
		"{\"title\":\"T\",\"crime_types\":[\"fraud\"]}",
		"{\"title\":\"T\",\"crime_types\":[\"cybercrime\"],\"opened_on\":\"2026-13-01\"}",
		"{\"title\":5,\"crime_types\":[\"cybercrime\"]}",
		"{\"title\":\"T\",\"crime_types\":[\"cybercrime\"],\"extra\":1}",
		"{\"title\":\"T\",\"crime_types\":[\"cybercrime\"],\"participants\":[{\"org\":\"ZZ\"}]}",
		"{\"title\":\"T\",\"crime_types\":[\"cybercrime\"],\"participants\":[{\"org\":\"SE\"}]}",
		"{\"title\":\"T\",\"crime_types\":[\"cybercrime\"],\"participants\":[{\"org\":\"RS\","
		"\"access\":\"boss\"}]}",
		"{\"title\":\"a\\u0001b\",\"crime_types\":[\"cybercrime\"]}",
	};
	int64_t before = cu_store_event_count(cu_core_store(f->c));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *in = parse(bad[i]), *out = NULL;
		int r = cu_case_create(f->c, &f->se, &out, in);
		if (r != CU_EINVALID)
			fail_msg("case %zu: %s: got %d", i, bad[i], r);
		assert_null(out);
		json_decref(in);
	}
	assert_int_equal(cu_store_event_count(cu_core_store(f->c)), before);
}

static void test_cases_lifecycle__closed_then_archived(void **state)
{
	fixture *f = *state;
	json_t *out = NULL, *in;
	int64_t id = create(f, "{\"title\":\"L\",\"crime_types\":[\"corruption\"]}", &out);
	json_decref(out);
	in = parse("{\"reason\":\"done\"}");
	assert_int_equal(cu_case_close(f->c, &f->se, &out, id, in), 0);
	assert_string_equal(cu_json_str(out, "status"), "closed");
	assert_non_null(cu_json_str(out, "closed_on"));
	json_decref(out);
	assert_int_equal(cu_case_close(f->c, &f->se, &out, id, in), CU_ECONFLICT);
	json_decref(in);
	in = parse("{\"org\":\"RS\"}");
	assert_int_equal(cu_participant_add(f->c, &f->se, &out, id, in), CU_ECONFLICT);
	json_decref(in);
	in = parse("{\"title\":\"renamed\"}");
	assert_int_equal(cu_case_update(f->c, &f->se, &out, id, in), CU_ECONFLICT);
	json_decref(in);
	/* Reopen, then it may change again. */
	in = parse("{\"status\":\"open\",\"title\":\"renamed\"}");
	assert_int_equal(cu_case_update(f->c, &f->se, &out, id, in), 0);
	assert_string_equal(cu_json_str(out, "title"), "renamed");
	assert_true(json_is_null(json_object_get(out, "closed_on")));
	json_decref(out);
	json_decref(in);
	in = parse("{\"status\":\"archived\"}");
	assert_int_equal(cu_case_update(f->c, &f->se, &out, id, in), CU_ECONFLICT);
	json_decref(in);
	in = parse("{\"status\":\"closed\"}");
	assert_int_equal(cu_case_update(f->c, &f->se, &out, id, in), 0);
	json_decref(out);
	json_decref(in);
	in = parse("{\"status\":\"archived\"}");
	assert_int_equal(cu_case_update(f->c, &f->se, &out, id, in), 0);
	json_decref(out);
	json_decref(in);
	in = parse("{\"status\":\"open\"}");
	assert_int_equal(cu_case_update(f->c, &f->se, &out, id, in), CU_ECONFLICT);
	json_decref(in);
}

static void test_cases_participants__crosswalk(void **state)
{
	fixture *f = *state;
	int64_t id, found;
	json_t *out = NULL, *in;
	/* The demo's arrest case, found by each side's national case number. */
	assert_int_equal(cu_case_resolve(f->c, &f->se, &id, "AM-48213-26"), 0);
	assert_int_equal(cu_case_resolve(f->c, &f->rs, &found, "KTO-112/26"), 0);
	assert_int_equal(found, id);
	assert_int_equal(cu_case_resolve(f->c, &f->lt, &found, "AM-48213-26"), CU_ENOTFOUND);
	/* A participant records its own number; it may not change others'. */
	in = parse("{\"national_ref\":\"KTO-999/26\"}");
	assert_int_equal(cu_participant_update(f->c, &f->rs, &out, id, "RS", in), 0);
	json_decref(out);
	assert_int_equal(cu_participant_update(f->c, &f->rs, &out, id, "SE", in), CU_EDENIED);
	json_decref(in);
	assert_int_equal(cu_case_resolve(f->c, &f->rs, &found, "KTO-999/26"), 0);
	/* The requesting organisation cannot be removed or demoted. */
	assert_int_equal(cu_participant_remove(f->c, &f->se, id, "SE"), CU_ECONFLICT);
	in = parse("{\"access\":\"observer\"}");
	assert_int_equal(cu_participant_update(f->c, &f->se, &out, id, "SE", in), CU_ECONFLICT);
	assert_int_equal(cu_participant_update(f->c, &f->se, &out, id, "RS", in), 0);
	json_decref(out);
	json_decref(in);
	assert_int_equal(cu_participant_remove(f->c, &f->se, id, "RS"), 0);
	assert_int_equal(cu_case_resolve(f->c, &f->rs, &found, "2026/0001"), CU_ENOTFOUND);
}

static void test_cases_jit__expired_read_only_until_extended(void **state)
{
	fixture *f = *state;
	json_t *out = NULL, *in;
	int64_t cid = create(f, "{\"title\":\"J\",\"crime_types\":[\"terrorism\"]}", &out);
	json_decref(out);
	char buf[256];
	snprintf(buf, sizeof(buf), "{\"name\":\"Old JIT\",\"signed_on\":\"2019-01-01\","
	         "\"expires_on\":\"2020-01-01\",\"cases\":[%lld]}", (long long)cid);
	in = parse(buf);
	assert_int_equal(cu_jit_create(f->c, &f->se, &out, in), 0);
	int64_t jit = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	json_decref(in);
	in = parse("{\"org\":\"ICC\",\"role\":\"participant\"}");
	assert_int_equal(cu_jit_member_add(f->c, &f->se, &out, jit, in), CU_ECONFLICT);
	json_t *ext = parse("{\"expires_on\":\"2100-01-01\"}");
	assert_int_equal(cu_jit_extend(f->c, &f->se, &out, jit, ext), CU_EINVALID);
	json_decref(ext);
	ext = parse("{\"expires_on\":\"2019-06-01\",\"reason\":\"earlier\"}");
	assert_int_equal(cu_jit_extend(f->c, &f->se, &out, jit, ext), CU_EINVALID);
	json_decref(ext);
	ext = parse("{\"expires_on\":\"2100-01-01\",\"reason\":\"agreed by the parties\"}");
	assert_int_equal(cu_jit_extend(f->c, &f->se, &out, jit, ext), 0);
	assert_int_equal(json_array_size(json_object_get(out, "extensions")), 1);
	json_decref(out);
	json_decref(ext);
	assert_int_equal(cu_jit_member_add(f->c, &f->se, &out, jit, in), 0);
	json_decref(out);
	json_decref(in);
	/* Linking a case needs ownership of it. */
	in = parse("{\"case\":\"2026/0001\"}");
	assert_int_equal(cu_jit_case_add(f->c, &f->rs, &out, jit, in), CU_ENOTFOUND);
	json_decref(in);
}

static void test_cases_auth__sessions_expire_and_revoke(void **state)
{
	fixture *f = *state;
	json_t *out = NULL;
	cu_actor a;
	char tid[17];
	assert_int_equal(cu_auth_login(f->c, &out, "se", "wrong", NULL, NULL), CU_EAUTH);
	assert_int_equal(cu_auth_login(f->c, &out, "nobody", "demo", NULL, NULL), CU_EAUTH);
	assert_int_equal(cu_auth_login(f->c, &out, "se", "demo", NULL, NULL), 0);
	char token[128];
	snprintf(token, sizeof(token), "%s", cu_json_str(out, "token"));
	json_decref(out);
	assert_int_equal(cu_auth_bearer(f->c, &a, tid, token), 0);
	assert_string_equal(a.username, "se");
	token[strlen(token) - 1] ^= 1;
	assert_int_equal(cu_auth_bearer(f->c, &a, tid, token), CU_EAUTH);
	token[strlen(token) - 1] ^= 1;
	sleep(2); /* the fixture's sessions last one second */
	assert_int_equal(cu_auth_bearer(f->c, &a, tid, token), CU_EAUTH);
	/* API tokens: revoked at once. */
	json_t *in = parse("{\"label\":\"script\"}");
	assert_int_equal(cu_token_create(f->c, &f->se, &out, in), 0);
	json_decref(in);
	snprintf(token, sizeof(token), "%s", cu_json_str(out, "token"));
	char id[32];
	snprintf(id, sizeof(id), "%s", cu_json_str(out, "id"));
	json_decref(out);
	assert_int_equal(cu_auth_bearer(f->c, &a, tid, token), 0);
	assert_int_equal(cu_token_revoke(f->c, &f->rs, id), CU_ENOTFOUND);
	assert_int_equal(cu_token_revoke(f->c, &f->se, id), 0);
	assert_int_equal(cu_auth_bearer(f->c, &a, tid, token), CU_EAUTH);
	/* Failed logins are on record. */
	json_t *ev;
	assert_int_equal(cu_store_event_list(cu_core_store(f->c), &ev, 0, 0, 0, 100000), 0);
	size_t i, failed = 0;
	json_t *e;
	json_array_foreach(ev, i, e)
		failed += !strcmp(cu_json_str(e, "action"), "auth.login_failed");
	assert_int_equal(failed, 2);
	/* And no event holds a secret. */
	char *all = json_dumps(ev, 0);
	assert_null(strstr(all, token));
	assert_null(strstr(all, "$argon2id$"));
	free(all);
	json_decref(ev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cases_create__fields_and_event, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cases_create__invalid_refused_nothing_written,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_cases_lifecycle__closed_then_archived, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_cases_participants__crosswalk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cases_jit__expired_read_only_until_extended, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_cases_auth__sessions_expire_and_revoke, setup,
		                                teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
