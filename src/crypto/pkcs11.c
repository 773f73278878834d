/* SPDX-License-Identifier: Apache-2.0 */
/* crypto: a secret encrypted by a non-extractable AES key in a PKCS#11 token (p11.h). */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <p11-kit/pkcs11.h>

#include "crypto/crypto.h"
#include "crypto/p11.h"
#include "util/util.h"

static const char gcm_aad[] = "custodia-master-v1";

/*
 * C_Initialize and C_Finalize are the whole process's, and the server's
 * threads and workers each open the vault: one use of a token at a time, so
 * that one thread's C_Finalize never pulls the library from under another.
 */
static pthread_mutex_t p11_mu = PTHREAD_MUTEX_INITIALIZER;

/* One use of a token: module loaded, library initialised, session logged in. */
typedef struct p11 {
	void *dl;
	CK_FUNCTION_LIST_PTR f;
	bool initialised; /* by us: finalise when done */
	CK_SESSION_HANDLE session;
	bool open, logged_in;
} p11;

static int p11_err(CK_RV rv, const char *what)
{
	if (rv == CKR_PIN_INCORRECT || rv == CKR_PIN_LEN_RANGE)
		return cu_error_set(CU_EAUTH, "the PKCS#11 token refused the PIN (%s)", what);
	if (rv == CKR_PIN_LOCKED)
		return cu_error_set(CU_EAUTH, "the PKCS#11 token's PIN is locked (%s)", what);
	return cu_error_set(CU_ECRYPTO, "PKCS#11 %s failed (CKR 0x%lx)", what, (unsigned long)rv);
}

static void p11_close(p11 *t)
{
	/* No function list, nothing opened: the module's C_GetFunctionList failed. */
	if (t->f && t->logged_in)
		t->f->C_Logout(t->session);
	if (t->f && t->open)
		t->f->C_CloseSession(t->session);
	if (t->f && t->initialised)
		t->f->C_Finalize(NULL);
	if (t->dl)
		dlclose(t->dl);
	memset(t, 0, sizeof(*t));
}

/* Whether a token's label (32 bytes, padded with spaces) is `label`. */
static bool label_is(const unsigned char field[32], const char *label)
{
	size_t n = strlen(label);
	if (n > 32 || memcmp(field, label, n) != 0)
		return false;
	for (size_t i = n; i < 32; i++)
		if (field[i] != ' ')
			return false;
	return true;
}

static int p11_open(p11 *t, const char *module, const char *token, const char *pin)
{
	CK_C_GetFunctionList get;
	CK_SLOT_ID slots[64];
	CK_ULONG n = sizeof(slots) / sizeof(slots[0]);
	CK_RV rv;
	memset(t, 0, sizeof(*t));
	if (strlen(token) > 32)
		return cu_error_set(CU_EINVALID, "a PKCS#11 token label has at most 32 bytes");
	if (!(t->dl = dlopen(module, RTLD_NOW | RTLD_LOCAL)))
		return cu_error_set(CU_EIO, "cannot load the PKCS#11 module %s: %s", module, dlerror());
	*(void **)&get = dlsym(t->dl, "C_GetFunctionList");
	/* The module writes a local, not *t: what it may change is what it is given. */
	CK_FUNCTION_LIST_PTR f = NULL;
	if (!get || get(&f) != CKR_OK || !f) {
		p11_close(t);
		return cu_error_set(CU_EIO, "%s is not a PKCS#11 module", module);
	}
	t->f = f;
	rv = t->f->C_Initialize(NULL);
	if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
		p11_close(t);
		return p11_err(rv, "C_Initialize");
	}
	t->initialised = rv == CKR_OK;
	if ((rv = t->f->C_GetSlotList(CK_TRUE, slots, &n)) != CKR_OK) {
		p11_close(t);
		return p11_err(rv, "C_GetSlotList");
	}
	CK_ULONG i;
	for (i = 0; i < n; i++) {
		CK_TOKEN_INFO info;
		if (t->f->C_GetTokenInfo(slots[i], &info) == CKR_OK && label_is(info.label, token))
			break;
	}
	if (i == n) {
		p11_close(t);
		return cu_error_set(CU_ENOTFOUND, "no PKCS#11 token labelled \"%s\" in %s", token,
		                    module);
	}
	if ((rv = t->f->C_OpenSession(slots[i], CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL,
	                              &t->session)) != CKR_OK) {
		p11_close(t);
		return p11_err(rv, "C_OpenSession");
	}
	t->open = true;
	rv = t->f->C_Login(t->session, CKU_USER, (CK_UTF8CHAR_PTR)pin, (CK_ULONG)strlen(pin));
	if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) {
		p11_close(t);
		return p11_err(rv, "C_Login");
	}
	t->logged_in = rv == CKR_OK;
	return 0;
}

/* The AES key labelled `label`; made in the token if create and absent. */
static int find_key(p11 *t, CK_OBJECT_HANDLE *key, const char *label, bool create)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_ULONG found = 0, len = 32;
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_ATTRIBUTE q[] = {
		{CKA_CLASS, &cls, sizeof(cls)},
		{CKA_KEY_TYPE, &kt, sizeof(kt)},
		{CKA_LABEL, (void *)label, (CK_ULONG)strlen(label)},
	};
	CK_RV rv;
	if ((rv = t->f->C_FindObjectsInit(t->session, q, 3)) != CKR_OK)
		return p11_err(rv, "C_FindObjectsInit");
	rv = t->f->C_FindObjects(t->session, key, 1, &found);
	t->f->C_FindObjectsFinal(t->session);
	if (rv != CKR_OK)
		return p11_err(rv, "C_FindObjects");
	if (found == 1)
		return 0;
	if (!create)
		return cu_error_set(CU_ENOTFOUND, "the PKCS#11 token holds no AES key labelled "
		                    "\"%s\"", label);
	/* Generated inside the token, never to leave it. */
	CK_MECHANISM gen = {CKM_AES_KEY_GEN, NULL, 0};
	CK_ATTRIBUTE tpl[] = {
		{CKA_CLASS, &cls, sizeof(cls)},
		{CKA_KEY_TYPE, &kt, sizeof(kt)},
		{CKA_VALUE_LEN, &len, sizeof(len)},
		{CKA_LABEL, (void *)label, (CK_ULONG)strlen(label)},
		{CKA_TOKEN, &yes, sizeof(yes)},
		{CKA_PRIVATE, &yes, sizeof(yes)},
		{CKA_SENSITIVE, &yes, sizeof(yes)},
		{CKA_EXTRACTABLE, &no, sizeof(no)},
		{CKA_ENCRYPT, &yes, sizeof(yes)},
		{CKA_DECRYPT, &yes, sizeof(yes)},
		{CKA_WRAP, &no, sizeof(no)},
		{CKA_UNWRAP, &no, sizeof(no)},
	};
	if ((rv = t->f->C_GenerateKey(t->session, &gen, tpl, sizeof(tpl) / sizeof(tpl[0]), key)) !=
	    CKR_OK)
		return p11_err(rv, "C_GenerateKey (AES-256)");
	return 0;
}

static void gcm_params(CK_GCM_PARAMS *g, uint8_t *iv)
{
	memset(g, 0, sizeof(*g));
	g->pIv = iv;
	g->ulIvLen = 12;
	g->ulIvBits = 96;
	g->pAAD = (CK_BYTE_PTR)gcm_aad;
	g->ulAADLen = sizeof(gcm_aad) - 1;
	g->ulTagBits = 128;
}

int cu_p11_encrypt(uint8_t *out, const char *module, const char *token, const char *label,
                   const char *pin, const uint8_t *in, size_t len, bool create)
{
	p11 t;
	CK_OBJECT_HANDLE key = CK_INVALID_HANDLE; /* set by find_key when it returns 0 */
	CK_GCM_PARAMS g;
	CK_MECHANISM m = {CKM_AES_GCM, &g, sizeof(g)};
	CK_ULONG olen = (CK_ULONG)(len + 16);
	CK_RV rv;
	int r;
	pthread_mutex_lock(&p11_mu);
	if ((r = p11_open(&t, module, token, pin)) != 0) {
		pthread_mutex_unlock(&p11_mu);
		return r;
	}
	if ((r = find_key(&t, &key, label, create)) != 0)
		goto out;
	cu_random(out, 12);
	gcm_params(&g, out);
	if ((rv = t.f->C_EncryptInit(t.session, &m, key)) != CKR_OK ||
	    (rv = t.f->C_Encrypt(t.session, (CK_BYTE_PTR)in, (CK_ULONG)len, out + 12, &olen)) !=
	            CKR_OK) {
		r = p11_err(rv, "AES-GCM encryption");
		goto out;
	}
	if (olen != len + 16)
		r = cu_error_set(CU_ECRYPTO, "the PKCS#11 token's AES-GCM gave %lu bytes, not %zu",
		                 (unsigned long)olen, len + 16);
out:
	p11_close(&t);
	pthread_mutex_unlock(&p11_mu);
	return r;
}

int cu_p11_decrypt(uint8_t *out, const char *module, const char *token, const char *label,
                   const char *pin, const uint8_t *in, size_t len)
{
	p11 t;
	CK_OBJECT_HANDLE key = CK_INVALID_HANDLE; /* set by find_key when it returns 0 */
	CK_GCM_PARAMS g;
	CK_MECHANISM m = {CKM_AES_GCM, &g, sizeof(g)};
	uint8_t iv[12], buf[CU_SEAL_MAX + 16];
	CK_ULONG olen = sizeof(buf);
	CK_RV rv;
	int r;
	if (len < CU_P11_OVERHEAD || len - CU_P11_OVERHEAD > CU_SEAL_MAX)
		return cu_error_set(CU_EINVALID, "a PKCS#11-wrapped secret of the wrong length");
	pthread_mutex_lock(&p11_mu);
	if ((r = p11_open(&t, module, token, pin)) != 0) {
		pthread_mutex_unlock(&p11_mu);
		return r;
	}
	if ((r = find_key(&t, &key, label, false)) != 0)
		goto out;
	memcpy(iv, in, 12);
	gcm_params(&g, iv);
	if ((rv = t.f->C_DecryptInit(t.session, &m, key)) != CKR_OK) {
		r = p11_err(rv, "AES-GCM decryption");
		goto out;
	}
	rv = t.f->C_Decrypt(t.session, (CK_BYTE_PTR)in + 12, (CK_ULONG)(len - 12), buf, &olen);
	if (rv != CKR_OK || olen != len - CU_P11_OVERHEAD) {
		r = cu_error_set(CU_ECRYPTO, "the master key does not open with the PKCS#11 token's "
		                 "key \"%s\" (another key, or the file was altered; CKR 0x%lx)", label,
		                 (unsigned long)rv);
		goto out;
	}
	memcpy(out, buf, olen);
out:
	cu_wipe(buf, sizeof(buf));
	p11_close(&t);
	pthread_mutex_unlock(&p11_mu);
	return r;
}
