/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store: the rows a PostgreSQL write transaction holds back and sends at
 * once (events, ledger entries, ledger tiles).
 *
 * On PostgreSQL every statement is a round trip: appending an event one
 * INSERT at a time costs three (the event, lastval(), the ledger entry),
 * whatever the server's own cost. Inside a write transaction these rows are
 * therefore written to memory, in COPY's text format, and sent at once (a
 * table of more than DEFER_INSERT_ROWS rows by COPY, two round trips however
 * many rows; the others as multi-row INSERTs in one pipeline) at the first of:
 *
 *   - the commit (cu_store_commit flushes before COMMIT, or with COMMIT in
 *     the flush's pipeline; a flush that fails fails the commit, which then
 *     rolls back);
 *   - any statement that names one of the three tables (db_pg.c's
 *     names_deferred, checked in pg_step before the statement runs): a
 *     statement can only read these tables by naming them, since no view,
 *     function, trigger or foreign key of another table reads them, so every
 *     read of them in the transaction sees every row appended before it;
 *   - any SQL text but ROLLBACK (pg_exec), whatever it names;
 *   - the buffers passing DEFER_FLUSH bytes (memory stays bounded).
 *
 * Any rollback (of the outermost transaction, or an inner one that dooms it)
 * discards them, with the connection's ledger state (store.c,
 * drop_ledger_cache). A flush that fails leaves its statement failed and
 * the transaction unable to commit (`failed`): PostgreSQL has aborted it.
 * So the guarantee is the one the store gives without batching: a record
 * and its ledger entry are in one transaction, and a commit that returns 0
 * has made both durable.
 *
 * Events take their seq here, not from the identity column's default: the
 * first event of a transaction draws nextval() of the column's sequence,
 * the next ones count on from it (the write lock keeps every other writer
 * of events out until the commit), and the flush moves the sequence past
 * the last one handed out (setval), so that an INSERT relying on the
 * default, elsewhere or later, continues after them. A rollback leaves a
 * gap, as nextval() does.
 *
 * Chain-of-custody rows are not held back: the custody table's foreign key
 * and CHECK constraint must refuse a row when it is appended (callers act
 * on that error), and they are few.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

/* Past this many bytes held back, they are sent before the next row. */
#define DEFER_FLUSH ((size_t)8 << 20)
/* A table with more rows than this goes by COPY, fewer by INSERT (flush). */
#ifndef DEFER_INSERT_ROWS
#define DEFER_INSERT_ROWS 64
#endif

static const char *const copy_sql[DEFER_N] = {
	/* In parentheses: one string on two lines, not two elements (clang asks). */
	[DEFER_EVENTS] = ("COPY events(seq, at, actor, actor_org, action, object_type, object_id,"
	                  " case_id, jit_id, before, after, salt) FROM STDIN"),
	[DEFER_ENTRIES] = "COPY ledger_entries(idx, entry, kind, ref) FROM STDIN",
	[DEFER_TILES] = "COPY ledger_tiles(id, hashes) FROM STDIN",
};
static const char *const insert_into[DEFER_N] = {
	[DEFER_EVENTS] = "INSERT INTO events",
	[DEFER_ENTRIES] = "INSERT INTO ledger_entries",
	[DEFER_TILES] = "INSERT INTO ledger_tiles",
};
static const int ncols_of[DEFER_N] = {[DEFER_EVENTS] = 12, [DEFER_ENTRIES] = 4,
                                      [DEFER_TILES] = 2};
static const char *const what[DEFER_N] = {"event", "ledger entry", "ledger tile"};

bool sq_defer_on(cu_store *s)
{
	return s->pg && s->writing && s->depth > 0;
}

static int flush_cb(void *ctx)
{
	return sq_defer_flush(ctx);
}

void sq_defer_init(cu_store *s)
{
	for (int k = 0; k < DEFER_N; k++)
		cu_buf_init(&s->defer.rows[k], 0); /* CU_BUF_DEFAULT_CAP: a row as large as an INSERT takes */
	s->defer.seq_next = -1;
	if (s->pg)
		pg_set_flush(s->pg, flush_cb, s);
}

static size_t held(const cu_store *s)
{
	size_t n = 0;
	for (int k = 0; k < DEFER_N; k++)
		n += s->defer.rows[k].len;
	return n;
}

void sq_defer_discard(cu_store *s)
{
	for (int k = 0; k < DEFER_N; k++) {
		s->defer.rows[k].len = 0;
		s->defer.nrows[k] = 0;
	}
	s->defer.seq_next = -1; /* seqs handed out are gone: draw again */
	if (s->pg)
		pg_set_deferred(s->pg, false);
}

void sq_defer_end(cu_store *s)
{
	sq_defer_discard(s);
	s->defer.failed = 0;
}

void sq_defer_free(cu_store *s)
{
	for (int k = 0; k < DEFER_N; k++)
		cu_buf_free(&s->defer.rows[k]);
}

/*
 * A table's rows as the parameters of one multi-row INSERT: the COPY text
 * unescaped in place (the buffer is spent after the flush), each field
 * ended by a NUL, \N a NULL. *sql and *vals are malloc'd.
 */
static int as_insert(cu_buf *b, int k, int64_t nrows, char **sql, const char ***vals)
{
	int ncols = ncols_of[k], np = (int)nrows * ncols;
	cu_buf q;
	int r = 0;
	*sql = NULL;
	if (!(*vals = malloc((size_t)np * sizeof(**vals))))
		return cu_error_set(CU_ENOMEM, "out of memory");
	cu_buf_init(&q, 0);
	const char *cols = strchr(copy_sql[k], '('); /* "(a, b) FROM STDIN" */
	size_t clen = (size_t)(strstr(cols, " FROM STDIN") - cols);
	if ((r = cu_buf_append(&q, insert_into[k], strlen(insert_into[k]))) ||
	    (r = cu_buf_append(&q, cols, clen)) || (r = cu_buf_puts(&q, " VALUES ")))
		goto out;
	char *in = b->data, *end = b->data + b->len, *o = b->data;
	for (int i = 0; i < np && r == 0; i++) {
		char *f = o;
		if (in + 2 <= end && in[0] == '\\' && in[1] == 'N' &&
		    (in + 2 == end || in[2] == '\t' || in[2] == '\n')) {
			(*vals)[i] = NULL;
			in += 2;
		} else {
			for (; in < end && *in != '\t' && *in != '\n'; in++) {
				if (*in == '\\' && in + 1 < end) {
					in++;
					*o++ = *in == 'n' ? '\n' : *in == 'r' ? '\r' : *in == 't' ? '\t' : *in;
				} else {
					*o++ = *in;
				}
			}
			(*vals)[i] = f;
		}
		in++; /* the separator */
		*o++ = '\0';
		if (i % ncols == 0)
			r = cu_buf_puts(&q, i ? "),($" : "($");
		else
			r = cu_buf_puts(&q, ",$");
		if (r == 0)
			r = cu_buf_printf(&q, "%d", i + 1);
	}
	if (r == 0)
		r = cu_buf_append(&q, ")", 1);
out:
	if (r == 0) {
		*sql = cu_buf_detach(&q);
		if (!*sql)
			r = cu_error_set(CU_ENOMEM, "out of memory");
	}
	cu_buf_free(&q);
	if (r != 0) {
		free(*vals);
		*vals = NULL;
	}
	return r;
}

/*
 * The flush. Tables with many rows go by COPY (two round trips each; the
 * server parses and plans nothing per row), the others as multi-row INSERTs
 * in one pipeline with the sequence's setval and, at the commit, COMMIT
 * itself: a transaction of a few events commits in one round trip more than
 * its reads. *committed says whether COMMIT ran (and succeeded).
 */
static int flush(cu_store *s, bool commit, bool *committed)
{
	pg_query q[DEFER_N + 2];
	char *sqls[DEFER_N] = {NULL};
	const char **vals[DEFER_N] = {NULL};
	char seqv[24];
	const char *seqp[1] = {seqv};
	int nq = 0, r = 0;
	*committed = false;
	if (s->defer.failed)
		return cu_error_set(s->defer.failed, "rows of this transaction could not be written"
		                    " (an earlier statement failed): it cannot commit");
	if (s->pg)
		pg_set_deferred(s->pg, false); /* the statements below must not flush again */
	for (int k = 0; k < DEFER_N && r == 0; k++) {
		cu_buf *b = &s->defer.rows[k];
		int64_t n = s->defer.nrows[k];
		if (!n)
			continue;
		if (n > DEFER_INSERT_ROWS) {
			if (pg_copy(s->pg, copy_sql[k], b->data, b->len) < 0)
				r = pg_error(s->pg, what[k]);
		} else if ((r = as_insert(b, k, n, &sqls[k], &vals[k])) == 0) {
			q[nq].sql = sqls[k];
			q[nq].n = (int)n * ncols_of[k];
			q[nq++].vals = vals[k];
		}
	}
	int64_t last = s->defer.seq_next - 1;
	bool setval = s->defer.seq_next >= 0 && last > s->defer.seq_set;
	if (setval) {
		snprintf(seqv, sizeof(seqv), "%lld", (long long)last);
		q[nq++] = (pg_query){"SELECT setval(pg_get_serial_sequence('events', 'seq'), $1)", 1,
		                     seqp};
	}
	if (r == 0 && commit && nq > 0)
		q[nq++] = (pg_query){"COMMIT", 0, NULL};
	if (r == 0 && nq > 0) {
		if (pg_pipeline(s->pg, nq, q) < 0)
			r = pg_error(s->pg, commit ? "commit" : "ledger");
		else
			*committed = commit;
	}
	if (r == 0 && setval)
		s->defer.seq_set = last;
	for (int k = 0; k < DEFER_N; k++) {
		s->defer.rows[k].len = 0;
		s->defer.nrows[k] = 0;
		free(sqls[k]);
		free(vals[k]);
	}
	if (r != 0)
		s->defer.failed = r;
	return r;
}

int sq_defer_flush(cu_store *s)
{
	bool committed;
	return flush(s, false, &committed);
}

int sq_defer_commit(cu_store *s, bool *committed)
{
	return flush(s, true, committed);
}

/* ---- COPY's text format ------------------------------------------------ */

/* A column's text: backslash, newline, carriage return and tab escaped. */
static int put_text(cu_buf *b, const char *v, size_t n)
{
	int r = 0;
	if (!v)
		return cu_buf_append(b, "\\N", 2);
	size_t run = 0;
	for (size_t i = 0; i < n && r == 0; i++) {
		char c = v[i], e;
		switch (c) {
		case '\\': e = '\\'; break;
		case '\n': e = 'n'; break;
		case '\r': e = 'r'; break;
		case '\t': e = 't'; break;
		default: continue;
		}
		char esc[2] = {'\\', e};
		if ((r = cu_buf_append(b, v + run, i - run)) == 0)
			r = cu_buf_append(b, esc, 2);
		run = i + 1;
	}
	return r ? r : cu_buf_append(b, v + run, n - run);
}

static int put_str(cu_buf *b, const char *v)
{
	return put_text(b, v, v ? strlen(v) : 0);
}

static int put_int(cu_buf *b, int64_t v)
{
	char t[24];
	int n = snprintf(t, sizeof(t), "%lld", (long long)v);
	return cu_buf_append(b, t, (size_t)n);
}

/* bytea as its text form \x<hex>, whose backslash COPY wants doubled. */
static int put_bytea(cu_buf *b, const uint8_t *v, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	int r;
	if ((r = cu_buf_append(b, "\\\\x", 3)) != 0)
		return r;
	char t[256];
	for (size_t i = 0; i < n;) {
		size_t k = 0;
		for (; k < sizeof(t) && i < n; i++) {
			t[k++] = hex[v[i] >> 4];
			t[k++] = hex[v[i] & 15];
		}
		if ((r = cu_buf_append(b, t, k)) != 0)
			return r;
	}
	return 0;
}

/* One row being written: columns tab-separated, the first error kept. */
typedef struct row {
	int k;
	cu_buf *b;
	size_t mark; /* where the row began: a failed row is taken back */
	int ncols;
	int r;
} row;

static bool col(row *w)
{
	if (w->r == 0 && w->ncols++ > 0)
		w->r = cu_buf_append(w->b, "\t", 1);
	return w->r == 0;
}

static void col_text(row *w, const char *v, size_t n)
{
	if (col(w))
		w->r = put_text(w->b, v, n);
}

static void col_str(row *w, const char *v)
{
	if (col(w))
		w->r = put_str(w->b, v);
}

static void col_int(row *w, int64_t v)
{
	if (col(w))
		w->r = put_int(w->b, v);
}

/* An id column where 0 means none. */
static void col_id(row *w, int64_t v)
{
	if (v)
		col_int(w, v);
	else
		col_str(w, NULL);
}

static void col_bytea(row *w, const uint8_t *v, size_t n)
{
	if (col(w))
		w->r = put_bytea(w->b, v, n);
}

static row row_begin(cu_store *s, int k)
{
	row w = {k, &s->defer.rows[k], s->defer.rows[k].len, 0, 0};
	return w;
}

/* After a row: pending for the flush points, sent now past the bound. */
static int row_end(cu_store *s, row *w)
{
	if (w->r == 0)
		w->r = cu_buf_append(w->b, "\n", 1);
	if (w->r != 0) {
		w->b->len = w->mark; /* no half row */
		return w->r;
	}
	s->defer.nrows[w->k]++;
	pg_set_deferred(s->pg, true);
	return held(s) > DEFER_FLUSH ? sq_defer_flush(s) : 0;
}

/* ---- The rows ------------------------------------------------------------ */

int sq_defer_event(cu_store *s, int64_t *out_seq, const cu_event *ev)
{
	static const char *const req[] = {"at", "actor", "actor_org", "action", "object_type",
	                                  "object_id"};
	const char *v[] = {ev->at, ev->actor, ev->actor_org, ev->action, ev->object_type,
	                   ev->object_id};
	/* The NOT NULL constraints, checked now rather than at the flush. */
	for (size_t i = 0; i < sizeof(req) / sizeof(*req); i++)
		if (!v[i])
			return cu_error_set(CU_EINVALID, "event: %s is required", req[i]);
	if (s->defer.failed)
		return sq_defer_flush(s); /* its error: nothing goes on after it */
	if (s->defer.seq_next < 0) {
		db_stmt *st = sq_stmt(s, "SELECT nextval(pg_get_serial_sequence('events', 'seq'))");
		if (!st)
			return CU_EDB;
		int rc = db_step(st);
		int64_t n = rc == DB_ROW ? db_column_int64(st, 0) : 0;
		db_reset(st);
		if (rc != DB_ROW)
			return sq_dberr(s, rc, "event sequence");
		s->defer.seq_next = s->defer.seq_set = n;
	}
	int64_t seq = s->defer.seq_next;
	row w = row_begin(s, DEFER_EVENTS);
	col_int(&w, seq);
	col_str(&w, ev->at);
	col_str(&w, ev->actor);
	col_str(&w, ev->actor_org);
	col_str(&w, ev->action);
	col_str(&w, ev->object_type);
	col_str(&w, ev->object_id);
	col_id(&w, ev->case_id);
	col_id(&w, ev->jit_id);
	col_str(&w, ev->before);
	col_str(&w, ev->after);
	col_str(&w, ev->salt);
	int r = row_end(s, &w);
	if (w.r == 0) { /* written (r may be a failed flush: the seq is spent either way) */
		s->defer.seq_next = seq + 1;
		*out_seq = seq;
	}
	return r;
}

int sq_defer_entry(cu_store *s, int64_t n, const char *entry, size_t len, const char *kind,
                   int64_t ref)
{
	if (s->defer.failed)
		return sq_defer_flush(s);
	row w = row_begin(s, DEFER_ENTRIES);
	col_int(&w, n);
	col_text(&w, entry, len);
	col_str(&w, kind);
	col_int(&w, ref);
	return row_end(s, &w);
}

int sq_defer_tile(cu_store *s, int64_t id, const uint8_t *hashes)
{
	if (s->defer.failed)
		return sq_defer_flush(s);
	row w = row_begin(s, DEFER_TILES);
	col_int(&w, id);
	col_bytea(&w, hashes, CU_STORE_TILE_BYTES);
	return row_end(s, &w);
}
