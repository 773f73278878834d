/* SPDX-License-Identifier: Apache-2.0 */
/* cli: custodia requests (judicial cooperation requests and their legal deadlines). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char requests_usage[] =
	"usage: custodia requests add --case REF --kind KIND --title TEXT --to ORG [options]\n"
	"       custodia requests list [--case REF] [--kind KIND] [--status STATUS] [--country CC]\n"
	"                              [--limit N] [--before ID]\n"
	"       custodia requests show ID\n"
	"       custodia requests status ID STATUS [--on YYYY-MM-DD] [--note TEXT]\n"
	"       custodia requests milestone ID arrested|consented [--on YYYY-MM-DD] [--note TEXT]\n"
	"       custodia requests extend ID --days N --reason TEXT [--deadline DEADLINE_ID]\n"
	"       custodia requests deadline ID --due YYYY-MM-DD [--step decision|execution|surrender]\n"
	"       custodia requests due [--within 7d]\n"
	"       custodia requests rules\n"
	"KIND is mla, eio, eaw, international_arrest_warrant, extradition, freezing_order,\n"
	"confiscation_order, transfer_of_proceedings or jit_accession. STATUS is draft, sent,\n"
	"received, recognised, in_execution, executed, refused or withdrawn; only the\n"
	"transitions of the status table are allowed. Adding (issuing), sending, recognising,\n"
	"refusing and withdrawing a request are a prosecutor's or an administrator's acts.\n"
	"The issuing organisation is the user's; --to names the executing organisation.\n"
	"add options:\n"
	"  --executing-country CC  --issuing-country CC  --ref TEXT (the issuing reference)\n"
	"  --legal-basis TEXT  --urgent  --issued-on YYYY-MM-DD  --subject ENTITY_ID (repeatable)\n"
	"  --notes TEXT\n"
	"Deadlines of EIOs, EAWs, freezing and confiscation orders are computed from the\n"
	"instrument's articles ('custodia requests rules'); others are set by hand with\n"
	"'deadline'. An extension needs --reason and comes before the deadline ends (one that\n"
	"has passed is missed). 'list --country CC' keeps the requests issued\n"
	"from or executed in CC; list shows the newest first, at most --limit (default 1000):\n"
	"the next ones with --before the last id shown. A draft is the issuing side's until it\n"
	"is sent. 'due' lists overdue deadlines and those due within --within days (default 7d).\n"
	CLI_COMMON_HELP;

static void print_request(const json_t *r)
{
	json_t *v;
	size_t i;
	printf("request #%lld  %s  %s\n", (long long)json_integer_value(json_object_get(r, "id")),
	       cli_str(r, "kind"), cli_str(r, "title"));
	printf("  status:    %s", cli_str(r, "status"));
	json_array_foreach(json_object_get(r, "next"), i, v)
		printf("%s%s", i ? ", " : "  (next: ", json_string_value(v));
	printf("%s\n", json_array_size(json_object_get(r, "next")) ? ")" : "");
	if (json_is_true(json_object_get(r, "case_visible")))
		printf("  case:      %s\n", cli_str(r, "case_reference"));
	printf("  from:      %s (%s)  to: %s (%s)\n", cli_str(r, "issuing_org"),
	       cli_str(r, "issuing_country"), cli_str(r, "executing_org"), cli_str(r, "executing_country"));
	if (cu_json_str(r, "legal_basis"))
		printf("  basis:     %s\n", cli_str(r, "legal_basis"));
	json_array_foreach(json_object_get(r, "subjects"), i, v)
		printf("  subject:   #%lld %s %s\n",
		       (long long)json_integer_value(json_object_get(v, "entity_id")), cli_str(v, "kind"),
		       cli_str(v, "label"));
	json_array_foreach(json_object_get(r, "history"), i, v)
		printf("  %s  %s -> %s  by %s%s%s\n", cli_str(v, "on"), cli_str(v, "from"), cli_str(v, "to"),
		       cli_str(v, "by"), cu_json_str(v, "note") ? ": " : "",
		       cu_json_str(v, "note") ? cu_json_str(v, "note") : "");
	json_array_foreach(json_object_get(r, "deadlines"), i, v) {
		printf("  deadline #%lld %-9s due %s  %-9s %s", (long long)json_integer_value(
		       json_object_get(v, "id")), cli_str(v, "step"), cli_str(v, "due_on"), cli_str(v, "state"),
		       cli_str(v, "article"));
		if (json_is_true(json_object_get(v, "overdue")))
			printf("  OVERDUE by %lld days",
			       -(long long)json_integer_value(json_object_get(v, "days_left")));
		else if (json_object_get(v, "days_left"))
			printf("  (%lld days left)",
			       (long long)json_integer_value(json_object_get(v, "days_left")));
		printf("\n");
		size_t k;
		json_t *e;
		json_array_foreach(json_object_get(v, "extensions"), k, e)
			printf("    extended +%lld days (%s) by %s: %s\n",
			       (long long)json_integer_value(json_object_get(e, "days")), cli_str(e, "article"),
			       cli_str(e, "by"), cli_str(e, "reason"));
	}
}

static void print_due(const json_t *out)
{
	static const char *const lists[] = {"overdue", "due_soon"};
	for (int l = 0; l < 2; l++) {
		json_t *v;
		size_t i;
		json_array_foreach(json_object_get(out, lists[l]), i, v)
			printf("%-8s %s  request #%-5lld %-28s %-9s %s -> %s  %s\n",
			       l == 0 ? "OVERDUE" : "due", cli_str(v, "due_on"),
			       (long long)json_integer_value(json_object_get(v, "request_id")),
			       cli_str(v, "kind"), cli_str(v, "step"), cli_str(v, "issuing_org"),
			       cli_str(v, "executing_org"), cli_str(v, "article"));
	}
	if (!json_array_size(json_object_get(out, "overdue")) &&
	    !json_array_size(json_object_get(out, "due_soon")))
		printf("nothing overdue or due within %lld days\n",
		       (long long)json_integer_value(json_object_get(out, "within_days")));
}

/*
 * The options each subcommand takes: one given to another is refused, not
 * ignored (`due --case X` listing every case's deadlines misleads).
 */
static const struct {
	const char *key, *opt;
} option_of[] = {
	{"case", "--case"}, {"kind", "--kind"}, {"title", "--title"}, {"executing_org", "--to"},
	{"executing_country", "--executing-country"}, {"issuing_country", "--issuing-country"},
	{"issuing_ref", "--ref"}, {"legal_basis", "--legal-basis"}, {"urgent", "--urgent"},
	{"issued_on", "--issued-on"}, {"subjects", "--subject"}, {"notes", "--notes"},
	{"status", "--status"}, {"on", "--on"}, {"note", "--note"}, {"days", "--days"},
	{"reason", "--reason"}, {"deadline", "--deadline"}, {"due_on", "--due"}, {"step", "--step"},
	{"country", "--country"}, {"limit", "--limit"}, {"before", "--before"},
};

static const struct {
	const char *sub, *keys; /* " a b c ": the JSON keys of the options it takes */
} takes[] = {
	{"add", " case kind title executing_org executing_country issuing_country issuing_ref "
	        "legal_basis urgent issued_on subjects notes "},
	{"list", " case kind status country limit before "},
	{"status", " on note "},
	{"milestone", " on note "},
	{"extend", " deadline days reason "},
	{"deadline", " step due_on note "},
};

static void refuse_foreign(const char *sub, const json_t *in, bool within)
{
	const char *keys = " ", *key;
	char probe[40];
	json_t *v;
	for (size_t i = 0; i < sizeof(takes) / sizeof(takes[0]); i++)
		if (!strcmp(takes[i].sub, sub))
			keys = takes[i].keys;
	if (within && strcmp(sub, "due"))
		cli_usage_error(requests_usage, "--within is an option of requests due, not of requests %s",
		                sub);
	json_object_foreach((json_t *)in, key, v) {
		snprintf(probe, sizeof(probe), " %s ", key);
		if (strstr(keys, probe))
			continue;
		const char *opt = key;
		for (size_t i = 0; i < sizeof(option_of) / sizeof(option_of[0]); i++)
			if (!strcmp(option_of[i].key, key))
				opt = option_of[i].opt;
		cli_usage_error(requests_usage, "requests %s takes no %s", sub, opt);
	}
}

int cmd_requests(int argc, char **argv)
{
	static const struct option opts[] = {
		{"case", required_argument, NULL, 'c'}, {"kind", required_argument, NULL, 'k'},
		{"title", required_argument, NULL, 't'}, {"to", required_argument, NULL, 'T'},
		{"executing-country", required_argument, NULL, 'E'},
		{"issuing-country", required_argument, NULL, 'I'}, {"ref", required_argument, NULL, 'r'},
		{"legal-basis", required_argument, NULL, 'L'}, {"urgent", no_argument, NULL, 'u'},
		{"issued-on", required_argument, NULL, 'i'}, {"subject", required_argument, NULL, 's'},
		{"notes", required_argument, NULL, 'n'}, {"status", required_argument, NULL, 'S'},
		{"on", required_argument, NULL, 'o'}, {"note", required_argument, NULL, 'N'},
		{"days", required_argument, NULL, 'd'}, {"reason", required_argument, NULL, 'R'},
		{"deadline", required_argument, NULL, 'l'}, {"due", required_argument, NULL, 'x'},
		{"step", required_argument, NULL, 'p'}, {"within", required_argument, NULL, 'w'},
		{"country", required_argument, NULL, 'C'}, {"limit", required_argument, NULL, 'm'},
		{"before", required_argument, NULL, 'b'}, CLI_COMMON_OPTS, {0}};
	json_t *in, *out = NULL;
	static const char default_within[] = "7d";
	const char *within = default_within;
	int opt, r = 0;
	cli c;
	cli_init(&c);
	const char *sub = cli_subcommand(&argc, &argv, requests_usage);
	in = json_object();
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common(&c, opt, requests_usage))
			continue;
		if (optarg && !cu_utf8_valid(optarg, strlen(optarg)))
			cli_usage_error(requests_usage, "an argument is not valid UTF-8");
		switch (opt) {
		case 'c': json_object_set_new(in, "case", json_string(optarg)); break;
		case 'k': json_object_set_new(in, "kind", json_string(optarg)); break;
		case 't': json_object_set_new(in, "title", json_string(optarg)); break;
		case 'T': json_object_set_new(in, "executing_org", json_string(optarg)); break;
		case 'E': json_object_set_new(in, "executing_country", json_string(optarg)); break;
		case 'I': json_object_set_new(in, "issuing_country", json_string(optarg)); break;
		case 'r': json_object_set_new(in, "issuing_ref", json_string(optarg)); break;
		case 'L': json_object_set_new(in, "legal_basis", json_string(optarg)); break;
		case 'u': json_object_set_new(in, "urgent", json_true()); break;
		case 'i': json_object_set_new(in, "issued_on", json_string(optarg)); break;
		case 'n': json_object_set_new(in, "notes", json_string(optarg)); break;
		case 'S': json_object_set_new(in, "status", json_string(optarg)); break;
		case 'o': json_object_set_new(in, "on", json_string(optarg)); break;
		case 'N': json_object_set_new(in, "note", json_string(optarg)); break;
		case 'R': json_object_set_new(in, "reason", json_string(optarg)); break;
		case 'x': json_object_set_new(in, "due_on", json_string(optarg)); break;
		case 'p': json_object_set_new(in, "step", json_string(optarg)); break;
		case 'w': within = optarg; break;
		case 'C': json_object_set_new(in, "country", json_string(optarg)); break;
		case 'm': {
			int n;
			if (cli_int(&n, optarg, 1, 1000) != 0)
				cli_usage_error(requests_usage, "--limit is a number from 1 to 1000");
			json_object_set_new(in, "limit", json_integer(n));
			break;
		}
		case 'b':
			json_object_set_new(in, "before",
			                    json_integer(cli_id(requests_usage, optarg, "a request")));
			break;
		case 's': {
			json_t *a = json_object_get(in, "subjects");
			if (!a)
				json_object_set_new(in, "subjects", a = json_array());
			json_array_append_new(a, json_integer(cli_id(requests_usage, optarg, "a subject entity")));
			break;
		}
		case 'd': {
			int d;
			if (cli_int(&d, optarg, 1, 365) != 0)
				cli_usage_error(requests_usage, "--days is a number of days from 1 to 365");
			json_object_set_new(in, "days", json_integer(d));
			break;
		}
		case 'l':
			json_object_set_new(in, "deadline",
			                    json_integer(cli_id(requests_usage, optarg, "a deadline")));
			break;
		}
	}
	refuse_foreign(sub, in, within != default_within);
	if (!strcmp(sub, "add")) {
		cli_operands(argc, argv, 0, requests_usage);
		if (!json_object_get(in, "case") || !json_object_get(in, "kind") ||
		    !json_object_get(in, "title") || !json_object_get(in, "executing_org"))
			cli_usage_error(requests_usage, "--case, --kind, --title and --to are required");
		cli_open(&c);
		if ((r = cu_request_create(c.core, &c.actor, &out, in)) == 0 && !c.json)
			print_request(out);
	} else if (!strcmp(sub, "list")) {
		cli_operands(argc, argv, 0, requests_usage);
		cli_open(&c);
		size_t i;
		json_t *v;
		if ((r = cu_request_list(c.core, &c.actor, &out, in)) == 0 && !c.json)
			json_array_foreach(out, i, v)
				printf("#%-5lld %-28s %-12s %s -> %s  %s\n",
				       (long long)json_integer_value(json_object_get(v, "id")), cli_str(v, "kind"),
				       cli_str(v, "status"), cli_str(v, "issuing_org"), cli_str(v, "executing_org"),
				       cli_str(v, "title"));
	} else if (!strcmp(sub, "show")) {
		cli_operands(argc, argv, 1, requests_usage);
		int64_t id = cli_id(requests_usage, argv[optind], "a request");
		cli_open(&c);
		if ((r = cu_request_get(c.core, &c.actor, &out, id)) == 0 && !c.json)
			print_request(out);
	} else if (!strcmp(sub, "status") || !strcmp(sub, "milestone")) {
		cli_operands(argc, argv, 2, requests_usage);
		int64_t id = cli_id(requests_usage, argv[optind], "a request");
		bool st = !strcmp(sub, "status");
		json_object_set_new(in, st ? "to" : "event", json_string(argv[optind + 1]));
		cli_open(&c);
		r = st ? cu_request_status(c.core, &c.actor, &out, id, in)
		       : cu_request_milestone(c.core, &c.actor, &out, id, in);
		if (r == 0 && !c.json)
			print_request(out);
	} else if (!strcmp(sub, "extend") || !strcmp(sub, "deadline")) {
		cli_operands(argc, argv, 1, requests_usage);
		int64_t id = cli_id(requests_usage, argv[optind], "a request");
		bool ext = !strcmp(sub, "extend");
		if (ext && !json_object_get(in, "days"))
			cli_usage_error(requests_usage, "--days is required");
		if (!ext && !json_object_get(in, "due_on"))
			cli_usage_error(requests_usage, "--due is required");
		cli_open(&c);
		r = ext ? cu_request_extend(c.core, &c.actor, &out, id, in)
		        : cu_request_deadline_set(c.core, &c.actor, &out, id, in);
		if (r == 0 && !c.json)
			print_request(out);
	} else if (!strcmp(sub, "due")) {
		char *end;
		cli_operands(argc, argv, 0, requests_usage);
		/* within is "7d" or --within's argument, which getopt_long always sets
		 * (required_argument); the analyzer takes the UTF-8 check's (optarg && ...)
		 * to mean it may be NULL. */
		/* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker) */
		long days = strtol(within, &end, 10);
		if (end == within || (*end && strcmp(end, "d")) || days < 0 || days > 3650)
			cli_usage_error(requests_usage, "--within is a number of days, e.g. 7d");
		cli_open(&c);
		if ((r = cu_request_due(c.core, &c.actor, &out, (int)days)) == 0 && !c.json)
			print_due(out);
	} else if (!strcmp(sub, "rules")) {
		cli_operands(argc, argv, 0, requests_usage);
		out = cu_request_rules();
		if (!c.json) {
			size_t i;
			json_t *v;
			/* What a reader comes for is the limit itself: say it in words,
			 * then where it is written and how far it may be extended. */
			json_array_foreach(out, i, v) {
				json_int_t ext = json_integer_value(json_object_get(v, "max_extension_days"));
				printf("%-18s %-22s %s\n", cli_str(v, "kind"), cli_str(v, "rule"),
				       cli_str(v, "limit"));
				printf("%-41s %s\n", "", cli_str(v, "article"));
				if (ext > 0)
					printf("%-41s extendable by up to %lld days: %s\n", "", (long long)ext,
					       cu_json_str(v, "extension_article")
					       ? cu_json_str(v, "extension_article") : "-");
				if (cu_json_str(v, "replaces"))
					printf("%-41s replaces %s\n", "", cu_json_str(v, "replaces"));
			}
		}
	} else {
		cli_usage_error(requests_usage, "unknown subcommand \"%s\"", sub);
	}
	if (r == 0 && c.json && out)
		cli_print_json(out);
	json_decref(in);
	json_decref(out);
	cli_close(&c);
	return r ? cli_fail(r) : EXIT_OK;
}
