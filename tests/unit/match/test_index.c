/* SPDX-License-Identifier: Apache-2.0 */
/* match tests: blocking keys and the in-memory blocking index (adds, queries, self-join). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "match/match.h"

/* A person record from names separated by '|', a date ("" none) and identifiers. */
static void person(cu_mrec *r, const char *names, const char *dob, const char *id)
{
	char buf[512];
	cu_mrec_init(r, CU_MK_PERSON);
	snprintf(buf, sizeof(buf), "%s", names);
	for (char *p = buf, *e; p; p = e) {
		e = strchr(p, '|');
		if (e)
			*e++ = 0;
		if (cu_mrec_add_name(r, p) != 0)
			fail_msg("cu_mrec_add_name(%s): %s", p, cu_error_message(CU_EINVALID));
	}
	if (dob && *dob)
		assert_int_equal(cu_mrec_set_dob(r, dob), 0);
	if (id)
		assert_int_equal(cu_mrec_add_id(r, id), 0);
}

/* ---- keys ---------------------------------------------------------------- */

typedef struct keys {
	char k[256][80];
	bool usable[256]; /* the key's block has at most 128 records (BLOCK_MAX) */
	int block[256];   /* records in the key's block */
	int n;
} keys;

static void key_save(void *ctx, const char *key, size_t len)
{
	keys *ks = ctx;
	assert_true(len > 0 && len < 80);
	if (ks->n < 256)
		snprintf(ks->k[ks->n++], 80, "%.*s", (int)len, key);
}

static bool share_key(const keys *a, const keys *b)
{
	for (int i = 0; i < a->n; i++)
		for (int j = 0; j < b->n; j++)
			if (!strcmp(a->k[i], b->k[j]))
				return true;
	return false;
}

static bool share_usable_key(const keys *a, const keys *b)
{
	for (int i = 0; i < a->n; i++)
		for (int j = 0; j < b->n; j++)
			if (a->usable[i] && !strcmp(a->k[i], b->k[j]))
				return true;
	return false;
}

/* A token's key ("t0:...", "y0:1970:..."): alone, it makes a candidate only
 * if its block is rare (at most 32 records, index.c's RARE_BLOCK). */
static bool token_key(const char *k)
{
	return (k[0] == 't' || k[0] == 'y') && k[1] >= '0' && k[1] <= '9' && k[2] == ':';
}

/* Shares a key that makes a candidate on its own: a pair of tokens, an
 * identifier, a rare token. */
static bool share_sufficient_key(const keys *a, const keys *b)
{
	for (int i = 0; i < a->n; i++)
		for (int j = 0; j < b->n; j++)
			if (a->usable[i] && !strcmp(a->k[i], b->k[j]) &&
			    (!token_key(a->k[i]) || (a->k[i][0] == 't' && a->block[i] <= 32)))
				return true;
	return false;
}

static int str_cmp(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Marks the keys of blocks of at most 128 records (each record emits a key once). */
static void mark_usable(keys *ks, int n)
{
	int total = 0;
	for (int i = 0; i < n; i++)
		total += ks[i].n;
	const char **all = malloc((size_t)total * sizeof(*all));
	assert_non_null(all);
	total = 0;
	for (int i = 0; i < n; i++)
		for (int k = 0; k < ks[i].n; k++)
			all[total++] = ks[i].k[k];
	qsort(all, (size_t)total, sizeof(*all), str_cmp);
	for (int i = 0; i < n; i++)
		for (int k = 0; k < ks[i].n; k++) {
			const char *key = ks[i].k[k];
			const char **hit = bsearch(&key, all, (size_t)total, sizeof(*all), str_cmp);
			while (hit > all && !strcmp(hit[-1], key))
				hit--;
			int c = 0;
			while (hit + c < all + total && !strcmp(hit[c], key))
				c++;
			ks[i].usable[k] = c <= 128;
			ks[i].block[k] = c;
		}
	free(all);
}

static void keys_of(keys *ks, const cu_mrec *r)
{
	ks->n = 0;
	cu_mrec_keys(r, key_save, ks);
}

static void test_match_index_keys__once_each(void **state)
{
	(void)state;
	cu_mrec r;
	keys ks;
	person(&r, "Ivan Ivan Petrov|Petrov Ivan", "1985-03", "phone:+46701234567");
	keys_of(&ks, &r);
	for (int i = 0; i < ks.n; i++)
		for (int j = i + 1; j < ks.n; j++)
			if (!strcmp(ks.k[i], ks.k[j]))
				fail_msg("key %s emitted twice", ks.k[i]);
	bool phone = false;
	for (int i = 0; i < ks.n; i++)
		phone = phone || !strcmp(ks.k[i], "phone:+46701234567");
	assert_true(phone);
	cu_mrec_free(&r);
}

/* Variants a blocking key must bring together. */
static void test_match_index_keys__variants_share_a_key(void **state)
{
	(void)state;
	static const char *const pairs[][2] = {
	    {"Đorđe Petrović", "Djordje Petrovic"},
	    {"Ђорђе Петровић", "Dorde Petrovic"},
	    {"Ђорђевић Марко", "Marko Djordjevic"},
	    {"Mohammed Al-Rashid", "Muhammad Rashid"},
	    {"محمد الرشيد", "Mohamed al Rashid"},
	    {"Юлия Тимошенко", "Yulia Tymoshenko"},
	    {"Aleksandr Sergeyevich Ivanov", "Alexander Ivanov"},
	    {"Γιώργος Παπαδόπουλος", "Giorgos Papadopoulos"},
	    {"Johansson Erik", "Erik Johanson"},
	};
	int bad = 0;
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		cu_mrec a, b;
		keys ka, kb;
		person(&a, pairs[i][0], NULL, NULL);
		person(&b, pairs[i][1], NULL, NULL);
		keys_of(&ka, &a);
		keys_of(&kb, &b);
		if (!share_key(&ka, &kb)) {
			print_error("no shared key: %s / %s (%s / %s)\n", pairs[i][0], pairs[i][1],
			            cu_mrec_name(&a, 0), cu_mrec_name(&b, 0));
			bad++;
		}
		cu_mrec_free(&a);
		cu_mrec_free(&b);
	}
	assert_int_equal(bad, 0);
}

/*
 * Spellings of one name across scripts that differ in a consonant (from the
 * kinds of misses on the Wikidata transliteration sets): h and kh, hard and
 * soft c and g, j read as y, dzh or kh, French silent endings, Hebrew vav
 * and final he, Arabic gh and j for g, ng before a consonant.
 */
static void test_match_index_keys__transliterations_share_a_key(void **state)
{
	(void)state;
	static const char *const pairs[][2] = {
	    {"Homolka", "Хомолка"},    {"Seebacher", "Зеебахер"}, {"Canibus", "Канибус"},
	    {"Germano", "Джермано"},   {"Jimmo", "Джиммо"},       {"Jaime", "Хайме"},
	    {"Diderot", "Дидро"},      {"Grabovac", "Грабовац"},  {"Radziwilowicz", "Радзивилович"},
	    {"Ovinius", "Овиний"},     {"Orman", "אורמן"},        {"Vegas", "וגאס"},
	    {"Campra", "קאמפרה"},      {"Casiraghi", "كاسيراجي"}, {"Lichtenberger", "ليشتنبرجر"},
	    {"Bengtsson", "بينغتسون"}, {"Velarde", "بيلاردي"},    {"Mengtao", "Мэнтао"},
	};
	int bad = 0;
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		cu_mrec a, b;
		keys ka, kb;
		person(&a, pairs[i][0], NULL, NULL);
		person(&b, pairs[i][1], NULL, NULL);
		keys_of(&ka, &a);
		keys_of(&kb, &b);
		if (!share_key(&ka, &kb)) {
			print_error("no shared key: %s / %s (%s / %s)\n", pairs[i][0], pairs[i][1],
			            cu_mrec_name(&a, 0), cu_mrec_name(&b, 0));
			bad++;
		}
		cu_mrec_free(&a);
		cu_mrec_free(&b);
	}
	assert_int_equal(bad, 0);
}

/* Different names keep different keys: the classes are not one big block. */
static void test_match_index_keys__different_names_apart(void **state)
{
	(void)state;
	static const char *const pairs[][2] = {
	    {"Petrov", "Ivanov"}, {"Marko", "Milan"},         {"Smirnov", "Kuznetsov"},
	    {"Haddad", "Nasser"}, {"Lindqvist", "Bergstrom"},
	};
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		cu_mrec a, b;
		keys ka, kb;
		person(&a, pairs[i][0], NULL, NULL);
		person(&b, pairs[i][1], NULL, NULL);
		keys_of(&ka, &a);
		keys_of(&kb, &b);
		if (share_key(&ka, &kb))
			fail_msg("%s and %s share a key", pairs[i][0], pairs[i][1]);
		cu_mrec_free(&a);
		cu_mrec_free(&b);
	}
}

/* ---- queries ------------------------------------------------------------- */

typedef struct hits {
	int64_t a[4096], b[4096];
	const char *attr[4096];
	int n;
} hits;

static int hit_save(void *ctx, int64_t a, int64_t b, const cu_mscore *s)
{
	hits *h = ctx;
	if (h->n < 4096) {
		h->a[h->n] = a;
		h->b[h->n] = b;
		h->attr[h->n] = s->attr;
		h->n++;
	}
	return 0;
}

static const char *const GIVEN[] = {"Marko",  "Stefan", "Milan",  "Nikola", "Jelena", "Ana",
                                    "Ivan",   "Olga",   "Pavel",  "Erik",   "Lars",   "Ingrid",
                                    "Pierre", "Jean",   "Luca",   "Giulia", "Hans",   "Klaus",
                                    "Ahmed",  "Omar",   "Fatima", "Layla",  "Yusuf",  "Karim"};
static const char *const FAMILY[] = {
    "Jovanovic", "Nikolic", "Markovic", "Ilic",  "Smirnov",  "Kuznetsov", "Popov",  "Lindqvist",
    "Berg",      "Dubois",  "Moreau",   "Rossi", "Bianchi",  "Schmidt",   "Weber",  "Haddad",
    "Khalil",    "Nasser",  "Mansour",  "Saleh", "Andersen", "Novak",     "Horvat", "Kovacs"};
#define NG (sizeof(GIVEN) / sizeof(GIVEN[0]))
#define NF (sizeof(FAMILY) / sizeof(FAMILY[0]))

static void test_match_index_query__finds_variant_among_distractors(void **state)
{
	(void)state;
	cu_mindex *ix = cu_mindex_new();
	assert_non_null(ix);
	int64_t id = 1;
	for (size_t g = 0; g < NG; g++) {
		for (size_t f = 0; f < NF; f++) {
			cu_mrec r;
			char name[128], dob[8];
			snprintf(name, sizeof(name), "%s %s", GIVEN[g], FAMILY[f]);
			snprintf(dob, sizeof(dob), "%d", 1950 + (int)((g * 7 + f) % 50));
			person(&r, name, dob, NULL);
			assert_int_equal(cu_mindex_add(ix, id++, (int64_t)(g % 5), &r), 0);
			cu_mrec_free(&r);
		}
	}
	cu_mrec t;
	person(&t, "Đorđe Petrović", "1985-03-02", NULL);
	assert_int_equal(cu_mindex_add(ix, 9999, 7, &t), 0);
	cu_mrec_free(&t);
	assert_int_equal(cu_mindex_size(ix), NG * NF + 1);

	/* From another case, in Cyrillic: found, and only that one. */
	cu_mrec q;
	hits h = {.n = 0};
	person(&q, "Петровић Ђорђе", "1985", NULL);
	int64_t ex = cu_mindex_query(ix, &q, 8, CU_MATCH_THRESHOLD_DEFAULT, hit_save, &h);
	assert_true(ex >= 1);
	assert_true(ex < (int64_t)(NG * NF) / 4); /* blocking, not a scan */
	assert_int_equal(h.n, 1);
	assert_int_equal(h.a[0], 9999);
	assert_int_equal(h.b[0], 7); /* the candidate's group */

	/* From the same case: never. */
	h.n = 0;
	ex = cu_mindex_query(ix, &q, 7, CU_MATCH_THRESHOLD_DEFAULT, hit_save, &h);
	assert_true(ex >= 0);
	assert_int_equal(h.n, 0);
	cu_mrec_free(&q);

	/* A name nobody has: nothing examined beyond its blocks, no hit. */
	h.n = 0;
	person(&q, "Zbigniew Brzezinski", NULL, NULL);
	ex = cu_mindex_query(ix, &q, 8, CU_MATCH_THRESHOLD_DEFAULT, hit_save, &h);
	assert_int_equal(ex, 0);
	assert_int_equal(h.n, 0);
	cu_mrec_free(&q);
	cu_mindex_free(ix);
}

static void test_match_index_query__strong_identifier(void **state)
{
	(void)state;
	cu_mindex *ix = cu_mindex_new();
	cu_mrec r;
	person(&r, "Erik Lindqvist", "1970", "phone:+46701234567");
	assert_int_equal(cu_mindex_add(ix, 1, 1, &r), 0);
	cu_mrec_free(&r);
	person(&r, "Olga Smirnova", NULL, "phone:+46700000000");
	assert_int_equal(cu_mindex_add(ix, 2, 1, &r), 0);
	cu_mrec_free(&r);

	/* A phone entity of another case: the person carrying the number. */
	cu_mrec_init(&r, CU_MK_PHONE);
	assert_int_equal(cu_mrec_add_id(&r, "phone:+46701234567"), 0);
	hits h = {.n = 0};
	int64_t ex = cu_mindex_query(ix, &r, 2, CU_MATCH_THRESHOLD_DEFAULT, hit_save, &h);
	assert_int_equal(ex, 1);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.a[0], 1);
	assert_string_equal(h.attr[0], "phone");
	cu_mrec_free(&r);
	cu_mindex_free(ix);
}

static int stop_first(void *ctx, int64_t a, int64_t b, const cu_mscore *s)
{
	(void)a, (void)b, (void)s;
	(*(int *)ctx)++;
	return 1;
}

/* Blocks beyond 128 records (BLOCK_MAX) are giant and unused; the year keeps them small. */
static void test_match_index_query__giant_blocks(void **state)
{
	(void)state;
	cu_mindex *ix = cu_mindex_new();
	for (int i = 0; i < 600; i++) {
		cu_mrec r;
		char dob[8];
		snprintf(dob, sizeof(dob), "%d", 1900 + i % 100);
		person(&r, "John Smith", i < 300 ? "" : dob, NULL);
		assert_int_equal(cu_mindex_add(ix, i + 1, i, &r), 0);
		cu_mrec_free(&r);
	}
	cu_mrec q;
	person(&q, "John Smith", NULL, NULL);
	assert_int_equal(cu_mindex_query(ix, &q, -1, 0.5, NULL, NULL), 0);
	cu_mrec_free(&q);
	person(&q, "John Smith", "1950", NULL);
	assert_int_equal(cu_mindex_query(ix, &q, -1, 0.5, NULL, NULL), 3);
	int calls = 0;
	assert_int_equal(cu_mindex_query(ix, &q, -1, 0.5, stop_first, &calls), 1);
	assert_int_equal(calls, 1);
	cu_mrec_free(&q);
	cu_mindex_free(ix);
}

/*
 * A common token (a block of more than 32 records) makes a candidate only
 * with a second token; a rare one does on its own.
 */
static void test_match_index_query__common_token_needs_another(void **state)
{
	(void)state;
	cu_mindex *ix = cu_mindex_new();
	int64_t id = 1;
	for (size_t f = 0; f < 2 * NF; f++) { /* 48 Ivans: a common token */
		cu_mrec r;
		char name[128];
		snprintf(name, sizeof(name), "Ivan %s%s", f < NF ? "" : "Aleksandrovich ",
		         FAMILY[f % NF]);
		person(&r, name, NULL, NULL);
		assert_int_equal(cu_mindex_add(ix, id++, 1, &r), 0);
		cu_mrec_free(&r);
	}
	cu_mrec r;
	person(&r, "Khomolka", NULL, NULL);
	assert_int_equal(cu_mindex_add(ix, 100, 1, &r), 0);
	cu_mrec_free(&r);

	cu_mrec q;
	person(&q, "Ivan Brzezinski", NULL, NULL); /* only the common token */
	assert_int_equal(cu_mindex_query(ix, &q, 2, 0.5, NULL, NULL), 0);
	cu_mrec_free(&q);
	person(&q, "Иван Линдквист", NULL, NULL); /* two tokens: Ivan (Aleksandrovich) Lindqvist */
	hits h = {.n = 0};
	assert_int_equal(cu_mindex_query(ix, &q, 2, CU_MATCH_THRESHOLD_DEFAULT, hit_save, &h), 2);
	cu_mrec_free(&q);
	person(&q, "Хомолка", NULL, NULL); /* a rare token alone */
	h.n = 0;
	assert_int_equal(cu_mindex_query(ix, &q, 2, 0.5, hit_save, &h), 1);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.a[0], 100);
	cu_mrec_free(&q);
	cu_mindex_free(ix);
}

/* ---- self-join against brute force --------------------------------------- */

/* Deterministic variants of a name: typos, swapped order, a middle name,
 * transliteration (Serbian Latin and Cyrillic spellings). */
static void variant(char *out, size_t n, const char *g, const char *f, uint32_t v)
{
	char gg[64], ff[64];
	snprintf(gg, sizeof(gg), "%s", g);
	snprintf(ff, sizeof(ff), "%s", f);
	if (v & 1) { /* a typo in the family name: a letter doubled */
		size_t l = strlen(ff);
		if (l > 3 && l + 1 < sizeof(ff)) {
			memmove(ff + 3, ff + 2, l - 1);
			ff[l + 1] = 0;
		}
	}
	if (v & 2) { /* -ic spelt -ich */
		size_t l = strlen(ff);
		if (l > 2 && !strcmp(ff + l - 2, "ic") && l + 1 < sizeof(ff))
			memcpy(ff + l, "h", 2);
	}
	if (v & 4)
		snprintf(out, n, "%s %s", ff, gg);
	else if (v & 8)
		snprintf(out, n, "%s Aleksandar %s", gg, ff);
	else
		snprintf(out, n, "%s %s", gg, ff);
}

typedef struct pairlist {
	int64_t (*p)[2];
	int n, cap;
} pairlist;

static int pair_save(void *ctx, int64_t a, int64_t b, const cu_mscore *s)
{
	pairlist *pl = ctx;
	(void)s;
	if (pl->n == pl->cap) {
		pl->cap = pl->cap ? pl->cap * 2 : 256;
		pl->p = realloc(pl->p, (size_t)pl->cap * sizeof(*pl->p));
		assert_non_null(pl->p);
	}
	pl->p[pl->n][0] = a < b ? a : b;
	pl->p[pl->n][1] = a < b ? b : a;
	pl->n++;
	return 0;
}

static int pair_cmp(const void *x, const void *y)
{
	const int64_t *a = x, *b = y;
	return a[0] != b[0] ? (a[0] < b[0] ? -1 : 1) : a[1] != b[1] ? (a[1] < b[1] ? -1 : 1) : 0;
}

static void test_match_index_selfjoin__equals_brute_force(void **state)
{
	(void)state;
	enum { N = 1500, GROUPS = 60 };
	cu_mrec *recs = calloc(N, sizeof(*recs));
	keys *ks = calloc(N, sizeof(*ks));
	int64_t *grp = calloc(N, sizeof(*grp));
	assert_non_null(recs);
	assert_non_null(ks);
	cu_mindex *ix = cu_mindex_new();
	uint32_t x = 2463534242u;
	for (int i = 0; i < N; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		uint32_t gi = x % NG, fi = (x >> 8) % NF, v = (x >> 16) & 15;
		char name[160], dob[8];
		variant(name, sizeof(name), GIVEN[gi], FAMILY[fi], v);
		snprintf(dob, sizeof(dob), "%u", 1960 + (x >> 24) % 3);
		person(&recs[i], name, (x >> 20) & 1 ? dob : "", NULL);
		grp[i] = (int64_t)((x >> 4) % GROUPS);
		keys_of(&ks[i], &recs[i]);
		assert_int_equal(cu_mindex_add(ix, 100 + i, grp[i], &recs[i]), 0);
	}
	/* Brute force over all pairs in different groups. The blocking's
	 * definition: a pair is examined only if it shares a key of a block of
	 * at most 128 records, and is examined if one such key suffices alone
	 * (a pair of tokens, an identifier, a rare token); with only common
	 * tokens' keys, two tokens must agree (not checked here: which token a
	 * key is of is not in its text). */
	mark_usable(ks, N);
	pairlist all = {0}, blocked = {0}, sufficient = {0}, joined = {0}, joined1 = {0};
	int64_t sharing = 0;
	for (int i = 0; i < N; i++)
		for (int j = i + 1; j < N; j++) {
			if (grp[i] == grp[j])
				continue;
			cu_mscore s;
			cu_match_score(&recs[i], &recs[j], &s);
			bool shared = share_usable_key(&ks[i], &ks[j]);
			sharing += shared;
			if (s.score >= CU_MATCH_THRESHOLD_DEFAULT) {
				pair_save(&all, 100 + i, 100 + j, &s);
				if (shared)
					pair_save(&blocked, 100 + i, 100 + j, &s);
				if (share_sufficient_key(&ks[i], &ks[j]))
					pair_save(&sufficient, 100 + i, 100 + j, &s);
			}
		}
	int64_t ex = cu_mindex_selfjoin(ix, CU_MATCH_THRESHOLD_DEFAULT, 2, pair_save, &joined);
	int64_t ex1 = cu_mindex_selfjoin(ix, CU_MATCH_THRESHOLD_DEFAULT, 1, pair_save, &joined1);
	print_message("%d hits by brute force, %d sharing a usable key, %d a sufficient one, %d by "
	              "the self-join; %lld pairs examined, %lld sharing a usable key\n",
	              all.n, blocked.n, sufficient.n, joined.n, (long long)ex, (long long)sharing);
	assert_true(all.n > 100);
	assert_int_equal(ex, ex1);
	qsort(blocked.p, (size_t)blocked.n, sizeof(*blocked.p), pair_cmp);
	qsort(joined.p, (size_t)joined.n, sizeof(*joined.p), pair_cmp);
	qsort(joined1.p, (size_t)joined1.n, sizeof(*joined1.p), pair_cmp);
	/* One thread or two: the same pairs, each once. */
	assert_int_equal(joined1.n, joined.n);
	assert_memory_equal(joined1.p, joined.p, (size_t)joined.n * sizeof(*joined.p));
	for (int k = 1; k < joined.n; k++)
		assert_true(pair_cmp(joined.p[k - 1], joined.p[k]) < 0);
	/* Every pair found shares a usable key and is a hit; every hit sharing
	 * a sufficient key is found. */
	for (int k = 0; k < joined.n; k++)
		assert_non_null(bsearch(joined.p[k], blocked.p, (size_t)blocked.n,
		                        sizeof(*blocked.p), pair_cmp));
	for (int k = 0; k < sufficient.n; k++)
		assert_non_null(bsearch(sufficient.p[k], joined.p, (size_t)joined.n,
		                        sizeof(*joined.p), pair_cmp));
	/* Fewer pairs examined than share a key; few hits lost. */
	assert_true(ex <= sharing);
	assert_true(joined.n * 100 >= all.n * 90);
	for (int i = 0; i < N; i++)
		cu_mrec_free(&recs[i]);
	free(all.p), free(blocked.p), free(sufficient.p), free(joined.p), free(joined1.p);
	free(recs), free(ks), free(grp);
	cu_mindex_free(ix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_match_index_keys__once_each),
	    cmocka_unit_test(test_match_index_keys__variants_share_a_key),
	    cmocka_unit_test(test_match_index_keys__transliterations_share_a_key),
	    cmocka_unit_test(test_match_index_keys__different_names_apart),
	    cmocka_unit_test(test_match_index_query__finds_variant_among_distractors),
	    cmocka_unit_test(test_match_index_query__strong_identifier),
	    cmocka_unit_test(test_match_index_query__giant_blocks),
	    cmocka_unit_test(test_match_index_query__common_token_needs_another),
	    cmocka_unit_test(test_match_index_selfjoin__equals_brute_force),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);
	cu_match_thread_done();
	return r;
}
