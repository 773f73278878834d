/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli: custodia backup and custodia restore — consistent, encrypted,
 * incremental backups of an installation to a directory or S3, and their
 * verified restore (src/core/backup.c, docs/backup.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/backup.h"

static const char backup_usage[] =
	"usage: custodia backup --to DIR|s3://BUCKET/PREFIX?endpoint=URL&region=R [--verify]\n"
	"                       [--json]\n"
	"       custodia backup --list --from DIR|s3://... [--json]\n"
	"backs a data directory up while custodia serve keeps serving: one consistent\n"
	"snapshot of the records (SQLite's online backup; on PostgreSQL every table from\n"
	"one REPEATABLE READ snapshot, into an SQLite file), encrypted with a key of its\n"
	"own; every evidence blob the snapshot names that the target lacks, ciphertext\n"
	"byte for byte (backups share blobs: the second one copies only new evidence);\n"
	"the master key, the node key and the records key sealed with a passphrase; and\n"
	"a manifest signed with the node key (the ledger's size, root and checkpoint at\n"
	"the snapshot, every object's SHA-256, each blob's size and SHA-256). Blobs the\n"
	"target already holds are checked against what the latest backup recorded: their\n"
	"size (a directory target), or with --verify every byte; a damaged one is named\n"
	"and the backup refused. The target must be apart from the data directory (not\n"
	"it, not inside it, not containing it). The passphrase comes from\n"
	"--passphrase-file or CUSTODIA_BACKUP_PASSPHRASE, never the command line; without\n"
	"it no backup can be restored. --list shows the backups at a target. Exits 0 when\n"
	"backed up, 1 on a usage error, 2 when refused, 3 on an internal error, 128+N when\n"
	"stopped by signal N (Ctrl-C, SIGTERM: the snapshot is removed, no manifest made).\n"
	"  --to TARGET           where the backup goes (a directory is made if missing)\n"
	"  --verify              read back every blob already at the target and compare\n"
	"                        its SHA-256 with the recorded one (slow: every byte)\n"
	"  --list --from TARGET  list the backups there, oldest first\n"
	"  --passphrase-file F   the passphrase: F's first line\n"
	"  --data DIR            the data directory (env CUSTODIA_DATA)\n"
	"  --json                print the manifest (or the list) as JSON; on a damaged\n"
	"                        blob, {ok: false, error, damaged: [{blob, item, case, ...}]}\n";

static const char restore_usage[] =
	"usage: custodia restore --from DIR|s3://... --to DATADIR [--backup ID]\n"
	"                        [--db postgresql://...] [--blobs URI] [--json]\n"
	"rebuilds an installation from a backup (the latest unless --backup names one)\n"
	"into DATADIR, which must not exist or be empty: the keys (0600), the records\n"
	"(an SQLite file, or with --db a new PostgreSQL database) and the evidence blobs\n"
	"(DATADIR/blobs, or the store --blobs names). The manifest's signature, every\n"
	"object's SHA-256 and the records' encryption are checked on the way; then the\n"
	"result is checked as ledger verify and evidence verify would (nothing recorded,\n"
	"so the ledger stays the backup's), and its tree's size, root and latest\n"
	"checkpoint must be the manifest's. It is staged beside DATADIR and renamed into\n"
	"place only then: a failure leaves nothing behind. The passphrase comes from\n"
	"--passphrase-file or CUSTODIA_BACKUP_PASSPHRASE. Exits 0 when restored, 1 on a\n"
	"usage error, 2 on a wrong passphrase, a tampered backup, a result that does not\n"
	"verify or a DATADIR that is not empty, 3 on an internal error, 128+N when stopped\n"
	"by signal N (Ctrl-C, SIGTERM: the staging directory is removed). An evidence blob\n"
	"that does not authenticate refuses the whole restore (none is dropped\n"
	"silently): the error names the first, its item and case and whether it was\n"
	"damaged at the backup location or already in the data directory; --json lists\n"
	"every one (evidence.problems), on failure too.\n"
	"  --from TARGET         where the backups are\n"
	"  --to DATADIR          the new data directory\n"
	"  --backup ID           which backup (see custodia backup --list)\n"
	"  --db URL              records in PostgreSQL: a server (a database is made) or an\n"
	"                        empty database (env CUSTODIA_DB)\n"
	"  --blobs URI           evidence in file:///DIR or s3://BUCKET/PREFIX?endpoint=URL\n"
	"  --passphrase-file F   the passphrase: F's first line\n"
	"  --json                print the report as JSON\n";

static bool target_ok(const char *t)
{
	return t && *t && (strncmp(t, "s3://", 5) == 0 || strstr(t, "://") == NULL ||
	                   strncmp(t, "file:///", 8) == 0);
}

/* The passphrase from a file's first line or the environment; never argv. */
static int passphrase(char *out, size_t n, const char *file)
{
	const char *env = getenv("CUSTODIA_BACKUP_PASSPHRASE");
	out[0] = '\0';
	if (file) {
		FILE *f = fopen(file, "r");
		if (!f)
			return cu_error_set(CU_EINVALID, "cannot read %s: %s", file, strerror(errno));
		if (!fgets(out, (int)n, f))
			out[0] = '\0';
		fclose(f);
		out[strcspn(out, "\r\n")] = '\0';
	} else if (env) {
		snprintf(out, n, "%s", env);
	}
	if (!out[0])
		return cu_error_set(CU_EINVALID, "no passphrase: give --passphrase-file FILE or set"
		                    " CUSTODIA_BACKUP_PASSPHRASE");
	return 0;
}

static void print_list(const json_t *list)
{
	size_t i;
	json_t *b;
	if (!json_array_size(list)) {
		printf("no backups\n");
		return;
	}
	printf("%-32s %-24s %-10s %8s %8s %8s\n", "ID", "CREATED", "ENGINE", "ENTRIES", "BLOBS",
	       "NEW");
	json_array_foreach(list, i, b)
		printf("%-32s %-24s %-10s %8lld %8lld %8lld\n", cli_str(b, "id"),
		       cli_str(b, "created_at"), cli_str(b, "engine"),
		       (long long)cu_json_int(b, "ledger_size", 0), (long long)cu_json_int(b, "blobs", 0),
		       (long long)cu_json_int(b, "blobs_copied", 0));
}

int cmd_backup(int argc, char **argv)
{
	static const struct option opts[] = {
		{"to", required_argument, NULL, 't'}, {"from", required_argument, NULL, 'f'},
		{"list", no_argument, NULL, 'l'}, {"passphrase-file", required_argument, NULL, 'p'},
		{"verify", no_argument, NULL, 'v'}, CLI_COMMON_OPTS, {0}};
	const char *to = NULL, *from = NULL, *pfile = NULL;
	bool list = false, verify = false;
	char pass[1100];
	json_t *out = NULL;
	int opt, r;
	cli c;
	cli_init(&c);
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (opt == 't')
			to = optarg;
		else if (opt == 'f')
			from = optarg;
		else if (opt == 'l')
			list = true;
		else if (opt == 'p')
			pfile = optarg;
		else if (opt == 'v')
			verify = true;
		else
			cli_common(&c, opt, backup_usage);
	}
	cli_operands(argc, argv, 0, backup_usage);
	if (list) {
		if (!target_ok(from))
			cli_usage_error(backup_usage, "--list needs --from DIR or s3://...");
		if ((r = cu_backup_list(&out, from)) != 0)
			return cli_fail(r);
		if (c.json)
			cli_print_json(out);
		else
			print_list(out);
		json_decref(out);
		return EXIT_OK;
	}
	if (!target_ok(to))
		cli_usage_error(backup_usage, "--to DIR or s3://BUCKET/PREFIX?... is required");
	if ((r = passphrase(pass, sizeof(pass), pfile)) != 0)
		cli_usage_error(backup_usage, "%s", cu_error_message(r));
	/* The source's engine is what DATA/database says; --db and CUSTODIA_DB
	 * would only name it again. */
	unsetenv("CUSTODIA_DB");
	cu_interrupt_catch();
	r = cu_backup_make(&out, c.data, to, pass, verify);
	cu_wipe(pass, sizeof(pass));
	if (r) {
		/* What was found (the damaged blobs) for scripts; the message on stderr. */
		if (c.json && out)
			cli_print_json(out);
		json_decref(out);
		return cli_fail(r);
	}
	if (c.json) {
		cli_print_json(out);
	} else {
		const json_t *bl = json_object_get(out, "blobs"), *lg = json_object_get(out, "ledger");
		const json_t *rec = json_object_get(out, "records");
		printf("backup %s of %s\n", cli_str(out, "id"), c.data);
		printf("  records: %s, %lld bytes encrypted (%s)\n", cli_str(out, "engine"),
		       (long long)cu_json_int(rec, "size", 0),
		       cli_str(json_object_get(rec, "snapshot"), "method"));
		printf("  ledger: %lld entries, root %s\n", (long long)cu_json_int(lg, "size", 0),
		       cli_str(lg, "root"));
		printf("  evidence: %lld blobs, %lld copied, %lld already there, %zu erased since the"
		       " snapshot\n", (long long)cu_json_int(bl, "count", 0),
		       (long long)cu_json_int(bl, "copied", 0),
		       (long long)cu_json_int(bl, "already_there", 0),
		       json_array_size(json_object_get(bl, "missing")));
	}
	json_decref(out);
	return EXIT_OK;
}

int cmd_restore(int argc, char **argv)
{
	static const struct option opts[] = {
		{"from", required_argument, NULL, 'f'}, {"to", required_argument, NULL, 't'},
		{"backup", required_argument, NULL, 'i'}, {"db", required_argument, NULL, 'Q'},
		{"blobs", required_argument, NULL, 'b'},
		{"passphrase-file", required_argument, NULL, 'p'}, {"json", no_argument, NULL, 'J'},
		{"help", no_argument, NULL, 'h'}, {0}};
	cu_restore_opts o = {0};
	const char *pfile = NULL;
	char pass[1100];
	json_t *out = NULL;
	bool json = false;
	int opt, r;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'f': o.from = optarg; break;
		case 't': o.to = optarg; break;
		case 'i': o.id = optarg; break;
		case 'Q': o.db = optarg; break;
		case 'b': o.blobs = optarg; break;
		case 'p': pfile = optarg; break;
		case 'J': json = true; break;
		case 'h': fputs(restore_usage, stdout); exit(EXIT_OK);
		default: fputs(restore_usage, stderr); exit(EXIT_USAGE);
		}
	}
	cli_operands(argc, argv, 0, restore_usage);
	if (!o.db) {
		const char *env = getenv("CUSTODIA_DB");
		o.db = env && *env ? env : NULL;
	}
	if (!target_ok(o.from))
		cli_usage_error(restore_usage, "--from DIR or s3://... is required");
	if (!o.to || !*o.to)
		cli_usage_error(restore_usage, "--to DATADIR is required");
	if (o.db && !cu_store_is_pg_url(o.db))
		cli_usage_error(restore_usage, "--db takes a postgresql:// URL");
	if (o.blobs && strncmp(o.blobs, "file:///", 8) != 0 && strncmp(o.blobs, "s3://", 5) != 0)
		cli_usage_error(restore_usage, "--blobs takes file:///DIR or s3://BUCKET/PREFIX?...");
	if ((r = passphrase(pass, sizeof(pass), pfile)) != 0)
		cli_usage_error(restore_usage, "%s", cu_error_message(r));
	o.passphrase = pass;
	/* The stores are the ones named here: nothing from the environment. */
	unsetenv("CUSTODIA_DB");
	unsetenv("CUSTODIA_BLOBS");
	cu_interrupt_catch();
	r = cu_backup_restore(&out, &o);
	cu_wipe(pass, sizeof(pass));
	if (r) {
		/* The report so far, problems named, for --json; the message on stderr. */
		if (json && out)
			cli_print_json(out);
		json_decref(out);
		return cli_fail(r);
	}
	if (json) {
		cli_print_json(out);
	} else {
		const json_t *lg = json_object_get(out, "ledger"), *ev = json_object_get(out, "evidence");
		const json_t *bl = json_object_get(out, "blobs");
		printf("restored backup %s (%s) into %s\n", cli_str(out, "backup"),
		       cli_str(out, "created_at"), cli_str(out, "to"));
		printf("  records: %s\n", cli_str(out, "records"));
		printf("  evidence: %lld blobs (%lld bytes) copied to %s, each read back\n",
		       (long long)cu_json_int(bl, "copied", 0), (long long)cu_json_int(bl, "bytes", 0),
		       cli_str(bl, "store"));
		printf("  ledger verified: %lld entries, root %s, %lld checkpoints; the latest is the"
		       " manifest's\n", (long long)cu_json_int(lg, "size", 0), cli_str(lg, "root"),
		       (long long)cu_json_int(lg, "checkpoints", 0));
		printf("  evidence verified: %lld items and %lld texts authenticate",
		       (long long)cu_json_int(ev, "items", 0), (long long)cu_json_int(ev, "texts", 0));
		if (cu_json_int(ev, "erased_after_snapshot", 0))
			printf(" (%lld blobs erased after the snapshot are absent)",
			       (long long)cu_json_int(ev, "erased_after_snapshot", 0));
		printf("\n");
	}
	json_decref(out);
	return EXIT_OK;
}
