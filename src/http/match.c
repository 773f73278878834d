/* SPDX-License-Identifier: Apache-2.0 */
/* http: entities, hits and matching (thin layers over core). */
#include <stdlib.h>
#include <string.h>

#include "http/handlers.h"


static int case_of(cu_req *rq, int64_t *id)
{
	return cu_case_resolve(rq->core, &rq->actor, id, rq->params[0]);
}

int h_entity_list(cu_req *rq)
{
	int64_t id;
	int r = case_of(rq, &id);
	return r ? r : cu_entity_list(rq->core, &rq->actor, &rq->out, id);
}

int h_entity_create(cu_req *rq)
{
	int64_t id;
	int r = case_of(rq, &id);
	return r ? r : cu_entity_create(rq->core, &rq->actor, &rq->out, id, rq->body);
}

int h_entity_import(cu_req *rq)
{
	const char *format, *skip;
	int64_t id;
	int r;
	if ((r = case_of(rq, &id)) != 0 || (r = cu_req_query(rq, &format, "format")) != 0 ||
	    (r = cu_req_query(rq, &skip, "skip_invalid")) != 0)
		return r;
	if (!format) {
		const char *ct = cu_req_header(rq, "content-type");
		format = ct && !strncmp(ct, "text/csv", 8) ? "csv" : "ftm";
	}
	if (skip && strcmp(skip, "true") && strcmp(skip, "false"))
		return cu_error_set(CU_EINVALID, "skip_invalid is true or false");
	r = cu_entity_import(rq->core, &rq->actor, &rq->out, id, format, rq->raw, rq->raw_len,
	                     skip && !strcmp(skip, "true"));
	if (r == CU_EINVALID && rq->out) {
		/* Bad rows: the error envelope, and the report of which and why. */
		json_object_set_new(rq->out, "error", json_pack("{s:s,s:s}", "code", "invalid",
		                                                "message", cu_error_message(r)));
		rq->status = 422;
		return 0;
	}
	return r;
}

int h_entity_get(cu_req *rq)
{
	int64_t id;
	int r = cu_req_id(rq->params[0], &id, "entity");
	return r ? r : cu_entity_get(rq->core, &rq->actor, &rq->out, id);
}

int h_entity_update(cu_req *rq)
{
	int64_t id;
	int r = cu_req_id(rq->params[0], &id, "entity");
	return r ? r : cu_entity_update(rq->core, &rq->actor, &rq->out, id, rq->body);
}

int h_hit_list(cu_req *rq)
{
	const char *ref, *review;
	int64_t case_id = 0, limit = 100, offset = 0;
	int r;
	if ((r = cu_req_query(rq, &ref, "case")) != 0 ||
	    (r = cu_req_query(rq, &review, "review")) != 0 ||
	    (r = cu_req_query_int(rq, &limit, "limit", 1, CU_HIT_LIST_MAX)) != 0 ||
	    (r = cu_req_query_int(rq, &offset, "offset", 0, CU_HIT_LIST_MAX)) != 0)
		return r;
	if (ref && (r = cu_case_resolve(rq->core, &rq->actor, &case_id, ref)) != 0)
		return r;
	return cu_hit_list(rq->core, &rq->actor, &rq->out, case_id, review, (int)limit,
	                   (int)offset);
}

int h_hit_get(cu_req *rq)
{
	int64_t id;
	int r = cu_req_id(rq->params[0], &id, "hit");
	return r ? r : cu_hit_get(rq->core, &rq->actor, &rq->out, id);
}

static int review(cu_req *rq, const char *what)
{
	static const cu_jfield f[] = {{"note", CU_JSTR, false, 2000}};
	int64_t id;
	int r;
	if ((r = cu_req_id(rq->params[0], &id, "hit")) != 0 ||
	    (r = cu_json_check(rq->body, f, 1)) != 0)
		return r;
	return cu_hit_review(rq->core, &rq->actor, &rq->out, id, what,
	                     cu_json_str(rq->body, "note"));
}

int h_hit_confirm(cu_req *rq)
{
	return review(rq, "confirmed");
}

int h_hit_dismiss(cu_req *rq)
{
	return review(rq, "dismissed");
}

int h_hit_request_access(cu_req *rq)
{
	static const cu_jfield f[] = {{"message", CU_JSTR, false, 2000}};
	int64_t id;
	int r;
	if ((r = cu_req_id(rq->params[0], &id, "hit")) != 0 ||
	    (r = cu_json_check(rq->body, f, 1)) != 0)
		return r;
	return cu_hit_request_access(rq->core, &rq->actor, &rq->out, id,
	                             cu_json_str(rq->body, "message"));
}

int h_xref(cu_req *rq)
{
	static const cu_jfield f[] = {{"case", CU_JSTR, false, 64}};
	int64_t case_id = 0;
	int r;
	if ((r = cu_json_check(rq->body, f, 1)) != 0)
		return r;
	if (cu_json_str(rq->body, "case") &&
	    (r = cu_case_resolve(rq->core, &rq->actor, &case_id, cu_json_str(rq->body, "case"))) != 0)
		return r;
	return cu_xref(rq->core, &rq->actor, &rq->out, case_id);
}

int h_match_threshold_get(cu_req *rq)
{
	rq->out = json_pack("{s:f}", "threshold", cu_match_threshold(rq->core));
	return rq->out ? 0 : CU_ENOMEM;
}

int h_match_threshold_set(cu_req *rq)
{
	static const cu_jfield f[] = {{"threshold", CU_JNUM, true, 0}};
	int r;
	if ((r = cu_json_check(rq->body, f, 1)) != 0 ||
	    (r = cu_match_threshold_set(rq->core, &rq->actor,
	                                json_number_value(json_object_get(rq->body, "threshold")))) != 0)
		return r;
	return h_match_threshold_get(rq);
}

int h_match_pairs(cu_req *rq)
{
	static const cu_jfield f[] = {{"pairs", CU_JARRAY, true, 0},
	                              {"threshold", CU_JNUM, false, 0}};
	int r;
	if ((r = cu_json_check(rq->body, f, 2)) != 0)
		return r;
	json_t *t = json_object_get(rq->body, "threshold");
	if (t && !(json_number_value(t) > 0 && json_number_value(t) <= 1))
		return cu_error_set(CU_EINVALID, "field \"threshold\" must be in (0, 1]");
	if (json_array_size(json_object_get(rq->body, "pairs")) > 10000)
		return cu_error_set(CU_EINVALID, "up to 10,000 pairs per request");
	return cu_match_pairs(rq->core, &rq->out, json_object_get(rq->body, "pairs"),
	                      t ? json_number_value(t) : 0);
}
