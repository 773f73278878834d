/* SPDX-License-Identifier: Apache-2.0 */
/*
 * core: the domain of custodia — organisations, users, tokens, cases and
 * JITs — validated on every write, under need-to-know, each change recorded
 * as an event in the same transaction.
 *
 * Every operation takes the acting user (cu_actor) and returns 0 or a CU_E*
 * code with a message (cu_error_message). Inputs are JSON objects checked
 * field by field (unknown fields are refused); outputs are JSON objects owned
 * by the caller. The CLI and the HTTP API are thin layers over these calls.
 *
 * A cu_core holds one store connection: one per thread.
 */
#ifndef CU_CORE_H
#define CU_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"
#include "util/util.h"
#include "vault/vault.h"

typedef struct cu_core cu_core;

typedef struct cu_core_config {
	const char *datadir;
	int64_t session_ttl; /* seconds a login session lasts (0: 12 hours) */
	/*
	 * Failed logins allowed within login_window seconds (0: 15 minutes) per
	 * account (0: 10) and per client address (0: 100); further attempts are
	 * refused (CU_ELIMIT) until the window passes.
	 */
	int login_limit_account, login_limit_address;
	int64_t login_window;
	int64_t session_idle; /* seconds a login session may go unused (0: 1 hour) */
} cu_core_config;

/* The user on whose behalf an operation runs. */
typedef struct cu_actor {
	int64_t user_id, org_id;
	char username[65], org[17], role[16];
	bool operator_admin; /* an admin of the operator organisation */
	/*
	 * Set by cu_auth_bearer on a core that refuses writes when the session's
	 * last use is due to be written: the caller has it written by another
	 * core (cu_auth_touch), or the session ends idle although in use.
	 */
	bool touch_due;
} cu_actor;

/*
 * Creates a data directory (0700) with its node key, database and reference
 * data, and the first administrator in the operator organisation "HUB".
 * CU_EEXISTS if it is already initialised.
 */
int cu_core_init(const char *datadir, const char *admin, const char *password);
bool cu_core_initialised(const char *datadir);
/* A password a person chose (init, a new user, a change; users.c): at least
 * CU_PASSWORD_MIN characters, CU_EINVALID saying so if not. */
#define CU_PASSWORD_MIN 8
int cu_password_policy(const char *pw);

int cu_core_open(cu_core **out, const cu_core_config *cfg);
void cu_core_close(cu_core *c);
cu_store *cu_core_store(cu_core *c);
/* From now on this core only reads (cu_store_refuse_writes): an event loop's. */
int cu_core_refuse_writes(cu_core *c);
/* Whether an operation failed because it wanted to write (and forgets it). */
bool cu_core_write_refused(cu_core *c);
const char *cu_core_datadir(cu_core *c);

/* Authentication. */
int cu_actor_load(cu_core *c, cu_actor *out, const char *username);
/*
 * Exchanges a username and password for a session token. addr is the
 * client's address (NULL or "": not counted per address). CU_EAUTH for a
 * wrong username or password; CU_ELIMIT while the account or the address has
 * used up its failed logins, whatever the password (*retry_after, if not
 * NULL: the seconds until its window passes).
 */
int cu_auth_login(cu_core *c, json_t **out, const char *username, const char *password,
                  const char *addr, int64_t *retry_after);
int cu_auth_bearer(cu_core *c, cu_actor *out, char token_id[17], const char *token);
/* Records a login session's last use now (see cu_actor.touch_due). */
int cu_auth_touch(cu_core *c, const char *token_id);
int cu_auth_logout(cu_core *c, const cu_actor *a, const char *token_id);

/*
 * Records in the audit trail (event "access.denied") that the actor was
 * refused something it can see (CU_EDENIED, HTTP 403): what (a route's
 * "METHOD /template"), target (the path asked for) and the refusal's reason.
 * (What it may not see answers as absent and is not recorded: that would
 * record every mistyped id.)
 */
int cu_audit_denied(cu_core *c, const cu_actor *a, const char *what, const char *target,
                    const char *reason);

/* Need-to-know: the one place that decides (access.c). */
typedef enum { CU_OP_READ, CU_OP_CONTRIBUTE, CU_OP_MANAGE } cu_op;
/*
 * 0 if allowed; CU_ENOTFOUND if the case does not exist or the actor's
 * organisation may not see it (the two are indistinguishable on purpose);
 * CU_EDENIED if it may see it but not do op.
 */
int cu_access_case(cu_core *c, const cu_actor *a, int64_t case_id, cu_op op);
int cu_access_jit(cu_core *c, const cu_actor *a, int64_t jit_id, cu_op op);
/* A cooperation request (its case, issuing and executing organisations):
 * *full tells whether the actor also sees the case. CU_OP_MANAGE is a
 * judicial act on it (issue, send, decide, withdraw): prosecutors and
 * administrators only. */
int cu_access_request(cu_core *c, const cu_actor *a, bool *full, int64_t case_id,
                      int64_t issuing_org, int64_t executing_org, cu_op op);
/* The same from a request's stored document: the executing organisation
 * sees a request from when it is sent, not while it is a draft. */
int cu_access_request_doc(cu_core *c, const cu_actor *a, bool *full, const json_t *doc, cu_op op);
/* A meeting: a case's as its case; a network event (case_id 0) read by its
 * organiser and participants, changed by its organiser; a session with its
 * own list (organiser_org 0) read and changed only by those invited. */
int cu_access_meeting(cu_core *c, const cu_actor *a, int64_t case_id, int64_t organiser_org,
                      bool participant, cu_op op);
/* User administration of organisation org_id. */
int cu_access_users(const cu_actor *a, int64_t org_id, cu_op op);
/* Reference data: read by everyone, managed by operator admins. */
int cu_access_refdata(const cu_actor *a, cu_op op);
/* The operating figures (metrics): operator admins only; CU_EDENIED otherwise. */
int cu_access_operations(const cu_actor *a);

/*
 * Operations (health.c): what monitoring reads of an installation, at the
 * moment it asks, through this core's own store connection. Counts only.
 */
typedef struct cu_ops_status {
	int64_t ledger_size;     /* entries */
	int64_t checkpoint_size; /* entries the latest checkpoint covers (-1: none yet) */
	int64_t checkpoint_time; /* Unix seconds it was signed at (0: none yet) */
	int64_t jobs_queued;     /* text-extraction jobs waiting */
	int64_t hits_pending;    /* open hits not yet confirmed or dismissed by both sides */
} cu_ops_status;
int cu_ops_status_read(cu_core *c, cu_ops_status *out);
/* Readiness checks: 0, or the code with its message. The store answers a
 * trivial query; the blob store answers a lookup (of a name no blob has)
 * with "not found" rather than an error. */
int cu_ops_check_store(cu_core *c);
int cu_ops_check_blobs(cu_core *c);
/* The data directory's file system has room for writes (CU_ENOSPACE below
 * 64 MiB free, or CUSTODIA_READY_DISK_MIN_MB): a node whose every write
 * answers 507 is not ready for traffic. */
int cu_ops_check_disk(cu_core *c);
/* Whether some node holds the ledger's sequencer role (cu_store_sequencer_held). */
int cu_ops_sequencer_held(cu_core *c, bool *held);

/* Reference data shipped with the platform (refdata.c). */
int cu_refdata_load(cu_store *s);
int cu_crime_type_list(cu_core *c, json_t **out);

/* Organisations. */
int cu_org_list(cu_core *c, const cu_actor *a, json_t **out);
int cu_org_get(cu_core *c, const cu_actor *a, json_t **out, const char *code);
int cu_org_create(cu_core *c, const cu_actor *a, json_t **out, const json_t *in);
int cu_org_update(cu_core *c, const cu_actor *a, json_t **out, const char *code,
                  const json_t *in);

/* Users: in {username, password, org, role, full_name, disabled}. */
int cu_user_create(cu_core *c, const cu_actor *a, json_t **out, const json_t *in);
int cu_user_list(cu_core *c, const cu_actor *a, json_t **out, const char *org);
int cu_user_get(cu_core *c, const cu_actor *a, json_t **out, const char *username);
int cu_user_update(cu_core *c, const cu_actor *a, json_t **out, const char *username,
                   const json_t *in);

/* API tokens: in {label, expires_in_days}; the secret is in *out once. */
int cu_token_create(cu_core *c, const cu_actor *a, json_t **out, const json_t *in);
int cu_token_list(cu_core *c, const cu_actor *a, json_t **out);
int cu_token_revoke(cu_core *c, const cu_actor *a, const char *id);

/*
 * Cases: in {title, crime_types, opened_on, retention_review_on,
 * national_ref, participants: [{org, access, national_ref}]}.
 */
int cu_case_create(cu_core *c, const cu_actor *a, json_t **out, const json_t *in);
/* Finds a case by id ("42"), reference or national case number. */
int cu_case_resolve(cu_core *c, const cu_actor *a, int64_t *out, const char *ref);
int cu_case_get(cu_core *c, const cu_actor *a, json_t **out, int64_t id);
/* Appends {"items":[...],"next":N|null,"count":N} to out. */
int cu_case_list(cu_core *c, const cu_actor *a, cu_buf *out, const cu_case_filter *f);
/* in {title, crime_types, retention_review_on, status} */
int cu_case_update(cu_core *c, const cu_actor *a, json_t **out, int64_t id, const json_t *in);
int cu_case_close(cu_core *c, const cu_actor *a, json_t **out, int64_t id, const json_t *in);
/* in {org, access, national_ref} */
int cu_participant_add(cu_core *c, const cu_actor *a, json_t **out, int64_t case_id,
                       const json_t *in);
int cu_participant_update(cu_core *c, const cu_actor *a, json_t **out, int64_t case_id,
                          const char *org, const json_t *in);
int cu_participant_remove(cu_core *c, const cu_actor *a, int64_t case_id, const char *org);
int cu_case_events(cu_core *c, const cu_actor *a, json_t **out, int64_t case_id,
                   int64_t after, int limit);

/*
 * JITs: in {name, signed_on, expires_on, cases: [id|reference],
 * members: [{org, role}]}. An expired JIT is read-only until extended.
 */
int cu_jit_create(cu_core *c, const cu_actor *a, json_t **out, const json_t *in);
int cu_jit_list(cu_core *c, const cu_actor *a, json_t **out);
int cu_jit_get(cu_core *c, const cu_actor *a, json_t **out, int64_t id);
int cu_jit_extend(cu_core *c, const cu_actor *a, json_t **out, int64_t id, const json_t *in);
int cu_jit_member_add(cu_core *c, const cu_actor *a, json_t **out, int64_t id,
                      const json_t *in);
int cu_jit_case_add(cu_core *c, const cu_actor *a, json_t **out, int64_t id, const json_t *in);

/*
 * Evidence (evidence.c, docs/vault.md). Metadata in {title, description, kind,
 * original_name, collected_by, collected_by_org, collected_at, method,
 * source_url, source_place, latitude, longitude, language, legal_status,
 * tags, received_from}. Content is streamed in with cu_evidence_write and
 * committed with its record only once durable. An item is readable by those
 * who see its case, and by organisations holding an active grant for it.
 */
enum { CU_INGEST_THREADED = 1, CU_INGEST_DEFERRED = 2 };
typedef struct cu_ingest cu_ingest;
int cu_evidence_begin(cu_core *c, const cu_actor *a, cu_ingest **out, int64_t case_id,
                      const json_t *meta, unsigned flags);
int cu_evidence_write(cu_ingest *in, const void *data, size_t len);
uint64_t cu_evidence_received(const cu_ingest *in);
/* Ends the content: the blob is finished (not yet placed, for a deferred
 * ingest) and its buffers freed, so that a batch waits with little memory. */
int cu_evidence_end(cu_ingest *in);
/* The SHA-256 (hex) the sender expects: commit refuses other content. */
void cu_evidence_expect(cu_ingest *in, const char *sha256_hex);
/* Whether the ingest's user may still add to its case, and the case is open. */
int cu_evidence_authorised(cu_core *c, const cu_ingest *in);
/* Whether the ingest was started by this user (uploads span requests). */
bool cu_evidence_owned_by(const cu_ingest *in, const cu_actor *a);
/*
 * Finishes n ingests (deferred ones are synced together), then records their
 * items and "registered" custody events in one transaction. *out is an
 * array of the item documents. The ingests are freed whatever the outcome.
 */
int cu_evidence_commit(cu_core *c, cu_ingest **ins, size_t n, json_t **out);
void cu_evidence_abort(cu_ingest *in);

int cu_evidence_get(cu_core *c, const cu_actor *a, json_t **out, int64_t id);
/*
 * Items of a case (case_id > 0) or all items granted to the actor's
 * organisation, in id order: those after `after`, at most `limit` (0: all).
 */
int cu_evidence_list(cu_core *c, const cu_actor *a, json_t **out, int64_t case_id,
                     int64_t after, int limit);
/*
 * Authorises reading an item's content and records it ("accessed", with
 * the purpose) before returning a reader. If a later read fails
 * authentication, call cu_evidence_mark_failed.
 */
int cu_evidence_open(cu_core *c, const cu_actor *a, cu_blob_reader **out, json_t **item,
                     int64_t id, const char *purpose);
void cu_evidence_mark_failed(cu_core *c, int64_t id);
/* The item's chain of custody in order: events after seq `after`, at most `limit` (0: all). */
int cu_evidence_custody(cu_core *c, const cu_actor *a, json_t **out, int64_t id, int64_t after,
                        int limit);
/* Records received, transferred, sealed, analysed or exported: in {event, reason, details};
 * *out: the event recorded, as in the chain (cu_evidence_custody). */
int cu_evidence_custody_add(cu_core *c, const cu_actor *a, json_t **out, int64_t id,
                            const json_t *in);
/* Re-reads blobs of a case (0: every case the actor may check): a report. */
int cu_evidence_verify(cu_core *c, const cu_actor *a, json_t **out, int64_t case_id,
                       int64_t item_id);
int cu_evidence_erase(cu_core *c, const cu_actor *a, json_t **out, int64_t id,
                      const json_t *in);
/* Removes temporary files and blobs no record keeps (when nobody ingests). */
int cu_evidence_sweep(cu_core *c, int *removed);
/* The sorted, distinct names of every blob a record keeps (items not erased,
 * their extracted texts): what a migration or a backup must copy. Caller frees. */
int cu_evidence_blob_names(cu_core *c, char (**out)[65], size_t *n);
/*
 * Every kept item's and text's blob authenticated against its recorded
 * SHA-256 and size, as cu_evidence_verify does, but recording nothing (no
 * custody event): the check of a migration's or a restore's result, whose
 * ledger must stay what it was. gone: blob names that may be missing (erased
 * after a backup's snapshot), or NULL. *out: {ok, items, texts, problems
 * [, erased_after_snapshot]}.
 */
int cu_evidence_authenticate(cu_core *c, const json_t *gone, json_t **out);

/* Grants: in {case, items: [id], org, legal_basis, expires_on}. */
int cu_grant_create(cu_core *c, const cu_actor *a, json_t **out, const json_t *in);
int cu_grant_list(cu_core *c, const cu_actor *a, json_t **out);
int cu_grant_get(cu_core *c, const cu_actor *a, json_t **out, int64_t id);
/* The originator's answer for its items: in {decision: "given"|"refused"}. */
int cu_grant_consent(cu_core *c, const cu_actor *a, json_t **out, int64_t id,
                     const json_t *in);
int cu_grant_revoke(cu_core *c, const cu_actor *a, json_t **out, int64_t id,
                    const json_t *in);

/* Retention: triggers {trigger, on, note}, legal holds {reason}, what is due. */
int cu_retention_trigger_add(cu_core *c, const cu_actor *a, json_t **out, int64_t case_id,
                             const json_t *in);
int cu_hold_add(cu_core *c, const cu_actor *a, json_t **out, int64_t case_id,
                const json_t *in);
/* case_id 0: the hold's own case (else it must be the hold's). */
int cu_hold_release(cu_core *c, const cu_actor *a, int64_t case_id, int64_t hold_id);
int cu_retention_due(cu_core *c, const cu_actor *a, json_t **out, int within_days);

/*
 * The ledger (ledger.c, docs/ledger.md): every event and custody record is an
 * entry of an RFC 9162 Merkle log, appended in the transaction that writes
 * the record. Proof and checkpoint answers carry hashes in base64.
 */
/* The verifier key of this node's checkpoints (name+hash+base64). */
int cu_ledger_key(cu_core *c, char vkey[300]);
int cu_ledger_root(cu_core *c, uint8_t root[32], int64_t size);
/*
 * The first `width` hashes of C2SP tile level/n (tree level 8·level) of the
 * current tree: a full tile from the store, the partial one from memory.
 * CU_ENOTFOUND if the tree has no such tile yet.
 */
int cu_ledger_tile(cu_core *c, uint8_t out[256][32], int level, int64_t n, int width);
/*
 * A cu_node_reader (ledger/merkle.h) over a store's tiles, ctx the cu_store:
 * the tree as of the first call on the connection (what proofs use, for
 * tests and benchmarks).
 */
int cu_ledger_tree_node(void *store, int level, int64_t n, uint8_t out[32]);
/* The connection's memo of right-edge hashes (ledger/merkle.h) that core's
 * proofs use with that reader; NULL before the reader's first call. */
struct cu_merkle_memo *cu_ledger_tree_memo(void *store);
/* Appends an entry given as its exact bytes, with no record (benchmarks):
 * inside a transaction. */
int cu_ledger_append_entry(cu_store *s, const char *entry, size_t len, const char *kind,
                           int64_t ref);
/* Signs a checkpoint of the current tree unless the latest already covers it
 * (force: sign anyway). *out: {size, root, note, at}. */
int cu_ledger_checkpoint(cu_core *c, json_t **out, bool force);
int cu_ledger_prove_inclusion(cu_core *c, json_t **out, int64_t index, int64_t size);
int cu_ledger_prove_consistency(cu_core *c, json_t **out, int64_t from, int64_t to);
/*
 * Recomputes the tree from the stored entries in one pass and checks every
 * stored hash, that every record has one entry, every checkpoint's signature
 * and root, and (unless log_only) that each entry is the one its record makes
 * — the record's commitment rebuilt from the stored row — so that an edited
 * or deleted record shows at its index (docs/ledger.md, "Verification"):
 * {ok, mode ("records" or "log-only"), size, root, checkpoints,
 * problems: [{index, problem}], first_bad_index}.
 */
int cu_ledger_verify(cu_core *c, json_t **out, bool log_only);
/* A record's ledger entry, its canonical record and salt:
 * {index, entry, record, salt}; kind is "event" or "custody". */
int cu_ledger_record(cu_core *c, json_t **out, const char *kind, int64_t ref);
/*
 * Writes an evidence bundle (docs/bundle.md) of items of a case for an
 * organisation: the files, a CASE/UCO manifest, the ledger entries of each
 * item's registration and custody with their records (those the exporter
 * sees restricted without their record: entry and proof only), inclusion
 * proofs and the signed checkpoint. The export is recorded once every item's
 * content is written, as an "exported" custody event that commits to the
 * manifest and lists the chain; a failed export records nothing.
 * items: NULL for every item of the case. *out: a summary.
 */
int cu_bundle_export(cu_core *c, const cu_actor *a, json_t **out, int64_t case_id,
                     const int64_t *items, size_t n, const char *for_org, const char *path);
/* Witnessing (witness.c): this node's cosignature key; the checkpoint as
 * published (with the cosignatures it received); accepting a cosignature
 * {size, cosignature, witness_key}; witnessing another log. */
/*
 * Keys (src/core/keys.c, docs/keys.md), for an administrator of the operator
 * (CU_EDENIED otherwise); rotations refuse with CU_ECONFLICT while a server
 * runs on the database (PostgreSQL: holds the sequencer) or another key
 * operation runs.
 * cu_ledger_keys: the signing-key chain, [{vkey, since, index}], oldest first.
 * cu_keys_rotate_signing: a new node key, announced by a key-transition entry
 * signed by both keys; *out {old, new, index, since, checkpoint}.
 * cu_keys_rotate_master: a new master key (same form, same blob-name key);
 * every case key re-wrapped in one transaction; *out {form, master_id,
 * previous, case_keys}.
 * cu_keys_recover: completes or undoes a rotation a crash interrupted (at open).
 * cu_keys_status: {master: {form, id[, module, token, key]}, signing_keys}.
 */
int cu_ledger_keys(cu_core *c, json_t **out);
int cu_keys_rotate_signing(cu_core *c, const cu_actor *a, json_t **out);
int cu_keys_rotate_master(cu_core *c, const cu_actor *a, json_t **out);
int cu_keys_recover(cu_core *c);
int cu_keys_status(cu_core *c, json_t **out);
int cu_ledger_witness_key(cu_core *c, char vkey[300]);
int cu_ledger_published(cu_core *c, char **out);
int cu_ledger_cosignature_add(cu_core *c, json_t **out, const json_t *in);
/*
 * The witnesses this log trusts ([{name, vkey, added}]): only their
 * cosignatures are accepted (CU_EDENIED for others) and published. Adding
 * (by cosignature key; CU_EEXISTS for a name already trusted) and removing
 * (by name or key; CU_ENOTFOUND) are for an administrator of the operator
 * (CU_EDENIED) and recorded as events. *out: the witness added or removed.
 */
int cu_ledger_witnesses(cu_core *c, json_t **out);
int cu_ledger_witness_trust(cu_core *c, const cu_actor *a, json_t **out, const char *vkey);
int cu_ledger_witness_untrust(cu_core *c, const cu_actor *a, json_t **out, const char *which);
int cu_ledger_witness(cu_core *c, json_t **out, const char *log_url, const char *log_vkey,
                      bool submit);
/*
 * Gives records written before the ledger existed their entries, once: a
 * store whose meta has CU_LEDGER_COMPLETE (set by init, or by this after an
 * upgrade's catch-up) is never caught up again (at open).
 */
#define CU_LEDGER_COMPLETE "ledger_complete"
int cu_ledger_catch_up(cu_core *c);

/*
 * Entities and cross-matching (entities.c, xref.c, import.c; docs/match.md).
 * An entity input is {kind, names, born, nationalities, gender, identifiers,
 * registration_number, country, number, address, plate, imo, mmsi, iban,
 * currency, doc_type, latitude, longitude, notes, source} with the fields
 * its kind takes. Adding or changing an entity matches it against every
 * other case in the same transaction; *out carries "hits_found".
 */
struct cu_mrec;
int cu_entity_create(cu_core *c, const cu_actor *a, json_t **out, int64_t case_id,
                     const json_t *in);
int cu_entity_get(cu_core *c, const cu_actor *a, json_t **out, int64_t id);
int cu_entity_list(cu_core *c, const cu_actor *a, json_t **out, int64_t case_id);
int cu_entity_update(cu_core *c, const cu_actor *a, json_t **out, int64_t id, const json_t *in);
/* Validates an input without storing it. */
int cu_entity_check(const json_t *in);
/*
 * Imports entities into a case from CSV (a header row naming input fields;
 * list fields separated by ";") or FollowTheMoney JSON lines. Every row is
 * checked first: with bad rows nothing is imported unless skip_invalid, and
 * *out lists each bad row with its reason: {imported, skipped, rows:
 * [{row, error}], unsupported: {schema: count}, hits_found}.
 */
int cu_entity_import(cu_core *c, const cu_actor *a, json_t **out, int64_t case_id,
                     const char *format, const char *data, size_t len, bool skip_invalid);
/*
 * Reads and checks an import as cu_entity_import does, writing nothing (and
 * needing no store): *out {valid, invalid, errors: [{row, error}], unsupported}.
 * CU_EINVALID for an unknown format or CSV that cannot be read.
 */
int cu_entity_import_check(json_t **out, const char *format, const char *data, size_t len);

double cu_match_threshold(cu_core *c);
int cu_match_threshold_set(cu_core *c, const cu_actor *a, double threshold);
/* Matches case_id's entities again (0: every case, operator administrators). */
int cu_xref(cu_core *c, const cu_actor *a, json_t **out, int64_t case_id);
/* Hits the actor may know of (case_id > 0: of that case), newest first, of
 * the CU_HIT_LIST_MAX newest open hits of the actor's organisation's cases;
 * review: "new", "confirmed", "dismissed" or NULL for all; a page of limit
 * hits (0: no limit) after the first offset. */
#define CU_HIT_LIST_MAX 1000
int cu_hit_list(cu_core *c, const cu_actor *a, json_t **out, int64_t case_id,
                const char *review, int limit, int offset);
int cu_hit_get(cu_core *c, const cu_actor *a, json_t **out, int64_t id);
/* review: "confirmed" or "dismissed", for the sides the actor contributes to. */
int cu_hit_review(cu_core *c, const cu_actor *a, json_t **out, int64_t id, const char *review,
                  const char *note);
int cu_hit_request_access(cu_core *c, const cu_actor *a, json_t **out, int64_t id,
                          const char *message);
/*
 * Scores name pairs [{a, b, label}] as persons at the threshold (<= 0: the
 * configured one; c may be NULL for the default): {threshold, pairs: [{a, b,
 * score, match, explanation, label}], evaluation: {tp, fp, fn, tn,
 * precision, recall, f1} when labels are given}.
 */
int cu_match_pairs(cu_core *c, json_t **out, const json_t *pairs, double threshold);

/*
 * Search (search.c, docs/search.md): cases, entities, evidence metadata and
 * extracted text, in FTS5 query syntax (words, "phrases", prefix*, AND, OR,
 * NOT), words matched in a Latin form whatever their script; only what the
 * actor may see, counts and facets included. *out: {items: [{kind, ref_id,
 * case_id, case_reference, item_id, org, lang, day, title, snippet,
 * snippet_html, rank}], total, facets, offset, limit}.
 */
typedef struct cu_search_params {
	const char *q, *case_ref, *kind, *lang, *from, *to, *org;
	int limit, offset;
} cu_search_params;
int cu_search(cu_core *c, const cu_actor *a, json_t **out, const cu_search_params *p);
/* Rebuilds the index from the records (a: NULL for the system itself). */
int cu_search_reindex(cu_core *c, const cu_actor *a, json_t **out);

/*
 * Jobs (jobs.c): text extraction in the background. Workers are threads
 * with their own connections; cu_jobs_run_one does one job on this thread.
 */
int cu_job_list(cu_core *c, const cu_actor *a, json_t **out, const char *state);
int cu_job_retry(cu_core *c, const cu_actor *a, json_t **out, int64_t id);
int cu_jobs_run_one(cu_core *c, const char *worker, bool *did);
/* Puts jobs a crash left running back in the queue. */
int cu_jobs_recover(cu_core *c, int *requeued);
typedef struct cu_workers cu_workers;
int cu_workers_start(cu_workers **out, const cu_core_config *cfg, int n);
void cu_workers_stop(cu_workers *w);

/*
 * Judicial cooperation (requests.c, stats.c; docs/cooperation.md). A request
 * input is {case, kind, title, executing_org, executing_country,
 * issuing_country, issuing_ref, legal_basis, urgent, issued_on, subjects:
 * [entity id], notes}; the issuing organisation is the actor's. Legal time
 * limits come from one table of rules per kind and run from the milestones
 * the request reaches (received, recognised, arrested, consented).
 * A request is visible to those who see its case and to its issuing and
 * executing organisations (which see the request, not the case).
 */
int cu_request_create(cu_core *c, const cu_actor *a, json_t **out, const json_t *in);
int cu_request_get(cu_core *c, const cu_actor *a, json_t **out, int64_t id);
/* {case, kind, status, limit}: visible requests, newest first. */
int cu_request_list(cu_core *c, const cu_actor *a, json_t **out, const json_t *filter);
/* in {to, on, note}: a transition the status table allows, dated `on` (default today). */
int cu_request_status(cu_core *c, const cu_actor *a, json_t **out, int64_t id,
                      const json_t *in);
/* in {event: "arrested"|"consented", on, note}: starts the clocks that run from it. */
int cu_request_milestone(cu_core *c, const cu_actor *a, json_t **out, int64_t id,
                         const json_t *in);
/* in {deadline, days, reason}: reasons required; capped by the rule's article. */
int cu_request_extend(cu_core *c, const cu_actor *a, json_t **out, int64_t id,
                      const json_t *in);
/* in {step, due_on, note}: a limit set by hand, for kinds without fixed limits. */
int cu_request_deadline_set(cu_core *c, const cu_actor *a, json_t **out, int64_t id,
                            const json_t *in);
/* Open deadlines due within `within_days` of today, or overdue: {as_of, within_days,
 * overdue: [...], due_soon: [...]}. */
int cu_request_due(cu_core *c, const cu_actor *a, json_t **out, int within_days);
/* The table of deadline rules (the kinds, steps, limits and articles). */
json_t *cu_request_rules(void);
/*
 * Statistics of a year, computed from the events among the first `as_of`
 * ledger entries (0: a checkpoint of the current tree, signed if needed),
 * counting only what the actor's organisation sees unless it is an
 * operator administrator. *out names the snapshot: {year, scope, snapshot:
 * {ledger_size, root, day, checkpoint}, cases, jits, requests, deadlines}.
 */
int cu_stats(cu_core *c, const cu_actor *a, json_t **out, int year, int64_t as_of);
/* The same figures as CSV rows "year,metric,key,value" with a header. */
int cu_stats_csv(cu_buf *out, const json_t *stats);

/*
 * Meetings (meetings.c; docs/cooperation.md). in {kind: coordination |
 * plenary | study_visit | conference | other, case (coordination only),
 * title, held_on, place, agenda, participants: [org], sessions: [{title,
 * closed, agenda, participants: [org]}], actions: [{text, org, request,
 * due_on}]}. A case's meeting is seen by those who see the case; a network
 * event by its organiser (the actor's organisation) and participants; a
 * closed session only by the organisations invited to it (a subset of the
 * meeting's participants).
 */
int cu_meeting_create(cu_core *c, const cu_actor *a, json_t **out, const json_t *in);
int cu_meeting_get(cu_core *c, const cu_actor *a, json_t **out, int64_t id);
/* {case, kind, limit}: visible meetings, latest first. */
int cu_meeting_list(cu_core *c, const cu_actor *a, json_t **out, const json_t *filter);
/* in {outcome, session, actions}: the outcome of the meeting or of one session. */
int cu_meeting_outcome(cu_core *c, const cu_actor *a, json_t **out, int64_t id,
                       const json_t *in);

/*
 * The interview register (interviews.c). in {case, entity, role: victim |
 * witness, status: planned | held, on, interviewer, authority, request,
 * record_item, notes}; the interviewing organisation is the actor's.
 * Planning an interview reports earlier interviews of the same person: in
 * its case, and in other cases through the entity's hits, of which a case
 * the actor cannot see reveals only the organisation and the month
 * ("earlier_interviews").
 */
int cu_interview_create(cu_core *c, const cu_actor *a, json_t **out, const json_t *in);
int cu_interview_get(cu_core *c, const cu_actor *a, json_t **out, int64_t id);
/* {case, entity, limit}: visible interviews, latest first. */
int cu_interview_list(cu_core *c, const cu_actor *a, json_t **out, const json_t *filter);

/*
 * The demo scenario of domain.md: demo users (password "demo"), the three
 * cases and their JITs. extra_cases generated cases are added for load tests.
 */
int cu_demo_load(cu_core *c, int extra_cases);

/*
 * Action days (actiondays.c; docs/cooperation.md). A plan is {case, title,
 * day, timezones: {country: IANA zone}, notes, actions: [action]}; an
 * action {kind (arrest, house_search, seizure, witness_interview,
 * asset_freezing, hearing), country (one of the plan's), org (executing),
 * entity (of the case), planned_time (HH:MM local), place, description}.
 * Those who see the case see the day; only the executing organisation posts
 * an action's updates {status: started|completed|failed, result, evidence:
 * item id of the case}. Updates are numbered per day (seq 1, 2, ...).
 */
int cu_actionday_create(cu_core *c, const cu_actor *a, json_t **out, const json_t *in);
int cu_actionday_get(cu_core *c, const cu_actor *a, json_t **out, int64_t id);
/* Days of cases the actor sees (case_ref: of that case only), newest first. */
int cu_actionday_list(cu_core *c, const cu_actor *a, json_t **out, const char *case_ref);
int cu_actionday_action_add(cu_core *c, const cu_actor *a, json_t **out, int64_t day_id,
                            const json_t *in);
/* *out: the update as streamed {seq, action_id, kind, country, org, ..., action_day_id}. */
int cu_action_update(cu_core *c, const cu_actor *a, json_t **out, int64_t action_id,
                     const json_t *in);
/* Updates with seq > after, in order, at most limit (need-to-know checked). */
int cu_actionday_updates(cu_core *c, const cu_actor *a, json_t **out, int64_t day_id,
                         int64_t after, int limit);
/* The same without an actor: for a stream whose reader was checked when it opened. */
int cu_actionday_since(cu_core *c, json_t **out, int64_t day_id, int64_t after, int limit);
int cu_actionday_last_seq(cu_core *c, int64_t *out, int64_t day_id);

/* Records one event (core-internal helpers use it; exposed for tests). */
int cu_core_event(cu_core *c, const cu_actor *a, const char *action, const char *object_type,
                  const char *object_id, int64_t case_id, int64_t jit_id, const json_t *before,
                  const json_t *after);

#endif
