/* SPDX-License-Identifier: Apache-2.0 */
/* cli: custodia actiondays (action days: the plan, status updates, following them). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"

static const char actiondays_usage[] =
	"usage: custodia actiondays add --case REF --title TEXT --day YYYY-MM-DD --tz CC=ZONE...\n"
	"       custodia actiondays list [--case REF]\n"
	"       custodia actiondays show ID\n"
	"       custodia actiondays action ID --kind KIND --country CC --org ORG --at HH:MM\n"
	"                                     [--entity ENTITY_ID] [--place TEXT] [--description TEXT]\n"
	"       custodia actiondays update ACTION_ID started|completed|failed [--result TEXT]\n"
	"                                     [--evidence ITEM_ID] [--correction REASON]\n"
	"       custodia actiondays watch ID [--after SEQ] [--once]\n"
	"--tz gives a country's IANA time zone (e.g. RS=Europe/Belgrade), once per country of\n"
	"the day; --at is the action's planned local time there. KIND is arrest, house_search,\n"
	"seizure, witness_interview, asset_freezing or hearing. Only the executing organisation\n"
	"posts an action's updates; --evidence links an item of the case registered from it\n"
	"(its \"method\" naming the action). An outcome (completed, failed) is taken once the\n"
	"day has begun in the action's country, not before. A completed or failed action is\n"
	"final: the same outcome again adds a result; changing it (completed <-> failed) is a\n"
	"correction and needs --correction REASON, recorded with it. No new day, action or\n"
	"update in a case that is closed. 'watch' prints the day's updates as they are\n"
	"recorded (by this or any other process), after SEQ (default: all); --once prints what\n"
	"there is and stops.\n"
	CLI_COMMON_HELP;

static void print_day(const json_t *d)
{
	json_t *v;
	const char *cc;
	size_t i;
	printf("action day #%lld  %s  %s  (case %s)\n",
	       (long long)json_integer_value(json_object_get(d, "id")), cli_str(d, "day"),
	       cli_str(d, "title"), cli_str(d, "case_reference"));
	json_object_foreach(json_object_get(d, "timezones"), cc, v)
		printf("  %s: %s\n", cc, json_string_value(v));
	/*
	 * In the order of their instants, each with its local time and its UTC,
	 * dated when that falls on another day (21:30 in New York is 01:30 UTC
	 * the next day).
	 */
	const char *day = cli_str(d, "day");
	int width = 9;
	json_array_foreach(json_object_get(d, "actions"), i, v) {
		const char *at = cu_json_str(v, "planned_at");
		if (at && strncmp(at, day, 10))
			width = 20;
	}
	json_array_foreach(json_object_get(d, "actions"), i, v) {
		const char *at = cu_json_str(v, "planned_at");
		char utc[40] = "";
		if (at && strlen(at) >= 16)
			snprintf(utc, sizeof(utc), "%.*s%s%.5s UTC", strncmp(at, day, 10) ? 10 : 0, at,
			         strncmp(at, day, 10) ? " " : "", at + 11);
		printf("  #%-5lld %s %s  %-*s  %-17s %-4s %-10s %s%s%s\n",
		       (long long)json_integer_value(json_object_get(v, "id")), cli_str(v, "planned_time"),
		       cli_str(v, "country"), width, utc, cli_str(v, "kind"), cli_str(v, "org"),
		       cli_str(v, "status"),
		       cu_json_str(v, "entity") ? cli_str(v, "entity") : "",
		       cu_json_str(v, "result") ? "  " : "",
		       cu_json_str(v, "result") ? cu_json_str(v, "result") : "");
	}
	printf("  updates: %lld\n", (long long)json_integer_value(json_object_get(d, "last_seq")));
}

static void print_update(const json_t *u)
{
	printf("%-5lld %s  action #%lld %s %s (%s): %s%s%s\n",
	       (long long)json_integer_value(json_object_get(u, "seq")), cli_str(u, "at"),
	       (long long)json_integer_value(json_object_get(u, "action_id")), cli_str(u, "kind"),
	       cli_str(u, "country"), cli_str(u, "org"), cli_str(u, "status"),
	       cu_json_str(u, "result") ? " - " : "",
	       cu_json_str(u, "result") ? cu_json_str(u, "result") : "");
	fflush(stdout);
}

static int watch(cli *c, int64_t id, int64_t after, bool once)
{
	for (;;) {
		json_t *rows = NULL, *v;
		size_t i;
		int r = cu_actionday_updates(c->core, &c->actor, &rows, id, after, 1000);
		if (r)
			return r;
		json_array_foreach(rows, i, v) {
			if (c->json) {
				char *t = json_dumps(v, JSON_COMPACT);
				printf("%s\n", t ? t : "{}");
				free(t);
				fflush(stdout);
			} else {
				print_update(v);
			}
			after = json_integer_value(json_object_get(v, "seq"));
		}
		size_t n = json_array_size(rows);
		json_decref(rows);
		if (once && n < 1000)
			return 0;
		if (n < 1000) {
			struct timespec ts = {0, 200 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
	}
}

int cmd_actiondays(int argc, char **argv)
{
	static const struct option opts[] = {
		{"case", required_argument, NULL, 'c'}, {"title", required_argument, NULL, 't'},
		{"day", required_argument, NULL, 'y'}, {"tz", required_argument, NULL, 'z'},
		{"notes", required_argument, NULL, 'n'}, {"kind", required_argument, NULL, 'k'},
		{"country", required_argument, NULL, 'C'}, {"org", required_argument, NULL, 'o'},
		{"at", required_argument, NULL, 'a'}, {"entity", required_argument, NULL, 'e'},
		{"place", required_argument, NULL, 'p'}, {"description", required_argument, NULL, 'd'},
		{"result", required_argument, NULL, 'r'}, {"evidence", required_argument, NULL, 'E'},
		{"after", required_argument, NULL, 'q'}, {"once", no_argument, NULL, '1'},
		{"correction", required_argument, NULL, 'R'}, CLI_COMMON_OPTS, {0}};
	json_t *in, *out = NULL;
	int64_t after = 0;
	bool once = false;
	int opt, r = 0;
	cli c;
	cli_init(&c);
	const char *sub = cli_subcommand(&argc, &argv, actiondays_usage);
	in = json_object();
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common(&c, opt, actiondays_usage))
			continue;
		if (optarg && !cu_utf8_valid(optarg, strlen(optarg)))
			cli_usage_error(actiondays_usage, "an argument is not valid UTF-8");
		switch (opt) {
		case 'c': json_object_set_new(in, "case", json_string(optarg)); break;
		case 't': json_object_set_new(in, "title", json_string(optarg)); break;
		case 'y': json_object_set_new(in, "day", json_string(optarg)); break;
		case 'n': json_object_set_new(in, "notes", json_string(optarg)); break;
		case 'k': json_object_set_new(in, "kind", json_string(optarg)); break;
		case 'C': json_object_set_new(in, "country", json_string(optarg)); break;
		case 'o': json_object_set_new(in, "org", json_string(optarg)); break;
		case 'a': json_object_set_new(in, "planned_time", json_string(optarg)); break;
		case 'p': json_object_set_new(in, "place", json_string(optarg)); break;
		case 'd': json_object_set_new(in, "description", json_string(optarg)); break;
		case 'r': json_object_set_new(in, "result", json_string(optarg)); break;
		case 'R': json_object_set_new(in, "correction", json_string(optarg)); break;
		case 'e': json_object_set_new(in, "entity", json_integer(cli_id(actiondays_usage, optarg,
		                                                           "an entity"))); break;
		case 'E': json_object_set_new(in, "evidence", json_integer(cli_id(actiondays_usage, optarg,
		                                                             "an item"))); break;
		case '1': once = true; break;
		case 'q':
			if (cli_int64(&after, optarg, 0) != 0)
				cli_usage_error(actiondays_usage, "--after is a sequence number");
			break;
		case 'z': {
			/* getopt_long always sets optarg for a required_argument option; the
			 * analyzer takes the UTF-8 check's (optarg && ...) to mean it may be NULL.
			 * NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker) */
			const char *eq = strchr(optarg, '=');
			if (!eq || eq == optarg || !eq[1])
				cli_usage_error(actiondays_usage, "--tz is CC=ZONE, e.g. RS=Europe/Belgrade");
			json_t *tz = json_object_get(in, "timezones");
			if (!tz)
				json_object_set_new(in, "timezones", tz = json_object());
			char cc[8];
			if ((size_t)(eq - optarg) >= sizeof(cc))
				cli_usage_error(actiondays_usage, "--tz is CC=ZONE with a country code, "
				                "e.g. RS=Europe/Belgrade");
			snprintf(cc, sizeof(cc), "%.*s", (int)(eq - optarg), optarg);
			/* A second zone for a country would silently replace the first, and
			 * its actions' times would be read in the wrong one. */
			if (json_object_get(tz, cc))
				cli_usage_error(actiondays_usage, "--tz %s is given twice: give each "
				                "country's time zone once", cc);
			json_object_set_new(tz, cc, json_string(eq + 1));
			break;
		}
		}
	}
	if (!strcmp(sub, "add")) {
		cli_operands(argc, argv, 0, actiondays_usage);
		if (!json_object_get(in, "case") || !json_object_get(in, "title") ||
		    !json_object_get(in, "day") || !json_object_get(in, "timezones"))
			cli_usage_error(actiondays_usage, "--case, --title, --day and --tz are required");
		cli_open(&c);
		if ((r = cu_actionday_create(c.core, &c.actor, &out, in)) == 0 && !c.json)
			print_day(out);
	} else if (!strcmp(sub, "list")) {
		cli_operands(argc, argv, 0, actiondays_usage);
		cli_open(&c);
		size_t i;
		json_t *v;
		if ((r = cu_actionday_list(c.core, &c.actor, &out, cu_json_str(in, "case"))) == 0 &&
		    !c.json)
			json_array_foreach(out, i, v)
				printf("#%-5lld %s  %-10s %3lld actions %5lld updates  %s\n",
				       (long long)json_integer_value(json_object_get(v, "id")), cli_str(v, "day"),
				       cli_str(v, "case_reference"),
				       (long long)json_integer_value(json_object_get(v, "actions")),
				       (long long)json_integer_value(json_object_get(v, "last_seq")),
				       cli_str(v, "title"));
	} else if (!strcmp(sub, "show")) {
		cli_operands(argc, argv, 1, actiondays_usage);
		int64_t id = cli_id(actiondays_usage, argv[optind], "an action day");
		cli_open(&c);
		if ((r = cu_actionday_get(c.core, &c.actor, &out, id)) == 0 && !c.json)
			print_day(out);
	} else if (!strcmp(sub, "action")) {
		cli_operands(argc, argv, 1, actiondays_usage);
		int64_t id = cli_id(actiondays_usage, argv[optind], "an action day");
		cli_open(&c);
		if ((r = cu_actionday_action_add(c.core, &c.actor, &out, id, in)) == 0 && !c.json)
			print_day(out);
	} else if (!strcmp(sub, "update")) {
		cli_operands(argc, argv, 2, actiondays_usage);
		int64_t id = cli_id(actiondays_usage, argv[optind], "an action");
		json_object_set_new(in, "status", json_string(argv[optind + 1]));
		cli_open(&c);
		if ((r = cu_action_update(c.core, &c.actor, &out, id, in)) == 0 && !c.json)
			print_update(out);
	} else if (!strcmp(sub, "watch")) {
		cli_operands(argc, argv, 1, actiondays_usage);
		int64_t id = cli_id(actiondays_usage, argv[optind], "an action day");
		cli_open(&c);
		r = watch(&c, id, after, once);
	} else {
		cli_usage_error(actiondays_usage, "unknown subcommand \"%s\"", sub);
	}
	if (r == 0 && c.json && out)
		cli_print_json(out);
	json_decref(in);
	json_decref(out);
	cli_close(&c);
	return r ? cli_fail(r) : EXIT_OK;
}
