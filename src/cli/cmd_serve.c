/* SPDX-License-Identifier: Apache-2.0 */
/* cli: custodia serve and custodia demo. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "http/http.h"

static const char serve_usage[] =
	"usage: custodia serve [--listen ADDR:PORT] [--threads N] [--workers N]\n"
	"                      [--max-body SIZE] [--max-upload SIZE] [--log-auth]\n"
	"                      [--log-format json|text] [--metrics-public] [--advertise URL]\n"
	"                      [--ready-file FILE] [--data DIR] [--config FILE]\n"
	"Serves the HTTP JSON API under /api/v1 (OpenAPI at /api/v1/openapi.json).\n"
	"SIGTERM or SIGINT stop it cleanly: no new connections, requests in flight\n"
	"finish (within --shutdown-grace), then it exits 0.\n"
	"  --listen ADDR:PORT  numeric address and port 1-65535 to listen on (default\n"
	"                      127.0.0.1:8080; port 0: any free one)\n"
	"  --threads N         server threads (default: one per core)\n"
	"  --max-body SIZE     largest JSON request body, e.g. 1M (default 1M)\n"
	"  --max-upload SIZE   largest evidence file uploaded over HTTP (default 16G)\n"
	"  --ready-file FILE   write the base URL to FILE once listening\n"
	"  --workers N         background workers extracting text for search (default 1;\n"
	"                      0: none, run 'custodia jobs run' instead)\n"
	"  --log-auth          the ledger's checkpoint, tiles and proofs need a bearer token\n"
	"                      (an API token); by default anyone may read them\n"
	"  --advertise URL     the URL other nodes reach this one at, e.g. http://10.0.0.5:8080\n"
	"                      (several nodes: an upload or bundle held here is fetched\n"
	"                      through it; default the listen address unless 0.0.0.0 or ::)\n"
	"  --log-format F      stderr's log lines: json (default, one object a line) or text\n"
	"  --metrics-public    GET /metrics without a token (for a Prometheus on a private\n"
	"                      network); by default an operator administrator's token\n"
	"  --session-ttl S     seconds a login session lasts (default 43200)\n"
	"  --session-idle S    seconds a login session may go unused (default 3600)\n"
	"  --login-limit-account N, --login-limit-address N, --login-window S\n"
	"                      after N failed logins of one account (default 10) or from\n"
	"                      one address (default 100) within S seconds (default 900),\n"
	"                      further logins are refused (429) until the S seconds pass\n"
	"  --shutdown-grace S  after SIGTERM, seconds requests in flight (a download, an\n"
	"                      upload) may take to finish before they are cut off and\n"
	"                      logged (default 30; 0: cut off at once)\n"
	"Each option is also a key of the configuration file and an environment\n"
	"variable (CUSTODIA_LISTEN, CUSTODIA_THREADS, ...: 'custodia config keys').\n"
	CLI_COMMON_HELP;

static const char demo_usage[] =
	"usage: custodia demo [--listen ADDR:PORT] [--extra-cases N] [--no-serve] [--data DIR]\n"
	"Creates the data directory if it is new, loads the demo scenario (three cases,\n"
	"their organisations, JITs and demo users, password 'demo') and serves it on\n"
	"loopback.\n"
	"  --listen ADDR:PORT  loopback address to listen on (default 127.0.0.1:8080)\n"
	"  --extra-cases N     also generate N cases (load tests)\n"
	"  --no-serve          load only, do not serve\n"
	"  --threads N, --workers N, --ready-file FILE, --log-format F,\n"
	"  --shutdown-grace S   as for serve\n"
	CLI_COMMON_HELP;

/* Options without a letter (above the common ones' values). */
enum { OPT_SESSION_TTL = 0x200, OPT_LIMIT_ACCOUNT, OPT_LIMIT_ADDRESS, OPT_LOGIN_WINDOW,
       OPT_SESSION_IDLE, OPT_SHUTDOWN_GRACE };

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
		{"advertise", required_argument, NULL, 'V'},
		{"metrics-public", no_argument, NULL, 'P'},
		{"session-ttl", required_argument, NULL, OPT_SESSION_TTL},
		{"session-idle", required_argument, NULL, OPT_SESSION_IDLE},
		{"login-limit-account", required_argument, NULL, OPT_LIMIT_ACCOUNT},
		{"login-limit-address", required_argument, NULL, OPT_LIMIT_ADDRESS},
		{"login-window", required_argument, NULL, OPT_LOGIN_WINDOW},
		{"shutdown-grace", required_argument, NULL, OPT_SHUTDOWN_GRACE},
		CLI_COMMON_OPTS, {0}};
	const char *usage = demo ? demo_usage : serve_usage;
	cu_server_config cfg = {.listen = "127.0.0.1:8080"};
	int extra = 0, workers = 1, grace, opt, r;
	char why[200];
	bool no_serve = false, flag;
	uint64_t size;
	cli c;
	cli_init(&c);
	/* The environment (and the configuration file through it) first; main
	 * has checked these values, flags below override them. */
	if (cli_env("listen"))
		cfg.listen = cli_env("listen");
	if (cli_env("threads"))
		cli_int(&cfg.threads, cli_env("threads"), 1, 64);
	if (cli_env("workers"))
		cli_int(&workers, cli_env("workers"), 0, 64);
	if (cli_env("max_body") && cli_size(&size, cli_env("max_body")) == 0)
		cfg.max_body = (size_t)size;
	if (cli_env("max_upload"))
		cli_size(&cfg.max_upload, cli_env("max_upload"));
	if (cli_env("log_auth") && cli_bool(&flag, cli_env("log_auth")) == 0)
		cfg.log_auth = flag;
	if (cli_env("log_format"))
		cfg.log_format = cli_env("log_format");
	if (cli_env("advertise"))
		cfg.advertise = cli_env("advertise");
	if (cli_env("metrics_public") && cli_bool(&flag, cli_env("metrics_public")) == 0)
		cfg.metrics_public = flag;
	int ttl = 0, window = 0, idle = 0;
	if (cli_env("session_ttl"))
		cli_int(&ttl, cli_env("session_ttl"), 1, 31 * 86400);
	if (cli_env("session_idle"))
		cli_int(&idle, cli_env("session_idle"), 1, 31 * 86400);
	if (cli_env("login_limit_account"))
		cli_int(&cfg.login_limit_account, cli_env("login_limit_account"), 1, 1000000);
	if (cli_env("login_limit_address"))
		cli_int(&cfg.login_limit_address, cli_env("login_limit_address"), 1, 1000000);
	if (cli_env("login_window"))
		cli_int(&window, cli_env("login_window"), 1, 86400);
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common(&c, opt, usage))
			continue;
		switch (opt) {
		case 'l':
			if (cli_listen(optarg, why, sizeof(why)) != 0)
				cli_usage_error(usage, "--listen %s", why);
			cfg.listen = optarg;
			break;
		case 't':
			if (cli_int(&cfg.threads, optarg, 1, 64) != 0)
				cli_usage_error(usage, "--threads must be 1-64");
			break;
		case 'm':
			if (cli_size(&size, optarg) != 0 || size > SIZE_MAX)
				cli_usage_error(usage, "--max-body must be a size such as 65536, 512K, 1M");
			cfg.max_body = (size_t)size;
			break;
		case 'u':
			if (cli_size(&cfg.max_upload, optarg) != 0)
				cli_usage_error(usage, "--max-upload must be a size such as 512M or 16G");
			break;
		case 'r': cfg.ready_file = optarg; break;
		case 'L': cfg.log_auth = 1; break;
		case 'F':
			if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0)
				cli_usage_error(usage, "--log-format must be json or text");
			cfg.log_format = optarg;
			break;
		case 'P': cfg.metrics_public = 1; break;
		case 'V': {
			size_t len = strlen(optarg);
			if ((strncmp(optarg, "http://", 7) && strncmp(optarg, "https://", 8)) ||
			    (len && optarg[len - 1] == '/'))
				cli_usage_error(usage, "--advertise must be an http:// or https:// URL "
				                "without a trailing slash");
			cfg.advertise = optarg;
			break;
		}
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
		case OPT_SESSION_TTL:
			if (cli_int(&ttl, optarg, 1, 31 * 86400) != 0)
				cli_usage_error(usage, "--session-ttl must be 1-2678400 seconds");
			break;
		case OPT_SESSION_IDLE:
			if (cli_int(&idle, optarg, 1, 31 * 86400) != 0)
				cli_usage_error(usage, "--session-idle must be 1-2678400 seconds");
			break;
		case OPT_LIMIT_ACCOUNT:
			if (cli_int(&cfg.login_limit_account, optarg, 1, 1000000) != 0)
				cli_usage_error(usage, "--login-limit-account must be 1-1000000");
			break;
		case OPT_LIMIT_ADDRESS:
			if (cli_int(&cfg.login_limit_address, optarg, 1, 1000000) != 0)
				cli_usage_error(usage, "--login-limit-address must be 1-1000000");
			break;
		case OPT_LOGIN_WINDOW:
			if (cli_int(&window, optarg, 1, 86400) != 0)
				cli_usage_error(usage, "--login-window must be 1-86400 seconds");
			break;
		case OPT_SHUTDOWN_GRACE:
			/* The server's drain reads the variable (as the file's value, which
			 * main exported there): the flag takes its place. */
			if (cli_int(&grace, optarg, 0, 3600) != 0)
				cli_usage_error(usage, "--shutdown-grace must be 0-3600 seconds");
			setenv("CUSTODIA_SHUTDOWN_GRACE", optarg, 1);
			break;
		}
	}
	cfg.session_ttl = ttl;
	cfg.session_idle = idle;
	cfg.login_window = window;
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
