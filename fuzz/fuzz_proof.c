/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz: RFC 9162 inclusion and consistency proof verification
 * (src/ledger/merkle.c), as a bundle or a client checks what a node sends.
 * Input: a kind byte (even: inclusion, odd: consistency), two 8-byte
 * big-endian sizes, two 32-byte hashes, then the proof's hashes.
 */
#include "fuzz.h"
#include "ledger/merkle.h"

static int64_t be64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return (int64_t)v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 81)
		return 0;
	int64_t a = be64(data + 1), b = be64(data + 9);
	const uint8_t *h1 = data + 17, *h2 = data + 49;
	size_t n = (size - 81) / 32;
	/* An exact-size copy of the proof, so that a read past it is seen. */
	uint8_t (*proof)[32] = malloc(n ? n * 32 : 1);
	if (!proof)
		abort();
	if (n)
		memcpy(proof, data + 81, n * 32);
	if (data[0] % 2 == 0) {
		if (cu_merkle_verify_inclusion(a, b, h1, (const uint8_t (*)[32])proof, (int)n, h2) == 0)
			FUZZ_ASSERT(a >= 0 && a < b);
	} else {
		if (cu_merkle_verify_consistency(a, b, h1, h2, (const uint8_t (*)[32])proof,
		                                 (int)n) == 0) {
			FUZZ_ASSERT(a >= 0 && a <= b);
			FUZZ_ASSERT(a != b || !memcmp(h1, h2, 32));
		}
	}
	free(proof);
	return 0;
}
