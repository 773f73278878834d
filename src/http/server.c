/* SPDX-License-Identifier: Apache-2.0 */
/*
 * http: the server. One h2o event loop per thread, each with its own
 * listening socket (SO_REUSEPORT) and its own store connection, so a request
 * runs start to finish on one thread without locks. Handlers are synchronous:
 * a write is committed before its answer is queued, which is what makes a
 * shutdown at any moment lose nothing that was acknowledged.
 */
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include <h2o.h>

#include "crypto/crypto.h"
#include "http/http.h"
#include "http/handlers.h"
#include "http/nodes.h"
#include "http/obs.h"
#include "http/parse.h"
#include "http/route.h"
#include "match/match.h"
#include "util/curl.h"

struct worker {
	h2o_context_t ctx; /* first: a request's conn->ctx leads back to its worker */
	h2o_accept_ctx_t accept_ctx;
	h2o_evloop_t *loop;
	h2o_socket_t *listener;
	int fd;
	cu_core *core;
	pthread_t tid;
	h2o_timeout_t sse_poll;  /* the event streams' poll interval */
	h2o_linklist_t streams;  /* open event streams (struct sse) */
	cu_obs_shard *obs;       /* this thread's request counters */
	h2o_multithread_receiver_t job_done; /* answers of the pools (pool_submit) */
	int jobs_pending;        /* requests of this loop the pools still hold */
};

static h2o_globalconf_t config;
static atomic_int stopping;
static size_t max_json_body;
static int log_auth; /* the ledger's public routes (/log, /api/v1/ledger) need a token */

static int status_of(int code)
{
	switch (code) {
	case CU_EINVALID: return 400;
	case CU_EAUTH: return 401;
	case CU_EDENIED: return 403;
	case CU_ENOTFOUND: return 404;
	case CU_EEXISTS:
	case CU_ECONFLICT:
	case CU_EVERIFY: return 409; /* the stored state does not hold (integrity) */
	case CU_ETOOBIG: return 413;
	case CU_ERANGE: return 416;
	case CU_EUNAVAILABLE: return 503;
	case CU_ENOSPACE: return 507;
	case CU_ELIMIT: return 429;
	default: return 500;
	}
}

static const char *reason_of(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 416: return "Range Not Satisfiable";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	case 507: return "Insufficient Storage";
	default: return "Internal Server Error";
	}
}

static void send_json(h2o_req_t *req, int status, const char *body, size_t len)
{
	req->res.status = status;
	req->res.reason = reason_of(status);
	h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL,
	               H2O_STRLIT("application/json; charset=utf-8"));
	h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL,
	               H2O_STRLIT("no-store"));
	h2o_add_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("x-content-type-options"),
	                      0, NULL, H2O_STRLIT("nosniff"));
	req->res.content_length = len;
	h2o_send_inline(req, body, len);
}

static void add_header(h2o_req_t *req, const char *name, const char *value)
{
	h2o_iovec_t v = h2o_strdup(&req->pool, value, strlen(value));
	h2o_add_header_by_str(&req->pool, &req->res.headers, name, strlen(name), 0, NULL, v.base,
	                      v.len);
}

/*
 * What the log line and the metrics of a request need beyond h2o's request:
 * kept in the request's pool, found through the request's environment (a
 * vector h2o carries for us and never reads: no FastCGI or mruby here).
 */
struct reqinfo {
	int route;       /* index into cu_routes[], CU_OBS_ROUTE_WEB or _NONE */
	char id[65];     /* X-Request-Id */
	char user[65];   /* the authenticated user and organisation, or "" */
	char org[17];
};

#define REQINFO_ENV "custodia.reqinfo"

/* An incoming X-Request-Id is taken when it is 1-64 of [A-Za-z0-9._-]. */
static bool good_request_id(h2o_iovec_t v)
{
	if (v.len < 1 || v.len > 64)
		return false;
	for (size_t i = 0; i < v.len; i++) {
		char c = v.base[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

/*
 * The request's info, made on first use with its request id: the client's
 * X-Request-Id if well formed, else 16 random hex digits. echo: the answer
 * has not started, so the id goes into its headers.
 */
static struct reqinfo *reqinfo_of(h2o_req_t *req, bool echo)
{
	h2o_iovec_t *slot = h2o_req_getenv(req, H2O_STRLIT(REQINFO_ENV), 1);
	if (slot->base)
		return (struct reqinfo *)slot->base;
	struct reqinfo *ri = h2o_mem_alloc_pool(&req->pool, sizeof(*ri));
	memset(ri, 0, sizeof(*ri));
	ri->route = CU_OBS_ROUTE_NONE;
	ssize_t i = h2o_find_header_by_str(&req->headers, H2O_STRLIT("x-request-id"), -1);
	if (i >= 0 && good_request_id(req->headers.entries[i].value)) {
		memcpy(ri->id, req->headers.entries[i].value.base, req->headers.entries[i].value.len);
	} else {
		uint8_t rnd[8];
		cu_random(rnd, sizeof(rnd));
		cu_hex(ri->id, rnd, sizeof(rnd));
	}
	*slot = h2o_iovec_init((char *)ri, sizeof(*ri));
	if (echo)
		h2o_add_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("x-request-id"), 0,
		                      NULL, ri->id, strlen(ri->id));
	return ri;
}

/* The method for logs and labels: as sent when it is a plain word, else "OTHER". */
static void method_of(h2o_req_t *req, char out[17])
{
	size_t n = req->method.len;
	bool word = n > 0 && n < 17;
	for (size_t i = 0; word && i < n; i++)
		word = req->method.base[i] >= 'A' && req->method.base[i] <= 'Z';
	if (word) {
		memcpy(out, req->method.base, n);
		out[n] = '\0';
	} else {
		memcpy(out, "OTHER", 6);
	}
}

/*
 * The client's address as the socket sees it (a reverse proxy's, behind one:
 * login throttling per address then counts the proxy; docs/http.md).
 */
static void peer_name(char *out, size_t n, h2o_req_t *req)
{
	struct sockaddr_storage ss;
	socklen_t len = req->conn->callbacks->get_peername ?
	                req->conn->callbacks->get_peername(req->conn, (struct sockaddr *)&ss) : 0;
	out[0] = '\0';
	if (len == 0)
		return;
	if (ss.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, out, (socklen_t)n);
	else if (ss.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, out, (socklen_t)n);
}

/* {"error":{"code":..,"message":..}}; 5xx details go to the log only. */
static void send_error(h2o_req_t *req, int status, const char *code, const char *message)
{
	cu_buf b;
	cu_buf_init(&b, 8192);
	if (status >= 500) {
		/* The route's template, never the path: paths and queries carry names. */
		struct reqinfo *ri = reqinfo_of(req, true);
		cu_log("error", "internal error", json_pack("{s:s,s:s,s:s,s:s}", "request_id", ri->id,
		                                            "route", cu_obs_route_name(ri->route),
		                                            "code", code, "error", message));
		message = status == 503 ? cu_strerror(CU_EUNAVAILABLE) :
		          status == 507 ? cu_strerror(CU_ENOSPACE)
		                        : "internal error; the server log has the details";
	}
	if (status == 503) /* the database is away (a restart, a failover): soon back */
		h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_RETRY_AFTER, NULL,
		               H2O_STRLIT("1"));
	if (cu_buf_puts(&b, "{\"error\":{\"code\":") == 0 && cu_buf_json_str(&b, code) == 0 &&
	    cu_buf_puts(&b, ",\"message\":") == 0 && cu_buf_json_str(&b, message) == 0 &&
	    cu_buf_puts(&b, "}}") == 0)
		send_json(req, status, b.data, b.len);
	else
		send_json(req, 500, "{\"error\":{\"code\":\"internal\",\"message\":\"\"}}", 43);
	cu_buf_free(&b);
}

/* Percent-decodes [s, s+n) into pool memory; NULL if malformed or not UTF-8. */
static char *decode(h2o_mem_pool_t *pool, const char *s, size_t n, bool plus_space)
{
	return cu_http_pct_decode(h2o_mem_alloc_pool(pool, n + 1), s, n, plus_space);
}

int cu_req_query(cu_req *rq, const char **out, const char *name)
{
	h2o_req_t *req = rq->impl;
	const char *v;
	size_t vlen;
	*out = NULL;
	if (rq->route && !cu_http_listed(rq->route->query, name, strlen(name)))
		return cu_error_set(CU_EINTERNAL, "%s %s reads the query parameter \"%s\", which its "
		                    "route does not declare", rq->route->method, rq->route->path, name);
	if (req->query_at == SIZE_MAX)
		return 0;
	if (!cu_http_query_find(&v, &vlen, req->path.base + req->query_at + 1,
	                        req->path.len - req->query_at - 1, name))
		return 0;
	if (!(*out = decode(&req->pool, v, vlen, true)))
		return cu_error_set(CU_EINVALID, "query parameter \"%s\" is not valid "
		                    "percent-encoded UTF-8", name);
	return 0;
}

int cu_req_query_int(cu_req *rq, int64_t *out, const char *name, int64_t min, int64_t max)
{
	const char *v;
	char *end;
	int r;
	if ((r = cu_req_query(rq, &v, name)) != 0 || !v)
		return r;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	/* strtoll would take spaces and a "+" before the number: a query says it plainly */
	bool plain = (*v >= '0' && *v <= '9') || (*v == '-' && v[1] >= '0' && v[1] <= '9');
	if (!plain || *end || errno == ERANGE || n < min || n > max)
		return cu_error_set(CU_EINVALID, "query parameter \"%s\" must be a whole number from "
		                    "%lld to %lld", name, (long long)min, (long long)max);
	*out = n;
	return 0;
}

int cu_req_id(const char *s, int64_t *id, const char *what)
{
	char *end;
	*id = 0;
	errno = 0;
	long long v = s && *s >= '0' && *s <= '9' ? strtoll(s, &end, 10) : 0;
	if (v <= 0 || *end || errno == ERANGE)
		return cu_error_set(CU_ENOTFOUND, "no %s \"%.32s\"", what, s ? s : "");
	*id = v;
	return 0;
}

int cu_req_page(cu_req *rq, int64_t *after, int *limit)
{
	int64_t n = 1000;
	int r;
	*after = 0;
	if ((r = cu_req_query_int(rq, after, "after", 0, INT64_MAX)) != 0 ||
	    (r = cu_req_query_int(rq, &n, "limit", 1, 1000)) != 0)
		return r;
	*limit = (int)n;
	return 0;
}

static bool is_json_type(h2o_req_t *req)
{
	ssize_t i = h2o_find_header(&req->headers, H2O_TOKEN_CONTENT_TYPE, -1);
	if (i < 0)
		return false;
	h2o_iovec_t v = req->headers.entries[i].value;
	return v.len >= 16 && strncasecmp(v.base, "application/json", 16) == 0 &&
	       (v.len == 16 || v.base[16] == ';' || v.base[16] == ' ');
}

/* The value of the session cookie in the Cookie headers, or a zero-length view. */
static h2o_iovec_t session_cookie(h2o_req_t *req)
{
	ssize_t i = -1;
	while ((i = h2o_find_header(&req->headers, H2O_TOKEN_COOKIE, i)) >= 0) {
		h2o_iovec_t v = req->headers.entries[i].value;
		const char *val;
		size_t vlen;
		if (cu_http_cookie_find(&val, &vlen, v.base, v.len, CU_COOKIE))
			return h2o_iovec_init(val, vlen);
	}
	return h2o_iovec_init(NULL, 0);
}

/*
 * A bearer token (scripts, the CLI) or the web application's session cookie.
 * The cookie is SameSite=Strict; a write it authenticates must also carry
 * the X-Custodia-CSRF header, which no other site can make a browser send
 * without a CORS preflight that this server never grants.
 */
static int authenticate(cu_req *rq, h2o_req_t *req)
{
	h2o_iovec_t v;
	ssize_t i = h2o_find_header(&req->headers, H2O_TOKEN_AUTHORIZATION, -1);
	if (i >= 0) {
		const char *tok;
		size_t tlen;
		v = req->headers.entries[i].value;
		if (!cu_http_bearer(&tok, &tlen, v.base, v.len))
			return cu_error_set(CU_EAUTH, "the Authorization header must be "
			                    "\"Bearer TOKEN\"");
		v = h2o_iovec_init(tok, tlen);
	} else {
		v = session_cookie(req);
		if (!v.len)
			return cu_error_set(CU_EAUTH, "missing Authorization: Bearer header "
			                    "(POST /api/v1/session to log in)");
		if (v.len > 193)
			return cu_error_set(CU_EAUTH, "malformed session cookie");
		bool safe = h2o_memis(req->method.base, req->method.len, H2O_STRLIT("GET")) ||
		            h2o_memis(req->method.base, req->method.len, H2O_STRLIT("HEAD"));
		if (!safe && h2o_find_header_by_str(&req->headers, H2O_STRLIT(CU_CSRF_HEADER),
		                                    -1) < 0)
			return cu_error_set(CU_EDENIED, "a write authenticated by the session cookie "
			                    "must carry the " CU_CSRF_HEADER " header");
		rq->via_cookie = true;
	}
	char token[201];
	memcpy(token, v.base, v.len);
	token[v.len] = '\0';
	int r = cu_auth_bearer(rq->core, &rq->actor, rq->token_id, token);
	cu_wipe(token, sizeof(token));
	return r;
}

/*
 * The web application: "/" and the files under "/assets/", compiled in.
 * Revalidated on each load (ETag) so that an upgrade is seen at once.
 */
static const cu_asset *asset_find(const char *path)
{
	if (!strcmp(path, "/"))
		path = "/index.html";
	for (int i = 0; i < cu_nassets; i++)
		if (!strcmp(cu_assets[i].path, path))
			return &cu_assets[i];
	return NULL;
}

static void send_asset(h2o_req_t *req, const cu_asset *a)
{
	char etag[40];
	/* Gzipped where the client takes it (made at build time): each encoding
	 * its own ETag, and caches told that the answer depends on the header. */
	bool gz = false;
	if (a->gz) {
		ssize_t ae = h2o_find_header(&req->headers, H2O_TOKEN_ACCEPT_ENCODING, -1);
		gz = ae >= 0 && cu_http_accepts_gzip(req->headers.entries[ae].value.base,
		                                     req->headers.entries[ae].value.len);
		add_header(req, "vary", "accept-encoding");
	}
	snprintf(etag, sizeof(etag), "\"%s\"", gz ? a->gz_etag : a->etag);
	add_header(req, "etag", etag);
	add_header(req, "cache-control", "no-cache");
	add_header(req, "x-content-type-options", "nosniff");
	add_header(req, "referrer-policy", "no-referrer");
	if (!strcmp(a->path, "/index.html")) {
		/* Nothing but our own files: no CDN, no inline script, no framing. */
		add_header(req, "content-security-policy",
		           "default-src 'self'; img-src 'self' data: blob:; media-src 'self';"
		           " object-src 'self'; frame-src 'self'; style-src 'self';"
		           " script-src 'self'; connect-src 'self'; base-uri 'none';"
		           " form-action 'self'; frame-ancestors 'none'");
		add_header(req, "x-frame-options", "DENY");
	}
	ssize_t i = h2o_find_header(&req->headers, H2O_TOKEN_IF_NONE_MATCH, -1);
	if (i >= 0 && h2o_memis(req->headers.entries[i].value.base,
	                        req->headers.entries[i].value.len, etag, strlen(etag))) {
		req->res.status = 304;
		req->res.reason = "Not Modified";
		h2o_send_inline(req, "", 0);
		return;
	}
	req->res.status = 200;
	req->res.reason = "OK";
	add_header(req, "content-type", a->type);
	if (gz)
		add_header(req, "content-encoding", "gzip");
	req->res.content_length = gz ? a->gz_len : a->len;
	h2o_send_inline(req, (const char *)(gz ? a->gz : a->data), gz ? a->gz_len : a->len);
}

const char *cu_req_header(cu_req *rq, const char *name)
{
	h2o_req_t *req = rq->impl;
	ssize_t i = h2o_find_header_by_str(&req->headers, name, strlen(name), -1);
	if (i < 0)
		return NULL;
	h2o_iovec_t v = req->headers.entries[i].value;
	char *s = h2o_mem_alloc_pool(&req->pool, v.len + 1);
	memcpy(s, v.base, v.len);
	s[v.len] = '\0';
	return s;
}

/* ---- Forwarding to the node that holds an upload or a bundle (nodes.h) ---- */

#define FORWARDED_HEADER "x-custodia-forwarded"

struct fwd_sink {
	cu_buf *buf;
	int fd;
	bool failed;
};

static size_t fwd_write(char *data, size_t size, size_t n, void *arg)
{
	struct fwd_sink *k = arg;
	size_t len = size * n;
	if (k->fd >= 0) {
		for (size_t done = 0; done < len;) {
			ssize_t w = write(k->fd, data + done, len - done);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				k->failed = true;
				return 0;
			}
			done += (size_t)w;
		}
	} else if (cu_buf_append(k->buf, data, len) != 0) {
		k->failed = true;
		return 0;
	}
	return len;
}

/* Adds "Name: value" of the request's header `name`, if it has one. */
static struct curl_slist *fwd_header(struct curl_slist *l, h2o_req_t *req, const char *name)
{
	ssize_t i = h2o_find_header_by_str(&req->headers, name, strlen(name), -1);
	if (i < 0)
		return l;
	h2o_iovec_t v = req->headers.entries[i].value;
	char line[8192];
	if (v.len + strlen(name) + 3 > sizeof(line) || memchr(v.base, '\n', v.len) ||
	    memchr(v.base, '\r', v.len))
		return l;
	snprintf(line, sizeof(line), "%s: %.*s", name, (int)v.len, v.base);
	struct curl_slist *n = curl_slist_append(l, line);
	return n ? n : l;
}

int cu_req_forward(cu_req *rq, const char *base, int fd, long *status)
{
	h2o_req_t *req = rq->impl;
	char method[16], url[4096], rid[96];
	struct fwd_sink sink = {&rq->raw_out, fd, false};
	struct curl_slist *hdr = NULL;
	long code = 0;
	int r = 0;
	if (h2o_find_header_by_str(&req->headers, H2O_STRLIT(FORWARDED_HEADER), -1) >= 0)
		return cu_error_set(CU_ENOTFOUND, "no such object on this node (a forwarded request "
		                    "is not forwarded again)");
	if (req->method.len >= sizeof(method) ||
	    (size_t)snprintf(url, sizeof(url), "%s%.*s", base, (int)req->path.len, req->path.base) >=
	            sizeof(url))
		return cu_error_set(CU_EINVALID, "request too long to forward");
	memcpy(method, req->method.base, req->method.len);
	method[req->method.len] = '\0';
	if ((r = cu_curl_load()) != 0)
		return r;
	CURL *cu = curl_easy_init();
	if (!cu)
		return cu_error_set(CU_ENOMEM, "out of memory");
	static const char *const pass[] = {"authorization", "cookie", CU_CSRF_HEADER,
	                                   "content-type"};
	for (size_t i = 0; i < sizeof(pass) / sizeof(pass[0]); i++)
		hdr = fwd_header(hdr, req, pass[i]);
	snprintf(rid, sizeof(rid), "X-Request-Id: %s", reqinfo_of(req, false)->id);
	hdr = curl_slist_append(hdr, rid);
	hdr = curl_slist_append(hdr, FORWARDED_HEADER ": 1");
	hdr = curl_slist_append(hdr, "Expect:");
	curl_easy_setopt(cu, CURLOPT_URL, url);
	curl_easy_setopt(cu, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(cu, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(cu, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(cu, CURLOPT_TIMEOUT, 600L);
	curl_easy_setopt(cu, CURLOPT_HTTPHEADER, hdr);
	if (req->entity.base) {
		curl_easy_setopt(cu, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->entity.len);
		curl_easy_setopt(cu, CURLOPT_POSTFIELDS, req->entity.base);
	}
	curl_easy_setopt(cu, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, fwd_write);
	curl_easy_setopt(cu, CURLOPT_WRITEDATA, &sink);
	CURLcode rc = curl_easy_perform(cu);
	curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, &code);
	if (rc != CURLE_OK || sink.failed)
		r = sink.failed && rc == CURLE_WRITE_ERROR
		            ? cu_error_set(CU_EIO, "cannot keep what the other node sent")
		            : cu_error_set(CU_EUNAVAILABLE, "the node holding it does not answer (%s)",
		                           curl_easy_strerror(rc));
	curl_easy_cleanup(cu);
	curl_slist_free_all(hdr);
	if (r == 0) {
		rq->status = (int)code;
		if (status)
			*status = code;
	}
	return r;
}

/*
 * Streaming evidence content: the reader decrypts and authenticates 64 KiB
 * units; each proceed() sends the next piece. A unit that fails
 * authentication ends the response in error (the client sees a truncated
 * transfer and the SHA-256 header it cannot match) and flags the item.
 */
#define STREAM_PIECE (256 * 1024)

struct download {
	h2o_generator_t super;
	struct worker *w;
	cu_blob_reader *reader;
	int fd;          /* a plain file instead (bundles), or -1 */
	int64_t item_id;
	uint64_t left;
	char *buf;
};

static void download_dispose(void *p)
{
	struct download *d = p;
	cu_blob_close(d->reader);
	if (d->fd >= 0)
		close(d->fd);
	free(d->buf);
}

static int file_read(int fd, char *buf, size_t want, size_t *got)
{
	*got = 0;
	while (*got < want) {
		ssize_t n = read(fd, buf + *got, want - *got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cu_error_set(CU_EIO, "read: %s", strerror(errno));
		if (n == 0)
			break;
		*got += (size_t)n;
	}
	return 0;
}

static void end_download_failed(struct worker *w, h2o_req_t *req, int64_t item);

static void download_proceed(h2o_generator_t *g, h2o_req_t *req)
{
	struct download *d = (struct download *)g;
	size_t want = d->left < STREAM_PIECE ? (size_t)d->left : STREAM_PIECE, got = 0;
	int r = d->fd >= 0 ? file_read(d->fd, d->buf, want, &got)
	                   : cu_blob_read(d->reader, d->buf, want, &got);
	if (r != 0 || got != want) {
		cu_log("error", "download failed", json_pack("{s:s,s:I,s:s}", "request_id",
		       reqinfo_of(req, false)->id, "item", (json_int_t)d->item_id, "error",
		       r ? cu_error_message(r) : "content shorter than recorded"));
		if (r == CU_EVERIFY)
			end_download_failed(d->w, req, d->item_id);
		else
			h2o_send(req, NULL, 0, H2O_SEND_STATE_ERROR);
		return;
	}
	d->left -= got;
	h2o_iovec_t iov = h2o_iovec_init(d->buf, got);
	h2o_send(req, &iov, 1, d->left ? H2O_SEND_STATE_IN_PROGRESS : H2O_SEND_STATE_FINAL);
}

static void download_stop(h2o_generator_t *g, h2o_req_t *req)
{
	(void)g, (void)req;
}

/* h2o keeps pointers to header values: copy them into the request's pool. */
static void start_stream(struct worker *w, h2o_req_t *req, cu_req *rq)
{
	struct download *d = h2o_mem_alloc_shared(&req->pool, sizeof(*d), download_dispose);
	char buf[512];
	memset(d, 0, sizeof(*d));
	d->super.proceed = download_proceed;
	d->super.stop = download_stop;
	d->w = w;
	d->reader = rq->stream.reader;
	rq->stream.reader = NULL; /* the download owns it now */
	d->fd = rq->stream.has_fd ? rq->stream.fd : -1;
	rq->stream.has_fd = false; /* the download owns it now */
	d->item_id = rq->stream.item_id;
	d->left = rq->stream.length;
	if (!(d->buf = malloc(STREAM_PIECE))) {
		send_error(req, 500, "no_memory", "out of memory");
		return;
	}
	req->res.status = rq->stream.partial ? 206 : 200;
	req->res.reason = rq->stream.partial ? "Partial Content" : "OK";
	req->res.content_length = rq->stream.length;
	add_header(req, "content-type", rq->stream.media_type);
	add_header(req, "x-content-type-options", "nosniff");
	add_header(req, "cache-control", "no-store");
	if (d->fd < 0)
		add_header(req, "accept-ranges", "bytes");
	/*
	 * Evidence is data, never a page of ours: no script, no form. (Not on a
	 * PDF shown in the page: the browser's own viewer must run for it.)
	 */
	if (!rq->stream.inline_view || strcmp(rq->stream.media_type, "application/pdf"))
		add_header(req, "content-security-policy",
		           "default-src 'none'; frame-ancestors 'self'");
	/* The digest of the whole content (RFC 9530), and plainly in hex. */
	uint8_t sha[32];
	char b64[48];
	if (cu_unhex32(sha, rq->stream.sha256) == 0) {
		cu_base64(b64, sha, 32);
		snprintf(buf, sizeof(buf), "sha-256=:%s:", b64);
		add_header(req, "repr-digest", buf);
	}
	if (rq->stream.sha256[0])
		add_header(req, "x-content-sha256", rq->stream.sha256);
	if (rq->stream.partial) {
		snprintf(buf, sizeof(buf), "bytes %llu-%llu/%llu",
		         (unsigned long long)rq->stream.start,
		         (unsigned long long)(rq->stream.start + rq->stream.length - 1),
		         (unsigned long long)rq->stream.total);
		add_header(req, "content-range", buf);
	}
	if (rq->stream.filename[0]) {
		/* RFC 6266/8187: the original name, percent-encoded. */
		static const char hex[] = "0123456789ABCDEF";
		char *o = buf + snprintf(buf, sizeof(buf), "%s; filename*=UTF-8''",
		                         rq->stream.inline_view ? "inline" : "attachment");
		for (const unsigned char *p = (const unsigned char *)rq->stream.filename;
		     *p && o < buf + sizeof(buf) - 4; p++) {
			if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
			    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '_') {
				*o++ = (char)*p;
			} else {
				*o++ = '%';
				*o++ = hex[*p >> 4];
				*o++ = hex[*p & 15];
			}
		}
		*o = '\0';
		add_header(req, "content-disposition", buf);
	}
	h2o_start_response(req, &d->super);
	if (d->left == 0 || h2o_memis(req->method.base, req->method.len, H2O_STRLIT("HEAD")))
		h2o_send(req, NULL, 0, H2O_SEND_STATE_FINAL);
	else
		download_proceed(&d->super, req);
}

/*
 * Server-Sent Events of an action day (docs/http.md). Each open stream
 * polls the store on its worker's loop every SSE_POLL_MS for updates with a
 * sequence number above the last it sent, which covers writes made by any
 * thread or process (an update posted through this thread also polls its
 * streams at once); a batch goes out in one h2o_send, the next only once
 * h2o asks for more (proceed), so a slow reader holds one batch at a time
 * and catches up from the store. A comment line every SSE_HEARTBEAT_MS
 * keeps idle connections (and proxies) alive. At shutdown every stream ends
 * with its last batch.
 */
#define SSE_POLL_MS 50
#define SSE_HEARTBEAT_MS 15000
#define SSE_BATCH 500

struct sse {
	h2o_generator_t super;
	struct worker *w;
	h2o_req_t *req;
	h2o_timeout_entry_t timer;
	h2o_linklist_t link;
	int64_t day_id, last;
	uint64_t last_sent;
	cu_buf buf[2]; /* buf[cur] fills up while buf[!cur] is being sent */
	int cur;
	bool inflight, more, closing, done;
};

static void sse_detach(struct sse *s)
{
	if (h2o_timeout_is_linked(&s->timer))
		h2o_timeout_unlink(&s->timer);
	if (h2o_linklist_is_linked(&s->link))
		h2o_linklist_unlink(&s->link);
}

static void sse_dispose(void *p)
{
	struct sse *s = p;
	sse_detach(s);
	cu_buf_free(&s->buf[0]);
	cu_buf_free(&s->buf[1]);
}

/* Appends the updates after s->last to the filling buffer. */
static void sse_poll(struct sse *s)
{
	json_t *rows = NULL, *v;
	size_t i;
	cu_buf *b = &s->buf[s->cur];
	int r = cu_actionday_since(s->w->core, &rows, s->day_id, s->last, SSE_BATCH);
	if (r) {
		cu_log("error", "event stream failed", json_pack("{s:s,s:I,s:s}", "request_id",
		       reqinfo_of(s->req, false)->id, "action_day", (json_int_t)s->day_id, "error",
		       cu_error_message(r)));
		return;
	}
	s->more = json_array_size(rows) == SSE_BATCH;
	json_array_foreach(rows, i, v) {
		char *text = json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(15));
		int64_t seq = json_integer_value(json_object_get(v, "seq"));
		char head[64];
		snprintf(head, sizeof(head), "id: %lld\nevent: update\ndata: ", (long long)seq);
		if (text && cu_buf_puts(b, head) == 0 && cu_buf_puts(b, text) == 0 &&
		    cu_buf_puts(b, "\n\n") == 0)
			s->last = seq;
		free(text);
	}
	json_decref(rows);
	if (b->len == 0 && h2o_now(s->w->loop) - s->last_sent >= SSE_HEARTBEAT_MS)
		cu_buf_puts(b, ": heartbeat\n\n");
}

/* Sends what the filling buffer holds (and, closing, ends the response). */
static void sse_flush(struct sse *s)
{
	if (s->inflight || s->done || (s->buf[s->cur].len == 0 && !s->closing))
		return;
	cu_buf *b = &s->buf[s->cur];
	h2o_iovec_t iov = h2o_iovec_init(b->data ? b->data : "", b->len);
	s->cur = !s->cur;
	s->buf[s->cur].len = 0;
	s->inflight = true;
	s->last_sent = h2o_now(s->w->loop);
	if (s->closing) {
		s->done = true;
		sse_detach(s);
		h2o_send(s->req, &iov, iov.len ? 1 : 0, H2O_SEND_STATE_FINAL);
	} else {
		h2o_send(s->req, &iov, 1, H2O_SEND_STATE_IN_PROGRESS);
	}
}

static void sse_on_timer(h2o_timeout_entry_t *e)
{
	struct sse *s = H2O_STRUCT_FROM_MEMBER(struct sse, timer, e);
	if (!s->inflight)
		sse_poll(s);
	sse_flush(s);
	if (!s->done)
		h2o_timeout_link(s->w->loop, &s->w->sse_poll, &s->timer);
}

static void sse_proceed(h2o_generator_t *g, h2o_req_t *req)
{
	struct sse *s = (struct sse *)g;
	(void)req;
	s->inflight = false;
	if (s->done)
		return;
	if (s->more && !s->closing)
		sse_poll(s); /* catching up: the next batch at once */
	sse_flush(s);
}

static void sse_stop(h2o_generator_t *g, h2o_req_t *req)
{
	struct sse *s = (struct sse *)g;
	(void)req;
	s->done = true; /* the client went away */
	sse_detach(s);
}

static void start_sse(struct worker *w, h2o_req_t *req, cu_req *rq)
{
	struct sse *s = h2o_mem_alloc_shared(&req->pool, sizeof(*s), sse_dispose);
	memset(s, 0, sizeof(*s));
	s->super.proceed = sse_proceed;
	s->super.stop = sse_stop;
	s->w = w;
	s->req = req;
	s->day_id = rq->sse.day_id;
	s->last = rq->sse.after;
	s->timer.cb = sse_on_timer;
	cu_buf_init(&s->buf[0], 0);
	cu_buf_init(&s->buf[1], 0);
	req->res.status = 200;
	req->res.reason = "OK";
	add_header(req, "content-type", "text/event-stream; charset=utf-8");
	add_header(req, "cache-control", "no-store");
	add_header(req, "x-accel-buffering", "no");
	h2o_start_response(req, &s->super);
	if (h2o_memis(req->method.base, req->method.len, H2O_STRLIT("HEAD"))) {
		s->done = true;
		h2o_send(req, NULL, 0, H2O_SEND_STATE_FINAL);
		return;
	}
	h2o_linklist_insert(&w->streams, &s->link);
	/* The reconnection delay, then what the client missed, at once. */
	cu_buf_puts(&s->buf[s->cur], "retry: 1000\n\n");
	sse_poll(s);
	sse_flush(s);
	h2o_timeout_link(w->loop, &w->sse_poll, &s->timer);
}

/* An update was just committed on this thread: its streams need not wait for the tick. */
static void sse_kick(struct worker *w)
{
	for (h2o_linklist_t *l = w->streams.next; l != &w->streams; l = l->next) {
		struct sse *s = H2O_STRUCT_FROM_MEMBER(struct sse, link, l);
		if (!s->inflight) {
			sse_poll(s);
			sse_flush(s);
		}
	}
}

/* Unlinks the first node of a non-empty h2o list and returns it. */
static h2o_linklist_t *list_pop(h2o_linklist_t *anchor)
{
	h2o_linklist_t *node = anchor->next;
#ifdef __clang_analyzer__
	/* For clang-tidy's analyzer, which does not know h2o's list invariant (a
	 * node's prev->next is the node): it takes the anchor to still point at the
	 * node unlinked in the previous turn of a caller's loop and reports a NULL
	 * dereference in linklist.h. The anchor's next is always a linked node. */
	if (!h2o_linklist_is_linked(node))
		__builtin_unreachable();
#endif
	h2o_linklist_unlink(node);
	return node;
}

/* Shutdown: every open stream sends what it has and ends. */
static void sse_close_all(struct worker *w)
{
	while (!h2o_linklist_is_empty(&w->streams)) {
		struct sse *s = H2O_STRUCT_FROM_MEMBER(struct sse, link, list_pop(&w->streams));
		s->closing = true;
		sse_flush(s); /* in flight: proceed() ends it */
	}
}

/*
 * Answers a request whose handler has run (r is its result; error, if not
 * NULL, the message of a failure recorded on another thread) and releases
 * what the request held. On the request's event loop.
 */
static void respond(struct worker *w, h2o_req_t *req, const cu_route *rt, cu_req *rq, int r,
                    const char *error)
{
	/*
	 * Once the server is stopping, each connection ends with the answer it
	 * waits for: a client busy writing would otherwise keep a loop (which
	 * drains the pools' answers) alive with request after request.
	 */
	if (atomic_load(&stopping))
		req->http1_is_persistent = 0;
	if (r != 0)
		goto fail;
	if (rt->handler == h_upload_chunk)
		cu_obs_ingest(w->obs, rq->raw_len);
	if (rt->kind == CU_ROUTE_STREAM) {
		start_stream(w, req, rq);
		goto out;
	}
	if (rt->kind == CU_ROUTE_SSE) {
		start_sse(w, req, rq);
		goto out;
	}
	if (rt->handler == h_action_update)
		sse_kick(w);
	if (rq->set_cookie[0])
		add_header(req, "set-cookie", rq->set_cookie);
	if (rq->status == 204) {
		req->res.status = 204;
		req->res.reason = reason_of(204);
		h2o_send_inline(req, "", 0);
	} else if (rq->out) {
		/* Numbers as people write them: 15 significant digits, which every
		 * decimal of up to 15 digits comes back as (42.09, not
		 * 42.090000000000003; a threshold 0.76, not 0.76000000000000001). */
		char *text = json_dumps(rq->out, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
		if (text) {
			send_json(req, rq->status, text, strlen(text));
			free(text);
		} else {
			send_error(req, 500, "no_memory", "cannot serialise the answer");
		}
	} else if (rt->kind == CU_ROUTE_TEXT) {
		req->res.status = rq->status;
		req->res.reason = reason_of(rq->status);
		add_header(req, "content-type", rq->content_type ? rq->content_type :
		                                 "text/plain; charset=utf-8");
		add_header(req, "cache-control", rq->cache_control ? rq->cache_control : "no-store");
		req->res.content_length = rq->raw_out.len;
		h2o_send_inline(req, rq->raw_out.data ? rq->raw_out.data : "", rq->raw_out.len);
	} else {
		send_json(req, rq->status, rq->raw_out.data ? rq->raw_out.data : "{}",
		          rq->raw_out.data ? rq->raw_out.len : 2);
	}
	goto out;
fail:
	if (r == CU_ERANGE) {
		char cr[48];
		snprintf(cr, sizeof(cr), "bytes */%llu", (unsigned long long)rq->stream.total);
		add_header(req, "content-range", cr);
	}
	if (r == CU_EAUTH)
		h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_WWW_AUTHENTICATE, NULL,
		               H2O_STRLIT("Bearer"));
	if (r == CU_ELIMIT) {
		char ra[24];
		snprintf(ra, sizeof(ra), "%lld", (long long)(rq->retry_after > 0 ? rq->retry_after : 1));
		add_header(req, "retry-after", ra);
	}
	send_error(req, status_of(r), cu_errname(r), error ? error : cu_error_message(r));
out:
	json_decref(rq->body);
	json_decref(rq->out);
	cu_buf_free(&rq->raw_out);
	cu_blob_close(rq->stream.reader);
	if (rq->stream.has_fd)
		close(rq->stream.fd);
	cu_wipe(rq->set_cookie, sizeof(rq->set_cookie)); /* a login's holds the token */
}

/* ---- Work off the event loops --------------------------------------------- */

/*
 * The event loops answer reads, which never wait: SQLite in WAL mode lets a
 * reader go on while another connection writes. Everything that may wait
 * runs on pools of threads of its own, each thread with its own store
 * connection, while the loop that received the request goes on serving its
 * other connections:
 *  - the writer pool runs every request that writes (any method but GET and
 *    HEAD, and content downloads, which append their "accessed" custody
 *    event): a write may wait for the store's write lock and for an fsync,
 *    and a loop blocked there would stall every read it holds;
 *  - the bulk pool runs routes marked bulk (route.h), long work on many
 *    bytes, at a lower CPU priority so that a burst of uploads leaves the
 *    loops and the writers their share of the processors.
 * The answer comes back to the loop that received the request (h2o's
 * multithread queue) and is sent there. The request stays valid meanwhile:
 * h2o reads nothing more from a connection whose request is being
 * processed, and touches the request again only when it is answered.
 */
#define BULK_NICE 5

enum job_kind {
	JOB_HANDLER, /* run the route's handler, then answer on the loop */
	JOB_REFUSAL, /* record a refusal (the loop's handler said 403), then answer it */
	JOB_FAILED,  /* mark an item failing integrity (a download found it), then end
	              * the download */
	JOB_TOUCH    /* write a session's last use (rq.token_id); nobody waits
	              * (malloc'd, freed by the pool) */
};

struct job {
	h2o_multithread_message_t msg; /* first: messages lead back to their job */
	struct job *next;
	enum job_kind kind;
	struct worker *w;
	h2o_req_t *req;
	const cu_route *rt;
	cu_req rq;
	int64_t item;
	int r;
	char error[512];
};

struct pool {
	const char *name;
	int nice;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job *head, *tail;
	bool stop;
	int n;
	pthread_t tid[64];
	cu_core *core[64];
};

static struct pool bulk = {.name = "bulk", .nice = BULK_NICE,
                           .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
static struct pool writers = {.name = "writer", .nice = 0,
                              .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

struct pool_thread {
	struct pool *p;
	cu_core *core;
};

/*
 * Puts a refusal (403) of someone signed in on the record, in the audit trail;
 * the answer keeps the refusal's own message (j->error).
 */
static void record_refusal(cu_core *core, struct job *j)
{
	char what[160], target[512];
	snprintf(what, sizeof(what), "%s %s", j->rt->method, j->rt->path);
	snprintf(target, sizeof(target), "%.*s", (int)(j->req->path_normalized.len < 500 ?
	         j->req->path_normalized.len : 500), j->req->path_normalized.base);
	int ar = cu_audit_denied(core, &j->rq.actor, what, target, j->error);
	if (ar != 0)
		cu_log("error", "cannot record a refusal", json_pack("{s:s,s:s}", "route", what,
		                                                     "error", cu_error_message(ar)));
}

static void job_run(cu_core *core, struct job *j)
{
	j->rq.core = core;
	cu_error_clear();
	switch (j->kind) {
	case JOB_TOUCH:
		if ((j->r = cu_auth_touch(core, j->rq.token_id)) != 0)
			cu_log("error", "cannot record a session's use",
			       json_pack("{s:s}", "error", cu_error_message(j->r)));
		return;
	case JOB_FAILED:
		cu_evidence_mark_failed(core, j->item);
		return;
	case JOB_HANDLER:
		if ((j->r = j->rt->handler(&j->rq)) != 0)
			snprintf(j->error, sizeof(j->error), "%s", cu_error_message(j->r));
		if (j->r == CU_EDENIED && j->rq.actor.user_id > 0)
			record_refusal(core, j);
		return;
	case JOB_REFUSAL:
		record_refusal(core, j);
		return;
	}
}

static void *pool_run(void *arg)
{
	struct pool *p = ((struct pool_thread *)arg)->p;
	cu_core *core = ((struct pool_thread *)arg)->core;
	free(arg);
	/* Best effort: a sandbox may refuse it, and then bulk work competes evenly. */
	if (p->nice)
		(void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), p->nice);
	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (!p->head && !p->stop)
			pthread_cond_wait(&p->cv, &p->mu);
		struct job *j = p->head;
		if (j && !(p->head = j->next))
			p->tail = NULL;
		pthread_mutex_unlock(&p->mu);
		if (!j)
			break;
		job_run(core, j);
		if (j->kind == JOB_TOUCH)
			free(j);
		else
			h2o_multithread_send_message(&j->w->job_done, &j->msg);
	}
	/* The name normaliser's transliterators of this thread (entity imports, xref). */
	cu_match_thread_done();
	return NULL;
}

static void pool_push(struct pool *p, struct job *j)
{
	pthread_mutex_lock(&p->mu);
	if (p->tail)
		p->tail->next = j;
	else
		p->head = j;
	p->tail = j;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/*
 * Hands a request to a pool, to run its handler (JOB_HANDLER) or record its
 * refusal (JOB_REFUSAL, r and error its answer); false if the pool has no
 * threads (run it here).
 */
static bool pool_submit(struct pool *p, enum job_kind kind, struct worker *w, h2o_req_t *req,
                        const cu_route *rt, cu_req *rq, int r, const char *error)
{
	if (p->n == 0)
		return false;
	struct job *j = h2o_mem_alloc_pool(&req->pool, sizeof(*j));
	memset(j, 0, sizeof(*j));
	j->kind = kind;
	j->w = w;
	j->req = req;
	j->rt = rt;
	j->rq = *rq;
	j->r = r;
	if (error)
		snprintf(j->error, sizeof(j->error), "%s", error);
	w->jobs_pending++;
	pool_push(p, j);
	return true;
}

/*
 * Has a writer write a login session's last use; nobody waits. Without
 * memory or writers it is not written, and the session may end idle an
 * interval early.
 */
static void pool_touch(struct pool *p, const char *token_id)
{
	struct job *j = calloc(1, sizeof(*j));
	if (!j || p->n == 0) {
		free(j);
		return;
	}
	j->kind = JOB_TOUCH;
	snprintf(j->rq.token_id, sizeof(j->rq.token_id), "%s", token_id);
	pool_push(p, j);
}

/*
 * A download found its item failing integrity: a writer records it, then
 * the download ends in error, so that whoever saw it fail finds it marked.
 */
static void end_download_failed(struct worker *w, h2o_req_t *req, int64_t item)
{
	if (writers.n == 0) {
		h2o_send(req, NULL, 0, H2O_SEND_STATE_ERROR);
		return;
	}
	struct job *j = h2o_mem_alloc_pool(&req->pool, sizeof(*j));
	memset(j, 0, sizeof(*j));
	j->kind = JOB_FAILED;
	j->w = w;
	j->req = req;
	j->item = item;
	w->jobs_pending++;
	pool_push(&writers, j);
}

static void job_done(h2o_multithread_receiver_t *rcv, h2o_linklist_t *messages)
{
	struct worker *w = H2O_STRUCT_FROM_MEMBER(struct worker, job_done, rcv);
	while (!h2o_linklist_is_empty(messages)) {
		h2o_multithread_message_t *m = H2O_STRUCT_FROM_MEMBER(h2o_multithread_message_t, link,
		                                                      list_pop(messages));
		struct job *j = (struct job *)m;
		w->jobs_pending--;
		if (j->kind == JOB_FAILED)
			h2o_send(j->req, NULL, 0, H2O_SEND_STATE_ERROR);
		else
			respond(w, j->req, j->rt, &j->rq, j->r, j->r ? j->error : NULL);
	}
}

/*
 * "cu-loop-0", "cu-writer-1", ...: what top -H, ps -L, perf and gdb show for
 * each thread, so that an operator can tell which of them is busy. Linux
 * allows 15 bytes; a name that does not fit is cut.
 */
static void thread_name(pthread_t t, const char *what, int i)
{
	char name[16];
	if (i < 0)
		snprintf(name, sizeof(name), "cu-%s", what);
	else
		snprintf(name, sizeof(name), "cu-%s-%d", what, i);
	(void)pthread_setname_np(t, name);
}

static int pool_start(struct pool *p, int n, const cu_core_config *cc)
{
	int r;
	for (; p->n < n && p->n < 64; p->n++) {
		struct pool_thread *t = malloc(sizeof(*t));
		if (!t)
			return cu_error_set(CU_ENOMEM, "out of memory");
		t->p = p;
		if ((r = cu_core_open(&p->core[p->n], cc)) != 0) {
			free(t);
			return r;
		}
		t->core = p->core[p->n];
		if (pthread_create(&p->tid[p->n], NULL, pool_run, t) != 0) {
			free(t);
			cu_core_close(p->core[p->n]);
			return cu_error_set(CU_EIO, "cannot start a %s thread", p->name);
		}
		thread_name(p->tid[p->n], p->name, p->n);
	}
	return 0;
}

/* After the event loops: every job has been answered (run() waits for them). */
static void pool_stop(struct pool *p)
{
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	for (int i = 0; i < p->n; i++) {
		pthread_join(p->tid[i], NULL);
		cu_core_close(p->core[i]);
	}
	p->n = 0;
}

/* Whether a request may write, and so runs on the writer pool. */
static bool writes(h2o_req_t *req, const cu_route *rt)
{
	if (rt->kind == CU_ROUTE_STREAM)
		return true; /* the content's "accessed" event */
	return !h2o_memis(req->method.base, req->method.len, H2O_STRLIT("GET")) &&
	       !h2o_memis(req->method.base, req->method.len, H2O_STRLIT("HEAD"));
}

static int on_req(h2o_handler_t *self, h2o_req_t *req)
{
	struct worker *w = (struct worker *)req->conn->ctx;
	const char *params[CU_MAX_PARAMS] = {0};
	bool bad_method = false;
	int r = 0;
	struct reqinfo *ri = reqinfo_of(req, true);

	/*
	 * Route on the path as sent, not h2o's normalised one: that one is
	 * already percent-decoded, so "2026%2F0001" would split into two
	 * segments. Each parameter is decoded once, below.
	 */
	size_t plen = req->query_at != SIZE_MAX ? req->query_at : req->path.len;
	char *path = h2o_mem_alloc_pool(&req->pool, plen + 1);
	memcpy(path, req->path.base, plen);
	path[plen] = '\0';
	/* HEAD is GET without the body (h2o leaves the body out). */
	bool head = h2o_memis(req->method.base, req->method.len, H2O_STRLIT("HEAD"));
	char allow[64] = "";
	const cu_route *rt = cu_route_match(head ? "GET" : req->method.base,
	                                    head ? 3 : req->method.len, path, params, &bad_method,
	                                    allow, sizeof(allow));
	if (!rt && (head || h2o_memis(req->method.base, req->method.len, H2O_STRLIT("GET")))) {
		const cu_asset *a = asset_find(path);
		if (a) {
			ri->route = CU_OBS_ROUTE_WEB;
			send_asset(req, a);
			return 0;
		}
	}
	if (!rt) {
		if (bad_method) {
			add_header(req, "allow", allow);
			send_error(req, 405, "method_not_allowed", "this path does not accept that method");
		} else {
			send_error(req, 404, "not_found", "no such route");
		}
		return 0;
	}

	ri->route = (int)(rt - cu_routes);
	/* A parameter the route does not take is a mistake (a misspelt filter
	 * would otherwise answer everything): say so, with what it takes. */
	const char *qn;
	size_t qnl;
	if (req->query_at != SIZE_MAX &&
	    cu_http_query_unknown(&qn, &qnl, req->path.base + req->query_at + 1,
	                          req->path.len - req->query_at - 1, rt->query)) {
		char name[64], takes[256] = "none", msg[512];
		bool shown = qnl < sizeof(name) && cu_http_pct_decode(name, qn, qnl, true);
		for (size_t i = 0, k = 0; rt->query && rt->query[i] && k + 3 < sizeof(takes); i++) {
			if (rt->query[i] == ' ')
				takes[k++] = ',';
			takes[k++] = rt->query[i];
			takes[k] = '\0';
		}
		snprintf(msg, sizeof(msg), "unknown query parameter%s%s%s: %s %s takes %s",
		         shown ? " \"" : "", shown ? name : "", shown ? "\"" : "", rt->method, rt->path,
		         takes);
		send_error(req, 400, "invalid", msg);
		return 0;
	}
	if (req->query_at != SIZE_MAX &&
	    cu_http_query_repeated(&qn, &qnl, req->path.base + req->query_at + 1,
	                           req->path.len - req->query_at - 1, rt->query)) {
		char msg[128];
		snprintf(msg, sizeof(msg), "query parameter \"%.*s\" is given more than once",
		         (int)qnl, qn);
		send_error(req, 400, "invalid", msg);
		return 0;
	}
	cu_req rq = {.core = w->core, .route = rt, .impl = req};
	cu_buf_init(&rq.raw_out, 0);
	peer_name(rq.peer, sizeof(rq.peer), req);
	for (int i = 0; i < CU_MAX_PARAMS; i++) {
		if (!params[i])
			break;
		if (!(rq.params[i] = decode(&req->pool, params[i], strlen(params[i]), false))) {
			send_error(req, 400, "invalid", "a path segment is not valid percent-encoded "
			           "UTF-8");
			return 0;
		}
	}
	cu_error_clear();
	bool public_metrics = rt->handler == h_metrics && cu_obs_metrics_public();
	if ((rt->auth && !public_metrics) || (log_auth && !strcmp(rt->tag, "ledger"))) {
		if ((r = authenticate(&rq, req)) != 0)
			goto fail;
		if (rq.actor.touch_due)
			pool_touch(&writers, rq.token_id);
		snprintf(ri->user, sizeof(ri->user), "%s", rq.actor.username);
		snprintf(ri->org, sizeof(ri->org), "%s", rq.actor.org);
	}
	if (rt->kind == CU_ROUTE_RAW) {
		rq.raw = req->entity.base ? req->entity.base : "";
		rq.raw_len = req->entity.base ? req->entity.len : 0;
	} else if (req->entity.base && req->entity.len > max_json_body) {
		/* h2o's limit is the upload chunk's; JSON bodies have their own. */
		send_error(req, 413, "too_large", "the request body is larger than the configured "
		           "limit");
		return 0;
	}
	if (rt->body) {
		if (req->entity.base && req->entity.len > 0) {
			if (!is_json_type(req)) {
				send_error(req, 415, "unsupported_media_type",
				           "the request body must be application/json");
				return 0;
			}
			if ((r = cu_json_parse_object(&rq.body, req->entity.base, req->entity.len)) != 0)
				goto fail;
		} else {
			rq.body = json_object();
		}
	}
	rq.status = rt->status;
	if (rt->bulk ? pool_submit(&bulk, JOB_HANDLER, w, req, rt, &rq, 0, NULL) :
	    writes(req, rt) && pool_submit(&writers, JOB_HANDLER, w, req, rt, &rq, 0, NULL))
		return 0; /* answered by job_done, on this thread */
	r = rt->handler(&rq);
	/*
	 * A read that turned out to need a write (a view under a grant is on the
	 * record; statistics sign the checkpoint they count up to) tried it on
	 * this loop's connection, which refused before anything was written:
	 * the handler runs again from the start, on a writer, whatever it
	 * answered here (one that went on without its write must not lose it).
	 */
	if (cu_core_write_refused(w->core)) {
		json_decref(rq.out);
		rq.out = NULL;
		cu_buf_free(&rq.raw_out);
		cu_buf_init(&rq.raw_out, 0);
		rq.status = rt->status;
		if (pool_submit(&writers, JOB_HANDLER, w, req, rt, &rq, 0, NULL))
			return 0;
	}
	/* A refusal is recorded before it is answered, by a writer: the loop only reads. */
	if (r == CU_EDENIED && rq.actor.user_id > 0 &&
	    pool_submit(&writers, JOB_REFUSAL, w, req, rt, &rq, r, cu_error_message(r)))
		return 0;
fail:
	respond(w, req, rt, &rq, r, NULL);
	return 0;
}

/*
 * h2o answers some requests itself before any handler runs (a body over the
 * limit: 413; a malformed request line or chunked encoding: 400), through
 * its fallback path, in text/plain. This filter gives those answers the same
 * JSON error shape as every other.
 */
struct error_ostream {
	h2o_ostream_t super;
	h2o_iovec_t body;
	bool sent;
};

static void error_send(h2o_ostream_t *self, h2o_req_t *req, h2o_iovec_t *bufs, size_t bufcnt,
                       h2o_send_state_t state)
{
	struct error_ostream *os = (struct error_ostream *)self;
	bool first = !os->sent;
	os->sent = true; /* only the first chunk carries the body */
	h2o_ostream_send_next(self, req, first ? &os->body : NULL, first ? 1 : 0, state);
}

static void on_setup_ostream(h2o_filter_t *self, h2o_req_t *req, h2o_ostream_t **slot)
{
	reqinfo_of(req, true); /* h2o's own answers carry a request id too */
	if (req->res.status >= 400) {
		const char *code = req->res.status == 413 ? "too_large" :
		                   req->res.status == 400 ? "invalid" : "http_error";
		const char *msg = req->res.status == 413 ?
		                  "the request body is larger than the configured limit" :
		                  req->res.status == 400 ? "malformed HTTP request" : req->res.reason;
		struct error_ostream *os = (void *)h2o_add_ostream(req, sizeof(*os), slot);
		char *body = h2o_mem_alloc_pool(&req->pool, 256);
		int n = snprintf(body, 256, "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}",
		                 code, msg);
		os->body = h2o_iovec_init(body, n > 0 && n < 256 ? (size_t)n : 0);
		os->super.do_send = error_send;
		os->sent = false;
		h2o_set_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE,
		               H2O_STRLIT("application/json; charset=utf-8"), 1);
		req->res.content_length = os->body.len;
		slot = &os->super.next;
	}
	h2o_setup_next_ostream(req, slot);
}

/*
 * The request log and the request metrics: h2o calls this once per request
 * as it disposes of it, on the request's thread, whoever answered it (a
 * handler, a stream that ended, h2o itself). Never the path, the query, a
 * header's or a body's content: the route's template and the figures.
 */
static void log_access(h2o_logger_t *self, h2o_req_t *req)
{
	struct worker *w = (struct worker *)req->conn->ctx;
	struct reqinfo *ri = reqinfo_of(req, false);
	/*
	 * h2o's begin is the loop's clock when the request line arrived (body
	 * included from there); its end would be the same cached clock for an
	 * answer made within one turn of the loop, so the end is read now.
	 */
	struct timeval begin = req->timestamps.request_begin_at, end;
	char method[17];
	(void)self;
	if (h2o_timeval_is_null(&begin))
		begin = req->processed_at.at;
	gettimeofday(&end, NULL);
	int64_t us = ((int64_t)end.tv_sec - begin.tv_sec) * 1000000 + (end.tv_usec - begin.tv_usec);
	if (us < 0)
		us = 0;
	method_of(req, method);
	cu_obs_request(w->obs, ri->route, method, strlen(method), req->res.status, (uint64_t)us);
	json_t *f = json_pack("{s:s,s:s,s:s,s:i,s:f,s:I}", "request_id", ri->id, "method", method,
	                      "route", cu_obs_route_name(ri->route), "status", req->res.status,
	                      "duration_ms", (double)us / 1000.0, "bytes",
	                      (json_int_t)req->bytes_sent);
	if (f && ri->user[0]) {
		json_object_set_new(f, "user", json_string(ri->user));
		json_object_set_new(f, "org", json_string(ri->org));
	}
	cu_log("info", "request", f);
}

static void on_accept(h2o_socket_t *listener, const char *err)
{
	struct worker *w = listener->data;
	h2o_socket_t *sock;
	if (err)
		return;
	if ((sock = h2o_evloop_socket_accept(listener)) == NULL)
		return;
	h2o_accept(&w->accept_ctx, sock);
}

/*
 * Shutdown. SIGTERM stops the accepting at once; what is in flight (an
 * evidence download of gigabytes, an upload) then has up to the grace
 * period to finish, connection by connection, before the loop ends and the
 * process with it: systemd's own stop timeout (90 s by default) must be
 * longer. CUSTODIA_SHUTDOWN_GRACE (seconds, 0-3600; the configuration key
 * shutdown_grace and serve --shutdown-grace put it there, checked) sets it.
 */
#define SHUTDOWN_GRACE_S 30
#define SHUTDOWN_GRACE_MAX_S 3600
#define DRAIN_STEP_MS 50
#define DRAIN_IDLE_MS 1000

static uint64_t grace_ms(void)
{
	const char *v = getenv("CUSTODIA_SHUTDOWN_GRACE");
	char *end;
	long s = v && *v ? strtol(v, &end, 10) : -1;
	if (s < 0 || s > SHUTDOWN_GRACE_MAX_S || *end)
		s = SHUTDOWN_GRACE_S;
	return (uint64_t)s * 1000;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * The connections the loop still serves, and of those the ones waiting for
 * a request (idle between requests, or a request still arriving): h2o 2.2
 * keeps each protocol's connections in its context and arms the HTTP/1
 * request timeout exactly while a connection reads a request, and offers no
 * count of either: the lists are walked (a few entries at most).
 */
static size_t list_len(const h2o_linklist_t *anchor)
{
	size_t n = 0;
	for (const h2o_linklist_t *l = anchor->next; l != anchor; l = l->next)
		n++;
	return n;
}

static size_t open_conns(struct worker *w)
{
	return list_len(&w->ctx.http1._conns) + list_len(&w->ctx.http2._conns);
}

static size_t waiting_conns(struct worker *w)
{
	return list_len(&w->ctx.http1.req_timeout._entries);
}

/*
 * After request_shutdown each connection closes once its response is out
 * (HTTP/1 drops keep-alive, HTTP/2 sends GOAWAY). First the loop runs while
 * any response is being made or sent (a download of gigabytes), a request
 * still arriving keeping its usual timeout meanwhile. Then the connections
 * left wait for a request: h2o 2.2 would keep an idle keep-alive one (a
 * browser's) open for its whole request timeout, 10 s, so that timeout is
 * cut to DRAIN_IDLE_MS; a request that does come in is still answered. At
 * the end of the grace whatever is open is cut off when the process exits:
 * logged, so that a client's "transfer closed" can be matched here.
 */
static void drain(struct worker *w)
{
	uint64_t grace = grace_ms(), start = mono_ms();
	size_t open = open_conns(w);
	while (open > waiting_conns(w) && mono_ms() - start < grace) {
		h2o_evloop_run(w->loop, DRAIN_STEP_MS);
		open = open_conns(w);
	}
	if (w->ctx.http1.req_timeout.timeout > DRAIN_IDLE_MS)
		w->ctx.http1.req_timeout.timeout = DRAIN_IDLE_MS;
	while (open > 0 && mono_ms() - start < grace) {
		h2o_evloop_run(w->loop, DRAIN_STEP_MS);
		open = open_conns(w);
	}
	if (open > 0)
		cu_log("warn", "shutdown: the grace period ended, connections cut off",
		       json_pack("{s:I, s:I, s:I, s:f}", "connections", (json_int_t)open,
		                 "waiting_for_a_request", (json_int_t)waiting_conns(w), "grace_s",
		                 (json_int_t)(grace / 1000), "waited_s",
		                 (double)(mono_ms() - start) / 1000.0));
}

/* The loops' setup, each on its own thread: main waits for all before "ready". */
static pthread_mutex_t setup_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t setup_cv = PTHREAD_COND_INITIALIZER;
static int setup_done;

/*
 * An event loop's thread. Its h2o objects are made here, not by the main
 * thread: h2o keeps per-thread free lists of socket buffers, and a socket
 * records those of the thread that created it. The context's message queue
 * (a pipe socket, read whenever a pool answers) made on the main thread had
 * every loop recycling its buffers through the main thread's list at once:
 * the heap corruption that crashed bench/soak after 1 to 10 minutes.
 */
static void *run(void *arg)
{
	struct worker *w = arg;
	w->loop = h2o_evloop_create();
	h2o_context_init(&w->ctx, w->loop, &config);
	w->accept_ctx.ctx = &w->ctx;
	w->accept_ctx.hosts = config.hosts;
	w->listener = h2o_evloop_socket_create(w->loop, w->fd, H2O_SOCKET_FLAG_DONT_READ);
	w->listener->data = w;
	h2o_timeout_init(w->loop, &w->sse_poll, SSE_POLL_MS);
	h2o_linklist_init_anchor(&w->streams);
	h2o_multithread_register_receiver(w->ctx.queue, &w->job_done, job_done);
	h2o_socket_read_start(w->listener, on_accept);
	pthread_mutex_lock(&setup_mu);
	setup_done++;
	pthread_cond_broadcast(&setup_cv);
	pthread_mutex_unlock(&setup_mu);

	while (!atomic_load(&stopping))
		h2o_evloop_run(w->loop, 100);
	/*
	 * Stop accepting, then answer what the pools still work on (an upload's
	 * last fsync, say): each of those connections closes after its answer
	 * (respond). Then ask the others to close and let queued answers go out.
	 */
	h2o_socket_read_stop(w->listener);
	h2o_socket_close(w->listener);
	while (w->jobs_pending > 0)
		h2o_evloop_run(w->loop, 50);
	sse_close_all(w);
	h2o_context_request_shutdown(&w->ctx);
	drain(w);
	for (int i = 0; i < 5; i++)
		h2o_evloop_run(w->loop, 50);
	h2o_multithread_unregister_receiver(w->ctx.queue, &w->job_done);
	cu_match_thread_done(); /* (search queries normalise their words) */
	return NULL;
}

/*
 * The sequencer: signs a checkpoint at least once a second while there are
 * new entries (the entries themselves are appended by the writers, each in
 * its own transaction, in the one order the store's write lock gives). Of
 * several nodes over one PostgreSQL, one signs: the one whose sequencer holds
 * the store's sequencer claim (a session advisory lock, released by the
 * server when the holder's connection ends, so another takes over within a
 * second of its death). Two nodes signing the same size would sign the same
 * bytes anyway (Ed25519 is deterministic and the size fixes the root).
 */
struct sequencer {
	cu_core *core;
	pthread_t tid;
};

static void *sequence(void *arg)
{
	struct sequencer *s = arg;
	bool was = false;
	while (!atomic_load(&stopping)) {
		json_t *cp = NULL;
		bool mine = false;
		int r = cu_store_sequencer_claim(cu_core_store(s->core), &mine);
		if (r == 0 && mine != was && cu_store_is_pg(cu_core_store(s->core)))
			cu_log("info", mine ? "sequencer role taken" : "sequencer role lost",
			       json_pack("{s:b}", "sequencer", mine));
		was = r == 0 && mine;
		if (r == 0 && mine)
			r = cu_ledger_checkpoint(s->core, &cp, false);
		if (r)
			cu_log("error", "checkpoint failed", json_pack("{s:s,s:s}", "code", cu_errname(r),
			                                               "error", cu_error_message(r)));
		else
			cu_obs_sequencer_ok();
		json_decref(cp);
		for (int i = 0; i < 10 && !atomic_load(&stopping); i++)
			usleep(100 * 1000);
	}
	return NULL;
}

static int parse_listen(struct sockaddr_storage *ss, socklen_t *len, const char *listen)
{
	char host[256];
	const char *colon = strrchr(listen, ':');
	if (!colon || colon == listen || (size_t)(colon - listen) >= sizeof(host))
		return cu_error_set(CU_EINVALID, "--listen must be ADDRESS:PORT (got \"%s\")", listen);
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
	                         .ai_socktype = SOCK_STREAM}, *res;
	if (getaddrinfo(host, colon + 1, &hints, &res) != 0)
		return cu_error_set(CU_EINVALID, "--listen: \"%s\" is not a numeric address and port",
		                    listen);
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static int open_listener(int *out, struct sockaddr_storage *ss, socklen_t len)
{
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0), on = 1;
	if (fd < 0)
		return cu_error_set(CU_EIO, "socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	if (bind(fd, (struct sockaddr *)ss, len) != 0 || listen(fd, SOMAXCONN) != 0) {
		int e = errno;
		close(fd);
		return cu_error_set(CU_EIO, "cannot listen: %s", strerror(e));
	}
	*out = fd;
	return 0;
}

/*
 * The workers' sockets share the port (SO_REUSEPORT), which would let a
 * second process bind it too and take half the connections (a restore
 * drill's copy started on the live port, its writes then lost with it).
 * A plain bind first, closed at once, fails while anyone listens there.
 */
static int port_free(struct sockaddr_storage *ss, socklen_t len, const char *listen)
{
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0), on = 1;
	if (fd < 0)
		return cu_error_set(CU_EIO, "socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)); /* TIME_WAIT is no owner */
	int r = bind(fd, (struct sockaddr *)ss, len) == 0 ? 0 : errno;
	close(fd);
	if (r == EADDRINUSE)
		return cu_error_set(CU_ECONFLICT, "%s is in use by another process (another custodia "
		                    "serve?): stop it, or listen elsewhere", listen);
	return r ? cu_error_set(CU_EIO, "cannot listen on %s: %s", listen, strerror(r)) : 0;
}

/*
 * One server per data directory: a second would sweep the first one's
 * uploads in progress as leftovers and split the writes. The lock is held
 * (the descriptor kept open) for the life of the process.
 */
static int serve_lock(const char *datadir)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/serve.lock", datadir);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return cu_error_set(CU_EIO, "cannot open %s: %s", path, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;
		char pid[32] = "";
		ssize_t k = pread(fd, pid, sizeof(pid) - 1, 0);
		pid[k > 0 ? k : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		close(fd);
		if (e == EWOULDBLOCK)
			return cu_error_set(CU_ECONFLICT, "another custodia serve%s%s%s already serves %s: "
			                    "one server per data directory", pid[0] ? " (pid " : "",
			                    pid, pid[0] ? ")" : "", datadir);
		return cu_error_set(CU_EIO, "cannot lock %s: %s", path, strerror(e));
	}
	char line[32];
	int n = snprintf(line, sizeof(line), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, line, (size_t)n, 0) != n)
		cu_error_clear(); /* the pid is a courtesy to whoever is refused */
	return 0; /* fd stays open: the lock lives as long as the process */
}

static bool is_loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr) >> 24) == 127;
	if (ss->ss_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)ss)->sin6_addr);
	return false;
}

static int write_ready(const char *path, const char *url)
{
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return cu_error_set(CU_EIO, "cannot write %s: %s", tmp, strerror(errno));
	fprintf(f, "%s\n", url);
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		return cu_error_set(CU_EIO, "cannot write %s: %s", path, strerror(errno));
	return 0;
}

int cu_http_serve(const cu_server_config *cfg)
{
	/* Before any thread: libcurl for forwarding (nodes.h), if it is there;
	 * a node without it serves all but forwarded requests. */
	if (cu_curl_load() != 0)
		cu_error_clear();
	struct sockaddr_storage ss;
	socklen_t sslen;
	sigset_t sigs;
	struct worker *ws = NULL;
	int n = cfg->threads > 0 ? cfg->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
	int r, started = 0;

	if (n < 1)
		n = 1;
	if (n > 64)
		n = 64;
	cu_log_format lf = CU_LOG_JSON;
	if (cfg->log_format && (r = cu_log_format_parse(&lf, cfg->log_format)) != 0)
		return r;
	cu_log_set_format(lf);
	if ((r = parse_listen(&ss, &sslen, cfg->listen ? cfg->listen : "127.0.0.1:8080")) != 0)
		return r;
	bool any_port = (ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
	                                          : ((struct sockaddr_in6 *)&ss)->sin6_port) == 0;
	if ((r = serve_lock(cfg->datadir)) != 0 ||
	    (!any_port && (r = port_free(&ss, sslen, cfg->listen ? cfg->listen : "127.0.0.1:8080"))))
		return r;

	/* Only this thread takes the signals: workers inherit the mask. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	h2o_config_init(&config);
	cu_http_set_max_upload(cfg->max_upload);
	log_auth = cfg->log_auth;
	max_json_body = cfg->max_body ? cfg->max_body : (1 << 20);
	/* h2o reads whole bodies: its limit is the largest upload chunk. */
	config.max_request_entity_size = max_json_body > CU_UPLOAD_CHUNK_MAX ? max_json_body :
	                                 CU_UPLOAD_CHUNK_MAX;
	h2o_hostconf_t *host = h2o_config_register_host(&config,
	                                                h2o_iovec_init(H2O_STRLIT("default")), 65535);
	h2o_pathconf_t *pc = h2o_config_register_path(host, "/", 0);
	h2o_handler_t *h = h2o_create_handler(pc, sizeof(*h));
	h->on_req = on_req;
	h2o_filter_t *flt = h2o_create_filter(&host->fallback_path, sizeof(*flt));
	flt->on_setup_ostream = on_setup_ostream;
	/* Every request is logged and counted, h2o's own answers included. */
	h2o_logger_t *lg = h2o_create_logger(pc, sizeof(*lg));
	lg->log_access = log_access;
	lg = h2o_create_logger(&host->fallback_path, sizeof(*lg));
	lg->log_access = log_access;

	if (!(ws = calloc((size_t)n, sizeof(*ws))))
		return cu_error_set(CU_ENOMEM, "out of memory");
	if ((r = cu_obs_init(n, cfg->metrics_public)) != 0) {
		free(ws);
		return r;
	}
	cu_core_config cc = {.datadir = cfg->datadir, .session_ttl = cfg->session_ttl,
	                     .login_limit_account = cfg->login_limit_account,
	                     .login_limit_address = cfg->login_limit_address,
	                     .login_window = cfg->login_window,
	                     .session_idle = cfg->session_idle};
	for (int i = 0; i < n; i++) {
		ws[i].fd = -1;
		ws[i].obs = cu_obs_shard_at(i);
		if ((r = cu_core_open(&ws[i].core, &cc)) != 0)
			goto out;
		if ((r = open_listener(&ws[i].fd, &ss, sslen)) != 0)
			goto out;
		if (i == 0) {
			/* Nobody ingests yet: leftovers of a crash can go. */
			int removed = 0;
			if ((r = cu_evidence_sweep(ws[0].core, &removed)) != 0)
				goto out;
			if (removed && !cfg->quiet)
				printf("custodia: removed %d unfinished or orphaned blob file(s)\n", removed);
			/* Port 0: the others must bind the port the first one got. */
			sslen = sizeof(ss);
			getsockname(ws[0].fd, (struct sockaddr *)&ss, &sslen);
		}
	}

	char addr[INET6_ADDRSTRLEN + 8] = "?", url[300];
	int port;
	if (ss.ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, addr, sizeof(addr));
		port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
		snprintf(url, sizeof(url), "http://[%s]:%d", addr, port);
	} else {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, addr, sizeof(addr));
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		snprintf(url, sizeof(url), "http://%s:%d", addr, port);
	}

	if ((r = pool_start(&bulk, n < 2 ? 2 : n, &cc)) != 0 ||
	    (r = pool_start(&writers, n < 2 ? 2 : n, &cc)) != 0)
		goto out;
	/* Where other nodes send what this one holds (uploads, bundles). */
	bool wildcard = !strcmp(addr, "0.0.0.0") || !strcmp(addr, "::");
	const char *advertise = cfg->advertise ? cfg->advertise : wildcard ? NULL : url;
	if ((r = cu_node_register(ws[0].core, cfg->datadir, advertise)) != 0)
		goto out;
	/* From here the loops only read (the pools write): a write there is a bug. */
	for (int i = 0; i < n; i++)
		if ((r = cu_core_refuse_writes(ws[i].core)) != 0)
			goto out;
	/*
	 * Entries written while no server ran (the CLI, `demo --no-serve`) are
	 * covered by a checkpoint before the server says it is ready, so that
	 * /log/checkpoint never answers "none yet" for a log that has entries.
	 */
	struct sequencer seq = {0};
	json_t *first = NULL;
	if ((r = cu_core_open(&seq.core, &cc)) != 0 ||
	    (r = cu_ledger_checkpoint(seq.core, &first, false)) != 0 ||
	    pthread_create(&seq.tid, NULL, sequence, &seq) != 0) {
		json_decref(first);
		r = r ? r : cu_error_set(CU_EIO, "cannot start the sequencer");
		cu_core_close(seq.core);
		goto out;
	}
	json_decref(first);
	thread_name(seq.tid, "sequencer", -1);
	cu_obs_sequencer_ok();
	for (; started < n; started++)
		if (pthread_create(&ws[started].tid, NULL, run, &ws[started]) != 0) {
			r = cu_error_set(CU_EIO, "cannot start a server thread");
			atomic_store(&stopping, 1);
			break;
		} else {
			thread_name(ws[started].tid, "loop", started);
		}
	pthread_mutex_lock(&setup_mu);
	while (setup_done < started)
		pthread_cond_wait(&setup_cv, &setup_mu);
	pthread_mutex_unlock(&setup_mu);
	if (r == 0) {
		if (!cfg->quiet) {
			printf("custodia: serving %s on %s (%d threads)%s\n", cfg->datadir, url, n,
			       is_loopback(&ss) ? " - loopback only" : "");
			fflush(stdout);
		}
		if (cfg->ready_file && (r = write_ready(cfg->ready_file, url)) != 0)
			atomic_store(&stopping, 1);
		int sig;
		while (r == 0 && !atomic_load(&stopping)) {
			if (sigwait(&sigs, &sig) == 0)
				atomic_store(&stopping, 1);
		}
	}
	for (int i = 0; i < started; i++)
		pthread_join(ws[i].tid, NULL);
	pool_stop(&bulk);
	pool_stop(&writers);
	pthread_join(seq.tid, NULL);
	cu_core_close(seq.core);
	if (!cfg->quiet && r == 0) {
		printf("custodia: stopped\n");
		fflush(stdout);
	}
out:
	pool_stop(&bulk); /* if the loops never ran */
	pool_stop(&writers);
	for (int i = 0; i < n; i++) {
		cu_core_close(ws[i].core);
		if (!ws[i].listener && ws[i].fd >= 0)
			close(ws[i].fd);
	}
	free(ws);
	cu_obs_free();
	return r;
}
