/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz: C2SP tlog-tiles paths (cu_tile_parse), what follows "tile/" in a
 * request for the ledger's tiles. A path that parses names one tile, and
 * each tile has one path: formatting it gives back the same text.
 */
#include "fuzz.h"
#include "ledger/tiles.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *p = fuzz_str(data, size), out[96];
	cu_tile t, u;
	if (cu_tile_parse(&t, p) == 0) {
		FUZZ_ASSERT(t.level >= -1 && t.level <= 63 && t.n >= 0);
		FUZZ_ASSERT(t.width >= 1 && t.width <= CU_TILE_WIDTH);
		cu_tile_format(out, &t);
		FUZZ_ASSERT(cu_tile_parse(&u, out) == 0);
		FUZZ_ASSERT(u.level == t.level && u.n == t.n && u.width == t.width);
		FUZZ_ASSERT(!strcmp(out, p));
	}
	free(p);
	return 0;
}
