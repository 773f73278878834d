/* SPDX-License-Identifier: Apache-2.0 */
/* crypto tests: SHA-256 known answers, hex, constant-time equality, base64, random bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
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

static void sha256_hex(char out[65], const void *data, size_t len)
{
	uint8_t h[32];
	cu_sha256(h, data, len);
	cu_hex(out, h, 32);
}

/*
 * Known answers:
 *  - "abc": FIPS 180-2, Appendix B.1 (SHA-256 example, one-block message);
 *  - the 448-bit message: FIPS 180-2, Appendix B.2 (multi-block message);
 *  - the empty string: NIST CAVP SHA256ShortMsg.rsp, "Len = 0" (FIPS 180-2
 *    itself has no empty-message example).
 */
static void test_crypto_sha256__fips_180_2_vectors(void **state)
{
	(void)state;
	static const struct {
		const char *msg, *digest;
	} rows[] = {
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
	};
	for (size_t i = 0; i < N(rows); i++) {
		char hex[65];
		sha256_hex(hex, rows[i].msg, strlen(rows[i].msg));
		assert_string_equal(hex, rows[i].digest);
	}
}

/* FIPS 180-2, Appendix B.3: one million repetitions of "a". */
static void test_crypto_sha256__million_a(void **state)
{
	(void)state;
	char *m = malloc(1000000), hex[65];
	assert_non_null(m);
	memset(m, 'a', 1000000);
	sha256_hex(hex, m, 1000000);
	assert_string_equal(hex,
	                    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(m);
}

/* The length is honoured: NUL bytes are data, bytes after len are not. */
static void test_crypto_sha256__length_not_nul(void **state)
{
	(void)state;
	char a[65], b[65];
	sha256_hex(a, "abc\0def", 3);
	assert_string_equal(a, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256_hex(b, "abc\0def", 7);
	assert_string_not_equal(a, b);
}

static void test_crypto_hex__lowercase_and_terminated(void **state)
{
	(void)state;
	const uint8_t in[] = {0x00, 0x01, 0xab, 0xcd, 0xef, 0xff};
	char out[2 * sizeof(in) + 2];
	memset(out, 'x', sizeof(out));
	cu_hex(out, in, sizeof(in));
	assert_string_equal(out, "0001abcdefff");
	assert_int_equal(out[sizeof(out) - 1], 'x');
	cu_hex(out, in, 0);
	assert_string_equal(out, "");
}

static void test_crypto_ct_equal__table(void **state)
{
	(void)state;
	uint8_t a[32], b[32];
	for (int i = 0; i < 32; i++)
		a[i] = b[i] = (uint8_t)(i * 7);
	assert_true(cu_ct_equal(a, b, 32));
	assert_true(cu_ct_equal(a, b, 0));
	for (int i = 0; i < 32; i++) {
		for (int bit = 0; bit < 8; bit++) {
			b[i] ^= (uint8_t)(1u << bit);
			if (cu_ct_equal(a, b, 32))
				fail_msg("byte %d bit %d flipped, still equal", i, bit);
			b[i] ^= (uint8_t)(1u << bit);
		}
	}
	/* Only the first n bytes count. */
	b[31] ^= 1;
	assert_true(cu_ct_equal(a, b, 31));
	assert_false(cu_ct_equal(a, b, 32));
}

/* RFC 4648, section 10 test vectors, both ways. */
static void test_crypto_base64__rfc4648_vectors(void **state)
{
	(void)state;
	static const struct {
		const char *plain, *b64;
	} rows[] = {
		{"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"},
		{"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
	};
	for (size_t i = 0; i < N(rows); i++) {
		size_t n = strlen(rows[i].plain);
		char out[4 * ((6 + 2) / 3) + 1];
		cu_base64(out, (const uint8_t *)rows[i].plain, n);
		assert_string_equal(out, rows[i].b64);
		uint8_t back[16];
		size_t len = 99;
		assert_int_equal(cu_unbase64(back, &len, sizeof(back), rows[i].b64), 0);
		assert_int_equal(len, n);
		assert_memory_equal(back, rows[i].plain, n);
	}
	/* The standard alphabet: + and /. */
	const uint8_t hi[] = {0xfb, 0xff, 0xbf};
	char out[5];
	cu_base64(out, hi, 3);
	assert_string_equal(out, "+/+/");
}

static void test_crypto_base64__bad_input_refused(void **state)
{
	(void)state;
	static const char *const rows[] = {
		"Zm9v!", "Zm9", "Zm9vYg=", "Zm9v YmFy", "-_-_", "Zg==Zg==", "Zm9vYg===",
	};
	for (size_t i = 0; i < N(rows); i++) {
		uint8_t out[16];
		size_t len = 0;
		if (cu_unbase64(out, &len, sizeof(out), rows[i]) != CU_EINVALID)
			fail_msg("\"%s\" accepted", rows[i]);
	}
	/* Output larger than max. */
	uint8_t small[2];
	size_t len = 0;
	assert_int_equal(cu_unbase64(small, &len, sizeof(small), "Zm9vYmFy"), CU_EINVALID);
}

static void test_crypto_random__fills_and_differs(void **state)
{
	(void)state;
	uint8_t a[32] = {0}, b[32] = {0}, zero[32] = {0};
	cu_random(a, sizeof(a));
	cu_random(b, sizeof(b));
	assert_false(cu_ct_equal(a, zero, 32));
	assert_false(cu_ct_equal(a, b, 32));
	cu_wipe(a, sizeof(a));
	assert_true(cu_ct_equal(a, zero, 32));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crypto_sha256__fips_180_2_vectors),
		cmocka_unit_test(test_crypto_sha256__million_a),
		cmocka_unit_test(test_crypto_sha256__length_not_nul),
		cmocka_unit_test(test_crypto_hex__lowercase_and_terminated),
		cmocka_unit_test(test_crypto_ct_equal__table),
		cmocka_unit_test(test_crypto_base64__rfc4648_vectors),
		cmocka_unit_test(test_crypto_base64__bad_input_refused),
		cmocka_unit_test(test_crypto_random__fills_and_differs),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
