/* SPDX-License-Identifier: Apache-2.0 */
/*
 * extract: Office Open XML (.docx, .xlsx, .pptx) and OpenDocument (.odt,
 * .ods, .odp) — zip archives of XML parts, read from memory with libarchive
 * and parsed with libxml2's streaming reader fed straight from the
 * decompressor, so no part is ever held whole in memory.
 *
 * Zip bombs meet two limits: the number of entries (counted before any part
 * is read) and the bytes expanded from the parts that are read (counted as
 * the decompressor produces them, whatever the headers claim).
 *
 *   pass 1  headers only: count entries, learn the format, list the parts
 *   pass 2  .xlsx only: xl/sharedStrings.xml into a string table
 *   pass 3  the text parts, each into its own buffer (archive order), then
 *           joined in document order (slide2 before slide10)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <archive.h>
#include <archive_entry.h>
#include <libxml/xmlreader.h>

#include "extract/internal.h"

#define MAX_SHARED_STRINGS (4u << 20)

enum fmt { F_NONE, F_DOCX, F_XLSX, F_PPTX, F_ODF };

typedef struct part {
	char *name;
	unsigned long order;
	cu_buf text;
	bool read;
} part;

typedef struct zip {
	xctx *x;
	enum fmt fmt;
	struct archive *a;
	uint64_t expanded;
	bool over, ioerr;
	part *parts;
	size_t nparts;
	/* .xlsx shared strings: offsets into sst (each NUL-terminated). */
	cu_buf sst;
	size_t *sst_off;
	size_t nsst, sst_cap;
	bool sst_cut;
} zip;

/* What the parser of one part keeps between nodes. */
typedef struct pstate {
	zip *z;
	bool sst;     /* parsing sharedStrings.xml */
	int in_t;     /* inside a text element (w:t, a:t, x:t) */
	int in_r;     /* inside a w:r run (tabs elsewhere are tab stops) */
	int in_rph;   /* xlsx phonetic runs: not text */
	int in_body;  /* ODF office:body */
	int skip;     /* ODF tracked changes */
	int in_cell;  /* ODF table cell / xlsx cell */
	bool row_has; /* the table row has content: the next cell starts with a tab */
	bool cell_has;
	char ctype[16]; /* xlsx cell type attribute */
	int in_v;
	char vbuf[32];
	size_t vlen;
	bool space; /* ODF: a collapsed space is pending */
	int err;
} pstate;

static const struct {
	const char *type, *name;
	enum fmt fmt;
	const char *odf;
} claims[] = {
    {"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     "a Word document (.docx)", F_DOCX, NULL},
    {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
     "an Excel workbook (.xlsx)", F_XLSX, NULL},
    {"application/vnd.openxmlformats-officedocument.presentationml.presentation",
     "a PowerPoint presentation (.pptx)", F_PPTX, NULL},
    {"application/vnd.oasis.opendocument.text", "an OpenDocument text (.odt)", F_ODF,
     "application/vnd.oasis.opendocument.text"},
    {"application/vnd.oasis.opendocument.spreadsheet", "an OpenDocument spreadsheet (.ods)", F_ODF,
     "application/vnd.oasis.opendocument.spreadsheet"},
    {"application/vnd.oasis.opendocument.presentation", "an OpenDocument presentation (.odp)",
     F_ODF, "application/vnd.oasis.opendocument.presentation"},
    {"application/zip", "an Office Open XML or OpenDocument file", F_NONE, NULL},
};

static int open_archive(zip *z, const uint8_t *data, size_t len)
{
	z->a = archive_read_new();
	if (!z->a)
		return cu_error_set(CU_ENOMEM, "out of memory (libarchive)");
	archive_read_support_format_zip(z->a);
	if (archive_read_open_memory(z->a, data, len) != ARCHIVE_OK) {
		int r = cu_error_set(CU_EINVALID, "corrupt zip archive: %s",
		                     archive_error_string(z->a));
		archive_read_free(z->a);
		z->a = NULL;
		return r;
	}
	return 0;
}

static void close_archive(zip *z)
{
	if (z->a)
		archive_read_free(z->a);
	z->a = NULL;
}

/* The number in "ppt/slides/slide12.xml" after prefix, or 0 if the name does not match. */
static unsigned long numbered(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);
	if (strncmp(name, prefix, n) != 0)
		return 0;
	char *end;
	unsigned long v = strtoul(name + n, &end, 10);
	if (end == name + n || strcmp(end, ".xml") != 0 || v == 0 || v > 1000000)
		return 0;
	return v;
}

/* Whether an entry holds text for the format, and its place in the document. */
static bool wanted(enum fmt f, const char *name, unsigned long *order)
{
	switch (f) {
	case F_DOCX:
		if (strcmp(name, "word/document.xml") == 0)
			return (*order = 1);
		if (strcmp(name, "word/footnotes.xml") == 0)
			return (*order = 2);
		if (strcmp(name, "word/endnotes.xml") == 0)
			return (*order = 3);
		if (strcmp(name, "word/comments.xml") == 0)
			return (*order = 4);
		return false;
	case F_XLSX:
		return (*order = numbered(name, "xl/worksheets/sheet")) != 0;
	case F_PPTX:
		return (*order = numbered(name, "ppt/slides/slide")) != 0;
	case F_ODF:
		return strcmp(name, "content.xml") == 0 && (*order = 1);
	default:
		return false;
	}
}

static int cmp_parts(const void *a, const void *b)
{
	const part *p = a, *q = b;
	return p->order < q->order ? -1 : p->order > q->order;
}

/*
 * Pass 1: counts the entries (refusing more than max_entries before reading
 * any), settles the format from the claim and the entries present, and
 * lists the parts to read.
 */
static int survey(zip *z, const uint8_t *data, size_t len, int claim)
{
	xctx *x = z->x;
	struct archive_entry *e;
	bool docx = false, xlsx = false, pptx = false, odf = false, encrypted = false;
	char mimetype[96] = "";
	uint32_t count = 0;
	int r, ar;

	if ((r = open_archive(z, data, len)) != 0)
		return r;
	while ((ar = archive_read_next_header(z->a, &e)) == ARCHIVE_OK || ar == ARCHIVE_WARN) {
		if (++count > x->lim.max_entries) {
			r = cu_error_set(CU_ETOOBIG, "the archive has more than %u entries",
			                 x->lim.max_entries);
			goto out;
		}
		const char *name = archive_entry_pathname(e);
		if (!name)
			continue;
		if (archive_entry_is_encrypted(e))
			encrypted = true;
		docx |= strcmp(name, "word/document.xml") == 0;
		xlsx |= strcmp(name, "xl/workbook.xml") == 0;
		pptx |= strcmp(name, "ppt/presentation.xml") == 0;
		odf |= strcmp(name, "content.xml") == 0;
		if (strcmp(name, "mimetype") == 0) {
			la_ssize_t n = archive_read_data(z->a, mimetype, sizeof mimetype - 1);
			mimetype[n > 0 ? n : 0] = '\0';
			mimetype[strcspn(mimetype, "\r\n")] = '\0';
		}
	}
	if (ar != ARCHIVE_EOF) {
		r = cu_error_set(CU_EINVALID, "corrupt zip archive: %s",
		                 archive_error_string(z->a));
		goto out;
	}
	if (encrypted) {
		r = cu_error_set(CU_EINVALID, "the document is encrypted");
		goto out;
	}

	enum fmt found = docx ? F_DOCX : xlsx ? F_XLSX : pptx ? F_PPTX : odf ? F_ODF : F_NONE;
	if (claims[claim].fmt != F_NONE && claims[claim].fmt != found)
		found = F_NONE;
	if (found == F_ODF && claims[claim].odf && mimetype[0] &&
	    strcmp(mimetype, claims[claim].odf) != 0)
		found = F_NONE;
	if (found == F_NONE) {
		r = cu_error_set(CU_EINVALID, "not %s (the archive lacks its parts)",
		                 claims[claim].name);
		goto out;
	}
	z->fmt = found;

	/* List the parts: a second walk over the headers, which the count has bounded. */
	close_archive(z);
	if ((r = open_archive(z, data, len)) != 0)
		return r;
	if (!(z->parts = calloc(count ? count : 1, sizeof *z->parts))) {
		r = cu_error_set(CU_ENOMEM, "out of memory");
		goto out;
	}
	while ((ar = archive_read_next_header(z->a, &e)) == ARCHIVE_OK || ar == ARCHIVE_WARN) {
		const char *name = archive_entry_pathname(e);
		unsigned long order;
		if (!name || !wanted(z->fmt, name, &order) || z->nparts >= count)
			continue;
		part *p = &z->parts[z->nparts];
		if (!(p->name = strdup(name))) {
			r = cu_error_set(CU_ENOMEM, "out of memory");
			goto out;
		}
		p->order = order;
		z->nparts++;
	}
	qsort(z->parts, z->nparts, sizeof *z->parts, cmp_parts);
out:
	close_archive(z);
	return r;
}

/* ---- the XML of one part ---- */

static int zread(void *ctx, char *buf, int len)
{
	zip *z = ctx;
	if (z->over || z->ioerr)
		return -1;
	la_ssize_t n = archive_read_data(z->a, buf, (size_t)len);
	if (n < 0) {
		z->ioerr = true;
		return -1;
	}
	z->expanded += (uint64_t)n;
	if (z->expanded > z->x->lim.max_expanded) {
		z->over = true;
		return -1;
	}
	return (int)n;
}

static void sst_add(zip *z)
{
	if (z->sst_cut)
		return;
	if (z->nsst == MAX_SHARED_STRINGS) {
		z->sst_cut = true;
		return;
	}
	if (z->nsst + 2 > z->sst_cap) {
		size_t cap = z->sst_cap * 2;
		size_t *o = realloc(z->sst_off, cap * sizeof *o);
		if (!o) {
			z->sst_cut = true;
			return;
		}
		z->sst_off = o;
		z->sst_cap = cap;
	}
	if (cu_buf_append(&z->sst, "", 1) != 0) { /* the NUL ending the string */
		z->sst_cut = true;
		return;
	}
	/* cu_buf keeps a NUL after its data; the appended one ends this string. */
	z->nsst++;
	z->sst_off[z->nsst] = z->sst.len;
}

/* Emits cell or paragraph content, starting a cell with a tab when its row has content. */
static int out_text(pstate *p, const char *s, size_t n)
{
	xctx *x = p->z->x;
	int r;
	if (n == 0)
		return 0;
	if (p->sst) {
		if (!p->z->sst_cut && cu_buf_append(&p->z->sst, s, n) != 0)
			p->z->sst_cut = true;
		return 0;
	}
	if (p->in_cell && !p->cell_has) {
		if (p->row_has && (r = x_emit(x, "\t", 1)) != 0)
			return r;
		p->cell_has = p->row_has = true;
	}
	return x_emit(x, s, n);
}

static int odf_text(pstate *p, const char *s)
{
	/* ODF collapses white space inside paragraphs; text:s and text:tab carry the rest. */
	int r = 0;
	while (*s && !r) {
		size_t ws = strspn(s, " \t\r\n");
		if (ws) {
			p->space = true;
			s += ws;
			continue;
		}
		size_t n = strcspn(s, " \t\r\n");
		if (p->space) {
			const cu_buf *b = &p->z->x->r->text;
			if (b->len && b->data[b->len - 1] != '\n' && b->data[b->len - 1] != '\t')
				r = out_text(p, " ", 1);
			p->space = false;
		}
		if (!r)
			r = out_text(p, s, n);
		s += n;
	}
	return r;
}

static int on_start(pstate *p, xmlTextReaderPtr rd, const char *n)
{
	xctx *x = p->z->x;
	enum fmt f = p->z->fmt;
	if (f == F_ODF) {
		if (strcmp(n, "body") == 0)
			p->in_body++;
		else if (strcmp(n, "tracked-changes") == 0)
			p->skip++;
		if (!p->in_body || p->skip)
			return 0;
		if (strcmp(n, "s") == 0) {
			xmlChar *c = xmlTextReaderGetAttribute(rd, BAD_CAST "text:c");
			long k = c ? strtol((const char *)c, NULL, 10) : 1;
			xmlFree(c);
			p->space = false;
			for (long i = 0; i < (k < 1 ? 1 : k > 64 ? 64 : k); i++)
				if (out_text(p, " ", 1) != 0)
					return CU_ENOMEM;
		} else if (strcmp(n, "tab") == 0) {
			p->space = false;
			return out_text(p, "\t", 1);
		} else if (strcmp(n, "line-break") == 0) {
			p->space = false;
			return x_emit(x, "\n", 1);
		} else if (strcmp(n, "table-cell") == 0 || strcmp(n, "covered-table-cell") == 0) {
			p->in_cell++;
			p->cell_has = false;
		} else if (strcmp(n, "p") == 0 || strcmp(n, "h") == 0) {
			p->space = false;
			if (p->in_cell && p->cell_has)
				return x_emit(x, " ", 1);
		}
		return 0;
	}
	if (p->sst) {
		if (strcmp(n, "rPh") == 0)
			p->in_rph++;
		else if (strcmp(n, "t") == 0)
			p->in_t++;
		return 0;
	}
	if (strcmp(n, "t") == 0) {
		p->in_t++;
	} else if (strcmp(n, "r") == 0 && f == F_DOCX) {
		p->in_r++;
	} else if (strcmp(n, "tab") == 0 && f == F_DOCX && p->in_r) {
		return x_emit(x, "\t", 1);
	} else if ((strcmp(n, "br") == 0 || strcmp(n, "cr") == 0) && f != F_XLSX &&
	           (p->in_r || f == F_PPTX)) {
		return x_emit(x, "\n", 1);
	} else if (f == F_XLSX && strcmp(n, "c") == 0) {
		xmlChar *t = xmlTextReaderGetAttribute(rd, BAD_CAST "t");
		snprintf(p->ctype, sizeof p->ctype, "%s", t ? (const char *)t : "n");
		xmlFree(t);
		p->in_cell++;
		p->cell_has = false;
	} else if (f == F_XLSX && strcmp(n, "v") == 0) {
		p->in_v++;
		p->vlen = 0;
	} else if (f == F_XLSX && strcmp(n, "rPh") == 0) {
		p->in_rph++;
	}
	return 0;
}

static int on_end(pstate *p, const char *n)
{
	xctx *x = p->z->x;
	enum fmt f = p->z->fmt;
	if (f == F_ODF) {
		if (strcmp(n, "body") == 0 && p->in_body)
			p->in_body--;
		else if (strcmp(n, "tracked-changes") == 0 && p->skip)
			p->skip--;
		if (!p->in_body || p->skip)
			return 0;
		if ((strcmp(n, "table-cell") == 0 || strcmp(n, "covered-table-cell") == 0) &&
		    p->in_cell)
			p->in_cell--;
		else if (strcmp(n, "table-row") == 0) {
			p->row_has = false;
			return x_newline(x);
		} else if ((strcmp(n, "p") == 0 || strcmp(n, "h") == 0) && !p->in_cell) {
			p->space = false;
			return x_newline(x);
		}
		return 0;
	}
	if (p->sst) {
		if (strcmp(n, "rPh") == 0 && p->in_rph)
			p->in_rph--;
		else if (strcmp(n, "t") == 0 && p->in_t)
			p->in_t--;
		else if (strcmp(n, "si") == 0)
			sst_add(p->z);
		return 0;
	}
	if (strcmp(n, "t") == 0 && p->in_t) {
		p->in_t--;
	} else if (strcmp(n, "r") == 0 && f == F_DOCX && p->in_r) {
		p->in_r--;
	} else if (strcmp(n, "p") == 0 && f != F_XLSX) {
		return x_newline(x);
	} else if (f == F_XLSX && strcmp(n, "rPh") == 0 && p->in_rph) {
		p->in_rph--;
	} else if (f == F_XLSX && strcmp(n, "v") == 0 && p->in_v) {
		p->in_v--;
		if (strcmp(p->ctype, "s") == 0) {
			p->vbuf[p->vlen] = '\0';
			char *end;
			unsigned long i = strtoul(p->vbuf, &end, 10);
			if (end != p->vbuf && i < p->z->nsst) {
				const char *s = p->z->sst.data + p->z->sst_off[i];
				return out_text(p, s, strlen(s));
			}
		}
	} else if (f == F_XLSX && strcmp(n, "c") == 0 && p->in_cell) {
		p->in_cell--;
	} else if (f == F_XLSX && strcmp(n, "row") == 0) {
		p->row_has = false;
		return x_newline(x);
	}
	return 0;
}

static int on_text(pstate *p, const char *s)
{
	enum fmt f = p->z->fmt;
	if (!s)
		return 0;
	if (f == F_ODF)
		return p->in_body && !p->skip ? odf_text(p, s) : 0;
	if (p->in_rph)
		return 0;
	if (f == F_XLSX && p->in_v && !p->sst) {
		if (strcmp(p->ctype, "s") == 0) {
			size_t n = strlen(s);
			if (n > sizeof p->vbuf - 1 - p->vlen)
				n = sizeof p->vbuf - 1 - p->vlen;
			memcpy(p->vbuf + p->vlen, s, n);
			p->vlen += n;
			return 0;
		}
		return out_text(p, s, strlen(s));
	}
	if (p->in_t)
		return out_text(p, s, strlen(s));
	return 0;
}

/* Parses the archive's current entry as XML; a malformed part is a warning. */
static int parse_part(zip *z, const char *name, bool sst)
{
	xctx *x = z->x;
	pstate p = {.z = z, .sst = sst};
	int r = 0, ret;
	xmlTextReaderPtr rd = xmlReaderForIO(
	    zread, NULL, z, name, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!rd)
		return cu_error_set(CU_ENOMEM, "out of memory (XML reader)");
	while ((ret = xmlTextReaderRead(rd)) == 1 && !r && !x->full) {
		int type = xmlTextReaderNodeType(rd);
		const char *ln = (const char *)xmlTextReaderConstLocalName(rd);
		switch (type) {
		case XML_READER_TYPE_ELEMENT:
			r = on_start(&p, rd, ln ? ln : "");
			if (!r && xmlTextReaderIsEmptyElement(rd))
				r = on_end(&p, ln ? ln : "");
			break;
		case XML_READER_TYPE_END_ELEMENT:
			r = on_end(&p, ln ? ln : "");
			break;
		case XML_READER_TYPE_TEXT:
		case XML_READER_TYPE_CDATA:
		case XML_READER_TYPE_WHITESPACE:
		case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
			r = on_text(&p, (const char *)xmlTextReaderConstValue(rd));
			break;
		case XML_READER_TYPE_DOCUMENT_TYPE:
			/* Office parts have no DTD; one here is an entity expansion waiting. */
			ret = -1;
			goto done;
		default:
			break;
		}
	}
done:
	xmlFreeTextReader(rd);
	if (r)
		return r;
	if (z->over)
		x_warn(x, true, "expanded content past the limit of %llu bytes",
		       (unsigned long long)x->lim.max_expanded);
	else if (ret < 0 && !x->full)
		x_warn(x, false, "%s is malformed%s", name, z->ioerr ? " (damaged archive)" : "");
	return 0;
}

/*
 * Reads the entries named in want (by part index) from one walk of the
 * archive; fn parses each.
 */
static int read_parts(zip *z, const uint8_t *data, size_t len)
{
	xctx *x = z->x;
	struct archive_entry *e;
	int r, ar;
	cu_buf saved = x->r->text;
	size_t used = 0;

	if ((r = open_archive(z, data, len)) != 0)
		return r;
	while (!x->full && !z->over &&
	       ((ar = archive_read_next_header(z->a, &e)) == ARCHIVE_OK || ar == ARCHIVE_WARN)) {
		const char *name = archive_entry_pathname(e);
		part *p = NULL;
		for (size_t i = 0; name && i < z->nparts && !p; i++)
			if (!z->parts[i].read && strcmp(z->parts[i].name, name) == 0)
				p = &z->parts[i];
		if (!p)
			continue;
		p->read = true;
		/* An honest bomb says what it expands to: refused before inflating. */
		if (archive_entry_size_is_set(e) && archive_entry_size(e) >= 0 &&
		    (uint64_t)archive_entry_size(e) > x->lim.max_expanded - z->expanded) {
			z->over = true;
			x_warn(x, true, "%s expands to %lld bytes, past the limit of %llu bytes",
			       p->name, (long long)archive_entry_size(e),
			       (unsigned long long)x->lim.max_expanded);
			break;
		}
		/* The part's own buffer, capped to what the text limit has left. */
		cu_buf_init(&p->text, saved.max - used ? saved.max - used : 1);
		x->r->text = p->text;
		z->ioerr = false;
		r = parse_part(z, p->name, false);
		p->text = x->r->text;
		x->r->text = saved;
		used += p->text.len;
		if (r)
			break;
	}
	close_archive(z);
	if (r)
		return r;
	/* Join in document order: sheets and slides as pages. */
	for (size_t i = 0; i < z->nparts && !r; i++) {
		if (!z->parts[i].read)
			continue;
		if (i > 0 && (z->fmt == F_XLSX || z->fmt == F_PPTX))
			r = cu_buf_append(&x->r->text, "\f", 1) == CU_ENOMEM ? CU_ENOMEM : 0;
		else if (i > 0)
			r = x_newline(x);
		if (!r && z->parts[i].text.len)
			r = cu_buf_append(&x->r->text, z->parts[i].text.data,
			                  z->parts[i].text.len) == CU_ENOMEM
			        ? CU_ENOMEM
			        : 0;
	}
	return r;
}

static int read_shared_strings(zip *z, const uint8_t *data, size_t len)
{
	struct archive_entry *e;
	int r, ar;
	cu_buf_init(&z->sst, z->x->lim.max_text);
	if ((r = open_archive(z, data, len)) != 0)
		return r;
	if (!(z->sst_off = malloc(1024 * sizeof *z->sst_off))) {
		close_archive(z);
		return cu_error_set(CU_ENOMEM, "out of memory");
	}
	z->sst_cap = 1024;
	z->sst_off[0] = 0;
	while ((ar = archive_read_next_header(z->a, &e)) == ARCHIVE_OK || ar == ARCHIVE_WARN) {
		const char *name = archive_entry_pathname(e);
		if (name && strcmp(name, "xl/sharedStrings.xml") == 0) {
			r = parse_part(z, name, true);
			break;
		}
	}
	close_archive(z);
	if (z->sst_cut)
		x_warn(z->x, true, "shared strings cut at the text limit");
	return r;
}

int x_office(xctx *x, const uint8_t *data, size_t len, const char *media_type)
{
	zip z = {.x = x};
	int claim = (int)(sizeof claims / sizeof claims[0]) - 1, r;
	for (int i = 0; i < (int)(sizeof claims / sizeof claims[0]); i++)
		if (strncasecmp(media_type, claims[i].type, strlen(claims[i].type)) == 0)
			claim = i;

	if (len >= 8 && memcmp(data, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) == 0)
		return cu_error_set(
		    CU_EINVALID,
		    "not %s: an OLE compound file (encrypted, or the old binary format)",
		    claims[claim].name);
	if (len < 4 || (memcmp(data, "PK\x03\x04", 4) != 0 && memcmp(data, "PK\x05\x06", 4) != 0))
		return cu_error_set(CU_EINVALID, "not %s (not a zip archive)", claims[claim].name);

	if ((r = survey(&z, data, len, claim)) != 0)
		goto out;
	x_tool(x, z.fmt == F_ODF ? "odf" : "ooxml", "libxml2", LIBXML_DOTTED_VERSION);
	if (z.fmt == F_XLSX && (r = read_shared_strings(&z, data, len)) != 0)
		goto out;
	if (!z.over)
		r = read_parts(&z, data, len);
	if (!r && z.nparts == 0)
		x_warn(x, false, "no text parts in the document");
out:
	for (size_t i = 0; i < z.nparts; i++) {
		free(z.parts[i].name);
		cu_buf_free(&z.parts[i].text);
	}
	free(z.parts);
	free(z.sst_off);
	cu_buf_free(&z.sst);
	return r;
}
