/* SPDX-License-Identifier: Apache-2.0 */
/* http: search and background jobs (thin layers over core). */
#include <stdlib.h>
#include <string.h>

#include "http/handlers.h"

int h_search(cu_req *rq)
{
	cu_search_params p = {0};
	int64_t limit = 0, offset = 0; /* (0: the defaults of cu_search) */
	int r;
	if ((r = cu_req_query(rq, &p.q, "q")) != 0 || (r = cu_req_query(rq, &p.case_ref, "case")) != 0 ||
	    (r = cu_req_query(rq, &p.kind, "kind")) != 0 || (r = cu_req_query(rq, &p.lang, "lang")) != 0 ||
	    (r = cu_req_query(rq, &p.from, "from")) != 0 || (r = cu_req_query(rq, &p.to, "to")) != 0 ||
	    (r = cu_req_query(rq, &p.org, "org")) != 0 ||
	    (r = cu_req_query_int(rq, &limit, "limit", 1, 100)) != 0 ||
	    (r = cu_req_query_int(rq, &offset, "offset", 0, 10000)) != 0)
		return r;
	p.limit = (int)limit, p.offset = (int)offset;
	return cu_search(rq->core, &rq->actor, &rq->out, &p);
}

int h_search_reindex(cu_req *rq)
{
	return cu_search_reindex(rq->core, &rq->actor, &rq->out);
}

int h_job_list(cu_req *rq)
{
	const char *state;
	int r;
	if ((r = cu_req_query(rq, &state, "state")) != 0)
		return r;
	return cu_job_list(rq->core, &rq->actor, &rq->out, state);
}

int h_job_retry(cu_req *rq)
{
	int64_t id;
	int r = cu_req_id(rq->params[0], &id, "job");
	return r ? r : cu_job_retry(rq->core, &rq->actor, &rq->out, id);
}
