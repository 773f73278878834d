/* SPDX-License-Identifier: Apache-2.0 */
/* tests: action days through the core API — time zones, update numbering, who may post,
 * outcomes not before the day, corrections with a reason, closed cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "core/core.h"
#include "crypto/crypto.h"
#include "testutil.h"

typedef struct fixture {
	char *tmp, *dir;
	cu_core *c, *c2; /* two connections: two processes as far as the store can tell */
	cu_actor se, rs, me, lt;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	f->dir = tu_datadir(&f->tmp);
	assert_int_equal(cu_crypto_init(), 0);
	assert_int_equal(cu_core_init(f->dir, "admin", "admin-pw"), 0);
	cu_core_config cfg = {.datadir = f->dir, .session_ttl = 1};
	assert_int_equal(cu_core_open(&f->c, &cfg), 0);
	assert_int_equal(cu_core_open(&f->c2, &cfg), 0);
	assert_int_equal(cu_demo_load(f->c, 0), 0);
	assert_int_equal(cu_actor_load(f->c, &f->se, "se"), 0);
	assert_int_equal(cu_actor_load(f->c, &f->rs, "rs"), 0);
	assert_int_equal(cu_actor_load(f->c, &f->me, "me"), 0);
	assert_int_equal(cu_actor_load(f->c, &f->lt, "lt"), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	cu_core_close(f->c);
	cu_core_close(f->c2);
	free(f->dir);
	tu_rmdir(f->tmp);
	free(f);
	return 0;
}

/* The UTC date `days` from today. */
static void utc_day(char out[11], int days)
{
	time_t t = time(NULL) + (time_t)days * 86400;
	struct tm tm;
	assert_non_null(gmtime_r(&t, &tm));
	assert_int_equal(strftime(out, 11, "%Y-%m-%d", &tm), 10);
}

/* A day of the first demo case (yesterday: begun everywhere), RS arrests, ME seizes. */
static int plan(fixture *f, json_t **out, const char *zone)
{
	char yesterday[11];
	utc_day(yesterday, -1);
	json_t *in = json_pack("{s:s,s:s,s:s,s:{s:s,s:s},s:[{s:s,s:s,s:s,s:s},{s:s,s:s,s:s,s:s}]}",
	                       "case", "2026/0001", "title", "Unit day", "day", yesterday,
	                       "timezones", "RS", zone, "ME", "Europe/Podgorica", "actions",
	                       "kind", "arrest", "country", "RS", "org", "RS", "planned_time", "06:00",
	                       "kind", "seizure", "country", "ME", "org", "ME", "planned_time",
	                       "06:30");
	assert_non_null(in);
	int r = cu_actionday_create(f->c, &f->se, out, in);
	json_decref(in);
	return r;
}

static void test_actiondays_zones__iana_names_only(void **state)
{
	fixture *f = *state;
	static const char *const good[] = {"Europe/Belgrade", "America/Argentina/Buenos_Aires",
	                                   "UTC", "Etc/GMT+1"};
	static const char *const bad[] = {"Mars/Olympus", "Europe", "../../etc/passwd",
	                                  "Europe/../Europe/Belgrade", "Europe/./Belgrade",
	                                  "/usr/share/zoneinfo/UTC", "Europe//Belgrade", "Europe/",
	                                  "", "Europe/Belgrade\n", "europe belgrade"};
	json_t *out = NULL, *list = NULL;
	assert_int_equal(cu_actionday_list(f->c, &f->se, &list, NULL), 0);
	size_t before = json_array_size(list);
	json_decref(list);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(plan(f, &out, bad[i]), CU_EINVALID);
		assert_null(out);
	}
	assert_int_equal(cu_actionday_list(f->c, &f->se, &list, NULL), 0);
	assert_int_equal(json_array_size(list), before); /* nothing recorded */
	json_decref(list);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(plan(f, &out, good[i]), 0);
		assert_string_equal(cu_json_str(json_object_get(out, "timezones"), "RS"), good[i]);
		json_decref(out);
	}
}

static void test_actiondays_updates__numbered_across_connections(void **state)
{
	fixture *f = *state;
	json_t *day = NULL, *out = NULL, *ups = NULL;
	assert_int_equal(plan(f, &day, "Europe/Belgrade"), 0);
	int64_t id = json_integer_value(json_object_get(day, "id"));
	int64_t rs = json_integer_value(json_object_get(json_array_get(json_object_get(day,
	             "actions"), 0), "id"));
	int64_t me = json_integer_value(json_object_get(json_array_get(json_object_get(day,
	             "actions"), 1), "id"));
	json_decref(day);
	/* Two writers on two connections, interleaved: one gapless sequence. */
	for (int i = 0; i < 10; i++) {
		json_t *in = json_pack("{s:s,s:s}", "status", i < 2 ? "started" : "completed",
		                       "result", "x");
		assert_int_equal(cu_action_update(i % 2 ? f->c2 : f->c, i % 2 ? &f->me : &f->rs, &out,
		                                  i % 2 ? me : rs, in), 0);
		assert_int_equal(json_integer_value(json_object_get(out, "seq")), i + 1);
		json_decref(out);
		json_decref(in);
	}
	assert_int_equal(cu_actionday_updates(f->c2, &f->se, &ups, id, 4, 100), 0);
	assert_int_equal(json_array_size(ups), 6);
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(json_integer_value(json_object_get(json_array_get(ups, i), "seq")),
		                 (json_int_t)i + 5);
	json_decref(ups);
	/* The wrong organisation: refused, nothing numbered; a desk outside the case: 404. */
	json_t *in = json_pack("{s:s}", "status", "completed");
	assert_int_equal(cu_action_update(f->c, &f->me, &out, rs, in), CU_EDENIED);
	assert_int_equal(cu_action_update(f->c, &f->lt, &out, rs, in), CU_ENOTFOUND);
	json_decref(in);
	int64_t last = 0;
	assert_int_equal(cu_actionday_last_seq(f->c, &last, id), 0);
	assert_int_equal(last, 10);
	assert_int_equal(cu_actionday_get(f->c, &f->lt, &out, id), CU_ENOTFOUND);
	/* Every update is an event of the case. */
	json_t *ev = NULL;
	assert_int_equal(cu_actionday_get(f->c, &f->se, &day, id), 0);
	assert_int_equal(cu_case_events(f->c, &f->se, &ev, json_integer_value(json_object_get(day,
	                 "case_id")), 0, 10000), 0);
	size_t n = 0, k;
	json_t *e;
	json_array_foreach(ev, k, e)
		n += !strcmp(cu_json_str(e, "action"), "action.update") &&
		     json_integer_value(json_object_get(json_object_get(e, "after"), "action_id")) ==
		     rs;
	assert_int_equal(n, 5);
	json_decref(ev);
	json_decref(day);
}

/*
 * A day in case `ref` with one RS arrest in country RS at 06:00 in `zone`;
 * its action's id, and the day's case in *case_id if asked.
 */
static int64_t plan_in(fixture *f, const char *ref, const char *day, const char *zone,
                       int64_t *case_id)
{
	json_t *out = NULL, *in = json_pack("{s:s,s:s,s:s,s:{s:s},s:[{s:s,s:s,s:s,s:s}]}", "case",
	                                    ref, "title", "One", "day", day, "timezones", "RS",
	                                    zone, "actions", "kind", "arrest", "country", "RS",
	                                    "org", "RS", "planned_time", "06:00");
	assert_int_equal(cu_actionday_create(f->c, &f->se, &out, in), 0);
	int64_t id = json_integer_value(json_object_get(json_array_get(json_object_get(out,
	             "actions"), 0), "id"));
	if (case_id)
		*case_id = json_integer_value(json_object_get(out, "case_id"));
	json_decref(out);
	json_decref(in);
	return id;
}

static int64_t plan_one(fixture *f, const char *ref, const char *day, const char *zone)
{
	return plan_in(f, ref, day, zone, NULL);
}

static int post(fixture *f, int64_t action, const char *status, const char *correction)
{
	json_t *out = NULL, *in = json_pack("{s:s,s:s}", "status", status, "result", "x");
	if (correction)
		json_object_set_new(in, "correction", json_string(correction));
	int r = cu_action_update(f->c, &f->rs, &out, action, in);
	json_decref(out);
	json_decref(in);
	return r;
}

/*
 * No outcome before the day has begun in the action's country; "started"
 * may come earlier. Zones at both ends of the offsets tell a day that has
 * begun there from one that has begun in UTC: at any hour one of the two
 * cases below differs from a check of the UTC date.
 */
static void test_actiondays_updates__no_outcome_before_the_day(void **state)
{
	fixture *f = *state;
	char today[11], tomorrow[11];
	utc_day(today, 0);
	utc_day(tomorrow, 1);
	int64_t later = plan_one(f, "2026/0001", "2099-06-01", "Europe/Belgrade");
	assert_int_equal(post(f, later, "completed", NULL), CU_ECONFLICT);
	assert_non_null(strstr(cu_error_message(CU_ECONFLICT), "takes place on 2099-06-01: its "
	                       "outcome can be posted once that day has begun in RS "
	                       "(2099-05-31T22:00:00Z)"));
	assert_int_equal(post(f, later, "failed", NULL), CU_ECONFLICT);
	assert_int_equal(post(f, later, "started", NULL), 0);
	assert_int_equal(post(f, later, "completed", NULL), CU_ECONFLICT);

	/* Begun yesterday in every zone: taken. */
	char yesterday[11];
	utc_day(yesterday, -1);
	assert_int_equal(post(f, plan_one(f, "2026/0001", yesterday, "Etc/GMT+12"), "completed",
	                      NULL), 0);
	/* Tomorrow at UTC-12 begins tomorrow at 12:00 UTC: never yet. */
	assert_int_equal(post(f, plan_one(f, "2026/0001", tomorrow, "Etc/GMT+12"), "completed",
	                      NULL), CU_ECONFLICT);
	/* Tomorrow at UTC+14 has begun since 10:00 UTC today; today at UTC-12 since 12:00 UTC. */
	time_t now = time(NULL);
	struct tm tm;
	assert_non_null(gmtime_r(&now, &tm));
	assert_int_equal(post(f, plan_one(f, "2026/0001", tomorrow, "Etc/GMT-14"), "completed",
	                      NULL), tm.tm_hour >= 10 ? 0 : CU_ECONFLICT);
	assert_int_equal(post(f, plan_one(f, "2026/0001", today, "Etc/GMT+12"), "failed", NULL),
	                 tm.tm_hour >= 12 ? 0 : CU_ECONFLICT);
}

/* completed <-> failed is a correction: only with its reason, which is recorded. */
static void test_actiondays_updates__corrections_need_a_reason(void **state)
{
	fixture *f = *state;
	char yesterday[11];
	json_t *out = NULL, *ev = NULL, *e;
	int64_t case_id = 0;
	utc_day(yesterday, -1);
	int64_t a = plan_in(f, "2026/0001", yesterday, "Europe/Belgrade", &case_id);
	assert_int_equal(post(f, a, "completed", "not a correction"), CU_EINVALID);
	assert_int_equal(post(f, a, "completed", NULL), 0);
	assert_int_equal(post(f, a, "completed", NULL), 0); /* more results */
	assert_int_equal(post(f, a, "failed", NULL), CU_EINVALID);
	assert_non_null(strstr(cu_error_message(CU_EINVALID), "changing it to failed is a "
	                       "correction; give its reason in \"correction\""));
	assert_int_equal(post(f, a, "failed", ""), CU_EINVALID);
	json_t *in = json_pack("{s:s,s:s}", "status", "failed", "correction", "wrong person");
	assert_int_equal(cu_action_update(f->c, &f->rs, &out, a, in), 0);
	json_decref(in);
	assert_string_equal(cu_json_str(out, "result"), "correction: wrong person");
	assert_string_equal(cu_json_str(json_object_get(out, "correction"), "reason"),
	                    "wrong person");
	assert_string_equal(cu_json_str(json_object_get(json_object_get(out, "correction"),
	                    "replaces"), "status"), "completed");
	json_decref(out);
	assert_int_equal(post(f, a, "failed", "again"), CU_EINVALID);
	assert_int_equal(post(f, a, "failed", NULL), 0);
	assert_int_equal(post(f, a, "started", "x"), CU_ECONFLICT);
	assert_int_equal(post(f, a, "completed", "found after all"), 0);
	/* The correcting updates' events: the outcome before, the reason after. */
	assert_int_equal(cu_case_events(f->c, &f->se, &ev, case_id, 0, 10000), 0);
	size_t k, n = 0;
	json_array_foreach(ev, k, e) {
		json_t *after = json_object_get(e, "after");
		if (strcmp(cu_json_str(e, "action"), "action.update") ||
		    json_integer_value(json_object_get(after, "action_id")) != a ||
		    !json_object_get(after, "correction"))
			continue;
		n++;
		assert_string_equal(cu_json_str(json_object_get(e, "before"), "status"),
		                    n == 1 ? "completed" : "failed");
	}
	assert_int_equal(n, 2);
	json_decref(ev);
}

/* A closed case: no new day, action or update; nothing recorded. */
static void test_actiondays_closed_case__nothing_new(void **state)
{
	fixture *f = *state;
	char yesterday[11];
	json_t *cs = NULL, *out = NULL, *day = NULL;
	utc_day(yesterday, -1);
	json_t *in = json_pack("{s:s,s:[s],s:[{s:s,s:s}]}", "title", "To be closed", "crime_types",
	                       "drug_trafficking", "participants", "org", "RS", "access",
	                       "participant");
	assert_int_equal(cu_case_create(f->c, &f->se, &cs, in), 0);
	json_decref(in);
	const char *ref = cu_json_str(cs, "reference");
	int64_t case_id = json_integer_value(json_object_get(cs, "id"));
	int64_t a = plan_one(f, ref, yesterday, "Europe/Belgrade");
	assert_int_equal(cu_case_close(f->c, &f->se, &out, case_id, NULL), 0);
	json_decref(out);
	char msg[128];
	snprintf(msg, sizeof(msg), "case %s is closed: no new action days", ref);
	in = json_pack("{s:s,s:s,s:s,s:{s:s}}", "case", ref, "title", "After", "day", yesterday,
	               "timezones", "RS", "Europe/Belgrade");
	assert_int_equal(cu_actionday_create(f->c, &f->se, &out, in), CU_ECONFLICT);
	assert_null(out);
	assert_string_equal(cu_error_message(CU_ECONFLICT), msg);
	json_decref(in);
	assert_int_equal(cu_actionday_list(f->c, &f->se, &out, ref), 0);
	assert_int_equal(json_array_size(out), 1);
	int64_t day_id = json_integer_value(json_object_get(json_array_get(out, 0), "id"));
	json_decref(out);
	in = json_pack("{s:s,s:s,s:s,s:s}", "kind", "seizure", "country", "RS", "org", "RS",
	               "planned_time", "07:00");
	assert_int_equal(cu_actionday_action_add(f->c, &f->se, &out, day_id, in), CU_ECONFLICT);
	assert_non_null(strstr(cu_error_message(CU_ECONFLICT), "is closed: no new actions"));
	json_decref(in);
	assert_int_equal(post(f, a, "completed", NULL), CU_ECONFLICT);
	assert_non_null(strstr(cu_error_message(CU_ECONFLICT), "is closed: no new action updates"));
	assert_int_equal(cu_actionday_get(f->c, &f->se, &day, day_id), 0);
	assert_int_equal(json_array_size(json_object_get(day, "actions")), 1);
	assert_int_equal(json_integer_value(json_object_get(day, "last_seq")), 0);
	json_decref(day);
	json_decref(cs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_actiondays_zones__iana_names_only),
		cmocka_unit_test(test_actiondays_updates__numbered_across_connections),
		cmocka_unit_test(test_actiondays_updates__no_outcome_before_the_day),
		cmocka_unit_test(test_actiondays_updates__corrections_need_a_reason),
		cmocka_unit_test(test_actiondays_closed_case__nothing_new),
	};
	return cmocka_run_group_tests_name("core_actiondays", tests, setup, teardown);
}
