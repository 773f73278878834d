/* SPDX-License-Identifier: Apache-2.0 */
/* util: validation of text, dates, country codes and names. */
#include <stdio.h>
#include <string.h>

#include "util/util.h"

/* Accepts well-formed UTF-8 only (no overlongs, no surrogates, <= U+10FFFF). */
bool cu_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	while (p < end) {
		unsigned c = *p;
		size_t n;
		unsigned min, cp;
		if (c < 0x80) {
			p++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1; min = 0x80; cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2; min = 0x800; cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3; min = 0x10000; cp = c & 0x07;
		} else {
			return false;
		}
		if ((size_t)(end - p) <= n)
			return false;
		for (size_t i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		p += n + 1;
	}
	return true;
}

int cu_valid_text(const char *field, const char *s, size_t min, size_t max)
{
	if (!s)
		return cu_error_set(CU_EINVALID, "field \"%s\" is required", field);
	size_t len = strlen(s);
	if (!cu_utf8_valid(s, len))
		return cu_error_set(CU_EINVALID, "field \"%s\" is not valid UTF-8", field);
	if (len < min || (min > 0 && strspn(s, " \t\r\n") == len))
		return cu_error_set(CU_EINVALID, "field \"%s\" must not be empty%s", field,
		                    len ? " (it is only spaces)" : "");
	if (len > max)
		return cu_error_set(CU_EINVALID, "field \"%s\" is longer than %zu bytes", field, max);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r') || *p == 0x7f ||
		    (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			return cu_error_set(CU_EINVALID, "field \"%s\" contains a control character",
			                    field);
	return 0;
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int parse_date(const char *s, int *y, int *m, int *d)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	*y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	*m = (s[5] - '0') * 10 + (s[6] - '0');
	*d = (s[8] - '0') * 10 + (s[9] - '0');
	if (*y < 1900 || *y > 2200 || *m < 1 || *m > 12 || *d < 1)
		return -1;
	int dim = mdays[*m - 1] + (*m == 2 && leap(*y));
	return *d > dim ? -1 : 0;
}

int cu_valid_date(const char *field, const char *s)
{
	int y, m, d;
	if (parse_date(s, &y, &m, &d) == 0)
		return 0;
	/* Well formed but out of the years custodia takes: say which years. */
	y = cu_digits(s ? s : "", 4);
	if (s && strlen(s) == 10 && s[4] == '-' && s[7] == '-' && y >= 0 && (y < 1900 || y > 2200))
		return cu_error_set(CU_EINVALID, "field \"%s\": %.10s is not a date between 1900 and "
		                    "2200", field, s);
	return cu_error_set(CU_EINVALID, "field \"%s\" must be a date as YYYY-MM-DD (got \"%.32s\")",
	                    field, s ? s : "");
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static long days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int cu_date_diff(const char *a, const char *b)
{
	int ya, ma, da, yb, mb, db;
	if (parse_date(a, &ya, &ma, &da) || parse_date(b, &yb, &mb, &db))
		return 0;
	return (int)(days_from_civil(yb, mb, db) - days_from_civil(ya, ma, da));
}

void cu_date_add(char out[11], const char *date, int days)
{
	int y, m, d;
	if (parse_date(date, &y, &m, &d) != 0) {
		out[0] = '\0';
		return;
	}
	char tmp[64];
	civil_from_days(days_from_civil(y, m, d) + days, &y, &m, &d);
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", y % 10000, m, d);
	memcpy(out, tmp, 10);
	out[10] = '\0';
}

void cu_date_add_years(char out[11], const char *date, int years)
{
	int y, m, d;
	char tmp[64];
	if (parse_date(date, &y, &m, &d) != 0) {
		out[0] = '\0';
		return;
	}
	y += years;
	if (m == 2 && d == 29 && !leap(y))
		d = 28;
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", y % 10000, m, d);
	memcpy(out, tmp, 10);
	out[10] = '\0';
}

/*
 * ISO 3166-1 alpha-2 officially assigned codes, plus XK (Kosovo), a
 * user-assigned code used by the EU institutions and in judicial cooperation.
 */
static const char countries[] =
	"AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL "
	"BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV "
	"CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD "
	"GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM "
	"IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK "
	"LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW "
	"MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR "
	"PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS "
	"ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY "
	"UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW";

int cu_valid_country(const char *field, const char *s)
{
	if (s && strlen(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z') {
		for (const char *p = countries; p[0] && p[1]; p += p[2] ? 3 : 2)
			if (p[0] == s[0] && p[1] == s[1])
				return 0;
	}
	if (s && strcmp(s, "EL") == 0)
		return cu_error_set(CU_EINVALID, "field \"%s\": EL is the EU abbreviation for "
		                    "Greece; ISO 3166-1 uses GR", field);
	if (s && strcmp(s, "UK") == 0)
		return cu_error_set(CU_EINVALID, "field \"%s\": UK is not an ISO 3166-1 code; "
		                    "the United Kingdom is GB", field);
	return cu_error_set(CU_EINVALID,
	                    "field \"%s\": \"%.16s\" is not an ISO 3166-1 alpha-2 country code",
	                    field, s ? s : "");
}

int cu_valid_name(const char *field, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	bool ok = n >= 1 && n <= 64;
	for (size_t i = 0; ok && i < n; i++) {
		char c = s[i];
		ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		     (i > 0 && (c == '.' || c == '_' || c == '-'));
	}
	if (!ok)
		return cu_error_set(CU_EINVALID,
		                    "field \"%s\" must be 1-64 characters of a-z, 0-9, '.', '_', '-' "
		                    "starting with a letter or digit", field);
	return 0;
}
