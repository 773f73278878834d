/* SPDX-License-Identifier: Apache-2.0 */
/* vault: encrypted, content-addressed blobs with bounded memory (see vault.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <magic.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vault/blobstore.h"
#include "vault/vault.h"

/* Failures of the blob store (anything but "no such blob"), process-wide (GET /metrics). */
static atomic_uint_fast64_t store_errors;

uint64_t cu_vault_error_count(void)
{
	return atomic_load_explicit(&store_errors, memory_order_relaxed);
}

static int counted(int r)
{
	if (r != 0 && r != CU_ENOTFOUND)
		atomic_fetch_add_explicit(&store_errors, 1, memory_order_relaxed);
	return r;
}

#define UNIT 65536                       /* plaintext bytes per encrypted chunk */
#define CUNIT (UNIT + CU_STREAM_ABYTES)  /* their ciphertext */
#define OUTBUF (16 * CUNIT)              /* ciphertext gathered per write() */
#define BLOCK (1 << 20)                  /* bytes handed to the hashing thread at once */
#define HEAD 8192                        /* bytes the media type is detected from */
#define NBLOCKS 8
#define MAGIC "CUSTODIA-BLOB-1\n"
#define MAGIC_LEN 16
#define FINAL_AD "custodia-blob-v1:"

struct cu_vault {
	cu_bstore *bs; /* where the ciphertext goes (blobstore.h) */
	cu_master master;        /* key wraps data keys; name_key names blobs */
	cu_master_form form;     /* how DATA/master.key keeps it */
	magic_t magic;
	int ingesting;        /* writers in this process; the store's lock spans processes */
	/* A writer may finish or be freed on another thread than the one that
	 * created it (HTTP uploads span requests): guard what they share. */
	pthread_mutex_t mu;
	/*
	 * Media type detection of deferred writers (batches of small files) runs
	 * on a thread of its own: libmagic's database scan of an unknown binary
	 * costs as much as reading, hashing and encrypting it.
	 */
	pthread_mutex_t dmu;
	pthread_mutex_t mmu; /* a magic_t serves one thread at a time: not under mu,
	                      * or every new writer would wait for a detection */
	pthread_cond_t dcv;
	pthread_t dthread;
	bool dstarted, dquit;
	struct cu_blob_writer *djobs; /* waiting for detection, oldest last */
};

static int ingest_begin(cu_vault *v)
{
	int r = 0;
	pthread_mutex_lock(&v->mu);
	if (v->ingesting++ == 0 && v->bs->ops->ingest_lock &&
	    (r = v->bs->ops->ingest_lock(v->bs, true)) != 0)
		v->ingesting--;
	pthread_mutex_unlock(&v->mu);
	return r;
}

static void ingest_end(cu_vault *v)
{
	pthread_mutex_lock(&v->mu);
	if (--v->ingesting == 0 && v->bs->ops->ingest_lock)
		v->bs->ops->ingest_lock(v->bs, false);
	pthread_mutex_unlock(&v->mu);
}

/*
 * The blob store a data directory uses is recorded in DATA/blobstore the first
 * time one other than the default is named, and every later open must agree:
 * a command run without --blobs uses the recorded one, and one naming another
 * store is refused — otherwise `evidence verify` would look in the wrong place
 * and flag every item as missing. Moving blobs between stores is a migration,
 * not a flag.
 */
static int recorded_store(const char *datadir, char *out, size_t n)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/blobstore", datadir);
	return cu_line_read(path, out, n);
}

static bool has_local_blobs(const char *datadir)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/blobs", datadir);
	DIR *d = opendir(path);
	struct dirent *e;
	bool any = false;
	if (!d)
		return false;
	while (!any && (e = readdir(d)) != NULL)
		any = e->d_name[0] != '.' && strcmp(e->d_name, "tmp") != 0;
	closedir(d);
	return any;
}

static int record_store(const char *datadir, const char *blobs)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/blobstore", datadir);
	return cu_line_write(path, blobs);
}

/*
 * The blob store a configuration names: file://DIR (shared directory),
 * s3://bucket/prefix?... (S3 API), or, when none is given, the recorded one
 * or DATA/blobs.
 */
static int open_store(cu_bstore **out, const char *datadir, const char *blobs)
{
	char path[PATH_MAX], rec[2048];
	int r;
	if (!blobs || !*blobs)
		blobs = getenv("CUSTODIA_BLOBS");
	if ((r = recorded_store(datadir, rec, sizeof(rec))) != 0)
		return r;
	if ((!blobs || !*blobs) && rec[0])
		blobs = rec;
	if (!blobs || !*blobs) {
		if (snprintf(path, sizeof(path), "%s/blobs", datadir) >= (int)sizeof(path) - 256)
			return cu_error_set(CU_EINVALID, "data directory path too long");
		return cu_bstore_dir_open(out, path, false);
	}
	if (rec[0] && strcmp(rec, blobs) != 0)
		return cu_error_set(CU_EINVALID, "this data directory keeps its evidence in %.200s,"
		                    " not %.200s (moving it is a migration)", rec, blobs);
	if (!rec[0] && has_local_blobs(datadir))
		return cu_error_set(CU_EINVALID, "this data directory keeps its evidence in its own"
		                    " blobs/; it cannot switch to %.200s (moving it is a migration)",
		                    blobs);
	if (!strncmp(blobs, "file://", 7)) {
		if (blobs[7] != '/')
			return cu_error_set(CU_EINVALID, "--blobs file:// needs an absolute path");
		r = cu_bstore_dir_open(out, blobs + 7, true);
	} else if (!strncmp(blobs, "s3://", 5)) {
		r = cu_bstore_s3_open(out, blobs);
	} else {
		return cu_error_set(CU_EINVALID, "unknown blob store (want file:///DIR or"
		                    " s3://BUCKET/PREFIX)");
	}
	if (r == 0 && !rec[0] && (r = record_store(datadir, blobs)) != 0) {
		(*out)->ops->close(*out);
		*out = NULL;
	}
	return r;
}

int cu_vault_open(cu_vault **out, const char *datadir)
{
	return cu_vault_open_at(out, datadir, NULL);
}

/*
 * Only `custodia init` makes a master key (cu_master_ensure). One missing
 * later was lost or moved: making a new one here would wrap new cases' keys
 * with it, and the evidence of the old and of the new could not both be read
 * once the real key came back.
 */
static int master_present(const char *datadir)
{
	char path[4096];
	struct stat st;
	snprintf(path, sizeof(path), "%s/master.key", datadir);
	if (stat(path, &st) == 0)
		return 0;
	if (errno != ENOENT)
		return cu_error_set(CU_EIO, "cannot read %s: %s", path, strerror(errno));
	return cu_error_set(CU_ENOTFOUND, "%s is missing: it wraps every case's data key, so "
	                    "nothing is opened without it. Put it back from your backup (custodia "
	                    "restore, docs/keys.md); custodia makes one only at 'custodia init'", path);
}

int cu_vault_open_at(cu_vault **out, const char *datadir, const char *blobs)
{
	int r;
	*out = NULL;
	cu_vault *v = calloc(1, sizeof(*v));
	if (!v)
		return cu_error_set(CU_ENOMEM, "out of memory");
	pthread_mutex_init(&v->mu, NULL);
	pthread_mutex_init(&v->dmu, NULL);
	pthread_mutex_init(&v->mmu, NULL);
	pthread_cond_init(&v->dcv, NULL);
	if ((r = open_store(&v->bs, datadir, blobs)) != 0 || (r = master_present(datadir)) != 0 ||
	    (r = cu_master_load(&v->master, &v->form, datadir)) != 0)
		goto fail;
	if (!(v->magic = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR)) ||
	    magic_load(v->magic, NULL) != 0) {
		r = cu_error_set(CU_EIO, "cannot load the libmagic database");
		goto fail;
	}
	*out = v;
	return 0;
fail:
	cu_vault_close(v);
	return r;
}

void cu_vault_close(cu_vault *v)
{
	if (!v)
		return;
	if (v->dstarted) {
		pthread_mutex_lock(&v->dmu);
		v->dquit = true;
		pthread_cond_broadcast(&v->dcv);
		pthread_mutex_unlock(&v->dmu);
		pthread_join(v->dthread, NULL);
	}
	pthread_mutex_destroy(&v->dmu);
	pthread_mutex_destroy(&v->mmu);
	pthread_cond_destroy(&v->dcv);
	if (v->magic)
		magic_close(v->magic);
	if (v->bs)
		v->bs->ops->close(v->bs);
	pthread_mutex_destroy(&v->mu);
	cu_wipe(v, sizeof(*v));
	free(v);
}

static void purpose(char out[32], int64_t case_id)
{
	snprintf(out, 32, "case:%lld", (long long)case_id);
}

void cu_vault_wrap_case_key(cu_vault *v, uint8_t out[CU_WRAPPED_LEN],
                            const uint8_t key[CU_KEY_LEN], int64_t case_id)
{
	char p[32];
	purpose(p, case_id);
	cu_key_wrap(out, v->master.key, key, p);
}

int cu_vault_case_key_opens(const cu_master *m, uint8_t key[CU_KEY_LEN],
                            const uint8_t wrapped[CU_WRAPPED_LEN], int64_t case_id)
{
	char p[32];
	purpose(p, case_id);
	return cu_key_unwrap(key, m->key, wrapped, p);
}

int cu_vault_unwrap_case_key(cu_vault *v, uint8_t key[CU_KEY_LEN],
                             const uint8_t wrapped[CU_WRAPPED_LEN], int64_t case_id)
{
	char id[17];
	if (cu_vault_case_key_opens(&v->master, key, wrapped, case_id) == 0)
		return 0;
	/* The one failure a multi-node operator meets: another node rotated. */
	cu_master_id(id, &v->master);
	return cu_error_set(CU_ECRYPTO, "the data key of case %lld does not unwrap with this "
	                    "node's master key (id %s): if the master key was rotated on another "
	                    "node, copy its DATA/master.key here and restart", (long long)case_id,
	                    id);
}

int cu_vault_rewrap_case_key(cu_vault *v, const cu_master *to, uint8_t out[CU_WRAPPED_LEN],
                             const uint8_t in[CU_WRAPPED_LEN], int64_t case_id)
{
	uint8_t key[CU_KEY_LEN];
	char p[32];
	int r;
	purpose(p, case_id);
	if ((r = cu_vault_unwrap_case_key(v, key, in, case_id)) == 0)
		cu_key_wrap(out, to->key, key, p);
	cu_wipe(key, sizeof(key));
	return r;
}

const cu_master *cu_vault_master(cu_vault *v)
{
	return &v->master;
}

const cu_master_form *cu_vault_master_form(cu_vault *v)
{
	return &v->form;
}

int cu_vault_use_master(cu_vault *v, const cu_master *m, const cu_master_form *form)
{
	if (!cu_ct_equal(m->name_key, v->master.name_key, CU_KEY_LEN))
		return cu_error_set(CU_ECRYPTO, "a master key with another blob-name key would lose "
		                    "every blob's name");
	v->master = *m;
	if (form)
		v->form = *form;
	return 0;
}

void cu_blob_name(cu_vault *v, char out[65], int64_t case_id, const uint8_t sha256[32])
{
	uint8_t msg[8 + 32], h[32];
	for (int i = 0; i < 8; i++)
		msg[i] = (uint8_t)((uint64_t)case_id >> (56 - 8 * i));
	memcpy(msg + 8, sha256, 32);
	cu_keyed_hash(h, v->master.name_key, msg, sizeof(msg));
	cu_hex(out, h, 32);
}

static void final_ad(uint8_t ad[sizeof(FINAL_AD) - 1 + 32], const uint8_t sha256[32])
{
	memcpy(ad, FINAL_AD, sizeof(FINAL_AD) - 1);
	memcpy(ad + sizeof(FINAL_AD) - 1, sha256, 32);
}

/* ---- writing ---------------------------------------------------------- */

/*
 * The writer keeps the last full unit of plaintext back ("pending") so that
 * whichever unit turns out to be the last can be pushed as final, with the
 * SHA-256 of everything as associated data.
 *
 *   write():  data ──copy──> cur[UNIT] ──full──> push(pending) ; pending = cur
 *             data ──copy──> hash ring ──────> hashing thread (or inline)
 *   finish(): push(pending) ; push(cur, final, "custodia-blob-v1:" ‖ sha256)
 */
struct cu_blob_writer {
	cu_vault *v;
	int64_t case_id;
	uint8_t key[CU_KEY_LEN];
	cu_bput *put; /* the ciphertext, invisible until placed */
	bool deferred, finished, placed, failed;
	cu_stream *st;
	uint64_t size;
	uint8_t *cur, *pending, *out;
	size_t cur_len, out_len;
	bool have_pending;
	uint8_t *head; /* the first bytes, for media type detection */
	size_t head_len;
	cu_blob_info info;
	/* hashing */
	cu_sha256_ctx *sha;
	bool threaded;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint8_t *blocks[NBLOCKS];
	size_t block_len[NBLOCKS];
	int fill, hashed, queued; /* ring indexes and the count of queued blocks */
	bool done, abandon;
	/*
	 * Threaded writers also write on a thread of their own, from two
	 * alternating buffers: the encrypting thread never waits on write().
	 */
	pthread_t wthread;
	pthread_mutex_t wmu;
	pthread_cond_t wcv;
	uint8_t *spare;      /* the output buffer not being filled */
	const uint8_t *wbuf; /* handed to the writing thread, or NULL */
	size_t wlen;
	bool wquit, wthreaded;
	int werr;
	char werr_msg[256];
	/* queued for media type detection (deferred writers) */
	bool detecting;
	struct cu_blob_writer *dnext;
};

/* Writes what the encrypting thread hands over to the store. */
static void write_and_advance(cu_blob_writer *w, const uint8_t *buf, size_t len, int *err)
{
	*err = counted(w->put->s->ops->put_write(w->put, buf, len));
}

static void *writer(void *arg)
{
	cu_blob_writer *w = arg;
	pthread_mutex_lock(&w->wmu);
	for (;;) {
		while (!w->wbuf && !w->wquit)
			pthread_cond_wait(&w->wcv, &w->wmu);
		if (!w->wbuf)
			break;
		const uint8_t *buf = w->wbuf;
		size_t len = w->wlen;
		pthread_mutex_unlock(&w->wmu);
		int err = 0;
		write_and_advance(w, buf, len, &err);
		pthread_mutex_lock(&w->wmu);
		if (err && !w->werr) {
			w->werr = err;
			snprintf(w->werr_msg, sizeof(w->werr_msg), "%s", cu_error_message(err));
		}
		w->wbuf = NULL;
		pthread_cond_broadcast(&w->wcv);
	}
	pthread_mutex_unlock(&w->wmu);
	return NULL;
}

/* Waits until the writing thread is idle; its error, if any, becomes ours. */
static int writer_idle(cu_blob_writer *w)
{
	pthread_mutex_lock(&w->wmu);
	while (w->wbuf)
		pthread_cond_wait(&w->wcv, &w->wmu);
	int r = w->werr;
	pthread_mutex_unlock(&w->wmu);
	return r ? cu_error_set(r, "%s", w->werr_msg) : 0;
}

static void writer_stop(cu_blob_writer *w)
{
	if (!w->wthreaded)
		return;
	pthread_mutex_lock(&w->wmu);
	w->wquit = true;
	pthread_cond_broadcast(&w->wcv);
	pthread_mutex_unlock(&w->wmu);
	pthread_join(w->wthread, NULL);
	pthread_mutex_destroy(&w->wmu);
	pthread_cond_destroy(&w->wcv);
	w->wthreaded = false;
}

static void *hasher(void *arg)
{
	cu_blob_writer *w = arg;
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (w->queued == 0 && !w->done)
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->abandon || (w->queued == 0 && w->done))
			break;
		int i = w->hashed;
		pthread_mutex_unlock(&w->mu);
		cu_sha256_update(w->sha, w->blocks[i], w->block_len[i]);
		pthread_mutex_lock(&w->mu);
		w->block_len[i] = 0;
		w->hashed = (i + 1) % NBLOCKS;
		w->queued--;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* Hands the block being filled to the hashing thread, waiting for room. */
static void post_block(cu_blob_writer *w)
{
	pthread_mutex_lock(&w->mu);
	w->queued++;
	w->fill = (w->fill + 1) % NBLOCKS;
	pthread_cond_broadcast(&w->cv);
	while (w->queued == NBLOCKS)
		pthread_cond_wait(&w->cv, &w->mu);
	pthread_mutex_unlock(&w->mu);
}

static void hash_data(cu_blob_writer *w, const uint8_t *p, size_t n)
{
	if (!w->threaded) {
		cu_sha256_update(w->sha, p, n);
		return;
	}
	while (n) {
		int i = w->fill;
		size_t room = BLOCK - w->block_len[i], k = n < room ? n : room;
		memcpy(w->blocks[i] + w->block_len[i], p, k);
		w->block_len[i] += k;
		p += k;
		n -= k;
		if (w->block_len[i] == BLOCK)
			post_block(w);
	}
}

static int flush_out(cu_blob_writer *w)
{
	int r = 0;
	if (!w->out_len)
		return 0;
	if (!w->wthreaded) {
		write_and_advance(w, w->out, w->out_len, &r);
		w->out_len = 0;
		return r;
	}
	/* Hand this buffer over once the previous one is written; fill the other. */
	if ((r = writer_idle(w)) != 0)
		return r;
	pthread_mutex_lock(&w->wmu);
	w->wbuf = w->out;
	w->wlen = w->out_len;
	pthread_cond_broadcast(&w->wcv);
	pthread_mutex_unlock(&w->wmu);
	uint8_t *t = w->out;
	w->out = w->spare;
	w->spare = t;
	w->out_len = 0;
	return 0;
}

static int push_unit(cu_blob_writer *w, const uint8_t *p, size_t n, bool final,
                     const uint8_t *ad, size_t adlen)
{
	int r;
	if (w->out_len + n + CU_STREAM_ABYTES > OUTBUF && (r = flush_out(w)) != 0)
		return r;
	cu_stream_push(w->st, w->out + w->out_len, p, n, final, ad, adlen);
	w->out_len += n + CU_STREAM_ABYTES;
	return 0;
}

int cu_blob_create(cu_blob_writer **out, cu_vault *v, int64_t case_id,
                   const uint8_t key[CU_KEY_LEN], bool threaded, bool deferred)
{
	uint8_t header[CU_STREAM_HEADER];
	int r;
	*out = NULL;
	cu_blob_writer *w = calloc(1, sizeof(*w));
	if (!w)
		return cu_error_set(CU_ENOMEM, "out of memory");
	w->v = v;
	w->case_id = case_id;
	w->deferred = deferred;
	memcpy(w->key, key, CU_KEY_LEN);
	if ((r = ingest_begin(v)) != 0) {
		free(w);
		return r;
	}
	if (!(w->cur = malloc(UNIT)) || !(w->pending = malloc(UNIT)) || !(w->out = malloc(OUTBUF)) ||
	    !(w->head = malloc(HEAD))) {
		r = cu_error_set(CU_ENOMEM, "out of memory");
		goto fail;
	}
	if ((r = counted(v->bs->ops->put_begin(v->bs, &w->put))) != 0)
		goto fail;
	if ((r = cu_sha256_begin(&w->sha)) != 0 || (r = cu_stream_push_init(&w->st, header, key)))
		goto fail;
	memcpy(w->info.header, header, CU_STREAM_HEADER);
	memcpy(w->out, MAGIC, MAGIC_LEN);
	memcpy(w->out + MAGIC_LEN, header, CU_STREAM_HEADER);
	w->out_len = MAGIC_LEN + CU_STREAM_HEADER;
	if (threaded) {
		for (int i = 0; i < NBLOCKS; i++)
			if (!(w->blocks[i] = malloc(BLOCK))) {
				r = cu_error_set(CU_ENOMEM, "out of memory");
				goto fail;
			}
		pthread_mutex_init(&w->mu, NULL);
		pthread_cond_init(&w->cv, NULL);
		if (pthread_create(&w->thread, NULL, hasher, w) != 0) {
			pthread_mutex_destroy(&w->mu);
			pthread_cond_destroy(&w->cv);
			r = cu_error_set(CU_EIO, "cannot start a hashing thread");
			goto fail;
		}
		w->threaded = true;
		if (!(w->spare = malloc(OUTBUF))) {
			r = cu_error_set(CU_ENOMEM, "out of memory");
			goto fail;
		}
		pthread_mutex_init(&w->wmu, NULL);
		pthread_cond_init(&w->wcv, NULL);
		if (pthread_create(&w->wthread, NULL, writer, w) != 0) {
			pthread_mutex_destroy(&w->wmu);
			pthread_cond_destroy(&w->wcv);
			r = cu_error_set(CU_EIO, "cannot start a writing thread");
			goto fail;
		}
		w->wthreaded = true;
	}
	*out = w;
	return 0;
fail:
	cu_blob_free(w);
	return r;
}

int cu_blob_write(cu_blob_writer *w, const void *data, size_t len)
{
	const uint8_t *p = data;
	int r;
	if (w->failed || w->finished)
		return cu_error_set(CU_EIO, "the blob writer has failed or finished");
	if (w->head_len < HEAD) {
		size_t k = HEAD - w->head_len < len ? HEAD - w->head_len : len;
		memcpy(w->head + w->head_len, p, k);
		w->head_len += k;
	}
	hash_data(w, p, len);
	w->size += len;
	while (len) {
		if (w->cur_len == 0 && len > UNIT) {
			/* A whole unit with more data after it cannot be the last one:
			 * encrypt it straight from the caller's buffer, after the one
			 * held back. */
			if ((w->have_pending && (r = push_unit(w, w->pending, UNIT, false, NULL, 0))) ||
			    (r = push_unit(w, p, UNIT, false, NULL, 0))) {
				w->failed = true;
				return r;
			}
			w->have_pending = false;
			p += UNIT;
			len -= UNIT;
			continue;
		}
		size_t k = UNIT - w->cur_len < len ? UNIT - w->cur_len : len;
		memcpy(w->cur + w->cur_len, p, k);
		w->cur_len += k;
		p += k;
		len -= k;
		if (w->cur_len == UNIT) {
			if (w->have_pending && (r = push_unit(w, w->pending, UNIT, false, NULL, 0))) {
				w->failed = true;
				return r;
			}
			uint8_t *t = w->pending;
			w->pending = w->cur;
			w->cur = t;
			w->cur_len = 0;
			w->have_pending = true;
		}
	}
	return 0;
}

/* Waits for the hashing thread to take everything and returns the digest. */
static void hash_finish(cu_blob_writer *w, uint8_t out[32])
{
	if (w->threaded) {
		if (w->block_len[w->fill])
			post_block(w);
		pthread_mutex_lock(&w->mu);
		w->done = true;
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->thread, NULL);
		w->threaded = false;
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv);
	}
	cu_sha256_end(w->sha, out);
	w->sha = NULL;
}

static int place(cu_blob_writer *w, bool sync)
{
	int r = counted(w->put->s->ops->put_place(w->put, w->info.name, sync, &w->info.existed));
	if (r == 0)
		w->placed = true;
	/* Deduplicated: the blob kept is the one stored before, with its header. */
	if (r == 0 && w->info.existed)
		r = cu_blob_header(w->v, w->case_id, w->info.sha256, w->info.header);
	return r;
}

/*
 * The media types evidence most often has, from their signatures; libmagic
 * (a scan of its whole database, ~0.3 ms for an unknown binary) answers the
 * rest.
 */
static const char *sniff(const uint8_t *p, size_t n)
{
	static const struct {
		size_t off, len;
		const char *sig, *type;
	} sigs[] = {
		{0, 5, "%PDF-", "application/pdf"},
		{0, 8, "\x89PNG\r\n\x1a\n", "image/png"},
		{0, 3, "\xff\xd8\xff", "image/jpeg"},
		{0, 6, "GIF87a", "image/gif"},
		{0, 6, "GIF89a", "image/gif"},
		{0, 4, "II*\0", "image/tiff"},
		{0, 4, "MM\0*", "image/tiff"},
		{8, 4, "WEBP", "image/webp"},
		{8, 4, "WAVE", "audio/x-wav"},
		{8, 4, "AVI ", "video/x-msvideo"},
		{0, 3, "ID3", "audio/mpeg"},
		{4, 8, "ftypqt  ", "video/quicktime"},
		{4, 8, "ftypM4A ", "audio/mp4"},
		{4, 4, "ftyp", "video/mp4"},
	};
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (n >= sigs[i].off + sigs[i].len &&
		    !memcmp(p + sigs[i].off, sigs[i].sig, sigs[i].len) &&
		    (sigs[i].off != 8 || !memcmp(p, "RIFF", 4)))
			return sigs[i].type;
	return NULL;
}

static void free_head(cu_blob_writer *w)
{
	if (w->head)
		cu_wipe(w->head, HEAD);
	free(w->head);
	w->head = NULL;
}

/* The media type of a writer's head: signatures first, then libmagic. */
static void detect(cu_blob_writer *w)
{
	const char *mt = sniff(w->head, w->head_len);
	if (mt) {
		snprintf(w->info.media_type, sizeof(w->info.media_type), "%s", mt);
		return;
	}
	pthread_mutex_lock(&w->v->mmu);
	mt = magic_buffer(w->v->magic, w->head, w->head_len);
	snprintf(w->info.media_type, sizeof(w->info.media_type), "%s",
	         mt ? mt : "application/octet-stream");
	pthread_mutex_unlock(&w->v->mmu);
}

static void *detector(void *arg)
{
	cu_vault *v = arg;
	pthread_mutex_lock(&v->dmu);
	for (;;) {
		while (!v->djobs && !v->dquit)
			pthread_cond_wait(&v->dcv, &v->dmu);
		if (!v->djobs)
			break;
		cu_blob_writer *w = v->djobs;
		v->djobs = w->dnext;
		pthread_mutex_unlock(&v->dmu);
		detect(w);
		free_head(w);
		pthread_mutex_lock(&v->dmu);
		w->detecting = false;
		pthread_cond_broadcast(&v->dcv);
	}
	pthread_mutex_unlock(&v->dmu);
	return NULL;
}

/* Hands a finished deferred writer to the detection thread (inline if none). */
static void detect_later(cu_blob_writer *w)
{
	cu_vault *v = w->v;
	bool queued = false;
	pthread_mutex_lock(&v->dmu);
	if (!v->dstarted && pthread_create(&v->dthread, NULL, detector, v) == 0)
		v->dstarted = true;
	if (v->dstarted) {
		w->detecting = queued = true;
		w->dnext = v->djobs;
		v->djobs = w;
		pthread_cond_broadcast(&v->dcv);
	}
	pthread_mutex_unlock(&v->dmu);
	if (!queued) { /* once queued, the detector owns the head and media type */
		detect(w);
		free_head(w);
	}
}

static void detect_wait(cu_blob_writer *w)
{
	pthread_mutex_lock(&w->v->dmu);
	while (w->detecting)
		pthread_cond_wait(&w->v->dcv, &w->v->dmu);
	pthread_mutex_unlock(&w->v->dmu);
}

/* What a finished writer no longer needs: a batch waits with only its info. */
static void release_buffers(cu_blob_writer *w)
{
	cu_stream_free(w->st);
	w->st = NULL;
	if (w->cur)
		cu_wipe(w->cur, UNIT);
	if (w->pending)
		cu_wipe(w->pending, UNIT);
	free(w->cur);
	free(w->pending);
	free(w->out);
	free(w->spare);
	w->cur = w->pending = w->out = w->spare = NULL;
	for (int i = 0; i < NBLOCKS; i++) {
		free(w->blocks[i]);
		w->blocks[i] = NULL;
	}
}

int cu_blob_finish(cu_blob_writer *w, cu_blob_info *out)
{
	uint8_t ad[sizeof(FINAL_AD) - 1 + 32];
	int r;
	if (w->failed || w->finished)
		return cu_error_set(CU_EIO, "the blob writer has failed or finished");
	hash_finish(w, w->info.sha256);
	final_ad(ad, w->info.sha256);
	if (w->cur_len > 0 || !w->have_pending) {
		if (w->have_pending && (r = push_unit(w, w->pending, UNIT, false, NULL, 0)) != 0)
			goto fail;
		r = push_unit(w, w->cur, w->cur_len, true, ad, sizeof(ad));
	} else {
		r = push_unit(w, w->pending, UNIT, true, ad, sizeof(ad));
	}
	if (r || (r = flush_out(w)) != 0)
		goto fail;
	if (w->wthreaded) {
		r = writer_idle(w);
		writer_stop(w);
		if (r)
			goto fail;
	}
	if ((r = counted(w->put->s->ops->put_finish(w->put, !w->deferred))) != 0)
		goto fail;
	w->finished = true;
	w->info.size = w->size;
	cu_hex(w->info.sha256_hex, w->info.sha256, 32);
	cu_blob_name(w->v, w->info.name, w->case_id, w->info.sha256);
	release_buffers(w);
	if (w->deferred) {
		*out = w->info; /* the media type follows: see cu_blob_result */
		detect_later(w);
		return 0;
	}
	detect(w);
	free_head(w);
	if ((r = place(w, true)) != 0)
		goto fail;
	*out = w->info;
	return 0;
fail:
	w->failed = true;
	return r;
}

void cu_blob_result(cu_blob_writer *w, cu_blob_info *out)
{
	detect_wait(w);
	*out = w->info;
}

int cu_vault_place(cu_vault *v, cu_blob_writer **ws, size_t n)
{
	int (*sync_all)(cu_bstore *) = v->bs->ops->sync_all;
	int r = 0;
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		detect_wait(ws[i]);
	/* One sync makes every file of the batch durable at once (a store that
	 * has none made each put durable as it finished)... */
	if (sync_all && (r = counted(sync_all(v->bs))) != 0)
		return r;
	for (size_t i = 0; !r && i < n; i++)
		if (ws[i]->finished && !ws[i]->placed)
			r = place(ws[i], !sync_all);
	/* ...and a second one their names. */
	if (!r && sync_all)
		r = sync_all(v->bs);
	return r;
}

void cu_blob_free(cu_blob_writer *w)
{
	if (!w)
		return;
	if (w->threaded) {
		pthread_mutex_lock(&w->mu);
		w->done = w->abandon = true; /* what was queued is dropped */
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->thread, NULL);
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv);
	}
	writer_stop(w); /* before the file and the buffers go */
	detect_wait(w);
	if (w->put)
		w->put->s->ops->put_free(w->put); /* aborts it unless placed */
	cu_sha256_end(w->sha, NULL);
	release_buffers(w);
	free_head(w);
	ingest_end(w->v);
	cu_wipe(w, sizeof(*w));
	free(w);
}

/* ---- reading ---------------------------------------------------------- */

struct cu_blob_reader {
	cu_bget *g;
	cu_stream *st;
	uint8_t ad[sizeof(FINAL_AD) - 1 + 32];
	uint8_t *in, *plain;
	size_t plain_len, plain_off;
	bool final;
	uint8_t la; /* look-ahead byte */
	bool la_valid;
	uint64_t size, pos; /* the content's recorded size; plaintext decrypted so far */
};

int cu_blob_open(cu_blob_reader **out, cu_vault *v, int64_t case_id,
                 const uint8_t key[CU_KEY_LEN], const uint8_t sha256[32], uint64_t size,
                 const uint8_t header[CU_STREAM_HEADER])
{
	char name[65];
	uint8_t hdr[MAGIC_LEN + CU_STREAM_HEADER];
	size_t n;
	int r;
	*out = NULL;
	cu_blob_name(v, name, case_id, sha256);
	cu_blob_reader *rd = calloc(1, sizeof(*rd));
	if (!rd)
		return cu_error_set(CU_ENOMEM, "out of memory");
	final_ad(rd->ad, sha256);
	rd->size = size;
	if ((r = counted(v->bs->ops->get_open(v->bs, name, &rd->g))) != 0) {
		free(rd);
		return r;
	}
	if ((r = counted(rd->g->s->ops->get_read(rd->g, hdr, sizeof(hdr), &n))) != 0)
		goto fail;
	if (n != sizeof(hdr) || memcmp(hdr, MAGIC, MAGIC_LEN) != 0) {
		r = cu_error_set(CU_EVERIFY, "the blob's header is damaged");
		goto fail;
	}
	if (header && !cu_ct_equal(hdr + MAGIC_LEN, header, CU_STREAM_HEADER)) {
		r = cu_error_set(CU_EVERIFY, "the blob is not the one registered for this item (its "
		                 "stream header differs): it was replaced");
		goto fail;
	}
	if (!(rd->in = malloc(CUNIT)) || !(rd->plain = malloc(UNIT))) {
		r = cu_error_set(CU_ENOMEM, "out of memory");
		goto fail;
	}
	if ((r = cu_stream_pull_init(&rd->st, hdr + MAGIC_LEN, key)) != 0)
		goto fail;
	*out = rd;
	return 0;
fail:
	cu_blob_close(rd);
	return r;
}

int cu_blob_header(cu_vault *v, int64_t case_id, const uint8_t sha256[32],
                   uint8_t header[CU_STREAM_HEADER])
{
	char name[65];
	uint8_t hdr[MAGIC_LEN + CU_STREAM_HEADER];
	cu_bget *g = NULL;
	size_t n = 0;
	cu_blob_name(v, name, case_id, sha256);
	int r = counted(v->bs->ops->get_open(v->bs, name, &g));
	if (r == 0)
		r = counted(g->s->ops->get_read(g, hdr, sizeof(hdr), &n));
	if (g)
		g->s->ops->get_close(g);
	if (r == 0 && (n != sizeof(hdr) || memcmp(hdr, MAGIC, MAGIC_LEN) != 0))
		r = cu_error_set(CU_EVERIFY, "the blob's header is damaged");
	if (r == 0)
		memcpy(header, hdr + MAGIC_LEN, CU_STREAM_HEADER);
	return r;
}

static int read_full(cu_blob_reader *rd, uint8_t *p, size_t n, size_t *got)
{
	return counted(rd->g->s->ops->get_read(rd->g, p, n, got));
}

/*
 * Decrypts the next unit. Every unit but the last is exactly CUNIT bytes; one
 * byte of look-ahead tells whether this one is the last, which must then be
 * tagged final and authenticate the content's SHA-256.
 */
static int next_unit(cu_blob_reader *rd)
{
	size_t got = 0, k;
	bool final;
	int r;
	if (rd->la_valid) {
		rd->in[0] = rd->la;
		got = 1;
		rd->la_valid = false;
	}
	if ((r = read_full(rd, rd->in + got, CUNIT - got, &k)) != 0)
		return r;
	got += k;
	bool last = true;
	if (got == CUNIT) {
		if ((r = read_full(rd, &rd->la, 1, &k)) != 0)
			return r;
		rd->la_valid = k == 1;
		last = !rd->la_valid;
	}
	if (got < CU_STREAM_ABYTES)
		return cu_error_set(CU_EVERIFY, "the blob is truncated");
	if (cu_stream_pull(rd->st, rd->plain, &rd->plain_len, &final, rd->in, got,
	                   last ? rd->ad : NULL, last ? sizeof(rd->ad) : 0) != 0)
		return cu_error_set(CU_EVERIFY, "the blob fails authentication: it was altered");
	if (final && !last)
		return cu_error_set(CU_EVERIFY, "the blob has data after its end");
	if (!final && last)
		return cu_error_set(CU_EVERIFY, "the blob is truncated");
	/*
	 * Every unit but the last ends before the recorded size, and the last
	 * ends at it: a blob of other content (whose units authenticate under the
	 * same case key) fails here, at the latest where the item's content
	 * ends, before any of that unit is returned.
	 */
	rd->pos += rd->plain_len;
	if (!final && rd->pos >= rd->size)
		return cu_error_set(CU_EVERIFY, "the blob holds more than the item's %llu bytes: it "
		                    "is not this item's content", (unsigned long long)rd->size);
	if (final && rd->pos != rd->size)
		return cu_error_set(CU_EVERIFY, "the blob holds %llu bytes, the item %llu: it is not "
		                    "this item's content", (unsigned long long)rd->pos,
		                    (unsigned long long)rd->size);
	rd->plain_off = 0;
	rd->final = final;
	return 0;
}

int cu_blob_read(cu_blob_reader *rd, void *buf, size_t len, size_t *got)
{
	int r;
	*got = 0;
	while (*got < len) {
		if (rd->plain_off == rd->plain_len) {
			if (rd->final)
				break;
			if ((r = next_unit(rd)) != 0)
				return r;
			continue;
		}
		size_t k = rd->plain_len - rd->plain_off;
		if (k > len - *got)
			k = len - *got;
		memcpy((uint8_t *)buf + *got, rd->plain + rd->plain_off, k);
		rd->plain_off += k;
		*got += k;
	}
	return 0;
}

int cu_blob_skip(cu_blob_reader *rd, uint64_t n)
{
	int r;
	while (n) {
		if (rd->plain_off == rd->plain_len) {
			if (rd->final)
				return cu_error_set(CU_EINVALID, "offset beyond the end of the content");
			if ((r = next_unit(rd)) != 0)
				return r;
			continue;
		}
		size_t k = rd->plain_len - rd->plain_off;
		if (k > n)
			k = (size_t)n;
		rd->plain_off += k;
		n -= k;
	}
	return 0;
}

void cu_blob_close(cu_blob_reader *rd)
{
	if (!rd)
		return;
	if (rd->g)
		rd->g->s->ops->get_close(rd->g);
	cu_stream_free(rd->st);
	if (rd->plain)
		cu_wipe(rd->plain, UNIT);
	free(rd->plain);
	free(rd->in);
	free(rd);
}

int cu_blob_verify(cu_vault *v, int64_t case_id, const uint8_t key[CU_KEY_LEN],
                   const uint8_t sha256[32], uint64_t size,
                   const uint8_t header[CU_STREAM_HEADER])
{
	cu_blob_reader *rd;
	cu_sha256_ctx *sha;
	uint8_t got_sha[32];
	uint64_t total = 0;
	int r;
	if ((r = cu_blob_open(&rd, v, case_id, key, sha256, size, header)) != 0)
		return r;
	if ((r = cu_sha256_begin(&sha)) != 0) {
		cu_blob_close(rd);
		return r;
	}
	for (;;) {
		if ((r = next_unit(rd)) != 0)
			break;
		cu_sha256_update(sha, rd->plain, rd->plain_len);
		total += rd->plain_len;
		if (rd->final)
			break;
	}
	cu_sha256_end(sha, got_sha);
	cu_blob_close(rd);
	if (r)
		return r;
	if (total != size || !cu_ct_equal(got_sha, sha256, 32))
		return cu_error_set(CU_EVERIFY, "the content does not match its recorded SHA-256");
	return 0;
}

int cu_blob_destroy(cu_vault *v, int64_t case_id, const uint8_t sha256[32])
{
	char name[65];
	cu_blob_name(v, name, case_id, sha256);
	return counted(v->bs->ops->remove(v->bs, name));
}

int cu_vault_sweep(cu_vault *v, int (*prepare)(void *ctx),
                   bool (*keep)(void *ctx, const char *name), void *ctx, int *removed)
{
	*removed = 0;
	/* Only when nobody here ingests: their blobs are not committed yet (the
	 * store itself guards against other processes and nodes). */
	pthread_mutex_lock(&v->mu);
	int busy = v->ingesting;
	pthread_mutex_unlock(&v->mu);
	if (busy)
		return 0;
	return v->bs->ops->sweep(v->bs, prepare, keep, ctx, removed);
}

int cu_blob_exists(cu_vault *v, const char *name)
{
	return counted(v->bs->ops->exists(v->bs, name));
}

const char *cu_vault_store_kind(cu_vault *v)
{
	return v->bs->ops->kind;
}

/* ---- copying between stores (migration) ------------------------------- */

#define COPY_BUF ((size_t)1 << 20)
/* Copies placed and synced together (S3 keeps a small blob in its part
 * buffer until placed: the bytes bound the memory a batch holds). */
#define COPY_BATCH 64
#define COPY_BATCH_BYTES ((uint64_t)64 << 20)

typedef struct copying {
	cu_bput *put;
	const char *name;
	uint8_t sha[32]; /* of the ciphertext read from the source */
	uint64_t size;
	bool existed;
} copying;

/* The SHA-256 and length of the object name, its bytes also written to put
 * (if any): one pass for the copy, one for reading it back. */
static int read_stored(cu_bstore *bs, const char *name, uint8_t *buf, uint8_t sha[32],
                       uint64_t *size, cu_bput *put)
{
	cu_bget *g;
	cu_sha256_ctx *h;
	size_t got;
	int r;
	*size = 0;
	if ((r = bs->ops->get_open(bs, name, &g)) != 0)
		return r;
	if ((r = cu_sha256_begin(&h)) != 0) {
		bs->ops->get_close(g);
		return r;
	}
	while ((r = bs->ops->get_read(g, buf, COPY_BUF, &got)) == 0 && got) {
		cu_sha256_update(h, buf, got);
		*size += got;
		if (put && (r = put->s->ops->put_write(put, buf, got)) != 0)
			break;
	}
	cu_sha256_end(h, sha);
	bs->ops->get_close(g);
	return r;
}

/* Places a batch of finished copies durably, then reads each back. */
static int copy_place(cu_bstore *to, copying *b, size_t n, uint8_t *buf, cu_vault_copy_stats *st)
{
	const cu_bstore_ops *ops = to->ops;
	int r = 0;
	if (n == 0)
		return 0;
	/* As cu_vault_place: one sync for the batch's bytes, one for its names. */
	if (ops->sync_all && (r = ops->sync_all(to)) != 0)
		return r;
	for (size_t i = 0; !r && i < n; i++)
		r = ops->put_place(b[i].put, b[i].name, !ops->sync_all, &b[i].existed);
	if (!r && ops->sync_all)
		r = ops->sync_all(to);
	for (size_t i = 0; !r && i < n; i++) {
		uint8_t sha[32];
		uint64_t size;
		r = read_stored(to, b[i].name, buf, sha, &size, NULL);
		if (r == CU_ENOTFOUND)
			r = cu_error_set(CU_EIO, "blob %s is not in the destination after its copy",
			                 b[i].name);
		else if (!r && (size != b[i].size || memcmp(sha, b[i].sha, 32) != 0))
			r = b[i].existed ?
			    cu_error_set(CU_ECONFLICT, "the destination already holds a different blob"
			                 " named %s", b[i].name) :
			    cu_error_set(CU_EVERIFY, "blob %s reads back from the destination other than"
			                 " it was copied", b[i].name);
		if (!r) {
			st->blobs++;
			st->present += b[i].existed;
		}
	}
	return r;
}

int cu_bstore_copy(cu_bstore *from, cu_bstore *to, const char (*names)[65], size_t n,
                   unsigned flags, cu_vault_copy_stats *st,
                   void (*missing)(void *ctx, const char *name), void *ctx)
{
	const cu_bstore_ops *ops = to->ops;
	copying b[COPY_BATCH];
	size_t nb = 0;
	uint64_t bytes = 0;
	uint8_t *buf = malloc(COPY_BUF);
	int r = 0;
	memset(st, 0, sizeof(*st));
	if (!buf)
		return cu_error_set(CU_ENOMEM, "out of memory");
	for (size_t i = 0; !r && i < n; i++) {
		copying *c = &b[nb];
		/* An operator's Ctrl-C: what this batch began is removed below. */
		if ((r = cu_interrupt_check()) != 0)
			break;
		/* Content-addressed and never rewritten: a name there is that blob. */
		if ((flags & CU_BCOPY_SKIP_PRESENT) && (r = ops->exists(to, names[i])) != CU_ENOTFOUND) {
			if (r == 0)
				st->skipped++;
			continue;
		}
		if (r == CU_ENOTFOUND)
			cu_error_clear();
		r = 0;
		memset(c, 0, sizeof(*c));
		c->name = names[i];
		if ((r = ops->put_begin(to, &c->put)) != 0)
			break;
		nb++;
		r = read_stored(from, c->name, buf, c->sha, &c->size, c->put);
		if (r == CU_ENOTFOUND && (flags & CU_BCOPY_SKIP_MISSING)) {
			/* Gone since its name was taken (an erasure): reported, not copied. */
			cu_error_clear();
			ops->put_free(c->put);
			nb--;
			st->missing++;
			if (missing)
				missing(ctx, c->name);
			r = 0;
			continue;
		}
		if (r == CU_ENOTFOUND)
			r = cu_error_set(CU_ENOTFOUND, "blob %s is missing from the source store"
			                 " (custodia evidence verify names its item)", c->name);
		if (!r)
			r = ops->put_finish(c->put, !ops->sync_all);
		st->bytes += c->size;
		bytes += c->size;
		if (!r && (nb == COPY_BATCH || bytes >= COPY_BATCH_BYTES)) {
			r = copy_place(to, b, nb, buf, st);
			for (size_t k = 0; k < nb; k++)
				ops->put_free(b[k].put);
			nb = 0;
			bytes = 0;
		}
	}
	if (!r)
		r = copy_place(to, b, nb, buf, st);
	/* Frees what was placed; aborts (removes) what was not. */
	for (size_t k = 0; k < nb; k++)
		ops->put_free(b[k].put);
	free(buf);
	return r;
}

int cu_vault_copy_blobs(cu_vault *from, cu_vault *to, const char (*names)[65], size_t n,
                        cu_vault_copy_stats *st)
{
	int r;
	memset(st, 0, sizeof(*st));
	/* As an ingest: no sweep may take a copy before records name it. */
	if ((r = ingest_begin(to)) != 0)
		return r;
	r = cu_bstore_copy(from->bs, to->bs, names, n, 0, st, NULL, NULL);
	ingest_end(to);
	return r;
}

cu_bstore *cu_vault_bstore(cu_vault *v)
{
	return v->bs;
}

int cu_bstore_open(cu_bstore **out, const char *uri)
{
	*out = NULL;
	if (!strncmp(uri, "s3://", 5))
		return cu_bstore_s3_open(out, uri);
	if (!strncmp(uri, "file://", 7)) {
		if (uri[7] != '/')
			return cu_error_set(CU_EINVALID, "file:// needs an absolute path");
		uri += 7;
	}
	if (!*uri || strstr(uri, "://"))
		return cu_error_set(CU_EINVALID, "unknown store location (want a directory,"
		                    " file:///DIR or s3://BUCKET/PREFIX?endpoint=URL&region=R)");
	return cu_bstore_dir_open(out, uri, true);
}

void cu_bstore_close(cu_bstore *s)
{
	if (s)
		s->ops->close(s);
}
