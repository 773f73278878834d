/* SPDX-License-Identifier: Apache-2.0 */
/*
 * match: everything cross-matching needs and nothing of the database —
 * names brought to one Latin form, string similarity, identifiers validated
 * and normalised, match records scored with an explanation a person can read,
 * and a blocking index that finds candidates without scanning the population.
 * docs/match.md explains the design and the figures behind the threshold.
 *
 * All functions are thread-safe. ICU objects are cached per thread;
 * cu_match_thread_done() frees the calling thread's cache.
 */
#ifndef CU_MATCH_H
#define CU_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

void cu_match_thread_done(void);

/* ---- Names (norm.c) ---------------------------------------------------- */

#define CU_NAME_MAX 1000 /* bytes of UTF-8 accepted in one name */
/* CU_NAME_TEXT: a word of running text (search), normalised as a place's, but
 * a run of Thai, Lao, Khmer or Myanmar, written without spaces between words,
 * is cut into its words first (ICU's dictionaries): one token each. */
enum { CU_NAME_PERSON = 0, CU_NAME_ORG = 1, CU_NAME_PLACE = 2, CU_NAME_TEXT = 3 };

/*
 * Normalises a name of the given class (CU_NAME_*): NFKC, case folding,
 * transliteration of any script to Latin (ICU, with rules for Serbian,
 * Ukrainian, Russian, Greek, Arabic and Hebrew names, and for Khmer, Lao
 * and Sinhala, which ICU lacks), diacritics removed,
 * punctuation split, titles and honorifics removed. Writes lowercase ASCII
 * tokens separated by single spaces to out (NUL-terminated).
 * Returns the length, or CU_EINVALID with a message (invalid UTF-8, control
 * characters, longer than CU_NAME_MAX, nothing left once normalised).
 */
int cu_name_normalise(char *out, size_t outsz, const char *utf8, size_t len, int cls);
/* Changes whenever cu_name_normalise writes something else for some name (a
 * new transliteration rule). Entities whose match records an older one built
 * are normalised again by the next whole-population cross-match (cu_xref). */
#define CU_MATCH_NORMALISER "2026-11-28 hy th am ps ckb ug kk allah ja hamza my abd"

/*
 * Cuts a run of text (no spaces in it) that has letters of a script written
 * without spaces between words — Han, kana, Thai, Lao, Khmer, Myanmar — into
 * its words, by ICU's dictionaries: the byte offset where each word ends, in
 * order, into ends (the last one is len; past max words, the last holds the
 * rest). Returns how many, or 0 when the run has no such letter. Search uses
 * it to mark the word a query matched, not the whole run.
 */
int cu_text_cut(const char *utf8, size_t len, size_t *ends, int max);

/* The ISO 15924 code of the script a name is written in ("Latn", "Cyrl",
 * "Arab", "Khmr", ...): that of its first letter (ICU), "Zyyy" if it has
 * none. A label of what was entered; matching does not depend on it. */
const char *cu_name_script(const char *utf8);

/* Whether a word may be a proper name: it begins with a capital letter, or
 * with a letter of a script without capitals (Arabic, Hebrew, Han, ...),
 * where any word may be one. */
bool cu_name_word_proper(const char *utf8, size_t len);

/* A phonetic key of one normalised token, tolerant of transliteration
 * variants (Djordjevic/Dordevic, Yuliya/Iuliia). Returns the length. */
int cu_name_phonetic(char *out, size_t outsz, const char *token, size_t len);

/*
 * Similarity (0..1) of two normalised names: token level, independent of
 * order, each token paired with its best counterpart, tolerant of particles,
 * initials and missing middle names. explain (may be NULL) receives a short
 * phrase such as "dordevic ~ djordjevic".
 */
double cu_name_similarity(const char *a, const char *b, int cls, char *explain,
                          size_t explainsz);

/* ---- Strings (jw.c) --------------------------------------------------- */

/* Jaro and Jaro-Winkler (p = 0.1, prefix up to 4, boost above 0.7) of byte
 * strings; bit-parallel for strings up to 64 bytes. */
double cu_jaro(const char *a, size_t alen, const char *b, size_t blen);
double cu_jaro_winkler(const char *a, size_t alen, const char *b, size_t blen);

/* ---- Identifiers (ident.c) -------------------------------------------- */

/*
 * Each validates one kind of identifier and writes its normal form, or
 * returns CU_EINVALID with a message that says what is wrong (CU_ETOOBIG if
 * out is too small for the normal form: a caller's mistake).
 */
/* E.164 ("+46701234567"); country (ISO alpha-2, may be NULL) is used for
 * numbers written in national form ("070-123 45 67"). */
int cu_ident_phone(char out[17], const char *in, const char *country);
/* 0 if an E.164 number (as cu_ident_phone writes it) has a calling code of
 * country (ISO alpha-2; one the table lacks is not judged), else CU_EINVALID
 * naming the country's code: "+381..." is no number of SE (+46). */
int cu_ident_phone_country(const char *e164, const char *country);
/* IBAN, upper case without spaces, ISO 13616 mod-97 check and country length. */
int cu_ident_iban(char out[35], const char *in);
/* E-mail: local part kept, domain lower-cased. */
int cu_ident_email(char *out, size_t outsz, const char *in);
/* IMO ship number (7 digits with check digit, "IMO " prefix accepted). */
int cu_ident_imo(char out[8], const char *in);
/* MMSI: 9 digits. */
int cu_ident_mmsi(char out[10], const char *in);
/* Vehicle plates and document numbers: upper case letters and digits only. */
int cu_ident_code(char *out, size_t outsz, const char *in);
/* Crypto wallet: Bitcoin base58/bech32, Ethereum 0x-hex (lower-cased), or
 * other base58/hex forms of 20 to 100 characters. */
int cu_ident_wallet(char *out, size_t outsz, const char *in);

/* ---- Match records and scores (score.c) ------------------------------- */

typedef enum {
	CU_MK_PERSON, CU_MK_ORG, CU_MK_PHONE, CU_MK_EMAIL, CU_MK_VEHICLE, CU_MK_VESSEL,
	CU_MK_IBAN, CU_MK_WALLET, CU_MK_IDDOC, CU_MK_PLACE, CU_MK_COUNT
} cu_mkind;
/* "person", "organisation", "phone", ... and back (-1 if unknown). */
const char *cu_mkind_name(int kind);
int cu_mkind_parse(const char *name);

#define CU_MREC_NAMES 16
#define CU_MREC_IDS 16
/*
 * What matching knows of one entity: its normalised names, partial date of
 * birth, nationalities and strong identifiers ("phone:+46701234567",
 * "iban:DE89...", "doc:RS:P123456", "email:...", "wallet:...", "imo:...",
 * "mmsi:...", "plate:RS:BG123AB", "reg:ME:12345"). Text lives in one block;
 * each name's NUL is followed by its prepared form (per token: phonetic key,
 * skeleton, sound classes, the script it was written in, flags, letter
 * masks; docs/match.md), so that cu_match_score computes nothing twice.
 * Build records with the functions below, never by hand.
 */
typedef struct cu_mrec {
	uint8_t kind, nnames, nids, nnats;
	int16_t year;         /* 0: unknown */
	int8_t month, day;    /* 0: unknown */
	char nats[4][2];      /* ISO alpha-2, upper case */
	uint16_t name_off[CU_MREC_NAMES], id_off[CU_MREC_IDS];
	uint32_t len, cap;
	char *text;           /* owned */
} cu_mrec;

void cu_mrec_init(cu_mrec *r, int kind);
void cu_mrec_free(cu_mrec *r);
/* Normalises and adds a name (duplicates after normalisation are skipped). */
int cu_mrec_add_name(cu_mrec *r, const char *utf8);
/* Adds an already normalised identifier "type:value". */
int cu_mrec_add_id(cu_mrec *r, const char *typed_value);
/* "YYYY", "YYYY-MM" or "YYYY-MM-DD"; CU_EINVALID for impossible dates. */
int cu_mrec_set_dob(cu_mrec *r, const char *date);
int cu_mrec_add_nationality(cu_mrec *r, const char *cc);
static inline const char *cu_mrec_name(const cu_mrec *r, int i) { return r->text + r->name_off[i]; }
static inline const char *cu_mrec_id(const cu_mrec *r, int i) { return r->text + r->id_off[i]; }
/* A compact encoding stored beside the entity, so nothing is normalised twice
 * (version 2 carries each token's script; version 1 is still read).
 * decode initialises r (free a used record first), rebuilds the prepared
 * forms and checks every byte: CU_EINVALID for anything encode would not
 * have written, r left empty. */
int cu_mrec_encode(const cu_mrec *r, cu_buf *out);
int cu_mrec_decode(cu_mrec *r, const void *p, size_t n);

typedef struct cu_mscore {
	double score;       /* 0..1 */
	const char *attr;   /* what carries it: "name", "phone", "iban", "document", ... */
	char explain[256];  /* "name 0.94: dordevic ~ djordjevic; year of birth equal" */
} cu_mscore;
/* The default threshold at which a score is a hit (chosen on a separate split,
 * see docs/match.md). */
#define CU_MATCH_THRESHOLD_DEFAULT 0.76
/* Allocation-free, about 0.4 µs for names of two to four tokens. */
void cu_match_score(const cu_mrec *a, const cu_mrec *b, cu_mscore *out);

/*
 * Blocking keys: records that share no key are never compared. emit is
 * called once per key.
 */
typedef void (*cu_mkey_fn)(void *ctx, const char *key, size_t len);
void cu_mrec_keys(const cu_mrec *r, cu_mkey_fn emit, void *ctx);

/* ---- Blocking index (index.c) ----------------------------------------- */

typedef struct cu_mindex cu_mindex;
cu_mindex *cu_mindex_new(void);
void cu_mindex_free(cu_mindex *ix);
/* Adds a record (copied) with its id and group (its case): records of one
 * group are never matched with each other. */
int cu_mindex_add(cu_mindex *ix, int64_t id, int64_t group, const cu_mrec *r);
size_t cu_mindex_size(const cu_mindex *ix);
/* Called for each pair at or above the threshold; non-zero stops. */
typedef int (*cu_mhit_fn)(void *ctx, int64_t a, int64_t b, const cu_mscore *s);
/* Scores r against its candidates outside group, calling fn(ctx, candidate
 * id, candidate group, score) for those at or above the threshold; returns
 * how many were examined (the blocking's selectivity), or a negative CU_E*
 * code. */
int64_t cu_mindex_query(const cu_mindex *ix, const cu_mrec *r, int64_t group, double threshold,
                        cu_mhit_fn fn, void *ctx);
/* Every pair of records in different groups at or above the threshold, on
 * nthreads threads (fn is called under a lock). Returns pairs examined. */
int64_t cu_mindex_selfjoin(const cu_mindex *ix, double threshold, int nthreads, cu_mhit_fn fn,
                           void *ctx);

#endif
