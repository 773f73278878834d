/* SPDX-License-Identifier: Apache-2.0 */
/* cli: custodia ledger — key, checkpoint, verify, prove. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char usage[] =
	"usage: custodia ledger key\n"
	"       custodia ledger checkpoint [--force]\n"
	"       custodia ledger verify [--log-only]\n"
	"       custodia ledger prove --index N [--size M]\n"
	"       custodia ledger prove --from M --to N\n"
	"       custodia ledger witness --log URL --key VKEY [--no-submit]\n"
	"       custodia ledger witness-key\n"
	"       custodia ledger witnesses [--add VKEY | --remove NAME]\n"
	"key prints the verifier key of this node's checkpoints (C2SP note form:\n"
	"name+hash+base64), then the keys it replaced (custodia keys rotate-signing), each\n"
	"with the tree sizes it signed; --json lists them all with since (first size).\n"
	"checkpoint signs one for the current tree (the server also does so every\n"
	"second while there are new entries). verify recomputes the tree\n"
	"from the stored entries and checks every stored hash, that every record has\n"
	"one entry, every checkpoint's signature and root, and that each entry is the\n"
	"one its record makes (an edited or deleted event or custody row shows at its\n"
	"index). --log-only skips that last check: it proves the log and its\n"
	"checkpoints, NOT that the records still say what the log committed to (an\n"
	"edited record passes). --deep is accepted as the default. Checkpoints are\n"
	"checked with the signing key of their tree size, following the chain of key\n"
	"transitions (each signed by the old and the new key).\n"
	"It exits 2 on any discrepancy, naming the first bad index. prove prints an RFC 9162 inclusion or\n"
	"consistency proof (hashes in base64). witness fetches another node's checkpoint\n"
	"(URL: its base, e.g. http://host:8080), checks its signature with VKEY and that it\n"
	"extends the last one this node saw (a consistency proof), cosigns it (C2SP\n"
	"tlog-cosignature) and sends the cosignature back; it refuses a fork or a\n"
	"rewritten history. witness-key prints this node's cosignature key.\n"
	"witnesses lists the witnesses this log trusts: it accepts and publishes the\n"
	"cosignatures of those only (POST /api/v1/ledger/cosignatures answers 403 to\n"
	"others), one per witness and checkpoint (a later one replaces it). --add VKEY\n"
	"trusts a witness by the cosignature key its 'ledger witness-key' prints;\n"
	"--remove NAME (or VKEY) stops trusting it and publishing its cosignatures.\n"
	"Both are for an administrator of the operator and recorded as events.\n"
	CLI_COMMON_HELP;

int cmd_ledger(int argc, char **argv)
{
	static const struct option opts[] = {
		{"index", required_argument, NULL, 'i'}, {"size", required_argument, NULL, 's'},
		{"from", required_argument, NULL, 'f'}, {"to", required_argument, NULL, 't'},
		{"force", no_argument, NULL, 'F'}, {"log", required_argument, NULL, 'l'},
		{"key", required_argument, NULL, 'k'}, {"no-submit", no_argument, NULL, 'n'},
		{"deep", no_argument, NULL, 'E'}, {"log-only", no_argument, NULL, 'L'},
		{"add", required_argument, NULL, 'a'}, {"remove", required_argument, NULL, 'R'},
		CLI_COMMON_OPTS, {0}};
	const char *log = NULL, *key = NULL, *add = NULL, *drop = NULL;
	bool submit = true;
	int index = -1, size = 0, from = -1, to = 0, opt, r = 0;
	bool force = false, log_only = false;
	json_t *out = NULL;
	cli c;
	cli_init(&c);
	const char *sub = cli_subcommand(&argc, &argv, usage);
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common(&c, opt, usage))
			continue;
		int *dst = opt == 'i' ? &index : opt == 's' ? &size : opt == 'f' ? &from :
		           opt == 't' ? &to : NULL;
		if (dst && cli_int(dst, optarg, 0, 2147483647) != 0)
			cli_usage_error(usage, "--%s takes a number", opts[opt == 'i' ? 0 : opt == 's' ? 1 :
			                                                   opt == 'f' ? 2 : 3].name);
		if (opt == 'F')
			force = true;
		else if (opt == 'L')
			log_only = true;
		else if (opt == 'l')
			log = optarg;
		else if (opt == 'k')
			key = optarg;
		else if (opt == 'n')
			submit = false;
		else if (opt == 'a')
			add = optarg;
		else if (opt == 'R')
			drop = optarg;
	}
	cli_operands(argc, argv, 0, usage);
	if (!strcmp(sub, "prove") && index < 0 && from < 0)
		cli_usage_error(usage, "prove needs --index or --from");
	if (!strcmp(sub, "prove") && from == 0)
		cli_usage_error(usage, "--from is a tree size of 1 or more: a tree of no entries has "
		                "nothing to prove consistent");
	if (!strcmp(sub, "witness") && (!log || !key))
		cli_usage_error(usage, "witness needs --log and --key");
	if (strcmp(sub, "key") && strcmp(sub, "checkpoint") && strcmp(sub, "verify") &&
	    strcmp(sub, "prove") && strcmp(sub, "witness") && strcmp(sub, "witness-key") &&
	    strcmp(sub, "witnesses"))
		cli_usage_error(usage, "unknown subcommand \"%s\"", sub);
	if ((add || drop) && strcmp(sub, "witnesses") != 0)
		cli_usage_error(usage, "--add and --remove are options of witnesses");
	if (add && drop)
		cli_usage_error(usage, "give --add or --remove, not both");
	cli_open(&c);
	if (!strcmp(sub, "key")) {
		char vkey[300];
		json_t *keys = NULL;
		if ((r = cu_ledger_key(c.core, vkey)) == 0 && (r = cu_ledger_keys(c.core, &keys)) == 0) {
			if (c.json) {
				out = json_pack("{s:s,s:o}", "vkey", vkey, "keys", keys);
			} else {
				/* The current key first, alone on its line: scripts take line 1. */
				size_t i, n = json_array_size(keys);
				printf("%s\n", vkey);
				for (i = n; i-- > 1;)
					printf("previous: %s (trees of size %lld to %lld)\n",
					       cu_json_str(json_array_get(keys, i - 1), "vkey"),
					       (long long)json_integer_value(json_object_get(
						       json_array_get(keys, i - 1), "since")),
					       (long long)json_integer_value(json_object_get(
						       json_array_get(keys, i), "since")) - 1);
				json_decref(keys);
			}
		}
	} else if (!strcmp(sub, "witness-key")) {
		char vkey[300];
		if ((r = cu_ledger_witness_key(c.core, vkey)) == 0) {
			if (c.json)
				out = json_pack("{s:s}", "vkey", vkey);
			else
				printf("%s\n", vkey);
		}
	} else if (!strcmp(sub, "witnesses")) {
		if (add || drop) {
			r = add ? cu_ledger_witness_trust(c.core, &c.actor, &out, add) :
			          cu_ledger_witness_untrust(c.core, &c.actor, &out, drop);
			if (r == 0 && !c.json)
				printf("%s witness %s (%s)\n",
				       add ? "trusting" : "no longer trusting",
				       cu_json_str(out, "name"), cu_json_str(out, "vkey"));
		} else if ((r = cu_ledger_witnesses(c.core, &out)) == 0 && !c.json) {
			size_t i;
			json_t *w;
			json_array_foreach(out, i, w)
				printf("%s %s (since %s)\n", cu_json_str(w, "name"),
				       cu_json_str(w, "vkey"), cu_json_str(w, "added"));
			if (json_array_size(out) == 0)
				printf("no trusted witnesses: the log accepts and publishes no "
				       "cosignatures\n");
		}
	} else if (!strcmp(sub, "witness")) {
		if ((r = cu_ledger_witness(c.core, &out, log, key, submit)) == 0 && !c.json)
			printf("cosigned %s at %lld entries%s\n", cu_json_str(out, "origin"),
			       (long long)json_integer_value(json_object_get(out, "size")),
			       submit ? "; the cosignature was accepted by the log" : "");
	} else if (!strcmp(sub, "checkpoint")) {
		if ((r = cu_ledger_checkpoint(c.core, &out, force)) == 0 && !c.json)
			fputs(cu_json_str(out, "note"), stdout);
	} else if (!strcmp(sub, "verify")) {
		if ((r = cu_ledger_verify(c.core, &out, log_only)) == 0) {
			if (!c.json) {
				size_t i;
				json_t *p;
				json_array_foreach(json_object_get(out, "problems"), i, p) {
					long long at = json_integer_value(json_object_get(p, "index"));
					/* a record without its entry names itself */
					if (json_object_get(p, "record"))
						printf("record %s\n", cu_json_str(p, "problem"));
					else
						printf("entry %lld: %s\n", at, cu_json_str(p, "problem"));
				}
				printf("%s: %lld entries, root %s, %lld checkpoint(s)%s\n",
				       json_is_true(json_object_get(out, "ok")) ? "ok" : "FAILED",
				       (long long)json_integer_value(json_object_get(out, "size")),
				       cu_json_str(out, "root"),
				       (long long)json_integer_value(json_object_get(out, "checkpoints")),
				       log_only ? "; records NOT checked (--log-only)" : "");
			}
			if (!json_is_true(json_object_get(out, "ok")))
				r = cu_error_set(CU_EVERIFY, "the ledger does not verify; first bad index %lld",
				                 (long long)json_integer_value(json_object_get(out,
				                 "first_bad_index")));
		}
	} else {
		r = index >= 0 ? cu_ledger_prove_inclusion(c.core, &out, index, size) :
		                 cu_ledger_prove_consistency(c.core, &out, from, to);
		if (r == 0 && !c.json) {
			size_t i;
			json_t *h;
			if (index >= 0)
				printf("inclusion of entry %d in the tree of %lld (root %s), leaf %s:\n", index,
				       (long long)json_integer_value(json_object_get(out, "size")),
				       cu_json_str(out, "root"), cu_json_str(out, "leaf_hash"));
			else
				printf("consistency of %d (root %s) with %lld (root %s):\n", from,
				       cu_json_str(out, "root1"),
				       (long long)json_integer_value(json_object_get(out, "to")),
				       cu_json_str(out, "root2"));
			json_array_foreach(json_object_get(out, "proof"), i, h)
				printf("  %s\n", json_string_value(h));
		}
	}
	if (c.json && out && (r == 0 || !strcmp(sub, "verify")))
		cli_print_json(out);
	json_decref(out);
	cli_close(&c);
	return r ? cli_fail(r) : EXIT_OK;
}
