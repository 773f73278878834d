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
 *
 * The engine: SQLite (DATA/custodia.db) unless DATA/database records a
 * PostgreSQL URL. At init, CUSTODIA_DB=postgresql://... selects PostgreSQL
 * and is recorded; a URL without a database name makes a database of its own
 * (custodia_ and 16 random hex digits) on that server. A later open with
 * CUSTODIA_DB set must name the recorded database.
 */
int cu_store_open(cu_store **out, const char *datadir, bool create);
/* The recorded PostgreSQL URL of a data directory ("" for SQLite). */
int cu_store_db_url(const char *datadir, char *out, size_t n);
bool cu_store_is_pg_url(const char *url);
bool cu_store_is_pg(cu_store *s);
/*
 * Whether this connection is the ledger's sequencer, claiming the role if it
 * is free: always on SQLite (one machine); on PostgreSQL a session advisory
 * lock, held until the connection ends, so one node of several signs.
 */
int cu_store_sequencer_claim(cu_store *s, bool *mine);
/*
 * Whether some connection, of any node, holds the sequencer's claim: on
 * PostgreSQL the advisory lock in pg_locks; on SQLite always (every process
 * is its own sequencer; the server watches its own thread).
 */
int cu_store_sequencer_held(cu_store *s, bool *held);
/* A trivial query on this connection: 0 if the database answers, else CU_EDB. */
int cu_store_ping(cu_store *s);
/*
 * Failures of the database engine (CU_EDB, or CU_EIO for a full or read-only
 * disk) since the process started, on any connection; refused duplicates and
 * CHECK violations are the caller's and do not count.
 */
uint64_t cu_store_error_count(void);
/* After a bulk load: the query planner's statistics brought up to date
 * (SQLite's PRAGMA optimize, PostgreSQL's ANALYZE). Outside transactions. */
int cu_store_optimize(cu_store *s);
void cu_store_close(cu_store *s);
int cu_store_schema_version(cu_store *s);

int cu_store_begin(cu_store *s);
/*
 * Refuses every write on this connection from now on: cu_store_begin fails
 * (CU_EDB, "a bug") and so does any statement that would change the
 * database. For the server's event loops, which answer reads and must never
 * wait for the write lock.
 */
int cu_store_refuse_writes(cu_store *s);
/* Whether a write was refused since the last call (and forgets it). */
bool cu_store_write_refused(cu_store *s);
/*
 * A read transaction: one consistent snapshot for many reads, and one lock
 * instead of one per statement. Nothing happens inside a write transaction.
 */
int cu_store_read_begin(cu_store *s);
void cu_store_read_end(cu_store *s);
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
	char kind[8];              /* "session" or "api" */
	char used_at[CU_TS_LEN];   /* last use (its creation if never used since) */
	bool disabled;
} cu_token_row;
int cu_store_token_insert(cu_store *s, const char *id, int64_t user_id, const uint8_t hash[32],
                          const char *kind, const char *label, const char *expires_at);
int cu_store_token_lookup(cu_store *s, cu_token_row *out, const char *id);
/*
 * Failed logins under key ("user:NAME", "addr:ADDRESS") in a window that
 * started after since (Unix seconds): *failures (0 if none) and the window's
 * *start.
 */
int cu_store_login_failures(cu_store *s, int64_t *failures, int64_t *start, const char *key,
                            int64_t since);
/*
 * Counts one failed login under key at now: in the running window if it
 * started after since, else in a new one from now. Removes the rows of
 * windows that have passed.
 */
int cu_store_login_failed(cu_store *s, const char *key, int64_t now, int64_t since);
/* Forgets key's failures (a successful login of that account). */
int cu_store_login_clear(cu_store *s, const char *key);
int cu_store_token_revoke(cu_store *s, const char *id, const char *at);
/* Ends every login session of a user still running (API tokens stay): *n how many. */
int cu_store_sessions_end(cu_store *s, int *n, int64_t user_id, const char *at);
/* Records that the token was used at `at` (for the idle limit of sessions). */
int cu_store_token_touch(cu_store *s, const char *id, const char *at);
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
/* The ids of every case, as a JSON array. */
int cu_store_case_ids(cu_store *s, json_t **out);
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
 * Whether org_id sees all evidence of a case: as a participant of the case or
 * a full member of a linked JIT. (A JIT's participants, such as the ICC, see
 * the case but only the items they contributed or were granted.)
 */
int cu_store_case_evidence_all(cu_store *s, bool *all, int64_t case_id, int64_t org_id);

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
	const char *before, *after;         /* JSON text, NULL when absent */
	const char *salt;                   /* hex; the ledger's commitment salt */
} cu_event;
int cu_store_event_append(cu_store *s, int64_t *out_seq, const cu_event *ev);
/* Events of a case (case_id > 0), a JIT (jit_id > 0), or all (both 0). */
int cu_store_event_list(cu_store *s, json_t **out, int64_t case_id, int64_t jit_id,
                        int64_t after_seq, int limit);
int64_t cu_store_event_count(cu_store *s);

/*
 * Evidence (docs/vault.md). Item input fields: case_id, title, description,
 * kind, media_type, size, sha256 (hex), original_name, originator_org_id,
 * provenance (object), legal_status, tags (array), registered_by,
 * registered_at. Output: {id, case_id, case_reference, title, description,
 * kind, media_type, size, sha256, original_name, originator, provenance,
 * legal_status, tags, registered_by, registered_at, integrity,
 * integrity_checked_at, erased_at, erased_by, erase_reason}.
 */
int cu_store_case_key_get(cu_store *s, uint8_t wrapped[72], int64_t case_id);
/* Every wrapped case key, by case id (*ids and *wrapped malloc'd, n rows), and
 * one replaced (master key rotation: inside its transaction). */
int cu_store_case_keys_all(cu_store *s, int64_t **ids, uint8_t (**wrapped)[72], size_t *n);
int cu_store_case_key_set(cu_store *s, int64_t case_id, const uint8_t wrapped[72]);
int cu_store_case_key_put(cu_store *s, int64_t case_id, const uint8_t wrapped[72],
                          const char *at);
int cu_store_item_insert(cu_store *s, int64_t *out_id, const json_t *item);
/* An item's blob header as hex (48 digits), "" if none was recorded. */
int cu_store_item_blob_header(cu_store *s, char out[49], int64_t id);
/* Records it for an item that has none (registered before it was kept). */
int cu_store_item_set_blob_header(cu_store *s, int64_t id, const char *hex);
int cu_store_item_get(cu_store *s, json_t **out, int64_t id);
/*
 * Items of a case; with restrict_to > 0, only those that organisation
 * contributed or holds an active grant for. Lists of items and of custody
 * events are in id (seq) order, from the first after `after`, at most
 * `limit` of them (0: all).
 */
int cu_store_item_list(cu_store *s, json_t **out, int64_t case_id, int64_t restrict_to,
                       const char *today, int64_t after, int limit);
/* Items actively granted to an organisation, across cases. */
int cu_store_item_list_granted(cu_store *s, json_t **out, int64_t org_id, const char *today,
                               int64_t after, int limit);
int cu_store_item_set_integrity(cu_store *s, int64_t id, const char *status, const char *at);
/* Keeps the row as a tombstone: hash and size stay, descriptive fields go. */
int cu_store_item_erase(cu_store *s, int64_t id, const char *at, const char *by,
                        const char *reason);
/* How many items of the case, not erased, hold this content. */
int cu_store_item_blob_users(cu_store *s, int *count, int64_t case_id, const char *sha256);
/* [{id, case_id, sha256, size, erased}] of a case (0: all cases). */
int cu_store_item_blobs(cu_store *s, json_t **out, int64_t case_id);

/* details: JSON text or NULL; salt: hex, the ledger's commitment salt. */
int cu_store_custody_append(cu_store *s, int64_t *out_seq, int64_t item_id, const char *event,
                            const char *at, const char *actor, const char *actor_org,
                            const char *reason, const char *details, const char *salt);
int cu_store_custody_list(cu_store *s, json_t **out, int64_t item_id, int64_t after, int limit);
/* One event, by its number (cu_store_custody_append's out_seq). */
int cu_store_custody_get(cu_store *s, json_t **out, int64_t seq);

/* Grants: {id, case_id, case_reference, org, grantor_org, legal_basis,
 * authorised_by, created_at, expires_on, revoked_at, revoked_by,
 * items: [{id, title, originator, consent, consent_by, consent_at}]} */
int cu_store_grant_insert(cu_store *s, int64_t *out_id, int64_t case_id, int64_t org_id,
                          int64_t grantor_org_id, const char *legal_basis, const char *by,
                          const char *at, const char *expires_on);
int cu_store_grant_item_add(cu_store *s, int64_t grant_id, int64_t item_id,
                            const char *consent, const char *by, const char *at);
int cu_store_grant_get(cu_store *s, json_t **out, int64_t id);
/* Grants an organisation may know of: as grantor, receiver or originator. */
int cu_store_grant_list(cu_store *s, json_t **out, int64_t org_id);
/* Sets the consent of the grant's pending items whose originator is org_id. */
int cu_store_grant_consent(cu_store *s, int *changed, int64_t grant_id, int64_t org_id,
                           const char *consent, const char *by, const char *at);
/* Refuses, from now on, the grant's items whose originator is org_id (given
 * or pending before). */
int cu_store_grant_withdraw(cu_store *s, int *changed, int64_t grant_id, int64_t org_id,
                            const char *by, const char *at);
/* Revokes the grant (CU_ECONFLICT if it already was). */
int cu_store_grant_revoke(cu_store *s, int64_t grant_id, const char *by, const char *at);
/* The id of an active grant of item to org (consent given, not revoked or
 * expired on `today`), or CU_ENOTFOUND. */
int cu_store_grant_active(cu_store *s, int64_t *grant_id, int64_t item_id, int64_t org_id,
                          const char *today);

/* Retention: triggers and legal holds of a case; the review date is on the case. */
int cu_store_retention_trigger_add(cu_store *s, int64_t *out_id, int64_t case_id,
                                   const char *trigger, const char *on_date, const char *note,
                                   const char *by, const char *at);
int cu_store_hold_add(cu_store *s, int64_t *out_id, int64_t case_id, const char *reason,
                      const char *by, const char *at);
/* The case a legal hold is on: CU_ENOTFOUND if there is no such hold. */
int cu_store_hold_case(cu_store *s, int64_t *case_id, int64_t hold_id);
int cu_store_hold_release(cu_store *s, int64_t case_id, int64_t hold_id, const char *by,
                          const char *at);
/* {triggers: [...], holds: [...] (active ones)} of a case. */
int cu_store_retention_get(cu_store *s, json_t **out, int64_t case_id);

/*
 * The ledger (docs/ledger.md). Records come back with their salt and JSON
 * fields as the exact text stored, which is what the entries commit to.
 */
int cu_store_ledger_size(cu_store *s, int64_t *out);
/* Appends entry number n (its exact bytes). */
int cu_store_ledger_append(cu_store *s, int64_t n, const char *entry, size_t len,
                           const char *kind, int64_t ref);
/*
 * Full tiles of the tree (src/ledger/tiles.h: 510 hashes, the C2SP tile's
 * 256 first), one row each, written once when the tile fills. get:
 * CU_ENOTFOUND if the row is absent; out holds CU_STORE_TILE_BYTES.
 */
#define CU_STORE_TILE_BYTES 16320
int cu_store_ledger_tile_get(cu_store *s, uint8_t *out, int level, int64_t n);
int cu_store_ledger_tile_put(cu_store *s, int level, int64_t n, const uint8_t *hashes);
int cu_store_ledger_tile_count(cu_store *s, int64_t *out);
/* The partial tile of a level >= 1 as last written (its number in *n). */
int cu_store_ledger_edge_get(cu_store *s, uint8_t *out, int64_t *n, int level);
int cu_store_ledger_edge_put(cu_store *s, int level, int64_t n, const uint8_t *hashes);
/*
 * A slot for what core keeps in memory about the ledger on this connection
 * (one malloc'd block without pointers inside). The store frees it on any
 * rollback, a failed commit and close, since it may hold rows that a
 * rollback takes back.
 */
void **cu_store_ledger_cache(cu_store *s);
/* {idx, entry, kind, ref} for idx in [from, from + limit). */
int cu_store_ledger_entries(cu_store *s, json_t **out, int64_t from, int limit);
/*
 * The entries from `from` on, in index order, through one statement (call
 * inside one read transaction): fn gets each entry's exact bytes, kind and
 * ref, and returns 0 to go on or a code that stops the walk and is returned.
 */
typedef int (*cu_store_walk_fn)(void *ctx, int64_t idx, const char *entry, size_t len,
                                const char *kind, int64_t ref);
int cu_store_ledger_walk(cu_store *s, int64_t from, cu_store_walk_fn fn, void *ctx);
/* {seq, at, actor, actor_org, action, object_type, object_id, case_id, jit_id,
 * before, after, salt} with before/after as text. */
int cu_store_event_record(cu_store *s, json_t **out, int64_t seq);
/* {seq, item_id, at, event, actor, actor_org, reason, details, salt, content_salt,
 * content_sha256 (for the item)}. */
int cu_store_custody_record(cu_store *s, json_t **out, int64_t seq);
/*
 * A record's columns as its ledger commitment covers them (docs/ledger.md),
 * for `ledger verify` to rebuild the canonical record without JSON objects:
 * names[] are the record's keys in JCS (byte) order, col[] their values in
 * the same order, typed as stored, and salt the row's salt. Every pointer is
 * borrowed from SQLite and lives until the next call on the same table, or
 * cu_store_records_done().
 */
enum { CU_COL_NULL, CU_COL_INT, CU_COL_TEXT, CU_COL_OTHER };
typedef struct cu_store_col {
	int type;
	int64_t i;     /* CU_COL_INT */
	const char *s; /* CU_COL_TEXT: len bytes, may hold NUL bytes, not terminated */
	size_t len;
} cu_store_col;

#define CU_STORE_REC_COLS 11
/* Positions in col[] of the values an entry repeats. */
enum { CU_EV_ACTION = 0, CU_EV_AFTER = 3, CU_EV_AT = 4, CU_EV_CASE = 6, CU_EV_OBJECT_ID = 8,
       CU_EV_OBJECT_TYPE = 9, CU_EV_SEQ = 10 };
enum { CU_CU_AT = 2, CU_CU_EVENT = 4, CU_CU_ITEM = 5, CU_CU_SEQ = 7 };

typedef struct cu_store_rec {
	int64_t seq;
	int ncols;
	const char *const *names;
	cu_store_col col[CU_STORE_REC_COLS];
	cu_store_col salt;
} cu_store_rec;

/* The next row of events (event) or custody in seq order, through one
 * statement per table (call inside one read transaction): 0, or CU_ENOTFOUND
 * after the last. */
int cu_store_records_next(cu_store *s, cu_store_rec *out, bool event);
/* One row by seq: 0, CU_ENOTFOUND or CU_EDB. */
int cu_store_records_find(cu_store *s, cu_store_rec *out, bool event, int64_t seq);
/* Ends the walks and lookups above (the borrowed pointers with them). */
void cu_store_records_done(cu_store *s);
/* The content salt and SHA-256 of an item (for evidence registration entries). */
int cu_store_item_content(cu_store *s, char salt[33], char sha256[65], int64_t item_id);
/* [{kind, ref, at, type}] of events and custody rows without a ledger entry
 * (type: the action or custody event), oldest first; at most `limit` of them (0: all). */
int cu_store_unledgered(cu_store *s, json_t **out, int limit);
int cu_store_record_counts(cu_store *s, int64_t *events, int64_t *custody);
/* The ledger entry of a record: its index and exact text (caller frees). */
int cu_store_ledger_find(cu_store *s, int64_t *idx, char **entry, const char *kind, int64_t ref);
/* The sequence number of the event that registered an item. */
int cu_store_item_registration(cu_store *s, int64_t *seq, int64_t item_id);

int cu_store_checkpoint_add(cu_store *s, int64_t size, const uint8_t root[32], const char *note,
                            const char *at);
/* {size, root (hex), note, at}; CU_ENOTFOUND if none yet. */
int cu_store_checkpoint_latest(cu_store *s, json_t **out);
int cu_store_checkpoint_list(cu_store *s, json_t **out);
int cu_store_checkpoint_get(cu_store *s, json_t **out, int64_t size);

/* Witnessing: what this node last saw of a log; cosignatures of this log. */
int cu_store_witness_get(cu_store *s, json_t **out, const char *origin); /* {size, root, note} */
int cu_store_witness_put(cu_store *s, const char *origin, int64_t size, const uint8_t root[32],
                         const char *note, const char *at);
int cu_store_cosignature_add(cu_store *s, int64_t size, const char *witness, const char *line,
                             const char *at);
int cu_store_cosignatures(cu_store *s, json_t **out, int64_t size);

/*
 * Entities of cases (cross-matching, docs/match.md). Output document:
 * {id, case_id, case_reference, kind, label, attrs (object), source, version,
 * created_by, created_at, updated_at}. mrec is the encoded match record.
 */
int cu_store_entity_insert(cu_store *s, int64_t *out_id, int64_t case_id, const char *kind,
                           const char *label, const json_t *attrs, const void *mrec,
                           size_t mlen, const char *source, const char *by, const char *at);
/* Replaces label, attributes and match record; the version goes up by one. */
int cu_store_entity_update(cu_store *s, int64_t id, const char *label, const json_t *attrs,
                           const void *mrec, size_t mlen, const char *at);
/* Replaces the match record alone, the entity unchanged (version kept): the
 * same attributes normalised by a newer matcher. */
int cu_store_entity_set_mrec(cu_store *s, int64_t id, const void *mrec, size_t mlen);
int cu_store_entity_get(cu_store *s, json_t **out, int64_t id);
int cu_store_entity_list(cu_store *s, json_t **out, int64_t case_id);
/* What matching needs of an entity, without the document. */
typedef struct cu_entity_row {
	int64_t id, case_id, version;
	const void *mrec; /* see each function */
	size_t mlen;
} cu_entity_row;
/* One entity's row; its mrec is copied into blob (valid while blob is). */
int cu_store_entity_row(cu_store *s, cu_entity_row *out, cu_buf *blob, int64_t id);
/* Calls fn for each entity of a case (0: of every case), in id order; a
 * row's mrec is valid during its call. */
int cu_store_entity_each(cu_store *s, int64_t case_id,
                         int (*fn)(void *ctx, const cu_entity_row *row), void *ctx);
/* Replaces the blocking keys of an entity (keys: a JSON array of strings). */
int cu_store_entity_keys_set(cu_store *s, int64_t id, const json_t *keys);
/* Entities outside case_id sharing at least one key, most keys in common
 * first; keys that more than block_max entities share are not used. */
int cu_store_entity_candidates(cu_store *s, int64_t **ids, size_t *n, int64_t case_id,
                               const json_t *keys, int limit, int block_max);

/*
 * Hits: {id, entity_a, entity_b, case_a, case_b, version_a, version_b, score,
 * attr, explanation, state, review_a, review_b, reviewed_a_by, reviewed_a_at,
 * note_a, reviewed_b_by, ..., found_at, updated_at}.
 */
typedef struct cu_hit_row {
	int64_t id, entity_a, entity_b, case_a, case_b, version_a, version_b;
	double score;
	const char *attr, *explanation;
} cu_hit_row;
/* The hit of a pair (entity_a < entity_b) or CU_ENOTFOUND. */
int cu_store_hit_pair(cu_store *s, json_t **out, int64_t entity_a, int64_t entity_b);
int cu_store_hit_insert(cu_store *s, int64_t *out_id, const cu_hit_row *h, const char *at);
/* New score and versions; reopen: reviews back to "new" and state "open". */
int cu_store_hit_update(cu_store *s, const cu_hit_row *h, bool reopen, const char *at);
int cu_store_hit_lapse(cu_store *s, int64_t id, int64_t version_a, int64_t version_b,
                       const char *at);
int cu_store_hit_get(cu_store *s, json_t **out, int64_t id);
/* Open hits touching a case org_id sees (case_id > 0: touching that case),
 * newest first. */
int cu_store_hit_list(cu_store *s, json_t **out, int64_t org_id, int64_t case_id, int limit);
/* [{entity_a, entity_b}] of every hit, open or lapsed. */
int cu_store_hit_pairs(cu_store *s, json_t **out);
/* Open hits not yet reviewed (confirmed or dismissed) by both sides. */
int cu_store_hit_pending(cu_store *s, int64_t *out);
/* Hits of an entity, whatever their state. */
int cu_store_hit_ids_of(cu_store *s, json_t **out, int64_t entity_id);
/* side: 'a' or 'b'. */
int cu_store_hit_review(cu_store *s, int64_t id, char side, const char *review, const char *by,
                        const char *note, const char *at);
int cu_store_hit_request_add(cu_store *s, int64_t *out_id, int64_t hit_id, int64_t from_org,
                             int64_t case_id, const char *message, const char *by,
                             const char *at);
/* [{id, from_org, case_id, message, requested_by, requested_at}] of a hit. */
int cu_store_hit_requests(cu_store *s, json_t **out, int64_t hit_id);

/*
 * Search (sqlite_search.c). Each record that search finds is a document:
 * its kind ("case", "entity", "evidence", "text"), the record's id, its case,
 * its evidence item (for item documents: need-to-know of items), the
 * organisation it is from, language and day for filters, title and body.
 * Words are indexed in a Latin form by the word function core installs
 * (before any cu_store_open): it writes a word's Latin tokens, separated by
 * spaces, and returns their length, or a negative number to skip the word;
 * *proper says whether the word may be a name (capitalised, or in a script
 * without capitals), whose consonant skeleton is indexed beside it.
 */
typedef int (*cu_store_word_fn)(char *out, size_t outsz, const char *word, size_t len,
                                bool *proper);
void cu_store_set_word_fn(cu_store_word_fn fn);
/* And the cut function (optional): a run of letters of a script written
 * without spaces (Han, Thai, Khmer...) as words, by the byte offsets where
 * they end (cu_text_cut); 0 leaves it whole. Each word is then indexed at
 * its own offsets, so that snippets mark the word a query matched. */
typedef int (*cu_store_cut_fn)(const char *run, size_t len, size_t *ends, int max);
void cu_store_set_cut_fn(cu_store_cut_fn fn);
typedef struct cu_search_doc {
	const char *kind;
	int64_t ref_id, case_id, item_id, org_id; /* item_id, org_id: 0 for none */
	const char *lang, *day, *title, *body;
	size_t body_len;                          /* 0: body is NUL-terminated */
} cu_search_doc;
/* Replaces the document of (kind, ref_id). */
int cu_store_search_put(cu_store *s, const cu_search_doc *d);
int cu_store_search_delete(cu_store *s, const char *kind, int64_t ref_id);
int cu_store_search_clear(cu_store *s);
typedef struct cu_search_query {
	const char *q;          /* FTS5 query syntax: words, "phrases", prefix*, AND OR NOT */
	int64_t org_id;         /* need-to-know: the searching organisation */
	const char *today;      /* for grants' expiry */
	int64_t case_id, org_filter; /* filters (0: none) */
	const char *kind, *lang, *from, *to; /* filters (NULL: none); from/to: days */
	int limit, offset;
} cu_search_query;
/*
 * {items: [{kind, ref_id, case_id, case_reference, item_id, org, lang, day,
 * title, snippet (matches between \x02 and \x03), rank}], total, facets:
 * {kind: {..: n}, lang: {..: n}}}, over what org_id may see only.
 * CU_EINVALID for a query FTS5 cannot read.
 */
int cu_store_search(cu_store *s, json_t **out, const cu_search_query *q);

/*
 * Jobs: the persistent queue of background work on evidence items
 * ({id, kind, item_id, case_id, case_reference, title, state, attempts,
 * error, worker, created_at, started_at, finished_at} and the extract's
 * method, tool, tool_version, language, pages, ocr_pages, text_size,
 * partial, warning). Adding a job again requeues it if it ended.
 */
int cu_store_job_add(cu_store *s, const char *kind, int64_t item_id, const char *at);
/* Takes the oldest queued job (CU_ENOTFOUND if none). */
int cu_store_job_claim(cu_store *s, int64_t *id, int64_t *item_id, const char *worker,
                       const char *at);
int cu_store_job_finish(cu_store *s, int64_t id, const char *state, const char *error,
                        const char *at);
/* After a restart: jobs left running go back to the queue. */
int cu_store_job_requeue_running(cu_store *s, int *n);
int cu_store_job_list(cu_store *s, json_t **out, const char *state, int limit);
int cu_store_job_get(cu_store *s, json_t **out, int64_t id);
/* The extraction job of an item (CU_ENOTFOUND if none). */
int cu_store_job_of_item(cu_store *s, json_t **out, int64_t item_id);
/* [{state, n}] */
int cu_store_job_counts(cu_store *s, json_t **out);
/* An item's extracted text: {sha256, size, method, tool, tool_version,
 * language, pages, ocr_pages, partial, warning, created_at}. */
int cu_store_extract_put(cu_store *s, int64_t item_id, const json_t *x);
int cu_store_extract_get(cu_store *s, json_t **out, int64_t item_id);
/* Removes an item's extract record; sha receives its text's hash ("" if none). */
int cu_store_extract_delete(cu_store *s, int64_t item_id, char sha[65]);
/* [{case_id, sha256}] of the texts of items not erased (blobs to keep). */
int cu_store_extract_blobs(cu_store *s, json_t **out);
/* Items found inside another (an e-mail's attachments): [{id}] of a parent. */
int cu_store_item_set_parent(cu_store *s, int64_t id, int64_t parent);
int cu_store_item_children(cu_store *s, json_t **out, int64_t parent);
/* How many records (items not erased, their texts) hold a blob of the case. */
int cu_store_blob_users(cu_store *s, int *count, int64_t case_id, const char *sha256);

/*
 * Judicial cooperation (sqlite_coop.c, docs/cooperation.md). Request input
 * fields: case_id, kind, title, issuing_org_id, issuing_country,
 * executing_org_id, executing_country, issuing_ref, legal_basis, urgent,
 * status, issued_on, notes, created_by, created_at. Output document: {id,
 * case_id, case_reference, kind, title, issuing_org, issuing_org_id,
 * issuing_country, executing_org, executing_org_id, executing_country,
 * issuing_ref, executing_ref, legal_basis, urgent, status, issued_on, sent_on,
 * received_on, decided_on, arrested_on, consented_on, closed_on, notes,
 * version, created_by, created_at, updated_at, subjects: [{entity_id, kind,
 * label}], history: [{from, to, on, note, by, at}], deadlines: [{id, step,
 * rule, article, limit, starts_on, due_on, extended_days, state, closed_on,
 * note, extensions: [{days, reason, article, from_due, to_due, by, at}]}]}.
 */
int cu_store_request_insert(cu_store *s, int64_t *out_id, const json_t *r);
/* Sets any of status, sent_on, received_on, decided_on, arrested_on,
 * consented_on, closed_on, executing_ref, notes (and updated_at); the
 * version goes up by one. */
int cu_store_request_update(cu_store *s, int64_t id, const json_t *fields);
int cu_store_request_get(cu_store *s, json_t **out, int64_t id);
int cu_store_request_subject_add(cu_store *s, int64_t request_id, int64_t entity_id);
int cu_store_request_history_add(cu_store *s, int64_t request_id, const char *from,
                                 const char *to, const char *on, const char *note,
                                 const char *by, const char *at);
typedef struct cu_request_filter {
	int64_t org_id;  /* only requests of cases it sees, or it issues or executes (0: all) */
	int64_t case_id; /* 0: any */
	const char *kind, *status; /* NULL: any */
	const char *country;       /* issuing or executing country; NULL: any */
	int64_t before;            /* only ids below it (the next page, newest first); 0: any */
	int limit;
} cu_request_filter;
/* The ids of matching requests, newest first, as a JSON array. */
int cu_store_request_ids(cu_store *s, json_t **out, const cu_request_filter *f);
int cu_store_deadline_insert(cu_store *s, int64_t *out_id, int64_t request_id, const char *step,
                             const char *rule, const char *article, const char *limit_text,
                             const char *starts_on, const char *due_on, const char *note,
                             const char *at);
/* state: met, missed or cancelled. */
int cu_store_deadline_close(cu_store *s, int64_t id, const char *state, const char *closed_on);
int cu_store_deadline_extend(cu_store *s, int64_t id, int days, const char *reason,
                             const char *article, const char *from_due, const char *to_due,
                             const char *by, const char *at);
/* [{deadline_id, request_id}] of open deadlines due on or before `until`,
 * soonest first, of requests org_id may know of (0: all). */
int cu_store_deadline_due(cu_store *s, json_t **out, int64_t org_id, const char *until);

/*
 * Snapshots of the records as of a ledger size (statistics): for each
 * object of object_type with an event among the first `size` ledger
 * entries, the `after` document of its latest such event that has the field
 * `key` (documents, not deltas). *day: the day of the latest event in the
 * snapshot ("" if none).
 */
int cu_store_snapshot_docs(cu_store *s, json_t **out, int64_t size, const char *object_type,
                           const char *key);
/* Every `after` document of object_type's events among the first `size`
 * ledger entries, oldest first (not only each object's latest): the action
 * updates of action days, each of which records its own outcome. */
int cu_store_snapshot_history(cu_store *s, json_t **out, int64_t size,
                              const char *object_type);
int cu_store_snapshot_day(cu_store *s, char day[11], int64_t size);

/*
 * Action days (sqlite_action.c, docs/cooperation.md). A day document: {id,
 * case_id, case_reference, title, day, timezones: {country: zone}, notes,
 * last_seq, created_by, created_at, actions: [action]}; an action: {id,
 * action_day_id, kind, country, org, org_id, entity_id, entity,
 * planned_time, place, description, status, result, last_seq, updated_at}.
 * Updates are numbered 1, 2, ... per day (seq) in the writing transaction.
 */
int cu_store_actionday_insert(cu_store *s, int64_t *out_id, int64_t case_id, const char *title,
                              const char *day, const char *timezones, const char *notes,
                              const char *by, const char *at);
int cu_store_actionday_get(cu_store *s, json_t **out, int64_t id);
/* [{id, case_id, case_reference, title, day, last_seq, actions}] of cases
 * org_id sees (0: all), of one case (case_id > 0) or all. */
int cu_store_actionday_list(cu_store *s, json_t **out, int64_t org_id, int64_t case_id);
/* Input: {action_day_id, kind, country, org_id, entity_id, planned_time,
 * place, description, created_at}. */
int cu_store_action_insert(cu_store *s, int64_t *out_id, const json_t *action);
/* An action document with the case_id of its day. */
int cu_store_action_get(cu_store *s, json_t **out, int64_t id);
/* Numbers the day's next update (*seq), records it, sets the action's status. */
int cu_store_action_update_add(cu_store *s, int64_t *seq, int64_t day_id, int64_t action_id,
                               const char *status, const char *result, int64_t evidence_id,
                               const char *by, const char *at);
/* [{seq, action_id, kind, country, org, entity_id, entity, status, result,
 * evidence_id, by, at}] of a day with seq > after, in order, at most limit. */
int cu_store_action_updates(cu_store *s, json_t **out, int64_t day_id, int64_t after, int limit);
int cu_store_actionday_last_seq(cu_store *s, int64_t *out, int64_t day_id);

/*
 * Meetings and interviews (sqlite_meet.c, docs/cooperation.md). Meeting
 * input fields: kind, case_id (0: a network event), title, held_on, place,
 * organiser_org_id, agenda, created_by, created_at. Output document: {id,
 * kind, case_id, case_reference, title, held_on, place, organiser,
 * organiser_org_id, agenda, outcome, version, created_by, created_at,
 * updated_at, participants: [{org, org_id}], sessions: [{id, title, closed,
 * agenda, outcome, participants: [{org, org_id}]}], actions: [{id, text,
 * org, request_id, due_on}]}. session_id 0 names the meeting itself.
 */
int cu_store_meeting_insert(cu_store *s, int64_t *out_id, const json_t *m);
int cu_store_meeting_session_insert(cu_store *s, int64_t *out_id, int64_t meeting_id,
                                    const char *title, bool closed, const char *agenda);
int cu_store_meeting_participant_add(cu_store *s, int64_t meeting_id, int64_t session_id,
                                     int64_t org_id);
/* org_id, request_id: 0 for none. */
int cu_store_meeting_action_add(cu_store *s, int64_t *out_id, int64_t meeting_id,
                                const char *text, int64_t org_id, int64_t request_id,
                                const char *due_on);
/* The outcome of the meeting (session_id 0) or of one of its sessions; the
 * meeting's version goes up by one either way. */
int cu_store_meeting_outcome(cu_store *s, int64_t meeting_id, int64_t session_id,
                             const char *outcome, const char *at);
int cu_store_meeting_get(cu_store *s, json_t **out, int64_t id);
typedef struct cu_meeting_filter {
	int64_t org_id;   /* meetings of cases it sees, events it organises or attends (0: all) */
	int64_t case_id;  /* 0: any */
	const char *kind; /* NULL: any */
	int64_t before;   /* the next page: those listed after this meeting (0: from the start) */
	int limit;
} cu_meeting_filter;
/* The ids of matching meetings, latest first, as a JSON array. */
int cu_store_meeting_ids(cu_store *s, json_t **out, const cu_meeting_filter *f);
/*
 * Interview input fields: case_id, entity_id, role, status, on, org_id,
 * interviewer, authority, request_id, record_item_id, notes, created_by,
 * created_at. Output document: {id, case_id, case_reference, entity_id,
 * entity_kind, entity_label, role, status, on, org, org_id, interviewer,
 * authority, request_id, record_item_id, record_title, notes, created_by,
 * created_at}.
 */
int cu_store_interview_insert(cu_store *s, int64_t *out_id, const json_t *iv);
int cu_store_interview_get(cu_store *s, json_t **out, int64_t id);
/* Ids of interviews of cases org_id sees (0: all), of a case and/or an
 * entity (0: any), latest first; before: those listed after that interview. */
int cu_store_interview_ids(cu_store *s, json_t **out, int64_t org_id, int64_t case_id,
                           int64_t entity_id, int64_t before, int limit);
/* Every interview of an entity (documents as above), earliest first. */
int cu_store_interviews_of_entity(cu_store *s, json_t **out, int64_t entity_id);

/*
 * Copying a data directory's records between the engines (copy.c): SQLite to
 * PostgreSQL (`custodia migrate`, docs/store.md "Moving to PostgreSQL") and
 * PostgreSQL to SQLite or back (`custodia backup` and `restore`,
 * docs/backup.md).
 *
 * cu_store_copy copies every row of `from` into `to` (the other engine, the
 * same schema version, no records yet) with its ids: from one snapshot of
 * `from` (REPEATABLE READ on PostgreSQL) into one transaction of `to`, reads
 * each table back and compares it with what was read (count and a digest of
 * the typed values) before committing, and moves PostgreSQL's identity
 * sequences past the copied ids. The search index is left out: rebuild it
 * afterwards. Tables and columns come from PostgreSQL's catalog; a table or
 * column on one side only is CU_ESCHEMA, a value the target keeps
 * differently CU_EVERIFY, a target with records CU_EEXISTS; on any error
 * nothing is committed. *report: {tables: {name: rows} in copy order, rows,
 * rebuilt: [tables left out]}.
 */
int cu_store_copy(cu_store *from, cu_store *to, json_t **report);
/*
 * A consistent snapshot of every record into a new SQLite database
 * dir/custodia.db (0600) while others go on writing (a backup's records):
 * on SQLite the online backup API in one read transaction (the search index
 * comes along); on PostgreSQL cu_store_copy from one REPEATABLE READ
 * snapshot (the search index left out: rebuild it where it is restored).
 * CU_EEXISTS if the file exists; on failure nothing is left. *report:
 * {engine, method, copy (PostgreSQL: cu_store_copy's report)}.
 */
int cu_store_snapshot(cu_store *s, const char *dir, json_t **report);
/* 0 if the database a PostgreSQL URL names holds no records (or the URL
 * names none: one will be made); CU_EEXISTS naming a table if it does. */
int cu_store_pg_vacant(const char *url);
/* Drops the database a URL names, only if it is one cu_store_open made
 * (custodia_ and 16 hex digits): undoing a migration that failed. */
int cu_store_pg_drop(const char *url);
/* Whether another process has the SQLite database at dbpath open (*pid its
 * pid, -1 if unknown; 0 if none). Call it holding no connection to that
 * database: testing the locks opens and closes its -shm file. */
int cu_store_sqlite_users(const char *dbpath, long *pid);

#endif
