/* SPDX-License-Identifier: Apache-2.0 */
/*
 * core: backups of an installation and their restore (backup.c,
 * docs/backup.md). A backup target is a blob store (a directory, or
 * s3://BUCKET/PREFIX?endpoint=URL&region=R) holding, per backup, its
 * encrypted records, its sealed keys and a signed manifest, and the
 * evidence blobs of every backup, shared (content-addressed: incremental).
 *
 * The functions read and write no environment but each other's data
 * directories: run them with CUSTODIA_DB and CUSTODIA_BLOBS unset (the CLI
 * does), since the stores they open are given explicitly.
 */
#ifndef CU_CORE_BACKUP_H
#define CU_CORE_BACKUP_H

#include "core/core.h"

/*
 * Backs the installation at datadir up to target while it keeps serving:
 * a consistent snapshot of the records first (cu_store_snapshot), a
 * checkpoint of its tree signed into the snapshot if none covers it, then
 * every blob the snapshot names that the target lacks, the records
 * encrypted with a random key, the keys sealed with the passphrase, and the
 * signed manifest last (a backup exists once its manifest does). A blob
 * erased between the snapshot and its copy is reported in the manifest
 * ("missing"), not an error. The manifest records each blob's ciphertext
 * size and SHA-256; blobs the target already holds are checked against the
 * latest backup's record (size, or with verify every byte), and a mismatch
 * is CU_EVERIFY before any manifest is written (*out then {ok: false,
 * error, damaged: [...]}). *out: the manifest and what was copied.
 * CU_EINVALID for a bad target (or one that is, holds or lies in datadir)
 * or passphrase, CU_EIO, CU_EDB.
 */
int cu_backup_make(json_t **out, const char *datadir, const char *target, const char *passphrase,
                   bool verify);

/* The backups in target, oldest first: [{id, created_at, engine, ...}]
 * as their manifests say (signatures not checked: no passphrase). */
int cu_backup_list(json_t **out, const char *target);

typedef struct cu_restore_opts {
	const char *from;       /* the target backed up to */
	const char *id;         /* NULL: the latest */
	const char *to;         /* a data directory that does not exist or is empty */
	const char *db;         /* NULL: SQLite in to/; else a PostgreSQL URL (server or empty db) */
	const char *blobs;      /* NULL: to/blobs; else file:///DIR or s3://... */
	const char *passphrase;
} cu_restore_opts;

/*
 * Rebuilds an installation from a backup: the manifest's signature checked
 * with the node key the sealed keys hold, every object's SHA-256 with the
 * manifest's, the records decrypted (authenticated) and copied where they
 * go, the blobs copied and read back; then the result checked as `ledger
 * verify` and `evidence verify` would (without recording the checks, so the
 * ledger stays the backup's) and its tree's size, root and latest checkpoint
 * compared with the manifest's. Staged beside `to` and renamed into place
 * only when all of it holds: a failure leaves nothing (but blobs already
 * copied into an external store, which are content-addressed and harmless).
 * *out: a report ({ok: true, ...}); on a failure too, once there is one
 * ({ok: false, error, evidence: {problems: [{item, case, blob_name, where}]}}):
 * the caller frees it either way. CU_EAUTH: wrong passphrase; CU_EVERIFY: a tampered or
 * damaged object or a result that does not verify; CU_EEXISTS: `to` is not
 * empty; CU_ENOTFOUND: no such backup.
 */
int cu_backup_restore(json_t **out, const cu_restore_opts *o);

#endif
