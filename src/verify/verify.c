/* SPDX-License-Identifier: Apache-2.0 */
/* verify: offline verification of evidence bundles. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
	json_t *files; /* evidence/...: name -> {sha256, size}, "item" once an item claims it */
	json_t *dirs; /* the directory members' names, without their final "/" */
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

static int read_small(struct archive *ar, char **out, size_t size, const char *name)
{
	if (size > SMALL_MAX)
		return cu_error_set(CU_EVERIFY, "the bundle's %s is too large (over 256 MiB)", name);
	char *p = malloc(size + 1);
	if (!p)
		return cu_error_set(CU_ENOMEM, "out of memory");
	la_ssize_t n = size ? archive_read_data(ar, p, size) : 0;
	if (n < 0 || (size_t)n != size) {
		free(p);
		return cu_error_set(CU_EVERIFY, "the bundle is truncated or damaged at %s", name);
	}
	p[size] = '\0';
	free(*out); /* NULL: a member is read once (load refuses it twice) */
	*out = p;
	return 0;
}

/* Hashes an evidence member as it streams by. */
static int read_file(struct archive *ar, json_t *files, const char *name)
{
	cu_sha256_ctx *sha;
	char buf[65536], hex[65];
	uint8_t h[32];
	uint64_t total = 0;
	la_ssize_t n;
	int r;
	if ((r = cu_sha256_begin(&sha)) != 0)
		return r;
	while ((n = archive_read_data(ar, buf, sizeof(buf))) > 0) {
		cu_sha256_update(sha, buf, (size_t)n);
		total += (uint64_t)n;
	}
	cu_sha256_end(sha, h);
	if (n < 0)
		return cu_error_set(CU_EVERIFY, "the bundle is truncated or damaged at %s", name);
	cu_hex(hex, h, 32);
	json_object_set_new(files, name, json_pack("{s:s,s:I}", "sha256", hex, "size",
	                                           (json_int_t)total));
	return 0;
}

/*
 * Reads the archive. Every member must be one a bundle has: the five records
 * (and keys.jsonl), evidence files (which the items must then claim), or
 * directories above them. A name given twice is refused rather than resolved,
 * since tar and a viewer may disagree on which copy counts; so is a link, a
 * device or a name outside these. Those findings go to problems; an archive
 * that cannot be read at all is CU_EINVALID (no file to read) or CU_EVERIFY
 * (not a tar, damaged, or without the records).
 */
static int load(bundle *b, json_t *problems, const char *path)
{
	static const char *const records[] = {"manifest.jsonld", "bundle.json", "ledger/checkpoint",
	                                      "ledger/key", "ledger/entries.jsonl",
	                                      "ledger/keys.jsonl"};
	char **slot[] = {&b->manifest, &b->meta, &b->checkpoint, &b->key, &b->entries, &b->keys};
	struct archive *ar;
	struct archive_entry *e;
	struct stat st;
	json_t *seen = json_object();
	int r = 0, rc = ARCHIVE_OK;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0)
		r = cu_error_set(CU_EINVALID, "cannot read %s: %s", path, strerror(errno));
	else if (S_ISDIR(st.st_mode))
		r = cu_error_set(CU_EINVALID, "%s is a directory: name the bundle's tar file", path);
	else if (S_ISREG(st.st_mode) && st.st_size == 0)
		r = cu_error_set(CU_EVERIFY, "%s is empty: not a custodia bundle", path);
	if (r) {
		if (fd >= 0)
			close(fd);
		json_decref(seen);
		return r;
	}
	/* From here on, what cannot be read is the bundle's fault: it does not verify. */
	ar = archive_read_new();
	archive_read_support_format_tar(ar);
	if (archive_read_open_fd(ar, fd, 1 << 16) != ARCHIVE_OK) {
		r = cu_error_set(CU_EVERIFY, "%s is not a custodia bundle (not a tar archive: %s)",
		                 path, archive_error_string(ar));
		archive_read_free(ar);
		close(fd);
		json_decref(seen);
		return r;
	}
	b->files = json_object();
	b->dirs = json_array();
	while (!r && (rc = archive_read_next_header(ar, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		size_t size = (size_t)archive_entry_size(e), k;
		/*
		 * A bundle unpacked and packed again with `tar -C DIR -cf FILE .` names
		 * every member "./NAME" and holds "./" itself: one leading "./" is
		 * dropped, and "./" (or ".") is the archive's root. Only that one:
		 * "././x", "/x" and "../x" stay names no bundle has, and a name given
		 * with and without it is a name given twice.
		 */
		if (name && name[0] == '.' && (name[1] == '/' || name[1] == '\0')) {
			if ((name[1] == '\0' || name[2] == '\0') &&
			    archive_entry_filetype(e) == AE_IFDIR) {
				if (json_object_get(seen, "."))
					problem(problems,
					        "the archive's root directory is in it twice");
				json_object_set_new(seen, ".", json_true());
				continue;
			}
			if (name[1] == '/')
				name += 2;
		}
		if (!name || !*name) {
			problem(problems, "the archive holds a member without a name");
			continue;
		}
		if (json_object_get(seen, name)) {
			problem(problems, "%s is in the archive twice (extracting it keeps one copy, "
			        "a viewer may show the other)", name);
			continue;
		}
		json_object_set_new(seen, name, json_true());
		if (archive_entry_filetype(e) == AE_IFDIR) {
			size_t n = strlen(name);
			json_array_append_new(b->dirs, json_stringn(name, name[n - 1] == '/' ? n - 1 : n));
			continue;
		}
		if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e)) {
			problem(problems, "%s is not a regular file (a bundle holds no links or devices)",
			        name);
			continue;
		}
		for (k = 0; k < sizeof(records) / sizeof(records[0]); k++)
			if (!strcmp(name, records[k]))
				break;
		if (k < sizeof(records) / sizeof(records[0]))
			r = read_small(ar, slot[k], size, name);
		else if (!strncmp(name, "evidence/", 9))
			r = read_file(ar, b->files, name);
		else
			problem(problems, "%s is not part of a custodia bundle (an unlisted file)", name);
	}
	if (!r && rc != ARCHIVE_EOF && rc != ARCHIVE_OK)
		r = cu_error_set(CU_EVERIFY, "the bundle is damaged or not a tar archive: %s",
		                 archive_error_string(ar));
	archive_read_free(ar); /* leaves fd open */
	close(fd);
	json_decref(seen);
	if (!r && (!b->manifest || !b->meta || !b->checkpoint || !b->key || !b->entries))
		r = cu_error_set(CU_EVERIFY, "not a custodia bundle: manifest.jsonld, bundle.json, "
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

/*
 * Checks one entries.jsonl line: the entry's inclusion proof, then the record
 * against the entry's commitment (sequence, time and item agree). A redacted
 * line — a custody event the exporter may not see in full (docs/bundle.md) —
 * carries no record or salt: its entry alone, proven, stands for it. A line
 * that holds gets what its proven entry says as "v_kind", "v_ref" and, for
 * custody, "v_item": the rest of the verifier goes by those, never by the
 * line's own unsigned fields.
 */
static bool check_line(json_t *problems, json_t *line, const cu_checkpoint *cp, int lineno)
{
	const char *entry = json_string_value(json_object_get(line, "entry"));
	const char *record = json_string_value(json_object_get(line, "record"));
	const char *salt = json_string_value(json_object_get(line, "salt"));
	bool redacted = !json_object_get(line, "record") && !json_object_get(line, "salt") &&
	                json_is_true(json_object_get(line, "redacted"));
	int64_t idx = json_integer_value(json_object_get(line, "index"));
	json_t *proof = json_object_get(line, "proof"), *h;
	uint8_t leaf[32], p[CU_MERKLE_MAX_PROOF][32];
	int len = 0;
	size_t k;
	if (!entry || (!redacted && (!record || !salt)) || !json_is_array(proof) ||
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
	json_t *e = json_loads(entry, 0, NULL), *rec = redacted ? NULL : json_loads(record, 0, NULL);
	bool custody = !strcmp(jstr(e, "kind"), "custody");
	int64_t item = json_integer_value(json_object_get(e, "item"));
	bool ok = json_is_object(e) && (redacted || json_is_object(rec));
	if (!ok) {
		problem(problems, "ledger entry %lld: the entry or its record is not JSON", (long long)idx);
	} else if (strcmp(jstr(line, "kind"), jstr(e, "kind")) != 0) {
		problem(problems, "ledger entry %lld: the line says it is of kind \"%.16s\", the "
		        "entry \"%.16s\"", (long long)idx, jstr(line, "kind"), jstr(e, "kind"));
		ok = false;
	} else if (redacted) {
		if (!custody || item != json_integer_value(json_object_get(line, "item"))) {
			problem(problems, "ledger entry %lld: only a custody event of the line's item may "
			        "come without its record", (long long)idx);
			ok = false;
		}
	} else {
		char cm[65];
		commitment(cm, salt, record, strlen(record));
		if (strcmp(cm, jstr(e, "commit")) != 0) {
			problem(problems, "ledger entry %lld: the record does not match the entry's "
			        "commitment (edited)", (long long)idx);
			ok = false;
		} else if (json_integer_value(json_object_get(e, "ref")) !=
		           json_integer_value(json_object_get(rec, "seq")) ||
		           strcmp(jstr(e, "at"), jstr(rec, "at")) ||
		           (custody && (item != json_integer_value(json_object_get(line, "item")) ||
		                        item != json_integer_value(json_object_get(rec, "item_id"))))) {
			problem(problems, "ledger entry %lld: the entry and its record disagree",
			        (long long)idx);
			ok = false;
		}
	}
	if (ok) {
		json_object_set_new(line, "v_kind", json_string(jstr(e, "kind")));
		json_object_set_new(line, "v_ref", json_integer(json_integer_value(json_object_get(e,
		                                                                      "ref"))));
		json_object_set_new(line, "v_item", json_integer(custody ? item : 0));
		json_object_set_new(line, "v_redacted", json_boolean(redacted));
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

/* The N of a manifest node's "@id" PREFIX N (N > 0), or 0. */
static int64_t node_id(const json_t *node, const char *prefix)
{
	const char *id = cu_json_str(node, "@id");
	size_t n = strlen(prefix);
	char *end;
	if (!id || strncmp(id, prefix, n) != 0 || id[n] < '1' || id[n] > '9')
		return 0;
	errno = 0;
	long long v = strtoll(id + n, &end, 10);
	return *end || errno ? 0 : (int64_t)v;
}

/*
 * What the manifest — the file every item's export record commits to — says:
 * each item's {title, path, sha256, size} from its uco-observable:File (keyed
 * by id), and the custody events it marks restricted ({seq: item}). *case_ref
 * borrows the investigation's name from man.
 */
static void read_manifest(json_t *problems, const json_t *man, json_t *mitems,
                          json_t *restricted, const char **case_ref)
{
	json_t *graph = json_object_get(man, "@graph"), *node, *f;
	size_t i, k;
	char key[24];
	if (!json_is_array(graph)) {
		problem(problems, "the manifest is not a CASE/UCO graph");
		return;
	}
	json_array_foreach(graph, i, node) {
		const char *type = jstr(node, "@type");
		if (!strcmp(type, "case-investigation:Investigation")) {
			*case_ref = cu_json_str(node, "uco-core:name");
		} else if (!strcmp(type, "uco-observable:File")) {
			int64_t id = node_id(node, "kb:file-");
			const char *sha = NULL;
			json_t *size = NULL;
			snprintf(key, sizeof(key), "%lld", (long long)id);
			if (!id || json_object_get(mitems, key)) {
				problem(problems, "the manifest lists %s twice or under no item id",
				        jstr(node, "@id"));
				continue;
			}
			json_array_foreach(json_object_get(node, "uco-core:hasFacet"), k, f) {
				if (!strcmp(jstr(f, "@type"), "uco-observable:FileFacet"))
					size = json_object_get(f, "uco-observable:sizeInBytes");
				else if (!strcmp(jstr(f, "@type"), "uco-observable:ContentDataFacet"))
					sha = cu_json_str(json_object_get(json_array_get(json_object_get(
						f, "uco-observable:hash"), 0), "uco-types:hashValue"), "@value");
			}
			json_object_set_new(mitems, key, json_pack(
				"{s:I,s:s?,s:s?,s:s?,s:O?}", "id", (json_int_t)id, "title",
				cu_json_str(node, "uco-core:description"), "path",
				cu_json_str(node, "custodia:path"), "sha256", sha, "size", size));
		} else if (!strcmp(type, "case-investigation:InvestigativeAction") &&
		           json_is_true(json_object_get(node, "custodia:restricted"))) {
			int64_t seq = node_id(node, "kb:investigative-action-custody-");
			snprintf(key, sizeof(key), "%lld", (long long)seq);
			json_object_set_new(restricted, key, json_integer(node_id(json_array_get(
				json_object_get(node, "uco-action:object"), 0), "kb:file-")));
		}
	}
}

/* evidence/<id>/ and then non-empty components, none "." or "..". */
static bool path_ok(const char *path, int64_t id)
{
	char prefix[40];
	int n = snprintf(prefix, sizeof(prefix), "evidence/%lld/", (long long)id);
	if (!path || strncmp(path, prefix, (size_t)n) != 0)
		return false;
	for (const char *c = path + n, *end;; c = end + 1) {
		end = strchr(c, '/');
		size_t len = end ? (size_t)(end - c) : strlen(c);
		if (!len || (len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		if (!end)
			return true;
	}
}

/* Whether a directory member lies above a file of the bundle. */
static bool dir_used(const bundle *b, const char *dir)
{
	const char *records[] = {"manifest.jsonld", "bundle.json", "ledger/checkpoint",
	                         "ledger/key", "ledger/entries.jsonl", "ledger/keys.jsonl"};
	size_t n = strlen(dir);
	const char *name;
	json_t *v;
	if (!n)
		return false;
	for (size_t k = 0; k < sizeof(records) / sizeof(records[0]); k++)
		if (!strncmp(records[k], dir, n) && records[k][n] == '/')
			return true;
	json_object_foreach(b->files, name, v)
		if (!strncmp(name, dir, n) && name[n] == '/' && json_object_get(v, "item"))
			return true;
	return false;
}

int cu_bundle_verify(json_t **out, const char *path, const char *vkey)
{
	bundle b = {0};
	json_t *problems = json_array(), *items = json_array(), *meta = NULL, *lines = json_array();
	json_t *kchain = json_array(), *man = NULL, *mitems = json_object();
	json_t *restricted = json_object(), *listed = json_object(), *indexes = json_object();
	cu_note_verifier v;
	cu_checkpoint cp = {0};
	char *text = NULL, keyline[400], for_org[128] = "", exported_by[128] = "";
	const char *case_ref = NULL;
	int nv, r;
	*out = NULL;
	if (vkey && cu_note_vkey_parse(&v, vkey) != 0) {
		r = cu_error_set(CU_EINVALID, "the key given is not a verifier key: give the line "
		                 "'custodia ledger key' prints (NAME+HASH+BASE64)");
		goto out;
	}
	if ((r = load(&b, problems, path)) != 0)
		goto out;
	/* The key: the one the receiver trusts, or the bundle's own. */
	snprintf(keyline, sizeof(keyline), "%s", b.key);
	keyline[strcspn(keyline, "\n")] = '\0';
	const char *source = vkey ? "given" : "the bundle's own (check it against a key you trust)";
	char signer[300];
	bool cp_ok = true;
	if (cu_note_vkey_parse(&v, vkey ? vkey : keyline) != 0) {
		problem(problems, "the bundle's verifier key is malformed");
		cp_ok = false;
	} else {
		/* From the trusted key along the transitions to the checkpoint's signer. */
		size_t before = json_array_size(problems);
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
		cp_ok = json_array_size(problems) == before;
	}
	/* Each transition followed is in the log the checkpoint signs. */
	json_t *tl, *line, *it;
	size_t ti, i, k;
	json_array_foreach(kchain, ti, tl)
		if (cp_ok && !proven(problems, tl, &cp))
			cp_ok = false;
	/* The ledger lines: each entry proven once. */
	uint8_t msha[32];
	char msha_hex[65], key[24];
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
		line = json_loads(l, 0, NULL);
		if (!json_is_object(line)) {
			problem(problems, "ledger line %d is not JSON", lineno);
			json_decref(line);
			continue;
		}
		snprintf(key, sizeof(key), "%lld",
		         (long long)json_integer_value(json_object_get(line, "index")));
		if (json_object_get(indexes, key)) {
			problem(problems, "ledger entry %s is in the bundle twice (line %d)", key, lineno);
			json_decref(line);
			continue;
		}
		json_object_set_new(indexes, key, json_true());
		bool ok = cp_ok && check_line(problems, line, &cp, lineno);
		json_object_set_new(line, "verified", json_boolean(ok));
		json_object_set_new(line, "v_line", json_integer(lineno));
		json_array_append_new(lines, line);
	}
	/* What the export records commit to: the manifest. */
	man = json_loads(b.manifest, 0, NULL);
	read_manifest(problems, man, mitems, restricted, &case_ref);
	meta = json_loads(b.meta, 0, NULL);
	if (strcmp(jstr(meta, "format"), "custodia-bundle-v1") != 0)
		problem(problems, "bundle.json is not a custodia-bundle-v1 description");
	if (strcmp(jstr(meta, "case"), case_ref ? case_ref : "") != 0)
		problem(problems, "bundle.json names case \"%.64s\", the signed manifest \"%.64s\"",
		        jstr(meta, "case"), case_ref ? case_ref : "");
	if (cp_ok && json_integer_value(json_object_get(meta, "checkpoint_size")) != cp.size)
		problem(problems, "bundle.json's checkpoint size is not the checkpoint's");
	/* A record held back must be one the manifest marks restricted, of that item. */
	json_array_foreach(lines, i, line) {
		if (!json_is_true(json_object_get(line, "v_redacted")))
			continue;
		int64_t seq = json_integer_value(json_object_get(line, "v_ref"));
		snprintf(key, sizeof(key), "%lld", (long long)seq);
		if (json_integer_value(json_object_get(restricted, key)) !=
		    json_integer_value(json_object_get(line, "v_item"))) {
			problem(problems, "ledger entry %lld: its record is withheld, but the manifest "
			        "does not mark custody event %lld restricted",
			        (long long)json_integer_value(json_object_get(line, "index")),
			        (long long)seq);
			json_object_set_new(line, "verified", json_false());
		}
	}
	/* Each item bundle.json lists: bound by the manifest, its file, its content
	 * commitment, and the chain its export listed. */
	json_array_foreach(json_object_get(meta, "items"), i, it) {
		json_t *idv = json_object_get(it, "id");
		int64_t id = json_integer_value(idv), reg_seq;
		snprintf(key, sizeof(key), "%lld", (long long)id);
		if (!json_is_integer(idv) || id <= 0) {
			problem(problems, "bundle.json lists an item without a valid id");
			continue;
		}
		if (json_object_get(listed, key)) {
			problem(problems, "item %lld is listed twice in bundle.json", (long long)id);
			continue;
		}
		json_object_set_new(listed, key, json_true());
		reg_seq = json_integer_value(json_object_get(it, "registration"));
		json_t *ip = json_array(), *m = json_object_get(mitems, key);
		/* What is printed of an item is what the manifest says; bundle.json must agree. */
		const char *title = m ? cu_json_str(m, "title") : cu_json_str(it, "title");
		const char *sha = m ? cu_json_str(m, "sha256") : cu_json_str(it, "sha256");
		const char *fname = m && cu_json_str(m, "path") ? cu_json_str(m, "path") :
		                    cu_json_str(it, "file");
		if (!m) {
			problem(ip, "it is not in the signed manifest (added to bundle.json)");
		} else {
			if (strcmp(jstr(it, "title"), title ? title : "") != 0)
				problem(ip, "bundle.json gives it the title \"%.100s\", not the signed "
				        "manifest's (edited)", jstr(it, "title"));
			if (!sha || strcmp(jstr(it, "sha256"), sha) != 0)
				problem(ip, "bundle.json gives it another SHA-256 than the signed manifest");
			if (!json_equal(json_object_get(it, "size"), json_object_get(m, "size")))
				problem(ip, "bundle.json gives it another size than the signed manifest");
			if (strcmp(jstr(it, "file"), fname ? fname : "") != 0)
				problem(ip, "bundle.json names its file %.100s, the signed manifest %.100s",
				        jstr(it, "file"), fname ? fname : "");
		}
		json_t *file = fname ? json_object_get(b.files, fname) : NULL;
		if (!path_ok(fname, id))
			problem(ip, "its file name %.100s is not a file under evidence/%lld/",
			        fname ? fname : "(none)", (long long)id);
		else if (!file)
			problem(ip, "its file %s is missing", fname);
		else if (json_object_get(file, "item"))
			problem(ip, "its file %s is another item's", fname);
		else if (json_object_set_new(file, "item", json_integer(id)) == 0 &&
		         (!sha || strcmp(cu_json_str(file, "sha256"), sha) != 0))
			problem(ip, "its file does not match its SHA-256 (altered)");
		/* Its verified lines: the registration, custody events, the export. */
		json_t *reg = NULL, *exp = NULL, *exprec = NULL;
		int events = 0, hidden = 0;
		json_array_foreach(lines, k, line) {
			if (!json_is_true(json_object_get(line, "verified")))
				continue;
			if (!strcmp(jstr(line, "v_kind"), "event")) {
				if (json_integer_value(json_object_get(line, "item")) == id &&
				    json_integer_value(json_object_get(line, "v_ref")) == reg_seq) {
					reg = line;
					json_object_set_new(line, "used", json_true());
				}
				continue;
			}
			if (json_integer_value(json_object_get(line, "v_item")) != id)
				continue;
			json_object_set_new(line, "used", json_true());
			events++;
			if (json_is_true(json_object_get(line, "v_redacted"))) {
				hidden++;
				continue;
			}
			json_t *rec = json_loads(cu_json_str(line, "record"), 0, NULL);
			json_t *d = !strcmp(jstr(rec, "event"), "exported") ?
			            json_loads(jstr(rec, "details"), 0, NULL) : NULL;
			if (d && !strcmp(jstr(d, "manifest_sha256"), msha_hex)) {
				json_decref(exp);
				json_decref(exprec);
				exp = d;
				exprec = rec;
			} else {
				json_decref(d);
				json_decref(rec);
			}
		}
		/* The registration entry is this item's, and commits to the content's hash. */
		uint8_t raw[32];
		char cc[65];
		json_t *re = reg ? json_loads(cu_json_str(reg, "entry"), 0, NULL) : NULL;
		json_t *rr = reg ? json_loads(cu_json_str(reg, "record"), 0, NULL) : NULL;
		if (!reg || unhex_any(raw, 32, sha) != 0) {
			problem(ip, "its registration is not in the bundle's verified ledger entries");
		} else if (strcmp(jstr(rr, "action"), "evidence.register") != 0 ||
		           strcmp(jstr(rr, "object_type"), "evidence") != 0 ||
		           strcmp(jstr(rr, "object_id"), key) != 0) {
			problem(ip, "its registration entry is not the registration of item %lld",
			        (long long)id);
		} else {
			commitment(cc, cu_json_str(it, "content_salt"), raw, 32);
			if (strcmp(cc, jstr(re, "content")))
				problem(ip, "its SHA-256 is not the one the ledger registered");
		}
		json_decref(re);
		json_decref(rr);
		bool chain = true;
		if (!exp) {
			problem(ip, "no verified export record commits to this manifest (edited "
			        "manifest?)");
			chain = false;
		} else {
			/* The export names the bundle's registration, receiver and exporter. */
			if (json_integer_value(json_object_get(exp, "registration")) != reg_seq)
				problem(ip, "its export record names another registration");
			if (strcmp(jstr(exp, "for"), jstr(meta, "for")) != 0)
				problem(ip, "its export record is for %.64s, not %.64s as bundle.json says",
				        jstr(exp, "for"), jstr(meta, "for"));
			if (strcmp(jstr(exprec, "actor"), jstr(meta, "exported_by")) != 0)
				problem(ip, "its export record was made by %.64s, not %.64s as bundle.json "
				        "says", jstr(exprec, "actor"), jstr(meta, "exported_by"));
			if (!*for_org) {
				snprintf(for_org, sizeof(for_org), "%s", jstr(exp, "for"));
				snprintf(exported_by, sizeof(exported_by), "%s", jstr(exprec, "actor"));
			}
			json_t *s;
			json_array_foreach(json_object_get(exp, "custody"), k, s) {
				bool found = false;
				size_t n;
				json_array_foreach(lines, n, line)
					found = found ||
					        (json_is_true(json_object_get(line, "verified")) &&
					         !strcmp(jstr(line, "v_kind"), "custody") &&
					         json_integer_value(json_object_get(line, "v_item")) == id &&
					         json_integer_value(json_object_get(line, "v_ref")) ==
					         json_integer_value(s));
				if (!found) {
					problem(ip, "custody event %lld is missing from the bundle",
					        (long long)json_integer_value(s));
					chain = false;
				}
			}
		}
		json_decref(exp);
		json_decref(exprec);
		json_array_append_new(items, json_pack("{s:I,s:s?,s:s?,s:s?,s:i,s:i,s:b,s:o}", "id",
		                                       (json_int_t)id, "title", title, "sha256", sha,
		                                       "file", fname, "custody_events", events,
		                                       "restricted_events", hidden, "chain_complete",
		                                       chain && json_array_size(ip) == 0, "problems",
		                                       ip));
	}
	if (json_array_size(json_object_get(meta, "items")) == 0)
		problem(problems, "the bundle lists no items");
	/* A defence lawyer's questions: what the manifest lists and the bundle lacks,
	 * and what the bundle holds that nothing signed accounts for. */
	const char *name;
	json_t *m;
	json_object_foreach(mitems, name, m)
		if (!json_object_get(listed, name))
			json_array_append_new(items, json_pack(
				"{s:O,s:s?,s:s?,s:s?,s:i,s:i,s:b,s:[s]}", "id", json_object_get(m, "id"),
				"title", cu_json_str(m, "title"), "sha256", cu_json_str(m, "sha256"), "file",
				cu_json_str(m, "path"), "custody_events", 0, "restricted_events", 0,
				"chain_complete", 0, "problems", "the signed manifest lists it, but the bundle "
				"withholds it (not in bundle.json)"));
	json_object_foreach(b.files, name, m)
		if (!json_object_get(m, "item"))
			problem(problems, "%s is the file of no item in the bundle (an unlisted file)",
			        name);
	json_array_foreach(b.dirs, i, it)
		if (!dir_used(&b, json_string_value(it)))
			problem(problems, "%s/ is a directory no file of the bundle is in",
			        json_string_value(it));
	json_array_foreach(lines, i, line)
		if (json_is_true(json_object_get(line, "verified")) &&
		    !json_is_true(json_object_get(line, "used")))
			problem(problems, "ledger line %lld (entry %lld) is no entry of an item in the "
			        "bundle", (long long)json_integer_value(json_object_get(line, "v_line")),
			        (long long)json_integer_value(json_object_get(line, "index")));
	bool ok = json_array_size(problems) == 0;
	json_array_foreach(items, i, it)
		ok = ok && json_array_size(json_object_get(it, "problems")) == 0;
	json_t *followed = json_array();
	json_array_foreach(kchain, ti, tl)
		json_array_append(followed, json_object_get(tl, "key_new"));
	*out = json_pack("{s:b,s:s,s:{s:s,s:I},s:s?,s:s?,s:s?,s:O,s:O,s:o}", "ok", ok,
	                 "key_source", source, "checkpoint", "origin", cp.origin, "size",
	                 (json_int_t)cp.size, "case", case_ref, "for", *for_org ? for_org : NULL,
	                 "exported_by", *exported_by ? exported_by : NULL, "items", items,
	                 "problems", problems, "key_transitions", followed);
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
	json_decref(b.dirs);
	json_decref(meta);
	json_decref(man);
	json_decref(mitems);
	json_decref(restricted);
	json_decref(listed);
	json_decref(indexes);
	json_decref(lines);
	json_decref(items);
	json_decref(problems);
	return r;
}
