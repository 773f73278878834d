/* SPDX-License-Identifier: Apache-2.0 */
/*
 * core: entities of cases — persons, organisations, phone numbers, accounts,
 * ... — validated and brought to their normal forms, each with the match
 * record and blocking keys cross-matching uses (xref.c). docs/match.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "match/match.h"

static const char *const kinds[] = {
	"person", "organisation", "phone", "email", "vehicle", "vessel", "bank_account",
	"wallet", "identity_document", "place",
};
static const int kind_mk[] = {
	CU_MK_PERSON, CU_MK_ORG, CU_MK_PHONE, CU_MK_EMAIL, CU_MK_VEHICLE, CU_MK_VESSEL,
	CU_MK_IBAN, CU_MK_WALLET, CU_MK_IDDOC, CU_MK_PLACE,
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

static int kind_index(const char *k)
{
	for (size_t i = 0; k && i < NKINDS; i++)
		if (!strcmp(kinds[i], k))
			return (int)i;
	return -1;
}

/* An entity being built from its input: the stored attributes and the
 * match record, side by side. */
typedef struct ent {
	int kind;
	json_t *attrs;
	cu_mrec mrec;
	char label[CU_NAME_MAX + 1];
} ent;

static int field_err(const char *field, int r)
{
	/* The identifier functions say what is wrong; say where. */
	char msg[512];
	snprintf(msg, sizeof(msg), "%s", cu_error_message(r));
	return cu_error_set(r, "field \"%s\": %s", field, msg);
}

static int add_id(ent *e, const char *type, const char *value)
{
	char typed[330];
	if (snprintf(typed, sizeof(typed), "%s:%s", type, value) >= (int)sizeof(typed))
		return cu_error_set(CU_EINVALID, "identifier %s is too long", type);
	return cu_mrec_add_id(&e->mrec, typed);
}

/* A phone number with a country: in international form (+381...), another
 * country's calling code contradicts it. */
static int phone_in_country(const char *field, const char *e164, const char *country)
{
	int r = cu_ident_phone_country(e164, country);
	if (!r)
		return 0;
	char why[200]; /* the detail is rewritten below: copied first */
	snprintf(why, sizeof(why), "%s", cu_error_message(r));
	return cu_error_set(r, "field \"%s\": %s: leave out the country or correct it", field, why);
}

/*
 * One identifier {type, value, country}: validated, normalised, added to the
 * match record, and its stored form ({type, value, country, as_written})
 * returned in *out.
 */
static int identifier(ent *e, json_t **out, const char *field, const char *type,
                      const char *value, const char *country)
{
	char norm[300], key[304];
	int r = 0;
	*out = NULL;
	if (!value || !*value)
		return cu_error_set(CU_EINVALID, "field \"%s\" is required", field);
	if ((r = cu_valid_text(field, value, 1, 256)) != 0)
		return r;
	if (country && (r = cu_valid_country(field, country)) != 0)
		return r;
	if (!strcmp(type, "phone")) {
		r = cu_ident_phone(norm, value, country);
		if (r == 0 && country && (r = phone_in_country(field, norm, country)) != 0)
			return r;
		snprintf(key, sizeof(key), "%s", norm);
	} else if (!strcmp(type, "email")) {
		r = cu_ident_email(norm, sizeof(norm), value);
		/* Mailboxes are case-blind in practice: match them so. */
		for (char *p = norm; *p; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
		snprintf(key, sizeof(key), "%s", norm);
	} else if (!strcmp(type, "iban")) {
		r = cu_ident_iban(norm, value);
		snprintf(key, sizeof(key), "%s", norm);
	} else if (!strcmp(type, "wallet")) {
		r = cu_ident_wallet(norm, sizeof(norm), value);
		snprintf(key, sizeof(key), "%s", norm);
	} else if (!strcmp(type, "imo")) {
		r = cu_ident_imo(norm, value);
		snprintf(key, sizeof(key), "%s", norm);
	} else if (!strcmp(type, "mmsi")) {
		r = cu_ident_mmsi(norm, value);
		snprintf(key, sizeof(key), "%s", norm);
	} else if (!strcmp(type, "plate") || !strcmp(type, "doc") || !strcmp(type, "reg")) {
		if (!country)
			return cu_error_set(CU_EINVALID, "field \"%s\" needs a country", field);
		r = cu_ident_code(norm, sizeof(norm), value);
		snprintf(key, sizeof(key), "%.2s:%s", country, norm);
	} else {
		return cu_error_set(CU_EINVALID, "field \"%s\": unknown identifier type \"%.32s\"",
		                    field, type);
	}
	if (r)
		return field_err(field, r);
	if ((r = add_id(e, type, key)) != 0)
		return r;
	*out = json_pack("{s:s, s:s, s:s}", "type", type, "value", norm, "as_written", value);
	if (country)
		json_object_set_new(*out, "country", json_string(country));
	return *out ? 0 : CU_ENOMEM;
}

/* names: an array of strings or {name, script, lang}. */
static int names(ent *e, const json_t *in, bool required)
{
	json_t *arr = json_array(), *v;
	size_t i;
	int r = 0;
	if (!in || json_array_size(in) == 0) {
		json_decref(arr);
		return required ? cu_error_set(CU_EINVALID, "field \"names\" needs at least one name")
		                : 0;
	}
	if (!json_is_array(in) || json_array_size(in) > CU_MREC_NAMES) {
		json_decref(arr);
		return cu_error_set(CU_EINVALID, "field \"names\" is a list of 1 to %d names",
		                    CU_MREC_NAMES);
	}
	json_array_foreach(in, i, v) {
		const char *name, *script = NULL, *lang = NULL;
		static const cu_jfield nf[] = {
			{"name", CU_JSTR, true, CU_NAME_MAX}, {"script", CU_JSTR, false, 4},
			{"lang", CU_JSTR, false, 3},
		};
		if (json_is_string(v)) {
			name = json_string_value(v);
		} else if (json_is_object(v)) {
			if ((r = cu_json_check(v, nf, 3)) != 0)
				break;
			name = cu_json_str(v, "name"), script = cu_json_str(v, "script");
			lang = cu_json_str(v, "lang");
		} else {
			r = cu_error_set(CU_EINVALID, "field \"names\" lists strings or {name, script, lang}");
			break;
		}
		if (strlen(name) > CU_NAME_MAX) {
			r = cu_error_set(CU_EINVALID, "name %zu is longer than %d bytes", i + 1,
			                 CU_NAME_MAX);
			break;
		}
		if ((r = cu_mrec_add_name(&e->mrec, name)) != 0) {
			char msg[300];
			const char *m = cu_error_message(r);
			snprintf(msg, sizeof(msg), "%s", strncmp(m, "name: ", 6) ? m : m + 6);
			r = cu_error_set(r, "name %zu: %s", i + 1, msg);
			break;
		}
		if (!e->label[0])
			snprintf(e->label, sizeof(e->label), "%s", name);
		json_t *o = json_pack("{s:s, s:s}", "name", name, "script", script ? script : cu_name_script(name));
		if (lang)
			json_object_set_new(o, "lang", json_string(lang));
		json_array_append_new(arr, o);
	}
	if (r == 0)
		json_object_set_new(e->attrs, "names", arr);
	else
		json_decref(arr);
	return r;
}

static int identifiers(ent *e, const json_t *in)
{
	json_t *arr = json_array(), *v, *o;
	size_t i;
	int r = 0;
	static const cu_jfield f[] = {
		{"type", CU_JSTR, true, 16}, {"value", CU_JSTR, true, 256},
		{"country", CU_JSTR, false, 2},
	};
	if (!in) {
		json_decref(arr);
		return 0;
	}
	if (!json_is_array(in) || json_array_size(in) > CU_MREC_IDS) {
		json_decref(arr);
		return cu_error_set(CU_EINVALID, "field \"identifiers\" is a list of up to %d"
		                    " {type, value, country}", CU_MREC_IDS);
	}
	json_array_foreach(in, i, v) {
		if ((r = cu_json_check(v, f, 3)) != 0 ||
		    (r = identifier(e, &o, "identifiers", cu_json_str(v, "type"),
		                    cu_json_str(v, "value"), cu_json_str(v, "country"))) != 0)
			break;
		json_array_append_new(arr, o);
	}
	if (r == 0 && json_array_size(arr))
		json_object_set_new(e->attrs, "identifiers", arr);
	else
		json_decref(arr);
	return r;
}

/* A single identifier field of a kind ("number" of a phone, ...). */
static int one_id(ent *e, const json_t *in, const char *field, const char *type,
                  const char *country, bool required)
{
	const char *v = cu_json_str(in, field);
	json_t *o;
	int r;
	if (!v)
		return required ? cu_error_set(CU_EINVALID, "field \"%s\" is required", field) : 0;
	if ((r = identifier(e, &o, field, type, v, country)) != 0)
		return r;
	json_object_set(e->attrs, field, json_object_get(o, "value"));
	if (strcmp(json_string_value(json_object_get(o, "value")), v) != 0) {
		char aw[64];
		snprintf(aw, sizeof(aw), "%s_as_written", field);
		json_object_set_new(e->attrs, aw, json_string(v));
	}
	if (!e->label[0])
		snprintf(e->label, sizeof(e->label), "%s", json_string_value(json_object_get(o, "value")));
	json_decref(o);
	return 0;
}

static const char *const doc_types[] = {
	"passport", "id_card", "residence_permit", "driving_licence", "travel_document", "other",
};

/*
 * Validates an entity's input and builds its attributes and match record.
 * Fields by kind are in docs/match.md.
 */
static int ent_build(ent *e, const json_t *in)
{
	static const cu_jfield f[] = {
		{"kind", CU_JSTR, true, 32},       {"names", CU_JARRAY, false, 0},
		{"born", CU_JSTR, false, 10},      {"nationalities", CU_JARRAY, false, 0},
		{"gender", CU_JSTR, false, 8},     {"identifiers", CU_JARRAY, false, 0},
		{"registration_number", CU_JSTR, false, 64},
		{"country", CU_JSTR, false, 2},    {"number", CU_JSTR, false, 64},
		{"address", CU_JSTR, false, 1000}, {"plate", CU_JSTR, false, 32},
		{"imo", CU_JSTR, false, 16},       {"mmsi", CU_JSTR, false, 16},
		{"iban", CU_JSTR, false, 64},      {"currency", CU_JSTR, false, 16},
		{"doc_type", CU_JSTR, false, 32},  {"notes", CU_JSTR, false, 4000},
		{"latitude", CU_JNUM, false, 0},   {"longitude", CU_JNUM, false, 0},
		{"source", CU_JSTR, false, 200},
	};
	int r, k;
	const char *country;
	memset(e, 0, sizeof(*e));
	e->attrs = json_object();
	if ((r = cu_json_check(in, f, sizeof(f) / sizeof(f[0]))) != 0)
		return r;
	if ((k = kind_index(cu_json_str(in, "kind"))) < 0)
		return cu_error_set(CU_EINVALID, "field \"kind\" must be person, organisation, phone,"
		                    " email, vehicle, vessel, bank_account, wallet,"
		                    " identity_document or place");
	e->kind = k;
	cu_mrec_init(&e->mrec, kind_mk[k]);
	country = cu_json_str(in, "country");
	if (country && (r = cu_valid_country("country", country)) != 0)
		return r;
	if (country)
		json_object_set_new(e->attrs, "country", json_string(country));

	/* Which fields each kind takes: anything else is a mistake worth saying. */
	static const char *const allowed[NKINDS] = {
		" names born nationalities gender identifiers notes source ",
		" names registration_number country identifiers notes source ",
		" number country notes source ",
		" address notes source ",
		" plate country notes source ",
		" names imo mmsi country notes source ",
		" iban names notes source ",
		" address currency notes source ",
		" doc_type number country names born notes source ",
		" address names country latitude longitude notes source ",
	};
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)in, key, v) {
		char pat[40];
		snprintf(pat, sizeof(pat), " %s ", key);
		if (strcmp(key, "kind") && !strstr(allowed[k], pat) && !json_is_null(v))
			return cu_error_set(CU_EINVALID, "field \"%s\" does not apply to a %s", key,
			                    kinds[k]);
	}

	switch (kind_mk[k]) {
	case CU_MK_PERSON: {
		const char *born = cu_json_str(in, "born"), *g = cu_json_str(in, "gender");
		json_t *nats = json_object_get(in, "nationalities");
		size_t i;
		if ((r = names(e, json_object_get(in, "names"), true)) != 0)
			return r;
		if (born) {
			char today[11];
			cu_date_today(today);
			if ((r = cu_mrec_set_dob(&e->mrec, born)) != 0)
				return field_err("born", r);
			/* YYYY, YYYY-MM or YYYY-MM-DD: compared with today as far as it goes. */
			if (strncmp(born, today, strlen(born)) > 0)
				return cu_error_set(CU_EINVALID, "field \"born\": %s is in the future", born);
			json_object_set_new(e->attrs, "born", json_string(born));
		}
		if (g) {
			if (strcmp(g, "male") && strcmp(g, "female") && strcmp(g, "other"))
				return cu_error_set(CU_EINVALID, "field \"gender\" must be male, female or other");
			json_object_set_new(e->attrs, "gender", json_string(g));
		}
		/* Each country once: a nationality named twice is one nationality. */
		if (json_array_size(nats) > 16)
			return cu_error_set(CU_EINVALID, "field \"nationalities\" lists up to 4 countries");
		json_t *uniq = json_array();
		json_array_foreach(nats, i, v) {
			if (!json_is_string(v) ||
			    (r = cu_valid_country("nationalities", json_string_value(v))) != 0) {
				json_decref(uniq);
				return json_is_string(v) ? r
				       : cu_error_set(CU_EINVALID, "field \"nationalities\" lists country codes");
			}
			bool seen = false;
			for (size_t u = 0; u < json_array_size(uniq) && !seen; u++)
				seen = json_equal(json_array_get(uniq, u), v);
			if (!seen)
				json_array_append(uniq, v);
		}
		if (json_array_size(uniq) > 4) {
			json_decref(uniq);
			return cu_error_set(CU_EINVALID, "field \"nationalities\" lists up to 4 countries");
		}
		json_array_foreach(uniq, i, v)
			cu_mrec_add_nationality(&e->mrec, json_string_value(v));
		if (json_array_size(uniq))
			json_object_set(e->attrs, "nationalities", uniq);
		json_decref(uniq);
		return identifiers(e, json_object_get(in, "identifiers"));
	}
	case CU_MK_ORG:
		if ((r = names(e, json_object_get(in, "names"), true)) != 0)
			return r;
		if (cu_json_str(in, "registration_number") && !country)
			return cu_error_set(CU_EINVALID, "field \"registration_number\" needs a country");
		if ((r = one_id(e, in, "registration_number", "reg", country, false)) != 0)
			return r;
		return identifiers(e, json_object_get(in, "identifiers"));
	case CU_MK_PHONE:
		return one_id(e, in, "number", "phone", country, true);
	case CU_MK_EMAIL:
		return one_id(e, in, "address", "email", NULL, true);
	case CU_MK_VEHICLE:
		if (!country)
			return cu_error_set(CU_EINVALID, "field \"country\" is required for a vehicle");
		return one_id(e, in, "plate", "plate", country, true);
	case CU_MK_VESSEL:
		if ((r = names(e, json_object_get(in, "names"), false)) != 0 ||
		    (r = one_id(e, in, "imo", "imo", NULL, false)) != 0 ||
		    (r = one_id(e, in, "mmsi", "mmsi", NULL, false)) != 0)
			return r;
		if (!e->label[0])
			return cu_error_set(CU_EINVALID, "a vessel needs a name, an IMO or an MMSI number");
		return 0;
	case CU_MK_IBAN:
		/* The holder's name labels the account; it is not matched as a person. */
		if ((r = one_id(e, in, "iban", "iban", NULL, true)) != 0)
			return r;
		if (json_array_size(json_object_get(in, "names")))
			json_object_set(e->attrs, "names", json_object_get(in, "names"));
		return 0;
	case CU_MK_WALLET: {
		const char *cur = cu_json_str(in, "currency");
		if (cur) {
			if ((r = cu_valid_text("currency", cur, 1, 16)) != 0)
				return r;
			json_object_set_new(e->attrs, "currency", json_string(cur));
		}
		return one_id(e, in, "address", "wallet", NULL, true);
	}
	case CU_MK_IDDOC: {
		const char *dt = cu_json_str(in, "doc_type");
		bool ok = false;
		for (size_t i = 0; dt && i < sizeof(doc_types) / sizeof(doc_types[0]); i++)
			ok |= !strcmp(dt, doc_types[i]);
		if (!ok)
			return cu_error_set(CU_EINVALID, "field \"doc_type\" must be passport, id_card,"
			                    " residence_permit, driving_licence, travel_document or other");
		json_object_set_new(e->attrs, "doc_type", json_string(dt));
		if (!country)
			return cu_error_set(CU_EINVALID, "field \"country\" (the issuing country) is required");
		if ((r = one_id(e, in, "number", "doc", country, true)) != 0)
			return r;
		/* The holder's name and birth date, if the document shows them. */
		if (json_array_size(json_object_get(in, "names")))
			json_object_set(e->attrs, "holder", json_object_get(in, "names"));
		if (cu_json_str(in, "born"))
			json_object_set(e->attrs, "born", json_object_get(in, "born"));
		return 0;
	}
	case CU_MK_PLACE: {
		const char *addr = cu_json_str(in, "address");
		json_t *lat = json_object_get(in, "latitude"), *lon = json_object_get(in, "longitude");
		if (!addr && !json_array_size(json_object_get(in, "names")))
			return cu_error_set(CU_EINVALID, "a place needs an address or a name");
		if (addr) {
			if ((r = cu_valid_text("address", addr, 1, 1000)) != 0)
				return r;
			if ((r = cu_mrec_add_name(&e->mrec, addr)) != 0)
				return field_err("address", r);
			json_object_set_new(e->attrs, "address", json_string(addr));
			snprintf(e->label, sizeof(e->label), "%s", addr);
		}
		if ((r = names(e, json_object_get(in, "names"), false)) != 0)
			return r;
		if ((lat && !lon) || (!lat && lon) ||
		    (lat && (json_number_value(lat) < -90 || json_number_value(lat) > 90)) ||
		    (lon && (json_number_value(lon) < -180 || json_number_value(lon) > 180)))
			return cu_error_set(CU_EINVALID, "latitude (-90..90) and longitude (-180..180)"
			                    " go together");
		if (lat) {
			json_object_set(e->attrs, "latitude", lat);
			json_object_set(e->attrs, "longitude", lon);
		}
		return 0;
	}
	}
	return 0;
}

static void ent_free(ent *e)
{
	json_decref(e->attrs);
	cu_mrec_free(&e->mrec);
}

/* Finishes ent_build for storing: notes and source kept, match record encoded. */
static int ent_encode(ent *e, const json_t *in, cu_buf *m)
{
	if (cu_json_str(in, "notes"))
		json_object_set(e->attrs, "notes", json_object_get(in, "notes"));
	cu_buf_init(m, 0);
	return cu_mrec_encode(&e->mrec, m);
}

int cu_entity_create_in(cu_core *c, const cu_actor *a, json_t **out, int64_t case_id,
                        const json_t *in, const char *source)
{
	ent e;
	cu_buf m;
	int64_t id = 0;
	char now[CU_TS_LEN], idt[24];
	int r;
	*out = NULL;
	cu_buf_init(&m, 0);
	if ((r = ent_build(&e, in)) != 0 || (r = ent_encode(&e, in, &m)) != 0)
		goto out;
	if (!source)
		source = cu_json_str(in, "source");
	cu_time_now(now);
	CU_TXN(c, r, {
		if ((r = cu_store_entity_insert(c->store, &id, case_id, kinds[e.kind], e.label, e.attrs,
		                                m.data, m.len, source, a->username, now)) != 0 ||
		    (r = cu_store_entity_get(c->store, out, id)) != 0)
			break;
		cu_id_text(idt, id);
		if ((r = cu_core_event(c, a, "entity.create", "entity", idt, case_id, 0, NULL, *out)) != 0)
			break;
		/* Matched in the same transaction: no entity goes unmatched. */
		json_t *hits = NULL;
		if ((r = cu_xref_entity(c, a, &hits, id, &e.mrec)) != 0)
			break;
		json_object_set_new(*out, "hits_found", hits);
	});
out:
	ent_free(&e);
	cu_buf_free(&m);
	if (r) {
		json_decref(*out);
		*out = NULL;
	}
	return r;
}

int cu_entity_create(cu_core *c, const cu_actor *a, json_t **out, int64_t case_id,
                     const json_t *in)
{
	int r;
	*out = NULL;
	if ((r = cu_access_case(c, a, case_id, CU_OP_CONTRIBUTE)) != 0 ||
	    (r = cu_case_open_for(c, case_id, "entities")) != 0)
		return r;
	return cu_entity_create_in(c, a, out, case_id, in, NULL);
}

int cu_entity_get(cu_core *c, const cu_actor *a, json_t **out, int64_t id)
{
	int r = cu_store_entity_get(c->store, out, id);
	if (r == 0 &&
	    (r = cu_access_case(c, a, json_integer_value(json_object_get(*out, "case_id")),
	                        CU_OP_READ)) != 0) {
		json_decref(*out);
		*out = NULL;
		r = CU_ENOTFOUND;
	}
	return r == CU_ENOTFOUND ? cu_error_set(r, "no entity %lld", (long long)id) : r;
}

int cu_entity_list(cu_core *c, const cu_actor *a, json_t **out, int64_t case_id)
{
	int r;
	*out = NULL;
	if ((r = cu_access_case(c, a, case_id, CU_OP_READ)) != 0)
		return r;
	return cu_store_entity_list(c->store, out, case_id);
}

/*
 * A stored entity's attributes as the input that would build it again. The
 * stored attributes carry normal forms; re-entering them is harmless. A
 * copy: the stored document (an event's "before") is left as it was.
 */
static json_t *restated(const json_t *stored)
{
	json_t *in = json_object(), *v;
	const char *key;
	json_object_foreach(json_object_get(stored, "attrs"), key, v) {
		size_t kl = strlen(key);
		if (kl > 11 && !strcmp(key + kl - 11, "_as_written"))
			continue;
		if (!strcmp(key, "holder"))
			key = "names";
		json_object_set_new(in, key, json_deep_copy(v));
	}
	/* Identifiers come back as {type, value, country}: as_written is theirs. */
	size_t i;
	json_array_foreach(json_object_get(in, "identifiers"), i, v)
		json_object_del(v, "as_written");
	json_object_set(in, "kind", json_object_get(stored, "kind"));
	return in;
}

int cu_entity_renormalise(cu_core *c, int64_t id, bool *changed)
{
	json_t *doc = NULL, *in = NULL;
	ent e;
	cu_buf m, old;
	cu_entity_row row;
	int r;
	*changed = false;
	memset(&e, 0, sizeof(e));
	cu_buf_init(&m, 0);
	cu_buf_init(&old, 0);
	if ((r = cu_store_entity_get(c->store, &doc, id)) != 0 ||
	    (r = cu_store_entity_row(c->store, &row, &old, id)) != 0)
		goto out;
	in = restated(doc);
	if ((r = ent_build(&e, in)) != 0 || (r = ent_encode(&e, in, &m)) != 0)
		goto out;
	if (m.len != row.mlen || memcmp(m.data, row.mrec, m.len) != 0) {
		*changed = true;
		r = cu_store_entity_set_mrec(c->store, id, m.data, m.len);
	}
out:
	if (e.attrs)
		ent_free(&e);
	cu_buf_free(&m);
	cu_buf_free(&old);
	json_decref(in);
	json_decref(doc);
	return r;
}

int cu_entity_update(cu_core *c, const cu_actor *a, json_t **out, int64_t id, const json_t *in)
{
	json_t *before = NULL, *merged = NULL;
	ent e;
	cu_buf m;
	char now[CU_TS_LEN], idt[24];
	int r;
	*out = NULL;
	memset(&e, 0, sizeof(e));
	cu_buf_init(&m, 0);
	if ((r = cu_entity_get(c, a, &before, id)) != 0)
		return r;
	int64_t case_id = json_integer_value(json_object_get(before, "case_id"));
	if ((r = cu_access_case(c, a, case_id, CU_OP_CONTRIBUTE)) != 0 ||
	    (r = cu_case_open_for(c, case_id, "changes to entities")) != 0)
		goto out;
	/* A change restates the attributes: what is not given is kept. */
	merged = restated(before);
	const char *key;
	json_t *v;
	if (!json_is_object(in)) {
		r = cu_error_set(CU_EINVALID, "expected a JSON object");
		goto out;
	}
	json_object_foreach((json_t *)in, key, v) {
		if (!strcmp(key, "kind") && strcmp(json_string_value(v) ? json_string_value(v) : "",
		                                   cu_json_str(before, "kind"))) {
			r = cu_error_set(CU_EINVALID, "an entity's kind cannot change");
			goto out;
		}
		json_object_set(merged, key, v);
	}
	json_object_set(merged, "kind", json_object_get(before, "kind"));
	if ((r = ent_build(&e, merged)) != 0 || (r = ent_encode(&e, merged, &m)) != 0)
		goto out;
	/*
	 * A change that changes nothing is no change: no new version, no event,
	 * and no matching (a new version would bring dismissed hits back). The
	 * entity is answered as it is, without hits_found.
	 */
	if (json_equal(e.attrs, json_object_get(before, "attrs")) &&
	    !strcmp(e.label, cu_json_str(before, "label") ? cu_json_str(before, "label") : "")) {
		*out = before;
		before = NULL;
		goto out;
	}
	cu_time_now(now);
	CU_TXN(c, r, {
		if ((r = cu_store_entity_update(c->store, id, e.label, e.attrs, m.data, m.len, now)) != 0 ||
		    (r = cu_store_entity_get(c->store, out, id)) != 0)
			break;
		cu_id_text(idt, id);
		if ((r = cu_core_event(c, a, "entity.update", "entity", idt, case_id, 0, before,
		                       *out)) != 0)
			break;
		json_t *hits = NULL;
		if ((r = cu_xref_entity(c, a, &hits, id, &e.mrec)) != 0)
			break;
		json_object_set_new(*out, "hits_found", hits);
	});
out:
	if (e.attrs)
		ent_free(&e);
	cu_buf_free(&m);
	json_decref(before);
	json_decref(merged);
	if (r) {
		json_decref(*out);
		*out = NULL;
	}
	return r;
}

/* Checks an entity without storing it (imports check every row first). */
int cu_entity_check(const json_t *in)
{
	ent e;
	int r = ent_build(&e, in);
	ent_free(&e);
	return r;
}
