/* SPDX-License-Identifier: Apache-2.0 */
/* store: the ledger's entries, stored hashes and checkpoints. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

/*
 * Inside a write transaction the size is read once: the write lock (SQLite's,
 * or the advisory lock on PostgreSQL) keeps every other writer out, so only
 * this connection's appends change it (a round trip less per append).
 */
int cu_store_ledger_size(cu_store *s, int64_t *out)
{
	if (s->writing && s->lsize >= 0) {
		*out = s->lsize;
		return 0;
	}
	db_stmt *st = sq_stmt(s, "SELECT coalesce(max(idx) + 1, 0) FROM ledger_entries");
	if (!st)
		return CU_EDB;
	int rc = db_step(st);
	*out = rc == DB_ROW ? db_column_int64(st, 0) : 0;
	db_reset(st);
	if (rc == DB_ROW && s->writing)
		s->lsize = *out;
	return rc == DB_ROW ? 0 : sq_dberr(s, rc, "ledger");
}

int cu_store_ledger_append(cu_store *s, int64_t n, const char *entry, size_t len,
                           const char *kind, int64_t ref)
{
	if (sq_defer_on(s)) { /* sent at the next flush point (defer.c) */
		int r = sq_defer_entry(s, n, entry, len, kind, ref);
		s->lsize = r == 0 && s->lsize == n ? n + 1 : -1;
		return r;
	}
	db_stmt *st = sq_stmt(s, "INSERT INTO ledger_entries(idx, entry, kind, ref)"
	                              " VALUES (?1, ?2, ?3, ?4)");
	if (!st)
		return CU_EDB;
	db_must(st);
	db_bind_int64(st, 1, n);
	db_bind_text(st, 2, entry, (int)len, DB_STATIC);
	sq_bind_text(st, 3, kind);
	db_bind_int64(st, 4, ref);
	int r = sq_exec(s, st, "ledger entry");
	s->lsize = r == 0 && s->lsize == n ? n + 1 : -1;
	return r;
}

int cu_store_ledger_tile_get(cu_store *s, uint8_t *out, int level, int64_t n)
{
	db_stmt *st = sq_stmt(s, "SELECT hashes FROM ledger_tiles WHERE id = ?1");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, (int64_t)level << 40 | n);
	int rc = db_step(st);
	bool ok = rc == DB_ROW && db_column_bytes(st, 0) == CU_STORE_TILE_BYTES;
	if (ok)
		memcpy(out, db_column_blob(st, 0), CU_STORE_TILE_BYTES);
	db_reset(st);
	if (ok)
		return 0;
	if (rc == DB_ROW || rc == DB_DONE)
		return cu_error_set(CU_ENOTFOUND, "ledger tile %d/%lld is missing", level,
		                    (long long)n);
	return sq_dberr(s, rc, "ledger tile");
}

int cu_store_ledger_tile_put(cu_store *s, int level, int64_t n, const uint8_t *hashes)
{
	if (sq_defer_on(s))
		return sq_defer_tile(s, (int64_t)level << 40 | n, hashes);
	db_stmt *st = sq_stmt(s, "INSERT INTO ledger_tiles(id, hashes) VALUES (?1, ?2)");
	if (!st)
		return CU_EDB;
	db_must(st);
	db_bind_int64(st, 1, (int64_t)level << 40 | n);
	db_bind_blob(st, 2, hashes, CU_STORE_TILE_BYTES, DB_STATIC);
	return sq_exec(s, st, "ledger tile");
}

int cu_store_ledger_edge_get(cu_store *s, uint8_t *out, int64_t *n, int level)
{
	db_stmt *st = sq_stmt(s, "SELECT n, hashes FROM ledger_edge WHERE level = ?1");
	if (!st)
		return CU_EDB;
	db_bind_int(st, 1, level);
	int rc = db_step(st);
	bool ok = rc == DB_ROW && db_column_bytes(st, 1) == CU_STORE_TILE_BYTES;
	if (ok) {
		*n = db_column_int64(st, 0);
		memcpy(out, db_column_blob(st, 1), CU_STORE_TILE_BYTES);
	}
	db_reset(st);
	if (ok)
		return 0;
	if (rc == DB_ROW || rc == DB_DONE)
		return cu_error_set(CU_ENOTFOUND, "no ledger edge at level %d", level);
	return sq_dberr(s, rc, "ledger edge");
}

int cu_store_ledger_edge_put(cu_store *s, int level, int64_t n, const uint8_t *hashes)
{
	db_stmt *st = sq_stmt(s, "INSERT INTO ledger_edge(level, n, hashes) VALUES (?1, ?2, ?3)"
	                              " ON CONFLICT(level) DO UPDATE SET n = excluded.n,"
	                              " hashes = excluded.hashes");
	if (!st)
		return CU_EDB;
	db_must(st);
	db_bind_int(st, 1, level);
	db_bind_int64(st, 2, n);
	db_bind_blob(st, 3, hashes, CU_STORE_TILE_BYTES, DB_STATIC);
	return sq_exec(s, st, "ledger edge");
}

int cu_store_ledger_tile_count(cu_store *s, int64_t *out)
{
	db_stmt *st = sq_stmt(s, "SELECT count(*) FROM ledger_tiles");
	if (!st)
		return CU_EDB;
	int rc = db_step(st);
	*out = rc == DB_ROW ? db_column_int64(st, 0) : 0;
	db_reset(st);
	return rc == DB_ROW ? 0 : sq_dberr(s, rc, "ledger tiles");
}

void **cu_store_ledger_cache(cu_store *s)
{
	return &s->ledger_cache;
}

/*
 * Migration 10's helpers: where stored hash idx (the dense order of
 * src/ledger/merkle.h) goes in the tiles of src/ledger/tiles.h. Hash idx is
 * node n of tree level l; it lives in tile (l / 8, n >> (8 - l % 8)) at slot
 * 512 - (512 >> l % 8) + n % (256 >> l % 8).
 */
static int64_t leaf_slot(int64_t n)
{
	int64_t i = 0;
	for (; n > 0; n >>= 1)
		i += n;
	return i;
}

static void coords(int64_t idx, int *level, int64_t *n)
{
	int64_t m = idx / 2;
	while (leaf_slot(m + 1) <= idx)
		m++;
	*level = (int)(idx - leaf_slot(m));
	*n = ((m + 1) >> *level) - 1;
}

static void fn_tile(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	int what = *(int *)sqlite3_user_data(cx), l;
	int64_t n;
	(void)argc;
	coords(sqlite3_value_int64(argv[0]), &l, &n);
	int s = l % 8;
	if (what == 0)
		sqlite3_result_int(cx, l / 8);
	else if (what == 1)
		sqlite3_result_int64(cx, n >> (8 - s));
	else
		sqlite3_result_int64(cx, 512 - (512 >> s) + (n % (256 >> s)));
}

static void pack_step(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	uint8_t *t = sqlite3_aggregate_context(cx, CU_STORE_TILE_BYTES);
	int64_t slot = sqlite3_value_int64(argv[0]);
	(void)argc;
	if (t && slot >= 0 && slot < CU_STORE_TILE_BYTES / 32 &&
	    sqlite3_value_bytes(argv[1]) == 32)
		memcpy(t + slot * 32, sqlite3_value_blob(argv[1]), 32);
}

static void pack_final(sqlite3_context *cx)
{
	uint8_t *t = sqlite3_aggregate_context(cx, 0);
	if (t)
		sqlite3_result_blob(cx, t, CU_STORE_TILE_BYTES, DB_TRANSIENT);
	else
		sqlite3_result_null(cx);
}

int sq_ledger_register(cu_store *s)
{
	static int which[3] = {0, 1, 2};
	static const char *names[3] = {"cu_tile_level", "cu_tile_n", "cu_tile_slot"};
	int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
	for (int i = 0; i < 3; i++)
		if (sqlite3_create_function(s->db, names[i], 1, flags, &which[i], fn_tile, NULL,
		                            NULL) != SQLITE_OK)
			return sq_dberr(s, SQLITE_ERROR, "ledger functions");
	if (sqlite3_create_function(s->db, "cu_tile_pack", 2, flags, NULL, NULL, pack_step,
	                            pack_final) != SQLITE_OK)
		return sq_dberr(s, SQLITE_ERROR, "ledger functions");
	return 0;
}

int cu_store_ledger_entries(cu_store *s, json_t **out, int64_t from, int limit)
{
	db_stmt *st = sq_stmt(s, "SELECT idx, entry, kind, ref FROM ledger_entries"
	                              " WHERE idx >= ?1 ORDER BY idx LIMIT ?2");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, from);
	db_bind_int(st, 2, limit);
	return sq_rows(s, out, st, "ledger entries");
}

/* One statement over the entries from `from` on, in index order. */
int cu_store_ledger_walk(cu_store *s, int64_t from, cu_store_walk_fn fn, void *ctx)
{
	db_stmt *e = sq_stmt(s, "SELECT idx, entry, kind, ref FROM ledger_entries"
	                             " WHERE idx >= ?1 ORDER BY idx");
	int rc, r = 0;
	if (!e)
		return CU_EDB;
	db_bind_int64(e, 1, from);
	while ((rc = db_step(e)) == DB_ROW) {
		const char *text = (const char *)db_column_text(e, 1);
		size_t len = (size_t)db_column_bytes(e, 1);
		const char *kind = (const char *)db_column_text(e, 2);
		if ((r = fn(ctx, db_column_int64(e, 0), text ? text : "", len, kind ? kind : "",
		            db_column_int64(e, 3))) != 0)
			break;
	}
	if (r == 0 && rc != DB_DONE)
		r = sq_dberr(s, rc, "ledger entries");
	db_reset(e);
	return r;
}

int cu_store_event_record(cu_store *s, json_t **out, int64_t seq)
{
	return sq_row_id(s, out, "SELECT seq, at, actor, actor_org, action, object_type,"
	                              " object_id, case_id, jit_id, before, after, salt FROM events"
	                              " WHERE seq = ?1", seq, "event");
}

int cu_store_custody_record(cu_store *s, json_t **out, int64_t seq)
{
	return sq_row_id(s, out, "SELECT seq, item_id, at, event, actor, actor_org, reason,"
	                              " details, salt FROM custody WHERE seq = ?1", seq, "custody event");
}

/*
 * The record columns of docs/ledger.md in key order, then the salt. The
 * names are listed beside the SELECT so that the two cannot drift apart.
 */
static const char *const event_keys[] = {"action", "actor", "actor_org", "after", "at",
                                         "before", "case_id", "jit_id", "object_id",
                                         "object_type", "seq"};
static const char *const custody_keys[] = {"actor", "actor_org", "at", "details", "event",
                                           "item_id", "reason", "seq"};
#define EVENT_REC "SELECT action, actor, actor_org, after, at, before, case_id, jit_id," \
	" object_id, object_type, seq, salt FROM events"
#define CUSTODY_REC "SELECT actor, actor_org, at, details, event, item_id, reason, seq, salt" \
	" FROM custody"

static void rec_col(cu_store_col *c, db_stmt *st, int i)
{
	switch ((c->type = db_column_type(st, i))) {
	case DB_INTEGER:
		c->type = CU_COL_INT;
		c->i = db_column_int64(st, i);
		break;
	case DB_TEXT: {
		/* As a blob: the bytes where they are, without the terminated copy
		 * that column_text may make (a NULL for an empty value). */
		const char *p = db_column_blob(st, i);
		c->type = CU_COL_TEXT;
		c->s = p ? p : "";
		c->len = (size_t)db_column_bytes(st, i);
		break;
	}
	case DB_NULL: c->type = CU_COL_NULL; break;
	default: c->type = CU_COL_OTHER; /* REAL or BLOB: no canonical form */
	}
}

static void rec_row(cu_store_rec *out, db_stmt *st, bool event)
{
	out->ncols = event ? 11 : 8;
	out->names = event ? event_keys : custody_keys;
	for (int i = 0; i < out->ncols; i++)
		rec_col(&out->col[i], st, i);
	rec_col(&out->salt, st, out->ncols);
	out->seq = out->col[out->ncols - 1].i;
}

static const char event_walk[] = EVENT_REC " ORDER BY seq";
static const char custody_walk[] = CUSTODY_REC " ORDER BY seq";
static const char event_find[] = EVENT_REC " WHERE seq = ?1";
static const char custody_find[] = CUSTODY_REC " WHERE seq = ?1";

int cu_store_records_next(cu_store *s, cu_store_rec *out, bool event)
{
	/* sq_stmt resets a statement: the walk keeps its own while it runs. */
	db_stmt **st = &s->records[event];
	if (!*st && !(*st = sq_stmt(s, event ? event_walk : custody_walk)))
		return CU_EDB;
	int rc = db_step(*st);
	if (rc == DB_ROW) {
		rec_row(out, *st, event);
		return 0;
	}
	db_reset(*st);
	return rc == DB_DONE ? CU_ENOTFOUND : sq_dberr(s, rc, "records");
}

int cu_store_records_find(cu_store *s, cu_store_rec *out, bool event, int64_t seq)
{
	db_stmt *st = sq_stmt(s, event ? event_find : custody_find);
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, seq);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		rec_row(out, st, event);
		return 0;
	}
	db_reset(st);
	return rc == DB_DONE ? CU_ENOTFOUND : sq_dberr(s, rc, "record");
}

void cu_store_records_done(cu_store *s)
{
	db_stmt *st;
	for (int k = 0; k < 2; k++) {
		if (s->records[k])
			db_reset(s->records[k]);
		s->records[k] = NULL;
		if ((st = sq_stmt(s, k ? event_find : custody_find)) != NULL)
			db_reset(st);
	}
}

int cu_store_item_content(cu_store *s, char salt[33], char sha256[65], int64_t item_id)
{
	db_stmt *st = sq_stmt(s, "SELECT content_salt, sha256 FROM evidence WHERE id = ?1");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, item_id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		sq_copy_col(salt, 33, st, 0);
		sq_copy_col(sha256, 65, st, 1);
	}
	db_reset(st);
	if (rc == DB_ROW)
		return 0;
	return rc == DB_DONE ? CU_ENOTFOUND : sq_dberr(s, rc, "evidence");
}

int cu_store_unledgered(cu_store *s, json_t **out, int limit)
{
	static const char sql[] =
		"SELECT 'event' AS kind, seq AS ref, at, action AS type FROM events e WHERE NOT"
		" EXISTS (SELECT 1 FROM ledger_entries l WHERE l.kind = 'event' AND l.ref = e.seq)"
		" UNION ALL SELECT 'custody', seq, at, event FROM custody c WHERE NOT EXISTS"
		" (SELECT 1 FROM ledger_entries l WHERE l.kind = 'custody' AND l.ref = c.seq)"
		" ORDER BY at, kind DESC, ref LIMIT ?1";
	db_stmt *st = sq_stmt(s, sql);
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, limit > 0 ? limit : INT64_MAX);
	return sq_rows(s, out, st, "unrecorded events");
}

int cu_store_record_counts(cu_store *s, int64_t *events, int64_t *custody)
{
	db_stmt *st = sq_stmt(s, "SELECT (SELECT count(*) FROM events),"
	                              " (SELECT count(*) FROM custody)");
	if (!st)
		return CU_EDB;
	int rc = db_step(st);
	*events = rc == DB_ROW ? db_column_int64(st, 0) : 0;
	*custody = rc == DB_ROW ? db_column_int64(st, 1) : 0;
	db_reset(st);
	return rc == DB_ROW ? 0 : sq_dberr(s, rc, "counts");
}

int cu_store_checkpoint_add(cu_store *s, int64_t size, const uint8_t root[32], const char *note,
                            const char *at)
{
	db_stmt *st = sq_stmt(s, "INSERT INTO checkpoints(size, root, note, at)"
	                              " VALUES (?1, ?2, ?3, ?4) ON CONFLICT(size) DO NOTHING");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, size);
	db_bind_blob(st, 2, root, 32, DB_TRANSIENT);
	sq_bind_text(st, 3, note);
	sq_bind_text(st, 4, at);
	return sq_exec(s, st, "checkpoint");
}

#define CHECKPOINT_COLS "size, lower(hex(root)) AS root, note, at FROM checkpoints"
#define CHECKPOINT_COLS_PG "size, encode(root, 'hex') AS root, note, at FROM checkpoints"

int cu_store_checkpoint_latest(cu_store *s, json_t **out)
{
	db_stmt *st = sq_stmt2(s, "SELECT " CHECKPOINT_COLS " ORDER BY size DESC LIMIT 1",
	                       "SELECT " CHECKPOINT_COLS_PG " ORDER BY size DESC LIMIT 1");
	return st ? sq_row(s, out, st, "checkpoint") : CU_EDB;
}

int cu_store_checkpoint_list(cu_store *s, json_t **out)
{
	db_stmt *st = sq_stmt2(s, "SELECT " CHECKPOINT_COLS " ORDER BY size",
	                       "SELECT " CHECKPOINT_COLS_PG " ORDER BY size");
	return st ? sq_rows(s, out, st, "checkpoints") : CU_EDB;
}

int cu_store_ledger_find(cu_store *s, int64_t *idx, char **entry, const char *kind, int64_t ref)
{
	db_stmt *st = sq_stmt(s, "SELECT idx, entry FROM ledger_entries WHERE kind = ?1 AND"
	                              " ref = ?2");
	if (!st)
		return CU_EDB;
	sq_bind_text(st, 1, kind);
	db_bind_int64(st, 2, ref);
	int rc = db_step(st);
	*entry = NULL;
	if (rc == DB_ROW) {
		*idx = db_column_int64(st, 0);
		*entry = strdup((const char *)db_column_text(st, 1));
	}
	db_reset(st);
	if (rc == DB_ROW)
		return *entry ? 0 : CU_ENOMEM;
	return rc == DB_DONE ? cu_error_set(CU_ENOTFOUND, "no ledger entry for %s %lld", kind,
	                                        (long long)ref) : sq_dberr(s, rc, "ledger");
}

int cu_store_item_registration(cu_store *s, int64_t *seq, int64_t item_id)
{
	db_stmt *st = sq_stmt(s, "SELECT seq FROM events WHERE action = 'evidence.register'"
	                              " AND object_type = 'evidence' AND object_id = ?1");
	char id[24];
	if (!st)
		return CU_EDB;
	snprintf(id, sizeof(id), "%lld", (long long)item_id);
	sq_bind_text(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW)
		*seq = db_column_int64(st, 0);
	db_reset(st);
	if (rc == DB_ROW)
		return 0;
	return rc == DB_DONE ? cu_error_set(CU_ENOTFOUND, "no registration of item %lld",
	                                        (long long)item_id) : sq_dberr(s, rc, "events");
}

int cu_store_checkpoint_get(cu_store *s, json_t **out, int64_t size)
{
	return sq_row_id2(s, out, "SELECT " CHECKPOINT_COLS " WHERE size = ?1",
	                  "SELECT " CHECKPOINT_COLS_PG " WHERE size = ?1", size, "checkpoint");
}

int cu_store_witness_get(cu_store *s, json_t **out, const char *origin)
{
	db_stmt *st = sq_stmt2(s, "SELECT size, lower(hex(root)) AS root, note, at"
	                          " FROM witness_state WHERE origin = ?1",
	                       "SELECT size, encode(root, 'hex') AS root, note, at"
	                          " FROM witness_state WHERE origin = ?1");
	if (!st)
		return CU_EDB;
	sq_bind_text(st, 1, origin);
	return sq_row(s, out, st, "witness state");
}

int cu_store_witness_put(cu_store *s, const char *origin, int64_t size, const uint8_t root[32],
                         const char *note, const char *at)
{
	db_stmt *st = sq_stmt(s, "INSERT INTO witness_state(origin, size, root, note, at)"
	                              " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(origin) DO UPDATE"
	                              " SET size = excluded.size, root = excluded.root,"
	                              " note = excluded.note, at = excluded.at");
	if (!st)
		return CU_EDB;
	sq_bind_text(st, 1, origin);
	db_bind_int64(st, 2, size);
	db_bind_blob(st, 3, root, 32, DB_TRANSIENT);
	sq_bind_text(st, 4, note);
	sq_bind_text(st, 5, at);
	return sq_exec(s, st, "witness state");
}

int cu_store_cosignature_add(cu_store *s, int64_t size, const char *witness, const char *line,
                             const char *at)
{
	db_stmt *st = sq_stmt(s, "INSERT INTO cosignatures(size, witness, line, at)"
	                              " VALUES (?1, ?2, ?3, ?4) ON CONFLICT(size, witness) DO UPDATE"
	                              " SET line = excluded.line, at = excluded.at");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, size);
	sq_bind_text(st, 2, witness);
	sq_bind_text(st, 3, line);
	sq_bind_text(st, 4, at);
	return sq_exec(s, st, "cosignature");
}

int cu_store_cosignatures(cu_store *s, json_t **out, int64_t size)
{
	return sq_rows_id(s, out, "SELECT witness, line, at FROM cosignatures WHERE size = ?1"
	                              " ORDER BY witness", size, "cosignatures");
}
