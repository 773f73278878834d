/* SPDX-License-Identifier: Apache-2.0 */
/* tests: the SQLite store — files, migrations, derived need-to-know rows, events. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "store/store.h"
#include "testdb.h"
#include "testutil.h"

typedef struct fixture {
	char *tmp, *dir;
	cu_store *s;
	int64_t se, rs, fr;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	f->dir = tu_datadir(&f->tmp);
	mkdir(f->dir, 0700);
	assert_int_equal(cu_store_open(&f->s, f->dir, true), 0);
	assert_int_equal(cu_store_begin(f->s), 0);
	assert_int_equal(cu_store_crime_type_add(f->s, "fraud", "Fraud"), 0);
	assert_int_equal(cu_store_org_insert(f->s, &f->se, "SE", "national_member", "SE", "SE desk"), 0);
	assert_int_equal(cu_store_org_insert(f->s, &f->rs, "RS", "liaison_prosecutor", "RS", "RS"), 0);
	assert_int_equal(cu_store_org_insert(f->s, &f->fr, "FR", "national_member", "FR", "FR desk"), 0);
	assert_int_equal(cu_store_commit(f->s), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	cu_store_close(f->s);
	free(f->dir);
	tu_rmdir(f->tmp);
	free(f);
	return 0;
}

static int64_t new_case(fixture *f, const char *title, int64_t owner)
{
	char ref[16];
	int64_t id;
	assert_int_equal(cu_store_begin(f->s), 0);
	assert_int_equal(cu_store_case_next_reference(f->s, ref, 2026), 0);
	json_t *c = json_pack("{s:s,s:s,s:s,s:I,s:s,s:s,s:[s]}", "reference", ref, "title", title,
	                      "status", "open", "requesting_org_id", (json_int_t)owner, "opened_on",
	                      "2026-01-02", "created_at", "2026-01-02T00:00:00.000Z", "crime_types",
	                      "fraud");
	assert_int_equal(cu_store_case_insert(f->s, &id, c), 0);
	assert_int_equal(cu_store_participant_set(f->s, id, owner, "owner", "N-1", "t"), 0);
	assert_int_equal(cu_store_commit(f->s), 0);
	json_decref(c);
	return id;
}

static void test_store_files__private_wal(void **state)
{
	fixture *f = *state;
	char path[512];
	struct stat st;
	if (tdb_is_pg(f->dir)) {
		/* PostgreSQL: what is on disk here is the URL, which may carry a
		 * password: as private as the SQLite file would be. */
		snprintf(path, sizeof(path), "%s/database", f->dir);
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
		assert_true(cu_store_is_pg(f->s));
		assert_int_equal(cu_store_schema_version(f->s), cu_store_schema_latest());
		return;
	}
	snprintf(path, sizeof(path), "%s/custodia.db", f->dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	sqlite3 *db;
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(q, 0), "wal");
	sqlite3_finalize(q);
	sqlite3_close(db);
	assert_false(cu_store_is_pg(f->s));
	assert_int_equal(cu_store_schema_version(f->s), cu_store_schema_latest());
}

static void test_store_open__missing_refused(void **state)
{
	(void)state;
	cu_store *s = NULL;
	assert_int_equal(cu_store_open(&s, "/nonexistent/custodia", false), CU_ENOTFOUND);
	assert_null(s);
}

static void test_store_schema__newer_refused(void **state)
{
	fixture *f = *state;
	tdb_exec(f->dir, tdb_is_pg(f->dir) ? "UPDATE schema_version SET version = 99"
	                                   : "PRAGMA user_version = 99", false, NULL);
	cu_store *s = NULL;
	assert_int_equal(cu_store_open(&s, f->dir, false), CU_ESCHEMA);
	assert_non_null(strstr(cu_error_message(CU_ESCHEMA), "99"));
	assert_null(s);
}

static void test_store_keys__foreign_and_unique(void **state)
{
	fixture *f = *state;
	assert_int_equal(cu_store_user_insert(f->s, NULL, "x", 9999, "prosecutor", NULL, "h"),
	                 CU_EINVALID);
	assert_int_equal(cu_store_org_insert(f->s, NULL, "SE", "national_member", "SE", "dup"),
	                 CU_EEXISTS);
	assert_int_equal(cu_store_org_insert(f->s, NULL, "XX", "planet", NULL, "bad kind"),
	                 CU_EINVALID);
}

static void test_store_events__append_only(void **state)
{
	fixture *f = *state;
	cu_event ev = {"2026-01-01T00:00:00.000Z", "u", "SE", "test.do", "t", "1", 0, 0, NULL,
	               "{\"k\":\"v\"}", "00112233445566778899aabbccddeeff"};
	int64_t seq = 0;
	assert_int_equal(cu_store_event_append(f->s, &seq, &ev), 0);
	assert_true(seq > 0);
	char path[512];
	sqlite3 *db;
	snprintf(path, sizeof(path), "%s/custodia.db", f->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "UPDATE events SET action = 'x'", NULL, NULL, NULL),
	                     SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM events", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	json_t *list;
	assert_int_equal(cu_store_event_list(f->s, &list, 0, 0, 0, 10), 0);
	assert_int_equal(json_array_size(list), 1);
	assert_string_equal(cu_json_str(json_object_get(json_array_get(list, 0), "after"), "k"), "v");
	json_decref(list);
}

static void test_store_txn__nested_rollback(void **state)
{
	fixture *f = *state;
	assert_int_equal(cu_store_begin(f->s), 0);
	assert_int_equal(cu_store_org_insert(f->s, NULL, "AA", "network", NULL, "outer"), 0);
	assert_int_equal(cu_store_begin(f->s), 0);
	assert_int_equal(cu_store_org_insert(f->s, NULL, "BB", "network", NULL, "inner"), 0);
	cu_store_rollback(f->s);
	/* An inner failure dooms the whole transaction. */
	assert_int_not_equal(cu_store_commit(f->s), 0);
	json_t *o = NULL;
	assert_int_equal(cu_store_org_get(f->s, &o, 0, "AA"), CU_ENOTFOUND);
	assert_int_equal(cu_store_org_get(f->s, &o, 0, "BB"), CU_ENOTFOUND);
}

static void test_store_case__reference_sequence(void **state)
{
	fixture *f = *state;
	char a[16], b[16], c[16];
	assert_int_equal(cu_store_case_next_reference(f->s, a, 2026), 0);
	assert_int_equal(cu_store_case_next_reference(f->s, b, 2026), 0);
	assert_int_equal(cu_store_case_next_reference(f->s, c, 2027), 0);
	assert_string_equal(a, "2026/0001");
	assert_string_equal(b, "2026/0002");
	assert_string_equal(c, "2027/0001");
}

static void test_store_case__access_follows_participants(void **state)
{
	fixture *f = *state;
	int64_t id = new_case(f, "A", f->se);
	int level = -1;
	char until[11];
	assert_int_equal(cu_store_case_access(f->s, &level, until, id, f->se), 0);
	assert_int_equal(level, 3);
	assert_int_equal(cu_store_case_access(f->s, &level, until, id, f->rs), CU_ENOTFOUND);
	assert_int_equal(cu_store_participant_set(f->s, id, f->rs, "observer", "KTO-1", "t"), 0);
	assert_int_equal(cu_store_case_access(f->s, &level, until, id, f->rs), 0);
	assert_int_equal(level, 1);
	assert_string_equal(until, "");
	/* The document shows the new participant and its national number. */
	json_t *doc;
	assert_int_equal(cu_store_case_get(f->s, &doc, id), 0);
	assert_int_equal(json_array_size(json_object_get(doc, "participants")), 2);
	json_decref(doc);
	int64_t found = 0;
	assert_int_equal(cu_store_case_find(f->s, &found, "KTO-1", f->rs), 0);
	assert_int_equal(found, id);
	assert_int_equal(cu_store_case_find(f->s, &found, "KTO-1", f->fr), CU_ENOTFOUND);
	assert_int_equal(cu_store_participant_remove(f->s, id, f->rs), 0);
	assert_int_equal(cu_store_case_access(f->s, &level, until, id, f->rs), CU_ENOTFOUND);
}

static void test_store_case__access_through_jit(void **state)
{
	fixture *f = *state;
	int64_t id = new_case(f, "A", f->se), jit;
	json_t *j = json_pack("{s:s,s:s,s:s,s:s}", "name", "JIT", "signed_on", "2026-01-01",
	                      "expires_on", "2027-01-01", "created_at", "t");
	assert_int_equal(cu_store_jit_insert(f->s, &jit, j), 0);
	json_decref(j);
	assert_int_equal(cu_store_jit_member_set(f->s, jit, f->fr, "participant"), 0);
	int level = -1;
	char until[11];
	assert_int_equal(cu_store_case_access(f->s, &level, until, id, f->fr), CU_ENOTFOUND);
	assert_int_equal(cu_store_jit_case_link(f->s, jit, id), 0);
	assert_int_equal(cu_store_case_access(f->s, &level, until, id, f->fr), 0);
	assert_int_equal(level, 0);
	assert_string_equal(until, "2027-01-01");
	assert_int_equal(cu_store_jit_extend(f->s, jit, "2028-01-01", "more time", "t", "u"), 0);
	assert_int_equal(cu_store_case_access(f->s, &level, until, id, f->fr), 0);
	assert_string_equal(until, "2028-01-01");
	bool vis = false;
	char role[16];
	assert_int_equal(cu_store_jit_access(f->s, &vis, role, jit, f->fr), 0);
	assert_true(vis);
	assert_string_equal(role, "participant");
	assert_int_equal(cu_store_jit_access(f->s, &vis, role, jit, f->rs), 0);
	assert_false(vis);
}

static void test_store_case__list_pages(void **state)
{
	fixture *f = *state;
	for (int i = 0; i < 7; i++)
		new_case(f, i % 2 ? "odd Fraud" : "even", f->se);
	cu_case_filter filt = {.limit = 3};
	int64_t seen = 0, next = 0;
	int pages = 0, count;
	do {
		cu_buf b;
		cu_buf_init(&b, 0);
		cu_buf_puts(&b, "[");
		assert_int_equal(cu_store_case_list(f->s, &b, &next, &count, f->se, &filt), 0);
		cu_buf_puts(&b, "]");
		json_t *a = json_loads(b.data, 0, NULL);
		assert_non_null(a);
		assert_int_equal((int)json_array_size(a), count);
		seen += count;
		json_decref(a);
		cu_buf_free(&b);
		filt.after = next;
		pages++;
	} while (next);
	assert_int_equal(seen, 7);
	assert_int_equal(pages, 3);
	/* Filters: title search, and another organisation sees nothing. */
	cu_case_filter q = {.limit = 50, .q = "odd"};
	cu_buf b;
	cu_buf_init(&b, 0);
	assert_int_equal(cu_store_case_list(f->s, &b, &next, &count, f->se, &q), 0);
	assert_int_equal(count, 3);
	cu_buf_free(&b);
	cu_case_filter all = {.limit = 50};
	cu_buf_init(&b, 0);
	assert_int_equal(cu_store_case_list(f->s, &b, &next, &count, f->fr, &all), 0);
	assert_int_equal(count, 0);
	cu_buf_free(&b);
}

/* Candidates share a key and live in other cases; a key more than block_max
 * entities share is not used; hits keep one row per pair and lapse. */
static void test_store_entities__candidates_and_hits(void **state)
{
	fixture *f = *state;
	int64_t a = new_case(f, "A", f->se), b = new_case(f, "B", f->rs), mine, id;
	json_t *attrs = json_object(), *kcommon = json_pack("[s]", "common"),
	       *kboth = json_pack("[s,s]", "common", "rare");
	assert_int_equal(cu_store_begin(f->s), 0);
	assert_int_equal(cu_store_entity_insert(f->s, &mine, a, "person", "me", attrs, "x", 1, NULL,
	                                        "u", "t"), 0);
	for (int i = 0; i < 300; i++) {
		assert_int_equal(cu_store_entity_insert(f->s, &id, i < 299 ? b : a, "person", "p",
		                                        attrs, "x", 1, NULL, "u", "t"), 0);
		assert_int_equal(cu_store_entity_keys_set(f->s, id, i == 0 ? kboth : kcommon), 0);
	}
	int64_t first = id - 299;
	assert_int_equal(cu_store_commit(f->s), 0);
	int64_t *ids;
	size_t n;
	/* 300 share "common": beyond a block of 256 it is not used; "rare" is. */
	assert_int_equal(cu_store_entity_candidates(f->s, &ids, &n, a, kboth, 1000, 256), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], first);
	free(ids);
	/* Under a larger block limit: the 299 of case B, none of case A's own. */
	assert_int_equal(cu_store_entity_candidates(f->s, &ids, &n, a, kboth, 1000, 1000), 0);
	assert_int_equal(n, 299);
	assert_int_equal(ids[0], first); /* two keys shared: first */
	free(ids);
	assert_int_equal(cu_store_entity_candidates(f->s, &ids, &n, a, kboth, 10, 1000), 0);
	assert_int_equal(n, 10);
	free(ids);

	cu_hit_row h = {.entity_a = mine, .entity_b = first, .case_a = a, .case_b = b,
	                .version_a = 1, .version_b = 1, .score = 0.9, .attr = "name",
	                .explanation = "name 0.90"};
	json_t *got = NULL;
	assert_int_equal(cu_store_begin(f->s), 0);
	assert_int_equal(cu_store_hit_insert(f->s, &h.id, &h, "t"), 0);
	int64_t dup;
	assert_int_equal(cu_store_hit_insert(f->s, &dup, &h, "t"), CU_EEXISTS);
	cu_hit_row same_case = h;
	same_case.case_b = a;
	assert_int_not_equal(cu_store_hit_insert(f->s, &dup, &same_case, "t"), 0);
	assert_int_equal(cu_store_hit_review(f->s, h.id, 'a', "dismissed", "u", "no", "t"), 0);
	/* Same versions: the dismissal stays; a changed entity reopens it. */
	assert_int_equal(cu_store_hit_update(f->s, &h, false, "t"), 0);
	assert_int_equal(cu_store_hit_pair(f->s, &got, mine, first), 0);
	assert_string_equal(json_string_value(json_object_get(got, "review_a")), "dismissed");
	json_decref(got);
	h.version_a = 2;
	assert_int_equal(cu_store_hit_update(f->s, &h, true, "t"), 0);
	assert_int_equal(cu_store_hit_pair(f->s, &got, mine, first), 0);
	assert_string_equal(json_string_value(json_object_get(got, "review_a")), "new");
	json_decref(got);
	assert_int_equal(cu_store_hit_lapse(f->s, h.id, 3, 1, "t"), 0);
	assert_int_equal(cu_store_commit(f->s), 0);
	assert_int_equal(cu_store_hit_list(f->s, &got, f->se, 0, 100), 0);
	assert_int_equal(json_array_size(got), 0); /* lapsed: not listed */
	json_decref(got);
	json_decref(attrs);
	json_decref(kcommon);
	json_decref(kboth);
}

/*
 * The tokenizer's cache of Latin forms: a word is normalised once however
 * often it comes, and with more distinct words than the cache has slots
 * (each new word takes another's) every word is still indexed under its own
 * form. The word function here writes "e" and the digits of "é<digits>".
 */
static long word_calls;

static int fake_word(char *out, size_t outsz, const char *w, size_t n, bool *proper)
{
	word_calls++;
	*proper = false;
	if (n < 3 || memcmp(w, "\xc3\xa9", 2) != 0 || n - 1 >= outsz)
		return -1;
	out[0] = 'e';
	memcpy(out + 1, w + 2, n - 2);
	out[n - 1] = 0;
	return (int)n - 1;
}

static void test_store_search__word_cache(void **state)
{
	fixture *f = *state;
	int64_t id = new_case(f, "A", f->se);
	cu_store_set_word_fn(fake_word);
	enum { DOCS = 200, WORDS = 500 }; /* 100,000 distinct words: more than the slots */
	cu_buf body;
	cu_buf_init(&body, 0);
	assert_int_equal(cu_store_begin(f->s), 0);
	long before = word_calls;
	cu_search_doc d = {.kind = "evidence", .case_id = id, .title = "t", .ref_id = 1,
	                   .body = "\xc3\xa9" "7 x \xc3\xa9" "7 \xc3\xa9" "7 \xc3\xa9" "7"};
	assert_int_equal(cu_store_search_put(f->s, &d), 0);
	assert_int_equal(word_calls - before, 1); /* four times the word, normalised once */
	for (int k = 0; k < DOCS; k++) {
		body.len = 0;
		for (int w = 0; w < WORDS; w++) {
			char word[32];
			snprintf(word, sizeof(word), "\xc3\xa9%d ", 100000 + k * WORDS + w);
			cu_buf_puts(&body, word);
		}
		d = (cu_search_doc){.kind = "evidence", .case_id = id, .title = "t", .ref_id = 100 + k,
		                    .body = body.data, .body_len = body.len};
		assert_int_equal(cu_store_search_put(f->s, &d), 0);
	}
	assert_int_equal(cu_store_commit(f->s), 0);
	cu_buf_free(&body);
	for (int k = 0; k < DOCS; k += 7) {
		for (int w = k % 5; w < WORDS; w += 97) {
			char q[32];
			snprintf(q, sizeof(q), "e%d", 100000 + k * WORDS + w);
			cu_search_query sq = {.q = q, .org_id = f->se, .today = "2026-01-02", .limit = 10};
			json_t *out;
			assert_int_equal(cu_store_search(f->s, &out, &sq), 0);
			json_t *items = json_object_get(out, "items");
			if (json_integer_value(json_object_get(out, "total")) != 1 ||
			    json_integer_value(json_object_get(json_array_get(items, 0), "ref_id")) != 100 + k)
				fail_msg("%s: not found in document %d alone", q, 100 + k);
			json_decref(out);
		}
	}
	cu_store_set_word_fn(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_store_files__private_wal, setup, teardown),
		cmocka_unit_test(test_store_open__missing_refused),
		cmocka_unit_test_setup_teardown(test_store_schema__newer_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_keys__foreign_and_unique, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_events__append_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_txn__nested_rollback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_case__reference_sequence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_case__access_follows_participants, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_store_case__access_through_jit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_case__list_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_search__word_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_entities__candidates_and_hits, setup,
		                                teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
