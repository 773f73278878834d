/* SPDX-License-Identifier: Apache-2.0 */
/* cli: custodia user and custodia token. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "crypto/crypto.h"

static const char user_usage[] =
	"usage: custodia user add USERNAME --role ROLE [--org CODE] [--name TEXT]\n"
	"                         [--password-file FILE]\n"
	"       custodia user list [--org CODE]\n"
	"       custodia user passwd USERNAME [--password-file FILE]\n"
	"       custodia user disable|enable USERNAME\n"
	"Roles: admin, prosecutor, analyst, observer. Passwords are read from\n"
	"--password-file, CUSTODIA_PASSWORD, the terminal or standard input, never\n"
	"from the command line. Administrators manage their organisation's users.\n"
	"A new password ends the user's login sessions (API tokens stay until revoked:\n"
	"'custodia token list'). A disabled user can neither log in nor use a token.\n"
	CLI_COMMON_HELP;

static void print_users(const json_t *list)
{
	size_t i;
	json_t *u;
	json_array_foreach(list, i, u)
		printf("%-20s %-10s %-11s %s%s\n", cu_json_str(u, "username"), cu_json_str(u, "org"),
		       cu_json_str(u, "role"), cu_json_str(u, "full_name") ?
		       cu_json_str(u, "full_name") : "",
		       json_is_true(json_object_get(u, "disabled")) ? " (disabled)" : "");
}

int cmd_user(int argc, char **argv)
{
	static const struct option opts[] = {
		{"role", required_argument, NULL, 'r'}, {"org", required_argument, NULL, 'o'},
		{"name", required_argument, NULL, 'n'},
		{"password-file", required_argument, NULL, 'p'},
		{"password", required_argument, NULL, 'P'}, CLI_COMMON_OPTS, {0}};
	const char *role = NULL, *org = NULL, *name = NULL, *pwfile = NULL;
	json_t *out = NULL, *in = NULL;
	char pw[1100] = "";
	int opt, r;
	cli c;
	cli_init(&c);
	const char *sub = cli_subcommand(&argc, &argv, user_usage);
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common(&c, opt, user_usage))
			continue;
		if (opt == 'r') role = optarg;
		else if (opt == 'o') org = optarg;
		else if (opt == 'n') name = optarg;
		else if (opt == 'p') pwfile = optarg;
		else if (opt == 'P')
			cli_usage_error(user_usage, "passwords are never taken on the command line");
	}
	for (int i = 0; i < argc; i++)
		if (!cu_utf8_valid(argv[i], strlen(argv[i])))
			cli_usage_error(user_usage, "argument %d is not valid UTF-8", i);
	if (!strcmp(sub, "add")) {
		cli_operands(argc, argv, 1, user_usage);
		if (!role)
			cli_usage_error(user_usage, "--role is required");
		cli_open(&c);
		if ((r = cli_read_password(pw, sizeof(pw), pwfile, "password: ")) != 0)
			goto out;
		in = json_pack("{s:s,s:s,s:s,s:s?,s:s?}", "username", argv[optind], "password", pw,
		               "role", role, "org", org, "full_name", name);
		r = cu_user_create(c.core, &c.actor, &out, in);
	} else if (!strcmp(sub, "list")) {
		cli_operands(argc, argv, 0, user_usage);
		cli_open(&c);
		r = cu_user_list(c.core, &c.actor, &out, org);
		if (r == 0 && !c.json) {
			print_users(out);
			goto out;
		}
	} else if (!strcmp(sub, "passwd")) {
		cli_operands(argc, argv, 1, user_usage);
		cli_open(&c);
		if ((r = cli_read_password(pw, sizeof(pw), pwfile, "new password: ")) != 0)
			goto out;
		in = json_pack("{s:s}", "password", pw);
		r = cu_user_update(c.core, &c.actor, &out, argv[optind], in);
		if (r == 0 && !c.json) {
			json_int_t n = json_integer_value(json_object_get(out, "sessions_ended"));
			printf("password of %s changed; %lld login session%s ended\n", argv[optind],
			       (long long)n, n == 1 ? "" : "s");
			goto out;
		}
	} else if (!strcmp(sub, "disable") || !strcmp(sub, "enable")) {
		cli_operands(argc, argv, 1, user_usage);
		cli_open(&c);
		bool off = !strcmp(sub, "disable");
		in = json_pack("{s:b}", "disabled", off);
		r = cu_user_update(c.core, &c.actor, &out, argv[optind], in);
		if (r == 0 && !c.json) {
			printf("%s %s\n", argv[optind], off ? "disabled: no login, no token works"
			                                     : "enabled");
			goto out;
		}
	} else {
		cli_usage_error(user_usage, "unknown subcommand \"%s\"", sub);
	}
	if (r == 0) {
		if (c.json)
			cli_print_json(out);
		else
			printf("%s %s (%s)\n", cu_json_str(out, "username"), cu_json_str(out, "role"),
			       cu_json_str(out, "org"));
	}
out:
	cu_wipe(pw, sizeof(pw));
	if (in) {
		/* The request object held the password too. */
		json_t *p = json_object_get(in, "password");
		if (p)
			json_string_set(p, "");
	}
	json_decref(in);
	json_decref(out);
	cli_close(&c);
	return r ? cli_fail(r) : EXIT_OK;
}

static const char token_usage[] =
	"usage: custodia token create [--label TEXT] [--days N]\n"
	"       custodia token list\n"
	"       custodia token revoke ID\n"
	"API tokens authenticate scripts as --as USER (Authorization: Bearer TOKEN).\n"
	"The secret is printed once, at creation; only its hash is stored.\n"
	CLI_COMMON_HELP;

int cmd_token(int argc, char **argv)
{
	static const struct option opts[] = {
		{"label", required_argument, NULL, 'l'}, {"days", required_argument, NULL, 'd'},
		CLI_COMMON_OPTS, {0}};
	const char *label = NULL;
	int days = 0, opt, r;
	json_t *out = NULL, *in = NULL;
	cli c;
	cli_init(&c);
	const char *sub = cli_subcommand(&argc, &argv, token_usage);
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common(&c, opt, token_usage))
			continue;
		if (opt == 'l')
			label = optarg;
		if (opt == 'l' && !cu_utf8_valid(optarg, strlen(optarg)))
			cli_usage_error(token_usage, "--label is not valid UTF-8");
		else if (opt == 'd' && cli_int(&days, optarg, 1, 3650) != 0)
			cli_usage_error(token_usage, "--days must be 1-3650");
	}
	if (!strcmp(sub, "create")) {
		cli_operands(argc, argv, 0, token_usage);
		cli_open(&c);
		in = json_pack("{s:s?}", "label", label);
		if (days)
			json_object_set_new(in, "expires_in_days", json_integer(days));
		r = cu_token_create(c.core, &c.actor, &out, in);
		if (r == 0 && !c.json)
			printf("%s\n(id %s; shown once)\n", cu_json_str(out, "token"),
			       cu_json_str(out, "id"));
	} else if (!strcmp(sub, "list")) {
		cli_operands(argc, argv, 0, token_usage);
		cli_open(&c);
		r = cu_token_list(c.core, &c.actor, &out);
		size_t i;
		json_t *t;
		/* Whether each still opens the door, and until when: what decides a revocation. */
		char now[CU_TS_LEN];
		cu_time_now(now);
		if (r == 0 && !c.json)
			json_array_foreach(out, i, t) {
				const char *exp = cu_json_str(t, "expires_at");
				char state[48];
				if (cu_json_str(t, "revoked_at"))
					snprintf(state, sizeof(state), "revoked %.16s", cu_json_str(t, "revoked_at"));
				else if (exp && strcmp(exp, now) <= 0)
					snprintf(state, sizeof(state), "expired %.16s", exp);
				else if (exp)
					snprintf(state, sizeof(state), "until %.16s", exp);
				else
					snprintf(state, sizeof(state), "no expiry");
				printf("%s %-12s %-8s %.16s  %-24s %s\n", cu_json_str(t, "id"),
				       cu_json_str(t, "user"), cu_json_str(t, "kind"),
				       cu_json_str(t, "created_at"), state,
				       cu_json_str(t, "label") ? cu_json_str(t, "label") : "");
			}
	} else if (!strcmp(sub, "revoke")) {
		cli_operands(argc, argv, 1, token_usage);
		cli_open(&c);
		r = cu_token_revoke(c.core, &c.actor, argv[optind]);
		if (r == 0)
			out = json_pack("{s:s,s:b}", "id", argv[optind], "revoked", 1);
		if (r == 0 && !c.json)
			printf("revoked %s\n", argv[optind]);
	} else {
		cli_usage_error(token_usage, "unknown subcommand \"%s\"", sub);
	}
	if (r == 0 && c.json)
		cli_print_json(out);
	json_decref(in);
	json_decref(out);
	cli_close(&c);
	return r ? cli_fail(r) : EXIT_OK;
}
