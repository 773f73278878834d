/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench/acl/timing: can the time of a 404 tell an object one may not see
 * from one that does not exist? For each group of paths (an object of a
 * case the user may not see, and two ids that do not exist), every round
 * sends each path once, in an order shuffled per round, over one keep-alive
 * connection, and records each answer's time. The two absent ids measure the
 * noise floor in the same run: the difference "invisible - absent" is judged
 * against "absent - absent", and by a Mann-Whitney U test (|z| > 3: the two
 * sets of times are told apart).
 *
 * Usage: timing URL TOKEN ROUNDS NAME:INVISIBLE:ABSENT:ABSENT2 ...
 * Every path must answer 404 (anything else stops the run).
 */
#include <curl/curl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAXG 16

typedef struct group {
	char *name, *path[3];
	double *t[3]; /* microseconds, one per round */
} group;

static size_t discard(char *p, size_t size, size_t n, void *u)
{
	(void)p, (void)u;
	return size * n;
}

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double quantile(double *v, int n, double q)
{
	qsort(v, (size_t)n, sizeof(double), cmp_double);
	return v[(int)(q * (n - 1))];
}

/* Mann-Whitney U of a against b as a z-score (normal approximation, ties averaged). */
static double mw_z(const double *a, const double *b, int n)
{
	struct rk {
		double v;
		int from_a;
	} *all = malloc(sizeof(*all) * 2 * (size_t)n);
	if (!all)
		return 0;
	for (int i = 0; i < n; i++) {
		all[i].v = a[i], all[i].from_a = 1;
		all[n + i].v = b[i], all[n + i].from_a = 0;
	}
	int m = 2 * n;
	qsort(all, (size_t)m, sizeof(*all), cmp_double); /* v is the first member */
	double ra = 0;
	for (int i = 0; i < m;) {
		int j = i;
		while (j < m && all[j].v == all[i].v)
			j++;
		double rank = (i + 1 + j) / 2.0; /* ranks i+1..j averaged */
		for (int k = i; k < j; k++)
			if (all[k].from_a)
				ra += rank;
		i = j;
	}
	free(all);
	double u = ra - (double)n * (n + 1) / 2.0, mu = (double)n * n / 2.0;
	double sd = sqrt((double)n * n * (2.0 * n + 1) / 12.0);
	return (u - mu) / sd;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: timing URL TOKEN ROUNDS NAME:INVISIBLE:ABSENT:ABSENT2 ...\n");
		return 2;
	}
	const char *url = argv[1], *token = argv[2];
	int rounds = atoi(argv[3]), ng = argc - 4;
	if (rounds < 10 || ng > MAXG) {
		fprintf(stderr, "timing: at least 10 rounds, at most %d groups\n", MAXG);
		return 2;
	}
	group g[MAXG];
	for (int i = 0; i < ng; i++) {
		char *s = argv[4 + i];
		g[i].name = strtok(s, ":");
		for (int k = 0; k < 3; k++) {
			g[i].path[k] = strtok(NULL, ":");
			g[i].t[k] = calloc((size_t)rounds, sizeof(double));
			if (!g[i].path[k] || !g[i].t[k]) {
				fprintf(stderr, "timing: bad group %s\n", argv[4 + i]);
				return 2;
			}
		}
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	CURL *h = curl_easy_init();
	char auth[600];
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	struct curl_slist *hdr = curl_slist_append(NULL, auth);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
	int order[3 * MAXG], n = 3 * ng;
	srand(12345);
	/* rounds of warm-up, then the measured ones */
	for (int r = -rounds / 10; r < rounds; r++) {
		for (int i = 0; i < n; i++)
			order[i] = i;
		for (int i = n - 1; i > 0; i--) {
			int j = rand() % (i + 1), t = order[i];
			order[i] = order[j], order[j] = t;
		}
		for (int i = 0; i < n; i++) {
			group *gr = &g[order[i] / 3];
			int k = order[i] % 3;
			char full[1024];
			long st = 0;
			snprintf(full, sizeof(full), "%s%s", url, gr->path[k]);
			curl_easy_setopt(h, CURLOPT_URL, full);
			double t0 = now_us();
			CURLcode cr = curl_easy_perform(h);
			double t1 = now_us();
			curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &st);
			if (cr != CURLE_OK || st != 404) {
				fprintf(stderr, "timing: %s answered %ld (%s), not 404\n", full, st,
				        curl_easy_strerror(cr));
				return 1;
			}
			if (r >= 0)
				gr->t[k][r] = t1 - t0;
		}
	}
	printf("| object | invisible median µs | absent median µs | invisible - absent µs | "
	       "absent - absent µs (noise) | z invisible vs absent | z absent vs absent |\n");
	printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
	int told = 0;
	for (int i = 0; i < ng; i++) {
		double z1 = mw_z(g[i].t[0], g[i].t[1], rounds);
		double z0 = mw_z(g[i].t[2], g[i].t[1], rounds);
		double m0 = quantile(g[i].t[0], rounds, 0.5), m1 = quantile(g[i].t[1], rounds, 0.5);
		double m2 = quantile(g[i].t[2], rounds, 0.5);
		printf("| %s | %.1f | %.1f | %+.1f | %+.1f | %+.2f | %+.2f |\n", g[i].name, m0, m1,
		       m0 - m1, m2 - m1, z1, z0);
		told += fabs(z1) > 3;
	}
	printf("\n%d rounds; %d of %d objects told apart from absent ones (|z| > 3)\n", rounds, told,
	       ng);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	curl_global_cleanup();
	return 0;
}
