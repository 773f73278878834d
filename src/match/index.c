/* SPDX-License-Identifier: Apache-2.0 */
/* match: blocking keys of match records and the in-memory blocking index. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match/match.h"

/* ---- Blocking keys ------------------------------------------------------ */

/*
 * The keys of a record, for each of its names (aliases included), with
 * S(tok) the skeleton of a normalised token and K the record's kind:
 *
 *   "tK:S(tok)"          each token, in each of its readings (below):
 *                        recall when the other parts of a name are
 *                        misspelt or missing
 *   "pK:S(a) S(b)"       each unordered pair of tokens, sorted: survives
 *                        swapped name order and missing middle names
 *   "yK:YYYY:S(tok)"     each token with the year of birth, when known: a
 *                        common given name is a giant block on its own but a
 *                        small one within a year
 *
 * The skeleton (skeleton(); the rule, measured on the labelled sets):
 *
 *   - vowels (a e i o u y) go, a doubled letter counts once, and so does a
 *     run of one class: Arabic and Hebrew mostly leave vowels unwritten;
 *   - classes: k = k g q c(hard) h kh gh ch(German); s = s z c(soft) sh zh
 *     ch ts tz dz tch tsch; t = t d th dh; b = b p f v w ph; l m n r;
 *     x = ks; j goes (jovan ~ yovan);
 *   - h, kh and Ukrainian h for g are one class (khomolka ~ homolka,
 *     bohdan ~ bogdan); a final h is silent (fatimah, Hebrew final he);
 *   - ng and ngh before a consonant or at the end are n (mengtao ~ mentao).
 *
 * A token also has up to five other readings, each a t: key of its own
 * (the pair and year keys use the first reading only, to stay few):
 *
 *   soft   ch = k, c = s, g before e i y = s, j = s, dj = s (germano ~
 *          dzhermano, grabovac ~ grabovats, czechowic ~ chekhovits)
 *   hard   ch = k, c = k, j = k (jaime ~ khaime, casiraghi ~ kasiraji,
 *          marcellus ~ Hebrew mrklos)
 *   mute   silent letters: initial h, h after a vowel before a consonant,
 *          w as a vowel, an initial v before a consonant (Hebrew vav),
 *          Latin -us/-es, French final t and d, g after n (haanel ~ enel,
 *          tedrow ~ tedrou, vrmn ~ orman, ovinius ~ oviniy, diderot ~ didro)
 *   soft + mute, hard + mute
 *
 * Measured (bench/match recall, positive pairs sharing a key): nomenklatura
 * Person 93.9% -> 95.1%, Wikidata Russian 71.0% -> 90.5%, Arabic 75.6% ->
 * 92.6%, Hebrew 64.1% -> 92.2% against the old single skeleton of the
 * phonetic key. The readings add t: keys only; their blocks are where
 * common tokens become giant (below), and a common token's key alone does
 * not make a candidate (key_evidence()).
 *
 * Initials and particles (al, bin, van, de, ...) are not tokens here: they
 * say nothing about who someone is. Every strong identifier is a key
 * verbatim ("phone:+46701234567"), whatever the kind, so that a phone
 * entity meets the person who carries that number. At most KEY_TOKENS
 * tokens of a name and KEYS_MAX keys of a record are used.
 */
#define KEY_TOKENS 8
#define KEYS_MAX 512
#define PHON_MAX 24

typedef struct keyset {
	uint64_t h[KEYS_MAX];
	uint32_t tok[KEYS_MAX]; /* 0: a strong key; else the bit of the token a t: key is of */
	size_t n;
} keyset;

/* Receives each key once, with its token bit (0 for strong keys). */
typedef void (*key_fn)(void *ctx, const char *key, size_t len, uint32_t tok);

/* FNV-1a over the bytes, then a 64-bit finaliser for the hash table's low bits. */
static uint64_t key_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h ? h : 1;
}

/* Emits a key unless this record emitted it already. */
static void key_emit(keyset *ks, key_fn emit, void *ctx, const char *key, size_t len, uint32_t tok)
{
	uint64_t h = key_hash(key, len);
	for (size_t i = 0; i < ks->n; i++)
		if (ks->h[i] == h)
			return;
	if (ks->n == KEYS_MAX)
		return;
	ks->h[ks->n++] = h;
	emit(ctx, key, len, tok);
}

static const char *const PARTICLES[] = {
    "al",   "el",  "ul",  "ad",    "ar",   "as",  "at",  "az",  "an",  "ash", "bin", "ibn",
    "bint", "ben", "bn",  "abu",   "abou", "abo", "van", "von", "der", "den", "de",  "da",
    "di",   "du",  "del", "della", "dos",  "das", "la",  "le",  "ter", "ten", "zu",
};

static bool is_particle(const char *t, size_t n)
{
	for (size_t i = 0; i < sizeof(PARTICLES) / sizeof(PARTICLES[0]); i++)
		if (strlen(PARTICLES[i]) == n && memcmp(PARTICLES[i], t, n) == 0)
			return true;
	return false;
}

/* Readings of a token's letters (see the rule at the top of the file). */
enum { R_SOFT = 1, R_HARD = 2, R_MUTE = 4 };
static const int READINGS[] = {R_SOFT, R_HARD, R_MUTE, R_SOFT | R_MUTE, R_HARD | R_MUTE};

static bool vowel(char c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

static bool front(char c)
{
	return c == 'e' || c == 'i' || c == 'y';
}

/*
 * The skeleton of one normalised token (lowercase ASCII) into out
 * (PHON_MAX + 1 bytes) in reading rd (0 or R_* flags); returns its length.
 * Not ICU and not cu_name_phonetic: only this file decides which spellings
 * share a block.
 */
static size_t skeleton(char *out, const char *t, size_t len, int rd)
{
	size_t k = 0;
	bool soft = rd & R_SOFT, hard = rd & R_HARD, mute = rd & R_MUTE;
	for (size_t i = 0; i < len && k < PHON_MAX; i++) {
		char c = t[i], nx = i + 1 < len ? t[i + 1] : 0, cl;
		char pv = i > 0 ? t[i - 1] : 0;
		if (vowel(c) || c == nx) /* vowels go, double letters count once */
			continue;
		if (c == 'g' && pv == 'n' &&
		    (mute || !nx || (!vowel(nx) && nx != 'h') ||
		     (nx == 'h' && (i + 2 == len || !vowel(t[i + 2]))))) {
			/* ng, ngh before a consonant or at the end (mute: always): n */
			i += nx == 'h';
			continue;
		}
		if (nx == 'h' && (c == 's' || c == 'z' || c == 'c' || c == 't' || c == 'p' ||
		                  c == 'd' || c == 'k' || c == 'g' || c == 'r')) {
			/* sh zh -> s, ch -> s (soft, hard: k), th dh -> t, ph -> b,
			 * kh gh -> k, rh -> r */
			cl = c == 's' || c == 'z'   ? 's'
			     : c == 'c'             ? (soft || hard ? 'k' : 's')
			     : c == 't' || c == 'd' ? 't'
			     : c == 'p'             ? 'b'
			     : c == 'r'             ? 'r'
			                            : 'k';
			i++;
		} else {
			switch (c) {
			case 'h': /* final: silent; mute: initial or after a vowel (haanel, rehn) */
				if (!nx || (mute && (i == 0 || (vowel(pv) && !vowel(nx)))))
					continue;
				cl = 'k'; /* h, kh, x, Ukrainian h for g: one class */
				break;
			case 'j': /* y (jovan); soft: dzh, zh (jimmo, jouve); hard: g, kh (jaime) */
				if (!soft && !hard)
					continue;
				cl = soft ? 's' : 'k';
				break;
			case 'c': /* soft before e i y, hard elsewhere; soft: ts; hard: k */
				cl = hard ? 'k' : soft || front(nx) ? 's' : 'k';
				break;
			case 'g': /* soft: before e i y (germano ~ dzhermano) */
				cl = soft && front(nx) ? 's' : 'k';
				break;
			case 'k':
			case 'q':
				cl = 'k';
				break;
			case 'x': /* ks */
				if (k + 1 >= PHON_MAX)
					goto done;
				if (k == 0 || out[k - 1] != 'k')
					out[k++] = 'k';
				cl = 's';
				break;
			case 's': /* mute: Latin -us, -es that Russian drops (ovinius) */
				if (mute && !nx && vowel(pv))
					continue;
				cl = 's';
				break;
			case 'z':
				cl = 's';
				break;
			case 't':
			case 'd': /* ts tz dz tch tsch; soft: dj; mute: French final t */
				if (nx == 's' || nx == 'z' ||
				    (nx == 'c' && i + 2 < len && t[i + 2] == 'h') ||
				    (soft && c == 'd' && nx == 'j') ||
				    (mute && !nx && (vowel(pv) || pv == 'r')))
					continue;
				cl = 't';
				break;
			case 'w': /* mute: a vowel (tedrow ~ tedrou, zawi ~ zaui) */
				if (mute)
					continue;
				/* fall through */
			case 'v': /* mute: initial before a consonant, Hebrew vav (vrmn ~ orman) */
				if (mute && i == 0 && nx && !vowel(nx))
					continue;
				cl = 'b';
				break;
			case 'b':
			case 'p':
			case 'f':
				cl = 'b';
				break;
			default:
				cl = c;
			}
		}
		if (k > 0 && out[k - 1] == cl)
			continue;
		out[k++] = cl;
	}
done:
	if (k == 0) { /* all vowels ("ia", "eo"): the token itself */
		k = len < PHON_MAX ? len : PHON_MAX;
		memcpy(out, t, k);
	}
	out[k] = 0;
	return k;
}

static void name_keys(keyset *ks, const cu_mrec *r, const char *name, key_fn emit, void *ctx)
{
	uint32_t bit[KEY_TOKENS];
	char sk[KEY_TOKENS][PHON_MAX + 1], alt[PHON_MAX + 1];
	char key[2 * PHON_MAX + 16];
	int ns = 0, kind = r->kind % 10;
	for (const char *p = name; *p && ns < KEY_TOKENS;) {
		while (*p == ' ')
			p++;
		const char *e = p;
		while (*e && *e != ' ')
			e++;
		size_t len = (size_t)(e - p);
		if (len >= 2 && !is_particle(p, len) && skeleton(sk[ns], p, len, 0) > 0) {
			/* the same token in two aliases has the same bit */
			bit[ns] = (uint32_t)1 << (key_hash(sk[ns], strlen(sk[ns])) & 31);
			for (size_t a = 0; a < sizeof(READINGS) / sizeof(READINGS[0]); a++) {
				if (skeleton(alt, p, len, READINGS[a]) == 0 ||
				    strcmp(alt, sk[ns]) == 0)
					continue;
				int n = snprintf(key, sizeof(key), "t%d:%s", kind, alt);
				key_emit(ks, emit, ctx, key, (size_t)n, bit[ns]);
			}
			ns++;
		}
		p = e;
	}
	for (int i = 0; i < ns; i++) {
		int n = snprintf(key, sizeof(key), "t%d:%s", kind, sk[i]);
		key_emit(ks, emit, ctx, key, (size_t)n, bit[i]);
		if (r->year > 0) {
			n = snprintf(key, sizeof(key), "y%d:%04d:%s", kind, r->year, sk[i]);
			key_emit(ks, emit, ctx, key, (size_t)n, bit[i]);
		}
		for (int j = i + 1; j < ns; j++) {
			bool lt = strcmp(sk[i], sk[j]) <= 0;
			n = snprintf(key, sizeof(key), "p%d:%s %s", kind, lt ? sk[i] : sk[j],
			             lt ? sk[j] : sk[i]);
			key_emit(ks, emit, ctx, key, (size_t)n, 0);
		}
	}
}

static void keys_walk(const cu_mrec *r, key_fn emit, void *ctx)
{
	keyset ks;
	ks.n = 0;
	for (int i = 0; i < r->nids; i++) {
		const char *id = cu_mrec_id(r, i);
		key_emit(&ks, emit, ctx, id, strlen(id), 0);
	}
	for (int i = 0; i < r->nnames; i++)
		name_keys(&ks, r, cu_mrec_name(r, i), emit, ctx);
}

typedef struct public_emit {
	cu_mkey_fn emit;
	void *ctx;
} public_emit;

static void public_key(void *ctx, const char *key, size_t len, uint32_t tok)
{
	(void)tok;
	public_emit *pe = ctx;
	pe->emit(pe->ctx, key, len);
}

void cu_mrec_keys(const cu_mrec *r, cu_mkey_fn emit, void *ctx)
{
	public_emit pe = {emit, ctx};
	keys_walk(r, public_key, &pe);
}

/* ---- Blocking index ----------------------------------------------------- */

/*
 * Records are copied into one array (the cu_mrec header, 96 bytes, with its
 * text in shared arena chunks) beside their ids and groups. Keys are 64-bit
 * hashes (a collision only adds candidates) in an open-addressing table;
 * each entry holds its block: the records that emitted the key, in the
 * order they were added, so ascending.
 *
 *   table  [ h | off | n ] [ empty ] [ h | off | n ] ...     16 bytes each
 *                  |                        |
 *          n == 1: off is the record        n in 2..BLOCK_MAX: off is an
 *                                           array of cap = 2^k in the pool
 *   pool   [ 3 17 | 5 9 12 . | free | 40 41 42 43 44 . . . | ... ] uint32
 *
 * A block that grows beyond BLOCK_MAX records is giant: its array goes back
 * to the pool (free lists per size class) and only its count is kept. Giant
 * blocks are never used: a key that common (a given name on its own, a
 * particle) says little, and blocks only grow, so the rule is stable. A
 * query therefore meets at most BLOCK_MAX records per key, which bounds
 * its cost; the year-refined keys keep common names in play.
 *
 * Of the records a query meets, only candidates are scored (key_evidence()):
 * those sharing an identifier, a pair of tokens or a token of a block of at
 * most RARE_BLOCK records, or else the keys of two different tokens. On the
 * generated population of 300,000 (bench/match; the percentage is of the
 * 105,463 true pairs the scorer puts above the threshold when given them
 * directly, of 119,360 in all):
 *
 *   BLOCK_MAX  RARE_BLOCK  pairs scored  true pairs found
 *      256         16         11.4 M          93,092  (88.3%)
 *      128         16          6.8 M          90,959  (86.2%)
 *      128         32          8.5 M          94,529  (89.6%)   <- kept
 *      128         64         12.4 M          97,655  (92.6%)
 *   (a key of the first three consonants of each pair of tokens: +4.9 M
 *   pairs for +2,400 found, not kept)
 *
 * What is lost is mostly common names without a date of birth (a giant
 * block and no year key), where name-only hits are mostly false anyway,
 * and a typo in the one rare token beside a common one.
 */
#define BLOCK_MAX 128u  /* a power of two */
#define RARE_BLOCK 32u  /* a token this rare makes a candidate on its own */
#define BLOCK_CLASSES 8 /* arrays of 2, 4, ... BLOCK_MAX */
#define NONE UINT32_MAX
#define ARENA_CHUNK ((size_t)4 << 20)

typedef struct kent {
	uint64_t h;
	uint32_t off, n; /* n == 0: empty slot */
} kent;

typedef struct chunk {
	struct chunk *next;
	size_t used, cap;
	char data[];
} chunk;

struct cu_mindex {
	pthread_rwlock_t lock;
	cu_mrec *recs;
	int64_t *ids, *groups;
	size_t n, cap;
	chunk *text;
	kent *tab;
	size_t tabcap, keys; /* tabcap a power of two */
	uint32_t *pool;
	size_t poollen, poolcap;
	uint32_t freel[BLOCK_CLASSES + 1];
};

cu_mindex *cu_mindex_new(void)
{
	cu_mindex *ix = calloc(1, sizeof(*ix));
	if (!ix)
		return NULL;
	if (pthread_rwlock_init(&ix->lock, NULL) != 0) {
		free(ix);
		return NULL;
	}
	for (int i = 0; i <= BLOCK_CLASSES; i++)
		ix->freel[i] = NONE;
	return ix;
}

void cu_mindex_free(cu_mindex *ix)
{
	if (!ix)
		return;
	for (chunk *c = ix->text, *nx; c; c = nx) {
		nx = c->next;
		free(c);
	}
	free(ix->recs);
	free(ix->ids);
	free(ix->groups);
	free(ix->tab);
	free(ix->pool);
	pthread_rwlock_destroy(&ix->lock);
	free(ix);
}

size_t cu_mindex_size(const cu_mindex *ix)
{
	cu_mindex *w = (cu_mindex *)ix;
	pthread_rwlock_rdlock(&w->lock);
	size_t n = ix->n;
	pthread_rwlock_unlock(&w->lock);
	return n;
}

static char *arena_copy(cu_mindex *ix, const char *p, size_t n)
{
	chunk *c = ix->text;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > ARENA_CHUNK ? n : ARENA_CHUNK;
		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->next = ix->text, c->used = 0, c->cap = cap;
		ix->text = c;
	}
	char *d = c->data + c->used;
	memcpy(d, p, n);
	c->used += n;
	return d;
}

static int size_class(uint32_t cap)
{
	return __builtin_ctz(cap);
}

static uint32_t pool_alloc(cu_mindex *ix, uint32_t cap)
{
	int k = size_class(cap);
	uint32_t off = ix->freel[k];
	if (off != NONE) {
		ix->freel[k] = ix->pool[off];
		return off;
	}
	if (ix->poollen + cap > ix->poolcap) {
		size_t nc = ix->poolcap ? ix->poolcap * 2 : (size_t)1 << 20;
		if (nc > NONE)
			return NONE;
		uint32_t *p = realloc(ix->pool, nc * sizeof(uint32_t));
		if (!p)
			return NONE;
		ix->pool = p, ix->poolcap = nc;
	}
	off = (uint32_t)ix->poollen;
	ix->poollen += cap;
	return off;
}

static void pool_release(cu_mindex *ix, uint32_t off, uint32_t cap)
{
	int k = size_class(cap);
	ix->pool[off] = ix->freel[k];
	ix->freel[k] = off;
}

static uint32_t cap_of(uint32_t n)
{
	uint32_t c = 2;
	while (c < n)
		c <<= 1;
	return c;
}

static const kent *tab_find(const cu_mindex *ix, uint64_t h)
{
	if (!ix->tabcap)
		return NULL;
	size_t mask = ix->tabcap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		const kent *e = &ix->tab[i];
		if (e->n == 0)
			return NULL;
		if (e->h == h)
			return e;
	}
}

static int tab_grow(cu_mindex *ix)
{
	size_t nc = ix->tabcap ? ix->tabcap * 2 : 1024;
	kent *t = calloc(nc, sizeof(kent));
	if (!t)
		return CU_ENOMEM;
	for (size_t i = 0; i < ix->tabcap; i++) {
		kent *e = &ix->tab[i];
		if (!e->n)
			continue;
		size_t j = e->h & (nc - 1);
		while (t[j].n)
			j = (j + 1) & (nc - 1);
		t[j] = *e;
	}
	free(ix->tab);
	ix->tab = t, ix->tabcap = nc;
	return 0;
}

/* Adds record rec to the block of key h. */
static int block_add(cu_mindex *ix, uint64_t h, uint32_t rec)
{
	if ((ix->keys + 1) * 10 > ix->tabcap * 7) {
		int r = tab_grow(ix);
		if (r)
			return r;
	}
	size_t mask = ix->tabcap - 1, i = h & mask;
	while (ix->tab[i].n && ix->tab[i].h != h)
		i = (i + 1) & mask;
	kent *e = &ix->tab[i];
	if (e->n == 0) {
		*e = (kent){h, rec, 1};
		ix->keys++;
		return 0;
	}
	if (e->n > BLOCK_MAX) { /* giant: counted only */
		if (e->n < NONE)
			e->n++;
		return 0;
	}
	uint32_t last = e->n == 1 ? e->off : ix->pool[e->off + e->n - 1];
	if (last == rec)
		return 0;
	if (e->n == BLOCK_MAX) {
		pool_release(ix, e->off, BLOCK_MAX);
		e->off = NONE;
		e->n++;
		return 0;
	}
	uint32_t cap = e->n == 1 ? 1 : cap_of(e->n);
	if (e->n == cap) {
		uint32_t off = pool_alloc(ix, cap * 2);
		if (off == NONE)
			return CU_ENOMEM;
		if (e->n == 1) {
			ix->pool[off] = e->off;
		} else {
			memcpy(ix->pool + off, ix->pool + e->off, e->n * sizeof(uint32_t));
			pool_release(ix, e->off, cap);
		}
		e->off = off;
	}
	ix->pool[e->off + e->n++] = rec;
	return 0;
}

static const uint32_t *block_get(const cu_mindex *ix, const kent *e, uint32_t *n)
{
	if (!e || e->n > BLOCK_MAX) {
		*n = 0;
		return NULL;
	}
	*n = e->n;
	return e->n == 1 ? &e->off : ix->pool + e->off;
}

static void key_collect(void *ctx, const char *key, size_t len, uint32_t tok)
{
	keyset *ks = ctx;
	if (ks->n < KEYS_MAX) {
		ks->tok[ks->n] = tok;
		ks->h[ks->n++] = key_hash(key, len);
	}
}

/*
 * What a shared key says about a candidate: a strong key (an identifier, a
 * pair of tokens) or a rare token's key (a block of at most RARE_BLOCK) is
 * enough on its own; a more common token's key, alone or with the year,
 * only counts with another token's: the bits of the tokens are ORed and
 * candidate() wants two.
 */
static uint32_t key_evidence(uint32_t tok, uint32_t block_n)
{
	return tok == 0 || block_n <= RARE_BLOCK ? UINT32_MAX : tok;
}

static bool candidate(uint32_t evidence)
{
	return evidence == UINT32_MAX || (evidence & (evidence - 1)) != 0;
}

int cu_mindex_add(cu_mindex *ix, int64_t id, int64_t group, const cu_mrec *r)
{
	keyset ks;
	int rc = 0;
	if (r->len > UINT16_MAX || r->nnames > CU_MREC_NAMES || r->nids > CU_MREC_IDS)
		return cu_error_set(CU_EINVALID, "match record out of bounds");
	ks.n = 0;
	keys_walk(r, key_collect, &ks); /* outside the lock: skeletons cost */
	pthread_rwlock_wrlock(&ix->lock);
	if (ix->n >= NONE - 1) {
		rc = cu_error_set(CU_ETOOBIG, "blocking index full");
		goto out;
	}
	if (ix->n == ix->cap) {
		size_t nc = ix->cap ? ix->cap * 2 : 1024;
		cu_mrec *rs = realloc(ix->recs, nc * sizeof(*rs));
		if (rs)
			ix->recs = rs;
		int64_t *ids = realloc(ix->ids, nc * sizeof(*ids));
		if (ids)
			ix->ids = ids;
		int64_t *gs = realloc(ix->groups, nc * sizeof(*gs));
		if (gs)
			ix->groups = gs;
		if (!rs || !ids || !gs) {
			rc = CU_ENOMEM;
			goto out;
		}
		ix->cap = nc;
	}
	cu_mrec *d = &ix->recs[ix->n];
	*d = *r;
	d->text = r->len ? arena_copy(ix, r->text, r->len) : NULL;
	d->cap = d->len;
	if (r->len && !d->text) {
		rc = CU_ENOMEM;
		goto out;
	}
	/* A failure part-way leaves the record in some blocks but not counted:
	 * those postings point past n and are ignored by queries. */
	for (size_t i = 0; i < ks.n && rc == 0; i++)
		rc = block_add(ix, ks.h[i], (uint32_t)ix->n);
	if (rc == 0) {
		ix->ids[ix->n] = id;
		ix->groups[ix->n] = group;
		ix->n++;
	}
out:
	pthread_rwlock_unlock(&ix->lock);
	return rc;
}

/* ---- Queries ------------------------------------------------------------ */

/* Record numbers with their evidence (open addressing, NONE = empty), for one query. */
typedef struct rset {
	uint32_t *v, *ev;
	size_t cap, n;
} rset;

static int rset_reset(rset *s, size_t want)
{
	size_t cap = 64;
	while (cap < want * 2)
		cap <<= 1;
	if (cap > s->cap) {
		free(s->v);
		s->v = malloc(cap * 2 * sizeof(uint32_t));
		if (!s->v) {
			s->cap = 0;
			return CU_ENOMEM;
		}
		s->cap = cap;
	}
	s->ev = s->v + cap;
	memset(s->v, 0xff, cap * sizeof(uint32_t));
	s->n = cap; /* the part in use */
	return 0;
}

/* Adds evidence ev for x. */
static void rset_add(rset *s, uint32_t x, uint32_t ev)
{
	size_t mask = s->n - 1;
	for (size_t i = (x * 0x9e3779b1u) & mask;; i = (i + 1) & mask) {
		if (s->v[i] == x) {
			s->ev[i] |= ev;
			return;
		}
		if (s->v[i] == NONE) {
			s->v[i] = x;
			s->ev[i] = ev;
			return;
		}
	}
}

int64_t cu_mindex_query(const cu_mindex *ix, const cu_mrec *r, int64_t group, double threshold,
                        cu_mhit_fn fn, void *ctx)
{
	keyset ks;
	rset seen = {0};
	const kent *es[KEYS_MAX];
	int64_t examined = 0;
	ks.n = 0;
	keys_walk(r, key_collect, &ks);
	cu_mindex *w = (cu_mindex *)ix;
	pthread_rwlock_rdlock(&w->lock);
	size_t total = 0;
	for (size_t i = 0; i < ks.n; i++) {
		uint32_t n;
		es[i] = tab_find(ix, ks.h[i]);
		block_get(ix, es[i], &n);
		total += n;
	}
	if (rset_reset(&seen, total) != 0) {
		examined = CU_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < ks.n; i++) {
		uint32_t n;
		const uint32_t *b = block_get(ix, es[i], &n);
		uint32_t ev = key_evidence(ks.tok[i], n);
		for (uint32_t k = 0; k < n; k++)
			if (b[k] < ix->n && ix->groups[b[k]] != group)
				rset_add(&seen, b[k], ev);
	}
	for (size_t i = 0; i < seen.n; i++) {
		uint32_t j = seen.v[i];
		if (j == NONE || !candidate(seen.ev[i]))
			continue;
		cu_mscore s;
		cu_match_score(r, &ix->recs[j], &s);
		examined++;
		if (s.score >= threshold && fn && fn(ctx, ix->ids[j], ix->groups[j], &s))
			goto out;
	}
out:
	pthread_rwlock_unlock(&w->lock);
	free(seen.v);
	return examined;
}

/* ---- Self-join ---------------------------------------------------------- */

/*
 * Threads take the records in chunks; for record i, each of its usable
 * blocks is read from its end down to i (blocks are ascending), so a pair
 * {i, j}, j > i, is met only from i; a per-thread stamp array (seen[j] ==
 * i + 1) keeps a pair that shares several keys from being scored twice.
 * The callback runs under a mutex and may stop the join.
 */
#define JOIN_CHUNK 512

typedef struct join {
	const cu_mindex *ix;
	double threshold;
	cu_mhit_fn fn;
	void *ctx;
	pthread_mutex_t mu;
	atomic_size_t next;
	atomic_bool stop;
	atomic_llong examined;
	atomic_int err;
} join;

static void join_run(join *jn)
{
	const cu_mindex *ix = jn->ix;
	size_t nrec = ix->n ? ix->n : 1;
	uint32_t *seen = calloc(nrec, sizeof(uint32_t)), *ev = malloc(nrec * sizeof(uint32_t));
	uint32_t *cand = malloc((size_t)KEYS_MAX * BLOCK_MAX * sizeof(uint32_t));
	long long examined = 0;
	keyset ks;
	if (!seen || !ev || !cand) {
		atomic_store(&jn->err, CU_ENOMEM);
		atomic_store(&jn->stop, true);
		goto done;
	}
	while (!atomic_load_explicit(&jn->stop, memory_order_relaxed)) {
		size_t i0 = atomic_fetch_add(&jn->next, JOIN_CHUNK);
		if (i0 >= ix->n)
			break;
		size_t i1 = i0 + JOIN_CHUNK < ix->n ? i0 + JOIN_CHUNK : ix->n;
		for (size_t i = i0; i < i1; i++) {
			const cu_mrec *ri = &ix->recs[i];
			int64_t gi = ix->groups[i];
			size_t nc = 0;
			ks.n = 0;
			keys_walk(ri, key_collect, &ks);
			for (size_t q = 0; q < ks.n; q++) {
				uint32_t n;
				const uint32_t *b = block_get(ix, tab_find(ix, ks.h[q]), &n);
				uint32_t e = key_evidence(ks.tok[q], n);
				for (uint32_t k = n; k-- > 0;) {
					uint32_t j = b[k];
					if (j <= i)
						break;
					if (j >= ix->n || ix->groups[j] == gi)
						continue;
					if (seen[j] != i + 1) {
						seen[j] = (uint32_t)i + 1;
						ev[j] = 0;
						cand[nc++] = j;
					}
					ev[j] |= e;
				}
			}
			for (size_t c = 0; c < nc; c++) {
				uint32_t j = cand[c];
				if (!candidate(ev[j]))
					continue;
				cu_mscore s;
				cu_match_score(ri, &ix->recs[j], &s);
				examined++;
				if (s.score < jn->threshold || !jn->fn)
					continue;
				pthread_mutex_lock(&jn->mu);
				int stop = atomic_load(&jn->stop)
				               ? 1
				               : jn->fn(jn->ctx, ix->ids[i], ix->ids[j], &s);
				pthread_mutex_unlock(&jn->mu);
				if (stop) {
					atomic_store(&jn->stop, true);
					goto done;
				}
			}
		}
	}
done:
	atomic_fetch_add(&jn->examined, examined);
	free(seen);
	free(ev);
	free(cand);
}

static void *join_worker(void *arg)
{
	join_run(arg);
	cu_match_thread_done();
	return NULL;
}

int64_t cu_mindex_selfjoin(const cu_mindex *ix, double threshold, int nthreads, cu_mhit_fn fn,
                           void *ctx)
{
	join jn = {.ix = ix, .threshold = threshold, .fn = fn, .ctx = ctx};
	pthread_t th[64];
	int started = 0;
	if (nthreads < 1)
		nthreads = 1;
	if (nthreads > 64)
		nthreads = 64;
	pthread_mutex_init(&jn.mu, NULL);
	atomic_init(&jn.next, 0);
	atomic_init(&jn.stop, false);
	atomic_init(&jn.examined, 0);
	atomic_init(&jn.err, 0);
	cu_mindex *w = (cu_mindex *)ix;
	pthread_rwlock_rdlock(&w->lock);
	for (int t = 1; t < nthreads; t++) {
		if (pthread_create(&th[started], NULL, join_worker, &jn) != 0)
			break;
		started++;
	}
	join_run(&jn); /* the calling thread works too (its ICU cache stays) */
	for (int t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	pthread_rwlock_unlock(&w->lock);
	pthread_mutex_destroy(&jn.mu);
	int err = atomic_load(&jn.err);
	return err ? err : (int64_t)atomic_load(&jn.examined);
}
