/* SPDX-License-Identifier: Apache-2.0 */
/* store: evidence items, chain of custody, grants and retention (SQLite). */
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

int cu_store_case_key_get(cu_store *s, uint8_t wrapped[72], int64_t case_id)
{
	db_stmt *st = sq_stmt(s, "SELECT wrapped FROM case_keys WHERE case_id = ?1");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, case_id);
	int rc = db_step(st);
	if (rc == DB_ROW && db_column_bytes(st, 0) == 72)
		memcpy(wrapped, db_column_blob(st, 0), 72);
	db_reset(st);
	if (rc == DB_ROW)
		return 0;
	return rc == DB_DONE ? CU_ENOTFOUND : sq_dberr(s, rc, "case key");
}

int cu_store_case_key_put(cu_store *s, int64_t case_id, const uint8_t wrapped[72],
                          const char *at)
{
	db_stmt *st = sq_stmt(s, "INSERT INTO case_keys(case_id, wrapped, created_at)"
	                              " VALUES (?1, ?2, ?3)");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, case_id);
	db_bind_blob(st, 2, wrapped, 72, DB_TRANSIENT);
	sq_bind_text(st, 3, at);
	return sq_exec(s, st, "case key");
}

int cu_store_case_keys_all(cu_store *s, int64_t **ids, uint8_t (**wrapped)[72], size_t *n)
{
	db_stmt *st = sq_stmt(s, "SELECT case_id, wrapped FROM case_keys ORDER BY case_id");
	size_t cap = 0;
	int rc, r = 0;
	*ids = NULL;
	*wrapped = NULL;
	*n = 0;
	if (!st)
		return CU_EDB;
	while ((rc = db_step(st)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			int64_t *i = realloc(*ids, cap * sizeof(**ids));
			if (i)
				*ids = i;
			uint8_t(*w)[72] = i ? realloc(*wrapped, cap * sizeof(**wrapped)) : NULL;
			if (!w) {
				r = cu_error_set(CU_ENOMEM, "out of memory");
				break;
			}
			*wrapped = w;
		}
		if (db_column_bytes(st, 1) != 72) {
			r = cu_error_set(CU_EDB, "a wrapped case key of the wrong length");
			break;
		}
		(*ids)[*n] = db_column_int64(st, 0);
		memcpy((*wrapped)[*n], db_column_blob(st, 1), 72);
		(*n)++;
	}
	db_reset(st);
	if (r == 0 && rc != DB_ROW && rc != DB_DONE)
		r = sq_dberr(s, rc, "case keys");
	if (r != 0) {
		free(*ids);
		free(*wrapped);
		*ids = NULL;
		*wrapped = NULL;
		*n = 0;
	}
	return r;
}

int cu_store_case_key_set(cu_store *s, int64_t case_id, const uint8_t wrapped[72])
{
	db_stmt *st = sq_stmt(s, "UPDATE case_keys SET wrapped = ?2 WHERE case_id = ?1");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, case_id);
	db_bind_blob(st, 2, wrapped, 72, DB_TRANSIENT);
	return sq_exec(s, st, "case key");
}

int cu_store_item_insert(cu_store *s, int64_t *out_id, const json_t *it)
{
	static const char sql[] =
		"INSERT INTO evidence(case_id, title, description, kind, media_type, size, sha256,"
		" original_name, originator_org_id, provenance, legal_status, tags, registered_by,"
		" registered_at, content_salt, blob_header) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
		" ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)";
	db_stmt *st = sq_stmt(s, sql);
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, cu_json_int(it, "case_id", 0));
	sq_bind_text(st, 2, cu_json_str(it, "title"));
	sq_bind_text(st, 3, cu_json_str(it, "description"));
	sq_bind_text(st, 4, cu_json_str(it, "kind"));
	sq_bind_text(st, 5, cu_json_str(it, "media_type"));
	db_bind_int64(st, 6, cu_json_int(it, "size", -1));
	sq_bind_text(st, 7, cu_json_str(it, "sha256"));
	sq_bind_text(st, 8, cu_json_str(it, "original_name"));
	db_bind_int64(st, 9, cu_json_int(it, "originator_org_id", 0));
	json_t *prov = json_object_get(it, "provenance");
	json_t *tags = json_object_get(it, "tags");
	json_t *eo = json_object(), *ea = json_array();
	sq_bind_json(st, 10, prov ? prov : eo);
	sq_bind_text(st, 11, cu_json_str(it, "legal_status"));
	sq_bind_json(st, 12, tags ? tags : ea);
	json_decref(eo);
	json_decref(ea);
	sq_bind_text(st, 13, cu_json_str(it, "registered_by"));
	sq_bind_text(st, 14, cu_json_str(it, "registered_at"));
	sq_bind_text(st, 15, cu_json_str(it, "content_salt"));
	sq_bind_text(st, 16, cu_json_str(it, "blob_header"));
	return sq_insert(s, st, "evidence item", out_id);
}

int cu_store_item_blob_header(cu_store *s, char out[49], int64_t id)
{
	json_t *row = NULL;
	int r = sq_row_id(s, &row, "SELECT blob_header FROM evidence WHERE id = ?1", id,
	                  "evidence item");
	const char *h = r == 0 ? cu_json_str(row, "blob_header") : NULL;
	snprintf(out, 49, "%s", h && strlen(h) == 48 ? h : "");
	json_decref(row);
	return r;
}

int cu_store_item_set_blob_header(cu_store *s, int64_t id, const char *hex)
{
	db_stmt *st = sq_stmt(s, "UPDATE evidence SET blob_header = ?2 WHERE id = ?1"
	                         " AND blob_header IS NULL");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, id);
	sq_bind_text(st, 2, hex);
	return sq_exec(s, st, "evidence item");
}

#define ITEM_COLS \
	"e.id, e.case_id, c.reference AS case_reference, e.title, e.description, e.kind," \
	" e.media_type, e.size, e.sha256, e.original_name, o.code AS originator," \
	" e.provenance AS provenance_json, e.legal_status, e.tags AS tags_json, e.registered_by," \
	" e.registered_at, e.integrity, e.integrity_checked_at, e.erased_at, e.erased_by," \
	" e.erase_reason FROM evidence e JOIN cases c ON c.id = e.case_id" \
	" JOIN orgs o ON o.id = e.originator_org_id"

/* A grant that lets its receiver see an item today. */
#define GRANT_ACTIVE \
	"g.revoked_at IS NULL AND (g.expires_on IS NULL OR g.expires_on >= ?3)" \
	" AND gi.consent = 'given'"

int cu_store_item_get(cu_store *s, json_t **out, int64_t id)
{
	return sq_row_id(s, out, "SELECT " ITEM_COLS " WHERE e.id = ?1", id, "evidence item");
}

/* A page's LIMIT: both engines take a bigint, neither a NULL (SQLite) or -1 (PostgreSQL). */
static int64_t page_limit(int limit)
{
	return limit > 0 ? limit : INT64_MAX;
}

int cu_store_item_list(cu_store *s, json_t **out, int64_t case_id, int64_t restrict_to,
                       const char *today, int64_t after, int limit)
{
	static const char sql[] =
		"SELECT " ITEM_COLS " WHERE e.case_id = ?1 AND (?2 = 0 OR e.originator_org_id = ?2"
		" OR EXISTS (SELECT 1 FROM grant_items gi JOIN grants g ON g.id = gi.grant_id"
		" WHERE gi.item_id = e.id AND g.org_id = ?2 AND " GRANT_ACTIVE "))"
		" AND e.id > ?4 ORDER BY e.id LIMIT ?5";
	db_stmt *st = sq_stmt(s, sql);
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, case_id);
	db_bind_int64(st, 2, restrict_to);
	sq_bind_text(st, 3, today);
	db_bind_int64(st, 4, after);
	db_bind_int64(st, 5, page_limit(limit));
	return sq_rows(s, out, st, "evidence items");
}

int cu_store_item_list_granted(cu_store *s, json_t **out, int64_t org_id, const char *today,
                               int64_t after, int limit)
{
	static const char sql[] =
		"SELECT " ITEM_COLS " WHERE e.id IN (SELECT gi.item_id FROM grant_items gi JOIN grants"
		" g ON g.id = gi.grant_id WHERE g.org_id = ?1 AND " GRANT_ACTIVE ")"
		" AND e.id > ?4 ORDER BY e.id LIMIT ?5";
	db_stmt *st = sq_stmt(s, sql);
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, org_id);
	sq_bind_text(st, 3, today); /* GRANT_ACTIVE's parameter; ?2 is unused here */
	db_bind_int64(st, 4, after);
	db_bind_int64(st, 5, page_limit(limit));
	return sq_rows(s, out, st, "evidence items");
}

int cu_store_item_set_integrity(cu_store *s, int64_t id, const char *status, const char *at)
{
	db_stmt *st = sq_stmt(s, "UPDATE evidence SET integrity = ?2, integrity_checked_at"
	                              " = ?3 WHERE id = ?1");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, id);
	sq_bind_text(st, 2, status);
	sq_bind_text(st, 3, at);
	return sq_exec(s, st, "evidence integrity");
}

int cu_store_item_erase(cu_store *s, int64_t id, const char *at, const char *by,
                        const char *reason)
{
	static const char sql[] =
		"UPDATE evidence SET title = '(erased)', description = NULL, original_name = NULL,"
		" provenance = '{}', legal_status = NULL, tags = '[]', erased_at = ?2, erased_by = ?3,"
		" erase_reason = ?4 WHERE id = ?1 AND erased_at IS NULL";
	db_stmt *st = sq_stmt(s, sql);
	int r;
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, id);
	sq_bind_text(st, 2, at);
	sq_bind_text(st, 3, by);
	sq_bind_text(st, 4, reason);
	if ((r = sq_exec(s, st, "evidence erasure")) != 0)
		return r;
	return db_changes(s) ? 0 : cu_error_set(CU_ECONFLICT, "the item is already erased");
}

int cu_store_item_blob_users(cu_store *s, int *count, int64_t case_id, const char *sha256)
{
	db_stmt *st = sq_stmt(s, "SELECT count(*) FROM evidence WHERE case_id = ?1 AND"
	                              " sha256 = ?2 AND erased_at IS NULL");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, case_id);
	sq_bind_text(st, 2, sha256);
	int rc = db_step(st);
	*count = rc == DB_ROW ? db_column_int(st, 0) : 0;
	db_reset(st);
	return rc == DB_ROW ? 0 : sq_dberr(s, rc, "evidence");
}

int cu_store_item_blobs(cu_store *s, json_t **out, int64_t case_id)
{
	return sq_rows_id(s, out, "SELECT id, case_id, sha256, size, erased_at IS NOT NULL"
	                              " AS erased_bool FROM evidence WHERE ?1 = 0 OR case_id = ?1"
	                              " ORDER BY id", case_id, "evidence");
}

int cu_store_custody_append(cu_store *s, int64_t *out_seq, int64_t item_id, const char *event,
                            const char *at, const char *actor, const char *actor_org,
                            const char *reason, const char *details, const char *salt)
{
	static const char sql[] =
		"INSERT INTO custody(item_id, at, event, actor, actor_org, reason, details, salt)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
	db_stmt *st = sq_stmt(s, sql);
	if (!st)
		return CU_EDB;
	db_must(st);
	db_bind_int64(st, 1, item_id);
	sq_bind_text(st, 2, at);
	sq_bind_text(st, 3, event);
	sq_bind_text(st, 4, actor);
	sq_bind_text(st, 5, actor_org);
	sq_bind_text(st, 6, reason);
	sq_bind_text(st, 7, details);
	sq_bind_text(st, 8, salt);
	return sq_insert(s, st, "custody event", out_seq);
}

/* A custody event as the API shows it, with the index of its ledger entry. */
#define CUSTODY_COLUMNS                                                                   \
	"SELECT seq, item_id, at, event, actor, actor_org, reason, details AS details_json,"  \
	" (SELECT idx FROM ledger_entries l WHERE l.kind = 'custody' AND l.ref = custody.seq)" \
	" AS ledger_index FROM custody"

int cu_store_custody_list(cu_store *s, json_t **out, int64_t item_id, int64_t after, int limit)
{
	db_stmt *st = sq_stmt(s, CUSTODY_COLUMNS " WHERE item_id = ?1 AND seq > ?2 ORDER BY seq"
	                                         " LIMIT ?3");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, item_id);
	db_bind_int64(st, 2, after);
	db_bind_int64(st, 3, page_limit(limit));
	return sq_rows(s, out, st, "custody");
}

int cu_store_custody_get(cu_store *s, json_t **out, int64_t seq)
{
	return sq_row_id(s, out, CUSTODY_COLUMNS " WHERE seq = ?1", seq, "custody event");
}

int cu_store_grant_insert(cu_store *s, int64_t *out_id, int64_t case_id, int64_t org_id,
                          int64_t grantor_org_id, const char *legal_basis, const char *by,
                          const char *at, const char *expires_on)
{
	static const char sql[] =
		"INSERT INTO grants(case_id, org_id, grantor_org_id, legal_basis, authorised_by,"
		" created_at, expires_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	db_stmt *st = sq_stmt(s, sql);
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, case_id);
	db_bind_int64(st, 2, org_id);
	db_bind_int64(st, 3, grantor_org_id);
	sq_bind_text(st, 4, legal_basis);
	sq_bind_text(st, 5, by);
	sq_bind_text(st, 6, at);
	sq_bind_text(st, 7, expires_on);
	return sq_insert(s, st, "grant", out_id);
}

int cu_store_grant_item_add(cu_store *s, int64_t grant_id, int64_t item_id,
                            const char *consent, const char *by, const char *at)
{
	db_stmt *st = sq_stmt(s, "INSERT INTO grant_items(grant_id, item_id, consent,"
	                              " consent_by, consent_at) VALUES (?1, ?2, ?3, ?4, ?5)");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, grant_id);
	db_bind_int64(st, 2, item_id);
	sq_bind_text(st, 3, consent);
	sq_bind_text(st, 4, by);
	sq_bind_text(st, 5, at);
	return sq_exec(s, st, "grant item");
}

#define GRANT_DOC_PG \
	"SELECT g.id, g.case_id, c.reference AS case_reference, o.code AS org," \
	" go.code AS grantor_org, g.legal_basis, g.authorised_by, g.created_at, g.expires_on," \
	" g.revoked_at, g.revoked_by, (SELECT COALESCE(json_agg(json_build_object('id', e.id," \
	"  'title', e.title, 'originator', eo.code, 'consent', gi.consent, 'consent_by'," \
	"  gi.consent_by, 'consent_at', gi.consent_at) ORDER BY gi.item_id), '[]')" \
	"  FROM grant_items gi JOIN evidence e ON e.id = gi.item_id" \
	"  JOIN orgs eo ON eo.id = e.originator_org_id WHERE gi.grant_id = g.id) AS items_json" \
	" FROM grants g JOIN cases c ON c.id = g.case_id JOIN orgs o ON o.id = g.org_id" \
	" JOIN orgs go ON go.id = g.grantor_org_id"
#define GRANT_DOC \
	"SELECT g.id, g.case_id, c.reference AS case_reference, o.code AS org," \
	" go.code AS grantor_org, g.legal_basis, g.authorised_by, g.created_at, g.expires_on," \
	" g.revoked_at, g.revoked_by, (SELECT json_group_array(json_object('id', e.id, 'title'," \
	"  e.title, 'originator', eo.code, 'consent', gi.consent, 'consent_by', gi.consent_by," \
	"  'consent_at', gi.consent_at)) FROM grant_items gi JOIN evidence e ON e.id = gi.item_id" \
	"  JOIN orgs eo ON eo.id = e.originator_org_id WHERE gi.grant_id = g.id) AS items_json" \
	" FROM grants g JOIN cases c ON c.id = g.case_id JOIN orgs o ON o.id = g.org_id" \
	" JOIN orgs go ON go.id = g.grantor_org_id"

int cu_store_grant_get(cu_store *s, json_t **out, int64_t id)
{
	return sq_row_id2(s, out, GRANT_DOC " WHERE g.id = ?1", GRANT_DOC_PG " WHERE g.id = ?1", id,
	                  "grant");
}

int cu_store_grant_list(cu_store *s, json_t **out, int64_t org_id)
{
#define GRANT_LIST \
	" WHERE g.org_id = ?1 OR g.grantor_org_id = ?1 OR EXISTS (SELECT 1 FROM grant_items gi" \
	" JOIN evidence e ON e.id = gi.item_id WHERE gi.grant_id = g.id AND" \
	" e.originator_org_id = ?1) ORDER BY g.id DESC"
	static const char sql[] = GRANT_DOC GRANT_LIST;
	static const char pg[] = GRANT_DOC_PG GRANT_LIST;
	return sq_rows_id2(s, out, sql, pg, org_id, "grants");
}

static int grant_items_set(cu_store *s, int *changed, const char *sql, int64_t grant_id,
                           int64_t org_id, const char *consent, const char *by, const char *at)
{
	db_stmt *st = sq_stmt(s, sql);
	int r;
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, grant_id);
	db_bind_int64(st, 2, org_id);
	sq_bind_text(st, 3, consent);
	sq_bind_text(st, 4, by);
	sq_bind_text(st, 5, at);
	if ((r = sq_exec(s, st, "grant consent")) != 0)
		return r;
	*changed = db_changes(s);
	return 0;
}

int cu_store_grant_consent(cu_store *s, int *changed, int64_t grant_id, int64_t org_id,
                           const char *consent, const char *by, const char *at)
{
	static const char sql[] =
		"UPDATE grant_items SET consent = ?3, consent_by = ?4, consent_at = ?5"
		" WHERE grant_id = ?1 AND consent = 'pending' AND item_id IN (SELECT id FROM evidence"
		" WHERE originator_org_id = ?2)";
	return grant_items_set(s, changed, sql, grant_id, org_id, consent, by, at);
}

int cu_store_grant_withdraw(cu_store *s, int *changed, int64_t grant_id, int64_t org_id,
                            const char *by, const char *at)
{
	static const char sql[] =
		"UPDATE grant_items SET consent = ?3, consent_by = ?4, consent_at = ?5"
		" WHERE grant_id = ?1 AND consent <> 'refused' AND item_id IN (SELECT id FROM evidence"
		" WHERE originator_org_id = ?2)";
	return grant_items_set(s, changed, sql, grant_id, org_id, "refused", by, at);
}

int cu_store_grant_revoke(cu_store *s, int64_t grant_id, const char *by, const char *at)
{
	db_stmt *st = sq_stmt(s, "UPDATE grants SET revoked_at = ?3, revoked_by = ?2"
	                              " WHERE id = ?1 AND revoked_at IS NULL");
	int r;
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, grant_id);
	sq_bind_text(st, 2, by);
	sq_bind_text(st, 3, at);
	if ((r = sq_exec(s, st, "grant")) != 0)
		return r;
	return db_changes(s) ? 0 : cu_error_set(CU_ECONFLICT, "the grant is already "
	                                                 "revoked");
}

int cu_store_grant_active(cu_store *s, int64_t *grant_id, int64_t item_id, int64_t org_id,
                          const char *today)
{
	static const char sql[] =
		"SELECT g.id FROM grant_items gi JOIN grants g ON g.id = gi.grant_id"
		" WHERE gi.item_id = ?1 AND g.org_id = ?2 AND " GRANT_ACTIVE " ORDER BY g.id LIMIT 1";
	db_stmt *st = sq_stmt(s, sql);
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, item_id);
	db_bind_int64(st, 2, org_id);
	sq_bind_text(st, 3, today);
	int rc = db_step(st);
	if (rc == DB_ROW)
		*grant_id = db_column_int64(st, 0);
	db_reset(st);
	if (rc == DB_ROW)
		return 0;
	return rc == DB_DONE ? CU_ENOTFOUND : sq_dberr(s, rc, "grant");
}

int cu_store_retention_trigger_add(cu_store *s, int64_t *out_id, int64_t case_id,
                                   const char *trigger, const char *on_date, const char *note,
                                   const char *by, const char *at)
{
	db_stmt *st = sq_stmt(s, "INSERT INTO retention_triggers(case_id, trigger, on_date,"
	                              " note, recorded_by, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5,"
	                              " ?6)");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, case_id);
	sq_bind_text(st, 2, trigger);
	sq_bind_text(st, 3, on_date);
	sq_bind_text(st, 4, note);
	sq_bind_text(st, 5, by);
	sq_bind_text(st, 6, at);
	return sq_insert(s, st, "retention trigger", out_id);
}

int cu_store_hold_add(cu_store *s, int64_t *out_id, int64_t case_id, const char *reason,
                      const char *by, const char *at)
{
	db_stmt *st = sq_stmt(s, "INSERT INTO legal_holds(case_id, reason, placed_by,"
	                              " placed_at) VALUES (?1, ?2, ?3, ?4)");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, case_id);
	sq_bind_text(st, 2, reason);
	sq_bind_text(st, 3, by);
	sq_bind_text(st, 4, at);
	return sq_insert(s, st, "legal hold", out_id);
}

int cu_store_hold_case(cu_store *s, int64_t *case_id, int64_t hold_id)
{
	json_t *row = NULL;
	int r = sq_row_id(s, &row, "SELECT case_id FROM legal_holds WHERE id = ?1", hold_id,
	                  "legal hold");
	*case_id = r == 0 ? json_integer_value(json_object_get(row, "case_id")) : 0;
	json_decref(row);
	return r;
}

int cu_store_hold_release(cu_store *s, int64_t case_id, int64_t hold_id, const char *by,
                          const char *at)
{
	db_stmt *st = sq_stmt(s, "UPDATE legal_holds SET released_by = ?3, released_at = ?4"
	                              " WHERE id = ?2 AND case_id = ?1 AND released_at IS NULL");
	int r;
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, case_id);
	db_bind_int64(st, 2, hold_id);
	sq_bind_text(st, 3, by);
	sq_bind_text(st, 4, at);
	if ((r = sq_exec(s, st, "legal hold")) != 0)
		return r;
	return db_changes(s) ? 0 : cu_error_set(CU_ENOTFOUND, "no such active hold");
}

int cu_store_retention_get(cu_store *s, json_t **out, int64_t case_id)
{
	static const char sql[] =
		"SELECT (SELECT json_group_array(json_object('id', id, 'trigger', trigger, 'on', on_date,"
		"  'note', note, 'recorded_by', recorded_by, 'recorded_at', recorded_at))"
		"  FROM retention_triggers WHERE case_id = ?1) AS triggers_json,"
		" (SELECT json_group_array(json_object('id', id, 'reason', reason, 'placed_by',"
		"  placed_by, 'placed_at', placed_at)) FROM legal_holds WHERE case_id = ?1"
		"  AND released_at IS NULL) AS holds_json";
	static const char pg[] =
		"SELECT (SELECT COALESCE(json_agg(json_build_object('id', id, 'trigger', trigger,"
		"  'on', on_date, 'note', note, 'recorded_by', recorded_by, 'recorded_at',"
		"  recorded_at) ORDER BY id), '[]') FROM retention_triggers WHERE case_id = ?1)"
		"  AS triggers_json,"
		" (SELECT COALESCE(json_agg(json_build_object('id', id, 'reason', reason, 'placed_by',"
		"  placed_by, 'placed_at', placed_at) ORDER BY id), '[]') FROM legal_holds"
		"  WHERE case_id = ?1 AND released_at IS NULL) AS holds_json";
	return sq_row_id2(s, out, sql, pg, case_id, "retention");
}
