/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench/actionday: the coordination centre under load. CLIENTS Server-Sent
 * Events clients follow one action day while TEAMS teams each post RATE
 * status updates a second for SECS seconds, over HTTP (libcurl). Every
 * client must receive every update, in order (ids 1, 2, ... with no gap);
 * the delivery latency of an update to a client is the time from just
 * before its POST to its arrival at that client (the post's time travels in
 * the update's result text; one clock, one machine).
 *
 * Usage: load URL   (env CLIENTS, TEAMS, RATE, SECS); prints one JSON line.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

static const char *base;
static int nclients, nteams, rate, secs;
static atomic_long posted, post_errors;
static atomic_int teams_done;

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int envi(const char *name, int dflt)
{
	const char *v = getenv(name);
	return v && *v ? atoi(v) : dflt;
}

struct buf {
	char *p;
	size_t len;
};

static size_t collect(char *data, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;
	char *np = realloc(b->p, b->len + size * n + 1);
	if (!np)
		return 0;
	b->p = np;
	memcpy(b->p + b->len, data, size * n);
	b->len += size * n;
	b->p[b->len] = '\0';
	return size * n;
}

/* One JSON exchange; the answer's JSON (caller frees) and status. */
static json_t *call(CURL *c, const char *method, const char *path, const char *token,
                    const char *body, long *status)
{
	char url[512], auth[300];
	struct buf b = {0};
	struct curl_slist *h = NULL;
	snprintf(url, sizeof(url), "%s%s", base, path);
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
	if (token) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
		h = curl_slist_append(h, auth);
	}
	if (body) {
		h = curl_slist_append(h, "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	*status = 0;
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	curl_slist_free_all(h);
	json_t *j = b.p ? json_loads(b.p, 0, NULL) : NULL;
	free(b.p);
	return j;
}

static char *login(CURL *c, const char *user)
{
	char body[128];
	long st;
	snprintf(body, sizeof(body), "{\"username\":\"%s\",\"password\":\"demo\"}", user);
	json_t *j = call(c, "POST", "/api/v1/session", NULL, body, &st);
	const char *t = json_string_value(json_object_get(j, "token"));
	char *tok = st == 201 && t ? strdup(t) : NULL;
	json_decref(j);
	if (!tok) {
		fprintf(stderr, "load: cannot log in as %s (%ld)\n", user, st);
		exit(1);
	}
	return tok;
}

/* ---- teams ---------------------------------------------------------------- */

struct team {
	pthread_t tid;
	int64_t action;
	const char *token;
};

static void *team_run(void *arg)
{
	struct team *t = arg;
	CURL *c = curl_easy_init();
	char path[96], body[160];
	int64_t start = now_us(), period = 1000000 / rate;
	int total = secs * rate;
	snprintf(path, sizeof(path), "/api/v1/actions/%lld/updates", (long long)t->action);
	for (int i = 0; i < total; i++) {
		int64_t due = start + (int64_t)i * period, wait = due - now_us();
		if (wait > 0)
			usleep((useconds_t)wait);
		long st;
		snprintf(body, sizeof(body), "{\"status\":\"%s\",\"result\":\"t=%lld\"}",
		         i == 0 ? "started" : "completed", (long long)now_us());
		json_t *j = call(c, "POST", path, t->token, body, &st);
		json_decref(j);
		if (st == 201)
			atomic_fetch_add(&posted, 1);
		else
			atomic_fetch_add(&post_errors, 1);
	}
	curl_easy_cleanup(c);
	atomic_fetch_add(&teams_done, 1);
	return NULL;
}

/* ---- clients -------------------------------------------------------------- */

struct client {
	CURL *c;
	struct curl_slist *h;
	char *buf;
	size_t len, cap;
	int64_t last, received, out_of_order;
	uint32_t *lat; /* microseconds, one per update received */
	size_t nlat, caplat;
};

static void on_event(struct client *cl, char *ev)
{
	char *id = strstr(ev, "id: "), *t = strstr(ev, "\"result\":\"t=");
	if (!id || !t)
		return; /* a comment or the retry field */
	int64_t seq = strtoll(id + 4, NULL, 10), sent = strtoll(t + 12, NULL, 10);
	if (seq != cl->last + 1)
		cl->out_of_order++;
	cl->last = seq;
	cl->received++;
	if (cl->nlat == cl->caplat) {
		cl->caplat = cl->caplat ? cl->caplat * 2 : 4096;
		cl->lat = realloc(cl->lat, cl->caplat * sizeof(*cl->lat));
		if (!cl->lat)
			abort();
	}
	int64_t d = now_us() - sent;
	cl->lat[cl->nlat++] = d < 0 ? 0 : (uint32_t)d;
}

static size_t on_data(char *data, size_t size, size_t n, void *arg)
{
	struct client *cl = arg;
	size_t add = size * n;
	if (cl->len + add + 1 > cl->cap) {
		cl->cap = (cl->len + add + 1) * 2;
		cl->buf = realloc(cl->buf, cl->cap);
		if (!cl->buf)
			abort();
	}
	memcpy(cl->buf + cl->len, data, add);
	cl->len += add;
	cl->buf[cl->len] = '\0';
	char *p = cl->buf, *end;
	while ((end = strstr(p, "\n\n")) != NULL) {
		*end = '\0';
		on_event(cl, p);
		p = end + 2;
	}
	cl->len -= (size_t)(p - cl->buf);
	memmove(cl->buf, p, cl->len);
	return add;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: load URL\n");
		return 2;
	}
	base = argv[1];
	nclients = envi("CLIENTS", 50);
	nteams = envi("TEAMS", 20);
	rate = envi("RATE", 10);
	secs = envi("SECS", 60);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	CURL *c = curl_easy_init();
	/* The teams: actions of the first demo case's organisations, each posted
	 * by a user of its executing organisation. */
	static const char *const orgs[] = {"RS", "ME", "SE"}, *const users[] = {"rs", "me", "se"};
	char *tokens[3];
	for (int i = 0; i < 3; i++)
		tokens[i] = login(c, users[i]);
	json_t *actions = json_array();
	for (int i = 0; i < nteams; i++)
		json_array_append_new(actions, json_pack("{s:s,s:s,s:s,s:s}", "kind",
		    i % 2 ? "house_search" : "seizure", "country", orgs[i % 3], "org", orgs[i % 3],
		    "planned_time", "06:00"));
	/* Yesterday (UTC): the day has begun in every zone, so outcomes are taken. */
	char on[11];
	time_t yesterday = time(NULL) - 86400;
	struct tm tm;
	gmtime_r(&yesterday, &tm);
	strftime(on, sizeof(on), "%Y-%m-%d", &tm);
	json_t *plan = json_pack("{s:s,s:s,s:s,s:{s:s,s:s,s:s},s:o}", "case", "2026/0001", "title",
	                         "Load", "day", on, "timezones", "RS", "Europe/Belgrade",
	                         "ME", "Europe/Podgorica", "SE", "Europe/Stockholm", "actions",
	                         actions);
	char *pt = json_dumps(plan, JSON_COMPACT);
	long st;
	json_t *day = call(c, "POST", "/api/v1/actiondays", tokens[2], pt, &st);
	free(pt);
	json_decref(plan);
	if (st != 201) {
		fprintf(stderr, "load: cannot create the day (%ld)\n", st);
		return 1;
	}
	int64_t day_id = json_integer_value(json_object_get(day, "id"));
	struct team *teams = calloc((size_t)nteams, sizeof(*teams));
	for (int i = 0; i < nteams; i++) {
		teams[i].action = json_integer_value(json_object_get(json_array_get(
		                  json_object_get(day, "actions"), (size_t)i), "id"));
		teams[i].token = tokens[i % 3];
	}
	json_decref(day);

	/* The clients: one multi handle, each stream its own connection. */
	CURLM *m = curl_multi_init();
	struct client *cls = calloc((size_t)nclients, sizeof(*cls));
	char url[512], auth[300];
	snprintf(url, sizeof(url), "%s/api/v1/actiondays/%lld/stream", base, (long long)day_id);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", tokens[2]);
	for (int i = 0; i < nclients; i++) {
		struct client *cl = &cls[i];
		cl->c = curl_easy_init();
		cl->h = curl_slist_append(NULL, auth);
		cl->h = curl_slist_append(cl->h, "Accept: text/event-stream");
		curl_easy_setopt(cl->c, CURLOPT_URL, url);
		curl_easy_setopt(cl->c, CURLOPT_HTTPHEADER, cl->h);
		curl_easy_setopt(cl->c, CURLOPT_WRITEFUNCTION, on_data);
		curl_easy_setopt(cl->c, CURLOPT_WRITEDATA, cl);
		curl_easy_setopt(cl->c, CURLOPT_TCP_NODELAY, 1L);
		curl_easy_setopt(cl->c, CURLOPT_FORBID_REUSE, 1L);
		curl_multi_add_handle(m, cl->c);
	}
	int running = 0;
	for (int64_t until = now_us() + 1000000; now_us() < until;) {
		curl_multi_perform(m, &running);
		curl_multi_poll(m, NULL, 0, 50, NULL);
	}
	int connected = running;

	for (int i = 0; i < nteams; i++)
		pthread_create(&teams[i].tid, NULL, team_run, &teams[i]);
	bool joined = false;
	int64_t drain_until = 0;
	for (;;) {
		curl_multi_perform(m, &running);
		curl_multi_poll(m, NULL, 0, 20, NULL);
		if (!joined && atomic_load(&teams_done) == nteams) {
			joined = true;
			drain_until = now_us() + 5000000;
		}
		if (joined) {
			long want = atomic_load(&posted);
			bool all = true;
			for (int i = 0; i < nclients && all; i++)
				all = cls[i].received >= want;
			if (all || now_us() > drain_until)
				break;
		}
	}
	for (int i = 0; i < nteams; i++)
		pthread_join(teams[i].tid, NULL);
	long total = atomic_load(&posted);
	size_t nall = 0;
	int64_t complete = 0, ooo = 0, lost = 0;
	for (int i = 0; i < nclients; i++) {
		nall += cls[i].nlat;
		complete += cls[i].received == total && cls[i].out_of_order == 0;
		ooo += cls[i].out_of_order;
		lost += total - cls[i].received;
	}
	uint32_t *all = malloc((nall ? nall : 1) * sizeof(*all));
	size_t k = 0;
	for (int i = 0; i < nclients; i++) {
		memcpy(all + k, cls[i].lat, cls[i].nlat * sizeof(*all));
		k += cls[i].nlat;
	}
	qsort(all, nall, sizeof(*all), cmp_u32);
	double p50 = nall ? all[nall / 2] / 1000.0 : 0, p99 = nall ? all[nall * 99 / 100] / 1000.0 : 0;
	double max = nall ? all[nall - 1] / 1000.0 : 0;
	printf("{\"clients\":%d,\"connected\":%d,\"teams\":%d,\"rate\":%d,\"secs\":%d,"
	       "\"posted\":%ld,\"post_errors\":%ld,\"deliveries\":%zu,\"clients_complete\":%lld,"
	       "\"out_of_order\":%lld,\"lost\":%lld,\"latency_ms\":{\"p50\":%.1f,\"p99\":%.1f,"
	       "\"max\":%.1f}}\n", nclients, connected, nteams, rate, secs, total,
	       atomic_load(&post_errors), nall, (long long)complete, (long long)ooo,
	       (long long)lost, p50, p99, max);
	for (int i = 0; i < nclients; i++) {
		curl_multi_remove_handle(m, cls[i].c);
		curl_easy_cleanup(cls[i].c);
		curl_slist_free_all(cls[i].h);
		free(cls[i].buf);
		free(cls[i].lat);
	}
	curl_multi_cleanup(m);
	curl_easy_cleanup(c);
	free(all);
	free(cls);
	free(teams);
	for (int i = 0; i < 3; i++)
		free(tokens[i]);
	curl_global_cleanup();
	return complete == nclients && ooo == 0 ? 0 : 1;
}
