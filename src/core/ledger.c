/* SPDX-License-Identifier: Apache-2.0 */
/*
 * core: the ledger — every event and custody row becomes an entry of an
 * append-only Merkle log in the same transaction; checkpoints are signed
 * with the node key; `verify` recomputes everything from the records.
 * Formats are defined in docs/ledger.md.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "crypto/crypto.h"
#include "ledger/keychain.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "ledger/tiles.h"

/* ---- canonical JSON ----------------------------------------------------- */

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * RFC 8785 (JCS) for the values the ledger uses: objects, strings, integers,
 * booleans and null. Keys are ASCII, so UTF-16 order is byte order; strings
 * are escaped exactly as JCS requires (\\", \\\\, \\b \\f \\n \\r \\t, other
 * controls as \\u00xx), everything else verbatim UTF-8.
 */
static int jcs(cu_buf *b, const json_t *v)
{
	int r = 0;
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		size_t n = json_object_size(v), i = 0;
		const char **keys = malloc((n ? n : 1) * sizeof(*keys));
		const char *k;
		json_t *x;
		if (!keys)
			return cu_error_set(CU_ENOMEM, "out of memory");
		json_object_foreach((json_t *)v, k, x)
			keys[i++] = k;
		qsort(keys, n, sizeof(*keys), cmp_key);
		r = cu_buf_append(b, "{", 1);
		for (i = 0; !r && i < n; i++) {
			if (i)
				r = cu_buf_append(b, ",", 1);
			if (!r)
				r = cu_buf_json_str(b, keys[i]);
			if (!r)
				r = cu_buf_append(b, ":", 1);
			if (!r)
				r = jcs(b, json_object_get(v, keys[i]));
		}
		free(keys);
		return r ? r : cu_buf_append(b, "}", 1);
	}
	case JSON_STRING: return cu_buf_json_str(b, json_string_value(v));
	case JSON_INTEGER: return cu_buf_printf(b, "%lld", (long long)json_integer_value(v));
	case JSON_TRUE: return cu_buf_puts(b, "true");
	case JSON_FALSE: return cu_buf_puts(b, "false");
	case JSON_NULL: return cu_buf_puts(b, "null");
	default: return cu_error_set(CU_EINVALID, "the ledger has no canonical form for this value");
	}
}

static int nibble(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* hex(SHA-256(salt ‖ bytes)), salt given in hex. */
static int commit(char out[65], const char *salt_hex, const void *bytes, size_t n)
{
	uint8_t salt[16], h[32];
	size_t sn = 0;
	if (!salt_hex || strlen(salt_hex) != 32)
		return cu_error_set(CU_EVERIFY, "a record has no salt");
	for (size_t i = 0; i < 16; i++) {
		int hi = nibble(salt_hex[2 * i]), lo = nibble(salt_hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return cu_error_set(CU_EVERIFY, "a record's salt is damaged");
		salt[i] = (uint8_t)(hi << 4 | lo);
		sn++;
	}
	cu_sha256_ctx *c;
	int r;
	if ((r = cu_sha256_begin(&c)) != 0)
		return r;
	cu_sha256_update(c, salt, sn);
	cu_sha256_update(c, bytes, n);
	cu_sha256_end(c, h);
	cu_hex(out, h, 32);
	return 0;
}

static void new_salt(char out[33])
{
	uint8_t s[16];
	cu_random(s, sizeof(s));
	cu_hex(out, s, sizeof(s));
}

/*
 * The canonical entry of a stored event (kind "event") or custody row; with
 * record non-NULL also the canonical record and its salt (what a bundle
 * reveals so that a receiver can check the commitment).
 */
static int build(cu_store *s, cu_buf *entry, cu_buf *record, char salt_out[33],
                 const char *kind, int64_t ref)
{
	json_t *row = NULL, *rec = NULL, *e = NULL;
	cu_buf rb;
	char cm[65];
	int r;
	bool event = !strcmp(kind, "event");
	cu_buf_init(&rb, 0);
	if ((r = event ? cu_store_event_record(s, &row, ref) : cu_store_custody_record(s, &row, ref)))
		goto out;
	const char *salt = cu_json_str(row, "salt");
	if (salt_out)
		snprintf(salt_out, 33, "%s", salt ? salt : "");
	rec = json_deep_copy(row);
	json_object_del(rec, "salt");
	if ((r = jcs(&rb, rec)) != 0 || (r = commit(cm, salt, rb.data, rb.len)) != 0)
		goto out;
	if (event) {
		char object[160];
		snprintf(object, sizeof(object), "%s/%s", cu_json_str(row, "object_type"),
		         cu_json_str(row, "object_id"));
		e = json_pack("{s:s,s:O,s:s,s:s,s:s,s:I,s:s,s:i}", "at", cu_json_str(row, "at"), "case",
		              json_object_get(row, "case_id"), "commit", cm, "kind", "event", "object",
		              object, "ref", (json_int_t)ref, "type", cu_json_str(row, "action"), "v", 1);
		/* An evidence registration also commits to the content's hash, salted
		 * per item so that the public log cannot confirm a guessed file. */
		if (!strcmp(cu_json_str(row, "action"), "evidence.register")) {
			char csalt[33], sha[65], cc[65];
			uint8_t raw[32];
			int64_t item;
			if ((r = cu_id_parse(&item, cu_json_str(row, "object_id"))) != 0 ||
			    (r = cu_store_item_content(s, csalt, sha, item)) != 0 ||
			    (r = cu_unhex32(raw, sha)) != 0 ||
			    (r = commit(cc, csalt, raw, 32)) != 0)
				goto out;
			json_object_set_new(e, "content", json_string(cc));
		}
		/* A key transition carries its keys and signatures in the clear. */
		if (!strcmp(cu_json_str(row, "action"), CU_KEY_TRANSITION)) {
			json_t *a = json_loads(cu_json_str(row, "after") ? cu_json_str(row, "after") : "",
			                       0, NULL);
			static const char *const f[] = {"key_new", "key_old", "sig_new", "sig_old"};
			for (int k = 0; k < 4; k++)
				json_object_set_new(e, f[k], json_string(cu_json_str(a, f[k]) ?
				                                         cu_json_str(a, f[k]) : ""));
			json_decref(a);
		}
	} else {
		e = json_pack("{s:s,s:s,s:O,s:s,s:I,s:s,s:i}", "at", cu_json_str(row, "at"), "commit",
		              cm, "item", json_object_get(row, "item_id"), "kind", "custody", "ref",
		              (json_int_t)ref, "type", cu_json_str(row, "event"), "v", 1);
	}
	r = e ? jcs(entry, e) : cu_error_set(CU_ENOMEM, "out of memory");
	if (r == 0 && record)
		r = cu_buf_append(record, rb.data, rb.len);
out:
	json_decref(row);
	json_decref(rec);
	json_decref(e);
	cu_buf_free(&rb);
	return r;
}

static int build_entry(cu_store *s, cu_buf *entry, const char *kind, int64_t ref)
{
	return build(s, entry, NULL, NULL, kind, ref);
}

/*
 * The canonical record straight from the stored columns (cu_store_rec), for
 * `ledger verify`: the bytes jcs() gives for the row build() reads, without
 * a JSON object per row. Every value is a string, an integer or null
 * (before, after and details are the JSON *text* stored, as a string); a
 * value of another type has no canonical form and makes the record fail.
 * Strings are written with the length SQLite reports, so a NUL byte stored
 * inside one is part of the record (and of the commitment) rather than its
 * end. out must have room for rec_max() bytes.
 */
static size_t rec_max(const cu_store_rec *rec)
{
	size_t n = 2;
	for (int i = 0; i < rec->ncols; i++)
		n += strlen(rec->names[i]) + 4 + 24 +
		     (rec->col[i].type == CU_COL_TEXT ? 6 * rec->col[i].len : 0);
	return n;
}

/*
 * Where the first of eight bytes that needs escaping (a control byte, '"' or
 * '\\') is: 8 if none. (x - 0x20..) & ~x & 0x80.. flags the bytes below 0x20;
 * the same test on x xor the quote (or the backslash) flags those. A borrow
 * can flag a byte above a flagged one too, never below: the lowest flag is
 * exact, and that is the one taken.
 */
static unsigned first_special8(const char *p)
{
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
	/* The borrows run toward the first bytes here: one at a time. */
	for (unsigned k = 0; k < 8; k++)
		if ((unsigned char)p[k] < 0x20 || p[k] == '"' || p[k] == '\\')
			return k;
	return 8;
#endif
	static const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	uint64_t x, q, b;
	memcpy(&x, p, 8);
	q = x ^ (ones * '"');
	b = x ^ (ones * '\\');
	uint64_t m = (((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((b - ones) & ~b)) & high;
	return m ? (unsigned)__builtin_ctzll(m) / 8 : 8; /* byte 0 is the lowest */
}

static char *put_str(char *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	*o++ = '"';
	for (size_t i = 0; i < n;) {
		if (i + 8 <= n) { /* the plain bytes before the next special one, eight at once */
			unsigned k = first_special8(s + i);
			memcpy(o, s + i, 8); /* the bytes from k on are written over below */
			o += k;
			i += k;
			if (k == 8)
				continue;
		}
		unsigned char c = (unsigned char)s[i++];
		if (c >= 0x20 && c != '"' && c != '\\') {
			*o++ = (char)c;
			continue;
		}
		*o++ = '\\';
		switch (c) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '\n': *o++ = 'n'; break;
		case '\r': *o++ = 'r'; break;
		case '\t': *o++ = 't'; break;
		case '\b': *o++ = 'b'; break;
		case '\f': *o++ = 'f'; break;
		default:
			*o++ = 'u', *o++ = '0', *o++ = '0', *o++ = hex[c >> 4], *o++ = hex[c & 15];
		}
	}
	*o++ = '"';
	return o;
}

/* Plain decimal, as "%lld" prints it. */
static char *put_int(char *o, int64_t v)
{
	char tmp[24];
	int n = 0;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do
		tmp[n++] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*o++ = '-';
	while (n)
		*o++ = tmp[--n];
	return o;
}

static char *put_lit(char *o, const char *s)
{
	size_t n = strlen(s);
	/* The JCS output is counted bytes (rec_jcs returns its length), not a C string:
	 * no terminator belongs after each literal. */
	memcpy(o, s, n); /* NOLINT(bugprone-not-null-terminated-result) */
	return o + n;
}

/* The record's JCS bytes at out; its length, or 0 if a value has no
 * canonical form. */
static size_t rec_jcs(char *out, const cu_store_rec *rec)
{
	char *o = out;
	*o++ = '{';
	for (int i = 0; i < rec->ncols; i++) {
		const cu_store_col *v = &rec->col[i];
		if (i)
			*o++ = ',';
		o = put_str(o, rec->names[i], strlen(rec->names[i]));
		*o++ = ':';
		switch (v->type) {
		case CU_COL_TEXT: o = put_str(o, v->s, v->len); break;
		case CU_COL_INT: o = put_int(o, v->i); break;
		case CU_COL_NULL: o = put_lit(o, "null"); break;
		default: return 0;
		}
	}
	*o++ = '}';
	return (size_t)(o - out);
}

int cu_ledger_record_bytes(cu_store *s, char **out, size_t *len, const char *kind, int64_t ref)
{
	cu_store_rec rec;
	int r;
	*out = NULL;
	*len = 0;
	if ((r = cu_store_records_find(s, &rec, !strcmp(kind, "event"), ref)) != 0)
		goto out;
	if (!(*out = malloc(rec_max(&rec)))) {
		r = cu_error_set(CU_ENOMEM, "out of memory");
		goto out;
	}
	if ((*len = rec_jcs(*out, &rec)) == 0)
		r = cu_error_set(CU_EINVALID, "the record has a value with no canonical form");
out:
	cu_store_records_done(s);
	if (r) {
		free(*out);
		*out = NULL;
	}
	return r;
}

int cu_ledger_record(cu_core *c, json_t **out, const char *kind, int64_t ref)
{
	cu_buf entry, record;
	char salt[33], *stored = NULL;
	int64_t idx;
	int r;
	*out = NULL;
	cu_buf_init(&entry, 0);
	cu_buf_init(&record, 0);
	if ((r = cu_store_ledger_find(c->store, &idx, &stored, kind, ref)) == 0 &&
	    (r = build(c->store, &entry, &record, salt, kind, ref)) == 0) {
		if (strcmp(entry.data, stored) != 0)
			r = cu_error_set(CU_EVERIFY, "ledger entry %lld does not match its record",
			                 (long long)idx);
		else
			*out = json_pack("{s:I,s:s,s:s,s:s}", "index", (json_int_t)idx, "entry", stored,
			                 "record", record.data, "salt", salt);
	}
	free(stored);
	cu_buf_free(&entry);
	cu_buf_free(&record);
	return r;
}

/* ---- the tree, in tiles ------------------------------------------------- */

/*
 * The store keeps each full tile (src/ledger/tiles.h: 256 hashes of level
 * 8·L and their interior, 510 in all) in one row, written once when it
 * fills. What is right of the last full tile of each tile level — at most
 * 255 hashes of level 8·L and their interior — is the tree's edge, kept here
 * in memory and rebuilt from the entries (level 0) and the full tiles below
 * (their roots) when needed:
 *
 *     tile level 1   [ full 1/0 .. ] [ edge: roots of 0/256.. 0/300      ]
 *     tile level 0   [ 0/0 ] [ 0/1 ] ... [ 0/300 ] [ edge: leaves 77056.. ]
 *
 * Every node of the tree is one slot of one of these, so a proof reads at
 * most one row per tile it touches, and the tiles of levels >= 1 (few, and
 * touched by every proof) stay cached on the connection.
 */
#define LEVELS 6      /* 256^6 = 2^48 leaves */
#define LOW_SLOTS 64  /* cached full tiles of level 0 */
#define UP_SLOTS 256  /* cached full tiles of levels >= 1 */

typedef struct edge {
	int64_t n;                    /* the number of the partial tile */
	int width;                    /* its level-8L hashes so far (0..255) */
	uint8_t h[CU_TILE_SLOTS][32];
} edge;

typedef struct tree {
	int64_t size; /* leaves in the edge; -1: not built */
	edge e[LEVELS];
} tree;

/* What a connection keeps (cu_store_ledger_cache; dropped on rollback). */
typedef struct lcache {
	tree t;
	cu_merkle_memo memo; /* the right edge's range hashes, for proofs */
	struct {
		int64_t key; /* (level << 48 | n) + 1, 0 when empty */
		uint8_t h[CU_TILE_SLOTS][32];
	} full[LOW_SLOTS + UP_SLOTS];
} lcache;

/* Called with each tile that fills: its level, number and 510 hashes. */
typedef int (*full_fn)(void *ctx, int level, int64_t n, const uint8_t (*h)[32]);

/* Adds the next hash of level 8·L to its edge tile and the nodes it
 * completes there; true when the tile is now full. */
static bool edge_add(edge *e, const uint8_t h[32])
{
	int k = e->width++;
	memcpy(e->h[cu_tile_slot(0, k)], h, 32);
	for (int s = 1; s < 8 && (k & 1); s++) {
		int p = k >> 1;
		cu_merkle_node(e->h[cu_tile_slot(s, p)], e->h[cu_tile_slot(s - 1, 2 * p)],
		               e->h[cu_tile_slot(s - 1, 2 * p + 1)]);
		k = p;
	}
	return e->width == CU_TILE_WIDTH;
}

static int push(tree *t, int level, const uint8_t h[32], full_fn full, void *ctx)
{
	uint8_t root[32];
	int r;
	if (level >= LEVELS)
		return cu_error_set(CU_ETOOBIG, "the ledger is full");
	edge *e = &t->e[level];
	if (!edge_add(e, h))
		return 0;
	if (full && (r = full(ctx, level, e->n, (const uint8_t(*)[32])e->h)) != 0)
		return r;
	cu_merkle_node(root, e->h[CU_TILE_SLOTS - 2], e->h[CU_TILE_SLOTS - 1]);
	e->n++;
	e->width = 0;
	return push(t, level + 1, root, full, ctx);
}

/* A full tile through the connection's cache. */
static int full_tile(cu_store *s, lcache *lc, const uint8_t (**out)[32], int level, int64_t n)
{
	int64_t key = ((int64_t)level << 48 | n) + 1;
	int i = level == 0 ? (int)(n % LOW_SLOTS) : LOW_SLOTS + (int)((n * 31 + level) % UP_SLOTS);
	if (lc->full[i].key != key) {
		int r = cu_store_ledger_tile_get(s, (uint8_t *)lc->full[i].h, level, n);
		if (r) {
			lc->full[i].key = 0;
			return r;
		}
		lc->full[i].key = key;
	}
	*out = (const uint8_t(*)[32])lc->full[i].h;
	return 0;
}

typedef struct reader {
	cu_store *s;
	lcache *lc;      /* NULL: the edge only (verification) */
	const tree *t;
} reader;

static int read_node(void *ctx, int level, int64_t m, uint8_t out[32])
{
	const reader *rd = ctx;
	int L = level / 8, sl = level % 8, r;
	int64_t per = CU_TILE_WIDTH >> sl, n = m / per;
	int k = (int)(m % per);
	if (L < LEVELS && m >= 0) {
		const edge *e = &rd->t->e[L];
		if (n == e->n && k < (e->width >> sl)) {
			memcpy(out, e->h[cu_tile_slot(sl, k)], 32);
			return 0;
		}
		if (n < e->n && rd->lc) {
			const uint8_t(*h)[32];
			if ((r = full_tile(rd->s, rd->lc, &h, L, n)) != 0)
				return r;
			memcpy(out, h[cu_tile_slot(sl, k)], 32);
			return 0;
		}
	}
	return cu_error_set(CU_ENOTFOUND, "no node %d/%lld in the ledger", level, (long long)m);
}

typedef struct leaves {
	edge *e;
	int64_t end;
} leaves;

static int add_leaf(void *ctx, int64_t idx, const char *entry, size_t len, const char *kind,
                    int64_t ref)
{
	leaves *l = ctx;
	uint8_t h[32];
	(void)kind, (void)ref;
	if (idx >= l->end)
		return 1; /* done */
	if (idx != l->e->n * CU_TILE_WIDTH + l->e->width)
		return cu_error_set(CU_EVERIFY, "ledger entry %lld is missing",
		                    (long long)(l->e->n * CU_TILE_WIDTH + l->e->width));
	cu_merkle_leaf(h, entry, len);
	edge_add(l->e, h);
	return 0;
}

/* The edge of the tree of `size` leaves, from the entries and full tiles. */
static int build_edge(cu_store *s, lcache *lc, int64_t size)
{
	int r;
	memset(&lc->t, 0, sizeof(lc->t));
	lc->t.size = -1;
	for (int L = 0; L < LEVELS; L++) {
		edge *e = &lc->t.e[L];
		int64_t count = size >> (CU_TILE_HEIGHT * L); /* hashes of level 8·L */
		int w = (int)(count % CU_TILE_WIDTH);
		e->n = count / CU_TILE_WIDTH;
		if (L == 0) {
			leaves l = {e, size};
			r = cu_store_ledger_walk(s, e->n * CU_TILE_WIDTH, add_leaf, &l);
			if (r < 0)
				return r;
			if (e->width != w)
				return cu_error_set(CU_EVERIFY, "ledger entries are missing");
			continue;
		}
		/* As last written, if it is this tile; else from the tiles below. */
		int64_t stored_n;
		if (w > 0 && cu_store_ledger_edge_get(s, (uint8_t *)e->h, &stored_n, L) == 0 &&
		    stored_n == e->n) {
			e->width = w;
			continue;
		}
		for (int k = 0; k < w; k++) {
			const uint8_t(*h)[32];
			uint8_t root[32];
			if ((r = full_tile(s, lc, &h, L - 1, e->n * CU_TILE_WIDTH + k)) != 0)
				return r;
			cu_merkle_node(root, h[CU_TILE_SLOTS - 2], h[CU_TILE_SLOTS - 1]);
			edge_add(e, root);
		}
	}
	lc->t.size = size;
	return 0;
}

typedef struct feed {
	cu_store *s;
	lcache *lc;
	int64_t end;
} feed;

static int keep_full(void *ctx, int level, int64_t n, const uint8_t (*h)[32])
{
	lcache *lc = ctx;
	int i = level == 0 ? (int)(n % LOW_SLOTS) : LOW_SLOTS + (int)((n * 31 + level) % UP_SLOTS);
	memcpy(lc->full[i].h, h, CU_TILE_BYTES);
	lc->full[i].key = ((int64_t)level << 48 | n) + 1;
	return 0;
}

/* Entries another connection appended since the edge was built. */
static int feed_leaf(void *ctx, int64_t idx, const char *entry, size_t len, const char *kind,
                     int64_t ref)
{
	feed *f = ctx;
	uint8_t h[32];
	int r;
	(void)kind, (void)ref;
	if (idx >= f->end)
		return 1;
	if (idx != f->lc->t.size)
		return cu_error_set(CU_EVERIFY, "ledger entry %lld is missing",
		                    (long long)f->lc->t.size);
	cu_merkle_leaf(h, entry, len);
	if ((r = push(&f->lc->t, 0, h, keep_full, f->lc)) != 0)
		return r;
	f->lc->t.size++;
	return 0;
}

/*
 * The connection's tree state for the ledger as this connection now sees
 * it. The ledger only grows, and a rollback drops the state (the store frees
 * it), so a state of the same size is current; a larger ledger (another
 * connection appended) is caught up entry by entry, or rebuilt if far ahead.
 */
static int tree_state(cu_store *s, lcache **out)
{
	void **slot = cu_store_ledger_cache(s);
	lcache *lc = *slot;
	int64_t size;
	int r;
	if ((r = cu_store_ledger_size(s, &size)) != 0)
		return r;
	if (!lc) {
		if (!(lc = calloc(1, sizeof(*lc))))
			return cu_error_set(CU_ENOMEM, "out of memory");
		lc->t.size = -1;
		*slot = lc;
	}
	if (lc->t.size >= 0 && lc->t.size < size && size - lc->t.size < CU_TILE_WIDTH) {
		feed f = {s, lc, size};
		r = cu_store_ledger_walk(s, lc->t.size, feed_leaf, &f);
		if (r < 0 || lc->t.size != size)
			lc->t.size = -1;
	}
	if (lc->t.size != size && (r = build_edge(s, lc, size)) != 0) {
		lc->t.size = -1;
		return r;
	}
	*out = lc;
	return 0;
}

int cu_ledger_tree_node(void *store, int level, int64_t n, uint8_t out[32])
{
	cu_store *s = store;
	lcache *lc = *cu_store_ledger_cache(s);
	int r;
	if ((!lc || lc->t.size < 0) && (r = tree_state(s, &lc)) != 0)
		return r;
	reader rd = {s, lc, &lc->t};
	return read_node(&rd, level, n, out);
}

cu_merkle_memo *cu_ledger_tree_memo(void *store)
{
	lcache *lc = *cu_store_ledger_cache(store);
	return lc ? &lc->memo : NULL;
}

typedef struct store_full {
	cu_store *s;
	lcache *lc;
} store_full;

static int put_full(void *ctx, int level, int64_t n, const uint8_t (*h)[32])
{
	store_full *sf = ctx;
	int r = cu_store_ledger_tile_put(sf->s, level, n, (const uint8_t *)h);
	return r ? r : keep_full(sf->lc, level, n, h);
}

/* Appends an entry (inside the transaction of its record). */
static int append_entry(cu_store *s, const char *entry, size_t len, const char *kind,
                        int64_t ref)
{
	lcache *lc;
	uint8_t leaf[32];
	int r;
	if ((r = tree_state(s, &lc)) != 0)
		return r;
	int64_t n = lc->t.size;
	if ((r = cu_store_ledger_append(s, n, entry, len, kind, ref)) != 0)
		return r;
	cu_merkle_leaf(leaf, entry, len);
	store_full sf = {s, lc};
	if ((r = push(&lc->t, 0, leaf, put_full, &sf)) != 0) {
		lc->t.size = -1;
		return r;
	}
	lc->t.size = n + 1;
	/* A level-0 tile filled: the edges above changed (one row each). */
	for (int L = 1; L < LEVELS && ((n + 1) & (((int64_t)1 << (CU_TILE_HEIGHT * L)) - 1)) == 0;
	     L++)
		if ((r = cu_store_ledger_edge_put(s, L, lc->t.e[L].n, (const uint8_t *)lc->t.e[L].h)))
			return r;
	return 0;
}

int cu_ledger_append_entry(cu_store *s, const char *entry, size_t len, const char *kind,
                           int64_t ref)
{
	return append_entry(s, entry, len, kind, ref);
}

/* Appends the entry of a record just written (inside its transaction). */
static int append(cu_store *s, const char *kind, int64_t ref)
{
	cu_buf entry;
	int r;
	cu_buf_init(&entry, 0);
	if ((r = build_entry(s, &entry, kind, ref)) == 0)
		r = append_entry(s, entry.data, entry.len, kind, ref);
	cu_buf_free(&entry);
	return r;
}

/*
 * The same bytes as build(), from the record in hand rather than the row
 * just written: JCS of objects whose keys are fixed (written here in sorted
 * order) and whose values are strings, integers or null. `ledger verify`
 * rebuilds every entry from its stored record (rec_jcs, expect_entry) and
 * compares, and the tests run it after every kind of append; they also
 * compare rec_jcs with build()'s record over every demo record.
 */
static int key(cu_buf *b, bool first, const char *k)
{
	int r;
	if ((!first && (r = cu_buf_append(b, ",", 1)) != 0) || (r = cu_buf_json_str(b, k)) != 0)
		return r;
	return cu_buf_append(b, ":", 1);
}

static int str_or_null(cu_buf *b, const char *v)
{
	return v ? cu_buf_json_str(b, v) : cu_buf_puts(b, "null");
}

static int int_or_null(cu_buf *b, int64_t v, bool null)
{
	return null ? cu_buf_puts(b, "null") : cu_buf_printf(b, "%lld", (long long)v);
}

/*
 * The fields a key transition's entry repeats from its record's `after`
 * (key_new, key_old, sig_new, sig_old, in that order; malloc'd). Each must be
 * a non-empty string of printable ASCII (vkeys and base64 are).
 */
static int transition_fields(char *out[4], const char *after)
{
	static const char *const f[] = {"key_new", "key_old", "sig_new", "sig_old"};
	json_t *a = after ? json_loads(after, 0, NULL) : NULL;
	int r = 0;
	for (int k = 0; k < 4; k++) {
		const char *v = cu_json_str(a, f[k]);
		bool ok = v && *v;
		for (const char *p = v; ok && *p; p++)
			ok = *p > ' ' && *p < 0x7f && *p != '"' && *p != '\\';
		if (!ok) {
			r = cu_error_set(CU_EINVALID, "a key transition lacks %s", f[k]);
			break;
		}
		if (!(out[k] = strdup(v))) {
			r = cu_error_set(CU_ENOMEM, "out of memory");
			break;
		}
	}
	json_decref(a);
	return r;
}

static int event_entry(cu_store *s, cu_buf *entry, const cu_event *ev, int64_t seq)
{
	cu_buf rec;
	char cm[65], cc[65], object[160];
	bool content = !strcmp(ev->action, "evidence.register");
	bool trans = !strcmp(ev->action, CU_KEY_TRANSITION);
	char *tf[4] = {NULL, NULL, NULL, NULL};
	int r;
	cu_buf_init(&rec, 0);
	if ((r = cu_buf_append(&rec, "{", 1)) || (r = key(&rec, true, "action")) ||
	    (r = cu_buf_json_str(&rec, ev->action)) || (r = key(&rec, false, "actor")) ||
	    (r = cu_buf_json_str(&rec, ev->actor)) || (r = key(&rec, false, "actor_org")) ||
	    (r = cu_buf_json_str(&rec, ev->actor_org)) || (r = key(&rec, false, "after")) ||
	    (r = str_or_null(&rec, ev->after)) || (r = key(&rec, false, "at")) ||
	    (r = cu_buf_json_str(&rec, ev->at)) || (r = key(&rec, false, "before")) ||
	    (r = str_or_null(&rec, ev->before)) || (r = key(&rec, false, "case_id")) ||
	    (r = int_or_null(&rec, ev->case_id, !ev->case_id)) ||
	    (r = key(&rec, false, "jit_id")) || (r = int_or_null(&rec, ev->jit_id, !ev->jit_id)) ||
	    (r = key(&rec, false, "object_id")) || (r = cu_buf_json_str(&rec, ev->object_id)) ||
	    (r = key(&rec, false, "object_type")) || (r = cu_buf_json_str(&rec, ev->object_type)) ||
	    (r = key(&rec, false, "seq")) || (r = cu_buf_printf(&rec, "%lld", (long long)seq)) ||
	    (r = cu_buf_append(&rec, "}", 1)) || (r = commit(cm, ev->salt, rec.data, rec.len)))
		goto out;
	if (content) {
		char csalt[33], sha[65];
		uint8_t raw[32];
		int64_t item;
		/* atoll read "2x" as item 2 and committed to that item's content. */
		if ((r = cu_id_parse(&item, ev->object_id)) != 0 ||
		    (r = cu_store_item_content(s, csalt, sha, item)) != 0 ||
		    (r = cu_unhex32(raw, sha)) != 0 || (r = commit(cc, csalt, raw, 32)) != 0)
			goto out;
	}
	if (trans && (r = transition_fields(tf, ev->after)) != 0)
		goto out;
	snprintf(object, sizeof(object), "%s/%s", ev->object_type, ev->object_id);
	if ((r = cu_buf_append(entry, "{", 1)) || (r = key(entry, true, "at")) ||
	    (r = cu_buf_json_str(entry, ev->at)) || (r = key(entry, false, "case")) ||
	    (r = int_or_null(entry, ev->case_id, !ev->case_id)) ||
	    (r = key(entry, false, "commit")) || (r = cu_buf_json_str(entry, cm)) ||
	    (content && ((r = key(entry, false, "content")) || (r = cu_buf_json_str(entry, cc)))) ||
	    (trans && ((r = key(entry, false, "key_new")) || (r = cu_buf_json_str(entry, tf[0])) ||
	               (r = key(entry, false, "key_old")) || (r = cu_buf_json_str(entry, tf[1])))) ||
	    (r = key(entry, false, "kind")) || (r = cu_buf_json_str(entry, "event")) ||
	    (r = key(entry, false, "object")) || (r = cu_buf_json_str(entry, object)) ||
	    (r = key(entry, false, "ref")) || (r = cu_buf_printf(entry, "%lld", (long long)seq)) ||
	    (trans && ((r = key(entry, false, "sig_new")) || (r = cu_buf_json_str(entry, tf[2])) ||
	               (r = key(entry, false, "sig_old")) || (r = cu_buf_json_str(entry, tf[3])))) ||
	    (r = key(entry, false, "type")) || (r = cu_buf_json_str(entry, ev->action)) ||
	    (r = key(entry, false, "v")) || (r = cu_buf_append(entry, "1}", 2)))
		goto out;
out:
	for (int k = 0; k < 4; k++)
		free(tf[k]);
	cu_buf_free(&rec);
	return r;
}

static int custody_entry(cu_buf *entry, int64_t seq, int64_t item, const char *event,
                         const char *at, const char *actor, const char *org, const char *reason,
                         const char *details, const char *salt)
{
	cu_buf rec;
	char cm[65];
	int r;
	cu_buf_init(&rec, 0);
	if ((r = cu_buf_append(&rec, "{", 1)) || (r = key(&rec, true, "actor")) ||
	    (r = cu_buf_json_str(&rec, actor)) || (r = key(&rec, false, "actor_org")) ||
	    (r = cu_buf_json_str(&rec, org)) || (r = key(&rec, false, "at")) ||
	    (r = cu_buf_json_str(&rec, at)) || (r = key(&rec, false, "details")) ||
	    (r = str_or_null(&rec, details)) || (r = key(&rec, false, "event")) ||
	    (r = cu_buf_json_str(&rec, event)) || (r = key(&rec, false, "item_id")) ||
	    (r = cu_buf_printf(&rec, "%lld", (long long)item)) || (r = key(&rec, false, "reason")) ||
	    (r = str_or_null(&rec, reason)) || (r = key(&rec, false, "seq")) ||
	    (r = cu_buf_printf(&rec, "%lld", (long long)seq)) || (r = cu_buf_append(&rec, "}", 1)) ||
	    (r = commit(cm, salt, rec.data, rec.len)))
		goto out;
	if ((r = cu_buf_append(entry, "{", 1)) || (r = key(entry, true, "at")) ||
	    (r = cu_buf_json_str(entry, at)) || (r = key(entry, false, "commit")) ||
	    (r = cu_buf_json_str(entry, cm)) || (r = key(entry, false, "item")) ||
	    (r = cu_buf_printf(entry, "%lld", (long long)item)) || (r = key(entry, false, "kind")) ||
	    (r = cu_buf_json_str(entry, "custody")) || (r = key(entry, false, "ref")) ||
	    (r = cu_buf_printf(entry, "%lld", (long long)seq)) || (r = key(entry, false, "type")) ||
	    (r = cu_buf_json_str(entry, event)) || (r = key(entry, false, "v")) ||
	    (r = cu_buf_append(entry, "1}", 2)))
		goto out;
out:
	cu_buf_free(&rec);
	return r;
}

int cu_ledger_event(cu_store *s, const cu_event *in)
{
	cu_event ev = *in;
	cu_buf entry;
	char salt[33];
	int64_t seq;
	int r;
	new_salt(salt);
	ev.salt = salt;
	if ((r = cu_store_event_append(s, &seq, &ev)) != 0)
		return r;
	cu_buf_init(&entry, 0);
	if ((r = event_entry(s, &entry, &ev, seq)) == 0)
		r = append_entry(s, entry.data, entry.len, "event", seq);
	cu_buf_free(&entry);
	return r;
}

int cu_core_custody(cu_core *c, int64_t *out_seq, int64_t item, const char *event,
                    const char *actor, const char *org, const char *reason,
                    const json_t *details)
{
	char now[CU_TS_LEN], salt[33], *text = NULL;
	int64_t seq;
	int r;
	cu_time_now(now);
	new_salt(salt);
	if (details && !(text = json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS)))
		return cu_error_set(CU_ENOMEM, "out of memory");
	r = cu_store_custody_append(c->store, &seq, item, event, now, actor, org, reason, text, salt);
	if (r == 0) {
		cu_buf entry;
		cu_buf_init(&entry, 0);
		if ((r = custody_entry(&entry, seq, item, event, now, actor, org, reason, text,
		                       salt)) == 0)
			r = append_entry(c->store, entry.data, entry.len, "custody", seq);
		cu_buf_free(&entry);
	}
	if (r == 0 && out_seq)
		*out_seq = seq;
	free(text);
	return r;
}

/*
 * Entries for records written before the ledger existed (schema 1 and 2
 * data), once. Every record since is appended with its entry in its own
 * transaction, so a record without one was put there around custodia (or
 * its entry taken away): `ledger verify` must find it, and no open may give
 * it an entry. The store's meta says CU_LEDGER_COMPLETE from its init on; a
 * store from before that mark (an upgrade) is caught up one last time and
 * then marked, in the same transaction.
 */
int cu_ledger_catch_up(cu_core *c)
{
	json_t *rows = NULL, *row;
	char *done = NULL;
	size_t i;
	int r = cu_store_meta_get(c->store, &done, CU_LEDGER_COMPLETE);
	free(done);
	if (r != CU_ENOTFOUND)
		return r;
	cu_error_clear();
	CU_TXN(c, r, {
		/* Again under the write lock: another node may have just done it. */
		if ((r = cu_store_meta_get(c->store, &done, CU_LEDGER_COMPLETE)) != CU_ENOTFOUND) {
			free(done);
			break;
		}
		cu_error_clear();
		if ((r = cu_store_unledgered(c->store, &rows, 0)) != 0)
			break;
		json_array_foreach(rows, i, row)
			if ((r = append(c->store, cu_json_str(row, "kind"),
			                json_integer_value(json_object_get(row, "ref")))) != 0)
				break;
		if (r == 0)
			r = cu_store_meta_set(c->store, CU_LEDGER_COMPLETE, "1");
	});
	json_decref(rows);
	return r;
}

/* ---- checkpoints and proofs -------------------------------------------- */

static int origin(cu_core *c, char out[CU_NOTE_NAME_MAX], const cu_identity *id)
{
	char *o = NULL;
	if (cu_store_meta_get(c->store, &o, "ledger_origin") == 0) {
		snprintf(out, CU_NOTE_NAME_MAX, "%s", o);
		free(o);
		return 0;
	}
	/* Unique per node: derived from its public key. */
	uint8_t h[32];
	char hex[65];
	cu_sha256(h, id->pk, 32);
	cu_hex(hex, h, 32);
	snprintf(out, CU_NOTE_NAME_MAX, "custodia.local/%.16s", hex);
	int r;
	CU_TXN(c, r, r = cu_store_meta_set(c->store, "ledger_origin", out));
	return r;
}

int cu_ledger_key(cu_core *c, char vkey[300])
{
	cu_identity id;
	char name[CU_NOTE_NAME_MAX];
	int r;
	if ((r = cu_identity_load(&id, c->datadir)) != 0)
		return r;
	if ((r = origin(c, name, &id)) == 0)
		cu_note_vkey_format(vkey, name, id.pk);
	cu_identity_wipe(&id);
	return r;
}

int cu_ledger_root(cu_core *c, uint8_t root[32], int64_t size)
{
	lcache *lc;
	int r;
	if ((r = tree_state(c->store, &lc)) != 0)
		return r;
	if (size > lc->t.size)
		return cu_error_set(CU_EINVALID, "no tree of %lld in a ledger of %lld",
		                    (long long)size, (long long)lc->t.size);
	reader rd = {c->store, lc, &lc->t};
	return cu_merkle_root_nodes(root, size, read_node, &rd, &lc->memo);
}

int cu_ledger_tile(cu_core *c, uint8_t out[CU_TILE_WIDTH][32], int level, int64_t n, int width)
{
	lcache *lc;
	const uint8_t(*h)[32];
	int r;
	if ((r = tree_state(c->store, &lc)) != 0)
		return r;
	if (level < 0 || level >= LEVELS || width < 1 || width > CU_TILE_WIDTH)
		return cu_error_set(CU_ENOTFOUND, "no tile %d/%lld", level, (long long)n);
	const edge *e = &lc->t.e[level];
	if (n < e->n) {
		if ((r = full_tile(c->store, lc, &h, level, n)) != 0)
			return r;
	} else if (n == e->n && width <= e->width) {
		h = (const uint8_t(*)[32])e->h;
	} else {
		return cu_error_set(CU_ENOTFOUND, "no tile %d/%lld of width %d", level,
		                    (long long)n, width);
	}
	memcpy(out, h, (size_t)width * 32);
	return 0;
}

int cu_ledger_checkpoint(cu_core *c, json_t **out, bool force)
{
	cu_identity id;
	char name[CU_NOTE_NAME_MAX], now[CU_TS_LEN], *text = NULL, *note = NULL;
	uint8_t root[32];
	int64_t size;
	json_t *last = NULL;
	int r;
	*out = NULL;
	if ((r = cu_store_ledger_size(c->store, &size)) != 0)
		return r;
	r = cu_store_checkpoint_latest(c->store, &last);
	if (r && r != CU_ENOTFOUND)
		return r;
	if (r == 0 && json_integer_value(json_object_get(last, "size")) == size && !force) {
		*out = last;
		return 0;
	}
	json_decref(last);
	if ((r = cu_identity_load(&id, c->datadir)) != 0)
		return r;
	if ((r = origin(c, name, &id)) == 0 && (r = cu_ledger_root(c, root, size)) == 0 &&
	    (r = cu_checkpoint_format(&text, name, size, root)) == 0 &&
	    (r = cu_note_sign(&note, text, name, &id)) == 0) {
		cu_time_now(now);
		CU_TXN(c, r, r = cu_store_checkpoint_add(c->store, size, root, note, now));
		if (r == 0)
			r = cu_store_checkpoint_latest(c->store, out);
	}
	cu_identity_wipe(&id);
	free(text);
	free(note);
	return r;
}

/*
 * Base64 of a public 32-byte hash (44 characters and NUL). cu_base64 is
 * libsodium's constant-time encoder, made for secrets; proofs print some
 * fifty hashes, and that was a fifth of a proof's time.
 */
static void hash_b64(char out[48], const uint8_t h[32])
{
	static const char abc[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *o = out;
	int i = 0;
	for (; i + 3 <= 32; i += 3) {
		uint32_t v = (uint32_t)h[i] << 16 | (uint32_t)h[i + 1] << 8 | h[i + 2];
		*o++ = abc[v >> 18], *o++ = abc[(v >> 12) & 63], *o++ = abc[(v >> 6) & 63];
		*o++ = abc[v & 63];
	}
	uint32_t v = (uint32_t)h[30] << 16 | (uint32_t)h[31] << 8; /* 2 left over */
	*o++ = abc[v >> 18], *o++ = abc[(v >> 12) & 63], *o++ = abc[(v >> 6) & 63];
	*o++ = '=';
	*o = '\0';
}

static json_t *hashes_json(uint8_t proof[][32], int len)
{
	json_t *a = json_array();
	char b64[48];
	for (int i = 0; i < len; i++) {
		hash_b64(b64, proof[i]);
		json_array_append_new(a, json_stringn_nocheck(b64, 44));
	}
	return a;
}

static int prove_inclusion(cu_core *c, lcache *lc, json_t **out, int64_t index, int64_t size);
static int prove_consistency(cu_core *c, lcache *lc, json_t **out, int64_t from, int64_t to);

/*
 * The connection's tree, if it already holds a tree of `size` leaves: a
 * proof in it reads only what never changes (the log is append-only, and a
 * rollback drops the tree), so it needs no transaction and no query of the
 * ledger's size, and its tiles come from the cache or from the store as they
 * are. A proof for a checkpoint's size, as bundles and auditors ask, is then
 * answered from memory. (A request it cannot answer takes the other path,
 * whose message gives the ledger's size as it is.)
 */
static lcache *tree_holding(cu_core *c, int64_t size)
{
	lcache *lc = *cu_store_ledger_cache(c->store);
	return size > 0 && lc && lc->t.size >= size ? lc : NULL;
}

/* Otherwise proofs read one snapshot: the size, the proof and the root agree. */
int cu_ledger_prove_inclusion(cu_core *c, json_t **out, int64_t index, int64_t size)
{
	lcache *lc = index >= 0 && index < size ? tree_holding(c, size) : NULL;
	if (lc)
		return prove_inclusion(c, lc, out, index, size);
	int r = cu_store_read_begin(c->store);
	if (r)
		return r;
	if ((r = tree_state(c->store, &lc)) == 0)
		r = prove_inclusion(c, lc, out, index, size);
	cu_store_read_end(c->store);
	return r;
}

int cu_ledger_prove_consistency(cu_core *c, json_t **out, int64_t from, int64_t to)
{
	lcache *lc = from > 0 && from <= to ? tree_holding(c, to) : NULL;
	if (lc)
		return prove_consistency(c, lc, out, from, to);
	int r = cu_store_read_begin(c->store);
	if (r)
		return r;
	if ((r = tree_state(c->store, &lc)) == 0)
		r = prove_consistency(c, lc, out, from, to);
	cu_store_read_end(c->store);
	return r;
}

/* In tree lc: the connection's, as large as the ledger or at least size. */
static int prove_inclusion(cu_core *c, lcache *lc, json_t **out, int64_t index, int64_t size)
{
	uint8_t proof[CU_MERKLE_MAX_PROOF][32], leaf[32], root[32];
	char b64l[48], b64r[48];
	int64_t n;
	int len, r;
	*out = NULL;
	n = lc->t.size;
	reader rd = {c->store, lc, &lc->t};
	if (size <= 0)
		size = n;
	if (size > n || index < 0 || index >= size)
		return cu_error_set(CU_EINVALID, "no entry %lld in a tree of %lld (the ledger has "
		                    "%lld)", (long long)index, (long long)size, (long long)n);
	if ((r = cu_merkle_inclusion_nodes(proof, &len, index, size, read_node, &rd,
	                                   &lc->memo)) != 0 ||
	    (r = read_node(&rd, 0, index, leaf)) != 0 ||
	    (r = cu_merkle_root_nodes(root, size, read_node, &rd, &lc->memo)) != 0)
		return r;
	hash_b64(b64l, leaf);
	hash_b64(b64r, root);
	*out = json_pack("{s:I,s:I,s:s,s:s,s:o}", "index", (json_int_t)index, "size",
	                 (json_int_t)size, "leaf_hash", b64l, "root", b64r, "proof",
	                 hashes_json(proof, len));
	return 0;
}

static int prove_consistency(cu_core *c, lcache *lc, json_t **out, int64_t from, int64_t to)
{
	uint8_t proof[CU_MERKLE_MAX_PROOF][32], r1[32], r2[32];
	char b1[48], b2[48];
	int64_t n;
	int len, r;
	*out = NULL;
	n = lc->t.size;
	reader rd = {c->store, lc, &lc->t};
	if (to <= 0)
		to = n;
	if (from <= 0 || from > to || to > n)
		return cu_error_set(CU_EINVALID, "no consistency proof from %lld to %lld (the ledger "
		                    "has %lld)", (long long)from, (long long)to, (long long)n);
	if ((r = cu_merkle_consistency_nodes(proof, &len, from, to, read_node, &rd,
	                                     &lc->memo)) != 0 ||
	    (r = cu_merkle_root_nodes(r1, from, read_node, &rd, &lc->memo)) != 0 ||
	    (r = cu_merkle_root_nodes(r2, to, read_node, &rd, &lc->memo)) != 0)
		return r;
	hash_b64(b1, r1);
	hash_b64(b2, r2);
	*out = json_pack("{s:I,s:I,s:s,s:s,s:o}", "from", (json_int_t)from, "to", (json_int_t)to,
	                 "root1", b1, "root2", b2, "proof", hashes_json(proof, len));
	return 0;
}

/* ---- verification ------------------------------------------------------ */

/*
 * Verification replays every entry into a fresh tree (the same code as the
 * append), keeping only the edge in memory; each tile the replay fills is
 * compared with the stored row, and a checkpoint's root is taken when the
 * replay reaches its size. Nothing stored stands in for a recomputed hash.
 */
#define VBATCH 1024
#define VCHUNK 64
#define VRING 3

/*
 * A batch of entries on their way into the tree. The main thread fills one
 * from the store (the entries' bytes, and each record's values copied out of
 * SQLite) while the worker thread processes the one before: the record's
 * canonical form, the entry rebuilt from it, the commitment hashed into it,
 * the comparison with the stored entry, every leaf hash, and the leaves
 * pushed into the tree, whose tiles that fill are kept with the batch. The
 * main thread then compares those tiles with the stored rows: the worker has
 * no store.
 */
typedef struct vtile {
	int level;
	int64_t n;
	uint8_t h[CU_TILE_SLOTS][32];
} vtile;

typedef struct vbatch {
	int n;
	int64_t first; /* tree index of slot 0 */
	int err;       /* the worker's error, if any, and its message */
	char msg[200];
	/* Slots are taken VCHUNK at a time from next, by the worker and by the
	 * main thread once it has filled the following batch; left: slots not
	 * yet done (under the worker's mutex). */
	atomic_int next;
	int left;
	vtile *tiles;  /* the tiles this batch filled */
	int ntiles, captiles;
	/* buf: the entries. rt: the records' text values, each followed by a
	 * NUL, in column order and the salt last, then (evidence registrations)
	 * the content commitment's 64 hex digits. */
	char *buf, *rt;
	size_t used, cap, rtused, rtcap;
	size_t off[VBATCH], len[VBATCH], rtoff[VBATCH];
	int64_t ref[VBATCH];
	uint8_t rec_kind[VBATCH]; /* 0: not checked, 1: custody, 2: event */
	uint8_t content[VBATCH];  /* 0: none, 1: digits in rt, 2: the item is missing */
	cu_store_rec rec[VBATCH];
	bool bad[VBATCH];
	uint8_t leaf[VBATCH][32];
} vbatch;

/* A thread's room to rebuild a record's JCS and entry in. */
typedef struct scratch {
	char *x;
	size_t cap;
} scratch;

typedef struct vstate {
	cu_core *c;
	bool log_only;
	tree t;
	uint8_t stored[CU_TILE_SLOTS][32];
	json_t *problems;
	json_t *cps;          /* checkpoints by size */
	size_t next_cp;
	uint8_t (*cp_roots)[32];
	bool *cp_have;
	/* Each checkpoint opened with the node's key by the worker before its
	 * first batch: whether it verified, its size and root. */
	cu_note_verifier nv;
	struct cpsig {
		bool ok;
		int64_t size;
		uint8_t root[32];
	} *sig;
	/* The log's key chain as its transitions say (keychain.h): key k signs
	 * the checkpoints of sizes since[k] .. since[k+1]-1. */
	cu_note_verifier *chain;
	int64_t *since;
	int nchain, capchain;
	/* The records, one walk per table beside the entries' (custody, events):
	 * the current row of each, if read and not yet matched to an entry. */
	cu_store_rec cur[2], found;
	bool have[2], end[2];
	int64_t nrec[2]; /* rows each walk has read */
	int64_t nlost;   /* entries whose record is missing, or of no known kind */
	/* A ring of batches: handed to the worker in turn (posted), processed by
	 * it, settled (folded in) by the main thread; the one after the last
	 * posted is being filled. At most VRING - 1 are posted and not settled,
	 * so that reading goes on while the worker finishes the one before. */
	vbatch *ring[VRING];
	int64_t nposted, nprocessed, nsettled; /* nprocessed: under w.mu */
	scratch xs[2]; /* the main thread's, the worker's */
	struct {
		pthread_t th;
		pthread_mutex_t mu;
		pthread_cond_t cv;
		bool inited, started, quit, sigs;
	} w;
} vstate;

static json_t *finding(int64_t idx, const char *what)
{
	return json_pack("{s:I,s:s}", "index", (json_int_t)idx, "problem", what);
}

/* The roots of the checkpoints whose size the replay has now reached. */
static void take_roots(vstate *v)
{
	size_t ncp = json_array_size(v->cps);
	while (v->next_cp < ncp) {
		int64_t cs = json_integer_value(json_object_get(json_array_get(v->cps, v->next_cp),
		                                                "size"));
		if (cs > v->t.size)
			break;
		if (cs == v->t.size) {
			reader rd = {NULL, NULL, &v->t};
			v->cp_have[v->next_cp] = cu_merkle_root_nodes(v->cp_roots[v->next_cp], cs,
			                                              read_node, &rd, NULL) == 0;
		}
		v->next_cp++;
	}
}

static void compare_tile(vstate *v, int level, int64_t n, const uint8_t (*h)[32], int width);

/* A filled tile against its stored row: the first leaf whose append wrote a
 * differing hash, or the tile's last leaf if the row is missing. */
static int check_tile(void *ctx, int level, int64_t n, const uint8_t (*h)[32])
{
	vstate *v = ctx;
	int64_t last = ((n + 1) << (CU_TILE_HEIGHT * level + CU_TILE_HEIGHT)) - 1;
	int r = cu_store_ledger_tile_get(v->c->store, (uint8_t *)v->stored, level, n);
	if (r == CU_ENOTFOUND) {
		json_array_append_new(v->problems, finding(last, "a stored tile of hashes is "
		                                           "missing"));
		return 0;
	}
	if (r)
		return r;
	compare_tile(v, level, n, h, CU_TILE_WIDTH);
	return 0;
}

/* The computed slots of tile level/n of `width` against v->stored. */
static void compare_tile(vstate *v, int level, int64_t n, const uint8_t (*h)[32], int width)
{
	int shift = CU_TILE_HEIGHT * level;
	int64_t first = -1;
	for (int s = 0; s < CU_TILE_HEIGHT; s++)
		for (int k = 0; k < (width >> s); k++) {
			int slot = cu_tile_slot(s, k);
			if (memcmp(h[slot], v->stored[slot], 32) == 0)
				continue;
			/* node k of sublevel s is completed by this leaf: */
			int64_t node = n * (CU_TILE_WIDTH >> s) + k;
			int64_t leaf = ((node + 1) << (shift + s)) - 1;
			if (first < 0 || leaf < first)
				first = leaf;
		}
	if (first >= 0)
		json_array_append_new(v->problems, finding(first, "a stored hash differs from the "
		                                           "entries' (swapped)"));
}

static int grow_to(char **p, size_t *cap, size_t need)
{
	if (need <= *cap)
		return 0;
	size_t c = *cap ? *cap : (size_t)1 << 20;
	while (c < need)
		c *= 2;
	char *q = realloc(*p, c);
	if (!q)
		return cu_error_set(CU_ENOMEM, "out of memory");
	*p = q;
	*cap = c;
	return 0;
}

/*
 * The record of entry (kind, ref): the current row of its table's walk when
 * the entries and the records are in the same order (appends keep them so),
 * else looked up by seq. CU_ENOTFOUND: deleted. Rows the walk passes without
 * an entry are left to the count of records.
 */
static int record_of(vstate *v, const cu_store_rec **out, bool event, int64_t ref)
{
	cu_store *s = v->c->store;
	int r;
	for (;;) {
		if (!v->have[event] && !v->end[event]) {
			r = cu_store_records_next(s, &v->cur[event], event);
			if (r == CU_ENOTFOUND)
				v->end[event] = true;
			else if (r)
				return r;
			else
				v->have[event] = true, v->nrec[event]++;
		}
		if (!v->have[event] || v->cur[event].seq >= ref)
			break;
		v->have[event] = false;
	}
	if (v->have[event] && v->cur[event].seq == ref) {
		v->have[event] = false;
		*out = &v->cur[event];
		return 0;
	}
	if ((r = cu_store_records_find(s, &v->found, event, ref)) == 0)
		*out = &v->found;
	return r;
}

/* The walks of the records to their ends: nrec[] then counts every row. */
static int count_rest(vstate *v)
{
	for (int k = 0; k < 2; k++) {
		int r;
		while (!v->end[k] && (r = cu_store_records_next(v->c->store, &v->cur[k], k)) == 0)
			v->nrec[k]++;
		if (!v->end[k] && r != CU_ENOTFOUND)
			return r;
		v->end[k] = true;
		v->have[k] = false;
	}
	return 0;
}

static bool is_text(const cu_store_col *c)
{
	return c->type == CU_COL_TEXT;
}

static char *put_val(char *o, const cu_store_col *c)
{
	return c->type == CU_COL_INT ? put_int(o, c->i) :
	       c->type == CU_COL_TEXT ? put_str(o, c->s, c->len) : put_lit(o, "null");
}

/* Slot i's record with its text values in b->rt, where rec_copy put them;
 * *cc: the content commitment's digits, or NULL. */
static void rec_in_batch(const vbatch *b, int i, cu_store_rec *rec, const char **cc)
{
	const char *p = b->rt + b->rtoff[i];
	*rec = b->rec[i];
	for (int k = 0; k < rec->ncols; k++)
		if (rec->col[k].type == CU_COL_TEXT) {
			rec->col[k].s = p;
			p += rec->col[k].len + 1;
		}
	if (rec->salt.type == CU_COL_TEXT)
		rec->salt.s = p, p += rec->salt.len + 1;
	*cc = b->content[i] == 1 ? p : NULL;
}

/*
 * Slot i's record out of SQLite's memory (its text values into b->rt) and,
 * for an evidence registration, the commitment to the item's content, which
 * takes a lookup in the store: the worker has no store.
 */
static int rec_copy(vstate *v, vbatch *b, int i, const cu_store_rec *rec, bool event)
{
	const cu_store_col *act = &rec->col[CU_EV_ACTION];
	size_t need = 65 + (rec->salt.type == CU_COL_TEXT ? rec->salt.len + 1 : 0);
	char *o, *id = NULL; /* the copy of object_id: SQLite's is not terminated */
	int r;
	for (int k = 0; k < rec->ncols; k++)
		if (rec->col[k].type == CU_COL_TEXT)
			need += rec->col[k].len + 1;
	if ((r = grow_to(&b->rt, &b->rtcap, b->rtused + need)) != 0)
		return r;
	b->rec[i] = *rec;
	b->rtoff[i] = b->rtused;
	o = b->rt + b->rtused;
	for (int k = 0; k <= rec->ncols; k++) {
		const cu_store_col *c = k < rec->ncols ? &rec->col[k] : &rec->salt;
		if (c->type != CU_COL_TEXT)
			continue;
		if (event && k == CU_EV_OBJECT_ID)
			id = o;
		memcpy(o, c->s, c->len);
		o[c->len] = '\0';
		o += c->len + 1;
	}
	b->content[i] = 0;
	if (event && is_text(act) && act->len == 17 && !memcmp(act->s, "evidence.register", 17)) {
		char csalt[33], sha[65];
		uint8_t raw[32];
		b->content[i] = 2;
		if (id && cu_store_item_content(v->c->store, csalt, sha, strtoll(id, NULL, 10)) == 0 &&
		    cu_unhex32(raw, sha) == 0 && commit(o, csalt, raw, 32) == 0) {
			b->content[i] = 1;
			o += 65;
		}
		cu_error_clear();
	}
	b->rtused = (size_t)(o - b->rt);
	return 0;
}

/* A record's JCS and the entry build() would make from it, as expect_entry
 * lays them out in a thread's scratch: the commitment's place left blank. */
typedef struct rebuilt {
	uint8_t salt[16];
	size_t rlen, eoff, elen, cpos; /* JCS at 0, the entry at eoff */
} rebuilt;

/*
 * The record's JCS and salt, and the entry build() would make from it with
 * the commitment left blank (slot() fills it in), at x. False if the record
 * cannot have made any entry (a value of the wrong type, a damaged salt, an
 * evidence registration without its item). cc: the content commitment of an
 * evidence registration.
 */
static bool expect_entry_tf(char *x, rebuilt *e, const cu_store_rec *rec, bool event,
                            int64_t ref, const char *cc, char *tf[4]);
static bool expect_entry(char *x, rebuilt *e, const cu_store_rec *rec, bool event, int64_t ref,
                         const char *cc)
{
	char *tf[4] = {NULL, NULL, NULL, NULL};
	bool ok = expect_entry_tf(x, e, rec, event, ref, cc, tf);
	for (int k = 0; k < 4; k++)
		free(tf[k]);
	return ok;
}

/* ty "/" id as the append's snprintf into 160 bytes makes it. */
static size_t object_of(char out[160], const cu_store_col *ty, const cu_store_col *id)
{
	size_t a = strlen(ty->s), b = strlen(id->s);
	if (a > 159)
		a = 159;
	memcpy(out, ty->s, a);
	if (a < 159)
		out[a++] = '/';
	if (b > 159 - a)
		b = 159 - a;
	/* Counted bytes (put_str takes the length), not a C string. */
	memcpy(out + a, id->s, b); /* NOLINT(bugprone-not-null-terminated-result) */
	return a + b;
}

static bool expect_entry_tf(char *x, rebuilt *e, const cu_store_rec *rec, bool event,
                            int64_t ref, const char *cc, char *tf[4])
{
	char *o;
	const cu_store_col *col = rec->col, *salt = &rec->salt;
	bool trans = false;
	size_t rlen = rec_jcs(x, rec);
	if (rlen == 0 || !is_text(&col[event ? CU_EV_AT : CU_CU_AT]) ||
	    !is_text(&col[event ? CU_EV_ACTION : CU_CU_EVENT]) || !is_text(salt) ||
	    salt->len != 32)
		return false;
	for (int k = 0; k < 16; k++) {
		int hi = nibble(salt->s[2 * k]), lo = nibble(salt->s[2 * k + 1]);
		if (hi < 0 || lo < 0)
			return false;
		e->salt[k] = (uint8_t)(hi << 4 | lo);
	}
	e->rlen = rlen;
	e->eoff = rlen;
	o = x + rlen;
	o = put_lit(o, "{\"at\":");
	o = put_str(o, col[event ? CU_EV_AT : CU_CU_AT].s, col[event ? CU_EV_AT : CU_CU_AT].len);
	if (event) {
		const cu_store_col *ty = &col[CU_EV_OBJECT_TYPE], *id = &col[CU_EV_OBJECT_ID],
		                   *act = &col[CU_EV_ACTION];
		char object[160];
		bool content = act->len == 17 && !memcmp(act->s, "evidence.register", 17);
		if (!is_text(ty) || !is_text(id) || (content && !cc))
			return false;
		size_t olen = object_of(object, ty, id);
		o = put_lit(o, ",\"case\":");
		o = put_val(o, &col[CU_EV_CASE]);
		o = put_lit(o, ",\"commit\":\"");
		e->cpos = (size_t)(o - x);
		o += 64;
		*o++ = '"';
		if (content) {
			o = put_lit(o, ",\"content\":\"");
			o = put_lit(o, cc);
			*o++ = '"';
		}
		/* A key transition (rare): its keys, from the record's after. */
		trans = act->len == sizeof(CU_KEY_TRANSITION) - 1 &&
		        !memcmp(act->s, CU_KEY_TRANSITION, act->len);
		if (trans) {
			const cu_store_col *af = &col[CU_EV_AFTER];
			char *after = is_text(af) ? strndup(af->s, af->len) : NULL;
			int r = after ? transition_fields(tf, after) : CU_EINVALID;
			free(after);
			if (r != 0) {
				cu_error_clear();
				return false;
			}
			o = put_lit(o, ",\"key_new\":");
			o = put_str(o, tf[0], strlen(tf[0]));
			o = put_lit(o, ",\"key_old\":");
			o = put_str(o, tf[1], strlen(tf[1]));
		}
		o = put_lit(o, ",\"kind\":\"event\",\"object\":");
		o = put_str(o, object, olen);
	} else {
		o = put_lit(o, ",\"commit\":\"");
		e->cpos = (size_t)(o - x);
		o += 64;
		o = put_lit(o, "\",\"item\":");
		o = put_val(o, &col[CU_CU_ITEM]);
		o = put_lit(o, ",\"kind\":\"custody\"");
	}
	o = put_lit(o, ",\"ref\":");
	o = put_int(o, ref);
	if (trans) {
		o = put_lit(o, ",\"sig_new\":");
		o = put_str(o, tf[2], strlen(tf[2]));
		o = put_lit(o, ",\"sig_old\":");
		o = put_str(o, tf[3], strlen(tf[3]));
	}
	o = put_lit(o, ",\"type\":");
	o = put_str(o, col[event ? CU_EV_ACTION : CU_CU_EVENT].s,
	            col[event ? CU_EV_ACTION : CU_CU_EVENT].len);
	o = put_lit(o, ",\"v\":1}");
	e->elen = (size_t)(o - x) - e->eoff;
	return true;
}

/* A tile the worker's push filled, for the main thread to compare. */
static int keep_tile(void *ctx, int level, int64_t n, const uint8_t (*h)[32])
{
	vbatch *b = ctx;
	if (b->ntiles == b->captiles) {
		int cap = b->captiles ? 2 * b->captiles : 32;
		vtile *t = realloc(b->tiles, (size_t)cap * sizeof(*t));
		if (!t)
			return cu_error_set(CU_ENOMEM, "out of memory");
		b->tiles = t;
		b->captiles = cap;
	}
	b->tiles[b->ntiles].level = level;
	b->tiles[b->ntiles].n = n;
	memcpy(b->tiles[b->ntiles++].h, h, sizeof(b->tiles[0].h));
	return 0;
}

/* The leaves into the tree, in order, and the checkpoints' roots taken. */
static int grow_tree(vstate *v, vbatch *b)
{
	int r;
	for (int i = 0; i < b->n; i++) {
		if ((r = push(&v->t, 0, b->leaf[i], keep_tile, b)) != 0)
			return r;
		v->t.size++;
		take_roots(v);
	}
	return 0;
}

/* Slot i: its leaf and, for a checked record, whether its entry is the one
 * the record makes (b->bad). */
static int slot(vbatch *b, int i, scratch *xs)
{
	static const char hex[] = "0123456789abcdef";
	cu_store_rec rec;
	const char *cc;
	rebuilt e;
	uint8_t h[32];
	int r;
	cu_merkle_leaf(b->leaf[i], b->buf + b->off[i], b->len[i]);
	b->bad[i] = false;
	if (!b->rec_kind[i])
		return 0;
	rec_in_batch(b, i, &rec, &cc);
	/* The entry repeats at most every record value, once more escaped. */
	if ((r = grow_to(&xs->x, &xs->cap, 2 * rec_max(&rec) + 1024)) != 0)
		return r;
	if (!expect_entry(xs->x, &e, &rec, b->rec_kind[i] == 2, b->ref[i], cc)) {
		b->bad[i] = true;
		return 0;
	}
	char *o = xs->x + e.cpos;
	cu_sha256_2(h, e.salt, 16, xs->x, e.rlen);
	for (int k = 0; k < 32; k++)
		*o++ = hex[h[k] >> 4], *o++ = hex[h[k] & 15];
	b->bad[i] = e.elen != b->len[i] || memcmp(xs->x + e.eoff, b->buf + b->off[i], e.elen) != 0;
	return 0;
}

/* Takes slots of b, VCHUNK at a time, until none is left to take. */
static void run_slots(vstate *v, vbatch *b, scratch *xs)
{
	int i;
	while ((i = atomic_fetch_add(&b->next, VCHUNK)) < b->n) {
		int end = i + VCHUNK < b->n ? i + VCHUNK : b->n, k = end - i, r = 0;
		for (; i < end && r == 0; i++)
			r = slot(b, i, xs);
		pthread_mutex_lock(&v->w.mu);
		if (r && !b->err) {
			b->err = r;
			snprintf(b->msg, sizeof(b->msg), "%s", cu_error_message(r));
		}
		if ((b->left -= k) == 0)
			pthread_cond_broadcast(&v->w.cv);
		pthread_mutex_unlock(&v->w.mu);
	}
}

/* The worker's part of a batch: its slots (the main thread may take some),
 * then, once all are done, the leaves into the tree. */
static void process(vstate *v, vbatch *b, scratch *xs)
{
	run_slots(v, b, xs);
	pthread_mutex_lock(&v->w.mu);
	while (b->left)
		pthread_cond_wait(&v->w.cv, &v->w.mu);
	pthread_mutex_unlock(&v->w.mu);
	if (b->err || (b->err = grow_tree(v, b)) == 0)
		return;
	/* The error is this thread's: the main thread says it again. */
	snprintf(b->msg, sizeof(b->msg), "%s", cu_error_message(b->err));
	cu_error_clear();
}

/* A checkpoint's signature by key kv, and its size and root. */
static bool open_checkpoint(struct cpsig *out, json_t *row, const cu_note_verifier *kv)
{
	const char *note = cu_json_str(row, "note");
	char *text = NULL;
	int nsig;
	cu_checkpoint ck;
	out->ok = note && cu_note_open(&text, &nsig, note, strlen(note), kv, 1) == 0 &&
	          cu_checkpoint_parse(&ck, text) == 0;
	if (out->ok) {
		out->size = ck.size;
		memcpy(out->root, ck.root, 32);
	}
	free(text);
	cu_error_clear();
	return out->ok;
}

static void *worker(void *arg)
{
	vstate *v = arg;
	size_t k;
	json_t *row;
	/* The signatures first, while the main thread reads the first batches. */
	json_array_foreach(v->cps, k, row)
		open_checkpoint(&v->sig[k], row, &v->nv);
	pthread_mutex_lock(&v->w.mu);
	v->w.sigs = true;
	pthread_cond_broadcast(&v->w.cv);
	for (;;) {
		while (v->nprocessed == v->nposted && !v->w.quit)
			pthread_cond_wait(&v->w.cv, &v->w.mu);
		if (v->nprocessed == v->nposted)
			break;
		vbatch *b = v->ring[v->nprocessed % VRING];
		pthread_mutex_unlock(&v->w.mu);
		process(v, b, &v->xs[1]);
		pthread_mutex_lock(&v->w.mu);
		v->nprocessed++;
		pthread_cond_broadcast(&v->w.cv);
	}
	pthread_mutex_unlock(&v->w.mu);
	return NULL;
}

/* What the worker found in a batch, and its tiles against the stored rows;
 * the batch is then empty. */
static int fold(vstate *v, vbatch *b)
{
	int r;
	if (b->err)
		return cu_error_set(b->err, "%s", b->msg);
	for (int i = 0; i < b->n; i++)
		if (b->rec_kind[i] && b->bad[i])
			json_array_append_new(v->problems, finding(b->first + i, "the record no longer "
			                                           "matches its entry (edited)"));
	for (int k = 0; k < b->ntiles; k++)
		if ((r = check_tile(v, b->tiles[k].level, b->tiles[k].n,
		                    (const uint8_t(*)[32])b->tiles[k].h)) != 0)
			return r;
	b->n = b->ntiles = b->err = 0;
	b->used = b->rtused = 0;
	return 0;
}

/* The oldest posted batch, once processed (the main thread helps with its
 * slots and the next batch's rather than wait), folded in. */
static int settle(vstate *v)
{
	vbatch *b = v->ring[v->nsettled % VRING];
	if (v->w.started) {
		run_slots(v, b, &v->xs[0]);
		if (v->nposted - v->nsettled > 1)
			run_slots(v, v->ring[(v->nsettled + 1) % VRING], &v->xs[0]);
		pthread_mutex_lock(&v->w.mu);
		while (v->nprocessed == v->nsettled)
			pthread_cond_wait(&v->w.cv, &v->w.mu);
		pthread_mutex_unlock(&v->w.mu);
	}
	v->nsettled++;
	return fold(v, b);
}

/* The filled batch to the worker (processed here without one); reading
 * goes on into the next of the ring, settled first if need be. */
static int handoff(vstate *v)
{
	vbatch *b = v->ring[v->nposted % VRING];
	int r;
	if (v->nposted - v->nsettled == VRING - 1 && (r = settle(v)) != 0)
		return r;
	v->ring[(v->nposted + 1) % VRING]->first = b->first + b->n;
	atomic_store(&b->next, 0);
	b->left = b->n;
	if (!v->w.started) {
		process(v, b, &v->xs[0]);
		v->nprocessed++;
	}
	pthread_mutex_lock(&v->w.mu);
	v->nposted++;
	pthread_cond_broadcast(&v->w.cv);
	pthread_mutex_unlock(&v->w.mu);
	return 0;
}

/* The batch being filled. */
static vbatch *filling(vstate *v)
{
	return v->ring[v->nposted % VRING];
}

/* (Unless log-only) the record of the entry in slot i, for the worker to
 * check the entry against. */
static int check_record(vstate *v, vbatch *b, int i, int64_t idx, const char *kind, int64_t ref)
{
	const cu_store_rec *rec;
	bool event = !strcmp(kind, "event");
	int r;
	if (!event && strcmp(kind, "custody") != 0) {
		json_array_append_new(v->problems, finding(idx, "an entry of no known kind"));
		v->nlost++;
		return 0;
	}
	r = record_of(v, &rec, event, ref);
	if (r == CU_ENOTFOUND) {
		char what[160];
		snprintf(what, sizeof(what), "the record of this entry (%s %lld) is missing "
		         "(deleted)", kind, (long long)ref);
		cu_error_clear();
		json_array_append_new(v->problems, finding(idx, what));
		v->nlost++;
		return 0;
	}
	if (r || (r = rec_copy(v, b, i, rec, event)) != 0)
		return r;
	b->rec_kind[i] = event ? 2 : 1;
	b->ref[i] = ref;
	return 0;
}

static int chain_push(vstate *v, const cu_note_verifier *k, int64_t since)
{
	if (v->nchain == v->capchain) {
		int cap = v->capchain ? 2 * v->capchain : 4;
		cu_note_verifier *c = realloc(v->chain, (size_t)cap * sizeof(*c));
		if (c)
			v->chain = c;
		int64_t *sz = c ? realloc(v->since, (size_t)cap * sizeof(*sz)) : NULL;
		if (sz)
			v->since = sz;
		if (!c || !sz)
			return cu_error_set(CU_ENOMEM, "out of memory");
		v->capchain = cap;
	}
	v->chain[v->nchain] = *k;
	v->since[v->nchain++] = since;
	return 0;
}

/* A key transition entry: both signatures, and that it continues the chain. */
static int follow_chain(vstate *v, int64_t idx, const char *entry, size_t len)
{
	cu_note_verifier old = {0}, next = {0};
	char what[400];
	int r = cu_transition_check(&old, &next, entry, len, idx,
	                            v->nchain ? &v->chain[v->nchain - 1] : NULL);
	if (r == CU_EVERIFY || r == CU_EINVALID) {
		snprintf(what, sizeof(what), "a key transition does not verify: %s",
		         cu_error_message(r));
		cu_error_clear();
		json_array_append_new(v->problems, finding(idx, what));
		return 0;
	}
	if (r == 0 && v->nchain == 0)
		r = chain_push(v, &old, 0);
	return r ? r : chain_push(v, &next, idx + 1);
}

static int walk_entry(void *ctx, int64_t idx, const char *entry, size_t len, const char *kind,
                      int64_t ref)
{
	vstate *v = ctx;
	vbatch *b = filling(v);
	int i = b->n, r;
	int64_t next = b->first + b->n;
	if (kind[0] == 'e' && cu_transition_is(entry, len) && idx == next &&
	    (r = follow_chain(v, idx, entry, len)) != 0)
		return r;
	if (idx != next) {
		json_array_append_new(v->problems, finding(next, "an entry is missing"));
		return 1; /* the rest of the tree cannot be recomputed */
	}
	b->rec_kind[i] = 0;
	if (!v->log_only && (r = check_record(v, b, i, idx, kind, ref)) != 0)
		return r;
	if ((r = grow_to(&b->buf, &b->cap, b->used + len)) != 0)
		return r;
	memcpy(b->buf + b->used, entry, len);
	b->off[i] = b->used;
	b->len[i] = len;
	b->used += len;
	b->n++;
	return b->n == VBATCH ? handoff(v) : 0;
}

/* The batches and the worker thread; vstate_end undoes it. */
static int vstate_begin(vstate *v)
{
	pthread_mutex_init(&v->w.mu, NULL);
	pthread_cond_init(&v->w.cv, NULL);
	v->w.inited = true;
	for (int k = 0; k < VRING; k++)
		if (!(v->ring[k] = calloc(1, sizeof(vbatch))))
			return cu_error_set(CU_ENOMEM, "out of memory");
	/* Without a second thread the batches are processed in turn. */
	v->w.started = pthread_create(&v->w.th, NULL, worker, v) == 0;
	return 0;
}

static void vstate_end(vstate *v)
{
	if (v->w.started) {
		pthread_mutex_lock(&v->w.mu);
		v->w.quit = true;
		pthread_cond_broadcast(&v->w.cv);
		pthread_mutex_unlock(&v->w.mu);
		pthread_join(v->w.th, NULL);
		v->w.started = false;
	}
	if (v->w.inited) {
		pthread_mutex_destroy(&v->w.mu);
		pthread_cond_destroy(&v->w.cv);
	}
	free(v->xs[0].x);
	free(v->xs[1].x);
	for (int k = 0; k < VRING; k++)
		if (v->ring[k]) {
			free(v->ring[k]->buf);
			free(v->ring[k]->rt);
			free(v->ring[k]->tiles);
			free(v->ring[k]);
		}
}

/*
 * Records without an entry and entries without a record. The counts show
 * both (an entry's record is unique: UNIQUE (kind, ref)); when they do not
 * add up, the records without an entry are named, up to UNENTERED_MAX of
 * them, at the ledger's size (where their entries would have been). No open
 * of the store gives such a record an entry (cu_ledger_catch_up).
 */
#define UNENTERED_MAX 20
static int unentered(vstate *v, int64_t records, int64_t size)
{
	char what[300];
	json_t *rows = NULL, *row;
	size_t i;
	int r;
	if (records > size) {
		snprintf(what, sizeof(what), "%lld record(s) more than entries: records without a "
		         "ledger entry (added around custodia, or their entries removed)",
		         (long long)(records - size));
		json_array_append_new(v->problems, finding(size, what));
	} else if (records < size) {
		snprintf(what, sizeof(what), "%lld entr%s more than records: ledger entries "
		         "without a record (deleted)", (long long)(size - records),
		         size - records == 1 ? "y" : "ies");
		json_array_append_new(v->problems, finding(size, what));
	}
	/* Records mode: entries without a record were each found; what remains of
	 * the records has no entry. Log-only: the counts are all there is. */
	if (records == size && (v->log_only || v->nlost == 0) && v->t.size == size)
		return 0;
	if ((r = cu_store_unledgered(v->c->store, &rows, UNENTERED_MAX + 1)) != 0)
		return r;
	json_array_foreach(rows, i, row) {
		if (i == UNENTERED_MAX) {
			snprintf(what, sizeof(what), "and more records without a ledger entry");
			json_array_append_new(v->problems, finding(size, what));
			break;
		}
		const char *kind = cu_json_str(row, "kind"), *type = cu_json_str(row, "type");
		const char *at = cu_json_str(row, "at");
		int64_t ref = json_integer_value(json_object_get(row, "ref"));
		snprintf(what, sizeof(what),
		         "%s %lld (%.64s at %.40s) has no ledger entry: a record "
		         "added around custodia, or its entry removed",
		         kind ? kind : "?", (long long)ref, type ? type : "?", at ? at : "?");
		json_t *f = finding(size, what);
		snprintf(what, sizeof(what), "%s/%lld", kind ? kind : "?", (long long)ref);
		json_object_set_new(f, "record", json_string(what));
		json_array_append_new(v->problems, f);
	}
	json_decref(rows);
	return 0;
}

static int verify(cu_core *c, json_t **out, bool log_only);

/* Verification reads one snapshot, even while a server keeps writing. */
int cu_ledger_verify(cu_core *c, json_t **out, bool log_only)
{
	int r = cu_store_read_begin(c->store);
	if (r)
		return r;
	r = verify(c, out, log_only);
	cu_store_records_done(c->store);
	cu_store_read_end(c->store);
	return r;
}

static int verify(cu_core *c, json_t **out, bool log_only)
{
	vstate *v = calloc(1, sizeof(*v));
	json_t *row;
	int64_t size, events, custody, tiles, expect = 0;
	char vkey[300];
	size_t k, ncp;
	int r;
	*out = NULL;
	if (!v)
		return cu_error_set(CU_ENOMEM, "out of memory");
	v->c = c;
	v->log_only = log_only;
	v->problems = json_array();
	/* Records are counted by their walks, unless log-only. */
	if ((r = cu_store_ledger_size(c->store, &size)) != 0 ||
	    (log_only && (r = cu_store_record_counts(c->store, &events, &custody)) != 0) ||
	    (r = cu_store_ledger_tile_count(c->store, &tiles)) != 0 ||
	    (r = cu_store_checkpoint_list(c->store, &v->cps)) != 0)
		goto out;
	ncp = json_array_size(v->cps);
	v->cp_roots = calloc(ncp ? ncp : 1, 32);
	v->cp_have = calloc(ncp ? ncp : 1, sizeof(bool));
	v->sig = calloc(ncp ? ncp : 1, sizeof(*v->sig));
	if (!v->cp_roots || !v->cp_have || !v->sig) {
		r = cu_error_set(CU_ENOMEM, "out of memory");
		goto out;
	}
	if ((r = cu_ledger_key(c, vkey)) != 0 || (r = cu_note_vkey_parse(&v->nv, vkey)) != 0)
		goto out;
	take_roots(v); /* a checkpoint of the empty tree */
	/* 1, 4. The entries, their records (unless log-only) and the stored tiles, in one pass. */
	if ((r = vstate_begin(v)) != 0)
		goto out;
	r = cu_store_ledger_walk(c->store, 0, walk_entry, v);
	if (r < 0 || (filling(v)->n && (r = handoff(v)) != 0))
		goto out;
	while (v->nsettled < v->nposted)
		if ((r = settle(v)) != 0)
			goto out;
	if (!log_only) {
		if ((r = count_rest(v)) != 0)
			goto out;
		events = v->nrec[1];
		custody = v->nrec[0];
	}
	for (int L = 0; L < LEVELS; L++)
		expect += size >> (CU_TILE_HEIGHT * (L + 1));
	/* The stored edges (what a new connection starts from) match the replay. */
	for (int L = 1; L < LEVELS && v->t.size == size; L++) {
		edge *e = &v->t.e[L];
		int64_t sn;
		if (e->width == 0)
			continue;
		r = cu_store_ledger_edge_get(c->store, (uint8_t *)v->stored, &sn, L);
		if (r && r != CU_ENOTFOUND)
			goto out;
		if (r == 0 && sn == e->n)
			compare_tile(v, L, e->n, (const uint8_t(*)[32])e->h, e->width);
		r = 0;
	}
	if (tiles > expect)
		json_array_append_new(v->problems, finding(size, "stored tiles beyond the entries"));
	/* 2. Every record has its entry, every entry its record. */
	if ((r = unentered(v, events + custody, size)) != 0)
		goto out;
	/* 3. Every checkpoint is signed by this node's key of its time (the key
	 * chain's, if the key was ever replaced) and matches the recomputed tree. */
	char last[300];
	if (v->nchain) {
		const cu_note_verifier *lk = &v->chain[v->nchain - 1];
		cu_note_vkey_format(last, lk->name, lk->pk);
		if (strcmp(last, vkey) != 0)
			json_array_append_new(v->problems, finding(size, "the node's signing key is not "
			                                           "the last key of the ledger's key "
			                                           "chain"));
	}
	if (v->w.started) { /* the worker has opened them with the node's key */
		pthread_mutex_lock(&v->w.mu);
		while (!v->w.sigs)
			pthread_cond_wait(&v->w.cv, &v->w.mu);
		pthread_mutex_unlock(&v->w.mu);
	}
	json_array_foreach(v->cps, k, row) {
		int64_t cs = json_integer_value(json_object_get(row, "size"));
		const cu_note_verifier *kv = &v->nv;
		struct cpsig one, *sg = &v->sig[k];
		for (int j = 0; j < v->nchain; j++)
			if (v->since[j] <= cs)
				kv = &v->chain[j];
		if (!v->w.sigs || strcmp(kv->name, v->nv.name) != 0 || memcmp(kv->pk, v->nv.pk, 32))
			open_checkpoint(sg = &one, row, kv);
		if (!sg->ok || sg->size != cs) {
			json_array_append_new(v->problems, finding(cs, "a checkpoint's signature does "
			                                           "not verify (rewritten)"));
		} else if (!v->cp_have[k] || !cu_ct_equal(v->cp_roots[k], sg->root, 32)) {
			json_array_append_new(v->problems, finding(cs, "a signed checkpoint's root "
			                                           "differs from the recomputed tree"));
		}
	}
	uint8_t root[32];
	char b64[48];
	reader rd = {NULL, NULL, &v->t};
	if (v->t.size != size || cu_merkle_root_nodes(root, size, read_node, &rd, NULL) != 0)
		memset(root, 0, 32);
	cu_base64(b64, root, 32);
	int64_t first = -1;
	json_array_foreach(v->problems, k, row) {
		int64_t idx = json_integer_value(json_object_get(row, "index"));
		if (first < 0 || idx < first)
			first = idx;
	}
	*out = json_pack("{s:b,s:I,s:s,s:I,s:O,s:s,s:i}", "ok", json_array_size(v->problems) == 0,
	                 "size", (json_int_t)size, "root", b64, "checkpoints", (json_int_t)ncp,
	                 "problems", v->problems, "mode", log_only ? "log-only" : "records",
	                 "signing_keys", v->nchain ? v->nchain : 1);
	if (first >= 0)
		json_object_set_new(*out, "first_bad_index", json_integer(first));
out:
	vstate_end(v);
	free(v->cp_roots);
	free(v->cp_have);
	free(v->sig);
	free(v->chain);
	free(v->since);
	json_decref(v->cps);
	json_decref(v->problems);
	free(v);
	return r;
}
