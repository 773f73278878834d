/* SPDX-License-Identifier: Apache-2.0 */
/* util tests: cu_buf growth, its hard cap (CU_ETOOBIG), printf, JSON escaping, detach. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/util.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_util_buf__init_and_default_cap(void **state)
{
	(void)state;
	cu_buf b;
	cu_buf_init(&b, 0);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.max, CU_BUF_DEFAULT_CAP);
	cu_buf_init(&b, 100);
	assert_int_equal(b.max, 100);
	cu_buf_free(&b);
	cu_buf_free(&b); /* idempotent */
}

static void test_util_buf__append_grows_and_terminates(void **state)
{
	(void)state;
	cu_buf b;
	cu_buf_init(&b, 0);
	assert_int_equal(cu_buf_append(&b, "", 0), 0);
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	for (int i = 0; i < 1000; i++)
		assert_int_equal(cu_buf_puts(&b, "0123456789"), 0);
	assert_int_equal(b.len, 10000);
	assert_int_equal(strlen(b.data), 10000);
	assert_true(b.cap > b.len);
	assert_memory_equal(b.data + 9990, "0123456789", 10);
	/* Binary data with NUL bytes is kept, and the buffer stays terminated. */
	assert_int_equal(cu_buf_append(&b, "a\0b", 3), 0);
	assert_int_equal(b.len, 10003);
	assert_memory_equal(b.data + 10000, "a\0b", 4);
	cu_buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
}

static void test_util_buf__printf(void **state)
{
	(void)state;
	cu_buf b;
	cu_buf_init(&b, 0);
	assert_int_equal(cu_buf_printf(&b, "%s/%04d", "2026", 42), 0);
	assert_string_equal(b.data, "2026/0042");
	assert_int_equal(cu_buf_printf(&b, "%s", ""), 0);
	assert_int_equal(cu_buf_printf(&b, " %lld", (long long)INT64_MAX), 0);
	assert_string_equal(b.data, "2026/0042 9223372036854775807");
	assert_int_equal(b.len, strlen(b.data));
	/* Longer than the first allocation. */
	char big[1000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(cu_buf_printf(&b, "[%s]", big), 0);
	assert_int_equal(b.len, 29 + 1001);
	assert_int_equal(b.data[b.len - 1], ']');
	cu_buf_free(&b);
}

/* Past the cap: CU_ETOOBIG with a message, and the content is unchanged. */
static void test_util_buf__cap_refuses_with_etoobig(void **state)
{
	(void)state;
	cu_buf b;
	cu_buf_init(&b, 16);
	assert_int_equal(cu_buf_puts(&b, "0123456789"), 0);
	assert_int_equal(cu_buf_puts(&b, "0123456789"), CU_ETOOBIG);
	assert_non_null(strstr(cu_error_message(CU_ETOOBIG), "16"));
	assert_int_equal(b.len, 10);
	assert_string_equal(b.data, "0123456789");
	assert_int_equal(cu_buf_printf(&b, "%s", "abcdefghij"), CU_ETOOBIG);
	assert_int_equal(b.len, 10);
	assert_string_equal(b.data, "0123456789");
	assert_int_equal(cu_buf_json_str(&b, "abcdefghij"), CU_ETOOBIG);
	assert_true(b.len <= 16);
	cu_buf_free(&b);

	/* Many small appends stop at the cap, never past it. */
	cu_buf_init(&b, 1000);
	int r = 0;
	size_t n = 0;
	while ((r = cu_buf_puts(&b, "abc")) == 0)
		n += 3;
	assert_int_equal(r, CU_ETOOBIG);
	assert_int_equal(b.len, n);
	assert_true(b.len <= 1000 && b.len > 990);
	assert_true(b.cap <= 1001);
	cu_buf_free(&b);
}

/*
 * A length near SIZE_MAX must not wrap the size check (len + n + 1) to a small
 * number and reach memcpy. Run in a child process: the bug is a crash.
 */
static void test_util_buf__cap_survives_size_overflow(void **state)
{
	(void)state;
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* cmocka's handlers would turn a crash into a test failure in the child. */
		signal(SIGSEGV, SIG_DFL);
		signal(SIGBUS, SIG_DFL);
		signal(SIGABRT, SIG_DFL);
		cu_buf b;
		cu_buf_init(&b, 64);
		if (cu_buf_puts(&b, "x") != 0)
			_exit(2);
		int r = cu_buf_append(&b, "y", SIZE_MAX - 1);
		fprintf(stderr, "child: cu_buf_append returned %d, len now %zu\n", r, b.len);
		_exit(r == CU_ETOOBIG && b.len == 1 ? 0 : 1);
	}
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (WIFSIGNALED(st))
		fail_msg("cu_buf_append(len 1, SIZE_MAX - 1) crashed: signal %d", WTERMSIG(st));
	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) != 0)
		fail_msg("cu_buf_append(len 1, SIZE_MAX - 1) is not CU_ETOOBIG (child exit %d)",
		         WEXITSTATUS(st));
}

/* The cap is the largest content: a buffer of max N holds exactly N bytes. */
static void test_util_buf__cap_is_inclusive(void **state)
{
	(void)state;
	cu_buf b;
	cu_buf_init(&b, 16);
	int r15 = cu_buf_puts(&b, "0123456789abcde"); /* 15 bytes */
	int r16 = cu_buf_puts(&b, "f");               /* 16: at the cap */
	size_t len16 = b.len;
	int r17 = cu_buf_puts(&b, "g");               /* 17: past it */
	size_t len17 = b.len;
	cu_buf_free(&b);
	assert_int_equal(r15, 0);
	assert_int_equal(r16, 0);
	assert_int_equal(len16, 16);
	assert_int_equal(r17, CU_ETOOBIG);
	assert_int_equal(len17, 16);
}

static const struct esc_row {
	const char *in, *out;
} esc_rows[] = {
	{"", "\"\""},
	{"plain", "\"plain\""},
	{"say \"hi\"", "\"say \\\"hi\\\"\""},
	{"C:\\dir\\", "\"C:\\\\dir\\\\\""},
	{"\\\"", "\"\\\\\\\"\""},
	{"a\nb\rc\td", "\"a\\nb\\rc\\td\""},
	{"\b\f", "\"\\b\\f\""},
	{"\x01", "\"\\u0001\""},
	{"\x1b[0m", "\"\\u001b[0m\""},
	{"\x1f", "\"\\u001f\""},
	{"\x0b", "\"\\u000b\""},
	{" ~\x7f", "\" ~\x7f\""},
	{"/", "\"/\""},
	{"\xc5\x81\xc3\xb3\x64\xc5\xba \xe2\x82\xac",
	 "\"\xc5\x81\xc3\xb3\x64\xc5\xba \xe2\x82\xac\""},
	{"</script>", "\"</script>\""},
};

static void test_util_buf__json_str_escapes(void **state)
{
	(void)state;
	int bad = 0;
	for (size_t i = 0; i < N(esc_rows); i++) {
		cu_buf b;
		cu_buf_init(&b, 0);
		assert_int_equal(cu_buf_json_str(&b, esc_rows[i].in), 0);
		if (strcmp(b.data, esc_rows[i].out) != 0) {
			print_error("row %zu: got %s, want %s\n", i, b.data, esc_rows[i].out);
			bad++;
		}
		assert_int_equal(b.len, strlen(b.data));
		cu_buf_free(&b);
	}
	assert_int_equal(bad, 0);
}

/* Every byte 0x01-0x7f round-trips through a JSON parser unchanged. */
static void test_util_buf__json_str_round_trips(void **state)
{
	(void)state;
	char all[128];
	for (int i = 1; i < 128; i++)
		all[i - 1] = (char)i;
	all[127] = '\0';
	cu_buf b;
	cu_buf_init(&b, 0);
	assert_int_equal(cu_buf_puts(&b, "{\"v\":"), 0);
	assert_int_equal(cu_buf_json_str(&b, all), 0);
	assert_int_equal(cu_buf_puts(&b, ",\"w\":"), 0);
	assert_int_equal(cu_buf_json_str(&b, "\xf0\x9d\x84\x9e\"\\"), 0);
	assert_int_equal(cu_buf_puts(&b, "}"), 0);
	json_error_t e;
	json_t *o = json_loads(b.data, JSON_REJECT_DUPLICATES, &e);
	if (!o)
		fail_msg("%s: %s", b.data, e.text);
	assert_string_equal(json_string_value(json_object_get(o, "v")), all);
	assert_string_equal(json_string_value(json_object_get(o, "w")), "\xf0\x9d\x84\x9e\"\\");
	/* No raw control byte is left in the output. */
	for (size_t i = 0; i < b.len; i++)
		assert_true((unsigned char)b.data[i] >= 0x20);
	json_decref(o);
	cu_buf_free(&b);
}

static void test_util_buf__detach(void **state)
{
	(void)state;
	cu_buf b;
	cu_buf_init(&b, 0);
	char *s = cu_buf_detach(&b);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
	assert_int_equal(cu_buf_puts(&b, "case"), 0);
	s = cu_buf_detach(&b);
	assert_string_equal(s, "case");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	/* The buffer is usable again, and its cap kept. */
	assert_int_equal(b.max, CU_BUF_DEFAULT_CAP);
	assert_int_equal(cu_buf_puts(&b, "again"), 0);
	assert_string_equal(b.data, "again");
	assert_string_equal(s, "case");
	free(s);
	cu_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_util_buf__init_and_default_cap),
		cmocka_unit_test(test_util_buf__append_grows_and_terminates),
		cmocka_unit_test(test_util_buf__printf),
		cmocka_unit_test(test_util_buf__cap_refuses_with_etoobig),
		cmocka_unit_test(test_util_buf__cap_survives_size_overflow),
		cmocka_unit_test(test_util_buf__cap_is_inclusive),
		cmocka_unit_test(test_util_buf__json_str_escapes),
		cmocka_unit_test(test_util_buf__json_str_round_trips),
		cmocka_unit_test(test_util_buf__detach),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
