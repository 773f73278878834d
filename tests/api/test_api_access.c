/* SPDX-License-Identifier: Apache-2.0 */
/* api tests: need-to-know over HTTP, with the organisations and cases of the demo scenario. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* The demo cases (docs/domain.md): their ids, found through their owners. */
static int64_t swedish, ukraine, yezidi, bar, returnee;
static int64_t ukraine_jit, yezidi_jit;

static int64_t id_by_reference(const char *user, const char *ref)
{
	char *t = api_login_demo(user);
	size_t n;
	int64_t *ids = api_case_ids(t, &n), found = 0;
	for (size_t i = 0; i < n && !found; i++) {
		json_t *c = NULL;
		assert_int_equal(api_getf(t, &c, "/api/v1/cases/%lld", (long long)ids[i]), 200);
		if (!strcmp(json_string_value(json_object_get(c, "reference")), ref))
			found = ids[i];
		json_decref(c);
	}
	free(ids);
	free(t);
	return found;
}

static int64_t jit_by_name(const char *token, const char *prefix)
{
	json_t *list = NULL, *j;
	size_t i;
	int64_t id = 0;
	assert_int_equal(api_getf(token, &list, "/api/v1/jits"), 200);
	json_array_foreach(list, i, j)
		if (!strncmp(json_string_value(json_object_get(j, "name")), prefix, strlen(prefix)))
			id = json_integer_value(json_object_get(j, "id"));
	json_decref(list);
	return id;
}

static int setup(void **state)
{
	if (api_group_setup(state) != 0)
		return -1;
	swedish = id_by_reference("se", "2026/0001");
	ukraine = id_by_reference("lt", "2022/0001");
	yezidi = id_by_reference("fr", "2024/0001");
	/* The national cases cross-matching's demo adds (docs/match.md). */
	bar = id_by_reference("me", "2025/0001");
	returnee = id_by_reference("be", "2023/0001");
	char *lt = api_login("lt", "demo"), *fr = api_login("fr", "demo");
	ukraine_jit = jit_by_name(lt, "JIT on core international crimes in Ukraine");
	yezidi_jit = jit_by_name(fr, "JIT on ISIL crimes against Yezidis");
	free(lt);
	free(fr);
	return swedish && ukraine && yezidi && bar && returnee && ukraine_jit && yezidi_jit ? 0 : -1;
}

/* The sorted ids the user sees in the case list. */
static void assert_sees(const char *user, const int64_t *want, size_t nwant)
{
	char *t = api_login_demo(user);
	size_t n;
	int64_t *ids = api_case_ids(t, &n);
	if (n != nwant)
		fprintf(stderr, "%s sees %zu cases, expected %zu\n", user, n, nwant);
	assert_int_equal(n, nwant);
	for (size_t i = 0; i < nwant; i++) {
		if (!api_has_id(ids, n, want[i]))
			fprintf(stderr, "%s does not see case %lld\n", user, (long long)want[i]);
		assert_true(api_has_id(ids, n, want[i]));
	}
	free(ids);
	free(t);
}

static void test_api_access__case_list_is_need_to_know(void **state)
{
	(void)state;
	/* RS takes part in the Swedish case only. */
	char *rs = api_login_demo("rs");
	json_t *page = NULL, *it;
	size_t i;
	assert_int_equal(api_getf(rs, &page, "/api/v1/cases"), 200);
	assert_int_equal(json_array_size(json_object_get(page, "items")), 1);
	assert_int_equal(json_integer_value(json_object_get(page, "count")), 1);
	assert_true(json_is_null(json_object_get(page, "next")));
	json_array_foreach(json_object_get(page, "items"), i, it) {
		assert_int_equal(json_integer_value(json_object_get(it, "id")), swedish);
		assert_non_null(api_participant(it, "RS"));
	}
	char *dump = json_dumps(page, 0);
	assert_null(strstr(dump, "Yezidi"));
	assert_null(strstr(dump, "Ukraine"));
	free(dump);
	json_decref(page);
	free(rs);

	assert_sees("rs", (int64_t[]){swedish}, 1);
	assert_sees("me", (int64_t[]){swedish, bar}, 2);
	assert_sees("be", (int64_t[]){yezidi, returnee}, 2);
	assert_sees("interpol", (int64_t[]){swedish}, 1);
	/* SE owns the Swedish case and takes part in the French one. */
	assert_sees("se", (int64_t[]){swedish, yezidi}, 2);
	assert_sees("se-observer", (int64_t[]){swedish, yezidi}, 2);
	assert_sees("lt", (int64_t[]){ukraine}, 1);
	assert_sees("ua", (int64_t[]){ukraine}, 1);
	assert_sees("fr", (int64_t[]){yezidi}, 1);
	/* Through JITs only. */
	assert_sees("icc", (int64_t[]){ukraine}, 1);
	assert_sees("unitad", (int64_t[]){yezidi}, 1);
	/* Organisations in none of the cases see none. */
	assert_sees("mt", NULL, 0);
	assert_sees("us", NULL, 0);
	assert_sees("admin", NULL, 0);
}

/* The error message with every occurrence of param replaced by "<>". */
static char *generic(const char *msg, const char *param)
{
	size_t n = strlen(msg) + 1, pl = strlen(param), o = 0;
	char *out = malloc(n + 2);
	assert_non_null(out);
	for (const char *p = msg; *p;) {
		if (pl && !strncmp(p, param, pl)) {
			memcpy(out + o, "<>", 2);
			o += 2;
			p += pl;
		} else {
			out[o++] = *p++;
		}
	}
	out[o] = '\0';
	return out;
}

/*
 * GET path_fmt with the invisible and the absent case in it (as segment,
 * decoded form): same status, code and message but for the segment.
 */
static void assert_like_absent(const char *token, const char *path_fmt, const char *invisible,
                               const char *invisible_dec, const char *absent,
                               const char *absent_dec)
{
	char p1[256], p2[256];
	json_t *a = NULL, *b = NULL;
	api_path(p1, sizeof(p1), path_fmt, invisible);
	api_path(p2, sizeof(p2), path_fmt, absent);
	long s1 = api_getf(token, &a, "%s", p1), s2 = api_getf(token, &b, "%s", p2);
	api_assert_fails(s1, a, 404, "not_found");
	api_assert_fails(s2, b, 404, "not_found");
	const char *m1 = api_assert_error(a), *m2 = api_assert_error(b);
	/* The route exists: this is need-to-know, not a routing miss. */
	assert_string_not_equal(m1, "no such route");
	char *g1 = generic(m1, invisible_dec), *g2 = generic(m2, absent_dec);
	/* Nothing of the case shows beyond what the caller typed. */
	for (const char *w = "ISIL\0Yezidi\0France\0FR\0core_international\0terrorism\0"; *w;
	     w += strlen(w) + 1)
		assert_null(strstr(g1, w));
	if (strcmp(g1, g2) != 0)
		fprintf(stderr, "%s: \"%s\" vs absent %s: \"%s\"\n", p1, m1, p2, m2);
	assert_string_equal(g1, g2);
	free(g1);
	free(g2);
	json_decref(a);
	json_decref(b);
}

static void test_api_access__invisible_case_is_404_by_id(void **state)
{
	(void)state;
	char *rs = api_login_demo("rs"), inv[32];
	snprintf(inv, sizeof(inv), "%lld", (long long)yezidi);
	static const char *const forms[] = {
		"/api/v1/cases/{}", "/api/v1/cases/{}/events", "/api/v1/cases/{}/participants",
	};
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
		assert_like_absent(rs, forms[i], inv, inv, "999999", "999999");
	/* Writes to it are 404 too, never 403. */
	char path[128];
	long st = 0;
	json_t *out = NULL;
	static const struct {
		const char *method, *fmt, *body;
	} writes[] = {
		{"PATCH", "/api/v1/cases/{}", "{\"title\":\"Mine now\"}"},
		{"POST", "/api/v1/cases/{}/close", "{}"},
		{"POST", "/api/v1/cases/{}/participants", "{\"org\":\"RS\"}"},
		{"PATCH", "/api/v1/cases/{}/participants/RS", "{\"national_ref\":\"X-1\"}"},
		{"PATCH", "/api/v1/cases/{}/participants/FR", "{\"access\":\"observer\"}"},
		{"DELETE", "/api/v1/cases/{}/participants/NL", NULL},
	};
	for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
		api_pathi(path, sizeof(path), writes[i].fmt, yezidi);
		api_request(writes[i].method, path, rs, writes[i].body, &st, &out);
		if (st != 404)
			fprintf(stderr, "%s %s as rs -> %ld\n", writes[i].method, path, st);
		api_assert_fails(st, out, 404, "not_found");
		assert_null(strstr(api_assert_error(out), "Yezidi"));
		json_decref(out);
	}
	/* Still untouched for its owner. */
	char *fr = api_login_demo("fr");
	assert_int_equal(api_getf(fr, &out, "/api/v1/cases/%lld", (long long)yezidi), 200);
	assert_string_equal(json_string_value(json_object_get(out, "title")),
	                    "ISIL crimes against the Yezidi community");
	assert_string_equal(json_string_value(json_object_get(out, "status")), "open");
	assert_null(api_participant(out, "RS"));
	json_decref(out);
	/* Linking it into a JIT of one's own does not reveal it either. */
	json_t *jit = NULL;
	assert_int_equal(api_requestj("POST", "/api/v1/jits", rs,
	                              json_pack("{s:s,s:s,s:s}", "name", "RS team", "signed_on",
	                                        "2026-01-01", "expires_on", "2027-01-01"), &jit),
	                 201);
	snprintf(path, sizeof(path), "/api/v1/jits/%lld/cases",
	         (long long)json_integer_value(json_object_get(jit, "id")));
	st = api_requestj("POST", path, rs, json_pack("{s:I}", "case", (json_int_t)yezidi), &out);
	api_assert_fails(st, out, 404, "not_found");
	json_decref(out);
	json_decref(jit);
	free(fr);
	free(rs);
}

static void test_api_access__invisible_case_is_404_by_reference(void **state)
{
	(void)state;
	char *rs = api_login_demo("rs");
	/* By reference, URL-encoded, and by FR's national case number. */
	assert_like_absent(rs, "/api/v1/cases/{}", "2024%2F0001", "2024/0001", "2024%2F0999",
	                   "2024/0999");
	assert_like_absent(rs, "/api/v1/cases/{}/events", "2024%2F0001", "2024/0001",
	                   "2024%2F0999", "2024/0999");
	assert_like_absent(rs, "/api/v1/cases/{}", "PNAT%2024%2F0153", "PNAT 24/0153",
	                   "PNAT%2099%2F9999", "PNAT 99/9999");
	free(rs);
}

static void test_api_access__jits_are_need_to_know(void **state)
{
	(void)state;
	char *rs = api_login_demo("rs"), *icc = api_login_demo("icc");
	json_t *list = NULL, *j, *out = NULL;
	size_t i;
	/* RS belongs to none of the demo JITs and sees no case linked to one. */
	assert_int_equal(api_getf(rs, &list, "/api/v1/jits"), 200);
	json_array_foreach(list, i, j) {
		int64_t id = json_integer_value(json_object_get(j, "id"));
		assert_true(id != ukraine_jit && id != yezidi_jit);
		bool rs_member = false;
		size_t k;
		json_t *m;
		json_array_foreach(json_object_get(j, "members"), k, m)
			rs_member |= !strcmp(json_string_value(json_object_get(m, "org")), "RS");
		assert_true(rs_member);
	}
	json_decref(list);
	long st = api_getf(rs, &out, "/api/v1/jits/%lld", (long long)yezidi_jit);
	api_assert_fails(st, out, 404, "not_found");
	json_decref(out);
	st = api_getf(rs, &out, "/api/v1/jits/999999");
	api_assert_fails(st, out, 404, "not_found");
	json_decref(out);

	/* The ICC sees the Ukraine JIT, of which it is a participant, and nothing else. */
	assert_int_equal(api_getf(icc, &list, "/api/v1/jits"), 200);
	assert_int_equal(json_array_size(list), 1);
	json_array_foreach(list, i, j)
		assert_int_equal(json_integer_value(json_object_get(j, "id")), ukraine_jit);
	json_decref(list);
	assert_int_equal(api_getf(icc, &out, "/api/v1/jits/%lld", (long long)ukraine_jit), 200);
	bool linked = false, member = false;
	json_array_foreach(json_object_get(out, "cases"), i, j)
		linked |= json_integer_value(json_object_get(j, "id")) == ukraine;
	json_array_foreach(json_object_get(out, "members"), i, j)
		member |= !strcmp(json_string_value(json_object_get(j, "org")), "ICC") &&
		          !strcmp(json_string_value(json_object_get(j, "role")), "participant");
	assert_true(linked);
	assert_true(member);
	/* The agreement was extended once, with its reason. */
	assert_int_equal(json_array_size(json_object_get(out, "extensions")), 1);
	assert_string_equal(json_string_value(json_object_get(out, "expires_on")), "2028-03-25");
	json_decref(out);
	st = api_getf(icc, &out, "/api/v1/jits/%lld", (long long)yezidi_jit);
	api_assert_fails(st, out, 404, "not_found");
	json_decref(out);

	/* Through the JIT the ICC reads the case, though it is no participant. */
	assert_int_equal(api_getf(icc, &out, "/api/v1/cases/%lld", (long long)ukraine), 200);
	assert_string_equal(json_string_value(json_object_get(out, "reference")), "2022/0001");
	assert_null(api_participant(out, "ICC"));
	json_decref(out);
	/* Its timeline: the item granted to the ICC (5), not UA's item 4, which was not. */
	assert_int_equal(api_getf(icc, &out, "/api/v1/cases/%lld/events", (long long)ukraine), 200);
	bool four = false, five = false;
	json_array_foreach(out, i, j) {
		const char *type = json_string_value(json_object_get(j, "object_type"));
		const char *obj = json_string_value(json_object_get(j, "object_id"));
		four |= type && !strcmp(type, "evidence") && obj && !strcmp(obj, "4");
		five |= type && !strcmp(type, "evidence") && obj && !strcmp(obj, "5");
	}
	assert_false(four);
	assert_true(five);
	json_decref(out);
	assert_int_equal(api_getf(icc, &out, "/api/v1/cases/%lld/events?limit=1", (long long)ukraine),
	                 200);
	assert_int_equal(json_array_size(out), 1); /* pages stay full */
	json_decref(out);
	assert_int_equal(api_getf(icc, NULL, "/api/v1/cases/%lld/participants", (long long)ukraine),
	                 200);
	/* But it does not manage the case, nor the JIT (a participant, not a member). */
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/participants", (long long)ukraine);
	st = api_requestj("POST", path, icc, json_pack("{s:s}", "org", "ICC"), &out);
	api_assert_fails(st, out, 403, "forbidden");
	json_decref(out);
	snprintf(path, sizeof(path), "/api/v1/cases/%lld", (long long)ukraine);
	st = api_requestj("PATCH", path, icc, json_pack("{s:s}", "title", "x"), &out);
	api_assert_fails(st, out, 403, "forbidden");
	json_decref(out);
	snprintf(path, sizeof(path), "/api/v1/jits/%lld/extensions", (long long)ukraine_jit);
	st = api_requestj("POST", path, icc, json_pack("{s:s,s:s}", "expires_on", "2030-01-01",
	                                               "reason", "more time"), &out);
	api_assert_fails(st, out, 403, "forbidden");
	json_decref(out);
	snprintf(path, sizeof(path), "/api/v1/jits/%lld/members", (long long)ukraine_jit);
	st = api_requestj("POST", path, icc, json_pack("{s:s}", "org", "UNODC"), &out);
	api_assert_fails(st, out, 403, "forbidden");
	json_decref(out);
	/* UNITAD likewise sees the Yezidi case only through its JIT. */
	char *unitad = api_login_demo("unitad");
	assert_int_equal(api_getf(unitad, NULL, "/api/v1/cases/%lld", (long long)yezidi), 200);
	assert_int_equal(api_getf(unitad, NULL, "/api/v1/cases/%lld", (long long)ukraine), 404);
	free(unitad);
	free(rs);
	free(icc);
}

static void test_api_access__expired_jit_still_reads(void **state)
{
	(void)state;
	char *se = api_login_demo("se"), *de = api_login_demo("de"), path[128];
	int64_t id = api_case_create(se, "{\"title\":\"Seen through an old JIT\","
	                                 "\"crime_types\":[\"cybercrime\"]}");
	assert_int_equal(api_getf(de, NULL, "/api/v1/cases/%lld", (long long)id), 404);
	json_t *jit = NULL, *out = NULL;
	assert_int_equal(api_requestj("POST", "/api/v1/jits", se,
	                              json_pack("{s:s,s:s,s:s,s:[I],s:[{s:s}]}", "name",
	                                        "Expired JIT", "signed_on", "2020-01-01",
	                                        "expires_on", "2021-01-01", "cases", (json_int_t)id,
	                                        "members", "org", "DE"), &jit), 201);
	int64_t jid = json_integer_value(json_object_get(jit, "id"));
	json_decref(jit);
	/* DE reads the case through the JIT, expired or not. */
	assert_int_equal(api_getf(de, NULL, "/api/v1/cases/%lld", (long long)id), 200);
	assert_int_equal(api_getf(de, NULL, "/api/v1/jits/%lld", (long long)jid), 200);
	/* An expired JIT is read-only until extended: no new member... */
	snprintf(path, sizeof(path), "/api/v1/jits/%lld/members", (long long)jid);
	long st = api_requestj("POST", path, se, json_pack("{s:s}", "org", "NL"), &out);
	api_assert_fails(st, out, 409, "conflict");
	json_decref(out);
	/* ...until the extension. */
	snprintf(path, sizeof(path), "/api/v1/jits/%lld/extensions", (long long)jid);
	assert_int_equal(api_requestj("POST", path, se,
	                              json_pack("{s:s,s:s}", "expires_on", "2030-01-01", "reason",
	                                        "Revived"), &out), 201);
	json_decref(out);
	snprintf(path, sizeof(path), "/api/v1/jits/%lld/members", (long long)jid);
	assert_int_equal(api_requestj("POST", path, se, json_pack("{s:s}", "org", "NL"), &out),
	                 201);
	json_decref(out);
	char *nl = api_login_demo("nl");
	assert_int_equal(api_getf(nl, NULL, "/api/v1/cases/%lld", (long long)id), 200);
	free(nl);
	free(se);
	free(de);
}

static void test_api_access__observer_reads_but_does_not_manage(void **state)
{
	(void)state;
	char *ip = api_login_demo("interpol"), path[128];
	json_t *out = NULL;
	assert_int_equal(api_getf(ip, &out, "/api/v1/cases/%lld", (long long)swedish), 200);
	assert_string_equal(json_string_value(json_object_get(api_participant(out, "INTERPOL"),
	                                                      "access")), "observer");
	json_decref(out);
	assert_int_equal(api_getf(ip, NULL, "/api/v1/cases/%lld/events", (long long)swedish), 200);
	assert_int_equal(api_getf(ip, NULL, "/api/v1/cases/%lld/participants", (long long)swedish),
	                 200);
	static const struct {
		const char *method, *fmt, *body;
	} writes[] = {
		{"POST", "/api/v1/cases/{}/participants", "{\"org\":\"EUROPOL\"}"},
		{"PATCH", "/api/v1/cases/{}", "{\"title\":\"Interpol's now\"}"},
		{"POST", "/api/v1/cases/{}/close", "{}"},
		{"PATCH", "/api/v1/cases/{}/participants/RS", "{\"access\":\"observer\"}"},
		{"PATCH", "/api/v1/cases/{}/participants/INTERPOL", "{\"access\":\"owner\"}"},
		{"DELETE", "/api/v1/cases/{}/participants/ME", NULL},
	};
	for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
		long st = 0;
		api_pathi(path, sizeof(path), writes[i].fmt, swedish);
		api_request(writes[i].method, path, ip, writes[i].body, &st, &out);
		if (st != 403)
			fprintf(stderr, "%s %s as interpol -> %ld\n", writes[i].method, path, st);
		api_assert_fails(st, out, 403, "forbidden");
		json_decref(out);
	}
	/* Nothing changed. */
	char *se = api_login_demo("se");
	assert_int_equal(api_getf(se, &out, "/api/v1/cases/%lld", (long long)swedish), 200);
	assert_int_equal(json_array_size(json_object_get(out, "participants")), 4);
	assert_null(api_participant(out, "EUROPOL"));
	assert_string_equal(json_string_value(json_object_get(out, "status")), "open");
	json_decref(out);
	free(se);
	free(ip);
}

static void test_api_access__roles_limit_what_users_do(void **state)
{
	(void)state;
	char *obs = api_login_demo("se-observer"), *an = api_login_demo("se-analyst"), path[128];
	size_t before;
	free(api_case_ids(obs, &before));
	const char *body = "{\"title\":\"Opened by an observer\",\"crime_types\":[\"other\"]}";
	long st = 0;
	json_t *out = NULL;
	/* An observer cannot open a case, nor can an analyst. */
	api_request("POST", "/api/v1/cases", obs, body, &st, &out);
	api_assert_fails(st, out, 403, "forbidden");
	json_decref(out);
	api_request("POST", "/api/v1/cases", an, body, &st, &out);
	api_assert_fails(st, out, 403, "forbidden");
	json_decref(out);
	api_request("POST", "/api/v1/jits", obs, "{\"name\":\"x\",\"signed_on\":\"2026-01-01\","
	            "\"expires_on\":\"2027-01-01\"}", &st, &out);
	api_assert_fails(st, out, 403, "forbidden");
	json_decref(out);
	size_t after;
	free(api_case_ids(obs, &after));
	assert_int_equal(after, before);

	/* The analyst of the owning desk cannot close, change or manage the case. */
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/close", (long long)swedish);
	api_request("POST", path, an, "{\"reason\":\"done\"}", &st, &out);
	api_assert_fails(st, out, 403, "forbidden");
	json_decref(out);
	api_request("POST", path, obs, "{}", &st, &out);
	api_assert_fails(st, out, 403, "forbidden");
	json_decref(out);
	snprintf(path, sizeof(path), "/api/v1/cases/%lld", (long long)swedish);
	api_request("PATCH", path, an, "{\"status\":\"closed\"}", &st, &out);
	api_assert_fails(st, out, 403, "forbidden");
	json_decref(out);
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/participants", (long long)swedish);
	api_request("POST", path, an, "{\"org\":\"DE\"}", &st, &out);
	api_assert_fails(st, out, 403, "forbidden");
	json_decref(out);
	/* Nor record the desk's national case number: that is for prosecutors. */
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/participants/SE", (long long)swedish);
	api_request("PATCH", path, an, "{\"national_ref\":\"AM-1-26\"}", &st, &out);
	api_assert_fails(st, out, 403, "forbidden");
	json_decref(out);
	/* The analyst reads, though. */
	assert_int_equal(api_getf(an, &out, "/api/v1/cases/%lld", (long long)swedish), 200);
	assert_string_equal(json_string_value(json_object_get(out, "status")), "open");
	assert_string_equal(json_string_value(json_object_get(api_participant(out, "SE"),
	                                                      "national_ref")), "AM-48213-26");
	json_decref(out);
	free(obs);
	free(an);
}

static void assert_resolves(const char *user, const char *segment, int64_t want)
{
	char *t = api_login_demo(user);
	json_t *out = NULL;
	long st = api_getf(t, &out, "/api/v1/cases/%s", segment);
	if (st != 200) {
		char *d = out ? json_dumps(out, JSON_COMPACT) : NULL;
		fprintf(stderr, "GET /api/v1/cases/%s as %s -> %ld %s\n", segment, user, st,
		        d ? d : "");
		free(d);
	}
	assert_int_equal(st, 200);
	assert_int_equal(json_integer_value(json_object_get(out, "id")), want);
	json_decref(out);
	/* Sub-resources resolve the same way. */
	assert_int_equal(api_getf(t, NULL, "/api/v1/cases/%s/participants", segment), 200);
	free(t);
}

static void test_api_access__case_addressed_by_id(void **state)
{
	(void)state;
	char seg[32];
	snprintf(seg, sizeof(seg), "%lld", (long long)swedish);
	assert_resolves("se", seg, swedish);
	assert_resolves("rs", seg, swedish);
}

static void test_api_access__case_addressed_by_reference(void **state)
{
	(void)state;
	assert_resolves("se", "2026%2F0001", swedish);
	assert_resolves("rs", "2026%2F0001", swedish);
	assert_resolves("se", "2024%2F0001", yezidi);
	assert_resolves("icc", "2022%2F0001", ukraine);
}

static void test_api_access__case_addressed_by_national_number(void **state)
{
	(void)state;
	/* Each desk by its own number, and by the numbers of the others. */
	assert_resolves("se", "AM-48213-26", swedish);
	assert_resolves("rs", "KTO-112%2F26", swedish);
	assert_resolves("me", "Ktr-87%2F26", swedish);
	assert_resolves("rs", "AM-48213-26", swedish);
	assert_resolves("se", "AM-1709-24", yezidi);
	assert_resolves("pl", "PK%20II%20S%2017%2F22", ukraine);
	/* An all-digit national number is a number, not a custodia id. */
	assert_resolves("ua", "12022000000000187", ukraine);
}

static void test_api_access__removed_participant_loses_access(void **state)
{
	(void)state;
	char *se = api_login_demo("se"), *rs = api_login_demo("rs"), path[128];
	int64_t id = api_case_create(se, "{\"title\":\"Short cooperation\",\"crime_types\":"
	                                 "[\"corruption\"],\"participants\":[{\"org\":\"RS\","
	                                 "\"access\":\"observer\"}]}");
	assert_int_equal(api_getf(rs, NULL, "/api/v1/cases/%lld", (long long)id), 200);
	/* An observer organisation cannot bring others in... */
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/participants", (long long)id);
	long st = 0;
	json_t *out = NULL;
	api_request("POST", path, rs, "{\"org\":\"ME\"}", &st, &out);
	api_assert_fails(st, out, 403, "forbidden");
	json_decref(out);
	/* ...until an owner makes it an owner. */
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/participants/RS", (long long)id);
	assert_int_equal(api_requestj("PATCH", path, se, json_pack("{s:s}", "access", "owner"),
	                              &out), 200);
	json_decref(out);
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/participants", (long long)id);
	api_request("POST", path, rs, "{\"org\":\"ME\"}", &st, &out);
	assert_int_equal(st, 201);
	json_decref(out);
	/* A co-owner cannot demote the requesting organisation. */
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/participants/SE", (long long)id);
	api_request("PATCH", path, rs, "{\"access\":\"participant\"}", &st, &out);
	api_assert_fails(st, out, 409, "conflict");
	json_decref(out);
	/* Removed, RS no longer sees the case at all. */
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/participants/RS", (long long)id);
	assert_int_equal(api_request("DELETE", path, se, NULL, &st, NULL), 0);
	assert_int_equal(st, 204);
	st = api_getf(rs, &out, "/api/v1/cases/%lld", (long long)id);
	api_assert_fails(st, out, 404, "not_found");
	json_decref(out);
	size_t n;
	int64_t *ids = api_case_ids(rs, &n);
	assert_false(api_has_id(ids, n, id));
	free(ids);
	free(se);
	free(rs);
}

static void test_api_access__users_of_other_orgs_are_invisible(void **state)
{
	(void)state;
	char *rs = api_login_demo("rs"), *se = api_login_demo("se");
	char *seadmin = api_login_demo("se-admin"), *rsadmin = api_login_demo("rs-admin");
	json_t *out = NULL;
	long st = api_getf(rs, &out, "/api/v1/users/se");
	api_assert_fails(st, out, 404, "not_found");
	json_decref(out);
	st = api_getf(rsadmin, &out, "/api/v1/users/se");
	api_assert_fails(st, out, 404, "not_found");
	json_decref(out);
	/* A colleague who is not an administrator does not see the others either. */
	st = api_getf(se, &out, "/api/v1/users/se-analyst");
	api_assert_fails(st, out, 404, "not_found");
	json_decref(out);
	assert_int_equal(api_getf(seadmin, NULL, "/api/v1/users/se"), 200);
	assert_int_equal(api_getf(se, NULL, "/api/v1/users/se"), 200);
	st = api_getf(rsadmin, &out, "/api/v1/users?org=SE");
	api_assert_fails(st, out, 403, "forbidden");
	json_decref(out);
	free(rs);
	free(se);
	free(seadmin);
	free(rsadmin);
}

/* Last: it closes the demo's Swedish case. */
static void test_api_access__owner_manages_and_closing_freezes(void **state)
{
	(void)state;
	char *se = api_login_demo("se"), *nl = api_login_demo("nl"), *rs = api_login_demo("rs");
	char path[128];
	json_t *out = NULL;
	long st = 0;
	assert_int_equal(api_getf(nl, NULL, "/api/v1/cases/%lld", (long long)swedish), 404);
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/participants", (long long)swedish);
	assert_int_equal(api_requestj("POST", path, se, json_pack("{s:s,s:s}", "org", "NL",
	                                                          "access", "observer"), &out), 201);
	assert_string_equal(json_string_value(json_object_get(api_participant(out, "NL"),
	                                                      "access")), "observer");
	json_decref(out);
	assert_int_equal(api_getf(nl, NULL, "/api/v1/cases/%lld", (long long)swedish), 200);

	snprintf(path, sizeof(path), "/api/v1/cases/%lld/close", (long long)swedish);
	assert_int_equal(api_requestj("POST", path, se,
	                              json_pack("{s:s}", "reason", "Proceedings concluded"), &out),
	                 200);
	assert_string_equal(json_string_value(json_object_get(out, "status")), "closed");
	assert_true(json_is_string(json_object_get(out, "closed_on")));
	json_decref(out);

	/* Closed: participants and content are frozen. */
	static const struct {
		const char *who, *method, *fmt, *body;
	} frozen[] = {
		{"se", "POST", "/api/v1/cases/{}/participants", "{\"org\":\"DE\"}"},
		{"se", "PATCH", "/api/v1/cases/{}/participants/RS", "{\"access\":\"observer\"}"},
		{"se", "DELETE", "/api/v1/cases/{}/participants/ME", NULL},
		{"se", "PATCH", "/api/v1/cases/{}", "{\"title\":\"Renamed\"}"},
		{"se", "POST", "/api/v1/cases/{}/close", "{}"},
		{"rs", "PATCH", "/api/v1/cases/{}/participants/RS", "{\"national_ref\":\"KTO-1/26\"}"},
	};
	for (size_t i = 0; i < sizeof(frozen) / sizeof(frozen[0]); i++) {
		api_pathi(path, sizeof(path), frozen[i].fmt, swedish);
		api_request(frozen[i].method, path, strcmp(frozen[i].who, "se") ? rs : se,
		            frozen[i].body, &st, &out);
		if (st != 409)
			fprintf(stderr, "%s %s on a closed case -> %ld\n", frozen[i].method, path, st);
		api_assert_fails(st, out, 409, "conflict");
		json_decref(out);
	}
	/* Participants still read it. */
	assert_int_equal(api_getf(rs, &out, "/api/v1/cases/%lld", (long long)swedish), 200);
	assert_string_equal(json_string_value(json_object_get(out, "status")), "closed");
	assert_int_equal(json_array_size(json_object_get(out, "participants")), 5);
	json_decref(out);

	/* Reopened, it changes again; archived (from closed), never again. */
	snprintf(path, sizeof(path), "/api/v1/cases/%lld", (long long)swedish);
	assert_int_equal(api_requestj("PATCH", path, se, json_pack("{s:s}", "status", "open"),
	                              &out), 200);
	assert_true(json_is_null(json_object_get(out, "closed_on")));
	json_decref(out);
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/participants/NL", (long long)swedish);
	assert_int_equal(api_request("DELETE", path, se, NULL, &st, NULL), 0);
	assert_int_equal(st, 204);
	snprintf(path, sizeof(path), "/api/v1/cases/%lld", (long long)swedish);
	st = api_requestj("PATCH", path, se, json_pack("{s:s}", "status", "archived"), &out);
	api_assert_fails(st, out, 409, "conflict");
	json_decref(out);
	assert_int_equal(api_requestj("PATCH", path, se, json_pack("{s:s}", "status", "closed"),
	                              &out), 200);
	json_decref(out);
	assert_int_equal(api_requestj("PATCH", path, se, json_pack("{s:s}", "status", "archived"),
	                              &out), 200);
	json_decref(out);
	st = api_requestj("PATCH", path, se, json_pack("{s:s}", "status", "open"), &out);
	api_assert_fails(st, out, 409, "conflict");
	json_decref(out);
	free(se);
	free(nl);
	free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api_access__case_list_is_need_to_know),
		cmocka_unit_test(test_api_access__invisible_case_is_404_by_id),
		cmocka_unit_test(test_api_access__invisible_case_is_404_by_reference),
		cmocka_unit_test(test_api_access__jits_are_need_to_know),
		cmocka_unit_test(test_api_access__expired_jit_still_reads),
		cmocka_unit_test(test_api_access__observer_reads_but_does_not_manage),
		cmocka_unit_test(test_api_access__roles_limit_what_users_do),
		cmocka_unit_test(test_api_access__case_addressed_by_id),
		cmocka_unit_test(test_api_access__case_addressed_by_reference),
		cmocka_unit_test(test_api_access__case_addressed_by_national_number),
		cmocka_unit_test(test_api_access__removed_participant_loses_access),
		cmocka_unit_test(test_api_access__users_of_other_orgs_are_invisible),
		cmocka_unit_test(test_api_access__owner_manages_and_closing_freezes),
	};
	return cmocka_run_group_tests_name("api_access", tests, setup, api_group_teardown);
}
