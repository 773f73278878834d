/* SPDX-License-Identifier: Apache-2.0 */
/* http: cooperation requests, their deadlines, and statistics (thin layers over core). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/handlers.h"


int h_request_list(cu_req *rq)
{
	static const char *const names[] = {"case", "kind", "status", "country"};
	json_t *f = json_object();
	int64_t limit = 1000;
	int r = 0;
	for (int i = 0; r == 0 && i < 4; i++) {
		const char *v;
		if ((r = cu_req_query(rq, &v, names[i])) == 0 && v)
			json_object_set_new(f, names[i], json_string(v));
	}
	int64_t before = 0;
	if (r == 0 && (r = cu_req_query_int(rq, &limit, "limit", 1, 1000)) == 0 &&
	    (r = cu_req_query_int(rq, &before, "before", 1, INT64_MAX)) == 0) {
		json_object_set_new(f, "limit", json_integer(limit));
		if (before)
			json_object_set_new(f, "before", json_integer(before));
		r = cu_request_list(rq->core, &rq->actor, &rq->out, f);
	}
	json_decref(f);
	return r;
}

int h_request_create(cu_req *rq)
{
	return cu_request_create(rq->core, &rq->actor, &rq->out, rq->body);
}

int h_request_get(cu_req *rq)
{
	int64_t id;
	int r = cu_req_id(rq->params[0], &id, "request");
	return r ? r : cu_request_get(rq->core, &rq->actor, &rq->out, id);
}

int h_request_status(cu_req *rq)
{
	int64_t id;
	int r = cu_req_id(rq->params[0], &id, "request");
	return r ? r : cu_request_status(rq->core, &rq->actor, &rq->out, id, rq->body);
}

int h_request_milestone(cu_req *rq)
{
	int64_t id;
	int r = cu_req_id(rq->params[0], &id, "request");
	return r ? r : cu_request_milestone(rq->core, &rq->actor, &rq->out, id, rq->body);
}

int h_request_extend(cu_req *rq)
{
	int64_t id;
	int r = cu_req_id(rq->params[0], &id, "request");
	return r ? r : cu_request_extend(rq->core, &rq->actor, &rq->out, id, rq->body);
}

int h_request_deadline(cu_req *rq)
{
	int64_t id;
	int r = cu_req_id(rq->params[0], &id, "request");
	return r ? r : cu_request_deadline_set(rq->core, &rq->actor, &rq->out, id, rq->body);
}

int h_deadlines_due(cu_req *rq)
{
	int64_t within = 7;
	int r = cu_req_query_int(rq, &within, "within", 0, 3650);
	return r ? r : cu_request_due(rq->core, &rq->actor, &rq->out, (int)within);
}

int h_deadline_rules(cu_req *rq)
{
	rq->out = cu_request_rules();
	return rq->out ? 0 : cu_error_set(CU_ENOMEM, "out of memory");
}

int h_stats(cu_req *rq)
{
	int64_t year = 0, as_of = 0;
	int r;
	if ((r = cu_req_query_int(rq, &year, "year", 1990, 9999)) != 0 ||
	    (r = cu_req_query_int(rq, &as_of, "as_of", 1, INT64_MAX)) != 0)
		return r;
	if (year == 0) {
		char today[11];
		cu_date_today(today);
		year = strtol(today, NULL, 10);
	}
	return cu_stats(rq->core, &rq->actor, &rq->out, (int)year, as_of);
}
