/* SPDX-License-Identifier: Apache-2.0 */
/* core: the demo scenario of docs/domain.md (made-up persons only). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "crypto/crypto.h"

/* Demo users: for every organisation, <code> (prosecutor) and <code>-admin. */
static int demo_users(cu_core *c)
{
	char hash[CU_PWHASH_LEN], name[80];
	json_t *orgs, *o;
	size_t i;
	int r;
	/* One Argon2id hash serves every demo user: they share the password. */
	if ((r = cu_password_hash(hash, "demo")) != 0)
		return r;
	if ((r = cu_store_org_list(c->store, &orgs)) != 0)
		return r;
	json_array_foreach(orgs, i, o) {
		const char *code = cu_json_str(o, "code");
		int64_t org = json_integer_value(json_object_get(o, "id"));
		char lower[20];
		size_t k;
		for (k = 0; code[k] && k < sizeof(lower) - 1; k++)
			lower[k] = (char)tolower((unsigned char)code[k]);
		lower[k] = '\0';
		if (!strcmp(code, c->operator_org))
			continue;
		snprintf(name, sizeof(name), "Demo prosecutor, %s", cu_json_str(o, "name"));
		if ((r = cu_store_user_insert(c->store, NULL, lower, org, "prosecutor", name, hash)))
			break;
		char admin[32];
		snprintf(name, sizeof(name), "Demo administrator, %s", cu_json_str(o, "name"));
		snprintf(admin, sizeof(admin), "%s-admin", lower);
		if ((r = cu_store_user_insert(c->store, NULL, admin, org, "admin", name, hash)) != 0)
			break;
	}
	/* An analyst and an observer at the Swedish desk show the other roles. */
	int64_t se;
	if (r == 0 && (r = cu_org_id(c, &se, "org", "SE")) == 0 &&
	    (r = cu_store_user_insert(c->store, NULL, "se-analyst", se, "analyst",
	                              "Demo analyst, National desk Sweden", hash)) == 0)
		r = cu_store_user_insert(c->store, NULL, "se-observer", se, "observer",
		                         "Demo observer, National desk Sweden", hash);
	json_decref(orgs);
	cu_wipe(hash, sizeof(hash));
	return r;
}

static int as(cu_core *c, cu_actor *a, const char *user)
{
	return cu_actor_load(c, a, user);
}

static int create_case(cu_core *c, const char *user, const char *json, int64_t *id)
{
	cu_actor a;
	json_t *in = json_loads(json, 0, NULL), *out = NULL;
	int r;
	if (!in)
		return cu_error_set(CU_EINVALID, "demo: bad case JSON");
	if ((r = as(c, &a, user)) == 0 && (r = cu_case_create(c, &a, &out, in)) == 0)
		*id = json_integer_value(json_object_get(out, "id"));
	json_decref(in);
	json_decref(out);
	return r;
}

static int create_jit(cu_core *c, const char *user, const char *json, int64_t *id)
{
	cu_actor a;
	json_t *in = json_loads(json, 0, NULL), *out = NULL;
	int r;
	if (!in)
		return cu_error_set(CU_EINVALID, "demo: bad JIT JSON");
	if ((r = as(c, &a, user)) == 0 && (r = cu_jit_create(c, &a, &out, in)) == 0)
		*id = json_integer_value(json_object_get(out, "id"));
	json_decref(in);
	json_decref(out);
	return r;
}

static int scenario(cu_core *c)
{
	int64_t c1, c2, c3, j2, j3;
	char buf[1024];
	json_t *in, *out = NULL;
	cu_actor a;
	int r;

	/* 1. Coordinated arrest of a Swedish high-value target. */
	if ((r = create_case(c, "se",
	    "{\"title\":\"Coordinated arrest of a Swedish high-value target\","
	    "\"crime_types\":[\"drug_trafficking\",\"firearms_trafficking\"],"
	    "\"opened_on\":\"2026-03-02\",\"national_ref\":\"AM-48213-26\","
	    "\"participants\":[{\"org\":\"RS\",\"access\":\"participant\","
	    "\"national_ref\":\"KTO-112/26\"},{\"org\":\"ME\",\"access\":\"participant\","
	    "\"national_ref\":\"Ktr-87/26\"},{\"org\":\"INTERPOL\",\"access\":\"observer\"}]}",
	    &c1)) != 0)
		return r;

	/* 2. Core international crimes committed in Ukraine, with a JIT and the ICC. */
	if ((r = create_case(c, "lt",
	    "{\"title\":\"Core international crimes committed in Ukraine\","
	    "\"crime_types\":[\"core_international_crimes\",\"crime_of_aggression\"],"
	    "\"opened_on\":\"2022-03-25\",\"national_ref\":\"01-2-00412-22\","
	    "\"participants\":[{\"org\":\"PL\",\"national_ref\":\"PK II S 17/22\"},"
	    "{\"org\":\"EE\"},{\"org\":\"LV\"},{\"org\":\"SK\"},{\"org\":\"RO\"},"
	    "{\"org\":\"UA\",\"national_ref\":\"12022000000000187\"}]}", &c2)) != 0)
		return r;
	snprintf(buf, sizeof(buf),
	         "{\"name\":\"JIT on core international crimes in Ukraine\","
	         "\"signed_on\":\"2022-03-25\",\"expires_on\":\"2024-03-25\",\"cases\":[%lld],"
	         "\"members\":[{\"org\":\"PL\"},{\"org\":\"EE\"},{\"org\":\"LV\"},{\"org\":\"SK\"},"
	         "{\"org\":\"RO\"},{\"org\":\"UA\"},{\"org\":\"ICC\",\"role\":\"participant\"}]}",
	         (long long)c2);
	if ((r = create_jit(c, "lt", buf, &j2)) != 0)
		return r;
	in = json_pack("{s:s,s:s}", "expires_on", "2028-03-25", "reason",
	               "Investigations continue; agreement extended by all parties for two years");
	if ((r = as(c, &a, "lt")) == 0)
		r = cu_jit_extend(c, &a, &out, j2, in);
	json_decref(in);
	json_decref(out);
	if (r)
		return r;

	/* 3. JIT on ISIL crimes against Yezidis, supported by UNITAD. */
	if ((r = create_case(c, "fr",
	    "{\"title\":\"ISIL crimes against the Yezidi community\","
	    "\"crime_types\":[\"core_international_crimes\",\"terrorism\"],"
	    "\"opened_on\":\"2024-01-15\",\"national_ref\":\"PNAT 24/0153\","
	    "\"participants\":[{\"org\":\"SE\",\"national_ref\":\"AM-1709-24\"},"
	    "{\"org\":\"BE\",\"national_ref\":\"FD.35.98.47/24\"},{\"org\":\"NL\"}]}", &c3)) != 0)
		return r;
	snprintf(buf, sizeof(buf),
	         "{\"name\":\"JIT on ISIL crimes against Yezidis\",\"signed_on\":\"2024-01-15\","
	         "\"expires_on\":\"2026-12-15\",\"cases\":[%lld],\"members\":[{\"org\":\"SE\"},"
	         "{\"org\":\"BE\"},{\"org\":\"NL\"},{\"org\":\"UNITAD\",\"role\":\"participant\"}]}",
	         (long long)c3);
	if ((r = create_jit(c, "fr", buf, &j3)) != 0)
		return r;
	(void)c1;
	return 0;
}

/* Generated cases for load tests: owners rotate through the national desks. */
static int generate(cu_core *c, int n)
{
	static const char *const desks[] = {"SE", "FR", "DE", "NL", "BE", "IT", "ES", "PL"};
	static const char *const types[] = {"swindling_fraud", "money_laundering",
	                                    "drug_trafficking", "cybercrime", "migrant_smuggling",
	                                    "human_trafficking", "corruption", "tax_fraud"};
	cu_actor owners[8];
	char json[512], lower[8];
	int r;
	for (int i = 0; i < 8; i++) {
		snprintf(lower, sizeof(lower), "%c%c", tolower((unsigned char)desks[i][0]),
		         tolower((unsigned char)desks[i][1]));
		if ((r = as(c, &owners[i], lower)) != 0)
			return r;
	}
	for (int i = 0; i < n; i++) {
		int o = i % 8;
		const char *other = desks[(o + 1 + i / 8 % 7) % 8];
		snprintf(json, sizeof(json),
		         "{\"title\":\"Generated case %d: %s network\",\"crime_types\":[\"%s\"],"
		         "\"opened_on\":\"2026-%02d-%02d\",\"national_ref\":\"GEN-%s-%06d\","
		         "\"participants\":[{\"org\":\"%s\"}%s]}", i + 1, types[i % 8], types[i % 8],
		         1 + i % 11, 1 + i % 28, desks[o], i + 1, other,
		         (o != 0 && strcmp(other, "SE") && i % 2 == 0) ? ",{\"org\":\"SE\"}" : "");
		json_t *in = json_loads(json, 0, NULL), *out = NULL;
		r = in ? cu_case_create(c, &owners[o], &out, in) : CU_EINVALID;
		json_decref(in);
		json_decref(out);
		if (r)
			return r;
	}
	return 0;
}

int cu_demo_load(cu_core *c, int extra_cases)
{
	char *done = NULL;
	int r;
	bool loaded = cu_store_meta_get(c->store, &done, "demo_loaded") == 0;
	free(done);
	/* Loaded before: only generated cases may be added. */
	CU_TXN(c, r, {
		if (!loaded && ((r = demo_users(c)) != 0 || (r = scenario(c)) != 0 ||
		                (r = cu_store_meta_set(c->store, "demo_loaded", "1")) != 0))
			break;
		if (extra_cases > 0)
			r = generate(c, extra_cases);
	});
	return r;
}
