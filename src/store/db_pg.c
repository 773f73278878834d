/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store: PostgreSQL through libpq, behind the statement calls of db.h.
 *
 * A statement's SQL is the store's (SQLite's parameter forms ?NNN, ? and
 * :name become $N once, at prepare). Parameters travel as text, except
 * blobs (binary bytea); integers are declared int8 and text text, so that
 * PostgreSQL never has to guess (it cannot, in "(?1 IS NULL OR col = ?1)");
 * only db_bind_null leaves the type to the context (an INSERT's column). The first step runs the statement (PQexecParams) and
 * keeps its whole result: the store's statements return pages, one record
 * or one id list, and keeping it lets a caller use other statements while it
 * walks the rows, as it may with SQLite.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "store/pq.h"
#include "store/store_int.h"

#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_TEXT 25
#define OID_OID 26
#define OID_FLOAT4 700
#define OID_FLOAT8 701
#define OID_NUMERIC 1700

struct pg_conn {
	PGconn *c;
	char *url;
	int64_t changes;
	bool guard;      /* in a write transaction: statements fail alone */
	unsigned nprepared; /* names the next server-side prepared statement */
	unsigned gen;       /* counts sessions: a new one has no prepared statements */
	bool txn;           /* in a transaction, as last known (a dead session's is unknown) */
	char state[6];   /* SQLSTATE of the last error */
	char msg[512];   /* and its message */
	/* Rows the store holds back in a write transaction (defer.c): before a
	 * statement that names one of their tables runs, flush sends them. */
	bool deferred;
	int (*flush)(void *ctx);
	void *flush_ctx;
};

struct pg_stmt {
	pg_conn *conn;
	char *sql;      /* with $N parameters */
	bool write;     /* INSERT, UPDATE or DELETE */
	int prepared;   /* server-side: 0 not yet, 1 as `name`, -1 never (see prepare) */
	unsigned gen;   /* the session it was prepared in */
	char name[16];
	int n;          /* parameters */
	char **names;   /* names[i]: ":name" of parameter i + 1, or NULL */
	bool *used;     /* used[i]: $i+1 appears in the SQL (SQLite allows gaps) */
	bool sees_deferred; /* names a table whose rows may be held back (pg_flush_needed) */
	char **vals;
	int *lens, *fmts;
	Oid *types;
	PGresult *res;
	int row, nrows;
	unsigned char *blob; /* column blob_col of row blob_row, unescaped */
	size_t bloblen;
	int blob_row, blob_col;
};

/* ---- Errors ------------------------------------------------------------- */

static void set_error(pg_conn *c, const PGresult *res)
{
	const char *st = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *m = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	snprintf(c->state, sizeof(c->state), "%s", st ? st : "08000");
	snprintf(c->msg, sizeof(c->msg), "%s", m ? m : PQerrorMessage(c->c));
	c->msg[strcspn(c->msg, "\n")] = '\0';
}

int pg_error(pg_conn *c, const char *what)
{
	const char *st = c->state, *m = c->msg;
	if (!strcmp(st, "23505"))
		return cu_error_set(CU_EEXISTS, "%s: already exists (%s)", what, m);
	if (!strncmp(st, "23", 2))
		return cu_error_set(CU_EINVALID, "%s: %s", what, m);
	if (!strcmp(st, "40001") || !strcmp(st, "40P01") || !strcmp(st, "55P03"))
		return cu_error_set(CU_EDB, "%s: the database is busy", what);
	if (!strcmp(st, "53100"))
		return cu_error_set(CU_ENOSPACE, "%s: the disk is full", what);
	if (!strcmp(st, "25006"))
		return cu_error_set(CU_EIO, "%s: the database is read-only", what);
	/* Class 08, and a server shutting down (57P01-57P03): try again later. */
	if (!strncmp(st, "08", 2) || !strncmp(st, "57P0", 4) || PQstatus(c->c) != CONNECTION_OK)
		return cu_error_set(CU_EUNAVAILABLE, "%s: the connection to PostgreSQL failed: %s",
		                    what, m);
	return cu_error_set(CU_EDB, "%s: %s", what, m);
}

/* ---- Connections -------------------------------------------------------- */

static void no_notices(void *arg, const char *message)
{
	(void)arg, (void)message; /* NOTICEs (e.g. "already exists, skipping") are not errors */
}

static PGconn *connect_db(const char *url, const char *dbname)
{
	const char *keys[] = {"dbname", dbname ? "dbname" : NULL, NULL};
	const char *vals[] = {url, dbname, NULL};
	PGconn *c = PQconnectdbParams(keys, vals, 1);
	if (c && PQstatus(c) == CONNECTION_OK)
		PQsetNoticeProcessor(c, no_notices, NULL);
	return c;
}

/* The database a URL names, or "" (PQconninfoParse: the URL's own rules). */
int pg_url_dbname(const char *url, char *out, size_t n)
{
	char *err = NULL;
	int r = cu_pq_load();
	if (r)
		return r;
	PQconninfoOption *o = PQconninfoParse(url, &err), *p;
	if (!o) {
		r = cu_error_set(CU_EINVALID, "cannot read the PostgreSQL URL: %s",
		                     err ? err : "out of memory");
		PQfreemem(err);
		return r;
	}
	out[0] = '\0';
	for (p = o; p->keyword; p++)
		if (!strcmp(p->keyword, "dbname") && p->val)
			snprintf(out, n, "%s", p->val);
	PQconninfoFree(o);
	return 0;
}

/* Makes a database of its own on the server a URL names (no database in it). */
static int make_database(const char *url, char **out_url)
{
	uint8_t rnd[8];
	char name[32], sql[80];
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return cu_error_set(CU_EIO, "getrandom: %s", strerror(errno));
	snprintf(name, sizeof(name), "custodia_");
	for (int i = 0; i < 8; i++)
		snprintf(name + 9 + 2 * i, 3, "%02x", rnd[i]);
	PGconn *c = connect_db(url, "postgres");
	if (!c || PQstatus(c) != CONNECTION_OK) {
		int r = cu_error_set(CU_EDB, "cannot connect to PostgreSQL: %s",
		                     c ? PQerrorMessage(c) : "out of memory");
		PQfinish(c);
		return r;
	}
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
	PGresult *res = PQexec(c, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		int r = cu_error_set(CU_EDB, "cannot create database %s: %s", name,
		                     PQresultErrorMessage(res));
		PQclear(res);
		PQfinish(c);
		return r;
	}
	PQclear(res);
	PQfinish(c);
	size_t len = strlen(url) + strlen(name) + 16;
	if (!(*out_url = malloc(len)))
		return cu_error_set(CU_ENOMEM, "out of memory");
	snprintf(*out_url, len, "%s%sdbname=%s", url, strchr(url, '?') ? "&" : "?", name);
	return 0;
}

/* Each session's settings. */
static int configure(pg_conn *c)
{
	/* Dates and times are text the store writes; nothing depends on the
	 * session's zone, but keep errors and sorting independent of it too. */
	/* No JIT: the server's cost estimates for search's leaves are so high
	 * that it would compile a plan for a second to run it in milliseconds,
	 * and custodia's statements are short. */
	if (pg_exec(c, "SET TIME ZONE 'UTC'; SET client_min_messages = warning;"
	               " SET jit = off") < 0)
		return pg_error(c, "configure database");
	return 0;
}

int pg_open(cu_store *s, const char *url, bool create)
{
	char dbname[256];
	int r;
	pg_conn *c = calloc(1, sizeof(*c));
	if (!c)
		return cu_error_set(CU_ENOMEM, "out of memory");
	s->pg = c;
	if ((r = pg_url_dbname(url, dbname, sizeof(dbname))) != 0)
		return r;
	if (create && !dbname[0]) {
		if ((r = make_database(url, &c->url)) != 0)
			return r;
	} else if (!(c->url = strdup(url))) {
		return cu_error_set(CU_ENOMEM, "out of memory");
	}
	c->c = connect_db(c->url, NULL);
	if (!c->c || PQstatus(c->c) != CONNECTION_OK)
		return cu_error_set(CU_EDB, "cannot connect to PostgreSQL: %s",
		                    c->c ? PQerrorMessage(c->c) : "out of memory");
	return configure(c);
}

int pg_reconnect(pg_conn *c)
{
	if (PQstatus(c->c) == CONNECTION_OK)
		return 0;
	/* Same parameters, a new session: nothing of the old one survives. */
	PQreset(c->c);
	c->gen++;
	c->guard = false;
	c->txn = false;
	if (PQstatus(c->c) != CONNECTION_OK) {
		snprintf(c->state, sizeof(c->state), "08006");
		snprintf(c->msg, sizeof(c->msg), "PostgreSQL is unreachable: %s", PQerrorMessage(c->c));
		c->msg[strcspn(c->msg, "\n")] = '\0';
		return cu_error_set(CU_EUNAVAILABLE, "%s", c->msg);
	}
	PQsetNoticeProcessor(c->c, no_notices, NULL);
	int r = configure(c);
	return r ? r : 1;
}

bool pg_lost(pg_conn *c)
{
	return PQstatus(c->c) != CONNECTION_OK;
}

unsigned pg_session(pg_conn *c)
{
	return c->gen;
}

const char *pg_url(pg_conn *c)
{
	return c->url;
}

void pg_close(pg_conn *c)
{
	if (!c)
		return;
	if (c->c) /* NULL also when libpq could not be loaded */
		PQfinish(c->c);
	free(c->url);
	free(c);
}

/* What the session says of its transaction, when it can say anything. */
static void track(pg_conn *c)
{
	PGTransactionStatusType t = PQtransactionStatus(c->c);
	if (t != PQTRANS_UNKNOWN)
		c->txn = t != PQTRANS_IDLE;
}

static int flush_deferred(pg_conn *c);

/*
 * SQL text may read anything: rows held back are sent first (a ROLLBACK
 * takes them back instead: the store discards them).
 */
int pg_exec(pg_conn *c, const char *sql)
{
	bool commit = !strcmp(sql, "COMMIT");
	if (c->deferred && strncmp(sql, "ROLLBACK", 8) != 0 && flush_deferred(c) != 0)
		return -1;
	PGresult *res = PQexec(c->c, sql);
	track(c);
	/* A transaction ended by COMMIT or ROLLBACK is over even if the session died. */
	if (commit || !strcmp(sql, "ROLLBACK"))
		c->txn = false;
	ExecStatusType st = PQresultStatus(res);
	int n = -1;
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		n = PQntuples(res);
	else
		set_error(c, res);
	/* COMMIT of a transaction a failed statement aborted answers ROLLBACK,
	 * without an error: that commit did not happen. */
	if (n >= 0 && commit && !strcmp(PQcmdStatus(res), "ROLLBACK")) {
		snprintf(c->state, sizeof(c->state), "25P02");
		snprintf(c->msg, sizeof(c->msg), "the transaction had failed and was rolled back");
		n = -1;
	}
	PQclear(res);
	return n;
}

/* ---- Rows held back (the store's defer.c) -------------------------------- */

void pg_set_flush(pg_conn *c, int (*fn)(void *ctx), void *ctx)
{
	c->flush = fn;
	c->flush_ctx = ctx;
}

void pg_set_deferred(pg_conn *c, bool on)
{
	c->deferred = on;
}

/*
 * The tables whose rows the store may hold back (defer.c keeps the same
 * list). A statement reads one of them only by naming it: none is read by a
 * view, a function, a trigger or a foreign key of another table (the
 * schema's only triggers on them forbid UPDATE and DELETE), so a statement
 * that does not name one cannot see whether their rows have been sent.
 * Naming is judged on the text, in any case and anywhere (a string, a
 * column called "events_x"): a false match only costs a flush.
 */
static bool names_deferred(const char *sql)
{
	return strcasestr(sql, "events") || strcasestr(sql, "ledger_entries") ||
	       strcasestr(sql, "ledger_tiles");
}

/* Sends what is held back; a failure's SQLSTATE and message are the connection's. */
static int flush_deferred(pg_conn *c)
{
	if (!c->deferred || !c->flush)
		return 0;
	c->deferred = false; /* the flush's own statements must not flush again */
	c->state[0] = c->msg[0] = '\0';
	int r = c->flush(c->flush_ctx);
	if (r != 0 && !c->msg[0]) {
		snprintf(c->state, sizeof(c->state), "XX000");
		snprintf(c->msg, sizeof(c->msg), "%s", cu_error_message(r));
	}
	return r;
}

/*
 * Several statements with text parameters in one pipeline: one round trip.
 * After the first that fails the server skips the rest (a COMMIT among them
 * does not happen; the transaction is left aborted for a ROLLBACK). A COMMIT
 * that answers ROLLBACK failed too (see pg_exec).
 */
int pg_pipeline(pg_conn *c, int n, const pg_query *q)
{
	PGconn *pc = c->c;
	PGresult *r;
	if (!PQenterPipelineMode(pc)) {
		set_error(c, NULL);
		return -1;
	}
	bool sent = true, failed = false;
	for (int i = 0; i < n && sent; i++)
		sent = PQsendQueryParams(pc, q[i].sql, q[i].n, NULL, q[i].vals, NULL, NULL, 0);
	sent = sent && PQpipelineSync(pc);
	failed = !sent;
	if (!sent)
		set_error(c, NULL);
	/* Each statement's results end with a NULL; then the sync's. */
	for (int i = 0; sent && i < n; i++) {
		while ((r = PQgetResult(pc)) != NULL) {
			ExecStatusType st = PQresultStatus(r);
			if (!failed && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
				failed = true;
				set_error(c, r);
			} else if (!failed && !strcmp(q[i].sql, "COMMIT") &&
			           !strcmp(PQcmdStatus(r), "ROLLBACK")) {
				failed = true;
				snprintf(c->state, sizeof(c->state), "25P02");
				snprintf(c->msg, sizeof(c->msg),
				         "the transaction had failed and was rolled back");
			}
			PQclear(r);
		}
	}
	while (sent && (r = PQgetResult(pc)) != NULL) { /* the sync */
		bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
		PQclear(r);
		if (sync)
			break;
	}
	PQexitPipelineMode(pc);
	track(c);
	for (int i = 0; i < n; i++)
		if (!strcmp(q[i].sql, "COMMIT"))
			c->txn = false;
	return failed ? -1 : 0;
}

/*
 * COPY table FROM STDIN of rows in COPY's text format: one statement and
 * one stream, two round trips whatever the number of rows, and the server
 * inserts them in batches (no parse, plan or executor start per row).
 */
int pg_copy(pg_conn *c, const char *copy_sql, const char *data, size_t len)
{
	PGresult *res = PQexec(c->c, copy_sql);
	track(c);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		set_error(c, res);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	bool sent = true;
	/* libpq takes any length, but sends at most ~2 GB per message: chunks. */
	for (size_t o = 0; sent && o < len; o += 1 << 20) {
		size_t n = len - o < (1 << 20) ? len - o : (1 << 20);
		sent = PQputCopyData(c->c, data + o, (int)n) == 1;
	}
	/* Ended with an error message, the COPY fails as a whole. */
	if (PQputCopyEnd(c->c, sent ? NULL : "custodia: the copy stream failed") != 1)
		sent = false;
	int n = 0;
	while ((res = PQgetResult(c->c)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			set_error(c, res);
			n = -1;
		}
		PQclear(res);
	}
	track(c);
	if (!sent && n == 0) {
		set_error(c, NULL);
		n = -1;
	}
	return n;
}

int64_t pg_changes(pg_conn *c)
{
	return c->changes;
}

int64_t pg_last_id(pg_conn *c)
{
	PGresult *res = PQexec(c->c, "SELECT lastval()");
	int64_t id = 0;
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return id;
}

bool pg_in_transaction(pg_conn *c)
{
	return PQtransactionStatus(c->c) != PQTRANS_IDLE;
}

/* ---- Statements --------------------------------------------------------- */

static bool name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_';
}

/*
 * SQLite's parameters as PostgreSQL's: ?NNN is $NNN, ? the next number,
 * :name (and @name) the number SQLite would give it: one more than the
 * largest so far, at its first appearance. Quoted text, identifiers,
 * comments and PostgreSQL's own :: casts and $N pass unchanged.
 */
static int convert(pg_stmt *st, const char *in)
{
	size_t len = strlen(in), cap = len * 2 + 16, o = 0;
	char *out = malloc(cap);
	int max = 0, ncap = 0, nused = 0;
	if (!out)
		return CU_ENOMEM;
	for (size_t i = 0; i < len;) {
		char ch = in[i];
		if (o + 16 >= cap) {
			char *t = realloc(out, cap *= 2);
			if (!t)
				goto nomem;
			out = t;
		}
		if (ch == '\'' || ch == '"') {
			size_t j = i + 1;
			while (j < len && in[j] != ch)
				j++;
			j = j < len ? j + 1 : j;
			while (o + (j - i) + 16 >= cap) {
				char *t = realloc(out, cap *= 2);
				if (!t)
					goto nomem;
				out = t;
			}
			memcpy(out + o, in + i, j - i);
			o += j - i, i = j;
			continue;
		}
		if (ch == ':' && i + 1 < len && in[i + 1] == ':') {
			out[o++] = ':', out[o++] = ':', i += 2;
			continue;
		}
		int num = 0;
		if (ch == '?') {
			size_t j = i + 1;
			while (j < len && in[j] >= '0' && in[j] <= '9')
				num = num * 10 + (in[j++] - '0');
			if (j == i + 1)
				num = max + 1;
			i = j;
		} else if ((ch == ':' || ch == '@') && i + 1 < len && name_char(in[i + 1]) &&
		           !(in[i + 1] >= '0' && in[i + 1] <= '9')) {
			size_t j = i + 1;
			while (j < len && name_char(in[j]))
				j++;
			for (int k = 0; k < st->n && !num; k++)
				if (st->names && st->names[k] && strlen(st->names[k]) == j - i &&
				    !strncmp(st->names[k], in + i, j - i))
					num = k + 1;
			if (!num) {
				num = max + 1;
				if (num > ncap) {
					int nc = num + 8;
					char **t = realloc(st->names, (size_t)nc * sizeof(*t));
					if (!t)
						goto nomem;
					memset(t + ncap, 0, (size_t)(nc - ncap) * sizeof(*t));
					st->names = t, ncap = nc;
				}
				if (!(st->names[num - 1] = strndup(in + i, j - i)))
					goto nomem;
			}
			i = j;
		} else {
			out[o++] = ch, i++;
			continue;
		}
		o += (size_t)snprintf(out + o, cap - o, "$%d", num);
		if (num > nused) {
			bool *u = realloc(st->used, (size_t)(num + 8) * sizeof(*u));
			if (!u)
				goto nomem;
			memset(u + nused, 0, (size_t)(num + 8 - nused) * sizeof(*u));
			st->used = u, nused = num + 8;
		}
		/* used has nused >= num entries: grown above when num > nused.
		 * NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
		st->used[num - 1] = true;
		if (num > max)
			max = num;
		if (max > st->n)
			st->n = max;
		if (st->n > ncap) {
			int nc = st->n + 8;
			char **t = realloc(st->names, (size_t)nc * sizeof(*t));
			if (!t)
				goto nomem;
			memset(t + ncap, 0, (size_t)(nc - ncap) * sizeof(*t));
			st->names = t, ncap = nc;
		}
	}
	out[o] = '\0';
	st->sql = out;
	return 0;
nomem:
	free(out);
	return CU_ENOMEM;
}

pg_stmt *pg_prepare(pg_conn *c, const char *sql, bool persistent)
{
	pg_stmt *st = calloc(1, sizeof(*st));
	if (!st || convert(st, sql) != 0)
		goto fail;
	st->conn = c;
	st->sees_deferred = names_deferred(sql);
	st->prepared = persistent ? 0 : -1;
	st->row = -1;
	const char *p = sql + strspn(sql, " \t\n");
	st->write = !strncasecmp(p, "INSERT", 6) || !strncasecmp(p, "UPDATE", 6) ||
	            !strncasecmp(p, "DELETE", 6);
	st->blob_row = -1;
	int n = st->n ? st->n : 1;
	if (!(st->vals = calloc((size_t)n, sizeof(*st->vals))) ||
	    !(st->lens = calloc((size_t)n, sizeof(*st->lens))) ||
	    !(st->fmts = calloc((size_t)n, sizeof(*st->fmts))) ||
	    !(st->types = calloc((size_t)n, sizeof(*st->types))))
		goto fail;
	if (!st->used && st->n && !(st->used = calloc((size_t)st->n, sizeof(*st->used))))
		goto fail;
	for (int i = 0; i < st->n; i++)
		st->types[i] = st->used[i] ? 0 : OID_TEXT;
	return st;
fail:
	pg_finalize(st);
	cu_error_set(CU_ENOMEM, "out of memory");
	return NULL;
}

static void drop_result(pg_stmt *st)
{
	PQclear(st->res);
	st->res = NULL;
	st->row = -1;
	st->nrows = 0;
	free(st->blob);
	st->blob = NULL;
	st->blob_row = -1;
}

void pg_reset(pg_stmt *st)
{
	drop_result(st);
}

void pg_clear_bindings(pg_stmt *st)
{
	for (int i = 0; i < st->n; i++) {
		free(st->vals[i]);
		st->vals[i] = NULL;
		st->lens[i] = st->fmts[i] = 0;
		st->types[i] = st->used[i] ? 0 : OID_TEXT;
	}
}

void pg_finalize(pg_stmt *st)
{
	if (!st)
		return;
	drop_result(st);
	if (st->vals)
		pg_clear_bindings(st);
	for (int i = 0; st->names && i < st->n; i++)
		free(st->names[i]);
	free(st->names);
	free(st->used);
	free(st->vals);
	free(st->lens);
	free(st->fmts);
	free(st->types);
	free(st->sql);
	free(st);
}

static int bind(pg_stmt *st, int i, const void *v, size_t n, int fmt, Oid type, bool nul)
{
	if (i < 1 || i > st->n)
		return SQLITE_RANGE;
	char *copy = NULL;
	if (v) {
		if (!(copy = malloc(n + 1)))
			return SQLITE_NOMEM;
		memcpy(copy, v, n);
		copy[n] = '\0';
	}
	free(st->vals[i - 1]);
	st->vals[i - 1] = nul ? NULL : copy;
	if (nul)
		free(copy);
	st->lens[i - 1] = (int)n;
	st->fmts[i - 1] = fmt;
	/* A number the SQL skips still needs a type: PostgreSQL cannot infer one. */
	st->types[i - 1] = st->used[i - 1] ? type : OID_TEXT;
	return SQLITE_OK;
}

int pg_bind_int64(pg_stmt *st, int i, int64_t v)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%lld", (long long)v);
	return bind(st, i, buf, (size_t)n, 0, OID_INT8, false);
}

int pg_bind_double(pg_stmt *st, int i, double v)
{
	char buf[40];
	int n = snprintf(buf, sizeof(buf), "%.17g", v);
	return bind(st, i, buf, (size_t)n, 0, OID_FLOAT8, false);
}

static void done_with(const void *v, void (*dtor)(void *))
{
	if (dtor && dtor != SQLITE_STATIC && dtor != SQLITE_TRANSIENT)
		dtor((void *)v);
}

int pg_bind_text(pg_stmt *st, int i, const char *v, int n, void (*dtor)(void *))
{
	int rc = v ? bind(st, i, v, n < 0 ? strlen(v) : (size_t)n, 0, OID_TEXT, false)
	           : bind(st, i, NULL, 0, 0, OID_TEXT, true);
	done_with(v, dtor);
	return rc;
}

int pg_bind_blob(pg_stmt *st, int i, const void *v, int n, void (*dtor)(void *))
{
	/* A NULL pointer is a NULL, as in SQLite. */
	int rc = v ? bind(st, i, v, (size_t)n, 1, OID_BYTEA, false)
	           : bind(st, i, NULL, 0, 0, OID_BYTEA, true);
	done_with(v, dtor);
	return rc;
}

int pg_bind_null(pg_stmt *st, int i)
{
	return bind(st, i, NULL, 0, 0, 0, true);
}

int pg_bind_parameter_index(pg_stmt *st, const char *name)
{
	for (int k = 0; st->names && k < st->n; k++)
		if (st->names[k] && !strcmp(st->names[k], name))
			return k + 1;
	return 0;
}

void pg_must(pg_stmt *st)
{
	st->write = false;
}

void pg_guard(pg_conn *c, bool on)
{
	c->guard = on;
}

/*
 * A statement that fails inside a transaction must fail alone, as in SQLite
 * (the store goes on after a duplicate, say), where PostgreSQL would abort
 * the whole transaction. So in a write transaction each change runs inside
 * its own savepoint: the three commands go in one pipeline (one round trip),
 * and a failure rolls back to the savepoint.
 */
static PGresult *run_guarded(pg_stmt *st)
{
	PGconn *c = st->conn->c;
	PGresult *res = NULL, *r;
	if (!PQenterPipelineMode(c))
		return NULL;
	bool sent = PQsendQueryParams(c, "SAVEPOINT cu_stmt", 0, NULL, NULL, NULL, NULL, 0) &&
	            (st->prepared == 1
	                 ? PQsendQueryPrepared(c, st->name, st->n, (const char *const *)st->vals,
	                                       st->lens, st->fmts, 0)
	                 : PQsendQueryParams(c, st->sql, st->n, st->types,
	                                     (const char *const *)st->vals, st->lens, st->fmts, 0)) &&
	            PQsendQueryParams(c, "RELEASE SAVEPOINT cu_stmt", 0, NULL, NULL, NULL, NULL,
	                              0) &&
	            PQpipelineSync(c);
	bool failed = !sent;
	/* The results of the three, each followed by a NULL, then the sync's. */
	for (int q = 0; sent && q < 3; q++) {
		while ((r = PQgetResult(c)) != NULL) {
			if (q == 1 && !res) {
				res = r;
				continue;
			}
			failed |= PQresultStatus(r) == PGRES_FATAL_ERROR;
			PQclear(r);
		}
	}
	if (sent)
		PQclear(PQgetResult(c));
	PQexitPipelineMode(c);
	ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		failed = true;
	if (failed && PQtransactionStatus(c) == PQTRANS_INERROR) {
		PGresult *rb = PQexec(c, "ROLLBACK TO SAVEPOINT cu_stmt; RELEASE SAVEPOINT cu_stmt");
		PQclear(rb);
	}
	return res;
}

/*
 * A cached statement is prepared on the server at its first run, with the
 * types of that run's parameters (a NULL's left to the server), so that it
 * is parsed and planned once per connection. Values travel as text (blobs as
 * bytea), which the server reads as the type it settled on, so later runs
 * may bind other types. If the server cannot type a parameter from that first
 * run, the statement is sent whole every time instead.
 */
static void prepare(pg_stmt *st)
{
	pg_conn *c = st->conn;
	/* A failed PREPARE would abort the transaction it is in: a savepoint. */
	bool txn = PQtransactionStatus(c->c) == PQTRANS_INTRANS;
	snprintf(st->name, sizeof(st->name), "cu%u", c->nprepared++);
	st->gen = c->gen;
	if (txn)
		PQclear(PQexec(c->c, "SAVEPOINT cu_prep"));
	PGresult *r = PQprepare(c->c, st->name, st->sql, st->n, st->types);
	st->prepared = PQresultStatus(r) == PGRES_COMMAND_OK ? 1 : -1;
	if (st->prepared < 0 && PQstatus(c->c) != CONNECTION_OK)
		st->prepared = 0; /* the session died, not the statement: next session */
	PQclear(r);
	if (txn)
		PQclear(PQexec(c->c, st->prepared == 1 ? "RELEASE SAVEPOINT cu_prep"
		                                       : "ROLLBACK TO SAVEPOINT cu_prep;"
		                                         " RELEASE SAVEPOINT cu_prep"));
}

static PGresult *run(pg_stmt *st)
{
	PGconn *c = st->conn->c;
	if (st->prepared == 1)
		return PQexecPrepared(c, st->name, st->n, (const char *const *)st->vals, st->lens,
		                      st->fmts, 0);
	return PQexecParams(c, st->sql, st->n, st->types, (const char *const *)st->vals, st->lens,
	                    st->fmts, 0);
}

/* Runs a statement: prepared first if it should be, guarded in a write transaction. */
static PGresult *execute(pg_stmt *st)
{
	pg_conn *c = st->conn;
	if (st->prepared == 1 && st->gen != c->gen)
		st->prepared = 0; /* prepared in a session that is gone */
	if (st->prepared == 0 && PQtransactionStatus(c->c) != PQTRANS_INERROR)
		prepare(st);
	PGresult *res = c->guard && st->write ? run_guarded(st) : run(st);
	track(c);
	return res;
}

int pg_step(pg_stmt *st)
{
	if (!st->res) {
		pg_conn *c = st->conn;
		/* Outside a transaction a dead session is simply replaced (inside
		 * one, the transaction is lost: it fails, and the next begins anew). */
		if (!c->txn && pg_lost(c) && pg_reconnect(c) < 0)
			return SQLITE_ERROR;
		/* Flush point: a statement that names a table with rows held
		 * back sees them (names_deferred). */
		if (c->deferred && st->sees_deferred && flush_deferred(c) != 0)
			return SQLITE_ERROR;
		st->res = execute(st);
		ExecStatusType s = PQresultStatus(st->res);
		if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK && !c->txn && !st->write &&
		    pg_lost(c) && pg_reconnect(c) == 1) {
			/* A read on its own that met a dead session: once more on a new one. */
			drop_result(st);
			st->res = execute(st);
			s = PQresultStatus(st->res);
		}
		if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
			set_error(c, st->res);
			drop_result(st);
			return SQLITE_ERROR;
		}
		const char *ct = PQcmdTuples(st->res);
		if (*ct)
			c->changes = strtoll(ct, NULL, 10);
		st->nrows = PQntuples(st->res);
		st->row = -1;
	}
	if (st->row + 1 < st->nrows) {
		st->row++;
		return SQLITE_ROW;
	}
	st->row = st->nrows;
	return SQLITE_DONE;
}

static bool on_row(pg_stmt *st, int i)
{
	return st->res && st->row >= 0 && st->row < st->nrows && i >= 0 &&
	       i < PQnfields(st->res);
}

int pg_column_count(pg_stmt *st)
{
	return st->res ? PQnfields(st->res) : 0;
}

const char *pg_column_name(pg_stmt *st, int i)
{
	return st->res ? PQfname(st->res, i) : NULL;
}

int pg_column_type(pg_stmt *st, int i)
{
	if (!on_row(st, i) || PQgetisnull(st->res, st->row, i))
		return SQLITE_NULL;
	switch (PQftype(st->res, i)) {
	case OID_BOOL:
	case OID_INT2:
	case OID_INT4:
	case OID_INT8:
	case OID_OID: return SQLITE_INTEGER;
	case OID_FLOAT4:
	case OID_FLOAT8: return SQLITE_FLOAT;
	case OID_NUMERIC:
		return strchr(PQgetvalue(st->res, st->row, i), '.') ? SQLITE_FLOAT : SQLITE_INTEGER;
	case OID_BYTEA: return SQLITE_BLOB;
	default: return SQLITE_TEXT;
	}
}

int64_t pg_column_int64(pg_stmt *st, int i)
{
	if (!on_row(st, i) || PQgetisnull(st->res, st->row, i))
		return 0;
	const char *v = PQgetvalue(st->res, st->row, i);
	if (PQftype(st->res, i) == OID_BOOL)
		return v[0] == 't';
	return strtoll(v, NULL, 10);
}

double pg_column_double(pg_stmt *st, int i)
{
	if (!on_row(st, i) || PQgetisnull(st->res, st->row, i))
		return 0;
	return strtod(PQgetvalue(st->res, st->row, i), NULL);
}

const unsigned char *pg_column_text(pg_stmt *st, int i)
{
	if (!on_row(st, i) || PQgetisnull(st->res, st->row, i))
		return NULL;
	if (PQftype(st->res, i) == OID_BYTEA)
		return pg_column_blob(st, i);
	return (const unsigned char *)PQgetvalue(st->res, st->row, i);
}

const void *pg_column_blob(pg_stmt *st, int i)
{
	if (!on_row(st, i) || PQgetisnull(st->res, st->row, i))
		return NULL;
	if (PQftype(st->res, i) != OID_BYTEA)
		return PQgetvalue(st->res, st->row, i);
	if (st->blob_row != st->row || st->blob_col != i) {
		free(st->blob);
		size_t n = 0;
		unsigned char *raw = PQunescapeBytea(
			(const unsigned char *)PQgetvalue(st->res, st->row, i), &n);
		/* One more byte, zero: column_text of a blob reads it as a string. */
		st->blob = raw ? malloc(n + 1) : NULL;
		if (st->blob) {
			memcpy(st->blob, raw, n);
			st->blob[n] = 0;
		}
		PQfreemem(raw);
		st->bloblen = st->blob ? n : 0;
		st->blob_row = st->row;
		st->blob_col = i;
	}
	return st->blob;
}

int pg_column_bytes(pg_stmt *st, int i)
{
	if (!on_row(st, i) || PQgetisnull(st->res, st->row, i))
		return 0;
	if (PQftype(st->res, i) == OID_BYTEA)
		return pg_column_blob(st, i) ? (int)st->bloblen : 0;
	return PQgetlength(st->res, st->row, i);
}
