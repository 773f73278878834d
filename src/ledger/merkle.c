/* SPDX-License-Identifier: Apache-2.0 */
/* ledger: RFC 9162 Merkle tree hashing, proofs and their verification. */
#include <stdbool.h>
#include <string.h>

#include "crypto/crypto.h"
#include "ledger/merkle.h"
#include "util/util.h"

void cu_merkle_leaf(uint8_t out[32], const void *entry, size_t len)
{
	static const uint8_t zero = 0x00;
	cu_sha256_2(out, &zero, 1, entry, len);
}

void cu_merkle_node(uint8_t out[32], const uint8_t left[32], const uint8_t right[32])
{
	uint8_t buf[65];
	buf[0] = 0x01;
	memcpy(buf + 1, left, 32);
	memcpy(buf + 33, right, 32);
	cu_sha256(out, buf, sizeof(buf));
}

void cu_merkle_empty(uint8_t out[32])
{
	cu_sha256(out, "", 0);
}

int64_t cu_merkle_stored_index(int level, int64_t n)
{
	/* The level-L hash n is stored right after the level-0 hash of its last
	 * leaf: count the hashes of all levels stored up to that leaf. */
	for (int l = level; l > 0; l--)
		n = 2 * n + 1;
	int64_t i = 0;
	for (; n > 0; n >>= 1)
		i += n;
	return i + level;
}

int64_t cu_merkle_stored_count(int64_t size)
{
	if (size <= 0)
		return 0;
	int64_t count = cu_merkle_stored_index(0, size - 1) + 1;
	for (uint64_t i = (uint64_t)(size - 1); i & 1; i >>= 1)
		count++;
	return count;
}

int cu_merkle_append(uint8_t out[64][32], int *count, int64_t n, const uint8_t leaf[32],
                     cu_hash_reader rd, void *ctx)
{
	uint8_t left[32];
	int r;
	memcpy(out[0], leaf, 32);
	*count = 1;
	/* Each trailing 1 bit of n is a subtree this leaf completes. */
	for (int level = 0; (n >> level) & 1; level++) {
		if ((r = rd(ctx, cu_merkle_stored_index(level, (n >> level) - 1), left)) != 0)
			return r;
		cu_merkle_node(out[*count], left, out[*count - 1]);
		(*count)++;
	}
	return 0;
}

/* log2(v) if v is a power of two, else -1; for any size, up to INT64_MAX. */
static int log2_exact(int64_t v)
{
	if (v <= 0 || (v & (v - 1)) != 0)
		return -1;
	int l = 0;
	while (((uint64_t)1 << l) != (uint64_t)v)
		l++;
	return l;
}

/* The largest power of two smaller than n (n > 1); 2k < n without overflow. */
static int64_t split(int64_t n)
{
	int64_t k = 1;
	while (k < n - k)
		k <<= 1;
	return k;
}

/* The dense-order reader seen as a node reader. */
typedef struct dense {
	cu_hash_reader rd;
	void *ctx;
} dense;

static int dense_node(void *ctx, int level, int64_t n, uint8_t out[32])
{
	const dense *d = ctx;
	return d->rd(d->ctx, cu_merkle_stored_index(level, n), out);
}

/* MTH(D[lo:hi]) for hi > lo, from stored complete subtrees. */
typedef struct src {
	cu_node_reader rd;
	void *ctx;
	cu_merkle_memo *memo;
} src;

static int range_hash(uint8_t out[32], int64_t lo, int64_t hi, const src *sr)
{
	int64_t n = hi - lo;
	int level = log2_exact(n);
	if (n > 0 && level >= 0 && lo % n == 0)
		return sr->rd(sr->ctx, level, lo / n, out);
	cu_merkle_memo *m = sr->memo && sr->memo->size == hi ? sr->memo : NULL;
	for (int i = 0; m && i < m->n; i++)
		if (m->r[i].lo == lo) {
			memcpy(out, m->r[i].h, 32);
			return 0;
		}
	uint8_t l[32], r2[32];
	int r;
	int64_t k = split(n);
	if ((r = range_hash(l, lo, lo + k, sr)) != 0 || (r = range_hash(r2, lo + k, hi, sr)) != 0)
		return r;
	cu_merkle_node(out, l, r2);
	if (m && m->n < 64) {
		m->r[m->n].lo = lo;
		memcpy(m->r[m->n++].h, out, 32);
	}
	return 0;
}

/* A memo kept for another size is emptied for this one. */
static void memo_for(cu_merkle_memo *memo, int64_t size)
{
	if (memo && memo->size != size) {
		memo->size = size;
		memo->n = 0;
	}
}

int cu_merkle_root_nodes(uint8_t out[32], int64_t size, cu_node_reader rd, void *ctx,
                         cu_merkle_memo *memo)
{
	if (size == 0) {
		cu_merkle_empty(out);
		return 0;
	}
	/* Only the memo of the largest size is kept: roots of smaller trees
	 * (the first size of a consistency proof) go without it. */
	src sr = {rd, ctx, memo && memo->size == size ? memo : NULL};
	return range_hash(out, 0, size, &sr);
}

int cu_merkle_root(uint8_t out[32], int64_t size, cu_hash_reader rd, void *ctx)
{
	dense d = {rd, ctx};
	return cu_merkle_root_nodes(out, size, dense_node, &d, NULL);
}

/* PATH(m, D[lo:hi]) of RFC 9162 §2.1.3.1, appended leaf-first. */
static int path(uint8_t proof[][32], int *len, int64_t m, int64_t lo, int64_t hi,
                const src *sr)
{
	int64_t n = hi - lo;
	int r;
	if (n == 1)
		return 0;
	int64_t k = split(n);
	if (*len >= CU_MERKLE_MAX_PROOF)
		return cu_error_set(CU_EINVALID, "proof too long");
	if (m < k) {
		if ((r = path(proof, len, m, lo, lo + k, sr)) != 0)
			return r;
		return range_hash(proof[(*len)++], lo + k, hi, sr);
	}
	if ((r = path(proof, len, m - k, lo + k, hi, sr)) != 0)
		return r;
	return range_hash(proof[(*len)++], lo, lo + k, sr);
}

int cu_merkle_inclusion_nodes(uint8_t proof[CU_MERKLE_MAX_PROOF][32], int *len, int64_t index,
                              int64_t size, cu_node_reader rd, void *ctx, cu_merkle_memo *memo)
{
	memo_for(memo, size);
	src sr = {rd, ctx, memo};
	*len = 0;
	if (index < 0 || index >= size)
		return cu_error_set(CU_EINVALID, "leaf %lld is not in a tree of %lld", (long long)index,
		                    (long long)size);
	return path(proof, len, index, 0, size, &sr);
}

int cu_merkle_inclusion(uint8_t proof[CU_MERKLE_MAX_PROOF][32], int *len, int64_t index,
                        int64_t size, cu_hash_reader rd, void *ctx)
{
	dense d = {rd, ctx};
	return cu_merkle_inclusion_nodes(proof, len, index, size, dense_node, &d, NULL);
}

/* SUBPROOF(m, D[lo:hi], b) of RFC 9162 §2.1.4.1. */
static int subproof(uint8_t proof[][32], int *len, int64_t m, int64_t lo, int64_t hi, bool b,
                    const src *sr)
{
	int64_t n = hi - lo;
	int r;
	if (*len >= CU_MERKLE_MAX_PROOF)
		return cu_error_set(CU_EINVALID, "proof too long");
	if (m == n) {
		if (b)
			return 0;
		return range_hash(proof[(*len)++], lo, hi, sr);
	}
	int64_t k = split(n);
	if (m <= k) {
		if ((r = subproof(proof, len, m, lo, lo + k, b, sr)) != 0)
			return r;
		return range_hash(proof[(*len)++], lo + k, hi, sr);
	}
	if ((r = subproof(proof, len, m - k, lo + k, hi, false, sr)) != 0)
		return r;
	return range_hash(proof[(*len)++], lo, lo + k, sr);
}

int cu_merkle_consistency_nodes(uint8_t proof[CU_MERKLE_MAX_PROOF][32], int *len, int64_t m,
                                int64_t n, cu_node_reader rd, void *ctx, cu_merkle_memo *memo)
{
	memo_for(memo, n);
	src sr = {rd, ctx, memo};
	*len = 0;
	if (m <= 0 || m > n)
		return cu_error_set(CU_EINVALID, "no consistency proof from %lld to %lld",
		                    (long long)m, (long long)n);
	if (m == n)
		return 0;
	return subproof(proof, len, m, 0, n, true, &sr);
}

int cu_merkle_consistency(uint8_t proof[CU_MERKLE_MAX_PROOF][32], int *len, int64_t m,
                          int64_t n, cu_hash_reader rd, void *ctx)
{
	dense d = {rd, ctx};
	return cu_merkle_consistency_nodes(proof, len, m, n, dense_node, &d, NULL);
}

int cu_merkle_verify_inclusion(int64_t index, int64_t size, const uint8_t leaf[32],
                               const uint8_t (*proof)[32], int len, const uint8_t root[32])
{
	uint8_t r[32];
	if (index < 0 || index >= size)
		return cu_error_set(CU_EVERIFY, "leaf %lld is outside a tree of %lld",
		                    (long long)index, (long long)size);
	uint64_t fn = (uint64_t)index, sn = (uint64_t)size - 1;
	memcpy(r, leaf, 32);
	for (int i = 0; i < len; i++) {
		if (sn == 0)
			return cu_error_set(CU_EVERIFY, "the inclusion proof is too long");
		if ((fn & 1) || fn == sn) {
			cu_merkle_node(r, proof[i], r);
			while (!(fn & 1) && fn != 0)
				fn >>= 1, sn >>= 1;
		} else {
			cu_merkle_node(r, r, proof[i]);
		}
		fn >>= 1, sn >>= 1;
	}
	if (sn != 0)
		return cu_error_set(CU_EVERIFY, "the inclusion proof is too short");
	if (!cu_ct_equal(r, root, 32))
		return cu_error_set(CU_EVERIFY, "the inclusion proof leads to another root");
	return 0;
}

int cu_merkle_verify_consistency(int64_t m, int64_t n, const uint8_t root1[32],
                                 const uint8_t root2[32], const uint8_t (*proof)[32], int len)
{
	uint8_t fr[32], sr[32];
	if (m <= 0 || m > n)
		return cu_error_set(CU_EVERIFY, "no consistency proof from size %lld to %lld",
		                    (long long)m, (long long)n);
	if (m == n) {
		if (len != 0 || !cu_ct_equal(root1, root2, 32))
			return cu_error_set(CU_EVERIFY, "equal sizes need equal roots and no proof");
		return 0;
	}
	if (len == 0)
		return cu_error_set(CU_EVERIFY, "the consistency proof is empty");
	/* A power-of-two first tree is itself the proof's first node. */
	int start = 0;
	const uint8_t *first;
	if (log2_exact(m) >= 0) {
		first = root1;
	} else {
		first = proof[0];
		start = 1;
	}
	uint64_t fn = (uint64_t)m - 1, sn = (uint64_t)n - 1;
	while (fn & 1)
		fn >>= 1, sn >>= 1;
	memcpy(fr, first, 32);
	memcpy(sr, first, 32);
	for (int i = start; i < len; i++) {
		if (sn == 0)
			return cu_error_set(CU_EVERIFY, "the consistency proof is too long");
		if ((fn & 1) || fn == sn) {
			cu_merkle_node(fr, proof[i], fr);
			cu_merkle_node(sr, proof[i], sr);
			while (!(fn & 1) && fn != 0)
				fn >>= 1, sn >>= 1;
		} else {
			cu_merkle_node(sr, sr, proof[i]);
		}
		fn >>= 1, sn >>= 1;
	}
	if (sn != 0)
		return cu_error_set(CU_EVERIFY, "the consistency proof is too short");
	if (!cu_ct_equal(fr, root1, 32) || !cu_ct_equal(sr, root2, 32))
		return cu_error_set(CU_EVERIFY, "the consistency proof does not lead to both roots");
	return 0;
}
