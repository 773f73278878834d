/* SPDX-License-Identifier: Apache-2.0 */
/* cli: custodia init. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "crypto/crypto.h"

static const char usage[] =
	"usage: custodia init [--admin NAME] [--password-file FILE] [--data DIR] [--json]\n"
	"Creates the data directory: database, node signing key (0600), reference data,\n"
	"and the first administrator in the operator organisation HUB. The password is\n"
	"read from --password-file or CUSTODIA_PASSWORD; without either a random one is\n"
	"generated and printed once.\n"
	"  --admin NAME          administrator's username (default admin)\n"
	"  --password-file FILE  read the administrator's password from FILE\n"
	CLI_COMMON_HELP;

int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{"admin", required_argument, NULL, 'a'},
		{"password-file", required_argument, NULL, 'p'},
		{"password", required_argument, NULL, 'P'}, CLI_COMMON_OPTS, {0}};
	const char *admin = "admin", *pwfile = NULL;
	char pw[1100];
	bool generated = false;
	cli c;
	int opt, r;
	cli_init(&c);
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common(&c, opt, usage))
			continue;
		if (opt == 'a')
			admin = optarg;
		else if (opt == 'p')
			pwfile = optarg;
		else if (opt == 'P')
			cli_usage_error(usage, "passwords are never taken on the command line");
	}
	cli_operands(argc, argv, 0, usage);
	if (pwfile || getenv("CUSTODIA_PASSWORD")) {
		if ((r = cli_read_password(pw, sizeof(pw), pwfile, "")) != 0)
			return cli_fail(r);
	} else {
		uint8_t rnd[12];
		cu_random(rnd, sizeof(rnd));
		cu_base64(pw, rnd, sizeof(rnd));
		generated = true;
	}
	r = cu_core_init(c.data, admin, pw);
	if (r == 0) {
		if (c.json) {
			json_t *o = json_pack("{s:s,s:s,s:s?}", "data", c.data, "admin", admin, "password",
			                      generated ? pw : NULL);
			cli_print_json(o);
			json_decref(o);
		} else {
			printf("initialised %s\nadministrator: %s (organisation HUB)\n", c.data, admin);
			if (generated)
				printf("password: %s\n(shown once: keep it safe, or change it with "
				       "'custodia user passwd %s')\n", pw, admin);
		}
	}
	cu_wipe(pw, sizeof(pw));
	return r ? cli_fail(r) : EXIT_OK;
}
