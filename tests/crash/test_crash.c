/* SPDX-License-Identifier: Apache-2.0 */
/*
 * crash tests: a write-heavy workload against a real server that is killed
 * (SIGKILL) at random moments, or whose disk fails under it (failio.c), then
 * restarted on the same data directory (every other time killed once more
 * while it starts, sweeping what the crash left) and checked:
 *
 *   (a) every write whose 2xx answer arrived is there, with its content;
 *   (b) a write whose answer never arrived (or was a 5xx) is whole or absent:
 *       an item with its blob and hash, an import with all its rows, a case
 *       with its participants and its events; an upload cut off before its
 *       completion was sent is absent;
 *   (c) `custodia evidence verify` and `custodia ledger verify` pass;
 *   (d) the blob store holds no temporary file and exactly one blob per
 *       distinct (case, content) that a record names.
 *
 * Clients run on threads, each with its own session of the SE desk, and
 * pick writes from a PRNG seeded from CU_CRASH_SEED (printed; the timing of
 * the kills is not replayable, the choice of writes is). CU_CRASH_KILLS sets
 * the number of kills (default 20), CU_CRASH_VERIFY_EVERY how many rounds go
 * between two runs of the CLI verifiers (default: 1 up to 20 kills, else 5;
 * the last round always runs them), CU_CRASH_TESTS a cmocka filter of the
 * tests to run ('*sigkill', '*failing_disk').
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "crypto/crypto.h"
#include "harness.h"

#define CLIENTS 3
#define CHUNK (256 * 1024) /* upload chunks: small enough that kills land between them */

/* ---- the record of every write attempted -------------------------------- */

enum wkind { W_CASE, W_ITEM, W_CUSTODY, W_IMPORT, W_UPDATE, W_NKINDS };
static const char *const kind_name[] = {"case", "item", "custody", "import", "update"};

enum wstate {
	S_PENDING, /* sent, no answer (yet): may or may not have happened */
	S_ACKED,   /* a 2xx answer arrived: must be there */
	S_ERROR,   /* a 5xx answer (failing disk): may or may not have happened */
	S_REFUSED, /* a 4xx answer: must not be there */
};

typedef struct wr {
	enum wkind kind;
	enum wstate state;
	int round;
	int64_t id;     /* acknowledged: the new case's or item's id */
	int64_t parent; /* the case (items, imports), item (custody), action (updates) */
	int64_t day;    /* updates: the action day */
	char tag[64];   /* unique: the title, reason, result or name prefix */
	uint64_t size;  /* items */
	char sha[65];   /* items */
	int rows;       /* imports */
	bool completing; /* items: the completion was sent */
} wr;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static wr **W; /* each write stays where it is: its client holds it while W grows */
static size_t nw, capw;
static int64_t *cases, *items; /* acknowledged targets */
static size_t ncases, nitems;
static atomic_int stop, failures, answered, full_disk; /* full_disk: 507 answers */
static bool failing_disk; /* 5xx answers are expected (failio) */
static int cur_round;
static int check_from; /* unacknowledged writes of this round on are checked */
static uint64_t seed;
static long acked_checked;

typedef struct client {
	int n;
	char *token;
	int64_t action, day;
	uint64_t rng;
} client;

static void problem(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void problem(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "crash: FAILURE (seed %" PRIu64 ", round %d): ", seed, cur_round);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	atomic_fetch_add(&failures, 1);
}

/* A string member, or "" when it is absent. */
static const char *jstr(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static uint64_t next_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static uint64_t below(uint64_t *s, uint64_t n)
{
	return n ? next_rand(s) % n : 0;
}

static wr *add_write(enum wkind kind, int64_t parent, const char *tag)
{
	wr *w = calloc(1, sizeof(*w));
	if (!w)
		abort();
	w->kind = kind;
	w->parent = parent;
	w->round = cur_round;
	snprintf(w->tag, sizeof(w->tag), "%s", tag);
	pthread_mutex_lock(&mu);
	if (nw == capw) {
		capw = capw ? capw * 2 : 256;
		if (!(W = realloc(W, capw * sizeof(*W))))
			abort();
	}
	W[nw++] = w;
	pthread_mutex_unlock(&mu);
	return w;
}

/* Sets what came of write w, and the target it made. */
static void settle(wr *w, enum wstate st, int64_t id)
{
	pthread_mutex_lock(&mu);
	w->state = st;
	w->id = id;
	if (st == S_ACKED && w->kind == W_CASE) {
		cases = realloc(cases, (ncases + 1) * sizeof(*cases));
		cases[ncases++] = id;
	} else if (st == S_ACKED && w->kind == W_ITEM) {
		items = realloc(items, (nitems + 1) * sizeof(*items));
		items[nitems++] = id;
	}
	pthread_mutex_unlock(&mu);
}

static int64_t pick(uint64_t *rng, const int64_t *v, size_t n)
{
	pthread_mutex_lock(&mu);
	int64_t id = n ? v[below(rng, n)] : 0;
	pthread_mutex_unlock(&mu);
	return id;
}

/* The content of an item: bytes only its tag decides, so a check can remake them. */
static uint8_t *content(const char *tag, uint64_t size)
{
	uint8_t *b = malloc(size ? size : 1);
	uint64_t s = 1469598103934665603u;
	for (const char *p = tag; *p; p++)
		s = (s ^ (uint8_t)*p) * 1099511628211u;
	for (uint64_t i = 0; i < size; i += 8) {
		uint64_t v = next_rand(&s);
		memcpy(b + i, &v, size - i < 8 ? size - i : 8);
	}
	return b;
}

static void sha_hex(char out[65], const void *data, size_t len)
{
	uint8_t h[32];
	cu_sha256(h, data, len);
	cu_hex(out, h, 32);
}

/*
 * What an answer means for write i: 2xx acknowledges it; no answer leaves it
 * pending; with a failing disk a 5xx with the error envelope is an error the
 * client was told of. Anything else is a failure. Returns -1 when the client
 * should stop (no answer), 1 when this write is over without success, 0 ok.
 */
static int judge(client *cl, wr *w, int rc, const api_resp *r, long want, int64_t id)
{
	if (rc != 0) {
		/* The server went away (or, with a failing disk, hung past the timeout). */
		if (failing_disk && !atomic_load(&stop))
			problem("client %d: no answer to a %s write (%s) from a server on a failing "
			        "disk", cl->n, kind_name[w->kind], w->tag);
		return -1;
	}
	atomic_fetch_add(&answered, 1);
	if (r->status == want) {
		settle(w, S_ACKED, id);
		return 0;
	}
	json_t *e = json_object_get(r->json, "error");
	bool envelope = json_is_object(e) && json_is_string(json_object_get(e, "message"));
	if (failing_disk && r->status == 507 &&
	    strcmp(jstr(e, "code"), "insufficient_storage") != 0)
		problem("507 with the code \"%s\"", jstr(e, "code"));
	if (failing_disk && r->status >= 500 && r->status < 600 && envelope) {
		if (r->status == 507)
			atomic_fetch_add(&full_disk, 1);
		settle(w, S_ERROR, 0);
		return 1;
	}
	problem("client %d: a %s write (%s) answered %ld, not %ld: %.300s", cl->n,
	        kind_name[w->kind], w->tag, r->status, want, r->body ? r->body : "");
	settle(w, r->status >= 400 && r->status < 500 ? S_REFUSED : S_ERROR, 0);
	return 1;
}

/* ---- the writes ---------------------------------------------------------- */

static int w_case(client *cl, const char *tag)
{
	char body[512];
	wr *w = add_write(W_CASE, 0, tag);
	snprintf(body, sizeof(body), "{\"title\":\"%s\",\"crime_types\":[\"other\"],"
	         "\"participants\":[{\"org\":\"RS\",\"national_ref\":\"R-%s\"},{\"org\":\"ME\","
	         "\"access\":\"observer\"}]}", tag, tag);
	api_req rq = {.method = "POST", .path = "/api/v1/cases", .token = cl->token, .body = body};
	api_resp r;
	int rc = api_send(&rq, &r);
	int ret = judge(cl, w, rc, &r, 201, json_integer_value(json_object_get(r.json, "id")));
	api_resp_free(&r);
	return ret < 0 ? -1 : 0;
}

static uint64_t item_size(uint64_t *rng)
{
	uint64_t k = below(rng, 100);
	if (k < 60)
		return 1 + below(rng, 64 * 1024);
	if (k < 93)
		return 64 * 1024 + below(rng, 960 * 1024);
	return (1 << 20) + below(rng, 3 << 20); /* 1 to 4 MiB */
}

static int w_item(client *cl, const char *tag)
{
	int64_t cid = pick(&cl->rng, cases, ncases);
	uint64_t size = item_size(&cl->rng);
	uint8_t *data = content(tag, size);
	char body[512], path[256], up[80];
	api_resp r;
	int rc, ret;
	wr *w = add_write(W_ITEM, cid, tag);
	w->size = size;
	sha_hex(w->sha, data, size);

	snprintf(path, sizeof(path), "/api/v1/cases/%lld/uploads", (long long)cid);
	snprintf(body, sizeof(body), "{\"title\":\"%s\",\"original_name\":\"%s.bin\","
	         "\"kind\":\"document\",\"collected_by\":\"crash harness\",\"size\":%llu}", tag,
	         tag, (unsigned long long)size);
	api_req rq = {.method = "POST", .path = path, .token = cl->token, .body = body};
	if ((rc = api_send(&rq, &r)) != 0 || r.status != 201) {
		ret = judge(cl, w, rc, &r, 201, 0);
		if (ret == 0) /* a 201 without an upload: cannot be */
			problem("an upload start answered %ld", r.status);
		goto out;
	}
	snprintf(up, sizeof(up), "%s", json_string_value(json_object_get(r.json, "id")));
	api_resp_free(&r);
	for (uint64_t off = 0; off < size; off += CHUNK) {
		size_t n = size - off < CHUNK ? (size_t)(size - off) : CHUNK;
		snprintf(path, sizeof(path), "/api/v1/uploads/%s?offset=%llu", up,
		         (unsigned long long)off);
		api_req put = {.method = "PUT", .path = path, .token = cl->token,
		               .body = (const char *)data + off, .body_len = n,
		               .content_type = "application/octet-stream"};
		if ((rc = api_send(&put, &r)) != 0 || r.status != 200) {
			if (judge(cl, w, rc, &r, 200, 0) == 0)
				problem("a chunk answered %ld", r.status);
			ret = rc ? -1 : 1;
			goto out;
		}
		api_resp_free(&r);
	}
	w->completing = true;
	snprintf(path, sizeof(path), "/api/v1/uploads/%s/complete", up);
	snprintf(body, sizeof(body), "{\"sha256\":\"%s\"}", w->sha);
	api_req done = {.method = "POST", .path = path, .token = cl->token, .body = body};
	rc = api_send(&done, &r);
	ret = judge(cl, w, rc, &r, 201, json_integer_value(json_object_get(r.json, "id")));
	if (ret == 0 && strcmp(jstr(r.json, "sha256"), w->sha) != 0)
		problem("item %s was registered with another SHA-256", tag);
out:
	api_resp_free(&r);
	free(data);
	return ret < 0 ? -1 : 0;
}

static int w_custody(client *cl, const char *tag)
{
	int64_t item = pick(&cl->rng, items, nitems);
	char body[256], path[128];
	wr *w = add_write(W_CUSTODY, item, tag);
	snprintf(path, sizeof(path), "/api/v1/evidence/%lld/custody", (long long)item);
	snprintf(body, sizeof(body), "{\"event\":\"sealed\",\"reason\":\"%s\"}", tag);
	api_req rq = {.method = "POST", .path = path, .token = cl->token, .body = body};
	api_resp r;
	int rc = api_send(&rq, &r);
	int ret = judge(cl, w, rc, &r, 201, 0);
	api_resp_free(&r);
	return ret < 0 ? -1 : 0;
}

static int w_import(client *cl, const char *tag)
{
	int64_t cid = pick(&cl->rng, cases, ncases);
	int rows = 1 + (int)below(&cl->rng, 6);
	char csv[2048], path[128];
	size_t n = (size_t)snprintf(csv, sizeof(csv), "kind,name,nationalities\n");
	for (int k = 0; k < rows; k++)
		n += (size_t)snprintf(csv + n, sizeof(csv) - n, "person,%s-%d,SE\n", tag, k);
	wr *w = add_write(W_IMPORT, cid, tag);
	w->rows = rows;
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/entities/import", (long long)cid);
	api_req rq = {.method = "POST", .path = path, .token = cl->token, .body = csv,
	              .content_type = "text/csv"};
	api_resp r;
	int rc = api_send(&rq, &r);
	int ret = judge(cl, w, rc, &r, 200, 0);
	if (ret == 0 && json_integer_value(json_object_get(r.json, "imported")) != rows)
		problem("import %s: %lld rows imported of %d", tag,
		        (long long)json_integer_value(json_object_get(r.json, "imported")), rows);
	api_resp_free(&r);
	return ret < 0 ? -1 : 0;
}

static int w_update(client *cl, const char *tag)
{
	char body[256], path[128];
	wr *w = add_write(W_UPDATE, cl->action, tag);
	w->day = cl->day;
	snprintf(path, sizeof(path), "/api/v1/actions/%lld/updates", (long long)cl->action);
	snprintf(body, sizeof(body), "{\"status\":\"started\",\"result\":\"%s\"}", tag);
	api_req rq = {.method = "POST", .path = path, .token = cl->token, .body = body};
	api_resp r;
	int rc = api_send(&rq, &r);
	int ret = judge(cl, w, rc, &r, 201, 0);
	api_resp_free(&r);
	return ret < 0 ? -1 : 0;
}

static void *client_run(void *arg)
{
	client *cl = arg;
	char tag[64];
	for (int k = 0; !atomic_load(&stop); k++) {
		snprintf(tag, sizeof(tag), "crash-%" PRIu64 "-r%d-c%d-%d", seed % 100000, cur_round,
		         cl->n, k);
		uint64_t op = below(&cl->rng, 100);
		int r = op < 15 ? w_case(cl, tag) : op < 45 ? w_item(cl, tag) :
		        op < 65 ? w_custody(cl, tag) : op < 80 ? w_import(cl, tag) :
		                  w_update(cl, tag);
		if (r < 0)
			break;
	}
	api_thread_done();
	return NULL;
}

/* ---- checks after a restart ---------------------------------------------- */

/* GET answers of one check pass, by path: many writes look at one list. */
typedef struct cached {
	char path[160];
	json_t *json;
} cached;
static cached *cache;
static size_t ncache;

static json_t *get_cached(const char *token, const char *path)
{
	for (size_t i = 0; i < ncache; i++)
		if (!strcmp(cache[i].path, path))
			return cache[i].json;
	json_t *j = NULL;
	long st = api_getf(token, &j, "%s", path);
	if (st != 200) {
		problem("GET %s answered %ld after the restart", path, st);
		json_decref(j);
		j = json_array();
	}
	cache = realloc(cache, (ncache + 1) * sizeof(*cache));
	snprintf(cache[ncache].path, sizeof(cache[ncache].path), "%s", path);
	cache[ncache++].json = j;
	return j;
}

static void cache_clear(void)
{
	for (size_t i = 0; i < ncache; i++)
		json_decref(cache[i].json);
	free(cache);
	cache = NULL;
	ncache = 0;
}

/* How many elements of a list have field equal to value (or, prefix, starting with it). */
static int count_field(const json_t *list, const char *field, const char *value, bool prefix)
{
	size_t i, vl = strlen(value);
	json_t *e;
	int n = 0;
	json_array_foreach(list, i, e) {
		const char *s = json_string_value(json_object_get(e, field));
		if (s && (prefix ? !strncmp(s, value, vl) : !strcmp(s, value)))
			n++;
	}
	return n;
}

/* Downloads item id and compares its SHA-256 with want. */
static void check_content(const char *token, int64_t id, const char *want, const char *tag)
{
	char path[96], got[65];
	snprintf(path, sizeof(path), "/api/v1/evidence/%lld/content", (long long)id);
	api_req rq = {.path = path, .token = token};
	api_resp r;
	if (api_send(&rq, &r) != 0 || r.status != 200) {
		problem("item %s (%lld): content answered %ld", tag, (long long)id, r.status);
	} else {
		sha_hex(got, r.body, r.len);
		if (strcmp(got, want) != 0)
			problem("item %s (%lld): the content's SHA-256 is %s, not %s", tag, (long long)id,
			        got, want);
	}
	api_resp_free(&r);
}

static bool known_case(int64_t id, const int64_t *base, size_t nbase)
{
	for (size_t i = 0; i < nbase; i++)
		if (base[i] == id)
			return true;
	for (size_t i = 0; i < nw; i++)
		if (W[i]->kind == W_CASE && W[i]->id == id)
			return true;
	return false;
}

static int64_t *baseline_cases;
static size_t nbaseline;
static int extra_blobs; /* blob files that no item names (texts extracted by the demo) */

/* The references of the cases seen in one check pass: each is given once. */
static char (*refs)[32];
static size_t nrefs;

static void check_case(const char *token, wr *w, int64_t id)
{
	json_t *c = NULL;
	long st = api_getf(token, &c, "/api/v1/cases/%lld", (long long)id);
	for (size_t i = 0; st == 200 && i < nrefs; i++)
		if (!strcmp(refs[i], jstr(c, "reference")))
			problem("case %lld has the reference %s of another", (long long)id, refs[i]);
	refs = realloc(refs, (nrefs + 1) * sizeof(*refs));
	snprintf(refs[nrefs++], sizeof(*refs), "%s", jstr(c, "reference"));
	json_t *rs = api_participant(c, "RS");
	char ref[80];
	snprintf(ref, sizeof(ref), "R-%s", w->tag);
	if (st != 200 || strcmp(jstr(c, "title"), w->tag) ||
	    !rs || strcmp(jstr(rs, "national_ref"), ref) ||
	    !api_participant(c, "ME"))
		problem("case %s (%lld): missing or not whole after the restart (%ld)", w->tag,
		        (long long)id, st);
	json_decref(c);
	/* Its creation is in its events, hence in the ledger. */
	c = NULL;
	st = api_getf(token, &c, "/api/v1/cases/%lld/events", (long long)id);
	json_t *evs = json_is_array(c) ? c : json_object_get(c, "items");
	if (st != 200 || json_array_size(evs) == 0)
		problem("case %s (%lld): no events after the restart (%ld)", w->tag, (long long)id, st);
	json_decref(c);
}

/* Cases nobody acknowledged may exist only whole, once, and as written in this round. */
static void check_cases(const char *token)
{
	size_t n;
	int64_t *ids = api_case_ids(token, &n);
	for (size_t i = 0; i < nw; i++)
		if (W[i]->kind == W_CASE && W[i]->state == S_ACKED) {
			if (!api_has_id(ids, n, W[i]->id))
				problem("acknowledged case %s (%lld) is not listed after the restart",
				        W[i]->tag, (long long)W[i]->id);
			else
				check_case(token, W[i], W[i]->id);
			acked_checked++;
		}
	for (size_t k = 0; k < n; k++) {
		if (known_case(ids[k], baseline_cases, nbaseline))
			continue;
		json_t *c = NULL;
		api_getf(token, &c, "/api/v1/cases/%lld", (long long)ids[k]);
		const char *title = json_string_value(json_object_get(c, "title"));
		wr *w = NULL;
		for (size_t i = 0; title && i < nw; i++)
			if (W[i]->kind == W_CASE && W[i]->state != S_ACKED && W[i]->state != S_REFUSED &&
			    W[i]->id == 0 && !strcmp(W[i]->tag, title))
				w = W[i];
		if (!w) {
			problem("case %lld (%s) exists but no write of this round can have made it",
			        (long long)ids[k], title ? title : "?");
		} else {
			check_case(token, w, ids[k]);
			w->id = ids[k]; /* known from now on, never a target */
		}
		json_decref(c);
	}
	free(ids);
}

static void check_items(const char *token)
{
	char path[160];
	for (size_t i = 0; i < nw; i++) {
		wr *w = W[i];
		if (w->kind != W_ITEM)
			continue;
		snprintf(path, sizeof(path), "/api/v1/cases/%lld/evidence", (long long)w->parent);
		if (w->state == S_ACKED) {
			json_t *it = NULL;
			long st = api_getf(token, &it, "/api/v1/evidence/%lld", (long long)w->id);
			if (st != 200 || strcmp(jstr(it, "sha256"),
			                        w->sha) ||
			    (uint64_t)json_integer_value(json_object_get(it, "size")) != w->size ||
			    strcmp(jstr(it, "title"), w->tag))
				problem("acknowledged item %s (%lld) is missing or altered (%ld)", w->tag,
				        (long long)w->id, st);
			else if (w->round >= check_from)
				check_content(token, w->id, w->sha, w->tag);
			json_decref(it);
			acked_checked++;
			continue;
		}
		if (w->round < check_from)
			continue;
		/* Not acknowledged: whole or absent, and absent if never completed. */
		json_t *list = get_cached(token, path), *e;
		size_t k;
		int found = 0;
		json_array_foreach(list, k, e) {
			if (strcmp(jstr(e, "title"), w->tag))
				continue;
			found++;
			if (!w->completing || w->state == S_REFUSED)
				problem("item %s exists though its upload was not completed", w->tag);
			if (strcmp(jstr(e, "sha256"), w->sha) ||
			    (uint64_t)json_integer_value(json_object_get(e, "size")) != w->size)
				problem("unacknowledged item %s exists with another hash or size", w->tag);
			else
				check_content(token, json_integer_value(json_object_get(e, "id")), w->sha,
				              w->tag);
		}
		if (found > 1)
			problem("item %s exists %d times", w->tag, found);
	}
}

static void check_rest(const char *token)
{
	char path[160];
	for (size_t i = 0; i < nw; i++) {
		wr *w = W[i];
		bool now = w->round >= check_from;
		if (w->kind == W_CUSTODY && (w->state == S_ACKED || now)) {
			snprintf(path, sizeof(path), "/api/v1/evidence/%lld/custody",
			         (long long)w->parent);
			int n = count_field(get_cached(token, path), "reason", w->tag, false);
			if (w->state == S_ACKED ? n != 1 : n > (w->state == S_REFUSED ? 0 : 1))
				problem("custody event %s: %d in the chain", w->tag, n);
		} else if (w->kind == W_IMPORT && (w->state == S_ACKED || now)) {
			char prefix[80];
			snprintf(path, sizeof(path), "/api/v1/cases/%lld/entities", (long long)w->parent);
			snprintf(prefix, sizeof(prefix), "%s-", w->tag);
			int n = count_field(get_cached(token, path), "label", prefix, true);
			if (w->state == S_ACKED ? n != w->rows
			                        : (n != 0 && (n != w->rows || w->state == S_REFUSED)))
				problem("import %s: %d of its %d entities after the restart (%s)", w->tag, n,
				        w->rows, w->state == S_ACKED ? "acknowledged" : "not acknowledged");
		} else if (w->kind == W_UPDATE && (w->state == S_ACKED || now)) {
			snprintf(path, sizeof(path), "/api/v1/actiondays/%lld/updates",
			         (long long)w->day);
			/* Paged by 1000: fetch the whole history once per pass. */
			json_t *all = NULL;
			for (size_t c = 0; c < ncache; c++)
				if (!strcmp(cache[c].path, path))
					all = cache[c].json;
			if (!all) {
				all = json_array();
				for (int64_t after = 0;;) {
					json_t *page = NULL, *e;
					size_t k;
					long st = api_getf(token, &page, "%s?after=%lld", path, (long long)after);
					if (st != 200)
						problem("GET %s answered %ld", path, st);
					json_array_foreach(page, k, e) {
						json_array_append(all, e);
						after = json_integer_value(json_object_get(e, "seq"));
					}
					size_t got = json_array_size(page);
					json_decref(page);
					if (st != 200 || got < 1000)
						break;
				}
				cache = realloc(cache, (ncache + 1) * sizeof(*cache));
				snprintf(cache[ncache].path, sizeof(cache[ncache].path), "%s", path);
				cache[ncache++].json = all;
			}
			int n = count_field(all, "result", w->tag, false);
			if (w->state == S_ACKED ? n != 1 : n > (w->state == S_REFUSED ? 0 : 1))
				problem("action update %s: %d in the day's history", w->tag, n);
		} else {
			continue;
		}
		if (w->state == S_ACKED)
			acked_checked++;
	}
}

/* Runs the custodia CLI with args (NULL-terminated); its output in out (caller frees). */
static int cli(char **out, const char *const *args)
{
	char file[320];
	const char *argv[16];
	int n = 0, st;
	argv[n++] = getenv("CU_BIN");
	for (; *args && n < 13; args++)
		argv[n++] = *args;
	argv[n++] = "--data";
	argv[n++] = api_srv.data;
	argv[n] = NULL;
	snprintf(file, sizeof(file), "%s/cli.out", api_srv.root);
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0)
			_exit(126);
		dup2(fd, 1);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	FILE *f = fopen(file, "r");
	size_t cap = 1 << 16, len = 0, k;
	*out = malloc(cap);
	while (f && (k = fread(*out + len, 1, cap - len - 1, f)) > 0)
		if ((len += k) == cap - 1 && !(*out = realloc(*out, cap *= 2)))
			abort();
	(*out)[len] = '\0';
	if (f)
		fclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int count_files(const char *dir, bool blobs)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char sub[600];
	int n = 0;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (!blobs) {
			n++;
			continue;
		}
		if (strlen(e->d_name) != 2)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
		n += count_files(sub, false);
	}
	if (d)
		closedir(d);
	return n;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The CLI's verifiers pass, and the store holds one blob per distinct
 * (case, SHA-256) of the items (plus what the demo extracted), no temporary
 * file. Returns the number of distinct blobs named, or -1.
 */
static int check_store(bool verifiers, bool baseline)
{
	char dir[400], *out = NULL;
	snprintf(dir, sizeof(dir), "%s/blobs/tmp", api_srv.data);
	int tmp = count_files(dir, false);
	if (tmp)
		problem("%d temporary file(s) left in %s after the restart", tmp, dir);
	snprintf(dir, sizeof(dir), "%s/blobs", api_srv.data);
	int files = count_files(dir, true), distinct = -1;
	if (!verifiers)
		return -1;
	const char *ev[] = {"evidence", "verify", "--json", NULL};
	int st = cli(&out, ev);
	json_t *rep = json_loads(out, 0, NULL), *e;
	if (st != 0 || !json_is_array(rep)) {
		problem("custodia evidence verify exited %d: %.400s", st, out);
	} else {
		size_t i, n = json_array_size(rep);
		char **keys = calloc(n + 1, sizeof(*keys));
		json_array_foreach(rep, i, e) {
			if (strcmp(jstr(e, "status"), "ok"))
				problem("custodia evidence verify: item %lld is %s",
				        (long long)json_integer_value(json_object_get(e, "id")),
				        json_string_value(json_object_get(e, "status")));
			keys[i] = malloc(96);
			snprintf(keys[i], 96, "%lld/%s",
			         (long long)json_integer_value(json_object_get(e, "case_id")),
			         jstr(e, "sha256"));
		}
		qsort(keys, n, sizeof(*keys), cmp_str);
		distinct = 0;
		for (i = 0; i < n; i++)
			distinct += i == 0 || strcmp(keys[i], keys[i - 1]) != 0;
		for (i = 0; i < n; i++)
			free(keys[i]);
		free(keys);
		if (!baseline && files != distinct + extra_blobs)
			problem("the blob store holds %d blobs where the records name %d (+%d texts): "
			        "orphans or missing blobs", files, distinct, extra_blobs);
	}
	json_decref(rep);
	free(out);
	const char *lv[] = {"ledger", "verify", "--json", NULL};
	st = cli(&out, lv);
	rep = json_loads(out, 0, NULL);
	if (st != 0 || !json_is_true(json_object_get(rep, "ok")))
		problem("custodia ledger verify exited %d: %.400s", st, out);
	/* Acknowledged entries stay: the log never shrinks across a crash. */
	static json_int_t last_size;
	json_int_t size = json_integer_value(json_object_get(rep, "size"));
	if (baseline)
		last_size = 0;
	if (size < last_size)
		problem("the ledger has %lld entries, fewer than the %lld before", (long long)size,
		        (long long)last_size);
	last_size = size;
	json_decref(rep);
	free(out);
	return distinct < 0 ? -1 : files - distinct;
}

/*
 * Each client's action day: its updates numbered 1..n without a gap or a
 * repeat, the day's last_seq n (a crash must not lose or reuse a number, or
 * a live view resuming from Last-Event-ID would skip or repeat updates).
 */
static int64_t days[8];
static size_t ndays;

static void check_days(const char *token)
{
	char path[160];
	for (size_t d = 0; d < ndays; d++) {
		snprintf(path, sizeof(path), "/api/v1/actiondays/%lld/updates", (long long)days[d]);
		json_t *all = NULL, *e, *day = NULL;
		for (size_t c = 0; c < ncache; c++)
			if (!strcmp(cache[c].path, path))
				all = cache[c].json;
		if (!all)
			continue; /* no update of this day to check in this pass */
		size_t k;
		json_array_foreach(all, k, e)
			if (json_integer_value(json_object_get(e, "seq")) != (json_int_t)k + 1)
				problem("action day %lld: update %zu has the number %lld", (long long)days[d],
				        k + 1, (long long)json_integer_value(json_object_get(e, "seq")));
		if (api_getf(token, &day, "/api/v1/actiondays/%lld", (long long)days[d]) != 200 ||
		    json_integer_value(json_object_get(day, "last_seq")) != (json_int_t)k)
			problem("action day %lld: last_seq %lld with %zu updates", (long long)days[d],
			        (long long)json_integer_value(json_object_get(day, "last_seq")), k);
		json_decref(day);
	}
}

static void check_all(const char *token, bool verifiers)
{
	cache_clear();
	check_store(verifiers, false);
	check_cases(token);
	check_items(token);
	check_rest(token);
	check_days(token);
	cache_clear();
	free(refs);
	refs = NULL;
	nrefs = 0;
}

/* ---- setting up, running rounds ------------------------------------------ */

static void sleep_ms(long ms);
static int64_t startup_ms = 50; /* the last start's, spawn to ready */

static void start_server(const char *preload)
{
	if (preload)
		setenv("LD_PRELOAD", preload, 1);
	int64_t t0 = api_now_ms();
	int r = api_server_start(&api_srv);
	unsetenv("LD_PRELOAD");
	assert_int_equal(r, 0);
	startup_ms = api_now_ms() - t0;
}

/*
 * Kills a starting server at a random moment of its start (opening the
 * store, sweeping what the last crash left, registering the node, signing
 * the first checkpoint); true if the kill came before it was ready.
 */
static bool kill_during_startup(uint64_t *rng)
{
	int st;
	assert_int_equal(api_server_spawn(&api_srv), 0);
	sleep_ms((long)below(rng, (uint64_t)(startup_ms > 1 ? startup_ms : 1)));
	bool early = access(api_srv.ready, F_OK) != 0;
	assert_int_equal(api_server_stop(&api_srv, SIGKILL, &st), 0);
	return early;
}

static void setup(client *cl, int n)
{
	char body[512], ref[32];
	json_t *j = NULL;
	cur_round = 0;
	/* The demo's cases, and the blobs no item names, are the baseline. */
	baseline_cases = api_case_ids(cl[0].token ? cl[0].token : "", &nbaseline);
	for (int k = 0; k < n; k++) {
		char tag[64];
		snprintf(tag, sizeof(tag), "crash-%" PRIu64 "-setup-c%d", seed % 100000, k);
		cl[k].rng = seed * 31 + (uint64_t)k;
		assert_int_equal(w_case(&cl[k], tag), 0);
		int64_t cid = W[nw - 1]->id;
		assert_int_equal(W[nw - 1]->state, S_ACKED);
		assert_int_equal(api_getf(cl[k].token, &j, "/api/v1/cases/%lld", (long long)cid), 200);
		snprintf(ref, sizeof(ref), "%s", jstr(j, "reference"));
		json_decref(j);
		snprintf(body, sizeof(body), "{\"case\":\"%s\",\"title\":\"%s\",\"day\":\"2026-12-01\","
		         "\"timezones\":{\"SE\":\"Europe/Stockholm\"},\"actions\":[{\"kind\":"
		         "\"house_search\",\"country\":\"SE\",\"org\":\"SE\",\"planned_time\":"
		         "\"06:00\"}]}", ref, tag);
		long st = 0;
		api_request("POST", "/api/v1/actiondays", cl[k].token, body, &st, &j);
		if (st != 201)
			fprintf(stderr, "crash: action day: %ld %s\n", st, json_dumps(j, 0));
		assert_int_equal(st, 201);
		cl[k].day = json_integer_value(json_object_get(j, "id"));
		days[ndays++] = cl[k].day;
		cl[k].action = json_integer_value(json_object_get(
			json_array_get(json_object_get(j, "actions"), 0), "id"));
		json_decref(j);
		strcat(tag, "-item");
		assert_int_equal(w_item(&cl[k], tag), 0);
		assert_int_equal(W[nw - 1]->state, S_ACKED);
	}
}

static void clients_login(client *cl, int n)
{
	for (int k = 0; k < n; k++) {
		memset(&cl[k], 0, sizeof(cl[k]));
		cl[k].n = k;
		cl[k].token = api_login_demo("se");
	}
}

static void clients_free(client *cl, int n)
{
	for (int k = 0; k < n; k++)
		free(cl[k].token);
}

/* Starts the clients on round `round`; returns once they are running. */
static void clients_start(client *cl, pthread_t *tid, int n, int round)
{
	cur_round = round;
	atomic_store(&stop, 0);
	for (int k = 0; k < n; k++) {
		cl[k].rng = seed * 1000003u + (uint64_t)round * 31 + (uint64_t)k;
		assert_int_equal(pthread_create(&tid[k], NULL, client_run, &cl[k]), 0);
	}
}

static void clients_join(pthread_t *tid, int n)
{
	atomic_store(&stop, 1);
	for (int k = 0; k < n; k++)
		pthread_join(tid[k], NULL);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static long env_long(const char *name, long def)
{
	const char *v = getenv(name);
	return v && *v ? strtol(v, NULL, 10) : def;
}

static void reset(void)
{
	for (size_t i = 0; i < nw; i++)
		free(W[i]);
	free(W);
	W = NULL;
	nw = capw = 0;
	free(cases);
	free(items);
	cases = items = NULL;
	ncases = nitems = 0;
	free(baseline_cases);
	baseline_cases = NULL;
	nbaseline = 0;
	ndays = 0;
	acked_checked = 0;
	atomic_store(&failures, 0);
}

static void report(const char *what, int kills, int64_t t0)
{
	long counts[W_NKINDS][4] = {{0}};
	for (size_t i = 0; i < nw; i++)
		counts[W[i]->kind][W[i]->state]++;
	fprintf(stderr, "crash: %s: %d kills, %.1f s, seed %" PRIu64 "\n", what, kills,
	        (double)(api_now_ms() - t0) / 1000.0, seed);
	for (int k = 0; k < W_NKINDS; k++)
		fprintf(stderr, "crash:   %-8s %6ld acknowledged, %4ld cut off, %4ld 5xx, %4ld 4xx\n",
		        kind_name[k], counts[k][S_ACKED], counts[k][S_PENDING], counts[k][S_ERROR],
		        counts[k][S_REFUSED]);
	fprintf(stderr, "crash:   %ld checks of acknowledged writes, %d failures\n", acked_checked,
	        atomic_load(&failures));
}

static void test_crash__sigkill(void **state)
{
	(void)state;
	client cl[CLIENTS];
	pthread_t tid[CLIENTS];
	int kills = (int)env_long("CU_CRASH_KILLS", 20);
	int every = (int)env_long("CU_CRASH_VERIFY_EVERY", kills <= 20 ? 1 : 5);
	uint64_t krng = seed ^ 0x5bd1e995u;
	int64_t t0 = api_now_ms();
	reset();
	failing_disk = false;
	assert_int_equal(api_server_prepare(&api_srv), 0);
	start_server(NULL);
	clients_login(cl, CLIENTS);
	setup(cl, CLIENTS);
	extra_blobs = check_store(true, true);
	assert_true(extra_blobs >= 0);
	assert_int_equal(atomic_load(&failures), 0);

	int done = 0, startup_kills = 0;
	for (int round = 1; round <= kills; round++, done++) {
		clients_start(cl, tid, CLIENTS, round);
		/* Kill at a random moment: early (mid-first-request) to late (many writes). */
		long delay = 5 + (long)below(&krng, below(&krng, 4) ? 400 : 1500);
		sleep_ms(delay);
		int st;
		assert_int_equal(api_server_stop(&api_srv, SIGKILL, &st), 0);
		clients_join(tid, CLIENTS);
		/* Every other round, a second kill while the server starts again. */
		if (below(&krng, 2))
			startup_kills += kill_during_startup(&krng);
		start_server(NULL);
		check_from = round;
		check_all(cl[0].token, round % every == 0 || round == kills);
		if (atomic_load(&failures)) {
			api_server_dump_log(&api_srv);
			done++;
			break;
		}
		if (round % 10 == 0)
			fprintf(stderr, "crash: %d kills, %zu writes so far\n", round, nw);
	}
	report("SIGKILL", done, t0);
	fprintf(stderr, "crash: and %d kills during a start, before it was ready\n", startup_kills);
	clients_free(cl, CLIENTS);
	int st;
	api_server_stop(&api_srv, SIGTERM, &st);
	int failed = atomic_load(&failures);
	if (!failed)
		api_server_destroy(&api_srv);
	else
		fprintf(stderr, "crash: the data directory is kept in %s\n", api_srv.root);
	assert_int_equal(failed, 0);
}

/* ---- a failing disk ------------------------------------------------------ */

static int count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	int n = 0, c;
	while (f && (c = fgetc(f)) != EOF)
		n += c == '\n';
	if (f)
		fclose(f);
	return n;
}

/*
 * One server run on a failing disk: the shim fails writes and syncs under
 * dir (with errno err, each with probability prob) while the clients write
 * for ms milliseconds; then the disk heals and the same server must take
 * writes again. Every answer must be a 2xx or a 5xx with the error envelope,
 * never a hang or a crash. Then the server is restarted without the shim
 * and the store checked.
 */
static void failing_round(client *cl, pthread_t *tid, int *round, const char *dir,
                          const char *err, const char *prob, long ms)
{
	char armed[400], log[400];
	int st;
	snprintf(armed, sizeof(armed), "%s/failio.armed", api_srv.root);
	snprintf(log, sizeof(log), "%s/failio.log", api_srv.root);
	int before = count_lines(log);
	setenv("CU_FAILIO_DIR", dir, 1);
	setenv("CU_FAILIO_ERRNO", err, 1);
	setenv("CU_FAILIO_PROB", prob, 1);
	setenv("CU_FAILIO_ARM", armed, 1);
	setenv("CU_FAILIO_LOG", log, 1);
	/* A blob whose sync failed is gone: acknowledging it would lose it. */
	setenv("CU_FAILIO_LOSE", "/blobs/tmp/", 1);
	char seedtext[32];
	snprintf(seedtext, sizeof(seedtext), "%" PRIu64, seed + (uint64_t)*round);
	setenv("CU_FAILIO_SEED", seedtext, 1);
	assert_int_equal(api_server_stop(&api_srv, SIGTERM, &st), 0);
	start_server(getenv("CU_FAILIO"));
	unsetenv("CU_FAILIO_DIR");

	check_from = ++*round;
	int fd = open(armed, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	close(fd);
	failing_disk = true;
	atomic_store(&full_disk, 0);
	atomic_store(&answered, 0);
	clients_start(cl, tid, CLIENTS, *round);
	/* At least ms, and enough answers to have met the failures (a loaded machine is slow). */
	int64_t t = api_now_ms();
	sleep_ms(ms);
	while (atomic_load(&answered) < 60 && api_now_ms() - t < 20000)
		sleep_ms(50);
	clients_join(tid, CLIENTS);
	unlink(armed);
	failing_disk = false;
	int injected = count_lines(log) - before;
	fprintf(stderr, "crash: %s failing under %s with p=%s: %d failures injected\n", err, dir,
	        prob, injected);
	if (injected == 0)
		problem("no failure was injected: the shim did not take hold");
	/* A full disk is told apart from a fault: 507, so a client knows to wait. */
	if (!strcmp(err, "ENOSPC") && atomic_load(&full_disk) == 0)
		problem("a full disk was never answered 507 Insufficient Storage");
	fprintf(stderr, "crash: %d answers 507\n", atomic_load(&full_disk));
	if (waitpid(api_srv.pid, &st, WNOHANG) == api_srv.pid) {
		api_srv.pid = 0;
		problem("the server died on the failing disk (status %d)", st);
		start_server(NULL);
	}

	/* Healed: the same process takes every write again. */
	clients_start(cl, tid, CLIENTS, ++*round);
	sleep_ms(500);
	clients_join(tid, CLIENTS);

	assert_int_equal(api_server_stop(&api_srv, SIGTERM, &st), 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		problem("after a failing disk, SIGTERM ended the server with status %d", st);
	start_server(NULL);
	check_all(cl[0].token, true);
}

static void test_crash__failing_disk(void **state)
{
	(void)state;
	client cl[CLIENTS];
	pthread_t tid[CLIENTS];
	char dir[400];
	int round = 0;
	int64_t t0 = api_now_ms();
	if (!getenv("CU_FAILIO")) {
		fprintf(stderr, "crash: CU_FAILIO (the shim's path) is not set: run through ctest\n");
		fail();
	}
	reset();
	assert_int_equal(api_server_prepare(&api_srv), 0);
	start_server(NULL);
	clients_login(cl, CLIENTS);
	setup(cl, CLIENTS);
	extra_blobs = check_store(true, true);
	assert_true(extra_blobs >= 0);

	/* A full disk under the blobs only, then failing writes and syncs of
	 * everything in the data directory (SQLite's files too). */
	snprintf(dir, sizeof(dir), "%s/blobs", api_srv.data);
	failing_round(cl, tid, &round, dir, "ENOSPC", "0.3", 1500);
	failing_round(cl, tid, &round, api_srv.data, "EIO", "0.05", 1500);
	failing_round(cl, tid, &round, api_srv.data, "ENOSPC", "0.5", 1000);
	report("failing disk", 0, t0);
	clients_free(cl, CLIENTS);
	int st;
	api_server_stop(&api_srv, SIGTERM, &st);
	int failed = atomic_load(&failures);
	if (!failed)
		api_server_destroy(&api_srv);
	else
		fprintf(stderr, "crash: the data directory is kept in %s\n", api_srv.root);
	assert_int_equal(failed, 0);
}

/* ---- what a SIGKILL cannot show: the order of syncs -------------------- */

/* The lines of a failio trace, for the checks below. */
typedef struct tline {
	char op[16];
	char path[600], to[600]; /* to: renames */
} tline;

static bool synced_at(const tline *t, size_t i, const char *path)
{
	return (!strcmp(t[i].op, "fsync") || !strcmp(t[i].op, "fdatasync")) &&
	       !strcmp(t[i].path, path);
}

/*
 * What a blob's acknowledgement stands on, in the order failio traced it:
 *   1. its temporary file is synced before it is renamed into place;
 *   2. its new name's directory DIR/<aa> is synced after the rename;
 *   3. when DIR/<aa> is new, its own name in DIR is synced before DIR/<aa>
 *      first is (else a power cut can take the directory and every blob in it).
 * The page cache survives a SIGKILL, so none of this shows in the kill test.
 */
static void test_crash__sync_order(void **state)
{
	(void)state;
	client cl[1];
	char dir[400], tracefile[400], line[1300];
	if (!getenv("CU_FAILIO")) {
		fprintf(stderr, "crash: CU_FAILIO (the shim's path) is not set: run through ctest\n");
		fail();
	}
	reset();
	assert_int_equal(api_server_prepare(&api_srv), 0);
	snprintf(dir, sizeof(dir), "%s/blobs", api_srv.data);
	snprintf(tracefile, sizeof(tracefile), "%s/trace", api_srv.root);
	setenv("CU_FAILIO_DIR", dir, 1);
	setenv("CU_FAILIO_TRACE", tracefile, 1);
	start_server(getenv("CU_FAILIO"));
	unsetenv("CU_FAILIO_DIR");
	unsetenv("CU_FAILIO_TRACE");
	clients_login(cl, 1);
	setup(cl, 1);
	for (int k = 0; k < 40; k++) {
		char tag[64];
		snprintf(tag, sizeof(tag), "crash-%" PRIu64 "-sync-%d", seed % 100000, k);
		assert_int_equal(w_item(&cl[0], tag), 0);
	}
	clients_free(cl, 1);
	int st;
	assert_int_equal(api_server_stop(&api_srv, SIGTERM, &st), 0);

	tline *t = NULL;
	size_t n = 0;
	FILE *f = fopen(tracefile, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		t = realloc(t, (n + 1) * sizeof(*t));
		memset(&t[n], 0, sizeof(t[n]));
		if (sscanf(line, "%15s %599s -> %599s", t[n].op, t[n].path, t[n].to) >= 2)
			n++;
	}
	fclose(f);

	int renames = 0, created = 0, bad = 0;
	size_t dl = strlen(dir);
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(t[i].op, "rename")) {
			renames++;
			char todir[600];
			snprintf(todir, sizeof(todir), "%s", t[i].to);
			char *slash = strrchr(todir, '/');
			if (slash)
				*slash = '\0';
			bool before = false, after = false;
			for (size_t j = 0; j < i && !before; j++)
				before = synced_at(t, j, t[i].path);
			for (size_t j = i + 1; j < n && !after; j++)
				after = synced_at(t, j, todir);
			if (!before)
				fprintf(stderr, "crash: %s was renamed into place unsynced\n", t[i].path);
			if (!after)
				fprintf(stderr, "crash: %s was not synced after a blob was placed in it\n",
				        todir);
			bad += !before + !after;
			continue;
		}
		const char *rest = t[i].path + dl;
		unsigned aa;
		if (strncmp(t[i].path, dir, dl) != 0 || strlen(rest) != 3 || rest[0] != '/' ||
		    sscanf(rest + 1, "%2x", &aa) != 1)
			continue;
		if (!strcmp(t[i].op, "mkdir")) {
			created++;
			/* The first sync of DIR/<aa> comes after a sync of DIR that follows this. */
			size_t first = n, root = n;
			for (size_t j = i + 1; j < n && first == n; j++)
				if (synced_at(t, j, t[i].path))
					first = j;
			for (size_t j = i + 1; j < first && root == n; j++)
				if (synced_at(t, j, dir))
					root = j;
			if (first < n && root == n) {
				fprintf(stderr, "crash: %s was synced with its own name in %s unsynced\n",
				        t[i].path, dir);
				bad++;
			}
		}
	}
	free(t);
	fprintf(stderr, "crash: sync order: %d renames, %d directories made, %d faults\n",
	        renames, created, bad);
	assert_true(renames >= 40 && created > 0); /* else the test showed nothing */
	assert_int_equal(bad, 0);
	api_server_destroy(&api_srv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crash__sigkill),
		cmocka_unit_test(test_crash__failing_disk),
		cmocka_unit_test(test_crash__sync_order),
	};
	seed = (uint64_t)env_long("CU_CRASH_SEED", 0);
	if (!seed)
		seed = (uint64_t)time(NULL) * 1000 + (uint64_t)getpid() % 1000;
	fprintf(stderr, "crash: seed %" PRIu64 " (replay the choice of writes with "
	        "CU_CRASH_SEED=%" PRIu64 ")\n", seed, seed);
	/* e.g. CU_CRASH_TESTS='*sigkill' for the long run alone */
	if (getenv("CU_CRASH_TESTS"))
		cmocka_set_test_filter(getenv("CU_CRASH_TESTS"));
	curl_global_init(CURL_GLOBAL_DEFAULT);
	int r = cmocka_run_group_tests_name("crash", tests, NULL, NULL);
	curl_global_cleanup();
	return r;
}
