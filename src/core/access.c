/* SPDX-License-Identifier: Apache-2.0 */
/*
 * core: need-to-know. Every read and write of a case, a JIT, a user or
 * reference data asks here first; nothing above the core decides access.
 *
 *   relationship of the actor's organisation to the case
 *     none ............................ invisible: CU_ENOTFOUND, as if absent
 *     participant "observer" .......... read
 *     participant "participant" ....... read, contribute
 *     participant "owner" ............. read, contribute, manage
 *     member of a linked, active JIT .. read, contribute
 *     member of a linked, expired JIT . read
 *   combined with the user's role
 *     observer ........................ read only
 *     analyst ......................... read, contribute
 *     prosecutor, admin ............... read, contribute, manage
 */
#include <string.h>

#include "core/internal.h"

static int role_rank(const char *role)
{
	if (!strcmp(role, "admin") || !strcmp(role, "prosecutor"))
		return CU_OP_MANAGE;
	if (!strcmp(role, "analyst"))
		return CU_OP_CONTRIBUTE;
	return CU_OP_READ;
}

static const char *op_name(cu_op op)
{
	return op == CU_OP_READ ? "read" : op == CU_OP_CONTRIBUTE ? "contribute to" : "manage";
}

int cu_access_case(cu_core *c, const cu_actor *a, int64_t case_id, cu_op op)
{
	int part = 0, r;
	char until[11], today[11];
	r = cu_store_case_access(c->store, &part, until, case_id, a->org_id);
	if (r == CU_ENOTFOUND)
		return cu_error_set(CU_ENOTFOUND, "no such case");
	if (r)
		return r;
	/* What the organisation may do: participation, or a JIT while it runs. */
	int org_rank = part == 3 ? CU_OP_MANAGE : part == 2 ? CU_OP_CONTRIBUTE : CU_OP_READ;
	if (until[0] && org_rank < CU_OP_CONTRIBUTE) {
		cu_date_today(today);
		if (strcmp(until, today) >= 0)
			org_rank = CU_OP_CONTRIBUTE;
	}
	if ((int)op > org_rank)
		return cu_error_set(CU_EDENIED, "organisation %s may not %s this case", a->org,
		                    op_name(op));
	if ((int)op > role_rank(a->role))
		return cu_error_set(CU_EDENIED, "a user with role %s may not %s a case", a->role,
		                    op_name(op));
	return 0;
}

/*
 * A cooperation request: those who see its case as for the case (*full set);
 * otherwise its issuing and executing organisations see the request itself
 * (*full cleared: not the case) and act on it as far as the user's role
 * allows. Anyone else: CU_ENOTFOUND.
 *
 *   op on a request
 *     read ............................ see it
 *     contribute ...................... record its steps (receipt, execution,
 *                                       arrest, consent), deadlines
 *     manage .......................... a judicial act: issue it, send it,
 *                                       decide on it (recognise, refuse),
 *                                       withdraw it: prosecutor or admin
 *
 * An analyst prepares and follows requests but takes no judicial act, even
 * in a case its organisation manages.
 */
int cu_access_request_doc(cu_core *c, const cu_actor *a, bool *full, const json_t *doc, cu_op op)
{
	/* A draft is the issuing side's own until it is sent. */
	const char *st = cu_json_str(doc, "status");
	bool draft = st && !strcmp(st, "draft");
	return cu_access_request(c, a, full, json_integer_value(json_object_get(doc, "case_id")),
	                         json_integer_value(json_object_get(doc, "issuing_org_id")),
	                         draft ? 0 : json_integer_value(json_object_get(doc, "executing_org_id")),
	                         op);
}

int cu_access_request(cu_core *c, const cu_actor *a, bool *full, int64_t case_id,
                      int64_t issuing_org, int64_t executing_org, cu_op op)
{
	int r = cu_access_case(c, a, case_id, op);
	*full = r == 0 || cu_access_case(c, a, case_id, CU_OP_READ) == 0;
	if (r == 0 || (r != CU_ENOTFOUND && r != CU_EDENIED))
		return r;
	if (a->org_id != executing_org && a->org_id != issuing_org)
		return *full ? r : cu_error_set(CU_ENOTFOUND, "no such request");
	/* Acting on one's own request needs no management of the case; a
	 * judicial act on it still needs a role that takes one. */
	if ((int)op > role_rank(a->role))
		return cu_error_set(CU_EDENIED, "a user with role %s may not %s a request%s",
		                    a->role, op == CU_OP_MANAGE ? "issue, send, decide on or withdraw"
		                    : op_name(op), op == CU_OP_MANAGE ? ": that is a prosecutor's "
		                    "(or an administrator's) act" : "");
	return 0;
}

/*
 * A meeting (docs/cooperation.md). A case's coordination meeting (case_id
 * set): as its case. A network event (case_id 0): its organiser and its
 * participants read it; the organiser changes it. A session with its own
 * list (organiser_org 0): only the organisations invited to it read it and
 * record its outcome. Anyone else: CU_ENOTFOUND, as if it did not exist.
 */
int cu_access_meeting(cu_core *c, const cu_actor *a, int64_t case_id, int64_t organiser_org,
                      bool participant, cu_op op)
{
	if (case_id > 0)
		return cu_access_case(c, a, case_id, op);
	bool organiser = organiser_org > 0 && a->org_id == organiser_org;
	if (!organiser && !participant)
		return cu_error_set(CU_ENOTFOUND, "no such meeting");
	if (op == CU_OP_READ)
		return 0;
	if (organiser_org > 0 && !organiser)
		return cu_error_set(CU_EDENIED, "only the organiser of the meeting may change it");
	if (role_rank(a->role) < CU_OP_CONTRIBUTE)
		return cu_error_set(CU_EDENIED, "a user with role %s may not change a meeting",
		                    a->role);
	return 0;
}

int cu_access_jit(cu_core *c, const cu_actor *a, int64_t jit_id, cu_op op)
{
	bool visible = false;
	char role[16];
	int r = cu_store_jit_access(c->store, &visible, role, jit_id, a->org_id);
	if (r == CU_ENOTFOUND || (r == 0 && !visible))
		return cu_error_set(CU_ENOTFOUND, "no such JIT");
	if (r)
		return r;
	if (op == CU_OP_READ)
		return 0;
	if (strcmp(role, "member") != 0)
		return cu_error_set(CU_EDENIED, "only member organisations may change a JIT");
	if (role_rank(a->role) < CU_OP_MANAGE)
		return cu_error_set(CU_EDENIED, "a user with role %s may not change a JIT", a->role);
	return 0;
}

int cu_access_users(const cu_actor *a, int64_t org_id, cu_op op)
{
	if (a->operator_admin)
		return 0;
	if (strcmp(a->role, "admin") != 0 || a->org_id != org_id)
		return cu_error_set(CU_EDENIED, "only an administrator of that organisation may %s "
		                    "its users", op == CU_OP_READ ? "list" : "manage");
	return 0;
}

int cu_access_refdata(const cu_actor *a, cu_op op)
{
	if (op == CU_OP_READ || a->operator_admin)
		return 0;
	return cu_error_set(CU_EDENIED, "only an administrator of the operator organisation may "
	                    "change reference data");
}

/*
 * The platform's operating figures (GET /metrics): counts across every
 * organisation's cases, so only for the operator's administrators. (custodia
 * has no read-only auditor role yet; when it has, it belongs here too.)
 */
int cu_access_operations(const cu_actor *a)
{
	if (a->operator_admin)
		return 0;
	return cu_error_set(CU_EDENIED, "only an administrator of the operator organisation may "
	                    "read the operating figures");
}
