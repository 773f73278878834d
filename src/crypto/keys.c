/* SPDX-License-Identifier: Apache-2.0 */
/*
 * crypto: the key files of a data directory — the master key in its three
 * forms (plain, sealed with a passphrase, wrapped by a PKCS#11 token), the
 * secrets that open them, and the node's signing key files (docs/keys.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "crypto/p11.h"
#include "util/util.h"

#define MASTER_SECRET (2 * CU_KEY_LEN) /* key ‖ name key */
#define FILE_MAX 8192

static const char plain1_magic[] = "custodia-master-key-v1\n";
static const char plain2_magic[] = "custodia-master-key-v2\n";
static const char p11_magic[] = "custodia-master-key-pkcs11-v1\n";
static const char names_label[] = "custodia blob names v1";

/* ---- files --------------------------------------------------------------- */

/* The directory part of path, for syncing a rename into it. */
static int sync_dir_of(const char *path)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return cu_error_set(CU_EIO, "cannot open %s: %s", dir, strerror(errno));
	int r = fsync(fd) == 0 ? 0 : cu_error_set(CU_EIO, "cannot sync %s: %s", dir, strerror(errno));
	close(fd);
	return r;
}

int cu_key_file_replace(const char *path, const void *data, size_t len, unsigned mode)
{
	char tmp[4096 + 16];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return cu_error_set(CU_EINVALID, "path too long: %s", path);
	unlink(tmp);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, (mode_t)mode);
	if (fd < 0)
		return cu_error_set(CU_EIO, "cannot create %s: %s", tmp, strerror(errno));
	const char *p = data;
	size_t left = len;
	int r = 0;
	while (left && r == 0) {
		ssize_t w = write(fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			r = cu_error_set(CU_EIO, "cannot write %s: %s", tmp, strerror(errno));
		else
			p += w, left -= (size_t)w;
	}
	if (r == 0 && (fchmod(fd, (mode_t)mode) != 0 || fsync(fd) != 0))
		r = cu_error_set(CU_EIO, "cannot sync %s: %s", tmp, strerror(errno));
	if (close(fd) != 0 && r == 0)
		r = cu_error_set(CU_EIO, "cannot write %s: %s", tmp, strerror(errno));
	if (r == 0 && rename(tmp, path) != 0)
		r = cu_error_set(CU_EIO, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
	if (r != 0)
		unlink(tmp);
	else
		r = sync_dir_of(path);
	return r;
}

int cu_key_file_rename(const char *from, const char *to)
{
	if (rename(from, to) != 0)
		return cu_error_set(CU_EIO, "cannot rename %s to %s: %s", from, to, strerror(errno));
	return sync_dir_of(to);
}

/*
 * A secret file (0600, not readable by others): its first line into out.
 * Refuses one readable by group or others, as ssh does a private key.
 */
static int read_private(char *out, size_t n, const char *path, bool whole)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	out[0] = '\0';
	if (fd < 0)
		return cu_error_set(errno == ENOENT ? CU_ENOTFOUND : CU_EIO, "cannot open %s: %s",
		                    path, strerror(errno));
	if (fstat(fd, &st) == 0 && (st.st_mode & 077)) {
		close(fd);
		return cu_error_set(CU_ECRYPTO, "%s is readable by others (mode %o); run chmod 600 "
		                    "on it", path, (unsigned)(st.st_mode & 0777));
	}
	size_t got = 0;
	ssize_t k;
	while (got + 1 < n && (k = read(fd, out + got, n - 1 - got)) != 0) {
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			int e = errno;
			close(fd);
			cu_wipe(out, n);
			return cu_error_set(CU_EIO, "cannot read %s: %s", path, strerror(e));
		}
		got += (size_t)k;
	}
	close(fd);
	out[got] = '\0';
	if (got + 1 >= n) {
		cu_wipe(out, n);
		return cu_error_set(CU_ETOOBIG, "%s is too large", path);
	}
	if (!whole)
		out[strcspn(out, "\r\n")] = '\0';
	return 0;
}

int cu_secret_read(char *out, size_t n, const char *path)
{
	int r = read_private(out, n, path, false);
	if (r == 0 && !out[0])
		r = cu_error_set(CU_EINVALID, "%s is empty", path);
	return r;
}

int cu_secret_from_env(char *out, size_t n, const char *env, const char *credential)
{
	char path[4096];
	const char *file = getenv(env), *creds = getenv("CREDENTIALS_DIRECTORY");
	out[0] = '\0';
	if (file && *file)
		return cu_secret_read(out, n, file);
	if (creds && *creds) {
		snprintf(path, sizeof(path), "%s/%s", creds, credential);
		if (access(path, F_OK) == 0)
			return cu_secret_read(out, n, path);
	}
	return CU_ENOTFOUND; /* the caller says what to set */
}

/* ---- the master key ------------------------------------------------------ */

const char *cu_master_form_name(int kind)
{
	return kind == CU_MASTER_SEALED ? "sealed" : kind == CU_MASTER_PKCS11 ? "pkcs11" : "plain";
}

void cu_master_id(char out[17], const cu_master *m)
{
	uint8_t h[32];
	cu_sha256_2(h, "custodia-master-id\n", 19, m->key, CU_KEY_LEN);
	cu_hex(out, h, 8);
}

void cu_master_derive_names(cu_master *m)
{
	cu_keyed_hash(m->name_key, m->key, names_label, sizeof(names_label) - 1);
}

void cu_master_rotate(cu_master *out, const cu_master *m)
{
	uint8_t names[CU_KEY_LEN];
	memcpy(names, m->name_key, CU_KEY_LEN); /* out may be m */
	randombytes_buf(out->key, CU_KEY_LEN);
	memcpy(out->name_key, names, CU_KEY_LEN);
	sodium_memzero(names, sizeof(names));
}

/*
 * A new key file, 0600, only if none exists: written aside, then linked, so
 * that two first opens at once keep one key (the second's link fails, EEXIST).
 */
static int create_once(const char *path, const char *text, size_t len)
{
	char aside[4200];
	snprintf(aside, sizeof(aside), "%s.%ld", path, (long)getpid());
	int r = cu_key_file_replace(aside, text, len, 0600);
	if (r == 0) {
		if (link(aside, path) != 0 && errno != EEXIST)
			r = cu_error_set(CU_EIO, "cannot create %s: %s", path, strerror(errno));
		unlink(aside);
		if (r == 0)
			r = sync_dir_of(path);
	}
	return r;
}


void cu_master_wipe(cu_master *m)
{
	sodium_memzero(m, sizeof(*m));
}

int cu_master_ensure(const char *datadir)
{
	char path[4096];
	struct stat st;
	cu_master m;
	snprintf(path, sizeof(path), "%s/master.key", datadir);
	if (stat(path, &st) == 0)
		return 0;
	randombytes_buf(m.key, CU_KEY_LEN);
	cu_master_derive_names(&m);
	/* The first key's name key derives from it (v1): nothing to store. */
	char b64[sodium_base64_ENCODED_LEN(CU_KEY_LEN, sodium_base64_VARIANT_ORIGINAL)], text[128];
	sodium_bin2base64(b64, sizeof(b64), m.key, CU_KEY_LEN, sodium_base64_VARIANT_ORIGINAL);
	int n = snprintf(text, sizeof(text), "%s%s\n", plain1_magic, b64);
	int r = create_once(path, text, (size_t)n);
	sodium_memzero(b64, sizeof(b64));
	sodium_memzero(text, sizeof(text));
	cu_master_wipe(&m);
	return r;
}

/* The value after "name " on one of the lines of text, into out. */
static bool field(char *out, size_t n, const char *text, const char *name)
{
	size_t nl = strlen(name);
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, name, nl) != 0 || p[nl] != ' ')
			continue;
		size_t len = strcspn(p + nl + 1, "\r\n");
		if (len == 0 || len >= n)
			return false;
		memcpy(out, p + nl + 1, len);
		out[len] = '\0';
		return true;
	}
	return false;
}

static int secret_for(char *out, size_t n, const char *given, int kind, const char *path)
{
	if (given) {
		snprintf(out, n, "%s", given);
		return 0;
	}
	bool sealed = kind == CU_MASTER_SEALED;
	int r = cu_secret_from_env(out, n, sealed ? "CUSTODIA_MASTER_PASSPHRASE_FILE" :
	                                            "CUSTODIA_PKCS11_PIN_FILE",
	                           sealed ? "master-passphrase" : "pkcs11-pin");
	if (r == CU_ENOTFOUND)
		return cu_error_set(CU_EAUTH, sealed ?
		                    "%s is sealed with a passphrase: set CUSTODIA_MASTER_PASSPHRASE_FILE "
		                    "to a file holding it (or pass the systemd credential "
		                    "master-passphrase)" :
		                    "%s is held by a PKCS#11 token: set CUSTODIA_PKCS11_PIN_FILE to a "
		                    "file holding the token's PIN (or pass the systemd credential "
		                    "pkcs11-pin)", path);
	return r;
}

int cu_master_read(cu_master *out, cu_master_form *form, const char *path, const char *secret)
{
	char *text = malloc(FILE_MAX), pass[1100];
	uint8_t buf[CU_SEAL_MAX + CU_P11_OVERHEAD];
	size_t n = 0;
	int r;
	memset(form, 0, sizeof(*form));
	if (!text)
		return cu_error_set(CU_ENOMEM, "out of memory");
	if ((r = read_private(text, FILE_MAX, path, true)) != 0)
		goto out;
	size_t p1 = sizeof(plain1_magic) - 1, p2 = sizeof(plain2_magic) - 1;
	if (!strncmp(text, plain1_magic, p1)) {
		form->kind = CU_MASTER_PLAIN;
		if (sodium_base642bin(out->key, CU_KEY_LEN, text + p1, strlen(text + p1), "\n", &n,
		                      NULL, sodium_base64_VARIANT_ORIGINAL) != 0 || n != CU_KEY_LEN)
			r = cu_error_set(CU_ECRYPTO, "%s is not a custodia master key", path);
		else
			cu_master_derive_names(out);
	} else if (!strncmp(text, plain2_magic, p2)) {
		form->kind = CU_MASTER_PLAIN;
		if (sodium_base642bin(buf, MASTER_SECRET, text + p2, strlen(text + p2), "\n", &n, NULL,
		                      sodium_base64_VARIANT_ORIGINAL) != 0 || n != MASTER_SECRET)
			r = cu_error_set(CU_ECRYPTO, "%s is not a custodia master key", path);
	} else if (cu_is_sealed(text)) {
		form->kind = CU_MASTER_SEALED;
		if ((r = secret_for(pass, sizeof(pass), secret, form->kind, path)) != 0)
			goto out;
		r = cu_unseal(buf, &n, sizeof(buf), text, pass, "master");
		if (r == CU_EAUTH)
			r = cu_error_set(CU_EAUTH, "the passphrase does not open %s (wrong passphrase in "
			                 "CUSTODIA_MASTER_PASSPHRASE_FILE, or the file was altered)", path);
		else if (r == 0 && n != MASTER_SECRET)
			r = cu_error_set(CU_ECRYPTO, "%s does not seal a master key", path);
	} else if (!strncmp(text, p11_magic, sizeof(p11_magic) - 1)) {
		char b64[512];
		form->kind = CU_MASTER_PKCS11;
		if (!field(form->module, sizeof(form->module), text, "module") ||
		    !field(form->token, sizeof(form->token), text, "token") ||
		    !field(form->label, sizeof(form->label), text, "key") ||
		    !field(b64, sizeof(b64), text, "wrapped") ||
		    sodium_base642bin(buf, sizeof(buf), b64, strlen(b64), NULL, &n, NULL,
		                      sodium_base64_VARIANT_ORIGINAL) != 0 ||
		    n != MASTER_SECRET + CU_P11_OVERHEAD) {
			r = cu_error_set(CU_ECRYPTO, "%s is not a custodia master key (PKCS#11 form)", path);
			goto out;
		}
		if ((r = secret_for(pass, sizeof(pass), secret, form->kind, path)) != 0)
			goto out;
		uint8_t plain[MASTER_SECRET];
		if ((r = cu_p11_decrypt(plain, form->module, form->token, form->label, pass, buf, n)) ==
		    0)
			memcpy(buf, plain, MASTER_SECRET);
		sodium_memzero(plain, sizeof(plain));
		if (r == CU_EAUTH)
			r = cu_error_set(CU_EAUTH, "the PKCS#11 token \"%s\" refused the PIN for %s (check "
			                 "CUSTODIA_PKCS11_PIN_FILE)", form->token, path);
	} else {
		r = cu_error_set(CU_ECRYPTO, "%s is not a custodia master key", path);
	}
	/* Every form but v1 holds the key and the name key, in that order. */
	if (r == 0 && strncmp(text, plain1_magic, p1) != 0) {
		memcpy(out->key, buf, CU_KEY_LEN);
		memcpy(out->name_key, buf + CU_KEY_LEN, CU_KEY_LEN);
	}
out:
	if (r != 0)
		cu_master_wipe(out);
	sodium_memzero(buf, sizeof(buf));
	sodium_memzero(pass, sizeof(pass));
	sodium_memzero(text, FILE_MAX);
	free(text);
	return r;
}

int cu_master_load(cu_master *out, cu_master_form *form, const char *datadir)
{
	char path[4096];
	cu_master_form f;
	snprintf(path, sizeof(path), "%s/master.key", datadir);
	return cu_master_read(out, form ? form : &f, path, NULL);
}

int cu_master_write(const char *path, const cu_master *m, const cu_master_form *form,
                    const char *secret)
{
	uint8_t sec[MASTER_SECRET], wrapped[MASTER_SECRET + CU_P11_OVERHEAD];
	char pass[1100], *text = malloc(FILE_MAX), *sealed = NULL;
	char b64[sodium_base64_ENCODED_LEN(MASTER_SECRET + CU_P11_OVERHEAD,
	                                   sodium_base64_VARIANT_ORIGINAL)];
	int r = 0, n = 0;
	if (!text)
		return cu_error_set(CU_ENOMEM, "out of memory");
	memcpy(sec, m->key, CU_KEY_LEN);
	memcpy(sec + CU_KEY_LEN, m->name_key, CU_KEY_LEN);
	if (form->kind == CU_MASTER_PLAIN) {
		/* v2 keeps the name key, which no longer derives from the key once rotated. */
		sodium_bin2base64(b64, sizeof(b64), sec, MASTER_SECRET, sodium_base64_VARIANT_ORIGINAL);
		n = snprintf(text, FILE_MAX, "%s%s\n", plain2_magic, b64);
	} else if (form->kind == CU_MASTER_SEALED) {
		if ((r = secret_for(pass, sizeof(pass), secret, form->kind, path)) != 0 ||
		    (r = cu_seal(&sealed, sec, MASTER_SECRET, pass, "master")) != 0)
			goto out;
		n = snprintf(text, FILE_MAX, "%s", sealed);
	} else if (form->kind == CU_MASTER_PKCS11) {
		if (!*form->module || !*form->token || !*form->label ||
		    strpbrk(form->module, "\r\n") || strpbrk(form->token, "\r\n") ||
		    strpbrk(form->label, "\r\n")) {
			r = cu_error_set(CU_EINVALID, "a PKCS#11 master key needs a module, a token "
			                 "label and a key label (one line each)");
			goto out;
		}
		if ((r = secret_for(pass, sizeof(pass), secret, form->kind, path)) != 0 ||
		    (r = cu_p11_encrypt(wrapped, form->module, form->token, form->label, pass, sec,
		                        MASTER_SECRET, true)) != 0)
			goto out;
		sodium_bin2base64(b64, sizeof(b64), wrapped, sizeof(wrapped),
		                  sodium_base64_VARIANT_ORIGINAL);
		n = snprintf(text, FILE_MAX, "%smodule %s\ntoken %s\nkey %s\nwrapped %s\n", p11_magic,
		             form->module, form->token, form->label, b64);
		/* What was written must open: a token that encrypts but cannot
		 * decrypt (or a module that lies) must not cost the key. */
		uint8_t back[MASTER_SECRET];
		if ((r = cu_p11_decrypt(back, form->module, form->token, form->label, pass, wrapped,
		                        sizeof(wrapped))) == 0 &&
		    !cu_ct_equal(back, sec, MASTER_SECRET))
			r = cu_error_set(CU_ECRYPTO, "the PKCS#11 token does not give back what it "
			                 "encrypted");
		sodium_memzero(back, sizeof(back));
		if (r != 0)
			goto out;
	} else {
		r = cu_error_set(CU_EINVALID, "unknown form of master key");
		goto out;
	}
	if (n <= 0 || n >= FILE_MAX)
		r = cu_error_set(CU_EINVALID, "master key file too long");
	else
		r = cu_key_file_replace(path, text, (size_t)n, 0600);
out:
	sodium_memzero(sec, sizeof(sec));
	sodium_memzero(b64, sizeof(b64));
	sodium_memzero(pass, sizeof(pass));
	sodium_memzero(text, FILE_MAX);
	free(text);
	if (sealed) {
		sodium_memzero(sealed, strlen(sealed));
		free(sealed);
	}
	return r;
}

/* ---- the node's signing key ---------------------------------------------- */

static const char skey_magic[] = "custodia-ed25519-secret-key-v1\n";
static const char pkey_magic[] = "custodia-ed25519-public-key-v1\n";

void cu_identity_new(cu_identity *out)
{
	crypto_sign_keypair(out->pk, out->sk);
}

int cu_identity_save(const char *path, const cu_identity *id)
{
	char b64[sodium_base64_ENCODED_LEN(64, sodium_base64_VARIANT_ORIGINAL)];
	char text[sizeof(skey_magic) + sizeof(b64) + 2];
	sodium_bin2base64(b64, sizeof(b64), id->sk, 64, sodium_base64_VARIANT_ORIGINAL);
	int n = snprintf(text, sizeof(text), "%s%s\n", skey_magic, b64);
	int r = create_once(path, text, (size_t)n);
	sodium_memzero(b64, sizeof(b64));
	sodium_memzero(text, sizeof(text));
	return r;
}

int cu_identity_read(cu_identity *out, const char *path)
{
	char text[256];
	size_t ml = sizeof(skey_magic) - 1, binlen = 0;
	int r = read_private(text, sizeof(text), path, true);
	if (r == 0 && (strncmp(text, skey_magic, ml) != 0 ||
	               sodium_base642bin(out->sk, 64, text + ml, strlen(text + ml), "\n", &binlen,
	                                 NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	               binlen != 64))
		r = cu_error_set(CU_ECRYPTO, "%s is not a custodia node key", path);
	if (r == 0)
		crypto_sign_ed25519_sk_to_pk(out->pk, out->sk);
	sodium_memzero(text, sizeof(text));
	return r;
}

int cu_pubkey_save(const char *path, const uint8_t pk[32])
{
	char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];
	char text[sizeof(pkey_magic) + sizeof(b64) + 2];
	sodium_bin2base64(b64, sizeof(b64), pk, 32, sodium_base64_VARIANT_ORIGINAL);
	int n = snprintf(text, sizeof(text), "%s%s\n", pkey_magic, b64);
	return cu_key_file_replace(path, text, (size_t)n, 0644);
}
