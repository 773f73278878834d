/* SPDX-License-Identifier: Apache-2.0 */
/*
 * core: judicial cooperation requests (MLA, EIO, EAW, ...) between an
 * issuing and an executing organisation, with the legal time limits of the
 * instrument they are made under. docs/cooperation.md.
 *
 *   draft ──> sent ──> received ──> recognised ──> in_execution ──> executed
 *     │         │         │   └──────────┴──────────────┴─────────> refused
 *     └─────────┴─────────┴────────────────────────────────────────> withdrawn
 *
 * Every limit is a row of `rules` below: the milestone that starts its clock,
 * its length, the article it comes from, and how far it may be extended.
 * Reaching a milestone opens the limits that run from it; a decision, the
 * execution or the end of a request closes them as met or missed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/internal.h"

static const char *const kinds[] = {
	"mla", "eio", "eaw", "international_arrest_warrant", "extradition", "freezing_order",
	"confiscation_order", "transfer_of_proceedings", "jit_accession",
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

/*
 * The status table: from each status, where a request may go. Moving a
 * request into a status marked `act` is a judicial act (issuing it as a
 * draft, sending it, deciding on it, withdrawing it): CU_OP_MANAGE, which
 * cu_access_request gives prosecutors and administrators only. The other
 * steps record what happened (receipt, execution) and are contributions.
 */
static const struct {
	const char *from;
	const char *to[5];
	char side; /* who moves a request into `from`: 'i' issuing, 'e' executing */
	bool act;  /* moving into `from` is a judicial act */
} transitions[] = {
	{"draft", {"sent", "withdrawn"}, 'i', true},
	{"sent", {"received", "withdrawn"}, 'i', true},
	{"received", {"recognised", "refused", "withdrawn"}, 'e', false},
	{"recognised", {"in_execution", "executed", "refused", "withdrawn"}, 'e', true},
	{"in_execution", {"executed", "refused", "withdrawn"}, 'e', false},
	{"executed", {NULL}, 'e', false},
	{"refused", {NULL}, 'e', true},
	{"withdrawn", {NULL}, 'i', true},
};
#define NSTATUS (sizeof(transitions) / sizeof(transitions[0]))

/*
 * The legal time limits (domain.md), one row each. A limit in hours is kept
 * as the day it ends (48 hours from a day: two days later). ext_days is the
 * most an extension may add in total (0: the instrument provides none).
 */
typedef struct rule {
	const char *kind, *code, *step;
	const char *starts; /* milestone: received, recognised, arrested, consented */
	int days, hours, ext_days;
	bool urgent_only;
	const char *replaces; /* a limit this one supersedes when it starts */
	const char *article, *ext_article, *limit;
} rule;

#define EIO "Directive 2014/41/EU"
#define EAW "Framework Decision 2002/584/JHA"
#define FCR "Regulation (EU) 2018/1805"
static const rule rules[] = {
	{"eio", "eio.recognition", "decision", "received", 30, 0, 30, false, NULL,
	 EIO " art. 12(3)", EIO " art. 12(5)", "30 days from receipt to decide on recognition"},
	{"eio", "eio.execution", "execution", "recognised", 90, 0, 0, false, NULL,
	 EIO " art. 12(4)", NULL, "90 days from the decision to carry out the measure"},
	{"eaw", "eaw.decision", "decision", "arrested", 60, 0, 30, false, NULL,
	 EAW " art. 17(3)", EAW " art. 17(4)", "60 days after arrest to the final decision"},
	{"eaw", "eaw.decision_consent", "decision", "consented", 10, 0, 30, false, "eaw.decision",
	 EAW " art. 17(2)", EAW " art. 17(4)", "10 days after consent to the final decision"},
	{"eaw", "eaw.surrender", "surrender", "recognised", 10, 0, 0, false, NULL,
	 EAW " art. 23(2)", NULL, "10 days after the final decision to surrender the person"},
	{"freezing_order", "freezing.decision", "decision", "received", 0, 48, 0, true, NULL,
	 FCR " art. 9(3)", NULL, "48 hours after receipt to decide (urgent orders)"},
	{"freezing_order", "freezing.execution", "execution", "recognised", 0, 48, 0, false, NULL,
	 FCR " art. 9(4)", NULL, "48 hours after the decision to take the measures"},
	{"confiscation_order", "confiscation.decision", "decision", "received", 45, 0, 0, false,
	 NULL, FCR " art. 20(1)", NULL, "45 days after receipt to decide"},
};
#define NRULES (sizeof(rules) / sizeof(rules[0]))

static const rule *rule_of(const char *code)
{
	for (size_t i = 0; code && i < NRULES; i++)
		if (!strcmp(rules[i].code, code))
			return &rules[i];
	return NULL;
}

static bool kind_valid(const char *k)
{
	for (size_t i = 0; k && i < NKINDS; i++)
		if (!strcmp(kinds[i], k))
			return true;
	return false;
}

static int status_index(const char *s)
{
	for (size_t i = 0; s && i < NSTATUS; i++)
		if (!strcmp(transitions[i].from, s))
			return (int)i;
	return -1;
}

/* "executed, refused or withdrawn" */
static void allowed_text(char *out, size_t n, int from)
{
	size_t o = 0, k = 0;
	out[0] = '\0';
	while (k < 5 && transitions[from].to[k])
		k++;
	for (size_t i = 0; i < k && o < n; i++)
		o += (size_t)snprintf(out + o, n - o, "%s%s", i == 0 ? "" : i + 1 == k ? " or " : ", ",
		                      transitions[from].to[i]);
}

static bool allowed(int from, const char *to)
{
	for (int k = 0; k < 5 && transitions[from].to[k]; k++)
		if (!strcmp(transitions[from].to[k], to))
			return true;
	return false;
}

json_t *cu_request_rules(void)
{
	json_t *a = json_array();
	for (size_t i = 0; i < NRULES; i++) {
		const rule *r = &rules[i];
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:i,s:i,s:i,s:b,s:s,s:s?,s:s,s:s?}",
			"kind", r->kind, "rule", r->code, "step", r->step, "starts", r->starts,
			"days", r->days, "hours", r->hours, "max_extension_days", r->ext_days,
			"urgent_only", r->urgent_only, "article", r->article,
			"extension_article", r->ext_article, "limit", r->limit,
			"replaces", r->replaces));
	}
	return a;
}

/* Kinds that end in a person's surrender (and record arrest and consent). */
static bool arrest_kind(const char *kind)
{
	return !strcmp(kind, "eaw") || !strcmp(kind, "international_arrest_warrant") ||
	       !strcmp(kind, "extradition");
}

/* A deadline more than ten years ahead is a typing error, not a time limit. */
#define DUE_MAX_DAYS 3650
static int due_in_reach(const char *today, const char *due)
{
	if (!due[0] || cu_date_diff(today, due) > DUE_MAX_DAYS)
		return cu_error_set(CU_EINVALID, "a deadline is at most %d days (ten years) ahead: "
		                    "%s is not", DUE_MAX_DAYS, due[0] ? due : "that");
	return 0;
}

/* Whether the table holds a limit for a step of a kind (then none by hand). */
static const rule *fixed_rule(const char *kind, const char *step, bool urgent)
{
	for (size_t i = 0; i < NRULES; i++)
		if (!strcmp(rules[i].kind, kind) && !strcmp(rules[i].step, step) &&
		    (!rules[i].urgent_only || urgent))
			return &rules[i];
	return NULL;
}

/* ---- reading, under need-to-know ------------------------------------------ */

static int64_t jint(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* A request the actor may `op`: its stored document in *out. */
static int load(cu_core *c, const cu_actor *a, json_t **out, bool *full, int64_t id, cu_op op)
{
	int r = cu_store_request_get(c->store, out, id);
	bool f = false;
	if (r == CU_ENOTFOUND)
		return cu_error_set(r, "no request %lld", (long long)id);
	if (r)
		return r;
	r = cu_access_request_doc(c, a, &f, *out, op);
	if (r == CU_ENOTFOUND)
		r = cu_error_set(r, "no request %lld", (long long)id);
	if (r) {
		json_decref(*out);
		*out = NULL;
	}
	if (full)
		*full = f;
	return r;
}

/* What a reader gets: the next statuses, days left, and the case only for
 * those who see it (the executing organisation sees the request alone). */
static json_t *view(const json_t *doc, bool full)
{
	json_t *v = json_deep_copy(doc), *d, *next = json_array();
	char today[11];
	size_t i;
	cu_date_today(today);
	int si = status_index(cu_json_str(doc, "status"));
	for (int k = 0; si >= 0 && k < 5 && transitions[si].to[k]; k++)
		json_array_append_new(next, json_string(transitions[si].to[k]));
	json_object_set_new(v, "next", next);
	json_array_foreach(json_object_get(v, "deadlines"), i, d) {
		const char *due = cu_json_str(d, "due_on");
		if (due && !strcmp(cu_json_str(d, "state"), "open")) {
			int left = cu_date_diff(today, due);
			json_object_set_new(d, "days_left", json_integer(left));
			json_object_set_new(d, "overdue", json_boolean(left < 0));
		}
	}
	json_object_set_new(v, "case_visible", json_boolean(full));
	if (!full) {
		json_object_del(v, "case_id");
		json_object_del(v, "case_reference");
	}
	return v;
}

int cu_request_get(cu_core *c, const cu_actor *a, json_t **out, int64_t id)
{
	json_t *doc = NULL;
	bool full;
	int r = load(c, a, &doc, &full, id, CU_OP_READ);
	*out = r ? NULL : view(doc, full);
	json_decref(doc);
	return r;
}

int cu_request_list(cu_core *c, const cu_actor *a, json_t **out, const json_t *filter)
{
	static const cu_jfield f[] = {{"case", CU_JSTR, false, 64}, {"kind", CU_JSTR, false, 40},
	                              {"status", CU_JSTR, false, 20}, {"limit", CU_JINT, false, 0},
	                              {"country", CU_JSTR, false, 2}, {"before", CU_JINT, false, 0}};
	cu_request_filter rf = {.org_id = a->org_id, .limit = 1000};
	json_t *ids = NULL, *v;
	size_t i;
	int r;
	*out = NULL;
	if (filter && (r = cu_json_check(filter, f, sizeof(f) / sizeof(f[0]))) != 0)
		return r;
	rf.before = cu_json_int(filter, "before", 0);
	if (rf.before < 0)
		return cu_error_set(CU_EINVALID, "before is a request id");
	rf.kind = cu_json_str(filter, "kind");
	rf.status = cu_json_str(filter, "status");
	rf.country = cu_json_str(filter, "country");
	if (rf.country && (r = cu_valid_country("country", rf.country)) != 0)
		return r;
	if (rf.kind && !kind_valid(rf.kind))
		return cu_error_set(CU_EINVALID, "unknown request kind \"%.40s\"", rf.kind);
	if (rf.status && status_index(rf.status) < 0)
		return cu_error_set(CU_EINVALID, "unknown request status \"%.20s\"", rf.status);
	int64_t lim = cu_json_int(filter, "limit", 1000);
	if (lim < 1 || lim > 1000)
		return cu_error_set(CU_EINVALID, "limit is between 1 and 1000");
	rf.limit = (int)lim;
	if (cu_json_str(filter, "case") &&
	    (r = cu_case_resolve(c, a, &rf.case_id, cu_json_str(filter, "case"))) != 0)
		return r;
	if ((r = cu_store_request_ids(c->store, &ids, &rf)) != 0)
		return r;
	*out = json_array();
	json_array_foreach(ids, i, v) {
		json_t *doc = NULL;
		bool full;
		int q = load(c, a, &doc, &full, json_integer_value(v), CU_OP_READ);
		if (q == CU_ENOTFOUND)
			continue;
		if (q) {
			r = q;
			break;
		}
		json_array_append_new(*out, view(doc, full));
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

static int record(cu_core *c, const cu_actor *a, json_t **out, int64_t id, const char *action,
                  const json_t *before)
{
	json_t *after = NULL;
	char idt[24];
	int r;
	if ((r = cu_store_request_get(c->store, &after, id)) != 0)
		return r;
	cu_id_text(idt, id);
	r = cu_core_event(c, a, action, "request", idt, jint(after, "case_id"), 0, before, after);
	*out = after;
	return r;
}

/* Opens the limits that run from a milestone reached on day `on`. */
static int start_clocks(cu_core *c, const json_t *doc, const char *milestone, const char *on,
                        const char *now)
{
	const char *kind = cu_json_str(doc, "kind");
	bool urgent = json_is_true(json_object_get(doc, "urgent"));
	json_t *dls = json_object_get(doc, "deadlines"), *d;
	size_t i;
	int r = 0;
	for (size_t k = 0; k < NRULES && r == 0; k++) {
		const rule *ru = &rules[k];
		/* No limit to decide runs once the decision is taken (an arrest or
		 * consent recorded after it). */
		bool skip = strcmp(ru->kind, kind) || strcmp(ru->starts, milestone) ||
		            (ru->urgent_only && !urgent) ||
		            (!strcmp(ru->step, "decision") && cu_json_str(doc, "decided_on"));
		/* A limit superseded earlier (consent before the arrest was recorded). */
		json_array_foreach(dls, i, d) {
			const rule *other = rule_of(cu_json_str(d, "rule"));
			if (!strcmp(cu_json_str(d, "rule"), ru->code) ||
			    (other && other->replaces && !strcmp(other->replaces, ru->code)))
				skip = true;
		}
		if (skip)
			continue;
		char due[11];
		cu_date_add(due, on, ru->days + (ru->hours + 23) / 24);
		if ((r = cu_store_deadline_insert(c->store, NULL, jint(doc, "id"), ru->step, ru->code,
		                                  ru->article, ru->limit, on, due, NULL, now)) != 0)
			break;
		json_array_foreach(dls, i, d) {
			if (ru->replaces && !strcmp(cu_json_str(d, "rule"), ru->replaces) &&
			    !strcmp(cu_json_str(d, "state"), "open") &&
			    (r = cu_store_deadline_close(c->store, jint(d, "id"), "cancelled", on)) != 0)
				break;
		}
	}
	return r;
}

/*
 * Closes open limits on day `on`: those of `steps` ("decision,execution")
 * as met or missed by their due day, and, with cancel_rest, the others as
 * cancelled (a withdrawn or refused request has nothing more to do), or as
 * missed if their day had already passed: a breach stays a breach.
 */
static int close_clocks(cu_core *c, const json_t *doc, const char *steps, const char *on,
                        bool cancel_rest)
{
	json_t *d;
	size_t i;
	int r = 0;
	json_array_foreach(json_object_get(doc, "deadlines"), i, d) {
		if (strcmp(cu_json_str(d, "state"), "open"))
			continue;
		const char *step = cu_json_str(d, "step");
		bool hit = steps && strstr(steps, step) != NULL;
		if (!hit && !cancel_rest)
			continue;
		bool late = strcmp(on, cu_json_str(d, "due_on")) > 0;
		const char *state = late ? "missed" : hit ? "met" : "cancelled";
		if ((r = cu_store_deadline_close(c->store, jint(d, "id"), state, on)) != 0)
			break;
	}
	return r;
}

/* The day of an action: given (not in the future, not before the last one) or today. */
static int action_day(char out[11], const json_t *doc, const char *on)
{
	char today[11];
	int r;
	cu_date_today(today);
	if (!on)
		on = today;
	else if ((r = cu_valid_date("on", on)) != 0)
		return r;
	if (strcmp(on, today) > 0)
		return cu_error_set(CU_EINVALID, "field \"on\": %s is in the future", on);
	json_t *h = json_object_get(doc, "history");
	const char *last = cu_json_str(json_array_get(h, json_array_size(h) - 1), "on");
	if (!last)
		last = cu_json_str(doc, "issued_on");
	if (last && strcmp(on, last) < 0)
		return cu_error_set(CU_EINVALID, "field \"on\": %s is before the request's last "
		                    "step (%s)", on, last);
	snprintf(out, 11, "%s", on);
	return 0;
}

static int org_country(cu_core *c, char out[3], int64_t org_id)
{
	json_t *o = NULL;
	int r = cu_store_org_get(c->store, &o, org_id, NULL);
	out[0] = '\0';
	if (r == 0 && cu_json_str(o, "country"))
		snprintf(out, 3, "%s", cu_json_str(o, "country"));
	json_decref(o);
	return r;
}

int cu_request_create(cu_core *c, const cu_actor *a, json_t **out, const json_t *in)
{
	static const cu_jfield f[] = {
		{"case", CU_JSTR, true, 64}, {"kind", CU_JSTR, true, 40},
		{"title", CU_JSTR, true, 300}, {"executing_org", CU_JSTR, true, 16},
		{"executing_country", CU_JSTR, false, 2}, {"issuing_country", CU_JSTR, false, 2},
		{"issuing_ref", CU_JSTR, false, 100}, {"legal_basis", CU_JSTR, false, 500},
		{"urgent", CU_JBOOL, false, 0}, {"issued_on", CU_JDATE, false, 0},
		{"subjects", CU_JARRAY, false, 0}, {"notes", CU_JSTR, false, 4000},
	};
	int64_t case_id, exec_org, id = 0;
	char now[CU_TS_LEN], today[11], ic[3], ec[3];
	json_t *row = NULL, *v;
	size_t i;
	int r;
	*out = NULL;
	if ((r = cu_json_check(in, f, sizeof(f) / sizeof(f[0]))) != 0 ||
	    (r = cu_valid_text("title", cu_json_str(in, "title"), 1, 300)) != 0)
		return r;
	const char *kind = cu_json_str(in, "kind");
	if (!kind_valid(kind))
		return cu_error_set(CU_EINVALID, "field \"kind\": unknown request kind \"%.40s\" (mla, "
		                    "eio, eaw, international_arrest_warrant, extradition, "
		                    "freezing_order, confiscation_order, transfer_of_proceedings, "
		                    "jit_accession)", kind);
	cu_date_today(today);
	const char *issued = cu_json_str(in, "issued_on");
	if (issued && strcmp(issued, today) > 0)
		return cu_error_set(CU_EINVALID, "field \"issued_on\": %s is in the future", issued);
	bool full;
	/* Issuing: a contributor to the case, and a judicial act of the user's. */
	if ((r = cu_case_resolve(c, a, &case_id, cu_json_str(in, "case"))) != 0 ||
	    (r = cu_access_case(c, a, case_id, CU_OP_CONTRIBUTE)) != 0 ||
	    (transitions[status_index("draft")].act &&
	     (r = cu_access_request(c, a, &full, case_id, a->org_id, 0, CU_OP_MANAGE)) != 0) ||
	    (r = cu_case_open_for(c, case_id, "requests")) != 0 ||
	    (r = cu_org_id(c, &exec_org, "executing_org", cu_json_str(in, "executing_org"))) != 0)
		return r;
	if (exec_org == a->org_id)
		return cu_error_set(CU_EINVALID, "field \"executing_org\": a request goes to another "
		                    "organisation than the issuing one (%s)", a->org);
	if (!strcasecmp(cu_json_str(in, "executing_org"), c->operator_org))
		return cu_error_set(CU_EINVALID, "field \"executing_org\": %s runs the platform and "
		                    "executes no requests", c->operator_org);
	if ((r = org_country(c, ic, a->org_id)) != 0 || (r = org_country(c, ec, exec_org)) != 0)
		return r;
	const char *icc = cu_json_str(in, "issuing_country") ? cu_json_str(in, "issuing_country")
	                  : ic[0] ? ic : NULL;
	const char *ecc = cu_json_str(in, "executing_country")
	                  ? cu_json_str(in, "executing_country") : ec[0] ? ec : NULL;
	if ((icc && (r = cu_valid_country("issuing_country", icc)) != 0) ||
	    (ecc && (r = cu_valid_country("executing_country", ecc)) != 0))
		return r;
	json_array_foreach(json_object_get(in, "subjects"), i, v) {
		json_t *e = NULL;
		if (!json_is_integer(v))
			return cu_error_set(CU_EINVALID, "field \"subjects\" lists entity ids");
		r = cu_store_entity_get(c->store, &e, json_integer_value(v));
		bool same = r == 0 && jint(e, "case_id") == case_id;
		json_decref(e);
		if (r && r != CU_ENOTFOUND)
			return r;
		if (!same)
			return cu_error_set(CU_EINVALID, "field \"subjects\": entity %lld is not an "
			                    "entity of this case", (long long)json_integer_value(v));
	}
	cu_time_now(now);
	row = json_pack("{s:I,s:s,s:O,s:I,s:s?,s:I,s:s?,s:O?,s:O?,s:b,s:s,s:O?,s:O?,s:s,s:s}",
		"case_id", (json_int_t)case_id, "kind", kind, "title", json_object_get(in, "title"),
		"issuing_org_id", (json_int_t)a->org_id, "issuing_country", icc,
		"executing_org_id", (json_int_t)exec_org, "executing_country", ecc,
		"issuing_ref", json_object_get(in, "issuing_ref"),
		"legal_basis", json_object_get(in, "legal_basis"),
		"urgent", json_is_true(json_object_get(in, "urgent")), "status", "draft",
		"issued_on", json_object_get(in, "issued_on"), "notes", json_object_get(in, "notes"),
		"created_by", a->username, "created_at", now);
	if (!row)
		return cu_error_set(CU_ENOMEM, "out of memory");
	CU_TXN(c, r, {
		if ((r = cu_store_request_insert(c->store, &id, row)) != 0)
			break;
		json_array_foreach(json_object_get(in, "subjects"), i, v)
			if ((r = cu_store_request_subject_add(c->store, id, json_integer_value(v))) != 0)
				break;
		if (r || (r = cu_store_request_history_add(c->store, id, NULL, "draft",
		                                           issued ? issued : today, NULL, a->username,
		                                           now)) != 0)
			break;
		r = record(c, a, out, id, "request.create", NULL);
	});
	json_decref(row);
	if (r == 0) {
		json_t *v2 = view(*out, true);
		json_decref(*out);
		*out = v2;
	} else {
		json_decref(*out);
		*out = NULL;
	}
	return r;
}

/* Whether the actor's organisation is the side that takes a step. */
static int side_check(const cu_actor *a, const json_t *doc, char side, const char *what)
{
	int64_t org = side == 'i' ? jint(doc, "issuing_org_id") : jint(doc, "executing_org_id");
	if (a->org_id != org)
		return cu_error_set(CU_EDENIED, "only the %s organisation (%s) may %s",
		                    side == 'i' ? "issuing" : "executing",
		                    cu_json_str(doc, side == 'i' ? "issuing_org" : "executing_org"),
		                    what);
	return 0;
}

/* Loads a request for a change and finishes the change: shared shape. */
typedef int (*change_fn)(cu_core *c, const cu_actor *a, const json_t *doc, const json_t *in,
                         const char *now);

static int change(cu_core *c, const cu_actor *a, json_t **out, int64_t id, const json_t *in,
                  const char *action, change_fn fn)
{
	json_t *before = NULL;
	char now[CU_TS_LEN];
	int r;
	*out = NULL;
	if ((r = load(c, a, &before, NULL, id, CU_OP_CONTRIBUTE)) != 0)
		return r;
	cu_time_now(now);
	CU_TXN(c, r, {
		if ((r = fn(c, a, before, in, now)) != 0)
			break;
		r = record(c, a, out, id, action, before);
	});
	if (r == 0) {
		bool full = true;
		/* Re-read the access: the view differs for the executing organisation. */
		if (cu_access_request_doc(c, a, &full, *out, CU_OP_READ) != 0)
			full = false;
		json_t *v = view(*out, full);
		json_decref(*out);
		*out = v;
	} else {
		json_decref(*out);
		*out = NULL;
	}
	json_decref(before);
	return r;
}

static int do_status(cu_core *c, const cu_actor *a, const json_t *doc, const json_t *in,
                     const char *now)
{
	static const cu_jfield f[] = {{"to", CU_JSTR, true, 20}, {"on", CU_JDATE, false, 0},
	                              {"note", CU_JSTR, false, 2000}};
	char on[11], allowed_s[128];
	int r;
	if ((r = cu_json_check(in, f, 3)) != 0)
		return r;
	const char *from = cu_json_str(doc, "status"), *to = cu_json_str(in, "to");
	int fi = status_index(from), ti = status_index(to);
	if (ti < 0)
		return cu_error_set(CU_EINVALID, "field \"to\": unknown status \"%.20s\" (draft, sent, "
		                    "received, recognised, in_execution, executed, refused, "
		                    "withdrawn)", to);
	if (fi < 0)
		return cu_error_set(CU_EINVALID, "request in an unknown status");
	if (!allowed(fi, to)) {
		allowed_text(allowed_s, sizeof(allowed_s), fi);
		if (!allowed_s[0])
			return cu_error_set(CU_ECONFLICT, "a request %s is final: its status cannot "
			                    "change", from);
		return cu_error_set(CU_ECONFLICT, "a request %s cannot become %s: a request %s can "
		                    "become %s", from, to, from, allowed_s);
	}
	if ((r = side_check(a, doc, transitions[ti].side,
	                    transitions[ti].side == 'i' ? "send or withdraw a request"
	                                                : "record the executing side's steps")) != 0)
		return r;
	bool full;
	if (transitions[ti].act &&
	    (r = cu_access_request_doc(c, a, &full, doc, CU_OP_MANAGE)) != 0)
		return r;
	if ((r = action_day(on, doc, cu_json_str(in, "on"))) != 0)
		return r;
	json_t *upd = json_pack("{s:s,s:s}", "status", to, "updated_at", now);
	const char *datecol = !strcmp(to, "sent") ? "sent_on" : !strcmp(to, "received") ? "received_on"
	                      : !strcmp(to, "recognised") ? "decided_on" : NULL;
	if (datecol)
		json_object_set_new(upd, datecol, json_string(on));
	/* A refusal during execution keeps the day of the decision to recognise. */
	if (!strcmp(to, "refused") && !cu_json_str(doc, "decided_on"))
		json_object_set_new(upd, "decided_on", json_string(on));
	if (!strcmp(to, "executed") || !strcmp(to, "refused") || !strcmp(to, "withdrawn"))
		json_object_set_new(upd, "closed_on", json_string(on));
	r = cu_store_request_update(c->store, jint(doc, "id"), upd);
	json_decref(upd);
	if (r || (r = cu_store_request_history_add(c->store, jint(doc, "id"), from, to, on,
	                                           cu_json_str(in, "note"), a->username, now)) != 0)
		return r;
	if (!strcmp(to, "received"))
		return start_clocks(c, doc, "received", on, now);
	if (!strcmp(to, "recognised")) {
		if ((r = close_clocks(c, doc, "decision", on, false)) != 0)
			return r;
		return start_clocks(c, doc, "recognised", on, now);
	}
	if (!strcmp(to, "executed"))
		return close_clocks(c, doc, "decision,execution,surrender", on, false);
	if (!strcmp(to, "refused"))
		return close_clocks(c, doc, "decision", on, true);
	if (!strcmp(to, "withdrawn"))
		return close_clocks(c, doc, NULL, on, true);
	return 0;
}

int cu_request_status(cu_core *c, const cu_actor *a, json_t **out, int64_t id, const json_t *in)
{
	return change(c, a, out, id, in, "request.status", do_status);
}

static int do_milestone(cu_core *c, const cu_actor *a, const json_t *doc, const json_t *in,
                        const char *now)
{
	static const cu_jfield f[] = {{"event", CU_JSTR, true, 20}, {"on", CU_JDATE, false, 0},
	                              {"note", CU_JSTR, false, 2000}};
	const char *kind = cu_json_str(doc, "kind"), *status = cu_json_str(doc, "status");
	char on[11];
	int r;
	if ((r = cu_json_check(in, f, 3)) != 0)
		return r;
	const char *ev = cu_json_str(in, "event");
	if (strcmp(ev, "arrested") && strcmp(ev, "consented"))
		return cu_error_set(CU_EINVALID, "field \"event\" is arrested or consented");
	if (!arrest_kind(kind) ||
	    (!strcmp(ev, "consented") && !strcmp(kind, "international_arrest_warrant")))
		return cu_error_set(CU_EINVALID, "a request of kind %s has no \"%s\" event", kind, ev);
	if (strcmp(status, "received") && strcmp(status, "recognised") &&
	    strcmp(status, "in_execution"))
		return cu_error_set(CU_ECONFLICT, "a request %s cannot record \"%s\": only a request "
		                    "received, recognised or in_execution can", status, ev);
	if (cu_json_str(doc, !strcmp(ev, "arrested") ? "arrested_on" : "consented_on"))
		return cu_error_set(CU_ECONFLICT, "\"%s\" is already recorded for this request", ev);
	if ((r = side_check(a, doc, 'e', "record an arrest or consent")) != 0 ||
	    (r = action_day(on, doc, cu_json_str(in, "on"))) != 0)
		return r;
	json_t *upd = json_pack("{s:s,s:s}", !strcmp(ev, "arrested") ? "arrested_on" : "consented_on",
	                        on, "updated_at", now);
	r = cu_store_request_update(c->store, jint(doc, "id"), upd);
	json_decref(upd);
	if (r || (r = cu_store_request_history_add(c->store, jint(doc, "id"), status, status, on,
	                                           cu_json_str(in, "note") ? cu_json_str(in, "note")
	                                           : ev, a->username, now)) != 0)
		return r;
	return start_clocks(c, doc, ev, on, now);
}

int cu_request_milestone(cu_core *c, const cu_actor *a, json_t **out, int64_t id,
                         const json_t *in)
{
	return change(c, a, out, id, in, "request.milestone", do_milestone);
}

static int do_extend(cu_core *c, const cu_actor *a, const json_t *doc, const json_t *in,
                     const char *now)
{
	static const cu_jfield f[] = {{"deadline", CU_JINT, false, 0}, {"days", CU_JINT, true, 0},
	                              {"reason", CU_JSTR, false, 2000}};
	json_t *d, *dl = NULL;
	size_t i, open = 0;
	char due[11];
	int r;
	if ((r = cu_json_check(in, f, 3)) != 0)
		return r;
	const char *reason = cu_json_str(in, "reason");
	int64_t days = cu_json_int(in, "days", 0), want = cu_json_int(in, "deadline", 0);
	json_array_foreach(json_object_get(doc, "deadlines"), i, d) {
		if (strcmp(cu_json_str(d, "state"), "open"))
			continue;
		open++;
		if (want ? jint(d, "id") == want : open == 1)
			dl = d;
	}
	if (!want && open > 1)
		return cu_error_set(CU_EINVALID, "the request has %zu open deadlines: name one "
		                    "(field \"deadline\")", open);
	if (!dl && want)
		return cu_error_set(CU_ENOTFOUND, "no open deadline %lld on this request",
		                    (long long)want);
	if (!dl)
		return cu_error_set(CU_ECONFLICT, "the request has no open deadline");
	const rule *ru = rule_of(cu_json_str(dl, "rule"));
	const char *art = ru ? ru->ext_article : NULL;
	/* Reasons first: an extension without them is refused whatever else. */
	if (!reason || cu_valid_text("reason", reason, 1, 2000) != 0 ||
	    strspn(reason, " \t\r\n") == strlen(reason))
		return cu_error_set(CU_EINVALID, "an extension needs its reasons (field \"reason\")%s%s",
		                    art ? ": " : "", art ? art : "");
	if (days < 1 || days > 365)
		return cu_error_set(CU_EINVALID, "field \"days\" is between 1 and 365");
	if (ru && ru->ext_days == 0)
		return cu_error_set(CU_ECONFLICT, "the limit of %s (%s) cannot be extended", ru->article,
		                    ru->limit);
	if (ru && jint(dl, "extended_days") + days > ru->ext_days)
		return cu_error_set(CU_ECONFLICT, "%s allows at most %d more days (already extended "
		                    "by %lld)", ru->ext_article, ru->ext_days,
		                    (long long)jint(dl, "extended_days"));
	if ((r = side_check(a, doc, ru ? 'e' : json_integer_value(json_object_get(doc,
	                    "issuing_org_id")) == a->org_id ? 'i' : 'e',
	                    "extend this deadline")) != 0)
		return r;
	/*
	 * A limit runs to the end of its due day. Once that day has passed the
	 * limit is missed (a breach stays a breach, as in close_clocks): an
	 * extension is decided while the limit still runs, not afterwards.
	 */
	char today[11];
	cu_date_today(today);
	if (strcmp(today, cu_json_str(dl, "due_on")) > 0)
		return cu_error_set(CU_EINVALID, "deadline %lld (%s) ended on %s: a limit that has "
		                    "passed is missed and can no longer be extended (an extension is "
		                    "recorded before the limit ends)", (long long)jint(dl, "id"),
		                    cu_json_str(dl, "rule"), cu_json_str(dl, "due_on"));
	cu_date_add(due, cu_json_str(dl, "due_on"), (int)days);
	if ((r = due_in_reach(today, due)) != 0)
		return r;
	return cu_store_deadline_extend(c->store, jint(dl, "id"), (int)days, reason, art,
	                                cu_json_str(dl, "due_on"), due, a->username, now);
}

int cu_request_extend(cu_core *c, const cu_actor *a, json_t **out, int64_t id, const json_t *in)
{
	return change(c, a, out, id, in, "request.extend", do_extend);
}

static int do_deadline(cu_core *c, const cu_actor *a, const json_t *doc, const json_t *in,
                       const char *now)
{
	static const cu_jfield f[] = {{"step", CU_JSTR, false, 20}, {"due_on", CU_JDATE, true, 0},
	                              {"note", CU_JSTR, false, 2000}};
	char today[11], code[32];
	json_t *d;
	size_t i;
	int r;
	if ((r = cu_json_check(in, f, 3)) != 0)
		return r;
	const char *step = cu_json_str(in, "step") ? cu_json_str(in, "step") : "execution";
	const char *kind = cu_json_str(doc, "kind"), *due = cu_json_str(in, "due_on");
	if (strcmp(step, "decision") && strcmp(step, "execution") && strcmp(step, "surrender"))
		return cu_error_set(CU_EINVALID, "field \"step\" is decision, execution or surrender");
	const char *st = cu_json_str(doc, "status");
	if (!strcmp(st, "executed") || !strcmp(st, "refused") || !strcmp(st, "withdrawn"))
		return cu_error_set(CU_ECONFLICT, "a request %s has no more deadlines", st);
	if (!strcmp(st, "draft"))
		return cu_error_set(CU_ECONFLICT, "a draft has no deadlines yet: set one once the "
		                    "request is sent");
	if (!strcmp(step, "surrender") && !arrest_kind(kind))
		return cu_error_set(CU_EINVALID, "a request of kind %s surrenders no one: its steps "
		                    "are decision and execution", kind);
	const rule *fixed = fixed_rule(kind, step, json_is_true(json_object_get(doc, "urgent")));
	if (fixed)
		return cu_error_set(CU_ECONFLICT, "the %s limit of a request of kind %s is fixed by %s "
		                    "(%s): it is not set by hand", step, kind, fixed->article,
		                    fixed->limit);
	snprintf(code, sizeof(code), "manual.%s", step);
	json_array_foreach(json_object_get(doc, "deadlines"), i, d)
		if (!strcmp(cu_json_str(d, "rule"), code))
			return cu_error_set(CU_EEXISTS, "the request already has a %s deadline (%lld): "
			                    "extend it, with reasons", step, (long long)jint(d, "id"));
	/* The clock of a limit set by hand runs from the request's receipt (or
	 * sending, or issue): the day the executing side had it. */
	cu_date_today(today);
	const char *from = cu_json_str(doc, "received_on"), *event = "receipt";
	if (!from) {
		from = cu_json_str(doc, "sent_on");
		event = "sending";
	}
	if (!from) {
		from = today;
		event = "day";
	}
	if (strcmp(due, from) < 0)
		return cu_error_set(CU_EINVALID, "field \"due_on\": %s is before the request's %s "
		                    "(%s)", due, event, from);
	if ((r = due_in_reach(today, due)) != 0)
		return r;
	const char *lb = cu_json_str(doc, "legal_basis");
	char art[600];
	snprintf(art, sizeof(art), "set by hand%s%s", lb ? ": " : "", lb ? lb : "");
	if (a->org_id != jint(doc, "issuing_org_id") &&
	    (r = side_check(a, doc, 'e', "set a deadline on this request")) != 0)
		return r;
	return cu_store_deadline_insert(c->store, NULL, jint(doc, "id"), step, code, art,
	                                "set per request", from, due, cu_json_str(in, "note"),
	                                now);
}

int cu_request_deadline_set(cu_core *c, const cu_actor *a, json_t **out, int64_t id,
                            const json_t *in)
{
	return change(c, a, out, id, in, "request.deadline", do_deadline);
}

int cu_request_due(cu_core *c, const cu_actor *a, json_t **out, int within_days)
{
	char today[11], until[11];
	json_t *rows = NULL, *v, *cache = json_object(), *overdue = json_array(),
	       *soon = json_array();
	size_t i;
	int r;
	*out = NULL;
	if (within_days < 0 || within_days > 3650) {
		r = cu_error_set(CU_EINVALID, "within is between 0 and 3650 days");
		goto out;
	}
	cu_date_today(today);
	cu_date_add(until, today, within_days);
	if ((r = cu_store_deadline_due(c->store, &rows, a->org_id, until)) != 0)
		goto out;
	json_array_foreach(rows, i, v) {
		char key[24];
		cu_id_text(key, jint(v, "request_id"));
		json_t *req = json_object_get(cache, key), *d;
		size_t k;
		if (!req) {
			json_t *doc = NULL;
			bool full;
			int q = load(c, a, &doc, &full, jint(v, "request_id"), CU_OP_READ);
			if (q == CU_ENOTFOUND)
				continue;
			if (q) {
				r = q;
				goto out;
			}
			req = view(doc, full);
			json_decref(doc);
			json_object_set_new(cache, key, req);
		}
		json_array_foreach(json_object_get(req, "deadlines"), k, d) {
			if (jint(d, "id") != jint(v, "deadline_id"))
				continue;
			json_t *e = json_pack("{s:I,s:I,s:O,s:O,s:O,s:O,s:O?,s:O,s:O,s:O,s:O,s:O,s:O,s:O}",
				"deadline_id", (json_int_t)jint(d, "id"),
				"request_id", (json_int_t)jint(req, "id"), "kind", json_object_get(req, "kind"),
				"title", json_object_get(req, "title"),
				"issuing_org", json_object_get(req, "issuing_org"),
				"executing_org", json_object_get(req, "executing_org"),
				"case_reference", json_object_get(req, "case_reference"),
				"status", json_object_get(req, "status"), "step", json_object_get(d, "step"),
				"rule", json_object_get(d, "rule"), "article", json_object_get(d, "article"),
				"due_on", json_object_get(d, "due_on"),
				"days_left", json_object_get(d, "days_left"),
				"overdue", json_object_get(d, "overdue"));
			json_array_append_new(json_is_true(json_object_get(d, "overdue")) ? overdue : soon, e);
		}
	}
	*out = json_pack("{s:s,s:i,s:O,s:O}", "as_of", today, "within_days", within_days,
	                 "overdue", overdue, "due_soon", soon);
out:
	json_decref(rows);
	json_decref(cache);
	json_decref(overdue);
	json_decref(soon);
	return r;
}
