/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ledger: C2SP tlog-tiles paths. Tiles are 256 wide (height 8): the hash
 * tile L/N holds the hashes of level 8·L numbered N·256 .., the entry bundle
 * entries/N the entries N·256 .., each as a 2-byte big-endian length and its
 * bytes. N is written in groups of three digits, all but the last prefixed
 * with "x" (1234067 -> x001/x234/067); a partial tile of width W < 256 ends
 * in ".p/W".
 */
#ifndef CU_LEDGER_TILES_H
#define CU_LEDGER_TILES_H

#include <stddef.h>
#include <stdint.h>

#define CU_TILE_HEIGHT 8
#define CU_TILE_WIDTH 256

typedef struct cu_tile {
	int level;   /* 0..63, or -1 for an entry bundle */
	int64_t n;
	int width;   /* 1..256 */
} cu_tile;

/* Parses "L/N[.p/W]" or "entries/N[.p/W]" (the part after "tile/"). */
int cu_tile_parse(cu_tile *out, const char *path);
/* Formats the same; out needs 96 bytes. */
void cu_tile_format(char out[96], const cu_tile *t);

#endif
