/* SPDX-License-Identifier: Apache-2.0 */
/* ledger: signing-key transitions, the links of a log's key chain (keychain.h). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/keychain.h"
#include "util/util.h"

static const char dash[] = "\xe2\x80\x94 "; /* as a note's signature line starts */

int cu_transition_text(char **out, const char *old_vkey, const char *new_vkey, int64_t index)
{
	cu_buf b;
	int r;
	*out = NULL;
	cu_buf_init(&b, 0);
	if ((r = cu_buf_printf(&b, "custodia-key-transition/v1\nold %s\nnew %s\nindex %lld\n",
	                       old_vkey, new_vkey, (long long)index)) != 0) {
		cu_buf_free(&b);
		return r;
	}
	*out = cu_buf_detach(&b);
	return 0;
}

int cu_transition_sign(char sig[CU_TRANSITION_SIG_MAX], const char *text, const char *name,
                       const cu_identity *id)
{
	char *note = NULL;
	int r = cu_note_sign(&note, text, name, id);
	if (r != 0)
		return r;
	/* The note ends "— name SIG\n": SIG is the last word. */
	size_t n = strlen(note);
	char *sp = note + n - 1;
	while (sp > note && sp[-1] != ' ')
		sp--;
	snprintf(sig, CU_TRANSITION_SIG_MAX, "%.*s", (int)(note + n - 1 - sp), sp);
	free(note);
	return 0;
}

bool cu_transition_is(const char *entry, size_t len)
{
	static const char t[] = "\"type\":\"" CU_KEY_TRANSITION "\"";
	return len > 200 && memmem(entry, len, t, sizeof(t) - 1) != NULL;
}

/* Whether sig (a signature line's value) signs text as v. */
static bool signed_by(const char *text, const char *sig, const cu_note_verifier *v)
{
	cu_buf b;
	char *t = NULL;
	int nv = 0;
	bool ok;
	cu_buf_init(&b, 0);
	ok = cu_buf_printf(&b, "%s\n%s%s %s\n", text, dash, v->name, sig) == 0 &&
	     cu_note_open(&t, &nv, b.data, b.len, v, 1) == 0 && nv == 1;
	free(t);
	cu_buf_free(&b);
	return ok;
}

int cu_transition_check(cu_note_verifier *old_out, cu_note_verifier *next, const char *entry,
                        size_t len, int64_t index, const cu_note_verifier *current)
{
	json_t *e = json_loadb(entry, len, 0, NULL);
	cu_note_verifier old;
	char cur[300], *text = NULL;
	int r = 0;
	const char *type = cu_json_str(e, "type"), *ko = cu_json_str(e, "key_old"),
	           *kn = cu_json_str(e, "key_new"), *so = cu_json_str(e, "sig_old"),
	           *sn = cu_json_str(e, "sig_new");
	if (!e || !type || strcmp(type, CU_KEY_TRANSITION) != 0) {
		r = cu_error_set(CU_EINVALID, "entry %lld is not a key transition", (long long)index);
		goto out;
	}
	if (!ko || !kn || !so || !sn || cu_note_vkey_parse(&old, ko) != 0 ||
	    cu_note_vkey_parse(next, kn) != 0) {
		r = cu_error_set(CU_EVERIFY, "key transition %lld is malformed", (long long)index);
		goto out;
	}
	if (current) {
		cu_note_vkey_format(cur, current->name, current->pk);
		if (strcmp(cur, ko) != 0) {
			r = cu_error_set(CU_EVERIFY, "key transition %lld starts from another key than "
			                 "the log's current one", (long long)index);
			goto out;
		}
	}
	if (strcmp(old.name, next->name) != 0) {
		r = cu_error_set(CU_EVERIFY, "key transition %lld changes the key's name",
		                 (long long)index);
		goto out;
	}
	if ((r = cu_transition_text(&text, ko, kn, index)) != 0)
		goto out;
	if (!signed_by(text, so, &old))
		r = cu_error_set(CU_EVERIFY, "key transition %lld is not signed by the old key",
		                 (long long)index);
	else if (!signed_by(text, sn, next))
		r = cu_error_set(CU_EVERIFY, "key transition %lld is not signed by the new key",
		                 (long long)index);
	if (r == 0 && old_out)
		*old_out = old;
out:
	free(text);
	json_decref(e);
	return r;
}
