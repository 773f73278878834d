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
 * S(tok) the consonant skeleton of a token's phonetic key (cu_name_phonetic
 * folds spelling variants: djordjevic/dordevic -> dordevic; the skeleton
 * then drops the vowels and h, which is where transliterations of Arabic
 * and Hebrew disagree most, since those scripts mostly leave vowels
 * unwritten, and folds consonants transliterations confuse: mohammed,
 * muhammad, "mhmd" -> mt; froese, "freze" -> frs) and K the record's kind:
 *
 *   "tK:S(tok)"          each token: recall when the other parts of a name
 *                        are misspelt; only rare tokens make usable blocks
 *   "pK:S(a) S(b)"       each unordered pair of tokens, sorted: survives
 *                        swapped name order and missing middle names
 *   "yK:YYYY:S(tok)"     each token with the year of birth, when known: a
 *                        common given name is a giant block on its own but a
 *                        small one within a year
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
	size_t n;
} keyset;

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
static void key_emit(keyset *ks, cu_mkey_fn emit, void *ctx, const char *key, size_t len)
{
	uint64_t h = key_hash(key, len);
	for (size_t i = 0; i < ks->n; i++)
		if (ks->h[i] == h)
			return;
	if (ks->n == KEYS_MAX)
		return;
	ks->h[ks->n++] = h;
	emit(ctx, key, len);
}

static const char *const PARTICLES[] = {
	"al", "el", "ul", "ad", "ar", "as", "at", "az", "an", "ash", "bin", "ibn", "bint", "ben",
	"bn", "abu", "abou", "abo", "van", "von", "der", "den", "de", "da", "di", "du", "del",
	"della", "dos", "das", "la", "le", "ter", "ten", "zu",
};

static bool is_particle(const char *t, size_t n)
{
	for (size_t i = 0; i < sizeof(PARTICLES) / sizeof(PARTICLES[0]); i++)
		if (strlen(PARTICLES[i]) == n && memcmp(PARTICLES[i], t, n) == 0)
			return true;
	return false;
}

/*
 * Consonants by the class transliterations confuse (s z c x, k g q, t d,
 * b p, f v w); vowels and h go (h stands for nothing in many spellings:
 * mohammed/mohamed, and for three different letters of Arabic).
 */
static char fold(char c)
{
	switch (c) {
	case 'a': case 'e': case 'i': case 'o': case 'u': case 'y': case 'h':
		return 0;
	case 'z': case 'c': case 'x':
		return 's';
	case 'g': case 'q':
		return 'k';
	case 'd':
		return 't';
	case 'p':
		return 'b';
	case 'v': case 'w':
		return 'f';
	default:
		return c;
	}
}

/* The skeleton of one token into out (PHON_MAX + 1 bytes); its length. */
static size_t skeleton(char *out, const char *tok, size_t len)
{
	char ph[2 * PHON_MAX + 2];
	int n = cu_name_phonetic(ph, sizeof(ph), tok, len);
	if (n <= 0) { /* no phonetic key: the token itself stands for it */
		n = (int)(len < sizeof(ph) - 1 ? len : sizeof(ph) - 1);
		memcpy(ph, tok, (size_t)n);
	}
	if (n > (int)sizeof(ph) - 1)
		n = (int)sizeof(ph) - 1;
	size_t k = 0;
	for (int i = 0; i < n && k < PHON_MAX; i++) {
		char c = fold(ph[i]);
		if (!c || (k > 0 && out[k - 1] == c))
			continue;
		out[k++] = c;
	}
	if (k == 0) { /* all vowels ("ia"): the phonetic key itself */
		k = (size_t)n < PHON_MAX ? (size_t)n : PHON_MAX;
		memcpy(out, ph, k);
	}
	out[k] = 0;
	return k;
}

static void name_keys(keyset *ks, const cu_mrec *r, const char *name, cu_mkey_fn emit, void *ctx)
{
	char sk[KEY_TOKENS][PHON_MAX + 1];
	char key[2 * PHON_MAX + 16];
	int ns = 0, kind = r->kind % 10;
	for (const char *p = name; *p && ns < KEY_TOKENS;) {
		while (*p == ' ')
			p++;
		const char *e = p;
		while (*e && *e != ' ')
			e++;
		size_t len = (size_t)(e - p);
		if (len >= 2 && !is_particle(p, len) && skeleton(sk[ns], p, len) > 0)
			ns++;
		p = e;
	}
	for (int i = 0; i < ns; i++) {
		int n = snprintf(key, sizeof(key), "t%d:%s", kind, sk[i]);
		key_emit(ks, emit, ctx, key, (size_t)n);
		if (r->year > 0) {
			n = snprintf(key, sizeof(key), "y%d:%04d:%s", kind, r->year, sk[i]);
			key_emit(ks, emit, ctx, key, (size_t)n);
		}
		for (int j = i + 1; j < ns; j++) {
			bool lt = strcmp(sk[i], sk[j]) <= 0;
			n = snprintf(key, sizeof(key), "p%d:%s %s", kind, lt ? sk[i] : sk[j],
			             lt ? sk[j] : sk[i]);
			key_emit(ks, emit, ctx, key, (size_t)n);
		}
	}
}

void cu_mrec_keys(const cu_mrec *r, cu_mkey_fn emit, void *ctx)
{
	keyset ks;
	ks.n = 0;
	for (int i = 0; i < r->nids; i++) {
		const char *id = cu_mrec_id(r, i);
		key_emit(&ks, emit, ctx, id, strlen(id));
	}
	for (int i = 0; i < r->nnames; i++)
		name_keys(&ks, r, cu_mrec_name(r, i), emit, ctx);
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
 */
#define BLOCK_MAX 256u /* a power of two */
#define BLOCK_CLASSES 9 /* arrays of 2, 4, ... BLOCK_MAX */
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

static void key_collect(void *ctx, const char *key, size_t len)
{
	keyset *ks = ctx;
	if (ks->n < KEYS_MAX)
		ks->h[ks->n++] = key_hash(key, len);
}

int cu_mindex_add(cu_mindex *ix, int64_t id, int64_t group, const cu_mrec *r)
{
	keyset ks;
	int rc = 0;
	if (r->len > UINT16_MAX || r->nnames > CU_MREC_NAMES || r->nids > CU_MREC_IDS)
		return cu_error_set(CU_EINVALID, "match record out of bounds");
	ks.n = 0;
	cu_mrec_keys(r, key_collect, &ks); /* outside the lock: phonetic keys cost */
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

/* A set of record numbers (open addressing, NONE = empty) for one query. */
typedef struct rset {
	uint32_t *v;
	size_t cap, n;
} rset;

static int rset_reset(rset *s, size_t want)
{
	size_t cap = 64;
	while (cap < want * 2)
		cap <<= 1;
	if (cap > s->cap) {
		free(s->v);
		s->v = malloc(cap * sizeof(uint32_t));
		if (!s->v) {
			s->cap = 0;
			return CU_ENOMEM;
		}
		s->cap = cap;
	}
	memset(s->v, 0xff, cap * sizeof(uint32_t));
	s->n = cap; /* the part in use */
	return 0;
}

/* Adds x; true if it was not there. */
static bool rset_add(rset *s, uint32_t x)
{
	size_t mask = s->n - 1;
	for (size_t i = (x * 0x9e3779b1u) & mask;; i = (i + 1) & mask) {
		if (s->v[i] == x)
			return false;
		if (s->v[i] == NONE) {
			s->v[i] = x;
			return true;
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
	cu_mrec_keys(r, key_collect, &ks);
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
		for (uint32_t k = 0; k < n; k++) {
			uint32_t j = b[k];
			if (j >= ix->n || ix->groups[j] == group || !rset_add(&seen, j))
				continue;
			cu_mscore s;
			cu_match_score(r, &ix->recs[j], &s);
			examined++;
			if (s.score >= threshold && fn && fn(ctx, ix->ids[j], ix->groups[j], &s))
				goto out;
		}
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
	uint32_t *seen = calloc(ix->n ? ix->n : 1, sizeof(uint32_t));
	long long examined = 0;
	keyset ks;
	if (!seen) {
		atomic_store(&jn->err, CU_ENOMEM);
		atomic_store(&jn->stop, true);
		return;
	}
	while (!atomic_load_explicit(&jn->stop, memory_order_relaxed)) {
		size_t i0 = atomic_fetch_add(&jn->next, JOIN_CHUNK);
		if (i0 >= ix->n)
			break;
		size_t i1 = i0 + JOIN_CHUNK < ix->n ? i0 + JOIN_CHUNK : ix->n;
		for (size_t i = i0; i < i1; i++) {
			const cu_mrec *ri = &ix->recs[i];
			int64_t gi = ix->groups[i];
			ks.n = 0;
			cu_mrec_keys(ri, key_collect, &ks);
			for (size_t q = 0; q < ks.n; q++) {
				uint32_t n;
				const uint32_t *b = block_get(ix, tab_find(ix, ks.h[q]), &n);
				for (uint32_t k = n; k-- > 0;) {
					uint32_t j = b[k];
					if (j <= i)
						break;
					if (j >= ix->n || seen[j] == i + 1)
						continue;
					seen[j] = (uint32_t)i + 1;
					if (ix->groups[j] == gi)
						continue;
					cu_mscore s;
					cu_match_score(ri, &ix->recs[j], &s);
					examined++;
					if (s.score < jn->threshold || !jn->fn)
						continue;
					pthread_mutex_lock(&jn->mu);
					int stop = atomic_load(&jn->stop) ? 1 : jn->fn(jn->ctx, ix->ids[i], ix->ids[j], &s);
					pthread_mutex_unlock(&jn->mu);
					if (stop) {
						atomic_store(&jn->stop, true);
						goto done;
					}
				}
			}
		}
	}
done:
	atomic_fetch_add(&jn->examined, examined);
	free(seen);
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
