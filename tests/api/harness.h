/* SPDX-License-Identifier: Apache-2.0 */
/* api tests: a real custodia server on loopback with the demo data, and an HTTP client. */
#ifndef CU_TEST_API_HARNESS_H
#define CU_TEST_API_HARNESS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <sys/types.h>

#include <cmocka.h>
#include <jansson.h>

/*
 * A server process: a temporary directory (root) holding the data
 * directory (root/data), the ready file (root/url), the server's standard
 * output (root/server.log) and its standard error, its log lines
 * (root/server.err).
 */
typedef struct api_server {
	char root[256], data[300], ready[300], log[300], err[300];
	char url[256];        /* base URL, e.g. http://127.0.0.1:40123 */
	pid_t pid;            /* 0 when not running */
	const char *extra[6]; /* more `serve` options for the next start (NULL ends) */
} api_server;

/* Makes the temporary directory and loads the demo scenario into it. */
int api_server_prepare(api_server *s);
/* Starts `custodia serve` on the data directory; waits up to 10 s for it. */
int api_server_start(api_server *s);
/* The two halves of api_server_start: start it, and wait until it is ready. */
int api_server_spawn(api_server *s);
int api_server_wait_ready(api_server *s);
/*
 * Sends sig to the server and waits up to 10 s for it to end (then kills it
 * and fails). *status receives the waitpid status.
 */
int api_server_stop(api_server *s, int sig, int *status);
/* Stops a running server (SIGKILL) and removes the temporary directory. */
void api_server_destroy(api_server *s);
/* Prints the last lines of the server's output to stderr (for failures). */
void api_server_dump_log(const api_server *s);
/* Everything the server has written to its standard error so far (caller frees). */
char *api_server_stderr(const api_server *s);

/*
 * The server of the current test program, started by api_group_setup and
 * stopped by api_group_teardown, which fails unless SIGTERM ends it with
 * exit status 0.
 */
extern api_server api_srv;
int api_group_setup(void **state);
int api_group_teardown(void **state);

/* One HTTP answer. */
typedef struct api_resp {
	long status;       /* 0 if the exchange failed */
	char *body;        /* NUL-terminated body (may be empty) */
	size_t len;
	json_t *json;      /* the body parsed as JSON, or NULL */
	char content_type[128];
	char www_authenticate[128];
	char allow[128];
	/* Headers of content downloads (empty when absent). */
	char content_length[32];
	char content_range[128];
	char repr_digest[128];
	char x_content_sha256[80];
	char content_disposition[256];
	/* Headers of the web application's answers (empty when absent). */
	char set_cookie[256];
	char etag[64];
	char csp[512];
	char content_encoding[32];
	char vary[64];
	char request_id[80]; /* X-Request-Id */
	long connects;     /* new connections this exchange opened (0: kept alive) */
} api_resp;
void api_resp_free(api_resp *r);

/* A request with every knob; unset fields take the defaults given. */
typedef struct api_req {
	const char *method;       /* "GET" if NULL */
	const char *path;         /* appended to the base URL */
	const char *token;        /* Authorization: Bearer token, if set */
	const char *auth;         /* a raw Authorization header value (overrides token) */
	const char *body;         /* sent as is; NULL: no body */
	size_t body_len;          /* 0: strlen(body) */
	const char *content_type; /* NULL: application/json when there is a body; "" omits it */
	const char *base;         /* NULL: api_srv.url */
	const char *headers[4];   /* extra request header lines ("Range: bytes=0-9"); NULL ends */
	bool empty_body;          /* send body as is even when body_len is 0 (an empty PUT) */
} api_req;

/*
 * Sends a request on this thread's keep-alive connection. 0 if an answer
 * came back (whatever its status), -1 if the exchange itself failed.
 */
int api_send(const api_req *rq, api_resp *out);

/*
 * The short form: method, path, bearer token (or NULL), JSON body text (or
 * NULL). *status gets the HTTP status, *json (if json is not NULL) the parsed
 * answer (caller frees). 0, or -1 if no answer came back.
 */
int api_request(const char *method, const char *path, const char *token, const char *body,
                long *status, json_t **json);
/* The same with a JSON value as body (stolen: decref'd). Returns the status (0: no answer). */
long api_requestj(const char *method, const char *path, const char *token, json_t *body,
                  json_t **json);
/* A formatted path, then api_request; returns the status (0: no answer). */
long api_getf(const char *token, json_t **json, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Logs user in with password; the token (caller frees), or NULL. */
char *api_login(const char *user, const char *password);
/* Logs in with password "demo", asserting success. */
char *api_login_demo(const char *user);

/* Releases this thread's connection (call at the end of a thread). */
void api_thread_done(void);

/*
 * Asserts the error envelope {"error":{"code":string,"message":string}}
 * with nothing else, and returns the message (borrowed from json).
 */
const char *api_assert_error(const json_t *json);
/* Asserts status and the error envelope; when code is set, error.code too. */
#define api_assert_fails(status, json, want, code) \
	api_assert_fails_at(__FILE__, __LINE__, status, json, want, code)
void api_assert_fails_at(const char *file, int line, long status, const json_t *json, long want,
                         const char *code);

/* Copies tmpl into out with its first "{}" replaced by seg (or by the number id). */
void api_path(char *out, size_t n, const char *tmpl, const char *seg);
void api_pathi(char *out, size_t n, const char *tmpl, int64_t id);

/* Percent-encodes s for a path segment or query value into out. */
void api_urlencode(char *out, size_t n, const char *s);

/* Creates a case as token's user, asserting 201; returns its id. */
int64_t api_case_create(const char *token, const char *json_text);
/* The ids of all the cases token may see (paging through the list); caller frees. */
int64_t *api_case_ids(const char *token, size_t *n);
/* Whether the list contains id. */
bool api_has_id(const int64_t *ids, size_t n, int64_t id);

/* The entry of org in a case document's participants, or NULL. */
json_t *api_participant(const json_t *case_doc, const char *org);

/*
 * PUTs len raw bytes (application/octet-stream) to path; returns the status
 * (0: no answer) and the JSON answer in *json if json is not NULL.
 */
long api_put_raw(const char *token, const char *path, const void *data, size_t len,
                 json_t **json);

/* A new TCP connection to the server (for requests curl will not send), or -1. */
int api_raw_connect(void);

/* Milliseconds since an arbitrary point. */
int64_t api_now_ms(void);

#endif
