/* SPDX-License-Identifier: Apache-2.0 */
/*
 * core: background jobs. A registered evidence item gets an "extract" job in
 * the transaction that registers it; workers (threads of `custodia serve`,
 * or `custodia jobs run`) take jobs one at a time from the persistent queue,
 * read the item from the vault, extract its text (src/extract), store the
 * text encrypted as a blob of the case, and record it — the extract row, an
 * "analysed" custody event naming the tool and its version, the index — in
 * one transaction. The original is never altered. A job left running by a
 * crash goes back to the queue at the next start. docs/search.md.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/internal.h"
#include "crypto/crypto.h"
#include "extract/extract.h"
#include "match/match.h"

#define EXTRACT_INPUT_MAX ((uint64_t)512 << 20) /* bytes of an item read for extraction */
/* OpenMP threads of an OCR on this thread: 0 (Tesseract's default, every core) for the
 * command line's `jobs run`, 1 in the server's workers, which run side by side. */
static _Thread_local uint32_t ocr_threads;

int cu_jobs_enqueue(cu_core *c, int64_t item_id)
{
	char now[CU_TS_LEN];
	cu_time_now(now);
	return cu_store_job_add(c->store, "extract", item_id, now);
}

/* The whole plaintext of an item's blob (bounded). */
static int read_blob(cu_core *c, cu_buf *out, int64_t case_id, const char *sha_hex,
                     uint64_t size, const uint8_t *header, uint64_t max)
{
	uint8_t key[CU_KEY_LEN], sha[32];
	cu_blob_reader *rd = NULL;
	char chunk[65536];
	size_t got;
	int r;
	if (!sha_hex || cu_unhex32(sha, sha_hex) != 0)
		return cu_error_set(CU_EINVALID, "bad content hash");
	if ((r = cu_core_case_key(c, key, case_id)) != 0 ||
	    (r = cu_blob_open(&rd, c->vault, case_id, key, sha, size, header)) != 0)
		goto out;
	cu_buf_init(out, max);
	while ((r = cu_blob_read(rd, chunk, sizeof(chunk), &got)) == 0 && got > 0)
		if ((r = cu_buf_append(out, chunk, got)) != 0)
			break;
	if (r == CU_ETOOBIG)
		r = cu_error_set(r, "larger than %llu MiB, the limit for extraction",
		                 (unsigned long long)(max >> 20));
out:
	cu_blob_close(rd);
	cu_wipe(key, sizeof(key));
	return r;
}

int cu_jobs_index_text(cu_core *c, int64_t item_id, const json_t *x)
{
	json_t *it = NULL;
	cu_buf text;
	int r = cu_store_item_get(c->store, &it, item_id);
	if (r)
		return r;
	cu_buf_init(&text, 0);
	r = read_blob(c, &text, json_integer_value(json_object_get(it, "case_id")),
	              cu_json_str(x, "sha256"), (uint64_t)cu_json_int(x, "size", 0), NULL,
	              EXTRACT_INPUT_MAX);
	if (r == 0)
		r = cu_search_index_text(c, item_id, text.data ? text.data : "", text.len,
		                         cu_json_str(x, "language"));
	cu_buf_free(&text);
	json_decref(it);
	return r;
}

/*
 * Stores text as a blob of the case, durably; *sha receives its hash. The
 * writer is kept (*w) until the text's record is committed: while it lives,
 * the vault's sweep cannot take the new blob for an orphan.
 */
static int store_text(cu_core *c, cu_blob_writer **w, char sha[65], int64_t case_id,
                      const cu_buf *text)
{
	uint8_t key[CU_KEY_LEN];
	cu_blob_info info;
	int r;
	*w = NULL;
	if ((r = cu_core_case_key(c, key, case_id)) == 0 &&
	    (r = cu_blob_create(w, c->vault, case_id, key, false, false)) == 0 &&
	    (r = cu_blob_write(*w, text->data ? text->data : "", text->len)) == 0 &&
	    (r = cu_blob_finish(*w, &info)) == 0)
		memcpy(sha, info.sha256_hex, 65);
	cu_wipe(key, sizeof(key));
	return r;
}

/* The kind of evidence an attachment is, by its declared media type. */
static const char *kind_of(const char *mt)
{
	if (!mt)
		return "other";
	if (!strncmp(mt, "image/", 6))
		return "image";
	if (!strncmp(mt, "audio/", 6))
		return "audio";
	if (!strncmp(mt, "video/", 6))
		return "video";
	if (!strncmp(mt, "text/", 5) || !strcmp(mt, "application/pdf") || strstr(mt, "document") ||
	    strstr(mt, "msword") || strstr(mt, "rfc822"))
		return "document";
	return "other";
}

/*
 * Registers an e-mail's attachments as items of the parent's case, on behalf
 * of whoever registered the parent, linked to it (parent_id). Inside the
 * caller's transaction: with the text's record, or not at all. Each is an
 * item like any other: its own custody chain, its own extraction job.
 */
static int register_children(cu_core *c, const json_t *parent, const cu_extract_result *res)
{
	json_t *have = NULL, *items = NULL;
	cu_actor a;
	int64_t pid = json_integer_value(json_object_get(parent, "id"));
	int64_t case_id = json_integer_value(json_object_get(parent, "case_id"));
	int r;
	if ((r = cu_store_item_children(c->store, &have, pid)) != 0)
		return r;
	bool done = json_array_size(have) > 0; /* a retried job: registered before */
	json_decref(have);
	if (done || res->nchildren == 0)
		return 0;
	if ((r = cu_actor_load(c, &a, cu_json_str(parent, "registered_by"))) != 0)
		return r;
	const char *when = cu_json_str(json_object_get(parent, "provenance"), "collected_at");
	for (size_t i = 0; i < res->nchildren && r == 0; i++) {
		const cu_extract_child *ch = &res->children[i];
		char title[300], name[256], method[200];
		cu_ingest *in = NULL;
		if (ch->name && cu_utf8_valid(ch->name, strlen(ch->name)) && strlen(ch->name) < 200 &&
		    !strpbrk(ch->name, "/\\"))
			snprintf(name, sizeof(name), "%s", ch->name);
		else
			snprintf(name, sizeof(name), "attachment-%zu", i + 1);
		snprintf(title, sizeof(title), "%s (attachment %zu of item %lld)", name, i + 1,
		         (long long)pid);
		snprintf(method, sizeof(method), "attachment of e-mail item %lld, extracted by custodia",
		         (long long)pid);
		json_t *meta = json_pack("{s:s, s:s, s:s, s:s, s:s?}", "title", title, "kind",
		                         kind_of(ch->media_type), "original_name", name, "method",
		                         method, "collected_at", when);
		if ((r = cu_evidence_begin(c, &a, &in, case_id, meta, 0)) == 0 &&
		    (r = cu_evidence_write(in, ch->data, ch->len)) == 0) {
			r = cu_evidence_commit(c, &in, 1, &items);
			in = NULL;
			if (r == 0)
				r = cu_store_item_set_parent(c->store, json_integer_value(json_object_get(
				                             json_array_get(items, 0), "id")), pid);
			json_decref(items);
			items = NULL;
		}
		cu_evidence_abort(in);
		json_decref(meta);
	}
	return r;
}

static int job_failed(cu_core *c, int64_t job, const char *why)
{
	char now[CU_TS_LEN], msg[512];
	int r;
	snprintf(msg, sizeof(msg), "%s", why);
	cu_time_now(now);
	CU_TXN(c, r, r = cu_store_job_finish(c->store, job, "failed", msg, now));
	return r;
}

/* Extracts one item's text: the job's work. */
static int extract_item(cu_core *c, int64_t job, int64_t item_id)
{
	json_t *it = NULL, *x = NULL, *details = NULL;
	cu_buf content;
	cu_extract_result res;
	cu_blob_writer *w = NULL;
	char sha[65], now[CU_TS_LEN];
	int r;
	memset(&res, 0, sizeof(res));
	cu_buf_init(&content, 0);
	if ((r = cu_store_item_get(c->store, &it, item_id)) != 0)
		return job_failed(c, job, cu_error_message(r));
	int64_t case_id = json_integer_value(json_object_get(it, "case_id"));
	const char *mt = cu_json_str(it, "media_type");
	cu_time_now(now);
	if (cu_json_str(it, "erased_at")) {
		CU_TXN(c, r, r = cu_store_job_finish(c->store, job, "done", "the item was erased", now));
		goto out;
	}
	if (!cu_extract_supported(mt)) {
		char msg[200];
		snprintf(msg, sizeof(msg), "no text to extract from %.120s", mt);
		CU_TXN(c, r, r = cu_store_job_finish(c->store, job, "done", msg, now));
		goto out;
	}
	uint8_t hdr[CU_STREAM_HEADER];
	bool have = false;
	if ((r = cu_evidence_blob_header(c, item_id, hdr, &have)) != 0 ||
	    (r = read_blob(c, &content, case_id, cu_json_str(it, "sha256"),
	                   (uint64_t)cu_json_int(it, "size", 0), have ? hdr : NULL,
	                   EXTRACT_INPUT_MAX)) != 0) {
		if (r == CU_EVERIFY)
			cu_evidence_mark_failed(c, item_id);
		r = job_failed(c, job, cu_error_message(r));
		goto out;
	}
	cu_extract_limits lim = {.ocr_threads = ocr_threads};
	if ((r = cu_extract(&res, mt, content.data ? content.data : "", content.len, &lim)) != 0) {
		r = job_failed(c, job, cu_error_message(r));
		goto out;
	}
	cu_buf_free(&content);
	if ((r = store_text(c, &w, sha, case_id, &res.text)) != 0) {
		r = job_failed(c, job, cu_error_message(r));
		goto out;
	}
	cu_time_now(now);
	x = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:i, s:i, s:b, s:s?, s:s}", "sha256", sha,
	              "size", (json_int_t)res.text.len, "method", res.method, "tool", res.tool,
	              "tool_version", res.tool_version, "language", res.language, "pages",
	              res.pages, "ocr_pages", res.ocr_pages, "partial", res.partial, "warning",
	              res.partial || res.warning[0] ? res.warning : NULL, "created_at", now);
	details = json_deep_copy(x);
	json_object_del(details, "created_at");
	json_object_set_new(details, "engines", json_string(cu_extract_versions()));
	char reason[160];
	snprintf(reason, sizeof(reason), "text extracted (%s) with %s %s", res.method, res.tool,
	         res.tool_version);
	CU_TXN(c, r, {
		/* The derived text and its record, or neither. */
		if ((r = cu_store_extract_put(c->store, item_id, x)) != 0 ||
		    (r = cu_core_custody(c, NULL, item_id, "analysed", "custodia", c->operator_org, reason,
		                         details)) != 0 ||
		    (r = cu_search_index_text(c, item_id, res.text.data ? res.text.data : "",
		                              res.text.len, res.language)) != 0 ||
		    (r = register_children(c, it, &res)) != 0)
			break;
		r = cu_store_job_finish(c->store, job, "done",
		                        res.partial ? res.warning : NULL, now);
	});
	if (r)
		r = job_failed(c, job, cu_error_message(r));
out:
	cu_blob_free(w);
	cu_extract_result_free(&res);
	cu_buf_free(&content);
	json_decref(it);
	json_decref(x);
	json_decref(details);
	return r;
}

int cu_jobs_run_one(cu_core *c, const char *worker, bool *did)
{
	char now[CU_TS_LEN];
	int64_t job = 0, item = 0;
	int r;
	*did = false;
	cu_time_now(now);
	CU_TXN(c, r, r = cu_store_job_claim(c->store, &job, &item, worker, now));
	if (r == CU_ENOTFOUND) {
		cu_error_clear();
		return 0;
	}
	if (r)
		return r;
	*did = true;
	return extract_item(c, job, item);
}

int cu_jobs_recover(cu_core *c, int *requeued)
{
	int r;
	CU_TXN(c, r, r = cu_store_job_requeue_running(c->store, requeued));
	return r;
}

/* Jobs the actor may know of: those of items it may read. */
int cu_job_list(cu_core *c, const cu_actor *a, json_t **out, const char *state)
{
	json_t *rows = NULL, *j, *counts = NULL;
	size_t i;
	int r;
	*out = NULL;
	if (state && strcmp(state, "queued") && strcmp(state, "running") && strcmp(state, "done") &&
	    strcmp(state, "failed"))
		return cu_error_set(CU_EINVALID, "state must be queued, running, done or failed");
	if ((r = cu_store_job_list(c->store, &rows, state, 1000)) != 0)
		return r;
	json_t *items = json_array();
	json_array_foreach(rows, i, j) {
		/* Seeing a job is not reading its item: nothing goes on the record. */
		if (cu_evidence_visible(c, a, json_integer_value(json_object_get(j, "item_id"))) == 0)
			json_array_append(items, j);
		cu_error_clear();
	}
	json_decref(rows);
	*out = json_pack("{s:o}", "items", items);
	/* The queue's size is no secret of any case: operators watch it. */
	if (a->operator_admin && cu_store_job_counts(c->store, &counts) == 0)
		json_object_set_new(*out, "queue", counts);
	return 0;
}

int cu_job_retry(cu_core *c, const cu_actor *a, json_t **out, int64_t id)
{
	json_t *j = NULL;
	int r;
	*out = NULL;
	if ((r = cu_store_job_get(c->store, &j, id)) != 0)
		return r == CU_ENOTFOUND ? cu_error_set(r, "no job %lld", (long long)id) : r;
	int64_t item = json_integer_value(json_object_get(j, "item_id"));
	int64_t case_id = json_integer_value(json_object_get(j, "case_id"));
	json_decref(j);
	if ((r = cu_evidence_visible(c, a, item)) != 0 ||
	    (r = cu_access_case(c, a, case_id, CU_OP_CONTRIBUTE)) != 0)
		return r == CU_ENOTFOUND ? cu_error_set(r, "no job %lld", (long long)id) : r;
	CU_TXN(c, r, r = cu_jobs_enqueue(c, item));
	return r ? r : cu_store_job_get(c->store, out, id);
}

/* ---- Worker threads ----------------------------------------------------- */

struct cu_workers {
	pthread_t *threads;
	int n;
	volatile int stop;
	cu_core_config cfg;
	char *datadir;
};

typedef struct worker_arg {
	cu_workers *w;
	int index;
} worker_arg;

static void *worker_main(void *p)
{
	worker_arg *wa = p;
	cu_workers *w = wa->w;
	cu_core *c = NULL;
	char name[32];
	snprintf(name, sizeof(name), "worker-%d", wa->index);
	{
		char tn[16]; /* what top -H and perf show; Linux allows 15 bytes */
		snprintf(tn, sizeof(tn), "cu-job-%d", wa->index);
		(void)pthread_setname_np(pthread_self(), tn);
	}
	free(wa);
	/* Workers side by side: one thread's worth of OCR each (cu_extract_limits). */
	ocr_threads = 1;
	if (cu_core_open(&c, &w->cfg) != 0)
		return NULL;
	while (!__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE)) {
		bool did = false;
		int r = cu_jobs_run_one(c, name, &did);
		if (r || !did) {
			/* Idle (or the store is busy): look again in a moment. */
			for (int i = 0; i < 10 && !__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE); i++) {
				struct timespec ts = {0, 100 * 1000000L};
				nanosleep(&ts, NULL);
			}
		}
	}
	cu_core_close(c);
	cu_extract_thread_done();
	cu_match_thread_done();
	return NULL;
}

int cu_workers_start(cu_workers **out, const cu_core_config *cfg, int n)
{
	cu_workers *w = calloc(1, sizeof(*w));
	int requeued = 0, r;
	*out = NULL;
	if (!w || !(w->datadir = strdup(cfg->datadir)) ||
	    !(w->threads = calloc((size_t)(n > 0 ? n : 1), sizeof(pthread_t)))) {
		cu_workers_stop(w);
		return CU_ENOMEM;
	}
	w->cfg = *cfg;
	w->cfg.datadir = w->datadir;
	/* What a crash left running goes back to the queue. */
	cu_core *c = NULL;
	if ((r = cu_core_open(&c, &w->cfg)) == 0)
		r = cu_jobs_recover(c, &requeued);
	cu_core_close(c);
	if (r) {
		cu_workers_stop(w);
		return r;
	}
	for (int i = 0; i < n; i++) {
		worker_arg *wa = malloc(sizeof(*wa));
		if (!wa)
			break;
		wa->w = w, wa->index = i + 1;
		if (pthread_create(&w->threads[w->n], NULL, worker_main, wa) != 0) {
			free(wa);
			break;
		}
		w->n++;
	}
	*out = w;
	return 0;
}

void cu_workers_stop(cu_workers *w)
{
	if (!w)
		return;
	__atomic_store_n(&w->stop, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < w->n; i++)
		pthread_join(w->threads[i], NULL);
	free(w->threads);
	free(w->datadir);
	free(w);
}
