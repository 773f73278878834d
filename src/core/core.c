/* SPDX-License-Identifier: Apache-2.0 */
/* core: opening a data directory, initialisation, authentication, events. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/internal.h"
#include "crypto/crypto.h"
#include "match/match.h"

void cu_id_text(char out[24], int64_t id)
{
	snprintf(out, 24, "%lld", (long long)id);
}

int cu_id_parse(int64_t *out, const char *s)
{
	char *end;
	/* strtoll would skip spaces and take a sign: an id has neither. */
	if (!s || *s < '0' || *s > '9')
		goto bad;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno == ERANGE || *end || v <= 0)
		goto bad;
	*out = (int64_t)v;
	return 0;
bad:
	return cu_error_set(CU_EINVALID, "bad id \"%.24s\" (want a positive number)", s ? s : "");
}

bool cu_role_valid(const char *role)
{
	return role && (!strcmp(role, "admin") || !strcmp(role, "prosecutor") ||
	                 !strcmp(role, "analyst") || !strcmp(role, "observer"));
}

int cu_org_id(cu_core *c, int64_t *out, const char *field, const char *code)
{
	json_t *o;
	if (!code)
		return cu_error_set(CU_EINVALID, "field \"%s\" is required", field);
	int r = cu_store_org_get(c->store, &o, 0, code);
	if (r == CU_ENOTFOUND)
		return cu_error_set(CU_EINVALID, "field \"%s\": unknown organisation \"%.32s\"",
		                    field, code);
	if (r)
		return r;
	*out = json_integer_value(json_object_get(o, "id"));
	json_decref(o);
	return 0;
}

bool cu_core_initialised(const char *datadir)
{
	char path[4096];
	struct stat st;
	/* Records in PostgreSQL: DATA/database names them (written once the
	 * database was made and migrated). */
	snprintf(path, sizeof(path), "%s/database", datadir);
	if (stat(path, &st) == 0 && st.st_size > 0)
		return true;
	snprintf(path, sizeof(path), "%s/custodia.db", datadir);
	return stat(path, &st) == 0 && st.st_size > 0;
}

static int mkdir_private(const char *dir)
{
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return cu_error_set(CU_EIO, "cannot create data directory %s: %s", dir,
		                    strerror(errno));
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return cu_error_set(CU_EIO, "%s is not a directory", dir);
	return 0;
}

int cu_core_init(const char *datadir, const char *admin, const char *password)
{
	cu_store *s = NULL;
	char *have = NULL, hash[CU_PWHASH_LEN];
	int64_t org, uid;
	int r;

	if ((r = cu_valid_name("admin", admin)) != 0)
		return r;
	/* The demo's administrator logs in with "demo" (serve --demo, loopback
	 * only); init holds a person's choice to cu_password_policy first. */
	if (!password || strlen(password) < 4 || strlen(password) > 1024)
		return cu_error_set(CU_EINVALID, "a password must be 4 to 1024 bytes long");
	/*
	 * An installation is recognised before any key is made: a missing
	 * node.key or master.key of an existing one is put back from a backup,
	 * never replaced by a new one (a new signing key makes every checkpoint
	 * look rewritten; a new master key strands the evidence).
	 */
	if ((r = mkdir_private(datadir)) != 0 ||
	    (cu_search_setup(), (r = cu_store_open(&s, datadir, true)) != 0))
		return r;
	if (cu_store_meta_get(s, &have, "operator_org") == 0) {
		free(have);
		cu_store_close(s);
		return cu_error_set(CU_EEXISTS, "%s is already initialised", datadir);
	}
	cu_error_clear();
	if ((r = cu_identity_ensure(datadir)) != 0 || (r = cu_master_ensure(datadir)) != 0) {
		cu_store_close(s);
		return r;
	}
	if ((r = cu_password_hash(hash, password)) != 0)
		goto out;
	if ((r = cu_store_begin(s)) != 0)
		goto out;
	char now[CU_TS_LEN];
	cu_time_now(now);
	char after[160];
	snprintf(after, sizeof(after), "{\"org\":\"HUB\",\"username\":\"%s\"}", admin);
	cu_event ev = {now, admin, "HUB", "node.init", "node", "1", 0, 0, NULL, after, NULL};
	if ((r = cu_refdata_load(s)) != 0 ||
	    (r = cu_store_org_insert(s, &org, "HUB", "eu_agency", NULL,
	                             "custodia hub (platform operator)")) != 0 ||
	    (r = cu_store_meta_set(s, "operator_org", "HUB")) != 0 ||
	    (r = cu_store_meta_set(s, "default_user", admin)) != 0 ||
	    /* what built the (empty) search index and match records: this build */
	    (r = cu_store_meta_set(s, "search_normaliser", CU_SEARCH_INDEX)) != 0 ||
	    (r = cu_store_meta_set(s, "match_normaliser", CU_MATCH_NORMALISER)) != 0 ||
	    /* every record of this store is appended with its entry: no catch-up */
	    (r = cu_store_meta_set(s, CU_LEDGER_COMPLETE, "1")) != 0 ||
	    (r = cu_store_user_insert(s, &uid, admin, org, "admin", "Administrator", hash)) != 0 ||
	    (r = cu_ledger_event(s, &ev)) != 0)
		cu_store_rollback(s);
	else
		r = cu_store_commit(s);
out:
	cu_wipe(hash, sizeof(hash));
	cu_store_close(s);
	return r;
}

/*
 * An installation from before the evidence vault has no master key: it gets
 * its first here, as long as no case key was ever wrapped. Once one was, a
 * missing master.key is a lost one, and the vault refuses to open without it.
 */
static int first_master_key(cu_store *s, const char *datadir)
{
	char path[4096];
	struct stat st;
	int64_t *ids = NULL;
	uint8_t (*wrapped)[72] = NULL;
	size_t n = 0;
	snprintf(path, sizeof(path), "%s/master.key", datadir);
	if (stat(path, &st) == 0 || errno != ENOENT)
		return 0; /* the vault says what else is wrong */
	int r = cu_store_case_keys_all(s, &ids, &wrapped, &n);
	if (wrapped)
		cu_wipe(wrapped, n * sizeof(*wrapped));
	free(ids);
	free(wrapped);
	if (r == 0 && n == 0)
		r = cu_master_ensure(datadir);
	return r;
}

int cu_core_open(cu_core **out, const cu_core_config *cfg)
{
	cu_core *c;
	char *op = NULL;
	int r;
	*out = NULL;
	if (!(c = calloc(1, sizeof(*c))) || !(c->datadir = strdup(cfg->datadir))) {
		free(c);
		return cu_error_set(CU_ENOMEM, "out of memory");
	}
	c->session_ttl = cfg->session_ttl > 0 ? cfg->session_ttl : 12 * 3600;
	c->login_limit_account = cfg->login_limit_account > 0 ? cfg->login_limit_account : 10;
	c->login_limit_address = cfg->login_limit_address > 0 ? cfg->login_limit_address : 100;
	c->login_window = cfg->login_window > 0 ? cfg->login_window : 15 * 60;
	c->session_idle = cfg->session_idle > 0 ? cfg->session_idle : 3600;
	cu_search_setup();
	if ((r = cu_store_open(&c->store, cfg->datadir, false)) != 0 ||
	    (r = first_master_key(c->store, cfg->datadir)) != 0 ||
	    (r = cu_vault_open(&c->vault, cfg->datadir)) != 0)
		goto fail;
	if ((r = cu_store_meta_get(c->store, &op, "operator_org")) != 0) {
		r = cu_error_set(CU_ENOTFOUND, "%s is not initialised (run 'custodia init')",
		                 cfg->datadir);
		goto fail;
	}
	snprintf(c->operator_org, sizeof(c->operator_org), "%s", op);
	free(op);
	/* A key rotation a crash interrupted is completed or undone first. */
	if ((r = cu_keys_recover(c)) != 0)
		goto fail;
	/* Data written before the ledger existed (schema 1 and 2) gets its
	 * entries once: the store's meta then says that the ledger is complete,
	 * and no open gives a record an entry again (a record without one is
	 * what `ledger verify` must find, not what an open should adopt). */
	if ((r = cu_ledger_catch_up(c)) != 0)
		goto fail;
	*out = c;
	return 0;
fail:
	cu_core_close(c);
	return r;
}

void cu_core_close(cu_core *c)
{
	if (!c)
		return;
	cu_store_close(c->store);
	cu_vault_close(c->vault);
	free(c->datadir);
	free(c);
}

cu_store *cu_core_store(cu_core *c)
{
	return c->store;
}

int cu_core_refuse_writes(cu_core *c)
{
	c->no_writes = true;
	return cu_store_refuse_writes(c->store);
}

bool cu_core_write_refused(cu_core *c)
{
	return cu_store_write_refused(c->store);
}

const char *cu_core_datadir(cu_core *c)
{
	return c->datadir;
}

int cu_core_event(cu_core *c, const cu_actor *a, const char *action, const char *object_type,
                  const char *object_id, int64_t case_id, int64_t jit_id, const json_t *before,
                  const json_t *after)
{
	char now[CU_TS_LEN], *b = NULL, *f = NULL;
	const size_t flags = JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY;
	int r;
	cu_time_now(now);
	if ((before && !(b = json_dumps(before, flags))) || (after && !(f = json_dumps(after, flags)))) {
		free(b);
		return cu_error_set(CU_ENOMEM, "out of memory");
	}
	cu_event ev = {now, a->username, a->org, action, object_type, object_id,
	               case_id, jit_id, b, f, NULL};
	r = cu_ledger_event(c->store, &ev);
	free(b);
	free(f);
	/* The search index follows every recorded change. */
	if (r == 0)
		r = cu_search_on_event(c, action, object_type, object_id, case_id);
	return r;
}

int cu_audit_denied(cu_core *c, const cu_actor *a, const char *what, const char *target,
                    const char *reason)
{
	json_t *info = json_pack("{s:s,s:s}", "target", target ? target : "", "reason",
	                         reason ? reason : "");
	int r;
	if (!info)
		return cu_error_set(CU_ENOMEM, "out of memory");
	CU_TXN(c, r, r = cu_core_event(c, a, "access.denied", "route", what, 0, 0, NULL, info));
	json_decref(info);
	return r;
}

/* ---- authentication --------------------------------------------------- */

static void actor_fill(cu_core *c, cu_actor *out, int64_t uid, int64_t org_id,
                       const char *username, const char *org, const char *role)
{
	memset(out, 0, sizeof(*out));
	out->user_id = uid;
	out->org_id = org_id;
	snprintf(out->username, sizeof(out->username), "%s", username);
	snprintf(out->org, sizeof(out->org), "%s", org);
	snprintf(out->role, sizeof(out->role), "%s", role);
	out->operator_admin = !strcmp(role, "admin") && !strcmp(org, c->operator_org);
}

int cu_actor_load(cu_core *c, cu_actor *out, const char *username)
{
	json_t *u;
	int r = cu_store_user_get(c->store, &u, username);
	if (r == CU_ENOTFOUND)
		return cu_error_set(CU_EAUTH, "no user \"%.64s\"", username);
	if (r)
		return r;
	if (json_is_true(json_object_get(u, "disabled"))) {
		json_decref(u);
		return cu_error_set(CU_EAUTH, "user \"%.64s\" is disabled", username);
	}
	actor_fill(c, out, json_integer_value(json_object_get(u, "id")),
	           json_integer_value(json_object_get(u, "org_id")), username,
	           cu_json_str(u, "org"), cu_json_str(u, "role"));
	json_decref(u);
	return 0;
}

/*
 * Login throttling. Failed logins are counted in the store (so every node
 * sharing it counts the same ones) per account, under the username as typed
 * whether or not it exists, and per client address, each in a fixed window
 * of c->login_window seconds from its first failure:
 *
 *   user:anna     |x x x x x x x x x x|- - - refused - - -|  window passes
 *   addr:10.0.0.7 |x  x x   x ...  (100)                   |
 *                 ^ first failure       ^ limit reached     ^ counting anew
 *
 * The check comes before the password is looked at, so a refusal (CU_ELIMIT,
 * HTTP 429 with Retry-After) is the same for a right or a wrong password and
 * for an account that exists or not. Refused attempts are not counted: the
 * window ends when it was going to. A success forgets the account's failures
 * (not the address's: one good password must not reset a spraying client).
 * Two nodes may both let through an attempt at the limit at the same moment;
 * the overshoot is bounded by the concurrent requests, not by time.
 */
static int login_throttled(cu_core *c, int64_t *retry_after, const char *ukey,
                           const char *akey, int64_t now)
{
	int64_t since = now - c->login_window, fu, su, fa = 0, sa = 0;
	int r;
	*retry_after = 0;
	if ((r = cu_store_login_failures(c->store, &fu, &su, ukey, since)) != 0 ||
	    (akey[0] && (r = cu_store_login_failures(c->store, &fa, &sa, akey, since)) != 0))
		return r;
	if (fu >= c->login_limit_account)
		*retry_after = su + c->login_window - now;
	if (fa >= c->login_limit_address && sa + c->login_window - now > *retry_after)
		*retry_after = sa + c->login_window - now;
	if (*retry_after == 0)
		return 0;
	if (*retry_after < 1)
		*retry_after = 1;
	return CU_ELIMIT;
}

int cu_auth_login(cu_core *c, json_t **out, const char *username, const char *password,
                  const char *addr, int64_t *retry_after)
{
	char *hash = NULL, token[CU_TOKEN_LEN + 1], id[CU_TOKEN_ID_LEN + 1], exp[CU_TS_LEN];
	char ukey[80], akey[80] = "";
	uint8_t th[32];
	cu_actor a;
	int64_t now = (int64_t)time(NULL), wait = 0;
	int r;
	*out = NULL;
	if (retry_after)
		*retry_after = 0;
	if (!username || !password || strlen(username) > 64)
		return cu_error_set(CU_EAUTH, "wrong username or password");
	snprintf(ukey, sizeof(ukey), "user:%s", username);
	if (addr && *addr)
		snprintf(akey, sizeof(akey), "addr:%.60s", addr);
	if ((r = login_throttled(c, &wait, ukey, akey, now)) != 0) {
		if (r != CU_ELIMIT)
			return r;
		cu_actor anon = {0};
		snprintf(anon.username, sizeof(anon.username), "%s", username);
		snprintf(anon.org, sizeof(anon.org), "-");
		json_t *info = json_pack("{s:s,s:s,s:I}", "username", username, "address",
		                         addr ? addr : "", "retry_after", (json_int_t)wait);
		CU_TXN(c, r, r = cu_core_event(c, &anon, "auth.login_limited", "user", username, 0, 0,
		                               NULL, info));
		json_decref(info);
		if (retry_after)
			*retry_after = wait;
		return r ? r : cu_error_set(CU_ELIMIT, "too many failed logins; try again later");
	}
	r = cu_store_user_pwhash(c->store, &hash, username);
	if (r && r != CU_ENOTFOUND)
		return r;
	/*
	 * Verify against a hash even for an unknown user, so that the time taken
	 * does not reveal which usernames exist.
	 */
	static const char dummy[] = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$"
	                            "m3rqJ2ZVb8vdpAkSvIQpFwFi2Qq7CtxqyJhfGSN3ie4";
	int ok = cu_password_verify(hash ? hash : dummy, password) == 0 && hash;
	free(hash);
	if (!ok || cu_actor_load(c, &a, username) != 0) {
		cu_actor anon = {0};
		snprintf(anon.username, sizeof(anon.username), "%s", username);
		snprintf(anon.org, sizeof(anon.org), "-");
		json_t *info = json_pack("{s:s,s:s}", "username", username, "address",
		                         addr ? addr : "");
		int64_t since = now - c->login_window;
		CU_TXN(c, r, {
			if ((r = cu_store_login_failed(c->store, ukey, now, since)) == 0 &&
			    (!akey[0] || (r = cu_store_login_failed(c->store, akey, now, since)) == 0))
				r = cu_core_event(c, &anon, "auth.login_failed", "user", username, 0, 0,
				                  NULL, info);
		});
		json_decref(info);
		return r ? r : cu_error_set(CU_EAUTH, "wrong username or password");
	}
	cu_token_new(token, id, th);
	cu_time_after(exp, c->session_ttl);
	json_t *ev = json_pack("{s:s,s:s}", "token_id", id, "expires_at", exp);
	CU_TXN(c, r, {
		if ((r = cu_store_token_insert(c->store, id, a.user_id, th, "session", "login",
		                               exp)) == 0 &&
		    (r = cu_store_login_clear(c->store, ukey)) == 0)
			r = cu_core_event(c, &a, "auth.login", "session", id, 0, 0, NULL, ev);
	});
	json_decref(ev);
	if (r == 0)
		*out = json_pack("{s:s,s:s,s:{s:s,s:s,s:s}}", "token", token, "expires_at", exp,
		                 "user", "username", a.username, "org", a.org, "role", a.role);
	cu_wipe(token, sizeof(token));
	return r;
}

int cu_auth_bearer(cu_core *c, cu_actor *out, char token_id[17], const char *token)
{
	uint8_t h[32];
	cu_token_row row;
	char now[CU_TS_LEN];
	bool touch = false;
	int r;
	if (cu_token_parse(token, token_id, h) != 0)
		return cu_error_set(CU_EAUTH, "malformed token");
	r = cu_store_token_lookup(c->store, &row, token_id);
	if (r == CU_ENOTFOUND)
		return cu_error_set(CU_EAUTH, "unknown or revoked token");
	if (r)
		return r;
	if (!cu_ct_equal(row.hash, h, 32))
		return cu_error_set(CU_EAUTH, "unknown or revoked token");
	cu_time_now(now);
	if (row.revoked_at[0])
		return cu_error_set(CU_EAUTH, "unknown or revoked token");
	if (row.expires_at[0] && strcmp(row.expires_at, now) <= 0)
		return cu_error_set(CU_EAUTH, "the token has expired: log in again");
	if (row.disabled)
		return cu_error_set(CU_EAUTH, "the user is disabled");
	/*
	 * A login session left unused for session_idle seconds ends (API tokens
	 * are for scripts: they have their own expiry). The last use is written
	 * at most every quarter of the limit (and each minute at most), not on
	 * every request, so the end comes within that much of the limit.
	 */
	if (!strcmp(row.kind, "session")) {
		char idle_since[CU_TS_LEN], touch_before[CU_TS_LEN];
		int64_t every = c->session_idle / 4 < 60 ? c->session_idle / 4 : 60;
		cu_time_after(idle_since, -c->session_idle);
		if (strcmp(row.used_at, idle_since) <= 0)
			return cu_error_set(CU_EAUTH, "the session has been idle too long: log in again");
		cu_time_after(touch_before, -every);
		if (strcmp(row.used_at, touch_before) <= 0) {
			if (c->no_writes)
				touch = true;
			else
				CU_TXN(c, r, r = cu_store_token_touch(c->store, token_id, now));
		}
		if (r)
			return r;
	}
	actor_fill(c, out, row.user_id, row.org_id, row.username, row.org_code, row.role);
	out->touch_due = touch;
	return 0;
}

int cu_auth_touch(cu_core *c, const char *token_id)
{
	char now[CU_TS_LEN];
	int r;
	cu_time_now(now);
	CU_TXN(c, r, r = cu_store_token_touch(c->store, token_id, now));
	return r;
}

int cu_auth_logout(cu_core *c, const cu_actor *a, const char *token_id)
{
	char now[CU_TS_LEN];
	int r;
	cu_time_now(now);
	CU_TXN(c, r, {
		if ((r = cu_store_token_revoke(c->store, token_id, now)) == 0)
			r = cu_core_event(c, a, "auth.logout", "session", token_id, 0, 0, NULL, NULL);
	});
	return r;
}
