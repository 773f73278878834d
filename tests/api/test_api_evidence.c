/* SPDX-License-Identifier: Apache-2.0 */
/* api tests: evidence over HTTP: uploads, downloads, need-to-know, grants, integrity, erasure. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "harness.h"

#define MIB ((size_t)1 << 20)

/* ---- tokens, one login per demo user ------------------------------------ */

static struct {
	const char *user;
	char *token;
} tokens[] = {
	{"se", NULL},  {"se-analyst", NULL}, {"se-observer", NULL}, {"rs", NULL},
	{"interpol", NULL}, {"de", NULL}, {"lt", NULL}, {"pl", NULL}, {"ua", NULL},
	{"icc", NULL}, {"iiim", NULL}, {"iimm", NULL}, {"ohchr", NULL}, {"unitad", NULL},
	{"fr", NULL},
};

static const char *T(const char *user)
{
	for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++) {
		if (strcmp(tokens[i].user, user) != 0)
			continue;
		if (!tokens[i].token)
			tokens[i].token = api_login_demo(user);
		return tokens[i].token;
	}
	fail_msg("no token slot for %s", user);
	return NULL;
}

static int setup(void **state)
{
	return api_group_setup(state);
}

static int teardown(void **state)
{
	for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++) {
		free(tokens[i].token);
		tokens[i].token = NULL;
	}
	return api_group_teardown(state);
}

/* ---- small helpers ------------------------------------------------------- */

/* Deterministic pseudo-random bytes (xorshift64), so failures reproduce. */
static unsigned char *fill_bytes(size_t n, uint64_t seed)
{
	unsigned char *p = malloc(n ? n : 1);
	assert_non_null(p);
	uint64_t x = seed | 1;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (unsigned char)(x >> 24);
	}
	return p;
}

static void sha_hex(char out[65], const void *data, size_t len)
{
	uint8_t d[32];
	cu_sha256(d, data, len);
	cu_hex(out, d, 32);
}

/* Standard base64 with padding, written here so the header is checked independently. */
static void b64(char *out, const uint8_t *in, size_t n)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = a[v >> 18 & 63];
		out[o++] = a[v >> 12 & 63];
		out[o++] = i + 1 < n ? a[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? a[v & 63] : '=';
	}
	out[o] = '\0';
}

static void today(char out[11])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static const char *jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int64_t jint(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static void dump(const char *what, const json_t *j)
{
	char *t = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	fprintf(stderr, "%s: %s\n", what, t ? t : "(no JSON)");
	free(t);
}

/* The sorted ids of a JSON array of items; returns how many. */
static size_t ids_of(const json_t *list, int64_t *ids, size_t max)
{
	size_t i, n = 0;
	json_t *it;
	json_array_foreach(list, i, it)
		if (n < max)
			ids[n++] = jint(it, "id");
	return n;
}

/* Asserts that GET path as user answers 200 with exactly the items want (in id order). */
static void assert_item_list(const char *user, const char *path, const int64_t *want, size_t n)
{
	json_t *list = NULL;
	int64_t got[64];
	long st = api_getf(T(user), &list, "%s", path);
	if (st != 200)
		dump(path, list);
	assert_int_equal(st, 200);
	assert_true(json_is_array(list));
	size_t k = ids_of(list, got, 64);
	if (k != n)
		dump(path, list);
	assert_int_equal(k, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(got[i], want[i]);
	json_decref(list);
}

static int64_t fresh_case(const char *title)
{
	char body[512];
	snprintf(body, sizeof(body),
	         "{\"title\":\"%s\",\"crime_types\":[\"other\"],\"participants\":"
	         "[{\"org\":\"RS\",\"access\":\"participant\"},{\"org\":\"INTERPOL\","
	         "\"access\":\"observer\"}]}", title);
	return api_case_create(T("se"), body);
}

/* ---- uploads ------------------------------------------------------------- */

/* POST /api/v1/cases/{case_seg}/uploads; returns the status and the answer. */
static long upload_start_raw(const char *user, const char *case_seg, const char *meta,
                             json_t **out)
{
	char path[256];
	long st = 0;
	snprintf(path, sizeof(path), "/api/v1/cases/%s/uploads", case_seg);
	api_request("POST", path, T(user), meta, &st, out);
	return st;
}

/* Starts an upload, asserting 201 at offset 0; returns its id (caller frees). */
static char *upload_start(const char *user, int64_t case_id, const char *meta)
{
	char seg[24];
	json_t *out = NULL;
	snprintf(seg, sizeof(seg), "%lld", (long long)case_id);
	long st = upload_start_raw(user, seg, meta, &out);
	if (st != 201)
		dump("upload start", out);
	assert_int_equal(st, 201);
	assert_int_equal(jint(out, "offset"), 0);
	assert_true(json_is_string(json_object_get(out, "id")));
	assert_int_equal(strlen(jstr(out, "id")), 32);
	assert_int_equal(jint(out, "chunk_max"), 8 * MIB);
	char *id = strdup(jstr(out, "id"));
	json_decref(out);
	return id;
}

static long put_chunk(const char *user, const char *id, size_t offset, const void *data,
                      size_t len, json_t **out)
{
	char path[256];
	snprintf(path, sizeof(path), "/api/v1/uploads/%s?offset=%zu", id, offset);
	return api_put_raw(T(user), path, data, len, out);
}

/* The offset the server reports for an upload, or -status if it has none. */
static long long upload_offset(const char *user, const char *id)
{
	json_t *out = NULL;
	long st = api_getf(T(user), &out, "/api/v1/uploads/%s", id);
	long long off = st == 200 ? (long long)jint(out, "offset") : -st;
	json_decref(out);
	return off;
}

static long complete_raw(const char *user, const char *id, const char *sha, json_t **out)
{
	char path[256], body[128];
	long st = 0;
	snprintf(path, sizeof(path), "/api/v1/uploads/%s/complete", id);
	if (sha)
		snprintf(body, sizeof(body), "{\"sha256\":\"%s\"}", sha);
	api_request("POST", path, T(user), sha ? body : NULL, &st, out);
	return st;
}

/* A whole upload in chunks of chunk bytes; returns the registered item (caller decrefs). */
static json_t *upload(const char *user, int64_t case_id, const char *meta, const void *data,
                      size_t len, size_t chunk)
{
	char *id = upload_start(user, case_id, meta);
	size_t off = 0;
	while (off < len) {
		size_t n = len - off < chunk ? len - off : chunk;
		json_t *out = NULL;
		long st = put_chunk(user, id, off, (const char *)data + off, n, &out);
		if (st != 200)
			dump("chunk", out);
		assert_int_equal(st, 200);
		off += n;
		assert_int_equal(jint(out, "offset"), (json_int_t)off);
		json_decref(out);
	}
	char sha[65];
	sha_hex(sha, data, len);
	json_t *item = NULL;
	long st = complete_raw(user, id, sha, &item);
	if (st != 201)
		dump("complete", item);
	assert_int_equal(st, 201);
	assert_string_equal(jstr(item, "sha256"), sha);
	assert_int_equal(jint(item, "size"), (json_int_t)len);
	free(id);
	return item;
}

static int64_t upload_id(const char *user, int64_t case_id, const char *meta, const void *data,
                         size_t len)
{
	json_t *item = upload(user, case_id, meta, data, len, MIB);
	int64_t id = jint(item, "id");
	json_decref(item);
	return id;
}

/* GET (or HEAD) the content of an item with an optional Range header. */
static void content(api_resp *r, const char *user, const char *method, int64_t id,
                    const char *range)
{
	char path[128], hdr[128];
	snprintf(path, sizeof(path), "/api/v1/evidence/%lld/content", (long long)id);
	api_req rq = {.method = method, .path = path, .token = T(user)};
	if (range) {
		snprintf(hdr, sizeof(hdr), "Range: %s", range);
		rq.headers[0] = hdr;
	}
	/* A transfer cut short fails the exchange but keeps its status and the bytes received. */
	(void)api_send(&rq, r);
}

static long content_status(const char *user, int64_t id)
{
	api_resp r;
	content(&r, user, "GET", id, NULL);
	long st = r.status;
	api_resp_free(&r);
	return st;
}

/* ---- the vault on disk ----------------------------------------------------- */

typedef struct blobset {
	char (*v)[300];
	size_t n;
} blobset;

/* The blob files DATA/blobs/??/* (not tmp/). */
static blobset blobs_now(void)
{
	blobset s = {NULL, 0};
	size_t cap = 0;
	char dir[400];
	snprintf(dir, sizeof(dir), "%s/blobs", api_srv.data);
	DIR *d = opendir(dir);
	assert_non_null(d);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strlen(e->d_name) != 2 || e->d_name[0] == '.')
			continue;
		char sub[700];
		snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
		DIR *d2 = opendir(sub);
		if (!d2)
			continue;
		struct dirent *f;
		while ((f = readdir(d2))) {
			if (f->d_name[0] == '.')
				continue;
			if (s.n == cap) {
				cap = cap ? cap * 2 : 64;
				s.v = realloc(s.v, cap * sizeof(*s.v));
				assert_non_null(s.v);
			}
			snprintf(s.v[s.n++], sizeof(*s.v), "%.2s/%.250s", e->d_name, f->d_name);
		}
		closedir(d2);
	}
	closedir(d);
	return s;
}

static bool blobset_has(const blobset *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], name))
			return true;
	return false;
}

/* The one blob in after that is not in before (asserting there is exactly one). */
static void blob_added(char *out, size_t n, const blobset *before, const blobset *after)
{
	size_t added = 0;
	for (size_t i = 0; i < after->n; i++)
		if (!blobset_has(before, after->v[i])) {
			snprintf(out, n, "%s/blobs/%s", api_srv.data, after->v[i]);
			added++;
		}
	assert_int_equal(added, 1);
}

static bool blobsets_equal(const blobset *a, const blobset *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (!blobset_has(b, a->v[i]))
			return false;
	return true;
}

static size_t tmp_files(void)
{
	char dir[400];
	size_t n = 0;
	snprintf(dir, sizeof(dir), "%s/blobs/tmp", api_srv.data);
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *e;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Flips the byte at offset in a file. */
static void corrupt(const char *path, off_t offset)
{
	int fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	unsigned char c;
	assert_int_equal(pread(fd, &c, 1, offset), 1);
	c ^= 0x5a;
	assert_int_equal(pwrite(fd, &c, 1, offset), 1);
	close(fd);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* A custody list's events named ev (optionally with a detail key). */
static size_t count_events(const json_t *custody, const char *ev)
{
	size_t i, n = 0;
	json_t *e;
	json_array_foreach(custody, i, e)
		n += jstr(e, "event") && !strcmp(jstr(e, "event"), ev);
	return n;
}

/* ---- 0. the demo evidence is what the other tests assume ------------------- */

static void test_api_evidence__demo_items_as_described(void **state)
{
	(void)state;
	static const struct {
		int64_t id;
		const char *ref, *originator, *user;
	} items[] = {
		{1, "2026/0001", "SE", "se"}, {2, "2026/0001", "SE", "se"},
		{3, "2026/0001", "RS", "se"}, {4, "2022/0001", "UA", "lt"},
		{5, "2022/0001", "LT", "lt"}, {6, "2024/0001", "UNITAD", "fr"},
		{7, "2024/0001", "FR", "fr"},
	};
	for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		json_t *it = NULL;
		assert_int_equal(api_getf(T(items[i].user), &it, "/api/v1/evidence/%lld",
		                          (long long)items[i].id), 200);
		assert_string_equal(jstr(it, "case_reference"), items[i].ref);
		assert_string_equal(jstr(it, "originator"), items[i].originator);
		assert_string_equal(jstr(it, "integrity"), "ok");
		assert_true(json_is_null(json_object_get(it, "erased_at")));
		json_decref(it);
	}
	json_t *g = NULL;
	assert_int_equal(api_getf(T("lt"), &g, "/api/v1/grants/1"), 200);
	assert_string_equal(jstr(g, "org"), "ICC");
	assert_int_equal(json_array_size(json_object_get(g, "items")), 1);
	assert_int_equal(jint(json_array_get(json_object_get(g, "items"), 0), "id"), 5);
	json_decref(g);
}

/* ---- 1. upload round trip, download, ranges -------------------------------- */

static const char pdf_meta[] =
	"{\"title\":\"Bank statements seized in Malmo\",\"description\":\"Seized on the action day\","
	"\"original_name\":\"statements.pdf\",\"collected_by\":\"Inspector A. Berg\","
	"\"collected_by_org\":\"SE\",\"collected_at\":\"2026-03-05T10:30:00Z\","
	"\"method\":\"house search\",\"source_url\":\"https://example.org/seizure/1\","
	"\"source_place\":\"Malmo\",\"latitude\":55.6,\"longitude\":13.0,\"language\":\"sv\","
	"\"legal_status\":\"seized under warrant B 12-26\",\"tags\":[\"seized\",\"bank\"],"
	"\"size\":2621500}";

static void test_api_evidence__upload_round_trip(void **state)
{
	(void)state;
	int64_t cid = fresh_case("Upload round trip");
	const size_t len = 2621500; /* 2.5 MiB and a bit: three chunks, 41 units of 64 KiB */
	unsigned char *data = fill_bytes(len, 42);
	static const char head[] = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n"
	                           "endobj\n";
	memcpy(data, head, sizeof(head) - 1);
	char sha[65];
	sha_hex(sha, data, len);

	char *id = upload_start("se", cid, pdf_meta);
	assert_int_equal(upload_offset("se", id), 0);
	size_t off = 0;
	while (off < len) {
		size_t n = len - off < MIB ? len - off : MIB;
		json_t *out = NULL;
		assert_int_equal(put_chunk("se", id, off, data + off, n, &out), 200);
		off += n;
		assert_int_equal(jint(out, "offset"), (json_int_t)off);
		assert_string_equal(jstr(out, "id"), id);
		json_decref(out);
		assert_int_equal(upload_offset("se", id), (long long)off);
	}
	json_t *item = NULL;
	long st = complete_raw("se", id, sha, &item);
	if (st != 201)
		dump("complete", item);
	assert_int_equal(st, 201);
	/* The session ends with the item. */
	assert_int_equal(upload_offset("se", id), -404);
	free(id);

	assert_int_equal(jint(item, "case_id"), cid);
	assert_int_equal(jint(item, "size"), (json_int_t)len);
	assert_string_equal(jstr(item, "sha256"), sha);
	assert_string_equal(jstr(item, "media_type"), "application/pdf");
	assert_string_equal(jstr(item, "kind"), "document");
	assert_string_equal(jstr(item, "title"), "Bank statements seized in Malmo");
	assert_string_equal(jstr(item, "description"), "Seized on the action day");
	assert_string_equal(jstr(item, "original_name"), "statements.pdf");
	assert_string_equal(jstr(item, "originator"), "SE");
	assert_string_equal(jstr(item, "registered_by"), "se");
	assert_string_equal(jstr(item, "integrity"), "ok");
	assert_string_equal(jstr(item, "legal_status"), "seized under warrant B 12-26");
	assert_true(json_is_null(json_object_get(item, "erased_at")));
	assert_false(json_object_get(item, "size_hint"));
	json_t *tags = json_object_get(item, "tags");
	assert_int_equal(json_array_size(tags), 2);
	assert_string_equal(json_string_value(json_array_get(tags, 0)), "seized");
	assert_string_equal(json_string_value(json_array_get(tags, 1)), "bank");
	json_t *prov = json_object_get(item, "provenance");
	json_t *by = json_object_get(prov, "collected_by");
	assert_string_equal(jstr(by, "person"), "Inspector A. Berg");
	assert_string_equal(jstr(by, "org"), "SE");
	assert_string_equal(jstr(prov, "collected_at"), "2026-03-05T10:30:00Z");
	assert_string_equal(jstr(prov, "method"), "house search");
	assert_string_equal(jstr(prov, "language"), "sv");
	json_t *src = json_object_get(prov, "source");
	assert_string_equal(jstr(src, "url"), "https://example.org/seizure/1");
	assert_string_equal(jstr(src, "place"), "Malmo");
	assert_true(json_number_value(json_object_get(src, "latitude")) == 55.6);
	assert_true(json_number_value(json_object_get(src, "longitude")) == 13.0);
	int64_t eid = jint(item, "id");

	/* The metadata as GET shows it is the item registered, and the case lists it. */
	json_t *got = NULL;
	assert_int_equal(api_getf(T("se"), &got, "/api/v1/evidence/%lld", (long long)eid), 200);
	/* Besides: where the extraction of its text stands (no workers here: queued). */
	assert_string_equal(json_string_value(json_object_get(json_object_get(got, "extraction"),
	                                                      "state")), "queued");
	json_object_del(got, "extraction");
	if (!json_equal(got, item)) {
		dump("registered", item);
		dump("fetched", got);
	}
	assert_true(json_equal(got, item));
	json_decref(got);
	/* Written as given: 55.6, not 55.600000000000001 (17 digits of a double). */
	char ipath[64];
	snprintf(ipath, sizeof(ipath), "/api/v1/evidence/%lld", (long long)eid);
	api_resp raw;
	api_req rq = {.path = ipath, .token = T("se")};
	assert_int_equal(api_send(&rq, &raw), 0);
	assert_non_null(strstr(raw.body, "\"latitude\":55.6,"));
	api_resp_free(&raw);
	int64_t want[] = {eid};
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/evidence", (long long)cid);
	assert_item_list("se", path, want, 1);

	/* The content: identical bytes, its digest in two headers, its length. */
	api_resp r;
	content(&r, "se", "GET", eid, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.len, len);
	assert_memory_equal(r.body, data, len);
	assert_string_equal(r.x_content_sha256, sha);
	uint8_t d[32];
	char want_digest[80], enc[48];
	cu_sha256(d, data, len);
	b64(enc, d, 32);
	snprintf(want_digest, sizeof(want_digest), "sha-256=:%s:", enc);
	assert_string_equal(r.repr_digest, want_digest);
	assert_int_equal(strtoll(r.content_length, NULL, 10), (long long)len);
	assert_string_equal(r.content_type, "application/pdf");
	assert_non_null(strstr(r.content_disposition, "statements.pdf"));
	assert_string_equal(r.content_range, "");
	api_resp_free(&r);

	/* Ranges: a middle slice, a suffix, one across 64 KiB units and 1 MiB chunks. */
	char cr[128];
	content(&r, "se", "GET", eid, "bytes=10-19");
	assert_int_equal(r.status, 206);
	assert_int_equal(r.len, 10);
	assert_memory_equal(r.body, data + 10, 10);
	snprintf(cr, sizeof(cr), "bytes 10-19/%zu", len);
	assert_string_equal(r.content_range, cr);
	assert_string_equal(r.x_content_sha256, sha); /* the digest of the whole content */
	api_resp_free(&r);

	content(&r, "se", "GET", eid, "bytes=-5");
	assert_int_equal(r.status, 206);
	assert_int_equal(r.len, 5);
	assert_memory_equal(r.body, data + len - 5, 5);
	snprintf(cr, sizeof(cr), "bytes %zu-%zu/%zu", len - 5, len - 1, len);
	assert_string_equal(r.content_range, cr);
	api_resp_free(&r);

	content(&r, "se", "GET", eid, "bytes=1048000-1180000");
	assert_int_equal(r.status, 206);
	assert_int_equal(r.len, 1180000 - 1048000 + 1);
	assert_memory_equal(r.body, data + 1048000, 1180000 - 1048000 + 1);
	api_resp_free(&r);

	content(&r, "se", "GET", eid, "bytes=2600000-");
	assert_int_equal(r.status, 206);
	assert_int_equal(r.len, len - 2600000);
	assert_memory_equal(r.body, data + 2600000, len - 2600000);
	api_resp_free(&r);

	/* Past the end: a 4xx with the JSON error, never bytes. */
	content(&r, "se", "GET", eid, "bytes=999999999-");
	if (r.status != 416)
		assert_int_equal(r.status, 400);
	api_assert_error(r.json);
	api_resp_free(&r);

	/* HEAD: the headers without the body. */
	content(&r, "se", "HEAD", eid, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.len, 0);
	assert_int_equal(strtoll(r.content_length, NULL, 10), (long long)len);
	assert_string_equal(r.x_content_sha256, sha);
	api_resp_free(&r);

	/* Custody: registered, then every read of content, whole or partial. */
	json_t *cus = NULL;
	assert_int_equal(api_getf(T("se"), &cus, "/api/v1/evidence/%lld/custody", (long long)eid),
	                 200);
	assert_string_equal(jstr(json_array_get(cus, 0), "event"), "registered");
	assert_string_equal(jstr(json_array_get(cus, 0), "actor"), "se");
	assert_int_equal(count_events(cus, "registered"), 1);
	assert_true(count_events(cus, "accessed") >= 5);
	size_t i, whole = 0, partial = 0;
	json_t *e;
	json_array_foreach(cus, i, e) {
		const char *p = jstr(json_object_get(e, "details"), "purpose");
		whole += p && !strcmp(p, "download");
		partial += p && !strcmp(p, "partial download");
	}
	assert_true(whole >= 1);
	assert_true(partial >= 4);
	json_decref(cus);
	json_decref(item);
	free(data);
}

/* A 1x1 PNG. */
static const unsigned char png[] = {
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
	0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90,
	0x77, 0x53, 0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x08, 0xd7, 0x63, 0x68,
	0x68, 0x68, 0x00, 0x00, 0x03, 0x04, 0x01, 0x81, 0x4b, 0x2c, 0xb4, 0x7c, 0x00, 0x00, 0x00,
	0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};

static void test_api_evidence__png_and_empty_file(void **state)
{
	(void)state;
	int64_t cid = fresh_case("Small and empty files");
	json_t *item = upload("se", cid, "{\"original_name\":\"lorry.png\"}", png, sizeof(png), MIB);
	assert_string_equal(jstr(item, "media_type"), "image/png");
	assert_string_equal(jstr(item, "kind"), "image");
	assert_string_equal(jstr(item, "title"), "lorry.png"); /* the name when no title */
	int64_t pid = jint(item, "id");
	json_decref(item);
	api_resp r;
	content(&r, "rs", "GET", pid, NULL); /* a participant reads it too */
	assert_int_equal(r.status, 200);
	assert_int_equal(r.len, sizeof(png));
	assert_memory_equal(r.body, png, sizeof(png));
	assert_string_equal(r.content_type, "image/png");
	api_resp_free(&r);

	/* Empty: no chunk at all, or one empty chunk; both complete to a 0-byte item. */
	static const char empty_sha[] =
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
	char *id = upload_start("se", cid, "{\"title\":\"Empty file\",\"size\":0}");
	item = NULL;
	assert_int_equal(complete_raw("se", id, empty_sha, &item), 201);
	assert_int_equal(jint(item, "size"), 0);
	assert_string_equal(jstr(item, "sha256"), empty_sha);
	int64_t eid = jint(item, "id");
	json_decref(item);
	free(id);

	id = upload_start("se", cid, "{\"title\":\"Empty chunk\"}");
	json_t *out = NULL;
	assert_int_equal(put_chunk("se", id, 0, "", 0, &out), 200);
	assert_int_equal(jint(out, "offset"), 0);
	json_decref(out);
	item = NULL;
	assert_int_equal(complete_raw("se", id, NULL, &item), 201); /* the digest is optional */
	assert_string_equal(jstr(item, "sha256"), empty_sha);
	assert_int_equal(jint(item, "size"), 0);
	json_decref(item);
	free(id);

	content(&r, "se", "GET", eid, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.len, 0);
	assert_string_equal(r.content_length, "0");
	assert_string_equal(r.x_content_sha256, empty_sha);
	api_resp_free(&r);
	content(&r, "se", "GET", eid, "bytes=0-");
	assert_true(r.status == 416 || r.status == 400);
	api_assert_error(r.json);
	api_resp_free(&r);
}

/* ---- 2. interrupted and retried uploads ------------------------------------ */

static bool names_offset(const json_t *err, unsigned long long off)
{
	char want[32];
	snprintf(want, sizeof(want), "%llu", off);
	const char *msg = jstr(json_object_get(err, "error"), "message");
	if (!msg)
		return false;
	/* The number as a word of the message. */
	for (const char *p = strstr(msg, want); p; p = strstr(p + 1, want)) {
		bool left = p == msg || p[-1] < '0' || p[-1] > '9';
		char c = p[strlen(want)];
		if (left && (c < '0' || c > '9'))
			return true;
	}
	return false;
}

static void test_api_evidence__wrong_offset_and_resent_chunk(void **state)
{
	(void)state;
	int64_t cid = fresh_case("Wrong offsets");
	const size_t len = 3000;
	unsigned char *data = fill_bytes(len, 7);
	char *id = upload_start("se", cid, "{\"title\":\"Retried\"}");
	json_t *out = NULL;
	assert_int_equal(put_chunk("se", id, 0, data, 1000, &out), 200);
	assert_int_equal(jint(out, "offset"), 1000);
	json_decref(out);

	/* The same chunk again (its answer was lost): 409 naming where to resume. */
	long st = put_chunk("se", id, 0, data, 1000, &out);
	api_assert_fails(st, out, 409, NULL);
	assert_true(names_offset(out, 1000));
	json_decref(out);
	assert_int_equal(upload_offset("se", id), 1000);

	/* A gap: refused too, the offset unchanged. */
	st = put_chunk("se", id, 2000, data + 2000, 1000, &out);
	api_assert_fails(st, out, 409, NULL);
	assert_true(names_offset(out, 1000));
	json_decref(out);
	assert_int_equal(upload_offset("se", id), 1000);

	/* A malformed offset. */
	char path[256];
	snprintf(path, sizeof(path), "/api/v1/uploads/%s?offset=12ab", id);
	st = api_put_raw(T("se"), path, data + 1000, 10, &out);
	api_assert_fails(st, out, 400, NULL);
	json_decref(out);
	snprintf(path, sizeof(path), "/api/v1/uploads/%s?offset=-1000", id);
	st = api_put_raw(T("se"), path, data + 1000, 10, &out);
	assert_true(st == 400 || st == 409);
	api_assert_error(out);
	json_decref(out);
	assert_int_equal(upload_offset("se", id), 1000);

	/* Resume where the server says; the item is the content, each byte once. */
	assert_int_equal(put_chunk("se", id, 1000, data + 1000, 2000, NULL), 200);
	char sha[65];
	sha_hex(sha, data, len);
	json_t *item = NULL;
	assert_int_equal(complete_raw("se", id, sha, &item), 201);
	assert_int_equal(jint(item, "size"), (json_int_t)len);
	json_decref(item);
	free(id);
	free(data);
}

/* Sends a PUT chunk request by hand: the headers, then body_sent of the content_length bytes. */
static int raw_put(const char *id, size_t offset, const void *body, size_t body_sent,
                   size_t content_length)
{
	int fd = api_raw_connect();
	if (fd < 0)
		return -1;
	char head[1024];
	int n = snprintf(head, sizeof(head),
	                 "PUT /api/v1/uploads/%s?offset=%zu HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	                 "Authorization: Bearer %s\r\nContent-Type: application/octet-stream\r\n"
	                 "Content-Length: %zu\r\n\r\n", id, offset, T("se"), content_length);
	if (write(fd, head, (size_t)n) != n || write(fd, body, body_sent) != (ssize_t)body_sent) {
		close(fd);
		return -1;
	}
	return fd;
}

static void test_api_evidence__client_disconnects_mid_chunk(void **state)
{
	(void)state;
	int64_t cid = fresh_case("Dropped connections");
	const size_t len = 2 * MIB + 777;
	unsigned char *data = fill_bytes(len, 99);
	size_t tmp_before = tmp_files();
	char *id = upload_start("se", cid, "{\"title\":\"Interrupted\"}");
	assert_int_equal(tmp_files(), tmp_before + 1);
	assert_int_equal(put_chunk("se", id, 0, data, MIB, NULL), 200);

	/* Announce 1000000 bytes, send 1000, hang up. */
	int fd = raw_put(id, MIB, data + MIB, 1000, 1000000);
	assert_true(fd >= 0);
	close(fd);
	for (int i = 0; i < 5; i++) {
		sleep_ms(40);
		assert_int_equal(upload_offset("se", id), (long long)MIB);
	}
	assert_int_equal(tmp_files(), tmp_before + 1);

	/* The retry of the same chunk works. */
	json_t *out = NULL;
	assert_int_equal(put_chunk("se", id, MIB, data + MIB, MIB, &out), 200);
	assert_int_equal(jint(out, "offset"), (json_int_t)(2 * MIB));
	json_decref(out);

	/* A chunk sent whole whose answer is lost: the server has it; the client learns so. */
	fd = raw_put(id, 2 * MIB, data + 2 * MIB, 777, 777);
	assert_true(fd >= 0);
	long long off = 0;
	/* Polled until it is there: the deadline only bounds a failure (5 s was once too
	 * short for a CI machine running sanitised tests two at a time). */
	for (int64_t deadline = api_now_ms() + 30000; api_now_ms() < deadline; sleep_ms(10))
		if ((off = upload_offset("se", id)) == (long long)len)
			break;
	close(fd);
	assert_int_equal(off, (long long)len);
	long st = put_chunk("se", id, 2 * MIB, data + 2 * MIB, 777, &out);
	api_assert_fails(st, out, 409, NULL);
	assert_true(names_offset(out, len));
	json_decref(out);

	char sha[65];
	sha_hex(sha, data, len);
	json_t *item = NULL;
	assert_int_equal(complete_raw("se", id, sha, &item), 201);
	assert_int_equal(jint(item, "size"), (json_int_t)len);
	int64_t eid = jint(item, "id");
	json_decref(item);
	assert_int_equal(tmp_files(), tmp_before);
	api_resp r;
	content(&r, "se", "GET", eid, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.len, len);
	assert_memory_equal(r.body, data, len);
	api_resp_free(&r);
	free(id);
	free(data);
}

static void test_api_evidence__abandoned_and_foreign_uploads(void **state)
{
	(void)state;
	int64_t cid = fresh_case("Abandoned upload");
	unsigned char *data = fill_bytes(5000, 3);
	blobset before = blobs_now();
	size_t tmp_before = tmp_files();
	char *id = upload_start("se", cid, "{\"title\":\"Abandoned\"}");
	assert_int_equal(put_chunk("se", id, 0, data, 5000, NULL), 200);

	/* Someone else's upload id is unknown to them: another user of SE, another desk. */
	static const char *const others[] = {"se-analyst", "rs"};
	char path[256];
	for (size_t i = 0; i < 2; i++) {
		json_t *out = NULL;
		long st = api_getf(T(others[i]), &out, "/api/v1/uploads/%s", id);
		api_assert_fails(st, out, 404, NULL);
		json_decref(out);
		st = put_chunk(others[i], id, 5000, data, 10, &out);
		api_assert_fails(st, out, 404, NULL);
		json_decref(out);
		st = complete_raw(others[i], id, NULL, &out);
		api_assert_fails(st, out, 404, NULL);
		json_decref(out);
		snprintf(path, sizeof(path), "/api/v1/uploads/%s", id);
		api_request("DELETE", path, T(others[i]), NULL, &st, &out);
		api_assert_fails(st, out, 404, NULL);
		json_decref(out);
	}
	assert_int_equal(upload_offset("se", id), 5000);

	/* Abandoned by its owner: gone, with its temporary file. */
	long st = 0;
	snprintf(path, sizeof(path), "/api/v1/uploads/%s", id);
	api_request("DELETE", path, T("se"), NULL, &st, NULL);
	assert_int_equal(st, 204);
	assert_int_equal(upload_offset("se", id), -404);
	assert_int_equal(put_chunk("se", id, 5000, data, 10, NULL), 404);
	assert_int_equal(complete_raw("se", id, NULL, NULL), 404);
	api_request("DELETE", path, T("se"), NULL, &st, NULL);
	assert_int_equal(st, 404);
	assert_int_equal(tmp_files(), tmp_before);
	blobset after = blobs_now();
	assert_true(blobsets_equal(&before, &after));
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/evidence", (long long)cid);
	assert_item_list("se", path, NULL, 0);
	/* An id that never was. */
	assert_int_equal(upload_offset("se", "00000000000000000000000000000000"), -404);
	free(before.v);
	free(after.v);
	free(id);
	free(data);
}

static void test_api_evidence__wrong_sha256_registers_nothing(void **state)
{
	(void)state;
	int64_t cid = fresh_case("Wrong digest");
	unsigned char *data = fill_bytes(70000, 5);
	blobset before = blobs_now();
	size_t tmp_before = tmp_files();
	char *id = upload_start("se", cid, "{\"title\":\"Mismatch\"}");
	assert_int_equal(put_chunk("se", id, 0, data, 70000, NULL), 200);

	/* A malformed digest is refused before anything happens: the session goes on. */
	json_t *out = NULL;
	long st = complete_raw("se", id, "not-a-digest", &out);
	api_assert_fails(st, out, 400, NULL);
	json_decref(out);
	assert_int_equal(upload_offset("se", id), 70000);

	/* The digest of other content. */
	char wrong[65];
	sha_hex(wrong, data, 69999);
	st = complete_raw("se", id, wrong, &out);
	bool enveloped = out && json_object_get(out, "error");
	json_decref(out);
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/evidence", (long long)cid);
	assert_item_list("se", path, NULL, 0);
	blobset after = blobs_now();
	assert_true(blobsets_equal(&before, &after));
	assert_int_equal(tmp_files(), tmp_before);
	free(before.v);
	free(after.v);
	free(id);
	free(data);
	/* The sender's mistake is a client error (4xx), not a server fault. */
	if (st < 400 || st > 499)
		fprintf(stderr, "complete with a wrong sha256 answered %ld (want 4xx)\n", st);
	assert_true(enveloped);
	assert_in_range(st, 400, 499);
}

/* A refusal with status want whose message says what. */
static void fails_saying(long st, json_t *out, long want, const char *what)
{
	api_assert_fails(st, out, want, NULL);
	const char *msg = json_string_value(json_object_get(json_object_get(out, "error"), "message"));
	if (!msg || !strstr(msg, what))
		fail_msg("message \"%s\" does not say \"%s\"", msg ? msg : "(none)", what);
}

static void test_api_evidence__upload_refusals(void **state)
{
	(void)state;
	int64_t cid = fresh_case("Refused uploads");
	char seg[24];
	snprintf(seg, sizeof(seg), "%lld", (long long)cid);
	static const struct {
		const char *meta;
		long want;
	} bad[] = {
		{"{\"size\":17179869185}", 413},            /* over the 16 GiB default limit */
		{"{\"size\":-1}", 400},
		{"{\"size\":\"big\"}", 400},
		{"{\"kind\":\"painting\"}", 400},
		{"{\"colour\":\"red\"}", 400},               /* unknown field */
		{"{\"collected_at\":\"yesterday\"}", 400},
		{"{\"latitude\":12.5}", 400},                /* without a longitude */
		{"{\"latitude\":95,\"longitude\":10}", 400},
		{"{\"collected_by_org\":\"NOPE\"}", 400},
		{"{\"tags\":[1]}", 400},
		{"{\"title\":", 400},                        /* not JSON */
	};
	size_t tmp_before = tmp_files();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *out = NULL;
		long st = upload_start_raw("se", seg, bad[i].meta, &out);
		if (st != bad[i].want)
			fprintf(stderr, "upload start with %s\n", bad[i].meta);
		api_assert_fails(st, out, bad[i].want, NULL);
		json_decref(out);
	}
	/* 51 tags. */
	json_t *tags = json_array();
	for (int i = 0; i < 51; i++) {
		char t[16];
		snprintf(t, sizeof(t), "t%d", i);
		json_array_append_new(tags, json_string(t));
	}
	json_t *out = NULL;
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/cases/%s/uploads", seg);
	long st = api_requestj("POST", path, T("se"), json_pack("{s:o}", "tags", tags), &out);
	api_assert_fails(st, out, 400, NULL);
	json_decref(out);
	assert_int_equal(tmp_files(), tmp_before);

	/* Who may not upload: an observer organisation, an observer user, an outsider. */
	st = upload_start_raw("interpol", "2026%2F0001", "{}", &out);
	api_assert_fails(st, out, 403, NULL);
	json_decref(out);
	st = upload_start_raw("se-observer", seg, "{}", &out);
	api_assert_fails(st, out, 403, NULL);
	json_decref(out);
	st = upload_start_raw("de", seg, "{}", &out);
	api_assert_fails(st, out, 404, NULL);
	json_decref(out);
	st = upload_start_raw("se", "999999", "{}", &out);
	api_assert_fails(st, out, 404, NULL);
	json_decref(out);
	assert_int_equal(tmp_files(), tmp_before);

	/* A chunk over 8 MiB is refused whole; the offset stays. */
	char *id = upload_start("se", cid, "{}");
	size_t big = 8 * MIB + 1;
	unsigned char *data = fill_bytes(big, 11);
	st = put_chunk("se", id, 0, data, big, &out);
	api_assert_fails(st, out, 413, NULL);
	json_decref(out);
	assert_int_equal(upload_offset("se", id), 0);
	/* Exactly 8 MiB is fine. */
	assert_int_equal(put_chunk("se", id, 0, data, 8 * MIB, NULL), 200);
	assert_int_equal(upload_offset("se", id), (long long)(8 * MIB));
	snprintf(path, sizeof(path), "/api/v1/uploads/%s", id);
	api_request("DELETE", path, T("se"), NULL, &st, NULL);
	assert_int_equal(st, 204);
	free(id);
	free(data);

	/* A declared size is what the upload must come to: a cut-off file is not
	 * completed as if whole, and nothing goes beyond it. */
	id = upload_start("se", cid, "{\"size\":10,\"original_name\":\"ten.txt\"}");
	assert_int_equal(put_chunk("se", id, 0, "abc", 3, NULL), 200);
	st = complete_raw("se", id, NULL, &out);
	fails_saying(st, out, 409, "3 of its 10 bytes");
	json_decref(out);
	assert_int_equal(upload_offset("se", id), 3); /* still there, to go on */
	st = put_chunk("se", id, 3, "0123456789", 10, &out);
	fails_saying(st, out, 400, "declared as 10 bytes");
	json_decref(out);
	/* A signed or empty offset is no byte offset (-1 was read as 2^64 - 1). */
	static const char *const offsets[] = {"-1", "+3", "", "%203"};
	for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		snprintf(path, sizeof(path), "/api/v1/uploads/%s?offset=%s", id, offsets[i]);
		st = api_put_raw(T("se"), path, "defg", 4, &out);
		fails_saying(st, out, 400, "byte offset");
		json_decref(out);
	}
	assert_int_equal(put_chunk("se", id, 3, "defghij", 7, NULL), 200);
	assert_int_equal(complete_raw("se", id, NULL, &out), 201);
	assert_int_equal(jint(out, "size"), 10);
	json_decref(out);
	free(id);
	/* An empty list of items to export is not "every item". */
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/bundles", (long long)cid);
	api_request("POST", path, T("se"), "{\"for\":\"SE\",\"items\":[]}", &st, &out);
	fails_saying(st, out, 400, "is empty");
	json_decref(out);

	/* A closed case takes no new evidence. */
	int64_t closed = fresh_case("Closed before upload");
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/close", (long long)closed);
	api_request("POST", path, T("se"), "{\"reason\":\"done\"}", &st, NULL);
	assert_int_equal(st, 200);
	snprintf(seg, sizeof(seg), "%lld", (long long)closed);
	st = upload_start_raw("se", seg, "{}", &out);
	api_assert_fails(st, out, 409, NULL);
	json_decref(out);
}

/* ---- 3. need-to-know and grants --------------------------------------------- */

static void test_api_evidence__case_readers(void **state)
{
	(void)state;
	/* rs, a participant, reads the SE desk's item; interpol, an observer, too. */
	static const char *const readers[] = {"se", "rs", "interpol", "se-observer"};
	for (size_t i = 0; i < 4; i++) {
		api_resp r;
		content(&r, readers[i], "GET", 1, NULL);
		if (r.status != 200)
			fprintf(stderr, "%s reading item 1: %ld\n", readers[i], r.status);
		assert_int_equal(r.status, 200);
		char sha[65];
		sha_hex(sha, r.body, r.len);
		assert_string_equal(sha, r.x_content_sha256);
		api_resp_free(&r);
	}
	int64_t swedish[] = {1, 2, 3};
	assert_item_list("rs", "/api/v1/cases/2026%2F0001/evidence", swedish, 3);
	assert_item_list("interpol", "/api/v1/cases/2026%2F0001/evidence", swedish, 3);

	/* An outsider sees nothing of it, the same as for an item that does not exist. */
	static const char *const sub[] = {"", "/content", "/custody"};
	for (size_t i = 0; i < 3; i++) {
		json_t *out = NULL;
		long st = api_getf(T("de"), &out, "/api/v1/evidence/1%s", sub[i]);
		api_assert_fails(st, out, 404, NULL);
		json_decref(out);
		st = api_getf(T("se"), &out, "/api/v1/evidence/999999%s", sub[i]);
		api_assert_fails(st, out, 404, NULL);
		json_decref(out);
	}
	json_t *out = NULL;
	long st = api_requestj("POST", "/api/v1/evidence/1/verify", T("de"), json_object(), &out);
	api_assert_fails(st, out, 404, NULL);
	json_decref(out);
	st = api_getf(T("de"), &out, "/api/v1/cases/2026%%2F0001/evidence");
	api_assert_fails(st, out, 404, NULL);
	json_decref(out);
	st = api_getf(T("de"), &out, "/api/v1/cases/1/evidence");
	api_assert_fails(st, out, 404, NULL);
	json_decref(out);
	st = api_getf(T("se"), &out, "/api/v1/evidence/abc");
	api_assert_fails(st, out, 404, NULL);
	json_decref(out);

	/* The Yezidi JIT: UNITAD sees its own contribution only; FR, the owner, both. */
	int64_t six[] = {6}, both[] = {6, 7};
	assert_item_list("unitad", "/api/v1/cases/2024%2F0001/evidence", six, 1);
	assert_item_list("fr", "/api/v1/cases/2024%2F0001/evidence", both, 2);
	api_resp r;
	content(&r, "unitad", "GET", 6, NULL);
	assert_int_equal(r.status, 200);
	assert_true(r.len > 0);
	api_resp_free(&r);
	st = api_getf(T("unitad"), &out, "/api/v1/evidence/7");
	api_assert_fails(st, out, 404, NULL);
	json_decref(out);
	assert_int_equal(content_status("unitad", 7), 404);
	assert_int_equal(api_getf(T("unitad"), NULL, "/api/v1/evidence/7/custody"), 404);
	assert_int_equal(content_status("fr", 6), 200);
	assert_int_equal(content_status("fr", 7), 200);
}

static void test_api_evidence__icc_sees_the_granted_item_until_revoked(void **state)
{
	(void)state;
	int64_t five[] = {5};
	assert_item_list("icc", "/api/v1/evidence", five, 1);
	assert_item_list("icc", "/api/v1/cases/2022%2F0001/evidence", five, 1);
	/* Nothing of anyone else's: not via the shared list of another desk either. */
	assert_item_list("pl", "/api/v1/evidence", NULL, 0);
	assert_item_list("se", "/api/v1/evidence", NULL, 0);
	json_t *out = NULL;
	long st = api_getf(T("icc"), &out, "/api/v1/evidence/4");
	api_assert_fails(st, out, 404, NULL);
	json_decref(out);
	assert_int_equal(content_status("icc", 4), 404);
	assert_int_equal(api_getf(T("icc"), NULL, "/api/v1/evidence/4/custody"), 404);
	assert_int_equal(api_getf(T("icc"), NULL, "/api/v1/evidence/1"), 404);

	/* The granted item: metadata and content. */
	json_t *it = NULL;
	assert_int_equal(api_getf(T("icc"), &it, "/api/v1/evidence/5"), 200);
	const char *sha = jstr(it, "sha256");
	assert_non_null(sha);
	api_resp r;
	content(&r, "icc", "GET", 5, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.len, (size_t)jint(it, "size"));
	char got[65];
	sha_hex(got, r.body, r.len);
	assert_string_equal(got, sha);
	api_resp_free(&r);
	json_decref(it);

	/* The use of the grant is in the chain of custody, as the grantor sees it. */
	json_t *cus = NULL;
	assert_int_equal(api_getf(T("lt"), &cus, "/api/v1/evidence/5/custody"), 200);
	size_t i, by_icc = 0;
	json_t *e;
	json_array_foreach(cus, i, e) {
		json_t *d = json_object_get(e, "details");
		if (!strcmp(jstr(e, "event"), "accessed") && !strcmp(jstr(e, "actor_org"), "ICC") &&
		    !strcmp(jstr(e, "actor"), "icc") && jint(d, "grant_id") == 1 &&
		    jstr(d, "purpose") && !strcmp(jstr(d, "purpose"), "download"))
			by_icc++;
	}
	if (by_icc != 1)
		dump("custody of 5", cus);
	assert_int_equal(by_icc, 1);
	json_decref(cus);
	/* ... and the receiver sees its own use too. */
	assert_int_equal(api_getf(T("icc"), &cus, "/api/v1/evidence/5/custody"), 200);
	assert_true(count_events(cus, "accessed") >= 1);
	json_decref(cus);

	/* The receiver may not revoke, nor upload to what it cannot see. */
	st = api_requestj("POST", "/api/v1/grants/1/revoke", T("icc"), json_object(), &out);
	api_assert_fails(st, out, 403, NULL);
	json_decref(out);

	/* The grantor revokes: access stops at once. */
	st = api_requestj("POST", "/api/v1/grants/1/revoke", T("lt"),
	                  json_pack("{s:s}", "reason", "cooperation concluded"), &out);
	assert_int_equal(st, 200);
	assert_true(json_is_string(json_object_get(out, "revoked_at")));
	assert_string_equal(jstr(out, "revoked_by"), "lt");
	json_decref(out);
	st = api_getf(T("icc"), &out, "/api/v1/evidence/5");
	api_assert_fails(st, out, 404, NULL);
	json_decref(out);
	assert_int_equal(content_status("icc", 5), 404);
	assert_int_equal(api_getf(T("icc"), NULL, "/api/v1/evidence/5/custody"), 404);
	assert_item_list("icc", "/api/v1/evidence", NULL, 0);
	st = api_getf(T("icc"), &out, "/api/v1/cases/2022%%2F0001/evidence");
	if (st == 200) {
		assert_int_equal(json_array_size(out), 0);
	} else {
		api_assert_fails(st, out, 404, NULL);
	}
	json_decref(out);
	/* Revoked once only; custody records it. */
	st = api_requestj("POST", "/api/v1/grants/1/revoke", T("lt"), json_object(), &out);
	api_assert_fails(st, out, 409, NULL);
	json_decref(out);
	assert_int_equal(api_getf(T("lt"), &cus, "/api/v1/evidence/5/custody"), 200);
	assert_int_equal(count_events(cus, "revoked"), 1);
	json_decref(cus);
	/* The owner still reads it. */
	assert_int_equal(content_status("lt", 5), 200);
}

static bool grant_listed(const char *user, int64_t gid)
{
	json_t *list = NULL, *g;
	size_t i;
	bool found = false;
	assert_int_equal(api_getf(T(user), &list, "/api/v1/grants"), 200);
	assert_true(json_is_array(list));
	json_array_foreach(list, i, g)
		found |= jint(g, "id") == gid;
	json_decref(list);
	return found;
}

static size_t grant_count(const char *user)
{
	json_t *list = NULL;
	assert_int_equal(api_getf(T(user), &list, "/api/v1/grants"), 200);
	size_t n = json_array_size(list);
	json_decref(list);
	return n;
}

/* POST /api/v1/grants, asserting want (0: 403 or 404); the grant's id on 201. */
static int64_t grant_create(const char *user, const char *body, long want)
{
	json_t *out = NULL;
	long st = 0;
	api_request("POST", "/api/v1/grants", T(user), body, &st, &out);
	bool ok = want ? st == want : st == 403 || st == 404;
	if (!ok)
		dump(body, out);
	assert_true(ok);
	int64_t id = want == 201 ? jint(out, "id") : 0;
	if (want != 201)
		api_assert_error(out);
	json_decref(out);
	return id;
}

static void test_api_evidence__grant_of_anothers_item_waits_for_consent(void **state)
{
	(void)state;
	int64_t gid = grant_create("lt", "{\"case\":\"2022/0001\",\"items\":[4],\"org\":\"IIIM\","
	                                 "\"legal_basis\":\"Request for assistance of 2026-05-02\"}",
	                           201);
	json_t *g = NULL;
	assert_int_equal(api_getf(T("lt"), &g, "/api/v1/grants/%lld", (long long)gid), 200);
	assert_string_equal(jstr(g, "org"), "IIIM");
	assert_string_equal(jstr(g, "grantor_org"), "LT");
	json_t *gi = json_array_get(json_object_get(g, "items"), 0);
	assert_int_equal(jint(gi, "id"), 4);
	assert_string_equal(jstr(gi, "originator"), "UA");
	assert_string_equal(jstr(gi, "consent"), "pending");
	json_decref(g);

	/* Pending: the receiver sees nothing. */
	assert_item_list("iiim", "/api/v1/evidence", NULL, 0);
	assert_int_equal(api_getf(T("iiim"), NULL, "/api/v1/evidence/4"), 404);
	assert_int_equal(content_status("iiim", 4), 404);

	/* The parties see the grant; an unrelated participant of the case does not. */
	assert_true(grant_listed("lt", gid));
	assert_true(grant_listed("ua", gid));
	assert_true(grant_listed("iiim", gid));
	assert_false(grant_listed("pl", gid));
	json_t *out = NULL;
	long st = api_getf(T("pl"), &out, "/api/v1/grants/%lld", (long long)gid);
	api_assert_fails(st, out, 404, NULL);
	json_decref(out);
	/* Nothing left the case yet: no "shared" in the item's chain of custody. */
	json_t *cus = NULL, *e;
	size_t i, shared = 0;
	assert_int_equal(api_getf(T("lt"), &cus, "/api/v1/evidence/4/custody"), 200);
	json_array_foreach(cus, i, e)
		shared += !strcmp(jstr(e, "event"), "shared");
	assert_int_equal(shared, 0);
	json_decref(cus);

	/* Only the originator consents: not the case's other members, not the grantor. */
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/grants/%lld/consent", (long long)gid);
	api_request("POST", path, T("pl"), "{\"decision\":\"given\"}", &st, &out);
	api_assert_fails(st, out, 404, NULL);
	json_decref(out);
	api_request("POST", path, T("lt"), "{\"decision\":\"given\"}", &st, &out);
	api_assert_fails(st, out, 409, NULL);
	json_decref(out);
	api_request("POST", path, T("iiim"), "{\"decision\":\"given\"}", &st, &out);
	api_assert_fails(st, out, 409, NULL);
	json_decref(out);
	api_request("POST", path, T("ua"), "{\"decision\":\"maybe\"}", &st, &out);
	api_assert_fails(st, out, 400, NULL);
	json_decref(out);
	assert_int_equal(api_getf(T("iiim"), NULL, "/api/v1/evidence/4"), 404);

	api_request("POST", path, T("ua"), "{\"decision\":\"given\"}", &st, &out);
	assert_int_equal(st, 200);
	gi = json_array_get(json_object_get(out, "items"), 0);
	assert_string_equal(jstr(gi, "consent"), "given");
	assert_string_equal(jstr(gi, "consent_by"), "ua");
	json_decref(out);
	api_request("POST", path, T("ua"), "{\"decision\":\"given\"}", &st, &out);
	api_assert_fails(st, out, 409, NULL);
	json_decref(out);

	/* Shared now: the case's other members see that, not with whom. */
	assert_int_equal(api_getf(T("pl"), &cus, "/api/v1/evidence/4/custody"), 200);
	size_t restricted = 0;
	json_array_foreach(cus, i, e)
		if (!strcmp(jstr(e, "event"), "shared")) {
			assert_string_equal(jstr(e, "actor"), "(restricted)");
			assert_string_equal(jstr(e, "actor_org"), "(restricted)");
			restricted++;
		}
	assert_int_equal(restricted, 1);
	json_decref(cus);
	assert_int_equal(api_getf(T("lt"), &cus, "/api/v1/evidence/4/custody"), 200);
	restricted = 0;
	json_array_foreach(cus, i, e)
		restricted += !strcmp(jstr(e, "actor"), "(restricted)");
	assert_int_equal(restricted, 0);
	json_decref(cus);

	/* Now IIIM sees item 4, and only it. */
	int64_t four[] = {4};
	assert_item_list("iiim", "/api/v1/evidence", four, 1);
	assert_int_equal(api_getf(T("iiim"), NULL, "/api/v1/evidence/4"), 200);
	assert_int_equal(content_status("iiim", 4), 200);
	assert_int_equal(content_status("iiim", 5), 404);
	assert_item_list("iimm", "/api/v1/evidence", NULL, 0);

	/* The originator may withdraw what it allowed. */
	snprintf(path, sizeof(path), "/api/v1/grants/%lld/revoke", (long long)gid);
	api_request("POST", path, T("ua"), "{\"reason\":\"consent withdrawn\"}", &st, &out);
	assert_int_equal(st, 200);
	json_decref(out);
	assert_int_equal(content_status("iiim", 4), 404);
	assert_item_list("iiim", "/api/v1/evidence", NULL, 0);
	/* A revoked grant takes no consent. */
	snprintf(path, sizeof(path), "/api/v1/grants/%lld/consent", (long long)gid);
	api_request("POST", path, T("ua"), "{\"decision\":\"given\"}", &st, &out);
	api_assert_fails(st, out, 409, NULL);
	json_decref(out);

	/* Refused: the receiver never sees it. */
	gid = grant_create("lt", "{\"case\":\"2022/0001\",\"items\":[4],\"org\":\"IIMM\","
	                         "\"legal_basis\":\"Exchange under the cooperation agreement\"}", 201);
	snprintf(path, sizeof(path), "/api/v1/grants/%lld/consent", (long long)gid);
	api_request("POST", path, T("ua"), "{\"decision\":\"refused\"}", &st, &out);
	assert_int_equal(st, 200);
	assert_string_equal(jstr(json_array_get(json_object_get(out, "items"), 0), "consent"),
	                    "refused");
	json_decref(out);
	api_request("POST", path, T("ua"), "{\"decision\":\"given\"}", &st, &out);
	api_assert_fails(st, out, 409, NULL);
	json_decref(out);
	assert_item_list("iimm", "/api/v1/evidence", NULL, 0);
	assert_int_equal(content_status("iimm", 4), 404);
}

static void test_api_evidence__grant_input_is_checked(void **state)
{
	(void)state;
	static const struct {
		const char *user, *body;
		long want;
	} bad[] = {
		{"lt", "{\"case\":\"2022/0001\",\"items\":[5],\"org\":\"IIIM\"}", 400},
		{"lt", "{\"case\":\"2022/0001\",\"items\":[5],\"org\":\"IIIM\",\"legal_basis\":\"\"}", 400},
		{"lt", "{\"case\":\"2022/0001\",\"items\":[],\"org\":\"IIIM\",\"legal_basis\":\"x\"}", 400},
		{"lt", "{\"case\":\"2022/0001\",\"items\":[\"5\"],\"org\":\"IIIM\",\"legal_basis\":\"x\"}",
		 400},
		{"lt", "{\"case\":\"2022/0001\",\"items\":[5],\"org\":\"NOPE\",\"legal_basis\":\"x\"}", 400},
		{"lt", "{\"case\":\"2022/0001\",\"items\":[5],\"org\":\"PL\",\"legal_basis\":\"x\"}", 400},
		{"lt", "{\"case\":\"2022/0001\",\"items\":[5],\"org\":\"IIIM\",\"legal_basis\":\"x\","
		       "\"expires_on\":\"2001-01-01\"}", 400},
		{"lt", "{\"case\":\"2022/0001\",\"items\":[5],\"org\":\"IIIM\",\"legal_basis\":\"x\","
		       "\"extra\":1}", 400},
		/* An item of another case; a case the grantor cannot see. */
		{"lt", "{\"case\":\"2022/0001\",\"items\":[1],\"org\":\"IIIM\",\"legal_basis\":\"x\"}", 404},
		{"de", "{\"case\":\"2022/0001\",\"items\":[5],\"org\":\"IIIM\",\"legal_basis\":\"x\"}", 404},
		/* UNITAD sees item 6 only: it cannot share FR's item 7 (403 once the JIT ends). */
		{"unitad", "{\"case\":\"2024/0001\",\"items\":[7],\"org\":\"ICC\",\"legal_basis\":\"x\"}",
		 0},
		/* An observer organisation may not share. */
		{"interpol", "{\"case\":\"2026/0001\",\"items\":[1],\"org\":\"ICC\",\"legal_basis\":\"x\"}",
		 403},
	};
	size_t before = grant_count("lt");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		grant_create(bad[i].user, bad[i].body, bad[i].want);
	/* None of them left a grant behind. */
	assert_int_equal(grant_count("lt"), before);
	assert_int_equal(grant_count("unitad"), 0);
}

/*
 * Who a grant names is known only to the originator, the grantor and the
 * receiver (issue 3, item 5): no trace of the receiver reaches another
 * participant of the case, through the chain of custody or the case timeline.
 */
static void test_api_evidence__grant_receiver_hidden_from_others(void **state)
{
	(void)state;
	int64_t gid = grant_create("lt", "{\"case\":\"2022/0001\",\"items\":[4],\"org\":\"OHCHR\","
	                                 "\"legal_basis\":\"OHCHR Sri Lanka accountability project "
	                                 "request SL-17\"}", 201);
	assert_false(grant_listed("pl", gid));
	json_t *cus = NULL, *ev = NULL;
	assert_int_equal(api_getf(T("pl"), &cus, "/api/v1/evidence/4/custody"), 200);
	assert_int_equal(api_getf(T("pl"), &ev, "/api/v1/cases/2022%%2F0001/events?limit=500"),
	                 200);
	char *ct = json_dumps(cus, JSON_COMPACT), *et = json_dumps(ev, JSON_COMPACT);
	bool custody_leaks = strstr(ct, "OHCHR") != NULL;
	bool timeline_leaks = strstr(et, "OHCHR") != NULL || strstr(et, "\"ICC\"") != NULL;
	if (custody_leaks)
		fprintf(stderr, "pl's custody view of item 4 names the receiver: %s\n", ct);
	if (timeline_leaks)
		fprintf(stderr, "pl's timeline of 2022/0001 names a grant's receiver\n");
	free(ct);
	free(et);
	json_decref(cus);
	json_decref(ev);
	/* The receiver itself and the originator do see it. */
	assert_true(grant_listed("ohchr", gid));
	assert_true(grant_listed("ua", gid));
	assert_false(custody_leaks);
	assert_false(timeline_leaks);
}

/*
 * An upload spans requests: what allowed it at the start must still hold for
 * each chunk and at completion (a desk removed from the case, a case closed).
 */
static void test_api_evidence__upload_is_reauthorised_until_complete(void **state)
{
	(void)state;
	int64_t cid = fresh_case("Participant removed mid-upload");
	char *id = upload_start("rs", cid, "{\"title\":\"Sent before the removal\"}");
	assert_int_equal(put_chunk("rs", id, 0, "hello", 5, NULL), 200);
	char path[128];
	long st = 0;
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/participants/RS", (long long)cid);
	api_request("DELETE", path, T("se"), NULL, &st, NULL);
	assert_int_equal(st, 204);
	assert_int_equal(api_getf(T("rs"), NULL, "/api/v1/cases/%lld", (long long)cid), 404);
	long chunk = put_chunk("rs", id, 5, " world", 6, NULL);
	long done = complete_raw("rs", id, NULL, NULL);
	json_t *list = NULL;
	assert_int_equal(api_getf(T("se"), &list, "/api/v1/cases/%lld/evidence", (long long)cid),
	                 200);
	size_t registered = json_array_size(list);
	json_decref(list);
	free(id);

	int64_t closed = fresh_case("Closed mid-upload");
	id = upload_start("se", closed, "{\"title\":\"Sent before closing\"}");
	assert_int_equal(put_chunk("se", id, 0, "hello", 5, NULL), 200);
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/close", (long long)closed);
	api_request("POST", path, T("se"), "{\"reason\":\"concluded\"}", &st, NULL);
	assert_int_equal(st, 200);
	long closed_done = complete_raw("se", id, NULL, NULL);
	assert_int_equal(api_getf(T("se"), &list, "/api/v1/cases/%lld/evidence",
	                          (long long)closed), 200);
	size_t in_closed = json_array_size(list);
	json_decref(list);
	free(id);

	if (chunk == 200 || done == 201 || registered || closed_done == 201 || in_closed)
		fprintf(stderr, "removed participant: chunk %ld, complete %ld, items %zu; closed case:"
		        " complete %ld, items %zu\n", chunk, done, registered, closed_done,
		        in_closed);
	assert_int_not_equal(chunk, 200);
	assert_int_not_equal(done, 201);
	assert_int_equal(registered, 0);
	assert_int_equal(closed_done, 409);
	assert_int_equal(in_closed, 0);
}

/*
 * An item an organisation may not see answers 404 whatever the method, as
 * an item that does not exist: UNITAD sees the Yezidi case through its JIT
 * but only its own item 6, not FR's item 7.
 */
static void test_api_evidence__hidden_items_answer_404_to_every_method(void **state)
{
	(void)state;
	static const struct {
		const char *sub, *body;
	} ops[] = {
		{"", NULL}, {"/content", NULL}, {"/custody", NULL},
		{"/custody", "{\"event\":\"sealed\"}"}, {"/verify", "{}"},
		{"/erase", "{\"reason\":\"x\"}"},
	};
	size_t wrong = 0;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		static const int64_t ids[] = {7, 999999};
		long st[2];
		for (size_t k = 0; k < 2; k++) {
			char path[128];
			snprintf(path, sizeof(path), "/api/v1/evidence/%lld%s", (long long)ids[k],
			         ops[i].sub);
			api_request(ops[i].body ? "POST" : "GET", path, T("unitad"), ops[i].body, &st[k],
			            NULL);
		}
		assert_int_equal(st[1], 404);
		if (st[0] != 404) {
			fprintf(stderr, "%s /api/v1/evidence/7%s as unitad: %ld, not 404 as for an "
			        "item that does not exist\n", ops[i].body ? "POST" : "GET", ops[i].sub,
			        st[0]);
			wrong++;
		}
	}
	assert_int_equal(wrong, 0);
}

/* ---- 4. integrity ----------------------------------------------------------- */

static void test_api_evidence__corrupted_blob_is_detected_on_read(void **state)
{
	(void)state;
	int64_t cid = fresh_case("Corrupted on disk");
	const size_t len = 300000;
	unsigned char *data = fill_bytes(len, 1234);
	blobset before = blobs_now();
	int64_t eid = upload_id("se", cid, "{\"title\":\"To be corrupted\"}", data, len);
	blobset after = blobs_now();
	char blob[800];
	blob_added(blob, sizeof(blob), &before, &after);
	free(before.v);
	free(after.v);
	assert_int_equal(content_status("se", eid), 200);
	corrupt(blob, 200000);

	/* The read fails: an error, or a transfer cut short; never the altered content whole. */
	api_resp r;
	content(&r, "se", "GET", eid, NULL);
	bool whole = r.status == 200 && r.len == len && !memcmp(r.body, data, len);
	assert_false(whole);
	assert_true(r.len < len || r.status != 200);
	api_resp_free(&r);
	json_t *it = NULL;
	assert_int_equal(api_getf(T("se"), &it, "/api/v1/evidence/%lld", (long long)eid), 200);
	assert_string_equal(jstr(it, "integrity"), "failed");
	json_decref(it);

	/* verify says so. */
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/evidence/%lld/verify", (long long)eid);
	json_t *rep = NULL;
	assert_int_equal(api_requestj("POST", path, T("se"), json_object(), &rep), 200);
	assert_int_equal(jint(rep, "id"), eid);
	assert_string_equal(jstr(rep, "status"), "failed");
	assert_true(json_is_string(json_object_get(rep, "message")));
	json_decref(rep);

	/* From now on the content is refused: no bytes, whole or partial. */
	api_resp a, b;
	content(&a, "se", "GET", eid, NULL);
	content(&b, "se", "GET", eid, "bytes=0-9");
	long sa = a.status, sb = b.status;
	bool bytes_served = (a.len && !a.json) || (b.len && !b.json);
	bool enveloped = a.json && b.json && json_object_get(a.json, "error") &&
	                 json_object_get(b.json, "error");
	api_resp_free(&a);
	api_resp_free(&b);
	free(data);
	assert_false(bytes_served);
	assert_true(enveloped);
	if (sa < 400 || sa > 499 || sb < 400 || sb > 499)
		fprintf(stderr, "content of an item failing integrity: %ld, range: %ld (want 4xx)\n",
		        sa, sb);
	assert_in_range(sa, 400, 499);
	assert_in_range(sb, 400, 499);
}

/*
 * Another item's blob (same case, so its units authenticate under the same
 * key) copied over an item's: a whole download never completes as the item,
 * and the item is flagged. (Found by walking the vault as an attacker with
 * the disk would: the download used to stop at the item's size, before the
 * unit that seals its SHA-256.)
 */
static void test_api_evidence__swapped_blob_never_served_whole(void **state)
{
	(void)state;
	int64_t cid = fresh_case("Swapped on disk");
	const size_t la = 150000, lb = 300000;
	unsigned char *a = fill_bytes(la, 77), *b = fill_bytes(lb, 78);
	blobset s0 = blobs_now();
	int64_t ea = upload_id("se", cid, "{\"title\":\"A\"}", a, la);
	blobset s1 = blobs_now();
	upload_id("se", cid, "{\"title\":\"B\"}", b, lb);
	blobset s2 = blobs_now();
	char pa[800], pb[800], cmd[1700];
	blob_added(pa, sizeof(pa), &s0, &s1);
	blob_added(pb, sizeof(pb), &s1, &s2);
	free(s0.v);
	free(s1.v);
	free(s2.v);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", pb, pa);
	assert_int_equal(system(cmd), 0);
	api_resp r;
	/* A range short of the end: refused at once, the blob's header not the one
	 * registered (not a byte of the other content). */
	content(&r, "se", "GET", ea, "bytes=0-9");
	bool served = r.status == 206 || (r.len && !r.json);
	long st = r.status;
	api_resp_free(&r);
	assert_false(served);
	assert_in_range(st, 400, 599);
	content(&r, "se", "GET", ea, NULL);
	bool whole = r.status == 200 && r.len == la;
	api_resp_free(&r);
	assert_false(whole);
	json_t *it = NULL;
	assert_int_equal(api_getf(T("se"), &it, "/api/v1/evidence/%lld", (long long)ea), 200);
	assert_string_equal(jstr(it, "integrity"), "failed");
	json_decref(it);
	free(a);
	free(b);
}

static void test_api_evidence__verify_finds_altered_and_missing_blobs(void **state)
{
	(void)state;
	int64_t cid = fresh_case("Verified on disk");
	unsigned char *one = fill_bytes(1000, 77), *two = fill_bytes(2000, 78);
	blobset b0 = blobs_now();
	int64_t e1 = upload_id("se", cid, "{\"title\":\"Altered\"}", one, 1000);
	blobset b1 = blobs_now();
	int64_t e2 = upload_id("se", cid, "{\"title\":\"Missing\"}", two, 2000);
	blobset b2 = blobs_now();
	char p1[800], p2[800];
	blob_added(p1, sizeof(p1), &b0, &b1);
	blob_added(p2, sizeof(p2), &b1, &b2);
	free(b0.v);
	free(b1.v);
	free(b2.v);
	char path[128];
	json_t *rep = NULL;
	snprintf(path, sizeof(path), "/api/v1/evidence/%lld/verify", (long long)e1);
	assert_int_equal(api_requestj("POST", path, T("se"), json_object(), &rep), 200);
	assert_string_equal(jstr(rep, "status"), "ok");
	json_decref(rep);

	corrupt(p1, 500);
	assert_int_equal(unlink(p2), 0);
	/* Found by verify alone, before anyone reads the content. */
	assert_int_equal(api_requestj("POST", path, T("rs"), json_object(), &rep), 200);
	assert_string_equal(jstr(rep, "status"), "failed");
	json_decref(rep);
	snprintf(path, sizeof(path), "/api/v1/evidence/%lld/verify", (long long)e2);
	assert_int_equal(api_requestj("POST", path, T("se"), json_object(), &rep), 200);
	assert_string_equal(jstr(rep, "status"), "missing");
	json_decref(rep);
	json_t *list = NULL;
	assert_int_equal(api_getf(T("se"), &list, "/api/v1/cases/%lld/evidence", (long long)cid),
	                 200);
	assert_int_equal(json_array_size(list), 2);
	size_t i;
	json_t *it;
	json_array_foreach(list, i, it)
		assert_string_not_equal(jstr(it, "integrity"), "ok");
	json_decref(list);
	json_t *cus = NULL;
	assert_int_equal(api_getf(T("se"), &cus, "/api/v1/evidence/%lld/custody", (long long)e1),
	                 200);
	assert_int_equal(count_events(cus, "integrity_checked"), 2);
	json_decref(cus);
	free(one);
	free(two);
	long s1 = content_status("se", e1), s2 = content_status("se", e2);
	assert_int_not_equal(s1, 200);
	assert_int_not_equal(s2, 200);
	if (s1 >= 500 || s2 >= 500)
		fprintf(stderr, "content of failed/missing items: %ld, %ld (want 4xx)\n", s1, s2);
	assert_in_range(s1, 400, 499);
	assert_in_range(s2, 400, 499);
}

/* ---- 5. erasure and retention ---------------------------------------------- */

static void test_api_evidence__hold_blocks_erasure_then_owner_erases(void **state)
{
	(void)state;
	int64_t cid = fresh_case("Erasure");
	unsigned char *data = fill_bytes(100000, 555);
	char sha[65];
	sha_hex(sha, data, 100000);
	blobset b0 = blobs_now();
	int64_t a = upload_id("se", cid, "{\"title\":\"First copy\"}", data, 100000);
	int64_t b = upload_id("se", cid, "{\"title\":\"Second copy\"}", data, 100000);
	assert_int_not_equal(a, b);
	/* The same content in a case is stored once. */
	blobset b1 = blobs_now();
	assert_int_equal(b1.n, b0.n + 1);

	char path[128];
	json_t *out = NULL;
	long st;
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/holds", (long long)cid);
	st = api_requestj("POST", path, T("se"), json_pack("{s:s}", "reason", "appeal pending"),
	                  &out);
	assert_int_equal(st, 201);
	json_t *holds = json_object_get(out, "holds");
	assert_int_equal(json_array_size(holds), 1);
	int64_t hold = jint(json_array_get(holds, 0), "id");
	assert_true(hold > 0);
	assert_string_equal(jstr(json_array_get(holds, 0), "reason"), "appeal pending");
	json_decref(out);
	st = api_requestj("POST", path, T("rs"), json_pack("{s:s}", "reason", "x"), &out);
	api_assert_fails(st, out, 403, NULL);
	json_decref(out);
	st = api_requestj("POST", path, T("se"), json_pack("{s:s}", "reason", ""), &out);
	api_assert_fails(st, out, 400, NULL);
	json_decref(out);

	snprintf(path, sizeof(path), "/api/v1/evidence/%lld/erase", (long long)a);
	st = api_requestj("POST", path, T("se"), json_pack("{s:s}", "reason", "final acquittal"),
	                  &out);
	api_assert_fails(st, out, 409, NULL);
	assert_non_null(strstr(api_assert_error(out), "appeal pending"));
	json_decref(out);
	assert_int_equal(content_status("se", a), 200);

	snprintf(path, sizeof(path), "/api/v1/cases/%lld/retention", (long long)cid);
	assert_int_equal(api_getf(T("rs"), &out, "%s", path), 200);
	assert_int_equal(jint(json_array_get(json_object_get(out, "holds"), 0), "id"), hold);
	json_decref(out);
	assert_int_equal(api_getf(T("de"), NULL, "%s", path), 404);

	/* Only an owner releases it; once. */
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/holds/%lld/release", (long long)cid,
	         (long long)hold);
	api_request("POST", path, T("rs"), NULL, &st, NULL);
	assert_int_equal(st, 403);
	api_request("POST", path, T("se"), NULL, &st, NULL);
	assert_int_equal(st, 204);
	api_request("POST", path, T("se"), NULL, &st, &out);
	api_assert_fails(st, out, 404, NULL);
	json_decref(out);

	/* Who may not erase; and no erasure without a reason. */
	snprintf(path, sizeof(path), "/api/v1/evidence/%lld/erase", (long long)a);
	static const char *const nope[] = {"rs", "se-analyst", "interpol"};
	for (size_t i = 0; i < 3; i++) {
		st = api_requestj("POST", path, T(nope[i]), json_pack("{s:s}", "reason", "x"), &out);
		api_assert_fails(st, out, 403, NULL);
		json_decref(out);
	}
	st = api_requestj("POST", path, T("de"), json_pack("{s:s}", "reason", "x"), &out);
	api_assert_fails(st, out, 404, NULL);
	json_decref(out);
	st = api_requestj("POST", path, T("se"), json_object(), &out);
	api_assert_fails(st, out, 400, NULL);
	json_decref(out);
	st = api_requestj("POST", path, T("se"), json_pack("{s:s}", "reason", ""), &out);
	api_assert_fails(st, out, 400, NULL);
	json_decref(out);
	assert_int_equal(content_status("se", a), 200);

	st = api_requestj("POST", path, T("se"), json_pack("{s:s}", "reason",
	                  "final acquittal; storage no longer lawful"), &out);
	assert_int_equal(st, 200);
	assert_true(json_is_string(json_object_get(out, "erased_at")));
	assert_string_equal(jstr(out, "erased_by"), "se");
	assert_string_equal(jstr(out, "erase_reason"), "final acquittal; storage no longer lawful");
	assert_string_equal(jstr(out, "sha256"), sha);
	json_decref(out);
	json_t *it = NULL;
	assert_int_equal(api_getf(T("se"), &it, "/api/v1/evidence/%lld", (long long)a), 200);
	assert_true(json_is_string(json_object_get(it, "erased_at")));
	json_decref(it);
	api_resp r;
	content(&r, "se", "GET", a, NULL);
	api_assert_fails(r.status, r.json, 409, NULL);
	api_resp_free(&r);
	/* The tombstone: the hash, the reason, who decided. */
	json_t *cus = NULL;
	assert_int_equal(api_getf(T("se"), &cus, "/api/v1/evidence/%lld/custody", (long long)a),
	                 200);
	assert_int_equal(count_events(cus, "registered"), 1);
	assert_int_equal(count_events(cus, "erased"), 1);
	json_t *last = json_array_get(cus, json_array_size(cus) - 1);
	assert_string_equal(jstr(last, "event"), "erased");
	assert_string_equal(jstr(last, "reason"), "final acquittal; storage no longer lawful");
	assert_string_equal(jstr(json_object_get(last, "details"), "sha256"), sha);
	assert_string_equal(jstr(json_object_get(last, "details"), "decided_by"), "se");
	json_decref(cus);
	/* Twice: no. Nothing to verify or share any more. */
	st = api_requestj("POST", path, T("se"), json_pack("{s:s}", "reason", "again"), &out);
	api_assert_fails(st, out, 409, NULL);
	json_decref(out);
	snprintf(path, sizeof(path), "/api/v1/evidence/%lld/verify", (long long)a);
	st = api_requestj("POST", path, T("se"), json_object(), &out);
	api_assert_fails(st, out, 409, NULL);
	json_decref(out);
	char body[256];
	snprintf(body, sizeof(body), "{\"case\":%lld,\"items\":[%lld],\"org\":\"ICC\","
	         "\"legal_basis\":\"x\"}", (long long)cid, (long long)a);
	grant_create("se", body, 409);

	/* The other registration of the same content keeps it. */
	content(&r, "se", "GET", b, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.len, 100000);
	assert_memory_equal(r.body, data, 100000);
	api_resp_free(&r);
	blobset b2 = blobs_now();
	assert_true(blobsets_equal(&b1, &b2));

	/* Erasing the last one destroys the content. */
	snprintf(path, sizeof(path), "/api/v1/evidence/%lld/erase", (long long)b);
	st = api_requestj("POST", path, T("se"), json_pack("{s:s}", "reason", "final acquittal"),
	                  &out);
	assert_int_equal(st, 200);
	json_decref(out);
	blobset b3 = blobs_now();
	assert_true(blobsets_equal(&b0, &b3));
	free(b0.v);
	free(b1.v);
	free(b2.v);
	free(b3.v);
	free(data);
}

/* Whether GET /api/v1/retention?within=W lists a deletion for the case. */
static bool deletion_due(int64_t cid, const char *within)
{
	json_t *due = NULL, *d, *why;
	size_t i, k;
	bool found = false;
	assert_int_equal(api_getf(T("se"), &due, "/api/v1/retention?within=%s", within), 200);
	json_array_foreach(due, i, d)
		if (jint(d, "case_id") == cid)
			json_array_foreach(json_object_get(d, "due"), k, why)
				found |= !strcmp(jstr(why, "action"), "delete");
	json_decref(due);
	return found;
}

static void test_api_evidence__retention_trigger_makes_deletion_due(void **state)
{
	(void)state;
	int64_t cid = fresh_case("Acquitted");
	char day[11], path[128];
	today(day);
	json_t *out = NULL;
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/retention/triggers", (long long)cid);
	long st = api_requestj("POST", path, T("se"), json_pack("{s:s,s:s,s:s}", "trigger",
	                       "final_acquittal", "on", day, "note", "Svea hovratt B 99-26"), &out);
	assert_int_equal(st, 201);
	json_t *tr = json_array_get(json_object_get(out, "triggers"), 0);
	assert_string_equal(jstr(tr, "trigger"), "final_acquittal");
	assert_string_equal(jstr(tr, "on"), day);
	json_decref(out);

	static const char *const bad[] = {
		"{\"trigger\":\"bored\",\"on\":\"2026-01-01\"}",
		"{\"trigger\":\"final_acquittal\",\"on\":\"2026-02-30\"}",
		"{\"trigger\":\"final_acquittal\"}",
	};
	for (size_t i = 0; i < 3; i++) {
		api_request("POST", path, T("se"), bad[i], &st, &out);
		api_assert_fails(st, out, 400, NULL);
		json_decref(out);
	}
	api_request("POST", path, T("rs"), "{\"trigger\":\"final_acquittal\",\"on\":\"2026-01-01\"}",
	            &st, &out);
	api_assert_fails(st, out, 403, NULL);
	json_decref(out);

	/* Listed as due for deletion, with why. */
	json_t *due = NULL, *d, *found = NULL;
	size_t i;
	assert_int_equal(api_getf(T("se"), &due, "/api/v1/retention"), 200);
	json_array_foreach(due, i, d)
		if (jint(d, "case_id") == cid)
			found = d;
	if (!found)
		dump("retention", due);
	assert_non_null(found);
	json_t *why, *del = NULL;
	size_t k;
	json_array_foreach(json_object_get(found, "due"), k, why)
		if (!strcmp(jstr(why, "action"), "delete"))
			del = why;
	assert_non_null(del);
	assert_string_equal(jstr(del, "due_on"), day);
	assert_non_null(strstr(jstr(del, "why"), "acquittal"));
	json_decref(due);
	/* Not to other organisations. */
	assert_int_equal(api_getf(T("rs"), &due, "/api/v1/retention"), 200);
	json_array_foreach(due, i, d)
		assert_int_not_equal(jint(d, "case_id"), cid);
	json_decref(due);
	st = api_getf(T("se"), &due, "/api/v1/retention?within=soon");
	api_assert_fails(st, due, 400, NULL);
	json_decref(due);

	/* A final judgment today: deletion is due only in three years. */
	int64_t judged = fresh_case("Judged");
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/retention/triggers", (long long)judged);
	st = api_requestj("POST", path, T("se"), json_pack("{s:s,s:s}", "trigger", "final_judgment",
	                  "on", day), NULL);
	assert_int_equal(st, 201);
	assert_false(deletion_due(judged, "30d"));
	assert_true(deletion_due(judged, "1200d"));
	/* A bare number is days, as for deadlines (it was read as seconds). */
	assert_false(deletion_due(judged, "30"));
	assert_true(deletion_due(judged, "1200"));
	st = api_getf(T("se"), &due, "/api/v1/retention?within=12h");
	api_assert_fails(st, due, 400, NULL);
	json_decref(due);
}

static void test_api_evidence__custody_events_recorded_by_hand(void **state)
{
	(void)state;
	char path[128];
	json_t *out = NULL;
	snprintf(path, sizeof(path), "/api/v1/evidence/%d/custody", 3);
	long st = api_requestj("POST", path, T("rs"), json_pack("{s:s,s:s,s:{s:s}}", "event",
	                       "sealed", "reason", "sealed in bag RS-4471", "details", "bag",
	                       "RS-4471"), &out);
	assert_int_equal(st, 201);
	/* The answer is the event recorded (not the chain), as the chain lists it. */
	assert_true(json_is_object(out));
	assert_string_equal(jstr(out, "event"), "sealed");
	assert_string_equal(jstr(out, "actor"), "rs");
	assert_string_equal(jstr(out, "actor_org"), "RS");
	assert_string_equal(jstr(out, "reason"), "sealed in bag RS-4471");
	assert_string_equal(jstr(json_object_get(out, "details"), "bag"), "RS-4471");
	assert_int_equal(jint(out, "item_id"), 3);
	assert_true(json_is_integer(json_object_get(out, "ledger_index")));
	json_t *chain = NULL;
	assert_int_equal(api_getf(T("rs"), &chain, "%s", path), 200);
	assert_true(json_equal(json_array_get(chain, json_array_size(chain) - 1), out));
	json_decref(chain);
	json_decref(out);
	/* Nor what custodia writes in its own events: a grant_id would hide the entry
	 * from the case, a manifest_sha256 pass for a bundle's export. */
	static const char *const bad[] = {
		"{\"event\":\"registered\"}", "{\"event\":\"erased\"}", "{\"event\":\"analysed\"}",
		/* a hand-over or a receipt says to or from whom, and why */
		"{\"event\":\"transferred\"}", "{\"event\":\"received\"}",
		"{\"reason\":\"x\"}", "{\"event\":\"sealed\",\"details\":{\"grant_id\":1}}",
		"{\"event\":\"exported\",\"details\":{\"manifest_sha256\":\"00\"}}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		api_request("POST", path, T("rs"), bad[i], &st, &out);
		api_assert_fails(st, out, 400, NULL);
		json_decref(out);
	}
	api_request("POST", path, T("interpol"), "{\"event\":\"sealed\"}", &st, &out);
	api_assert_fails(st, out, 403, NULL);
	json_decref(out);
	api_request("POST", path, T("de"), "{\"event\":\"sealed\"}", &st, &out);
	api_assert_fails(st, out, 404, NULL);
	json_decref(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api_evidence__demo_items_as_described),
		cmocka_unit_test(test_api_evidence__upload_round_trip),
		cmocka_unit_test(test_api_evidence__png_and_empty_file),
		cmocka_unit_test(test_api_evidence__wrong_offset_and_resent_chunk),
		cmocka_unit_test(test_api_evidence__client_disconnects_mid_chunk),
		cmocka_unit_test(test_api_evidence__abandoned_and_foreign_uploads),
		cmocka_unit_test(test_api_evidence__wrong_sha256_registers_nothing),
		cmocka_unit_test(test_api_evidence__upload_refusals),
		cmocka_unit_test(test_api_evidence__case_readers),
		cmocka_unit_test(test_api_evidence__icc_sees_the_granted_item_until_revoked),
		cmocka_unit_test(test_api_evidence__grant_of_anothers_item_waits_for_consent),
		cmocka_unit_test(test_api_evidence__grant_input_is_checked),
		cmocka_unit_test(test_api_evidence__grant_receiver_hidden_from_others),
		cmocka_unit_test(test_api_evidence__upload_is_reauthorised_until_complete),
		cmocka_unit_test(test_api_evidence__hidden_items_answer_404_to_every_method),
		cmocka_unit_test(test_api_evidence__corrupted_blob_is_detected_on_read),
		cmocka_unit_test(test_api_evidence__swapped_blob_never_served_whole),
		cmocka_unit_test(test_api_evidence__verify_finds_altered_and_missing_blobs),
		cmocka_unit_test(test_api_evidence__hold_blocks_erasure_then_owner_erases),
		cmocka_unit_test(test_api_evidence__retention_trigger_makes_deletion_due),
		cmocka_unit_test(test_api_evidence__custody_events_recorded_by_hand),
	};
	return cmocka_run_group_tests_name("api_evidence", tests, setup, teardown);
}
