/* SPDX-License-Identifier: Apache-2.0 */
/*
 * extract: HTML and XHTML through libxml2's HTML push parser with SAX
 * callbacks — no tree is built, so memory stays flat whatever the size of
 * the page. The text of the title and of the body, without script, style
 * and other non-text elements; white space collapsed as a browser would,
 * block elements ending lines and table cells separated by tabs.
 */
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>

#include "extract/internal.h"

typedef struct hstate {
	xctx *x;
	htmlParserCtxtPtr ctxt;
	int skip;    /* depth inside elements whose text is not text */
	int in_head; /* inside <head> (only <title> counts there) */
	int in_title;
	int in_pre;
	bool space; /* a collapsed space is pending */
	int err;
} hstate;

static const char *const skipped[] = {"script", "style", "noscript", "template", "object",
                                      "svg",    "math",  "iframe",   "select",   "textarea"};
static const char *const blocks[] = {
    "p",       "div",        "br",     "li",      "tr",      "h1",         "h2",     "h3",
    "h4",      "h5",         "h6",     "table",   "ul",      "ol",         "dl",     "dt",
    "dd",      "blockquote", "pre",    "hr",      "section", "article",    "header", "footer",
    "nav",     "aside",      "form",   "address", "figure",  "figcaption", "main",   "title",
    "caption", "fieldset",   "legend", "details", "summary", "body"};

static bool in_list(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(name, list[i]) == 0)
			return true;
	return false;
}

static void stop(hstate *h, int r)
{
	if (r && !h->err)
		h->err = r;
	xmlStopParser(h->ctxt);
}

static void check_full(hstate *h)
{
	if (h->x->full)
		stop(h, 0);
}

static void on_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
	hstate *h = ctx;
	const char *n = (const char *)name;
	(void)atts;
	if (in_list(n, skipped, sizeof skipped / sizeof skipped[0])) {
		h->skip++;
		return;
	}
	if (strcasecmp(n, "head") == 0)
		h->in_head++;
	else if (strcasecmp(n, "title") == 0)
		h->in_title++;
	else if (strcasecmp(n, "pre") == 0)
		h->in_pre++;
	if (h->skip)
		return;
	if (in_list(n, blocks, sizeof blocks / sizeof blocks[0])) {
		int r = x_newline(h->x);
		h->space = false;
		if (r)
			stop(h, r);
	} else if (strcasecmp(n, "td") == 0 || strcasecmp(n, "th") == 0) {
		const cu_buf *b = &h->x->r->text;
		if (b->len && b->data[b->len - 1] != '\n') {
			int r = x_emit(h->x, "\t", 1);
			if (r)
				stop(h, r);
		}
		h->space = false;
	} else if (strcasecmp(n, "img") == 0 && atts) {
		/* An image's alternative text stands for it. */
		for (size_t i = 0; atts[i] && atts[i + 1]; i += 2) {
			if (strcasecmp((const char *)atts[i], "alt") == 0 && atts[i + 1][0]) {
				int r = x_emit(h->x, " ", h->space ? 1 : 0);
				if (!r)
					r = x_emits(h->x, (const char *)atts[i + 1]);
				h->space = true;
				if (r)
					stop(h, r);
			}
		}
	}
	check_full(h);
}

static void on_end(void *ctx, const xmlChar *name)
{
	hstate *h = ctx;
	const char *n = (const char *)name;
	if (in_list(n, skipped, sizeof skipped / sizeof skipped[0])) {
		if (h->skip > 0)
			h->skip--;
		return;
	}
	if (strcasecmp(n, "head") == 0 && h->in_head > 0)
		h->in_head--;
	else if (strcasecmp(n, "title") == 0 && h->in_title > 0)
		h->in_title--;
	else if (strcasecmp(n, "pre") == 0 && h->in_pre > 0)
		h->in_pre--;
	if (h->skip)
		return;
	if (in_list(n, blocks, sizeof blocks / sizeof blocks[0])) {
		int r = x_newline(h->x);
		h->space = false;
		if (r)
			stop(h, r);
	}
	check_full(h);
}

static void on_text(void *ctx, const xmlChar *ch, int len)
{
	hstate *h = ctx;
	if (h->skip || (h->in_head && !h->in_title) || len <= 0)
		return;
	const char *s = (const char *)ch;
	int r = 0;
	if (h->in_pre) {
		r = x_emit(h->x, s, (size_t)len);
		goto out;
	}
	/* Collapse runs of white space into one space, none at a line start. */
	size_t i = 0, n = (size_t)len;
	while (i < n && !r) {
		size_t j = i;
		while (j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r' ||
		                 s[j] == '\f'))
			j++;
		if (j > i) {
			h->space = true;
			i = j;
			continue;
		}
		while (j < n && !(s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r' ||
		                  s[j] == '\f'))
			j++;
		const cu_buf *b = &h->x->r->text;
		if (h->space && b->len && b->data[b->len - 1] != '\n' &&
		    b->data[b->len - 1] != '\t' && b->data[b->len - 1] != '\f')
			r = x_emit(h->x, " ", 1);
		h->space = false;
		if (!r)
			r = x_emit(h->x, s + i, j - i);
		i = j;
	}
out:
	if (r)
		stop(h, r);
	check_full(h);
}

static void quiet(void *ctx, const char *msg, ...)
{
	(void)ctx, (void)msg;
}

static int parse(xctx *x, const uint8_t *data, size_t len, xmlCharEncoding enc)
{
	htmlSAXHandler sax;
	hstate h = {.x = x};
	memset(&sax, 0, sizeof sax);
	sax.startElement = on_start;
	sax.endElement = on_end;
	sax.characters = on_text;
	sax.cdataBlock = on_text;
	sax.warning = quiet;
	sax.error = quiet;
	sax.fatalError = quiet;

	h.ctxt = htmlCreatePushParserCtxt(&sax, &h, NULL, 0, NULL, enc);
	if (!h.ctxt)
		return cu_error_set(CU_ENOMEM, "out of memory (HTML parser)");
	htmlCtxtUseOptions(h.ctxt, HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
	                               HTML_PARSE_NOIMPLIED);
	const size_t chunk = 64 * 1024;
	for (size_t off = 0; off < len && !h.err && !x->full; off += chunk) {
		size_t n = len - off < chunk ? len - off : chunk;
		htmlParseChunk(h.ctxt, (const char *)data + off, (int)n, 0);
		if (h.ctxt->disableSAX > 1 || h.ctxt->instate == XML_PARSER_EOF)
			break;
	}
	if (!h.err && !x->full)
		htmlParseChunk(h.ctxt, NULL, 0, 1);
	htmlFreeParserCtxt(h.ctxt);
	if (h.err)
		return h.err;
	return x_newline(x);
}

int x_html_body(xctx *x, const uint8_t *data, size_t len, const char *charset)
{
	(void)charset; /* GMime has already converted the body to UTF-8. */
	return parse(x, data, len, XML_CHAR_ENCODING_UTF8);
}

int x_html(xctx *x, const uint8_t *data, size_t len)
{
	x_tool(x, "html", "libxml2", LIBXML_DOTTED_VERSION);
	size_t probe = len < 65536 ? len : 65536, nul = 0;
	bool lt = false;
	for (size_t i = 0; i < probe; i++) {
		nul += data[i] == 0;
		lt |= data[i] == '<';
	}
	bool utf16 = len >= 2 &&
	             ((data[0] == 0xff && data[1] == 0xfe) || (data[0] == 0xfe && data[1] == 0xff));
	if (len == 0)
		return 0;
	if ((nul > probe / 100 + 1 && !utf16) || !lt)
		return cu_error_set(CU_EINVALID, "not an HTML document");
	/*
	 * libxml2 takes a page without a declared charset as Latin-1; content
	 * that is valid UTF-8 is UTF-8 (a Latin-1 page with accents never is).
	 */
	return parse(x, data, len,
	             !utf16 && cu_utf8_valid((const char *)data, len) ? XML_CHAR_ENCODING_UTF8
	                                                              : XML_CHAR_ENCODING_NONE);
}
