/* SPDX-License-Identifier: Apache-2.0 */
/* util tests: dates and date arithmetic, user names and durations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "util/util.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- cu_valid_date ------------------------------------------------------ */

static const struct date_row {
	const char *s;
	bool valid;
} date_rows[] = {
	{"2026-01-01", true},
	{"2026-12-31", true},
	{"2026-01-31", true},
	{"2026-04-30", true},
	{"2026-02-28", true},
	/* Leap years: divisible by 4, except centuries not divisible by 400. */
	{"2024-02-29", true},
	{"2028-02-29", true},
	{"2000-02-29", true},
	{"2023-02-29", false},
	{"2026-02-29", false},
	{"1900-02-29", false},
	{"2100-02-29", false},
	{"2026-02-30", false},
	{"2024-02-30", false},
	{"2026-04-31", false},
	{"2026-06-31", false},
	{"2026-09-31", false},
	{"2026-11-31", false},
	{"2026-01-32", false},
	{"2026-13-01", false},
	{"2026-00-10", false},
	{"2026-01-00", false},
	{"0000-01-01", false},
	/* The supported range is 1900-2200. */
	{"1900-01-01", true},
	{"1899-12-31", false},
	{"2200-12-31", true},
	{"2201-01-01", false},
	/* Wrong shapes. */
	{"", false},
	{"2026-1-01", false},
	{"2026-01-1", false},
	{"26-01-01", false},
	{"20260101", false},
	{"2026/01/01", false},
	{"2026.01.01", false},
	{"01-01-2026", false},
	{"2026-01-01T00:00:00Z", false},
	{"2026-01-01 ", false},
	{" 2026-01-01", false},
	{"2026-01-0a", false},
	{"2026-0a-01", false},
	{"+026-01-01", false},
	{"-026-01-01", false},
	{"2026-+1-01", false},
	{"2026-01--1", false},
	{"\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92\xef\xbc\x96-01-01", false},
};

static void test_util_date__valid_table(void **state)
{
	(void)state;
	int bad = 0;
	for (size_t i = 0; i < N(date_rows); i++) {
		int rc = cu_valid_date("opened_on", date_rows[i].s);
		if ((rc == 0) != date_rows[i].valid) {
			print_error("\"%s\": rc %d, want %s\n", date_rows[i].s, rc,
			            date_rows[i].valid ? "valid" : "invalid");
			bad++;
		} else if (rc && rc != CU_EINVALID) {
			print_error("\"%s\": rc %d, want CU_EINVALID\n", date_rows[i].s, rc);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_util_date__message_names_field_and_value(void **state)
{
	(void)state;
	assert_int_equal(cu_valid_date("opened_on", "2026-02-30"), CU_EINVALID);
	const char *m = cu_error_message(CU_EINVALID);
	assert_non_null(strstr(m, "\"opened_on\""));
	assert_non_null(strstr(m, "YYYY-MM-DD"));
	assert_non_null(strstr(m, "2026-02-30"));
	assert_int_equal(cu_valid_date("signed_on", NULL), CU_EINVALID);
	assert_non_null(strstr(cu_error_message(CU_EINVALID), "\"signed_on\""));
}

/* ---- cu_date_add / cu_date_diff ---------------------------------------- */

static const struct add_row {
	const char *from;
	int days;
	const char *to;
} add_rows[] = {
	{"2026-01-01", 0, "2026-01-01"},
	{"2026-01-31", 1, "2026-02-01"},
	{"2026-02-28", 1, "2026-03-01"},
	{"2024-02-28", 1, "2024-02-29"},
	{"2024-02-29", 1, "2024-03-01"},
	{"2000-02-28", 1, "2000-02-29"},
	{"2100-02-28", 1, "2100-03-01"},
	{"2026-12-31", 1, "2027-01-01"},
	{"2027-01-01", -1, "2026-12-31"},
	{"2026-03-01", -1, "2026-02-28"},
	{"2024-03-01", -1, "2024-02-29"},
	{"2026-01-01", 365, "2027-01-01"},
	{"2024-01-01", 365, "2024-12-31"},
	{"2024-01-01", 366, "2025-01-01"},
	/* Retention review: 3 * 365 days is one day short of 3 years over a leap day. */
	{"2026-03-02", 3 * 365, "2029-03-01"},
	{"2027-01-01", 3 * 365, "2029-12-31"},
	{"2026-01-01", 10000, "2053-05-19"},
	{"2026-01-01", -10000, "1998-08-16"},
	{"1970-01-01", 0, "1970-01-01"},
	{"2200-12-31", 1, "2201-01-01"},
	{"1900-01-01", -1, "1899-12-31"},
};

static void test_util_date__add_table(void **state)
{
	(void)state;
	int bad = 0;
	for (size_t i = 0; i < N(add_rows); i++) {
		char out[11];
		memset(out, 'x', sizeof(out));
		cu_date_add(out, add_rows[i].from, add_rows[i].days);
		if (strcmp(out, add_rows[i].to) != 0) {
			print_error("%s %+d: got \"%.11s\", want %s\n", add_rows[i].from,
			            add_rows[i].days, out, add_rows[i].to);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_util_date__add_invalid_gives_empty(void **state)
{
	(void)state;
	static const char *const rows[] = {"2026-02-30", "", "2026-1-1", "tomorrow", NULL};
	for (size_t i = 0; i < N(rows); i++) {
		char out[11] = "xxxxxxxxxx";
		cu_date_add(out, rows[i], 1);
		assert_string_equal(out, "");
	}
}

static const struct diff_row {
	const char *a, *b;
	int days;
} diff_rows[] = {
	{"2026-01-01", "2026-01-01", 0},
	{"2026-01-01", "2026-01-02", 1},
	{"2026-01-02", "2026-01-01", -1},
	{"2026-01-01", "2026-12-31", 364},
	{"2024-01-01", "2025-01-01", 366},
	{"2025-01-01", "2026-01-01", 365},
	{"2024-02-28", "2024-03-01", 2},
	{"2026-02-28", "2026-03-01", 1},
	{"1900-01-01", "2000-01-01", 36524},
	{"2000-01-01", "2100-01-01", 36525},
	{"2022-03-25", "2028-03-25", 2192},
	/* Invalid dates give 0. */
	{"2026-02-30", "2026-03-01", 0},
	{"2026-03-01", "bad", 0},
};

static void test_util_date__diff_table(void **state)
{
	(void)state;
	int bad = 0;
	for (size_t i = 0; i < N(diff_rows); i++) {
		int got = cu_date_diff(diff_rows[i].a, diff_rows[i].b);
		if (got != diff_rows[i].days) {
			print_error("%s -> %s: got %d, want %d\n", diff_rows[i].a, diff_rows[i].b,
			            got, diff_rows[i].days);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* Walking day by day across 1900-2200 always yields a valid date one day on. */
static void test_util_date__add_and_diff_agree(void **state)
{
	(void)state;
	char d[11] = "1900-01-01", next[11];
	int n = 0;
	while (strcmp(d, "2200-12-31") != 0) {
		cu_date_add(next, d, 1);
		if (cu_valid_date("d", next) != 0 || cu_date_diff(d, next) != 1 ||
		    strcmp(next, d) <= 0)
			fail_msg("after %s came \"%s\"", d, next);
		memcpy(d, next, sizeof(d));
		n++;
	}
	assert_int_equal(n, cu_date_diff("1900-01-01", "2200-12-31"));
	/* 301 years, 73 of them leap (1900, 2100 and 2200 are not). */
	assert_int_equal(n + 1, 301 * 365 + 73);
	for (int k = -5000; k <= 5000; k += 37) {
		char out[11];
		cu_date_add(out, "2026-03-02", k);
		assert_int_equal(cu_date_diff("2026-03-02", out), k);
	}
}

/* ---- cu_valid_name ------------------------------------------------------- */

static void test_util_name__table(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		bool valid;
	} rows[] = {
		{"a", true},
		{"0", true},
		{"se", true},
		{"se-admin", true},
		{"a.b_c-d", true},
		{"9lives", true},
		/* 64 and 65 characters */
		{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", true},
		{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false},
		{"", false},
		{NULL, false},
		{"-a", false},
		{".a", false},
		{"_a", false},
		{"Admin", false},
		{"SE", false},
		{"a b", false},
		{"a/b", false},
		{"a@b", false},
		{"a:b", false},
		{"\xc3\xa9", false},
		{"a\n", false},
	};
	int bad = 0;
	for (size_t i = 0; i < N(rows); i++) {
		int rc = cu_valid_name("username", rows[i].s);
		if ((rc == 0) != rows[i].valid || (rc && rc != CU_EINVALID)) {
			const char *s = rows[i].s ? rows[i].s : "(null)";
			print_error("\"%s\": rc %d, want %s\n", s, rc,
			            rows[i].valid ? "valid" : "invalid");
			bad++;
		}
	}
	assert_int_equal(cu_valid_name("username", "Bad"), CU_EINVALID);
	assert_non_null(strstr(cu_error_message(CU_EINVALID), "\"username\""));
	assert_int_equal(bad, 0);
}

/* ---- cu_days_parse ---------------------------------------------------------- */

static void test_util_days__table(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int rc, days;
	} rows[] = {
		{"30", 0, 30}, {"30d", 0, 30}, {"0", 0, 0}, {"36500", 0, 36500},
		{"36501", CU_EINVALID, 0}, {"12h", CU_EINVALID, 0}, {"30dd", CU_EINVALID, 0},
		{"-1", CU_EINVALID, 0}, {"", CU_EINVALID, 0}, {NULL, CU_EINVALID, 0},
		{"d", CU_EINVALID, 0}, {"99999999999999999999", CU_EINVALID, 0},
	};
	for (size_t i = 0; i < N(rows); i++) {
		int got = -1;
		int rc = cu_days_parse(&got, rows[i].s);
		if (rc != rows[i].rc || (rc == 0 && got != rows[i].days))
			fail_msg("\"%s\": rc %d days %d", rows[i].s ? rows[i].s : "(null)", rc, got);
	}
}

/* ---- cu_duration_parse ---------------------------------------------------- */

static void test_util_duration__table(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int rc;
		int64_t seconds;
	} rows[] = {
		{"7d", 0, 7 * 86400},
		{"12h", 0, 12 * 3600},
		{"30m", 0, 30 * 60},
		{"45s", 0, 45},
		{"90", 0, 90},
		{"0", 0, 0},
		{"1d", 0, 86400},
		{"36500d", 0, 36500LL * 86400},
		{"3153600000", 0, 3153600000LL},
		{"3153600001", CU_EINVALID, 0},
		{"", CU_EINVALID, 0},
		{NULL, CU_EINVALID, 0},
		{"d", CU_EINVALID, 0},
		{"-1", CU_EINVALID, 0},
		{"-7d", CU_EINVALID, 0},
		{"7x", CU_EINVALID, 0},
		{"7w", CU_EINVALID, 0},
		{"7D", CU_EINVALID, 0},
		{"7dd", CU_EINVALID, 0},
		{"7d ", CU_EINVALID, 0},
		{"7 d", CU_EINVALID, 0},
		{"1.5h", CU_EINVALID, 0},
		{"1h30m", CU_EINVALID, 0},
		{"99999999999999999999", CU_EINVALID, 0},
	};
	int bad = 0;
	for (size_t i = 0; i < N(rows); i++) {
		int64_t got = -12345;
		int rc = cu_duration_parse(&got, rows[i].s);
		if (rc != rows[i].rc || (rc == 0 && got != rows[i].seconds)) {
			print_error("\"%s\": rc %d seconds %lld, want rc %d seconds %lld\n",
			            rows[i].s ? rows[i].s : "(null)", rc, (long long)got,
			            rows[i].rc, (long long)rows[i].seconds);
			bad++;
		}
		if (rc != 0 && got != -12345) {
			print_error("\"%s\": output written on failure\n", rows[i].s);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/*
 * The limit (100 years) bounds the duration, whatever its unit: "36500d" is
 * the largest number of days, and 3153600000d (8.6 million years) is refused.
 */
static void test_util_duration__limit_applies_after_the_unit(void **state)
{
	(void)state;
	static const char *const rows[] = {"36501d", "876001h", "52560001m", "3153600000d"};
	int64_t s;
	int bad = 0;
	for (size_t i = 0; i < N(rows); i++)
		if (cu_duration_parse(&s, rows[i]) != CU_EINVALID) {
			print_error("\"%s\" accepted as %lld seconds (over 100 years)\n", rows[i],
			            (long long)s);
			bad++;
		}
	assert_int_equal(bad, 0);
}

/* ---- cu_time_parse --------------------------------------------------------- */

/*
 * Timestamps as custodia writes them and S3 lists them; anything else is
 * CU_EINVALID naming the text, never 0 (1970), which would make an S3 object
 * look old enough to sweep and the last checkpoint look 56 years old.
 */
static void test_util_time__parse_table(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int rc;
		int64_t seconds;
	} rows[] = {
	    {"2026-11-26T20:05:43.123Z", 0, 1795723543},
	    {"2026-11-26T20:05:43Z", 0, 1795723543},
	    {"2026-11-26T20:05:43.1234567z", CU_EINVALID, 0},
	    {"1970-01-01T00:00:00.000Z", 0, 0},
	    {"2024-02-29T23:59:59Z", 0, 1709251199},
	    {"2026-02-29T00:00:00Z", CU_EINVALID, 0},
	    {"2026-04-31T00:00:00Z", CU_EINVALID, 0},
	    {"2026-13-01T00:00:00Z", CU_EINVALID, 0},
	    {"2026-00-01T00:00:00Z", CU_EINVALID, 0},
	    {"2026-11-26T24:00:00Z", CU_EINVALID, 0},
	    {"2026-11-26T20:60:00Z", CU_EINVALID, 0},
	    {"2026-11-26T20:05:43", CU_EINVALID, 0},
	    {"2026-11-26T20:05:43.Z", CU_EINVALID, 0},
	    {"2026-11-26T20:05:43.123Zjunk", CU_EINVALID, 0},
	    {"2026-11-26 20:05:43Z", CU_EINVALID, 0},
	    {"2026-1-26T20:05:43Z", CU_EINVALID, 0},
	    {"-026-11-26T20:05:43Z", CU_EINVALID, 0},
	    {"2026-11-26T20:05:-3Z", CU_EINVALID, 0},
	    {"2026-11-26", CU_EINVALID, 0},
	    {"", CU_EINVALID, 0},
	    {NULL, CU_EINVALID, 0},
	};
	int bad = 0;
	for (size_t i = 0; i < N(rows); i++) {
		int64_t got = -12345;
		int rc = cu_time_parse(&got, rows[i].s);
		if (rc != rows[i].rc || (rc == 0 && got != rows[i].seconds)) {
			print_error("\"%s\": rc %d seconds %lld, want rc %d seconds %lld\n",
			            rows[i].s ? rows[i].s : "(null)", rc, (long long)got,
			            rows[i].rc, (long long)rows[i].seconds);
			bad++;
		}
		if (rc != 0 && got != -12345) {
			print_error("\"%s\": output written on failure\n", rows[i].s);
			bad++;
		}
	}
	assert_int_equal(cu_time_parse(&(int64_t){0}, "2026-11-26Tnoon"), CU_EINVALID);
	assert_non_null(strstr(cu_error_message(CU_EINVALID), "\"2026-11-26Tnoon\""));
	assert_int_equal(bad, 0);
}

/* What cu_time_now writes, cu_time_parse reads back (to the second). */
static void test_util_time__now_round_trips(void **state)
{
	(void)state;
	char now[CU_TS_LEN];
	int64_t t;
	/* The clock cu_time_now reads: time() reads a coarser one, which can still be in
	 * the second before when this one has passed into the next. */
	struct timespec before, after;
	clock_gettime(CLOCK_REALTIME, &before);
	cu_time_now(now);
	clock_gettime(CLOCK_REALTIME, &after);
	assert_int_equal(cu_time_parse(&t, now), 0);
	assert_true(t >= (int64_t)before.tv_sec && t <= (int64_t)after.tv_sec);
}

/* cu_time_after keeps the milliseconds: an expiry one second away is a second from now, not
 * from the start of this second (a session of one second opened at x.999 ended at x+1.000). */
static void test_util_time__after_keeps_milliseconds(void **state)
{
	(void)state;
	int checked = 0;
	/* Until five triples fell within one second (a run on the CI machine saw
	 * none in 20 tries; a triple takes about a microsecond). */
	for (int i = 0; i < 200000 && checked < 5; i++) {
		char a[CU_TS_LEN], b[CU_TS_LEN], c[CU_TS_LEN];
		int64_t ta, tb, tc;
		cu_time_now(a);
		cu_time_after(b, 1);
		cu_time_now(c);
		assert_int_equal(cu_time_parse(&ta, a), 0);
		assert_int_equal(cu_time_parse(&tb, b), 0);
		assert_int_equal(cu_time_parse(&tc, c), 0);
		assert_true(tb >= ta + 1 && tb <= tc + 1);
		if (ta != tc || atoi(a + 20) == 0)
			continue; /* a second boundary between: milliseconds not comparable */
		int ma = atoi(a + 20), mb = atoi(b + 20), mc = atoi(c + 20);
		if (mb < ma || mb > mc)
			fail_msg("%s then %s + 1 s = %s", a, c, b);
		checked++;
	}
	assert_true(checked > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_util_date__valid_table),
	    cmocka_unit_test(test_util_date__message_names_field_and_value),
	    cmocka_unit_test(test_util_date__add_table),
	    cmocka_unit_test(test_util_date__add_invalid_gives_empty),
	    cmocka_unit_test(test_util_date__diff_table),
	    cmocka_unit_test(test_util_date__add_and_diff_agree),
	    cmocka_unit_test(test_util_name__table),
	    cmocka_unit_test(test_util_duration__table),
	    cmocka_unit_test(test_util_days__table),
	    cmocka_unit_test(test_util_duration__limit_applies_after_the_unit),
	    cmocka_unit_test(test_util_time__parse_table),
	    cmocka_unit_test(test_util_time__now_round_trips),
	    cmocka_unit_test(test_util_time__after_keeps_milliseconds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
