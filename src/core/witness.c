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

/*
 * The witnesses this log trusts (C2SP practice: a log publishes the
 * cosignatures of the witnesses its operator configured, and no others).
 * Kept in the store's meta as "ledger_witnesses": a JSON array of
 * {name, vkey, added}, one per name. Adding or removing one is an event
 * (ledger.witness_add, ledger.witness_remove), by an administrator of the
 * operator.
 */
#define WITNESSES_META "ledger_witnesses"

int cu_ledger_witnesses(cu_core *c, json_t **out)
{
	char *text = NULL;
	int r;
	*out = NULL;
	if ((r = cu_store_meta_get(c->store, &text, WITNESSES_META)) == CU_ENOTFOUND) {
		cu_error_clear();
		*out = json_array();
		return *out ? 0 : cu_error_set(CU_ENOMEM, "out of memory");
	}
	if (r)
		return r;
	*out = json_loads(text, 0, NULL);
	free(text);
	if (!json_is_array(*out)) {
		json_decref(*out);
		*out = NULL;
		return cu_error_set(CU_EINVALID, "the recorded witnesses are damaged");
	}
	return 0;
}

/* Whether key k is w's: the same name and public key. */
static bool same_witness(const char *k, const cu_note_verifier *w)
{
	cu_note_verifier t;
	bool same = k && cu_cosig_vkey_parse(&t, k) == 0 && !strcmp(t.name, w->name) &&
	            cu_ct_equal(t.pk, w->pk, 32);
	cu_error_clear();
	return same;
}

/* The index in list of the witness of key w, or -1. */
static int trusted_index(const json_t *list, const cu_note_verifier *w)
{
	size_t i;
	json_t *x;
	json_array_foreach(list, i, x)
		if (same_witness(cu_json_str(x, "vkey"), w))
			return (int)i;
	return -1;
}

static int witnesses_save(cu_core *c, const cu_actor *a, json_t *list, const char *action,
                          const char *name, const char *vkey)
{
	char *text = json_dumps(list, JSON_COMPACT);
	json_t *after = json_pack("{s:s,s:s}", "name", name, "vkey", vkey);
	int r;
	if (!text || !after) {
		free(text);
		json_decref(after);
		return cu_error_set(CU_ENOMEM, "out of memory");
	}
	CU_TXN(c, r, {
		if ((r = cu_store_meta_set(c->store, WITNESSES_META, text)) == 0)
			r = cu_core_event(c, a, action, "witness", name, 0, 0, NULL, after);
	});
	free(text);
	json_decref(after);
	return r;
}

int cu_ledger_witness_trust(cu_core *c, const cu_actor *a, json_t **out, const char *vkey)
{
	cu_note_verifier w;
	json_t *list = NULL, *x;
	char canon[300], now[CU_TS_LEN];
	size_t i;
	int r;
	*out = NULL;
	if (!a->operator_admin)
		return cu_error_set(CU_EDENIED, "only an administrator of the operator may change "
		                    "the trusted witnesses");
	if (!vkey || cu_cosig_vkey_parse(&w, vkey) != 0)
		return cu_error_set(CU_EINVALID, "not a witness's cosignature key: give the line "
		                    "'custodia ledger witness-key' prints on the witness "
		                    "(NAME+HASH+BASE64)");
	cu_cosig_vkey_format(canon, w.name, w.pk);
	if ((r = cu_ledger_witnesses(c, &list)) != 0)
		return r;
	json_array_foreach(list, i, x) {
		const char *name = cu_json_str(x, "name");
		if (!name || strcmp(name, w.name) != 0)
			continue;
		r = same_witness(cu_json_str(x, "vkey"), &w) ?
		    cu_error_set(CU_EEXISTS, "witness %s is already trusted", w.name) :
		    cu_error_set(CU_EEXISTS, "a witness named %s is already trusted, with another "
		                 "key: remove it first", w.name);
		json_decref(list);
		return r;
	}
	cu_time_now(now);
	json_array_append_new(list, json_pack("{s:s,s:s,s:s}", "name", w.name, "vkey", canon,
	                                      "added", now));
	if ((r = witnesses_save(c, a, list, "ledger.witness_add", w.name, canon)) == 0)
		*out = json_pack("{s:s,s:s,s:s}", "name", w.name, "vkey", canon, "added", now);
	json_decref(list);
	return r;
}

int cu_ledger_witness_untrust(cu_core *c, const cu_actor *a, json_t **out, const char *which)
{
	json_t *list = NULL, *x, *found = NULL;
	size_t i;
	int r;
	*out = NULL;
	if (!a->operator_admin)
		return cu_error_set(CU_EDENIED, "only an administrator of the operator may change "
		                    "the trusted witnesses");
	if ((r = cu_ledger_witnesses(c, &list)) != 0)
		return r;
	json_array_foreach(list, i, x) {
		const char *name = cu_json_str(x, "name"), *vkey = cu_json_str(x, "vkey");
		if (which && ((name && !strcmp(name, which)) || (vkey && !strcmp(vkey, which)))) {
			found = json_incref(x);
			break;
		}
	}
	if (!found) {
		json_decref(list);
		return cu_error_set(CU_ENOTFOUND, "no trusted witness \"%.200s\"",
		                    which ? which : "");
	}
	char name[CU_NOTE_NAME_MAX], vkey[300];
	snprintf(name, sizeof(name), "%s", cu_json_str(found, "name"));
	snprintf(vkey, sizeof(vkey), "%s", cu_json_str(found, "vkey") ? cu_json_str(found, "vkey") :
	         "");
	json_array_remove(list, i);
	if ((r = witnesses_save(c, a, list, "ledger.witness_remove", name, vkey)) == 0)
		*out = found;
	else
		json_decref(found);
	json_decref(list);
	return r;
}

/* The latest checkpoint with the cosignatures of the witnesses trusted now. */
int cu_ledger_published(cu_core *c, char **out)
{
	json_t *cp, *cos = NULL, *x, *trusted = NULL;
	size_t i;
	int r;
	*out = NULL;
	if ((r = cu_store_checkpoint_latest(c->store, &cp)) != 0)
		return r == CU_ENOTFOUND ? cu_error_set(r, "no checkpoint has been signed yet") : r;
	if ((r = cu_ledger_witnesses(c, &trusted)) != 0 ||
	    (r = cu_store_cosignatures(c->store, &cos, json_integer_value(json_object_get(cp,
	                                                                  "size")))) != 0) {
		json_decref(cp);
		json_decref(trusted);
		return r;
	}
	cu_buf b;
	cu_buf_init(&b, 0);
	r = cu_buf_puts(&b, cu_json_str(cp, "note"));
	size_t nt = json_array_size(trusted);
	bool *done = calloc(nt ? nt : 1, sizeof(bool));
	if (!done && !r)
		r = cu_error_set(CU_ENOMEM, "out of memory");
	json_array_foreach(cos, i, x) {
		cu_note_verifier w;
		int t;
		/* A witness no longer trusted (or never: what builds before the list
		 * took from anyone) is not published; a trusted one once. */
		if (!r && cu_cosig_vkey_parse(&w, cu_json_str(x, "witness")) == 0 &&
		    (t = trusted_index(trusted, &w)) >= 0 && !done[t]) {
			done[t] = true;
			r = cu_buf_puts(&b, cu_json_str(x, "line"));
		}
	}
	free(done);
	cu_error_clear();
	json_decref(cp);
	json_decref(cos);
	json_decref(trusted);
	if (r) {
		cu_buf_free(&b);
		return r;
	}
	*out = cu_buf_detach(&b);
	return 0;
}

/*
 * A witness's cosignature of one of this log's checkpoints: only a trusted
 * witness's (else CU_EDENIED, 403), and one per witness and checkpoint. A
 * later cosignature (a newer timestamp) of the same checkpoint replaces the
 * one kept; the same line again is accepted and changes nothing; one of the
 * same or an earlier time is refused (CU_ECONFLICT, 409).
 */
int cu_ledger_cosignature_add(cu_core *c, json_t **out, const json_t *in)
{
	static const cu_jfield f[] = {
		{"size", CU_JINT, true, 0}, {"cosignature", CU_JSTR, true, 400},
		{"witness_key", CU_JSTR, true, 300},
	};
	cu_note_verifier w;
	json_t *cp = NULL, *trusted = NULL, *cos = NULL, *x;
	uint64_t ts = 0;
	char now[CU_TS_LEN], canon[300], *text = NULL;
	bool replaced = false, same = false;
	size_t i;
	int r;
	*out = NULL;
	if ((r = cu_json_check(in, f, 3)) != 0)
		return r;
	const char *line = cu_json_str(in, "cosignature");
	int64_t size = cu_json_int(in, "size", 0);
	if (cu_cosig_vkey_parse(&w, cu_json_str(in, "witness_key")) != 0)
		return cu_error_set(CU_EINVALID, "field \"witness_key\" is not a cosignature key");
	if ((r = cu_ledger_witnesses(c, &trusted)) != 0)
		return r;
	int t = trusted_index(trusted, &w);
	json_decref(trusted);
	if (t < 0)
		return cu_error_set(
		    CU_EDENIED,
		    "witness %s is not one this log trusts: it publishes "
		    "only the cosignatures of the witnesses its operator configured "
		    "(custodia ledger witnesses --add)",
		    w.name);
	cu_cosig_vkey_format(canon, w.name, w.pk);
	if ((r = cu_store_checkpoint_get(c->store, &cp, size)) != 0)
		return r == CU_ENOTFOUND ? cu_error_set(r, "no checkpoint of that size") : r;
	text = note_text(cu_json_str(cp, "note"));
	json_decref(cp);
	r = text ? cu_cosig_verify(&ts, line, &w, text) : CU_EINVALID;
	if (r) {
		free(text);
		return r;
	}
	cu_time_now(now);
	CU_TXN(c, r, {
		/* The one kept for this witness and checkpoint, if any. */
		if ((r = cu_store_cosignatures(c->store, &cos, size)) != 0)
			break;
		json_array_foreach(cos, i, x) {
			uint64_t kts;
			if (!same_witness(cu_json_str(x, "witness"), &w))
				continue;
			if (!strcmp(cu_json_str(x, "line"), line)) {
				same = true;
				break;
			}
			/* A kept line that no longer verifies is simply replaced. */
			if (cu_cosig_verify(&kts, cu_json_str(x, "line"), &w, text) == 0 &&
			    kts >= ts) {
				r = cu_error_set(
				    CU_ECONFLICT,
				    "witness %s has already cosigned the checkpoint "
				    "of %lld entries, at the same time or later: one "
				    "cosignature per witness and checkpoint (a later one "
				    "replaces it)",
				    w.name, (long long)size);
				break;
			}
			cu_error_clear();
			replaced = true;
			/* the same row, however its key was spelt */
			snprintf(canon, sizeof(canon), "%s", cu_json_str(x, "witness"));
			break;
		}
		if (r == 0 && !same)
			r = cu_store_cosignature_add(c->store, size, canon, line, now);
	});
	free(text);
	json_decref(cos);
	if (r == 0)
		*out = json_pack("{s:I,s:s,s:I,s:b}", "size", (json_int_t)size, "witness", w.name,
		                 "timestamp", (json_int_t)ts, "replaced", replaced);
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
