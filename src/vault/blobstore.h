/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vault (internal): where the ciphertext of blobs lives. The vault encrypts;
 * a blob store only ever sees ciphertext, by name:
 *
 *   put_begin ─> put_write* ─> put_finish ─> put_place(name) ─> put_free
 *                                  │ (any failure) ───────────> put_free (aborts)
 *
 * A put is invisible under any name until put_place returns 0; put_free
 * without a successful place removes everything it wrote. Three stores:
 * a local directory (default), a shared POSIX directory for several nodes
 * (file://DIR) and the S3 API (s3://bucket/prefix?endpoint=...), see
 * docs/vault.md.
 */
#ifndef CU_VAULT_BLOBSTORE_H
#define CU_VAULT_BLOBSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cu_bstore cu_bstore;
typedef struct cu_bput cu_bput;
typedef struct cu_bget cu_bget;

typedef struct cu_bstore_ops {
	const char *kind; /* "local", "shared", "s3" */
	/* A new, invisible object. */
	int (*put_begin)(cu_bstore *s, cu_bput **out);
	/* Appends ciphertext; CU_EIO leaves the put failed (free it). */
	int (*put_write)(cu_bput *p, const void *data, size_t len);
	/* All bytes given; sync: durable now (else sync_all does it for a batch). */
	int (*put_finish)(cu_bput *p, bool sync);
	/*
	 * Makes the object visible under name. *existed: a complete object of
	 * that name was already there and stays (this put's bytes are dropped).
	 * sync: the name is durable on return (else sync_all).
	 */
	int (*put_place)(cu_bput *p, const char *name, bool sync, bool *existed);
	void (*put_free)(cu_bput *p);
	/* Makes every finished put and every placed name durable (batches); may be NULL. */
	int (*sync_all)(cu_bstore *s);
	/* CU_ENOTFOUND if there is no object of that name. */
	int (*get_open)(cu_bstore *s, const char *name, cu_bget **out);
	/* Up to len bytes; *got = 0 at the end. */
	int (*get_read)(cu_bget *g, void *buf, size_t len, size_t *got);
	void (*get_close)(cu_bget *g);
	/* 0 if present, CU_ENOTFOUND if not. */
	int (*exists)(cu_bstore *s, const char *name);
	/* Removes an object (overwriting it first where that means anything); 0 if absent. */
	int (*remove)(cu_bstore *s, const char *name);
	/* Held by every process while it ingests (may be NULL: not shared state). */
	int (*ingest_lock)(cu_bstore *s, bool on);
	/*
	 * Removes abandoned temporary objects and every blob for which keep()
	 * is false, calling prepare() first; only what is safe to remove now
	 * (see each store). *removed counts what went. 0 and nothing done if
	 * another process ingests.
	 */
	int (*sweep)(cu_bstore *s, int (*prepare)(void *ctx),
	             bool (*keep)(void *ctx, const char *name), void *ctx, int *removed);
	void (*close)(cu_bstore *s);
	/*
	 * Calls each(ctx, name) for every placed object (temporary ones aside),
	 * in no particular order; a non-zero return from each stops the walk and
	 * is returned.
	 */
	int (*list)(cu_bstore *s, int (*each)(void *ctx, const char *name), void *ctx);
} cu_bstore_ops;

struct cu_bstore {
	const cu_bstore_ops *ops;
};

/* Every put, get and store starts with the struct of its store. */
struct cu_bput {
	cu_bstore *s;
};
struct cu_bget {
	cu_bstore *s;
};

/* Opens a local (or, shared, a multi-node) directory store rooted at dir. */
int cu_bstore_dir_open(cu_bstore **out, const char *dir, bool shared);
/*
 * Opens an S3 store from "s3://bucket/prefix?endpoint=URL&region=R&part=BYTES";
 * credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
 */
int cu_bstore_s3_open(cu_bstore **out, const char *uri);

/* Seconds an orphan must be old before a multi-node store's sweep removes it. */
#define CU_BSTORE_GRACE 3600

#endif
