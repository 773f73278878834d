/* SPDX-License-Identifier: Apache-2.0 */
/* crypto: the only code that includes libsodium or OpenSSL. */
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "util/util.h"

int cu_crypto_init(void)
{
	if (sodium_init() < 0)
		return cu_error_set(CU_ECRYPTO, "libsodium failed to initialise");
	return 0;
}

void cu_sha256(uint8_t out[32], const void *data, size_t len)
{
	unsigned int n = 32;
	EVP_Digest(data, len, out, &n, EVP_sha256(), NULL);
}

void cu_hex(char *out, const uint8_t *in, size_t n)
{
	sodium_bin2hex(out, 2 * n + 1, in, n);
}

void cu_random(void *buf, size_t n)
{
	randombytes_buf(buf, n);
}

bool cu_ct_equal(const void *a, const void *b, size_t n)
{
	return sodium_memcmp(a, b, n) == 0;
}

void cu_wipe(void *p, size_t n)
{
	sodium_memzero(p, n);
}

int cu_password_hash(char out[CU_PWHASH_LEN], const char *password)
{
	size_t n = strlen(password);
	if (n < 4 || n > 1024)
		return cu_error_set(CU_EINVALID, "a password must be 4 to 1024 bytes long");
	if (crypto_pwhash_str(out, password, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return cu_error_set(CU_ENOMEM, "not enough memory to hash the password");
	return 0;
}

int cu_password_verify(const char *hash, const char *password)
{
	if (!hash || !password || strlen(password) > 1024)
		return CU_EAUTH;
	if (crypto_pwhash_str_verify(hash, password, strlen(password)) != 0)
		return CU_EAUTH;
	return 0;
}

void cu_token_new(char out[CU_TOKEN_LEN + 1], char id[CU_TOKEN_ID_LEN + 1],
                  uint8_t secret_hash[32])
{
	uint8_t idb[CU_TOKEN_ID_LEN / 2], secret[32];
	char s64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
	randombytes_buf(idb, sizeof(idb));
	randombytes_buf(secret, sizeof(secret));
	sodium_bin2hex(id, CU_TOKEN_ID_LEN + 1, idb, sizeof(idb));
	sodium_bin2base64(s64, sizeof(s64), secret, sizeof(secret),
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(out, CU_TOKEN_LEN + 1, "cu_%s.%s", id, s64);
	cu_sha256(secret_hash, s64, strlen(s64));
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(s64, sizeof(s64));
}

int cu_token_parse(const char *token, char id[CU_TOKEN_ID_LEN + 1], uint8_t secret_hash[32])
{
	if (!token || strlen(token) != CU_TOKEN_LEN || strncmp(token, "cu_", 3) != 0 ||
	    token[3 + CU_TOKEN_ID_LEN] != '.')
		return CU_EAUTH;
	for (int i = 0; i < CU_TOKEN_ID_LEN; i++) {
		char c = token[3 + i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return CU_EAUTH;
	}
	memcpy(id, token + 3, CU_TOKEN_ID_LEN);
	id[CU_TOKEN_ID_LEN] = '\0';
	const char *secret = token + 3 + CU_TOKEN_ID_LEN + 1;
	cu_sha256(secret_hash, secret, strlen(secret));
	return 0;
}

/* Writes a whole file with the given mode, created exclusively, synced. */
static int write_new_file(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return cu_error_set(CU_EIO, "cannot create %s: %s", path, strerror(errno));
	const char *p = data;
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			int e = errno;
			close(fd);
			unlink(path);
			return cu_error_set(CU_EIO, "cannot write %s: %s", path, strerror(e));
		}
		p += w;
		len -= (size_t)w;
	}
	if (fchmod(fd, mode) != 0 || fsync(fd) != 0) {
		int e = errno;
		close(fd);
		unlink(path);
		return cu_error_set(CU_EIO, "cannot sync %s: %s", path, strerror(e));
	}
	close(fd);
	return 0;
}

static const char key_magic[] = "custodia-ed25519-secret-key-v1\n";

int cu_identity_ensure(const char *datadir)
{
	char path[4096], pub[4096];
	struct stat st;
	int r;
	snprintf(path, sizeof(path), "%s/node.key", datadir);
	snprintf(pub, sizeof(pub), "%s/node.pub", datadir);
	if (stat(path, &st) == 0)
		return 0;
	cu_identity id;
	char text[sizeof(key_magic) + 100];
	char b64[sodium_base64_ENCODED_LEN(64, sodium_base64_VARIANT_ORIGINAL)];
	crypto_sign_keypair(id.pk, id.sk);
	sodium_bin2base64(b64, sizeof(b64), id.sk, 64, sodium_base64_VARIANT_ORIGINAL);
	int n = snprintf(text, sizeof(text), "%s%s\n", key_magic, b64);
	r = write_new_file(path, text, (size_t)n, 0600);
	sodium_memzero(b64, sizeof(b64));
	sodium_memzero(text, sizeof(text));
	if (r == 0) {
		sodium_bin2base64(b64, sizeof(b64), id.pk, 32, sodium_base64_VARIANT_ORIGINAL);
		n = snprintf(text, sizeof(text), "custodia-ed25519-public-key-v1\n%s\n", b64);
		unlink(pub);
		r = write_new_file(pub, text, (size_t)n, 0644);
	}
	cu_identity_wipe(&id);
	return r;
}

int cu_identity_load(cu_identity *out, const char *datadir)
{
	char path[4096], text[256] = {0};
	struct stat st;
	snprintf(path, sizeof(path), "%s/node.key", datadir);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cu_error_set(CU_EIO, "cannot open %s: %s", path, strerror(errno));
	if (fstat(fd, &st) == 0 && (st.st_mode & 077)) {
		close(fd);
		return cu_error_set(CU_ECRYPTO, "%s is readable by others (mode %o); "
		                    "run chmod 600 on it", path, (unsigned)(st.st_mode & 0777));
	}
	ssize_t n = read(fd, text, sizeof(text) - 1);
	close(fd);
	size_t ml = strlen(key_magic);
	size_t binlen = 0;
	int r = 0;
	if (n < (ssize_t)ml || memcmp(text, key_magic, ml) != 0 ||
	    sodium_base642bin(out->sk, 64, text + ml, (size_t)n - ml, "\n", &binlen, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) != 0 || binlen != 64)
		r = cu_error_set(CU_ECRYPTO, "%s is not a custodia node key", path);
	else
		crypto_sign_ed25519_sk_to_pk(out->pk, out->sk);
	sodium_memzero(text, sizeof(text));
	return r;
}

void cu_identity_wipe(cu_identity *id)
{
	sodium_memzero(id, sizeof(*id));
}

int cu_sign(uint8_t sig[64], const cu_identity *id, const void *msg, size_t len)
{
	if (crypto_sign_detached(sig, NULL, msg, len, id->sk) != 0)
		return cu_error_set(CU_ECRYPTO, "signing failed");
	return 0;
}

int cu_verify(const uint8_t sig[64], const uint8_t pk[32], const void *msg, size_t len)
{
	if (crypto_sign_verify_detached(sig, msg, len, pk) != 0)
		return cu_error_set(CU_EVERIFY, "signature does not verify");
	return 0;
}

void cu_base64(char *out, const uint8_t *in, size_t n)
{
	sodium_bin2base64(out, sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL), in, n,
	                  sodium_base64_VARIANT_ORIGINAL);
}

int cu_unbase64(uint8_t *out, size_t *outlen, size_t max, const char *in)
{
	const char *end;
	if (sodium_base642bin(out, max, in, strlen(in), NULL, outlen, &end,
	                      sodium_base64_VARIANT_ORIGINAL) != 0 || *end)
		return cu_error_set(CU_EINVALID, "bad base64");
	return 0;
}
