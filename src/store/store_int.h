/* SPDX-License-Identifier: Apache-2.0 */
/* store: helpers shared by the store's files (private to store). */
#ifndef CU_STORE_INT_H
#define CU_STORE_INT_H

#include <sqlite3.h>

#include "store/db.h"
#include "store/store.h"
#include "util/util.h"

typedef struct pg_conn pg_conn;

/* Rows a PostgreSQL write transaction holds back until a flush point (defer.c). */
enum { DEFER_EVENTS, DEFER_ENTRIES, DEFER_TILES, DEFER_N };
typedef struct sq_defer {
	cu_buf rows[DEFER_N]; /* each table's rows in COPY's text format */
	int64_t nrows[DEFER_N];
	int64_t seq_next;     /* the next events.seq to hand out, or -1: none drawn yet */
	int64_t seq_set;      /* where events' sequence stands (nextval, then each flush) */
	int failed;           /* a flush failed (its CU_E* code): the transaction cannot commit */
} sq_defer;

#define NSTMT 256 /* statements cached per connection (about 100 in use) */
#define SQ_TX 4   /* transaction statements prepared once (store.c) */

struct cu_store {
	sqlite3 *db;   /* SQLite, or */
	pg_conn *pg;   /* PostgreSQL (db_pg.c) */
	int depth;     /* nesting of cu_store_begin */
	bool failed;   /* an inner level rolled back: the outermost must too */
	bool sequencer; /* holds the ledger's sequencer claim (PostgreSQL) */
	unsigned sequencer_session; /* in this session of the connection (pg_session) */
	bool writing;   /* in a write transaction (holding the write lock) */
	bool no_writes; /* cu_store_refuse_writes: an event loop's connection */
	bool refused;   /* a write was refused since cu_store_write_refused last asked */
	int64_t lsize;  /* the ledger's size in this write transaction, or -1 */
	struct {
		const char *sql; /* static strings: cached by address */
		db_stmt st;
	} cache[NSTMT];
	int ncache;
	sqlite3_stmt *tx[SQ_TX]; /* BEGIN, BEGIN IMMEDIATE, COMMIT, ROLLBACK (SQLite, store.c) */
	void *ledger_cache; /* core's in-memory tree edge and tiles: dropped on rollback */
	db_stmt *records[2]; /* cu_store_records_next's walks (custody, events) */
	sq_defer defer;      /* PostgreSQL: rows held back in a write transaction */
};

/*
 * defer.c. sq_defer_on: rows of events, ledger_entries and ledger_tiles are
 * held back now (PostgreSQL, in a write transaction); the sq_defer_* writers
 * then replace their INSERTs. sq_defer_flush sends them (also the connection's
 * flush callback); sq_defer_discard drops them (any rollback), sq_defer_end
 * when the transaction is over.
 */
void sq_defer_init(cu_store *s);
void sq_defer_free(cu_store *s);
bool sq_defer_on(cu_store *s);
int sq_defer_event(cu_store *s, int64_t *out_seq, const cu_event *ev);
int sq_defer_entry(cu_store *s, int64_t n, const char *entry, size_t len, const char *kind,
                   int64_t ref);
int sq_defer_tile(cu_store *s, int64_t id, const uint8_t *hashes);
int sq_defer_flush(cu_store *s);
/* The commit's flush: with COMMIT in its last round trip when it can (*committed). */
int sq_defer_commit(cu_store *s, bool *committed);
void sq_defer_discard(cu_store *s);
void sq_defer_end(cu_store *s);

/* A cached statement for a static SQL string, reset and ready to bind. */
db_stmt *sq_stmt(cu_store *s, const char *sql);
/* The same, with one text per engine where their dialects differ. */
db_stmt *sq_stmt2(cu_store *s, const char *sqlite_sql, const char *pg_sql);
/* An uncached statement (for walks that run while cached ones are used). */
db_stmt *sq_prepare(cu_store *s, const char *sql);
void sq_finalize(db_stmt *st);
/* Rows changed by the last INSERT, UPDATE or DELETE. */
int64_t db_changes(cu_store *s);
void sq_bind_text(db_stmt *st, int i, const char *v);
void sq_bind_json(db_stmt *st, int i, const json_t *v);
/* A row as an object: "x_json" columns are parsed, "x_bool" become booleans. */
json_t *sq_row_json(db_stmt *st);
/* The same of the first n columns only. */
json_t *sq_row_json_n(db_stmt *st, int n);
/* Steps a statement that returns no rows. */
int sq_exec(cu_store *s, db_stmt *st, const char *what);
int sq_insert(cu_store *s, db_stmt *st, const char *what, int64_t *out_id);
int sq_rows(cu_store *s, json_t **out, db_stmt *st, const char *what);
/* The first column of every row, as a JSON array of integers (ids). */
int sq_ids(cu_store *s, json_t **out, db_stmt *st, const char *what);
/* One row; CU_ENOTFOUND if none. */
int sq_row(cu_store *s, json_t **out, db_stmt *st, const char *what);
/* A static query with one integer parameter (?1): its one row, or all its rows. */
int sq_row_id(cu_store *s, json_t **out, const char *sql, int64_t id, const char *what);
int sq_rows_id(cu_store *s, json_t **out, const char *sql, int64_t id, const char *what);
/* The same with one text per engine. */
int sq_row_id2(cu_store *s, json_t **out, const char *sql, const char *pg, int64_t id,
               const char *what);
int sq_rows_id2(cu_store *s, json_t **out, const char *sql, const char *pg, int64_t id,
                const char *what);
int sq_dberr(cu_store *s, int rc, const char *what);
void sq_copy_col(char *dst, size_t n, db_stmt *st, int i);
int sq_refresh_case_doc(cu_store *s, int64_t case_id);
/* Runs SQL text (no parameters). */
int sq_exec_sql(cu_store *s, const char *sql, const char *what);
/* Registers the SQL functions migration 10 uses to pack stored hashes into tiles. */
int sq_ledger_register(cu_store *s);
/* Registers the "custodia" FTS5 tokenizer on the connection. */
int sq_search_register(cu_store *s);

/* A new SQLite database DATA/custodia.db with the latest schema, whatever
 * CUSTODIA_DB says (a snapshot of PostgreSQL's records); CU_EEXISTS if there
 * is one. */
int sq_open_sqlite_new(cu_store **out, const char *datadir);

/* PostgreSQL's connection (db_pg.c). */
/* Connects; with `create`, makes the database if the URL names none. */
int pg_open(cu_store *s, const char *url, bool create);
/* The database a PostgreSQL URL names, or "" (libpq's rules; loads libpq). */
int pg_url_dbname(const char *url, char *out, size_t n);
/* The URL of the connection's database (what DATA/database records). */
const char *pg_url(pg_conn *c);
void pg_close(pg_conn *c);
/* persistent: cached for the connection's life (prepared on the server). */
pg_stmt *pg_prepare(pg_conn *c, const char *sql, bool persistent);
/* Runs SQL text without parameters: the rows it returned, or -1. */
int pg_exec(pg_conn *c, const char *sql);
int64_t pg_changes(pg_conn *c);
int64_t pg_last_id(pg_conn *c);
bool pg_in_transaction(pg_conn *c);
/*
 * A session the server ended (a restart, a failover, a network cut) is
 * noticed by the statement that fails; pg_reconnect then opens a new one
 * with the same parameters: 0 if the session was fine, 1 if it is new
 * (statements are prepared again as they run; session locks are gone), or
 * CU_EDB if the server is unreachable. pg_lost: the session is known dead.
 */
int pg_reconnect(pg_conn *c);
bool pg_lost(pg_conn *c);
/* Counts the sessions of a connection (a new one after each reconnect). */
unsigned pg_session(pg_conn *c);
/* Whether a write transaction is open: its changes then fail one by one. */
void pg_guard(pg_conn *c, bool on);
/* The last error: its SQLSTATE class mapped to a CU_E* code, and message. */
int pg_error(pg_conn *c, const char *what);
/*
 * Rows held back in a write transaction (defer.c). fn sends them; it runs
 * before any statement that names one of their tables (db_pg.c's
 * names_deferred) and before any SQL text but ROLLBACK, while the store has
 * said that rows are waiting (pg_set_deferred). On failure it leaves its
 * error in the connection (pg_error) and returns a CU_E* code.
 */
void pg_set_flush(pg_conn *c, int (*fn)(void *ctx), void *ctx);
void pg_set_deferred(pg_conn *c, bool on);
/* A statement of pg_pipeline: SQL with $1..$n, the values as text (NULL: SQL NULL). */
typedef struct pg_query {
	const char *sql;
	int n;
	const char *const *vals;
} pg_query;
/* Runs n statements in one round trip: 0, or -1 at the first failure (pg_error). */
int pg_pipeline(pg_conn *c, int n, const pg_query *q);
/* COPY ... FROM STDIN of `data`, rows in COPY's text format: 0, or -1 (pg_error). */
int pg_copy(pg_conn *c, const char *copy_sql, const char *data, size_t len);

#endif
