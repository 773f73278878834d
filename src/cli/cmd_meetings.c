/* SPDX-License-Identifier: Apache-2.0 */
/* cli: custodia meetings (coordination meetings, network events) and custodia interviews. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char meetings_usage[] =
	"usage: custodia meetings add --kind KIND --title TEXT --on YYYY-MM-DD [options]\n"
	"       custodia meetings list [--case REF] [--kind KIND] [--limit N] [--before ID]\n"
	"       custodia meetings show ID\n"
	"       custodia meetings outcome ID --text TEXT [--session SESSION_ID] [--action TEXT ...]\n"
	"KIND is coordination (a case's meeting: --case REF), plenary, study_visit, conference\n"
	"or other (a network's or partners' event). The organiser is the user's organisation.\n"
	"add options:\n"
	"  --case REF  --place TEXT  --agenda TEXT  --participant ORG (repeatable)\n"
	"  --session TITLE (an open session)  --closed-session 'TITLE=ORG,ORG' (a closed\n"
	"  session, seen only by the organisations invited to it, all of them participants)\n"
	"  --action TEXT (a follow-up action; --by ORG, --request ID, --due YYYY-MM-DD apply to\n"
	"  the last --action)\n"
	"A case's meeting is seen by those who see the case; an event by its organiser and\n"
	"participants; a closed session only by those invited to it.\n"
	CLI_COMMON_HELP;

static const char interviews_usage[] =
	"usage: custodia interviews add --case REF --entity ID --role victim|witness --on YYYY-MM-DD\n"
	"                               [--status planned|held] [options]\n"
	"       custodia interviews list [--case REF] [--entity ID] [--limit N] [--before ID]\n"
	"       custodia interviews show ID\n"
	"add options: --interviewer TEXT  --authority TEXT  --request ID  --record ITEM_ID\n"
	"  --notes TEXT. The interviewing organisation is the user's. Planning an interview\n"
	"(--status planned) reports earlier interviews of the same person, in other cases\n"
	"too through the entity's hits: of a case the user cannot see, only the organisation\n"
	"and the month.\n"
	CLI_COMMON_HELP;

static void print_orgs(const char *label, const json_t *list)
{
	json_t *v;
	size_t i;
	printf("%s", label);
	json_array_foreach(list, i, v)
		printf("%s%s", i ? ", " : "", cli_str(v, "org"));
	printf("\n");
}

static void print_meeting(const json_t *m)
{
	json_t *v;
	size_t i;
	printf("meeting #%lld  %s  %s  %s\n", (long long)json_integer_value(json_object_get(m, "id")),
	       cli_str(m, "held_on"), cli_str(m, "kind"), cli_str(m, "title"));
	if (cu_json_str(m, "case_reference"))
		printf("  case:      %s\n", cli_str(m, "case_reference"));
	printf("  organiser: %s%s%s\n", cli_str(m, "organiser"), cu_json_str(m, "place") ? "  at " : "",
	       cu_json_str(m, "place") ? cu_json_str(m, "place") : "");
	print_orgs("  with:      ", json_object_get(m, "participants"));
	if (cu_json_str(m, "agenda"))
		printf("  agenda:    %s\n", cli_str(m, "agenda"));
	if (cu_json_str(m, "outcome"))
		printf("  outcome:   %s\n", cli_str(m, "outcome"));
	json_array_foreach(json_object_get(m, "sessions"), i, v) {
		printf("  session #%lld %s%s\n", (long long)json_integer_value(json_object_get(v, "id")),
		       cli_str(v, "title"), json_is_true(json_object_get(v, "closed")) ? " (closed)" : "");
		if (json_array_size(json_object_get(v, "participants")))
			print_orgs("    invited: ", json_object_get(v, "participants"));
		if (cu_json_str(v, "agenda"))
			printf("    agenda:  %s\n", cli_str(v, "agenda"));
		if (cu_json_str(v, "outcome"))
			printf("    outcome: %s\n", cli_str(v, "outcome"));
	}
	json_array_foreach(json_object_get(m, "actions"), i, v) {
		printf("  action:    %s", cli_str(v, "text"));
		if (cu_json_str(v, "org"))
			printf("  by %s", cli_str(v, "org"));
		if (json_is_integer(json_object_get(v, "request_id")))
			printf("  request #%lld",
			       (long long)json_integer_value(json_object_get(v, "request_id")));
		if (cu_json_str(v, "due_on"))
			printf("  due %s", cli_str(v, "due_on"));
		printf("\n");
	}
}

static json_t *last_action(json_t *in)
{
	json_t *a = json_object_get(in, "actions");
	if (!json_array_size(a))
		cli_usage_error(meetings_usage, "--by, --request and --due follow an --action");
	return json_array_get(a, json_array_size(a) - 1);
}

static json_t *list_of(json_t *in, const char *key)
{
	json_t *a = json_object_get(in, key);
	if (!a)
		json_object_set_new(in, key, a = json_array());
	return a;
}

/* "TITLE=ORG,ORG" as a closed session. */
static json_t *closed_session(const char *arg)
{
	/* arg is --closed-session's argument, which getopt_long always sets (required_argument);
	 * the analyzer takes the caller's UTF-8 check (optarg && ...) to mean it may be NULL.
	 * NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker) */
	const char *eq = strrchr(arg, '=');
	if (!eq || eq == arg || !eq[1])
		cli_usage_error(meetings_usage, "--closed-session is 'TITLE=ORG,ORG'");
	json_t *s = json_pack("{s:s%,s:b,s:[]}", "title", arg, (size_t)(eq - arg), "closed", 1,
	                      "participants");
	json_t *orgs = json_object_get(s, "participants");
	for (const char *p = eq + 1; *p;) {
		size_t n = strcspn(p, ",");
		if (n)
			json_array_append_new(orgs, json_stringn(p, n));
		p += n;
		if (*p)
			p++;
	}
	return s;
}

/* list's --limit N (1-1000) and --before ID (the last one of the page before); no
 * letters: 'B' is the common --blobs. */
enum { OPT_LIMIT = 0x201, OPT_BEFORE };

static void page_option(json_t *in, int opt, const char *arg, const char *usage)
{
	int n;
	if (opt == OPT_LIMIT) {
		if (cli_int(&n, arg, 1, 1000) != 0)
			cli_usage_error(usage, "--limit is a number from 1 to 1000");
		json_object_set_new(in, "limit", json_integer(n));
	} else {
		json_object_set_new(in, "before", json_integer(cli_id(usage, arg, "the last one listed")));
	}
}

int cmd_meetings(int argc, char **argv)
{
	static const struct option opts[] = {
		{"kind", required_argument, NULL, 'k'}, {"case", required_argument, NULL, 'c'},
		{"title", required_argument, NULL, 't'}, {"on", required_argument, NULL, 'o'},
		{"place", required_argument, NULL, 'p'}, {"agenda", required_argument, NULL, 'g'},
		{"participant", required_argument, NULL, 'P'}, {"session", required_argument, NULL, 's'},
		{"closed-session", required_argument, NULL, 'C'},
		{"action", required_argument, NULL, 'a'}, {"by", required_argument, NULL, 'b'},
		{"request", required_argument, NULL, 'r'}, {"due", required_argument, NULL, 'd'},
		{"text", required_argument, NULL, 'x'}, {"limit", required_argument, NULL, OPT_LIMIT},
		{"before", required_argument, NULL, OPT_BEFORE}, CLI_COMMON_OPTS, {0}};
	json_t *in, *out = NULL;
	int opt, r = 0;
	cli c;
	cli_init(&c);
	const char *sub = cli_subcommand(&argc, &argv, meetings_usage);
	in = json_object();
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common(&c, opt, meetings_usage))
			continue;
		if (optarg && !cu_utf8_valid(optarg, strlen(optarg)))
			cli_usage_error(meetings_usage, "an argument is not valid UTF-8");
		switch (opt) {
		case 'k': json_object_set_new(in, "kind", json_string(optarg)); break;
		case 'c': json_object_set_new(in, "case", json_string(optarg)); break;
		case 't': json_object_set_new(in, "title", json_string(optarg)); break;
		case 'o': json_object_set_new(in, "held_on", json_string(optarg)); break;
		case 'p': json_object_set_new(in, "place", json_string(optarg)); break;
		case 'g': json_object_set_new(in, "agenda", json_string(optarg)); break;
		case 'x': json_object_set_new(in, "outcome", json_string(optarg)); break;
		case 'P': json_array_append_new(list_of(in, "participants"), json_string(optarg)); break;
		case 's':
			json_array_append_new(list_of(in, "sessions"), json_pack("{s:s}", "title", optarg));
			break;
		case 'C': json_array_append_new(list_of(in, "sessions"), closed_session(optarg)); break;
		case 'a':
			json_array_append_new(list_of(in, "actions"), json_pack("{s:s}", "text", optarg));
			break;
		case 'b': json_object_set_new(last_action(in), "org", json_string(optarg)); break;
		case 'd': json_object_set_new(last_action(in), "due_on", json_string(optarg)); break;
		case 'r':
			json_object_set_new(last_action(in), "request",
			                    json_integer(cli_id(meetings_usage, optarg, "a request")));
			break;
		case OPT_LIMIT:
		case OPT_BEFORE:
			page_option(in, opt, optarg, meetings_usage);
			break;
		}
	}
	if (!strcmp(sub, "add")) {
		cli_operands(argc, argv, 0, meetings_usage);
		if (!json_object_get(in, "kind") || !json_object_get(in, "title") ||
		    !json_object_get(in, "held_on"))
			cli_usage_error(meetings_usage, "--kind, --title and --on are required");
		cli_open(&c);
		if ((r = cu_meeting_create(c.core, &c.actor, &out, in)) == 0 && !c.json)
			print_meeting(out);
	} else if (!strcmp(sub, "list")) {
		cli_operands(argc, argv, 0, meetings_usage);
		cli_open(&c);
		size_t i;
		json_t *v;
		if ((r = cu_meeting_list(c.core, &c.actor, &out, in)) == 0 && !c.json)
			json_array_foreach(out, i, v)
				printf("#%-5lld %s  %-12s %-10s %s\n",
				       (long long)json_integer_value(json_object_get(v, "id")),
				       cli_str(v, "held_on"), cli_str(v, "kind"),
				       cu_json_str(v, "case_reference") ? cli_str(v, "case_reference")
				       : cli_str(v, "organiser"), cli_str(v, "title"));
	} else if (!strcmp(sub, "show")) {
		cli_operands(argc, argv, 1, meetings_usage);
		int64_t id = cli_id(meetings_usage, argv[optind], "a meeting");
		cli_open(&c);
		if ((r = cu_meeting_get(c.core, &c.actor, &out, id)) == 0 && !c.json)
			print_meeting(out);
	} else if (!strcmp(sub, "outcome")) {
		cli_operands(argc, argv, 1, meetings_usage);
		int64_t id = cli_id(meetings_usage, argv[optind], "a meeting");
		json_t *sess = json_object_get(in, "sessions");
		if (!json_object_get(in, "outcome"))
			cli_usage_error(meetings_usage, "--text is required");
		if (json_array_size(sess) == 1 && !json_object_get(json_array_get(sess, 0), "closed")) {
			/* --session names the session whose outcome this is. */
			const char *s = cu_json_str(json_array_get(sess, 0), "title");
			json_object_set_new(in, "session",
			                    json_integer(cli_id(meetings_usage, s, "a session")));
			json_object_del(in, "sessions");
		}
		cli_open(&c);
		if ((r = cu_meeting_outcome(c.core, &c.actor, &out, id, in)) == 0 && !c.json)
			print_meeting(out);
	} else {
		cli_usage_error(meetings_usage, "unknown subcommand \"%s\"", sub);
	}
	if (r == 0 && c.json && out)
		cli_print_json(out);
	json_decref(in);
	json_decref(out);
	cli_close(&c);
	return r ? cli_fail(r) : EXIT_OK;
}

static void print_interview(const json_t *iv)
{
	json_t *v;
	size_t i;
	printf("interview #%lld  %s  %s  %s #%lld %s\n",
	       (long long)json_integer_value(json_object_get(iv, "id")), cli_str(iv, "on"),
	       cli_str(iv, "status"), cli_str(iv, "role"),
	       (long long)json_integer_value(json_object_get(iv, "entity_id")),
	       cli_str(iv, "entity_label"));
	printf("  case:      %s  by %s%s%s\n", cli_str(iv, "case_reference"), cli_str(iv, "org"),
	       cu_json_str(iv, "interviewer") ? " / " : "",
	       cu_json_str(iv, "interviewer") ? cu_json_str(iv, "interviewer") : "");
	if (cu_json_str(iv, "authority"))
		printf("  authority: %s\n", cli_str(iv, "authority"));
	if (json_is_integer(json_object_get(iv, "request_id")))
		printf("  request:   #%lld\n",
		       (long long)json_integer_value(json_object_get(iv, "request_id")));
	if (json_is_integer(json_object_get(iv, "record_item_id")))
		printf("  record:    item #%lld %s\n",
		       (long long)json_integer_value(json_object_get(iv, "record_item_id")),
		       cli_str(iv, "record_title"));
	json_array_foreach(json_object_get(iv, "earlier_interviews"), i, v) {
		if (json_is_true(json_object_get(v, "visible")))
			printf("  EARLIER:   interview #%lld on %s by %s in %s (%s)\n",
			       (long long)json_integer_value(json_object_get(v, "interview")),
			       cli_str(v, "on"), cli_str(v, "org"), cli_str(v, "case"), cli_str(v, "via"));
		else
			printf("  EARLIER:   an interview by %s in %s, in a case you cannot see (%s)\n",
			       cli_str(v, "org"), cli_str(v, "month"), cli_str(v, "via"));
	}
}

int cmd_interviews(int argc, char **argv)
{
	static const struct option opts[] = {
		{"case", required_argument, NULL, 'c'}, {"entity", required_argument, NULL, 'e'},
		{"role", required_argument, NULL, 'r'}, {"status", required_argument, NULL, 's'},
		{"on", required_argument, NULL, 'o'}, {"interviewer", required_argument, NULL, 'i'},
		{"authority", required_argument, NULL, 'a'}, {"request", required_argument, NULL, 'q'},
		{"record", required_argument, NULL, 'R'}, {"notes", required_argument, NULL, 'n'},
		{"limit", required_argument, NULL, OPT_LIMIT},
		{"before", required_argument, NULL, OPT_BEFORE}, CLI_COMMON_OPTS, {0}};
	json_t *in, *out = NULL;
	int opt, r = 0;
	cli c;
	cli_init(&c);
	const char *sub = cli_subcommand(&argc, &argv, interviews_usage);
	in = json_object();
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common(&c, opt, interviews_usage))
			continue;
		if (optarg && !cu_utf8_valid(optarg, strlen(optarg)))
			cli_usage_error(interviews_usage, "an argument is not valid UTF-8");
		switch (opt) {
		case 'c': json_object_set_new(in, "case", json_string(optarg)); break;
		case OPT_LIMIT:
		case OPT_BEFORE: page_option(in, opt, optarg, interviews_usage); break;
		case 'r': json_object_set_new(in, "role", json_string(optarg)); break;
		case 's': json_object_set_new(in, "status", json_string(optarg)); break;
		case 'o': json_object_set_new(in, "on", json_string(optarg)); break;
		case 'i': json_object_set_new(in, "interviewer", json_string(optarg)); break;
		case 'a': json_object_set_new(in, "authority", json_string(optarg)); break;
		case 'n': json_object_set_new(in, "notes", json_string(optarg)); break;
		case 'e':
			json_object_set_new(in, "entity",
			                    json_integer(cli_id(interviews_usage, optarg, "an entity")));
			break;
		case 'q':
			json_object_set_new(in, "request",
			                    json_integer(cli_id(interviews_usage, optarg, "a request")));
			break;
		case 'R':
			json_object_set_new(in, "record_item", json_integer(cli_id(interviews_usage,
			                    optarg, "an evidence item")));
			break;
		}
	}
	if (!strcmp(sub, "add")) {
		cli_operands(argc, argv, 0, interviews_usage);
		if (!json_object_get(in, "case") || !json_object_get(in, "entity") ||
		    !json_object_get(in, "role") || !json_object_get(in, "on"))
			cli_usage_error(interviews_usage, "--case, --entity, --role and --on are required");
		cli_open(&c);
		if ((r = cu_interview_create(c.core, &c.actor, &out, in)) == 0 && !c.json)
			print_interview(out);
	} else if (!strcmp(sub, "list")) {
		cli_operands(argc, argv, 0, interviews_usage);
		cli_open(&c);
		size_t i;
		json_t *v;
		if ((r = cu_interview_list(c.core, &c.actor, &out, in)) == 0 && !c.json)
			json_array_foreach(out, i, v)
				printf("#%-5lld %s  %-8s %-8s %-10s %-6s %s\n",
				       (long long)json_integer_value(json_object_get(v, "id")), cli_str(v, "on"),
				       cli_str(v, "status"), cli_str(v, "role"), cli_str(v, "case_reference"),
				       cli_str(v, "org"), cli_str(v, "entity_label"));
	} else if (!strcmp(sub, "show")) {
		cli_operands(argc, argv, 1, interviews_usage);
		int64_t id = cli_id(interviews_usage, argv[optind], "an interview");
		cli_open(&c);
		if ((r = cu_interview_get(c.core, &c.actor, &out, id)) == 0 && !c.json)
			print_interview(out);
	} else {
		cli_usage_error(interviews_usage, "unknown subcommand \"%s\"", sub);
	}
	if (r == 0 && c.json && out)
		cli_print_json(out);
	json_decref(in);
	json_decref(out);
	cli_close(&c);
	return r ? cli_fail(r) : EXIT_OK;
}
