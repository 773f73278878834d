/* SPDX-License-Identifier: Apache-2.0 */
/* util tests: the error codes, their fixed numbers and names, and the thread-local detail. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "util/util.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The numbers and names are an interface (logs, scripts, JSON errors): never changed. */
static const struct code_row {
	int code, number;
	const char *name, *text;
} code_rows[] = {
	{CU_OK, 0, "ok", "success"},
	{CU_EINVALID, -1, "invalid", "invalid input"},
	{CU_ENOTFOUND, -2, "not_found", "not found"},
	{CU_EEXISTS, -3, "exists", "already exists"},
	{CU_EDENIED, -4, "forbidden", "not allowed"},
	{CU_ECONFLICT, -5, "conflict", "conflicts with the current state"},
	{CU_EVERIFY, -6, "verify_failed", "verification failed"},
	{CU_ETOOBIG, -7, "too_large", "too large"},
	{CU_ENOMEM, -8, "no_memory", "out of memory"},
	{CU_EIO, -9, "io_error", "input/output error"},
	{CU_EDB, -10, "database_error", "database error"},
	{CU_ECRYPTO, -11, "crypto_error", "cryptographic failure"},
	{CU_EAUTH, -12, "unauthenticated", "authentication required"},
	{CU_ESCHEMA, -13, "schema_newer", "database schema is newer than this program"},
	{CU_ERANGE, -14, "range_not_satisfiable", "the range is outside the content"},
	{CU_EUNAVAILABLE, -15, "unavailable", "the database cannot be reached now; try again"},
	{CU_ENOSPACE, -16, "insufficient_storage", "the server's storage is full; try again once "
	 "an operator has freed space"},
	{CU_ELIMIT, -17, "rate_limited", "too many attempts; try again later"},
	{CU_EINTERNAL, -18, "internal", "internal error"},
	{CU_EINTR, -19, "interrupted", "interrupted"},
};

static void test_util_err__codes_names_and_texts(void **state)
{
	(void)state;
	int bad = 0;
	for (size_t i = 0; i < N(code_rows); i++) {
		const struct code_row *r = &code_rows[i];
		if (r->code != r->number || strcmp(cu_errname(r->code), r->name) != 0 ||
		    strcmp(cu_strerror(r->code), r->text) != 0) {
			print_error("code %d: name \"%s\" text \"%s\"; want %d \"%s\" \"%s\"\n",
			            r->code, cu_errname(r->code), cu_strerror(r->code),
			            r->number, r->name, r->text);
			bad++;
		}
		/* Names are unique. */
		for (size_t j = 0; j < i; j++)
			if (!strcmp(cu_errname(code_rows[j].code), cu_errname(r->code)))
				bad++;
	}
	assert_int_equal(bad, 0);
}

static void test_util_err__unknown_codes(void **state)
{
	(void)state;
	static const int rows[] = {1, 42, -20, -99, INT32_MIN, INT32_MAX};
	for (size_t i = 0; i < N(rows); i++) {
		assert_string_equal(cu_errname(rows[i]), "internal");
		assert_string_equal(cu_strerror(rows[i]), "internal error");
	}
}

static void test_util_err__set_returns_code_and_formats(void **state)
{
	(void)state;
	cu_error_clear();
	assert_string_equal(cu_error_message(CU_EINVALID), "invalid input");
	assert_int_equal(cu_error_set(CU_EINVALID, "field \"%s\" is %d bytes", "title", 301),
	                 CU_EINVALID);
	assert_string_equal(cu_error_message(CU_EINVALID), "field \"title\" is 301 bytes");
	/* The detail belongs to its code: another code gets its generic text. */
	assert_string_equal(cu_error_message(CU_ENOTFOUND), "not found");
	assert_string_equal(cu_error_message(CU_EINVALID), "field \"title\" is 301 bytes");
	/* A later error replaces the detail. */
	assert_int_equal(cu_error_set(CU_ENOTFOUND, "no case \"%s\"", "2026/0001"), CU_ENOTFOUND);
	assert_string_equal(cu_error_message(CU_ENOTFOUND), "no case \"2026/0001\"");
	assert_string_equal(cu_error_message(CU_EINVALID), "invalid input");
	cu_error_clear();
	assert_string_equal(cu_error_message(CU_ENOTFOUND), "not found");
	/* An empty detail falls back to the generic text. */
	cu_error_set(CU_EDENIED, "%s", "");
	assert_string_equal(cu_error_message(CU_EDENIED), "not allowed");
	/* A detail with % characters is printed as given by the format. */
	cu_error_set(CU_EINVALID, "%s", "100% sure %s %n");
	assert_string_equal(cu_error_message(CU_EINVALID), "100% sure %s %n");
	/* Unknown codes still return themselves. */
	assert_int_equal(cu_error_set(77, "odd"), 77);
	assert_string_equal(cu_error_message(77), "odd");
	cu_error_clear();
	assert_string_equal(cu_error_message(77), "internal error");
}

/* A very long detail is truncated, not overflowed, and stays a valid string. */
static void test_util_err__long_message_truncated(void **state)
{
	(void)state;
	char big[4000];
	memset(big, 'm', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cu_error_set(CU_EINVALID, "start %s end", big);
	const char *m = cu_error_message(CU_EINVALID);
	assert_true(strlen(m) > 100 && strlen(m) < sizeof(big));
	assert_memory_equal(m, "start mmm", 9);
	assert_null(strstr(m, "end"));
	cu_error_clear();
}

static void *other_thread(void *arg)
{
	(void)arg;
	static char seen[128];
	/* A new thread starts with no detail. */
	snprintf(seen, sizeof(seen), "%s", cu_error_message(CU_EINVALID));
	cu_error_set(CU_EINVALID, "set in the other thread");
	return seen;
}

static void test_util_err__detail_is_thread_local(void **state)
{
	(void)state;
	pthread_t t;
	void *seen = NULL;
	cu_error_set(CU_EINVALID, "set in the main thread");
	assert_int_equal(pthread_create(&t, NULL, other_thread, NULL), 0);
	assert_int_equal(pthread_join(t, &seen), 0);
	assert_string_equal((const char *)seen, "invalid input");
	assert_string_equal(cu_error_message(CU_EINVALID), "set in the main thread");
	cu_error_clear();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_util_err__codes_names_and_texts),
		cmocka_unit_test(test_util_err__unknown_codes),
		cmocka_unit_test(test_util_err__set_returns_code_and_formats),
		cmocka_unit_test(test_util_err__long_message_truncated),
		cmocka_unit_test(test_util_err__detail_is_thread_local),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
