/* SPDX-License-Identifier: Apache-2.0 */
/*
 * api tests: concurrent writers on keep-alive connections lose nothing and mix nothing up;
 * long bulk work does not hold up other requests, nor does a write waiting for the store's
 * write lock.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "store/store.h"

#define THREADS 8
#define PER_THREAD 25

struct writer {
	int n;
	const char *token;
	long status[PER_THREAD];
	int64_t id[PER_THREAD];
	char reference[PER_THREAD][16];
	long connects; /* new connections over the whole run */
	int transport_errors;
};

/* No cmocka assertions here: they may only run on the main thread. */
static void *write_cases(void *arg)
{
	struct writer *w = arg;
	for (int i = 0; i < PER_THREAD; i++) {
		char body[256];
		snprintf(body, sizeof(body), "{\"title\":\"Parallel case t%d-%d\",\"crime_types\":"
		         "[\"cybercrime\"],\"national_ref\":\"PAR-%d-%d\",\"participants\":"
		         "[{\"org\":\"RS\",\"national_ref\":\"RS-PAR-%d-%d\"}]}", w->n, i, w->n, i,
		         w->n, i);
		api_resp r;
		api_req rq = {.method = "POST", .path = "/api/v1/cases", .token = w->token,
		              .body = body};
		if (api_send(&rq, &r) != 0)
			w->transport_errors++;
		w->status[i] = r.status;
		w->connects += r.connects;
		json_t *id = json_object_get(r.json, "id");
		w->id[i] = json_is_integer(id) ? json_integer_value(id) : 0;
		snprintf(w->reference[i], sizeof(w->reference[i]), "%s",
		         json_string_value(json_object_get(r.json, "reference")) ?
		         json_string_value(json_object_get(r.json, "reference")) : "");
		api_resp_free(&r);
	}
	api_thread_done();
	return NULL;
}

static void test_api_parallel__concurrent_case_creation(void **state)
{
	(void)state;
	char *se = api_login_demo("se");
	size_t before;
	free(api_case_ids(se, &before));
	static struct writer w[THREADS];
	pthread_t tid[THREADS];
	int64_t t0 = api_now_ms();
	for (int t = 0; t < THREADS; t++) {
		memset(&w[t], 0, sizeof(w[t]));
		w[t].n = t;
		w[t].token = se;
		assert_int_equal(pthread_create(&tid[t], NULL, write_cases, &w[t]), 0);
	}
	for (int t = 0; t < THREADS; t++)
		pthread_join(tid[t], NULL);
	fprintf(stderr, "%d cases by %d threads in %lld ms\n", THREADS * PER_THREAD, THREADS,
	        (long long)(api_now_ms() - t0));

	/* Every answer a 201 with an id; every id and reference distinct. */
	int64_t ids[THREADS * PER_THREAD];
	size_t n = 0;
	for (int t = 0; t < THREADS; t++) {
		assert_int_equal(w[t].transport_errors, 0);
		/* One connection per thread, kept alive for all its requests. */
		if (w[t].connects > 2)
			fprintf(stderr, "thread %d opened %ld connections\n", t, w[t].connects);
		assert_true(w[t].connects >= 1 && w[t].connects <= 2);
		for (int i = 0; i < PER_THREAD; i++) {
			if (w[t].status[i] != 201)
				fprintf(stderr, "thread %d request %d -> %ld\n", t, i, w[t].status[i]);
			assert_int_equal(w[t].status[i], 201);
			assert_true(w[t].id[i] > 0);
			assert_false(api_has_id(ids, n, w[t].id[i]));
			ids[n++] = w[t].id[i];
			for (int u = 0; u <= t; u++)
				for (int j = 0; j < (u == t ? i : PER_THREAD); j++)
					assert_string_not_equal(w[u].reference[j], w[t].reference[i]);
		}
	}
	assert_int_equal(n, THREADS * PER_THREAD);

	/* All of them listed, each with what its own request said. */
	size_t total;
	int64_t *listed = api_case_ids(se, &total);
	assert_int_equal(total, before + THREADS * PER_THREAD);
	for (size_t i = 0; i < n; i++)
		assert_true(api_has_id(listed, total, ids[i]));
	free(listed);
	char *rs = api_login_demo("rs");
	for (int t = 0; t < THREADS; t++) {
		for (int i = 0; i < PER_THREAD; i += 6) {
			json_t *c = NULL;
			char title[64], ref[32];
			assert_int_equal(api_getf(rs, &c, "/api/v1/cases/%lld", (long long)w[t].id[i]),
			                 200);
			snprintf(title, sizeof(title), "Parallel case t%d-%d", t, i);
			snprintf(ref, sizeof(ref), "RS-PAR-%d-%d", t, i);
			assert_string_equal(json_string_value(json_object_get(c, "title")), title);
			assert_string_equal(json_string_value(json_object_get(api_participant(c, "RS"),
			                    "national_ref")), ref);
			json_decref(c);
		}
	}
	/* The references are a gap-free sequence for the year. */
	long lo = 1L << 30, hi = 0;
	for (int t = 0; t < THREADS; t++)
		for (int i = 0; i < PER_THREAD; i++) {
			long num = strtol(strchr(w[t].reference[i], '/') + 1, NULL, 10);
			lo = num < lo ? num : lo;
			hi = num > hi ? num : hi;
		}
	assert_int_equal(hi - lo + 1, THREADS * PER_THREAD);
	free(rs);
	free(se);
}

static void *read_cases(void *arg)
{
	const char *token = arg;
	long bad = 0;
	for (int i = 0; i < 40; i++) {
		json_t *page = NULL;
		long st = 0;
		if (api_request("GET", "/api/v1/cases?limit=20", token, NULL, &st, &page) != 0 ||
		    st != 200 || !json_is_array(json_object_get(page, "items")))
			bad++;
		json_decref(page);
	}
	api_thread_done();
	return (void *)(intptr_t)bad;
}

static void test_api_parallel__readers_and_writers(void **state)
{
	(void)state;
	char *se = api_login_demo("se"), *rs = api_login_demo("rs");
	static struct writer w[2];
	pthread_t wt[2], rt[4];
	for (int t = 0; t < 2; t++) {
		memset(&w[t], 0, sizeof(w[t]));
		w[t].n = 100 + t;
		w[t].token = se;
		assert_int_equal(pthread_create(&wt[t], NULL, write_cases, &w[t]), 0);
	}
	for (int t = 0; t < 4; t++)
		assert_int_equal(pthread_create(&rt[t], NULL, read_cases, t % 2 ? rs : se), 0);
	for (int t = 0; t < 4; t++) {
		void *bad;
		pthread_join(rt[t], &bad);
		assert_int_equal((intptr_t)bad, 0);
	}
	for (int t = 0; t < 2; t++) {
		pthread_join(wt[t], NULL);
		for (int i = 0; i < PER_THREAD; i++)
			assert_int_equal(w[t].status[i], 201);
	}
	free(se);
	free(rs);
}

/* ---- bulk work runs off the event loop ----------------------------------------- */

struct verify_run {
	const char *token;
	int64_t item;
	long status;
	int64_t started, ended; /* ms */
	atomic_int sent;
};

static void *verify_item(void *arg)
{
	struct verify_run *v = arg;
	char path[64];
	api_resp r;
	snprintf(path, sizeof(path), "/api/v1/evidence/%lld/verify", (long long)v->item);
	api_req rq = {.method = "POST", .path = path, .token = v->token, .body = "{}"};
	v->started = api_now_ms();
	atomic_store(&v->sent, 1);
	v->status = api_send(&rq, &r) == 0 ? r.status : 0;
	v->ended = api_now_ms();
	api_resp_free(&r);
	api_thread_done();
	return NULL;
}

/*
 * With one event loop, a request that reads a whole large item (verify) must
 * not hold up the requests of other connections: they are answered while it
 * runs, by the loop, because the bulk threads do the reading.
 */
static void test_api_parallel__bulk_work_does_not_stall_the_loop(void **state)
{
	(void)state;
	int st;
	assert_int_equal(api_server_stop(&api_srv, SIGTERM, &st), 0);
	api_srv.extra[0] = "--threads";
	api_srv.extra[1] = "1";
	assert_int_equal(api_server_start(&api_srv), 0);
	char *se = api_login_demo("se");

	/* A 128 MiB item: reading and hashing it takes the server a while. */
	const size_t chunk = (size_t)8 << 20, size = 16 * chunk;
	char *data = malloc(chunk), path[128];
	assert_non_null(data);
	for (size_t i = 0; i < chunk; i++)
		data[i] = (char)(i * 2654435761u >> 13);
	json_t *o = NULL;
	char meta[96];
	snprintf(meta, sizeof(meta), "{\"original_name\":\"big.bin\",\"size\":%zu}", size);
	assert_int_equal(api_request("POST", "/api/v1/cases/1/uploads", se, meta, &(long){0}, &o),
	                 0);
	char id[40];
	snprintf(id, sizeof(id), "%s", json_string_value(json_object_get(o, "id")));
	json_decref(o);
	for (size_t off = 0; off < size; off += chunk) {
		snprintf(path, sizeof(path), "/api/v1/uploads/%s?offset=%zu", id, off);
		assert_int_equal(api_put_raw(se, path, data, chunk, NULL), 200);
	}
	free(data);
	snprintf(path, sizeof(path), "/api/v1/uploads/%s/complete", id);
	o = NULL;
	assert_int_equal(api_requestj("POST", path, se, json_object(), &o), 201);
	struct verify_run v = {.token = se, .item = json_integer_value(json_object_get(o, "id"))};
	json_decref(o);

	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, verify_item, &v), 0);
	while (!atomic_load(&v.sent))
		usleep(1000);
	usleep(20 * 1000); /* the verify request is in the server's hands */
	int64_t worst = 0;
	for (int i = 0; i < 5; i++) {
		int64_t t0 = api_now_ms();
		assert_int_equal(api_getf(NULL, NULL, "/healthz"), 200);
		int64_t dt = api_now_ms() - t0;
		worst = dt > worst ? dt : worst;
	}
	int64_t reads_done = api_now_ms();
	pthread_join(t, NULL);
	assert_int_equal(v.status, 200);
	fprintf(stderr, "verify of 128 MiB: %lld ms; slowest /healthz meanwhile: %lld ms\n",
	        (long long)(v.ended - v.started), (long long)worst);
	/* Too fast to tell anything apart would be a machine this test cannot judge. */
	assert_true(v.ended - v.started >= 60);
	assert_true(reads_done < v.ended);
	free(se);
}


/* ---- a waiting write does not hold up reads ------------------------------------ */

struct lock_holder {
	cu_store *store;
	atomic_int held, release;
	int r;
};

/* Holds the store's write lock until told to let go, or for 3 s at most. */
static void *hold_write_lock(void *arg)
{
	struct lock_holder *h = arg;
	if ((h->r = cu_store_begin(h->store)) != 0) {
		atomic_store(&h->held, -1);
		return NULL;
	}
	atomic_store(&h->held, 1);
	for (int64_t end = api_now_ms() + 3000; !atomic_load(&h->release) && api_now_ms() < end;)
		usleep(1000);
	cu_store_rollback(h->store);
	return NULL;
}

struct case_post {
	const char *token;
	long status;
	int64_t ended; /* ms */
	atomic_int sent;
};

static void *post_case(void *arg)
{
	struct case_post *p = arg;
	api_resp r;
	api_req rq = {.method = "POST", .path = "/api/v1/cases", .token = p->token,
	              .body = "{\"title\":\"Written after the lock\",\"crime_types\":[\"other\"]}"};
	atomic_store(&p->sent, 1);
	p->status = api_send(&rq, &r) == 0 ? r.status : 0;
	p->ended = api_now_ms();
	api_resp_free(&r);
	api_thread_done();
	return NULL;
}

/*
 * With one event loop, a write that waits for the store's write lock (held
 * here by another connection, as a long commit would) must not hold up the
 * reads of other connections: writes run on the writer threads, and reads
 * never wait for the write lock.
 */
static void test_api_parallel__a_waiting_write_does_not_stall_reads(void **state)
{
	(void)state;
	char *se = api_login_demo("se");
	struct lock_holder h = {0};
	assert_int_equal(cu_store_open(&h.store, api_srv.data, false), 0);
	pthread_t th, tp;
	assert_int_equal(pthread_create(&th, NULL, hold_write_lock, &h), 0);
	while (!atomic_load(&h.held))
		usleep(1000);
	assert_int_equal(atomic_load(&h.held), 1);

	struct case_post p = {.token = se};
	assert_int_equal(pthread_create(&tp, NULL, post_case, &p), 0);
	while (!atomic_load(&p.sent))
		usleep(1000);
	usleep(50 * 1000); /* the write is in the server's hands, waiting for the lock */
	int64_t worst = 0;
	for (int i = 0; i < 5; i++) {
		int64_t t0 = api_now_ms();
		json_t *o = NULL;
		assert_int_equal(api_getf(se, &o, "/api/v1/cases/1"), 200);
		json_decref(o);
		int64_t dt = api_now_ms() - t0;
		worst = dt > worst ? dt : worst;
	}
	int64_t reads_done = api_now_ms();
	atomic_store(&h.release, 1);
	pthread_join(th, NULL);
	pthread_join(tp, NULL);
	cu_store_close(h.store);
	fprintf(stderr, "slowest read while a write waited for the lock: %lld ms\n",
	        (long long)worst);
	/* The write waited for the lock, then went through; the reads did not wait. */
	assert_int_equal(p.status, 201);
	assert_true(reads_done < p.ended);
	free(se);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api_parallel__concurrent_case_creation),
		cmocka_unit_test(test_api_parallel__readers_and_writers),
		/* last: these run on a server restarted with one event loop */
		cmocka_unit_test(test_api_parallel__bulk_work_does_not_stall_the_loop),
		cmocka_unit_test(test_api_parallel__a_waiting_write_does_not_stall_reads),
	};
	return cmocka_run_group_tests_name("api_parallel", tests, api_group_setup,
	                                   api_group_teardown);
}
