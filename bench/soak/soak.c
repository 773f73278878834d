/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench/soak: a mixed workload against a running custodia server, for a long
 * time, watching the server's memory and file descriptors (issue 9, "Load
 * and soak").
 *
 * CONNS client threads, each on one keep-alive connection as one demo user,
 * loop over:
 *   80%  reads: the case list, one case, its evidence, one item, a search,
 *        the hits list (demo cases, so the read set does not grow);
 *   15%  small writes: a phone entity (matched at once against every other
 *        case) or a custody event on an item of the thread's soak case;
 *    5%  evidence uploads of 1-50 MiB (POST uploads, PUT 8 MiB chunks,
 *        POST complete with the SHA-256), into the thread's soak case.
 * The first BASE seconds run reads only: the baseline the mixed phase's
 * read latency is compared with in the same run. Then SECS seconds of the
 * mixed workload; the first WARMUP seconds of it are warm-up (latencies
 * count from its end, at the first sample after it). Every SAMPLE seconds
 * the server's RSS and open descriptors are read from /proc/PID.
 *
 * Usage: soak URL PID FILEDIR   (env CONNS, SECS, WARMUP, BASE, SAMPLE, SEED)
 * FILEDIR holds the upload files up-01.bin ... (any number), each with a
 * .sha256 file beside it. Prints samples as they come, then one JSON line
 * of figures; exits 1 if a criterion is missed: any error, RSS growth after
 * warm-up > 10%, read
 * p99 >= 50 ms, more open descriptors once the clients have gone than
 * before they came (in-flight uploads hold files while they run, so only the
 * quiet counts compare).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

enum { OP_READ, OP_WRITE, OP_UPLOAD, NOPS };
static const char *const users[] = {"se", "rs", "me", "lt", "pl"};
#define NUSERS (sizeof(users) / sizeof(users[0]))

static const char *base;
static int conns, secs, warmup, basesecs, sample;
static atomic_int phase; /* 0 baseline, 1 warm-up, 2 measured, 3 stop */
static atomic_long nerrors;
static atomic_long count[NOPS];

/*
 * Read latencies also go to histograms (buckets 10% wide from 0.01 ms): one
 * per kind of read for the whole measured phase, and one per sample
 * interval, so that the samples show when reads slow down and the summary
 * which reads.
 */
#define NBUCKETS 160
#define NKINDS 6
static const char *const kind_name[NKINDS] = {"case list", "case", "case evidence",
                                              "evidence item", "search", "hits"};
static atomic_long hist_kind[NKINDS][NBUCKETS], hist_now[NBUCKETS];

static int bucket_of(double ms)
{
	int b = ms <= 0.01 ? 0 : (int)(log(ms / 0.01) / log(1.1)) + 1;
	return b < NBUCKETS ? b : NBUCKETS - 1;
}

/* The upper bound (ms) of the bucket holding the q-quantile of h. */
static double hist_quantile(const long *h, double q)
{
	long n = 0, seen = 0;
	for (int b = 0; b < NBUCKETS; b++)
		n += h[b];
	if (!n)
		return 0;
	for (int b = 0; b < NBUCKETS; b++)
		if ((seen += h[b]) > (long)(q * (double)(n - 1)))
			return 0.01 * pow(1.1, b);
	return 0.01 * pow(1.1, NBUCKETS - 1);
}

typedef struct {
	const char *map;
	size_t size;
	char sha[65];
} upfile;
static upfile files[16];
static int nfiles;

/* Per user: the demo cases and items it reads, and its soak case. */
typedef struct {
	char *token;
	int64_t cases[64], items[64], soak_case, soak_item;
	int ncases, nitems;
} account;
static account accounts[NUSERS];

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int envi(const char *name, int dflt)
{
	const char *v = getenv(name);
	return v && *v ? atoi(v) : dflt;
}

/* ---- HTTP ------------------------------------------------------------------ */

typedef struct {
	char *p;
	size_t n;
} answer;

static size_t collect(char *d, size_t size, size_t nmemb, void *ctx)
{
	answer *a = ctx;
	size_t k = size * nmemb;
	char *q = realloc(a->p, a->n + k + 1);
	if (!q)
		return 0;
	memcpy(q + a->n, d, k);
	a->p = q;
	a->n += k;
	a->p[a->n] = '\0';
	return k;
}

/*
 * One exchange on the thread's handle: JSON body (or raw bytes when raw),
 * the status (0 if the exchange failed), the answer in *a.
 */
static long call(CURL *c, const char *method, const char *path, const char *token,
                 const void *body, size_t len, bool raw, answer *a)
{
	char url[512], auth[300];
	struct curl_slist *h = NULL;
	long st = 0;
	a->n = 0;
	snprintf(url, sizeof(url), "%s%s", base, path);
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
	if (token) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
		h = curl_slist_append(h, auth);
	}
	if (body) {
		h = curl_slist_append(h, raw ? "Content-Type: application/octet-stream"
		                             : "Content-Type: application/json");
		h = curl_slist_append(h, "Expect:");
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
	curl_slist_free_all(h);
	return st;
}

static long callj(CURL *c, const char *method, const char *path, const char *token,
                  const char *body, answer *a)
{
	return call(c, method, path, token, body, body ? strlen(body) : 0, false, a);
}

static void failed(const char *what, const char *path, long st, const answer *a)
{
	long n = atomic_fetch_add(&nerrors, 1);
	if (n < 20)
		fprintf(stderr, "soak: %s %s -> %ld %.300s\n", what, path, st, a->p ? a->p : "");
}

static int64_t jid(const answer *a, const char *key)
{
	json_t *j = a->p ? json_loads(a->p, 0, NULL) : NULL;
	int64_t v = json_integer_value(json_object_get(j, key));
	json_decref(j);
	return v;
}

/* ---- setup: tokens, what each user reads, a soak case per user ------------ */

static void setup_user(CURL *c, account *u, const char *name)
{
	answer a = {0};
	char body[256], path[128];
	snprintf(body, sizeof(body), "{\"username\":\"%s\",\"password\":\"demo\"}", name);
	if (callj(c, "POST", "/api/v1/session", NULL, body, &a) != 201) {
		fprintf(stderr, "soak: cannot log in as %s\n", name);
		exit(2);
	}
	json_t *j = json_loads(a.p, 0, NULL);
	u->token = strdup(json_string_value(json_object_get(j, "token")));
	json_decref(j);

	if (callj(c, "GET", "/api/v1/cases?limit=50", u->token, NULL, &a) != 200)
		exit(2);
	j = json_loads(a.p, 0, NULL);
	json_t *items = json_object_get(j, "items"), *it;
	size_t i;
	json_array_foreach(items, i, it)
		if (u->ncases < 64)
			u->cases[u->ncases++] = json_integer_value(json_object_get(it, "id"));
	json_decref(j);
	for (int k = 0; k < u->ncases && u->nitems < 64; k++) {
		snprintf(path, sizeof(path), "/api/v1/cases/%lld/evidence", (long long)u->cases[k]);
		if (callj(c, "GET", path, u->token, NULL, &a) != 200)
			continue;
		j = json_loads(a.p, 0, NULL);
		json_t *list = json_is_array(j) ? j : json_object_get(j, "items");
		json_array_foreach(list, i, it)
			if (u->nitems < 64)
				u->items[u->nitems++] = json_integer_value(json_object_get(it, "id"));
		json_decref(j);
	}
	snprintf(body, sizeof(body),
	         "{\"title\":\"Soak %s\",\"crime_types\":[\"swindling_fraud\"]}", name);
	if (callj(c, "POST", "/api/v1/cases", u->token, body, &a) != 201) {
		fprintf(stderr, "soak: %s cannot open a case: %s\n", name, a.p);
		exit(2);
	}
	u->soak_case = jid(&a, "id");
	/* One small item to record custody events on. */
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/uploads", (long long)u->soak_case);
	if (callj(c, "POST", path, u->token, "{\"original_name\":\"seed.txt\",\"size\":5}", &a) !=
	    201)
		exit(2);
	j = json_loads(a.p, 0, NULL);
	char id[64];
	snprintf(id, sizeof(id), "%s", json_string_value(json_object_get(j, "id")));
	json_decref(j);
	snprintf(path, sizeof(path), "/api/v1/uploads/%s?offset=0", id);
	char seed[5] = {'s', 'o', 'a', 'k', (char)('0' + (u - accounts))};
	if (call(c, "PUT", path, u->token, seed, 5, true, &a) != 200)
		exit(2);
	snprintf(path, sizeof(path), "/api/v1/uploads/%s/complete", id);
	if (callj(c, "POST", path, u->token, "{}", &a) != 201) {
		fprintf(stderr, "soak: seed upload: %s\n", a.p);
		exit(2);
	}
	u->soak_item = jid(&a, "id");
	free(a.p);
	if (!u->ncases || !u->nitems) {
		fprintf(stderr, "soak: %s sees no case or no item\n", name);
		exit(2);
	}
}

/* ---- the workload ------------------------------------------------------------ */

typedef struct {
	double *v;
	size_t n, cap;
} series;

static void push(series *s, double x)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 4096;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		if (!s->v)
			abort();
	}
	s->v[s->n++] = x;
}

typedef struct {
	pthread_t tid;
	int no;
	unsigned seed;
	series lat[NOPS]; /* measured mixed phase */
	series base;      /* read latencies of the baseline phase */
	int kind;         /* of the last read */
} worker;

static const char *const queries[] = {"Djordjevic", "fraud", "bank", "Ђорђевић", "lorry*",
                                      "statement OR invoice"};

static long do_read(CURL *c, worker *w, account *u, answer *a)
{
	char path[256];
	int64_t cs = u->cases[(unsigned)rand_r(&w->seed) % (unsigned)u->ncases];
	int64_t it = u->items[(unsigned)rand_r(&w->seed) % (unsigned)u->nitems];
	w->kind = rand_r(&w->seed) % NKINDS;
	switch (w->kind) {
	case 0: snprintf(path, sizeof(path), "/api/v1/cases?limit=50"); break;
	case 1: snprintf(path, sizeof(path), "/api/v1/cases/%lld", (long long)cs); break;
	case 2: snprintf(path, sizeof(path), "/api/v1/cases/%lld/evidence", (long long)cs); break;
	case 3: snprintf(path, sizeof(path), "/api/v1/evidence/%lld", (long long)it); break;
	case 4: {
		char *q = curl_easy_escape(c, queries[rand_r(&w->seed) % 6], 0);
		snprintf(path, sizeof(path), "/api/v1/search?q=%s&limit=20", q);
		curl_free(q);
		break;
	}
	default: snprintf(path, sizeof(path), "/api/v1/hits"); break;
	}
	long st = callj(c, "GET", path, u->token, NULL, a);
	if (st != 200)
		failed("GET", path, st, a);
	return st;
}

static long do_write(CURL *c, worker *w, account *u, answer *a)
{
	char path[128], body[256];
	long want = 201, st;
	if (rand_r(&w->seed) % 2) {
		snprintf(path, sizeof(path), "/api/v1/cases/%lld/entities", (long long)u->soak_case);
		snprintf(body, sizeof(body), "{\"kind\":\"phone\",\"number\":\"+46 70 %03d %02d %02d\"}",
		         rand_r(&w->seed) % 1000, rand_r(&w->seed) % 100, rand_r(&w->seed) % 100);
	} else {
		snprintf(path, sizeof(path), "/api/v1/evidence/%lld/custody", (long long)u->soak_item);
		snprintf(body, sizeof(body),
		         "{\"event\":\"analysed\",\"reason\":\"soak worker %d pass %u\"}", w->no,
		         (unsigned)rand_r(&w->seed));
	}
	st = callj(c, "POST", path, u->token, body, a);
	if (st != want)
		failed("POST", path, st, a);
	return st;
}

static long do_upload(CURL *c, worker *w, account *u, answer *a)
{
	const upfile *f = &files[(unsigned)rand_r(&w->seed) % (unsigned)nfiles];
	char path[160], body[256], id[64];
	long st;
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/uploads", (long long)u->soak_case);
	snprintf(body, sizeof(body), "{\"original_name\":\"soak-%d.bin\",\"size\":%zu}", w->no,
	         f->size);
	if ((st = callj(c, "POST", path, u->token, body, a)) != 201) {
		failed("POST", path, st, a);
		return st;
	}
	json_t *j = json_loads(a->p, 0, NULL);
	snprintf(id, sizeof(id), "%s", json_string_value(json_object_get(j, "id")));
	json_decref(j);
	const size_t chunk = (size_t)8 << 20;
	for (size_t off = 0; off < f->size; off += chunk) {
		size_t k = f->size - off < chunk ? f->size - off : chunk;
		snprintf(path, sizeof(path), "/api/v1/uploads/%s?offset=%zu", id, off);
		if ((st = call(c, "PUT", path, u->token, f->map + off, k, true, a)) != 200) {
			failed("PUT", path, st, a);
			return st;
		}
	}
	snprintf(path, sizeof(path), "/api/v1/uploads/%s/complete", id);
	snprintf(body, sizeof(body), "{\"sha256\":\"%s\"}", f->sha);
	if ((st = callj(c, "POST", path, u->token, body, a)) != 201)
		failed("POST", path, st, a);
	return st;
}

static void *run(void *arg)
{
	worker *w = arg;
	account *u = &accounts[(size_t)w->no % NUSERS];
	CURL *c = curl_easy_init();
	answer a = {0};
	int p;
	while ((p = atomic_load(&phase)) < 3) {
		unsigned r = (unsigned)rand_r(&w->seed) % 100;
		int op = p == 0 || r < 80 ? OP_READ : r < 95 ? OP_WRITE : OP_UPLOAD;
		double t0 = now_s();
		switch (op) {
		case OP_READ: do_read(c, w, u, &a); break;
		case OP_WRITE: do_write(c, w, u, &a); break;
		default: do_upload(c, w, u, &a); break;
		}
		double dt = now_s() - t0;
		/* Only what ran wholly inside its phase counts. */
		if (atomic_load(&phase) != p)
			continue;
		if (p == 0)
			push(&w->base, dt);
		else if (p == 2)
			push(&w->lat[op], dt);
		if (p >= 1 && op == OP_READ) {
			atomic_fetch_add(&hist_now[bucket_of(dt * 1000)], 1);
			if (p == 2)
				atomic_fetch_add(&hist_kind[w->kind][bucket_of(dt * 1000)], 1);
		}
		if (p >= 1)
			atomic_fetch_add(&count[op], 1);
	}
	free(a.p);
	curl_easy_cleanup(c);
	return NULL;
}

/* ---- the server's resources ------------------------------------------------- */

static long rss_kib(long pid)
{
	char path[64], line[256];
	long v = -1;
	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &v) == 1)
			break;
	fclose(f);
	return v;
}

static long open_fds(long pid)
{
	char path[64];
	long n = 0;
	snprintf(path, sizeof(path), "/proc/%ld/fd", pid);
	DIR *d = opendir(path);
	if (!d)
		return -1;
	for (struct dirent *e; (e = readdir(d));)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static int cmpl(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

/* The median of n samples (0 if none). */
static long median_of(const long *v, size_t n)
{
	if (n == 0)
		return 0;
	long *c = malloc(n * sizeof(*c));
	if (!c)
		abort();
	memcpy(c, v, n * sizeof(*c));
	qsort(c, n, sizeof(*c), cmpl);
	long m = c[n / 2];
	free(c);
	return m;
}

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The q-quantile of the values of every worker's series (ms). */
static double quantile(worker *ws, int op, double q, size_t *n_out)
{
	size_t n = 0, k = 0;
	for (int i = 0; i < conns; i++)
		n += op < 0 ? ws[i].base.n : ws[i].lat[op].n;
	*n_out = n;
	if (!n)
		return 0;
	double *all = malloc(n * sizeof(*all));
	for (int i = 0; i < conns; i++) {
		series *s = op < 0 ? &ws[i].base : &ws[i].lat[op];
		memcpy(all + k, s->v, s->n * sizeof(*all));
		k += s->n;
	}
	qsort(all, n, sizeof(*all), cmpd);
	double v = all[(size_t)(q * (double)(n - 1))] * 1000;
	free(all);
	return v;
}

static void load_files(const char *dir)
{
	char path[512];
	for (int i = 1; i <= 16; i++) {
		snprintf(path, sizeof(path), "%s/up-%02d.bin", dir, i);
		int fd = open(path, O_RDONLY);
		struct stat st;
		if (fd < 0)
			break;
		if (fstat(fd, &st) != 0 || st.st_size == 0)
			exit(2);
		files[nfiles].size = (size_t)st.st_size;
		files[nfiles].map = mmap(NULL, files[nfiles].size, PROT_READ, MAP_SHARED, fd, 0);
		close(fd);
		snprintf(path, sizeof(path), "%s/up-%02d.bin.sha256", dir, i);
		FILE *f = fopen(path, "r");
		if (!f || fscanf(f, "%64s", files[nfiles].sha) != 1)
			exit(2);
		fclose(f);
		nfiles++;
	}
	if (!nfiles) {
		fprintf(stderr, "soak: no upload files in %s\n", dir);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: soak URL PID FILEDIR\n");
		return 2;
	}
	base = argv[1];
	long pid = atol(argv[2]);
	conns = envi("CONNS", 64);
	secs = envi("SECS", 1800);
	warmup = envi("WARMUP", secs / 10);
	basesecs = envi("BASE", 60);
	sample = envi("SAMPLE", 10);
	unsigned seed = (unsigned)envi("SEED", (int)time(NULL));
	load_files(argv[3]);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	CURL *c = curl_easy_init();
	for (size_t i = 0; i < NUSERS; i++)
		setup_user(c, &accounts[i], users[i]);
	curl_easy_cleanup(c);
	printf("soak: %d connections, %ds baseline (reads only), %ds mixed (%ds warm-up), seed %u\n",
	       conns, basesecs, secs, warmup, seed);

	sleep(1); /* the server notices the setup connection closed */
	long fds_before = open_fds(pid);
	worker *ws = calloc((size_t)conns, sizeof(*ws));
	for (int i = 0; i < conns; i++) {
		ws[i].no = i;
		ws[i].seed = seed + (unsigned)i * 7919u;
		pthread_create(&ws[i].tid, NULL, run, &ws[i]);
	}
	sleep((unsigned)basesecs);
	atomic_store(&phase, 1);
	double t0 = now_s(), tm = 0;
	long rss_warm = -1, fds_warm = -1, rss_max = 0, fds_max = 0, rss = 0, fds = 0;
	static long rss_at[100000];
	size_t nrss = 0;
	/* The store's write-ahead log (SOAK_WAL, its path): reads slow down as it grows. */
	const char *wal = getenv("SOAK_WAL");
	long wal_max = 0;
	printf("%8s %10s %6s %9s %9s %9s %7s %9s %9s\n", "t(s)", "rss(KiB)", "fds", "reads", "writes",
	       "uploads", "errors", "read p99", "wal(MiB)");
	for (;;) {
		double left = t0 + secs - now_s();
		if (left <= 0)
			break;
		usleep((useconds_t)((left < sample ? left : sample) * 1e6));
		double t = now_s() - t0;
		rss = rss_kib(pid);
		fds = open_fds(pid);
		if (rss < 0 || fds < 0) {
			fprintf(stderr, "soak: the server (pid %ld) is gone\n", pid);
			atomic_store(&phase, 3);
			return 1;
		}
		if (rss_warm < 0 && t >= warmup) {
			rss_warm = rss;
			fds_warm = fds;
			atomic_store(&phase, 2);
			tm = now_s();
		}
		if (rss_warm >= 0) {
			rss_max = rss > rss_max ? rss : rss_max;
			if (nrss < sizeof(rss_at) / sizeof(rss_at[0]))
				rss_at[nrss++] = rss;
			fds_max = fds > fds_max ? fds : fds_max;
		}
		long h[NBUCKETS];
		for (int b = 0; b < NBUCKETS; b++)
			h[b] = atomic_exchange(&hist_now[b], 0);
		struct stat ws;
		long wal_mib = wal && stat(wal, &ws) == 0 ? (long)(ws.st_size >> 20) : 0;
		wal_max = wal_mib > wal_max ? wal_mib : wal_max;
		printf("%8.0f %10ld %6ld %9ld %9ld %9ld %7ld %9.1f %9ld\n", t, rss, fds,
		       atomic_load(&count[0]), atomic_load(&count[1]), atomic_load(&count[2]),
		       atomic_load(&nerrors), hist_quantile(h, 0.99), wal_mib);
		fflush(stdout);
	}
	double elapsed = tm > 0 ? now_s() - tm : 1e-9;
	atomic_store(&phase, 3);
	for (int i = 0; i < conns; i++)
		pthread_join(ws[i].tid, NULL);
	sleep(2); /* the server notices the closed connections */
	long fds_after = open_fds(pid);

	size_t nb, nr, nw, nu;
	double b50 = quantile(ws, -1, 0.50, &nb), b99 = quantile(ws, -1, 0.99, &nb);
	double r50 = quantile(ws, OP_READ, 0.50, &nr), r99 = quantile(ws, OP_READ, 0.99, &nr);
	double w99 = quantile(ws, OP_WRITE, 0.99, &nw), u50 = quantile(ws, OP_UPLOAD, 0.50, &nu);
	/*
	 * Growth: the median RSS of the last five minutes against that of the
	 * first five after warm-up. A single sample swings with the uploads in
	 * flight (h2o holds each chunk's body whole: up to 8 MiB per connection),
	 * so only a trend across windows is growth.
	 */
	size_t win = (size_t)(300 / (sample > 0 ? sample : 1));
	if (win < 3)
		win = 3;
	if (win > nrss / 2)
		win = nrss / 2;
	long m0 = median_of(rss_at, win), m1 = median_of(rss_at + nrss - win, win);
	double growth = m0 > 0 ? (double)(m1 - m0) / (double)m0 : 0;
	long errs = atomic_load(&nerrors);
	char kinds[512] = "";
	for (int k = 0; k < NKINDS; k++) {
		long h[NBUCKETS];
		for (int b = 0; b < NBUCKETS; b++)
			h[b] = atomic_load(&hist_kind[k][b]);
		size_t len = strlen(kinds);
		snprintf(kinds + len, sizeof(kinds) - len, "%s\"%s\":%.1f", k ? "," : "",
		         kind_name[k], hist_quantile(h, 0.99));
	}
	bool ok = errs == 0 && m0 > 0 && growth <= 0.10 && fds_after <= fds_before && r99 < 50;
	printf("{\"connections\":%d,\"seconds\":%.0f,\"warmup\":%d,\"seed\":%u,"
	       "\"requests\":{\"read\":%zu,\"write\":%zu,\"upload\":%zu},"
	       "\"reads_per_s\":%.0f,\"writes_per_s\":%.1f,\"uploads_per_s\":%.2f,\"errors\":%ld,"
	       "\"baseline_read_ms\":{\"p50\":%.2f,\"p99\":%.2f,\"n\":%zu},"
	       "\"read_ms\":{\"p50\":%.2f,\"p99\":%.2f},\"write_p99_ms\":%.2f,"
	       "\"upload_p50_ms\":%.0f,\"rss_kib\":{\"after_warmup\":%ld,\"max\":%ld,\"end\":%ld},"
	       "\"rss_median_first\":%ld,\"rss_median_last\":%ld,\"rss_growth\":%.3f,\"fds\":{\"before\":%ld,\"after_warmup\":%ld,\"max\":%ld,"
	       "\"after\":%ld},\"read_p99_ms_by_kind\":{%s},\"wal_max_mib\":%ld,"
	       "\"pass\":%s}\n",
	       conns, elapsed, warmup, seed, nr, nw, nu, (double)nr / elapsed, (double)nw / elapsed,
	       (double)nu / elapsed, errs, b50, b99, nb, r50, r99, w99, u50, rss_warm, rss_max, rss,
	       m0, m1, growth, fds_before, fds_warm, fds_max, fds_after, kinds, wal_max, ok ? "true" : "false");
	return ok ? 0 : 1;
}
