/* SPDX-License-Identifier: Apache-2.0 */
/* http: the handlers named by the route table (private to http). */
#ifndef CU_HTTP_HANDLERS_H
#define CU_HTTP_HANDLERS_H
#include "http/route.h"

int h_health(cu_req *rq);
int h_openapi(cu_req *rq);
int h_login(cu_req *rq);
int h_logout(cu_req *rq);
int h_me(cu_req *rq);
int h_crime_types(cu_req *rq);
int h_org_list(cu_req *rq);
int h_org_create(cu_req *rq);
int h_org_get(cu_req *rq);
int h_org_update(cu_req *rq);
int h_user_list(cu_req *rq);
int h_user_create(cu_req *rq);
int h_user_get(cu_req *rq);
int h_user_update(cu_req *rq);
int h_token_list(cu_req *rq);
int h_token_create(cu_req *rq);
int h_token_revoke(cu_req *rq);
int h_case_list(cu_req *rq);
int h_case_create(cu_req *rq);
int h_case_get(cu_req *rq);
int h_case_update(cu_req *rq);
int h_case_close(cu_req *rq);
int h_participant_list(cu_req *rq);
int h_participant_add(cu_req *rq);
int h_participant_update(cu_req *rq);
int h_participant_remove(cu_req *rq);
int h_case_events(cu_req *rq);
int h_jit_list(cu_req *rq);
int h_jit_create(cu_req *rq);
int h_jit_get(cu_req *rq);
int h_jit_extend(cu_req *rq);
int h_jit_member_add(cu_req *rq);
int h_jit_case_add(cu_req *rq);
int h_log_checkpoint(cu_req *rq);
int h_log_tile(cu_req *rq);
int h_ledger_cosign(cu_req *rq);
int h_ledger_checkpoint(cu_req *rq);
int h_ledger_inclusion(cu_req *rq);
int h_ledger_consistency(cu_req *rq);
int h_ledger_entry(cu_req *rq);
/* evidence.c */
int h_upload_start(cu_req *rq);
int h_upload_get(cu_req *rq);
int h_upload_chunk(cu_req *rq);
int h_upload_complete(cu_req *rq);
int h_upload_abort(cu_req *rq);
int h_evidence_list_case(cu_req *rq);
int h_evidence_shared(cu_req *rq);
int h_evidence_get(cu_req *rq);
int h_evidence_content(cu_req *rq);
int h_evidence_custody(cu_req *rq);
int h_evidence_custody_add(cu_req *rq);
int h_evidence_verify(cu_req *rq);
int h_evidence_erase(cu_req *rq);
int h_grant_list(cu_req *rq);
int h_grant_create(cu_req *rq);
int h_grant_get(cu_req *rq);
int h_grant_consent(cu_req *rq);
int h_grant_revoke(cu_req *rq);
int h_retention_due(cu_req *rq);
int h_retention_get(cu_req *rq);
int h_retention_trigger(cu_req *rq);
int h_hold_add(cu_req *rq);
int h_hold_release(cu_req *rq);
void cu_http_set_max_upload(uint64_t bytes);
int h_entity_list(cu_req *rq);
int h_entity_create(cu_req *rq);
int h_entity_import(cu_req *rq);
int h_entity_get(cu_req *rq);
int h_entity_update(cu_req *rq);
int h_hit_list(cu_req *rq);
int h_hit_get(cu_req *rq);
int h_hit_confirm(cu_req *rq);
int h_hit_dismiss(cu_req *rq);
int h_hit_request_access(cu_req *rq);
int h_xref(cu_req *rq);
int h_match_threshold_get(cu_req *rq);
int h_match_threshold_set(cu_req *rq);
int h_match_pairs(cu_req *rq);

#endif
