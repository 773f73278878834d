/* SPDX-License-Identifier: Apache-2.0 */
/*
 * core: evidence items — ingest, access, chain of custody, integrity,
 * erasure. Content lives in the vault; records, custody and grants in the
 * store. Every read of content is recorded ("accessed") in the same
 * transaction that authorises it, before a byte is returned.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "crypto/crypto.h"

struct cu_ingest {
	cu_core *core;
	cu_actor actor;
	int64_t case_id, originator, received_from;
	json_t *meta;
	cu_blob_writer *w;
	cu_blob_info info;
	unsigned flags;
	uint64_t received;
	char expect[65];
	bool finished;
};

static const char *const kinds[] = {"document", "image", "video", "audio", "testimony",
                                    "device_image", "dataset", "other"};

static bool kind_valid(const char *k)
{
	for (size_t i = 0; k && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(k, kinds[i]))
			return true;
	return false;
}

static const char *kind_of(const char *media)
{
	if (!strncmp(media, "image/", 6))
		return "image";
	if (!strncmp(media, "video/", 6))
		return "video";
	if (!strncmp(media, "audio/", 6))
		return "audio";
	if (!strncmp(media, "text/", 5) || !strcmp(media, "application/pdf") ||
	    strstr(media, "document") || strstr(media, "msword"))
		return "document";
	return "other";
}

/* A timestamp or a date: collection times are often known to the day only. */
/* Two digits at s as a number below max, or -1. */
static int two(const char *s, int max)
{
	int v = cu_digits(s, 2);
	return v >= 0 && v < max ? v : -1;
}

/*
 * A day (YYYY-MM-DD) or an RFC 3339 time: the day, T, HH:MM[:SS[.fraction]]
 * and Z or an offset +HH:MM. What goes into a court's bundle is a time, not
 * a day followed by anything.
 */
static int check_when(const char *field, const char *v)
{
	size_t n = strlen(v);
	if (n == 10)
		return cu_valid_date(field, v);
	char day[11];
	snprintf(day, sizeof(day), "%.10s", v);
	const char *p = v + 11;
	bool ok = n >= 17 && n <= 40 && (v[10] == 'T' || v[10] == 't') &&
	          cu_valid_date(field, day) == 0 && two(p, 24) >= 0 && p[2] == ':' &&
	          two(p + 3, 60) >= 0;
	if (ok) {
		p += 5;
		if (*p == ':') {
			ok = two(p + 1, 61) >= 0; /* 60: a leap second */
			p += 3;
			if (ok && *p == '.') {
				const char *f = ++p;
				while (*p >= '0' && *p <= '9')
					p++;
				ok = p > f;
			}
		}
		if (ok && (*p == 'Z' || *p == 'z'))
			ok = p[1] == '\0';
		else if (ok && (*p == '+' || *p == '-'))
			ok = two(p + 1, 24) >= 0 && p[3] == ':' && two(p + 4, 60) >= 0 && p[6] == '\0';
		else
			ok = false;
	}
	cu_error_clear();
	return ok ? 0 : cu_error_set(CU_EINVALID, "field \"%s\" must be YYYY-MM-DD or an RFC 3339 "
	                             "time, e.g. 2026-03-02T06:15:00Z or 2026-03-02T07:15+01:00",
	                             field);
}

static int check_meta(cu_core *c, const json_t *m, int64_t *collected_org, int64_t *from)
{
	static const cu_jfield f[] = {
		{"title", CU_JSTR, false, 300}, {"description", CU_JSTR, false, 10000},
		{"kind", CU_JSTR, false, 32}, {"original_name", CU_JSTR, false, 255},
		{"collected_by", CU_JSTR, false, 200}, {"collected_by_org", CU_JSTR, false, 16},
		{"collected_at", CU_JSTR, false, 40}, {"method", CU_JSTR, false, 1000},
		{"source_url", CU_JSTR, false, 2000}, {"source_place", CU_JSTR, false, 300},
		{"latitude", CU_JNUM, false, 0}, {"longitude", CU_JNUM, false, 0},
		{"language", CU_JSTR, false, 35}, {"legal_status", CU_JSTR, false, 1000},
		{"tags", CU_JARRAY, false, 0}, {"received_from", CU_JSTR, false, 16},
	};
	size_t i;
	json_t *t;
	int r;
	*collected_org = *from = 0;
	if ((r = cu_json_check(m, f, sizeof(f) / sizeof(f[0]))) != 0)
		return r;
	/* The name a bundle gives the file is made from it (docs/bundle.md): one that
	 * names no file is a mistake at registration, not something to guess later. */
	const char *name = cu_json_str(m, "original_name");
	if (name && (!*name || !strcmp(name, ".") || !strcmp(name, "..")))
		return cu_error_set(CU_EINVALID, "field \"original_name\" must name a file: not "
		                    "empty, \".\" or \"..\" (leave it out if the file has none)");
	if (json_object_get(m, "title") &&
	    (r = cu_valid_text("title", cu_json_str(m, "title"), 1, 300)) != 0)
		return r;
	if (cu_json_str(m, "kind") && !kind_valid(cu_json_str(m, "kind")))
		return cu_error_set(CU_EINVALID, "field \"kind\" must be document, image, video, "
		                    "audio, testimony, device_image, dataset or other");
	if (cu_json_str(m, "collected_at") &&
	    (r = check_when("collected_at", cu_json_str(m, "collected_at"))) != 0)
		return r;
	double lat = json_number_value(json_object_get(m, "latitude"));
	double lon = json_number_value(json_object_get(m, "longitude"));
	if (lat < -90 || lat > 90 || lon < -180 || lon > 180)
		return cu_error_set(CU_EINVALID, "latitude must be -90..90 and longitude -180..180");
	if ((json_object_get(m, "latitude") != NULL) != (json_object_get(m, "longitude") != NULL))
		return cu_error_set(CU_EINVALID, "a place's coordinates are a latitude and a longitude: "
		                    "give both, or neither");
	json_t *tags = json_object_get(m, "tags");
	if (json_array_size(tags) > 50)
		return cu_error_set(CU_EINVALID, "at most 50 tags");
	json_array_foreach(tags, i, t)
		if (!json_is_string(t) || (r = cu_valid_text("tags", json_string_value(t), 1, 100)))
			return json_is_string(t) ? r : cu_error_set(CU_EINVALID, "tags are strings");
	if (cu_json_str(m, "collected_by_org") &&
	    (r = cu_org_id(c, collected_org, "collected_by_org", cu_json_str(m, "collected_by_org"))))
		return r;
	if (cu_json_str(m, "received_from") &&
	    (r = cu_org_id(c, from, "received_from", cu_json_str(m, "received_from"))) != 0)
		return r;
	return 0;
}

/* The case's data key, created on first use (inside the caller's transaction). */
int cu_core_case_key(cu_core *c, uint8_t key[CU_KEY_LEN], int64_t case_id)
{
	uint8_t wrapped[CU_WRAPPED_LEN];
	char now[CU_TS_LEN];
	int r = cu_store_case_key_get(c->store, wrapped, case_id);
	if (r == CU_ENOTFOUND) {
		cu_time_now(now);
		cu_key_new(key);
		cu_vault_wrap_case_key(c->vault, wrapped, key, case_id);
		CU_TXN(c, r, r = cu_store_case_key_put(c->store, case_id, wrapped, now));
		if (r == CU_EEXISTS) /* another writer made it first */
			r = cu_store_case_key_get(c->store, wrapped, case_id);
		else if (r == 0)
			return 0;
	}
	if (r)
		return r;
	return cu_vault_unwrap_case_key(c->vault, key, wrapped, case_id);
}

int cu_evidence_begin(cu_core *c, const cu_actor *a, cu_ingest **out, int64_t case_id,
                      const json_t *meta, unsigned flags)
{
	uint8_t key[CU_KEY_LEN];
	int64_t corg, from;
	char *text;
	int r;
	*out = NULL;
	if ((r = check_meta(c, meta, &corg, &from)) != 0)
		return r;
	if ((text = json_dumps(meta, JSON_COMPACT)) && strlen(text) > 65536) {
		free(text);
		return cu_error_set(CU_ETOOBIG, "the metadata is larger than 64 KiB");
	}
	free(text);
	if ((r = cu_access_case(c, a, case_id, CU_OP_CONTRIBUTE)) != 0)
		return r;
	json_t *doc;
	if ((r = cu_store_case_get(c->store, &doc, case_id)) != 0)
		return r;
	const char *st = cu_json_str(doc, "status");
	if (strcmp(st, "open") != 0) {
		r = cu_error_set(CU_ECONFLICT, "case %s is %s: no new evidence",
		                 cu_json_str(doc, "reference"), st);
		json_decref(doc);
		return r;
	}
	json_decref(doc);
	cu_ingest *in = calloc(1, sizeof(*in));
	if (!in)
		return cu_error_set(CU_ENOMEM, "out of memory");
	in->core = c;
	in->actor = *a;
	in->case_id = case_id;
	in->flags = flags;
	in->received_from = from;
	/* The originator is the organisation the material came from. */
	in->originator = from ? from : a->org_id;
	in->meta = json_deep_copy(meta);
	if ((r = cu_core_case_key(c, key, case_id)) == 0)
		r = cu_blob_create(&in->w, c->vault, case_id, key, flags & CU_INGEST_THREADED,
		                   flags & CU_INGEST_DEFERRED);
	cu_wipe(key, sizeof(key));
	if (r) {
		cu_evidence_abort(in);
		return r;
	}
	*out = in;
	return 0;
}

int cu_evidence_write(cu_ingest *in, const void *data, size_t len)
{
	int r = cu_blob_write(in->w, data, len);
	if (r == 0)
		in->received += len;
	return r;
}

uint64_t cu_evidence_received(const cu_ingest *in)
{
	return in->received;
}

int cu_evidence_end(cu_ingest *in)
{
	if (in->finished)
		return 0;
	int r = cu_blob_finish(in->w, &in->info);
	in->finished = r == 0;
	return r;
}

void cu_evidence_expect(cu_ingest *in, const char *sha256_hex)
{
	snprintf(in->expect, sizeof(in->expect), "%s", sha256_hex);
	for (char *p = in->expect; *p; p++)
		if (*p >= 'A' && *p <= 'F')
			*p = (char)(*p - 'A' + 'a');
}

bool cu_evidence_owned_by(const cu_ingest *in, const cu_actor *a)
{
	return in->actor.user_id == a->user_id;
}

void cu_evidence_abort(cu_ingest *in)
{
	if (!in)
		return;
	cu_blob_free(in->w);
	json_decref(in->meta);
	free(in);
}

/* The item row of a finished ingest. */
static json_t *item_row(cu_ingest *in, const char *now)
{
	json_t *m = in->meta, *prov = json_object();
	const char *media = in->info.media_type;
	const char *kind = cu_json_str(m, "kind") ? cu_json_str(m, "kind") : kind_of(media);
	const char *title = cu_json_str(m, "title") ? cu_json_str(m, "title") :
	                    cu_json_str(m, "original_name") ? cu_json_str(m, "original_name") :
	                                                     "Untitled item";
	if (cu_json_str(m, "collected_by") || cu_json_str(m, "collected_by_org"))
		json_object_set_new(prov, "collected_by",
		                    json_pack("{s:s?,s:s?}", "person", cu_json_str(m, "collected_by"),
		                              "org", cu_json_str(m, "collected_by_org")));
	static const char *const plain[] = {"collected_at", "method", "language"};
	for (size_t i = 0; i < 3; i++)
		if (cu_json_str(m, plain[i]))
			json_object_set(prov, plain[i], json_object_get(m, plain[i]));
	if (cu_json_str(m, "source_url") || cu_json_str(m, "source_place") ||
	    json_object_get(m, "latitude")) {
		json_t *src = json_object();
		if (cu_json_str(m, "source_url"))
			json_object_set(src, "url", json_object_get(m, "source_url"));
		if (cu_json_str(m, "source_place"))
			json_object_set(src, "place", json_object_get(m, "source_place"));
		if (json_object_get(m, "latitude")) {
			json_object_set(src, "latitude", json_object_get(m, "latitude"));
			json_object_set(src, "longitude", json_object_get(m, "longitude"));
		}
		json_object_set_new(prov, "source", src);
	}
	if (cu_json_str(m, "received_from"))
		json_object_set(prov, "received_from", json_object_get(m, "received_from"));
	json_t *tags = json_object_get(m, "tags");
	uint8_t salt[16];
	char salt_hex[33];
	cu_random(salt, sizeof(salt));
	cu_hex(salt_hex, salt, sizeof(salt));
	return json_pack("{s:s,s:I,s:s,s:s?,s:s,s:s,s:I,s:s,s:s?,s:I,s:o,s:s?,s:o,s:s,s:s}",
	                 "content_salt", salt_hex, "case_id",
	                 (json_int_t)in->case_id, "title", title, "description",
	                 cu_json_str(m, "description"), "kind", kind, "media_type", media, "size",
	                 (json_int_t)in->info.size, "sha256", in->info.sha256_hex, "original_name",
	                 cu_json_str(m, "original_name"), "originator_org_id",
	                 (json_int_t)in->originator, "provenance", prov, "legal_status",
	                 cu_json_str(m, "legal_status"), "tags",
	                 tags ? json_incref(tags) : json_array(),
	                 "registered_by", in->actor.username, "registered_at", now);
}

int cu_evidence_blob_header(cu_core *c, int64_t id, uint8_t header[CU_STREAM_HEADER],
                            bool *have)
{
	char hex[49];
	*have = false;
	int r = cu_store_item_blob_header(c->store, hex, id);
	if (r == 0 && hex[0] && cu_unhex(header, CU_STREAM_HEADER, hex) == 0)
		*have = true;
	return r;
}

int cu_evidence_authorised(cu_core *c, const cu_ingest *in)
{
	json_t *doc;
	int r;
	if ((r = cu_access_case(c, &in->actor, in->case_id, CU_OP_CONTRIBUTE)) != 0 ||
	    (r = cu_store_case_get(c->store, &doc, in->case_id)) != 0)
		return r;
	if (strcmp(cu_json_str(doc, "status"), "open") != 0)
		r = cu_error_set(CU_ECONFLICT, "case %s was closed during the upload: nothing was "
		                 "registered", cu_json_str(doc, "reference"));
	json_decref(doc);
	return r;
}

static int record_item(cu_core *c, cu_ingest *in, json_t *items)
{
	char now[CU_TS_LEN], idt[24];
	int64_t id;
	json_t *row, *doc = NULL;
	int r;
	/*
	 * An upload spans many requests: the uploader must still be allowed to
	 * contribute, and the case still open, when the item is recorded.
	 */
	if ((r = cu_evidence_authorised(c, in)) != 0)
		return r;
	cu_time_now(now);
	row = item_row(in, now);
	char hdr_hex[2 * CU_STREAM_HEADER + 1];
	cu_hex(hdr_hex, in->info.header, CU_STREAM_HEADER);
	json_object_set_new(row, "blob_header", json_string(hdr_hex));
	json_t *from = in->received_from ? json_pack("{s:O}", "from",
	                                             json_object_get(in->meta, "received_from")) : NULL;
	if ((r = cu_store_item_insert(c->store, &id, row)) == 0 &&
	    (r = cu_core_custody(c, NULL, id, "registered", in->actor.username, in->actor.org, NULL,
	                         json_object_get(row, "provenance"))) == 0 &&
	    (!in->received_from ||
	     (r = cu_core_custody(c, NULL, id, "received", in->actor.username, in->actor.org, NULL,
	                          from)) == 0) &&
	    (r = cu_store_item_get(c->store, &doc, id)) == 0) {
		cu_id_text(idt, id);
		r = cu_core_event(c, &in->actor, "evidence.register", "evidence", idt, in->case_id, 0,
		                  NULL, doc);
		if (r == 0)
			json_array_append(items, doc);
	}
	json_decref(doc);
	json_decref(row);
	json_decref(from);
	return r;
}

int cu_evidence_commit(cu_core *c, cu_ingest **ins, size_t n, json_t **out)
{
	cu_blob_writer **ws = calloc(n ? n : 1, sizeof(cu_blob_writer *));
	json_t *items = json_array();
	size_t nw = 0;
	int r = ws ? 0 : cu_error_set(CU_ENOMEM, "out of memory");
	*out = NULL;
	for (size_t i = 0; !r && i < n; i++) {
		if ((r = cu_evidence_end(ins[i])) != 0)
			break;
		if (ins[i]->expect[0] && strcmp(ins[i]->expect, ins[i]->info.sha256_hex) != 0) {
			r = cu_error_set(CU_EINVALID, "the content received has SHA-256 %s, not the %s "
			                 "that was sent: nothing was registered",
			                 ins[i]->info.sha256_hex, ins[i]->expect);
			if (!ins[i]->info.existed && !(ins[i]->flags & CU_INGEST_DEFERRED))
				cu_blob_destroy(c->vault, ins[i]->case_id, ins[i]->info.sha256);
			break;
		}
		if (ins[i]->flags & CU_INGEST_DEFERRED)
			ws[nw++] = ins[i]->w;
	}
	/* Blobs are durable under their names before any record names them. */
	if (!r)
		r = cu_vault_place(c->vault, ws, nw);
	for (size_t i = 0; !r && i < n; i++)
		cu_blob_result(ins[i]->w, &ins[i]->info); /* with its media type */
	if (!r)
		CU_TXN(c, r, {
			for (size_t i = 0; !r && i < n; i++)
				r = record_item(c, ins[i], items);
		});
	for (size_t i = 0; i < n; i++)
		cu_evidence_abort(ins[i]); /* the writers' ingest lock is released after commit */
	free(ws);
	if (r) {
		json_decref(items);
		return r;
	}
	*out = items;
	return 0;
}

/* ---- access ----------------------------------------------------------- */

/*
 * Loads an item the actor may act on. Through its case by the case rules;
 * otherwise, for reading only, through an active grant (*grant set).
 */
static int item_access(cu_core *c, const cu_actor *a, json_t **item, int64_t *grant, int64_t id,
                       cu_op op)
{
	char today[11];
	int r;
	*item = NULL;
	*grant = 0;
	if ((r = cu_store_item_get(c->store, item, id)) != 0)
		return r == CU_ENOTFOUND ? cu_error_set(r, "no evidence item %lld", (long long)id) : r;
	int64_t case_id = json_integer_value(json_object_get(*item, "case_id"));
	bool all = false;
	/* Whether it exists for the actor is decided before what it may do. */
	if (op != CU_OP_READ) {
		json_t *seen = NULL;
		int64_t g;
		r = item_access(c, a, &seen, &g, id, CU_OP_READ);
		json_decref(seen);
		if (r) {
			json_decref(*item);
			*item = NULL;
			return r;
		}
	}
	r = cu_access_case(c, a, case_id, op);
	/*
	 * Seen through a grant only: the item exists for the actor, so refusing
	 * to change it is a 403, not the 404 of something it may not see.
	 */
	if (r == CU_ENOTFOUND && op != CU_OP_READ)
		r = cu_error_set(CU_EDENIED, "the item was shared with %s for reading only", a->org);
	/*
	 * Seeing a case through a JIT one only participates in (the ICC, UNITAD)
	 * shows one's own contributions and what was granted, not every item.
	 */
	if (r == 0 && (r = cu_store_case_evidence_all(c->store, &all, case_id, a->org_id)) == 0 &&
	    !all && strcmp(cu_json_str(*item, "originator"), a->org) != 0)
		r = op == CU_OP_READ ? CU_ENOTFOUND : cu_error_set(CU_EDENIED, "the item is not yours "
		                                                    "to change");
	if (r == CU_ENOTFOUND && op == CU_OP_READ) {
		cu_date_today(today);
		r = cu_store_grant_active(c->store, grant, id, a->org_id, today);
	}
	if (r) {
		json_decref(*item);
		*item = NULL;
		if (r == CU_ENOTFOUND)
			return cu_error_set(r, "no evidence item %lld", (long long)id);
	}
	return r;
}

static int custody_event(cu_core *c, const cu_actor *a, int64_t id, const char *event,
                         const char *reason, json_t *details)
{
	int r = cu_core_custody(c, NULL, id, event, a->username, a->org, reason, details);
	json_decref(details);
	return r;
}

int cu_evidence_visible(cu_core *c, const cu_actor *a, int64_t id)
{
	json_t *item = NULL;
	int64_t grant;
	int r = item_access(c, a, &item, &grant, id, CU_OP_READ);
	json_decref(item);
	return r;
}

int cu_evidence_get(cu_core *c, const cu_actor *a, json_t **out, int64_t id)
{
	int64_t grant;
	int r = item_access(c, a, out, &grant, id, CU_OP_READ);
	json_t *job = NULL;
	/* Where its text extraction stands (search), if it has a job. */
	if (r == 0 && cu_store_job_of_item(c->store, &job, id) == 0) {
		static const char *const drop[] = {"item_id", "case_id", "case_reference", "title",
		                                   "kind", "worker", NULL};
		for (int i = 0; drop[i]; i++)
			json_object_del(job, drop[i]);
		json_object_set_new(*out, "extraction", job);
	}
	if (r == 0)
		cu_error_clear(); /* an item without a job is no error; a missing item's message stays */
	if (r == 0 && grant) {
		/* Every use of a grant is on the record. */
		CU_TXN(c, r, r = custody_event(c, a, id, "accessed", "metadata viewed under a grant",
		                               json_pack("{s:I}", "grant_id", (json_int_t)grant)));
		if (r) {
			json_decref(*out);
			*out = NULL;
		}
	}
	return r;
}

int cu_evidence_list(cu_core *c, const cu_actor *a, json_t **out, int64_t case_id,
                     int64_t after, int limit)
{
	char today[11];
	int r;
	*out = NULL;
	cu_date_today(today);
	if (case_id == 0)
		return cu_store_item_list_granted(c->store, out, a->org_id, today, after, limit);
	bool all = false;
	r = cu_access_case(c, a, case_id, CU_OP_READ);
	if (r == 0 && (r = cu_store_case_evidence_all(c->store, &all, case_id, a->org_id)) == 0)
		return cu_store_item_list(c->store, out, case_id, all ? 0 : a->org_id, today, after,
		                          limit);
	if (r != CU_ENOTFOUND)
		return r;
	/*
	 * Outside the case, only what was granted; and only if anything was.
	 * (Not what the organisation originated: material it handed over to
	 * another desk's case belongs to that case, which it does not see.)
	 */
	json_t *granted = NULL, *it;
	size_t i;
	bool any = false;
	if ((r = cu_store_item_list_granted(c->store, &granted, a->org_id, today, 0, 0)) != 0)
		return r;
	*out = json_array();
	json_array_foreach(granted, i, it) {
		if (json_integer_value(json_object_get(it, "case_id")) != case_id)
			continue;
		any = true;
		if (json_integer_value(json_object_get(it, "id")) > after &&
		    (limit <= 0 || json_array_size(*out) < (size_t)limit))
			json_array_append(*out, it);
	}
	json_decref(granted);
	if (!any) { /* past the last page it is still a case with granted items */
		json_decref(*out);
		*out = NULL;
		return cu_error_set(CU_ENOTFOUND, "no such case");
	}
	return r;
}

int cu_evidence_open(cu_core *c, const cu_actor *a, cu_blob_reader **out, json_t **item,
                     int64_t id, const char *purpose)
{
	uint8_t key[CU_KEY_LEN], sha[32];
	int64_t grant;
	int r;
	*out = NULL;
	if ((r = item_access(c, a, item, &grant, id, CU_OP_READ)) != 0)
		return r;
	int64_t case_id = json_integer_value(json_object_get(*item, "case_id"));
	if (cu_json_str(*item, "erased_at")) {
		r = cu_error_set(CU_ECONFLICT, "item %lld was erased on %s", (long long)id,
		                 cu_json_str(*item, "erased_at"));
		goto fail;
	}
	if (!strcmp(cu_json_str(*item, "integrity"), "failed")) {
		r = cu_error_set(CU_EVERIFY, "item %lld failed its integrity check: its content is "
		                 "not served", (long long)id);
		goto fail;
	}
	if ((r = cu_unhex32(sha, cu_json_str(*item, "sha256"))) != 0 ||
	    (r = cu_core_case_key(c, key, case_id)) != 0)
		goto fail;
	uint8_t hdr[CU_STREAM_HEADER];
	bool have = false;
	if ((r = cu_evidence_blob_header(c, id, hdr, &have)) != 0)
		goto fail;
	r = cu_blob_open(out, c->vault, case_id, key, sha,
	                 (uint64_t)json_integer_value(json_object_get(*item, "size")),
	                 have ? hdr : NULL);
	cu_wipe(key, sizeof(key));
	if (r == CU_ENOTFOUND) {
		cu_evidence_mark_failed(c, id);
		r = cu_error_set(CU_EVERIFY, "the content of item %lld is missing from the vault",
		                 (long long)id);
	} else if (r == CU_EVERIFY) {
		char why[512];
		snprintf(why, sizeof(why), "%s", cu_error_message(r));
		cu_evidence_mark_failed(c, id); /* a replaced blob: nothing of it is served */
		r = cu_error_set(CU_EVERIFY, "item %lld: %s", (long long)id, why);
	}
	if (r)
		goto fail;
	json_t *details = json_pack("{s:s}", "purpose", purpose ? purpose : "read");
	if (grant)
		json_object_set_new(details, "grant_id", json_integer(grant));
	CU_TXN(c, r, r = custody_event(c, a, id, "accessed", purpose, details));
	if (r == 0)
		return 0;
	cu_blob_close(*out);
	*out = NULL;
fail:
	json_decref(*item);
	*item = NULL;
	return r;
}

void cu_evidence_mark_failed(cu_core *c, int64_t id)
{
	char now[CU_TS_LEN];
	int r;
	cu_time_now(now);
	CU_TXN(c, r, r = cu_store_item_set_integrity(c->store, id, "failed", now));
	(void)r;
}

/* Whether the actor's organisation may know whom a grant names. */
static bool grant_visible(cu_core *c, const cu_actor *a, int64_t grant_id)
{
	json_t *g;
	size_t i;
	json_t *it;
	bool ok = false;
	if (cu_store_grant_get(c->store, &g, grant_id) != 0)
		return false;
	ok = !strcmp(cu_json_str(g, "org"), a->org) || !strcmp(cu_json_str(g, "grantor_org"), a->org);
	json_array_foreach(json_object_get(g, "items"), i, it)
		ok = ok || !strcmp(cu_json_str(it, "originator"), a->org);
	json_decref(g);
	return ok;
}

int cu_evidence_custody(cu_core *c, const cu_actor *a, json_t **out, int64_t id, int64_t after,
                        int limit)
{
	json_t *item, *ev;
	int64_t grant;
	size_t i;
	int r;
	*out = NULL;
	if ((r = item_access(c, a, &item, &grant, id, CU_OP_READ)) != 0)
		return r;
	json_decref(item);
	if ((r = cu_store_custody_list(c->store, out, id, after, limit)) != 0)
		return r;
	/* Events under a grant name its receiver: only its parties may see that. */
	json_array_foreach(*out, i, ev) {
		json_t *g = json_object_get(json_object_get(ev, "details"), "grant_id");
		if (json_is_integer(g) && !grant_visible(c, a, json_integer_value(g))) {
			json_object_set_new(ev, "actor", json_string("(restricted)"));
			json_object_set_new(ev, "actor_org", json_string("(restricted)"));
			json_object_set_new(ev, "reason", json_string("(restricted)"));
			json_object_set_new(ev, "details", json_pack("{s:s}", "grant", "restricted"));
		}
	}
	return 0;
}

int cu_evidence_custody_add(cu_core *c, const cu_actor *a, json_t **out, int64_t id,
                            const json_t *in)
{
	static const cu_jfield f[] = {
		{"event", CU_JSTR, true, 32}, {"reason", CU_JSTR, false, 2000},
		{"details", CU_JOBJECT, false, 0},
	};
	static const char *const manual[] = {"received", "transferred", "sealed", "analysed",
	                                     "exported"};
	json_t *item;
	int64_t grant;
	int r;
	*out = NULL;
	if ((r = cu_json_check(in, f, 3)) != 0)
		return r;
	const char *event = cu_json_str(in, "event");
	bool ok = false;
	for (size_t i = 0; i < 5; i++)
		ok = ok || !strcmp(event, manual[i]);
	if (!ok)
		return cu_error_set(CU_EINVALID, "field \"event\" must be received, transferred, "
		                    "sealed, analysed or exported (the others are recorded by custodia)");
	if (!strcmp(event, "analysed") && !cu_json_str(in, "reason"))
		return cu_error_set(CU_EINVALID, "an analysis needs a note (field \"reason\")");
	/* A court asks who held the item and why: a hand-over or a receipt says it. */
	if ((!strcmp(event, "transferred") || !strcmp(event, "received")) &&
	    !cu_json_str(in, "reason"))
		return cu_error_set(CU_EINVALID, "a%s needs to say %s and why (field \"reason\")",
		                    event[0] == 't' ? " transfer" : " receipt",
		                    event[0] == 't' ? "to whom" : "from whom");
	/*
	 * What custodia writes in its own events is not written by hand: a
	 * grant_id would hide the entry from the case (it is shown only to the
	 * grant's parties), a manifest_sha256 would pass for a bundle's export.
	 */
	static const char *const reserved[] = {"grant_id", "grant", "manifest_sha256", "for",
	                                       "custody", "registration", "purpose", "result",
	                                       "decided_by"};
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (json_object_get(json_object_get(in, "details"), reserved[i]))
			return cu_error_set(CU_EINVALID, "field \"details\": \"%s\" is recorded by "
			                    "custodia itself, not by hand", reserved[i]);
	if ((r = item_access(c, a, &item, &grant, id, CU_OP_CONTRIBUTE)) != 0)
		return r;
	json_decref(item);
	/* The answer is the event recorded, not the whole chain: a long chain
	 * must not make each further event dearer (GET .../custody lists it). */
	int64_t seq = 0;
	CU_TXN(c, r, r = cu_core_custody(c, &seq, id, event, a->username, a->org,
	                                 cu_json_str(in, "reason"), json_object_get(in, "details")));
	if (r == 0)
		r = cu_store_custody_get(c->store, out, seq);
	return r;
}

/* ---- integrity, erasure, housekeeping ---------------------------------- */

/* grant: the grant the actor sees the item through (0: none), kept with the
 * check so that the chain shows it only to the grant's parties. */
static int verify_one(cu_core *c, const cu_actor *a, json_t *report, const json_t *b,
                      int64_t grant)
{
	uint8_t key[CU_KEY_LEN], sha[32];
	char now[CU_TS_LEN];
	int64_t id = json_integer_value(json_object_get(b, "id"));
	int64_t case_id = json_integer_value(json_object_get(b, "case_id"));
	const char *status = "ok", *msg = NULL;
	int r;
	uint8_t hdr[CU_STREAM_HEADER];
	bool have = false;
	if ((r = cu_unhex32(sha, cu_json_str(b, "sha256"))) != 0 ||
	    (r = cu_evidence_blob_header(c, id, hdr, &have)) != 0 ||
	    (r = cu_core_case_key(c, key, case_id)) != 0)
		return r;
	r = cu_blob_verify(c->vault, case_id, key, sha, (uint64_t)cu_json_int(b, "size", 0),
	                   have ? hdr : NULL);
	cu_wipe(key, sizeof(key));
	/* An item registered before headers were kept gets its own once its whole
	 * content checks out: from then on a replaced blob is refused on open. */
	bool record_header = r == 0 && !have && cu_blob_header(c->vault, case_id, sha, hdr) == 0;
	if (r == CU_ENOTFOUND)
		status = "missing", msg = cu_error_message(r);
	else if (r == CU_EVERIFY)
		status = "failed", msg = cu_error_message(r);
	else if (r)
		return r;
	cu_time_now(now);
	json_array_append_new(report, json_pack("{s:I,s:I,s:s,s:s,s:s?,s:s}", "id", (json_int_t)id,
	                                        "case_id", (json_int_t)case_id, "sha256",
	                                        cu_json_str(b, "sha256"), "status", status,
	                                        "message", msg, "checked_at", now));
	json_t *details = json_pack("{s:s}", "result", status);
	if (grant)
		json_object_set_new(details, "grant_id", json_integer(grant));
	char hdr_hex[2 * CU_STREAM_HEADER + 1];
	cu_hex(hdr_hex, hdr, CU_STREAM_HEADER);
	CU_TXN(c, r, {
		if ((r = cu_store_item_set_integrity(c->store, id, status, now)) == 0 &&
		    (!record_header || (r = cu_store_item_set_blob_header(c->store, id, hdr_hex)) == 0))
			r = custody_event(c, a, id, "integrity_checked", NULL, json_incref(details));
	});
	json_decref(details);
	return r;
}

int cu_evidence_verify(cu_core *c, const cu_actor *a, json_t **out, int64_t case_id,
                       int64_t item_id)
{
	json_t *blobs, *b, *report = json_array(), *item = NULL;
	int64_t grant = 0;
	size_t i;
	int r;
	*out = NULL;
	/*
	 * One item: whoever may read it (through a grant too), in its case.
	 * A case: the items of it the actor may see, no other (a JIT's
	 * participant sees its own and what was granted). Every case: operator
	 * administrators; the report names ids and hashes, not content.
	 */
	if (item_id) {
		if ((r = item_access(c, a, &item, &grant, item_id, CU_OP_READ)) != 0)
			goto fail;
		int64_t in_case = json_integer_value(json_object_get(item, "case_id"));
		json_decref(item);
		if (case_id && case_id != in_case) {
			r = cu_error_set(CU_ENOTFOUND, "item %lld is not an item of that case",
			                 (long long)item_id);
			goto fail;
		}
		case_id = in_case;
	} else if (case_id && (r = cu_access_case(c, a, case_id, CU_OP_READ)) != 0) {
		goto fail;
	} else if (!case_id && !a->operator_admin) {
		r = cu_error_set(CU_EDENIED, "give a case or an item, or run as an operator "
		                 "administrator");
		goto fail;
	}
	bool every = !case_id; /* an operator administrator's check of everything */
	if ((r = cu_store_item_blobs(c->store, &blobs, case_id)) != 0)
		goto fail;
	json_array_foreach(blobs, i, b) {
		int64_t id = json_integer_value(json_object_get(b, "id")), g = grant;
		if (json_is_true(json_object_get(b, "erased")) || (item_id && id != item_id))
			continue;
		if (!item_id && !every) {
			json_t *it = NULL;
			int q = item_access(c, a, &it, &g, id, CU_OP_READ);
			json_decref(it);
			if (q == CU_ENOTFOUND) {
				cu_error_clear();
				continue;
			}
			if ((r = q) != 0)
				break;
		}
		if ((r = verify_one(c, a, report, b, g)) != 0)
			break;
	}
	json_decref(blobs);
	if (r)
		goto fail;
	*out = report;
	return 0;
fail:
	json_decref(report);
	return r;
}

int cu_evidence_erase(cu_core *c, const cu_actor *a, json_t **out, int64_t id, const json_t *in)
{
	static const cu_jfield f[] = {{"reason", CU_JSTR, true, 2000}};
	json_t *item = NULL, *ret = NULL;
	char now[CU_TS_LEN], idt[24], text_hash[65] = "";
	uint8_t sha[32];
	int64_t grant;
	int users = 0, text_users = 0, r;
	*out = NULL;
	if ((r = cu_json_check(in, f, 1)) != 0 ||
	    (r = cu_valid_text("reason", cu_json_str(in, "reason"), 1, 2000)) != 0)
		return r;
	if ((r = item_access(c, a, &item, &grant, id, CU_OP_MANAGE)) != 0)
		return r;
	int64_t case_id = json_integer_value(json_object_get(item, "case_id"));
	const char *hash = cu_json_str(item, "sha256");
	cu_time_now(now);
	CU_TXN(c, r, {
		if ((r = cu_store_retention_get(c->store, &ret, case_id)) != 0)
			break;
		if (json_array_size(json_object_get(ret, "holds"))) {
			r = cu_error_set(CU_ECONFLICT, "the case is under a legal hold: \"%s\"",
			                 cu_json_str(json_array_get(json_object_get(ret, "holds"), 0),
			                             "reason"));
			break;
		}
		if ((r = cu_store_item_erase(c->store, id, now, a->username,
		                             cu_json_str(in, "reason"))) != 0 ||
		    (r = custody_event(c, a, id, "erased", cu_json_str(in, "reason"),
		                       json_pack("{s:s,s:s}", "sha256", hash, "decided_by",
		                                 a->username))) != 0 ||
		    /* Its extracted text goes with it. */
		    (r = cu_store_extract_delete(c->store, id, text_hash)) != 0 ||
		    (r = cu_store_blob_users(c->store, &users, case_id, hash)) != 0 ||
		    (text_hash[0] &&
		     (r = cu_store_blob_users(c->store, &text_users, case_id, text_hash)) != 0) ||
		    (r = cu_store_item_get(c->store, out, id)) != 0)
			break;
		cu_id_text(idt, id);
		r = cu_core_event(c, a, "evidence.erase", "evidence", idt, case_id, 0, item, *out);
	});
	/* After the commit: a crash here leaves an orphan, which a sweep removes. */
	if (r == 0 && users == 0 && cu_unhex32(sha, hash) == 0)
		r = cu_blob_destroy(c->vault, case_id, sha);
	if (r == 0 && text_hash[0] && text_users == 0 && strcmp(text_hash, hash) != 0 &&
	    cu_unhex32(sha, text_hash) == 0)
		r = cu_blob_destroy(c->vault, case_id, sha);
	json_decref(item);
	json_decref(ret);
	if (r) {
		json_decref(*out);
		*out = NULL;
	}
	return r;
}

typedef struct names {
	char (*v)[65];
	size_t n;
} names;

static int cmp_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

static bool keep_name(void *ctx, const char *name)
{
	names *k = ctx;
	return bsearch(name, k->v, k->n, sizeof(*k->v), cmp_name) != NULL;
}

typedef struct sweep_ctx {
	cu_core *c;
	names k;
} sweep_ctx;

/* Lists the blobs records keep; runs once the sweep holds the ingest lock. */
static int list_kept(void *arg)
{
	sweep_ctx *x = arg;
	json_t *blobs, *b;
	size_t i;
	uint8_t sha[32];
	int r;
	if ((r = cu_store_item_blobs(x->c->store, &blobs, 0)) != 0)
		return r;
	if (!(x->k.v = calloc(json_array_size(blobs) + 1, sizeof(*x->k.v)))) {
		json_decref(blobs);
		return cu_error_set(CU_ENOMEM, "out of memory");
	}
	json_array_foreach(blobs, i, b) {
		if (json_is_true(json_object_get(b, "erased")) ||
		    cu_unhex32(sha, cu_json_str(b, "sha256")) != 0)
			continue;
		cu_blob_name(x->c->vault, x->k.v[x->k.n++],
		             json_integer_value(json_object_get(b, "case_id")), sha);
	}
	json_decref(blobs);
	/* Texts extracted from items are blobs of their cases too. */
	if ((r = cu_store_extract_blobs(x->c->store, &blobs)) != 0)
		return r;
	size_t have = x->k.n, more = json_array_size(blobs);
	char (*v)[65] = realloc(x->k.v, (have + more + 1) * sizeof(*x->k.v));
	if (!v) {
		json_decref(blobs);
		return cu_error_set(CU_ENOMEM, "out of memory");
	}
	x->k.v = v;
	json_array_foreach(blobs, i, b) {
		if (cu_unhex32(sha, cu_json_str(b, "sha256")) == 0)
			cu_blob_name(x->c->vault, x->k.v[x->k.n++],
			             json_integer_value(json_object_get(b, "case_id")), sha);
	}
	json_decref(blobs);
	qsort(x->k.v, x->k.n, sizeof(*x->k.v), cmp_name);
	return 0;
}

static bool keep_blob(void *arg, const char *name)
{
	return keep_name(&((sweep_ctx *)arg)->k, name);
}

int cu_evidence_sweep(cu_core *c, int *removed)
{
	sweep_ctx x = {c, {NULL, 0}};
	int r = cu_vault_sweep(c->vault, list_kept, keep_blob, &x, removed);
	free(x.k.v);
	return r;
}

int cu_evidence_blob_names(cu_core *c, char (**out)[65], size_t *n)
{
	json_t *items = NULL, *texts = NULL, *b;
	uint8_t sha[32];
	size_t i, k = 0;
	int r;
	*out = NULL;
	*n = 0;
	if ((r = cu_store_item_blobs(c->store, &items, 0)) != 0 ||
	    (r = cu_store_extract_blobs(c->store, &texts)) != 0)
		goto out;
	char (*nm)[65] = calloc(json_array_size(items) + json_array_size(texts) + 1,
	                           sizeof(*nm));
	if (!nm) {
		r = cu_error_set(CU_ENOMEM, "out of memory");
		goto out;
	}
	json_array_foreach(items, i, b) {
		if (json_is_true(json_object_get(b, "erased")) ||
		    cu_unhex32(sha, cu_json_str(b, "sha256")) != 0)
			continue;
		cu_blob_name(c->vault, nm[k++], cu_json_int(b, "case_id", 0), sha);
	}
	json_array_foreach(texts, i, b) {
		if (cu_unhex32(sha, cu_json_str(b, "sha256")) == 0)
			cu_blob_name(c->vault, nm[k++], cu_json_int(b, "case_id", 0), sha);
	}
	/* One content registered twice in a case is one blob. */
	qsort(nm, k, sizeof(*nm), cmp_name);
	size_t u = 0;
	for (size_t j = 0; j < k; j++)
		if (u == 0 || strcmp(nm[u - 1], nm[j]) != 0)
			memmove(nm[u++], nm[j], sizeof(*nm));
	*out = nm;
	*n = u;
out:
	json_decref(items);
	json_decref(texts);
	return r;
}

/* One blob of cu_evidence_authenticate: a problem goes to bad, a blob of
 * gone may be missing; 0 unless the check itself could not run. */
static int authenticate_blob(cu_core *c, json_t *bad, const json_t *gone, int64_t *key_case,
                             uint8_t key[CU_KEY_LEN], int64_t id, int64_t case_id,
                             const char *hex, uint64_t size, const char *what)
{
	uint8_t sha[32], wrapped[CU_WRAPPED_LEN];
	char name[65];
	size_t i;
	json_t *x;
	int r;
	if (*key_case != case_id) {
		if ((r = cu_store_case_key_get(c->store, wrapped, case_id)) != 0 ||
		    (r = cu_vault_unwrap_case_key(c->vault, key, wrapped, case_id)) != 0)
			return r;
		*key_case = case_id;
	}
	if ((r = cu_unhex32(sha, hex)) != 0)
		return r;
	r = cu_blob_verify(c->vault, case_id, key, sha, size, NULL);
	if (r == CU_ENOTFOUND) {
		cu_blob_name(c->vault, name, case_id, sha);
		json_array_foreach((json_t *)gone, i, x)
			if (!strcmp(json_string_value(x), name))
				break;
		if (i < json_array_size(gone)) {
			cu_error_clear();
			return 0;
		}
	}
	if (r == CU_ENOTFOUND || r == CU_EVERIFY) {
		json_array_append_new(bad, json_pack("{s:I, s:s, s:s, s:s}", "item", (json_int_t)id,
		                                     "blob", what, "status", r == CU_ENOTFOUND ?
		                                     "missing" : "failed", "message",
		                                     cu_error_message(r)));
		r = 0;
	}
	return r;
}

int cu_evidence_authenticate(cu_core *c, const json_t *gone, json_t **out)
{
	json_t *items = NULL, *bad = json_array(), *b, *x;
	uint8_t key[CU_KEY_LEN];
	int64_t key_case = -1, n_items = 0, n_texts = 0;
	size_t i;
	int r;
	*out = NULL;
	if ((r = cu_store_item_blobs(c->store, &items, 0)) != 0)
		goto out;
	json_array_foreach(items, i, b) {
		int64_t id = cu_json_int(b, "id", 0), case_id = cu_json_int(b, "case_id", 0);
		if (json_is_true(json_object_get(b, "erased")))
			continue;
		if ((r = authenticate_blob(c, bad, gone, &key_case, key, id, case_id,
		                           cu_json_str(b, "sha256"),
		                           (uint64_t)cu_json_int(b, "size", 0), "content")) != 0)
			break;
		n_items++;
		if (cu_store_extract_get(c->store, &x, id) == 0) {
			r = authenticate_blob(c, bad, gone, &key_case, key, id, case_id,
			                      cu_json_str(x, "sha256"), (uint64_t)cu_json_int(x, "size", 0),
			                      "text");
			json_decref(x);
			n_texts++;
			if (r)
				break;
		}
		cu_error_clear();
	}
	cu_wipe(key, sizeof(key));
	if (r == 0)
		*out = json_pack("{s:b, s:I, s:I, s:O}", "ok", json_array_size(bad) == 0, "items",
		                 (json_int_t)n_items, "texts", (json_int_t)n_texts, "problems", bad);
	if (r == 0 && gone)
		json_object_set_new(*out, "erased_after_snapshot", json_integer((json_int_t)
		                    json_array_size(gone)));
out:
	json_decref(items);
	json_decref(bad);
	return r;
}
