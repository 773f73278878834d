/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli: the configuration file. Every key has an environment variable and a
 * flag; a flag beats the environment, which beats the file, which beats the
 * default. The file is read once, before any command runs, and each key it
 * sets whose environment variable is unset is exported to the environment:
 * from there every command reads it exactly as if the operator had set it.
 *
 *   # /etc/custodia/custodia.conf
 *   data = /var/lib/custodia
 *   listen = 127.0.0.1:8080
 *
 * One "key = value" per line; blank lines are fine. '#' starts a comment:
 * a whole line, or the rest of a line after a blank ("threads = 4  # cores"),
 * as in most configuration files; a '#' inside a word ("/srv/a#b") is kept.
 * A value in double quotes is taken as written up to its closing quote, '#'
 * and blanks included. An unknown key, a repeated key or a value of the
 * wrong form is an error naming the line.
 */
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli/cli.h"

enum conf_type { T_PATH, T_DB, T_BLOBS, T_LISTEN, T_INT, T_SIZE, T_BOOL, T_WORD, T_URL };

static const struct conf_key {
	const char *key, *env, *flag;
	enum conf_type type;
	long min, max;         /* T_INT */
	const char *choices;   /* T_WORD: space-separated */
	const char *help;
} conf_keys[] = {
	{"data", "CUSTODIA_DATA", "--data", T_PATH, 0, 0, NULL,
	 "the data directory (default ./custodia-data)"},
	{"db", "CUSTODIA_DB", "--db", T_DB, 0, 0, NULL,
	 "records in PostgreSQL: postgresql://USER@HOST[:PORT]/[DB] (at init; then recorded)"},
	{"blobs", "CUSTODIA_BLOBS", "--blobs", T_BLOBS, 0, 0, NULL,
	 "evidence blob store: file:///DIR or s3://BUCKET/PREFIX?endpoint=URL (default DATA/blobs)"},
	{"master_passphrase_file", "CUSTODIA_MASTER_PASSPHRASE_FILE", "--master-passphrase-file",
	 T_PATH, 0, 0, NULL, "the file holding a sealed master key's passphrase (docs/keys.md)"},
	{"pkcs11_pin_file", "CUSTODIA_PKCS11_PIN_FILE", "--pkcs11-pin-file", T_PATH, 0, 0, NULL,
	 "the file holding the PIN of a PKCS#11 token's master key (docs/keys.md)"},
	{"listen", "CUSTODIA_LISTEN", "--listen", T_LISTEN, 0, 0, NULL,
	 "serve: address to listen on, ADDR:PORT (default 127.0.0.1:8080)"},
	{"advertise", "CUSTODIA_ADVERTISE", "--advertise", T_URL, 0, 0, NULL,
	 "serve: the URL other nodes reach this one at (default: the listen address)"},
	{"threads", "CUSTODIA_THREADS", "--threads", T_INT, 1, 64, NULL,
	 "serve: server threads (default one per core)"},
	{"workers", "CUSTODIA_WORKERS", "--workers", T_INT, 0, 64, NULL,
	 "serve: background text-extraction workers (default 1)"},
	{"max_body", "CUSTODIA_MAX_BODY", "--max-body", T_SIZE, 0, 0, NULL,
	 "serve: largest JSON request body, e.g. 1M"},
	{"max_upload", "CUSTODIA_MAX_UPLOAD", "--max-upload", T_SIZE, 0, 0, NULL,
	 "serve: largest evidence file uploaded over HTTP, e.g. 16G"},
	{"log_auth", "CUSTODIA_LOG_AUTH", "--log-auth", T_BOOL, 0, 0, NULL,
	 "serve: the ledger's checkpoint, tiles and proofs need an API token"},
	{"log_format", "CUSTODIA_LOG_FORMAT", "--log-format", T_WORD, 0, 0, "json text",
	 "serve: stderr's log lines, json (one object a line) or text"},
	{"metrics_public", "CUSTODIA_METRICS_PUBLIC", "--metrics-public", T_BOOL, 0, 0, NULL,
	 "serve: GET /metrics without a token (default: an operator administrator's)"},
	{"session_ttl", "CUSTODIA_SESSION_TTL", "--session-ttl", T_INT, 1, 31 * 86400, NULL,
	 "serve: seconds a login session lasts (default 43200, 12 hours)"},
	{"session_idle", "CUSTODIA_SESSION_IDLE", "--session-idle", T_INT, 1, 31 * 86400, NULL,
	 "serve: seconds a login session may go unused before it ends (default 3600)"},
	{"login_limit_account", "CUSTODIA_LOGIN_LIMIT_ACCOUNT", "--login-limit-account", T_INT, 1,
	 1000000, NULL, "serve: failed logins of one account per window before refusal (default 10)"},
	{"login_limit_address", "CUSTODIA_LOGIN_LIMIT_ADDRESS", "--login-limit-address", T_INT, 1,
	 1000000, NULL, "serve: failed logins from one address per window before refusal "
	 "(default 100)"},
	{"login_window", "CUSTODIA_LOGIN_WINDOW", "--login-window", T_INT, 1, 86400, NULL,
	 "serve: seconds failed logins are counted over (default 900)"},
	{"shutdown_grace", "CUSTODIA_SHUTDOWN_GRACE", "--shutdown-grace", T_INT, 0, 3600, NULL,
	 "serve: seconds requests in flight may take to finish after SIGTERM (default 30)"},
};
#define NKEYS (sizeof(conf_keys) / sizeof(conf_keys[0]))

int cli_size(uint64_t *out, const char *s)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	int shift = 0;
	if (end == s || *s == '-' || errno)
		return -1;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	}
	if (*end || v == 0 || v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

int cli_bool(bool *out, const char *s)
{
	static const char *const yes[] = {"true", "yes", "on", "1"}, *const no[] = {"false", "no", "off", "0"};
	for (size_t i = 0; i < 4; i++) {
		if (!strcmp(s, yes[i]))
			return *out = true, 0;
		if (!strcmp(s, no[i]))
			return *out = false, 0;
	}
	return -1;
}

int cli_listen(const char *v, char *why, size_t n)
{
	char host[256];
	const char *colon = strrchr(v, ':'), *port;
	unsigned long p = 0;
	if (!colon || colon == v || (size_t)(colon - v) >= sizeof(host))
		return snprintf(why, n, "must be ADDR:PORT, e.g. 127.0.0.1:8080"), -1;
	/* Digits only: strtol would take " 80", "+80" or "-0", and the server's
	 * getaddrinfo keeps the low 16 bits of 99999 (port 34463). */
	port = colon + 1;
	size_t digits = strspn(port, "0123456789");
	if (digits == 0 || port[digits] || digits > 5 || (p = strtoul(port, NULL, 10)) > 65535)
		return snprintf(why, n,
		                "must end in a port from 1 to 65535 (or 0: any free port),"
		                " not \"%s\"",
		                port),
		       -1;
	memcpy(host, v, (size_t)(colon - v));
	host[colon - v] = '\0';
	size_t hl = strlen(host);
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		memmove(host, host + 1, hl - 2);
		host[hl - 2] = '\0';
	}
	/* The server's own rule for the address: numeric, IPv4 or IPv6. */
	struct addrinfo hints = {.ai_flags = AI_NUMERICHOST, .ai_socktype = SOCK_STREAM}, *res;
	if (getaddrinfo(host, NULL, &hints, &res) != 0)
		return snprintf(why, n,
		                "must begin with a numeric address (127.0.0.1, 0.0.0.0, [::1]),"
		                " not \"%s\"",
		                host),
		       -1;
	freeaddrinfo(res);
	return 0;
}

/* Checks a value against its key's form; on error writes why into err. */
static int check_value(const struct conf_key *k, const char *v, char *err, size_t n)
{
	uint64_t size;
	bool b;
	int i;
	switch (k->type) {
	case T_PATH:
		if (!*v)
			return snprintf(err, n, "%s needs a path", k->key), -1;
		return 0;
	case T_DB:
		if (strncmp(v, "postgresql://", 13) && strncmp(v, "postgres://", 11))
			return snprintf(err, n, "%s must be a postgresql:// URL", k->key), -1;
		return 0;
	case T_BLOBS:
		if (strncmp(v, "file:///", 8) && strncmp(v, "s3://", 5))
			return snprintf(err, n, "%s must be file:///DIR or s3://BUCKET/PREFIX?...", k->key),
			       -1;
		return 0;
	case T_LISTEN: {
		char why[200];
		if (cli_listen(v, why, sizeof(why)) != 0)
			return snprintf(err, n, "%s %s", k->key, why), -1;
		return 0;
	}
	case T_INT:
		if (cli_int(&i, v, (int)k->min, (int)k->max) != 0)
			return snprintf(err, n, "%s must be a whole number from %ld to %ld", k->key,
			                k->min, k->max), -1;
		return 0;
	case T_SIZE:
		if (cli_size(&size, v) != 0)
			return snprintf(err, n, "%s must be a size such as 65536, 512K, 16M or 2G", k->key),
			       -1;
		return 0;
	case T_BOOL:
		if (cli_bool(&b, v) != 0)
			return snprintf(err, n, "%s must be true or false", k->key), -1;
		return 0;
	case T_URL: {
		size_t n0 = strlen(v);
		if ((strncmp(v, "http://", 7) && strncmp(v, "https://", 8)) || strchr(v, ' ') ||
		    (n0 && v[n0 - 1] == '/'))
			return snprintf(err, n, "%s must be an http:// or https:// URL without a "
			                "trailing slash", k->key), -1;
		return 0;
	}
	case T_WORD: {
		size_t len = strlen(v);
		for (const char *c = k->choices; *c;) {
			size_t wl = strcspn(c, " ");
			if (wl == len && !strncmp(c, v, len))
				return 0;
			c += wl + (c[wl] == ' ');
		}
		return snprintf(err, n, "%s must be one of: %s", k->key, k->choices), -1;
	}
	}
	return 0;
}

static const struct conf_key *find_key(const char *key)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (!strcmp(conf_keys[i].key, key))
			return &conf_keys[i];
	return NULL;
}

const char *cli_env(const char *key)
{
	const struct conf_key *k = find_key(key);
	const char *v = k ? getenv(k->env) : NULL;
	return v && *v ? v : NULL;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

/*
 * The value after '=' (changed in place), without its comment and quotes;
 * NULL with why in err if it cannot be read. Quoted, it runs to the closing
 * quote and only blanks or a comment may follow ("a" b is refused rather than
 * guessed at); unquoted, a '#' at its start or after a blank starts a
 * comment. So "data = /srv/custodia # the data directory" is /srv/custodia,
 * and a value that really holds " #" is written in quotes.
 */
static char *conf_value(char *v, char *err, size_t n)
{
	v = trim(v);
	if (*v == '"') {
		char *close = strchr(v + 1, '"'), *rest;
		if (!close)
			return snprintf(err, n, "the value's opening quote is never closed"), NULL;
		rest = close + 1 + strspn(close + 1, " \t");
		if (*rest && *rest != '#')
			return snprintf(err, n,
			                "text after the closing quote (only a '#' comment may "
			                "follow it)"),
			       NULL;
		*close = '\0';
		return v + 1;
	}
	for (char *p = v; *p; p++)
		if (*p == '#' && (p == v || p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			break;
		}
	return trim(v);
}

/* What a file said: value and line of each key it set. */
typedef struct conf_file {
	char *value[NKEYS];
	int line[NKEYS];
} conf_file;

static void conf_file_free(conf_file *f)
{
	for (size_t i = 0; i < NKEYS; i++)
		free(f->value[i]);
	memset(f, 0, sizeof(*f));
}

/*
 * Reads path into f; prints each error as "PATH:LINE: ..." on out and
 * returns how many there were (-1 if the file cannot be read).
 */
static int conf_parse(conf_file *f, const char *path, FILE *out)
{
	char line[4096];
	int errors = 0, lineno = 0;
	FILE *in = fopen(path, "r");
	memset(f, 0, sizeof(*f));
	if (!in) {
		fprintf(out, "%s: cannot read: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), in)) {
		char err[256];
		lineno++;
		if (!strchr(line, '\n') && !feof(in)) {
			fprintf(out, "%s:%d: line longer than %zu bytes\n", path, lineno, sizeof(line) - 2);
			errors++;
			int ch;
			while ((ch = fgetc(in)) != EOF && ch != '\n')
				;
			continue;
		}
		char *s = trim(line);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			fprintf(out, "%s:%d: expected \"key = value\"\n", path, lineno);
			errors++;
			continue;
		}
		*eq = '\0';
		char *key = trim(s), *val = conf_value(eq + 1, err, sizeof(err));
		const struct conf_key *k = find_key(key);
		if (!k) {
			fprintf(out, "%s:%d: unknown key \"%s\" ('custodia config keys' lists them)\n",
			        path, lineno, key);
			errors++;
			continue;
		}
		if (!val) {
			fprintf(out, "%s:%d: %s: %s\n", path, lineno, key, err);
			errors++;
			continue;
		}
		size_t i = (size_t)(k - conf_keys);
		if (f->value[i]) {
			fprintf(out, "%s:%d: \"%s\" is already set on line %d\n", path, lineno, key,
			        f->line[i]);
			errors++;
			continue;
		}
		if (check_value(k, val, err, sizeof(err)) != 0) {
			fprintf(out, "%s:%d: %s\n", path, lineno, err);
			errors++;
			continue;
		}
		f->value[i] = strdup(val);
		f->line[i] = lineno;
		if (!f->value[i]) {
			fprintf(out, "%s: out of memory\n", path);
			errors++;
			break;
		}
	}
	if (ferror(in)) {
		fprintf(out, "%s: read error\n", path);
		errors++;
	}
	fclose(in);
	return errors;
}

/* The file in force: --config, CUSTODIA_CONFIG, or the system one if present. */
static const char *config_path;
static bool config_explicit;

static void remove_arg(int *argc, char **argv, int i, int n)
{
	memmove(&argv[i], &argv[i + n], (size_t)(*argc - i - n + 1) * sizeof(*argv));
	*argc -= n;
}

void cli_config_load(int *argc, char **argv)
{
	conf_file f;
	for (int i = 1; i < *argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--config")) {
			if (i + 1 >= *argc) {
				fprintf(stderr, "custodia: --config needs a file\n");
				exit(EXIT_USAGE);
			}
			config_path = argv[i + 1];
			remove_arg(argc, argv, i, 2);
			i--;
		} else if (!strncmp(argv[i], "--config=", 9)) {
			config_path = argv[i] + 9;
			remove_arg(argc, argv, i, 1);
			i--;
		}
	}
	/* Read once: two getenv calls need not return the same pointer (or non-NULL). */
	const char *env = getenv("CUSTODIA_CONFIG");
	if (config_path) {
		config_explicit = true;
	} else if (env && *env) {
		config_path = env;
		config_explicit = true;
	} else {
		FILE *probe = fopen(CLI_CONFIG_DEFAULT, "r");
		if (probe) {
			fclose(probe);
			config_path = CLI_CONFIG_DEFAULT;
		}
	}
	/* `config check FILE` reads its own file and must not fail here first. */
	bool checking = *argc >= 3 && !strcmp(argv[1], "config") && !strcmp(argv[2], "check");
	if (config_path && !checking) {
		int errors = conf_parse(&f, config_path, stderr);
		if (errors != 0) {
			fprintf(stderr, "custodia: the configuration %s is not valid "
			        "('custodia config check' names every error)\n", config_path);
			exit(EXIT_USAGE);
		}
		for (size_t i = 0; i < NKEYS; i++) {
			const char *cur = getenv(conf_keys[i].env);
			if (f.value[i] && (!cur || !*cur))
				setenv(conf_keys[i].env, f.value[i], 1);
		}
		conf_file_free(&f);
	}
	/* Values from the environment meet the same rules as the file's. */
	if (!checking) {
		for (size_t i = 0; i < NKEYS; i++) {
			const char *v = getenv(conf_keys[i].env);
			char err[256];
			if (v && *v && check_value(&conf_keys[i], v, err, sizeof(err)) != 0) {
				fprintf(stderr, "custodia: %s: %s\n", conf_keys[i].env, err);
				exit(EXIT_USAGE);
			}
		}
	}
}

/*
 * The records' files of the data directory the file (else the environment)
 * names: readable or writable by group or others, the store refuses to open
 * them (they hold every record in the clear), so check says so first.
 * Returns how many it printed.
 */
static int data_problems(const conf_file *f, const char *path, FILE *out)
{
	static const char *const files[] = {"custodia.db", "custodia.db-wal", "custodia.db-shm"};
	size_t k = (size_t)(find_key("data") - conf_keys);
	const char *dir = f->value[k] ? f->value[k] : cli_env("data");
	int problems = 0;
	if (!dir)
		return 0;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char file[4200], where[4200];
		struct stat st;
		snprintf(file, sizeof(file), "%s/%s", dir, files[i]);
		if (stat(file, &st) != 0 || !(st.st_mode & 077))
			continue;
		if (f->value[k])
			snprintf(where, sizeof(where), "%s:%d: data", path, f->line[k]);
		else
			snprintf(where, sizeof(where), "%s: CUSTODIA_DATA", path);
		fprintf(out,
		        "%s: %s is open to group or others (mode %03o): custodia refuses to open "
		        "it; run chmod 600 on it\n",
		        where, file, (unsigned)(st.st_mode & 0777));
		problems++;
	}
	return problems;
}

static const char usage[] =
	"usage: custodia config check [FILE]\n"
	"       custodia config show [--json]\n"
	"       custodia config keys [--json]\n"
	"The configuration file is --config FILE (any command takes it), else the file\n"
	"CUSTODIA_CONFIG names, else " CLI_CONFIG_DEFAULT " if it exists. It holds one\n"
	"\"key = value\" per line ('#' at the start of a line or after a blank starts a\n"
	"comment; a value in double quotes keeps its '#'). Every key can also be given as\n"
	"an environment variable and as a flag: a flag beats the environment, which\n"
	"beats the file. Unknown keys, repeated keys and malformed values are errors.\n"
	"check validates FILE (default: the file in force) and names the line of each\n"
	"error, and a database in the data directory it names that group or others may\n"
	"read (custodia refuses to open one); it exits 1 if there is any. show prints\n"
	"each key's value in force and where it comes from (file:LINE, env or default;\n"
	"flags are per command), every PostgreSQL password as ***. keys lists every key\n"
	"with its environment variable and flag.\n"
	"  --json   print JSON for scripts\n";

/*
 * Whether a URI query parameter names a secret, by libpq's own reading of the
 * name: percent-decoded ("pass%77ord" is password), and sslpassword (a client
 * key's passphrase) as well as password. Case is ignored: masking a name
 * libpq would refuse costs nothing.
 */
static bool secret_param(const char *k, size_t n)
{
	char name[32];
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		if (j + 1 >= sizeof(name))
			return false;
		if (k[i] == '%' && i + 2 < n && isxdigit((unsigned char)k[i + 1]) &&
		    isxdigit((unsigned char)k[i + 2])) {
			char hex[3] = {k[i + 1], k[i + 2], '\0'};
			name[j++] = (char)strtol(hex, NULL, 16);
			i += 2;
		} else {
			name[j++] = k[i];
		}
	}
	name[j] = '\0';
	return !strcasecmp(name, "password") || !strcasecmp(name, "sslpassword");
}

/*
 * A PostgreSQL URL with every password replaced by ***: the userinfo's
 * (postgresql://user:PW@host, up to the last '@' before the query, so that
 * a password holding an unencoded '@' or '/' is masked whole) and each
 * password= or sslpassword= query parameter. Keyword/value connection
 * strings ("host=... password=...") never get here: a db value must be a
 * postgresql:// URL (check_value). Other keys' values are returned as they are.
 */
static char *masked(const char *key, const char *v);

char *cli_url_masked(const char *url)
{
	return masked("db", url);
}

static char *masked(const char *key, const char *v)
{
	/* Each *** replaces at least one byte but '=' or ':' before it: 4 × len bounds it. */
	size_t len = strlen(v), cap = 4 * len + 8, o = 0;
	const char *scheme = strstr(v, "://");
	char *out = malloc(cap);
	if (!out)
		return NULL;
	if (strcmp(key, "db") != 0 || !scheme) {
		memcpy(out, v, len + 1);
		return out;
	}
	const char *auth = scheme + 3, *q = strchr(auth, '?'), *end = q ? q : v + len, *at = NULL;
	for (const char *p = auth; p < end; p++)
		if (*p == '@')
			at = p;
	const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL, *p = v;
	if (colon) {
		o += (size_t)snprintf(out + o, cap - o, "%.*s:***", (int)(colon - v), v);
		p = at;
	}
	if (!q) {
		snprintf(out + o, cap - o, "%s", p);
		return out;
	}
	o += (size_t)snprintf(out + o, cap - o, "%.*s", (int)(q + 1 - p), p);
	for (p = q + 1; *p;) {
		size_t pl = strcspn(p, "&");
		const char *eq = memchr(p, '=', pl);
		if (eq && secret_param(p, (size_t)(eq - p)))
			o += (size_t)snprintf(out + o, cap - o, "%.*s***", (int)(eq + 1 - p), p);
		else
			o += (size_t)snprintf(out + o, cap - o, "%.*s", (int)pl, p);
		p += pl;
		if (*p == '&')
			out[o++] = *p++;
	}
	out[o] = '\0';
	return out;
}

static int config_show(bool json)
{
	conf_file f = {0};
	if (config_path && conf_parse(&f, config_path, stderr) != 0) {
		conf_file_free(&f);
		return EXIT_USAGE;
	}
	json_t *arr = json_array();
	if (!json)
		printf("# configuration file: %s\n", config_path ? config_path : "(none)");
	for (size_t i = 0; i < NKEYS; i++) {
		const struct conf_key *k = &conf_keys[i];
		const char *v = getenv(k->env);
		char src[64] = "default";
		if (v && *v) {
			/* The file's values were exported; tell them apart from the operator's. */
			if (f.value[i] && !strcmp(f.value[i], v))
				snprintf(src, sizeof(src), "file:%d", f.line[i]);
			else
				snprintf(src, sizeof(src), "env");
		} else {
			v = NULL;
		}
		char *shown = v ? masked(k->key, v) : NULL;
		if (json)
			json_array_append_new(arr, json_pack("{s:s,s:s?,s:s}", "key", k->key, "value",
			                                     shown, "source", src));
		else if (shown)
			printf("%s = %s  # %s\n", k->key, shown, src);
		else
			printf("# %s (default)\n", k->key);
		free(shown);
	}
	if (json)
		cli_print_json(arr);
	json_decref(arr);
	conf_file_free(&f);
	return EXIT_OK;
}

static int config_keys(bool json)
{
	static const char *const types[] = {"path", "url", "uri", "addr:port", "number", "size",
	                                    "boolean", "word", "url"};
	json_t *arr = json_array();
	for (size_t i = 0; i < NKEYS; i++) {
		const struct conf_key *k = &conf_keys[i];
		if (json)
			json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:s,s:s}", "key", k->key, "env",
			                                     k->env, "flag", k->flag, "type",
			                                     types[k->type], "help", k->help));
		else
			printf("%-22s %-32s %-24s %s\n", k->key, k->env, k->flag, k->help);
	}
	if (json)
		cli_print_json(arr);
	json_decref(arr);
	return EXIT_OK;
}

int cmd_config(int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'J'},
	                                     {"help", no_argument, NULL, 'h'}, {0}};
	const char *sub = cli_subcommand(&argc, &argv, usage);
	bool json = false;
	int opt;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (opt == 'J')
			json = true;
		else if (opt == 'h')
			fputs(usage, stdout), exit(EXIT_OK);
		else
			fputs(usage, stderr), exit(EXIT_USAGE);
	}
	if (!strcmp(sub, "check")) {
		if (argc - optind > 1)
			cli_usage_error(usage, "check takes at most one FILE");
		const char *path = argc - optind == 1 ? argv[optind] : config_path;
		if (!path)
			cli_usage_error(usage, "no configuration file in force: give FILE");
		conf_file f;
		int errors = conf_parse(&f, path, stderr);
		if (errors >= 0)
			errors += data_problems(&f, path, stderr);
		conf_file_free(&f);
		if (json) {
			json_t *o = json_pack("{s:s,s:b,s:i}", "file", path, "valid", errors == 0,
			                      "errors", errors < 0 ? 1 : errors);
			cli_print_json(o);
			json_decref(o);
		} else if (errors == 0) {
			printf("%s: valid\n", path);
		}
		return errors == 0 ? EXIT_OK : EXIT_USAGE;
	}
	cli_operands(argc, argv, 0, usage);
	if (!strcmp(sub, "show"))
		return config_show(json);
	if (!strcmp(sub, "keys"))
		return config_keys(json);
	cli_usage_error(usage, "unknown subcommand \"%s\"", sub);
}
