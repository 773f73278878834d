/* SPDX-License-Identifier: Apache-2.0 */
/* cli: the custodia command line (shared by the cmd_*.c files). */
#ifndef CU_CLI_H
#define CU_CLI_H

#include <getopt.h>
#include <stdbool.h>

#include "core/core.h"

/* Exit codes: part of the interface for scripts. */
enum { EXIT_OK = 0, EXIT_USAGE = 1, EXIT_REFUSED = 2, EXIT_INTERNAL = 3 };

typedef struct cli {
	const char *data; /* --data, CUSTODIA_DATA, ./custodia-data */
	const char *as;   /* --as, CUSTODIA_USER, the administrator made by init */
	bool json;
	cu_core *core;
	cu_actor actor;
	char *as_owned; /* the default user read from the database */
} cli;

/* Options every subcommand takes; append to each command's table. */
#define CLI_COMMON_OPTS                                                       \
	{"data", required_argument, NULL, 'D'}, {"as", required_argument, NULL, 'A'}, \
	{"blobs", required_argument, NULL, 'B'}, {"db", required_argument, NULL, 'Q'}, \
	{"json", no_argument, NULL, 'J'}, {"help", no_argument, NULL, 'h'},       \
	{"master-passphrase-file", required_argument, NULL, CLI_OPT_PASSFILE},      \
	{"pkcs11-pin-file", required_argument, NULL, CLI_OPT_PINFILE}
/* Values of the common options that have no letter (no command's own clashes). */
#define CLI_OPT_PASSFILE 0x101
#define CLI_OPT_PINFILE 0x102

#define CLI_COMMON_HELP \
	"  --data DIR   data directory (env CUSTODIA_DATA; default ./custodia-data)\n" \
	"  --blobs URI  evidence blob store: file:///DIR (shared) or\n" \
	"               s3://BUCKET/PREFIX?endpoint=URL&region=R (env CUSTODIA_BLOBS;\n" \
	"               default DIR/blobs)\n" \
	"  --db URL     records in PostgreSQL: postgresql://USER@HOST[:PORT]/[DB] (env\n" \
	"               CUSTODIA_DB; at init only, then recorded; default DIR/custodia.db)\n" \
	"  --as USER    act as this user (env CUSTODIA_USER; default the init administrator)\n" \
	"  --json       print JSON for scripts\n" \
	"  --config FILE  the configuration file (env CUSTODIA_CONFIG; default\n" \
	"               " CLI_CONFIG_DEFAULT " if present; see 'custodia config')\n" \
	"  --master-passphrase-file FILE, --pkcs11-pin-file FILE   where a sealed or\n" \
	"               PKCS#11 master key's secret is (env CUSTODIA_MASTER_PASSPHRASE_FILE,\n" \
	"               CUSTODIA_PKCS11_PIN_FILE; docs/keys.md)\n"

/*
 * Handles a common option; returns 1 if it was one, 0 if not. For -h prints
 * usage and exits 0; for unknown options prints usage to stderr and exits 1.
 */
int cli_common(cli *c, int opt, const char *usage);
void cli_init(cli *c);
/* Opens the data directory and loads the acting user; exits on failure. */
void cli_open(cli *c);
void cli_close(cli *c);
/* Prints the error of code r on stderr and returns its exit code. */
int cli_fail(int r);
int cli_exit_code(int r);
void cli_usage_error(const char *usage, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));
/* Prints a JSON value followed by a newline (pretty when stdout is a tty). */
void cli_print_json(const json_t *v);
/* Reads a password: --password-file, CUSTODIA_PASSWORD, the terminal, or stdin. */
int cli_read_password(char *out, size_t n, const char *file, const char *prompt);
/*
 * The subcommand of a command group ("custodia case list ..."): returns it
 * and shifts argv past it. --help prints usage and exits 0; a missing
 * subcommand is a usage error. Call it before allocating anything.
 */
const char *cli_subcommand(int *argc, char ***argv, const char *usage);
/* An object's numeric id given on the command line; a usage error (naming
 * what, e.g. "a request") otherwise. */
int64_t cli_id(const char *usage, const char *s, const char *what);
/* A JSON object's string field, or "-" for printing. */
const char *cli_str(const json_t *o, const char *key);
/* A number of digits only (no sign, no space) in [min, INT64_MAX]; -1 otherwise. */
int cli_int64(int64_t *out, const char *s, int64_t min);
/* A whole decimal number in [min, max]; -1 otherwise. */
int cli_int(int *out, const char *s, int min, int max);
/* Parses the rest of argv after getopt, requiring exactly `want` operands. */
void cli_operands(int argc, char **argv, int want, const char *usage);

/*
 * The configuration file (config.c): every key also has an environment
 * variable and a flag; flag > environment > file > default. Called once by
 * main before any command: takes --config FILE out of argv, reads the file
 * (--config, CUSTODIA_CONFIG, else CLI_CONFIG_DEFAULT if present), exports
 * each key it sets whose variable is unset, and checks every variable's
 * value; on any error prints it (FILE:LINE: ...) and exits 1.
 */
#define CLI_CONFIG_DEFAULT "/etc/custodia/custodia.conf"
void cli_config_load(int *argc, char **argv);
/* A key's value from the environment (the file's included), or NULL. */
const char *cli_env(const char *key);
/* A size such as 65536, 512K, 16M, 2G or 1T (not 0); -1 otherwise. */
int cli_size(uint64_t *out, const char *s);
/* true/yes/on/1 or false/no/off/0; -1 otherwise. */
int cli_bool(bool *out, const char *s);
/*
 * A listening address, ADDR:PORT, by the one rule of every source (flag,
 * environment, file): a numeric IPv4 or [IPv6] address and a port of digits
 * only, 1-65535 or 0 (any free port). -1 with why ("must ...") in why.
 */
int cli_listen(const char *v, char *why, size_t n);

int cmd_init(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_org(int argc, char **argv);
int cmd_case(int argc, char **argv);
int cmd_jit(int argc, char **argv);
int cmd_evidence(int argc, char **argv);
int cmd_ledger(int argc, char **argv);
int cmd_bundle(int argc, char **argv);
int cmd_entity(int argc, char **argv);
int cmd_xref(int argc, char **argv);
int cmd_hits(int argc, char **argv);
int cmd_match(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_jobs(int argc, char **argv);
int cmd_requests(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_actiondays(int argc, char **argv);
int cmd_meetings(int argc, char **argv);
int cmd_interviews(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_keys(int argc, char **argv);

/* A PostgreSQL URL with every password (userinfo, password=, sslpassword=)
 * replaced by ***, for printing: malloc'd, NULL if out of memory. */
char *cli_url_masked(const char *url);

#endif
