/* SPDX-License-Identifier: Apache-2.0 */
/*
 * match: strong identifiers (phone numbers, IBANs, e-mail addresses, IMO and
 * MMSI numbers, plates and document numbers, crypto wallets) validated and
 * brought to one normal form, so that two desks who typed the same number
 * differently get the same key.
 *
 * Every input is a NUL-terminated string that may be NULL, empty, huge or
 * not UTF-8. No function reads more than a fixed number of bytes of it
 * (strnlen with a cap), and every refusal is CU_EINVALID with a message
 * that names what is wrong. On failure out holds the empty string.
 *
 * Nothing here needs a library: the calling-code table, the IBAN length
 * table and the bech32 checksum are small enough to carry.
 */
#include <stdio.h>
#include <string.h>

#include "match/match.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- Small helpers ---------------------------------------------------- */

/* clang-format off */
static bool is_digit(unsigned c) { return c >= '0' && c <= '9'; }
static bool is_upper(unsigned c) { return c >= 'A' && c <= 'Z'; }
static bool is_lower(unsigned c) { return c >= 'a' && c <= 'z'; }
static bool is_alpha(unsigned c) { return is_upper(c) || is_lower(c); }
static bool is_alnum(unsigned c) { return is_alpha(c) || is_digit(c); }
static bool is_hex(unsigned c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
static bool is_ws(unsigned c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
static char to_upper(unsigned c) { return (char)(is_lower(c) ? c - 32 : c); }
static char to_lower(unsigned c) { return (char)(is_upper(c) ? c + 32 : c); }
/* clang-format on */

/*
 * Length of in, capped: a value longer than cap is refused by the caller
 * without ever reading past in + cap. NULL has length 0.
 */
static size_t capped_len(const char *in, size_t cap)
{
	return in ? strnlen(in, cap + 1) : 0;
}

/* Trims ASCII white space at both ends of [*s, *s + *n). */
static void trim(const char **s, size_t *n)
{
	while (*n && is_ws((unsigned char)**s))
		(*s)++, (*n)--;
	while (*n && is_ws((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

/* Case-insensitive ASCII prefix test on a counted string. */
static bool has_prefix(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);
	if (n < k)
		return false;
	for (size_t i = 0; i < k; i++)
		if (to_lower((unsigned char)s[i]) != prefix[i])
			return false;
	return true;
}

/*
 * Number of bytes of a Unicode space or dash at p (0 if none) that people
 * paste with numbers copied from documents: no-break and thin spaces
 * (U+00A0, U+2000..U+200A, U+202F, U+205F, U+3000), hyphens and dashes
 * (U+2010..U+2015) and the minus sign (U+2212). They count as separators.
 */
static size_t unicode_sep(const unsigned char *p, size_t rem)
{
	if (rem >= 2 && p[0] == 0xc2 && p[1] == 0xa0)
		return 2;
	if (rem < 3)
		return 0;
	if (p[0] == 0xe2 && p[1] == 0x80 &&
	    ((p[2] >= 0x80 && p[2] <= 0x8a) || (p[2] >= 0x90 && p[2] <= 0x95) || p[2] == 0xaf))
		return 3;
	if (p[0] == 0xe2 && ((p[1] == 0x81 && p[2] == 0x9f) || (p[1] == 0x88 && p[2] == 0x92)))
		return 3;
	if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80)
		return 3;
	return 0;
}

/* The character c quoted for a message: 'x' when printable, a code otherwise. */
static const char *show(char buf[24], unsigned char c)
{
	if (c >= 0x20 && c < 0x7f)
		snprintf(buf, 24, "'%c'", c);
	else if (c < 0x80)
		snprintf(buf, 24, "0x%02X", c);
	else
		snprintf(buf, 24, "a non-ASCII character");
	return buf;
}

/* ---- Phone numbers (E.164) -------------------------------------------- */

/*
 * Country calling codes (ITU-T E.164 assignments) with, for each ISO 3166-1
 * country, the trunk prefix dialled before national numbers:
 *
 *   "0"     must be present in national form and is removed ("070..." in SE)
 *   ""      no trunk prefix: national numbers are written whole (PL, DK, GR;
 *           IT, SM and VA, where a leading 0 belongs to the number)
 *   "0|8"   alternatives (Lithuania is moving from 8 to 0)
 *   "?8"    removed when present, not required (uncertain or in transition)
 *
 * Entries with an empty iso are calling codes without a country (freephone,
 * satellite and international networks) or territories without an ISO
 * alpha-2 code; they count when validating the calling code of a number
 * written in international form. Calling codes form a prefix code, so at
 * most one code is a prefix of any number. The first entry of a shared code
 * (1, 7, 44, 262, ...) gives its trunk rule for the "+46 070..." spelling.
 */
/* clang-format off */
static const struct calling {
	char iso[3];
	char code[4];
	const char *trunk;
} callings[] = {
	/* NANP (+1), trunk 1 optional; US first. */
	{"US", "1", "?1"}, {"CA", "1", "?1"}, {"AG", "1", "?1"}, {"AI", "1", "?1"},
	{"AS", "1", "?1"}, {"BB", "1", "?1"}, {"BM", "1", "?1"}, {"BS", "1", "?1"},
	{"DM", "1", "?1"}, {"DO", "1", "?1"}, {"GD", "1", "?1"}, {"GU", "1", "?1"},
	{"JM", "1", "?1"}, {"KN", "1", "?1"}, {"KY", "1", "?1"}, {"LC", "1", "?1"},
	{"MP", "1", "?1"}, {"MS", "1", "?1"}, {"PR", "1", "?1"}, {"SX", "1", "?1"},
	{"TC", "1", "?1"}, {"TT", "1", "?1"}, {"VC", "1", "?1"}, {"VG", "1", "?1"},
	{"VI", "1", "?1"}, {"UM", "1", "?1"},
	{"RU", "7", "8"}, {"KZ", "7", "8"},
	/* Zones 2 to 9, two-digit codes. */
	{"EG", "20", "0"}, {"ZA", "27", "0"}, {"GR", "30", ""}, {"NL", "31", "0"},
	{"BE", "32", "0"}, {"FR", "33", "0"}, {"ES", "34", ""}, {"HU", "36", "06"},
	{"IT", "39", ""}, {"VA", "39", ""}, {"RO", "40", "0"}, {"CH", "41", "0"},
	{"AT", "43", "0"}, {"GB", "44", "0"}, {"GG", "44", "0"}, {"JE", "44", "0"},
	{"IM", "44", "0"}, {"DK", "45", ""}, {"SE", "46", "0"}, {"NO", "47", ""},
	{"SJ", "47", ""}, {"BV", "47", ""}, {"PL", "48", ""}, {"DE", "49", "0"},
	{"PE", "51", "0"}, {"MX", "52", ""}, {"CU", "53", "0"}, {"AR", "54", "0"},
	{"BR", "55", "0"}, {"CL", "56", "?0"}, {"CO", "57", "?0"}, {"VE", "58", "0"},
	{"MY", "60", "0"}, {"AU", "61", "0"}, {"CX", "61", "0"}, {"CC", "61", "0"},
	{"ID", "62", "0"}, {"PH", "63", "0"}, {"NZ", "64", "0"}, {"PN", "64", "0"},
	{"SG", "65", ""}, {"TH", "66", "0"}, {"JP", "81", "0"}, {"KR", "82", "0"},
	{"VN", "84", "0"}, {"CN", "86", "0"}, {"TR", "90", "0"}, {"IN", "91", "0"},
	{"PK", "92", "0"}, {"AF", "93", "0"}, {"LK", "94", "0"}, {"MM", "95", "0"},
	{"IR", "98", "0"},
	/* Zone 2, three digits. */
	{"SS", "211", "0"}, {"MA", "212", "0"}, {"EH", "212", "0"}, {"DZ", "213", "0"},
	{"TN", "216", ""}, {"LY", "218", "0"}, {"GM", "220", ""}, {"SN", "221", ""},
	{"MR", "222", ""}, {"ML", "223", ""}, {"GN", "224", ""}, {"CI", "225", ""},
	{"BF", "226", ""}, {"NE", "227", ""}, {"TG", "228", ""}, {"BJ", "229", ""},
	{"MU", "230", ""}, {"LR", "231", "0"}, {"SL", "232", "0"}, {"GH", "233", "0"},
	{"NG", "234", "0"}, {"TD", "235", ""}, {"CF", "236", ""}, {"CM", "237", ""},
	{"CV", "238", ""}, {"ST", "239", ""}, {"GQ", "240", ""}, {"GA", "241", ""},
	{"CG", "242", ""}, {"CD", "243", "0"}, {"AO", "244", ""}, {"GW", "245", ""},
	{"IO", "246", ""}, {"", "247", ""} /* Ascension */, {"SC", "248", ""},
	{"SD", "249", "0"}, {"RW", "250", "?0"}, {"ET", "251", "0"}, {"SO", "252", "0"},
	{"DJ", "253", ""}, {"KE", "254", "0"}, {"TZ", "255", "0"}, {"UG", "256", "0"},
	{"BI", "257", ""}, {"MZ", "258", ""}, {"ZM", "260", "0"}, {"MG", "261", "0"},
	{"RE", "262", "0"}, {"YT", "262", "0"}, {"TF", "262", "0"}, {"ZW", "263", "0"},
	{"NA", "264", "0"}, {"MW", "265", "0"}, {"LS", "266", ""}, {"BW", "267", ""},
	{"SZ", "268", ""}, {"KM", "269", ""}, {"SH", "290", ""}, {"ER", "291", "0"},
	{"AW", "297", ""}, {"FO", "298", ""}, {"GL", "299", ""},
	/* Zone 3 and 4, three digits. */
	{"GI", "350", ""}, {"PT", "351", ""}, {"LU", "352", ""}, {"IE", "353", "0"},
	{"IS", "354", ""}, {"AL", "355", "0"}, {"MT", "356", ""}, {"CY", "357", ""},
	{"FI", "358", "0"}, {"AX", "358", "0"}, {"BG", "359", "0"}, {"LT", "370", "0|8"},
	{"LV", "371", ""}, {"EE", "372", ""}, {"MD", "373", "0"}, {"AM", "374", "0"},
	{"BY", "375", "8"}, {"AD", "376", ""}, {"MC", "377", ""}, {"SM", "378", ""},
	{"", "379", ""} /* Vatican, reserved */, {"UA", "380", "0"}, {"RS", "381", "0"},
	{"ME", "382", "0"}, {"XK", "383", "0"}, {"HR", "385", "0"}, {"SI", "386", "0"},
	{"BA", "387", "0"}, {"MK", "389", "0"}, {"CZ", "420", ""}, {"SK", "421", "0"},
	{"LI", "423", ""},
	/* Zone 5, three digits. */
	{"FK", "500", ""}, {"GS", "500", ""}, {"BZ", "501", ""}, {"GT", "502", ""},
	{"SV", "503", ""}, {"HN", "504", ""}, {"NI", "505", ""}, {"CR", "506", ""},
	{"PA", "507", ""}, {"PM", "508", ""}, {"HT", "509", ""}, {"GP", "590", "0"},
	{"BL", "590", "0"}, {"MF", "590", "0"}, {"BO", "591", "0"}, {"GY", "592", ""},
	{"EC", "593", "0"}, {"GF", "594", "0"}, {"PY", "595", "0"}, {"MQ", "596", "0"},
	{"SR", "597", ""}, {"UY", "598", "0"}, {"CW", "599", ""}, {"BQ", "599", ""},
	/* Zone 6, three digits. */
	{"TL", "670", ""}, {"NF", "672", ""}, {"AQ", "672", ""}, {"HM", "672", ""},
	{"BN", "673", ""}, {"NR", "674", ""}, {"PG", "675", ""}, {"TO", "676", ""},
	{"SB", "677", ""}, {"VU", "678", ""}, {"FJ", "679", ""}, {"PW", "680", ""},
	{"WF", "681", ""}, {"CK", "682", ""}, {"NU", "683", ""}, {"WS", "685", ""},
	{"KI", "686", ""}, {"NC", "687", ""}, {"TV", "688", ""}, {"PF", "689", ""},
	{"TK", "690", ""}, {"FM", "691", ""}, {"MH", "692", ""},
	/* Zone 8: non-geographic codes and East Asia. */
	{"", "800", ""} /* freephone */, {"", "808", ""} /* shared cost */,
	{"KP", "850", "0"}, {"HK", "852", ""}, {"MO", "853", ""}, {"KH", "855", "0"},
	{"LA", "856", "0"}, {"", "870", ""} /* Inmarsat */, {"", "878", ""},
	{"BD", "880", "0"}, {"", "881", ""} /* satellite: Iridium, Globalstar */,
	{"", "882", ""} /* international networks, Thuraya */, {"", "883", ""},
	{"TW", "886", "0"}, {"", "888", ""} /* humanitarian (OCHA) */,
	/* Zone 9, three digits. */
	{"MV", "960", ""}, {"LB", "961", "0"}, {"JO", "962", "0"}, {"SY", "963", "0"},
	{"IQ", "964", "0"}, {"KW", "965", ""}, {"SA", "966", "0"}, {"YE", "967", "0"},
	{"OM", "968", ""}, {"PS", "970", "0"}, {"AE", "971", "0"}, {"IL", "972", "0"},
	{"BH", "973", ""}, {"QA", "974", ""}, {"BT", "975", ""}, {"MN", "976", "0"},
	{"NP", "977", "0"}, {"", "979", ""} /* premium rate */, {"TJ", "992", "?8"},
	{"TM", "993", "8"}, {"AZ", "994", "0"}, {"GE", "995", "0"}, {"KG", "996", "0"},
	{"UZ", "998", "?8"},
};
/* clang-format on */

#define PHONE_IN_MAX 100 /* bytes of input, separators included */
#define E164_MIN 8       /* digits with the calling code; below is not a full number */
#define E164_MAX 15      /* ITU-T E.164 */

static const struct calling *calling_by_country(const char iso[2])
{
	for (size_t i = 0; i < N(callings); i++)
		if (callings[i].iso[0] == iso[0] && callings[i].iso[1] == iso[1])
			return &callings[i];
	return NULL;
}

/* The entry whose calling code begins digits (n of them), or NULL. */
static const struct calling *calling_by_prefix(const char *digits, size_t n)
{
	for (size_t i = 0; i < N(callings); i++) {
		size_t k = strlen(callings[i].code);
		if (k <= n && memcmp(callings[i].code, digits, k) == 0)
			return &callings[i];
	}
	return NULL;
}

/*
 * Removes the trunk prefix of c from the national digits d (*n of them).
 * Returns 0, or CU_EINVALID when the country requires one and it is absent.
 */
static int strip_trunk(const struct calling *c, char *d, size_t *n)
{
	const char *t = c->trunk;
	bool optional = *t == '?';
	if (optional)
		t++;
	if (!*t)
		return 0;
	while (*t) {
		size_t k = strcspn(t, "|");
		if (*n > k && memcmp(d, t, k) == 0) {
			memmove(d, d + k, *n - k);
			*n -= k;
			return 0;
		}
		t += k + (t[k] == '|');
	}
	if (optional)
		return 0;
	return cu_error_set(CU_EINVALID,
	                    "phone number for %s in national form should begin with the trunk "
	                    "prefix %.*s (or write it in international form with + and the "
	                    "country code)",
	                    c->iso, (int)strcspn(c->trunk, "|"), c->trunk);
}

/* Inserts a '0' at position at of d (*n digits, room for one more). */
static void insert_zero(char *d, size_t *n, size_t at)
{
	memmove(d + at + 1, d + at, *n - at);
	d[at] = '0';
	(*n)++;
}

/*
 * Reading: an optional "tel:", an optional leading '+', then digits with
 * separators (spaces, '-', '.', '/', Unicode spaces and dashes) and
 * parentheses. "(0)" is the trunk prefix written beside an international
 * number ("+46 (0)70 ..."): dropped there, except for Italy, San Marino and
 * the Vatican where the 0 is part of the number. Then:
 *
 *   +CC..., 00CC...       international; CC must be an assigned code
 *   011CC... (NANP only)  international prefix of the US and Canada
 *   anything else         national: country's code + digits without trunk
 *
 * A trunk 0 written after the country code ("+46 070 ...") is dropped for
 * countries whose numbers never begin with it.
 */
int cu_ident_phone_country(const char *e164, const char *country)
{
	if (!e164 || e164[0] != '+' || !country || strlen(country) != 2)
		return 0;
	const struct calling *own = calling_by_country(country);
	if (!own)
		return 0;
	/* A code several countries share (+1, +7, +44, ...): any of its countries. */
	if (!strncmp(e164 + 1, own->code, strlen(own->code)))
		return 0;
	return cu_error_set(CU_EINVALID, "%s is not a number of country %s (calling code +%s)",
	                    e164, country, own->code);
}

int cu_ident_phone(char out[17], const char *in, const char *country)
{
	char d[E164_MAX + 8], cb[24];
	size_t nd = 0, len = capped_len(in, PHONE_IN_MAX);
	const char *s = in;
	bool plus = false, paren = false;
	long zero_at = -1; /* digit index where "(0)" stood */

	out[0] = '\0';
	if (len > PHONE_IN_MAX)
		return cu_error_set(CU_EINVALID, "phone number is longer than %d characters",
		                    PHONE_IN_MAX);
	trim(&s, &len);
	if (has_prefix(s, len, "tel:"))
		s += 4, len -= 4;
	if (!len)
		return cu_error_set(CU_EINVALID, "phone number is empty");

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		size_t u;
		if (is_digit(c)) {
			if (nd >= sizeof(d) - 1)
				return cu_error_set(
				    CU_EINVALID,
				    "phone number has more than the %d digits E.164 allows",
				    E164_MAX);
			d[nd++] = (char)c;
		} else if (c == '+') {
			if (plus || nd || paren || zero_at >= 0)
				return cu_error_set(
				    CU_EINVALID, "phone number has a '+' other than at its start");
			plus = true;
		} else if (c == '(' && i + 2 < len && s[i + 1] == '0' && s[i + 2] == ')') {
			if (zero_at >= 0)
				return cu_error_set(CU_EINVALID, "phone number has \"(0)\" twice");
			zero_at = (long)nd;
			i += 2;
		} else if (c == '(') {
			if (paren)
				return cu_error_set(CU_EINVALID,
				                    "phone number has nested parentheses");
			paren = true;
		} else if (c == ')') {
			if (!paren)
				return cu_error_set(CU_EINVALID,
				                    "phone number has unbalanced parentheses");
			paren = false;
		} else if (c == ' ' || c == '\t' || c == '-' || c == '.' || c == '/') {
			continue;
		} else if ((u = unicode_sep((const unsigned char *)s + i, len - i)) != 0) {
			i += u - 1;
		} else if (is_alpha(c)) {
			return cu_error_set(
			    CU_EINVALID,
			    "phone number contains the letter '%c'; only digits, '+', "
			    "spaces, '-', '.', '/' and parentheses are allowed",
			    c);
		} else {
			return cu_error_set(
			    CU_EINVALID,
			    "phone number contains %s; only digits, '+', spaces, '-', "
			    "'.', '/' and parentheses are allowed",
			    show(cb, c));
		}
	}
	if (paren)
		return cu_error_set(CU_EINVALID, "phone number has unbalanced parentheses");
	if (!nd)
		return cu_error_set(CU_EINVALID, "phone number has no digits");

	const struct calling *ctry = NULL;
	if (country && *country) {
		size_t cl = strnlen(country, 3);
		char iso[2] = {to_upper((unsigned char)country[0]),
		               cl > 1 ? to_upper((unsigned char)country[1]) : 0};
		if (cl == 2)
			ctry = calling_by_country(iso);
		if (!ctry)
			return cu_error_set(
			    CU_EINVALID,
			    "country \"%.8s\" is not an ISO 3166-1 alpha-2 code with a "
			    "known calling code",
			    country);
	}

	/* Where the international number starts in d, if it is one. */
	size_t skip = 0;
	bool intl = plus;
	if (!plus && nd >= 2 && d[0] == '0' && d[1] == '0')
		intl = true, skip = 2;
	else if (!plus && ctry && strcmp(ctry->code, "1") == 0 && nd >= 3 &&
	         memcmp(d, "011", 3) == 0)
		intl = true, skip = 3;

	char e[E164_MAX + 8]; /* calling code + national significant number */
	size_t ne;
	const struct calling *cc;
	if (intl) {
		if (zero_at >= 0 && zero_at < (long)skip)
			return cu_error_set(CU_EINVALID,
			                    "phone number has \"(0)\" before its country code");
		ne = nd - skip;
		memcpy(e, d + skip, ne);
		if (!ne || e[0] == '0')
			return cu_error_set(CU_EINVALID,
			                    "phone number has no country code after %s",
			                    plus ? "'+'" : "the international prefix");
		cc = calling_by_prefix(e, ne);
		if (!cc)
			return cu_error_set(CU_EINVALID,
			                    "phone number +%.4s... does not begin with an assigned "
			                    "country calling code",
			                    e);
		size_t k = strlen(cc->code);
		if (zero_at >= 0) {
			size_t at = (size_t)zero_at - skip;
			if (at < k)
				return cu_error_set(
				    CU_EINVALID,
				    "phone number has \"(0)\" inside its country code");
			if (strcmp(cc->code, "39") == 0 || strcmp(cc->code, "378") == 0)
				insert_zero(e, &ne, at);
		}
		if (strcmp(cc->trunk, "0") == 0 && ne > k && e[k] == '0') {
			memmove(e + k, e + k + 1, ne - k - 1);
			ne--;
		}
	} else {
		if (!ctry)
			return cu_error_set(CU_EINVALID,
			                    "phone number in national form needs a country");
		if (zero_at >= 0)
			insert_zero(d, &nd, (size_t)zero_at);
		int r = strip_trunk(ctry, d, &nd);
		if (r)
			return r;
		cc = ctry;
		size_t k = strlen(cc->code);
		if (k + nd > sizeof(e))
			return cu_error_set(CU_EINVALID,
			                    "phone number has more than the %d digits E.164 allows",
			                    E164_MAX);
		memcpy(e, cc->code, k);
		memcpy(e + k, d, nd);
		ne = k + nd;
	}

	/*
	 * No national number begins with a trunk prefix 0: what is left after one
	 * is a mistake ("+60 00 ...", "(0)0 ..."), and keeping it would make a
	 * normal form that loses the 0 when normalised again (+600130001 ->
	 * +60130001), so that two spellings of one number would not meet.
	 */
	size_t kc = strlen(cc->code);
	if (strcmp(cc->trunk, "0") == 0 && ne > kc && e[kc] == '0')
		return cu_error_set(CU_EINVALID, "phone number has a second 0 after its "
		                    "country code +%s", cc->code);
	if (ne < E164_MIN)
		return cu_error_set(CU_EINVALID,
		                    "phone number has %zu digits with its country code; a full "
		                    "number has at least %d",
		                    ne, E164_MIN);
	if (ne > E164_MAX)
		return cu_error_set(
		    CU_EINVALID,
		    "phone number has %zu digits with its country code; E.164 allows "
		    "at most %d",
		    ne, E164_MAX);
	if (strcmp(cc->code, "1") == 0 && (ne != 11 || e[1] < '2' || e[4] < '2'))
		return cu_error_set(
		    CU_EINVALID, "phone number +1 (US, Canada, Caribbean) must have 10 digits "
		                 "after +1, with area code and exchange not beginning with 0 or 1");
	out[0] = '+';
	memcpy(out + 1, e, ne);
	out[ne + 1] = '\0';
	return 0;
}

/* ---- IBAN (ISO 13616) ------------------------------------------------- */

/*
 * IBAN lengths by country, from the SWIFT IBAN Registry (release 97 and
 * later, 2024: Honduras and Yemen included; Russia included since 2022).
 * Territories that use their parent's prefix (AX, GF, JE, ...) are not
 * listed: their IBANs begin FI, FR, GB, ... National "IBAN-like" formats
 * outside the registry (DZ, MA, IR, ...) are refused as unknown.
 */
/* clang-format off */
static const struct {
	char cc[3];
	unsigned char len;
} iban_lens[] = {
	{"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16},
	{"BG", 22}, {"BH", 22}, {"BI", 27}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22},
	{"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DJ", 27}, {"DK", 18}, {"DO", 28}, {"EE", 20},
	{"EG", 29}, {"ES", 24}, {"FI", 18}, {"FK", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22},
	{"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HN", 28}, {"HR", 21},
	{"HU", 28}, {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30},
	{"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LC", 32}, {"LI", 21}, {"LT", 20}, {"LU", 20},
	{"LV", 21}, {"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19}, {"MN", 20},
	{"MR", 27}, {"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18}, {"NO", 15}, {"OM", 23},
	{"PK", 24}, {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22},
	{"RU", 33}, {"SA", 24}, {"SC", 31}, {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24},
	{"SM", 27}, {"SO", 23}, {"ST", 25}, {"SV", 28}, {"TL", 23}, {"TN", 24}, {"TR", 26},
	{"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20}, {"YE", 30},
};
/* clang-format on */

#define IBAN_IN_MAX 100
#define IBAN_MAX 34

/*
 * ISO 7064 MOD 97-10 over the IBAN moved round (BBAN, then country and
 * check digits), letters counting as 10..35. The number has up to 68
 * decimal digits, so it is reduced as it is read: the remainder after each
 * chunk (one digit, or two for a letter) is below 97, and 97 * 100 + 99
 * fits any int.
 */
static unsigned iban_mod97(const char *iban, size_t n)
{
	unsigned r = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)iban[(i + 4) % n];
		if (is_digit(c))
			r = (r * 10 + (c - '0')) % 97;
		else
			r = (r * 100 + (c - 'A' + 10)) % 97;
	}
	return r;
}

int cu_ident_iban(char out[35], const char *in)
{
	char v[IBAN_MAX + 1], cb[24];
	size_t n = 0, len = capped_len(in, IBAN_IN_MAX);
	const char *s = in;

	out[0] = '\0';
	if (len > IBAN_IN_MAX)
		return cu_error_set(CU_EINVALID, "IBAN is longer than %d characters", IBAN_IN_MAX);
	trim(&s, &len);
	if (has_prefix(s, len, "iban") && len > 4 && (s[4] == ' ' || s[4] == ':')) {
		s += 5, len -= 5;
		trim(&s, &len);
	}
	if (!len)
		return cu_error_set(CU_EINVALID, "IBAN is empty");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		size_t u;
		if (is_alnum(c)) {
			if (n == IBAN_MAX)
				return cu_error_set(CU_EINVALID, "IBAN has more than %d characters",
				                    IBAN_MAX);
			v[n++] = to_upper(c);
		} else if (c == ' ' || c == '-' || c == '\t') {
			continue;
		} else if ((u = unicode_sep((const unsigned char *)s + i, len - i)) != 0) {
			i += u - 1;
		} else {
			return cu_error_set(
			    CU_EINVALID,
			    "IBAN contains %s; only letters A-Z, digits, spaces and "
			    "hyphens are allowed",
			    show(cb, c));
		}
	}
	v[n] = '\0';
	if (n < 2 || !is_upper((unsigned char)v[0]) || !is_upper((unsigned char)v[1]))
		return cu_error_set(CU_EINVALID, "IBAN must begin with a two-letter country code");
	size_t want = 0;
	for (size_t i = 0; i < N(iban_lens); i++)
		if (iban_lens[i].cc[0] == v[0] && iban_lens[i].cc[1] == v[1])
			want = iban_lens[i].len;
	if (!want)
		return cu_error_set(CU_EINVALID, "unknown IBAN country %.2s", v);
	if (n != want)
		return cu_error_set(CU_EINVALID, "IBAN for %.2s has %zu characters, not %zu", v,
		                    want, n);
	if (!is_digit((unsigned char)v[2]) || !is_digit((unsigned char)v[3]))
		return cu_error_set(CU_EINVALID,
		                    "IBAN check digits (characters 3 and 4) must be digits");
	/* Check digits are 02..98 (ISO 13616); 00, 01 and 99 never verify. */
	if (memcmp(v + 2, "00", 2) == 0 || memcmp(v + 2, "01", 2) == 0 ||
	    memcmp(v + 2, "99", 2) == 0 || iban_mod97(v, n) != 1)
		return cu_error_set(CU_EINVALID, "IBAN check digits do not match");
	memcpy(out, v, n + 1);
	return 0;
}

/* ---- E-mail ----------------------------------------------------------- */

#define EMAIL_IN_MAX 1000
#define EMAIL_MAX 254 /* RFC 5321 path limit less the angle brackets */
#define EMAIL_LOCAL_MAX 64
#define EMAIL_LABEL_MAX 63

/* RFC 5322 atext: the characters of an unquoted local part besides '.'. */
static bool is_atext(unsigned c)
{
	return is_alnum(c) || (c && strchr("!#$%&'*+/=?^_`{|}~-", (int)c) != NULL);
}

/*
 * Accepts addr-spec of RFC 5322 in its common form: a dot-atom local part
 * (no quoted strings, no comments) and a host name of dot-separated labels
 * [A-Za-z0-9-] with at least one dot. Only ASCII: internationalised domains
 * must be written as A-labels ("xn--..."), and UTF-8 local parts (RFC 6531)
 * are refused, because matching compares bytes and the same mailbox must
 * have one spelling. The domain is lower-cased; the local part is kept as
 * written (RFC 5321 lets its case matter).
 */
int cu_ident_email(char *out, size_t outsz, const char *in)
{
	char cb[24];
	size_t len = capped_len(in, EMAIL_IN_MAX);
	const char *s = in;

	if (outsz)
		out[0] = '\0';
	if (len > EMAIL_IN_MAX)
		return cu_error_set(CU_EINVALID, "e-mail address is longer than %d characters",
		                    EMAIL_MAX);
	trim(&s, &len);
	if (has_prefix(s, len, "mailto:"))
		s += 7, len -= 7;
	if (!len)
		return cu_error_set(CU_EINVALID, "e-mail address is empty");
	if (len > EMAIL_MAX)
		return cu_error_set(CU_EINVALID, "e-mail address has %zu characters, more than %d",
		                    len, EMAIL_MAX);
	const char *at = memchr(s, '@', len);
	if (!at)
		return cu_error_set(CU_EINVALID, "e-mail address has no '@'");
	if (memchr(at + 1, '@', len - (size_t)(at - s) - 1))
		return cu_error_set(CU_EINVALID, "e-mail address has more than one '@'");
	size_t nl = (size_t)(at - s), nd = len - nl - 1;
	const char *dom = at + 1;

	if (!nl)
		return cu_error_set(CU_EINVALID, "e-mail address has nothing before the '@'");
	if (nl > EMAIL_LOCAL_MAX)
		return cu_error_set(CU_EINVALID,
		                    "e-mail local part has %zu characters, more than %d", nl,
		                    EMAIL_LOCAL_MAX);
	for (size_t i = 0; i < nl; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80)
			return cu_error_set(CU_EINVALID,
			                    "e-mail address has a non-ASCII local part; only ASCII "
			                    "addresses are accepted");
		if (c == '.') {
			if (i == 0 || i == nl - 1 || s[i - 1] == '.')
				return cu_error_set(
				    CU_EINVALID,
				    "e-mail local part has a '.' at its start or end, or "
				    "two in a row");
		} else if (!is_atext(c)) {
			return cu_error_set(CU_EINVALID,
			                    "e-mail local part contains %s, which is not allowed "
			                    "unquoted",
			                    show(cb, c));
		}
	}

	if (!nd)
		return cu_error_set(CU_EINVALID, "e-mail address has no domain after the '@'");
	if (!memchr(dom, '.', nd))
		return cu_error_set(CU_EINVALID, "e-mail domain \"%.*s\" has no dot", (int)nd, dom);
	size_t label = 0;
	bool alldigit = true;
	for (size_t i = 0; i <= nd; i++) {
		unsigned char c = i < nd ? (unsigned char)dom[i] : '.';
		if (c == '.') {
			if (!label)
				return cu_error_set(CU_EINVALID,
				                    "e-mail domain has an empty label");
			if (dom[i - 1] == '-')
				return cu_error_set(CU_EINVALID,
				                    "e-mail domain has a label ending with '-'");
			if (i == nd)
				break; /* alldigit now says whether the last label is numeric */
			label = 0;
			alldigit = true;
			continue;
		}
		if (c >= 0x80)
			return cu_error_set(CU_EINVALID,
			                    "e-mail domain is not ASCII; write internationalised "
			                    "domains as A-labels (xn--...)");
		if (!is_alnum(c) && c != '-')
			return cu_error_set(CU_EINVALID, "e-mail domain contains %s", show(cb, c));
		if (c == '-' && !label)
			return cu_error_set(CU_EINVALID,
			                    "e-mail domain has a label beginning with '-'");
		if (++label > EMAIL_LABEL_MAX)
			return cu_error_set(CU_EINVALID,
			                    "e-mail domain has a label longer than %d characters",
			                    EMAIL_LABEL_MAX);
		alldigit = alldigit && is_digit(c);
	}
	if (alldigit)
		return cu_error_set(CU_EINVALID,
		                    "e-mail domain ends in a numeric label; addresses at IP "
		                    "addresses are not accepted");
	if (outsz <= len)
		return cu_error_set(CU_ETOOBIG,
		                    "output buffer of %zu bytes is too small for the "
		                    "e-mail address",
		                    outsz);
	memcpy(out, s, nl + 1);
	for (size_t i = 0; i < nd; i++)
		out[nl + 1 + i] = to_lower((unsigned char)dom[i]);
	out[len] = '\0';
	return 0;
}

/* ---- Ships: IMO and MMSI ---------------------------------------------- */

/*
 * Collects exactly want (at most 15) digits of in, skipping spaces, after an
 * optional case-insensitive word ("IMO", "MMSI") with an optional ':'.
 */
static int ship_digits(char *out, const char *in, const char *word, const char *what, size_t want)
{
	char d[16], cb[24];
	size_t len = capped_len(in, 64), nd = 0;
	const char *s = in;

	out[0] = '\0';
	if (len > 64)
		return cu_error_set(CU_EINVALID, "%s number is longer than 64 characters", what);
	trim(&s, &len);
	if (has_prefix(s, len, word)) {
		s += strlen(word), len -= strlen(word);
		trim(&s, &len);
		if (len && *s == ':')
			s++, len--;
	}
	if (!len)
		return cu_error_set(CU_EINVALID, "%s number is empty", what);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '\t')
			continue;
		if (!is_digit(c))
			return cu_error_set(CU_EINVALID,
			                    "%s number contains %s; it has %zu digits only", what,
			                    show(cb, c), want);
		if (nd == want)
			return cu_error_set(CU_EINVALID, "%s number has more than %zu digits", what,
			                    want);
		d[nd++] = (char)c;
	}
	if (nd != want)
		return cu_error_set(CU_EINVALID, "%s number has %zu digits, not %zu", what, nd,
		                    want);
	memcpy(out, d, nd);
	out[nd] = '\0';
	return 0;
}

/*
 * IMO ship identification number: six digits and a check digit, the sum of
 * the six weighted 7, 6, 5, 4, 3, 2, modulo 10 (IMO resolution A.1117(30)).
 */
int cu_ident_imo(char out[8], const char *in)
{
	int r = ship_digits(out, in, "imo", "IMO", 7);
	if (r)
		return r;
	unsigned sum = 0;
	for (int i = 0; i < 6; i++)
		sum += (unsigned)(out[i] - '0') * (unsigned)(7 - i);
	if (sum % 10 != (unsigned)(out[6] - '0')) {
		out[0] = '\0';
		return cu_error_set(
		    CU_EINVALID, "IMO number check digit does not match (expected %u)", sum % 10);
	}
	/* Its check digit holds, yet it is ship data's "unknown": two unrelated
	 * vessels would match on it. */
	if (!strcmp(out, "0000000")) {
		out[0] = '\0';
		return cu_error_set(CU_EINVALID, "IMO number 0000000 is no ship's (it stands for an "
		                    "unknown number: leave it out)");
	}
	return 0;
}

/*
 * MMSI (ITU-R M.585): nine digits carrying the Maritime Identification Digits
 * of the flag, 201-775, where the format puts them: a ship MIDxxxxxx, a
 * group of ships 0MIDxxxxx, a coast station 00MIDxxxx, a SAR aircraft
 * 111MIDxxx, a craft of a parent ship 98MIDxxxx, an aid to navigation
 * 99MIDxxxx, a handheld radio 8MIDxxxxx; AIS-SART, MOB and EPIRB-AIS devices
 * (970, 972, 974) carry none. 000000000, ship data's "unknown", has no MID.
 */
int cu_ident_mmsi(char out[10], const char *in)
{
	int r = ship_digits(out, in, "mmsi", "MMSI", 9);
	if (r)
		return r;
	if (!strncmp(out, "970", 3) || !strncmp(out, "972", 3) || !strncmp(out, "974", 3))
		return 0;
	size_t at = !strncmp(out, "111", 3)                                  ? 3
	            : !strncmp(out, "00", 2) || !strncmp(out, "98", 2) ||
	                      !strncmp(out, "99", 2)                         ? 2
	            : out[0] == '0' || out[0] == '8'                         ? 1
	                                                                     : 0;
	int mid = (out[at] - '0') * 100 + (out[at + 1] - '0') * 10 + (out[at + 2] - '0');
	if (mid < 201 || mid > 775) {
		char shown[10];
		snprintf(shown, sizeof(shown), "%s", out);
		out[0] = '\0';
		return cu_error_set(CU_EINVALID, "MMSI %s carries no country (its MID %03d is not "
		                    "201-775)%s", shown, mid,
		                    !strcmp(shown, "000000000") ? ": it stands for an unknown number,"
		                    " leave it out" : "");
	}
	return 0;
}

/* ---- Plates and document numbers -------------------------------------- */

#define CODE_IN_MAX 256
#define CODE_MAX 32

/*
 * Non-ASCII letters with one Latin form on plates and in police databases:
 * the Cyrillic letters that Russian, Ukrainian, Belarusian and Serbian
 * plates share with Latin (А В Е К М Н О Р С Т У Х, and Ukrainian І), the
 * Greek capitals used on Greek plates (Α Β Ε Ζ Η Ι Κ Μ Ν Ο Ρ Τ Υ Χ), and the
 * Latin letters with diacritics of Balkan plates (Č Ć Đ Š Ž), which ANPR
 * cameras and foreign databases read without their marks.
 */
/* clang-format off */
static const struct {
	unsigned cp;
	char latin;
} lookalikes[] = {
	/* Cyrillic capitals and small letters. */
	{0x0410, 'A'}, {0x0412, 'B'}, {0x0415, 'E'}, {0x041A, 'K'}, {0x041C, 'M'},
	{0x041D, 'H'}, {0x041E, 'O'}, {0x0420, 'P'}, {0x0421, 'C'}, {0x0422, 'T'},
	{0x0423, 'Y'}, {0x0425, 'X'}, {0x0406, 'I'},
	{0x0430, 'A'}, {0x0432, 'B'}, {0x0435, 'E'}, {0x043A, 'K'}, {0x043C, 'M'},
	{0x043D, 'H'}, {0x043E, 'O'}, {0x0440, 'P'}, {0x0441, 'C'}, {0x0442, 'T'},
	{0x0443, 'Y'}, {0x0445, 'X'}, {0x0456, 'I'},
	/* Greek capitals. */
	{0x0391, 'A'}, {0x0392, 'B'}, {0x0395, 'E'}, {0x0396, 'Z'}, {0x0397, 'H'},
	{0x0399, 'I'}, {0x039A, 'K'}, {0x039C, 'M'}, {0x039D, 'N'}, {0x039F, 'O'},
	{0x03A1, 'P'}, {0x03A4, 'T'}, {0x03A5, 'Y'}, {0x03A7, 'X'},
	/* Latin with diacritics (Serbian, Croatian, Bosnian, Montenegrin, Slovene). */
	{0x010C, 'C'}, {0x010D, 'C'}, {0x0106, 'C'}, {0x0107, 'C'}, {0x0110, 'D'},
	{0x0111, 'D'}, {0x0160, 'S'}, {0x0161, 'S'}, {0x017D, 'Z'}, {0x017E, 'Z'},
};
/* clang-format on */

/* Decodes one 2-byte UTF-8 sequence at p (rem bytes left); 0 if not one. */
static unsigned utf8_two(const unsigned char *p, size_t rem)
{
	if (rem < 2 || (p[0] & 0xe0) != 0xc0 || (p[1] & 0xc0) != 0x80)
		return 0;
	unsigned cp = ((unsigned)(p[0] & 0x1f) << 6) | (p[1] & 0x3f);
	return cp >= 0x80 ? cp : 0;
}

int cu_ident_code(char *out, size_t outsz, const char *in)
{
	char v[CODE_MAX + 1], cb[24];
	size_t n = 0, len = capped_len(in, CODE_IN_MAX);
	const char *s = in;

	if (outsz)
		out[0] = '\0';
	if (len > CODE_IN_MAX)
		return cu_error_set(CU_EINVALID, "code is longer than %d characters", CODE_IN_MAX);
	trim(&s, &len);
	for (size_t i = 0; i < len; i++) {
		const unsigned char *p = (const unsigned char *)s + i;
		char add = 0;
		size_t u;
		if (is_alnum(*p)) {
			add = to_upper(*p);
		} else if (*p == ' ' || *p == '\t' || *p == '-' || *p == '.' || *p == '/') {
			continue;
		} else if ((u = unicode_sep(p, len - i)) != 0) {
			i += u - 1;
			continue;
		} else if (*p >= 0x80) {
			unsigned cp = utf8_two(p, len - i);
			for (size_t k = 0; cp && k < N(lookalikes); k++)
				if (lookalikes[k].cp == cp)
					add = lookalikes[k].latin;
			if (!add && cp)
				return cu_error_set(
				    CU_EINVALID,
				    "code contains U+%04X, a letter with no Latin form on "
				    "plates; write the code in Latin letters",
				    cp);
			if (!add)
				return cu_error_set(
				    CU_EINVALID,
				    "code contains a character that is neither a Latin "
				    "letter nor a digit; write it in Latin letters");
			i++;
		} else {
			return cu_error_set(
			    CU_EINVALID,
			    "code contains %s; only letters, digits, spaces, '-', '.' "
			    "and '/' are allowed",
			    show(cb, *p));
		}
		if (n == CODE_MAX)
			return cu_error_set(CU_EINVALID, "code has more than %d letters and digits",
			                    CODE_MAX);
		v[n++] = add;
	}
	if (!n)
		return cu_error_set(CU_EINVALID,
		                    "code is empty once spaces and separators are removed");
	if (outsz <= n)
		return cu_error_set(CU_ETOOBIG,
		                    "output buffer of %zu bytes is too small for the code", outsz);
	memcpy(out, v, n);
	out[n] = '\0';
	return 0;
}

/* ---- Crypto wallets --------------------------------------------------- */

#define WALLET_IN_MAX 1000
#define WALLET_MAX 100
#define WALLET_MIN 20

static const char bech32_charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
static const char base58_alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

enum { BECH32 = 1, BECH32M = 2 };

/* The BCH code of BIP-173: one step of the checksum over GF(32). */
static uint32_t bech32_step(uint32_t chk, unsigned v)
{
	static const uint32_t gen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
	uint32_t top = chk >> 25;
	chk = ((chk & 0x1ffffff) << 5) ^ v;
	for (int i = 0; i < 5; i++)
		if ((top >> i) & 1)
			chk ^= gen[i];
	return chk;
}

/*
 * Decodes a lower-case bech32 string s (n bytes, separator at sep) into its
 * 5-bit data values (checksum included) and returns BECH32, BECH32M, or 0
 * when the checksum is neither (BIP-173, BIP-350). The caller has checked
 * the characters; data has room for n values.
 */
static int bech32_check(const char *s, size_t n, size_t sep, uint8_t *data)
{
	uint32_t chk = 1;
	for (size_t i = 0; i < sep; i++)
		chk = bech32_step(chk, (unsigned char)s[i] >> 5);
	chk = bech32_step(chk, 0);
	for (size_t i = 0; i < sep; i++)
		chk = bech32_step(chk, (unsigned char)s[i] & 31);
	for (size_t i = sep + 1; i < n; i++) {
		data[i - sep - 1] = (uint8_t)(strchr(bech32_charset, s[i]) - bech32_charset);
		chk = bech32_step(chk, data[i - sep - 1]);
	}
	return chk == 1 ? BECH32 : chk == 0x2bc830a3 ? BECH32M : 0;
}

/*
 * Whether s (n bytes, lower-cased already) has the shape of bech32: a
 * human-readable part of [a-z0-9], '1', and at least six data characters
 * of the bech32 charset. *sep receives the separator's position.
 */
static bool bech32_shape(const char *s, size_t n, size_t *sep)
{
	const char *one = NULL;
	for (size_t i = n; i > 0 && !one; i--)
		if (s[i - 1] == '1')
			one = s + i - 1;
	if (!one || one == s || n - (size_t)(one - s) - 1 < 6)
		return false;
	*sep = (size_t)(one - s);
	for (size_t i = 0; i < *sep; i++)
		if (!is_lower((unsigned char)s[i]) && !is_digit((unsigned char)s[i]))
			return false;
	for (size_t i = *sep + 1; i < n; i++)
		if (!strchr(bech32_charset, s[i]))
			return false;
	return true;
}

/*
 * A native segwit address (BIP-173, BIP-350) with the "bc" (mainnet) or
 * "tb" (testnet) prefix, s lower-cased: the checksum, then the witness
 * version (0..16), the 8-bit program regrouped from 5-bit values with at
 * most 4 bits of zero padding, its length (2..40 bytes; 20 or 32 for
 * version 0), and bech32 for version 0, bech32m for the others.
 */
static int segwit_check(const char *s, size_t n)
{
	uint8_t data[WALLET_MAX];
	size_t sep;
	if (n > 90)
		return cu_error_set(CU_EINVALID, "segwit address has %zu characters, more than 90",
		                    n);
	if (!bech32_shape(s, n, &sep))
		return cu_error_set(CU_EINVALID,
		                    "segwit address has a character outside the bech32 set");
	if (sep != 2)
		return cu_error_set(CU_EINVALID, "segwit address has an unknown prefix");
	int kind = bech32_check(s, n, sep, data);
	if (!kind)
		return cu_error_set(CU_EINVALID, "segwit address checksum does not match");
	size_t nd = n - sep - 1 - 6;
	if (nd < 1)
		return cu_error_set(CU_EINVALID, "segwit address has no data");
	unsigned ver = data[0];
	if (ver > 16)
		return cu_error_set(CU_EINVALID, "segwit address has witness version %u, above 16",
		                    ver);
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t prog = 0;
	for (size_t i = 1; i < nd; i++) {
		acc = ((acc << 5) | data[i]) & 0xfff;
		bits += 5;
		if (bits >= 8)
			bits -= 8, prog++;
	}
	if (bits > 4 || (acc & ((1u << bits) - 1)) != 0)
		return cu_error_set(CU_EINVALID, "segwit address has invalid padding");
	if (prog < 2 || prog > 40)
		return cu_error_set(CU_EINVALID,
		                    "segwit address has a program of %zu bytes, not 2 to 40", prog);
	if (ver == 0 && prog != 20 && prog != 32)
		return cu_error_set(
		    CU_EINVALID,
		    "segwit version 0 address has a program of %zu bytes, not 20 or "
		    "32",
		    prog);
	if ((ver == 0) != (kind == BECH32))
		return cu_error_set(
		    CU_EINVALID, "segwit version %u address uses the %s checksum; it needs %s", ver,
		    kind == BECH32 ? "bech32" : "bech32m", ver == 0 ? "bech32" : "bech32m");
	return 0;
}

/*
 * The forms, tried in this order:
 *
 *   0x + 40 hex            Ethereum (and EVM chains); lower-cased, so the
 *                          EIP-55 mixed-case checksum (Keccak) is not checked
 *   bc1... / tb1...        Bitcoin segwit, checksum and program checked
 *   1... / 3..., 25..34    Bitcoin legacy base58; alphabet and length only:
 *                          the base58check checksum needs SHA-256, which
 *                          cu_match does not link
 *   any bech32             other chains (ltc1..., cosmos1...) when the
 *                          checksum holds; lower-cased
 *   base58 or hex, 20..100 kept as written (Monero, Tron, XRP, ...)
 *
 * Bech32 is case-insensitive but never mixed-case; base58 is case-sensitive.
 */
int cu_ident_wallet(char *out, size_t outsz, const char *in)
{
	char v[WALLET_MAX + 1], low[WALLET_MAX + 1], cb[24];
	size_t len = capped_len(in, WALLET_IN_MAX);
	const char *s = in;

	if (outsz)
		out[0] = '\0';
	if (len > WALLET_IN_MAX)
		return cu_error_set(CU_EINVALID, "wallet address is longer than %d characters",
		                    WALLET_MAX);
	trim(&s, &len);
	if (!len)
		return cu_error_set(CU_EINVALID, "wallet address is empty");
	if (len > WALLET_MAX)
		return cu_error_set(CU_EINVALID, "wallet address has %zu characters, more than %d",
		                    len, WALLET_MAX);
	bool upper = false, lower = false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!is_alnum(c))
			return cu_error_set(CU_EINVALID,
			                    "wallet address contains %s; addresses are letters and "
			                    "digits only",
			                    show(cb, c));
		upper |= is_upper(c), lower |= is_lower(c);
		v[i] = (char)c;
		low[i] = to_lower(c);
	}
	v[len] = low[len] = '\0';
	const char *res = v;

	if (has_prefix(v, len, "0x")) {
		if (len != 42)
			return cu_error_set(CU_EINVALID,
			                    "Ethereum address has %zu characters after 0x, not 40",
			                    len - 2);
		for (size_t i = 2; i < len; i++)
			if (!is_hex((unsigned char)v[i]))
				return cu_error_set(
				    CU_EINVALID, "Ethereum address contains '%c', which is not hex",
				    v[i]);
		low[1] = 'x';
		res = low;
	} else if (has_prefix(v, len, "bc1") || has_prefix(v, len, "tb1")) {
		if (upper && lower)
			return cu_error_set(CU_EINVALID,
			                    "segwit address mixes upper and lower case");
		int r = segwit_check(low, len);
		if (r)
			return r;
		res = low;
	} else if ((v[0] == '1' || v[0] == '3') && len >= 25 && len <= 34 &&
	           strspn(v, base58_alphabet) == len) {
		res = v;
	} else {
		size_t sep;
		uint8_t data[WALLET_MAX];
		if (!(upper && lower) && len >= WALLET_MIN && bech32_shape(low, len, &sep) &&
		    bech32_check(low, len, sep, data)) {
			res = low;
		} else if (len < WALLET_MIN) {
			return cu_error_set(
			    CU_EINVALID,
			    "wallet address has %zu characters; addresses have %d to %d", len,
			    WALLET_MIN, WALLET_MAX);
		} else if (strspn(v, base58_alphabet) != len &&
		           strspn(low, "0123456789abcdef") != len) {
			return cu_error_set(
			    CU_EINVALID,
			    "wallet address is neither base58 (it contains '%c') nor hex "
			    "(it contains '%c') nor bech32 with a valid checksum",
			    v[strspn(v, base58_alphabet)], v[strspn(low, "0123456789abcdef")]);
		}
	}
	if (outsz <= len)
		return cu_error_set(
		    CU_ETOOBIG, "output buffer of %zu bytes is too small for the wallet address",
		    outsz);
	memcpy(out, res, len + 1);
	return 0;
}
