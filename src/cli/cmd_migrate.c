/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli: custodia migrate — a single-machine installation (SQLite, blobs in
 * DATA/blobs) moved to the scaled one (PostgreSQL, optionally a shared blob
 * store), in place, with every record, blob, custody event and ledger entry.
 *
 * Nothing of the source is touched until the copy has been verified, and the
 * source is then renamed, not removed:
 *
 *   1. refuse early: DIR already on PostgreSQL, custodia.db open in another
 *      process, a target database with records, leftovers of an earlier run;
 *   2. sign a checkpoint of the source's tree, take SQLite's write lock (held
 *      to the end: nothing written meanwhile can be left behind) and verify
 *      the source's ledger (a broken source is not migrated: afterwards one
 *      could not tell the copy's faults from its own);
 *   3. make a staging data directory DIR/migrate.tmp: the keys (symbolic
 *      links), the new database (cu_store_open with the URL, which records
 *      it there) and the blob store the result will use;
 *   4. copy the records in one PostgreSQL transaction, each table read back
 *      and compared before the commit (cu_store_copy); copy the blobs if
 *      they move, each read back (cu_vault_copy_blobs);
 *   5. open the staging directory as an installation and check it as
 *      `ledger verify` and `evidence verify` would: the same tree (size,
 *      root, checkpoints) and every item's and text's blob authenticated
 *      against its recorded SHA-256 (without recording the checks as custody
 *      events, so that the ledger stays the source's); rebuild the search
 *      index there;
 *   6. only then switch DIR: DIR/blobstore, DIR/database (from then on DIR
 *      is on PostgreSQL), custodia.db and blobs/ renamed *.migrated.
 *
 * Any failure before 6 leaves DIR as it was, on SQLite, and drops the
 * database if this run made it. A crash before 6 leaves only migrate.tmp,
 * which the next run removes.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

static const char usage[] =
	"usage: custodia migrate --from DIR --to postgresql://... [--blobs URI] [--json]\n"
	"moves a data directory's records from its SQLite file to PostgreSQL, in place:\n"
	"every table row for row with its ids, in one transaction, each table read back\n"
	"and compared before the commit; the search index is rebuilt there. --to names\n"
	"a server (a database of its own is made, as at init) or an empty database.\n"
	"--blobs moves the evidence too (file:///DIR shared by the nodes, or\n"
	"s3://BUCKET/PREFIX?endpoint=URL&region=R): the ciphertext byte for byte, each\n"
	"blob read back. The result is checked before DIR changes: the ledger gives the\n"
	"same tree and checkpoint, and every item's content authenticates. Then DIR\n"
	"records the database (and blob store) and keeps custodia.db (and blobs/) as\n"
	"custodia.db.migrated (blobs.migrated). Stop custodia serve and every other\n"
	"custodia process on DIR first: a DIR in use is refused. On any failure DIR\n"
	"stays on SQLite as it was. Exits 0 when migrated, 1 on a usage error, 2 when\n"
	"refused or when the result does not verify, 3 on an internal error, 128+N when\n"
	"stopped by signal N (Ctrl-C, SIGTERM) before DIR changed, as on a failure.\n"
	"  --from DIR   the data directory (or --data; env CUSTODIA_DATA)\n"
	"  --to URL     postgresql://USER@HOST:PORT/[DATABASE] (env CUSTODIA_DB)\n"
	"  --blobs URI  where the evidence goes (default: where it is)\n"
	"  --json       print the summary as JSON\n";

#define STAGE "migrate.tmp"

typedef struct mig {
	const char *dir, *to, *blobs;
	char stage[PATH_MAX];
	char url[2048];        /* the database as recorded (with the name made) */
	char src_blobs[2048];  /* DIR/blobstore before ("": DIR/blobs) */
	bool moving;           /* the evidence moves to blobs */
	bool staged, made_db;
	cu_core *src;          /* DIR on SQLite, its write lock held once locked */
	bool locked;
	json_t *rep;
} mig;

/* ---- files -------------------------------------------------------------- */

static void path_of(char *out, size_t n, const char *dir, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
}

static bool exists(const char *dir, const char *name)
{
	char p[PATH_MAX + 64];
	struct stat st;
	path_of(p, sizeof(p), dir, name);
	return lstat(p, &st) == 0;
}

static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return cu_error_set(CU_EIO, "cannot open %s: %s", dir, strerror(errno));
	int r = fsync(fd) == 0 ? 0 : cu_error_set(CU_EIO, "cannot sync %s: %s", dir, strerror(errno));
	close(fd);
	return r;
}

/* One line, durably, replacing the file at once (as the store and vault write theirs). */
static int write_line(const char *dir, const char *name, const char *line)
{
	char path[PATH_MAX + 64];
	path_of(path, sizeof(path), dir, name);
	return cu_line_write(path, line);
}

static int read_line(const char *dir, const char *name, char *out, size_t n)
{
	char path[PATH_MAX + 64];
	path_of(path, sizeof(path), dir, name);
	return cu_line_read(path, out, n);
}

static int move(const char *dir, const char *from, const char *to)
{
	char a[PATH_MAX + 64], b[PATH_MAX + 64];
	path_of(a, sizeof(a), dir, from);
	path_of(b, sizeof(b), dir, to);
	if (rename(a, b) != 0)
		return cu_error_set(CU_EIO, "cannot rename %s to %s: %s", a, b, strerror(errno));
	return 0;
}

/* What a staging directory may hold: links, the records' and blobs' files. */
static const char *const staged[] = {"master.key", "node.key", "node.pub", "blobs", "database",
                                     "database.tmp", "blobstore", "blobstore.tmp", NULL};

static int unstage(const char *stage)
{
	char p[PATH_MAX + 64];
	for (int i = 0; staged[i]; i++) {
		path_of(p, sizeof(p), stage, staged[i]);
		unlink(p);
	}
	if (rmdir(stage) != 0 && errno != ENOENT)
		return cu_error_set(CU_EIO, "cannot remove %s (%s): it holds files custodia migrate"
		                    " did not put there", stage, strerror(errno));
	return 0;
}

/* The URL without its passwords, for printing (config's rule: cli_url_masked). */
static void masked(char *out, size_t n, const char *url)
{
	char *m = cli_url_masked(url);
	snprintf(out, n, "%s", m ? m : "(the database URL)");
	free(m);
}

/* ---- step 1: refusals --------------------------------------------------- */

/*
 * Whether path (which may not exist yet) lies in dir or is dir, both
 * resolved: the nearest existing ancestor resolved, the rest appended.
 */
static bool within(const char *path, const char *dir)
{
	char p[PATH_MAX], d[PATH_MAX], r[PATH_MAX], rest[PATH_MAX] = "", full[2 * PATH_MAX];
	snprintf(p, sizeof(p), "%s", path);
	if (!realpath(dir, d))
		return false;
	while (!realpath(p, r)) {
		char *slash = strrchr(p, '/'), tail[PATH_MAX];
		if (!slash || slash == p)
			return false;
		snprintf(tail, sizeof(tail), "%s%s", slash, rest);
		snprintf(rest, sizeof(rest), "%s", tail);
		*slash = '\0';
	}
	snprintf(full, sizeof(full), "%s%s", r, rest);
	size_t n = strlen(d);
	return !strncmp(full, d, n) && (full[n] == '\0' || full[n] == '/');
}

static int preflight(mig *m)
{
	char rec[2048], db[PATH_MAX + 64];
	long pid;
	int r;
	if ((r = cu_store_db_url(m->dir, rec, sizeof(rec))) != 0)
		return r;
	if (rec[0])
		return cu_error_set(CU_ECONFLICT, "%s already keeps its records in PostgreSQL", m->dir);
	if (!exists(m->dir, "custodia.db"))
		return cu_error_set(CU_ENOTFOUND, "no custodia database in %s", m->dir);
	if ((r = read_line(m->dir, "blobstore", m->src_blobs, sizeof(m->src_blobs))) != 0)
		return r;
	m->moving = m->blobs && strcmp(m->blobs, m->src_blobs) != 0;
	/* Never overwrite what an earlier migration kept. */
	static const char *const kept[] = {"custodia.db.migrated", "custodia.db.migrated-wal",
	                                   "custodia.db.migrated-shm", NULL};
	for (int i = 0; kept[i]; i++)
		if (exists(m->dir, kept[i]))
			return cu_error_set(CU_EEXISTS, "%s/%s is left from an earlier migration: move it"
			                    " away first", m->dir, kept[i]);
	if (m->moving && !m->src_blobs[0] && exists(m->dir, "blobs.migrated"))
		return cu_error_set(CU_EEXISTS, "%s/blobs.migrated is left from an earlier migration:"
		                    " move it away first", m->dir);
	/* DIR/blobs is renamed at the end: a store inside it would go with it. */
	path_of(db, sizeof(db), m->dir, "blobs");
	if (m->moving && !m->src_blobs[0] && !strncmp(m->blobs, "file://", 7) &&
	    within(m->blobs + 7, db))
		return cu_error_set(CU_EINVALID, "--blobs names %s's own blobs/: give a directory"
		                    " outside it", m->dir);
	/* Before this process opens it: a server still running would go on
	 * writing into the renamed file, and its writes would be lost. */
	path_of(db, sizeof(db), m->dir, "custodia.db");
	if ((r = cu_store_sqlite_users(db, &pid)) != 0)
		return r;
	if (pid)
		return cu_error_set(CU_ECONFLICT, "%s is open in another process (pid %ld): stop"
		                    " custodia serve and every other custodia process using %s first",
		                    db, pid, m->dir);
	if ((r = cu_store_pg_vacant(m->to)) != 0)
		return r;
	/* A crashed run's staging directory, and the database it made: DIR never
	 * recorded it (it would not be on SQLite now), so nothing uses it. */
	path_of(m->stage, sizeof(m->stage), m->dir, STAGE);
	if (read_line(m->stage, "database", rec, sizeof(rec)) == 0 && rec[0] &&
	    cu_store_pg_drop(rec) != 0)
		cu_error_clear();
	return unstage(m->stage);
}

/* ---- step 2: the source, locked and verified ---------------------------- */

static int lock_source(mig *m, json_t **cp, json_t **lv)
{
	cu_core_config cfg = {.datadir = m->dir};
	int64_t size;
	int r;
	if ((r = cu_core_open(&m->src, &cfg)) != 0 || (r = cu_ledger_checkpoint(m->src, cp, false)))
		return r;
	cu_store *s = cu_core_store(m->src);
	if ((r = cu_store_begin(s)) != 0)
		return r;
	m->locked = true;
	if ((r = cu_store_ledger_size(s, &size)) != 0)
		return r;
	if (size != json_integer_value(json_object_get(*cp, "size")))
		return cu_error_set(CU_ECONFLICT, "records were written while the migration began:"
		                    " is custodia still running on %s?", m->dir);
	if ((r = cu_ledger_verify(m->src, lv, false)) != 0)
		return r;
	if (!json_is_true(json_object_get(*lv, "ok")))
		return cu_error_set(CU_EVERIFY, "the ledger of %s does not verify (first bad index"
		                    " %lld; see custodia ledger verify): not migrating it", m->dir,
		                    (long long)json_integer_value(json_object_get(*lv,
		                    "first_bad_index")));
	return 0;
}

/* ---- step 3: the staging directory -------------------------------------- */

static int stage(mig *m, cu_store **dst)
{
	char target[PATH_MAX + 64], link[PATH_MAX + 64];
	int r;
	if (mkdir(m->stage, 0700) != 0)
		return cu_error_set(CU_EIO, "cannot create %s: %s", m->stage, strerror(errno));
	m->staged = true;
	/* The keys stay where they are: links, never a second copy of a secret. */
	static const char *const keys[] = {"master.key", "node.key", "node.pub", NULL};
	for (int i = 0; keys[i]; i++) {
		snprintf(target, sizeof(target), "../%s", keys[i]);
		path_of(link, sizeof(link), m->stage, keys[i]);
		if (symlink(target, link) != 0)
			return cu_error_set(CU_EIO, "cannot link %s: %s", link, strerror(errno));
	}
	/* The blob store the result uses: the new one, or the one DIR has. */
	if (m->moving)
		r = write_line(m->stage, "blobstore", m->blobs);
	else if (m->src_blobs[0])
		r = write_line(m->stage, "blobstore", m->src_blobs);
	else {
		path_of(link, sizeof(link), m->stage, "blobs");
		r = symlink("../blobs", link) == 0 ? 0 :
		    cu_error_set(CU_EIO, "cannot link %s: %s", link, strerror(errno));
	}
	if (r)
		return r;
	/* cu_store_open makes the database (if the URL names none), records it
	 * in the staging directory and creates the schema, as init does. */
	setenv("CUSTODIA_DB", m->to, 1);
	r = cu_store_open(dst, m->stage, true);
	unsetenv("CUSTODIA_DB");
	if (read_line(m->stage, "database", m->url, sizeof(m->url)) == 0 && m->url[0])
		m->made_db = strcmp(m->url, m->to) != 0;
	return r;
}

/* ---- step 4: the blobs -------------------------------------------------- */

static int copy_blobs(mig *m, json_t **out)
{
	cu_vault *from = NULL, *to = NULL;
	char (*names)[65] = NULL;
	size_t n = 0;
	cu_vault_copy_stats st = {0};
	int r;
	*out = NULL;
	if (!m->moving)
		return 0;
	if ((r = cu_vault_open(&from, m->dir)) == 0 && (r = cu_vault_open(&to, m->stage)) == 0 &&
	    (r = cu_evidence_blob_names(m->src, &names, &n)) == 0 &&
	    (r = cu_vault_copy_blobs(from, to, (const char (*)[65])names, n, &st)) == 0)
		*out = json_pack("{s:I, s:I, s:I}", "copied", (json_int_t)st.blobs, "bytes",
		                 (json_int_t)st.bytes, "already_there", (json_int_t)st.present);
	free(names);
	cu_vault_close(from);
	cu_vault_close(to);
	return r;
}

/* ---- step 5: the result, checked ---------------------------------------- */

/* Every blob authenticated, nothing recorded (cu_evidence_authenticate). */
static int check_evidence(mig *m, json_t **out)
{
	cu_core_config cfg = {.datadir = m->stage};
	cu_core *c = NULL;
	int r = cu_core_open(&c, &cfg);
	*out = NULL;
	if (r == 0)
		r = cu_evidence_authenticate(c, NULL, out);
	cu_core_close(c);
	return r;
}

static bool same(const json_t *a, const json_t *b, const char *key)
{
	return json_equal(json_object_get(a, key), json_object_get(b, key));
}

static int check_result(mig *m, const json_t *cp, const json_t *lv)
{
	cu_core_config cfg = {.datadir = m->stage};
	cu_core *c = NULL;
	json_t *search = NULL, *after = NULL, *cp_after = NULL, *ev = NULL;
	int r;
	/* The index first: search is part of what the result must serve. */
	if ((r = cu_core_open(&c, &cfg)) != 0 || (r = cu_search_reindex(c, NULL, &search)) != 0 ||
	    (r = cu_store_optimize(cu_core_store(c))) != 0 ||
	    (r = cu_ledger_verify(c, &after, false)) != 0 ||
	    (r = cu_store_checkpoint_latest(cu_core_store(c), &cp_after)) != 0)
		goto out;
	json_object_set(m->rep, "search", search);
	if (!json_is_true(json_object_get(after, "ok")) || !same(after, lv, "size") ||
	    !same(after, lv, "root") || !same(after, lv, "checkpoints")) {
		r = cu_error_set(CU_EVERIFY, "the copied ledger does not verify as the source's did"
		                 " (%lld entries, root %s; the source: %lld, %s)",
		                 (long long)json_integer_value(json_object_get(after, "size")),
		                 cu_json_str(after, "root"),
		                 (long long)json_integer_value(json_object_get(lv, "size")),
		                 cu_json_str(lv, "root"));
		goto out;
	}
	if (!same(cp_after, cp, "size") || !same(cp_after, cp, "root") ||
	    !same(cp_after, cp, "note")) {
		r = cu_error_set(CU_EVERIFY, "the copied database's latest checkpoint is not the"
		                 " source's");
		goto out;
	}
	json_object_set_new(m->rep, "ledger",
	                    json_pack("{s:O, s:O, s:O, s:{s:O, s:O}}", "size",
	                              json_object_get(lv, "size"), "root",
	                              json_object_get(lv, "root"), "checkpoints",
	                              json_object_get(lv, "checkpoints"), "checkpoint", "size",
	                              json_object_get(cp, "size"), "root",
	                              json_object_get(cp, "root")));
	cu_core_close(c);
	c = NULL;
	if ((r = check_evidence(m, &ev)) != 0)
		goto out;
	json_object_set(m->rep, "evidence", ev);
	if (!json_is_true(json_object_get(ev, "ok")))
		r = cu_error_set(CU_EVERIFY, "%zu blob(s) do not verify in the result (see"
		                 " \"evidence\".\"problems\" with --json)",
		                 json_array_size(json_object_get(ev, "problems")));
out:
	json_decref(search);
	json_decref(after);
	json_decref(cp_after);
	json_decref(ev);
	cu_core_close(c);
	return r;
}

/* ---- step 6: the switch ------------------------------------------------- */

/*
 * The order makes every crash point a working DIR: the blob store first
 * (it holds every blob, verified), then DIR/database, from which on DIR is
 * on PostgreSQL (custodia.db is no longer read), then the renames that keep
 * the old files out of the way.
 */
typedef struct switched {
	bool blobstore, database, renamed[3], blobs;
} switched;

static const char *const db_files[] = {"custodia.db", "custodia.db-wal", "custodia.db-shm"};
static const char *const db_kept[] = {"custodia.db.migrated", "custodia.db.migrated-wal",
                                      "custodia.db.migrated-shm"};

static void unswitch(mig *m, switched *sw)
{
	char p[PATH_MAX + 64];
	if (sw->blobs)
		move(m->dir, "blobs.migrated", "blobs");
	for (int i = 2; i >= 0; i--)
		if (sw->renamed[i])
			move(m->dir, db_kept[i], db_files[i]);
	if (sw->database) {
		path_of(p, sizeof(p), m->dir, "database");
		unlink(p);
	}
	if (sw->blobstore) {
		if (m->src_blobs[0]) {
			write_line(m->dir, "blobstore", m->src_blobs);
		} else {
			path_of(p, sizeof(p), m->dir, "blobstore");
			unlink(p);
		}
	}
	sync_dir(m->dir);
	memset(sw, 0, sizeof(*sw));
}

static int switch_dir(mig *m, switched *sw)
{
	int r = 0;
	if (m->moving && (r = write_line(m->dir, "blobstore", m->blobs)) != 0)
		return r;
	sw->blobstore = m->moving;
	if ((r = write_line(m->dir, "database", m->url)) != 0 || (r = sync_dir(m->dir)) != 0)
		return r;
	sw->database = true;
	/* Renamed as a set: SQLite finds a database's WAL by the database's name. */
	for (int i = 0; i < 3 && !r; i++)
		if (exists(m->dir, db_files[i]) && (r = move(m->dir, db_files[i], db_kept[i])) == 0)
			sw->renamed[i] = true;
	if (!r && m->moving && !m->src_blobs[0] && exists(m->dir, "blobs") &&
	    (r = move(m->dir, "blobs", "blobs.migrated")) == 0)
		sw->blobs = true;
	return r ? r : sync_dir(m->dir);
}

/* ---- the whole ---------------------------------------------------------- */

static int migrate(mig *m)
{
	json_t *cp = NULL, *lv = NULL, *copy = NULL, *blobs = NULL;
	cu_store *dst = NULL;
	switched sw = {0};
	char kept[PATH_MAX + 64];
	long pid = 0;
	int r;
	if ((r = preflight(m)) != 0)
		return r;
	if ((r = lock_source(m, &cp, &lv)) != 0 || (r = stage(m, &dst)) != 0 ||
	    (r = cu_interrupt_check()) != 0 ||
	    (r = cu_store_copy(cu_core_store(m->src), dst, &copy)) != 0)
		goto fail;
	cu_store_close(dst);
	dst = NULL;
	json_object_update(m->rep, copy);
	if ((r = cu_interrupt_check()) != 0 || (r = copy_blobs(m, &blobs)) != 0)
		goto fail;
	json_object_set_new(m->rep, "blobs",
	                    json_pack("{s:b, s:s, s:O?}", "moved", m->moving, "store",
	                              m->moving ? m->blobs :
	                              m->src_blobs[0] ? m->src_blobs : "DATA/blobs",
	                              "copy", blobs));
	/* An operator's Ctrl-C up to the switch leaves DIR as it was. */
	if ((r = cu_interrupt_check()) != 0 || (r = check_result(m, cp, lv)) != 0 ||
	    (r = cu_interrupt_check()) != 0 || (r = switch_dir(m, &sw)) != 0)
		goto fail;
	/* Nothing was written under the lock: let it go, and the file with it. */
	cu_store_rollback(cu_core_store(m->src));
	m->locked = false;
	cu_core_close(m->src);
	m->src = NULL;
	/* A process that opened custodia.db during the migration would write
	 * into the renamed file from now on: back to SQLite then. */
	path_of(kept, sizeof(kept), m->dir, "custodia.db.migrated");
	if ((r = cu_store_sqlite_users(kept, &pid)) == 0 && pid)
		r = cu_error_set(CU_ECONFLICT, "another process (pid %ld) opened %s/custodia.db"
		                 " during the migration: stop it and migrate again", pid, m->dir);
	if (r)
		goto fail;
	unstage(m->stage);
	m->staged = false;
	goto out;
fail:
	unswitch(m, &sw);
	cu_store_close(dst);
	if (m->locked)
		cu_store_rollback(cu_core_store(m->src));
	m->locked = false;
	cu_core_close(m->src);
	m->src = NULL;
	if (m->staged) {
		/* The failure's message stays the one reported. */
		char msg[1024];
		snprintf(msg, sizeof(msg), "%s", cu_error_message(r));
		unstage(m->stage);
		if (m->made_db)
			cu_store_pg_drop(m->url);
		cu_error_set(r, "%s", msg);
	}
out:
	json_decref(cp);
	json_decref(lv);
	json_decref(copy);
	json_decref(blobs);
	return r;
}

static void print_summary(const mig *m)
{
	const json_t *rep = m->rep, *bl = json_object_get(rep, "blobs");
	const json_t *copy = json_object_get(bl, "copy"), *ev = json_object_get(rep, "evidence");
	const json_t *lg = json_object_get(rep, "ledger"), *se = json_object_get(rep, "search");
	printf("migrated %s to %s\n", m->dir, cu_json_str(rep, "to"));
	printf("  records: %lld rows in %zu tables, each table read back and compared\n",
	       (long long)json_integer_value(json_object_get(rep, "rows")),
	       json_object_size(json_object_get(rep, "tables")));
	printf("  search index rebuilt: %lld cases, %lld items, %lld texts\n",
	       (long long)cu_json_int(se, "cases", 0), (long long)cu_json_int(se, "items", 0),
	       (long long)cu_json_int(se, "texts", 0));
	if (json_is_object(copy))
		printf("  evidence: %lld blobs (%lld bytes) copied to %s, each read back\n",
		       (long long)cu_json_int(copy, "copied", 0), (long long)cu_json_int(copy, "bytes", 0),
		       cu_json_str(bl, "store"));
	else
		printf("  evidence: stays in %s\n", cu_json_str(bl, "store"));
	printf("  ledger: %lld entries, root %s, the same tree and checkpoints (%lld)\n",
	       (long long)cu_json_int(lg, "size", 0), cu_json_str(lg, "root"),
	       (long long)cu_json_int(lg, "checkpoints", 0));
	printf("  evidence verified: %lld items and %lld texts authenticate\n",
	       (long long)cu_json_int(ev, "items", 0), (long long)cu_json_int(ev, "texts", 0));
	printf("  kept:");
	size_t i;
	json_t *k;
	json_array_foreach(json_object_get(rep, "kept"), i, k)
		printf(" %s/%s", m->dir, json_string_value(k));
	printf(" (remove once satisfied)\n");
}

int cmd_migrate(int argc, char **argv)
{
	static const struct option opts[] = {
		{"from", required_argument, NULL, 'D'}, {"data", required_argument, NULL, 'D'},
		{"to", required_argument, NULL, 't'}, {"blobs", required_argument, NULL, 'b'},
		{"json", no_argument, NULL, 'J'}, {"help", no_argument, NULL, 'h'}, {0}};
	mig m = {0};
	char shown[2048];
	int opt, r;
	cli c;
	cli_init(&c);
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (opt == 't')
			m.to = optarg;
		else if (opt == 'b')
			m.blobs = optarg;
		else
			cli_common(&c, opt, usage);
	}
	cli_operands(argc, argv, 0, usage);
	if (!m.to)
		m.to = getenv("CUSTODIA_DB");
	if (!m.to || !*m.to)
		cli_usage_error(usage, "--to postgresql://... is required");
	if (!cu_store_is_pg_url(m.to))
		cli_usage_error(usage, "--to takes a postgresql:// URL");
	if (m.blobs && strncmp(m.blobs, "file:///", 8) != 0 && strncmp(m.blobs, "s3://", 5) != 0)
		cli_usage_error(usage, "--blobs takes file:///DIR or s3://BUCKET/PREFIX?...");
	m.dir = c.data;
	/* Both name the source's engine and store only through what DIR records:
	 * the target is given by --to and --blobs alone. */
	unsetenv("CUSTODIA_DB");
	unsetenv("CUSTODIA_BLOBS");
	m.rep = json_object();
	json_object_set_new(m.rep, "from", json_string(m.dir));
	cu_interrupt_catch();
	r = migrate(&m);
	if (r == 0) {
		json_t *kept = json_array();
		json_array_append_new(kept, json_string("custodia.db.migrated"));
		if (m.moving && !m.src_blobs[0])
			json_array_append_new(kept, json_string("blobs.migrated"));
		json_object_set_new(m.rep, "kept", kept);
		masked(shown, sizeof(shown), m.url);
		json_object_set_new(m.rep, "to", json_string(shown));
		if (c.json)
			cli_print_json(m.rep);
		else
			print_summary(&m);
	}
	json_decref(m.rep);
	return r ? cli_fail(r) : EXIT_OK;
}
