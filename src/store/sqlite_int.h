/* SPDX-License-Identifier: Apache-2.0 */
/* store: helpers shared by the SQLite implementation's files (private to store). */
#ifndef CU_STORE_SQLITE_INT_H
#define CU_STORE_SQLITE_INT_H

#include <sqlite3.h>

#include "store/store.h"

#define NSTMT 256 /* statements cached per connection (about 100 in use) */

struct cu_store {
	sqlite3 *db;
	int depth;     /* nesting of cu_store_begin */
	bool failed;   /* an inner level rolled back: the outermost must too */
	struct {
		const char *sql; /* static strings: cached by address */
		sqlite3_stmt *st;
	} cache[NSTMT];
	int ncache;
	void *ledger_cache; /* core's in-memory tree edge and tiles: dropped on rollback */
	sqlite3_stmt *records[2]; /* cu_store_records_next's walks (custody, events) */
};

/* A cached statement for a static SQL string, reset and ready to bind. */
sqlite3_stmt *sq_stmt(cu_store *s, const char *sql);
void sq_bind_text(sqlite3_stmt *st, int i, const char *v);
void sq_bind_json(sqlite3_stmt *st, int i, const json_t *v);
/* A row as an object: "x_json" columns are parsed, "x_bool" become booleans. */
json_t *sq_row_json(sqlite3_stmt *st);
/* Steps a statement that returns no rows. */
int sq_exec(cu_store *s, sqlite3_stmt *st, const char *what);
int sq_insert(cu_store *s, sqlite3_stmt *st, const char *what, int64_t *out_id);
int sq_rows(cu_store *s, json_t **out, sqlite3_stmt *st, const char *what);
/* The first column of every row, as a JSON array of integers (ids). */
int sq_ids(cu_store *s, json_t **out, sqlite3_stmt *st, const char *what);
/* One row; CU_ENOTFOUND if none. */
int sq_row(cu_store *s, json_t **out, sqlite3_stmt *st, const char *what);
/* A static query with one integer parameter (?1): its one row, or all its rows. */
int sq_row_id(cu_store *s, json_t **out, const char *sql, int64_t id, const char *what);
int sq_rows_id(cu_store *s, json_t **out, const char *sql, int64_t id, const char *what);
int sq_dberr(cu_store *s, int rc, const char *what);
void sq_copy_col(char *dst, size_t n, sqlite3_stmt *st, int i);
int sq_refresh_case_doc(cu_store *s, int64_t case_id);
/* Runs SQL text (no parameters). */
int sq_exec_sql(cu_store *s, const char *sql, const char *what);
/* Registers the SQL functions migration 10 uses to pack stored hashes into tiles. */
int sq_ledger_register(cu_store *s);
/* Registers the "custodia" FTS5 tokenizer on the connection. */
int sq_search_register(cu_store *s);

#endif
