/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ledger: RFC 9162 §2.1 Merkle tree hashing and proofs over a dense array of
 * stored hashes. Nothing here touches a database: hashes come through a
 * reader callback, so the same code serves the store, tests, and the offline
 * bundle verifier.
 *
 * Stored hashes: every complete subtree's hash, in the order they complete.
 * The level-L hash number n (covering leaves n·2^L .. (n+1)·2^L - 1) lives at
 * cu_merkle_stored_index(L, n):
 *
 *     leaves   0  1     2  3        4  5     6  7
 *     index    0  1  2  3  4  5  6  7  8  9 10 11 12 13 14
 *              L0 L0 L1 L0 L0 L1 L2 L0 L0 L1 L0 L0 L1 L2 L3
 *
 * Appending leaf n writes its hash and the hashes of the subtrees it
 * completes (one per trailing 1 bit of n): on average two per leaf.
 */
#ifndef CU_LEDGER_MERKLE_H
#define CU_LEDGER_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#define CU_MERKLE_MAX_PROOF 128

/* Reads stored hash number index into out; 0 or a CU_E* code. */
typedef int (*cu_hash_reader)(void *ctx, int64_t index, uint8_t out[32]);

void cu_merkle_leaf(uint8_t out[32], const void *entry, size_t len);
void cu_merkle_node(uint8_t out[32], const uint8_t left[32], const uint8_t right[32]);
void cu_merkle_empty(uint8_t out[32]);

int64_t cu_merkle_stored_index(int level, int64_t n);
/* How many stored hashes a tree of `size` leaves has. */
int64_t cu_merkle_stored_count(int64_t size);

/*
 * The hashes to store when appending leaf n (whose leaf hash is given),
 * starting at cu_merkle_stored_index(0, n): *count of them in out.
 */
int cu_merkle_append(uint8_t out[64][32], int *count, int64_t n, const uint8_t leaf[32],
                     cu_hash_reader rd, void *ctx);

/* The root of the first `size` leaves (the empty hash for 0). */
int cu_merkle_root(uint8_t out[32], int64_t size, cu_hash_reader rd, void *ctx);

/* RFC 9162 §2.1.3.1 inclusion proof of leaf `index` in the tree of `size`. */
int cu_merkle_inclusion(uint8_t proof[CU_MERKLE_MAX_PROOF][32], int *len, int64_t index,
                        int64_t size, cu_hash_reader rd, void *ctx);
/* RFC 9162 §2.1.4.1 consistency proof between sizes m <= n. */
int cu_merkle_consistency(uint8_t proof[CU_MERKLE_MAX_PROOF][32], int *len, int64_t m,
                          int64_t n, cu_hash_reader rd, void *ctx);

/*
 * The same over a reader of node n of tree level `level` (the hash of leaves
 * n·2^level .. (n+1)·2^level - 1), for stores not kept in the dense order.
 */
typedef int (*cu_node_reader)(void *ctx, int level, int64_t n, uint8_t out[32]);
/*
 * The hashes of the ranges [lo, size) that are not complete subtrees — the
 * tree's right edge, at most 64 — remembered for one size: every proof and
 * root against that size needs some of them, and they cost a SHA-256 each.
 * Zero-initialise; it resets itself when used with another size.
 */
typedef struct cu_merkle_memo {
	int64_t size;
	int n;
	struct {
		int64_t lo;
		uint8_t h[32];
	} r[64];
} cu_merkle_memo;
/* memo may be NULL. */
int cu_merkle_root_nodes(uint8_t out[32], int64_t size, cu_node_reader rd, void *ctx,
                         cu_merkle_memo *memo);
int cu_merkle_inclusion_nodes(uint8_t proof[CU_MERKLE_MAX_PROOF][32], int *len, int64_t index,
                              int64_t size, cu_node_reader rd, void *ctx, cu_merkle_memo *memo);
int cu_merkle_consistency_nodes(uint8_t proof[CU_MERKLE_MAX_PROOF][32], int *len, int64_t m,
                                int64_t n, cu_node_reader rd, void *ctx, cu_merkle_memo *memo);

/* RFC 9162 §2.1.3.2 and §2.1.4.2: 0 if the proof holds, CU_EVERIFY if not. */
int cu_merkle_verify_inclusion(int64_t index, int64_t size, const uint8_t leaf[32],
                               const uint8_t (*proof)[32], int len, const uint8_t root[32]);
int cu_merkle_verify_consistency(int64_t m, int64_t n, const uint8_t root1[32],
                                 const uint8_t root2[32], const uint8_t (*proof)[32], int len);

#endif
