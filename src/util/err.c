/* SPDX-License-Identifier: Apache-2.0 */
/* util: error codes and the thread-local error detail. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "util/util.h"

static _Thread_local char detail[512];
static _Thread_local int detail_code;

static const struct {
	int code;
	const char *name, *text;
} codes[] = {
	{CU_OK, "ok", "success"},
	{CU_EINVALID, "invalid", "invalid input"},
	{CU_ENOTFOUND, "not_found", "not found"},
	{CU_EEXISTS, "exists", "already exists"},
	{CU_EDENIED, "forbidden", "not allowed"},
	{CU_ECONFLICT, "conflict", "conflicts with the current state"},
	{CU_EVERIFY, "verify_failed", "verification failed"},
	{CU_ETOOBIG, "too_large", "too large"},
	{CU_ENOMEM, "no_memory", "out of memory"},
	{CU_EIO, "io_error", "input/output error"},
	{CU_EDB, "database_error", "database error"},
	{CU_ECRYPTO, "crypto_error", "cryptographic failure"},
	{CU_EAUTH, "unauthenticated", "authentication required"},
	{CU_ESCHEMA, "schema_newer", "database schema is newer than this program"},
	{CU_ERANGE, "range_not_satisfiable", "the range is outside the content"},
	{CU_EUNAVAILABLE, "unavailable", "the database cannot be reached now; try again"},
	{CU_ENOSPACE, "insufficient_storage", "the server's storage is full; try again once an "
	 "operator has freed space"},
	{CU_ELIMIT, "rate_limited", "too many attempts; try again later"},
	{CU_EINTERNAL, "internal", "internal error"},
	{CU_EINTR, "interrupted", "interrupted"},
};

static int find(int code)
{
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i].code == code)
			return (int)i;
	return -1;
}

const char *cu_errname(int code)
{
	int i = find(code);
	return i < 0 ? "internal" : codes[i].name;
}

const char *cu_strerror(int code)
{
	int i = find(code);
	return i < 0 ? "internal error" : codes[i].text;
}

/* The name in parentheses: util.h makes it a macro for clang-tidy's analyzer. */
int (cu_error_set)(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	detail_code = code;
	return code;
}

const char *cu_error_message(int code)
{
	if (detail[0] && detail_code == code)
		return detail;
	return cu_strerror(code);
}

void cu_error_clear(void)
{
	detail[0] = '\0';
	detail_code = 0;
}

/* ---- an operator's interrupt ------------------------------------------- */

static volatile sig_atomic_t caught;

static void on_interrupt(int sig)
{
	caught = sig;
}

void cu_interrupt_catch(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt;
	/* Caught once: the next one ends the process (a second Ctrl-C). System
	 * calls go on (SA_RESTART): the work stops at its next check, not in a
	 * write half done. */
	sa.sa_flags = SA_RESETHAND | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int cu_interrupted(void)
{
	return caught;
}

int cu_interrupt_check(void)
{
	if (!caught)
		return 0;
	return cu_error_set(CU_EINTR, "interrupted (%s): stopped, and what was begun was removed",
	                    caught == SIGINT ? "SIGINT" : caught == SIGTERM ? "SIGTERM" : "SIGHUP");
}
