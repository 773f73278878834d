/* SPDX-License-Identifier: Apache-2.0 */
/*
 * core: statistics for annual reporting, computed from the events — not from
 * the current tables — among the first N entries of the ledger, so that a
 * published table names its snapshot (tree size, root, checkpoint) and can
 * be recomputed later with the same figures. docs/cooperation.md.
 *
 *   events (append-only) ──> latest document of each case, JIT, request
 *        with ledger index < N        │
 *                                     └──> counted if the actor sees it now
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "crypto/crypto.h"

static void bump(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key ? key : "unknown");
	json_object_set_new(obj, key ? key : "unknown",
	                    json_integer(v ? json_integer_value(v) + 1 : 1));
}

static json_t *sub(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key ? key : "unknown");
	if (!v)
		json_object_set_new(obj, key ? key : "unknown", v = json_object());
	return v;
}

static bool in_year(const char *date, const char *y)
{
	return date && strlen(date) >= 4 && !strncmp(date, y, 4);
}

static int64_t jint(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* An organisation's country by code, through a small cache. */
static const char *country_of(cu_core *c, json_t *cache, const char *code)
{
	json_t *v;
	if (!code)
		return NULL;
	if (!(v = json_object_get(cache, code))) {
		json_t *o = NULL;
		v = cu_store_org_get(c->store, &o, 0, code) == 0 && cu_json_str(o, "country")
		    ? json_string(cu_json_str(o, "country")) : json_string("none");
		json_object_set_new(cache, code, v);
		json_decref(o);
	}
	return json_string_value(v);
}

static int snapshot(cu_core *c, json_t **out, int64_t *size, int64_t as_of)
{
	json_t *cp = NULL;
	int64_t cur;
	uint8_t root[32];
	char hex[65], day[11];
	int r;
	if ((r = cu_store_ledger_size(c->store, &cur)) != 0)
		return r;
	if (as_of == 0) {
		/* The current tree, signed: what a published table will cite. */
		if ((r = cu_ledger_checkpoint(c, &cp, false)) != 0)
			return r;
		*size = jint(cp, "size");
	} else {
		if (as_of < 1 || as_of > cur) {
			return cu_error_set(CU_EINVALID, "as_of is a ledger size between 1 and %lld",
			                    (long long)cur);
		}
		*size = as_of;
		r = cu_store_checkpoint_get(c->store, &cp, as_of);
		if (r && r != CU_ENOTFOUND)
			return r;
	}
	if ((r = cu_ledger_root(c, root, *size)) != 0 ||
	    (r = cu_store_snapshot_day(c->store, day, *size)) != 0) {
		json_decref(cp);
		return r;
	}
	cu_hex(hex, root, 32);
	json_t *cpj = cp ? json_pack("{s:O,s:O,s:O}", "size", json_object_get(cp, "size"), "root",
	                             json_object_get(cp, "root"), "at", json_object_get(cp, "at"))
	                 : json_null();
	*out = json_pack("{s:I,s:s,s:s,s:o,s:b,s:I}", "ledger_size", (json_int_t)*size, "root",
	                 hex, "day", day, "checkpoint", cpj, "as_of", as_of != 0,
	                 "current_size", (json_int_t)cur);
	json_decref(cp);
	return 0;
}

int cu_stats(cu_core *c, const cu_actor *a, json_t **out, int year, int64_t as_of)
{
	json_t *snap = NULL, *docs = NULL, *v, *d, *orgs = json_object();
	json_t *cases = json_pack("{s:i,s:{},s:{}}", "opened", 0, "by_crime_type", "by_country");
	json_t *jits = json_pack("{s:i,s:i}", "signed", 0, "active", 0);
	json_t *reqs = json_pack("{s:i,s:{},s:{},s:{}}", "issued", 0, "by_kind", "by_status",
	                         "by_kind_and_status");
	json_t *dls = json_pack("{s:i,s:i,s:i,s:i,s:{}}", "met", 0, "missed", 0, "open", 0,
	                        "cancelled", 0, "by_article");
	json_t *meets = json_pack("{s:i,s:{}}", "coordination", 0, "by_kind");
	/* Action days held in the year; their actions by kind and how they ended;
	 * what their outcomes linked (seized items, reports) and corrected. */
	json_t *acts = json_pack("{s:i,s:i,s:i,s:i,s:i,s:i,s:{}}", "days", 0, "arrests", 0,
	                         "house_searches", 0, "seizures", 0, "evidence_items", 0,
	                         "corrections", 0, "actions");
	json_t *action_day = json_object(); /* action id -> true, if its day is counted */
	json_t *latest = json_object();     /* action id -> its latest update */
	json_t *linked = json_object();     /* action id -> {item id: true} its updates link */
	char y[5], day[11];
	int64_t size = 0;
	size_t i, k;
	int r;
	bool hub = a->operator_admin;
	*out = NULL;
	if (year < 1990 || year > 9999) {
		r = cu_error_set(CU_EINVALID, "year is between 1990 and 9999");
		goto out;
	}
	snprintf(y, sizeof(y), "%04d", year);
	/* The snapshot first: signing a checkpoint writes. */
	if ((r = snapshot(c, &snap, &size, as_of)) != 0 ||
	    (r = cu_store_read_begin(c->store)) != 0)
		goto out;
	snprintf(day, sizeof(day), "%s", cu_json_str(snap, "day"));

	/* Cases opened in the year, by crime type and by the requesting desk's country. */
	if (r == 0 && (r = cu_store_snapshot_docs(c->store, &docs, size, "case", "crime_types")) == 0) {
		json_array_foreach(docs, i, d) {
			if (!in_year(cu_json_str(d, "opened_on"), y) ||
			    (!hub && cu_access_case(c, a, jint(d, "id"), CU_OP_READ) != 0))
				continue;
			json_object_set_new(cases, "opened", json_integer(jint(cases, "opened") + 1));
			json_array_foreach(json_object_get(d, "crime_types"), k, v)
				bump(json_object_get(cases, "by_crime_type"), json_string_value(v));
			bump(json_object_get(cases, "by_country"),
			     country_of(c, orgs, cu_json_str(d, "requesting_org")));
		}
		json_decref(docs);
		docs = NULL;
	}
	/* JITs signed in the year, and those running at some time during it. */
	if (r == 0 && (r = cu_store_snapshot_docs(c->store, &docs, size, "jit", "expires_on")) == 0) {
		char first[16], last[16];
		snprintf(first, sizeof(first), "%s-01-01", y);
		snprintf(last, sizeof(last), "%s-12-31", y);
		json_array_foreach(docs, i, d) {
			const char *so = cu_json_str(d, "signed_on"), *eo = cu_json_str(d, "expires_on");
			if (!so || !eo || (!hub && cu_access_jit(c, a, jint(d, "id"), CU_OP_READ) != 0))
				continue;
			if (in_year(so, y))
				json_object_set_new(jits, "signed", json_integer(jint(jits, "signed") + 1));
			if (strcmp(so, last) <= 0 && strcmp(eo, first) >= 0)
				json_object_set_new(jits, "active", json_integer(jint(jits, "active") + 1));
		}
		json_decref(docs);
		docs = NULL;
	}
	/* Requests issued in the year by kind and status; deadlines due in the year. */
	if (r == 0 && (r = cu_store_snapshot_docs(c->store, &docs, size, "request", "status")) == 0) {
		json_array_foreach(docs, i, d) {
			bool full;
			/* As the request itself is seen: a draft is the issuing side's own
			 * until it is sent (cu_access_request_doc), in figures too. */
			if (!hub && cu_access_request_doc(c, a, &full, d, CU_OP_READ) != 0)
				continue;
			const char *issued = cu_json_str(d, "issued_on");
			if (!issued)
				issued = cu_json_str(d, "created_at");
			if (in_year(issued, y)) {
				const char *kind = cu_json_str(d, "kind"), *st = cu_json_str(d, "status");
				json_object_set_new(reqs, "issued", json_integer(jint(reqs, "issued") + 1));
				bump(json_object_get(reqs, "by_kind"), kind);
				bump(json_object_get(reqs, "by_status"), st);
				bump(sub(json_object_get(reqs, "by_kind_and_status"), kind), st);
			}
			json_array_foreach(json_object_get(d, "deadlines"), k, v) {
				const char *due = cu_json_str(v, "due_on"), *st = cu_json_str(v, "state");
				if (!in_year(due, y) || !st)
					continue;
				/* Open past its day at the snapshot: missed as of then. */
				if (!strcmp(st, "open") && day[0] && strcmp(due, day) < 0)
					st = "missed";
				json_object_set_new(dls, st, json_integer(jint(dls, st) + 1));
				bump(sub(json_object_get(dls, "by_article"), cu_json_str(v, "article")), st);
			}
		}
		json_decref(docs);
		docs = NULL;
	}
	/* Meetings held in the year: coordination meetings, and every kind. */
	if (r == 0 && (r = cu_store_snapshot_docs(c->store, &docs, size, "meeting", "kind")) == 0) {
		json_array_foreach(docs, i, d) {
			bool part = false;
			json_array_foreach(json_object_get(d, "participants"), k, v)
				part = part || jint(v, "org_id") == a->org_id;
			if (!in_year(cu_json_str(d, "held_on"), y) ||
			    (!hub && cu_access_meeting(c, a, jint(d, "case_id"),
			                               jint(d, "organiser_org_id"), part, CU_OP_READ) != 0))
				continue;
			if (!strcmp(cu_json_str(d, "kind"), "coordination"))
				json_object_set_new(meets, "coordination",
				                    json_integer(jint(meets, "coordination") + 1));
			bump(json_object_get(meets, "by_kind"), cu_json_str(d, "kind"));
		}
		json_decref(docs);
		docs = NULL;
	}
	/* Action days: a day counts in the year of its date, where it is visible;
	 * each action by its latest update (completed arrests, searches,
	 * seizures are what annual reports count: below). */
	if (r == 0 && (r = cu_store_snapshot_docs(c->store, &docs, size, "actionday", "day")) == 0) {
		json_array_foreach(docs, i, d) {
			if (!in_year(cu_json_str(d, "day"), y) ||
			    (!hub && cu_access_case(c, a, jint(d, "case_id"), CU_OP_READ) != 0)) {
				cu_error_clear();
				continue;
			}
			json_object_set_new(acts, "days", json_integer(jint(acts, "days") + 1));
			json_array_foreach(json_object_get(d, "actions"), k, v) {
				char id[24];
				cu_id_text(id, jint(v, "id"));
				json_object_set_new(action_day, id, json_true());
				/* Planned until an update says otherwise. */
				json_t *by = json_object_get(acts, "actions");
				const char *kind = cu_json_str(v, "kind");
				if (!json_object_get(by, kind))
					json_object_set_new(by, kind, json_object());
				bump(json_object_get(by, kind), "planned");
			}
		}
		json_decref(docs);
		docs = NULL;
	}
	/*
	 * Every update of a counted action, oldest first: the latest gives its
	 * status; each may link an evidence item (a seized item, the seizure
	 * report: docs/cooperation.md) or correct an outcome. A further update
	 * with the same outcome adds results, so the items of earlier ones count.
	 */
	if (r == 0 && (r = cu_store_snapshot_history(c->store, &docs, size, "action")) == 0) {
		json_array_foreach(docs, i, d) {
			char id[24];
			cu_id_text(id, jint(d, "action_id"));
			if (!json_object_get(action_day, id) || !cu_json_str(d, "status"))
				continue;
			json_object_set(latest, id, d);
			if (json_is_object(json_object_get(d, "correction")))
				json_object_set_new(acts, "corrections",
				                    json_integer(jint(acts, "corrections") + 1));
			if (jint(d, "evidence_id") > 0) {
				char item[24];
				cu_id_text(item, jint(d, "evidence_id"));
				json_object_set_new(sub(linked, id), item, json_true());
			}
		}
		json_decref(docs);
		docs = NULL;
		const char *id;
		json_t *items = json_object(); /* each item once, if two actions link it */
		json_object_foreach(latest, id, d) {
			const char *kind = cu_json_str(d, "kind"), *st = cu_json_str(d, "status");
			json_t *by = json_object_get(json_object_get(acts, "actions"), kind);
			if (!by)
				continue;
			json_object_set_new(by, "planned", json_integer(jint(by, "planned") - 1));
			if (jint(by, "planned") == 0)
				json_object_del(by, "planned");
			bump(by, st);
			if (strcmp(st, "completed"))
				continue;
			/* A completed seizure, or a completed house search whose outcome
			 * links what it seized: each a seizure. */
			json_t *seized = json_object_get(linked, id);
			static const struct { const char *kind, *key; } counted[] = {
				{"arrest", "arrests"}, {"house_search", "house_searches"},
				{"seizure", "seizures"},
			};
			for (size_t j = 0; j < sizeof(counted) / sizeof(counted[0]); j++)
				if (!strcmp(kind, counted[j].kind))
					json_object_set_new(acts, counted[j].key,
					                    json_integer(jint(acts, counted[j].key) + 1));
			if (!strcmp(kind, "house_search") && json_object_size(seized) > 0)
				json_object_set_new(acts, "seizures", json_integer(jint(acts, "seizures") + 1));
			if (seized)
				json_object_update(items, seized);
		}
		json_object_set_new(acts, "evidence_items", json_integer((json_int_t)
		                    json_object_size(items)));
		json_decref(items);
	}
	cu_store_read_end(c->store);
	if (r)
		goto out;
	char scope[64];
	snprintf(scope, sizeof(scope), hub ? "hub" : "organisation %s", a->org);
	*out = json_pack("{s:i,s:s,s:O,s:O,s:O,s:O,s:O}", "year", year, "scope", scope, "snapshot",
	                 snap, "cases", cases, "jits", jits, "requests", reqs, "deadlines", dls);
	if (*out) {
		json_object_set(*out, "meetings", meets);
		json_object_set(*out, "action_days", acts);
	}
out:
	json_decref(acts);
	json_decref(action_day);
	json_decref(latest);
	json_decref(linked);
	json_decref(snap);
	json_decref(orgs);
	json_decref(cases);
	json_decref(jits);
	json_decref(reqs);
	json_decref(dls);
	json_decref(meets);
	return r;
}

/* One CSV field: quoted when it holds a comma, a quote or a line break. */
static int csv_field(cu_buf *b, const char *s)
{
	if (!strpbrk(s, ",\"\r\n"))
		return cu_buf_puts(b, s);
	int r = cu_buf_puts(b, "\"");
	for (const char *p = s; r == 0 && *p; p++)
		r = *p == '"' ? cu_buf_puts(b, "\"\"") : cu_buf_append(b, p, 1);
	return r ? r : cu_buf_puts(b, "\"");
}

/*
 * One row. The metric is its parts joined by "." ("deadlines" "by_article"
 * "met"), built without a length limit: no row is ever cut short.
 */
static int csv_row(cu_buf *b, int year, const char *const metric[3], const char *key,
                   const json_t *v)
{
	char num[32];
	const char *val = json_string_value(v);
	cu_buf m;
	int r = 0;
	if (json_is_integer(v)) {
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		val = num;
	} else if (json_is_boolean(v)) {
		val = json_is_true(v) ? "true" : "false";
	} else if (!val) {
		val = "";
	}
	cu_buf_init(&m, 0);
	for (size_t i = 0; r == 0 && i < 3 && metric[i]; i++)
		r = i ? cu_buf_printf(&m, ".%s", metric[i]) : cu_buf_puts(&m, metric[i]);
	if (r == 0)
		r = cu_buf_printf(b, "%d,", year);
	if (r == 0 && (r = csv_field(b, m.data ? m.data : "")) == 0 &&
	    (r = cu_buf_puts(b, ",")) == 0 && (r = csv_field(b, key ? key : "")) == 0 &&
	    (r = cu_buf_puts(b, ",")) == 0 && (r = csv_field(b, val)) == 0)
		r = cu_buf_puts(b, "\n");
	cu_buf_free(&m);
	return r;
}

/*
 * Rows of an object of counts, or of objects of counts. A second level
 * (a request's status, a deadline's state, an action's status) goes into
 * the metric, not the key: the key stays the first level's own text (a kind,
 * an article such as "Directive 2014/41/EU art. 12(3)", which holds "/"), so
 * "deadlines.by_article.met","<article>",1 cannot be read two ways.
 */
static int csv_counts(cu_buf *b, int year, const char *section, const char *figure,
                      const json_t *obj)
{
	const char *k, *k2;
	json_t *v, *v2;
	int r = 0;
	json_object_foreach((json_t *)obj, k, v) {
		if (json_is_object(v)) {
			json_object_foreach(v, k2, v2) {
				const char *metric[3] = {section, figure, k2};
				if ((r = csv_row(b, year, metric, k, v2)) != 0)
					return r;
			}
		} else {
			const char *metric[3] = {section, figure, NULL};
			if ((r = csv_row(b, year, metric, k, v)) != 0)
				return r;
		}
	}
	return r;
}

int cu_stats_csv(cu_buf *b, const json_t *s)
{
	int year = (int)jint(s, "year");
	const json_t *snap = json_object_get(s, "snapshot"), *cp = json_object_get(snap, "checkpoint");
	const char *sections[] = {"cases", "jits", "requests", "deadlines", "meetings",
	                          "action_days"};
	static const char *const snapshot_rows[] = {"ledger_size", "root", "day"};
	const char *scope[3] = {"scope", NULL, NULL};
	int r = cu_buf_puts(b, "year,metric,key,value\n");
	if (r == 0)
		r = csv_row(b, year, scope, NULL, json_object_get(s, "scope"));
	for (size_t i = 0; r == 0 && i < sizeof(snapshot_rows) / sizeof(snapshot_rows[0]); i++) {
		const char *metric[3] = {"snapshot", snapshot_rows[i], NULL};
		r = csv_row(b, year, metric, NULL, json_object_get(snap, snapshot_rows[i]));
	}
	if (r == 0 && json_is_object(cp)) {
		const char *metric[3] = {"snapshot", "checkpoint_size", NULL};
		r = csv_row(b, year, metric, NULL, json_object_get(cp, "size"));
	}
	for (size_t i = 0; r == 0 && i < sizeof(sections) / sizeof(sections[0]); i++) {
		const char *k;
		json_t *v;
		json_object_foreach(json_object_get(s, sections[i]), k, v) {
			const char *metric[3] = {sections[i], k, NULL};
			r = json_is_object(v) ? csv_counts(b, year, sections[i], k, v)
			                      : csv_row(b, year, metric, NULL, v);
			if (r)
				break;
		}
	}
	return r;
}
