/* SPDX-License-Identifier: Apache-2.0 */
/* crypto tests: Argon2id password hashes, their length limits, right and wrong passwords. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/crypto.h"
#include "util/util.h"

static int setup(void **state)
{
	(void)state;
	return cu_crypto_init();
}

static void test_crypto_password__argon2id_and_verifies(void **state)
{
	(void)state;
	char hash[CU_PWHASH_LEN];
	memset(hash, 'x', sizeof(hash));
	assert_int_equal(cu_password_hash(hash, "correct horse battery staple"), 0);
	assert_non_null(memchr(hash, '\0', sizeof(hash)));
	assert_memory_equal(hash, "$argon2id$", 10);
	assert_non_null(strstr(hash, "$v=19$"));
	assert_null(strstr(hash, "correct"));
	assert_int_equal(cu_password_verify(hash, "correct horse battery staple"), 0);
	assert_int_equal(cu_password_verify(hash, "correct horse battery stapl"), CU_EAUTH);
	assert_int_equal(cu_password_verify(hash, "correct horse battery staple "), CU_EAUTH);
	assert_int_equal(cu_password_verify(hash, "Correct horse battery staple"), CU_EAUTH);
	assert_int_equal(cu_password_verify(hash, ""), CU_EAUTH);
}

/* The salt is random: the same password hashes differently, and both verify. */
static void test_crypto_password__salted(void **state)
{
	(void)state;
	char a[CU_PWHASH_LEN], b[CU_PWHASH_LEN];
	assert_int_equal(cu_password_hash(a, "demo"), 0);
	assert_int_equal(cu_password_hash(b, "demo"), 0);
	assert_string_not_equal(a, b);
	assert_int_equal(cu_password_verify(a, "demo"), 0);
	assert_int_equal(cu_password_verify(b, "demo"), 0);
}

/* 4 to 1024 bytes: shorter or longer is CU_EINVALID with a message. */
static void test_crypto_password__length_limits(void **state)
{
	(void)state;
	static const struct {
		size_t len;
		int rc;
	} rows[] = {{0, CU_EINVALID}, {1, CU_EINVALID}, {3, CU_EINVALID}, {4, 0},
	            {1024, 0}, {1025, CU_EINVALID}, {4096, CU_EINVALID}};
	char pw[4097], hash[CU_PWHASH_LEN];
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(pw, 'p', rows[i].len);
		pw[rows[i].len] = '\0';
		cu_error_clear();
		int rc = cu_password_hash(hash, pw);
		if (rc != rows[i].rc)
			fail_msg("%zu bytes: rc %d, want %d", rows[i].len, rc, rows[i].rc);
		if (rc) {
			assert_non_null(strstr(cu_error_message(rc), "4 to 1024"));
		} else {
			assert_int_equal(cu_password_verify(hash, pw), 0);
		}
	}
	/* A 4-byte limit counts bytes: two 2-byte characters are enough. */
	assert_int_equal(cu_password_hash(hash, "\xc3\xa9\xc3\xa9"), 0);
	assert_int_equal(cu_password_verify(hash, "\xc3\xa9\xc3\xa9"), 0);
}

static void test_crypto_password__verify_refuses_garbage(void **state)
{
	(void)state;
	char hash[CU_PWHASH_LEN], pw[1100];
	assert_int_equal(cu_password_hash(hash, "s3cret"), 0);
	assert_int_equal(cu_password_verify(NULL, "s3cret"), CU_EAUTH);
	assert_int_equal(cu_password_verify(hash, NULL), CU_EAUTH);
	assert_int_equal(cu_password_verify("", "s3cret"), CU_EAUTH);
	assert_int_equal(cu_password_verify("s3cret", "s3cret"), CU_EAUTH);
	assert_int_equal(cu_password_verify("$argon2id$v=19$m=65536,t=2,p=1$garbage", "s3cret"),
	                 CU_EAUTH);
	/* A flipped character of the stored hash fails. */
	char bad[CU_PWHASH_LEN];
	memcpy(bad, hash, sizeof(bad));
	size_t n = strlen(bad);
	bad[n - 2] = bad[n - 2] == 'A' ? 'B' : 'A';
	assert_int_equal(cu_password_verify(bad, "s3cret"), CU_EAUTH);
	/* Over-long candidates are refused without hashing them. */
	memset(pw, 'p', 1025);
	pw[1025] = '\0';
	assert_int_equal(cu_password_verify(hash, pw), CU_EAUTH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crypto_password__argon2id_and_verifies),
		cmocka_unit_test(test_crypto_password__salted),
		cmocka_unit_test(test_crypto_password__length_limits),
		cmocka_unit_test(test_crypto_password__verify_refuses_garbage),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
