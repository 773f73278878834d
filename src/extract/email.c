/* SPDX-License-Identifier: Apache-2.0 */
/*
 * extract: e-mail (RFC 5322 with MIME) through GMime. The text is the main
 * headers and the readable bodies — text/plain, or text/html turned into
 * text when a part has no plain alternative. Attachments (and attached
 * messages) come back as children, decoded, at most max_children of them;
 * the rest are counted in the warning.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "extract/internal.h"

#define MAX_DEPTH 32

typedef struct mstate {
	xctx *x;
	size_t cap;     /* children allocated */
	size_t dropped; /* attachments past max_children */
	int err;
} mstate;

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* Adds a child from an object written (parts: decoded) to a memory stream. */
static int add_child(mstate *m, GMimeObject *obj, const char *name)
{
	cu_extract_result *r = m->x->r;
	if (r->nchildren >= m->x->lim.max_children) {
		m->dropped++;
		return 0;
	}
	if (r->nchildren == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 8;
		if (cap > m->x->lim.max_children)
			cap = m->x->lim.max_children;
		cu_extract_child *c = realloc(r->children, cap * sizeof *c);
		if (!c)
			return cu_error_set(CU_ENOMEM, "out of memory");
		r->children = c;
		m->cap = cap;
	}
	GMimeStream *mem = g_mime_stream_mem_new();
	if (GMIME_IS_PART(obj)) {
		GMimeDataWrapper *w = g_mime_part_get_content(GMIME_PART(obj));
		if (w)
			g_mime_data_wrapper_write_to_stream(w, mem);
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *msg = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		if (msg)
			g_mime_object_write_to_stream(GMIME_OBJECT(msg), NULL, mem);
	} else {
		g_mime_object_write_to_stream(obj, NULL, mem);
	}
	GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	cu_extract_child *c = &r->children[r->nchildren];
	memset(c, 0, sizeof *c);
	c->len = ba ? ba->len : 0;
	c->data = malloc(c->len ? c->len : 1);
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	char *type = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
	c->media_type = strdup(type ? type : "application/octet-stream");
	g_free(type);
	c->name = dup_or_null(name);
	int rc = 0;
	if (!c->data || !c->media_type || (name && !c->name)) {
		free(c->data);
		free(c->media_type);
		free(c->name);
		rc = cu_error_set(CU_ENOMEM, "out of memory");
	} else {
		if (c->len)
			memcpy(c->data, ba->data, c->len);
		r->nchildren++;
	}
	g_object_unref(mem);
	return rc;
}

static int body_text(mstate *m, GMimeObject *obj)
{
	xctx *x = m->x;
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	char *text = g_mime_text_part_get_text(GMIME_TEXT_PART(obj));
	int r = 0;
	if (!text)
		return 0;
	if ((r = x_newline(x)) == 0) {
		if (g_mime_content_type_is_type(ct, "text", "html"))
			r = x_html_body(x, (const uint8_t *)text, strlen(text), "UTF-8");
		else
			r = x_emits(x, text);
	}
	g_free(text);
	return r;
}

static bool is_attachment(GMimeObject *obj)
{
	const char *disp = g_mime_object_get_disposition(obj);
	return disp && g_ascii_strcasecmp(disp, "attachment") == 0;
}

static void walk(mstate *m, GMimeObject *obj, int depth);

/* multipart/alternative: the plain text if there is one, else the HTML. */
static void alternative(mstate *m, GMimeMultipart *mp, int depth)
{
	int n = g_mime_multipart_get_count(mp);
	GMimeObject *best = NULL;
	for (int i = 0; i < n; i++) {
		GMimeObject *p = g_mime_multipart_get_part(mp, i);
		GMimeContentType *ct = g_mime_object_get_content_type(p);
		/* Plain text wins over whatever came before it; HTML or a nested multipart
		 * only stands in while there is nothing yet. */
		if (g_mime_content_type_is_type(ct, "text", "plain") ||
		    (!best &&
		     (g_mime_content_type_is_type(ct, "text", "html") || GMIME_IS_MULTIPART(p))))
			best = p;
	}
	if (best)
		walk(m, best, depth + 1);
}

static void walk(mstate *m, GMimeObject *obj, int depth)
{
	if (m->err || m->x->full)
		return;
	if (depth > MAX_DEPTH) {
		x_warn(m->x, true, "MIME parts nested deeper than %d not read", MAX_DEPTH);
		return;
	}
	if (GMIME_IS_MESSAGE_PART(obj)) {
		m->err = add_child(m, obj, NULL);
		return;
	}
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		GMimeContentType *ct = g_mime_object_get_content_type(obj);
		if (g_mime_content_type_is_type(ct, "multipart", "alternative")) {
			alternative(m, mp, depth);
			return;
		}
		int n = g_mime_multipart_get_count(mp);
		for (int i = 0; i < n && !m->err; i++)
			walk(m, g_mime_multipart_get_part(mp, i), depth + 1);
		return;
	}
	if (!GMIME_IS_PART(obj))
		return;
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	bool text = GMIME_IS_TEXT_PART(obj) && (g_mime_content_type_is_type(ct, "text", "plain") ||
	                                        g_mime_content_type_is_type(ct, "text", "html"));
	if (text && !is_attachment(obj))
		m->err = body_text(m, obj);
	else
		m->err = add_child(m, obj, g_mime_part_get_filename(GMIME_PART(obj)));
}

static int header_line(xctx *x, const char *name, const char *value)
{
	int r;
	if (!value || !*value)
		return 0;
	if ((r = x_emits(x, name)) != 0 || (r = x_emit(x, ": ", 2)) != 0 ||
	    (r = x_emits(x, value)) != 0)
		return r;
	return x_emit(x, "\n", 1);
}

static int address_line(xctx *x, const char *name, InternetAddressList *list)
{
	if (!list || internet_address_list_length(list) == 0)
		return 0;
	char *s = internet_address_list_to_string(list, NULL, FALSE);
	int r = header_line(x, name, s);
	g_free(s);
	return r;
}

/* Whether the content starts as a message does: a header field or an mbox "From " line. */
static bool looks_like_mail(const uint8_t *d, size_t len)
{
	size_t i = 0;
	while (i < len && (d[i] == '\r' || d[i] == '\n'))
		i++;
	if (len - i >= 5 && memcmp(d + i, "From ", 5) == 0)
		return true;
	size_t start = i;
	for (; i < len && i - start < 200; i++) {
		if (d[i] == ':')
			return i > start;
		if (d[i] <= ' ' || d[i] >= 0x7f)
			return false;
	}
	return false;
}

int x_email(xctx *x, const uint8_t *data, size_t len)
{
	char v[32];
	snprintf(v, sizeof v, "%u.%u.%u", gmime_major_version, gmime_minor_version,
	         gmime_micro_version);
	x_tool(x, "email", "gmime", v);
	if (!looks_like_mail(data, len))
		return cu_error_set(CU_EINVALID, "not an e-mail message");
	/* A leading mbox separator is not part of the message. */
	if (len >= 5 && memcmp(data, "From ", 5) == 0) {
		const uint8_t *nl = memchr(data, '\n', len);
		size_t skip = nl ? (size_t)(nl - data) + 1 : len;
		data += skip;
		len -= skip;
	}

	GMimeStream *stream = g_mime_stream_mem_new_with_buffer((const char *)data, len);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	g_object_unref(stream);
	GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	if (!msg)
		return cu_error_set(CU_EINVALID, "not an e-mail message (unparsable)");

	int r;
	mstate m = {.x = x};
	GMimeObject *top = GMIME_OBJECT(msg);
	if ((r = address_line(x, "From", g_mime_message_get_from(msg))) != 0 ||
	    (r = address_line(x, "To", g_mime_message_get_to(msg))) != 0 ||
	    (r = address_line(x, "Cc", g_mime_message_get_cc(msg))) != 0 ||
	    (r = header_line(x, "Date", g_mime_object_get_header(top, "Date"))) != 0 ||
	    (r = header_line(x, "Subject", g_mime_message_get_subject(msg))) != 0)
		goto out;
	GMimeObject *body = g_mime_message_get_mime_part(msg);
	if (body) {
		if ((r = x_emit(x, "\n", 1)) != 0)
			goto out;
		walk(&m, body, 0);
		r = m.err;
	}
	if (!r)
		r = x_newline(x);
	if (m.dropped)
		x_warn(x, true, "%zu attachment(s) past the limit of %u not returned", m.dropped,
		       x->lim.max_children);
out:
	g_object_unref(msg);
	return r;
}
