/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ledger: C2SP signed notes (Ed25519) and tlog-checkpoint bodies.
 *
 *   note     = text ("\n"-terminated) "\n" sigline+
 *   sigline  = "— " name " " base64(key id[4] ‖ signature[64]) "\n"
 *   key id   = SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key)[0:4]
 *   vkey     = name "+" hex(key id) "+" base64(0x01 ‖ public key)
 *
 *   checkpoint text = origin "\n" tree size "\n" base64(root) "\n" extension lines*
 */
#ifndef CU_LEDGER_NOTE_H
#define CU_LEDGER_NOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

#define CU_NOTE_NAME_MAX 256
#define CU_NOTE_MAX_SIGS 100

typedef struct cu_note_verifier {
	char name[CU_NOTE_NAME_MAX];
	uint32_t id;
	uint8_t pk[32];
} cu_note_verifier;

/* A key name: non-empty UTF-8 without spaces, '+' or control characters. */
bool cu_note_name_valid(const char *name);
uint32_t cu_note_key_id(const char *name, const uint8_t pk[32]);
/* Parses "name+hash+base64": CU_EINVALID if anything does not hold. */
int cu_note_vkey_parse(cu_note_verifier *out, const char *vkey);
/* Formats the verifier key of (name, pk); out needs 300 bytes. */
void cu_note_vkey_format(char out[300], const char *name, const uint8_t pk[32]);
/* Parses "PRIVATE+KEY+name+hash+base64(0x01 ‖ seed)" into a signing identity. */
int cu_note_skey_parse(cu_identity *out, char name[CU_NOTE_NAME_MAX], const char *skey);

/* Signs text (must end in "\n", no other control characters): *out is the note. */
int cu_note_sign(char **out, const char *text, const char *name, const cu_identity *id);

/*
 * Opens a note: checks its form, and verifies the signatures of known
 * verifiers (unknown keys are skipped). *text receives the signed text.
 * CU_EINVALID: malformed; CU_EVERIFY: a known key's signature is bad, or no
 * known key signed it. *verified counts the good signatures.
 */
int cu_note_open(char **text, int *verified, const char *note, size_t len,
                 const cu_note_verifier *vs, int nv);

/*
 * C2SP tlog-cosignature/v1: a witness signs "cosignature/v1\ntime T\n" and the
 * checkpoint text; its signature line carries key id ‖ T (8 bytes, big
 * endian) ‖ signature; its key id and vkey use the type byte 0x04.
 */
uint32_t cu_cosig_key_id(const char *name, const uint8_t pk[32]);
void cu_cosig_vkey_format(char out[300], const char *name, const uint8_t pk[32]);
int cu_cosig_vkey_parse(cu_note_verifier *out, const char *vkey);
/* *line: "— name base64(...)\n" cosigning checkpoint text at time ts. */
int cu_cosign(char **line, const char *name, const cu_identity *id, uint64_t ts,
              const char *text);
/* Verifies a cosignature line over a checkpoint text; *ts its time. */
int cu_cosig_verify(uint64_t *ts, const char *line, const cu_note_verifier *w, const char *text);

typedef struct cu_checkpoint {
	char origin[CU_NOTE_NAME_MAX];
	int64_t size;
	uint8_t root[32];
	const char *extensions; /* into the parsed text: the lines after the root, or "" */
} cu_checkpoint;
int cu_checkpoint_format(char **out, const char *origin, int64_t size, const uint8_t root[32]);
int cu_checkpoint_parse(cu_checkpoint *out, const char *text);

#endif
