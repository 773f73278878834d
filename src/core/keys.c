/* SPDX-License-Identifier: Apache-2.0 */
/*
 * core: key rotation (docs/keys.md) — a new master key re-wraps every data
 * key in one transaction without touching a blob; a new signing key is
 * announced by a key-transition entry signed by the old key and the new.
 *
 * Crash safety. Each rotation writes the new key beside the old one first
 * (DATA/master.key.next, DATA/node.key.next: synced, then the directory),
 * then commits the records that depend on it, then renames it into place.
 * A crash in between leaves the `.next` file, and the next open decides by
 * the records which key is current: a data key that opens only with the new
 * master key, or a key chain whose last key is the new signing key, means
 * the transaction committed and the rename is completed; otherwise the
 * leftover is removed. Both rotations hold DATA/keys.lock (flock), and so
 * does that repair, so it never runs under a rotation in progress.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/internal.h"
#include "crypto/crypto.h"
#include "ledger/keychain.h"
#include "ledger/note.h"

static void path_of(char *out, size_t n, const cu_core *c, const char *name)
{
	snprintf(out, n, "%s/%s", c->datadir, name);
}

/* The error r with a note appended (the detail is copied: it is the buffer
 * cu_error_set writes). */
static int annotate(int r, const char *note)
{
	char msg[512];
	snprintf(msg, sizeof(msg), "%s", cu_error_message(r));
	return cu_error_set(r, "%s%s", msg, note);
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* DATA/keys.lock, exclusively: -1 and CU_ECONFLICT if another holds it. */
static int keys_lock(cu_core *c, int *fd, bool quiet)
{
	char path[4096];
	path_of(path, sizeof(path), c, "keys.lock");
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (*fd < 0)
		return cu_error_set(CU_EIO, "cannot open %s: %s", path, strerror(errno));
	if (flock(*fd, LOCK_EX | LOCK_NB) != 0) {
		close(*fd);
		*fd = -1;
		return quiet ? CU_ECONFLICT : cu_error_set(CU_ECONFLICT, "another key operation is "
		                                           "running on %s", c->datadir);
	}
	return 0;
}

static void keys_unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* releases the flock */
}

/*
 * Other writers: a rotation must be alone, since a process that keeps the
 * old master key in memory would wrap a new case key with it. On SQLite the
 * CLI checks for other processes before it opens the database
 * (cu_store_sqlite_users); on PostgreSQL a running server holds the
 * sequencer's advisory lock, which this claims.
 */
static int alone(cu_core *c)
{
	bool mine = false;
	int r = cu_store_sequencer_claim(c->store, &mine);
	if (r == 0 && !mine)
		r = cu_error_set(CU_ECONFLICT, "a custodia server is running on this installation's "
		                 "database: stop every node (custodia serve) before rotating keys");
	return r;
}

static int recover_locked(cu_core *c);

/* ---- the signing key chain ------------------------------------------------ */

/*
 * The chain as recorded in the store's metadata ("signing_keys": a JSON
 * array of {vkey, since, index}; since is the first tree size the key signs,
 * index the transition entry that introduced it). Before any rotation: the
 * current key alone. `ledger verify` recomputes it from the entries.
 */
int cu_ledger_keys(cu_core *c, json_t **out)
{
	char *text = NULL, vkey[300];
	int r;
	*out = NULL;
	if ((r = cu_store_meta_get(c->store, &text, "signing_keys")) == 0) {
		*out = json_loads(text, 0, NULL);
		free(text);
		if (!json_is_array(*out)) {
			json_decref(*out);
			*out = NULL;
			return cu_error_set(CU_EINVALID, "the recorded signing keys are damaged");
		}
		return 0;
	}
	if (r != CU_ENOTFOUND)
		return r;
	cu_error_clear();
	if ((r = cu_ledger_key(c, vkey)) != 0)
		return r;
	*out = json_pack("[{s:s,s:i}]", "vkey", vkey, "since", 0);
	return *out ? 0 : cu_error_set(CU_ENOMEM, "out of memory");
}

static int pub_archive(cu_core *c, int ordinal, const uint8_t pk[32])
{
	char dir[4096], path[4200];
	path_of(dir, sizeof(dir), c, "keys");
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return cu_error_set(CU_EIO, "cannot create %s: %s", dir, strerror(errno));
	snprintf(path, sizeof(path), "%s/node-%d.pub", dir, ordinal);
	return cu_pubkey_save(path, pk);
}

/* After the transition committed: the old public key kept, the new key in place. */
static int signing_finish(cu_core *c, const cu_identity *old, const cu_identity *next,
                          int ordinal)
{
	char key[4096], nxt[4096], pub[4096];
	int r;
	path_of(key, sizeof(key), c, "node.key");
	path_of(nxt, sizeof(nxt), c, "node.key.next");
	path_of(pub, sizeof(pub), c, "node.pub");
	if ((old && (r = pub_archive(c, ordinal, old->pk)) != 0) ||
	    (r = cu_key_file_rename(nxt, key)) != 0)
		return r;
	return cu_pubkey_save(pub, next->pk);
}

int cu_keys_rotate_signing(cu_core *c, const cu_actor *a, json_t **out)
{
	cu_identity old, next;
	cu_note_verifier ov;
	char okey[300], nkey[300], nxt[4096], *text = NULL, so[CU_TRANSITION_SIG_MAX],
		sn[CU_TRANSITION_SIG_MAX];
	json_t *keys = NULL, *cp = NULL, *after = NULL;
	int64_t index = 0;
	int r, lock = -1;
	bool committed = false;
	*out = NULL;
	memset(&old, 0, sizeof(old));
	memset(&next, 0, sizeof(next));
	if (!a->operator_admin)
		return cu_error_set(CU_EDENIED, "only an administrator of the operator may rotate "
		                    "keys");
	if ((r = keys_lock(c, &lock, false)) != 0 || (r = alone(c)) != 0 ||
	    (r = recover_locked(c)) != 0)
		goto out;
	/* What the old key signs ends with a checkpoint of the tree as it is. */
	if ((r = cu_ledger_checkpoint(c, &cp, false)) != 0 ||
	    (r = cu_identity_load(&old, c->datadir)) != 0 || (r = cu_ledger_key(c, okey)) != 0 ||
	    (r = cu_note_vkey_parse(&ov, okey)) != 0 || (r = cu_ledger_keys(c, &keys)) != 0)
		goto out;
	json_decref(cp);
	cp = NULL;
	cu_identity_new(&next);
	cu_note_vkey_format(nkey, ov.name, next.pk);
	path_of(nxt, sizeof(nxt), c, "node.key.next");
	if ((r = cu_identity_save(nxt, &next)) != 0)
		goto out;
	int ordinal = (int)json_array_size(keys); /* of the old key, from 1 */
	char oid[24];
	snprintf(oid, sizeof(oid), "%d", ordinal + 1);
	CU_TXN(c, r, {
		/* Inside the transaction the ledger's size is this entry's index:
		 * writers take turns (SQLite's lock, PostgreSQL's advisory lock). */
		if ((r = cu_store_ledger_size(c->store, &index)) != 0 ||
		    (r = cu_transition_text(&text, okey, nkey, index)) != 0 ||
		    (r = cu_transition_sign(so, text, ov.name, &old)) != 0 ||
		    (r = cu_transition_sign(sn, text, ov.name, &next)) != 0)
			break;
		after = json_pack("{s:I,s:s,s:s,s:s,s:s}", "index", (json_int_t)index, "key_new", nkey,
		                  "key_old", okey, "sig_new", sn, "sig_old", so);
		json_array_append_new(keys, json_pack("{s:s,s:I,s:I}", "vkey", nkey, "since",
		                                      (json_int_t)(index + 1), "index",
		                                      (json_int_t)index));
		char *kt = json_dumps(keys, JSON_COMPACT);
		if (!after || !kt) {
			free(kt);
			r = cu_error_set(CU_ENOMEM, "out of memory");
			break;
		}
		if ((r = cu_core_event(c, a, CU_KEY_TRANSITION, "signing_key", oid, 0, 0, NULL,
		                       after)) == 0)
			r = cu_store_meta_set(c->store, "signing_keys", kt);
		free(kt);
	});
	if (r != 0) {
		unlink(nxt);
		goto out;
	}
	committed = true;
	if ((r = signing_finish(c, &old, &next, ordinal)) != 0)
		goto out;
	/* From here on checkpoints are signed by the new key. */
	if ((r = cu_ledger_checkpoint(c, &cp, true)) != 0)
		goto out;
	*out = json_pack("{s:s,s:s,s:I,s:I,s:O}", "old", okey, "new", nkey, "index",
	                 (json_int_t)index, "since", (json_int_t)index + 1, "checkpoint", cp);
out:
	if (r != 0 && committed)
		r = annotate(r, " (the key transition is recorded; the next start completes the "
		             "switch to DATA/node.key.next)");
	keys_unlock(lock);
	cu_identity_wipe(&old);
	cu_identity_wipe(&next);
	free(text);
	json_decref(keys);
	json_decref(cp);
	json_decref(after);
	return r;
}

/* A leftover node.key.next: the switch completed if the chain ends in it. */
static int recover_signing(cu_core *c)
{
	char nxt[4096], vkey[300];
	cu_identity next, old;
	cu_note_verifier last;
	json_t *keys = NULL;
	int r;
	path_of(nxt, sizeof(nxt), c, "node.key.next");
	if (!exists(nxt))
		return 0;
	if ((r = cu_identity_read(&next, nxt)) != 0 || (r = cu_ledger_keys(c, &keys)) != 0)
		goto out;
	size_t n = json_array_size(keys);
	snprintf(vkey, sizeof(vkey), "%s", cu_json_str(json_array_get(keys, n - 1), "vkey") ?
	         cu_json_str(json_array_get(keys, n - 1), "vkey") : "");
	if (n >= 2 && cu_note_vkey_parse(&last, vkey) == 0 && cu_ct_equal(last.pk, next.pk, 32)) {
		bool have_old = cu_identity_load(&old, c->datadir) == 0;
		cu_error_clear();
		r = signing_finish(c, have_old && !cu_ct_equal(old.pk, next.pk, 32) ? &old : NULL,
		                   &next, (int)n - 1);
		cu_identity_wipe(&old);
	} else {
		cu_error_clear();
		unlink(nxt); /* the transition never committed */
	}
out:
	cu_identity_wipe(&next);
	json_decref(keys);
	return r;
}

/* ---- the master key -------------------------------------------------------- */

int cu_keys_rotate_master(cu_core *c, const cu_actor *a, json_t **out)
{
	cu_master next, back;
	cu_master_form form, bform;
	char nxt[4096], key[4096], oid[17], nid[17];
	int64_t *ids = NULL;
	uint8_t(*wrapped)[72] = NULL, w[72];
	size_t n = 0;
	int r, lock = -1;
	bool committed = false;
	*out = NULL;
	if (!a->operator_admin)
		return cu_error_set(CU_EDENIED, "only an administrator of the operator may rotate "
		                    "keys");
	if ((r = keys_lock(c, &lock, false)) != 0 || (r = alone(c)) != 0 ||
	    (r = recover_locked(c)) != 0)
		goto out;
	form = *cu_vault_master_form(c->vault);
	cu_master_id(oid, cu_vault_master(c->vault));
	cu_master_rotate(&next, cu_vault_master(c->vault));
	cu_master_id(nid, &next);
	path_of(nxt, sizeof(nxt), c, "master.key.next");
	path_of(key, sizeof(key), c, "master.key");
	/* 1. The new key on disk, in the old one's form, and known to open. */
	if ((r = cu_master_write(nxt, &next, &form, NULL)) != 0)
		goto out;
	if ((r = cu_master_read(&back, &bform, nxt, NULL)) != 0 ||
	    !cu_ct_equal(&back, &next, sizeof(back))) {
		r = r ? r : cu_error_set(CU_ECRYPTO, "%s does not read back", nxt);
		unlink(nxt);
		goto out;
	}
	/* 2. Every data key wrapped by the master key, re-wrapped at once. Case
	 * keys are the only ones today; a key of another kind wrapped by the
	 * master key must be added here. */
	CU_TXN(c, r, {
		if ((r = cu_store_case_keys_all(c->store, &ids, &wrapped, &n)) != 0)
			break;
		for (size_t i = 0; i < n && r == 0; i++)
			if ((r = cu_vault_rewrap_case_key(c->vault, &next, w, wrapped[i], ids[i])) == 0)
				r = cu_store_case_key_set(c->store, ids[i], w);
		if (r != 0)
			break;
		json_t *after = json_pack("{s:s,s:s,s:I,s:s}", "master_id", nid, "previous", oid,
		                          "case_keys", (json_int_t)n, "form",
		                          cu_master_form_name(form.kind));
		r = after ? cu_core_event(c, a, "keys.master_rotate", "node", "1", 0, 0, NULL, after) :
		            cu_error_set(CU_ENOMEM, "out of memory");
		json_decref(after);
	});
	if (r != 0) {
		unlink(nxt);
		goto out;
	}
	committed = true;
	/* 3. Into place; the vault goes on with the new key. */
	if ((r = cu_key_file_rename(nxt, key)) != 0 ||
	    (r = cu_vault_use_master(c->vault, &next, &form)) != 0)
		goto out;
	*out = json_pack("{s:s,s:s,s:s,s:I}", "form", cu_master_form_name(form.kind), "master_id",
	                 nid, "previous", oid, "case_keys", (json_int_t)n);
out:
	if (r != 0 && committed)
		r = annotate(r, " (the data keys are wrapped by DATA/master.key.next; the next "
		             "start puts it in place)");
	keys_unlock(lock);
	cu_wipe(w, sizeof(w));
	if (wrapped)
		cu_wipe(wrapped, n * sizeof(*wrapped));
	free(wrapped);
	free(ids);
	cu_master_wipe(&next);
	cu_master_wipe(&back);
	return r;
}

/*
 * A leftover master.key.next: whichever key opens a data key is current. With
 * no data key at all the old one stays (nothing depends on either).
 */
static int recover_master(cu_core *c)
{
	char nxt[4096], key[4096];
	cu_master next;
	cu_master_form form;
	uint8_t k[CU_KEY_LEN], w[72];
	int64_t id = 0;
	int r;
	path_of(nxt, sizeof(nxt), c, "master.key.next");
	path_of(key, sizeof(key), c, "master.key");
	if (!exists(nxt))
		return 0;
	/* One data key decides: a rotation re-wraps all of them or none. */
	int64_t *ids = NULL;
	uint8_t(*all)[72] = NULL;
	size_t n = 0;
	if ((r = cu_store_case_keys_all(c->store, &ids, &all, &n)) != 0)
		return r;
	if (n) {
		id = ids[0];
		memcpy(w, all[0], 72);
	}
	free(ids);
	free(all);
	if (n == 0 || cu_vault_case_key_opens(cu_vault_master(c->vault), k, w, id) == 0) {
		cu_error_clear();
		unlink(nxt);
		cu_wipe(k, sizeof(k));
		return 0;
	}
	cu_error_clear();
	if ((r = cu_master_read(&next, &form, nxt, NULL)) != 0)
		return annotate(r, " (DATA/master.key does not open the data keys, and "
		                "DATA/master.key.next, left by an interrupted rotation, cannot be read)");
	if ((r = cu_vault_case_key_opens(&next, k, w, id)) == 0 &&
	    (r = cu_key_file_rename(nxt, key)) == 0)
		r = cu_vault_use_master(c->vault, &next, &form);
	cu_wipe(k, sizeof(k));
	cu_master_wipe(&next);
	return r;
}

/* Both repairs; the caller holds DATA/keys.lock. */
static int recover_locked(cu_core *c)
{
	int r = recover_master(c);
	return r ? r : recover_signing(c);
}

int cu_keys_recover(cu_core *c)
{
	char a[4096], b[4096];
	int lock = -1, r;
	path_of(a, sizeof(a), c, "master.key.next");
	path_of(b, sizeof(b), c, "node.key.next");
	if (!exists(a) && !exists(b))
		return 0;
	r = keys_lock(c, &lock, true);
	if (r == CU_ECONFLICT)
		return 0; /* a rotation is in progress: the files are its own */
	if (r == 0)
		r = recover_locked(c);
	keys_unlock(lock);
	return r;
}

/* ---- status ---------------------------------------------------------------- */

int cu_keys_status(cu_core *c, json_t **out)
{
	const cu_master_form *f = cu_vault_master_form(c->vault);
	char id[17];
	json_t *keys = NULL;
	int r;
	*out = NULL;
	if ((r = cu_ledger_keys(c, &keys)) != 0)
		return r;
	cu_master_id(id, cu_vault_master(c->vault));
	json_t *m = json_pack("{s:s,s:s}", "form", cu_master_form_name(f->kind), "id", id);
	if (m && f->kind == CU_MASTER_PKCS11)
		json_object_update_new(m, json_pack("{s:s,s:s,s:s}", "module", f->module, "token",
		                                    f->token, "key", f->label));
	*out = json_pack("{s:o,s:o}", "master", m, "signing_keys", keys);
	return *out ? 0 : cu_error_set(CU_ENOMEM, "out of memory");
}
