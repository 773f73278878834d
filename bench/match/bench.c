/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench/match: name scoring, blocking index build, queries and self-join
 * over a generated population, and the recall the blocking keeps on
 * labelled name pairs. Prints key=value lines for run.sh.
 *
 *   bench jw PAIRS.tsv RESULTS.txt     name pairs from the population, timed
 *   bench run N QUERIES THREADS        build, queries, self-join
 *   bench recall SHARED_DIR            blocking recall on labelled sets
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "match/match.h"
#include "names.h"

#define CASES 10000
#define SEED 0x5eed2024u

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* CPU time of the whole process: under load from others, a steadier figure than wall time. */
static double cpu_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* A small generator per entity: deterministic from (seed, entity). */
typedef struct rng {
	uint64_t s;
} rng;
static uint32_t rnd(rng *r, uint32_t n)
{
	r->s = mix(r->s);
	return (uint32_t)((r->s >> 32) % n);
}
static bool chance(rng *r, int pct)
{
	return rnd(r, 100) < (uint32_t)pct;
}
static size_t count(const char *const *l)
{
	size_t n = 0;
	while (l[n])
		n++;
	return n;
}
/*
 * Zipf-like: zipf_pct of the draws log-uniform over the ranks (weight about
 * 1/k: the first entries common), the others uniform (the long tail stays
 * in use). Given names are more concentrated than family names.
 */
static const char *pick_z(rng *r, const char *const *l, int zipf_pct)
{
	size_t n = count(l);
	double u = (double)rnd(r, 1000000) / 1e6;
	size_t k =
	    chance(r, zipf_pct) ? (size_t)exp(u * log((double)n + 1)) - 1 : (size_t)(u * (double)n);
	return l[k < n ? k : n - 1];
}
static const char *pick(rng *r, const char *const *l)
{
	return pick_z(r, l, 25);
}

/* ---- rendering ----------------------------------------------------------- */

enum { L_EU, L_SR, L_RU, L_UK, L_EL, L_AR, L_N };
static const sym *const TABLES[L_N] = {NULL, SR, RU, UK, EL, AR};
static const char NATS[L_N][3] = {"SE", "RS", "RU", "UA", "GR", "IQ"};

static const sym *find_sym(const sym *t, char c)
{
	for (; t->c; t++)
		if (t->c == c)
			return t;
	return NULL;
}

static void put(char *out, size_t n, size_t *o, const char *s)
{
	size_t l = strlen(s);
	if (*o + l + 1 < n) {
		memcpy(out + *o, s, l);
		*o += l;
		out[*o] = 0;
	}
}

/* Renders canonical c of language lang: script < 0 native, else Latin scheme. */
static void render(char *out, size_t n, size_t *o, int lang, const char *c, int scheme, rng *r)
{
	const sym *t = TABLES[lang];
	char last[8] = "";
	for (const char *p = c; *p; p++) {
		const sym *s = find_sym(t, *p);
		if (*p == '=') {
			if (scheme >= 0 && scheme == 0)
				put(out, n, o, last);
			continue;
		}
		if (!s) {
			char one[2] = {*p, 0};
			put(out, n, o, one);
			continue;
		}
		if (scheme < 0) {
			put(out, n, o, lang == L_EL && *p == 's' && !p[1] ? "ς" : s->native);
		} else {
			int k = chance(r, 10) ? (int)rnd(r, 3) : scheme;
			while (k > 0 && !s->latin[k])
				k--;
			put(out, n, o, s->latin[k]);
			snprintf(last, sizeof(last), "%s", s->latin[k]);
		}
	}
}

/* Latin European: diacritics kept, stripped or expanded. */
static void render_eu(char *out, size_t n, size_t *o, const char *name, int mode)
{
	static const char *const REP[][3] = {{"ö", "o", "oe"}, {"ä", "a", "ae"}, {"ü", "u", "ue"},
	                                     {"å", "a", "aa"}, {"Å", "A", "Aa"}, {"ß", "ss", "ss"},
	                                     {"é", "e", "e"},  {"è", "e", "e"},  {"ç", "c", "c"},
	                                     {"í", "i", "i"},  {"á", "a", "a"},  {"ó", "o", "o"},
	                                     {"ń", "n", "n"},  {"ś", "s", "s"},  {"ł", "l", "l"}};
	for (const char *p = name; *p;) {
		size_t k;
		for (k = 0; k < sizeof(REP) / sizeof(REP[0]); k++)
			if (!strncmp(p, REP[k][0], strlen(REP[k][0])))
				break;
		if (k < sizeof(REP) / sizeof(REP[0])) {
			put(out, n, o, REP[k][mode]);
			p += strlen(REP[k][0]);
		} else {
			char one[2] = {*p++, 0};
			put(out, n, o, one);
		}
	}
}

/* One typo in an ASCII letter run: substitution, deletion, transposition, doubling. */
static void typo(char *s, rng *r)
{
	size_t l = strlen(s);
	if (l < 4)
		return;
	size_t p = 1 + rnd(r, (uint32_t)(l - 2));
	if (!((s[p] | 32) >= 'a' && (s[p] | 32) <= 'z') ||
	    !((s[p + 1] | 32) >= 'a' && (s[p + 1] | 32) <= 'z'))
		return;
	switch (rnd(r, 4)) {
	case 0:
		s[p] = (char)('a' + rnd(r, 26));
		break;
	case 1:
		memmove(s + p, s + p + 1, l - p);
		break;
	case 2: {
		char c = s[p];
		s[p] = s[p + 1];
		s[p + 1] = c;
		break;
	}
	default:
		if (l + 2 < 160) {
			memmove(s + p + 1, s + p, l - p + 1);
		}
	}
}

/* ---- entities ------------------------------------------------------------ */

typedef struct person {
	int lang;
	const char *given;
	char family[128]; /* canonical, composed (with a second element for some) */
	char middle[64];  /* father's name (Arabic), patronymic, second given name */
	int year, month, day;
	bool phone, al;
	uint64_t id;
} person;

typedef struct entity {
	char names[2][256];
	int nnames;
	char dob[16];
	char phone[32];
	char nat[3];
	int64_t group;
	uint64_t person; /* who this is: the ground truth of the self-join */
} entity;

/* A patronymic from a canonical given name: ivan -> ivanoviC, sergEY -> sergEviC. */
static void patronymic(char *out, size_t n, const char *given, int lang)
{
	size_t l = strlen(given);
	while (l > 1 && strchr("Y'aA", given[l - 1]))
		l--;
	bool soft = given[strlen(given) - 1] == 'Y' || given[strlen(given) - 1] == '\'';
	snprintf(out, n, "%.*s%s", (int)l, given,
	         lang == L_UK ? (soft ? "EvyC" : "ovyC") : (soft ? "EviC" : "oviC"));
}

/*
 * Person p: language, a given name, a composed family name (first part,
 * root, suffix, each drawn with a Zipf-like skew) and often a middle part,
 * so that a few full names are common and most are rare, as in a real
 * population. Persons 0..P-1 appear in several cases; others once.
 */
static void person_of(person *pp, uint64_t p)
{
	rng r = {mix(p ^ SEED)};
	static const int W[L_N] = {30, 15, 15, 10, 10, 20};
	static const char *const *const GIVEN[L_N] = {EU_GIVEN, SR_GIVEN, RU_GIVEN,
	                                              UK_GIVEN, EL_GIVEN, AR_GIVEN};
	static const char *const *const ROOT[L_N] = {EU_FAMILY, SR_ROOT, RU_ROOT,
	                                             UK_ROOT,   EL_ROOT, AR_FAMILY};
	static const char *const *const PRE[L_N] = {NULL, SR_PRE, RU_PRE, UK_PRE, EL_PRE, NULL};
	static const char *const *const SUF[L_N] = {NULL,      SR_SUFFIX, RU_SUFFIX,
	                                            UK_SUFFIX, EL_SUFFIX, NULL};
	uint32_t w = rnd(&r, 100), acc = 0;
	pp->lang = 0;
	for (int i = 0; i < L_N; i++) {
		acc += (uint32_t)W[i];
		if (w < acc) {
			pp->lang = i;
			break;
		}
	}
	int lang = pp->lang;
	pp->given = pick_z(&r, GIVEN[lang], 50);
	const char *pre = PRE[lang] ? pick(&r, PRE[lang]) : "";
	const char *root = pick(&r, ROOT[lang]);
	const char *suf = SUF[lang] ? pick(&r, SUF[lang]) : "";
	snprintf(pp->family, sizeof(pp->family), "%s%s%s", pre, root, suf);
	pp->middle[0] = 0;
	pp->al = false;
	switch (lang) {
	case L_EU:
		if (chance(&r, 60))
			snprintf(pp->family, sizeof(pp->family), "%s%s", pick(&r, EU_PRE),
			         pick(&r, EU_SUF));
		if (chance(&r, 12)) /* a double family name */
			snprintf(pp->family + strlen(pp->family),
			         sizeof(pp->family) - strlen(pp->family), " %s",
			         pick(&r, EU_FAMILY));
		if (chance(&r, 35))
			snprintf(pp->middle, sizeof(pp->middle), "%s", pick(&r, EU_SECOND));
		break;
	case L_RU:
	case L_UK:
		if (chance(&r, 60))
			patronymic(pp->middle, sizeof(pp->middle), pick(&r, GIVEN[lang]), lang);
		break;
	case L_AR: {
		const char *second = pick(&r, AR_SECOND);
		if (second[0] && chance(&r, 60))
			snprintf(pp->family + strlen(pp->family),
			         sizeof(pp->family) - strlen(pp->family), " %s", second);
		if (chance(&r, 70))
			snprintf(pp->middle, sizeof(pp->middle), "%s", pick(&r, AR_GIVEN));
		pp->al = chance(&r, 40);
		break;
	}
	default:
		break;
	}
	pp->id = p;
	pp->year = 1940 + (int)rnd(&r, 66);
	pp->month = 1 + (int)rnd(&r, 12);
	pp->day = 1 + (int)rnd(&r, 28);
	pp->phone = chance(&r, 10);
}

static void spell(char *out, size_t n, const person *pp, rng *r, int native_pct)
{
	out[0] = 0;
	bool native = pp->lang != L_EU && chance(r, native_pct);
	int scheme = native ? -1 : (int)rnd(r, 3);
	bool swap = chance(r, 20), noGiven = chance(r, 7), initial = !noGiven && chance(r, 4);
	char g[128] = "", f[128] = "", fa[128] = "";
	size_t go = 0, fo = 0, fao = 0;
	if (pp->lang == L_EU) {
		int mode = (int)rnd(r, 3);
		render_eu(g, sizeof(g), &go, pp->given, mode);
		render_eu(f, sizeof(f), &fo, pp->family, mode);
		if (pp->middle[0] && chance(r, 60))
			render_eu(fa, sizeof(fa), &fao, pp->middle, mode);
	} else {
		render(g, sizeof(g), &go, pp->lang, pp->given, scheme, r);
		if (pp->lang == L_AR && pp->al)
			put(f, sizeof(f), &fo, native ? "ال" : rnd(r, 2) ? "al-" : "el ");
		render(f, sizeof(f), &fo, pp->lang, pp->family, scheme, r);
		if (pp->middle[0] && chance(r, 70)) {
			if (pp->lang == L_AR)
				put(fa, sizeof(fa), &fao,
				    native      ? "بن "
				    : rnd(r, 2) ? "bin "
				                : "ibn ");
			render(fa, sizeof(fa), &fao, pp->lang, pp->middle, scheme, r);
		}
	}
	if (!native && chance(r, 12))
		typo(chance(r, 50) ? g : f, r);
	if (initial) {
		if (!native) {
			g[1] = 0;
		}
	}
	if (noGiven)
		snprintf(out, n, "%s", f);
	else if (swap)
		snprintf(out, n, "%s %s%s%s", f, g, fa[0] ? " " : "", fa);
	else
		snprintf(out, n, "%s%s%s %s", g, fa[0] ? " " : "", fa, f);
}

static void entity_of(entity *en, uint64_t e, uint64_t npersons_shared)
{
	rng r = {mix(e * 2654435761u ^ (SEED + 1))};
	uint64_t p = chance(&r, 20) ? rnd(&r, (uint32_t)npersons_shared) : npersons_shared + e;
	person pp;
	person_of(&pp, p);
	spell(en->names[0], sizeof(en->names[0]), &pp, &r, 40);
	en->nnames = 1;
	if (chance(&r, 25)) {
		spell(en->names[1], sizeof(en->names[1]), &pp, &r, 50);
		en->nnames = 2;
	}
	int y = pp.year + (chance(&r, 3) ? (rnd(&r, 2) ? 1 : -1) : 0);
	uint32_t d = rnd(&r, 100);
	if (d < 35)
		snprintf(en->dob, sizeof(en->dob), "%04d-%02d-%02d", y, pp.month, pp.day);
	else if (d < 50)
		snprintf(en->dob, sizeof(en->dob), "%04d-%02d", y, pp.month);
	else if (d < 75)
		snprintf(en->dob, sizeof(en->dob), "%04d", y);
	else
		en->dob[0] = 0;
	en->phone[0] = 0;
	if (pp.phone && chance(&r, 60))
		snprintf(en->phone, sizeof(en->phone), "phone:+3816%08llu",
		         (unsigned long long)(mix(pp.id) % 100000000));
	memcpy(en->nat, NATS[pp.lang], 3);
	en->group = (int64_t)rnd(&r, CASES);
	en->person = p;
}

static int mrec_of(cu_mrec *m, const entity *en)
{
	cu_mrec_init(m, CU_MK_PERSON);
	int ok = 0;
	for (int i = 0; i < en->nnames; i++)
		ok += cu_mrec_add_name(m, en->names[i]) == 0;
	if (en->dob[0])
		cu_mrec_set_dob(m, en->dob);
	if (en->phone[0])
		cu_mrec_add_id(m, en->phone);
	cu_mrec_add_nationality(m, en->nat);
	return ok ? 0 : CU_EINVALID;
}

/* ---- jw ------------------------------------------------------------------ */

static int cmd_jw(const char *pairs_path, const char *res_path)
{
	enum { NE = 6000, NP = 20000 };
	static char full[NE][200];
	int nf = 0;
	for (uint64_t e = 0; e < NE; e++) {
		entity en;
		cu_mrec m;
		entity_of(&en, e, NE / 20);
		if (mrec_of(&m, &en) == 0 && m.nnames)
			snprintf(full[nf++], sizeof(full[0]), "%s", cu_mrec_name(&m, 0));
		cu_mrec_free(&m);
	}
	/* Half full names, half single tokens; partners at random or a variant. */
	static char a[NP][200], b[NP][200];
	rng r = {SEED};
	for (int i = 0; i < NP; i++) {
		const char *x = full[rnd(&r, (uint32_t)nf)], *y = full[rnd(&r, (uint32_t)nf)];
		if (i % 2 == 0) {
			snprintf(a[i], sizeof(a[i]), "%s", x);
			snprintf(b[i], sizeof(b[i]), "%s", y);
		} else {
			size_t lx = strcspn(x, " "), ly = strcspn(y, " ");
			snprintf(a[i], sizeof(a[i]), "%.*s", (int)lx, x);
			snprintf(b[i], sizeof(b[i]), "%.*s", (int)ly, y);
		}
	}
	FILE *f = fopen(pairs_path, "w"), *g = fopen(res_path, "w");
	if (!f || !g)
		return 1;
	size_t bytes = 0;
	for (int i = 0; i < NP; i++) {
		fprintf(f, "%s\t%s\n", a[i], b[i]);
		fprintf(g, "%.17g\n", cu_jaro_winkler(a[i], strlen(a[i]), b[i], strlen(b[i])));
		bytes += strlen(a[i]) + strlen(b[i]);
	}
	fclose(f);
	fclose(g);
	/* The pairs packed one after the other, as a scorer meets them. */
	static char pack[NP * 400];
	static const char *pa[NP], *pb[NP];
	static size_t la[NP], lb[NP];
	size_t off = 0;
	for (int i = 0; i < NP; i++) {
		la[i] = strlen(a[i]);
		lb[i] = strlen(b[i]);
		memcpy(pack + off, a[i], la[i]);
		pa[i] = pack + off;
		off += la[i];
		memcpy(pack + off, b[i], lb[i]);
		pb[i] = pack + off;
		off += lb[i];
	}
	double best = 0, best_cpu = 0, sink = 0;
	for (int rep = 0; rep < 5; rep++) {
		double t0 = now(), c0 = cpu_now();
		int rounds = 50;
		for (int k = 0; k < rounds; k++)
			for (int i = 0; i < NP; i++)
				sink += cu_jaro_winkler(pa[i], la[i], pb[i], lb[i]);
		double rate = (double)rounds * NP / (now() - t0);
		double rate_cpu = (double)rounds * NP / (cpu_now() - c0);
		if (rate > best)
			best = rate;
		if (rate_cpu > best_cpu)
			best_cpu = rate_cpu;
	}
	printf("jw_pairs=%d\njw_avg_len=%.1f\njw_rate=%.0f\njw_rate_cpu=%.0f\njw_sink=%.3f\n", NP,
	       (double)bytes / (2.0 * NP), best, best_cpu, sink);
	return 0;
}

/* ---- run ----------------------------------------------------------------- */

typedef struct build {
	cu_mindex *ix;
	uint64_t n, shared;
	int t, nt;
	long failed;
	uint32_t *who;   /* entity -> person, UINT32_MAX if refused (not indexed) */
	int64_t *groups; /* entity -> case */
} build;

static void *build_worker(void *arg)
{
	build *b = arg;
	for (uint64_t e = (uint64_t)b->t; e < b->n; e += (uint64_t)b->nt) {
		entity en;
		cu_mrec m;
		entity_of(&en, e, b->shared);
		b->groups[e] = en.group;
		if (mrec_of(&m, &en) == 0 && cu_mindex_add(b->ix, (int64_t)e, en.group, &m) == 0) {
			b->who[e] = (uint32_t)en.person;
		} else {
			b->who[e] = UINT32_MAX;
			b->failed++;
		}
		cu_mrec_free(&m);
	}
	cu_match_thread_done();
	return NULL;
}

static long vm_hwm_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmHWM:", 6))
			v = strtol(line + 6, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

static int cmp_d(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return a < b ? -1 : a > b;
}
static int cmp_l(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return a < b ? -1 : a > b;
}

/* Hits counted against the ground truth: a hit is true when both are one person. */
typedef struct truth {
	const uint32_t *who;
	uint64_t query_person; /* queries: the person the query entity is */
	long hits, tp;
	uint64_t shared;
	int show;          /* false hits to print on stderr */
	int64_t (*tpp)[2]; /* the true hits, (smaller id, larger id) */
	size_t ntp, captp;
} truth;

static int count_hit(void *ctx, int64_t a, int64_t b, const cu_mscore *s)
{
	truth *t = ctx;
	t->hits++;
	t->tp += t->who[a] == t->who[b];
	if (t->who[a] == t->who[b] && t->captp) {
		if (t->ntp == t->captp) {
			t->captp *= 2;
			t->tpp = realloc(t->tpp, t->captp * sizeof(*t->tpp));
		}
		t->tpp[t->ntp][0] = a < b ? a : b;
		t->tpp[t->ntp][1] = a < b ? b : a;
		t->ntp++;
	}
	if (t->show > 0 && t->who[a] != t->who[b] && t->show-- > 0) { /* CU_BENCH_SHOW=k */
		entity x, y;
		entity_of(&x, (uint64_t)a, t->shared);
		entity_of(&y, (uint64_t)b, t->shared);
		fprintf(stderr, "false hit %.2f: %s [%s] ~ %s [%s]: %s\n", s->score, x.names[0],
		        x.dob, y.names[0], y.dob, s->explain);
	}
	return 0;
}

static int query_hit(void *ctx, int64_t a, int64_t b, const cu_mscore *s)
{
	(void)b, (void)s;
	truth *t = ctx;
	t->hits++;
	t->tp += t->who[a] == t->query_person;
	return 0;
}

typedef struct pg {
	uint32_t p;
	int64_t g;
	uint64_t e;
} pg;
static int cmp_pg(const void *x, const void *y)
{
	const pg *a = x, *b = y;
	if (a->p != b->p)
		return a->p < b->p ? -1 : 1;
	return a->g < b->g ? -1 : a->g > b->g;
}

/*
 * True pairs of the population: entities of one person in different cases
 * (only the shared persons 0..shared-1 appear more than once). count[p]
 * receives how many indexed entities person p has.
 */
static long true_pairs(const uint32_t *who, const int64_t *groups, uint64_t n, uint64_t shared,
                       uint32_t *count)
{
	size_t k = 0;
	pg *v = malloc(n * sizeof(pg));
	for (uint64_t e = 0; e < n; e++)
		if (who[e] < shared)
			v[k++] = (pg){who[e], groups[e], e};
	qsort(v, k, sizeof(pg), cmp_pg);
	long pairs = 0;
	for (size_t i = 0; i < k;) {
		size_t j = i;
		while (j < k && v[j].p == v[i].p)
			j++;
		long c = (long)(j - i);
		count[v[i].p] = (uint32_t)c;
		pairs += c * (c - 1) / 2;
		for (size_t a = i; a < j;) { /* same case: never compared, not a pair to find */
			size_t b = a;
			while (b < j && v[b].g == v[a].g)
				b++;
			pairs -= (long)((b - a) * (b - a - 1) / 2);
			a = b;
		}
		i = j;
	}
	free(v);
	return pairs;
}

/*
 * True pairs the scorer itself puts at or above the threshold, each pair
 * scored directly (no blocking): what a self-join could find at best, so
 * that self-join hits / this is the blocking's own recall on the population.
 */
static int cmp_pair(const void *x, const void *y)
{
	const int64_t *a = x, *b = y;
	return a[0] != b[0] ? (a[0] < b[0] ? -1 : 1) : a[1] != b[1] ? (a[1] < b[1] ? -1 : 1) : 0;
}

/* show > 0: prints that many of the reachable pairs not in found (sorted). */
static long reachable_pairs(const uint32_t *who, const int64_t *groups, uint64_t n, uint64_t shared,
                            int64_t (*found)[2], size_t nfound, int show)
{
	size_t k = 0;
	pg *v = malloc(n * sizeof(pg));
	cu_mrec *m = NULL;
	size_t mcap = 0;
	for (uint64_t e = 0; e < n; e++)
		if (who[e] < shared)
			v[k++] = (pg){who[e], groups[e], e};
	qsort(v, k, sizeof(pg), cmp_pg);
	long reach = 0;
	for (size_t i = 0; i < k;) {
		size_t j = i;
		while (j < k && v[j].p == v[i].p)
			j++;
		if (j - i > mcap) {
			mcap = 2 * (j - i);
			m = realloc(m, mcap * sizeof(*m));
		}
		for (size_t a = i; a < j; a++) {
			entity en;
			entity_of(&en, v[a].e, shared);
			mrec_of(&m[a - i], &en);
		}
		for (size_t a = i; a < j; a++)
			for (size_t b = a + 1; b < j; b++) {
				cu_mscore sc;
				if (v[a].g == v[b].g)
					continue;
				cu_match_score(&m[a - i], &m[b - i], &sc);
				if (sc.score < CU_MATCH_THRESHOLD_DEFAULT)
					continue;
				reach++;
				int64_t key[2] = {(int64_t)(v[a].e < v[b].e ? v[a].e : v[b].e),
				                  (int64_t)(v[a].e < v[b].e ? v[b].e : v[a].e)};
				if (show > 0 &&
				    !bsearch(key, found, nfound, sizeof(*found), cmp_pair)) {
					show--; /* CU_BENCH_SHOW: a pair the blocking lost */
					fprintf(
					    stderr, "lost %.2f: %s [%s] ~ %s [%s]\n", sc.score,
					    cu_mrec_name(&m[a - i], 0), m[a - i].year ? "y" : "-",
					    cu_mrec_name(&m[b - i], 0), m[b - i].year ? "y" : "-");
				}
			}
		for (size_t a = i; a < j; a++)
			cu_mrec_free(&m[a - i]);
		i = j;
	}
	free(m);
	free(v);
	return reach;
}

static int cmd_run(uint64_t n, int nq, int nt)
{
	uint64_t shared = n / 20;
	cu_mindex *ix = cu_mindex_new();
	uint32_t *who = malloc(n * sizeof(uint32_t)), *count = calloc(shared + 1, sizeof(uint32_t));
	int64_t *groups = malloc(n * sizeof(int64_t));
	build b[8];
	pthread_t th[8];
	if (nt > 8)
		nt = 8;
	double t0 = now();
	for (int t = 0; t < nt; t++) {
		b[t] = (build){ix, n, shared, t, nt, 0, who, groups};
		pthread_create(&th[t], NULL, build_worker, &b[t]);
	}
	long failed = 0;
	for (int t = 0; t < nt; t++) {
		pthread_join(th[t], NULL);
		failed += b[t].failed;
	}
	double tb = now() - t0;
	printf("n=%zu\nbuild_s=%.2f\nbuild_failed=%ld\nbuild_rss_mib=%.0f\n", cu_mindex_size(ix),
	       tb, failed, (double)vm_hwm_kib() / 1024);
	long truep = true_pairs(who, groups, n, shared, count);
	printf("true_pairs=%ld\n", truep);

	/* Queries: new entities, most of them another spelling of a known person. */
	double *lat = malloc((size_t)nq * sizeof(double));
	int64_t *cand = malloc((size_t)nq * sizeof(int64_t));
	truth qt = {.who = who, .shared = shared};
	long qexpect = 0;
	int done = 0;
	double norm_t = 0;
	for (int q = 0; q < nq; q++) {
		entity en;
		cu_mrec m;
		double a = now();
		entity_of(&en, n + 1000003ULL * (uint64_t)(q + 1), shared);
		if (mrec_of(&m, &en) != 0) {
			cu_mrec_free(&m);
			continue;
		}
		double t1 = now();
		norm_t += t1 - a;
		qt.query_person = en.person;
		qexpect += en.person < shared ? count[en.person] : 0;
		int64_t ex =
		    cu_mindex_query(ix, &m, -1 - q, CU_MATCH_THRESHOLD_DEFAULT, query_hit, &qt);
		lat[done] = now() - t1;
		cand[done] = ex;
		done++;
		cu_mrec_free(&m);
	}
	qsort(lat, (size_t)done, sizeof(double), cmp_d);
	qsort(cand, (size_t)done, sizeof(int64_t), cmp_l);
	printf("queries=%d\nquery_median_ms=%.4f\nquery_p99_ms=%.4f\nquery_max_ms=%.4f\n"
	       "cand_median=%lld\ncand_p99=%lld\ncand_max=%lld\nquery_hits=%ld\nquery_tp=%ld\n"
	       "query_expected=%ld\nquery_normalise_ms=%.4f\n",
	       done, lat[done / 2] * 1e3, lat[done * 99 / 100] * 1e3, lat[done - 1] * 1e3,
	       (long long)cand[done / 2], (long long)cand[done * 99 / 100],
	       (long long)cand[done - 1], qt.hits, qt.tp, qexpect, norm_t / done * 1e3);
	free(lat);
	free(cand);

	const char *show = getenv("CU_BENCH_SHOW");
	truth jt = {.who = who, .shared = shared, .show = show ? (int)strtol(show, NULL, 10) : 0};
	jt.captp = 1024;
	jt.tpp = malloc(jt.captp * sizeof(*jt.tpp));
	t0 = now();
	double c0 = cpu_now();
	int64_t ex = cu_mindex_selfjoin(ix, CU_MATCH_THRESHOLD_DEFAULT, nt, count_hit, &jt);
	double tj = now() - t0, cj = cpu_now() - c0;
	printf("selfjoin_s=%.2f\nselfjoin_cpu_s=%.2f\nselfjoin_us_per_pair=%.2f\n"
	       "selfjoin_examined=%lld\nselfjoin_hits=%ld\nselfjoin_tp=%ld\nrss_mib=%.0f\n",
	       tj, cj, ex > 0 ? cj / (double)ex * 1e6 : 0, (long long)ex, jt.hits, jt.tp,
	       (double)vm_hwm_kib() / 1024);
	qsort(jt.tpp, jt.ntp, sizeof(*jt.tpp), cmp_pair);
	printf("true_pairs_reachable=%ld\n",
	       reachable_pairs(
	           who, groups, n, shared, jt.tpp, jt.ntp,
	           getenv("CU_BENCH_LOST") ? (int)strtol(getenv("CU_BENCH_LOST"), NULL, 10) : 0));
	free(jt.tpp);

	/* Scoring alone, on pairs the join examines (for where the time goes). */
	cu_mrec r1, r2;
	entity e1, e2;
	entity_of(&e1, 1, shared);
	entity_of(&e2, 2, shared);
	mrec_of(&r1, &e1);
	mrec_of(&r2, &e2);
	cu_mscore s;
	t0 = now();
	for (int i = 0; i < 200000; i++)
		cu_match_score(&r1, &r2, &s);
	printf("score_us=%.3f\n", (now() - t0) / 200000 * 1e6);
	cu_mrec_free(&r1);
	cu_mrec_free(&r2);
	cu_mindex_free(ix);
	free(who);
	free(count);
	free(groups);
	cu_match_thread_done();
	return 0;
}

/* ---- recall -------------------------------------------------------------- */

typedef struct kl {
	char k[512][80];
	int n;
} kl;
static void kl_add(void *ctx, const char *key, size_t len)
{
	kl *l = ctx;
	if (l->n < 512 && len < 80)
		snprintf(l->k[l->n++], 80, "%.*s", (int)len, key);
}

/* 1 if the two names share a key, 0 if not, -1 if either is refused. */
static int shares(const char *x, const char *y)
{
	static kl a, b;
	cu_mrec m1, m2;
	cu_mrec_init(&m1, CU_MK_PERSON);
	cu_mrec_init(&m2, CU_MK_PERSON);
	int r = -1;
	if (cu_mrec_add_name(&m1, x) == 0 && cu_mrec_add_name(&m2, y) == 0) {
		a.n = b.n = 0;
		cu_mrec_keys(&m1, kl_add, &a);
		cu_mrec_keys(&m2, kl_add, &b);
		r = 0;
		for (int i = 0; i < a.n && !r; i++)
			for (int j = 0; j < b.n && !r; j++)
				r = !strcmp(a.k[i], b.k[j]);
		if (!r && getenv("CU_BENCH_SHOW")) { /* the misses, with their keys */
			fprintf(stderr, "miss: %s | %s || %s | %s ||", x, y, cu_mrec_name(&m1, 0),
			        cu_mrec_name(&m2, 0));
			for (int i = 0; i < a.n; i++)
				fprintf(stderr, " %s", a.k[i]);
			fprintf(stderr, " ||");
			for (int i = 0; i < b.n; i++)
				fprintf(stderr, " %s", b.k[i]);
			fprintf(stderr, "\n");
		}
	}
	cu_mrec_free(&m1);
	cu_mrec_free(&m2);
	return r;
}

/* A CSV field (quotes as RFC 4180). */
static char *csv_next(char **p)
{
	char *s = *p, *o = s, *start = s;
	if (*s == '"') {
		s++;
		for (;;) {
			if (!*s)
				break;
			if (*s == '"' && s[1] == '"') {
				*o++ = '"';
				s += 2;
			} else if (*s == '"') {
				s++;
				break;
			} else {
				*o++ = *s++;
			}
		}
	} else {
		while (*s && *s != ',' && *s != '\n' && *s != '\r')
			*o++ = *s++;
	}
	if (*s == ',')
		s++;
	else
		while (*s)
			s++;
	*o = 0;
	*p = s;
	return start;
}

static int cmd_recall(const char *shared)
{
	char path[4096], line[4096];
	snprintf(path, sizeof(path), "%s/testdata/names/nomenklatura/cases.csv", shared);
	FILE *f = fopen(path, "r");
	long pos = 0, hit = 0, refused = 0;
	while (f && fgets(line, sizeof(line), f)) {
		char *p = line, *fld[5];
		for (int i = 0; i < 5; i++)
			fld[i] = csv_next(&p);
		if (strcmp(fld[1], "Person") || strcmp(fld[4], "true"))
			continue;
		int r = shares(fld[2], fld[3]);
		if (r < 0) {
			refused++;
			continue;
		}
		pos++;
		hit += r;
	}
	if (f)
		fclose(f);
	printf("recall_nomenklatura_pairs=%ld\nrecall_nomenklatura=%.4f\nrecall_nomenklatura_"
	       "refused=%ld\n",
	       pos, pos ? (double)hit / pos : 0, refused);
	static const char *const WD[] = {"russian", "arabic", "hebrew"};
	for (int k = 0; k < 3; k++) {
		snprintf(path, sizeof(path),
		         "%s/testdata/names/wikidata-transliteration/wd_%s_dev.tsv", shared, WD[k]);
		f = fopen(path, "r");
		pos = hit = refused = 0;
		while (f && fgets(line, sizeof(line), f)) {
			char *tab = strchr(line, '\t');
			if (!tab)
				continue;
			*tab = 0;
			char *tgt = tab + 1, *e = strchr(tgt, '\t');
			if (e)
				*e = 0;
			char joined[1024];
			size_t o = 0;
			for (char *q = tgt; *q && o + 1 < sizeof(joined); q++)
				if (*q != ' ')
					joined[o++] = *q;
			joined[o] = 0;
			int r = shares(line, joined);
			if (r < 0) {
				refused++;
				continue;
			}
			pos++;
			hit += r;
		}
		if (f)
			fclose(f);
		printf("recall_wd_%s_pairs=%ld\nrecall_wd_%s=%.4f\nrecall_wd_%s_refused=%ld\n",
		       WD[k], pos, WD[k], pos ? (double)hit / pos : 0, WD[k], refused);
	}
	return 0;
}

/* Prints a sample of the generated population (for a look at the data). */
static int cmd_sample(uint64_t n)
{
	for (uint64_t e = 0; e < n; e++) {
		entity en;
		cu_mrec m;
		entity_of(&en, e, 1000);
		mrec_of(&m, &en);
		printf("%lld\t%s\t%s\t%s\t%s\t%s\n", (long long)en.group, en.names[0],
		       en.nnames > 1 ? en.names[1] : "", en.dob, en.phone,
		       m.nnames ? cu_mrec_name(&m, 0) : "(refused)");
		cu_mrec_free(&m);
	}
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0); /* figures as they come, even if stopped */
	if (argc >= 4 && !strcmp(argv[1], "jw"))
		return cmd_jw(argv[2], argv[3]);
	if (argc >= 5 && !strcmp(argv[1], "run"))
		return cmd_run(strtoull(argv[2], NULL, 10), (int)strtol(argv[3], NULL, 10),
		               (int)strtol(argv[4], NULL, 10));
	if (argc >= 3 && !strcmp(argv[1], "recall"))
		return cmd_recall(argv[2]);
	if (argc >= 3 && !strcmp(argv[1], "sample"))
		return cmd_sample(strtoull(argv[2], NULL, 10));
	fprintf(stderr, "usage: bench jw PAIRS RESULTS | run N QUERIES THREADS | recall SHARED | "
	                "sample N\n");
	return 2;
}
