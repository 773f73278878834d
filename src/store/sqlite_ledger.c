/* SPDX-License-Identifier: Apache-2.0 */
/* store: the ledger's entries, stored hashes and checkpoints (SQLite). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"

int cu_store_ledger_size(cu_store *s, int64_t *out)
{
	sqlite3_stmt *st = sq_stmt(s, "SELECT coalesce(max(idx) + 1, 0) FROM ledger_entries");
	if (!st)
		return CU_EDB;
	int rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : sq_dberr(s, rc, "ledger");
}

int cu_store_ledger_hash(cu_store *s, int64_t idx, uint8_t out[32])
{
	sqlite3_stmt *st = sq_stmt(s, "SELECT hash FROM ledger_hashes WHERE idx = ?1");
	if (!st)
		return CU_EDB;
	sqlite3_bind_int64(st, 1, idx);
	int rc = sqlite3_step(st);
	bool ok = rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32;
	if (ok)
		memcpy(out, sqlite3_column_blob(st, 0), 32);
	sqlite3_reset(st);
	if (ok)
		return 0;
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return cu_error_set(CU_ENOTFOUND, "ledger hash %lld is missing", (long long)idx);
	return sq_dberr(s, rc, "ledger hash");
}

int cu_store_ledger_append(cu_store *s, int64_t n, const char *entry, const char *kind,
                           int64_t ref, const uint8_t (*hashes)[32], int count,
                           int64_t hash_start)
{
	sqlite3_stmt *st = sq_stmt(s, "INSERT INTO ledger_entries(idx, entry, kind, ref)"
	                              " VALUES (?1, ?2, ?3, ?4)");
	int r;
	if (!st)
		return CU_EDB;
	sqlite3_bind_int64(st, 1, n);
	sq_bind_text(st, 2, entry);
	sq_bind_text(st, 3, kind);
	sqlite3_bind_int64(st, 4, ref);
	if ((r = sq_exec(s, st, "ledger entry")) != 0)
		return r;
	for (int i = 0; i < count; i++) {
		if (!(st = sq_stmt(s, "INSERT INTO ledger_hashes(idx, hash) VALUES (?1, ?2)")))
			return CU_EDB;
		sqlite3_bind_int64(st, 1, hash_start + i);
		sqlite3_bind_blob(st, 2, hashes[i], 32, SQLITE_TRANSIENT);
		if ((r = sq_exec(s, st, "ledger hash")) != 0)
			return r;
	}
	return 0;
}

int cu_store_ledger_entries(cu_store *s, json_t **out, int64_t from, int limit)
{
	sqlite3_stmt *st = sq_stmt(s, "SELECT idx, entry, kind, ref FROM ledger_entries"
	                              " WHERE idx >= ?1 ORDER BY idx LIMIT ?2");
	if (!st)
		return CU_EDB;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int(st, 2, limit);
	return sq_rows(s, out, st, "ledger entries");
}

/* Where the dense order of src/ledger/merkle.h puts leaf n's own hash. */
static int64_t leaf_slot(int64_t n)
{
	int64_t i = 0;
	for (; n > 0; n >>= 1)
		i += n;
	return i;
}

/*
 * Two statements stepped side by side, both in index order: the entries and
 * the stored hashes. Each entry is handed over with the hashes its append
 * wrote (its leaf hash and one per trailing 1 bit of its index), so the
 * caller folds the tree and compares in one pass with O(log n) memory.
 */
int cu_store_ledger_walk(cu_store *s, cu_store_walk_fn fn, void *ctx, int64_t *extra)
{
	sqlite3_stmt *e = sq_stmt(s, "SELECT idx, entry, kind, ref FROM ledger_entries"
	                             " ORDER BY idx");
	sqlite3_stmt *h = sq_stmt(s, "SELECT idx, hash FROM ledger_hashes ORDER BY idx");
	uint8_t hashes[64][32];
	int64_t hidx = -1;
	int rc, hrc = SQLITE_ROW, r = 0;
	*extra = 0;
	if (!e || !h)
		return CU_EDB;
	/* The next stored hash row (hidx < 0 once they run out). */
#define NEXT_HASH()                                                                          \
	do {                                                                                 \
		hrc = sqlite3_step(h);                                                       \
		hidx = hrc == SQLITE_ROW ? sqlite3_column_int64(h, 0) : -1;                  \
	} while (0)
	NEXT_HASH();
	while ((rc = sqlite3_step(e)) == SQLITE_ROW) {
		int64_t idx = sqlite3_column_int64(e, 0);
		int count = 1;
		for (int64_t v = idx; v & 1; v >>= 1)
			count++;
		int64_t first = leaf_slot(idx);
		for (int k = 0; k < count; k++) {
			while (hidx >= 0 && hidx < first + k) {
				(*extra)++;
				NEXT_HASH();
			}
			if (hidx == first + k && sqlite3_column_bytes(h, 1) == 32) {
				memcpy(hashes[k], sqlite3_column_blob(h, 1), 32);
				NEXT_HASH();
			} else {
				memset(hashes[k], 0, 32); /* missing: never a hash */
				if (hidx == first + k)
					NEXT_HASH();
			}
		}
		const char *text = (const char *)sqlite3_column_text(e, 1);
		size_t len = (size_t)sqlite3_column_bytes(e, 1);
		const char *kind = (const char *)sqlite3_column_text(e, 2);
		if ((r = fn(ctx, idx, text ? text : "", len, kind ? kind : "",
		            sqlite3_column_int64(e, 3), (const uint8_t(*)[32])hashes, count)) != 0)
			break;
	}
	while (r == 0 && hidx >= 0) {
		(*extra)++;
		NEXT_HASH();
	}
#undef NEXT_HASH
	if (r == 0 && rc != SQLITE_DONE && rc != SQLITE_ROW)
		r = sq_dberr(s, rc, "ledger entries");
	else if (r == 0 && hrc != SQLITE_DONE && hrc != SQLITE_ROW)
		r = sq_dberr(s, hrc, "ledger hashes");
	sqlite3_reset(e);
	sqlite3_reset(h);
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

int cu_store_item_content(cu_store *s, char salt[33], char sha256[65], int64_t item_id)
{
	sqlite3_stmt *st = sq_stmt(s, "SELECT content_salt, sha256 FROM evidence WHERE id = ?1");
	if (!st)
		return CU_EDB;
	sqlite3_bind_int64(st, 1, item_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		sq_copy_col(salt, 33, st, 0);
		sq_copy_col(sha256, 65, st, 1);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? CU_ENOTFOUND : sq_dberr(s, rc, "evidence");
}

int cu_store_unledgered(cu_store *s, json_t **out)
{
	static const char sql[] =
		"SELECT 'event' AS kind, seq AS ref, at FROM events e WHERE NOT EXISTS (SELECT 1"
		" FROM ledger_entries l WHERE l.kind = 'event' AND l.ref = e.seq)"
		" UNION ALL SELECT 'custody', seq, at FROM custody c WHERE NOT EXISTS (SELECT 1"
		" FROM ledger_entries l WHERE l.kind = 'custody' AND l.ref = c.seq)"
		" ORDER BY at, kind DESC, ref";
	sqlite3_stmt *st = sq_stmt(s, sql);
	return st ? sq_rows(s, out, st, "unrecorded events") : CU_EDB;
}

int cu_store_record_counts(cu_store *s, int64_t *events, int64_t *custody)
{
	sqlite3_stmt *st = sq_stmt(s, "SELECT (SELECT count(*) FROM events),"
	                              " (SELECT count(*) FROM custody)");
	if (!st)
		return CU_EDB;
	int rc = sqlite3_step(st);
	*events = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	*custody = rc == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : sq_dberr(s, rc, "counts");
}

int cu_store_checkpoint_add(cu_store *s, int64_t size, const uint8_t root[32], const char *note,
                            const char *at)
{
	sqlite3_stmt *st = sq_stmt(s, "INSERT INTO checkpoints(size, root, note, at)"
	                              " VALUES (?1, ?2, ?3, ?4) ON CONFLICT(size) DO NOTHING");
	if (!st)
		return CU_EDB;
	sqlite3_bind_int64(st, 1, size);
	sqlite3_bind_blob(st, 2, root, 32, SQLITE_TRANSIENT);
	sq_bind_text(st, 3, note);
	sq_bind_text(st, 4, at);
	return sq_exec(s, st, "checkpoint");
}

#define CHECKPOINT_COLS "size, lower(hex(root)) AS root, note, at FROM checkpoints"

int cu_store_checkpoint_latest(cu_store *s, json_t **out)
{
	sqlite3_stmt *st = sq_stmt(s, "SELECT " CHECKPOINT_COLS " ORDER BY size DESC LIMIT 1");
	return st ? sq_row(s, out, st, "checkpoint") : CU_EDB;
}

int cu_store_checkpoint_list(cu_store *s, json_t **out)
{
	sqlite3_stmt *st = sq_stmt(s, "SELECT " CHECKPOINT_COLS " ORDER BY size");
	return st ? sq_rows(s, out, st, "checkpoints") : CU_EDB;
}

int cu_store_ledger_find(cu_store *s, int64_t *idx, char **entry, const char *kind, int64_t ref)
{
	sqlite3_stmt *st = sq_stmt(s, "SELECT idx, entry FROM ledger_entries WHERE kind = ?1 AND"
	                              " ref = ?2");
	if (!st)
		return CU_EDB;
	sq_bind_text(st, 1, kind);
	sqlite3_bind_int64(st, 2, ref);
	int rc = sqlite3_step(st);
	*entry = NULL;
	if (rc == SQLITE_ROW) {
		*idx = sqlite3_column_int64(st, 0);
		*entry = strdup((const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return *entry ? 0 : CU_ENOMEM;
	return rc == SQLITE_DONE ? cu_error_set(CU_ENOTFOUND, "no ledger entry for %s %lld", kind,
	                                        (long long)ref) : sq_dberr(s, rc, "ledger");
}

int cu_store_item_registration(cu_store *s, int64_t *seq, int64_t item_id)
{
	sqlite3_stmt *st = sq_stmt(s, "SELECT seq FROM events WHERE action = 'evidence.register'"
	                              " AND object_type = 'evidence' AND object_id = ?1");
	char id[24];
	if (!st)
		return CU_EDB;
	snprintf(id, sizeof(id), "%lld", (long long)item_id);
	sq_bind_text(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*seq = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? cu_error_set(CU_ENOTFOUND, "no registration of item %lld",
	                                        (long long)item_id) : sq_dberr(s, rc, "events");
}

int cu_store_checkpoint_get(cu_store *s, json_t **out, int64_t size)
{
	return sq_row_id(s, out, "SELECT " CHECKPOINT_COLS " WHERE size = ?1", size, "checkpoint");
}

int cu_store_witness_get(cu_store *s, json_t **out, const char *origin)
{
	sqlite3_stmt *st = sq_stmt(s, "SELECT size, lower(hex(root)) AS root, note, at"
	                              " FROM witness_state WHERE origin = ?1");
	if (!st)
		return CU_EDB;
	sq_bind_text(st, 1, origin);
	return sq_row(s, out, st, "witness state");
}

int cu_store_witness_put(cu_store *s, const char *origin, int64_t size, const uint8_t root[32],
                         const char *note, const char *at)
{
	sqlite3_stmt *st = sq_stmt(s, "INSERT INTO witness_state(origin, size, root, note, at)"
	                              " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(origin) DO UPDATE"
	                              " SET size = excluded.size, root = excluded.root,"
	                              " note = excluded.note, at = excluded.at");
	if (!st)
		return CU_EDB;
	sq_bind_text(st, 1, origin);
	sqlite3_bind_int64(st, 2, size);
	sqlite3_bind_blob(st, 3, root, 32, SQLITE_TRANSIENT);
	sq_bind_text(st, 4, note);
	sq_bind_text(st, 5, at);
	return sq_exec(s, st, "witness state");
}

int cu_store_cosignature_add(cu_store *s, int64_t size, const char *witness, const char *line,
                             const char *at)
{
	sqlite3_stmt *st = sq_stmt(s, "INSERT INTO cosignatures(size, witness, line, at)"
	                              " VALUES (?1, ?2, ?3, ?4) ON CONFLICT(size, witness) DO UPDATE"
	                              " SET line = excluded.line, at = excluded.at");
	if (!st)
		return CU_EDB;
	sqlite3_bind_int64(st, 1, size);
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
