/* SPDX-License-Identifier: Apache-2.0 */
/*
 * http: the route table. This is the one description of the API: the router
 * matches it, the OpenAPI document is generated from it, and the API tests
 * call every route the document lists.
 */
#include <string.h>

#include "http/handlers.h"
#include "http/obs.h"
#include "http/route.h"

/*
 * JSON written as C tokens, so that schemas read as JSON. Stringified without
 * expanding macros first: stdbool.h's true and false would become 1 and 0.
 */
#define J(...) #__VA_ARGS__

/* Entries leave .kind out when it is CU_ROUTE_JSON (0). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
const cu_route cu_routes[] = {
	{"GET", "/healthz", h_health, false, 200, "system", "Liveness check", NULL, NULL, NULL,
	 "Health"},
	{"GET", "/readyz", h_readyz, false, 200, "system",
	 "Readiness for traffic: the store, the blob store and the ledger's sequencer (503 names"
	 " the failed checks)", NULL, NULL, NULL, "Readiness"},
	{"GET", "/metrics", h_metrics, true, 200, "system",
	 "Prometheus metrics (text format 0.0.4): request counts and latencies by route, ledger,"
	 " jobs, hits, errors. Operator administrators; anyone with serve --metrics-public", NULL,
	 NULL, NULL, NULL, CU_ROUTE_TEXT},
	{"GET", "/api/v1/version", h_version, false, 200, "system",
	 "This build: version, the schema it writes and the database's, the store's engine, commit",
	 NULL, NULL, NULL, "Version"},
	{"GET", "/api/v1/openapi.json", h_openapi, false, 200, "system", "This OpenAPI document",
	 NULL, NULL, NULL, NULL},
	{"POST", "/api/v1/session", h_login, false, 201, "auth",
	 "Log in: exchange a username and password for a bearer token (with cookie: true, an"
	 " HttpOnly session cookie instead, for the web application)", NULL,
	 J({"type": "object", "additionalProperties": false, "required": ["username", "password"],
	    "properties": {"username": {"type": "string"}, "password": {"type": "string"},
	                   "cookie": {"type": "boolean"}}}),
	 J({"username": "se", "password": "demo"}), "Session"},
	{"DELETE", "/api/v1/session", h_logout, true, 204, "auth", "Log out: revoke this token",
	 NULL, NULL, NULL, NULL},
	{"GET", "/api/v1/me", h_me, true, 200, "auth", "The authenticated user", NULL, NULL, NULL,
	 "User"},
	{"GET", "/api/v1/crime-types", h_crime_types, true, 200, "reference",
	 "Crime types a case can have", NULL, NULL, NULL, "CrimeTypeList"},
	{"GET", "/api/v1/orgs", h_org_list, true, 200, "reference", "All organisations", NULL,
	 NULL, NULL, "OrgList"},
	{"POST", "/api/v1/orgs", h_org_create, true, 201, "reference",
	 "Add an organisation (operator administrators)", NULL,
	 J({"type": "object", "additionalProperties": false, "required": ["code", "kind", "name"],
	    "properties": {"code": {"type": "string", "pattern": "^[A-Z0-9]{2,16}$"},
	                   "kind": {"enum": ["national_member", "liaison_prosecutor",
	                                     "international_organisation", "eu_agency", "network"]},
	                   "country": {"type": "string", "pattern": "^[A-Z]{2}$"},
	                   "name": {"type": "string", "maxLength": 200}}}),
	 J({"code": "IRMCT", "kind": "international_organisation",
	    "name": "International Residual Mechanism for Criminal Tribunals"}), "Org"},
	{"GET", "/api/v1/orgs/{code}", h_org_get, true, 200, "reference", "One organisation", NULL,
	 NULL, NULL, "Org"},
	{"PATCH", "/api/v1/orgs/{code}", h_org_update, true, 200, "reference",
	 "Change an organisation (operator administrators)", NULL,
	 J({"type": "object", "additionalProperties": false,
	    "properties": {"kind": {"type": "string"}, "country": {"type": "string"},
	                   "name": {"type": "string", "maxLength": 200}}}),
	 J({"name": "National desk Sweden"}), "Org"},
	{"GET", "/api/v1/users", h_user_list, true, 200, "users",
	 "Users of an organisation (its administrators)", "org", NULL, NULL, "UserList"},
	{"POST", "/api/v1/users", h_user_create, true, 201, "users",
	 "Add a user (administrators of its organisation)", NULL,
	 J({"type": "object", "additionalProperties": false,
	    "required": ["username", "password", "role"],
	    "properties": {"username": {"type": "string", "pattern": "^[a-z0-9][a-z0-9._-]{0,63}$"},
	                   "password": {"type": "string", "minLength": 8},
	                   "org": {"type": "string"},
	                   "role": {"enum": ["admin", "prosecutor", "analyst", "observer"]},
	                   "full_name": {"type": "string", "maxLength": 200}}}),
	 J({"username": "se-analyst2", "password": "correct horse", "role": "analyst"}), "User"},
	{"GET", "/api/v1/users/{username}", h_user_get, true, 200, "users",
	 "One user (themselves or their administrators)", NULL, NULL, NULL, "User"},
	{"PATCH", "/api/v1/users/{username}", h_user_update, true, 200, "users",
	 "Change a user's password, name, role or disabled flag", NULL,
	 J({"type": "object", "additionalProperties": false,
	    "properties": {"password": {"type": "string", "minLength": 8},
	                   "role": {"enum": ["admin", "prosecutor", "analyst", "observer"]},
	                   "full_name": {"type": "string"}, "disabled": {"type": "boolean"}}}),
	 J({"full_name": "Demo prosecutor"}), "User"},
	{"GET", "/api/v1/tokens", h_token_list, true, 200, "auth",
	 "API tokens (own; administrators: their organisation's)", NULL, NULL, NULL, "TokenList"},
	{"POST", "/api/v1/tokens", h_token_create, true, 201, "auth",
	 "Create an API token; its secret is shown only in this answer", NULL,
	 J({"type": "object", "additionalProperties": false,
	    "properties": {"label": {"type": "string"},
	                   "expires_in_days": {"type": "integer", "minimum": 1, "maximum": 3650}}}),
	 J({"label": "nightly export", "expires_in_days": 30}), "Token"},
	{"DELETE", "/api/v1/tokens/{id}", h_token_revoke, true, 204, "auth", "Revoke a token",
	 NULL, NULL, NULL, NULL},
	{"GET", "/api/v1/cases", h_case_list, true, 200, "cases",
	 "Cases the caller's organisation may see, newest first", "status crime_type country q "
	 "limit after", NULL, NULL, "CaseList"},
	{"POST", "/api/v1/cases", h_case_create, true, 201, "cases",
	 "Open a case; the caller's organisation is its requesting owner", NULL,
	 J({"type": "object", "additionalProperties": false, "required": ["title", "crime_types"],
	    "properties": {"title": {"type": "string", "maxLength": 300},
	                   "crime_types": {"type": "array", "items": {"type": "string"}},
	                   "opened_on": {"type": "string", "format": "date"},
	                   "retention_review_on": {"type": "string", "format": "date"},
	                   "national_ref": {"type": "string", "maxLength": 64},
	                   "participants": {"type": "array", "items": {"$ref":
	                     "#/components/schemas/ParticipantIn"}}}}),
	 J({"title": "Online investment fraud", "crime_types": ["swindling_fraud"],
	    "national_ref": "AM-555-26", "participants": [{"org": "DE", "access": "participant"}]}),
	 "Case"},
	{"GET", "/api/v1/cases/{id}", h_case_get, true, 200, "cases",
	 "One case; {id} is its id, its reference (URL-encoded) or a national case number", NULL,
	 NULL, NULL, "Case"},
	{"PATCH", "/api/v1/cases/{id}", h_case_update, true, 200, "cases",
	 "Change a case (owners): title, crime types, retention review, status (with the reason"
	 " for it on the timeline: reopening a closed case, archiving it)", NULL,
	 J({"type": "object", "additionalProperties": false,
	    "properties": {"title": {"type": "string"},
	                   "crime_types": {"type": "array", "items": {"type": "string"}},
	                   "retention_review_on": {"type": "string", "format": "date"},
	                   "status": {"enum": ["open", "closed", "archived"]},
	                   "reason": {"type": "string"}}}),
	 J({"retention_review_on": "2029-03-02"}), "Case"},
	{"POST", "/api/v1/cases/{id}/close", h_case_close, true, 200, "cases",
	 "Close a case (owners)", NULL,
	 J({"type": "object", "additionalProperties": false,
	    "properties": {"reason": {"type": "string"}}}),
	 J({"reason": "Proceedings concluded"}), "Case"},
	{"GET", "/api/v1/cases/{id}/participants", h_participant_list, true, 200, "cases",
	 "Participating organisations and their national case numbers", NULL, NULL, NULL,
	 "ParticipantList"},
	{"POST", "/api/v1/cases/{id}/participants", h_participant_add, true, 201, "cases",
	 "Bring an organisation into a case (owners)", NULL,
	 J({"$ref": "#/components/schemas/ParticipantIn"}),
	 J({"org": "NL", "access": "observer"}), "Case"},
	{"PATCH", "/api/v1/cases/{id}/participants/{org}", h_participant_update, true, 200,
	 "cases", "Change a participant's access (owners) or one's own national case number",
	 NULL,
	 J({"type": "object", "additionalProperties": false,
	    "properties": {"access": {"enum": ["owner", "participant", "observer"]},
	                   "national_ref": {"type": "string", "maxLength": 64}}}),
	 J({"national_ref": "AM-48213-26"}), "Case"},
	{"DELETE", "/api/v1/cases/{id}/participants/{org}", h_participant_remove, true, 204,
	 "cases", "Remove a participant (owners)", NULL, NULL, NULL, NULL},
	{"GET", "/api/v1/cases/{id}/events", h_case_events, true, 200, "cases",
	 "The case's timeline: every recorded change (of evidence, the items the caller may see)",
	 "after limit", NULL, NULL, "CaseEventList"},
	{"GET", "/api/v1/jits", h_jit_list, true, 200, "jits",
	 "JITs the caller's organisation belongs to or sees through a case", NULL, NULL, NULL,
	 "JitList"},
	{"POST", "/api/v1/jits", h_jit_create, true, 201, "jits",
	 "Set up a JIT; the caller's organisation is a member", NULL,
	 J({"type": "object", "additionalProperties": false,
	    "required": ["name", "signed_on", "expires_on"],
	    "properties": {"name": {"type": "string"},
	                   "signed_on": {"type": "string", "format": "date"},
	                   "expires_on": {"type": "string", "format": "date"},
	                   "cases": {"type": "array"},
	                   "members": {"type": "array", "items": {"type": "object",
	                     "properties": {"org": {"type": "string"},
	                                    "role": {"enum": ["member", "participant"]}}}}}}),
	 J({"name": "JIT on investment fraud", "signed_on": "2026-01-10",
	    "expires_on": "2028-01-10", "members": [{"org": "DE"}]}), "Jit"},
	{"GET", "/api/v1/jits/{id}", h_jit_get, true, 200, "jits", "One JIT", NULL, NULL, NULL,
	 "Jit"},
	{"POST", "/api/v1/jits/{id}/extensions", h_jit_extend, true, 201, "jits",
	 "Extend a JIT's agreement, with reasons", NULL,
	 J({"type": "object", "additionalProperties": false, "required": ["expires_on", "reason"],
	    "properties": {"expires_on": {"type": "string", "format": "date"},
	                   "reason": {"type": "string", "minLength": 1}}}),
	 J({"expires_on": "2030-01-10", "reason": "Further evidence expected from partners"}),
	 "Jit"},
	{"POST", "/api/v1/jits/{id}/members", h_jit_member_add, true, 201, "jits",
	 "Add a member organisation", NULL,
	 J({"type": "object", "additionalProperties": false, "required": ["org"],
	    "properties": {"org": {"type": "string"}, "role": {"enum": ["member", "participant"]}}}),
	 J({"org": "EUROPOL", "role": "participant"}), "Jit"},
	{"POST", "/api/v1/jits/{id}/cases", h_jit_case_add, true, 201, "jits",
	 "Link a case the caller owns", NULL,
	 J({"type": "object", "additionalProperties": false, "required": ["case"],
	    "properties": {"case": {"type": ["string", "integer"]}}}),
	 J({"case": "2026/0001"}), "Jit"},
	{"GET", "/api/v1/cases/{id}/evidence", h_evidence_list_case, true, 200, "evidence",
	 "Evidence items of a case (for a receiver of grants: the items granted), in id order:"
	 " at most limit (1-1000, default 1000) after the id after; a full page may have more",
	 "after limit", NULL, NULL, "EvidenceList"},
	{"POST", "/api/v1/cases/{id}/uploads", h_upload_start, true, 201, "evidence",
	 "Start an upload: the item's metadata and provenance, and optionally its size (then"
	 " the upload must come to exactly that: a chunk beyond it is refused, completing short"
	 " of it answers 409)", NULL,
	 J({"type": "object", "properties": {"title": {"type": "string"},
	    "description": {"type": "string"}, "kind": {"enum": ["document", "image", "video",
	    "audio", "testimony", "device_image", "dataset", "other"]},
	    "original_name": {"type": "string"}, "collected_by": {"type": "string"},
	    "collected_by_org": {"type": "string"}, "collected_at": {"type": "string"},
	    "method": {"type": "string"}, "source_url": {"type": "string"},
	    "source_place": {"type": "string"}, "latitude": {"type": "number"},
	    "longitude": {"type": "number"}, "language": {"type": "string"},
	    "legal_status": {"type": "string"}, "tags": {"type": "array"},
	    "received_from": {"type": "string"}, "size": {"type": "integer"}}}),
	 J({"title": "Witness statement", "original_name": "statement.pdf", "kind": "testimony",
	    "collected_by": "Investigator A. Berg", "collected_by_org": "SE",
	    "collected_at": "2026-03-05", "language": "sv", "size": 5}), "Upload"},
	{"GET", "/api/v1/uploads/{id}", h_upload_get, true, 200, "evidence",
	 "An upload in progress: the offset to continue from", NULL, NULL, NULL, "Upload"},
	{"PUT", "/api/v1/uploads/{id}", h_upload_chunk, true, 200, "evidence",
	 "Send the next chunk (at most 8 MiB, any media type) at ?offset=N", "offset", NULL,
	 "hello", "Upload", CU_ROUTE_RAW, true},
	{"POST", "/api/v1/uploads/{id}/complete", h_upload_complete, true, 201, "evidence",
	 "Finish an upload: the item is registered once its content is durable", NULL,
	 J({"type": "object", "additionalProperties": false,
	    "properties": {"sha256": {"type": "string", "pattern": "^[0-9a-fA-F]{64}$"}}}),
	 J({"sha256": "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"}),
	 "Evidence", CU_ROUTE_JSON, true},
	{"DELETE", "/api/v1/uploads/{id}", h_upload_abort, true, 204, "evidence",
	 "Abandon an upload", NULL, NULL, NULL, NULL},
	{"GET", "/api/v1/evidence", h_evidence_shared, true, 200, "evidence",
	 "Items other organisations' cases made available to the caller's organisation, in id"
	 " order, paged as a case's items", "after limit", NULL, NULL, "EvidenceList"},
	{"GET", "/api/v1/evidence/{id}", h_evidence_get, true, 200, "evidence",
	 "An item's metadata, provenance and integrity status", NULL, NULL, NULL, "Evidence"},
	{"GET", "/api/v1/evidence/{id}/content", h_evidence_content, true, 200, "evidence",
	 "Download the content (Range supported; SHA-256 in Repr-Digest and X-Content-SHA256);"
	 " recorded in the chain of custody; disposition=inline shows images, sound, video and"
	 " PDF in the page (recorded as a view)", "disposition", NULL, NULL, NULL, CU_ROUTE_STREAM},
	{"POST", "/api/v1/cases/{id}/bundles", h_bundle_create, true, 201, "evidence",
	 "Export a verifiable bundle of items (all the caller sees when items is absent; an item"
	 " listed twice is a 400) for an organisation, recorded as \"exported\" in each chain"
	 " only once every item's content is in it (a failed export records nothing); custody"
	 " events the caller sees as restricted go in as proven entries without their records"
	 " (docs/bundle.md); fetch it once, within an hour, from `download`", NULL,
	 J({"type": "object", "additionalProperties": false, "required": ["for"],
	    "properties": {"for": {"type": "string"}, "items": {"type": "array",
	                   "items": {"type": "integer"}}}}),
	 J({"for": "ICC", "items": [1, 2]}), "Bundle", CU_ROUTE_JSON, true},
	{"GET", "/api/v1/bundles/{id}", h_bundle_get, true, 200, "evidence",
	 "Download a bundle made by POST /cases/{id}/bundles (tar; once, by its maker)", NULL,
	 NULL, NULL, NULL, CU_ROUTE_STREAM},
	{"GET", "/api/v1/evidence/{id}/custody", h_evidence_custody, true, 200, "evidence",
	 "The item's chain of custody, in order: at most limit (1-1000, default 1000) events"
	 " after the event seq after", "after limit", NULL, NULL, "CustodyList"},
	{"POST", "/api/v1/evidence/{id}/custody", h_evidence_custody_add, true, 201, "evidence",
	 "Record a custody event: received, transferred, sealed, analysed, exported (the answer"
	 " is the event recorded)", NULL,
	 J({"type": "object", "additionalProperties": false, "required": ["event"],
	    "properties": {"event": {"enum": ["received", "transferred", "sealed", "analysed",
	    "exported"]}, "reason": {"type": "string"}, "details": {"type": "object"}}}),
	 J({"event": "sealed", "reason": "sealed in bag 4471 for transport"}), "CustodyEvent"},
	{"POST", "/api/v1/evidence/{id}/verify", h_evidence_verify, true, 200, "evidence",
	 "Re-read the content and check it against its SHA-256", NULL,
	 J({"type": "object", "additionalProperties": false}), J({}), "IntegrityCheck",
	 CU_ROUTE_JSON, true},
	{"POST", "/api/v1/evidence/{id}/erase", h_evidence_erase, true, 200, "evidence",
	 "Erase an item (owners): the content is destroyed, a tombstone stays", NULL,
	 J({"type": "object", "additionalProperties": false, "required": ["reason"],
	    "properties": {"reason": {"type": "string", "minLength": 1}}}),
	 J({"reason": "final acquittal; storage no longer lawful"}), "Evidence"},
	{"GET", "/api/v1/grants", h_grant_list, true, 200, "evidence",
	 "Grants the caller's organisation made, received or must consent to", NULL, NULL, NULL,
	 "GrantList"},
	{"POST", "/api/v1/grants", h_grant_create, true, 201, "evidence",
	 "Make items directly available to an organisation outside the case", NULL,
	 J({"type": "object", "additionalProperties": false,
	    "required": ["case", "items", "org", "legal_basis"],
	    "properties": {"case": {"type": ["string", "integer"]},
	    "items": {"type": "array", "items": {"type": "integer"}}, "org": {"type": "string"},
	    "legal_basis": {"type": "string", "minLength": 1},
	    "expires_on": {"type": "string", "format": "date"}}}),
	 J({"case": "2022/0001", "items": [1], "org": "ICC",
	    "legal_basis": "Art. 93(10) Rome Statute request"}), "Grant"},
	{"GET", "/api/v1/grants/{id}", h_grant_get, true, 200, "evidence", "One grant", NULL,
	 NULL, NULL, "Grant"},
	{"POST", "/api/v1/grants/{id}/consent", h_grant_consent, true, 200, "evidence",
	 "The originator's consent (or refusal) for its items in a grant", NULL,
	 J({"type": "object", "additionalProperties": false, "required": ["decision"],
	    "properties": {"decision": {"enum": ["given", "refused"]}}}),
	 J({"decision": "given"}), "Grant"},
	{"POST", "/api/v1/grants/{id}/revoke", h_grant_revoke, true, 200, "evidence",
	 "Revoke a grant: access stops at once. An originator that is not the grantor withdraws "
	 "its consent for its own items; the grant stays in force for the others", NULL,
	 J({"type": "object", "additionalProperties": false,
	    "properties": {"reason": {"type": "string"}}}),
	 J({"reason": "cooperation concluded"}), "Grant"},
	{"GET", "/api/v1/retention", h_retention_due, true, 200, "evidence",
	 "Cases the caller may manage with reviews or deletions due within `within` days (30 or"
	 " 30d; default 30), with their active legal holds", "within", NULL, NULL, "RetentionDue"},
	{"GET", "/api/v1/cases/{id}/retention", h_retention_get, true, 200, "evidence",
	 "A case's retention triggers and active legal holds", NULL, NULL, NULL, "CaseRetention"},
	{"POST", "/api/v1/cases/{id}/retention/triggers", h_retention_trigger, true, 201,
	 "evidence", "Record a legal trigger for the end of storage (owners)", NULL,
	 J({"type": "object", "additionalProperties": false, "required": ["trigger", "on"],
	    "properties": {"trigger": {"enum": ["statute_barred", "final_acquittal",
	    "final_judgment", "end_of_coordination"]}, "on": {"type": "string", "format": "date"},
	    "note": {"type": "string"}}}),
	 J({"trigger": "final_judgment", "on": "2026-06-30", "note": "Svea hovratt B 1234-26"}),
	 "CaseRetention"},
	{"POST", "/api/v1/cases/{id}/holds", h_hold_add, true, 201, "evidence",
	 "Place a legal hold: nothing of the case may be erased", NULL,
	 J({"type": "object", "additionalProperties": false, "required": ["reason"],
	    "properties": {"reason": {"type": "string", "minLength": 1}}}),
	 J({"reason": "appeal pending"}), "CaseRetention"},
	{"POST", "/api/v1/cases/{id}/holds/{hold}/release", h_hold_release, true, 204, "evidence",
	 "Release a legal hold", NULL, NULL, NULL, NULL},
	{"GET", "/log/checkpoint", h_log_checkpoint, false, 200, "ledger",
	 "The latest signed checkpoint (C2SP tlog-checkpoint, text/plain), with the "
	 "cosignatures of its witnesses", NULL, NULL, NULL, NULL,
	 CU_ROUTE_TEXT},
	{"GET", "/log/tile/{tile*}", h_log_tile, false, 200, "ledger",
	 "C2SP tlog-tiles: hash tiles L/N[.p/W] and entry bundles entries/N[.p/W]", NULL, NULL,
	 NULL, NULL, CU_ROUTE_TEXT},
	{"POST", "/api/v1/ledger/cosignatures", h_ledger_cosign, false, 201, "ledger",
	 "A trusted witness's cosignature (C2SP tlog-cosignature) of one of this log's "
	 "checkpoints; published with it at /log/checkpoint. Only witnesses the operator "
	 "configured (custodia ledger witnesses --add): 403 for any other key. One per witness "
	 "and checkpoint: a later cosignature replaces it, the same one again changes nothing, "
	 "an earlier or same-time one is refused (409)", NULL,
	 J({"type": "object", "additionalProperties": false,
	    "required": ["size", "cosignature", "witness_key"],
	    "properties": {"size": {"type": "integer"}, "cosignature": {"type": "string"},
	                   "witness_key": {"type": "string"}}}),
	 J({"size": 27, "cosignature": "\u2014 witness.example/w1 AAAA...\n",
	    "witness_key": "witness.example/w1+00000000+BA..."}), NULL},
	{"GET", "/api/v1/ledger/checkpoint", h_ledger_checkpoint, false, 200, "ledger",
	 "The latest checkpoint with the verifier key", NULL, NULL, NULL, "LedgerCheckpoint"},
	{"GET", "/api/v1/ledger/entries/{index}", h_ledger_entry, false, 200, "ledger",
	 "One ledger entry: the exact bytes whose hash is the leaf", NULL, NULL, NULL,
	 "LedgerEntry"},
	{"GET", "/api/v1/ledger/proof/inclusion", h_ledger_inclusion, false, 200, "ledger",
	 "RFC 9162 inclusion proof of an entry (?index=&size=)", "index size", NULL, NULL,
	 "InclusionProof"},
	{"GET", "/api/v1/ledger/proof/consistency", h_ledger_consistency, false, 200, "ledger",
	 "RFC 9162 consistency proof between two tree sizes (?from=&to=)", "from to", NULL, NULL,
	 "ConsistencyProof"},
	{"GET", "/api/v1/cases/{id}/entities", h_entity_list, true, 200, "entities",
	 "Entities of a case: persons, organisations, phones, accounts, ...", NULL, NULL, NULL,
	 "EntityList"},
	{"POST", "/api/v1/cases/{id}/entities", h_entity_create, true, 201, "entities",
	 "Add an entity; it is matched at once against every other case (hits_found)", NULL,
	 J({"$ref": "#/components/schemas/EntityIn"}),
	 J({"kind": "person", "names": ["Ђорђе Петровић", "Djordje Petrovic"], "born": "1985",
	    "nationalities": ["RS"]}), "Entity"},
	{"POST", "/api/v1/cases/{id}/entities/import", h_entity_import, true, 200, "entities",
	 "Import entities: CSV (text/csv, a header row of EntityIn fields) or FollowTheMoney JSON"
	 " lines. With invalid rows nothing is imported (422: the error and each row's reason) unless"
	 " skip_invalid=true", "format skip_invalid", NULL,
	 "{\"id\":\"ftm-1\",\"schema\":\"Person\",\"properties\":{\"name\":[\"Ivan Petrov\"],"
	 "\"birthDate\":[\"1980\"]}}\n", "ImportReport", CU_ROUTE_RAW, true},
	{"GET", "/api/v1/entities/{id}", h_entity_get, true, 200, "entities", "One entity", NULL,
	 NULL, NULL, "Entity"},
	{"PATCH", "/api/v1/entities/{id}", h_entity_update, true, 200, "entities",
	 "Change an entity's attributes (the fields given replace those stored); matched again",
	 NULL, J({"$ref": "#/components/schemas/EntityIn"}), J({"born": "1985-03-14"}), "Entity"},
	{"GET", "/api/v1/hits", h_hit_list, true, 200, "hits",
	 "Hits touching cases the caller sees, newest first (of the 1,000 newest open hits of the"
	 " organisation's cases), a page of limit (default 100, at most 1,000) after offset; of a"
	 " case it cannot see only the organisation and the kind of attribute",
	 "case review limit offset", NULL, NULL, "HitList"},
	{"GET", "/api/v1/hits/{id}", h_hit_get, true, 200, "hits", "One hit", NULL, NULL, NULL,
	 "Hit"},
	{"POST", "/api/v1/hits/{id}/confirm", h_hit_confirm, true, 200, "hits",
	 "Confirm a hit for the caller's side(s)", NULL,
	 J({"type": "object", "additionalProperties": false,
	    "properties": {"note": {"type": "string", "maxLength": 2000}}}),
	 J({"note": "Same passport number in both files"}), "Hit"},
	{"POST", "/api/v1/hits/{id}/dismiss", h_hit_dismiss, true, 200, "hits",
	 "Dismiss a hit for the caller's side(s); it comes back only if an entity changes", NULL,
	 J({"type": "object", "additionalProperties": false,
	    "properties": {"note": {"type": "string", "maxLength": 2000}}}),
	 J({"note": "Different person: born 20 years apart"}), "Hit"},
	{"POST", "/api/v1/hits/{id}/access-requests", h_hit_request_access, true, 201, "hits",
	 "Ask the other side of a hit for access to its case (answered by case participation)",
	 NULL,
	 J({"type": "object", "additionalProperties": false,
	    "properties": {"message": {"type": "string", "maxLength": 2000}}}),
	 J({"message": "Our suspect; we would like to coordinate"}), "Hit"},
	{"POST", "/api/v1/xref", h_xref, true, 200, "hits",
	 "Match a case's entities again (without case: every case, operator administrators)",
	 NULL,
	 J({"type": "object", "additionalProperties": false,
	    "properties": {"case": {"type": "string"}}}),
	 J({"case": "2026/0001"}), "XrefReport"},
	{"GET", "/api/v1/match/threshold", h_match_threshold_get, true, 200, "hits",
	 "The score at which a pair is a hit", NULL, NULL, NULL, "MatchThreshold"},
	{"PUT", "/api/v1/match/threshold", h_match_threshold_set, true, 200, "hits",
	 "Set the threshold (operator administrators)", NULL,
	 J({"type": "object", "additionalProperties": false, "required": ["threshold"],
	    "properties": {"threshold": {"type": "number", "minimum": 0.5, "maximum": 1}}}),
	 J({"threshold": 0.8}), "MatchThreshold"},
	{"POST", "/api/v1/match/pairs", h_match_pairs, true, 200, "hits",
	 "Score name pairs as persons; with labels, precision, recall and F1", NULL,
	 J({"type": "object", "additionalProperties": false, "required": ["pairs"],
	    "properties": {"threshold": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
	                   "pairs": {"type": "array", "maxItems": 10000, "items": {"type": "object",
	                     "required": ["a", "b"], "properties": {"a": {"type": "string"},
	                     "b": {"type": "string"}, "label": {"type": ["boolean", "null"]}}}}}}),
	 J({"pairs": [{"a": "Đorđević", "b": "Djordjevic", "label": true},
	              {"a": "Ђорђевић", "b": "Dordevic", "label": true}]}),
	 "PairScores"},
	{"GET", "/api/v1/search", h_search, true, 200, "search",
	 "Search cases, entities, evidence and its extracted text that the caller may see: q in"
	 " FTS5 syntax (words in any script, \"phrases\", prefix*, AND, OR, NOT); snippets mark"
	 " matches with <mark>", "q case kind lang from to org limit offset", NULL, NULL,
	 "SearchResults"},
	{"POST", "/api/v1/search/reindex", h_search_reindex, true, 200, "search",
	 "Rebuild the index from the records (operator administrators): how many cases, items"
	 " and extracted texts it holds", NULL, NULL, NULL, "ReindexReport", CU_ROUTE_JSON, true},
	{"GET", "/api/v1/jobs", h_job_list, true, 200, "search",
	 "Background jobs (text extraction, OCR) of items the caller may see, with progress and"
	 " errors", "state", NULL, NULL, "JobList"},
	{"POST", "/api/v1/jobs/{id}/retry", h_job_retry, true, 200, "search",
	 "Queue a job again (contributors to its case): a done or failed one; a queued or"
	 " running one stays as it is. The answer is the job", NULL, NULL, NULL, "Job"},
	{"GET", "/api/v1/requests", h_request_list, true, 200, "cooperation",
	 "Cooperation requests the caller may know of (of cases it sees, or that it issues or"
	 " executes once sent), newest first; country: issued from or executed in it; before: the"
	 " next page, below the last id of the previous one",
	 "case kind status country limit before", NULL, NULL, "RequestList"},
	{"POST", "/api/v1/requests", h_request_create, true, 201, "cooperation",
	 "Draft (issue) a request from the caller's organisation to an executing organisation"
	 " (prosecutors and administrators: 403 for other roles)",
	 NULL, J({"$ref": "#/components/schemas/RequestIn"}),
	 J({"case": "2026/0001", "kind": "eio", "title": "Bank records of the suspect",
	    "executing_org": "LT", "legal_basis": "Directive 2014/41/EU",
	    "issued_on": "2026-03-20"}), "Request"},
	{"GET", "/api/v1/requests/{id}", h_request_get, true, 200, "cooperation",
	 "A request with its history, deadlines (days left) and the statuses it may take next",
	 NULL, NULL, NULL, "Request"},
	{"POST", "/api/v1/requests/{id}/status", h_request_status, true, 200, "cooperation",
	 "Move a request along the status table (sent/withdrawn by the issuing organisation,"
	 " the rest by the executing one); sending, recognising, refusing and withdrawing are"
	 " judicial acts of prosecutors and administrators (403 for other roles); an invalid"
	 " transition lists the allowed ones", NULL,
	 J({"type": "object", "additionalProperties": false, "required": ["to"],
	    "properties": {"to": {"enum": ["draft", "sent", "received", "recognised",
	      "in_execution", "executed", "refused", "withdrawn"]},
	      "on": {"type": "string", "format": "date"},
	      "note": {"type": "string"}}}),
	 J({"to": "sent"}), "Request"},
	{"POST", "/api/v1/requests/{id}/milestones", h_request_milestone, true, 200, "cooperation",
	 "Record an arrest or the person's consent (executing organisation): starts the limits"
	 " that run from it", NULL,
	 J({"type": "object", "additionalProperties": false, "required": ["event"],
	    "properties": {"event": {"enum": ["arrested", "consented"]},
	      "on": {"type": "string", "format": "date"},
	      "note": {"type": "string"}}}),
	 J({"event": "arrested"}), "Request"},
	{"POST", "/api/v1/requests/{id}/extensions", h_request_extend, true, 200, "cooperation",
	 "Extend an open deadline, with reasons, within what its article allows, before it ends"
	 " (400 once its due day has passed: it is missed)", NULL,
	 J({"type": "object", "additionalProperties": false, "required": ["days", "reason"],
	    "properties": {"deadline": {"type": "integer"}, "days": {"type": "integer",
	      "minimum": 1, "maximum": 365}, "reason": {"type": "string", "minLength": 1}}}),
	 J({"days": 10, "reason": "Awaiting the bank's answer"}), "Request"},
	{"POST", "/api/v1/requests/{id}/deadlines", h_request_deadline, true, 200, "cooperation",
	 "Set a deadline by hand, for kinds and steps without a fixed legal limit", NULL,
	 J({"type": "object", "additionalProperties": false, "required": ["due_on"],
	    "properties": {"step": {"enum": ["decision", "execution", "surrender"]},
	      "due_on": {"type": "string", "format": "date"}, "note": {"type": "string"}}}),
	 J({"step": "execution", "due_on": "2027-01-15"}), "Request"},
	{"GET", "/api/v1/deadlines", h_deadlines_due, true, 200, "cooperation",
	 "Open deadlines of visible requests that are overdue or due within `within` days"
	 " (default 7)", "within", NULL, NULL, "DeadlinesDue"},
	{"GET", "/api/v1/deadline-rules", h_deadline_rules, true, 200, "cooperation",
	 "The legal time limits custodia computes: kind, step, start, length, article", NULL,
	 NULL, NULL, "DeadlineRuleList"},
	{"GET", "/api/v1/stats", h_stats, true, 200, "cooperation",
	 "Figures of a year (default: this year) under need-to-know, naming their snapshot"
	 " (ledger size, root, checkpoint); as_of recomputes them as of a ledger size",
	 "year as_of", NULL, NULL, "Stats"},
	{"GET", "/api/v1/meetings", h_meeting_list, true, 200, "meetings",
	 "Meetings the caller may see: coordination meetings of its cases, events it organises"
	 " or attends (closed sessions only if invited), latest first; before: the next page,"
	 " after the last meeting of the previous one", "case kind limit before", NULL, NULL,
	 "MeetingList"},
	{"POST", "/api/v1/meetings", h_meeting_create, true, 201, "meetings",
	 "Record a case's coordination meeting or a network's event, organised by the caller's"
	 " organisation, with sessions (closed ones list whom they are open to) and follow-up"
	 " actions (each for an organisation that sees the meeting: one taking part in the case,"
	 " or a participant of the event); none in a closed case (409)", NULL,
	 J({"$ref": "#/components/schemas/MeetingIn"}),
	 J({"kind": "coordination", "case": "2026/0001", "title": "Second coordination meeting",
	    "held_on": "2026-05-06", "participants": ["RS", "ME"],
	    "agenda": "Extradition; analysis of the seized phones",
	    "actions": [{"text": "Send the phone analysis to SE", "org": "RS"}]}), "Meeting"},
	{"GET", "/api/v1/meetings/{id}", h_meeting_get, true, 200, "meetings",
	 "A meeting with its participants, the sessions the caller may see, outcomes and"
	 " follow-up actions", NULL, NULL, NULL, "Meeting"},
	{"POST", "/api/v1/meetings/{id}/outcome", h_meeting_outcome, true, 200, "meetings",
	 "Record the outcome of a meeting (those who may change it) or of one of its sessions"
	 " (a closed one: its invited organisations), with further follow-up actions (for"
	 " organisations that see the meeting); not for a closed case's meeting (409)", NULL,
	 J({"type": "object", "additionalProperties": false, "required": ["outcome"],
	    "properties": {"outcome": {"type": "string", "minLength": 1},
	      "session": {"type": "integer"}, "actions": {"type": "array",
	        "items": {"$ref": "#/components/schemas/MeetingAction"}}}}),
	 J({"outcome": "Agreed to coordinate the extradition with RS"}), "Meeting"},
	{"GET", "/api/v1/interviews", h_interview_list, true, 200, "interviews",
	 "Interviews of victims and witnesses in the cases the caller sees, latest first; before:"
	 " the next page, after the last interview of the previous one",
	 "case entity limit before", NULL, NULL, "InterviewList"},
	{"POST", "/api/v1/interviews", h_interview_create, true, 201, "interviews",
	 "Register an interview held (not in the future) or planned (today or later) by the"
	 " caller's organisation; a planned one"
	 " reports earlier interviews of the same person (across cases as hits: organisation and"
	 " month only where the caller does not see the case)", NULL,
	 J({"$ref": "#/components/schemas/InterviewIn"}),
	 J({"case": "2024/0001", "entity": 8, "role": "witness", "status": "planned",
	    "on": "2027-06-01", "authority": "JIT agreement on ISIL crimes against Yezidis"}),
	 "Interview"},
	{"GET", "/api/v1/interviews/{id}", h_interview_get, true, 200, "interviews",
	 "An interview; a planned one with the earlier interviews of the same person", NULL,
	 NULL, NULL, "Interview"},
	{"GET", "/api/v1/actiondays", h_actionday_list, true, 200, "actiondays",
	 "Action days of the cases the caller sees (or of one case), newest first; actions: how"
	 " many", "case", NULL, NULL, "ActionDayList"},
	{"POST", "/api/v1/actiondays", h_actionday_create, true, 201, "actiondays",
	 "Plan an action day of a case: its day, each country's IANA time zone, its actions;"
	 " not in a closed case (409)",
	 NULL, J({"$ref": "#/components/schemas/ActionDayIn"}),
	 J({"case": "2026/0001", "title": "Second action day", "day": "2027-06-01",
	    "timezones": {"RS": "Europe/Belgrade", "SE": "Europe/Stockholm"},
	    "actions": [{"kind": "house_search", "country": "RS", "org": "RS",
	                 "planned_time": "06:00", "place": "Novi Sad"}]}), "ActionDay"},
	{"GET", "/api/v1/actiondays/{id}", h_actionday_get, true, 200, "actiondays",
	 "The coordination centre's view: the day's actions and the latest status of each", NULL,
	 NULL, NULL, "ActionDay"},
	{"POST", "/api/v1/actiondays/{id}/actions", h_actionday_action_add, true, 201,
	 "actiondays", "Add an action to a day's plan (contributors to the case); not in a"
	 " closed case (409)", NULL,
	 J({"$ref": "#/components/schemas/ActionIn"}),
	 J({"kind": "seizure", "country": "RS", "org": "RS", "planned_time": "07:30"}),
	 "ActionDay"},
	{"GET", "/api/v1/actiondays/{id}/updates", h_actionday_updates, true, 200, "actiondays",
	 "The day's updates after sequence number `after`, in order (at most 1000)", "after",
	 NULL, NULL, "ActionUpdates"},
	{"GET", "/api/v1/actiondays/{id}/stream", h_actionday_stream, true, 200, "actiondays",
	 "Live updates as Server-Sent Events (id: the sequence number); with Last-Event-ID (or"
	 " `after`) the missed ones first", "after", NULL, NULL, NULL, CU_ROUTE_SSE},
	{"POST", "/api/v1/actions/{id}/updates", h_action_update, true, 201, "actiondays",
	 "Post a status update of an action (its executing organisation only); `evidence` links"
	 " an item of the case registered from it. An outcome (completed, failed) is taken once"
	 " the day has begun in the action's country (409 before); changing a completed or"
	 " failed action's outcome is a correction, with its reason in `correction` (400"
	 " without), recorded in the update's result and event; none in a closed case (409)",
	 NULL,
	 J({"type": "object", "additionalProperties": false, "required": ["status"],
	    "properties": {"status": {"enum": ["started", "completed", "failed"]},
	      "result": {"type": "string"}, "evidence": {"type": "integer"},
	      "correction": {"type": "string", "minLength": 1}}}),
	 J({"status": "started", "result": "team at the door"}), "ActionUpdate"},
};
#pragma GCC diagnostic pop

const int cu_nroutes = sizeof(cu_routes) / sizeof(cu_routes[0]);

/* Compares a path with a pattern segment by segment, capturing {params}. */
static bool match_path(const char *pattern, char *path, const char *params[CU_MAX_PARAMS])
{
	int np = 0;
	const char *p = pattern;
	char *s = path;
	while (*p && *s) {
		if (*p != '/' || *s != '/')
			return false;
		p++;
		s++;
		const char *pend = strchr(p, '/');
		char *send = strchr(s, '/');
		size_t plen = pend ? (size_t)(pend - p) : strlen(p);
		size_t slen = send ? (size_t)(send - s) : strlen(s);
		if (plen > 2 && p[0] == '{' && p[plen - 2] == '*') {
			/* "{name*}" takes the rest of the path, slashes included. */
			if (slen == 0 || np == CU_MAX_PARAMS || p[plen] != '\0')
				return false;
			params[np++] = s;
			return true;
		} else if (plen > 1 && p[0] == '{') {
			if (slen == 0 || np == CU_MAX_PARAMS)
				return false;
			params[np++] = s;
		} else if (plen != slen || memcmp(p, s, plen) != 0) {
			return false;
		}
		p += plen;
		s += slen;
	}
	return *p == '\0' && *s == '\0';
}

const cu_route *cu_route_match(const char *method, size_t mlen, char *path,
                               const char *params[CU_MAX_PARAMS], bool *method_mismatch,
                               char *allow, size_t allow_len)
{
	*method_mismatch = false;
	for (int i = 0; i < cu_nroutes; i++) {
		const char *tmp[CU_MAX_PARAMS] = {0};
		if (!match_path(cu_routes[i].path, path, tmp))
			continue;
		if (strlen(cu_routes[i].method) != mlen || memcmp(cu_routes[i].method, method, mlen)) {
			size_t used = strlen(allow);
			snprintf(allow + used, allow_len - used, "%s%s", used ? ", " : "",
			         cu_routes[i].method);
			*method_mismatch = true;
			continue;
		}
		/* Terminate captured segments only once the route is chosen. */
		bool rest = strstr(cu_routes[i].path, "*}") != NULL;
		for (int k = 0; k < CU_MAX_PARAMS && tmp[k]; k++) {
			char *slash = strchr((char *)tmp[k], '/');
			if (slash && !(rest && (k + 1 == CU_MAX_PARAMS || !tmp[k + 1])))
				*slash = '\0';
			params[k] = tmp[k];
		}
		return &cu_routes[i];
	}
	return NULL;
}
