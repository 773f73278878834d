/* SPDX-License-Identifier: Apache-2.0 */
/* crypto: hashing, random tokens, password hashes and the node's signing key. */
#ifndef CU_CRYPTO_H
#define CU_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Initialises libsodium; call once before any other function. */
int cu_crypto_init(void);

/* SHA-256 (OpenSSL, uses SHA-NI where the CPU has it). */
void cu_sha256(uint8_t out[32], const void *data, size_t len);
void cu_hex(char *out, const uint8_t *in, size_t n); /* out: 2n+1 bytes */

void cu_random(void *buf, size_t n);

/* Constant-time equality of two equal-length byte strings. */
bool cu_ct_equal(const void *a, const void *b, size_t n);
/* Wipes a secret from memory in a way the compiler keeps. */
void cu_wipe(void *p, size_t n);

/*
 * Passwords: Argon2id hashes in the libsodium string format. cu_password_hash
 * refuses passwords shorter than 4 or longer than 1024 bytes (CU_EINVALID).
 * cu_password_verify returns 0 on match, CU_EAUTH otherwise.
 */
#define CU_PWHASH_LEN 128
int cu_password_hash(char out[CU_PWHASH_LEN], const char *password);
int cu_password_verify(const char *hash, const char *password);

/*
 * Bearer tokens are "cu_<id>.<secret>": id is 16 hex digits (public, the
 * lookup key), secret is 43 base64url characters (256 bits). Only SHA-256 of
 * the secret is stored; it is compared in constant time.
 */
#define CU_TOKEN_ID_LEN 16
#define CU_TOKEN_LEN (3 + CU_TOKEN_ID_LEN + 1 + 43)
void cu_token_new(char out[CU_TOKEN_LEN + 1], char id[CU_TOKEN_ID_LEN + 1],
                  uint8_t secret_hash[32]);
/* Splits a token; CU_EAUTH if malformed. */
int cu_token_parse(const char *token, char id[CU_TOKEN_ID_LEN + 1], uint8_t secret_hash[32]);

/*
 * The node identity: an Ed25519 key pair in DIR/node.key (0600) and
 * DIR/node.pub. cu_identity_ensure creates it if absent.
 */
typedef struct cu_identity {
	uint8_t pk[32];
	uint8_t sk[64];
} cu_identity;
int cu_identity_ensure(const char *datadir);
int cu_identity_load(cu_identity *out, const char *datadir);
void cu_identity_wipe(cu_identity *id);
int cu_sign(uint8_t sig[64], const cu_identity *id, const void *msg, size_t len);
int cu_verify(const uint8_t sig[64], const uint8_t pk[32], const void *msg, size_t len);

/* Base64 (standard alphabet, padded). out needs 4*((n+2)/3)+1 bytes. */
void cu_base64(char *out, const uint8_t *in, size_t n);
int cu_unbase64(uint8_t *out, size_t *outlen, size_t max, const char *in);

#endif
