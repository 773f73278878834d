/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tests: the blob-store contract, the same for each store — local directory,
 * shared directory (file://) and S3 (s3://, when CU_TEST_S3_ENDPOINT names a
 * running server: tests/s3/run_s3_test.sh starts s3rver for it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sys/stat.h>

#include "testutil.h"
#include "vault/blobstore.h"
#include "vault/vault.h"

typedef struct fixture {
	char *tmp, *dir;
	char uri[1024];
	cu_vault *v;
	cu_bstore *bs; /* the same storage, below the vault, to forge objects */
	uint8_t key[CU_KEY_LEN];
} fixture;

static const char *kind; /* "local", "shared", "s3" */

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	uint8_t rnd[8];
	char hex[17];
	f->dir = tu_datadir(&f->tmp);
	mkdir(f->dir, 0700);
	assert_int_equal(cu_crypto_init(), 0);
	cu_random(rnd, sizeof(rnd));
	cu_hex(hex, rnd, sizeof(rnd));
	setenv("CUSTODIA_BLOBS_GRACE", "0", 1);
	if (!strcmp(kind, "shared")) {
		snprintf(f->uri, sizeof(f->uri), "file://%s/shared", f->tmp);
		assert_int_equal(cu_bstore_dir_open(&f->bs, f->uri + 7, true), 0);
	} else if (!strcmp(kind, "s3")) {
		/* A small part size: 5 MiB + 1 makes six parts. */
		snprintf(f->uri, sizeof(f->uri), "s3://custodia/t-%s?endpoint=%s&part=1048576", hex,
		         getenv("CU_TEST_S3_ENDPOINT"));
		int r = cu_bstore_s3_open(&f->bs, f->uri);
		if (r)
			fprintf(stderr, "%s\n", cu_error_message(r));
		assert_int_equal(r, 0);
	} else {
		char p[4200];
		snprintf(p, sizeof(p), "%s/blobs", f->dir);
		assert_int_equal(cu_bstore_dir_open(&f->bs, p, false), 0);
	}
	assert_int_equal(cu_master_ensure(f->dir), 0); /* what init does */
	assert_int_equal(cu_vault_open_at(&f->v, f->dir, f->uri), 0);
	assert_string_equal(cu_vault_store_kind(f->v), kind);
	cu_key_new(f->key);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	cu_vault_close(f->v);
	f->bs->ops->close(f->bs);
	free(f->dir);
	tu_rmdir(f->tmp);
	free(f);
	return 0;
}

static uint8_t *pattern(size_t n, unsigned seed)
{
	uint8_t *p = malloc(n ? n : 1);
	uint32_t x = seed * 2654435761u + 1;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		p[i] = (uint8_t)x;
	}
	return p;
}

static void put(fixture *f, cu_blob_info *info, int64_t case_id, const uint8_t *d, size_t n)
{
	cu_blob_writer *w;
	assert_int_equal(cu_blob_create(&w, f->v, case_id, f->key, n > (1u << 20), false), 0);
	for (size_t off = 0; off < n;) {
		size_t k = n - off < 100003 ? n - off : 100003;
		assert_int_equal(cu_blob_write(w, d + off, k), 0);
		off += k;
	}
	assert_int_equal(cu_blob_finish(w, info), 0);
	cu_blob_free(w);
}

static void get(fixture *f, int64_t case_id, const uint8_t sha[32], const uint8_t *want, size_t n)
{
	cu_blob_reader *r;
	uint8_t *buf = malloc(n + 4096);
	size_t total = 0, got;
	assert_int_equal(cu_blob_open(&r, f->v, case_id, f->key, sha, n, NULL), 0);
	do {
		assert_int_equal(cu_blob_read(r, buf + total, n + 4096 - total < 77777 ? n + 4096 - total
		                                                                       : 77777, &got), 0);
		total += got;
	} while (got);
	assert_int_equal(total, n);
	assert_memory_equal(buf, want, n);
	cu_blob_close(r);
	free(buf);
}

/* The whole stored object (ciphertext), through the store itself. */
static uint8_t *fetch(fixture *f, const char *name, size_t *n)
{
	cu_bget *g;
	size_t cap = 1 << 20, got;
	uint8_t *b = malloc(cap);
	*n = 0;
	assert_int_equal(f->bs->ops->get_open(f->bs, name, &g), 0);
	do {
		if (*n == cap)
			b = realloc(b, cap *= 2);
		assert_int_equal(f->bs->ops->get_read(g, b + *n, cap - *n, &got), 0);
		*n += got;
	} while (got);
	f->bs->ops->get_close(g);
	return b;
}

static void store(fixture *f, const char *name, const uint8_t *b, size_t n)
{
	cu_bput *p;
	bool existed;
	assert_int_equal(f->bs->ops->put_begin(f->bs, &p), 0);
	assert_int_equal(f->bs->ops->put_write(p, b, n), 0);
	assert_int_equal(f->bs->ops->put_finish(p, true), 0);
	assert_int_equal(f->bs->ops->put_place(p, name, true, &existed), 0);
	assert_false(existed);
	f->bs->ops->put_free(p);
}

static void test_blobstore_contract__round_trips(void **state)
{
	fixture *f = *state;
	const size_t sizes[] = {0, 1, 65536, (5u << 20) + 1};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint8_t *d = pattern(sizes[i], (unsigned)i + 1);
		cu_blob_info info;
		put(f, &info, 7, d, sizes[i]);
		assert_false(info.existed);
		assert_int_equal(info.size, sizes[i]);
		get(f, 7, info.sha256, d, sizes[i]);
		assert_int_equal(cu_blob_verify(f->v, 7, f->key, info.sha256, sizes[i], NULL), 0);
		assert_int_equal(cu_blob_exists(f->v, info.name), 0);
		/* The store holds ciphertext only. */
		size_t n;
		uint8_t *c = fetch(f, info.name, &n);
		assert_true(n >= sizes[i] + 16 + 24 + 17);
		if (sizes[i] >= 64)
			assert_null(memmem(c, n, d + sizes[i] / 2 - 32, 32));
		free(c);
		/* The same content again: stored once. */
		put(f, &info, 7, d, sizes[i]);
		assert_true(info.existed);
		free(d);
	}
}

static void test_blobstore_contract__tampered_object_fails(void **state)
{
	fixture *f = *state;
	uint8_t *d = pattern(200000, 9);
	cu_blob_info info;
	put(f, &info, 7, d, 200000);
	size_t n;
	uint8_t *c = fetch(f, info.name, &n);
	c[100000] ^= 1;
	assert_int_equal(f->bs->ops->remove(f->bs, info.name), 0);
	store(f, info.name, c, n);
	assert_int_equal(cu_blob_verify(f->v, 7, f->key, info.sha256, 200000, NULL), CU_EVERIFY);
	cu_blob_reader *r;
	uint8_t *buf = malloc(300000);
	size_t got;
	assert_int_equal(cu_blob_open(&r, f->v, 7, f->key, info.sha256, 200000, NULL), 0);
	assert_int_equal(cu_blob_read(r, buf, 300000, &got), CU_EVERIFY);
	assert_true(got < 200000);
	assert_memory_equal(buf, d, got);
	cu_blob_close(r);
	/* Truncated: fails too. */
	assert_int_equal(f->bs->ops->remove(f->bs, info.name), 0);
	c[100000] ^= 1;
	store(f, info.name, c, n - 1);
	assert_int_equal(cu_blob_verify(f->v, 7, f->key, info.sha256, 200000, NULL), CU_EVERIFY);
	free(buf);
	free(c);
	free(d);
}

static bool keep_none(void *ctx, const char *name)
{
	return false;
}

static bool keep_one(void *ctx, const char *name)
{
	return !strcmp(name, (const char *)ctx);
}

static void test_blobstore_contract__failed_upload_leaves_nothing(void **state)
{
	fixture *f = *state;
	int removed;
	/* Abandoned before its end, after several parts went out (S3: multipart). */
	uint8_t *d = pattern(3u << 20, 5);
	cu_blob_writer *w;
	assert_int_equal(cu_blob_create(&w, f->v, 7, f->key, true, false), 0);
	assert_int_equal(cu_blob_write(w, d, 3u << 20), 0);
	cu_blob_free(w);
	/* A failed store-level put: nothing under any name, nothing to sweep. */
	cu_bput *p;
	assert_int_equal(f->bs->ops->put_begin(f->bs, &p), 0);
	assert_int_equal(f->bs->ops->put_write(p, d, 3u << 20), 0);
	f->bs->ops->put_free(p);
	assert_int_equal(cu_vault_sweep(f->v, NULL, keep_none, NULL, &removed), 0);
	assert_int_equal(removed, 0);
	free(d);
}

static void test_blobstore_contract__delete_exists_sweep(void **state)
{
	fixture *f = *state;
	uint8_t *a = pattern(1000, 1), *b = pattern(70000, 2);
	cu_blob_info ia, ib;
	int removed;
	put(f, &ia, 7, a, 1000);
	put(f, &ib, 8, b, 70000);
	assert_int_equal(cu_blob_exists(f->v, ia.name), 0);
	assert_int_equal(cu_blob_exists(f->v, ib.name), 0);
	/* The sweep lists the store and removes what no record keeps. */
	assert_int_equal(cu_vault_sweep(f->v, NULL, keep_one, ia.name, &removed), 0);
	assert_int_equal(removed, 1);
	assert_int_equal(cu_blob_exists(f->v, ia.name), 0);
	assert_int_equal(cu_blob_exists(f->v, ib.name), CU_ENOTFOUND);
	cu_blob_reader *r;
	assert_int_equal(cu_blob_open(&r, f->v, 8, f->key, ib.sha256, 0, NULL), CU_ENOTFOUND);
	/* Destroy, and destroying what is gone is no error. */
	assert_int_equal(cu_blob_destroy(f->v, 7, ia.sha256), 0);
	assert_int_equal(cu_blob_exists(f->v, ia.name), CU_ENOTFOUND);
	assert_int_equal(cu_blob_destroy(f->v, 7, ia.sha256), 0);
	assert_int_equal(cu_blob_verify(f->v, 7, f->key, ia.sha256, 1000, NULL), CU_ENOTFOUND);
	free(a);
	free(b);
}

static void test_blobstore_contract__batch_placed(void **state)
{
	fixture *f = *state;
	cu_blob_writer *ws[3];
	cu_blob_info info[3];
	uint8_t *d[3];
	for (int i = 0; i < 3; i++) {
		d[i] = pattern(5000 + (size_t)i, 20 + (unsigned)i);
		assert_int_equal(cu_blob_create(&ws[i], f->v, 9, f->key, false, true), 0);
		assert_int_equal(cu_blob_write(ws[i], d[i], 5000 + (size_t)i), 0);
		assert_int_equal(cu_blob_finish(ws[i], &info[i]), 0);
	}
	assert_int_equal(cu_vault_place(f->v, ws, 3), 0);
	for (int i = 0; i < 3; i++) {
		cu_blob_free(ws[i]);
		get(f, 9, info[i].sha256, d[i], 5000 + (size_t)i);
		free(d[i]);
	}
}

static void test_blobstore_shared__race_one_copy_wins(void **state)
{
	fixture *f = *state;
	/* Two nodes place the same name: the second finds it, keeps the first. */
	uint8_t x[100] = {1}, y[100] = {2};
	cu_bput *p, *q;
	bool e1, e2;
	const char *name = "ab0000000000000000000000000000000000000000000000000000000000cd";
	assert_int_equal(f->bs->ops->put_begin(f->bs, &p), 0);
	assert_int_equal(f->bs->ops->put_begin(f->bs, &q), 0);
	assert_int_equal(f->bs->ops->put_write(p, x, sizeof(x)), 0);
	assert_int_equal(f->bs->ops->put_write(q, y, sizeof(y)), 0);
	assert_int_equal(f->bs->ops->put_finish(p, true), 0);
	assert_int_equal(f->bs->ops->put_finish(q, true), 0);
	assert_int_equal(f->bs->ops->put_place(p, name, true, &e1), 0);
	assert_int_equal(f->bs->ops->put_place(q, name, true, &e2), 0);
	f->bs->ops->put_free(p);
	f->bs->ops->put_free(q);
	assert_false(e1);
	assert_true(e2);
	size_t n;
	uint8_t *c = fetch(f, name, &n);
	assert_int_equal(n, sizeof(x));
	assert_memory_equal(c, x, sizeof(x));
	free(c);
}

int main(int argc, char **argv)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_blobstore_contract__round_trips),
		T(test_blobstore_contract__tampered_object_fails),
		T(test_blobstore_contract__failed_upload_leaves_nothing),
		T(test_blobstore_contract__delete_exists_sweep),
		T(test_blobstore_contract__batch_placed),
	};
	const struct CMUnitTest race[] = {T(test_blobstore_shared__race_one_copy_wins)};
	int r = 0;
	if (argc > 1) { /* one store: local, shared or s3 */
		kind = argv[1];
		r = cmocka_run_group_tests_name(kind, tests, NULL, NULL);
		if (!strcmp(kind, "shared") || !strcmp(kind, "s3"))
			r |= cmocka_run_group_tests_name(kind, race, NULL, NULL);
		return r;
	}
	kind = "local";
	r |= cmocka_run_group_tests_name("local", tests, NULL, NULL);
	kind = "shared";
	r |= cmocka_run_group_tests_name("shared", tests, NULL, NULL);
	r |= cmocka_run_group_tests_name("shared", race, NULL, NULL);
	return r;
}
