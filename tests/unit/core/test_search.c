/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tests: what users type into a search box, through the core API on the demo
 * data. Whatever it is, cu_search answers, or says that the query has no word
 * in it: it never passes FTS5's own syntax errors on (src/core/search.c,
 * read_query).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"
#include "crypto/crypto.h"
#include "testutil.h"

typedef struct fixture {
	char *tmp, *dir;
	cu_core *c;
	cu_actor se;
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
	assert_int_equal(cu_actor_load(f->c, &f->se, "se"), 0);
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

/* The query as read, or NULL when refused (then *rc says why). */
static char *read_as(fixture *f, const char *q, int *rc)
{
	json_t *out = NULL;
	cu_search_params p = {.q = q};
	*rc = cu_search(f->c, &f->se, &out, &p);
	char *s = *rc ? NULL : strdup(json_string_value(json_object_get(out, "query")));
	json_decref(out);
	return s;
}

static void expect_read(fixture *f, const char *q, const char *want)
{
	int rc;
	char *got = read_as(f, q, &rc);
	if (!got || strcmp(got, want))
		fail_msg("%s: read as %s (%d: %s), expected %s", q, got ? got : "nothing", rc,
		         rc ? cu_error_message(rc) : "", want);
	free(got);
}

static void test_core_search__reading(void **state)
{
	fixture *f = *state;
	int rc;
	expect_read(f, "Djordjevic", "Djordjevic");
	expect_read(f, "2026/0001", "\"2026/0001\"");
	expect_read(f, "Djordjevic, Marko", "\"Djordjevic,\" Marko");
	expect_read(f, "\"protected witness", "\"protected witness\"");
	/* "" inside a phrase is a quote of it; alone, an empty phrase, left out */
	expect_read(f, "say \"a \"\"quoted\"\" word\"", "say \"a \"\"quoted\"\" word\"");
	expect_read(f, "say \"\"hi\"\"", "say hi");
	expect_read(f, "(Djordjevic", "Djordjevic");
	expect_read(f, "(a OR b) NOT c", "( a OR b ) NOT c");
	expect_read(f, "Djordjevic AND", "\"Djordjevic\"");
	expect_read(f, "Djordjevic -Architect", "Djordjevic NOT Architect");
	/* NOT and -word after AND exclude; with nothing before them, refused (read as
	 * words they would find what they were to leave out) */
	expect_read(f, "Djordjevic AND NOT Architect", "Djordjevic NOT Architect");
	expect_read(f, "Djordjevic AND -Architect", "Djordjevic NOT Architect");
	expect_read(f, "(a OR b) AND NOT c", "( a OR b ) NOT c");
	static const char *const lone[] = {"-Architect", "NOT Architect", "AND NOT Architect",
	                                   "a OR NOT b", "a OR -b", "(NOT a)"};
	for (size_t i = 0; i < sizeof(lone) / sizeof(lone[0]); i++) {
		char *got = read_as(f, lone[i], &rc);
		if (got || rc != CU_EINVALID || !strstr(cu_error_message(rc), "leave out"))
			fail_msg("%s: read as %s (%d: %s), expected a refusal", lone[i],
			         got ? got : "nothing", rc, rc ? cu_error_message(rc) : "");
	}
	expect_read(f, "title:Djordj*", "title:Djordj*");
	expect_read(f, "title:\"a b\"", "title: \"a b\"");
	expect_read(f, "body:2026/0001", "body:\"2026/0001\"");
	/* NEAR of two phrases: FTS5 does it; on PostgreSQL it is refused, saying
	 * so, not searched as words */
	if (getenv("CUSTODIA_DB")) {
		char *near = read_as(f, "NEAR(Djordjevic Architect, 5)", &rc);
		assert_null(near);
		assert_int_equal(rc, CU_EINVALID);
		assert_non_null(strstr(cu_error_message(rc), "not available"));
	} else {
		expect_read(f, "NEAR(Djordjevic Architect, 5)", "NEAR(Djordjevic Architect, 5)");
	}
	expect_read(f, "NEAR(Djordjevic", "NEAR Djordjevic");
	expect_read(f, "- -- * ^ Djordjevic", "Djordjevic");
	char *none = read_as(f, "\"\" () - *", &rc);
	assert_null(none);
	assert_int_equal(rc, CU_EINVALID);
	assert_non_null(strstr(cu_error_message(rc), "no word"));
}

/*
 * Queries put together at random from what people type and what FTS5 reads
 * as syntax: each is answered, or refused for having no word (or only an
 * exclusion); FTS5's syntax
 * errors ("syntax error near", "no such column", "unterminated string")
 * never reach the user.
 */
static void test_core_search__anything_typed(void **state)
{
	fixture *f = *state;
	static const char *const parts[] = {
		"Djordjevic", "Ђорђевић", "2026/0001", "AM-48213-26", "北京", "x", "o'connor",
		"\"", "\"\"", "(", ")", "AND", "OR", "NOT", "NEAR(", "NEAR", ",", "*", "^", "-",
		"+", ":", "title:", "body:", "-title:", "{", "}", "'", "%", "#", "\\", "@", ".",
		" ", " ", " ", "\t",
	};
	const size_t nparts = sizeof(parts) / sizeof(parts[0]);
	uint32_t seed = 20261128;
	int answered = 0, empty = 0;
	for (int round = 0; round < 2000; round++) {
		char q[256];
		size_t o = 0;
		seed = seed * 1103515245u + 12345u;
		int n = 1 + (int)((seed >> 16) % 8);
		for (int k = 0; k < n; k++) {
			seed = seed * 1103515245u + 12345u;
			const char *p = parts[(seed >> 8) % nparts];
			size_t l = strlen(p);
			if (o + l + 1 >= sizeof(q))
				break;
			memcpy(q + o, p, l);
			o += l;
		}
		q[o] = 0;
		if (!q[strspn(q, " \t")])
			continue; /* blank: refused before reading, as an empty query */
		json_t *out = NULL;
		cu_search_params p = {.q = q, .limit = 5};
		int rc = cu_search(f->c, &f->se, &out, &p);
		if (rc == 0) {
			answered++;
			assert_non_null(json_string_value(json_object_get(out, "query")));
		} else if (rc == CU_EINVALID && (strstr(cu_error_message(rc), "no word") ||
		                                 strstr(cu_error_message(rc), "leave out"))) {
			empty++;
		} else {
			fail_msg("[%s]: %d %s", q, rc, cu_error_message(rc));
		}
		json_decref(out);
	}
	/* Most have a word; some have none. */
	if (answered <= 1400)
		fail_msg("%d answered, %d refused", answered, empty);
	assert_true(empty > 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_core_search__reading),
		cmocka_unit_test(test_core_search__anything_typed),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
