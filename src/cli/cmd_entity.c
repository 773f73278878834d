/* SPDX-License-Identifier: Apache-2.0 */
/* cli: custodia entity, xref, hits and match (cross-matching). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "match/match.h"

#define IMPORT_MAX ((size_t)256 << 20)

static const char entity_usage[] =
	"usage: custodia entity add --case REF --kind KIND [attributes]\n"
	"       custodia entity list --case REF\n"
	"       custodia entity show ID\n"
	"       custodia entity update ID [attributes]\n"
	"       custodia entity import --case REF FILE [--format csv|ftm] [--skip-invalid]\n"
	"KIND is person, organisation, phone, email, vehicle, vessel, bank_account, wallet,\n"
	"identity_document or place. Attributes:\n"
	"  --name TEXT (repeatable: names and aliases, any script)  --born YYYY[-MM[-DD]]\n"
	"  --nationality CC (repeatable)  --gender male|female|other\n"
	"  --country CC  --number TEXT (phone, document)  --address TEXT (email, wallet, place)\n"
	"  --registration-number TEXT  --plate TEXT  --imo N  --mmsi N  --iban TEXT\n"
	"  --currency TEXT  --doc-type passport|id_card|residence_permit|driving_licence|...\n"
	"  --id TYPE:VALUE[:CC] (repeatable; a person's or organisation's phone, email,\n"
	"     iban, wallet, doc: e.g. --id phone:+381641234567 --id doc:P1234567:RS)\n"
	"  --notes TEXT\n"
	"Adding or changing an entity matches it against every other case at once; its\n"
	"hits are listed by 'custodia hits'. An import checks every row first: with bad\n"
	"rows nothing is imported unless --skip-invalid. CSV: a header row naming the\n"
	"attributes above (names and nationalities separated by ';'). FTM: FollowTheMoney\n"
	"JSON lines (Person, Organization, Company, Vessel, Vehicle, BankAccount,\n"
	"CryptoWallet, Passport, Identification, Address; other schemata are reported).\n"
	CLI_COMMON_HELP;

static void print_entity(const json_t *e)
{
	json_t *attrs = json_object_get(e, "attrs"), *v;
	const char *k;
	printf("entity #%lld  %s  %s\n", (long long)json_integer_value(json_object_get(e, "id")),
	       cu_json_str(e, "kind"), cu_json_str(e, "label"));
	printf("  case:     %s\n", cu_json_str(e, "case_reference"));
	json_object_foreach(attrs, k, v) {
		char *t = json_is_string(v) ? NULL : json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII * 0);
		printf("  %-9s %s\n", k, t ? t : json_string_value(v));
		free(t);
	}
	if (cu_json_str(e, "source"))
		printf("  source:   %s\n", cu_json_str(e, "source"));
	json_t *h = json_object_get(e, "hits_found");
	if (h)
		printf("  matching: %lld candidates examined, %lld new hits, %lld reopened\n",
		       (long long)json_integer_value(json_object_get(h, "examined")),
		       (long long)json_integer_value(json_object_get(h, "found")),
		       (long long)json_integer_value(json_object_get(h, "reopened")));
}

static int read_file(char **out, size_t *len, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	cu_buf b;
	char chunk[65536];
	size_t n;
	int r = 0;
	if (!f)
		return cu_error_set(CU_EINVALID, "cannot open %s: %s", path, strerror(errno));
	cu_buf_init(&b, IMPORT_MAX);
	while (r == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		r = cu_buf_append(&b, chunk, n);
	if (r == 0 && ferror(f))
		r = cu_error_set(CU_EIO, "cannot read %s", path);
	if (f != stdin)
		fclose(f);
	if (r == CU_ETOOBIG)
		r = cu_error_set(r, "%s is larger than %zu MiB", path, IMPORT_MAX >> 20);
	*len = b.len;
	*out = r ? NULL : cu_buf_detach(&b);
	cu_buf_free(&b);
	return r;
}

static void add_list(json_t *in, const char *field, json_t *v)
{
	json_t *a = json_object_get(in, field);
	if (!a)
		json_object_set_new(in, field, a = json_array());
	json_array_append_new(a, v);
}

int cmd_entity(int argc, char **argv)
{
	static const struct option opts[] = {
		{"case", required_argument, NULL, 'c'}, {"kind", required_argument, NULL, 'k'},
		{"name", required_argument, NULL, 'n'}, {"born", required_argument, NULL, 'b'},
		{"nationality", required_argument, NULL, 'N'}, {"gender", required_argument, NULL, 'g'},
		{"country", required_argument, NULL, 'C'}, {"number", required_argument, NULL, '#'},
		{"address", required_argument, NULL, 'a'},
		{"registration-number", required_argument, NULL, 'R'},
		{"plate", required_argument, NULL, 'p'}, {"imo", required_argument, NULL, 'i'},
		{"mmsi", required_argument, NULL, 'm'}, {"iban", required_argument, NULL, 'I'},
		{"currency", required_argument, NULL, 'u'}, {"doc-type", required_argument, NULL, 't'},
		{"id", required_argument, NULL, 'd'}, {"notes", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, 'f'}, {"skip-invalid", no_argument, NULL, 's'},
		CLI_COMMON_OPTS, {0}};
	const char *caseref = NULL, *format = NULL;
	bool skip = false;
	json_t *in, *out = NULL;
	int opt, r = 0;
	cli c;
	cli_init(&c);
	const char *sub = cli_subcommand(&argc, &argv, entity_usage);
	in = json_object();
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common(&c, opt, entity_usage))
			continue;
		if (optarg && !cu_utf8_valid(optarg, strlen(optarg)))
			cli_usage_error(entity_usage, "an argument is not valid UTF-8");
		switch (opt) {
		case 'c': caseref = optarg; break;
		case 'k': json_object_set_new(in, "kind", json_string(optarg)); break;
		case 'n': add_list(in, "names", json_string(optarg)); break;
		case 'b': json_object_set_new(in, "born", json_string(optarg)); break;
		case 'N': add_list(in, "nationalities", json_string(optarg)); break;
		case 'g': json_object_set_new(in, "gender", json_string(optarg)); break;
		case 'C': json_object_set_new(in, "country", json_string(optarg)); break;
		case '#': json_object_set_new(in, "number", json_string(optarg)); break;
		case 'a': json_object_set_new(in, "address", json_string(optarg)); break;
		case 'R': json_object_set_new(in, "registration_number", json_string(optarg)); break;
		case 'p': json_object_set_new(in, "plate", json_string(optarg)); break;
		case 'i': json_object_set_new(in, "imo", json_string(optarg)); break;
		case 'm': json_object_set_new(in, "mmsi", json_string(optarg)); break;
		case 'I': json_object_set_new(in, "iban", json_string(optarg)); break;
		case 'u': json_object_set_new(in, "currency", json_string(optarg)); break;
		case 't': json_object_set_new(in, "doc_type", json_string(optarg)); break;
		case 'o': json_object_set_new(in, "notes", json_string(optarg)); break;
		case 'f': format = optarg; break;
		case 's': skip = true; break;
		case 'd': {
			/* TYPE:VALUE[:CC] — the value may hold colons only before a country. */
			char buf[400];
			snprintf(buf, sizeof(buf), "%s", optarg);
			char *val = strchr(buf, ':'), *cc = NULL;
			if (!val)
				cli_usage_error(entity_usage, "--id takes TYPE:VALUE[:CC]");
			*val++ = '\0';
			char *last = strrchr(val, ':');
			if (last && strlen(last + 1) == 2) {
				*last = '\0';
				cc = last + 1;
			}
			add_list(in, "identifiers",
			         json_pack("{s:s, s:s, s:s?}", "type", buf, "value", val, "country", cc));
			break;
		}
		}
	}
	if (!strcmp(sub, "add")) {
		int64_t case_id;
		cli_operands(argc, argv, 0, entity_usage);
		if (!caseref || !json_object_get(in, "kind"))
			cli_usage_error(entity_usage, "--case and --kind are required");
		cli_open(&c);
		if ((r = cu_case_resolve(c.core, &c.actor, &case_id, caseref)) == 0 &&
		    (r = cu_entity_create(c.core, &c.actor, &out, case_id, in)) == 0 && !c.json)
			print_entity(out);
	} else if (!strcmp(sub, "list")) {
		int64_t case_id;
		size_t i;
		json_t *v;
		cli_operands(argc, argv, 0, entity_usage);
		if (!caseref)
			cli_usage_error(entity_usage, "--case is required");
		cli_open(&c);
		if ((r = cu_case_resolve(c.core, &c.actor, &case_id, caseref)) == 0 &&
		    (r = cu_entity_list(c.core, &c.actor, &out, case_id)) == 0 && !c.json)
			json_array_foreach(out, i, v)
				printf("#%-6lld %-18s %s\n",
				       (long long)json_integer_value(json_object_get(v, "id")),
				       cu_json_str(v, "kind"), cu_json_str(v, "label"));
	} else if (!strcmp(sub, "show")) {
		cli_operands(argc, argv, 1, entity_usage);
		int64_t id = cli_id(entity_usage, argv[optind], "an entity");
		cli_open(&c);
		if ((r = cu_entity_get(c.core, &c.actor, &out, id)) == 0 && !c.json)
			print_entity(out);
	} else if (!strcmp(sub, "update")) {
		cli_operands(argc, argv, 1, entity_usage);
		int64_t id = cli_id(entity_usage, argv[optind], "an entity");
		cli_open(&c);
		if ((r = cu_entity_update(c.core, &c.actor, &out, id, in)) == 0 && !c.json)
			print_entity(out);
	} else if (!strcmp(sub, "import")) {
		int64_t case_id;
		char *data = NULL;
		size_t len = 0;
		cli_operands(argc, argv, 1, entity_usage);
		if (!caseref)
			cli_usage_error(entity_usage, "--case is required");
		const char *path = argv[optind];
		if (!format) {
			size_t pl = strlen(path);
			format = pl > 4 && !strcmp(path + pl - 4, ".csv") ? "csv" : "ftm";
		}
		if (strcmp(format, "csv") && strcmp(format, "ftm"))
			cli_usage_error(entity_usage, "--format is csv or ftm");
		cli_open(&c);
		if ((r = read_file(&data, &len, path)) == 0 &&
		    (r = cu_case_resolve(c.core, &c.actor, &case_id, caseref)) == 0) {
			char msg[512];
			r = cu_entity_import(c.core, &c.actor, &out, case_id, format, data, len, skip);
			snprintf(msg, sizeof(msg), "%s", r ? cu_error_message(r) : "");
			if (out && !c.json) {
				size_t i;
				json_t *v, *u = json_object_get(out, "unsupported");
				const char *k;
				json_array_foreach(json_object_get(out, "errors"), i, v)
					fprintf(stderr, "row %lld: %s\n",
					        (long long)json_integer_value(json_object_get(v, "row")),
					        cu_json_str(v, "error"));
				/* A schema's name, or what of an entity was left out and why. */
				json_object_foreach(u, k, v)
					printf("not imported: %lld %s%s\n", (long long)json_integer_value(v), k,
					       strchr(k, ' ') ? "" : " (a schema custodia does not match)");
				printf("imported %lld entities, %lld invalid rows, %lld new hits\n",
				       (long long)json_integer_value(json_object_get(out, "imported")),
				       (long long)json_integer_value(json_object_get(out, "invalid")),
				       (long long)json_integer_value(json_object_get(out, "hits_found")));
			} else if (out && c.json) {
				cli_print_json(out);
			}
			if (r)
				cu_error_set(r, "%s", msg);
		}
		free(data);
		/* The report is printed above, whatever the outcome. */
		json_decref(out);
		out = NULL;
	} else {
		cli_usage_error(entity_usage, "unknown subcommand \"%s\"", sub);
	}
	if (r == 0 && c.json && out)
		cli_print_json(out);
	json_decref(in);
	json_decref(out);
	cli_close(&c);
	return r ? cli_fail(r) : EXIT_OK;
}

/* ---- xref and hits ------------------------------------------------------ */

static const char xref_usage[] =
	"usage: custodia xref [--case REF]\n"
	"Matches the entities of a case again against every other case (without --case:\n"
	"the whole population, for administrators of the operator), e.g. after the\n"
	"threshold changed. Entities are matched as they are added anyway. The whole\n"
	"population's run first normalises again the names an older version of custodia\n"
	"normalised (run it after an upgrade).\n"
	CLI_COMMON_HELP;

int cmd_xref(int argc, char **argv)
{
	static const struct option opts[] = {{"case", required_argument, NULL, 'c'},
	                                     CLI_COMMON_OPTS, {0}};
	const char *caseref = NULL;
	json_t *out = NULL;
	int64_t case_id = 0;
	int opt, r = 0;
	cli c;
	cli_init(&c);
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common(&c, opt, xref_usage))
			continue;
		if (opt == 'c')
			caseref = optarg;
	}
	cli_operands(argc, argv, 0, xref_usage);
	cli_open(&c);
	if (caseref)
		r = cu_case_resolve(c.core, &c.actor, &case_id, caseref);
	if (r == 0 && (r = cu_xref(c.core, &c.actor, &out, case_id)) == 0) {
		if (c.json)
			cli_print_json(out);
		else if (json_integer_value(json_object_get(out, "renormalised")))
			printf("%lld entities normalised again by this version's matcher\n",
			       (long long)json_integer_value(json_object_get(out, "renormalised")));
		if (!c.json)
			printf("%lld entities matched at threshold %.2f: %lld candidates examined,"
			       " %lld new hits, %lld reopened, %lld lapsed\n",
			       (long long)json_integer_value(json_object_get(out, "entities")),
			       json_real_value(json_object_get(out, "threshold")),
			       (long long)json_integer_value(json_object_get(out, "examined")),
			       (long long)json_integer_value(json_object_get(out, "found")),
			       (long long)json_integer_value(json_object_get(out, "reopened")),
			       (long long)json_integer_value(json_object_get(out, "lapsed")));
	}
	json_decref(out);
	cli_close(&c);
	return r ? cli_fail(r) : EXIT_OK;
}

static const char hits_usage[] =
	"usage: custodia hits [--case REF] [--review new|confirmed|dismissed]\n"
	"       custodia hits show ID\n"
	"       custodia hits confirm ID [--note TEXT]\n"
	"       custodia hits dismiss ID [--note TEXT]\n"
	"       custodia hits request-access ID [--message TEXT]\n"
	"Hits between your cases and others'. For a case you cannot see, a hit shows only\n"
	"the organisation and the kind of attribute; ask for access with request-access\n"
	"(answered by adding your organisation to that case). A dismissed hit comes back\n"
	"only if one of its entities changes.\n"
	CLI_COMMON_HELP;

static void print_side(const char *tag, const json_t *s)
{
	if (!json_is_true(json_object_get(s, "visible"))) {
		printf("  %s: a case of %s (not visible to you)\n", tag, cu_json_str(s, "org"));
		return;
	}
	json_t *e = json_object_get(s, "entity");
	printf("  %s: %s (%s)  entity #%lld %s \"%s\"  review: %s\n", tag, cu_json_str(s, "case"),
	       cu_json_str(s, "org"), (long long)json_integer_value(json_object_get(e, "id")),
	       cu_json_str(e, "kind"), cu_json_str(e, "label"), cu_json_str(s, "review"));
}

static void print_hit(const json_t *h, bool detail)
{
	printf("hit #%lld  on %s  %s", (long long)json_integer_value(json_object_get(h, "id")),
	       cu_json_str(h, "attr"), cu_json_str(h, "review"));
	if (json_object_get(h, "score"))
		printf("  score %.2f: %s", json_real_value(json_object_get(h, "score")),
		       cu_json_str(h, "explanation"));
	printf("\n");
	print_side("a", json_object_get(h, "a"));
	print_side("b", json_object_get(h, "b"));
	if (detail) {
		size_t i;
		json_t *q;
		json_array_foreach(json_object_get(h, "access_requests"), i, q)
			printf("  access requested by %s (%s) on %s%s%s\n", cu_json_str(q, "from_org"),
			       cu_json_str(q, "requested_by"), cu_json_str(q, "requested_at"),
			       cu_json_str(q, "status") ? ": " : "",
			       cu_json_str(q, "status") ? cu_json_str(q, "status") : "");
	}
}

int cmd_hits(int argc, char **argv)
{
	static const struct option opts[] = {
		{"case", required_argument, NULL, 'c'}, {"review", required_argument, NULL, 'r'},
		{"note", required_argument, NULL, 'n'}, {"message", required_argument, NULL, 'm'},
		CLI_COMMON_OPTS, {0}};
	const char *caseref = NULL, *review = NULL, *note = NULL, *sub = "list";
	json_t *out = NULL;
	int opt, r = 0;
	cli c;
	cli_init(&c);
	/* "custodia hits" alone lists; a first word that is no option is a subcommand. */
	if (argc > 1 && argv[1][0] != '-')
		sub = cli_subcommand(&argc, &argv, hits_usage);
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common(&c, opt, hits_usage))
			continue;
		if (optarg && !cu_utf8_valid(optarg, strlen(optarg)))
			cli_usage_error(hits_usage, "an argument is not valid UTF-8");
		switch (opt) {
		case 'c': caseref = optarg; break;
		case 'r': review = optarg; break;
		case 'n': case 'm': note = optarg; break;
		}
	}
	if (!strcmp(sub, "list")) {
		int64_t case_id = 0;
		size_t i;
		json_t *v;
		cli_operands(argc, argv, 0, hits_usage);
		cli_open(&c);
		if (caseref)
			r = cu_case_resolve(c.core, &c.actor, &case_id, caseref);
		if (r == 0 && (r = cu_hit_list(c.core, &c.actor, &out, case_id, review, 0, 0)) == 0 &&
		    !c.json) {
			json_array_foreach(out, i, v)
				print_hit(v, false);
			if (json_array_size(out) == 0)
				printf("no hits\n");
		}
	} else if (!strcmp(sub, "show") || !strcmp(sub, "confirm") || !strcmp(sub, "dismiss") ||
	           !strcmp(sub, "request-access")) {
		cli_operands(argc, argv, 1, hits_usage);
		int64_t id = cli_id(hits_usage, argv[optind], "a hit");
		cli_open(&c);
		if (!strcmp(sub, "show"))
			r = cu_hit_get(c.core, &c.actor, &out, id);
		else if (!strcmp(sub, "request-access"))
			r = cu_hit_request_access(c.core, &c.actor, &out, id, note);
		else
			r = cu_hit_review(c.core, &c.actor, &out, id,
			                  !strcmp(sub, "confirm") ? "confirmed" : "dismissed", note);
		if (r == 0 && !c.json)
			print_hit(out, true);
	} else {
		cli_usage_error(hits_usage, "unknown subcommand \"%s\"", sub);
	}
	if (r == 0 && c.json)
		cli_print_json(out);
	json_decref(out);
	cli_close(&c);
	return r ? cli_fail(r) : EXIT_OK;
}

/* ---- match -------------------------------------------------------------- */

static const char match_usage[] =
	"usage: custodia match pairs FILE.csv [--threshold T]\n"
	"       custodia match threshold [T]\n"
	"pairs reads rows name_a,name_b[,label] (label 1: same person, 0: not; a header\n"
	"row is skipped) and prints each pair's score and verdict at the threshold (the\n"
	"configured one, or T), then precision, recall and F1 when labels are present.\n"
	"threshold shows the configured threshold, or sets it (operator administrators).\n"
	CLI_COMMON_HELP;

typedef struct pairs_ctx {
	json_t *pairs;
	long bad;
} pairs_ctx;

/* name_a,name_b[,label]: a header row (a label that is no 0/1) is skipped. */
static int pair_row(void *ctx, long row, const char *const *f, size_t n)
{
	pairs_ctx *p = ctx;
	json_t *label = NULL;
	if (n < 2 || n > 3) {
		fprintf(stderr, "row %ld: expected name_a,name_b[,label]\n", row);
		p->bad++;
		return 0;
	}
	if (n == 3) {
		if (!strcmp(f[2], "1") || !strcasecmp(f[2], "true"))
			label = json_true();
		else if (!strcmp(f[2], "0") || !strcasecmp(f[2], "false"))
			label = json_false();
		else if (row == 1)
			return 0;
		else {
			fprintf(stderr, "row %ld: label must be 1 or 0\n", row);
			p->bad++;
			return 0;
		}
	} else if (row == 1 && !strcmp(f[0], "name_a")) {
		return 0;
	}
	if (!cu_utf8_valid(f[0], strlen(f[0])) || !cu_utf8_valid(f[1], strlen(f[1]))) {
		fprintf(stderr, "row %ld: not valid UTF-8\n", row);
		json_decref(label);
		p->bad++;
		return 0;
	}
	json_array_append_new(p->pairs, json_pack("{s:s, s:s, s:o?}", "a", f[0], "b", f[1],
	                                          "label", label));
	return 0;
}

int cmd_match(int argc, char **argv)
{
	static const struct option opts[] = {{"threshold", required_argument, NULL, 't'},
	                                     CLI_COMMON_OPTS, {0}};
	const char *targ = NULL;
	int opt, r = 0;
	cli c;
	cli_init(&c);
	const char *sub = cli_subcommand(&argc, &argv, match_usage);
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common(&c, opt, match_usage))
			continue;
		if (opt == 't')
			targ = optarg;
	}
	double t = 0;
	if (targ) {
		char *end;
		t = strtod(targ, &end);
		if (*end || !(t > 0 && t <= 1))
			cli_usage_error(match_usage, "--threshold is a number in (0, 1]");
	}
	if (!strcmp(sub, "pairs")) {
		pairs_ctx p = {.pairs = json_array()};
		json_t *out = NULL;
		char *data = NULL;
		size_t len;
		cli_operands(argc, argv, 1, match_usage);
		/* The configured threshold if there is a data directory. */
		const char *d = c.data ? c.data : getenv("CUSTODIA_DATA");
		if (!targ && cu_core_initialised(d ? d : "./custodia-data"))
			cli_open(&c);
		if ((r = read_file(&data, &len, argv[optind])) == 0 &&
		    (r = cu_csv_rows(data, len, pair_row, &p)) == 0 &&
		    (r = cu_match_pairs(c.core, &out, p.pairs, targ ? t : 0)) == 0) {
			json_t *ev = json_object_get(out, "evaluation"), *v;
			size_t i;
			if (c.json) {
				cli_print_json(out);
			} else {
				json_array_foreach(json_object_get(out, "pairs"), i, v) {
					json_t *lab = json_object_get(v, "label");
					bool m = json_is_true(json_object_get(v, "match"));
					if (cu_json_str(v, "error")) {
						printf("-\tunscored\t%s\t%s\t(%s)\n", cu_json_str(v, "a"),
						       cu_json_str(v, "b"), cu_json_str(v, "error"));
						continue;
					}
					printf("%.3f\t%s\t%s\t%s%s\n", json_real_value(json_object_get(v, "score")),
					       m ? "match" : "no-match", cu_json_str(v, "a"), cu_json_str(v, "b"),
					       lab && json_is_true(lab) != m ? "\t(wrong)" : "");
				}
				if (ev)
					printf("threshold %.2f: TP %lld FP %lld FN %lld TN %lld\n"
					       "precision %.3f  recall %.3f  F1 %.3f\n",
					       json_real_value(json_object_get(out, "threshold")),
					       (long long)json_integer_value(json_object_get(ev, "tp")),
					       (long long)json_integer_value(json_object_get(ev, "fp")),
					       (long long)json_integer_value(json_object_get(ev, "fn")),
					       (long long)json_integer_value(json_object_get(ev, "tn")),
					       json_real_value(json_object_get(ev, "precision")),
					       json_real_value(json_object_get(ev, "recall")),
					       json_real_value(json_object_get(ev, "f1")));
			}
			json_int_t unscored = json_integer_value(json_object_get(out, "unscored"));
			if (p.bad)
				r = cu_error_set(CU_EINVALID, "%ld rows could not be read", p.bad);
			else if (unscored)
				r = cu_error_set(CU_EINVALID, "%lld pair%s could not be scored (each says why);"
				                 " the evaluation leaves %s out", (long long)unscored,
				                 unscored == 1 ? "" : "s", unscored == 1 ? "it" : "them");
		}
		free(data);
		json_decref(out);
		json_decref(p.pairs);
		cu_match_thread_done();
	} else if (!strcmp(sub, "threshold")) {
		if (argc - optind > 1)
			cli_usage_error(match_usage, "threshold takes at most one value");
		if (argc - optind == 1) {
			char *end;
			t = strtod(argv[optind], &end);
			if (*end)
				cli_usage_error(match_usage, "the threshold is a number");
		}
		cli_open(&c);
		if (argc - optind == 1)
			r = cu_match_threshold_set(c.core, &c.actor, t);
		if (r == 0) {
			if (c.json) {
				json_t *o = json_pack("{s:f}", "threshold", cu_match_threshold(c.core));
				cli_print_json(o);
				json_decref(o);
			} else {
				printf("%.4g\n", cu_match_threshold(c.core));
			}
		}
	} else {
		cli_usage_error(match_usage, "unknown subcommand \"%s\"", sub);
	}
	cli_close(&c);
	return r ? cli_fail(r) : EXIT_OK;
}
