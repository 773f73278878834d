/* SPDX-License-Identifier: Apache-2.0 */
/* http: the OpenAPI 3.1 document, derived from the route table. */
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "http/route.h"

/* Stringified without expanding macros: stdbool.h's false would become 0. */
#define J(...) #__VA_ARGS__

static const char components[] = J({
	"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
	"schemas": {
		"Error": {"type": "object", "required": ["error"], "properties": {"error": {
			"type": "object", "required": ["code", "message"],
			"properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}},
		"Health": {"type": "object", "required": ["status", "version", "schema"],
			"properties": {"status": {"const": "ok"}, "version": {"type": "string"},
			"schema": {"type": "integer"}}},
		"Readiness": {"type": "object", "required": ["ready", "checks"], "properties": {
			"ready": {"type": "boolean"}, "checks": {"type": "object", "properties": {
			"store": {"enum": ["ok", "failed"]}, "blobs": {"enum": ["ok", "failed"]},
			"sequencer": {"enum": ["ok", "failed"]}}}}},
		"Version": {"type": "object", "required": ["version", "schema", "store"],
			"properties": {"version": {"type": "string"},
			"schema": {"type": "integer"}, "database_schema": {"type": "integer"},
			"store": {"enum": ["sqlite", "postgresql"]}, "build": {"type": "object",
			"properties": {"commit": {"type": "string"}, "date": {"type": "string"},
			"compiler": {"type": "string"}}}}},
		"Session": {"type": "object", "required": ["expires_at", "user"],
			"properties": {"token": {"type": "string",
				"description": "the bearer token; absent with cookie: true"},
			"expires_at": {"type": "string", "format": "date-time"},
			"user": {"type": "object", "required": ["username", "org", "role"],
				"properties": {"username": {"type": "string"}, "org": {"type": "string"},
				"role": {"enum": ["admin", "prosecutor", "analyst", "observer"]}}}}},
		"Token": {"type": "object", "required": ["id", "user", "kind", "label", "created_at",
			"expires_at", "revoked_at"], "properties": {"id": {"type": "string"},
			"user": {"type": "string"}, "kind": {"enum": ["session", "api"]},
			"label": {"type": ["string", "null"]}, "created_at": {"type": "string"},
			"expires_at": {"type": ["string", "null"]},
			"revoked_at": {"type": ["string", "null"]},
			"token": {"type": "string", "description": "the secret: only when created"}}},
		"TokenList": {"type": "array", "items": {"$ref": "#/components/schemas/Token"}},
		"Org": {"type": "object", "required": ["id", "code", "kind", "country", "name"],
			"properties": {"id": {"type": "integer"},
			"code": {"type": "string"}, "kind": {"type": "string"},
			"country": {"type": ["string", "null"]}, "name": {"type": "string"}}},
		"OrgList": {"type": "array", "items": {"$ref": "#/components/schemas/Org"}},
		"User": {"type": "object", "required": ["id", "username", "org", "role", "full_name",
			"disabled", "created_at"], "properties": {"id": {"type": "integer"},
			"username": {"type": "string"}, "org": {"type": "string"},
			"org_id": {"type": "integer"},
			"role": {"enum": ["admin", "prosecutor", "analyst", "observer"]},
			"full_name": {"type": ["string", "null"]},
			"disabled": {"type": "boolean"}, "created_at": {"type": "string"}}},
		"UserList": {"type": "array", "items": {"$ref": "#/components/schemas/User"}},
		"CrimeTypeList": {"type": "array", "items": {"type": "object",
			"required": ["code", "label"], "properties": {"code": {"type": "string"},
			"label": {"type": "string"}}}},
		"Upload": {"type": "object", "required": ["id", "offset"],
			"properties": {"id": {"type": "string"},
			"offset": {"type": "integer"}, "chunk_max": {"type": "integer"},
			"max_size": {"type": "integer"}}},
		"MatchThreshold": {"type": "object", "required": ["threshold"],
			"properties": {"threshold": {"type": "number"}}}}
});

/* Cases, their participants and timeline, JITs (docs/domain.md). */
static const char case_schemas[] = J({
		"ParticipantIn": {"type": "object", "additionalProperties": false,
			"required": ["org"], "properties": {"org": {"type": "string"},
			"access": {"enum": ["owner", "participant", "observer"]},
			"national_ref": {"type": "string", "maxLength": 64}}},
		"Participant": {"type": "object", "required": ["org", "kind", "country", "name",
			"access", "national_ref", "joined_at"], "properties": {"org": {"type": "string"},
			"kind": {"type": "string"}, "country": {"type": ["string", "null"]},
			"name": {"type": "string"},
			"access": {"enum": ["owner", "participant", "observer"]},
			"national_ref": {"type": ["string", "null"]}, "joined_at": {"type": "string"}}},
		"ParticipantList": {"type": "array",
			"items": {"$ref": "#/components/schemas/Participant"}},
		"Case": {"type": "object", "required": ["id", "reference", "title", "status",
			"crime_types", "requesting_org", "opened_on", "closed_on", "retention_review_on",
			"created_at", "updated_at", "participants", "jits"],
			"properties": {"id": {"type": "integer"},
			"reference": {"type": "string"}, "title": {"type": "string"},
			"status": {"enum": ["open", "closed", "archived"]},
			"crime_types": {"type": "array", "items": {"type": "string"}},
			"requesting_org": {"type": "string"},
			"opened_on": {"type": "string", "format": "date"},
			"closed_on": {"type": ["string", "null"], "format": "date"},
			"retention_review_on": {"type": ["string", "null"], "format": "date"},
			"created_at": {"type": "string"}, "updated_at": {"type": "string"},
			"participants": {"type": "array",
				"items": {"$ref": "#/components/schemas/Participant"}},
			"jits": {"type": "array", "items": {"type": "object",
				"required": ["id", "name", "expires_on"], "properties": {
				"id": {"type": "integer"}, "name": {"type": "string"},
				"expires_on": {"type": "string", "format": "date"}}}}}},
		"CaseList": {"type": "object", "required": ["items", "count", "next"],
			"properties": {"items": {"type": "array",
			"items": {"$ref": "#/components/schemas/Case"}}, "count": {"type": "integer"},
			"next": {"type": ["integer", "null"],
				"description": "the after of the next page; null on the last"}}},
		"CaseEvent": {"type": "object", "required": ["seq", "at", "actor", "actor_org",
			"action", "object_type", "object_id", "case_id", "jit_id", "before", "after"],
			"properties": {"seq": {"type": "integer"}, "at": {"type": "string"},
			"actor": {"type": "string"}, "actor_org": {"type": ["string", "null"]},
			"action": {"type": "string"}, "object_type": {"type": "string"},
			"object_id": {"type": "string"}, "case_id": {"type": ["integer", "null"]},
			"jit_id": {"type": ["integer", "null"]}, "before": {"type": ["object", "null"]},
			"after": {"type": ["object", "null"]}}},
		"CaseEventList": {"type": "array", "items": {"$ref": "#/components/schemas/CaseEvent"}},
		"Jit": {"type": "object", "required": ["id", "name", "signed_on", "expires_on",
			"members", "cases", "extensions"], "properties": {"id": {"type": "integer"},
			"name": {"type": "string"}, "signed_on": {"type": "string", "format": "date"},
			"expires_on": {"type": "string", "format": "date"},
			"created_at": {"type": "string"},
			"members": {"type": "array", "items": {"type": "object",
				"required": ["org", "role"], "properties": {"org": {"type": "string"},
				"kind": {"type": "string"}, "country": {"type": ["string", "null"]},
				"name": {"type": "string"}, "role": {"enum": ["member", "participant"]}}}},
			"cases": {"type": "array", "items": {"type": "object",
				"required": ["id", "reference"], "properties": {"id": {"type": "integer"},
				"reference": {"type": "string"}, "title": {"type": "string"}}}},
			"extensions": {"type": "array"}}},
		"JitList": {"type": "array", "items": {"$ref": "#/components/schemas/Jit"}}
});

/* Grants and retention (docs/vault.md): each party's view of a grant. */
static const char grant_schemas[] = J({
		"Grant": {"type": "object", "required": ["id", "case_id", "case_reference", "org",
			"grantor_org", "legal_basis", "authorised_by", "created_at", "expires_on",
			"revoked_at", "revoked_by", "items"], "properties": {"id": {"type": "integer"},
			"case_id": {"type": "integer"}, "case_reference": {"type": "string"},
			"org": {"type": "string", "description": "the receiving organisation"},
			"grantor_org": {"type": "string"}, "legal_basis": {"type": "string"},
			"authorised_by": {"type": "string"}, "created_at": {"type": "string"},
			"expires_on": {"type": ["string", "null"], "format": "date"},
			"revoked_at": {"type": ["string", "null"]},
			"revoked_by": {"type": ["string", "null"]},
			"items": {"type": "array",
				"description": "the grantor: all; an originator: its own; the receiver: consented",
				"items": {"type": "object",
				"required": ["id", "title", "originator", "consent", "consent_by",
				"consent_at"], "properties": {"id": {"type": "integer"},
				"title": {"type": "string"}, "originator": {"type": "string"},
				"consent": {"enum": ["given", "pending", "refused"]},
				"consent_by": {"type": ["string", "null"]},
				"consent_at": {"type": ["string", "null"]}}}}}},
		"GrantList": {"type": "array", "items": {"$ref": "#/components/schemas/Grant"}},
		"RetentionTrigger": {"type": "object", "required": ["id", "trigger", "on", "note",
			"recorded_by", "recorded_at"], "properties": {"id": {"type": "integer"},
			"trigger": {"enum": ["statute_barred", "final_acquittal", "final_judgment",
				"end_of_coordination"]}, "on": {"type": "string", "format": "date"},
			"note": {"type": ["string", "null"]}, "recorded_by": {"type": "string"},
			"recorded_at": {"type": "string"}}},
		"LegalHold": {"type": "object", "required": ["id", "reason", "placed_by", "placed_at"],
			"properties": {"id": {"type": "integer"}, "reason": {"type": "string"},
			"placed_by": {"type": "string"}, "placed_at": {"type": "string"}}},
		"CaseRetention": {"type": "object", "required": ["triggers", "holds"],
			"properties": {"triggers": {"type": "array",
				"items": {"$ref": "#/components/schemas/RetentionTrigger"}},
			"holds": {"type": "array", "description": "active holds only",
				"items": {"$ref": "#/components/schemas/LegalHold"}}}},
		"RetentionDue": {"type": "array", "items": {"type": "object",
			"required": ["case_id", "reference", "title", "due", "holds"],
			"properties": {"case_id": {"type": "integer"}, "reference": {"type": "string"},
			"title": {"type": "string"}, "due": {"type": "array", "minItems": 1,
				"items": {"type": "object", "required": ["action", "due_on", "why"],
				"properties": {"action": {"enum": ["review", "delete"]},
				"due_on": {"type": "string", "format": "date"}, "why": {"type": "string"}}}},
			"holds": {"type": "array", "description": "a hold blocks deletion",
				"items": {"$ref": "#/components/schemas/LegalHold"}}}}}
});

/* Evidence items (docs/vault.md). */
static const char evidence_schemas[] = J({
		"Evidence": {"type": "object", "required": ["id", "case_id", "case_reference", "title",
			"description", "kind", "media_type", "size", "sha256", "original_name",
			"originator", "provenance", "legal_status", "tags", "registered_by",
			"registered_at", "integrity", "integrity_checked_at", "erased_at", "erased_by",
			"erase_reason"], "properties": {"id": {"type": "integer"},
			"case_id": {"type": "integer"}, "case_reference": {"type": "string"},
			"title": {"type": "string"}, "description": {"type": ["string", "null"]},
			"kind": {"enum": ["document", "image", "video", "audio", "testimony",
				"device_image", "dataset", "other"]},
			"media_type": {"type": "string"}, "size": {"type": "integer", "minimum": 0},
			"sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
			"original_name": {"type": ["string", "null"]}, "originator": {"type": "string"},
			"provenance": {"type": "object"}, "legal_status": {"type": ["string", "null"]},
			"tags": {"type": "array", "items": {"type": "string"}},
			"registered_by": {"type": "string"}, "registered_at": {"type": "string"},
			"integrity": {"enum": ["ok", "failed", "missing"]},
			"integrity_checked_at": {"type": ["string", "null"]},
			"erased_at": {"type": ["string", "null"]}, "erased_by": {"type": ["string", "null"]},
			"erase_reason": {"type": ["string", "null"]},
			"extraction": {"type": ["object", "null"],
				"description": "one item: its text extraction job"}}},
		"EvidenceList": {"type": "array", "items": {"$ref": "#/components/schemas/Evidence"}},
		"Job": {"type": "object", "required": ["id", "kind", "item_id", "state", "attempts",
			"error", "created_at"], "properties": {"id": {"type": "integer"},
			"kind": {"type": "string"}, "item_id": {"type": "integer"},
			"case_id": {"type": "integer"}, "case_reference": {"type": "string"},
			"title": {"type": "string"},
			"state": {"enum": ["queued", "running", "done", "failed"]},
			"attempts": {"type": "integer"}, "error": {"type": ["string", "null"]},
			"created_at": {"type": "string"}, "started_at": {"type": ["string", "null"]},
			"finished_at": {"type": ["string", "null"]}, "partial": {"type": "boolean"}}},
		"JobList": {"type": "object", "required": ["items"], "properties": {
			"items": {"type": "array", "items": {"$ref": "#/components/schemas/Job"}}}},
		"IntegrityCheck": {"type": "object", "required": ["id", "case_id", "sha256", "status",
			"message", "checked_at"], "properties": {"id": {"type": "integer"},
			"case_id": {"type": "integer"},
			"sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
			"status": {"enum": ["ok", "failed", "missing"]},
			"message": {"type": ["string", "null"], "description": "why not ok"},
			"checked_at": {"type": "string"}}},
		"Bundle": {"type": "object", "required": ["id", "download", "case", "for", "items",
			"checkpoint_size", "manifest_sha256"], "properties": {
			"id": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
			"download": {"type": "string", "description": "GET it once, within an hour"},
			"case": {"type": "string"}, "for": {"type": "string"},
			"items": {"type": "integer", "minimum": 1, "description": "how many"},
			"checkpoint_size": {"type": "integer"},
			"manifest_sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"}}}
});

/* The ledger's JSON routes (docs/ledger.md). */
static const char ledger_schemas[] = J({
		"LedgerCheckpoint": {"type": "object", "required": ["size", "root", "note", "vkey"],
			"properties": {"size": {"type": "integer"}, "root": {"type": "string"},
			"note": {"type": "string", "description": "the signed note (C2SP)"},
			"at": {"type": "string"}, "vkey": {"type": "string"}}},
		"LedgerEntry": {"type": "object", "required": ["index", "entry", "parsed"],
			"properties": {"index": {"type": "integer"},
			"entry": {"type": "string", "description": "the exact bytes of the leaf"},
			"parsed": {"type": "object"}}},
		"InclusionProof": {"type": "object", "required": ["index", "size", "leaf_hash", "root",
			"proof"], "properties": {"index": {"type": "integer"}, "size": {"type": "integer"},
			"leaf_hash": {"type": "string"}, "root": {"type": "string"},
			"proof": {"type": "array", "items": {"type": "string"}}}},
		"ConsistencyProof": {"type": "object", "required": ["from", "to", "root1", "root2",
			"proof"], "properties": {"from": {"type": "integer"}, "to": {"type": "integer"},
			"root1": {"type": "string"}, "root2": {"type": "string"},
			"proof": {"type": "array", "items": {"type": "string"}}}}
});

/* The chain of custody (docs/vault.md). */
static const char custody_schemas[] = J({
		"CustodyEvent": {"type": "object", "properties": {"seq": {"type": "integer"},
			"item_id": {"type": "integer"}, "at": {"type": "string"},
			"event": {"type": "string"}, "actor": {"type": "string"},
			"actor_org": {"type": "string"}, "reason": {"type": ["string", "null"]},
			"details": {"type": ["object", "null"]},
			"ledger_index": {"type": ["integer", "null"]}}},
		"CustodyList": {"type": "array",
			"items": {"$ref": "#/components/schemas/CustodyEvent"}}
});

/* Action days and their updates (docs/cooperation.md). */
static const char action_schemas[] = J({
		"ActionIn": {"type": "object", "additionalProperties": false,
			"required": ["kind", "country", "org", "planned_time"],
			"properties": {"kind": {"enum": ["arrest", "house_search", "seizure",
				"witness_interview", "asset_freezing", "hearing"]},
			"country": {"type": "string", "pattern": "^[A-Z]{2}$"},
			"org": {"type": "string"}, "entity": {"type": "integer"},
			"planned_time": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"},
			"place": {"type": "string"}, "description": {"type": "string"}}},
		"ActionDayIn": {"type": "object", "additionalProperties": false,
			"required": ["case", "title", "day", "timezones"],
			"properties": {"case": {"type": "string"}, "title": {"type": "string"},
			"day": {"type": "string", "format": "date"},
			"timezones": {"type": "object", "additionalProperties": {"type": "string"}},
			"notes": {"type": "string"},
			"actions": {"type": "array", "items": {"$ref": "#/components/schemas/ActionIn"}}}},
		"Action": {"type": "object", "properties": {"id": {"type": "integer"},
			"kind": {"type": "string"}, "country": {"type": "string"},
			"org": {"type": "string"}, "entity_id": {"type": ["integer", "null"]},
			"entity": {"type": ["string", "null"]}, "planned_time": {"type": "string"},
			"planned_at": {"type": ["string", "null"], "format": "date-time",
			               "description": "planned_time as an instant in UTC (the order)"},
			"status": {"enum": ["planned", "started", "completed", "failed"]},
			"result": {"type": ["string", "null"]}, "last_seq": {"type": ["integer", "null"]},
			"updated_at": {"type": ["string", "null"]}}},
		"ActionDaySummary": {"type": "object", "required": ["id", "case_id", "case_reference",
			"title", "day", "last_seq", "actions"], "properties": {"id": {"type": "integer"},
			"case_id": {"type": "integer"}, "case_reference": {"type": "string"},
			"title": {"type": "string"}, "day": {"type": "string", "format": "date"},
			"last_seq": {"type": "integer"},
			"actions": {"type": "integer", "description": "how many"}}},
		"ActionDayList": {"type": "array",
			"items": {"$ref": "#/components/schemas/ActionDaySummary"}},
		"ActionDay": {"type": "object", "required": ["id", "case_id", "case_reference", "title",
			"day", "timezones", "last_seq", "actions"], "properties": {"id": {"type": "integer"},
			"case_id": {"type": "integer"}, "case_reference": {"type": "string"},
			"title": {"type": "string"}, "day": {"type": "string"},
			"timezones": {"type": "object"}, "last_seq": {"type": "integer"},
			"actions": {"type": "array", "items": {"$ref": "#/components/schemas/Action"}}}},
		"ActionUpdate": {"type": "object", "properties": {"seq": {"type": "integer"},
			"action_id": {"type": "integer"}, "kind": {"type": "string"},
			"country": {"type": "string"}, "org": {"type": "string"},
			"status": {"enum": ["started", "completed", "failed"]},
			"result": {"type": ["string", "null"]},
			"evidence_id": {"type": ["integer", "null"]}, "by": {"type": "string"},
			"at": {"type": "string"}}},
		"ActionUpdates": {"type": "array",
			"items": {"$ref": "#/components/schemas/ActionUpdate"}}
});

/* Meetings and the interview register (docs/cooperation.md). */
static const char meet_schemas[] = J({
		"MeetingAction": {"type": "object", "additionalProperties": false,
			"required": ["text"], "properties": {"text": {"type": "string"},
			"org": {"type": "string"}, "request": {"type": "integer"},
			"due_on": {"type": "string", "format": "date"}}},
		"MeetingIn": {"type": "object", "additionalProperties": false,
			"required": ["kind", "title", "held_on"],
			"properties": {"kind": {"enum": ["coordination", "plenary", "study_visit",
				"conference", "other"]}, "case": {"type": "string"},
			"title": {"type": "string"}, "held_on": {"type": "string", "format": "date"},
			"place": {"type": "string"}, "agenda": {"type": "string"},
			"participants": {"type": "array", "items": {"type": "string"}},
			"sessions": {"type": "array", "items": {"type": "object",
				"additionalProperties": false, "required": ["title"],
				"properties": {"title": {"type": "string"}, "closed": {"type": "boolean"},
				"agenda": {"type": "string"},
				"participants": {"type": "array", "items": {"type": "string"}}}}},
			"actions": {"type": "array",
				"items": {"$ref": "#/components/schemas/MeetingAction"}}}},
		"InterviewIn": {"type": "object", "additionalProperties": false,
			"required": ["case", "entity", "role", "on"],
			"properties": {"case": {"type": "string"}, "entity": {"type": "integer"},
			"role": {"enum": ["victim", "witness"]}, "status": {"enum": ["planned", "held"]},
			"on": {"type": "string", "format": "date"}, "interviewer": {"type": "string"},
			"authority": {"type": "string"}, "request": {"type": "integer"},
			"record_item": {"type": "integer"}, "notes": {"type": "string"}}}
});

/* A meeting as its reader sees it (closed sessions: their invited organisations). */
static const char meeting_schemas[] = J({
		"MeetingParticipant": {"type": "object", "required": ["org", "org_id"],
			"properties": {"org": {"type": "string"}, "org_id": {"type": "integer"}}},
		"Meeting": {"type": "object", "required": ["id", "kind", "case_id", "case_reference",
			"title", "held_on", "place", "organiser", "organiser_org_id", "agenda", "outcome",
			"version", "created_by", "created_at", "updated_at", "participants", "sessions",
			"actions"], "properties": {"id": {"type": "integer"},
			"kind": {"enum": ["coordination", "plenary", "study_visit", "conference", "other"]},
			"case_id": {"type": ["integer", "null"]},
			"case_reference": {"type": ["string", "null"]}, "title": {"type": "string"},
			"held_on": {"type": "string", "format": "date"},
			"place": {"type": ["string", "null"]}, "organiser": {"type": "string"},
			"organiser_org_id": {"type": "integer"},
			"agenda": {"type": ["string", "null"]}, "outcome": {"type": ["string", "null"]},
			"version": {"type": "integer"}, "created_by": {"type": "string"},
			"created_at": {"type": "string"}, "updated_at": {"type": "string"},
			"participants": {"type": "array",
				"items": {"$ref": "#/components/schemas/MeetingParticipant"}},
			"sessions": {"type": "array", "items": {"type": "object", "required": ["id",
				"title", "closed", "agenda", "outcome", "participants"], "properties": {
				"id": {"type": "integer"}, "title": {"type": "string"},
				"closed": {"type": "boolean"}, "agenda": {"type": ["string", "null"]},
				"outcome": {"type": ["string", "null"]}, "participants": {"type": "array",
				"description": "a closed session: whom it is open to",
				"items": {"$ref": "#/components/schemas/MeetingParticipant"}}}}},
			"actions": {"type": "array", "items": {"type": "object", "required": ["id", "text",
				"org", "request_id", "due_on"], "properties": {"id": {"type": "integer"},
				"text": {"type": "string"}, "org": {"type": ["string", "null"]},
				"request_id": {"type": ["integer", "null"]},
				"due_on": {"type": ["string", "null"], "format": "date"}}}}}},
		"MeetingList": {"type": "array", "items": {"$ref": "#/components/schemas/Meeting"}}
});

/* The interview register: of a case it does not see, the caller learns org and month. */
static const char interview_schemas[] = J({
		"EarlierInterview": {"oneOf": [{"type": "object",
			"description": "of a case the caller does not see",
			"required": ["visible", "org", "month", "via"], "properties": {
			"visible": {"const": false}, "org": {"type": "string"},
			"month": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
			"via": {"enum": ["same_entity", "hit"]}}}, {"type": "object",
			"required": ["visible", "interview", "case", "org", "on", "status", "role", "entity",
			"via"], "properties": {"visible": {"const": true}, "interview": {"type": "integer"},
			"case": {"type": "string"}, "org": {"type": "string"},
			"on": {"type": "string", "format": "date"}, "status": {"enum": ["planned", "held"]},
			"role": {"enum": ["victim", "witness"]}, "entity": {"type": "integer"},
			"via": {"enum": ["same_entity", "hit"]}}}]},
		"Interview": {"type": "object", "required": ["id", "case_id", "case_reference",
			"entity_id", "entity_kind", "entity_label", "role", "status", "on", "org", "org_id",
			"interviewer", "authority", "request_id", "record_item_id", "record_title", "notes",
			"created_by", "created_at"], "properties": {"id": {"type": "integer"},
			"case_id": {"type": "integer"}, "case_reference": {"type": "string"},
			"entity_id": {"type": "integer"}, "entity_kind": {"type": "string"},
			"entity_label": {"type": "string"}, "role": {"enum": ["victim", "witness"]},
			"status": {"enum": ["planned", "held"]}, "on": {"type": "string", "format": "date"},
			"org": {"type": "string"}, "org_id": {"type": "integer"},
			"interviewer": {"type": ["string", "null"]},
			"authority": {"type": ["string", "null"]},
			"request_id": {"type": ["integer", "null"]},
			"record_item_id": {"type": ["integer", "null"]},
			"record_title": {"type": ["string", "null"]}, "notes": {"type": ["string", "null"]},
			"created_by": {"type": "string"}, "created_at": {"type": "string"},
			"earlier_interviews": {"type": "array",
				"description": "planned ones: the held ones of the entity and of those hits link",
				"items": {"$ref": "#/components/schemas/EarlierInterview"}}}},
		"InterviewList": {"type": "array", "items": {"$ref": "#/components/schemas/Interview"}}
});

/* Cooperation requests, deadlines and statistics (docs/cooperation.md). */
static const char coop_schemas[] = J({
		"RequestIn": {"type": "object", "additionalProperties": false,
			"required": ["case", "kind", "title", "executing_org"],
			"properties": {"case": {"type": "string"}, "kind": {"enum": ["mla", "eio", "eaw",
				"international_arrest_warrant", "extradition", "freezing_order",
				"confiscation_order", "transfer_of_proceedings", "jit_accession"]},
			"title": {"type": "string"}, "executing_org": {"type": "string"},
			"executing_country": {"type": "string"}, "issuing_country": {"type": "string"},
			"issuing_ref": {"type": "string"}, "legal_basis": {"type": "string"},
			"urgent": {"type": "boolean"}, "issued_on": {"type": "string", "format": "date"},
			"subjects": {"type": "array", "items": {"type": "integer"}},
			"notes": {"type": "string"}}},
		"Deadline": {"type": "object", "properties": {"id": {"type": "integer"},
			"step": {"type": "string"}, "rule": {"type": "string"},
			"article": {"type": "string"}, "limit": {"type": "string"},
			"starts_on": {"type": "string"}, "due_on": {"type": "string"},
			"extended_days": {"type": "integer"},
			"state": {"enum": ["open", "met", "missed", "cancelled"]},
			"days_left": {"type": "integer"}, "overdue": {"type": "boolean"},
			"extensions": {"type": "array"}}},
		"Request": {"type": "object", "required": ["id", "case_visible", "kind", "title",
			"issuing_org", "issuing_country", "executing_org", "executing_country",
			"issuing_ref", "executing_ref", "legal_basis", "urgent", "status", "issued_on",
			"sent_on", "received_on", "decided_on", "arrested_on", "consented_on",
			"closed_on", "notes", "version", "created_by", "created_at", "updated_at", "next",
			"subjects", "history", "deadlines"], "properties": {"id": {"type": "integer"},
			"case_id": {"type": "integer", "description": "absent where the case is not visible"},
			"case_reference": {"type": "string"},
			"case_visible": {"type": "boolean"}, "kind": {"type": "string"},
			"title": {"type": "string"}, "issuing_org": {"type": "string"},
			"issuing_country": {"type": ["string", "null"]},
			"executing_org": {"type": "string"},
			"executing_country": {"type": ["string", "null"]},
			"issuing_ref": {"type": ["string", "null"]},
			"executing_ref": {"type": ["string", "null"]},
			"legal_basis": {"type": ["string", "null"]}, "urgent": {"type": "boolean"},
			"status": {"enum": ["draft", "sent", "received", "recognised", "in_execution",
				"executed", "refused", "withdrawn"]},
			"issued_on": {"type": ["string", "null"]}, "sent_on": {"type": ["string", "null"]},
			"received_on": {"type": ["string", "null"]},
			"decided_on": {"type": ["string", "null"]},
			"arrested_on": {"type": ["string", "null"]},
			"consented_on": {"type": ["string", "null"]},
			"closed_on": {"type": ["string", "null"]}, "notes": {"type": ["string", "null"]},
			"version": {"type": "integer"}, "created_by": {"type": "string"},
			"created_at": {"type": "string"}, "updated_at": {"type": "string"},
			"next": {"type": "array", "items": {"type": "string"}},
			"subjects": {"type": "array"}, "history": {"type": "array"},
			"deadlines": {"type": "array",
				"items": {"$ref": "#/components/schemas/Deadline"}}}},
		"RequestList": {"type": "array", "items": {"$ref": "#/components/schemas/Request"}},
		"DeadlinesDue": {"type": "object", "properties": {"as_of": {"type": "string"},
			"within_days": {"type": "integer"}, "overdue": {"type": "array"},
			"due_soon": {"type": "array"}}}
});

/* The legal time limits, and the statistics of a year (docs/cooperation.md). */
static const char stats_schemas[] = J({
		"DeadlineRule": {"type": "object", "required": ["kind", "rule", "step", "starts", "days",
			"hours", "max_extension_days", "urgent_only", "article", "extension_article",
			"limit", "replaces"], "properties": {"kind": {"enum": ["mla", "eio", "eaw",
				"international_arrest_warrant", "extradition", "freezing_order",
				"confiscation_order", "transfer_of_proceedings", "jit_accession"]},
			"rule": {"type": "string"}, "step": {"enum": ["decision", "execution", "surrender"]},
			"starts": {"enum": ["received", "recognised", "arrested", "consented"],
				"description": "the milestone it runs from"},
			"days": {"type": "integer", "minimum": 0},
			"hours": {"type": "integer", "minimum": 0,
				"description": "a limit in hours ends on the day they run out"},
			"max_extension_days": {"type": "integer", "minimum": 0,
				"description": "0: the instrument provides no extension"},
			"urgent_only": {"type": "boolean"}, "article": {"type": "string"},
			"extension_article": {"type": ["string", "null"]}, "limit": {"type": "string"},
			"replaces": {"type": ["string", "null"],
				"description": "the rule this one supersedes when it starts"}}},
		"DeadlineRuleList": {"type": "array",
			"items": {"$ref": "#/components/schemas/DeadlineRule"}},
		"Counts": {"type": "object", "additionalProperties": {"type": "integer"}},
		"CountsBy": {"type": "object",
			"additionalProperties": {"$ref": "#/components/schemas/Counts"}},
		"Stats": {"type": "object", "required": ["year", "scope", "snapshot", "cases", "jits",
			"requests", "deadlines", "meetings", "action_days"], "properties": {
			"year": {"type": "integer"},
			"scope": {"type": "string", "pattern": "^(hub|organisation .+)$"},
			"snapshot": {"type": "object", "required": ["ledger_size", "root", "day",
				"checkpoint", "as_of", "current_size"], "properties": {
				"ledger_size": {"type": "integer"}, "root": {"type": "string"},
				"day": {"type": "string"}, "as_of": {"type": "boolean"},
				"current_size": {"type": "integer"}, "checkpoint": {"type": ["object", "null"],
				"required": ["size", "root", "at"], "properties": {"size": {"type": "integer"},
				"root": {"type": "string"}, "at": {"type": "string"}}}}},
			"cases": {"type": "object", "required": ["opened", "by_crime_type", "by_country"],
				"properties": {"opened": {"type": "integer"},
				"by_crime_type": {"$ref": "#/components/schemas/Counts"},
				"by_country": {"$ref": "#/components/schemas/Counts"}}},
			"jits": {"type": "object", "required": ["signed", "active"], "properties": {
				"signed": {"type": "integer"}, "active": {"type": "integer"}}},
			"requests": {"type": "object", "required": ["issued", "by_kind", "by_status",
				"by_kind_and_status"], "properties": {"issued": {"type": "integer"},
				"by_kind": {"$ref": "#/components/schemas/Counts"},
				"by_status": {"$ref": "#/components/schemas/Counts"},
				"by_kind_and_status": {"$ref": "#/components/schemas/CountsBy"}}},
			"deadlines": {"type": "object", "required": ["met", "missed", "open", "cancelled",
				"by_article"], "properties": {"met": {"type": "integer"},
				"missed": {"type": "integer"}, "open": {"type": "integer"},
				"cancelled": {"type": "integer"},
				"by_article": {"$ref": "#/components/schemas/CountsBy"}}},
			"meetings": {"type": "object", "required": ["coordination", "by_kind"],
				"properties": {"coordination": {"type": "integer"},
				"by_kind": {"$ref": "#/components/schemas/Counts"}}},
			"action_days": {"type": "object", "required": ["days", "arrests", "house_searches",
				"seizures", "evidence_items", "corrections", "actions"], "properties": {
				"days": {"type": "integer"}, "arrests": {"type": "integer"},
				"house_searches": {"type": "integer"}, "seizures": {"type": "integer"},
				"evidence_items": {"type": "integer"}, "corrections": {"type": "integer"},
				"actions": {"$ref": "#/components/schemas/CountsBy",
				"description": "per kind of action, how many ended in each status"}}}}}
});

/* Cross-matching's schemas (one literal each: C limits their length). */
static const char match_schemas[] = J({
		"EntityIn": {"type": "object", "required": ["kind"], "additionalProperties": false,
			"properties": {"kind": {"enum": ["person", "organisation", "phone", "email",
				"vehicle", "vessel", "bank_account", "wallet", "identity_document", "place"]},
			"names": {"type": "array", "maxItems": 16, "items": {"oneOf": [{"type": "string"},
				{"type": "object", "required": ["name"], "properties": {
				"name": {"type": "string"}, "script": {"type": "string"},
				"lang": {"type": "string"}}}]}},
			"born": {"type": "string", "pattern": "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"},
			"nationalities": {"type": "array", "items": {"type": "string"}},
			"gender": {"enum": ["male", "female", "other"]},
			"identifiers": {"type": "array", "items": {"type": "object",
				"required": ["type", "value"], "properties": {"type": {"enum": ["phone",
				"email", "iban", "wallet", "doc", "reg", "plate", "imo", "mmsi"]},
				"value": {"type": "string"}, "country": {"type": "string"}}}},
			"registration_number": {"type": "string"}, "country": {"type": "string"},
			"number": {"type": "string"}, "address": {"type": "string"},
			"plate": {"type": "string"}, "imo": {"type": "string"}, "mmsi": {"type": "string"},
			"iban": {"type": "string"}, "currency": {"type": "string"},
			"doc_type": {"enum": ["passport", "id_card", "residence_permit", "driving_licence",
				"travel_document", "other"]},
			"latitude": {"type": "number"}, "longitude": {"type": "number"},
			"notes": {"type": "string"}, "source": {"type": "string"}}},
		"Entity": {"type": "object", "properties": {"id": {"type": "integer"},
			"case_id": {"type": "integer"}, "case_reference": {"type": "string"},
			"kind": {"type": "string"}, "label": {"type": "string"},
			"attrs": {"type": "object"}, "version": {"type": "integer"},
			"source": {"type": ["string", "null"]},
			"hits_found": {"$ref": "#/components/schemas/MatchCounts",
				"description": "a new or changed entity: matched at once"}}},
		"EntityList": {"type": "array", "items": {"$ref": "#/components/schemas/Entity"}},
		"ImportReport": {"type": "object", "properties": {"imported": {"type": "integer"},
			"invalid": {"type": "integer"}, "errors": {"type": "array", "items": {
			"type": "object", "properties": {"row": {"type": "integer"},
			"error": {"type": "string"}}}}, "unsupported": {"type": "object"},
			"hits_found": {"type": "integer"}}}
});

/* Hits as each side sees them, and matching on demand (docs/match.md). */
static const char hit_schemas[] = J({
		"HitSide": {"oneOf": [{"type": "object",
			"description": "a case the caller does not see: its organisation only",
			"required": ["visible", "org"], "properties": {"visible": {"const": false},
			"org": {"type": "string"}}}, {"type": "object", "required": ["visible", "org",
			"case_id", "case", "entity", "review", "reviewed_by", "reviewed_at", "note"],
			"properties": {"visible": {"const": true}, "org": {"type": "string"},
			"case_id": {"type": "integer"}, "case": {"type": "string"},
			"entity": {"type": "object", "required": ["id", "kind", "label"], "properties": {
				"id": {"type": "integer"}, "kind": {"type": "string"},
				"label": {"type": "string"}}},
			"review": {"enum": ["new", "confirmed", "dismissed"]},
			"reviewed_by": {"type": ["string", "null"]},
			"reviewed_at": {"type": ["string", "null"]}, "note": {"type": ["string", "null"]}}}]},
		"Hit": {"type": "object", "required": ["id", "attr", "state", "review", "found_at",
			"updated_at", "full", "a", "b"], "properties": {"id": {"type": "integer"},
			"attr": {"type": "string"}, "state": {"enum": ["open", "lapsed"]},
			"review": {"enum": ["new", "confirmed", "dismissed"]},
			"found_at": {"type": "string"}, "updated_at": {"type": "string"},
			"full": {"type": "boolean", "description": "the caller sees both sides"},
			"score": {"type": "number", "minimum": 0, "maximum": 1,
				"description": "only when full"},
			"explanation": {"type": "string", "description": "only when full"},
			"a": {"$ref": "#/components/schemas/HitSide"},
			"b": {"$ref": "#/components/schemas/HitSide"},
			"access_requests": {"type": "array", "items": {"type": "object", "required": ["id",
				"from_org", "message", "requested_by", "requested_at"], "properties": {
				"id": {"type": "integer"}, "from_org": {"type": "string"},
				"message": {"type": ["string", "null"]}, "requested_by": {"type": "string"},
				"requested_at": {"type": "string"}, "status": {"enum": ["pending", "granted",
				"ended"], "description": "the caller's own requests (ended: granted, then removed)"}}}}}},
		"HitList": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
		"MatchCounts": {"type": "object", "required": ["examined", "found", "reopened",
			"lapsed"], "properties": {"examined": {"type": "integer"},
			"found": {"type": "integer"}, "reopened": {"type": "integer"},
			"lapsed": {"type": "integer"}}},
		"XrefReport": {"allOf": [{"$ref": "#/components/schemas/MatchCounts"}],
			"type": "object", "required": ["entities", "threshold"], "properties": {
			"entities": {"type": "integer"}, "threshold": {"type": "number"},
			"renormalised": {"type": "integer", "description": "every case only"}}},
		"PairScores": {"type": "object", "required": ["threshold", "pairs", "unscored"],
			"properties": {"threshold": {"type": "number"}, "unscored": {"type": "integer"},
			"pairs": {"type": "array", "items": {"type": "object", "required": ["a", "b",
				"score", "match", "label"], "properties": {"a": {"type": "string"},
				"b": {"type": "string"}, "score": {"type": ["number", "null"],
				"description": "null: the row's error says why it was not scored"},
				"match": {"type": "boolean"}, "explanation": {"type": "string"},
				"error": {"type": "string"}, "label": {"type": ["boolean", "null"]}}}},
			"evaluation": {"type": "object", "description": "with labels",
				"required": ["tp", "fp", "fn", "tn", "precision", "recall", "f1"],
				"properties": {"tp": {"type": "integer"}, "fp": {"type": "integer"},
				"fn": {"type": "integer"}, "tn": {"type": "integer"},
				"precision": {"type": "number"}, "recall": {"type": "number"},
				"f1": {"type": "number"}}}}}
});

/* Search (docs/search.md). */
static const char search_schemas[] = J({
		"SearchResults": {"type": "object", "required": ["items", "total", "facets", "query",
			"index_outdated", "offset", "limit"], "properties": {"total": {"type": "integer"},
			"query": {"type": "string", "description": "the query as it was read (FTS5 syntax; what is not syntax is quoted as words)"},
			"index_outdated": {"type": "boolean", "description": "an older version built the index: it may miss words this one finds until it is rebuilt (POST /api/v1/search/reindex)"},
			"offset": {"type": "integer"}, "limit": {"type": "integer"},
			"facets": {"type": "object", "required": ["kind", "lang"], "properties": {
				"kind": {"$ref": "#/components/schemas/Counts"},
				"lang": {"$ref": "#/components/schemas/Counts"}}},
			"items": {"type": "array", "items": {"type": "object", "required": ["kind", "ref_id",
			"case_id", "case_reference", "item_id", "org", "lang", "day", "title", "snippet",
			"snippet_html", "rank"], "properties": {"kind": {"enum": ["case", "entity",
			"evidence", "text"]}, "ref_id": {"type": "integer"}, "case_id": {"type": "integer"},
			"case_reference": {"type": "string"}, "item_id": {"type": ["integer", "null"]},
			"org": {"type": ["string", "null"]}, "lang": {"type": ["string", "null"]},
			"day": {"type": ["string", "null"]}, "title": {"type": "string"},
			"snippet": {"type": "string"}, "snippet_html": {"type": "string"},
			"rank": {"type": "number", "description": "lower is better"}}}}}},
		"ReindexReport": {"type": "object", "required": ["cases", "items", "texts"],
			"properties": {"cases": {"type": "integer"}, "items": {"type": "integer"},
			"texts": {"type": "integer"}}}
});

static json_t *error_response(const char *what)
{
	return json_pack("{s:s,s:{s:{s:{s:s}}}}", "description", what, "content",
	                 "application/json", "schema", "$ref", "#/components/schemas/Error");
}

static json_t *operation(const cu_route *rt)
{
	json_t *op = json_object(), *params = json_array(), *responses = json_object();
	char id[128], *o = id;
	/* operationId: method + path words, e.g. get_api_v1_cases_id */
	for (const char *p = rt->method; *p && o < id + 20; p++)
		*o++ = (char)tolower((unsigned char)*p);
	for (const char *p = rt->path; *p && o < id + sizeof(id) - 1; p++)
		if (isalnum((unsigned char)*p))
			*o++ = *p;
		else if (o > id && o[-1] != '_') /* (o == id if the method were empty) */
			*o++ = '_';
	while (o > id && o[-1] == '_')
		o--;
	*o = '\0';
	json_object_set_new(op, "operationId", json_string(id));
	json_object_set_new(op, "summary", json_string(rt->summary));
	json_object_set_new(op, "tags", json_pack("[s]", rt->tag));
	for (const char *p = strchr(rt->path, '{'); p; p = strchr(p + 1, '{')) {
		const char *e = strchr(p, '}');
		json_array_append_new(params, json_pack("{s:s%,s:s,s:b,s:{s:s}}", "name", p + 1,
		                                        (size_t)(e - p - 1), "in", "path",
		                                        "required", 1, "schema", "type", "string"));
	}
	if (rt->query) {
		char *q = strdup(rt->query), *save = NULL;
		for (char *t = strtok_r(q, " ", &save); t; t = strtok_r(NULL, " ", &save))
			json_array_append_new(params, json_pack("{s:s,s:s,s:{s:s}}", "name", t, "in",
			                                        "query", "schema", "type", "string"));
		free(q);
	}
	if (json_array_size(params))
		json_object_set(op, "parameters", params);
	if (rt->kind == CU_ROUTE_RAW) {
		json_t *media = json_pack("{s:{s:s,s:s}}", "schema", "type", "string", "format",
		                          "binary");
		/* A raw route's example is the body's text itself. */
		if (rt->example)
			json_object_set_new(media, "example", json_string(rt->example));
		json_object_set_new(op, "requestBody", json_pack("{s:b,s:{s:o}}", "required", 1,
		                                                 "content",
		                                                 "application/octet-stream", media));
	} else if (rt->body) {
		json_t *schema = json_loads(rt->body, 0, NULL);
		json_t *media = json_pack("{s:o}", "schema", schema ? schema : json_object());
		if (rt->example)
			json_object_set_new(media, "example", json_loads(rt->example, 0, NULL));
		json_object_set_new(op, "requestBody", json_pack("{s:b,s:{s:o}}", "required", 0,
		                                                 "content", "application/json", media));
	}
	char st[8];
	snprintf(st, sizeof(st), "%d", rt->status);
	json_t *ok = json_pack("{s:s}", "description", "success");
	if (rt->kind == CU_ROUTE_STREAM) {
		/* Content of any type, whole, or for an item's content a range of it (a
		 * bundle is fetched once, whole). */
		json_t *bin = json_pack("{s:{s:{s:s,s:s}}}", "*/*", "schema", "type", "string",
		                        "format", "binary");
		json_object_set(ok, "content", bin);
		if (strstr(rt->path, "/content")) {
			json_object_set_new(responses, "206", json_pack("{s:s,s:O}", "description",
			                                                "a range of the content",
			                                                "content", bin));
			json_object_set_new(responses, "416", error_response("range not satisfiable"));
			json_array_append_new(params, json_pack("{s:s,s:s,s:b,s:{s:s}}", "name", "Range",
			                                        "in", "header", "required", 0, "schema",
			                                        "type", "string"));
			json_object_set(op, "parameters", params);
		}
		json_decref(bin);
	} else if (rt->kind == CU_ROUTE_SSE) {
		/* Server-Sent Events: "id: seq", "event: update", "data: {ActionUpdate}". */
		json_object_set_new(ok, "content", json_pack("{s:{s:{s:s,s:s}}}", "text/event-stream",
		                                             "schema", "type", "string", "description",
		                                             "events \"id: <seq>\\nevent: update\\n"
		                                             "data: <ActionUpdate JSON>\\n\\n\"; "
		                                             "comments as heartbeats"));
		json_array_append_new(params, json_pack("{s:s,s:s,s:b,s:{s:s}}", "name",
		                                        "Last-Event-ID", "in", "header", "required", 0,
		                                        "schema", "type", "string"));
		json_object_set(op, "parameters", params);
	} else if (rt->kind == CU_ROUTE_TEXT) {
		const char *type = strstr(rt->path, "/tile/") ? "application/octet-stream" :
		                   "text/plain";
		json_object_set_new(ok, "content", json_pack("{s:{s:{s:s}}}", type, "schema", "type",
		                                             "string"));
	} else if (rt->status != 204) {
		json_t *schema = rt->response ? json_pack("{s:s+}", "$ref", "#/components/schemas/",
		                                          rt->response) : json_object();
		json_object_set_new(ok, "content", json_pack("{s:{s:o}}", "application/json",
		                                             "schema", schema));
	}
	json_object_set_new(responses, st, ok);
	if (rt->response && !strcmp(rt->response, "Readiness"))
		/* Not ready: the same document, naming the failed checks. */
		json_object_set_new(responses, "503", json_pack("{s:s,s:{s:{s:{s:s}}}}", "description",
		                    "not ready", "content", "application/json", "schema", "$ref",
		                    "#/components/schemas/Readiness"));
	json_object_set_new(responses, "400", error_response("invalid input"));
	if (rt->auth) {
		json_object_set_new(responses, "401", error_response("not authenticated"));
		json_object_set_new(responses, "403", error_response("not allowed"));
		json_object_set_new(op, "security", json_pack("[{s:[]}]", "bearer"));
	}
	json_object_set_new(responses, "404", error_response("not found or not visible"));
	bool login = !strcmp(rt->method, "POST") && !strcmp(rt->path, "/api/v1/session");
	if (login) {
		json_object_set_new(responses, "401", error_response("wrong username or password"));
		/* Throttled logins (docs/http.md): whatever the password. */
		json_object_set_new(responses, "429", error_response("too many failed logins of this "
		                                                     "account or from this address; "
		                                                     "Retry-After says for how long"));
	}
	if (strcmp(rt->method, "GET") != 0) {
		json_object_set_new(responses, "409", error_response("conflicts with the record's "
		                                                     "state (e.g. a closed case, a "
		                                                     "transition not allowed)"));
		json_object_set_new(responses, "507", error_response("the disk or quota is full: "
		                                                     "nothing of the request was kept"));
	}
	if (rt->kind == CU_ROUTE_RAW || rt->body)
		json_object_set_new(responses, "413", error_response("the request body is larger "
		                                                     "than the configured limit"));
	if (rt->kind != CU_ROUTE_RAW && rt->body)
		json_object_set_new(responses, "415", error_response("the request body is not "
		                                                     "application/json"));
	if (strstr(rt->path, "/entities/import"))
		json_object_set_new(responses, "422", error_response("invalid rows: nothing was "
		                                                     "imported (each row's reason)"));
	if (!json_object_get(responses, "503"))
		json_object_set_new(responses, "503", error_response("the database is away; "
		                                                     "Retry-After says when to try "
		                                                     "again"));
	json_object_set_new(op, "responses", responses);
	json_decref(params);
	return op;
}

static char *document;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void build(void)
{
	json_t *paths = json_object();
	for (int i = 0; i < cu_nroutes; i++) {
		const cu_route *rt = &cu_routes[i];
		json_t *item = json_object_get(paths, rt->path);
		if (!item) {
			item = json_object();
			json_object_set_new(paths, rt->path, item);
		}
		char m[8];
		size_t k;
		for (k = 0; k < sizeof(m) - 1 && rt->method[k]; k++)
			m[k] = (char)tolower((unsigned char)rt->method[k]);
		m[k] = '\0';
		json_object_set_new(item, m, operation(rt));
	}
	/* (In parts: ISO C promises string literals of 4095 bytes only.) */
	static const char *const parts[] = {case_schemas, grant_schemas, evidence_schemas,
	                                    custody_schemas, match_schemas, hit_schemas,
	                                    search_schemas, coop_schemas, stats_schemas,
	                                    meet_schemas, meeting_schemas, interview_schemas,
	                                    action_schemas, ledger_schemas};
	json_t *comps = json_loads(components, 0, NULL);
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		json_t *more = json_loads(parts[i], 0, NULL);
		json_object_update(json_object_get(comps, "schemas"), more);
		json_decref(more);
	}
	json_t *doc = json_pack("{s:s,s:{s:s,s:s,s:s},s:[{s:s}],s:o,s:o}", "openapi", "3.1.0",
	                        "info", "title", "custodia API", "version", CU_VERSION,
	                        "description", "Cross-border criminal justice cooperation: "
	                        "organisations, cases, JITs under need-to-know.",
	                        "servers", "url", "/", "paths", paths, "components", comps);
	document = json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(doc);
}

char *cu_http_openapi(void)
{
	pthread_once(&once, build);
	return document ? strdup(document) : NULL;
}
