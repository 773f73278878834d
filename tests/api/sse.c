/* SPDX-License-Identifier: Apache-2.0 */
/* api tests: a minimal Server-Sent Events reader (sse.h). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "harness.h"
#include "sse.h"

static void append(char **buf, size_t *len, size_t *cap, const char *p, size_t n)
{
	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		*buf = realloc(*buf, *cap);
		if (!*buf)
			abort();
	}
	memcpy(*buf + *len, p, n);
	*len += n;
	(*buf)[*len] = '\0';
}

int api_sse_open(api_sse *s, const char *path, const char *token, const char *last_event_id)
{
	char req[1024];
	memset(s, 0, sizeof(*s));
	s->events = json_array();
	if ((s->fd = api_raw_connect()) < 0)
		return -1;
	int n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: test\r\n"
	                 "Accept: text/event-stream\r\nAuthorization: Bearer %s\r\n%s%s%s\r\n",
	                 path, token, last_event_id ? "Last-Event-ID: " : "",
	                 last_event_id ? last_event_id : "", last_event_id ? "\r\n" : "");
	return write(s->fd, req, (size_t)n) == n ? 0 : -1;
}

/* Headers: status and content type; then the body, de-chunked, into text. */
static void decode(api_sse *s)
{
	if (!s->status) {
		char *end = strstr(s->raw, "\r\n\r\n");
		if (!end)
			return;
		s->status = strtol(s->raw + 9, NULL, 10);
		for (char *l = strstr(s->raw, "\r\n"); l && l < end; l = strstr(l + 2, "\r\n")) {
			if (!strncasecmp(l + 2, "content-type:", 13))
				sscanf(l + 15, "%127[^\r]", s->content_type);
			if (!strncasecmp(l + 2, "transfer-encoding: chunked", 26))
				s->chunked = true;
		}
		s->raw_used = (size_t)(end + 4 - s->raw);
	}
	while (s->raw_used < s->raw_len) {
		char *p = s->raw + s->raw_used;
		size_t left = s->raw_len - s->raw_used;
		if (!s->chunked) {
			append(&s->text, &s->text_len, &s->text_cap, p, left);
			s->raw_used += left;
			break;
		}
		char *crlf = NULL;
		for (size_t i = 0; i + 1 < left && !crlf; i++)
			if (p[i] == '\r' && p[i + 1] == '\n')
				crlf = p + i;
		if (!crlf)
			break;
		size_t size = strtoul(p, NULL, 16), head = (size_t)(crlf + 2 - p);
		if (size == 0) {
			s->ended = true;
			s->raw_used = s->raw_len;
			break;
		}
		if (left < head + size + 2)
			break;
		append(&s->text, &s->text_len, &s->text_cap, p + head, size);
		s->raw_used += head + size + 2;
	}
	/* Events: blocks of lines ending with an empty line. */
	for (;;) {
		char *start = s->text + s->text_used;
		char *end = s->text ? strstr(start, "\n\n") : NULL;
		if (!end)
			break;
		*end = '\0';
		json_t *ev = json_object();
		for (char *line = start, *next; line && *line; line = next) {
			next = strchr(line, '\n');
			if (next)
				*next++ = '\0';
			if (line[0] == ':')
				s->comments++;
			else if (!strncmp(line, "id: ", 4))
				json_object_set_new(ev, "id", json_integer(strtoll(line + 4, NULL, 10)));
			else if (!strncmp(line, "event: ", 7))
				json_object_set_new(ev, "event", json_string(line + 7));
			else if (!strncmp(line, "data: ", 6)) {
				json_t *d = json_loads(line + 6, 0, NULL);
				json_object_set_new(ev, "data", d ? d : json_string(line + 6));
			}
		}
		if (json_object_get(ev, "data"))
			json_array_append(s->events, ev);
		json_decref(ev);
		s->text_used = (size_t)(end + 2 - s->text);
	}
}

size_t api_sse_wait(api_sse *s, size_t want, int timeout_ms)
{
	int64_t until = api_now_ms() + timeout_ms;
	char buf[65536];
	while (json_array_size(s->events) < want && !s->ended && (!s->status || s->status == 200)) {
		int64_t left = until - api_now_ms();
		if (left <= 0)
			break;
		struct pollfd pfd = {.fd = s->fd, .events = POLLIN};
		int r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		ssize_t n = read(s->fd, buf, sizeof(buf));
		if (n <= 0) {
			s->ended = true;
			break;
		}
		append(&s->raw, &s->raw_len, &s->raw_cap, buf, (size_t)n);
		decode(s);
	}
	return json_array_size(s->events);
}

int64_t api_sse_id(const api_sse *s, size_t i)
{
	return json_integer_value(json_object_get(json_array_get(s->events, i), "id"));
}

void api_sse_close(api_sse *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	free(s->raw);
	free(s->text);
	json_decref(s->events);
	s->raw = s->text = NULL;
	s->events = NULL;
}
