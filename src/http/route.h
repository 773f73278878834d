/* SPDX-License-Identifier: Apache-2.0 */
/* http: the route table and the request seen by handlers (private to http). */
#ifndef CU_HTTP_ROUTE_H
#define CU_HTTP_ROUTE_H

#include <stdbool.h>

#include "core/core.h"

#define CU_MAX_PARAMS 4

struct cu_route;

/* A request as handlers see it: no h2o types leak past server.c. */
typedef struct cu_req {
	cu_core *core;
	const struct cu_route *route;      /* the route matched */
	cu_actor actor;
	char token_id[17];
	const char *params[CU_MAX_PARAMS]; /* path parameters, decoded, NUL-terminated */
	json_t *body;                      /* the parsed JSON object, or NULL */
	const char *raw;                   /* CU_ROUTE_RAW: the body as sent */
	size_t raw_len;
	void *impl;                        /* server.c's request */
	bool via_cookie;                   /* authenticated by the web application's cookie */
	char peer[64];                     /* the client's address (the socket's peer) */
	int64_t retry_after;               /* CU_ELIMIT: seconds for the Retry-After header */
	char set_cookie[256];              /* a Set-Cookie header for the answer, or "" */
	/* The answer: status and either a JSON value or raw JSON text. */
	int status;
	json_t *out;
	cu_buf raw_out;
	const char *content_type, *cache_control; /* CU_ROUTE_TEXT: overrides */
	/* CU_ROUTE_STREAM: content to stream (server.c closes the reader). */
	struct {
		cu_blob_reader *reader;
		int fd;                    /* or a file (bundles): its descriptor, if has_fd */
		bool has_fd;
		int64_t item_id;
		uint64_t start, length, total; /* the range sent, of total bytes */
		char sha256[65], media_type[128], filename[256];
		bool partial, inline_view;
	} stream;
	/* CU_ROUTE_SSE: the action day to follow, from the update after `after`. */
	struct {
		int64_t day_id, after;
	} sse;
} cu_req;

/* A request header's value (NUL-terminated copy), or NULL. */
const char *cu_req_header(cu_req *rq, const char *name);

/*
 * A query parameter, percent-decoded; NULL if absent. CU_EINVALID if bad.
 * Handlers read only the names their route declares (cu_route.query, which
 * the OpenAPI document lists and the server holds requests to): any other
 * is a defect, CU_EINTERNAL.
 */
int cu_req_query(cu_req *rq, const char **out, const char *name);
/* A whole-number query parameter from min to max: *out untouched if absent;
 * CU_EINVALID naming the parameter and the range if it is anything else. */
int cu_req_query_int(cu_req *rq, int64_t *out, const char *name, int64_t min, int64_t max);
/* An id in a path (s: a route parameter): digits only, above 0; else
 * CU_ENOTFOUND, "no WHAT "s"" (a "+1" or " 1" names nothing either). */
int cu_req_id(const char *s, int64_t *id, const char *what);
/* A page of a list in id (seq) order: ?after= (0 if absent) and ?limit= (1-1000, 1000 if
 * absent). */
int cu_req_page(cu_req *rq, int64_t *after, int *limit);

typedef int (*cu_handler)(cu_req *rq);

/*
 * One route: the single description from which the router, the OpenAPI
 * document and the route coverage test are derived.
 */
typedef struct cu_route {
	const char *method, *path; /* path segments "{name}" are parameters */
	cu_handler handler;
	bool auth;                 /* needs a bearer token */
	int status;                /* status on success */
	const char *tag, *summary;
	const char *query;         /* space-separated query parameter names */
	const char *body;          /* JSON Schema of the request body, or NULL */
	const char *example;       /* an example request body (JSON; of a CU_ROUTE_RAW route,
	                            * the body's text) */
	const char *response;      /* JSON Schema name of the response (components) */
	int kind;                  /* CU_ROUTE_JSON (0), _RAW (raw request body),
	                            * _STREAM (content download), _TEXT (text/plain answer),
	                            * _SSE (Server-Sent Events) */
	bool bulk;                 /* long work on many bytes (upload chunks, hashing whole
	                            * items, archives, imports): run off the event loops, by
	                            * the bulk threads, so that it never stalls other requests */
} cu_route;

enum { CU_ROUTE_JSON = 0, CU_ROUTE_RAW = 1, CU_ROUTE_STREAM = 2, CU_ROUTE_TEXT = 3,
       CU_ROUTE_SSE = 4 /* text/event-stream of an action day's updates (server.c) */ };

/* The largest chunk of an upload (PUT /api/v1/uploads/{id}). */
#define CU_UPLOAD_CHUNK_MAX ((size_t)8 << 20)

extern const cu_route cu_routes[];
extern const int cu_nroutes;

/*
 * Matches method and path; params receive pointers into the scratch copy.
 * When the path exists with other methods, *method_mismatch is set and
 * allow lists them ("GET, POST") for the 405 answer.
 */
const cu_route *cu_route_match(const char *method, size_t mlen, char *path,
                               const char *params[CU_MAX_PARAMS], bool *method_mismatch,
                               char *allow, size_t allow_len);

/*
 * The web application's files, built at make time (web/build.mjs) and
 * compiled into the binary (tools/embed_assets.c): served under "/" and
 * "/assets/", never from the disk at run time.
 */
typedef struct cu_asset {
	const char *path, *type, *etag;
	const unsigned char *data;
	size_t len;
	/* The same gzipped (web/build.mjs), for clients that accept it; NULL if not worth it. */
	const char *gz_etag;
	const unsigned char *gz;
	size_t gz_len;
} cu_asset;

extern const cu_asset cu_assets[];
extern const int cu_nassets;

/* The web application's session cookie and the header its writes carry. */
#define CU_COOKIE "custodia_session"
#define CU_CSRF_HEADER "x-custodia-csrf"

#endif
