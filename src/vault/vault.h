/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vault: evidence content on disk — content-addressed, encrypted blobs.
 *
 *   DATA/blobs/tmp/<random>.part      being written; never referenced
 *   DATA/blobs/<aa>/<name>            name = HMAC(blob-name key, case id ‖ SHA-256)
 *
 * A blob is the plaintext cut into 64 KiB units, each encrypted with the
 * case's data key (libsodium secretstream); the final unit is tagged final and
 * authenticated together with the plaintext's SHA-256, so a blob cannot be
 * truncated, altered, or swapped for another of the same case unnoticed
 * (docs/vault.md). The same content registered twice in a case is stored once.
 *
 * A writer hashes (on a second thread for large inputs) and encrypts as data
 * arrives; memory stays bounded whatever the size. A blob reaches its final
 * name only after its bytes are synced, so a record that names a blob never
 * outlives it.
 */
#ifndef CU_VAULT_H
#define CU_VAULT_H

#include <stdbool.h>
#include <stdint.h>

#include "crypto/crypto.h"
#include "util/util.h"

typedef struct cu_vault cu_vault;

/*
 * Opens the vault of a data directory (creating the master key) over the
 * blob store CUSTODIA_BLOBS names, else DATA/blobs (cu_vault_open_at).
 */
int cu_vault_open(cu_vault **out, const char *datadir);
/*
 * The same over the blob store blobs names (NULL or "": CUSTODIA_BLOBS, else
 * DATA/blobs): "file:///DIR" a directory shared by several nodes,
 * "s3://BUCKET/PREFIX?endpoint=URL&region=R" the S3 API with credentials from
 * AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (docs/vault.md).
 * CU_EINVALID for a malformed location, CU_EIO if the store cannot be reached.
 */
int cu_vault_open_at(cu_vault **out, const char *datadir, const char *blobs);
/* "local", "shared" or "s3". */
const char *cu_vault_store_kind(cu_vault *v);
void cu_vault_close(cu_vault *v);

/* Wraps/unwraps a case's data key with the master key ("case:<id>"). */
void cu_vault_wrap_case_key(cu_vault *v, uint8_t out[CU_WRAPPED_LEN], const uint8_t key[CU_KEY_LEN],
                            int64_t case_id);
int cu_vault_unwrap_case_key(cu_vault *v, uint8_t key[CU_KEY_LEN],
                             const uint8_t wrapped[CU_WRAPPED_LEN], int64_t case_id);
/*
 * Master key rotation (docs/keys.md). cu_vault_master and cu_vault_master_form
 * are borrowed until cu_vault_use_master or close. rewrap: a case key wrapped
 * by the vault's master key, wrapped again by `to` (CU_ECRYPTO if it does not
 * open). case_key_opens: whether master m opens a wrapped case key.
 * use_master: the vault switches to m (after master.key was replaced); m must
 * keep the blob-name key (CU_ECRYPTO otherwise).
 */
const cu_master *cu_vault_master(cu_vault *v);
const cu_master_form *cu_vault_master_form(cu_vault *v);
int cu_vault_rewrap_case_key(cu_vault *v, const cu_master *to, uint8_t out[CU_WRAPPED_LEN],
                             const uint8_t in[CU_WRAPPED_LEN], int64_t case_id);
int cu_vault_case_key_opens(const cu_master *m, uint8_t key[CU_KEY_LEN],
                            const uint8_t wrapped[CU_WRAPPED_LEN], int64_t case_id);
int cu_vault_use_master(cu_vault *v, const cu_master *m, const cu_master_form *form);

typedef struct cu_blob_info {
	uint8_t sha256[32];
	char sha256_hex[65];
	char name[65];       /* the blob's file name */
	uint64_t size;       /* plaintext bytes */
	char media_type[128];/* detected by libmagic from the first bytes */
	bool existed;        /* the same content was already stored for the case */
	/* The stored blob's secretstream header (the existing blob's if it
	 * existed): recorded with the item, it binds the blob to it on read. */
	uint8_t header[CU_STREAM_HEADER];
} cu_blob_info;

typedef struct cu_blob_writer cu_blob_writer;
/*
 * Starts a blob of case_id. threaded: hash on a second thread (large
 * inputs). deferred: cu_blob_finish leaves the blob unsynced in tmp/ and
 * cu_vault_place() syncs and places a batch at once (many small files).
 */
int cu_blob_create(cu_blob_writer **out, cu_vault *v, int64_t case_id,
                   const uint8_t key[CU_KEY_LEN], bool threaded, bool deferred);
/* CU_EIO (e.g. disk full) leaves the writer failed: abort it. */
int cu_blob_write(cu_blob_writer *w, const void *data, size_t len);
/*
 * Completes the blob; on success (non-deferred) it is durable under its
 * name. A deferred writer's media type is detected on another thread: take
 * the complete result with cu_blob_result after cu_vault_place.
 */
int cu_blob_finish(cu_blob_writer *w, cu_blob_info *out);
void cu_blob_result(cu_blob_writer *w, cu_blob_info *out);
/* Frees the writer; removes its temporary file unless finished and placed. */
void cu_blob_free(cu_blob_writer *w);
/* Syncs the deferred writers' files and moves them to their names, durably. */
int cu_vault_place(cu_vault *v, cu_blob_writer **ws, size_t n);

typedef struct cu_blob_reader cu_blob_reader;
/*
 * Opens the blob of (case_id, sha256), the content of `size` bytes:
 * CU_ENOTFOUND if missing. header: the blob's secretstream header as
 * recorded at registration (cu_blob_info.header), or NULL if none was:
 * another blob (of the same case, whose units authenticate under the same
 * key) is then refused before a byte of it is read (CU_EVERIFY).
 */
int cu_blob_open(cu_blob_reader **out, cu_vault *v, int64_t case_id,
                 const uint8_t key[CU_KEY_LEN], const uint8_t sha256[32], uint64_t size,
                 const uint8_t header[CU_STREAM_HEADER]);
/* The stored blob's header (for items registered before it was recorded). */
int cu_blob_header(cu_vault *v, int64_t case_id, const uint8_t sha256[32],
                   uint8_t header[CU_STREAM_HEADER]);
/*
 * Reads up to len plaintext bytes (*got = 0 at the end). CU_EVERIFY if the
 * stored blob was altered, truncated or extended, or is another content's:
 * nothing unauthenticated is ever returned, and the unit holding the
 * content's last byte is checked (final, at `size`, the SHA-256 it was
 * sealed with) before any of it is. A reader that stops earlier (a range)
 * has checked what it read, not the blob's end.
 */
int cu_blob_read(cu_blob_reader *r, void *buf, size_t len, size_t *got);
/* Skips plaintext bytes (decrypting them: secretstream is sequential). */
int cu_blob_skip(cu_blob_reader *r, uint64_t n);
void cu_blob_close(cu_blob_reader *r);

/* Re-reads a whole blob: CU_EVERIFY on any mismatch, CU_ENOTFOUND if missing. */
int cu_blob_verify(cu_vault *v, int64_t case_id, const uint8_t key[CU_KEY_LEN],
                   const uint8_t sha256[32], uint64_t size,
                   const uint8_t header[CU_STREAM_HEADER]);
/* Destroys a blob: overwrites, syncs and unlinks it. */
int cu_blob_destroy(cu_vault *v, int64_t case_id, const uint8_t sha256[32]);
/* 0 if the store holds a blob of that name, CU_ENOTFOUND if not. */
int cu_blob_exists(cu_vault *v, const char *name);
/*
 * Failures of blob stores (an I/O error, an S3 error; "no such blob" is not
 * one) since the process started, in any vault.
 */
uint64_t cu_vault_error_count(void);
/* The blob's name for (case_id, sha256). */
void cu_blob_name(cu_vault *v, char out[65], int64_t case_id, const uint8_t sha256[32]);

/*
 * Housekeeping, only while nobody (in any process) is ingesting: once it
 * holds the ingest lock it calls prepare(ctx) (list what records keep now),
 * removes temporary files, and removes each blob for which keep() returns
 * false (orphans of a crash between placing a blob and committing its
 * record). *removed counts what went; 0 and nothing done if the lock is busy.
 */
int cu_vault_sweep(cu_vault *v, int (*prepare)(void *ctx),
                   bool (*keep)(void *ctx, const char *name), void *ctx, int *removed);

/*
 * Copies blobs by name from one vault's store to another's (`custodia
 * migrate --blobs`, both vaults of the same data directory): the ciphertext
 * byte for byte, streamed through one buffer, never decrypted (names do not
 * depend on the store). Each copy is read back from the destination and its
 * SHA-256 compared with the bytes read from the source before it counts; a
 * name the destination already holds is kept only if its bytes are the same
 * (a migration run again), else CU_ECONFLICT. CU_ENOTFOUND names a blob the
 * source lacks. Copies are placed in batches, each made durable with the
 * store's own sync.
 */
typedef struct cu_vault_copy_stats {
	uint64_t blobs;   /* names copied or found already there */
	uint64_t bytes;   /* ciphertext bytes read from the source */
	uint64_t present; /* of which the destination already held the same bytes */
	uint64_t skipped; /* CU_BCOPY_SKIP_PRESENT: names the destination had, not read */
	uint64_t missing; /* CU_BCOPY_SKIP_MISSING: names the source lacked */
} cu_vault_copy_stats;
int cu_vault_copy_blobs(cu_vault *from, cu_vault *to, const char (*names)[65], size_t n,
                        cu_vault_copy_stats *st);

/*
 * Blob stores by themselves (vault/blobstore.h), for what keeps ciphertext
 * outside a data directory: backups (docs/backup.md).
 *
 * cu_bstore_open opens "s3://BUCKET/PREFIX?endpoint=URL&region=R", or a
 * directory ("file:///DIR" or a path) with the shared directory's semantics
 * (a name is created only if absent). cu_vault_bstore is a vault's own store
 * (borrowed: it lives as long as the vault).
 *
 * cu_bstore_copy is cu_vault_copy_blobs between any two stores, with flags:
 * CU_BCOPY_SKIP_PRESENT leaves a name the destination holds as it is,
 * without reading either copy (names are content-addressed and never
 * rewritten: what makes a backup incremental); CU_BCOPY_SKIP_MISSING counts
 * a name the source lacks in st->missing and tells missing(ctx, name)
 * instead of failing with CU_ENOTFOUND (a blob erased since its name was
 * taken). It takes no ingest lock: the destination must not be swept.
 */
typedef struct cu_bstore cu_bstore;
#define CU_BCOPY_SKIP_PRESENT 1u
#define CU_BCOPY_SKIP_MISSING 2u
int cu_bstore_open(cu_bstore **out, const char *uri);
void cu_bstore_close(cu_bstore *s);
cu_bstore *cu_vault_bstore(cu_vault *v);
int cu_bstore_copy(cu_bstore *from, cu_bstore *to, const char (*names)[65], size_t n,
                   unsigned flags, cu_vault_copy_stats *st,
                   void (*missing)(void *ctx, const char *name), void *ctx);

#endif
