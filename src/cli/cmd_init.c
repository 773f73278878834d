/* SPDX-License-Identifier: Apache-2.0 */
/* cli: custodia init. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "crypto/crypto.h"

static const char usage[] =
	"usage: custodia init [--admin NAME] [--password-file FILE] [--password-out FILE]\n"
	"                     [--if-new] [--data DIR] [--json]\n"
	"Creates the data directory: database, node signing key (0600), reference data,\n"
	"and the first administrator in the operator organisation HUB. The password is\n"
	"read from --password-file or CUSTODIA_PASSWORD; without either a random one is\n"
	"generated and printed once (or written to --password-out).\n"
	"  --admin NAME          administrator's username (default admin)\n"
	"  --password-file FILE  read the administrator's password from FILE\n"
	"  --password-out FILE   write a generated password to FILE (new, 0600) instead of\n"
	"                        printing it (a service's first start: nothing in the log)\n"
	"  --if-new              a directory already initialised is left as it is (exit 0)\n"
	CLI_COMMON_HELP;

int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{"admin", required_argument, NULL, 'a'},
		{"password-file", required_argument, NULL, 'p'},
		{"password", required_argument, NULL, 'P'},
		{"password-out", required_argument, NULL, 'o'}, {"if-new", no_argument, NULL, 'n'},
		CLI_COMMON_OPTS, {0}};
	const char *admin = "admin", *pwfile = NULL, *pwout = NULL;
	bool if_new = false;
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
		else if (opt == 'o')
			pwout = optarg;
		else if (opt == 'n')
			if_new = true;
	}
	cli_operands(argc, argv, 0, usage);
	if (if_new && cu_core_initialised(c.data)) {
		if (c.json) {
			json_t *o = json_pack("{s:s,s:b}", "data", c.data, "created", 0);
			cli_print_json(o);
			json_decref(o);
		} else {
			printf("%s is already initialised: left as it is\n", c.data);
		}
		return EXIT_OK;
	}
	if (pwout && (pwfile || getenv("CUSTODIA_PASSWORD")))
		cli_usage_error(usage, "--password-out is for a generated password");
	if (pwfile || getenv("CUSTODIA_PASSWORD")) {
		if ((r = cli_read_password(pw, sizeof(pw), pwfile, "")) != 0 ||
		    (r = cu_password_policy(pw)) != 0)
			return cli_fail(r);
	} else {
		uint8_t rnd[12];
		cu_random(rnd, sizeof(rnd));
		cu_base64(pw, rnd, sizeof(rnd));
		generated = true;
	}
	r = cu_core_init(c.data, admin, pw);
	if (r == 0 && pwout) {
		/* O_EXCL: never through a file (or link) someone placed there. */
		int fd = open(pwout, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
		size_t len = strlen(pw);
		if (fd < 0 || write(fd, pw, len) != (ssize_t)len || write(fd, "\n", 1) != 1 ||
		    fsync(fd) != 0)
			r = cu_error_set(CU_EIO, "cannot write the password to %s: %s (the directory is "
			                 "initialised: set a password with 'custodia user passwd %s')",
			                 pwout, strerror(errno), admin);
		if (fd >= 0)
			close(fd);
		generated = false;
	}
	if (r == 0) {
		if (c.json) {
			json_t *o = json_pack("{s:s,s:b,s:s,s:s?,s:s?}", "data", c.data, "created", 1,
			                      "admin", admin, "password", generated ? pw : NULL,
			                      "password_file", pwout);
			cli_print_json(o);
			json_decref(o);
		} else {
			printf("initialised %s\nadministrator: %s (organisation HUB)\n", c.data, admin);
			if (pwout)
				printf("password: in %s (read it, then delete it)\n", pwout);
			if (generated)
				printf("password: %s\n(shown once: keep it safe, or change it with "
				       "'custodia user passwd %s')\n", pw, admin);
		}
	}
	cu_wipe(pw, sizeof(pw));
	return r ? cli_fail(r) : EXIT_OK;
}
