/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store: the full-text index (SQLite FTS5; on PostgreSQL, tsvectors of the
 * same tokens) and the job queue.
 *
 * The "custodia" FTS5 tokenizer splits text into words and indexes each in
 * its Latin form: ASCII words lower-cased, any other word through the word
 * function core installs (the cross-matching normaliser: Ђорђевић becomes
 * djordjevic). Queries pass through the same tokenizer, so a Latin query
 * finds Cyrillic, Greek and Arabic text and the reverse, while offsets stay
 * those of the original text: snippets show what was written.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/store_int.h"

static cu_store_word_fn word_fn;

void cu_store_set_word_fn(cu_store_word_fn fn)
{
	word_fn = fn;
}

static cu_store_cut_fn cut_fn;

void cu_store_set_cut_fn(cu_store_cut_fn fn)
{
	cut_fn = fn;
}

/* ---- The tokenizer ------------------------------------------------------ */

#define WORD_MAX 256 /* longer words are cut: nobody searches for them */
#define CUT_MAX 512  /* words of one run of Han, Thai...: the last holds the rest */

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

/* The ASCII bytes that belong to words (separator() of each, once). */
static bool ascii_word[128];
static pthread_once_t ascii_once = PTHREAD_ONCE_INIT;
static bool separator(uint32_t c);

static void ascii_init(void)
{
	for (uint32_t c = 0; c < 128; c++)
		ascii_word[c] = !separator(c);
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
 *
 * A document indexes the skeletons of the words that may be names only:
 * those written with a capital, and any word of a script without capitals
 * (Arabic, Hebrew, Han, ...). A name is what is heard across scripts; the
 * skeletons of the other words (meeting, mating, muttering: "~mtng") made a
 * third more tokens to write and matched a rare query word five times over.
 * A query asks for its words' skeletons always.
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

/* A token, and (skel) its skeleton at the same place. */
static int emit_token(void *ctx, int (*tok)(void *, int, const char *, int, int, int),
                      const char *t, int n, int start, int end, bool skel)
{
	char sk[72];
	int rc = tok(ctx, 0, t, n, start, end), k;
	if (rc == SQLITE_OK && skel && (k = skeleton(sk, t, n)) > 0)
		rc = tok(ctx, FTS5_TOKEN_COLOCATED, sk, k, start, end);
	return rc;
}

/*
 * A per-thread cache of the Latin forms of words: the word function runs ICU
 * transliterators (a microsecond or more a word), and the words of real
 * texts repeat. Direct-mapped: a word's slot is its hash's, a new word takes
 * the slot of the one there. It replaced an open-addressed table of 16,384
 * entries emptied when half full, which bench/search's vocabulary missed
 * four times in ten (83 times emptied in 100,000 documents).
 */
#define CACHE_SLOTS 65536 /* 4 MiB a thread */
#define CACHE_TEXT 60     /* a word and its Latin form; longer ones are not cached */

typedef struct cache_entry {
	uint8_t wlen, llen; /* wlen 0: empty; llen 255: the word has no Latin form */
	bool proper;
	char text[CACHE_TEXT + 1]; /* the word, then its Latin form */
} cache_entry;

typedef struct word_cache {
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

static int latin_of(char *out, size_t outsz, const char *w, int n, bool *proper)
{
	if (!word_fn)
		return -1;
	if (n >= CACHE_TEXT)
		return word_fn(out, outsz, w, (size_t)n, proper);
	pthread_once(&cache_once, cache_init);
	word_cache *c = pthread_getspecific(cache_key);
	if (!c && (c = calloc(1, sizeof(*c))) != NULL && pthread_setspecific(cache_key, c) != 0) {
		free(c);
		c = NULL;
	}
	if (!c)
		return word_fn(out, outsz, w, (size_t)n, proper);
	cache_entry *e = &c->e[word_hash(w, n) & (CACHE_SLOTS - 1)];
	if (e->wlen == n && !memcmp(e->text, w, (size_t)n)) {
		*proper = e->proper;
		if (e->llen == 255)
			return -1;
		memcpy(out, e->text + n, e->llen);
		out[e->llen] = '\0';
		return e->llen;
	}
	int r = word_fn(out, outsz, w, (size_t)n, proper);
	if (n + (r > 0 ? r : 0) > CACHE_TEXT)
		return r;
	e->wlen = (uint8_t)n;
	e->llen = r < 0 ? 255 : (uint8_t)r;
	e->proper = *proper;
	memcpy(e->text, w, (size_t)n);
	if (r > 0)
		memcpy(e->text + n, out, (size_t)r);
	return r;
}

/* A word's tokens; query: the tokenizer reads a query, whose words ask for
 * their skeletons whatever their case. */
static int emit_latin(void *ctx, int (*tok)(void *, int, const char *, int, int, int),
                      const char *text, int start, int end, bool query);

static int emit_word(void *ctx, int (*tok)(void *, int, const char *, int, int, int),
                     const char *text, int start, int end, bool ascii, bool query)
{
	char buf[WORD_MAX];
	int n = 0;
	if (ascii) {
		bool skel = query || (text[start] >= 'A' && text[start] <= 'Z');
		/* Lower case; apostrophes inside words go (O'Connor: oconnor). */
		for (int i = start; i < end && n < WORD_MAX; i++) {
			char ch = text[i];
			if (ch == '\'')
				continue;
			buf[n++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
		}
		return n ? emit_token(ctx, tok, buf, n, start, end, skel) : SQLITE_OK;
	}
	/* A run of Han, Thai, Khmer... is its words, each at its own offsets. */
	size_t ends[CUT_MAX];
	int k = cut_fn ? cut_fn(text + start, (size_t)(end - start), ends, CUT_MAX) : 0;
	if (k > 1) {
		int rc = SQLITE_OK;
		for (int i = 0, from = start; i < k && rc == SQLITE_OK; from = start + (int)ends[i++])
			rc = emit_latin(ctx, tok, text, from, start + (int)ends[i], query);
		return rc;
	}
	return emit_latin(ctx, tok, text, start, end, query);
}

/* A word not in ASCII: its Latin tokens, at the word's offsets. */
static int emit_latin(void *ctx, int (*tok)(void *, int, const char *, int, int, int),
                      const char *text, int start, int end, bool query)
{
	char buf[WORD_MAX * 4 + 8];
	bool proper = false;
	int len = end - start > WORD_MAX * 4 ? WORD_MAX * 4 : end - start;
	int n = latin_of(buf, sizeof(buf), text + start, len, &proper);
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
			rc = emit_token(ctx, tok, buf + i, j - i, start, end, query || proper);
		i = j + 1;
	}
	return rc;
}

static int tok_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *text, int n,
                        int (*tok)(void *, int, const char *, int, int, int))
{
	const unsigned char *p = (const unsigned char *)text;
	int i = 0, rc = SQLITE_OK;
	bool query = (flags & FTS5_TOKENIZE_QUERY) != 0;
	(void)t;
	pthread_once(&ascii_once, ascii_init);
	while (i < n && rc == SQLITE_OK) {
		int len;
		uint32_t c;
		if (p[i] < 0x80) { /* most text: a byte and a table */
			if (!ascii_word[p[i]]) {
				i++;
				continue;
			}
		} else if (separator(c = decode(p + i, n - i, &len))) {
			i += len;
			continue;
		}
		int start = i;
		bool ascii = true;
		while (i < n) {
			if (p[i] < 0x80) {
				if (!ascii_word[p[i]])
					break;
				i++;
				continue;
			}
			c = decode(p + i, n - i, &len);
			if (separator(c))
				break;
			ascii = false;
			i += len;
		}
		/* Apostrophes belong to a word only inside it (O'Connor, not 'the'). */
		int end = i;
		while (start < end && text[start] == '\'')
			start++;
		while (end > start && text[end - 1] == '\'')
			end--;
		if (end > start)
			rc = emit_word(ctx, tok, text, start, end, ascii, query);
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

/* ---- PostgreSQL: the same tokens in tsvectors ---------------------------- */

/*
 * On PostgreSQL the index is a tsvector per row of search_fts, written here
 * from the tokens of the tokenizer above: both engines index the same words
 * at the same positions, in the same Latin forms, with the same skeletons.
 * PostgreSQL's own parser and dictionaries are not involved (a tsvector given
 * as text keeps its quoted lexemes as they are). Title positions weigh A,
 * body positions B: column filters (title:x) and ranking use the weights.
 *
 * A tsvector has limits FTS5 has not: positions stop at 16383, a lexeme
 * keeps at most 256 of them and the whole vector is at most 1 MB. So that a
 * long text is indexed whole and its phrases are found anywhere, a body is
 * cut into parts (rows (id, part)) that keep within them; each part starts
 * again with the last OVERLAP positions of the one before, so that a phrase
 * of up to OVERLAP words is whole in one part. Each part also keeps its slice
 * of the original body (the slices, in order, are the body) for snippets;
 * part 0 keeps the title. A marker lexeme stands before the first token of
 * the title and of the body: FTS5's initial-token queries (^word) become
 * "marker <-> word", and no phrase runs from the title into the body.
 */
#define PART_POS 16000         /* positions of a part (a tsvector's stop at 16383) */
#define PART_LEX 250           /* positions of one lexeme in a part (256 are kept) */
#define PART_BYTES (512 << 10) /* a part's tsvector, about (at most 1 MB) */
#define OVERLAP 32             /* positions a part repeats from the one before */
#define TITLE_POS 4000         /* a title's tokens past this one are not indexed */
#define MARK "^"               /* never a token: '^' separates words */
#define TOKEN_BUF (WORD_MAX * 4 + 8)

/* One position: a token and the skeleton colocated with it. */
typedef struct tpos {
	int ntok, start; /* start: its offset in the text */
	int len[2];
	char tok[2][TOKEN_BUF];
} tpos;

typedef struct lexslot {
	uint32_t off, len, n; /* n: positions in the part; 0: a free slot */
} lexslot;

/* A lexeme at a position; the part's tsvector lists each lexeme once. */
typedef struct lexpos {
	uint32_t off, len; /* the lexeme, in keys */
	uint32_t pos;      /* and its position, (weight A) | POS_A */
} lexpos;

#define POS_A 0x10000u

typedef struct tsv_builder {
	cu_store *s;
	int64_t id;
	const char *title, *body;
	int part, pos;      /* the part being built and its last position */
	size_t cut;         /* where its slice of the body starts */
	size_t bytes;       /* the size of its tsvector, about */
	char weight;        /* 'A' title, 'B' body */
	bool in_body, title_full;
	cu_buf tsv;         /* its tsvector, as text */
	lexslot *slot;      /* its lexemes (open addressing) */
	size_t nslot, used;
	char *keys;
	size_t klen, kcap;
	lexpos *ent;        /* its lexemes' positions */
	size_t nent, cent;
	tpos cur;           /* the position being read */
	bool have_cur;
	tpos ring[OVERLAP]; /* the last positions of the body */
	int ring_n, ring_head;
	int r;
} tsv_builder;

static void copy_pos(tpos *dst, const tpos *src)
{
	dst->ntok = src->ntok;
	dst->start = src->start;
	for (int i = 0; i < src->ntok; i++) {
		dst->len[i] = src->len[i];
		memcpy(dst->tok[i], src->tok[i], (size_t)src->len[i]);
	}
}

static lexslot *lex_find(lexslot *slot, size_t nslot, const char *keys, const char *t, int n)
{
	size_t i = word_hash(t, n) & (nslot - 1);
	for (;; i = (i + 1) & (nslot - 1)) {
		lexslot *e = &slot[i];
		if (!e->n || (e->len == (uint32_t)n && !memcmp(keys + e->off, t, (size_t)n)))
			return e;
	}
}

/* The slot of a lexeme; with `add`, a new one (n 0) if it has none. */
static lexslot *lex_slot(tsv_builder *b, const char *t, int n, bool add)
{
	lexslot *e = lex_find(b->slot, b->nslot, b->keys, t, n);
	if (e->n || !add)
		return e->n ? e : NULL;
	if ((b->used + 1) * 2 > b->nslot) {
		size_t ns = b->nslot * 2;
		lexslot *s = calloc(ns, sizeof(*s));
		if (!s)
			return NULL;
		for (size_t i = 0; i < b->nslot; i++) {
			lexslot *o = &b->slot[i];
			if (o->n)
				*lex_find(s, ns, b->keys, b->keys + o->off, (int)o->len) = *o;
		}
		free(b->slot);
		b->slot = s, b->nslot = ns;
		e = lex_find(b->slot, b->nslot, b->keys, t, n);
	}
	if (b->klen + (size_t)n > b->kcap) {
		size_t kc = b->kcap ? b->kcap * 2 : 4096;
		while (kc < b->klen + (size_t)n)
			kc *= 2;
		char *k = realloc(b->keys, kc);
		if (!k)
			return NULL;
		b->keys = k, b->kcap = kc;
	}
	memcpy(b->keys + b->klen, t, (size_t)n);
	e->off = (uint32_t)b->klen, e->len = (uint32_t)n;
	b->klen += (size_t)n;
	b->used++;
	return e;
}

/* A lexeme quoted for tsvector and tsquery input. */
static void put_lexeme(cu_buf *b, const char *t, int n, int *r)
{
	char q[2 * TOKEN_BUF + 2];
	int k = 0;
	q[k++] = '\'';
	for (int i = 0; i < n && i < TOKEN_BUF; i++) {
		if (t[i] == '\'' || t[i] == '\\')
			q[k++] = t[i];
		q[k++] = t[i];
	}
	q[k++] = '\'';
	if (!*r)
		*r = cu_buf_append(b, q, (size_t)k);
}

/* Whether a position fits in the part being built, with at most maxpos. */
static bool fits(tsv_builder *b, const tpos *p, int maxpos)
{
	size_t add = 0;
	if (b->pos + 1 > maxpos)
		return false;
	for (int i = 0; i < p->ntok; i++) {
		lexslot *e = lex_slot(b, p->tok[i], p->len[i], false);
		if (e && e->n + 1 > PART_LEX)
			return false;
		add += 2 + (e ? 0 : (size_t)p->len[i] + 8);
	}
	return b->bytes + add <= PART_BYTES;
}

static void add_pos(tsv_builder *b, const tpos *p)
{
	b->pos++;
	for (int i = 0; i < p->ntok && !b->r; i++) {
		lexslot *e = lex_slot(b, p->tok[i], p->len[i], true);
		if (e && b->nent == b->cent) {
			size_t c = b->cent ? b->cent * 2 : 4096;
			lexpos *t = realloc(b->ent, c * sizeof(*t));
			if (t)
				b->ent = t, b->cent = c;
		}
		if (!e || b->nent == b->cent) {
			b->r = cu_error_set(CU_ENOMEM, "out of memory");
			return;
		}
		if (!e->n)
			b->bytes += (size_t)p->len[i] + 8;
		e->n++;
		b->bytes += 2;
		b->ent[b->nent++] = (lexpos){e->off, e->len,
		                             (uint32_t)b->pos | (b->weight == 'A' ? POS_A : 0)};
	}
}

static int cmp_lexpos(const void *a, const void *b)
{
	const lexpos *x = a, *y = b;
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* The part's tsvector as text: 'lexeme':1A,7B ... (positions written by hand:
 * a long text has millions of them). */
static void tsv_text(tsv_builder *b)
{
	b->tsv.len = 0;
	if (b->nent > 1)
		qsort(b->ent, b->nent, sizeof(*b->ent), cmp_lexpos);
	for (size_t i = 0; i < b->nent && !b->r; i++) {
		const lexpos *e = &b->ent[i];
		char num[16];
		int k = sizeof(num);
		bool first = i == 0 || e->off != e[-1].off;
		if (first) {
			if (i)
				b->r = cu_buf_append(&b->tsv, " ", 1);
			put_lexeme(&b->tsv, b->keys + e->off, (int)e->len, &b->r);
		}
		num[--k] = e->pos & POS_A ? 'A' : 'B';
		for (uint32_t v = e->pos & (POS_A - 1); v || k == (int)sizeof(num) - 1; v /= 10)
			num[--k] = (char)('0' + v % 10);
		num[--k] = first ? ':' : ',';
		if (!b->r)
			b->r = cu_buf_append(&b->tsv, num + k, sizeof(num) - (size_t)k);
	}
}

/* Writes the part being built, its slice of the body ending at `end`. */
static void flush(tsv_builder *b, size_t end)
{
	tsv_text(b);
	if (b->r)
		return;
	db_stmt *st = sq_stmt(b->s, "INSERT INTO search_fts(id, part, title, body, tsv)"
	                            " VALUES (?1, ?2, ?3, ?4, CAST(?5 AS tsvector))");
	if (!st) {
		b->r = CU_EDB;
		return;
	}
	db_bind_int64(st, 1, b->id);
	db_bind_int64(st, 2, b->part);
	db_bind_text(st, 3, b->part ? "" : b->title, -1, DB_STATIC);
	db_bind_text(st, 4, b->body + b->cut, (int)(end - b->cut), DB_STATIC);
	db_bind_text(st, 5, b->tsv.data ? b->tsv.data : "", (int)b->tsv.len, DB_STATIC);
	b->r = sq_exec(b->s, st, "search index");
	b->part++;
	b->cut = end;
	b->pos = 0;
	b->bytes = 0;
	b->nent = 0;
	memset(b->slot, 0, b->nslot * sizeof(*b->slot));
	b->used = b->klen = 0;
}

/* The position just read is complete: into the part, or a new one. */
static void commit(tsv_builder *b)
{
	tpos *p = &b->cur;
	b->have_cur = false;
	if (b->r)
		return;
	if (!b->in_body) {
		if (!b->title_full && fits(b, p, TITLE_POS))
			add_pos(b, p);
		else
			b->title_full = true;
		return;
	}
	if (!fits(b, p, PART_POS)) {
		flush(b, (size_t)p->start);
		for (int i = 0; i < b->ring_n; i++)
			add_pos(b, &b->ring[(b->ring_head + i) % OVERLAP]);
	}
	add_pos(b, p);
	if (b->ring_n < OVERLAP) {
		copy_pos(&b->ring[(b->ring_head + b->ring_n++) % OVERLAP], p);
	} else {
		copy_pos(&b->ring[b->ring_head], p);
		b->ring_head = (b->ring_head + 1) % OVERLAP;
	}
}

static int build_token(void *ctx, int flags, const char *t, int n, int start, int end)
{
	tsv_builder *b = ctx;
	(void)end;
	if (n > TOKEN_BUF)
		n = TOKEN_BUF;
	if (!(flags & FTS5_TOKEN_COLOCATED)) {
		if (b->have_cur)
			commit(b);
		b->cur.ntok = 0;
		b->cur.start = start;
		b->have_cur = true;
	} else if (!b->have_cur || b->cur.ntok == 2) {
		return b->r ? SQLITE_ERROR : SQLITE_OK;
	}
	memcpy(b->cur.tok[b->cur.ntok], t, (size_t)n);
	b->cur.len[b->cur.ntok++] = n;
	return b->r ? SQLITE_ERROR : SQLITE_OK;
}

/*
 * Text PostgreSQL accepts: valid UTF-8 without NUL (what core indexes is
 * valid already; a stray byte would otherwise fail the whole transaction).
 * NULL if the text is fine as it is, else a copy with '?' for each bad byte
 * (a separator either way, so the tokens are the same).
 */
static char *pg_clean(const char *t, size_t n, int *r)
{
	if (cu_utf8_valid(t, n) && !memchr(t, 0, n))
		return NULL;
	char *c = malloc(n + 1);
	if (!c) {
		*r = cu_error_set(CU_ENOMEM, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < n;) {
		unsigned char ch = (unsigned char)t[i];
		size_t k = ch < 0x80 ? 1 : (ch & 0xe0) == 0xc0 ? 2 : (ch & 0xf0) == 0xe0 ? 3 :
		           (ch & 0xf8) == 0xf0 ? 4 : 0;
		if (ch && k && i + k <= n && cu_utf8_valid(t + i, k)) {
			memcpy(c + i, t + i, k);
			i += k;
		} else {
			c[i++] = '?';
		}
	}
	c[n] = '\0';
	return c;
}

static int index_pg(cu_store *s, int64_t id, const char *title, const char *body, size_t len)
{
	int r = 0;
	char *ct = pg_clean(title, strlen(title), &r), *cb = r ? NULL : pg_clean(body, len, &r);
	tsv_builder *b = r ? NULL : calloc(1, sizeof(*b));
	if (r || !b || !(b->slot = calloc(b->nslot = 1024, sizeof(*b->slot)))) {
		r = r ? r : cu_error_set(CU_ENOMEM, "out of memory");
		goto out;
	}
	tpos mark = {.ntok = 1, .len = {1}};
	memcpy(mark.tok[0], MARK, 1);
	b->s = s;
	b->id = id;
	b->title = ct ? ct : title;
	b->body = cb ? cb : body;
	cu_buf_init(&b->tsv, 0);
	b->weight = 'A';
	add_pos(b, &mark);
	tok_tokenize(the_tokenizer, b, 0, b->title, (int)strlen(b->title), build_token);
	if (b->have_cur)
		commit(b);
	b->in_body = true;
	b->weight = 'B';
	add_pos(b, &mark);
	tok_tokenize(the_tokenizer, b, 0, b->body, (int)len, build_token);
	if (b->have_cur)
		commit(b);
	flush(b, len);
	r = b->r;
out:
	if (b) {
		cu_buf_free(&b->tsv);
		free(b->ent);
		free(b->slot);
		free(b->keys);
	}
	free(b);
	free(ct);
	free(cb);
	return r;
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
	if (s->pg)
		return index_pg(s, id, d->title ? d->title : "", d->body ? d->body : "",
		                d->body ? (d->body_len ? d->body_len : strlen(d->body)) : 0);
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
	/* Every part of the document on PostgreSQL. */
	st = sq_stmt2(s, "DELETE FROM search_fts WHERE rowid = ?1",
	              "DELETE FROM search_fts WHERE id = ?1");
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

/* ---- PostgreSQL: queries ------------------------------------------------ */

/*
 * On PostgreSQL a query is read here, with FTS5's own grammar (fts5parse.y:
 * words and "strings", prefix*, a + b, ^initial, NEAR(...), column filters
 * title: / -body: / {title body}:, AND, OR, NOT, implicit AND, parentheses,
 * FTS5's precedence and its parser's stack limit), so that a query is
 * accepted on one engine exactly when it is on the other, with the same
 * meaning. Each phrase goes through the same tokenizer as on SQLite (a
 * skeleton is an alternative of its token, as FTS5 takes colocated query
 * tokens) and becomes one tsquery, a "leaf": 'w1' <-> ('w2':* | '~sk':*),
 * weighted A or B under a column filter. PostgreSQL says which documents
 * (of what the organisation may see) match each leaf; the AND, OR and NOT
 * of the query are evaluated here over the leaves of each document, since
 * a long document is several rows (parts) and a tsquery sees one row (and
 * so that FTS5's meaning is kept where tsquery's operators would differ).
 *
 * Not carried over: NEAR groups of more than one phrase (tsquery has no
 * such operator): such a query is refused as one that cannot be read.
 */
enum { T_EOF, T_STRING, T_LP, T_RP, T_LCP, T_RCP, T_COLON, T_COMMA, T_PLUS, T_STAR,
       T_MINUS, T_CARET, T_AND, T_OR, T_NOT };

#define COL_TITLE 1u
#define COL_BODY 2u
#define STACK_MAX 99 /* symbols FTS5's parser holds (its stack of 100 entries) */

typedef struct qtok {
	int type;
	const char *p;
	int n;
} qtok;

typedef struct qalt {
	int off, len; /* in query.str */
} qalt;

typedef struct qterm {
	int alt0, nalt; /* a token, and the skeleton found at the same place */
	bool prefix;
} qterm;

typedef struct qphrase {
	int term0, nterm;
	unsigned cols; /* COL_TITLE | COL_BODY */
	bool caret;    /* ^: at the start of a column */
	int leaf;      /* its tsquery among the leaves; -1 if not evaluated */
} qphrase;

enum { Q_PHRASE, Q_AND, Q_OR, Q_NOT, Q_EOF };

typedef struct qnode {
	int op, a, b; /* Q_PHRASE: a is the phrase; Q_EOF: an empty phrase */
} qnode;

typedef struct query {
	const char *at; /* the lexer's position */
	qtok tok;       /* the next token */
	int err;
	int cur;        /* the phrase the tokenizer adds to */
	qnode *node;
	int nnode, cnode;
	qphrase *ph;
	int nph, cph;
	qterm *term;
	int nterm, cterm;
	qalt *alt;
	int nalt, calt;
	cu_buf str;
	int root;       /* -1: matches nothing */
	char **leaf;    /* tsquery texts, those outside any NOT's right side first */
	int nleaf, cleaf, npos;
} query;

static bool grow_array(void *arrp, int n, int *cap, size_t size)
{
	void *p;
	if (n < *cap)
		return true;
	memcpy(&p, arrp, sizeof(p));
	int nc = *cap ? *cap * 2 : 16;
	void *t = realloc(p, (size_t)nc * size);
	if (!t)
		return false;
	memcpy(arrp, &t, sizeof(t));
	*cap = nc;
	/* cppcheck does not follow t into *arrp through memcpy (the caller's array). */
	/* cppcheck-suppress memleak */
	return true;
}

static int qfail(query *q, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int qfail(query *q, int code, const char *fmt, ...)
{
	if (!q->err) {
		char msg[256];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		q->err = code == CU_EINVALID ? cu_error_set(code, "cannot read the query: %s", msg)
		                             : cu_error_set(code, "%s", msg);
	}
	return -1;
}

static int nomem(query *q)
{
	return qfail(q, CU_ENOMEM, "out of memory");
}

static bool bareword(unsigned char c)
{
	return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	       (c >= 'a' && c <= 'z') || c == '_' || c == 0x1a;
}

/* FTS5's lexer (fts5ExprGetToken). */
static void lex(query *q)
{
	const char *z = q->at, *e;
	qtok *t = &q->tok;
	while (*z == ' ' || *z == '\t' || *z == '\n' || *z == '\r')
		z++;
	t->p = z;
	t->n = 1;
	switch (*z) {
	case '(': t->type = T_LP; break;
	case ')': t->type = T_RP; break;
	case '{': t->type = T_LCP; break;
	case '}': t->type = T_RCP; break;
	case ':': t->type = T_COLON; break;
	case ',': t->type = T_COMMA; break;
	case '+': t->type = T_PLUS; break;
	case '*': t->type = T_STAR; break;
	case '-': t->type = T_MINUS; break;
	case '^': t->type = T_CARET; break;
	case '\0':
		t->type = T_EOF;
		t->n = 0;
		break;
	case '"':
		for (e = z + 1;; e++) {
			if (*e == '"' && *++e != '"')
				break;
			if (*e == '\0') {
				qfail(q, CU_EINVALID, "unterminated string");
				t->type = T_EOF;
				t->n = 0;
				q->at = e;
				return;
			}
		}
		t->type = T_STRING;
		t->n = (int)(e - z);
		break;
	default:
		if (!bareword((unsigned char)*z)) {
			qfail(q, CU_EINVALID, "syntax error near \"%.1s\"", z);
			t->type = T_EOF;
			t->n = 0;
			q->at = z;
			return;
		}
		for (e = z + 1; bareword((unsigned char)*e); e++)
			;
		t->type = T_STRING;
		t->n = (int)(e - z);
		if (t->n == 2 && !memcmp(z, "OR", 2))
			t->type = T_OR;
		else if (t->n == 3 && !memcmp(z, "NOT", 3))
			t->type = T_NOT;
		else if (t->n == 3 && !memcmp(z, "AND", 3))
			t->type = T_AND;
	}
	q->at = t->p + t->n;
}

/* The type of the token after the next one. */
static int peek(query *q)
{
	const char *at = q->at;
	qtok t = q->tok;
	lex(q);
	int type = q->tok.type;
	q->at = at;
	q->tok = t;
	return type;
}

static int syntax(query *q)
{
	return qfail(q, CU_EINVALID, "syntax error near \"%.*s\"", q->tok.n, q->tok.p);
}

/* FTS5's parser fails when its stack would hold more than STACK_MAX symbols. */
static bool deep(query *q, int depth)
{
	if (depth <= STACK_MAX)
		return false;
	qfail(q, CU_EINVALID, "parser stack overflow");
	return true;
}

/* A token of the query text as the tokenizer gives it. */
static int query_token(void *ctx, int flags, const char *t, int n, int start, int end)
{
	query *q = ctx;
	qphrase *p = &q->ph[q->cur];
	(void)start, (void)end;
	if (n > TOKEN_BUF)
		n = TOKEN_BUF;
	if (!(flags & FTS5_TOKEN_COLOCATED) || p->nterm == 0) {
		if (!grow_array(&q->term, q->nterm, &q->cterm, sizeof(*q->term)))
			return SQLITE_NOMEM;
		q->term[q->nterm++] = (qterm){.alt0 = q->nalt};
		p->nterm++;
	}
	if (!grow_array(&q->alt, q->nalt, &q->calt, sizeof(*q->alt)) ||
	    cu_buf_append(&q->str, t, (size_t)n) != 0)
		return SQLITE_NOMEM;
	q->alt[q->nalt++] = (qalt){(int)q->str.len - n, n};
	q->term[q->nterm - 1].nalt++;
	return SQLITE_OK;
}

/* The text of a string token: a "quoted" one without its quotes. */
static char *unquote(const qtok *t)
{
	char *s = malloc((size_t)t->n + 1);
	int k = 0;
	if (!s)
		return NULL;
	if (t->p[0] != '"') {
		memcpy(s, t->p, (size_t)t->n);
		k = t->n;
	} else {
		for (int i = 1; i < t->n - 1; i++) {
			s[k++] = t->p[i];
			if (t->p[i] == '"')
				i++;
		}
	}
	s[k] = '\0';
	return s;
}

/* phrase: STRING [*] { + STRING [*] } */
static int parse_phrase(query *q, int depth)
{
	if (q->tok.type != T_STRING)
		return syntax(q);
	if (!grow_array(&q->ph, q->nph, &q->cph, sizeof(*q->ph)))
		return nomem(q);
	int ph = q->nph++;
	q->ph[ph] = (qphrase){.term0 = q->nterm, .cols = COL_TITLE | COL_BODY, .leaf = -1};
	for (int d = depth;; d = depth + 2) {
		if (deep(q, d + 2))
			return -1;
		char *s = unquote(&q->tok);
		if (!s)
			return nomem(q);
		q->cur = ph;
		int rc = tok_tokenize(the_tokenizer, q, FTS5_TOKENIZE_QUERY, s, (int)strlen(s),
		                      query_token);
		free(s);
		if (rc != SQLITE_OK)
			return nomem(q);
		lex(q);
		if (q->tok.type == T_STAR) {
			if (q->ph[ph].nterm)
				q->term[q->nterm - 1].prefix = true;
			lex(q);
		}
		if (q->err)
			return -1;
		if (q->tok.type != T_PLUS)
			return ph;
		lex(q);
		if (q->tok.type != T_STRING)
			return syntax(q);
	}
}

static int new_node(query *q, int op, int a, int b)
{
	if (!grow_array(&q->node, q->nnode, &q->cnode, sizeof(*q->node)))
		return nomem(q);
	q->node[q->nnode] = (qnode){op, a, b};
	return q->nnode++;
}

/* A phrase as a node: FTS5 makes an empty one (no token) match nothing. */
static int phrase_node(query *q, int ph)
{
	return new_node(q, q->ph[ph].nterm ? Q_PHRASE : Q_EOF, ph, -1);
}

/* NEAR ( phrase ... [, N] ) */
static int parse_near(query *q, int depth)
{
	qtok name = q->tok;
	int n = 0, full = 0, keep = -1, ph;
	lex(q);
	lex(q);
	do {
		if ((ph = parse_phrase(q, depth + (n++ ? 3 : 2))) < 0)
			return -1;
		if (q->ph[ph].nterm)
			full++, keep = ph;
		else if (!full)
			keep = ph;
	} while (q->tok.type == T_STRING);
	if (q->tok.type == T_COMMA) {
		lex(q);
		if (q->tok.type != T_STRING)
			return syntax(q);
		if (deep(q, depth + 5))
			return -1;
		qtok dist = q->tok;
		lex(q);
		for (int i = 0; i < dist.n && !q->err; i++)
			if (dist.p[i] < '0' || dist.p[i] > '9')
				return qfail(q, CU_EINVALID, "expected integer, got \"%.*s\"",
				             dist.n, dist.p);
	}
	if (q->tok.type != T_RP)
		return syntax(q);
	if (deep(q, depth + 5))
		return -1;
	lex(q);
	if (name.n != 4 || memcmp(name.p, "NEAR", 4))
		return qfail(q, CU_EINVALID, "syntax error near \"%.*s\"", name.n, name.p);
	if (full > 1)
		return qfail(q, CU_EINVALID, "NEAR groups of several phrases are not available"
		             " with PostgreSQL");
	/* One phrase (FTS5 drops the empty ones) is that phrase. */
	return q->err ? -1 : phrase_node(q, keep);
}

/* nearset: phrase | ^ phrase | NEAR ( ... ) */
static int parse_nearset(query *q, int depth)
{
	int ph;
	if (q->tok.type == T_CARET) {
		lex(q);
		if ((ph = parse_phrase(q, depth + 1)) < 0)
			return -1;
		q->ph[ph].caret = true;
		return phrase_node(q, ph);
	}
	if (q->tok.type == T_STRING && peek(q) == T_LP)
		return parse_near(q, depth);
	if ((ph = parse_phrase(q, depth)) < 0)
		return -1;
	return phrase_node(q, ph);
}

static int column(query *q, unsigned *mask)
{
	char *name = unquote(&q->tok);
	if (!name)
		return nomem(q);
	unsigned c = !strcasecmp(name, "title")  ? COL_TITLE
	             : !strcasecmp(name, "body") ? COL_BODY
	                                         : 0;
	if (!c)
		qfail(q, CU_EINVALID, "no such column: %s", name);
	free(name);
	*mask |= c;
	return c ? 0 : -1;
}

/* colset: [-] STRING | [-] { STRING ... } */
static int parse_colset(query *q, int depth, unsigned *mask)
{
	bool minus = q->tok.type == T_MINUS;
	int d = depth + minus;
	*mask = 0;
	if (minus)
		lex(q);
	if (q->tok.type == T_LCP) {
		lex(q);
		if (q->tok.type != T_STRING)
			return syntax(q);
		for (int k = 0; q->tok.type == T_STRING; k++) {
			if (deep(q, d + (k ? 3 : 2)) || column(q, mask) < 0)
				return -1;
			lex(q);
		}
		if (q->tok.type != T_RCP)
			return syntax(q);
		if (deep(q, d + 3))
			return -1;
		lex(q);
	} else if (q->tok.type == T_STRING) {
		if (deep(q, d + 1) || column(q, mask) < 0)
			return -1;
		lex(q);
	} else {
		return syntax(q);
	}
	if (minus)
		*mask = (COL_TITLE | COL_BODY) & ~*mask;
	return q->err ? -1 : 0;
}

/* A column filter over every phrase of a node (FTS5 intersects them). */
static void set_cols(query *q, int i, unsigned mask)
{
	qnode *n = &q->node[i];
	if (n->op == Q_PHRASE)
		q->ph[n->a].cols &= mask;
	else if (n->op != Q_EOF) {
		set_cols(q, n->a, mask);
		set_cols(q, n->b, mask);
	}
}

static bool colset_next(query *q)
{
	return q->tok.type == T_MINUS || q->tok.type == T_LCP ||
	       (q->tok.type == T_STRING && peek(q) == T_COLON);
}

/* cnearset: nearset | colset : nearset */
static int parse_cnearset(query *q, int depth)
{
	unsigned mask;
	int n;
	if (!colset_next(q))
		return parse_nearset(q, depth);
	if (parse_colset(q, depth, &mask) < 0)
		return -1;
	if (q->tok.type != T_COLON)
		return syntax(q);
	if (deep(q, depth + 2))
		return -1;
	lex(q);
	if ((n = parse_nearset(q, depth + 2)) >= 0)
		set_cols(q, n, mask);
	return n;
}

/* FTS5 drops an empty phrase from an implicit AND (sqlite3Fts5ParseImplicitAnd). */
static int implicit_and(query *q, int a, int b)
{
	if (q->node[b].op == Q_EOF)
		return a;
	if (q->node[a].op == Q_EOF)
		return b;
	return new_node(q, Q_AND, a, b);
}

static int parse_expr(query *q, int depth, int minprec);

/* ( expr ), the current token being the "(" */
static int parse_group(query *q, int depth)
{
	int n;
	if (deep(q, depth + 1))
		return -1;
	lex(q);
	if ((n = parse_expr(q, depth + 1, 1)) < 0)
		return -1;
	if (q->tok.type != T_RP)
		return syntax(q);
	if (deep(q, depth + 2))
		return -1;
	lex(q);
	return n;
}

/* ( expr ) | colset : ( expr ) | cnearset cnearset ... */
static int parse_operand(query *q, int depth)
{
	unsigned mask;
	int n;
	if (q->tok.type == T_LP)
		return parse_group(q, depth);
	if (colset_next(q)) {
		if (parse_colset(q, depth, &mask) < 0)
			return -1;
		if (q->tok.type != T_COLON)
			return syntax(q);
		if (deep(q, depth + 2))
			return -1;
		lex(q);
		if (q->tok.type == T_LP) {
			if ((n = parse_group(q, depth + 2)) < 0)
				return -1;
			set_cols(q, n, mask);
			return n;
		}
		if ((n = parse_nearset(q, depth + 2)) < 0)
			return -1;
		set_cols(q, n, mask);
	} else if (q->tok.type == T_STRING || q->tok.type == T_CARET) {
		if ((n = parse_nearset(q, depth)) < 0)
			return -1;
	} else {
		return syntax(q);
	}
	while (!q->err && (q->tok.type == T_STRING || q->tok.type == T_CARET ||
	                   q->tok.type == T_MINUS || q->tok.type == T_LCP)) {
		int m = parse_cnearset(q, depth + 1);
		if (m < 0 || (n = implicit_and(q, n, m)) < 0)
			return -1;
	}
	return q->err ? -1 : n;
}

/* OR, then AND, then NOT bind tighter, all from the left. */
static int parse_expr(query *q, int depth, int minprec)
{
	int left = parse_operand(q, depth);
	while (left >= 0 && !q->err) {
		int op = q->tok.type;
		int prec = op == T_OR ? 1 : op == T_AND ? 2 : op == T_NOT ? 3 : 0;
		if (!prec || prec < minprec)
			break;
		if (deep(q, depth + 2))
			return -1;
		lex(q);
		int right = parse_expr(q, depth + 2, prec + 1);
		if (right < 0)
			return -1;
		left = new_node(q, op == T_OR ? Q_OR : op == T_AND ? Q_AND : Q_NOT, left, right);
	}
	return q->err ? -1 : left;
}

/* Without what can never match (-1 if nothing is left), as FTS5 evaluates it. */
static int simplify(query *q, int i)
{
	qnode *n = &q->node[i];
	int a, b;
	switch (n->op) {
	case Q_EOF: return -1;
	case Q_PHRASE: return q->ph[n->a].cols ? i : -1;
	case Q_AND:
		a = simplify(q, n->a), b = simplify(q, n->b);
		if (a < 0 || b < 0)
			return -1;
		break;
	case Q_OR:
		a = simplify(q, n->a), b = simplify(q, n->b);
		if (a < 0 || b < 0)
			return a < 0 ? b : a;
		break;
	default:
		if ((a = simplify(q, n->a)) < 0)
			return -1;
		if ((b = simplify(q, n->b)) < 0)
			return a;
	}
	n->a = a, n->b = b;
	return i;
}

/* A phrase as a tsquery. */
static int phrase_tsquery(const query *q, const qphrase *p, cu_buf *b)
{
	const char *w = p->cols == COL_TITLE ? "A" : p->cols == COL_BODY ? "B" : "";
	int r = 0;
	if (p->caret) {
		put_lexeme(b, MARK, 1, &r);
		if (!r)
			r = cu_buf_printf(b, "%s%s <-> ", *w ? ":" : "", w);
	}
	for (int i = 0; i < p->nterm && !r; i++) {
		const qterm *t = &q->term[p->term0 + i];
		if (i)
			r = cu_buf_puts(b, " <-> ");
		if (t->nalt > 1 && !r)
			r = cu_buf_puts(b, "(");
		for (int j = 0; j < t->nalt && !r; j++) {
			const qalt *a = &q->alt[t->alt0 + j];
			if (j)
				r = cu_buf_puts(b, " | ");
			put_lexeme(b, q->str.data + a->off, a->len, &r);
			if (!r && (t->prefix || *w))
				r = cu_buf_printf(b, ":%s%s", t->prefix ? "*" : "", w);
		}
		if (t->nalt > 1 && !r)
			r = cu_buf_puts(b, ")");
	}
	return r;
}

/*
 * The leaves of the query as evaluated: one per distinct tsquery, those
 * outside the right side of any NOT ("positive") marked. Every document the
 * query matches matches a positive leaf, so only those need the index.
 */
static int add_leaves(query *q, int i, bool positive, bool *pos)
{
	qnode *n = &q->node[i];
	if (n->op != Q_PHRASE) {
		int r = add_leaves(q, n->a, positive, pos);
		return r ? r : add_leaves(q, n->b, positive && n->op != Q_NOT, pos);
	}
	qphrase *p = &q->ph[n->a];
	cu_buf b;
	int r, k;
	cu_buf_init(&b, 0);
	if ((r = phrase_tsquery(q, p, &b)) != 0) {
		cu_buf_free(&b);
		return r;
	}
	for (k = 0; k < q->nleaf && strcmp(q->leaf[k], b.data); k++)
		;
	if (k == q->nleaf) {
		if (!grow_array(&q->leaf, q->nleaf, &q->cleaf, sizeof(*q->leaf))) {
			cu_buf_free(&b);
			return nomem(q), q->err;
		}
		q->leaf[q->nleaf++] = cu_buf_detach(&b);
	}
	cu_buf_free(&b);
	p->leaf = k;
	pos[k] |= positive;
	return 0;
}

static void query_free(query *q)
{
	for (int i = 0; i < q->nleaf; i++)
		free(q->leaf[i]);
	free(q->leaf);
	free(q->node);
	free(q->ph);
	free(q->term);
	free(q->alt);
	cu_buf_free(&q->str);
}

/*
 * Reads a query; q->root is -1 if it can match nothing (FTS5's special
 * queries, "*reads" and "*id", find no document either).
 */
static int query_parse(query *q, const char *text)
{
	memset(q, 0, sizeof(*q));
	cu_buf_init(&q->str, 0);
	q->root = -1;
	if (text[0] == '*') {
		const char *z = text + 1;
		int n = 0;
		while (*z == ' ')
			z++;
		while (z[n] && z[n] != ' ')
			n++;
		if ((n == 5 && !strncasecmp(z, "reads", 5)) || (n == 2 && !strncasecmp(z, "id", 2)))
			return 0;
		return qfail(q, CU_EINVALID, "unknown special query: %.*s", n, z), q->err;
	}
	q->at = text;
	lex(q);
	int root = q->err ? -1 : parse_expr(q, 0, 1);
	if (!q->err && q->tok.type != T_EOF)
		syntax(q);
	if (q->err)
		return q->err;
	if ((q->root = simplify(q, root)) < 0)
		return 0;
	bool *pos = calloc((size_t)q->nph, sizeof(*pos));
	int *map = calloc((size_t)q->nph, sizeof(*map));
	char **sorted = calloc((size_t)q->nph, sizeof(*sorted));
	int r = pos && map && sorted ? add_leaves(q, q->root, true, pos) : nomem(q), k = 0;
	if (!r) {
		/* Positive leaves first: "o <= npos" in SQL. */
		for (int pass = 1; pass >= 0; pass--)
			for (int i = 0; i < q->nleaf; i++)
				/* r is 0 only with the three arrays (nomem gives CU_ENOMEM).
				 * NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
				if (pos[i] == pass)
					sorted[map[i] = k++] = q->leaf[i];
		for (int i = 0; i < q->nleaf; i++)
			q->npos += pos[i];
		memcpy(q->leaf, sorted, (size_t)q->nleaf * sizeof(*sorted));
		for (int i = 0; i < q->nph; i++)
			if (q->ph[i].leaf >= 0)
				q->ph[i].leaf = map[q->ph[i].leaf];
	}
	free(pos);
	free(map);
	free(sorted);
	return q->err ? q->err : r;
}

static bool eval(const query *q, int i, const uint8_t *bits)
{
	const qnode *n = &q->node[i];
	switch (n->op) {
	case Q_PHRASE: return bits[q->ph[n->a].leaf];
	case Q_AND: return eval(q, n->a, bits) && eval(q, n->b, bits);
	case Q_OR: return eval(q, n->a, bits) || eval(q, n->b, bits);
	default: return eval(q, n->a, bits) && !eval(q, n->b, bits);
	}
}

/* ---- PostgreSQL: snippets ----------------------------------------------- */

/*
 * FTS5's snippet(search_fts, 1, char(2), char(3), '…', 16) done here, from
 * the same tokens of the original body: the phrases' places in the body
 * (xInst), the window of 16 tokens that scores best (1000 for each phrase
 * in it, 1 for each repeat, a bonus for starting a sentence), and the
 * window's text with its matches marked. Its steps are FTS5's (fts5_aux.c),
 * so that both engines show the same snippet.
 */
#define SNIP_TOKENS 16
#define SNIP_INST (1 << 20) /* places kept: enough to choose a window */

typedef struct inst {
	int pos, ph;
} inst;

typedef struct snip {
	const query *q;
	const char *text;
	int *phs, nphs;     /* the phrases that may be in the column read */
	int span;           /* the longest of them, in terms */
	uint8_t *ring;      /* span rows of q->nterm flags: a term matches there */
	int npos;
	bool open;
	inst *in;
	int nin, cin;
	int *first;         /* positions that start a sentence */
	int nfirst, cfirst;
	struct span { int start, end; } *at; /* each position's bytes in the text */
	int cat;
	uint8_t *found;     /* found[ph]: the phrase is in the text */
	bool nomem;
} snip;

static bool term_matches(const query *q, const qterm *t, const char *tok, int n)
{
	for (int j = 0; j < t->nalt; j++) {
		const qalt *a = &q->alt[t->alt0 + j];
		if ((a->len == n || (t->prefix && a->len < n)) &&
		    !memcmp(q->str.data + a->off, tok, (size_t)a->len))
			return true;
	}
	return false;
}

/* A position is complete: the phrases that end on it. */
static void snip_done(snip *sn)
{
	const query *q = sn->q;
	int p = sn->npos - 1;
	for (int k = 0; k < sn->nphs; k++) {
		const qphrase *ph = &q->ph[sn->phs[k]];
		int s0 = p - ph->nterm + 1, i;
		if (s0 < 0 || (ph->caret && s0 != 0))
			continue;
		for (i = 0; i < ph->nterm; i++)
			if (!sn->ring[(size_t)((s0 + i) % sn->span) * (size_t)q->nterm +
			              (size_t)(ph->term0 + i)])
				break;
		if (i < ph->nterm)
			continue;
		sn->found[sn->phs[k]] = 1;
		if (sn->nin >= SNIP_INST)
			continue;
		if (!grow_array(&sn->in, sn->nin, &sn->cin, sizeof(*sn->in))) {
			sn->nomem = true;
			return;
		}
		sn->in[sn->nin++] = (inst){s0, sn->phs[k]};
	}
}

static int snip_token(void *ctx, int flags, const char *t, int n, int start, int end)
{
	snip *sn = ctx;
	const query *q = sn->q;
	(void)end;
	if (!(flags & FTS5_TOKEN_COLOCATED)) {
		if (sn->open)
			snip_done(sn);
		/* fts5SentenceFinderCb: after '.' or ':' and white space. */
		bool first = sn->npos == 0;
		if (!first) {
			int i;
			char c = 0;
			for (i = start - 1; i >= 0; i--) {
				c = sn->text[i];
				if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
					break;
			}
			first = i != start - 1 && (c == '.' || c == ':');
		}
		if (first) {
			if (!grow_array(&sn->first, sn->nfirst, &sn->cfirst, sizeof(*sn->first)))
				return SQLITE_NOMEM;
			sn->first[sn->nfirst++] = sn->npos;
		}
		memset(sn->ring + (size_t)(sn->npos % sn->span) * (size_t)q->nterm, 0,
		       (size_t)q->nterm);
		if (!grow_array(&sn->at, sn->npos, &sn->cat, sizeof(*sn->at)))
			return SQLITE_NOMEM;
		sn->at[sn->npos] = (struct span){start, end};
		sn->npos++;
		sn->open = true;
	} else if (!sn->open) {
		return SQLITE_OK;
	}
	uint8_t *row = sn->ring + (size_t)((sn->npos - 1) % sn->span) * (size_t)q->nterm;
	for (int k = 0; k < sn->nphs; k++) {
		const qphrase *ph = &q->ph[sn->phs[k]];
		for (int i = ph->term0; i < ph->term0 + ph->nterm; i++)
			if (!row[i] && term_matches(q, &q->term[i], t, n))
				row[i] = 1;
	}
	return sn->nomem ? SQLITE_NOMEM : SQLITE_OK;
}

static int cmp_inst(const void *a, const void *b)
{
	const inst *x = a, *y = b;
	if (x->pos != y->pos)
		return x->pos < y->pos ? -1 : 1;
	return x->ph < y->ph ? -1 : x->ph > y->ph;
}

/* fts5SnippetScore: the places in [from, from + SNIP_TOKENS). */
static int snip_score(const snip *sn, uint8_t *seen, int from, int ndoc, int *adj)
{
	int lo = 0, hi = sn->nin, score = 0, first = -1, last = 0;
	int64_t end = (int64_t)from + SNIP_TOKENS;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (sn->in[mid].pos < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (int i = lo; i < sn->nin && sn->in[i].pos < end; i++) {
		score += seen[sn->in[i].ph] ? 1 : 1000;
		seen[sn->in[i].ph] = 1;
		if (first < 0)
			first = sn->in[i].pos;
		last = sn->in[i].pos + sn->q->ph[sn->in[i].ph].nterm;
	}
	if (adj) {
		int64_t a = first - (SNIP_TOKENS - (last - first)) / 2;
		if (a + SNIP_TOKENS > ndoc)
			a = ndoc - SNIP_TOKENS;
		*adj = a < 0 ? 0 : (int)a;
	}
	return score;
}

/* The highlighting pass (fts5HighlightCb) over the chosen window. */
typedef struct hl {
	const snip *sn;
	cu_buf out;
	int pos, from, to, off;
	int i, start, end; /* the coalesced places (CInstIter) */
	int r;
} hl;

static void hl_next(hl *h)
{
	h->start = h->end = -1;
	while (h->i < h->sn->nin) {
		const inst *in = &h->sn->in[h->i];
		int e = in->pos - 1 + h->sn->q->ph[in->ph].nterm;
		if (h->start < 0)
			h->start = in->pos, h->end = e;
		else if (in->pos <= h->end)
			h->end = e > h->end ? e : h->end;
		else
			break;
		h->i++;
	}
}

static void hl_put(hl *h, const char *p, int n)
{
	if (!h->r && n > 0)
		h->r = cu_buf_append(&h->out, p, (size_t)n);
}

#define HL_OPEN "\x02"
#define HL_CLOSE "\x03"
#define HL_ELLIPSIS "\xe2\x80\xa6"

static int hl_token(void *ctx, int flags, const char *t, int n, int start, int end)
{
	hl *h = ctx;
	const char *text = h->sn->text;
	(void)t, (void)n;
	if (flags & FTS5_TOKEN_COLOCATED)
		return SQLITE_OK;
	int p = h->pos++;
	if (p < h->from)
		return SQLITE_OK;
	if (p > h->to)
		return SQLITE_DONE; /* past the window: nothing more to write */
	if (h->from && p == h->from)
		h->off = start;
	if (p == h->start) {
		hl_put(h, text + h->off, start - h->off);
		hl_put(h, HL_OPEN, 1);
		h->off = start;
	}
	if (p == h->end) {
		if (h->start < h->from)
			hl_put(h, HL_OPEN, 1);
		hl_put(h, text + h->off, end - h->off);
		hl_put(h, HL_CLOSE, 1);
		h->off = end;
		hl_next(h);
	}
	if (p == h->to) {
		hl_put(h, text + h->off, end - h->off);
		h->off = end;
		if (p >= h->start && p < h->end)
			hl_put(h, HL_CLOSE, 1);
	}
	return h->r ? SQLITE_NOMEM : SQLITE_OK;
}

/* The places of the phrases that may match a column (COL_*) in its text. */
static bool snip_scan(snip *sn, const query *q, const char *text, size_t len, unsigned col,
                      uint8_t *found)
{
	memset(sn, 0, sizeof(*sn));
	sn->q = q;
	sn->text = text;
	sn->span = 1;
	sn->found = found;
	if (!(sn->phs = calloc((size_t)q->nph, sizeof(*sn->phs))))
		return false;
	for (int i = 0; i < q->nph; i++)
		if (q->ph[i].leaf >= 0 && (q->ph[i].cols & col)) {
			sn->phs[sn->nphs++] = i;
			sn->span = q->ph[i].nterm > sn->span ? q->ph[i].nterm : sn->span;
		}
	if (!(sn->ring = calloc((size_t)sn->span * (size_t)q->nterm, 1)))
		return false;
	if (tok_tokenize(the_tokenizer, sn, 0, text, (int)len, snip_token) != SQLITE_OK)
		return false;
	if (sn->open)
		snip_done(sn);
	return !sn->nomem;
}

static void snip_free(snip *sn)
{
	free(sn->phs);
	free(sn->ring);
	free(sn->in);
	free(sn->first);
	free(sn->at);
}

/* The query's value on a document, from which of its phrases it holds. */
static bool eval_found(const query *q, int i, const uint8_t *found)
{
	const qnode *n = &q->node[i];
	switch (n->op) {
	case Q_PHRASE: return found[n->a];
	case Q_AND: return eval_found(q, n->a, found) && eval_found(q, n->b, found);
	case Q_OR: return eval_found(q, n->a, found) || eval_found(q, n->b, found);
	default: return eval_found(q, n->a, found) && !eval_found(q, n->b, found);
	}
}

/*
 * The phrases whose places FTS5 reports for a document (xInst): those found
 * whose every AND and NOT above matches it (fts5ExprCheckPoslists clears the
 * others); the right side of a NOT that matches has none.
 */
static void mark_reported(const query *q, int i, const uint8_t *found, uint8_t *rep)
{
	const qnode *n = &q->node[i];
	if (n->op == Q_PHRASE) {
		rep[n->a] = found[n->a];
	} else if (n->op == Q_OR) {
		mark_reported(q, n->a, found, rep);
		mark_reported(q, n->b, found, rep);
	} else if (eval_found(q, i, found)) {
		mark_reported(q, n->a, found, rep);
		if (n->op == Q_AND)
			mark_reported(q, n->b, found, rep);
	}
}

/* The snippet of a document's body for a query; NULL if out of memory. */
static char *make_snippet(const query *q, const char *title, const char *text, size_t len)
{
	snip sn, st;
	hl h = {.sn = &sn};
	char *res = NULL;
	int best = 0, from = 0, ncol = 0, k = 0;
	/* One allocation, three arrays; no arithmetic on it before it is known not NULL. */
	uint8_t *seen = calloc((size_t)q->nph * 3, 1), *found = NULL, *rep = NULL;
	if (seen) {
		found = seen + q->nph;
		rep = found + q->nph;
	}
	cu_buf_init(&h.out, 0);
	memset(&sn, 0, sizeof(sn));
	memset(&st, 0, sizeof(st));
	if (!seen || !snip_scan(&st, q, title, strlen(title), COL_TITLE, found) ||
	    !snip_scan(&sn, q, text, len, COL_BODY, found))
		goto out;
	mark_reported(q, q->root, found, rep);
	for (int i = 0; i < sn.nin; i++)
		if (rep[sn.in[i].ph])
			sn.in[k++] = sn.in[i];
	if ((sn.nin = k) > 1)
		qsort(sn.in, (size_t)sn.nin, sizeof(*sn.in), cmp_inst);
	for (int i = 0; i < sn.nin; i++) {
		int io = sn.in[i].pos, adj, score;
		memset(seen, 0, (size_t)q->nph);
		score = snip_score(&sn, seen, io, sn.npos, &adj);
		if (score > best)
			best = score, from = adj, ncol = sn.npos;
		if (sn.nfirst && sn.npos > SNIP_TOKENS) {
			/* The last sentence starting at or before io. */
			int lo = 0, hi = sn.nfirst - 1;
			while (lo < hi) {
				int mid = (lo + hi + 1) / 2;
				if (sn.first[mid] <= io)
					lo = mid;
				else
					hi = mid - 1;
			}
			if (sn.first[lo] < io) {
				memset(seen, 0, (size_t)q->nph);
				score = snip_score(&sn, seen, sn.first[lo], sn.npos, NULL) +
				        (sn.first[lo] == 0 ? 120 : 100);
				if (score > best)
					best = score, from = sn.first[lo], ncol = sn.npos;
			}
		}
	}
	if (!ncol)
		ncol = sn.npos;
	h.from = from;
	h.to = from + SNIP_TOKENS - 1;
	hl_next(&h);
	if (from > 0)
		hl_put(&h, HL_ELLIPSIS, 3);
	while (h.start >= 0 && h.start < from)
		hl_next(&h);
	/* the places the scan kept, rather than the text tokenized again */
	for (int p = 0, rc = SQLITE_OK; p < sn.npos && rc == SQLITE_OK; p++)
		if ((rc = hl_token(&h, 0, NULL, 0, sn.at[p].start, sn.at[p].end)) == SQLITE_NOMEM)
			goto out;
	if (h.to >= ncol - 1)
		hl_put(&h, text + h.off, (int)(len - (size_t)h.off));
	else
		hl_put(&h, HL_ELLIPSIS, 3);
	if (!h.r)
		res = h.out.data ? cu_buf_detach(&h.out) : strdup("");
out:
	cu_buf_free(&h.out);
	free(seen);
	snip_free(&sn);
	snip_free(&st);
	return res;
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

/* The visible matches: their number, facets and the best offset + limit. */
typedef struct tally {
	json_t *kinds, *langs;
	int64_t total;
	match *heap;
	size_t n, k;
} tally;

static void facet_add(json_t *facet, const char *key)
{
	json_t *v = json_object_get(facet, key);
	if (v)
		json_integer_set(v, json_integer_value(v) + 1);
	else
		json_object_set_new(facet, key, json_integer(1));
}

static void tally_add(tally *t, match m, const char *kind, const char *lang)
{
	facet_add(t->kinds, kind);
	facet_add(t->langs, lang ? lang : "");
	t->total++;
	if (t->k)
		heap_push(t->heap, &t->n, t->k, m);
}

/*
 * PostgreSQL: one query gives, for each visible document that matches a
 * positive leaf (in any of its parts), which leaves it matches and how well;
 * the query's booleans are then evaluated here. The other leaves (right of
 * a NOT) are only checked on those documents, through their parts' key: a
 * NOT costs what the matches cost, however common its words. The rank is
 * minus the sum over the positive leaves matched of their best ts_rank in a
 * part (titles weigh four times the body; normalised by length, as bm25
 * is), so that lower is better, as with bm25.
 */
static int search_pg(cu_store *s, tally *t, query *qy, const cu_search_query *q)
{
	static const char match_sql[] =
		"WITH l AS (SELECT x.value::tsquery AS q, x.ordinality AS o"
		"  FROM jsonb_array_elements_text(CAST(:leaves AS jsonb)) WITH ORDINALITY AS x),"
		" p AS (SELECT f.id, l.o, max(ts_rank('{0.1, 0.2, 0.25, 1.0}', f.tsv, l.q, 1)) AS r"
		"  FROM l JOIN search_fts f ON f.tsv @@ l.q WHERE l.o <= :npos GROUP BY f.id, l.o),"
		" v AS (SELECT d.id, d.kind, d.lang FROM search_docs d"
		"  WHERE d.id IN (SELECT id FROM p) AND " VISIBLE FILTERS ")"
		" SELECT v.id, p.o, p.r, v.kind, v.lang FROM v JOIN p ON p.id = v.id"
		" UNION ALL"
		" SELECT v.id, l.o, 0, v.kind, v.lang FROM v JOIN l ON l.o > :npos"
		"  WHERE (SELECT true FROM search_fts f WHERE f.id = v.id AND f.tsv @@ l.q LIMIT 1)"
		" ORDER BY 1, 2";
	char *kind = NULL, *lang = NULL;
	int64_t cur = 0;
	double score = 0;
	int r = 0, rc;
	if (qy->root < 0)
		return 0;
	json_t *leaves = json_array();
	for (int i = 0; i < qy->nleaf; i++)
		json_array_append_new(leaves, json_string(qy->leaf[i]));
	char *text = json_dumps(leaves, JSON_COMPACT);
	json_decref(leaves);
	uint8_t *bits = calloc((size_t)qy->nleaf, 1);
	db_stmt *st = text && bits ? sq_stmt(s, match_sql) : NULL;
	if (!st) {
		r = text && bits ? CU_EDB : cu_error_set(CU_ENOMEM, "out of memory");
		goto out;
	}
	bind_query(st, q);
	db_bind_text(st, db_bind_parameter_index(st, ":leaves"), text, -1, DB_STATIC);
	db_bind_int(st, db_bind_parameter_index(st, ":npos"), qy->npos);
	for (;;) {
		rc = db_step(st);
		int64_t id = rc == DB_ROW ? db_column_int64(st, 0) : 0;
		if (id != cur && cur && eval(qy, qy->root, bits))
			tally_add(t, (match){cur, -score}, kind ? kind : "", lang);
		if (rc != DB_ROW)
			break;
		if (id != cur) {
			const char *k = (const char *)db_column_text(st, 3);
			const char *l = (const char *)db_column_text(st, 4);
			cur = id;
			score = 0;
			memset(bits, 0, (size_t)qy->nleaf);
			free(kind);
			free(lang);
			kind = k ? strdup(k) : NULL;
			lang = l ? strdup(l) : NULL;
		}
		int o = db_column_int(st, 1) - 1;
		if (o >= 0 && o < qy->nleaf) {
			bits[o] = 1;
			if (o < qy->npos)
				score += db_column_double(st, 2);
		}
	}
	db_reset(st);
	if (rc != DB_DONE)
		r = sq_dberr(s, rc, "search");
out:
	free(text);
	free(bits);
	free(kind);
	free(lang);
	return r;
}

/* The row of one result on PostgreSQL, its snippet made from the body. */
static int page_row_pg(cu_store *s, json_t **row, const query *qy, int64_t id)
{
	static const char page_sql[] =
		"SELECT d.kind, d.ref_id, d.case_id, c.reference AS case_reference, d.item_id,"
		" o.code AS org, d.lang, d.day,"
		" COALESCE((SELECT f.title FROM search_fts f WHERE f.id = d.id AND f.part = 0), '')"
		" AS title, '' AS snippet"
		" FROM search_docs d JOIN cases c ON c.id = d.case_id"
		" LEFT JOIN orgs o ON o.id = d.org_id WHERE d.id = ?1";
	static const char body_sql[] =
		"SELECT string_agg(body, '' ORDER BY part) FROM search_fts WHERE id = ?1";
	*row = NULL;
	db_stmt *st = sq_stmt(s, page_sql);
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW)
		*row = sq_row_json(st);
	db_reset(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? 0 : sq_dberr(s, rc, "search");
	int r = 0;
	if (!(st = sq_stmt(s, body_sql))) {
		r = CU_EDB;
		goto out;
	}
	db_bind_int64(st, 1, id);
	if ((rc = db_step(st)) == DB_ROW) {
		const char *body = (const char *)db_column_text(st, 0);
		const char *title = cu_json_str(*row, "title");
		char *sn = make_snippet(qy, title ? title : "", body ? body : "",
		                        body ? (size_t)db_column_bytes(st, 0) : 0);
		json_t *v = sn ? json_string(sn) : NULL;
		if (!sn)
			r = cu_error_set(CU_ENOMEM, "out of memory");
		free(sn);
		json_object_set_new(*row, "snippet", v ? v : json_string(""));
	} else if (rc != DB_DONE) {
		r = sq_dberr(s, rc, "search");
	}
	db_reset(st);
out:
	if (r) {
		json_decref(*row);
		*row = NULL;
	}
	return r;
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
	/*
	 * FTS5's snippet() rescores its window for every place a phrase occurs,
	 * each time over all of them: quadratic, minutes for a common word in a
	 * long text. The snippet made in C (the PostgreSQL path) takes the same
	 * steps with a sorted list, so SQLite uses it too, given the body; only a
	 * query the C parser does not take (NEAR of several phrases) keeps FTS5's.
	 */
	static const char page_body_sql[] =
		"SELECT d.kind, d.ref_id, d.case_id, c.reference AS case_reference, d.item_id,"
		" o.code AS org, d.lang, d.day, f.title, f.body"
		" FROM search_fts f JOIN search_docs d ON d.id = f.rowid"
		" JOIN cases c ON c.id = d.case_id LEFT JOIN orgs o ON o.id = d.org_id"
		" WHERE f.rowid = :id";
	bool c_snippets = false;
	query qy;
	json_t *items = NULL;
	tally t = {json_object(), json_object(), 0, NULL, 0, (size_t)q->offset + (size_t)q->limit};
	int r = 0, rc;
	*out = NULL;
	memset(&qy, 0, sizeof(qy));
	if (!(t.heap = calloc(t.k ? t.k : 1, sizeof(*t.heap)))) {
		r = cu_error_set(CU_ENOMEM, "out of memory");
		goto fail;
	}
	if (s->pg) {
		if ((r = query_parse(&qy, q->q)) != 0 || (r = search_pg(s, &t, &qy, q)) != 0)
			goto fail;
	} else {
		c_snippets = query_parse(&qy, q->q) == 0;
		db_stmt *st = sq_stmt(s, match_sql);
		if (!st) {
			r = CU_EDB;
			goto fail;
		}
		bind_query(st, q);
		while ((rc = db_step(st)) == DB_ROW)
			tally_add(&t, (match){db_column_int64(st, 0), db_column_double(st, 1)},
			          (const char *)db_column_text(st, 2),
			          (const char *)db_column_text(st, 3));
		db_reset(st);
		if (rc != DB_DONE) {
			r = query_error(s, rc);
			goto fail;
		}
	}
	qsort(t.heap, t.n, sizeof(*t.heap), cmp_match);
	items = json_array();
	for (size_t i = (size_t)q->offset; i < t.n; i++) {
		json_t *row = NULL;
		if (s->pg) {
			if ((r = page_row_pg(s, &row, &qy, t.heap[i].id)) != 0)
				goto fail;
		} else if (c_snippets) {
			db_stmt *st = sq_stmt(s, page_body_sql);
			if (!st) {
				r = CU_EDB;
				goto fail;
			}
			db_bind_int64(st, db_bind_parameter_index(st, ":id"), t.heap[i].id);
			if ((rc = db_step(st)) == DB_ROW) {
				const char *title = (const char *)db_column_text(st, 8);
				const char *body = (const char *)db_column_text(st, 9);
				char *sn = make_snippet(&qy, title ? title : "", body ? body : "",
				                        body ? (size_t)db_column_bytes(st, 9) : 0);
				row = sq_row_json_n(st, 9); /* all but the body */
				json_object_set_new(row, "snippet", json_string(sn ? sn : ""));
				if (!sn)
					r = cu_error_set(CU_ENOMEM, "out of memory");
				free(sn);
			}
			db_reset(st);
			if (r) {
				json_decref(row);
				goto fail;
			}
		} else {
			db_stmt *st = sq_stmt(s, page_sql);
			if (!st) {
				r = CU_EDB;
				goto fail;
			}
			db_bind_text(st, db_bind_parameter_index(st, ":q"), q->q, -1, DB_STATIC);
			db_bind_int64(st, db_bind_parameter_index(st, ":id"), t.heap[i].id);
			if ((rc = db_step(st)) == DB_ROW)
				row = sq_row_json(st);
			db_reset(st);
			if (rc != DB_ROW && rc != DB_DONE) {
				r = query_error(s, rc);
				goto fail;
			}
		}
		if (row) {
			json_object_set_new(row, "rank", json_real(t.heap[i].rank));
			json_array_append_new(items, row);
		}
	}
	free(t.heap);
	query_free(&qy);
	*out = json_pack("{s:o, s:I, s:{s:o, s:o}}", "items", items, "total", (json_int_t)t.total,
	                 "facets", "kind", t.kinds, "lang", t.langs);
	return *out ? 0 : CU_ENOMEM;
fail:
	free(t.heap);
	query_free(&qy);
	json_decref(items);
	json_decref(t.kinds);
	json_decref(t.langs);
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
	                              " finished_at = NULL WHERE jobs.state IN ('done', 'failed')");
	if (!st)
		return CU_EDB;
	sq_bind_text(st, 1, kind);
	db_bind_int64(st, 2, item_id);
	sq_bind_text(st, 3, at);
	return sq_exec(s, st, "job");
}

/*
 * Several servers may share one PostgreSQL. There a claim skips the jobs
 * other workers are claiming (their rows locked) instead of waiting for them
 * or taking them twice, and the worker's connection holds a session advisory
 * lock on the job while it runs it, released when it finishes the job or
 * when the connection ends (the worker died). Requeueing at start takes back
 * only the running jobs whose lock is free: those of dead workers, not those
 * another server is running. (If the transaction finishing a job rolls back,
 * its lock is released already; the job is finished again as failed at
 * once, so only a server starting in that instant could take it back.)
 */
int cu_store_job_claim(cu_store *s, int64_t *id, int64_t *item_id, const char *worker,
                       const char *at)
{
	db_stmt *st = sq_stmt2(s,
		"UPDATE jobs SET state = 'running', worker = ?1, started_at = ?2,"
		" attempts = attempts + 1 WHERE id = (SELECT id FROM jobs WHERE state = 'queued'"
		" ORDER BY id LIMIT 1) RETURNING id, item_id",
		"UPDATE jobs SET state = 'running', worker = ?1, started_at = ?2,"
		" attempts = attempts + 1 WHERE id = (SELECT id FROM jobs WHERE state = 'queued'"
		" ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)"
		" RETURNING id, item_id, pg_try_advisory_lock(7337003::bigint * 4294967296 + id)");
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
	db_stmt *st = sq_stmt2(s,
		"UPDATE jobs SET state = ?2, error = ?3, finished_at = ?4 WHERE id = ?1",
		"UPDATE jobs SET state = ?2, error = ?3, finished_at = ?4 WHERE id = ?1"
		" RETURNING pg_advisory_unlock(7337003::bigint * 4294967296 + id)");
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
	db_stmt *st = sq_stmt2(s,
		"UPDATE jobs SET state = 'queued', worker = NULL WHERE state = 'running'",
		"UPDATE jobs SET state = 'queued', worker = NULL WHERE id IN (SELECT id FROM jobs"
		" WHERE state = 'running') AND"
		" pg_try_advisory_xact_lock(7337003::bigint * 4294967296 + id)");
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
	db_stmt *st = sq_stmt2(s,
		"INSERT OR REPLACE INTO extracts(item_id, sha256, size, method, tool, tool_version,"
		" language, pages, ocr_pages, partial, warning, created_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
		"INSERT INTO extracts(item_id, sha256, size, method, tool, tool_version,"
		" language, pages, ocr_pages, partial, warning, created_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
		" ON CONFLICT (item_id) DO UPDATE SET sha256 = excluded.sha256,"
		" size = excluded.size, method = excluded.method, tool = excluded.tool,"
		" tool_version = excluded.tool_version, language = excluded.language,"
		" pages = excluded.pages, ocr_pages = excluded.ocr_pages,"
		" partial = excluded.partial, warning = excluded.warning,"
		" created_at = excluded.created_at");
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
