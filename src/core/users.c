/* SPDX-License-Identifier: Apache-2.0 */
/* core: users and their API tokens. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/internal.h"
#include "crypto/crypto.h"

/*
 * What a person chooses as a password: at least CU_PASSWORD_MIN characters
 * (NIST SP 800-63B's floor for a memorised secret; no rules of composition,
 * which make passwords shorter to remember, not stronger), at most 1024
 * bytes. Counted in characters, not bytes: "Ђорђе" is five.
 */
int cu_password_policy(const char *pw)
{
	size_t chars = 0, len = pw ? strlen(pw) : 0;
	for (size_t i = 0; i < len; i++)
		chars += ((unsigned char)pw[i] & 0xC0) != 0x80;
	if (chars < CU_PASSWORD_MIN || len > 1024)
		return cu_error_set(CU_EINVALID, "a password must be at least %d characters (and at "
		                    "most 1024 bytes): a longer one, a few words, is both easier to "
		                    "remember and harder to guess", CU_PASSWORD_MIN);
	return 0;
}

int cu_user_create(cu_core *c, const cu_actor *a, json_t **out, const json_t *in)
{
	static const cu_jfield f[] = {
		{"username", CU_JSTR, true, 64}, {"password", CU_JSTR, true, 1024},
		{"org", CU_JSTR, false, 16}, {"role", CU_JSTR, true, 16},
		{"full_name", CU_JSTR, false, 200},
	};
	const char *username = cu_json_str(in, "username"), *role = cu_json_str(in, "role");
	const char *org = cu_json_str(in, "org");
	char hash[CU_PWHASH_LEN];
	int64_t org_id = a->org_id, uid;
	int r;
	*out = NULL;
	if ((r = cu_json_check(in, f, sizeof(f) / sizeof(f[0]))) != 0 ||
	    (r = cu_valid_name("username", username)) != 0)
		return r;
	if (!cu_role_valid(role))
		return cu_error_set(CU_EINVALID, "field \"role\" must be admin, prosecutor, analyst "
		                    "or observer");
	if (org && (r = cu_org_id(c, &org_id, "org", org)) != 0)
		return r;
	if ((r = cu_access_users(a, org_id, CU_OP_MANAGE)) != 0)
		return r;
	if ((r = cu_password_policy(cu_json_str(in, "password"))) != 0 ||
	    (r = cu_password_hash(hash, cu_json_str(in, "password"))) != 0)
		return r;
	CU_TXN(c, r, {
		if ((r = cu_store_user_insert(c->store, &uid, username, org_id, role,
		                              cu_json_str(in, "full_name"), hash)) == 0 &&
		    (r = cu_store_user_get(c->store, out, username)) == 0)
			r = cu_core_event(c, a, "user.create", "user", username, 0, 0, NULL, *out);
	});
	cu_wipe(hash, sizeof(hash));
	if (r == CU_EEXISTS)
		cu_error_set(r, "user \"%s\" already exists", username);
	if (r) {
		json_decref(*out);
		*out = NULL;
	}
	return r;
}

int cu_user_list(cu_core *c, const cu_actor *a, json_t **out, const char *org)
{
	int64_t org_id = a->org_id;
	int r;
	if (org && (r = cu_org_id(c, &org_id, "org", org)) != 0)
		return r;
	if (!org && a->operator_admin)
		org_id = 0; /* all organisations */
	if (org_id && (r = cu_access_users(a, org_id, CU_OP_READ)) != 0)
		return r;
	return cu_store_user_list(c->store, out, org_id);
}

/* The user record, if the actor may see it: themselves or as its admin. */
static int user_visible(cu_core *c, const cu_actor *a, json_t **out, const char *username)
{
	int r = cu_store_user_get(c->store, out, username);
	if (r == CU_ENOTFOUND)
		return cu_error_set(r, "no user \"%.64s\"", username);
	if (r)
		return r;
	int64_t org = json_integer_value(json_object_get(*out, "org_id"));
	if (strcmp(a->username, username) != 0 && cu_access_users(a, org, CU_OP_READ) != 0) {
		json_decref(*out);
		*out = NULL;
		/* Other organisations' users are not even confirmed to exist. */
		return cu_error_set(CU_ENOTFOUND, "no user \"%.64s\"", username);
	}
	return 0;
}

int cu_user_get(cu_core *c, const cu_actor *a, json_t **out, const char *username)
{
	return user_visible(c, a, out, username);
}

int cu_user_update(cu_core *c, const cu_actor *a, json_t **out, const char *username,
                   const json_t *in)
{
	static const cu_jfield f[] = {
		{"password", CU_JSTR, false, 1024}, {"role", CU_JSTR, false, 16},
		{"full_name", CU_JSTR, false, 200}, {"disabled", CU_JBOOL, false, 0},
	};
	json_t *before = NULL;
	const char *role = cu_json_str(in, "role"), *pw = cu_json_str(in, "password");
	json_t *dis = json_object_get(in, "disabled");
	char hash[CU_PWHASH_LEN];
	int r;
	*out = NULL;
	if ((r = cu_json_check(in, f, sizeof(f) / sizeof(f[0]))) != 0)
		return r;
	if (role && !cu_role_valid(role))
		return cu_error_set(CU_EINVALID, "field \"role\" must be admin, prosecutor, analyst "
		                    "or observer");
	if ((r = user_visible(c, a, &before, username)) != 0)
		return r;
	int64_t org = json_integer_value(json_object_get(before, "org_id"));
	/* Users may change their own password and name; the rest is for admins. */
	bool self_only = !role && !json_is_boolean(dis);
	if (!(self_only && !strcmp(a->username, username)) &&
	    (r = cu_access_users(a, org, CU_OP_MANAGE)) != 0)
		goto out;
	if (pw && ((r = cu_password_policy(pw)) != 0 || (r = cu_password_hash(hash, pw)) != 0))
		goto out;
	char now[CU_TS_LEN];
	cu_time_now(now);
	CU_TXN(c, r, {
		int64_t id = json_integer_value(json_object_get(before, "id"));
		int ended = 0;
		/*
		 * A new password (one that leaked is why it is changed) ends the
		 * login sessions opened with the old one, the caller's own included;
		 * API tokens are credentials of their own and stay until revoked.
		 */
		if ((r = cu_store_user_update(c->store, id, role, cu_json_str(in, "full_name"),
		                              json_is_boolean(dis) ? json_is_true(dis) : -1,
		                              pw ? hash : NULL)) == 0 &&
		    (!pw || (r = cu_store_sessions_end(c->store, &ended, id, now)) == 0) &&
		    (r = cu_store_user_get(c->store, out, username)) == 0) {
			json_t *after = json_deep_copy(*out);
			if (pw) {
				json_object_set_new(after, "password_changed", json_true());
				json_object_set_new(after, "sessions_ended", json_integer(ended));
				json_object_set_new(*out, "sessions_ended", json_integer(ended));
			}
			r = cu_core_event(c, a, "user.update", "user", username, 0, 0, before, after);
			json_decref(after);
		}
	});
	if (pw)
		cu_wipe(hash, sizeof(hash));
out:
	json_decref(before);
	if (r) {
		json_decref(*out);
		*out = NULL;
	}
	return r;
}

int cu_token_create(cu_core *c, const cu_actor *a, json_t **out, const json_t *in)
{
	static const cu_jfield f[] = {
		{"label", CU_JSTR, false, 200}, {"expires_in_days", CU_JINT, false, 0},
	};
	char token[CU_TOKEN_LEN + 1], id[CU_TOKEN_ID_LEN + 1], exp[CU_TS_LEN] = "";
	uint8_t h[32];
	int r;
	*out = NULL;
	if ((r = cu_json_check(in, f, sizeof(f) / sizeof(f[0]))) != 0)
		return r;
	int64_t days = cu_json_int(in, "expires_in_days", 0);
	if (json_object_get(in, "expires_in_days") && (days < 1 || days > 3650))
		return cu_error_set(CU_EINVALID, "field \"expires_in_days\" must be 1-3650");
	if (days)
		cu_time_after(exp, days * 86400);
	cu_token_new(token, id, h);
	CU_TXN(c, r, {
		if ((r = cu_store_token_insert(c->store, id, a->user_id, h, "api",
		                               cu_json_str(in, "label"), exp[0] ? exp : NULL)) == 0 &&
		    (r = cu_store_token_get(c->store, out, id)) == 0) {
			json_object_del(*out, "org_id");
			r = cu_core_event(c, a, "token.create", "token", id, 0, 0, NULL, *out);
		}
	});
	if (r == 0)
		json_object_set_new(*out, "token", json_string(token));
	cu_wipe(token, sizeof(token));
	if (r) {
		json_decref(*out);
		*out = NULL;
	}
	return r;
}

int cu_token_list(cu_core *c, const cu_actor *a, json_t **out)
{
	/* Admins see the tokens of their organisation's users, others their own. */
	if (!strcmp(a->role, "admin"))
		return cu_store_token_list(c->store, out, 0, a->org_id);
	return cu_store_token_list(c->store, out, a->user_id, 0);
}

int cu_token_revoke(cu_core *c, const cu_actor *a, const char *id)
{
	json_t *t = NULL;
	char now[CU_TS_LEN];
	int r = cu_store_token_get(c->store, &t, id);
	if (r == CU_ENOTFOUND)
		return cu_error_set(r, "no token \"%.32s\"", id);
	if (r)
		return r;
	bool own = !strcmp(cu_json_str(t, "user"), a->username);
	if (!own && cu_access_users(a, json_integer_value(json_object_get(t, "org_id")),
	                            CU_OP_MANAGE) != 0) {
		json_decref(t);
		return cu_error_set(CU_ENOTFOUND, "no token \"%.32s\"", id);
	}
	json_decref(t);
	cu_time_now(now);
	CU_TXN(c, r, {
		if ((r = cu_store_token_revoke(c->store, id, now)) == 0)
			r = cu_core_event(c, a, "token.revoke", "token", id, 0, 0, NULL, NULL);
	});
	return r;
}
