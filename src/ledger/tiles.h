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

/*
 * The store keeps each full tile with its interior: the 256 hashes of tree
 * level 8·L (the C2SP tile), then the 128 of level 8·L+1, ... and the 2 of
 * level 8·L+7 — 510 hashes, so any hash of the tile is one read:
 *
 *     slot   0 .. 255 | 256 .. 383 | 384 .. 447 | ... | 508 509
 *     level  8L       | 8L+1       | 8L+2       | ... | 8L+7
 *
 * The tile's root (level 8·L+8) is node(slot 508, slot 509): it is the
 * level-0 hash of tile L+1.
 */
#define CU_TILE_SLOTS 510
#define CU_TILE_BYTES (CU_TILE_SLOTS * 32)

/* The slot of the k-th hash at sublevel s (0..7) of a tile. */
static inline int cu_tile_slot(int s, int k)
{
	return 512 - (512 >> s) + k;
}

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
