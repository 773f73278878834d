/* SPDX-License-Identifier: Apache-2.0 */
/*
 * http: the HTTP server (h2o, one event loop and one store connection per
 * thread), the route table and the OpenAPI document derived from it.
 */
#ifndef CU_HTTP_H
#define CU_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

typedef struct cu_server_config {
	const char *datadir;
	const char *listen;     /* "ADDR:PORT"; port 0 picks a free one */
	int threads;            /* 0: one per core */
	size_t max_body;        /* bytes of a JSON request body (0: 1 MiB) */
	uint64_t max_upload;    /* bytes of one evidence upload (0: 16 GiB) */
	const char *ready_file; /* if set, the base URL is written there once listening */
	int64_t session_ttl;    /* seconds (0: core's default) */
	int login_limit_account, login_limit_address; /* failed logins (0: core's defaults) */
	int64_t login_window;   /* seconds they are counted over (0: core's default) */
	int64_t session_idle;   /* seconds a session may go unused (0: core's default) */
	int quiet;              /* no banner on stdout */
	int log_auth;           /* the ledger's public routes need a bearer token too */
	const char *advertise;  /* the URL other nodes reach this one at (NULL: the
	                         * listening address, unless it is a wildcard) */
	const char *log_format; /* stderr's lines: "json" (NULL: json) or "text" */
	int metrics_public;     /* GET /metrics without a token (a private network's Prometheus) */
} cu_server_config;

/*
 * Serves until SIGTERM or SIGINT, then stops accepting, lets the requests in
 * flight finish and returns 0. Writes acknowledged before the signal are
 * committed: every handler commits before it answers.
 */
int cu_http_serve(const cu_server_config *cfg);

/* The OpenAPI 3.1 document of every route, as JSON text (caller frees). */
char *cu_http_openapi(void);

#endif
