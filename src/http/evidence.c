/* SPDX-License-Identifier: Apache-2.0 */
/*
 * http: evidence handlers — resumable chunked uploads, streaming downloads
 * with ranges, custody, grants, retention.
 *
 * Uploads. h2o 2.2 reads a whole request body before the handler runs, so
 * content arrives as a session of bounded chunks, each acknowledged only once
 * hashed, encrypted and written:
 *
 *   POST   /api/v1/cases/{id}/uploads   metadata      -> {id, offset: 0}
 *   PUT    /api/v1/uploads/{id}?offset=N  <= 8 MiB    -> {offset: N + len}
 *   POST   /api/v1/uploads/{id}/complete {sha256}     -> the evidence item
 *
 * A chunk lost with a dropped connection is simply sent again at the same
 * offset; an abandoned session is dropped after an hour and its temporary
 * file removed, so no item and no partial blob remains.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "http/handlers.h"
#include "http/nodes.h"
#include "http/parse.h"

#define UPLOAD_IDLE_SECONDS 3600
#define UPLOAD_MAX_SESSIONS 1024

typedef struct upload {
	char id[33];
	cu_ingest *in;
	bool threaded; /* hashes and writes on threads of its own */
	int64_t user_id;
	uint64_t size, max; /* size: as declared at the start, if sized */
	bool sized;
	time_t last;
	bool busy;
	uint64_t acked; /* the offset of the chunks answered (under uploads_mu) */
	struct upload *next;
} upload;

static pthread_mutex_t uploads_mu = PTHREAD_MUTEX_INITIALIZER;
static upload *uploads;
static int nuploads;
/*
 * Large uploads hash and write on two threads each, while the request's
 * thread encrypts; a few at a time, so that many uploads do not multiply
 * threads and their 10 MiB of buffers.
 */
#define THREADED_MIN ((uint64_t)4 << 20)
#define THREADED_MAX 2
static int nthreaded;

/* Ends a session's ingest; called with or without the lock, once per session. */
static void drop(upload *u)
{
	cu_evidence_abort(u->in);
	if (u->threaded) {
		pthread_mutex_lock(&uploads_mu);
		nthreaded--;
		pthread_mutex_unlock(&uploads_mu);
	}
	free(u);
}
static uint64_t max_upload = (uint64_t)16 << 30;

void cu_http_set_max_upload(uint64_t bytes)
{
	if (bytes)
		max_upload = bytes;
}

/* Drops sessions idle for an hour (called with the lock held). */
static void expire_locked(time_t now)
{
	for (upload **p = &uploads; *p;) {
		upload *u = *p;
		if (!u->busy && now - u->last > UPLOAD_IDLE_SECONDS) {
			*p = u->next;
			cu_evidence_abort(u->in);
			nthreaded -= u->threaded;
			free(u);
			nuploads--;
		} else {
			p = &u->next;
		}
	}
}

/* Takes a session for this user (busy until released): CU_ENOTFOUND otherwise. */
static int take(upload **out, const char *id, const cu_actor *a, bool unlink)
{
	int r = 0;
	pthread_mutex_lock(&uploads_mu);
	upload **p = &uploads;
	while (*p && strcmp((*p)->id, id) != 0)
		p = &(*p)->next;
	if (!*p || (*p)->user_id != a->user_id) {
		r = cu_error_set(CU_ENOTFOUND, "no upload \"%.40s\" (finished, abandoned or never "
		                 "started)", id);
	} else if ((*p)->busy) {
		r = cu_error_set(CU_ECONFLICT, "another request is writing to this upload");
	} else {
		*out = *p;
		(*p)->busy = true;
		if (unlink) {
			*p = (*p)->next;
			nuploads--;
		}
	}
	pthread_mutex_unlock(&uploads_mu);
	return r;
}

/* Takes a session this request holds (busy) off the list: it is being completed. */
static void unlink_taken(upload *u)
{
	pthread_mutex_lock(&uploads_mu);
	for (upload **p = &uploads; *p; p = &(*p)->next)
		if (*p == u) {
			*p = u->next;
			nuploads--;
			break;
		}
	pthread_mutex_unlock(&uploads_mu);
}

static void release(upload *u)
{
	uint64_t at = cu_evidence_received(u->in); /* the owner's to read while busy */
	pthread_mutex_lock(&uploads_mu);
	u->acked = at;
	u->busy = false;
	u->last = time(NULL);
	pthread_mutex_unlock(&uploads_mu);
}

static json_t *upload_state(const upload *u)
{
	return json_pack("{s:s,s:I,s:I,s:I}", "id", u->id, "offset",
	                 (json_int_t)cu_evidence_received(u->in), "chunk_max",
	                 (json_int_t)CU_UPLOAD_CHUNK_MAX, "max_size", (json_int_t)u->max);
}

static int case_param(cu_req *rq, int64_t *id)
{
	return cu_case_resolve(rq->core, &rq->actor, id, rq->params[0]);
}


/* An upload or a bundle another node made: that node answers (nodes.h). */
static int elsewhere(cu_req *rq, const char *id, int fd, long *status)
{
	char *url = NULL;
	int r = cu_node_url(rq->core, &url, id);
	if (r == 0)
		r = cu_req_forward(rq, url, fd, status);
	free(url);
	return r;
}

/* A new upload's or bundle's id: this node's id, then 96 random bits. */
static void object_id(char id[33])
{
	uint8_t rnd[12];
	cu_random(rnd, sizeof(rnd));
	memcpy(id, cu_node_id(), CU_NODE_ID_LEN);
	cu_hex(id + CU_NODE_ID_LEN, rnd, sizeof(rnd));
}

int h_upload_start(cu_req *rq)
{
	int64_t case_id, size = 0;
	upload *u;
	int r;
	if ((r = case_param(rq, &case_id)) != 0)
		return r;
	/* The size, if declared, is what the upload must come to (a cut-off file
	 * is not completed as if whole); it is not metadata: the content says. */
	json_t *meta = json_deep_copy(rq->body);
	json_t *sz = json_object_get(meta, "size");
	if (sz) {
		if (!json_is_integer(sz) || json_integer_value(sz) < 0) {
			json_decref(meta);
			return cu_error_set(CU_EINVALID, "field \"size\" must be a byte count");
		}
		size = json_integer_value(sz);
		json_object_del(meta, "size");
	}
	if ((uint64_t)size > max_upload) {
		json_decref(meta);
		return cu_error_set(CU_ETOOBIG, "the file is larger than the upload limit of %llu "
		                    "bytes", (unsigned long long)max_upload);
	}
	if (!(u = calloc(1, sizeof(*u)))) {
		json_decref(meta);
		return cu_error_set(CU_ENOMEM, "out of memory");
	}
	if ((uint64_t)size >= THREADED_MIN) {
		pthread_mutex_lock(&uploads_mu);
		if (nthreaded < THREADED_MAX) {
			nthreaded++;
			u->threaded = true;
		}
		pthread_mutex_unlock(&uploads_mu);
	}
	r = cu_evidence_begin(rq->core, &rq->actor, &u->in, case_id, meta,
	                      u->threaded ? CU_INGEST_THREADED : 0);
	json_decref(meta);
	if (r) {
		u->in = NULL;
		drop(u);
		return r;
	}
	object_id(u->id);
	u->user_id = rq->actor.user_id;
	u->size = (uint64_t)size;
	u->sized = sz != NULL;
	u->max = max_upload;
	u->last = time(NULL);
	pthread_mutex_lock(&uploads_mu);
	expire_locked(u->last);
	if (nuploads >= UPLOAD_MAX_SESSIONS) {
		pthread_mutex_unlock(&uploads_mu);
		drop(u);
		return cu_error_set(CU_ECONFLICT, "too many uploads in progress: try again later");
	}
	u->next = uploads;
	uploads = u;
	nuploads++;
	rq->out = upload_state(u);
	pthread_mutex_unlock(&uploads_mu);
	return 0;
}

/*
 * Where an upload stands, without taking it: a client asking (a progress
 * bar, a resume after a dropped connection) must not make a chunk another
 * connection is sending fail as "busy". While a chunk is being written the
 * answer is the offset acknowledged before it.
 */
int h_upload_get(cu_req *rq)
{
	int r = 0;
	if (!cu_node_local(rq->params[0]))
		return elsewhere(rq, rq->params[0], -1, NULL);
	pthread_mutex_lock(&uploads_mu);
	upload *u = uploads;
	while (u && strcmp(u->id, rq->params[0]) != 0)
		u = u->next;
	if (!u || u->user_id != rq->actor.user_id)
		r = cu_error_set(CU_ENOTFOUND, "no upload \"%.40s\" (finished, abandoned or never "
		                 "started)", rq->params[0]);
	else
		rq->out = json_pack("{s:s,s:I,s:I,s:I}", "id", u->id, "offset", (json_int_t)u->acked,
		                    "chunk_max", (json_int_t)CU_UPLOAD_CHUNK_MAX, "max_size",
		                    (json_int_t)u->max);
	pthread_mutex_unlock(&uploads_mu);
	return r;
}

int h_upload_chunk(cu_req *rq)
{
	const char *off;
	upload *u;
	int r;
	if (!cu_node_local(rq->params[0]))
		return elsewhere(rq, rq->params[0], -1, NULL);
	if ((r = cu_req_query(rq, &off, "offset")) != 0)
		return r;
	if ((r = take(&u, rq->params[0], &rq->actor, false)) != 0)
		return r;
	uint64_t have = cu_evidence_received(u->in);
	char *end = NULL;
	unsigned long long o = off ? strtoull(off, &end, 10) : have;
	if (off && (*off < '0' || *off > '9' || *end)) {
		r = cu_error_set(CU_EINVALID, "query parameter \"offset\" must be a byte offset");
	} else if (o != have) {
		/* A retry of an acknowledged chunk, or a gap: say where to resume. */
		r = cu_error_set(CU_ECONFLICT, "the upload is at offset %llu, not %llu: resume "
		                 "from there", (unsigned long long)have, o);
	} else if ((r = cu_evidence_authorised(rq->core, u->in)) != 0) {
		/* Still allowed to contribute to a still open case, chunk by chunk. */
	} else if (have + rq->raw_len > u->max) {
		r = cu_error_set(CU_ETOOBIG, "the upload would exceed its limit of %llu bytes",
		                 (unsigned long long)u->max);
	} else if (u->sized && have + rq->raw_len > u->size) {
		r = cu_error_set(CU_EINVALID, "the upload was declared as %llu bytes: this chunk "
		                 "would bring it to %llu", (unsigned long long)u->size,
		                 (unsigned long long)(have + rq->raw_len));
	} else if ((r = cu_evidence_write(u->in, rq->raw, rq->raw_len)) == 0) {
		rq->out = upload_state(u);
	}
	if (r == CU_EIO || r == CU_ENOSPACE) {
		/* The writer cannot go on (e.g. a full disk): end the session. */
		release(u);
		upload *gone;
		if (take(&gone, rq->params[0], &rq->actor, true) == 0)
			drop(gone);
		return r;
	}
	release(u);
	return r;
}

int h_upload_complete(cu_req *rq)
{
	static const cu_jfield f[] = {{"sha256", CU_JSTR, false, 64}};
	upload *u;
	json_t *items = NULL;
	int r;
	if (!cu_node_local(rq->params[0]))
		return elsewhere(rq, rq->params[0], -1, NULL);
	if ((r = cu_json_check(rq->body, f, 1)) != 0)
		return r;
	const char *sha = cu_json_str(rq->body, "sha256");
	uint8_t tmp[32];
	if (sha && cu_unhex32(tmp, sha) != 0)
		return cu_error_set(CU_EINVALID, "field \"sha256\" must be 64 hex digits");
	if ((r = take(&u, rq->params[0], &rq->actor, false)) != 0)
		return r;
	uint64_t have = cu_evidence_received(u->in);
	if (u->sized && have != u->size) {
		release(u);
		return cu_error_set(CU_ECONFLICT, "the upload has %llu of its %llu bytes: send the "
		                    "rest from offset %llu, then complete it",
		                    (unsigned long long)have, (unsigned long long)u->size,
		                    (unsigned long long)have);
	}
	unlink_taken(u);
	if (sha)
		cu_evidence_expect(u->in, sha);
	r = cu_evidence_commit(rq->core, &u->in, 1, &items); /* frees the ingest */
	u->in = NULL;
	drop(u);
	if (r)
		return r;
	rq->out = json_incref(json_array_get(items, 0));
	json_decref(items);
	return 0;
}

int h_upload_abort(cu_req *rq)
{
	upload *u;
	int r;
	if (!cu_node_local(rq->params[0]))
		return elsewhere(rq, rq->params[0], -1, NULL);
	if ((r = take(&u, rq->params[0], &rq->actor, true)) != 0)
		return r;
	drop(u);
	return 0;
}

int h_evidence_list_case(cu_req *rq)
{
	int64_t id, after;
	int limit, r;
	if ((r = cu_req_page(rq, &after, &limit)) != 0)
		return r;
	/* A numeric id as such: a receiver of a grant does not see the case itself. */
	if (cu_req_id(rq->params[0], &id, "case") != 0 && (r = case_param(rq, &id)) != 0)
		return r;
	return cu_evidence_list(rq->core, &rq->actor, &rq->out, id, after, limit);
}

int h_evidence_shared(cu_req *rq)
{
	int64_t after;
	int limit, r;
	if ((r = cu_req_page(rq, &after, &limit)) != 0)
		return r;
	return cu_evidence_list(rq->core, &rq->actor, &rq->out, 0, after, limit);
}

int h_evidence_get(cu_req *rq)
{
	int64_t id;
	int r;
	if ((r = cu_req_id(rq->params[0], &id, "evidence item")) != 0)
		return r;
	return cu_evidence_get(rq->core, &rq->actor, &rq->out, id);
}

int h_evidence_content(cu_req *rq)
{
	int64_t id;
	json_t *item = NULL;
	int r;
	if ((r = cu_req_id(rq->params[0], &id, "evidence item")) != 0)
		return r;
	const char *range = cu_req_header(rq, "range"), *disp = NULL;
	if ((r = cu_req_query(rq, &disp, "disposition")) != 0)
		return r;
	if (disp && strcmp(disp, "inline") && strcmp(disp, "attachment"))
		return cu_error_set(CU_EINVALID, "disposition must be inline or attachment");
	bool view = disp && !strcmp(disp, "inline");
	if ((r = cu_evidence_open(rq->core, &rq->actor, &rq->stream.reader, &item, id,
	                          view ? (range ? "partial view" : "view")
	                               : (range ? "partial download" : "download"))) != 0)
		return r;
	uint64_t total = (uint64_t)json_integer_value(json_object_get(item, "size"));
	uint64_t start = 0, len = total;
	int pr = cu_http_range(range, total, &start, &len);
	if (pr < 0) {
		rq->stream.total = total;
		json_decref(item);
		return cu_error_set(CU_ERANGE, "the range is not satisfiable (content of %llu "
		                    "bytes)", (unsigned long long)total);
	}
	if (pr == 0 && start && (r = cu_blob_skip(rq->stream.reader, start)) != 0) {
		if (r == CU_EVERIFY)
			cu_evidence_mark_failed(rq->core, id);
		json_decref(item);
		return r;
	}
	rq->stream.item_id = id;
	rq->stream.start = start;
	rq->stream.length = len;
	rq->stream.total = total;
	rq->stream.partial = pr == 0;
	snprintf(rq->stream.sha256, sizeof(rq->stream.sha256), "%s", cu_json_str(item, "sha256"));
	snprintf(rq->stream.media_type, sizeof(rq->stream.media_type), "%s",
	         cu_json_str(item, "media_type"));
	/*
	 * Shown in the page only what a browser renders without running it:
	 * images, sound, video and PDF. Anything else (HTML above all) is
	 * always an attachment, so evidence never runs as our origin's script.
	 */
	const char *mt = rq->stream.media_type;
	rq->stream.inline_view = view && ((!strncmp(mt, "image/", 6) && !strstr(mt, "svg")) ||
	                                  !strncmp(mt, "audio/", 6) || !strncmp(mt, "video/", 6) ||
	                                  !strcmp(mt, "application/pdf"));
	snprintf(rq->stream.filename, sizeof(rq->stream.filename), "%s",
	         cu_json_str(item, "original_name") ? cu_json_str(item, "original_name") : "");
	json_decref(item);
	return 0;
}

int h_evidence_custody(cu_req *rq)
{
	int64_t id, after;
	int limit, r;
	if ((r = cu_req_page(rq, &after, &limit)) != 0 ||
	    (r = cu_req_id(rq->params[0], &id, "evidence item")) != 0)
		return r;
	return cu_evidence_custody(rq->core, &rq->actor, &rq->out, id, after, limit);
}

int h_evidence_custody_add(cu_req *rq)
{
	int64_t id;
	int r;
	if ((r = cu_req_id(rq->params[0], &id, "evidence item")) != 0)
		return r;
	return cu_evidence_custody_add(rq->core, &rq->actor, &rq->out, id, rq->body);
}

int h_evidence_verify(cu_req *rq)
{
	int64_t id;
	json_t *item;
	int r;
	if ((r = cu_req_id(rq->params[0], &id, "evidence item")) != 0 ||
	    (r = cu_evidence_get(rq->core, &rq->actor, &item, id)) != 0)
		return r;
	int64_t case_id = json_integer_value(json_object_get(item, "case_id"));
	json_decref(item);
	json_t *report;
	if ((r = cu_evidence_verify(rq->core, &rq->actor, &report, case_id, id)) != 0)
		return r;
	rq->out = json_incref(json_array_get(report, 0));
	json_decref(report);
	if (!rq->out)
		return cu_error_set(CU_ECONFLICT, "the item was erased: nothing to verify");
	return 0;
}

int h_evidence_erase(cu_req *rq)
{
	int64_t id;
	int r;
	if ((r = cu_req_id(rq->params[0], &id, "evidence item")) != 0)
		return r;
	return cu_evidence_erase(rq->core, &rq->actor, &rq->out, id, rq->body);
}

int h_grant_list(cu_req *rq)
{
	return cu_grant_list(rq->core, &rq->actor, &rq->out);
}

int h_grant_create(cu_req *rq)
{
	return cu_grant_create(rq->core, &rq->actor, &rq->out, rq->body);
}

int h_grant_get(cu_req *rq)
{
	int64_t id;
	int r;
	if ((r = cu_req_id(rq->params[0], &id, "grant")) != 0)
		return r;
	return cu_grant_get(rq->core, &rq->actor, &rq->out, id);
}

int h_grant_consent(cu_req *rq)
{
	int64_t id;
	int r;
	if ((r = cu_req_id(rq->params[0], &id, "grant")) != 0)
		return r;
	return cu_grant_consent(rq->core, &rq->actor, &rq->out, id, rq->body);
}

int h_grant_revoke(cu_req *rq)
{
	int64_t id;
	int r;
	if ((r = cu_req_id(rq->params[0], &id, "grant")) != 0)
		return r;
	return cu_grant_revoke(rq->core, &rq->actor, &rq->out, id, rq->body);
}

int h_retention_due(cu_req *rq)
{
	const char *w;
	int r, days = 30;
	if ((r = cu_req_query(rq, &w, "within")) != 0)
		return r;
	/* Days: within=30 is thirty days (it was read as seconds: only what is due today). */
	if (w && (r = cu_days_parse(&days, w)) != 0)
		return r;
	return cu_retention_due(rq->core, &rq->actor, &rq->out, days);
}

int h_retention_get(cu_req *rq)
{
	int64_t id;
	int r;
	if ((r = case_param(rq, &id)) != 0 ||
	    (r = cu_access_case(rq->core, &rq->actor, id, CU_OP_READ)) != 0)
		return r;
	return cu_store_retention_get(cu_core_store(rq->core), &rq->out, id);
}

int h_retention_trigger(cu_req *rq)
{
	int64_t id;
	int r;
	if ((r = case_param(rq, &id)) != 0)
		return r;
	return cu_retention_trigger_add(rq->core, &rq->actor, &rq->out, id, rq->body);
}

int h_hold_add(cu_req *rq)
{
	int64_t id;
	int r;
	if ((r = case_param(rq, &id)) != 0)
		return r;
	return cu_hold_add(rq->core, &rq->actor, &rq->out, id, rq->body);
}

int h_hold_release(cu_req *rq)
{
	int64_t id, hold;
	int r;
	if ((r = case_param(rq, &id)) != 0 || (r = cu_req_id(rq->params[1], &hold, "hold")) != 0)
		return r;
	return cu_hold_release(rq->core, &rq->actor, id, hold);
}

/*
 * Bundles for the web application. POST writes the bundle (docs/bundle.md:
 * the export is recorded in each item's chain first) into DATADIR/exports as
 * "<random id>.<user id>.tar", 0600, and answers with where to fetch it; GET
 * hands it to the same user once and deletes it. A bundle carries the
 * evidence in the clear (it is made to leave the platform), so it waits on
 * the disk for at most an hour: each POST sweeps older ones.
 */
#define BUNDLE_TTL 3600

static int exports_dir(cu_req *rq, char *dir, size_t len)
{
	snprintf(dir, len, "%s/exports", cu_core_datadir(rq->core));
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return cu_error_set(CU_EIO, "cannot create %s: %s", dir, strerror(errno));
	return 0;
}

static void exports_sweep(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat st;
	char path[4400];
	time_t now = time(NULL);
	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) == 0 && now - st.st_mtime > BUNDLE_TTL)
			unlink(path);
	}
	closedir(d);
}

int h_bundle_create(cu_req *rq)
{
	static const cu_jfield f[] = {{"for", CU_JSTR, true, 32}, {"items", CU_JARRAY, false, 0}};
	int64_t case_id, ids[1024];
	size_t n = 0, i;
	json_t *v;
	char dir[4096], path[4200], id[33];
	int r;
	if ((r = case_param(rq, &case_id)) != 0 || (r = cu_json_check(rq->body, f, 2)) != 0)
		return r;
	json_array_foreach(json_object_get(rq->body, "items"), i, v) {
		if (!json_is_integer(v) || json_integer_value(v) <= 0 || n == 1024)
			return cu_error_set(CU_EINVALID, "field \"items\" must list at most 1024 item"
			                    " ids");
		ids[n++] = json_integer_value(v);
	}
	/* An empty list is not "all": that is the field left out. */
	if (json_object_get(rq->body, "items") && n == 0)
		return cu_error_set(CU_EINVALID, "field \"items\" is empty: name the items to "
		                    "export, or leave the field out for every item");
	if ((r = exports_dir(rq, dir, sizeof(dir))) != 0)
		return r;
	exports_sweep(dir);
	object_id(id);
	snprintf(path, sizeof(path), "%s/%s.%lld.tar", dir, id, (long long)rq->actor.user_id);
	if ((r = cu_bundle_export(rq->core, &rq->actor, &rq->out, case_id, n ? ids : NULL, n,
	                          cu_json_str(rq->body, "for"), path)) != 0)
		return r;
	chmod(path, 0600);
	/* Where it lies on the server's disk is none of the client's business. */
	json_object_del(rq->out, "bundle");
	char url[80];
	snprintf(url, sizeof(url), "/api/v1/bundles/%s", id);
	json_object_set_new(rq->out, "download", json_string(url));
	json_object_set_new(rq->out, "id", json_string(id));
	return 0;
}

/*
 * A bundle another node exported: fetched from it into an unnamed file here
 * (it may be large), then sent from that file like a local one.
 */
static int bundle_elsewhere(cu_req *rq, const char *dir, const char *id)
{
	struct stat st;
	long status = 0;
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return cu_error_set(CU_EIO, "cannot create a file in %s: %s", dir, strerror(errno));
	int r = elsewhere(rq, id, fd, &status);
	if (r == 0 && status != 200) {
		/* The other node's error, as it said it. */
		char msg[512] = "";
		ssize_t n = pread(fd, msg, sizeof(msg) - 1, 0);
		json_t *e = n > 0 ? json_loadb(msg, (size_t)n, 0, NULL) : NULL;
		const char *m = cu_json_str(json_object_get(e, "error"), "message");
		int code = status == 404 ? CU_ENOTFOUND : status == 401 ? CU_EAUTH :
		           status == 403 ? CU_EDENIED : CU_EUNAVAILABLE;
		r = cu_error_set(code, "%s", m ? m : "the node holding the bundle refused it");
		json_decref(e);
	}
	if (r == 0 && (fstat(fd, &st) != 0 || lseek(fd, 0, SEEK_SET) != 0))
		r = cu_error_set(CU_EIO, "cannot read the bundle fetched: %s", strerror(errno));
	if (r) {
		close(fd);
		return r;
	}
	rq->status = 200;
	rq->stream.fd = fd;
	rq->stream.has_fd = true;
	rq->stream.length = rq->stream.total = (uint64_t)st.st_size;
	snprintf(rq->stream.media_type, sizeof(rq->stream.media_type), "application/x-tar");
	snprintf(rq->stream.filename, sizeof(rq->stream.filename), "custodia-bundle-%.8s.tar",
	         id + CU_NODE_ID_LEN);
	return 0;
}

int h_bundle_get(cu_req *rq)
{
	char dir[4096], path[4200];
	struct stat st;
	int r, fd;
	const char *id = rq->params[0];
	if (strlen(id) != 32 || strspn(id, "0123456789abcdef") != 32)
		return cu_error_set(CU_ENOTFOUND, "no such bundle");
	if ((r = exports_dir(rq, dir, sizeof(dir))) != 0)
		return r;
	if (!cu_node_local(id))
		return bundle_elsewhere(rq, dir, id);
	/* Only the user who made it finds it: the name carries their id. */
	snprintf(path, sizeof(path), "%s/%s.%lld.tar", dir, id, (long long)rq->actor.user_id);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) != 0) {
		if (fd >= 0)
			close(fd);
		return cu_error_set(CU_ENOTFOUND, "no such bundle (they can be fetched once, within"
		                    " an hour)");
	}
	unlink(path); /* the open descriptor keeps it readable until sent */
	rq->stream.fd = fd;
	rq->stream.has_fd = true;
	rq->stream.length = rq->stream.total = (uint64_t)st.st_size;
	snprintf(rq->stream.media_type, sizeof(rq->stream.media_type), "application/x-tar");
	snprintf(rq->stream.filename, sizeof(rq->stream.filename), "custodia-bundle-%.8s.tar",
	         id + CU_NODE_ID_LEN);
	return 0;
}
