/* SPDX-License-Identifier: Apache-2.0 */
/* tests: encrypted blobs — round trips, deduplication, tampering, faults. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "testutil.h"
#include "vault/vault.h"

typedef struct fixture {
	char *tmp, *dir;
	cu_vault *v;
	uint8_t key[CU_KEY_LEN], key2[CU_KEY_LEN];
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	f->dir = tu_datadir(&f->tmp);
	mkdir(f->dir, 0700);
	assert_int_equal(cu_crypto_init(), 0);
	assert_int_equal(cu_master_ensure(f->dir), 0); /* what init does */
	assert_int_equal(cu_vault_open(&f->v, f->dir), 0);
	cu_key_new(f->key);
	cu_key_new(f->key2);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	cu_vault_close(f->v);
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

/* Writes data in irregular pieces, as a network or a file reader would. */
static void put(fixture *f, cu_blob_info *info, int64_t case_id, const uint8_t *key,
                const uint8_t *data, size_t n, bool threaded)
{
	cu_blob_writer *w;
	assert_int_equal(cu_blob_create(&w, f->v, case_id, key, threaded, false), 0);
	size_t off = 0, step = 1;
	while (off < n) {
		size_t k = step < n - off ? step : n - off;
		assert_int_equal(cu_blob_write(w, data + off, k), 0);
		off += k;
		step = step * 3 + 7;
	}
	assert_int_equal(cu_blob_finish(w, info), 0);
	cu_blob_free(w);
}

static void get(fixture *f, int64_t case_id, const uint8_t *key, const uint8_t sha[32],
                const uint8_t *want, size_t n)
{
	cu_blob_reader *r;
	uint8_t *buf = malloc(n + 100);
	size_t total = 0, got;
	assert_int_equal(cu_blob_open(&r, f->v, case_id, key, sha, n, NULL), 0);
	do {
		assert_int_equal(cu_blob_read(r, buf + total, 100000 < n + 100 - total ? 100000 :
		                              n + 100 - total, &got), 0);
		total += got;
	} while (got);
	cu_blob_close(r);
	assert_int_equal(total, n);
	assert_memory_equal(buf, want, n);
	free(buf);
}

static void test_vault_blob__round_trips(void **state)
{
	fixture *f = *state;
	static const size_t sizes[] = {0, 1, 65535, 65536, 65537, 3 * 65536, (1 << 20) + 7,
	                               (9 << 20) + 3};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		for (int threaded = 0; threaded < 2; threaded++) {
			uint8_t *d = pattern(sizes[i], (unsigned)(i * 2 + (size_t)threaded));
			cu_blob_info info;
			uint8_t sha[32];
			put(f, &info, 1, f->key, d, sizes[i], threaded);
			cu_sha256(sha, d, sizes[i]);
			assert_memory_equal(info.sha256, sha, 32);
			assert_int_equal(info.size, sizes[i]);
			get(f, 1, f->key, sha, d, sizes[i]);
			assert_int_equal(cu_blob_verify(f->v, 1, f->key, sha, sizes[i], NULL), 0);
			free(d);
		}
	}
}

static void test_vault_blob__media_type_and_empty(void **state)
{
	fixture *f = *state;
	static const char pdf[] = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n";
	cu_blob_info info;
	put(f, &info, 1, f->key, (const uint8_t *)pdf, sizeof(pdf) - 1, false);
	assert_string_equal(info.media_type, "application/pdf");
	put(f, &info, 1, f->key, (const uint8_t *)"", 0, false);
	assert_int_equal(info.size, 0);
	/* SHA-256 of the empty string (FIPS 180-2). */
	assert_string_equal(info.sha256_hex,
	                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_vault_blob__deduplicated_per_case(void **state)
{
	fixture *f = *state;
	uint8_t *d = pattern(200000, 7);
	cu_blob_info a, b, c;
	put(f, &a, 1, f->key, d, 200000, false);
	put(f, &b, 1, f->key, d, 200000, true);
	put(f, &c, 2, f->key2, d, 200000, false);
	assert_false(a.existed);
	assert_true(b.existed);
	assert_string_equal(a.name, b.name);
	assert_false(c.existed);
	assert_string_not_equal(a.name, c.name);
	/* The name does not reveal the content's hash. */
	assert_string_not_equal(a.name, a.sha256_hex);
	free(d);
}

static void blob_file(fixture *f, char *out, size_t n, int64_t case_id, const uint8_t sha[32])
{
	char name[65];
	cu_blob_name(f->v, name, case_id, sha);
	snprintf(out, n, "%s/blobs/%.2s/%s", f->dir, name, name);
}

static void tamper(const char *path, off_t at, int how)
{
	int fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	struct stat st;
	fstat(fd, &st);
	if (how == 0) { /* flip a bit */
		uint8_t b;
		assert_int_equal(pread(fd, &b, 1, at), 1);
		b ^= 0x10;
		assert_int_equal(pwrite(fd, &b, 1, at), 1);
	} else if (how == 1) { /* cut the end */
		assert_int_equal(ftruncate(fd, st.st_size - 20), 0);
	} else if (how == 2) { /* cut a whole unit */
		assert_int_equal(ftruncate(fd, 16 + 24 + 65553), 0);
	} else { /* append */
		assert_int_equal(pwrite(fd, "x", 1, st.st_size), 1);
	}
	close(fd);
}

static void test_vault_blob__tampering_detected(void **state)
{
	fixture *f = *state;
	for (int how = 0; how < 4; how++) {
		uint8_t *d = pattern(300000, 40 + (unsigned)how);
		cu_blob_info info;
		char path[4096];
		put(f, &info, 3, f->key, d, 300000, false);
		blob_file(f, path, sizeof(path), 3, info.sha256);
		tamper(path, 100000, how);
		assert_int_equal(cu_blob_verify(f->v, 3, f->key, info.sha256, 300000, NULL), CU_EVERIFY);
		/* Reading returns only authenticated bytes, then the error. */
		cu_blob_reader *r;
		uint8_t *buf = malloc(400000);
		size_t got = 0;
		assert_int_equal(cu_blob_open(&r, f->v, 3, f->key, info.sha256, 300000, NULL), 0);
		assert_int_equal(cu_blob_read(r, buf, 400000, &got), CU_EVERIFY);
		assert_true(got < 300000);
		assert_memory_equal(buf, d, got);
		cu_blob_close(r);
		free(buf);
		free(d);
	}
}

static void test_vault_blob__wrong_key_or_swapped(void **state)
{
	fixture *f = *state;
	uint8_t *a = pattern(70000, 1), *b = pattern(70000, 2);
	cu_blob_info ia, ib;
	char pa[4096], pb[4096], cmd[8300];
	put(f, &ia, 4, f->key, a, 70000, false);
	put(f, &ib, 4, f->key, b, 70000, false);
	assert_int_equal(cu_blob_verify(f->v, 4, f->key2, ia.sha256, 70000, NULL), CU_EVERIFY);
	/* Copying one item's blob over another's is detected: the final unit
	 * authenticates the content's hash. */
	blob_file(f, pa, sizeof(pa), 4, ia.sha256);
	blob_file(f, pb, sizeof(pb), 4, ib.sha256);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", pa, pb);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(cu_blob_verify(f->v, 4, f->key, ib.sha256, 70000, NULL), CU_EVERIFY);
	/* A missing blob is reported as missing. */
	assert_int_equal(unlink(pa), 0);
	assert_int_equal(cu_blob_verify(f->v, 4, f->key, ia.sha256, 70000, NULL), CU_ENOTFOUND);
	free(a);
	free(b);
}

/*
 * Another content's blob copied over an item's, read as far as the item's
 * size goes (as a download does): the unit holding the item's last byte is
 * refused before any of it is returned, so the read never ends as if all
 * were well.
 */
static void test_vault_blob__swapped_refused_at_the_items_end(void **state)
{
	fixture *f = *state;
	uint8_t *a = pattern(150000, 3), *b = pattern(300000, 4), *c = pattern(150000, 5);
	uint8_t *buf = malloc(150000);
	cu_blob_info ia, ib, ic;
	char pa[4096], other[4096], cmd[8300];
	size_t got = 0;
	cu_blob_reader *r;
	put(f, &ia, 8, f->key, a, 150000, false);
	put(f, &ib, 8, f->key, b, 300000, false);
	put(f, &ic, 8, f->key, c, 150000, false);
	blob_file(f, pa, sizeof(pa), 8, ia.sha256);
	/* A longer content's: its third unit is not final where the item ends. */
	blob_file(f, other, sizeof(other), 8, ib.sha256);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", other, pa);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(cu_blob_open(&r, f->v, 8, f->key, ia.sha256, 150000, NULL), 0);
	assert_int_equal(cu_blob_read(r, buf, 150000, &got), CU_EVERIFY);
	assert_true(got <= 131072);
	cu_blob_close(r);
	/* One of the same size: its final unit seals another SHA-256. */
	blob_file(f, other, sizeof(other), 8, ic.sha256);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", other, pa);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(cu_blob_open(&r, f->v, 8, f->key, ia.sha256, 150000, NULL), 0);
	assert_int_equal(cu_blob_read(r, buf, 150000, &got), CU_EVERIFY);
	assert_true(got < 150000);
	cu_blob_close(r);
	/* With the header recorded at registration: refused on open, before any
	 * byte (a range that stops short of the end included). */
	assert_int_equal(cu_blob_open(&r, f->v, 8, f->key, ia.sha256, 150000, ia.header),
	                 CU_EVERIFY);
	assert_non_null(strstr(cu_error_message(CU_EVERIFY), "not the one registered"));
	/* The genuine blob opens with it. */
	assert_int_equal(cu_blob_open(&r, f->v, 8, f->key, ic.sha256, 150000, ic.header), 0);
	assert_int_equal(cu_blob_read(r, buf, 150000, &got), 0);
	assert_int_equal(got, 150000);
	cu_blob_close(r);
	/* The same content stored again keeps the blob stored first, and its header. */
	cu_blob_info again;
	put(f, &again, 8, f->key, c, 150000, false);
	assert_true(again.existed);
	assert_memory_equal(again.header, ic.header, CU_STREAM_HEADER);
	free(buf);
	free(a);
	free(b);
	free(c);
}

static void test_vault_blob__skip_for_ranges(void **state)
{
	fixture *f = *state;
	uint8_t *d = pattern(500000, 9), buf[1000];
	cu_blob_info info;
	size_t got;
	put(f, &info, 5, f->key, d, 500000, false);
	cu_blob_reader *r;
	assert_int_equal(cu_blob_open(&r, f->v, 5, f->key, info.sha256, 500000, NULL), 0);
	assert_int_equal(cu_blob_skip(r, 131000), 0);
	assert_int_equal(cu_blob_read(r, buf, sizeof(buf), &got), 0);
	assert_int_equal(got, sizeof(buf));
	assert_memory_equal(buf, d + 131000, sizeof(buf));
	assert_int_equal(cu_blob_skip(r, 10000000), CU_EINVALID);
	cu_blob_close(r);
	free(d);
}

static int count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static bool keep_none(void *ctx, const char *name)
{
	(void)ctx, (void)name;
	return false;
}

static void test_vault_batch__deferred_then_placed_and_sweep(void **state)
{
	fixture *f = *state;
	cu_blob_writer *ws[20];
	cu_blob_info info[20];
	char tmpdir[4096];
	snprintf(tmpdir, sizeof(tmpdir), "%s/blobs/tmp", f->dir);
	for (int i = 0; i < 20; i++) {
		uint8_t *d = pattern(4096 + (size_t)i, 100 + (unsigned)i);
		assert_int_equal(cu_blob_create(&ws[i], f->v, 6, f->key, false, true), 0);
		assert_int_equal(cu_blob_write(ws[i], d, 4096 + (size_t)i), 0);
		assert_int_equal(cu_blob_finish(ws[i], &info[i]), 0);
		free(d);
	}
	assert_int_equal(count_files(tmpdir), 20);
	/* Not placed yet: not readable under their names. */
	cu_blob_reader *r;
	assert_int_equal(cu_blob_open(&r, f->v, 6, f->key, info[0].sha256, 0, NULL), CU_ENOTFOUND);
	/* While writers are alive, a sweep must not touch anything. */
	int removed = -1;
	assert_int_equal(cu_vault_sweep(f->v, NULL, keep_none, NULL, &removed), 0);
	assert_int_equal(removed, 0);
	assert_int_equal(cu_vault_place(f->v, ws, 20), 0);
	assert_int_equal(count_files(tmpdir), 0);
	for (int i = 0; i < 20; i++) {
		assert_int_equal(cu_blob_verify(f->v, 6, f->key, info[i].sha256, info[i].size, NULL), 0);
		cu_blob_free(ws[i]);
	}
	/* An unfinished writer's file is removed when it is freed. */
	cu_blob_writer *w;
	assert_int_equal(cu_blob_create(&w, f->v, 6, f->key, true, false), 0);
	assert_int_equal(cu_blob_write(w, "partial", 7), 0);
	assert_int_equal(count_files(tmpdir), 1);
	cu_blob_free(w);
	assert_int_equal(count_files(tmpdir), 0);
	/* With no writer, the sweep removes what no record keeps. */
	assert_int_equal(cu_vault_sweep(f->v, NULL, keep_none, NULL, &removed), 0);
	assert_int_equal(removed, 20);
	assert_int_equal(cu_blob_verify(f->v, 6, f->key, info[0].sha256, info[0].size, NULL),
	                 CU_ENOTFOUND);
}

/*
 * A batch's media types are detected on another thread while the next files
 * are read: each result is the right one for its file; writers freed before
 * their detection ends (an aborted batch) are safe to free and leave nothing.
 */
static void test_vault_batch__media_types_detected_aside(void **state)
{
	fixture *f = *state;
	static const char *const body[] = {"%PDF-1.4\n%%EOF\n", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
	                                   "Dear colleague,\nplease find attached the statement.\n"};
	static const char *const want[] = {"application/pdf", "image/png", "text/plain"};
	enum { N = 60 };
	cu_blob_writer *ws[N];
	cu_blob_info info[N];
	char tmpdir[4096];
	snprintf(tmpdir, sizeof(tmpdir), "%s/blobs/tmp", f->dir);
	for (int i = 0; i < N; i++) {
		const char *b = body[i % 3];
		size_t n = i % 3 == 1 ? 16 : strlen(b);
		char tail[32];
		int tn = snprintf(tail, sizeof(tail), "%d\n", i); /* distinct contents */
		assert_int_equal(cu_blob_create(&ws[i], f->v, 9, f->key, false, true), 0);
		assert_int_equal(cu_blob_write(ws[i], b, n), 0);
		assert_int_equal(cu_blob_write(ws[i], tail, (size_t)tn), 0);
		assert_int_equal(cu_blob_finish(ws[i], &info[i]), 0);
	}
	assert_int_equal(cu_vault_place(f->v, ws, N / 2), 0);
	for (int i = 0; i < N / 2; i++) {
		cu_blob_result(ws[i], &info[i]);
		assert_string_equal(info[i].media_type, want[i % 3]);
		assert_int_equal(cu_blob_verify(f->v, 9, f->key, info[i].sha256, info[i].size, NULL), 0);
	}
	for (int i = 0; i < N; i++) /* the second half never placed */
		cu_blob_free(ws[i]);
	assert_int_equal(count_files(tmpdir), 0);
	assert_int_equal(cu_blob_verify(f->v, 9, f->key, info[N - 1].sha256, info[N - 1].size, NULL),
	                 CU_ENOTFOUND);
}

/* An injected write failure (file size limit) is a clear error, nothing placed. */
static void test_vault_fault__write_failure(void **state)
{
	fixture *f = *state;
	struct rlimit old, lim;
	char tmpdir[4096];
	snprintf(tmpdir, sizeof(tmpdir), "%s/blobs/tmp", f->dir);
	getrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, SIG_IGN);
	lim = old;
	lim.rlim_cur = 1 << 20;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	uint8_t *d = pattern(4 << 20, 77);
	cu_blob_writer *w;
	int r = 0;
	assert_int_equal(cu_blob_create(&w, f->v, 7, f->key, true, false), 0);
	for (size_t off = 0; off < (4u << 20) && r == 0; off += 65536)
		r = cu_blob_write(w, d + off, 65536);
	cu_blob_info info;
	if (r == 0)
		r = cu_blob_finish(w, &info);
	assert_int_equal(r, CU_EIO);
	assert_non_null(strstr(cu_error_message(CU_EIO), "cannot write"));
	cu_blob_free(w);
	setrlimit(RLIMIT_FSIZE, &old);
	assert_int_equal(count_files(tmpdir), 0);
	uint8_t sha[32];
	cu_sha256(sha, d, 4 << 20);
	cu_blob_reader *rd;
	assert_int_equal(cu_blob_open(&rd, f->v, 7, f->key, sha, 4 << 20, NULL), CU_ENOTFOUND);
	free(d);
}

static void test_vault_keys__wrap_bound_to_case(void **state)
{
	fixture *f = *state;
	uint8_t wrapped[CU_WRAPPED_LEN], out[CU_KEY_LEN];
	cu_vault_wrap_case_key(f->v, wrapped, f->key, 42);
	assert_int_equal(cu_vault_unwrap_case_key(f->v, out, wrapped, 42), 0);
	assert_memory_equal(out, f->key, CU_KEY_LEN);
	assert_int_equal(cu_vault_unwrap_case_key(f->v, out, wrapped, 43), CU_ECRYPTO);
	wrapped[30] ^= 1;
	assert_int_equal(cu_vault_unwrap_case_key(f->v, out, wrapped, 42), CU_ECRYPTO);
	char path[4096];
	struct stat st;
	snprintf(path, sizeof(path), "%s/master.key", f->dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
}

/*
 * Master key rotation: a case key re-wrapped by the new master opens with it
 * and not with the old; blob names do not change (the name key stays), so
 * blobs written before still read; the vault refuses a key that would rename
 * every blob.
 */
static void test_vault_keys__rewrap_keeps_blob_names(void **state)
{
	fixture *f = *state;
	uint8_t w[CU_WRAPPED_LEN], w2[CU_WRAPPED_LEN], back[CU_KEY_LEN];
	uint8_t *data = pattern(200000, 5);
	cu_blob_info info;
	char before[65], after[65];
	cu_master old = *cu_vault_master(f->v), next;
	put(f, &info, 7, f->key, data, 200000, false);
	cu_blob_name(f->v, before, 7, info.sha256);
	cu_vault_wrap_case_key(f->v, w, f->key, 7);
	cu_master_rotate(&next, &old);
	assert_int_equal(cu_vault_rewrap_case_key(f->v, &next, w2, w, 7), 0);
	assert_memory_not_equal(w, w2, CU_WRAPPED_LEN);
	assert_int_equal(cu_vault_case_key_opens(&next, back, w2, 7), 0);
	assert_memory_equal(back, f->key, CU_KEY_LEN);
	assert_int_equal(cu_vault_case_key_opens(&old, back, w2, 7), CU_ECRYPTO);
	/* Bound to its case still. */
	assert_int_equal(cu_vault_case_key_opens(&next, back, w2, 8), CU_ECRYPTO);
	assert_int_equal(cu_vault_use_master(f->v, &next, NULL), 0);
	cu_blob_name(f->v, after, 7, info.sha256);
	assert_string_equal(before, after);
	assert_int_equal(cu_vault_unwrap_case_key(f->v, back, w2, 7), 0);
	get(f, 7, back, info.sha256, data, 200000);
	/* The old wrapping no longer opens here, and says why. */
	assert_int_equal(cu_vault_unwrap_case_key(f->v, back, w, 7), CU_ECRYPTO);
	assert_non_null(strstr(cu_error_message(CU_ECRYPTO), "rotated on another node"));
	/* A master key with another name key is refused. */
	cu_master other;
	cu_key_new(other.key);
	cu_master_derive_names(&other);
	assert_int_equal(cu_vault_use_master(f->v, &other, NULL), CU_ECRYPTO);
	cu_blob_name(f->v, after, 7, info.sha256);
	assert_string_equal(before, after);
	free(data);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_vault_blob__round_trips),
		T(test_vault_blob__media_type_and_empty),
		T(test_vault_blob__deduplicated_per_case),
		T(test_vault_blob__tampering_detected),
		T(test_vault_blob__wrong_key_or_swapped),
		T(test_vault_blob__swapped_refused_at_the_items_end),
		T(test_vault_blob__skip_for_ranges),
		T(test_vault_batch__deferred_then_placed_and_sweep),
		T(test_vault_batch__media_types_detected_aside),
		T(test_vault_fault__write_failure),
		T(test_vault_keys__wrap_bound_to_case),
		T(test_vault_keys__rewrap_keeps_blob_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
