/* SPDX-License-Identifier: Apache-2.0 */
/* api tests: a minimal Server-Sent Events reader over a raw HTTP/1.1 connection. */
#ifndef CU_TEST_SSE_H
#define CU_TEST_SSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

typedef struct api_sse {
	int fd;
	long status;              /* 0 until the headers came */
	char content_type[128];
	bool chunked, ended;      /* ended: the server closed or ended the response */
	char *raw, *text;         /* bytes received; the body (de-chunked) */
	size_t raw_len, raw_cap, raw_used, text_len, text_cap, text_used;
	json_t *events;           /* [{id, event, data (parsed JSON or string)}] in order */
	size_t comments;          /* comment lines (heartbeats) seen */
} api_sse;

/* Opens path with a bearer token and, if set, Last-Event-ID. 0 or -1. */
int api_sse_open(api_sse *s, const char *path, const char *token, const char *last_event_id);
/* Reads until `want` events in all, the end, or timeout_ms; returns the events so far. */
size_t api_sse_wait(api_sse *s, size_t want, int timeout_ms);
void api_sse_close(api_sse *s);
/* The id of event i (0 if none). */
int64_t api_sse_id(const api_sse *s, size_t i);

#endif
