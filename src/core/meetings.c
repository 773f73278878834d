/* SPDX-License-Identifier: Apache-2.0 */
/*
 * core: meetings — a case's coordination meetings and the events of networks
 * and partners (plenaries, study visits, conferences) — with their sessions,
 * participants, outcomes and follow-up actions. docs/cooperation.md.
 *
 *   meeting (organiser, participants) ─── seen by: the case's readers
 *     │                                    (coordination) or its participants
 *     ├── open session ..................... as the meeting
 *     └── closed session (invited orgs) .... only the organisations invited
 *
 * Every decision is cu_access_meeting's (access.c); a closed session one is
 * not invited to is left out of every answer, as if it did not exist.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"

static const char *const kinds[] = {"coordination", "plenary", "study_visit", "conference",
                                    "other"};

static bool kind_valid(const char *k)
{
	for (size_t i = 0; k && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i], k))
			return true;
	return false;
}

static int64_t jint(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* Whether an organisation is listed in [{org, org_id}]. */
static bool listed(const json_t *list, int64_t org_id)
{
	json_t *v;
	size_t i;
	json_array_foreach(list, i, v)
		if (jint(v, "org_id") == org_id)
			return true;
	return false;
}

/* The meeting-level decision for a stored document. */
static int access_doc(cu_core *c, const cu_actor *a, const json_t *doc, cu_op op)
{
	return cu_access_meeting(c, a, jint(doc, "case_id"), jint(doc, "organiser_org_id"),
	                         listed(json_object_get(doc, "participants"), a->org_id), op);
}

/* A session's decision: a closed one only for those invited to it. */
static int access_session(cu_core *c, const cu_actor *a, const json_t *doc, const json_t *s,
                          cu_op op)
{
	int r = access_doc(c, a, doc, json_is_true(json_object_get(s, "closed")) ? CU_OP_READ : op);
	if (r || !json_is_true(json_object_get(s, "closed")))
		return r;
	return cu_access_meeting(c, a, 0, 0, listed(json_object_get(s, "participants"), a->org_id),
	                         op);
}

static int load(cu_core *c, const cu_actor *a, json_t **out, int64_t id, cu_op op)
{
	int r = cu_store_meeting_get(c->store, out, id);
	if (r)
		return r;
	if ((r = access_doc(c, a, *out, op)) == CU_ENOTFOUND)
		r = cu_error_set(r, "no meeting %lld", (long long)id);
	if (r) {
		json_decref(*out);
		*out = NULL;
	}
	return r;
}

/* What a reader gets: the closed sessions it is not invited to are left out. */
static json_t *view(cu_core *c, const cu_actor *a, const json_t *doc)
{
	json_t *v = json_deep_copy(doc), *kept = json_array(), *s;
	size_t i;
	json_array_foreach(json_object_get(doc, "sessions"), i, s) {
		if (access_session(c, a, doc, s, CU_OP_READ) == 0)
			json_array_append_new(kept, json_deep_copy(s));
		cu_error_clear();
	}
	json_object_set_new(v, "sessions", kept);
	return v;
}

int cu_meeting_get(cu_core *c, const cu_actor *a, json_t **out, int64_t id)
{
	json_t *doc = NULL;
	int r = load(c, a, &doc, id, CU_OP_READ);
	*out = r ? NULL : view(c, a, doc);
	json_decref(doc);
	return r;
}

int cu_meeting_list(cu_core *c, const cu_actor *a, json_t **out, const json_t *filter)
{
	static const cu_jfield f[] = {{"case", CU_JSTR, false, 64}, {"kind", CU_JSTR, false, 20},
	                              {"limit", CU_JINT, false, 0}, {"before", CU_JINT, false, 0}};
	cu_meeting_filter mf = {.org_id = a->org_id, .before = cu_json_int(filter, "before", 0)};
	json_t *ids = NULL, *v;
	size_t i;
	int r;
	*out = NULL;
	if (filter && (r = cu_json_check(filter, f, sizeof(f) / sizeof(f[0]))) != 0)
		return r;
	mf.kind = cu_json_str(filter, "kind");
	if (mf.kind && !kind_valid(mf.kind))
		return cu_error_set(CU_EINVALID, "unknown meeting kind \"%.20s\"", mf.kind);
	int64_t lim = cu_json_int(filter, "limit", 1000);
	if (lim < 1 || lim > 1000)
		return cu_error_set(CU_EINVALID, "limit is between 1 and 1000");
	mf.limit = (int)lim;
	if (cu_json_str(filter, "case") &&
	    ((r = cu_case_resolve(c, a, &mf.case_id, cu_json_str(filter, "case"))) != 0 ||
	     (r = cu_access_case(c, a, mf.case_id, CU_OP_READ)) != 0))
		return r;
	if ((r = cu_store_meeting_ids(c->store, &ids, &mf)) != 0)
		return r;
	*out = json_array();
	json_array_foreach(ids, i, v) {
		json_t *doc = NULL;
		int q = load(c, a, &doc, json_integer_value(v), CU_OP_READ);
		if (q == CU_ENOTFOUND) {
			cu_error_clear();
			continue;
		}
		if (q) {
			r = q;
			break;
		}
		json_array_append_new(*out, view(c, a, doc));
		json_decref(doc);
	}
	json_decref(ids);
	if (r) {
		json_decref(*out);
		*out = NULL;
	}
	return r;
}

/* ---- writing --------------------------------------------------------------- */

/* Organisation codes to ids (unknown ones refused, naming the field). */
static int org_ids(cu_core *c, json_t **out, const json_t *codes, const char *field)
{
	json_t *v;
	size_t i;
	int r;
	*out = json_array();
	json_array_foreach(codes, i, v) {
		int64_t id;
		if (!json_is_string(v)) {
			r = cu_error_set(CU_EINVALID, "field \"%s\" lists organisation codes", field);
			goto fail;
		}
		if ((r = cu_org_id(c, &id, field, json_string_value(v))) != 0)
			goto fail;
		json_array_append_new(*out, json_integer(id));
	}
	return 0;
fail:
	json_decref(*out);
	*out = NULL;
	return r;
}

static bool has_id(const json_t *ids, int64_t id)
{
	json_t *v;
	size_t i;
	json_array_foreach(ids, i, v)
		if (json_integer_value(v) == id)
			return true;
	return false;
}

/*
 * The organisation an action is assigned to must see the meeting, or it
 * would never learn of it: one taking part in the case for a case's meeting
 * (as its participants are checked), one of the participants (ids in
 * members) for a network's event.
 */
static int check_assignee(cu_core *c, const json_t *members, int64_t case_id, int64_t org,
                          const char *code)
{
	int part, r;
	char until[11];
	if (case_id == 0)
		return has_id(members, org) ? 0 : cu_error_set(CU_EINVALID, "field \"actions\": "
		       "organisation %s is not at the meeting, so it could not see the action; "
		       "assign it to a participant", code);
	r = cu_store_case_access(c->store, &part, until, case_id, org);
	if (r == CU_ENOTFOUND)
		r = cu_error_set(CU_EINVALID, "field \"actions\": organisation %s does not take part "
		                 "in the case, so it could not see the meeting; assign the action to "
		                 "one that does", code);
	return r;
}

/*
 * Follow-up actions: {text, org, request, due_on}; the org one that sees the
 * meeting, the request one of the meeting's case.
 */
static int check_actions(cu_core *c, const json_t *actions, int64_t case_id,
                         const json_t *members)
{
	static const cu_jfield f[] = {{"text", CU_JSTR, true, 2000}, {"org", CU_JSTR, false, 16},
	                              {"request", CU_JINT, false, 0}, {"due_on", CU_JDATE, false, 0}};
	json_t *v;
	size_t i;
	int r;
	json_array_foreach(actions, i, v) {
		int64_t org;
		if (!json_is_object(v))
			return cu_error_set(CU_EINVALID, "field \"actions\" lists objects");
		if ((r = cu_json_check(v, f, 4)) != 0 ||
		    (r = cu_valid_text("text", cu_json_str(v, "text"), 1, 2000)) != 0)
			return r;
		if (cu_json_str(v, "org") &&
		    ((r = cu_org_id(c, &org, "org", cu_json_str(v, "org"))) != 0 ||
		     (r = check_assignee(c, members, case_id, org, cu_json_str(v, "org"))) != 0))
			return r;
		if (json_object_get(v, "request")) {
			json_t *rq = NULL;
			int64_t id = jint(v, "request");
			if (case_id == 0)
				return cu_error_set(CU_EINVALID, "field \"actions\": only a case's meeting "
				                    "links follow-up actions to requests");
			r = cu_store_request_get(c->store, &rq, id);
			bool same = r == 0 && jint(rq, "case_id") == case_id;
			json_decref(rq);
			if (r && r != CU_ENOTFOUND)
				return r;
			if (!same)
				return cu_error_set(CU_EINVALID, "field \"actions\": request %lld is not a "
				                    "request of this case", (long long)id);
		}
	}
	cu_error_clear();
	return 0;
}

static int add_actions(cu_core *c, int64_t meeting_id, const json_t *actions)
{
	json_t *v;
	size_t i;
	int r = 0;
	json_array_foreach(actions, i, v) {
		int64_t org = 0;
		if (cu_json_str(v, "org") && (r = cu_org_id(c, &org, "org", cu_json_str(v, "org"))))
			break;
		if ((r = cu_store_meeting_action_add(c->store, NULL, meeting_id, cu_json_str(v, "text"),
		                                     org, jint(v, "request"),
		                                     cu_json_str(v, "due_on"))) != 0)
			break;
	}
	return r;
}

static int record(cu_core *c, const cu_actor *a, json_t **out, int64_t id, const char *action,
                  const json_t *before)
{
	json_t *after = NULL;
	char idt[24];
	int r;
	if ((r = cu_store_meeting_get(c->store, &after, id)) != 0)
		return r;
	cu_id_text(idt, id);
	r = cu_core_event(c, a, action, "meeting", idt, jint(after, "case_id"), 0, before, after);
	*out = after;
	return r;
}

/*
 * Sessions: {title, closed, agenda, participants}; a closed one names whom it
 * is open to, each of them a participant of the meeting. A case's meeting has
 * none: its events, documents included, are on the case's timeline, which
 * every reader of the case sees.
 */
static int check_sessions(cu_core *c, const json_t *sessions, const json_t *members, bool coord)
{
	static const cu_jfield f[] = {{"title", CU_JSTR, true, 300}, {"closed", CU_JBOOL, false, 0},
	                              {"agenda", CU_JSTR, false, 4000},
	                              {"participants", CU_JARRAY, false, 0}};
	json_t *v, *ids = NULL, *code;
	size_t i, k;
	int r;
	json_array_foreach(sessions, i, v) {
		if (!json_is_object(v))
			return cu_error_set(CU_EINVALID, "field \"sessions\" lists objects");
		if ((r = cu_json_check(v, f, 4)) != 0 ||
		    (r = cu_valid_text("title", cu_json_str(v, "title"), 1, 300)) != 0)
			return r;
		const json_t *inv = json_object_get(v, "participants");
		if (coord && json_is_true(json_object_get(v, "closed")))
			return cu_error_set(CU_EINVALID, "session \"%.60s\": a case's meeting has no "
			                    "closed sessions (all who see the case see it); hold one as "
			                    "a separate event", cu_json_str(v, "title"));
		if (json_is_true(json_object_get(v, "closed")) && json_array_size(inv) == 0)
			return cu_error_set(CU_EINVALID, "session \"%.60s\": a closed session lists the "
			                    "organisations invited to it", cu_json_str(v, "title"));
		if ((r = org_ids(c, &ids, inv, "participants")) != 0)
			return r;
		json_t *id;
		json_array_foreach(ids, k, id) {
			if (!has_id(members, json_integer_value(id))) {
				code = json_array_get(inv, k);
				json_decref(ids);
				return cu_error_set(CU_EINVALID, "session \"%.60s\": organisation %s is not "
				                    "invited to the meeting", cu_json_str(v, "title"),
				                    json_string_value(code));
			}
		}
		json_decref(ids);
	}
	return 0;
}

int cu_meeting_create(cu_core *c, const cu_actor *a, json_t **out, const json_t *in)
{
	static const cu_jfield f[] = {
		{"kind", CU_JSTR, true, 20}, {"case", CU_JSTR, false, 64},
		{"title", CU_JSTR, true, 300}, {"held_on", CU_JDATE, true, 0},
		{"place", CU_JSTR, false, 200}, {"agenda", CU_JSTR, false, 4000},
		{"participants", CU_JARRAY, false, 0}, {"sessions", CU_JARRAY, false, 0},
		{"actions", CU_JARRAY, false, 0},
	};
	int64_t case_id = 0, id = 0;
	char now[CU_TS_LEN];
	json_t *members = NULL, *row = NULL, *s, *v;
	size_t i, k;
	int r;
	*out = NULL;
	if ((r = cu_json_check(in, f, sizeof(f) / sizeof(f[0]))) != 0 ||
	    (r = cu_valid_text("title", cu_json_str(in, "title"), 1, 300)) != 0)
		return r;
	const char *kind = cu_json_str(in, "kind");
	if (!kind_valid(kind))
		return cu_error_set(CU_EINVALID, "field \"kind\": unknown meeting kind \"%.20s\" "
		                    "(coordination, plenary, study_visit, conference, other)", kind);
	bool coord = !strcmp(kind, "coordination");
	if (coord != (cu_json_str(in, "case") != NULL))
		return cu_error_set(CU_EINVALID, coord ? "field \"case\": a coordination meeting "
		                    "belongs to a case" : "field \"case\": only a coordination "
		                    "meeting belongs to a case (a %s is a network's event)", kind);
	if (coord && ((r = cu_case_resolve(c, a, &case_id, cu_json_str(in, "case"))) != 0 ||
	              (r = cu_access_case(c, a, case_id, CU_OP_CONTRIBUTE)) != 0))
		return r;
	if (!coord && (r = cu_access_meeting(c, a, 0, a->org_id, true, CU_OP_CONTRIBUTE)) != 0)
		return r;
	if ((r = org_ids(c, &members, json_object_get(in, "participants"), "participants")) != 0)
		return r;
	if (!has_id(members, a->org_id))
		json_array_append_new(members, json_integer(a->org_id));
	/* A case's meeting is held among those who take part in the case. */
	json_array_foreach(members, i, v) {
		int part;
		char until[11];
		if (!coord)
			break;
		r = cu_store_case_access(c->store, &part, until, case_id, json_integer_value(v));
		if (r == CU_ENOTFOUND)
			r = cu_error_set(CU_EINVALID, "field \"participants\": organisation %s does not "
			                 "take part in the case", json_string_value(json_array_get(
			                 json_object_get(in, "participants"), i)));
		if (r)
			goto out;
	}
	if ((r = check_sessions(c, json_object_get(in, "sessions"), members, coord)) != 0 ||
	    (r = check_actions(c, json_object_get(in, "actions"), case_id, members)) != 0)
		goto out;
	cu_time_now(now);
	row = json_pack("{s:s,s:I,s:O,s:O,s:O?,s:I,s:O?,s:s,s:s}", "kind", kind,
	                "case_id", (json_int_t)case_id, "title", json_object_get(in, "title"),
	                "held_on", json_object_get(in, "held_on"),
	                "place", json_object_get(in, "place"),
	                "organiser_org_id", (json_int_t)a->org_id,
	                "agenda", json_object_get(in, "agenda"), "created_by", a->username,
	                "created_at", now);
	if (!row) {
		r = cu_error_set(CU_ENOMEM, "out of memory");
		goto out;
	}
	CU_TXN(c, r, {
		/* Inside the transaction: a case closed meanwhile holds no more meetings. */
		if ((coord && (r = cu_case_open_for(c, case_id, "coordination meetings")) != 0) ||
		    (r = cu_store_meeting_insert(c->store, &id, row)) != 0)
			break;
		json_array_foreach(members, i, v)
			if ((r = cu_store_meeting_participant_add(c->store, id, 0,
			                                          json_integer_value(v))) != 0)
				break;
		if (r)
			break;
		json_array_foreach(json_object_get(in, "sessions"), i, s) {
			int64_t sid;
			json_t *inv = NULL;
			if ((r = cu_store_meeting_session_insert(c->store, &sid, id, cu_json_str(s, "title"),
			                                         json_is_true(json_object_get(s, "closed")),
			                                         cu_json_str(s, "agenda"))) != 0 ||
			    (r = org_ids(c, &inv, json_object_get(s, "participants"), "participants")) != 0)
				break;
			json_array_foreach(inv, k, v)
				if ((r = cu_store_meeting_participant_add(c->store, id, sid,
				                                          json_integer_value(v))) != 0)
					break;
			json_decref(inv);
			if (r)
				break;
		}
		if (r || (r = add_actions(c, id, json_object_get(in, "actions"))) != 0)
			break;
		r = record(c, a, out, id, "meeting.create", NULL);
	});
	if (r == 0) {
		json_t *vw = view(c, a, *out);
		json_decref(*out);
		*out = vw;
	} else {
		json_decref(*out);
		*out = NULL;
	}
out:
	json_decref(members);
	json_decref(row);
	return r;
}

/* The ids of a stored meeting's participants, as check_actions takes them. */
static int member_ids(json_t **out, const json_t *doc)
{
	json_t *v;
	size_t i;
	if (!(*out = json_array()))
		return cu_error_set(CU_ENOMEM, "out of memory");
	json_array_foreach(json_object_get(doc, "participants"), i, v)
		json_array_append_new(*out, json_integer(jint(v, "org_id")));
	return 0;
}

int cu_meeting_outcome(cu_core *c, const cu_actor *a, json_t **out, int64_t id,
                       const json_t *in)
{
	static const cu_jfield f[] = {{"outcome", CU_JSTR, true, 8000},
	                              {"session", CU_JINT, false, 0},
	                              {"actions", CU_JARRAY, false, 0}};
	json_t *before = NULL, *members = NULL, *s;
	char now[CU_TS_LEN];
	int64_t sid = 0;
	size_t i;
	int r;
	*out = NULL;
	if ((r = cu_json_check(in, f, 3)) != 0 ||
	    (r = cu_valid_text("outcome", cu_json_str(in, "outcome"), 1, 8000)) != 0)
		return r;
	if ((r = load(c, a, &before, id, CU_OP_READ)) != 0)
		return r;
	sid = jint(in, "session");
	if (json_object_get(in, "session")) {
		const json_t *found = NULL;
		json_array_foreach(json_object_get(before, "sessions"), i, s)
			if (jint(s, "id") == sid)
				found = s;
		r = found ? access_session(c, a, before, found, CU_OP_CONTRIBUTE) : CU_ENOTFOUND;
		if (r == CU_ENOTFOUND)
			r = cu_error_set(r, "no session %lld in meeting %lld", (long long)sid,
			                 (long long)id);
	} else {
		r = access_doc(c, a, before, CU_OP_CONTRIBUTE);
	}
	/* Actions belong to the meeting: those who may change it add them. */
	if (r == 0 && json_array_size(json_object_get(in, "actions")) &&
	    ((r = access_doc(c, a, before, CU_OP_CONTRIBUTE)) != 0 ||
	     (r = member_ids(&members, before)) != 0 ||
	     (r = check_actions(c, json_object_get(in, "actions"), jint(before, "case_id"),
	                        members)) != 0))
		goto out;
	if (r)
		goto out;
	cu_time_now(now);
	CU_TXN(c, r, {
		/* A closed case's meetings are part of its content, which stays as closed. */
		if ((jint(before, "case_id") &&
		     (r = cu_case_open_for(c, jint(before, "case_id"), "meeting outcomes or "
		                           "actions")) != 0) ||
		    (r = cu_store_meeting_outcome(c->store, id, sid, cu_json_str(in, "outcome"),
		                                  now)) != 0 ||
		    (r = add_actions(c, id, json_object_get(in, "actions"))) != 0)
			break;
		r = record(c, a, out, id, sid ? "meeting.session_outcome" : "meeting.outcome", before);
	});
	if (r == 0) {
		json_t *vw = view(c, a, *out);
		json_decref(*out);
		*out = vw;
	} else {
		json_decref(*out);
		*out = NULL;
	}
out:
	json_decref(members);
	json_decref(before);
	return r;
}
