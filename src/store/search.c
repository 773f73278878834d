/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store: the full-text index (SQLite FTS5) and the job queue.
 *
 * The "custodia" FTS5 tokenizer splits text into words and indexes each in
 * its Latin form: ASCII words lower-cased, any other word through the word
 * function core installs (the cross-matching normaliser: Ђорђевић becomes
 * djordjevic). Queries pass through the same tokenizer, so a Latin query
 * finds Cyrillic, Greek and Arabic text and the reverse, while offsets stay
 * those of the original text: snippets show what was written.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

static cu_store_word_fn word_fn;

void cu_store_set_word_fn(cu_store_word_fn fn)
{
	word_fn = fn;
}

/* ---- The tokenizer ------------------------------------------------------ */

#define WORD_MAX 256 /* longer words are cut: nobody searches for them */

static Fts5Tokenizer *const the_tokenizer = (Fts5Tokenizer *)&the_tokenizer;

static int tok_create(void *ctx, const char **args, int nargs, Fts5Tokenizer **out)
{
	(void)ctx, (void)args;
	if (nargs != 0)
		return SQLITE_ERROR;
	*out = the_tokenizer;
	return SQLITE_OK;
}

static void tok_delete(Fts5Tokenizer *t)
{
	(void)t;
}

/* The code point at p (n bytes left) and its length; invalid bytes are one
 * code point U+FFFD each. */
static uint32_t decode(const unsigned char *p, int n, int *len)
{
	if (p[0] < 0x80) {
		*len = 1;
		return p[0];
	}
	int need = (p[0] & 0xe0) == 0xc0 ? 2 : (p[0] & 0xf0) == 0xe0 ? 3 : (p[0] & 0xf8) == 0xf0 ? 4 : 0;
	if (need == 0 || need > n) {
		*len = 1;
		return 0xfffd;
	}
	uint32_t cp = p[0] & (0x7f >> need);
	for (int i = 1; i < need; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*len = 1;
			return 0xfffd;
		}
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	*len = need;
	return cp;
}

/* Whether a code point separates words: ASCII other than letters, digits
 * and apostrophes, and the spaces and punctuation blocks of Unicode. */
static bool separator(uint32_t c)
{
	if (c < 0x80)
		return !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		         c == '\'');
	return (c >= 0x80 && c <= 0xbf && c != 0xaa && c != 0xb5 && c != 0xba) || c == 0xd7 ||
	       c == 0xf7 || (c >= 0x2000 && c <= 0x206f) || (c >= 0x2e00 && c <= 0x2e7f) ||
	       (c >= 0x3000 && c <= 0x303f) || (c >= 0xfe30 && c <= 0xfe4f) ||
	       (c >= 0xff00 && c <= 0xff0f) || c == 0x60c || c == 0x61b || c == 0x61f ||
	       (c >= 0x66a && c <= 0x66d) || c == 0x6d4 || c == 0x964 || c == 0x965 ||
	       c == 0x589 || c == 0x5be || c == 0x5c0 || c == 0x5c3 || c == 0xfffd || c == 0xfeff;
}

/*
 * The consonant skeleton of a Latin token ("~jbr" for jubouri, jburi and
 * jabouri): vowels, w and v dropped, c q → k, z → s, p → b, doubled letters
 * once. Scripts without written vowels (Arabic, Hebrew) transliterate to
 * forms that differ from Latin spellings in their vowels only; the skeleton,
 * indexed at the same place as the token, lets one find the other. Only for
 * tokens of four letters or more with three consonants or more; 0 if none.
 */
static int skeleton(char *out, const char *t, int n)
{
	int k = 0;
	char prev = 0;
	if (n < 4)
		return 0;
	out[k++] = '~';
	for (int i = 0; i < n && k < 64; i++) {
		char ch = t[i];
		if (ch >= '0' && ch <= '9')
			return 0;
		if (strchr("aeiouywv", ch))
			continue;
		ch = ch == 'c' || ch == 'q' ? 'k' : ch == 'z' ? 's' : ch == 'p' ? 'b' : ch;
		if (ch == prev)
			continue;
		out[k++] = prev = ch;
	}
	return k >= 4 ? k : 0;
}

/* A token, and its skeleton at the same place. */
static int emit_token(void *ctx, int (*tok)(void *, int, const char *, int, int, int),
                      const char *t, int n, int start, int end)
{
	char sk[72];
	int rc = tok(ctx, 0, t, n, start, end), k;
	if (rc == SQLITE_OK && (k = skeleton(sk, t, n)) > 0)
		rc = tok(ctx, FTS5_TOKEN_COLOCATED, sk, k, start, end);
	return rc;
}

/*
 * A per-thread cache of the Latin forms of words: the word function runs ICU
 * transliterators, and the words of real texts repeat (a bench/search corpus
 * spends most of its indexing time there without it). Open addressing over
 * CACHE_SLOTS entries; when it fills, it starts again empty.
 */
#define CACHE_SLOTS 16384
#define CACHE_WORD 48 /* longer words are not cached */

typedef struct cache_entry {
	uint8_t wlen, llen; /* llen 255: the word has no Latin form */
	char word[CACHE_WORD], latin[CACHE_WORD * 2];
} cache_entry;

typedef struct word_cache {
	size_t used;
	cache_entry e[CACHE_SLOTS];
} word_cache;

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void cache_free(void *p)
{
	free(p);
}

static void cache_init(void)
{
	pthread_key_create(&cache_key, cache_free);
}

static uint32_t word_hash(const char *w, int n)
{
	uint32_t h = 2166136261u;
	for (int i = 0; i < n; i++)
		h = (h ^ (uint8_t)w[i]) * 16777619u;
	return h;
}

static int latin_of(char *out, size_t outsz, const char *w, int n)
{
	if (!word_fn)
		return -1;
	if (n >= CACHE_WORD)
		return word_fn(out, outsz, w, (size_t)n);
	pthread_once(&cache_once, cache_init);
	word_cache *c = pthread_getspecific(cache_key);
	if (!c && (c = calloc(1, sizeof(*c))) != NULL && pthread_setspecific(cache_key, c) != 0) {
		free(c);
		c = NULL;
	}
	if (!c)
		return word_fn(out, outsz, w, (size_t)n);
	uint32_t i = word_hash(w, n) & (CACHE_SLOTS - 1);
	for (;; i = (i + 1) & (CACHE_SLOTS - 1)) {
		cache_entry *e = &c->e[i];
		if (e->wlen == 0)
			break;
		if (e->wlen == n && !memcmp(e->word, w, (size_t)n)) {
			if (e->llen == 255)
				return -1;
			memcpy(out, e->latin, e->llen);
			out[e->llen] = '\0';
			return e->llen;
		}
	}
	int r = word_fn(out, outsz, w, (size_t)n);
	if (r >= (int)sizeof(c->e[0].latin))
		return r;
	if (c->used >= CACHE_SLOTS / 2) {
		memset(c, 0, sizeof(*c));
		i = word_hash(w, n) & (CACHE_SLOTS - 1);
	}
	cache_entry *e = &c->e[i];
	e->wlen = (uint8_t)n;
	memcpy(e->word, w, (size_t)n);
	e->llen = r < 0 ? 255 : (uint8_t)r;
	if (r > 0)
		memcpy(e->latin, out, (size_t)r);
	c->used++;
	return r;
}

static int emit_word(void *ctx, int (*tok)(void *, int, const char *, int, int, int),
                     const char *text, int start, int end, bool ascii)
{
	char buf[WORD_MAX * 4 + 8];
	int n = 0;
	if (ascii) {
		/* Lower case; apostrophes inside words go (O'Connor: oconnor). */
		for (int i = start; i < end && n < WORD_MAX; i++) {
			char ch = text[i];
			if (ch == '\'')
				continue;
			buf[n++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
		}
		return n ? emit_token(ctx, tok, buf, n, start, end) : SQLITE_OK;
	}
	int len = end - start > WORD_MAX * 4 ? WORD_MAX * 4 : end - start;
	n = latin_of(buf, sizeof(buf), text + start, len);
	if (n <= 0)
		return SQLITE_OK; /* nothing to index in it (a symbol, a mark) */
	/* The Latin form may be several words ("al jubouri"): each at the
	 * original word's offsets. */
	int rc = SQLITE_OK;
	for (int i = 0; i < n && rc == SQLITE_OK;) {
		int j = i;
		while (j < n && buf[j] != ' ')
			j++;
		if (j > i)
			rc = emit_token(ctx, tok, buf + i, j - i, start, end);
		i = j + 1;
	}
	return rc;
}

static int tok_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *text, int n,
                        int (*tok)(void *, int, const char *, int, int, int))
{
	const unsigned char *p = (const unsigned char *)text;
	int i = 0, rc = SQLITE_OK;
	(void)t, (void)flags;
	while (i < n && rc == SQLITE_OK) {
		int len;
		uint32_t c = decode(p + i, n - i, &len);
		if (separator(c)) {
			i += len;
			continue;
		}
		int start = i;
		bool ascii = true;
		while (i < n) {
			c = decode(p + i, n - i, &len);
			if (separator(c))
				break;
			ascii &= c < 0x80;
			i += len;
		}
		/* Apostrophes belong to a word only inside it (O'Connor, not 'the'). */
		int end = i;
		while (start < end && text[start] == '\'')
			start++;
		while (end > start && text[end - 1] == '\'')
			end--;
		if (end > start)
			rc = emit_word(ctx, tok, text, start, end, ascii);
	}
	return rc;
}

int sq_search_register(cu_store *s)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		return cu_error_set(CU_EDB, "this SQLite has no FTS5");
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (!api)
		return cu_error_set(CU_EDB, "this SQLite has no FTS5");
	static fts5_tokenizer t = {tok_create, tok_delete, tok_tokenize};
	if (api->xCreateTokenizer(api, "custodia", NULL, &t, NULL) != SQLITE_OK)
		return cu_error_set(CU_EDB, "cannot register the search tokenizer");
	return 0;
}

/* ---- Documents ---------------------------------------------------------- */

int cu_store_search_put(cu_store *s, const cu_search_doc *d)
{
	int64_t id = 0;
	int r;
	if ((r = cu_store_search_delete(s, d->kind, d->ref_id)) != 0)
		return r;
	db_stmt *st = sq_stmt(s, "INSERT INTO search_docs(kind, ref_id, case_id, item_id,"
	                              " org_id, lang, day) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	if (!st)
		return CU_EDB;
	sq_bind_text(st, 1, d->kind);
	db_bind_int64(st, 2, d->ref_id);
	db_bind_int64(st, 3, d->case_id);
	if (d->item_id > 0)
		db_bind_int64(st, 4, d->item_id);
	if (d->org_id > 0)
		db_bind_int64(st, 5, d->org_id);
	sq_bind_text(st, 6, d->lang && *d->lang ? d->lang : NULL);
	sq_bind_text(st, 7, d->day);
	if ((r = sq_insert(s, st, "search document", &id)) != 0)
		return r;
	st = sq_stmt(s, "INSERT INTO search_fts(rowid, title, body) VALUES (?1, ?2, ?3)");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, id);
	sq_bind_text(st, 2, d->title ? d->title : "");
	if (d->body)
		db_bind_text(st, 3, d->body, d->body_len ? (int)d->body_len : -1, DB_STATIC);
	else
		db_bind_text(st, 3, "", 0, DB_STATIC);
	return sq_exec(s, st, "search index");
}

int cu_store_search_delete(cu_store *s, const char *kind, int64_t ref_id)
{
	db_stmt *st = sq_stmt(s, "SELECT id FROM search_docs WHERE kind = ?1 AND ref_id = ?2");
	if (!st)
		return CU_EDB;
	sq_bind_text(st, 1, kind);
	db_bind_int64(st, 2, ref_id);
	int rc = db_step(st);
	int64_t id = rc == DB_ROW ? db_column_int64(st, 0) : 0;
	db_reset(st);
	if (rc != DB_ROW && rc != DB_DONE)
		return sq_dberr(s, rc, "search index");
	if (!id)
		return 0;
	int r;
	st = sq_stmt(s, "DELETE FROM search_fts WHERE rowid = ?1");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, id);
	if ((r = sq_exec(s, st, "search index")) != 0)
		return r;
	st = sq_stmt(s, "DELETE FROM search_docs WHERE id = ?1");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, id);
	return sq_exec(s, st, "search index");
}

int cu_store_search_clear(cu_store *s)
{
	return sq_exec_sql(s, "DELETE FROM search_fts; DELETE FROM search_docs;", "search index");
}

/*
 * Need-to-know in SQL, the same rules as core's access checks: a document of
 * a case the organisation sees (case_access); for an evidence item's
 * documents also one of: a participant of the case, a full member of a
 * linked JIT, the item's originator; or an active grant of the item.
 */
#define VISIBLE \
	"((d.case_id IN (SELECT case_id FROM case_access WHERE org_id = :org)" \
	"  AND (d.item_id IS NULL" \
	"   OR d.org_id = :org" \
	"   OR EXISTS (SELECT 1 FROM participants p WHERE p.case_id = d.case_id AND p.org_id = :org)" \
	"   OR EXISTS (SELECT 1 FROM jit_cases jc JOIN jit_members m ON m.jit_id = jc.jit_id" \
	"              WHERE jc.case_id = d.case_id AND m.org_id = :org AND m.role = 'member')))" \
	" OR (d.item_id IS NOT NULL AND EXISTS (SELECT 1 FROM grant_items gi" \
	"     JOIN grants g ON g.id = gi.grant_id WHERE gi.item_id = d.item_id" \
	"     AND g.org_id = :org AND g.revoked_at IS NULL" \
	"     AND (g.expires_on IS NULL OR g.expires_on >= :today) AND gi.consent = 'given')))"

#define FILTERS \
	" AND (:case = 0 OR d.case_id = :case) AND (:kind IS NULL OR d.kind = :kind)" \
	" AND (:lang IS NULL OR d.lang = :lang) AND (:from IS NULL OR d.day >= :from)" \
	" AND (:to IS NULL OR d.day <= :to) AND (:orgf = 0 OR d.org_id = :orgf)"

static void bind_query(db_stmt *st, const cu_search_query *q)
{
	db_bind_text(st, db_bind_parameter_index(st, ":q"), q->q, -1, DB_STATIC);
	db_bind_int64(st, db_bind_parameter_index(st, ":org"), q->org_id);
	sq_bind_text(st, db_bind_parameter_index(st, ":today"), q->today);
	db_bind_int64(st, db_bind_parameter_index(st, ":case"), q->case_id);
	sq_bind_text(st, db_bind_parameter_index(st, ":kind"), q->kind);
	sq_bind_text(st, db_bind_parameter_index(st, ":lang"), q->lang);
	sq_bind_text(st, db_bind_parameter_index(st, ":from"), q->from);
	sq_bind_text(st, db_bind_parameter_index(st, ":to"), q->to);
	db_bind_int64(st, db_bind_parameter_index(st, ":orgf"), q->org_filter);
	int i = db_bind_parameter_index(st, ":limit");
	if (i)
		db_bind_int(st, i, q->limit);
	i = db_bind_parameter_index(st, ":offset");
	if (i)
		db_bind_int(st, i, q->offset);
}

/* FTS5 reports a query it cannot parse as an error of the statement. */
static int query_error(cu_store *s, int rc)
{
	const char *msg = sqlite3_errmsg(s->db);
	/* A plain error of this statement is FTS5 refusing the query's syntax. */
	if ((rc & 0xff) == SQLITE_ERROR)
		return cu_error_set(CU_EINVALID, "cannot read the query: %s",
		                    msg ? msg : "syntax error");
	return sq_dberr(s, rc, "search");
}

typedef struct match {
	int64_t id;
	double rank;
} match;

/* Orders by rank, then id: the page is the same whichever way it is cut. */
static bool before(const match *a, const match *b)
{
	return a->rank < b->rank || (a->rank == b->rank && a->id < b->id);
}

/* A max-heap of the best k matches seen (the worst on top). */
static void heap_push(match *h, size_t *n, size_t k, match m)
{
	size_t i;
	if (*n == k) {
		if (!before(&m, &h[0]))
			return;
		/* Replace the worst and sift down. */
		h[0] = m;
		for (i = 0;;) {
			size_t l = 2 * i + 1, r = l + 1, w = i;
			if (l < *n && before(&h[w], &h[l]))
				w = l;
			if (r < *n && before(&h[w], &h[r]))
				w = r;
			if (w == i)
				break;
			match t = h[i];
			h[i] = h[w], h[w] = t, i = w;
		}
		return;
	}
	for (i = (*n)++, h[i] = m; i > 0 && before(&h[(i - 1) / 2], &h[i]); i = (i - 1) / 2) {
		match t = h[i];
		h[i] = h[(i - 1) / 2], h[(i - 1) / 2] = t;
	}
}

static int cmp_match(const void *a, const void *b)
{
	return before(a, b) ? -1 : before(b, a) ? 1 : 0;
}

/*
 * One pass over the visible matches gives the total, the facets and the best
 * offset + limit of them; snippets are made for the page only.
 */
int cu_store_search(cu_store *s, json_t **out, const cu_search_query *q)
{
	static const char match_sql[] =
		"SELECT d.id, bm25(search_fts, 4.0, 1.0), d.kind, d.lang"
		" FROM search_fts f JOIN search_docs d ON d.id = f.rowid"
		" WHERE search_fts MATCH :q AND " VISIBLE FILTERS;
	static const char page_sql[] =
		"SELECT d.kind, d.ref_id, d.case_id, c.reference AS case_reference, d.item_id,"
		" o.code AS org, d.lang, d.day, f.title,"
		" snippet(search_fts, 1, char(2), char(3), '…', 16) AS snippet"
		" FROM search_fts f JOIN search_docs d ON d.id = f.rowid"
		" JOIN cases c ON c.id = d.case_id LEFT JOIN orgs o ON o.id = d.org_id"
		" WHERE search_fts MATCH :q AND f.rowid = :id";
	json_t *items = NULL, *kinds = json_object(), *langs = json_object();
	size_t k = (size_t)q->offset + (size_t)q->limit, n = 0;
	match *heap = calloc(k ? k : 1, sizeof(*heap));
	int64_t total = 0;
	int r = 0, rc;
	*out = NULL;
	db_stmt *st = heap ? sq_stmt(s, match_sql) : NULL;
	if (!st) {
		r = heap ? CU_EDB : CU_ENOMEM;
		goto fail;
	}
	bind_query(st, q);
	while ((rc = db_step(st)) == DB_ROW) {
		match m = {db_column_int64(st, 0), db_column_double(st, 1)};
		const char *kd = (const char *)db_column_text(st, 2);
		const char *l = (const char *)db_column_text(st, 3);
		json_t *kv = json_object_get(kinds, kd), *lv = json_object_get(langs, l ? l : "");
		if (kv)
			json_integer_set(kv, json_integer_value(kv) + 1);
		else
			json_object_set_new(kinds, kd, json_integer(1));
		if (lv)
			json_integer_set(lv, json_integer_value(lv) + 1);
		else
			json_object_set_new(langs, l ? l : "", json_integer(1));
		total++;
		if (k)
			heap_push(heap, &n, k, m);
	}
	db_reset(st);
	if (rc != DB_DONE) {
		r = query_error(s, rc);
		goto fail;
	}
	qsort(heap, n, sizeof(*heap), cmp_match);
	items = json_array();
	for (size_t i = (size_t)q->offset; i < n; i++) {
		if (!(st = sq_stmt(s, page_sql))) {
			r = CU_EDB;
			goto fail;
		}
		db_bind_text(st, db_bind_parameter_index(st, ":q"), q->q, -1, DB_STATIC);
		db_bind_int64(st, db_bind_parameter_index(st, ":id"), heap[i].id);
		if ((rc = db_step(st)) == DB_ROW) {
			json_t *row = sq_row_json(st);
			json_object_set_new(row, "rank", json_real(heap[i].rank));
			json_array_append_new(items, row);
		}
		db_reset(st);
		if (rc != DB_ROW && rc != DB_DONE) {
			r = query_error(s, rc);
			goto fail;
		}
	}
	free(heap);
	*out = json_pack("{s:o, s:I, s:{s:o, s:o}}", "items", items, "total", (json_int_t)total,
	                 "facets", "kind", kinds, "lang", langs);
	return *out ? 0 : CU_ENOMEM;
fail:
	free(heap);
	json_decref(items);
	json_decref(kinds);
	json_decref(langs);
	return r;
}

int cu_store_case_ids(cu_store *s, json_t **out)
{
	db_stmt *st = sq_stmt(s, "SELECT id FROM cases ORDER BY id");
	*out = NULL;
	return st ? sq_ids(s, out, st, "cases") : CU_EDB;
}

/* ---- Jobs --------------------------------------------------------------- */

int cu_store_job_add(cu_store *s, const char *kind, int64_t item_id, const char *at)
{
	db_stmt *st = sq_stmt(s, "INSERT INTO jobs(kind, item_id, created_at) VALUES (?1, ?2, ?3)"
	                              " ON CONFLICT (kind, item_id) DO UPDATE SET state = 'queued',"
	                              " error = NULL, worker = NULL, started_at = NULL,"
	                              " finished_at = NULL WHERE state IN ('done', 'failed')");
	if (!st)
		return CU_EDB;
	sq_bind_text(st, 1, kind);
	db_bind_int64(st, 2, item_id);
	sq_bind_text(st, 3, at);
	return sq_exec(s, st, "job");
}

int cu_store_job_claim(cu_store *s, int64_t *id, int64_t *item_id, const char *worker,
                       const char *at)
{
	db_stmt *st = sq_stmt(s,
		"UPDATE jobs SET state = 'running', worker = ?1, started_at = ?2,"
		" attempts = attempts + 1 WHERE id = (SELECT id FROM jobs WHERE state = 'queued'"
		" ORDER BY id LIMIT 1) RETURNING id, item_id");
	if (!st)
		return CU_EDB;
	sq_bind_text(st, 1, worker);
	sq_bind_text(st, 2, at);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*id = db_column_int64(st, 0);
		*item_id = db_column_int64(st, 1);
	}
	/* RETURNING: the change is made by stepping to the end. */
	int rc2 = rc == DB_ROW ? db_step(st) : rc;
	db_reset(st);
	if (rc == DB_DONE)
		return CU_ENOTFOUND;
	if (rc != DB_ROW || rc2 != DB_DONE)
		return sq_dberr(s, rc == DB_ROW ? rc2 : rc, "job");
	return 0;
}

int cu_store_job_finish(cu_store *s, int64_t id, const char *state, const char *error,
                        const char *at)
{
	db_stmt *st = sq_stmt(s, "UPDATE jobs SET state = ?2, error = ?3, finished_at = ?4"
	                              " WHERE id = ?1");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, id);
	sq_bind_text(st, 2, state);
	sq_bind_text(st, 3, error);
	sq_bind_text(st, 4, at);
	return sq_exec(s, st, "job");
}

int cu_store_job_requeue_running(cu_store *s, int *n)
{
	db_stmt *st = sq_stmt(s, "UPDATE jobs SET state = 'queued', worker = NULL"
	                              " WHERE state = 'running'");
	if (!st)
		return CU_EDB;
	int r = sq_exec(s, st, "jobs");
	*n = r ? 0 : db_changes(s);
	return r;
}

#define JOB_COLS \
	"j.id, j.kind, j.item_id, e.case_id, c.reference AS case_reference, e.title," \
	" j.state, j.attempts, j.error, j.worker, j.created_at, j.started_at, j.finished_at," \
	" x.method, x.tool, x.tool_version, x.language, x.pages, x.ocr_pages, x.size AS text_size," \
	" x.partial AS partial_bool, x.warning FROM jobs j JOIN evidence e ON e.id = j.item_id" \
	" JOIN cases c ON c.id = e.case_id LEFT JOIN extracts x ON x.item_id = j.item_id"

int cu_store_job_list(cu_store *s, json_t **out, const char *state, int limit)
{
	db_stmt *st = sq_stmt(s, "SELECT " JOB_COLS " WHERE (?1 IS NULL OR j.state = ?1)"
	                              " ORDER BY j.id DESC LIMIT ?2");
	if (!st)
		return CU_EDB;
	sq_bind_text(st, 1, state);
	db_bind_int(st, 2, limit);
	return sq_rows(s, out, st, "jobs");
}

int cu_store_job_get(cu_store *s, json_t **out, int64_t id)
{
	return sq_row_id(s, out, "SELECT " JOB_COLS " WHERE j.id = ?1", id, "job");
}

int cu_store_job_of_item(cu_store *s, json_t **out, int64_t item_id)
{
	return sq_row_id(s, out, "SELECT " JOB_COLS " WHERE j.item_id = ?1 AND j.kind = 'extract'",
	                 item_id, "job");
}

int cu_store_job_counts(cu_store *s, json_t **out)
{
	db_stmt *st = sq_stmt(s, "SELECT state, count(*) AS n FROM jobs GROUP BY state");
	if (!st)
		return CU_EDB;
	return sq_rows(s, out, st, "jobs");
}

int cu_store_extract_put(cu_store *s, int64_t item_id, const json_t *x)
{
	db_stmt *st = sq_stmt(s,
		"INSERT OR REPLACE INTO extracts(item_id, sha256, size, method, tool, tool_version,"
		" language, pages, ocr_pages, partial, warning, created_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, item_id);
	sq_bind_text(st, 2, cu_json_str(x, "sha256"));
	db_bind_int64(st, 3, cu_json_int(x, "size", 0));
	sq_bind_text(st, 4, cu_json_str(x, "method"));
	sq_bind_text(st, 5, cu_json_str(x, "tool"));
	sq_bind_text(st, 6, cu_json_str(x, "tool_version"));
	sq_bind_text(st, 7, cu_json_str(x, "language"));
	db_bind_int64(st, 8, cu_json_int(x, "pages", 0));
	db_bind_int64(st, 9, cu_json_int(x, "ocr_pages", 0));
	db_bind_int(st, 10, json_is_true(json_object_get(x, "partial")));
	sq_bind_text(st, 11, cu_json_str(x, "warning"));
	sq_bind_text(st, 12, cu_json_str(x, "created_at"));
	return sq_exec(s, st, "extract");
}

int cu_store_extract_get(cu_store *s, json_t **out, int64_t item_id)
{
	return sq_row_id(s, out,
	                 "SELECT item_id, sha256, size, method, tool, tool_version, language, pages,"
	                 " ocr_pages, partial AS partial_bool, warning, created_at FROM extracts"
	                 " WHERE item_id = ?1", item_id, "extract");
}

int cu_store_extract_delete(cu_store *s, int64_t item_id, char sha[65])
{
	db_stmt *st = sq_stmt(s, "DELETE FROM extracts WHERE item_id = ?1 RETURNING sha256");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, item_id);
	sha[0] = '\0';
	int rc = db_step(st);
	if (rc == DB_ROW) {
		sq_copy_col(sha, 65, st, 0);
		rc = db_step(st);
	}
	db_reset(st);
	return rc == DB_DONE ? 0 : sq_dberr(s, rc, "extract");
}

int cu_store_blob_users(cu_store *s, int *count, int64_t case_id, const char *sha256)
{
	db_stmt *st = sq_stmt(s,
		"SELECT (SELECT count(*) FROM evidence WHERE case_id = ?1 AND sha256 = ?2"
		"        AND erased_at IS NULL)"
		"     + (SELECT count(*) FROM extracts x JOIN evidence e ON e.id = x.item_id"
		"        WHERE e.case_id = ?1 AND x.sha256 = ?2 AND e.erased_at IS NULL)");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, case_id);
	sq_bind_text(st, 2, sha256);
	int rc = db_step(st);
	*count = rc == DB_ROW ? db_column_int(st, 0) : 0;
	db_reset(st);
	return rc == DB_ROW ? 0 : sq_dberr(s, rc, "blob users");
}

int cu_store_extract_blobs(cu_store *s, json_t **out)
{
	db_stmt *st = sq_stmt(s, "SELECT e.case_id, x.sha256 FROM extracts x"
	                              " JOIN evidence e ON e.id = x.item_id"
	                              " WHERE e.erased_at IS NULL");
	if (!st)
		return CU_EDB;
	return sq_rows(s, out, st, "extracts");
}

int cu_store_item_set_parent(cu_store *s, int64_t id, int64_t parent)
{
	db_stmt *st = sq_stmt(s, "UPDATE evidence SET parent_id = ?2 WHERE id = ?1");
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, parent);
	return sq_exec(s, st, "evidence item");
}

int cu_store_item_children(cu_store *s, json_t **out, int64_t parent)
{
	return sq_rows_id(s, out, "SELECT id FROM evidence WHERE parent_id = ?1 ORDER BY id", parent,
	                  "evidence items");
}
