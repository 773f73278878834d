/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench/ledger (c): inclusion and consistency proof generation in a tree of
 * N entries (entry i is the short text {"bench":i}; proofs do not depend on
 * entry size).
 *
 *   memory   cu_merkle_inclusion / cu_merkle_consistency over the dense
 *            stored-hash array held in memory ("tiles cached");
 *   store    the same proofs over custodia's tiles (cu_ledger_tree_node, the
 *            reader core's proofs use: full tiles from the store through the
 *            connection's tile cache, the edge in memory), warm;
 *   api      cu_ledger_prove_inclusion / _consistency (also computes the
 *            root(s), reads the leaf and builds the JSON answer), warm;
 *   cached   store and api again over the newest 16,384 entries only, whose
 *            tiles all fit the connection's tile cache ("tiles cached"); the
 *            warm figures above draw from the whole tree, so that at 10^7
 *            entries nearly every proof reads its level-0 tile from SQLite;
 *   cold     store and api again, each sample on a freshly opened connection
 *            (opening is not timed), in three ways:
 *            new     after posix_fadvise(DONTNEED) dropped the database file
 *                    from the OS page cache; the proof also builds the
 *                    connection's tree edge (what a new process pays once);
 *            disk    the edge built first (as in a running server), then the
 *                    file dropped from the page cache: the tiles the proof
 *                    needs are read from the disk;
 *            page    the edge built first, the file left in the page cache:
 *                    the tiles are read through SQLite from the OS's memory,
 *                    none from the connection's own tile cache.
 *            And the disk's own random 4 KiB read (O_DIRECT) beside them.
 *
 * Index i is uniform in [0, N), the tree size is N; consistency from m
 * uniform in [1, N) to N. The first proofs of each kind are checked with
 * cu_merkle_verify_* against the root of the in-memory tree.
 *
 * With DATADIR (a data directory made by `custodia init`), its ledger tables
 * are replaced by this tree, inserted directly with SQL (the ledger's
 * append-only triggers are dropped for that and recreated): the store and
 * api figures read it. The init's own records then have no entries; the data
 * directory is for this benchmark only.
 *
 * Usage: proofs N SAMPLES [DATADIR COLD_SAMPLES]. Prints key=value lines
 * (times in ns).
 */
#include <fcntl.h>
#include <openssl/evp.h>
#include <sqlite3.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "core/core.h"
#include "ledger/merkle.h"
#include "ledger/tiles.h"
#include "store/store.h"

typedef struct memtree {
	uint8_t (*h)[32];
	int64_t n;
} memtree;

static int mem_read(void *ctx, int64_t i, uint8_t out[32])
{
	memtree *t = ctx;
	if (i < 0 || i >= t->n)
		return -1;
	memcpy(out, t->h[i], 32);
	return 0;
}

/* The dense reader seen as a node reader, and the store's. */
static int mem_node(void *ctx, int level, int64_t n, uint8_t out[32])
{
	return mem_read(ctx, cu_merkle_stored_index(level, n), out);
}

static EVP_MD *md;
static EVP_MD_CTX *mx;

static void h2(uint8_t out[32], const void *a, size_t an, const void *b, size_t bn)
{
	EVP_DigestInit_ex2(mx, md, NULL);
	EVP_DigestUpdate(mx, a, an);
	if (bn)
		EVP_DigestUpdate(mx, b, bn);
	EVP_DigestFinal_ex(mx, out, NULL);
}

static int entry_text(char *out, size_t cap, int64_t i)
{
	return snprintf(out, cap, "{\"bench\":%lld}", (long long)i);
}

/* The tree of N entries, by the minimal compact-range loop (see seq.c). */
static void build(memtree *t, int64_t n, uint8_t root[32])
{
	static const uint8_t zero = 0;
	uint8_t st[65][32], buf[65];
	char e[64];
	int top = 0;
	t->n = 0;
	for (int64_t i = 0; i < n; i++) {
		int len = entry_text(e, sizeof(e), i);
		h2(st[top], &zero, 1, e, (size_t)len);
		memcpy(t->h[t->n++], st[top++], 32);
		for (uint64_t m = (uint64_t)i; m & 1; m >>= 1) {
			buf[0] = 1;
			memcpy(buf + 1, st[top - 2], 32);
			memcpy(buf + 33, st[top - 1], 32);
			h2(st[top - 2], buf, 65, NULL, 0);
			top--;
			memcpy(t->h[t->n++], st[top - 1], 32);
		}
	}
	if (top < 1)
		return;
	memcpy(root, st[top - 1], 32);
	for (int j = top - 2; j >= 0; j--) {
		buf[0] = 1;
		memcpy(buf + 1, st[j], 32);
		memcpy(buf + 33, root, 32);
		h2(root, buf, 65, NULL, 0);
	}
}

static uint64_t rng = 12345;
static int64_t rnd(int64_t lo, int64_t hi) /* uniform in [lo, hi) */
{
	return lo + (int64_t)(splitmix(&rng) % (uint64_t)(hi - lo));
}

static void die(const char *what)
{
	fprintf(stderr, "proofs: %s failed: %s\n", what, cu_error_message(CU_EDB));
	exit(1);
}

static void report(const char *name, uint64_t *v, size_t n)
{
	if (n == 0) {
		printf("%s_n=0\n", name); /* not asked for: no median to print */
		return;
	}
	uint64_t med = quantile(v, n, 0.5), p99 = quantile(v, n, 0.99);
	printf("%s_n=%zu\n%s_median=%llu\n%s_p99=%llu\n", name, n, name, (unsigned long long)med,
	       name, (unsigned long long)p99);
}

/*
 * Where proofs are drawn from: the whole tree, or (window > 0) its last
 * `window` entries, the newest, whose tiles a connection's cache holds
 * ("tiles cached"): core keeps 64 full tiles of level 0 (16,384 entries) and
 * 256 of the levels above.
 */
static int64_t window;

static int64_t draw(int64_t lo, int64_t n)
{
	return rnd(window > 0 && n - window > lo ? n - window : lo, n);
}

/* Times SAMPLES inclusion and consistency proofs with reader rd; checks some. */
static void proofs_with(const char *name, int64_t n, size_t samples, cu_node_reader rd, void *ctx,
                        cu_merkle_memo *memo, memtree *mem, const uint8_t root[32])
{
	uint8_t proof[CU_MERKLE_MAX_PROOF][32], leaf[32], r1[32];
	uint64_t *v = malloc(samples * sizeof(*v));
	char key[64];
	int len;
	for (size_t s = 0; s < samples; s++) {
		int64_t i = draw(0, n);
		uint64_t t0 = now_ns();
		if (cu_merkle_inclusion_nodes(proof, &len, i, n, rd, ctx, memo) != 0)
			die("cu_merkle_inclusion");
		v[s] = now_ns() - t0;
		if (s < 1000) {
			mem_read(mem, cu_merkle_stored_index(0, i), leaf);
			if (cu_merkle_verify_inclusion(i, n, leaf, (const uint8_t(*)[32])proof, len,
			                               root) != 0)
				die("checking an inclusion proof");
		}
	}
	snprintf(key, sizeof(key), "%s_incl", name);
	report(key, v, samples);
	for (size_t s = 0; s < samples; s++) {
		int64_t m = draw(1, n);
		uint64_t t0 = now_ns();
		if (cu_merkle_consistency_nodes(proof, &len, m, n, rd, ctx, memo) != 0)
			die("cu_merkle_consistency");
		v[s] = now_ns() - t0;
		if (s < 1000) {
			if (cu_merkle_root(r1, m, mem_read, mem) != 0 ||
			    cu_merkle_verify_consistency(m, n, r1, root,
			                                 (const uint8_t(*)[32])proof, len) != 0)
				die("checking a consistency proof");
		}
	}
	snprintf(key, sizeof(key), "%s_cons", name);
	report(key, v, samples);
	free(v);
}

static void exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "proofs: %s: %s\n", sql, err);
		exit(1);
	}
}

/* Replaces the ledger of DATADIR by the tree in mem (N entries). */
static void fill(const char *dir, memtree *mem, int64_t n)
{
	char path[4096], e[64], *trig[2] = {0};
	const char *names[2] = {"ledger_entries_no_delete", "ledger_tiles_no_delete"};
	sqlite3 *db;
	sqlite3_stmt *st, *se, *sh;
	snprintf(path, sizeof(path), "%s/custodia.db", dir);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		die("sqlite3_open");
	exec(db, "PRAGMA synchronous = OFF; PRAGMA cache_size = -262144");
	for (int k = 0; k < 2; k++) {
		sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_master WHERE name = ?1", -1, &st,
		                   NULL);
		sqlite3_bind_text(st, 1, names[k], -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			trig[k] = strdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		snprintf(path, sizeof(path), "DROP TRIGGER IF EXISTS %s", names[k]);
		exec(db, path);
	}
	exec(db, "DELETE FROM ledger_entries; DELETE FROM ledger_tiles; DELETE FROM ledger_edge");
	sqlite3_prepare_v2(db,
	                   "INSERT INTO ledger_entries(idx, entry, kind, ref) VALUES (?1, ?2,"
	                   " 'event', ?1)",
	                   -1, &se, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO ledger_tiles(id, hashes) VALUES (?1, ?2)", -1, &sh,
	                   NULL);
	exec(db, "BEGIN");
	for (int64_t i = 0; i < n; i++) {
		int len = entry_text(e, sizeof(e), i);
		sqlite3_bind_int64(se, 1, i);
		sqlite3_bind_text(se, 2, e, len, SQLITE_STATIC);
		if (sqlite3_step(se) != SQLITE_DONE)
			die("inserting an entry");
		sqlite3_reset(se);
	}
	/* Every full tile with its interior (src/ledger/tiles.h). */
	static uint8_t tile[CU_TILE_SLOTS][32];
	for (int L = 0; (n >> (8 * L + 8)) > 0; L++)
		for (int64_t t = 0; t < n >> (8 * L + 8); t++) {
			for (int sl = 0; sl < 8; sl++)
				for (int k = 0; k < (256 >> sl); k++)
					mem_read(mem, cu_merkle_stored_index(8 * L + sl,
					                                     t * (256 >> sl) + k),
					         tile[cu_tile_slot(sl, k)]);
			sqlite3_bind_int64(sh, 1, (int64_t)L << 40 | t);
			sqlite3_bind_blob(sh, 2, tile, sizeof(tile), SQLITE_STATIC);
			if (sqlite3_step(sh) != SQLITE_DONE)
				die("inserting a tile");
			sqlite3_reset(sh);
		}
	/* The partial tile of each level >= 1 (ledger_edge), as appends leave it. */
	sqlite3_stmt *sg;
	sqlite3_prepare_v2(db, "INSERT INTO ledger_edge(level, n, hashes) VALUES (?1, ?2, ?3)",
	                   -1, &sg, NULL);
	for (int L = 1; (n >> (8 * L)) > 0; L++) {
		int64_t count = n >> (8 * L), t = count >> 8;
		int w = (int)(count & 255);
		if (w == 0)
			continue;
		memset(tile, 0, sizeof(tile));
		for (int sl = 0; sl < 8; sl++)
			for (int k = 0; k < (w >> sl); k++)
				mem_read(mem, cu_merkle_stored_index(8 * L + sl, t * (256 >> sl) + k),
				         tile[cu_tile_slot(sl, k)]);
		sqlite3_bind_int(sg, 1, L);
		sqlite3_bind_int64(sg, 2, t);
		sqlite3_bind_blob(sg, 3, tile, sizeof(tile), SQLITE_STATIC);
		if (sqlite3_step(sg) != SQLITE_DONE)
			die("inserting an edge");
		sqlite3_reset(sg);
	}
	sqlite3_finalize(sg);
	exec(db, "COMMIT");
	sqlite3_finalize(se);
	sqlite3_finalize(sh);
	for (int k = 0; k < 2; k++)
		if (trig[k]) {
			exec(db, trig[k]);
			free(trig[k]);
		}
	exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
	sqlite3_close(db);
	snprintf(path, sizeof(path), "%s/custodia.db", dir);
	int fd = open(path, O_RDONLY);
	fsync(fd);
	close(fd);
}

/* Drops the data directory's database from the OS page cache. */
static void drop_cache(const char *dir)
{
	static const char *const files[] = {"custodia.db", "custodia.db-wal"};
	char path[4096];
	for (int k = 0; k < 2; k++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[k]);
		int fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		fdatasync(fd);
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
		close(fd);
	}
}

/* Fraction of the database's pages resident in the page cache. */
static double resident(const char *dir)
{
	char path[4096];
	struct stat sb;
	snprintf(path, sizeof(path), "%s/custodia.db", dir);
	int fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &sb) != 0 || sb.st_size == 0)
		return -1;
	size_t len = (size_t)sb.st_size, pg = (size_t)sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -1;
	size_t np = (len + pg - 1) / pg, in = 0;
	unsigned char *vec = malloc(np);
	if (mincore(p, len, vec) == 0)
		for (size_t i = 0; i < np; i++)
			in += vec[i] & 1;
	free(vec);
	munmap(p, len);
	return (double)in / (double)np;
}

/* The median of `samples` random 4 KiB reads of the database file with
 * O_DIRECT (past the OS page cache): what one read from this disk costs. */
static uint64_t disk_read(const char *dir, size_t samples)
{
	char path[4096];
	struct stat sb;
	snprintf(path, sizeof(path), "%s/custodia.db", dir);
	int fd = open(path, O_RDONLY | O_DIRECT);
	void *buf = NULL;
	if (fd < 0 || fstat(fd, &sb) != 0 || sb.st_size < 8192 ||
	    posix_memalign(&buf, 4096, 4096) != 0) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	uint64_t *v = samples ? malloc(samples * sizeof(*v)) : NULL;
	if (!v) {
		free(buf);
		close(fd);
		return 0;
	}
	for (size_t i = 0; i < samples; i++) {
		off_t at = (off_t)rnd(0, sb.st_size / 4096) * 4096;
		uint64_t t0 = now_ns();
		if (pread(fd, buf, 4096, at) != 4096)
			die("an O_DIRECT read");
		v[i] = now_ns() - t0;
	}
	qsort(v, samples, sizeof(*v), cmp_u64);
	uint64_t med = v[samples / 2];
	free(v);
	free(buf);
	close(fd);
	return med;
}

typedef enum { K_INCL, K_CONS } kind;

static uint64_t api_one(cu_core *c, kind k, int64_t n)
{
	json_t *out = NULL;
	int64_t a = draw(k == K_INCL ? 0 : 1, n);
	uint64_t t0 = now_ns();
	int r = k == K_INCL ? cu_ledger_prove_inclusion(c, &out, a, n)
	                    : cu_ledger_prove_consistency(c, &out, a, n);
	uint64_t dt = now_ns() - t0;
	if (r != 0)
		die("cu_ledger_prove_*");
	json_decref(out);
	return dt;
}

static uint64_t store_one(cu_store *s, kind k, int64_t n)
{
	uint8_t proof[CU_MERKLE_MAX_PROOF][32];
	int len;
	int64_t a = k == K_INCL ? rnd(0, n) : rnd(1, n);
	uint64_t t0 = now_ns();
	uint8_t h[32];
	if (cu_ledger_tree_node(s, 0, 0, h) != 0) /* builds the connection's edge */
		die("the store reader");
	cu_merkle_memo *memo = cu_ledger_tree_memo(s);
	int r = k == K_INCL
	        ? cu_merkle_inclusion_nodes(proof, &len, a, n, cu_ledger_tree_node, s, memo)
	        : cu_merkle_consistency_nodes(proof, &len, a, n, cu_ledger_tree_node, s, memo);
	uint64_t dt = now_ns() - t0;
	if (r != 0)
		die("a proof from the store");
	return dt;
}

/*
 * One cold proof on a new connection (see the top): how 0 new process, 1
 * tiles from the disk, 2 tiles from the page cache; through the store reader
 * or (api) cu_ledger_prove_*.
 */
static uint64_t cold_one(int how, kind k, int64_t n, bool api, const char *dir,
                         const cu_core_config *cfg)
{
	uint8_t h[32];
	uint64_t dt;
	if (api) {
		cu_core *c;
		if (cu_core_open(&c, cfg) != 0)
			die("cu_core_open");
		if (how > 0 && cu_ledger_root(c, h, n) != 0) /* the edge */
			die("cu_ledger_root");
		if (how < 2)
			drop_cache(dir);
		dt = api_one(c, k, n);
		cu_core_close(c);
		return dt;
	}
	cu_store *s;
	if (cu_store_open(&s, dir, false) != 0)
		die("cu_store_open");
	if (how > 0 && cu_ledger_tree_node(s, 0, 0, h) != 0) /* the edge */
		die("the store reader");
	if (how < 2)
		drop_cache(dir);
	dt = store_one(s, k, n);
	cu_store_close(s);
	return dt;
}

int main(int argc, char **argv)
{
	if (argc != 3 && argc != 5) {
		fprintf(stderr, "usage: proofs N SAMPLES [DATADIR COLD_SAMPLES]\n");
		return 2;
	}
	int64_t n = atoll(argv[1]);
	size_t samples = (size_t)atoll(argv[2]);
	const char *dir = argc == 5 ? argv[3] : NULL;
	size_t cold = argc == 5 ? (size_t)atoll(argv[4]) : 0;
	if (n < 2 || samples < 1)
		return 2;
	md = EVP_MD_fetch(NULL, "SHA256", NULL);
	mx = EVP_MD_CTX_new();
	int64_t cnt = cu_merkle_stored_count(n);
	memtree mem = {malloc((size_t)cnt * 32), 0};
	uint8_t root[32], rc[32];
	if (!md || !mx || !mem.h)
		die("setup");
	double t0 = now_s();
	build(&mem, n, root);
	printf("n=%lld\nbuild_s=%.2f\n", (long long)n, now_s() - t0);
	if (mem.n != cnt || cu_merkle_root(rc, n, mem_read, &mem) != 0 || memcmp(rc, root, 32))
		die("the in-memory tree");
	proofs_with("mem", n, samples, mem_node, &mem, NULL, &mem, root);
	fflush(stdout);
	if (!dir)
		return 0;

	t0 = now_s();
	fill(dir, &mem, n);
	printf("fill_s=%.1f\n", now_s() - t0);
	cu_store *s;
	cu_core *c;
	if (cu_store_open(&s, dir, false) != 0)
		die("cu_store_open");
	size_t ws = samples < 20000 ? samples : 20000;
	uint8_t h0[32];
	if (cu_ledger_tree_node(s, 0, 0, h0) != 0)
		die("the store reader");
	proofs_with("store", n, ws, cu_ledger_tree_node, s, cu_ledger_tree_memo(s), &mem, root);
	window = 64 * 256;
	proofs_with("store_cached", n, ws, cu_ledger_tree_node, s, cu_ledger_tree_memo(s), &mem,
	            root);
	window = 0;
	cu_store_close(s);
	cu_core_config cfg = {.datadir = dir};
	if (cu_core_open(&c, &cfg) != 0)
		die("cu_core_open");
	uint64_t *v = malloc((ws > cold ? ws : cold) * sizeof(*v));
	for (kind k = K_INCL; k <= K_CONS; k++) {
		for (size_t i = 0; i < ws; i++)
			v[i] = api_one(c, k, n);
		report(k == K_INCL ? "api_incl" : "api_cons", v, ws);
	}
	window = 64 * 256;
	for (kind k = K_INCL; k <= K_CONS; k++) {
		for (size_t i = 0; i < ws; i++)
			v[i] = api_one(c, k, n);
		report(k == K_INCL ? "api_cached_incl" : "api_cached_cons", v, ws);
	}
	window = 0;
	cu_core_close(c);
	fflush(stdout);

	/* Cold: every sample on a new connection (see the top). */
	static const char *const how[] = {"new", "disk", "page"};
	drop_cache(dir);
	printf("resident_after_drop=%.4f\n", resident(dir));
	printf("disk_read_median=%llu\n", (unsigned long long)disk_read(dir, cold));
	for (int w = 0; w < 3; w++)
		for (kind k = K_INCL; k <= K_CONS; k++)
			for (int api = 0; api < 2; api++) {
				char key[64];
				for (size_t i = 0; i < cold; i++)
					v[i] = cold_one(w, k, n, api, dir, &cfg);
				snprintf(key, sizeof(key), "cold_%s_%s_%s", how[w], api ? "api" : "store",
				         k == K_INCL ? "incl" : "cons");
				report(key, v, cold);
				fflush(stdout);
			}
	free(v);
	free(mem.h);
	return 0;
}
