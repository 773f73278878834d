/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench/ledger (b): durable appends through the real store (WAL,
 * synchronous=FULL, as cu_store_open sets them), with SQLite's own rates on
 * the same file system in the same run:
 *
 *   sqlite_single  one INSERT of an entry-sized row per transaction
 *   cu_single      one event per transaction: cu_store_begin, cu_core_event
 *                  (the event row, its salted commitment, its ledger entry and
 *                  stored hashes), cu_store_commit
 *   sqlite_batch   BATCH rows per transaction
 *   sqlite_rows    the rows custodia writes per event, BATCH events per
 *                  transaction, by plain INSERTs (no hashing, no JSON): an
 *                  event-shaped row, an entry row with its UNIQUE (kind, ref)
 *                  index, and every 256 events one full tile of stored hashes
 *                  (ledger_tiles, 16,320 bytes) — the ceiling the current
 *                  schema puts on cu_batch
 *   cu_batch       BATCH cu_core_event calls per transaction, then
 *                  cu_ledger_checkpoint (a signed checkpoint, its own commit)
 *   raw_batch      the ledger's append path alone, entry given (no record):
 *                  cu_store_ledger_size, cu_merkle_leaf, cu_merkle_append over
 *                  cu_store_ledger_hash, cu_store_ledger_append — what core's
 *                  static append() does after building the entry — BATCH per
 *                  transaction, then cu_ledger_checkpoint. In its own data
 *                  directory, whose entries have no records.
 *
 * CU_DIR and RAW_DIR are fresh `custodia init` data directories (CU_DIR is
 * left with TOTAL + 300 + SINGLE ledgered events for `custodia ledger verify`);
 * SQLITE_DB a path for the baseline database.
 *
 * Usage: append CU_DIR RAW_DIR SQLITE_DB TOTAL BATCH SINGLE. Prints key=value.
 */
#include <sqlite3.h>

#include "common.h"
#include "core/core.h"
#include "ledger/merkle.h"
#include "store/store.h"

static void die(const char *what)
{
	fprintf(stderr, "append: %s failed: %s\n", what, cu_error_message(CU_EDB));
	exit(1);
}

static void exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "append: %s: %s\n", sql, err);
		exit(1);
	}
}

/* core's append for an entry given as text. */
static int raw_append(cu_store *s, const char *entry, size_t len, int64_t ref)
{
	return cu_ledger_append_entry(s, entry, len, "event", ref);
}

static double sqlite_run(sqlite3 *db, int64_t from, int64_t rows, int batch)
{
	sqlite3_stmt *st;
	char e[256];
	sqlite3_prepare_v2(db, "INSERT INTO t(id, v) VALUES (?1, ?2)", -1, &st, NULL);
	double t0 = now_s();
	for (int64_t i = 0; i < rows; i++) {
		if (batch > 1 && i % batch == 0)
			exec(db, "BEGIN");
		int len = bench_entry(e, sizeof(e), from + i);
		sqlite3_bind_int64(st, 1, from + i);
		sqlite3_bind_text(st, 2, e, len, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			die("sqlite insert");
		sqlite3_reset(st);
		if (batch > 1 && (i % batch == batch - 1 || i == rows - 1))
			exec(db, "COMMIT");
	}
	double dt = now_s() - t0;
	sqlite3_finalize(st);
	return dt;
}

/* BATCH events' worth of custodia's rows per transaction, plain SQL. */
static double sqlite_rows(sqlite3 *db, int64_t rows, int batch)
{
	sqlite3_stmt *se, *sl, *sh;
	char e[256];
	exec(db,
	     "CREATE TABLE ev(seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,"
	     " actor_org TEXT NOT NULL, action TEXT NOT NULL, object_type TEXT NOT NULL,"
	     " object_id TEXT NOT NULL, case_id INTEGER, jit_id INTEGER, before TEXT, after TEXT,"
	     " salt TEXT);"
	     "CREATE TABLE le(idx INTEGER PRIMARY KEY, entry TEXT NOT NULL, kind TEXT NOT NULL,"
	     " ref INTEGER NOT NULL, UNIQUE (kind, ref));"
	     "CREATE TABLE lh(id INTEGER PRIMARY KEY, hashes BLOB NOT NULL)");
	sqlite3_prepare_v2(db,
	                   "INSERT INTO ev(at, actor, actor_org, action, object_type, object_id,"
	                   " after, salt) VALUES ('2026-11-26T21:00:00.000Z', 'admin', 'HUB',"
	                   " 'case.update', 'case', ?1, ?2, ?3)",
	                   -1, &se, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO le(idx, entry, kind, ref) VALUES (?1, ?2, 'event', ?1)",
	                   -1, &sl, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO lh(id, hashes) VALUES (?1, ?2)", -1, &sh, NULL);
	static uint8_t tile[CU_STORE_TILE_BYTES];
	int64_t hi = 0;
	double t0 = now_s();
	for (int64_t i = 0; i < rows; i++) {
		if (i % batch == 0)
			exec(db, "BEGIN");
		int len = bench_entry(e, sizeof(e), i);
		sqlite3_bind_int64(se, 1, i % 5000 + 1);
		sqlite3_bind_text(se, 2,
		                  "{\"n\":1,\"status\":\"open\",\"title\":\"Benchmark case\"}", -1,
		                  SQLITE_STATIC);
		sqlite3_bind_text(se, 3, e + 60, 32, SQLITE_STATIC);
		sqlite3_bind_int64(sl, 1, i);
		sqlite3_bind_text(sl, 2, e, len, SQLITE_STATIC);
		if (sqlite3_step(se) != SQLITE_DONE || sqlite3_step(sl) != SQLITE_DONE)
			die("sqlite insert");
		sqlite3_reset(se);
		sqlite3_reset(sl);
		/* A tile fills every 256 leaves (and one of level 1 every 65,536). */
		for (int level = 0, shift = 8; level < 3 && ((i + 1) & ((1 << shift) - 1)) == 0;
		     level++, shift += 8) {
			memcpy(tile, e + 60, 32);
			sqlite3_bind_int64(sh, 1, (int64_t)level << 40 | i >> shift);
			sqlite3_bind_blob(sh, 2, tile, sizeof(tile), SQLITE_STATIC);
			if (sqlite3_step(sh) != SQLITE_DONE)
				die("sqlite insert");
			sqlite3_reset(sh);
			hi++;
		}
		if (i % batch == batch - 1 || i == rows - 1)
			exec(db, "COMMIT");
	}
	double dt = now_s() - t0;
	sqlite3_finalize(se);
	sqlite3_finalize(sl);
	sqlite3_finalize(sh);
	(void)hi;
	return dt;
}

static json_t *after;

static void event(cu_core *c, const cu_actor *a, int64_t i)
{
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)(i % 5000 + 1));
	json_object_set_new(after, "n", json_integer(i));
	if (cu_core_event(c, a, "case.update", "case", id, 0, 0, NULL, after) != 0)
		die("cu_core_event");
}

static double checkpoint(cu_core *c)
{
	json_t *out = NULL;
	double t0 = now_s();
	if (cu_ledger_checkpoint(c, &out, false) != 0)
		die("cu_ledger_checkpoint");
	json_decref(out);
	return now_s() - t0;
}

int main(int argc, char **argv)
{
	if (argc != 7) {
		fprintf(stderr, "usage: append CU_DIR RAW_DIR SQLITE_DB TOTAL BATCH SINGLE\n");
		return 2;
	}
	const char *cudir = argv[1], *rawdir = argv[2], *dbpath = argv[3];
	int64_t total = atoll(argv[4]), single = atoll(argv[6]);
	int batch = atoi(argv[5]);
	if (total < 1 || batch < 1 || single < 1)
		return 2;
	cu_core *c, *raw;
	cu_core_config cfg = {.datadir = cudir}, rcfg = {.datadir = rawdir};
	cu_actor a;
	sqlite3 *db;
	if (cu_core_open(&c, &cfg) != 0 || cu_core_open(&raw, &rcfg) != 0)
		die("cu_core_open");
	if (cu_actor_load(c, &a, "admin") != 0)
		die("cu_actor_load");
	after = json_pack("{s:s,s:s,s:i}", "status", "open", "title", "Benchmark case", "n", 0);
	if (sqlite3_open(dbpath, &db) != SQLITE_OK)
		die("sqlite3_open");
	exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
	         "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
	cu_store *s = cu_core_store(c), *rs = cu_core_store(raw);

	/*
	 * One per transaction, in rounds alternating which goes first (fsync
	 * latency drifts). First both WAL files are brought to their working
	 * size, past one automatic checkpoint (1,000 pages): while a WAL file
	 * grows, every fsync also commits its new size.
	 */
	exec(db, "CREATE TABLE warm(v BLOB); BEGIN;"
	         "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500)"
	         " INSERT INTO warm SELECT zeroblob(4000) FROM n; COMMIT");
	int64_t per = single / 5 > 0 ? single / 5 : 1, next = 0, ev = 0;
	for (; ev < 300; ev++) {
		if (cu_store_begin(s) != 0)
			die("begin");
		event(c, &a, ev);
		if (cu_store_commit(s) != 0)
			die("commit");
	}
	double sq1 = 0, cu1 = 0, t0;
	for (int round = 0; round < 5; round++) {
		for (int half = 0; half < 2; half++) {
			if ((round + half) % 2 == 0) {
				sq1 += sqlite_run(db, next, per, 1);
				next += per;
			} else {
				t0 = now_s();
				for (int64_t i = 0; i < per; i++) {
					if (cu_store_begin(s) != 0)
						die("begin");
					event(c, &a, ev++);
					if (cu_store_commit(s) != 0)
						die("commit");
				}
				cu1 += now_s() - t0;
			}
		}
	}
	printf("sqlite_single_rate=%.0f\n", (double)(5 * per) / sq1);
	printf("cu_single_rate=%.0f\n", (double)(5 * per) / cu1);
	fflush(stdout);

	/* BATCH per transaction. */
	double sqb = sqlite_run(db, next, total, batch);
	printf("sqlite_batch_rate=%.0f\n", (double)total / sqb);
	double sqr = sqlite_rows(db, total, batch);
	printf("sqlite_rows_rate=%.0f\n", (double)total / sqr);
	fflush(stdout);

	double cps = 0;
	t0 = now_s();
	for (int64_t i = 0; i < total;) {
		if (cu_store_begin(s) != 0)
			die("begin");
		for (int k = 0; k < batch && i < total; k++, i++)
			event(c, &a, ev + i);
		if (cu_store_commit(s) != 0)
			die("commit");
		cps += checkpoint(c);
	}
	double cub = now_s() - t0;
	printf("cu_batch_rate=%.0f\ncu_batch_checkpoint_share=%.3f\n", (double)total / cub,
	       cps / cub);
	fflush(stdout);

	char e[256];
	cps = 0;
	t0 = now_s();
	for (int64_t i = 0; i < total;) {
		if (cu_store_begin(rs) != 0)
			die("begin");
		for (int k = 0; k < batch && i < total; k++, i++) {
			int len = bench_entry(e, sizeof(e), i);
			if (raw_append(rs, e, (size_t)len, 1000000000 + i) != 0)
				die("raw append");
		}
		if (cu_store_commit(rs) != 0)
			die("commit");
		cps += checkpoint(raw);
	}
	double rb = now_s() - t0;
	printf("raw_batch_rate=%.0f\nraw_batch_checkpoint_share=%.3f\n", (double)total / rb,
	       cps / rb);

	int64_t size;
	if (cu_store_ledger_size(s, &size) != 0)
		die("size");
	printf("cu_ledger_size=%lld\n", (long long)size);
	json_decref(after);
	sqlite3_close(db);
	cu_core_close(c);
	cu_core_close(raw);
	return 0;
}
