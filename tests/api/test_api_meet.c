/* SPDX-License-Identifier: Apache-2.0 */
/*
 * api tests: meetings and the interview register over HTTP. A case's meeting
 * is seen by those who see the case; a network event by its participants; a
 * closed session only by those invited — checked in the raw answers, so that
 * nothing of it leaks in any field. Follow-up actions only for organisations
 * that see the meeting; a closed case holds no more meetings. An earlier
 * interview in a case the planner cannot see is reported with its
 * organisation and month only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static char *tok_se, *tok_rs, *tok_lt, *tok_icc, *tok_fr, *tok_de, *tok_gen, *tok_admin;

static int setup(void **state)
{
	if (api_group_setup(state) != 0)
		return -1;
	tok_se = api_login_demo("se");
	tok_rs = api_login_demo("rs");
	tok_lt = api_login_demo("lt");
	tok_icc = api_login_demo("icc");
	tok_fr = api_login_demo("fr");
	tok_de = api_login_demo("de");
	tok_gen = api_login_demo("genocide");
	tok_admin = api_login_demo("admin");
	return 0;
}

static int teardown(void **state)
{
	free(tok_se);
	free(tok_rs);
	free(tok_lt);
	free(tok_icc);
	free(tok_fr);
	free(tok_de);
	free(tok_gen);
	free(tok_admin);
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

/* GET as token: the status, and the raw body in *raw (caller frees). */
static long get_raw(const char *token, const char *path, char **raw)
{
	api_resp r;
	api_req rq = {.method = "GET", .path = path, .token = token};
	assert_int_equal(api_send(&rq, &r), 0);
	long st = r.status;
	*raw = strdup(r.body ? r.body : "");
	api_resp_free(&r);
	return st;
}

/* The demo's meeting with this kind (the plenary, the coordination meeting). */
static int64_t demo_meeting(const char *token, const char *kind)
{
	json_t *o = NULL, *v;
	size_t i;
	int64_t id = 0;
	assert_int_equal(api_getf(token, &o, "/api/v1/meetings?kind=%s", kind), 200);
	json_array_foreach(o, i, v)
		if (!id)
			id = json_integer_value(json_object_get(v, "id"));
	json_decref(o);
	assert_true(id > 0);
	return id;
}

/*
 * Pages through a list two at a time (limit=2, then before=the last id seen):
 * each item once, in the order of the whole list. The lists stopped at
 * 1,000 with no way to the rest.
 */
static void pages_cover(const char *token, const char *path)
{
	json_t *all = NULL, *page = NULL, *v;
	char p[160];
	size_t i, seen = 0;
	int64_t before = 0;
	assert_int_equal(api_getf(token, &all, "%s", path), 200);
	assert_true(json_array_size(all) >= 2);
	for (;;) {
		if (before)
			snprintf(p, sizeof(p), "%s?limit=2&before=%lld", path, (long long)before);
		else
			snprintf(p, sizeof(p), "%s?limit=2", path);
		assert_int_equal(api_getf(token, &page, "%s", p), 200);
		json_array_foreach(page, i, v) {
			assert_true(json_equal(json_object_get(v, "id"),
			                       json_object_get(json_array_get(all, seen), "id")));
			seen++;
		}
		size_t n = json_array_size(page);
		before = n ? json_integer_value(json_object_get(json_array_get(page, n - 1), "id")) : 0;
		json_decref(page);
		if (n < 2)
			break;
	}
	assert_int_equal(seen, json_array_size(all));
	json_decref(all);
}

static void test_api_meet__lists_come_in_pages(void **state)
{
	(void)state;
	/* Two more meetings and interviews on one day: the order's tie is broken by id.
	 * (Events of SE's, not the case's meetings other tests pick the first of.) */
	for (int i = 0; i < 2; i++) {
		json_t *o = NULL;
		assert_int_equal(post(tok_se, "/api/v1/meetings", "{\"kind\":\"conference\","
		                      "\"title\":\"Paging\",\"held_on\":\"2020-01-01\","
		                      "\"participants\":[\"RS\"]}", &o), 201);
		json_decref(o);
		assert_int_equal(post(tok_se, "/api/v1/interviews", "{\"case\":\"2026/0001\","
		                      "\"entity\":1,\"role\":\"witness\",\"on\":\"2020-01-01\","
		                      "\"status\":\"held\"}", &o), 201);
		json_decref(o);
	}
	pages_cover(tok_se, "/api/v1/meetings");
	pages_cover(tok_se, "/api/v1/interviews");
	json_t *o = NULL;
	assert_int_equal(api_getf(tok_se, &o, "/api/v1/meetings?before=0"), 400);
	json_decref(o);
}

static void test_api_meet__closed_session_need_to_know(void **state)
{
	(void)state;
	char path[96], *raw = NULL;
	int64_t id = demo_meeting(tok_gen, "plenary");
	snprintf(path, sizeof(path), "/api/v1/meetings/%lld", (long long)id);
	/* FR is invited to the closed session: it sees its agenda. */
	assert_int_equal(get_raw(tok_fr, path, &raw), 200);
	assert_non_null(strstr(raw, "Closed session: ongoing investigations"));
	assert_non_null(strstr(raw, "ISIL crimes against Yezidis"));
	free(raw);
	/* The ICC attends the plenary but is not invited: not a word of the session. */
	assert_int_equal(get_raw(tok_icc, path, &raw), 200);
	assert_non_null(strstr(raw, "Open session: digital evidence"));
	assert_null(strstr(raw, "Closed session"));
	assert_null(strstr(raw, "Yezidis"));
	assert_null(strstr(raw, "\"closed\":true"));
	free(raw);
	/* Not in its list either. */
	assert_int_equal(get_raw(tok_icc, "/api/v1/meetings", &raw), 200);
	assert_null(strstr(raw, "Closed session"));
	free(raw);
	/* RS does not attend: 404, absent from lists, as if it did not exist. */
	assert_int_equal(get_raw(tok_rs, path, &raw), 404);
	assert_null(strstr(raw, "Genocide"));
	free(raw);
	assert_int_equal(get_raw(tok_rs, "/api/v1/meetings?kind=plenary", &raw), 200);
	assert_string_equal(raw, "[]");
	free(raw);
	/* The ICC may not record the closed session's outcome (not invited): as absent. */
	json_t *o = NULL;
	assert_int_equal(api_getf(tok_fr, &o, "%s", path), 200);
	int64_t closed = 0;
	json_t *s;
	size_t i;
	json_array_foreach(json_object_get(o, "sessions"), i, s)
		if (json_is_true(json_object_get(s, "closed")))
			closed = json_integer_value(json_object_get(s, "id"));
	json_decref(o);
	assert_true(closed > 0);
	char body[160];
	snprintf(path, sizeof(path), "/api/v1/meetings/%lld/outcome", (long long)id);
	snprintf(body, sizeof(body), "{\"outcome\":\"Secret\",\"session\":%lld}", (long long)closed);
	assert_int_equal(post(tok_icc, path, body, &o), 404);
	assert_non_null(strstr(api_assert_error(o), "no session"));
	json_decref(o);
	/* FR, invited, records it; the ICC still sees nothing of it, not even that the
	 * meeting changed (its version and time stay as they were). */
	char *before = NULL;
	snprintf(path, sizeof(path), "/api/v1/meetings/%lld", (long long)id);
	assert_int_equal(get_raw(tok_icc, path, &before), 200);
	snprintf(path, sizeof(path), "/api/v1/meetings/%lld/outcome", (long long)id);
	snprintf(body, sizeof(body), "{\"outcome\":\"Two new witnesses identified\","
	         "\"session\":%lld}", (long long)closed);
	assert_int_equal(post(tok_fr, path, body, &o), 200);
	json_decref(o);
	snprintf(path, sizeof(path), "/api/v1/meetings/%lld", (long long)id);
	assert_int_equal(get_raw(tok_icc, path, &raw), 200);
	assert_null(strstr(raw, "witnesses identified"));
	assert_string_equal(raw, before);
	free(before);
	free(raw);
	assert_int_equal(get_raw(tok_fr, path, &raw), 200);
	assert_non_null(strstr(raw, "witnesses identified")); /* the invited see it */
	free(raw);
	/* The meeting's own outcome is the organiser's. */
	snprintf(path, sizeof(path), "/api/v1/meetings/%lld/outcome", (long long)id);
	assert_int_equal(post(tok_fr, path, "{\"outcome\":\"x\"}", &o), 403);
	json_decref(o);
	assert_int_equal(post(tok_gen, path, "{\"outcome\":\"Conclusions adopted\"}", &o), 200);
	assert_string_equal(json_string_value(json_object_get(o, "outcome")), "Conclusions adopted");
	/* The organiser is not invited to the closed session: it does not see it. */
	char *dump = json_dumps(o, JSON_COMPACT);
	assert_null(strstr(dump, "witnesses identified"));
	free(dump);
	json_decref(o);
}

static void test_api_meet__case_meeting(void **state)
{
	(void)state;
	json_t *o = NULL;
	char path[96], *raw = NULL;
	int64_t id = demo_meeting(tok_se, "coordination");
	/* Those who see the case see its meeting, with its actions linked to requests. */
	assert_int_equal(api_getf(tok_rs, &o, "/api/v1/meetings/%lld", (long long)id), 200);
	assert_string_equal(json_string_value(json_object_get(o, "case_reference")), "2026/0001");
	assert_int_equal(json_array_size(json_object_get(o, "actions")), 3);
	assert_true(json_is_integer(json_object_get(json_array_get(json_object_get(o, "actions"), 0),
	                                            "request_id")));
	json_decref(o);
	/* LT does not see the case: 404, and nothing in the raw list. */
	snprintf(path, sizeof(path), "/api/v1/meetings/%lld", (long long)id);
	assert_int_equal(get_raw(tok_lt, path, &raw), 404);
	assert_null(strstr(raw, "2026/0001"));
	free(raw);
	assert_int_equal(get_raw(tok_lt, "/api/v1/meetings", &raw), 200);
	assert_null(strstr(raw, "Swedish"));
	free(raw);
	assert_int_equal(api_getf(tok_lt, &o, "/api/v1/meetings?case=2026%%2F0001"), 404);
	json_decref(o);
	/* Bad input: an unknown organisation, a bad date, an organisation outside the
	 * case, a session inviting one not at the meeting, a request of another case. */
	assert_int_equal(post(tok_se, "/api/v1/meetings", "{\"kind\":\"coordination\","
	                      "\"case\":\"2026/0001\",\"title\":\"T\",\"held_on\":\"2026-05-06\","
	                      "\"participants\":[\"XX\"]}", &o), 400);
	assert_non_null(strstr(api_assert_error(o), "XX"));
	json_decref(o);
	assert_int_equal(post(tok_se, "/api/v1/meetings", "{\"kind\":\"coordination\","
	                      "\"case\":\"2026/0001\",\"title\":\"T\",\"held_on\":\"2026-02-30\"}",
	                      &o), 400);
	json_decref(o);
	assert_int_equal(post(tok_se, "/api/v1/meetings", "{\"kind\":\"coordination\","
	                      "\"case\":\"2026/0001\",\"title\":\"T\",\"held_on\":\"2026-05-06\","
	                      "\"participants\":[\"LT\"]}", &o), 400);
	assert_non_null(strstr(api_assert_error(o), "does not take part in the case"));
	json_decref(o);
	assert_int_equal(post(tok_se, "/api/v1/meetings", "{\"kind\":\"other\","
	                      "\"title\":\"T\",\"held_on\":\"2026-05-06\","
	                      "\"participants\":[\"RS\"],\"sessions\":[{\"title\":\"S\","
	                      "\"closed\":true,\"participants\":[\"ME\"]}]}", &o), 400);
	assert_non_null(strstr(api_assert_error(o), "organisation ME is not invited to the meeting"));
	json_decref(o);
	/* A case's meeting has no closed sessions: its timeline is every reader's. */
	assert_int_equal(post(tok_se, "/api/v1/meetings", "{\"kind\":\"coordination\","
	                      "\"case\":\"2026/0001\",\"title\":\"T\",\"held_on\":\"2026-05-06\","
	                      "\"participants\":[\"RS\"],\"sessions\":[{\"title\":\"S\","
	                      "\"closed\":true,\"participants\":[\"RS\"]}]}", &o), 400);
	assert_non_null(strstr(api_assert_error(o), "no closed sessions"));
	json_decref(o);
	assert_int_equal(post(tok_se, "/api/v1/meetings", "{\"kind\":\"plenary\","
	                      "\"case\":\"2026/0001\",\"title\":\"T\",\"held_on\":\"2026-05-06\"}",
	                      &o), 400);
	json_decref(o);
	assert_int_equal(post(tok_se, "/api/v1/meetings", "{\"kind\":\"coordination\","
	                      "\"case\":\"2026/0001\",\"title\":\"T\",\"held_on\":\"2026-05-06\","
	                      "\"actions\":[{\"text\":\"x\",\"request\":99999}]}", &o), 400);
	assert_non_null(strstr(api_assert_error(o), "not a request of this case"));
	json_decref(o);
	/* A follow-up action for an organisation that could not see the meeting. */
	assert_int_equal(post(tok_se, "/api/v1/meetings", "{\"kind\":\"coordination\","
	                      "\"case\":\"2026/0001\",\"title\":\"T\",\"held_on\":\"2026-05-06\","
	                      "\"actions\":[{\"text\":\"Check the accounts\",\"org\":\"LT\"}]}", &o),
	                 400);
	assert_non_null(strstr(api_assert_error(o), "organisation LT does not take part in the "
	                       "case, so it could not see the meeting"));
	json_decref(o);
	snprintf(path, sizeof(path), "/api/v1/meetings/%lld/outcome", (long long)id);
	assert_int_equal(post(tok_se, path, "{\"outcome\":\"x\",\"actions\":[{\"text\":\"y\","
	                      "\"org\":\"LT\"}]}", &o), 400);
	json_decref(o);
	assert_int_equal(post(tok_se, "/api/v1/meetings", "{\"kind\":\"other\",\"title\":\"T\","
	                      "\"held_on\":\"2026-05-06\",\"participants\":[\"RS\"],"
	                      "\"actions\":[{\"text\":\"y\",\"org\":\"ME\"}]}", &o), 400);
	assert_non_null(strstr(api_assert_error(o), "organisation ME is not at the meeting"));
	json_decref(o);
	assert_int_equal(api_getf(tok_se, &o, "/api/v1/meetings/%lld", (long long)id), 200);
	assert_int_equal(json_array_size(json_object_get(o, "actions")), 3); /* none added */
	json_decref(o);
	/* LT, outside the case, cannot record a meeting of it: as if it did not exist. */
	assert_int_equal(post(tok_lt, "/api/v1/meetings", "{\"kind\":\"coordination\","
	                      "\"case\":\"2026/0001\",\"title\":\"T\",\"held_on\":\"2026-05-06\"}",
	                      &o), 404);
	json_decref(o);
	/* Statistics count the coordination meeting for those who see it only. */
	assert_int_equal(api_getf(tok_se, &o, "/api/v1/stats?year=2026"), 200);
	assert_true(json_integer_value(json_object_get(json_object_get(o, "meetings"),
	            "coordination")) >= 1);
	json_decref(o);
	assert_int_equal(api_getf(tok_lt, &o, "/api/v1/stats?year=2026"), 200);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "meetings"),
	                 "coordination")), 0);
	json_decref(o);
}

/* A closed case holds no more coordination meetings, nor outcomes of its meetings (409). */
static void test_api_meet__closed_case(void **state)
{
	(void)state;
	json_t *o = NULL;
	char path[96], body[256];
	assert_int_equal(post(tok_se, "/api/v1/cases", "{\"title\":\"Closing\",\"crime_types\":"
	                      "[\"drug_trafficking\"],\"participants\":[{\"org\":\"RS\"}]}", &o), 201);
	int64_t case_id = json_integer_value(json_object_get(o, "id"));
	char ref[32];
	snprintf(ref, sizeof(ref), "%s", json_string_value(json_object_get(o, "reference")));
	json_decref(o);
	snprintf(body, sizeof(body), "{\"kind\":\"coordination\",\"case\":\"%s\",\"title\":\"T\","
	         "\"held_on\":\"2026-05-06\",\"participants\":[\"RS\"]}", ref);
	assert_int_equal(post(tok_se, "/api/v1/meetings", body, &o), 201);
	int64_t id = json_integer_value(json_object_get(o, "id"));
	json_decref(o);
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/close", (long long)case_id);
	assert_int_equal(post(tok_se, path, "{}", &o), 200);
	json_decref(o);
	assert_int_equal(post(tok_se, "/api/v1/meetings", body, &o), 409);
	char want[96];
	snprintf(want, sizeof(want), "case %s is closed: no new coordination meetings", ref);
	assert_non_null(strstr(api_assert_error(o), want));
	json_decref(o);
	snprintf(path, sizeof(path), "/api/v1/meetings/%lld/outcome", (long long)id);
	assert_int_equal(post(tok_rs, path, "{\"outcome\":\"late\"}", &o), 409);
	assert_non_null(strstr(api_assert_error(o), "is closed: no new meeting outcomes"));
	json_decref(o);
	assert_int_equal(api_getf(tok_se, &o, "/api/v1/meetings?case=%s", ref), 200);
	assert_int_equal(json_array_size(o), 1);
	assert_true(json_is_null(json_object_get(json_array_get(o, 0), "outcome")));
	json_decref(o);
}

static void test_api_meet__interview_hit(void **state)
{
	(void)state;
	json_t *o = NULL, *v;
	char *raw = NULL, path[96];
	size_t i;
	int64_t planned = 0;
	/* DE's planned interview reports FR's earlier one: organisation and month only. */
	assert_int_equal(api_getf(tok_de, &o, "/api/v1/interviews"), 200);
	json_array_foreach(o, i, v)
		if (!strcmp(json_string_value(json_object_get(v, "status")), "planned"))
			planned = json_integer_value(json_object_get(v, "id"));
	json_decref(o);
	assert_true(planned > 0);
	snprintf(path, sizeof(path), "/api/v1/interviews/%lld", (long long)planned);
	assert_int_equal(get_raw(tok_de, path, &raw), 200);
	o = json_loads(raw, 0, NULL);
	json_t *e = json_object_get(o, "earlier_interviews");
	assert_int_equal(json_array_size(e), 1);
	v = json_array_get(e, 0);
	assert_true(json_is_false(json_object_get(v, "visible")));
	assert_string_equal(json_string_value(json_object_get(v, "org")), "FR");
	assert_string_equal(json_string_value(json_object_get(v, "month")), "2024-02");
	assert_int_equal(json_object_size(v), 4); /* visible, org, month, via */
	json_decref(o);
	/* Nothing of the Yezidi case: not its reference, the day, the spelling, the record. */
	assert_null(strstr(raw, "2024/0001"));
	assert_null(strstr(raw, "2024-02-20"));
	assert_null(strstr(raw, "Khidir"));
	assert_null(strstr(raw, "T-12"));
	assert_null(strstr(raw, "Martin"));
	free(raw);
	/* FR does not see DE's case: its interviews are not listed to FR. */
	assert_int_equal(get_raw(tok_fr, "/api/v1/interviews", &raw), 200);
	assert_null(strstr(raw, "2025/0002"));
	free(raw);
	assert_int_equal(get_raw(tok_fr, path, &raw), 404);
	free(raw);
	/* SE sees the Yezidi case: planning there shows the earlier interview in full. */
	assert_int_equal(api_getf(tok_se, &o, "/api/v1/interviews?case=2024%%2F0001"), 200);
	int64_t entity = json_integer_value(json_object_get(json_array_get(o, 0), "entity_id"));
	json_decref(o);
	char body[256];
	snprintf(body, sizeof(body), "{\"case\":\"2024/0001\",\"entity\":%lld,\"role\":\"witness\","
	         "\"status\":\"planned\",\"on\":\"2027-01-10\"}", (long long)entity);
	assert_int_equal(post(tok_se, "/api/v1/interviews", body, &o), 201);
	e = json_object_get(o, "earlier_interviews");
	assert_int_equal(json_array_size(e), 1);
	v = json_array_get(e, 0);
	assert_true(json_is_true(json_object_get(v, "visible")));
	assert_string_equal(json_string_value(json_object_get(v, "on")), "2024-02-20");
	assert_string_equal(json_string_value(json_object_get(v, "via")), "same_entity");
	json_decref(o);
	/* Bad input: an entity of another case, a held interview in the future, a role. */
	assert_int_equal(post(tok_se, "/api/v1/interviews", "{\"case\":\"2026/0001\",\"entity\":"
	                      "99999,\"role\":\"witness\",\"on\":\"2026-01-10\"}", &o), 400);
	json_decref(o);
	char later[16];
	time_t t = time(NULL) + 30 * 86400;
	struct tm tm;
	strftime(later, sizeof(later), "%Y-%m-%d", gmtime_r(&t, &tm));
	snprintf(body, sizeof(body), "{\"case\":\"2024/0001\",\"entity\":%lld,\"role\":\"witness\","
	         "\"on\":\"%s\"}", (long long)entity, later);
	assert_int_equal(post(tok_se, "/api/v1/interviews", body, &o), 400);
	assert_non_null(strstr(api_assert_error(o), "in the future"));
	json_decref(o);
	/* Planned for a day gone by: 400, it is the past (one held then is registered as held). */
	char earlier[16];
	t = time(NULL) - 2 * 86400;
	strftime(earlier, sizeof(earlier), "%Y-%m-%d", gmtime_r(&t, &tm));
	snprintf(body, sizeof(body), "{\"case\":\"2024/0001\",\"entity\":%lld,\"role\":\"witness\","
	         "\"status\":\"planned\",\"on\":\"%s\"}", (long long)entity, earlier);
	assert_int_equal(post(tok_se, "/api/v1/interviews", body, &o), 400);
	assert_non_null(strstr(api_assert_error(o), "is in the past"));
	json_decref(o);
	snprintf(body, sizeof(body), "{\"case\":\"2024/0001\",\"entity\":%lld,\"role\":\"witness\","
	         "\"status\":\"held\",\"on\":\"%s\"}", (long long)entity, earlier);
	assert_int_equal(post(tok_se, "/api/v1/interviews", body, &o), 201);
	json_decref(o);
	snprintf(body, sizeof(body), "{\"case\":\"2024/0001\",\"entity\":%lld,\"role\":\"suspect\","
	         "\"on\":\"2024-01-10\"}", (long long)entity);
	assert_int_equal(post(tok_se, "/api/v1/interviews", body, &o), 400);
	json_decref(o);
	/* DE may not register an interview in a case it cannot see. */
	snprintf(body, sizeof(body), "{\"case\":\"2024/0001\",\"entity\":%lld,\"role\":\"witness\","
	         "\"on\":\"2024-01-10\"}", (long long)entity);
	assert_int_equal(post(tok_de, "/api/v1/interviews", body, &o), 404);
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api_meet__lists_come_in_pages),
		cmocka_unit_test(test_api_meet__closed_session_need_to_know),
		cmocka_unit_test(test_api_meet__case_meeting),
		cmocka_unit_test(test_api_meet__closed_case),
		cmocka_unit_test(test_api_meet__interview_hit),
	};
	return cmocka_run_group_tests_name("api_meet", tests, setup, teardown);
}
