/* SPDX-License-Identifier: Apache-2.0 */
/*
 * core: the ledger — every event and custody row becomes an entry of an
 * append-only Merkle log in the same transaction; checkpoints are signed
 * with the node key; `verify` recomputes everything from the records.
 * Formats are defined in docs/ledger.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "crypto/crypto.h"
#include "ledger/merkle.h"
#include "ledger/note.h"

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

/* hex(SHA-256(salt ‖ bytes)), salt given in hex. */
static int commit(char out[65], const char *salt_hex, const void *bytes, size_t n)
{
	uint8_t salt[16], h[32];
	size_t sn = 0;
	if (!salt_hex || strlen(salt_hex) != 32)
		return cu_error_set(CU_EVERIFY, "a record has no salt");
	for (size_t i = 0; i < 16; i++) {
		unsigned v;
		if (sscanf(salt_hex + 2 * i, "%2x", &v) != 1)
			return cu_error_set(CU_EVERIFY, "a record's salt is damaged");
		salt[i] = (uint8_t)v;
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
			if ((r = cu_store_item_content(s, csalt, sha, atoll(cu_json_str(row,
			                                                             "object_id")))) ||
			    (r = cu_unhex32(raw, sha)) != 0 || (r = commit(cc, csalt, raw, 32)) != 0)
				goto out;
			json_object_set_new(e, "content", json_string(cc));
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

static int read_hash(void *ctx, int64_t idx, uint8_t out[32])
{
	return cu_store_ledger_hash(ctx, idx, out);
}

/* Appends the entry of a record just written (inside its transaction). */
static int append(cu_store *s, const char *kind, int64_t ref)
{
	cu_buf entry;
	uint8_t leaf[32], hashes[64][32];
	int64_t n;
	int count, r;
	cu_buf_init(&entry, 0);
	if ((r = build_entry(s, &entry, kind, ref)) == 0 && (r = cu_store_ledger_size(s, &n)) == 0) {
		cu_merkle_leaf(leaf, entry.data, entry.len);
		if ((r = cu_merkle_append(hashes, &count, n, leaf, read_hash, s)) == 0)
			r = cu_store_ledger_append(s, n, entry.data, kind, ref,
			                           (const uint8_t(*)[32])hashes, count,
			                           cu_merkle_stored_index(0, n));
	}
	cu_buf_free(&entry);
	return r;
}

int cu_ledger_event(cu_store *s, const cu_event *in)
{
	cu_event ev = *in;
	char salt[33];
	int64_t seq;
	int r;
	new_salt(salt);
	ev.salt = salt;
	if ((r = cu_store_event_append(s, &seq, &ev)) != 0)
		return r;
	return append(s, "event", seq);
}

int cu_core_custody(cu_core *c, int64_t item, const char *event, const char *actor,
                    const char *org, const char *reason, const json_t *details)
{
	char now[CU_TS_LEN], salt[33], *text = NULL;
	int64_t seq;
	int r;
	cu_time_now(now);
	new_salt(salt);
	if (details && !(text = json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS)))
		return cu_error_set(CU_ENOMEM, "out of memory");
	r = cu_store_custody_append(c->store, &seq, item, event, now, actor, org, reason, text, salt);
	free(text);
	return r ? r : append(c->store, "custody", seq);
}

/* Entries for records written before the ledger existed (schema 2 data). */
int cu_ledger_catch_up(cu_core *c)
{
	json_t *rows, *row;
	size_t i;
	int r;
	if ((r = cu_store_unledgered(c->store, &rows)) != 0)
		return r;
	if (json_array_size(rows) == 0) {
		json_decref(rows);
		return 0;
	}
	CU_TXN(c, r, {
		json_array_foreach(rows, i, row)
			if ((r = append(c->store, cu_json_str(row, "kind"),
			                json_integer_value(json_object_get(row, "ref")))) != 0)
				break;
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
	return cu_merkle_root(root, size, read_hash, c->store);
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

static json_t *hashes_json(uint8_t proof[][32], int len)
{
	json_t *a = json_array();
	char b64[48];
	for (int i = 0; i < len; i++) {
		cu_base64(b64, proof[i], 32);
		json_array_append_new(a, json_string(b64));
	}
	return a;
}

static int prove_inclusion(cu_core *c, json_t **out, int64_t index, int64_t size);
static int prove_consistency(cu_core *c, json_t **out, int64_t from, int64_t to);

/* Proofs read one snapshot: the size, the proof and the root agree. */
int cu_ledger_prove_inclusion(cu_core *c, json_t **out, int64_t index, int64_t size)
{
	int r = cu_store_read_begin(c->store);
	if (r)
		return r;
	r = prove_inclusion(c, out, index, size);
	cu_store_read_end(c->store);
	return r;
}

int cu_ledger_prove_consistency(cu_core *c, json_t **out, int64_t from, int64_t to)
{
	int r = cu_store_read_begin(c->store);
	if (r)
		return r;
	r = prove_consistency(c, out, from, to);
	cu_store_read_end(c->store);
	return r;
}

static int prove_inclusion(cu_core *c, json_t **out, int64_t index, int64_t size)
{
	uint8_t proof[CU_MERKLE_MAX_PROOF][32], leaf[32], root[32];
	char b64l[48], b64r[48];
	int64_t n;
	int len, r;
	*out = NULL;
	if ((r = cu_store_ledger_size(c->store, &n)) != 0)
		return r;
	if (size <= 0)
		size = n;
	if (size > n || index < 0 || index >= size)
		return cu_error_set(CU_EINVALID, "no entry %lld in a tree of %lld (the ledger has "
		                    "%lld)", (long long)index, (long long)size, (long long)n);
	if ((r = cu_merkle_inclusion(proof, &len, index, size, read_hash, c->store)) != 0 ||
	    (r = read_hash(c->store, cu_merkle_stored_index(0, index), leaf)) != 0 ||
	    (r = cu_ledger_root(c, root, size)) != 0)
		return r;
	cu_base64(b64l, leaf, 32);
	cu_base64(b64r, root, 32);
	*out = json_pack("{s:I,s:I,s:s,s:s,s:o}", "index", (json_int_t)index, "size",
	                 (json_int_t)size, "leaf_hash", b64l, "root", b64r, "proof",
	                 hashes_json(proof, len));
	return 0;
}

static int prove_consistency(cu_core *c, json_t **out, int64_t from, int64_t to)
{
	uint8_t proof[CU_MERKLE_MAX_PROOF][32], r1[32], r2[32];
	char b1[48], b2[48];
	int64_t n;
	int len, r;
	*out = NULL;
	if ((r = cu_store_ledger_size(c->store, &n)) != 0)
		return r;
	if (to <= 0)
		to = n;
	if (from <= 0 || from > to || to > n)
		return cu_error_set(CU_EINVALID, "no consistency proof from %lld to %lld (the ledger "
		                    "has %lld)", (long long)from, (long long)to, (long long)n);
	if ((r = cu_merkle_consistency(proof, &len, from, to, read_hash, c->store)) != 0 ||
	    (r = cu_ledger_root(c, r1, from)) != 0 || (r = cu_ledger_root(c, r2, to)) != 0)
		return r;
	cu_base64(b1, r1, 32);
	cu_base64(b2, r2, 32);
	*out = json_pack("{s:I,s:I,s:s,s:s,s:o}", "from", (json_int_t)from, "to", (json_int_t)to,
	                 "root1", b1, "root2", b2, "proof", hashes_json(proof, len));
	return 0;
}

/* ---- verification ------------------------------------------------------ */

/*
 * Verification folds the tree as the entries stream past, keeping only its
 * right edge (one complete subtree per 1 bit of the size):
 *
 *     size 6 = 0b110:   [ h(0..3) ]  [ h(4..5) ]        root = node(h(0..3), h(4..5))
 *     append leaf 6:    [ h(0..3) ]  [ h(4..5) ]  [ h(6) ]
 *     append leaf 7:    h(6..7) = node(h(6), h(7)), then h(4..7), then h(0..7)
 *
 * The hashes an append merges are exactly the ones it stored, so each is
 * compared with the stored row as it is made; a checkpoint's root is the fold
 * of the edge when the walk reaches its size. Memory is O(log n).
 */
typedef struct vstate {
	cu_core *c;
	bool deep;
	uint8_t edge[64][32];
	int edge_level[64], top;
	int64_t n;            /* entries folded so far */
	json_t *problems;
	json_t *cps;          /* checkpoints by size */
	size_t next_cp;
	uint8_t (*cp_roots)[32];
	bool *cp_have;
	bool gap;
} vstate;

static json_t *finding(int64_t idx, const char *what)
{
	return json_pack("{s:I,s:s}", "index", (json_int_t)idx, "problem", what);
}

static void edge_root(const vstate *v, uint8_t out[32])
{
	if (v->top == 0) {
		cu_merkle_empty(out);
		return;
	}
	memcpy(out, v->edge[v->top - 1], 32);
	for (int k = v->top - 2; k >= 0; k--)
		cu_merkle_node(out, v->edge[k], out);
}

/* Roots of the checkpoints whose size the walk has now reached. */
static void take_roots(vstate *v)
{
	size_t ncp = json_array_size(v->cps);
	while (v->next_cp < ncp) {
		int64_t cs = json_integer_value(json_object_get(json_array_get(v->cps, v->next_cp),
		                                                "size"));
		if (cs > v->n)
			break;
		if (cs == v->n) {
			edge_root(v, v->cp_roots[v->next_cp]);
			v->cp_have[v->next_cp] = true;
		}
		v->next_cp++;
	}
}

static int walk_entry(void *ctx, int64_t idx, const char *entry, size_t len, const char *kind,
                      int64_t ref, const uint8_t (*stored)[32], int count)
{
	vstate *v = ctx;
	uint8_t h[32];
	bool bad_hash = false;
	if (idx != v->n) {
		json_array_append_new(v->problems, finding(v->n, "an entry is missing"));
		v->gap = true;
		return CU_EVERIFY; /* the rest of the tree cannot be recomputed */
	}
	/* 1. (--deep) the entry is the canonical form of its record. */
	if (v->deep) {
		cu_buf e;
		cu_buf_init(&e, 0);
		int br = build_entry(v->c->store, &e, kind, ref);
		if (br == CU_ENOTFOUND)
			json_array_append_new(v->problems, finding(idx, "the record of this entry was "
			                                           "deleted"));
		else if (br != 0 || e.len != len || memcmp(e.data, entry, len) != 0)
			json_array_append_new(v->problems, finding(idx, "the record no longer matches "
			                                           "its entry (edited)"));
		cu_buf_free(&e);
	}
	/* 2. Its leaf and the subtrees it completes are the stored hashes. */
	cu_merkle_leaf(h, entry, len);
	bad_hash |= !cu_ct_equal(h, stored[0], 32);
	int level = 0, k = 1;
	while (v->top > 0 && v->edge_level[v->top - 1] == level) {
		cu_merkle_node(h, v->edge[v->top - 1], h);
		v->top--;
		level++;
		bad_hash |= k >= count || !cu_ct_equal(h, stored[k], 32);
		k++;
	}
	memcpy(v->edge[v->top], h, 32);
	v->edge_level[v->top++] = level;
	if (bad_hash)
		json_array_append_new(v->problems, finding(idx, "a stored hash differs from the "
		                                           "entries' (swapped)"));
	v->n++;
	take_roots(v);
	return 0;
}

static int verify(cu_core *c, json_t **out, bool deep);

/* Verification reads one snapshot, even while a server keeps writing. */
int cu_ledger_verify(cu_core *c, json_t **out, bool deep)
{
	int r = cu_store_read_begin(c->store);
	if (r)
		return r;
	r = verify(c, out, deep);
	cu_store_read_end(c->store);
	return r;
}

static int verify(cu_core *c, json_t **out, bool deep)
{
	vstate *v = calloc(1, sizeof(*v));
	json_t *row;
	int64_t size, events, custody, extra = 0;
	size_t k, ncp;
	int r;
	*out = NULL;
	if (!v)
		return cu_error_set(CU_ENOMEM, "out of memory");
	v->c = c;
	v->deep = deep;
	v->problems = json_array();
	if ((r = cu_store_ledger_size(c->store, &size)) != 0 ||
	    (r = cu_store_record_counts(c->store, &events, &custody)) != 0 ||
	    (r = cu_store_checkpoint_list(c->store, &v->cps)) != 0)
		goto out;
	ncp = json_array_size(v->cps);
	v->cp_roots = calloc(ncp ? ncp : 1, 32);
	v->cp_have = calloc(ncp ? ncp : 1, sizeof(bool));
	if (!v->cp_roots || !v->cp_have) {
		r = cu_error_set(CU_ENOMEM, "out of memory");
		goto out;
	}
	take_roots(v); /* a checkpoint of the empty tree */
	/* 1, 2. Entries, their records (deep) and the stored hashes, in one pass. */
	r = cu_store_ledger_walk(c->store, walk_entry, v, &extra);
	if (r && r != CU_EVERIFY)
		goto out;
	r = 0;
	if (!v->gap && extra > 0)
		json_array_append_new(v->problems, finding(v->n, "stored hashes without an entry"));
	/* 3. Every record has its entry. */
	if (events + custody != size)
		json_array_append_new(v->problems, finding(size, events + custody > size ?
		                      "records without a ledger entry" :
		                      "ledger entries without a record (deleted)"));
	/* 4. Every checkpoint is signed by this node and matches the recomputed tree. */
	cu_note_verifier nv;
	char vkey[300];
	if ((r = cu_ledger_key(c, vkey)) != 0 || (r = cu_note_vkey_parse(&nv, vkey)) != 0)
		goto out;
	json_array_foreach(v->cps, k, row) {
		int64_t cs = json_integer_value(json_object_get(row, "size"));
		const char *note = cu_json_str(row, "note");
		char *text = NULL;
		int nsig;
		cu_checkpoint ck;
		if (cu_note_open(&text, &nsig, note, strlen(note), &nv, 1) != 0 ||
		    cu_checkpoint_parse(&ck, text) != 0 || ck.size != cs) {
			json_array_append_new(v->problems, finding(cs, "a checkpoint's signature does "
			                                           "not verify (rewritten)"));
		} else if (!v->cp_have[k] || !cu_ct_equal(v->cp_roots[k], ck.root, 32)) {
			json_array_append_new(v->problems, finding(cs, "a signed checkpoint's root "
			                                           "differs from the recomputed tree"));
		}
		free(text);
	}
	uint8_t root[32];
	char b64[48];
	edge_root(v, root);
	cu_base64(b64, root, 32);
	int64_t first = -1;
	json_array_foreach(v->problems, k, row) {
		int64_t idx = json_integer_value(json_object_get(row, "index"));
		if (first < 0 || idx < first)
			first = idx;
	}
	*out = json_pack("{s:b,s:I,s:s,s:I,s:O,s:s}", "ok", json_array_size(v->problems) == 0,
	                 "size", (json_int_t)size, "root", b64, "checkpoints", (json_int_t)ncp,
	                 "problems", v->problems, "mode", deep ? "deep" : "hashes");
	if (first >= 0)
		json_object_set_new(*out, "first_bad_index", json_integer(first));
out:
	free(v->cp_roots);
	free(v->cp_have);
	json_decref(v->cps);
	json_decref(v->problems);
	free(v);
	return r;
}
