/* SPDX-License-Identifier: Apache-2.0 */
/* api tests: the OpenAPI document, and a call to every operation it lists. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "harness.h"
#include "sse.h"
#include "http/route.h"

static json_t *doc;

static int setup(void **state)
{
	if (api_group_setup(state) != 0)
		return -1;
	long st = 0;
	if (api_request("GET", "/api/v1/openapi.json", NULL, NULL, &st, &doc) != 0 || st != 200)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	json_decref(doc);
	return api_group_teardown(state);
}

static void test_api_openapi__document_is_valid(void **state)
{
	(void)state;
	/* Served without a token, as JSON. */
	api_resp r;
	api_req rq = {.path = "/api/v1/openapi.json"};
	assert_int_equal(api_send(&rq, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.content_type, "application/json"));
	json_error_t e;
	json_t *strict = json_loadb(r.body, r.len, JSON_REJECT_DUPLICATES, &e);
	if (!strict)
		fprintf(stderr, "openapi.json: %s at line %d\n", e.text, e.line);
	assert_non_null(strict);
	assert_true(json_equal(strict, doc));
	json_decref(strict);
	api_resp_free(&r);

	assert_string_equal(json_string_value(json_object_get(doc, "openapi")), "3.1.0");
	json_t *info = json_object_get(doc, "info");
	assert_true(json_is_string(json_object_get(info, "title")));
	assert_true(json_is_string(json_object_get(info, "version")));
	json_t *paths = json_object_get(doc, "paths");
	assert_true(json_is_object(paths));
	assert_true(json_object_size(paths) > 10);
	json_t *schemas = json_object_get(json_object_get(doc, "components"), "schemas");
	assert_true(json_is_object(schemas));
	assert_true(json_is_object(json_object_get(json_object_get(json_object_get(doc,
	            "components"), "securitySchemes"), "bearer")));

	/* Every operation: an id, responses, and $refs that resolve. */
	const char *path, *method;
	json_t *item, *op;
	json_object_foreach(paths, path, item) {
		assert_int_equal(path[0], '/');
		json_object_foreach(item, method, op) {
			assert_true(!strcmp(method, "get") || !strcmp(method, "post") ||
			            !strcmp(method, "patch") || !strcmp(method, "delete") ||
			            !strcmp(method, "put"));
			assert_true(json_is_string(json_object_get(op, "operationId")));
			json_t *resp = json_object_get(op, "responses");
			assert_true(json_is_object(resp));
			bool success = false;
			const char *code;
			json_t *v;
			json_object_foreach(resp, code, v)
				success |= code[0] == '2';
			assert_true(success);
			/* Path parameters are declared. */
			for (const char *b = strchr(path, '{'); b; b = strchr(b + 1, '{')) {
				const char *end = strchr(b, '}');
				bool declared = false;
				size_t i, len = (size_t)(end - b - 1);
				json_t *prm;
				json_array_foreach(json_object_get(op, "parameters"), i, prm) {
					const char *name, *in;
					name = json_string_value(json_object_get(prm, "name"));
					in = json_string_value(json_object_get(prm, "in"));
					declared |= name && in && strlen(name) == len &&
					            !strncmp(name, b + 1, len) && !strcmp(in, "path");
				}
				assert_true(declared);
			}
		}
	}
	char *text = json_dumps(doc, 0);
	for (const char *p = strstr(text, "\"#/components/schemas/"); p;
	     p = strstr(p + 1, "\"#/components/schemas/")) {
		char name[64];
		const char *s = p + strlen("\"#/components/schemas/"), *q = strchr(s, '"');
		snprintf(name, sizeof(name), "%.*s", (int)(q - s), s);
		if (!json_object_get(schemas, name))
			fail_msg("$ref to a missing schema %s", name);
	}
	free(text);
}

static void test_api_openapi__lists_every_route(void **state)
{
	(void)state;
	json_t *paths = json_object_get(doc, "paths");
	size_t ops = 0;
	const char *path;
	json_t *item;
	json_object_foreach(paths, path, item)
		ops += json_object_size(item);
	/* The document and the route table agree, both ways. */
	assert_int_equal(ops, (size_t)cu_nroutes);
	for (int i = 0; i < cu_nroutes; i++) {
		char m[8];
		size_t k;
		for (k = 0; cu_routes[i].method[k] && k < sizeof(m) - 1; k++)
			m[k] = (char)(cu_routes[i].method[k] | 0x20);
		m[k] = '\0';
		if (!json_object_get(json_object_get(paths, cu_routes[i].path), m))
			fail_msg("%s %s is not in the document", cu_routes[i].method,
			         cu_routes[i].path);
	}
}

/* ---- calling every operation ------------------------------------------ */

static char *tok_se, *tok_seadmin, *tok_admin, *tok_logout, *tok_rs;
static int64_t jit_id;
static char token_id[32];

/* The content every evidence operation works on: the examples' "hello". */
static const char hello_sha[] =
	"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

static int64_t fresh_case(void)
{
	return api_case_create(tok_se, "{\"title\":\"For the route coverage test\","
	                               "\"crime_types\":[\"other\"],\"national_ref\":\"COV-1\","
	                               "\"participants\":[{\"org\":\"RS\",\"national_ref\":"
	                               "\"COV-RS-1\"},{\"org\":\"ME\"}]}");
}

/* POST as se, asserting want; the integer field key of the answer (0 if none). */
static int64_t post_id(const char *token, const char *path, const char *body, long want,
                       const char *key);

/* An entity in a fresh case of se's. */
static int64_t fresh_entity(void)
{
	char p[96];
	snprintf(p, sizeof(p), "/api/v1/cases/%lld/entities", (long long)fresh_case());
	return post_id(tok_se, p, "{\"kind\":\"person\",\"names\":[\"Ana Coverage\"]}", 201,
	               "id");
}

/*
 * A hit between a case of se's and another case with the same phone number:
 * another of se's, or (hidden) one only RS sees, so that se may ask for access.
 */
static int64_t fresh_hit(bool hidden)
{
	static int n;
	char p[96], body[128];
	int64_t mine = fresh_case();
	int64_t other = hidden ? api_case_create(tok_rs, "{\"title\":\"RS only\","
	                                                  "\"crime_types\":[\"other\"]}")
	                       : fresh_case();
	snprintf(body, sizeof(body), "{\"kind\":\"phone\",\"number\":\"+381 64 555 %04d\"}", ++n);
	snprintf(p, sizeof(p), "/api/v1/cases/%lld/entities", (long long)other);
	post_id(hidden ? tok_rs : tok_se, p, body, 201, "id");
	snprintf(p, sizeof(p), "/api/v1/cases/%lld/entities", (long long)mine);
	post_id(tok_se, p, body, 201, "id");
	snprintf(p, sizeof(p), "/api/v1/hits?case=%lld", (long long)mine);
	long st = 0;
	json_t *out = NULL;
	api_request("GET", p, tok_se, NULL, &st, &out);
	assert_int_equal(st, 200);
	assert_int_equal(json_array_size(out), 1);
	int64_t id = json_integer_value(json_object_get(json_array_get(out, 0), "id"));
	json_decref(out);
	return id;
}

static int64_t post_id(const char *token, const char *path, const char *body, long want,
                       const char *key)
{
	long st = 0;
	json_t *out = NULL;
	api_request("POST", path, token, body, &st, &out);
	if (st != want) {
		char *t = out ? json_dumps(out, JSON_COMPACT) : NULL;
		fprintf(stderr, "POST %s answered %ld: %s\n", path, st, t ? t : "");
		free(t);
	}
	assert_int_equal(st, want);
	int64_t v = json_integer_value(json_object_get(out, key));
	json_decref(out);
	return v;
}

/* An upload session in a fresh case; with content, "hello" already sent. */
static void fresh_upload(char *id, size_t n, bool content)
{
	char path[128];
	long st = 0;
	json_t *out = NULL;
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/uploads", (long long)fresh_case());
	api_request("POST", path, tok_se, "{\"title\":\"Coverage\"}", &st, &out);
	assert_int_equal(st, 201);
	snprintf(id, n, "%s", json_string_value(json_object_get(out, "id")));
	json_decref(out);
	if (content) {
		snprintf(path, sizeof(path), "/api/v1/uploads/%s?offset=0", id);
		assert_int_equal(api_put_raw(tok_se, path, "hello", 5, NULL), 200);
	}
}

/* A registered item ("hello") in a fresh case of se's; *case_id gets the case. */
static int64_t fresh_item(int64_t *case_id)
{
	char id[64], path[128], body[128];
	fresh_upload(id, sizeof(id), true);
	snprintf(path, sizeof(path), "/api/v1/uploads/%s/complete", id);
	snprintf(body, sizeof(body), "{\"sha256\":\"%s\"}", hello_sha);
	long st = 0;
	json_t *out = NULL;
	api_request("POST", path, tok_se, body, &st, &out);
	assert_int_equal(st, 201);
	int64_t item = json_integer_value(json_object_get(out, "id"));
	if (case_id)
		*case_id = json_integer_value(json_object_get(out, "case_id"));
	json_decref(out);
	return item;
}

/*
 * A grant of one of se's items to the ICC; made by rs (a participant) it waits
 * for se's consent, made by se it is in force.
 */
static int64_t fresh_grant(bool pending)
{
	int64_t cid, item = fresh_item(&cid);
	char body[256];
	snprintf(body, sizeof(body), "{\"case\":%lld,\"items\":[%lld],\"org\":\"ICC\","
	         "\"legal_basis\":\"Art. 93(10) Rome Statute request\"}", (long long)cid,
	         (long long)item);
	return post_id(pending ? tok_rs : tok_se, "/api/v1/grants", body, 201, "id");
}

/* A request the test makes for an operation: its URL, and a body other than the example. */
typedef struct call {
	char url[256];
	char *body;       /* NULL: the example (or {}) */
	const char *type; /* content type of body */
	bool raw;         /* send body as is, even without a JSON request body in the document */
} call;

/* Fills path's {params} for an operation and picks its body; false if a parameter is unknown. */
/*
 * A real cosignature of the server's latest checkpoint: a second node,
 * initialised for the purpose and trusted by the server's log (ledger
 * witnesses --add), witnesses it without submitting, and the test submits
 * what it produced.
 */
static char *cosignature(void)
{
	char dir[] = "/tmp/cu-witness-XXXXXX", cmd[2400], vkey[400], line[600];
	const char *bin = getenv("CU_BIN");
	assert_non_null(mkdtemp(dir));
	assert_non_null(bin);
	snprintf(
	    cmd, sizeof(cmd),
	    "CUSTODIA_PASSWORD=witness-pw '%s' init --data '%s/w' "
	    ">/dev/null && '%s' ledger witnesses --data '%s' --add \"$('%s' ledger witness-key "
	    "--data '%s/w')\" >/dev/null && '%s' ledger key --data '%s'",
	    bin, dir, bin, api_srv.data, bin, dir, bin, api_srv.data);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(vkey, sizeof(vkey), p));
	pclose(p);
	vkey[strcspn(vkey, "\n")] = '\0';
	snprintf(cmd, sizeof(cmd), "'%s' ledger witness --no-submit --json --log '%s' --key '%s' "
	         "--data '%s/w'", bin, api_srv.url, vkey, dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	size_t n = fread(line, 1, sizeof(line) - 1, p);
	line[n] = '\0';
	assert_int_equal(pclose(p), 0);
	json_t *w = json_loads(line, 0, NULL);
	assert_non_null(w);
	json_t *body = json_pack("{s:O,s:O,s:O}", "size", json_object_get(w, "size"), "cosignature",
	                         json_object_get(w, "cosignature"), "witness_key",
	                         json_object_get(w, "witness_key"));
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	json_decref(w);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fail_msg("cannot remove %s", dir);
	return text;
}

/*
 * A cooperation request ready for the operation of path: from SE, a draft for
 * status, sent for hand-set deadlines; one from RS that SE executes, received, for
 * milestones (an EAW) and extensions (an EIO, whose recognition limit runs).
 */
static int64_t fresh_request(const char *path)
{
	bool executing = strstr(path, "/milestones") || strstr(path, "/extensions");
	const char *kind = strstr(path, "/milestones") ? "eaw" : strstr(path, "/extensions") ? "eio"
	                   : "mla";
	char p[96], body[256];
	int64_t case_id;
	if (executing) {
		case_id = api_case_create(tok_rs, "{\"title\":\"Coverage request\","
		                                  "\"crime_types\":[\"other\"]}");
	} else {
		case_id = fresh_case();
	}
	snprintf(body, sizeof(body), "{\"case\":\"%lld\",\"kind\":\"%s\",\"title\":\"Coverage\","
	         "\"executing_org\":\"%s\"}", (long long)case_id, kind, executing ? "SE" : "RS");
	int64_t id = post_id(executing ? tok_rs : tok_se, "/api/v1/requests", body, 201, "id");
	snprintf(p, sizeof(p), "/api/v1/requests/%lld/status", (long long)id);
	if (executing) {
		post_id(tok_rs, p, "{\"to\":\"sent\"}", 200, NULL);
		post_id(tok_se, p, "{\"to\":\"received\"}", 200, NULL);
	} else if (strstr(path, "/deadlines")) {
		post_id(tok_se, p, "{\"to\":\"sent\"}", 200, NULL); /* a draft has none */
	}
	return id;
}

/* An action day of the first demo case with one RS action: its id; *action that action. */
static int64_t fresh_actionday(int64_t *action)
{
	long st = 0;
	json_t *out = NULL;
	api_request("POST", "/api/v1/actiondays", tok_se, "{\"case\":\"2026/0001\",\"title\":"
	            "\"Coverage day\",\"day\":\"2026-12-01\",\"timezones\":{\"RS\":"
	            "\"Europe/Belgrade\"},\"actions\":[{\"kind\":\"arrest\",\"country\":\"RS\","
	            "\"org\":\"RS\",\"planned_time\":\"06:00\"}]}", &st, &out);
	assert_int_equal(st, 201);
	if (action)
		*action = json_integer_value(json_object_get(json_array_get(json_object_get(out,
		          "actions"), 0), "id"));
	int64_t id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	return id;
}

/* A bundle of a fresh item of se's, made for the ICC: its download id. */
static void fresh_bundle(char *out, size_t n)
{
	int64_t cid, item = fresh_item(&cid);
	char path[96], body[96];
	long st = 0;
	json_t *res = NULL;
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/bundles", (long long)cid);
	snprintf(body, sizeof(body), "{\"for\":\"ICC\",\"items\":[%lld]}", (long long)item);
	api_request("POST", path, tok_se, body, &st, &res);
	assert_int_equal(st, 201);
	snprintf(out, n, "%s", json_string_value(json_object_get(res, "id")));
	json_decref(res);
}

static int64_t bundle_item; /* the item the bundles route's example names */

static bool fill(call *cl, const char *method, const char *path)
{
	char *out = cl->url;
	size_t n = sizeof(cl->url), o = 0;
	int64_t case_id = 0;
	bool evidence = !strncmp(path, "/api/v1/evidence/", 17);
	bool uploads = !strncmp(path, "/api/v1/uploads/", 16);
	bool grants = !strncmp(path, "/api/v1/grants/", 15);
	cl->body = NULL;
	cl->type = NULL;
	cl->raw = false;
	for (const char *p = path; *p && o + 64 < n;) {
		if (*p != '{') {
			out[o++] = *p++;
			continue;
		}
		const char *end = strchr(p, '}');
		size_t len = (size_t)(end - p + 1);
		char val[64];
		if (!strncmp(p, "{id}", len) && !strcmp(path, "/api/v1/cases/{id}/bundles")) {
			int64_t cid;
			bundle_item = fresh_item(&cid);
			snprintf(val, sizeof(val), "%lld", (long long)cid);
		} else if (!strncmp(p, "{id}", len) && !strncmp(path, "/api/v1/bundles/", 16)) {
			fresh_bundle(val, sizeof(val));
		} else if (!strncmp(p, "{id}", len) && !strncmp(path, "/api/v1/cases/", 14)) {
			case_id = fresh_case();
			snprintf(val, sizeof(val), "%lld", (long long)case_id);
		} else if (!strncmp(p, "{hold}", len) && case_id) {
			char hp[96];
			snprintf(hp, sizeof(hp), "/api/v1/cases/%lld/holds", (long long)case_id);
			json_t *out_doc = NULL;
			long st = 0;
			api_request("POST", hp, tok_se, "{\"reason\":\"appeal pending\"}", &st, &out_doc);
			assert_int_equal(st, 201);
			snprintf(val, sizeof(val), "%lld", (long long)json_integer_value(json_object_get(
			         json_array_get(json_object_get(out_doc, "holds"), 0), "id")));
			json_decref(out_doc);
		} else if (!strncmp(p, "{id}", len) && !strncmp(path, "/api/v1/jits/", 13)) {
			snprintf(val, sizeof(val), "%lld", (long long)jit_id);
		} else if (!strncmp(p, "{id}", len) && !strncmp(path, "/api/v1/tokens/", 15)) {
			snprintf(val, sizeof(val), "%s", token_id);
		} else if (!strncmp(p, "{id}", len) && uploads) {
			/* complete needs content whose digest is the example's */
			fresh_upload(val, sizeof(val), strstr(path, "/complete") != NULL);
		} else if (!strncmp(p, "{id}", len) && evidence) {
			snprintf(val, sizeof(val), "%lld", (long long)fresh_item(NULL));
		} else if (!strncmp(p, "{id}", len) && grants) {
			snprintf(val, sizeof(val), "%lld",
			         (long long)fresh_grant(strstr(path, "/consent") != NULL));
		} else if (!strncmp(p, "{id}", len) && !strncmp(path, "/api/v1/entities/", 17)) {
			snprintf(val, sizeof(val), "%lld", (long long)fresh_entity());
		} else if (!strncmp(p, "{id}", len) && !strncmp(path, "/api/v1/hits/", 13)) {
			snprintf(val, sizeof(val), "%lld",
			         (long long)fresh_hit(strstr(path, "/access-requests") != NULL));
		} else if (!strncmp(p, "{id}", len) && !strncmp(path, "/api/v1/requests/", 17)) {
			snprintf(val, sizeof(val), "%lld", (long long)fresh_request(path));
		} else if (!strncmp(p, "{id}", len) && !strncmp(path, "/api/v1/actiondays/", 19)) {
			snprintf(val, sizeof(val), "%lld", (long long)fresh_actionday(NULL));
		} else if (!strncmp(p, "{id}", len) && !strncmp(path, "/api/v1/actions/", 16)) {
			int64_t action = 0;
			fresh_actionday(&action);
			snprintf(val, sizeof(val), "%lld", (long long)action);
		} else if (!strncmp(p, "{id}", len) && !strncmp(path, "/api/v1/meetings/", 17)) {
			char body[160];
			snprintf(body, sizeof(body), "{\"kind\":\"coordination\",\"case\":\"%lld\","
			         "\"title\":\"Coverage meeting\",\"held_on\":\"2026-05-06\"}",
			         (long long)fresh_case());
			snprintf(val, sizeof(val), "%lld",
			         (long long)post_id(tok_se, "/api/v1/meetings", body, 201, "id"));
		} else if (!strncmp(p, "{id}", len) && !strncmp(path, "/api/v1/interviews/", 19)) {
			snprintf(val, sizeof(val), "1"); /* FR's interview in the Yezidi case (se sees it) */
		} else if (!strncmp(p, "{id}", len) && !strncmp(path, "/api/v1/jobs/", 13)) {
			snprintf(val, sizeof(val), "1"); /* the extraction of se's first demo item */
		} else if (!strncmp(p, "{code}", len)) {
			snprintf(val, sizeof(val), "SE");
		} else if (!strncmp(p, "{org}", len)) {
			snprintf(val, sizeof(val), "RS");
		} else if (!strncmp(p, "{username}", len)) {
			snprintf(val, sizeof(val), "se");
		} else if (!strncmp(p, "{index}", len)) {
			snprintf(val, sizeof(val), "0"); /* the ledger's first entry */
		} else if (!strncmp(p, "{tile*}", len)) {
			snprintf(val, sizeof(val), "0/000.p/1"); /* the first hash, as a partial tile */
		} else {
			return false;
		}
		o += (size_t)snprintf(out + o, n - o, "%s", val);
		p = end + 1;
	}
	out[o] = '\0';
	/* Query parameters a route requires (the ledger's proofs of its first entry). */
	static const struct {
		const char *path, *query;
	} queries[] = {
		{"/api/v1/ledger/proof/inclusion", "?index=0&size=1"},
		{"/api/v1/ledger/proof/consistency", "?from=1&to=1"},
		{"/api/v1/search", "?q=Djordjevic"},
	};
	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++)
		if (!strcmp(path, queries[i].path))
			snprintf(out + o, n - o, "%s", queries[i].query);
	if (uploads && !strcmp(method, "put")) {
		/* A raw chunk at ?offset=0. */
		snprintf(out + o, n - o, "?offset=0");
		cl->body = strdup("hello");
		cl->type = "application/octet-stream";
		cl->raw = true;
	} else if (!strcmp(method, "post") && strstr(path, "/entities/import")) {
		cl->body = strdup("kind,names,born\nperson,Marko Import;Марко Импорт,1990\n");
		cl->type = "text/csv";
		cl->raw = true;
	} else if (!strcmp(method, "post") && !strcmp(path, "/api/v1/ledger/cosignatures")) {
		cl->body = cosignature();
	} else if (!strcmp(method, "post") && !strcmp(path, "/api/v1/interviews")) {
		/* The example's entity is a demo id: plan an interview of a fresh one. */
		int64_t cid = fresh_case();
		char p[96], body[256], on[16];
		snprintf(p, sizeof(p), "/api/v1/cases/%lld/entities", (long long)cid);
		int64_t ent = post_id(tok_se, p, "{\"kind\":\"person\",\"names\":[\"Ana Coverage\"]}",
		                      201, "id");
		/* Planned a month ahead: a plan for a past day is refused. */
		time_t t = time(NULL) + 30 * 86400;
		struct tm tm;
		strftime(on, sizeof(on), "%Y-%m-%d", gmtime_r(&t, &tm));
		snprintf(body, sizeof(body), "{\"case\":\"%lld\",\"entity\":%lld,\"role\":"
		         "\"witness\",\"status\":\"planned\",\"on\":\"%s\"}", (long long)cid,
		         (long long)ent, on);
		cl->body = strdup(body);
	} else if (!strcmp(method, "post") && !strcmp(path, "/api/v1/cases/{id}/bundles")) {
		char body[96];
		snprintf(body, sizeof(body), "{\"for\":\"ICC\",\"items\":[%lld]}",
		         (long long)bundle_item);
		cl->body = strdup(body);
	} else if (!strcmp(method, "post") && !strcmp(path, "/api/v1/grants")) {
		/* The example names a demo case se does not see: share one of se's items. */
		int64_t cid, item = fresh_item(&cid);
		char body[256];
		snprintf(body, sizeof(body), "{\"case\":%lld,\"items\":[%lld],\"org\":\"ICC\","
		         "\"legal_basis\":\"Art. 93(10) Rome Statute request\"}", (long long)cid,
		         (long long)item);
		cl->body = strdup(body);
	}
	return true;
}

/* Who calls an operation: the user its summary names, else the SE prosecutor. */
static const char *caller(const char *method, const char *path, const json_t *op)
{
	if (!json_object_get(op, "security"))
		return NULL;
	if (!strcmp(method, "delete") && !strcmp(path, "/api/v1/session"))
		return tok_logout;
	if (!strncmp(path, "/api/v1/orgs", 12) && strcmp(method, "get"))
		return tok_admin;
	if (!strcmp(path, "/api/v1/users"))
		return tok_seadmin;
	if (!strncmp(path, "/api/v1/actions/", 16))
		return tok_rs; /* the executing organisation posts an action's updates */
	if ((!strcmp(path, "/api/v1/match/threshold") && !strcmp(method, "put")) ||
	    !strcmp(path, "/api/v1/search/reindex") || !strcmp(path, "/metrics"))
		return tok_admin;
	return tok_se;
}

/* The route table's entry for a documented operation. */
static const cu_route *route_of(const char *method, const char *path)
{
	for (int i = 0; i < cu_nroutes; i++)
		if (!strcasecmp(cu_routes[i].method, method) && !strcmp(cu_routes[i].path, path))
			return &cu_routes[i];
	return NULL;
}

static void test_api_openapi__every_operation_answers(void **state)
{
	(void)state;
	tok_se = api_login_demo("se");
	tok_seadmin = api_login_demo("se-admin");
	tok_admin = api_login_demo("admin");
	tok_logout = api_login_demo("se");
	tok_rs = api_login_demo("rs");
	json_t *out = NULL;
	assert_int_equal(api_requestj("POST", "/api/v1/jits", tok_se, json_pack(
		"{s:s,s:s,s:s}", "name", "Coverage JIT", "signed_on", "2026-01-01", "expires_on",
		"2028-06-30"), &out), 201);
	jit_id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	assert_int_equal(api_requestj("POST", "/api/v1/tokens", tok_se,
	                              json_pack("{s:s}", "label", "coverage"), &out), 201);
	snprintf(token_id, sizeof(token_id), "%s", json_string_value(json_object_get(out, "id")));
	json_decref(out);

	json_t *paths = json_object_get(doc, "paths");
	const char *path, *method;
	json_t *item, *op;
	size_t total = 0, called = 0, failures = 0, streams = 0, raws = 0;
	json_object_foreach(paths, path, item) {
		json_object_foreach(item, method, op) {
			char m[8];
			call cl;
			total++;
			const cu_route *rt = route_of(method, path);
			assert_non_null(rt);
			if (!fill(&cl, method, path)) {
				fprintf(stderr, "%s %s: a path parameter this test cannot fill\n",
				        method, path);
				failures++;
				continue;
			}
			size_t k;
			for (k = 0; method[k] && k < sizeof(m) - 1; k++)
				m[k] = (char)(method[k] & ~0x20);
			m[k] = '\0';
			json_t *media = json_object_get(json_object_get(json_object_get(op,
			                "requestBody"), "content"), "application/json");
			json_t *example = json_object_get(media, "example");
			char *body = cl.body ? cl.body :
			             example ? json_dumps(example, JSON_COMPACT | JSON_ENCODE_ANY) :
			             media ? strdup("{}") : NULL;
			if (rt->kind == CU_ROUTE_SSE) {
				/* An event stream never ends: its headers and first bytes, then close. */
				api_sse sse;
				called++;
				if (api_sse_open(&sse, cl.url, caller(method, path, op), NULL) != 0 ||
				    (api_sse_wait(&sse, 1, 500), sse.status != 200) ||
				    !strstr(sse.content_type, "text/event-stream") || !sse.raw ||
				    !strstr(sse.raw, "retry:")) {
					fprintf(stderr, "%s %s: not an event stream (%ld %s)\n", m, cl.url,
					        sse.status, sse.content_type);
					failures++;
				}
				api_sse_close(&sse);
				free(body);
				continue;
			}
			api_resp r;
			api_req rq = {.method = m, .path = cl.url, .token = caller(method, path, op),
			              .body = body, .content_type = cl.type};
			int rc = api_send(&rq, &r);
			called++;
			/* The documented success status. */
			long want = 0;
			const char *code;
			json_t *v;
			json_object_foreach(json_object_get(op, "responses"), code, v)
				if (code[0] == '2')
					want = strtol(code, NULL, 10);
			const char *msg = json_string_value(json_object_get(json_object_get(r.json,
			                  "error"), "message"));
			bool routing_miss = r.status == 404 && msg && !strcmp(msg, "no such route");
			if (rc != 0 || r.status == 405 || r.status >= 500 || routing_miss ||
			    r.status != want) {
				fprintf(stderr, "%s %s (as documented: %ld) -> %ld %s\n", m, cl.url, want,
				        r.status, r.body ? r.body : "");
				failures++;
			}
			if (rt->kind == CU_ROUTE_STREAM && strstr(path, "/bundles/")) {
				/* A bundle: a tar archive. */
				streams++;
				if (r.status != 200 || r.len < 512 || memcmp(r.body + 257, "ustar", 5)) {
					fprintf(stderr, "%s %s: not a bundle\n", m, cl.url);
					failures++;
				}
			} else if (rt->kind == CU_ROUTE_STREAM) {
				/* Content, not JSON: the example item's bytes and digest. */
				streams++;
				if (r.status != 200 || r.len != 5 || memcmp(r.body, "hello", 5) != 0 ||
				    strcmp(r.x_content_sha256, hello_sha) != 0) {
					fprintf(stderr, "%s %s: not the item's content\n", m, cl.url);
					failures++;
				}
			} else if (rt->kind == CU_ROUTE_TEXT) {
				/* Text or bytes by design (C2SP checkpoints and tiles): not empty. */
				if (r.status == 200 && r.len == 0) {
					fprintf(stderr, "%s %s: an empty answer\n", m, cl.url);
					failures++;
				}
			} else if (r.status >= 200 && r.status < 300 && r.status != 204 && !r.json) {
				/* Success answers are JSON unless 204. */
				fprintf(stderr, "%s %s: a %ld answer that is not JSON\n", m, cl.url,
				        r.status);
				failures++;
			}
			if (rt->kind == CU_ROUTE_RAW && strstr(path, "/entities/import")) {
				/* The CSV row was imported. */
				raws++;
				if (json_integer_value(json_object_get(r.json, "imported")) != 1) {
					fprintf(stderr, "%s %s: the row was not imported\n", m, cl.url);
					failures++;
				}
			} else if (rt->kind == CU_ROUTE_RAW) {
				/* The raw chunk was taken: the session moved to offset 5. */
				raws++;
				if (json_integer_value(json_object_get(r.json, "offset")) != 5) {
					fprintf(stderr, "%s %s: the chunk was not taken\n", m, cl.url);
					failures++;
				}
			}
			api_resp_free(&r);
			free(body);
		}
	}
	/* Every operation was exercised, and each answered as documented. */
	assert_int_equal(called, total);
	assert_int_equal(total, (size_t)cu_nroutes);
	assert_int_equal(failures, 0);
	assert_int_equal(streams, 2);
	assert_int_equal(raws, 2);
	/* The logout token is gone, the others still work. */
	assert_int_equal(api_getf(tok_logout, NULL, "/api/v1/me"), 401);
	assert_int_equal(api_getf(tok_se, NULL, "/api/v1/me"), 200);
	free(tok_se);
	free(tok_seadmin);
	free(tok_admin);
	free(tok_logout);
	free(tok_rs);
}

/*
 * Operations whose bodies are not JSON say so: the chunk upload takes any
 * bytes, the download answers the item's own media type, 206 for a range,
 * and takes a Range header.
 */
static void test_api_openapi__binary_bodies_are_documented(void **state)
{
	(void)state;
	json_t *paths = json_object_get(doc, "paths");
	size_t problems = 0, checked = 0;
	for (int i = 0; i < cu_nroutes; i++) {
		const cu_route *rt = &cu_routes[i];
		if (rt->kind != CU_ROUTE_RAW && rt->kind != CU_ROUTE_STREAM)
			continue;
		char m[8];
		size_t k;
		for (k = 0; rt->method[k] && k < sizeof(m) - 1; k++)
			m[k] = (char)(rt->method[k] | 0x20);
		m[k] = '\0';
		json_t *op = json_object_get(json_object_get(paths, rt->path), m);
		assert_non_null(op);
		checked++;
		if (rt->kind == CU_ROUTE_RAW) {
			json_t *content = json_object_get(json_object_get(op, "requestBody"), "content");
			bool binary = json_object_get(content, "application/octet-stream") ||
			              json_object_get(content, "*/*");
			if (!binary) {
				fprintf(stderr, "%s %s: no raw request body documented\n", rt->method,
				        rt->path);
				problems++;
			}
		} else {
			json_t *resp = json_object_get(op, "responses");
			json_t *ok = json_object_get(json_object_get(resp, "200"), "content");
			bool binary = json_object_get(ok, "application/octet-stream") ||
			              json_object_get(ok, "*/*");
			if (!binary || json_object_get(ok, "application/json")) {
				fprintf(stderr, "%s %s: its 200 answer is documented as JSON\n", rt->method,
				        rt->path);
				problems++;
			}
			/* An item's content is served in ranges; a bundle, fetched once, whole. */
			bool ranged = strstr(rt->path, "/content") != NULL;
			if (ranged != (json_object_get(resp, "206") != NULL)) {
				fprintf(stderr, "%s %s: 206 (a range) is %sdocumented\n", rt->method,
				        rt->path, ranged ? "not " : "");
				problems++;
			}
			bool range = false;
			size_t j;
			json_t *prm;
			json_array_foreach(json_object_get(op, "parameters"), j, prm) {
				const char *name = json_string_value(json_object_get(prm, "name"));
				const char *in = json_string_value(json_object_get(prm, "in"));
				range |= name && in && !strcasecmp(name, "Range") && !strcmp(in, "header");
			}
			if (range != ranged) {
				fprintf(stderr, "%s %s: the Range header is %sdocumented\n", rt->method,
				        rt->path, ranged ? "not " : "");
				problems++;
			}
		}
	}
	assert_true(checked >= 2); /* the chunk upload and the download at least */
	assert_int_equal(problems, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api_openapi__document_is_valid),
		cmocka_unit_test(test_api_openapi__lists_every_route),
		cmocka_unit_test(test_api_openapi__every_operation_answers),
		cmocka_unit_test(test_api_openapi__binary_bodies_are_documented),
	};
	return cmocka_run_group_tests_name("api_openapi", tests, setup, teardown);
}
