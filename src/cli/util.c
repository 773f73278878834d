/* SPDX-License-Identifier: Apache-2.0 */
/* cli: options, output and errors shared by every subcommand. */
#include <errno.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "crypto/crypto.h"

void cli_init(cli *c)
{
	memset(c, 0, sizeof(*c));
	c->data = getenv("CUSTODIA_DATA");
	if (!c->data || !*c->data)
		c->data = "./custodia-data";
	c->as = getenv("CUSTODIA_USER");
	if (c->as && !*c->as)
		c->as = NULL;
}

void cli_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;
	fputs("custodia: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", usage);
	exit(EXIT_USAGE);
}

int cli_common(cli *c, int opt, const char *usage)
{
	switch (opt) {
	case 'D': c->data = optarg; return 1;
	case 'A': c->as = optarg; return 1;
	case 'B':
		/* Every vault this process opens (the server's, its workers') reads it. */
		setenv("CUSTODIA_BLOBS", optarg, 1);
		return 1;
	case 'Q': setenv("CUSTODIA_DB", optarg, 1); return 1;
	case 'J': c->json = true; return 1;
	/* Read where the vault opens the key (src/crypto/keys.c), by this process
	 * and the server's threads alike. */
	case CLI_OPT_PASSFILE: setenv("CUSTODIA_MASTER_PASSPHRASE_FILE", optarg, 1); return 1;
	case CLI_OPT_PINFILE: setenv("CUSTODIA_PKCS11_PIN_FILE", optarg, 1); return 1;
	case 'h': fputs(usage, stdout); exit(EXIT_OK);
	case '?': fputs(usage, stderr); exit(EXIT_USAGE);
	default: return 0;
	}
}

int cli_exit_code(int r)
{
	switch (r) {
	case 0: return EXIT_OK;
	case CU_EINVALID: return EXIT_USAGE;
	case CU_ENOTFOUND:
	case CU_EEXISTS:
	case CU_EDENIED:
	case CU_ECONFLICT:
	case CU_EAUTH:
	case CU_ELIMIT:
	case CU_EVERIFY: return EXIT_REFUSED;
	case CU_EINTR: return 128 + (cu_interrupted() ? cu_interrupted() : SIGINT);
	default: return EXIT_INTERNAL;
	}
}

int cli_fail(int r)
{
	fprintf(stderr, "custodia: %s\n", cu_error_message(r));
	return cli_exit_code(r);
}

void cli_open(cli *c)
{
	cu_core_config cfg = {.datadir = c->data};
	char *def = NULL;
	int r;
	if ((r = cu_core_open(&c->core, &cfg)) != 0)
		exit(cli_fail(r));
	if (!c->as) {
		if (cu_store_meta_get(cu_core_store(c->core), &def, "default_user") != 0) {
			fprintf(stderr, "custodia: no default user: give --as USER\n");
			exit(EXIT_USAGE);
		}
		c->as = c->as_owned = def;
	}
	if ((r = cu_actor_load(c->core, &c->actor, c->as)) != 0)
		exit(cli_fail(r));
}

void cli_close(cli *c)
{
	cu_core_close(c->core);
	c->core = NULL;
	free(c->as_owned);
	c->as_owned = NULL;
}

void cli_print_json(const json_t *v)
{
	size_t flags = JSON_ENCODE_ANY | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10);
	flags |= isatty(STDOUT_FILENO) ? JSON_INDENT(2) : JSON_COMPACT;
	char *s = json_dumps(v, flags);
	if (s) {
		puts(s);
		free(s);
	}
}

static void chomp(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

int cli_read_password(char *out, size_t n, const char *file, const char *prompt)
{
	const char *env = getenv("CUSTODIA_PASSWORD");
	out[0] = '\0';
	if (file) {
		FILE *f = fopen(file, "r");
		if (!f)
			return cu_error_set(CU_EINVALID, "cannot read %s: %s", file, strerror(errno));
		if (!fgets(out, (int)n, f))
			out[0] = '\0';
		fclose(f);
	} else if (env) {
		snprintf(out, n, "%s", env);
	} else if (isatty(STDIN_FILENO)) {
		struct termios t, quiet;
		fprintf(stderr, "%s", prompt);
		tcgetattr(STDIN_FILENO, &t);
		quiet = t;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
		if (!fgets(out, (int)n, stdin))
			out[0] = '\0';
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &t);
		fputc('\n', stderr);
	} else if (!fgets(out, (int)n, stdin)) {
		out[0] = '\0';
	}
	chomp(out);
	if (!out[0])
		return cu_error_set(CU_EINVALID, "no password given");
	return 0;
}

void cli_operands(int argc, char **argv, int want, const char *usage)
{
	int have = argc - optind;
	if (have < want)
		cli_usage_error(usage, "missing argument");
	if (have > want)
		cli_usage_error(usage, "unexpected argument \"%s\"", argv[optind + want]);
}

int cli_int(int *out, const char *s, int min, int max)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

const char *cli_subcommand(int *argc, char ***argv, const char *usage)
{
	char **v = *argv;
	if (*argc >= 2 && (!strcmp(v[1], "--help") || !strcmp(v[1], "-h"))) {
		fputs(usage, stdout);
		exit(EXIT_OK);
	}
	if (*argc < 2 || v[1][0] == '-')
		cli_usage_error(usage, "missing subcommand");
	(*argc)--;
	(*argv)++;
	return v[1];
}

int cli_int64(int64_t *out, const char *s, int64_t min)
{
	char *end;
	/* strtoll would skip spaces, take a sign and stop at the largest value. */
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno == ERANGE || *end || v < min)
		return -1;
	*out = (int64_t)v;
	return 0;
}

int64_t cli_id(const char *usage, const char *s, const char *what)
{
	int64_t v;
	if (cli_int64(&v, s, 1) != 0)
		cli_usage_error(usage, "%s is named by its numeric id", what);
	return v;
}

const char *cli_str(const json_t *o, const char *key)
{
	const char *s = cu_json_str(o, key);
	return s ? s : "-";
}
