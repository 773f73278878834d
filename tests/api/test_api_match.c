/* SPDX-License-Identifier: Apache-2.0 */
/*
 * api tests: entities and hit / no-hit over HTTP. A hit on a case the caller
 * cannot see says only with which organisation and on what kind of attribute:
 * these tests look for the other side's content in the raw answers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char *tok_se, *tok_me, *tok_rs, *tok_lt, *tok_obs;

static int setup(void **state)
{
	if (api_group_setup(state) != 0)
		return -1;
	tok_se = api_login_demo("se");
	tok_me = api_login_demo("me");
	tok_rs = api_login_demo("rs");
	tok_lt = api_login_demo("lt");
	tok_obs = api_login_demo("se-observer");
	return 0;
}

static int teardown(void **state)
{
	free(tok_se);
	free(tok_me);
	free(tok_rs);
	free(tok_lt);
	free(tok_obs);
	return api_group_teardown(state);
}

/* The raw body of a GET. */
static char *get_raw(const char *token, const char *path, long *status)
{
	api_resp r;
	api_req rq = {.path = path, .token = token};
	assert_int_equal(api_send(&rq, &r), 0);
	*status = r.status;
	char *b = strdup(r.body ? r.body : "");
	api_resp_free(&r);
	return b;
}

/* A case owned by token's organisation with nobody else in it. */
static int64_t own_case(const char *token, const char *title)
{
	char body[256];
	snprintf(body, sizeof(body), "{\"title\":\"%s\",\"crime_types\":[\"other\"]}", title);
	return api_case_create(token, body);
}

static int64_t add_entity(const char *token, int64_t case_id, const char *json, json_t **out)
{
	char path[96];
	json_t *o = NULL;
	long st = 0;
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/entities", (long long)case_id);
	api_request("POST", path, token, json, &st, &o);
	if (st != 201) {
		char *t = o ? json_dumps(o, 0) : NULL;
		fprintf(stderr, "POST %s %s -> %ld %s\n", path, json, st, t ? t : "");
		free(t);
	}
	assert_int_equal(st, 201);
	int64_t id = json_integer_value(json_object_get(o, "id"));
	if (out)
		*out = o;
	else
		json_decref(o);
	return id;
}

/* The hit that has entity on one side, from token's list (0 if none). */
static int64_t hit_of(const char *token, int64_t entity, json_t **hit)
{
	json_t *list = NULL, *h;
	size_t i;
	int64_t id = 0;
	assert_int_equal(api_getf(token, &list, "/api/v1/hits?limit=1000"), 200);
	json_array_foreach(list, i, h) {
		json_t *ea = json_object_get(json_object_get(json_object_get(h, "a"), "entity"), "id");
		json_t *eb = json_object_get(json_object_get(json_object_get(h, "b"), "entity"), "id");
		if (json_integer_value(ea) == entity || json_integer_value(eb) == entity) {
			id = json_integer_value(json_object_get(h, "id"));
			if (hit)
				*hit = json_incref(h);
			break;
		}
	}
	json_decref(list);
	return id;
}

static void test_api_match__hidden_side_reveals_nothing(void **state)
{
	(void)state;
	/* RS's own case (SE is not in it) names a person SE also names. */
	int64_t rs_case = own_case(tok_rs, "Belgrade money laundering (RS only)");
	int64_t se_case = own_case(tok_se, "Stockholm network (SE only)");
	int64_t e_rs = add_entity(tok_rs, rs_case,
		"{\"kind\":\"person\",\"names\":[\"Бранко Милошевић\"],\"born\":\"1971-05-02\","
		"\"notes\":\"SECRET-RS-NOTE\",\"identifiers\":[{\"type\":\"doc\",\"value\":\"X998877\","
		"\"country\":\"RS\"}]}", NULL);
	json_t *created = NULL;
	int64_t e_se = add_entity(tok_se, se_case,
		"{\"kind\":\"person\",\"names\":[\"Branko Milosevic\"],\"born\":\"1971\"}", &created);
	/* Matched at once, in the request that added it. */
	assert_int_equal(json_integer_value(json_object_get(json_object_get(created, "hits_found"),
	                                                    "found")), 1);
	json_decref(created);

	json_t *h = NULL;
	int64_t hit = hit_of(tok_se, e_se, &h);
	assert_true(hit > 0);
	assert_string_equal(json_string_value(json_object_get(h, "attr")), "name");
	assert_false(json_is_true(json_object_get(h, "full")));
	assert_null(json_object_get(h, "score"));
	assert_null(json_object_get(h, "explanation"));
	json_decref(h);

	/* Nothing of RS's side in SE's answers: not the name in any script, the
	 * note, the document, the case or the entity id. */
	char path[64], idtxt[32];
	long st;
	snprintf(path, sizeof(path), "/api/v1/hits/%lld", (long long)hit);
	snprintf(idtxt, sizeof(idtxt), "\"id\":%lld", (long long)e_rs);
	const char *paths[] = {path, "/api/v1/hits", "/api/v1/hits?review=new"};
	for (size_t i = 0; i < 3; i++) {
		char *raw = get_raw(tok_se, paths[i], &st);
		assert_int_equal(st, 200);
		assert_non_null(strstr(raw, "\"org\":\"RS\""));
		assert_null(strstr(raw, "Милошевић"));
		assert_null(strstr(raw, "Бранко"));
		assert_null(strstr(raw, "SECRET-RS-NOTE"));
		assert_null(strstr(raw, "X998877"));
		assert_null(strstr(raw, "1971-05-02"));
		assert_null(strstr(raw, "RS only"));
		assert_null(strstr(raw, idtxt));
		free(raw);
	}
	/* RS sees its side and only SE's organisation. */
	char *raw = get_raw(tok_rs, path, &st);
	assert_int_equal(st, 200);
	assert_null(strstr(raw, "Branko Milosevic"));
	assert_null(strstr(raw, "SE only"));
	free(raw);
	/* The other side's entity itself is not found, and neither is its case. */
	json_t *o = NULL;
	assert_int_equal(api_getf(tok_se, &o, "/api/v1/entities/%lld", (long long)e_rs), 404);
	json_decref(o);
	assert_int_equal(api_getf(tok_se, &o, "/api/v1/cases/%lld/entities", (long long)rs_case),
	                 404);
	json_decref(o);
	assert_int_equal(api_getf(tok_se, &o, "/api/v1/hits?case=%lld", (long long)rs_case), 404);
	json_decref(o);
	/* LT, in neither case, does not know the hit exists. */
	assert_int_equal(api_getf(tok_lt, &o, "/api/v1/hits/%lld", (long long)hit), 404);
	api_assert_fails(404, o, 404, "not_found");
	json_decref(o);
	assert_int_equal(api_getf(tok_lt, &o, "/api/v1/hits"), 200);
	assert_int_equal(hit_of(tok_lt, e_se, NULL), 0);
	json_decref(o);

	/* Both organisations are told: the hit waits for review on each side. */
	assert_int_equal(hit_of(tok_rs, e_rs, NULL), hit);
	assert_int_equal(api_getf(tok_rs, &o, "/api/v1/hits?review=new"), 200);
	assert_true(json_array_size(o) >= 1);
	json_decref(o);

	/* SE asks RS for access; RS answers by bringing SE into its case. */
	snprintf(path, sizeof(path), "/api/v1/hits/%lld/access-requests", (long long)hit);
	assert_int_equal(api_requestj("POST", path, tok_se, json_pack("{s:s}", "message",
	                 "Same suspect? Let us coordinate."), &o), 201);
	json_decref(o);
	assert_int_equal(api_requestj("POST", path, tok_se, json_object(), &o), 409);
	json_decref(o);
	/* An observer of SE may not ask. */
	assert_int_equal(api_requestj("POST", path, tok_obs, json_object(), &o), 403);
	json_decref(o);
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/participants", (long long)rs_case);
	assert_int_equal(api_requestj("POST", path, tok_rs, json_pack("{s:s,s:s}", "org", "SE",
	                 "access", "observer"), &o), 201);
	json_decref(o);
	assert_int_equal(api_getf(tok_se, &o, "/api/v1/hits/%lld", (long long)hit), 200);
	assert_true(json_is_true(json_object_get(o, "full")));
	assert_true(json_number_value(json_object_get(o, "score")) >= 0.8);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
		json_object_get(o, "access_requests"), 0), "status")), "granted");
	json_decref(o);
}

/*
 * A user learns of another case only through a recorded hit both sides are
 * told of: not from the counts of matching, not from a change of nothing, not
 * from the other side's review; a granted request that was taken back says so.
 */
static void test_api_match__counts_tell_only_what_is_seen(void **state)
{
	(void)state;
	int64_t rs_case = own_case(tok_rs, "Counts (RS only)");
	int64_t se_case = own_case(tok_se, "Counts (SE only)");
	json_t *o = NULL;
	/* A candidate below the threshold in a case RS cannot see: not counted. */
	add_entity(tok_se, se_case, "{\"kind\":\"person\",\"names\":[\"Qwertz Ulvaeus\"]}", NULL);
	int64_t far = add_entity(tok_rs, rs_case,
		"{\"kind\":\"person\",\"names\":[\"Zzyzx Ulvaeus\"]}", &o);
	json_t *hf = json_object_get(o, "hits_found");
	assert_int_equal(json_integer_value(json_object_get(hf, "examined")), 0);
	assert_int_equal(json_integer_value(json_object_get(hf, "found")), 0);
	json_decref(o);
	assert_int_equal(hit_of(tok_rs, far, NULL), 0);

	add_entity(tok_se, se_case, "{\"kind\":\"person\",\"names\":[\"Dragoslav Countic\"],"
	           "\"born\":\"1966\"}", NULL);
	int64_t e = add_entity(tok_rs, rs_case, "{\"kind\":\"person\","
	                       "\"names\":[\"Драгослав Каунтић\"],\"born\":\"1966\"}", &o);
	hf = json_object_get(o, "hits_found");
	assert_int_equal(json_integer_value(json_object_get(hf, "examined")), 0);
	assert_int_equal(json_integer_value(json_object_get(hf, "found")), 1);
	json_decref(o);
	int64_t hit = hit_of(tok_rs, e, NULL);
	assert_true(hit > 0);
	char path[96];
	snprintf(path, sizeof(path), "/api/v1/hits/%lld/dismiss", (long long)hit);
	assert_int_equal(api_requestj("POST", path, tok_se, json_object(), &o), 200);
	json_decref(o);

	/* An empty change: nothing changes, nothing is matched, nothing reopened. */
	snprintf(path, sizeof(path), "/api/v1/entities/%lld", (long long)e);
	assert_int_equal(api_requestj("PATCH", path, tok_rs, json_object(), &o), 200);
	assert_int_equal(json_integer_value(json_object_get(o, "version")), 1);
	assert_null(json_object_get(o, "hits_found"));
	json_decref(o);
	assert_int_equal(api_getf(tok_se, &o, "/api/v1/hits/%lld", (long long)hit), 200);
	assert_string_equal(json_string_value(json_object_get(o, "review")), "dismissed");
	json_decref(o);
	assert_int_equal(api_getf(tok_rs, &o, "/api/v1/cases/%lld/events", (long long)rs_case), 200);
	size_t i, updates = 0;
	json_t *ev;
	json_array_foreach(o, i, ev)
		updates += !strcmp(json_string_value(json_object_get(ev, "action")), "entity.update");
	assert_int_equal(updates, 0);
	json_decref(o);

	/* A real change brings SE's dismissed side back, but does not tell RS. */
	assert_int_equal(api_requestj("PATCH", path, tok_rs, json_pack("{s:s}", "notes", "x"), &o),
	                 200);
	assert_int_equal(json_integer_value(json_object_get(o, "version")), 2);
	hf = json_object_get(o, "hits_found");
	assert_int_equal(json_integer_value(json_object_get(hf, "reopened")), 0);
	assert_int_equal(json_integer_value(json_object_get(hf, "examined")), 0);
	json_decref(o);
	assert_int_equal(api_getf(tok_se, &o, "/api/v1/hits/%lld", (long long)hit), 200);
	assert_string_equal(json_string_value(json_object_get(o, "review")), "new");
	json_decref(o);

	/* RS asks, SE lets it in, then takes it out again: the request says ended. */
	snprintf(path, sizeof(path), "/api/v1/hits/%lld/access-requests", (long long)hit);
	assert_int_equal(api_requestj("POST", path, tok_rs, json_object(), &o), 201);
	json_decref(o);
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/participants", (long long)se_case);
	assert_int_equal(api_requestj("POST", path, tok_se, json_pack("{s:s,s:s}", "org", "RS",
	                 "access", "observer"), &o), 201);
	json_decref(o);
	assert_int_equal(api_getf(tok_rs, &o, "/api/v1/hits/%lld", (long long)hit), 200);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
		json_object_get(o, "access_requests"), 0), "status")), "granted");
	json_decref(o);
	/* RS, now an observer of SE's case too, reviews its own side. */
	snprintf(path, sizeof(path), "/api/v1/hits/%lld/confirm", (long long)hit);
	long st = 0;
	assert_int_equal(api_request("POST", path, tok_rs, "{}", &st, &o), 0);
	assert_int_equal(st, 200);
	json_decref(o);
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/participants/RS", (long long)se_case);
	assert_int_equal(api_request("DELETE", path, tok_se, NULL, &st, &o), 0);
	assert_int_equal(st, 204);
	json_decref(o);
	o = NULL;
	assert_int_equal(api_getf(tok_rs, &o, "/api/v1/hits/%lld", (long long)hit), 200);
	assert_false(json_is_true(json_object_get(o, "full")));
	assert_string_equal(json_string_value(json_object_get(json_array_get(
		json_object_get(o, "access_requests"), 0), "status")), "ended");
	json_decref(o);
	/* SE, which answered, does not see a status of RS's request. */
	assert_int_equal(api_getf(tok_se, &o, "/api/v1/hits/%lld", (long long)hit), 200);
	assert_null(json_object_get(json_array_get(json_object_get(o, "access_requests"), 0),
	                            "status"));
	json_decref(o);
}

static void test_api_match__review_per_side(void **state)
{
	(void)state;
	int64_t a = own_case(tok_se, "Review A (SE)");
	int64_t b = own_case(tok_me, "Review B (ME)");
	add_entity(tok_me, b, "{\"kind\":\"phone\",\"number\":\"+382 69 111 222\"}", NULL);
	int64_t e = add_entity(tok_se, a, "{\"kind\":\"phone\",\"number\":\"00382 69 111 222\"}",
	                       NULL);
	json_t *h = NULL, *o = NULL;
	int64_t hit = hit_of(tok_se, e, &h);
	assert_true(hit > 0);
	assert_string_equal(json_string_value(json_object_get(h, "attr")), "phone");
	json_decref(h);
	char path[64];
	snprintf(path, sizeof(path), "/api/v1/hits/%lld/dismiss", (long long)hit);
	/* Observers read but do not review. */
	assert_int_equal(api_requestj("POST", path, tok_obs, json_object(), &o), 403);
	json_decref(o);
	assert_int_equal(api_requestj("POST", path, tok_se, json_pack("{s:s}", "note", "known"),
	                              &o), 200);
	assert_string_equal(json_string_value(json_object_get(o, "review")), "dismissed");
	json_decref(o);
	/* ME's side is still new. */
	assert_int_equal(api_getf(tok_me, &o, "/api/v1/hits/%lld", (long long)hit), 200);
	assert_string_equal(json_string_value(json_object_get(o, "review")), "new");
	json_decref(o);
	/* Bad bodies. */
	assert_int_equal(api_requestj("POST", path, tok_se, json_pack("{s:i}", "note", 3), &o), 400);
	json_decref(o);
	assert_int_equal(api_requestj("POST", path, tok_se, json_pack("{s:s}", "why", "x"), &o), 400);
	json_decref(o);
	assert_int_equal(api_getf(tok_se, &o, "/api/v1/hits/0"), 404);
	json_decref(o);
	assert_int_equal(api_getf(tok_se, &o, "/api/v1/hits?review=maybe"), 400);
	json_decref(o);
}

/* The ids of a list of hits, in order, as one string ("12,9,4,"). */
static void ids_of(const json_t *list, char *out, size_t size)
{
	size_t i, n = 0;
	json_t *h;
	out[0] = '\0';
	json_array_foreach(list, i, h)
		n += (size_t)snprintf(out + n, size - n, "%lld,",
		                      (long long)json_integer_value(json_object_get(h, "id")));
	assert_true(n < size);
}

/* Every page of query, limit hits at a time, as one list of ids. */
static void paged_ids(const char *query, int limit, char *out, size_t size)
{
	size_t n = 0;
	out[0] = '\0';
	for (int offset = 0;; offset += limit) {
		json_t *page = NULL;
		char one[4096];
		assert_int_equal(api_getf(tok_se, &page, "/api/v1/hits?%slimit=%d&offset=%d", query,
		                          limit, offset), 200);
		size_t got = json_array_size(page);
		assert_true(got <= (size_t)limit);
		ids_of(page, one, sizeof(one));
		json_decref(page);
		n += (size_t)snprintf(out + n, size - n, "%s", one);
		assert_true(n < size);
		if (got < (size_t)limit)
			break;
	}
}

static void test_api_match__hits_are_paged(void **state)
{
	(void)state;
	int64_t mine = own_case(tok_se, "Paging (SE)"), theirs = own_case(tok_me, "Paging (ME)");
	char body[96];
	for (int i = 0; i < 5; i++) {
		snprintf(body, sizeof(body), "{\"kind\":\"phone\",\"number\":\"+382 69 555 %03d\"}", i);
		add_entity(tok_me, theirs, body, NULL);
		snprintf(body, sizeof(body), "{\"kind\":\"phone\",\"number\":\"00382 69 555 %03d\"}", i);
		add_entity(tok_se, mine, body, NULL);
	}
	/* One of them reviewed, so that the review filter and the pages meet. */
	int64_t e = add_entity(tok_se, mine, "{\"kind\":\"phone\",\"number\":\"+382 69 555 000\"}",
	                       NULL);
	json_t *o = NULL;
	char path[64];
	snprintf(path, sizeof(path), "/api/v1/hits/%lld/confirm", (long long)hit_of(tok_se, e, NULL));
	assert_int_equal(api_requestj("POST", path, tok_se, json_object(), &o), 200);
	json_decref(o);

	static const char *const queries[] = {"", "review=new&", "review=confirmed&"};
	char all[4096], paged[4096], scoped[128];
	snprintf(scoped, sizeof(scoped), "case=%lld&", (long long)mine);
	for (int q = 0; q < 4; q++) {
		const char *query = q < 3 ? queries[q] : scoped;
		assert_int_equal(api_getf(tok_se, &o, "/api/v1/hits?%slimit=1000", query), 200);
		size_t total = json_array_size(o);
		ids_of(o, all, sizeof(all));
		json_decref(o);
		assert_true(total >= (q == 2 ? 1u : 6u));
		/* Pages of 1, 2 and 4 put together are the whole list, newest first. */
		for (int limit = 1; limit <= 4; limit *= 2) {
			paged_ids(query, limit, paged, sizeof(paged));
			assert_string_equal(paged, all);
		}
		/* The default page is 100 hits: all of these. */
		assert_int_equal(api_getf(tok_se, &o, "/api/v1/hits%s%.*s", *query ? "?" : "",
		                          *query ? (int)strlen(query) - 1 : 0, query), 200);
		ids_of(o, paged, sizeof(paged));
		json_decref(o);
		assert_true(total <= 100);
		assert_string_equal(paged, all);
	}
	/* Out of range or not a number: 400, naming the parameter. */
	static const char *const bad[] = {"limit=0", "limit=1001", "limit=ten", "offset=-1",
	                                  "offset=1001", "limit=", "limit=99999999999999999999"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(api_getf(tok_se, &o, "/api/v1/hits?%s", bad[i]), 400);
		api_assert_fails(400, o, 400, "invalid");
		json_decref(o);
	}
}

static void test_api_match__bad_input(void **state)
{
	(void)state;
	int64_t c = own_case(tok_se, "Bad input (SE)");
	char path[96];
	json_t *o = NULL;
	long st = 0;
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/entities", (long long)c);
	static const char *const bad[] = {
		"{\"kind\":\"person\"}",
		"{\"kind\":\"person\",\"names\":[\"\"]}",
		"{\"kind\":\"person\",\"names\":[7]}",
		"{\"kind\":\"person\",\"names\":\"Ana\"}",
		"{\"kind\":\"person\",\"names\":[\"Ana\"],\"born\":\"1985-13\"}",
		"{\"kind\":\"person\",\"names\":[\"Ana\"],\"nationalities\":[\"ZZ\"]}",
		"{\"kind\":\"person\",\"names\":[\"Ana\"],\"shoe_size\":42}",
		"{\"kind\":\"phone\",\"number\":\"not a number\"}",
		"{\"kind\":\"phone\",\"number\":\"0701234567\"}",
		"{\"kind\":\"bank_account\",\"iban\":\"GB82WEST12345698765433\"}",
		"{\"kind\":\"vehicle\",\"plate\":\"AB123\"}",
		"{\"kind\":\"vessel\",\"imo\":\"9074728\"}",
		"{\"kind\":\"email\",\"address\":\"no-at-sign\"}",
		"{\"kind\":\"identity_document\",\"doc_type\":\"passport\",\"number\":\"P1\"}",
		"{\"kind\":\"place\",\"address\":\"Bar\",\"latitude\":91,\"longitude\":19}",
		"{\"kind\":\"ufo\"}",
		"[1,2]",
		"{\"kind\":\"person\",\"names\":[\"Ana\"]",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		api_request("POST", path, tok_se, bad[i], &st, &o);
		if (st != 400)
			fprintf(stderr, "%s -> %ld\n", bad[i], st);
		api_assert_fails(st, o, 400, NULL);
		json_decref(o);
		o = NULL;
	}
	/* Invalid UTF-8 in a name. */
	api_resp r;
	api_req rq = {.method = "POST", .path = path, .token = tok_se,
	              .body = "{\"kind\":\"person\",\"names\":[\"\xc3\x28\"]}"};
	assert_int_equal(api_send(&rq, &r), 0);
	assert_int_equal(r.status, 400);
	api_resp_free(&r);
	/* Nothing of that reached the case. */
	assert_int_equal(api_getf(tok_se, &o, "/api/v1/cases/%lld/entities", (long long)c), 200);
	assert_int_equal(json_array_size(o), 0);
	json_decref(o);

	/* An import with a bad row: 422 with the row, nothing imported. */
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/entities/import?format=csv", (long long)c);
	const char csv[] = "kind,names,born\nperson,Ana Test,1990\nperson,Bad Date,1990-02-30\n";
	api_req ri = {.method = "POST", .path = path, .token = tok_se, .body = csv,
	              .content_type = "text/csv"};
	assert_int_equal(api_send(&ri, &r), 0);
	assert_int_equal(r.status, 422);
	/* The error envelope of every refusal, with the report beside it. */
	json_t *err = json_object_get(r.json, "error");
	assert_string_equal(json_string_value(json_object_get(err, "code")), "invalid");
	assert_non_null(strstr(json_string_value(json_object_get(err, "message")), "nothing imported"));
	assert_int_equal(json_integer_value(json_object_get(r.json, "imported")), 0);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(
		json_object_get(r.json, "errors"), 0), "row")), 3);
	api_resp_free(&r);
	assert_int_equal(api_getf(tok_se, &o, "/api/v1/cases/%lld/entities", (long long)c), 200);
	assert_int_equal(json_array_size(o), 0);
	json_decref(o);
	snprintf(path, sizeof(path),
	         "/api/v1/cases/%lld/entities/import?format=csv&skip_invalid=true", (long long)c);
	ri.path = path;
	assert_int_equal(api_send(&ri, &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "imported")), 1);
	api_resp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/entities/import?format=xml", (long long)c);
	ri.path = path;
	assert_int_equal(api_send(&ri, &r), 0);
	assert_int_equal(r.status, 400);
	api_resp_free(&r);
	/* An empty file: refused (the wrong file, far more often than an import of nothing). */
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/entities/import?format=csv", (long long)c);
	api_req re = {.method = "POST", .path = path, .token = tok_se, .body = "",
	              .content_type = "text/csv"};
	assert_int_equal(api_send(&re, &r), 0);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(json_string_value(json_object_get(json_object_get(r.json, "error"),
	                                                         "message")), "empty"));
	api_resp_free(&r);
	/* Another organisation's case: not found, whatever the body. */
	int64_t rs_case = own_case(tok_rs, "Not for SE");
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/entities/import?format=csv",
	         (long long)rs_case);
	ri.path = path;
	assert_int_equal(api_send(&ri, &r), 0);
	assert_int_equal(r.status, 404);
	api_resp_free(&r);
	/* match/pairs refuses what is not a pair. */
	assert_int_equal(api_request("POST", "/api/v1/match/pairs", tok_se,
	                             "{\"pairs\":[{\"a\":\"x\"}]}", &st, &o), 0);
	assert_int_equal(st, 400);
	json_decref(o);
	assert_int_equal(api_request("POST", "/api/v1/match/pairs", tok_se,
	                             "{\"pairs\":[],\"threshold\":2}", &st, &o), 0);
	assert_int_equal(st, 400);
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api_match__hidden_side_reveals_nothing),
		cmocka_unit_test(test_api_match__counts_tell_only_what_is_seen),
		cmocka_unit_test(test_api_match__review_per_side),
		cmocka_unit_test(test_api_match__hits_are_paged),
		cmocka_unit_test(test_api_match__bad_input),
	};
	return cmocka_run_group_tests_name("api_match", tests, setup, teardown);
}
