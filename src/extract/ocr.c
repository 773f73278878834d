/* SPDX-License-Identifier: Apache-2.0 */
/*
 * extract: OCR with Tesseract's C API, and images read with Leptonica.
 *
 * Loading eight traineddata files takes the better part of a second, so
 * each thread keeps its initialised engines, one per language string, in a
 * small cache reached through a pthread key:
 *
 *     thread ── key ──> cache { [0] "eng+fra+...": TessBaseAPI (most recent)
 *                               [1] "eng":         TessBaseAPI
 *                               ...  up to OCR_CACHE, least recent evicted }
 *
 * cu_extract_thread_done() frees it; the key's destructor does the same for
 * a thread that ends without calling it.
 *
 * Images are measured from their headers before anything is decoded: a
 * 50,000 x 50,000 pixel PNG is refused while it is still a few bytes.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <leptonica/allheaders.h>
#include <tesseract/capi.h>

#include "extract/internal.h"

#define OCR_CACHE 4
#define OCR_DEADLINE_MS (5 * 60 * 1000) /* per page: a pathological image ends, partly read */

typedef struct ocr_cache {
	struct {
		char langs[128];
		TessBaseAPI *api;
	} e[OCR_CACHE];
	int n;
} ocr_cache;

static pthread_key_t cache_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
/*
 * Tesseract keeps some parameters process-wide, not per engine: debug_file
 * (where its tprintf writes) among them, and an engine's initialisation may
 * set others from its language's configuration. One thread at a time makes
 * an engine, and debug_file is written once, before any engine recognises a
 * page, so that no thread reads a parameter while another writes it.
 */
static pthread_mutex_t engine_mu = PTHREAD_MUTEX_INITIALIZER;
static bool debug_file_set;

static void cache_free(void *p)
{
	ocr_cache *c = p;
	if (!c)
		return;
	for (int i = 0; i < c->n; i++) {
		TessBaseAPIEnd(c->e[i].api);
		TessBaseAPIDelete(c->e[i].api);
	}
	free(c);
}

static void make_key(void)
{
	pthread_key_create(&cache_key, cache_free);
}

void cu_extract_thread_done(void)
{
	pthread_once(&key_once, make_key);
	ocr_cache *c = pthread_getspecific(cache_key);
	pthread_setspecific(cache_key, NULL);
	cache_free(c);
}

const char *x_tesseract_version(void)
{
	return TessVersion();
}

int x_ocr_langs_valid(const char *langs)
{
	size_t n = strlen(langs);
	if (n == 0 || n >= sizeof(((ocr_cache *)0)->e[0].langs))
		return cu_error_set(CU_EINVALID, "bad OCR language list");
	for (size_t i = 0; i < n; i++) {
		char c = langs[i];
		bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		            (c >= '0' && c <= '9') || c == '_';
		if (c == '+' && i > 0 && i + 1 < n && langs[i + 1] != '+')
			continue;
		if (!word)
			return cu_error_set(CU_EINVALID, "bad OCR language list \"%.64s\"", langs);
	}
	return 0;
}

/* The thread's engine for langs, initialised on first use. */
static int get_api(TessBaseAPI **out, const char *langs)
{
	*out = NULL;
	pthread_once(&key_once, make_key);
	ocr_cache *c = pthread_getspecific(cache_key);
	if (!c) {
		if (!(c = calloc(1, sizeof *c)))
			return cu_error_set(CU_ENOMEM, "out of memory");
		if (pthread_setspecific(cache_key, c) != 0) {
			free(c);
			return cu_error_set(CU_ENOMEM, "out of memory (thread key)");
		}
	}
	for (int i = 0; i < c->n; i++) {
		if (strcmp(c->e[i].langs, langs) == 0) {
			/* Move to the front. */
			TessBaseAPI *api = c->e[i].api;
			char tmp[128];
			memcpy(tmp, c->e[i].langs, sizeof tmp);
			memmove(&c->e[1], &c->e[0], (size_t)i * sizeof c->e[0]);
			memcpy(c->e[0].langs, tmp, sizeof tmp);
			c->e[0].api = api;
			*out = api;
			return 0;
		}
	}
	pthread_mutex_lock(&engine_mu);
	TessBaseAPI *api = TessBaseAPICreate();
	if (!api) {
		pthread_mutex_unlock(&engine_mu);
		return cu_error_set(CU_ENOMEM, "out of memory (Tesseract)");
	}
	if (TessBaseAPIInit3(api, NULL, langs) != 0) {
		TessBaseAPIDelete(api);
		pthread_mutex_unlock(&engine_mu);
		return cu_error_set(CU_EINVALID, "Tesseract cannot load the languages \"%s\"",
		                    langs);
	}
	if (!debug_file_set)
		debug_file_set = TessBaseAPISetVariable(api, "debug_file", "/dev/null") != 0;
	pthread_mutex_unlock(&engine_mu);
	if (c->n == OCR_CACHE) {
		TessBaseAPIEnd(c->e[OCR_CACHE - 1].api);
		TessBaseAPIDelete(c->e[OCR_CACHE - 1].api);
		c->n--;
	}
	memmove(&c->e[1], &c->e[0], (size_t)c->n * sizeof c->e[0]);
	snprintf(c->e[0].langs, sizeof c->e[0].langs, "%s", langs);
	c->e[0].api = api;
	c->n++;
	*out = api;
	return 0;
}

/*
 * Tesseract parallelises with OpenMP, by default on every core: threads that
 * OCR side by side (the server's workers) then ask for more threads than
 * there are cores (bench/search measured OCR at half speed). The limit is
 * OpenMP's own, per calling thread; its runtime is the one Tesseract
 * loaded (GCC's on Debian), found without linking it ourselves.
 */
static void omp_limit(uint32_t threads)
{
	static _Thread_local uint32_t set;
	if (threads == 0 || threads == set)
		return;
	void *gomp = dlopen("libgomp.so.1", RTLD_LAZY | RTLD_NOLOAD);
	void (*set_threads)(int) = NULL;
	if (gomp) {
		/* (The POSIX way to receive a function from dlsym in ISO C.) */
		*(void **)&set_threads = dlsym(gomp, "omp_set_num_threads");
		if (set_threads)
			set_threads((int)threads);
		dlclose(gomp); /* only drops the reference NOLOAD took */
	}
	set = threads;
}

/* Recognises the image already set on api and emits its text. */
static int recognise(xctx *x, TessBaseAPI *api)
{
	int r = 0;
	omp_limit(x->lim.ocr_threads);
	ETEXT_DESC *mon = TessMonitorCreate();
	if (!mon)
		return cu_error_set(CU_ENOMEM, "out of memory (Tesseract)");
	TessMonitorSetDeadlineMSecs(mon, OCR_DEADLINE_MS);
	if (TessBaseAPIRecognize(api, mon) != 0)
		x_warn(x, true, "OCR of a page stopped early");
	char *text = TessBaseAPIGetUTF8Text(api);
	if (text) {
		r = x_emits(x, text);
		TessDeleteText(text);
	}
	TessMonitorDelete(mon);
	TessBaseAPIClear(api);
	if (!r)
		r = x_newline(x);
	return r;
}

int x_ocr_gray(xctx *x, const uint8_t *gray, int w, int h, int stride, int ppi)
{
	TessBaseAPI *api;
	int r;
	if ((r = get_api(&api, x->lim.ocr_langs)) != 0)
		return r;
	TessBaseAPISetImage(api, gray, w, h, 1, stride);
	TessBaseAPISetSourceResolution(api, ppi);
	return recognise(x, api);
}

int x_ocr_pix(xctx *x, struct Pix *pix)
{
	TessBaseAPI *api;
	int r;
	if ((r = get_api(&api, x->lim.ocr_langs)) != 0)
		return r;
	TessBaseAPISetImage2(api, pix);
	int res = pixGetXRes(pix);
	TessBaseAPISetSourceResolution(api, res >= 70 && res <= 2400 ? res : 300);
	return recognise(x, api);
}

/* ---- images ---- */

static bool is_png(const uint8_t *d, size_t n)
{
	return n >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0;
}
static bool is_jpeg(const uint8_t *d, size_t n)
{
	return n >= 3 && memcmp(d, "\xff\xd8\xff", 3) == 0;
}
static bool is_tiff(const uint8_t *d, size_t n)
{
	return n >= 4 && (memcmp(d, "II*\0", 4) == 0 || memcmp(d, "MM\0*", 4) == 0);
}
static bool is_gif(const uint8_t *d, size_t n)
{
	return n >= 6 && (memcmp(d, "GIF87a", 6) == 0 || memcmp(d, "GIF89a", 6) == 0);
}
static bool is_bmp(const uint8_t *d, size_t n)
{
	return n >= 26 && memcmp(d, "BM", 2) == 0;
}
static bool is_webp(const uint8_t *d, size_t n)
{
	return n >= 12 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0;
}

static const struct {
	const char *type, *name;
	bool (*is)(const uint8_t *, size_t);
} formats[] = {
    {"image/png", "a PNG image", is_png},    {"image/jpeg", "a JPEG image", is_jpeg},
    {"image/tiff", "a TIFF image", is_tiff}, {"image/gif", "a GIF image", is_gif},
    {"image/bmp", "a BMP image", is_bmp},    {"image/x-ms-bmp", "a BMP image", is_bmp},
    {"image/webp", "a WebP image", is_webp},
};

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/*
 * Leptonica learns a GIF's size only by decoding it, frames and all, so a
 * GIF is measured here: the logical screen and every frame's descriptor,
 * walking the blocks without decompressing anything.
 */
static int gif_check(const uint8_t *d, size_t n, uint64_t max_pixels)
{
	uint64_t w = le16(d + 6), h = le16(d + 8), total = 0;
	if (n < 13)
		return cu_error_set(CU_EINVALID, "corrupt GIF image");
	if (w * h > max_pixels)
		return cu_error_set(
		    CU_ETOOBIG, "image of %llu x %llu pixels is past the limit of %llu pixels",
		    (unsigned long long)w, (unsigned long long)h, (unsigned long long)max_pixels);
	size_t p = 13;
	if (d[10] & 0x80)
		p += (size_t)3 << ((d[10] & 7) + 1);
	while (p < n) {
		uint8_t b = d[p++];
		if (b == 0x3b)
			break;
		if (b == 0x21) { /* extension: label, then sub-blocks */
			p++;
		} else if (b == 0x2c) {
			if (p + 9 > n)
				break;
			total += (uint64_t)le16(d + p + 4) * le16(d + p + 6);
			if (total > max_pixels)
				return cu_error_set(CU_ETOOBIG,
				                    "GIF frames of more than %llu pixels in all",
				                    (unsigned long long)max_pixels);
			uint8_t flags = d[p + 8];
			p += 9;
			if (flags & 0x80)
				p += (size_t)3 << ((flags & 7) + 1);
			p++; /* LZW minimum code size */
		} else {
			break;
		}
		while (p < n && d[p] != 0) /* data sub-blocks */
			p += (size_t)d[p] + 1;
		p++;
	}
	return 0;
}

static int too_big(int w, int h, uint64_t max)
{
	return cu_error_set(CU_ETOOBIG, "image of %d x %d pixels is past the limit of %llu pixels",
	                    w, h, (unsigned long long)max);
}

int x_image(xctx *x, const uint8_t *data, size_t len, const char *media_type)
{
	const char *name = "an image";
	bool ok = false;
	int r = 0;
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		if (strncasecmp(media_type, formats[i].type, strlen(formats[i].type)) == 0) {
			name = formats[i].name;
			ok = formats[i].is(data, len);
			break;
		}
	}
	x_tool(x, "ocr", "tesseract", TessVersion());
	if (!ok)
		return cu_error_set(CU_EINVALID, "not %s", name);
	if (is_gif(data, len) && (r = gif_check(data, len, x->lim.max_pixels)) != 0)
		return r;

	l_int32 format, w, h, bps, spp, cmap, res;
	if (pixReadHeaderMem(data, len, &format, &w, &h, &bps, &spp, &cmap) != 0 || w <= 0 ||
	    h <= 0)
		return cu_error_set(CU_EINVALID, "corrupt image: the header of %s cannot be read",
		                    name);
	if ((uint64_t)w * (uint64_t)h > x->lim.max_pixels)
		return too_big(w, h, x->lim.max_pixels);

	bool tiff = is_tiff(data, len);
	for (int n = 0;; n++) {
		if ((uint32_t)n >= x->lim.max_pages) {
			x_warn(x, true, "only the first %u pages of the image read",
			       x->lim.max_pages);
			break;
		}
		if (tiff && n > 0) {
			if (readHeaderMemTiff(data, len, n, &w, &h, &bps, &spp, &res, &cmap,
			                      &format) != 0)
				break;
			if ((uint64_t)w * (uint64_t)h > x->lim.max_pixels) {
				x_warn(x, true, "TIFF page %d: %d x %d pixels is past the limit",
				       n + 1, w, h);
				break;
			}
		}
		if (x->lim.no_ocr) {
			x->r->pages++;
			if (n == 0)
				x_warn(x, false, "OCR disabled: the image's text was not read");
			if (!tiff)
				break;
			continue;
		}
		if ((uint32_t)x->r->ocr_pages >= x->lim.max_ocr_pages) {
			x_warn(x, true, "pages past the OCR limit of %u not read",
			       x->lim.max_ocr_pages);
			break;
		}
		PIX *pix = tiff ? pixReadMemTiff(data, len, n) : pixReadMem(data, len);
		if (!pix) {
			if (n == 0)
				return cu_error_set(CU_EINVALID,
				                    "corrupt image: %s cannot be decoded", name);
			x_warn(x, true, "TIFF page %d cannot be decoded", n + 1);
			break;
		}
		if ((r = x_pagebreak(x)) == 0) {
			x->r->pages++;
			x->r->ocr_pages++;
			r = x_ocr_pix(x, pix);
		}
		pixDestroy(&pix);
		if (r || x->full || !tiff)
			break;
	}
	return r;
}
