/* SPDX-License-Identifier: Apache-2.0 */
/* store: judicial cooperation — requests, their history and legal deadlines (SQLite). */
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

static const char *jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

int cu_store_request_insert(cu_store *s, int64_t *out_id, const json_t *r)
{
	db_stmt *st = sq_stmt(s,
		"INSERT INTO requests(case_id, kind, title, issuing_org_id, issuing_country,"
		" executing_org_id, executing_country, issuing_ref, legal_basis, urgent, status,"
		" issued_on, notes, created_by, created_at, updated_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15)");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, json_integer_value(json_object_get(r, "case_id")));
	sq_bind_text(st, 2, jstr(r, "kind"));
	sq_bind_text(st, 3, jstr(r, "title"));
	db_bind_int64(st, 4, json_integer_value(json_object_get(r, "issuing_org_id")));
	sq_bind_text(st, 5, jstr(r, "issuing_country"));
	db_bind_int64(st, 6, json_integer_value(json_object_get(r, "executing_org_id")));
	sq_bind_text(st, 7, jstr(r, "executing_country"));
	sq_bind_text(st, 8, jstr(r, "issuing_ref"));
	sq_bind_text(st, 9, jstr(r, "legal_basis"));
	db_bind_int(st, 10, json_is_true(json_object_get(r, "urgent")));
	sq_bind_text(st, 11, jstr(r, "status"));
	sq_bind_text(st, 12, jstr(r, "issued_on"));
	sq_bind_text(st, 13, jstr(r, "notes"));
	sq_bind_text(st, 14, jstr(r, "created_by"));
	sq_bind_text(st, 15, jstr(r, "created_at"));
	return sq_insert(s, st, "request", out_id);
}

int cu_store_request_update(cu_store *s, int64_t id, const json_t *f)
{
	/* Absent fields keep their value: one statement for every change. */
	db_stmt *st = sq_stmt(s,
		"UPDATE requests SET status = coalesce(?2, status), sent_on = coalesce(?3, sent_on),"
		" received_on = coalesce(?4, received_on), decided_on = coalesce(?5, decided_on),"
		" arrested_on = coalesce(?6, arrested_on), consented_on = coalesce(?7, consented_on),"
		" closed_on = coalesce(?8, closed_on), executing_ref = coalesce(?9, executing_ref),"
		" notes = coalesce(?10, notes), updated_at = ?11, version = version + 1"
		" WHERE id = ?1");
	static const char *const cols[] = {"status", "sent_on", "received_on", "decided_on",
	                                   "arrested_on", "consented_on", "closed_on",
	                                   "executing_ref", "notes", "updated_at"};
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, id);
	for (int i = 0; i < 10; i++)
		sq_bind_text(st, i + 2, jstr(f, cols[i]));
	int r = sq_exec(s, st, "request");
	if (r == 0 && db_changes(s) == 0)
		r = cu_error_set(CU_ENOTFOUND, "no request %lld", (long long)id);
	return r;
}

int cu_store_request_subject_add(cu_store *s, int64_t request_id, int64_t entity_id)
{
	db_stmt *st = sq_stmt(s, "INSERT INTO request_subjects(request_id, entity_id)"
	                              " VALUES (?1, ?2) ON CONFLICT DO NOTHING");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, request_id);
	db_bind_int64(st, 2, entity_id);
	return sq_exec(s, st, "request subject");
}

int cu_store_request_history_add(cu_store *s, int64_t request_id, const char *from,
                                 const char *to, const char *on, const char *note,
                                 const char *by, const char *at)
{
	db_stmt *st = sq_stmt(s,
		"INSERT INTO request_history(request_id, from_status, to_status, on_date, note, by_user, at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, request_id);
	sq_bind_text(st, 2, from);
	sq_bind_text(st, 3, to);
	sq_bind_text(st, 4, on);
	sq_bind_text(st, 5, note);
	sq_bind_text(st, 6, by);
	sq_bind_text(st, 7, at);
	return sq_exec(s, st, "request history");
}

int cu_store_request_get(cu_store *s, json_t **out, int64_t id)
{
	json_t *doc = NULL, *list = NULL, *d;
	size_t i;
	int r;
	*out = NULL;
	r = sq_row_id(s, &doc,
		"SELECT r.id, r.case_id, c.reference AS case_reference, r.kind, r.title,"
		" io.code AS issuing_org, r.issuing_org_id, r.issuing_country,"
		" eo.code AS executing_org, r.executing_org_id, r.executing_country,"
		" r.issuing_ref, r.executing_ref, r.legal_basis, r.urgent AS urgent_bool, r.status,"
		" r.issued_on, r.sent_on, r.received_on, r.decided_on, r.arrested_on,"
		" r.consented_on, r.closed_on, r.notes, r.version, r.created_by, r.created_at,"
		" r.updated_at FROM requests r JOIN cases c ON c.id = r.case_id"
		" JOIN orgs io ON io.id = r.issuing_org_id JOIN orgs eo ON eo.id = r.executing_org_id"
		" WHERE r.id = ?1", id, "request");
	if (r == CU_ENOTFOUND)
		return cu_error_set(r, "no request %lld", (long long)id);
	if (r)
		return r;
	if ((r = sq_rows_id(s, &list,
		"SELECT rs.entity_id, e.kind, e.label FROM request_subjects rs"
		" JOIN entities e ON e.id = rs.entity_id WHERE rs.request_id = ?1 ORDER BY rs.entity_id",
		id, "request subjects")) != 0)
		goto out;
	json_object_set_new(doc, "subjects", list);
	if ((r = sq_rows_id(s, &list,
		"SELECT from_status AS \"from\", to_status AS \"to\", on_date AS \"on\", note, by_user AS \"by\", at"
		" FROM request_history WHERE request_id = ?1 ORDER BY id", id, "request history")) != 0)
		goto out;
	json_object_set_new(doc, "history", list);
	if ((r = sq_rows_id(s, &list,
		"SELECT id, step, rule, article, limit_text AS \"limit\", starts_on, due_on,"
		" extended_days, state, closed_on, note FROM request_deadlines"
		" WHERE request_id = ?1 ORDER BY id", id, "request deadlines")) != 0)
		goto out;
	json_object_set_new(doc, "deadlines", list);
	json_array_foreach(list, i, d) {
		json_t *ext = NULL;
		if ((r = sq_rows_id(s, &ext,
			"SELECT days, reason, article, from_due, to_due, by_user AS \"by\", at FROM request_extensions"
			" WHERE deadline_id = ?1 ORDER BY id",
			json_integer_value(json_object_get(d, "id")), "request extensions")) != 0)
			goto out;
		json_object_set_new(d, "extensions", ext);
	}
	*out = doc;
	doc = NULL;
out:
	json_decref(doc);
	return r;
}

/* What an organisation may know of: requests of the cases it sees, and those
 * it issues or executes (core decides again, in access.c, for each). */
/* As cu_access_request_doc decides it: the executing side from when it is sent. */
#define REQUEST_VISIBLE \
	" (?1 = 0 OR r.issuing_org_id = ?1 OR (r.executing_org_id = ?1 AND r.status <> 'draft')" \
	" OR EXISTS (SELECT 1 FROM case_access ca WHERE ca.org_id = ?1 AND ca.case_id = r.case_id))"

int cu_store_request_ids(cu_store *s, json_t **out, const cu_request_filter *f)
{
	db_stmt *st = sq_stmt(s,
		"SELECT r.id FROM requests r WHERE" REQUEST_VISIBLE
		" AND (?2 = 0 OR r.case_id = ?2) AND (?3 IS NULL OR r.kind = ?3)"
		" AND (?4 IS NULL OR r.status = ?4)"
		" AND (?6 IS NULL OR r.issuing_country = ?6 OR r.executing_country = ?6)"
		" AND (?7 = 0 OR r.id < ?7) ORDER BY r.id DESC LIMIT ?5");
	*out = NULL;
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, f->org_id);
	db_bind_int64(st, 2, f->case_id);
	sq_bind_text(st, 3, f->kind);
	sq_bind_text(st, 4, f->status);
	db_bind_int(st, 5, f->limit > 0 ? f->limit : 1000);
	sq_bind_text(st, 6, f->country);
	db_bind_int64(st, 7, f->before);
	return sq_ids(s, out, st, "requests");
}

int cu_store_deadline_insert(cu_store *s, int64_t *out_id, int64_t request_id, const char *step,
                             const char *rule, const char *article, const char *limit_text,
                             const char *starts_on, const char *due_on, const char *note,
                             const char *at)
{
	db_stmt *st = sq_stmt(s,
		"INSERT INTO request_deadlines(request_id, step, rule, article, limit_text, starts_on,"
		" due_on, note, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, request_id);
	sq_bind_text(st, 2, step);
	sq_bind_text(st, 3, rule);
	sq_bind_text(st, 4, article);
	sq_bind_text(st, 5, limit_text);
	sq_bind_text(st, 6, starts_on);
	sq_bind_text(st, 7, due_on);
	sq_bind_text(st, 8, note);
	sq_bind_text(st, 9, at);
	return sq_insert(s, st, "deadline", out_id);
}

int cu_store_deadline_close(cu_store *s, int64_t id, const char *state, const char *closed_on)
{
	db_stmt *st = sq_stmt(s, "UPDATE request_deadlines SET state = ?2, closed_on = ?3"
	                              " WHERE id = ?1 AND state = 'open'");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, id);
	sq_bind_text(st, 2, state);
	sq_bind_text(st, 3, closed_on);
	return sq_exec(s, st, "deadline");
}

int cu_store_deadline_extend(cu_store *s, int64_t id, int days, const char *reason,
                             const char *article, const char *from_due, const char *to_due,
                             const char *by, const char *at)
{
	db_stmt *st = sq_stmt(s,
		"UPDATE request_deadlines SET due_on = ?2, extended_days = extended_days + ?3"
		" WHERE id = ?1 AND state = 'open'");
	int r;
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, id);
	sq_bind_text(st, 2, to_due);
	db_bind_int(st, 3, days);
	if ((r = sq_exec(s, st, "deadline")) != 0)
		return r;
	if (db_changes(s) == 0)
		return cu_error_set(CU_ECONFLICT, "deadline %lld is not open", (long long)id);
	st = sq_stmt(s, "INSERT INTO request_extensions(deadline_id, days, reason, article,"
	                " from_due, to_due, by_user, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, id);
	db_bind_int(st, 2, days);
	sq_bind_text(st, 3, reason);
	sq_bind_text(st, 4, article);
	sq_bind_text(st, 5, from_due);
	sq_bind_text(st, 6, to_due);
	sq_bind_text(st, 7, by);
	sq_bind_text(st, 8, at);
	return sq_exec(s, st, "deadline extension");
}

int cu_store_deadline_due(cu_store *s, json_t **out, int64_t org_id, const char *until)
{
	db_stmt *st = sq_stmt(s,
		"SELECT d.id AS deadline_id, d.request_id FROM request_deadlines d"
		" JOIN requests r ON r.id = d.request_id"
		" WHERE d.state = 'open' AND d.due_on <= ?2 AND" REQUEST_VISIBLE
		" ORDER BY d.due_on, d.id LIMIT 10000");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, org_id);
	sq_bind_text(st, 2, until);
	return sq_rows(s, out, st, "deadlines");
}

/* The documents (doc_json) of a snapshot query's rows, in order. */
static int snapshot_rows(cu_store *s, json_t **out, db_stmt *st)
{
	json_t *rows = NULL, *v;
	size_t i;
	int r;
	if ((r = sq_rows(s, &rows, st, "snapshot")) != 0)
		return r;
	*out = json_array();
	json_array_foreach(rows, i, v)
		json_array_append(*out, json_object_get(v, "doc"));
	json_decref(rows);
	return 0;
}

int cu_store_snapshot_docs(cu_store *s, json_t **out, int64_t size, const char *object_type,
                           const char *key)
{
	/* The ledger's entries map to events one to one (kind 'event', ref =
	 * seq): "as of size N" is the events whose entry index is below N. */
	db_stmt *st = sq_stmt2(s,
		"SELECT e.after AS doc_json FROM events e WHERE e.seq IN ("
		"  SELECT max(x.seq) FROM events x"
		"  JOIN ledger_entries l ON l.kind = 'event' AND l.ref = x.seq"
		"  WHERE l.idx < ?1 AND x.object_type = ?2 AND x.after IS NOT NULL"
		"  AND json_valid(x.after) AND json_type(x.after, '$.' || ?3) IS NOT NULL"
		"  GROUP BY x.object_id)"
		" ORDER BY e.seq",
		/* (events.after is always JSON custodia wrote: the cast cannot fail) */
		"SELECT e.after AS doc_json FROM events e WHERE e.seq IN ("
		"  SELECT max(x.seq) FROM events x"
		"  JOIN ledger_entries l ON l.kind = 'event' AND l.ref = x.seq"
		"  WHERE l.idx < ?1 AND x.object_type = ?2 AND x.after IS NOT NULL"
		"  AND jsonb_typeof(x.after::jsonb) = 'object'"
		"  AND jsonb_exists(x.after::jsonb, ?3)"
		"  GROUP BY x.object_id)"
		" ORDER BY e.seq");
	*out = NULL;
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, size);
	sq_bind_text(st, 2, object_type);
	sq_bind_text(st, 3, key);
	return snapshot_rows(s, out, st);
}

int cu_store_snapshot_history(cu_store *s, json_t **out, int64_t size,
                              const char *object_type)
{
	db_stmt *st = sq_stmt2(s,
		"SELECT e.after AS doc_json FROM events e"
		" JOIN ledger_entries l ON l.kind = 'event' AND l.ref = e.seq"
		" WHERE l.idx < ?1 AND e.object_type = ?2 AND e.after IS NOT NULL"
		" AND json_valid(e.after) ORDER BY e.seq",
		"SELECT e.after AS doc_json FROM events e"
		" JOIN ledger_entries l ON l.kind = 'event' AND l.ref = e.seq"
		" WHERE l.idx < ?1 AND e.object_type = ?2 AND e.after IS NOT NULL"
		" AND jsonb_typeof(e.after::jsonb) = 'object' ORDER BY e.seq");
	*out = NULL;
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, size);
	sq_bind_text(st, 2, object_type);
	return snapshot_rows(s, out, st);
}

int cu_store_snapshot_day(cu_store *s, char day[11], int64_t size)
{
	db_stmt *st = sq_stmt(s,
		"SELECT substr(max(e.at), 1, 10) FROM events e"
		" JOIN ledger_entries l ON l.kind = 'event' AND l.ref = e.seq WHERE l.idx < ?1");
	int rc;
	day[0] = '\0';
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, size);
	rc = db_step(st);
	if (rc == DB_ROW)
		sq_copy_col(day, 11, st, 0);
	db_reset(st);
	return rc == DB_ROW || rc == DB_DONE ? 0 : sq_dberr(s, rc, "snapshot");
}
