/* SPDX-License-Identifier: Apache-2.0 */
/*
 * core: evidence bundles for handing material to another authority
 * (docs/bundle.md). The archive holds what a receiver needs to check every
 * item and its chain of custody offline, trusting only the node's key.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/internal.h"
#include "crypto/crypto.h"
#include "ledger/merkle.h"

#define KB "kb:"

/* A CASE/UCO description of the items and their chain of custody. */
static json_t *manifest(const json_t *case_doc, const json_t *items, const json_t *custody)
{
	json_t *graph = json_array(), *it, *ev;
	size_t i, k;
	char id[96];
	json_array_append_new(graph, json_pack(
		"{s:s,s:s,s:s,s:s}", "@id", KB "investigation", "@type",
		"case-investigation:Investigation", "uco-core:name", cu_json_str(case_doc, "reference"),
		"uco-core:description", cu_json_str(case_doc, "title")));
	json_array_foreach(items, i, it) {
		long long n = (long long)json_integer_value(json_object_get(it, "id"));
		char file[64], prov[64];
		snprintf(file, sizeof(file), KB "file-%lld", n);
		snprintf(prov, sizeof(prov), KB "provenance-record-%lld", n);
		json_t *hash = json_pack("{s:s,s:s,s:{s:s,s:s},s:{s:s,s:s}}", "@id", "", "@type",
		                         "uco-types:Hash", "uco-types:hashMethod", "@type",
		                         "uco-vocabulary:HashNameVocab", "@value", "SHA256",
		                         "uco-types:hashValue", "@type", "xsd:hexBinary", "@value",
		                         cu_json_str(it, "sha256"));
		snprintf(id, sizeof(id), KB "hash-%lld", n);
		json_object_set_new(hash, "@id", json_string(id));
		snprintf(id, sizeof(id), KB "file-facet-%lld", n);
		json_t *facet = json_pack("{s:s,s:s,s:s,s:I}", "@id", id, "@type",
		                          "uco-observable:FileFacet", "uco-observable:fileName",
		                          cu_json_str(it, "original_name") ?
		                          cu_json_str(it, "original_name") : cu_json_str(it, "title"),
		                          "uco-observable:sizeInBytes",
		                          json_integer_value(json_object_get(it, "size")));
		snprintf(id, sizeof(id), KB "content-data-facet-%lld", n);
		json_t *content = json_pack("{s:s,s:s,s:s,s:[o]}", "@id", id, "@type",
		                            "uco-observable:ContentDataFacet",
		                            "uco-observable:mimeType", cu_json_str(it, "media_type"),
		                            "uco-observable:hash", hash);
		/* custodia:path binds the member of the archive that holds the file. */
		json_array_append_new(graph, json_pack("{s:s,s:s,s:s,s:s,s:[o,o]}", "@id", file,
		                                       "@type", "uco-observable:File",
		                                       "uco-core:description", cu_json_str(it, "title"),
		                                       "custodia:path", cu_json_str(it, "bundle_file"),
		                                       "uco-core:hasFacet", facet, content));
		json_array_append_new(graph, json_pack(
			"{s:s,s:s,s:s,s:{s:s},s:s,s:O}", "@id", prov, "@type",
			"case-investigation:ProvenanceRecord", "case-investigation:exhibitNumber",
			cu_json_str(it, "case_reference"), "uco-core:object", "@id", file,
			"uco-core:description", cu_json_str(it, "title"), "custodia:provenance",
			json_object_get(it, "provenance")));
		char key[24];
		snprintf(key, sizeof(key), "%lld", n);
		json_array_foreach(json_object_get(custody, key), k, ev) {
			snprintf(id, sizeof(id), KB "investigative-action-custody-%lld",
			         (long long)json_integer_value(json_object_get(ev, "seq")));
			/* An event the exporter may not see in full: when and what, never who
			 * or why (its record stays out of the bundle too). */
			if (json_is_true(json_object_get(ev, "restricted"))) {
				json_array_append_new(graph, json_pack(
					"{s:s,s:s,s:s,s:{s:s,s:s},s:[{s:s}],s:b}", "@id", id, "@type",
					"case-investigation:InvestigativeAction", "uco-core:name",
					cu_json_str(ev, "event"), "uco-action:startTime", "@type",
					"xsd:dateTime", "@value", cu_json_str(ev, "at"), "uco-action:object",
					"@id", file, "custodia:restricted", 1));
				continue;
			}
			char performer[128];
			snprintf(performer, sizeof(performer), KB "identity-%s-%s",
			         cu_json_str(ev, "actor_org"), cu_json_str(ev, "actor"));
			json_array_append_new(graph, json_pack(
				"{s:s,s:s,s:s,s:{s:s,s:s},s:{s:s},s:[{s:s}],s:s?}", "@id", id, "@type",
				"case-investigation:InvestigativeAction", "uco-core:name",
				cu_json_str(ev, "event"), "uco-action:startTime", "@type", "xsd:dateTime",
				"@value", cu_json_str(ev, "at"), "uco-action:performer", "@id", performer,
				"uco-action:object", "@id", file, "uco-core:description",
				cu_json_str(ev, "reason")));
		}
	}
	return json_pack("{s:{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s},s:o}", "@context", "kb",
	                 "http://custodia.local/kb/", "case-investigation",
	                 "https://ontology.caseontology.org/case/investigation/", "uco-action",
	                 "https://ontology.unifiedcyberontology.org/uco/action/", "uco-core",
	                 "https://ontology.unifiedcyberontology.org/uco/core/", "uco-observable",
	                 "https://ontology.unifiedcyberontology.org/uco/observable/", "uco-types",
	                 "https://ontology.unifiedcyberontology.org/uco/types/", "uco-vocabulary",
	                 "https://ontology.unifiedcyberontology.org/uco/vocabulary/", "xsd",
	                 "http://www.w3.org/2001/XMLSchema#", "custodia",
	                 "https://custodia.local/ns/", "@graph", graph);
}

static int add_file(struct archive *ar, const char *name, const void *data, size_t n)
{
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_set_size(e, (la_int64_t)n);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	int ok = archive_write_header(ar, e) == ARCHIVE_OK &&
	         (n == 0 || archive_write_data(ar, data, n) == (la_ssize_t)n);
	archive_entry_free(e);
	return ok ? 0 : cu_error_set(CU_EIO, "cannot write the bundle: %s", archive_error_string(ar));
}

/* Streams an item's decrypted content into the archive. */
static int add_content(cu_core *c, struct archive *ar, const char *name, const json_t *item)
{
	uint8_t key[CU_KEY_LEN], wrapped[CU_WRAPPED_LEN], sha[32], hdr[CU_STREAM_HEADER];
	int64_t case_id = json_integer_value(json_object_get(item, "case_id"));
	uint64_t size = (uint64_t)json_integer_value(json_object_get(item, "size"));
	cu_blob_reader *rd = NULL;
	bool have = false;
	int r;
	if ((r = cu_store_case_key_get(c->store, wrapped, case_id)) != 0 ||
	    (r = cu_vault_unwrap_case_key(c->vault, key, wrapped, case_id)) != 0 ||
	    (r = cu_unhex32(sha, cu_json_str(item, "sha256"))) != 0 ||
	    (r = cu_evidence_blob_header(c, json_integer_value(json_object_get(item, "id")), hdr,
	                                 &have)) != 0 ||
	    (r = cu_blob_open(&rd, c->vault, case_id, key, sha, size, have ? hdr : NULL)) != 0) {
		cu_wipe(key, sizeof(key));
		return r;
	}
	cu_wipe(key, sizeof(key));
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_set_size(e, (la_int64_t)size);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	if (archive_write_header(ar, e) != ARCHIVE_OK)
		r = cu_error_set(CU_EIO, "cannot write the bundle: %s", archive_error_string(ar));
	archive_entry_free(e);
	char *buf = malloc(1 << 20);
	size_t got;
	uint64_t done = 0;
	while (!r && buf && (r = cu_blob_read(rd, buf, 1 << 20, &got)) == 0 && got) {
		if (archive_write_data(ar, buf, got) != (la_ssize_t)got)
			r = cu_error_set(CU_EIO, "cannot write the bundle: %s", archive_error_string(ar));
		done += got;
	}
	if (!r && done != size)
		r = cu_error_set(CU_EVERIFY, "item content shorter than recorded");
	if (r == CU_EVERIFY)
		cu_evidence_mark_failed(c, json_integer_value(json_object_get(item, "id")));
	free(buf);
	cu_blob_close(rd);
	return r;
}

/* One "exported" custody event per item: the manifest's digest and the chain so far. */
static int record_exports(cu_core *c, const cu_actor *a, const json_t *items,
                          const json_t *custody, const char *msha, const char *for_org)
{
	size_t i, k;
	json_t *it, *ev;
	int r = 0;
	json_array_foreach(items, i, it) {
		char key[24];
		int64_t id = json_integer_value(json_object_get(it, "id"));
		int64_t reg;
		cu_id_text(key, id);
		json_t *seqs = json_array();
		json_array_foreach(json_object_get(custody, key), k, ev)
			json_array_append(seqs, json_object_get(ev, "seq"));
		if ((r = cu_store_item_registration(c->store, &reg, id)) != 0) {
			json_decref(seqs);
			break;
		}
		json_t *d = json_pack("{s:s,s:s,s:o,s:I}", "manifest_sha256", msha, "for", for_org,
		                      "custody", seqs, "registration", (json_int_t)reg);
		r = cu_core_custody(c, NULL, id, "exported", a->username, a->org,
		                    "evidence bundle for an outside authority", d);
		json_decref(d);
		if (r)
			break;
	}
	return r;
}

/* One line {index, entry, proof} per key transition in the tree of `size`. */
static int key_lines(cu_core *c, cu_buf *out, int64_t size)
{
	json_t *keys = NULL, *k;
	size_t i;
	int r;
	if ((r = cu_ledger_keys(c, &keys)) != 0)
		return r;
	json_array_foreach(keys, i, k) {
		json_t *idxv = json_object_get(k, "index"), *rows = NULL, *proof = NULL, *line;
		int64_t idx = json_integer_value(idxv);
		if (!json_is_integer(idxv) || idx >= size)
			continue;
		if ((r = cu_store_ledger_entries(c->store, &rows, idx, 1)) != 0 ||
		    (r = cu_ledger_prove_inclusion(c, &proof, idx, size)) != 0) {
			json_decref(rows);
			break;
		}
		line = json_pack("{s:I,s:s?,s:O?}", "index", (json_int_t)idx, "entry",
		                 cu_json_str(json_array_get(rows, 0), "entry"), "proof",
		                 json_object_get(proof, "proof"));
		char *l = line ? json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		r = l ? cu_buf_puts(out, l) : cu_error_set(CU_ENOMEM, "out of memory");
		if (r == 0)
			r = cu_buf_puts(out, "\n");
		free(l);
		json_decref(line);
		json_decref(rows);
		json_decref(proof);
		if (r)
			break;
	}
	json_decref(keys);
	return r;
}


/*
 * The archive member for an item's file: evidence/<id>/<name>. The original
 * name is metadata typed by whoever registered the item, so it becomes one
 * path component a receiver can extract anywhere: separators, control and
 * Windows-reserved characters become "_", it is cut to 255 bytes at a
 * character boundary, and a name that would be empty, "." or ".." (a
 * directory, or a way out of it) is "content".
 */
static void member_name(char *out, size_t n, int64_t id, const char *original)
{
	char name[256];
	const char *o = original ? original : "";
	size_t full = strlen(o), len = full < sizeof(name) - 1 ? full : sizeof(name) - 1;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)o[i];
		name[i] = ch < 0x20 || ch == 0x7f || strchr("/\\<>:\"|?*", ch) ? '_' : (char)ch;
	}
	if (len < full) /* cut: never inside a UTF-8 sequence */
		while (len > 0 && ((unsigned char)o[len] & 0xc0) == 0x80)
			len--;
	name[len] = '\0';
	if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
		snprintf(name, sizeof(name), "content");
	snprintf(out, n, "evidence/%lld/%s", (long long)id, name);
}

/*
 * An item's chain of custody as the exporter sees it (cu_evidence_custody:
 * an event under a grant whose parties do not include the exporter's
 * organisation is "(restricted)"), each such event marked "restricted": the
 * bundle carries its entry and proof, never its record.
 */
static int chain_view(cu_core *c, const cu_actor *a, json_t **out, int64_t id)
{
	json_t *raw = NULL, *ev;
	size_t i;
	int r;
	*out = NULL;
	if ((r = cu_evidence_custody(c, a, out, id, 0, 0)) != 0 ||
	    (r = cu_store_custody_list(c->store, &raw, id, 0, 0)) != 0) {
		json_decref(*out);
		*out = NULL;
		return r;
	}
	/*
	 * Both in seq order; matched by seq, not by position, so that an event
	 * the view leaves out can never shift a restricted one onto an open
	 * neighbour. An event of the view without its raw twin (written between
	 * the two reads) is restricted: its record stays out.
	 */
	size_t k = 0;
	json_array_foreach(*out, i, ev) {
		json_int_t seq = json_integer_value(json_object_get(ev, "seq"));
		json_t *rv = NULL;
		while (k < json_array_size(raw) &&
		       json_integer_value(json_object_get(json_array_get(raw, k), "seq")) < seq)
			k++;
		if (k < json_array_size(raw) &&
		    json_integer_value(json_object_get(json_array_get(raw, k), "seq")) == seq)
			rv = json_array_get(raw, k);
		if (!rv ||
		    (json_is_integer(json_object_get(json_object_get(rv, "details"), "grant_id")) &&
		     !json_is_integer(json_object_get(json_object_get(ev, "details"), "grant_id"))))
			json_object_set_new(ev, "restricted", json_true());
	}
	json_decref(raw);
	return 0;
}

/*
 * Opens FILE.part for the bundle, refusing an --out that could never become
 * the bundle (a directory, a missing or unwritable directory) before any
 * content is read or anything recorded.
 */
static int open_out(int *fd, char *tmp, size_t n, const char *path)
{
	struct stat st;
	*fd = -1;
	if (!*path || (size_t)snprintf(tmp, n, "%s.part", path) >= n)
		return cu_error_set(CU_EINVALID, "the bundle's file name is empty or too long");
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return cu_error_set(CU_EINVALID, "%s is a directory or not a regular file: name the "
		                    "bundle's file (e.g. %s/bundle.tar)", path, path);
	if ((*fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) >= 0)
		return 0;
	int e = errno;
	if (e == ENOENT || e == ENOTDIR || e == EACCES || e == EPERM || e == EROFS ||
	    e == EISDIR || e == ENAMETOOLONG || e == ELOOP)
		return cu_error_set(CU_EINVALID, "cannot write %s: %s (name a file in an existing, "
		                    "writable directory)", tmp, strerror(e));
	return cu_error_set(CU_EIO, "cannot create %s: %s", tmp, strerror(e));
}

static int add_lines(struct archive *ar, const char *name, const json_t *lines)
{
	cu_buf b;
	size_t i;
	json_t *l;
	int r = 0;
	cu_buf_init(&b, 0);
	json_array_foreach(lines, i, l) {
		char *t = json_dumps(l, JSON_COMPACT | JSON_PRESERVE_ORDER);
		if (!t || (r = cu_buf_puts(&b, t)) != 0 || (r = cu_buf_puts(&b, "\n")) != 0) {
			free(t);
			r = r ? r : cu_error_set(CU_ENOMEM, "out of memory");
			break;
		}
		free(t);
	}
	if (!r)
		r = add_file(ar, name, b.data, b.len);
	cu_buf_free(&b);
	return r;
}

/*
 * The ledger lines of one item as of the checkpoint of `size`: its
 * registration event, then each custody event; a restricted event (chain_view)
 * as {index, entry, proof, item, kind, redacted} without record and salt.
 */
static int item_lines(cu_core *c, const cu_actor *a, json_t *lines, int64_t id, int64_t reg,
                      int64_t size)
{
	json_t *chain = NULL, *refs = json_array(), *ev;
	size_t k;
	int r;
	if ((r = chain_view(c, a, &chain, id)) != 0) {
		json_decref(refs);
		return r;
	}
	json_array_append_new(refs, json_pack("{s:s,s:I,s:b}", "kind", "event", "ref",
	                                      (json_int_t)reg, "restricted", 0));
	json_array_foreach(chain, k, ev)
		json_array_append_new(refs, json_pack("{s:s,s:O,s:b}", "kind", "custody", "ref",
		                                      json_object_get(ev, "seq"), "restricted",
		                                      json_is_true(json_object_get(ev, "restricted"))));
	json_decref(chain);
	json_array_foreach(refs, k, ev) {
		json_t *rec, *proof;
		if ((r = cu_ledger_record(c, &rec, cu_json_str(ev, "kind"),
		                          json_integer_value(json_object_get(ev, "ref")))) != 0)
			break;
		int64_t idx = json_integer_value(json_object_get(rec, "index"));
		if ((r = cu_ledger_prove_inclusion(c, &proof, idx, size)) != 0) {
			json_decref(rec);
			break;
		}
		if (json_is_true(json_object_get(ev, "restricted"))) {
			json_object_del(rec, "record");
			json_object_del(rec, "salt");
		}
		json_object_set(rec, "proof", json_object_get(proof, "proof"));
		json_object_set_new(rec, "item", json_integer(id));
		json_object_set(rec, "kind", json_object_get(ev, "kind"));
		if (json_is_true(json_object_get(ev, "restricted")))
			json_object_set_new(rec, "redacted", json_true());
		json_array_append_new(lines, rec);
		json_decref(proof);
	}
	json_decref(refs);
	return r;
}

int cu_bundle_export(cu_core *c, const cu_actor *a, json_t **out, int64_t case_id,
                     const int64_t *ids, size_t n, const char *for_org, const char *path)
{
	json_t *case_doc = NULL, *all = NULL, *items = json_array(), *custody = json_object();
	json_t *man = NULL, *lines = json_array(), *cp = NULL, *info = json_array(), *meta = NULL;
	struct archive *ar = NULL;
	cu_buf keylines;
	char *man_text = NULL, *meta_text = NULL, *vkey_nl = NULL, tmp[4200], msha[65];
	char vkey[300];
	int64_t org, size;
	size_t i;
	json_t *it;
	int r, fd = -1;
	*out = NULL;
	tmp[0] = '\0';
	cu_buf_init(&keylines, 0);
	for (size_t k = 0; k < n; k++)
		for (size_t m = 0; m < k; m++)
			if (ids[k] == ids[m]) {
				r = cu_error_set(CU_EINVALID, "evidence item %lld is listed twice: name "
				                 "each item once", (long long)ids[k]);
				goto out;
			}
	if ((r = open_out(&fd, tmp, sizeof(tmp), path)) != 0) {
		tmp[0] = '\0'; /* nothing of ours to remove */
		goto out;
	}
	if ((r = cu_org_id(c, &org, "for", for_org)) != 0 ||
	    (r = cu_case_get(c, a, &case_doc, case_id)) != 0 ||
	    (r = cu_access_case(c, a, case_id, CU_OP_CONTRIBUTE)) != 0 ||
	    (r = cu_evidence_list(c, a, &all, case_id, 0, 0)) != 0)
		goto out;
	/* The items: those asked for, or all the actor sees; erased ones have no content. */
	json_array_foreach(all, i, it) {
		int64_t id = json_integer_value(json_object_get(it, "id"));
		bool wanted = ids == NULL;
		for (size_t k = 0; !wanted && k < n; k++)
			wanted = ids[k] == id;
		if (wanted && !cu_json_str(it, "erased_at"))
			json_array_append(items, it);
	}
	for (size_t k = 0; ids && k < n; k++) {
		bool found = false;
		json_array_foreach(items, i, it)
			found = found || json_integer_value(json_object_get(it, "id")) == ids[k];
		if (!found) {
			r = cu_error_set(CU_ENOTFOUND, "no evidence item %lld in that case (or it was "
			                 "erased)", (long long)ids[k]);
			goto out;
		}
	}
	/* A case one sees but that has nothing to export is not a missing one. */
	if (json_array_size(items) == 0) {
		r = cu_error_set(CU_ECONFLICT, "the case has no evidence to export (none, or all "
		                 "erased)");
		goto out;
	}
	/*
	 * The originator decides (as for grants): a bundle for an organisation
	 * outside the case carries another organisation's item only with that
	 * organisation's consent, given as a grant of it to the receiver. For
	 * one's own organisation or one in the case, the case's sharing holds.
	 */
	int part = 0;
	char until[11] = "", today[11];
	cu_date_today(today);
	if (org != a->org_id && (r = cu_store_case_access(c->store, &part, until, case_id, org)) != 0 &&
	    r != CU_ENOTFOUND)
		goto out;
	r = 0;
	cu_error_clear();
	if (org != a->org_id && part == 0 && !(until[0] && strcmp(until, today) >= 0)) {
		json_array_foreach(items, i, it) {
			const char *from = cu_json_str(it, "originator");
			int64_t g = 0, id = json_integer_value(json_object_get(it, "id"));
			if (!from || !strcmp(from, a->org))
				continue;
			if ((r = cu_store_grant_active(c->store, &g, id, org, today)) == CU_ENOTFOUND) {
				r = cu_error_set(CU_EDENIED, "item %lld was contributed by %s: a bundle for "
				                 "%s, which takes no part in the case, carries it only with "
				                 "%s's consent (share the item with %s first, which %s then "
				                 "consents to)", (long long)id, from, for_org, from, for_org,
				                 from);
				goto out;
			}
			if (r)
				goto out;
		}
	}
	/* Each item's member of the archive, registration and content commitment, and
	 * its chain as it stands before the export, as the exporter may see it. */
	json_array_foreach(items, i, it) {
		char key[24], file[400], csalt[33], sha[65];
		json_t *chain;
		int64_t id = json_integer_value(json_object_get(it, "id")), reg;
		member_name(file, sizeof(file), id, cu_json_str(it, "original_name"));
		json_object_set_new(it, "bundle_file", json_string(file));
		if ((r = cu_store_item_registration(c->store, &reg, id)) != 0 ||
		    (r = cu_store_item_content(c->store, csalt, sha, id)) != 0 ||
		    (r = chain_view(c, a, &chain, id)) != 0)
			goto out;
		cu_id_text(key, id);
		json_object_set_new(custody, key, chain);
		json_array_append_new(info, json_pack("{s:I,s:s,s:s,s:s,s:I,s:s,s:I}", "id",
		                                      (json_int_t)id, "file", file, "sha256", sha,
		                                      "content_salt", csalt, "size",
		                                      json_integer_value(json_object_get(it, "size")),
		                                      "title", cu_json_str(it, "title"),
		                                      "registration", (json_int_t)reg));
	}
	if (!(man = manifest(case_doc, items, custody)) ||
	    !(man_text = json_dumps(man, JSON_INDENT(1) | JSON_PRESERVE_ORDER))) {
		r = cu_error_set(CU_ENOMEM, "cannot build the manifest");
		goto out;
	}
	uint8_t h[32];
	cu_sha256(h, man_text, strlen(man_text));
	cu_hex(msha, h, 32);
	/* 1. The content, before anything is recorded: an item that fails its
	 * integrity check (or a full disk) leaves no "exported" in any chain. */
	ar = archive_write_new();
	archive_write_set_format_pax_restricted(ar);
	if (archive_write_open_fd(ar, fd) != ARCHIVE_OK) {
		r = cu_error_set(CU_EIO, "cannot write %s: %s", tmp, archive_error_string(ar));
		goto out;
	}
	json_array_foreach(items, i, it)
		if ((r = add_content(c, ar, cu_json_str(it, "bundle_file"), it)) != 0)
			goto out;
	/* 2. Record the export: it commits to the manifest and lists each chain. */
	CU_TXN(c, r, r = record_exports(c, a, items, custody, msha, for_org));
	if (r)
		goto out;
	/* 3. A checkpoint that covers the export. */
	if ((r = cu_ledger_checkpoint(c, &cp, false)) != 0)
		goto out;
	size = json_integer_value(json_object_get(cp, "size"));
	/* 4. Each item's registration and custody entries, records and proofs. */
	json_array_foreach(items, i, it) {
		int64_t id = json_integer_value(json_object_get(it, "id"));
		int64_t reg = json_integer_value(json_object_get(json_array_get(info, i),
		                                                 "registration"));
		if ((r = item_lines(c, a, lines, id, reg, size)) != 0)
			goto out;
	}
	/* The signing keys' transitions the checkpoint covers, with their proofs:
	 * a receiver who knows only an earlier key follows the chain to the one
	 * that signed the checkpoint (docs/keys.md). */
	if ((r = key_lines(c, &keylines, size)) != 0 || (r = cu_ledger_key(c, vkey)) != 0)
		goto out;
	/* 5. The rest of the archive, which is then synced and renamed. */
	meta = json_pack("{s:s,s:s,s:s,s:s,s:I,s:O}", "format", "custodia-bundle-v1", "case",
	                 cu_json_str(case_doc, "reference"), "for", for_org, "exported_by",
	                 a->username, "checkpoint_size", (json_int_t)size, "items", info);
	meta_text = meta ? json_dumps(meta, JSON_INDENT(1) | JSON_PRESERVE_ORDER) : NULL;
	vkey_nl = malloc(strlen(vkey) + 2);
	if (!meta_text || !vkey_nl) {
		r = cu_error_set(CU_ENOMEM, "out of memory");
		goto out;
	}
	snprintf(vkey_nl, strlen(vkey) + 2, "%s\n", vkey);
	const char *note = cu_json_str(cp, "note");
	if ((r = add_file(ar, "manifest.jsonld", man_text, strlen(man_text))) != 0 ||
	    (r = add_file(ar, "bundle.json", meta_text, strlen(meta_text))) != 0 ||
	    (r = add_file(ar, "ledger/checkpoint", note, strlen(note))) != 0 ||
	    (r = add_file(ar, "ledger/key", vkey_nl, strlen(vkey_nl))) != 0 ||
	    (r = add_lines(ar, "ledger/entries.jsonl", lines)) != 0 ||
	    (keylines.len &&
	     (r = add_file(ar, "ledger/keys.jsonl", keylines.data, keylines.len)) != 0))
		goto out;
	if (archive_write_close(ar) != ARCHIVE_OK) {
		r = cu_error_set(CU_EIO, "cannot finish the bundle: %s", archive_error_string(ar));
		goto out;
	}
	if (fsync(fd) != 0 || rename(tmp, path) != 0) {
		r = cu_error_set(CU_EIO, "cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	tmp[0] = '\0';
	*out = json_pack("{s:s,s:s,s:I,s:I,s:s,s:s}", "bundle", path, "case",
	                 cu_json_str(case_doc, "reference"), "items",
	                 (json_int_t)json_array_size(items), "checkpoint_size", (json_int_t)size,
	                 "manifest_sha256", msha, "for", for_org);
out:
	if (ar)
		archive_write_free(ar);
	if (fd >= 0)
		close(fd);
	if (tmp[0])
		unlink(tmp);
	cu_buf_free(&keylines);
	free(man_text);
	free(meta_text);
	free(vkey_nl);
	json_decref(meta);
	json_decref(case_doc);
	json_decref(all);
	json_decref(items);
	json_decref(custody);
	json_decref(man);
	json_decref(lines);
	json_decref(cp);
	json_decref(info);
	return r;
}
