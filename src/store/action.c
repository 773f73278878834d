/* SPDX-License-Identifier: Apache-2.0 */
/* store: action days, their actions and the numbered updates of each day (SQLite). */
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

int cu_store_actionday_insert(cu_store *s, int64_t *out_id, int64_t case_id, const char *title,
                              const char *day, const char *timezones, const char *notes,
                              const char *by, const char *at)
{
	db_stmt *st = sq_stmt(s,
		"INSERT INTO action_days(case_id, title, day, timezones, notes, created_by, created_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, case_id);
	sq_bind_text(st, 2, title);
	sq_bind_text(st, 3, day);
	sq_bind_text(st, 4, timezones);
	sq_bind_text(st, 5, notes);
	sq_bind_text(st, 6, by);
	sq_bind_text(st, 7, at);
	return sq_insert(s, st, "action day", out_id);
}

#define ACTION_COLS \
	"a.id, a.action_day_id, a.kind, a.country, o.code AS org, a.org_id, a.entity_id," \
	" e.label AS entity, a.planned_time, a.place, a.description, a.status, a.result," \
	" (SELECT max(u.seq) FROM action_updates u WHERE u.action_id = a.id) AS last_seq," \
	" (SELECT u.at FROM action_updates u WHERE u.action_id = a.id ORDER BY u.seq DESC" \
	" LIMIT 1) AS updated_at FROM actions a JOIN orgs o ON o.id = a.org_id" \
	" LEFT JOIN entities e ON e.id = a.entity_id"

int cu_store_actionday_get(cu_store *s, json_t **out, int64_t id)
{
	json_t *doc = NULL, *list = NULL;
	int r;
	*out = NULL;
	r = sq_row_id(s, &doc,
		"SELECT d.id, d.case_id, c.reference AS case_reference, d.title, d.day,"
		" d.timezones AS timezones_json, d.notes, d.last_seq, d.created_by, d.created_at"
		" FROM action_days d JOIN cases c ON c.id = d.case_id WHERE d.id = ?1", id,
		"action day");
	if (r == CU_ENOTFOUND)
		return cu_error_set(r, "no action day %lld", (long long)id);
	if (r)
		return r;
	if ((r = sq_rows_id(s, &list, "SELECT " ACTION_COLS " WHERE a.action_day_id = ?1"
	                    " ORDER BY a.planned_time, a.id", id, "actions")) != 0) {
		json_decref(doc);
		return r;
	}
	json_object_set_new(doc, "actions", list);
	*out = doc;
	return 0;
}

int cu_store_actionday_list(cu_store *s, json_t **out, int64_t org_id, int64_t case_id)
{
	db_stmt *st = sq_stmt(s,
		"SELECT d.id, d.case_id, c.reference AS case_reference, d.title, d.day, d.last_seq,"
		" (SELECT count(*) FROM actions a WHERE a.action_day_id = d.id) AS actions"
		" FROM action_days d JOIN cases c ON c.id = d.case_id"
		" WHERE (?1 = 0 OR EXISTS (SELECT 1 FROM case_access ca WHERE ca.org_id = ?1"
		" AND ca.case_id = d.case_id)) AND (?2 = 0 OR d.case_id = ?2)"
		" ORDER BY d.day DESC, d.id DESC LIMIT 1000");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, org_id);
	db_bind_int64(st, 2, case_id);
	return sq_rows(s, out, st, "action days");
}

int cu_store_action_insert(cu_store *s, int64_t *out_id, const json_t *a)
{
	db_stmt *st = sq_stmt(s,
		"INSERT INTO actions(action_day_id, kind, country, org_id, entity_id, planned_time,"
		" place, description, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, json_integer_value(json_object_get(a, "action_day_id")));
	sq_bind_text(st, 2, json_string_value(json_object_get(a, "kind")));
	sq_bind_text(st, 3, json_string_value(json_object_get(a, "country")));
	db_bind_int64(st, 4, json_integer_value(json_object_get(a, "org_id")));
	if (json_integer_value(json_object_get(a, "entity_id")) > 0)
		db_bind_int64(st, 5, json_integer_value(json_object_get(a, "entity_id")));
	else
		db_bind_null(st, 5);
	sq_bind_text(st, 6, json_string_value(json_object_get(a, "planned_time")));
	sq_bind_text(st, 7, json_string_value(json_object_get(a, "place")));
	sq_bind_text(st, 8, json_string_value(json_object_get(a, "description")));
	sq_bind_text(st, 9, json_string_value(json_object_get(a, "created_at")));
	return sq_insert(s, st, "action", out_id);
}

int cu_store_action_get(cu_store *s, json_t **out, int64_t id)
{
	int r = sq_row_id(s, out, "SELECT d.case_id, " ACTION_COLS ", action_days d"
	                  " WHERE d.id = a.action_day_id AND a.id = ?1", id, "action");
	if (r == CU_ENOTFOUND)
		return cu_error_set(r, "no action %lld", (long long)id);
	return r;
}

int cu_store_action_update_add(cu_store *s, int64_t *seq, int64_t day_id, int64_t action_id,
                               const char *status, const char *result, int64_t evidence_id,
                               const char *by, const char *at)
{
	db_stmt *st = sq_stmt(s, "UPDATE action_days SET last_seq = last_seq + 1 WHERE id = ?1"
	                              " RETURNING last_seq");
	int rc, r;
	*seq = 0;
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, day_id);
	rc = db_step(st);
	if (rc == DB_ROW)
		*seq = db_column_int64(st, 0);
	while (rc == DB_ROW)
		rc = db_step(st);
	db_reset(st);
	if (rc != DB_DONE)
		return sq_dberr(s, rc, "action day");
	if (*seq == 0)
		return cu_error_set(CU_ENOTFOUND, "no action day %lld", (long long)day_id);
	st = sq_stmt(s, "INSERT INTO action_updates(action_day_id, seq, action_id, status, result,"
	                " evidence_id, by_user, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, day_id);
	db_bind_int64(st, 2, *seq);
	db_bind_int64(st, 3, action_id);
	sq_bind_text(st, 4, status);
	sq_bind_text(st, 5, result);
	if (evidence_id > 0)
		db_bind_int64(st, 6, evidence_id);
	else
		db_bind_null(st, 6);
	sq_bind_text(st, 7, by);
	sq_bind_text(st, 8, at);
	if ((r = sq_exec(s, st, "action update")) != 0)
		return r;
	st = sq_stmt(s, "UPDATE actions SET status = ?2, result = coalesce(?3, result) WHERE id = ?1");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, action_id);
	sq_bind_text(st, 2, status);
	sq_bind_text(st, 3, result);
	return sq_exec(s, st, "action");
}

int cu_store_action_updates(cu_store *s, json_t **out, int64_t day_id, int64_t after, int limit)
{
	db_stmt *st = sq_stmt(s,
		"SELECT u.seq, u.action_id, a.kind, a.country, o.code AS org, a.entity_id,"
		" e.label AS entity, u.status, u.result, u.evidence_id, u.by_user AS \"by\", u.at"
		" FROM action_updates u JOIN actions a ON a.id = u.action_id"
		" JOIN orgs o ON o.id = a.org_id LEFT JOIN entities e ON e.id = a.entity_id"
		" WHERE u.action_day_id = ?1 AND u.seq > ?2 ORDER BY u.seq LIMIT ?3");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, day_id);
	db_bind_int64(st, 2, after);
	db_bind_int(st, 3, limit > 0 ? limit : 1000);
	return sq_rows(s, out, st, "action updates");
}

int cu_store_actionday_last_seq(cu_store *s, int64_t *out, int64_t day_id)
{
	db_stmt *st = sq_stmt(s, "SELECT last_seq FROM action_days WHERE id = ?1");
	int rc;
	*out = 0;
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, day_id);
	rc = db_step(st);
	if (rc == DB_ROW)
		*out = db_column_int64(st, 0);
	db_reset(st);
	if (rc == DB_DONE)
		return cu_error_set(CU_ENOTFOUND, "no action day %lld", (long long)day_id);
	return rc == DB_ROW ? 0 : sq_dberr(s, rc, "action day");
}
