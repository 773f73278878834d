/* SPDX-License-Identifier: Apache-2.0 */
/*
 * core: sharing evidence outside its case (grants), with the originator's
 * consent, and retention (legal triggers, reviews, holds).
 */
#include <stdio.h>
#include <string.h>

#include "core/internal.h"

/* The parties of a grant: grantor, receiver, and the originators of its items. */
static bool grant_party(const json_t *g, const char *org)
{
	size_t i;
	json_t *it;
	if (!strcmp(cu_json_str(g, "org"), org) || !strcmp(cu_json_str(g, "grantor_org"), org))
		return true;
	json_array_foreach(json_object_get(g, "items"), i, it)
		if (!strcmp(cu_json_str(it, "originator"), org))
			return true;
	return false;
}

/*
 * What one party of a grant sees of its items: the grantor all of them; the
 * receiver those whose originator consented, and nothing of the others (not
 * even a title, nor that an originator refused); an originator its own.
 */
static void grant_view(json_t *g, const cu_actor *a)
{
	if (!strcmp(cu_json_str(g, "grantor_org"), a->org))
		return;
	bool receiver = !strcmp(cu_json_str(g, "org"), a->org);
	json_t *items = json_object_get(g, "items");
	for (size_t i = json_array_size(items); i-- > 0;) {
		json_t *it = json_array_get(items, i);
		bool own = !strcmp(cu_json_str(it, "originator"), a->org);
		bool consented = !strcmp(cu_json_str(it, "consent"), "given");
		if (!own && !(receiver && consented))
			json_array_remove(items, i);
	}
}

static int custody(cu_core *c, const cu_actor *a, int64_t item, const char *event,
                   const char *reason, int64_t grant)
{
	json_t *d = json_pack("{s:I}", "grant_id", (json_int_t)grant);
	int r = cu_core_custody(c, NULL, item, event, a->username, a->org, reason, d);
	json_decref(d);
	return r;
}

int cu_grant_create(cu_core *c, const cu_actor *a, json_t **out, const json_t *in)
{
	static const cu_jfield f[] = {
		{"case", CU_JSTR, true, 64}, {"items", CU_JARRAY, true, 0}, {"org", CU_JSTR, true, 16},
		{"legal_basis", CU_JSTR, true, 2000}, {"expires_on", CU_JDATE, false, 0},
	};
	json_t *v, *copy = json_deep_copy(in);
	char now[CU_TS_LEN], today[11], gt[24];
	int64_t case_id, org, gid = 0;
	size_t i;
	int r;
	*out = NULL;
	/* The case may come as an id number. */
	if (json_is_integer(json_object_get(copy, "case"))) {
		char buf[24];
		cu_id_text(buf, json_integer_value(json_object_get(copy, "case")));
		json_object_set_new(copy, "case", json_string(buf));
	}
	if ((r = cu_json_check(copy, f, sizeof(f) / sizeof(f[0]))) != 0 ||
	    (r = cu_valid_text("legal_basis", cu_json_str(copy, "legal_basis"), 1, 2000)) != 0)
		goto out;
	json_t *items = json_object_get(copy, "items");
	if (json_array_size(items) == 0 || json_array_size(items) > 1000) {
		r = cu_error_set(CU_EINVALID, "field \"items\" must name 1 to 1000 items");
		goto out;
	}
	for (size_t x = 0; x < json_array_size(items); x++)
		for (size_t y = x + 1; y < json_array_size(items); y++)
			if (json_equal(json_array_get(items, x), json_array_get(items, y))) {
				r = cu_error_set(CU_EINVALID, "field \"items\" names item %lld twice",
				                 (long long)json_integer_value(json_array_get(items, x)));
				goto out;
			}
	cu_date_today(today);
	if (cu_json_str(copy, "expires_on") && strcmp(cu_json_str(copy, "expires_on"), today) < 0) {
		r = cu_error_set(CU_EINVALID, "field \"expires_on\" is in the past");
		goto out;
	}
	if ((r = cu_case_resolve(c, a, &case_id, cu_json_str(copy, "case"))) != 0 ||
	    (r = cu_access_case(c, a, case_id, CU_OP_CONTRIBUTE)) != 0 ||
	    (r = cu_org_id(c, &org, "org", cu_json_str(copy, "org"))) != 0)
		goto out;
	/* Making evidence available outside the case is a decision, as consenting
	 * to it and revoking it are: a prosecutor's or an administrator's (an
	 * analyst could share with the ICC what only a prosecutor could undo). */
	if (strcmp(a->role, "admin") && strcmp(a->role, "prosecutor")) {
		r = cu_error_set(CU_EDENIED, "a user with role %s may not share evidence outside the "
		                 "case (a prosecutor or an administrator of %s may)", a->role, a->org);
		goto out;
	}
	int part = 0;
	char until[11];
	if (cu_store_case_access(c->store, &part, until, case_id, org) == 0 && part > 0) {
		r = cu_error_set(CU_EINVALID, "%s already takes part in the case",
		                 cu_json_str(copy, "org"));
		goto out;
	}
	cu_time_now(now);
	CU_TXN(c, r, {
		if ((r = cu_store_grant_insert(c->store, &gid, case_id, org, a->org_id,
		                               cu_json_str(copy, "legal_basis"), a->username, now,
		                               cu_json_str(copy, "expires_on"))) != 0)
			break;
		json_array_foreach(items, i, v) {
			json_t *item = NULL;
			if (!json_is_integer(v)) {
				r = cu_error_set(CU_EINVALID, "field \"items\" lists item ids");
				break;
			}
			int64_t id = json_integer_value(v);
			bool all = false;
			r = cu_store_item_get(c->store, &item, id);
			if (r == 0 && json_integer_value(json_object_get(item, "case_id")) != case_id)
				r = CU_ENOTFOUND;
			/* One shares only what one sees. */
			if (r == 0 && (r = cu_store_case_evidence_all(c->store, &all, case_id,
			                                              a->org_id)) == 0 && !all &&
			    strcmp(cu_json_str(item, "originator"), a->org) != 0)
				r = CU_ENOTFOUND;
			if (r == CU_ENOTFOUND)
				r = cu_error_set(r, "no evidence item %lld in that case", (long long)id);
			/* The originator decides: others' items wait for its consent. */
			bool own = r == 0 && !strcmp(cu_json_str(item, "originator"), a->org);
			if (r == 0 && cu_json_str(item, "erased_at"))
				r = cu_error_set(CU_ECONFLICT, "item %lld was erased", (long long)id);
			if (r == 0)
				r = cu_store_grant_item_add(c->store, gid, id, own ? "given" : "pending",
				                            own ? a->username : NULL, own ? now : NULL);
			/* In the chain of custody from when the receiver may see it. */
			if (r == 0 && own)
				r = custody(c, a, id, "shared", cu_json_str(copy, "legal_basis"), gid);
			json_decref(item);
			if (r)
				break;
		}
		if (r || (r = cu_store_grant_get(c->store, out, gid)) != 0)
			break;
		cu_id_text(gt, gid);
		/* Not on the case's timeline: who a grant names is for its parties only. */
		r = cu_core_event(c, a, "grant.create", "grant", gt, 0, 0, NULL, *out);
	});
out:
	json_decref(copy);
	if (r) {
		json_decref(*out);
		*out = NULL;
	}
	return r;
}

int cu_grant_list(cu_core *c, const cu_actor *a, json_t **out)
{
	int r = cu_store_grant_list(c->store, out, a->org_id);
	size_t i;
	json_t *g;
	if (r == 0)
		json_array_foreach(*out, i, g)
			grant_view(g, a);
	return r;
}

/* A grant whole, if the actor's organisation is a party to it. */
static int grant_fetch(cu_core *c, const cu_actor *a, json_t **out, int64_t id)
{
	int r = cu_store_grant_get(c->store, out, id);
	if (r == 0 && !grant_party(*out, a->org)) {
		json_decref(*out);
		*out = NULL;
		r = CU_ENOTFOUND;
	}
	return r == CU_ENOTFOUND ? cu_error_set(r, "no grant %lld", (long long)id) : r;
}

int cu_grant_get(cu_core *c, const cu_actor *a, json_t **out, int64_t id)
{
	int r = grant_fetch(c, a, out, id);
	if (r == 0)
		grant_view(*out, a);
	return r;
}

int cu_grant_consent(cu_core *c, const cu_actor *a, json_t **out, int64_t id,
                     const json_t *in)
{
	static const cu_jfield f[] = {{"decision", CU_JSTR, true, 16}};
	json_t *before = NULL, *it;
	char now[CU_TS_LEN], gt[24];
	int changed = 0, r;
	size_t i;
	*out = NULL;
	if ((r = cu_json_check(in, f, 1)) != 0)
		return r;
	const char *d = cu_json_str(in, "decision");
	if (strcmp(d, "given") && strcmp(d, "refused"))
		return cu_error_set(CU_EINVALID, "field \"decision\" must be given or refused");
	if ((r = grant_fetch(c, a, &before, id)) != 0)
		return r;
	if (strcmp(a->role, "admin") && strcmp(a->role, "prosecutor")) {
		r = cu_error_set(CU_EDENIED, "a user with role %s may not consent for %s", a->role,
		                 a->org);
		goto out;
	}
	if (cu_json_str(before, "revoked_at")) {
		r = cu_error_set(CU_ECONFLICT, "the grant was revoked");
		goto out;
	}
	cu_time_now(now);
	CU_TXN(c, r, {
		if ((r = cu_store_grant_consent(c->store, &changed, id, a->org_id, d, a->username,
		                                now)) != 0)
			break;
		if (changed == 0) {
			r = cu_error_set(CU_ECONFLICT, "no item of %s waits for consent in this grant",
			                 a->org);
			break;
		}
		/* A refused item was never shared: nothing happened to it. */
		json_array_foreach(json_object_get(before, "items"), i, it) {
			if (strcmp(d, "given") || strcmp(cu_json_str(it, "originator"), a->org) ||
			    strcmp(cu_json_str(it, "consent"), "pending"))
				continue;
			if ((r = custody(c, a, json_integer_value(json_object_get(it, "id")), "shared",
			                 "originator's consent given", id)) != 0)
				break;
		}
		if (r || (r = cu_store_grant_get(c->store, out, id)) != 0)
			break;
		cu_id_text(gt, id);
		r = cu_core_event(c, a, "grant.consent", "grant", gt, 0, 0, before, *out);
	});
out:
	json_decref(before);
	if (r) {
		json_decref(*out);
		*out = NULL;
	} else {
		grant_view(*out, a);
	}
	return r;
}

int cu_grant_revoke(cu_core *c, const cu_actor *a, json_t **out, int64_t id, const json_t *in)
{
	static const cu_jfield f[] = {{"reason", CU_JSTR, false, 2000}};
	json_t *before = NULL, *it;
	char now[CU_TS_LEN], gt[24];
	size_t i;
	int r;
	*out = NULL;
	if (in && (r = cu_json_check(in, f, 1)) != 0)
		return r;
	if ((r = grant_fetch(c, a, &before, id)) != 0)
		return r;
	/*
	 * The grantor revokes the grant. An originator that did not make it
	 * withdraws its consent for its own items: the others stay shared, as
	 * their originators decided. The receiver may do neither.
	 */
	bool grantor = !strcmp(cu_json_str(before, "grantor_org"), a->org);
	bool originator = false;
	json_array_foreach(json_object_get(before, "items"), i, it)
		originator = originator || !strcmp(cu_json_str(it, "originator"), a->org);
	if (!grantor && !originator) {
		r = cu_error_set(CU_EDENIED, "only the grantor or an originator may revoke a grant");
		goto out;
	}
	if (strcmp(a->role, "admin") && strcmp(a->role, "prosecutor")) {
		r = cu_error_set(CU_EDENIED, "a user with role %s may not revoke a grant (a "
		                 "prosecutor or an administrator of %s may)", a->role, a->org);
		goto out;
	}
	if (!grantor && cu_json_str(before, "revoked_at")) {
		r = cu_error_set(CU_ECONFLICT, "the grant is already revoked");
		goto out;
	}
	cu_time_now(now);
	const char *reason = in ? cu_json_str(in, "reason") : NULL;
	CU_TXN(c, r, {
		int changed = 1;
		if (grantor)
			r = cu_store_grant_revoke(c->store, id, a->username, now);
		else
			r = cu_store_grant_withdraw(c->store, &changed, id, a->org_id, a->username, now);
		if (r)
			break;
		if (!changed) {
			r = cu_error_set(CU_ECONFLICT, "%s's consent is already withdrawn or refused "
			                 "for every item of it in this grant", a->org);
			break;
		}
		/* Only what was shared is revoked in the chain of custody. */
		json_array_foreach(json_object_get(before, "items"), i, it) {
			if (strcmp(cu_json_str(it, "consent"), "given") ||
			    (!grantor && strcmp(cu_json_str(it, "originator"), a->org)))
				continue;
			if ((r = custody(c, a, json_integer_value(json_object_get(it, "id")), "revoked",
			                 reason, id)) != 0)
				break;
		}
		if (r || (r = cu_store_grant_get(c->store, out, id)) != 0)
			break;
		cu_id_text(gt, id);
		r = cu_core_event(c, a, grantor ? "grant.revoke" : "grant.withdraw", "grant", gt, 0, 0,
		                  before, *out);
	});
out:
	json_decref(before);
	if (r) {
		json_decref(*out);
		*out = NULL;
	} else {
		grant_view(*out, a);
	}
	return r;
}

/* ---- retention -------------------------------------------------------- */

static const char *const triggers[] = {"statute_barred", "final_acquittal", "final_judgment",
                                       "end_of_coordination"};

int cu_retention_trigger_add(cu_core *c, const cu_actor *a, json_t **out, int64_t case_id,
                             const json_t *in)
{
	static const cu_jfield f[] = {
		{"trigger", CU_JSTR, true, 32}, {"on", CU_JDATE, true, 0}, {"note", CU_JSTR, false, 2000},
	};
	char now[CU_TS_LEN], idt[24];
	int64_t id;
	bool ok = false;
	int r;
	*out = NULL;
	if ((r = cu_json_check(in, f, 3)) != 0)
		return r;
	for (size_t i = 0; i < 4; i++)
		ok = ok || !strcmp(cu_json_str(in, "trigger"), triggers[i]);
	if (!ok)
		return cu_error_set(CU_EINVALID, "field \"trigger\" must be statute_barred, "
		                    "final_acquittal, final_judgment or end_of_coordination");
	/* A decision is recorded once given; a prosecution's limitation date or the
	 * planned end of coordination may lie ahead. */
	const char *trig = cu_json_str(in, "trigger"), *on = cu_json_str(in, "on");
	bool decision = !strcmp(trig, "final_acquittal") || !strcmp(trig, "final_judgment");
	char today[11];
	cu_date_today(today);
	if (decision && strcmp(on, today) > 0)
		return cu_error_set(CU_EINVALID, "field \"on\": a %s on %s is in the future (record "
		                    "it once given)", !strcmp(trig, "final_judgment") ? "final judgment"
		                                                                        : "final acquittal",
		                    on);
	if ((r = cu_access_case(c, a, case_id, CU_OP_MANAGE)) != 0)
		return r;
	if (decision) {
		/* A case has one final decision: a second is a mistake to correct, not a record. */
		json_t *ret = NULL, *t;
		size_t i;
		if ((r = cu_store_retention_get(c->store, &ret, case_id)) != 0)
			return r;
		json_array_foreach(json_object_get(ret, "triggers"), i, t) {
			const char *k = cu_json_str(t, "trigger");
			if (k && (!strcmp(k, "final_acquittal") || !strcmp(k, "final_judgment")))
				r = cu_error_set(CU_ECONFLICT, "the case already has its final decision (%s "
				                 "on %s)", k, cu_json_str(t, "on"));
		}
		json_decref(ret);
		if (r)
			return r;
	}
	cu_time_now(now);
	CU_TXN(c, r, {
		if ((r = cu_store_retention_trigger_add(c->store, &id, case_id,
		                                        cu_json_str(in, "trigger"), cu_json_str(in, "on"),
		                                        cu_json_str(in, "note"), a->username, now)) ||
		    (r = cu_store_retention_get(c->store, out, case_id)) != 0)
			break;
		cu_id_text(idt, case_id);
		r = cu_core_event(c, a, "case.retention_trigger", "case", idt, case_id, 0, NULL, in);
	});
	if (r) {
		json_decref(*out);
		*out = NULL;
	}
	return r;
}

int cu_hold_add(cu_core *c, const cu_actor *a, json_t **out, int64_t case_id, const json_t *in)
{
	static const cu_jfield f[] = {{"reason", CU_JSTR, true, 2000}};
	char now[CU_TS_LEN], idt[24];
	int64_t id;
	int r;
	*out = NULL;
	if ((r = cu_json_check(in, f, 1)) != 0 ||
	    (r = cu_valid_text("reason", cu_json_str(in, "reason"), 1, 2000)) != 0)
		return r;
	if ((r = cu_access_case(c, a, case_id, CU_OP_MANAGE)) != 0)
		return r;
	cu_time_now(now);
	CU_TXN(c, r, {
		if ((r = cu_store_hold_add(c->store, &id, case_id, cu_json_str(in, "reason"),
		                           a->username, now)) != 0 ||
		    (r = cu_store_retention_get(c->store, out, case_id)) != 0)
			break;
		cu_id_text(idt, case_id);
		r = cu_core_event(c, a, "case.hold", "case", idt, case_id, 0, NULL, in);
	});
	if (r) {
		json_decref(*out);
		*out = NULL;
	}
	return r;
}

int cu_hold_release(cu_core *c, const cu_actor *a, int64_t case_id, int64_t hold_id)
{
	char now[CU_TS_LEN], idt[24];
	int64_t on = 0;
	int r;
	/* Named by its id alone, or with its case: the hold's own case, either way. */
	if ((r = cu_store_hold_case(c->store, &on, hold_id)) != 0 || (case_id && case_id != on))
		return cu_error_set(CU_ENOTFOUND, "no legal hold %lld%s", (long long)hold_id,
		                    case_id ? " on that case" : "");
	case_id = on;
	if ((r = cu_access_case(c, a, case_id, CU_OP_MANAGE)) != 0)
		return r;
	cu_time_now(now);
	json_t *info = json_pack("{s:I}", "hold_id", (json_int_t)hold_id);
	CU_TXN(c, r, {
		if ((r = cu_store_hold_release(c->store, case_id, hold_id, a->username, now)) != 0)
			break;
		cu_id_text(idt, case_id);
		r = cu_core_event(c, a, "case.hold_release", "case", idt, case_id, 0, NULL, info);
	});
	json_decref(info);
	return r;
}

/*
 * What is due, per case the actor's organisation owns: the review every three
 * years (Reg. (EU) 2018/1727 art. 29), and the end of storage after a final
 * acquittal, the prosecution becoming statute-barred, the end of
 * coordination, or three years after a final judgment. A legal hold blocks
 * deletion and says so.
 */
int cu_retention_due(cu_core *c, const cu_actor *a, json_t **out, int within_days)
{
	cu_case_filter f = {.limit = 500};
	char today[11], horizon[11];
	json_t *list = json_array();
	int r = 0;
	*out = NULL;
	cu_date_today(today);
	cu_date_add(horizon, today, within_days);
	do {
		cu_buf b;
		int64_t next = 0;
		int n = 0;
		cu_buf_init(&b, 0);
		cu_buf_puts(&b, "[");
		if ((r = cu_store_case_list(c->store, &b, &next, &n, a->org_id, &f)) == 0 &&
		    (r = cu_buf_puts(&b, "]")) == 0) {
			json_t *cases = json_loads(b.data, 0, NULL), *cs;
			size_t i;
			json_array_foreach(cases, i, cs) {
				int64_t id = json_integer_value(json_object_get(cs, "id"));
				json_t *ret = NULL, *reasons = json_array(), *t;
				size_t k;
				if (cu_access_case(c, a, id, CU_OP_MANAGE) != 0 ||
				    cu_store_retention_get(c->store, &ret, id) != 0) {
					json_decref(reasons);
					continue;
				}
				const char *review = cu_json_str(cs, "retention_review_on");
				if (review && strcmp(review, horizon) <= 0)
					json_array_append_new(reasons, json_pack(
						"{s:s,s:s,s:s}", "action", "review", "due_on", review, "why",
						"review of the need to keep the data (Reg. (EU) 2018/1727 art. 29)"));
				json_array_foreach(json_object_get(ret, "triggers"), k, t) {
					char due[11];
					const char *trig = cu_json_str(t, "trigger"), *on = cu_json_str(t, "on");
					if (!strcmp(trig, "final_judgment"))
						cu_date_add(due, on, 3 * 365 + 1);
					else
						snprintf(due, sizeof(due), "%s", on);
					if (strcmp(due, horizon) > 0)
						continue;
					json_array_append_new(reasons, json_pack(
						"{s:s,s:s,s:s}", "action", "delete", "due_on", due, "why",
						!strcmp(trig, "final_judgment") ? "three years after the final judgment" :
						!strcmp(trig, "final_acquittal") ? "final acquittal" :
						!strcmp(trig, "statute_barred") ?
						"prosecution statute-barred in all countries concerned" :
						"end of the coordination"));
				}
				if (json_array_size(reasons))
					json_array_append_new(list, json_pack(
						"{s:I,s:s,s:s,s:o,s:O}", "case_id", (json_int_t)id, "reference",
						cu_json_str(cs, "reference"), "title", cu_json_str(cs, "title"),
						"due", reasons, "holds", json_object_get(ret, "holds")));
				else
					json_decref(reasons);
				json_decref(ret);
			}
			json_decref(cases);
		}
		cu_buf_free(&b);
		f.after = next;
	} while (r == 0 && f.after);
	if (r) {
		json_decref(list);
		return r;
	}
	*out = list;
	return 0;
}
