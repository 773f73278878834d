/* SPDX-License-Identifier: Apache-2.0 */
/* store: the SQLite implementation of the store interface. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/schema.h"
#include "store/store_int.h"

int cu_store_schema_latest(void)
{
	return cu_schema_count;
}

/* Failures of the engine itself, process-wide (GET /metrics). */
static atomic_uint_fast64_t engine_errors;

uint64_t cu_store_error_count(void)
{
	return atomic_load_explicit(&engine_errors, memory_order_relaxed);
}

/* Counts what the engine failed at; a refused duplicate or CHECK is the caller's. */
static int counted(int r)
{
	if (r == CU_EDB || r == CU_EIO)
		atomic_fetch_add_explicit(&engine_errors, 1, memory_order_relaxed);
	return r;
}

static int dberr(cu_store *s, int rc, const char *what);

int sq_dberr(cu_store *s, int rc, const char *what)
{
	return counted(dberr(s, rc, what));
}

static int dberr(cu_store *s, int rc, const char *what)
{
	if (s->pg)
		return pg_error(s->pg, what);
	int ext = sqlite3_extended_errcode(s->db);
	const char *msg = sqlite3_errmsg(s->db);
	if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
		return cu_error_set(CU_EEXISTS, "%s: already exists (%s)", what, msg);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return cu_error_set(CU_EINVALID, "%s: %s", what, msg);
	if ((rc & 0xff) == SQLITE_BUSY)
		return cu_error_set(CU_EDB, "%s: the database is busy", what);
	if ((rc & 0xff) == SQLITE_FULL)
		return cu_error_set(CU_ENOSPACE, "%s: the disk is full", what);
	if ((rc & 0xff) == SQLITE_READONLY)
		return cu_error_set(CU_EIO, "%s: the database is read-only", what);
	return cu_error_set(CU_EDB, "%s: %s", what, msg);
}

int64_t db_changes(cu_store *s)
{
	return s->pg ? pg_changes(s->pg) : sqlite3_changes(s->db);
}

static int prepare(cu_store *s, db_stmt *out, const char *sql, bool persistent)
{
	out->sq = NULL;
	out->pg = NULL;
	if (s->pg)
		return (out->pg = pg_prepare(s->pg, sql, persistent)) ? 0 : CU_ENOMEM;
	if (sqlite3_prepare_v3(s->db, sql, -1, persistent ? SQLITE_PREPARE_PERSISTENT : 0,
	                       &out->sq, NULL) != SQLITE_OK)
		return counted(cu_error_set(CU_EDB, "prepare: %s", sqlite3_errmsg(s->db)));
	return 0;
}

db_stmt *sq_prepare(cu_store *s, const char *sql)
{
	db_stmt *st = malloc(sizeof(*st));
	if (!st) {
		cu_error_set(CU_ENOMEM, "out of memory");
		return NULL;
	}
	if (prepare(s, st, sql, false) != 0) {
		free(st);
		return NULL;
	}
	return st;
}

void sq_finalize(db_stmt *st)
{
	if (!st)
		return;
	if (st->pg)
		pg_finalize(st->pg);
	else
		sqlite3_finalize(st->sq);
	free(st);
}

/* A cached statement for a static SQL string, reset and ready to bind. */
db_stmt *sq_stmt2(cu_store *s, const char *sqlite_sql, const char *pg_sql)
{
	const char *sql = s->pg ? pg_sql : sqlite_sql;
	for (int i = 0; i < s->ncache; i++) {
		if (s->cache[i].sql == sql) {
			db_reset(&s->cache[i].st);
			db_clear_bindings(&s->cache[i].st);
			return &s->cache[i].st;
		}
	}
	if (s->ncache == NSTMT) {
		/* An uncached statement would be prepared on every call and never freed. */
		cu_error_set(CU_EDB, "the statement cache is full (raise NSTMT)");
		return NULL;
	}
	if (prepare(s, &s->cache[s->ncache].st, sql, true) != 0)
		return NULL;
	s->cache[s->ncache].sql = sql;
	return &s->cache[s->ncache++].st;
}

db_stmt *sq_stmt(cu_store *s, const char *sql)
{
	return sq_stmt2(s, sql, sql);
}

void sq_bind_text(db_stmt *st, int i, const char *v)
{
	/* A NULL pointer binds a NULL of type text, which PostgreSQL needs in
	 * "(?1 IS NULL OR col = ?1)" (SQLite binds a NULL either way). */
	db_bind_text(st, i, v, -1, DB_TRANSIENT);
}

/*
 * A row as a JSON object. Column naming conventions: "x_json" holds JSON text
 * and becomes x; "x_bool" holds 0/1 and becomes a boolean x.
 */
json_t *sq_row_json(db_stmt *st)
{
	return sq_row_json_n(st, db_column_count(st));
}

json_t *sq_row_json_n(db_stmt *st, int n)
{
	json_t *o = json_object();
	for (int i = 0; i < n; i++) {
		const char *name = db_column_name(st, i);
		size_t nl = strlen(name);
		char key[64];
		json_t *v;
		/* as snprintf(key, sizeof(key), "%s", name), without its cost per cell */
		memcpy(key, name, nl < sizeof(key) ? nl : sizeof(key) - 1);
		key[nl < sizeof(key) ? nl : sizeof(key) - 1] = '\0';
		if (nl > 5 && strcmp(name + nl - 5, "_json") == 0) {
			key[nl - 5 < sizeof(key) ? nl - 5 : sizeof(key) - 1] = '\0';
			const char *t = (const char *)db_column_text(st, i);
			v = t ? json_loads(t, 0, NULL) : NULL;
			if (!v)
				v = json_null();
		} else if (nl > 5 && strcmp(name + nl - 5, "_bool") == 0) {
			key[nl - 5 < sizeof(key) ? nl - 5 : sizeof(key) - 1] = '\0';
			v = json_boolean(db_column_int(st, i));
		} else {
			switch (db_column_type(st, i)) {
			case DB_INTEGER: v = json_integer(db_column_int64(st, i)); break;
			case DB_FLOAT: v = json_real(db_column_double(st, i)); break;
			case DB_NULL: v = json_null(); break;
			default: v = json_string((const char *)db_column_text(st, i));
			}
		}
		json_object_set_new(o, key, v ? v : json_null());
	}
	return o;
}

/* Steps a statement that returns no rows. */
int sq_exec(cu_store *s, db_stmt *st, const char *what)
{
	int rc = db_step(st);
	if (rc != DB_DONE && rc != DB_ROW) {
		int r = sq_dberr(s, rc, what);
		db_reset(st);
		return r;
	}
	db_reset(st);
	return 0;
}

/* Runs an INSERT; the new row's id goes to *out_id (if wanted). */
int sq_insert(cu_store *s, db_stmt *st, const char *what, int64_t *out_id)
{
	int r = sq_exec(s, st, what);
	if (r == 0 && out_id)
		*out_id = s->pg ? pg_last_id(s->pg) : sqlite3_last_insert_rowid(s->db);
	return r;
}

/* Runs a query and returns its rows as an array. */
int sq_rows(cu_store *s, json_t **out, db_stmt *st, const char *what)
{
	json_t *a = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(a, sq_row_json(st));
	if (rc != DB_DONE) {
		json_decref(a);
		int r = sq_dberr(s, rc, what);
		db_reset(st);
		return r;
	}
	db_reset(st);
	*out = a;
	return 0;
}

int sq_ids(cu_store *s, json_t **out, db_stmt *st, const char *what)
{
	int rc;
	*out = json_array();
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(*out, json_integer(db_column_int64(st, 0)));
	db_reset(st);
	if (rc != DB_DONE) {
		json_decref(*out);
		*out = NULL;
		return sq_dberr(s, rc, what);
	}
	return 0;
}

/* Runs a query for one row as an object; CU_ENOTFOUND if none. */
int sq_row(cu_store *s, json_t **out, db_stmt *st, const char *what)
{
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*out = sq_row_json(st);
		db_reset(st);
		return 0;
	}
	db_reset(st);
	if (rc == DB_DONE)
		return cu_error_set(CU_ENOTFOUND, "%s: not found", what);
	return sq_dberr(s, rc, what);
}

int sq_row_id2(cu_store *s, json_t **out, const char *sql, const char *pg, int64_t id,
               const char *what)
{
	db_stmt *st = sq_stmt2(s, sql, pg);
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, id);
	return sq_row(s, out, st, what);
}

int sq_rows_id2(cu_store *s, json_t **out, const char *sql, const char *pg, int64_t id,
                const char *what)
{
	db_stmt *st = sq_stmt2(s, sql, pg);
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, id);
	return sq_rows(s, out, st, what);
}

int sq_row_id(cu_store *s, json_t **out, const char *sql, int64_t id, const char *what)
{
	return sq_row_id2(s, out, sql, sql, id, what);
}

int sq_rows_id(cu_store *s, json_t **out, const char *sql, int64_t id, const char *what)
{
	return sq_rows_id2(s, out, sql, sql, id, what);
}

static int exec_sql(cu_store *s, const char *sql, const char *what)
{
	if (s->pg)
		return pg_exec(s->pg, sql) >= 0 ? 0 : pg_error(s->pg, what);
	char *msg = NULL;
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		/* A COMMIT that finds the disk full says so, as every other statement does. */
		int r = cu_error_set((rc & 0xff) == SQLITE_FULL ? CU_ENOSPACE : CU_EDB, "%s: %s", what,
		                     msg ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return r;
	}
	return 0;
}

int sq_exec_sql(cu_store *s, const char *sql, const char *what)
{
	return exec_sql(s, sql, what);
}

/*
 * BEGIN, COMMIT and ROLLBACK: on SQLite prepared once per connection, since
 * sqlite3_exec parses them again for every transaction (a read transaction's
 * two cost more than a small query). Outside the statement cache, so that a
 * ROLLBACK after a failure cannot replace that failure's message.
 */
static const char *const tx_text[SQ_TX] = {"BEGIN", "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"};

static int tx_sql(cu_store *s, const char *sql, const char *what)
{
	int k = 0;
	while (k < SQ_TX && strcmp(tx_text[k], sql) != 0)
		k++;
	if (s->pg || k == SQ_TX ||
	    (!s->tx[k] && sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->tx[k],
	                                     NULL) != SQLITE_OK))
		return exec_sql(s, sql, what);
	int rc = sqlite3_step(s->tx[k]);
	sqlite3_reset(s->tx[k]);
	if (rc == SQLITE_DONE)
		return 0;
	return cu_error_set((rc & 0xff) == SQLITE_FULL ? CU_ENOSPACE : CU_EDB, "%s: %s", what,
	                    sqlite3_errmsg(s->db));
}

/*
 * The schema version: SQLite's user_version; on PostgreSQL a one-row table
 * (-1 when there is none yet).
 */
int cu_store_schema_version(cu_store *s)
{
	db_stmt st;
	int v = -1;
	if (s->pg) {
		if (pg_exec(s->pg, "SELECT 1 FROM pg_tables WHERE schemaname = current_schema()"
		                   " AND tablename = 'schema_version'") != 1)
			return 0;
	}
	if (prepare(s, &st, s->pg ? "SELECT version FROM schema_version" : "PRAGMA user_version",
	            false) == 0) {
		if (db_step(&st) == DB_ROW)
			v = db_column_int(&st, 0);
		if (st.pg)
			pg_finalize(st.pg);
		else
			sqlite3_finalize(st.sq);
	}
	return v;
}

/* Writers take turns: SQLite's write lock, or a PostgreSQL advisory lock
 * that every node's writers share (released with the transaction). */
static const char pg_begin_write[] = "BEGIN; SELECT pg_advisory_xact_lock(7337001)";

/* Ends a failed transaction, keeping the error that failed it (SQLite may
 * have rolled back already, and says so). */
static void rollback(cu_store *s)
{
	if (s->pg)
		pg_exec(s->pg, "ROLLBACK");
	else
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

static int newer(int version)
{
	return cu_error_set(CU_ESCHEMA,
	                    "the database has schema version %d but this custodia knows versions"
	                    " up to %d: upgrade custodia (refusing to open it)",
	                    version, cu_schema_count);
}

/*
 * Brings the schema to the latest version. The whole upgrade is one
 * transaction: every pending migration's DDL, data changes and the version
 * bump commit together or not at all, so a failure (a statement, a full
 * disk, a crash) leaves the database at the version it had, which the binary
 * that made it still opens (a binary refuses a newer database). Both engines
 * have transactional DDL. The version is read again under the write lock:
 * another process (another node) may have upgraded meanwhile.
 */
static int migrate(cu_store *s)
{
	int r, version = cu_store_schema_version(s);
	const char *const *const *migrations = s->pg ? cu_schema_pg_migrations : cu_schema_migrations;
	int first = s->pg ? cu_schema_pg_first : 0;
	if (version > cu_schema_count)
		return newer(version);
	if (version == cu_schema_count)
		return 0;
	if ((r = exec_sql(s, s->pg ? pg_begin_write : "BEGIN IMMEDIATE", "migration")) != 0)
		return r;
	version = cu_store_schema_version(s);
	if (version > cu_schema_count) {
		rollback(s);
		return newer(version);
	}
	int had = version, failed = 0;
	if (s->pg && version < first)
		version = first; /* PostgreSQL starts from the schema as it was then */
	r = 0;
	for (int v = version; !r && v < cu_schema_count; v++) {
		char bump[96];
		if (s->pg)
			snprintf(bump, sizeof(bump), "UPDATE schema_version SET version = %d", v + 1);
		else
			snprintf(bump, sizeof(bump), "PRAGMA user_version = %d", v + 1);
		for (const char *const *sql = migrations[v - first]; !r && *sql; sql++)
			r = exec_sql(s, *sql, "migration");
		if (r == 0)
			r = exec_sql(s, bump, "migration");
		if (r != 0)
			failed = v + 1;
	}
	if (r == 0 && (r = exec_sql(s, "COMMIT", "migration")) != 0)
		failed = cu_schema_count;
	if (r != 0) {
		char why[512]; /* the detail, copied before it is overwritten */
		snprintf(why, sizeof(why), "%s", cu_error_message(r));
		r = cu_error_set(r, "migration to schema version %d failed (the database stays at"
		                 " version %d): %s", failed, had, why);
	}
	if (r != 0)
		rollback(s);
	return r;
}

static void configure_library(void)
{
	/*
	 * Memory statistics take a process-wide mutex around every allocation:
	 * with one connection per server thread that is the only lock they would
	 * share. Must run before SQLite initialises.
	 */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3_initialize();
}

/*
 * The database a data directory uses is recorded in DATA/database when it is
 * PostgreSQL (CUSTODIA_DB or --db at init); without that file it is the
 * SQLite file DATA/custodia.db. Every later open must agree, as for the blob
 * store: moving records between engines is `custodia migrate`, not a flag.
 */
static int record_db(const char *datadir, const char *url)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/database", datadir);
	return cu_line_write(path, url);
}

bool cu_store_is_pg_url(const char *url)
{
	return url && (!strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11));
}

int cu_store_db_url(const char *datadir, char *out, size_t n)
{
	char path[PATH_MAX];
	if (snprintf(path, sizeof(path), "%s/database", datadir) >= (int)sizeof(path))
		return cu_error_set(CU_EINVALID, "data directory path too long");
	return cu_line_read(path, out, n);
}

static int open_sqlite(cu_store *s, const char *datadir, bool create)
{
	char path[PATH_MAX];
	if (snprintf(path, sizeof(path), "%s/custodia.db", datadir) >= (int)sizeof(path))
		return cu_error_set(CU_EINVALID, "data directory path too long");
	if (create) {
		/* Create the file ourselves so that it is 0600 from its first byte. */
		int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0)
			return cu_error_set(CU_EIO, "cannot create %s: %s", path, strerror(errno));
		close(fd);
	} else if (access(path, F_OK) != 0) {
		return cu_error_set(CU_ENOTFOUND,
		                    "no custodia database in %s (run 'custodia init' first)", datadir);
	}
	/*
	 * The records are in the clear in these files: one that group or others
	 * may read (copied in with cp, restored by hand, a umask of 022) is
	 * refused, as a key file is, rather than served. SQLite gives -wal and
	 * -shm the database's mode, so an old loose one is checked as well.
	 */
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		char file[PATH_MAX + 8];
		struct stat st;
		snprintf(file, sizeof(file), "%s%s", path, suffixes[i]);
		if (stat(file, &st) == 0 && (st.st_mode & 077))
			return cu_error_set(CU_EDENIED,
			                    "%s is open to group or others (mode %03o): it "
			                    "holds the records in the clear; run chmod 600 on it",
			                    file, (unsigned)(st.st_mode & 0777));
	}
	int rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK)
		return cu_error_set(CU_EDB, "cannot open %s: %s", path,
		                    s->db ? sqlite3_errmsg(s->db) : "out of memory");
	sqlite3_busy_timeout(s->db, 10000);
	sqlite3_extended_result_codes(s->db, 1);
	int r;
	if ((r = exec_sql(s, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
	                     "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;"
	                     /* Reads through the page cache's mapping, not a pread
	                      * and a copy per page (whole-table scans: ledger verify,
	                      * the record counts at open). */
	                     "PRAGMA mmap_size = 1073741824;",
	                  "configure database")) != 0)
		return r;
	return (r = sq_search_register(s)) != 0 ? r : sq_ledger_register(s);
}

static pthread_once_t library_once = PTHREAD_ONCE_INIT;

int sq_open_sqlite_new(cu_store **out, const char *datadir)
{
	char path[PATH_MAX];
	int r;
	pthread_once(&library_once, configure_library);
	*out = NULL;
	if (snprintf(path, sizeof(path), "%s/custodia.db", datadir) >= (int)sizeof(path))
		return cu_error_set(CU_EINVALID, "data directory path too long");
	if (access(path, F_OK) == 0)
		return cu_error_set(CU_EEXISTS, "%s exists already", path);
	cu_store *s = calloc(1, sizeof(*s));
	if (!s)
		return cu_error_set(CU_ENOMEM, "out of memory");
	sq_defer_init(s);
	if ((r = open_sqlite(s, datadir, true)) != 0 || (r = migrate(s)) != 0) {
		cu_store_close(s);
		return r;
	}
	*out = s;
	return 0;
}

int cu_store_open(cu_store **out, const char *datadir, bool create)
{
	pthread_once(&library_once, configure_library);
	char rec[2048], sqpath[PATH_MAX];
	const char *want = getenv("CUSTODIA_DB");
	int r;
	*out = NULL;
	if (want && !*want)
		want = NULL;
	if ((r = cu_store_db_url(datadir, rec, sizeof(rec))) != 0)
		return r;
	if (want && !cu_store_is_pg_url(want))
		return cu_error_set(CU_EINVALID, "--db: want postgresql://... (without it, the"
		                    " records are in DATA/custodia.db)");
	if (snprintf(sqpath, sizeof(sqpath), "%s/custodia.db", datadir) >= (int)sizeof(sqpath))
		return cu_error_set(CU_EINVALID, "data directory path too long");
	/* A URL naming no database makes one at init: the recorded URL then
	 * names it, and still begins with what was given. */
	if (want && rec[0] && strncmp(rec, want, strlen(want)) != 0)
		return cu_error_set(CU_EINVALID, "this data directory keeps its records in another"
		                    " database than --db names (moving them is 'custodia migrate')");
	if (want && !rec[0] && access(sqpath, F_OK) == 0)
		return cu_error_set(CU_EINVALID, "this data directory keeps its records in"
		                    " custodia.db; moving them to PostgreSQL is 'custodia migrate'");
	cu_store *s = calloc(1, sizeof(*s));
	if (!s)
		return cu_error_set(CU_ENOMEM, "out of memory");
	if (rec[0] || want) {
		if (!rec[0] && !create) {
			r = cu_error_set(CU_ENOTFOUND, "no custodia database for %s (run 'custodia init'"
			                 " first)", datadir);
			goto fail;
		}
		if ((r = pg_open(s, rec[0] ? rec : want, create && !rec[0])) != 0)
			goto fail;
	} else if ((r = open_sqlite(s, datadir, create)) != 0) {
		goto fail;
	}
	sq_defer_init(s);
	/* A new PostgreSQL database is recorded once it has its schema. */
	if ((r = migrate(s)) != 0 || (s->pg && !rec[0] && (r = record_db(datadir, pg_url(s->pg))) != 0))
		goto fail;
	*out = s;
	return 0;
fail:
	cu_store_close(s);
	return r;
}

void cu_store_close(cu_store *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->ncache; i++) {
		if (s->cache[i].st.pg)
			pg_finalize(s->cache[i].st.pg);
		else
			sqlite3_finalize(s->cache[i].st.sq);
	}
	for (int k = 0; k < SQ_TX; k++)
		sqlite3_finalize(s->tx[k]);
	if (s->pg)
		pg_close(s->pg);
	sqlite3_close(s->db);
	free(s->ledger_cache);
	sq_defer_free(s);
	free(s);
}

bool cu_store_is_pg(cu_store *s)
{
	return s->pg != NULL;
}

int cu_store_optimize(cu_store *s)
{
	return exec_sql(s, s->pg ? "ANALYZE" : "PRAGMA optimize", "optimize");
}

/*
 * Before a transaction on PostgreSQL: a session the server dropped is opened
 * again, and what lived only in it is forgotten (the sequencer's lock).
 */
static int pg_live(cu_store *s)
{
	int r = pg_reconnect(s->pg);
	return r < 0 ? r : 0;
}

/*
 * Runs a transaction's BEGIN. If the session turns out dead on that first
 * statement, nothing of the transaction has happened: open a new session and
 * begin there, so the request that meets a restarted server does not fail.
 */
static int begin_sql(cu_store *s, const char *sql)
{
	int r;
	if (s->pg && (r = pg_live(s)) != 0)
		return r;
	r = tx_sql(s, sql, "begin");
	if (r != 0 && s->pg && pg_lost(s->pg) && pg_live(s) == 0)
		r = exec_sql(s, sql, "begin");
	return r;
}

/* The session advisory lock of the sequencer's role (PostgreSQL). */
#define SEQUENCER_LOCK "7337002"

/*
 * Held by any session of this database: pg_locks shows a bigint advisory key
 * below 2^32 as classid 0, objid the key, objsubid 1.
 */
int cu_store_sequencer_held(cu_store *s, bool *held)
{
	*held = true;
	if (!s->pg)
		return 0;
	db_stmt *st = sq_stmt(s, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
	                         " AND granted AND classid = 0 AND objid = " SEQUENCER_LOCK
	                         " AND objsubid = 1 AND database = (SELECT oid FROM pg_database"
	                         " WHERE datname = current_database())");
	if (!st)
		return CU_EDB;
	int rc = db_step(st);
	*held = rc == DB_ROW && db_column_int64(st, 0) > 0;
	db_reset(st);
	return rc == DB_ROW ? 0 : sq_dberr(s, rc, "sequencer");
}

int cu_store_ping(cu_store *s)
{
	db_stmt *st = sq_stmt(s, "SELECT 1");
	if (!st)
		return CU_EDB;
	int rc = db_step(st);
	bool one = rc == DB_ROW && db_column_int64(st, 0) == 1;
	db_reset(st);
	if (rc != DB_ROW)
		return sq_dberr(s, rc, "ping");
	return one ? 0 : counted(cu_error_set(CU_EDB, "ping: SELECT 1 did not answer 1"));
}

int cu_store_sequencer_claim(cu_store *s, bool *mine)
{
	*mine = true;
	if (!s->pg)
		return 0;
	int r = pg_live(s);
	if (r != 0) {
		*mine = s->sequencer = false;
		return r;
	}
	/* The lock lives in the session that took it: a new session holds none. */
	unsigned session = pg_session(s->pg);
	if (s->sequencer_session != session)
		s->sequencer = false;
	/* Holding it: the session must still be alive (a dead one lost it). */
	db_stmt *st = sq_stmt(s, s->sequencer ? "SELECT true"
	                                      : "SELECT pg_try_advisory_lock(" SEQUENCER_LOCK ")");
	if (!st)
		return CU_EDB;
	int rc = db_step(st);
	*mine = s->sequencer = rc == DB_ROW && db_column_int(st, 0) &&
	                       pg_session(s->pg) == session; /* not replaced meanwhile */
	s->sequencer_session = session;
	db_reset(st);
	return rc == DB_ROW ? 0 : sq_dberr(s, rc, "sequencer");
}

/*
 * What core cached of the ledger may include rows a rollback takes back;
 * rows held back (defer.c) are taken back with them.
 */
static void drop_ledger_cache(cu_store *s)
{
	free(s->ledger_cache);
	s->ledger_cache = NULL;
	s->lsize = -1;
	sq_defer_discard(s);
}

/* The outermost transaction ends: what held only while writing. */
static void end_write(cu_store *s)
{
	if (s->pg)
		pg_guard(s->pg, false);
	s->writing = false;
	s->lsize = -1;
	sq_defer_end(s);
}

static bool in_txn(cu_store *s)
{
	return s->pg ? pg_in_transaction(s->pg) : !sqlite3_get_autocommit(s->db);
}

int cu_store_refuse_writes(cu_store *s)
{
	s->no_writes = true;
	return s->pg ? exec_sql(s, "SET default_transaction_read_only = on", "refuse writes")
	             : exec_sql(s, "PRAGMA query_only = ON", "refuse writes");
}

bool cu_store_write_refused(cu_store *s)
{
	bool r = s->refused;
	s->refused = false;
	return r;
}

int cu_store_begin(cu_store *s)
{
	if (s->no_writes) {
		s->refused = true;
		return cu_error_set(CU_EDB, "a write on a connection that only reads (an event "
		                    "loop's): a bug, please report it");
	}
	if (s->depth++ > 0)
		return 0;
	s->failed = false;
	int r = begin_sql(s, s->pg ? pg_begin_write : "BEGIN IMMEDIATE");
	if (r != 0) {
		s->depth = 0;
		if (in_txn(s))
			tx_sql(s, "ROLLBACK", "rollback");
	} else {
		if (s->pg)
			pg_guard(s->pg, true);
		s->writing = true;
		s->lsize = -1;
	}
	return r;
}

int cu_store_read_begin(cu_store *s)
{
	if (s->depth++ > 0)
		return 0;
	/* One snapshot for all the reads (PostgreSQL's default is one per statement). */
	int r = begin_sql(s, s->pg ? "BEGIN ISOLATION LEVEL REPEATABLE READ" : "BEGIN");
	if (r != 0)
		s->depth = 0;
	return r;
}

void cu_store_read_end(cu_store *s)
{
	if (s->depth <= 0 || --s->depth > 0)
		return;
	if (in_txn(s))
		tx_sql(s, "COMMIT", "commit");
}

int cu_store_commit(cu_store *s)
{
	if (s->depth <= 0)
		return cu_error_set(CU_EDB, "commit without begin");
	if (--s->depth > 0)
		return 0;
	if (s->failed) {
		end_write(s);
		drop_ledger_cache(s);
		tx_sql(s, "ROLLBACK", "rollback");
		return cu_error_set(CU_EDB, "transaction rolled back by an inner failure");
	}
	/* Flush point: the rows held back go before COMMIT, and a failure to
	 * write them fails the commit (defer.c). */
	bool committed = false;
	int r = s->pg ? sq_defer_commit(s, &committed) : 0;
	end_write(s);
	if (r == 0 && !committed)
		r = tx_sql(s, "COMMIT", "commit");
	if (r != 0) {
		drop_ledger_cache(s);
		if (in_txn(s))
			tx_sql(s, "ROLLBACK", "rollback");
	}
	return r;
}

void cu_store_rollback(cu_store *s)
{
	if (s->depth <= 0)
		return;
	drop_ledger_cache(s);
	if (--s->depth > 0) {
		s->failed = true;
		return;
	}
	end_write(s);
	if (in_txn(s))
		tx_sql(s, "ROLLBACK", "rollback");
}

/* ---- meta and reference data ---------------------------------------- */

int cu_store_meta_get(cu_store *s, char **out, const char *key)
{
	static const char sql[] = "SELECT value FROM meta WHERE key = ?1";
	db_stmt *st = sq_stmt(s, sql);
	*out = NULL;
	if (!st)
		return CU_EDB;
	sq_bind_text(st, 1, key);
	int rc = db_step(st);
	if (rc == DB_ROW)
		*out = strdup((const char *)db_column_text(st, 0));
	db_reset(st);
	if (rc == DB_ROW)
		return *out ? 0 : CU_ENOMEM;
	return rc == DB_DONE ? CU_ENOTFOUND : sq_dberr(s, rc, "meta");
}

int cu_store_meta_set(cu_store *s, const char *key, const char *value)
{
	static const char sql[] = "INSERT INTO meta(key, value) VALUES (?1, ?2) "
	                          "ON CONFLICT(key) DO UPDATE SET value = excluded.value";
	db_stmt *st = sq_stmt(s, sql);
	if (!st)
		return CU_EDB;
	sq_bind_text(st, 1, key);
	sq_bind_text(st, 2, value);
	return sq_exec(s, st, "meta");
}

int cu_store_crime_type_add(cu_store *s, const char *code, const char *label)
{
	static const char sql[] = "INSERT INTO crime_types(code, label) VALUES (?1, ?2) "
	                          "ON CONFLICT(code) DO UPDATE SET label = excluded.label";
	db_stmt *st = sq_stmt(s, sql);
	if (!st)
		return CU_EDB;
	sq_bind_text(st, 1, code);
	sq_bind_text(st, 2, label);
	return sq_exec(s, st, "crime type");
}

bool cu_store_crime_type_exists(cu_store *s, const char *code)
{
	static const char sql[] = "SELECT 1 FROM crime_types WHERE code = ?1";
	db_stmt *st = sq_stmt(s, sql);
	if (!st)
		return false;
	sq_bind_text(st, 1, code);
	bool found = db_step(st) == DB_ROW;
	db_reset(st);
	return found;
}

int cu_store_crime_type_list(cu_store *s, json_t **out)
{
	/* In the order they were loaded (the reference list's own order). */
	static const char sql[] = "SELECT code, label FROM crime_types ORDER BY rowid";
	static const char pg[] = "SELECT code, label FROM crime_types ORDER BY ord";
	db_stmt *st = sq_stmt2(s, sql, pg);
	return st ? sq_rows(s, out, st, "crime types") : CU_EDB;
}

/* ---- organisations ---------------------------------------------------- */



int cu_store_org_insert(cu_store *s, int64_t *out_id, const char *code, const char *kind,
                        const char *country, const char *name)
{
	static const char sql[] =
		"INSERT INTO orgs(code, kind, country, name) VALUES (?1, ?2, ?3, ?4)";
	db_stmt *st = sq_stmt(s, sql);
	if (!st)
		return CU_EDB;
	sq_bind_text(st, 1, code);
	sq_bind_text(st, 2, kind);
	sq_bind_text(st, 3, country);
	sq_bind_text(st, 4, name);
	return sq_insert(s, st, "organisation", out_id);
}

int cu_store_org_update(cu_store *s, int64_t id, const char *kind, const char *country,
                        const char *name)
{
	static const char sql[] = "UPDATE orgs SET kind = ?2, country = ?3, name = ?4 WHERE id = ?1";
	static const char cases[] = "SELECT case_id FROM participants WHERE org_id = ?1";
	db_stmt *st = sq_stmt(s, sql);
	int r;
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, id);
	sq_bind_text(st, 2, kind);
	sq_bind_text(st, 3, country);
	sq_bind_text(st, 4, name);
	if ((r = sq_exec(s, st, "organisation")) != 0)
		return r;
	if (db_changes(s) == 0)
		return cu_error_set(CU_ENOTFOUND, "no such organisation");
	/* Case documents embed organisation names: rebuild those it is in. */
	json_t *rows;
	if (!(st = sq_stmt(s, cases)))
		return CU_EDB;
	db_bind_int64(st, 1, id);
	if ((r = sq_rows(s, &rows, st, "organisation cases")) != 0)
		return r;
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		if ((r = sq_refresh_case_doc(s, json_integer_value(json_object_get(row, "case_id")))))
			break;
	}
	json_decref(rows);
	return r;
}

int cu_store_org_get(cu_store *s, json_t **out, int64_t id, const char *code)
{
	static const char sql[] =
		"SELECT id, code, kind, country, name FROM orgs WHERE id = ?1 OR code = ?2";
	db_stmt *st = sq_stmt(s, sql);
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, id);
	sq_bind_text(st, 2, code);
	return sq_row(s, out, st, "organisation");
}

int cu_store_org_list(cu_store *s, json_t **out)
{
	static const char sql[] = "SELECT id, code, kind, country, name FROM orgs ORDER BY "
	                          "CASE kind WHEN 'national_member' THEN 1 WHEN "
	                          "'liaison_prosecutor' THEN 2 WHEN 'international_organisation' "
	                          "THEN 3 WHEN 'eu_agency' THEN 4 ELSE 5 END, code";
	db_stmt *st = sq_stmt(s, sql);
	return st ? sq_rows(s, out, st, "organisations") : CU_EDB;
}

/* ---- users and tokens ------------------------------------------------- */

int cu_store_user_insert(cu_store *s, int64_t *out_id, const char *username, int64_t org_id,
                         const char *role, const char *full_name, const char *pwhash)
{
	static const char sql[] = "INSERT INTO users(username, org_id, role, full_name, pwhash, "
	                          "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
	db_stmt *st = sq_stmt(s, sql);
	char now[CU_TS_LEN];
	if (!st)
		return CU_EDB;
	cu_time_now(now);
	sq_bind_text(st, 1, username);
	db_bind_int64(st, 2, org_id);
	sq_bind_text(st, 3, role);
	sq_bind_text(st, 4, full_name);
	sq_bind_text(st, 5, pwhash);
	sq_bind_text(st, 6, now);
	return sq_insert(s, st, "user", out_id);
}

#define USER_COLS "u.id, u.username, o.code AS org, u.org_id, u.role, u.full_name, " \
                  "u.disabled AS disabled_bool, u.created_at"

int cu_store_user_get(cu_store *s, json_t **out, const char *username)
{
	static const char sql[] = "SELECT " USER_COLS " FROM users u JOIN orgs o ON "
	                          "o.id = u.org_id WHERE u.username = ?1";
	db_stmt *st = sq_stmt(s, sql);
	if (!st)
		return CU_EDB;
	sq_bind_text(st, 1, username);
	return sq_row(s, out, st, "user");
}

int cu_store_user_pwhash(cu_store *s, char **out, const char *username)
{
	static const char sql[] = "SELECT pwhash FROM users WHERE username = ?1";
	db_stmt *st = sq_stmt(s, sql);
	*out = NULL;
	if (!st)
		return CU_EDB;
	sq_bind_text(st, 1, username);
	int rc = db_step(st);
	if (rc == DB_ROW)
		*out = strdup((const char *)db_column_text(st, 0));
	db_reset(st);
	if (rc == DB_ROW)
		return *out ? 0 : CU_ENOMEM;
	return rc == DB_DONE ? CU_ENOTFOUND : sq_dberr(s, rc, "user");
}

int cu_store_user_update(cu_store *s, int64_t id, const char *role, const char *full_name,
                         int disabled, const char *pwhash)
{
	static const char sql[] = "UPDATE users SET role = coalesce(?2, role), "
	                          "full_name = coalesce(?3, full_name), "
	                          "disabled = coalesce(?4, disabled), pwhash = coalesce(?5, pwhash) "
	                          "WHERE id = ?1";
	db_stmt *st = sq_stmt(s, sql);
	int r;
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, id);
	sq_bind_text(st, 2, role);
	sq_bind_text(st, 3, full_name);
	if (disabled >= 0)
		db_bind_int(st, 4, disabled);
	sq_bind_text(st, 5, pwhash);
	if ((r = sq_exec(s, st, "user")) != 0)
		return r;
	return db_changes(s) ? 0 : cu_error_set(CU_ENOTFOUND, "no such user");
}

int cu_store_user_list(cu_store *s, json_t **out, int64_t org_id)
{
	static const char sql[] = "SELECT " USER_COLS " FROM users u JOIN orgs o ON "
	                          "o.id = u.org_id WHERE ?1 = 0 OR u.org_id = ?1 ORDER BY u.username";
	return sq_rows_id(s, out, sql, org_id, "users");
}

int cu_store_token_insert(cu_store *s, const char *id, int64_t user_id, const uint8_t hash[32],
                          const char *kind, const char *label, const char *expires_at)
{
	static const char sql[] = "INSERT INTO tokens(id, user_id, hash, kind, label, created_at, "
	                          "expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	db_stmt *st = sq_stmt(s, sql);
	char now[CU_TS_LEN];
	if (!st)
		return CU_EDB;
	cu_time_now(now);
	sq_bind_text(st, 1, id);
	db_bind_int64(st, 2, user_id);
	db_bind_blob(st, 3, hash, 32, DB_TRANSIENT);
	sq_bind_text(st, 4, kind);
	sq_bind_text(st, 5, label);
	sq_bind_text(st, 6, now);
	sq_bind_text(st, 7, expires_at);
	return sq_exec(s, st, "token");
}

void sq_copy_col(char *dst, size_t n, db_stmt *st, int i)
{
	const char *v = (const char *)db_column_text(st, i);
	snprintf(dst, n, "%s", v ? v : "");
}

int cu_store_token_lookup(cu_store *s, cu_token_row *out, const char *id)
{
	static const char sql[] =
		"SELECT t.user_id, u.org_id, u.username, o.code, u.role, t.hash, t.expires_at, "
		"t.revoked_at, u.disabled, t.kind, coalesce(t.used_at, t.created_at) "
		"FROM tokens t JOIN users u ON u.id = t.user_id "
		"JOIN orgs o ON o.id = u.org_id WHERE t.id = ?1";
	db_stmt *st = sq_stmt(s, sql);
	if (!st)
		return CU_EDB;
	sq_bind_text(st, 1, id);
	int rc = db_step(st);
	if (rc != DB_ROW) {
		db_reset(st);
		return rc == DB_DONE ? CU_ENOTFOUND : sq_dberr(s, rc, "token");
	}
	memset(out, 0, sizeof(*out));
	out->user_id = db_column_int64(st, 0);
	out->org_id = db_column_int64(st, 1);
	sq_copy_col(out->username, sizeof(out->username), st, 2);
	sq_copy_col(out->org_code, sizeof(out->org_code), st, 3);
	sq_copy_col(out->role, sizeof(out->role), st, 4);
	if (db_column_bytes(st, 5) == 32)
		memcpy(out->hash, db_column_blob(st, 5), 32);
	sq_copy_col(out->expires_at, sizeof(out->expires_at), st, 6);
	sq_copy_col(out->revoked_at, sizeof(out->revoked_at), st, 7);
	out->disabled = db_column_int(st, 8) != 0;
	sq_copy_col(out->kind, sizeof(out->kind), st, 9);
	sq_copy_col(out->used_at, sizeof(out->used_at), st, 10);
	db_reset(st);
	return 0;
}

int cu_store_token_touch(cu_store *s, const char *id, const char *at)
{
	db_stmt *st = sq_stmt(s, "UPDATE tokens SET used_at = ?2 WHERE id = ?1");
	if (!st)
		return CU_EDB;
	sq_bind_text(st, 1, id);
	sq_bind_text(st, 2, at);
	return sq_exec(s, st, "token");
}

int cu_store_login_failures(cu_store *s, int64_t *failures, int64_t *start, const char *key,
                            int64_t since)
{
	static const char sql[] = "SELECT failures, window_start FROM login_attempts "
	                          "WHERE key = ?1 AND window_start > ?2";
	db_stmt *st = sq_stmt(s, sql);
	*failures = *start = 0;
	if (!st)
		return CU_EDB;
	sq_bind_text(st, 1, key);
	db_bind_int64(st, 2, since);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*failures = db_column_int64(st, 0);
		*start = db_column_int64(st, 1);
	}
	db_reset(st);
	return rc == DB_ROW || rc == DB_DONE ? 0 : sq_dberr(s, rc, "login attempts");
}

int cu_store_login_failed(cu_store *s, const char *key, int64_t now, int64_t since)
{
	/* Both engines read the row's old values in every SET expression. */
	static const char sql[] =
		"INSERT INTO login_attempts(key, window_start, failures) VALUES (?1, ?2, 1) "
		"ON CONFLICT(key) DO UPDATE SET "
		"failures = CASE WHEN login_attempts.window_start > ?3 "
		"THEN login_attempts.failures + 1 ELSE 1 END, "
		"window_start = CASE WHEN login_attempts.window_start > ?3 "
		"THEN login_attempts.window_start ELSE ?2 END";
	static const char gc[] = "DELETE FROM login_attempts WHERE window_start <= ?1";
	db_stmt *st = sq_stmt(s, sql);
	int r;
	if (!st)
		return CU_EDB;
	sq_bind_text(st, 1, key);
	db_bind_int64(st, 2, now);
	db_bind_int64(st, 3, since);
	if ((r = sq_exec(s, st, "login attempts")) != 0)
		return r;
	if (!(st = sq_stmt(s, gc)))
		return CU_EDB;
	db_bind_int64(st, 1, since);
	return sq_exec(s, st, "login attempts");
}

int cu_store_login_clear(cu_store *s, const char *key)
{
	db_stmt *st = sq_stmt(s, "DELETE FROM login_attempts WHERE key = ?1");
	if (!st)
		return CU_EDB;
	sq_bind_text(st, 1, key);
	return sq_exec(s, st, "login attempts");
}

int cu_store_token_revoke(cu_store *s, const char *id, const char *at)
{
	static const char sql[] =
		"UPDATE tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL";
	db_stmt *st = sq_stmt(s, sql);
	int r;
	if (!st)
		return CU_EDB;
	sq_bind_text(st, 1, id);
	sq_bind_text(st, 2, at);
	if ((r = sq_exec(s, st, "token")) != 0)
		return r;
	return db_changes(s) ? 0 : cu_error_set(CU_ENOTFOUND, "no such active token");
}

int cu_store_sessions_end(cu_store *s, int *n, int64_t user_id, const char *at)
{
	static const char sql[] =
		"UPDATE tokens SET revoked_at = ?2 WHERE user_id = ?1 AND kind = 'session'"
		" AND revoked_at IS NULL";
	db_stmt *st = sq_stmt(s, sql);
	int r;
	*n = 0;
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, user_id);
	sq_bind_text(st, 2, at);
	if ((r = sq_exec(s, st, "sessions")) == 0)
		*n = db_changes(s);
	return r;
}

#define TOKEN_COLS "t.id, u.username AS user, t.kind, t.label, t.created_at, t.expires_at, " \
                   "t.revoked_at"

int cu_store_token_list(cu_store *s, json_t **out, int64_t user_id, int64_t org_id)
{
	static const char sql[] = "SELECT " TOKEN_COLS " FROM tokens t JOIN users u ON "
	                          "u.id = t.user_id WHERE (?1 > 0 AND t.user_id = ?1) OR "
	                          "(?1 = 0 AND u.org_id = ?2) ORDER BY t.created_at, t.id";
	db_stmt *st = sq_stmt(s, sql);
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, user_id);
	db_bind_int64(st, 2, org_id);
	return sq_rows(s, out, st, "tokens");
}

int cu_store_token_get(cu_store *s, json_t **out, const char *id)
{
	static const char sql[] = "SELECT " TOKEN_COLS ", u.org_id FROM tokens t JOIN users u "
	                          "ON u.id = t.user_id WHERE t.id = ?1";
	db_stmt *st = sq_stmt(s, sql);
	if (!st)
		return CU_EDB;
	sq_bind_text(st, 1, id);
	return sq_row(s, out, st, "token");
}

/* ---- cases ------------------------------------------------------------ */

/*
 * The case document is derived from the rows and rebuilt in the same
 * transaction as every change to them, so that reading a case or a page of
 * cases is one indexed lookup per case. json() keeps nested arrays as JSON
 * rather than strings across the scalar subqueries.
 */
int sq_refresh_case_doc(cu_store *s, int64_t case_id)
{
	static const char sql[] =
		"UPDATE cases SET doc = json_object("
		" 'id', id, 'reference', reference, 'title', title, 'status', status,"
		" 'crime_types', json((SELECT json_group_array(crime_type) FROM (SELECT crime_type"
		"   FROM case_crime_types WHERE case_id = cases.id ORDER BY crime_type))),"
		" 'requesting_org', (SELECT code FROM orgs WHERE id = cases.requesting_org_id),"
		" 'opened_on', opened_on, 'closed_on', closed_on,"
		" 'retention_review_on', retention_review_on,"
		" 'created_at', created_at, 'updated_at', updated_at,"
		" 'participants', json((SELECT json_group_array(json_object('org', code, 'kind', kind,"
		"   'country', country, 'name', name, 'access', access, 'national_ref', national_ref,"
		"   'joined_at', joined_at)) FROM (SELECT o.code, o.kind, o.country, o.name, p.access,"
		"   p.national_ref, p.joined_at FROM participants p JOIN orgs o ON o.id = p.org_id"
		"   WHERE p.case_id = cases.id ORDER BY CASE p.access WHEN 'owner' THEN 0"
		"   WHEN 'participant' THEN 1 ELSE 2 END, o.code))),"
		" 'jits', json((SELECT json_group_array(json_object('id', j.id, 'name', j.name,"
		"   'expires_on', j.expires_on)) FROM jit_cases jc JOIN jits j ON j.id = jc.jit_id"
		"   WHERE jc.case_id = cases.id))"
		") WHERE id = ?1";
	static const char pg[] =
		"UPDATE cases SET doc = json_build_object("
		" 'id', id, 'reference', reference, 'title', title, 'status', status,"
		" 'crime_types', (SELECT COALESCE(json_agg(crime_type ORDER BY crime_type), '[]')"
		"   FROM case_crime_types WHERE case_id = cases.id),"
		" 'requesting_org', (SELECT code FROM orgs WHERE id = cases.requesting_org_id),"
		" 'opened_on', opened_on, 'closed_on', closed_on,"
		" 'retention_review_on', retention_review_on,"
		" 'created_at', created_at, 'updated_at', updated_at,"
		" 'participants', (SELECT COALESCE(json_agg(json_build_object('org', o.code,"
		"   'kind', o.kind, 'country', o.country, 'name', o.name, 'access', p.access,"
		"   'national_ref', p.national_ref, 'joined_at', p.joined_at) ORDER BY"
		"   CASE p.access WHEN 'owner' THEN 0 WHEN 'participant' THEN 1 ELSE 2 END, o.code),"
		"   '[]') FROM participants p JOIN orgs o ON o.id = p.org_id"
		"   WHERE p.case_id = cases.id),"
		" 'jits', (SELECT COALESCE(json_agg(json_build_object('id', j.id, 'name', j.name,"
		"   'expires_on', j.expires_on) ORDER BY j.id), '[]') FROM jit_cases jc"
		"   JOIN jits j ON j.id = jc.jit_id WHERE jc.case_id = cases.id)"
		") WHERE id = ?1";
	db_stmt *st = sq_stmt2(s, sql, pg);
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, case_id);
	return sq_exec(s, st, "case document");
}

/* Rewrites the need-to-know rows of one case from its two sources. */
static int refresh_case_access(cu_store *s, int64_t case_id)
{
	static const char del[] = "DELETE FROM case_access WHERE case_id = ?1";
	static const char ins[] =
		"INSERT INTO case_access(org_id, case_id, part_level, jit_until)"
		" SELECT org_id, ?1, max(lvl), max(until) FROM ("
		"  SELECT org_id, CASE access WHEN 'owner' THEN 3 WHEN 'participant' THEN 2"
		"   ELSE 1 END AS lvl, NULL AS until FROM participants WHERE case_id = ?1"
		"  UNION ALL"
		"  SELECT m.org_id, 0, j.expires_on FROM jit_cases jc JOIN jits j ON j.id = jc.jit_id"
		"   JOIN jit_members m ON m.jit_id = jc.jit_id WHERE jc.case_id = ?1) AS src"
		" GROUP BY org_id";
	db_stmt *st;
	int r;
	if (!(st = sq_stmt(s, del)))
		return CU_EDB;
	db_bind_int64(st, 1, case_id);
	if ((r = sq_exec(s, st, "case access")) != 0)
		return r;
	if (!(st = sq_stmt(s, ins)))
		return CU_EDB;
	db_bind_int64(st, 1, case_id);
	return sq_exec(s, st, "case access");
}

int cu_store_case_next_reference(cu_store *s, char out[16], int year)
{
	static const char sql[] = "INSERT INTO counters(name, value) VALUES (?1, 1) ON CONFLICT(name)"
	                          " DO UPDATE SET value = counters.value + 1 RETURNING value";
	db_stmt *st = sq_stmt(s, sql);
	char name[32];
	if (!st)
		return CU_EDB;
	snprintf(name, sizeof(name), "case/%d", year);
	sq_bind_text(st, 1, name);
	int rc = db_step(st);
	if (rc != DB_ROW) {
		db_reset(st);
		return sq_dberr(s, rc, "case reference");
	}
	int64_t n = db_column_int64(st, 0);
	db_reset(st);
	snprintf(out, 16, "%04d/%04lld", year % 10000, (long long)(n % 100000000));
	return 0;
}

static int set_crime_types(cu_store *s, int64_t case_id, const json_t *types)
{
	static const char del[] = "DELETE FROM case_crime_types WHERE case_id = ?1";
	static const char ins[] = "INSERT INTO case_crime_types(case_id, crime_type) "
	                          "VALUES (?1, ?2) ON CONFLICT DO NOTHING";
	db_stmt *st;
	int r;
	size_t i;
	json_t *t;
	if (!(st = sq_stmt(s, del)))
		return CU_EDB;
	db_bind_int64(st, 1, case_id);
	if ((r = sq_exec(s, st, "crime types")) != 0)
		return r;
	json_array_foreach(types, i, t) {
		if (!(st = sq_stmt(s, ins)))
			return CU_EDB;
		db_bind_int64(st, 1, case_id);
		sq_bind_text(st, 2, json_string_value(t));
		if ((r = sq_exec(s, st, "crime type")) != 0)
			return r;
	}
	return 0;
}

int cu_store_case_insert(cu_store *s, int64_t *out_id, const json_t *c)
{
	static const char sql[] =
		"INSERT INTO cases(reference, title, status, requesting_org_id, opened_on,"
		" retention_review_on, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)";
	db_stmt *st = sq_stmt(s, sql);
	int r;
	if (!st)
		return CU_EDB;
	sq_bind_text(st, 1, cu_json_str(c, "reference"));
	sq_bind_text(st, 2, cu_json_str(c, "title"));
	sq_bind_text(st, 3, cu_json_str(c, "status"));
	db_bind_int64(st, 4, cu_json_int(c, "requesting_org_id", 0));
	sq_bind_text(st, 5, cu_json_str(c, "opened_on"));
	sq_bind_text(st, 6, cu_json_str(c, "retention_review_on"));
	sq_bind_text(st, 7, cu_json_str(c, "created_at"));
	int64_t id;
	if ((r = sq_insert(s, st, "case", &id)) != 0)
		return r;
	if ((r = set_crime_types(s, id, json_object_get(c, "crime_types"))) != 0 ||
	    (r = sq_refresh_case_doc(s, id)) != 0)
		return r;
	*out_id = id;
	return 0;
}

int cu_store_case_update(cu_store *s, int64_t id, const json_t *f)
{
	static const char sql[] =
		"UPDATE cases SET title = coalesce(?2, title), status = coalesce(?3, status),"
		" closed_on = CASE WHEN ?3 = 'open' THEN NULL ELSE coalesce(?4, closed_on) END,"
		" retention_review_on = coalesce(?5, retention_review_on),"
		" updated_at = coalesce(?6, updated_at) WHERE id = ?1";
	db_stmt *st = sq_stmt(s, sql);
	int r;
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, id);
	sq_bind_text(st, 2, cu_json_str(f, "title"));
	sq_bind_text(st, 3, cu_json_str(f, "status"));
	sq_bind_text(st, 4, cu_json_str(f, "closed_on"));
	sq_bind_text(st, 5, cu_json_str(f, "retention_review_on"));
	sq_bind_text(st, 6, cu_json_str(f, "updated_at"));
	if ((r = sq_exec(s, st, "case")) != 0)
		return r;
	if (db_changes(s) == 0)
		return cu_error_set(CU_ENOTFOUND, "no such case");
	json_t *types = json_object_get(f, "crime_types");
	if (json_is_array(types) && (r = set_crime_types(s, id, types)) != 0)
		return r;
	return sq_refresh_case_doc(s, id);
}

int cu_store_case_get(cu_store *s, json_t **out, int64_t id)
{
	static const char sql[] = "SELECT doc FROM cases WHERE id = ?1";
	db_stmt *st = sq_stmt(s, sql);
	*out = NULL;
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		const char *doc = (const char *)db_column_text(st, 0);
		*out = doc ? json_loads(doc, 0, NULL) : NULL;
		db_reset(st);
		return *out ? 0 : cu_error_set(CU_EDB, "case %lld has no document", (long long)id);
	}
	db_reset(st);
	return rc == DB_DONE ? cu_error_set(CU_ENOTFOUND, "no such case") :
	                           sq_dberr(s, rc, "case");
}

int cu_store_case_find(cu_store *s, int64_t *out_id, const char *ref, int64_t org_id)
{
	static const char by_ref[] = "SELECT id FROM cases WHERE reference = ?1";
	static const char by_nat[] =
		"SELECT DISTINCT p.case_id, p.org_id = ?2 AS own FROM participants p JOIN case_access a"
		" ON a.case_id = p.case_id AND a.org_id = ?2 WHERE p.national_ref = ?1"
		" ORDER BY own DESC, p.case_id LIMIT 2";
	db_stmt *st = sq_stmt(s, by_ref);
	if (!st)
		return CU_EDB;
	sq_bind_text(st, 1, ref);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*out_id = db_column_int64(st, 0);
		db_reset(st);
		return 0;
	}
	db_reset(st);
	if (!(st = sq_stmt(s, by_nat)))
		return CU_EDB;
	sq_bind_text(st, 1, ref);
	db_bind_int64(st, 2, org_id);
	int64_t ids[2] = {0, 0}, own[2] = {0, 0};
	int n = 0;
	while (n < 2 && (rc = db_step(st)) == DB_ROW) {
		ids[n] = db_column_int64(st, 0);
		own[n] = db_column_int64(st, 1);
		n++;
	}
	db_reset(st);
	if (n == 0)
		return cu_error_set(CU_ENOTFOUND, "no case with reference or national case number "
		                    "\"%.64s\"", ref);
	if (n == 2 && !own[0] && ids[0] != ids[1])
		return cu_error_set(CU_EINVALID, "national case number \"%.64s\" is used by several "
		                    "cases: use the custodia reference", ref);
	*out_id = ids[0];
	return 0;
}

int cu_store_case_list(cu_store *s, cu_buf *out, int64_t *next, int *count, int64_t org_id,
                       const cu_case_filter *f)
{
	static const char sql[] =
		"SELECT c.id, c.doc FROM case_access a JOIN cases c ON c.id = a.case_id"
		" WHERE a.org_id = ?1 AND a.case_id < ?2"
		" AND (?3 IS NULL OR c.status = ?3)"
		" AND (?4 IS NULL OR EXISTS (SELECT 1 FROM case_crime_types t"
		"      WHERE t.case_id = c.id AND t.crime_type = ?4))"
		" AND (?5 IS NULL OR EXISTS (SELECT 1 FROM participants p JOIN orgs o"
		"      ON o.id = p.org_id WHERE p.case_id = c.id AND o.country = ?5))"
		/* instr() rather than LIKE: a LIKE on a bound value makes SQLite re-prepare
		 * the statement at every step to reconsider the LIKE optimisation. */
		" AND (?6 IS NULL OR instr(lower(c.reference), ?6) OR instr(lower(c.title), ?6)"
		"      OR EXISTS (SELECT 1 FROM participants p WHERE p.case_id = c.id"
		"      AND instr(lower(p.national_ref), ?6)))"
		" ORDER BY a.case_id DESC LIMIT ?7";
	static const char pg[] =
		"SELECT c.id, c.doc FROM case_access a JOIN cases c ON c.id = a.case_id"
		" WHERE a.org_id = ?1 AND a.case_id < ?2"
		" AND (?3 IS NULL OR c.status = ?3)"
		" AND (?4 IS NULL OR EXISTS (SELECT 1 FROM case_crime_types t"
		"      WHERE t.case_id = c.id AND t.crime_type = ?4))"
		" AND (?5 IS NULL OR EXISTS (SELECT 1 FROM participants p JOIN orgs o"
		"      ON o.id = p.org_id WHERE p.case_id = c.id AND o.country = ?5))"
		" AND (CAST(?6 AS TEXT) IS NULL OR strpos(lower(c.reference), ?6) > 0"
		"      OR strpos(lower(c.title), ?6) > 0"
		"      OR EXISTS (SELECT 1 FROM participants p WHERE p.case_id = c.id"
		"      AND strpos(lower(p.national_ref), ?6) > 0))"
		" ORDER BY a.case_id DESC LIMIT ?7";
	db_stmt *st = sq_stmt2(s, sql, pg);
	int r = 0, rc, n = 0;
	int64_t last = 0;
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, org_id);
	db_bind_int64(st, 2, f->after > 0 ? f->after : INT64_MAX);
	sq_bind_text(st, 3, f->status);
	sq_bind_text(st, 4, f->crime_type);
	sq_bind_text(st, 5, f->country);
	if (f->q && *f->q) {
		char *lower = strdup(f->q);
		if (!lower)
			return cu_error_set(CU_ENOMEM, "out of memory");
		for (char *p = lower; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		db_bind_text(st, 6, lower, -1, free);
	}
	db_bind_int(st, 7, f->limit + 1);
	*next = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		if (n == f->limit) {
			*next = last; /* the next page starts below the last case shown */
			break;
		}
		if (n > 0 && (r = cu_buf_append(out, ",", 1)) != 0)
			break;
		if ((r = cu_buf_append(out, db_column_text(st, 1),
		                       (size_t)db_column_bytes(st, 1))) != 0)
			break;
		last = db_column_int64(st, 0);
		n++;
	}
	if (!r && rc != DB_ROW && rc != DB_DONE)
		r = sq_dberr(s, rc, "case list");
	db_reset(st);
	*count = n;
	return r;
}

int cu_store_participant_set(cu_store *s, int64_t case_id, int64_t org_id, const char *access,
                             const char *national_ref, const char *at)
{
	static const char upd[] =
		"UPDATE participants SET access = coalesce(?3, access),"
		" national_ref = coalesce(?4, national_ref) WHERE case_id = ?1 AND org_id = ?2";
	static const char ins[] =
		"INSERT INTO participants(case_id, org_id, access, national_ref, joined_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5)";
	db_stmt *st = sq_stmt(s, upd);
	int r;
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, case_id);
	db_bind_int64(st, 2, org_id);
	sq_bind_text(st, 3, access);
	sq_bind_text(st, 4, national_ref);
	if ((r = sq_exec(s, st, "participant")) != 0)
		return r;
	if (db_changes(s) == 0) {
		/* A new participant: its access level and joining time are required. */
		if (!access || !at)
			return cu_error_set(CU_ENOTFOUND, "that organisation does not participate");
		if (!(st = sq_stmt(s, ins)))
			return CU_EDB;
		db_bind_int64(st, 1, case_id);
		db_bind_int64(st, 2, org_id);
		sq_bind_text(st, 3, access);
		sq_bind_text(st, 4, national_ref);
		sq_bind_text(st, 5, at);
		if ((r = sq_exec(s, st, "participant")) != 0)
			return r;
	}
	if ((r = refresh_case_access(s, case_id)) != 0)
		return r;
	return sq_refresh_case_doc(s, case_id);
}

int cu_store_participant_remove(cu_store *s, int64_t case_id, int64_t org_id)
{
	static const char sql[] = "DELETE FROM participants WHERE case_id = ?1 AND org_id = ?2";
	db_stmt *st = sq_stmt(s, sql);
	int r;
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, case_id);
	db_bind_int64(st, 2, org_id);
	if ((r = sq_exec(s, st, "participant")) != 0)
		return r;
	if (db_changes(s) == 0)
		return cu_error_set(CU_ENOTFOUND, "that organisation does not participate");
	if ((r = refresh_case_access(s, case_id)) != 0)
		return r;
	return sq_refresh_case_doc(s, case_id);
}

int cu_store_case_access(cu_store *s, int *part_level, char jit_until[11], int64_t case_id,
                         int64_t org_id)
{
	static const char sql[] = "SELECT part_level, jit_until FROM case_access"
	                          " WHERE org_id = ?1 AND case_id = ?2";
	db_stmt *st = sq_stmt(s, sql);
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, org_id);
	db_bind_int64(st, 2, case_id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*part_level = db_column_int(st, 0);
		sq_copy_col(jit_until, 11, st, 1);
	}
	db_reset(st);
	if (rc == DB_ROW)
		return 0;
	return rc == DB_DONE ? CU_ENOTFOUND : sq_dberr(s, rc, "case access");
}

int cu_store_case_evidence_all(cu_store *s, bool *all, int64_t case_id, int64_t org_id)
{
	static const char sql[] =
		"SELECT EXISTS (SELECT 1 FROM participants WHERE case_id = ?1 AND org_id = ?2)"
		" OR EXISTS (SELECT 1 FROM jit_cases jc JOIN jit_members m ON m.jit_id = jc.jit_id"
		" WHERE jc.case_id = ?1 AND m.org_id = ?2 AND m.role = 'member')";
	db_stmt *st = sq_stmt(s, sql);
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, case_id);
	db_bind_int64(st, 2, org_id);
	int rc = db_step(st);
	*all = rc == DB_ROW && db_column_int(st, 0);
	db_reset(st);
	return rc == DB_ROW ? 0 : sq_dberr(s, rc, "case access");
}

/* ---- JITs ------------------------------------------------------------- */

int cu_store_jit_insert(cu_store *s, int64_t *out_id, const json_t *j)
{
	static const char sql[] = "INSERT INTO jits(name, signed_on, expires_on, created_at)"
	                          " VALUES (?1, ?2, ?3, ?4)";
	db_stmt *st = sq_stmt(s, sql);
	if (!st)
		return CU_EDB;
	sq_bind_text(st, 1, cu_json_str(j, "name"));
	sq_bind_text(st, 2, cu_json_str(j, "signed_on"));
	sq_bind_text(st, 3, cu_json_str(j, "expires_on"));
	sq_bind_text(st, 4, cu_json_str(j, "created_at"));
	return sq_insert(s, st, "JIT", out_id);
}

#define JIT_DOC_PG \
	"SELECT j.id, j.name, j.signed_on, j.expires_on, j.created_at," \
	" (SELECT COALESCE(json_agg(json_build_object('org', o.code, 'kind', o.kind," \
	"   'country', o.country, 'name', o.name, 'role', m.role) ORDER BY m.org_id), '[]')" \
	"   FROM jit_members m JOIN orgs o ON o.id = m.org_id" \
	"   WHERE m.jit_id = j.id) AS members_json," \
	" (SELECT COALESCE(json_agg(json_build_object('id', c.id, 'reference', c.reference," \
	"   'title', c.title) ORDER BY c.id), '[]') FROM jit_cases jc JOIN cases c" \
	"   ON c.id = jc.case_id WHERE jc.jit_id = j.id) AS cases_json," \
	" (SELECT COALESCE(json_agg(json_build_object('from', x.from_date, 'to', x.to_date," \
	"   'reason', x.reason, 'at', x.at, 'by', x.by_user) ORDER BY x.id), '[]')" \
	"   FROM jit_extensions x WHERE x.jit_id = j.id) AS extensions_json FROM jits j"
#define JIT_DOC \
	"SELECT j.id, j.name, j.signed_on, j.expires_on, j.created_at," \
	" (SELECT json_group_array(json_object('org', o.code, 'kind', o.kind, 'country', o.country," \
	"   'name', o.name, 'role', m.role)) FROM jit_members m JOIN orgs o ON o.id = m.org_id" \
	"   WHERE m.jit_id = j.id) AS members_json," \
	" (SELECT json_group_array(json_object('id', c.id, 'reference', c.reference, 'title'," \
	"   c.title)) FROM jit_cases jc JOIN cases c ON c.id = jc.case_id" \
	"   WHERE jc.jit_id = j.id) AS cases_json," \
	" (SELECT json_group_array(json_object('from', x.from_date, 'to', x.to_date, 'reason'," \
	"   x.reason, 'at', x.at, 'by', x.by_user)) FROM jit_extensions x" \
	"   WHERE x.jit_id = j.id) AS extensions_json FROM jits j"

int cu_store_jit_get(cu_store *s, json_t **out, int64_t id)
{
	static const char sql[] = JIT_DOC " WHERE j.id = ?1";
	static const char pg[] = JIT_DOC_PG " WHERE j.id = ?1";
	return sq_row_id2(s, out, sql, pg, id, "JIT");
}

int cu_store_jit_list(cu_store *s, json_t **out, int64_t org_id)
{
#define JIT_LIST \
	" WHERE j.id IN (SELECT jit_id FROM jit_members WHERE org_id = ?1" \
	"  UNION SELECT jc.jit_id FROM jit_cases jc JOIN case_access a" \
	"  ON a.case_id = jc.case_id AND a.org_id = ?1) ORDER BY j.id DESC"
	static const char sql[] = JIT_DOC JIT_LIST;
	static const char pg[] = JIT_DOC_PG JIT_LIST;
	return sq_rows_id2(s, out, sql, pg, org_id, "JITs");
}

int cu_store_jit_access(cu_store *s, bool *visible, char role[16], int64_t jit_id,
                        int64_t org_id)
{
	static const char sql[] =
		"SELECT (SELECT role FROM jit_members WHERE jit_id = ?1 AND org_id = ?2),"
		" EXISTS (SELECT 1 FROM jit_cases jc JOIN case_access a ON a.case_id = jc.case_id"
		"  AND a.org_id = ?2 WHERE jc.jit_id = ?1), EXISTS (SELECT 1 FROM jits WHERE id = ?1)";
	db_stmt *st = sq_stmt(s, sql);
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, jit_id);
	db_bind_int64(st, 2, org_id);
	int rc = db_step(st);
	if (rc != DB_ROW) {
		db_reset(st);
		return sq_dberr(s, rc, "JIT access");
	}
	sq_copy_col(role, 16, st, 0);
	bool exists = db_column_int(st, 2) != 0;
	*visible = exists && (role[0] || db_column_int(st, 1));
	db_reset(st);
	return exists ? 0 : cu_error_set(CU_ENOTFOUND, "no such JIT");
}

/* A JIT's members and expiry feed need-to-know of every case linked to it. */
static int refresh_jit_cases(cu_store *s, int64_t jit_id)
{
	static const char sql[] = "SELECT case_id FROM jit_cases WHERE jit_id = ?1";
	db_stmt *st = sq_stmt(s, sql);
	json_t *rows, *row;
	size_t i;
	int r;
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, jit_id);
	if ((r = sq_rows(s, &rows, st, "JIT cases")) != 0)
		return r;
	json_array_foreach(rows, i, row) {
		int64_t c = json_integer_value(json_object_get(row, "case_id"));
		if ((r = refresh_case_access(s, c)) != 0 || (r = sq_refresh_case_doc(s, c)) != 0)
			break;
	}
	json_decref(rows);
	return r;
}

int cu_store_jit_member_set(cu_store *s, int64_t jit_id, int64_t org_id, const char *role)
{
	static const char sql[] = "INSERT INTO jit_members(jit_id, org_id, role) VALUES (?1, ?2, ?3)"
	                          " ON CONFLICT(jit_id, org_id) DO UPDATE SET role = excluded.role";
	db_stmt *st = sq_stmt(s, sql);
	int r;
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, jit_id);
	db_bind_int64(st, 2, org_id);
	sq_bind_text(st, 3, role);
	if ((r = sq_exec(s, st, "JIT member")) != 0)
		return r;
	return refresh_jit_cases(s, jit_id);
}

int cu_store_jit_case_link(cu_store *s, int64_t jit_id, int64_t case_id)
{
	static const char sql[] = "INSERT INTO jit_cases(jit_id, case_id) VALUES (?1, ?2)";
	db_stmt *st = sq_stmt(s, sql);
	int r;
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, jit_id);
	db_bind_int64(st, 2, case_id);
	if ((r = sq_exec(s, st, "JIT case")) != 0)
		return r;
	if ((r = refresh_case_access(s, case_id)) != 0)
		return r;
	return sq_refresh_case_doc(s, case_id);
}

int cu_store_jit_extend(cu_store *s, int64_t jit_id, const char *new_expiry, const char *reason,
                        const char *at, const char *by)
{
	static const char ins[] =
		"INSERT INTO jit_extensions(jit_id, from_date, to_date, reason, at, by_user)"
		" SELECT id, expires_on, ?2, ?3, ?4, ?5 FROM jits WHERE id = ?1";
	static const char upd[] = "UPDATE jits SET expires_on = ?2 WHERE id = ?1";
	db_stmt *st = sq_stmt(s, ins);
	int r;
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, jit_id);
	sq_bind_text(st, 2, new_expiry);
	sq_bind_text(st, 3, reason);
	sq_bind_text(st, 4, at);
	sq_bind_text(st, 5, by);
	if ((r = sq_exec(s, st, "JIT extension")) != 0)
		return r;
	if (db_changes(s) == 0)
		return cu_error_set(CU_ENOTFOUND, "no such JIT");
	if (!(st = sq_stmt(s, upd)))
		return CU_EDB;
	db_bind_int64(st, 1, jit_id);
	sq_bind_text(st, 2, new_expiry);
	if ((r = sq_exec(s, st, "JIT")) != 0)
		return r;
	return refresh_jit_cases(s, jit_id);
}

/* ---- events ----------------------------------------------------------- */

void sq_bind_json(db_stmt *st, int i, const json_t *v)
{
	if (!v) {
		db_bind_null(st, i);
		return;
	}
	char *t = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	if (t)
		db_bind_text(st, i, t, -1, free);
	else
		db_bind_null(st, i);
}

int cu_store_event_append(cu_store *s, int64_t *out_seq, const cu_event *ev)
{
	if (sq_defer_on(s)) /* sent at the next flush point (defer.c) */
		return sq_defer_event(s, out_seq, ev);
	static const char sql[] =
		"INSERT INTO events(at, actor, actor_org, action, object_type, object_id, case_id,"
		" jit_id, before, after, salt) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
	db_stmt *st = sq_stmt(s, sql);
	if (!st)
		return CU_EDB;
	db_must(st);
	sq_bind_text(st, 1, ev->at);
	sq_bind_text(st, 2, ev->actor);
	sq_bind_text(st, 3, ev->actor_org);
	sq_bind_text(st, 4, ev->action);
	sq_bind_text(st, 5, ev->object_type);
	sq_bind_text(st, 6, ev->object_id);
	if (ev->case_id)
		db_bind_int64(st, 7, ev->case_id);
	if (ev->jit_id)
		db_bind_int64(st, 8, ev->jit_id);
	sq_bind_text(st, 9, ev->before);
	sq_bind_text(st, 10, ev->after);
	sq_bind_text(st, 11, ev->salt);
	return sq_insert(s, st, "event", out_seq);
}

int cu_store_event_list(cu_store *s, json_t **out, int64_t case_id, int64_t jit_id,
                        int64_t after_seq, int limit)
{
	static const char sql[] =
		"SELECT seq, at, actor, actor_org, action, object_type, object_id, case_id, jit_id,"
		" before AS before_json, after AS after_json FROM events"
		" WHERE seq > ?3 AND (?1 = 0 OR case_id = ?1) AND (?2 = 0 OR jit_id = ?2)"
		" ORDER BY seq LIMIT ?4";
	db_stmt *st = sq_stmt(s, sql);
	if (!st)
		return CU_EDB;
	db_bind_int64(st, 1, case_id);
	db_bind_int64(st, 2, jit_id);
	db_bind_int64(st, 3, after_seq);
	db_bind_int(st, 4, limit);
	return sq_rows(s, out, st, "events");
}

int64_t cu_store_event_count(cu_store *s)
{
	db_stmt *st = sq_stmt(s, "SELECT count(*) FROM events");
	int64_t n = -1;
	if (st && db_step(st) == DB_ROW)
		n = db_column_int64(st, 0);
	if (st)
		db_reset(st);
	return n;
}
