/* SPDX-License-Identifier: Apache-2.0 */
/*
 * extract: the entry point — media types to readers, limits, the bounded
 * text sink shared by every reader, language detection and engine versions.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <gmime/gmime.h>
#include <leptonica/allheaders.h>
#include <libxml/parser.h>
#include <libxml/xmlversion.h>
#include <poppler.h>

#include "extract/internal.h"

enum kind { K_NONE, K_TEXT, K_HTML, K_PDF, K_IMAGE, K_OFFICE, K_EMAIL };

static const struct {
	const char *type;
	enum kind kind;
} types[] = {
    {"text/plain", K_TEXT},
    {"text/csv", K_TEXT},
    {"text/html", K_HTML},
    {"application/xhtml+xml", K_HTML},
    {"application/pdf", K_PDF},
    {"image/png", K_IMAGE},
    {"image/jpeg", K_IMAGE},
    {"image/tiff", K_IMAGE},
    {"image/gif", K_IMAGE},
    {"image/bmp", K_IMAGE},
    {"image/x-ms-bmp", K_IMAGE},
    {"image/webp", K_IMAGE},
    {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", K_OFFICE},
    {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", K_OFFICE},
    {"application/vnd.openxmlformats-officedocument.presentationml.presentation", K_OFFICE},
    {"application/vnd.oasis.opendocument.text", K_OFFICE},
    {"application/vnd.oasis.opendocument.spreadsheet", K_OFFICE},
    {"application/vnd.oasis.opendocument.presentation", K_OFFICE},
    {"application/zip", K_OFFICE},
    {"message/rfc822", K_EMAIL},
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static bool have_webp;
static char versions[512];

/*
 * Process-wide engine set-up, once: libxml2's globals, GMime's tables,
 * Leptonica's console messages (silenced: a damaged image is reported
 * through our errors, not on stderr), and the version line.
 */
static void init_engines(void)
{
	xmlInitParser();
	g_mime_init();
	setMsgSeverity(L_SEVERITY_NONE);
	char *libs = getImagelibVersions();
	have_webp = libs && strstr(libs, "libwebp");
	char *lept = getLeptonicaVersion();
	snprintf(versions, sizeof versions,
	         "poppler %s, tesseract %s, %s, libxml2 %s, gmime %u.%u.%u, %s, cld2 %s",
	         poppler_get_version(), x_tesseract_version(), lept ? lept : "leptonica",
	         LIBXML_DOTTED_VERSION, gmime_major_version, gmime_minor_version,
	         gmime_micro_version, archive_version_string(), cu_extract_cld2_version());
	lept_free(lept);
	lept_free(libs);
}

/* The base type, lower-cased and without parameters, into buf. */
static const char *base_type(char *buf, size_t size, const char *media_type)
{
	size_t i = 0;
	if (!media_type)
		media_type = "";
	while (media_type[i] == ' ')
		media_type++;
	for (; media_type[i] && media_type[i] != ';' && media_type[i] != ' ' && i + 1 < size; i++)
		buf[i] = (char)tolower((unsigned char)media_type[i]);
	buf[i] = '\0';
	return buf;
}

static enum kind kind_of(const char *media_type)
{
	char t[128];
	base_type(t, sizeof t, media_type);
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		if (strcmp(t, types[i].type) == 0) {
			if (strcmp(t, "image/webp") == 0 && !have_webp)
				return K_NONE;
			return types[i].kind;
		}
	}
	return K_NONE;
}

bool cu_extract_supported(const char *media_type)
{
	pthread_once(&init_once, init_engines);
	return kind_of(media_type) != K_NONE;
}

const char *cu_extract_versions(void)
{
	pthread_once(&init_once, init_engines);
	return versions;
}

void cu_extract_language(char out[8], const char *text, size_t len)
{
	out[0] = '\0';
	if (!text || len == 0)
		return;
	cu_extract_cld2(out, text, len);
}

/* ---- the text sink ---- */

/* Length of a valid UTF-8 sequence at p (1..4), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *p, size_t avail)
{
	unsigned c = p[0], cp;
	size_t n;
	if (c < 0x80)
		return 1;
	if ((c & 0xe0) == 0xc0) {
		n = 2;
		cp = c & 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3;
		cp = c & 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	static const unsigned min[5] = {0, 0, 0x80, 0x800, 0x10000};
	if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static int put(xctx *x, const char *s, size_t n)
{
	cu_buf *b = &x->r->text;
	if (x->full)
		return 0;
	if (n > b->max - b->len) {
		/* Cut at a character boundary. */
		size_t room = b->max - b->len;
		while (room > 0 && ((unsigned char)s[room] & 0xc0) == 0x80)
			room--;
		n = room;
		x->full = true;
		x_warn(x, true, "text cut at the limit of %zu bytes", b->max);
	}
	if (n == 0)
		return 0;
	int r = cu_buf_append(b, s, n);
	return r == CU_ETOOBIG ? 0 : r;
}

int x_emit(xctx *x, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n, *run = p;
	int r;
	while (p < end && !x->full) {
		unsigned c = *p;
		if (c >= 0x20 && c < 0x7f) {
			p++;
			continue;
		}
		size_t k = c < 0x80 ? 1 : utf8_seq(p, (size_t)(end - p));
		bool keep = k > 1 || c == '\t' || c == '\n' || c == '\r' || c == '\f';
		if (k == 1 && keep) {
			p++;
			continue;
		}
		if (k > 1) {
			p += k;
			continue;
		}
		/* A dropped control or an invalid byte ends the run. */
		if ((r = put(x, (const char *)run, (size_t)(p - run))) != 0)
			return r;
		if (k == 0 && (r = put(x, "\xef\xbf\xbd", 3)) != 0)
			return r;
		p++;
		run = p;
	}
	if (p > run)
		return put(x, (const char *)run, (size_t)(p - run));
	return 0;
}

int x_emits(xctx *x, const char *s)
{
	return s ? x_emit(x, s, strlen(s)) : 0;
}

int x_newline(xctx *x)
{
	const cu_buf *b = &x->r->text;
	if (b->len == 0 || b->data[b->len - 1] == '\n' || b->data[b->len - 1] == '\f')
		return 0;
	return put(x, "\n", 1);
}

int x_pagebreak(xctx *x)
{
	return x->r->pages > 0 || x->r->text.len > 0 ? put(x, "\f", 1) : 0;
}

bool x_has_text(const xctx *x)
{
	const cu_buf *b = &x->r->text;
	for (size_t i = 0; i < b->len; i++)
		if (!isspace((unsigned char)b->data[i]))
			return true;
	return false;
}

void x_warn(xctx *x, bool limit, const char *fmt, ...)
{
	char *w = x->r->warning;
	size_t used = strlen(w), size = sizeof x->r->warning;
	if (limit)
		x->r->partial = true;
	if (used + 3 >= size)
		return;
	if (used) {
		memcpy(w + used, "; ", 3);
		used += 2;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w + used, size - used, fmt, ap);
	va_end(ap);
}

void x_tool(xctx *x, const char *method, const char *tool, const char *version)
{
	snprintf(x->r->method, sizeof x->r->method, "%s", method);
	snprintf(x->r->tool, sizeof x->r->tool, "%s", tool);
	snprintf(x->r->tool_version, sizeof x->r->tool_version, "%s", version);
}

/* ---- results ---- */

static void result_init(cu_extract_result *r, uint64_t max_text)
{
	memset(r, 0, sizeof *r);
	cu_buf_init(&r->text, max_text > SIZE_MAX - 1 ? SIZE_MAX - 1 : (size_t)max_text);
}

void cu_extract_result_free(cu_extract_result *r)
{
	if (!r)
		return;
	cu_buf_free(&r->text);
	for (size_t i = 0; i < r->nchildren; i++) {
		free(r->children[i].name);
		free(r->children[i].media_type);
		free(r->children[i].data);
	}
	free(r->children);
	r->children = NULL;
	r->nchildren = 0;
}

static void resolve_limits(cu_extract_limits *l, const cu_extract_limits *in)
{
	if (in)
		*l = *in;
	else
		memset(l, 0, sizeof *l);
	if (!l->max_text)
		l->max_text = X_DEFAULT_MAX_TEXT;
	if (!l->max_expanded)
		l->max_expanded = X_DEFAULT_MAX_EXPANDED;
	if (!l->max_entries)
		l->max_entries = X_DEFAULT_MAX_ENTRIES;
	if (!l->max_pages)
		l->max_pages = X_DEFAULT_MAX_PAGES;
	if (!l->max_ocr_pages)
		l->max_ocr_pages = X_DEFAULT_MAX_OCR_PAGES;
	if (!l->max_pixels)
		l->max_pixels = X_DEFAULT_MAX_PIXELS;
	if (!l->max_children)
		l->max_children = X_DEFAULT_MAX_CHILDREN;
	if (!l->ocr_langs || !*l->ocr_langs)
		l->ocr_langs = X_DEFAULT_OCR_LANGS;
}

/*
 * The language of the text, from a prefix of at most 256 KiB (CLD2 is
 * linear, and a prefix of that size decides as well as the whole).
 */
static void detect_language(cu_extract_result *r)
{
	size_t n = r->text.len;
	if (n > 256 * 1024) {
		n = 256 * 1024;
		while (n > 0 && ((unsigned char)r->text.data[n] & 0xc0) == 0x80)
			n--;
	}
	cu_extract_language(r->language, r->text.data, n);
}

int cu_extract(cu_extract_result *out, const char *media_type, const void *data, size_t len,
               const cu_extract_limits *lim)
{
	xctx x = {0};
	int r;

	pthread_once(&init_once, init_engines);
	resolve_limits(&x.lim, lim);
	result_init(out, x.lim.max_text);
	x.r = out;
	if (!data && len)
		return cu_error_set(CU_EINVALID, "no content");
	if (!x.lim.no_ocr && (r = x_ocr_langs_valid(x.lim.ocr_langs)) != 0)
		return r;

	enum kind k = kind_of(media_type);
	switch (k) {
	case K_TEXT:
		r = x_text(&x, data, len);
		break;
	case K_HTML:
		r = x_html(&x, data, len);
		break;
	case K_PDF:
		r = x_pdf(&x, data, len);
		break;
	case K_IMAGE:
		r = x_image(&x, data, len, media_type);
		break;
	case K_OFFICE:
		r = x_office(&x, data, len, media_type);
		break;
	case K_EMAIL:
		r = x_email(&x, data, len);
		break;
	default:
		return cu_error_set(CU_EINVALID, "no text extractor for media type \"%.64s\"",
		                    media_type ? media_type : "");
	}
	if (r == 0 && out->partial && !x_has_text(&x) && out->nchildren == 0)
		r = cu_error_set(CU_ETOOBIG, "%s", out->warning);
	if (r != 0) {
		char method[16], tool[32], version[32], warning[256];
		memcpy(method, out->method, sizeof method);
		memcpy(tool, out->tool, sizeof tool);
		memcpy(version, out->tool_version, sizeof version);
		memcpy(warning, out->warning, sizeof warning);
		cu_extract_result_free(out);
		result_init(out, x.lim.max_text);
		memcpy(out->method, method, sizeof method);
		memcpy(out->tool, tool, sizeof tool);
		memcpy(out->tool_version, version, sizeof version);
		memcpy(out->warning, warning, sizeof warning);
		return r;
	}
	detect_language(out);
	return 0;
}
