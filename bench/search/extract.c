/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench/search (3) and (4): text extraction through cu_extract.
 *
 *   extract pdf FILE   the PDF's text layer on this one thread (the
 *                      default limits: 10,000 pages): pages/s by the wall
 *                      clock and by the thread's CPU time
 *   extract ocr DIR    DIR/<lang>.png (render png) on 2 threads at once,
 *                      both busy for the whole measure: each thread OCRs
 *                      every page once to warm up (Tesseract's engines are
 *                      set up on first use, per thread and language string:
 *                      that first call is reported apart), then once more,
 *                      timed, starting at a different language than the
 *                      other thread. First with limits.ocr_langs set to the
 *                      page's language, then with the default string of all
 *                      eight. Also the share of the drawn words (DIR/<lang>.txt)
 *                      found in the text, as a check that OCR read the page.
 *                      With "own", the first measure only.
 *
 * Prints key=value.
 */
#include <pthread.h>

#include "corpus.h"
#include "extract/extract.h"

static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "extract: cannot open %s\n", path);
		exit(1);
	}
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *d = malloc((size_t)n + 1);
	if (!d || fread(d, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "extract: cannot read %s\n", path);
		exit(1);
	}
	d[n] = 0;
	fclose(f);
	*len = (size_t)n;
	return d;
}

static int pdf(const char *path)
{
	size_t len;
	uint8_t *data = slurp(path, &len);
	cu_extract_limits lim = {0};
	cu_extract_result r;
	double t0 = now_s(), c0 = cpu_s();
	int e = cu_extract(&r, "application/pdf", data, len, &lim);
	double wall = now_s() - t0, cpu = cpu_s() - c0;
	if (e != 0) {
		fprintf(stderr, "extract: %s\n", cu_error_message(e));
		return 1;
	}
	printf("pdf_bytes=%zu\npdf_pages=%d\npdf_ocr_pages=%d\npdf_text_bytes=%zu\n"
	       "pdf_partial=%d\npdf_wall_s=%.2f\npdf_cpu_s=%.2f\npdf_rate=%.1f\npdf_cpu_rate=%.1f\n"
	       "pdf_tool=%s %s\n",
	       len, r.pages, r.ocr_pages, r.text.len, r.partial, wall, cpu, r.pages / wall,
	       r.pages / cpu, r.tool, r.tool_version);
	cu_extract_result_free(&r);
	free(data);
	return 0;
}

#define NPAGES 8
static const char *const langs[NPAGES] = {"eng", "fra", "deu", "rus",
                                          "ukr", "srp", "srp_latn", "ara"};

typedef struct page {
	uint8_t *png;
	size_t len;
	char *truth;
} page;

typedef struct job {
	int thread;
	bool all;             /* the default language string */
	const page *pages;
	pthread_barrier_t *bar;
	double first[NPAGES]; /* the warm-up call (engine set-up included) */
	double wall[NPAGES], cpu[NPAGES], recall[NPAGES];
	int failed;
} job;

/* The share of the drawn words found, as words, in the OCR text. */
static double recall(const char *truth, const char *text)
{
	int found = 0, total = 0;
	const char *p = truth;
	while (*p) {
		while (*p == ' ' || *p == '\n')
			p++;
		if (!*p)
			break;
		const char *e = p;
		while (*e && *e != ' ' && *e != '\n')
			e++;
		size_t n = (size_t)(e - p);
		total++;
		for (const char *h = text; *h;) {
			const char *m = memmem(h, strlen(h), p, n);
			if (!m)
				break;
			bool left = m == text || strchr(" \n\t\f", m[-1]);
			bool right = strchr(" \n\t\f.,;:", m[n]) != NULL;
			if (left && right) {
				found++;
				break;
			}
			h = m + 1;
		}
		p = e;
	}
	return total ? (double)found / total : 0;
}

static int ocr_one(job *j, int k, double *wall, double *cpu, double *rec)
{
	cu_extract_limits lim = {.ocr_langs = j->all ? NULL : langs[k]};
	cu_extract_result r;
	double t0 = now_s(), c0 = cpu_s();
	int e = cu_extract(&r, "image/png", j->pages[k].png, j->pages[k].len, &lim);
	*wall = now_s() - t0;
	if (cpu)
		*cpu = cpu_s() - c0;
	if (e != 0) {
		fprintf(stderr, "extract: OCR of %s: %s\n", langs[k], cu_error_message(e));
		return 1;
	}
	if (rec)
		*rec = recall(j->pages[k].truth, r.text.data ? (const char *)r.text.data : "");
	cu_extract_result_free(&r);
	return 0;
}

static void *ocr_thread(void *arg)
{
	job *j = arg;
	for (int i = 0; i < NPAGES; i++) {
		int k = (i + j->thread * NPAGES / 2) % NPAGES;
		j->failed |= ocr_one(j, k, &j->first[k], NULL, NULL);
	}
	pthread_barrier_wait(j->bar);
	for (int i = 0; i < NPAGES; i++) {
		int k = (i + j->thread * NPAGES / 2) % NPAGES;
		j->failed |= ocr_one(j, k, &j->wall[k], &j->cpu[k], &j->recall[k]);
	}
	/* Keep the core busy until the other thread is done too. */
	pthread_barrier_wait(j->bar);
	cu_extract_thread_done();
	return NULL;
}

static int ocr(const char *dir, bool own_only)
{
	page pages[NPAGES];
	char path[4096];
	size_t n;
	for (int k = 0; k < NPAGES; k++) {
		snprintf(path, sizeof path, "%s/%s.png", dir, langs[k]);
		pages[k].png = slurp(path, &pages[k].len);
		snprintf(path, sizeof path, "%s/%s.txt", dir, langs[k]);
		pages[k].truth = (char *)slurp(path, &n);
	}
	for (int all = 0; all < (own_only ? 1 : 2); all++) {
		pthread_barrier_t bar;
		pthread_t th[2];
		job jobs[2];
		pthread_barrier_init(&bar, NULL, 2);
		double t0 = now_s();
		for (int t = 0; t < 2; t++) {
			jobs[t] = (job){.thread = t, .all = all, .pages = pages, .bar = &bar};
			pthread_create(&th[t], NULL, ocr_thread, &jobs[t]);
		}
		for (int t = 0; t < 2; t++)
			pthread_join(th[t], NULL);
		pthread_barrier_destroy(&bar);
		if (jobs[0].failed || jobs[1].failed)
			return 1;
		const char *set = all ? "all" : "own";
		printf("ocr_%s_total_s=%.1f\n", set, now_s() - t0);
		for (int k = 0; k < NPAGES; k++)
			printf("ocr_%s_%s_s=%.2f\nocr_%s_%s_cpu_s=%.2f\nocr_%s_%s_first_s=%.2f\n"
			       "ocr_%s_%s_recall=%.2f\n",
			       set, langs[k], (jobs[0].wall[k] + jobs[1].wall[k]) / 2, set, langs[k],
			       (jobs[0].cpu[k] + jobs[1].cpu[k]) / 2, set, langs[k],
			       (jobs[0].first[k] + jobs[1].first[k]) / 2, set, langs[k],
			       (jobs[0].recall[k] + jobs[1].recall[k]) / 2);
	}
	printf("extract_versions=%s\n", cu_extract_versions());
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "pdf"))
		return pdf(argv[2]);
	if ((argc == 3 || (argc == 4 && !strcmp(argv[3], "own"))) && !strcmp(argv[1], "ocr"))
		return ocr(argv[2], argc == 4);
	fprintf(stderr, "usage: extract pdf FILE | extract ocr DIR [own]\n");
	return 2;
}
