/* SPDX-License-Identifier: Apache-2.0 */
/* core: joint investigation teams. */
#include <stdio.h>
#include <string.h>

#include "core/internal.h"

static bool jit_role_valid(const char *r)
{
	return r && (!strcmp(r, "member") || !strcmp(r, "participant"));
}

/* An expired JIT is read-only until extended. */
static int jit_active(const json_t *doc)
{
	char today[11];
	cu_date_today(today);
	const char *exp = cu_json_str(doc, "expires_on");
	if (exp && strcmp(exp, today) < 0)
		return cu_error_set(CU_ECONFLICT, "JIT \"%s\" expired on %s: it is read-only until "
		                    "extended", cu_json_str(doc, "name"), exp);
	return 0;
}

/* A case given as an id (number) or a reference/national number (string). */
static int case_arg(cu_core *c, const cu_actor *a, int64_t *out, const json_t *v)
{
	char buf[32];
	if (json_is_integer(v)) {
		snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
		return cu_case_resolve(c, a, out, buf);
	}
	if (json_is_string(v))
		return cu_case_resolve(c, a, out, json_string_value(v));
	return cu_error_set(CU_EINVALID, "field \"cases\" must list case ids or references");
}

static int link_case(cu_core *c, const cu_actor *a, int64_t jit_id, int64_t case_id)
{
	char idt[24], jt[24];
	int r;
	if ((r = cu_access_case(c, a, case_id, CU_OP_MANAGE)) != 0)
		return r;
	if ((r = cu_store_jit_case_link(c->store, jit_id, case_id)) != 0)
		return r == CU_EEXISTS ? cu_error_set(r, "the case is already linked to this JIT") : r;
	cu_id_text(idt, case_id);
	cu_id_text(jt, jit_id);
	json_t *after = json_pack("{s:I}", "jit_id", (json_int_t)jit_id);
	r = cu_core_event(c, a, "case.jit_link", "case", idt, case_id, jit_id, NULL, after);
	json_decref(after);
	return r;
}

static int add_member(cu_core *c, int64_t jit_id, const json_t *m)
{
	static const cu_jfield f[] = {{"org", CU_JSTR, true, 16}, {"role", CU_JSTR, false, 16}};
	int64_t org;
	int r;
	if ((r = cu_json_check(m, f, 2)) != 0)
		return r;
	const char *role = cu_json_str(m, "role") ? cu_json_str(m, "role") : "member";
	if (!jit_role_valid(role))
		return cu_error_set(CU_EINVALID, "field \"role\" must be member or participant");
	if ((r = cu_org_id(c, &org, "members.org", cu_json_str(m, "org"))) != 0)
		return r;
	return cu_store_jit_member_set(c->store, jit_id, org, role);
}

int cu_jit_create(cu_core *c, const cu_actor *a, json_t **out, const json_t *in)
{
	static const cu_jfield f[] = {
		{"name", CU_JSTR, true, 200}, {"signed_on", CU_JDATE, true, 0},
		{"expires_on", CU_JDATE, true, 0}, {"cases", CU_JARRAY, false, 0},
		{"members", CU_JARRAY, false, 0},
	};
	char now[CU_TS_LEN], jt[24];
	int64_t id = 0;
	size_t i;
	json_t *v, *row = NULL;
	int r;
	*out = NULL;
	if ((r = cu_json_check(in, f, sizeof(f) / sizeof(f[0]))) != 0 ||
	    (r = cu_valid_text("name", cu_json_str(in, "name"), 1, 200)) != 0)
		return r;
	if (strcmp(cu_json_str(in, "expires_on"), cu_json_str(in, "signed_on")) <= 0)
		return cu_error_set(CU_EINVALID, "field \"expires_on\" must be after \"signed_on\"");
	/* Membership gives access to the JIT's cases at once: only a signed agreement does. */
	char today[11];
	cu_date_today(today);
	if (strcmp(cu_json_str(in, "signed_on"), today) > 0)
		return cu_error_set(CU_EINVALID, "field \"signed_on\": %s is in the future; record the "
		                    "JIT once its agreement is signed", cu_json_str(in, "signed_on"));
	if (strcmp(a->role, "admin") && strcmp(a->role, "prosecutor"))
		return cu_error_set(CU_EDENIED, "a user with role %s may not set up a JIT", a->role);
	cu_time_now(now);
	CU_TXN(c, r, {
		row = json_pack("{s:O,s:O,s:O,s:s}", "name", json_object_get(in, "name"),
		                "signed_on", json_object_get(in, "signed_on"), "expires_on",
		                json_object_get(in, "expires_on"), "created_at", now);
		if ((r = cu_store_jit_insert(c->store, &id, row)) != 0 ||
		    (r = cu_store_jit_member_set(c->store, id, a->org_id, "member")) != 0)
			break;
		json_array_foreach(json_object_get(in, "members"), i, v) {
			if ((r = add_member(c, id, v)) != 0)
				break;
		}
		/* Whatever the list said, the creating organisation is a full member. */
		if (r || (r = cu_store_jit_member_set(c->store, id, a->org_id, "member")) != 0)
			break;
		json_array_foreach(json_object_get(in, "cases"), i, v) {
			int64_t case_id;
			if ((r = case_arg(c, a, &case_id, v)) != 0 ||
			    (r = link_case(c, a, id, case_id)) != 0)
				break;
		}
		if (r || (r = cu_store_jit_get(c->store, out, id)) != 0)
			break;
		cu_id_text(jt, id);
		r = cu_core_event(c, a, "jit.create", "jit", jt, 0, id, NULL, *out);
	});
	json_decref(row);
	if (r) {
		json_decref(*out);
		*out = NULL;
	}
	return r;
}

int cu_jit_list(cu_core *c, const cu_actor *a, json_t **out)
{
	return cu_store_jit_list(c->store, out, a->org_id);
}

int cu_jit_get(cu_core *c, const cu_actor *a, json_t **out, int64_t id)
{
	int r;
	*out = NULL;
	if ((r = cu_access_jit(c, a, id, CU_OP_READ)) != 0)
		return r;
	return cu_store_jit_get(c->store, out, id);
}

int cu_jit_extend(cu_core *c, const cu_actor *a, json_t **out, int64_t id, const json_t *in)
{
	static const cu_jfield f[] = {
		{"expires_on", CU_JDATE, true, 0}, {"reason", CU_JSTR, true, 2000},
	};
	json_t *before = NULL;
	char now[CU_TS_LEN], jt[24];
	int r;
	*out = NULL;
	if ((r = cu_json_check(in, f, 2)) != 0 ||
	    (r = cu_valid_text("reason", cu_json_str(in, "reason"), 1, 2000)) != 0)
		return r;
	if ((r = cu_access_jit(c, a, id, CU_OP_MANAGE)) != 0)
		return r;
	cu_time_now(now);
	CU_TXN(c, r, {
		if ((r = cu_store_jit_get(c->store, &before, id)) != 0)
			break;
		if (strcmp(cu_json_str(in, "expires_on"), cu_json_str(before, "expires_on")) <= 0) {
			r = cu_error_set(CU_EINVALID, "an extension must move the expiry after %s",
			                 cu_json_str(before, "expires_on"));
			break;
		}
		if ((r = cu_store_jit_extend(c->store, id, cu_json_str(in, "expires_on"),
		                             cu_json_str(in, "reason"), now, a->username)) == 0 &&
		    (r = cu_store_jit_get(c->store, out, id)) == 0) {
			cu_id_text(jt, id);
			r = cu_core_event(c, a, "jit.extend", "jit", jt, 0, id, before, *out);
		}
	});
	json_decref(before);
	if (r) {
		json_decref(*out);
		*out = NULL;
	}
	return r;
}

int cu_jit_member_add(cu_core *c, const cu_actor *a, json_t **out, int64_t id,
                      const json_t *in)
{
	json_t *before = NULL;
	char jt[24];
	int r;
	*out = NULL;
	if ((r = cu_access_jit(c, a, id, CU_OP_MANAGE)) != 0)
		return r;
	CU_TXN(c, r, {
		if ((r = cu_store_jit_get(c->store, &before, id)) != 0 || (r = jit_active(before)) ||
		    (r = add_member(c, id, in)) != 0 || (r = cu_store_jit_get(c->store, out, id)))
			break;
		cu_id_text(jt, id);
		r = cu_core_event(c, a, "jit.member_add", "jit", jt, 0, id, before, *out);
	});
	json_decref(before);
	if (r) {
		json_decref(*out);
		*out = NULL;
	}
	return r;
}

int cu_jit_case_add(cu_core *c, const cu_actor *a, json_t **out, int64_t id, const json_t *in)
{
	static const cu_jfield f[] = {{"case", CU_JSTR, true, 64}};
	json_t *before = NULL;
	int64_t case_id;
	char jt[24];
	int r;
	*out = NULL;
	json_t *cv = json_object_get(in, "case");
	if (json_is_integer(cv)) {
		if (json_object_size(in) != 1)
			return cu_error_set(CU_EINVALID, "only the field \"case\" is expected");
	} else if ((r = cu_json_check(in, f, 1)) != 0) {
		return r;
	}
	if ((r = cu_access_jit(c, a, id, CU_OP_MANAGE)) != 0)
		return r;
	if ((r = case_arg(c, a, &case_id, cv)) != 0)
		return r;
	CU_TXN(c, r, {
		if ((r = cu_store_jit_get(c->store, &before, id)) != 0 || (r = jit_active(before)) ||
		    (r = link_case(c, a, id, case_id)) != 0 ||
		    (r = cu_store_jit_get(c->store, out, id)) != 0)
			break;
		cu_id_text(jt, id);
		r = cu_core_event(c, a, "jit.case_add", "jit", jt, case_id, id, before, *out);
	});
	json_decref(before);
	if (r) {
		json_decref(*out);
		*out = NULL;
	}
	return r;
}
