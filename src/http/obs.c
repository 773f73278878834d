/* SPDX-License-Identifier: Apache-2.0 */
/*
 * http: observability — request counters and latency histograms kept per
 * server thread, rendered as Prometheus text at GET /metrics together with
 * figures read from the store at scrape time; readiness (GET /readyz) and
 * the build (GET /api/v1/version). Metrics carry counts only: route
 * templates, never paths, and nothing that names a case or a person.
 *
 *   shard (one per server thread, written by it alone)
 *   ┌────────────────────────────────────────────────────────────┐
 *   │ ingest bytes                                               │
 *   │ route slot 0 .. cu_nroutes-1, (web), (none):               │
 *   │   n[method][status]   requests    le[bucket], sum_us       │
 *   └────────────────────────────────────────────────────────────┘
 *   a scrape sums the shards slot by slot (relaxed loads).
 */
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/handlers.h"
#include "http/obs.h"

typedef _Atomic uint64_t counter;

static const char *const methods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE",
                                      "OPTIONS", "OTHER"};
#define NMETHODS (sizeof(methods) / sizeof(methods[0]))

/* Statuses this server answers; others count by class ("none" when no answer was made). */
static const int statuses[] = {200, 201, 204, 206, 304, 400, 401, 403, 404, 405, 409, 413,
                               415, 416, 422, 500, 503};
#define NKNOWN (sizeof(statuses) / sizeof(statuses[0]))
static const char *const classes[] = {"none", "1xx", "2xx", "3xx", "4xx", "5xx"};
#define NSTATUS (NKNOWN + sizeof(classes) / sizeof(classes[0]))

/* Histogram buckets (upper bounds), from a cached read to a slow evidence upload. */
static const uint64_t bucket_us[] = {1000, 5000, 10000, 25000, 50000, 100000, 250000,
                                     500000, 1000000, 2500000, 5000000, 10000000};
static const char *const bucket_le[] = {"0.001", "0.005", "0.01", "0.025", "0.05", "0.1",
                                        "0.25", "0.5", "1", "2.5", "5", "10"};
#define NBUCKETS (sizeof(bucket_us) / sizeof(bucket_us[0]))

struct route_stats {
	counter n[NMETHODS][NSTATUS];
	counter le[NBUCKETS + 1]; /* per bucket, not cumulative; the last is +Inf */
	counter sum_us;
};

struct cu_obs_shard {
	counter ingest;
	struct route_stats r[]; /* cu_nroutes + 2 */
};

static cu_obs_shard **shards;
static int nshards;
static bool metrics_public;
static int64_t started_at;               /* Unix seconds */
static _Atomic int64_t sequencer_ok_ms;  /* CLOCK_MONOTONIC of its last good pass */

/* A sequencer whose last good pass is older than this is not running. */
#define SEQUENCER_STALE_MS 5000

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int cu_obs_init(int n, bool public)
{
	size_t sz = sizeof(cu_obs_shard) + (size_t)(cu_nroutes + 2) * sizeof(struct route_stats);
	if (!(shards = calloc((size_t)n, sizeof(cu_obs_shard *))))
		return cu_error_set(CU_ENOMEM, "out of memory");
	nshards = n;
	for (int i = 0; i < n; i++)
		if (!(shards[i] = calloc(1, sz))) {
			cu_obs_free();
			return cu_error_set(CU_ENOMEM, "out of memory");
		}
	metrics_public = public;
	started_at = (int64_t)time(NULL);
	atomic_store(&sequencer_ok_ms, 0);
	return 0;
}

void cu_obs_free(void)
{
	for (int i = 0; i < nshards; i++)
		free(shards ? shards[i] : NULL);
	free(shards);
	shards = NULL;
	nshards = 0;
}

cu_obs_shard *cu_obs_shard_at(int i)
{
	return shards[i];
}

bool cu_obs_metrics_public(void)
{
	return metrics_public;
}

const char *cu_obs_route_name(int route)
{
	if (route >= 0 && route < cu_nroutes)
		return cu_routes[route].path;
	return route == CU_OBS_ROUTE_WEB ? "(web)" : "(none)";
}

void cu_obs_sequencer_ok(void)
{
	atomic_store_explicit(&sequencer_ok_ms, mono_ms(), memory_order_relaxed);
}

/* One writer per shard: a relaxed load and store, no locked instruction. */
static void bump(counter *c, uint64_t by)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + by,
	                      memory_order_relaxed);
}

static size_t method_slot(const char *m, size_t len)
{
	for (size_t i = 0; i + 1 < NMETHODS; i++)
		if (strlen(methods[i]) == len && !memcmp(methods[i], m, len))
			return i;
	return NMETHODS - 1;
}

static size_t status_slot(int status)
{
	for (size_t i = 0; i < NKNOWN; i++)
		if (statuses[i] == status)
			return i;
	int cls = status / 100;
	return NKNOWN + (size_t)(cls >= 1 && cls <= 5 ? cls : 0);
}

void cu_obs_request(cu_obs_shard *s, int route, const char *method, size_t mlen, int status,
                    uint64_t micros)
{
	if (route < 0 || route > CU_OBS_ROUTE_NONE)
		route = CU_OBS_ROUTE_NONE;
	struct route_stats *rs = &s->r[route];
	size_t b = 0;
	while (b < NBUCKETS && micros > bucket_us[b])
		b++;
	bump(&rs->n[method_slot(method, mlen)][status_slot(status)], 1);
	bump(&rs->le[b], 1);
	bump(&rs->sum_us, micros);
}

void cu_obs_ingest(cu_obs_shard *s, uint64_t bytes)
{
	bump(&s->ingest, bytes);
}

static uint64_t load(const counter *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

/* A label value in the exposition format: backslash, quote and newline escaped. */
static int label(cu_buf *b, const char *v)
{
	int r = 0;
	for (; *v && r == 0; v++)
		r = *v == '\\' ? cu_buf_puts(b, "\\\\") : *v == '"' ? cu_buf_puts(b, "\\\"") :
		    *v == '\n' ? cu_buf_puts(b, "\\n") : cu_buf_append(b, v, 1);
	return r;
}

static int head(cu_buf *b, const char *name, const char *type, const char *help)
{
	return cu_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static int render_requests(cu_buf *b)
{
	int r = head(b, "custodia_http_requests_total", "counter",
	             "HTTP requests answered, by method, route template and status.");
	for (int rt = 0; r == 0 && rt <= CU_OBS_ROUTE_NONE; rt++)
		for (size_t m = 0; r == 0 && m < NMETHODS; m++)
			for (size_t st = 0; r == 0 && st < NSTATUS; st++) {
				uint64_t n = 0;
				for (int i = 0; i < nshards; i++)
					n += load(&shards[i]->r[rt].n[m][st]);
				if (!n)
					continue;
				char code[8];
				if (st < NKNOWN)
					snprintf(code, sizeof(code), "%d", statuses[st]);
				else
					snprintf(code, sizeof(code), "%s", classes[st - NKNOWN]);
				if ((r = cu_buf_printf(b, "custodia_http_requests_total{method=\"%s\","
				                       "route=\"", methods[m])) == 0 &&
				    (r = label(b, cu_obs_route_name(rt))) == 0)
					r = cu_buf_printf(b, "\",status=\"%s\"} %" PRIu64 "\n", code, n);
			}
	if (r == 0)
		r = head(b, "custodia_http_request_duration_seconds", "histogram",
		         "Time from the start of a request to the end of its answer, by route template.");
	for (int rt = 0; r == 0 && rt <= CU_OBS_ROUTE_NONE; rt++) {
		uint64_t le[NBUCKETS + 1] = {0}, sum = 0, count = 0;
		for (int i = 0; i < nshards; i++) {
			for (size_t k = 0; k <= NBUCKETS; k++)
				le[k] += load(&shards[i]->r[rt].le[k]);
			sum += load(&shards[i]->r[rt].sum_us);
		}
		for (size_t k = 0; k <= NBUCKETS; k++)
			count += le[k];
		if (!count)
			continue;
		uint64_t cum = 0;
		for (size_t k = 0; r == 0 && k <= NBUCKETS; k++) {
			cum += le[k];
			if ((r = cu_buf_puts(b, "custodia_http_request_duration_seconds_bucket{route=\""))
			    == 0 && (r = label(b, cu_obs_route_name(rt))) == 0)
				r = cu_buf_printf(b, "\",le=\"%s\"} %" PRIu64 "\n",
				                  k < NBUCKETS ? bucket_le[k] : "+Inf", cum);
		}
		if (r == 0 && (r = cu_buf_puts(b, "custodia_http_request_duration_seconds_sum{route=\""))
		    == 0 && (r = label(b, cu_obs_route_name(rt))) == 0)
			r = cu_buf_printf(b, "\"} %" PRIu64 ".%06" PRIu64 "\n", sum / 1000000,
			                  sum % 1000000);
		if (r == 0 &&
		    (r = cu_buf_puts(b, "custodia_http_request_duration_seconds_count{route=\"")) == 0 &&
		    (r = label(b, cu_obs_route_name(rt))) == 0)
			r = cu_buf_printf(b, "\"} %" PRIu64 "\n", count);
	}
	return r;
}

static int render_gauge(cu_buf *b, const char *name, const char *type, const char *help,
                        int64_t v)
{
	int r = head(b, name, type, help);
	return r ? r : cu_buf_printf(b, "%s %" PRId64 "\n", name, v);
}

/*
 * Only operator administrators by default (a bearer token was checked before
 * the handler ran); anyone with `serve --metrics-public`.
 */
int h_metrics(cu_req *rq)
{
	cu_buf *b = &rq->raw_out;
	cu_ops_status os;
	int r;
	if (!metrics_public && (r = cu_access_operations(&rq->actor)) != 0)
		return r;
	/* The store's figures fail alone: the counters are still worth scraping. */
	int sr = cu_ops_status_read(rq->core, &os);
	if (sr != 0)
		cu_log("warn", "metrics: cannot read the store's figures",
		       json_pack("{s:s}", "error", cu_error_message(sr)));
	uint64_t ingest = 0;
	for (int i = 0; i < nshards; i++)
		ingest += load(&shards[i]->ingest);
	const cu_build_info *bi = cu_build();
	if ((r = render_requests(b)) != 0 ||
	    (r = render_gauge(b, "custodia_ingest_bytes_total", "counter",
	                      "Evidence bytes received in upload chunks.", (int64_t)ingest)) != 0 ||
	    (r = render_gauge(b, "custodia_store_errors_total", "counter",
	                      "Failures of the database engine.",
	                      (int64_t)cu_store_error_count())) != 0 ||
	    (r = render_gauge(b, "custodia_blobstore_errors_total", "counter",
	                      "Failures of the blob store (not counting blobs not found).",
	                      (int64_t)cu_vault_error_count())) != 0)
		return r;
	if (sr == 0 &&
	    ((r = render_gauge(b, "custodia_ledger_size", "gauge", "Entries in the ledger.",
	                       os.ledger_size)) != 0 ||
	     (r = render_gauge(b, "custodia_jobs_queued", "gauge",
	                       "Text-extraction jobs waiting in the queue.", os.jobs_queued)) != 0 ||
	     (r = render_gauge(b, "custodia_hits_pending", "gauge",
	                       "Open hits between cases not yet confirmed or dismissed by both sides.",
	                       os.hits_pending)) != 0))
		return r;
	if (sr == 0 && os.checkpoint_time > 0) {
		int64_t age = (int64_t)time(NULL) - os.checkpoint_time;
		if ((r = render_gauge(b, "custodia_checkpoint_age_seconds", "gauge",
		                      "Seconds since the latest checkpoint of the ledger was signed.",
		                      age < 0 ? 0 : age)) != 0)
			return r;
	}
	if ((r = head(b, "custodia_build_info", "gauge", "This build; the value is always 1.")) != 0 ||
	    (r = cu_buf_puts(b, "custodia_build_info{version=\"")) != 0 ||
	    (r = label(b, bi->version)) != 0 ||
	    (r = cu_buf_printf(b, "\",schema=\"%d\",commit=\"", cu_store_schema_latest())) != 0 ||
	    (r = label(b, bi->commit)) != 0 || (r = cu_buf_puts(b, "\"} 1\n")) != 0 ||
	    (r = render_gauge(b, "process_start_time_seconds", "gauge",
	                      "Start time of the process since the Unix epoch in seconds.",
	                      started_at)) != 0)
		return r;
	rq->content_type = "text/plain; version=0.0.4; charset=utf-8";
	return 0;
}

/*
 * Ready to take traffic: the store answers on this thread's connection, the
 * blob store answers, the data directory has room for writes (64 MiB), and
 * some node holds the ledger's sequencer role (on
 * PostgreSQL the advisory lock is held by some session, this node's or
 * another's; on SQLite this process's sequencer passed within the last
 * SEQUENCER_STALE_MS). The answer names the failed check and nothing else;
 * the log has the reason.
 */
int h_readyz(cu_req *rq)
{
	const char *failed[4] = {0};
	int nf = 0, r;
	bool held = false;
	if ((r = cu_ops_check_store(rq->core)) != 0) {
		failed[nf++] = "store";
		cu_log("warn", "not ready", json_pack("{s:s,s:s}", "check", "store", "error",
		                                      cu_error_message(r)));
	}
	if ((r = cu_ops_check_blobs(rq->core)) != 0) {
		failed[nf++] = "blobs";
		cu_log("warn", "not ready", json_pack("{s:s,s:s}", "check", "blobs", "error",
		                                      cu_error_message(r)));
	}
	if ((r = cu_ops_check_disk(rq->core)) != 0) {
		failed[nf++] = "disk";
		cu_log("warn", "not ready", json_pack("{s:s,s:s}", "check", "disk", "error",
		                                      cu_error_message(r)));
	}
	if (cu_store_is_pg(cu_core_store(rq->core))) {
		if ((r = cu_ops_sequencer_held(rq->core, &held)) == 0 && !held)
			r = cu_error_set(CU_ECONFLICT, "no node holds the sequencer's lock");
	} else {
		int64_t age = mono_ms() - atomic_load_explicit(&sequencer_ok_ms, memory_order_relaxed);
		r = age <= SEQUENCER_STALE_MS ? 0 :
		    cu_error_set(CU_ECONFLICT, "the sequencer has not completed a pass for %lld ms",
		                 (long long)age);
	}
	if (r != 0) {
		failed[nf++] = "sequencer";
		cu_log("warn", "not ready", json_pack("{s:s,s:s}", "check", "sequencer", "error",
		                                      cu_error_message(r)));
	}
	json_t *checks = json_pack("{s:s,s:s,s:s,s:s}", "store", "ok", "blobs", "ok", "disk", "ok",
	                           "sequencer", "ok");
	for (int i = 0; i < nf; i++)
		json_object_set_new(checks, failed[i], json_string("failed"));
	rq->out = json_pack("{s:b,s:o}", "ready", nf == 0, "checks", checks);
	if (!rq->out)
		return cu_error_set(CU_ENOMEM, "out of memory");
	if (nf)
		rq->status = 503;
	return 0;
}

int h_version(cu_req *rq)
{
	const cu_build_info *bi = cu_build();
	cu_store *s = cu_core_store(rq->core);
	rq->out = json_pack("{s:s,s:i,s:i,s:s,s:{s:s,s:s,s:s}}", "version", bi->version, "schema",
	                    cu_store_schema_latest(), "database_schema", cu_store_schema_version(s),
	                    "store", cu_store_is_pg(s) ? "postgresql" : "sqlite", "build", "commit",
	                    bi->commit, "date", bi->date, "compiler", bi->compiler);
	return rq->out ? 0 : cu_error_set(CU_ENOMEM, "out of memory");
}
