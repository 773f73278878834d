/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vault: the S3 blob store (libcurl, AWS Signature V4), for Ceph RGW, MinIO
 * or AWS S3. It only ever receives ciphertext.
 *
 *   PREFIX/<name>          a placed blob
 *   PREFIX/tmp/<random>    a large blob being assembled (multipart upload)
 *
 * A blob's name is known only at its end (it hashes the plaintext), and S3
 * has no rename, so:
 *
 *   small (< one part):  kept in the part buffer, PUT under its name at place
 *   large:               multipart upload to tmp/<random>, part by part as the
 *                        writer produces them; CompleteMultipartUpload at
 *                        finish; server-side copy to its name at place; the
 *                        temporary object deleted. Any failure aborts the
 *                        upload: nothing becomes visible under a blob's name
 *                        before it is complete.
 *
 * Every body carries Content-MD5 and x-amz-checksum-sha256 (computed over the
 * bytes sent) and the server's ETag must be their MD5. Memory stays bounded:
 * one part buffer per writer, one read window per reader (ranged GETs pinned
 * to the object's ETag with If-Match). A sweep removes temporary objects and
 * orphans only once older than a grace period: nodes share no lock.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/crypto.h"
#include "util/curl.h"
#include "util/util.h"
#include "vault/blobstore.h"

#define PART_DEFAULT (8u << 20)
#define WINDOW (4u << 20)    /* ciphertext bytes per ranged GET */
#define XML_CAP (4u << 20)   /* largest response body kept (listings, errors) */

typedef struct s3store {
	cu_bstore base;
	char endpoint[256], bucket[64], prefix[256], region[64], sigv4[96];
	char user[256], pass[256];
	size_t part;
	long grace;
} s3store;

typedef struct s3put_t {
	cu_bput base;
	uint8_t *buf;
	size_t len;
	char tmpkey[320], upload_id[512];
	char (*etags)[80];
	uint8_t (*sums)[32];
	int nparts, cap;
	bool multipart, complete, placed, failed;
} s3put;

typedef struct s3get {
	cu_bget base;
	char key[320], etag[80];
	uint64_t size, off;
	uint8_t *buf;
	size_t len, pos;
} s3get;

/* A response: status, ETag, checksum and (capped) body. */
typedef struct resp {
	long status;
	char etag[80], checksum[64];
	uint8_t *body;
	size_t len, cap;
	bool over;
} resp;

static size_t on_body(char *p, size_t sz, size_t n, void *arg)
{
	resp *r = arg;
	size_t k = sz * n;
	if (r->len + k > r->cap) {
		r->over = true;
		return 0;
	}
	memcpy(r->body + r->len, p, k);
	r->len += k;
	return k;
}

static void header_value(char *out, size_t cap, const char *p, size_t n)
{
	while (n && (*p == ' ' || *p == '\t'))
		p++, n--;
	while (n && (p[n - 1] == '\r' || p[n - 1] == '\n' || p[n - 1] == ' '))
		n--;
	if (n >= cap)
		n = cap - 1;
	memcpy(out, p, n);
	out[n] = 0;
}

static size_t on_header(char *p, size_t sz, size_t n, void *arg)
{
	resp *r = arg;
	size_t k = sz * n;
	if (k > 5 && !strncasecmp(p, "ETag:", 5))
		header_value(r->etag, sizeof(r->etag), p + 5, k - 5);
	else if (k > 22 && !strncasecmp(p, "x-amz-checksum-sha256:", 22))
		header_value(r->checksum, sizeof(r->checksum), p + 22, k - 22);
	return k;
}

/* The text of an XML element's first occurrence after *from (no nesting of the same name). */
static bool xml_get(char *out, size_t cap, const char *xml, const char *tag, const char **from)
{
	char open[64], close[64];
	snprintf(open, sizeof(open), "<%s>", tag);
	snprintf(close, sizeof(close), "</%s>", tag);
	const char *a = strstr(from && *from ? *from : xml, open);
	if (!a)
		return false;
	a += strlen(open);
	const char *b = strstr(a, close);
	if (!b)
		return false;
	size_t n = (size_t)(b - a) < cap - 1 ? (size_t)(b - a) : cap - 1;
	memcpy(out, a, n);
	out[n] = 0;
	if (from)
		*from = b + strlen(close);
	return true;
}

/* The S3 error in a response, as our error detail; never the credentials. */
static int s3_fail(const resp *r, const char *what, int code)
{
	char c[64] = "", m[256] = "", body[512];
	size_t n = r->len < sizeof(body) - 1 ? r->len : sizeof(body) - 1;
	memcpy(body, r->body ? (const char *)r->body : "", r->body ? n : 0);
	body[r->body ? n : 0] = 0;
	xml_get(c, sizeof(c), body, "Code", NULL);
	xml_get(m, sizeof(m), body, "Message", NULL);
	return cu_error_set(code, "object storage: %s failed (HTTP %ld%s%s%s%s)", what, r->status,
	                    *c ? ", " : "", c, *m ? ": " : "", m);
}

/*
 * One request. key NULL: the bucket itself. query: sorted, every parameter
 * with "=" (the canonical form Signature V4 signs). The body, if any, is sent
 * with its hashes; the response body is kept up to r->cap bytes.
 */
static int request(s3store *s, const char *method, const char *key, const char *query,
                   struct curl_slist *extra, const void *body, size_t blen, resp *r,
                   const char *what)
{
	char url[1024], h[256], md5b[32], shab[48];
	uint8_t md5[16], sha[32];
	char shahex[65];
	struct curl_slist *hs = NULL;
	int rc = 0;
	r->status = 0;
	r->etag[0] = r->checksum[0] = 0;
	r->len = 0;
	r->over = false;
	CURL *c = curl_easy_init();
	if (!c)
		return cu_error_set(CU_ENOMEM, "cannot start an HTTP request");
	snprintf(url, sizeof(url), "%s/%s%s%s%s%s", s->endpoint, s->bucket, key ? "/" : "",
	         key ? key : "", query && *query ? "?" : "", query && *query ? query : "");
	cu_sha256(sha, body ? body : "", blen);
	cu_hex(shahex, sha, 32);
	snprintf(h, sizeof(h), "x-amz-content-sha256: %s", shahex);
	hs = curl_slist_append(hs, h);
	if (body) {
		cu_md5(md5, body, blen);
		cu_base64(md5b, md5, 16);
		cu_base64(shab, sha, 32);
		snprintf(h, sizeof(h), "Content-MD5: %s", md5b);
		hs = curl_slist_append(hs, h);
		snprintf(h, sizeof(h), "x-amz-checksum-sha256: %s", shab);
		hs = curl_slist_append(hs, h);
	}
	hs = curl_slist_append(hs, "Expect:");
	for (struct curl_slist *e = extra; e; e = e->next)
		hs = curl_slist_append(hs, e->data);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (!strcmp(method, "HEAD"))
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	if (body || !strcmp(method, "POST") || !strcmp(method, "PUT")) {
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)blen);
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hs);
	curl_easy_setopt(c, CURLOPT_AWS_SIGV4, s->sigv4);
	curl_easy_setopt(c, CURLOPT_USERNAME, s->user);
	curl_easy_setopt(c, CURLOPT_PASSWORD, s->pass);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
	CURLcode e = curl_easy_perform(c);
	if (e != CURLE_OK && !(e == CURLE_WRITE_ERROR && r->over)) {
		rc = cu_error_set(CU_EIO, "object storage: %s: %s", what, curl_easy_strerror(e));
	} else if (r->over) {
		rc = cu_error_set(CU_EIO, "object storage: %s: response too large", what);
	} else {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
		if (body && r->status / 100 == 2) {
			/* The server must have stored what we sent. */
			char hex[33], want[40];
			cu_hex(hex, md5, 16);
			snprintf(want, sizeof(want), "\"%s\"", hex);
			if (r->etag[0] && strcmp(r->etag, want) && strcmp(r->etag, want + 1) &&
			    !strchr(r->etag, '-'))
				rc = cu_error_set(CU_EIO, "object storage: %s: the server's ETag does "
				                          "not match what was sent", what);
			if (!rc && r->checksum[0] && strcmp(r->checksum, shab))
				rc = cu_error_set(CU_EIO, "object storage: %s: the server's SHA-256 "
				                          "does not match what was sent", what);
		}
	}
	curl_slist_free_all(hs);
	curl_easy_cleanup(c);
	return rc;
}

static void key_of(s3store *s, char *out, size_t n, const char *rel)
{
	snprintf(out, n, "%s%s%s", s->prefix, *s->prefix ? "/" : "", rel);
}

/* ---- writing ---------------------------------------------------------- */

static int put_begin(cu_bstore *bs, cu_bput **out)
{
	s3store *s = (s3store *)bs;
	uint8_t rnd[16];
	char hex[33], rel[64];
	*out = NULL;
	s3put *p = calloc(1, sizeof(*p));
	if (!p || !(p->buf = malloc(s->part))) {
		free(p);
		return cu_error_set(CU_ENOMEM, "out of memory");
	}
	p->base.s = bs;
	cu_random(rnd, sizeof(rnd));
	cu_hex(hex, rnd, sizeof(rnd));
	snprintf(rel, sizeof(rel), "tmp/%s", hex);
	key_of(s, p->tmpkey, sizeof(p->tmpkey), rel);
	*out = &p->base;
	return 0;
}

static int start_multipart(s3put *p)
{
	s3store *s = (s3store *)p->base.s;
	uint8_t b[4096];
	resp r = {.body = b, .cap = sizeof(b) - 1};
	struct curl_slist *h = curl_slist_append(NULL, "x-amz-checksum-algorithm: SHA256");
	int rc = request(s, "POST", p->tmpkey, "uploads=", h, NULL, 0, &r, "starting an upload");
	curl_slist_free_all(h);
	if (rc)
		return rc;
	if (r.status != 200)
		return s3_fail(&r, "starting an upload", CU_EIO);
	b[r.len] = 0;
	if (!xml_get(p->upload_id, sizeof(p->upload_id), (char *)b, "UploadId", NULL))
		return cu_error_set(CU_EIO, "object storage: no UploadId in the answer");
	p->multipart = true;
	return 0;
}

static int upload_part(s3put *p)
{
	s3store *s = (s3store *)p->base.s;
	char q[700];
	uint8_t b[2048];
	resp r = {.body = b, .cap = sizeof(b) - 1};
	int rc;
	if (p->nparts == p->cap) {
		int cap = p->cap ? 2 * p->cap : 16;
		void *e = realloc(p->etags, (size_t)cap * sizeof(*p->etags));
		if (e)
			p->etags = e;
		void *m = realloc(p->sums, (size_t)cap * sizeof(*p->sums));
		if (m)
			p->sums = m;
		if (!e || !m)
			return cu_error_set(CU_ENOMEM, "out of memory");
		p->cap = cap;
	}
	snprintf(q, sizeof(q), "partNumber=%d&uploadId=%s", p->nparts + 1, p->upload_id);
	if ((rc = request(s, "PUT", p->tmpkey, q, NULL, p->buf, p->len, &r, "uploading a part")))
		return rc;
	if (r.status != 200)
		return s3_fail(&r, "uploading a part", CU_EIO);
	snprintf(p->etags[p->nparts], sizeof(p->etags[0]), "%s", r.etag);
	cu_sha256(p->sums[p->nparts], p->buf, p->len);
	p->nparts++;
	p->len = 0;
	return 0;
}

static int put_write(cu_bput *bp, const void *data, size_t n)
{
	s3put *p = (s3put *)bp;
	s3store *s = (s3store *)bp->s;
	const uint8_t *c = data;
	int r;
	if (p->failed)
		return cu_error_set(CU_EIO, "the upload has failed");
	while (n) {
		size_t k = s->part - p->len < n ? s->part - p->len : n;
		memcpy(p->buf + p->len, c, k);
		p->len += k;
		c += k;
		n -= k;
		if (p->len == s->part && n) { /* more follows: this one is a full part */
			if ((!p->multipart && (r = start_multipart(p)) != 0) ||
			    (r = upload_part(p)) != 0) {
				p->failed = true;
				return r;
			}
		}
	}
	return 0;
}

static int complete_multipart(s3put *p)
{
	s3store *s = (s3store *)p->base.s;
	char q[600], line[256], b64[48];
	uint8_t b[4096];
	resp r = {.body = b, .cap = sizeof(b) - 1};
	int rc;
	size_t cap = 64 + (size_t)p->nparts * 200, len = 0;
	char *xml = malloc(cap);
	if (!xml)
		return cu_error_set(CU_ENOMEM, "out of memory");
	len += (size_t)snprintf(xml + len, cap - len, "<CompleteMultipartUpload>");
	for (int i = 0; i < p->nparts; i++) {
		cu_base64(b64, p->sums[i], 32);
		snprintf(line, sizeof(line),
		         "<Part><PartNumber>%d</PartNumber><ETag>%s</ETag>"
		         "<ChecksumSHA256>%s</ChecksumSHA256></Part>",
		         i + 1, p->etags[i], b64);
		len += (size_t)snprintf(xml + len, cap - len, "%s", line);
	}
	len += (size_t)snprintf(xml + len, cap - len, "</CompleteMultipartUpload>");
	snprintf(q, sizeof(q), "uploadId=%s", p->upload_id);
	rc = request(s, "POST", p->tmpkey, q, NULL, xml, len, &r, "completing an upload");
	free(xml);
	if (rc)
		return rc;
	b[r.len] = 0;
	/* S3 may answer 200 with an error document once the parts are assembled. */
	if (r.status != 200 || strstr((char *)b, "<Error>"))
		return s3_fail(&r, "completing an upload", CU_EIO);
	p->complete = true;
	return 0;
}

static int put_finish(cu_bput *bp, bool sync)
{
	s3put *p = (s3put *)bp;
	int r = 0;
	if (p->failed)
		return cu_error_set(CU_EIO, "the upload has failed");
	if (p->multipart && ((r = upload_part(p)) != 0 || (r = complete_multipart(p)) != 0))
		p->failed = true;
	return r;
}

static int head(s3store *s, const char *key, resp *r, const char *what)
{
	int rc = request(s, "HEAD", key, NULL, NULL, NULL, 0, r, what);
	if (rc)
		return rc;
	if (r->status == 404)
		return CU_ENOTFOUND;
	if (r->status != 200)
		return s3_fail(r, what, CU_EIO);
	return 0;
}

static int delete_key(s3store *s, const char *key, const char *query)
{
	uint8_t b[2048];
	resp r = {.body = b, .cap = sizeof(b) - 1};
	int rc = request(s, "DELETE", key, query, NULL, NULL, 0, &r, "deleting an object");
	if (!rc && r.status / 100 != 2 && r.status != 404)
		rc = s3_fail(&r, "deleting an object", CU_EIO);
	return rc;
}

static int put_place(cu_bput *bp, const char *name, bool sync, bool *existed)
{
	s3put *p = (s3put *)bp;
	s3store *s = (s3store *)bp->s;
	char key[320], h[420];
	uint8_t b[4096];
	resp r = {.body = b, .cap = sizeof(b) - 1};
	int rc;
	*existed = false;
	key_of(s, key, sizeof(key), name);
	if ((rc = head(s, key, &r, "looking up a blob")) == 0) {
		/* Stored before (perhaps by another node at this moment): any
		 * complete copy serves, each is the same content under the case key. */
		*existed = true;
	} else if (rc != CU_ENOTFOUND) {
		return rc;
	} else if (!p->multipart) {
		if ((rc = request(s, "PUT", key, NULL, NULL, p->buf, p->len, &r, "storing a blob")))
			return rc;
		if (r.status != 200)
			return s3_fail(&r, "storing a blob", CU_EIO);
	} else {
		/* Server-side copy: the bytes do not travel again. */
		struct curl_slist *hs;
		snprintf(h, sizeof(h), "x-amz-copy-source: /%s/%s", s->bucket, p->tmpkey);
		hs = curl_slist_append(NULL, h);
		rc = request(s, "PUT", key, NULL, hs, NULL, 0, &r, "placing a blob");
		curl_slist_free_all(hs);
		if (rc)
			return rc;
		b[r.len] = 0;
		if (r.status != 200 || strstr((char *)b, "<Error>"))
			return s3_fail(&r, "placing a blob", CU_EIO);
	}
	p->placed = true;
	if (p->multipart)
		delete_key(s, p->tmpkey, NULL); /* a leftover goes with the next sweep */
	return 0;
}

static void put_free(cu_bput *bp)
{
	s3put *p = (s3put *)bp;
	if (!p)
		return;
	s3store *s = (s3store *)bp->s;
	if (p->multipart && !p->complete) {
		char q[600];
		snprintf(q, sizeof(q), "uploadId=%s", p->upload_id);
		delete_key(s, p->tmpkey, q); /* AbortMultipartUpload */
	} else if (p->multipart && !p->placed) {
		delete_key(s, p->tmpkey, NULL);
	}
	if (p->buf)
		cu_wipe(p->buf, p->len);
	free(p->buf);
	free(p->etags);
	free(p->sums);
	free(p);
}

/* ---- reading ---------------------------------------------------------- */

static int get_open(cu_bstore *bs, const char *name, cu_bget **out)
{
	s3store *s = (s3store *)bs;
	uint8_t b[2048];
	resp r = {.body = b, .cap = sizeof(b) - 1};
	int rc;
	*out = NULL;
	s3get *g = calloc(1, sizeof(*g));
	if (!g)
		return cu_error_set(CU_ENOMEM, "out of memory");
	g->base.s = bs;
	key_of(s, g->key, sizeof(g->key), name);
	/* HEAD tells the size and the version (ETag) every range must come from. */
	rc = head(s, g->key, &r, "opening a blob");
	if (rc == CU_ENOTFOUND)
		rc = cu_error_set(CU_ENOTFOUND, "the blob is missing from the store");
	if (rc)
		goto fail;
	snprintf(g->etag, sizeof(g->etag), "%s", r.etag);
	g->size = UINT64_MAX; /* known at the first short window (or 416) */
	if (!(g->buf = malloc(WINDOW))) {
		rc = cu_error_set(CU_ENOMEM, "out of memory");
		goto fail;
	}
	*out = &g->base;
	return 0;
fail:
	free(g);
	return rc;
}

/* The next window of ciphertext: a ranged GET of the version opened. */
static int refill(s3get *g)
{
	s3store *s = (s3store *)g->base.s;
	char h1[64], h2[120];
	resp r = {.body = g->buf, .cap = WINDOW};
	struct curl_slist *hs = NULL;
	snprintf(h1, sizeof(h1), "Range: bytes=%llu-%llu", (unsigned long long)g->off,
	         (unsigned long long)(g->off + WINDOW - 1));
	hs = curl_slist_append(hs, h1);
	if (g->etag[0]) {
		snprintf(h2, sizeof(h2), "If-Match: %s", g->etag);
		hs = curl_slist_append(hs, h2);
	}
	int rc = request(s, "GET", g->key, NULL, hs, NULL, 0, &r, "reading a blob");
	curl_slist_free_all(hs);
	g->pos = 0;
	g->len = 0;
	if (rc)
		return rc;
	if (r.status == 416) { /* at (or past) the end; an empty object too */
		g->size = g->off;
		return 0;
	}
	if (r.status == 412)
		return cu_error_set(CU_EIO, "the blob was replaced while being read: read it again");
	if (r.status == 404)
		return cu_error_set(CU_ENOTFOUND, "the blob is missing from the store");
	if (r.status != 206 && !(r.status == 200 && g->off == 0))
		return s3_fail(&r, "reading a blob", CU_EIO);
	if (r.status == 200 && r.len > WINDOW)
		return cu_error_set(CU_EIO, "object storage ignored the range");
	g->len = r.len;
	g->off += r.len;
	if (r.len < WINDOW || r.status == 200)
		g->size = g->off;
	return 0;
}

static int get_read(cu_bget *bg, void *buf, size_t len, size_t *got)
{
	s3get *g = (s3get *)bg;
	int rc;
	*got = 0;
	while (*got < len) {
		if (g->pos == g->len) {
			if (g->off >= g->size)
				break;
			if ((rc = refill(g)) != 0)
				return rc;
			if (g->len == 0)
				break;
		}
		size_t k = g->len - g->pos < len - *got ? g->len - g->pos : len - *got;
		memcpy((uint8_t *)buf + *got, g->buf + g->pos, k);
		g->pos += k;
		*got += k;
	}
	return 0;
}

static void get_close(cu_bget *bg)
{
	s3get *g = (s3get *)bg;
	if (!g)
		return;
	free(g->buf);
	free(g);
}

/* ---- the rest --------------------------------------------------------- */

static int exists(cu_bstore *bs, const char *name)
{
	s3store *s = (s3store *)bs;
	char key[320];
	uint8_t b[2048];
	resp r = {.body = b, .cap = sizeof(b) - 1};
	key_of(s, key, sizeof(key), name);
	return head(s, key, &r, "looking up a blob");
}

static int remove_blob(cu_bstore *bs, const char *name)
{
	s3store *s = (s3store *)bs;
	char key[320];
	key_of(s, key, sizeof(key), name);
	return delete_key(s, key, NULL);
}

static void query_escape(char *out, size_t cap, const char *in)
{
	size_t n = 0;
	for (; *in && n + 4 < cap; in++) {
		unsigned char ch = (unsigned char)*in;
		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		    ch == '-' || ch == '_' || ch == '.' || ch == '~')
			out[n++] = (char)ch;
		else
			n += (size_t)snprintf(out + n, cap - n, "%%%02X", ch);
	}
	out[n] = 0;
}

static int sweep(cu_bstore *bs, int (*prepare)(void *ctx),
                 bool (*keep)(void *ctx, const char *name), void *ctx, int *removed)
{
	s3store *s = (s3store *)bs;
	char token[1024] = "", etoken[3200], eprefix[800], pfx[300], q[4200];
	char key[400], when[64], rel[400];
	time_t now = time(NULL);
	int rc;
	*removed = 0;
	if ((rc = prepare ? prepare(ctx) : 0) != 0)
		return rc;
	uint8_t *b = malloc(XML_CAP + 1);
	if (!b)
		return cu_error_set(CU_ENOMEM, "out of memory");
	snprintf(pfx, sizeof(pfx), "%s%s", s->prefix, *s->prefix ? "/" : "");
	query_escape(eprefix, sizeof(eprefix), pfx);
	for (;;) {
		resp r = {.body = b, .cap = XML_CAP};
		query_escape(etoken, sizeof(etoken), token);
		if (*token)
			snprintf(q, sizeof(q), "continuation-token=%s&list-type=2&prefix=%s", etoken,
			         eprefix);
		else
			snprintf(q, sizeof(q), "list-type=2&prefix=%s", eprefix);
		if ((rc = request(s, "GET", NULL, q, NULL, NULL, 0, &r, "listing blobs")) != 0)
			break;
		if (r.status != 200) {
			rc = s3_fail(&r, "listing blobs", CU_EIO);
			break;
		}
		b[r.len] = 0;
		const char *at = (char *)b;
		while (xml_get(key, sizeof(key), (char *)b, "Key", &at)) {
			const char *w = at;
			if (!xml_get(when, sizeof(when), (char *)b, "LastModified", &w))
				continue;
			snprintf(rel, sizeof(rel), "%s", key + strlen(pfx));
			bool tmp = !strncmp(rel, "tmp/", 4);
			if (!tmp && (strchr(rel, '/') || keep(ctx, rel)))
				continue;
			/* Another node may be writing it, or about to commit its record. A
			 * LastModified we cannot read ("2026-11-27T01:55:10.000Z") keeps the
			 * object: read as 0 it would look 56 years old and be deleted. */
			int64_t modified;
			if (cu_time_parse(&modified, when) != 0) {
				cu_error_clear();
				continue;
			}
			if ((int64_t)now - modified < s->grace)
				continue;
			if (delete_key(s, key, NULL) == 0)
				(*removed)++;
		}
		char trunc[16] = "";
		xml_get(trunc, sizeof(trunc), (char *)b, "IsTruncated", NULL);
		if (strcmp(trunc, "true") ||
		    !xml_get(token, sizeof(token), (char *)b, "NextContinuationToken", NULL))
			break;
	}
	free(b);
	return rc;
}

/* Every placed object under the prefix (tmp/ and deeper keys aside), by ListObjectsV2. */
static int list(cu_bstore *bs, int (*each)(void *ctx, const char *name), void *ctx)
{
	s3store *s = (s3store *)bs;
	char token[1024] = "", etoken[3200], eprefix[800], pfx[300], q[4200], key[400];
	int rc = 0;
	uint8_t *b = malloc(XML_CAP + 1);
	if (!b)
		return cu_error_set(CU_ENOMEM, "out of memory");
	snprintf(pfx, sizeof(pfx), "%s%s", s->prefix, *s->prefix ? "/" : "");
	query_escape(eprefix, sizeof(eprefix), pfx);
	while (!rc) {
		resp r = {.body = b, .cap = XML_CAP};
		query_escape(etoken, sizeof(etoken), token);
		if (*token)
			snprintf(q, sizeof(q), "continuation-token=%s&list-type=2&prefix=%s", etoken,
			         eprefix);
		else
			snprintf(q, sizeof(q), "list-type=2&prefix=%s", eprefix);
		if ((rc = request(s, "GET", NULL, q, NULL, NULL, 0, &r, "listing objects")) != 0)
			break;
		if (r.status != 200) {
			rc = s3_fail(&r, "listing objects", CU_EIO);
			break;
		}
		b[r.len] = 0;
		const char *at = (char *)b;
		while (!rc && xml_get(key, sizeof(key), (char *)b, "Key", &at)) {
			const char *rel = key + strlen(pfx);
			if (strncmp(key, pfx, strlen(pfx)) || !*rel || strchr(rel, '/'))
				continue;
			rc = each(ctx, rel);
		}
		char trunc[16] = "";
		xml_get(trunc, sizeof(trunc), (char *)b, "IsTruncated", NULL);
		if (strcmp(trunc, "true") ||
		    !xml_get(token, sizeof(token), (char *)b, "NextContinuationToken", NULL))
			break;
	}
	free(b);
	return rc;
}

static void s3close(cu_bstore *bs)
{
	s3store *s = (s3store *)bs;
	if (!s)
		return;
	cu_wipe(s, sizeof(*s));
	free(s);
}

static const cu_bstore_ops s3_ops = {
	"s3", put_begin, put_write, put_finish, put_place, put_free, NULL, get_open,
	get_read, get_close, exists, remove_blob, NULL, sweep, s3close, list,
};

static bool safe_chars(const char *p, size_t n, bool slash)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.' || c == '_' || (slash && c == '/')))
			return false;
	}
	return true;
}

/* The value of a query parameter of uri into out; false if absent. */
static bool param(char *out, size_t cap, const char *q, const char *name)
{
	size_t n = strlen(name);
	while (q && *q) {
		if (!strncmp(q, name, n) && q[n] == '=') {
			const char *v = q + n + 1, *e = strchr(v, '&');
			size_t k = e ? (size_t)(e - v) : strlen(v);
			if (k >= cap)
				return false;
			memcpy(out, v, k);
			out[k] = 0;
			return true;
		}
		q = strchr(q, '&');
		if (q)
			q++;
	}
	return false;
}

int cu_bstore_s3_open(cu_bstore **out, const char *uri)
{
	char num[32], *end;
	int r;
	*out = NULL;
	if ((r = cu_curl_load()) != 0)
		return r;
	const char *b = uri + 5, *q = strchr(b, '?'), *slash = strchr(b, '/');
	if (slash && q && slash > q)
		slash = NULL;
	size_t blen = slash ? (size_t)(slash - b) : q ? (size_t)(q - b) : strlen(b);
	s3store *s = calloc(1, sizeof(*s));
	if (!s)
		return cu_error_set(CU_ENOMEM, "out of memory");
	const char *qs = q ? q + 1 : NULL;
	s->base.ops = &s3_ops;
	s->part = PART_DEFAULT;
	s->grace = CU_BSTORE_GRACE;
	if (blen < 3 || blen >= sizeof(s->bucket) || !safe_chars(b, blen, false)) {
		r = cu_error_set(CU_EINVALID, "--blobs s3://BUCKET/PREFIX: a bucket name is needed");
		goto fail;
	}
	memcpy(s->bucket, b, blen);
	if (slash) {
		const char *p = slash + 1;
		size_t plen = q ? (size_t)(q - p) : strlen(p);
		while (plen && p[plen - 1] == '/')
			plen--;
		if (plen >= sizeof(s->prefix) - 8 || !safe_chars(p, plen, true)) {
			r = cu_error_set(CU_EINVALID, "--blobs: the prefix may hold only "
			                              "letters, digits and - . _ /");
			goto fail;
		}
		memcpy(s->prefix, p, plen);
	}
	if (!param(s->region, sizeof(s->region), qs, "region"))
		snprintf(s->region, sizeof(s->region), "%s",
		         getenv("AWS_REGION") ? getenv("AWS_REGION") : "us-east-1");
	if (!param(s->endpoint, sizeof(s->endpoint), qs, "endpoint"))
		snprintf(s->endpoint, sizeof(s->endpoint), "https://s3.%s.amazonaws.com", s->region);
	size_t el = strlen(s->endpoint);
	while (el && s->endpoint[el - 1] == '/')
		s->endpoint[--el] = 0;
	if (strncmp(s->endpoint, "http://", 7) && strncmp(s->endpoint, "https://", 8)) {
		r = cu_error_set(CU_EINVALID, "--blobs: endpoint must be an http(s) URL");
		goto fail;
	}
	if (!safe_chars(s->region, strlen(s->region), false)) {
		r = cu_error_set(CU_EINVALID, "--blobs: bad region");
		goto fail;
	}
	if (param(num, sizeof(num), qs, "part")) {
		unsigned long long v = strtoull(num, &end, 10);
		if (*end || v < 1024 || v > (1ull << 30)) {
			r = cu_error_set(CU_EINVALID, "--blobs: part must be 1 KiB..1 GiB");
			goto fail;
		}
		s->part = (size_t)v;
	}
	const char *g = getenv("CUSTODIA_BLOBS_GRACE"); /* seconds; tests set 0 */
	if (g && *g) {
		long v = strtol(g, &end, 10);
		if (!*end && v >= 0)
			s->grace = v;
	}
	if (param(num, sizeof(num), qs, "grace")) {
		long v = strtol(num, &end, 10);
		if (*end || v < 0) {
			r = cu_error_set(CU_EINVALID, "--blobs: grace must be seconds");
			goto fail;
		}
		s->grace = v;
	}
	const char *id = getenv("AWS_ACCESS_KEY_ID"), *secret = getenv("AWS_SECRET_ACCESS_KEY");
	if (!id || !*id || !secret || !*secret) {
		r = cu_error_set(CU_EINVALID, "object storage needs AWS_ACCESS_KEY_ID and "
		                              "AWS_SECRET_ACCESS_KEY in the environment");
		goto fail;
	}
	if (snprintf(s->user, sizeof(s->user), "%s", id) >= (int)sizeof(s->user) ||
	    snprintf(s->pass, sizeof(s->pass), "%s", secret) >= (int)sizeof(s->pass)) {
		r = cu_error_set(CU_EINVALID, "object storage credentials too long");
		goto fail;
	}
	snprintf(s->sigv4, sizeof(s->sigv4), "aws:amz:%s:s3", s->region);
	/* Reachable, and the bucket there: fail at start, not at the first upload. */
	uint8_t buf[2048];
	resp rs = {.body = buf, .cap = sizeof(buf) - 1};
	if ((r = request(s, "HEAD", NULL, NULL, NULL, NULL, 0, &rs, "opening the bucket")) != 0)
		goto fail;
	if (rs.status != 200) {
		r = s3_fail(&rs, "opening the bucket", CU_EIO);
		goto fail;
	}
	*out = &s->base;
	return 0;
fail:
	s3close(&s->base);
	return r;
}
