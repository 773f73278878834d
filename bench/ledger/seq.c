/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench/ledger (a): sequencing in memory. Appends N synthetic entries
 *   - with custodia's code (cu_merkle_leaf + cu_merkle_append into a dense
 *     in-memory stored-hash array, the reader the one cu_ledger_verify uses),
 *   - with a minimal loop over OpenSSL's EVP SHA-256 (one fetched EVP_MD and
 *     one reused context) computing the same RFC 6962 tree into the same
 *     dense array,
 * best of REPS each, alternating; checks that both arrays and roots agree and
 * writes the entries (one a line) to FILE for the Go sumdb/tlog baseline.
 *
 * Usage: seq N REPS FILE. Prints key=value lines.
 */
#include <openssl/evp.h>

#include "common.h"
#include "ledger/merkle.h"

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

static char *ents;   /* all entries, back to back */
static size_t *eoff; /* offset of entry i; eoff[N] the end */

static double run_cu(memtree *t, int64_t n)
{
	uint8_t leaf[32], add[64][32];
	int count;
	t->n = 0;
	double t0 = now_s();
	for (int64_t i = 0; i < n; i++) {
		cu_merkle_leaf(leaf, ents + eoff[i], eoff[i + 1] - eoff[i]);
		if (cu_merkle_append(add, &count, i, leaf, mem_read, t) != 0) {
			fprintf(stderr, "cu_merkle_append failed at %lld\n", (long long)i);
			exit(1);
		}
		memcpy(t->h[t->n], add, (size_t)count * 32);
		t->n += count;
	}
	return now_s() - t0;
}

static EVP_MD *md;
static EVP_MD_CTX *mx;

static inline void h2(uint8_t out[32], const void *a, size_t an, const void *b, size_t bn)
{
	EVP_DigestInit_ex2(mx, md, NULL);
	EVP_DigestUpdate(mx, a, an);
	EVP_DigestUpdate(mx, b, bn);
	EVP_DigestFinal_ex(mx, out, NULL);
}

/* The minimal loop: a stack of complete subtrees (a compact range). */
static double run_base(uint8_t (*h)[32], int64_t *nh, int64_t n, uint8_t root[32])
{
	static const uint8_t zero = 0;
	uint8_t st[65][32], buf[65];
	int top = 0;
	int64_t k = 0;
	double t0 = now_s();
	for (int64_t i = 0; i < n; i++) {
		h2(st[top], &zero, 1, ents + eoff[i], eoff[i + 1] - eoff[i]);
		memcpy(h[k++], st[top++], 32);
		for (uint64_t m = (uint64_t)i; m & 1; m >>= 1) {
			buf[0] = 1;
			memcpy(buf + 1, st[top - 2], 32);
			memcpy(buf + 33, st[top - 1], 32);
			h2(st[top - 2], buf, 65, NULL, 0);
			top--;
			memcpy(h[k++], st[top - 1], 32);
		}
	}
	double dt = now_s() - t0;
	*nh = k;
	if (top < 1)
		return dt;
	memcpy(root, st[top - 1], 32);
	for (int j = top - 2; j >= 0; j--) {
		buf[0] = 1;
		memcpy(buf + 1, st[j], 32);
		memcpy(buf + 33, root, 32);
		h2(root, buf, 65, NULL, 0);
	}
	return dt;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: seq N REPS FILE\n");
		return 2;
	}
	int64_t n = atoll(argv[1]);
	int reps = atoi(argv[2]);
	if (n < 1 || reps < 1) {
		fprintf(stderr, "seq: N and REPS must be positive\n");
		return 2;
	}
	md = EVP_MD_fetch(NULL, "SHA256", NULL);
	mx = EVP_MD_CTX_new();
	ents = malloc((size_t)n * 256);
	eoff = malloc(((size_t)n + 1) * sizeof(*eoff));
	FILE *f = fopen(argv[3], "w");
	if (!md || !mx || !ents || !eoff || !f) {
		fprintf(stderr, "seq: setup failed\n");
		return 1;
	}
	size_t off = 0;
	for (int64_t i = 0; i < n; i++) {
		eoff[i] = off;
		off += (size_t)bench_entry(ents + off, 256, i);
	}
	eoff[n] = off;
	for (int64_t i = 0; i < n; i++) {
		fwrite(ents + eoff[i], 1, eoff[i + 1] - eoff[i], f);
		fputc('\n', f);
	}
	fclose(f);

	int64_t cnt = cu_merkle_stored_count(n), nb = 0;
	memtree t = {malloc((size_t)cnt * 32), 0};
	uint8_t(*hb)[32] = malloc((size_t)cnt * 32);
	uint8_t rb[32], rc[32];
	if (!t.h || !hb)
		return 1;
	double best_cu = 1e9, best_base = 1e9;
	for (int r = 0; r < reps; r++) {
		double a = run_base(hb, &nb, n, rb);
		double b = run_cu(&t, n);
		if (a < best_base)
			best_base = a;
		if (b < best_cu)
			best_cu = b;
	}
	/* Where custodia's time goes: leaf hashing alone. */
	uint8_t leaf[32];
	double t0 = now_s();
	for (int64_t i = 0; i < n; i++)
		cu_merkle_leaf(leaf, ents + eoff[i], eoff[i + 1] - eoff[i]);
	double leaf_s = now_s() - t0;

	if (cu_merkle_root(rc, n, mem_read, &t) != 0 || t.n != cnt || nb != cnt ||
	    memcmp(t.h, hb, (size_t)cnt * 32) != 0 || memcmp(rb, rc, 32) != 0) {
		fprintf(stderr, "seq: custodia and the baseline disagree\n");
		return 1;
	}
	char hex[65];
	hexout(hex, rc, 32);
	printf("n=%lld\nstored=%lld\nentry_bytes_avg=%.1f\n", (long long)n, (long long)cnt,
	       (double)off / (double)n);
	printf("cu_rate=%.0f\nbase_rate=%.0f\n", (double)n / best_cu, (double)n / best_base);
	printf("cu_ns_per_leaf=%.0f\nbase_ns_per_leaf=%.0f\ncu_leafhash_ns=%.0f\n",
	       best_cu * 1e9 / (double)n, best_base * 1e9 / (double)n, leaf_s * 1e9 / (double)n);
	printf("root=%s\n", hex);
	return 0;
}
