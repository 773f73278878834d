/* SPDX-License-Identifier: Apache-2.0 */
/* util: timestamps, dates and durations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/util.h"

/* The timestamp of the clock plus seconds, to the millisecond. */
static void stamp(char out[CU_TS_LEN], int64_t seconds)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	time_t t = ts.tv_sec + (time_t)seconds;
	char tmp[64];
	gmtime_r(&t, &tm);
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
	         (tm.tm_year + 1900) % 10000, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	         tm.tm_sec, ts.tv_nsec / 1000000);
	memcpy(out, tmp, CU_TS_LEN - 1);
	out[CU_TS_LEN - 1] = '\0';
}

void cu_time_now(char out[CU_TS_LEN])
{
	stamp(out, 0);
}

/* Milliseconds kept: an expiry cut to the second made a session of ttl 1 s, opened at
 * x.999, end 1 ms later (test_cases_auth__sessions_expire_and_revoke, now and then). */
void cu_time_after(char out[CU_TS_LEN], int64_t seconds)
{
	stamp(out, seconds);
}

int cu_digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int cu_time_parse(int64_t *out_seconds, const char *ts)
{
	if (!ts)
		return cu_error_set(CU_EINVALID, "no timestamp");
	/* Fixed positions: 2026-11-26T20:05:43 (19 characters), checked one by one. */
	int y, mo, d, h, mi, sec;
	if (strnlen(ts, 19) < 19 || ts[4] != '-' || ts[7] != '-' || ts[10] != 'T' ||
	    ts[13] != ':' || ts[16] != ':' || (y = cu_digits(ts, 4)) < 0 ||
	    (mo = cu_digits(ts + 5, 2)) < 1 || mo > 12 ||
	    (d = cu_digits(ts + 8, 2)) < 1 || d > 31 ||
	    (h = cu_digits(ts + 11, 2)) < 0 || h > 23 ||
	    (mi = cu_digits(ts + 14, 2)) < 0 || mi > 59 ||
	    (sec = cu_digits(ts + 17, 2)) < 0 || sec > 59)
		goto bad;
	const char *p = ts + 19;
	if (*p == '.') {
		if (p[1] < '0' || p[1] > '9')
			goto bad;
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	}
	if (*p != 'Z' || p[1])
		goto bad;
	struct tm tm = {.tm_year = y - 1900,
	                .tm_mon = mo - 1,
	                .tm_mday = d,
	                .tm_hour = h,
	                .tm_min = mi,
	                .tm_sec = sec};
	time_t t = timegm(&tm);
	/* timegm moves 31 April to 1 May: a date that does not exist comes back changed. */
	struct tm back;
	if (!gmtime_r(&t, &back) || back.tm_mday != d || back.tm_mon != mo - 1)
		goto bad;
	*out_seconds = (int64_t)t;
	return 0;
bad:
	return cu_error_set(CU_EINVALID, "bad timestamp \"%.40s\" (want 2026-11-26T20:05:43.123Z)",
	                    ts);
}

void cu_date_today(char out[11])
{
	time_t t = time(NULL);
	struct tm tm;
	char tmp[64];
	gmtime_r(&t, &tm);
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", (tm.tm_year + 1900) % 10000, tm.tm_mon + 1,
	         tm.tm_mday);
	memcpy(out, tmp, 10);
	out[10] = '\0';
}

int cu_days_parse(int *out_days, const char *s)
{
	char *end;
	if (!s || *s < '0' || *s > '9')
		return cu_error_set(CU_EINVALID, "bad number of days \"%.32s\" (e.g. 30 or 30d)",
		                    s ? s : "");
	long v = strtol(s, &end, 10);
	if ((*end && strcmp(end, "d")) || v > 36500)
		return cu_error_set(CU_EINVALID, "bad number of days \"%.32s\" (e.g. 30 or 30d, at "
		                    "most 36500)", s);
	*out_days = (int)v;
	return 0;
}

int cu_duration_parse(int64_t *out_seconds, const char *s)
{
	char *end;
	if (!s || !*s)
		return cu_error_set(CU_EINVALID, "empty duration");
	long long v = strtoll(s, &end, 10);
	if (end == s || v < 0 || v > 100LL * 365 * 86400)
		return cu_error_set(CU_EINVALID, "bad duration \"%.32s\"", s);
	int64_t mul = 1;
	if (*end == 'd')
		mul = 86400;
	else if (*end == 'h')
		mul = 3600;
	else if (*end == 'm')
		mul = 60;
	else if (*end == 's' || *end == '\0')
		mul = 1;
	else
		return cu_error_set(CU_EINVALID, "bad duration \"%.32s\" (use 7d, 12h, 30m, 45s)", s);
	if (*end && end[1])
		return cu_error_set(CU_EINVALID, "bad duration \"%.32s\"", s);
	if (v > 100LL * 365 * 86400 / mul)
		return cu_error_set(CU_EINVALID, "bad duration \"%.32s\" (at most 100 years)", s);
	*out_seconds = (int64_t)v * mul;
	return 0;
}
