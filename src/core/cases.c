/* SPDX-License-Identifier: Apache-2.0 */
/* core: cases, their participants and their timeline. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"

static bool access_valid(const char *v)
{
	return v && (!strcmp(v, "owner") || !strcmp(v, "participant") || !strcmp(v, "observer"));
}

static bool status_valid(const char *v)
{
	return v && (!strcmp(v, "open") || !strcmp(v, "closed") || !strcmp(v, "archived"));
}

/* The codes that contain what was given ("fraud"), or else all of them. */
static int unknown_crime_type(cu_core *c, const char *given)
{
	json_t *all = NULL, *t;
	size_t i, o = 0, near = 0;
	char codes[1024] = "";
	if (cu_crime_type_list(c, &all) == 0) {
		for (int pass = 0; pass < 2 && near == 0; pass++)
			json_array_foreach(all, i, t) {
				const char *code = cu_json_str(t, "code");
				if (!code || (pass == 0 && (!given[0] || !strstr(code, given))))
					continue;
				near += pass == 0;
				if (o < sizeof(codes))
					o += (size_t)snprintf(codes + o, sizeof(codes) - o, "%s%s", o ? ", " : "",
					                      code);
			}
	}
	json_decref(all);
	return cu_error_set(CU_EINVALID, "field \"crime_types\": unknown crime type \"%.64s\"; %s %s%s",
	                    given, near ? "did you mean" : "the crime types are", codes,
	                    near ? "?" : "");
}

static int check_crime_types(cu_core *c, const json_t *types)
{
	size_t i;
	json_t *t;
	if (!json_is_array(types) || json_array_size(types) == 0)
		return cu_error_set(CU_EINVALID, "field \"crime_types\" must list at least one crime "
		                    "type");
	if (json_array_size(types) > 20)
		return cu_error_set(CU_EINVALID, "field \"crime_types\" lists too many crime types");
	json_array_foreach(types, i, t) {
		if (!json_is_string(t) || !cu_store_crime_type_exists(c->store, json_string_value(t)))
			return unknown_crime_type(c, json_is_string(t) ? json_string_value(t) : "?");
	}
	return 0;
}

static int check_participant(const json_t *p)
{
	static const cu_jfield f[] = {
		{"org", CU_JSTR, true, 16}, {"access", CU_JSTR, false, 16},
		{"national_ref", CU_JSTR, false, 64},
	};
	int r;
	if ((r = cu_json_check(p, f, sizeof(f) / sizeof(f[0]))) != 0)
		return r;
	const char *acc = cu_json_str(p, "access");
	if (acc && !access_valid(acc))
		return cu_error_set(CU_EINVALID, "field \"access\" must be owner, participant or "
		                    "observer");
	return 0;
}

/* The case state allows changes of its content: open, not closed or archived. */
static int case_writable(const json_t *doc)
{
	const char *st = cu_json_str(doc, "status");
	if (st && strcmp(st, "open") != 0)
		return cu_error_set(CU_ECONFLICT, "case %s is %s: reopen it first",
		                    cu_json_str(doc, "reference"), st);
	return 0;
}

int cu_case_open_for(cu_core *c, int64_t case_id, const char *what)
{
	json_t *doc = NULL;
	int r = cu_store_case_get(c->store, &doc, case_id);
	if (r)
		return r == CU_ENOTFOUND ? cu_error_set(r, "no case %lld", (long long)case_id) : r;
	const char *st = cu_json_str(doc, "status");
	if (st && strcmp(st, "open") != 0)
		r = cu_error_set(CU_ECONFLICT, "case %s is %s: no new %s", cu_json_str(doc, "reference"),
		                 st, what);
	json_decref(doc);
	return r;
}

int cu_case_create(cu_core *c, const cu_actor *a, json_t **out, const json_t *in)
{
	static const cu_jfield f[] = {
		{"title", CU_JSTR, true, 300}, {"crime_types", CU_JARRAY, true, 0},
		{"opened_on", CU_JDATE, false, 0}, {"retention_review_on", CU_JDATE, false, 0},
		{"national_ref", CU_JSTR, false, 64}, {"participants", CU_JARRAY, false, 0},
	};
	char today[11], review[11], ref[16], now[CU_TS_LEN], idt[24];
	json_t *parts = json_object_get(in, "participants"), *p, *row = NULL;
	int64_t id = 0;
	size_t i;
	int r;
	*out = NULL;
	if ((r = cu_json_check(in, f, sizeof(f) / sizeof(f[0]))) != 0 ||
	    (r = cu_valid_text("title", cu_json_str(in, "title"), 1, 300)) != 0 ||
	    (r = check_crime_types(c, json_object_get(in, "crime_types"))) != 0)
		return r;
	json_array_foreach(parts, i, p)
		if ((r = check_participant(p)) != 0)
			return r;
	if (strcmp(a->role, "admin") && strcmp(a->role, "prosecutor"))
		return cu_error_set(CU_EDENIED, "a user with role %s may not open a case", a->role);
	cu_date_today(today);
	const char *opened = cu_json_str(in, "opened_on") ? cu_json_str(in, "opened_on") : today;
	if (strcmp(opened, today) > 0)
		return cu_error_set(CU_EINVALID, "field \"opened_on\": %s is in the future (a case is "
		                    "opened the day it is registered, or earlier)", opened);
	/* Reg. (EU) 2018/1727 art. 29: review the need to keep data every three years. */
	if (cu_json_str(in, "retention_review_on"))
		snprintf(review, sizeof(review), "%s", cu_json_str(in, "retention_review_on"));
	else
		cu_date_add_years(review, opened, 3);
	if (strcmp(review, opened) < 0)
		return cu_error_set(CU_EINVALID, "field \"retention_review_on\" is before the case "
		                    "was opened");
	cu_time_now(now);
	CU_TXN(c, r, {
		r = cu_store_case_next_reference(c->store, ref, (int)strtol(opened, NULL, 10));
		if (r == 0) {
			row = json_pack("{s:s,s:O,s:s,s:I,s:s,s:s,s:s,s:O}", "reference", ref, "title",
			                json_object_get(in, "title"), "status", "open",
			                "requesting_org_id", (json_int_t)a->org_id, "opened_on", opened,
			                "retention_review_on", review, "created_at", now, "crime_types",
			                json_object_get(in, "crime_types"));
			r = cu_store_case_insert(c->store, &id, row);
		}
		if (r == 0)
			r = cu_store_participant_set(c->store, id, a->org_id, "owner",
			                             cu_json_str(in, "national_ref"), now);
		json_array_foreach(parts, i, p) {
			int64_t org;
			if (r || (r = cu_org_id(c, &org, "participants.org", cu_json_str(p, "org"))))
				break;
			if (org == a->org_id) {
				r = cu_error_set(CU_EINVALID, "participants: %s is the requesting "
				                 "organisation", a->org);
				break;
			}
			const char *acc = cu_json_str(p, "access");
			r = cu_store_participant_set(c->store, id, org, acc ? acc : "participant",
			                             cu_json_str(p, "national_ref"), now);
		}
		if (r == 0 && (r = cu_store_case_get(c->store, out, id)) == 0) {
			cu_id_text(idt, id);
			r = cu_core_event(c, a, "case.create", "case", idt, id, 0, NULL, *out);
		}
	});
	json_decref(row);
	if (r) {
		json_decref(*out);
		*out = NULL;
	}
	return r;
}

int cu_case_resolve(cu_core *c, const cu_actor *a, int64_t *out, const char *ref)
{
	char *end;
	int r;
	if (!ref || !*ref)
		return cu_error_set(CU_EINVALID, "no case given");
	long long v = strtoll(ref, &end, 10);
	if (*end == '\0' && v > 0 && cu_access_case(c, a, v, CU_OP_READ) == 0) {
		*out = v;
	} else if ((r = cu_store_case_find(c->store, out, ref, a->org_id)) != 0) {
		return r == CU_ENOTFOUND ? cu_error_set(r, "no case \"%.64s\"", ref) : r;
	}
	if ((r = cu_access_case(c, a, *out, CU_OP_READ)) != 0)
		return cu_error_set(r, "no case \"%.64s\"", ref);
	return 0;
}

int cu_case_get(cu_core *c, const cu_actor *a, json_t **out, int64_t id)
{
	int r;
	*out = NULL;
	if ((r = cu_access_case(c, a, id, CU_OP_READ)) != 0)
		return r;
	return cu_store_case_get(c->store, out, id);
}

int cu_case_list(cu_core *c, const cu_actor *a, cu_buf *out, const cu_case_filter *in)
{
	cu_case_filter f = *in;
	int64_t next = 0;
	int n = 0, r;
	if (f.limit <= 0)
		f.limit = 50;
	if (f.limit > 500)
		return cu_error_set(CU_EINVALID, "limit must be 1-500");
	if (f.status && !status_valid(f.status))
		return cu_error_set(CU_EINVALID, "status must be open, closed or archived");
	if (f.crime_type && !cu_store_crime_type_exists(c->store, f.crime_type))
		return cu_error_set(CU_EINVALID, "unknown crime type \"%.64s\"", f.crime_type);
	if (f.country && (r = cu_valid_country("country", f.country)) != 0)
		return r;
	if (f.q && (r = cu_valid_text("q", f.q, 0, 200)) != 0)
		return r;
	if ((r = cu_buf_puts(out, "{\"items\":[")) != 0 ||
	    (r = cu_store_case_list(c->store, out, &next, &n, a->org_id, &f)) != 0)
		return r;
	if (next)
		return cu_buf_printf(out, "],\"count\":%d,\"next\":%lld}", n, (long long)next);
	return cu_buf_printf(out, "],\"count\":%d,\"next\":null}", n);
}

int cu_case_update(cu_core *c, const cu_actor *a, json_t **out, int64_t id, const json_t *in)
{
	static const cu_jfield f[] = {
		{"title", CU_JSTR, false, 300}, {"crime_types", CU_JARRAY, false, 0},
		{"retention_review_on", CU_JDATE, false, 0}, {"status", CU_JSTR, false, 16},
		{"reason", CU_JSTR, false, 2000},
	};
	json_t *before = NULL, *upd = NULL;
	const char *status = cu_json_str(in, "status");
	char now[CU_TS_LEN], today[11], idt[24];
	int r;
	*out = NULL;
	if ((r = cu_json_check(in, f, sizeof(f) / sizeof(f[0]))) != 0)
		return r;
	if (cu_json_str(in, "title") && (r = cu_valid_text("title", cu_json_str(in, "title"), 1,
	                                                   300)) != 0)
		return r;
	if (json_object_get(in, "crime_types") &&
	    (r = check_crime_types(c, json_object_get(in, "crime_types"))) != 0)
		return r;
	if (status && !status_valid(status))
		return cu_error_set(CU_EINVALID, "field \"status\" must be open, closed or archived");
	const char *reason = cu_json_str(in, "reason");
	if (reason && (!status || (r = cu_valid_text("reason", reason, 1, 2000)) != 0))
		return status ? r : cu_error_set(CU_EINVALID, "field \"reason\" goes with a change of "
		                                 "\"status\" (why the case is reopened, closed or "
		                                 "archived)");
	if (json_object_size(in) == 0)
		return cu_error_set(CU_EINVALID, "nothing to change");
	if ((r = cu_access_case(c, a, id, CU_OP_MANAGE)) != 0)
		return r;
	cu_time_now(now);
	cu_date_today(today);
	CU_TXN(c, r, {
		if ((r = cu_store_case_get(c->store, &before, id)) != 0)
			break;
		const char *cur = cu_json_str(before, "status");
		bool content = json_object_get(in, "title") || json_object_get(in, "crime_types");
		if (!strcmp(cur, "archived")) {
			r = cu_error_set(CU_ECONFLICT, "case %s is archived: it can no longer change",
			                 cu_json_str(before, "reference"));
		} else if (status && !strcmp(status, "archived") && strcmp(cur, "closed") != 0) {
			r = cu_error_set(CU_ECONFLICT, "only a closed case can be archived");
		} else if (status && !strcmp(status, cur) && !content &&
		           !json_object_get(in, "retention_review_on")) {
			/* Nothing would change; a reason for it would stand on record. */
			r = cu_error_set(CU_ECONFLICT, "case %s is already %s",
			                 cu_json_str(before, "reference"), cur);
		} else if (content && strcmp(cur, "open") != 0 &&
		           !(status && !strcmp(status, "open"))) {
			r = case_writable(before);
		}
		if (r)
			break;
		upd = json_deep_copy(in);
		json_object_del(upd, "reason"); /* the event's, not the case's */
		json_object_set_new(upd, "updated_at", json_string(now));
		if (status && !strcmp(status, "closed") && strcmp(cur, "closed") != 0)
			json_object_set_new(upd, "closed_on", json_string(today));
		if ((r = cu_store_case_update(c->store, id, upd)) == 0 &&
		    (r = cu_store_case_get(c->store, out, id)) == 0) {
			json_t *after = json_deep_copy(*out);
			if (reason)
				json_object_set_new(after, "reason", json_string(reason));
			cu_id_text(idt, id);
			r = cu_core_event(c, a, "case.update", "case", idt, id, 0, before, after);
			json_decref(after);
		}
	});
	json_decref(before);
	json_decref(upd);
	if (r) {
		json_decref(*out);
		*out = NULL;
	}
	return r;
}

int cu_case_close(cu_core *c, const cu_actor *a, json_t **out, int64_t id, const json_t *in)
{
	static const cu_jfield f[] = {{"reason", CU_JSTR, false, 2000}};
	json_t *before = NULL, *upd;
	char now[CU_TS_LEN], today[11], idt[24];
	int r;
	*out = NULL;
	if (in && (r = cu_json_check(in, f, 1)) != 0)
		return r;
	if ((r = cu_access_case(c, a, id, CU_OP_MANAGE)) != 0)
		return r;
	cu_time_now(now);
	cu_date_today(today);
	upd = json_pack("{s:s,s:s,s:s}", "status", "closed", "closed_on", today, "updated_at", now);
	CU_TXN(c, r, {
		if ((r = cu_store_case_get(c->store, &before, id)) != 0)
			break;
		if (!strcmp(cu_json_str(before, "status"), "closed")) {
			r = cu_error_set(CU_ECONFLICT, "case %s is already closed (since %s)",
			                 cu_json_str(before, "reference"),
			                 cu_json_str(before, "closed_on") ? cu_json_str(before, "closed_on")
			                                                  : "?");
			break;
		}
		if ((r = case_writable(before)) != 0)
			break;
		if ((r = cu_store_case_update(c->store, id, upd)) == 0 &&
		    (r = cu_store_case_get(c->store, out, id)) == 0) {
			json_t *after = json_deep_copy(*out);
			if (in && cu_json_str(in, "reason"))
				json_object_set(after, "reason", json_object_get(in, "reason"));
			cu_id_text(idt, id);
			r = cu_core_event(c, a, "case.close", "case", idt, id, 0, before, after);
			json_decref(after);
		}
	});
	json_decref(before);
	json_decref(upd);
	if (r) {
		json_decref(*out);
		*out = NULL;
	}
	return r;
}

/* The participant entry of org in a case document, or NULL. */
static json_t *find_participant(const json_t *doc, const char *org)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(doc, "participants"), i, p)
		if (!strcmp(cu_json_str(p, "org"), org))
			return p;
	return NULL;
}

int cu_participant_add(cu_core *c, const cu_actor *a, json_t **out, int64_t case_id,
                       const json_t *in)
{
	json_t *before = NULL;
	char now[CU_TS_LEN], idt[24];
	int64_t org;
	int r;
	*out = NULL;
	if ((r = check_participant(in)) != 0)
		return r;
	if ((r = cu_access_case(c, a, case_id, CU_OP_MANAGE)) != 0)
		return r;
	if ((r = cu_org_id(c, &org, "org", cu_json_str(in, "org"))) != 0)
		return r;
	const char *acc = cu_json_str(in, "access");
	cu_time_now(now);
	CU_TXN(c, r, {
		if ((r = cu_store_case_get(c->store, &before, case_id)) != 0 ||
		    (r = case_writable(before)) != 0)
			break;
		if (find_participant(before, cu_json_str(in, "org"))) {
			r = cu_error_set(CU_EEXISTS, "%s already participates in case %s",
			                 cu_json_str(in, "org"), cu_json_str(before, "reference"));
			break;
		}
		if ((r = cu_store_participant_set(c->store, case_id, org, acc ? acc : "participant",
		                                  cu_json_str(in, "national_ref"), now)) == 0 &&
		    (r = cu_store_case_get(c->store, out, case_id)) == 0) {
			cu_id_text(idt, case_id);
			r = cu_core_event(c, a, "case.participant_add", "case", idt, case_id, 0,
			                  before, *out);
		}
	});
	json_decref(before);
	if (r) {
		json_decref(*out);
		*out = NULL;
	}
	return r;
}

int cu_participant_update(cu_core *c, const cu_actor *a, json_t **out, int64_t case_id,
                          const char *org, const json_t *in)
{
	static const cu_jfield f[] = {
		{"access", CU_JSTR, false, 16}, {"national_ref", CU_JSTR, false, 64},
	};
	json_t *before = NULL;
	char idt[24];
	int64_t org_id;
	int r;
	*out = NULL;
	if ((r = cu_json_check(in, f, sizeof(f) / sizeof(f[0]))) != 0)
		return r;
	const char *acc = cu_json_str(in, "access");
	if (acc && !access_valid(acc))
		return cu_error_set(CU_EINVALID, "field \"access\" must be owner, participant or "
		                    "observer");
	/*
	 * An organisation records its own national case number; access levels
	 * are the owners' decision.
	 */
	bool own_number = !acc && !strcmp(org, a->org);
	if ((r = cu_access_case(c, a, case_id, own_number ? CU_OP_READ : CU_OP_MANAGE)) != 0)
		return r;
	if (own_number && strcmp(a->role, "admin") && strcmp(a->role, "prosecutor"))
		return cu_error_set(CU_EDENIED, "a user with role %s may not change the national "
		                    "case number", a->role);
	if ((r = cu_org_id(c, &org_id, "org", org)) != 0)
		return r;
	CU_TXN(c, r, {
		if ((r = cu_store_case_get(c->store, &before, case_id)) != 0 ||
		    (r = case_writable(before)) != 0)
			break;
		json_t *p = find_participant(before, org);
		if (!p) {
			r = cu_error_set(CU_ENOTFOUND, "%s does not participate in this case", org);
			break;
		}
		if (acc && strcmp(acc, "owner") && !strcmp(cu_json_str(p, "access"), "owner") &&
		    !strcmp(cu_json_str(before, "requesting_org"), org)) {
			r = cu_error_set(CU_ECONFLICT, "the requesting organisation stays an owner");
			break;
		}
		if ((r = cu_store_participant_set(c->store, case_id, org_id, acc,
		                                  cu_json_str(in, "national_ref"), NULL)) == 0 &&
		    (r = cu_store_case_get(c->store, out, case_id)) == 0) {
			cu_id_text(idt, case_id);
			r = cu_core_event(c, a, "case.participant_update", "case", idt, case_id, 0,
			                  before, *out);
		}
	});
	json_decref(before);
	if (r) {
		json_decref(*out);
		*out = NULL;
	}
	return r;
}

int cu_participant_remove(cu_core *c, const cu_actor *a, int64_t case_id, const char *org)
{
	json_t *before = NULL, *after = NULL;
	char idt[24];
	int64_t org_id;
	int r;
	if ((r = cu_access_case(c, a, case_id, CU_OP_MANAGE)) != 0)
		return r;
	if ((r = cu_org_id(c, &org_id, "org", org)) != 0)
		return r;
	CU_TXN(c, r, {
		if ((r = cu_store_case_get(c->store, &before, case_id)) != 0 ||
		    (r = case_writable(before)) != 0)
			break;
		if (!strcmp(cu_json_str(before, "requesting_org"), org)) {
			r = cu_error_set(CU_ECONFLICT, "the requesting organisation cannot leave its "
			                 "case");
			break;
		}
		if ((r = cu_store_participant_remove(c->store, case_id, org_id)) == 0 &&
		    (r = cu_store_case_get(c->store, &after, case_id)) == 0) {
			cu_id_text(idt, case_id);
			r = cu_core_event(c, a, "case.participant_remove", "case", idt, case_id, 0,
			                  before, after);
		}
	});
	json_decref(before);
	json_decref(after);
	return r;
}

int cu_case_events(cu_core *c, const cu_actor *a, json_t **out, int64_t case_id,
                   int64_t after, int limit)
{
	int r;
	*out = NULL;
	bool all = false;
	if ((r = cu_access_case(c, a, case_id, CU_OP_READ)) != 0 ||
	    (r = cu_store_case_evidence_all(c->store, &all, case_id, a->org_id)) != 0)
		return r;
	if (limit <= 0 || limit > 1000)
		limit = 1000;
	if (all)
		return cu_store_event_list(c->store, out, case_id, 0, after, limit);
	/*
	 * Seeing the case through a JIT one only participates in (the ICC):
	 * the events of items one may not see are not on one's timeline either.
	 * Pages stay full: read on until `limit` events or the end.
	 */
	*out = json_array();
	for (;;) {
		json_t *batch = NULL, *e;
		size_t i;
		if ((r = cu_store_event_list(c->store, &batch, case_id, 0, after, limit)) != 0)
			break;
		json_array_foreach(batch, i, e) {
			after = json_integer_value(json_object_get(e, "seq"));
			const char *type = cu_json_str(e, "object_type");
			int64_t item = 0;
			if (type && !strcmp(type, "evidence") &&
			    (cu_id_parse(&item, cu_json_str(e, "object_id")) != 0 ||
			     cu_evidence_visible(c, a, item) != 0))
				continue;
			json_array_append(*out, e);
			if (json_array_size(*out) == (size_t)limit)
				break;
		}
		size_t got = json_array_size(batch);
		json_decref(batch);
		if (got < (size_t)limit || json_array_size(*out) == (size_t)limit)
			break;
	}
	if (r) {
		json_decref(*out);
		*out = NULL;
	}
	return r;
}
