/* SPDX-License-Identifier: Apache-2.0 */
/* http: action days and the coordination centre (thin layers over core; the
 * event stream itself is sent by server.c, docs/http.md). */
#include <stdlib.h>
#include <string.h>

#include "http/handlers.h"


/* A sequence number: a whole number >= 0 (absent: dflt). */
static int seq_of(const char *v, int64_t *out, const char *name)
{
	char *end;
	long long n = *v >= '0' && *v <= '9' ? strtoll(v, &end, 10) : -1;
	if (n < 0 || *end)
		return cu_error_set(CU_EINVALID, "%s is an update's sequence number (0 or more)",
		                    name);
	*out = n;
	return 0;
}

int h_actionday_list(cu_req *rq)
{
	const char *cs;
	int r = cu_req_query(rq, &cs, "case");
	return r ? r : cu_actionday_list(rq->core, &rq->actor, &rq->out, cs);
}

int h_actionday_create(cu_req *rq)
{
	return cu_actionday_create(rq->core, &rq->actor, &rq->out, rq->body);
}

int h_actionday_get(cu_req *rq)
{
	int64_t id;
	int r = cu_req_id(rq->params[0], &id, "action day");
	return r ? r : cu_actionday_get(rq->core, &rq->actor, &rq->out, id);
}

int h_actionday_action_add(cu_req *rq)
{
	int64_t id;
	int r = cu_req_id(rq->params[0], &id, "action day");
	return r ? r : cu_actionday_action_add(rq->core, &rq->actor, &rq->out, id, rq->body);
}

int h_actionday_updates(cu_req *rq)
{
	int64_t id, after = 0;
	const char *v;
	int r;
	if ((r = cu_req_id(rq->params[0], &id, "action day")) != 0 ||
	    (r = cu_req_query(rq, &v, "after")) != 0 || (v && (r = seq_of(v, &after, "after"))))
		return r;
	return cu_actionday_updates(rq->core, &rq->actor, &rq->out, id, after, 1000);
}

/* Checks need-to-know once; server.c then streams from rq->sse.after. The
 * Last-Event-ID header (a reconnecting EventSource) wins over ?after=. */
int h_actionday_stream(cu_req *rq)
{
	json_t *day = NULL;
	const char *v, *last = cu_req_header(rq, "last-event-id");
	int r;
	if ((r = cu_req_id(rq->params[0], &rq->sse.day_id, "action day")) != 0 ||
	    (r = cu_req_query(rq, &v, "after")) != 0)
		return r;
	rq->sse.after = 0;
	if (last && *last)
		r = seq_of(last, &rq->sse.after, "Last-Event-ID");
	else if (v)
		r = seq_of(v, &rq->sse.after, "after");
	if (r || (r = cu_actionday_get(rq->core, &rq->actor, &day, rq->sse.day_id)) != 0)
		return r;
	json_decref(day);
	return 0;
}

int h_action_update(cu_req *rq)
{
	int64_t id;
	int r = cu_req_id(rq->params[0], &id, "action");
	return r ? r : cu_action_update(rq->core, &rq->actor, &rq->out, id, rq->body);
}
