/* SPDX-License-Identifier: Apache-2.0 */
/*
 * core: bulk import of entities from CSV and from FollowTheMoney JSON lines
 * (what Aleph and OpenSanctions tools produce). Every row is checked before
 * anything is written; one transaction imports them all. docs/match.md.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "match/match.h"

#define IMPORT_ROWS_MAX 100000

typedef struct import {
	json_t *rows;     /* [{row, input, source}] of good rows */
	json_t *errors;   /* [{row, error}] */
	json_t *unsupported; /* {schema: count} */
	json_t *header;   /* CSV: field names */
} import;

static void bad_row(import *im, long row, const char *msg)
{
	json_array_append_new(im->errors, json_pack("{s:I, s:s}", "row", (json_int_t)row,
	                                            "error", msg));
}

static void check_row(import *im, long row, json_t *in, const char *source)
{
	if (json_array_size(im->rows) + json_array_size(im->errors) >= IMPORT_ROWS_MAX) {
		bad_row(im, row, "too many rows in one import");
		json_decref(in);
		return;
	}
	int r = cu_entity_check(in);
	if (r) {
		bad_row(im, row, cu_error_message(r));
		json_decref(in);
		return;
	}
	json_array_append_new(im->rows, json_pack("{s:I, s:o, s:s}", "row", (json_int_t)row,
	                                          "input", in, "source", source));
}

/* ---- CSV ---------------------------------------------------------------- */

static const char *const list_fields[] = {"names", "nationalities"};

static bool is_list(const char *f)
{
	for (size_t i = 0; i < sizeof(list_fields) / sizeof(list_fields[0]); i++)
		if (!strcmp(f, list_fields[i]))
			return true;
	return false;
}

static int csv_row(void *ctx, long row, const char *const *f, size_t n)
{
	import *im = ctx;
	if (!im->header) {
		im->header = json_array();
		for (size_t i = 0; i < n; i++) {
			const char *h = !strcmp(f[i], "name") || !strcmp(f[i], "aliases") ? "names" : f[i];
			if (!cu_utf8_valid(h, strlen(h)))
				return cu_error_set(CU_EINVALID, "the CSV header's column %zu is not valid "
				                    "UTF-8", i + 1);
			/* A column named twice: which value is meant? (Lists may repeat.) */
			for (size_t k = 0; k < i && !is_list(h); k++)
				if (!strcmp(json_string_value(json_array_get(im->header, k)), h))
					return cu_error_set(CU_EINVALID, "the CSV header names the column "
					                    "\"%.64s\" twice", f[i]);
			json_array_append_new(im->header, json_string(h));
		}
		if (n == 1 && !f[0][0])
			return cu_error_set(CU_EINVALID, "the CSV file has no header row");
		return 0;
	}
	if (n == 1 && !f[0][0])
		return 0; /* an empty line */
	if (n != json_array_size(im->header)) {
		char msg[96];
		snprintf(msg, sizeof(msg), "%zu fields where the header has %zu", n,
		         json_array_size(im->header));
		bad_row(im, row, msg);
		return 0;
	}
	json_t *in = json_object();
	for (size_t i = 0; i < n; i++) {
		const char *name = json_string_value(json_array_get(im->header, i));
		if (!f[i][0])
			continue;
		if (!cu_utf8_valid(f[i], strlen(f[i]))) {
			char msg[96];
			snprintf(msg, sizeof(msg), "field \"%.32s\" is not valid UTF-8", name);
			bad_row(im, row, msg);
			json_decref(in);
			return 0;
		}
		if (is_list(name)) {
			json_t *arr = json_object_get(in, name);
			if (!arr)
				json_object_set_new(in, name, arr = json_array());
			char *copy = strdup(f[i]), *save = NULL;
			for (char *t = strtok_r(copy, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
				while (*t == ' ')
					t++;
				size_t l = strlen(t);
				while (l && t[l - 1] == ' ')
					t[--l] = '\0';
				if (*t)
					json_array_append_new(arr, json_string(t));
			}
			free(copy);
		} else if (!strcmp(name, "latitude") || !strcmp(name, "longitude")) {
			char *end;
			double d = strtod(f[i], &end);
			json_object_set_new(in, name, *end ? json_string(f[i]) : json_real(d));
		} else {
			json_object_set_new(in, name, json_string(f[i]));
		}
	}
	char src[32];
	snprintf(src, sizeof(src), "csv row %ld", row);
	check_row(im, row, in, src);
	return 0;
}

/* ---- FollowTheMoney ----------------------------------------------------- */

/* The first value of an FtM property, or NULL. */
static const char *prop1(const json_t *props, const char *name)
{
	return json_string_value(json_array_get(json_object_get(props, name), 0));
}

static void add_names(json_t *in, const json_t *props, const char *const *names)
{
	json_t *arr = json_array(), *v;
	size_t i;
	for (; *names; names++)
		json_array_foreach(json_object_get(props, *names), i, v)
			if (json_is_string(v) && json_array_size(arr) < 16)
				json_array_append(arr, v);
	if (json_array_size(arr))
		json_object_set_new(in, "names", arr);
	else
		json_decref(arr);
}

/* FtM countries are lower case ("de"); ours are ISO upper case. */
static void set_country(json_t *in, const char *field, const char *cc)
{
	char up[3];
	if (!cc || strlen(cc) != 2)
		return;
	up[0] = (char)toupper((unsigned char)cc[0]);
	up[1] = (char)toupper((unsigned char)cc[1]);
	up[2] = '\0';
	json_object_set_new(in, field, json_string(up));
}

/* FtM dates are ISO 8601 prefixes: keep the date part. */
static void set_date(json_t *in, const char *field, const char *d)
{
	char b[11];
	if (!d)
		return;
	snprintf(b, sizeof(b), "%s", d);
	json_object_set_new(in, field, json_string(b));
}

static void add_idents(json_t *in, const json_t *props, const char *prop, const char *type)
{
	json_t *v, *ids = json_object_get(in, "identifiers");
	size_t i;
	json_array_foreach(json_object_get(props, prop), i, v) {
		if (!ids)
			json_object_set_new(in, "identifiers", ids = json_array());
		json_array_append_new(ids, json_pack("{s:s, s:O}", "type", type, "value", v));
	}
}

/* Identifiers of one type and issuing country from an FtM property. */
static void add_idents_in(json_t *in, const json_t *props, const char *prop, const char *type,
                          const char *country)
{
	json_t *v, *ids = json_object_get(in, "identifiers");
	size_t i;
	json_array_foreach(json_object_get(props, prop), i, v) {
		if (!ids)
			json_object_set_new(in, "identifiers", ids = json_array());
		json_array_append_new(ids, json_pack("{s:s, s:O, s:s}", "type", type, "value", v,
		                                     "country", country));
	}
}

/* What an import leaves out, counted under what it is (the report's unsupported). */
static void skipped(json_t *notes, const char *what, size_t n)
{
	json_t *c = json_object_get(notes, what);
	json_object_set_new(notes, what, json_integer((c ? json_integer_value(c) : 0) +
	                                              (json_int_t)n));
}

/*
 * Maps one FtM entity to an entity input; NULL for schemata we do not take,
 * or (*reported set) for an entity left out for a reason counted in notes.
 * What of an entity is not taken is counted in notes too.
 */
static json_t *ftm_entity(const char *schema, const json_t *p, json_t *notes, bool *reported)
{
	json_t *in = json_object();
	if (!strcmp(schema, "Person")) {
		static const char *const nm[] = {"name", "alias", "previousName", "weakAlias", NULL};
		json_object_set_new(in, "kind", json_string("person"));
		add_names(in, p, nm);
		if (!json_object_get(in, "names") && (prop1(p, "firstName") || prop1(p, "lastName"))) {
			char full[512];
			snprintf(full, sizeof(full), "%s %s", prop1(p, "firstName") ? prop1(p, "firstName") : "",
			         prop1(p, "lastName") ? prop1(p, "lastName") : "");
			json_object_set_new(in, "names", json_pack("[s]", full));
		}
		set_date(in, "born", prop1(p, "birthDate"));
		json_t *nats = json_array(), *v;
		size_t i;
		static const char *const np[] = {"nationality", "citizenship"};
		for (int k = 0; k < 2; k++)
			json_array_foreach(json_object_get(p, np[k]), i, v) {
				json_t *one = json_object();
				set_country(one, "c", json_string_value(v));
				json_t *cc = json_object_get(one, "c"), *w;
				size_t u;
				bool seen = false;
				json_array_foreach(nats, u, w)
					seen = seen || json_equal(w, cc);
				/* nationality and citizenship often say the same: once each */
				if (cc && !seen && json_array_size(nats) < 4)
					json_array_append(nats, cc);
				json_decref(one);
			}
		if (json_array_size(nats))
			json_object_set_new(in, "nationalities", nats);
		else
			json_decref(nats);
		const char *g = prop1(p, "gender");
		if (g && (!strcmp(g, "male") || !strcmp(g, "female") || !strcmp(g, "other")))
			json_object_set_new(in, "gender", json_string(g));
		add_idents(in, p, "phone", "phone");
		add_idents(in, p, "email", "email");
		/*
		 * Document numbers are identifiers of a person (doc:CC:NUMBER) when the
		 * issuing country is known: the person's one nationality. Otherwise
		 * they cannot be matched, and the report says so (notes).
		 */
		json_t *kept = json_object_get(in, "nationalities");
		const char *issuer = json_array_size(kept) == 1
			? json_string_value(json_array_get(kept, 0)) : NULL;
		static const char *const dp[] = {"passportNumber", "idNumber"};
		for (int k = 0; k < 2; k++) {
			if (!json_array_size(json_object_get(p, dp[k])))
				continue;
			if (issuer)
				add_idents_in(in, p, dp[k], "doc", issuer);
			else
				skipped(notes, k ? "Person.idNumber without a single nationality"
				                  : "Person.passportNumber without a single nationality",
				        json_array_size(json_object_get(p, dp[k])));
		}
	} else if (!strcmp(schema, "Organization") || !strcmp(schema, "Company") ||
	           !strcmp(schema, "LegalEntity") || !strcmp(schema, "PublicBody")) {
		static const char *const nm[] = {"name", "alias", "previousName", NULL};
		json_object_set_new(in, "kind", json_string("organisation"));
		add_names(in, p, nm);
		set_country(in, "country", prop1(p, "jurisdiction") ? prop1(p, "jurisdiction")
		                                                     : prop1(p, "country"));
		if (prop1(p, "registrationNumber"))
			json_object_set_new(in, "registration_number",
			                    json_string(prop1(p, "registrationNumber")));
		add_idents(in, p, "phone", "phone");
		add_idents(in, p, "email", "email");
	} else if (!strcmp(schema, "Vessel")) {
		static const char *const nm[] = {"name", "alias", "pastNames", NULL};
		json_object_set_new(in, "kind", json_string("vessel"));
		add_names(in, p, nm);
		if (prop1(p, "imoNumber"))
			json_object_set_new(in, "imo", json_string(prop1(p, "imoNumber")));
		if (prop1(p, "mmsi"))
			json_object_set_new(in, "mmsi", json_string(prop1(p, "mmsi")));
		set_country(in, "country", prop1(p, "flag"));
	} else if (!strcmp(schema, "Vehicle")) {
		json_object_set_new(in, "kind", json_string("vehicle"));
		if (prop1(p, "registrationNumber"))
			json_object_set_new(in, "plate", json_string(prop1(p, "registrationNumber")));
		set_country(in, "country", prop1(p, "country"));
	} else if (!strcmp(schema, "BankAccount")) {
		/*
		 * An account is matched by its IBAN: iban, or an accountNumber that is
		 * one. Any other account number cannot be matched (custodia has no
		 * other account identifier): the row is reported, not refused.
		 */
		const char *iban = prop1(p, "iban"), *acct = prop1(p, "accountNumber");
		char norm[35];
		if (!iban && acct) {
			if (cu_ident_iban(norm, acct) == 0) {
				iban = acct;
			} else {
				cu_error_clear();
				skipped(notes, "BankAccount without an IBAN", 1);
				*reported = true;
				json_decref(in);
				return NULL;
			}
		}
		json_object_set_new(in, "kind", json_string("bank_account"));
		if (iban)
			json_object_set_new(in, "iban", json_string(iban));
	} else if (!strcmp(schema, "CryptoWallet")) {
		json_object_set_new(in, "kind", json_string("wallet"));
		if (prop1(p, "publicKey"))
			json_object_set_new(in, "address", json_string(prop1(p, "publicKey")));
		if (prop1(p, "currency"))
			json_object_set_new(in, "currency", json_string(prop1(p, "currency")));
	} else if (!strcmp(schema, "Passport") || !strcmp(schema, "Identification")) {
		json_object_set_new(in, "kind", json_string("identity_document"));
		json_object_set_new(in, "doc_type",
		                    json_string(!strcmp(schema, "Passport") ? "passport" : "id_card"));
		if (prop1(p, "number"))
			json_object_set_new(in, "number", json_string(prop1(p, "number")));
		set_country(in, "country", prop1(p, "country"));
	} else if (!strcmp(schema, "Address")) {
		json_object_set_new(in, "kind", json_string("place"));
		const char *full = prop1(p, "full");
		char built[1000];
		if (!full && (prop1(p, "street") || prop1(p, "city"))) {
			snprintf(built, sizeof(built), "%s%s%s", prop1(p, "street") ? prop1(p, "street") : "",
			         prop1(p, "street") && prop1(p, "city") ? ", " : "",
			         prop1(p, "city") ? prop1(p, "city") : "");
			full = built;
		}
		if (full)
			json_object_set_new(in, "address", json_string(full));
		set_country(in, "country", prop1(p, "country"));
	} else {
		json_decref(in);
		return NULL;
	}
	return in;
}

static void ftm_lines(import *im, const char *data, size_t len)
{
	long row = 0;
	size_t off = 0;
	while (off < len) {
		const char *nl = memchr(data + off, '\n', len - off);
		size_t l = nl ? (size_t)(nl - (data + off)) : len - off;
		const char *line = data + off;
		off += l + (nl != NULL);
		row++;
		while (l && (line[l - 1] == '\r' || line[l - 1] == ' '))
			l--;
		if (l == 0)
			continue;
		json_t *o = NULL, *props;
		json_error_t je;
		const char *schema, *id;
		o = json_loadb(line, l, JSON_REJECT_DUPLICATES, &je);
		if (!o || !json_is_object(o)) {
			char msg[200];
			snprintf(msg, sizeof(msg), "not a JSON object: %s", o ? "wrong type" : je.text);
			bad_row(im, row, msg);
			json_decref(o);
			continue;
		}
		schema = cu_json_str(o, "schema");
		id = cu_json_str(o, "id");
		props = json_object_get(o, "properties");
		if (!schema || !json_is_object(props)) {
			bad_row(im, row, "an FtM entity needs \"schema\" and \"properties\"");
			json_decref(o);
			continue;
		}
		bool reported = false;
		json_t *in = ftm_entity(schema, props, im->unsupported, &reported);
		if (!in && reported) {
			json_decref(o);
			continue;
		}
		if (!in) {
			/* Reported, not dropped in silence: relationships and events
			 * (Payment, Ownership, ...) are not entities that are matched. */
			json_t *n = json_object_get(im->unsupported, schema);
			json_object_set_new(im->unsupported, schema,
			                    json_integer(n ? json_integer_value(n) + 1 : 1));
			json_decref(o);
			continue;
		}
		char src[160];
		snprintf(src, sizeof(src), "ftm %.120s", id ? id : "(no id)");
		check_row(im, row, in, src);
		json_decref(o);
	}
}

/*
 * Reads and checks every row of data into im; nothing is written. A file
 * with nothing in it (no header, no entity) is refused: it is the wrong
 * file or a cut-off export far more often than an import of nothing.
 */
static int import_parse(import *im, const char *format, const char *data, size_t len)
{
	int r;
	if (!strcmp(format, "csv")) {
		if ((r = cu_csv_rows(data, len, csv_row, im)) != 0)
			return r;
		if (!im->header)
			return cu_error_set(CU_EINVALID, "the CSV file is empty: it has no header row");
		return 0;
	}
	if (!strcmp(format, "ftm")) {
		ftm_lines(im, data, len);
		if (json_array_size(im->rows) + json_array_size(im->errors) == 0 &&
		    json_object_size(im->unsupported) == 0)
			return cu_error_set(CU_EINVALID, "the file is empty: it holds no FollowTheMoney "
			                    "entity (one JSON object a line)");
		return 0;
	}
	return cu_error_set(CU_EINVALID, "format must be csv or ftm");
}

int cu_entity_import_check(json_t **out, const char *format, const char *data, size_t len)
{
	import im = {.rows = json_array(), .errors = json_array(), .unsupported = json_object()};
	int r;
	*out = NULL;
	if ((r = import_parse(&im, format, data, len)) == 0)
		*out = json_pack("{s:I, s:I, s:O, s:O}", "valid", (json_int_t)json_array_size(im.rows),
		                 "invalid", (json_int_t)json_array_size(im.errors), "errors", im.errors,
		                 "unsupported", im.unsupported);
	json_decref(im.rows);
	json_decref(im.errors);
	json_decref(im.unsupported);
	json_decref(im.header);
	return r;
}

int cu_entity_import(cu_core *c, const cu_actor *a, json_t **out, int64_t case_id,
                     const char *format, const char *data, size_t len, bool skip_invalid)
{
	import im = {.rows = json_array(), .errors = json_array(), .unsupported = json_object()};
	int r;
	*out = NULL;
	if ((r = cu_access_case(c, a, case_id, CU_OP_CONTRIBUTE)) != 0 ||
	    (r = cu_case_open_for(c, case_id, "entities")) != 0)
		goto out;
	if ((r = import_parse(&im, format, data, len)) != 0)
		goto out;
	int64_t found = 0;
	size_t imported = 0, i;
	json_t *row;
	if (json_array_size(im.errors) == 0 || skip_invalid) {
		CU_TXN(c, r, {
			json_array_foreach(im.rows, i, row) {
				json_t *e = NULL;
				if ((r = cu_entity_create_in(c, a, &e, case_id, json_object_get(row, "input"),
				                             cu_json_str(row, "source"))) != 0) {
					char msg[300];
					snprintf(msg, sizeof(msg), "row %lld: %s",
					         (long long)json_integer_value(json_object_get(row, "row")),
					         cu_error_message(r));
					r = cu_error_set(r, "%s", msg);
					break;
				}
				found += json_integer_value(
					json_object_get(json_object_get(e, "hits_found"), "found"));
				json_decref(e);
				imported++;
			}
		});
		if (r)
			imported = 0;
	}
	*out = json_pack("{s:I, s:I, s:O, s:O, s:I}", "imported", (json_int_t)imported, "invalid",
	                 (json_int_t)json_array_size(im.errors), "errors", im.errors, "unsupported",
	                 im.unsupported, "hits_found", (json_int_t)found);
	if (r == 0 && json_array_size(im.errors) && !skip_invalid)
		r = cu_error_set(CU_EINVALID, "%zu invalid rows: nothing imported (--skip-invalid"
		                 " imports the valid ones)", json_array_size(im.errors));
out:
	json_decref(im.rows);
	json_decref(im.errors);
	json_decref(im.unsupported);
	json_decref(im.header);
	return r;
}
