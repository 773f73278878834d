/* SPDX-License-Identifier: Apache-2.0 */
/* core: organisations. */
#include <string.h>

#include "core/internal.h"

static bool kind_valid(const char *k)
{
	static const char *const kinds[] = {"national_member", "liaison_prosecutor",
	                                    "international_organisation", "eu_agency", "network"};
	for (size_t i = 0; k && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(k, kinds[i]))
			return true;
	return false;
}

/* National desks and liaison prosecutors represent a country; others may. */
static int check_org(const char *kind, const char *country)
{
	int r;
	if (!kind_valid(kind))
		return cu_error_set(CU_EINVALID, "field \"kind\" must be one of national_member, "
		                    "liaison_prosecutor, international_organisation, eu_agency, network");
	if (country && (r = cu_valid_country("country", country)) != 0)
		return r;
	if (!country && (!strcmp(kind, "national_member") || !strcmp(kind, "liaison_prosecutor")))
		return cu_error_set(CU_EINVALID, "field \"country\" is required for a %s", kind);
	return 0;
}

static int check_code(const char *code)
{
	size_t n = code ? strlen(code) : 0;
	bool ok = n >= 2 && n <= 16;
	for (size_t i = 0; ok && i < n; i++)
		ok = (code[i] >= 'A' && code[i] <= 'Z') || (code[i] >= '0' && code[i] <= '9');
	return ok ? 0 : cu_error_set(CU_EINVALID, "field \"code\" must be 2-16 characters A-Z, 0-9");
}

int cu_org_list(cu_core *c, const cu_actor *a, json_t **out)
{
	int r;
	if ((r = cu_access_refdata(a, CU_OP_READ)) != 0)
		return r;
	return cu_store_org_list(c->store, out);
}

int cu_org_get(cu_core *c, const cu_actor *a, json_t **out, const char *code)
{
	int r;
	if ((r = cu_access_refdata(a, CU_OP_READ)) != 0)
		return r;
	r = cu_store_org_get(c->store, out, 0, code);
	return r == CU_ENOTFOUND ? cu_error_set(r, "no organisation \"%.32s\"", code) : r;
}

int cu_org_create(cu_core *c, const cu_actor *a, json_t **out, const json_t *in)
{
	static const cu_jfield f[] = {
		{"code", CU_JSTR, true, 16}, {"kind", CU_JSTR, true, 32},
		{"country", CU_JSTR, false, 2}, {"name", CU_JSTR, true, 200},
	};
	const char *code = cu_json_str(in, "code"), *country = cu_json_str(in, "country");
	int64_t id;
	int r;
	*out = NULL;
	if ((r = cu_access_refdata(a, CU_OP_MANAGE)) != 0 ||
	    (r = cu_json_check(in, f, sizeof(f) / sizeof(f[0]))) != 0 || (r = check_code(code)) ||
	    (r = check_org(cu_json_str(in, "kind"), country)) != 0 ||
	    (r = cu_valid_text("name", cu_json_str(in, "name"), 1, 200)) != 0)
		return r;
	CU_TXN(c, r, {
		if ((r = cu_store_org_insert(c->store, &id, code, cu_json_str(in, "kind"), country,
		                             cu_json_str(in, "name"))) == 0 &&
		    (r = cu_store_org_get(c->store, out, id, NULL)) == 0)
			r = cu_core_event(c, a, "org.create", "org", code, 0, 0, NULL, *out);
	});
	if (r == CU_EEXISTS)
		cu_error_set(r, "organisation %s already exists", code);
	if (r) {
		json_decref(*out);
		*out = NULL;
	}
	return r;
}

int cu_org_update(cu_core *c, const cu_actor *a, json_t **out, const char *code,
                  const json_t *in)
{
	static const cu_jfield f[] = {
		{"kind", CU_JSTR, false, 32}, {"country", CU_JSTR, false, 2},
		{"name", CU_JSTR, false, 200},
	};
	json_t *before = NULL, *merged = NULL;
	int r;
	*out = NULL;
	if ((r = cu_access_refdata(a, CU_OP_MANAGE)) != 0 ||
	    (r = cu_json_check(in, f, sizeof(f) / sizeof(f[0]))) != 0)
		return r;
	CU_TXN(c, r, {
		if ((r = cu_store_org_get(c->store, &before, 0, code)) == 0) {
			merged = json_deep_copy(before);
			json_object_update_existing(merged, (json_t *)in);
			const char *country = cu_json_str(merged, "country");
			if ((r = check_org(cu_json_str(merged, "kind"), country)) == 0 &&
			    (r = cu_valid_text("name", cu_json_str(merged, "name"), 1, 200)) == 0 &&
			    (r = cu_store_org_update(c->store, json_integer_value(json_object_get(
			                             merged, "id")), cu_json_str(merged, "kind"), country,
			                             cu_json_str(merged, "name"))) == 0 &&
			    (r = cu_store_org_get(c->store, out, 0, code)) == 0)
				r = cu_core_event(c, a, "org.update", "org", code, 0, 0, before, *out);
		}
	});
	json_decref(before);
	json_decref(merged);
	if (r) {
		json_decref(*out);
		*out = NULL;
	}
	return r == CU_ENOTFOUND ? cu_error_set(r, "no organisation \"%.32s\"", code) : r;
}
