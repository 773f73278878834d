/* SPDX-License-Identifier: Apache-2.0 */
/* cli: custodia keys — seal, unseal, rotate-master, rotate-signing, status (docs/keys.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "crypto/crypto.h"
#include "store/store.h"

static const char usage[] =
	"usage: custodia keys status\n"
	"       custodia keys seal --passphrase-file FILE\n"
	"       custodia keys seal --pkcs11 MODULE --token LABEL [--key-label L] --pin-file FILE\n"
	"       custodia keys unseal [--passphrase-file FILE | --pin-file FILE]\n"
	"       custodia keys rotate-master\n"
	"       custodia keys rotate-signing\n"
	"status shows how DATA/master.key is kept (plain, sealed, pkcs11) and its id, and\n"
	"the chain of signing keys. seal replaces DATA/master.key by its form sealed with\n"
	"the passphrase in FILE (Argon2id), or wrapped by an AES-256 key that never leaves\n"
	"the PKCS#11 token LABEL (made there if absent; default label custodia-master);\n"
	"unseal writes it back in the clear. A sealed key's passphrase then comes from the\n"
	"file CUSTODIA_MASTER_PASSPHRASE_FILE names (or the systemd credential\n"
	"master-passphrase), a token's PIN from CUSTODIA_PKCS11_PIN_FILE (or the credential\n"
	"pkcs11-pin) — on every start, which for a sealed key costs Argon2id (about 0.1 s).\n"
	"Secrets are never taken from the command line.\n"
	"rotate-master makes a new master key (same form) and re-wraps every data key in\n"
	"one transaction; blobs are not touched. rotate-signing makes a new node signing key\n"
	"and records a key transition signed by the old and the new key in the ledger;\n"
	"checkpoints from then on are signed by the new key. Both refuse while another\n"
	"process uses the data directory (stop custodia serve, on every node); other nodes\n"
	"must then get the new DATA/master.key or DATA/node.key and node.pub.\n"
	CLI_COMMON_HELP;

/* SQLite: no other process may hold the database during a rotation. */
static void refuse_if_used(const char *data)
{
	char db[4096];
	struct stat st;
	long pid = 0;
	snprintf(db, sizeof(db), "%s/custodia.db", data);
	if (stat(db, &st) != 0)
		return; /* PostgreSQL: the core checks the sequencer's lock */
	int r = cu_store_sqlite_users(db, &pid);
	if (r == 0 && pid)
		r = cu_error_set(CU_ECONFLICT, "%s is open in another process (pid %ld): stop custodia "
		                 "serve and every other custodia process using %s first", db, pid, data);
	if (r)
		exit(cli_fail(r));
}

static void print_keys(const json_t *keys)
{
	size_t i;
	json_t *k;
	json_array_foreach(keys, i, k) {
		json_t *nx = json_array_get(keys, i + 1);
		printf("  %zu  %s\n     signs trees of size %lld", i + 1, cu_json_str(k, "vkey"),
		       (long long)json_integer_value(json_object_get(k, "since")));
		if (nx)
			printf(" to %lld", (long long)json_integer_value(json_object_get(nx, "since")) - 1);
		else
			printf(" on (current)");
		if (json_object_get(k, "index"))
			printf("; key transition at entry %lld",
			       (long long)json_integer_value(json_object_get(k, "index")));
		printf("\n");
	}
}

static int seal(const cli *c, const char *pass_file, const char *module, const char *token,
                const char *label, const char *pin_file)
{
	char path[4096], secret[1100];
	cu_master m;
	cu_master_form from, to = {0};
	int r;
	snprintf(path, sizeof(path), "%s/master.key", c->data);
	if ((r = cu_master_read(&m, &from, path, NULL)) != 0)
		return r;
	if (module) {
		to.kind = CU_MASTER_PKCS11;
		snprintf(to.module, sizeof(to.module), "%s", module);
		snprintf(to.token, sizeof(to.token), "%s", token);
		snprintf(to.label, sizeof(to.label), "%s", label ? label : "custodia-master");
		r = cu_secret_read(secret, sizeof(secret), pin_file);
	} else {
		to.kind = CU_MASTER_SEALED;
		r = cu_secret_read(secret, sizeof(secret), pass_file);
	}
	if (r == 0)
		r = cu_master_write(path, &m, &to, secret);
	cu_wipe(secret, sizeof(secret));
	cu_master_wipe(&m);
	if (r == 0 && !c->json)
		printf("%s is now %s (was %s)\n", path, cu_master_form_name(to.kind),
		       cu_master_form_name(from.kind));
	return r;
}

static int unseal(const cli *c, const char *secret_file)
{
	char path[4096], secret[1100];
	cu_master m;
	cu_master_form from, plain = {.kind = CU_MASTER_PLAIN};
	int r = 0;
	snprintf(path, sizeof(path), "%s/master.key", c->data);
	if (secret_file && (r = cu_secret_read(secret, sizeof(secret), secret_file)) != 0)
		return r;
	if ((r = cu_master_read(&m, &from, path, secret_file ? secret : NULL)) == 0)
		r = cu_master_write(path, &m, &plain, NULL);
	cu_wipe(secret, sizeof(secret));
	cu_master_wipe(&m);
	if (r == 0 && !c->json)
		printf("%s is now plain (was %s)\n", path, cu_master_form_name(from.kind));
	return r;
}

int cmd_keys(int argc, char **argv)
{
	static const struct option opts[] = {
		{"passphrase-file", required_argument, NULL, 'p'}, {"pkcs11", required_argument, NULL, 'm'},
		{"token", required_argument, NULL, 't'}, {"key-label", required_argument, NULL, 'k'},
		{"pin-file", required_argument, NULL, 'P'}, CLI_COMMON_OPTS, {0}};
	const char *pass_file = NULL, *module = NULL, *token = NULL, *label = NULL, *pin_file = NULL;
	json_t *out = NULL;
	int opt, r = 0;
	cli c;
	cli_init(&c);
	const char *sub = cli_subcommand(&argc, &argv, usage);
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common(&c, opt, usage))
			continue;
		if (opt == 'p')
			pass_file = optarg;
		else if (opt == 'm')
			module = optarg;
		else if (opt == 't')
			token = optarg;
		else if (opt == 'k')
			label = optarg;
		else if (opt == 'P')
			pin_file = optarg;
	}
	cli_operands(argc, argv, 0, usage);
	if (!strcmp(sub, "seal")) {
		if (!pass_file == !module)
			cli_usage_error(usage, "seal needs --passphrase-file or --pkcs11");
		if (module && (!token || !pin_file))
			cli_usage_error(usage, "seal --pkcs11 needs --token and --pin-file");
		if ((r = seal(&c, pass_file, module, token, label, pin_file)) == 0 && c.json)
			out = json_pack("{s:s}", "form", module ? "pkcs11" : "sealed");
	} else if (!strcmp(sub, "unseal")) {
		if (pass_file && pin_file)
			cli_usage_error(usage, "give --passphrase-file or --pin-file, not both");
		if ((r = unseal(&c, pass_file ? pass_file : pin_file)) == 0 && c.json)
			out = json_pack("{s:s}", "form", "plain");
	} else if (!strcmp(sub, "status")) {
		cli_open(&c);
		if ((r = cu_keys_status(c.core, &out)) == 0 && !c.json) {
			json_t *m = json_object_get(out, "master");
			printf("master key: %s, id %s", cu_json_str(m, "form"), cu_json_str(m, "id"));
			if (!strcmp(cu_json_str(m, "form"), "pkcs11"))
				printf(" (token \"%s\", key \"%s\", module %s)", cu_json_str(m, "token"),
				       cu_json_str(m, "key"), cu_json_str(m, "module"));
			printf("\nsigning keys:\n");
			print_keys(json_object_get(out, "signing_keys"));
		}
	} else if (!strcmp(sub, "rotate-master") || !strcmp(sub, "rotate-signing")) {
		bool master = !strcmp(sub, "rotate-master");
		refuse_if_used(c.data);
		cli_open(&c);
		r = master ? cu_keys_rotate_master(c.core, &c.actor, &out) :
		             cu_keys_rotate_signing(c.core, &c.actor, &out);
		if (r == 0 && !c.json && master)
			printf("new master key %s (%s); %lld data key(s) re-wrapped; previous %s.\n"
			       "Other nodes sharing this installation need the new DATA/master.key.\n",
			       cu_json_str(out, "master_id"), cu_json_str(out, "form"),
			       (long long)json_integer_value(json_object_get(out, "case_keys")),
			       cu_json_str(out, "previous"));
		else if (r == 0 && !c.json)
			printf("new signing key %s\nkey transition at entry %lld; checkpoints of trees of "
			       "%lld entries or more are signed by the new key.\nOther nodes sharing this "
			       "installation need the new DATA/node.key and DATA/node.pub.\n",
			       cu_json_str(out, "new"),
			       (long long)json_integer_value(json_object_get(out, "index")),
			       (long long)json_integer_value(json_object_get(out, "since")));
	} else {
		cli_usage_error(usage, "unknown subcommand \"%s\"", sub);
	}
	if (c.json && out && r == 0)
		cli_print_json(out);
	json_decref(out);
	cli_close(&c);
	return r ? cli_fail(r) : EXIT_OK;
}
