/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench/search (1) and (2): indexing and term queries through custodia's
 * search index, against a bare FTS5 table measured in the same run.
 *
 * (1) N documents of the corpus (corpus.h) through cu_store_search_put, in
 *     transactions of BATCH (cu_store_begin/commit), spread over the cases
 *     of a data directory made by cu_core_init + cu_demo_load(c, 1000)
 *     (kinds "evidence"/"text", item ids 0 or some, organisations from the
 *     demo's); the same documents into `CREATE VIRTUAL TABLE bare USING
 *     fts5(title, body)` (unicode61) in a separate database with the store's
 *     pragmas, same transaction size. Batch by batch, the runs take turns
 *     going first, so that the machine's noise falls on both alike.
 *     Diagnostics, same documents: an FTS5 table with the custodia tokenizer
 *     and nothing else (separate database: what the tokenizer and its larger
 *     index cost, without search_docs), and both tokenizers alone (xTokenize
 *     with a counting callback, on one batch in ten), per language.
 * (2) NQ terms of the vocabulary (head, middle and tail ranks, and names;
 *     languages in the corpus's shares) as cu_search for three users — "se"
 *     (sees a fraction of the cases), "admin" (operator: no case) and the
 *     user whose organisation sees the most cases — against the bare query
 *     SELECT rowid, snippet(...) FROM bare WHERE bare MATCH ? ORDER BY rank
 *     LIMIT 20. Diagnostics: the same bare query on custodia's search_fts
 *     (the index's own cost, no need-to-know), and counting its matches.
 *
 * Usage: search DATADIR BARE_DB N BATCH NQ SEED. Prints key=value.
 */
#include <sqlite3.h>

#include "core/core.h"
#include "crypto/crypto.h"
#include "corpus.h"
#include "store/store_int.h"
#include "store/store.h"

#define NORGS_MAX 64
#define NCASES_MAX 4096

static void die(const char *what)
{
	fprintf(stderr, "search: %s failed: %s\n", what, cu_error_message(CU_EDB));
	exit(1);
}

static void exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "search: %s: %s\n", sql, err);
		exit(1);
	}
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "search: %s: %s\n", sql, sqlite3_errmsg(db));
		exit(1);
	}
	return st;
}

static sqlite3 *open_db(const char *path)
{
	sqlite3 *db;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	                    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		fprintf(stderr, "search: cannot open %s\n", path);
		exit(1);
	}
	/* What cu_store_open sets. */
	exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
	         "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;");
	return db;
}

static fts5_api *fts5(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st = prep(db, "SELECT fts5(?1)");
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (!api) {
		fprintf(stderr, "search: no FTS5\n");
		exit(1);
	}
	return api;
}

static int64_t one_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = prep(db, sql);
	int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	return v;
}

static long long file_size(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	fseek(f, 0, SEEK_END);
	long long n = ftell(f);
	fclose(f);
	return n;
}

/* ---- tokenizers alone ---- */

typedef struct tokcount {
	long long tokens;
} tokcount;

static int count_tok(void *ctx, int flags, const char *t, int n, int s, int e)
{
	(void)flags, (void)t, (void)n, (void)s, (void)e;
	((tokcount *)ctx)->tokens++;
	return SQLITE_OK;
}

typedef struct tokenizer {
	fts5_tokenizer api;
	Fts5Tokenizer *t;
} tokenizer;

static void find_tokenizer(tokenizer *out, fts5_api *api, const char *name)
{
	void *ud = NULL;
	if (api->xFindTokenizer(api, name, &ud, &out->api) != SQLITE_OK ||
	    out->api.xCreate(ud, NULL, 0, &out->t) != SQLITE_OK) {
		fprintf(stderr, "search: no tokenizer %s\n", name);
		exit(1);
	}
}

static double tokenize(tokenizer *tk, const bdoc *d, tokcount *c)
{
	double t0 = now_s();
	tk->api.xTokenize(tk->t, c, FTS5_TOKENIZE_DOCUMENT, d->title, (int)strlen(d->title),
	                  count_tok);
	tk->api.xTokenize(tk->t, c, FTS5_TOKENIZE_DOCUMENT, d->body, (int)strlen(d->body),
	                  count_tok);
	return now_s() - t0;
}

/* ---- latencies ---- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void report(const char *key, uint64_t *v, int n)
{
	if (n <= 0)
		return;
	qsort(v, (size_t)n, sizeof(*v), cmp_u64);
	printf("%s_median=%llu\n%s_p99=%llu\n%s_n=%d\n", key, (unsigned long long)v[n / 2], key,
	       (unsigned long long)v[(size_t)((n - 1) * 0.99)], key, n);
}

/* Queries past QUERY_CAP_NS are interrupted and count as that long. */
#define QUERY_CAP_NS 1000000000ull
static uint64_t deadline;

static int progress(void *ctx)
{
	(void)ctx;
	return now_ns() > deadline;
}

enum { Q_HEAD, Q_MID, Q_TAIL, Q_NAME, NQCLASS };
static const char *const qclass_name[NQCLASS] = {"head", "mid", "tail", "name"};

int main(int argc, char **argv)
{
	if (argc != 7) {
		fprintf(stderr, "usage: search DATADIR BARE_DB N BATCH NQ SEED\n");
		return 2;
	}
	const char *datadir = argv[1], *bare_path = argv[2];
	int64_t n = atoll(argv[3]);
	int batch = atoi(argv[4]), nq = atoi(argv[5]);
	uint64_t seed = strtoull(argv[6], NULL, 10);
	bool diag = !getenv("NO_DIAG"), ct = diag && getenv("CT_DIAG");

	/* ---- the data directory ---- */
	if (cu_crypto_init() != 0)
		die("cu_crypto_init");
	double t0 = now_s();
	if (cu_core_init(datadir, "admin", "bench-search-password") != 0)
		die("cu_core_init");
	cu_core *c;
	cu_core_config cfg = {.datadir = datadir};
	if (cu_core_open(&c, &cfg) != 0)
		die("cu_core_open");
	if (cu_demo_load(c, 1000) != 0)
		die("cu_demo_load");
	printf("setup_s=%.2f\n", now_s() - t0);
	cu_store *s = cu_core_store(c);
	sqlite3 *sdb = s->db;
	int64_t cases[NCASES_MAX], orgs[NORGS_MAX];
	int ncases = 0, norgs = 0;
	sqlite3_stmt *st = prep(sdb, "SELECT id FROM cases ORDER BY id");
	while (sqlite3_step(st) == SQLITE_ROW && ncases < NCASES_MAX)
		cases[ncases++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = prep(sdb, "SELECT id FROM orgs ORDER BY id");
	while (sqlite3_step(st) == SQLITE_ROW && norgs < NORGS_MAX)
		orgs[norgs++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	printf("cases=%d\norgs=%d\n", ncases, norgs);
	int64_t docs_before = one_int(sdb, "SELECT count(*) FROM search_docs");

	/* ---- the baselines' databases ---- */
	sqlite3 *bdb = open_db(bare_path);
	exec(bdb, "CREATE VIRTUAL TABLE bare USING fts5(title, body)");
	sqlite3_stmt *bins = prep(bdb, "INSERT INTO bare(rowid, title, body) VALUES (?1, ?2, ?3)");
	char ct_path[4096];
	snprintf(ct_path, sizeof ct_path, "%s.ct", bare_path);
	sqlite3 *cdb = NULL;
	sqlite3_stmt *cins = NULL;
	tokenizer tk_cu, tk_uni;
	if (diag) {
		find_tokenizer(&tk_cu, fts5(sdb), "custodia");
		find_tokenizer(&tk_uni, fts5(bdb), "unicode61");
	}
	if (ct) {
		cdb = open_db(ct_path);
		/* The store's tokenizer, registered on the diagnostic connection. */
		fts5_api *capi = fts5(cdb);
		void *ud = NULL;
		fts5_tokenizer t;
		fts5(sdb)->xFindTokenizer(fts5(sdb), "custodia", &ud, &t);
		if (capi->xCreateTokenizer(capi, "custodia", ud, &t, NULL) != SQLITE_OK)
			die("registering the tokenizer");
		exec(cdb, "CREATE VIRTUAL TABLE ct USING fts5(title, body, tokenize = 'custodia')");
		cins = prep(cdb, "INSERT INTO ct(rowid, title, body) VALUES (?1, ?2, ?3)");
	}

	/* ---- (1) indexing ---- */
	corpus *cp = malloc(sizeof(*cp));
	corpus_init(cp, seed);
	bdoc *docs = malloc(sizeof(bdoc) * (size_t)batch);
	cu_search_doc *sd = malloc(sizeof(cu_search_doc) * (size_t)batch);
	double t_cu = 0, t_bare = 0, t_ct = 0, t_gen = 0;
	double tok_cu[NLANG] = {0}, tok_uni[NLANG] = {0};
	long long tok_docs[NLANG] = {0}, ntok_cu = 0, ntok_uni = 0, words = 0, bytes = 0;
	long long lang_docs[NLANG] = {0};
	int64_t nb = (n + batch - 1) / batch;
	uint64_t rs = seed * 7 + 3;
	for (int64_t b = 0; b < nb; b++) {
		int64_t first = b * batch;
		int m = (int)(n - first < batch ? n - first : batch);
		double g0 = now_s();
		for (int i = 0; i < m; i++) {
			int64_t id = first + i;
			bdoc *d = &docs[i];
			corpus_doc(cp, d, seed, id);
			words += d->nwords;
			bytes += (long long)(strlen(d->title) + strlen(d->body));
			lang_docs[d->lang]++;
			bool text = splitmix(&rs) % 2;
			uint64_t r = splitmix(&rs);
			sd[i] = (cu_search_doc){
				.kind = text ? "text" : "evidence",
				.ref_id = 1000000000 + id,
				.case_id = cases[r % (uint64_t)ncases],
				/* Texts and most descriptions are of an item; some are not. */
				.item_id = text || (r >> 20) % 4 ? 2000000000 + id : 0,
				.org_id = orgs[(r >> 32) % (uint64_t)norgs],
				.lang = lang_code[d->lang],
				.day = "2026-11-26",
				.title = d->title,
				.body = d->body,
			};
		}
		t_gen += now_s() - g0;
		/* Take turns going first. */
		for (int k = 0; k < 3; k++) {
			int which = (int)((b + k) % 3);
			if (which == 0) {
				double a = now_s();
				if (cu_store_begin(s) != 0)
					die("cu_store_begin");
				for (int i = 0; i < m; i++)
					if (cu_store_search_put(s, &sd[i]) != 0)
						die("cu_store_search_put");
				if (cu_store_commit(s) != 0)
					die("cu_store_commit");
				t_cu += now_s() - a;
			} else if (which == 1) {
				double a = now_s();
				exec(bdb, "BEGIN");
				for (int i = 0; i < m; i++) {
					sqlite3_bind_int64(bins, 1, first + i + 1);
					sqlite3_bind_text(bins, 2, docs[i].title, -1, SQLITE_STATIC);
					sqlite3_bind_text(bins, 3, docs[i].body, -1, SQLITE_STATIC);
					if (sqlite3_step(bins) != SQLITE_DONE)
						die("bare insert");
					sqlite3_reset(bins);
				}
				exec(bdb, "COMMIT");
				t_bare += now_s() - a;
			} else if (ct) {
				double a = now_s();
				exec(cdb, "BEGIN");
				for (int i = 0; i < m; i++) {
					sqlite3_bind_int64(cins, 1, first + i + 1);
					sqlite3_bind_text(cins, 2, docs[i].title, -1, SQLITE_STATIC);
					sqlite3_bind_text(cins, 3, docs[i].body, -1, SQLITE_STATIC);
					if (sqlite3_step(cins) != SQLITE_DONE)
						die("ct insert");
					sqlite3_reset(cins);
				}
				exec(cdb, "COMMIT");
				t_ct += now_s() - a;
			}
		}
		if (diag && b % 10 == 0) {
			for (int i = 0; i < m; i++) {
				tokcount cc = {0}, cu = {0};
				int l = docs[i].lang;
				tok_cu[l] += tokenize(&tk_cu, &docs[i], &cc);
				tok_uni[l] += tokenize(&tk_uni, &docs[i], &cu);
				tok_docs[l]++;
				ntok_cu += cc.tokens;
				ntok_uni += cu.tokens;
			}
		}
		if (b % 10 == 9 || b == nb - 1)
			fprintf(stderr, "\r  indexed %lld of %lld (custodia %.0f/s, bare %.0f/s)   ",
			        (long long)(first + m), (long long)n, (first + m) / t_cu,
			        (first + m) / t_bare);
	}
	fprintf(stderr, "\n");
	printf("n=%lld\nbatch=%d\ngen_s=%.2f\nwords_avg=%.1f\nbytes_avg=%.1f\n", (long long)n,
	       batch, t_gen, (double)words / (double)n, (double)bytes / (double)n);
	for (int l = 0; l < NLANG; l++)
		printf("docs_%s=%lld\n", lang_code[l], lang_docs[l]);
	printf("cu_index_s=%.2f\ncu_index_rate=%.0f\n", t_cu, (double)n / t_cu);
	printf("bare_index_s=%.2f\nbare_index_rate=%.0f\n", t_bare, (double)n / t_bare);
	if (ct)
		printf("ct_index_s=%.2f\nct_index_rate=%.0f\n", t_ct, (double)n / t_ct);
	if (diag) {
		double tc = 0, tu = 0;
		long long td = 0;
		for (int l = 0; l < NLANG; l++) {
			if (!tok_docs[l])
				continue;
			printf("tok_cu_us_%s=%.2f\ntok_uni_us_%s=%.2f\n", lang_code[l],
			       tok_cu[l] / (double)tok_docs[l] * 1e6, lang_code[l],
			       tok_uni[l] / (double)tok_docs[l] * 1e6);
			tc += tok_cu[l], tu += tok_uni[l], td += tok_docs[l];
		}
		printf("tok_cu_us=%.2f\ntok_uni_us=%.2f\ntok_sample=%lld\n", tc / (double)td * 1e6,
		       tu / (double)td * 1e6, td);
		printf("tokens_cu_per_doc=%.1f\ntokens_uni_per_doc=%.1f\n",
		       (double)ntok_cu / (double)td, (double)ntok_uni / (double)td);
	}
	char path[4096];
	snprintf(path, sizeof path, "%s/custodia.db", datadir);
	exec(sdb, "PRAGMA wal_checkpoint(TRUNCATE)");
	exec(bdb, "PRAGMA wal_checkpoint(TRUNCATE)");
	printf("cu_db_bytes=%lld\nbare_db_bytes=%lld\n", file_size(path), file_size(bare_path));
	if (ct) {
		exec(cdb, "PRAGMA wal_checkpoint(TRUNCATE)");
		printf("ct_db_bytes=%lld\n", file_size(ct_path));
		sqlite3_finalize(cins);
		sqlite3_close(cdb);
	}
	printf("search_docs=%lld\n", (long long)(one_int(sdb, "SELECT count(*) FROM search_docs") -
	                                         docs_before));

	/* ---- (2) term queries ---- */
	static const char *const users[3] = {"se", "admin", NULL};
	char many[65] = "";
	st = prep(sdb, "SELECT u.username FROM users u JOIN (SELECT org_id, count(*) AS n"
	               " FROM case_access GROUP BY org_id) a ON a.org_id = u.org_id"
	               " WHERE u.role = 'prosecutor' AND u.username <> 'se' ORDER BY a.n DESC, u.username LIMIT 1");
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(many, sizeof many, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	cu_actor actors[3];
	const char *names[3] = {users[0], users[1], many};
	sqlite3_stmt *vis = prep(sdb, "SELECT count(*) FROM search_docs d WHERE d.case_id IN"
	                              " (SELECT case_id FROM case_access WHERE org_id = ?1)"
	                              " AND d.ref_id >= 1000000000");
	sqlite3_stmt *ncs = prep(sdb, "SELECT count(*) FROM case_access WHERE org_id = ?1");
	for (int u = 0; u < 3; u++) {
		if (cu_actor_load(c, &actors[u], names[u]) != 0)
			die("cu_actor_load");
		sqlite3_bind_int64(vis, 1, actors[u].org_id);
		sqlite3_step(vis);
		sqlite3_bind_int64(ncs, 1, actors[u].org_id);
		sqlite3_step(ncs);
		printf("user%d=%s\nuser%d_cases=%lld\nuser%d_docs_visible=%lld\n", u, names[u], u,
		       (long long)sqlite3_column_int64(ncs, 0), u,
		       (long long)sqlite3_column_int64(vis, 0));
		sqlite3_reset(vis);
		sqlite3_reset(ncs);
	}
	sqlite3_finalize(vis);
	sqlite3_finalize(ncs);

	char (*terms)[128] = malloc(sizeof(*terms) * (size_t)nq);
	int *qclass = malloc(sizeof(int) * (size_t)nq), *qlang = malloc(sizeof(int) * (size_t)nq);
	uint64_t qs = seed * 13 + 5;
	for (int i = 0; i < nq; i++) {
		int l = pick_lang(&qs), r = (int)(splitmix(&qs) % 100), k;
		const char *w;
		if (r < 5) {
			k = Q_HEAD;
			w = cp->words[l][splitmix(&qs) % 50];
		} else if (r < 35) {
			k = Q_MID;
			w = cp->words[l][50 + splitmix(&qs) % 1950];
		} else if (r < 95) {
			k = Q_TAIL;
			w = cp->words[l][2000 + splitmix(&qs) % (VOCAB - 2000)];
		} else {
			k = Q_NAME;
			w = pick_name(l, splitmix(&qs) % 2, &qs);
		}
		snprintf(terms[i], sizeof terms[i], "\"%s\"", w);
		qclass[i] = k;
		qlang[i] = l;
	}
	sqlite3_stmt *bq = prep(bdb, "SELECT rowid, snippet(bare, 1, '[', ']', '…', 16) FROM bare"
	                             " WHERE bare MATCH ?1 ORDER BY rank LIMIT 20");
	sqlite3_stmt *bcount = prep(bdb, "SELECT count(*) FROM bare WHERE bare MATCH ?1");
	sqlite3_stmt *rq = prep(sdb, "SELECT rowid, snippet(search_fts, 1, '[', ']', '…', 16)"
	                             " FROM search_fts WHERE search_fts MATCH ?1 ORDER BY rank"
	                             " LIMIT 20");
	sqlite3_stmt *rcount = prep(sdb, "SELECT count(*) FROM search_fts WHERE search_fts"
	                                 " MATCH ?1");
	enum { R_BARE, R_SE, R_ADMIN, R_MANY, R_RAW, R_COUNT, NRUN };
	static const char *const run_name[NRUN] = {"bare", "cu_se", "cu_admin", "cu_many",
	                                           "raw_cu_index", "count_cu_index"};
	uint64_t *lat[NRUN], *clat[NRUN][NQCLASS];
	int cn[NQCLASS] = {0};
	for (int r = 0; r < NRUN; r++) {
		lat[r] = malloc(sizeof(uint64_t) * (size_t)nq);
		for (int k = 0; k < NQCLASS; k++)
			clat[r][k] = malloc(sizeof(uint64_t) * (size_t)nq);
	}
	long long hits_total = 0, hits_se = 0, matches[NQCLASS] = {0}, zero = 0;
	int nrun = diag ? NRUN : R_RAW;
	long long capped[NRUN] = {0};
	sqlite3_progress_handler(sdb, 1000, progress, NULL);
	sqlite3_progress_handler(bdb, 1000, progress, NULL);
	/* Warm up: the first 50 terms once on each, unmeasured. */
	int warm = nq < 50 ? nq : 50;
	for (int i = -warm; i < nq; i++) {
		const char *q = terms[i < 0 ? i + warm : i];
		uint64_t ns[NRUN] = {0};
		for (int j = 0; j < nrun; j++) {
			int r = (j + (i < 0 ? 0 : i)) % nrun;
			uint64_t a = now_ns();
			bool cut = false;
			deadline = a + QUERY_CAP_NS;
			if (r == R_BARE || r == R_RAW || r == R_COUNT) {
				sqlite3_stmt *x = r == R_BARE ? bq : r == R_RAW ? rq : rcount;
				sqlite3_bind_text(x, 1, q, -1, SQLITE_STATIC);
				int rc;
				while ((rc = sqlite3_step(x)) == SQLITE_ROW)
					;
				cut = rc == SQLITE_INTERRUPT;
				if (rc != SQLITE_DONE && !cut)
					die(q);
				sqlite3_reset(x);
			} else {
				json_t *out = NULL;
				cu_search_params p = {.q = q};
				int e = cu_search(c, &actors[r - R_SE], &out, &p);
				cut = e != 0 && sqlite3_errcode(sdb) == SQLITE_INTERRUPT;
				if (e != 0 && !cut)
					die("cu_search");
				if (i >= 0 && r == R_SE && !cut)
					hits_se += json_integer_value(json_object_get(out, "total"));
				json_decref(out);
				cu_error_clear();
			}
			ns[r] = now_ns() - a;
			if (cut) {
				ns[r] = QUERY_CAP_NS;
				capped[r] += i >= 0;
			}
		}
		if (i < 0)
			continue;
		int k = qclass[i];
		for (int r = 0; r < nrun; r++) {
			lat[r][i] = ns[r];
			clat[r][k][cn[k]] = ns[r];
		}
		cn[k]++;
		deadline = UINT64_MAX;
		sqlite3_bind_text(bcount, 1, q, -1, SQLITE_STATIC);
		sqlite3_step(bcount);
		long long h = sqlite3_column_int64(bcount, 0);
		sqlite3_reset(bcount);
		hits_total += h;
		matches[k] += h;
		zero += h == 0;
	}
	(void)qlang;
	printf("nq=%d\nq_zero_hits=%lld\nq_bare_matches_avg=%.0f\nq_se_total_avg=%.0f\n", nq, zero,
	       (double)hits_total / nq, (double)hits_se / nq);
	for (int k = 0; k < NQCLASS; k++)
		printf("q_%s_n=%d\nq_%s_matches_avg=%.0f\n", qclass_name[k], cn[k], qclass_name[k],
		       cn[k] ? (double)matches[k] / cn[k] : 0.0);
	for (int r = 0; r < nrun; r++) {
		char key[64];
		report(run_name[r], lat[r], nq);
		printf("%s_capped=%lld\n", run_name[r], capped[r]);
		for (int k = 0; k < NQCLASS; k++) {
			snprintf(key, sizeof key, "%s_%s", run_name[r], qclass_name[k]);
			report(key, clat[r][k], cn[k]);
		}
	}
	sqlite3_finalize(bq);
	sqlite3_finalize(bcount);
	sqlite3_finalize(rq);
	sqlite3_finalize(rcount);
	sqlite3_finalize(bins);
	sqlite3_close(bdb);
	cu_core_close(c);
	return 0;
}
