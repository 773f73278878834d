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
 * checkpoint's signature and each item's chain of custody, and that every
 * member of the archive is bound: bundle.json must agree with the manifest the
 * export records commit to (an item it lists but the bundle withholds, an item
 * listed twice, an unlisted or duplicated member all fail). A custody line
 * without its record ("redacted") stands by its proven entry if the manifest
 * marks that event restricted. vkey: the key to trust (NULL: the bundle's
 * own, which the report flags). *out: {ok, key_source, checkpoint: {origin,
 * size}, case, for, exported_by, items: [{id, title, sha256, file,
 * custody_events, restricted_events, chain_complete, problems}], problems,
 * key_transitions}; what it says of an item comes from the manifest. Returns 0
 * when the bundle could be read (the report says whether it holds);
 * CU_EINVALID when vkey is malformed or path names no readable file (missing,
 * a directory); CU_EVERIFY when the file is no bundle (empty, not a tar,
 * damaged, truncated, without its records); CU_ENOMEM.
 */
int cu_bundle_verify(json_t **out, const char *path, const char *vkey);

#endif
