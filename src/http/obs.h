/* SPDX-License-Identifier: Apache-2.0 */
/*
 * http: observability (private to http) — the request counters behind
 * GET /metrics, and what the server tells the health handlers. No h2o types:
 * server.c records, obs.c counts and renders.
 */
#ifndef CU_HTTP_OBS_H
#define CU_HTTP_OBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/route.h"

/* Route slots beyond the table: the web application's files, and no route at all
 * (404 and 405 without a route, and what h2o answers itself). */
#define CU_OBS_ROUTE_WEB (cu_nroutes)
#define CU_OBS_ROUTE_NONE (cu_nroutes + 1)

/*
 * One shard of counters per server thread, written by that thread alone
 * (relaxed atomic stores, no lock) and summed by whichever thread renders
 * /metrics. The shards live until cu_obs_free.
 */
typedef struct cu_obs_shard cu_obs_shard;

/* Allocates n shards and notes the process's start time. CU_ENOMEM. */
int cu_obs_init(int n, bool metrics_public);
void cu_obs_free(void);
cu_obs_shard *cu_obs_shard_at(int i);
bool cu_obs_metrics_public(void);

/* A request ended (on the shard's thread): route slot, method as sent, status, duration. */
void cu_obs_request(cu_obs_shard *s, int route, const char *method, size_t mlen, int status,
                    uint64_t micros);
/* Evidence bytes taken by an upload chunk (on the shard's thread). */
void cu_obs_ingest(cu_obs_shard *s, uint64_t bytes);
/* The route's template for logs and labels ("(web)", "(none)" for the extra slots). */
const char *cu_obs_route_name(int route);

/* The sequencer thread finished a pass (claim and checkpoint) without error. */
void cu_obs_sequencer_ok(void);

/* Handlers (route table): GET /metrics, GET /readyz, GET /api/v1/version. */
int h_metrics(cu_req *rq);
int h_readyz(cu_req *rq);
int h_version(cu_req *rq);

#endif
