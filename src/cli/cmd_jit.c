/* SPDX-License-Identifier: Apache-2.0 */
/* cli: custodia jit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char usage[] =
	"usage: custodia jit create --name TEXT --signed YYYY-MM-DD --expires YYYY-MM-DD\n"
	"                           [--case REF ...] [--member ORG[:ROLE] ...]\n"
	"       custodia jit list\n"
	"       custodia jit show ID\n"
	"       custodia jit extend ID --until YYYY-MM-DD --reason TEXT\n"
	"ROLE is member (default) or participant (e.g. the ICC). The acting user's\n"
	"organisation is a member; linked cases must be ones it owns. An expired JIT is\n"
	"read-only until extended.\n"
	CLI_COMMON_HELP;

static void print_jit(const json_t *j)
{
	size_t i;
	json_t *v;
	char today[11];
	cu_date_today(today);
	const char *exp = cu_json_str(j, "expires_on");
	int left = cu_date_diff(today, exp);
	printf("JIT #%lld  %s\n", (long long)json_integer_value(json_object_get(j, "id")),
	       cu_json_str(j, "name"));
	printf("  signed:    %s\n  expires:   %s%s\n", cu_json_str(j, "signed_on"), exp,
	       left < 0 ? "  (EXPIRED: read-only until extended)" :
	       left <= 30 ? "  (expires within 30 days)" : "");
	printf("  members:\n");
	json_array_foreach(json_object_get(j, "members"), i, v)
		printf("    %-9s %s\n", cu_json_str(v, "org"), cu_json_str(v, "role"));
	printf("  cases:\n");
	json_array_foreach(json_object_get(j, "cases"), i, v)
		printf("    %s  %s\n", cu_json_str(v, "reference"), cu_json_str(v, "title"));
	json_array_foreach(json_object_get(j, "extensions"), i, v)
		printf("  extended %s -> %s by %s: %s\n", cu_json_str(v, "from"), cu_json_str(v, "to"),
		       cu_json_str(v, "by"), cu_json_str(v, "reason"));
}

int cmd_jit(int argc, char **argv)
{
	static const struct option opts[] = {
		{"name", required_argument, NULL, 'n'}, {"signed", required_argument, NULL, 's'},
		{"expires", required_argument, NULL, 'e'}, {"case", required_argument, NULL, 'c'},
		{"member", required_argument, NULL, 'm'}, {"until", required_argument, NULL, 'u'},
		{"reason", required_argument, NULL, 'r'}, CLI_COMMON_OPTS, {0}};
	json_t *in, *cases, *members, *out = NULL;
	const char *until = NULL, *reason = NULL;
	int opt, r = 0;
	cli c;
	cli_init(&c);
	const char *sub = cli_subcommand(&argc, &argv, usage);
	in = json_object(), cases = json_array(), members = json_array();
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common(&c, opt, usage))
			continue;
		switch (opt) {
		case 'n': json_object_set_new(in, "name", json_string(optarg)); break;
		case 's': json_object_set_new(in, "signed_on", json_string(optarg)); break;
		case 'e': json_object_set_new(in, "expires_on", json_string(optarg)); break;
		case 'c': json_array_append_new(cases, json_string(optarg)); break;
		case 'm': {
			char buf[64];
			snprintf(buf, sizeof(buf), "%s", optarg);
			char *role = strchr(buf, ':');
			if (role)
				*role++ = '\0';
			json_array_append_new(members, json_pack("{s:s,s:s?}", "org", buf, "role", role));
			break;
		}
		case 'u': until = optarg; break;
		case 'r': reason = optarg; break;
		}
	}
	for (int i = 0; i < argc; i++)
		if (!cu_utf8_valid(argv[i], strlen(argv[i])))
			cli_usage_error(usage, "argument %d is not valid UTF-8", i);
	if (!strcmp(sub, "create")) {
		cli_operands(argc, argv, 0, usage);
		if (!json_object_get(in, "name") || !json_object_get(in, "signed_on") ||
		    !json_object_get(in, "expires_on"))
			cli_usage_error(usage, "--name, --signed and --expires are required");
		json_object_set(in, "cases", cases);
		json_object_set(in, "members", members);
		cli_open(&c);
		r = cu_jit_create(c.core, &c.actor, &out, in);
		if (r == 0 && !c.json)
			print_jit(out);
	} else if (!strcmp(sub, "list")) {
		cli_operands(argc, argv, 0, usage);
		cli_open(&c);
		size_t i;
		json_t *v;
		char today[11];
		cu_date_today(today);
		/* The agreement's end is what a member plans around: say when it comes. */
		if ((r = cu_jit_list(c.core, &c.actor, &out)) == 0 && !c.json)
			json_array_foreach(out, i, v) {
				int left = cu_date_diff(today, cli_str(v, "expires_on"));
				char when[24] = "";
				if (left < 0)
					snprintf(when, sizeof(when), "EXPIRED");
				else if (left <= 30)
					snprintf(when, sizeof(when), "in %d day%s", left, left == 1 ? "" : "s");
				printf("#%-4lld expires %-10s %-11s %s\n",
				       (long long)json_integer_value(json_object_get(v, "id")),
				       cli_str(v, "expires_on"), when, cli_str(v, "name"));
			}
	} else if (!strcmp(sub, "show")) {
		cli_operands(argc, argv, 1, usage);
		int64_t id = cli_id(usage, argv[optind], "a JIT");
		cli_open(&c);
		if ((r = cu_jit_get(c.core, &c.actor, &out, id)) == 0 && !c.json)
			print_jit(out);
	} else if (!strcmp(sub, "extend")) {
		cli_operands(argc, argv, 1, usage);
		int64_t id = cli_id(usage, argv[optind], "a JIT");
		if (!until || !reason)
			cli_usage_error(usage, "--until and --reason are required");
		cli_open(&c);
		json_t *p = json_pack("{s:s,s:s}", "expires_on", until, "reason", reason);
		if ((r = cu_jit_extend(c.core, &c.actor, &out, id, p)) == 0 && !c.json)
			print_jit(out);
		json_decref(p);
	} else {
		cli_usage_error(usage, "unknown subcommand \"%s\"", sub);
	}
	if (r == 0 && c.json)
		cli_print_json(out);
	json_decref(in);
	json_decref(cases);
	json_decref(members);
	json_decref(out);
	cli_close(&c);
	return r ? cli_fail(r) : EXIT_OK;
}
