/* SPDX-License-Identifier: Apache-2.0 */
/* store: meetings (their sessions, participants, follow-up actions) and interviews (SQLite). */
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

static const char *jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void bind_id(db_stmt *st, int i, int64_t v)
{
	if (v > 0)
		db_bind_int64(st, i, v);
	else
		db_bind_null(st, i);
}

int cu_store_meeting_insert(cu_store *s, int64_t *out_id, const json_t *m)
{
	db_stmt *st = sq_stmt(s,
		"INSERT INTO meetings(kind, case_id, title, held_on, place, organiser_org_id, agenda,"
		" created_by, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)");
	if (!st)
		return CU_EDB;
	sq_bind_text(st, 1, jstr(m, "kind"));
	bind_id(st, 2, json_integer_value(json_object_get(m, "case_id")));
	sq_bind_text(st, 3, jstr(m, "title"));
	sq_bind_text(st, 4, jstr(m, "held_on"));
	sq_bind_text(st, 5, jstr(m, "place"));
	db_bind_int64(st, 6, json_integer_value(json_object_get(m, "organiser_org_id")));
	sq_bind_text(st, 7, jstr(m, "agenda"));
	sq_bind_text(st, 8, jstr(m, "created_by"));
	sq_bind_text(st, 9, jstr(m, "created_at"));
	return sq_insert(s, st, "meeting", out_id);
}

int cu_store_meeting_session_insert(cu_store *s, int64_t *out_id, int64_t meeting_id,
                                    const char *title, bool closed, const char *agenda)
{
	db_stmt *st = sq_stmt(s, "INSERT INTO meeting_sessions(meeting_id, title, closed, agenda)"
	                              " VALUES (?1, ?2, ?3, ?4)");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, meeting_id);
	sq_bind_text(st, 2, title);
	db_bind_int(st, 3, closed);
	sq_bind_text(st, 4, agenda);
	return sq_insert(s, st, "meeting session", out_id);
}

int cu_store_meeting_participant_add(cu_store *s, int64_t meeting_id, int64_t session_id,
                                     int64_t org_id)
{
	db_stmt *st = sq_stmt(s, "INSERT INTO meeting_participants(meeting_id,"
	                              " session_id, org_id) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, meeting_id);
	db_bind_int64(st, 2, session_id);
	db_bind_int64(st, 3, org_id);
	return sq_exec(s, st, "meeting participant");
}

int cu_store_meeting_action_add(cu_store *s, int64_t *out_id, int64_t meeting_id,
                                const char *text, int64_t org_id, int64_t request_id,
                                const char *due_on)
{
	db_stmt *st = sq_stmt(s, "INSERT INTO meeting_actions(meeting_id, text, org_id,"
	                              " request_id, due_on) VALUES (?1, ?2, ?3, ?4, ?5)");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, meeting_id);
	sq_bind_text(st, 2, text);
	bind_id(st, 3, org_id);
	bind_id(st, 4, request_id);
	sq_bind_text(st, 5, due_on);
	return sq_insert(s, st, "meeting action", out_id);
}

int cu_store_meeting_outcome(cu_store *s, int64_t meeting_id, int64_t session_id,
                             const char *outcome, const char *at)
{
	db_stmt *st;
	int r;
	if (session_id > 0) {
		st = sq_stmt(s, "UPDATE meeting_sessions SET outcome = ?3"
		                " WHERE id = ?2 AND meeting_id = ?1");
		if (!st)
			return CU_EDB;
		db_bind_int64(st, 1, meeting_id);
		db_bind_int64(st, 2, session_id);
		sq_bind_text(st, 3, outcome);
		if ((r = sq_exec(s, st, "meeting session")) != 0)
			return r;
		if (db_changes(s) == 0)
			return cu_error_set(CU_ENOTFOUND, "no session %lld in meeting %lld",
			                    (long long)session_id, (long long)meeting_id);
		/*
		 * A closed session's outcome leaves the meeting as it was: those not
		 * invited must not see its version or time move, nor learn that
		 * anything happened there.
		 */
		json_t *closed = NULL;
		if ((r = sq_row_id(s, &closed, "SELECT closed AS closed_bool FROM meeting_sessions"
		                               " WHERE id = ?1", session_id, "meeting session")) != 0)
			return r;
		bool hidden = json_is_true(json_object_get(closed, "closed"));
		json_decref(closed);
		if (hidden)
			return 0;
		outcome = NULL; /* the meeting keeps its own outcome */
	}
	st = sq_stmt(s, "UPDATE meetings SET outcome = coalesce(?2, outcome), updated_at = ?3,"
	                " version = version + 1 WHERE id = ?1");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, meeting_id);
	sq_bind_text(st, 2, outcome);
	sq_bind_text(st, 3, at);
	if ((r = sq_exec(s, st, "meeting")) == 0 && db_changes(s) == 0)
		r = cu_error_set(CU_ENOTFOUND, "no meeting %lld", (long long)meeting_id);
	return r;
}

int cu_store_meeting_get(cu_store *s, json_t **out, int64_t id)
{
	json_t *doc = NULL, *list = NULL, *sessions = NULL, *v;
	size_t i;
	int r;
	*out = NULL;
	r = sq_row_id(s, &doc,
		"SELECT m.id, m.kind, m.case_id, c.reference AS case_reference, m.title, m.held_on,"
		" m.place, o.code AS organiser, m.organiser_org_id, m.agenda, m.outcome, m.version,"
		" m.created_by, m.created_at, m.updated_at FROM meetings m"
		" LEFT JOIN cases c ON c.id = m.case_id JOIN orgs o ON o.id = m.organiser_org_id"
		" WHERE m.id = ?1", id, "meeting");
	if (r == CU_ENOTFOUND)
		return cu_error_set(r, "no meeting %lld", (long long)id);
	if (r)
		return r;
	if ((r = sq_rows_id(s, &list,
		"SELECT o.code AS org, p.org_id FROM meeting_participants p JOIN orgs o ON o.id = p.org_id"
		" WHERE p.meeting_id = ?1 AND p.session_id = 0 ORDER BY o.code", id,
		"meeting participants")) != 0)
		goto out;
	json_object_set_new(doc, "participants", list);
	if ((r = sq_rows_id(s, &sessions,
		"SELECT id, title, closed AS closed_bool, agenda, outcome FROM meeting_sessions"
		" WHERE meeting_id = ?1 ORDER BY id", id, "meeting sessions")) != 0)
		goto out;
	json_object_set_new(doc, "sessions", sessions);
	json_array_foreach(sessions, i, v) {
		if ((r = sq_rows_id(s, &list,
			"SELECT o.code AS org, p.org_id FROM meeting_participants p"
			" JOIN orgs o ON o.id = p.org_id WHERE p.session_id = ?1 ORDER BY o.code",
			json_integer_value(json_object_get(v, "id")), "session participants")) != 0)
			goto out;
		json_object_set_new(v, "participants", list);
	}
	if ((r = sq_rows_id(s, &list,
		"SELECT a.id, a.text, o.code AS org, a.request_id, a.due_on FROM meeting_actions a"
		" LEFT JOIN orgs o ON o.id = a.org_id WHERE a.meeting_id = ?1 ORDER BY a.id", id,
		"meeting actions")) != 0)
		goto out;
	json_object_set_new(doc, "actions", list);
	*out = doc;
	doc = NULL;
out:
	json_decref(doc);
	return r;
}

int cu_store_meeting_ids(cu_store *s, json_t **out, const cu_meeting_filter *f)
{
	/* Candidates: meetings of cases the organisation sees, and events it
	 * organises or attends (core decides again, in access.c, for each). */
	db_stmt *st = sq_stmt(s,
		"SELECT m.id FROM meetings m WHERE (?1 = 0 OR m.organiser_org_id = ?1"
		" OR EXISTS (SELECT 1 FROM case_access ca WHERE ca.org_id = ?1 AND ca.case_id = m.case_id)"
		" OR (m.case_id IS NULL AND EXISTS (SELECT 1 FROM meeting_participants p"
		"  WHERE p.meeting_id = m.id AND p.org_id = ?1)))"
		" AND (?2 = 0 OR m.case_id = ?2) AND (?3 IS NULL OR m.kind = ?3)"
		" AND (?5 = 0 OR m.held_on < (SELECT held_on FROM meetings WHERE id = ?5)"
		"  OR (m.held_on = (SELECT held_on FROM meetings WHERE id = ?5) AND m.id < ?5))"
		" ORDER BY m.held_on DESC, m.id DESC LIMIT ?4");
	*out = NULL;
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, f->org_id);
	db_bind_int64(st, 2, f->case_id);
	sq_bind_text(st, 3, f->kind);
	db_bind_int(st, 4, f->limit > 0 ? f->limit : 1000);
	db_bind_int64(st, 5, f->before);
	return sq_ids(s, out, st, "meetings");
}

int cu_store_interview_insert(cu_store *s, int64_t *out_id, const json_t *iv)
{
	db_stmt *st = sq_stmt(s,
		"INSERT INTO interviews(case_id, entity_id, role, status, on_date, org_id, interviewer,"
		" authority, request_id, record_item_id, notes, created_by, created_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, json_integer_value(json_object_get(iv, "case_id")));
	db_bind_int64(st, 2, json_integer_value(json_object_get(iv, "entity_id")));
	sq_bind_text(st, 3, jstr(iv, "role"));
	sq_bind_text(st, 4, jstr(iv, "status"));
	sq_bind_text(st, 5, jstr(iv, "on"));
	db_bind_int64(st, 6, json_integer_value(json_object_get(iv, "org_id")));
	sq_bind_text(st, 7, jstr(iv, "interviewer"));
	sq_bind_text(st, 8, jstr(iv, "authority"));
	bind_id(st, 9, json_integer_value(json_object_get(iv, "request_id")));
	bind_id(st, 10, json_integer_value(json_object_get(iv, "record_item_id")));
	sq_bind_text(st, 11, jstr(iv, "notes"));
	sq_bind_text(st, 12, jstr(iv, "created_by"));
	sq_bind_text(st, 13, jstr(iv, "created_at"));
	return sq_insert(s, st, "interview", out_id);
}

#define INTERVIEW_DOC \
	"SELECT i.id, i.case_id, c.reference AS case_reference, i.entity_id, e.kind AS entity_kind," \
	" e.label AS entity_label, i.role, i.status, i.on_date AS \"on\", o.code AS org, i.org_id," \
	" i.interviewer, i.authority, i.request_id, i.record_item_id, ev.title AS record_title," \
	" i.notes, i.created_by, i.created_at FROM interviews i JOIN cases c ON c.id = i.case_id" \
	" JOIN entities e ON e.id = i.entity_id JOIN orgs o ON o.id = i.org_id" \
	" LEFT JOIN evidence ev ON ev.id = i.record_item_id"

int cu_store_interview_get(cu_store *s, json_t **out, int64_t id)
{
	int r = sq_row_id(s, out, INTERVIEW_DOC " WHERE i.id = ?1", id, "interview");
	if (r == CU_ENOTFOUND)
		return cu_error_set(r, "no interview %lld", (long long)id);
	return r;
}

int cu_store_interview_ids(cu_store *s, json_t **out, int64_t org_id, int64_t case_id,
                           int64_t entity_id, int64_t before, int limit)
{
	db_stmt *st = sq_stmt(s,
		"SELECT i.id FROM interviews i WHERE (?1 = 0 OR EXISTS (SELECT 1 FROM case_access ca"
		" WHERE ca.org_id = ?1 AND ca.case_id = i.case_id)) AND (?2 = 0 OR i.case_id = ?2)"
		" AND (?3 = 0 OR i.entity_id = ?3)"
		" AND (?5 = 0 OR i.on_date < (SELECT on_date FROM interviews WHERE id = ?5)"
		"  OR (i.on_date = (SELECT on_date FROM interviews WHERE id = ?5) AND i.id < ?5))"
		" ORDER BY i.on_date DESC, i.id DESC LIMIT ?4");
	*out = NULL;
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, org_id);
	db_bind_int64(st, 2, case_id);
	db_bind_int64(st, 3, entity_id);
	db_bind_int(st, 4, limit > 0 ? limit : 1000);
	db_bind_int64(st, 5, before);
	return sq_ids(s, out, st, "interviews");
}

int cu_store_interviews_of_entity(cu_store *s, json_t **out, int64_t entity_id)
{
	return sq_rows_id(s, out, INTERVIEW_DOC " WHERE i.entity_id = ?1 ORDER BY i.on_date, i.id",
	                  entity_id, "interviews");
}
