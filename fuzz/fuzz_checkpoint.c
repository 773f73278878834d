/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz: tlog-checkpoint bodies (cu_checkpoint_parse), as read from a
 * bundle, a witness or another node. What parses (with an origin we could
 * sign) formats back to a body that parses to the same origin, size and root.
 */
#include "fuzz.h"
#include "ledger/note.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *p = fuzz_str(data, size), *again = NULL;
	cu_checkpoint cp, cp2;
	if (cu_checkpoint_parse(&cp, p) == 0) {
		FUZZ_ASSERT(cp.size >= 0 && cp.extensions != NULL);
		FUZZ_ASSERT(memchr(cp.origin, '\0', sizeof(cp.origin)) != NULL);
		/* Any line is an origin to the parser; ours are key names. */
		if (cu_note_name_valid(cp.origin)) {
			FUZZ_ASSERT(cu_checkpoint_format(&again, cp.origin, cp.size, cp.root) == 0);
			FUZZ_ASSERT(cu_checkpoint_parse(&cp2, again) == 0);
			FUZZ_ASSERT(!strcmp(cp.origin, cp2.origin) && cp.size == cp2.size &&
			            !memcmp(cp.root, cp2.root, 32));
			free(again);
		}
	}
	free(p);
	return 0;
}
