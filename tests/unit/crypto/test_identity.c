/* SPDX-License-Identifier: Apache-2.0 */
/* crypto tests: the node identity (node.key, node.pub) and Ed25519 signatures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "crypto/crypto.h"
#include "util/util.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define KEY_MAGIC "custodia-ed25519-secret-key-v1\n"

/* Each test gets a fresh temporary directory, removed afterwards. */
static int setup(void **state)
{
	static char dir[64];
	if (cu_crypto_init() != 0)
		return -1;
	snprintf(dir, sizeof(dir), "/tmp/cu-test-identity-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	*state = dir;
	return 0;
}

static void path_in(char *out, size_t n, const char *dir, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
}

static int teardown(void **state)
{
	const char *dir = *state;
	char p[128];
	path_in(p, sizeof(p), dir, "node.key");
	unlink(p);
	path_in(p, sizeof(p), dir, "node.pub");
	unlink(p);
	return rmdir(dir);
}

static mode_t file_mode(const char *dir, const char *name)
{
	char p[128];
	struct stat st;
	path_in(p, sizeof(p), dir, name);
	assert_int_equal(stat(p, &st), 0);
	return st.st_mode & 07777;
}

static size_t read_file(const char *dir, const char *name, char *buf, size_t n)
{
	char p[128];
	path_in(p, sizeof(p), dir, name);
	FILE *f = fopen(p, "rb");
	assert_non_null(f);
	size_t got = fread(buf, 1, n - 1, f);
	buf[got] = '\0';
	fclose(f);
	return got;
}

static void write_file(const char *dir, const char *name, const void *data, size_t n,
                       mode_t mode)
{
	char p[128];
	path_in(p, sizeof(p), dir, name);
	unlink(p);
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(p, mode), 0);
}

static void unhex(uint8_t *out, const char *hex, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static void test_crypto_identity__ensure_creates_private_key(void **state)
{
	const char *dir = *state;
	char text[512];
	mode_t old = umask(022);
	assert_int_equal(cu_identity_ensure(dir), 0);
	umask(old);
	assert_int_equal(file_mode(dir, "node.key"), 0600);
	assert_int_equal(file_mode(dir, "node.pub"), 0644);
	read_file(dir, "node.key", text, sizeof(text));
	assert_memory_equal(text, KEY_MAGIC, strlen(KEY_MAGIC));
	read_file(dir, "node.pub", text, sizeof(text));
	assert_memory_equal(text, "custodia-ed25519-public-key-v1\n", 31);

	/* node.pub holds the public key of node.key. */
	cu_identity id;
	assert_int_equal(cu_identity_load(&id, dir), 0);
	char b64[64];
	cu_base64(b64, id.pk, 32);
	char *nl = strchr(text + 31, '\n');
	assert_non_null(nl);
	*nl = '\0';
	assert_string_equal(text + 31, b64);
	cu_identity_wipe(&id);
}

/* A permissive umask does not loosen the key file. */
static void test_crypto_identity__ensure_ignores_umask(void **state)
{
	const char *dir = *state;
	mode_t old = umask(0);
	int r = cu_identity_ensure(dir);
	umask(old);
	assert_int_equal(r, 0);
	assert_int_equal(file_mode(dir, "node.key"), 0600);
}

/* A second call keeps the existing key. */
static void test_crypto_identity__ensure_is_idempotent(void **state)
{
	const char *dir = *state;
	cu_identity a, b;
	assert_int_equal(cu_identity_ensure(dir), 0);
	assert_int_equal(cu_identity_load(&a, dir), 0);
	assert_int_equal(cu_identity_ensure(dir), 0);
	assert_int_equal(cu_identity_load(&b, dir), 0);
	assert_memory_equal(a.pk, b.pk, 32);
	assert_memory_equal(a.sk, b.sk, 64);
	cu_identity_wipe(&a);
	cu_identity_wipe(&b);
	uint8_t zero[64] = {0};
	assert_memory_equal(a.sk, zero, 64);
}

static void test_crypto_identity__ensure_fails_in_missing_dir(void **state)
{
	const char *dir = *state;
	char p[128];
	path_in(p, sizeof(p), dir, "no/such/dir");
	assert_int_equal(cu_identity_ensure(p), CU_EIO);
	cu_identity id;
	assert_int_equal(cu_identity_load(&id, p), CU_EIO);
	assert_non_null(strstr(cu_error_message(CU_EIO), "node.key"));
}

/* A key readable by group or others is refused, with advice. */
static void test_crypto_identity__load_refuses_open_modes(void **state)
{
	const char *dir = *state;
	static const mode_t modes[] = {0644, 0640, 0604, 0660, 0606, 0601, 0610, 0700 | 0044};
	char p[128];
	cu_identity id;
	assert_int_equal(cu_identity_ensure(dir), 0);
	path_in(p, sizeof(p), dir, "node.key");
	for (size_t i = 0; i < N(modes); i++) {
		assert_int_equal(chmod(p, modes[i]), 0);
		int rc = cu_identity_load(&id, dir);
		if (rc != CU_ECRYPTO)
			fail_msg("mode %o: rc %d, want CU_ECRYPTO", (unsigned)modes[i], rc);
		assert_non_null(strstr(cu_error_message(CU_ECRYPTO), "chmod 600"));
	}
	/* Owner-only modes are fine. */
	static const mode_t ok[] = {0600, 0400, 0700};
	for (size_t i = 0; i < N(ok); i++) {
		assert_int_equal(chmod(p, ok[i]), 0);
		assert_int_equal(cu_identity_load(&id, dir), 0);
	}
	cu_identity_wipe(&id);
}

static void test_crypto_identity__load_refuses_corrupt_files(void **state)
{
	const char *dir = *state;
	char good[512], bad[512];
	assert_int_equal(cu_identity_ensure(dir), 0);
	size_t n = read_file(dir, "node.key", good, sizeof(good));
	size_t ml = strlen(KEY_MAGIC);
	const struct {
		const char *what;
		size_t len;
	} rows[] = {{"empty file", 0}, {"magic only", ml}, {"truncated key", n - 20}};
	cu_identity id;
	for (size_t i = 0; i < N(rows); i++) {
		write_file(dir, "node.key", good, rows[i].len, 0600);
		if (cu_identity_load(&id, dir) != CU_ECRYPTO)
			fail_msg("%s accepted", rows[i].what);
		assert_non_null(strstr(cu_error_message(CU_ECRYPTO), "not a custodia node key"));
	}
	/* A character of the magic changed. */
	memcpy(bad, good, n);
	bad[3] = 'X';
	write_file(dir, "node.key", bad, n, 0600);
	assert_int_equal(cu_identity_load(&id, dir), CU_ECRYPTO);
	/* A non-base64 character in the key. */
	memcpy(bad, good, n);
	bad[ml + 10] = '*';
	write_file(dir, "node.key", bad, n, 0600);
	assert_int_equal(cu_identity_load(&id, dir), CU_ECRYPTO);
	/* A key of the wrong size (48 bytes). */
	char b64[80], text[256];
	uint8_t raw[48] = {1};
	cu_base64(b64, raw, sizeof(raw));
	int len = snprintf(text, sizeof(text), "%s%s\n", KEY_MAGIC, b64);
	write_file(dir, "node.key", text, (size_t)len, 0600);
	assert_int_equal(cu_identity_load(&id, dir), CU_ECRYPTO);
	/* Trailing garbage after the key. */
	memcpy(bad, good, n);
	memcpy(bad + n, "AAAA\n", 5);
	write_file(dir, "node.key", bad, n + 5, 0600);
	assert_int_equal(cu_identity_load(&id, dir), CU_ECRYPTO);
	/* Random bytes. */
	uint8_t junk[200];
	cu_random(junk, sizeof(junk));
	write_file(dir, "node.key", junk, sizeof(junk), 0600);
	assert_int_equal(cu_identity_load(&id, dir), CU_ECRYPTO);
	/* The good file still loads. */
	write_file(dir, "node.key", good, n, 0600);
	assert_int_equal(cu_identity_load(&id, dir), 0);
	cu_identity_wipe(&id);
}

static void test_crypto_sign__verify_and_tamper(void **state)
{
	const char *dir = *state;
	cu_identity id, other;
	uint8_t sig[64], bad[64];
	const char msg[] = "{\"action\":\"case.create\",\"case\":\"2026/0001\"}";
	assert_int_equal(cu_identity_ensure(dir), 0);
	assert_int_equal(cu_identity_load(&id, dir), 0);
	assert_int_equal(cu_sign(sig, &id, msg, sizeof(msg) - 1), 0);
	assert_int_equal(cu_verify(sig, id.pk, msg, sizeof(msg) - 1), 0);
	/* Ed25519 is deterministic. */
	assert_int_equal(cu_sign(bad, &id, msg, sizeof(msg) - 1), 0);
	assert_memory_equal(bad, sig, 64);
	/* Any flipped byte of the signature fails. */
	for (int i = 0; i < 64; i++) {
		memcpy(bad, sig, 64);
		bad[i] ^= 0x01;
		if (cu_verify(bad, id.pk, msg, sizeof(msg) - 1) != CU_EVERIFY)
			fail_msg("signature byte %d flipped, still verifies", i);
	}
	/* Any flipped byte of the message fails, and so does a shorter message. */
	char m2[sizeof(msg)];
	for (size_t i = 0; i < sizeof(msg) - 1; i++) {
		memcpy(m2, msg, sizeof(msg));
		m2[i] ^= 0x20;
		assert_int_equal(cu_verify(sig, id.pk, m2, sizeof(msg) - 1), CU_EVERIFY);
	}
	assert_int_equal(cu_verify(sig, id.pk, msg, sizeof(msg) - 2), CU_EVERIFY);
	assert_non_null(strstr(cu_error_message(CU_EVERIFY), "signature"));
	/* Another key does not verify it. */
	char p[128];
	path_in(p, sizeof(p), dir, "node.key");
	unlink(p);
	assert_int_equal(cu_identity_ensure(dir), 0);
	assert_int_equal(cu_identity_load(&other, dir), 0);
	assert_memory_not_equal(other.pk, id.pk, 32);
	assert_int_equal(cu_verify(sig, other.pk, msg, sizeof(msg) - 1), CU_EVERIFY);
	/* An empty message signs and verifies. */
	assert_int_equal(cu_sign(sig, &id, "", 0), 0);
	assert_int_equal(cu_verify(sig, id.pk, "", 0), 0);
	cu_identity_wipe(&id);
	cu_identity_wipe(&other);
}

/*
 * RFC 8032, section 7.1, TEST 1 and TEST 2: a node.key holding the RFC's
 * secret key loads to the RFC's public key and signs to the RFC's signature.
 */
static void test_crypto_sign__rfc8032_vectors(void **state)
{
	const char *dir = *state;
	static const struct {
		const char *seed, *pk, *msg, *sig;
	} rows[] = {
		{"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
		 "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
		 "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33ba"
		 "cc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
		{"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
		 "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
		 "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996"
		 "e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
	};
	for (size_t i = 0; i < N(rows); i++) {
		uint8_t sk[64], pk[32], msg[8], want[64], sig[64];
		size_t mlen = strlen(rows[i].msg) / 2;
		unhex(sk, rows[i].seed, 32);
		unhex(sk + 32, rows[i].pk, 32);
		unhex(pk, rows[i].pk, 32);
		unhex(msg, rows[i].msg, mlen);
		unhex(want, rows[i].sig, 64);
		char b64[100], text[256];
		cu_base64(b64, sk, 64);
		int len = snprintf(text, sizeof(text), "%s%s\n", KEY_MAGIC, b64);
		write_file(dir, "node.key", text, (size_t)len, 0600);
		cu_identity id;
		assert_int_equal(cu_identity_load(&id, dir), 0);
		assert_memory_equal(id.pk, pk, 32);
		assert_int_equal(cu_sign(sig, &id, msg, mlen), 0);
		assert_memory_equal(sig, want, 64);
		assert_int_equal(cu_verify(want, pk, msg, mlen), 0);
		cu_identity_wipe(&id);
	}
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_crypto_identity__ensure_creates_private_key),
		T(test_crypto_identity__ensure_ignores_umask),
		T(test_crypto_identity__ensure_is_idempotent),
		T(test_crypto_identity__ensure_fails_in_missing_dir),
		T(test_crypto_identity__load_refuses_open_modes),
		T(test_crypto_identity__load_refuses_corrupt_files),
		T(test_crypto_sign__verify_and_tamper),
		T(test_crypto_sign__rfc8032_vectors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
