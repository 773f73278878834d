/* SPDX-License-Identifier: Apache-2.0 */
/* crypto: the only code that includes libsodium or OpenSSL. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
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

/*
 * SHA-256 is on every hot path (Merkle leaves and nodes, tokens, content).
 * The algorithm is fetched from OpenSSL once, and each thread reuses one
 * context: an implicit fetch per call cost a third of the ledger's hashing.
 */
static pthread_once_t sha_once = PTHREAD_ONCE_INIT;
static EVP_MD *sha256_md;
static pthread_key_t sha_key;

static void free_ctx(void *p)
{
	EVP_MD_CTX_free(p);
}

static void sha_init(void)
{
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
	pthread_key_create(&sha_key, free_ctx);
}

static EVP_MD_CTX *thread_ctx(void)
{
	pthread_once(&sha_once, sha_init);
	EVP_MD_CTX *c = pthread_getspecific(sha_key);
	if (!c && (c = EVP_MD_CTX_new()) != NULL)
		pthread_setspecific(sha_key, c);
	return c;
}

void cu_sha256_2(uint8_t out[32], const void *a, size_t an, const void *b, size_t bn)
{
	EVP_MD_CTX *c = thread_ctx();
	unsigned int n = 32;
	if (!c || !sha256_md || EVP_DigestInit_ex2(c, sha256_md, NULL) != 1) {
		memset(out, 0, 32);
		return;
	}
	EVP_DigestUpdate(c, a, an);
	if (bn)
		EVP_DigestUpdate(c, b, bn);
	EVP_DigestFinal_ex(c, out, &n);
}

void cu_sha256(uint8_t out[32], const void *data, size_t len)
{
	cu_sha256_2(out, data, len, NULL, 0);
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
	for (const char *q = token + 3 + CU_TOKEN_ID_LEN + 1; *q; q++)
		if (!((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') ||
		      (*q >= '0' && *q <= '9') || *q == '-' || *q == '_'))
			return CU_EAUTH;
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

void cu_identity_from_seed(cu_identity *out, const uint8_t seed[32])
{
	crypto_sign_seed_keypair(out->pk, out->sk, seed);
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

struct cu_sha256_ctx {
	EVP_MD_CTX *md;
};

int cu_sha256_begin(cu_sha256_ctx **out)
{
	cu_sha256_ctx *c = malloc(sizeof(*c));
	*out = NULL;
	pthread_once(&sha_once, sha_init);
	if (!c || !(c->md = EVP_MD_CTX_new()) || EVP_DigestInit_ex2(c->md, sha256_md, NULL) != 1) {
		if (c)
			EVP_MD_CTX_free(c->md);
		free(c);
		return cu_error_set(CU_ECRYPTO, "cannot start SHA-256");
	}
	*out = c;
	return 0;
}

void cu_sha256_update(cu_sha256_ctx *c, const void *data, size_t len)
{
	EVP_DigestUpdate(c->md, data, len);
}

void cu_sha256_end(cu_sha256_ctx *c, uint8_t out[32])
{
	unsigned int n = 32;
	if (!c)
		return;
	if (out)
		EVP_DigestFinal_ex(c->md, out, &n);
	EVP_MD_CTX_free(c->md);
	free(c);
}

int cu_unhex(uint8_t *out, size_t n, const char *hex)
{
	size_t got = 0;
	const char *end;
	if (!hex || strlen(hex) != 2 * n ||
	    sodium_hex2bin(out, n, hex, 2 * n, NULL, &got, &end) != 0 || got != n || *end)
		return cu_error_set(CU_EINVALID, "not %zu bytes in hex", n);
	return 0;
}

int cu_unhex32(uint8_t out[32], const char *hex)
{
	return cu_unhex(out, 32, hex) == 0 ? 0 : cu_error_set(CU_EINVALID, "not a SHA-256 in hex");
}

void cu_key_new(uint8_t key[CU_KEY_LEN])
{
	crypto_secretstream_xchacha20poly1305_keygen(key);
}

void cu_key_wrap(uint8_t out[CU_WRAPPED_LEN], const uint8_t master[CU_KEY_LEN],
                 const uint8_t key[CU_KEY_LEN], const char *purpose)
{
	randombytes_buf(out, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(
		out + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, NULL, key, CU_KEY_LEN,
		(const uint8_t *)purpose, strlen(purpose), NULL, out, master);
}

int cu_key_unwrap(uint8_t key[CU_KEY_LEN], const uint8_t master[CU_KEY_LEN],
                  const uint8_t in[CU_WRAPPED_LEN], const char *purpose)
{
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(
		    key, NULL, NULL, in + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
		    CU_WRAPPED_LEN - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
		    (const uint8_t *)purpose, strlen(purpose), in, master) != 0)
		return cu_error_set(CU_ECRYPTO, "a wrapped key does not open with the master key "
		                    "(%s)", purpose);
	return 0;
}

void cu_keyed_hash(uint8_t out[32], const uint8_t key[CU_KEY_LEN], const void *msg, size_t len)
{
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, key, CU_KEY_LEN);
	crypto_auth_hmacsha256_update(&st, msg, len);
	crypto_auth_hmacsha256_final(&st, out);
	sodium_memzero(&st, sizeof(st));
}

struct cu_stream {
	crypto_secretstream_xchacha20poly1305_state st;
};

int cu_stream_push_init(cu_stream **out, uint8_t header[CU_STREAM_HEADER],
                        const uint8_t key[CU_KEY_LEN])
{
	cu_stream *s = sodium_malloc(sizeof(*s));
	*out = NULL;
	if (!s)
		return cu_error_set(CU_ENOMEM, "out of memory");
	crypto_secretstream_xchacha20poly1305_init_push(&s->st, header, key);
	*out = s;
	return 0;
}

void cu_stream_push(cu_stream *s, uint8_t *out, const uint8_t *in, size_t len, bool final,
                    const uint8_t *ad, size_t adlen)
{
	crypto_secretstream_xchacha20poly1305_push(
		&s->st, out, NULL, in, len, ad, adlen,
		final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
}

int cu_stream_pull_init(cu_stream **out, const uint8_t header[CU_STREAM_HEADER],
                        const uint8_t key[CU_KEY_LEN])
{
	cu_stream *s = sodium_malloc(sizeof(*s));
	*out = NULL;
	if (!s)
		return cu_error_set(CU_ENOMEM, "out of memory");
	if (crypto_secretstream_xchacha20poly1305_init_pull(&s->st, header, key) != 0) {
		sodium_free(s);
		return cu_error_set(CU_EVERIFY, "the stream header is invalid");
	}
	*out = s;
	return 0;
}

int cu_stream_pull(cu_stream *s, uint8_t *out, size_t *outlen, bool *final, const uint8_t *in,
                   size_t len, const uint8_t *ad, size_t adlen)
{
	unsigned char tag = 0;
	unsigned long long n = 0;
	if (len < CU_STREAM_ABYTES ||
	    crypto_secretstream_xchacha20poly1305_pull(&s->st, out, &n, &tag, in, len, ad, adlen) !=
	            0)
		return cu_error_set(CU_EVERIFY, "a chunk fails authentication: the stored data was "
		                    "altered");
	*outlen = (size_t)n;
	*final = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
	return 0;
}

void cu_stream_free(cu_stream *s)
{
	if (s)
		sodium_free(s); /* sodium_free wipes */
}

void cu_md5(uint8_t out[16], const void *data, size_t len)
{
	unsigned int n = 16;
	EVP_Digest(data, len, out, &n, EVP_md5(), NULL);
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

static const char seal_magic[] = "custodia-sealed-v1";

static int seal_key(uint8_t key[32], const char *pass, const uint8_t *salt,
                    unsigned long long ops, size_t mem)
{
	size_t pl = strlen(pass);
	if (pl < 1 || pl > 1024)
		return cu_error_set(CU_EINVALID, "a passphrase must be 1 to 1024 bytes long");
	if (crypto_pwhash(key, 32, pass, pl, salt, ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return cu_error_set(CU_ENOMEM, "Argon2id: out of memory");
	return 0;
}

/* A purpose is a word: it is one field of the sealed line. */
static bool seal_purpose_ok(const char *purpose)
{
	if (!*purpose || strlen(purpose) > 64)
		return false;
	for (const char *p = purpose; *p; p++)
		if (*p <= ' ' || *p > '~')
			return false;
	return true;
}

int cu_seal(char **out, const void *secret, size_t len, const char *passphrase,
            const char *purpose)
{
	enum { SALT = crypto_pwhash_SALTBYTES, NONCE = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES };
	unsigned long long ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
	size_t mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
	uint8_t salt[SALT], nonce[NONCE], key[32];
	*out = NULL;
	if (!seal_purpose_ok(purpose) || len > CU_SEAL_MAX)
		return cu_error_set(CU_EINVALID, "cannot seal that");
	/*
	 * What a seal keeps is every case's key (the master key, a backup's keys):
	 * one guessed passphrase opens all the evidence. Argon2id slows guessing,
	 * it does not make "x" a secret. Opening older seals takes any length.
	 */
	if (*passphrase && strlen(passphrase) < CU_SEAL_MIN) /* empty: seal_key says so */
		return cu_error_set(CU_EINVALID, "a passphrase that seals keys has at least %d "
		                    "characters (this one has %zu): a few words are easy to type and "
		                    "hard to guess", CU_SEAL_MIN, strlen(passphrase));
	randombytes_buf(salt, sizeof(salt));
	randombytes_buf(nonce, sizeof(nonce));
	int r = seal_key(key, passphrase, salt, ops, mem);
	if (r != 0)
		return r;
	size_t clen = len + crypto_aead_xchacha20poly1305_ietf_ABYTES;
	uint8_t *c = malloc(clen);
	size_t b64c = sodium_base64_ENCODED_LEN(clen, sodium_base64_VARIANT_ORIGINAL);
	size_t cap = sizeof(seal_magic) + strlen(purpose) + 64 + 2 * 64 + b64c;
	char *text = malloc(cap);
	if (!c || !text) {
		free(c);
		free(text);
		sodium_memzero(key, sizeof(key));
		return cu_error_set(CU_ENOMEM, "out of memory");
	}
	crypto_aead_xchacha20poly1305_ietf_encrypt(c, NULL, secret, len, (const uint8_t *)purpose,
	                                           strlen(purpose), NULL, nonce, key);
	sodium_memzero(key, sizeof(key));
	char s64[64], n64[64];
	sodium_bin2base64(s64, sizeof(s64), salt, SALT, sodium_base64_VARIANT_ORIGINAL);
	sodium_bin2base64(n64, sizeof(n64), nonce, NONCE, sodium_base64_VARIANT_ORIGINAL);
	int n = snprintf(text, cap, "%s %s %llu %zu %s %s ", seal_magic, purpose, ops, mem, s64, n64);
	sodium_bin2base64(text + n, cap - (size_t)n, c, clen, sodium_base64_VARIANT_ORIGINAL);
	size_t tl = strlen(text);
	snprintf(text + tl, cap - tl, "\n");
	free(c);
	*out = text;
	return 0;
}

bool cu_is_sealed(const char *text)
{
	size_t ml = sizeof(seal_magic) - 1;
	return text && !strncmp(text, seal_magic, ml) && text[ml] == ' ';
}

int cu_unseal(uint8_t *out, size_t *outlen, size_t max, const char *sealed,
              const char *passphrase, const char *purpose)
{
	enum { SALT = crypto_pwhash_SALTBYTES, NONCE = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES };
	char magic[32], purp[72], ops_s[24], mem_s[24], s64[64], n64[64], *end;
	unsigned long long ops, mem;
	size_t n = 0;
	int used = 0;
	uint8_t salt[SALT], nonce[NONCE], key[32];
	*outlen = 0;
	/* The costs are read as words, then as numbers: sscanf's %llu of a number out of
	 * range is undefined, and a seal is outside input. */
	if (!cu_is_sealed(sealed) ||
	    sscanf(sealed, "%31s %71s %23s %23s %63s %63s %n", magic, purp, ops_s, mem_s, s64, n64,
	           &used) != 6 || used == 0)
		return cu_error_set(CU_EINVALID, "not a sealed secret");
	errno = 0;
	ops = strtoull(ops_s, &end, 10);
	if (errno || *end || ops_s[0] < '0' || ops_s[0] > '9')
		return cu_error_set(CU_EINVALID, "not a sealed secret");
	mem = strtoull(mem_s, &end, 10);
	if (errno || *end || mem_s[0] < '0' || mem_s[0] > '9')
		return cu_error_set(CU_EINVALID, "not a sealed secret");
	if (strcmp(purp, purpose) != 0)
		return cu_error_set(CU_EINVALID, "sealed for \"%s\", not \"%s\"", purp, purpose);
	/* Bounds on the cost a seal may ask for: a crafted seal must not take
	 * the machine's memory or minutes of CPU. */
	if (ops < crypto_pwhash_OPSLIMIT_MIN || ops > 16 || mem < crypto_pwhash_MEMLIMIT_MIN ||
	    mem > (1ull << 30))
		return cu_error_set(CU_EINVALID, "sealed secret with an unreasonable Argon2id cost");
	if (sodium_base642bin(salt, SALT, s64, strlen(s64), NULL, &n, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) != 0 || n != SALT ||
	    sodium_base642bin(nonce, NONCE, n64, strlen(n64), NULL, &n, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) != 0 || n != NONCE)
		return cu_error_set(CU_EINVALID, "not a sealed secret");
	const char *c64 = sealed + used;
	size_t c64len = strcspn(c64, "\r\n");
	size_t cmax = CU_SEAL_MAX + crypto_aead_xchacha20poly1305_ietf_ABYTES, clen = 0;
	uint8_t *c = malloc(cmax);
	if (!c)
		return cu_error_set(CU_ENOMEM, "out of memory");
	if (sodium_base642bin(c, cmax, c64, c64len, NULL, &clen, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    clen < crypto_aead_xchacha20poly1305_ietf_ABYTES ||
	    clen - crypto_aead_xchacha20poly1305_ietf_ABYTES > max) {
		free(c);
		return cu_error_set(CU_EINVALID, "not a sealed secret (or too large)");
	}
	int r = seal_key(key, passphrase, salt, ops, mem);
	unsigned long long got = 0;
	if (r == 0 && crypto_aead_xchacha20poly1305_ietf_decrypt(
	                  out, &got, NULL, c, clen, (const uint8_t *)purpose, strlen(purpose), nonce,
	                  key) != 0)
		r = cu_error_set(CU_EAUTH, "wrong passphrase, or the sealed secret was altered");
	sodium_memzero(key, sizeof(key));
	free(c);
	if (r == 0)
		*outlen = (size_t)got;
	return r;
}
