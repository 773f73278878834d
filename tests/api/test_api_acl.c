/* SPDX-License-Identifier: Apache-2.0 */
/*
 * api tests: access control proven route by route. Every route of the
 * server's own OpenAPI document must have an entry in the table below (a new
 * route without an access rule fails the test), and every entry is tried by
 * every demo user against objects of every relationship: their own case, a
 * case they take part in or observe, another desk's case, an item granted to
 * them, an item whose grant was revoked, and an id that does not exist. The
 * expected answer comes from the need-to-know rules (docs/access.md), written
 * out here as data, never from running the server.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

/* ---- the rules, as data ------------------------------------------------- */

/* The demo cases (docs/domain.md) and what each organisation is to them. */
enum { SWE, UKR, YEZ, BAR, RET, GER, NCASES };
enum rel { R_NONE, R_OBS, R_PART, R_OWNER, R_JITPART };

static const struct {
	const char *ref, *owner_user;
	const char *owner, *part[8], *obs[2], *jitpart[2];
	const char *jit_expires; /* of the JIT that gives jitpart its access, or NULL */
} cases[NCASES] = {
	[SWE] = {"2026/0001", "se", "SE", {"RS", "ME"}, {"INTERPOL"}, {NULL}, NULL},
	[UKR] = {"2022/0001", "lt", "LT", {"PL", "EE", "LV", "SK", "RO", "UA"}, {NULL}, {"ICC"},
	         "2028-03-25"},
	[YEZ] = {"2024/0001", "fr", "FR", {"SE", "BE", "NL"}, {NULL}, {"UNITAD"}, "2026-12-15"},
	[BAR] = {"2025/0001", "me", "ME", {NULL}, {NULL}, {NULL}, NULL},
	[RET] = {"2023/0001", "be", "BE", {NULL}, {NULL}, {NULL}, NULL},
	[GER] = {"2025/0002", "de", "DE", {NULL}, {NULL}, {NULL}, NULL},
};

static bool in(const char *const *list, size_t n, const char *org)
{
	for (size_t i = 0; i < n && list[i]; i++)
		if (!strcmp(list[i], org))
			return true;
	return false;
}

static enum rel rel_of(const char *org, int c)
{
	if (c < 0)
		return R_NONE;
	if (!strcmp(cases[c].owner, org))
		return R_OWNER;
	if (in(cases[c].part, 8, org))
		return R_PART;
	if (in(cases[c].obs, 2, org))
		return R_OBS;
	if (in(cases[c].jitpart, 2, org))
		return R_JITPART;
	return R_NONE;
}

/* Operations and roles, ranked as in docs/access.md. */
enum op { OP_READ = 1, OP_CONTRIB, OP_MANAGE };

static char today[11];

static int org_rank(enum rel r, int c)
{
	switch (r) {
	case R_OWNER:
		return OP_MANAGE;
	case R_PART:
		return OP_CONTRIB;
	case R_JITPART:
		return strcmp(cases[c].jit_expires, today) >= 0 ? OP_CONTRIB : OP_READ;
	case R_OBS:
		return OP_READ;
	default:
		return 0;
	}
}

typedef struct user {
	char name[40], org[20];
	int role_rank;
	bool admin;    /* role admin: manages its organisation's users */
	bool op_admin; /* an administrator of the operator organisation */
	char *token;
} user;

/* The expected answer of one cell: 200 (allowed), 403 or 404. */
enum { X_OK = 200, X_DENIED = 403, X_HIDDEN = 404, X_SKIP = 0 };

static int case_rule(const user *u, int c, enum op op)
{
	enum rel r = rel_of(u->org, c);
	if (r == R_NONE)
		return X_HIDDEN;
	return (int)op > org_rank(r, c) || (int)op > u->role_rank ? X_DENIED : X_OK;
}

/* ---- objects -------------------------------------------------------------- */

/*
 * The kinds of object a route's {id} names. K_NONE: a route without one
 * (collections, creations, the public documents).
 */
enum kind {
	K_NONE, K_CASE, K_ITEM, K_ENTITY, K_ACTIONDAY, K_MEETING, K_INTERVIEW, K_REQUEST, K_JIT,
	K_GRANT, K_HIT, K_USER, K_ORG, K_TOKEN, K_UPLOAD, K_BUNDLE, K_JOB, K_ACTION, K_HOLD,
	K_PARTICIPANT, K_LEDGER, K_TILE, NKINDS
};

typedef struct obj {
	enum kind k;
	const char *label;
	char id[80];           /* the path segment */
	int c;                 /* the case it belongs to, -1: none or absent */
	const char *originator; /* items: the contributing organisation */
	const char *granted;   /* items: the organisation an active grant names */
	const char *parties[3]; /* grants: grantor, grantee, originator */
	const char *owner_user; /* tokens, uploads, bundles: the one user who may see it */
	const char *exec_org;  /* actions: the executing organisation */
	int c2;                /* hits: the other side's case */
	const char *methods;   /* the methods of the routes it is for (NULL: all) */
	char id2[24];          /* holds: the hold within the case */
	bool absent;
} obj;

#define MAXOBJ 64
static obj objs[MAXOBJ];
static int nobjs;

static obj *add_obj(enum kind k, const char *label, const char *id, int c)
{
	assert_true(nobjs < MAXOBJ);
	obj *o = &objs[nobjs++];
	memset(o, 0, sizeof(*o));
	o->k = k;
	o->label = label;
	snprintf(o->id, sizeof(o->id), "%s", id);
	o->c = c;
	return o;
}

static obj *add_obji(enum kind k, const char *label, int64_t id, int c)
{
	char s[24];
	assert_true(id > 0);
	snprintf(s, sizeof(s), "%lld", (long long)id);
	return add_obj(k, label, s, c);
}

static bool item_visible(const user *u, const obj *o)
{
	enum rel r = rel_of(u->org, o->c);
	if (r == R_OWNER || r == R_PART || r == R_OBS)
		return true;
	/* Through a JIT one only participates in: one's own items. */
	if (r == R_JITPART && !strcmp(o->originator, u->org))
		return true;
	return o->granted && !strcmp(o->granted, u->org);
}

/* ---- the route table ---------------------------------------------------- */

/*
 * What a route needs of its object. A_VIS: only whether it exists for the
 * user is checked (404 for those who may not see it, anything but 404 for
 * the others): routes whose other refusals depend on state (a request's
 * status table, a grant's pending consent).
 */
enum need {
	A_PUBLIC,   /* no authentication */
	A_ANY,      /* any authenticated user */
	A_OPADMIN,  /* administrators of the operator organisation (403 for others) */
	A_READ, A_CONTRIB, A_MANAGE, /* of the object's case */
	A_VIS,
	A_JITWRITE, /* members (role member) of the JIT, with a managing role */
	A_REVOKE,   /* grants: grantor or originator, prosecutor or admin */
	A_SELF,     /* users: themselves, their organisation's admins, the operator's */
	A_EXEC,     /* actions: the executing organisation, contributing role */
	A_ORGADMIN, /* administrators (of their own organisation: what they see is its) */
	A_EVLIST,   /* a case's items: as A_READ, and outside it the items granted */
};

/*
 * What a route's allowed cells do. Those of a route that changes state are
 * sent only after every refused cell of every route (they would change what
 * later cells see), in this order: changes first, then what uses its object
 * up, then what takes a case or an item away from someone, then a legal hold,
 * then closing.
 */
enum effect {
	E_READ,   /* reads only */
	E_CHANGE, /* changes state; the object stays */
	E_GONE,   /* uses its object up: deleted, fetched once, erased, released */
	E_LOSE,   /* takes the object away from someone: erased, revoked, removed party */
	E_HOLD,   /* a legal hold: every later erasure in the case is refused */
	E_CLOSE,  /* closes the case: every later change of it is refused as closed */
	E_STREAM, /* allowed: an answer that does not end (test_api_actionday reads it) */
};

typedef struct route {
	const char *method, *path;
	enum kind k;
	enum need need;
	enum effect eff;
	const char *why;
} route;

static const route routes[] = {
	{"GET", "/healthz", K_NONE, A_PUBLIC, E_READ, "liveness"},
	{"GET", "/readyz", K_NONE, A_PUBLIC, E_READ, "readiness"},
	{"GET", "/metrics", K_NONE, A_OPADMIN, E_READ, "figures across every case"},
	{"GET", "/api/v1/version", K_NONE, A_PUBLIC, E_READ, "build identity"},
	{"GET", "/api/v1/openapi.json", K_NONE, A_PUBLIC, E_READ, "this document"},
	{"POST", "/api/v1/session", K_NONE, A_PUBLIC, E_CHANGE, "login (rate-limited)"},
	{"DELETE", "/api/v1/session", K_NONE, A_ANY, E_CHANGE, "logout of one's own token"},
	{"GET", "/api/v1/me", K_NONE, A_ANY, E_READ, "oneself"},
	{"GET", "/api/v1/crime-types", K_NONE, A_ANY, E_READ, "reference data"},
	{"GET", "/api/v1/orgs", K_NONE, A_ANY, E_READ, "reference data"},
	{"POST", "/api/v1/orgs", K_NONE, A_OPADMIN, E_CHANGE, "reference data"},
	{"GET", "/api/v1/orgs/{code}", K_ORG, A_ANY, E_READ, "reference data"},
	{"PATCH", "/api/v1/orgs/{code}", K_ORG, A_OPADMIN, E_CHANGE, "reference data"},
	{"GET", "/api/v1/users", K_NONE, A_ORGADMIN, E_READ, "own organisation's users"},
	{"POST", "/api/v1/users", K_NONE, A_ANY, E_CHANGE, "admins of the organisation"},
	{"GET", "/api/v1/users/{username}", K_USER, A_SELF, E_READ, NULL},
	{"PATCH", "/api/v1/users/{username}", K_USER, A_SELF, E_CHANGE, NULL},
	{"GET", "/api/v1/tokens", K_NONE, A_ANY, E_READ, "own tokens"},
	{"POST", "/api/v1/tokens", K_NONE, A_ANY, E_CHANGE, "own tokens"},
	{"DELETE", "/api/v1/tokens/{id}", K_TOKEN, A_SELF, E_GONE, NULL},
	{"GET", "/api/v1/cases", K_NONE, A_ANY, E_READ, "list: need-to-know (list test)"},
	{"POST", "/api/v1/cases", K_NONE, A_ANY, E_CHANGE, "the caller's organisation owns it"},
	{"GET", "/api/v1/cases/{id}", K_CASE, A_READ, E_READ, NULL},
	{"PATCH", "/api/v1/cases/{id}", K_CASE, A_MANAGE, E_CHANGE, NULL},
	{"POST", "/api/v1/cases/{id}/close", K_CASE, A_MANAGE, E_CLOSE, NULL},
	{"GET", "/api/v1/cases/{id}/participants", K_CASE, A_READ, E_READ, NULL},
	{"POST", "/api/v1/cases/{id}/participants", K_CASE, A_MANAGE, E_CHANGE, NULL},
	{"PATCH", "/api/v1/cases/{id}/participants/{org}", K_PARTICIPANT, A_VIS, E_CHANGE, NULL},
	{"DELETE", "/api/v1/cases/{id}/participants/{org}", K_PARTICIPANT, A_VIS, E_LOSE, NULL},
	{"GET", "/api/v1/cases/{id}/events", K_CASE, A_READ, E_READ, NULL},
	{"GET", "/api/v1/jits", K_NONE, A_ANY, E_READ, "list: need-to-know (list test)"},
	{"POST", "/api/v1/jits", K_NONE, A_ANY, E_CHANGE, "cases named in the body: test_api_access"},
	{"GET", "/api/v1/jits/{id}", K_JIT, A_READ, E_READ, NULL},
	{"POST", "/api/v1/jits/{id}/extensions", K_JIT, A_JITWRITE, E_CHANGE, NULL},
	{"POST", "/api/v1/jits/{id}/members", K_JIT, A_JITWRITE, E_CHANGE, NULL},
	{"POST", "/api/v1/jits/{id}/cases", K_JIT, A_JITWRITE, E_CHANGE, NULL},
	{"GET", "/api/v1/cases/{id}/evidence", K_CASE, A_EVLIST, E_READ, NULL},
	{"POST", "/api/v1/cases/{id}/uploads", K_CASE, A_CONTRIB, E_CHANGE, NULL},
	{"GET", "/api/v1/uploads/{id}", K_UPLOAD, A_SELF, E_READ, NULL},
	{"PUT", "/api/v1/uploads/{id}", K_UPLOAD, A_SELF, E_CHANGE, NULL},
	{"POST", "/api/v1/uploads/{id}/complete", K_UPLOAD, A_SELF, E_CHANGE, NULL},
	{"DELETE", "/api/v1/uploads/{id}", K_UPLOAD, A_SELF, E_GONE, NULL},
	{"GET", "/api/v1/evidence", K_NONE, A_ANY, E_READ, "granted items only (list test)"},
	{"GET", "/api/v1/evidence/{id}", K_ITEM, A_READ, E_READ, NULL},
	{"GET", "/api/v1/evidence/{id}/content", K_ITEM, A_READ, E_READ, NULL},
	{"POST", "/api/v1/cases/{id}/bundles", K_CASE, A_VIS, E_CHANGE, NULL},
	{"GET", "/api/v1/bundles/{id}", K_BUNDLE, A_SELF, E_GONE, NULL},
	{"GET", "/api/v1/evidence/{id}/custody", K_ITEM, A_READ, E_READ, NULL},
	{"POST", "/api/v1/evidence/{id}/custody", K_ITEM, A_CONTRIB, E_CHANGE, NULL},
	{"POST", "/api/v1/evidence/{id}/verify", K_ITEM, A_READ, E_READ, NULL},
	{"POST", "/api/v1/evidence/{id}/erase", K_ITEM, A_MANAGE, E_LOSE, NULL},
	{"GET", "/api/v1/grants", K_NONE, A_ANY, E_READ, "its parties' grants"},
	{"POST", "/api/v1/grants", K_NONE, A_ANY, E_CHANGE, "prosecutors of the case's contributors (setup)"},
	{"GET", "/api/v1/grants/{id}", K_GRANT, A_READ, E_READ, NULL},
	{"POST", "/api/v1/grants/{id}/consent", K_GRANT, A_VIS, E_CHANGE, NULL},
	{"POST", "/api/v1/grants/{id}/revoke", K_GRANT, A_REVOKE, E_LOSE, NULL},
	{"GET", "/api/v1/retention", K_NONE, A_ANY, E_READ, "cases one manages"},
	{"GET", "/api/v1/cases/{id}/retention", K_CASE, A_READ, E_READ, NULL},
	{"POST", "/api/v1/cases/{id}/retention/triggers", K_CASE, A_MANAGE, E_CHANGE, NULL},
	{"POST", "/api/v1/cases/{id}/holds", K_CASE, A_MANAGE, E_HOLD, NULL},
	{"POST", "/api/v1/cases/{id}/holds/{hold}/release", K_HOLD, A_MANAGE, E_GONE, NULL},
	{"GET", "/log/checkpoint", K_NONE, A_PUBLIC, E_READ, "tamper evidence: hashes only"},
	{"GET", "/log/tile/{tile*}", K_TILE, A_PUBLIC, E_READ, "tamper evidence: hashes only"},
	{"POST", "/api/v1/ledger/cosignatures", K_NONE, A_PUBLIC, E_CHANGE, "witnesses, signed"},
	{"GET", "/api/v1/ledger/checkpoint", K_NONE, A_PUBLIC, E_READ, "hashes only"},
	{"GET", "/api/v1/ledger/entries/{index}", K_LEDGER, A_PUBLIC, E_READ, "hashes only"},
	{"GET", "/api/v1/ledger/proof/inclusion", K_NONE, A_PUBLIC, E_READ, "hashes only"},
	{"GET", "/api/v1/ledger/proof/consistency", K_NONE, A_PUBLIC, E_READ, "hashes only"},
	{"GET", "/api/v1/cases/{id}/entities", K_CASE, A_READ, E_READ, NULL},
	{"POST", "/api/v1/cases/{id}/entities", K_CASE, A_CONTRIB, E_CHANGE, NULL},
	{"POST", "/api/v1/cases/{id}/entities/import", K_CASE, A_CONTRIB, E_CHANGE, NULL},
	{"GET", "/api/v1/entities/{id}", K_ENTITY, A_READ, E_READ, NULL},
	{"PATCH", "/api/v1/entities/{id}", K_ENTITY, A_CONTRIB, E_CHANGE, NULL},
	{"GET", "/api/v1/hits", K_NONE, A_ANY, E_READ, "hits of visible cases (list test)"},
	{"GET", "/api/v1/hits/{id}", K_HIT, A_VIS, E_READ, NULL},
	{"POST", "/api/v1/hits/{id}/confirm", K_HIT, A_VIS, E_CHANGE, NULL},
	{"POST", "/api/v1/hits/{id}/dismiss", K_HIT, A_VIS, E_CHANGE, NULL},
	{"POST", "/api/v1/hits/{id}/access-requests", K_HIT, A_VIS, E_CHANGE, NULL},
	{"POST", "/api/v1/xref", K_NONE, A_ANY, E_CHANGE, "case in the body: contributors"},
	{"GET", "/api/v1/match/threshold", K_NONE, A_ANY, E_READ, "a setting"},
	{"PUT", "/api/v1/match/threshold", K_NONE, A_OPADMIN, E_CHANGE, "a setting"},
	{"POST", "/api/v1/match/pairs", K_NONE, A_ANY, E_READ, "scores the body's names only"},
	{"GET", "/api/v1/search", K_NONE, A_ANY, E_READ, "need-to-know (list test)"},
	{"POST", "/api/v1/search/reindex", K_NONE, A_OPADMIN, E_CHANGE, "operation"},
	{"GET", "/api/v1/jobs", K_NONE, A_ANY, E_READ, "jobs of visible items (list test)"},
	{"POST", "/api/v1/jobs/{id}/retry", K_JOB, A_VIS, E_CHANGE, NULL},
	{"GET", "/api/v1/requests", K_NONE, A_ANY, E_READ, "need-to-know (list test)"},
	{"POST", "/api/v1/requests", K_NONE, A_ANY, E_CHANGE, "case in the body; prosecutors, admins"},
	{"GET", "/api/v1/requests/{id}", K_REQUEST, A_READ, E_READ, NULL},
	{"POST", "/api/v1/requests/{id}/status", K_REQUEST, A_VIS, E_CHANGE, NULL},
	{"POST", "/api/v1/requests/{id}/milestones", K_REQUEST, A_VIS, E_CHANGE, NULL},
	{"POST", "/api/v1/requests/{id}/deadlines", K_REQUEST, A_VIS, E_CHANGE, NULL},
	{"POST", "/api/v1/requests/{id}/extensions", K_REQUEST, A_VIS, E_CHANGE, NULL},
	{"GET", "/api/v1/deadlines", K_NONE, A_ANY, E_READ, "visible requests (list test)"},
	{"GET", "/api/v1/deadline-rules", K_NONE, A_ANY, E_READ, "reference data"},
	{"GET", "/api/v1/stats", K_NONE, A_ANY, E_READ, "need-to-know (list test)"},
	{"GET", "/api/v1/meetings", K_NONE, A_ANY, E_READ, "need-to-know (list test)"},
	{"POST", "/api/v1/meetings", K_NONE, A_ANY, E_CHANGE, "case in the body"},
	{"GET", "/api/v1/meetings/{id}", K_MEETING, A_READ, E_READ, NULL},
	{"POST", "/api/v1/meetings/{id}/outcome", K_MEETING, A_VIS, E_CHANGE, NULL},
	{"GET", "/api/v1/interviews", K_NONE, A_ANY, E_READ, "need-to-know (list test)"},
	{"POST", "/api/v1/interviews", K_NONE, A_ANY, E_CHANGE, "case in the body"},
	{"GET", "/api/v1/interviews/{id}", K_INTERVIEW, A_READ, E_READ, NULL},
	{"GET", "/api/v1/actiondays", K_NONE, A_ANY, E_READ, "need-to-know (list test)"},
	{"POST", "/api/v1/actiondays", K_NONE, A_ANY, E_CHANGE, "case in the body"},
	{"GET", "/api/v1/actiondays/{id}", K_ACTIONDAY, A_READ, E_READ, NULL},
	{"POST", "/api/v1/actiondays/{id}/actions", K_ACTIONDAY, A_CONTRIB, E_CHANGE, NULL},
	{"GET", "/api/v1/actiondays/{id}/updates", K_ACTIONDAY, A_READ, E_READ, NULL},
	{"GET", "/api/v1/actiondays/{id}/stream", K_ACTIONDAY, A_READ, E_STREAM, NULL},
	{"POST", "/api/v1/actions/{id}/updates", K_ACTION, A_EXEC, E_CHANGE, NULL},
};
#define NROUTES (sizeof(routes) / sizeof(routes[0]))

/* Whether object o is one for route rt's cells (of its kind, and its method). */
static bool obj_for(const obj *o, const route *rt)
{
	return o->k == rt->k && (!o->methods || strstr(o->methods, rt->method));
}

/* ---- users ---------------------------------------------------------------- */

#define MAXUSERS 160
static user users[MAXUSERS];
static size_t nusers;
static json_t *openapi;

static user *find_user(const char *name)
{
	for (size_t i = 0; i < nusers; i++)
		if (!strcmp(users[i].name, name))
			return &users[i];
	return NULL;
}

static void add_user(const char *name, const char *org, int rank, bool op_admin)
{
	assert_true(nusers < MAXUSERS);
	user *u = &users[nusers];
	snprintf(u->name, sizeof(u->name), "%s", name);
	snprintf(u->org, sizeof(u->org), "%s", org);
	u->role_rank = rank;
	u->op_admin = op_admin;
	u->admin = op_admin || strstr(name, "-admin") != NULL;
	nusers++;
}

/*
 * Logs every user in, on a few threads: each login is an Argon2id check,
 * most of this test's time, and the server verifies on all its threads.
 */
#define LOGIN_THREADS 4
static void *login_some(void *arg)
{
	for (size_t i = (size_t)(intptr_t)arg; i < nusers; i += LOGIN_THREADS)
		users[i].token = api_login(users[i].name, "demo");
	api_thread_done();
	return NULL;
}

static void login_all(void)
{
	pthread_t th[LOGIN_THREADS];
	for (intptr_t k = 0; k < LOGIN_THREADS; k++)
		assert_int_equal(pthread_create(&th[k], NULL, login_some, (void *)k), 0);
	for (int k = 0; k < LOGIN_THREADS; k++)
		pthread_join(th[k], NULL);
	for (size_t i = 0; i < nusers; i++)
		if (!users[i].token)
			fail_msg("demo user %s cannot log in", users[i].name);
}

/* Every demo user: each organisation's code in lower case and its -admin twin. */
static void load_users(void)
{
	json_t *orgs = NULL, *o;
	size_t i;
	char *t = api_login_demo("se");
	assert_non_null(t);
	assert_int_equal(api_getf(t, &orgs, "/api/v1/orgs"), 200);
	free(t);
	json_array_foreach(orgs, i, o) {
		const char *code = json_string_value(json_object_get(o, "code"));
		char lower[24], admin[40];
		size_t k;
		for (k = 0; code[k] && k + 1 < sizeof(lower); k++)
			lower[k] = (char)tolower((unsigned char)code[k]);
		lower[k] = '\0';
		if (!strcmp(code, "HUB"))
			continue;
		snprintf(admin, sizeof(admin), "%s-admin", lower);
		add_user(lower, code, OP_MANAGE, false);
		add_user(admin, code, OP_MANAGE, false);
	}
	json_decref(orgs);
	add_user("se-analyst", "SE", OP_CONTRIB, false);
	add_user("se-observer", "SE", OP_READ, false);
	/* The operator's administrator (custodia init's). */
	add_user("admin", "HUB", OP_MANAGE, true);
	login_all();
}

/* ---- setup: the objects of every kind ------------------------------------ */

static int64_t case_id[NCASES];
/* What only those who see a case may read in an answer: its owner's number and title. */
static const char *const markers[NCASES][2] = {
	[SWE] = {"AM-48213-26", "Swedish high-value target"},
	[UKR] = {"01-2-00412-22", "committed in Ukraine"},
	[YEZ] = {"PNAT 24/0153", "ISIL crimes against the Yezidi community"},
	[BAR] = {"Ktr-311/25", NULL},
	[RET] = {"FD.35.98.12/23", NULL},
	[GER] = {"3 BJs 412/25-2", "Enslavement of Yezidi women"},
};

static json_t *items_of(json_t *doc)
{
	return json_is_array(doc) ? doc : json_object_get(doc, "items");
}

static int64_t jid(const json_t *o)
{
	return json_integer_value(json_object_get(o, "id"));
}

/* The first element of a list answer whose field contains want (NULL: the first). */
static json_t *pick(json_t *doc, const char *field, const char *want)
{
	json_t *it;
	size_t i;
	json_array_foreach(items_of(doc), i, it) {
		const char *v = json_string_value(json_object_get(it, field));
		if (!want || (v && strstr(v, want)))
			return it;
	}
	return NULL;
}

static int64_t case_by_ref(const char *who, const char *ref)
{
	user *u = find_user(who);
	json_t *page = NULL, *it;
	size_t i;
	int64_t id = 0;
	assert_int_equal(api_getf(u->token, &page, "/api/v1/cases?limit=100"), 200);
	json_array_foreach(json_object_get(page, "items"), i, it)
		if (!strcmp(json_string_value(json_object_get(it, "reference")), ref))
			id = jid(it);
	json_decref(page);
	if (!id)
		fail_msg("%s does not see case %s", who, ref);
	return id;
}

static obj *item_obj(const char *label, int c, const char *title)
{
	json_t *list = NULL;
	user *u = find_user(cases[c].owner_user);
	assert_int_equal(api_getf(u->token, &list, "/api/v1/cases/%lld/evidence",
	                          (long long)case_id[c]), 200);
	json_t *it = pick(list, "title", title);
	if (!it)
		fail_msg("no item \"%s\"", title);
	obj *o = add_obji(K_ITEM, label, jid(it), c);
	o->originator = strdup(json_string_value(json_object_get(it, "originator")));
	json_decref(list);
	return o;
}

/* The first object of a list route as user, as an object of kind k. */
static obj *first_obj(enum kind k, const char *label, const char *who, int c,
                      const char *path, const char *field, const char *want)
{
	json_t *list = NULL;
	long st = api_getf(find_user(who)->token, &list, "%s", path);
	if (st != 200)
		fail_msg("GET %s as %s: %ld", path, who, st);
	json_t *it = pick(list, field, want);
	if (!it)
		fail_msg("nothing in %s", path);
	obj *o = add_obji(k, label, jid(it), c);
	json_decref(list);
	return o;
}

static int64_t grant_items(const char *who, int c, int64_t item, const char *org)
{
	json_t *out = NULL;
	long st = api_requestj("POST", "/api/v1/grants", find_user(who)->token,
	                       json_pack("{s:I,s:[I],s:s,s:s}", "case", (json_int_t)case_id[c],
	                                 "items", (json_int_t)item, "org", org, "legal_basis",
	                                 "MLA request, art. 3 of the 1959 Convention"), &out);
	if (st != 201)
		fail_msg("grant to %s: %ld", org, st);
	int64_t id = jid(out);
	json_decref(out);
	return id;
}

static obj *absent_obj(enum kind k, const char *label, const char *shape)
{
	char id[80];
	snprintf(id, sizeof(id), "%s", shape);
	size_t n = strlen(id);
	/* Same shape as a real id, so that only its existence differs. */
	if (n && strspn(id, "0123456789") != n && isxdigit((unsigned char)id[n - 1]))
		id[n - 1] = id[n - 1] == '0' ? '1' : '0';
	obj *o = add_obj(k, label, id, -1);
	o->absent = true;
	return o;
}

static char today_buf[11];

static void setup_objects(void)
{
	char path[160];
	json_t *out = NULL;
	for (int c = 0; c < NCASES; c++) {
		case_id[c] = case_by_ref(cases[c].owner_user, cases[c].ref);
		add_obji(K_CASE, cases[c].ref, case_id[c], c);
	}
	absent_obj(K_CASE, "no case", "987654321");

	obj *statement = item_obj("own item, granted to LT", SWE, "Witness statement of protected");
	obj *lorry = item_obj("item whose grant to FR was revoked", SWE, "Photograph of the lorry");
	item_obj("RS's item of the Swedish case", SWE, "Seizure report");
	obj *testimony = item_obj("Ukraine item, not shared", UKR, "Witness testimony");
	obj *imagery = item_obj("Ukraine item granted to the ICC", UKR, "Satellite imagery");
	item_obj("UNITAD's own item of the Yezidi case", YEZ, "Witness accounts dataset");
	item_obj("FR's item of the Yezidi case", YEZ, "Hearing record");
	absent_obj(K_ITEM, "no item", "987654321");
	imagery->granted = "ICC";
	statement->granted = "LT";

	/* The grants the demo lacks: one in force, one revoked. */
	int64_t g1 = grant_items("se", SWE, atoll(statement->id), "LT");
	int64_t g2 = grant_items("se", SWE, atoll(lorry->id), "FR");
	snprintf(path, sizeof(path), "/api/v1/grants/%lld/revoke", (long long)g2);
	assert_int_equal(api_requestj("POST", path, find_user("se")->token,
	                              json_pack("{s:s}", "reason", "request withdrawn"), &out), 200);
	json_decref(out);
	obj *g = first_obj(K_GRANT, "demo grant LT -> ICC", "lt", UKR, "/api/v1/grants", "org",
	                   "ICC");
	g->parties[0] = "LT", g->parties[1] = "ICC";
	g = add_obji(K_GRANT, "grant SE -> LT", g1, SWE);
	g->parties[0] = "SE", g->parties[1] = "LT";
	g = add_obji(K_GRANT, "revoked grant SE -> FR", g2, SWE);
	g->parties[0] = "SE", g->parties[1] = "FR";
	/* PL shares an item UA contributed: it waits for UA's consent. */
	assert_string_equal(testimony->originator, "UA");
	g = add_obji(K_GRANT, "PL's grant of UA's item to SE, consent pending",
	             grant_items("pl", UKR, atoll(testimony->id), "SE"), UKR);
	g->parties[0] = "PL", g->parties[1] = "SE", g->parties[2] = "UA";
	absent_obj(K_GRANT, "no grant", "987654321");

	snprintf(path, sizeof(path), "/api/v1/cases/%lld/entities", (long long)case_id[SWE]);
	first_obj(K_ENTITY, "entity of the Swedish case", "se", SWE, path, NULL, NULL);
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/entities", (long long)case_id[YEZ]);
	first_obj(K_ENTITY, "entity of the Yezidi case", "fr", YEZ, path, NULL, NULL);
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/entities", (long long)case_id[GER]);
	first_obj(K_ENTITY, "entity of the German case", "de", GER, path, NULL, NULL);
	absent_obj(K_ENTITY, "no entity", "987654321");

	snprintf(path, sizeof(path), "/api/v1/actiondays?case=%lld", (long long)case_id[SWE]);
	obj *day = first_obj(K_ACTIONDAY, "action day of the Swedish case", "se", SWE, path, NULL,
	                     NULL);
	absent_obj(K_ACTIONDAY, "no action day", "987654321");
	assert_int_equal(api_getf(find_user("se")->token, &out, "/api/v1/actiondays/%s", day->id),
	                 200);
	json_t *act = NULL, *a;
	size_t i;
	json_array_foreach(json_object_get(out, "actions"), i, a)
		if (!act && !strcmp(json_string_value(json_object_get(a, "org")), "RS"))
			act = a;
	assert_non_null(act);
	obj *ao = add_obji(K_ACTION, "RS's action of the Swedish action day", jid(act), SWE);
	ao->exec_org = "RS";
	json_decref(out);
	absent_obj(K_ACTION, "no action", "987654321");

	snprintf(path, sizeof(path), "/api/v1/meetings?case=%lld", (long long)case_id[SWE]);
	first_obj(K_MEETING, "coordination meeting of the Swedish case", "se", SWE, path, NULL,
	          NULL);
	absent_obj(K_MEETING, "no meeting", "987654321");
	snprintf(path, sizeof(path), "/api/v1/interviews?case=%lld", (long long)case_id[YEZ]);
	first_obj(K_INTERVIEW, "interview of the Yezidi case", "fr", YEZ, path, NULL, NULL);
	snprintf(path, sizeof(path), "/api/v1/interviews?case=%lld", (long long)case_id[GER]);
	first_obj(K_INTERVIEW, "interview of the German case", "de", GER, path, NULL, NULL);
	absent_obj(K_INTERVIEW, "no interview", "987654321");
	snprintf(path, sizeof(path), "/api/v1/requests?case=%lld", (long long)case_id[SWE]);
	first_obj(K_REQUEST, "request of the Swedish case", "se", SWE, path, NULL, NULL);
	absent_obj(K_REQUEST, "no request", "987654321");
	first_obj(K_JIT, "the Ukraine JIT", "lt", UKR, "/api/v1/jits", "name", "Ukraine");
	first_obj(K_JIT, "the Yezidi JIT", "fr", YEZ, "/api/v1/jits", "name", "Yezidis");
	absent_obj(K_JIT, "no JIT", "987654321");

	/* A hit between the Swedish case and Montenegro's national case. */
	assert_int_equal(api_getf(find_user("me")->token, &out, "/api/v1/hits"), 200);
	json_t *hit = NULL;
	json_array_foreach(items_of(out), i, a) {
		char *d = json_dumps(a, 0);
		if (!hit && strstr(d, "2026/0001") && strstr(d, "2025/0001"))
			hit = a;
		free(d);
	}
	if (!hit)
		fail_msg("no hit between the Swedish and the Montenegrin case");
	obj *ho = add_obji(K_HIT, "hit Swedish case / Montenegrin case", jid(hit), SWE);
	ho->c2 = BAR;
	json_decref(out);
	absent_obj(K_HIT, "no hit", "987654321");

	add_obj(K_USER, "user rs", "rs", -1)->owner_user = "rs";
	absent_obj(K_USER, "no user", "nosuchuser");
	add_obj(K_ORG, "organisation SE", "SE", -1);
	absent_obj(K_ORG, "no organisation", "ZZ");

	assert_int_equal(api_requestj("POST", "/api/v1/tokens", find_user("se")->token,
	                              json_pack("{s:s}", "label", "acl test"), &out), 201);
	obj *to = add_obj(K_TOKEN, "se's API token", json_string_value(json_object_get(out, "id")),
	                  -1);
	to->owner_user = "se";
	json_decref(out);
	absent_obj(K_TOKEN, "no token", to->id);

	snprintf(path, sizeof(path), "/api/v1/cases/%lld/uploads", (long long)case_id[SWE]);
	assert_int_equal(api_requestj("POST", path, find_user("se")->token,
	                              json_pack("{s:I,s:s,s:s,s:s}", "size", (json_int_t)5,
	                                        "title", "acl", "collected_by", "A",
	                                        "collected_at", "2026-01-01"), &out), 201);
	obj *up = add_obj(K_UPLOAD, "se's upload", json_string_value(json_object_get(out, "id")),
	                  SWE);
	up->owner_user = "se";
	up->methods = "GET PUT POST";
	json_decref(out);
	/* Another, to abandon (the first one is completed by the allowed changes). */
	assert_int_equal(api_requestj("POST", path, find_user("se")->token,
	                              json_pack("{s:I,s:s,s:s,s:s}", "size", (json_int_t)5,
	                                        "title", "acl", "collected_by", "A",
	                                        "collected_at", "2026-01-01"), &out), 201);
	obj *up2 = add_obj(K_UPLOAD, "se's upload to abandon",
	                   json_string_value(json_object_get(out, "id")), SWE);
	up2->owner_user = "se";
	up2->methods = "DELETE";
	json_decref(out);
	absent_obj(K_UPLOAD, "no upload", up->id);

	snprintf(path, sizeof(path), "/api/v1/cases/%lld/bundles", (long long)case_id[SWE]);
	assert_int_equal(api_requestj("POST", path, find_user("se")->token,
	                              json_pack("{s:[I],s:s}", "items",
	                                        (json_int_t)atoll(statement->id), "for", "RS"),
	                              &out), 201);
	const char *dl = json_string_value(json_object_get(out, "download"));
	assert_non_null(dl);
	obj *bu = add_obj(K_BUNDLE, "se's bundle", strrchr(dl, '/') + 1, SWE);
	bu->owner_user = "se";
	json_decref(out);
	absent_obj(K_BUNDLE, "no bundle", bu->id);

	first_obj(K_JOB, "extraction job of RS's seizure report", "se", SWE, "/api/v1/jobs",
	          "title", "Seizure report");
	absent_obj(K_JOB, "no job", "987654321");

	snprintf(path, sizeof(path), "/api/v1/cases/%lld/holds", (long long)case_id[SWE]);
	assert_int_equal(api_requestj("POST", path, find_user("se")->token,
	                              json_pack("{s:s}", "reason", "appeal pending"), &out), 201);
	obj *h = add_obji(K_HOLD, "hold on the Swedish case", case_id[SWE], SWE);
	json_t *holds = json_object_get(out, "holds");
	snprintf(h->id2, sizeof(h->id2), "%lld",
	         (long long)jid(json_array_get(holds, json_array_size(holds) - 1)));
	assert_string_not_equal(h->id2, "0");
	json_decref(out);
	h = absent_obj(K_HOLD, "no hold", "987654321");
	snprintf(h->id2, sizeof(h->id2), "%s", objs[nobjs - 2].id2);

	obj *p = add_obji(K_PARTICIPANT, "RS in the Swedish case", case_id[SWE], SWE);
	snprintf(p->id2, sizeof(p->id2), "RS");
	p = absent_obj(K_PARTICIPANT, "RS in no case", "987654321");
	snprintf(p->id2, sizeof(p->id2), "RS");

	add_obj(K_LEDGER, "ledger entry 1", "1", -1);
	add_obj(K_TILE, "the first tile", "0/000", -1);
}

static int setup(void **state)
{
	int64_t t0 = api_now_ms();
	if (api_group_setup(state) != 0)
		return -1;
	int64_t t1 = api_now_ms();
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(today_buf, sizeof(today_buf), "%Y-%m-%d", &tm);
	memcpy(today, today_buf, sizeof(today));
	load_users();
	json_t *doc = NULL;
	if (api_getf(NULL, &doc, "/api/v1/openapi.json") != 200)
		return -1;
	openapi = doc;
	int64_t t2 = api_now_ms();
	setup_objects();
	fprintf(stderr, "setup: server with the demo %lld ms, %zu logins %lld ms, objects %lld ms\n",
	        (long long)(t1 - t0), nusers, (long long)(t2 - t1),
	        (long long)(api_now_ms() - t2));
	return 0;
}

static int teardown(void **state)
{
	for (size_t i = 0; i < nusers; i++)
		free(users[i].token);
	json_decref(openapi);
	return api_group_teardown(state);
}

/* ---- the expected answer of a cell ---------------------------------------- */

/* Anything but 404 (and 401): the object exists for the user. */
#define X_VISIBLE 1
/* A public route: anything but 401. */
#define X_PUBLIC 2

static bool visible(const user *u, const obj *o)
{
	switch (o->k) {
	case K_ITEM:
		return item_visible(u, o);
	case K_GRANT:
		return in(o->parties, 3, u->org);
	case K_HIT:
		return rel_of(u->org, o->c) != R_NONE || rel_of(u->org, o->c2) != R_NONE;
	case K_USER:
	case K_TOKEN:
		return u->op_admin || !strcmp(u->name, o->owner_user) ||
		       (u->admin && !strcmp(u->org, find_user(o->owner_user)->org));
	case K_UPLOAD:
	case K_BUNDLE:
		return !strcmp(u->name, o->owner_user);
	case K_NONE:
	case K_ORG:
	case K_LEDGER:
	case K_TILE:
		return true;
	default:
		return rel_of(u->org, o->c) != R_NONE;
	}
}

/* Whether the user's organisation holds an active grant on an item of case c. */
static bool granted_in(const user *u, int c)
{
	for (int k = 0; k < nobjs; k++)
		if (objs[k].k == K_ITEM && objs[k].c == c && objs[k].granted &&
		    !strcmp(objs[k].granted, u->org))
			return true;
	return false;
}

/* Set while the allowed changes of state are sent (after every refused cell). */
static bool allowed_phase;
/* In that phase: whether the current route and object has answered 2xx yet. */
static bool used_up;

static int expect(const route *rt, const obj *o, const user *u)
{
	int x;
	if (rt->need == A_PUBLIC)
		return X_PUBLIC;
	if (rt->need == A_OPADMIN)
		x = !u->op_admin ? X_DENIED : o->absent ? X_HIDDEN : X_OK;
	else if (rt->need == A_ORGADMIN)
		x = u->admin ? X_OK : X_DENIED;
	else if (rt->need == A_EVLIST && !o->absent && granted_in(u, o->c))
		x = X_OK;
	else if (o->absent || !visible(u, o))
		x = X_HIDDEN;
	else {
		switch (rt->need) {
		case A_ANY:
		case A_SELF:
			x = X_OK;
			break;
		case A_VIS:
			x = X_VISIBLE;
			break;
		case A_READ:
			x = X_OK;
			break;
		case A_CONTRIB:
		case A_MANAGE: {
			enum op op = rt->need == A_CONTRIB ? OP_CONTRIB : OP_MANAGE;
			enum rel r = rel_of(u->org, o->c);
			/* An item seen through a grant only is seen, not changed. */
			x = r == R_NONE ? X_DENIED : case_rule(u, o->c, op);
			/* One that participates in a JIT changes only the items it contributed. */
			if (o->k == K_ITEM && r == R_JITPART && strcmp(o->originator, u->org) != 0)
				x = X_DENIED;
			break;
		}
		case A_JITWRITE: {
			enum rel r = rel_of(u->org, o->c);
			x = (r == R_OWNER || r == R_PART) && u->role_rank >= OP_MANAGE ? X_OK : X_DENIED;
			break;
		}
		case A_REVOKE:
			x = (!strcmp(u->org, o->parties[0]) ||
			     (o->parties[2] && !strcmp(u->org, o->parties[2]))) &&
			            u->role_rank >= OP_MANAGE ? X_OK : X_DENIED;
			break;
		case A_EXEC:
			x = !strcmp(u->org, o->exec_org) && u->role_rank >= OP_CONTRIB ? X_OK : X_DENIED;
			break;
		default:
			x = X_OK;
		}
	}
	/* What would change state is sent here only where it must be refused. */
	if (!allowed_phase && rt->eff != E_READ && (x == X_OK || x == X_VISIBLE))
		return X_SKIP;
	if (allowed_phase && (rt->eff == E_READ || rt->eff == E_STREAM ||
	                      (x != X_OK && x != X_VISIBLE)))
		return X_SKIP;
	return x;
}

/* ---- sending -------------------------------------------------------------- */

static void build_path(char *out, size_t n, const char *tmpl, const obj *o)
{
	size_t w = 0;
	int seg = 0;
	for (const char *p = tmpl; *p && w + 1 < n;) {
		if (*p == '{') {
			const char *v = seg++ == 0 ? o->id : o->id2;
			w += (size_t)snprintf(out + w, n - w, "%s", v);
			p = strchr(p, '}') + 1;
		} else {
			out[w++] = *p++;
		}
	}
	out[w < n ? w : n - 1] = '\0';
}

/* The body the document gives as the route's example, and its media type. */
static char *example_body(const route *rt, const char **ctype)
{
	char m[8];
	size_t k;
	for (k = 0; rt->method[k] && k + 1 < sizeof(m); k++)
		m[k] = (char)tolower((unsigned char)rt->method[k]);
	m[k] = '\0';
	char tmpl[256];
	snprintf(tmpl, sizeof(tmpl), "%s", rt->path);
	tmpl[strcspn(tmpl, "?")] = '\0';
	json_t *op = json_object_get(json_object_get(json_object_get(openapi, "paths"), tmpl), m);
	json_t *content = json_object_get(json_object_get(op, "requestBody"), "content");
	const char *type;
	json_t *media;
	*ctype = NULL;
	json_object_foreach(content, type, media) {
		json_t *ex = json_object_get(media, "example");
		*ctype = type;
		if (json_is_string(ex))
			return strdup(json_string_value(ex));
		if (ex)
			return json_dumps(ex, JSON_COMPACT);
		if (!strcmp(type, "text/csv"))
			return strdup("kind,names\nperson,Acl Probe\n");
		return strdup(!strcmp(type, "application/json") ? "{}" : "probe");
	}
	if (strcmp(rt->method, "GET") && strcmp(rt->method, "DELETE")) {
		*ctype = "application/json";
		return strdup("{}");
	}
	return NULL;
}

static long send_as(const route *rt, const char *path, const char *token, char *own_body,
                    api_resp *resp)
{
	const char *ctype = NULL;
	char *body = example_body(rt, &ctype);
	if (own_body) {
		free(body);
		body = own_body;
	}
	api_req rq = {.method = rt->method, .path = path, .token = token, .body = body,
	              .content_type = ctype};
	memset(resp, 0, sizeof(*resp));
	if (api_send(&rq, resp) != 0)
		resp->status = 0;
	free(body);
	return resp->status;
}

/*
 * Where the example body cannot succeed for every allowed cell, the body an
 * allowed change is sent with (NULL: the example). *skip: the rules allow no
 * such change to this user (a JIT takes only cases one manages).
 */
static char *allowed_body(const route *rt, const obj *o, const user *u, bool *skip)
{
	if (!strcmp(rt->path, "/api/v1/jits/{id}/cases")) {
		for (int c = 0; c < NCASES; c++)
			if (!strcmp(cases[c].owner, u->org)) {
				char *text = malloc(64);
				assert_non_null(text);
				snprintf(text, 64, "{\"case\":\"%s\"}", cases[c].ref);
				return text;
			}
		*skip = true;
		return NULL;
	}
	if (!strcmp(rt->path, "/api/v1/cases/{id}/bundles")) {
		/* An item of that case the user sees. */
		json_t *list = NULL, *body;
		api_getf(u->token, &list, "/api/v1/cases/%s/evidence", o->id);
		json_t *it, *first = NULL;
		size_t i;
		json_array_foreach(items_of(list), i, it)
			if (!first && !json_is_string(json_object_get(it, "erased_at")))
				first = it;
		body = json_pack("{s:s,s:[]}", "for", "ICC", "items");
		if (first)
			json_array_append_new(json_object_get(body, "items"), json_integer(jid(first)));
		json_decref(list);
		char *text = json_dumps(body, JSON_COMPACT);
		json_decref(body);
		return text;
	}
	if (!strcmp(rt->path, "/api/v1/requests/{id}/status"))
		return strdup("{\"to\":\"recognised\"}"); /* the demo's request was received */
	return NULL;
}

/* The error message with the object's path segments replaced by "<>". */
static char *generic_msg(const api_resp *r, const obj *o)
{
	const char *msg = json_string_value(json_object_get(json_object_get(r->json, "error"),
	                                                    "message"));
	const char *code = json_string_value(json_object_get(json_object_get(r->json, "error"),
	                                                     "code"));
	char buf[1024];
	size_t w = (size_t)snprintf(buf, sizeof(buf), "%ld %s: ", r->status, code ? code : "-");
	for (const char *p = msg ? msg : r->body; *p && w + 3 < sizeof(buf);) {
		size_t l1 = strlen(o->id), l2 = strlen(o->id2);
		if (l1 && !strncmp(p, o->id, l1)) {
			memcpy(buf + w, "<>", 2), w += 2, p += l1;
		} else if (l2 && !strncmp(p, o->id2, l2)) {
			memcpy(buf + w, "<>", 2), w += 2, p += l2;
		} else {
			buf[w++] = *p++;
		}
	}
	buf[w] = '\0';
	return strdup(buf);
}

static const char *xname(int x)
{
	switch (x) {
	case X_OK:
		return "allowed";
	case X_DENIED:
		return "403";
	case X_HIDDEN:
		return "404";
	case X_VISIBLE:
		return "not 404";
	default:
		return "not 401";
	}
}

/* Cells tried, refused as expected, and left out (allowed changes of state). */
static int ncells, nsent, nskipped, nbad;
/* Allowed changes of state that succeeded (2xx). */
static int nallowed_done;

static void check_cell(const route *rt, const obj *o, const user *u, const char *absent_msg,
                       char **msg_out)
{
	int x = expect(rt, o, u);
	char path[256];
	api_resp r;
	ncells++;
	if (x == X_SKIP) {
		nskipped++;
		return;
	}
	bool skip = false;
	char *own = allowed_phase ? allowed_body(rt, o, u, &skip) : NULL;
	if (skip) {
		nskipped++;
		return;
	}
	build_path(path, sizeof(path), rt->path, o);
	long st = send_as(rt, path, u->token, own, &r);
	nsent++;
	bool ok;
	/*
	 * An allowed change need not succeed (a closed case, a request already
	 * sent, the example body unfit for this object), but it must not be
	 * refused; once it has succeeded, what it used up may be gone.
	 */
	bool done = st >= 200 && st < 300;
	/* (Where the rules are the server's own (X_VISIBLE), a 403 is theirs to give.) */
	bool refused = st == 0 || st == 401 || (st == 403 && x == X_OK) || st == 404 || st >= 500;
	if (allowed_phase && (x == X_OK || x == X_VISIBLE)) {
		ok = !refused || (st == 404 && used_up && rt->eff >= E_GONE);
		used_up = used_up || done;
		if (done)
			nallowed_done++;
	} else switch (x) {
	case X_OK:
		ok = done;
		break;
	case X_DENIED:
	case X_HIDDEN:
		ok = st == x;
		break;
	case X_VISIBLE:
		ok = st != 404 && st != 401 && st != 0 && st < 500;
		break;
	default:
		ok = st != 401 && st != 0 && st < 500;
	}
	/* A list of a case's items holds only those the user may see. */
	if (ok && rt->need == A_EVLIST && st == 200) {
		json_t *it;
		size_t i;
		json_array_foreach(items_of(r.json), i, it)
			for (int k = 0; k < nobjs; k++)
				if (objs[k].k == K_ITEM && atoll(objs[k].id) == jid(it) &&
				    !item_visible(u, &objs[k])) {
					fprintf(stderr, "%s as %s lists %s\n", path, u->name, objs[k].label);
					ok = false;
				}
	}
	char *g = generic_msg(&r, o);
	/* Invisible reads exactly as absent: status, code and message but for the id. */
	if (ok && x == X_HIDDEN && absent_msg && strcmp(g, absent_msg) != 0) {
		fprintf(stderr, "%s %s as %s (%s): \"%s\" but absent gives \"%s\"\n", rt->method,
		        path, u->name, o->label, g, absent_msg);
		ok = false;
	}
	/* Nothing of a case the user may not see in any answer. */
	for (int c = 0; ok && c < NCASES; c++)
		for (int k = 0; k < 2; k++)
			if (markers[c][k] && rel_of(u->org, c) == R_NONE && r.body &&
			    strstr(r.body, markers[c][k]) && !(o->k == K_ITEM && item_visible(u, o))) {
				fprintf(stderr, "%s %s as %s (%s): answer names \"%s\"\n", rt->method,
				        path, u->name, o->label, markers[c][k]);
				ok = false;
			}
	if (!ok) {
		if (x != X_HIDDEN || st != 404)
			fprintf(stderr, "%s %s as %s (%s): %ld, expected %s: %.200s\n", rt->method,
			        path, u->name, o->label, st, xname(x), r.body ? r.body : "");
		nbad++;
	}
	if (msg_out)
		*msg_out = g;
	else
		free(g);
	api_resp_free(&r);
}

/* ---- the tests ------------------------------------------------------------ */

static const route *find_route(const char *method, const char *path)
{
	for (size_t i = 0; i < NROUTES; i++)
		if (!strcasecmp(routes[i].method, method) && !strcmp(routes[i].path, path))
			return &routes[i];
	return NULL;
}

static void test_api_acl__every_route_has_a_rule(void **state)
{
	(void)state;
	json_t *paths = json_object_get(openapi, "paths"), *ops, *op;
	const char *path, *method;
	int missing = 0, documented = 0;
	assert_true(json_object_size(paths) > 0);
	json_object_foreach(paths, path, ops) {
		json_object_foreach(ops, method, op) {
			if (strcmp(method, "get") && strcmp(method, "post") && strcmp(method, "put") &&
			    strcmp(method, "patch") && strcmp(method, "delete"))
				continue;
			documented++;
			if (!find_route(method, path)) {
				fprintf(stderr, "route %s %s has no access rule in test_api_acl.c\n", method,
				        path);
				missing++;
			}
		}
	}
	/* And no rule for a route that is gone. */
	for (size_t i = 0; i < NROUTES; i++) {
		char m[8];
		size_t k;
		for (k = 0; routes[i].method[k]; k++)
			m[k] = (char)tolower((unsigned char)routes[i].method[k]);
		m[k] = '\0';
		if (!json_object_get(json_object_get(paths, routes[i].path), m)) {
			fprintf(stderr, "rule for %s %s: no such route\n", routes[i].method,
			        routes[i].path);
			missing++;
		}
	}
	fprintf(stderr, "%d documented routes, %zu rules\n", documented, NROUTES);
	assert_int_equal(missing, 0);
}

/* Without a token: 401 everywhere but on the public routes. */
static void test_api_acl__anonymous(void **state)
{
	(void)state;
	int bad = 0;
	for (size_t i = 0; i < NROUTES; i++) {
		const route *rt = &routes[i];
		const obj *o = NULL;
		for (int k = 0; k < nobjs && !o; k++)
			if (obj_for(&objs[k], rt))
				o = &objs[k];
		obj none = {.k = K_NONE};
		char path[256];
		api_resp r;
		build_path(path, sizeof(path), rt->path, o ? o : &none);
		if (rt->need == A_PUBLIC && rt->eff != E_READ)
			continue;
		long st = send_as(rt, path, NULL, NULL, &r);
		if (rt->need == A_PUBLIC ? st == 401 || st == 0 || st >= 500 : st != 401) {
			fprintf(stderr, "%s %s without a token: %ld\n", rt->method, path, st);
			bad++;
		}
		api_resp_free(&r);
	}
	assert_int_equal(bad, 0);
}

/*
 * Every route with an object, every user, every object of its kind. The
 * absent object goes first: its answer is what an invisible one must give.
 */
static void test_api_acl__every_user_every_object(void **state)
{
	(void)state;
	char **absent = calloc(nusers, sizeof(char *));
	int64_t t0 = api_now_ms();
	int nroutes = 0;
	assert_non_null(absent);
	for (size_t i = 0; i < NROUTES; i++) {
		const route *rt = &routes[i];
		if (rt->k == K_NONE)
			continue;
		nroutes++;
		for (int k = 0; k < nobjs; k++)
			if (obj_for(&objs[k], rt) && objs[k].absent)
				for (size_t u = 0; u < nusers; u++)
					check_cell(rt, &objs[k], &users[u], NULL, &absent[u]);
		for (int k = 0; k < nobjs; k++)
			if (obj_for(&objs[k], rt) && !objs[k].absent)
				for (size_t u = 0; u < nusers; u++)
					check_cell(rt, &objs[k], &users[u], absent[u], NULL);
		for (size_t u = 0; u < nusers; u++) {
			free(absent[u]);
			absent[u] = NULL;
		}
	}
	free(absent);
	fprintf(stderr, "%d routes with an object x %zu users x %d objects: %d cells, %d sent, "
	        "%d allowed changes left out, %d wrong, %lld ms\n", nroutes, nusers, nobjs, ncells,
	        nsent, nskipped, nbad, (long long)(api_now_ms() - t0));
	assert_int_equal(nbad, 0);
}

/*
 * The routes without an object (collections, creations): each user's answer
 * names nothing of the cases it may not see, neither in items nor in counts.
 */
static void test_api_acl__collections_leak_nothing(void **state)
{
	(void)state;
	static const struct {
		const char *path, *query;
	} queries[] = {
		{"/api/v1/search", "?q=Yezidi%20OR%20Ukraine%20OR%20Architect%20OR%20Petrovic"},
		{"/api/v1/deadlines", "?within=3650"},
	};
	int before = nbad;
	for (size_t i = 0; i < NROUTES; i++) {
		const route *rt = &routes[i];
		if (rt->k != K_NONE || rt->need == A_PUBLIC)
			continue;
		route q = *rt;
		char path[256];
		snprintf(path, sizeof(path), "%s", rt->path);
		for (size_t k = 0; k < sizeof(queries) / sizeof(queries[0]); k++)
			if (!strcmp(queries[k].path, rt->path))
				snprintf(path, sizeof(path), "%s%s", rt->path, queries[k].query);
		q.path = path;
		obj none = {.k = K_NONE, .c = -1};
		for (size_t u = 0; u < nusers; u++)
			check_cell(&q, &none, &users[u], NULL, NULL);
	}
	assert_int_equal(nbad, before);
}

/*
 * Routes that name a case in their body (creations, grants, xref): a case
 * the user may not see answers as an absent one, by reference and by id.
 */
static void test_api_acl__cases_named_in_bodies(void **state)
{
	(void)state;
	int bad = 0, tried = 0;
	char inv_id[24];
	snprintf(inv_id, sizeof(inv_id), "%lld", (long long)case_id[YEZ]);
	const char *forms[][2] = {{"2024/0001", "2099/0999"}, {inv_id, "987654321"}};
	for (size_t i = 0; i < NROUTES; i++) {
		const route *rt = &routes[i];
		const char *ctype;
		char *ex = rt->k == K_NONE ? example_body(rt, &ctype) : NULL;
		json_t *body = ex ? json_loads(ex, 0, NULL) : NULL;
		free(ex);
		if (!json_is_string(json_object_get(body, "case"))) {
			json_decref(body);
			continue;
		}
		for (size_t u = 0; u < nusers; u++) {
			if (rel_of(users[u].org, YEZ) != R_NONE)
				continue;
			for (size_t f = 0; f < 2; f++) {
				char *msg[2];
				long st[2];
				for (int k = 0; k < 2; k++) {
					json_object_set_new(body, "case", json_string(forms[f][k]));
					char *text = json_dumps(body, JSON_COMPACT);
					api_req rq = {.method = rt->method, .path = rt->path,
					              .token = users[u].token, .body = text};
					api_resp r;
					memset(&r, 0, sizeof(r));
					api_send(&rq, &r);
					st[k] = r.status;
					obj o = {.c = -1};
					snprintf(o.id, sizeof(o.id), "%s", forms[f][k]);
					msg[k] = generic_msg(&r, &o);
					api_resp_free(&r);
					free(text);
				}
				tried++;
				if (st[0] != 404 || strcmp(msg[0], msg[1]) != 0) {
					fprintf(stderr, "%s %s as %s naming case %s: \"%s\", absent: \"%s\"\n",
					        rt->method, rt->path, users[u].name, forms[f][0], msg[0],
					        msg[1]);
					bad++;
				}
				free(msg[0]);
				free(msg[1]);
			}
		}
		json_decref(body);
	}
	fprintf(stderr, "%d requests naming an invisible case in their body\n", tried * 2);
	assert_true(tried > 0);
	assert_int_equal(bad, 0);
}

/*
 * The creations that name a case in their body (requests, meetings, interviews,
 * action days, grants, cross-matching), in every case a user sees: the rules
 * ask to contribute to that case. Every refused cell first (403, the reason
 * without anything of another case), then the allowed ones, which must not be
 * refused and must succeed at least once per route. (A case the user may not
 * see: test_api_acl__cases_named_in_bodies.)
 */
static char *body_in_case(const route *rt, int c, const user *u, bool *skip)
{
	const char *ctype;
	char *ex = example_body(rt, &ctype);
	json_t *body = json_loads(ex, 0, NULL), *list = NULL, *it, *pick_it = NULL;
	size_t i;
	free(ex);
	json_object_set_new(body, "case", json_string(cases[c].ref));
	/* What the body names besides the case must be of that case, and the user's. */
	bool grant = !strcmp(rt->path, "/api/v1/grants");
	if (grant || !strcmp(rt->path, "/api/v1/interviews")) {
		api_getf(u->token, &list, "/api/v1/cases/%lld/%s", (long long)case_id[c],
		         grant ? "evidence" : "entities");
		json_array_foreach(items_of(list), i, it) {
			/* A JIT participant shares only what it contributed. */
			if (grant && (json_is_string(json_object_get(it, "erased_at")) ||
			              (rel_of(u->org, c) == R_JITPART &&
			               strcmp(json_string_value(json_object_get(it, "originator")),
			                      u->org) != 0)))
				continue;
			if (!pick_it)
				pick_it = it;
		}
		if (!pick_it)
			*skip = true;
		else if (grant)
			json_object_set_new(body, "items", json_pack("[I]", (json_int_t)jid(pick_it)));
		else
			json_object_set_new(body, "entity", json_integer(jid(pick_it)));
		json_decref(list);
	}
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	return text;
}

static void test_api_acl__creations_in_every_case(void **state)
{
	(void)state;
	int bad = 0, refused = 0, allowed = 0, skipped = 0, succeeded[NROUTES] = {0};
	bool tried[NROUTES] = {false};
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < NROUTES; i++) {
			const route *rt = &routes[i];
			const char *ctype;
			char *ex = rt->k == K_NONE && rt->need != A_PUBLIC ? example_body(rt, &ctype)
			                                                   : NULL;
			json_t *exj = ex ? json_loads(ex, 0, NULL) : NULL;
			bool names_case = json_is_string(json_object_get(exj, "case"));
			json_decref(exj);
			free(ex);
			if (!names_case)
				continue;
			for (int c = 0; c < NCASES; c++)
				for (size_t k = 0; k < nusers; k++) {
					const user *u = &users[k];
					if (rel_of(u->org, c) == R_NONE)
						continue;
					int x = case_rule(u, c, OP_CONTRIB);
					/* Issuing a request, sharing evidence outside the case: decisions
					 * besides, not an analyst's. */
					if ((!strcmp(rt->path, "/api/v1/requests") ||
					     !strcmp(rt->path, "/api/v1/grants")) && u->role_rank < OP_MANAGE)
						x = X_DENIED;
					if ((pass == 0) != (x == X_DENIED))
						continue;
					bool skip = false;
					char *body = body_in_case(rt, c, u, &skip);
					if (skip) {
						skipped++;
						free(body);
						continue;
					}
					api_req rq = {.method = rt->method, .path = rt->path, .token = u->token,
					              .body = body, .content_type = "application/json"};
					api_resp r;
					memset(&r, 0, sizeof(r));
					long st = api_send(&rq, &r) == 0 ? r.status : 0;
					bool ok;
					if (x == X_DENIED) {
						refused++;
						ok = st == 403;
					} else {
						allowed++;
						tried[i] = true;
						ok = st != 0 && st != 401 && st != 403 && st != 404 && st < 500;
						succeeded[i] += st >= 200 && st < 300;
					}
					/* Nothing of a case the user may not see in the answer. */
					for (int o = 0; ok && o < NCASES; o++)
						for (int m = 0; m < 2; m++)
							if (markers[o][m] && rel_of(u->org, o) == R_NONE && r.body &&
							    strstr(r.body, markers[o][m]))
								ok = false;
					if (!ok) {
						fprintf(stderr, "%s %s as %s naming case %s: %ld, expected %s: %.200s\n",
						        rt->method, rt->path, u->name, cases[c].ref, st,
						        x == X_DENIED ? "403" : "not refused", r.body ? r.body : "");
						bad++;
					}
					api_resp_free(&r);
					free(body);
				}
		}
	int never = 0;
	for (size_t i = 0; i < NROUTES; i++)
		if (tried[i] && !succeeded[i]) {
			fprintf(stderr, "%s %s: no allowed creation succeeded\n", routes[i].method,
			        routes[i].path);
			never++;
		}
	fprintf(stderr, "creations naming a case: %d cells to refuse, %d to allow, %d left out "
	        "(no object of the case to name), %d wrong\n", refused, allowed, skipped, bad);
	assert_true(refused > 0 && allowed > 0);
	assert_int_equal(never, 0);
	assert_int_equal(bad, 0);
}

/* Totals and facets count what the user sees, not what exists. */
static void test_api_acl__totals_count_only_the_visible(void **state)
{
	(void)state;
	json_t *doc = NULL;
	const char *rs = find_user("rs")->token, *mt = find_user("mt")->token;
	/* RS sees the Swedish case only. */
	assert_int_equal(api_getf(rs, &doc, "/api/v1/cases"), 200);
	assert_int_equal(json_integer_value(json_object_get(doc, "count")), 1);
	json_decref(doc);
	/* "Yezidi" is in two cases and their entities: none of it is RS's. */
	assert_int_equal(api_getf(rs, &doc, "/api/v1/search?q=Yezidi"), 200);
	assert_int_equal(json_integer_value(json_object_get(doc, "total")), 0);
	/* Nor do its facets count anything. */
	assert_int_equal(json_object_size(json_object_get(json_object_get(doc, "facets"), "kind")),
	                 0);
	json_decref(doc);
	assert_int_equal(api_getf(mt, &doc, "/api/v1/search?q=Petrovic"), 200);
	assert_int_equal(json_integer_value(json_object_get(doc, "total")), 0);
	json_decref(doc);
	assert_int_equal(api_getf(mt, &doc, "/api/v1/hits"), 200);
	assert_int_equal(json_array_size(items_of(doc)), 0);
	json_decref(doc);
	assert_int_equal(api_getf(mt, &doc, "/api/v1/requests"), 200);
	assert_int_equal(json_array_size(items_of(doc)), 0);
	json_decref(doc);
	/* The year's figures of an organisation in no case: all zero, though others have some. */
	assert_int_equal(api_getf(mt, &doc, "/api/v1/stats?year=2026"), 200);
	json_t *cs = json_object_get(doc, "cases"), *rq = json_object_get(doc, "requests");
	assert_int_equal(json_integer_value(json_object_get(cs, "opened")), 0);
	assert_int_equal(json_object_size(json_object_get(cs, "by_country")), 0);
	assert_int_equal(json_integer_value(json_object_get(rq, "issued")), 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(doc, "jits"),
	                                                    "active")), 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(doc, "action_days"),
	                                                    "days")), 0);
	json_decref(doc);
	assert_int_equal(api_getf(find_user("se")->token, &doc, "/api/v1/stats?year=2026"), 200);
	assert_true(json_integer_value(json_object_get(json_object_get(doc, "cases"), "opened")) > 0);
	json_decref(doc);
}

/*
 * The other side of every route that changes state: each cell the rules
 * allow is sent too, last of all, and must not be refused. Each route must
 * also succeed at least once, so that "not refused" is not an example body
 * that every object rejects. (Creations, the routes without an object, are
 * sent allowed by the other API tests, which make their data with them.)
 */
static void test_api_acl__allowed_changes(void **state)
{
	(void)state;
	int before = nbad, sent0 = nsent, routes_tried = 0, never = 0;
	allowed_phase = true;
	for (enum effect e = E_CHANGE; e <= E_CLOSE; e++)
		for (size_t i = 0; i < NROUTES; i++) {
			const route *rt = &routes[i];
			if (rt->eff != e || rt->k == K_NONE)
				continue;
			int done0 = nallowed_done, sent1 = nsent;
			for (int k = 0; k < nobjs; k++) {
				if (!obj_for(&objs[k], rt) || objs[k].absent)
					continue;
				used_up = false;
				for (size_t u = 0; u < nusers; u++)
					check_cell(rt, &objs[k], &users[u], NULL, NULL);
			}
			if (nsent == sent1)
				continue;
			routes_tried++;
			if (nallowed_done == done0) {
				fprintf(stderr, "%s %s: %d allowed cells, none succeeded\n", rt->method,
				        rt->path, nsent - sent1);
				never++;
			}
		}
	allowed_phase = false;
	fprintf(stderr, "%d routes that change state: %d allowed cells sent, %d succeeded, "
	        "%d wrong\n", routes_tried, nsent - sent0, nallowed_done, nbad - before);
	assert_true(routes_tried > 0);
	assert_int_equal(never, 0);
	assert_int_equal(nbad, before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api_acl__every_route_has_a_rule),
		cmocka_unit_test(test_api_acl__anonymous),
		cmocka_unit_test(test_api_acl__every_user_every_object),
		cmocka_unit_test(test_api_acl__collections_leak_nothing),
		cmocka_unit_test(test_api_acl__cases_named_in_bodies),
		cmocka_unit_test(test_api_acl__totals_count_only_the_visible),
		/* After the totals: the allowed creations add to what they count. */
		cmocka_unit_test(test_api_acl__creations_in_every_case),
		/* Last: it changes what every test before it reads. */
		cmocka_unit_test(test_api_acl__allowed_changes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
