/* SPDX-License-Identifier: Apache-2.0 */
/* tests: action days through the core API — time zones, update numbering, who may post. */
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

static int plan(fixture *f, json_t **out, const char *zone)
{
	json_t *in = json_pack("{s:s,s:s,s:s,s:{s:s,s:s},s:[{s:s,s:s,s:s,s:s},{s:s,s:s,s:s,s:s}]}",
	                       "case", "2026/0001", "title", "Unit day", "day", "2026-12-01",
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_actiondays_zones__iana_names_only),
		cmocka_unit_test(test_actiondays_updates__numbered_across_connections),
	};
	return cmocka_run_group_tests_name("core_actiondays", tests, setup, teardown);
}
