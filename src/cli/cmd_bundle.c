/* SPDX-License-Identifier: Apache-2.0 */
/* cli: custodia bundle export | verify. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "verify/verify.h"

static const char usage[] =
	"usage: custodia bundle export --case REF [--evidence ID ...] --for ORG --out FILE\n"
	"       custodia bundle verify FILE [--key VKEY]\n"
	"export writes an archive with the evidence files, a CASE/UCO manifest, each item's\n"
	"ledger entries (registration and chain of custody) with their records, inclusion\n"
	"proofs and the signed checkpoint; the export itself is recorded in each chain,\n"
	"once every item's content has been read and written (a failed export records\n"
	"nothing). Custody events under a grant the exporter may not see in full go in\n"
	"as 'evidence custody' shows them: when and what, not who or why.\n"
	"verify needs no data directory: it checks every file, entry, proof, the\n"
	"checkpoint's signature and each chain, prints a report and exits 0 only if\n"
	"everything holds. Give --key (from 'custodia ledger key', obtained out of band);\n"
	"without it the bundle's own key is used and the report says so. Every member of\n"
	"the archive must be bound by the signed manifest and the ledger: an item the\n"
	"manifest lists but the bundle withholds, an extra or duplicated file, an item\n"
	"listed twice or a title that differs from the manifest's fails verification.\n"
	"Custody events the exporter may not see in full are carried as proven ledger\n"
	"entries without their records and reported as restricted.\n"
	"Exit: 0 verified; 1 FILE cannot be read or --key is malformed; 2 the bundle\n"
	"does not verify (damaged, not a bundle, or any check failing).\n"
	CLI_COMMON_HELP;

static void report(const json_t *r)
{
	size_t i, k;
	json_t *it, *p;
	printf("checkpoint: %s, tree of %lld entries; key: %s\n",
	       cu_json_str(json_object_get(r, "checkpoint"), "origin"),
	       (long long)json_integer_value(json_object_get(json_object_get(r, "checkpoint"),
	                                                     "size")),
	       cu_json_str(r, "key_source"));
	json_array_foreach(json_object_get(r, "key_transitions"), i, it)
		printf("followed a signed key transition to %s\n", json_string_value(it));
	/* Everything printed below comes from the signed manifest and the proven ledger
	 * entries, never from bundle.json alone (docs/bundle.md). */
	if (cu_json_str(r, "for"))
		printf("case %s, exported for %s by %s\n",
		       cu_json_str(r, "case") ? cu_json_str(r, "case") : "?", cu_json_str(r, "for"),
		       cu_json_str(r, "exported_by") ? cu_json_str(r, "exported_by") : "?");
	json_array_foreach(json_object_get(r, "items"), i, it) {
		bool ok = json_array_size(json_object_get(it, "problems")) == 0;
		long long hidden = (long long)json_integer_value(json_object_get(it,
		                                                                 "restricted_events"));
		char restricted[48] = "";
		if (hidden)
			snprintf(restricted, sizeof(restricted), ", %lld restricted", hidden);
		printf("%s item %lld  %s\n  sha256 %s\n  file %s; custody chain %s (%lld events%s); "
		       "proofs %s\n", ok ? "OK  " : "FAIL",
		       (long long)json_integer_value(json_object_get(it, "id")),
		       cu_json_str(it, "title") ? cu_json_str(it, "title") : "",
		       cu_json_str(it, "sha256") ? cu_json_str(it, "sha256") : "?",
		       cu_json_str(it, "file") ? cu_json_str(it, "file") : "?",
		       json_is_true(json_object_get(it, "chain_complete")) ? "complete" : "INCOMPLETE",
		       (long long)json_integer_value(json_object_get(it, "custody_events")), restricted,
		       ok ? "verified" : "see below");
		json_array_foreach(json_object_get(it, "problems"), k, p)
			printf("  - %s\n", json_string_value(p));
	}
	json_array_foreach(json_object_get(r, "problems"), k, p)
		printf("- %s\n", json_string_value(p));
	printf("%s\n", json_is_true(json_object_get(r, "ok")) ? "bundle verified" :
	                                                       "BUNDLE DOES NOT VERIFY");
}

int cmd_bundle(int argc, char **argv)
{
	static const struct option opts[] = {
		{"case", required_argument, NULL, 'c'}, {"evidence", required_argument, NULL, 'e'},
		{"for", required_argument, NULL, 'f'}, {"out", required_argument, NULL, 'o'},
		{"key", required_argument, NULL, 'k'}, CLI_COMMON_OPTS, {0}};
	const char *case_ref = NULL, *for_org = NULL, *out_path = NULL, *key = NULL;
	int64_t ids[1024];
	size_t n = 0;
	int opt, r = 0;
	json_t *out = NULL;
	cli c;
	cli_init(&c);
	const char *sub = cli_subcommand(&argc, &argv, usage);
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common(&c, opt, usage))
			continue;
		int v;
		switch (opt) {
		case 'c': case_ref = optarg; break;
		case 'e':
			if (cli_int(&v, optarg, 1, 2147483647) != 0 || n == 1024)
				cli_usage_error(usage, "--evidence takes an item id (at most 1024)");
			ids[n++] = v;
			break;
		case 'f': for_org = optarg; break;
		case 'o': out_path = optarg; break;
		case 'k': key = optarg; break;
		}
	}
	if (!strcmp(sub, "verify")) {
		cli_operands(argc, argv, 1, usage);
		if ((r = cu_crypto_init()) != 0 || (r = cu_bundle_verify(&out, argv[optind], key)))
			return cli_fail(r);
		if (c.json)
			cli_print_json(out);
		else
			report(out);
		bool ok = json_is_true(json_object_get(out, "ok"));
		json_decref(out);
		return ok ? EXIT_OK : EXIT_REFUSED;
	}
	if (strcmp(sub, "export") != 0)
		cli_usage_error(usage, "unknown subcommand \"%s\"", sub);
	cli_operands(argc, argv, 0, usage);
	if (!case_ref || !for_org || !out_path)
		cli_usage_error(usage, "export needs --case, --for and --out");
	cli_open(&c);
	int64_t case_id;
	if ((r = cu_case_resolve(c.core, &c.actor, &case_id, case_ref)) == 0 &&
	    (r = cu_bundle_export(c.core, &c.actor, &out, case_id, n ? ids : NULL, n, for_org,
	                          out_path)) == 0) {
		if (c.json)
			cli_print_json(out);
		else
			printf("%s: %lld item(s) of %s for %s, checkpoint at %lld entries\n", out_path,
			       (long long)json_integer_value(json_object_get(out, "items")),
			       cu_json_str(out, "case"), for_org,
			       (long long)json_integer_value(json_object_get(out, "checkpoint_size")));
	}
	json_decref(out);
	cli_close(&c);
	return r ? cli_fail(r) : EXIT_OK;
}
