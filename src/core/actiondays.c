/* SPDX-License-Identifier: Apache-2.0 */
/*
 * core: action days. A plan per case (a day, each country's time zone,
 * actions with their executing organisation, target entity and planned
 * local time); during the day each team posts status updates for its own
 * actions, numbered 1, 2, ... per day so that a coordination centre can
 * follow them in order and catch up on what it missed. docs/cooperation.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <unicode/ucal.h>
#include <unicode/ustring.h>

#include "core/internal.h"

static const char *const kinds[] = {"arrest", "house_search", "seizure", "witness_interview",
                                    "asset_freezing", "hearing"};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

static int64_t jint(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/*
 * An IANA time zone name: letters, digits and "_+-" in "/"-separated parts,
 * none of them "." or "..", naming a regular TZif file of the system's
 * zoneinfo database.
 */
static int valid_zone(const char *country, const char *tz)
{
	static const char *const dirs[] = {"/usr/share/zoneinfo/", "/usr/lib/zoneinfo/"};
	size_t n = tz ? strlen(tz) : 0;
	bool ok = n > 0 && n < 64 && tz[0] != '/' && tz[n - 1] != '/' && !strstr(tz, "//") &&
	          tz[0] != '.' && !strstr(tz, "/.");
	for (size_t i = 0; ok && i < n; i++) {
		char ch = tz[i];
		ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		     ch == '_' || ch == '+' || ch == '-' || ch == '/';
	}
	for (size_t d = 0; ok && d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		char path[128], magic[4];
		struct stat st;
		snprintf(path, sizeof(path), "%s%s", dirs[d], tz);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		bool tzif = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		            read(fd, magic, 4) == 4 && !memcmp(magic, "TZif", 4);
		close(fd);
		if (tzif)
			return 0;
	}
	return cu_error_set(CU_EINVALID, "field \"timezones\": \"%.64s\" (for %s) is not a known "
	                    "IANA time zone (e.g. \"Europe/Belgrade\")", tz ? tz : "", country);
}

static int valid_time(const char *t)
{
	if (!t || strlen(t) != 5 || t[2] != ':' || t[0] < '0' || t[0] > '2' || t[1] < '0' ||
	    t[1] > '9' || t[3] < '0' || t[3] > '5' || t[4] < '0' || t[4] > '9' ||
	    (t[0] == '2' && t[1] > '3'))
		return cu_error_set(CU_EINVALID, "field \"planned_time\": \"%.16s\" is not a local "
		                    "time HH:MM", t ? t : "");
	return 0;
}

/*
 * The instant, in UTC, of the local time hhmm on day in zone:
 * "YYYY-MM-DDTHH:MM:SSZ" in out, 0; -1 if ICU does not know the zone (it
 * carries its own copy of the time zone database, which may lag the
 * system's that the zone was checked against). A local time that a
 * change of offset skips or repeats is read with the offset in force
 * before the change: in spring the skipped 02:30 is 03:30 summer time, in
 * autumn the repeated 02:30 is its first occurrence (summer time), the one a
 * team reaches first on its clocks. (ICU's default reads a repeated time as
 * its last occurrence, an hour later: set explicitly, both ways.)
 */
static int utc_instant(char out[21], const char *zone, const char *day, const char *hhmm)
{
	UChar uz[64], canon[64];
	UBool system = 0;
	UErrorCode st = U_ZERO_ERROR;
	if (!zone || !day || !hhmm || strlen(zone) >= 64 || strlen(day) != 10 || strlen(hhmm) != 5)
		return -1;
	int y = cu_digits(day, 4), mo = cu_digits(day + 5, 2), d = cu_digits(day + 8, 2),
	    hh = cu_digits(hhmm, 2), mm = cu_digits(hhmm + 3, 2);
	if (y < 0 || mo < 0 || d < 0 || hh < 0 || mm < 0)
		return -1;
	u_uastrcpy(uz, zone);
	ucal_getCanonicalTimeZoneID(uz, -1, canon, 64, &system, &st);
	if (U_FAILURE(st) || !system)
		return -1;
	UCalendar *cal = ucal_open(uz, -1, "en_GB", UCAL_GREGORIAN, &st);
	if (U_FAILURE(st))
		return -1;
	ucal_setAttribute(cal, UCAL_REPEATED_WALL_TIME, UCAL_WALLTIME_FIRST);
	ucal_setAttribute(cal, UCAL_SKIPPED_WALL_TIME, UCAL_WALLTIME_LAST);
	ucal_clear(cal);
	ucal_setDateTime(cal, y, mo - 1, d, hh, mm, 0, &st);
	UDate ms = ucal_getMillis(cal, &st);
	ucal_close(cal);
	if (U_FAILURE(st))
		return -1;
	time_t t = (time_t)(ms / 1000.0);
	struct tm tm;
	if (!gmtime_r(&t, &tm) || strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) != 20)
		return -1;
	return 0;
}

static int by_instant(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	const char *p = cu_json_str(x, "planned_at"), *q = cu_json_str(y, "planned_at");
	int c = p && q ? strcmp(p, q) : (p ? -1 : q ? 1 : 0);
	if (c == 0) {
		json_int_t i = json_integer_value(json_object_get(x, "id")),
		           j = json_integer_value(json_object_get(y, "id"));
		c = (i > j) - (i < j);
	}
	return c;
}

/*
 * Each action's planned local time as one instant ("planned_at", UTC), and
 * the actions in that order: the coordination centre follows one timeline
 * across the day's time zones, where 06:00 in Lisbon comes after 06:00 in
 * Belgrade.
 */
static void add_instants(json_t *day)
{
	json_t *acts = json_object_get(day, "actions"), *tz = json_object_get(day, "timezones"), *v;
	size_t i, n = json_array_size(acts);
	json_array_foreach(acts, i, v) {
		char at[21];
		const char *zone = cu_json_str(tz, cu_json_str(v, "country") ? cu_json_str(v, "country") : "");
		json_object_set_new(v, "planned_at",
		                    utc_instant(at, zone, cu_json_str(day, "day"),
		                                cu_json_str(v, "planned_time")) == 0
		                    ? json_string(at) : json_null());
	}
	json_t **sorted = n ? malloc(n * sizeof(json_t *)) : NULL;
	if (!sorted)
		return; /* none, or no memory: the store's order (local times) stays */
	for (i = 0; i < n; i++)
		sorted[i] = json_incref(json_array_get(acts, i));
	qsort(sorted, n, sizeof(json_t *), by_instant);
	json_array_clear(acts);
	for (i = 0; i < n; i++)
		json_array_append_new(acts, sorted[i]);
	free(sorted);
}

/* A day the actor may `op` (through its case): its document in *out. */
static int load(cu_core *c, const cu_actor *a, json_t **out, int64_t id, cu_op op)
{
	int r = cu_store_actionday_get(c->store, out, id);
	if (r)
		return r;
	if ((r = cu_access_case(c, a, jint(*out, "case_id"), op)) != 0) {
		json_decref(*out);
		*out = NULL;
		if (r == CU_ENOTFOUND)
			r = cu_error_set(r, "no action day %lld", (long long)id);
		return r;
	}
	return 0;
}

int cu_actionday_get(cu_core *c, const cu_actor *a, json_t **out, int64_t id)
{
	*out = NULL;
	int r = load(c, a, out, id, CU_OP_READ);
	if (r == 0)
		add_instants(*out);
	return r;
}

int cu_actionday_list(cu_core *c, const cu_actor *a, json_t **out, const char *case_ref)
{
	int64_t case_id = 0;
	int r;
	*out = NULL;
	if (case_ref && ((r = cu_case_resolve(c, a, &case_id, case_ref)) != 0 ||
	                 (r = cu_access_case(c, a, case_id, CU_OP_READ)) != 0))
		return r;
	/* The operator's administrators too see only their own organisation's cases. */
	return cu_store_actionday_list(c->store, out, a->org_id, case_id);
}

/* Checks one action of a day and inserts it (inside the transaction). */
static int add_action(cu_core *c, int64_t *out_id, const json_t *day, const json_t *in,
                      const char *now)
{
	static const cu_jfield f[] = {
		{"kind", CU_JSTR, true, 40}, {"country", CU_JSTR, true, 2}, {"org", CU_JSTR, true, 16},
		{"entity", CU_JINT, false, 0}, {"planned_time", CU_JSTR, true, 5},
		{"place", CU_JSTR, false, 200}, {"description", CU_JSTR, false, 2000},
	};
	int64_t org_id, ent = cu_json_int(in, "entity", 0), case_id = jint(day, "case_id");
	char until[11];
	int part = 0, r;
	size_t k;
	if (!json_is_object(in))
		return cu_error_set(CU_EINVALID, "an action is an object");
	if ((r = cu_json_check(in, f, sizeof(f) / sizeof(f[0]))) != 0)
		return r;
	const char *kind = cu_json_str(in, "kind"), *country = cu_json_str(in, "country");
	for (k = 0; k < NKINDS && strcmp(kinds[k], kind); k++)
		;
	if (k == NKINDS)
		return cu_error_set(CU_EINVALID, "field \"kind\": unknown action \"%.40s\" (arrest, "
		                    "house_search, seizure, witness_interview, asset_freezing, "
		                    "hearing)", kind);
	if ((r = cu_valid_country("country", country)) != 0 ||
	    (r = valid_time(cu_json_str(in, "planned_time"))) != 0)
		return r;
	if (!json_object_get(json_object_get(day, "timezones"), country))
		return cu_error_set(CU_EINVALID, "field \"country\": the plan has no time zone for "
		                    "%s (add it to \"timezones\")", country);
	if ((r = cu_org_id(c, &org_id, "org", cu_json_str(in, "org"))) != 0)
		return r;
	r = cu_store_case_access(c->store, &part, until, case_id, org_id);
	if ((r && r != CU_ENOTFOUND) || (r == 0 && part == 0 && !until[0]) || r == CU_ENOTFOUND)
		return r && r != CU_ENOTFOUND ? r : cu_error_set(CU_EINVALID, "field \"org\": "
		       "organisation %s does not take part in case %s", cu_json_str(in, "org"),
		       cu_json_str(day, "case_reference"));
	if (ent) {
		json_t *e = NULL;
		r = cu_store_entity_get(c->store, &e, ent);
		bool same = r == 0 && jint(e, "case_id") == case_id;
		json_decref(e);
		if (r && r != CU_ENOTFOUND)
			return r;
		if (!same)
			return cu_error_set(CU_EINVALID, "field \"entity\": entity %lld is not an entity "
			                    "of this case", (long long)ent);
	}
	json_t *row = json_pack("{s:I,s:s,s:s,s:I,s:I,s:O,s:O?,s:O?,s:s}",
		"action_day_id", (json_int_t)jint(day, "id"), "kind", kind, "country", country,
		"org_id", (json_int_t)org_id, "entity_id", (json_int_t)ent,
		"planned_time", json_object_get(in, "planned_time"), "place", json_object_get(in, "place"),
		"description", json_object_get(in, "description"), "created_at", now);
	if (!row)
		return cu_error_set(CU_ENOMEM, "out of memory");
	r = cu_store_action_insert(c->store, out_id, row);
	json_decref(row);
	return r;
}

static int record_day(cu_core *c, const cu_actor *a, json_t **out, int64_t id, const char *action,
                      const json_t *before)
{
	json_t *after = NULL;
	char idt[24];
	int r;
	if ((r = cu_store_actionday_get(c->store, &after, id)) != 0)
		return r;
	cu_id_text(idt, id);
	r = cu_core_event(c, a, action, "actionday", idt, jint(after, "case_id"), 0, before, after);
	add_instants(after); /* for the answer; the event keeps what is stored */
	*out = after;
	return r;
}

int cu_actionday_create(cu_core *c, const cu_actor *a, json_t **out, const json_t *in)
{
	static const cu_jfield f[] = {
		{"case", CU_JSTR, true, 64}, {"title", CU_JSTR, true, 300}, {"day", CU_JDATE, true, 0},
		{"timezones", CU_JOBJECT, true, 0}, {"notes", CU_JSTR, false, 4000},
		{"actions", CU_JARRAY, false, 0},
	};
	int64_t case_id, id = 0;
	char now[CU_TS_LEN];
	const char *cc;
	json_t *tz, *v;
	size_t i;
	int r;
	*out = NULL;
	if ((r = cu_json_check(in, f, sizeof(f) / sizeof(f[0]))) != 0 ||
	    (r = cu_valid_text("title", cu_json_str(in, "title"), 1, 300)) != 0)
		return r;
	tz = json_object_get(in, "timezones");
	if (json_object_size(tz) == 0 || json_object_size(tz) > 64)
		return cu_error_set(CU_EINVALID, "field \"timezones\" maps each country of the day to "
		                    "its IANA time zone: {\"RS\": \"Europe/Belgrade\"}");
	json_object_foreach(tz, cc, v) {
		if ((r = cu_valid_country("timezones", cc)) != 0 ||
		    (r = valid_zone(cc, json_string_value(v))) != 0)
			return r;
	}
	if ((r = cu_case_resolve(c, a, &case_id, cu_json_str(in, "case"))) != 0 ||
	    (r = cu_access_case(c, a, case_id, CU_OP_CONTRIBUTE)) != 0)
		return r;
	char *tzs = json_dumps(tz, JSON_COMPACT | JSON_SORT_KEYS);
	if (!tzs)
		return cu_error_set(CU_ENOMEM, "out of memory");
	cu_time_now(now);
	CU_TXN(c, r, {
		json_t *day = NULL;
		/* Inside the transaction: a case closed meanwhile plans no more. */
		if ((r = cu_case_open_for(c, case_id, "action days")) != 0 ||
		    (r = cu_store_actionday_insert(c->store, &id, case_id, cu_json_str(in, "title"),
		                                   cu_json_str(in, "day"), tzs, cu_json_str(in, "notes"),
		                                   a->username, now)) != 0 ||
		    (r = cu_store_actionday_get(c->store, &day, id)) != 0)
			break;
		json_array_foreach(json_object_get(in, "actions"), i, v)
			if ((r = add_action(c, NULL, day, v, now)) != 0) {
				char msg[600];
				snprintf(msg, sizeof(msg), "%s", cu_error_message(r));
				r = cu_error_set(r, "action %zu: %s", i + 1, msg);
				break;
			}
		json_decref(day);
		if (r == 0)
			r = record_day(c, a, out, id, "actionday.create", NULL);
	});
	free(tzs);
	if (r) {
		json_decref(*out);
		*out = NULL;
	}
	return r;
}

int cu_actionday_action_add(cu_core *c, const cu_actor *a, json_t **out, int64_t day_id,
                            const json_t *in)
{
	json_t *before = NULL;
	char now[CU_TS_LEN];
	int r;
	*out = NULL;
	if ((r = load(c, a, &before, day_id, CU_OP_CONTRIBUTE)) != 0)
		return r;
	cu_time_now(now);
	CU_TXN(c, r, {
		if ((r = cu_case_open_for(c, jint(before, "case_id"), "actions")) != 0 ||
		    (r = add_action(c, NULL, before, in, now)) != 0)
			break;
		r = record_day(c, a, out, day_id, "actionday.action", before);
	});
	json_decref(before);
	if (r) {
		json_decref(*out);
		*out = NULL;
	}
	return r;
}

/*
 * When an action's day begins where it is carried out: 00:00 of the day in
 * its country's zone, as Unix seconds in *out and "YYYY-MM-DDTHH:MM:SSZ" in
 * at. A zone ICU does not know falls back to 00:00 UTC of the day before,
 * which is earlier than the day begins anywhere (UTC+14 at most): lenient,
 * never refusing an outcome posted on the day.
 */
static int day_begins(int64_t *out, char at[21], const json_t *day, const char *country)
{
	const char *date = cu_json_str(day, "day");
	const char *zone = cu_json_str(json_object_get(day, "timezones"), country ? country : "");
	if (!date || strlen(date) != 10)
		return cu_error_set(CU_EINVALID, "action day %lld has no day",
		                    (long long)jint(day, "id"));
	if (utc_instant(at, zone, date, "00:00") != 0) {
		char before[11];
		cu_date_add(before, date, -1);
		snprintf(at, 21, "%.10sT00:00:00Z", before);
	}
	return cu_time_parse(out, at);
}

/*
 * An outcome (completed, failed) is what annual statistics count: none is
 * taken before the day has begun in the action's country. A team may
 * report "started" earlier (it sets out the evening before).
 */
static int outcome_due(const json_t *day, const json_t *act, int64_t action_id)
{
	char at[21];
	int64_t begins;
	int r = day_begins(&begins, at, day, cu_json_str(act, "country"));
	if (r)
		return r;
	if ((int64_t)time(NULL) >= begins)
		return 0;
	return cu_error_set(CU_ECONFLICT, "action %lld (%s in %s) takes place on %s: its outcome "
	                    "can be posted once that day has begun in %s (%s), not before; post "
	                    "\"started\" meanwhile", (long long)action_id, cu_json_str(act, "kind"),
	                    cu_json_str(act, "country"), cu_json_str(day, "day"),
	                    cu_json_str(act, "country"), at);
}

/*
 * A completed or failed action is final; the same outcome again adds a
 * result ("2 more phones seized"). Changing it (completed <-> failed) is a
 * correction and needs its reason, kept in the update's event with the
 * outcome it replaces; "correction" on any other update is refused, so that
 * it always marks a changed outcome.
 */
static int check_correction(const json_t *in, const char *prev, const char *st,
                            int64_t action_id, bool *correcting)
{
	bool final = prev && (!strcmp(prev, "completed") || !strcmp(prev, "failed"));
	const char *why = cu_json_str(in, "correction");
	int r;
	*correcting = final && strcmp(st, "started") && strcmp(st, prev);
	if (!*correcting && why)
		return cu_error_set(CU_EINVALID, "field \"correction\" is only for changing the "
		                    "outcome of a completed or failed action (action %lld is %s)",
		                    (long long)action_id, prev ? prev : "planned");
	if (*correcting && !why)
		return cu_error_set(CU_EINVALID, "action %lld is already %s: changing it to %s is a "
		                    "correction; give its reason in \"correction\"",
		                    (long long)action_id, prev, st);
	if (*correcting && (r = cu_valid_text("correction", why, 1, 1000)) != 0)
		return r;
	return 0;
}

int cu_action_update(cu_core *c, const cu_actor *a, json_t **out, int64_t action_id,
                     const json_t *in)
{
	static const cu_jfield f[] = {{"status", CU_JSTR, true, 20}, {"result", CU_JSTR, false, 1000},
	                              {"evidence", CU_JINT, false, 0},
	                              {"correction", CU_JSTR, false, 1000}};
	json_t *act = NULL, *day = NULL, *list = NULL, *rec = NULL, *was = NULL;
	int64_t seq = 0, ev = cu_json_int(in, "evidence", 0);
	char now[CU_TS_LEN], idt[24];
	bool correcting = false;
	int r;
	*out = NULL;
	if ((r = cu_json_check(in, f, sizeof(f) / sizeof(f[0]))) != 0)
		return r;
	const char *st = cu_json_str(in, "status"), *prev;
	if (strcmp(st, "started") && strcmp(st, "completed") && strcmp(st, "failed"))
		return cu_error_set(CU_EINVALID, "field \"status\": unknown status \"%.20s\" (started, "
		                    "completed, failed)", st);
	if ((r = cu_store_action_get(c->store, &act, action_id)) != 0)
		return r;
	int64_t day_id = jint(act, "action_day_id"), case_id = jint(act, "case_id");
	if ((r = cu_access_case(c, a, case_id, CU_OP_READ)) != 0) {
		if (r == CU_ENOTFOUND)
			r = cu_error_set(r, "no action %lld", (long long)action_id);
		goto out;
	}
	if (jint(act, "org_id") != a->org_id) {
		r = cu_error_set(CU_EDENIED, "action %lld (%s in %s) is executed by %s: only %s may "
		                 "post its updates, not %s", (long long)action_id,
		                 cu_json_str(act, "kind"), cu_json_str(act, "country"),
		                 cu_json_str(act, "org"), cu_json_str(act, "org"), a->org);
		goto out;
	}
	/* An observer of the executing organisation reads the day; it reports nothing. */
	if ((r = cu_access_case(c, a, case_id, CU_OP_CONTRIBUTE)) != 0)
		goto out;
	prev = cu_json_str(act, "status");
	if (!strcmp(st, "started") && prev && strcmp(prev, "planned") && strcmp(prev, "started")) {
		r = cu_error_set(CU_ECONFLICT, "action %lld is already %s: it cannot be started "
		                 "again", (long long)action_id, prev);
		goto out;
	}
	if ((r = check_correction(in, prev, st, action_id, &correcting)) != 0 ||
	    (r = cu_store_actionday_get(c->store, &day, day_id)) != 0 ||
	    (strcmp(st, "started") && (r = outcome_due(day, act, action_id)) != 0))
		goto out;
	if (ev) {
		json_t *item = NULL;
		r = cu_store_item_get(c->store, &item, ev);
		bool same = r == 0 && jint(item, "case_id") == case_id;
		json_decref(item);
		if (r && r != CU_ENOTFOUND)
			goto out;
		if (!same) {
			r = cu_error_set(CU_EINVALID, "field \"evidence\": item %lld is not an item of "
			                 "this case", (long long)ev);
			goto out;
		}
	}
	/*
	 * A correction's result carries its reason, "RESULT (correction: WHY)" or
	 * "correction: WHY": whoever follows the day sees why the outcome changed,
	 * and the earlier outcome's result ("arrested") does not stand beside the
	 * new status. Its event also keeps the outcome it replaces.
	 */
	const char *result = cu_json_str(in, "result");
	char *because = NULL;
	if (correcting) {
		const char *why = cu_json_str(in, "correction");
		size_t n = (result ? strlen(result) : 0) + strlen(why) + sizeof(" (correction: )");
		was = json_pack("{s:s,s:O}", "status", prev, "result",
		                json_object_get(act, "result") ? json_object_get(act, "result")
		                                               : json_null());
		if (!was || !(because = malloc(n))) {
			r = cu_error_set(CU_ENOMEM, "out of memory");
			goto out;
		}
		if (result)
			snprintf(because, n, "%s (correction: %s)", result, why);
		else
			snprintf(because, n, "correction: %s", why);
		result = because;
	}
	cu_time_now(now);
	cu_id_text(idt, action_id);
	CU_TXN(c, r, {
		/* Inside the transaction: a case closed meanwhile takes no more. */
		if ((r = cu_case_open_for(c, case_id, "action updates")) != 0 ||
		    (r = cu_store_action_update_add(c->store, &seq, day_id, action_id, st, result, ev,
		                                    a->username, now)) != 0 ||
		    (r = cu_store_action_updates(c->store, &list, day_id, seq - 1, 1)) != 0)
			break;
		rec = json_deep_copy(json_array_get(list, 0));
		if (!rec) {
			r = cu_error_set(CU_ENOMEM, "out of memory");
			break;
		}
		if (correcting)
			json_object_set_new(rec, "correction", json_pack("{s:s,s:O}", "reason",
			                    cu_json_str(in, "correction"), "replaces", was));
		r = cu_core_event(c, a, "action.update", "action", idt, case_id, 0, was, rec);
	});
	free(because);
	if (r == 0) {
		*out = json_incref(rec);
		json_object_set_new(*out, "action_day_id", json_integer(day_id));
	}
out:
	json_decref(rec);
	json_decref(was);
	json_decref(list);
	json_decref(day);
	json_decref(act);
	return r;
}

int cu_actionday_updates(cu_core *c, const cu_actor *a, json_t **out, int64_t day_id,
                         int64_t after, int limit)
{
	json_t *day = NULL;
	int r;
	*out = NULL;
	if ((r = load(c, a, &day, day_id, CU_OP_READ)) != 0)
		return r;
	json_decref(day);
	return cu_store_action_updates(c->store, out, day_id, after < 0 ? 0 : after, limit);
}

int cu_actionday_since(cu_core *c, json_t **out, int64_t day_id, int64_t after, int limit)
{
	return cu_store_action_updates(c->store, out, day_id, after, limit);
}

int cu_actionday_last_seq(cu_core *c, int64_t *out, int64_t day_id)
{
	return cu_store_actionday_last_seq(c->store, out, day_id);
}
