/* SPDX-License-Identifier: Apache-2.0 */
/* cli: custodia serve and custodia demo. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "http/http.h"

static int parse_size(size_t *out, const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (end == s)
		return -1;
	if (*end == 'k' || *end == 'K')
		v <<= 10, end++;
	else if (*end == 'm' || *end == 'M')
		v <<= 20, end++;
	else if (*end == 'g' || *end == 'G')
		v <<= 30, end++;
	if (*end || v == 0)
		return -1;
	*out = (size_t)v;
	return 0;
}

static const char serve_usage[] =
	"usage: custodia serve [--listen ADDR:PORT] [--threads N] [--max-body SIZE]\n"
	"                      [--ready-file FILE] [--log-format json|text] [--metrics-public]\n"
	"                      [--data DIR]\n"
	"Serves the HTTP JSON API under /api/v1 (OpenAPI at /api/v1/openapi.json).\n"
	"SIGTERM or SIGINT stop it cleanly.\n"
	"  --listen ADDR:PORT  address to listen on (default 127.0.0.1:8080; port 0: any free)\n"
	"  --threads N         server threads (default: one per core)\n"
	"  --max-body SIZE     largest JSON request body, e.g. 1M (default 1M)\n"
	"  --max-upload SIZE   largest evidence file uploaded over HTTP (default 16G)\n"
	"  --ready-file FILE   write the base URL to FILE once listening\n"
	"  --workers N         background workers extracting text for search (default 1;\n"
	"                      0: none, run 'custodia jobs run' instead)\n"
	"  --log-auth          the ledger's checkpoint, tiles and proofs need a bearer token\n"
	"                      (an auditor's API token); by default anyone may read them\n"
	"  --log-format F      stderr's log lines: json (default, one object a line) or text\n"
	"  --metrics-public    GET /metrics without a token (for a Prometheus on a private\n"
	"                      network); by default an operator administrator's token\n"
	CLI_COMMON_HELP;

static const char demo_usage[] =
	"usage: custodia demo [--listen ADDR:PORT] [--extra-cases N] [--no-serve] [--data DIR]\n"
	"Creates the data directory if it is new, loads the demo scenario (three cases,\n"
	"their organisations, JITs and demo users, password 'demo') and serves it on\n"
	"loopback.\n"
	"  --listen ADDR:PORT  loopback address to listen on (default 127.0.0.1:8080)\n"
	"  --extra-cases N     also generate N cases (load tests)\n"
	"  --no-serve          load only, do not serve\n"
	"  --threads N, --workers N, --ready-file FILE, --log-format F   as for serve\n"
	CLI_COMMON_HELP;

static int serve(int argc, char **argv, bool demo)
{
	static const struct option opts[] = {
		{"listen", required_argument, NULL, 'l'}, {"threads", required_argument, NULL, 't'},
		{"max-body", required_argument, NULL, 'm'},
		{"max-upload", required_argument, NULL, 'u'},
		{"ready-file", required_argument, NULL, 'r'},
		{"extra-cases", required_argument, NULL, 'x'}, {"no-serve", no_argument, NULL, 'n'},
		{"log-auth", no_argument, NULL, 'L'}, {"workers", required_argument, NULL, 'w'},
		{"log-format", required_argument, NULL, 'F'},
		{"metrics-public", no_argument, NULL, 'P'},
		CLI_COMMON_OPTS, {0}};
	const char *usage = demo ? demo_usage : serve_usage;
	cu_server_config cfg = {.listen = "127.0.0.1:8080"};
	int extra = 0, workers = 1, opt, r;
	bool no_serve = false;
	cli c;
	cli_init(&c);
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common(&c, opt, usage))
			continue;
		switch (opt) {
		case 'l': cfg.listen = optarg; break;
		case 't':
			if (cli_int(&cfg.threads, optarg, 1, 64) != 0)
				cli_usage_error(usage, "--threads must be 1-64");
			break;
		case 'm':
			if (parse_size(&cfg.max_body, optarg) != 0)
				cli_usage_error(usage, "--max-body must be a size such as 65536, 512K, 1M");
			break;
		case 'u': {
			size_t v;
			if (parse_size(&v, optarg) != 0)
				cli_usage_error(usage, "--max-upload must be a size such as 512M or 16G");
			cfg.max_upload = v;
			break;
		}
		case 'r': cfg.ready_file = optarg; break;
		case 'L': cfg.log_auth = 1; break;
		case 'F':
			if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0)
				cli_usage_error(usage, "--log-format must be json or text");
			cfg.log_format = optarg;
			break;
		case 'P': cfg.metrics_public = 1; break;
		case 'w':
			if (cli_int(&workers, optarg, 0, 64) != 0)
				cli_usage_error(usage, "--workers must be 0-64");
			break;
		case 'x':
			if (!demo)
				cli_usage_error(usage, "--extra-cases is a demo option");
			if (cli_int(&extra, optarg, 0, 1000000) != 0)
				cli_usage_error(usage, "--extra-cases must be 0-1000000");
			break;
		case 'n':
			if (!demo)
				cli_usage_error(usage, "--no-serve is a demo option");
			no_serve = true;
			break;
		}
	}
	cli_operands(argc, argv, 0, usage);
	cfg.datadir = c.data;
	if (demo) {
		cu_core *core;
		cu_core_config cc = {.datadir = c.data};
		if (strncmp(cfg.listen, "127.", 4) != 0 && strncmp(cfg.listen, "[::1]:", 6) != 0)
			cli_usage_error(usage, "the demo listens on loopback only (127.0.0.0/8 or [::1])");
		if (!cu_core_initialised(c.data) && (r = cu_core_init(c.data, "admin", "demo")) != 0)
			return cli_fail(r);
		if ((r = cu_core_open(&core, &cc)) != 0)
			return cli_fail(r);
		r = cu_demo_load(core, extra);
		cu_core_close(core);
		if (r)
			return cli_fail(r);
		printf("custodia demo: data in %s\n"
		       "logins (password \"demo\"): se, se-admin, se-analyst, se-observer, rs, me, lt,\n"
		       "  fr, ua, icc, interpol, unitad, ... (every organisation code in lower case,\n"
		       "  and CODE-admin); operator administrator: admin\n", c.data);
		fflush(stdout);
		if (no_serve)
			return EXIT_OK;
	}
	/* Text extraction runs beside the server, on its own connections. */
	cu_workers *w = NULL;
	cu_core_config wc = {.datadir = c.data};
	if (workers > 0 && cu_core_initialised(c.data) && (r = cu_workers_start(&w, &wc, workers)) != 0)
		return cli_fail(r);
	r = cu_http_serve(&cfg);
	cu_workers_stop(w);
	return r ? cli_fail(r) : EXIT_OK;
}

int cmd_serve(int argc, char **argv)
{
	return serve(argc, argv, false);
}

int cmd_demo(int argc, char **argv)
{
	return serve(argc, argv, true);
}
