/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tests: C2SP signed notes and checkpoints against the vectors in
 * ../shared/testdata/signed-note (golang.org/x/mod sumdb/note, BSD-3-Clause;
 * C2SP spec examples, BSD-1-Clause; sigsum-go, BSD-2-Clause; see SOURCE.md).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "ledger/note.h"
#include "util/util.h"

static json_t *vectors, *cpv;

static json_t *load(const char *name)
{
	char path[4096];
	const char *shared = getenv("CU_SHARED");
	snprintf(path, sizeof(path), "%s/testdata/signed-note/%s", shared ? shared : "../shared",
	         name);
	json_t *j = json_load_file(path, 0, NULL);
	if (!j)
		fail_msg("cannot read %s", path);
	return j;
}

static void unhex(uint8_t *out, size_t n, const char *hex)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		sscanf(hex + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
}

static json_t *note_by_id(const char *id)
{
	size_t i;
	json_t *n;
	json_array_foreach(json_object_get(vectors, "notes"), i, n)
		if (!strcmp(cu_json_str(n, "id"), id))
			return n;
	fail_msg("no note %s", id);
	return NULL;
}

static int verifiers(cu_note_verifier *vs, const json_t *list)
{
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v)
		assert_int_equal(cu_note_vkey_parse(&vs[i], json_string_value(v)), 0);
	return (int)json_array_size(list);
}

static void test_note_keys__ids_and_derivation(void **state)
{
	(void)state;
	size_t i;
	json_t *k;
	json_array_foreach(json_object_get(vectors, "keys"), i, k) {
		cu_note_verifier v;
		char again[300];
		assert_int_equal(cu_note_vkey_parse(&v, cu_json_str(k, "vkey")), 0);
		assert_string_equal(v.name, cu_json_str(k, "name"));
		uint8_t pk[32];
		if (cu_json_str(k, "ed25519_public_key_hex")) {
			unhex(pk, 32, cu_json_str(k, "ed25519_public_key_hex"));
			assert_memory_equal(v.pk, pk, 32);
		}
		cu_note_vkey_format(again, v.name, v.pk);
		assert_string_equal(again, cu_json_str(k, "vkey"));
		if (cu_json_str(k, "skey")) {
			cu_identity id;
			char name[CU_NOTE_NAME_MAX];
			assert_int_equal(cu_note_skey_parse(&id, name, cu_json_str(k, "skey")), 0);
			assert_memory_equal(id.pk, v.pk, 32);
			cu_identity_wipe(&id);
		}
	}
}

static void test_note_vkeys__malformed_refused(void **state)
{
	(void)state;
	size_t i;
	json_t *b;
	cu_note_verifier v;
	json_array_foreach(json_object_get(vectors, "bad_vkeys"), i, b)
		if (cu_note_vkey_parse(&v, cu_json_str(b, "vkey")) == 0)
			fail_msg("accepted bad vkey %s (%s)", cu_json_str(b, "vkey"), cu_json_str(b, "why"));
	/* x/mod's mangling: every proper substring and every byte + 1 is refused. */
	static const char good[] = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
	size_t n = strlen(good);
	char buf[128];
	for (size_t a = 0; a < n; a++)
		for (size_t z = a + 1; z <= n; z++) {
			if (a == 0 && z == n)
				continue;
			snprintf(buf, sizeof(buf), "%.*s", (int)(z - a), good + a);
			if (cu_note_vkey_parse(&v, buf) == 0)
				fail_msg("accepted substring %s", buf);
		}
	for (size_t k = 0; k < n; k++) {
		snprintf(buf, sizeof(buf), "%s", good);
		buf[k]++;
		if (cu_note_vkey_parse(&v, buf) == 0)
			fail_msg("accepted %s", buf);
	}
}

static void test_note_sign__reproduces_and_opens(void **state)
{
	(void)state;
	json_t *peter = note_by_id("xmod-peter"), *keys = json_object_get(vectors, "keys");
	cu_identity id;
	char name[CU_NOTE_NAME_MAX], *note, *text;
	int verified;
	assert_int_equal(cu_note_skey_parse(&id, name, cu_json_str(json_array_get(keys, 0), "skey")),
	                 0);
	assert_int_equal(cu_note_sign(&note, cu_json_str(peter, "text"), name, &id), 0);
	assert_string_equal(note, cu_json_str(peter, "signed_note"));
	free(note);
	assert_int_equal(cu_note_sign(&note, "no newline", name, &id), CU_EINVALID);
	assert_int_equal(cu_note_sign(&note, "tab\there\n", name, &id), CU_EINVALID);
	assert_int_equal(cu_note_sign(&note, "ok\n", "a+b", &id), CU_EINVALID);
	cu_identity_wipe(&id);
	/* The notes that name verifiers open with exactly those verifiers. */
	static const char *const ids[] = {"xmod-peter", "c2sp-signed-note-example",
	                                  "sigsum-checkpoint-valid"};
	for (size_t i = 0; i < 3; i++) {
		json_t *n = note_by_id(ids[i]);
		cu_note_verifier vs[4];
		int nv = verifiers(vs, json_object_get(json_object_get(n, "expect"), "verify_with"));
		const char *sn = cu_json_str(n, "signed_note");
		assert_int_equal(cu_note_open(&text, &verified, sn, strlen(sn), vs, nv), 0);
		assert_int_equal(verified, 1);
		assert_int_equal(strncmp(text, sn, strlen(text)), 0);
		free(text);
	}
	/* Two signatures: unknown keys are skipped, no known key is an error. */
	json_t *pe = note_by_id("xmod-peter-enoch"), *c;
	size_t i;
	json_array_foreach(json_object_get(json_object_get(pe, "expect"), "cases"), i, c) {
		cu_note_verifier vs[4];
		int nv = verifiers(vs, json_object_get(c, "verify_with"));
		const char *sn = cu_json_str(pe, "signed_note");
		int r = cu_note_open(&text, &verified, sn, strlen(sn), vs, nv);
		if (json_is_true(json_object_get(c, "valid"))) {
			assert_int_equal(r, 0);
			assert_int_equal(verified, (int)json_array_size(json_object_get(c,
			                                                "verified_sigs")));
			free(text);
		} else {
			assert_int_equal(r, CU_EVERIFY);
		}
	}
}

/* Found by fuzz_note: a key's signature written twice counted twice, so a
 * caller asking for exactly one good signature refused a valid note. */
static void test_note_open__repeated_signature_counts_once(void **state)
{
	(void)state;
	json_t *peter = note_by_id("xmod-peter");
	const char *sn = cu_json_str(peter, "signed_note");
	const char *sig = strstr(sn, "\n\n") + 2;
	cu_note_verifier vs[4];
	int nv = verifiers(vs, json_object_get(json_object_get(peter, "expect"), "verify_with"));
	char twice[1024], *text;
	int verified;
	snprintf(twice, sizeof(twice), "%s%s%s", sn, sig, sig);
	assert_int_equal(cu_note_open(&text, &verified, twice, strlen(twice), vs, nv), 0);
	assert_int_equal(verified, 1);
	free(text);
}

static void test_note_open__malformed_and_forged_refused(void **state)
{
	(void)state;
	size_t i;
	json_t *m;
	cu_note_verifier peter;
	char *text;
	int verified;
	assert_int_equal(cu_note_vkey_parse(&peter, "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBf"
	                                    "sVkmqq/LDE4izWy10TW"), 0);
	json_array_foreach(json_object_get(vectors, "malformed_notes"), i, m) {
		const char *hex = cu_json_str(m, "bytes_hex");
		size_t n = strlen(hex) / 2;
		char *bytes = malloc(n + 1);
		unhex((uint8_t *)bytes, n, hex);
		bytes[n] = '\0';
		if (cu_note_open(&text, &verified, bytes, n, &peter, 1) == 0)
			fail_msg("accepted malformed note: %s", cu_json_str(m, "desc"));
		free(bytes);
	}
	/* The sigsum checkpoint: each mutation of origin, size, root or signature fails. */
	json_t *sg = note_by_id("sigsum-checkpoint-valid");
	cu_note_verifier v;
	assert_int_equal(cu_note_vkey_parse(&v, json_string_value(json_array_get(json_object_get(
	                 json_object_get(sg, "expect"), "verify_with"), 0))), 0);
	const char *good = cu_json_str(sg, "signed_note");
	size_t len = strlen(good);
	char *bad = malloc(len + 2);
	for (size_t k = 0; k < len; k++) {
		if (good[k] == '\n' || (unsigned char)good[k] >= 0x80 || good[k] == ' ')
			continue;
		memcpy(bad, good, len + 1);
		bad[k] = bad[k] == 'A' ? 'B' : 'A';
		if (!memcmp(bad, good, len))
			continue;
		int r = cu_note_open(&text, &verified, bad, len, &v, 1);
		if (r == 0) {
			/* Only the last base64 digit before "=\n" carries padding bits that
			 * may decode to the same signature bytes. */
			free(text);
			if (k != len - 3)
				fail_msg("accepted a note with byte %zu changed", k);
		}
	}
	free(bad);
}

static void test_checkpoint__format_and_parse(void **state)
{
	(void)state;
	json_t *ex = note_by_id("c2sp-tlog-checkpoint-example");
	const char *sn = cu_json_str(ex, "signed_note");
	cu_checkpoint cp;
	char *text = strndup(sn, strstr(sn, "\n\n") - sn + 1);
	assert_int_equal(cu_checkpoint_parse(&cp, text), 0);
	assert_string_equal(cp.origin, "example.com/behind-the-sofa");
	assert_int_equal(cp.size, 20852163);
	uint8_t root[32];
	unhex(root, 32, "0ac5186a91863e8e1d90c808014aa89bf5da8e3ee1d9f07630f0378f68f1ab62");
	assert_memory_equal(cp.root, root, 32);
	char *again;
	assert_int_equal(cu_checkpoint_format(&again, cp.origin, cp.size, cp.root), 0);
	assert_string_equal(again, text);
	free(again);
	free(text);
	static const char *const bad[] = {
		"o\n", "o\n12\n", "o\n012\nAAAA\n", "o\n-1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
		"o\n1\nshort=\n", "\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
		"o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n",
		"o\n99999999999999999999\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (cu_checkpoint_parse(&cp, bad[i]) == 0)
			fail_msg("accepted checkpoint %zu", i);
	assert_int_equal(cu_checkpoint_parse(&cp, "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="
	                                     "\next one\n"), 0);
	assert_string_equal(cp.extensions, "ext one\n");
}

int main(void)
{
	assert_int_equal(cu_crypto_init(), 0);
	vectors = load("signed-note-vectors.json");
	cpv = load("checkpoint-format-vectors.json");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_note_keys__ids_and_derivation),
		cmocka_unit_test(test_note_vkeys__malformed_refused),
		cmocka_unit_test(test_note_sign__reproduces_and_opens),
		cmocka_unit_test(test_note_open__malformed_and_forged_refused),
		cmocka_unit_test(test_note_open__repeated_signature_counts_once),
		cmocka_unit_test(test_checkpoint__format_and_parse),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);
	json_decref(vectors);
	json_decref(cpv);
	return r;
}
