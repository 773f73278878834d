/* SPDX-License-Identifier: Apache-2.0 */
/*
 * util: structured log lines on stderr. A line is built whole in memory and
 * handed to the kernel in one write(2): lines from the server's threads
 * never interleave, and no lock is taken (stdio's would serialise them).
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"

/* Atomic: threads started before the server (text extraction) may log too. */
static atomic_int format = CU_LOG_JSON;

void cu_log_set_format(cu_log_format f)
{
	atomic_store_explicit(&format, (int)f, memory_order_relaxed);
}

int cu_log_format_parse(cu_log_format *out, const char *s)
{
	if (s && !strcmp(s, "json"))
		*out = CU_LOG_JSON;
	else if (s && !strcmp(s, "text"))
		*out = CU_LOG_TEXT;
	else
		return cu_error_set(CU_EINVALID, "the log format must be json or text");
	return 0;
}

static void write_all(const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(STDERR_FILENO, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* nowhere to report it */
		p += w;
		n -= (size_t)w;
	}
}

/* A string bare when it is one printable ASCII word, else as a JSON string. */
static bool bare(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s <= ' ' || *s > '~' || *s == '"' || *s == '=')
			return false;
	return true;
}

/* TIME LEVEL msg key=value ...: values escaped by jansson, never by hand. */
static int render_text(cu_buf *b, const json_t *line)
{
	const char *key;
	json_t *v;
	int r = 0;
	char lvl[8];
	const char *level = json_string_value(json_object_get(line, "level"));
	size_t i;
	for (i = 0; level && level[i] && i < sizeof(lvl) - 1; i++)
		lvl[i] = (char)(level[i] >= 'a' && level[i] <= 'z' ? level[i] - 32 : level[i]);
	lvl[i] = '\0';
	r |= cu_buf_printf(b, "%s %-5s %s", json_string_value(json_object_get(line, "time")), lvl,
	                   json_string_value(json_object_get(line, "msg")));
	json_object_foreach((json_t *)line, key, v) {
		if (!strcmp(key, "time") || !strcmp(key, "level") || !strcmp(key, "msg"))
			continue;
		r |= cu_buf_printf(b, " %s=", key);
		if (json_is_string(v) && bare(json_string_value(v))) {
			r |= cu_buf_puts(b, json_string_value(v));
		} else {
			char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(6));
			r |= t ? cu_buf_puts(b, t) : CU_ENOMEM;
			free(t);
		}
	}
	return r;
}

void cu_log(const char *level, const char *msg, json_t *fields)
{
	char ts[CU_TS_LEN];
	cu_time_now(ts);
	json_t *line = json_object();
	if (!line) {
		json_decref(fields);
		return;
	}
	json_object_set_new(line, "time", json_string(ts));
	json_object_set_new(line, "level", json_string(level));
	/* A message that is not UTF-8 still leaves a line. */
	json_t *m = json_string(msg);
	json_object_set_new(line, "msg", m ? m : json_string("(message not UTF-8)"));
	if (json_is_object(fields))
		json_object_update(line, fields);
	json_decref(fields);

	cu_buf b;
	cu_buf_init(&b, 0);
	int r;
	if (atomic_load_explicit(&format, memory_order_relaxed) == CU_LOG_TEXT) {
		r = render_text(&b, line);
	} else {
		char *t = json_dumps(line, JSON_COMPACT | JSON_REAL_PRECISION(6));
		r = t ? cu_buf_puts(&b, t) : CU_ENOMEM;
		free(t);
	}
	if (r == 0 && cu_buf_puts(&b, "\n") == 0)
		write_all(b.data, b.len);
	cu_buf_free(&b);
	json_decref(line);
}
