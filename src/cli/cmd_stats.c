/* SPDX-License-Identifier: Apache-2.0 */
/* cli: custodia stats (figures for annual reporting, reproducible from the ledger). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"

static const char stats_usage[] =
	"usage: custodia stats [--year YYYY] [--json|--csv] [--as-of SIZE]\n"
	"Figures of a year (default: this year): cases opened by crime type and by\n"
	"country, JITs signed and running, requests by kind and status, deadlines met and\n"
	"missed (also by article), meetings held by kind, action days held with their\n"
	"arrests, house searches and seizures completed (a seizure action, or a house\n"
	"search whose outcome links the items it seized as evidence), the evidence items\n"
	"their outcomes link, corrected outcomes, and their actions by kind and\n"
	"status — counting only what the user's organisation sees (an operator\n"
	"administrator gets the hub's totals). Each run names its snapshot: the ledger's\n"
	"tree size, root and checkpoint (a checkpoint of the current tree is signed if\n"
	"needed). --as-of SIZE recomputes the figures as of that ledger size, so that a\n"
	"published table can be reproduced and later differences explained.\n"
	"  --csv        rows year,metric,key,value; a second level goes into the metric:\n"
	"               deadlines.by_article.met,\"<article>\",1\n"
	CLI_COMMON_HELP;

static long long num(const json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

/* One line per key and its count. */
static void print_counts(const char *title, const json_t *obj)
{
	const char *k;
	json_t *v;
	if (!json_object_size(obj))
		return;
	printf("  %s:\n", title);
	json_object_foreach((json_t *)obj, k, v)
		printf("    %-40s %lld\n", k, (long long)json_integer_value(v));
}

/*
 * Counts of counts ({"mla": {"executed": 2}}): the first level on a line of
 * its own, as long as it is (an article's text may run to hundreds of
 * characters), then its second level's counts on one line beneath.
 */
static void print_nested(const char *title, const json_t *obj)
{
	const char *k, *k2;
	json_t *v, *v2;
	if (!json_object_size(obj))
		return;
	printf("  %s:\n", title);
	json_object_foreach((json_t *)obj, k, v) {
		const char *sep = "";
		printf("    %s\n      ", k);
		json_object_foreach(v, k2, v2) {
			printf("%s%s %lld", sep, k2, (long long)json_integer_value(v2));
			sep = ", ";
		}
		printf("\n");
	}
}

static void print_stats(const json_t *s)
{
	const json_t *snap = json_object_get(s, "snapshot"), *cp = json_object_get(snap, "checkpoint");
	const json_t *cs = json_object_get(s, "cases"), *j = json_object_get(s, "jits"),
	             *rq = json_object_get(s, "requests"), *d = json_object_get(s, "deadlines"),
	             *m = json_object_get(s, "meetings"), *ad = json_object_get(s, "action_days");
	printf("statistics %lld (%s)\n", num(s, "year"), cu_json_str(s, "scope"));
	printf("  snapshot: ledger size %lld, root %s, last event %s\n", num(snap, "ledger_size"),
	       cu_json_str(snap, "root"), cu_json_str(snap, "day"));
	if (json_is_object(cp))
		printf("  checkpoint: size %lld signed %s\n", num(cp, "size"), cu_json_str(cp, "at"));
	printf("  (reproduce with: custodia stats --year %lld --as-of %lld)\n", num(s, "year"),
	       num(snap, "ledger_size"));
	printf("cases opened: %lld\n", num(cs, "opened"));
	print_counts("by crime type", json_object_get(cs, "by_crime_type"));
	print_counts("by country", json_object_get(cs, "by_country"));
	printf("JITs signed: %lld, running during the year: %lld\n", num(j, "signed"),
	       num(j, "active"));
	printf("requests issued: %lld\n", num(rq, "issued"));
	print_counts("by kind", json_object_get(rq, "by_kind"));
	print_counts("by status", json_object_get(rq, "by_status"));
	print_nested("by kind and status", json_object_get(rq, "by_kind_and_status"));
	printf("deadlines due: met %lld, missed %lld, open %lld, cancelled %lld\n", num(d, "met"),
	       num(d, "missed"), num(d, "open"), num(d, "cancelled"));
	print_nested("by article", json_object_get(d, "by_article"));
	long long held = 0;
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(m, "by_kind"), k, v)
		held += (long long)json_integer_value(v);
	printf("meetings held: %lld (coordination meetings of cases: %lld)\n", held,
	       num(m, "coordination"));
	print_counts("by kind", json_object_get(m, "by_kind"));
	printf("action days held: %lld; completed: %lld arrests, %lld house searches, "
	       "%lld seizures\n", num(ad, "days"), num(ad, "arrests"), num(ad, "house_searches"),
	       num(ad, "seizures"));
	printf("  evidence items linked by completed actions: %lld; outcomes corrected: %lld\n",
	       num(ad, "evidence_items"), num(ad, "corrections"));
	print_nested("actions by kind and status", json_object_get(ad, "actions"));
}

int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{"year", required_argument, NULL, 'y'}, {"as-of", required_argument, NULL, 'a'},
		{"csv", no_argument, NULL, 'C'}, CLI_COMMON_OPTS, {0}};
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	int year = tm.tm_year + 1900, opt, r;
	long long as_of = 0;
	bool csv = false;
	json_t *out = NULL;
	cli c;
	cli_init(&c);
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common(&c, opt, stats_usage))
			continue;
		switch (opt) {
		case 'y':
			if (cli_int(&year, optarg, 1990, 9999) != 0)
				cli_usage_error(stats_usage, "--year is a year such as 2026");
			break;
		case 'a': {
			char *end;
			as_of = strtoll(optarg, &end, 10);
			if (*end || end == optarg || as_of < 1)
				cli_usage_error(stats_usage, "--as-of is a ledger size (a positive number)");
			break;
		}
		case 'C': csv = true; break;
		}
	}
	cli_operands(argc, argv, 0, stats_usage);
	if (csv && c.json)
		cli_usage_error(stats_usage, "--json and --csv exclude each other");
	cli_open(&c);
	if ((r = cu_stats(c.core, &c.actor, &out, year, as_of)) == 0) {
		if (csv) {
			cu_buf b;
			cu_buf_init(&b, 0);
			if ((r = cu_stats_csv(&b, out)) == 0)
				fwrite(b.data, 1, b.len, stdout);
			cu_buf_free(&b);
		} else if (c.json) {
			cli_print_json(out);
		} else {
			print_stats(out);
		}
	}
	json_decref(out);
	cli_close(&c);
	return r ? cli_fail(r) : EXIT_OK;
}
