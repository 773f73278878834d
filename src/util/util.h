/* SPDX-License-Identifier: Apache-2.0 */
/* util: error codes, growable buffers, JSON and validation helpers, time. */
#ifndef CU_UTIL_H
#define CU_UTIL_H

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Error codes. Fallible functions return 0 or one of these. The numbers are
 * part of the interface (logs, scripts): never renumber, never reuse.
 */
enum {
	CU_OK = 0,
	CU_EINVALID = -1,  /* input does not satisfy the model's rules */
	CU_ENOTFOUND = -2, /* no such object, or not visible to the actor */
	CU_EEXISTS = -3,   /* unique key already taken */
	CU_EDENIED = -4,   /* visible, but the actor may not do this */
	CU_ECONFLICT = -5, /* object state forbids it (closed case, expired JIT) */
	CU_EVERIFY = -6,   /* a signature, hash or proof does not hold */
	CU_ETOOBIG = -7,   /* input beyond a configured limit */
	CU_ENOMEM = -8,
	CU_EIO = -9,       /* file system */
	CU_EDB = -10,      /* database engine */
	CU_ECRYPTO = -11,
	CU_EAUTH = -12,    /* not authenticated: no, bad or expired credentials */
	CU_ESCHEMA = -13,  /* database schema newer than this binary */
	CU_ERANGE = -14,   /* a requested byte range lies outside the content */
	CU_EUNAVAILABLE = -15, /* a service below (the database server) cannot be reached now */
	CU_ENOSPACE = -16, /* the disk (or the database server's) is full: nothing more fits */
	CU_ELIMIT = -17,   /* too many attempts (failed logins): refused until a window passes */
	CU_EINTERNAL = -18, /* a defect of this program: something it relies on does not hold */
	CU_EINTR = -19,    /* stopped by the operator (SIGINT, SIGTERM, SIGHUP) */
};

/* Static name of a code ("invalid", "not_found", ...), used in JSON errors. */
const char *cu_errname(int code);
/* Static English sentence for a code. */
const char *cu_strerror(int code);

/*
 * Thread-local error detail. cu_error_set() records a message where the
 * failure is found and returns code so callers can write
 * `return cu_error_set(CU_EINVALID, "...")`. Callers pass codes up unchanged.
 */
int cu_error_set(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#ifdef __clang_analyzer__
/* For clang-tidy's analyzer, which cannot see into err.c: the call gives back its code. */
#define cu_error_set(code, ...) (cu_error_set((code), __VA_ARGS__), (code))
#endif
/* The last message set on this thread, or cu_strerror(code) if none. */
const char *cu_error_message(int code);
void cu_error_clear(void);

/*
 * An operator's interrupt. A long command (backup, restore, migrate) calls
 * cu_interrupt_catch() first: SIGINT, SIGTERM and SIGHUP then only note the
 * signal, and the work checks cu_interrupt_check() between its steps, stops
 * with CU_EINTR and removes what it made, as on any failure. A second signal
 * ends the process at once. cu_interrupted() is the signal noted (0: none).
 */
void cu_interrupt_catch(void);
int cu_interrupted(void);
int cu_interrupt_check(void);

/* Growable byte buffer with a hard cap (0 = CU_BUF_DEFAULT_CAP). */
#define CU_BUF_DEFAULT_CAP ((size_t)256 << 20)
typedef struct cu_buf {
	char *data;
	size_t len, cap, max;
} cu_buf;
void cu_buf_init(cu_buf *b, size_t max);
int cu_buf_append(cu_buf *b, const void *p, size_t n);
int cu_buf_puts(cu_buf *b, const char *s);
int cu_buf_printf(cu_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string literal (with quotes), escaping as RFC 8259. */
int cu_buf_json_str(cu_buf *b, const char *s);
/* Detaches the NUL-terminated data; the buffer is empty afterwards. */
char *cu_buf_detach(cu_buf *b);
void cu_buf_free(cu_buf *b);

/*
 * JSON input helpers. A request object is checked against a field list:
 * unknown fields and wrong types are CU_EINVALID with the field named.
 */
typedef enum { CU_JSTR, CU_JINT, CU_JBOOL, CU_JARRAY, CU_JOBJECT, CU_JDATE, CU_JNUM } cu_jtype;
typedef struct cu_jfield {
	const char *name;
	cu_jtype type;
	bool required;
	size_t max_len; /* strings: maximum bytes (0: 1000) */
} cu_jfield;
int cu_json_check(const json_t *obj, const cu_jfield *fields, size_t n);
/* Borrowed string of field name or NULL when absent/null. */
const char *cu_json_str(const json_t *obj, const char *name);
int64_t cu_json_int(const json_t *obj, const char *name, int64_t dflt);
/* Parses bytes into an object; CU_EINVALID with the parser's message. */
int cu_json_parse_object(json_t **out, const char *data, size_t len);

/* Validation. Each returns 0 or CU_EINVALID with a message naming what. */
bool cu_utf8_valid(const char *s, size_t len);
int cu_valid_text(const char *field, const char *s, size_t min, size_t max);
int cu_valid_date(const char *field, const char *s);  /* YYYY-MM-DD, a real day */
int cu_valid_country(const char *field, const char *s); /* ISO 3166-1 alpha-2 */
int cu_valid_name(const char *field, const char *s); /* [a-z0-9][a-z0-9._-]{0,63} */

/*
 * CSV (RFC 4180, libcsv): fn is called for each row with its 1-based number
 * and fields (NUL-terminated); a non-zero return stops. A malformed file is
 * CU_EINVALID naming the row.
 */
typedef int (*cu_csv_row_fn)(void *ctx, long row, const char *const *fields, size_t n);
int cu_csv_rows(const char *data, size_t len, cu_csv_row_fn fn, void *ctx);

/* Time. Timestamps are RFC 3339 UTC with milliseconds: 2026-11-26T20:05:43.123Z */
#define CU_TS_LEN 25
void cu_time_now(char out[CU_TS_LEN]);
/* The timestamp `seconds` from now. */
void cu_time_after(char out[CU_TS_LEN], int64_t seconds);
/*
 * Reads such a timestamp (or S3's LastModified, the same form): YYYY-MM-DDTHH:MM:SS,
 * an optional fraction, then Z; the date must exist. @param[out] out_seconds Unix
 * seconds, written on success only. CU_EINVALID naming the text otherwise.
 */
int cu_time_parse(int64_t *out_seconds, const char *ts);
void cu_date_today(char out[11]);
/* The n decimal digits at s as a number; -1 if one of them is not a digit. */
int cu_digits(const char *s, int n);
/* Days between two YYYY-MM-DD dates (b - a); both must be valid. */
int cu_date_diff(const char *a, const char *b);
/* Adds days to a YYYY-MM-DD date. */
void cu_date_add(char out[11], const char *date, int days);
/* The same day `years` later; 29 February becomes 28 February. */
void cu_date_add_years(char out[11], const char *date, int years);
/* Parses "7d", "12h", "30m", "45s" or plain seconds. */
int cu_duration_parse(int64_t *out_seconds, const char *s);
/* A horizon in whole days: "30" or "30d" (0 to 36500); CU_EINVALID otherwise. */
int cu_days_parse(int *out_days, const char *s);

/*
 * Logging (log.c): one line per message on stderr, written with one
 * write(2) so that the lines of concurrent threads never interleave.
 * JSON (the default): {"time": RFC 3339 UTC with ms, "level", "msg", fields...};
 * text: the same as `TIME LEVEL msg key=value ...` for a terminal.
 */
typedef enum { CU_LOG_JSON = 0, CU_LOG_TEXT = 1 } cu_log_format;
/* Set once before threads start (the server's --log-format). */
void cu_log_set_format(cu_log_format f);
/* "json" or "text"; CU_EINVALID otherwise. */
int cu_log_format_parse(cu_log_format *out, const char *s);
/*
 * Writes one line: level ("info", "warn", "error"), msg, then the members of
 * fields in order (a JSON object, stolen; NULL for none). Never write
 * secrets, request bodies or query strings into fields.
 */
void cu_log(const char *level, const char *msg, json_t *fields);

/* This build (build.c, set by CMake at configure time). */
typedef struct cu_build_info {
	const char *version;  /* CU_VERSION */
	const char *commit;   /* `git describe --always --dirty`, or "unknown" */
	const char *date;     /* configure time, RFC 3339 UTC (SOURCE_DATE_EPOCH if set) */
	const char *compiler; /* e.g. "GNU 12.2.0" */
} cu_build_info;
const cu_build_info *cu_build(void);

/* A one-line file: read ("" if there is none), or written 0600 through a
 * synced temporary file renamed into place (never half written). */
int cu_line_read(const char *path, char *out, size_t n);
int cu_line_write(const char *path, const char *line);

/*
 * A shared library the binary does not link, loaded when first needed
 * (libpq, libcurl: with what they pull in, two thirds of the libraries a
 * command would otherwise load before doing anything). dlopen(soname), then
 * each names[i] into *slots[i], a function pointer seen through void * as
 * POSIX allows. The first call loads; later calls return its result: 0, or
 * CU_EIO saying which library or function is missing and the package to
 * install. Thread-safe; the library stays loaded.
 */
typedef struct cu_dl {
	const char *soname;       /* e.g. "libpq.so.5" */
	const char *package;      /* the Debian package that has it, for the message */
	const char *const *names; /* n function names */
	void **const *slots;      /* where each goes */
	size_t n;
	/* the loader's own state: zero-initialised */
	int state; /* 0 not tried, 1 loaded, 2 failed */
	char error[400];
} cu_dl;
int cu_dl_load(cu_dl *dl);

#endif
