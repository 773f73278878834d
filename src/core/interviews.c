/* SPDX-License-Identifier: Apache-2.0 */
/*
 * core: the interview register — who interviewed which victim or witness (an
 * entity), when, in which case, under which authority and request, and which
 * evidence item holds the record. Planning an interview reports the earlier
 * interviews of the same person, across cases through the entity's hits:
 *
 *   planned interview ── entity ──hit── entity of another case ── interviews
 *                                         seen: the interview itself
 *                                         not seen: {org, month} only
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"

static int64_t jint(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* An earlier interview as the actor may know of it. */
static json_t *earlier(cu_core *c, const cu_actor *a, const json_t *iv, const char *via)
{
	bool seen = cu_access_case(c, a, jint(iv, "case_id"), CU_OP_READ) == 0;
	cu_error_clear();
	if (!seen) {
		/* As with a hit: that there is one, by whom, and the month. */
		char month[8];
		snprintf(month, sizeof(month), "%.7s", cu_json_str(iv, "on"));
		return json_pack("{s:b,s:s,s:s,s:s}", "visible", 0, "org", cu_json_str(iv, "org"),
		                 "month", month, "via", via);
	}
	return json_pack("{s:b,s:I,s:s,s:s,s:s,s:s,s:s,s:I,s:s}", "visible", 1, "interview",
	                 (json_int_t)jint(iv, "id"), "case", cu_json_str(iv, "case_reference"),
	                 "org", cu_json_str(iv, "org"), "on", cu_json_str(iv, "on"), "status",
	                 cu_json_str(iv, "status"), "role", cu_json_str(iv, "role"), "entity",
	                 (json_int_t)jint(iv, "entity_id"), "via", via);
}

/* Appends the held interviews of an entity other than `skip`. */
static int add_of_entity(cu_core *c, const cu_actor *a, json_t *list, int64_t entity,
                         int64_t skip, const char *via)
{
	json_t *ivs = NULL, *iv;
	size_t i;
	int r = cu_store_interviews_of_entity(c->store, &ivs, entity);
	if (r)
		return r;
	json_array_foreach(ivs, i, iv)
		if (jint(iv, "id") != skip && !strcmp(cu_json_str(iv, "status"), "held"))
			json_array_append_new(list, earlier(c, a, iv, via));
	json_decref(ivs);
	return 0;
}

/*
 * Earlier interviews of an interview's person: of the same entity, and of the
 * entities open hits link it to (not dismissed by the interview's side).
 */
static int report(cu_core *c, const cu_actor *a, json_t **out, const json_t *doc)
{
	int64_t entity = jint(doc, "entity_id");
	json_t *hits = NULL, *h;
	size_t i;
	int r;
	*out = json_array();
	if ((r = add_of_entity(c, a, *out, entity, jint(doc, "id"), "same_entity")) != 0 ||
	    (r = cu_store_hit_ids_of(c->store, &hits, entity)) != 0)
		goto out;
	json_array_foreach(hits, i, h) {
		bool mine_a = jint(h, "entity_a") == entity;
		const char *review = cu_json_str(h, mine_a ? "review_a" : "review_b");
		if (strcmp(cu_json_str(h, "state"), "open") || (review && !strcmp(review, "dismissed")))
			continue;
		if ((r = add_of_entity(c, a, *out, jint(h, mine_a ? "entity_b" : "entity_a"), 0,
		                       "hit")) != 0)
			goto out;
	}
out:
	json_decref(hits);
	if (r) {
		json_decref(*out);
		*out = NULL;
	}
	return r;
}

static json_t *view(cu_core *c, const cu_actor *a, const json_t *doc)
{
	json_t *v = json_deep_copy(doc), *rep = NULL;
	if (!strcmp(cu_json_str(doc, "status"), "planned") && report(c, a, &rep, doc) == 0)
		json_object_set_new(v, "earlier_interviews", rep);
	return v;
}

static int load(cu_core *c, const cu_actor *a, json_t **out, int64_t id)
{
	int r = cu_store_interview_get(c->store, out, id);
	if (r)
		return r;
	if ((r = cu_access_case(c, a, jint(*out, "case_id"), CU_OP_READ)) == CU_ENOTFOUND)
		r = cu_error_set(r, "no interview %lld", (long long)id);
	if (r) {
		json_decref(*out);
		*out = NULL;
	}
	return r;
}

int cu_interview_get(cu_core *c, const cu_actor *a, json_t **out, int64_t id)
{
	json_t *doc = NULL;
	int r = load(c, a, &doc, id);
	*out = r ? NULL : view(c, a, doc);
	json_decref(doc);
	return r;
}

int cu_interview_list(cu_core *c, const cu_actor *a, json_t **out, const json_t *filter)
{
	static const cu_jfield f[] = {{"case", CU_JSTR, false, 64}, {"entity", CU_JINT, false, 0},
	                              {"limit", CU_JINT, false, 0}, {"before", CU_JINT, false, 0}};
	int64_t case_id = 0;
	json_t *ids = NULL, *v;
	size_t i;
	int r;
	*out = NULL;
	if (filter && (r = cu_json_check(filter, f, sizeof(f) / sizeof(f[0]))) != 0)
		return r;
	int64_t lim = cu_json_int(filter, "limit", 1000);
	if (lim < 1 || lim > 1000)
		return cu_error_set(CU_EINVALID, "limit is between 1 and 1000");
	if (cu_json_str(filter, "case") &&
	    ((r = cu_case_resolve(c, a, &case_id, cu_json_str(filter, "case"))) != 0 ||
	     (r = cu_access_case(c, a, case_id, CU_OP_READ)) != 0))
		return r;
	if ((r = cu_store_interview_ids(c->store, &ids, a->org_id, case_id,
	                                cu_json_int(filter, "entity", 0),
	                                cu_json_int(filter, "before", 0), (int)lim)) != 0)
		return r;
	*out = json_array();
	json_array_foreach(ids, i, v) {
		json_t *doc = NULL;
		int q = load(c, a, &doc, json_integer_value(v));
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

/* An entity, request or item of the case (id > 0), else refused naming the field. */
static int same_case(cu_core *c, const char *field, int64_t id, int64_t case_id, bool person)
{
	json_t *o = NULL;
	int r = !strcmp(field, "entity") ? cu_store_entity_get(c->store, &o, id)
	        : !strcmp(field, "request") ? cu_store_request_get(c->store, &o, id)
	        : cu_store_item_get(c->store, &o, id);
	bool ok = r == 0 && jint(o, "case_id") == case_id &&
	          (!person || !strcmp(cu_json_str(o, "kind"), "person"));
	json_decref(o);
	if (r && r != CU_ENOTFOUND)
		return r;
	cu_error_clear();
	if (!ok)
		return cu_error_set(CU_EINVALID, "field \"%s\": %lld is not %s of this case", field,
		                    (long long)id, person ? "a person" : !strcmp(field, "request")
		                    ? "a request" : "an evidence item");
	return 0;
}

int cu_interview_create(cu_core *c, const cu_actor *a, json_t **out, const json_t *in)
{
	static const cu_jfield f[] = {
		{"case", CU_JSTR, true, 64}, {"entity", CU_JINT, true, 0},
		{"role", CU_JSTR, true, 10}, {"status", CU_JSTR, false, 10},
		{"on", CU_JDATE, true, 0}, {"interviewer", CU_JSTR, false, 200},
		{"authority", CU_JSTR, false, 500}, {"request", CU_JINT, false, 0},
		{"record_item", CU_JINT, false, 0}, {"notes", CU_JSTR, false, 4000},
	};
	int64_t case_id, id = 0;
	char now[CU_TS_LEN], today[11];
	json_t *row = NULL, *doc = NULL;
	int r;
	*out = NULL;
	if ((r = cu_json_check(in, f, sizeof(f) / sizeof(f[0]))) != 0)
		return r;
	const char *role = cu_json_str(in, "role"), *status = cu_json_str(in, "status");
	if (!status)
		status = "held";
	if (strcmp(role, "victim") && strcmp(role, "witness"))
		return cu_error_set(CU_EINVALID, "field \"role\": \"%.10s\" is not victim or witness",
		                    role);
	if (strcmp(status, "planned") && strcmp(status, "held"))
		return cu_error_set(CU_EINVALID, "field \"status\": \"%.10s\" is not planned or held",
		                    status);
	cu_date_today(today);
	if (!strcmp(status, "held") && strcmp(cu_json_str(in, "on"), today) > 0)
		return cu_error_set(CU_EINVALID, "field \"on\": an interview held on %s is in the "
		                    "future (plan it: status planned)", cu_json_str(in, "on"));
	/* A plan is for today or later; one that already took place is recorded as held. */
	if (!strcmp(status, "planned") && strcmp(cu_json_str(in, "on"), today) < 0)
		return cu_error_set(CU_EINVALID, "field \"on\": an interview planned for %s is in "
		                    "the past (today is %s); record one already held with status held",
		                    cu_json_str(in, "on"), today);
	if ((r = cu_case_resolve(c, a, &case_id, cu_json_str(in, "case"))) != 0 ||
	    (r = cu_access_case(c, a, case_id, CU_OP_CONTRIBUTE)) != 0 ||
	    (r = cu_case_open_for(c, case_id, "interviews")) != 0 ||
	    (r = same_case(c, "entity", jint(in, "entity"), case_id, true)) != 0 ||
	    (json_object_get(in, "request") &&
	     (r = same_case(c, "request", jint(in, "request"), case_id, false)) != 0) ||
	    (json_object_get(in, "record_item") &&
	     (r = same_case(c, "record_item", jint(in, "record_item"), case_id, false)) != 0))
		return r;
	cu_time_now(now);
	row = json_pack("{s:I,s:I,s:s,s:s,s:O,s:I,s:O?,s:O?,s:I,s:I,s:O?,s:s,s:s}",
	                "case_id", (json_int_t)case_id, "entity_id", (json_int_t)jint(in, "entity"),
	                "role", role, "status", status, "on", json_object_get(in, "on"),
	                "org_id", (json_int_t)a->org_id,
	                "interviewer", json_object_get(in, "interviewer"),
	                "authority", json_object_get(in, "authority"),
	                "request_id", (json_int_t)jint(in, "request"),
	                "record_item_id", (json_int_t)jint(in, "record_item"),
	                "notes", json_object_get(in, "notes"), "created_by", a->username,
	                "created_at", now);
	if (!row)
		return cu_error_set(CU_ENOMEM, "out of memory");
	CU_TXN(c, r, {
		char idt[24];
		if ((r = cu_store_interview_insert(c->store, &id, row)) != 0 ||
		    (r = cu_store_interview_get(c->store, &doc, id)) != 0)
			break;
		cu_id_text(idt, id);
		r = cu_core_event(c, a, "interview.create", "interview", idt, case_id, 0, NULL, doc);
	});
	json_decref(row);
	if (r == 0)
		*out = view(c, a, doc);
	json_decref(doc);
	return r;
}
