/* SPDX-License-Identifier: Apache-2.0 */
/* crypto tests: API bearer tokens, their shape, round trip and the refusal of malformed ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/crypto.h"
#include "util/util.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int setup(void **state)
{
	(void)state;
	return cu_crypto_init();
}

static bool is_b64url(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

/* "cu_" + 16 lowercase hex digits + "." + 43 base64url characters. */
static void test_crypto_token__shape(void **state)
{
	(void)state;
	char tok[CU_TOKEN_LEN + 1], id[CU_TOKEN_ID_LEN + 1];
	uint8_t h[32];
	assert_int_equal(CU_TOKEN_LEN, 63);
	for (int k = 0; k < 200; k++) {
		cu_token_new(tok, id, h);
		assert_int_equal(strlen(tok), CU_TOKEN_LEN);
		assert_memory_equal(tok, "cu_", 3);
		assert_int_equal(strlen(id), CU_TOKEN_ID_LEN);
		assert_memory_equal(tok + 3, id, CU_TOKEN_ID_LEN);
		for (int i = 0; i < CU_TOKEN_ID_LEN; i++)
			assert_non_null(strchr("0123456789abcdef", id[i]));
		assert_int_equal(tok[3 + CU_TOKEN_ID_LEN], '.');
		for (const char *p = tok + 3 + CU_TOKEN_ID_LEN + 1; *p; p++)
			if (!is_b64url(*p))
				fail_msg("token %s: '%c' is not base64url", tok, *p);
	}
}

/* The stored hash is SHA-256 of the secret part, and parse finds the same id and hash. */
static void test_crypto_token__round_trip(void **state)
{
	(void)state;
	char tok[CU_TOKEN_LEN + 1], id[CU_TOKEN_ID_LEN + 1], id2[CU_TOKEN_ID_LEN + 1];
	uint8_t h[32], h2[32], want[32];
	cu_token_new(tok, id, h);
	const char *secret = tok + 3 + CU_TOKEN_ID_LEN + 1;
	cu_sha256(want, secret, strlen(secret));
	assert_memory_equal(h, want, 32);
	memset(id2, 'x', sizeof(id2));
	assert_int_equal(cu_token_parse(tok, id2, h2), 0);
	assert_string_equal(id2, id);
	assert_memory_equal(h2, h, 32);
	/* A different secret with the same id parses to a different hash. */
	char other[CU_TOKEN_LEN + 1];
	memcpy(other, tok, sizeof(other));
	other[CU_TOKEN_LEN - 1] = other[CU_TOKEN_LEN - 1] == 'A' ? 'B' : 'A';
	assert_int_equal(cu_token_parse(other, id2, h2), 0);
	assert_string_equal(id2, id);
	assert_false(cu_ct_equal(h2, h, 32));
}

static void test_crypto_token__unique(void **state)
{
	(void)state;
	enum { COUNT = 500 };
	static char ids[COUNT][CU_TOKEN_ID_LEN + 1];
	static uint8_t hashes[COUNT][32];
	char tok[CU_TOKEN_LEN + 1];
	for (int i = 0; i < COUNT; i++)
		cu_token_new(tok, ids[i], hashes[i]);
	for (int i = 0; i < COUNT; i++)
		for (int j = 0; j < i; j++)
			if (!strcmp(ids[i], ids[j]) || cu_ct_equal(hashes[i], hashes[j], 32))
				fail_msg("tokens %d and %d collide", i, j);
}

static const char good[] = "cu_0123456789abcdef.abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456";

static void test_crypto_token__malformed_refused(void **state)
{
	(void)state;
	static const struct {
		const char *what, *tok;
	} rows[] = {
		{"empty", ""},
		{"prefix only", "cu_"},
		{"prefix and id only", "cu_0123456789abcdef"},
		{"no secret", "cu_0123456789abcdef."},
		{"one short", "cu_0123456789abcdef.abcdefghijklmnopqrstuvwxyzABCDEFGHIJ012345"},
		{"one long", "cu_0123456789abcdef.abcdefghijklmnopqrstuvwxyzABCDEFGHIJ01234567"},
		{"wrong prefix", "cx_0123456789abcdef.abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456"},
		{"upper-case prefix",
		 "CU_0123456789abcdef.abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456"},
		{"no prefix, same length",
		 "xx_0123456789abcdef.abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456"},
		{"upper-case hex id",
		 "cu_0123456789ABCDEF.abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456"},
		{"non-hex id", "cu_0123456789abcdeg.abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456"},
		{"id with a dot",
		 "cu_0123456789abcd.f.abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456"},
		{"separator not a dot",
		 "cu_0123456789abcdef_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456"},
		{"short id, long secret",
		 "cu_0123456789abcde.aabcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456"},
		{"Bearer prefix kept",
		 "Bearer cu_0123456789abcdef.abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"},
		{"leading space",
		 " cu_0123456789abcdef.abcdefghijklmnopqrstuvwxyzABCDEFGHIJ012345"},
	};
	char id[CU_TOKEN_ID_LEN + 1];
	uint8_t h[32];
	int bad = 0;
	assert_int_equal(cu_token_parse(good, id, h), 0);
	assert_int_equal(cu_token_parse(NULL, id, h), CU_EAUTH);
	for (size_t i = 0; i < N(rows); i++) {
		int rc = cu_token_parse(rows[i].tok, id, h);
		if (rc != CU_EAUTH) {
			print_error("%s (\"%s\"): rc %d, want CU_EAUTH\n", rows[i].what,
			            rows[i].tok, rc);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/*
 * The secret is 43 base64url characters. A secret part with other bytes
 * (space, '.', '/', '+', '=', a control or non-ASCII byte) is malformed.
 */
static void test_crypto_token__malformed_secret_refused(void **state)
{
	(void)state;
	static const char *const bytes[] = {" ", ".", "/", "+", "=", "\x01", "\n", "\xc3"};
	char tok[sizeof(good)], id[CU_TOKEN_ID_LEN + 1];
	uint8_t h[32];
	int bad = 0;
	for (size_t i = 0; i < N(bytes); i++) {
		memcpy(tok, good, sizeof(good));
		tok[30] = bytes[i][0];
		if (cu_token_parse(tok, id, h) != CU_EAUTH) {
			print_error("secret with byte 0x%02x accepted\n",
			            (unsigned char)bytes[i][0]);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crypto_token__shape),
		cmocka_unit_test(test_crypto_token__round_trip),
		cmocka_unit_test(test_crypto_token__unique),
		cmocka_unit_test(test_crypto_token__malformed_refused),
		cmocka_unit_test(test_crypto_token__malformed_secret_refused),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
