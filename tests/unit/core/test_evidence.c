/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tests: evidence through the core — crash consistency (a process killed at
 * random moments while ingesting), injected write failures, grants with the
 * originator's consent, erasure under legal holds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <dirent.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "core/core.h"
#include "crypto/crypto.h"
#include "testutil.h"

typedef struct fixture {
	char *tmp, *dir;
	cu_core *c;
	cu_actor se, rs, lt, ua, pl, icc, iiim, admin;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	f->dir = tu_datadir(&f->tmp);
	assert_int_equal(cu_crypto_init(), 0);
	assert_int_equal(cu_core_init(f->dir, "admin", "admin-pw"), 0);
	cu_core_config cfg = {.datadir = f->dir};
	assert_int_equal(cu_core_open(&f->c, &cfg), 0);
	assert_int_equal(cu_demo_load(f->c, 0), 0);
	static const char *const names[] = {"se", "rs", "lt", "ua", "pl", "icc", "iiim", "admin"};
	cu_actor *as[] = {&f->se, &f->rs, &f->lt, &f->ua, &f->pl, &f->icc, &f->iiim, &f->admin};
	for (int i = 0; i < 8; i++)
		assert_int_equal(cu_actor_load(f->c, as[i], names[i]), 0);
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

static int count_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

/* Blob files in DATA/blobs/<aa>/ (not tmp/). */
static int count_blobs(const char *data)
{
	char path[4096];
	int n = 0;
	snprintf(path, sizeof(path), "%s/blobs", data);
	DIR *d = opendir(path);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, "tmp"))
			continue;
		char sub[4400];
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		n += count_dir(sub);
	}
	if (d)
		closedir(d);
	return n;
}

static int64_t case_id(fixture *f, const cu_actor *a, const char *ref)
{
	int64_t id;
	assert_int_equal(cu_case_resolve(f->c, a, &id, ref), 0);
	return id;
}

static int ingest(cu_core *c, const cu_actor *a, int64_t case_id, const void *data, size_t n,
                  unsigned flags, json_t **items)
{
	cu_ingest *in;
	json_t *m = json_pack("{s:s}", "title", "test item");
	int r = cu_evidence_begin(c, a, &in, case_id, m, flags);
	json_decref(m);
	if (r)
		return r;
	if ((r = cu_evidence_write(in, data, n)) != 0) {
		cu_evidence_abort(in);
		return r;
	}
	return cu_evidence_commit(c, &in, 1, items);
}

/*
 * A child ingests small batches and large files in a loop; the parent kills
 * it with SIGKILL at random moments. Afterwards every recorded item has its
 * content intact, and the sweep leaves no temporary file and no orphan.
 */
static void test_evidence_crash__killed_while_ingesting(void **state)
{
	fixture *f = *state;
	int64_t cid = case_id(f, &f->se, "2026/0001");
	uint8_t *big = malloc(6 << 20);
	for (size_t i = 0; i < (6u << 20); i++)
		big[i] = (uint8_t)(i * 2654435761u >> 13);
	srand(7);
	json_t *before;
	assert_int_equal(cu_evidence_verify(f->c, &f->admin, &before, 0, 0), 0);
	size_t nbefore = json_array_size(before);
	json_decref(before);
	/*
	 * The fixture's core may run a thread (media type detection of deferred
	 * ingests, started by the demo's): a child forked from a multi-threaded
	 * process may only call async-signal-safe functions until it execs, so
	 * the parent forks with no thread of its own (ThreadSanitizer refuses it).
	 */
	cu_core_close(f->c);
	f->c = NULL;
	for (int round = 0; round < 12; round++) {
		int ready[2];
		assert_int_equal(pipe(ready), 0);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			cu_core *c;
			cu_core_config cfg = {.datadir = f->dir};
			close(ready[0]);
			if (cu_core_open(&c, &cfg) != 0)
				_exit(3);

			for (unsigned k = 0;; k++) {
				cu_ingest *ins[8];
				json_t *m = json_pack("{s:s}", "title", "batch"), *items = NULL;
				for (int j = 0; j < 8; j++) {
					char body[64];
					int n = snprintf(body, sizeof(body), "round %d item %u.%d", round, k, j);
					if (cu_evidence_begin(c, &f->se, &ins[j], cid, m, CU_INGEST_DEFERRED) ||
					    cu_evidence_write(ins[j], body, (size_t)n))
						_exit(4);
				}
				json_decref(m);
				if (cu_evidence_commit(c, ins, 8, &items) != 0)
					_exit(5);
				json_decref(items);
				/* One batch in: the random moment of the kill counts from
				 * here, so that a slow machine (or a sanitizer) still
				 * leaves something to check. */
				if (k == 0 && write(ready[1], "r", 1) != 1)
					_exit(3);
				big[0] = (uint8_t)k, big[1] = (uint8_t)round;
				if (ingest(c, &f->se, cid, big, 6 << 20, CU_INGEST_THREADED, &items) != 0)
					_exit(6);
				json_decref(items);
			}
		}
		char byte;
		close(ready[1]);
		assert_int_equal(read(ready[0], &byte, 1), 1);
		close(ready[0]);
		struct timespec ts = {0, (long)(5 + rand() % 60) * 1000000L};
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		int st;
		waitpid(pid, &st, 0);
		assert_true(WIFSIGNALED(st));
	}
	free(big);
	cu_core_config cfg = {.datadir = f->dir};
	assert_int_equal(cu_core_open(&f->c, &cfg), 0);
	/* Every item the store recorded is whole. */
	json_t *report;
	assert_int_equal(cu_evidence_verify(f->c, &f->admin, &report, 0, 0), 0);
	size_t i;
	json_t *v;
	json_array_foreach(report, i, v)
		if (strcmp(cu_json_str(v, "status"), "ok") != 0)
			fail_msg("item %lld: %s", (long long)json_integer_value(json_object_get(v, "id")),
			         cu_json_str(v, "status"));
	assert_true(json_array_size(report) > nbefore);
	json_decref(report);
	/* No leftovers once swept: as many blob files as distinct contents recorded. */
	int removed;
	assert_int_equal(cu_evidence_sweep(f->c, &removed), 0);
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s/blobs/tmp", f->dir);
	assert_int_equal(count_dir(tmp), 0);
	json_t *items;
	assert_int_equal(cu_evidence_list(f->c, &f->se, &items, cid, 0, 0), 0);
	int distinct = 0;
	json_array_foreach(items, i, v) {
		size_t k;
		json_t *w;
		bool seen = false;
		json_array_foreach(items, k, w) {
			if (k >= i)
				break;
			seen = seen || !strcmp(cu_json_str(v, "sha256"), cu_json_str(w, "sha256"));
		}
		distinct += !seen;
	}
	json_decref(items);
	/* The demo's other cases hold six more blobs (two of them the scanned
	 * pages of the Montenegrin and Belgian cases). */
	assert_int_equal(count_blobs(f->dir), distinct + 6);
}

/* A write failure (here the file size limit, as a full disk would) is a clear
 * error: no item, no temporary file, and the next ingest works. */
static void test_evidence_fault__write_failure_leaves_nothing(void **state)
{
	fixture *f = *state;
	int64_t cid = case_id(f, &f->se, "2026/0001");
	json_t *before, *after, *items = NULL;
	assert_int_equal(cu_evidence_list(f->c, &f->se, &before, cid, 0, 0), 0);
	struct rlimit old, lim;
	getrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, SIG_IGN);
	lim = old;
	lim.rlim_cur = 2 << 20;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	size_t n = 8 << 20;
	uint8_t *data = calloc(1, n);
	int r = ingest(f->c, &f->se, cid, data, n, CU_INGEST_THREADED, &items);
	setrlimit(RLIMIT_FSIZE, &old);
	assert_int_equal(r, CU_EIO);
	assert_null(items);
	assert_int_equal(cu_evidence_list(f->c, &f->se, &after, cid, 0, 0), 0);
	assert_int_equal(json_array_size(after), json_array_size(before));
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s/blobs/tmp", f->dir);
	assert_int_equal(count_dir(tmp), 0);
	assert_int_equal(ingest(f->c, &f->se, cid, data, n, 0, &items), 0);
	assert_int_equal(json_array_size(items), 1);
	json_decref(items);
	json_decref(before);
	json_decref(after);
	free(data);
}

static json_t *parse(const char *s)
{
	json_t *j = json_loads(s, 0, NULL);
	assert_non_null(j);
	return j;
}

/* Item 4 of the demo came from UA into LT's case: sharing it needs UA's consent. */
static void test_evidence_grant__originator_decides(void **state)
{
	fixture *f = *state;
	json_t *g = NULL, *item = NULL, *in, *list;
	in = parse("{\"case\":\"2022/0001\",\"items\":[4],\"org\":\"IIIM\","
	           "\"legal_basis\":\"request of the IIIM\"}");
	assert_int_equal(cu_grant_create(f->c, &f->lt, &g, in), 0);
	json_decref(in);
	int64_t gid = json_integer_value(json_object_get(g, "id"));
	assert_string_equal(cu_json_str(json_array_get(json_object_get(g, "items"), 0), "consent"),
	                    "pending");
	json_decref(g);
	assert_int_equal(cu_evidence_get(f->c, &f->iiim, &item, 4), CU_ENOTFOUND);
	/* Only the originator's consent counts. */
	in = parse("{\"decision\":\"given\"}");
	assert_int_equal(cu_grant_consent(f->c, &f->lt, &g, gid, in), CU_ECONFLICT);
	assert_int_equal(cu_grant_consent(f->c, &f->pl, &g, gid, in), CU_ENOTFOUND);
	assert_int_equal(cu_grant_consent(f->c, &f->ua, &g, gid, in), 0);
	json_decref(g);
	json_decref(in);
	assert_int_equal(cu_evidence_get(f->c, &f->iiim, &item, 4), 0);
	json_decref(item);
	assert_int_equal(cu_evidence_get(f->c, &f->iiim, &item, 5), CU_ENOTFOUND);
	/* Who the grant names is for its parties only. */
	assert_int_equal(cu_grant_list(f->c, &f->pl, &list), 0);
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);
	assert_int_equal(cu_evidence_custody(f->c, &f->pl, &list, 4, 0, 0), 0);
	char *text = json_dumps(list, 0);
	assert_null(strstr(text, "IIIM"));
	assert_non_null(strstr(text, "(restricted)"));
	free(text);
	json_decref(list);
	assert_int_equal(cu_evidence_custody(f->c, &f->ua, &list, 4, 0, 0), 0);
	text = json_dumps(list, 0);
	assert_non_null(strstr(text, "\"grant_id\""));
	free(text);
	json_decref(list);
	/* Revocation stops access at once; the receiver cannot revoke. */
	assert_int_equal(cu_grant_revoke(f->c, &f->iiim, &g, gid, NULL), CU_EDENIED);
	assert_int_equal(cu_grant_revoke(f->c, &f->lt, &g, gid, NULL), 0);
	json_decref(g);
	assert_int_equal(cu_evidence_get(f->c, &f->iiim, &item, 4), CU_ENOTFOUND);
	assert_int_equal(cu_evidence_list(f->c, &f->iiim, &list, 0, 0, 0), 0);
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);
	/* A grant needs its legal basis. */
	in = parse("{\"case\":\"2022/0001\",\"items\":[5],\"org\":\"IIIM\",\"legal_basis\":\"\"}");
	assert_int_equal(cu_grant_create(f->c, &f->lt, &g, in), CU_EINVALID);
	json_decref(in);
}

/* The ids of a grant's items as one party sees them, e.g. "4,5". */
static void grant_items(fixture *f, cu_actor *a, int64_t gid, char *out, size_t n)
{
	json_t *g = NULL, *it;
	size_t i, len = 0;
	out[0] = 0;
	assert_int_equal(cu_grant_get(f->c, a, &g, gid), 0);
	json_array_foreach(json_object_get(g, "items"), i, it)
		len += (size_t)snprintf(out + len, n - len, "%s%lld", i ? "," : "",
		                        (long long)json_integer_value(json_object_get(it, "id")));
	json_decref(g);
}

/*
 * LT shares its item 5 and UA's item 4 with the IIIM. The IIIM sees nothing
 * of item 4, not even its title, until UA consents; UA sees its own item
 * only; UA withdrawing its consent later takes item 4 back and leaves LT's
 * decision about item 5 standing.
 */
static void test_evidence_grant__each_party_sees_its_part(void **state)
{
	fixture *f = *state;
	json_t *g = NULL, *item = NULL, *list = NULL, *in;
	char ids[64];
	assert_int_equal(cu_evidence_get(f->c, &f->lt, &item, 4), 0);
	char *title = strdup(cu_json_str(item, "title"));
	json_decref(item);
	in = parse("{\"case\":\"2022/0001\",\"items\":[4,5],\"org\":\"IIIM\","
	           "\"legal_basis\":\"request of the IIIM\"}");
	assert_int_equal(cu_grant_create(f->c, &f->lt, &g, in), 0);
	json_decref(in);
	int64_t gid = json_integer_value(json_object_get(g, "id"));
	json_decref(g);
	grant_items(f, &f->lt, gid, ids, sizeof(ids));
	assert_string_equal(ids, "4,5");
	grant_items(f, &f->iiim, gid, ids, sizeof(ids));
	assert_string_equal(ids, "5");
	grant_items(f, &f->ua, gid, ids, sizeof(ids));
	assert_string_equal(ids, "4");
	assert_int_equal(cu_grant_list(f->c, &f->iiim, &list), 0);
	char *text = json_dumps(list, 0);
	assert_null(strstr(text, title));
	free(text);
	json_decref(list);
	/* Consent: the IIIM sees both, and the answer to UA shows UA its own. */
	in = parse("{\"decision\":\"given\"}");
	assert_int_equal(cu_grant_consent(f->c, &f->ua, &g, gid, in), 0);
	json_decref(in);
	assert_int_equal(json_array_size(json_object_get(g, "items")), 1);
	json_decref(g);
	grant_items(f, &f->iiim, gid, ids, sizeof(ids));
	assert_string_equal(ids, "4,5");
	assert_int_equal(cu_evidence_get(f->c, &f->iiim, &item, 4), 0);
	json_decref(item);
	/* UA withdraws: item 4 goes, item 5 stays, the grant is not revoked. */
	assert_int_equal(cu_grant_revoke(f->c, &f->ua, &g, gid, NULL), 0);
	assert_null(cu_json_str(g, "revoked_at"));
	json_decref(g);
	assert_int_equal(cu_grant_revoke(f->c, &f->ua, &g, gid, NULL), CU_ECONFLICT);
	assert_int_equal(cu_evidence_get(f->c, &f->iiim, &item, 4), CU_ENOTFOUND);
	assert_int_equal(cu_evidence_get(f->c, &f->iiim, &item, 5), 0);
	json_decref(item);
	grant_items(f, &f->iiim, gid, ids, sizeof(ids));
	assert_string_equal(ids, "5");
	/* The grantor's revocation ends the rest. */
	assert_int_equal(cu_grant_revoke(f->c, &f->lt, &g, gid, NULL), 0);
	json_decref(g);
	assert_int_equal(cu_evidence_get(f->c, &f->iiim, &item, 5), CU_ENOTFOUND);
	assert_int_equal(cu_grant_revoke(f->c, &f->lt, &g, gid, NULL), CU_ECONFLICT);
	free(title);
}

/*
 * The ICC sees case 2022/0001 through its JIT as a participant: of its items,
 * only item 5, granted to it. Verifying the case checks that one and lists no
 * other; its check is recorded under the grant, so the case's members see it
 * as restricted.
 */
static void test_evidence_verify__a_case_as_far_as_one_sees_it(void **state)
{
	fixture *f = *state;
	json_t *rep = NULL, *list = NULL, *e;
	size_t i;
	int64_t cid = case_id(f, &f->lt, "2022/0001");
	assert_int_equal(cu_evidence_verify(f->c, &f->icc, &rep, cid, 0), 0);
	assert_int_equal(json_array_size(rep), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rep, 0), "id")), 5);
	json_decref(rep);
	/* One item of another case named with the case: refused, not "0 checked". */
	int64_t se_case = case_id(f, &f->se, "2026/0001");
	assert_int_equal(cu_evidence_verify(f->c, &f->se, &rep, se_case, 5), CU_ENOTFOUND);
	/* The item alone, without its case: its own case is found. */
	assert_int_equal(cu_evidence_verify(f->c, &f->icc, &rep, 0, 5), 0);
	assert_int_equal(json_array_size(rep), 1);
	json_decref(rep);
	assert_int_equal(cu_evidence_custody(f->c, &f->pl, &list, 5, 0, 0), 0);
	bool seen = false;
	json_array_foreach(list, i, e)
		if (!strcmp(cu_json_str(e, "event"), "integrity_checked")) {
			assert_string_equal(cu_json_str(e, "actor_org"), "(restricted)");
			seen = true;
		}
	assert_true(seen);
	json_decref(list);
}

static void test_evidence_erase__hold_then_tombstone(void **state)
{
	fixture *f = *state;
	int64_t cid = case_id(f, &f->se, "2026/0001");
	json_t *items, *out = NULL, *in;
	static const char body[] = "to be erased";
	assert_int_equal(ingest(f->c, &f->se, cid, body, sizeof(body) - 1, 0, &items), 0);
	int64_t id = json_integer_value(json_object_get(json_array_get(items, 0), "id"));
	json_decref(items);
	in = parse("{\"reason\":\"appeal pending\"}");
	assert_int_equal(cu_hold_add(f->c, &f->se, &out, cid, in), 0);
	int64_t hold = json_integer_value(json_object_get(json_array_get(json_object_get(out,
	                                                  "holds"), 0), "id"));
	json_decref(out);
	json_decref(in);
	in = parse("{\"reason\":\"final acquittal\"}");
	assert_int_equal(cu_evidence_erase(f->c, &f->se, &out, id, in), CU_ECONFLICT);
	assert_int_equal(cu_hold_release(f->c, &f->se, cid, hold), 0);
	assert_int_equal(cu_evidence_erase(f->c, &f->rs, &out, id, in), CU_EDENIED);
	int before = count_blobs(f->dir);
	assert_int_equal(cu_evidence_erase(f->c, &f->se, &out, id, in), 0);
	assert_non_null(cu_json_str(out, "erased_at"));
	assert_string_equal(cu_json_str(out, "title"), "(erased)");
	json_decref(out);
	json_decref(in);
	assert_int_equal(count_blobs(f->dir), before - 1);
	cu_blob_reader *rd;
	assert_int_equal(cu_evidence_open(f->c, &f->se, &rd, &out, id, "test"), CU_ECONFLICT);
	assert_int_equal(cu_evidence_custody(f->c, &f->se, &out, id, 0, 0), 0);
	json_t *last = json_array_get(out, json_array_size(out) - 1);
	assert_string_equal(cu_json_str(last, "event"), "erased");
	assert_non_null(cu_json_str(json_object_get(last, "details"), "sha256"));
	json_decref(out);
	/* What is due: a final acquittal means deletion is due at once. */
	in = parse("{\"trigger\":\"final_acquittal\",\"on\":\"2026-01-10\"}");
	assert_int_equal(cu_retention_trigger_add(f->c, &f->se, &out, cid, in), 0);
	json_decref(out);
	json_decref(in);
	assert_int_equal(cu_retention_due(f->c, &f->se, &out, 30), 0);
	char *text = json_dumps(out, 0);
	assert_non_null(strstr(text, "final acquittal"));
	free(text);
	json_decref(out);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_evidence_crash__killed_while_ingesting),
		T(test_evidence_fault__write_failure_leaves_nothing),
		T(test_evidence_grant__originator_decides),
		T(test_evidence_grant__each_party_sees_its_part),
		T(test_evidence_verify__a_case_as_far_as_one_sees_it),
		T(test_evidence_erase__hold_then_tombstone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
