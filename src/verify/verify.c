/* SPDX-License-Identifier: Apache-2.0 */
/* verify: offline verification of evidence bundles. */
#include <archive.h>
#include <archive_entry.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "ledger/keychain.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "util/util.h"
#include "verify/verify.h"

#define SMALL_MAX ((size_t)256 << 20)

typedef struct bundle {
	char *manifest, *meta, *checkpoint, *key, *entries;
	char *keys; /* ledger/keys.jsonl: the key transitions (optional) */
	json_t *files; /* name -> {sha256, size} */
} bundle;

static void problem(json_t *list, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(json_t *list, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_array_append_new(list, json_string(msg));
}

static int read_small(struct archive *ar, char **out, size_t size)
{
	if (size > SMALL_MAX)
		return cu_error_set(CU_ETOOBIG, "a bundle record is too large");
	char *p = malloc(size + 1);
	if (!p)
		return cu_error_set(CU_ENOMEM, "out of memory");
	la_ssize_t n = size ? archive_read_data(ar, p, size) : 0;
	if (n < 0 || (size_t)n != size) {
		free(p);
		return cu_error_set(CU_EINVALID, "the bundle is truncated");
	}
	p[size] = '\0';
	free(*out); /* a duplicate name: the last one counts, and is checked */
	*out = p;
	return 0;
}

static int load(bundle *b, const char *path)
{
	struct archive *ar = archive_read_new();
	struct archive_entry *e;
	int r = 0, rc;
	archive_read_support_format_tar(ar);
	if (archive_read_open_filename(ar, path, 1 << 16) != ARCHIVE_OK) {
		r = cu_error_set(CU_EIO, "cannot read %s: %s", path, archive_error_string(ar));
		archive_read_free(ar);
		return r;
	}
	b->files = json_object();
	while (!r && (rc = archive_read_next_header(ar, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		size_t size = (size_t)archive_entry_size(e);
		if (!name || archive_entry_filetype(e) != AE_IFREG)
			continue;
		if (!strcmp(name, "manifest.jsonld"))
			r = read_small(ar, &b->manifest, size);
		else if (!strcmp(name, "bundle.json"))
			r = read_small(ar, &b->meta, size);
		else if (!strcmp(name, "ledger/checkpoint"))
			r = read_small(ar, &b->checkpoint, size);
		else if (!strcmp(name, "ledger/key"))
			r = read_small(ar, &b->key, size);
		else if (!strcmp(name, "ledger/entries.jsonl"))
			r = read_small(ar, &b->entries, size);
		else if (!strcmp(name, "ledger/keys.jsonl"))
			r = read_small(ar, &b->keys, size);
		else if (!strncmp(name, "evidence/", 9)) {
			cu_sha256_ctx *sha;
			char buf[65536], hex[65];
			uint8_t h[32];
			uint64_t total = 0;
			la_ssize_t n;
			if ((r = cu_sha256_begin(&sha)) != 0)
				break;
			while ((n = archive_read_data(ar, buf, sizeof(buf))) > 0) {
				cu_sha256_update(sha, buf, (size_t)n);
				total += (uint64_t)n;
			}
			cu_sha256_end(sha, h);
			if (n < 0) {
				r = cu_error_set(CU_EINVALID, "the bundle is damaged at %s", name);
				break;
			}
			cu_hex(hex, h, 32);
			json_object_set_new(b->files, name, json_pack("{s:s,s:I}", "sha256", hex, "size",
			                                              (json_int_t)total));
		}
	}
	if (!r && rc != ARCHIVE_EOF && rc != ARCHIVE_OK)
		r = cu_error_set(CU_EINVALID, "the bundle is damaged: %s", archive_error_string(ar));
	archive_read_free(ar);
	if (!r && (!b->manifest || !b->meta || !b->checkpoint || !b->key || !b->entries))
		r = cu_error_set(CU_EINVALID, "not a custodia bundle: manifest.jsonld, bundle.json, "
		                 "ledger/checkpoint, ledger/key and ledger/entries.jsonl are required");
	return r;
}

/* A string field, or "" when it is absent or not a string: a bundle is
 * outside input, and any field of it may be missing. */
static const char *jstr(const json_t *o, const char *key)
{
	const char *v = cu_json_str(o, key);
	return v ? v : "";
}

static int unhex_any(uint8_t *out, size_t n, const char *hex)
{
	if (!hex || strlen(hex) != 2 * n)
		return -1;
	/* Digits only: sscanf's %2x also took a sign or a space ("-1" as 0xff). */
	for (size_t i = 0; i < 2 * n; i++) {
		char c = hex[i];
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
		        c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (v < 0)
			return -1;
		out[i / 2] = (uint8_t)(i % 2 ? out[i / 2] | v : v << 4);
	}
	return 0;
}

/* hex(SHA-256(salt ‖ bytes)) with the salt in hex; "" if the salt is bad. */
static void commitment(char out[65], const char *salt_hex, const void *bytes, size_t n)
{
	uint8_t salt[16], h[32];
	cu_sha256_ctx *c;
	out[0] = '\0';
	if (unhex_any(salt, 16, salt_hex) != 0 || cu_sha256_begin(&c) != 0)
		return;
	cu_sha256_update(c, salt, 16);
	cu_sha256_update(c, bytes, n);
	cu_sha256_end(c, h);
	cu_hex(out, h, 32);
}

/* Checks one entries.jsonl line: proof, commitment, and entry/record agreement. */
static bool check_line(json_t *problems, json_t *line, const cu_checkpoint *cp, int lineno)
{
	const char *entry = json_string_value(json_object_get(line, "entry"));
	const char *record = json_string_value(json_object_get(line, "record"));
	const char *salt = json_string_value(json_object_get(line, "salt"));
	int64_t idx = json_integer_value(json_object_get(line, "index"));
	json_t *proof = json_object_get(line, "proof"), *h;
	uint8_t leaf[32], p[CU_MERKLE_MAX_PROOF][32];
	int len = 0;
	size_t k;
	if (!entry || !record || !salt || !json_is_array(proof) ||
	    json_array_size(proof) > CU_MERKLE_MAX_PROOF) {
		problem(problems, "ledger line %d is incomplete", lineno);
		return false;
	}
	json_array_foreach(proof, k, h) {
		size_t n = 0;
		if (!json_is_string(h) || cu_unbase64(p[len], &n, 32, json_string_value(h)) != 0 ||
		    n != 32) {
			problem(problems, "ledger entry %lld: a proof hash is malformed", (long long)idx);
			return false;
		}
		len++;
	}
	cu_merkle_leaf(leaf, entry, strlen(entry));
	if (cu_merkle_verify_inclusion(idx, cp->size, leaf, (const uint8_t(*)[32])p, len,
	                               cp->root) != 0) {
		problem(problems, "ledger entry %lld: its inclusion proof does not lead to the "
		        "checkpoint's root (tree of %lld)", (long long)idx, (long long)cp->size);
		return false;
	}
	json_t *e = json_loads(entry, 0, NULL), *rec = json_loads(record, 0, NULL);
	char cm[65];
	bool ok = e && rec;
	commitment(cm, salt, record, strlen(record));
	if (ok && strcmp(cm, jstr(e, "commit")) != 0) {
		problem(problems, "ledger entry %lld: the record does not match the entry's "
		        "commitment (edited)", (long long)idx);
		ok = false;
	}
	bool custody = ok && !strcmp(jstr(e, "kind"), "custody");
	if (ok && (json_integer_value(json_object_get(e, "ref")) !=
	           json_integer_value(json_object_get(rec, "seq")) ||
	           strcmp(jstr(e, "at"), jstr(rec, "at")) ||
	           (custody && json_integer_value(json_object_get(e, "item")) !=
	                       json_integer_value(json_object_get(line, "item"))))) {
		problem(problems, "ledger entry %lld: the entry and its record disagree",
		        (long long)idx);
		ok = false;
	}
	json_decref(e);
	json_decref(rec);
	return ok;
}

/*
 * The key transitions a bundle carries (ledger/keys.jsonl, one {index, entry,
 * proof} per line, in index order), followed from the trusted key *v: each
 * whose old key is the current one, and which both keys signed, makes its
 * new key current. *v ends as the key that must have signed the checkpoint;
 * chain gets each transition followed, with its new key as "key_new", for
 * proven() once the checkpoint holds. Transitions before the trusted key
 * (a receiver who trusts a later key) are passed over.
 */
static void follow_keys(json_t *problems, json_t *chain, const bundle *b, cu_note_verifier *v)
{
	int lineno = 0;
	int64_t last = -1;
	if (!b->keys)
		return;
	for (const char *l = b->keys, *nl; *l; l = nl + 1) {
		lineno++;
		if (!(nl = strchr(l, '\n'))) {
			problem(problems, "key transition line %d is not terminated", lineno);
			return;
		}
		json_t *line = json_loadb(l, (size_t)(nl - l), 0, NULL);
		const char *entry = cu_json_str(line, "entry");
		int64_t idx = json_integer_value(json_object_get(line, "index"));
		cu_note_verifier old = {0}, next = {0};
		if (!entry || !json_is_integer(json_object_get(line, "index")) || idx <= last) {
			problem(problems, "key transition line %d is malformed or out of order", lineno);
			json_decref(line);
			return;
		}
		last = idx;
		int tr = cu_transition_check(&old, &next, entry, strlen(entry), idx, NULL);
		if (tr != 0) {
			problem(problems, "key transition at entry %lld does not verify: %s",
			        (long long)idx, cu_error_message(tr));
			json_decref(line);
			return;
		}
		if (!strcmp(old.name, v->name) && cu_ct_equal(old.pk, v->pk, 32)) {
			char nk[300];
			cu_note_vkey_format(nk, next.name, next.pk);
			json_object_set_new(line, "key_new", json_string(nk));
			json_array_append(chain, line);
			*v = next;
		}
		json_decref(line);
	}
}

/* A followed transition's entry is in the checkpoint's tree (and before its end). */
static bool proven(json_t *problems, const json_t *line, const cu_checkpoint *cp)
{
	const char *entry = cu_json_str(line, "entry");
	int64_t idx = json_integer_value(json_object_get(line, "index"));
	json_t *proof = json_object_get(line, "proof"), *h;
	uint8_t leaf[32], p[CU_MERKLE_MAX_PROOF][32];
	int len = 0;
	size_t k;
	if (!json_is_array(proof) || json_array_size(proof) > CU_MERKLE_MAX_PROOF || idx < 0 ||
	    idx >= cp->size) {
		problem(problems, "key transition at entry %lld: no proof in the checkpoint's tree",
		        (long long)idx);
		return false;
	}
	json_array_foreach(proof, k, h) {
		size_t n = 0;
		if (!json_is_string(h) || cu_unbase64(p[len], &n, 32, json_string_value(h)) != 0 ||
		    n != 32) {
			problem(problems, "key transition at entry %lld: a proof hash is malformed",
			        (long long)idx);
			return false;
		}
		len++;
	}
	cu_merkle_leaf(leaf, entry, strlen(entry));
	if (cu_merkle_verify_inclusion(idx, cp->size, leaf, (const uint8_t(*)[32])p, len,
	                               cp->root) != 0) {
		problem(problems, "key transition at entry %lld: its inclusion proof does not lead to "
		        "the checkpoint's root", (long long)idx);
		return false;
	}
	return true;
}

int cu_bundle_verify(json_t **out, const char *path, const char *vkey)
{
	bundle b = {0};
	json_t *problems = json_array(), *items = json_array(), *meta = NULL, *lines = json_array();
	json_t *kchain = json_array();
	cu_note_verifier v;
	cu_checkpoint cp = {0};
	char *text = NULL, keyline[400];
	int nv, r;
	*out = NULL;
	if ((r = load(&b, path)) != 0)
		goto out;
	/* The key: the one the receiver trusts, or the bundle's own. */
	snprintf(keyline, sizeof(keyline), "%s", b.key);
	keyline[strcspn(keyline, "\n")] = '\0';
	const char *source = vkey ? "given" : "the bundle's own (check it against a key you trust)";
	char signer[300];
	if (cu_note_vkey_parse(&v, vkey ? vkey : keyline) != 0) {
		problem(problems, "the verifier key is malformed");
	} else {
		/* From the trusted key along the transitions to the checkpoint's signer. */
		follow_keys(problems, kchain, &b, &v);
		if (cu_note_open(&text, &nv, b.checkpoint, strlen(b.checkpoint), &v, 1) != 0)
			problem(problems, "the checkpoint is not signed by %s key %s%s",
			        vkey ? "the given" : "the bundle's", v.name,
			        json_array_size(kchain) ? " (nor by the key its transitions lead to)" : "");
		else if (cu_checkpoint_parse(&cp, text) != 0)
			problem(problems, "the checkpoint is malformed");
		cu_note_vkey_format(signer, v.name, v.pk);
		if (strcmp(signer, keyline) != 0)
			problem(problems, "the bundle carries another key than the one %s",
			        json_array_size(kchain) ? "its key transitions lead to" : "given");
	}
	bool cp_ok = json_array_size(problems) == 0;
	/* Each transition followed is in the log the checkpoint signs. */
	json_t *tl;
	size_t ti;
	json_array_foreach(kchain, ti, tl)
		if (cp_ok && !proven(problems, tl, &cp))
			cp_ok = false;
	/* The ledger lines. */
	uint8_t msha[32];
	char msha_hex[65];
	cu_sha256(msha, b.manifest, strlen(b.manifest));
	cu_hex(msha_hex, msha, 32);
	int lineno = 0;
	for (char *l = b.entries, *nl; *l; l = nl + 1) {
		lineno++;
		if (!(nl = strchr(l, '\n'))) {
			problem(problems, "ledger line %d is not terminated", lineno);
			break;
		}
		*nl = '\0';
		json_t *line = json_loads(l, 0, NULL);
		if (!line) {
			problem(problems, "ledger line %d is not JSON", lineno);
			continue;
		}
		bool ok = cp_ok && check_line(problems, line, &cp, lineno);
		json_object_set_new(line, "verified", json_boolean(ok));
		json_array_append_new(lines, line);
	}
	/* Each item: file, content commitment, and the chain its export listed. */
	json_t *it;
	size_t i;
	meta = json_loads(b.meta, 0, NULL);
	json_array_foreach(json_object_get(meta, "items"), i, it) {
		int64_t id = json_integer_value(json_object_get(it, "id"));
		json_t *ip = json_array(), *file = json_object_get(b.files, cu_json_str(it, "file"));
		const char *sha = cu_json_str(it, "sha256");
		int events = 0;
		bool chain = true;
		if (!file)
			problem(ip, "its file %s is missing", jstr(it, "file"));
		else if (!sha || strcmp(cu_json_str(file, "sha256"), sha) != 0)
			problem(ip, "its file does not match its SHA-256 (altered)");
		/* The registration entry commits to the content's hash. */
		json_t *reg = NULL, *exp = NULL, *line;
		size_t k;
		json_array_foreach(lines, k, line) {
			if (json_integer_value(json_object_get(line, "item")) != id ||
			    !json_is_true(json_object_get(line, "verified")))
				continue;
			json_t *rec = json_loads(cu_json_str(line, "record"), 0, NULL);
			if (!strcmp(jstr(line, "kind"), "event") &&
			    json_integer_value(json_object_get(rec, "seq")) ==
			    json_integer_value(json_object_get(it, "registration")))
				reg = line;
			if (!strcmp(jstr(line, "kind"), "custody")) {
				events++;
				if (!strcmp(jstr(rec, "event"), "exported")) {
					json_t *d = json_loads(cu_json_str(rec, "details"), 0, NULL);
					if (d && !strcmp(jstr(d, "manifest_sha256"), msha_hex)) {
						json_decref(exp);
						exp = d;
					} else {
						json_decref(d);
					}
				}
			}
			json_decref(rec);
		}
		uint8_t raw[32];
		char cc[65];
		json_t *re = reg ? json_loads(cu_json_str(reg, "entry"), 0, NULL) : NULL;
		if (!reg || unhex_any(raw, 32, sha) != 0) {
			problem(ip, "its registration is not in the bundle's verified ledger entries");
		} else {
			commitment(cc, cu_json_str(it, "content_salt"), raw, 32);
			if (strcmp(cc, jstr(re, "content")))
				problem(ip, "its SHA-256 is not the one the ledger registered");
		}
		json_decref(re);
		if (!exp) {
			problem(ip, "no verified export record commits to this manifest (edited "
			        "manifest?)");
			chain = false;
		} else {
			json_t *s;
			json_array_foreach(json_object_get(exp, "custody"), k, s) {
				bool found = false;
				size_t m;
				json_array_foreach(lines, m, line) {
					if (!strcmp(jstr(line, "kind"), "custody") &&
					    json_is_true(json_object_get(line, "verified")) &&
					    json_integer_value(json_object_get(line, "item")) == id) {
						json_t *rec = json_loads(cu_json_str(line, "record"), 0, NULL);
						found = found || json_integer_value(json_object_get(rec, "seq")) ==
						                 json_integer_value(s);
						json_decref(rec);
					}
				}
				if (!found) {
					problem(ip, "custody event %lld is missing from the bundle",
					        (long long)json_integer_value(s));
					chain = false;
				}
			}
			json_decref(exp);
		}
		json_array_append_new(items, json_pack("{s:I,s:s?,s:s?,s:s?,s:i,s:b,s:o}", "id",
		                                       (json_int_t)id, "title", cu_json_str(it, "title"),
		                                       "sha256", sha, "file", cu_json_str(it, "file"),
		                                       "custody_events", events, "chain_complete",
		                                       chain && json_array_size(ip) == 0, "problems",
		                                       ip));
	}
	if (json_array_size(json_object_get(meta, "items")) == 0)
		problem(problems, "the bundle lists no items");
	bool ok = json_array_size(problems) == 0;
	json_array_foreach(items, i, it)
		ok = ok && json_array_size(json_object_get(it, "problems")) == 0;
	json_t *followed = json_array();
	json_array_foreach(kchain, ti, tl)
		json_array_append(followed, json_object_get(tl, "key_new"));
	*out = json_pack("{s:b,s:s,s:{s:s,s:I},s:O,s:O,s:o}", "ok", ok, "key_source", source,
	                 "checkpoint", "origin", cp.origin, "size", (json_int_t)cp.size, "items",
	                 items, "problems", problems, "key_transitions", followed);
out:
	free(text);
	free(b.manifest);
	free(b.meta);
	free(b.checkpoint);
	free(b.key);
	free(b.entries);
	free(b.keys);
	json_decref(kchain);
	json_decref(b.files);
	json_decref(meta);
	json_decref(lines);
	json_decref(items);
	json_decref(problems);
	return r;
}
