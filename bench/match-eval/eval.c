/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench/match-eval: precision, recall and F1 of cu_match_score on labelled
 * name pairs (docs/match.md). Reads ../shared/testdata/names:
 *
 *   nomenklatura/cases.csv   Person rows, split in two by a hash of name1 (all
 *                            candidates of one query on one side): the
 *                            threshold is chosen on split A, reported on B
 *                            and on all; plus the plain baseline (ICU
 *                            Any-Latin, best-assignment Jaro-Winkler) at its
 *                            best threshold
 *   wikidata-transliteration Russian, Arabic, Hebrew: every row a positive;
 *                            a hard negative per row (see hard_negative)
 *   yente                    synthetic negatives screened against US
 *                            congress names: false positives
 *   nomenklatura/putin_names.txt  fraction of pairs that match
 *
 * Usage: eval DATA_DIR [THRESHOLD]. Prints key=value lines for run.sh.
 * eval DATA_DIR --dump-wd prints the normalised Wikidata rows and their hard
 * negatives for learn_costs.py.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unicode/ustring.h>
#include <unicode/utrans.h>

#include "match/match.h"

#define MAXF 16

/* One CSV record (RFC 4180) from f into fields; returns the field count or -1
 * at the end. Fields point into a static line buffer. */
static int csv_read(FILE *f, char **fields, int maxf)
{
	static char buf[1 << 16];
	size_t n = 0;
	int nf = 0;
	bool q = false, any = false;
	int c;
	fields[nf++] = buf;
	while ((c = fgetc(f)) != EOF) {
		any = true;
		if (q) {
			if (c == '"') {
				int d = fgetc(f);
				if (d == '"') {
					buf[n++] = '"';
				} else {
					q = false;
					if (d != EOF)
						ungetc(d, f);
				}
			} else {
				buf[n++] = (char)c;
			}
		} else if (c == '"') {
			q = true;
		} else if (c == ',') {
			buf[n++] = 0;
			if (nf < maxf)
				fields[nf++] = buf + n;
		} else if (c == '\n') {
			break;
		} else if (c != '\r') {
			buf[n++] = (char)c;
		}
		if (n >= sizeof buf - 2)
			break;
	}
	buf[n] = 0;
	return any ? nf : -1;
}

typedef struct pair {
	double score, base;
	bool label;
	int split; /* 0: A (threshold chosen here), 1: B */
	char cat[48]; /* nomenklatura's category column ("" when none) */
} pair;

typedef struct counts {
	long tp, fp, fn, tn;
} counts;

static counts count(const pair *p, size_t n, double t, int split, bool base)
{
	counts c = {0};
	for (size_t i = 0; i < n; i++) {
		if (split >= 0 && p[i].split != split)
			continue;
		bool hit = (base ? p[i].base : p[i].score) >= t;
		if (hit && p[i].label)
			c.tp++;
		else if (hit)
			c.fp++;
		else if (p[i].label)
			c.fn++;
		else
			c.tn++;
	}
	return c;
}

static double f1(counts c)
{
	return c.tp ? 2.0 * c.tp / (2.0 * c.tp + c.fp + c.fn) : 0.0;
}

static void report(const char *name, counts c)
{
	double p = c.tp + c.fp ? (double)c.tp / (c.tp + c.fp) : 0, r = c.tp + c.fn ? (double)c.tp / (c.tp + c.fn) : 0;
	printf("%s_precision=%.3f\n%s_recall=%.3f\n%s_f1=%.3f\n%s_n=%ld\n%s_cm=%ld/%ld/%ld/%ld\n",
	       name, p, name, r, name, f1(c), name, c.tp + c.fp + c.fn + c.tn, name, c.tp, c.fp,
	       c.fn, c.tn);
}

/* Best threshold on one split (ties: the lowest). */
static double best_threshold(const pair *p, size_t n, int split, bool base, double *bestf)
{
	double bt = 0.5, bf = -1;
	for (int k = 30; k <= 99; k++) {
		double t = k / 100.0, f = f1(count(p, n, t, split, base));
		if (f > bf + 1e-12)
			bf = f, bt = t;
	}
	*bestf = bf;
	return bt;
}

/* ---- the plain baseline: ICU Any-Latin, tokens, best-assignment JW ----- */

static UTransliterator *base_tr;

static int base_norm(char *out, size_t outsz, const char *s)
{
	UChar u[4096];
	int32_t n = 0;
	UErrorCode e = U_ZERO_ERROR;
	u_strFromUTF8(u, 4096, &n, s, -1, &e);
	if (U_FAILURE(e))
		return 0;
	int32_t lim = n;
	utrans_transUChars(base_tr, u, &n, 4096, 0, &lim, &e);
	if (U_FAILURE(e))
		return 0;
	size_t o = 0;
	for (int32_t i = 0; i < lim && o + 2 < outsz; i++) {
		UChar c = u[i];
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			out[o++] = (char)c;
		else if (o > 0 && out[o - 1] != ' ')
			out[o++] = ' ';
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = 0;
	return (int)o;
}

static double base_sim(const char *a, const char *b)
{
	const char *ta[32], *tb[32];
	size_t la[32], lb[32];
	int na = 0, nb = 0;
	for (const char *s = a; *s && na < 32;) {
		const char *e = strchr(s, ' ');
		size_t l = e ? (size_t)(e - s) : strlen(s);
		ta[na] = s, la[na++] = l;
		s += l + (e ? 1 : 0);
	}
	for (const char *s = b; *s && nb < 32;) {
		const char *e = strchr(s, ' ');
		size_t l = e ? (size_t)(e - s) : strlen(s);
		tb[nb] = s, lb[nb++] = l;
		s += l + (e ? 1 : 0);
	}
	if (!na || !nb)
		return 0;
	bool ua[32] = {0}, ub[32] = {0};
	double sum = 0;
	for (;;) {
		double best = -1;
		int bi = -1, bj = -1;
		for (int i = 0; i < na; i++)
			for (int j = 0; j < nb; j++)
				if (!ua[i] && !ub[j]) {
					double s = cu_jaro_winkler(ta[i], la[i], tb[j], lb[j]);
					if (s > best)
						best = s, bi = i, bj = j;
				}
		if (bi < 0)
			break;
		ua[bi] = ub[bj] = true;
		sum += best;
	}
	return sum / (na > nb ? na : nb);
}

/* ---- helpers ----------------------------------------------------------- */

static int person(cu_mrec *r, const char *name)
{
	cu_mrec_init(r, CU_MK_PERSON);
	return cu_mrec_add_name(r, name);
}

static double score_names(const char *a, const char *b)
{
	cu_mrec ra, rb;
	int x = person(&ra, a), y = person(&rb, b);
	double s = 0;
	if (x == 0 && y == 0) {
		cu_mscore ms;
		cu_match_score(&ra, &rb, &ms);
		s = ms.score;
	}
	cu_mrec_free(&ra);
	cu_mrec_free(&rb);
	return s;
}

static uint32_t fnv(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static FILE *open_data(const char *dir, const char *rel)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "match-eval: cannot open %s\n", path);
		exit(1);
	}
	return f;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- nomenklatura ------------------------------------------------------- */

static bool verbose;
static int verbose_max = 40; /* EVAL_VERBOSE=n: at most n Wikidata errors per language */

static void nomenklatura(const char *dir, double thr)
{
	FILE *f = open_data(dir, "nomenklatura/cases.csv");
	char *fl[MAXF];
	size_t n = 0, cap = 1024;
	pair *p = calloc(cap, sizeof *p);
	csv_read(f, fl, MAXF); /* header */
	int nf;
	while ((nf = csv_read(f, fl, MAXF)) >= 0) {
		if (nf < 5 || strcmp(fl[1], "Person") != 0)
			continue;
		if (n == cap)
			p = realloc(p, (cap *= 2) * sizeof *p);
		char ba[4096], bb[4096];
		p[n].label = strcmp(fl[4], "true") == 0;
		p[n].split = (int)(fnv(fl[2]) & 1);
		p[n].score = score_names(fl[2], fl[3]);
		base_norm(ba, sizeof ba, fl[2]);
		base_norm(bb, sizeof bb, fl[3]);
		p[n].base = base_sim(ba, bb);
		snprintf(p[n].cat, sizeof p[n].cat, "%s", nf > 6 && fl[6][0] ? fl[6] : "(none)");
		if (verbose && ((p[n].score >= thr) != p[n].label))
			fprintf(stderr, "%s %c %.3f | %s | %s | %s\n", p[n].label ? "FN" : "FP", "AB"[p[n].split], p[n].score,
				fl[2], fl[3], nf > 6 ? fl[6] : "");
		n++;
	}
	fclose(f);
	double fa, fb;
	double ta = best_threshold(p, n, 0, false, &fa);
	double tb = best_threshold(p, n, -1, true, &fb);
	printf("nk_pairs=%zu\nnk_split_a=%ld\nnk_threshold_a=%.2f\nnk_best_f1_a=%.3f\n", n,
	       count(p, n, 0, 0, false).tp + count(p, n, 0, 0, false).fn + count(p, n, 0, 0, false).tn +
		       count(p, n, 0, 0, false).fp,
	       ta, fa);
	report("nk_all", count(p, n, thr, -1, false));
	report("nk_a", count(p, n, thr, 0, false));
	report("nk_b", count(p, n, thr, 1, false));
	report("nk_b_at_a", count(p, n, ta, 1, false));
	printf("nk_base_threshold=%.2f\n", tb);
	report("nk_base", count(p, n, tb, -1, true));
	/* per category at the configured threshold: "nk_cat=name|tp|fp|fn|tn" */
	for (size_t i = 0; i < n; i++) {
		bool seen = false;
		for (size_t k = 0; k < i && !seen; k++)
			seen = strcmp(p[k].cat, p[i].cat) == 0;
		if (seen)
			continue;
		long c[4] = {0};
		for (size_t k = i; k < n; k++)
			if (strcmp(p[k].cat, p[i].cat) == 0) {
				bool hit = p[k].score >= thr;
				c[hit ? (p[k].label ? 0 : 1) : (p[k].label ? 2 : 3)]++;
			}
		printf("nk_cat=%s|%ld|%ld|%ld|%ld\n", p[i].cat, c[0], c[1], c[2], c[3]);
	}
	free(p);
}

/* ---- wikidata transliteration ------------------------------------------ */

typedef struct wrow {
	char latin[64], target[128];
} wrow;

static size_t lev(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), d[65];
	if (la > 64 || lb > 64)
		return 64;
	for (size_t j = 0; j <= lb; j++)
		d[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t prev = d[0];
		d[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cur = d[j];
			size_t v = prev + (a[i - 1] != b[j - 1]);
			if (d[j] + 1 < v)
				v = d[j] + 1;
			if (d[j - 1] + 1 < v)
				v = d[j - 1] + 1;
			d[j] = v;
			prev = cur;
		}
	}
	return d[lb];
}

/*
 * A hard negative for row i: the first row j after a pseudo-random start
 * whose Latin token begins with the same letter, has a length within one,
 * and is at least 3 edits away from row i's Latin token (so not a variant
 * of the same name); row j's target-script token is paired with row i's
 * Latin token.
 */
static size_t hard_negative(const wrow *w, size_t n, size_t i)
{
	size_t start = (i * 2654435761u + 12345u) % n;
	size_t li = strlen(w[i].latin);
	for (size_t k = 0; k < n; k++) {
		size_t j = (start + k) % n;
		size_t lj = strlen(w[j].latin);
		if (j == i || w[j].latin[0] != w[i].latin[0] || lj + 1 < li || li + 1 < lj)
			continue;
		if (lev(w[i].latin, w[j].latin) >= 3)
			return j;
	}
	return (i + 1) % n;
}

static bool dump_wd; /* --dump-wd: the normalised rows for learn_costs.py, no scores */

/* norm.c, module-internal: the normalised form with each token's script tag. */
int cu_name_normalise_tagged(char *out, size_t outsz, const char *utf8, size_t len, int cls,
			     uint8_t *tags, size_t ntags);

/* "lang<TAB>row<TAB>latin<TAB>target<TAB>tag<TAB>negative target" with
 * latin and targets normalised, tag the first target token's script tag. */
static void dump_row(const char *lang, size_t i, const wrow *w, size_t j)
{
	char a[512], b[512], c[512];
	uint8_t tags[32], tn[32];
	if (cu_name_normalise_tagged(a, sizeof a, w[i].latin, strlen(w[i].latin), CU_NAME_PERSON,
				     NULL, 0) < 0 ||
	    cu_name_normalise_tagged(b, sizeof b, w[i].target, strlen(w[i].target), CU_NAME_PERSON,
				     tags, sizeof tags) < 0 ||
	    cu_name_normalise_tagged(c, sizeof c, w[j].target, strlen(w[j].target), CU_NAME_PERSON,
				     tn, sizeof tn) < 0)
		return;
	printf("%s\t%zu\t%s\t%s\t%d\t%s\n", lang, i, a, b, tags[0], c);
}

static void wikidata(const char *dir, const char *lang, double thr)
{
	char rel[256];
	snprintf(rel, sizeof rel, "wikidata-transliteration/wd_%s_dev.tsv", lang);
	FILE *f = open_data(dir, rel);
	size_t n = 0, cap = 4096;
	wrow *w = malloc(cap * sizeof *w);
	char line[1024];
	while (fgets(line, sizeof line, f)) {
		char *t1 = strchr(line, '\t');
		if (!t1)
			continue;
		*t1++ = 0;
		char *t2 = strchr(t1, '\t');
		if (t2)
			*t2 = 0;
		if (strlen(line) >= sizeof w->latin)
			continue;
		if (n == cap)
			w = realloc(w, (cap *= 2) * sizeof *w);
		snprintf(w[n].latin, sizeof w[n].latin, "%s", line);
		size_t o = 0;
		for (char *s = t1; *s && o + 1 < sizeof w[n].target; s++)
			if (*s != ' ' && *s != '\n')
				w[n].target[o++] = *s;
		w[n].target[o] = 0;
		n++;
	}
	fclose(f);
	if (dump_wd) {
		for (size_t i = 0; i < n; i++)
			dump_row(lang, i, w, hard_negative(w, n, i));
		free(w);
		return;
	}
	pair *p = calloc(2 * n, sizeof *p);
	int shown = 0;
	for (size_t i = 0; i < n; i++) {
		size_t j = hard_negative(w, n, i);
		p[2 * i] = (pair){score_names(w[i].latin, w[i].target), 0, true, (int)(i & 1), ""};
		p[2 * i + 1] = (pair){score_names(w[i].latin, w[j].target), 0, false, (int)(i & 1), ""};
		if (verbose && shown < verbose_max && (p[2 * i].score < thr || p[2 * i + 1].score >= thr)) {
			shown++;
			if (p[2 * i].score < thr)
				fprintf(stderr, "%s FN %.3f %s %s\n", lang, p[2 * i].score, w[i].latin, w[i].target);
			else
				fprintf(stderr, "%s FP %.3f %s %s (%s)\n", lang, p[2 * i + 1].score, w[i].latin,
					w[j].target, w[j].latin);
		}
	}
	char key[64];
	snprintf(key, sizeof key, "wd_%s", lang);
	report(key, count(p, 2 * n, thr, -1, false));
	snprintf(key, sizeof key, "wd_%s_even", lang);
	report(key, count(p, 2 * n, thr, 0, false));
	/* odd rows: not used by learn_costs.py (held out) */
	snprintf(key, sizeof key, "wd_%s_odd", lang);
	report(key, count(p, 2 * n, thr, 1, false));
	free(p);
	free(w);
}

/* ---- yente negatives against US congress ------------------------------ */

typedef struct ent {
	cu_mrec name_only, with_dob;
} ent;

static size_t load_people(const char *dir, const char *rel, ent **out)
{
	FILE *f = open_data(dir, rel);
	char *fl[MAXF];
	size_t n = 0, cap = 2048;
	ent *e = calloc(cap, sizeof *e);
	csv_read(f, fl, MAXF);
	int nf;
	while ((nf = csv_read(f, fl, MAXF)) >= 0) {
		if (nf < 6 || !fl[0][0])
			continue;
		if (n == cap)
			e = realloc(e, (cap *= 2) * sizeof *e);
		if (person(&e[n].name_only, fl[0]) != 0) {
			cu_mrec_free(&e[n].name_only);
			continue;
		}
		person(&e[n].with_dob, fl[0]);
		if (fl[5][0])
			cu_mrec_set_dob(&e[n].with_dob, fl[5]);
		n++;
	}
	fclose(f);
	*out = e;
	return n;
}

static void yente(const char *dir, double thr)
{
	ent *list, *neg[2];
	size_t nl = load_people(dir, "yente/positives_us_congress_untreated.csv", &list);
	size_t nn[2];
	nn[0] = load_people(dir, "yente/validation_report_negatives_global.csv", &neg[0]);
	nn[1] = load_people(dir, "yente/validation_report_negatives_us.csv", &neg[1]);
	long fp[2][2] = {{0}}, hitq[2][2] = {{0}}, comps = 0;
	double t0 = now();
	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < nn[s]; i++) {
			bool h0 = false, h1 = false;
			for (size_t j = 0; j < nl; j++) {
				cu_mscore a, b;
				cu_match_score(&neg[s][i].name_only, &list[j].name_only, &a);
				cu_match_score(&neg[s][i].with_dob, &list[j].with_dob, &b);
				comps += 2;
				if (a.score >= thr) {
					fp[s][0]++, h0 = true;
					if (verbose)
						fprintf(stderr, "yente FP %s\n", a.explain);
				}
				if (b.score >= thr)
					fp[s][1]++, h1 = true;
			}
			hitq[s][0] += h0, hitq[s][1] += h1;
		}
	double dt = now() - t0;
	printf("yente_list=%zu\nyente_queries_global=%zu\nyente_queries_us=%zu\n", nl, nn[0], nn[1]);
	printf("yente_fp_pairs_global=%ld\nyente_fp_queries_global=%ld\n", fp[0][0], hitq[0][0]);
	printf("yente_fp_pairs_us=%ld\nyente_fp_queries_us=%ld\n", fp[1][0], hitq[1][0]);
	printf("yente_fp_pairs_global_dob=%ld\nyente_fp_queries_global_dob=%ld\n", fp[0][1], hitq[0][1]);
	printf("yente_fp_pairs_us_dob=%ld\nyente_fp_queries_us_dob=%ld\n", fp[1][1], hitq[1][1]);
	printf("score_ns=%.0f\n", dt / comps * 1e9);
	for (int s = 0; s < 2; s++) {
		for (size_t i = 0; i < nn[s]; i++)
			cu_mrec_free(&neg[s][i].name_only), cu_mrec_free(&neg[s][i].with_dob);
		free(neg[s]);
	}
	for (size_t j = 0; j < nl; j++)
		cu_mrec_free(&list[j].name_only), cu_mrec_free(&list[j].with_dob);
	free(list);
}

/* ---- time per comparison ------------------------------------------------ */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/*
 * cu_match_score on prepared records, nothing else in the loop: the 1254 US
 * congress names (two to four tokens) each against 400 others, and the
 * nomenklatura Person pairs (mostly similar names: the expensive case),
 * median of 7 rounds.
 */
static void timing(const char *dir)
{
	ent *list;
	size_t nl = load_people(dir, "yente/positives_us_congress_untreated.csv", &list);
	double r[7];
	volatile double sink = 0;
	long comps = 0;
	for (int k = 0; k < 7; k++) {
		comps = 0;
		double t0 = now();
		for (size_t i = 0; i < nl; i++)
			for (size_t d = 1; d <= 400; d++) {
				cu_mscore s;
				cu_match_score(&list[i].name_only, &list[(i + d * 3) % nl].name_only, &s);
				sink += s.score;
				comps++;
			}
		r[k] = (now() - t0) / comps * 1e9;
	}
	qsort(r, 7, sizeof r[0], cmp_double);
	printf("time_list_ns=%.0f\ntime_list_comps=%ld\n", r[3], comps);
	for (size_t j = 0; j < nl; j++)
		cu_mrec_free(&list[j].name_only), cu_mrec_free(&list[j].with_dob);
	free(list);
	/* nomenklatura Person pairs */
	FILE *f = open_data(dir, "nomenklatura/cases.csv");
	char *fl[MAXF];
	size_t n = 0, cap = 1024;
	cu_mrec *a = calloc(cap, sizeof *a), *b = calloc(cap, sizeof *b);
	csv_read(f, fl, MAXF);
	int nf;
	while ((nf = csv_read(f, fl, MAXF)) >= 0) {
		if (nf < 5 || strcmp(fl[1], "Person") != 0)
			continue;
		if (n == cap) {
			cap *= 2;
			a = realloc(a, cap * sizeof *a);
			b = realloc(b, cap * sizeof *b);
		}
		if (person(&a[n], fl[2]) != 0 || person(&b[n], fl[3]) != 0) {
			cu_mrec_free(&a[n]), cu_mrec_free(&b[n]);
			continue;
		}
		n++;
	}
	fclose(f);
	for (int k = 0; k < 7; k++) {
		comps = 0;
		double t0 = now();
		for (int rep = 0; rep < 200; rep++)
			for (size_t i = 0; i < n; i++) {
				cu_mscore s;
				cu_match_score(&a[i], &b[i], &s);
				sink += s.score;
				comps++;
			}
		r[k] = (now() - t0) / comps * 1e9;
	}
	qsort(r, 7, sizeof r[0], cmp_double);
	printf("time_nk_ns=%.0f\ntime_nk_comps=%ld\n", r[3], comps);
	for (size_t i = 0; i < n; i++)
		cu_mrec_free(&a[i]), cu_mrec_free(&b[i]);
	free(a), free(b);
	(void)sink;
}

/* ---- Putin ---------------------------------------------------------------- */

static void putin(const char *dir, double thr)
{
	FILE *f = open_data(dir, "nomenklatura/putin_names.txt");
	cu_mrec r[128];
	char line[1024];
	int n = 0, bad = 0;
	while (n < 128 && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (!line[0])
			continue;
		if (person(&r[n], line) != 0) {
			cu_mrec_free(&r[n]);
			bad++;
			continue;
		}
		n++;
	}
	fclose(f);
	long pairs = 0, hits = 0;
	int linked = 0;
	for (int i = 0; i < n; i++) {
		int h = 0;
		for (int j = 0; j < n; j++) {
			if (i == j)
				continue;
			cu_mscore s;
			cu_match_score(&r[i], &r[j], &s);
			if (j > i)
				pairs++, hits += s.score >= thr;
			h += s.score >= thr;
		}
		linked += h > 0;
		if (verbose && h < n / 2)
			fprintf(stderr, "putin weak: %s (%d)\n", cu_mrec_name(&r[i], 0), h);
	}
	printf("putin_names=%d\nputin_refused=%d\nputin_pair_fraction=%.3f\nputin_linked=%d\n", n, bad,
	       pairs ? (double)hits / pairs : 0, linked);
	for (int i = 0; i < n; i++)
		cu_mrec_free(&r[i]);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: eval DATA_DIR [THRESHOLD | --dump-wd]\n");
		return 2;
	}
	double thr = argc > 2 && argv[2][0] != '-' ? strtod(argv[2], NULL) : CU_MATCH_THRESHOLD_DEFAULT;
	verbose = getenv("EVAL_VERBOSE") != NULL;
	if (verbose && atoi(getenv("EVAL_VERBOSE")) > 1)
		verbose_max = atoi(getenv("EVAL_VERBOSE"));
	UErrorCode e = U_ZERO_ERROR;
	UParseError pe;
	static const UChar id[] = u"Any-Latin; Latin-ASCII; Lower";
	base_tr = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, &pe, &e);
	if (U_FAILURE(e)) {
		fprintf(stderr, "match-eval: ICU: %s\n", u_errorName(e));
		return 1;
	}
	const char *only = getenv("EVAL_ONLY");
	if (argc > 2 && strcmp(argv[2], "--dump-wd") == 0) {
		dump_wd = true;
		wikidata(argv[1], "russian", thr);
		wikidata(argv[1], "arabic", thr);
		wikidata(argv[1], "hebrew", thr);
		utrans_close(base_tr);
		cu_match_thread_done();
		return 0;
	}
	printf("threshold=%.2f\n", thr);
	if (!only || strstr(only, "nk"))
		nomenklatura(argv[1], thr);
	if (!only || strstr(only, "wd")) {
		wikidata(argv[1], "russian", thr);
		wikidata(argv[1], "arabic", thr);
		wikidata(argv[1], "hebrew", thr);
	}
	if (!only || strstr(only, "putin"))
		putin(argv[1], thr);
	if (!only || strstr(only, "yente"))
		yente(argv[1], thr);
	if (!only || strstr(only, "time"))
		timing(argv[1]);
	utrans_close(base_tr);
	cu_match_thread_done();
	return 0;
}
