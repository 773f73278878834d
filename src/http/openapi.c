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
		"Grant": {"type": "object", "properties": {"id": {"type": "integer"},
			"case_reference": {"type": "string"}, "org": {"type": "string"},
			"grantor_org": {"type": "string"}, "legal_basis": {"type": "string"},
			"expires_on": {"type": ["string", "null"]},
			"revoked_at": {"type": ["string", "null"]}, "items": {"type": "array"}}},
		"GrantList": {"type": "array", "items": {"$ref": "#/components/schemas/Grant"}},
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
		"CaseRetention": {"type": "object", "required": ["triggers", "holds"],
			"properties": {"triggers": {"type": "array"}, "holds": {"type": "array"}}},
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
			"title": {"type": "string"}, "state": {"type": "string"},
			"attempts": {"type": "integer"}, "error": {"type": ["string", "null"]},
			"created_at": {"type": "string"}, "started_at": {"type": ["string", "null"]},
			"finished_at": {"type": ["string", "null"]}, "partial": {"type": "boolean"}}},
		"JobList": {"type": "object", "required": ["items"], "properties": {
			"items": {"type": "array", "items": {"$ref": "#/components/schemas/Job"}}}}
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
		"Meeting": {"type": "object", "properties": {"id": {"type": "integer"},
			"kind": {"type": "string"}, "case_id": {"type": ["integer", "null"]},
			"case_reference": {"type": ["string", "null"]}, "title": {"type": "string"},
			"held_on": {"type": "string"}, "organiser": {"type": "string"},
			"agenda": {"type": ["string", "null"]}, "outcome": {"type": ["string", "null"]},
			"participants": {"type": "array"}, "sessions": {"type": "array"},
			"actions": {"type": "array"}}},
		"MeetingList": {"type": "array", "items": {"$ref": "#/components/schemas/Meeting"}},
		"InterviewIn": {"type": "object", "additionalProperties": false,
			"required": ["case", "entity", "role", "on"],
			"properties": {"case": {"type": "string"}, "entity": {"type": "integer"},
			"role": {"enum": ["victim", "witness"]}, "status": {"enum": ["planned", "held"]},
			"on": {"type": "string", "format": "date"}, "interviewer": {"type": "string"},
			"authority": {"type": "string"}, "request": {"type": "integer"},
			"record_item": {"type": "integer"}, "notes": {"type": "string"}}},
		"Interview": {"type": "object", "properties": {"id": {"type": "integer"},
			"case_reference": {"type": "string"}, "entity_id": {"type": "integer"},
			"role": {"type": "string"}, "status": {"type": "string"}, "on": {"type": "string"},
			"org": {"type": "string"}, "earlier_interviews": {"type": "array",
				"items": {"type": "object", "properties": {"visible": {"type": "boolean"},
				"org": {"type": "string"}, "month": {"type": "string"},
				"via": {"type": "string"}}}}}},
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
			"due_soon": {"type": "array"}}},
		"Stats": {"type": "object", "properties": {"year": {"type": "integer"},
			"scope": {"type": "string"}, "snapshot": {"type": "object", "properties": {
				"ledger_size": {"type": "integer"}, "root": {"type": "string"},
				"day": {"type": "string"}, "checkpoint": {"type": ["object", "null"]}}},
			"cases": {"type": "object"}, "jits": {"type": "object"},
			"requests": {"type": "object"}, "deadlines": {"type": "object"}}}
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
			"source": {"type": ["string", "null"]}, "hits_found": {"type": "object"}}},
		"EntityList": {"type": "array", "items": {"$ref": "#/components/schemas/Entity"}},
		"ImportReport": {"type": "object", "properties": {"imported": {"type": "integer"},
			"invalid": {"type": "integer"}, "errors": {"type": "array", "items": {
			"type": "object", "properties": {"row": {"type": "integer"},
			"error": {"type": "string"}}}}, "unsupported": {"type": "object"},
			"hits_found": {"type": "integer"}}},
		"HitSide": {"type": "object", "properties": {"visible": {"type": "boolean"},
			"org": {"type": "string"}, "case": {"type": "string"},
			"entity": {"type": "object"}, "review": {"type": "string"}}},
		"Hit": {"type": "object", "properties": {"id": {"type": "integer"},
			"attr": {"type": "string"}, "state": {"enum": ["open", "lapsed"]},
			"review": {"enum": ["new", "confirmed", "dismissed"]},
			"full": {"type": "boolean"}, "score": {"type": "number"},
			"explanation": {"type": "string"},
			"a": {"$ref": "#/components/schemas/HitSide"},
			"b": {"$ref": "#/components/schemas/HitSide"},
			"access_requests": {"type": "array"}}},
		"HitList": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
		"SearchResults": {"type": "object", "properties": {"total": {"type": "integer"},
			"query": {"type": "string", "description": "the query as it was read (FTS5 syntax; what is not syntax is quoted as words)"},
			"index_outdated": {"type": "boolean", "description": "an older version built the index: it may miss words this one finds until it is rebuilt (POST /api/v1/search/reindex)"},
			"offset": {"type": "integer"}, "limit": {"type": "integer"},
			"facets": {"type": "object"}, "items": {"type": "array", "items": {
			"type": "object", "properties": {"kind": {"enum": ["case", "entity", "evidence",
			"text"]}, "ref_id": {"type": "integer"}, "case_reference": {"type": "string"},
			"item_id": {"type": ["integer", "null"]}, "title": {"type": "string"},
			"snippet": {"type": "string"}, "snippet_html": {"type": "string"},
			"lang": {"type": ["string", "null"]}}}}}}
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
		/* Content of any type, whole or a range of it. */
		json_t *bin = json_pack("{s:{s:{s:s,s:s}}}", "*/*", "schema", "type", "string",
		                        "format", "binary");
		json_object_set(ok, "content", bin);
		json_object_set_new(responses, "206", json_pack("{s:s,s:O}", "description",
		                                                "a range of the content", "content",
		                                                bin));
		json_object_set_new(responses, "416", error_response("range not satisfiable"));
		json_array_append_new(params, json_pack("{s:s,s:s,s:b,s:{s:s}}", "name", "Range", "in",
		                                        "header", "required", 0, "schema", "type",
		                                        "string"));
		json_object_set(op, "parameters", params);
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
	static const char *const parts[] = {case_schemas, evidence_schemas, custody_schemas,
	                                    match_schemas, coop_schemas, meet_schemas,
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
