/* SPDX-License-Identifier: Apache-2.0 */
/*
 * util tests: libraries loaded when first needed (cu_dl_load), and the two
 * tables custodia loads that way, libpq's and libcurl's, against the real
 * libraries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

/* The table's fields by their names (util/curl.h's calls are macros). */
#define CU_CURL_TABLE
#include "util/curl.h"
#include "util/util.h"

typedef size_t (*strlen_fn)(const char *);

/* A library that is there: each function found, the second call the first's result. */
static void test_dl__loads_and_resolves(void **state)
{
	(void)state;
	strlen_fn len = NULL;
	static const char *const names[] = {"strlen"};
	void **const slots[] = {(void **)&len};
	cu_dl dl = {"libc.so.6", "libc6", names, slots, 1, 0, ""};
	assert_int_equal(cu_dl_load(&dl), 0);
	assert_non_null(len);
	assert_int_equal(len("custodia"), 8);
	assert_int_equal(cu_dl_load(&dl), 0);
}

/* A library that is not: CU_EIO naming it and the package to install, every time. */
static void test_dl__missing_library_says_which(void **state)
{
	(void)state;
	strlen_fn len = NULL;
	static const char *const names[] = {"strlen"};
	void **const slots[] = {(void **)&len};
	cu_dl dl = {"libcustodia-absent.so.9", "libcustodia-absent9", names, slots, 1, 0, ""};
	for (int k = 0; k < 2; k++) {
		assert_int_equal(cu_dl_load(&dl), CU_EIO);
		assert_non_null(strstr(cu_error_message(CU_EIO), "libcustodia-absent.so.9"));
		assert_non_null(strstr(cu_error_message(CU_EIO), "libcustodia-absent9"));
		cu_error_clear();
	}
	assert_null(len);
}

/* A function the library lacks (an older version): CU_EIO naming it. */
static void test_dl__missing_function_says_which(void **state)
{
	(void)state;
	strlen_fn a = NULL, b = NULL;
	static const char *const names[] = {"strlen", "cu_no_such_function"};
	void **const slots[] = {(void **)&a, (void **)&b};
	cu_dl dl = {"libc.so.6", "libc6", names, slots, 2, 0, ""};
	assert_int_equal(cu_dl_load(&dl), CU_EIO);
	assert_non_null(strstr(cu_error_message(CU_EIO), "cu_no_such_function"));
	cu_error_clear();
}

/* libcurl's table: every function custodia calls is in the installed library. */
static void test_dl__libcurl_table(void **state)
{
	(void)state;
	assert_int_equal(cu_curl_load(), 0);
#define CHECK_FIELD(f) assert_non_null(cu_curl.f);
	CU_CURL_FUNCS(CHECK_FIELD)
#undef CHECK_FIELD
	CURL *h = cu_curl.curl_easy_init();
	assert_non_null(h);
	assert_int_equal(cu_curl.curl_easy_setopt(h, CURLOPT_TIMEOUT, 5L), CURLE_OK);
	assert_string_equal(cu_curl.curl_easy_strerror(CURLE_OK), "No error");
	cu_curl.curl_easy_cleanup(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dl__loads_and_resolves),
		cmocka_unit_test(test_dl__missing_library_says_which),
		cmocka_unit_test(test_dl__missing_function_says_which),
		cmocka_unit_test(test_dl__libcurl_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
