/* SPDX-License-Identifier: Apache-2.0 */
/*
 * crypto tests: the master key's forms (plain v1/v2, sealed, PKCS#11 in
 * SoftHSM2), where their secrets come from, and rotation keeping the
 * blob-name key. The PKCS#11 cases skip when SoftHSM2 is not installed.
 */
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
#include "testutil.h"
#include "util/util.h"

#define SOFTHSM "/usr/lib/softhsm/libsofthsm2.so"

typedef struct fixture {
	char *tmp;
	char key[4200], pass[4200], pin[4200];
} fixture;

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	if (cu_crypto_init() != 0 || !f)
		return -1;
	f->tmp = tu_tmpdir();
	snprintf(f->key, sizeof(f->key), "%s/master.key", f->tmp);
	snprintf(f->pass, sizeof(f->pass), "%s/pass", f->tmp);
	snprintf(f->pin, sizeof(f->pin), "%s/pin", f->tmp);
	unsetenv("CUSTODIA_MASTER_PASSPHRASE_FILE");
	unsetenv("CUSTODIA_PKCS11_PIN_FILE");
	unsetenv("CREDENTIALS_DIRECTORY");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	tu_rmdir(f->tmp);
	free(f);
	return 0;
}

static void random_master(cu_master *m)
{
	cu_key_new(m->key);
	cu_master_derive_names(m);
}

static void test_crypto_master__v1_as_init_makes_it(void **state)
{
	fixture *f = *state;
	cu_master m, names;
	cu_master_form form;
	assert_int_equal(cu_master_ensure(f->tmp), 0);
	assert_int_equal(cu_master_load(&m, &form, f->tmp), 0);
	assert_int_equal(form.kind, CU_MASTER_PLAIN);
	/* The first key's name key is the one blob names always used. */
	memcpy(names.key, m.key, CU_KEY_LEN);
	cu_keyed_hash(names.name_key, m.key, "custodia blob names v1", 22);
	assert_memory_equal(names.name_key, m.name_key, CU_KEY_LEN);
	/* ensure keeps an existing key. */
	cu_master again;
	assert_int_equal(cu_master_ensure(f->tmp), 0);
	assert_int_equal(cu_master_load(&again, NULL, f->tmp), 0);
	assert_memory_equal(&again, &m, sizeof(m));
}

static void test_crypto_master__rotation_keeps_names(void **state)
{
	fixture *f = *state;
	cu_master m, next, back;
	cu_master_form plain = {.kind = CU_MASTER_PLAIN}, form;
	char a[17], b[17];
	random_master(&m);
	cu_master_rotate(&next, &m);
	assert_memory_not_equal(next.key, m.key, CU_KEY_LEN);
	assert_memory_equal(next.name_key, m.name_key, CU_KEY_LEN);
	cu_master_id(a, &m);
	cu_master_id(b, &next);
	assert_string_not_equal(a, b);
	/* The rotated key's name key no longer derives from it: v2 keeps it. */
	assert_int_equal(cu_master_write(f->key, &next, &plain, NULL), 0);
	assert_int_equal(cu_master_read(&back, &form, f->key, NULL), 0);
	assert_memory_equal(&back, &next, sizeof(back));
	struct stat st;
	assert_int_equal(stat(f->key, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
}

static void test_crypto_master__sealed(void **state)
{
	fixture *f = *state;
	cu_master m, back;
	cu_master_form sealed = {.kind = CU_MASTER_SEALED}, form;
	char text[512];
	random_master(&m);
	assert_int_equal(cu_master_write(f->key, &m, &sealed, "correct horse"), 0);
	FILE *fp = fopen(f->key, "r");
	assert_non_null(fgets(text, sizeof(text), fp));
	fclose(fp);
	assert_true(cu_is_sealed(text));
	assert_memory_equal(text, "custodia-sealed-v1 master ", 26);
	/* The passphrase given, then from the file the variable names. */
	assert_int_equal(cu_master_read(&back, &form, f->key, "correct horse"), 0);
	assert_int_equal(form.kind, CU_MASTER_SEALED);
	assert_memory_equal(&back, &m, sizeof(m));
	/* None: the error names what to set. */
	assert_int_equal(cu_master_read(&back, &form, f->key, NULL), CU_EAUTH);
	assert_non_null(strstr(cu_error_message(CU_EAUTH), "CUSTODIA_MASTER_PASSPHRASE_FILE"));
	write_file(f->pass, "correct horse\n", 0600);
	setenv("CUSTODIA_MASTER_PASSPHRASE_FILE", f->pass, 1);
	assert_int_equal(cu_master_read(&back, &form, f->key, NULL), 0);
	assert_memory_equal(&back, &m, sizeof(m));
	/* A wrong one. */
	write_file(f->pass, "wrong horse\n", 0600);
	assert_int_equal(cu_master_read(&back, &form, f->key, NULL), CU_EAUTH);
	assert_non_null(strstr(cu_error_message(CU_EAUTH), "wrong passphrase"));
	/* A passphrase file others can read is refused, as is an empty one. */
	write_file(f->pass, "correct horse\n", 0644);
	assert_int_equal(cu_master_read(&back, &form, f->key, NULL), CU_ECRYPTO);
	write_file(f->pass, "\n", 0600);
	assert_int_equal(cu_master_read(&back, &form, f->key, NULL), CU_EINVALID);
	unsetenv("CUSTODIA_MASTER_PASSPHRASE_FILE");
	/* systemd: $CREDENTIALS_DIRECTORY/master-passphrase. */
	char cred[4300];
	snprintf(cred, sizeof(cred), "%s/master-passphrase", f->tmp);
	write_file(cred, "correct horse", 0600);
	setenv("CREDENTIALS_DIRECTORY", f->tmp, 1);
	assert_int_equal(cu_master_read(&back, &form, f->key, NULL), 0);
	assert_memory_equal(&back, &m, sizeof(m));
	unsetenv("CREDENTIALS_DIRECTORY");
}

static void test_crypto_master__malformed(void **state)
{
	fixture *f = *state;
	cu_master back;
	cu_master_form form;
	write_file(f->key, "custodia-master-key-v1\nnot base64!\n", 0600);
	assert_int_equal(cu_master_read(&back, &form, f->key, NULL), CU_ECRYPTO);
	write_file(f->key, "custodia-master-key-v2\nAAAA\n", 0600);
	assert_int_equal(cu_master_read(&back, &form, f->key, NULL), CU_ECRYPTO);
	write_file(f->key, "custodia-master-key-pkcs11-v1\nmodule /x\n", 0600);
	assert_int_equal(cu_master_read(&back, &form, f->key, NULL), CU_ECRYPTO);
	write_file(f->key, "something else\n", 0600);
	assert_int_equal(cu_master_read(&back, &form, f->key, NULL), CU_ECRYPTO);
	/* Readable by others: refused before it is read. */
	cu_master m;
	cu_master_form plain = {.kind = CU_MASTER_PLAIN};
	random_master(&m);
	assert_int_equal(cu_master_write(f->key, &m, &plain, NULL), 0);
	assert_int_equal(chmod(f->key, 0644), 0);
	assert_int_equal(cu_master_read(&back, &form, f->key, NULL), CU_ECRYPTO);
	assert_non_null(strstr(cu_error_message(CU_ECRYPTO), "readable by others"));
}

/* A throwaway SoftHSM2 token in the fixture's directory; false if absent. */
static bool softhsm(fixture *f)
{
	char conf[4300], cmd[9000], dir[4300];
	if (access(SOFTHSM, R_OK) != 0 || system("command -v softhsm2-util >/dev/null") != 0)
		return false;
	snprintf(dir, sizeof(dir), "%s/tokens", f->tmp);
	snprintf(conf, sizeof(conf), "%s/softhsm2.conf", f->tmp);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(cmd, sizeof(cmd), "directories.tokendir = %s\nobjectstore.backend = file\n"
	         "log.level = ERROR\n", dir);
	write_file(conf, cmd, 0600);
	setenv("SOFTHSM2_CONF", conf, 1);
	snprintf(cmd, sizeof(cmd), "softhsm2-util --init-token --free --label unit --pin 1234 "
	         "--so-pin 5678 >/dev/null");
	assert_int_equal(system(cmd), 0);
	return true;
}

static void test_crypto_master__pkcs11(void **state)
{
	fixture *f = *state;
	cu_master m, back;
	cu_master_form form, tok = {.kind = CU_MASTER_PKCS11};
	char text[4096];
	if (!softhsm(f))
		skip();
	snprintf(tok.module, sizeof(tok.module), "%s", SOFTHSM);
	snprintf(tok.token, sizeof(tok.token), "unit");
	snprintf(tok.label, sizeof(tok.label), "custodia-master");
	random_master(&m);
	/* The token's key is made on first use; the file names where it is. */
	assert_int_equal(cu_master_write(f->key, &m, &tok, "1234"), 0);
	FILE *fp = fopen(f->key, "r");
	size_t n = fread(text, 1, sizeof(text) - 1, fp);
	fclose(fp);
	text[n] = '\0';
	assert_non_null(strstr(text, "custodia-master-key-pkcs11-v1\nmodule " SOFTHSM "\n"));
	assert_non_null(strstr(text, "\ntoken unit\nkey custodia-master\nwrapped "));
	assert_int_equal(cu_master_read(&back, &form, f->key, "1234"), 0);
	assert_int_equal(form.kind, CU_MASTER_PKCS11);
	assert_string_equal(form.token, "unit");
	assert_memory_equal(&back, &m, sizeof(m));
	/* Written again (a rotation): the same token key, another ciphertext. */
	cu_master next;
	cu_master_rotate(&next, &m);
	assert_int_equal(cu_master_write(f->key, &next, &form, "1234"), 0);
	assert_int_equal(cu_master_read(&back, &form, f->key, "1234"), 0);
	assert_memory_equal(&back, &next, sizeof(m));
	/* The PIN from CUSTODIA_PKCS11_PIN_FILE; none, or a wrong one, refused. */
	assert_int_equal(cu_master_read(&back, &form, f->key, NULL), CU_EAUTH);
	assert_non_null(strstr(cu_error_message(CU_EAUTH), "CUSTODIA_PKCS11_PIN_FILE"));
	write_file(f->pin, "1234\n", 0600);
	setenv("CUSTODIA_PKCS11_PIN_FILE", f->pin, 1);
	assert_int_equal(cu_master_read(&back, &form, f->key, NULL), 0);
	assert_memory_equal(&back, &next, sizeof(m));
	write_file(f->pin, "9999\n", 0600);
	assert_int_equal(cu_master_read(&back, &form, f->key, NULL), CU_EAUTH);
	assert_non_null(strstr(cu_error_message(CU_EAUTH), "refused the PIN"));
	unsetenv("CUSTODIA_PKCS11_PIN_FILE");
	/* A flipped byte of the wrapped key does not open (GCM's tag). */
	char *w = strstr(text, "wrapped ");
	assert_non_null(w);
	w[20] = w[20] == 'A' ? 'B' : 'A';
	write_file(f->key, text, 0600);
	assert_int_equal(cu_master_read(&back, &form, f->key, "1234"), CU_ECRYPTO);
	/* Another key label, absent from the token: not found, not made on read. */
	assert_int_equal(cu_master_write(f->key, &m, &tok, "1234"), 0);
	fp = fopen(f->key, "r");
	n = fread(text, 1, sizeof(text) - 1, fp);
	fclose(fp);
	text[n] = '\0';
	char *k = strstr(text, "key custodia-master");
	memcpy(k, "key custodia-other ", 19);
	write_file(f->key, text, 0600);
	assert_int_equal(cu_master_read(&back, &form, f->key, "1234"), CU_ENOTFOUND);
	/* An unknown token. */
	snprintf(tok.token, sizeof(tok.token), "nosuch");
	assert_int_equal(cu_master_write(f->key, &m, &tok, "1234"), CU_ENOTFOUND);
	unsetenv("SOFTHSM2_CONF");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_crypto_master__v1_as_init_makes_it, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crypto_master__rotation_keeps_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crypto_master__sealed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crypto_master__malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crypto_master__pkcs11, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
