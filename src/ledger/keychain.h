/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ledger: the chain of a log's signing keys (docs/keys.md). A node that
 * replaces its Ed25519 key appends one event entry of type
 * "ledger.key_transition" carrying both verifier keys and a signature by
 * each over the transition's text, a C2SP signed-note body:
 *
 *   custodia-key-transition/v1
 *   old <old verifier key>
 *   new <new verifier key>
 *   index <the entry's index in the log>
 *
 * sig_old and sig_new are the values of the note's signature lines
 * (base64(key id ‖ Ed25519 signature)), so "text \n — name sig\n" is a note
 * any C2SP verifier opens. Checkpoints of a tree that includes the entry
 * (size > index) are signed by the new key; smaller ones by the old. A
 * verifier that trusts any key of the chain follows it forward: each link is
 * signed by the key before it.
 */
#ifndef CU_LEDGER_KEYCHAIN_H
#define CU_LEDGER_KEYCHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ledger/note.h"

#define CU_KEY_TRANSITION "ledger.key_transition"
#define CU_TRANSITION_SIG_MAX 100

/* The signed text: *out malloc'd. */
int cu_transition_text(char **out, const char *old_vkey, const char *new_vkey, int64_t index);
/* Signs text with id under name: sig is the signature line's value. */
int cu_transition_sign(char sig[CU_TRANSITION_SIG_MAX], const char *text, const char *name,
                       const cu_identity *id);
/* Whether a ledger entry's bytes (JCS) are a key transition: a cheap test. */
bool cu_transition_is(const char *entry, size_t len);
/*
 * Checks the transition entry at index: its form, that its old key is
 * `current` (when current is non-NULL; otherwise the old key starts the
 * chain), that both keys have the same name (the log's origin), and both
 * signatures over the text. *old_out (may be NULL) and *next get the two
 * verifiers. CU_EVERIFY naming what does not hold; CU_EINVALID if it is not
 * a transition entry at all.
 */
int cu_transition_check(cu_note_verifier *old_out, cu_note_verifier *next, const char *entry,
                        size_t len, int64_t index, const cu_note_verifier *current);

#endif
