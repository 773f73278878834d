/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Appends inside one transaction: on PostgreSQL the store holds the events,
 * entries and tiles back and sends them at a flush point (src/store/defer.c).
 * Every read inside the transaction must see them, a rollback or a failed
 * commit must leave none, and the ledger must verify. On SQLite the same
 * tests hold for the plain path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/core.h"
#include "core/internal.h"
#include "crypto/crypto.h"
#include "ledger/merkle.h"
#include "store/store.h"
#include "testdb.h"
#include "testutil.h"

typedef struct fixture {
	char *tmp, *dir;
	cu_core *c;
	cu_store *s;
	cu_actor a;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	f->dir = tu_datadir(&f->tmp);
	assert_int_equal(cu_crypto_init(), 0);
	assert_int_equal(cu_core_init(f->dir, "admin", "admin-pw"), 0);
	cu_core_config cfg = {.datadir = f->dir};
	assert_int_equal(cu_core_open(&f->c, &cfg), 0);
	f->s = cu_core_store(f->c);
	assert_int_equal(cu_actor_load(f->c, &f->a, "admin"), 0);
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

/* An event whose object id holds every byte COPY's text format escapes. */
static void event(fixture *f, cu_core *c, int64_t i)
{
	char id[64];
	snprintf(id, sizeof(id), "%lld\t\\N\n\r\\x", (long long)i);
	json_t *after = json_pack("{s:I,s:s}", "n", (json_int_t)i, "text", "tab\there \\ \"q\"");
	assert_int_equal(cu_core_event(c, &f->a, "case.view", "case", id, 0, 0, NULL, after), 0);
	json_decref(after);
}

static void verify_ok(fixture *f)
{
	json_t *out;
	assert_int_equal(cu_ledger_verify(f->c, &out, false), 0);
	if (!json_is_true(json_object_get(out, "ok"))) {
		char *t = json_dumps(out, 0);
		fail_msg("ledger verify: %s", t);
	}
	json_decref(out);
}

/* The ledger's size as a fresh reader sees it (not this connection's cache). */
static int64_t committed_size(fixture *f)
{
	int64_t n = -1;
	tdb_exec(f->dir, "SELECT count(*) FROM ledger_entries", false, &n);
	return n;
}

static int64_t committed_events(fixture *f)
{
	int64_t n = -1;
	tdb_exec(f->dir, "SELECT count(*) FROM events", false, &n);
	return n;
}

static void test_ledger_batch__reads_in_the_transaction_see_the_appends(void **state)
{
	fixture *f = *state;
	int64_t size0, tiles0, size, tiles, ev0 = cu_store_event_count(f->s);
	json_t *rows, *p;
	assert_int_equal(cu_store_ledger_size(f->s, &size0), 0);
	assert_int_equal(cu_store_ledger_tile_count(f->s, &tiles0), 0);
	assert_int_equal(cu_store_begin(f->s), 0);
	for (int64_t i = 0; i < 600; i++)
		event(f, f->c, i);
	/* Entries, by index and by record; the events; full tiles. */
	assert_int_equal(cu_store_ledger_entries(f->s, &rows, size0, 1000), 0);
	assert_int_equal(json_array_size(rows), 600);
	json_t *last = json_array_get(rows, 599);
	assert_int_equal(json_integer_value(json_object_get(last, "idx")), size0 + 599);
	int64_t idx;
	char *entry;
	assert_int_equal(cu_store_ledger_find(f->s, &idx, &entry, "event",
	                                      json_integer_value(json_object_get(last, "ref"))),
	                 0);
	assert_int_equal(idx, size0 + 599);
	assert_string_equal(entry, cu_json_str(last, "entry"));
	free(entry);
	json_decref(rows);
	assert_int_equal(cu_store_event_count(f->s), ev0 + 600);
	assert_int_equal(cu_store_ledger_tile_count(f->s, &tiles), 0);
	assert_true(tiles >= tiles0 + 2);
	uint8_t tile[CU_STORE_TILE_BYTES];
	assert_int_equal(cu_store_ledger_tile_get(f->s, tile, 0, (size0 + 599) / 256 - 1), 0);
	/* Proofs inside the transaction, and appends after the reads. */
	assert_int_equal(cu_store_ledger_size(f->s, &size), 0);
	assert_int_equal(size, size0 + 600);
	assert_int_equal(cu_ledger_prove_inclusion(f->c, &p, size0 + 599, size), 0);
	json_decref(p);
	assert_int_equal(cu_ledger_prove_consistency(f->c, &p, size0 + 1, size), 0);
	json_decref(p);
	for (int64_t i = 600; i < 700; i++)
		event(f, f->c, i);
	/* Nothing is visible to another connection before the commit... */
	assert_int_equal(committed_size(f), size0);
	assert_int_equal(cu_store_commit(f->s), 0);
	/* ...and everything once it returned 0. */
	assert_int_equal(committed_size(f), size0 + 700);
	assert_int_equal(committed_events(f), ev0 + 700);
	verify_ok(f);
}

static void test_ledger_batch__rollback_leaves_nothing(void **state)
{
	fixture *f = *state;
	int64_t size0, tiles0, size, tiles, ev0 = cu_store_event_count(f->s);
	assert_int_equal(cu_store_ledger_size(f->s, &size0), 0);
	assert_int_equal(cu_store_ledger_tile_count(f->s, &tiles0), 0);
	assert_int_equal(cu_store_begin(f->s), 0);
	for (int64_t i = 0; i < 300; i++)
		event(f, f->c, i);
	cu_store_rollback(f->s);
	assert_int_equal(cu_store_ledger_size(f->s, &size), 0);
	assert_int_equal(size, size0);
	assert_int_equal(cu_store_ledger_tile_count(f->s, &tiles), 0);
	assert_int_equal(tiles, tiles0);
	assert_int_equal(cu_store_event_count(f->s), ev0);
	assert_int_equal(committed_size(f), size0);
	/* The connection goes on from where the ledger is. */
	assert_int_equal(cu_store_begin(f->s), 0);
	for (int64_t i = 0; i < 300; i++)
		event(f, f->c, i);
	assert_int_equal(cu_store_commit(f->s), 0);
	assert_int_equal(committed_size(f), size0 + 300);
	verify_ok(f);
}

static void test_ledger_batch__inner_rollback_leaves_nothing(void **state)
{
	fixture *f = *state;
	int64_t size0, size, ev0 = cu_store_event_count(f->s);
	assert_int_equal(cu_store_ledger_size(f->s, &size0), 0);
	assert_int_equal(cu_store_begin(f->s), 0);
	for (int64_t i = 0; i < 10; i++)
		event(f, f->c, i);
	assert_int_equal(cu_store_begin(f->s), 0);
	for (int64_t i = 10; i < 20; i++)
		event(f, f->c, i);
	cu_store_rollback(f->s);
	event(f, f->c, 20);
	assert_int_not_equal(cu_store_commit(f->s), 0);
	assert_int_equal(cu_store_ledger_size(f->s, &size), 0);
	assert_int_equal(size, size0);
	assert_int_equal(cu_store_event_count(f->s), ev0);
	assert_int_equal(committed_size(f), size0);
	verify_ok(f);
}

/*
 * An entry that cannot be written (its index is taken): SQLite refuses the
 * append; PostgreSQL, holding it back, refuses the read that flushes it and
 * the commit. Either way nothing of the transaction remains.
 */
static void test_ledger_batch__failed_write_fails_the_commit(void **state)
{
	fixture *f = *state;
	int64_t size0, size, ev0 = cu_store_event_count(f->s);
	json_t *rows;
	assert_int_equal(cu_store_ledger_size(f->s, &size0), 0);
	assert_true(size0 > 0);
	for (int read = 0; read < 2; read++) {
		assert_int_equal(cu_store_begin(f->s), 0);
		for (int64_t i = 0; i < 5; i++)
			event(f, f->c, i);
		int r = cu_store_ledger_append(f->s, 0, "{}", 2, "event", 1 << 30);
		if (r == 0 && read) {
			assert_int_not_equal(cu_store_ledger_entries(f->s, &rows, 0, 10), 0);
			/* Nothing goes on after the failure. */
			assert_int_not_equal(cu_core_event(f->c, &f->a, "case.view", "case", "1", 0, 0,
			                                   NULL, NULL), 0);
		}
		if (r == 0)
			assert_int_not_equal(cu_store_commit(f->s), 0);
		else
			cu_store_rollback(f->s);
		assert_int_equal(cu_store_ledger_size(f->s, &size), 0);
		assert_int_equal(size, size0);
		assert_int_equal(cu_store_event_count(f->s), ev0);
		assert_int_equal(committed_size(f), size0);
		assert_int_equal(committed_events(f), ev0);
	}
	/* And the next transaction appends as if nothing had happened. */
	assert_int_equal(cu_store_begin(f->s), 0);
	event(f, f->c, 100);
	assert_int_equal(cu_store_commit(f->s), 0);
	assert_int_equal(committed_size(f), size0 + 1);
	verify_ok(f);
}

/*
 * Many batched appends over several tiles, from two connections in turn
 * (each draws events' seq from the shared sequence, so they must not
 * collide), with a checkpoint between: the ledger verifies, every record
 * against its entry.
 */
static void test_ledger_batch__many_appends_from_two_connections_verify(void **state)
{
	fixture *f = *state;
	cu_core *c2;
	cu_core_config cfg = {.datadir = f->dir};
	json_t *cp;
	int64_t size0, ev0 = cu_store_event_count(f->s);
	assert_int_equal(cu_core_open(&c2, &cfg), 0);
	assert_int_equal(cu_store_ledger_size(f->s, &size0), 0);
	for (int round = 0; round < 6; round++) {
		cu_core *c = round % 2 ? c2 : f->c;
		int n = round == 5 ? 1 : 700;
		assert_int_equal(cu_store_begin(cu_core_store(c)), 0);
		for (int i = 0; i < n; i++)
			event(f, c, round * 1000 + i);
		assert_int_equal(cu_store_commit(cu_core_store(c)), 0);
		assert_int_equal(cu_ledger_checkpoint(c, &cp, false), 0);
		json_decref(cp);
	}
	/* One outside any transaction, too. */
	event(f, f->c, 9999);
	assert_int_equal(committed_size(f), size0 + 5 * 700 + 1 + 1);
	assert_int_equal(committed_events(f), ev0 + 5 * 700 + 1 + 1);
	verify_ok(f);
	cu_core_close(c2);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_ledger_batch__reads_in_the_transaction_see_the_appends),
		T(test_ledger_batch__rollback_leaves_nothing),
		T(test_ledger_batch__inner_rollback_leaves_nothing),
		T(test_ledger_batch__failed_write_fails_the_commit),
		T(test_ledger_batch__many_appends_from_two_connections_verify),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
