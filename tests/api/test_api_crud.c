/* SPDX-License-Identifier: Apache-2.0 */
/* api tests: create, read, update and delete round trips of cases, JITs, users and orgs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static const char *str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static bool has_string(const json_t *array, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(array, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), s))
			return true;
	return false;
}

static json_t *member(const json_t *jit, const char *org)
{
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(jit, "members"), i, m)
		if (!strcmp(str(m, "org"), org))
			return m;
	return NULL;
}

static void test_api_crud__case_round_trip(void **state)
{
	(void)state;
	char *se = api_login_demo("se"), *rs = api_login_demo("rs"), path[160];
	json_t *created = NULL, *got = NULL, *out = NULL;
	long st = api_requestj("POST", "/api/v1/cases", se, json_pack(
		"{s:s,s:[s,s],s:s,s:s,s:[{s:s,s:s,s:s},{s:s,s:s}]}",
		"title", "Investment fraud through call centres",
		"crime_types", "swindling_fraud", "money_laundering", "opened_on", "2026-05-01",
		"national_ref", "AM-777-26", "participants", "org", "RS", "access", "participant",
		"national_ref", "KTO-9-26", "org", "DE", "access", "observer"), &created);
	assert_int_equal(st, 201);
	int64_t id = json_integer_value(json_object_get(created, "id"));
	assert_true(id > 0);
	assert_int_equal(strncmp(str(created, "reference"), "2026/", 5), 0);
	assert_string_equal(str(created, "title"), "Investment fraud through call centres");
	assert_string_equal(str(created, "status"), "open");
	assert_string_equal(str(created, "requesting_org"), "SE");
	assert_string_equal(str(created, "opened_on"), "2026-05-01");
	assert_true(json_is_null(json_object_get(created, "closed_on")));
	/* Review of the need to keep the data three years on (Reg. 2018/1727 art. 29). */
	const char *review = str(created, "retention_review_on");
	assert_true(strcmp(review, "2029-04-29") >= 0 && strcmp(review, "2029-05-01") <= 0);
	json_t *types = json_object_get(created, "crime_types");
	assert_int_equal(json_array_size(types), 2);
	assert_true(has_string(types, "swindling_fraud"));
	assert_true(has_string(types, "money_laundering"));
	json_t *p = api_participant(created, "SE");
	assert_string_equal(str(p, "access"), "owner");
	assert_string_equal(str(p, "national_ref"), "AM-777-26");
	assert_string_equal(str(p, "kind"), "national_member");
	p = api_participant(created, "RS");
	assert_string_equal(str(p, "access"), "participant");
	assert_string_equal(str(p, "national_ref"), "KTO-9-26");
	assert_string_equal(str(p, "country"), "RS");
	p = api_participant(created, "DE");
	assert_string_equal(str(p, "access"), "observer");
	assert_true(json_is_null(json_object_get(p, "national_ref")));
	assert_int_equal(json_array_size(json_object_get(created, "participants")), 3);
	assert_int_equal(json_array_size(json_object_get(created, "jits")), 0);

	/* Read back: the same document, for the owner and for a participant. */
	assert_int_equal(api_getf(se, &got, "/api/v1/cases/%lld", (long long)id), 200);
	assert_true(json_equal(created, got));
	json_decref(got);
	assert_int_equal(api_getf(rs, &got, "/api/v1/cases/%lld", (long long)id), 200);
	assert_true(json_equal(created, got));
	json_decref(got);
	assert_int_equal(api_getf(rs, &got, "/api/v1/cases/%lld/participants", (long long)id), 200);
	assert_true(json_equal(got, json_object_get(created, "participants")));
	json_decref(got);
	/* And by the national case numbers. */
	assert_int_equal(api_getf(se, &got, "/api/v1/cases/AM-777-26"), 200);
	assert_int_equal(json_integer_value(json_object_get(got, "id")), id);
	json_decref(got);
	assert_int_equal(api_getf(rs, &got, "/api/v1/cases/KTO-9-26"), 200);
	assert_int_equal(json_integer_value(json_object_get(got, "id")), id);
	json_decref(got);

	/* PATCH title, crime types and retention review. */
	snprintf(path, sizeof(path), "/api/v1/cases/%lld", (long long)id);
	st = api_requestj("PATCH", path, se, json_pack("{s:s,s:[s],s:s}", "title",
	                  "Call-centre fraud network", "crime_types", "cybercrime",
	                  "retention_review_on", "2029-03-02"), &out);
	assert_int_equal(st, 200);
	assert_string_equal(str(out, "title"), "Call-centre fraud network");
	assert_int_equal(json_array_size(json_object_get(out, "crime_types")), 1);
	assert_true(has_string(json_object_get(out, "crime_types"), "cybercrime"));
	assert_string_equal(str(out, "retention_review_on"), "2029-03-02");
	assert_string_equal(str(out, "reference"), str(created, "reference"));
	assert_string_equal(str(out, "opened_on"), "2026-05-01");
	assert_true(strcmp(str(out, "updated_at"), str(created, "updated_at")) >= 0);
	assert_int_equal(api_getf(se, &got, "/api/v1/cases/%lld", (long long)id), 200);
	assert_true(json_equal(out, got));
	json_decref(got);
	json_decref(out);

	/* Participants: add, update one's own number, change access, remove. */
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/participants", (long long)id);
	assert_int_equal(api_requestj("POST", path, se, json_pack("{s:s,s:s}", "org", "ME",
	                                                          "national_ref", "Ktr-5-26"), &out),
	                 201);
	assert_string_equal(str(api_participant(out, "ME"), "access"), "participant");
	assert_string_equal(str(api_participant(out, "ME"), "national_ref"), "Ktr-5-26");
	json_decref(out);
	st = api_requestj("POST", path, se, json_pack("{s:s}", "org", "ME"), &out);
	api_assert_fails(st, out, 409, NULL);
	json_decref(out);
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/participants/RS", (long long)id);
	assert_int_equal(api_requestj("PATCH", path, rs, json_pack("{s:s}", "national_ref",
	                                                           "KTO-10-26"), &out), 200);
	assert_string_equal(str(api_participant(out, "RS"), "national_ref"), "KTO-10-26");
	assert_string_equal(str(api_participant(out, "RS"), "access"), "participant");
	json_decref(out);
	/* RS records its own number but not SE's, nor its own access. */
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/participants/SE", (long long)id);
	st = api_requestj("PATCH", path, rs, json_pack("{s:s}", "national_ref", "X"), &out);
	api_assert_fails(st, out, 403, "forbidden");
	json_decref(out);
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/participants/RS", (long long)id);
	st = api_requestj("PATCH", path, rs, json_pack("{s:s}", "access", "owner"), &out);
	api_assert_fails(st, out, 403, "forbidden");
	json_decref(out);
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/participants/DE", (long long)id);
	assert_int_equal(api_requestj("PATCH", path, se, json_pack("{s:s}", "access",
	                                                           "participant"), &out), 200);
	assert_string_equal(str(api_participant(out, "DE"), "access"), "participant");
	json_decref(out);
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/participants/NL", (long long)id);
	st = api_requestj("PATCH", path, se, json_pack("{s:s}", "access", "observer"), &out);
	api_assert_fails(st, out, 404, "not_found");
	json_decref(out);
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/participants/ME", (long long)id);
	assert_int_equal(api_request("DELETE", path, se, NULL, &st, NULL), 0);
	assert_int_equal(st, 204);
	api_request("DELETE", path, se, NULL, &st, &out);
	api_assert_fails(st, out, 404, "not_found");
	json_decref(out);
	assert_int_equal(api_getf(se, &got, "/api/v1/cases/%lld/participants", (long long)id), 200);
	assert_int_equal(json_array_size(got), 3);
	json_decref(got);

	/* The timeline: every change, in order, with before and after. */
	json_t *ev = NULL;
	assert_int_equal(api_getf(rs, &ev, "/api/v1/cases/%lld/events", (long long)id), 200);
	static const char *const actions[] = {
		"case.create", "case.update", "case.participant_add", "case.participant_update",
		"case.participant_update", "case.participant_remove",
	};
	static const char *const actors[] = {"se", "se", "se", "rs", "se", "se"};
	assert_int_equal(json_array_size(ev), 6);
	int64_t last = 0;
	for (size_t i = 0; i < 6; i++) {
		json_t *e = json_array_get(ev, i);
		int64_t seq = json_integer_value(json_object_get(e, "seq"));
		assert_true(seq > last);
		last = seq;
		assert_string_equal(str(e, "action"), actions[i]);
		assert_string_equal(str(e, "actor"), actors[i]);
		assert_string_equal(str(e, "actor_org"), !strcmp(actors[i], "rs") ? "RS" : "SE");
		assert_int_equal(json_integer_value(json_object_get(e, "case_id")), id);
		assert_true(json_is_string(json_object_get(e, "at")));
		assert_true(json_is_object(json_object_get(e, "after")));
	}
	json_t *e0 = json_array_get(ev, 0), *e1 = json_array_get(ev, 1);
	assert_true(json_is_null(json_object_get(e0, "before")));
	assert_string_equal(str(json_object_get(e0, "after"), "title"),
	                    "Investment fraud through call centres");
	assert_string_equal(str(json_object_get(e1, "before"), "title"),
	                    "Investment fraud through call centres");
	assert_string_equal(str(json_object_get(e1, "after"), "title"), "Call-centre fraud network");
	assert_string_equal(str(json_object_get(e1, "before"), "retention_review_on"), review);
	json_t *e2 = json_array_get(ev, 2), *e3 = json_array_get(ev, 3), *e5 = json_array_get(ev, 5);
	assert_null(api_participant(json_object_get(e2, "before"), "ME"));
	assert_non_null(api_participant(json_object_get(e2, "after"), "ME"));
	assert_string_equal(str(api_participant(json_object_get(e3, "before"), "RS"),
	                        "national_ref"), "KTO-9-26");
	assert_string_equal(str(api_participant(json_object_get(e3, "after"), "RS"),
	                        "national_ref"), "KTO-10-26");
	assert_non_null(api_participant(json_object_get(e5, "before"), "ME"));
	assert_null(api_participant(json_object_get(e5, "after"), "ME"));
	/* Paging the timeline. */
	json_t *rest = NULL;
	assert_int_equal(api_getf(rs, &rest, "/api/v1/cases/%lld/events?after=%lld",
	                          (long long)id, (long long)json_integer_value(
	                          json_object_get(e1, "seq"))), 200);
	assert_int_equal(json_array_size(rest), 4);
	assert_string_equal(str(json_array_get(rest, 0), "action"), "case.participant_add");
	json_decref(rest);
	assert_int_equal(api_getf(rs, &rest, "/api/v1/cases/%lld/events?limit=2", (long long)id),
	                 200);
	assert_int_equal(json_array_size(rest), 2);
	assert_true(json_equal(json_array_get(rest, 1), e1));
	json_decref(rest);
	json_decref(ev);
	json_decref(created);
	free(se);
	free(rs);
}

static void test_api_crud__case_close_is_recorded(void **state)
{
	(void)state;
	char *se = api_login_demo("se"), path[128];
	int64_t id = api_case_create(se, "{\"title\":\"To be closed\",\"crime_types\":[\"other\"]}");
	json_t *out = NULL, *ev = NULL;
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/close", (long long)id);
	assert_int_equal(api_requestj("POST", path, se, json_pack("{s:s}", "reason",
	                                                          "Proceedings concluded"), &out),
	                 200);
	assert_string_equal(str(out, "status"), "closed");
	json_decref(out);
	assert_int_equal(api_getf(se, &ev, "/api/v1/cases/%lld/events", (long long)id), 200);
	json_t *last = json_array_get(ev, json_array_size(ev) - 1);
	assert_string_equal(str(last, "action"), "case.close");
	assert_string_equal(str(json_object_get(last, "before"), "status"), "open");
	assert_string_equal(str(json_object_get(last, "after"), "status"), "closed");
	assert_string_equal(str(json_object_get(last, "after"), "reason"), "Proceedings concluded");
	json_decref(ev);
	/* Closing without a body is fine too (on another case). */
	id = api_case_create(se, "{\"title\":\"To be closed quietly\",\"crime_types\":[\"other\"]}");
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/close", (long long)id);
	long st = 0;
	assert_int_equal(api_request("POST", path, se, NULL, &st, &out), 0);
	assert_int_equal(st, 200);
	json_decref(out);
	free(se);
}

static void test_api_crud__jit_round_trip(void **state)
{
	(void)state;
	char *se = api_login_demo("se"), *de = api_login_demo("de"), path[160];
	char *europol = api_login_demo("europol");
	json_t *jit = NULL, *got = NULL, *out = NULL, *before = NULL;
	assert_int_equal(api_getf(se, &before, "/api/v1/jits"), 200);
	/* Refused: dates in the wrong order, an unknown member. Nothing is created. */
	long st = api_requestj("POST", "/api/v1/jits", se,
	                       json_pack("{s:s,s:s,s:s}", "name", "Backwards", "signed_on",
	                                 "2026-01-10", "expires_on", "2026-01-09"), &out);
	api_assert_fails(st, out, 400, "invalid");
	json_decref(out);
	st = api_requestj("POST", "/api/v1/jits", se,
	                  json_pack("{s:s,s:s,s:s,s:[{s:s}]}", "name", "Unknown member",
	                            "signed_on", "2026-01-10", "expires_on", "2028-01-10",
	                            "members", "org", "ZZ"), &out);
	api_assert_fails(st, out, 400, "invalid");
	json_decref(out);
	st = api_requestj("POST", "/api/v1/jits", se,
	                  json_pack("{s:s,s:s}", "name", "No dates", "signed_on", "2026-01-10"),
	                  &out);
	api_assert_fails(st, out, 400, "invalid");
	assert_non_null(strstr(api_assert_error(out), "expires_on"));
	json_decref(out);
	assert_int_equal(api_getf(se, &got, "/api/v1/jits"), 200);
	assert_int_equal(json_array_size(got), json_array_size(before));
	json_decref(got);
	json_decref(before);

	st = api_requestj("POST", "/api/v1/jits", se,
	                  json_pack("{s:s,s:s,s:s,s:[{s:s},{s:s,s:s}]}", "name",
	                            "JIT on investment fraud", "signed_on", "2026-01-10",
	                            "expires_on", "2028-01-10", "members", "org", "DE", "org",
	                            "EUROPOL", "role", "participant"), &jit);
	assert_int_equal(st, 201);
	int64_t id = json_integer_value(json_object_get(jit, "id"));
	assert_string_equal(str(jit, "name"), "JIT on investment fraud");
	assert_string_equal(str(jit, "signed_on"), "2026-01-10");
	assert_string_equal(str(jit, "expires_on"), "2028-01-10");
	assert_string_equal(str(member(jit, "SE"), "role"), "member");
	assert_string_equal(str(member(jit, "DE"), "role"), "member");
	assert_string_equal(str(member(jit, "EUROPOL"), "role"), "participant");
	assert_int_equal(json_array_size(json_object_get(jit, "members")), 3);
	assert_int_equal(json_array_size(json_object_get(jit, "cases")), 0);
	assert_int_equal(json_array_size(json_object_get(jit, "extensions")), 0);
	assert_int_equal(api_getf(de, &got, "/api/v1/jits/%lld", (long long)id), 200);
	assert_true(json_equal(jit, got));
	json_decref(got);

	/* Extensions need a reason and a later date. */
	snprintf(path, sizeof(path), "/api/v1/jits/%lld/extensions", (long long)id);
	static const char *const bad[] = {
		"{\"expires_on\":\"2030-01-10\"}", "{\"expires_on\":\"2030-01-10\",\"reason\":\"\"}",
		"{\"expires_on\":\"2030-01-10\",\"reason\":null}",
		"{\"expires_on\":\"2027-01-10\",\"reason\":\"shorter\"}",
		"{\"expires_on\":\"2028-01-10\",\"reason\":\"same day\"}",
		"{\"expires_on\":\"2030-02-30\",\"reason\":\"no such day\"}",
		"{\"reason\":\"no date\"}", "{\"expires_on\":\"2030-01-10\",\"reason\":5}",
		"{\"expires_on\":\"2030-01-10\",\"reason\":\"x\",\"by\":\"me\"}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		api_request("POST", path, se, bad[i], &st, &out);
		if (st != 400)
			fprintf(stderr, "POST %s %s -> %ld\n", path, bad[i], st);
		api_assert_fails(st, out, 400, "invalid");
		json_decref(out);
	}
	api_request("POST", path, se, bad[0], &st, &out);
	assert_non_null(strstr(api_assert_error(out), "reason"));
	json_decref(out);
	/* A participant organisation cannot extend. */
	st = api_requestj("POST", path, europol, json_pack("{s:s,s:s}", "expires_on", "2030-01-10",
	                                                   "reason", "x"), &out);
	api_assert_fails(st, out, 403, "forbidden");
	json_decref(out);
	assert_int_equal(api_requestj("POST", path, de, json_pack("{s:s,s:s}", "expires_on",
	                              "2030-01-10", "reason", "Further evidence expected"), &out),
	                 201);
	assert_string_equal(str(out, "expires_on"), "2030-01-10");
	json_t *ext = json_object_get(out, "extensions");
	assert_int_equal(json_array_size(ext), 1);
	assert_string_equal(str(json_array_get(ext, 0), "from"), "2028-01-10");
	assert_string_equal(str(json_array_get(ext, 0), "to"), "2030-01-10");
	assert_string_equal(str(json_array_get(ext, 0), "reason"), "Further evidence expected");
	assert_string_equal(str(json_array_get(ext, 0), "by"), "de");
	json_decref(out);

	/* Members. */
	snprintf(path, sizeof(path), "/api/v1/jits/%lld/members", (long long)id);
	assert_int_equal(api_requestj("POST", path, se, json_pack("{s:s}", "org", "NL"), &out), 201);
	assert_string_equal(str(member(out, "NL"), "role"), "member");
	json_decref(out);
	st = api_requestj("POST", path, se, json_pack("{s:s}", "org", "ZZ"), &out);
	api_assert_fails(st, out, 400, "invalid");
	json_decref(out);
	st = api_requestj("POST", path, se, json_pack("{s:s,s:s}", "org", "BE", "role", "boss"),
	                  &out);
	api_assert_fails(st, out, 400, "invalid");
	json_decref(out);

	/* Link a case SE owns; not one it only takes part in. */
	int64_t cid = api_case_create(se, "{\"title\":\"Linked to a JIT\","
	                                  "\"crime_types\":[\"swindling_fraud\"]}");
	char *nl = api_login_demo("nl");
	assert_int_equal(api_getf(nl, NULL, "/api/v1/cases/%lld", (long long)cid), 404);
	snprintf(path, sizeof(path), "/api/v1/jits/%lld/cases", (long long)id);
	assert_int_equal(api_requestj("POST", path, se, json_pack("{s:I}", "case", (json_int_t)cid),
	                              &out), 201);
	bool linked = false;
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(out, "cases"), i, c)
		linked |= json_integer_value(json_object_get(c, "id")) == cid;
	assert_true(linked);
	json_decref(out);
	st = api_requestj("POST", path, se, json_pack("{s:I}", "case", (json_int_t)cid), &out);
	api_assert_fails(st, out, 409, NULL);
	json_decref(out);
	/* The case shows the JIT, and the JIT's members now see the case. */
	assert_int_equal(api_getf(se, &got, "/api/v1/cases/%lld", (long long)cid), 200);
	json_t *jits = json_object_get(got, "jits");
	assert_int_equal(json_array_size(jits), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(jits, 0), "id")), id);
	json_decref(got);
	assert_int_equal(api_getf(nl, NULL, "/api/v1/cases/%lld", (long long)cid), 200);
	size_t n;
	int64_t *ids = api_case_ids(nl, &n);
	assert_true(api_has_id(ids, n, cid));
	free(ids);
	/* By reference, in the body, works too; a case SE does not own does not. */
	int64_t cid2 = api_case_create(se, "{\"title\":\"Linked by reference\","
	                                   "\"crime_types\":[\"swindling_fraud\"]}");
	assert_int_equal(api_getf(se, &got, "/api/v1/cases/%lld", (long long)cid2), 200);
	assert_int_equal(api_requestj("POST", path, se, json_pack("{s:s}", "case",
	                              str(got, "reference")), &out), 201);
	json_decref(out);
	json_decref(got);
	st = api_requestj("POST", path, se, json_pack("{s:s}", "case", "2024/0001"), &out);
	api_assert_fails(st, out, 403, "forbidden");
	json_decref(out);
	st = api_requestj("POST", path, se, json_pack("{s:s}", "case", "2022/0001"), &out);
	api_assert_fails(st, out, 404, "not_found");
	json_decref(out);
	st = api_requestj("POST", path, se, json_pack("{s:b}", "case", 1), &out);
	api_assert_fails(st, out, 400, "invalid");
	json_decref(out);

	/* Unknown JIT ids. */
	static const char *const unknown[] = {"/api/v1/jits/999999", "/api/v1/jits/0",
	                                      "/api/v1/jits/abc", "/api/v1/jits/-1"};
	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		st = api_getf(se, &out, "%s", unknown[i]);
		api_assert_fails(st, out, 404, "not_found");
		json_decref(out);
	}
	json_decref(jit);
	free(nl);
	free(se);
	free(de);
	free(europol);
}

/*
 * "Set up a JIT; the caller's organisation is a member": listing itself as a
 * mere participant must not leave a JIT that no organisation can manage.
 */
static void test_api_crud__jit_creator_stays_member(void **state)
{
	(void)state;
	char *se = api_login_demo("se"), path[128];
	json_t *jit = NULL, *out = NULL;
	long st = api_requestj("POST", "/api/v1/jits", se, json_pack(
		"{s:s,s:s,s:s,s:[{s:s,s:s}]}", "name", "Self-demoted", "signed_on", "2026-01-01",
		"expires_on", "2027-01-01", "members", "org", "SE", "role", "participant"), &jit);
	if (st == 400) {
		api_assert_error(jit); /* refused: fine */
	} else {
		assert_int_equal(st, 201);
		if (strcmp(str(member(jit, "SE"), "role"), "member") != 0)
			fprintf(stderr, "the creating organisation SE is a \"%s\" of its new JIT\n",
			        str(member(jit, "SE"), "role"));
		assert_string_equal(str(member(jit, "SE"), "role"), "member");
		snprintf(path, sizeof(path), "/api/v1/jits/%lld/members",
		         (long long)json_integer_value(json_object_get(jit, "id")));
		assert_int_equal(api_requestj("POST", path, se, json_pack("{s:s}", "org", "DE"), &out),
		                 201);
		json_decref(out);
	}
	json_decref(jit);
	free(se);
}

static void test_api_crud__users(void **state)
{
	(void)state;
	char *seadmin = api_login_demo("se-admin"), *se = api_login_demo("se");
	char *admin = api_login_demo("admin");
	json_t *out = NULL, *list = NULL;
	long st = api_requestj("POST", "/api/v1/users", seadmin, json_pack(
		"{s:s,s:s,s:s,s:s}", "username", "se-prosecutor2", "password", "correct horse",
		"role", "prosecutor", "full_name", "Second Swedish prosecutor"), &out);
	assert_int_equal(st, 201);
	assert_string_equal(str(out, "username"), "se-prosecutor2");
	assert_string_equal(str(out, "org"), "SE");
	assert_string_equal(str(out, "role"), "prosecutor");
	assert_string_equal(str(out, "full_name"), "Second Swedish prosecutor");
	assert_true(json_is_false(json_object_get(out, "disabled")));
	char *dump = json_dumps(out, 0);
	assert_null(strstr(dump, "correct horse"));
	assert_null(strstr(dump, "argon2"));
	free(dump);
	json_decref(out);
	char *t = api_login("se-prosecutor2", "correct horse");
	assert_non_null(t);
	int64_t cid = api_case_create(t, "{\"title\":\"Opened by the new user\","
	                                 "\"crime_types\":[\"other\"]}");
	assert_true(cid > 0);
	free(t);
	/* Taken usernames, bad names and roles. */
	st = api_requestj("POST", "/api/v1/users", seadmin, json_pack("{s:s,s:s,s:s}", "username",
	                  "se-prosecutor2", "password", "another one", "role", "analyst"), &out);
	api_assert_fails(st, out, 409, "exists");
	json_decref(out);
	static const char *const bad[] = {
		"{\"username\":\"Bad Name\",\"password\":\"long enough\",\"role\":\"analyst\"}",
		"{\"username\":\"-dash\",\"password\":\"long enough\",\"role\":\"analyst\"}",
		"{\"username\":\"ok-name\",\"password\":\"long enough\",\"role\":\"god\"}",
		"{\"username\":\"ok-name\",\"password\":\"long enough\"}",
		"{\"username\":\"ok-name\",\"password\":\"long enough\",\"role\":\"analyst\","
		"\"org\":\"ZZ\"}",
		"{\"username\":\"ok-name\",\"password\":\"long enough\",\"role\":\"analyst\","
		"\"email\":\"a@b\"}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		api_request("POST", "/api/v1/users", seadmin, bad[i], &st, &out);
		api_assert_fails(st, out, 400, "invalid");
		json_decref(out);
	}
	/* The SE administrator manages SE's users only. */
	st = api_requestj("POST", "/api/v1/users", seadmin, json_pack("{s:s,s:s,s:s,s:s}",
	                  "username", "fr-intruder", "password", "long enough", "role", "admin",
	                  "org", "FR"), &out);
	api_assert_fails(st, out, 403, "forbidden");
	json_decref(out);
	assert_null(api_login("fr-intruder", "long enough"));
	st = api_getf(seadmin, &out, "/api/v1/users?org=FR");
	api_assert_fails(st, out, 403, "forbidden");
	json_decref(out);
	/* A prosecutor is no administrator. */
	st = api_getf(se, &out, "/api/v1/users");
	api_assert_fails(st, out, 403, "forbidden");
	json_decref(out);
	st = api_requestj("POST", "/api/v1/users", se, json_pack("{s:s,s:s,s:s}", "username",
	                  "se-friend", "password", "long enough", "role", "admin"), &out);
	api_assert_fails(st, out, 403, "forbidden");
	json_decref(out);
	/* The list: SE's users, all of them, nobody else. */
	assert_int_equal(api_getf(seadmin, &list, "/api/v1/users"), 200);
	size_t i;
	json_t *u;
	bool found = false;
	json_array_foreach(list, i, u) {
		assert_string_equal(str(u, "org"), "SE");
		assert_null(json_object_get(u, "pwhash"));
		found |= !strcmp(str(u, "username"), "se-prosecutor2");
	}
	assert_true(found);
	assert_true(json_array_size(list) >= 5); /* se, se-admin, se-analyst, se-observer, new */
	json_decref(list);
	/* The operator's administrator manages every organisation's users. */
	assert_int_equal(api_requestj("POST", "/api/v1/users", admin, json_pack(
		"{s:s,s:s,s:s,s:s}", "username", "fr-analyst2", "password", "long enough", "role",
		"analyst", "org", "FR"), &out), 201);
	assert_string_equal(str(out, "org"), "FR");
	json_decref(out);
	assert_int_equal(api_getf(admin, &list, "/api/v1/users?org=FR"), 200);
	json_array_foreach(list, i, u)
		assert_string_equal(str(u, "org"), "FR");
	json_decref(list);
	/* An administrator changes a role; the user sees it at once. */
	t = api_login("fr-analyst2", "long enough");
	assert_non_null(t);
	assert_int_equal(api_requestj("PATCH", "/api/v1/users/fr-analyst2", admin,
	                              json_pack("{s:s}", "role", "prosecutor"), &out), 200);
	json_decref(out);
	assert_int_equal(api_getf(t, &out, "/api/v1/me"), 200);
	assert_string_equal(str(out, "role"), "prosecutor");
	json_decref(out);
	free(t);
	free(seadmin);
	free(se);
	free(admin);
}

/* The documented minimum length of a password is 8 characters (POST and PATCH
 * /api/v1/users): seven of Cyrillic (13 bytes) are still too short. */
static void test_api_crud__short_passwords_are_refused(void **state)
{
	(void)state;
	char *seadmin = api_login_demo("se-admin");
	json_t *out = NULL;
	static const char *const pw[] = {"", "abc", "seven-7", "Ђорђе-1"};
	for (size_t i = 0; i < sizeof(pw) / sizeof(pw[0]); i++) {
		char name[32];
		snprintf(name, sizeof(name), "se-short%zu", i);
		long st = api_requestj("POST", "/api/v1/users", seadmin, json_pack("{s:s,s:s,s:s}",
		                       "username", name, "password", pw[i], "role", "analyst"), &out);
		if (st != 400)
			fprintf(stderr, "POST /api/v1/users with password \"%s\" -> %ld\n", pw[i], st);
		api_assert_fails(st, out, 400, "invalid");
		json_decref(out);
		char *t = api_login(name, pw[i]);
		assert_null(t);
		free(t);
	}
	long st = api_requestj("PATCH", "/api/v1/users/se-admin", seadmin,
	                       json_pack("{s:s}", "password", "seven-7"), &out);
	api_assert_fails(st, out, 400, "invalid");
	json_decref(out);
	/* Eight will do. */
	st = api_requestj("POST", "/api/v1/users", seadmin, json_pack("{s:s,s:s,s:s}", "username",
	                  "se-eight", "password", "Ђорђе-12", "role", "analyst"), &out);
	assert_int_equal(st, 201);
	json_decref(out);
	char *t = api_login("se-eight", "Ђорђе-12");
	assert_non_null(t);
	free(t);
	free(seadmin);
}

static void test_api_crud__orgs(void **state)
{
	(void)state;
	char *admin = api_login_demo("admin"), *se = api_login_demo("se");
	char *seadmin = api_login_demo("se-admin");
	json_t *out = NULL, *list = NULL;
	const char *irmct = "{\"code\":\"IRMCT\",\"kind\":\"international_organisation\","
	                    "\"name\":\"International Residual Mechanism for Criminal Tribunals\"}";
	long st = 0;
	/* Only the operator's administrators add organisations. */
	api_request("POST", "/api/v1/orgs", se, irmct, &st, &out);
	api_assert_fails(st, out, 403, "forbidden");
	json_decref(out);
	api_request("POST", "/api/v1/orgs", seadmin, irmct, &st, &out);
	api_assert_fails(st, out, 403, "forbidden");
	json_decref(out);
	st = api_getf(se, &out, "/api/v1/orgs/IRMCT");
	api_assert_fails(st, out, 404, "not_found");
	json_decref(out);
	api_request("POST", "/api/v1/orgs", admin, irmct, &st, &out);
	assert_int_equal(st, 201);
	assert_string_equal(str(out, "code"), "IRMCT");
	assert_string_equal(str(out, "kind"), "international_organisation");
	assert_true(json_is_null(json_object_get(out, "country")));
	json_decref(out);
	api_request("POST", "/api/v1/orgs", admin, irmct, &st, &out);
	api_assert_fails(st, out, 409, "exists");
	json_decref(out);
	assert_int_equal(api_getf(se, &out, "/api/v1/orgs/IRMCT"), 200);
	assert_string_equal(str(out, "name"),
	                    "International Residual Mechanism for Criminal Tribunals");
	json_decref(out);
	static const char *const bad[] = {
		"{\"code\":\"irmct2\",\"kind\":\"network\",\"name\":\"x\"}",
		"{\"code\":\"X\",\"kind\":\"network\",\"name\":\"x\"}",
		"{\"code\":\"XX\",\"kind\":\"club\",\"name\":\"x\"}",
		"{\"code\":\"XK\",\"kind\":\"national_member\",\"name\":\"no country\"}",
		"{\"code\":\"UKDESK\",\"kind\":\"liaison_prosecutor\",\"country\":\"UK\","
		"\"name\":\"x\"}",
		"{\"code\":\"XX\",\"kind\":\"network\",\"name\":\"\"}",
		"{\"code\":\"XX\",\"kind\":\"network\"}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		api_request("POST", "/api/v1/orgs", admin, bad[i], &st, &out);
		if (st != 400)
			fprintf(stderr, "POST /api/v1/orgs %s -> %ld\n", bad[i], st);
		api_assert_fails(st, out, 400, "invalid");
		json_decref(out);
	}
	/* The new organisation can take part in a case. */
	int64_t cid = api_case_create(se, "{\"title\":\"With the residual mechanism\","
	                                  "\"crime_types\":[\"core_international_crimes\"],"
	                                  "\"participants\":[{\"org\":\"IRMCT\"}]}");
	char *irm = api_login("irmct", "demo");
	assert_null(irm); /* demo users exist for the demo's organisations only */

	/* PATCH: operator administrators only; case documents follow the new name. */
	st = api_requestj("PATCH", "/api/v1/orgs/IRMCT", se, json_pack("{s:s}", "name", "x"),
	                  &out);
	api_assert_fails(st, out, 403, "forbidden");
	json_decref(out);
	assert_int_equal(api_requestj("PATCH", "/api/v1/orgs/IRMCT", admin,
	                              json_pack("{s:s}", "name", "IRMCT (The Hague branch)"), &out),
	                 200);
	assert_string_equal(str(out, "name"), "IRMCT (The Hague branch)");
	json_decref(out);
	assert_int_equal(api_getf(se, &out, "/api/v1/cases/%lld", (long long)cid), 200);
	assert_string_equal(str(api_participant(out, "IRMCT"), "name"), "IRMCT (The Hague branch)");
	json_decref(out);
	st = api_requestj("PATCH", "/api/v1/orgs/ZZZZ", admin, json_pack("{s:s}", "name", "x"),
	                  &out);
	api_assert_fails(st, out, 404, "not_found");
	json_decref(out);
	st = api_requestj("PATCH", "/api/v1/orgs/IRMCT", admin, json_pack("{s:s}", "code", "X"),
	                  &out);
	api_assert_fails(st, out, 400, "invalid");
	json_decref(out);

	/* The list: every organisation of the reference data, and the new one. */
	assert_int_equal(api_getf(se, &list, "/api/v1/orgs"), 200);
	size_t i;
	json_t *o;
	int desks = 0, liaison = 0;
	bool found = false;
	json_array_foreach(list, i, o) {
		desks += !strcmp(str(o, "kind"), "national_member");
		liaison += !strcmp(str(o, "kind"), "liaison_prosecutor");
		found |= !strcmp(str(o, "code"), "IRMCT");
	}
	assert_int_equal(desks, 27);
	assert_int_equal(liaison, 11);
	assert_true(found);
	json_decref(list);
	free(admin);
	free(se);
	free(seadmin);
}

static void test_api_crud__reference_data(void **state)
{
	(void)state;
	char *rs = api_login_demo("rs");
	json_t *out = NULL;
	assert_int_equal(api_getf(rs, &out, "/api/v1/crime-types"), 200);
	assert_int_equal(json_array_size(out), 20);
	size_t i;
	json_t *t;
	bool found = false;
	json_array_foreach(out, i, t) {
		assert_true(json_string_length(json_object_get(t, "label")) > 0);
		found |= !strcmp(str(t, "code"), "core_international_crimes");
	}
	assert_true(found);
	json_decref(out);
	assert_int_equal(api_getf(rs, &out, "/api/v1/orgs/GR"), 200);
	assert_string_equal(str(out, "country"), "GR");
	json_decref(out);
	long st = api_getf(rs, &out, "/api/v1/orgs/EL");
	api_assert_fails(st, out, 404, "not_found");
	json_decref(out);
	assert_int_equal(api_getf(NULL, &out, "/healthz"), 200);
	assert_string_equal(str(out, "status"), "ok");
	assert_true(json_is_integer(json_object_get(out, "schema")));
	json_decref(out);
	free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api_crud__case_round_trip),
		cmocka_unit_test(test_api_crud__case_close_is_recorded),
		cmocka_unit_test(test_api_crud__jit_round_trip),
		cmocka_unit_test(test_api_crud__jit_creator_stays_member),
		cmocka_unit_test(test_api_crud__users),
		cmocka_unit_test(test_api_crud__short_passwords_are_refused),
		cmocka_unit_test(test_api_crud__orgs),
		cmocka_unit_test(test_api_crud__reference_data),
	};
	return cmocka_run_group_tests_name("api_crud", tests, api_group_setup, api_group_teardown);
}
