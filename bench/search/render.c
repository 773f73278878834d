/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench/search: the inputs of (3) and (4), drawn with cairo and pango.
 *
 *   render pdf OUT PAGES SEED   a PDF of PAGES A4 text pages of ~300 words of
 *                               the corpus (corpus.h), DejaVu Sans 9
 *   render png DIR SEED         one A4 page of 15 lines per OCR language at
 *                               300 dpi, DejaVu Sans 12: DIR/<lang>.png and
 *                               the text drawn, DIR/<lang>.txt
 *
 * Prints key=value.
 */
#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "corpus.h"

#define A4_W 595.0
#define A4_H 842.0
#define MARGIN 56.0

static void draw_text(cairo_t *cr, const char *font, const char *text, double width, bool rtl)
{
	PangoLayout *l = pango_cairo_create_layout(cr);
	PangoFontDescription *fd = pango_font_description_from_string(font);
	pango_layout_set_font_description(l, fd);
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	if (rtl)
		pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT);
	pango_layout_set_text(l, text, -1);
	pango_cairo_show_layout(cr, l);
	pango_font_description_free(fd);
	g_object_unref(l);
}

static void append(char *out, size_t cap, size_t *n, const char *s)
{
	size_t m = strlen(s);
	if (*n + m + 1 >= cap)
		return;
	memcpy(out + *n, s, m);
	*n += m;
	out[*n] = '\0';
}

static int pdf(const char *path, int pages, uint64_t seed)
{
	corpus *cp = malloc(sizeof(*cp));
	corpus_init(cp, seed);
	double t0 = now_s();
	cairo_surface_t *sf = cairo_pdf_surface_create(path, A4_W, A4_H);
	cairo_t *cr = cairo_create(sf);
	static char text[16384];
	long long words = 0;
	for (int p = 0; p < pages; p++) {
		size_t n = 0;
		int w = 0;
		text[0] = '\0';
		for (int64_t i = (int64_t)p * 16; w < 300; i++) {
			bdoc d;
			corpus_doc(cp, &d, seed + 1, i);
			append(text, sizeof text, &n, d.title);
			append(text, sizeof text, &n, "\n");
			append(text, sizeof text, &n, d.body);
			append(text, sizeof text, &n, "\n\n");
			w += d.nwords;
		}
		words += w;
		cairo_move_to(cr, MARGIN, MARGIN);
		draw_text(cr, "DejaVu Sans 9", text, A4_W - 2 * MARGIN, false);
		cairo_show_page(cr);
		if (p % 500 == 499)
			fprintf(stderr, "\r  %d of %d pages", p + 1, pages);
	}
	cairo_destroy(cr);
	cairo_surface_finish(sf);
	int st = cairo_surface_status(sf);
	cairo_surface_destroy(sf);
	fprintf(stderr, "\n");
	if (st != CAIRO_STATUS_SUCCESS) {
		fprintf(stderr, "render: %s\n", cairo_status_to_string(st));
		return 1;
	}
	printf("pdf_pages=%d\npdf_words_per_page=%.0f\npdf_gen_s=%.2f\n", pages,
	       (double)words / pages, now_s() - t0);
	return 0;
}

/* Serbian Cyrillic to the Latin alphabet (Gaj's), for srp_latn. */
static void serbian_latin(char *out, size_t cap, const char *in)
{
	static const char *const map[][2] = {
		{"а", "a"}, {"б", "b"}, {"в", "v"}, {"г", "g"}, {"д", "d"}, {"ђ", "đ"}, {"е", "e"},
		{"ж", "ž"}, {"з", "z"}, {"и", "i"}, {"ј", "j"}, {"к", "k"}, {"л", "l"}, {"љ", "lj"},
		{"м", "m"}, {"н", "n"}, {"њ", "nj"}, {"о", "o"}, {"п", "p"}, {"р", "r"}, {"с", "s"},
		{"т", "t"}, {"ћ", "ć"}, {"у", "u"}, {"ф", "f"}, {"х", "h"}, {"ц", "c"}, {"ч", "č"},
		{"џ", "dž"}, {"ш", "š"}, {"Ђ", "Đ"}, {"Ж", "Ž"}, {"Ј", "J"}, {"Љ", "Lj"},
		{"Њ", "Nj"}, {"Ћ", "Ć"}, {"Ч", "Č"}, {"Џ", "Dž"}, {"Ш", "Š"}, {"А", "A"}, {"Б", "B"},
		{"В", "V"}, {"Г", "G"}, {"Д", "D"}, {"Е", "E"}, {"З", "Z"}, {"И", "I"}, {"К", "K"},
		{"Л", "L"}, {"М", "M"}, {"Н", "N"}, {"О", "O"}, {"П", "P"}, {"Р", "R"}, {"С", "S"},
		{"Т", "T"}, {"У", "U"}, {"Ф", "F"}, {"Х", "H"}, {"Ц", "C"}};
	size_t n = 0;
	while (*in && n + 4 < cap) {
		bool done = false;
		for (size_t k = 0; k < sizeof map / sizeof *map && !done; k++) {
			size_t m = strlen(map[k][0]);
			if (!strncmp(in, map[k][0], m)) {
				size_t o = strlen(map[k][1]);
				memcpy(out + n, map[k][1], o);
				n += o;
				in += m;
				done = true;
			}
		}
		if (!done)
			out[n++] = *in++;
	}
	out[n] = '\0';
}

static int png(const char *dir, uint64_t seed)
{
	static const struct {
		const char *tess;
		int lang;
	} pages[] = {{"eng", L_EN}, {"fra", L_FR}, {"deu", L_DE}, {"rus", L_RU},
	             {"ukr", L_UK}, {"srp", L_SR}, {"srp_latn", L_SR}, {"ara", L_AR}};
	const double dpi = 300, scale = dpi / 72.0;
	double t0 = now_s();
	for (size_t p = 0; p < sizeof pages / sizeof *pages; p++) {
		uint64_t s = seed * 101 + p;
		static char text[8192], latin[16384];
		size_t n = 0;
		int l = pages[p].lang;
		/* 15 lines of 7-9 words: the head of the vocabulary (real words)
		 * and names, as a statement would read. */
		text[0] = '\0';
		for (int line = 0; line < 15; line++) {
			int w = 7 + (int)(splitmix(&s) % 3);
			for (int k = 0; k < w; k++) {
				const char *x = splitmix(&s) % 8 == 0
				                        ? pick_name(l, k % 2 == 1, &s)
				                        : heads[l][splitmix(&s) % (uint64_t)nheads[l]];
				append(text, sizeof text, &n, x);
				append(text, sizeof text, &n, k == w - 1 ? "\n" : " ");
			}
		}
		const char *out = text;
		if (!strcmp(pages[p].tess, "srp_latn")) {
			serbian_latin(latin, sizeof latin, text);
			out = latin;
		}
		int wpx = (int)(A4_W * scale), hpx = (int)(A4_H * scale);
		cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, wpx, hpx);
		cairo_t *cr = cairo_create(sf);
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_paint(cr);
		cairo_scale(cr, scale, scale);
		cairo_set_source_rgb(cr, 0, 0, 0);
		cairo_move_to(cr, MARGIN, MARGIN);
		draw_text(cr, "DejaVu Sans 12", out, A4_W - 2 * MARGIN, l == L_AR);
		cairo_destroy(cr);
		char path[4096];
		snprintf(path, sizeof path, "%s/%s.png", dir, pages[p].tess);
		cairo_surface_set_device_scale(sf, 1, 1);
		if (cairo_surface_write_to_png(sf, path) != CAIRO_STATUS_SUCCESS) {
			fprintf(stderr, "render: cannot write %s\n", path);
			return 1;
		}
		cairo_surface_destroy(sf);
		snprintf(path, sizeof path, "%s/%s.txt", dir, pages[p].tess);
		FILE *f = fopen(path, "w");
		if (!f || fputs(out, f) < 0 || fclose(f) != 0) {
			fprintf(stderr, "render: cannot write %s\n", path);
			return 1;
		}
	}
	printf("png_gen_s=%.2f\n", now_s() - t0);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "pdf"))
		return pdf(argv[2], atoi(argv[3]), strtoull(argv[4], NULL, 10));
	if (argc == 4 && !strcmp(argv[1], "png"))
		return png(argv[2], strtoull(argv[3], NULL, 10));
	fprintf(stderr, "usage: render pdf OUT PAGES SEED | render png DIR SEED\n");
	return 2;
}
