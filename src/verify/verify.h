/* SPDX-License-Identifier: Apache-2.0 */
/*
 * verify: the offline verifier of evidence bundles (docs/bundle.md). It
 * reads nothing but the bundle and, ideally, the node's verifier key obtained
 * out of band; it links no database or server code so that a receiver can
 * audit it on its own.
 */
#ifndef CU_VERIFY_H
#define CU_VERIFY_H

#include <jansson.h>

/*
 * Checks every file hash, ledger entry, commitment, inclusion proof, the
 * checkpoint's signature and each item's chain of custody. vkey: the key to
 * trust (NULL: the bundle's own, which the report flags). *out: {ok,
 * key_source, checkpoint: {origin, size}, items: [{id, title, sha256, file,
 * custody_events, chain_complete, problems}], problems: [...]}. Returns 0
 * when the bundle could be read (the report says whether it holds), CU_EIO or
 * CU_EINVALID when it could not.
 */
int cu_bundle_verify(json_t **out, const char *path, const char *vkey);

#endif
