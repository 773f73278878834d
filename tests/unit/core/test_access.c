/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tests: need-to-know as a matrix — every role against every relationship an
 * organisation can have with a case, for every kind of operation, checked
 * both on the decision (cu_access_case) and on real operations.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"
#include "crypto/crypto.h"
#include "testutil.h"

enum rel { OWNER, PARTICIPANT, OBSERVER, JIT_ACTIVE, JIT_EXPIRED, NONE, NREL };
static const char *const rel_org[NREL] = {"SE", "RS", "INTERPOL", "ICC", "UNITAD", "FR"};
static const char *const rel_name[NREL] = {"owner", "participant", "observer",
                                           "member of an active JIT",
                                           "member of an expired JIT", "unrelated"};
static const char *const roles[] = {"admin", "prosecutor", "analyst", "observer"};
#define NROLE 4

typedef struct fixture {
	char *tmp, *dir;
	cu_core *c;
	int64_t case_id;
} fixture;

static void make_user(cu_core *c, cu_actor *op, const char *org, const char *role)
{
	char name[64];
	json_t *out = NULL;
	snprintf(name, sizeof(name), "%s-%s", org, role);
	for (char *p = name; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	json_t *in = json_pack("{s:s,s:s,s:s,s:s}", "username", name, "password", "pw-test-1",
	                       "org", org, "role", role);
	assert_int_equal(cu_user_create(c, op, &out, in), 0);
	json_decref(in);
	json_decref(out);
}

static void actor(fixture *f, cu_actor *a, int rel, int role)
{
	char name[64];
	snprintf(name, sizeof(name), "%s-%s", rel_org[rel], roles[role]);
	for (char *p = name; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	assert_int_equal(cu_actor_load(f->c, a, name), 0);
}

static json_t *parse(const char *s)
{
	json_t *j = json_loads(s, 0, NULL);
	assert_non_null(j);
	return j;
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	cu_actor op, se;
	json_t *out = NULL, *in;
	char buf[512];
	f->dir = tu_datadir(&f->tmp);
	assert_int_equal(cu_crypto_init(), 0);
	assert_int_equal(cu_core_init(f->dir, "admin", "admin-pw"), 0);
	cu_core_config cfg = {.datadir = f->dir};
	assert_int_equal(cu_core_open(&f->c, &cfg), 0);
	assert_int_equal(cu_actor_load(f->c, &op, "admin"), 0);
	for (int r = 0; r < NREL; r++)
		for (int k = 0; k < NROLE; k++)
			make_user(f->c, &op, rel_org[r], roles[k]);
	actor(f, &se, OWNER, 1);
	in = parse("{\"title\":\"Matrix case\",\"crime_types\":[\"drug_trafficking\"],"
	           "\"participants\":[{\"org\":\"RS\"},{\"org\":\"INTERPOL\","
	           "\"access\":\"observer\"}]}");
	assert_int_equal(cu_case_create(f->c, &se, &out, in), 0);
	f->case_id = json_integer_value(json_object_get(out, "id"));
	json_decref(in);
	json_decref(out);
	snprintf(buf, sizeof(buf), "{\"name\":\"Active\",\"signed_on\":\"2020-01-01\","
	         "\"expires_on\":\"2100-01-01\",\"cases\":[%lld],\"members\":[{\"org\":\"ICC\","
	         "\"role\":\"participant\"}]}", (long long)f->case_id);
	in = parse(buf);
	assert_int_equal(cu_jit_create(f->c, &se, &out, in), 0);
	json_decref(in);
	json_decref(out);
	snprintf(buf, sizeof(buf), "{\"name\":\"Expired\",\"signed_on\":\"2019-01-01\","
	         "\"expires_on\":\"2020-01-01\",\"cases\":[%lld],\"members\":[{\"org\":\"UNITAD\"}]}",
	         (long long)f->case_id);
	in = parse(buf);
	assert_int_equal(cu_jit_create(f->c, &se, &out, in), 0);
	json_decref(in);
	json_decref(out);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	cu_core_close(f->c);
	free(f->dir);
	tu_rmdir(f->tmp);
	free(f);
	return 0;
}

/* The rules of docs/access.md, written out independently of access.c. */
static int expected(int rel, int role, cu_op op)
{
	if (rel == NONE)
		return CU_ENOTFOUND;
	if (op == CU_OP_READ)
		return 0;
	bool org_contributes = rel == OWNER || rel == PARTICIPANT || rel == JIT_ACTIVE;
	bool role_contributes = strcmp(roles[role], "observer") != 0;
	bool role_manages = !strcmp(roles[role], "admin") || !strcmp(roles[role], "prosecutor");
	if (op == CU_OP_CONTRIBUTE)
		return org_contributes && role_contributes ? 0 : CU_EDENIED;
	return rel == OWNER && role_manages ? 0 : CU_EDENIED;
}

static void test_access_case__matrix(void **state)
{
	fixture *f = *state;
	static const char *const ops[] = {"read", "contribute", "manage"};
	int checked = 0;
	for (int rel = 0; rel < NREL; rel++)
		for (int role = 0; role < NROLE; role++)
			for (int op = CU_OP_READ; op <= CU_OP_MANAGE; op++) {
				cu_actor a;
				actor(f, &a, rel, role);
				int got = cu_access_case(f->c, &a, f->case_id, (cu_op)op);
				int want = expected(rel, role, (cu_op)op);
				if (got != want)
					fail_msg("%s %s, %s: got %d, want %d", rel_name[rel], roles[role],
					         ops[op], got, want);
				checked++;
			}
	assert_int_equal(checked, NREL * NROLE * 3);
}

/* Real operations agree with the decision: reading a case and managing it. */
static void test_access_case__operations_follow(void **state)
{
	fixture *f = *state;
	for (int rel = 0; rel < NREL; rel++)
		for (int role = 0; role < NROLE; role++) {
			cu_actor a;
			json_t *out = NULL;
			actor(f, &a, rel, role);
			assert_int_equal(cu_case_get(f->c, &a, &out, f->case_id),
			                 expected(rel, role, CU_OP_READ));
			json_decref(out);
			out = NULL;
			json_t *in = json_pack("{s:s}", "retention_review_on", "2030-01-01");
			assert_int_equal(cu_case_update(f->c, &a, &out, f->case_id, in),
			                 expected(rel, role, CU_OP_MANAGE));
			json_decref(in);
			json_decref(out);
			/* Lists agree with visibility. */
			cu_buf b;
			cu_case_filter filt = {.limit = 50};
			cu_buf_init(&b, 0);
			assert_int_equal(cu_case_list(f->c, &a, &b, &filt), 0);
			json_t *l = json_loads(b.data, 0, NULL);
			assert_int_equal(json_integer_value(json_object_get(l, "count")),
			                 rel == NONE ? 0 : 1);
			json_decref(l);
			cu_buf_free(&b);
		}
}

/* An unknown case and an invisible case are indistinguishable. */
static void test_access_case__invisible_is_absent(void **state)
{
	fixture *f = *state;
	cu_actor a;
	json_t *out = NULL;
	actor(f, &a, NONE, 1);
	assert_int_equal(cu_case_get(f->c, &a, &out, f->case_id), CU_ENOTFOUND);
	char m1[256];
	snprintf(m1, sizeof(m1), "%s", cu_error_message(CU_ENOTFOUND));
	assert_int_equal(cu_case_get(f->c, &a, &out, 999999), CU_ENOTFOUND);
	assert_string_equal(m1, cu_error_message(CU_ENOTFOUND));
	assert_null(strstr(m1, "Matrix"));
	int64_t id;
	assert_int_equal(cu_case_resolve(f->c, &a, &id, "2026/0001"), CU_ENOTFOUND);
}

static void test_access_users__own_organisation_only(void **state)
{
	fixture *f = *state;
	cu_actor se_admin, se_pros, fr_admin, op;
	json_t *out = NULL;
	actor(f, &se_admin, OWNER, 0);
	actor(f, &se_pros, OWNER, 1);
	actor(f, &fr_admin, NONE, 0);
	assert_int_equal(cu_actor_load(f->c, &op, "admin"), 0);
	assert_true(op.operator_admin);
	assert_false(se_admin.operator_admin);
	assert_int_equal(cu_access_users(&se_admin, se_admin.org_id, CU_OP_MANAGE), 0);
	assert_int_equal(cu_access_users(&se_admin, fr_admin.org_id, CU_OP_MANAGE), CU_EDENIED);
	assert_int_equal(cu_access_users(&se_pros, se_pros.org_id, CU_OP_READ), CU_EDENIED);
	assert_int_equal(cu_access_users(&op, fr_admin.org_id, CU_OP_MANAGE), 0);
	json_t *in = json_pack("{s:s,s:s,s:s,s:s}", "username", "fr-new", "password", "pw-test-1",
	                       "org", "FR", "role", "analyst");
	assert_int_equal(cu_user_create(f->c, &se_admin, &out, in), CU_EDENIED);
	assert_int_equal(cu_user_create(f->c, &fr_admin, &out, in), 0);
	json_decref(out);
	json_decref(in);
	/* Another organisation's user does not even exist for an admin. */
	assert_int_equal(cu_user_get(f->c, &se_admin, &out, "fr-new"), CU_ENOTFOUND);
	in = json_pack("{s:s}", "role", "admin");
	assert_int_equal(cu_user_update(f->c, &se_pros, &out, "se-prosecutor", in), CU_EDENIED);
	json_decref(in);
	/* Reference data: everyone reads, only operator admins change it. */
	assert_int_equal(cu_access_refdata(&se_pros, CU_OP_READ), 0);
	assert_int_equal(cu_access_refdata(&se_admin, CU_OP_MANAGE), CU_EDENIED);
	assert_int_equal(cu_access_refdata(&op, CU_OP_MANAGE), 0);
}

static void test_access_jit__members_change_visible_reads(void **state)
{
	fixture *f = *state;
	cu_actor icc, rs, fr;
	json_t *list = NULL;
	actor(f, &icc, JIT_ACTIVE, 1);
	actor(f, &rs, PARTICIPANT, 1);
	actor(f, &fr, NONE, 1);
	/* ICC sees both JITs: its own, and the other one linked to a case it sees. */
	assert_int_equal(cu_jit_list(f->c, &icc, &list), 0);
	assert_int_equal(json_array_size(list), 2);
	int64_t jit = 0;
	size_t i;
	json_t *j;
	json_array_foreach(list, i, j)
		if (!strcmp(cu_json_str(j, "name"), "Active"))
			jit = json_integer_value(json_object_get(j, "id"));
	json_decref(list);
	assert_true(jit > 0);
	assert_int_equal(cu_jit_list(f->c, &fr, &list), 0);
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);
	/* A participant (role) of a JIT may read it, not change it. */
	assert_int_equal(cu_access_jit(f->c, &icc, jit, CU_OP_READ), 0);
	assert_int_equal(cu_access_jit(f->c, &icc, jit, CU_OP_MANAGE), CU_EDENIED);
	/* RS sees the JIT through the case it participates in. */
	assert_int_equal(cu_access_jit(f->c, &rs, jit, CU_OP_READ), 0);
	assert_int_equal(cu_access_jit(f->c, &rs, jit, CU_OP_MANAGE), CU_EDENIED);
	assert_int_equal(cu_access_jit(f->c, &fr, jit, CU_OP_READ), CU_ENOTFOUND);
}

/* Meetings: a case's as its case; a network event by its list; a closed session by its own. */
static void test_access_meeting__case_event_session(void **state)
{
	fixture *f = *state;
	cu_actor a, org, part, obs, fr;
	for (int r = 0; r < NREL; r++)
		for (int k = 0; k < NROLE; k++)
			for (int op = CU_OP_READ; op <= CU_OP_MANAGE; op++) {
				actor(f, &a, r, k);
				int want = cu_access_case(f->c, &a, f->case_id, (cu_op)op);
				assert_int_equal(cu_access_meeting(f->c, &a, f->case_id, 0, false, (cu_op)op),
				                 want);
			}
	actor(f, &org, OWNER, 2);        /* SE analyst: the organiser */
	actor(f, &part, PARTICIPANT, 1); /* RS prosecutor: a participant */
	actor(f, &obs, OWNER, 3);        /* SE observer */
	actor(f, &fr, NONE, 1);
	/* A network event organised by SE with RS attending. */
	assert_int_equal(cu_access_meeting(f->c, &org, 0, org.org_id, true, CU_OP_CONTRIBUTE), 0);
	assert_int_equal(cu_access_meeting(f->c, &part, 0, org.org_id, true, CU_OP_READ), 0);
	assert_int_equal(cu_access_meeting(f->c, &part, 0, org.org_id, true, CU_OP_CONTRIBUTE),
	                 CU_EDENIED);
	assert_int_equal(cu_access_meeting(f->c, &obs, 0, org.org_id, true, CU_OP_CONTRIBUTE),
	                 CU_EDENIED);
	assert_int_equal(cu_access_meeting(f->c, &fr, 0, org.org_id, false, CU_OP_READ),
	                 CU_ENOTFOUND);
	/* A closed session: the invited read and record; the rest do not know it. */
	assert_int_equal(cu_access_meeting(f->c, &part, 0, 0, true, CU_OP_CONTRIBUTE), 0);
	assert_int_equal(cu_access_meeting(f->c, &obs, 0, 0, true, CU_OP_CONTRIBUTE), CU_EDENIED);
	assert_int_equal(cu_access_meeting(f->c, &org, 0, 0, false, CU_OP_READ), CU_ENOTFOUND);
}

/*
 * A request of the actor's own organisation (issuing or executing), whatever
 * it is to the case: contributing (recording its steps) takes a role above
 * observer; a judicial act (CU_OP_MANAGE: issuing, sending, deciding,
 * withdrawing) a prosecutor or an administrator — never an analyst, not even
 * of the desk that owns the case.
 */
static void test_access_request__judicial_acts_need_a_prosecutor(void **state)
{
	fixture *f = *state;
	cu_actor a;
	bool full;
	for (int r = 0; r < NREL; r++)
		for (int k = 0; k < NROLE; k++)
			for (int side = 0; side < 2; side++) {
				actor(f, &a, r, k);
				int64_t issuing = side ? 999999 : a.org_id, executing = side ? a.org_id : 0;
				bool acts = !strcmp(roles[k], "admin") || !strcmp(roles[k], "prosecutor");
				bool contributes = strcmp(roles[k], "observer") != 0;
				int got = cu_access_request(f->c, &a, &full, f->case_id, issuing, executing,
				                            CU_OP_MANAGE);
				if (got != (acts ? 0 : CU_EDENIED))
					fail_msg("%s %s as the %s side: manage gave %d", rel_name[r], roles[k],
					         side ? "executing" : "issuing", got);
				got = cu_access_request(f->c, &a, &full, f->case_id, issuing, executing,
				                        CU_OP_CONTRIBUTE);
				if (got != (contributes ? 0 : CU_EDENIED))
					fail_msg("%s %s as the %s side: contribute gave %d", rel_name[r],
					         roles[k], side ? "executing" : "issuing", got);
				if (!acts) {
					cu_access_request(f->c, &a, &full, f->case_id, issuing, executing,
					                  CU_OP_MANAGE);
					assert_non_null(strstr(cu_error_message(CU_EDENIED),
					                       "may not issue, send, decide on or withdraw"));
				}
			}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_access_case__matrix),
		cmocka_unit_test(test_access_case__operations_follow),
		cmocka_unit_test(test_access_case__invisible_is_absent),
		cmocka_unit_test(test_access_users__own_organisation_only),
		cmocka_unit_test(test_access_jit__members_change_visible_reads),
		cmocka_unit_test(test_access_meeting__case_event_session),
		cmocka_unit_test(test_access_request__judicial_acts_need_a_prosecutor),
	};
	/* One fixture for the group: hashing 24 passwords once is enough. */
	return cmocka_run_group_tests(tests, setup, teardown);
}
