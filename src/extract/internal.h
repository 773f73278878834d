/* SPDX-License-Identifier: Apache-2.0 */
/*
 * extract: what the format readers share — the run context with its resolved
 * limits, the bounded text sink, and each reader's entry point. Private to
 * src/extract.
 */
#ifndef CU_EXTRACT_INTERNAL_H
#define CU_EXTRACT_INTERNAL_H

#include "extract/extract.h"

#define X_DEFAULT_MAX_TEXT ((uint64_t)64 << 20)
#define X_DEFAULT_MAX_EXPANDED ((uint64_t)256 << 20)
#define X_DEFAULT_MAX_ENTRIES 10000u
#define X_DEFAULT_MAX_PAGES 10000u
#define X_DEFAULT_MAX_OCR_PAGES 1000u
#define X_DEFAULT_MAX_PIXELS ((uint64_t)100000000)
#define X_DEFAULT_MAX_CHILDREN 1000u
#define X_DEFAULT_OCR_LANGS "eng+fra+deu+ara+rus+ukr+srp+srp_latn"

/*
 * One extraction. `full` turns true when the text limit is reached; readers
 * check it and stop early. Warnings accumulate into r->warning ("; "-joined,
 * truncated), and a warning about a limit also sets r->partial.
 */
typedef struct xctx {
	cu_extract_result *r;
	cu_extract_limits lim; /* every zero replaced by its default */
	bool full;
	int depth; /* nesting of e-mail parts and HTML bodies inside messages */
} xctx;

/*
 * Appends UTF-8 text to the result. Invalid sequences become U+FFFD, NUL and
 * C0 controls other than tab, newline, carriage return and form feed are
 * dropped. Past max_text the text is cut at a character boundary, `full` set
 * and the result marked partial; returns CU_ENOMEM only.
 */
int x_emit(xctx *x, const char *s, size_t n);
int x_emits(xctx *x, const char *s);
/* Ends the current line unless the text is empty or already ends one. */
int x_newline(xctx *x);
/* Separates pages with a form feed (nothing before the first page). */
int x_pagebreak(xctx *x);
void x_warn(xctx *x, bool limit, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Whether the text holds anything other than white space. */
bool x_has_text(const xctx *x);

/* The readers. Each returns 0 (possibly partial) or a CU_E* with a message. */
int x_text(xctx *x, const uint8_t *data, size_t len);
int x_html(xctx *x, const uint8_t *data, size_t len);
int x_pdf(xctx *x, const uint8_t *data, size_t len);
int x_image(xctx *x, const uint8_t *data, size_t len, const char *media_type);
int x_office(xctx *x, const uint8_t *data, size_t len, const char *media_type);
int x_email(xctx *x, const uint8_t *data, size_t len);

/*
 * OCR of an 8-bit grey image (row stride `stride`) or a Leptonica Pix with
 * the thread's cached Tesseract for lim.ocr_langs; the text is emitted.
 */
int x_ocr_gray(xctx *x, const uint8_t *gray, int w, int h, int stride, int ppi);
struct Pix;
int x_ocr_pix(xctx *x, struct Pix *pix);
const char *x_tesseract_version(void);
/* Checks an OCR language string ("eng+srp_latn") against tessdata. */
int x_ocr_langs_valid(const char *langs);

/* HTML given as UTF-8 (or with its own charset) converted into text (e-mail bodies). */
int x_html_body(xctx *x, const uint8_t *data, size_t len, const char *charset);

/* CLD2, through the C++ shim (lang.cc). */
void cu_extract_cld2(char out[8], const char *text, size_t len);
const char *cu_extract_cld2_version(void);

/* Sets tool and tool_version. */
void x_tool(xctx *x, const char *method, const char *tool, const char *version);

#endif
