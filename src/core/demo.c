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
		for (k = 0; k < sizeof(lower) - 1 && code[k]; k++)
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

static int evidence(cu_core *c, int64_t c1, int64_t c2, int64_t c3);
static int cooperation(cu_core *c, int64_t c1);
static int action_days(cu_core *c, int64_t c1);
static int meetings_and_interviews(cu_core *c, int64_t c1, int64_t c3);
static int entities(cu_core *c, int64_t c1, int64_t c3);
static int add_item(cu_core *c, const char *user, int64_t case_id, const char *meta,
                    const void *data, size_t len, int64_t *id);
/* Pages rendered at build time by tools/demo_scans.c. */
extern const unsigned char cu_demo_scan_sr[], cu_demo_scan_ar[];
extern const unsigned long cu_demo_scan_sr_len, cu_demo_scan_ar_len;

static int scenario(cu_core *c)
{
	int64_t c1 = 0, c2 = 0, c3 = 0, j2 = 0, j3 = 0; /* set before use; -O3 cannot tell */
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
	if ((r = evidence(c, c1, c2, c3)) != 0)
		return r;
	if ((r = entities(c, c1, c3)) != 0)
		return r;
	if ((r = cooperation(c, c1)) != 0)
		return r;
	if ((r = action_days(c, c1)) != 0)
		return r;
	return meetings_and_interviews(c, c1, c3);
}

static int add_entity(cu_core *c, const char *user, int64_t case_id, const char *json)
{
	cu_actor a;
	json_t *in = json_loads(json, 0, NULL), *out = NULL;
	int r;
	if (!in)
		return cu_error_set(CU_EINVALID, "demo: bad entity JSON");
	if ((r = as(c, &a, user)) == 0)
		r = cu_entity_create(c, &a, &out, case_id, in);
	json_decref(in);
	json_decref(out);
	return r;
}

/*
 * Entities whose cross-matching finds something real: the suspect of case 1
 * in Cyrillic and Latin, and in a Montenegrin national case with the same
 * phone number written another way; an ISIL member of the Yezidi JIT whose
 * Arabic name a Belgian file transliterates differently. Two national cases
 * beyond domain.md's three hold the other sides. (Persons are made up.)
 */
static int entities(cu_core *c, int64_t c1, int64_t c3)
{
	int64_t me = 0, be = 0;
	int r;
	if ((r = add_entity(c, "se", c1,
	    "{\"kind\":\"person\",\"names\":[\"Marko Djordjevic\",\"the Architect\"],"
	    "\"born\":\"1979-04\",\"nationalities\":[\"RS\"],\"gender\":\"male\","
	    "\"identifiers\":[{\"type\":\"phone\",\"value\":\"+381 64 123 4567\"}],"
	    "\"notes\":\"Gives instructions by encrypted phone (witness W-1)\"}")) != 0 ||
	    (r = add_entity(c, "rs", c1,
	    "{\"kind\":\"person\",\"names\":[{\"name\":\"Марко Ђорђевић\",\"lang\":\"sr\"}],"
	    "\"born\":\"1979-04-11\",\"nationalities\":[\"RS\"],"
	    "\"identifiers\":[{\"type\":\"doc\",\"value\":\"012345678\",\"country\":\"RS\"}]}")) != 0 ||
	    (r = add_entity(c, "se", c1,
	    "{\"kind\":\"vehicle\",\"plate\":\"BG 123-AB\",\"country\":\"RS\","
	    "\"notes\":\"Lorry used for deliveries to Malmo\"}")) != 0)
		return r;
	if ((r = create_case(c, "me",
	    "{\"title\":\"Cigarette and cocaine smuggling through the port of Bar\","
	    "\"crime_types\":[\"drug_trafficking\"],\"opened_on\":\"2025-11-20\","
	    "\"national_ref\":\"Ktr-311/25\"}", &me)) != 0 ||
	    (r = add_entity(c, "me", me,
	    "{\"kind\":\"person\",\"names\":[\"Đorđević Marko\"],\"born\":\"1979\","
	    "\"nationalities\":[\"RS\",\"ME\"]}")) != 0 ||
	    (r = add_entity(c, "me", me,
	    "{\"kind\":\"phone\",\"number\":\"00381641234567\","
	    "\"notes\":\"Intercepted, calls to Malmo\"}")) != 0)
		return r;
	/* A scanned page in Cyrillic: OCR makes it searchable (also in Latin). */
	if ((r = add_item(c, "me", me,
	    "{\"title\":\"Search record received from Serbia (scan)\",\"kind\":\"document\","
	    "\"original_name\":\"zapisnik-pretres.png\",\"collected_by_org\":\"RS\","
	    "\"collected_at\":\"2026-06-16\",\"method\":\"scanned paper record\","
	    "\"language\":\"sr\",\"received_from\":\"RS\"}", cu_demo_scan_sr,
	    cu_demo_scan_sr_len, NULL)) != 0)
		return r;
	if ((r = add_entity(c, "unitad", c3,
	    "{\"kind\":\"person\",\"names\":[{\"name\":\"عبد الله محمد الجبوري\",\"lang\":\"ar\"},"
	    "\"Abdullah Muhammad al-Jubouri\",\"Abu Hamza\"],\"born\":\"1984\","
	    "\"nationalities\":[\"IQ\"],\"notes\":\"Named by witnesses U-0001 and U-0002\"}")) != 0 ||
	    (r = create_case(c, "be",
	    "{\"title\":\"Foreign terrorist fighter returned to Belgium\","
	    "\"crime_types\":[\"terrorism\"],\"opened_on\":\"2023-05-08\","
	    "\"national_ref\":\"FD.35.98.12/23\"}", &be)) != 0 ||
	    (r = add_entity(c, "be", be,
	    "{\"kind\":\"person\",\"names\":[\"Abdallah Mohammed Al Jabouri\"],"
	    "\"born\":\"1984-02\",\"nationalities\":[\"IQ\"]}")) != 0 ||
	    (r = add_item(c, "be", be,
	    "{\"title\":\"Witness statement in Arabic (scan)\",\"kind\":\"testimony\","
	    "\"original_name\":\"ifada.png\",\"collected_by_org\":\"BE\","
	    "\"collected_at\":\"2023-06-02\",\"method\":\"scanned handwritten statement\","
	    "\"language\":\"ar\"}", cu_demo_scan_ar, cu_demo_scan_ar_len, NULL)) != 0)
		return r;
	return 0;
}

/* A 1x1 PNG, valid to its checksums (a photograph stand-in: the media type
 * detector recognises it, OCR finds no text in it). */
static const uint8_t png[] = {
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
	0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90,
	0x77, 0x53, 0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x08, 0xd7, 0x63, 0x68,
	0x68, 0x68, 0x00, 0x00, 0x03, 0x04, 0x01, 0x81, 0x9a, 0xf0, 0xcd, 0x4f, 0x00, 0x00, 0x00,
	0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};

static int add_item(cu_core *c, const char *user, int64_t case_id, const char *meta,
                    const void *data, size_t len, int64_t *id)
{
	cu_actor a;
	cu_ingest *in = NULL;
	json_t *m = json_loads(meta, 0, NULL), *items = NULL;
	int r;
	if (!m)
		return cu_error_set(CU_EINVALID, "demo: bad evidence metadata");
	if ((r = as(c, &a, user)) == 0 &&
	    (r = cu_evidence_begin(c, &a, &in, case_id, m, CU_INGEST_DEFERRED)) == 0 &&
	    (r = cu_evidence_write(in, data, len)) == 0) {
		r = cu_evidence_commit(c, &in, 1, &items);
		in = NULL;
	}
	cu_evidence_abort(in);
	if (r == 0 && id)
		*id = json_integer_value(json_object_get(json_array_get(items, 0), "id"));
	json_decref(items);
	json_decref(m);
	return r;
}

static const char statement_se[] =
	"WITNESS STATEMENT (protected witness W-1)\n"
	"Case AM-48213-26, Swedish Prosecution Authority. Recorded 2026-03-05, Stockholm.\n"
	"The witness states that deliveries of narcotics and handguns reached Malmo by lorry\n"
	"every second week and that instructions came by encrypted phone from a man known as\n"
	"'the Architect', living in Belgrade. (Demo data: persons are made up.)\n";
static const char seizure_rs[] =
	"SEIZURE REPORT - house search, Belgrade, action day 2026-06-16\n"
	"Executed on international arrest warrant and MLA request SE->RS.\n"
	"Seized: 3 mobile phones, 1 laptop, EUR 41,500 in cash, 2 pistols (CZ 75).\n"
	"Items sealed in bags RS-4471 to RS-4476. (Demo data.)\n";
static const char testimony_ua[] =
	"WITNESS TESTIMONY - Kharkiv oblast, recorded by the Office of the Prosecutor General\n"
	"The witness describes the shelling of a residential building on 2022-03-07 and the\n"
	"detention of civilians in a school basement. (Demo data: persons are made up.)\n";
static const char imagery_note[] =
	"SATELLITE IMAGERY ANALYSIS - tiles 2022-03-06/2022-03-08, analyst note attached.\n"
	"Craters consistent with artillery impact visible on the second image. (Demo data.)\n";
static const char unitad_dataset[] =
	"source_id,date,location,summary\n"
	"U-0001,2014-08-03,Sinjar,account of abduction of women and children (demo)\n"
	"U-0002,2014-08-15,Kocho,account of mass killing (demo)\n";
static const char statement_fr[] =
	"PROCES-VERBAL D'AUDITION - temoin T-12, Paris, 2024-02-20\n"
	"La temoin decrit sa captivite a Raqqa en 2015. (Donnees de demonstration.)\n";

/* Evidence with its provenance in each case; one Ukraine item made directly
 * available to the ICC; one UNITAD contribution to the Yezidi JIT. */
static int evidence(cu_core *c, int64_t c1, int64_t c2, int64_t c3)
{
	int64_t shared;
	int r;
	if ((r = add_item(c, "se", c1,
	    "{\"title\":\"Witness statement of protected witness W-1\",\"kind\":\"testimony\","
	    "\"original_name\":\"statement-W1.txt\",\"collected_by\":\"Inspector A. Lind\","
	    "\"collected_by_org\":\"SE\",\"collected_at\":\"2026-03-05T10:30:00Z\","
	    "\"method\":\"recorded interview\",\"source_place\":\"Stockholm\",\"language\":\"sv\","
	    "\"legal_status\":\"recorded under Swedish Code of Judicial Procedure ch. 23\","
	    "\"tags\":[\"witness\",\"protected\"]}", statement_se, sizeof(statement_se) - 1,
	    NULL)) != 0 ||
	    (r = add_item(c, "se", c1,
	    "{\"title\":\"Photograph of the lorry used for deliveries\",\"original_name\":"
	    "\"lorry.png\",\"collected_by\":\"Police photographer\",\"collected_by_org\":\"SE\","
	    "\"collected_at\":\"2026-04-02\",\"method\":\"surveillance photograph\","
	    "\"source_place\":\"Malmo harbour\",\"latitude\":55.6167,\"longitude\":12.9989}",
	    png, sizeof(png), NULL)) != 0 ||
	    (r = add_item(c, "rs", c1,
	    "{\"title\":\"Seizure report, house search in Belgrade\",\"kind\":\"document\","
	    "\"original_name\":\"seizure-report-RS-4471.txt\",\"collected_by\":\"Police "
	    "inspector M. Petrovic\",\"collected_by_org\":\"RS\",\"collected_at\":"
	    "\"2026-06-16\",\"method\":\"house search\",\"source_place\":\"Belgrade\","
	    "\"language\":\"sr\",\"legal_status\":\"seized under the international arrest "
	    "warrant and MLA request SE->RS\"}", seizure_rs, sizeof(seizure_rs) - 1, NULL)) != 0)
		return r;
	if ((r = add_item(c, "lt", c2,
	    "{\"title\":\"Witness testimony, Kharkiv oblast\",\"kind\":\"testimony\","
	    "\"original_name\":\"testimony-kharkiv.txt\",\"collected_by\":\"Prosecutor O. "
	    "Kovalenko\",\"collected_by_org\":\"UA\",\"collected_at\":\"2022-04-12\","
	    "\"language\":\"uk\",\"received_from\":\"UA\",\"legal_status\":\"received "
	    "through the JIT agreement\"}", testimony_ua, sizeof(testimony_ua) - 1, NULL)) != 0 ||
	    (r = add_item(c, "lt", c2,
	    "{\"title\":\"Satellite imagery analysis, 6-8 March 2022\",\"kind\":\"image\","
	    "\"original_name\":\"imagery-note.txt\",\"collected_by\":\"Analyst R. Jonaitis\","
	    "\"collected_by_org\":\"LT\",\"collected_at\":\"2022-03-20\",\"method\":"
	    "\"commercial satellite imagery\",\"source_url\":\"https://example.org/imagery\","
	    "\"latitude\":49.99,\"longitude\":36.23}", imagery_note, sizeof(imagery_note) - 1,
	    &shared)) != 0)
		return r;
	char grant[512];
	snprintf(grant, sizeof(grant), "{\"case\":\"%lld\",\"items\":[%lld],\"org\":\"ICC\","
	         "\"legal_basis\":\"Request of the ICC Office of the Prosecutor under art. 93(10) "
	         "Rome Statute\"}", (long long)c2, (long long)shared);
	json_t *g = json_loads(grant, 0, NULL), *out = NULL;
	cu_actor lt;
	if ((r = as(c, &lt, "lt")) == 0)
		r = cu_grant_create(c, &lt, &out, g);
	json_decref(g);
	json_decref(out);
	if (r)
		return r;
	if ((r = add_item(c, "unitad", c3,
	    "{\"title\":\"Witness accounts dataset contributed by UNITAD\",\"kind\":\"dataset\","
	    "\"original_name\":\"unitad-accounts.csv\",\"collected_by_org\":\"UNITAD\","
	    "\"collected_at\":\"2019-11-30\",\"method\":\"structured interviews\","
	    "\"language\":\"ar\",\"legal_status\":\"contributed to the JIT under its "
	    "agreement with UNITAD\"}", unitad_dataset, sizeof(unitad_dataset) - 1, NULL)) != 0 ||
	    (r = add_item(c, "fr", c3,
	    "{\"title\":\"Hearing record of witness T-12\",\"kind\":\"testimony\","
	    "\"original_name\":\"audition-T12.txt\",\"collected_by\":\"OPJ C. Martin\","
	    "\"collected_by_org\":\"FR\",\"collected_at\":\"2024-02-20\",\"language\":\"fr\"}",
	    statement_fr, sizeof(statement_fr) - 1, NULL)) != 0)
		return r;
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
	/* Thousands of rows at once: the planner's statistics are stale. */
	return r ? r : cu_store_optimize(c->store);
}

/* ---- cooperation requests of the first case (docs/cooperation.md) ------------ */

/* One step of a request: "status" (to), "milestone" (event), "deadline"
 * (step:due_on), by a demo user on a day. */
typedef struct demo_step {
	const char *user, *what, *arg, *on;
} demo_step;

static int demo_steps(cu_core *c, int64_t id, const demo_step *st, size_t n)
{
	int r = 0;
	for (size_t i = 0; r == 0 && i < n; i++) {
		cu_actor a;
		json_t *in = NULL, *out = NULL;
		if ((r = as(c, &a, st[i].user)) != 0)
			break;
		if (!strcmp(st[i].what, "status")) {
			in = json_pack("{s:s,s:s}", "to", st[i].arg, "on", st[i].on);
			r = cu_request_status(c, &a, &out, id, in);
		} else if (!strcmp(st[i].what, "milestone")) {
			in = json_pack("{s:s,s:s}", "event", st[i].arg, "on", st[i].on);
			r = cu_request_milestone(c, &a, &out, id, in);
		} else {
			in = json_pack("{s:s,s:s}", "step", st[i].arg, "due_on", st[i].on);
			r = cu_request_deadline_set(c, &a, &out, id, in);
		}
		json_decref(in);
		json_decref(out);
	}
	return r;
}

static int demo_request(cu_core *c, int64_t *id, int64_t case_id, int64_t subject,
                        const char *kind, const char *to, const char *title, const char *basis,
                        const char *ref, const char *issued)
{
	cu_actor a;
	char cs[24];
	json_t *out = NULL;
	int r;
	cu_id_text(cs, case_id);
	json_t *in = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:[I]}", "case", cs, "kind", kind,
	                       "executing_org", to, "title", title, "legal_basis", basis,
	                       "issuing_ref", ref, "issued_on", issued, "subjects",
	                       (json_int_t)subject);
	if ((r = as(c, &a, "se")) == 0 && (r = cu_request_create(c, &a, &out, in)) == 0)
		*id = json_integer_value(json_object_get(out, "id"));
	json_decref(in);
	json_decref(out);
	return r;
}

/*
 * The first case's requests in their real order: the International Arrest
 * Warrant and the MLA requests for house searches before the action day of
 * 14 April, the extradition request after the arrest — its decision due in
 * five days from whenever the demo is loaded.
 */
static int cooperation(cu_core *c, int64_t c1)
{
	json_t *ents = NULL;
	int64_t subject, iaw = 0, mla_rs = 0, mla_me = 0, ext = 0;
	char today[11], soon[11];
	int r;
	if ((r = cu_store_entity_list(c->store, &ents, c1)) != 0)
		return r;
	subject = json_integer_value(json_object_get(json_array_get(ents, 0), "id"));
	json_decref(ents);
	cu_date_today(today);
	cu_date_add(soon, today, 5);
	static const demo_step iaw_steps[] = {
		{"se", "status", "sent", "2026-03-04"}, {"rs", "status", "received", "2026-03-05"},
		{"rs", "status", "recognised", "2026-03-06"},
		{"rs", "status", "in_execution", "2026-04-14"},
		{"rs", "milestone", "arrested", "2026-04-14"}, {"rs", "status", "executed", "2026-04-14"},
	};
	static const demo_step mla_rs_steps[] = {
		{"se", "status", "sent", "2026-03-10"}, {"rs", "status", "received", "2026-03-12"},
		{"se", "deadline", "execution", "2026-04-15"},
		{"rs", "status", "recognised", "2026-03-20"},
		{"rs", "status", "in_execution", "2026-04-14"}, {"rs", "status", "executed", "2026-04-14"},
	};
	static const demo_step mla_me_steps[] = {
		{"se", "status", "sent", "2026-03-10"}, {"me", "status", "received", "2026-03-13"},
		{"se", "deadline", "execution", "2026-04-15"},
		{"me", "status", "recognised", "2026-03-24"},
		{"me", "status", "in_execution", "2026-04-14"}, {"me", "status", "executed", "2026-04-14"},
	};
	demo_step ext_steps[] = {
		{"se", "status", "sent", "2026-04-20"}, {"rs", "status", "received", "2026-04-22"},
		{"rs", "deadline", "decision", soon},
	};
	if ((r = demo_request(c, &iaw, c1, subject, "international_arrest_warrant", "RS",
	                      "International Arrest Warrant (Interpol red notice) for the suspect",
	                      "European Convention on Extradition (1957); Interpol red notice",
	                      "AM-48213-26/1", "2026-03-04")) != 0 ||
	    (r = demo_steps(c, iaw, iaw_steps, sizeof(iaw_steps) / sizeof(iaw_steps[0]))) != 0 ||
	    (r = demo_request(c, &mla_rs, c1, subject, "mla", "RS",
	                      "House searches and seizures at the suspect's addresses in Serbia",
	                      "European Convention on Mutual Assistance in Criminal Matters (1959)",
	                      "AM-48213-26/2", "2026-03-10")) != 0 ||
	    (r = demo_steps(c, mla_rs, mla_rs_steps,
	                    sizeof(mla_rs_steps) / sizeof(mla_rs_steps[0]))) != 0 ||
	    (r = demo_request(c, &mla_me, c1, subject, "mla", "ME",
	                      "House search of the group's storage in Montenegro",
	                      "European Convention on Mutual Assistance in Criminal Matters (1959)",
	                      "AM-48213-26/3", "2026-03-10")) != 0 ||
	    (r = demo_steps(c, mla_me, mla_me_steps,
	                    sizeof(mla_me_steps) / sizeof(mla_me_steps[0]))) != 0 ||
	    (r = demo_request(c, &ext, c1, subject, "extradition", "RS",
	                      "Extradition of the suspect to Sweden after his arrest",
	                      "European Convention on Extradition (1957)", "AM-48213-26/4",
	                      "2026-04-20")) != 0)
		return r;
	return demo_steps(c, ext, ext_steps, sizeof(ext_steps) / sizeof(ext_steps[0]));
}

/* ---- meetings and interviews (docs/cooperation.md) --------------------------- */

static int demo_call(cu_core *c, const char *user, const char *json, json_t **out,
                     int (*fn)(cu_core *, const cu_actor *, json_t **, const json_t *))
{
	cu_actor a;
	json_t *in = json_loads(json, 0, NULL);
	int r;
	*out = NULL;
	if (!in)
		return cu_error_set(CU_EINVALID, "demo: bad JSON");
	if ((r = as(c, &a, user)) == 0)
		r = fn(c, &a, out, in);
	json_decref(in);
	return r;
}

/*
 * The first case's coordination meeting before the action day, its
 * follow-up actions linked to the requests; a Genocide Network plenary with
 * a closed session for national authorities and the UN mechanisms; a witness
 * of the Yezidi case heard by FR in 2024 and, as the same (made-up) person
 * in a German case, an interview DE plans: custodia reports the earlier one
 * without disclosing the Yezidi case to DE.
 */
static int meetings_and_interviews(cu_core *c, int64_t c1, int64_t c3)
{
	cu_request_filter rf = {.case_id = c1, .limit = 10};
	json_t *ids = NULL, *out = NULL, *items = NULL, *v;
	int64_t de = 0, w3 = 0, wde = 0, record = 0;
	char buf[2048];
	size_t i;
	int r;
	/* Newest first: the extradition, the MLA requests to ME and RS, the warrant. */
	if ((r = cu_store_request_ids(c->store, &ids, &rf)) != 0)
		return r;
	long long ext = json_integer_value(json_array_get(ids, 0)),
	          mla_me = json_integer_value(json_array_get(ids, 1)),
	          mla_rs = json_integer_value(json_array_get(ids, 2)),
	          iaw = json_integer_value(json_array_get(ids, 3));
	json_decref(ids);
	(void)ext;
	snprintf(buf, sizeof(buf),
	    "{\"kind\":\"coordination\",\"case\":\"%lld\",\"title\":\"Coordination meeting on the"
	    " arrest of the Swedish high-value target\",\"held_on\":\"2026-03-25\","
	    "\"place\":\"The Hague\",\"participants\":[\"RS\",\"ME\",\"INTERPOL\"],"
	    "\"agenda\":\"Location of the suspect; execution of the International Arrest Warrant;"
	    " house searches in Serbia and Montenegro; a common action day\","
	    "\"actions\":[{\"text\":\"Arrest the suspect on the action day\",\"org\":\"RS\","
	    "\"request\":%lld,\"due_on\":\"2026-04-14\"},"
	    "{\"text\":\"Search the suspect's addresses and seize phones and documents\","
	    "\"org\":\"RS\",\"request\":%lld,\"due_on\":\"2026-04-14\"},"
	    "{\"text\":\"Search the group's storage in Montenegro\",\"org\":\"ME\","
	    "\"request\":%lld,\"due_on\":\"2026-04-14\"}]}",
	    (long long)c1, iaw, mla_rs, mla_me);
	if ((r = demo_call(c, "se", buf, &out, cu_meeting_create)) != 0)
		return r;
	int64_t m1 = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	json_t *in = json_pack("{s:s}", "outcome", "Common action day agreed for 14 April 2026:"
	                       " arrest in Serbia, simultaneous house searches in Serbia and"
	                       " Montenegro; SE to send the extradition request after the arrest.");
	cu_actor a;
	if ((r = as(c, &a, "se")) == 0)
		r = cu_meeting_outcome(c, &a, &out, m1, in);
	json_decref(in);
	json_decref(out);
	if (r)
		return r;
	if ((r = demo_call(c, "genocide",
	    "{\"kind\":\"plenary\",\"title\":\"Genocide Network plenary meeting\","
	    "\"held_on\":\"2026-05-20\",\"place\":\"The Hague\","
	    "\"participants\":[\"SE\",\"FR\",\"DE\",\"NL\",\"BE\",\"LT\",\"UA\",\"IIIM\","
	    "\"UNITAD\",\"ICC\",\"EUROPOL\",\"EJN\"],"
	    "\"agenda\":\"Cumulative prosecution; digital evidence of core international crimes\","
	    "\"sessions\":[{\"title\":\"Open session: digital evidence\","
	    "\"agenda\":\"Open-source material and its provenance in court\"},"
	    "{\"title\":\"Closed session: ongoing investigations\",\"closed\":true,"
	    "\"agenda\":\"Exchange on ongoing investigations into ISIL crimes against Yezidis\","
	    "\"participants\":[\"SE\",\"FR\",\"DE\",\"NL\",\"BE\",\"LT\",\"UA\",\"IIIM\","
	    "\"UNITAD\"]}]}", &out, cu_meeting_create)) != 0)
		return r;
	json_decref(out);
	/* The witness: heard by FR in the Yezidi case, with the hearing record. */
	if ((r = cu_store_item_list(c->store, &items, c3, 0, "9999-12-31", 0, 0)) != 0)
		return r;
	json_array_foreach(items, i, v)
		if (!strcmp(cu_json_str(v, "kind"), "testimony") &&
		    strstr(cu_json_str(v, "title"), "T-12"))
			record = json_integer_value(json_object_get(v, "id"));
	json_decref(items);
	snprintf(buf, sizeof(buf), "{\"kind\":\"person\",\"names\":[\"Hala Khidir Rasho\"],"
	         "\"born\":\"1996-03\",\"nationalities\":[\"IQ\"],\"gender\":\"female\","
	         "\"notes\":\"Witness T-12\"}");
	in = json_loads(buf, 0, NULL);
	if ((r = as(c, &a, "fr")) == 0 && (r = cu_entity_create(c, &a, &out, c3, in)) == 0)
		w3 = json_integer_value(json_object_get(out, "id"));
	json_decref(in);
	json_decref(out);
	if (r)
		return r;
	snprintf(buf, sizeof(buf), "{\"case\":\"%lld\",\"entity\":%lld,\"role\":\"witness\","
	         "\"status\":\"held\",\"on\":\"2024-02-20\",\"interviewer\":\"OPJ C. Martin\","
	         "\"authority\":\"Investigating judge, Paris judicial court (pole crimes contre"
	         " l'humanite)\",\"record_item\":%lld}", (long long)c3, (long long)w3,
	         (long long)record);
	if ((r = demo_call(c, "fr", buf, &out, cu_interview_create)) != 0)
		return r;
	json_decref(out);
	/* The same woman, spelt otherwise, in a German case DE alone sees. */
	if ((r = create_case(c, "de",
	    "{\"title\":\"Enslavement of Yezidi women by a returned ISIL member\","
	    "\"crime_types\":[\"core_international_crimes\",\"terrorism\"],"
	    "\"opened_on\":\"2025-09-15\",\"national_ref\":\"3 BJs 412/25-2\"}", &de)) != 0)
		return r;
	in = json_loads("{\"kind\":\"person\",\"names\":[\"Hala Khider Rasho\"],"
	                "\"born\":\"1996\",\"nationalities\":[\"IQ\"],\"gender\":\"female\"}",
	                0, NULL);
	if ((r = as(c, &a, "de")) == 0 && (r = cu_entity_create(c, &a, &out, de, in)) == 0)
		wde = json_integer_value(json_object_get(out, "id"));
	json_decref(in);
	json_decref(out);
	if (r)
		return r;
	char today[11], later[11];
	cu_date_today(today);
	cu_date_add(later, today, 21);
	snprintf(buf, sizeof(buf), "{\"case\":\"%lld\",\"entity\":%lld,\"role\":\"victim\","
	         "\"status\":\"planned\",\"on\":\"%s\",\"authority\":\"Federal Public"
	         " Prosecutor General (Generalbundesanwalt)\"}", (long long)de, (long long)wde, later);
	if ((r = demo_call(c, "de", buf, &out, cu_interview_create)) != 0)
		return r;
	json_decref(out);
	return 0;
}

/* ---- action days of the first case (docs/cooperation.md) -------------------- */

/* A day's actions from a JSON text; *ids receives the action ids in order. */
static int demo_day(cu_core *c, const char *json, int64_t *ids, size_t n)
{
	json_t *in = json_loads(json, 0, NULL), *out = NULL;
	cu_actor a;
	int r = in ? as(c, &a, "se") : cu_error_set(CU_EINVALID, "demo action day");
	if (r == 0 && (r = cu_actionday_create(c, &a, &out, in)) == 0)
		for (size_t i = 0; i < n; i++)
			ids[i] = json_integer_value(json_object_get(json_array_get(
			         json_object_get(out, "actions"), i), "id"));
	json_decref(in);
	json_decref(out);
	return r;
}

static int demo_update(cu_core *c, const char *user, int64_t action, const char *status,
                       const char *result, int64_t evidence)
{
	json_t *in = json_pack("{s:s,s:s?}", "status", status, "result", result), *out = NULL;
	cu_actor a;
	int r;
	if (evidence)
		json_object_set_new(in, "evidence", json_integer(evidence));
	if ((r = as(c, &a, user)) == 0)
		r = cu_action_update(c, &a, &out, action, in);
	json_decref(in);
	json_decref(out);
	return r;
}

/*
 * The action day of 14 April 2026 (domain.md): Serbia arrests the suspect
 * and searches his house, Montenegro searches the group's storage; the
 * seizure report is linked to the Belgrade search. And a day planned for
 * today, for a demo user to run live (post updates as "rs" and "me").
 */
static int action_days(cu_core *c, int64_t c1)
{
	json_t *ents = NULL, *items = NULL, *v;
	int64_t subject, lorry, report = 0, done[4] = {0}, live[4] = {0};
	char today[11], buf[2048];
	size_t i;
	int r;
	cu_date_today(today);
	if ((r = cu_store_entity_list(c->store, &ents, c1)) != 0)
		return r;
	subject = json_integer_value(json_object_get(json_array_get(ents, 0), "id"));
	lorry = json_integer_value(json_object_get(json_array_get(ents, 2), "id"));
	json_decref(ents);
	if ((r = cu_store_item_list(c->store, &items, c1, 0, today, 0, 0)) != 0)
		return r;
	json_array_foreach(items, i, v)
		if (cu_json_str(v, "original_name") &&
		    !strcmp(cu_json_str(v, "original_name"), "seizure-report-RS-4471.txt"))
			report = json_integer_value(json_object_get(v, "id"));
	json_decref(items);
	snprintf(buf, sizeof(buf),
	         "{\"case\":\"2026/0001\",\"title\":\"Action day: arrest of the Architect\","
	         "\"day\":\"2026-04-14\",\"timezones\":{\"RS\":\"Europe/Belgrade\","
	         "\"ME\":\"Europe/Podgorica\",\"SE\":\"Europe/Stockholm\"},"
	         "\"notes\":\"Coordination centre staffed by the Swedish desk\",\"actions\":["
	         "{\"kind\":\"arrest\",\"country\":\"RS\",\"org\":\"RS\",\"entity\":%lld,"
	         "\"planned_time\":\"06:00\",\"place\":\"Belgrade\","
	         "\"description\":\"Arrest on the International Arrest Warrant\"},"
	         "{\"kind\":\"house_search\",\"country\":\"RS\",\"org\":\"RS\",\"entity\":%lld,"
	         "\"planned_time\":\"06:00\",\"place\":\"Belgrade, the suspect's home\"},"
	         "{\"kind\":\"house_search\",\"country\":\"ME\",\"org\":\"ME\","
	         "\"planned_time\":\"06:30\",\"place\":\"Bar, the group's storage\"},"
	         "{\"kind\":\"witness_interview\",\"country\":\"SE\",\"org\":\"SE\","
	         "\"planned_time\":\"09:00\",\"place\":\"Stockholm\"}]}",
	         (long long)subject, (long long)subject);
	if ((r = demo_day(c, buf, done, 4)) != 0 ||
	    (r = demo_update(c, "rs", done[0], "started", NULL, 0)) != 0 ||
	    (r = demo_update(c, "rs", done[1], "started", NULL, 0)) != 0 ||
	    (r = demo_update(c, "me", done[2], "started", NULL, 0)) != 0 ||
	    (r = demo_update(c, "rs", done[0], "completed", "arrested", 0)) != 0 ||
	    (r = demo_update(c, "rs", done[1], "completed", "3 phones, 2 laptops and documents "
	                     "seized (bags RS-4471 to RS-4476)", report)) != 0 ||
	    (r = demo_update(c, "me", done[2], "completed", "storage searched: 2 firearms and "
	                     "ledgers seized", 0)) != 0 ||
	    (r = demo_update(c, "se", done[3], "completed", "witness W-1 heard again", 0)) != 0)
		return r;
	snprintf(buf, sizeof(buf),
	         "{\"case\":\"2026/0001\",\"title\":\"Follow-up action day (live demo)\","
	         "\"day\":\"%s\",\"timezones\":{\"RS\":\"Europe/Belgrade\","
	         "\"ME\":\"Europe/Podgorica\",\"SE\":\"Europe/Stockholm\"},\"actions\":["
	         "{\"kind\":\"house_search\",\"country\":\"RS\",\"org\":\"RS\","
	         "\"planned_time\":\"06:00\",\"place\":\"Novi Sad, a second address\"},"
	         "{\"kind\":\"asset_freezing\",\"country\":\"ME\",\"org\":\"ME\","
	         "\"planned_time\":\"09:00\",\"description\":\"Bank accounts of the storage "
	         "company\"},"
	         "{\"kind\":\"seizure\",\"country\":\"SE\",\"org\":\"SE\",\"entity\":%lld,"
	         "\"planned_time\":\"07:00\",\"place\":\"Malmo harbour\"},"
	         "{\"kind\":\"hearing\",\"country\":\"RS\",\"org\":\"RS\",\"entity\":%lld,"
	         "\"planned_time\":\"14:00\",\"description\":\"Extradition hearing\"}]}",
	         today, (long long)lorry, (long long)subject);
	return demo_day(c, buf, live, 4);
}
