/* SPDX-License-Identifier: Apache-2.0 */
/*
 * extract: the text inside evidence files — plain text, HTML, PDF text
 * layers, Office Open XML and OpenDocument, e-mail, and OCR of images and of
 * PDF pages without text — and the language it is written in. The only code
 * that includes poppler, Tesseract, Leptonica, libxml2, GMime or CLD2.
 *
 * Content comes in as bytes already decrypted by the vault; nothing here
 * touches the store or the disk. Every format is bounded by limits: a file
 * past one ends as a partial result (and says so) or a clear error, never an
 * exhausted process. Functions are thread-safe (each call has its own
 * engines; Tesseract instances are cached per thread, freed by
 * cu_extract_thread_done).
 */
#ifndef CU_EXTRACT_H
#define CU_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

typedef struct cu_extract_limits {
	uint64_t max_text;      /* bytes of text produced (0: 64 MiB) */
	uint64_t max_expanded;  /* OOXML/ODF: bytes expanded from the archive (0: 256 MiB) */
	uint32_t max_entries;   /* OOXML/ODF: archive entries (0: 10,000) */
	uint32_t max_pages;     /* PDF pages read (0: 10,000) */
	uint32_t max_ocr_pages; /* PDF pages without text sent to OCR (0: 1,000) */
	uint64_t max_pixels;    /* an image's width x height (0: 100 million) */
	uint32_t max_children;  /* e-mail attachments returned (0: 1,000) */
	const char *ocr_langs;  /* Tesseract languages (NULL: eng+fra+deu+ara+rus+ukr+srp+srp_latn) */
	bool no_ocr;            /* skip OCR (text layers only) */
	uint32_t ocr_threads;   /* OpenMP threads of this thread's OCR from now on (0: as before) */
} cu_extract_limits;

/* An e-mail attachment, to become a child evidence item. */
typedef struct cu_extract_child {
	char *name;             /* file name as the message gives it (may be NULL) */
	char *media_type;       /* as the message declares it */
	uint8_t *data;
	size_t len;
} cu_extract_child;

typedef struct cu_extract_result {
	cu_buf text;            /* UTF-8; pages separated by form feeds */
	char method[16];        /* "text", "html", "pdf", "pdf+ocr", "ooxml", "odf", "email", "ocr" */
	char tool[32];          /* the engine: "poppler", "tesseract", "libxml2", "gmime", ... */
	char tool_version[32];  /* its version at run time */
	char language[8];       /* ISO 639-1 (or -3) code, "" if undetermined */
	int pages, ocr_pages;   /* PDF and image pages seen, and of those OCR'd */
	bool partial;           /* a limit cut the result short: see warning */
	char warning[256];
	cu_extract_child *children;
	size_t nchildren;
} cu_extract_result;

/* Whether a media type (as libmagic names it) has an extractor. */
bool cu_extract_supported(const char *media_type);

/*
 * Extracts the text of content of the given media type. The content is
 * checked against the type (a "PDF" that is not one is CU_EINVALID: "not a
 * PDF file"). Errors: CU_EINVALID (corrupt, encrypted, not what it claims),
 * CU_ETOOBIG (a limit reached before any text), CU_ENOMEM; each with a
 * message. *out is initialised in every case; free it with
 * cu_extract_result_free.
 */
int cu_extract(cu_extract_result *out, const char *media_type, const void *data, size_t len,
               const cu_extract_limits *lim);
void cu_extract_result_free(cu_extract_result *r);

/* The language of a text (CLD2): ISO 639-1 code, or "" when unsure. */
void cu_extract_language(char out[8], const char *text, size_t len);

/* The versions of the engines, for the chain of custody: "poppler 22.12.0, ...". */
const char *cu_extract_versions(void);

void cu_extract_thread_done(void);

#endif
