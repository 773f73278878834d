/* SPDX-License-Identifier: Apache-2.0 */
/* cli: custodia case. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char usage[] =
	"usage: custodia case create --title TEXT --crime-type CODE [--crime-type CODE ...]\n"
	"                            [--national-ref REF] [--opened YYYY-MM-DD]\n"
	"                            [--participant ORG[:ACCESS[:NATIONAL_REF]] ...]\n"
	"       custodia case list [--status S] [--crime-type CODE] [--country CC] [--search TEXT]\n"
	"                          [--limit N] [--after ID]\n"
	"       custodia case show REF\n"
	"       custodia case events REF (the case's timeline: every recorded change)\n"
	"       custodia case join REF --org ORG [--access ACCESS] [--national-ref REF]\n"
	"       custodia case close REF [--reason TEXT]\n"
	"       custodia case reopen REF [--reason TEXT]\n"
	"REF is a case id, its reference (2026/0042) or any participant's national case\n"
	"number. ACCESS is owner, participant or observer. Only cases the acting user's\n"
	"organisation takes part in (or sees through a JIT) exist for it.\n"
	CLI_COMMON_HELP;

static void print_case(const json_t *c)
{
	size_t i;
	json_t *v;
	printf("%s  %s\n", cu_json_str(c, "reference"), cu_json_str(c, "title"));
	printf("  status:      %s%s%s\n", cu_json_str(c, "status"),
	       cu_json_str(c, "closed_on") ? " since " : "",
	       cu_json_str(c, "closed_on") ? cu_json_str(c, "closed_on") : "");
	printf("  id:          %lld\n", (long long)json_integer_value(json_object_get(c, "id")));
	printf("  requesting:  %s\n", cu_json_str(c, "requesting_org"));
	printf("  opened:      %s\n", cu_json_str(c, "opened_on"));
	printf("  review by:   %s\n", cu_json_str(c, "retention_review_on") ?
	       cu_json_str(c, "retention_review_on") : "-");
	printf("  crime types:");
	json_array_foreach(json_object_get(c, "crime_types"), i, v)
		printf(" %s", json_string_value(v));
	printf("\n  participants:\n");
	json_array_foreach(json_object_get(c, "participants"), i, v)
		printf("    %-9s %-11s %s\n", cu_json_str(v, "org"), cu_json_str(v, "access"),
		       cu_json_str(v, "national_ref") ? cu_json_str(v, "national_ref") : "");
	if (json_array_size(json_object_get(c, "jits"))) {
		printf("  JITs:\n");
		json_array_foreach(json_object_get(c, "jits"), i, v)
			printf("    #%lld %s (until %s)\n",
			       (long long)json_integer_value(json_object_get(v, "id")),
			       cu_json_str(v, "name"), cu_json_str(v, "expires_on"));
	}
}

/* ORG[:ACCESS[:NATIONAL_REF]] */
static json_t *participant_arg(const char *arg)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", arg);
	char *acc = strchr(buf, ':'), *ref = NULL;
	if (acc) {
		*acc++ = '\0';
		if ((ref = strchr(acc, ':')))
			*ref++ = '\0';
	}
	return json_pack("{s:s,s:s?,s:s?}", "org", buf, "access", acc && *acc ? acc : NULL,
	                 "national_ref", ref && *ref ? ref : NULL);
}

int cmd_case(int argc, char **argv)
{
	static const struct option opts[] = {
		{"title", required_argument, NULL, 't'}, {"crime-type", required_argument, NULL, 'c'},
		{"national-ref", required_argument, NULL, 'n'},
		{"opened", required_argument, NULL, 'o'},
		{"participant", required_argument, NULL, 'p'},
		{"status", required_argument, NULL, 's'}, {"country", required_argument, NULL, 'C'},
		{"search", required_argument, NULL, 'q'}, {"limit", required_argument, NULL, 'l'},
		{"after", required_argument, NULL, 'a'}, {"org", required_argument, NULL, 'O'},
		{"access", required_argument, NULL, 'x'}, {"reason", required_argument, NULL, 'r'},
		CLI_COMMON_OPTS, {0}};
	json_t *in, *types, *parts, *out = NULL;
	cu_case_filter f = {0};
	const char *org = NULL, *access = NULL, *reason = NULL;
	int opt, r = 0;
	cli c;
	cli_init(&c);
	const char *sub = cli_subcommand(&argc, &argv, usage);
	in = json_object(), types = json_array(), parts = json_array();
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common(&c, opt, usage))
			continue;
		switch (opt) {
		case 't': json_object_set_new(in, "title", json_string(optarg)); break;
		case 'c':
			json_array_append_new(types, json_string(optarg));
			f.crime_type = optarg;
			break;
		case 'n': json_object_set_new(in, "national_ref", json_string(optarg)); break;
		case 'o': json_object_set_new(in, "opened_on", json_string(optarg)); break;
		case 'p': json_array_append_new(parts, participant_arg(optarg)); break;
		case 's': f.status = optarg; break;
		case 'C': f.country = optarg; break;
		case 'q': f.q = optarg; break;
		case 'l':
			if (cli_int(&f.limit, optarg, 1, 500) != 0)
				cli_usage_error(usage, "--limit must be 1-500");
			break;
		case 'a': {
			int after;
			if (cli_int(&after, optarg, 1, 2147483647) != 0)
				cli_usage_error(usage, "--after takes a case id");
			f.after = after;
			break;
		}
		case 'O': org = optarg; break;
		case 'x': access = optarg; break;
		case 'r': reason = optarg; break;
		}
	}
	/* Strings that are not valid UTF-8 are refused by core; jansson drops them. */
	for (int i = 0; i < argc; i++)
		if (!cu_utf8_valid(argv[i], strlen(argv[i])))
			cli_usage_error(usage, "argument %d is not valid UTF-8", i);
	int64_t id = 0;
	if (!strcmp(sub, "create")) {
		cli_operands(argc, argv, 0, usage);
		if (!json_object_get(in, "title"))
			cli_usage_error(usage, "--title is required");
		json_object_set(in, "crime_types", types);
		if (json_array_size(parts))
			json_object_set(in, "participants", parts);
		cli_open(&c);
		r = cu_case_create(c.core, &c.actor, &out, in);
		if (r == 0 && !c.json)
			printf("%s  opened (id %lld)\n", cu_json_str(out, "reference"),
			       (long long)json_integer_value(json_object_get(out, "id")));
	} else if (!strcmp(sub, "list")) {
		cli_operands(argc, argv, 0, usage);
		cli_open(&c);
		cu_buf b;
		cu_buf_init(&b, 0);
		if ((r = cu_case_list(c.core, &c.actor, &b, &f)) == 0) {
			out = json_loads(b.data, 0, NULL);
			if (!c.json) {
				size_t i;
				json_t *v;
				json_array_foreach(json_object_get(out, "items"), i, v)
					printf("%-10s %-8s %-9s %s\n", cu_json_str(v, "reference"),
					       cu_json_str(v, "status"), cu_json_str(v, "requesting_org"),
					       cu_json_str(v, "title"));
				if (json_integer_value(json_object_get(out, "next")))
					printf("(more: --after %lld)\n",
					       (long long)json_integer_value(json_object_get(out, "next")));
			}
		}
		cu_buf_free(&b);
	} else if (!strcmp(sub, "show")) {
		cli_operands(argc, argv, 1, usage);
		cli_open(&c);
		if ((r = cu_case_resolve(c.core, &c.actor, &id, argv[optind])) == 0 &&
		    (r = cu_case_get(c.core, &c.actor, &out, id)) == 0 && !c.json)
			print_case(out);
	} else if (!strcmp(sub, "events")) {
		size_t i;
		json_t *v;
		cli_operands(argc, argv, 1, usage);
		cli_open(&c);
		if ((r = cu_case_resolve(c.core, &c.actor, &id, argv[optind])) == 0 &&
		    (r = cu_case_events(c.core, &c.actor, &out, id, 0, 1000)) == 0 && !c.json)
			json_array_foreach(out, i, v)
				printf("%s  %-10s %-22s %s %s\n", cu_json_str(v, "at"),
				       cu_json_str(v, "actor"), cu_json_str(v, "action"),
				       cu_json_str(v, "object_type"), cu_json_str(v, "object_id"));
	} else if (!strcmp(sub, "join")) {
		cli_operands(argc, argv, 1, usage);
		if (!org)
			cli_usage_error(usage, "--org is required");
		cli_open(&c);
		json_t *p = json_pack("{s:s,s:s?,s:O?}", "org", org, "access", access, "national_ref",
		                      json_object_get(in, "national_ref"));
		if ((r = cu_case_resolve(c.core, &c.actor, &id, argv[optind])) == 0 &&
		    (r = cu_participant_add(c.core, &c.actor, &out, id, p)) == 0 && !c.json)
			printf("%s joined %s as %s\n", org, cu_json_str(out, "reference"),
			       access ? access : "participant");
		json_decref(p);
	} else if (!strcmp(sub, "close")) {
		cli_operands(argc, argv, 1, usage);
		cli_open(&c);
		json_t *p = json_pack("{s:s?}", "reason", reason);
		if ((r = cu_case_resolve(c.core, &c.actor, &id, argv[optind])) == 0 &&
		    (r = cu_case_close(c.core, &c.actor, &out, id, p)) == 0 && !c.json)
			printf("%s closed on %s\n", cu_json_str(out, "reference"),
			       cu_json_str(out, "closed_on"));
		json_decref(p);
	} else if (!strcmp(sub, "reopen")) {
		cli_operands(argc, argv, 1, usage);
		cli_open(&c);
		json_t *p = json_pack("{s:s,s:s?}", "status", "open", "reason", reason);
		if ((r = cu_case_resolve(c.core, &c.actor, &id, argv[optind])) == 0 &&
		    (r = cu_case_update(c.core, &c.actor, &out, id, p)) == 0 && !c.json)
			printf("%s is open again\n", cu_json_str(out, "reference"));
		json_decref(p);
	} else {
		cli_usage_error(usage, "unknown subcommand \"%s\"", sub);
	}
	if (r == 0 && c.json)
		cli_print_json(out);
	json_decref(in);
	json_decref(types);
	json_decref(parts);
	json_decref(out);
	cli_close(&c);
	return r ? cli_fail(r) : EXIT_OK;
}
