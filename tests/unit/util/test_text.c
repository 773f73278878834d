/* SPDX-License-Identifier: Apache-2.0 */
/* util tests: cu_utf8_valid and cu_valid_text (well-formed UTF-8, control characters, limits). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/util.h"

/* A byte string with its length, so that rows may hold NUL bytes. */
#define BYTES(s) s, sizeof(s) - 1

static const struct utf8_row {
	const char *what;
	const char *s;
	size_t len;
	bool valid;
} utf8_rows[] = {
	{"empty", BYTES(""), true},
	{"ASCII", BYTES("Coordinated arrest"), true},
	{"NUL byte inside the length", BYTES("a\0b"), true},
	{"U+0080, smallest 2-byte", BYTES("\xc2\x80"), true},
	{"U+00E9 e acute", BYTES("\xc3\xa9"), true},
	{"U+07FF, largest 2-byte", BYTES("\xdf\xbf"), true},
	{"U+0800, smallest 3-byte", BYTES("\xe0\xa0\x80"), true},
	{"U+20AC euro sign", BYTES("\xe2\x82\xac"), true},
	{"U+D7FF, just below the surrogates", BYTES("\xed\x9f\xbf"), true},
	{"U+E000, just above the surrogates", BYTES("\xee\x80\x80"), true},
	{"U+FFFF, largest 3-byte", BYTES("\xef\xbf\xbf"), true},
	{"U+10000, smallest 4-byte", BYTES("\xf0\x90\x80\x80"), true},
	{"U+1D11E musical symbol G clef", BYTES("\xf0\x9d\x84\x9e"), true},
	{"U+10FFFF, largest code point", BYTES("\xf4\x8f\xbf\xbf"), true},
	{"mixed scripts: Lodz, Kyiv, Arabic",
	 BYTES("\xc5\x81\xc3\xb3\x64\xc5\xba \xd0\x9a\xd0\xb8\xd1\x97\xd0\xb2 "
	       "\xd8\xb9\xd9\x84\xd9\x8a"),
	 true},
	/* Overlong encodings. */
	{"overlong NUL C0 80", BYTES("\xc0\x80"), false},
	{"overlong C1 BF (U+007F)", BYTES("\xc1\xbf"), false},
	{"overlong 3-byte E0 80 80", BYTES("\xe0\x80\x80"), false},
	{"overlong 3-byte E0 9F BF (U+07FF)", BYTES("\xe0\x9f\xbf"), false},
	{"overlong 4-byte F0 80 80 80", BYTES("\xf0\x80\x80\x80"), false},
	{"overlong 4-byte F0 8F BF BF (U+FFFF)", BYTES("\xf0\x8f\xbf\xbf"), false},
	{"overlong slash C0 AF", BYTES("\xc0\xaf"), false},
	/* UTF-16 surrogates. */
	{"surrogate U+D800", BYTES("\xed\xa0\x80"), false},
	{"surrogate U+DBFF", BYTES("\xed\xaf\xbf"), false},
	{"surrogate U+DC00", BYTES("\xed\xb0\x80"), false},
	{"surrogate U+DFFF", BYTES("\xed\xbf\xbf"), false},
	{"surrogate pair as CESU-8", BYTES("\xed\xa0\xbd\xed\xb8\x80"), false},
	/* Beyond U+10FFFF and impossible lead bytes. */
	{"U+110000 F4 90 80 80", BYTES("\xf4\x90\x80\x80"), false},
	{"F5 lead byte", BYTES("\xf5\x80\x80\x80"), false},
	{"F7 BF BF BF (U+1FFFFF)", BYTES("\xf7\xbf\xbf\xbf"), false},
	{"5-byte form F8", BYTES("\xf8\x88\x80\x80\x80"), false},
	{"6-byte form FC", BYTES("\xfc\x84\x80\x80\x80\x80"), false},
	{"FE", BYTES("\xfe"), false},
	{"FF", BYTES("\xff"), false},
	/* Stray continuation bytes. */
	{"lone continuation 80", BYTES("\x80"), false},
	{"lone continuation BF", BYTES("a\xbf"), false},
	{"two continuations after a 2-byte", BYTES("\xc3\xa9\xa9"), false},
	/* Truncated sequences. */
	{"truncated 2-byte at end", BYTES("abc\xc3"), false},
	{"truncated 3-byte at end", BYTES("\xe2\x82"), false},
	{"truncated 4-byte at end", BYTES("\xf0\x9d\x84"), false},
	{"2-byte lead followed by ASCII", BYTES("\xc3\x41"), false},
	{"3-byte lead, bad second byte", BYTES("\xe2\x28\xa1"), false},
	{"3-byte lead, bad third byte", BYTES("\xe2\x82\x28"), false},
	{"4-byte lead, bad fourth byte", BYTES("\xf0\x9d\x84\x41"), false},
	{"4-byte lead followed by NUL", BYTES("\xf0\x00\x80\x80"), false},
};

static void test_util_utf8__table(void **state)
{
	(void)state;
	int bad = 0;
	for (size_t i = 0; i < sizeof(utf8_rows) / sizeof(utf8_rows[0]); i++) {
		const struct utf8_row *r = &utf8_rows[i];
		bool got = cu_utf8_valid(r->s, r->len);
		if (got != r->valid) {
			print_error("row %zu (%s): cu_utf8_valid returned %d, want %d\n", i,
			            r->what, got, r->valid);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* The length bounds the scan: a sequence cut by len is truncated, bytes after len do not count. */
static void test_util_utf8__length_bounds_the_scan(void **state)
{
	(void)state;
	assert_false(cu_utf8_valid("\xc3\xa9", 1));
	assert_false(cu_utf8_valid("\xe2\x82\xac", 2));
	assert_false(cu_utf8_valid("\xf0\x9d\x84\x9e", 3));
	assert_true(cu_utf8_valid("ab\xff", 2));
	assert_true(cu_utf8_valid("\xff", 0));
}

/* Every single byte: below 0x80 alone is valid; 0x80 and above alone never is. */
static void test_util_utf8__every_single_byte(void **state)
{
	(void)state;
	for (int b = 0; b < 256; b++) {
		char c = (char)b;
		assert_int_equal(cu_utf8_valid(&c, 1), b < 0x80);
	}
}

/* Every code point encoded by hand is accepted, except the surrogates. */
static void test_util_utf8__every_code_point(void **state)
{
	(void)state;
	unsigned char s[4];
	size_t n;
	for (uint32_t cp = 0; cp <= 0x10ffff; cp++) {
		if (cp < 0x80) {
			s[0] = (unsigned char)cp, n = 1;
		} else if (cp < 0x800) {
			s[0] = (unsigned char)(0xc0 | cp >> 6);
			s[1] = (unsigned char)(0x80 | (cp & 0x3f));
			n = 2;
		} else if (cp < 0x10000) {
			s[0] = (unsigned char)(0xe0 | cp >> 12);
			s[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
			s[2] = (unsigned char)(0x80 | (cp & 0x3f));
			n = 3;
		} else {
			s[0] = (unsigned char)(0xf0 | cp >> 18);
			s[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
			s[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
			s[3] = (unsigned char)(0x80 | (cp & 0x3f));
			n = 4;
		}
		bool want = !(cp >= 0xd800 && cp <= 0xdfff);
		if (cu_utf8_valid((const char *)s, n) != want)
			fail_msg("U+%04X: want %s", (unsigned)cp, want ? "valid" : "invalid");
	}
}

static const struct text_row {
	const char *what;
	const char *s;
	size_t min, max;
	int rc;
	const char *msg; /* substring of the message, or NULL */
} text_rows[] = {
	{"plain text", "Coordinated arrest", 1, 300, 0, NULL},
	{"newline, tab and CR allowed", "line one\nline\ttwo\r\n", 1, 300, 0, NULL},
	{"non-ASCII allowed", "\xc5\x81\xc3\xb3\x64\xc5\xba", 1, 300, 0, NULL},
	{"empty with min 0", "", 0, 10, 0, NULL},
	{"empty with min 1", "", 1, 10, CU_EINVALID, "must not be empty"},
	{"NULL is required", NULL, 0, 10, CU_EINVALID, "is required"},
	{"exactly max bytes", "0123456789", 1, 10, 0, NULL},
	{"max + 1 bytes", "0123456789A", 1, 10, CU_EINVALID, "longer than 10 bytes"},
	{"max counts bytes, not characters", "\xc3\xa9\xc3\xa9", 1, 3, CU_EINVALID,
	 "longer than 3"},
	{"invalid UTF-8", "a\xff", 1, 10, CU_EINVALID, "not valid UTF-8"},
	{"overlong UTF-8", "\xc0\xaf", 1, 10, CU_EINVALID, "not valid UTF-8"},
	{"surrogate", "\xed\xa0\x80", 1, 10, CU_EINVALID, "not valid UTF-8"},
	{"SOH 0x01", "a\x01", 1, 10, CU_EINVALID, "control character"},
	{"BEL 0x07", "\x07", 1, 10, CU_EINVALID, "control character"},
	{"backspace 0x08", "ab\bc", 1, 10, CU_EINVALID, "control character"},
	{"vertical tab 0x0B", "a\vb", 1, 10, CU_EINVALID, "control character"},
	{"form feed 0x0C", "a\fb", 1, 10, CU_EINVALID, "control character"},
	{"ESC 0x1B (terminal escape)", "\x1b[31mred", 1, 20, CU_EINVALID, "control character"},
	{"unit separator 0x1F", "a\x1f", 1, 10, CU_EINVALID, "control character"},
};

static void test_util_text__table(void **state)
{
	(void)state;
	int bad = 0;
	for (size_t i = 0; i < sizeof(text_rows) / sizeof(text_rows[0]); i++) {
		const struct text_row *r = &text_rows[i];
		cu_error_clear();
		int rc = cu_valid_text("title", r->s, r->min, r->max);
		const char *m = cu_error_message(rc);
		if (rc != r->rc) {
			print_error("row %zu (%s): rc %d, want %d (%s)\n", i, r->what, rc, r->rc,
			            m);
			bad++;
		} else if (r->msg && (!strstr(m, r->msg) || !strstr(m, "\"title\""))) {
			print_error("row %zu (%s): message \"%s\" lacks \"%s\" or the field\n",
			            i, r->what, m, r->msg);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/*
 * DEL and the C1 controls U+0080-U+009F are control characters too (Unicode
 * general category Cc). U+009B is CSI: a title holding it can drive a terminal
 * that `custodia case show` prints to.
 */
static void test_util_text__del_and_c1_controls_refused(void **state)
{
	(void)state;
	static const char *const rows[] = {"a\x7f", "\xc2\x80", "\xc2\x85", "a\xc2\x9b[31mred",
	                                   "\xc2\x9f"};
	int bad = 0;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (cu_valid_text("title", rows[i], 1, 100) != CU_EINVALID) {
			print_error("row %zu: control character accepted\n", i);
			bad++;
		}
	}
	/* U+00A0 (no-break space) right after the C1 block is ordinary text. */
	assert_int_equal(cu_valid_text("title", "a\xc2\xa0" "b", 1, 100), 0);
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_util_utf8__table),
		cmocka_unit_test(test_util_utf8__length_bounds_the_scan),
		cmocka_unit_test(test_util_utf8__every_single_byte),
		cmocka_unit_test(test_util_utf8__every_code_point),
		cmocka_unit_test(test_util_text__table),
		cmocka_unit_test(test_util_text__del_and_c1_controls_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
