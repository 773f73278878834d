/* SPDX-License-Identifier: Apache-2.0 */
/* match tests: match records, their encoding (forged inputs refused) and scores (score.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "match/match.h"

#define T CU_MATCH_THRESHOLD_DEFAULT

static void person(cu_mrec *r, const char *name, const char *dob)
{
	cu_mrec_init(r, CU_MK_PERSON);
	if (name)
		assert_int_equal(cu_mrec_add_name(r, name), 0);
	if (dob)
		assert_int_equal(cu_mrec_set_dob(r, dob), 0);
}

static double score2(const cu_mrec *a, const cu_mrec *b, cu_mscore *s)
{
	cu_match_score(a, b, s);
	cu_mscore back;
	cu_match_score(b, a, &back);
	assert_true(back.score == s->score); /* symmetric */
	return s->score;
}

/* Two persons' names, and whether they are one person at the threshold. */
typedef struct pair {
	const char *a, *b;
	bool same;
} pair;

static void check_pairs(const pair *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		cu_mrec a, b;
		cu_mscore s;
		person(&a, p[i].a, NULL);
		person(&b, p[i].b, NULL);
		double x = score2(&a, &b, &s);
		if ((x >= T) != p[i].same)
			fail_msg("%s ~ %s: %.3f (%s)", p[i].a, p[i].b, x, s.explain);
		cu_mrec_free(&a);
		cu_mrec_free(&b);
	}
}

static void test_match_score__kinds(void **state)
{
	(void)state;
	for (int k = 0; k < CU_MK_COUNT; k++)
		assert_int_equal(cu_mkind_parse(cu_mkind_name(k)), k);
	assert_string_equal(cu_mkind_name(CU_MK_IDDOC), "document");
	assert_string_equal(cu_mkind_name(CU_MK_ORG), "organisation");
	assert_string_equal(cu_mkind_name(-1), "unknown");
	assert_string_equal(cu_mkind_name(CU_MK_COUNT), "unknown");
	assert_int_equal(cu_mkind_parse("nonsense"), -1);
	assert_int_equal(cu_mkind_parse(NULL), -1);
}

static void test_match_score__record_building(void **state)
{
	(void)state;
	cu_mrec r;
	person(&r, "Ђорђе Петровић", NULL);
	assert_int_equal(cu_mrec_add_name(&r, "Djordje Petrovic"), 0); /* same once normalised */
	assert_int_equal(r.nnames, 1);
	assert_string_equal(cu_mrec_name(&r, 0), "djordje petrovic");
	assert_int_equal(cu_mrec_add_name(&r, ""), CU_EINVALID);
	assert_int_equal(cu_mrec_add_name(&r, NULL), CU_EINVALID);
	assert_int_equal(cu_mrec_add_name(&r, "bad\xff"), CU_EINVALID);
	for (int i = 0; i < CU_MREC_NAMES - 1; i++) {
		char n[32];
		snprintf(n, sizeof n, "Name %c", 'a' + i);
		assert_int_equal(cu_mrec_add_name(&r, n), 0);
	}
	assert_int_equal(cu_mrec_add_name(&r, "One Too Many"), CU_ETOOBIG);
	assert_int_equal(cu_mrec_add_id(&r, "phone:+46701234567"), 0);
	assert_int_equal(cu_mrec_add_id(&r, "phone:+46701234567"), 0);
	assert_int_equal(r.nids, 1);
	assert_int_equal(cu_mrec_add_id(&r, "nocolon"), CU_EINVALID);
	assert_int_equal(cu_mrec_add_id(&r, ":x"), CU_EINVALID);
	assert_int_equal(cu_mrec_add_id(&r, "phone:"), CU_EINVALID);
	assert_int_equal(cu_mrec_add_id(&r, "phone:+46 70"), CU_EINVALID);
	assert_int_equal(cu_mrec_add_id(&r, NULL), CU_EINVALID);
	assert_int_equal(cu_mrec_add_nationality(&r, "rs"), 0);
	assert_int_equal(cu_mrec_add_nationality(&r, "RS"), 0);
	assert_int_equal(r.nnats, 1);
	assert_memory_equal(r.nats[0], "RS", 2);
	assert_int_equal(cu_mrec_add_nationality(&r, "R1"), CU_EINVALID);
	assert_int_equal(cu_mrec_add_nationality(&r, "RSB"), CU_EINVALID);
	assert_int_equal(cu_mrec_add_nationality(&r, NULL), CU_EINVALID);
	assert_int_equal(cu_mrec_add_nationality(&r, "ME"), 0);
	assert_int_equal(cu_mrec_add_nationality(&r, "HR"), 0);
	assert_int_equal(cu_mrec_add_nationality(&r, "BA"), 0);
	assert_int_equal(cu_mrec_add_nationality(&r, "SI"), CU_ETOOBIG);
	cu_mrec_free(&r);
	cu_mrec_free(&r); /* idempotent */
	cu_mrec_free(NULL);
}

static void test_match_score__dates(void **state)
{
	(void)state;
	cu_mrec r;
	cu_mrec_init(&r, CU_MK_PERSON);
	static const char *const good[] = {"1985", "1985-07", "1985-07-31", "2024-02-29", "1800"};
	static const char *const bad[] = {"", "85", "1985-13", "1985-00", "1985-07-32", "2023-02-29",
					  "1985-7-1", "1985/07/01", "1985-07-01x", "0000", "1799",
					  "1985-06-31", "198a", NULL};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_int_equal(cu_mrec_set_dob(&r, good[i]), 0);
	assert_int_equal(r.year, 1800);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (cu_mrec_set_dob(&r, bad[i]) != CU_EINVALID)
			fail_msg("date \"%s\" accepted", bad[i] ? bad[i] : "(null)");
	}
	assert_int_equal(cu_mrec_set_dob(&r, "1985-07-12"), 0);
	assert_int_equal(r.year, 1985);
	assert_int_equal(r.month, 7);
	assert_int_equal(r.day, 12);
	cu_mrec_free(&r);
}

static void test_match_score__identifiers(void **state)
{
	(void)state;
	static const struct {
		const char *id, *attr;
	} v[] = {
		{"doc:RS:P123456", "document"}, {"iban:DE89370400440532013000", "iban"},
		{"phone:+46701234567", "phone"}, {"wallet:0xabc0000000000000000000000000000000000001", "wallet"},
		{"email:a.b@example.org", "email"}, {"imo:9074729", "imo"}, {"mmsi:211331640", "mmsi"},
		{"plate:RS:BG123AB", "plate"},
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		cu_mrec a, b;
		cu_mscore s;
		person(&a, "Ana Kovac", "1970");
		person(&b, "Zoran Jovanovic", "1990"); /* names and dates say no */
		assert_int_equal(cu_mrec_add_id(&a, v[i].id), 0);
		assert_int_equal(cu_mrec_add_id(&b, "phone:+10000000000"), 0);
		assert_int_equal(cu_mrec_add_id(&b, v[i].id), 0);
		assert_true(score2(&a, &b, &s) >= 0.99);
		assert_string_equal(s.attr, v[i].attr);
		assert_non_null(strstr(s.explain, v[i].attr));
		cu_mrec_free(&a);
		cu_mrec_free(&b);
	}
	/* an identifier of another kind, or a weak one, is not a hit */
	cu_mrec a, b;
	cu_mscore s;
	cu_mrec_init(&a, CU_MK_PHONE);
	cu_mrec_init(&b, CU_MK_PHONE);
	cu_mrec_add_id(&a, "phone:+46701234567");
	cu_mrec_add_id(&b, "phone:+46701234568");
	assert_true(score2(&a, &b, &s) == 0.0);
	cu_mrec_add_id(&a, "note:x");
	cu_mrec_add_id(&b, "note:x");
	assert_true(score2(&a, &b, &s) == 0.0);
	cu_mrec_free(&a);
	cu_mrec_free(&b);
}

static void test_match_score__names_and_dates(void **state)
{
	(void)state;
	cu_mrec a, b, c, d, e, f;
	cu_mscore s;
	person(&a, "Ђорђе Петровић", "1985");
	person(&b, "Djordje Petrovic", "1985-03-04");
	person(&c, "Djordje Petrovic", "1962");
	person(&d, "Djordje Petrovic", NULL);
	double same = score2(&a, &b, &s);
	assert_true(same >= T);
	assert_string_equal(s.attr, "name");
	assert_non_null(strstr(s.explain, "name "));
	assert_non_null(strstr(s.explain, "djordje petrovic"));
	assert_non_null(strstr(s.explain, "year of birth equal"));
	double nodob = score2(&a, &d, &s);
	double conflict = score2(&a, &c, &s);
	assert_non_null(strstr(s.explain, "years of birth differ"));
	assert_true(same > nodob && nodob > conflict);
	assert_true(conflict < T);
	/* full dates equal raise more than a year; a different day lowers */
	person(&e, "Djordje Petrovic", "1985-03-04");
	double full = score2(&b, &e, &s);
	assert_non_null(strstr(s.explain, "date of birth equal"));
	cu_mrec_set_dob(&e, "1985-03-05");
	assert_true(score2(&b, &e, &s) < full);
	/* nationality: shared raises, disjoint lowers */
	cu_mrec_add_nationality(&a, "RS");
	cu_mrec_add_nationality(&d, "RS");
	double nat = score2(&a, &d, &s);
	assert_true(nat > nodob);
	cu_mrec_free(&d);
	person(&d, "Djordje Petrovic", NULL);
	cu_mrec_add_nationality(&d, "SE");
	assert_true(score2(&a, &d, &s) < nodob);
	/* persons are not compared with organisations */
	cu_mrec_init(&f, CU_MK_ORG);
	assert_int_equal(cu_mrec_add_name(&f, "Djordje Petrovic"), 0);
	assert_true(score2(&a, &f, &s) == 0.0);
	/* a record without names scores nothing */
	cu_mrec_free(&d);
	person(&d, NULL, "1985");
	assert_true(score2(&a, &d, &s) == 0.0);
	cu_mrec *all[] = {&a, &b, &c, &d, &e, &f};
	for (size_t i = 0; i < 6; i++)
		cu_mrec_free(all[i]);
}

/*
 * ʿAbd al-X names as UNITAD's and the desks' files write them (a probe of
 * the Yezidi scenario found the first four below 0.55): one person however
 * spelt, and two people when X differs, however long the shared "Abdul".
 */
static void test_match_score__abd_names(void **state)
{
	(void)state;
	static const pair p[] = {
		{"Abd al-Rahman", "Abdulrahman", true},
		{"عبد الرحمن", "Abdulrahman", true},
		{"Mohammed Abdel Rahman", "Muhammad Abdulrahman", true},
		{"Ahmed Abdelaziz", "Ahmad Abd al-Aziz", true},
		{"Abdurrahman", "Abdul Rahman", true},
		{"Abdullah Hassan", "Abdallah Hassan", true},
		{"Abdulkarim Hassan", "Abdulrahim Hassan", false},
		{"Abdelkader Mokhtar", "Abdelkarim Mokhtar", false},
		{"Abd al-Karim", "Abdul Rahim", false},
		{"Abdullah Hassan", "Abdulrahman Hassan", false},
		{"Abdul Khan", "Padshah Khan", false},
	};
	check_pairs(p, sizeof p / sizeof p[0]);
}

static void test_match_score__hard_negatives(void **state)
{
	(void)state;
	static const char *const no[][2] = {
		{"Octavian Scholz", "Olaf Scholz"},
		{"Olga Barynova", "Oleg BARANOV"},
		{"RUSTAM IBRAHIMOVICH ASELDEROV", "RUSTAM MAGOMEDOVICH ASELDEROV"},
		{"John Smith", "Jane Smith"},
	};
	static const char *const yes[][2] = {
		{"Đorđević", "Djordjevic"},
		{"Ђорђевић", "Djordjevic"},
		{"Olaf Scholze", "Olaf Scholz"},
		{"Putin Vladimir Vladimirovich", "Vladimir Putin"},
		{"Юлия Щеглова", "Iuliia Shcheglova"},
		{"Юлия Щеглова", "Yuliya Shcheglova"},
	};
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
		cu_mrec a, b;
		cu_mscore s;
		person(&a, no[i][0], NULL);
		person(&b, no[i][1], NULL);
		if (score2(&a, &b, &s) >= T)
			fail_msg("%s ~ %s: %s", no[i][0], no[i][1], s.explain);
		cu_mrec_free(&a);
		cu_mrec_free(&b);
	}
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		cu_mrec a, b;
		cu_mscore s;
		person(&a, yes[i][0], NULL);
		person(&b, yes[i][1], NULL);
		if (score2(&a, &b, &s) < T)
			fail_msg("%s !~ %s: %s", yes[i][0], yes[i][1], s.explain);
		cu_mrec_free(&a);
		cu_mrec_free(&b);
	}
}

static void build(cu_mrec *r)
{
	person(r, "Ђорђе Петровић", "1985-03");
	assert_int_equal(cu_mrec_add_name(r, "Đorđe Petrović Jr"), 0);
	assert_int_equal(cu_mrec_add_nationality(r, "RS"), 0);
	assert_int_equal(cu_mrec_add_nationality(r, "ME"), 0);
	assert_int_equal(cu_mrec_add_id(r, "doc:RS:P123456"), 0);
	assert_int_equal(cu_mrec_add_id(r, "phone:+381641234567"), 0);
}

static void same_record(const cu_mrec *a, const cu_mrec *b)
{
	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->nnames, b->nnames);
	assert_int_equal(a->nids, b->nids);
	assert_int_equal(a->nnats, b->nnats);
	assert_int_equal(a->year, b->year);
	assert_int_equal(a->month, b->month);
	assert_int_equal(a->day, b->day);
	assert_memory_equal(a->nats, b->nats, 2 * a->nnats);
	for (int i = 0; i < a->nnames; i++)
		assert_string_equal(cu_mrec_name(a, i), cu_mrec_name(b, i));
	for (int i = 0; i < a->nids; i++)
		assert_string_equal(cu_mrec_id(a, i), cu_mrec_id(b, i));
}

static void test_match_score__encode_roundtrip(void **state)
{
	(void)state;
	cu_mrec r, d;
	build(&r);
	cu_buf b;
	cu_buf_init(&b, 0);
	assert_int_equal(cu_mrec_encode(&r, &b), 0);
	assert_int_equal(cu_mrec_decode(&d, b.data, b.len), 0);
	same_record(&r, &d);
	cu_mscore s1, s2;
	cu_match_score(&r, &d, &s1);
	assert_true(s1.score >= 0.99);
	cu_mrec_free(&d);
	/* an empty record */
	cu_mrec e;
	cu_mrec_init(&e, CU_MK_VESSEL);
	cu_buf_free(&b);
	cu_buf_init(&b, 0);
	assert_int_equal(cu_mrec_encode(&e, &b), 0);
	assert_int_equal(cu_mrec_decode(&d, b.data, b.len), 0);
	same_record(&e, &d);
	cu_match_score(&e, &d, &s2);
	assert_true(s2.score == 0.0);
	cu_mrec_free(&d);
	cu_buf_free(&b);
	cu_mrec_free(&r);
}

/* Forged encodings: every truncation, every single-byte change and random
 * bytes either decode to a record that passes the checks or are refused with
 * CU_EINVALID; none reads out of bounds (run under ASan). */
static void test_match_score__decode_forged(void **state)
{
	(void)state;
	cu_mrec r, d;
	build(&r);
	cu_buf b;
	cu_buf_init(&b, 0);
	assert_int_equal(cu_mrec_encode(&r, &b), 0);
	for (size_t n = 0; n < b.len; n++) {
		char *copy = malloc(n ? n : 1); /* exact size so ASan sees overreads */
		memcpy(copy, b.data, n);
		assert_int_equal(cu_mrec_decode(&d, copy, n), CU_EINVALID);
		free(copy);
	}
	char *longer = malloc(b.len + 1);
	memcpy(longer, b.data, b.len);
	longer[b.len] = 0;
	assert_int_equal(cu_mrec_decode(&d, longer, b.len + 1), CU_EINVALID);
	free(longer);
	assert_int_equal(cu_mrec_decode(&d, NULL, 10), CU_EINVALID);
	size_t refused = 0, accepted = 0;
	for (size_t i = 0; i < b.len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			char *copy = malloc(b.len);
			memcpy(copy, b.data, b.len);
			copy[i] ^= (char)(1 << bit);
			int rc = cu_mrec_decode(&d, copy, b.len);
			if (rc == 0) {
				accepted++;
				cu_mscore s;
				cu_match_score(&r, &d, &s); /* usable */
				cu_buf b2;
				cu_buf_init(&b2, 0);
				assert_int_equal(cu_mrec_encode(&d, &b2), 0);
				cu_buf_free(&b2);
				cu_mrec_free(&d);
			} else {
				assert_int_equal(rc, CU_EINVALID);
				refused++;
			}
			free(copy);
		}
	}
	assert_true(refused > 0 && accepted > 0);
	srand(7);
	for (int k = 0; k < 20000; k++) {
		size_t n = (size_t)(rand() % 64);
		unsigned char *p = malloc(n ? n : 1);
		for (size_t i = 0; i < n; i++)
			p[i] = (unsigned char)rand();
		if (n > 3 && k % 2)
			p[0] = 'M', p[1] = 'R', p[2] = 1, p[3] = (unsigned char)(p[3] % CU_MK_COUNT);
		int rc = cu_mrec_decode(&d, p, n);
		if (rc == 0)
			cu_mrec_free(&d);
		else
			assert_int_equal(rc, CU_EINVALID);
		free(p);
	}
	cu_buf_free(&b);
	cu_mrec_free(&r);
}

/* The script a name was written in travels with the record: encode writes
 * one tag per token (version 2), decode checks and restores it, and a
 * version 1 encoding (no tags) is still read. */
static void test_match_score__encode_tags(void **state)
{
	(void)state;
	cu_mrec r, d, l;
	person(&r, "Морин Ivanova", "1990");
	person(&l, "Maureen Ivanova", "1990");
	cu_buf b;
	cu_buf_init(&b, 0);
	assert_int_equal(cu_mrec_encode(&r, &b), 0);
	const unsigned char *p = (const unsigned char *)b.data;
	assert_int_equal(p[2], 2);
	/* the last two bytes: tags of "morin" (Cyrillic) and "ivanova" (Latin) */
	assert_int_equal(p[b.len - 2], 1);
	assert_int_equal(p[b.len - 1], 0);
	assert_int_equal(cu_mrec_decode(&d, b.data, b.len), 0);
	assert_int_equal(d.len, r.len); /* the prepared forms are rebuilt alike */
	assert_memory_equal(d.text, r.text, r.len);
	cu_mscore s1, s2;
	cu_match_score(&r, &l, &s1);
	cu_match_score(&d, &l, &s2);
	assert_true(s1.score == s2.score);
	cu_mrec_free(&d);
	/* a tag encode would not write */
	char *bad = malloc(b.len);
	memcpy(bad, b.data, b.len);
	bad[b.len - 1] = 2;
	assert_int_equal(cu_mrec_decode(&d, bad, b.len), CU_EINVALID);
	/* version 1: the same bytes without the tags */
	bad[2] = 1;
	assert_int_equal(cu_mrec_decode(&d, bad, b.len - 2), 0);
	assert_string_equal(cu_mrec_name(&d, 0), "morin ivanova");
	cu_mrec_free(&d);
	assert_int_equal(cu_mrec_decode(&d, bad, b.len), CU_EINVALID);
	free(bad);
	cu_buf_free(&b);
	cu_mrec_free(&r);
	cu_mrec_free(&l);
	/* "SURNAME, Given": the tags move with their tokens */
	person(&r, "Иванова, Maureen", NULL);
	assert_string_equal(cu_mrec_name(&r, 0), "maureen ivanova");
	cu_buf_init(&b, 0);
	assert_int_equal(cu_mrec_encode(&r, &b), 0);
	p = (const unsigned char *)b.data;
	assert_int_equal(p[b.len - 2], 0);
	assert_int_equal(p[b.len - 1], 1);
	cu_buf_free(&b);
	cu_mrec_free(&r);
}

/* A name heard in another script (docs/match.md, sound classes): the
 * Wikidata misses the classes were made for match, and a name of the same
 * shape that is another name does not. */
static void test_match_score__cross_script(void **state)
{
	(void)state;
	static const pair PAIRS[] = {
		{"Maureen", "Морин", true},
		{"Ciconia", "Чикония", true},
		{"Froese", "Фрезе", true},
		{"O'Connor", "أوكونور", true},
		{"Obradović", "אובראדוביץ'", true},
		{"Maureen O'Connor", "Морин О'Коннор", true},
		{"Maureen", "Марина", false},
		{"Olaf Scholz", "Октавиан Шольц", false},
		{"Morin", "Maureen", false}, /* both Latin: no sound classes */
	};
	check_pairs(PAIRS, sizeof PAIRS / sizeof PAIRS[0]);
}

/* Learned letter costs (norm.c XS_TABLE) for a Latin name against another
 * script: held-out Wikidata rows (odd rows, not learned from) match; a
 * name that lacks the other's first sound or half its letters does not. */
static void test_match_score__learned_costs(void **state)
{
	(void)state;
	static const pair PAIRS[] = {
		{"Weymouth", "Уэймут", true},
		{"Lombardini", "لومبارديني", true},
		{"Boucher", "בושה", true},
		{"Mackenzie", "نزيه", false},
		{"Schmidt", "سيد", false},
		{"Justin Amash", "حسين موسوي", false},
		{"Maureen", "Марина", false},
	};
	check_pairs(PAIRS, sizeof PAIRS / sizeof PAIRS[0]);
}

/* One typo in a token of four letters or more is a typo (nomenklatura's
 * LLM-proposed deviations); a long name that differs in one token each is
 * another person (a relative in a nasab chain). */
static void test_match_score__typos_and_long_names(void **state)
{
	(void)state;
	static const pair PAIRS[] = {
		{"Benjamin Natanyahu", "Benjamin Netanyahu", true},
		{"Hannibol", "Hannibal", true},
		{"Lionel Bessi", "Lionel Messi", true},
		{"Larry Allison", "Larry Ellison", true},
		{"Igor Sehcin", "Igor Sechin", true},
		{"Olaf Scholz", "Olaf Schulz Bauer", true},
		{"ABDUL GHAFAR QURISHI ABDUL HAMID", "ABDUL GHAFAR QURISHI ABDUL GHANI", false},
		{"SHER MOHAMMAD ABBAS STANEKZAI ABDUL KHAN", "SHER MOHAMMAD ABBAS STANEKZAI PADSHAH KHAN",
		 false},
		{"ABDUL GHAFAR QURISHI ABDUL HAMID", "Abdul Ghafar Qurishi Abdul Hamid", true},
	};
	check_pairs(PAIRS, sizeof PAIRS / sizeof PAIRS[0]);
}

/*
 * One name as other alphabets' conventions write it: vowels an abjad leaves
 * to the reader, Russian з as German s, patronymic endings in English,
 * German, French and Polish; and names those rules must not join.
 */
static void test_match_score__transcriptions(void **state)
{
	(void)state;
	static const pair PAIRS[] = {
		{"Muhammad bin Salman", "Mohammed bin Salman", true},
		{"'Abd al-Aziz al-Nuristani", "Abdul Aziz Nooristani", true},
		{"Hussain Ali", "Hussein Ali", true},
		{"Wolodymyr Selenskyj", "Volodymyr Zelenskyy", true},
		{"Viktor Yanukovych", "Wiktor Janukowytsch", true},
		{"Viktor Yanukovych", "Wiktor Janukowycz", true},
		{"Viktor Yanukovych", "Viktor Ianoukovitch", true},
		{"Roman Abramovich", "Roman Abramowitsch", true},
		{"Roman Abramovich", "Roman Abramowicz", true},
		{"Dmitry Medvedev", "Dmitri Medwedew", true},
		{"AL BEN ALI, Isa Ben Tarif", "Shaikh Isa Bin Tarif Al Bin Ali", true},
		/* other vowels, or a vowel more, are other names */
		{"Luis Moreno", "Luis Marini", false},
		{"Paolo Romano", "Paolo Rimini", false},
		{"Ana Salerno", "Ana Solarno", false},
		/* a patronymic is still not the surname it comes from */
		{"Ivan Petrovich", "Ivan Petrov", false},
		{"Pavel Ivanovich", "Pavel Ivanov", false},
	};
	check_pairs(PAIRS, sizeof PAIRS / sizeof PAIRS[0]);
}

/* Given names and the short forms people go by (NICKS in norm.c). */
static void test_match_score__nicknames(void **state)
{
	(void)state;
	static const pair PAIRS[] = {
		{"Ted Doe", "Theodore Doe", true},
		{"Ted Doe", "Edward Doe", true}, /* a short form of two names */
		{"Bill Clinton", "William Clinton", true},
		{"Sasha Petrov", "Aleksandr Petrov", true},
		{"Саша Петров", "Alexander Petrov", true}, /* its Cyrillic, the English spelling */
		{"Volodya Ivanenko", "Volodymyr Ivanenko", true},
		{"Masha Sokolova", "Maria Sokolova", true},
		{"Bibi Netanyahu", "Benjamin Netanyahu", true},
		/* other names, short or not, stay apart */
		{"Ted Doe", "Tom Doe", false},
		{"Sasha Petrov", "Misha Petrov", false},
		{"Bill Smith", "Bob Smith", false},
		{"Masha Sokolova", "Natasha Sokolova", false},
	};
	check_pairs(PAIRS, sizeof PAIRS / sizeof PAIRS[0]);
}

/* Chinese names in Wade-Giles against pinyin (cu_name_wade_giles). */
static void test_match_score__wade_giles(void **state)
{
	(void)state;
	static const pair PAIRS[] = {
		{"Hsi Chin-ping", "Xi Jinping", true},
		{"Mao Tse-tung", "Mao Zedong", true},
		{"Teng Hsiao-p'ing", "Deng Xiaoping", true},
		{"Chiang Ching-kuo", "Jiang Jingguo", true},
		{"Chu Teh", "Zhu De", true},
		{"Hsieh Tung-min", "Xie Dongmin", true},
		/* one syllable apart is another name */
		{"Hsi Chin-ping", "Xi Jinsong", false},
		{"Mao Tse-tung", "Mao Zemin", false},
	};
	check_pairs(PAIRS, sizeof PAIRS / sizeof PAIRS[0]);
	/* the reading is a name of the record beside the one written; a name
	 * that is not Wade-Giles has none */
	cu_mrec r;
	person(&r, "Mao Tse-tung", NULL);
	assert_int_equal(r.nnames, 2);
	assert_string_equal(cu_mrec_name(&r, 1), "mao ze dong");
	cu_mrec_free(&r);
	person(&r, "Zhang Wei", NULL);
	assert_int_equal(r.nnames, 1);
	cu_mrec_free(&r);
	person(&r, "Hans Sung", NULL); /* "sung" alone does not make a Chinese name */
	assert_int_equal(r.nnames, 1);
	cu_mrec_free(&r);
}

/* Scoring records gives the public name similarity on the same names. */
static void test_match_score__prepared_names(void **state)
{
	(void)state;
	static const char *const NAMES[] = {
		"Olaf Scholz", "Octavian Scholz", "Vladimir Vladimirovich Putin", "Putin Vladimir",
		"Mohammed bin Salman Al Saud", "Salman bin Mohammed", "J. R. R. Tolkien",
		"John Ronald Reuel Tolkien", "Rami Makhlouf", "Ramimakhlouf", "Djordje Petrovic",
		"Dorde Petrović",
	};
	for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0]; i++)
		for (size_t j = 0; j < sizeof NAMES / sizeof NAMES[0]; j++) {
			cu_mrec a, b;
			person(&a, NAMES[i], NULL);
			person(&b, NAMES[j], NULL);
			cu_mscore s;
			cu_match_score(&a, &b, &s);
			double n = cu_name_similarity(cu_mrec_name(&a, 0), cu_mrec_name(&b, 0),
						      CU_NAME_PERSON, NULL, 0);
			if (s.score != (0.95 * n > 0.98 ? 0.98 : 0.95 * n))
				fail_msg("%s ~ %s: score %.6f, similarity %.6f", NAMES[i], NAMES[j],
					 s.score, n);
			cu_mrec_free(&a);
			cu_mrec_free(&b);
		}
}

static void test_match_score__deterministic(void **state)
{
	(void)state;
	cu_mrec a, b;
	cu_mscore s1, s2;
	person(&a, "Mohammed bin Salman Al Saud", "1985-08-31");
	person(&b, "محمد بن سلمان آل سعود", "1985");
	cu_match_score(&a, &b, &s1);
	cu_match_score(&a, &b, &s2);
	assert_memory_equal(&s1.score, &s2.score, sizeof s1.score);
	assert_string_equal(s1.explain, s2.explain);
	cu_mrec_free(&a);
	cu_mrec_free(&b);
}

static int teardown(void **state)
{
	(void)state;
	cu_match_thread_done();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match_score__kinds),
		cmocka_unit_test(test_match_score__record_building),
		cmocka_unit_test(test_match_score__dates),
		cmocka_unit_test(test_match_score__identifiers),
		cmocka_unit_test(test_match_score__names_and_dates),
		cmocka_unit_test(test_match_score__hard_negatives),
		cmocka_unit_test(test_match_score__encode_roundtrip),
		cmocka_unit_test(test_match_score__decode_forged),
		cmocka_unit_test(test_match_score__encode_tags),
		cmocka_unit_test(test_match_score__prepared_names),
		cmocka_unit_test(test_match_score__cross_script),
		cmocka_unit_test(test_match_score__learned_costs),
		cmocka_unit_test(test_match_score__typos_and_long_names),
		cmocka_unit_test(test_match_score__transcriptions),
		cmocka_unit_test(test_match_score__nicknames),
		cmocka_unit_test(test_match_score__abd_names),
		cmocka_unit_test(test_match_score__wade_giles),
		cmocka_unit_test(test_match_score__deterministic),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
