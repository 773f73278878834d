/* SPDX-License-Identifier: Apache-2.0 */
/*
 * extract tests: every format, every limit and every lie about a type, on
 * fixtures made here — PDFs and images drawn with cairo and pango, Office
 * files zipped with libarchive, e-mails written as text — and the OCR
 * accuracy per language on clean rendered pages, printed and held to 95%.
 */
#include <dlfcn.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>

#include "extract/extract.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
/* Nor under valgrind (tools/memcheck.sh sets CU_MEMCHECK): it emulates every instruction. */
#define SANITIZED (getenv("CU_MEMCHECK") != NULL)
#endif

/* ---- fixtures ---- */

static void buf_add(cu_buf *b, const void *p, size_t n)
{
	assert_int_equal(cu_buf_append(b, p, n), 0);
}

static cairo_status_t write_cb(void *ctx, const unsigned char *data, unsigned int len)
{
	return cu_buf_append(ctx, data, len) == 0 ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Lays out text with pango in DejaVu Sans at pt points, dpi dots per inch, width in points. */
static PangoLayout *layout_for(cairo_t *cr, const char *text, double pt, double dpi,
                               double width_pt, bool rtl)
{
	PangoLayout *l = pango_cairo_create_layout(cr);
	PangoContext *pc = pango_layout_get_context(l);
	pango_cairo_context_set_resolution(pc, dpi);
	if (rtl)
		pango_context_set_base_dir(pc, PANGO_DIRECTION_RTL);
	pango_layout_context_changed(l);
	char font[64];
	snprintf(font, sizeof font, "DejaVu Sans %g", pt);
	PangoFontDescription *fd = pango_font_description_from_string(font);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(l, (int)(width_pt * dpi / 72.0 * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD);
	if (rtl)
		pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT);
	pango_layout_set_text(l, text, -1);
	return l;
}

/*
 * A clean "scan": text in 12 pt DejaVu Sans at 300 dpi, black on white, on
 * a strip as wide as an A4 text column and as high as the text needs.
 */
static cairo_surface_t *render_text(const char *text, bool rtl)
{
	const double dpi = 300, width_pt = 460, margin = 60;
	cairo_surface_t *probe = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 8, 8);
	cairo_t *pcr = cairo_create(probe);
	PangoLayout *pl = layout_for(pcr, text, 12, dpi, width_pt, rtl);
	int lw, lh;
	pango_layout_get_pixel_size(pl, &lw, &lh);
	g_object_unref(pl);
	cairo_destroy(pcr);
	cairo_surface_destroy(probe);

	int w = (int)(width_pt * dpi / 72.0 + 2 * margin), h = lh + 2 * (int)margin;
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	cairo_t *cr = cairo_create(s);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_move_to(cr, margin, margin);
	PangoLayout *l = layout_for(cr, text, 12, dpi, width_pt, rtl);
	pango_cairo_show_layout(cr, l);
	g_object_unref(l);
	cairo_destroy(cr);
	cairo_surface_set_fallback_resolution(s, dpi, dpi);
	return s;
}

static void png_of(cu_buf *out, cairo_surface_t *s)
{
	cu_buf_init(out, 0);
	assert_int_equal(cairo_surface_write_to_png_stream(s, write_cb, out), CAIRO_STATUS_SUCCESS);
}

/* A PDF of A4 pages with a text layer, one string per page. */
static void make_pdf(cu_buf *out, const char *const *pages, size_t n)
{
	cu_buf_init(out, 0);
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(write_cb, out, 595, 842);
	cairo_t *cr = cairo_create(s);
	for (size_t i = 0; i < n; i++) {
		cairo_move_to(cr, 56, 56);
		PangoLayout *l = layout_for(cr, pages[i], 11, 72, 480, false);
		pango_cairo_show_layout(cr, l);
		g_object_unref(l);
		cairo_show_page(cr);
	}
	cairo_destroy(cr);
	cairo_surface_finish(s);
	assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
	cairo_surface_destroy(s);
}

/*
 * A PDF whose only page is an image of text, as a scanner makes: no text
 * layer, or only a stamp (a Bates number) when stamp is given.
 */
static void make_scanned_pdf(cu_buf *out, const char *text, const char *stamp)
{
	cairo_surface_t *img = render_text(text, false);
	double w = cairo_image_surface_get_width(img) * 72.0 / 300.0;
	double h = cairo_image_surface_get_height(img) * 72.0 / 300.0;
	cu_buf_init(out, 0);
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(write_cb, out, w + 10, h + 24);
	cairo_t *cr = cairo_create(s);
	cairo_save(cr);
	cairo_translate(cr, 5, 5);
	cairo_scale(cr, 72.0 / 300.0, 72.0 / 300.0);
	cairo_set_source_surface(cr, img, 0, 0);
	cairo_paint(cr);
	cairo_restore(cr);
	if (stamp) {
		cairo_move_to(cr, 5, h + 7);
		PangoLayout *l = layout_for(cr, stamp, 8, 72, 200, false);
		pango_cairo_show_layout(cr, l);
		g_object_unref(l);
	}
	cairo_show_page(cr);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	cairo_surface_destroy(s);
	cairo_surface_destroy(img);
}

static la_ssize_t zip_write(struct archive *a, void *ctx, const void *p, size_t n)
{
	(void)a;
	return cu_buf_append(ctx, p, n) == 0 ? (la_ssize_t)n : -1;
}

typedef struct zentry {
	const char *name;
	const char *data; /* NULL: `len` bytes of `fill` */
	size_t len;
	char fill;
} zentry;

static void make_zip(cu_buf *out, const zentry *e, size_t n)
{
	cu_buf_init(out, (size_t)1 << 30);
	struct archive *a = archive_write_new();
	archive_write_set_format_zip(a);
	archive_write_set_bytes_in_last_block(a, 1);
	assert_int_equal(archive_write_open2(a, out, NULL, zip_write, NULL, NULL), ARCHIVE_OK);
	struct archive_entry *ae = archive_entry_new();
	char *fill = NULL;
	for (size_t i = 0; i < n; i++) {
		size_t len = e[i].data ? strlen(e[i].data) : e[i].len;
		archive_entry_clear(ae);
		archive_entry_set_pathname(ae, e[i].name);
		archive_entry_set_filetype(ae, AE_IFREG);
		archive_entry_set_perm(ae, 0644);
		archive_entry_set_size(ae, (la_int64_t)len);
		assert_int_equal(archive_write_header(a, ae), ARCHIVE_OK);
		if (e[i].data) {
			archive_write_data(a, e[i].data, len);
		} else {
			size_t chunk = (size_t)1 << 20;
			if (!fill)
				fill = malloc(chunk);
			memset(fill, e[i].fill, chunk);
			for (size_t off = 0; off < len; off += chunk)
				archive_write_data(a, fill, len - off < chunk ? len - off : chunk);
		}
	}
	free(fill);
	archive_entry_free(ae);
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

#define DOCX "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#define XLSX "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define PPTX "application/vnd.openxmlformats-officedocument.presentationml.presentation"
#define ODT "application/vnd.oasis.opendocument.text"
#define ODS "application/vnd.oasis.opendocument.spreadsheet"

static const char docx_body[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
    "<w:body><w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"720\"/></w:tabs></w:pPr>"
    "<w:r><w:t>Witness</w:t></w:r><w:r><w:t xml:space=\"preserve\"> statement of </w:t></w:r>"
    "<w:r><w:t>Đorđe Đorđević</w:t></w:r></w:p>"
    "<w:p><w:r><w:t>Column</w:t><w:tab/><w:t>value</w:t><w:br/><w:t>next line</w:t></w:r>"
    "<w:del><w:r><w:delText>deleted words</w:delText></w:r></w:del></w:p>"
    "</w:body></w:document>";

static void make_docx(cu_buf *out, const char *document)
{
	zentry e[] = {
	    {"[Content_Types].xml", "<?xml version=\"1.0\"?><Types/>", 0, 0},
	    {"_rels/.rels", "<?xml version=\"1.0\"?><Relationships/>", 0, 0},
	    {"word/document.xml", document, 0, 0},
	    {"word/footnotes.xml",
	     "<w:footnotes xmlns:w=\"w\"><w:footnote><w:p><w:r><w:t>A footnote.</w:t></w:r></w:p>"
	     "</w:footnote></w:footnotes>",
	     0, 0},
	};
	make_zip(out, e, sizeof e / sizeof e[0]);
}

/* ---- helpers for results ---- */

static int extract(cu_extract_result *r, const char *type, const void *data, size_t len,
                   const cu_extract_limits *lim)
{
	int rc = cu_extract(r, type, data, len, lim);
	if (rc != 0)
		printf("    [%s] %s: %s\n", type, cu_errname(rc), cu_error_message(rc));
	return rc;
}

static void assert_contains(const cu_extract_result *r, const char *needle)
{
	if (!r->text.data || !strstr(r->text.data, needle)) {
		printf("expected \"%s\" in:\n---\n%s\n---\n", needle,
		       r->text.data ? r->text.data : "(null)");
		fail();
	}
}

static void assert_error(int rc, int code, const char *msg)
{
	assert_int_equal(rc, code);
	const char *m = cu_error_message(rc);
	if (!strstr(m, msg)) {
		printf("expected \"%s\" in the error \"%s\"\n", msg, m);
		fail();
	}
}

/* ---- plain text and HTML ---- */

static void test_extract_text__utf8(void **state)
{
	(void)state;
	cu_extract_result r;
	const char *s =
	    "Свидетель показал, что груз покинул порт. Оплата была произведена через счёт "
	    "в банке, а документы были уничтожены через несколько дней после этого.\n";
	assert_int_equal(extract(&r, "text/plain", s, strlen(s), NULL), 0);
	assert_string_equal(r.text.data, s);
	assert_string_equal(r.method, "text");
	assert_string_equal(r.language, "ru");
	assert_false(r.partial);
	cu_extract_result_free(&r);

	/* A BOM goes, controls go, the text stays. */
	const char b[] = "\xef\xbb\xbfline\x01 one\r\n";
	assert_int_equal(extract(&r, "text/plain; charset=utf-8", b, sizeof b - 1, NULL), 0);
	assert_string_equal(r.text.data, "line one\r\n");
	cu_extract_result_free(&r);
}

static void test_extract_text__legacy(void **state)
{
	(void)state;
	cu_extract_result r;
	/* Windows-1252: café, the euro sign, curly quotes; a UTF-8 "é" kept as it is. */
	const char s[] = "caf\xe9 \x80 5 \x93quoted\x94 d\xc3\xa9j\xe0";
	assert_int_equal(extract(&r, "text/plain", s, sizeof s - 1, NULL), 0);
	assert_string_equal(r.text.data, "café € 5 “quoted” déjà");
	assert_non_null(strstr(r.warning, "Windows-1252"));
	cu_extract_result_free(&r);

	/* UTF-16LE with its byte-order mark. */
	const char u[] = "\xff\xfeS\0r\0b\0 \0\x51\x04";
	assert_int_equal(extract(&r, "text/plain", u, sizeof u - 1, NULL), 0);
	assert_string_equal(r.text.data, "Srb ё");
	cu_extract_result_free(&r);
}

static void test_extract_text__limit(void **state)
{
	(void)state;
	cu_extract_result r;
	cu_extract_limits lim = {.max_text = 101};
	cu_buf b;
	cu_buf_init(&b, 0);
	for (int i = 0; i < 100; i++)
		buf_add(&b, "ђ", 2);
	assert_int_equal(extract(&r, "text/plain", b.data, b.len, &lim), 0);
	assert_true(r.partial);
	assert_int_equal(r.text.len, 100); /* cut at a character, not inside one */
	assert_true(cu_utf8_valid(r.text.data, r.text.len));
	assert_non_null(strstr(r.warning, "limit"));
	cu_extract_result_free(&r);
	cu_buf_free(&b);
}

static void test_extract_html__body(void **state)
{
	(void)state;
	cu_extract_result r;
	const char *h =
	    "<!DOCTYPE html><html><head><title>Report &amp; annex</title>"
	    "<style>body { color: red }</style><script>var secret = 'no';</script></head>"
	    "<body><h1>Seizure   report</h1><p>The <b>vessel</b> was\n   boarded on 3&nbsp;May.</p>"
	    "<table><tr><td>Name</td><td>Role</td></tr><tr><td>Ђорђевић</td><td>master</td></tr></"
	    "table>"
	    "<noscript>enable scripts</noscript><img src=x alt=\"photo of the "
	    "hold\"><p>End</p></body></html>";
	assert_int_equal(extract(&r, "text/html", h, strlen(h), NULL), 0);
	assert_contains(&r, "Report & annex");
	assert_contains(&r, "Seizure report");
	assert_contains(&r, "The vessel was boarded on 3\xc2\xa0May.");
	assert_contains(&r, "Name\tRole");
	assert_contains(&r, "Ђорђевић\tmaster");
	assert_contains(&r, "photo of the hold");
	assert_null(strstr(r.text.data, "secret"));
	assert_null(strstr(r.text.data, "color"));
	assert_null(strstr(r.text.data, "enable scripts"));
	assert_string_equal(r.method, "html");
	assert_string_equal(r.tool, "libxml2");
	cu_extract_result_free(&r);

	/* Latin-1 declared in a meta element. */
	const char l1[] =
	    "<html><head><meta charset=\"iso-8859-1\"></head><body><p>Gen\xe8ve</p></body></html>";
	assert_int_equal(extract(&r, "application/xhtml+xml", l1, sizeof l1 - 1, NULL), 0);
	assert_contains(&r, "Genève");
	cu_extract_result_free(&r);
}

/* ---- PDF ---- */

static void test_extract_pdf__text_layer(void **state)
{
	(void)state;
	cu_extract_result r;
	cu_buf pdf;
	const char *pages[] = {
	    "The first page of the indictment names the accused.",
	    "Друга страница: сведок Ђорђевић је потврдио исказ.",
	    "Troisième page : le témoin a confirmé sa déposition devant le juge.",
	};
	make_pdf(&pdf, pages, 3);
	assert_int_equal(extract(&r, "application/pdf", pdf.data, pdf.len, NULL), 0);
	assert_int_equal(r.pages, 3);
	assert_int_equal(r.ocr_pages, 0);
	assert_string_equal(r.method, "pdf");
	assert_string_equal(r.tool, "poppler");
	assert_non_null(strstr(r.tool_version, "22."));
	assert_contains(&r, "names the accused");
	assert_contains(&r, "Ђорђевић");
	assert_contains(&r, "témoin");
	/* Pages are separated by form feeds, in order. */
	char *ff1 = strchr(r.text.data, '\f'), *ff2 = ff1 ? strchr(ff1 + 1, '\f') : NULL;
	assert_non_null(ff2);
	assert_true(strstr(r.text.data, "accused") < ff1);
	assert_true(strstr(r.text.data, "Ђорђевић") > ff1 && strstr(r.text.data, "Ђорђевић") < ff2);

	/* max_pages: the first page only, and the result says so. */
	cu_extract_limits lim = {.max_pages = 1};
	cu_extract_result_free(&r);
	assert_int_equal(extract(&r, "application/pdf", pdf.data, pdf.len, &lim), 0);
	assert_true(r.partial);
	assert_int_equal(r.pages, 1);
	assert_null(strstr(r.text.data, "témoin"));
	cu_extract_result_free(&r);
	cu_buf_free(&pdf);
}

/*
 * Text layers must come out at 50 pages a second per core or better; pages
 * with text are never rendered. Under the sanitizers only printed.
 */
static void test_extract_pdf__speed(void **state)
{
	(void)state;
	enum { N = 100 };
	const char *pages[N];
	char *text = malloc(4000);
	size_t o = 0;
	for (int line = 0; line < 45; line++)
		o += (size_t)snprintf(
		    text + o, 4000 - o,
		    "Line %d of the ledger: transfer of 12,500 EUR to account AT61 1904.\n",
		    line + 1);
	for (int i = 0; i < N; i++)
		pages[i] = text;
	cu_buf pdf;
	make_pdf(&pdf, pages, N);
	cu_extract_result r;
	double t0 = now();
	assert_int_equal(extract(&r, "application/pdf", pdf.data, pdf.len, NULL), 0);
	double dt = now() - t0;
	assert_int_equal(r.pages, N);
	assert_int_equal(r.ocr_pages, 0);
	double rate = N / dt;
	printf("    PDF text layer: %d pages in %.3f s = %.0f pages/s (one core)%s\n", N, dt, rate,
	       SANITIZED ? " [sanitized build]" : "");
	if (!SANITIZED)
		assert_true(rate >= 50.0);
	cu_extract_result_free(&r);
	cu_buf_free(&pdf);
	free(text);
}

static void test_extract_pdf__scanned_page(void **state)
{
	(void)state;
	cu_extract_result r;
	cu_buf pdf;
	make_scanned_pdf(
	    &pdf, "Statement of the witness taken at the border crossing on 12 May 2023.", NULL);
	cu_extract_limits lim = {.ocr_langs = "eng"};
	double t0 = now();
	assert_int_equal(extract(&r, "application/pdf", pdf.data, pdf.len, &lim), 0);
	printf("    scanned PDF page OCR'd in %.2f s\n", now() - t0);
	assert_int_equal(r.pages, 1);
	assert_int_equal(r.ocr_pages, 1);
	assert_string_equal(r.method, "pdf+ocr");
	assert_string_equal(r.tool, "poppler+tesseract");
	assert_contains(&r, "witness");
	assert_contains(&r, "border crossing");
	cu_extract_result_free(&r);

	/* Without OCR: no text, and the warning says why. */
	lim.no_ocr = true;
	assert_int_equal(extract(&r, "application/pdf", pdf.data, pdf.len, &lim), 0);
	assert_int_equal(r.ocr_pages, 0);
	assert_non_null(strstr(r.warning, "OCR disabled"));
	cu_extract_result_free(&r);
	cu_buf_free(&pdf);

	/* A scan with a Bates stamp in its text layer is still read. */
	make_scanned_pdf(&pdf, "The accused signed the contract in Skopje.", "CUST-000123");
	lim.no_ocr = false;
	assert_int_equal(extract(&r, "application/pdf", pdf.data, pdf.len, &lim), 0);
	assert_int_equal(r.ocr_pages, 1);
	assert_contains(&r, "CUST-000123");
	assert_contains(&r, "signed the contract");
	cu_extract_result_free(&r);
	cu_buf_free(&pdf);
}

/* Threads extract at once, each with its own engines; thread_done frees them. */
static void *worker(void *arg)
{
	const cu_buf *png = arg;
	cu_extract_limits lim = {.ocr_langs = "eng"};
	const char *pages[] = {"Parallel page one.", "Parallel page two."};
	cu_buf pdf;
	make_pdf(&pdf, pages, 2);
	for (int i = 0; i < 2; i++) {
		cu_extract_result r;
		if (cu_extract(&r, "image/png", png->data, png->len, &lim) != 0 ||
		    !strstr(r.text.data, "Rotterdam"))
			return (void *)1;
		cu_extract_result_free(&r);
		if (cu_extract(&r, "application/pdf", pdf.data, pdf.len, &lim) != 0 ||
		    !strstr(r.text.data, "page two"))
			return (void *)1;
		cu_extract_result_free(&r);
	}
	cu_buf_free(&pdf);
	cu_extract_thread_done();
	return NULL;
}

static void test_extract_threads__parallel(void **state)
{
	(void)state;
	cairo_surface_t *s = render_text("Cargo for Rotterdam.", false);
	cu_buf png;
	png_of(&png, s);
	cairo_surface_destroy(s);
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker, &png), 0);
	for (int i = 0; i < 2; i++) {
		void *ret;
		pthread_join(t[i], &ret);
		assert_null(ret);
	}
	cu_buf_free(&png);
}

/*
 * An encrypted PDF written by hand: the standard security handler with
 * /U and /O values no password produces, so the empty user password fails.
 */
static void test_extract_pdf__encrypted(void **state)
{
	(void)state;
	cu_buf b;
	cu_buf_init(&b, 0);
	size_t off[6];
	const char *objs[] = {
	    "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n",
	    "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n",
	    "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n",
	    "4 0 obj\n<< /Filter /Standard /V 1 /R 2 /P -44 "
	    "/O <8a5b3c2d1e0f9a8b7c6d5e4f3a2b1c0d8a5b3c2d1e0f9a8b7c6d5e4f3a2b1c0d> "
	    "/U <1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a7988> >>\nendobj\n",
	};
	cu_buf_puts(&b, "%PDF-1.4\n");
	for (int i = 0; i < 4; i++) {
		off[i] = b.len;
		cu_buf_puts(&b, objs[i]);
	}
	size_t xref = b.len;
	cu_buf_puts(&b, "xref\n0 5\n0000000000 65535 f \n");
	for (int i = 0; i < 4; i++)
		cu_buf_printf(&b, "%010zu 00000 n \n", off[i]);
	cu_buf_printf(
	    &b,
	    "trailer\n<< /Size 5 /Root 1 0 R /Encrypt 4 0 R "
	    "/ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>] >>\n"
	    "startxref\n%zu\n%%%%EOF\n",
	    xref);
	cu_extract_result r;
	assert_error(extract(&r, "application/pdf", b.data, b.len, NULL), CU_EINVALID,
	             "the PDF is encrypted");
	assert_int_equal(r.text.len, 0);
	cu_extract_result_free(&r);
	cu_buf_free(&b);
}

static void test_extract_pdf__corrupt(void **state)
{
	(void)state;
	cu_extract_result r;
	const char junk[] = "%PDF-1.7\n\x01\x02 this is not a PDF body at all\n%%EOF\n";
	assert_error(extract(&r, "application/pdf", junk, sizeof junk - 1, NULL), CU_EINVALID,
	             "corrupt PDF");
	cu_extract_result_free(&r);

	/* Truncated at every tenth: an error or a partial text, never a crash. */
	cu_buf pdf;
	const char *pages[] = {"Page one text.", "Page two text.", "Page three text."};
	make_pdf(&pdf, pages, 3);
	for (int k = 1; k < 10; k++) {
		size_t n = pdf.len * (size_t)k / 10;
		int rc = cu_extract(&r, "application/pdf", pdf.data, n, NULL);
		assert_true(rc == 0 || rc == CU_EINVALID);
		if (rc == 0)
			assert_true(cu_utf8_valid(r.text.data ? r.text.data : "", r.text.len));
		cu_extract_result_free(&r);
	}
	/* Flipped bytes in the middle. */
	for (size_t i = pdf.len / 3; i < pdf.len / 3 + 64 && i < pdf.len; i++)
		pdf.data[i] ^= 0x5a;
	int rc = cu_extract(&r, "application/pdf", pdf.data, pdf.len, NULL);
	assert_true(rc == 0 || rc == CU_EINVALID);
	cu_extract_result_free(&r);
	cu_buf_free(&pdf);
}

/* ---- images ---- */

static void test_extract_image__png(void **state)
{
	(void)state;
	cairo_surface_t *s =
	    render_text("Invoice 2041 for the transport of goods to Rotterdam.", false);
	cu_buf png;
	png_of(&png, s);
	cairo_surface_destroy(s);
	cu_extract_result r;
	cu_extract_limits lim = {.ocr_langs = "eng"};
	assert_int_equal(extract(&r, "image/png", png.data, png.len, &lim), 0);
	assert_string_equal(r.method, "ocr");
	assert_string_equal(r.tool, "tesseract");
	assert_int_equal(r.pages, 1);
	assert_int_equal(r.ocr_pages, 1);
	assert_contains(&r, "Invoice 2041");
	assert_contains(&r, "Rotterdam");
	cu_extract_result_free(&r);

	/* Truncated: an error, not a crash. */
	assert_int_equal(cu_extract(&r, "image/png", png.data, 40, &lim), CU_EINVALID);
	cu_extract_result_free(&r);
	cu_buf_free(&png);
}

/* OpenMP's figure for the calling thread (libgomp, loaded with Tesseract). */
static int omp_max_threads(void)
{
	void *gomp = dlopen("libgomp.so.1", RTLD_LAZY | RTLD_NOLOAD);
	int (*get)(void) = NULL;
	if (gomp)
		*(void **)&get = dlsym(gomp, "omp_get_max_threads");
	int n = get ? get() : -1;
	if (gomp)
		dlclose(gomp);
	return n;
}

typedef struct omp_run {
	const cu_buf *png;
	uint32_t threads;
	int rc, before, after;
} omp_run;

static void *ocr_on_thread(void *p)
{
	omp_run *o = p;
	cu_extract_result r;
	cu_extract_limits lim = {.ocr_langs = "eng", .ocr_threads = o->threads};
	o->before = omp_max_threads();
	o->rc = cu_extract(&r, "image/png", o->png->data, o->png->len, &lim);
	o->after = omp_max_threads();
	cu_extract_result_free(&r);
	cu_extract_thread_done();
	return NULL;
}

/* ocr_threads sets OpenMP's limit of the calling thread; 0 leaves it alone. */
static void test_extract_image__ocr_threads(void **state)
{
	(void)state;
	cairo_surface_t *s = render_text("Threads of one worker.", false);
	cu_buf png;
	png_of(&png, s);
	cairo_surface_destroy(s);
	omp_run runs[2] = {{&png, 0, -1, 0, 0}, {&png, 1, -1, 0, 0}};
	for (int i = 0; i < 2; i++) {
		pthread_t t;
		assert_int_equal(pthread_create(&t, NULL, ocr_on_thread, &runs[i]), 0);
		pthread_join(t, NULL);
		assert_int_equal(runs[i].rc, 0);
	}
	print_message("OpenMP threads: %d by default, %d after an OCR limited to 1\n",
	              runs[0].after, runs[1].after);
	assert_true(runs[0].after >= 1);
	assert_int_equal(runs[0].after, runs[0].before);
	assert_int_equal(runs[1].after, 1);
	if (runs[1].before == 1)
		print_message("(one core here: the limit changes nothing to see)\n");
	cu_buf_free(&png);
}

static void le16_put(cu_buf *b, uint16_t v)
{
	uint8_t p[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
	buf_add(b, p, 2);
}

static void le32_put(cu_buf *b, uint32_t v)
{
	uint8_t p[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
	buf_add(b, p, 4);
}

/*
 * A multi-page TIFF as fax machines and scanners write them: uncompressed
 * 8-bit grey, one strip per page, one IFD per page chained in order.
 */
static void make_tiff(cu_buf *out, cairo_surface_t *const *pages, size_t n)
{
	cu_buf_init(out, 0);
	buf_add(out, "II*\0", 4);
	le32_put(out, 0); /* patched: the first IFD */
	size_t link = 4;
	for (size_t k = 0; k < n; k++) {
		cairo_surface_flush(pages[k]);
		int w = cairo_image_surface_get_width(pages[k]),
		    h = cairo_image_surface_get_height(pages[k]);
		int stride = cairo_image_surface_get_stride(pages[k]);
		const uint8_t *d = cairo_image_surface_get_data(pages[k]);
		uint32_t data_off = (uint32_t)out->len;
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				buf_add(out, d + (size_t)y * (size_t)stride + (size_t)x * 4 + 1, 1);
		if (out->len & 1)
			buf_add(out, "", 1);
		uint32_t ifd = (uint32_t)out->len;
		memcpy(out->data + link, &ifd, 4); /* little-endian host */
		static const uint16_t tags[] = {256, 257, 258, 259, 262, 273, 277, 278, 279};
		uint32_t vals[] = {(uint32_t)w, (uint32_t)h,      8, 1, 1, data_off, 1,
		                   (uint32_t)h, (uint32_t)(w * h)};
		le16_put(out, 9);
		for (int t = 0; t < 9; t++) {
			bool shrt =
			    tags[t] == 258 || tags[t] == 259 || tags[t] == 262 || tags[t] == 277;
			le16_put(out, tags[t]);
			le16_put(out, shrt ? 3 : 4);
			le32_put(out, 1);
			if (shrt) {
				le16_put(out, (uint16_t)vals[t]);
				le16_put(out, 0);
			} else {
				le32_put(out, vals[t]);
			}
		}
		link = out->len;
		le32_put(out, 0);
	}
}

static void test_extract_image__tiff(void **state)
{
	(void)state;
	cairo_surface_t *p[3] = {render_text("First page of the fax.", false),
	                         render_text("Second page of the fax.", false),
	                         render_text("Third page.", false)};
	cu_buf t;
	make_tiff(&t, p, 3);
	for (int i = 0; i < 3; i++)
		cairo_surface_destroy(p[i]);
	cu_extract_result r;
	cu_extract_limits lim = {.ocr_langs = "eng", .max_ocr_pages = 2};
	assert_int_equal(extract(&r, "image/tiff", t.data, t.len, &lim), 0);
	assert_int_equal(r.ocr_pages, 2);
	assert_true(r.partial); /* the third page is past max_ocr_pages */
	assert_contains(&r, "First page of the fax.");
	assert_contains(&r, "\fSecond page of the fax.");
	assert_null(strstr(r.text.data, "Third"));
	cu_extract_result_free(&r);

	/* The second page's header claims 60,000 x 60,000 pixels: the first page only. */
	size_t ifd2 = 0;
	memcpy(&ifd2, t.data + 4, 4);
	uint32_t next;
	memcpy(&next, t.data + ifd2 + 2 + 9 * 12, 4);
	memcpy(t.data + next + 2 + 8, "\x60\xea\0\0", 4);
	memcpy(t.data + next + 2 + 12 + 8, "\x60\xea\0\0", 4);
	lim.max_ocr_pages = 0;
	assert_int_equal(extract(&r, "image/tiff", t.data, t.len, &lim), 0);
	assert_int_equal(r.ocr_pages, 1);
	assert_true(r.partial);
	assert_non_null(strstr(r.warning, "past the limit"));
	cu_extract_result_free(&r);
	cu_buf_free(&t);
}

static uint32_t crc32_of(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return ~c;
}

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8),
	p[3] = (uint8_t)v;
}

/*
 * A PNG header claiming 50,000 x 50,000 pixels (2.5 billion): refused from
 * the header, before a byte is decoded — the IDAT here is nonsense, so a
 * decoder would fail differently. A GIF claiming the same likewise.
 */
static void test_extract_image__huge(void **state)
{
	(void)state;
	uint8_t png[8 + 25 + 12 + 12 + 12];
	memcpy(png, "\x89PNG\r\n\x1a\n", 8);
	uint8_t *ihdr = png + 8;
	be32(ihdr, 13);
	memcpy(ihdr + 4, "IHDR", 4);
	be32(ihdr + 8, 50000);
	be32(ihdr + 12, 50000);
	ihdr[16] = 8, ihdr[17] = 0, ihdr[18] = 0, ihdr[19] = 0, ihdr[20] = 0;
	be32(ihdr + 21, crc32_of(ihdr + 4, 17));
	uint8_t *idat = ihdr + 25;
	be32(idat, 0);
	memcpy(idat + 4, "IDAT", 4);
	be32(idat + 8, crc32_of(idat + 4, 4));
	uint8_t *iend = idat + 12;
	be32(iend, 0);
	memcpy(iend + 4, "IEND", 4);
	be32(iend + 8, crc32_of(iend + 4, 4));
	cu_extract_result r;
	assert_error(extract(&r, "image/png", png, 8 + 25 + 12 + 12, NULL), CU_ETOOBIG,
	             "50000 x 50000 pixels");
	cu_extract_result_free(&r);

	uint8_t gif[] = {'G',  'I',  'F', '8',  '9', 'a',  0x50, 0xc3, 0x50, 0xc3,
	                 0,    0,    0,   0x2c, 0,   0,    0,    0,    0x50, 0xc3,
	                 0x50, 0xc3, 0,   2,    2,   0x44, 0x01, 0,    0x3b};
	assert_error(extract(&r, "image/gif", gif, sizeof gif, NULL), CU_ETOOBIG, "pixels");
	cu_extract_result_free(&r);

	/* A lower limit applies to an ordinary image too. */
	cairo_surface_t *s = render_text("small", false);
	cu_buf b;
	png_of(&b, s);
	cairo_surface_destroy(s);
	cu_extract_limits lim = {.max_pixels = 1000};
	assert_error(extract(&r, "image/png", b.data, b.len, &lim), CU_ETOOBIG,
	             "limit of 1000 pixels");
	cu_extract_result_free(&r);
	cu_buf_free(&b);
}

/* ---- Office ---- */

static void test_extract_office__docx(void **state)
{
	(void)state;
	cu_buf z;
	make_docx(&z, docx_body);
	cu_extract_result r;
	assert_int_equal(extract(&r, DOCX, z.data, z.len, NULL), 0);
	assert_string_equal(r.method, "ooxml");
	assert_contains(&r, "Witness statement of Đorđe Đorđević\n");
	assert_contains(&r, "Column\tvalue\nnext line");
	assert_contains(&r, "A footnote.");
	assert_null(strstr(r.text.data, "deleted"));
	assert_null(strstr(r.text.data, "\t\t"));
	cu_extract_result_free(&r);

	/* The same file as libmagic may call it: a zip that proves to be OOXML. */
	assert_int_equal(extract(&r, "application/zip", z.data, z.len, NULL), 0);
	assert_contains(&r, "Đorđević");
	cu_extract_result_free(&r);

	/* A docx is not a workbook. */
	assert_error(extract(&r, XLSX, z.data, z.len, NULL), CU_EINVALID, "not an Excel workbook");
	cu_extract_result_free(&r);
	cu_buf_free(&z);
}

static void test_extract_office__xlsx_pptx(void **state)
{
	(void)state;
	zentry x[] = {
	    {"xl/workbook.xml", "<workbook/>", 0, 0},
	    {"xl/sharedStrings.xml",
	     "<sst xmlns=\"s\"><si><t>Account</t></si><si><r><t>Amo</t></r><r><t>unt</t></r>"
	     "<rPh><t>ignored</t></rPh></si><si><t>Банка Интеза</t></si></sst>",
	     0, 0},
	    {"xl/worksheets/sheet10.xml",
	     "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>tenth sheet</t></is></c></row>"
	     "</sheetData></worksheet>",
	     0, 0},
	    {"xl/worksheets/sheet2.xml",
	     "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" "
	     "t=\"s\"><v>1</v></c></row>"
	     "<row r=\"2\"><c "
	     "t=\"s\"><v>2</v></c><c><f>SUM(1)</f><v>12500.5</v></c></row></sheetData></worksheet>",
	     0, 0},
	};
	cu_buf z;
	make_zip(&z, x, sizeof x / sizeof x[0]);
	cu_extract_result r;
	assert_int_equal(extract(&r, XLSX, z.data, z.len, NULL), 0);
	assert_contains(&r, "Account\tAmount\nБанка Интеза\t12500.5\n");
	assert_null(strstr(r.text.data, "ignored"));
	assert_null(strstr(r.text.data, "SUM"));
	/* sheet2 before sheet10, as pages. */
	assert_contains(&r, "12500.5\n\ftenth sheet");
	cu_extract_result_free(&r);
	cu_buf_free(&z);

	zentry p[] = {
	    {"ppt/presentation.xml", "<p:presentation xmlns:p=\"p\"/>", 0, 0},
	    {"ppt/slides/slide10.xml",
	     "<p:sld xmlns:p=\"p\" xmlns:a=\"a\"><a:p><a:r><a:t>Slide "
	     "ten</a:t></a:r></a:p></p:sld>",
	     0, 0},
	    {"ppt/slides/slide1.xml",
	     "<p:sld xmlns:p=\"p\" xmlns:a=\"a\"><a:p><a:r><a:t>Route of "
	     "the</a:t></a:r><a:br/><a:r><a:t>shipment</a:t></a:r></a:p></p:sld>",
	     0, 0},
	    {"ppt/slides/slide2.xml",
	     "<p:sld xmlns:p=\"p\" xmlns:a=\"a\"><a:p><a:r><a:t>Slide "
	     "two</a:t></a:r></a:p></p:sld>",
	     0, 0},
	};
	make_zip(&z, p, sizeof p / sizeof p[0]);
	assert_int_equal(extract(&r, PPTX, z.data, z.len, NULL), 0);
	assert_string_equal(r.text.data, "Route of the\nshipment\n\fSlide two\n\fSlide ten\n");
	cu_extract_result_free(&r);
	cu_buf_free(&z);
}

static void test_extract_office__odf(void **state)
{
	(void)state;
	zentry o[] = {
	    {"mimetype", "application/vnd.oasis.opendocument.text", 0, 0},
	    {"content.xml",
	     "<?xml version=\"1.0\"?><office:document-content xmlns:office=\"o\" xmlns:text=\"t\" "
	     "xmlns:table=\"b\">"
	     "<office:automatic-styles><style>not text</style></office:automatic-styles>"
	     "<office:body><office:text><text:tracked-changes><text:p>removed</text:p></"
	     "text:tracked-changes>"
	     "<text:h>Заголовок</text:h><text:p>Two<text:s text:c=\"2\"/>spaces,\n  "
	     "a<text:tab/>tab "
	     "and<text:line-break/>a break.</text:p>"
	     "<table:table><table:table-row><table:table-cell><text:p>A1</text:p></"
	     "table:table-cell>"
	     "<table:table-cell><text:p>B1</text:p></table:table-cell></table:table-row></"
	     "table:table>"
	     "</office:text></office:body></office:document-content>",
	     0, 0},
	};
	cu_buf z;
	make_zip(&z, o, sizeof o / sizeof o[0]);
	cu_extract_result r;
	assert_int_equal(extract(&r, ODT, z.data, z.len, NULL), 0);
	assert_string_equal(r.method, "odf");
	assert_string_equal(r.text.data, "Заголовок\nTwo  spaces, a\ttab and\na break.\nA1\tB1\n");
	cu_extract_result_free(&r);
	/* An odt is not a spreadsheet. */
	assert_error(extract(&r, ODS, z.data, z.len, NULL), CU_EINVALID,
	             "not an OpenDocument spreadsheet");
	cu_extract_result_free(&r);
	assert_int_equal(extract(&r, "application/zip", z.data, z.len, NULL), 0);
	cu_extract_result_free(&r);
	cu_buf_free(&z);

	zentry plain[] = {{"notes.txt", "just a zip", 0, 0}};
	make_zip(&z, plain, 1);
	assert_error(extract(&r, "application/zip", z.data, z.len, NULL), CU_EINVALID,
	             "not an Office Open XML or OpenDocument file");
	cu_extract_result_free(&r);
	cu_buf_free(&z);
}

/*
 * Zip bombs. One part that expands to 64 MiB under a 16 MiB limit, refused
 * from its declared size; the same part with its sizes forged small, which
 * only counting the decompressor's output catches; and the default limit.
 */
static void test_extract_office__zip_bomb(void **state)
{
	(void)state;
	const size_t big = (size_t)64 << 20;
	char *doc = malloc(big + 1);
	const char *head = "<w:document xmlns:w=\"w\"><w:body>";
	size_t o = strlen(head);
	memcpy(doc, head, o);
	while (o + 6 <= big) {
		memcpy(doc + o, "<w:p/>", 6);
		o += 6;
	}
	doc[o] = '\0';
	zentry e[] = {{"word/document.xml", doc, 0, 0}};
	cu_buf z;
	make_zip(&z, e, 1);
	free(doc);
	printf("    zip bomb: %zu bytes expanding to %zu\n", z.len, o);

	cu_extract_result r;
	cu_extract_limits lim = {.max_expanded = (uint64_t)16 << 20};
	double t0 = now();
	assert_error(extract(&r, DOCX, z.data, z.len, &lim), CU_ETOOBIG, "past the limit");
	cu_extract_result_free(&r);

	/* Forge the sizes in the local and central headers: 64 MiB becomes 1,000 bytes. */
	for (size_t i = 0; i + 30 < z.len; i++) {
		if (memcmp(z.data + i, "PK\x03\x04", 4) == 0) {
			memcpy(z.data + i + 22, "\xe8\x03\0\0", 4);
		} else if (memcmp(z.data + i, "PK\x01\x02", 4) == 0) {
			memcpy(z.data + i + 24, "\xe8\x03\0\0", 4);
		}
	}
	int rc = extract(&r, DOCX, z.data, z.len, &lim);
	assert_true(rc == CU_ETOOBIG || rc == CU_EINVALID || (rc == 0 && r.text.len == 0));
	cu_extract_result_free(&r);
	printf("    zip bomb refused in %.2f s\n", now() - t0);
	cu_buf_free(&z);
}

static void test_extract_office__entries(void **state)
{
	(void)state;
	enum { N = 100000 };
	zentry *e = calloc(N, sizeof *e);
	char(*names)[16] = calloc(N, 16);
	e[0] = (zentry){
	    "word/document.xml",
	    "<w:document "
	    "xmlns:w=\"w\"><w:body><w:p><w:r><w:t>x</w:t></w:r></w:p></w:body></w:document>",
	    0, 0};
	for (int i = 1; i < N; i++) {
		snprintf(names[i], 16, "f/%d", i);
		e[i] = (zentry){names[i], "", 0, 0};
	}
	cu_buf z;
	make_zip(&z, e, N);
	free(e);
	free(names);
	cu_extract_result r;
	double t0 = now();
	assert_error(extract(&r, DOCX, z.data, z.len, NULL), CU_ETOOBIG, "more than 10000 entries");
	printf("    %d-entry docx (%zu bytes) refused in %.2f s\n", N, z.len, now() - t0);
	cu_extract_result_free(&r);
	cu_buf_free(&z);
}

/* ---- e-mail ---- */

static void test_extract_email__message(void **state)
{
	(void)state;
	const char *m =
	    "From: =?UTF-8?B?0JjQstCw0L0g0J/QtdGC0YDQvtCy?= <ivan@example.org>\r\n"
	    "To: Marie Dupont <marie@example.fr>, bob@example.com\r\n"
	    "Cc: team@example.net\r\n"
	    "Date: Tue, 12 Mar 2024 10:15:00 +0100\r\n"
	    "Subject: =?ISO-8859-1?Q?R=E9union_=E0_Gen=E8ve?=\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed; boundary=\"OUTER\"\r\n"
	    "\r\n"
	    "--OUTER\r\n"
	    "Content-Type: multipart/alternative; boundary=\"ALT\"\r\n"
	    "\r\n"
	    "--ALT\r\n"
	    "Content-Type: text/plain; charset=iso-8859-1\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n"
	    "\r\n"
	    "Le paiement a =E9t=E9 effectu=E9 depuis un compte =E0 Gen=E8ve.\r\n"
	    "--ALT\r\n"
	    "Content-Type: text/html; charset=utf-8\r\n"
	    "\r\n"
	    "<p>HTML twin that must not appear</p>\r\n"
	    "--ALT--\r\n"
	    "--OUTER\r\n"
	    "Content-Type: application/pdf; name=\"scan.pdf\"\r\n"
	    "Content-Disposition: attachment; filename=\"scan.pdf\"\r\n"
	    "Content-Transfer-Encoding: base64\r\n"
	    "\r\n"
	    "JVBERi0xLjQKJcOkw7zDtsOfCg==\r\n"
	    "--OUTER\r\n"
	    "Content-Type: text/html; charset=utf-8\r\n"
	    "\r\n"
	    "<html><body><p>Second body in <b>HTML</b></p><script>x()</script></body></html>\r\n"
	    "--OUTER--\r\n";
	cu_extract_result r;
	assert_int_equal(extract(&r, "message/rfc822", m, strlen(m), NULL), 0);
	assert_string_equal(r.method, "email");
	assert_string_equal(r.tool, "gmime");
	assert_contains(&r, "From: Иван Петров <ivan@example.org>");
	assert_contains(&r, "Marie Dupont <marie@example.fr>");
	assert_contains(&r, "Cc: team@example.net");
	assert_contains(&r, "Date: Tue, 12 Mar 2024");
	assert_contains(&r, "Subject: Réunion à Genève");
	assert_contains(&r, "Le paiement a été effectué depuis un compte à Genève.");
	assert_contains(&r, "Second body in HTML");
	assert_null(strstr(r.text.data, "HTML twin"));
	assert_null(strstr(r.text.data, "x()"));
	assert_int_equal(r.nchildren, 1);
	assert_string_equal(r.children[0].name, "scan.pdf");
	assert_string_equal(r.children[0].media_type, "application/pdf");
	assert_int_equal(r.children[0].len, 19);
	assert_memory_equal(r.children[0].data, "%PDF-1.4\n%\xc3\xa4\xc3\xbc\xc3\xb6\xc3\x9f\n",
	                    19);
	assert_false(r.partial);
	cu_extract_result_free(&r);
}

static void make_mail_with_attachments(cu_buf *b, int n)
{
	cu_buf_init(b, 0);
	cu_buf_puts(b, "From: a@example.org\nSubject: many\nMIME-Version: 1.0\n"
	               "Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: "
	               "text/plain\n\nbody text\n");
	for (int i = 0; i < n; i++)
		cu_buf_printf(b,
		              "--B\nContent-Type: application/octet-stream\n"
		              "Content-Disposition: attachment; filename=\"a%d.bin\"\n"
		              "Content-Transfer-Encoding: base64\n\nAAEC\n",
		              i);
	cu_buf_puts(b, "--B--\n");
}

static void test_extract_email__attachments(void **state)
{
	(void)state;
	cu_buf b;
	make_mail_with_attachments(&b, 3000);
	cu_extract_result r;
	double t0 = now();
	assert_int_equal(extract(&r, "message/rfc822", b.data, b.len, NULL), 0);
	printf("    3000 attachments in %.2f s\n", now() - t0);
	assert_int_equal(r.nchildren, 1000);
	assert_true(r.partial);
	assert_non_null(strstr(r.warning, "2000 attachment(s) past the limit of 1000"));
	assert_string_equal(r.children[999].name, "a999.bin");
	assert_int_equal(r.children[999].len, 3);
	assert_contains(&r, "body text");
	cu_extract_result_free(&r);

	cu_extract_limits lim = {.max_children = 5};
	assert_int_equal(extract(&r, "message/rfc822", b.data, b.len, &lim), 0);
	assert_int_equal(r.nchildren, 5);
	assert_non_null(strstr(r.warning, "2995 attachment(s)"));
	cu_extract_result_free(&r);
	cu_buf_free(&b);
}

/* ---- types that lie, and empty content ---- */

static void test_extract_bad__claims(void **state)
{
	(void)state;
	cu_extract_result r;
	cu_buf png, pdf, docx;
	cairo_surface_t *s = render_text("x", false);
	png_of(&png, s);
	cairo_surface_destroy(s);
	const char *pages[] = {"p"};
	make_pdf(&pdf, pages, 1);
	make_docx(&docx, docx_body);

	assert_error(extract(&r, "application/pdf", png.data, png.len, NULL), CU_EINVALID,
	             "not a PDF file");
	cu_extract_result_free(&r);
	assert_error(extract(&r, "image/png", pdf.data, pdf.len, NULL), CU_EINVALID,
	             "not a PNG image");
	cu_extract_result_free(&r);
	assert_error(extract(&r, "image/jpeg", png.data, png.len, NULL), CU_EINVALID,
	             "not a JPEG image");
	cu_extract_result_free(&r);
	assert_error(extract(&r, DOCX, pdf.data, pdf.len, NULL), CU_EINVALID,
	             "not a Word document");
	cu_extract_result_free(&r);
	assert_error(extract(&r, "text/plain", png.data, png.len, NULL), CU_EINVALID,
	             "not a text file");
	cu_extract_result_free(&r);
	assert_error(extract(&r, "message/rfc822", pdf.data, pdf.len, NULL), CU_EINVALID,
	             "not an e-mail message");
	cu_extract_result_free(&r);
	assert_error(extract(&r, "text/html", png.data, png.len, NULL), CU_EINVALID,
	             "not an HTML document");
	cu_extract_result_free(&r);
	assert_error(extract(&r, "application/x-unknown", "x", 1, NULL), CU_EINVALID,
	             "no text extractor");
	cu_extract_result_free(&r);
	/* An OLE file (old .doc or an encrypted .docx) named as a docx. */
	assert_error(extract(&r, DOCX, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0\0\0", 12, NULL),
	             CU_EINVALID, "OLE compound file");
	cu_extract_result_free(&r);
	/* Bad OCR language lists are refused before Tesseract sees them. */
	cu_extract_limits lim = {.ocr_langs = "../../etc/passwd"};
	assert_error(extract(&r, "image/png", png.data, png.len, &lim), CU_EINVALID,
	             "OCR language");
	cu_extract_result_free(&r);
	lim.ocr_langs = "xxx";
	assert_error(extract(&r, "image/png", png.data, png.len, &lim), CU_EINVALID, "cannot load");
	cu_extract_result_free(&r);

	assert_true(cu_extract_supported("application/pdf"));
	assert_true(cu_extract_supported("Text/HTML; charset=utf-8"));
	assert_true(cu_extract_supported(DOCX));
	assert_false(cu_extract_supported("application/x-msdownload"));
	assert_false(cu_extract_supported(NULL));
	cu_buf_free(&png);
	cu_buf_free(&pdf);
	cu_buf_free(&docx);
}

static void test_extract_bad__empty(void **state)
{
	(void)state;
	static const struct {
		const char *type;
		int rc;
	} cases[] = {
	    {"text/plain", 0},
	    {"text/html", 0},
	    {"application/pdf", CU_EINVALID},
	    {"image/png", CU_EINVALID},
	    {"image/tiff", CU_EINVALID},
	    {DOCX, CU_EINVALID},
	    {ODT, CU_EINVALID},
	    {"application/zip", CU_EINVALID},
	    {"message/rfc822", CU_EINVALID},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cu_extract_result r;
		int rc = cu_extract(&r, cases[i].type, "", 0, NULL);
		if (rc != cases[i].rc)
			printf("%s: %d (%s)\n", cases[i].type, rc, cu_error_message(rc));
		assert_int_equal(rc, cases[i].rc);
		assert_int_equal(r.text.len, 0);
		assert_int_equal(r.nchildren, 0);
		cu_extract_result_free(&r);
		rc = cu_extract(&r, cases[i].type, NULL, 0, NULL);
		assert_int_equal(rc, cases[i].rc);
		cu_extract_result_free(&r);
	}
	/* An empty zip is no document either. */
	cu_buf z;
	make_zip(&z, NULL, 0);
	cu_extract_result r;
	assert_error(extract(&r, DOCX, z.data, z.len, NULL), CU_EINVALID, "not a Word document");
	cu_extract_result_free(&r);
	cu_buf_free(&z);
}

/* ---- language and versions ---- */

static void test_extract_language__cld2(void **state)
{
	(void)state;
	static const struct {
		const char *text, *code;
	} cases[] = {
	    {"The witness stated that the shipment left the port early in the morning and that "
	     "the documents were destroyed a few days later.",
	     "en"},
	    {"Le témoin a déclaré que la cargaison avait quitté le port tôt le matin et que les "
	     "documents avaient été détruits quelques jours plus tard.",
	     "fr"},
	    {"Der Zeuge sagte aus, dass die Lieferung den Hafen früh am Morgen verlassen hatte und "
	     "die Unterlagen einige Tage später vernichtet wurden.",
	     "de"},
	    {"Свидетель показал, что груз покинул порт рано утром, а документы были уничтожены "
	     "через несколько дней.",
	     "ru"},
	    {"Свідок заявив, що вантаж залишив порт рано вранці, а документи були знищені через "
	     "кілька днів.",
	     "uk"},
	    {"قال الشاهد إن الشحنة غادرت الميناء في الصباح الباكر وإن الوثائق أتلفت بعد بضعة أيام.",
	     "ar"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char lang[8];
		cu_extract_language(lang, cases[i].text, strlen(cases[i].text));
		printf("    %s -> \"%s\"\n", cases[i].code, lang);
		assert_string_equal(lang, cases[i].code);
	}
	char lang[8];
	cu_extract_language(lang, "", 0);
	assert_string_equal(lang, "");
	cu_extract_language(lang, "12 34", 5);
	assert_string_equal(lang, "");

	const char *v = cu_extract_versions();
	printf("    %s\n", v);
	assert_non_null(strstr(v, "poppler 22."));
	assert_non_null(strstr(v, "tesseract 5."));
	assert_non_null(strstr(v, "libxml2 2."));
	assert_non_null(strstr(v, "gmime 3."));
}

/* ---- OCR accuracy ---- */

/* Code points of s with white space runs collapsed to one space and trimmed. */
static size_t normalise(uint32_t *out, size_t cap, const char *s)
{
	size_t n = 0;
	bool space = false;
	const unsigned char *p = (const unsigned char *)s;
	while (*p && n < cap) {
		uint32_t c = *p;
		size_t k = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
		if (k > 1) {
			c &= 0x3fu >> (k - 1);
			for (size_t i = 1; i < k && p[i]; i++)
				c = (c << 6) | (p[i] & 0x3f);
		}
		p += k;
		if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == 0xa0) {
			space = n > 0;
			continue;
		}
		if (space && n < cap)
			out[n++] = ' ';
		space = false;
		out[n++] = c;
	}
	return n;
}

static size_t levenshtein(const uint32_t *a, size_t n, const uint32_t *b, size_t m)
{
	size_t *row = malloc((m + 1) * sizeof *row);
	for (size_t j = 0; j <= m; j++)
		row[j] = j;
	for (size_t i = 1; i <= n; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= m; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	size_t d = row[m];
	free(row);
	return d;
}

static double accuracy(const char *want, const char *got)
{
	uint32_t a[2048], b[2048];
	size_t n = normalise(a, 2048, want), m = normalise(b, 2048, got);
	size_t d = levenshtein(a, n, b, m);
	return n == 0 ? 0.0 : 1.0 - (double)d / (double)n;
}

static const struct {
	const char *lang, *text;
	bool rtl;
} samples[] = {
    {"eng",
     "The witness stated that the shipment left the port of Durres on 14 March 2021. "
     "Payment was made through an account held at a bank in Vienna.",
     false},
    {"fra",
     "Le témoin a déclaré que la cargaison a quitté le port le 14 mars 2021. "
     "Le paiement a été effectué depuis un compte ouvert à Genève.",
     false},
    {"deu",
     "Der Zeuge sagte aus, dass die Lieferung am 14. März 2021 den Hafen verließ. "
     "Die Zahlung erfolgte über ein Konto bei einer Bank in München.",
     false},
    {"rus",
     "Свидетель показал, что груз покинул порт 14 марта 2021 года. "
     "Оплата была произведена через счёт в банке в Москве.",
     false},
    {"ukr",
     "Свідок заявив, що вантаж залишив порт 14 березня 2021 року. "
     "Оплату здійснено через рахунок у банку в Києві.",
     false},
    {"srp",
     "Сведок је изјавио да је Ђорђевић напустио луку 14. марта 2021. "
     "Уплата је извршена преко рачуна у банци у Београду.",
     false},
    {"srp_latn",
     "Svedok je izjavio da je Đorđević napustio luku 14. marta 2021. "
     "Uplata je izvršena preko računa u banci u Beogradu.",
     false},
    {"ara",
     "قال الشاهد إن الشحنة غادرت الميناء في الصباح الباكر. "
     "تم الدفع عبر حساب مصرفي في بنك في عمان.",
     true},
};

/*
 * Each language's sample rendered as a clean 300 dpi image and read back by
 * Tesseract with that language's model; character accuracy is printed and
 * must be 95% or better. The time per page is printed for the record.
 */
static void test_extract_ocr__accuracy(void **state)
{
	(void)state;
	printf("    %-9s %9s %9s %9s  %s\n", "language", "accuracy", "time/page", "load", "size");
	double worst = 1.0;
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		cairo_surface_t *s = render_text(samples[i].text, samples[i].rtl);
		cu_buf png;
		png_of(&png, s);
		int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
		cairo_surface_destroy(s);
		cu_extract_limits lim = {.ocr_langs = samples[i].lang};
		cu_extract_result r;
		/* Warm the thread's engine for the language on one word, then time a page. */
		cairo_surface_t *ws = render_text(samples[i].rtl ? "بنك" : "bank", samples[i].rtl);
		cu_buf wpng;
		png_of(&wpng, ws);
		cairo_surface_destroy(ws);
		double tl = now();
		assert_int_equal(extract(&r, "image/png", wpng.data, wpng.len, &lim), 0);
		tl = now() - tl;
		cu_extract_result_free(&r);
		cu_buf_free(&wpng);
		double t0 = now();
		assert_int_equal(extract(&r, "image/png", png.data, png.len, &lim), 0);
		double dt = now() - t0;
		double acc = accuracy(samples[i].text, r.text.data ? r.text.data : "");
		printf("    %-9s %8.1f%% %8.2fs %8.2fs  %dx%d\n", samples[i].lang, acc * 100, dt,
		       tl, w, h);
		if (acc < 0.95)
			printf("      want: %s\n      got:  %s\n", samples[i].text, r.text.data);
		if (acc < worst)
			worst = acc;
		cu_extract_result_free(&r);
		cu_buf_free(&png);
	}
	assert_true(worst >= 0.95);
}

/*
 * The default: all eight languages loaded at once, as the job queue runs.
 * Cyrillic Serbian must still come out as Cyrillic ("Ђорђевић" found).
 */
static void test_extract_ocr__all_languages(void **state)
{
	(void)state;
	size_t pick[] = {5};
	for (size_t k = 0; k < sizeof pick / sizeof pick[0]; k++) {
		size_t i = pick[k];
		cairo_surface_t *s = render_text(samples[i].text, samples[i].rtl);
		cu_buf png;
		png_of(&png, s);
		cairo_surface_destroy(s);
		cu_extract_result r;
		double t0 = now();
		assert_int_equal(extract(&r, "image/png", png.data, png.len, NULL), 0);
		double dt = now() - t0;
		double acc = accuracy(samples[i].text, r.text.data ? r.text.data : "");
		printf("    %s with all 8 languages: %.1f%% in %.2fs (first use loads the models), "
		       "language \"%s\"\n",
		       samples[i].lang, acc * 100, dt, r.language);
		if (acc < 0.95)
			printf("      want: %s\n      got:  %s\n", samples[i].text, r.text.data);
		assert_contains(&r, "Ђорђевић");
		cu_extract_result_free(&r);
		cu_buf_free(&png);
	}
	cu_extract_thread_done();
	cu_extract_thread_done(); /* twice is harmless */
}

static int teardown_all(void **state)
{
	(void)state;
	cu_extract_thread_done();
	/* Pango's font map, released so LeakSanitizer sees only real leaks. */
	pango_cairo_font_map_set_default(NULL);
	FcFini();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_extract_text__utf8),
	    cmocka_unit_test(test_extract_text__legacy),
	    cmocka_unit_test(test_extract_text__limit),
	    cmocka_unit_test(test_extract_html__body),
	    cmocka_unit_test(test_extract_pdf__text_layer),
	    cmocka_unit_test(test_extract_pdf__speed),
	    cmocka_unit_test(test_extract_pdf__scanned_page),
	    cmocka_unit_test(test_extract_pdf__encrypted),
	    cmocka_unit_test(test_extract_pdf__corrupt),
	    cmocka_unit_test(test_extract_image__png),
	    cmocka_unit_test(test_extract_image__ocr_threads),
	    cmocka_unit_test(test_extract_image__huge),
	    cmocka_unit_test(test_extract_image__tiff),
	    cmocka_unit_test(test_extract_office__docx),
	    cmocka_unit_test(test_extract_office__xlsx_pptx),
	    cmocka_unit_test(test_extract_office__odf),
	    cmocka_unit_test(test_extract_office__zip_bomb),
	    cmocka_unit_test(test_extract_office__entries),
	    cmocka_unit_test(test_extract_email__message),
	    cmocka_unit_test(test_extract_email__attachments),
	    cmocka_unit_test(test_extract_bad__claims),
	    cmocka_unit_test(test_extract_bad__empty),
	    cmocka_unit_test(test_extract_language__cld2),
	    cmocka_unit_test(test_extract_threads__parallel),
	    cmocka_unit_test(test_extract_ocr__accuracy),
	    cmocka_unit_test(test_extract_ocr__all_languages),
	};
	return cmocka_run_group_tests(tests, NULL, teardown_all);
}
