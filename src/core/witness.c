/* SPDX-License-Identifier: Apache-2.0 */
/*
 * core: witnessing (C2SP tlog-cosignature). As a witness this node fetches
 * another log's checkpoint, checks that it extends the last one it saw with
 * a consistency proof, and cosigns it; as a log it accepts its witnesses'
 * cosignatures and publishes them with the checkpoint. A partner that
 * witnesses the log holds the operator to one history: a rewritten or forked
 * log can no longer gather their cosignatures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/internal.h"
#include "crypto/crypto.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "util/curl.h"

/* The signed text of a note: everything up to and including the blank line's first "\n". */
static char *note_text(const char *note)
{
	const char *sep = strstr(note, "\n\n");
	return sep ? strndup(note, (size_t)(sep - note) + 1) : NULL;
}

int cu_ledger_witness_key(cu_core *c, char vkey[300])
{
	cu_identity id;
	char name[CU_NOTE_NAME_MAX], lk[300];
	int r;
	if ((r = cu_ledger_key(c, lk)) != 0)
		return r;
	snprintf(name, sizeof(name), "%.*s", (int)(strchr(lk, '+') - lk), lk);
	if ((r = cu_identity_load(&id, c->datadir)) != 0)
		return r;
	cu_cosig_vkey_format(vkey, name, id.pk);
	cu_identity_wipe(&id);
	return 0;
}

int cu_ledger_published(cu_core *c, char **out)
{
	json_t *cp, *cos, *x;
	size_t i;
	int r;
	*out = NULL;
	if ((r = cu_store_checkpoint_latest(c->store, &cp)) != 0)
		return r == CU_ENOTFOUND ? cu_error_set(r, "no checkpoint has been signed yet") : r;
	if ((r = cu_store_cosignatures(c->store, &cos, json_integer_value(json_object_get(cp,
	                                                                  "size")))) != 0) {
		json_decref(cp);
		return r;
	}
	cu_buf b;
	cu_buf_init(&b, 0);
	r = cu_buf_puts(&b, cu_json_str(cp, "note"));
	json_array_foreach(cos, i, x)
		if (!r)
			r = cu_buf_puts(&b, cu_json_str(x, "line"));
	json_decref(cp);
	json_decref(cos);
	if (r) {
		cu_buf_free(&b);
		return r;
	}
	*out = cu_buf_detach(&b);
	return 0;
}

int cu_ledger_cosignature_add(cu_core *c, json_t **out, const json_t *in)
{
	static const cu_jfield f[] = {
		{"size", CU_JINT, true, 0}, {"cosignature", CU_JSTR, true, 400},
		{"witness_key", CU_JSTR, true, 300},
	};
	cu_note_verifier w;
	json_t *cp;
	uint64_t ts;
	char now[CU_TS_LEN];
	int r;
	*out = NULL;
	if ((r = cu_json_check(in, f, 3)) != 0)
		return r;
	if (cu_cosig_vkey_parse(&w, cu_json_str(in, "witness_key")) != 0)
		return cu_error_set(CU_EINVALID, "field \"witness_key\" is not a cosignature key");
	if ((r = cu_store_checkpoint_get(c->store, &cp, cu_json_int(in, "size", 0))) != 0)
		return r == CU_ENOTFOUND ? cu_error_set(r, "no checkpoint of that size") : r;
	char *text = note_text(cu_json_str(cp, "note"));
	r = text ? cu_cosig_verify(&ts, cu_json_str(in, "cosignature"), &w, text) : CU_EINVALID;
	free(text);
	if (r == 0) {
		cu_time_now(now);
		CU_TXN(c, r, r = cu_store_cosignature_add(c->store, cu_json_int(in, "size", 0),
		                                          cu_json_str(in, "witness_key"),
		                                          cu_json_str(in, "cosignature"), now));
	}
	if (r == 0)
		*out = json_pack("{s:I,s:s,s:I}", "size", (json_int_t)cu_json_int(in, "size", 0),
		                 "witness", w.name, "timestamp", (json_int_t)ts);
	json_decref(cp);
	return r;
}

/* ---- the witness's side: fetching over HTTP (libcurl) ------------------ */

static size_t collect(char *p, size_t size, size_t n, void *ctx)
{
	cu_buf *b = ctx;
	return cu_buf_append(b, p, size * n) == 0 ? size * n : 0;
}

static int http(cu_buf *out, const char *url, const char *post)
{
	int r = cu_curl_load();
	if (r)
		return r;
	CURL *h = curl_easy_init();
	long status = 0;
	struct curl_slist *hdr = NULL;
	if (!h)
		return cu_error_set(CU_ENOMEM, "cannot start an HTTP client");
	cu_buf_init(out, 1 << 20);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	if (post) {
		hdr = curl_slist_append(hdr, "Content-Type: application/json");
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, post);
	}
	CURLcode rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	if (rc != CURLE_OK)
		return cu_error_set(CU_EIO, "%s: %s", url, curl_easy_strerror(rc));
	if (status < 200 || status > 299)
		return cu_error_set(CU_EVERIFY, "%s answered %ld: %.200s", url, status,
		                    out->data ? out->data : "");
	if (!out->data && cu_buf_append(out, "", 0) != 0)
		return CU_ENOMEM;
	return 0;
}

int cu_ledger_witness(cu_core *c, json_t **out, const char *log, const char *log_vkey,
                      bool submit)
{
	cu_note_verifier lv;
	cu_checkpoint ck;
	cu_identity id;
	cu_buf body = {0};
	char url[2048], *text = NULL, *line = NULL, wname[CU_NOTE_NAME_MAX], wkey[300], now[CU_TS_LEN];
	json_t *seen = NULL;
	int nv, r;
	*out = NULL;
	if (cu_note_vkey_parse(&lv, log_vkey) != 0)
		return cu_error_set(CU_EINVALID, "--key is not a note verifier key");
	snprintf(url, sizeof(url), "%s/log/checkpoint", log);
	if ((r = http(&body, url, NULL)) != 0)
		goto out;
	/* The log's own signature; other lines (cosignatures) are skipped. */
	if ((r = cu_note_open(&text, &nv, body.data, body.len, &lv, 1)) != 0 ||
	    (r = cu_checkpoint_parse(&ck, text)) != 0)
		goto out;
	if (strcmp(ck.origin, lv.name) != 0) {
		r = cu_error_set(CU_EVERIFY, "the checkpoint's origin %s is not the key's name",
		                 ck.origin);
		goto out;
	}
	/* Consistent with what we saw before, or no cosignature. */
	r = cu_store_witness_get(c->store, &seen, ck.origin);
	if (r && r != CU_ENOTFOUND)
		goto out;
	if (r == 0) {
		int64_t old = json_integer_value(json_object_get(seen, "size"));
		uint8_t oldroot[32];
		if ((r = cu_unhex32(oldroot, cu_json_str(seen, "root"))) != 0)
			goto out;
		if (ck.size < old) {
			r = cu_error_set(CU_EVERIFY, "the log shrank from %lld to %lld entries: refusing",
			                 (long long)old, (long long)ck.size);
			goto out;
		}
		if (ck.size == old && !cu_ct_equal(oldroot, ck.root, 32)) {
			r = cu_error_set(CU_EVERIFY, "the log shows two different trees of %lld entries: "
			                 "a fork", (long long)old);
			goto out;
		}
		if (ck.size > old && old > 0) {
			cu_buf pb;
			uint8_t proof[CU_MERKLE_MAX_PROOF][32];
			int len = 0;
			snprintf(url, sizeof(url), "%s/api/v1/ledger/proof/consistency?from=%lld&to=%lld",
			         log, (long long)old, (long long)ck.size);
			if ((r = http(&pb, url, NULL)) != 0) {
				cu_buf_free(&pb);
				goto out;
			}
			json_t *p = json_loads(pb.data, 0, NULL), *h;
			size_t k, n;
			cu_buf_free(&pb);
			json_array_foreach(json_object_get(p, "proof"), k, h)
				if (len < CU_MERKLE_MAX_PROOF &&
				    cu_unbase64(proof[len], &n, 32, json_string_value(h)) == 0 && n == 32)
					len++;
			json_decref(p);
			if ((r = cu_merkle_verify_consistency(old, ck.size, oldroot, ck.root,
			                                      (const uint8_t(*)[32])proof, len)) != 0) {
				r = cu_error_set(CU_EVERIFY, "the log's tree of %lld entries does not extend "
				                 "the one of %lld we saw: a rewritten history",
				                 (long long)ck.size, (long long)old);
				goto out;
			}
		}
	}
	/* Cosign, then remember, then (optionally) hand the cosignature back. */
	if ((r = cu_ledger_witness_key(c, wkey)) != 0 || (r = cu_identity_load(&id, c->datadir)))
		goto out;
	snprintf(wname, sizeof(wname), "%.*s", (int)(strchr(wkey, '+') - wkey), wkey);
	r = cu_cosign(&line, wname, &id, (uint64_t)time(NULL), text);
	cu_identity_wipe(&id);
	if (r)
		goto out;
	cu_time_now(now);
	CU_TXN(c, r, r = cu_store_witness_put(c->store, ck.origin, ck.size, ck.root, body.data, now));
	if (r)
		goto out;
	bool submitted = false;
	if (submit) {
		json_t *req = json_pack("{s:I,s:s,s:s}", "size", (json_int_t)ck.size, "cosignature",
		                        line, "witness_key", wkey);
		char *rq = json_dumps(req, JSON_COMPACT);
		cu_buf ans;
		snprintf(url, sizeof(url), "%s/api/v1/ledger/cosignatures", log);
		r = http(&ans, url, rq);
		cu_buf_free(&ans);
		free(rq);
		json_decref(req);
		if (r)
			goto out;
		submitted = true;
	}
	*out = json_pack("{s:s,s:I,s:s,s:s,s:b}", "origin", ck.origin, "size", (json_int_t)ck.size,
	                 "cosignature", line, "witness_key", wkey, "submitted", submitted);
out:
	cu_buf_free(&body);
	free(text);
	free(line);
	json_decref(seen);
	return r;
}
