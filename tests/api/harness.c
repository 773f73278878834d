/* SPDX-License-Identifier: Apache-2.0 */
/* api tests: the harness that runs a custodia server with the demo data and talks HTTP to it. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "harness.h"

api_server api_srv;

int64_t api_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* ---- the server process ---------------------------------------------- */

static const char *bin(void)
{
	const char *b = getenv("CU_BIN");
	if (!b || !*b)
		fprintf(stderr, "harness: CU_BIN is not set (run the tests through ctest)\n");
	return b && *b ? b : NULL;
}

/* fork + exec argv with stdin from /dev/null, stdout appended to log and stderr to err. */
static pid_t spawn(const char *log, const char *err, char *const argv[])
{
	fflush(stdout);
	fflush(stderr);
	pid_t parent = getpid(), pid = fork();
	if (pid != 0)
		return pid;
	/* If the test program dies (a crash, a ctest timeout), its server goes too. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(125);
	int in = open("/dev/null", O_RDONLY);
	int out = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
	int eout = open(err, O_WRONLY | O_CREAT | O_APPEND, 0600);
	if (in < 0 || out < 0 || eout < 0)
		_exit(126);
	dup2(in, 0);
	dup2(out, 1);
	dup2(eout, 2);
	close(in);
	close(out);
	close(eout);
	execv(argv[0], argv);
	_exit(127);
}

static void dump_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	if (!f)
		return;
	/* The log is short unless something went very wrong: print its end. */
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fseek(f, size > 8192 ? size - 8192 : 0, SEEK_SET);
	fprintf(stderr, "---- %s ----\n", path);
	while (fgets(line, sizeof(line), f))
		fputs(line, stderr);
	fprintf(stderr, "---- end of %s ----\n", path);
	fclose(f);
}

void api_server_dump_log(const api_server *s)
{
	dump_file(s->log);
	dump_file(s->err);
}

char *api_server_stderr(const api_server *s)
{
	FILE *f = fopen(s->err, "r");
	char *text = NULL;
	size_t n = 0;
	if (f) {
		fseek(f, 0, SEEK_END);
		long size = ftell(f);
		fseek(f, 0, SEEK_SET);
		if (size >= 0 && (text = malloc((size_t)size + 1)) != NULL)
			n = fread(text, 1, (size_t)size, f);
		fclose(f);
	}
	if (!text)
		text = malloc(1);
	if (text)
		text[n] = '\0';
	return text;
}

int api_server_prepare(api_server *s)
{
	const char *b = bin();
	int st;
	memset(s, 0, sizeof(*s));
	if (!b)
		return -1;
	snprintf(s->root, sizeof(s->root), "/tmp/cu-api-XXXXXX");
	if (!mkdtemp(s->root)) {
		fprintf(stderr, "harness: mkdtemp: %s\n", strerror(errno));
		return -1;
	}
	snprintf(s->data, sizeof(s->data), "%s/data", s->root);
	snprintf(s->ready, sizeof(s->ready), "%s/url", s->root);
	snprintf(s->log, sizeof(s->log), "%s/server.log", s->root);
	snprintf(s->err, sizeof(s->err), "%s/server.err", s->root);
	char *argv[] = {(char *)b, "demo", "--data", s->data, "--no-serve", NULL};
	pid_t pid = spawn(s->log, s->log, argv);
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "harness: custodia demo --no-serve failed (status %d)\n", st);
		api_server_dump_log(s);
		return -1;
	}
	return 0;
}

int api_server_start(api_server *s)
{
	return api_server_spawn(s) == 0 ? api_server_wait_ready(s) : -1;
}

int api_server_spawn(api_server *s)
{
	const char *b = bin();
	if (!b)
		return -1;
	unlink(s->ready);
	s->url[0] = '\0';
	/* No extraction workers: OCR in the background would make the API tests
	 * slow and their timing noisy (tests/cli/test_search.sh runs the jobs). */
	char *argv[32] = {(char *)b, "serve", "--data", s->data, "--listen", "127.0.0.1:0",
	                  "--threads", "2", "--workers", "0", "--ready-file", s->ready};
	int argc = 12;
	for (size_t i = 0; i < sizeof(s->extra) / sizeof(s->extra[0]) && s->extra[i]; i++)
		argv[argc++] = (char *)s->extra[i];
	argv[argc] = NULL;
	if ((s->pid = spawn(s->log, s->err, argv)) < 0) {
		s->pid = 0;
		return -1;
	}
	return 0;
}

int api_server_wait_ready(api_server *s)
{
	int st;
	for (int64_t deadline = api_now_ms() + 10000; api_now_ms() < deadline; sleep_ms(10)) {
		if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
			fprintf(stderr, "harness: the server ended before it was ready (status %d)\n",
			        st);
			s->pid = 0;
			api_server_dump_log(s);
			return -1;
		}
		FILE *f = fopen(s->ready, "r");
		if (!f)
			continue;
		char *ok = fgets(s->url, sizeof(s->url), f);
		fclose(f);
		if (!ok)
			continue;
		s->url[strcspn(s->url, "\r\n")] = '\0';
		if (strncmp(s->url, "http://", 7) == 0)
			return 0;
	}
	fprintf(stderr, "harness: the server did not write %s within 10 s\n", s->ready);
	kill(s->pid, SIGKILL);
	waitpid(s->pid, &st, 0);
	s->pid = 0;
	api_server_dump_log(s);
	return -1;
}

int api_server_stop(api_server *s, int sig, int *status)
{
	*status = -1;
	if (s->pid <= 0)
		return -1;
	api_thread_done(); /* no keep-alive connection of ours holds the server up */
	kill(s->pid, sig);
	for (int64_t deadline = api_now_ms() + 10000; api_now_ms() < deadline; sleep_ms(5)) {
		pid_t p = waitpid(s->pid, status, WNOHANG);
		if (p == s->pid) {
			s->pid = 0;
			return 0;
		}
		if (p < 0 && errno != EINTR)
			break;
	}
	fprintf(stderr, "harness: the server did not stop within 10 s of signal %d\n", sig);
	kill(s->pid, SIGKILL);
	waitpid(s->pid, status, 0);
	s->pid = 0;
	api_server_dump_log(s);
	return -1;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void api_server_destroy(api_server *s)
{
	int st;
	if (s->pid > 0) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, &st, 0);
		s->pid = 0;
	}
	if (s->root[0] && !getenv("CU_API_KEEP"))
		nftw(s->root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	s->root[0] = '\0';
}

int api_group_setup(void **state)
{
	(void)state;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -1;
	if (api_server_prepare(&api_srv) != 0 || api_server_start(&api_srv) != 0) {
		api_server_destroy(&api_srv);
		return -1;
	}
	return 0;
}

int api_group_teardown(void **state)
{
	(void)state;
	int st, r = 0;
	if (api_srv.pid > 0) {
		if (api_server_stop(&api_srv, SIGTERM, &st) != 0 || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != 0) {
			fprintf(stderr, "harness: SIGTERM did not end the server with status 0 "
			        "(exited %d, status %d, signal %d)\n", WIFEXITED(st),
			        WIFEXITED(st) ? WEXITSTATUS(st) : -1,
			        WIFSIGNALED(st) ? WTERMSIG(st) : 0);
			api_server_dump_log(&api_srv);
			r = -1;
		}
	}
	api_thread_done();
	api_server_destroy(&api_srv);
	curl_global_cleanup();
	return r;
}

/* ---- HTTP ------------------------------------------------------------- */

static _Thread_local CURL *tl_curl;

void api_thread_done(void)
{
	if (tl_curl) {
		curl_easy_cleanup(tl_curl);
		tl_curl = NULL;
	}
}

void api_resp_free(api_resp *r)
{
	if (!r)
		return;
	free(r->body);
	json_decref(r->json);
	memset(r, 0, sizeof(*r));
}

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	api_resp *r = arg;
	size_t add = size * n;
	if (r->len + add > ((size_t)64 << 20))
		return 0;
	char *nb = realloc(r->body, r->len + add + 1);
	if (!nb)
		return 0;
	memcpy(nb + r->len, p, add);
	r->body = nb;
	r->len += add;
	r->body[r->len] = '\0';
	return add;
}

/* Copies the value of header `name` from line into out when it matches. */
static void header_value(char *out, size_t n, const char *line, size_t len, const char *name)
{
	size_t nl = strlen(name);
	if (len <= nl || line[nl] != ':' || strncasecmp(line, name, nl) != 0)
		return;
	const char *v = line + nl + 1, *end = line + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	snprintf(out, n, "%.*s", (int)(end - v), v);
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	api_resp *r = arg;
	size_t len = size * n;
	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		/* A new answer (e.g. after 100 Continue): forget the previous headers. */
		r->content_type[0] = r->www_authenticate[0] = r->allow[0] = '\0';
		r->content_length[0] = r->content_range[0] = r->repr_digest[0] = '\0';
		r->x_content_sha256[0] = r->content_disposition[0] = '\0';
		r->set_cookie[0] = r->etag[0] = r->csp[0] = r->request_id[0] = '\0';
		r->content_encoding[0] = r->vary[0] = '\0';
	}
	header_value(r->content_type, sizeof(r->content_type), p, len, "content-type");
	header_value(r->www_authenticate, sizeof(r->www_authenticate), p, len, "www-authenticate");
	header_value(r->allow, sizeof(r->allow), p, len, "allow");
	header_value(r->content_length, sizeof(r->content_length), p, len, "content-length");
	header_value(r->content_range, sizeof(r->content_range), p, len, "content-range");
	header_value(r->repr_digest, sizeof(r->repr_digest), p, len, "repr-digest");
	header_value(r->x_content_sha256, sizeof(r->x_content_sha256), p, len, "x-content-sha256");
	header_value(r->content_disposition, sizeof(r->content_disposition), p, len,
	             "content-disposition");
	header_value(r->set_cookie, sizeof(r->set_cookie), p, len, "set-cookie");
	header_value(r->etag, sizeof(r->etag), p, len, "etag");
	header_value(r->csp, sizeof(r->csp), p, len, "content-security-policy");
	header_value(r->request_id, sizeof(r->request_id), p, len, "x-request-id");
	header_value(r->content_encoding, sizeof(r->content_encoding), p, len, "content-encoding");
	header_value(r->vary, sizeof(r->vary), p, len, "vary");
	return len;
}

int api_send(const api_req *rq, api_resp *out)
{
	char url[4096], auth[512], ct[256];
	struct curl_slist *h = NULL;
	const char *method = rq->method ? rq->method : "GET";
	memset(out, 0, sizeof(*out));
	if (!tl_curl && !(tl_curl = curl_easy_init()))
		return -1;
	CURL *c = tl_curl;
	curl_easy_reset(c); /* keeps the live connection */
	snprintf(url, sizeof(url), "%s%s", rq->base ? rq->base : api_srv.url, rq->path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, out);
	if (rq->auth) {
		snprintf(auth, sizeof(auth), "Authorization: %s", rq->auth);
		h = curl_slist_append(h, auth);
	} else if (rq->token) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", rq->token);
		h = curl_slist_append(h, auth);
	}
	/*
	 * No 100-continue round trip, except for bodies of more than 1 MiB: as a
	 * client should, those wait for the server's word before they are sent,
	 * so that a refusal (413 for a body over the limit) is read, not lost to
	 * the connection the server closes while the body is still being written.
	 */
	if (!rq->body || (rq->body_len ? rq->body_len : strlen(rq->body)) <= ((size_t)1 << 20))
		h = curl_slist_append(h, "Expect:");
	for (size_t i = 0; i < sizeof(rq->headers) / sizeof(rq->headers[0]) && rq->headers[i]; i++)
		h = curl_slist_append(h, rq->headers[i]);
	if (rq->body) {
		const char *type = rq->content_type ? rq->content_type : "application/json";
		if (*type)
			snprintf(ct, sizeof(ct), "Content-Type: %s", type);
		else
			snprintf(ct, sizeof(ct), "Content-Type:"); /* curl: send none */
		h = curl_slist_append(h, ct);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		                 (curl_off_t)(rq->body_len || rq->empty_body ? rq->body_len :
		                              strlen(rq->body)));
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->body);
		if (strcmp(method, "POST") != 0)
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	} else if (strcmp(method, "GET") != 0) {
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
		if (!strcmp(method, "HEAD"))
			curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	CURLcode rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
	curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &out->connects);
	curl_slist_free_all(h);
	if (!out->body && (out->body = calloc(1, 1)) == NULL)
		return -1;
	if (out->len)
		out->json = json_loadb(out->body, out->len, JSON_DECODE_ANY, NULL);
	if (rc != CURLE_OK) {
		/* Drop the connection: its state is unknown. */
		api_thread_done();
		return -1;
	}
	return 0;
}

int api_request(const char *method, const char *path, const char *token, const char *body,
                long *status, json_t **json)
{
	api_resp r;
	api_req rq = {.method = method, .path = path, .token = token, .body = body};
	int rc = api_send(&rq, &r);
	*status = rc == 0 ? r.status : 0;
	if (json) {
		*json = rc == 0 ? r.json : NULL;
		if (rc == 0)
			r.json = NULL;
	}
	api_resp_free(&r);
	return rc;
}

long api_requestj(const char *method, const char *path, const char *token, json_t *body,
                  json_t **json)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	long status = 0;
	if (json)
		*json = NULL;
	api_request(method, path, token, text, &status, json);
	free(text);
	return status;
}

long api_getf(const char *token, json_t **json, const char *fmt, ...)
{
	char path[2048];
	va_list ap;
	long status = 0;
	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	api_request("GET", path, token, NULL, &status, json);
	return status;
}

char *api_login(const char *user, const char *password)
{
	json_t *in = json_pack("{s:s,s:s}", "username", user, "password", password), *out = NULL;
	char *token = NULL;
	long st = api_requestj("POST", "/api/v1/session", NULL, in, &out);
	if (st == 201 && json_is_string(json_object_get(out, "token")))
		token = strdup(json_string_value(json_object_get(out, "token")));
	json_decref(out);
	return token;
}

char *api_login_demo(const char *user)
{
	char *t = api_login(user, "demo");
	if (!t)
		fail_msg("cannot log in as %s", user);
	return t;
}

const char *api_assert_error(const json_t *json)
{
	assert_non_null(json);
	assert_true(json_is_object(json));
	assert_int_equal(json_object_size(json), 1);
	json_t *e = json_object_get(json, "error");
	assert_true(json_is_object(e));
	assert_int_equal(json_object_size(e), 2);
	assert_true(json_is_string(json_object_get(e, "code")));
	assert_true(json_is_string(json_object_get(e, "message")));
	assert_true(json_string_length(json_object_get(e, "code")) > 0);
	assert_true(json_string_length(json_object_get(e, "message")) > 0);
	return json_string_value(json_object_get(e, "message"));
}

void api_assert_fails_at(const char *file, int line, long status, const json_t *json, long want,
                         const char *code)
{
	if (status != want) {
		char *t = json ? json_dumps(json, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
		fprintf(stderr, "%s:%d: expected status %ld, got %ld: %s\n", file, line, want, status,
		        t ? t : "(no JSON body)");
		free(t);
	}
	assert_int_equal(status, want);
	api_assert_error(json);
	if (code)
		assert_string_equal(json_string_value(json_object_get(json_object_get(json, "error"),
		                                                      "code")), code);
}

void api_path(char *out, size_t n, const char *tmpl, const char *seg)
{
	const char *at = strstr(tmpl, "{}");
	if (!at)
		snprintf(out, n, "%s", tmpl);
	else
		snprintf(out, n, "%.*s%s%s", (int)(at - tmpl), tmpl, seg, at + 2);
}

void api_pathi(char *out, size_t n, const char *tmpl, int64_t id)
{
	char seg[24];
	snprintf(seg, sizeof(seg), "%lld", (long long)id);
	api_path(out, n, tmpl, seg);
}

void api_urlencode(char *out, size_t n, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && o + 4 < n; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			out[o++] = (char)*p;
		} else {
			out[o++] = '%';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 15];
		}
	}
	out[o] = '\0';
}

long api_put_raw(const char *token, const char *path, const void *data, size_t len,
                 json_t **json)
{
	api_resp r;
	api_req rq = {.method = "PUT", .path = path, .token = token,
	              .body = len ? data : "", .body_len = len, .empty_body = true,
	              .content_type = "application/octet-stream"};
	int rc = api_send(&rq, &r);
	long status = rc == 0 ? r.status : 0;
	if (json) {
		*json = rc == 0 ? r.json : NULL;
		if (rc == 0)
			r.json = NULL;
	}
	api_resp_free(&r);
	return status;
}

int api_raw_connect(void)
{
	/* api_srv.url is "http://127.0.0.1:PORT" (the server listens on loopback). */
	const char *hostport = api_srv.url + strlen("http://");
	const char *colon = strrchr(hostport, ':');
	if (strncmp(api_srv.url, "http://", 7) != 0 || !colon)
		return -1;
	char host[64];
	snprintf(host, sizeof(host), "%.*s", (int)(colon - hostport), hostport);
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port <= 0 || port > 65535)
		return -1;
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		return -1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int64_t api_case_create(const char *token, const char *json_text)
{
	long st = 0;
	json_t *out = NULL;
	api_request("POST", "/api/v1/cases", token, json_text, &st, &out);
	if (st != 201) {
		char *t = out ? json_dumps(out, JSON_COMPACT) : NULL;
		fprintf(stderr, "case create answered %ld: %s\n", st, t ? t : "");
		free(t);
	}
	assert_int_equal(st, 201);
	assert_true(json_is_integer(json_object_get(out, "id")));
	int64_t id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	return id;
}

int64_t *api_case_ids(const char *token, size_t *n)
{
	size_t cap = 64;
	int64_t *ids = malloc(cap * sizeof(*ids)), after = 0;
	assert_non_null(ids);
	*n = 0;
	for (int pages = 0; pages < 10000; pages++) {
		json_t *page = NULL, *it;
		size_t i;
		long st = after ? api_getf(token, &page, "/api/v1/cases?limit=500&after=%lld",
		                           (long long)after) :
		                  api_getf(token, &page, "/api/v1/cases?limit=500");
		assert_int_equal(st, 200);
		json_array_foreach(json_object_get(page, "items"), i, it) {
			if (*n == cap) {
				cap *= 2;
				ids = realloc(ids, cap * sizeof(*ids));
				assert_non_null(ids);
			}
			ids[(*n)++] = json_integer_value(json_object_get(it, "id"));
		}
		json_t *next = json_object_get(page, "next");
		after = json_is_integer(next) ? json_integer_value(next) : 0;
		json_decref(page);
		if (!after)
			return ids;
	}
	fail_msg("the case list does not end");
	return ids;
}

bool api_has_id(const int64_t *ids, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

json_t *api_participant(const json_t *case_doc, const char *org)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(case_doc, "participants"), i, p)
		if (json_is_string(json_object_get(p, "org")) &&
		    !strcmp(json_string_value(json_object_get(p, "org")), org))
			return p;
	return NULL;
}
