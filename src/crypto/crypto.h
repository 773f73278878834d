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
/* SHA-256 of a ‖ b, without copying them together. */
void cu_sha256_2(uint8_t out[32], const void *a, size_t an, const void *b, size_t bn);
void cu_hex(char *out, const uint8_t *in, size_t n); /* out: 2n+1 bytes */
/* MD5, only where a protocol demands it (S3's Content-MD5 and ETag); never for security. */
void cu_md5(uint8_t out[16], const void *data, size_t len);

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
/* A key pair from a 32-byte Ed25519 seed (RFC 8032). */
void cu_identity_from_seed(cu_identity *out, const uint8_t seed[32]);
int cu_sign(uint8_t sig[64], const cu_identity *id, const void *msg, size_t len);
int cu_verify(const uint8_t sig[64], const uint8_t pk[32], const void *msg, size_t len);

/* Streaming SHA-256 (OpenSSL). cu_sha256_end frees the context. */
typedef struct cu_sha256_ctx cu_sha256_ctx;
int cu_sha256_begin(cu_sha256_ctx **out);
void cu_sha256_update(cu_sha256_ctx *c, const void *data, size_t len);
void cu_sha256_end(cu_sha256_ctx *c, uint8_t out[32]);
/* Parses 64 hex digits; CU_EINVALID otherwise. */
int cu_unhex32(uint8_t out[32], const char *hex);
/* Parses exactly 2n hex digits into n bytes; CU_EINVALID otherwise. */
int cu_unhex(uint8_t *out, size_t n, const char *hex);

/*
 * Keys. The node master key lives in DIR/master.key (0600); data keys are
 * random and stored only wrapped by it (XChaCha20-Poly1305 with the key's
 * purpose as associated data, so a wrapped key cannot be moved to another
 * case). Keyed hashes (HMAC-SHA-256) name blobs without revealing content.
 */
#define CU_KEY_LEN 32
#define CU_WRAPPED_LEN 72
void cu_key_new(uint8_t key[CU_KEY_LEN]);
void cu_key_wrap(uint8_t out[CU_WRAPPED_LEN], const uint8_t master[CU_KEY_LEN],
                 const uint8_t key[CU_KEY_LEN], const char *purpose);
int cu_key_unwrap(uint8_t key[CU_KEY_LEN], const uint8_t master[CU_KEY_LEN],
                  const uint8_t in[CU_WRAPPED_LEN], const char *purpose);
void cu_keyed_hash(uint8_t out[32], const uint8_t key[CU_KEY_LEN], const void *msg, size_t len);

/*
 * The master key (src/crypto/keys.c, docs/keys.md): `key` wraps the data
 * keys; `name_key` names blobs. The first master key's name key derives from
 * it (HMAC(key, "custodia blob names v1")); a rotated one keeps its
 * predecessor's, so that blob names never change. DIR/master.key holds it in
 * one of three forms:
 *
 *   plain    "custodia-master-key-v1\n" base64(key)            (as made by init)
 *            "custodia-master-key-v2\n" base64(key ‖ name key)
 *   sealed   cu_seal(key ‖ name key, passphrase, "master")     (Argon2id)
 *   pkcs11   "custodia-master-key-pkcs11-v1\n" and the lines "module PATH",
 *            "token LABEL", "key LABEL", "wrapped base64(IV ‖ AES-GCM(key ‖ name
 *            key) ‖ tag)", encrypted inside the token by a non-extractable
 *            AES-256 key
 *
 * The passphrase of a sealed key comes from the file CUSTODIA_MASTER_PASSPHRASE_FILE
 * names, else the systemd credential $CREDENTIALS_DIRECTORY/master-passphrase; a
 * token's PIN from CUSTODIA_PKCS11_PIN_FILE, else the credential pkcs11-pin.
 */
typedef struct cu_master {
	uint8_t key[CU_KEY_LEN];
	uint8_t name_key[CU_KEY_LEN];
} cu_master;
enum { CU_MASTER_PLAIN = 0, CU_MASTER_SEALED = 1, CU_MASTER_PKCS11 = 2 };
typedef struct cu_master_form {
	int kind;          /* CU_MASTER_* */
	char module[1024]; /* PKCS#11: the module's path */
	char token[64];    /* PKCS#11: the token's label */
	char label[128];   /* PKCS#11: the AES key's label */
} cu_master_form;
/* Creates DIR/master.key (plain) if absent. */
int cu_master_ensure(const char *datadir);
/* Reads DIR/master.key in any form; form (may be NULL) says which. CU_EAUTH:
 * no or a wrong passphrase/PIN (the message names what to set); CU_ECRYPTO:
 * not a master key, or it does not open. */
int cu_master_load(cu_master *out, cu_master_form *form, const char *datadir);
/* The same for any file; secret: the passphrase or PIN, NULL to take it from
 * the environment as above. */
int cu_master_read(cu_master *out, cu_master_form *form, const char *path, const char *secret);
/* Writes path in form, atomically (path.tmp, fsync, rename, directory fsync),
 * 0600. PKCS#11: the token's key is generated if absent, and what was
 * written is decrypted once before it replaces anything. */
int cu_master_write(const char *path, const cu_master *m, const cu_master_form *form,
                    const char *secret);
/* A new random key keeping m's name key (out may be m). */
void cu_master_rotate(cu_master *out, const cu_master *m);
/* name_key = HMAC(key, "custodia blob names v1"): the first key's. */
void cu_master_derive_names(cu_master *m);
/* A public fingerprint: 16 hex digits of SHA-256("custodia-master-id\n" ‖ key). */
void cu_master_id(char out[17], const cu_master *m);
const char *cu_master_form_name(int kind);
void cu_master_wipe(cu_master *m);

/*
 * Secrets from files, never from argv or an environment variable's value.
 * cu_secret_read: the first line of a file not readable by group or others
 * (CU_ECRYPTO otherwise, CU_EINVALID if empty). cu_secret_from_env: the file
 * the variable env names, else $CREDENTIALS_DIRECTORY/credential (systemd
 * LoadCredential=); CU_ENOTFOUND, with no message, if neither is set.
 */
int cu_secret_read(char *out, size_t n, const char *path);
int cu_secret_from_env(char *out, size_t n, const char *env, const char *credential);

/* Replaces a key file atomically (path.tmp, fsync, rename, directory fsync). */
int cu_key_file_replace(const char *path, const void *data, size_t len, unsigned mode);
/* rename(from, to) and fsync of the directory. */
int cu_key_file_rename(const char *from, const char *to);

/* Signing keys for rotation: a new pair; the secret key's file (0600, the
 * node.key format) written atomically, read back; a public key's file (node.pub). */
void cu_identity_new(cu_identity *out);
int cu_identity_save(const char *path, const cu_identity *id);
int cu_identity_read(cu_identity *out, const char *path);
int cu_pubkey_save(const char *path, const uint8_t pk[32]);

/*
 * Sealing a small secret (a key) with a passphrase: Argon2id derives a key
 * from the passphrase and a random salt, XChaCha20-Poly1305 encrypts the
 * secret with the purpose as associated data (a sealed master key cannot
 * pass for a sealed backup key). The sealed form is one line of text:
 *
 *   custodia-sealed-v1 PURPOSE OPSLIMIT MEMLIMIT SALT NONCE CIPHERTEXT
 *
 * (the last three in base64). The Argon2id cost travels with it, so raising
 * it later keeps older seals readable. cu_seal returns a malloc'd string;
 * cu_unseal fails with CU_EAUTH on a wrong passphrase or an altered seal and
 * CU_EINVALID on text that is not a seal of that purpose. Passphrases of 1 to
 * 1024 bytes (a new seal: at least CU_SEAL_MIN); secrets of at most
 * CU_SEAL_MAX bytes.
 */
#define CU_SEAL_MAX 4096
#define CU_SEAL_MIN 12
int cu_seal(char **out, const void *secret, size_t len, const char *passphrase,
            const char *purpose);
int cu_unseal(uint8_t *out, size_t *outlen, size_t max, const char *sealed,
              const char *passphrase, const char *purpose);
/* Whether text starts like a seal (any purpose). */
bool cu_is_sealed(const char *text);

/*
 * Authenticated streaming encryption (libsodium secretstream,
 * XChaCha20-Poly1305). Each pushed chunk grows by CU_STREAM_ABYTES; the last
 * is tagged final and may carry associated data. Pulling a chunk that was
 * altered, reordered, truncated or carries other associated data fails with
 * CU_EVERIFY and releases nothing.
 */
#define CU_STREAM_HEADER 24
#define CU_STREAM_ABYTES 17
typedef struct cu_stream cu_stream;
int cu_stream_push_init(cu_stream **out, uint8_t header[CU_STREAM_HEADER],
                        const uint8_t key[CU_KEY_LEN]);
void cu_stream_push(cu_stream *s, uint8_t *out, const uint8_t *in, size_t len, bool final,
                    const uint8_t *ad, size_t adlen);
int cu_stream_pull_init(cu_stream **out, const uint8_t header[CU_STREAM_HEADER],
                        const uint8_t key[CU_KEY_LEN]);
int cu_stream_pull(cu_stream *s, uint8_t *out, size_t *outlen, bool *final, const uint8_t *in,
                   size_t len, const uint8_t *ad, size_t adlen);
void cu_stream_free(cu_stream *s);

/* Base64 (standard alphabet, padded). out needs 4*((n+2)/3)+1 bytes. */
void cu_base64(char *out, const uint8_t *in, size_t n);
int cu_unbase64(uint8_t *out, size_t *outlen, size_t max, const char *in);

#endif
