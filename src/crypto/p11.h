/* SPDX-License-Identifier: Apache-2.0 */
/*
 * crypto (internal): a secret encrypted by an AES-256 key that never leaves a
 * PKCS#11 token (an HSM, or SoftHSM2 in the tests). Only master.c uses it.
 *
 * The module is dlopen'ed (C_GetFunctionList); the token is found by its
 * label, the key by its CKA_LABEL (an AES secret key object). The secret is
 * encrypted with CKM_AES_GCM inside the token: a random 96-bit IV, the
 * associated data "custodia-master-v1", a 128-bit tag:
 *
 *   sealed = IV (12) ‖ ciphertext (len) ‖ tag (16)
 */
#ifndef CU_CRYPTO_P11_H
#define CU_CRYPTO_P11_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CU_P11_OVERHEAD (12 + 16)

/*
 * Encrypts len bytes into out (len + CU_P11_OVERHEAD bytes) with the key
 * `label` of token `token`. create: generate the key in the token if it has
 * none of that label (AES-256, CKA_TOKEN, CKA_SENSITIVE, not extractable).
 * CU_EAUTH: wrong PIN; CU_ENOTFOUND: no such token or key; CU_EIO: the
 * module cannot be loaded; CU_ECRYPTO: the token refused.
 */
int cu_p11_encrypt(uint8_t *out, const char *module, const char *token, const char *label,
                   const char *pin, const uint8_t *in, size_t len, bool create);
/* The reverse: out gets len - CU_P11_OVERHEAD bytes; CU_ECRYPTO if the
 * token's key does not open it (another key, or altered). */
int cu_p11_decrypt(uint8_t *out, const char *module, const char *token, const char *label,
                   const char *pin, const uint8_t *in, size_t len);

#endif
