/* SPDX-License-Identifier: Apache-2.0 */
/* crypto tests: sealing a key with a passphrase (Argon2id + XChaCha20-Poly1305). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/crypto.h"
#include "util/util.h"

static int setup(void **state)
{
	(void)state;
	return cu_crypto_init();
}

static void test_crypto_seal__round_trip(void **state)
{
	(void)state;
	uint8_t key[32], back[64];
	size_t n = 99;
	char *s = NULL;
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)(i * 7 + 1);
	assert_int_equal(cu_seal(&s, key, sizeof(key), "long passphrase", "master"), 0);
	assert_true(cu_is_sealed(s));
	assert_memory_equal(s, "custodia-sealed-v1 master ", 26);
	assert_non_null(strchr(s, '\n'));
	assert_int_equal(cu_unseal(back, &n, sizeof(back), s, "long passphrase", "master"), 0);
	assert_int_equal(n, 32);
	assert_memory_equal(back, key, 32);
	free(s);
}

static void test_crypto_seal__wrong_passphrase_or_purpose(void **state)
{
	(void)state;
	uint8_t key[32] = {1, 2, 3}, back[32];
	size_t n = 7;
	char *s = NULL;
	assert_int_equal(cu_seal(&s, key, sizeof(key), "right horse battery", "backup"), 0);
	assert_int_equal(cu_unseal(back, &n, sizeof(back), s, "wrong", "backup"), CU_EAUTH);
	assert_int_equal(n, 0);
	assert_int_equal(cu_unseal(back, &n, sizeof(back), s, "right horse battery", "master"), CU_EINVALID);
	/* The purpose is authenticated too: relabelling the line does not help. */
	char *moved = malloc(strlen(s) + 8);
	const char *rest = s + strlen("custodia-sealed-v1 backup");
	sprintf(moved, "custodia-sealed-v1 master%s", rest);
	assert_int_equal(cu_unseal(back, &n, sizeof(back), moved, "right horse battery", "master"), CU_EAUTH);
	free(moved);
	free(s);
}

/* Every bit of the ciphertext is authenticated; a short buffer is refused. */
static void test_crypto_seal__altered_or_too_large(void **state)
{
	(void)state;
	uint8_t key[32] = {9}, back[32];
	size_t n;
	char *s = NULL;
	assert_int_equal(cu_seal(&s, key, sizeof(key), "pw of twelve+", "master"), 0);
	size_t len = strlen(s);
	char *alt = strdup(s);
	alt[len - 5] = alt[len - 5] == 'A' ? 'B' : 'A';
	assert_int_equal(cu_unseal(back, &n, sizeof(back), alt, "pw of twelve+", "master"), CU_EAUTH);
	free(alt);
	assert_int_equal(cu_unseal(back, &n, 16, s, "pw of twelve+", "master"), CU_EINVALID);
	free(s);
}

static void test_crypto_seal__refuses_bad_input(void **state)
{
	(void)state;
	uint8_t key[32] = {0}, back[32];
	size_t n;
	char *s = NULL;
	assert_int_equal(cu_seal(&s, key, sizeof(key), "", "master"), CU_EINVALID);
	assert_null(s);
	/* A new seal's passphrase is no single word: every case's key hangs on it. */
	assert_int_equal(cu_seal(&s, key, sizeof(key), "short-11chr", "master"), CU_EINVALID);
	assert_null(s);
	assert_non_null(strstr(cu_error_message(CU_EINVALID), "at least 12 characters"));
	assert_int_equal(cu_seal(&s, key, sizeof(key), "pw", "two words"), CU_EINVALID);
	assert_int_equal(cu_unseal(back, &n, sizeof(back), "custodia-master-key-v1\nAAAA\n", "pw",
	                           "master"), CU_EINVALID);
	assert_int_equal(cu_unseal(back, &n, sizeof(back), "custodia-sealed-v1 master", "pw",
	                           "master"), CU_EINVALID);
	/* A seal demanding 64 GiB of memory is refused before any work. */
	assert_int_equal(cu_unseal(back, &n, sizeof(back),
	                           "custodia-sealed-v1 master 2 68719476736 "
	                           "AAAAAAAAAAAAAAAAAAAAAA== AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA AAAA\n",
	                           "pw", "master"), CU_EINVALID);
	/* Costs out of range, negative or not numbers: refused, not wrapped or guessed. */
	static const char *const costs[] = {"2 99999999999999999999999", "-1 8192", "2 -8192",
	                                    "2x 8192", "2 8192x", "+2 8192"};
	for (size_t i = 0; i < sizeof(costs) / sizeof(costs[0]); i++) {
		char bad[256];
		snprintf(bad, sizeof(bad), "custodia-sealed-v1 master %s AAAAAAAAAAAAAAAAAAAAAA== "
		         "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA AAAA\n", costs[i]);
		assert_int_equal(cu_unseal(back, &n, sizeof(back), bad, "pw", "master"), CU_EINVALID);
	}
	assert_false(cu_is_sealed("custodia-sealed-v2 x"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crypto_seal__round_trip),
		cmocka_unit_test(test_crypto_seal__wrong_passphrase_or_purpose),
		cmocka_unit_test(test_crypto_seal__altered_or_too_large),
		cmocka_unit_test(test_crypto_seal__refuses_bad_input),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
