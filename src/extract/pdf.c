/* SPDX-License-Identifier: Apache-2.0 */
/*
 * extract: PDF through poppler-glib, from memory. A page's text layer is
 * taken as it is (fast: no rendering); a page without one is rendered with
 * cairo at 300 dpi into a grey image and read by Tesseract. Pages are
 * separated by form feeds, empty pages included, so the n-th segment of the
 * text is the n-th page.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <poppler.h>

#include "extract/internal.h"

#define OCR_DPI 300.0
#define CAIRO_MAX_DIM 32767

/* Characters other than white space, counting at most to `enough`. */
static size_t visible(const char *s, size_t enough)
{
	size_t n = 0;
	for (; s && *s && n < enough; s++)
		if (*s != ' ' && *s != '\n' && *s != '\t' && *s != '\r' && *s != '\f' &&
		    ((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/*
 * Whether a page with only a little text is a scan: images cover at least
 * half of it. Scans often carry a short text layer of their own — a Bates
 * number or an e-discovery stamp — that must not hide the page's content.
 */
#define STAMP_CHARS 64

static bool mostly_image(PopplerPage *page)
{
	double pw, ph, area = 0;
	poppler_page_get_size(page, &pw, &ph);
	GList *maps = poppler_page_get_image_mapping(page);
	for (GList *l = maps; l; l = l->next) {
		const PopplerImageMapping *m = l->data;
		double w = m->area.x2 - m->area.x1, h = m->area.y2 - m->area.y1;
		area += (w < 0 ? -w : w) * (h < 0 ? -h : h);
	}
	poppler_page_free_image_mapping(maps);
	return pw > 0 && ph > 0 && area >= 0.5 * pw * ph;
}

/*
 * Renders a page and OCRs it. The resolution drops below 300 dpi when the
 * page would be past max_pixels or cairo's largest surface.
 */
static int ocr_page(xctx *x, PopplerPage *page)
{
	double pw, ph;
	poppler_page_get_size(page, &pw, &ph);
	if (!(pw > 0 && ph > 0 && pw < 1e6 && ph < 1e6)) {
		x_warn(x, false, "a page of impossible size was not read");
		return 0;
	}
	double scale = OCR_DPI / 72.0;
	double px = pw * scale * ph * scale, max = (double)x->lim.max_pixels;
	if (px > max)
		scale *= sqrt(max / px);
	if (pw * scale > CAIRO_MAX_DIM)
		scale = CAIRO_MAX_DIM / pw;
	if (ph * scale > CAIRO_MAX_DIM)
		scale = CAIRO_MAX_DIM / ph;
	int w = (int)floor(pw * scale), h = (int)floor(ph * scale);
	if (w < 1 || h < 1)
		return 0;

	int r = 0;
	uint8_t *gray = NULL;
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		x_warn(x, true, "a page of %d x %d pixels could not be rendered for OCR", w, h);
		goto out;
	}
	cairo_t *cr = cairo_create(s);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_scale(cr, scale, scale);
	poppler_page_render_for_printing(page, cr);
	cairo_destroy(cr);
	cairo_surface_flush(s);

	const uint8_t *d = cairo_image_surface_get_data(s);
	int stride = cairo_image_surface_get_stride(s);
	if (!(gray = malloc((size_t)w * (size_t)h))) {
		x_warn(x, true, "a page of %d x %d pixels could not be rendered for OCR", w, h);
		goto out;
	}
	for (int y = 0; y < h; y++) {
		const uint32_t *row =
		    (const uint32_t *)(const void *)(d + (size_t)y * (size_t)stride);
		uint8_t *g = gray + (size_t)y * (size_t)w;
		for (int i = 0; i < w; i++) {
			uint32_t p = row[i];
			g[i] = (uint8_t)((((p >> 16) & 0xff) * 77 + ((p >> 8) & 0xff) * 151 +
			                  (p & 0xff) * 28) >>
			                 8);
		}
	}
	x->r->ocr_pages++;
	r = x_ocr_gray(x, gray, w, h, w, (int)lround(72.0 * scale));
out:
	free(gray);
	cairo_surface_destroy(s);
	return r;
}

int x_pdf(xctx *x, const uint8_t *data, size_t len)
{
	x_tool(x, "pdf", "poppler", poppler_get_version());
	/* The header may follow some junk, as readers allow, within 1 KiB. */
	size_t probe = len < 1024 ? len : 1024;
	bool magic = false;
	for (size_t i = 0; i + 5 <= probe && !magic; i++)
		magic = memcmp(data + i, "%PDF-", 5) == 0;
	if (!magic)
		return cu_error_set(CU_EINVALID, "not a PDF file");

	GError *err = NULL;
	GBytes *bytes = g_bytes_new_static(data, len);
	PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &err);
	g_bytes_unref(bytes);
	if (!doc) {
		int r;
		if (err && err->domain == POPPLER_ERROR && err->code == POPPLER_ERROR_ENCRYPTED)
			r = cu_error_set(CU_EINVALID, "the PDF is encrypted");
		else
			r = cu_error_set(CU_EINVALID, "corrupt PDF: %s",
			                 err ? err->message : "cannot be opened");
		g_clear_error(&err);
		return r;
	}

	int r = 0, n = poppler_document_get_n_pages(doc), untexted = 0, skipped = 0;
	if (n <= 0) {
		r = cu_error_set(CU_EINVALID, "corrupt PDF: no pages");
		goto out;
	}
	int last = n;
	if ((uint32_t)n > x->lim.max_pages) {
		last = (int)x->lim.max_pages;
		x_warn(x, true, "only the first %d of %d pages read", last, n);
	}
	for (int i = 0; i < last && !r && !x->full; i++) {
		if ((r = x_pagebreak(x)) != 0)
			break;
		x->r->pages++;
		PopplerPage *page = poppler_document_get_page(doc, i);
		if (!page) {
			x_warn(x, false, "page %d cannot be read", i + 1);
			continue;
		}
		char *text = poppler_page_get_text(page);
		size_t chars = visible(text, STAMP_CHARS);
		if (chars > 0) {
			r = x_emits(x, text);
			if (!r)
				r = x_newline(x);
		}
		if (r || chars >= STAMP_CHARS || (chars > 0 && !mostly_image(page))) {
			/* A page with its text: never rendered. */
		} else if (x->lim.no_ocr) {
			untexted++;
		} else if ((uint32_t)x->r->ocr_pages >= x->lim.max_ocr_pages) {
			skipped++;
		} else {
			r = ocr_page(x, page);
		}
		g_free(text);
		g_object_unref(page);
	}
	if (untexted)
		x_warn(x, false, "%d page(s) without a text layer not OCR'd (OCR disabled)",
		       untexted);
	if (skipped)
		x_warn(x, true, "%d page(s) without a text layer past the OCR limit of %u not read",
		       skipped, x->lim.max_ocr_pages);
	if (x->r->ocr_pages > 0) {
		char v[32];
		snprintf(v, sizeof v, "%s+%s", poppler_get_version(), x_tesseract_version());
		x_tool(x, "pdf+ocr", "poppler+tesseract", v);
	}
out:
	g_object_unref(doc);
	return r;
}
