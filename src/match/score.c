/* SPDX-License-Identifier: Apache-2.0 */
/* match: match records (names, date of birth, nationalities, identifiers), their encoding and score. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match/match.h"

/* norm.c, module-internal (see there): tagged normalisation and the
 * prepared form of a name that scoring reads. */
int cu_name_normalise_tagged(char *out, size_t outsz, const char *utf8, size_t len, int cls,
			     uint8_t *tags, size_t ntags);
bool cu_name_tag_valid(uint8_t tag);
size_t cu_name_tag_slots(const char *norm, size_t len);
int cu_name_prepare(uint8_t *out, size_t outsz, const char *name, size_t len, const uint8_t *tags,
		    size_t ntags);
size_t cu_name_prepared_tags(const char *name, uint8_t *tags, size_t cap);
double cu_name_similarity_prepared(const char *a, const char *b, char *explain, size_t explainsz);
int cu_name_wade_giles(char *out, size_t outsz, const char *norm);

#define NAME_TAGS 64 /* at least norm.c's token limit */
#define PREP_CAP 16384 /* at least norm.c's PREP_MAX */

static const char *const KIND_NAMES[CU_MK_COUNT] = {
	"person", "organisation", "phone", "email", "vehicle", "vessel",
	"iban", "wallet", "document", "place",
};

const char *cu_mkind_name(int kind)
{
	return kind >= 0 && kind < CU_MK_COUNT ? KIND_NAMES[kind] : "unknown";
}

int cu_mkind_parse(const char *name)
{
	if (!name)
		return -1;
	for (int i = 0; i < CU_MK_COUNT; i++)
		if (strcmp(KIND_NAMES[i], name) == 0)
			return i;
	if (strcmp(name, "organization") == 0 || strcmp(name, "org") == 0)
		return CU_MK_ORG;
	if (strcmp(name, "iddoc") == 0 || strcmp(name, "doc") == 0)
		return CU_MK_IDDOC;
	return -1;
}

/* ---- Records ---------------------------------------------------------------
 *
 * All text of a record lives in one block of NUL-terminated strings; the
 * offsets index it:
 *
 *   text: "djordje petrovic\0<prep>dorde petrovic\0<prep>phone:+381641234567\0"
 *          ^name_off[0]              ^name_off[1]            ^id_off[0]
 *
 * Names are kept normalised (cu_name_normalise), so scoring never calls ICU,
 * and each is followed by its prepared form <prep> (cu_name_prepare in
 * norm.c: per token its phonetic key, consonant skeleton, particle and
 * patronymic flags, the script it was written in, letter masks), so scoring
 * computes nothing that depends on one name only and allocates nothing.
 * The block stays below 64 KiB (offsets are 16-bit).
 */
#define TEXT_MAX 65535u

void cu_mrec_init(cu_mrec *r, int kind)
{
	memset(r, 0, sizeof *r);
	r->kind = (uint8_t)(kind >= 0 && kind < CU_MK_COUNT ? kind : CU_MK_PERSON);
}

void cu_mrec_free(cu_mrec *r)
{
	if (!r)
		return;
	free(r->text);
	int kind = r->kind;
	cu_mrec_init(r, kind);
}

/* Appends s (n bytes), a NUL and x (xn bytes); returns the offset of s or
 * a negative code. */
static int text_add(cu_mrec *r, const char *s, size_t n, const void *x, size_t xn)
{
	if ((size_t)r->len + n + 1 + xn > TEXT_MAX)
		return cu_error_set(CU_ETOOBIG, "match record: more than %u bytes of text", TEXT_MAX);
	if (r->len + n + 1 + xn > r->cap) {
		uint32_t cap = r->cap ? r->cap : 128;
		while (cap < r->len + n + 1 + xn)
			cap *= 2;
		char *t = realloc(r->text, cap);
		if (!t)
			return cu_error_set(CU_ENOMEM, "match record: out of memory");
		r->text = t;
		r->cap = cap;
	}
	int off = (int)r->len;
	memcpy(r->text + r->len, s, n);
	r->text[r->len + n] = 0;
	if (xn)
		memcpy(r->text + r->len + n + 1, x, xn);
	r->len += (uint32_t)(n + 1 + xn);
	return off;
}

static int name_class(int kind)
{
	return kind == CU_MK_ORG ? CU_NAME_ORG : kind == CU_MK_PLACE ? CU_NAME_PLACE
								: CU_NAME_PERSON;
}

/* Appends a normalised name with its prepared form. */
static int name_append(cu_mrec *r, const char *norm, size_t n, const uint8_t *tags, size_t ntags)
{
	if (r->nnames >= CU_MREC_NAMES)
		return cu_error_set(CU_ETOOBIG, "match record: more than %d names", CU_MREC_NAMES);
	uint8_t prep[PREP_CAP];
	int pl = cu_name_prepare(prep, sizeof prep, norm, n, tags, ntags);
	if (pl < 0)
		return pl;
	int off = text_add(r, norm, n, prep, (size_t)pl);
	if (off < 0)
		return off;
	r->name_off[r->nnames++] = (uint16_t)off;
	return 0;
}

/* Whether the record has this normalised name already. */
static bool holds_name(const cu_mrec *r, const char *norm)
{
	for (int i = 0; i < r->nnames; i++)
		if (strcmp(cu_mrec_name(r, i), norm) == 0)
			return true;
	return false;
}

int cu_mrec_add_name(cu_mrec *r, const char *utf8)
{
	if (!utf8)
		return cu_error_set(CU_EINVALID, "name: empty");
	char norm[4 * CU_NAME_MAX + 16];
	uint8_t tags[NAME_TAGS];
	int n = cu_name_normalise_tagged(norm, sizeof norm, utf8, strlen(utf8), name_class(r->kind),
					 tags, sizeof tags);
	if (n < 0)
		return n;
	if (holds_name(r, norm))
		return 0;
	int e = name_append(r, norm, (size_t)n, tags, sizeof tags);
	/* A Chinese name in Wade-Giles is matched in its pinyin reading too, as
	 * a name of its own (all Latin), if there is room for it. */
	char py[4 * CU_NAME_MAX + 16];
	int pn;
	if (e == 0 && r->kind == CU_MK_PERSON && r->nnames < CU_MREC_NAMES &&
	    (pn = cu_name_wade_giles(py, sizeof py, norm)) > 0 && !holds_name(r, py)) {
		uint8_t latin[NAME_TAGS] = {0};
		if (name_append(r, py, (size_t)pn, latin, sizeof latin) != 0)
			cu_error_clear();
	}
	return e;
}

/* "type:value", type lower-case letters, value printable ASCII without spaces. */
static bool id_ok(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && s[i] >= 'a' && s[i] <= 'z')
		i++;
	if (i == 0 || i > 16 || i >= n - 1 || s[i] != ':')
		return false;
	for (i++; i < n; i++)
		if (s[i] <= ' ' || s[i] > '~')
			return false;
	return true;
}

int cu_mrec_add_id(cu_mrec *r, const char *typed_value)
{
	size_t n = typed_value ? strlen(typed_value) : 0;
	if (n == 0 || n > 256 || !id_ok(typed_value, n))
		return cu_error_set(CU_EINVALID, "identifier: expected \"type:value\" in printable "
						 "ASCII (at most 256 bytes)");
	for (int i = 0; i < r->nids; i++)
		if (strcmp(cu_mrec_id(r, i), typed_value) == 0)
			return 0;
	if (r->nids >= CU_MREC_IDS)
		return cu_error_set(CU_ETOOBIG, "match record: more than %d identifiers", CU_MREC_IDS);
	int off = text_add(r, typed_value, n, NULL, 0);
	if (off < 0)
		return off;
	r->id_off[r->nids++] = (uint16_t)off;
	return 0;
}

static int days_in(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

static bool dob_ok(int y, int m, int d)
{
	if (y < 1800 || y > 2200 || m < 0 || m > 12 || d < 0 || (m == 0 && d != 0))
		return false;
	return d == 0 || d <= days_in(y, m);
}

int cu_mrec_set_dob(cu_mrec *r, const char *date)
{
	int y = 0, m = 0, d = 0;
	size_t n = date ? strlen(date) : 0;
	bool shape = n == 4 || n == 7 || n == 10;
	for (size_t i = 0; shape && i < n; i++) {
		bool dash = i == 4 || i == 7;
		if (dash ? date[i] != '-' : (date[i] < '0' || date[i] > '9'))
			shape = false;
	}
	if (shape) {
		y = (date[0] - '0') * 1000 + (date[1] - '0') * 100 + (date[2] - '0') * 10 +
		    (date[3] - '0');
		if (n >= 7)
			m = (date[5] - '0') * 10 + (date[6] - '0');
		if (n == 10)
			d = (date[8] - '0') * 10 + (date[9] - '0');
	}
	if (!shape || (n >= 7 && m == 0) || (n == 10 && d == 0) || !dob_ok(y, m, d))
		return cu_error_set(CU_EINVALID, "date of birth: \"%.32s\" is not a possible "
						 "YYYY, YYYY-MM or YYYY-MM-DD date (years 1800-2200)",
				    date ? date : "");
	r->year = (int16_t)y;
	r->month = (int8_t)m;
	r->day = (int8_t)d;
	return 0;
}

int cu_mrec_add_nationality(cu_mrec *r, const char *cc)
{
	if (!cc || strlen(cc) != 2)
		return cu_error_set(CU_EINVALID, "nationality: expected an ISO 3166-1 alpha-2 code");
	char c[2];
	for (int i = 0; i < 2; i++) {
		char x = cc[i];
		if (x >= 'a' && x <= 'z')
			x = (char)(x - 'a' + 'A');
		if (x < 'A' || x > 'Z')
			return cu_error_set(CU_EINVALID,
					    "nationality: expected an ISO 3166-1 alpha-2 code");
		c[i] = x;
	}
	for (int i = 0; i < r->nnats; i++)
		if (memcmp(r->nats[i], c, 2) == 0)
			return 0;
	if (r->nnats >= 4)
		return cu_error_set(CU_ETOOBIG, "match record: more than 4 nationalities");
	memcpy(r->nats[r->nnats++], c, 2);
	return 0;
}

/* ---- Encoding --------------------------------------------------------------
 *
 *   0  'M' 'R' 2          magic and version
 *   3  kind nnames nids nnats
 *   7  year (int16 LE) month day
 *  11  nats: 2 * nnats bytes
 *   .  text length (uint16 LE), then the text: nnames names, then nids
 *      identifiers, each NUL-terminated
 *   .  the names' token tags: for each name one byte per token (its first
 *      24), 0 (Latin), 1 (another script) or 3 (Arabic, Hebrew: an abjad)
 *
 * Offsets and prepared forms are not stored: decode rebuilds them while
 * checking each string. Version 1 (no tags) is still read, as all Latin.
 */
#define MREC_VERSION 2

int cu_mrec_encode(const cu_mrec *r, cu_buf *out)
{
	uint8_t h[11 + 8 + 2];
	size_t n = 0;
	h[n++] = 'M', h[n++] = 'R', h[n++] = MREC_VERSION;
	h[n++] = r->kind, h[n++] = r->nnames, h[n++] = r->nids, h[n++] = r->nnats;
	uint16_t y = (uint16_t)r->year;
	h[n++] = (uint8_t)(y & 0xff), h[n++] = (uint8_t)(y >> 8);
	h[n++] = (uint8_t)r->month, h[n++] = (uint8_t)r->day;
	for (int i = 0; i < r->nnats && i < 4; i++)
		h[n++] = (uint8_t)r->nats[i][0], h[n++] = (uint8_t)r->nats[i][1];
	/* only the strings the offsets point at, in order */
	size_t tl = 0;
	for (int i = 0; i < r->nnames; i++)
		tl += strlen(cu_mrec_name(r, i)) + 1;
	for (int i = 0; i < r->nids; i++)
		tl += strlen(cu_mrec_id(r, i)) + 1;
	if (tl > TEXT_MAX)
		return cu_error_set(CU_ETOOBIG, "match record: text too long to encode");
	h[n++] = (uint8_t)(tl & 0xff), h[n++] = (uint8_t)(tl >> 8);
	int rc;
	if ((rc = cu_buf_append(out, h, n)) != 0)
		return rc;
	for (int i = 0; i < r->nnames; i++) {
		const char *s = cu_mrec_name(r, i);
		if ((rc = cu_buf_append(out, s, strlen(s) + 1)) != 0)
			return rc;
	}
	for (int i = 0; i < r->nids; i++) {
		const char *s = cu_mrec_id(r, i);
		if ((rc = cu_buf_append(out, s, strlen(s) + 1)) != 0)
			return rc;
	}
	for (int i = 0; i < r->nnames; i++) {
		uint8_t tags[NAME_TAGS];
		size_t k = cu_name_prepared_tags(cu_mrec_name(r, i), tags, sizeof tags);
		if (k && (rc = cu_buf_append(out, tags, k)) != 0)
			return rc;
	}
	return 0;
}

/* A normalised name: lowercase ASCII letters and digits in tokens separated by
 * single spaces. */
static bool name_ok(const char *s, size_t n)
{
	if (n == 0 || s[0] == ' ' || s[n - 1] == ' ')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == ' ') {
			if (s[i - 1] == ' ')
				return false;
		} else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
			return false;
		}
	}
	return true;
}

int cu_mrec_decode(cu_mrec *r, const void *p, size_t n)
{
	const uint8_t *b = p;
	cu_mrec_init(r, CU_MK_PERSON);
	if (!p || n < 13 || b[0] != 'M' || b[1] != 'R')
		return cu_error_set(CU_EINVALID, "match record: not an encoded record");
	int ver = b[2];
	if (ver != 1 && ver != MREC_VERSION)
		return cu_error_set(CU_EINVALID, "match record: unknown version %u", b[2]);
	uint8_t kind = b[3], nn = b[4], ni = b[5], nt = b[6];
	if (kind >= CU_MK_COUNT || nn > CU_MREC_NAMES || ni > CU_MREC_IDS || nt > 4)
		return cu_error_set(CU_EINVALID, "match record: bad kind or counts");
	/* The month and day are signed bytes. NOLINTNEXTLINE(bugprone-signed-char-misuse,cert-str34-c) */
	int y = (int16_t)(uint16_t)(b[7] | (b[8] << 8)), m = (int8_t)b[9], d = (int8_t)b[10];
	if (!(y == 0 && m == 0 && d == 0) && !dob_ok(y, m, d))
		return cu_error_set(CU_EINVALID, "match record: impossible date of birth");
	size_t pos = 11;
	if (n < pos + 2u * nt + 2)
		return cu_error_set(CU_EINVALID, "match record: truncated");
	cu_mrec_init(r, kind);
	for (int i = 0; i < nt; i++, pos += 2) {
		char cc[3] = {(char)b[pos], (char)b[pos + 1], 0};
		if (cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' || cc[1] > 'Z') {
			cu_mrec_free(r);
			return cu_error_set(CU_EINVALID, "match record: bad nationality");
		}
		memcpy(r->nats[r->nnats++], cc, 2);
	}
	size_t tl = (size_t)b[pos] | ((size_t)b[pos + 1] << 8);
	pos += 2;
	if (n - pos < tl || (ver == 1 && n - pos != tl)) {
		cu_mrec_free(r);
		return cu_error_set(CU_EINVALID, "match record: text length does not fit the data");
	}
	/* every string checked before anything is built */
	const char *t = (const char *)b + pos;
	size_t at = 0, soff[CU_MREC_NAMES + CU_MREC_IDS], slen[CU_MREC_NAMES + CU_MREC_IDS];
	int rc = 0;
	for (int i = 0; i < nn + ni; i++) {
		const char *z = at < tl ? memchr(t + at, 0, tl - at) : NULL;
		if (!z) {
			rc = cu_error_set(CU_EINVALID, "match record: unterminated string");
			goto out;
		}
		size_t sl = (size_t)(z - (t + at));
		bool ok = i < nn ? sl <= 4 * CU_NAME_MAX && name_ok(t + at, sl)
				 : sl <= 256 && id_ok(t + at, sl);
		if (!ok) {
			rc = cu_error_set(CU_EINVALID, "match record: malformed %s",
					  i < nn ? "name" : "identifier");
			goto out;
		}
		soff[i] = at, slen[i] = sl;
		at += sl + 1;
	}
	if (at != tl) {
		rc = cu_error_set(CU_EINVALID, "match record: trailing bytes");
		goto out;
	}
	/* the names' tags (version 2) */
	uint8_t tags[CU_MREC_NAMES][NAME_TAGS];
	memset(tags, 0, sizeof tags);
	size_t tp = pos + tl;
	for (int i = 0; ver >= 2 && i < nn; i++) {
		/* soff and slen are set for every i < nn + ni above, or it returned.
		 * NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult) */
		size_t k = cu_name_tag_slots(t + soff[i], slen[i]);
		if (k > NAME_TAGS || n - tp < k) {
			rc = cu_error_set(CU_EINVALID, "match record: truncated name tags");
			goto out;
		}
		for (size_t j = 0; j < k; j++)
			if (!cu_name_tag_valid(b[tp + j])) {
				rc = cu_error_set(CU_EINVALID, "match record: bad name tag");
				goto out;
			}
		memcpy(tags[i], b + tp, k);
		tp += k;
	}
	if (tp != n) {
		rc = cu_error_set(CU_EINVALID, "match record: trailing bytes");
		goto out;
	}
	for (int i = 0; i < nn + ni; i++) {
		if (i < nn) {
			/* NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult) */
			rc = name_append(r, t + soff[i], slen[i], tags[i], NAME_TAGS);
		} else {
			/* NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult) */
			int off = text_add(r, t + soff[i], slen[i], NULL, 0);
			if (off >= 0)
				r->id_off[r->nids++] = (uint16_t)off;
			rc = off < 0 ? off : 0;
		}
		if (rc != 0)
			goto out;
	}
	r->year = (int16_t)y, r->month = (int8_t)m, r->day = (int8_t)d;
out:
	if (rc != 0)
		cu_mrec_free(r);
	return rc;
}

/* ---- Scoring ---------------------------------------------------------------- */

/* Identifier types that make two records the same entity when equal, and the
 * attribute a hit names. */
static const struct {
	const char *type, *attr;
} STRONG[] = {
	{"doc", "document"}, {"iban", "iban"},   {"phone", "phone"}, {"wallet", "wallet"},
	{"email", "email"},  {"imo", "imo"},     {"mmsi", "mmsi"},   {"plate", "plate"},
	{"reg", "registration"},
};

static const char *strong_attr(const char *id)
{
	const char *c = strchr(id, ':');
	if (!c)
		return NULL;
	size_t n = (size_t)(c - id);
	for (size_t i = 0; i < sizeof STRONG / sizeof STRONG[0]; i++)
		if (strlen(STRONG[i].type) == n && memcmp(STRONG[i].type, id, n) == 0)
			return STRONG[i].attr;
	return NULL;
}

static bool has_name(int kind)
{
	return kind == CU_MK_PERSON || kind == CU_MK_ORG || kind == CU_MK_PLACE;
}

/* Date of birth: the adjustment, and a phrase in *why (NULL: nothing to
 * say). Partial dates are compatible with their completions. */
static double dob_adjust(const cu_mrec *a, const cu_mrec *b, const char **why)
{
	*why = NULL;
	if (a->year == 0 || b->year == 0)
		return 0;
	int dy = a->year - b->year;
	if (dy != 0) {
		bool one = dy == 1 || dy == -1;
		*why = one ? "years of birth differ by one" : "years of birth differ";
		return one ? -0.06 : -0.20; /* an equal name (0.95) stays below the threshold */
	}
	if (a->month && b->month && a->month != b->month) {
		*why = "months of birth differ";
		return -0.08;
	}
	if (a->month && b->month && a->day && b->day) {
		if (a->day != b->day) {
			*why = "days of birth differ";
			return -0.05;
		}
		*why = "date of birth equal";
		return 0.05;
	}
	*why = "year of birth equal";
	return 0.02;
}

/* Nationality: the adjustment; *shared the shared code, *differ when
 * disjoint. */
static double nat_adjust(const cu_mrec *a, const cu_mrec *b, const char **shared, bool *differ)
{
	*shared = NULL;
	*differ = false;
	if (a->nnats == 0 || b->nnats == 0)
		return 0;
	for (int i = 0; i < a->nnats; i++)
		for (int j = 0; j < b->nnats; j++)
			if (memcmp(a->nats[i], b->nats[j], 2) == 0) {
				*shared = a->nats[i];
				return 0.02;
			}
	*differ = true;
	return -0.03;
}

/* The explanation is built with copies, not snprintf: it is written for
 * every pair scored, and formatting would cost as much as the score. */
typedef struct expl {
	char *p;
	size_t n, cap;
} expl;

static void put(expl *e, const char *s, size_t n)
{
	if (e->n + 1 >= e->cap)
		return;
	if (n > e->cap - 1 - e->n)
		n = e->cap - 1 - e->n;
	memcpy(e->p + e->n, s, n);
	e->n += n;
	e->p[e->n] = 0;
}

static void puts0(expl *e, const char *s)
{
	put(e, s, strlen(s));
}

/* x in 0..1 with two decimals ("0.94"). */
static void put_score(expl *e, double x)
{
	int v = (int)(x * 100 + 0.5);
	v = v < 0 ? 0 : v > 100 ? 100 : v;
	char d[4] = {(char)('0' + v / 100), '.', (char)('0' + v / 10 % 10), (char)('0' + v % 10)};
	put(e, d, 4);
}

void cu_match_score(const cu_mrec *a, const cu_mrec *b, cu_mscore *out)
{
	out->score = 0;
	out->attr = "none";
	out->explain[0] = 0;
	expl e = {out->explain, 0, sizeof out->explain};
	for (int i = 0; i < a->nids; i++) {
		const char *ia = cu_mrec_id(a, i);
		const char *attr = strong_attr(ia);
		if (!attr)
			continue;
		for (int j = 0; j < b->nids; j++)
			if (strcmp(ia, cu_mrec_id(b, j)) == 0) {
				out->score = 0.99;
				out->attr = attr;
				puts0(&e, attr);
				puts0(&e, " equal");
				return;
			}
	}
	if (!has_name(a->kind) || a->kind != b->kind || a->nnames == 0 || b->nnames == 0)
		return;
	double best = -1;
	int bi = 0, bj = 0;
	for (int i = 0; i < a->nnames; i++)
		for (int j = 0; j < b->nnames; j++) {
			double s = cu_name_similarity_prepared(cu_mrec_name(a, i), cu_mrec_name(b, j),
							       NULL, 0);
			if (s > best)
				best = s, bi = i, bj = j;
		}
	/* an equal name alone leaves room for a date of birth to raise it */
	double s = 0.95 * best;
	const char *dwhy = NULL, *nshared = NULL;
	bool ndiffer = false;
	if (a->kind == CU_MK_PERSON) {
		s += dob_adjust(a, b, &dwhy);
		s += nat_adjust(a, b, &nshared, &ndiffer);
	}
	if (s > 0.98)
		s = 0.98; /* names alone never reach an identifier's certainty */
	if (s < 0)
		s = 0;
	out->score = s;
	out->attr = "name";
	const char *na = cu_mrec_name(a, bi), *nb = cu_mrec_name(b, bj);
	size_t la = strlen(na), lb = strlen(nb);
	puts0(&e, "name ");
	put_score(&e, best);
	puts0(&e, ": ");
	put(&e, na, la < 60 ? la : 60);
	puts0(&e, " ~ ");
	put(&e, nb, lb < 60 ? lb : 60);
	if (dwhy) {
		puts0(&e, "; ");
		puts0(&e, dwhy);
	}
	if (nshared) {
		puts0(&e, "; nationality ");
		put(&e, nshared, 2);
		puts0(&e, " shared");
	} else if (ndiffer) {
		puts0(&e, "; nationalities differ");
	}
}
