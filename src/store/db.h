/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store: the two SQL engines under one statement interface (private to store).
 *
 * The store's files speak SQL through these calls, modelled on SQLite's own
 * (prepare, bind, step, column, reset), so that one implementation of
 * store.h serves both engines: SQLite directly, PostgreSQL through libpq
 * (db_pg.c). On SQLite every call is the SQLite call it wraps; on
 * PostgreSQL a statement collects its parameters, runs on its first step
 * and hands out the rows of its result.
 *
 * SQL is written in the dialect both engines share (ON CONFLICT, RETURNING,
 * COALESCE, ...); ?NNN and :name parameters become $N for PostgreSQL. Where
 * the engines differ, a statement carries one text for each (db_sql2).
 */
#ifndef CU_STORE_DB_H
#define CU_STORE_DB_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#define DB_ROW SQLITE_ROW
#define DB_DONE SQLITE_DONE
#define DB_INTEGER SQLITE_INTEGER
#define DB_FLOAT SQLITE_FLOAT
#define DB_TEXT SQLITE_TEXT
#define DB_BLOB SQLITE_BLOB
#define DB_NULL SQLITE_NULL
#define DB_STATIC SQLITE_STATIC
#define DB_TRANSIENT SQLITE_TRANSIENT

typedef struct pg_stmt pg_stmt;

typedef struct db_stmt {
	sqlite3_stmt *sq; /* one of the two */
	pg_stmt *pg;
} db_stmt;

/* PostgreSQL's halves of the calls below (db_pg.c). */
void pg_must(pg_stmt *st);
int pg_bind_int64(pg_stmt *st, int i, int64_t v);
int pg_bind_double(pg_stmt *st, int i, double v);
int pg_bind_text(pg_stmt *st, int i, const char *v, int n, void (*dtor)(void *));
int pg_bind_blob(pg_stmt *st, int i, const void *v, int n, void (*dtor)(void *));
int pg_bind_null(pg_stmt *st, int i);
int pg_bind_parameter_index(pg_stmt *st, const char *name);
int pg_step(pg_stmt *st);
void pg_reset(pg_stmt *st);
void pg_clear_bindings(pg_stmt *st);
int pg_column_count(pg_stmt *st);
const char *pg_column_name(pg_stmt *st, int i);
int pg_column_type(pg_stmt *st, int i);
int64_t pg_column_int64(pg_stmt *st, int i);
double pg_column_double(pg_stmt *st, int i);
const unsigned char *pg_column_text(pg_stmt *st, int i);
const void *pg_column_blob(pg_stmt *st, int i);
int pg_column_bytes(pg_stmt *st, int i);
void pg_finalize(pg_stmt *st);

/*
 * A write whose failure ends its transaction (the ledger's and the records'
 * appends: nothing goes on after one fails). On PostgreSQL it then needs no
 * savepoint of its own (db_pg.c), a round trip's server work less on the
 * hottest path. SQLite: nothing to do.
 */
static inline void db_must(db_stmt *st)
{
	if (st && st->pg)
		pg_must(st->pg);
}

static inline int db_bind_int64(db_stmt *st, int i, int64_t v)
{
	return st->pg ? pg_bind_int64(st->pg, i, v) : sqlite3_bind_int64(st->sq, i, v);
}
static inline int db_bind_int(db_stmt *st, int i, int v)
{
	return db_bind_int64(st, i, v);
}
static inline int db_bind_double(db_stmt *st, int i, double v)
{
	return st->pg ? pg_bind_double(st->pg, i, v) : sqlite3_bind_double(st->sq, i, v);
}
static inline int db_bind_text(db_stmt *st, int i, const char *v, int n, void (*dtor)(void *))
{
	return st->pg ? pg_bind_text(st->pg, i, v, n, dtor) : sqlite3_bind_text(st->sq, i, v, n, dtor);
}
static inline int db_bind_blob(db_stmt *st, int i, const void *v, int n, void (*dtor)(void *))
{
	return st->pg ? pg_bind_blob(st->pg, i, v, n, dtor) : sqlite3_bind_blob(st->sq, i, v, n, dtor);
}
static inline int db_bind_null(db_stmt *st, int i)
{
	return st->pg ? pg_bind_null(st->pg, i) : sqlite3_bind_null(st->sq, i);
}
static inline int db_bind_parameter_index(db_stmt *st, const char *name)
{
	return st->pg ? pg_bind_parameter_index(st->pg, name)
	              : sqlite3_bind_parameter_index(st->sq, name);
}
static inline int db_step(db_stmt *st)
{
	return st->pg ? pg_step(st->pg) : sqlite3_step(st->sq);
}
static inline void db_reset(db_stmt *st)
{
	if (st->pg)
		pg_reset(st->pg);
	else
		sqlite3_reset(st->sq);
}
static inline void db_clear_bindings(db_stmt *st)
{
	if (st->pg)
		pg_clear_bindings(st->pg);
	else
		sqlite3_clear_bindings(st->sq);
}
static inline int db_column_count(db_stmt *st)
{
	return st->pg ? pg_column_count(st->pg) : sqlite3_column_count(st->sq);
}
static inline const char *db_column_name(db_stmt *st, int i)
{
	return st->pg ? pg_column_name(st->pg, i) : sqlite3_column_name(st->sq, i);
}
static inline int db_column_type(db_stmt *st, int i)
{
	return st->pg ? pg_column_type(st->pg, i) : sqlite3_column_type(st->sq, i);
}
static inline int64_t db_column_int64(db_stmt *st, int i)
{
	return st->pg ? pg_column_int64(st->pg, i) : sqlite3_column_int64(st->sq, i);
}
static inline int db_column_int(db_stmt *st, int i)
{
	return (int)db_column_int64(st, i);
}
static inline double db_column_double(db_stmt *st, int i)
{
	return st->pg ? pg_column_double(st->pg, i) : sqlite3_column_double(st->sq, i);
}
static inline const unsigned char *db_column_text(db_stmt *st, int i)
{
	return st->pg ? pg_column_text(st->pg, i) : sqlite3_column_text(st->sq, i);
}
static inline const void *db_column_blob(db_stmt *st, int i)
{
	return st->pg ? pg_column_blob(st->pg, i) : sqlite3_column_blob(st->sq, i);
}
static inline int db_column_bytes(db_stmt *st, int i)
{
	return st->pg ? pg_column_bytes(st->pg, i) : sqlite3_column_bytes(st->sq, i);
}

#endif
