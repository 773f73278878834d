/* SPDX-License-Identifier: Apache-2.0 */
/* cli: the custodia command and its table of subcommands. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "crypto/crypto.h"
#include "store/store.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *summary;
} commands[] = {
	{"init", cmd_init, "create a data directory with its keys and first administrator"},
	{"serve", cmd_serve, "serve the HTTP API"},
	{"demo", cmd_demo, "load the demo scenario (once) and serve it on loopback"},
	{"user", cmd_user, "add, list users; change passwords"},
	{"token", cmd_token, "create, list and revoke API tokens"},
	{"org", cmd_org, "list organisations"},
	{"case", cmd_case, "create, list, show, join and close cases"},
	{"jit", cmd_jit, "create, list, show and extend joint investigation teams"},
	{"evidence", cmd_evidence, "add, read, share, verify and erase evidence"},
	{"ledger", cmd_ledger, "the tamper-evident ledger: key, checkpoint, verify, prove"},
	{"bundle", cmd_bundle, "export evidence bundles and verify them offline"},
	{"entity", cmd_entity, "add, list, show, update and import the entities of cases"},
	{"xref", cmd_xref, "match a case's entities again against every other case"},
	{"hits", cmd_hits, "hits between cases: list, show, confirm, dismiss, ask for access"},
	{"match", cmd_match, "score labelled name pairs; show or set the match threshold"},
	{"search", cmd_search, "search cases, entities, evidence and its text (any script)"},
	{"jobs", cmd_jobs, "background text extraction: list, run, retry"},
	{"requests", cmd_requests, "cooperation requests: add, status, legal deadlines, due"},
	{"stats", cmd_stats, "figures of a year, reproducible as of a ledger size"},
	{"actiondays", cmd_actiondays, "action days: the plan, teams' updates, watch them live"},
	{"meetings", cmd_meetings, "coordination meetings and network events, closed sessions"},
	{"interviews", cmd_interviews, "the interview register; earlier interviews reported"},
	{"migrate", cmd_migrate, "move a data directory to PostgreSQL (and shared blob storage)"},
	{"config", cmd_config, "check the configuration file; show the values in force"},
	{"backup", cmd_backup, "back up records, evidence and keys, encrypted and incremental"},
	{"restore", cmd_restore, "rebuild an installation from a backup, and verify it"},
	{"keys", cmd_keys, "master key sealing (passphrase, PKCS#11) and key rotation"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: custodia COMMAND [OPTIONS]\n\n"
	           "custodia: cross-border criminal justice cooperation.\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s  %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'custodia COMMAND --help' describes each. Exit codes: 0 ok, 1 usage error,\n"
	           "2 refused or not found, 3 internal error.\n");
}

int main(int argc, char **argv)
{
	/*
	 * Before any file is made: whatever custodia writes (the database and its
	 * -wal and -shm, which SQLite creates itself, blobs, locks, staging
	 * directories, but also bundles and evidence copies it exports) is for
	 * its own user only, 0600 and 0700, whatever the caller's umask. The
	 * systemd unit sets UMask=0077 too; a shell or cron job need not.
	 */
	umask(077);
	if (cu_crypto_init() != 0) {
		fprintf(stderr, "custodia: %s\n", cu_error_message(CU_ECRYPTO));
		return EXIT_INTERNAL;
	}
	cli_config_load(&argc, argv);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		const cu_build_info *b = cu_build();
		if (argc > 2 && !strcmp(argv[2], "--json")) {
			json_t *v = json_pack("{s:s,s:i,s:{s:s,s:s,s:s}}", "version", b->version, "schema",
			                      cu_store_schema_latest(), "build", "commit", b->commit,
			                      "date", b->date, "compiler", b->compiler);
			cli_print_json(v);
			json_decref(v);
		} else if (argc > 2) {
			fprintf(stderr, "usage: custodia --version [--json]\n");
			return EXIT_USAGE;
		} else {
			printf("custodia %s (schema %d, commit %s)\n", b->version,
			       cu_store_schema_latest(), b->commit);
		}
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "custodia: unknown command \"%s\"\n\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
