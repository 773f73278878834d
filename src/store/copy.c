/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store: copying a data directory's records between SQLite and PostgreSQL,
 * either way (`custodia migrate`, docs/store.md "Moving to PostgreSQL";
 * `custodia backup` and `restore`, docs/backup.md), and a consistent
 * snapshot of the records into a new SQLite file (cu_store_snapshot).
 *
 * The copy knows no table: it reads the tables, columns and foreign keys
 * from PostgreSQL's catalog (whichever side it is on), checks that SQLite
 * holds exactly the same tables and columns (a column on one side only would
 * be lost, or left empty), and copies every row with its ids, parents before
 * children, from one snapshot of the source into one transaction of the
 * target. A table a later migration adds to both schemas is copied without a
 * change here; a difference between the two stops the copy before anything
 * is written.
 *
 * Left out: the search index (search_docs, search_fts) is each engine's own
 * (FTS5 on SQLite, a tsvector on PostgreSQL) and is rebuilt from the records
 * after the copy; schema_version is what cu_store_open writes on PostgreSQL
 * for SQLite's PRAGMA user_version; and SQLite's own tables (sqlite_*,
 * virtual tables and their shadow tables).
 *
 * Before the commit each table is read back and compared with what was read
 * from the source: its row count and an order-independent digest (the sum of
 * a 128-bit hash per row) of the typed values. A value the target keeps
 * differently (a cast, an encoding) stops the copy with its table named, and
 * the transaction is rolled back: nothing half-copied is ever committed.
 * PostgreSQL is read through cursors (its driver keeps a statement's whole
 * result, and a table may be larger than memory).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/pq.h"
#include "store/store_int.h"

/* Rows per INSERT (one round trip), bounded by PostgreSQL's 65535 parameters
 * and by the bytes a batch holds in memory (ledger tiles are 16 KB each). */
#define BATCH_ROWS 500
#define BATCH_PARAMS 30000
#define BATCH_BYTES ((size_t)4 << 20)
/* Rows per FETCH when reading a table back (bytea travels as hex text). */
#define FETCH_ROWS 2000
#define FETCH_ROWS_BYTEA 200

/* The copy knows four kinds of column; any other type stops it (a boolean
 * or jsonb column would need its own conversion and comparison). */
enum { CAT_NULL, CAT_INT, CAT_FLOAT, CAT_TEXT, CAT_BLOB };

typedef struct column {
	char name[64], type[64]; /* type: format_type(), as the INSERT casts to */
	int cat;
	bool identity;           /* an identity column whose sequence must move on */
} column;

typedef struct table {
	char name[64];
	column *cols; /* the columns the copy writes (not generated, not GENERATED ALWAYS) */
	int ncols;
	char (*idcols)[64]; /* identity columns, whether written or generated */
	int nid;
	char (*refs)[64]; /* tables its foreign keys name */
	int nrefs;
	int order;        /* position in SQLite's creation order; -1: not in SQLite */
	bool rowid;       /* SQLite: a rowid table, read in rowid order */
	bool done, bytea;
	int64_t rows;
} table;

typedef struct tables {
	table *v;
	int n;
} tables;

/* Left out of the copy on both sides (see the top of the file). */
static const char *const derived[] = {"search_docs", "search_fts", NULL};

static bool is_derived(const char *name)
{
	for (int i = 0; derived[i]; i++)
		if (!strcmp(derived[i], name))
			return true;
	return false;
}

static void tables_free(tables *ts)
{
	for (int i = 0; i < ts->n; i++) {
		free(ts->v[i].cols);
		free(ts->v[i].idcols);
		free(ts->v[i].refs);
	}
	free(ts->v);
	ts->v = NULL;
	ts->n = 0;
}

static table *find(tables *ts, const char *name)
{
	for (int i = 0; i < ts->n; i++)
		if (!strcmp(ts->v[i].name, name))
			return &ts->v[i];
	return NULL;
}

static void *grow(void *p, int n, size_t size)
{
	/* One more element, zeroed. */
	char *q = realloc(p, (size_t)(n + 1) * size);
	if (q)
		memset(q + (size_t)n * size, 0, size);
	return q;
}

static int nomem(void)
{
	return cu_error_set(CU_ENOMEM, "out of memory");
}

/* "name" for SQL text; catalog names only, but quoted all the same. */
static int quote(cu_buf *b, const char *name)
{
	int r = cu_buf_puts(b, "\"");
	for (const char *p = name; !r && *p; p++)
		r = *p == '"' ? cu_buf_puts(b, "\"\"") : cu_buf_append(b, p, 1);
	return r ? r : cu_buf_puts(b, "\"");
}

static int category(const char *type)
{
	if (!strcmp(type, "bigint") || !strcmp(type, "integer") || !strcmp(type, "smallint"))
		return CAT_INT;
	if (!strcmp(type, "double precision") || !strcmp(type, "real"))
		return CAT_FLOAT;
	if (!strcmp(type, "text"))
		return CAT_TEXT;
	if (!strcmp(type, "bytea"))
		return CAT_BLOB;
	return CAT_NULL;
}

static const char *col_text(db_stmt *st, int i)
{
	const char *t = (const char *)db_column_text(st, i);
	return t ? t : "";
}

/* ---- The two schemas ---------------------------------------------------- */

/* PostgreSQL's tables in the current schema: columns and foreign keys. */
static int load_pg(cu_store *to, tables *ts)
{
	static const char cols_sql[] =
		"SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod),"
		" a.attgenerated, a.attidentity"
		" FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
		" JOIN pg_attribute a ON a.attrelid = c.oid"
		" WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')"
		" AND a.attnum > 0 AND NOT a.attisdropped ORDER BY c.relname, a.attnum";
	static const char refs_sql[] =
		"SELECT DISTINCT c.relname, f.relname FROM pg_constraint k"
		" JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class f ON f.oid = k.confrelid"
		" JOIN pg_namespace n ON n.oid = c.relnamespace"
		" WHERE k.contype = 'f' AND n.nspname = current_schema()";
	db_stmt *st = sq_prepare(to, cols_sql);
	int rc, r = 0;
	if (!st)
		return CU_EDB;
	while (!r && (rc = db_step(st)) == DB_ROW) {
		const char *tname = col_text(st, 0), *cname = col_text(st, 1), *type = col_text(st, 2);
		const char *gen = col_text(st, 3), *ident = col_text(st, 4);
		if (!strcmp(tname, "schema_version"))
			continue;
		table *t = find(ts, tname);
		if (!t) {
			table *v = grow(ts->v, ts->n, sizeof(*v));
			if (!v) {
				r = nomem();
				break;
			}
			ts->v = v;
			t = &ts->v[ts->n++];
			snprintf(t->name, sizeof(t->name), "%s", tname);
			t->order = -1;
		}
		if (*ident) {
			char (*ids)[64] = grow(t->idcols, t->nid, sizeof(*ids));
			if (!ids) {
				r = nomem();
				break;
			}
			t->idcols = ids;
			snprintf(t->idcols[t->nid++], 64, "%s", cname);
		}
		/* Generated columns and GENERATED ALWAYS identities (crime_types.ord:
		 * SQLite's rowid order, which the copy keeps by inserting in it) are
		 * PostgreSQL's to fill. */
		if (*gen || !strcmp(ident, "a") || is_derived(tname))
			continue;
		column *c = grow(t->cols, t->ncols, sizeof(*c));
		if (!c) {
			r = nomem();
			break;
		}
		t->cols = c;
		c = &t->cols[t->ncols++];
		snprintf(c->name, sizeof(c->name), "%s", cname);
		snprintf(c->type, sizeof(c->type), "%s", type);
		c->cat = category(type);
		c->identity = *ident != '\0';
		if (c->cat == CAT_BLOB)
			t->bytea = true;
		if (!c->cat)
			r = cu_error_set(CU_ESCHEMA, "copy: column %s.%s has type %s, which the copy"
			                 " does not know how to compare (extend src/store/copy.c)",
			                 tname, cname, type);
	}
	if (!r && rc != DB_DONE)
		r = sq_dberr(to, rc, "copy: PostgreSQL's tables");
	sq_finalize(st);
	if (r || !(st = sq_prepare(to, refs_sql)))
		return r ? r : CU_EDB;
	while (!r && (rc = db_step(st)) == DB_ROW) {
		table *t = find(ts, col_text(st, 0));
		const char *ref = col_text(st, 1);
		if (!t || !strcmp(ref, t->name))
			continue; /* a table's references to itself: rows go in id order */
		char (*v)[64] = grow(t->refs, t->nrefs, sizeof(*v));
		if (!v) {
			r = nomem();
			break;
		}
		t->refs = v;
		snprintf(t->refs[t->nrefs++], 64, "%s", ref);
	}
	if (!r && rc != DB_DONE)
		r = sq_dberr(to, rc, "copy: PostgreSQL's foreign keys");
	sq_finalize(st);
	return r;
}

/* The columns SQLite stores for a table (generated ones left out). */
static int check_sqlite_columns(cu_store *from, table *t)
{
	db_stmt *st = sq_prepare(from, "SELECT name, hidden FROM pragma_table_xinfo(?1)");
	int rc, r = 0, n = 0;
	if (!st)
		return CU_EDB;
	sq_bind_text(st, 1, t->name);
	while (!r && (rc = db_step(st)) == DB_ROW) {
		const char *name = col_text(st, 0);
		int hidden = db_column_int(st, 1);
		if (hidden == 2 || hidden == 3)
			continue; /* generated: PostgreSQL computes its own */
		bool found = false;
		for (int i = 0; i < t->ncols && !found; i++)
			found = !strcmp(t->cols[i].name, name);
		if (!found)
			r = cu_error_set(CU_ESCHEMA, "copy: SQLite's column %s.%s has no counterpart in"
			                 " PostgreSQL (it would be lost)", t->name, name);
		n++;
	}
	if (!r && rc != DB_DONE)
		r = sq_dberr(from, rc, "copy: SQLite's columns");
	sq_finalize(st);
	if (!r && n != t->ncols)
		r = cu_error_set(CU_ESCHEMA, "copy: PostgreSQL's table %s has %d columns to fill,"
		                 " SQLite's %d", t->name, t->ncols, n);
	if (r)
		return r;
	/* WITHOUT ROWID tables (meta, counters) have no rowid to order by. */
	if (!(st = sq_prepare(from, "SELECT wr FROM pragma_table_list(?1) WHERE schema = 'main'")))
		return CU_EDB;
	sq_bind_text(st, 1, t->name);
	rc = db_step(st);
	t->rowid = rc == DB_ROW && db_column_int(st, 0) == 0;
	if (rc != DB_ROW)
		r = sq_dberr(from, rc, "copy: SQLite's tables");
	sq_finalize(st);
	return r;
}

/* SQLite's tables, matched one to one with PostgreSQL's. */
static int match_sqlite(cu_store *from, tables *ts)
{
	db_stmt *st = sq_prepare(from, "SELECT name, coalesce(sql, '') FROM sqlite_master"
	                               " WHERE type = 'table' ORDER BY rowid");
	char (*virt)[64] = NULL;
	int nvirt = 0, order = 0, rc, r = 0;
	if (!st)
		return CU_EDB;
	while (!r && (rc = db_step(st)) == DB_ROW) {
		const char *name = col_text(st, 0), *sql = col_text(st, 1);
		bool shadow = false;
		if (!strncmp(name, "sqlite_", 7))
			continue;
		if (!strncmp(sql, "CREATE VIRTUAL TABLE", 20)) {
			char (*v)[64] = grow(virt, nvirt, sizeof(*v));
			if (!v) {
				r = nomem();
				break;
			}
			virt = v;
			snprintf(virt[nvirt++], 64, "%s", name);
			if (!is_derived(name))
				r = cu_error_set(CU_ESCHEMA, "copy: SQLite's virtual table %s is not one the"
				                 " copy knows to rebuild", name);
			continue;
		}
		/* FTS5 keeps its index in shadow tables named after it. */
		for (int i = 0; i < nvirt && !shadow; i++)
			shadow = !strncmp(name, virt[i], strlen(virt[i])) && name[strlen(virt[i])] == '_';
		if (shadow || is_derived(name))
			continue;
		table *t = find(ts, name);
		if (!t) {
			r = cu_error_set(CU_ESCHEMA, "copy: SQLite's table %s has no counterpart in"
			                 " PostgreSQL", name);
			break;
		}
		t->order = order++;
		r = check_sqlite_columns(from, t);
	}
	if (!r && rc != DB_DONE)
		r = sq_dberr(from, rc, "copy: SQLite's tables");
	sq_finalize(st);
	free(virt);
	for (int i = 0; !r && i < ts->n; i++)
		if (ts->v[i].order < 0 && !is_derived(ts->v[i].name))
			r = cu_error_set(CU_ESCHEMA, "copy: PostgreSQL's table %s has no counterpart in"
			                 " SQLite", ts->v[i].name);
	return r;
}

/*
 * The copy order: SQLite's creation order, each table after the tables its
 * foreign keys name (PostgreSQL checks each row as it goes in).
 */
static int copy_order(tables *ts, table ***out, int *n)
{
	table **v = calloc((size_t)ts->n + 1, sizeof(table *)); /* an array of pointers */
	*n = 0;
	if (!v)
		return nomem();
	for (;;) {
		table *next = NULL;
		for (int i = 0; i < ts->n; i++) {
			table *t = &ts->v[i];
			bool ready = !t->done && t->order >= 0;
			for (int k = 0; ready && k < t->nrefs; k++) {
				table *p = find(ts, t->refs[k]);
				ready = !p || p->done || p->order < 0;
			}
			if (ready && (!next || t->order < next->order))
				next = t;
		}
		if (!next)
			break;
		next->done = true;
		v[(*n)++] = next;
	}
	for (int i = 0; i < ts->n; i++)
		if (!ts->v[i].done && ts->v[i].order >= 0) {
			free(v);
			return cu_error_set(CU_ESCHEMA, "copy: the foreign keys of %s form a cycle",
			                    ts->v[i].name);
		}
	*out = v;
	return 0;
}

/* ---- Row digests -------------------------------------------------------- */

/*
 * A 128-bit hash per row (two 64-bit lanes, each a multiplicative hash over
 * the bytes, finished by MurmurHash3's mixer), summed per table so that the
 * two sides need not return rows in the same order. It looks for accidents
 * of a copy (casts, encodings, truncation), not for an adversary: the
 * ledger and the blobs' authentication answer that.
 */
typedef struct digest {
	uint64_t a, b, rows;
} digest;

typedef struct rowhash {
	uint64_t a, b;
} rowhash;

static uint64_t fmix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static void feed(rowhash *h, const void *p, size_t n)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++) {
		h->a = (h->a ^ c[i]) * 0x100000001b3ULL;
		h->b = (h->b ^ c[i]) * 0x9e3779b97f4a7c15ULL;
	}
}

static void feed_u64(rowhash *h, uint64_t v)
{
	unsigned char b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	feed(h, b, 8);
}

/* A value as the copy sees it: its category and its bytes or number. */
typedef struct val {
	int cat;
	int64_t i;
	double d;
	const char *p; /* TEXT, BLOB: n bytes */
	size_t n;
} val;

static void feed_val(rowhash *h, const val *v)
{
	unsigned char tag = (unsigned char)('0' + v->cat);
	feed(h, &tag, 1);
	switch (v->cat) {
	case CAT_INT: feed_u64(h, (uint64_t)v->i); break;
	case CAT_FLOAT: {
		uint64_t bits;
		memcpy(&bits, &v->d, sizeof(bits));
		feed_u64(h, bits);
		break;
	}
	case CAT_TEXT:
	case CAT_BLOB:
		feed_u64(h, v->n);
		feed(h, v->p, v->n);
		break;
	default: break;
	}
}

static void row_start(rowhash *h)
{
	h->a = 0xcbf29ce484222325ULL;
	h->b = 0x84222325cbf29ce4ULL;
}

static void row_add(digest *d, const rowhash *h)
{
	d->a += fmix(h->a);
	d->b += fmix(h->b ^ 0x9e3779b97f4a7c15ULL);
	d->rows++;
}

/*
 * Column i of a row, read as column c expects. From SQLite, the storage
 * class must fit the target's type (an integer stays an integer); TEXT in a
 * bytea column is taken as its bytes, which is what the store reads back.
 */
static int read_val(val *v, db_stmt *st, int i, const column *c, bool sqlite, const table *t)
{
	int type = db_column_type(st, i);
	memset(v, 0, sizeof(*v));
	if (type == DB_NULL)
		return 0;
	bool fits = !sqlite || (c->cat == CAT_INT && type == DB_INTEGER) ||
	            (c->cat == CAT_FLOAT && (type == DB_FLOAT || type == DB_INTEGER)) ||
	            (c->cat == CAT_TEXT && type == DB_TEXT) ||
	            (c->cat == CAT_BLOB && (type == DB_BLOB || type == DB_TEXT));
	if (!fits) {
		static const char *const names[] = {"?", "an integer", "a real", "text", "a blob",
		                                    "null"};
		return cu_error_set(CU_ECONFLICT, "copy: %s.%s holds %s in SQLite where PostgreSQL's"
		                    " column is %s (row %lld of the table)", t->name, c->name,
		                    names[type >= 1 && type <= 5 ? type : 0], c->type,
		                    (long long)t->rows + 1);
	}
	v->cat = c->cat;
	switch (c->cat) {
	case CAT_INT: v->i = db_column_int64(st, i); break;
	case CAT_FLOAT: v->d = db_column_double(st, i); break;
	case CAT_TEXT:
		v->p = (const char *)db_column_text(st, i);
		v->n = (size_t)db_column_bytes(st, i);
		break;
	default:
		v->p = db_column_blob(st, i);
		v->n = (size_t)db_column_bytes(st, i);
		if (!v->p)
			v->p = "";
	}
	return 0;
}

/* ---- Copying a table ---------------------------------------------------- */

typedef struct batch {
	cu_store *to;
	table *t;
	val *v;      /* rows × ncols, bytes owned */
	int rows, max;
	size_t bytes;
	db_stmt *full, *tail; /* INSERTs of max rows, and of tail_rows */
	int tail_rows;
} batch;

static db_stmt *insert_stmt(batch *b, int rows)
{
	cu_buf sql;
	int r = 0, p = 1;
	cu_buf_init(&sql, 0);
	r = cu_buf_puts(&sql, "INSERT INTO ");
	r = r ? r : quote(&sql, b->t->name);
	r = r ? r : cu_buf_puts(&sql, " (");
	for (int i = 0; !r && i < b->t->ncols; i++) {
		if (i)
			r = cu_buf_puts(&sql, ", ");
		r = r ? r : quote(&sql, b->t->cols[i].name);
	}
	r = r ? r : cu_buf_puts(&sql, ") VALUES ");
	/* Each parameter cast to its column's type: a NULL travels untyped. */
	for (int k = 0; !r && k < rows; k++) {
		r = cu_buf_puts(&sql, k ? ", (" : "(");
		for (int i = 0; !r && i < b->t->ncols; i++)
			r = b->to->pg ? cu_buf_printf(&sql, "%sCAST(?%d AS %s)", i ? ", " : "", p++,
			                              b->t->cols[i].type) :
			    cu_buf_printf(&sql, "%s?%d", i ? ", " : "", p++);
		r = r ? r : cu_buf_puts(&sql, ")");
	}
	db_stmt *st = r ? NULL : sq_prepare(b->to, sql.data);
	if (r)
		nomem();
	cu_buf_free(&sql);
	return st;
}

static void batch_clear(batch *b)
{
	for (int k = 0; k < b->rows * b->t->ncols; k++)
		free((void *)b->v[k].p);
	memset(b->v, 0, (size_t)b->rows * (size_t)b->t->ncols * sizeof(*b->v));
	b->rows = 0;
	b->bytes = 0;
}

static int flush(batch *b)
{
	db_stmt *st;
	int r = 0;
	if (b->rows == 0)
		return 0;
	if (b->rows == b->max) {
		st = b->full ? b->full : (b->full = insert_stmt(b, b->rows));
	} else {
		if (b->tail && b->tail_rows != b->rows) {
			sq_finalize(b->tail);
			b->tail = NULL;
		}
		st = b->tail ? b->tail : (b->tail = insert_stmt(b, b->rows));
		b->tail_rows = b->rows;
	}
	if (!st)
		return CU_EDB;
	for (int k = 0; k < b->rows * b->t->ncols; k++) {
		const val *v = &b->v[k];
		switch (v->cat) {
		case CAT_INT: db_bind_int64(st, k + 1, v->i); break;
		case CAT_FLOAT: db_bind_double(st, k + 1, v->d); break;
		case CAT_TEXT: db_bind_text(st, k + 1, v->p, (int)v->n, DB_STATIC); break;
		case CAT_BLOB: db_bind_blob(st, k + 1, v->p, (int)v->n, DB_STATIC); break;
		default: db_bind_null(st, k + 1);
		}
	}
	int rc = db_step(st);
	if (rc != DB_DONE && rc != DB_ROW) {
		char what[96];
		snprintf(what, sizeof(what), "copy: table %s", b->t->name);
		r = sq_dberr(b->to, rc, what);
	}
	db_reset(st);
	db_clear_bindings(st);
	batch_clear(b);
	return r;
}

/* Keeps a row's values (the SQLite statement's pointers live one step). */
static int batch_add(batch *b, const val *row)
{
	val *dst = &b->v[b->rows * b->t->ncols];
	bool failed = false;
	/* The row counts even when a copy fails: batch_clear frees what was made. */
	b->rows++;
	for (int i = 0; i < b->t->ncols; i++) {
		dst[i] = row[i];
		dst[i].p = NULL;
		if (!failed && (row[i].cat == CAT_TEXT || row[i].cat == CAT_BLOB)) {
			char *p = malloc(row[i].n + 1);
			if (!(failed = !p)) {
				memcpy(p, row[i].p, row[i].n);
				p[row[i].n] = '\0';
				dst[i].p = p;
				b->bytes += row[i].n;
			}
		}
	}
	if (failed)
		return nomem();
	return b->rows == b->max || b->bytes >= BATCH_BYTES ? flush(b) : 0;
}

static int select_sql(cu_buf *sql, const table *t)
{
	int r = cu_buf_puts(sql, "SELECT ");
	for (int i = 0; !r && i < t->ncols; i++) {
		if (i)
			r = cu_buf_puts(sql, ", ");
		r = r ? r : quote(sql, t->cols[i].name);
	}
	r = r ? r : cu_buf_puts(sql, " FROM ");
	return r ? r : quote(sql, t->name);
}

/*
 * A table's rows, one at a time, from either engine: on SQLite one
 * statement; on PostgreSQL a cursor (inside the caller's transaction) read a
 * batch of rows per FETCH, since the driver keeps a statement's whole result.
 */
typedef struct reader {
	cu_store *s;
	db_stmt *st;
	const char *cursor; /* PostgreSQL: the cursor's name, NULL for SQLite */
	int got;            /* rows of the current FETCH */
} reader;

static int reader_open(reader *rd, cu_store *s, const table *t, const char *cursor, bool ordered)
{
	cu_buf sql;
	char fetch[96];
	int r;
	memset(rd, 0, sizeof(*rd));
	rd->s = s;
	cu_buf_init(&sql, 0);
	if (s->pg && (r = cu_buf_printf(&sql, "DECLARE %s NO SCROLL CURSOR FOR ", cursor)) != 0)
		goto out;
	if ((r = select_sql(&sql, t)) != 0)
		goto out;
	/* In the order ids were given: SQLite's rowids, PostgreSQL's first
	 * identity (crime_types.ord keeps SQLite's order); a row then comes after
	 * the earlier rows of its own table it may name. */
	if (ordered && !s->pg && t->rowid)
		r = cu_buf_puts(&sql, " ORDER BY rowid");
	else if (ordered && s->pg && t->nid)
		r = cu_buf_puts(&sql, " ORDER BY ") || quote(&sql, t->idcols[0]) ? CU_ENOMEM : 0;
	if (r)
		goto out;
	if (!s->pg) {
		r = (rd->st = sq_prepare(s, sql.data)) ? 0 : CU_EDB;
		goto out;
	}
	if ((r = sq_exec_sql(s, sql.data, "copy: reading PostgreSQL")) != 0)
		goto out;
	rd->cursor = cursor;
	snprintf(fetch, sizeof(fetch), "FETCH %d FROM %s", t->bytea ? FETCH_ROWS_BYTEA : FETCH_ROWS,
	         cursor);
	if (!(rd->st = sq_prepare(s, fetch))) {
		char close_sql[64];
		snprintf(close_sql, sizeof(close_sql), "CLOSE %s", cursor);
		sq_exec_sql(s, close_sql, "copy");
		r = CU_EDB;
	}
out:
	if (r == CU_ENOMEM)
		r = nomem();
	cu_buf_free(&sql);
	return r;
}

/* DB_ROW, DB_DONE or the engine's code. */
static int reader_step(reader *rd)
{
	int rc = db_step(rd->st);
	if (!rd->cursor || rc != DB_DONE) {
		rd->got += rc == DB_ROW;
		return rc;
	}
	/* The end of one FETCH: the next, unless this one came back short of rows. */
	db_reset(rd->st);
	if (rd->got == 0)
		return DB_DONE;
	rd->got = 0;
	rc = db_step(rd->st);
	rd->got += rc == DB_ROW;
	return rc;
}

static int reader_close(reader *rd)
{
	int r = 0;
	sq_finalize(rd->st);
	if (rd->cursor) {
		char sql[64];
		snprintf(sql, sizeof(sql), "CLOSE %s", rd->cursor);
		r = sq_exec_sql(rd->s, sql, "copy");
	}
	memset(rd, 0, sizeof(*rd));
	return r;
}

/* Every row of t from one store into the other; *src: the digest of what was read. */
static int copy_rows(cu_store *from, cu_store *to, table *t, digest *src)
{
	batch b = {.to = to, .t = t};
	val *row = NULL;
	reader rd = {0};
	int r, rc = DB_DONE;
	b.max = BATCH_PARAMS / (t->ncols ? t->ncols : 1);
	b.max = b.max > BATCH_ROWS ? BATCH_ROWS : b.max < 1 ? 1 : b.max;
	if (!(b.v = calloc((size_t)b.max * (size_t)t->ncols + 1, sizeof(*b.v))) ||
	    !(row = calloc((size_t)t->ncols + 1, sizeof(*row)))) {
		r = nomem();
		goto out;
	}
	if ((r = reader_open(&rd, from, t, "cu_copy_read", true)) != 0)
		goto out;
	while ((rc = reader_step(&rd)) == DB_ROW) {
		rowhash h;
		row_start(&h);
		for (int i = 0; !r && i < t->ncols; i++)
			if ((r = read_val(&row[i], rd.st, i, &t->cols[i], !from->pg, t)) == 0)
				feed_val(&h, &row[i]);
		if (r || (r = batch_add(&b, row)) != 0)
			break;
		row_add(src, &h);
		t->rows++;
	}
	if (!r && rc != DB_DONE)
		r = sq_dberr(from, rc, "copy: reading the source");
	if (!r)
		r = flush(&b);
out:
	if (rd.st) {
		int c = reader_close(&rd);
		r = r ? r : c;
	}
	if (b.v)
		batch_clear(&b);
	free(b.v);
	free(row);
	sq_finalize(b.full);
	sq_finalize(b.tail);
	return r;
}

/* What the target now holds of t. */
static int digest_target(cu_store *to, const table *t, digest *d)
{
	reader rd;
	val v;
	int r, rc;
	if ((r = reader_open(&rd, to, t, "cu_copy_check", false)) != 0)
		return r;
	while ((rc = reader_step(&rd)) == DB_ROW) {
		rowhash h;
		row_start(&h);
		for (int i = 0; i < t->ncols; i++) {
			read_val(&v, rd.st, i, &t->cols[i], false, t);
			feed_val(&h, &v);
		}
		row_add(d, &h);
	}
	if (rc != DB_DONE)
		r = sq_dberr(to, rc, "copy: reading the target back");
	int c = reader_close(&rd);
	return r ? r : c;
}

/* Identity sequences continue after the copied ids, as SQLite's rowids would. */
static int advance_sequences(cu_store *to, const table *t)
{
	for (int i = 0; i < t->nid; i++) {
		cu_buf sql, qname;
		int r;
		cu_buf_init(&sql, 0);
		cu_buf_init(&qname, 0);
		if ((r = quote(&qname, t->name)) != 0 ||
		    (r = cu_buf_puts(&sql, "SELECT setval(pg_get_serial_sequence(?1, ?2), m) FROM"
		                           " (SELECT max(")) != 0 ||
		    (r = quote(&sql, t->idcols[i])) != 0 || (r = cu_buf_puts(&sql, ") AS m FROM ")) ||
		    (r = quote(&sql, t->name)) != 0 || (r = cu_buf_puts(&sql, ") x WHERE m IS NOT NULL"))) {
			cu_buf_free(&sql);
			cu_buf_free(&qname);
			return nomem();
		}
		db_stmt *st = sq_prepare(to, sql.data);
		if (st) {
			sq_bind_text(st, 1, qname.data);
			sq_bind_text(st, 2, t->idcols[i]);
			int rc = db_step(st);
			r = rc == DB_ROW || rc == DB_DONE ? 0 : sq_dberr(to, rc, "copy: sequences");
			sq_finalize(st);
		} else {
			r = CU_EDB;
		}
		cu_buf_free(&sql);
		cu_buf_free(&qname);
		if (r)
			return r;
	}
	return 0;
}

/* ---- Checks ------------------------------------------------------------- */

static int first_text(cu_store *s, const char *sql, char *out, size_t n, const char *what)
{
	db_stmt *st = sq_prepare(s, sql);
	if (!st)
		return CU_EDB;
	int rc = db_step(st), r = 0;
	out[0] = '\0';
	if (rc == DB_ROW)
		snprintf(out, n, "%s", col_text(st, 0));
	else if (rc != DB_DONE)
		r = sq_dberr(s, rc, what);
	sq_finalize(st);
	return r;
}

/* Whether any table of the current schema (schema_version aside) has a row. */
static int pg_holds_rows(cu_store *s, char *table_out, size_t n, bool *any)
{
	static const char list[] =
		"SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
		" WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')"
		" AND c.relname <> 'schema_version' ORDER BY c.relname";
	db_stmt *st = sq_prepare(s, list);
	json_t *names = json_array(), *v;
	size_t i;
	int rc, r = 0;
	*any = false;
	if (!st) {
		json_decref(names);
		return CU_EDB;
	}
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(names, json_string(col_text(st, 0)));
	if (rc != DB_DONE)
		r = sq_dberr(s, rc, "copy: the target's tables");
	sq_finalize(st);
	json_array_foreach(names, i, v) {
		cu_buf sql;
		char got[8];
		if (r || *any)
			break;
		cu_buf_init(&sql, 0);
		if (cu_buf_puts(&sql, "SELECT 1 FROM ") || quote(&sql, json_string_value(v)) ||
		    cu_buf_puts(&sql, " LIMIT 1")) {
			r = nomem();
		} else if ((r = first_text(s, sql.data, got, sizeof(got), "copy: the target")) == 0 &&
		           got[0]) {
			*any = true;
			snprintf(table_out, n, "%s", json_string_value(v));
		}
		cu_buf_free(&sql);
	}
	json_decref(names);
	return r;
}

/* Text goes in and comes out as UTF-8, byte for byte. */
static int check_encoding(cu_store *to)
{
	char server[32], client[32];
	int r;
	if ((r = first_text(to, "SHOW server_encoding", server, sizeof(server), "copy")) != 0 ||
	    (r = first_text(to, "SHOW client_encoding", client, sizeof(client), "copy")) != 0)
		return r;
	if (strcmp(server, "UTF8") || strcmp(client, "UTF8"))
		return cu_error_set(CU_EINVALID, "copy: the PostgreSQL database's encoding is %s"
		                    " (client %s); custodia's records need UTF8", server, client);
	return 0;
}

/* ---- The copy ----------------------------------------------------------- */

/* Whether any table the copy writes already has a row in the target. */
static int target_holds_rows(cu_store *to, const tables *ts, char *busy, size_t n, bool *any)
{
	int r = 0;
	*any = false;
	for (int i = 0; !r && !*any && i < ts->n; i++) {
		cu_buf sql;
		char got[8];
		if (ts->v[i].order < 0)
			continue;
		cu_buf_init(&sql, 0);
		if (cu_buf_puts(&sql, "SELECT 1 FROM ") || quote(&sql, ts->v[i].name) ||
		    cu_buf_puts(&sql, " LIMIT 1"))
			r = nomem();
		else if ((r = first_text(to, sql.data, got, sizeof(got), "copy: the target")) == 0 &&
		         got[0]) {
			*any = true;
			snprintf(busy, n, "%s", ts->v[i].name);
		}
		cu_buf_free(&sql);
	}
	return r;
}

static int copy_all(cu_store *from, cu_store *to, json_t *counts, int64_t *total)
{
	cu_store *pg = from->pg ? from : to, *sq = from->pg ? to : from;
	tables ts = {0};
	table **order = NULL;
	char busy[64];
	bool any;
	int n = 0, r;
	if ((r = check_encoding(pg)) != 0 || (r = load_pg(pg, &ts)) != 0 ||
	    (r = match_sqlite(sq, &ts)) != 0 || (r = copy_order(&ts, &order, &n)) != 0)
		goto out;
	/* Inside the transaction (and its write lock): nobody fills it meanwhile. */
	if ((r = target_holds_rows(to, &ts, busy, sizeof(busy), &any)) != 0)
		goto out;
	if (any) {
		r = cu_error_set(CU_EEXISTS, "copy: the %s database already holds records"
		                 " (table %s); the copy goes into an empty one",
		                 to->pg ? "PostgreSQL" : "SQLite", busy);
		goto out;
	}
	for (int k = 0; k < n; k++) {
		table *t = order[k];
		digest src = {0}, dst = {0};
		if ((r = copy_rows(from, to, t, &src)) != 0 || (r = digest_target(to, t, &dst)) != 0)
			break;
		if (src.rows != dst.rows || src.a != dst.a || src.b != dst.b) {
			r = cu_error_set(CU_EVERIFY, "copy: table %s: the target holds %llu rows that"
			                 " differ from the source's %llu (a value stored differently)",
			                 t->name, (unsigned long long)dst.rows,
			                 (unsigned long long)src.rows);
			break;
		}
		/* SQLite's rowids continue after the largest by themselves. */
		if (to->pg && (r = advance_sequences(to, t)) != 0)
			break;
		json_object_set_new(counts, t->name, json_integer(t->rows));
		*total += t->rows;
	}
out:
	free(order);
	tables_free(&ts);
	return r;
}

int cu_store_copy(cu_store *from, cu_store *to, json_t **report)
{
	json_t *counts = json_object();
	int64_t total = 0;
	int r, vf, vt;
	*report = NULL;
	if (!from->pg == !to->pg) {
		json_decref(counts);
		return cu_error_set(CU_EINVALID, "copy: from one engine to the other only");
	}
	if ((vf = cu_store_schema_version(from)) != (vt = cu_store_schema_version(to))) {
		json_decref(counts);
		return cu_error_set(CU_ESCHEMA, "copy: the source has schema version %d, the target %d",
		                    vf, vt);
	}
	/* One snapshot of the source (nested in the caller's lock, if it holds
	 * one; REPEATABLE READ on PostgreSQL), one transaction on the target:
	 * all of it or nothing. */
	if ((r = cu_store_read_begin(from)) != 0) {
		json_decref(counts);
		return r;
	}
	if ((r = cu_store_begin(to)) == 0) {
		r = copy_all(from, to, counts, &total);
		if (r == 0)
			r = cu_store_commit(to);
		else
			cu_store_rollback(to);
	}
	cu_store_read_end(from);
	if (r) {
		json_decref(counts);
		return r;
	}
	json_t *skipped = json_array();
	for (int i = 0; derived[i]; i++)
		json_array_append_new(skipped, json_string(derived[i]));
	*report = json_pack("{s:o, s:I, s:o}", "tables", counts, "rows", (json_int_t)total,
	                    "rebuilt", skipped);
	return 0;
}

/* ---- Snapshots ---------------------------------------------------------- */

/* SQLite's online backup of the whole database, in one step: one read
 * transaction, so one snapshot, while writers go on (WAL). */
static int snapshot_sqlite(cu_store *s, const char *path)
{
	sqlite3 *dst = NULL;
	int r = 0, rc;
	/* 0600 from its first byte, as the store makes its own. */
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return cu_error_set(CU_EIO, "cannot create %s: %s", path, strerror(errno));
	close(fd);
	if ((rc = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE, NULL)) != SQLITE_OK) {
		r = cu_error_set(CU_EDB, "cannot open %s: %s", path,
		                 dst ? sqlite3_errmsg(dst) : "out of memory");
		goto out;
	}
	sqlite3_busy_timeout(dst, 10000);
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", s->db, "main");
	if (!b) {
		r = cu_error_set(CU_EDB, "snapshot: %s", sqlite3_errmsg(dst));
		goto out;
	}
	/* A busy source (a writer checkpointing) is waited for, not given up on. */
	for (int tries = 0; tries < 200; tries++) {
		rc = sqlite3_backup_step(b, -1);
		if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
			break;
		sqlite3_sleep(50);
	}
	int fin = sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE || fin != SQLITE_OK)
		r = cu_error_set(CU_EDB, "snapshot: SQLite's online backup failed: %s",
		                 rc != SQLITE_DONE ? sqlite3_errstr(rc) : sqlite3_errmsg(dst));
out:
	if (dst && sqlite3_close(dst) != SQLITE_OK && !r)
		r = cu_error_set(CU_EDB, "snapshot: cannot close %s", path);
	return r;
}

int cu_store_snapshot(cu_store *s, const char *dir, json_t **report)
{
	char path[PATH_MAX];
	cu_store *dst = NULL;
	int r;
	*report = NULL;
	if (snprintf(path, sizeof(path), "%s/custodia.db", dir) >= (int)sizeof(path))
		return cu_error_set(CU_EINVALID, "path too long");
	if (access(path, F_OK) == 0)
		return cu_error_set(CU_EEXISTS, "%s exists already", path);
	if (!s->pg) {
		if ((r = snapshot_sqlite(s, path)) != 0)
			unlink(path);
		else
			*report = json_pack("{s:s, s:s}", "engine", "sqlite", "method", "online backup");
		return r;
	}
	/* PostgreSQL: a new SQLite database with the same schema, every table
	 * copied from one REPEATABLE READ snapshot and read back. */
	json_t *copy = NULL;
	if ((r = sq_open_sqlite_new(&dst, dir)) == 0 && (r = cu_store_copy(s, dst, &copy)) == 0)
		*report = json_pack("{s:s, s:s, s:o}", "engine", "postgresql", "method",
		                    "copy in one snapshot", "copy", copy);
	cu_store_close(dst);
	if (r) {
		char side[PATH_MAX + 8];
		unlink(path);
		snprintf(side, sizeof(side), "%s-wal", path);
		unlink(side);
		snprintf(side, sizeof(side), "%s-shm", path);
		unlink(side);
	}
	return r;
}

/* ---- Around the copy ---------------------------------------------------- */

int cu_store_pg_vacant(const char *url)
{
	char db[256], busy[64];
	bool any = false;
	int r;
	if ((r = pg_url_dbname(url, db, sizeof(db))) != 0 || !db[0])
		return r; /* no database named: cu_store_open makes a new one */
	cu_store *s = calloc(1, sizeof(*s));
	if (!s)
		return nomem();
	if ((r = pg_open(s, url, false)) == 0 && (r = pg_holds_rows(s, busy, sizeof(busy), &any)) == 0 &&
	    any)
		r = cu_error_set(CU_EEXISTS, "the PostgreSQL database %s already holds records (table"
		                 " %s): name an empty database, or give the server's URL without a"
		                 " database name to make one", db, busy);
	cu_store_close(s);
	return r;
}

int cu_store_pg_drop(const char *url)
{
	char db[256], sql[320];
	int r;
	if ((r = pg_url_dbname(url, db, sizeof(db))) != 0)
		return r;
	/* Only what cu_store_open makes: custodia_ and 16 hex digits. */
	bool ours = strlen(db) == 25 && !strncmp(db, "custodia_", 9) &&
	            strspn(db + 9, "0123456789abcdef") == 16;
	if (!ours)
		return cu_error_set(CU_EINVALID, "not dropping %s: custodia did not make it", db);
	const char *keys[] = {"dbname", "dbname", NULL};
	const char *vals[] = {url, "postgres", NULL};
	PGconn *c = PQconnectdbParams(keys, vals, 1);
	if (!c || PQstatus(c) != CONNECTION_OK) {
		r = cu_error_set(CU_EDB, "cannot connect to PostgreSQL: %s",
		                 c ? PQerrorMessage(c) : "out of memory");
		PQfinish(c);
		return r;
	}
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s", db);
	PGresult *res = PQexec(c, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		r = cu_error_set(CU_EDB, "cannot drop database %s: %s", db, PQresultErrorMessage(res));
	PQclear(res);
	PQfinish(c);
	return r;
}

/*
 * Every connection of SQLite's unix VFS to a WAL database holds a read lock
 * on byte 128 of its -shm file (the "DMS" lock) while it is open; F_GETLK
 * reports another process's lock there with its pid. Closing a descriptor
 * drops all of this process's POSIX locks on the file, which is why the
 * caller must hold no connection to it.
 */
int cu_store_sqlite_users(const char *dbpath, long *pid)
{
	char shm[4096];
	*pid = 0;
	if (snprintf(shm, sizeof(shm), "%s-shm", dbpath) >= (int)sizeof(shm))
		return cu_error_set(CU_EINVALID, "path too long");
	int fd = open(shm, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : cu_error_set(CU_EIO, "cannot open %s: %s", shm,
		                                            strerror(errno));
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 128, .l_len = 1};
	int r = 0;
	if (fcntl(fd, F_GETLK, &fl) != 0)
		r = cu_error_set(CU_EIO, "cannot test the locks of %s: %s", shm, strerror(errno));
	else if (fl.l_type != F_UNLCK)
		*pid = fl.l_pid > 0 ? (long)fl.l_pid : -1;
	close(fd);
	return r;
}
