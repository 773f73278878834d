/* SPDX-License-Identifier: Apache-2.0 */
/* http: meetings and the interview register (thin layers over core). */
#include <stdlib.h>
#include <string.h>

#include "http/handlers.h"


/* Query parameters into a filter object: strings, or whole numbers for `ints`. */
static int filter_of(cu_req *rq, json_t **out, const char *const *names, size_t n,
                     const char *ints)
{
	int r = 0;
	*out = json_object();
	for (size_t i = 0; r == 0 && i < n; i++) {
		const char *v;
		if ((r = cu_req_query(rq, &v, names[i])) != 0 || !v)
			continue;
		if (strstr(ints, names[i])) {
			int64_t x = 0;
			if ((r = cu_req_query_int(rq, &x, names[i], 1, INT64_MAX)) == 0)
				json_object_set_new(*out, names[i], json_integer(x));
		} else {
			json_object_set_new(*out, names[i], json_string(v));
		}
	}
	if (r) {
		json_decref(*out);
		*out = NULL;
	}
	return r;
}

int h_meeting_list(cu_req *rq)
{
	static const char *const names[] = {"case", "kind", "limit", "before"};
	json_t *f = NULL;
	int r = filter_of(rq, &f, names, 4, "limit before");
	if (r == 0)
		r = cu_meeting_list(rq->core, &rq->actor, &rq->out, f);
	json_decref(f);
	return r;
}

int h_meeting_create(cu_req *rq)
{
	return cu_meeting_create(rq->core, &rq->actor, &rq->out, rq->body);
}

int h_meeting_get(cu_req *rq)
{
	int64_t id;
	int r = cu_req_id(rq->params[0], &id, "meeting");
	return r ? r : cu_meeting_get(rq->core, &rq->actor, &rq->out, id);
}

int h_meeting_outcome(cu_req *rq)
{
	int64_t id;
	int r = cu_req_id(rq->params[0], &id, "meeting");
	return r ? r : cu_meeting_outcome(rq->core, &rq->actor, &rq->out, id, rq->body);
}

int h_interview_list(cu_req *rq)
{
	static const char *const names[] = {"case", "entity", "limit", "before"};
	json_t *f = NULL;
	int r = filter_of(rq, &f, names, 4, "entity limit before");
	if (r == 0)
		r = cu_interview_list(rq->core, &rq->actor, &rq->out, f);
	json_decref(f);
	return r;
}

int h_interview_create(cu_req *rq)
{
	return cu_interview_create(rq->core, &rq->actor, &rq->out, rq->body);
}

int h_interview_get(cu_req *rq)
{
	int64_t id;
	int r = cu_req_id(rq->params[0], &id, "interview");
	return r ? r : cu_interview_get(rq->core, &rq->actor, &rq->out, id);
}
