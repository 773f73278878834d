/* SPDX-License-Identifier: Apache-2.0 */
/* cli: custodia search and custodia jobs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

static const char search_usage[] =
	"usage: custodia search QUERY [--case REF] [--kind case|entity|evidence|text]\n"
	"                       [--lang L] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--org ORG]\n"
	"                       [--limit N] [--offset N]\n"
	"       custodia search --reindex\n"
	"Searches cases, entities, evidence descriptions and the text extracted from\n"
	"evidence (OCR included) that you may see. QUERY: words (any script: Djordjevic\n"
	"finds Ђорђевић; references such as 2026/0001 as written), \"a phrase\", prefix*,\n"
	"-word (left out of what comes before it), AND, OR, NOT, (groups); a QUERY that\n"
	"begins with a dash comes after -- (custodia search -- -48213). --reindex\n"
	"rebuilds the index from the records (administrators of the operator).\n"
	CLI_COMMON_HELP;

static void print_hit(const json_t *h, bool color)
{
	const char *snip = cu_json_str(h, "snippet_html");
	const char *lang = cu_json_str(h, "lang");
	printf("%-8s %-10s %s%s%s%s\n", cu_json_str(h, "kind"), cu_json_str(h, "case_reference"),
	       cu_json_str(h, "title") ? cu_json_str(h, "title") : "", lang ? "  [" : "",
	       lang ? lang : "", lang ? "]" : "");
	if (!snip || !*snip)
		return;
	/* The snippet with its matches marked, on one line. */
	printf("         ");
	const char *on = color ? "\033[1m" : ">>", *off = color ? "\033[0m" : "<<";
	for (const char *p = snip; *p;) {
		if (!strncmp(p, "<mark>", 6)) {
			fputs(on, stdout);
			p += 6;
		} else if (!strncmp(p, "</mark>", 7)) {
			fputs(off, stdout);
			p += 7;
		} else if (!strncmp(p, "&lt;", 4)) {
			putchar('<'), p += 4;
		} else if (!strncmp(p, "&gt;", 4)) {
			putchar('>'), p += 4;
		} else if (!strncmp(p, "&quot;", 6)) {
			putchar('"'), p += 6;
		} else if (!strncmp(p, "&amp;", 5)) {
			putchar('&'), p += 5;
		} else {
			putchar(*p == '\n' || *p == '\f' ? ' ' : *p);
			p++;
		}
	}
	printf("\n");
}

int cmd_search(int argc, char **argv)
{
	static const struct option opts[] = {
		{"case", required_argument, NULL, 'c'}, {"kind", required_argument, NULL, 'k'},
		{"lang", required_argument, NULL, 'g'}, {"from", required_argument, NULL, 'f'},
		{"to", required_argument, NULL, 't'}, {"org", required_argument, NULL, 'o'},
		{"limit", required_argument, NULL, 'n'}, {"offset", required_argument, NULL, 's'},
		{"reindex", no_argument, NULL, 'R'}, CLI_COMMON_OPTS, {0}};
	cu_search_params p = {0};
	bool reindex = false;
	json_t *out = NULL;
	int opt, r;
	cli c;
	cli_init(&c);
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common(&c, opt, search_usage))
			continue;
		if (optarg && !cu_utf8_valid(optarg, strlen(optarg)))
			cli_usage_error(search_usage, "an argument is not valid UTF-8");
		switch (opt) {
		case 'c': p.case_ref = optarg; break;
		case 'k': p.kind = optarg; break;
		case 'g': p.lang = optarg; break;
		case 'f': p.from = optarg; break;
		case 't': p.to = optarg; break;
		case 'o': p.org = optarg; break;
		case 'n':
			if (cli_int(&p.limit, optarg, 1, 100) != 0)
				cli_usage_error(search_usage, "--limit must be 1-100");
			break;
		case 's':
			if (cli_int(&p.offset, optarg, 0, 10000) != 0)
				cli_usage_error(search_usage, "--offset must be 0-10000");
			break;
		case 'R': reindex = true; break;
		}
	}
	if (reindex) {
		cli_operands(argc, argv, 0, search_usage);
		cli_open(&c);
		if ((r = cu_search_reindex(c.core, &c.actor, &out)) == 0) {
			if (c.json)
				cli_print_json(out);
			else
				printf("indexed %lld cases, %lld items, %lld texts\n",
				       (long long)json_integer_value(json_object_get(out, "cases")),
				       (long long)json_integer_value(json_object_get(out, "items")),
				       (long long)json_integer_value(json_object_get(out, "texts")));
		}
	} else {
		cli_operands(argc, argv, 1, search_usage);
		p.q = argv[optind];
		if (!cu_utf8_valid(p.q, strlen(p.q)))
			cli_usage_error(search_usage, "the query is not valid UTF-8");
		cli_open(&c);
		if ((r = cu_search(c.core, &c.actor, &out, &p)) == 0) {
			if (c.json) {
				cli_print_json(out);
			} else {
				size_t i;
				json_t *h;
				bool color = isatty(STDOUT_FILENO);
				json_array_foreach(json_object_get(out, "items"), i, h)
					print_hit(h, color);
				long long n = json_integer_value(json_object_get(out, "total"));
				printf("%lld result%s\n", n, n == 1 ? "" : "s");
			}
			if (json_is_true(json_object_get(out, "index_outdated")))
				fprintf(stderr, "custodia: note: an older version of custodia built the search"
				        " index, which may miss words this one finds (it reads some scripts, or"
				        " indexes some records, differently); an administrator of the operator"
				        " rebuilds it with"
				        " 'custodia search --reindex'\n");
		}
	}
	json_decref(out);
	cli_close(&c);
	return r ? cli_fail(r) : EXIT_OK;
}

static const char jobs_usage[] =
	"usage: custodia jobs [list] [--state queued|running|done|failed]\n"
	"       custodia jobs run [--once]\n"
	"       custodia jobs retry ID\n"
	"Text extraction (and OCR) of evidence runs as background jobs: in the workers\n"
	"of 'custodia serve', or here with 'jobs run' (until the queue is empty; --once:\n"
	"one job). list shows each job of items you may see, with its progress or error.\n"
	CLI_COMMON_HELP;

int cmd_jobs(int argc, char **argv)
{
	static const struct option opts[] = {{"state", required_argument, NULL, 's'},
	                                     {"once", no_argument, NULL, 'o'}, CLI_COMMON_OPTS,
	                                     {0}};
	const char *state = NULL, *sub = "list";
	bool once = false;
	json_t *out = NULL;
	int opt, r = 0;
	cli c;
	cli_init(&c);
	if (argc > 1 && argv[1][0] != '-')
		sub = cli_subcommand(&argc, &argv, jobs_usage);
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common(&c, opt, jobs_usage))
			continue;
		if (opt == 's')
			state = optarg;
		else if (opt == 'o')
			once = true;
	}
	if (!strcmp(sub, "list")) {
		cli_operands(argc, argv, 0, jobs_usage);
		cli_open(&c);
		if ((r = cu_job_list(c.core, &c.actor, &out, state)) == 0) {
			if (c.json) {
				cli_print_json(out);
			} else {
				size_t i;
				json_t *j;
				json_array_foreach(json_object_get(out, "items"), i, j) {
					printf("#%-5lld %-8s item %-5lld %-10s %s", (long long)json_integer_value(
					       json_object_get(j, "id")), cu_json_str(j, "state"),
					       (long long)json_integer_value(json_object_get(j, "item_id")),
					       cu_json_str(j, "case_reference"), cu_json_str(j, "title"));
					if (cu_json_str(j, "method"))
						printf("  [%s, %s %s, %s, %lld bytes]", cu_json_str(j, "method"),
						       cu_json_str(j, "tool"), cu_json_str(j, "tool_version"),
						       cu_json_str(j, "language") && *cu_json_str(j, "language")
						       ? cu_json_str(j, "language") : "language unknown",
						       (long long)json_integer_value(json_object_get(j, "text_size")));
					if (cu_json_str(j, "error"))
						printf("\n       %s", cu_json_str(j, "error"));
					printf("\n");
				}
			}
		}
	} else if (!strcmp(sub, "run")) {
		int done = 0;
		bool did = true;
		cli_operands(argc, argv, 0, jobs_usage);
		cli_open(&c);
		int requeued = 0;
		r = cu_jobs_recover(c.core, &requeued);
		while (r == 0 && did && (!once || done == 0)) {
			if ((r = cu_jobs_run_one(c.core, "cli", &did)) == 0 && did)
				done++;
		}
		if (r == 0 && c.json) {
			out = json_pack("{s:i}", "ran", done);
			cli_print_json(out);
		} else if (r == 0) {
			printf("%d jobs run\n", done);
		}
	} else if (!strcmp(sub, "retry")) {
		cli_operands(argc, argv, 1, jobs_usage);
		long long id = cli_id(jobs_usage, argv[optind], "a job");
		cli_open(&c);
		if ((r = cu_job_retry(c.core, &c.actor, &out, id)) == 0) {
			if (c.json)
				cli_print_json(out);
			else
				printf("job #%lld queued again\n", id);
		}
	} else {
		cli_usage_error(jobs_usage, "unknown subcommand \"%s\"", sub);
	}
	json_decref(out);
	cli_close(&c);
	return r ? cli_fail(r) : EXIT_OK;
}
