/* SPDX-License-Identifier: Apache-2.0 */
/* http: request handlers, each a thin call into core. */
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "http/handlers.h"
#include "ledger/merkle.h"
#include "ledger/tiles.h"

int h_health(cu_req *rq)
{
	rq->out = json_pack("{s:s,s:s,s:i}", "status", "ok", "version", CU_VERSION, "schema",
	                    cu_store_schema_version(cu_core_store(rq->core)));
	return 0;
}

int h_openapi(cu_req *rq)
{
	char *doc = cu_http_openapi();
	if (!doc)
		return cu_error_set(CU_ENOMEM, "cannot build the OpenAPI document");
	int r = cu_buf_puts(&rq->raw_out, doc);
	free(doc);
	return r;
}

/*
 * With "cookie": true (the web application) the token goes into an HttpOnly,
 * SameSite=Strict session cookie and is left out of the body, so that no
 * script on the page can read it.
 */
int h_login(cu_req *rq)
{
	static const cu_jfield f[] = {
		{"username", CU_JSTR, true, 64}, {"password", CU_JSTR, true, 1024},
		{"cookie", CU_JBOOL, false, 0},
	};
	int r;
	if ((r = cu_json_check(rq->body, f, 3)) != 0)
		return r;
	if ((r = cu_auth_login(rq->core, &rq->out, cu_json_str(rq->body, "username"),
	                       cu_json_str(rq->body, "password"), rq->peer, &rq->retry_after)) != 0)
		return r;
	if (json_is_true(json_object_get(rq->body, "cookie"))) {
		snprintf(rq->set_cookie, sizeof(rq->set_cookie),
		         CU_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict",
		         cu_json_str(rq->out, "token"));
		json_object_del(rq->out, "token");
	}
	return 0;
}

int h_logout(cu_req *rq)
{
	if (rq->via_cookie)
		snprintf(rq->set_cookie, sizeof(rq->set_cookie),
		         CU_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	return cu_auth_logout(rq->core, &rq->actor, rq->token_id);
}

int h_me(cu_req *rq)
{
	return cu_user_get(rq->core, &rq->actor, &rq->out, rq->actor.username);
}

int h_crime_types(cu_req *rq)
{
	return cu_crime_type_list(rq->core, &rq->out);
}

int h_org_list(cu_req *rq)
{
	return cu_org_list(rq->core, &rq->actor, &rq->out);
}

int h_org_create(cu_req *rq)
{
	return cu_org_create(rq->core, &rq->actor, &rq->out, rq->body);
}

int h_org_get(cu_req *rq)
{
	return cu_org_get(rq->core, &rq->actor, &rq->out, rq->params[0]);
}

int h_org_update(cu_req *rq)
{
	return cu_org_update(rq->core, &rq->actor, &rq->out, rq->params[0], rq->body);
}

int h_user_list(cu_req *rq)
{
	const char *org;
	int r;
	if ((r = cu_req_query(rq, &org, "org")) != 0)
		return r;
	return cu_user_list(rq->core, &rq->actor, &rq->out, org);
}

int h_user_create(cu_req *rq)
{
	return cu_user_create(rq->core, &rq->actor, &rq->out, rq->body);
}

int h_user_get(cu_req *rq)
{
	return cu_user_get(rq->core, &rq->actor, &rq->out, rq->params[0]);
}

int h_user_update(cu_req *rq)
{
	return cu_user_update(rq->core, &rq->actor, &rq->out, rq->params[0], rq->body);
}

int h_token_list(cu_req *rq)
{
	return cu_token_list(rq->core, &rq->actor, &rq->out);
}

int h_token_create(cu_req *rq)
{
	return cu_token_create(rq->core, &rq->actor, &rq->out, rq->body);
}

int h_token_revoke(cu_req *rq)
{
	return cu_token_revoke(rq->core, &rq->actor, rq->params[0]);
}

/* Parses a decimal query parameter in [min, max]; absent leaves *out. */
int h_case_list(cu_req *rq)
{
	cu_case_filter f = {0};
	int64_t limit = 50, after = 0;
	int r;
	if ((r = cu_req_query(rq, &f.status, "status")) != 0 ||
	    (r = cu_req_query(rq, &f.crime_type, "crime_type")) != 0 ||
	    (r = cu_req_query(rq, &f.country, "country")) != 0 ||
	    (r = cu_req_query(rq, &f.q, "q")) != 0 ||
	    (r = cu_req_query_int(rq, &limit, "limit", 1, 500)) != 0 ||
	    (r = cu_req_query_int(rq, &after, "after", 1, INT64_MAX)) != 0)
		return r;
	f.limit = (int)limit;
	f.after = after;
	return cu_case_list(rq->core, &rq->actor, &rq->raw_out, &f);
}

int h_case_create(cu_req *rq)
{
	return cu_case_create(rq->core, &rq->actor, &rq->out, rq->body);
}

/* The {id} of a case route: an id, a reference or a national case number. */
static int case_param(cu_req *rq, int64_t *id)
{
	return cu_case_resolve(rq->core, &rq->actor, id, rq->params[0]);
}

int h_case_get(cu_req *rq)
{
	int64_t id;
	int r;
	if ((r = case_param(rq, &id)) != 0)
		return r;
	return cu_case_get(rq->core, &rq->actor, &rq->out, id);
}

int h_case_update(cu_req *rq)
{
	int64_t id;
	int r;
	if ((r = case_param(rq, &id)) != 0)
		return r;
	return cu_case_update(rq->core, &rq->actor, &rq->out, id, rq->body);
}

int h_case_close(cu_req *rq)
{
	int64_t id;
	int r;
	if ((r = case_param(rq, &id)) != 0)
		return r;
	return cu_case_close(rq->core, &rq->actor, &rq->out, id, rq->body);
}

int h_participant_list(cu_req *rq)
{
	int64_t id;
	json_t *doc;
	int r;
	if ((r = case_param(rq, &id)) != 0 || (r = cu_case_get(rq->core, &rq->actor, &doc, id)))
		return r;
	rq->out = json_incref(json_object_get(doc, "participants"));
	json_decref(doc);
	return 0;
}

int h_participant_add(cu_req *rq)
{
	int64_t id;
	int r;
	if ((r = case_param(rq, &id)) != 0)
		return r;
	return cu_participant_add(rq->core, &rq->actor, &rq->out, id, rq->body);
}

int h_participant_update(cu_req *rq)
{
	int64_t id;
	int r;
	if ((r = case_param(rq, &id)) != 0)
		return r;
	return cu_participant_update(rq->core, &rq->actor, &rq->out, id, rq->params[1], rq->body);
}

int h_participant_remove(cu_req *rq)
{
	int64_t id;
	int r;
	if ((r = case_param(rq, &id)) != 0)
		return r;
	return cu_participant_remove(rq->core, &rq->actor, id, rq->params[1]);
}

int h_case_events(cu_req *rq)
{
	int64_t id, after;
	int limit, r;
	if ((r = case_param(rq, &id)) != 0 || (r = cu_req_page(rq, &after, &limit)) != 0)
		return r;
	return cu_case_events(rq->core, &rq->actor, &rq->out, id, after, limit);
}

static int jit_param(cu_req *rq, int64_t *id)
{
	return cu_req_id(rq->params[0], id, "JIT");
}

int h_jit_list(cu_req *rq)
{
	return cu_jit_list(rq->core, &rq->actor, &rq->out);
}

int h_jit_create(cu_req *rq)
{
	return cu_jit_create(rq->core, &rq->actor, &rq->out, rq->body);
}

int h_jit_get(cu_req *rq)
{
	int64_t id;
	int r;
	if ((r = jit_param(rq, &id)) != 0)
		return r;
	return cu_jit_get(rq->core, &rq->actor, &rq->out, id);
}

int h_jit_extend(cu_req *rq)
{
	int64_t id;
	int r;
	if ((r = jit_param(rq, &id)) != 0)
		return r;
	return cu_jit_extend(rq->core, &rq->actor, &rq->out, id, rq->body);
}

int h_jit_member_add(cu_req *rq)
{
	int64_t id;
	int r;
	if ((r = jit_param(rq, &id)) != 0)
		return r;
	return cu_jit_member_add(rq->core, &rq->actor, &rq->out, id, rq->body);
}

int h_jit_case_add(cu_req *rq)
{
	int64_t id;
	int r;
	if ((r = jit_param(rq, &id)) != 0)
		return r;
	return cu_jit_case_add(rq->core, &rq->actor, &rq->out, id, rq->body);
}

int h_log_checkpoint(cu_req *rq)
{
	char *note;
	int r = cu_ledger_published(rq->core, &note);
	if (r)
		return r;
	r = cu_buf_puts(&rq->raw_out, note);
	free(note);
	return r;
}

int h_ledger_cosign(cu_req *rq)
{
	return cu_ledger_cosignature_add(rq->core, &rq->out, rq->body);
}

int h_ledger_checkpoint(cu_req *rq)
{
	int r = cu_store_checkpoint_latest(cu_core_store(rq->core), &rq->out);
	if (r == CU_ENOTFOUND)
		return cu_error_set(r, "no checkpoint has been signed yet");
	if (r == 0) {
		char vkey[300];
		if ((r = cu_ledger_key(rq->core, vkey)) == 0)
			json_object_set_new(rq->out, "vkey", json_string(vkey));
	}
	return r;
}

int h_ledger_inclusion(cu_req *rq)
{
	int64_t index = -1, size = 0;
	int r;
	if ((r = cu_req_query_int(rq, &index, "index", 0, INT64_MAX)) != 0 ||
	    (r = cu_req_query_int(rq, &size, "size", 1, INT64_MAX)) != 0)
		return r;
	if (index < 0)
		return cu_error_set(CU_EINVALID, "query parameter \"index\" is required");
	return cu_ledger_prove_inclusion(rq->core, &rq->out, index, size);
}

int h_ledger_consistency(cu_req *rq)
{
	int64_t from = 0, to = 0;
	int r;
	if ((r = cu_req_query_int(rq, &from, "from", 1, INT64_MAX)) != 0 ||
	    (r = cu_req_query_int(rq, &to, "to", 1, INT64_MAX)) != 0)
		return r;
	if (!from)
		return cu_error_set(CU_EINVALID, "query parameter \"from\" is required");
	return cu_ledger_prove_consistency(rq->core, &rq->out, from, to);
}

int h_ledger_entry(cu_req *rq)
{
	char *end;
	const char *p = rq->params[0];
	long long idx = *p >= '0' && *p <= '9' ? strtoll(p, &end, 10) : -1;
	json_t *rows;
	int r;
	if (idx < 0 || *end)
		return cu_error_set(CU_ENOTFOUND, "no ledger entry \"%.32s\"", rq->params[0]);
	if ((r = cu_store_ledger_entries(cu_core_store(rq->core), &rows, idx, 1)) != 0)
		return r;
	json_t *row = json_array_get(rows, 0);
	if (!row || json_integer_value(json_object_get(row, "idx")) != idx) {
		json_decref(rows);
		return cu_error_set(CU_ENOTFOUND, "no ledger entry %lld", idx);
	}
	/* The entry as published: its exact bytes, and what they say. */
	rq->out = json_pack("{s:I,s:s,s:o?}", "index", (json_int_t)idx, "entry",
	                    cu_json_str(row, "entry"), "parsed",
	                    json_loads(cu_json_str(row, "entry"), 0, NULL));
	json_decref(rows);
	return 0;
}

/*
 * Tiles of the tree of the latest checkpoint: what a standard tile client
 * needs to mirror and audit the log. They hold hashes and the canonical
 * entries only (docs/ledger.md), so they are public.
 */
int h_log_tile(cu_req *rq)
{
	cu_store *s = cu_core_store(rq->core);
	json_t *cp;
	cu_tile t;
	int r;
	if ((r = cu_tile_parse(&t, rq->params[0])) != 0)
		return r;
	if ((r = cu_store_checkpoint_latest(s, &cp)) != 0)
		return r == CU_ENOTFOUND ? cu_error_set(r, "no checkpoint yet") : r;
	int64_t size = json_integer_value(json_object_get(cp, "size"));
	json_decref(cp);
	int64_t count = t.level < 0 ? size : size >> (CU_TILE_HEIGHT * t.level);
	int64_t avail = count - t.n * CU_TILE_WIDTH;
	if (avail <= 0 || (t.width == CU_TILE_WIDTH && avail < CU_TILE_WIDTH) ||
	    (t.width < CU_TILE_WIDTH && t.width > avail))
		return cu_error_set(CU_ENOTFOUND, "tile %s is not in the tree of the latest "
		                    "checkpoint", rq->params[0]);
	if (t.level < 0) {
		json_t *rows, *row;
		size_t i;
		if ((r = cu_store_ledger_entries(s, &rows, t.n * CU_TILE_WIDTH, t.width)) != 0)
			return r;
		json_array_foreach(rows, i, row) {
			const char *e = cu_json_str(row, "entry");
			size_t n = strlen(e);
			uint8_t len[2] = {(uint8_t)(n >> 8), (uint8_t)n};
			if ((r = cu_buf_append(&rq->raw_out, len, 2)) != 0 ||
			    (r = cu_buf_append(&rq->raw_out, e, n)) != 0)
				break;
		}
		json_decref(rows);
		if (r)
			return r;
	} else {
		uint8_t h[CU_TILE_WIDTH][32];
		if ((r = cu_ledger_tile(rq->core, h, t.level, t.n, t.width)) != 0 ||
		    (r = cu_buf_append(&rq->raw_out, h, (size_t)t.width * 32)) != 0)
			return r;
	}
	rq->content_type = "application/octet-stream";
	/* A full tile never changes; a partial one is replaced as the tree grows. */
	rq->cache_control = t.width == CU_TILE_WIDTH ? "public, max-age=31536000, immutable" :
	                    "no-store";
	return 0;
}
