/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store: the records of custodia. All SQL lives behind this interface, which
 * speaks in domain terms (organisations, users, cases, ...) so that another
 * engine (PostgreSQL) can implement it without touching callers.
 *
 * A cu_store is one connection: use it from one thread at a time. Writes go
 * inside cu_store_begin()/cu_store_commit(); begin/commit nest, and only the
 * outermost pair reaches the engine. Records come back as jansson objects
 * owned by the caller (json_decref).
 *
 * Inputs are validated by core; the store still enforces keys, foreign keys
 * and CHECK constraints, and maps their violations to CU_EEXISTS/CU_EINVALID.
 */
#ifndef CU_STORE_H
#define CU_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/util.h"

typedef struct cu_store cu_store;

/* The schema version this binary writes. */
int cu_store_schema_latest(void);

/*
 * Opens (creating if `create`) the database of a data directory and applies
 * pending migrations. CU_ESCHEMA if the database is newer than this binary.
 */
int cu_store_open(cu_store **out, const char *datadir, bool create);
void cu_store_close(cu_store *s);
int cu_store_schema_version(cu_store *s);

int cu_store_begin(cu_store *s);
int cu_store_commit(cu_store *s);
void cu_store_rollback(cu_store *s);

/* Key/value settings of the installation (e.g. the operator organisation). */
int cu_store_meta_get(cu_store *s, char **out, const char *key); /* CU_ENOTFOUND */
int cu_store_meta_set(cu_store *s, const char *key, const char *value);

/* Reference data. */
int cu_store_crime_type_add(cu_store *s, const char *code, const char *label);
bool cu_store_crime_type_exists(cu_store *s, const char *code);
int cu_store_crime_type_list(cu_store *s, json_t **out);

/* Organisations: {id, code, kind, country, name}. get by id (>0) or code. */
int cu_store_org_insert(cu_store *s, int64_t *out_id, const char *code, const char *kind,
                        const char *country, const char *name);
int cu_store_org_update(cu_store *s, int64_t id, const char *kind, const char *country,
                        const char *name);
int cu_store_org_get(cu_store *s, json_t **out, int64_t id, const char *code);
int cu_store_org_list(cu_store *s, json_t **out);

/* Users: {id, username, org, org_id, role, full_name, disabled, created_at}. */
int cu_store_user_insert(cu_store *s, int64_t *out_id, const char *username, int64_t org_id,
                         const char *role, const char *full_name, const char *pwhash);
int cu_store_user_get(cu_store *s, json_t **out, const char *username);
int cu_store_user_pwhash(cu_store *s, char **out, const char *username);
/* NULL/negative arguments leave that column unchanged. */
int cu_store_user_update(cu_store *s, int64_t id, const char *role, const char *full_name,
                         int disabled, const char *pwhash);
int cu_store_user_list(cu_store *s, json_t **out, int64_t org_id /* 0: all */);

/* Tokens. Lookup joins the user: what authentication needs in one read. */
typedef struct cu_token_row {
	int64_t user_id, org_id;
	char username[65], org_code[17], role[16];
	uint8_t hash[32];
	char expires_at[CU_TS_LEN], revoked_at[CU_TS_LEN];
	bool disabled;
} cu_token_row;
int cu_store_token_insert(cu_store *s, const char *id, int64_t user_id, const uint8_t hash[32],
                          const char *kind, const char *label, const char *expires_at);
int cu_store_token_lookup(cu_store *s, cu_token_row *out, const char *id);
int cu_store_token_revoke(cu_store *s, const char *id, const char *at);
/* Tokens of a user (0: of the organisation org_id), never the hashes. */
int cu_store_token_list(cu_store *s, json_t **out, int64_t user_id, int64_t org_id);
int cu_store_token_get(cu_store *s, json_t **out, const char *id);

/*
 * Cases. Input object fields: reference, title, status, requesting_org_id,
 * opened_on, retention_review_on, crime_types (array of codes), created_at.
 * Output: the case document {id, reference, title, status, crime_types,
 * requesting_org, opened_on, closed_on, retention_review_on, created_at,
 * updated_at, participants: [{org, kind, country, name, access,
 * national_ref}], jits: [{id, name, expires_on}]}.
 */
int cu_store_case_next_reference(cu_store *s, char out[16], int year);
int cu_store_case_insert(cu_store *s, int64_t *out_id, const json_t *c);
/* Sets any of title, status, closed_on, retention_review_on, crime_types, updated_at. */
int cu_store_case_update(cu_store *s, int64_t id, const json_t *fields);
int cu_store_case_get(cu_store *s, json_t **out, int64_t id);
/*
 * Finds a case by its reference or by a participant's national case number,
 * among the cases org_id may see (national numbers of org_id first).
 */
int cu_store_case_find(cu_store *s, int64_t *out_id, const char *ref, int64_t org_id);

typedef struct cu_case_filter {
	const char *status, *crime_type, *country, *q;
	int64_t after; /* keyset cursor: only ids below this (0: from the newest) */
	int limit;
} cu_case_filter;
/*
 * Appends to `out` the JSON documents of the cases org_id may see, newest
 * first, comma-separated; *next is the cursor of the next page or 0.
 */
int cu_store_case_list(cu_store *s, cu_buf *out, int64_t *next, int *count, int64_t org_id,
                       const cu_case_filter *f);

int cu_store_participant_set(cu_store *s, int64_t case_id, int64_t org_id, const char *access,
                             const char *national_ref, const char *at);
int cu_store_participant_remove(cu_store *s, int64_t case_id, int64_t org_id);

/*
 * Need-to-know facts of one organisation on one case: its participation
 * level (0 none, 1 observer, 2 participant, 3 owner) and the latest expiry
 * among the JITs through which it sees the case ("" if none). CU_ENOTFOUND
 * if neither exists (or the case does not).
 */
int cu_store_case_access(cu_store *s, int *part_level, char jit_until[11], int64_t case_id,
                         int64_t org_id);

/*
 * JITs. Input: name, signed_on, expires_on, created_at. Output document:
 * {id, name, signed_on, expires_on, created_at, members: [{org, kind,
 * country, name, role}], cases: [{id, reference, title}], extensions:
 * [{from, to, reason, at, by}]}.
 */
int cu_store_jit_insert(cu_store *s, int64_t *out_id, const json_t *j);
int cu_store_jit_get(cu_store *s, json_t **out, int64_t id);
int cu_store_jit_member_set(cu_store *s, int64_t jit_id, int64_t org_id, const char *role);
int cu_store_jit_case_link(cu_store *s, int64_t jit_id, int64_t case_id);
int cu_store_jit_extend(cu_store *s, int64_t jit_id, const char *new_expiry, const char *reason,
                        const char *at, const char *by);
/* JITs org_id is a member of or sees a linked case of. */
int cu_store_jit_list(cu_store *s, json_t **out, int64_t org_id);
/* Whether org_id may see the JIT, and its member role ("" if not a member). */
int cu_store_jit_access(cu_store *s, bool *visible, char role[16], int64_t jit_id,
                        int64_t org_id);

/* Events: the append-only record of every change. */
typedef struct cu_event {
	const char *at, *actor, *actor_org; /* username and organisation code */
	const char *action;                 /* e.g. "case.create" */
	const char *object_type, *object_id;
	int64_t case_id, jit_id;            /* 0 when not about one */
	const json_t *before, *after;       /* NULL when absent */
} cu_event;
int cu_store_event_append(cu_store *s, int64_t *out_seq, const cu_event *ev);
/* Events of a case (case_id > 0), a JIT (jit_id > 0), or all (both 0). */
int cu_store_event_list(cu_store *s, json_t **out, int64_t case_id, int64_t jit_id,
                        int64_t after_seq, int limit);
int64_t cu_store_event_count(cu_store *s);

#endif
