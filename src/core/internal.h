/* SPDX-License-Identifier: Apache-2.0 */
/* core: definitions shared by the core's files (not part of its interface). */
#ifndef CU_CORE_INTERNAL_H
#define CU_CORE_INTERNAL_H

#include "core/core.h"

struct cu_core {
	cu_store *store;
	cu_vault *vault;
	char *datadir;
	int64_t session_ttl;
	int login_limit_account, login_limit_address;
	int64_t login_window;
	int64_t session_idle;
	bool no_writes; /* cu_core_refuse_writes */
	char operator_org[17];
};

/*
 * Runs body inside a transaction: commits if it leaves r == 0, rolls back
 * otherwise. `break` inside body leaves the body (not the transaction).
 */
#define CU_TXN(c, r, body)                                  \
	do {                                                  \
		if (((r) = cu_store_begin((c)->store)) == 0) {     \
			do {                                          \
				body;                                     \
			} while (0);                                  \
			if ((r) == 0)                                 \
				(r) = cu_store_commit((c)->store);        \
			else                                          \
				cu_store_rollback((c)->store);            \
		}                                                 \
	} while (0)

/* Appends an event and its ledger entry (salt made here): inside a transaction. */
int cu_ledger_event(cu_store *s, const cu_event *ev);
/* The canonical record (docs/ledger.md) of event or custody row ref, built
 * from its stored columns as `ledger verify` builds it (no JSON objects):
 * *out malloc'd, *len bytes; CU_ENOTFOUND, CU_EINVALID (a value with no
 * canonical form), CU_ENOMEM, CU_EDB. For tests to compare with build(). */
int cu_ledger_record_bytes(cu_store *s, char **out, size_t *len, const char *kind, int64_t ref);
/* Appends a custody event and its ledger entry: inside a transaction.
 * out_seq (may be NULL): the event's number. */
int cu_core_custody(cu_core *c, int64_t *out_seq, int64_t item, const char *event,
                    const char *actor, const char *org, const char *reason,
                    const json_t *details);

bool cu_role_valid(const char *role);
/* Looks up an organisation by code: CU_EINVALID naming the field if unknown. */
int cu_org_id(cu_core *c, int64_t *out, const char *field, const char *code);
/* A case id as text for event records. */
void cu_id_text(char out[24], int64_t id);
/* The other way: a positive decimal id, all of s. CU_EINVALID naming the text. */
int cu_id_parse(int64_t *out, const char *s);

/* Entities (entities.c, xref.c): create with a source label; match one entity
 * inside the caller's transaction (its counts tell a only of cases a sees). */
int cu_entity_create_in(cu_core *c, const cu_actor *a, json_t **out, int64_t case_id,
                        const json_t *in, const char *source);
int cu_xref_entity(cu_core *c, const cu_actor *a, json_t **out, int64_t id,
                   const struct cu_mrec *m);
/* Builds an entity's match record again from its stored attributes, with the
 * matcher of this build; stores it if it differs (*changed), the entity
 * itself unchanged. Inside the caller's transaction. */
int cu_entity_renormalise(cu_core *c, int64_t id, bool *changed);

/* 0 if the case is open; CU_ECONFLICT "case REF is closed: no new WHAT"
 * otherwise, CU_ENOTFOUND if there is no such case (cases.c). */
int cu_case_open_for(cu_core *c, int64_t case_id, const char *what);

/* An item's blob header as recorded at registration; *have false if none was
 * (registered before headers were kept). */
int cu_evidence_blob_header(cu_core *c, int64_t id, uint8_t header[CU_STREAM_HEADER],
                            bool *have);

/* Whether the actor may read an item, recording nothing (evidence.c). */
int cu_evidence_visible(cu_core *c, const cu_actor *a, int64_t id);
/* The case's data key, created on first use (evidence.c). */
int cu_core_case_key(cu_core *c, uint8_t key[CU_KEY_LEN], int64_t case_id);

/*
 * What built the search index: the matcher's normaliser and the shape of
 * its documents. An index built otherwise is reported as outdated until
 * `search --reindex`.
 */
#define CU_SEARCH_INDEX CU_MATCH_NORMALISER " / cases by crime type label"
/* A crime type's label ("Trafficking in firearms and explosives"), or NULL. */
const char *cu_crime_label(const char *code);

/* Search and jobs (search.c, jobs.c). */
void cu_search_setup(void);
int cu_search_on_event(cu_core *c, const char *action, const char *object_type,
                       const char *object_id, int64_t case_id);
int cu_search_index_text(cu_core *c, int64_t item_id, const char *text, size_t len,
                         const char *lang);
int cu_jobs_enqueue(cu_core *c, int64_t item_id);
/* Reads an item's extracted text from the vault and indexes it. */
int cu_jobs_index_text(cu_core *c, int64_t item_id, const json_t *extract);

#endif
