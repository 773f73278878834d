/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench/ingest/upload: uploads one file through custodia's HTTP API on one
 * keep-alive connection, the way a client would:
 *
 *   POST /api/v1/cases/{case}/uploads        {"original_name", "size"}
 *   PUT  /api/v1/uploads/{id}?offset=N       raw chunks (default 8 MiB)
 *   POST /api/v1/uploads/{id}/complete       {"sha256"}
 *
 * The file is mapped, so the client adds no copy of its own. Usage:
 *   upload URL TOKEN CASE FILE SHA256 [CHUNK]
 * Prints "<seconds> <bytes>" and exits 0 if the item was registered with
 * the expected SHA-256.
 */
#define _POSIX_C_SOURCE 200809L
#include <curl/curl.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One request on the shared handle; exits on anything but 2xx. */
static void request(CURL *h, struct curl_slist *hdrs, const char *method, const char *url,
                    const void *body, size_t len, answer *a)
{
	long status = 0;
	a->n = 0;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	CURLcode rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	if (rc != CURLE_OK || status < 200 || status > 299) {
		fprintf(stderr, "upload: %s %s: %s, HTTP %ld: %s\n", method, url,
		        curl_easy_strerror(rc), status, a->p ? a->p : "");
		exit(1);
	}
}

/* The string value of "key" in a flat JSON answer (ids and hex digests only). */
static void field(char *out, size_t n, const char *json, const char *key)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	const char *s = json ? strstr(json, pat) : NULL;
	size_t i = 0;
	if (s)
		for (s += strlen(pat); *s && *s != '"' && i + 1 < n; s++)
			out[i++] = *s;
	out[i] = '\0';
}

int main(int argc, char **argv)
{
	if (argc < 6) {
		fprintf(stderr, "usage: upload URL TOKEN CASE FILE SHA256 [CHUNK]\n");
		return 2;
	}
	const char *base = argv[1], *token = argv[2], *file = argv[4], *sha = argv[5];
	size_t chunk = argc > 6 ? strtoul(argv[6], NULL, 10) : (size_t)8 << 20;
	char url[1024], auth[512], body[1024], id[64], got[80], cref[128];
	answer a = {0};
	struct stat st;
	int fd = open(file, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) != 0 || st.st_size == 0) {
		perror(file);
		return 1;
	}
	size_t size = (size_t)st.st_size;
	const char *map = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	posix_madvise((void *)map, size, POSIX_MADV_SEQUENTIAL);
	/* The case reference, percent-encoded as one path segment. */
	size_t j = 0;
	for (const char *c = argv[3]; *c && j + 4 < sizeof(cref); c++)
		j += (size_t)(*c == '/' ? snprintf(cref + j, 4, "%%2F") : snprintf(cref + j, 2, "%c", *c));
	const char *slash = strrchr(file, '/');
	curl_global_init(CURL_GLOBAL_DEFAULT);
	CURL *h = curl_easy_init();
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &a);
	curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	struct curl_slist *json = NULL, *raw = NULL;
	json = curl_slist_append(json, auth);
	json = curl_slist_append(json, "Content-Type: application/json");
	raw = curl_slist_append(raw, auth);
	raw = curl_slist_append(raw, "Content-Type: application/octet-stream");
	raw = curl_slist_append(raw, "Expect:"); /* no 100-continue round trip per chunk */

	double t0 = now_s();
	snprintf(url, sizeof(url), "%s/api/v1/cases/%s/uploads", base, cref);
	snprintf(body, sizeof(body), "{\"original_name\":\"%s\",\"size\":%zu}",
	         slash ? slash + 1 : file, size);
	request(h, json, "POST", url, body, strlen(body), &a);
	field(id, sizeof(id), a.p, "id");
	if (!id[0]) {
		fprintf(stderr, "upload: no upload id in %s\n", a.p);
		return 1;
	}
	for (size_t off = 0; off < size; off += chunk) {
		size_t k = size - off < chunk ? size - off : chunk;
		snprintf(url, sizeof(url), "%s/api/v1/uploads/%s?offset=%zu", base, id, off);
		request(h, raw, "PUT", url, map + off, k, &a);
	}
	snprintf(url, sizeof(url), "%s/api/v1/uploads/%s/complete", base, id);
	snprintf(body, sizeof(body), "{\"sha256\":\"%s\"}", sha);
	request(h, json, "POST", url, body, strlen(body), &a);
	double t = now_s() - t0;
	field(got, sizeof(got), a.p, "sha256");
	if (strcmp(got, sha) != 0) {
		fprintf(stderr, "upload: registered SHA-256 %s, expected %s\n", got, sha);
		return 1;
	}
	long conns = 0;
	curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &conns); /* of the last request: 0 = reused */
	printf("%.3f %zu %s\n", t, size, conns == 0 ? "keep-alive" : "new-connection");
	curl_slist_free_all(json);
	curl_slist_free_all(raw);
	curl_easy_cleanup(h);
	curl_global_cleanup();
	free(a.p);
	munmap((void *)map, size);
	close(fd);
	return 0;
}
