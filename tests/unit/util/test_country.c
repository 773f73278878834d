/* SPDX-License-Identifier: Apache-2.0 */
/* util tests: cu_valid_country against Debian's ISO 3166-1 list, EL and UK explained. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/util.h"

#define ISO_3166_JSON "/usr/share/iso-codes/json/iso_3166-1.json"
#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct country_row {
	const char *s;
	bool valid;
} country_rows[] = {
	{"SE", true},
	{"GR", true},
	{"GB", true},
	{"RS", true},
	{"UA", true},
	{"XK", true},
	{"US", true},
	{"EL", false},
	{"UK", false},
	{"EU", false},
	{"ZZ", false},
	{"XX", false},
	{"AA", false},
	{"se", false},
	{"Se", false},
	{"S", false},
	{"SWE", false},
	{"", false},
	{"S1", false},
	{"SE ", false},
	{NULL, false},
};

static void test_util_country__table(void **state)
{
	(void)state;
	int bad = 0;
	for (size_t i = 0; i < N(country_rows); i++) {
		int rc = cu_valid_country("country", country_rows[i].s);
		if ((rc == 0) != country_rows[i].valid || (rc && rc != CU_EINVALID)) {
			const char *s = country_rows[i].s ? country_rows[i].s : "(null)";
			print_error("\"%s\": rc %d, want %s\n", s, rc,
			            country_rows[i].valid ? "valid" : "invalid");
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_util_country__el_and_uk_explained(void **state)
{
	(void)state;
	assert_int_equal(cu_valid_country("country", "EL"), CU_EINVALID);
	const char *m = cu_error_message(CU_EINVALID);
	assert_non_null(strstr(m, "\"country\""));
	assert_non_null(strstr(m, "Greece"));
	assert_non_null(strstr(m, "GR"));
	assert_int_equal(cu_valid_country("country", "UK"), CU_EINVALID);
	m = cu_error_message(CU_EINVALID);
	assert_non_null(strstr(m, "United Kingdom"));
	assert_non_null(strstr(m, "GB"));
	assert_int_equal(cu_valid_country("nationality", "ZZ"), CU_EINVALID);
	m = cu_error_message(CU_EINVALID);
	assert_non_null(strstr(m, "\"nationality\""));
	assert_non_null(strstr(m, "ZZ"));
	assert_non_null(strstr(m, "ISO 3166-1"));
}

/*
 * The accepted set is exactly Debian's iso-codes list of ISO 3166-1 alpha-2
 * codes plus XK (Kosovo): every code there is accepted, every other pair of
 * capital letters refused.
 */
static void test_util_country__matches_iso_codes(void **state)
{
	(void)state;
	if (access(ISO_3166_JSON, R_OK) != 0) {
		print_message("[  SKIPPED ] %s is absent (Debian package iso-codes); "
		              "cannot compare the country list\n", ISO_3166_JSON);
		skip();
	}
	json_error_t e;
	json_t *doc = json_load_file(ISO_3166_JSON, 0, &e);
	if (!doc)
		fail_msg("%s: %s", ISO_3166_JSON, e.text);
	json_t *list = json_object_get(doc, "3166-1"), *c;
	assert_true(json_is_array(list));
	assert_true(json_array_size(list) >= 249);
	bool iso[26][26] = {{false}};
	size_t i;
	int bad = 0;
	json_array_foreach(list, i, c) {
		const char *a2 = json_string_value(json_object_get(c, "alpha_2"));
		assert_non_null(a2);
		assert_int_equal(strlen(a2), 2);
		iso[a2[0] - 'A'][a2[1] - 'A'] = true;
		if (cu_valid_country("country", a2) != 0) {
			print_error("%s (%s) refused\n", a2,
			            json_string_value(json_object_get(c, "name")));
			bad++;
		}
	}
	json_decref(doc);
	iso['X' - 'A']['K' - 'A'] = true;
	for (int x = 0; x < 26; x++)
		for (int y = 0; y < 26; y++) {
			char code[3] = {(char)('A' + x), (char)('A' + y), '\0'};
			if ((cu_valid_country("country", code) == 0) != iso[x][y]) {
				print_error("%s: %s\n", code, iso[x][y] ? "refused" :
				            "accepted but not in ISO 3166-1");
				bad++;
			}
		}
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_util_country__table),
		cmocka_unit_test(test_util_country__el_and_uk_explained),
		cmocka_unit_test(test_util_country__matches_iso_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
