/* SPDX-License-Identifier: Apache-2.0 */
/* api tests: every acknowledged write survives a killed or stopped server. */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "harness.h"

#define KILL_CASES 50

static void assert_case(const char *token, int64_t id, const char *title, const char *rs_ref)
{
	json_t *c = NULL;
	long st = api_getf(token, &c, "/api/v1/cases/%lld", (long long)id);
	if (st != 200)
		fprintf(stderr, "acknowledged case %lld (%s) is missing after restart: %ld\n",
		        (long long)id, title, st);
	assert_int_equal(st, 200);
	assert_string_equal(json_string_value(json_object_get(c, "title")), title);
	json_t *rs = api_participant(c, "RS");
	assert_non_null(rs);
	assert_string_equal(json_string_value(json_object_get(rs, "national_ref")), rs_ref);
	assert_string_equal(json_string_value(json_object_get(api_participant(c, "SE"), "access")),
	                    "owner");
	assert_non_null(api_participant(c, "ME"));
	json_decref(c);
}

static void test_api_durability__sigkill_loses_no_acknowledged_case(void **state)
{
	(void)state;
	char *se = api_login_demo("se");
	int64_t ids[KILL_CASES];
	char title[64], ref[32], body[512];
	for (int i = 0; i < KILL_CASES; i++) {
		snprintf(body, sizeof(body), "{\"title\":\"Durable case %d\",\"crime_types\":"
		         "[\"money_laundering\"],\"participants\":[{\"org\":\"RS\",\"national_ref\":"
		         "\"RS-DUR-%d\"},{\"org\":\"ME\",\"access\":\"observer\"}]}", i, i);
		ids[i] = api_case_create(se, body);
	}
	/* The last write is a participant change: it must survive too. */
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/participants", (long long)ids[0]);
	assert_int_equal(api_requestj("POST", path, se, json_pack("{s:s}", "org", "NL"), NULL),
	                 201);

	int st;
	assert_int_equal(api_server_stop(&api_srv, SIGKILL, &st), 0);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	assert_int_equal(api_server_start(&api_srv), 0);

	/* The session from before the kill is still valid: it was committed too. */
	assert_int_equal(api_getf(se, NULL, "/api/v1/me"), 200);
	for (int i = 0; i < KILL_CASES; i++) {
		snprintf(title, sizeof(title), "Durable case %d", i);
		snprintf(ref, sizeof(ref), "RS-DUR-%d", i);
		assert_case(se, ids[i], title, ref);
	}
	json_t *c = NULL;
	assert_int_equal(api_getf(se, &c, "/api/v1/cases/%lld", (long long)ids[0]), 200);
	assert_non_null(api_participant(c, "NL"));
	json_decref(c);
	/* And the server goes on from there: the next reference follows the last. */
	json_t *last = NULL, *next = NULL;
	assert_int_equal(api_getf(se, &last, "/api/v1/cases/%lld", (long long)ids[KILL_CASES - 1]),
	                 200);
	int64_t nid = api_case_create(se, "{\"title\":\"After the restart\","
	                                  "\"crime_types\":[\"other\"]}");
	assert_int_equal(api_getf(se, &next, "/api/v1/cases/%lld", (long long)nid), 200);
	assert_true(nid > ids[KILL_CASES - 1]);
	const char *a = json_string_value(json_object_get(last, "reference"));
	const char *b = json_string_value(json_object_get(next, "reference"));
	assert_int_equal(strtol(strchr(b, '/') + 1, NULL, 10),
	                 strtol(strchr(a, '/') + 1, NULL, 10) + 1);
	json_decref(last);
	json_decref(next);
	free(se);
}

/* ---- SIGTERM during a burst of writes ----------------------------------- */

#define BURSTERS 4
#define BURST_MAX 400

struct burster {
	int n;
	const char *token;
	int acked;
	int64_t id[BURST_MAX];
	int refused; /* answers other than 201: must stay 0 */
};

static atomic_int total_acked;

static void *burst(void *arg)
{
	struct burster *b = arg;
	for (int i = 0; i < BURST_MAX; i++) {
		char body[256];
		snprintf(body, sizeof(body), "{\"title\":\"Burst t%d-%d\",\"crime_types\":[\"other\"],"
		         "\"participants\":[{\"org\":\"RS\",\"national_ref\":\"RS-B-%d-%d\"},"
		         "{\"org\":\"ME\"}]}", b->n, i, b->n, i);
		api_resp r;
		api_req rq = {.method = "POST", .path = "/api/v1/cases", .token = b->token,
		              .body = body};
		int rc = api_send(&rq, &r);
		json_t *id = json_object_get(r.json, "id");
		if (rc == 0 && r.status == 201 && json_is_integer(id)) {
			/* Acknowledged: the whole 201 answer arrived. */
			b->id[b->acked++] = json_integer_value(id);
			atomic_fetch_add(&total_acked, 1);
		} else if (rc == 0 && r.status != 201) {
			b->refused++;
		}
		api_resp_free(&r);
		if (rc != 0)
			break; /* the server is going away */
	}
	api_thread_done();
	return NULL;
}

static void test_api_durability__sigterm_during_writes(void **state)
{
	(void)state;
	char *se = api_login_demo("se");
	static struct burster b[BURSTERS];
	pthread_t tid[BURSTERS];
	atomic_store(&total_acked, 0);
	for (int t = 0; t < BURSTERS; t++) {
		memset(&b[t], 0, sizeof(b[t]));
		b[t].n = t;
		b[t].token = se;
		assert_int_equal(pthread_create(&tid[t], NULL, burst, &b[t]), 0);
	}
	/* Stop the server while the writers are busy. */
	for (int64_t deadline = api_now_ms() + 20000;
	     atomic_load(&total_acked) < 60 && api_now_ms() < deadline;) {
		struct timespec ts = {0, 2000000};
		nanosleep(&ts, NULL);
	}
	int acked_at_signal = atomic_load(&total_acked);
	assert_true(acked_at_signal >= 60);
	int st;
	assert_int_equal(api_server_stop(&api_srv, SIGTERM, &st), 0);
	for (int t = 0; t < BURSTERS; t++)
		pthread_join(tid[t], NULL);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "SIGTERM with writes in flight: exited %d status %d signal %d\n",
		        WIFEXITED(st), WIFEXITED(st) ? WEXITSTATUS(st) : -1,
		        WIFSIGNALED(st) ? WTERMSIG(st) : 0);
		api_server_dump_log(&api_srv);
	}
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	int acked = 0;
	for (int t = 0; t < BURSTERS; t++) {
		assert_int_equal(b[t].refused, 0);
		/* Every writer was cut off before it ran out of work. */
		assert_true(b[t].acked < BURST_MAX);
		acked += b[t].acked;
	}
	fprintf(stderr, "%d writes acknowledged (%d when SIGTERM was sent)\n", acked,
	        acked_at_signal);

	assert_int_equal(api_server_start(&api_srv), 0);
	size_t n;
	int64_t *listed = api_case_ids(se, &n);
	char title[64], ref[32];
	for (int t = 0; t < BURSTERS; t++)
		for (int i = 0; i < b[t].acked; i++) {
			assert_true(api_has_id(listed, n, b[t].id[i]));
			/* The i-th acknowledged write of a thread was its i-th request. */
			snprintf(title, sizeof(title), "Burst t%d-%d", t, i);
			snprintf(ref, sizeof(ref), "RS-B-%d-%d", t, i);
			assert_case(se, b[t].id[i], title, ref);
		}
	free(listed);
	free(se);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api_durability__sigkill_loses_no_acknowledged_case),
		cmocka_unit_test(test_api_durability__sigterm_during_writes),
	};
	return cmocka_run_group_tests_name("api_durability", tests, api_group_setup,
	                                   api_group_teardown);
}
