/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tests: SQL straight on a data directory's database, whichever engine holds
 * it (DATA/database names a PostgreSQL one; else DATA/custodia.db): what an
 * insider with access to the database can do, below custodia.
 */
#ifndef CU_TESTDB_H
#define CU_TESTDB_H

#include <cmocka.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The recorded PostgreSQL URL, or "" when the data directory uses SQLite. */
static inline void tdb_url(const char *datadir, char *url, size_t n)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/database", datadir);
	FILE *f = fopen(path, "r");
	url[0] = '\0';
	if (f) {
		if (!fgets(url, (int)n, f))
			url[0] = '\0';
		fclose(f);
	}
	url[strcspn(url, "\r\n")] = '\0';
}

static inline bool tdb_is_pg(const char *datadir)
{
	char url[2048];
	tdb_url(datadir, url, sizeof(url));
	return url[0] != '\0';
}

/*
 * Runs SQL; the first column of its last row goes to *out (if wanted, -1 if
 * none). With `tamper`, the append-only guards are off for it: SQLite's
 * triggers dropped, PostgreSQL's skipped (session_replication_role).
 */
static inline void tdb_exec(const char *datadir, const char *sql, bool tamper, int64_t *out)
{
	char url[2048];
	tdb_url(datadir, url, sizeof(url));
	if (out)
		*out = -1;
	if (url[0]) {
		PGconn *c = PQconnectdb(url);
		if (PQstatus(c) != CONNECTION_OK)
			fail_msg("tdb: %s", PQerrorMessage(c));
		PGresult *r;
		if (tamper) {
			r = PQexec(c, "SET session_replication_role = replica");
			PQclear(r);
		}
		r = PQexec(c, sql);
		ExecStatusType st = PQresultStatus(r);
		if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
			fail_msg("tdb: %s: %s", sql, PQresultErrorMessage(r));
		if (out && st == PGRES_TUPLES_OK && PQntuples(r) > 0)
			*out = strtoll(PQgetvalue(r, PQntuples(r) - 1, 0), NULL, 10);
		PQclear(r);
		PQfinish(c);
		return;
	}
	char path[4096], *err = NULL;
	sqlite3 *db;
	sqlite3_stmt *st;
	snprintf(path, sizeof(path), "%s/custodia.db", datadir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	if (tamper && sqlite3_exec(db, "DROP TRIGGER IF EXISTS custody_no_update;"
	                               "DROP TRIGGER IF EXISTS custody_no_delete;"
	                               "DROP TRIGGER IF EXISTS events_no_update;"
	                               "DROP TRIGGER IF EXISTS events_no_delete;"
	                               "DROP TRIGGER IF EXISTS ledger_entries_no_update;"
	                               "DROP TRIGGER IF EXISTS ledger_entries_no_delete;"
	                               "DROP TRIGGER IF EXISTS ledger_tiles_no_update;"
	                               "DROP TRIGGER IF EXISTS ledger_tiles_no_delete;"
	                               "DROP TRIGGER IF EXISTS checkpoints_no_update;",
	                           NULL, NULL, &err))
		fail_msg("tdb: %s", err);
	if (!out) {
		if (sqlite3_exec(db, sql, NULL, NULL, &err))
			fail_msg("tdb: %s: %s", sql, err);
	} else {
		assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW)
			*out = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
}

#endif
