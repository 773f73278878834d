/* SPDX-License-Identifier: Apache-2.0 */
/* store: entities, blocking keys and hits of cross-matching (SQLite). */
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

int cu_store_entity_insert(cu_store *s, int64_t *out_id, int64_t case_id, const char *kind,
                           const char *label, const json_t *attrs, const void *mrec,
                           size_t mlen, const char *source, const char *by, const char *at)
{
	db_stmt *st = sq_stmt(s, "INSERT INTO entities(case_id, kind, label, attrs, mrec,"
	                              " source, created_by, created_at, updated_at)"
	                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, case_id);
	sq_bind_text(st, 2, kind);
	sq_bind_text(st, 3, label);
	sq_bind_json(st, 4, attrs);
	db_bind_blob(st, 5, mrec, (int)mlen, DB_TRANSIENT);
	sq_bind_text(st, 6, source);
	sq_bind_text(st, 7, by);
	sq_bind_text(st, 8, at);
	return sq_insert(s, st, "entity", out_id);
}

int cu_store_entity_update(cu_store *s, int64_t id, const char *label, const json_t *attrs,
                           const void *mrec, size_t mlen, const char *at)
{
	db_stmt *st = sq_stmt(s, "UPDATE entities SET label = ?2, attrs = ?3, mrec = ?4,"
	                              " version = version + 1, updated_at = ?5 WHERE id = ?1");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, id);
	sq_bind_text(st, 2, label);
	sq_bind_json(st, 3, attrs);
	db_bind_blob(st, 4, mrec, (int)mlen, DB_TRANSIENT);
	sq_bind_text(st, 5, at);
	return sq_exec(s, st, "entity");
}

int cu_store_entity_set_mrec(cu_store *s, int64_t id, const void *mrec, size_t mlen)
{
	db_stmt *st = sq_stmt(s, "UPDATE entities SET mrec = ?2 WHERE id = ?1");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, id);
	db_bind_blob(st, 2, mrec, (int)mlen, DB_TRANSIENT);
	return sq_exec(s, st, "entity");
}

#define ENTITY_COLS \
	"e.id, e.case_id, c.reference AS case_reference, e.kind, e.label," \
	" e.attrs AS attrs_json, e.source, e.version, e.created_by, e.created_at, e.updated_at" \
	" FROM entities e JOIN cases c ON c.id = e.case_id"

int cu_store_entity_get(cu_store *s, json_t **out, int64_t id)
{
	return sq_row_id(s, out, "SELECT " ENTITY_COLS " WHERE e.id = ?1", id, "entity");
}

int cu_store_entity_list(cu_store *s, json_t **out, int64_t case_id)
{
	return sq_rows_id(s, out, "SELECT " ENTITY_COLS " WHERE e.case_id = ?1 ORDER BY e.id",
	                  case_id, "entities");
}

int cu_store_entity_row(cu_store *s, cu_entity_row *out, cu_buf *blob, int64_t id)
{
	db_stmt *st = sq_stmt(s, "SELECT id, case_id, version, mrec FROM entities WHERE id = ?1");
	int r = 0;
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, id);
	int rc = db_step(st);
	if (rc != DB_ROW) {
		db_reset(st);
		return rc == DB_DONE ? CU_ENOTFOUND : sq_dberr(s, rc, "entity");
	}
	out->id = db_column_int64(st, 0);
	out->case_id = db_column_int64(st, 1);
	out->version = db_column_int64(st, 2);
	/* Copied out, so that the statement is reset now: a statement left
	 * stepping would hold its read snapshot open. */
	blob->len = 0;
	r = cu_buf_append(blob, db_column_blob(st, 3), (size_t)db_column_bytes(st, 3));
	db_reset(st);
	out->mrec = blob->data;
	out->mlen = blob->len;
	return r;
}

int cu_store_entity_each(cu_store *s, int64_t case_id,
                         int (*fn)(void *ctx, const cu_entity_row *row), void *ctx)
{
	/* Its own statement: fn may use the store (the cached ones) meanwhile. */
	db_stmt *st = sq_prepare(s, "SELECT id, case_id, version, mrec FROM entities"
	                            " WHERE ?1 = 0 OR case_id = ?1 ORDER BY id");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, case_id);
	int r = 0, rc = 0;
	while (r == 0 && (rc = db_step(st)) == DB_ROW) {
		cu_entity_row row = {
			.id = db_column_int64(st, 0),
			.case_id = db_column_int64(st, 1),
			.version = db_column_int64(st, 2),
			.mrec = db_column_blob(st, 3),
			.mlen = (size_t)db_column_bytes(st, 3),
		};
		r = fn(ctx, &row);
	}
	if (r == 0 && rc != DB_DONE)
		r = sq_dberr(s, rc, "entities");
	sq_finalize(st);
	return r;
}

int cu_store_entity_keys_set(cu_store *s, int64_t id, const json_t *keys)
{
	db_stmt *st = sq_stmt(s, "DELETE FROM entity_keys WHERE entity_id = ?1");
	int r;
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, id);
	if ((r = sq_exec(s, st, "entity keys")) != 0)
		return r;
	st = sq_stmt2(s, "INSERT INTO entity_keys(key, entity_id)"
	                 /* WHERE true: SQLite's parser needs it before ON CONFLICT */
	                 " SELECT value, ?1 FROM json_each(?2) WHERE true ON CONFLICT DO NOTHING",
	              "INSERT INTO entity_keys(key, entity_id)"
	                 " SELECT value, ?1 FROM json_array_elements_text(CAST(?2 AS json))"
	                 " ON CONFLICT DO NOTHING");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, id);
	sq_bind_json(st, 2, keys);
	return sq_exec(s, st, "entity keys");
}

int cu_store_entity_candidates(cu_store *s, int64_t **ids, size_t *n, int64_t case_id,
                               const json_t *keys, int limit, int block_max)
{
	/*
	 * Keys shared by more than block_max entities say little and cost much:
	 * they are left out, as the in-memory index drops its giant blocks.
	 * On SQLite the form fixes the plan: the keys first (CROSS JOIN), each
	 * entity's case by its rowid. Written as a join, the planner scanned the
	 * whole of entity_keys for the GROUP BY's order, or built a Bloom filter
	 * over every entity, on each call: a new entity cost time in proportion
	 * to all the entities there were (4.8 ms at 13,500, 0.06 ms this way).
	 */
	db_stmt *st = sq_stmt2(s,
		"SELECT k.entity_id, count(*) AS shared"
		" FROM (SELECT DISTINCT value FROM json_each(?1)) q"
		" CROSS JOIN entity_keys k ON k.key = q.value"
		" WHERE (SELECT count(*) FROM"
		"   (SELECT 1 FROM entity_keys b WHERE b.key = q.value LIMIT ?4 + 1)) <= ?4"
		" AND (SELECT e.case_id FROM entities e WHERE e.id = k.entity_id) <> ?2"
		" GROUP BY k.entity_id ORDER BY shared DESC, k.entity_id LIMIT ?3",
		"SELECT k.entity_id, count(*) AS shared FROM entity_keys k"
		" JOIN entities e ON e.id = k.entity_id"
		" WHERE k.key IN (SELECT q.value FROM json_array_elements_text(CAST(?1 AS json)) q"
		"   WHERE (SELECT count(*) FROM (SELECT 1 FROM entity_keys b WHERE b.key = q.value"
		"   LIMIT ?4 + 1) x) <= ?4)"
		" AND e.case_id <> ?2"
		" GROUP BY k.entity_id ORDER BY shared DESC, k.entity_id LIMIT ?3");
	int rc;
	size_t cap = 0;
	*ids = NULL;
	*n = 0;
	if (!st)
		return CU_EDB;
	sq_bind_json(st, 1, keys);
	db_bind_int64(st, 2, case_id);
	db_bind_int(st, 3, limit);
	db_bind_int(st, 4, block_max);
	while ((rc = db_step(st)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			int64_t *p = realloc(*ids, cap * sizeof(**ids));
			if (!p) {
				db_reset(st);
				free(*ids);
				*ids = NULL;
				return CU_ENOMEM;
			}
			*ids = p;
		}
		(*ids)[(*n)++] = db_column_int64(st, 0);
	}
	db_reset(st);
	if (rc != DB_DONE) {
		free(*ids);
		*ids = NULL;
		*n = 0;
		return sq_dberr(s, rc, "candidates");
	}
	return 0;
}

#define HIT_COLS \
	"id, entity_a, entity_b, case_a, case_b, version_a, version_b, score, attr," \
	" explanation, state, review_a, review_b, reviewed_a_by, reviewed_a_at, note_a," \
	" reviewed_b_by, reviewed_b_at, note_b, found_at, updated_at FROM hits"

int cu_store_hit_pair(cu_store *s, json_t **out, int64_t entity_a, int64_t entity_b)
{
	db_stmt *st = sq_stmt(s, "SELECT " HIT_COLS " WHERE entity_a = ?1 AND entity_b = ?2");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, entity_a);
	db_bind_int64(st, 2, entity_b);
	return sq_row(s, out, st, "hit");
}

int cu_store_hit_insert(cu_store *s, int64_t *out_id, const cu_hit_row *h, const char *at)
{
	db_stmt *st = sq_stmt(s,
		"INSERT INTO hits(entity_a, entity_b, case_a, case_b, version_a, version_b, score,"
		" attr, explanation, found_at, updated_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, h->entity_a);
	db_bind_int64(st, 2, h->entity_b);
	db_bind_int64(st, 3, h->case_a);
	db_bind_int64(st, 4, h->case_b);
	db_bind_int64(st, 5, h->version_a);
	db_bind_int64(st, 6, h->version_b);
	db_bind_double(st, 7, h->score);
	sq_bind_text(st, 8, h->attr);
	sq_bind_text(st, 9, h->explanation);
	sq_bind_text(st, 10, at);
	return sq_insert(s, st, "hit", out_id);
}

int cu_store_hit_update(cu_store *s, const cu_hit_row *h, bool reopen, const char *at)
{
	db_stmt *st = sq_stmt(s,
		"UPDATE hits SET version_a = ?2, version_b = ?3, score = ?4, attr = ?5,"
		" explanation = ?6, updated_at = ?7, state = 'open',"
		" review_a = CASE WHEN ?8 <> 0 AND review_a = 'dismissed' THEN 'new' ELSE review_a END,"
		" review_b = CASE WHEN ?8 <> 0 AND review_b = 'dismissed' THEN 'new' ELSE review_b END"
		" WHERE id = ?1");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, h->id);
	db_bind_int64(st, 2, h->version_a);
	db_bind_int64(st, 3, h->version_b);
	db_bind_double(st, 4, h->score);
	sq_bind_text(st, 5, h->attr);
	sq_bind_text(st, 6, h->explanation);
	sq_bind_text(st, 7, at);
	db_bind_int(st, 8, reopen);
	return sq_exec(s, st, "hit");
}

int cu_store_hit_lapse(cu_store *s, int64_t id, int64_t version_a, int64_t version_b,
                       const char *at)
{
	db_stmt *st = sq_stmt(s, "UPDATE hits SET state = 'lapsed', version_a = ?2,"
	                              " version_b = ?3, updated_at = ?4 WHERE id = ?1");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, version_a);
	db_bind_int64(st, 3, version_b);
	sq_bind_text(st, 4, at);
	return sq_exec(s, st, "hit");
}

int cu_store_hit_get(cu_store *s, json_t **out, int64_t id)
{
	return sq_row_id(s, out, "SELECT " HIT_COLS " WHERE id = ?1", id, "hit");
}

int cu_store_hit_list(cu_store *s, json_t **out, int64_t org_id, int64_t case_id, int limit)
{
	db_stmt *st = sq_stmt(s,
		"SELECT " HIT_COLS " WHERE state = 'open'"
		" AND (case_a IN (SELECT case_id FROM case_access WHERE org_id = ?1)"
		"   OR case_b IN (SELECT case_id FROM case_access WHERE org_id = ?1))"
		" AND (?2 = 0 OR case_a = ?2 OR case_b = ?2) ORDER BY id DESC LIMIT ?3");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, org_id);
	db_bind_int64(st, 2, case_id);
	db_bind_int(st, 3, limit);
	return sq_rows(s, out, st, "hits");
}

int cu_store_hit_pending(cu_store *s, int64_t *out)
{
	db_stmt *st = sq_stmt(s, "SELECT count(*) FROM hits WHERE state = 'open'"
	                         " AND (review_a = 'new' OR review_b = 'new')");
	*out = 0;
	if (!st)
		return CU_EDB;
	int rc = db_step(st);
	if (rc == DB_ROW)
		*out = db_column_int64(st, 0);
	db_reset(st);
	return rc == DB_ROW ? 0 : sq_dberr(s, rc, "hits");
}

int cu_store_hit_pairs(cu_store *s, json_t **out)
{
	db_stmt *st = sq_stmt(s, "SELECT entity_a, entity_b FROM hits ORDER BY id");
	if (!st)
		return CU_EDB;
	return sq_rows(s, out, st, "hits");
}

int cu_store_hit_ids_of(cu_store *s, json_t **out, int64_t entity_id)
{
	return sq_rows_id(s, out, "SELECT " HIT_COLS " WHERE entity_a = ?1 OR entity_b = ?1",
	                  entity_id, "hits");
}

int cu_store_hit_review(cu_store *s, int64_t id, char side, const char *review, const char *by,
                        const char *note, const char *at)
{
	db_stmt *st = side == 'a'
		? sq_stmt(s, "UPDATE hits SET review_a = ?2, reviewed_a_by = ?3, note_a = ?4,"
		             " reviewed_a_at = ?5 WHERE id = ?1")
		: sq_stmt(s, "UPDATE hits SET review_b = ?2, reviewed_b_by = ?3, note_b = ?4,"
		             " reviewed_b_at = ?5 WHERE id = ?1");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, id);
	sq_bind_text(st, 2, review);
	sq_bind_text(st, 3, by);
	sq_bind_text(st, 4, note);
	sq_bind_text(st, 5, at);
	return sq_exec(s, st, "hit review");
}

int cu_store_hit_request_add(cu_store *s, int64_t *out_id, int64_t hit_id, int64_t from_org,
                             int64_t case_id, const char *message, const char *by,
                             const char *at)
{
	db_stmt *st = sq_stmt(s, "INSERT INTO hit_requests(hit_id, from_org_id, case_id,"
	                              " message, requested_by, requested_at)"
	                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, hit_id);
	db_bind_int64(st, 2, from_org);
	db_bind_int64(st, 3, case_id);
	sq_bind_text(st, 4, message);
	sq_bind_text(st, 5, by);
	sq_bind_text(st, 6, at);
	return sq_insert(s, st, "access request", out_id);
}

int cu_store_hit_requests(cu_store *s, json_t **out, int64_t hit_id)
{
	/*
	 * ended: the requesting organisation was removed from the case after it
	 * asked. It could not see the case when it asked, so it had been let in
	 * (granted) in between. The case's documents on its timeline say so.
	 */
	return sq_rows_id(s, out,
	                  "SELECT r.id, o.code AS from_org, r.case_id, r.message, r.requested_by,"
	                  " r.requested_at, CASE WHEN EXISTS (SELECT 1 FROM events e"
	                  "   WHERE e.case_id = r.case_id AND e.action = 'case.participant_remove'"
	                  "   AND e.at >= r.requested_at"
	                  "   AND e.before LIKE ('%\"org\":\"' || o.code || '\"%')"
	                  "   AND e.after NOT LIKE ('%\"org\":\"' || o.code || '\"%'))"
	                  " THEN 1 ELSE 0 END AS ended"
	                  " FROM hit_requests r JOIN orgs o ON o.id = r.from_org_id"
	                  " WHERE r.hit_id = ?1 ORDER BY r.id",
	                  hit_id, "access requests");
}
