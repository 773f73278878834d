/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz: C2SP signed notes, verifier and signer keys and cosignatures
 * (src/ledger/note.c), as a bundle, a witness or a peer node sends them.
 * Input: one key line (a vkey, a cosignature vkey or a PRIVATE+KEY), then
 * the note. A signer key signs the note's text and the result must open.
 */
#include "fuzz.h"
#include "ledger/note.h"

/* The signature lines of a note: what follows its last blank line. */
static const char *sig_lines(const char *note, size_t len)
{
	for (size_t i = len; i > 1; i--)
		if (note[i - 2] == '\n' && note[i - 1] == '\n')
			return note + i;
	return NULL;
}

static void cosignatures(const cu_note_verifier *w, const char *note, size_t len)
{
	const char *p = sig_lines(note, len);
	if (!p)
		return;
	const char *end = note + len; /* the fuzzer's bytes: no NUL at the end */
	char *text = fuzz_str((const uint8_t *)note, (size_t)(p - note) - 1);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		char *line = fuzz_str((const uint8_t *)p, n);
		uint64_t ts;
		cu_cosig_verify(&ts, line, w, text);
		free(line);
		p += n;
	}
	free(text);
}

static void sign_and_open(const cu_identity *id, const char *name, const char *note,
                          size_t len)
{
	char *signed_note = NULL, *text = NULL;
	int verified;
	cu_note_verifier v;
	char *body = fuzz_str((const uint8_t *)note, len);
	if (cu_note_sign(&signed_note, body, name, id) == 0) {
		snprintf(v.name, sizeof(v.name), "%s", name);
		v.id = cu_note_key_id(name, id->pk);
		memcpy(v.pk, id->pk, 32);
		FUZZ_ASSERT(cu_note_open(&text, &verified, signed_note, strlen(signed_note), &v, 1) == 0);
		FUZZ_ASSERT(verified == 1 && !strcmp(text, body));
		free(text);
		free(signed_note);
	}
	free(body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	if (!nl)
		return 0;
	char *key = fuzz_str(data, (size_t)(nl - data));
	const char *note = (const char *)nl + 1;
	size_t len = size - (size_t)(nl - data) - 1;
	cu_note_verifier v;
	cu_identity id;
	char name[CU_NOTE_NAME_MAX], *text = NULL;
	int verified = 0, nv = 0;
	if (cu_note_vkey_parse(&v, key) == 0) {
		FUZZ_ASSERT(cu_note_name_valid(v.name));
		nv = 1;
	} else if (cu_cosig_vkey_parse(&v, key) == 0) {
		cosignatures(&v, note, len);
	} else if (cu_note_skey_parse(&id, name, key) == 0) {
		sign_and_open(&id, name, note, len);
		cu_identity_wipe(&id);
	}
	int r = cu_note_open(&text, &verified, note, len, &v, nv);
	if (r == 0) {
		FUZZ_ASSERT(text && verified >= 1 && verified <= nv);
		cu_checkpoint cp;
		cu_checkpoint_parse(&cp, text);
	} else {
		FUZZ_ASSERT(!text);
	}
	free(text);
	free(key);
	return 0;
}
