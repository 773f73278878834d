/* SPDX-License-Identifier: Apache-2.0 */
/* cli: custodia org. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char usage[] =
	"usage: custodia org list\n"
	"Lists the organisations: national desks, liaison prosecutors, international\n"
	"organisations, EU agencies and networks.\n"
	CLI_COMMON_HELP;

int cmd_org(int argc, char **argv)
{
	static const struct option opts[] = {CLI_COMMON_OPTS, {0}};
	json_t *out = NULL, *o;
	size_t i;
	int opt, r;
	cli c;
	cli_init(&c);
	const char *sub = cli_subcommand(&argc, &argv, usage);
	if (strcmp(sub, "list") != 0)
		cli_usage_error(usage, "unknown subcommand \"%s\"", sub);
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1)
		cli_common(&c, opt, usage);
	cli_operands(argc, argv, 0, usage);
	cli_open(&c);
	if ((r = cu_org_list(c.core, &c.actor, &out)) == 0) {
		if (c.json)
			cli_print_json(out);
		else
			json_array_foreach(out, i, o)
				printf("%-9s %-2s  %-27s %s\n", cu_json_str(o, "code"),
				       cu_json_str(o, "country") ? cu_json_str(o, "country") : "",
				       cu_json_str(o, "kind"), cu_json_str(o, "name"));
	}
	json_decref(out);
	cli_close(&c);
	return r ? cli_fail(r) : EXIT_OK;
}
