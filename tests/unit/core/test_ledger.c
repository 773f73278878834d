/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tests: the ledger over a real store — every record has its entry, proofs
 * verify, and `verify` finds each kind of tampering an insider with the
 * database file could attempt, at the right index.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/core.h"
#include "core/internal.h"
#include "crypto/crypto.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "store/store.h"
#include "testdb.h"
#include "testutil.h"

typedef struct fixture {
	char *tmp, *dir;
	cu_core *c;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	f->dir = tu_datadir(&f->tmp);
	assert_int_equal(cu_crypto_init(), 0);
	assert_int_equal(cu_core_init(f->dir, "admin", "admin-pw"), 0);
	cu_core_config cfg = {.datadir = f->dir};
	assert_int_equal(cu_core_open(&f->c, &cfg), 0);
	assert_int_equal(cu_demo_load(f->c, 0), 0);
	json_t *cp;
	assert_int_equal(cu_ledger_checkpoint(f->c, &cp, false), 0);
	json_decref(cp);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	cu_core_close(f->c);
	free(f->dir);
	tu_rmdir(f->tmp);
	free(f);
	return 0;
}

/* What an insider with the database can do: drop the guards, then edit. */
static void tamper(fixture *f, const char *sql)
{
	tdb_exec(f->dir, sql, true, NULL);
}

static json_t *verify_mode(fixture *f, bool log_only)
{
	json_t *out;
	assert_int_equal(cu_ledger_verify(f->c, &out, log_only), 0);
	assert_string_equal(cu_json_str(out, "mode"), log_only ? "log-only" : "records");
	return out;
}

/* The default: the log and every record against its entry. */
static json_t *verify(fixture *f)
{
	return verify_mode(f, false);
}

static json_t *verify_log_only(fixture *f)
{
	return verify_mode(f, true);
}

static int64_t first_bad(json_t *report)
{
	assert_false(json_is_true(json_object_get(report, "ok")));
	return json_integer_value(json_object_get(report, "first_bad_index"));
}

/* Events until the ledger holds at least n entries (full tiles: 256 each),
 * then a checkpoint. */
static void grow(fixture *f, int64_t n)
{
	cu_actor se;
	int64_t size;
	json_t *cp;
	assert_int_equal(cu_actor_load(f->c, &se, "se"), 0);
	assert_int_equal(cu_store_begin(cu_core_store(f->c)), 0);
	assert_int_equal(cu_store_ledger_size(cu_core_store(f->c), &size), 0);
	/*
	 * Filler that the search index does not follow: a case event would
	 * re-index case 1 each time, and PostgreSQL's unique index on search_docs
	 * then walks every dead version of that row made in this one transaction
	 * (quadratic: 20,000 of them took 110 s).
	 */
	for (; size < n; size++)
		assert_int_equal(cu_core_event(f->c, &se, "ledger.fill", "test", "1", 1, 0, NULL, NULL),
		                 0);
	assert_int_equal(cu_store_commit(cu_core_store(f->c)), 0);
	assert_int_equal(cu_ledger_checkpoint(f->c, &cp, false), 0);
	json_decref(cp);
}

/* Swaps 32 bytes of the stored tile level/n: slot `to` gets slot `from`'s hash. */
static void swap_slot(fixture *f, int level, int64_t n, int to, int from)
{
	char sql[512];
	snprintf(sql, sizeof(sql), tdb_is_pg(f->dir)
	         ? "UPDATE ledger_tiles SET hashes = substr(hashes, 1, %d)"
	           " || substr(hashes, %d, 32) || substr(hashes, %d) WHERE level = %d AND n = %lld"
	         : "UPDATE ledger_tiles SET hashes = CAST(substr(hashes, 1, %d)"
	           " || substr(hashes, %d, 32) || substr(hashes, %d) AS BLOB)"
	           " WHERE level = %d AND n = %lld", to * 32, from * 32 + 1, to * 32 + 33, level,
	         (long long)n);
	tamper(f, sql);
}

/* The ledger index of a record. */
static int64_t index_of(fixture *f, const char *kind, const char *where)
{
	char sql[512];
	int64_t idx;
	snprintf(sql, sizeof(sql), "SELECT l.idx FROM ledger_entries l JOIN %s r ON r.seq = l.ref"
	         " AND l.kind = '%s' WHERE %s ORDER BY l.idx LIMIT 1",
	         !strcmp(kind, "event") ? "events" : "custody", kind, where);
	tdb_exec(f->dir, sql, false, &idx);
	assert_true(idx >= 0);
	return idx;
}

static void test_ledger__every_record_has_its_entry(void **state)
{
	fixture *f = *state;
	json_t *r = verify(f);
	assert_true(json_is_true(json_object_get(r, "ok")));
	int64_t size = json_integer_value(json_object_get(r, "size"));
	json_decref(r);
	int64_t ev, cs;
	assert_int_equal(cu_store_record_counts(cu_core_store(f->c), &ev, &cs), 0);
	assert_int_equal(size, ev + cs);
	/* A change adds exactly its entries, in the same transaction. */
	cu_actor se;
	json_t *out, *in = json_pack("{s:s}", "retention_review_on", "2030-01-01");
	assert_int_equal(cu_actor_load(f->c, &se, "se"), 0);
	assert_int_equal(cu_case_update(f->c, &se, &out, 1, in), 0);
	json_decref(in);
	json_decref(out);
	r = verify(f);
	assert_int_equal(json_integer_value(json_object_get(r, "size")), size + 1);
	json_decref(r);
	/* A refused change adds nothing. */
	in = json_pack("{s:s}", "status", "bogus");
	assert_int_equal(cu_case_update(f->c, &se, &out, 1, in), CU_EINVALID);
	json_decref(in);
	r = verify(f);
	assert_int_equal(json_integer_value(json_object_get(r, "size")), size + 1);
	json_decref(r);
}

static void test_ledger__proofs_verify_against_the_checkpoint(void **state)
{
	fixture *f = *state;
	json_t *cp, *p;
	char vkey[300], *text;
	cu_note_verifier v;
	cu_checkpoint ck;
	int nv;
	assert_int_equal(cu_ledger_checkpoint(f->c, &cp, false), 0);
	assert_int_equal(cu_ledger_key(f->c, vkey), 0);
	assert_int_equal(cu_note_vkey_parse(&v, vkey), 0);
	const char *note = cu_json_str(cp, "note");
	assert_int_equal(cu_note_open(&text, &nv, note, strlen(note), &v, 1), 0);
	assert_int_equal(cu_checkpoint_parse(&ck, text), 0);
	for (int64_t i = 0; i < ck.size; i++) {
		assert_int_equal(cu_ledger_prove_inclusion(f->c, &p, i, ck.size), 0);
		uint8_t leaf[32], proof[CU_MERKLE_MAX_PROOF][32];
		size_t n;
		int len = 0;
		size_t k;
		json_t *h;
		assert_int_equal(cu_unbase64(leaf, &n, 32, cu_json_str(p, "leaf_hash")), 0);
		json_array_foreach(json_object_get(p, "proof"), k, h)
			assert_int_equal(cu_unbase64(proof[len++], &n, 32, json_string_value(h)), 0);
		assert_int_equal(cu_merkle_verify_inclusion(i, ck.size, leaf,
		                                            (const uint8_t(*)[32])proof, len, ck.root), 0);
		json_decref(p);
	}
	assert_int_equal(cu_ledger_prove_inclusion(f->c, &p, ck.size, ck.size), CU_EINVALID);
	assert_int_equal(cu_ledger_prove_consistency(f->c, &p, 3, ck.size), 0);
	json_decref(p);
	free(text);
	json_decref(cp);
}

/* The size and root of a new checkpoint made through c (the node's key). */
static void checkpoint_of(cu_core *c, cu_checkpoint *ck, char **text)
{
	json_t *cp;
	char vkey[300];
	cu_note_verifier v;
	int nv;
	assert_int_equal(cu_ledger_checkpoint(c, &cp, true), 0);
	assert_int_equal(cu_ledger_key(c, vkey), 0);
	assert_int_equal(cu_note_vkey_parse(&v, vkey), 0);
	const char *note = cu_json_str(cp, "note");
	assert_int_equal(cu_note_open(text, &nv, note, strlen(note), &v, 1), 0);
	assert_int_equal(cu_checkpoint_parse(ck, *text), 0);
	json_decref(cp);
}

/* An inclusion proof from the API verified against a root. */
static void check_inclusion(fixture *f, int64_t i, int64_t size, const uint8_t root[32])
{
	json_t *p, *h;
	uint8_t leaf[32], proof[CU_MERKLE_MAX_PROOF][32];
	size_t n, k;
	int len = 0;
	assert_int_equal(cu_ledger_prove_inclusion(f->c, &p, i, size), 0);
	assert_int_equal(cu_unbase64(leaf, &n, 32, cu_json_str(p, "leaf_hash")), 0);
	json_array_foreach(json_object_get(p, "proof"), k, h)
		assert_int_equal(cu_unbase64(proof[len++], &n, 32, json_string_value(h)), 0);
	assert_int_equal(cu_merkle_verify_inclusion(i, size, leaf, (const uint8_t(*)[32])proof, len,
	                                            root), 0);
	json_decref(p);
}

/*
 * A connection that holds the tree of an older checkpoint answers proofs at
 * that size from memory while another connection appends; a proof at the
 * newer size (checkpointed by the other) catches up, and consistency between
 * the two verifies.
 */
static void test_ledger__proofs_at_a_checkpoint_while_another_appends(void **state)
{
	fixture *f = *state;
	cu_checkpoint a, b;
	char *ta, *tb;
	checkpoint_of(f->c, &a, &ta);
	check_inclusion(f, 0, a.size, a.root); /* this connection now holds the tree of a */
	cu_core *other;
	cu_core_config cfg = {.datadir = f->dir};
	cu_actor se;
	assert_int_equal(cu_core_open(&other, &cfg), 0);
	assert_int_equal(cu_actor_load(other, &se, "se"), 0);
	assert_int_equal(cu_store_begin(cu_core_store(other)), 0);
	for (int k = 0; k < 600; k++)
		assert_int_equal(cu_core_event(other, &se, "ledger.fill", "test", "1", 1, 0, NULL, NULL),
		                 0);
	assert_int_equal(cu_store_commit(cu_core_store(other)), 0);
	checkpoint_of(other, &b, &tb);
	cu_core_close(other);
	for (int64_t i = 0; i < a.size; i += 7)
		check_inclusion(f, i, a.size, a.root);
	json_t *p;
	assert_int_equal(cu_ledger_prove_inclusion(f->c, &p, a.size, a.size), CU_EINVALID);
	assert_int_equal(b.size, a.size + 600);
	for (int64_t i = a.size - 3; i < b.size; i += 101)
		check_inclusion(f, i, b.size, b.root);
	/* from a to b, and to the ledger's current size (0) */
	for (int k = 0; k < 2; k++) {
		uint8_t proof[CU_MERKLE_MAX_PROOF][32];
		size_t n, i;
		int len = 0;
		json_t *h;
		assert_int_equal(cu_ledger_prove_consistency(f->c, &p, a.size, k ? 0 : b.size), 0);
		json_array_foreach(json_object_get(p, "proof"), i, h)
			assert_int_equal(cu_unbase64(proof[len++], &n, 32, json_string_value(h)), 0);
		assert_int_equal(cu_merkle_verify_consistency(a.size, b.size, a.root, b.root,
		                                              (const uint8_t(*)[32])proof, len), 0);
		json_decref(p);
	}
	free(ta);
	free(tb);
}

static void test_ledger_tamper__edited_custody_row(void **state)
{
	fixture *f = *state;
	int64_t idx = index_of(f, "custody", "r.event = 'registered' AND r.item_id = 2");
	tamper(f, "UPDATE custody SET actor = 'someone-else' WHERE item_id = 2 AND event ="
	          " 'registered'");
	json_t *r = verify(f);
	assert_int_equal(first_bad(r), idx);
	json_decref(r);
}

static void test_ledger_tamper__deleted_event(void **state)
{
	fixture *f = *state;
	int64_t idx = index_of(f, "event", "r.action = 'jit.extend'");
	tamper(f, "DELETE FROM events WHERE action = 'jit.extend'");
	json_t *r = verify(f);
	assert_int_equal(first_bad(r), idx);
	json_decref(r);
}

static void test_ledger_tamper__swapped_hash(void **state)
{
	fixture *f = *state;
	grow(f, 300);
	/* Slot 3 of tile 0/0 is leaf 3's hash. */
	swap_slot(f, 0, 0, 3, 0);
	json_t *r = verify(f);
	assert_int_equal(first_bad(r), 3);
	json_decref(r);
}

static void test_ledger_tamper__rewritten_checkpoint(void **state)
{
	fixture *f = *state;
	json_t *cp;
	assert_int_equal(cu_ledger_checkpoint(f->c, &cp, false), 0);
	int64_t size = json_integer_value(json_object_get(cp, "size"));
	json_decref(cp);
	/* Change the size line of the signed note: the signature no longer holds. */
	char sql[256];
	/* chr(10) on PostgreSQL, char(10) on SQLite: a newline. */
	snprintf(sql, sizeof(sql), "UPDATE checkpoints SET note = replace(note, %s(10) || '%lld'"
	         " || %s(10), %s(10) || '%lld' || %s(10)) WHERE size = %lld",
	         tdb_is_pg(f->dir) ? "chr" : "char", (long long)size, tdb_is_pg(f->dir) ? "chr" : "char",
	         tdb_is_pg(f->dir) ? "chr" : "char", (long long)size - 1,
	         tdb_is_pg(f->dir) ? "chr" : "char", (long long)size);
	tamper(f, sql);
	json_t *r = verify(f);
	assert_int_equal(first_bad(r), size);
	json_decref(r);
}

/* --log-only: the hashes, roots and signatures, as the default finds them. */
static void test_ledger_tamper__log_only_finds_hashes_and_checkpoints(void **state)
{
	fixture *f = *state;
	grow(f, 300);
	/* Slot 256 of a tile is its first level-1 node: leaves 0-1, completed by leaf 1. */
	swap_slot(f, 0, 0, 256, 0);
	json_t *r = verify_log_only(f);
	assert_int_equal(first_bad(r), 1);
	json_decref(r);
	r = verify(f);
	assert_int_equal(first_bad(r), 1);
	json_decref(r);
}

static void test_ledger_tamper__flipped_byte_in_an_entry(void **state)
{
	fixture *f = *state;
	grow(f, 300);
	/* The entry's bytes are what the leaf hashes: found without --deep, in a
	 * full tile at the entry itself... */
	tamper(f, "UPDATE ledger_entries SET entry = replace(entry, '\"v\":1', '\"v\":2')"
	          " WHERE idx = 5");
	json_t *r = verify_log_only(f);
	assert_int_equal(first_bad(r), 5);
	json_decref(r);
}

static void test_ledger_tamper__flipped_byte_right_of_the_tiles(void **state)
{
	fixture *f = *state;
	grow(f, 300);
	json_t *cp;
	assert_int_equal(cu_ledger_checkpoint(f->c, &cp, false), 0);
	int64_t size = json_integer_value(json_object_get(cp, "size"));
	json_decref(cp);
	/* ...and right of the last full tile, by every checkpoint that covers it. */
	tamper(f, "UPDATE ledger_entries SET entry = replace(entry, '\"v\":1', '\"v\":2')"
	          " WHERE idx = 280");
	json_t *r = verify_log_only(f);
	assert_int_equal(first_bad(r), size);
	json_decref(r);
}

static void test_ledger_tamper__edited_record_log_only_passes(void **state)
{
	fixture *f = *state;
	int64_t idx = index_of(f, "custody", "r.event = 'registered' AND r.item_id = 2");
	tamper(f, "UPDATE custody SET reason = 'edited' WHERE item_id = 2 AND event ="
	          " 'registered'");
	/* --log-only checks the log, not that records still match it, and says so. */
	json_t *r = verify_log_only(f);
	assert_true(json_is_true(json_object_get(r, "ok")));
	json_decref(r);
	r = verify(f);
	assert_int_equal(first_bad(r), idx);
	json_decref(r);
}

/* An edit of a custody row's details, by the default, with many entries
 * before and after it (tiles, batches on two threads). */
static void test_ledger_tamper__edited_custody_details(void **state)
{
	fixture *f = *state;
	json_t *d = json_pack("{s:i}", "page", 3);
	grow(f, 10000);
	assert_int_equal(cu_store_begin(cu_core_store(f->c)), 0);
	assert_int_equal(cu_core_custody(f->c, NULL, 2, "accessed", "se", "SE", "looked", d), 0);
	assert_int_equal(cu_store_commit(cu_core_store(f->c)), 0);
	json_decref(d);
	grow(f, 20000);
	int64_t idx = index_of(f, "custody", "r.details IS NOT NULL AND r.details LIKE '%page%'");
	json_t *r = verify(f);
	assert_true(json_is_true(json_object_get(r, "ok")));
	json_decref(r);
	tamper(f, "UPDATE custody SET details = '{\"page\":4}' WHERE details LIKE '%page%'");
	r = verify(f);
	assert_int_equal(first_bad(r), idx);
	json_decref(r);
}

/* An edit of an event row's details (its before/after JSON), at its index,
 * in a full tile and right of the last one. */
static void test_ledger_tamper__edited_event_details(void **state)
{
	fixture *f = *state;
	cu_actor se;
	json_t *before = json_pack("{s:s}", "status", "open"),
	       *after = json_pack("{s:s}", "status", "zq-closed");
	assert_int_equal(cu_actor_load(f->c, &se, "se"), 0);
	assert_int_equal(cu_core_event(f->c, &se, "case.update", "case", "1", 1, 0, before, after),
	                 0);
	json_decref(before);
	json_decref(after);
	int64_t first = index_of(f, "event", "r.after LIKE '%zq-closed%'");
	grow(f, 300);
	assert_int_equal(cu_core_event(f->c, &se, "case.note", "case", "1", 1, 0, NULL, NULL), 0);
	int64_t last = index_of(f, "event", "r.action = 'case.note'");
	assert_true(first < 256 && last >= 256);
	tamper(f, "UPDATE events SET action = 'case.view' WHERE action = 'case.note'");
	json_t *r = verify(f);
	assert_int_equal(first_bad(r), last);
	json_decref(r);
	tamper(f, "UPDATE events SET after = '{\"status\":\"open\"}' WHERE after LIKE '%zq-closed%'");
	r = verify(f);
	assert_int_equal(first_bad(r), first);
	assert_int_equal(json_array_size(json_object_get(r, "problems")), 2);
	json_decref(r);
}

/* An evidence registration commits to its item's content, found by the event's
 * object id: an id that is not a whole positive number is refused, not read as
 * the number it starts with (atoll read "2x" as item 2) or as 0. */
static void test_ledger__evidence_register_needs_a_numeric_id(void **state)
{
	fixture *f = *state;
	cu_actor se;
	static const char *const bad[] = {"2x", "x",  "",  " 2",
	                                  "-2", "+2", "0", "99999999999999999999"};
	assert_int_equal(cu_actor_load(f->c, &se, "se"), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(cu_store_begin(cu_core_store(f->c)), 0);
		int r = cu_core_event(f->c, &se, "evidence.register", "evidence", bad[i], 1, 0,
		                      NULL, NULL);
		if (r != CU_EINVALID)
			print_error("object id \"%s\": %d, want CU_EINVALID\n", bad[i], r);
		assert_int_equal(r, CU_EINVALID);
		assert_non_null(strstr(cu_error_message(r), "bad id"));
		cu_store_rollback(cu_core_store(f->c));
	}
	int64_t id;
	assert_int_equal(cu_id_parse(&id, "2"), 0);
	assert_int_equal(id, 2);
	assert_int_equal(cu_id_parse(&id, "9223372036854775807"), 0);
	assert_int_equal(id, INT64_MAX);
}

/* What a value of another type, or a NUL byte inside a string, does to a
 * record: it no longer matches its entry. */
static void test_ledger_tamper__retyped_and_nul_values(void **state)
{
	fixture *f = *state;
	/* SQLite's dynamic types let an insider store text or a real in an
	 * integer column; PostgreSQL's columns refuse it, so there is nothing to
	 * find there (NUL in text it refuses too). */
	if (tdb_is_pg(f->dir))
		skip();
	int64_t a = index_of(f, "event", "r.case_id = 1");
	/* (INTEGER affinity makes '1' or 2.0 integers again: these stay as given.) */
	tamper(f, "UPDATE events SET case_id = 'one' WHERE seq = (SELECT min(seq) FROM events"
	          " WHERE case_id = 1)");
	json_t *r = verify(f);
	assert_int_equal(first_bad(r), a);
	json_decref(r);
	int64_t b = index_of(f, "custody", "r.event = 'registered' AND r.item_id = 2");
	int64_t c = index_of(f, "custody", "r.event = 'registered' AND r.item_id = 3");
	tamper(f, "UPDATE custody SET reason = CAST(coalesce(reason, '') || char(0) || 'more'"
	          " AS TEXT) WHERE item_id = 2 AND event = 'registered';"
	          "UPDATE custody SET item_id = 3.5 WHERE item_id = 3 AND event = 'registered'");
	r = verify(f);
	json_t *p = json_object_get(r, "problems");
	int found = 0;
	for (size_t i = 0; i < json_array_size(p); i++) {
		int64_t at = json_integer_value(json_object_get(json_array_get(p, i), "index"));
		found += at == b || at == c;
	}
	assert_int_equal(found, 2);
	json_decref(r);
}

/* The record verify builds from the columns is, byte for byte, the one
 * build() makes through jansson, for every record: the demo's and ones with
 * strings and numbers that JCS treats specially. */
static void test_ledger__fast_record_equals_jansson(void **state)
{
	fixture *f = *state;
	cu_store *s = cu_core_store(f->c);
	cu_actor se;
	const char *tricky = "q\"b\\s/\x01\x1f\x7f\b\f\n\r\t é 中 \xe2\x80\xa8 \xe2\x80\xa9 "
	                     "\xf0\x9f\x98\x80 \\u0000";
	json_t *d = json_pack("{s:s,s:[I,I,i],s:n,s:b,s:{s:s}}", "z", tricky, "a",
	                      (json_int_t)9007199254740993LL, (json_int_t)-9223372036854775807LL,
	                      0, "n", "t", 1, "o", "\xe2\x80\xa8", "\x1f");
	assert_int_equal(cu_actor_load(f->c, &se, "se"), 0);
	assert_int_equal(cu_store_begin(s), 0);
	assert_int_equal(cu_core_custody(f->c, NULL, 2, "accessed", tricky, "SE", tricky, d), 0);
	assert_int_equal(cu_core_custody(f->c, NULL, 2, "accessed", "se", "SE", NULL, NULL), 0);
	assert_int_equal(cu_core_event(f->c, &se, tricky, tricky, tricky, 0,
	                               9223372036854775807LL, d, NULL), 0);
	assert_int_equal(cu_core_event(f->c, &se, "case.view", "case", "1", 9007199254740993LL,
	                               0, NULL, d), 0);
	assert_int_equal(cu_store_commit(s), 0);
	json_decref(d);
	/* The appends agree with the fast builder (verify holds)... */
	json_t *r = verify(f);
	assert_true(json_is_true(json_object_get(r, "ok")));
	int64_t size = json_integer_value(json_object_get(r, "size"));
	json_decref(r);
	/* ...and so does jansson, record by record. */
	json_t *rows, *row;
	size_t k;
	int n = 0;
	assert_int_equal(cu_store_ledger_entries(s, &rows, 0, (int)size), 0);
	json_array_foreach(rows, k, row) {
		const char *kind = cu_json_str(row, "kind");
		int64_t ref = json_integer_value(json_object_get(row, "ref"));
		json_t *rec;
		char *fast;
		size_t len;
		assert_int_equal(cu_ledger_record(f->c, &rec, kind, ref), 0);
		assert_int_equal(cu_ledger_record_bytes(s, &fast, &len, kind, ref), 0);
		const char *slow = cu_json_str(rec, "record");
		assert_int_equal(len, strlen(slow));
		assert_memory_equal(fast, slow, len);
		free(fast);
		json_decref(rec);
		n++;
	}
	json_decref(rows);
	assert_int_equal(n, size);
	assert_true(n > 50);
}

static void test_ledger_tamper__deleted_record_found_by_count(void **state)
{
	fixture *f = *state;
	tamper(f, "DELETE FROM events WHERE action = 'jit.extend'");
	json_t *r = verify_log_only(f);
	assert_false(json_is_true(json_object_get(r, "ok")));
	json_decref(r);
}

static void test_ledger_tamper__missing_stored_tile(void **state)
{
	fixture *f = *state;
	grow(f, 600);
	tamper(f, "DELETE FROM ledger_tiles WHERE level = 0 AND n = 1");
	json_t *r = verify_log_only(f);
	assert_int_equal(first_bad(r), 511);
	json_decref(r);
}

static void test_ledger_tamper__edited_stored_edge(void **state)
{
	fixture *f = *state;
	grow(f, 1100);
	/* Slot 1 of the level-1 edge is the hash of leaves 256-511. */
	tamper(f, tdb_is_pg(f->dir)
	          ? "UPDATE ledger_edge SET hashes = substr(hashes, 1, 32) || substr(hashes, 1, 32)"
	            " || substr(hashes, 65) WHERE level = 1"
	          : "UPDATE ledger_edge SET hashes = CAST(substr(hashes, 1, 32) || substr(hashes, 1, 32)"
	            " || substr(hashes, 65) AS BLOB) WHERE level = 1");
	json_t *r = verify_log_only(f);
	assert_int_equal(first_bad(r), 511);
	json_decref(r);
}

static void test_ledger_tamper__extra_stored_tile(void **state)
{
	fixture *f = *state;
	grow(f, 300);
	tamper(f, "INSERT INTO ledger_tiles(id, hashes) SELECT 7, hashes FROM ledger_tiles"
	          " WHERE level = 0 AND n = 0");
	json_t *r = verify_log_only(f);
	assert_false(json_is_true(json_object_get(r, "ok")));
	json_decref(r);
}

/* Proofs from the stored tiles and the in-memory edge equal those of the
 * whole tree in memory, at sizes around the tile boundaries, and after a
 * rollback took back appended entries. */
typedef struct memtree {
	uint8_t (*h)[32];
	int64_t n;
} memtree;

static int mem_read(void *ctx, int64_t i, uint8_t out[32])
{
	memtree *t = ctx;
	if (i < 0 || i >= t->n)
		return CU_ENOTFOUND;
	memcpy(out, t->h[i], 32);
	return 0;
}

static void proofs_equal_the_tree(fixture *f, int64_t size);

static void test_ledger__proofs_from_tiles_equal_the_tree(void **state)
{
	fixture *f = *state;
	cu_store *s = cu_core_store(f->c);
	int64_t size;
	grow(f, 1100);
	/* An appended batch that is rolled back leaves no trace in the cache. */
	cu_actor se;
	assert_int_equal(cu_actor_load(f->c, &se, "se"), 0);
	assert_int_equal(cu_store_begin(s), 0);
	for (int i = 0; i < 300; i++)
		assert_int_equal(cu_core_event(f->c, &se, "case.view", "case", "1", 1, 0, NULL, NULL),
		                 0);
	cu_store_rollback(s);
	assert_int_equal(cu_store_ledger_size(s, &size), 0);
	assert_int_equal(size, 1100);
	proofs_equal_the_tree(f, size);
	/* A new connection starts from the stored edge of level 1... */
	cu_core_config cfg = {.datadir = f->dir};
	cu_core_close(f->c);
	assert_int_equal(cu_core_open(&f->c, &cfg), 0);
	proofs_equal_the_tree(f, size);
	/* ...or, without it, from the tiles below. */
	tamper(f, "DELETE FROM ledger_edge");
	cu_core_close(f->c);
	assert_int_equal(cu_core_open(&f->c, &cfg), 0);
	proofs_equal_the_tree(f, size);
}

static void proofs_equal_the_tree(fixture *f, int64_t size)
{
	cu_store *s = cu_core_store(f->c);
	/* The tree in memory, from the entries. */
	memtree t = {calloc((size_t)cu_merkle_stored_count(size), 32), 0};
	json_t *rows, *row;
	size_t k;
	for (int64_t i = 0; i < size; i += 500) {
		assert_int_equal(cu_store_ledger_entries(s, &rows, i, 500), 0);
		json_array_foreach(rows, k, row) {
			uint8_t leaf[32], add[64][32];
			int count;
			const char *e = cu_json_str(row, "entry");
			cu_merkle_leaf(leaf, e, strlen(e));
			assert_int_equal(cu_merkle_append(add, &count, i + (int64_t)k, leaf,
			                                  mem_read, &t), 0);
			memcpy(t.h[t.n], add, (size_t)count * 32);
			t.n += count;
		}
		json_decref(rows);
	}
	int64_t sizes[] = {1, 2, 255, 256, 257, 511, 512, 513, 767, 768, 1000, 1023, 1024, 1099,
	                   1100};
	for (size_t a = 0; a < sizeof(sizes) / sizeof(sizes[0]); a++) {
		int64_t n = sizes[a];
		uint8_t want[CU_MERKLE_MAX_PROOF][32], got[CU_MERKLE_MAX_PROOF][32], r1[32], r2[32];
		int wl, gl;
		assert_int_equal(cu_merkle_root(r1, n, mem_read, &t), 0);
		assert_int_equal(cu_ledger_root(f->c, r2, n), 0);
		assert_memory_equal(r1, r2, 32);
		for (int64_t i = 0; i < n; i += (n > 64 ? 7 : 1)) {
			assert_int_equal(cu_merkle_inclusion(want, &wl, i, n, mem_read, &t), 0);
			assert_int_equal(cu_merkle_inclusion_nodes(got, &gl, i, n, cu_ledger_tree_node,
			                                           s, cu_ledger_tree_memo(s)), 0);
			assert_int_equal(wl, gl);
			assert_memory_equal(want, got, (size_t)wl * 32);
			if (i == 0)
				continue;
			assert_int_equal(cu_merkle_consistency(want, &wl, i, n, mem_read, &t), 0);
			assert_int_equal(cu_merkle_consistency_nodes(got, &gl, i, n,
			                                             cu_ledger_tree_node, s,
			                                             cu_ledger_tree_memo(s)), 0);
			assert_int_equal(wl, gl);
			assert_memory_equal(want, got, (size_t)wl * 32);
		}
	}
	/* The tiles served are the tree's level-0 and level-8 hashes. */
	uint8_t tile[256][32], h[32];
	assert_int_equal(cu_ledger_tile(f->c, tile, 0, 3, 256), 0);
	assert_int_equal(mem_read(&t, cu_merkle_stored_index(0, 768 + 5), h), 0);
	assert_memory_equal(tile[5], h, 32);
	assert_int_equal(cu_ledger_tile(f->c, tile, 0, 4, 1100 - 1024), 0);
	assert_int_equal(mem_read(&t, cu_merkle_stored_index(0, 1024 + 75), h), 0);
	assert_memory_equal(tile[75], h, 32);
	assert_int_equal(cu_ledger_tile(f->c, tile, 0, 4, 1100 - 1023), CU_ENOTFOUND);
	assert_int_equal(cu_ledger_tile(f->c, tile, 1, 0, 4), 0);
	assert_int_equal(mem_read(&t, cu_merkle_stored_index(8, 2), h), 0);
	assert_memory_equal(tile[2], h, 32);
	assert_int_equal(cu_ledger_tile(f->c, tile, 1, 0, 5), CU_ENOTFOUND);
	free(t.h);
}

static void test_ledger_tamper__rewritten_checkpoint_default(void **state)
{
	fixture *f = *state;
	json_t *cp;
	assert_int_equal(cu_ledger_checkpoint(f->c, &cp, false), 0);
	int64_t size = json_integer_value(json_object_get(cp, "size"));
	json_decref(cp);
	char sql[256];
	/* chr(10) on PostgreSQL, char(10) on SQLite: a newline. */
	snprintf(sql, sizeof(sql), "UPDATE checkpoints SET note = replace(note, %s(10) || '%lld'"
	         " || %s(10), %s(10) || '%lld' || %s(10)) WHERE size = %lld",
	         tdb_is_pg(f->dir) ? "chr" : "char", (long long)size, tdb_is_pg(f->dir) ? "chr" : "char",
	         tdb_is_pg(f->dir) ? "chr" : "char", (long long)size - 1,
	         tdb_is_pg(f->dir) ? "chr" : "char", (long long)size);
	tamper(f, sql);
	json_t *r = verify_log_only(f);
	assert_int_equal(first_bad(r), size);
	json_decref(r);
}

/* Whether the report lists a problem at idx. */
static bool has_problem(json_t *report, int64_t idx)
{
	size_t k;
	json_t *row;
	json_array_foreach(json_object_get(report, "problems"), k, row)
		if (json_integer_value(json_object_get(row, "index")) == idx)
			return true;
	return false;
}

/*
 * Verification reads the entries in batches of about a thousand and checks
 * them on two threads: over several batches and checkpoints, an edited record
 * deep in the ledger, a deleted stored tile and a rewritten checkpoint are each
 * found at their own index, and nothing else is.
 */
static void test_ledger_tamper__across_batches(void **state)
{
	fixture *f = *state;
	char sql[512];
	grow(f, 2000);
	grow(f, 3500);
	grow(f, 5000);
	json_t *r = verify(f);
	assert_true(json_is_true(json_object_get(r, "ok")));
	assert_true(json_integer_value(json_object_get(r, "size")) >= 5000);
	assert_true(json_integer_value(json_object_get(r, "checkpoints")) >= 3);
	json_decref(r);
	static const int64_t edited[] = {3300, 4700};
	for (int k = 0; k < 2; k++) {
		snprintf(sql, sizeof(sql), "UPDATE events SET actor = 'someone else' WHERE seq ="
		         " (SELECT ref FROM ledger_entries WHERE idx = %lld AND kind = 'event')",
		         (long long)edited[k]);
		tamper(f, sql);
	}
	/* Tile 0/9 holds leaves 2304-2559. */
	tamper(f, "DELETE FROM ledger_tiles WHERE level = 0 AND n = 9");
	r = verify(f);
	assert_int_equal(first_bad(r), 2559);
	assert_int_equal(json_array_size(json_object_get(r, "problems")), 3);
	assert_true(has_problem(r, 2559));
	assert_true(has_problem(r, 3300));
	assert_true(has_problem(r, 4700));
	json_decref(r);
	/* The checkpoint at 3500, one leaf longer: its root is not the tree's there. */
	snprintf(sql, sizeof(sql), "UPDATE checkpoints SET note = replace(note, %s(10) || '3500'"
	         " || %s(10), %s(10) || '3501' || %s(10)) WHERE size = 3500",
	         tdb_is_pg(f->dir) ? "chr" : "char", tdb_is_pg(f->dir) ? "chr" : "char",
	         tdb_is_pg(f->dir) ? "chr" : "char", tdb_is_pg(f->dir) ? "chr" : "char");
	tamper(f, sql);
	r = verify(f);
	assert_int_equal(json_array_size(json_object_get(r, "problems")), 4);
	assert_true(has_problem(r, 3500));
	json_decref(r);
}

/* ---- records without an entry: never adopted at open ---------------------- */

static void reopen(fixture *f)
{
	cu_core_config cfg = {.datadir = f->dir};
	cu_core_close(f->c);
	f->c = NULL;
	assert_int_equal(cu_core_open(&f->c, &cfg), 0);
}

static int64_t ledger_size(fixture *f)
{
	int64_t size;
	assert_int_equal(cu_store_ledger_size(cu_core_store(f->c), &size), 0);
	return size;
}

/* An insider's back-dated event, salt and all, straight into the table; its seq. */
static int64_t plant_event(fixture *f)
{
	int64_t seq;
	tdb_exec(f->dir,
	         "INSERT INTO events(at, actor, actor_org, action, object_type, object_id,"
	         " case_id, jit_id, before, after, salt) VALUES ('2026-01-02T03:04:05.000Z',"
	         " 'se', 'SE', 'case.participant_add', 'case', '1', 1, NULL, NULL,"
	         " '{\"name\":\"Planted Witness\"}', '00112233445566778899aabbccddeeff')",
	         false, NULL);
	tdb_exec(f->dir, "SELECT max(seq) FROM events", false, &seq);
	return seq;
}

/* Whether the report names record kind/ref as having no entry. */
static bool names_record(json_t *report, const char *kind, int64_t ref)
{
	char want[64];
	size_t k;
	json_t *row;
	snprintf(want, sizeof(want), "%s/%lld", kind, (long long)ref);
	json_array_foreach(json_object_get(report, "problems"), k, row)
		if (cu_json_str(row, "record") && !strcmp(cu_json_str(row, "record"), want) &&
		    strstr(cu_json_str(row, "problem"), "has no ledger entry"))
			return true;
	return false;
}

static bool meta_has(fixture *f, const char *key)
{
	char *v = NULL;
	int r = cu_store_meta_get(cu_core_store(f->c), &v, key);
	free(v);
	cu_error_clear();
	return r == 0;
}

static void test_ledger__init_marks_the_ledger_complete(void **state)
{
	fixture *f = *state;
	assert_true(meta_has(f, CU_LEDGER_COMPLETE));
}

/* A planted record is not given an entry by the next open, and verify names it. */
static void test_ledger_tamper__planted_record_not_adopted(void **state)
{
	fixture *f = *state;
	int64_t size = ledger_size(f);
	int64_t seq = plant_event(f);
	reopen(f);
	reopen(f);
	assert_int_equal(ledger_size(f), size);
	json_t *r = verify(f);
	assert_int_equal(first_bad(r), size);
	assert_true(names_record(r, "event", seq));
	json_decref(r);
	r = verify_log_only(f);
	assert_false(json_is_true(json_object_get(r, "ok")));
	assert_true(names_record(r, "event", seq));
	json_decref(r);
	/* Still not adopted after writes and a checkpoint on top. */
	grow(f, size + 3);
	r = verify(f);
	assert_true(names_record(r, "event", seq));
	json_decref(r);
}

/* Trailing entries taken away are not rebuilt at open: their records show. */
static void test_ledger_tamper__removed_trailing_entries_not_rebuilt(void **state)
{
	fixture *f = *state;
	int64_t size = ledger_size(f), ref, event;
	char sql[200];
	snprintf(sql, sizeof(sql), "SELECT ref FROM ledger_entries WHERE idx = %lld",
	         (long long)(size - 1));
	tdb_exec(f->dir, sql, false, &ref);
	snprintf(sql, sizeof(sql), "SELECT CASE kind WHEN 'event' THEN 1 ELSE 0 END"
	         " FROM ledger_entries WHERE idx = %lld", (long long)(size - 1));
	tdb_exec(f->dir, sql, false, &event);
	assert_true(ref > 0);
	snprintf(sql, sizeof(sql), "DELETE FROM ledger_entries WHERE idx >= %lld",
	         (long long)(size - 2));
	tamper(f, sql);
	reopen(f);
	assert_int_equal(ledger_size(f), size - 2);
	json_t *r = verify(f);
	assert_false(json_is_true(json_object_get(r, "ok")));
	assert_true(names_record(r, event ? "event" : "custody", ref));
	json_decref(r);
}

/* A store from before the mark (an upgrade) is caught up once, then never again. */
static void test_ledger__catch_up_once_for_an_unmarked_store(void **state)
{
	fixture *f = *state;
	int64_t size = ledger_size(f);
	tamper(f, "DELETE FROM meta WHERE key = '" CU_LEDGER_COMPLETE "'");
	plant_event(f);
	reopen(f);
	assert_true(meta_has(f, CU_LEDGER_COMPLETE));
	assert_int_equal(ledger_size(f), size + 1);
	json_t *r = verify(f);
	assert_true(json_is_true(json_object_get(r, "ok")));
	json_decref(r);
	int64_t seq = plant_event(f);
	reopen(f);
	assert_int_equal(ledger_size(f), size + 1);
	r = verify(f);
	assert_true(names_record(r, "event", seq));
	json_decref(r);
}

/* ---- witnesses: only the trusted, one cosignature each per checkpoint ------- */

/* A cosignature line by id (named name) of the checkpoint note at time ts. */
static char *cosign(const char *note, const char *name, const cu_identity *id, uint64_t ts)
{
	const char *sep = strstr(note, "\n\n");
	assert_non_null(sep);
	char *text = strndup(note, (size_t)(sep - note) + 1), *line = NULL;
	assert_int_equal(cu_cosign(&line, name, id, ts, text), 0);
	free(text);
	return line;
}

static int submit(fixture *f, int64_t size, const char *line, const char *vkey)
{
	json_t *in = json_pack("{s:I,s:s,s:s}", "size", (json_int_t)size, "cosignature", line,
	                       "witness_key", vkey), *out = NULL;
	int r = cu_ledger_cosignature_add(f->c, &out, in);
	json_decref(in);
	json_decref(out);
	cu_error_clear();
	return r;
}

/* How many times the published checkpoint carries line. */
static int published(fixture *f, const char *line)
{
	char *note = NULL;
	int n = 0;
	assert_int_equal(cu_ledger_published(f->c, &note), 0);
	for (const char *p = note; (p = strstr(p, line)) != NULL; p += strlen(line))
		n++;
	free(note);
	return n;
}

static void test_ledger__cosignatures_only_from_trusted_witnesses(void **state)
{
	fixture *f = *state;
	static const char name[] = "ICC-OTP-official-witness";
	cu_identity w;
	cu_actor admin, se;
	char vkey[300];
	json_t *cp, *out;
	cu_identity_new(&w);
	cu_cosig_vkey_format(vkey, name, w.pk);
	assert_int_equal(cu_actor_load(f->c, &admin, "admin"), 0);
	assert_int_equal(cu_actor_load(f->c, &se, "se"), 0);
	assert_int_equal(cu_ledger_checkpoint(f->c, &cp, true), 0);
	int64_t size = json_integer_value(json_object_get(cp, "size"));
	uint64_t now = (uint64_t)time(NULL);
	char *l1 = cosign(cu_json_str(cp, "note"), name, &w, now);
	/* A made-up witness, however well it signs, is refused and not published. */
	assert_int_equal(submit(f, size, l1, vkey), CU_EDENIED);
	assert_int_equal(published(f, l1), 0);
	/* Only an administrator of the operator configures the witnesses. */
	assert_int_equal(cu_ledger_witness_trust(f->c, &se, &out, vkey), CU_EDENIED);
	assert_int_equal(cu_ledger_witness_trust(f->c, &admin, &out, vkey), 0);
	json_decref(out);
	assert_int_equal(cu_ledger_witness_trust(f->c, &admin, &out, vkey), CU_EEXISTS);
	/* Another key under a trusted name is no witness of this log. */
	cu_identity other;
	char okey[300];
	cu_identity_new(&other);
	cu_cosig_vkey_format(okey, name, other.pk);
	char *lo = cosign(cu_json_str(cp, "note"), name, &other, now);
	assert_int_equal(cu_ledger_witness_trust(f->c, &admin, &out, okey), CU_EEXISTS);
	/* The checkpoint did not change: the events went in after its size. */
	assert_int_equal(submit(f, size, lo, okey), CU_EDENIED);
	/* Trusted: accepted and published, once. */
	assert_int_equal(submit(f, size, l1, vkey), 0);
	assert_int_equal(submit(f, size, l1, vkey), 0); /* the same again: no change */
	json_t *latest;
	assert_int_equal(cu_store_checkpoint_latest(cu_core_store(f->c), &latest), 0);
	bool is_latest = json_integer_value(json_object_get(latest, "size")) == size;
	json_decref(latest);
	if (!is_latest) { /* the events above grew the tree: cosign its new checkpoint */
		json_decref(cp);
		assert_int_equal(cu_ledger_checkpoint(f->c, &cp, true), 0);
		size = json_integer_value(json_object_get(cp, "size"));
		free(l1);
		l1 = cosign(cu_json_str(cp, "note"), name, &w, now);
		assert_int_equal(submit(f, size, l1, vkey), 0);
	}
	assert_int_equal(published(f, l1), 1);
	/* One per witness and checkpoint: a later one replaces it, an earlier
	 * one (or another of the same time) is refused. */
	char *l2 = cosign(cu_json_str(cp, "note"), name, &w, now + 10);
	char *l0 = cosign(cu_json_str(cp, "note"), name, &w, now - 10);
	assert_int_equal(submit(f, size, l2, vkey), 0);
	assert_int_equal(published(f, l2), 1);
	assert_int_equal(published(f, l1), 0);
	assert_int_equal(submit(f, size, l0, vkey), CU_ECONFLICT);
	assert_int_equal(submit(f, size, l1, vkey), CU_ECONFLICT);
	assert_int_equal(published(f, l2), 1);
	/* Rows put in around custodia for a witness never trusted are not published. */
	char sql[600];
	cu_identity planted;
	char pkey[300];
	cu_identity_new(&planted);
	cu_cosig_vkey_format(pkey, "planted-witness", planted.pk);
	char *lp = cosign(cu_json_str(cp, "note"), "planted-witness", &planted, now);
	snprintf(sql, sizeof(sql), "INSERT INTO cosignatures(size, witness, line, at) VALUES"
	         " (%lld, '%s', '%s', '2026-01-01T00:00:00.000Z')", (long long)size, pkey, lp);
	tamper(f, sql);
	assert_int_equal(published(f, lp), 0);
	/* Removed: no longer published, no longer accepted. */
	assert_int_equal(cu_ledger_witness_untrust(f->c, &admin, &out, name), 0);
	json_decref(out);
	assert_int_equal(cu_ledger_witness_untrust(f->c, &admin, &out, name), CU_ENOTFOUND);
	cu_error_clear();
	assert_int_equal(published(f, l2), 0);
	assert_int_equal(submit(f, size, l2, vkey), CU_EDENIED);
	assert_int_equal(cu_ledger_witnesses(f->c, &out), 0);
	assert_int_equal(json_array_size(out), 0);
	json_decref(out);
	free(l0);
	free(l1);
	free(l2);
	free(lo);
	free(lp);
	json_decref(cp);
	cu_identity_wipe(&w);
	cu_identity_wipe(&other);
	cu_identity_wipe(&planted);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_ledger__every_record_has_its_entry),
		T(test_ledger__proofs_verify_against_the_checkpoint),
		T(test_ledger__proofs_at_a_checkpoint_while_another_appends),
		T(test_ledger_tamper__edited_custody_row),
		T(test_ledger_tamper__deleted_event),
		T(test_ledger_tamper__swapped_hash),
		T(test_ledger_tamper__rewritten_checkpoint),
		T(test_ledger_tamper__log_only_finds_hashes_and_checkpoints),
		T(test_ledger_tamper__flipped_byte_in_an_entry),
		T(test_ledger_tamper__edited_record_log_only_passes),
		T(test_ledger_tamper__edited_custody_details),
		T(test_ledger_tamper__edited_event_details),
		T(test_ledger__evidence_register_needs_a_numeric_id),
		T(test_ledger_tamper__retyped_and_nul_values),
		T(test_ledger__fast_record_equals_jansson),
		T(test_ledger_tamper__deleted_record_found_by_count),
		T(test_ledger_tamper__flipped_byte_right_of_the_tiles),
		T(test_ledger_tamper__missing_stored_tile),
		T(test_ledger_tamper__extra_stored_tile),
		T(test_ledger_tamper__edited_stored_edge),
		T(test_ledger__proofs_from_tiles_equal_the_tree),
		T(test_ledger_tamper__rewritten_checkpoint_default),
		T(test_ledger_tamper__across_batches),
		T(test_ledger__init_marks_the_ledger_complete),
		T(test_ledger_tamper__planted_record_not_adopted),
		T(test_ledger_tamper__removed_trailing_entries_not_rebuilt),
		T(test_ledger__catch_up_once_for_an_unmarked_store),
		T(test_ledger__cosignatures_only_from_trusted_witnesses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
