/* SPDX-License-Identifier: Apache-2.0 */
/* match: names brought to one Latin form with ICU, phonetic keys, token similarity. */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>
#include <unicode/utrans.h>

#include "match/match.h"

/*
 * Module-internal: score.c keeps each name's prepared form in the record's
 * text block and scores with it (these prototypes are repeated there;
 * match.h is the module's public interface).
 */
enum { NAME_TAG_NONLATIN = 1, NAME_TAG_ABJAD = 2 };
int cu_name_normalise_tagged(char *out, size_t outsz, const char *utf8, size_t len, int cls,
			     uint8_t *tags, size_t ntags);
/*
 * Sound classes, for a token written in another script and the Latin
 * spelling it was heard from (maureen ~ морин, ciconia ~ чикония): the
 * spelling conventions of the source language are mostly lost, so letters
 * and digraphs become classes and every vowel run one 'a':
 *
 *   b p -> b    f v ph -> f    c(a,o,u) k q ck -> k    g gh -> g
 *   s z c(e,i,y) sh sch ch zh ts tz cz sz -> s    x -> ks
 *   j dj dz dzh -> j    t th -> t    h kh -> (dropped)
 *   a e i o u y, w after a vowel -> a    w otherwise -> f
 *
 * "ch" before a consonant is k (christoforos). maureen, morin -> maran.
 * The abjad form (Arabic, Hebrew, which write few vowels and have no p/b or
 * f/v contrast in one of the two) drops the vowels, b f -> b, g j -> j:
 * marn -> mrn. Both are stored with the token (cu_name_prepare).
 */
static size_t sound_classes(char *out, size_t cap, const char *t, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 3 < cap;) {
		char c = t[i], n1 = i + 1 < n ? t[i + 1] : 0, n2 = i + 2 < n ? t[i + 2] : 0;
		char k = 0;
		size_t used = 1;
		if (strchr("aeiouy", c)) {
			k = 'a';
		} else if (c == 'w') {
			k = o > 0 && out[o - 1] == 'a' ? 'a' : 'f';
		} else if (c == 's' && n1 == 'c' && n2 == 'h') {
			k = 's', used = 3;
		} else if (c == 'c' && n1 == 'h') {
			k = n2 && !strchr("aeiouy", n2) ? 'k' : 's', used = 2;
		} else if (((c == 's' || c == 'z' || c == 'c') && (n1 == 'h' || n1 == 'z')) ||
		           (c == 't' && (n1 == 's' || n1 == 'z'))) {
			k = 's', used = 2;
		} else if (c == 'd' && (n1 == 'j' || n1 == 'z')) {
			k = 'j', used = n1 == 'z' && n2 == 'h' ? 3 : 2;
		} else if (c == 'k' && n1 == 'h') {
			k = 0, used = 2; /* х, ח, خ for a Latin h, or for nothing */
		} else if ((c == 'p' || c == 't' || c == 'g') && n1 == 'h') {
			k = c == 'p' ? 'f' : c, used = 2;
		} else if (c == 'c' && n1 == 'k') {
			k = 'k', used = 2;
		} else if (c == 'c') {
			/* Slavic -ic, -ovic (Latin c is ts or ch there) */
			k = n1 == 'e' || n1 == 'i' || n1 == 'y' || (!n1 && i > 0 && t[i - 1] == 'i') ? 's' : 'k';
		} else if (c == 'x') {
			out[o++] = 'k';
			k = 's';
		} else {
			switch (c) {
			case 'p': k = 'b'; break;
			case 'v': k = 'f'; break;
			case 'q': k = 'k'; break;
			case 'z': k = 's'; break;
			case 'h': k = 0; break;
			default: k = c; break;
			}
		}
		if (k && (o == 0 || out[o - 1] != k))
			out[o++] = k;
		i += used;
	}
	out[o] = 0;
	return o;
}

static size_t abjad_form(char *out, const char *cv, size_t n)
{
	size_t o = 0;
	char prev = 0; /* a vowel between two equal consonants keeps both (habibi -> hbb) */
	for (size_t i = 0; i < n; i++) {
		char c = cv[i];
		if (c == 'a') {
			prev = 0;
			continue;
		}
		c = c == 'f' ? 'b' : c == 'g' ? 'j' : c;
		if (c != prev)
			out[o++] = c;
		prev = c;
	}
	out[o] = 0;
	return o;
}

bool cu_name_tag_valid(uint8_t tag);
bool cu_name_tag_valid(uint8_t tag)
{
	return tag == 0 || tag == NAME_TAG_NONLATIN || tag == (NAME_TAG_NONLATIN | NAME_TAG_ABJAD);
}

size_t cu_name_tag_slots(const char *norm, size_t len);
int cu_name_prepare(uint8_t *out, size_t outsz, const char *name, size_t len, const uint8_t *tags,
		    size_t ntags);
size_t cu_name_prepared_tags(const char *name, uint8_t *tags, size_t cap);
double cu_name_similarity_prepared(const char *a, const char *b, char *explain, size_t explainsz);

/*
 * The pipeline (cu_name_normalise), one name at a time:
 *
 *   UTF-8 --check--> UTF-16 --NFKC_Casefold--> words --translit--> ASCII tokens
 *                                              (split on       (our rules for
 *                                               punctuation,    Serbian, Russian,
 *                                               apostrophes     Ukrainian, Greek,
 *                                               and format      Arabic, Hebrew,
 *                                               chars deleted)  Armenian, Korean,
 *                                                               Thai, Khmer, Lao
 *                                                               and Sinhala, then
 *                                                               Any-Latin;
 *                                                               Latin-ASCII)
 *   --> titles removed (persons) --> "tok tok tok"
 *
 * ICU's own Any-Latin is a scholarly transliteration (Юлия -> Ûliâ, Arabic
 * without vowels, Greek eta as e). Names are written in passports and
 * sanctions lists with the practical systems (ICAO, BGN/PCGN, KMU 2010), so
 * our rules produce those forms first and ICU handles every other script.
 * Ukrainian is told from Russian by its own letters (і ї є ґ): with any of
 * them in the name, г is h and и is y as in the KMU 2010 passport system.
 */

static const char RULES_COMMON[] =
	/* Serbian, Macedonian, Serbo-Croatian Latin */
	"ђ > dj ; đ > dj ; ћ > c ; ј > j ; љ > lj ; њ > nj ; џ > dz ; ѓ > gj ; ќ > kj ; ѕ > dz ;"
	/* Russian, Belarusian (ICAO/BGN-like, j-less) */
	"а > a ; б > b ; в > v ; ґ > g ; д > d ; е > e ; ё > e ; ж > zh ;"
	"з > z ; і > i ; к > k ; л > l ; м > m ; н > n ; о > o ;"
	"п > p ; р > r ; с > s ; т > t ; у > u ; ў > u ; ф > f ; х > kh ; ц > ts ; ч > ch ;"
	"ш > sh ; щ > shch ; ъ > ; ы > y ; ь > ; э > e ;"
	/* the letters Kazakh, Kyrgyz, Tajik, Uzbek, Mongolian, Tatar and Bashkir add,
	 * as their passports' Russian-based spellings write them (ICU's ḳ for қ
	 * cut Тоқаев into tok aev) */
	"ә > a ; ғ > g ; қ > k ; ҡ > k ; ң > ng ; ө > o ; ұ > u ; ү > u ; һ > h ; ҳ > h ;"
	"ҷ > j ; ҹ > j ; җ > zh ; ӣ > i ; ӯ > u ; ҙ > z ; ҫ > s ; ӊ > ng ;"
	/* Greek (ELOT 743-like) */
	"αι > ai ; ει > ei ; οι > oi ; ου > ou ; ού > ou ; αυ > av ; ευ > ev ; μπ > b ; ντ > nt ;"
	"γγ > ng ; γκ > g ; α > a ; ά > a ; β > v ; γ > g ; δ > d ; ε > e ; έ > e ; ζ > z ;"
	"η > i ; ή > i ; θ > th ; ι > i ; ί > i ; ϊ > i ; ΐ > i ; κ > k ; λ > l ; μ > m ; ν > n ;"
	"ξ > x ; ο > o ; ό > o ; π > p ; ρ > r ; σ > s ; ς > s ; τ > t ; υ > y ; ύ > y ; ϋ > y ;"
	"ΰ > y ; φ > f ; χ > ch ; ψ > ps ; ω > o ; ώ > o ;"
	/* Arabic and Persian: long vowels written, short ones only when pointed */
	"و } ا > w ; ^ و > w ; و > u ; ي } ا > y ; ^ ي > y ; ي > i ; ی } ا > y ; ^ ی > y ;"
	"ی > i ; ا > a ; أ > a ; إ > i ; آ > a ; ٱ > a ; ء > ; ئ > ; ؤ > u ; ب > b ; ت > t ;"
	"ة > a ; ث > th ; ج > j ; ح > h ; خ > kh ; د > d ; ذ > dh ; ر > r ; ز > z ; س > s ;"
	"ش > sh ; ص > s ; ض > d ; ط > t ; ظ > z ; ^ ع > a ; ع > ; غ > gh ; ف > f ; ق > q ; ك > k ;"
	"ک > k ; ل > l ; م > m ; ن > n ; ه > h ; ھ > h ; ۀ > h ; ى > a ; پ > p ; چ > ch ;"
	"ژ > zh ; گ > g ; \\u064E > a ; \\u064F > u ; \\u0650 > i ; [\\u064B-\\u064D] > ;"
	"[\\u0651-\\u065F\\u0670\\u0640\\u0674] > ;"
	/* Pashto, Urdu, Kurdish (Sorani) and Uyghur letters beyond Arabic and Persian
	 * (ICU dropped some, and took Sorani's vowel ە for a break: جەلال was j lal) */
	"ګ > g ; ټ > t ; ٹ > t ; ډ > d ; ڈ > d ; ړ > r ; ڑ > r ; ڕ > r ; ښ > sh ; ږ > zh ;"
	"ځ > z ; څ > s ; ں > n ; ڵ > l ; ڤ > v ; ې > e ; ۍ > i ; ے > e ; ۓ > e ; ە > e ; ێ > e ;"
	"ۆ > o ; ۇ > u ; ۈ > u ; ۋ > w ; ڭ > ng ;"
	/* Hebrew: points dropped; vav and yod as vowels inside a word */
	"[\\u0591-\\u05C7] > ; [׳״] > ; וו > v ; ^ ו > v ; ו > o ; יי > y ; ^ י > y ; י > i ;"
	"א > ; ב > b ; ג > g ; ד > d ; ה > h ; ז > z ; ח > kh ; ט > t ; כ > k ; ך > kh ;"
	"ל > l ; מ > m ; ם > m ; נ > n ; ן > n ; ס > s ; ע > ; פ > p ; ף > f ; צ > ts ;"
	"ץ > ts ; ק > k ; ר > r ; ש > sh ; ת > t ;"
	/* Katakana ヴ with a small vowel, as Japanese writes foreign names (ヴィクトル
	 * Viktor): ICU reads vu, and the small vowel alone cut the word */
	"[ヴゔ] [ァぁ] > va ; [ヴゔ] [ィぃ] > vi ; [ヴゔ] [ェぇ] > ve ; [ヴゔ] [ォぉ] > vo ;"
	"[ヴゔ] [ュゅ] > vyu ;"
	/* Thai consonants as ROLES left them: closing a syllable (\\uE0F2), else opening it */
	"\\uE0F2 [กขฃคฅฆ] > k ; \\uE0F2 ง > ng ; \\uE0F2 [จฉชซฌฎฏฐฑฒดตถทธศษส] > t ;"
	"\\uE0F2 [ญณนรลฬ] > n ; \\uE0F2 [บปผพภ] > p ; \\uE0F2 [ฝฟ] > f ; \\uE0F2 ม > m ;"
	"\\uE0F2 ย > i ; \\uE0F2 [วอ] > o ; \\uE0F2 [หฮ] > ; ก > k ; [ขฃคฅฆ] > kh ; ง > ng ;"
	"[จฉชฌ] > ch ; [ซศษส] > s ; ญ > y ; [ฎด] > d ; [ฏต] > t ; [ฐฑฒถทธ] > th ; [ณน] > n ;"
	"บ > b ; ป > p ; [ผพภ] > ph ; [ฝฟ] > f ; ม > m ; ย > y ; ร > r ; [ลฬ] > l ; ว > w ;"
	"[หฮ] > h ; อ > ; \\uE0F1 > a ; \\uE0F0 > ;"
	/* Armenian (BGN/PCGN 1981, as Armenian passports write names: Khachatryan,
	 * Mkhitaryan, Yeghishe, Voskan); NFKC has made և into եւ */
	"եւ > ev ; ու > u ; ^ ե > ye ; ^ ո > vo ; ա > a ; բ > b ; գ > g ; դ > d ; ե > e ;"
	"զ > z ; է > e ; ը > y ; թ > t ; ժ > zh ; ի > i ; լ > l ; խ > kh ; ծ > ts ; կ > k ;"
	"հ > h ; ձ > dz ; ղ > gh ; ճ > ch ; մ > m ; յ > y ; ն > n ; շ > sh ; ո > o ; չ > ch ;"
	"պ > p ; ջ > j ; ռ > r ; ս > s ; վ > v ; տ > t ; ր > r ; ց > ts ; ւ > v ; փ > p ;"
	"ք > k ; օ > o ; ֆ > f ;";

/* Scripts ICU has no transliterator for (a name in them was refused as
 * empty): Khmer, then Lao and Sinhala, then ICU for every other script. */
static const char RULES_KHMER[] =
	/* Khmer (UNGEGN-like): each consonant followed by the mark of its
	 * series (RULES_KHMER_SERIES), which decides how its vowel sounds
	 * and which vowel it carries (a or o) before another consonant */
	"ក > k ; ខ > kh ; គ > k ; ឃ > kh ; ង > ng ; ច > ch ; ឆ > chh ; ជ > ch ;"
	"ឈ > chh ; ញ > nh ; ដ > d ; ឋ > th ; ឌ > d ; ឍ > th ; ណ > n ; ត > t ;"
	"ថ > th ; ទ > t ; ធ > th ; ន > n ; ប > b ; ផ > ph ; ព > p ; ភ > ph ;"
	"ម > m ; យ > y ; រ > r ; ល > l ; វ > v ; ឝ > s ; ឞ > s ; ស > s ; ហ > h ;"
	"ឡ > l ; អ > ; \\uE003 > p ; [\\uE000\\uE001] \\u17D2 > ; \\uE000 ា > a ; \\uE001 ា > ea ;"
	"\\uE000 ិ > e ; \\uE001 ិ > i ; \\uE000 ី > ei ; \\uE001 ី > i ; \\uE000 ឹ > oe ;"
	"\\uE001 ឹ > ue ; \\uE000 ឺ > oeu ; \\uE001 ឺ > ueu ; \\uE000 ុ > o ; \\uE001 ុ > u ;"
	"\\uE000 ូ > ou ; \\uE001 ូ > u ; \\uE000 ួ > uo ; \\uE001 ួ > uo ; \\uE000 ើ > aeu ;"
	"\\uE001 ើ > eu ; \\uE000 ឿ > oea ; \\uE001 ឿ > oea ; \\uE000 ៀ > ie ; \\uE001 ៀ > ie ;"
	"\\uE000 េ > e ; \\uE001 េ > e ; \\uE000 ែ > ae ; \\uE001 ែ > ae ; \\uE000 ៃ > ai ;"
	"\\uE001 ៃ > ey ; \\uE000 ោ > ao ; \\uE001 ោ > o ; \\uE000 ៅ > au ; \\uE001 ៅ > ov ;"
	"\\uE000 ំ > am ; \\uE001 ំ > um ; \\uE000 ះ > ah ; \\uE001 ះ > eah ;"
	"\\uE000 } [\\u1780-\\u17A2\\uE003] > a ; \\uE001 } [\\u1780-\\u17A2\\uE003] > o ; [\\uE000\\uE001] > ;"
	"ឣ > a ; ឤ > a ; ឥ > e ; ឦ > ei ; ឧ > o ; ឨ > ou ; ឩ > o ; ឪ > ov ;"
	"ឫ > rue ; ឬ > rueu ; ឭ > lue ; ឮ > lueu ; ឯ > ae ; ឰ > ai ; ឱ > ao ;"
	"ឲ > ao ; ឳ > au ; ា > a ; ិ > e ; ី > ei ; ឹ > oe ; ឺ > oeu ; ុ > o ;"
	"ូ > ou ; ួ > uo ; ើ > aeu ; ឿ > oea ; ៀ > ie ; េ > e ; ែ > ae ; ៃ > ai ;"
	"ោ > ao ; ៅ > au ; ំ > am ; ះ > ah ; \\u17C8 > a ; [\\u17C9-\\u17D3\\u17DD] > ;";

/* Korean: a syllable a token, as names are romanised (Kim Jong Un, Park
 * Geun-hye: DPRK and South Korean practice, without diacritics); the first
 * pass splits syllables into their letters (jamo). */
static const char RULES_KOREAN[] =
	"$kb = [a-z\\u1161-\\u1175\\u11A8-\\u11C2] ;"
	/* the surname 이 is written Lee far more often than Yi, Rhee or I */
	"^ \\u110B \\u1175 } [^\\u11A8-\\u11C2] > lee ;"
	"$kb { \\u1100 > ' ' g ;"
	"\\u1100 > k ;"
	"$kb { \\u1101 > ' ' kk ;"
	"\\u1101 > kk ;"
	"$kb { \\u1102 > ' ' n ;"
	"\\u1102 > n ;"
	"$kb { \\u1103 > ' ' d ;"
	"\\u1103 > t ;"
	"$kb { \\u1104 > ' ' tt ;"
	"\\u1104 > tt ;"
	"$kb { \\u1105 > ' ' r ;"
	"\\u1105 > r ;"
	"$kb { \\u1106 > ' ' m ;"
	"\\u1106 > m ;"
	"$kb { \\u1107 > ' ' b ;"
	"\\u1107 > p ;"
	"$kb { \\u1108 > ' ' pp ;"
	"\\u1108 > pp ;"
	"$kb { \\u1109 > ' ' s ;"
	"\\u1109 > s ;"
	"$kb { \\u110A > ' ' ss ;"
	"\\u110A > ss ;"
	"$kb { \\u110B > ' ' ;"
	"\\u110B > ;"
	"$kb { \\u110C > ' ' j ;"
	"\\u110C > j ;"
	"$kb { \\u110D > ' ' jj ;"
	"\\u110D > jj ;"
	"$kb { \\u110E > ' ' ch ;"
	"\\u110E > ch ;"
	"$kb { \\u110F > ' ' k ;"
	"\\u110F > k ;"
	"$kb { \\u1110 > ' ' t ;"
	"\\u1110 > t ;"
	"$kb { \\u1111 > ' ' p ;"
	"\\u1111 > p ;"
	"$kb { \\u1112 > ' ' h ;"
	"\\u1112 > h ;"
	"\\u1161 > a ;"
	"\\u1162 > ae ;"
	"\\u1163 > ya ;"
	"\\u1164 > yae ;"
	"\\u1165 > o ;"
	"\\u1166 > e ;"
	"\\u1167 > yo ;"
	"\\u1168 > ye ;"
	"\\u1169 > o ;"
	"\\u116A > wa ;"
	"\\u116B > wae ;"
	"\\u116C > oe ;"
	"\\u116D > yo ;"
	"\\u116E > u ;"
	"\\u116F > wo ;"
	"\\u1170 > we ;"
	"\\u1171 > wi ;"
	"\\u1172 > yu ;"
	"\\u1173 > u ;"
	"\\u1174 > ui ;"
	"\\u1175 > i ;"
	"\\u11A8 > k ;"
	"\\u11A9 > k ;"
	"\\u11AA > k ;"
	"\\u11AB > n ;"
	"\\u11AC > n ;"
	"\\u11AD > n ;"
	"\\u11AE > t ;"
	"\\u11AF > l ;"
	"\\u11B0 > k ;"
	"\\u11B1 > m ;"
	"\\u11B2 > l ;"
	"\\u11B3 > l ;"
	"\\u11B4 > l ;"
	"\\u11B5 > p ;"
	"\\u11B6 > l ;"
	"\\u11B7 > m ;"
	"\\u11B8 > p ;"
	"\\u11B9 > p ;"
	"\\u11BA > t ;"
	"\\u11BB > t ;"
	"\\u11BC > ng ;"
	"\\u11BD > t ;"
	"\\u11BE > t ;"
	"\\u11BF > k ;"
	"\\u11C0 > t ;"
	"\\u11C1 > p ;"
	"\\u11C2 > t ;";

static const char RULES_LAO_SINHALA[] =
	/* Lao (BGN/PCGN-like): a vowel written before its consonant is read
	 * after it */
	"$lc = [\\u0E81-\\u0EAE\\u0EDC\\u0EDD] ; $lt = [\\u0EC8-\\u0ECB] ;"
	"ເ ($lc) ົ $lt? າ > | $1 ao ; ເ ($lc) ີ > | $1 oe ;"
	"ເ ($lc) ື $lt? ອ > | $1 uea ; ເ ($lc) $lt? ຍ > | $1 ia ; ເ ($lc) ັ > | $1 e ;"
	"ເ ($lc) > | $1 e ; ແ ($lc) > | $1 ae ; ໂ ($lc) > | $1 o ; ໄ ($lc) > | $1 ai ;"
	"ໃ ($lc) > | $1 ai ; ^ ຍ > ny ; ຍ > y ; ^ ອ > ; ອ > o ; ກ > k ; ຂ > kh ;"
	"ຄ > kh ; ງ > ng ; ຈ > ch ; ສ > s ; ຊ > x ; ດ > d ; ຕ > t ; ຖ > th ;"
	"ທ > th ; ນ > n ; ບ > b ; ປ > p ; ຜ > ph ; ຝ > f ; ພ > ph ; ຟ > f ; ມ > m ;"
	"ຢ > y ; ຣ > r ; ລ > l ; ວ > v ; ຫ > h ; ຮ > h ; ໜ > n ; ໝ > m ; ະ > a ;"
	"ັ > a ; າ > a ; ຳ > am ; ິ > i ; ີ > i ; ຶ > ue ; ື > ue ; ຸ > u ; ູ > u ;"
	"ົ > o ; ຼ > l ; ຽ > ia ; ໍ > o ; ເ > e ; ແ > ae ; ໂ > o ; ໄ > ai ;"
	"ໃ > ai ; [\\u0EC6\\u0EC8-\\u0ECC] > ; \\u0ED0 > 0 ; \\u0ED1 > 1 ; \\u0ED2 > 2 ; \\u0ED3 > 3 ;"
	"\\u0ED4 > 4 ; \\u0ED5 > 5 ; \\u0ED6 > 6 ; \\u0ED7 > 7 ; \\u0ED8 > 8 ; \\u0ED9 > 9 ;"
	/* Sinhala: a consonant carries a unless a vowel sign or al-lakuna
	 * follows */
	"$sv = [\\u0DCA-\\u0DDF\\u0DF2\\u0DF3] ; ක } $sv > k ; ක > ka ; ඛ } $sv > kh ; ඛ > kha ;"
	"ග } $sv > g ; ග > ga ; ඝ } $sv > gh ; ඝ > gha ; ඞ } $sv > ng ; ඞ > nga ;"
	"ඟ } $sv > ng ; ඟ > nga ; ච } $sv > ch ; ච > cha ; ඡ } $sv > chh ; ඡ > chha ;"
	"ජ } $sv > j ; ජ > ja ; ඣ } $sv > jh ; ඣ > jha ; ඤ } $sv > ny ; ඤ > nya ;"
	"ඥ } $sv > gn ; ඥ > gna ; ඦ } $sv > nj ; ඦ > nja ; ට } $sv > t ; ට > ta ;"
	"ඨ } $sv > th ; ඨ > tha ; ඩ } $sv > d ; ඩ > da ; ඪ } $sv > dh ; ඪ > dha ;"
	"ණ } $sv > n ; ණ > na ; ඬ } $sv > nd ; ඬ > nda ; ත } $sv > t ; ත > ta ;"
	"ථ } $sv > th ; ථ > tha ; ද } $sv > d ; ද > da ; ධ } $sv > dh ; ධ > dha ;"
	"න } $sv > n ; න > na ; ඳ } $sv > nd ; ඳ > nda ; ප } $sv > p ; ප > pa ;"
	"ඵ } $sv > ph ; ඵ > pha ; බ } $sv > b ; බ > ba ; භ } $sv > bh ; භ > bha ;"
	"ම } $sv > m ; ම > ma ; ඹ } $sv > mb ; ඹ > mba ; ය } $sv > y ; ය > ya ;"
	"ර } $sv > r ; ර > ra ; ල } $sv > l ; ල > la ; ව } $sv > w ; ව > wa ;"
	"ශ } $sv > sh ; ශ > sha ; ෂ } $sv > sh ; ෂ > sha ; ස } $sv > s ; ස > sa ;"
	"හ } $sv > h ; හ > ha ; ළ } $sv > l ; ළ > la ; ෆ } $sv > f ; ෆ > fa ; ා > a ;"
	"ැ > ae ; ෑ > ae ; ි > i ; ී > i ; ු > u ; ූ > u ; ෘ > ru ; ෙ > e ; ේ > e ;"
	"ෛ > ai ; ො > o ; ෝ > o ; ෞ > au ; ෟ > lu ; ෲ > ru ; ෳ > lu ; ං > m ;"
	"ඃ > h ; අ > a ; ආ > a ; ඇ > ae ; ඈ > ae ; ඉ > i ; ඊ > i ; උ > u ; ඌ > u ;"
	"ඍ > ru ; ඎ > ru ; ඏ > lu ; ඐ > lu ; එ > e ; ඒ > e ; ඓ > ai ; ඔ > o ;"
	"ඕ > o ; ඖ > au ; \\u0DCA > ;"
	":: Any-Latin ; :: Latin-ASCII ;";

/* The first pass splits Hangul syllables into their letters (RULES_KOREAN),
 * marks each Khmer consonant with its series (\uE000 a-series, \uE001
 * o-series; the signs triisap and musikatoan change it; ប with musikatoan
 * is p, \uE003), for the rules of the main pass to read, and clears Thai of
 * what carries no sound for the Thai passes (RULES_THAI_ORDER). */
static const char RULES_KHMER_SERIES[] =
	":: [\\uAC00-\\uD7A3] NFD ;"
	"$kha = [កខចឆដឋណតថបផឝឞសហឡអ] ;"
	"$kho = [គឃងជឈញឌឍនទធពភមយរលវ] ; [\\u1780-\\u17A2] \\u17CD > ;"
	"ប \\u17C9 > \\uE003 \\uE000 ; ($kha) \\u17CA > $1 \\uE001 ; ($kho) \\u17C9 > $1 \\uE000 ;"
	"($kha) > $1 \\uE000 ; ($kho) > $1 \\uE001 ;"
	/* Thai: tone marks and signs that carry no sound go; a consonant the
	 * karan (thanthakhat) silences goes too, leaving a syllable break
	 * (\uE0F0) behind: วงศ์สวัสดิ์ is wong|sawat, not wongsawat read anew */
	"$thv = [\\u0E30-\\u0E39\\u0E40-\\u0E44\\u0E47] ; [\\u0E48-\\u0E4B\\u0E3A\\u0E46\\u0E4D\\u0E4E] > ;"
	"ทร\\u0E4C > \\uE0F0 ; ตร\\u0E4C > \\uE0F0 ; ษณ\\u0E4C > \\uE0F0 ; [ก-ฮ] [ิุ]? \\u0E4C > \\uE0F0 ;"
	/* Myanmar: tone marks go, for RULES_MYANMAR */
	"[\\u1037\\u1038] > ;"
	":: Null ;";

/*
 * Thai (RTGS, the Royal Institute's system, which Thai authorities write
 * names in): Thai writes no vowel between many consonants and some vowels
 * before their consonant, and a consonant sounds one way opening a syllable
 * and another closing it (ด is d, then t; ร r, then n). Three passes after
 * the first: ORDER moves each vowel written before its consonant (or
 * cluster: ปร, ห before a sonorant) behind it in Latin; ROLES reads each
 * consonant's place from what surrounds it (before a vowel it opens a
 * syllable; after one it closes it, marked \uE0F2; with no vowel written, an
 * implicit a, \uE0F1, or o); the main pass (RULES_THAI_SOUNDS) writes them.
 * สมชาย → somchai, ประวิตร → prawit, ชินวัตร → chinwat, พนมยงค์ → phanomyong.
 * Names whose syllables only a dictionary tells apart (สุรยุทธ์ surayut, here
 * sunyut) come out near enough for the scores to meet.
 */
static const char RULES_THAI_ORDER[] =
	"$thc = [ก-ฮ] ; $thcl = [กขคปผพบดฟตศส] ; $ths = [งญนมยรลว] ;"
	"เ ($thcl [รล]) ี ย ะ? > | $1 ia ; เ (ห $ths) ี ย ะ? > | $1 ia ; เ ($thc) ี ย ะ? > | $1 ia ;"
	"เ ($thcl [รล]) ื อ ะ? > | $1 uea ; เ (ห $ths) ื อ ะ? > | $1 uea ;"
	"เ ($thc) ื อ ะ? > | $1 uea ;"
	"เ ($thcl [รล]) า ะ > | $1 o ; เ (ห $ths) า ะ > | $1 o ; เ ($thc) า ะ > | $1 o ;"
	"เ ($thcl [รล]) า > | $1 ao ; เ (ห $ths) า > | $1 ao ; เ ($thc) า > | $1 ao ;"
	"เ ($thcl [รล]) [อิ] ะ? > | $1 oe ; เ (ห $ths) [อิ] ะ? > | $1 oe ; เ ($thc) [อิ] ะ? > | $1 oe ;"
	"เ ($thcl [รล]) } [^$thv] > | $1 e ; เ (ห $ths) [็ะ]? > | $1 e ; เ ($thc) [็ะ]? > | $1 e ;"
	"แ ($thcl [รล]) } [^$thv] > | $1 ae ; แ (ห $ths) [็ะ]? > | $1 ae ; แ ($thc) [็ะ]? > | $1 ae ;"
	"โ ($thcl [รล]) } [^$thv] > | $1 o ; โ (ห $ths) ะ? > | $1 o ; โ ($thc) ะ? > | $1 o ;"
	"[ใไ] ($thcl [รล]) } [^$thv] > | $1 ai ; [ใไ] (ห $ths) > | $1 ai ; [ใไ] ($thc) > | $1 ai ;"
	/* รร is a (an when nothing else closes the syllable): สุวรรณ suwan, ธรรม tham */
	"รร } $thc [$thv อ] > an ; รร } $thc > a ; รร > an ;"
	/* ว between two consonants, the second closing the syllable: ua (ชวน chuan) */
	"($thc) ว ($thc) } [^$thv] > | $1 ua $2 ;"
	":: Null ;";

static const char RULES_THAI_ROLES[] =
	"$thw = [\\u0E30-\\u0E39\\u0E47 aeiou อ] ; $thvl = [aeiou] ; $thi = \\uE0F1 ; $thf = \\uE0F2 ;"
	"ั ว ะ? > ua ; ั > a ; ะ > a ; า > a ; ำ > am ; ิ > i ; ี > i ; ึ > ue ; ื อ > ue ; ื > ue ;"
	"ุ > u ; ู > u ; ็ > ; ฤ > ri ; ฦ > lue ;"
	/* ห before a sonorant and อ before a vowel are silent; อ after a consonant is o */
	"ห } $ths $thw > ; อ } ย $thw > ; อ } $thw > ; [a-z] { อ > o ; ทร } $thw > s ;"
	/* opening a syllable: before a vowel, or first of a cluster */
	"($thc) } $thw > $1 ; ($thcl) } [รล] $thw > $1 ; ([กขค]) } ว $thw > $1 ;"
	/* a doubled consonant closing a word is a syllable of its own (จุลานนท์ chulanon) */
	"$thvl { นน } [^$thw] > น o $thf น ;"
	/* ร after a consonant with no vowel: a syllable in o (จิราพร chiraphon), except
	 * after ก ค ต, where it is silent (สมัคร samak, ประวิตร prawit) */
	"$thvl { ([$thc-[กคตร]]) } ร [^$thw] > $1 o ; $thvl { ($thc) > $thf $1 ;"
	"$thf [กคต] { ร } [^$thw] > ;"
	/* a consonant after a closing one that ends the word is silent (ยุทธ yut) */
	"$thf $thc { $thc } [^$thw \\u0E00-\\u0E7F] > ;"
	/* no vowel written: a before a consonant that has one, o before one closing the
	 * syllable (สมชาย somchai; ถนอม thanom; พนม phanom) */
	"$thi { ($thc) } $thc [^$thw] > $1 o ; ($thc) } $thc $thw > $1 $thi ;"
	"($thc) ว } $thc $thw > $1 $thi ว $thi ; ($thc) } $thc $thc [^$thw] > $1 $thi ;"
	"($thc) > $1 o ;"
	":: Null ;";

/* The letters Russian and Ukrainian romanise differently, in front of the
 * common rules: Russian (BGN/PCGN-like) and Ukrainian (KMU 2010). */
static const char RULES_RU[] = "г > g ; и > i ; є > ye ; ї > yi ; й > y ; ю > yu ; я > ya ;";
static const char RULES_UK[] = "зг > zgh ; г > h ; и > y ; [:L:] { є > ie ; є > ye ; [:L:] { ї > i ;"
			       "ї > yi ; [:L:] { й > i ; й > y ; [:L:] { ю > iu ; ю > yu ;"
			       "[:L:] { я > ia ; я > ya ;";

/* Per-thread ICU objects (transliterators and break iterators are not thread-safe). */
static _Thread_local struct {
	UTransliterator *tr[2]; /* [0] common, [1] Ukrainian */
	bool failed[2];
	UBreakIterator *words; /* CU_NAME_TEXT: words of scripts written without spaces */
	bool words_failed;
} tl;

void cu_match_thread_done(void)
{
	for (int i = 0; i < 2; i++) {
		if (tl.tr[i])
			utrans_close(tl.tr[i]);
		tl.tr[i] = NULL;
		tl.failed[i] = false;
	}
	if (tl.words)
		ubrk_close(tl.words);
	tl.words = NULL;
	tl.words_failed = false;
}

/*
 * Ethiopic (Amharic, Tigrinya, Tigre), which ICU writes as in ISO 2003 with
 * ǝ for the sixth order (ኤርምያስ → erǝmǝyās), which then cut names into
 * pieces (er m yas ~ Ermias: 0.29). Names are written in Latin letters as
 * Eritreans and Ethiopians write them in passports and the press: a syllable
 * is its consonant and its order's vowel (ä as e: መለስ Meles), the sixth
 * order no vowel but i at the start of a word (ግርማይ Girmay, ትግራይ Tigray),
 * ቀ and ኸ as k (በቀለ Bekele, ተኽለ Tekle), the glottal and pharyngeal rows
 * as their vowels with a for ä (አሕመድ Ahmed, ዓቢይ Abiy). The syllabary puts
 * each consonant's orders in a row of eight code points, the eighth its
 * labialised wa, so the rules are made from the rows below.
 */
static const struct {
	uint16_t row;
	const char *c;
} ETHIOPIC[] = {
	{0x1200, "h"}, {0x1208, "l"}, {0x1210, "h"}, {0x1218, "m"}, {0x1220, "s"}, {0x1228, "r"},
	{0x1230, "s"}, {0x1238, "sh"}, {0x1240, "k"}, {0x1250, "kh"}, {0x1260, "b"}, {0x1268, "v"},
	{0x1270, "t"}, {0x1278, "ch"}, {0x1280, "h"}, {0x1290, "n"}, {0x1298, "ny"}, {0x12A0, ""},
	{0x12A8, "k"}, {0x12B8, "k"}, {0x12C8, "w"}, {0x12D0, ""}, {0x12D8, "z"}, {0x12E0, "zh"},
	{0x12E8, "y"}, {0x12F0, "d"}, {0x12F8, "d"}, {0x1300, "j"}, {0x1308, "g"}, {0x1318, "ng"},
	{0x1320, "t"}, {0x1328, "ch"}, {0x1330, "p"}, {0x1338, "ts"}, {0x1340, "ts"}, {0x1348, "f"},
	{0x1350, "p"},
};
/* The rows of labialised consonants (qʷ ḫʷ kʷ xʷ gʷ): orders 1, 3, 4, 5, 6 at 0, 2-5. */
static const struct {
	uint16_t row;
	const char *c;
} ETHIOPIC_W[] = {
	{0x1248, "kw"}, {0x1258, "khw"}, {0x1288, "hw"}, {0x12B0, "kw"}, {0x12C0, "kw"},
	{0x1310, "gw"},
};
#define ETHIOPIC_RULES_MAX 8192

/*
 * Myanmar (Burmese), which ICU writes in a scholarly form run together
 * (အောင်ဆန်းစုကြည် → aaungsaannhcukyi, 0.28 against Aung San Suu Kyi).
 * Burmese names are written in Latin letters a syllable a word, as their
 * bearers and the press write them: each syllable's first consonant (with
 * its medials: ky, ch, hl, shw) begins a token, then its rime (the vowel
 * signs and a closing consonant with its asat: ောင် aung, ိန် ein, န် an),
 * or a if it has none. Tone marks go in the first pass.
 */
static const char RULES_MYANMAR[] =
	"$myv = [\\u102B-\\u1036\\u1039\\u103A-\\u103E] ; $myc = [\\u1000-\\u1021] ;"
	"ဦ > u ; ဥ > u ; ဧ > e ; ဩ > aw ; ဪ > aw ; ဤ > i ; ဣ > i ;"
	"ောင် > aung ; ောက် > auk ; ော် > aw ; ော > aw ; ေါင် > aung ; ေါက် > auk ; ေါ် > aw ;"
	"ေါ > aw ; ိုင် > aing ; ိုက် > aik ; ို > o ; ိန် > ein ; ိမ် > ein ; ိံ > ein ;"
	"ိတ် > eik ; ိပ် > eik ; ုန် > on ; ုမ် > on ; ုံ > on ; ုတ် > ok ; ုပ် > ok ; ွန် > un ;"
	"ွမ် > un ; ွံ > un ; ွတ် > ut ; ွပ် > ut ; ဉ် > in ; ည် > i ; န် > an ; ံ > an ; မ် > an ;"
	"တ် > at ; ပ် > at ; က် > et ; စ် > it ; င် > in ; လ် > ; ယ် > e ; ာ > a ; ါ > a ; ိ > i ;"
	"ီ > i ; ု > u ; ူ > u ; ေ > e ; ဲ > e ; ျ > y ; ြ > y ; ွ > w ; ် > ;"
	"ရွှ > ' 'shw ; ရှ > ' 'sh ; ယှ > ' 'sh ; လှ > ' 'hl ; မှ > ' 'hm ; နှ > ' 'hn ; ငှ > ' 'hng ;"
	"ညှ > ' 'hny ; ဝှ > ' 'hw ; ချ > ' 'ch ; ခြ > ' 'ch ; ကျ > ' 'ky ; ကြ > ' 'ky ; ဂျ > ' 'gy ;"
	"ဂြ > ' 'gy ;";
/* Each consonant as a syllable's first (U+1000 on); "-" for အ, the vowel carrier. */
static const char *const MYANMAR_INITIAL[] = {
	"k", "kh", "g", "g", "ng", "s", "s", "z", "z", "ny", "ny", "t", "ht", "d", "d", "n", "t",
	"ht", "d", "d", "n", "p", "ph", "b", "b", "m", "y", "y", "l", "w", "th", "h", "l", "-",
};
#define MYANMAR_RULES_MAX 6144

/* Writes the rules of syllables' first consonants (after RULES_MYANMAR's); their length. */
static size_t myanmar_rules(char *out, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < sizeof MYANMAR_INITIAL / sizeof MYANMAR_INITIAL[0]; i++) {
		unsigned c = 0x1000 + (unsigned)i;
		const char *v = strcmp(MYANMAR_INITIAL[i], "-") ? MYANMAR_INITIAL[i] : "";
		/* alone before a sign or a closing consonant; else with a */
		o += (size_t)snprintf(out + o, cap - o,
				      "\\u%04X } $myv > ' '%s ; \\u%04X } $myc \\u103A > ' '%s ;"
				      "\\u%04X > ' '%sa ;", c, v, c, v, c, v);
	}
	return o < cap ? o : cap - 1;
}

/* Writes the Ethiopic rules (a part of the main pass) to out; their length. */
static size_t ethiopic_rules(char *out, size_t cap)
{
	static const char *const vowel[7] = {"e", "u", "i", "a", "e", "", "o"};
	size_t o = 0;
	for (size_t i = 0; i < sizeof ETHIOPIC / sizeof ETHIOPIC[0]; i++) {
		unsigned r = ETHIOPIC[i].row;
		const char *c = ETHIOPIC[i].c;
		bool bare = !*c; /* a glottal or pharyngeal row: only its vowel */
		/* the sixth order begins a word with i (e for a bare row) */
		o += (size_t)snprintf(out + o, cap - o, "^ \\u%04X > %s%s ;", r + 5, c, bare ? "e" : "i");
		for (unsigned k = 0; k < 7; k++)
			o += (size_t)snprintf(out + o, cap - o, "\\u%04X > %s%s ;", r + k, c,
					      bare && k == 0 ? "a" : bare && k == 5 ? "e" : vowel[k]);
		o += (size_t)snprintf(out + o, cap - o, "\\u%04X > %swa ;", r + 7, c);
	}
	for (size_t i = 0; i < sizeof ETHIOPIC_W / sizeof ETHIOPIC_W[0]; i++) {
		static const unsigned at[5] = {0, 2, 3, 4, 5};
		static const char *const wv[5] = {"e", "i", "a", "e", ""};
		for (unsigned k = 0; k < 5; k++)
			o += (size_t)snprintf(out + o, cap - o, "\\u%04X > %s%s ;",
					      ETHIOPIC_W[i].row + at[k], ETHIOPIC_W[i].c, wv[k]);
	}
	/* Ethiopic digits and numbers are not names */
	o += (size_t)snprintf(out + o, cap - o, "[\\u1369-\\u137C] > ;");
	return o < cap ? o : cap - 1;
}

static UTransliterator *translit(int uk)
{
	if (tl.tr[uk] || tl.failed[uk])
		return tl.tr[uk];
	static const UChar id[] = {'c', 'u', '-', 'n', 'a', 'm', 'e', 's', 0};
	char rules8[sizeof RULES_KHMER_SERIES + sizeof RULES_THAI_ORDER + sizeof RULES_THAI_ROLES +
		    sizeof RULES_UK + sizeof RULES_RU + sizeof RULES_COMMON + sizeof RULES_KHMER +
		    sizeof RULES_KOREAN + ETHIOPIC_RULES_MAX + sizeof RULES_MYANMAR +
		    MYANMAR_RULES_MAX + sizeof RULES_LAO_SINHALA];
	char ethiopic[ETHIOPIC_RULES_MAX], myanmar[MYANMAR_RULES_MAX];
	ethiopic_rules(ethiopic, sizeof ethiopic);
	myanmar_rules(myanmar, sizeof myanmar);
	snprintf(rules8, sizeof rules8, "%s%s%s%s%s%s%s%s%s%s%s", RULES_KHMER_SERIES,
		 RULES_THAI_ORDER, RULES_THAI_ROLES, uk ? RULES_UK : RULES_RU, RULES_COMMON,
		 RULES_KHMER, RULES_KOREAN, ethiopic, RULES_MYANMAR, myanmar, RULES_LAO_SINHALA);
	UChar rules[sizeof rules8];
	int32_t n = 0;
	UErrorCode e = U_ZERO_ERROR;
	u_strFromUTF8(rules, (int32_t)(sizeof rules / sizeof rules[0]), &n, rules8, -1, &e);
	if (U_FAILURE(e)) {
		tl.failed[uk] = true;
		return NULL;
	}
	UParseError pe;
	tl.tr[uk] = utrans_openU(id, -1, UTRANS_FORWARD, rules, n, &pe, &e);
	if (U_FAILURE(e)) {
		tl.tr[uk] = NULL;
		tl.failed[uk] = true;
	}
	return tl.tr[uk];
}

/* Titles and honorifics dropped from person names (rigour's stopwords.yml
 * person prefixes, and "president" in the languages of the test sets),
 * once normalised. Dropped wherever they stand, as long as a name remains. */
static const char *const TITLES[] = {
	"mr", "mister", "mrs", "misses", "missis", "missus", "mistress", "miss", "ms", "mx",
	"mixter", "madam", "madame", "mme", "mmme", "monsieur", "fraulein", "frau", "fr",
	"senor", "senora", "senorita", "herr", "hr", "dr", "doctor", "prof", "professor", "dott",
	"dottore", "dottor", "dottssa", "president", "prasident", "presidente", "prezident",
	"predsjednik", "presedintele", "presiden", "prezydent", "elnok", "ambassador", "amb",
	"admiral", "general", "brigadier", "colonel", "commodore", "captain", "capt", "pvt",
	"lieutenant", "chairman", "chairwoman", "emperor", "empress", "his", "her",
	"majesty", "excellency", "highness", "hrh", "sir", "dame", "baroness", "baronet",
	"countess", "duchess", "marchioness", "marquess", "seigneur", "reverend", "rev",
	"honourable", "honorable", "hon", "honble", "rt", "sheikh", "shaikh", "sheik", "lady", "lord",
};

static bool is_title(const char *t, size_t n)
{
	for (size_t i = 0; i < sizeof TITLES / sizeof TITLES[0]; i++)
		if (strlen(TITLES[i]) == n && memcmp(TITLES[i], t, n) == 0)
			return true;
	return false;
}

/* Apostrophes and modifier letters used as apostrophes: deleted, not split
 * ("O'Brien" is one token, as in rigour's tokenize_name). */
static bool is_apostrophe(UChar32 c)
{
	return c == 0x27 || c == 0x2019 || c == 0x2018 || c == 0x02BC || c == 0x02BB ||
	       c == 0x02BE || c == 0x02BF || c == 0x0060 || c == 0x00B4 || c == 0x201C ||
	       c == 0x201D || c == 0x02B9 || c == 0x02BA || c == 0x2032 || c == 0x2033;
}

static bool is_wordchar(UChar32 c)
{
	return (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_M_MASK | U_GC_ND_MASK)) != 0;
}

/* Appends the transliterated word w (UTF-16) to out as ASCII tokens. */
/* Tags of the tokens a normalisation produces (cu_name_normalise_tagged). */
#define TAGGER_OWN 32
typedef struct tagger {
	uint8_t *tags; /* may be NULL */
	size_t cap, n; /* tokens emitted so far */
	int unread;    /* the UScriptCode of a word that gave no token, or 0 */
	uint8_t own[TAGGER_OWN]; /* the first tokens' tags, whatever tags is */
} tagger;

/* The script a word was written in, as a token tag: NAME_TAG_NONLATIN for
 * letters of any script but Latin, with NAME_TAG_ABJAD for the scripts that
 * leave vowels unwritten (Arabic, Hebrew, Syriac, Thaana). */
static uint8_t word_tag(const UChar *w, int32_t wlen)
{
	uint8_t tag = 0;
	for (int32_t i = 0; i < wlen;) {
		UChar32 c;
		U16_NEXT(w, i, wlen, c);
		UErrorCode e = U_ZERO_ERROR;
		UScriptCode sc = uscript_getScript(c, &e);
		if (U_FAILURE(e) || sc == USCRIPT_LATIN || sc == USCRIPT_COMMON ||
		    sc == USCRIPT_INHERITED)
			continue;
		tag |= NAME_TAG_NONLATIN;
		if (sc == USCRIPT_ARABIC || sc == USCRIPT_HEBREW || sc == USCRIPT_SYRIAC ||
		    sc == USCRIPT_THAANA)
			tag |= NAME_TAG_ABJAD;
	}
	return tag;
}

/*
 * Letters without rule matching. A letter's transliteration depends on its
 * neighbours in only a few rules: ours for Arabic (و ي ی as consonants at
 * the start of a word or before alef), ours for Ukrainian (є ї й ю я after a
 * letter, and зг), Greek digraphs. Any-Latin and Latin-ASCII look at none
 * for the scripts below. So a word of ASCII and of letters of these scripts
 * is the forms of its letters put together, each form chosen by the one
 * context its rules see:
 *
 *   common rules    [first in the word][before alef]   (Latin, Russian,
 *                   Serbian, Macedonian, Belarusian Cyrillic, Arabic)
 *   Ukrainian ones  [after a letter]                   (Latin, Cyrillic; a
 *                   word with зг keeps the transliterator)
 *
 * "First" and "after a letter" are judged on what was written out so far,
 * as the transliterator does (a deleted mark or soft sign leaves nothing).
 * The forms are asked of the transliterators themselves, once per process,
 * by probing each letter in its contexts (after ب or а, before ا), so they
 * cannot drift from them; test_norm checks the claim letter by letter, in
 * pairs and on the lines of the test sets. Greek keeps the transliterator.
 * A word then costs a table lookup per letter instead of about 3 µs in the
 * transliterator: the search index normalises every word it indexes, and
 * the words of every snippet's text.
 */
static const UChar32 letter_range[][2] = {
	{0x00C0, 0x0250}, /* Latin-1 Supplement letters .. Latin Extended-B */
	{0x0400, 0x0500}, /* Cyrillic */
	{0x0600, 0x0700}, /* Arabic, marks included */
	{0x1E00, 0x1F00}, /* Latin Extended Additional */
};
#define LETTER_FORM 4
#define LETTER_SLOTS (0x190 + 0x100 + 0x100 + 0x100)
#define ALEF 0x0627

/* forms[table][slot][context]: [0] is 1 + the form's length (ъ ь and the
 * Arabic marks have an empty one), 0 for none. Context: first (2) | before
 * alef (1) for the common rules; after a letter (2) for the Ukrainian. */
static char letter_form[2][LETTER_SLOTS][4][LETTER_FORM + 1];
static pthread_once_t letter_once = PTHREAD_ONCE_INIT;
static bool letters_off; /* tests: every word through the transliterator */

static int letter_slot(UChar c)
{
	int base = 0;
	for (size_t r = 0; r < sizeof letter_range / sizeof letter_range[0]; r++) {
		if (c >= letter_range[r][0] && c < letter_range[r][1])
			return base + (c - letter_range[r][0]);
		base += letter_range[r][1] - letter_range[r][0];
	}
	return -1;
}

/*
 * The transliteration of pre c post, in ASCII, without the forms of pre and
 * post: out gets c's form in that context. False if it is not up to four
 * ASCII letters and digits, or pre's and post's forms are not where they are
 * expected (then c is left to the transliterator).
 */
static bool probe(UTransliterator *tr, UChar pre, UChar32 c, UChar post, const char *pref,
		  const char *postf, char out[LETTER_FORM + 1])
{
	UChar w[32];
	int32_t n = 0;
	if (pre)
		w[n++] = pre;
	w[n++] = (UChar)c;
	if (post)
		w[n++] = post;
	int32_t limit = n;
	UErrorCode e = U_ZERO_ERROR;
	utrans_transUChars(tr, w, &n, 32, 0, &limit, &e);
	size_t lp = strlen(pref), ls = strlen(postf);
	if (U_FAILURE(e) || limit < (int32_t)(lp + ls) || limit - (int32_t)(lp + ls) > LETTER_FORM)
		return false;
	char t[32] = {0};
	for (int32_t i = 0; i < limit; i++) {
		UChar x = w[i] >= 'A' && w[i] <= 'Z' ? (UChar)(w[i] - 'A' + 'a') : w[i];
		if (!((x >= 'a' && x <= 'z') || (x >= '0' && x <= '9')))
			return false;
		t[i] = (char)x;
	}
	if (memcmp(t, pref, lp) != 0 || memcmp(t + limit - ls, postf, ls) != 0)
		return false;
	int32_t k = limit - (int32_t)(lp + ls);
	out[0] = (char)(1 + k);
	memcpy(out + 1, t + lp, (size_t)k);
	return true;
}

static void letter_init(void)
{
	UTransliterator *common = translit(0), *uk = translit(1);
	for (size_t r = 0; r < sizeof letter_range / sizeof letter_range[0]; r++)
		for (UChar32 c = letter_range[r][0]; c < letter_range[r][1]; c++) {
			int slot = letter_slot((UChar)c);
			if (!u_isalpha(c) && u_charType(c) != U_NON_SPACING_MARK)
				continue;
			char (*f)[LETTER_FORM + 1] = letter_form[0][slot];
			/* first: nothing before it; else after ب (b); before alef (a) or not */
			if (common && !(probe(common, 0, c, 0, "", "", f[2]) &&
			                probe(common, 0, c, ALEF, "", "a", f[3]) &&
			                probe(common, 0x0628, c, 0, "b", "", f[0]) &&
			                probe(common, 0x0628, c, ALEF, "b", "a", f[1])))
				memset(f, 0, sizeof letter_form[0][0]);
			f = letter_form[1][slot];
			if (c >= 0x0600 && c < 0x0700)
				continue; /* a word with Ukrainian letters and Arabic ones: rare */
			/* after nothing, after а (a) */
			if (uk && !(probe(uk, 0, c, 0, "", "", f[0]) &&
			            probe(uk, 0x0430, c, 0, "a", "", f[2])))
				memset(f, 0, sizeof letter_form[1][0]);
		}
}

void cu_name_letter_table(bool on);
void cu_name_letter_table(bool on)
{
	letters_off = !on;
}

static bool is_ascii_alpha(UChar c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The word's ASCII form if all of it is ASCII or letters of the table, the
 * common rules' (uk false) or the Ukrainian; false leaves the word to the
 * transliterator. */
static bool table_word(UChar *w, int32_t *wlen, int32_t wcap, bool uk)
{
	UChar t[4 * CU_NAME_MAX + 8];
	int32_t n = 0;
	bool plain = true;
	if (letters_off)
		return false;
	for (int32_t i = 0; i < *wlen; i++) {
		if (w[i] < 0x80) {
			if (n >= (int32_t)(sizeof t / sizeof t[0]))
				return false;
			t[n++] = w[i];
			continue;
		}
		if (plain) {
			pthread_once(&letter_once, letter_init);
			plain = false;
		}
		int slot = letter_slot(w[i]);
		if (slot < 0)
			return false;
		int ctx;
		if (uk) {
			if (w[i] == 0x0437 && i + 1 < *wlen && w[i + 1] == 0x0433)
				return false; /* зг > zgh */
			ctx = n > 0 && is_ascii_alpha(t[n - 1]) ? 2 : 0;
		} else {
			ctx = (n == 0 ? 2 : 0) | (i + 1 < *wlen && w[i + 1] == ALEF ? 1 : 0);
		}
		const char *f = letter_form[uk][slot][ctx];
		if (!f[0])
			return false;
		for (int k = 1; k < f[0]; k++) {
			if (n >= (int32_t)(sizeof t / sizeof t[0]))
				return false;
			t[n++] = (UChar)f[k];
		}
	}
	if (n > wcap)
		return false;
	memcpy(w, t, sizeof(UChar) * (size_t)n);
	*wlen = n;
	return true;
}

static int emit_word(char *out, size_t outsz, size_t *pos, UChar *w, int32_t wlen, int32_t wcap,
		     UTransliterator *tr, bool uk, tagger *tg)
{
	uint8_t tag = word_tag(w, wlen);
	int32_t limit = wlen;
	if (!table_word(w, &limit, wcap, uk)) {
		UErrorCode e = U_ZERO_ERROR;
		utrans_transUChars(tr, w, &wlen, wcap, 0, &limit, &e);
		if (U_FAILURE(e))
			return cu_error_set(CU_EINVALID, "name: transliteration failed (%s)",
					    u_errorName(e));
	}
	bool sep = true;
	size_t before = tg->n;
	for (int32_t i = 0; i < limit; i++) {
		UChar c = w[i];
		if (c >= 'A' && c <= 'Z')
			c = (UChar)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (sep) {
				if (tg->tags && tg->n < tg->cap)
					tg->tags[tg->n] = tag;
				if (tg->n < TAGGER_OWN)
					tg->own[tg->n] = tag;
				tg->n++;
			}
			if (sep && *pos > 0) {
				if (*pos + 1 >= outsz)
					return cu_error_set(CU_ETOOBIG, "name: normalised form too long");
				out[(*pos)++] = ' ';
			}
			if (*pos + 1 >= outsz)
				return cu_error_set(CU_ETOOBIG, "name: normalised form too long");
			out[(*pos)++] = (char)c;
			sep = false;
		} else if (!is_apostrophe(c)) {
			sep = true;
		}
	}
	if (tg->n == before && !tg->unread) { /* letters of a script no rule reads */
		UErrorCode e = U_ZERO_ERROR;
		UChar32 c0;
		U16_GET(w, 0, 0, wlen, c0);
		UScriptCode sc = uscript_getScript(c0, &e);
		if (U_SUCCESS(e) && sc > USCRIPT_INHERITED && u_isalpha(c0))
			tg->unread = (int)sc;
	}
	/* the next word starts a new token */
	return 0;
}

/* Whether a word has letters of Thai, Lao, Myanmar or Khmer, written without
 * spaces between words (their blocks, all in the BMP). */
static bool unspaced(const UChar *w, int32_t wl)
{
	for (int32_t i = 0; i < wl; i++) {
		UChar c = w[i];
		if ((c >= 0x0E00 && c <= 0x0EFF) || (c >= 0x1000 && c <= 0x109F) ||
		    (c >= 0x1780 && c <= 0x17FF) || (c >= 0x19E0 && c <= 0x19FF) ||
		    (c >= 0xA9E0 && c <= 0xA9FF) || (c >= 0xAA60 && c <= 0xAA7F))
			return true;
	}
	return false;
}

/*
 * A word of running text (CU_NAME_TEXT) or of a place: one of Thai, Lao,
 * Khmer or Myanmar, written without spaces between words, is cut into its
 * words first by ICU's dictionaries, each then a token of its own (a Khmer
 * sentence saying that the suspect was arrested in Phnom Penh is one run of
 * letters, and a search for Phnom Penh must find it; a place's tokens are
 * joined again, but each word was read on its own: กรุงเทพมหานคร is
 * krungthep maha nakhon). Persons' and organisations' names are not cut: a
 * Thai surname is one word the dictionary would split (ชินวัตร is chinwat,
 * not chin wat). Han needs no cutting: its transliteration gives a token a
 * syllable.
 */
/* This thread's word break iterator (ICU's dictionaries), or NULL. */
static UBreakIterator *word_breaker(void)
{
	UErrorCode e = U_ZERO_ERROR;
	if (!tl.words && !tl.words_failed) {
		tl.words = ubrk_open(UBRK_WORD, "", NULL, 0, &e);
		if (U_FAILURE(e)) {
			tl.words = NULL;
			tl.words_failed = true;
		}
	}
	return tl.words;
}

static int emit_text_word(char *out, size_t outsz, size_t *pos, UChar *w, int32_t wlen,
			  int32_t wcap, UTransliterator *tr, bool uk, tagger *tg, int cls)
{
	UErrorCode e = U_ZERO_ERROR;
	if ((cls != CU_NAME_TEXT && cls != CU_NAME_PLACE) || !unspaced(w, wlen))
		return emit_word(out, outsz, pos, w, wlen, wcap, tr, uk, tg);
	if (word_breaker())
		ubrk_setText(tl.words, w, wlen, &e);
	if (!tl.words || U_FAILURE(e))
		return emit_word(out, outsz, pos, w, wlen, wcap, tr, uk, tg);
	/* w is also the caller's buffer: the pieces go through one of their own */
	UChar piece[8 * CU_NAME_MAX + 16];
	int32_t from = ubrk_first(tl.words), to, r;
	for (; (to = ubrk_next(tl.words)) != UBRK_DONE; from = to) {
		if (to - from > CU_NAME_MAX + 2)
			to = from + CU_NAME_MAX + 2; /* cannot be: w is no longer */
		u_memcpy(piece, w + from, to - from);
		if ((r = emit_word(out, outsz, pos, piece, to - from,
				   (int32_t)(sizeof piece / sizeof piece[0]), tr, uk, tg)) != 0)
			return r;
	}
	return 0;
}

/* Scripts written without spaces between words: Han, kana, Thai, Lao,
 * Khmer, Myanmar (and Tai Tham, Myanmar extensions). */
static bool unspaced_cp(UChar32 c)
{
	return (c >= 0x0E00 && c <= 0x0EFF) || (c >= 0x1000 && c <= 0x109F) ||
	       (c >= 0x1780 && c <= 0x17FF) || (c >= 0x19E0 && c <= 0x19FF) ||
	       (c >= 0x1A20 && c <= 0x1AAF) || (c >= 0x3040 && c <= 0x30FF) ||
	       (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
	       (c >= 0xA9E0 && c <= 0xA9FF) || (c >= 0xAA60 && c <= 0xAA7F) ||
	       (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3134F);
}

int cu_text_cut(const char *utf8, size_t len, size_t *ends, int max)
{
	int32_t i = 0, n = len > INT32_MAX ? INT32_MAX : (int32_t)len;
	bool any = false;
	while (i < n && !any) {
		UChar32 c;
		U8_NEXT(utf8, i, n, c);
		any = c >= 0 && unspaced_cp(c);
	}
	UBreakIterator *bi = any && max > 0 ? word_breaker() : NULL;
	if (!bi)
		return 0;
	UErrorCode e = U_ZERO_ERROR;
	UText ut = UTEXT_INITIALIZER;
	utext_openUTF8(&ut, utf8, n, &e);
	ubrk_setUText(bi, &ut, &e);
	int k = 0;
	if (U_SUCCESS(e)) {
		int32_t to;
		ubrk_first(bi);
		/* on UTF-8 text ICU's indexes are byte offsets */
		while (k < max && (to = ubrk_next(bi)) != UBRK_DONE)
			ends[k++] = (size_t)to;
		if (k == max)
			ends[k - 1] = (size_t)n; /* the last piece holds the rest */
	}
	/* the iterator must not keep pointing at the caller's text */
	e = U_ZERO_ERROR;
	ubrk_setText(bi, NULL, 0, &e);
	utext_close(&ut);
	return k;
}

/*
 * A person's name written "SURNAME, Given Names", as lists and registers
 * write it (one comma, words on both sides), in the order of speech:
 * "al ben ali, isa ben tarif" is "isa ben tarif al ben ali", whose given
 * name comes first as the nasab rule expects. In place, tags with their
 * tokens.
 */
static void surname_last(char *s, size_t n, size_t at, size_t tok, tagger *tg)
{
	/* not when some tokens have no tag to move with them (more than the
	 * tagger holds): the tags would describe other tokens */
	if (at == 0 || at >= n || s[at] != ' ' || (tg->tags && (tg->n > tg->cap || tg->n > 256)))
		return;
	char tmp[4 * CU_NAME_MAX + 8];
	if (n + 1 > sizeof tmp)
		return;
	size_t k = n - at - 1;
	memcpy(tmp, s + at + 1, k);
	tmp[k] = ' ';
	memcpy(tmp + k + 1, s, at);
	memcpy(s, tmp, n);
	if (tg->tags && tok < tg->n) {
		uint8_t t[256];
		size_t m = tg->n;
		memcpy(t, tg->tags + tok, m - tok);
		memcpy(t + m - tok, tg->tags, tok);
		memcpy(tg->tags, t, m);
	}
}

/* Removes titles (persons) unless nothing would be left; in place, with
 * the tags of the tokens kept. */
static size_t drop_titles(char *s, size_t n, tagger *tg)
{
	size_t keep = 0, ntok = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && s[j] != ' ')
			j++;
		ntok++;
		if (!is_title(s + i, j - i))
			keep++;
		i = j + 1;
	}
	if (keep == 0 || keep == ntok)
		return n;
	size_t o = 0, t = 0, kept = 0;
	for (size_t i = 0; i < n; t++) {
		size_t j = i;
		while (j < n && s[j] != ' ')
			j++;
		if (!is_title(s + i, j - i)) {
			if (o > 0)
				s[o++] = ' ';
			memmove(s + o, s + i, j - i);
			o += j - i;
			if (tg->tags && t < tg->cap && kept < tg->cap)
				tg->tags[kept] = tg->tags[t];
			kept++;
		}
		i = j + 1;
	}
	tg->n = kept;
	s[o] = 0;
	return o;
}

/* The tokens of s (n bytes): their starts and lengths, at most TAGGER_OWN + 1
 * of them (one more than the tags kept: the caller leaves such a name be). */
static size_t own_tokens(const char *s, size_t n, size_t *start, size_t *len)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k <= TAGGER_OWN;) {
		size_t j = i;
		while (j < n && s[j] != ' ')
			j++;
		start[k] = i, len[k] = j - i, k++;
		i = j + 1;
	}
	return k;
}

/*
 * Theophoric names, written in Arabic script as two words and in Latin
 * letters as one: حبیب الله is Habibullah, صلاح الدين Salahuddin. The token
 * allh (الله), or the pair al din (ال دين), after another token of Arabic
 * script is joined to it (hbiballh ~ Habibullah 0.88, where hbib allh gave
 * 0.58). Decided on the tokens' own tags, so that a name normalises the
 * same whether its caller asks for the tags or not.
 */
static size_t glue_theophoric(char *s, size_t n, tagger *tg)
{
	size_t start[TAGGER_OWN + 1], len[TAGGER_OWN + 1];
	size_t k = own_tokens(s, n, start, len);
	if (k > TAGGER_OWN || k != tg->n)
		return n; /* more tokens than own tags: left as they are */
	bool glue[TAGGER_OWN] = {false}, any = false;
	for (size_t t = 1; t < k; t++) {
		bool arabic = (tg->own[t] & NAME_TAG_ABJAD) && (tg->own[t - 1] & NAME_TAG_ABJAD);
		if (!arabic)
			continue;
		if (len[t] == 4 && !memcmp(s + start[t], "allh", 4) && !glue[t - 1]) {
			glue[t] = any = true;
		} else if (t + 1 < k && len[t] == 2 && !memcmp(s + start[t], "al", 2) &&
			   (tg->own[t + 1] & NAME_TAG_ABJAD) && len[t + 1] == 3 &&
			   (!memcmp(s + start[t + 1], "din", 3) || !memcmp(s + start[t + 1], "dyn", 3))) {
			glue[t] = glue[t + 1] = any = true;
			t++;
		}
	}
	if (!any)
		return n;
	size_t o = 0, kept = 0;
	for (size_t t = 0; t < k; t++) {
		if (o > 0 && !glue[t])
			s[o++] = ' ';
		memmove(s + o, s + start[t], len[t]);
		o += len[t];
		if (!glue[t]) {
			if (tg->tags && t < tg->cap && kept < tg->cap)
				tg->tags[kept] = tg->tags[t];
			tg->own[kept] = tg->own[t];
			kept++;
		}
	}
	tg->n = kept;
	s[o] = 0;
	return o;
}

/*
 * Names of the form ʿAbd al-X ("servant of X") are written Abd al-Rahman,
 * Abdul Rahman, Abdel Rahman, Abdulrahman, Abdurrahman, Abd ar-Rahman and
 * عبد الرحمن; each becomes the two tokens "abdul X" (abdul rahman), as the
 * most common Latin spelling writes them apart, so that they match one
 * another (Abd al-Rahman ~ Abdulrahman scored 0.21) and X is compared as the
 * name it is: Abdulkarim Hassan and Abdulrahim Hassan, one long shared
 * "abdul" apart, matched at 0.80. Abdullah, Abdallah and عبد الله are
 * "abdul allah". ("abdul", not "abd": a token that short weighs little, and
 * Abdul Khan would pass for Padshah Khan.)
 */
static bool abd_vowel(char c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/* Consonants the article assimilates to (ar-Rahman, as-Salam, an-Nasir, ...). */
static bool abd_sun(char c)
{
	return c == 'r' || c == 's' || c == 'z' || c == 't' || c == 'd' || c == 'n';
}

static bool abd_article(const char *t, size_t n)
{
	return (n == 2 && abd_vowel(t[0]) && (t[1] == 'l' || abd_sun(t[1]))) ||
	       (n == 3 && t[0] == 'a' && (!memcmp(t, "ash", 3) || !memcmp(t, "ath", 3)));
}

static bool abd_allah(const char *t, size_t n)
{
	static const char *const forms[] = {"lah", "la", "llah", "lla", "allah", "alla", "ullah",
	                                    "lh", "llh", "allh", "ulla"};
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
		if (strlen(forms[i]) == n && !memcmp(t, forms[i], n))
			return true;
	return false;
}

/* The name after "abd": allah as such, an article glued to it (alrahman) left out. */
static bool abd_name(const char **t, size_t *n)
{
	if (abd_allah(*t, *n)) {
		*t = "allah", *n = 5;
		return true;
	}
	if (*n >= 5 && abd_vowel((*t)[0]) && (*t)[1] == 'l')
		*t += 2, *n -= 2;
	return *n >= 3;
}

static size_t split_abd(char *s, size_t n, size_t cap, tagger *tg)
{
	size_t start[TAGGER_OWN + 1], len[TAGGER_OWN + 1];
	size_t k = own_tokens(s, n, start, len);
	if (k > TAGGER_OWN || k != tg->n || n >= CU_NAME_MAX * 4)
		return n; /* more tokens than own tags: left as they are */
	char o[CU_NAME_MAX * 4 + 8];
	uint8_t own[TAGGER_OWN], tags[TAGGER_OWN];
	size_t on = 0, ok = 0;
	bool any = false;
#define ABD_PUT(p, l, t)                                                                  \
	do {                                                                              \
		if (on + (l) + 1 >= sizeof o || ok == TAGGER_OWN)                             \
			return n;                                                             \
		if (on)                                                                   \
			o[on++] = ' ';                                                        \
		memcpy(o + on, (p), (l));                                                 \
		on += (l);                                                                \
		own[ok] = tg->own[t];                                                     \
		tags[ok] = tg->tags && (t) < tg->cap ? tg->tags[t] : 0;                   \
		ok++;                                                                     \
	} while (0)
	for (size_t t = 0; t < k; t++) {
		const char *w = s + start[t], *name = NULL;
		size_t wl = len[t], nl = 0, used = 0;
		if ((wl == 3 && !memcmp(w, "abd", 3)) || (wl == 4 && !memcmp(w, "abdu", 4))) {
			/* abd al rahman, abd ar rahman, abd rahman, abd alrahman */
			size_t u = t + 1;
			if (u + 1 < k && abd_article(s + start[u], len[u]))
				u++;
			if (u < k)
				name = s + start[u], nl = len[u], used = u - t;
		} else if (wl == 5 && !memcmp(w, "abd", 3) && abd_vowel(w[3]) && t + 1 < k &&
		           (w[4] == 'l' || (abd_sun(w[4]) && s[start[t + 1]] == w[4]))) {
			/* abdul rahman, abdel aziz, abdur rahman */
			name = s + start[t + 1], nl = len[t + 1], used = 1;
		} else if (wl > 5 && !memcmp(w, "abd", 3) && abd_vowel(w[3]) &&
		           (w[4] == 'l' || (abd_sun(w[4]) && w[5] == w[4]))) {
			/* abdulrahman, abdelaziz, abdullah, abdurrahman; not the surnames
			 * made of Abdulla (Abdullaev, Abdullahi): left whole */
			name = w + 5, nl = wl - 5;
			if (!abd_allah(name, nl) && (!strncmp(name, "la", 2) || !strncmp(name, "lla", 3)))
				name = NULL;
		}
		if (name && abd_name(&name, &nl)) {
			ABD_PUT("abdul", 5, t);
			ABD_PUT(name, nl, t + used);
			t += used;
			any = true;
		} else {
			ABD_PUT(w, wl, t);
		}
	}
#undef ABD_PUT
	if (!any || on >= cap)
		return n;
	memcpy(s, o, on);
	s[on] = 0;
	memcpy(tg->own, own, ok);
	if (tg->tags)
		memcpy(tg->tags, tags, ok < tg->cap ? ok : tg->cap);
	tg->n = ok;
	return on;
}

int cu_name_normalise(char *out, size_t outsz, const char *utf8, size_t len, int cls)
{
	return cu_name_normalise_tagged(out, outsz, utf8, len, cls, NULL, 0);
}

int cu_name_normalise_tagged(char *out, size_t outsz, const char *utf8, size_t len, int cls,
			     uint8_t *tags, size_t ntags)
{
	tagger tg = {tags, ntags, 0, 0, {0}};
	if (tags)
		memset(tags, 0, ntags);
	if (outsz == 0)
		return cu_error_set(CU_EINVALID, "name: no room for the output");
	out[0] = 0;
	if (!utf8 || len == 0)
		return cu_error_set(CU_EINVALID, "name: empty");
	if (len > CU_NAME_MAX)
		return cu_error_set(CU_EINVALID, "name: %zu bytes, more than the %d accepted", len,
				    CU_NAME_MAX);
	if (!cu_utf8_valid(utf8, len))
		return cu_error_set(CU_EINVALID, "name: not valid UTF-8");
	if (cls < CU_NAME_PERSON || cls > CU_NAME_TEXT)
		return cu_error_set(CU_EINVALID, "name: unknown class %d", cls);

	UChar u[CU_NAME_MAX + 1], f[4 * CU_NAME_MAX];
	int32_t ulen = 0;
	UErrorCode e = U_ZERO_ERROR;
	u_strFromUTF8(u, CU_NAME_MAX + 1, &ulen, utf8, (int32_t)len, &e);
	if (U_FAILURE(e))
		return cu_error_set(CU_EINVALID, "name: not valid UTF-8");
	bool uk = false;
	for (int32_t i = 0; i < ulen;) {
		UChar32 c;
		U16_NEXT(u, i, ulen, c);
		if (u_charType(c) == U_CONTROL_CHAR)
			return cu_error_set(CU_EINVALID, "name: control character U+%04X", (unsigned)c);
		if (c == 0x0456 || c == 0x0457 || c == 0x0454 || c == 0x0491 || c == 0x0406 ||
		    c == 0x0407 || c == 0x0404 || c == 0x0490)
			uk = true;
	}
	const UNormalizer2 *nfkc = unorm2_getNFKCCasefoldInstance(&e);
	if (U_FAILURE(e))
		return cu_error_set(CU_EINVALID, "name: ICU normaliser unavailable (%s)",
				    u_errorName(e));
	int32_t flen = unorm2_normalize(nfkc, u, ulen, f, (int32_t)(sizeof f / sizeof f[0]), &e);
	if (U_FAILURE(e))
		return cu_error_set(CU_EINVALID, "name: normalisation failed (%s)", u_errorName(e));
	UTransliterator *tr = translit(uk);
	if (!tr)
		return cu_error_set(CU_EINVALID, "name: ICU transliterator unavailable");

	/* Words: runs of letters, marks and digits; apostrophes and format
	 * characters are deleted; anything else separates. An Arabic article
	 * glued to its word (السعود) becomes a word of its own. */
	UChar w[8 * CU_NAME_MAX + 16];
	const int32_t wmax = CU_NAME_MAX + 2;
	int32_t wl = 0;
	size_t pos = 0, comma_pos = 0, comma_tok = 0;
	int r, commas = 0;
	for (int32_t i = 0; i <= flen;) {
		UChar32 c = 0;
		if (i < flen)
			U16_NEXT(f, i, flen, c);
		else
			i++;
		if (c && (is_apostrophe(c) || u_charType(c) == U_FORMAT_CHAR))
			continue;
		/* a middle dot between Latin letters (BGN/PCGN's Ty·ay·a) is deleted */
		if (c == 0xB7 && wl > 0 && i < flen && u_isalpha(f[i]) &&
		    uscript_getScript(f[i], &e) == USCRIPT_LATIN)
			continue;
		/* dots inside an abbreviation (C.I.A., J.C.) are deleted */
		if (c == '.' && wl > 0 && i + 1 < flen && u_isalpha(f[i]) && f[i + 1] == '.')
			continue;
		if (c && is_wordchar(c) && wl + 2 <= wmax) {
			if (wl == 2 && w[0] == 0x0627 && w[1] == 0x0644 && c != 0x0644 &&
			    i < flen && is_wordchar(f[i])) {
				/* "ال" + at least two letters */
				if ((r = emit_word(out, outsz, &pos, w, wl, (int32_t)(sizeof w / sizeof w[0]),
						   tr, uk, &tg)) != 0)
					return r;
				wl = 0;
			}
			U16_APPEND_UNSAFE(w, wl, c);
			continue;
		}
		if (wl > 0) {
			if ((r = emit_text_word(out, outsz, &pos, w, wl, (int32_t)(sizeof w / sizeof w[0]),
						tr, uk, &tg, cls)) != 0)
				return r;
			wl = 0;
		}
		if (c == ',' || c == 0x060C) {
			commas++;
			comma_pos = pos;
			comma_tok = tg.n;
		}
		if (c && is_wordchar(c)) /* an overlong word: split it */
			U16_APPEND_UNSAFE(w, wl, c);
	}
	out[pos] = 0;
	if (cls == CU_NAME_PERSON && commas == 1)
		surname_last(out, pos, comma_pos, comma_tok, &tg);
	if (cls == CU_NAME_PERSON)
		pos = glue_theophoric(out, pos, &tg);
	if (cls == CU_NAME_PERSON)
		pos = split_abd(out, pos, outsz, &tg);
	if (cls == CU_NAME_PERSON)
		pos = drop_titles(out, pos, &tg);
	if (pos == 0 && tg.unread)
		return cu_error_set(CU_EINVALID,
				    "name: nothing left once normalised: the %s script has no "
				    "transliteration here (give the name in Latin letters)",
				    uscript_getName((UScriptCode)tg.unread));
	if (pos == 0)
		return cu_error_set(CU_EINVALID, "name: nothing left once normalised");
	return (int)pos;
}

/* The next letter of UTF-8 text from *i on (*i moves past it), or -1. */
static UChar32 next_letter(const char *s, int32_t n, int32_t *i)
{
	while (*i < n) {
		UChar32 c;
		U8_NEXT(s, *i, n, c);
		if (c >= 0 && u_isalpha(c))
			return c;
	}
	return -1;
}

const char *cu_name_script(const char *utf8)
{
	int32_t n = utf8 ? (int32_t)strnlen(utf8, CU_NAME_MAX * 4) : 0, i = 0;
	for (UChar32 c; (c = next_letter(utf8, n, &i)) >= 0;) {
		UErrorCode e = U_ZERO_ERROR;
		UScriptCode sc = uscript_getScript(c, &e);
		if (U_SUCCESS(e) && sc > USCRIPT_INHERITED)
			return uscript_getShortName(sc);
	}
	return "Zyyy";
}

bool cu_name_word_proper(const char *utf8, size_t len)
{
	int32_t i = 0;
	UChar32 c = next_letter(utf8, len > INT32_MAX ? INT32_MAX : (int32_t)len, &i);
	return c >= 0 && (u_isupper(c) || u_istitle(c) || !u_hasBinaryProperty(c, UCHAR_CASED));
}

static const char *const WG_INIT[] = {"hs", "ch", "sh", "ss", "sz", "ts", "tz", "f", "h", "j",
				      "k", "l", "m", "n", "p", "s", "t", "w", "y", ""};
static const char *const WG_FINAL[] = {
	"a", "ai", "an", "ang", "ao", "e", "eh", "ei", "en", "eng", "erh", "i", "ia", "iang", "iao",
	"ieh", "ien", "ih", "in", "ing", "iu", "iung", "o", "ou", "u", "ua", "uai", "uan",
	"uang", "uei", "ueh", "ui", "un", "ung", "uo"};

static bool is_final(const char *f, size_t n, const char *x)
{
	return strlen(x) == n && memcmp(f, x, n) == 0;
}

static bool wg_final(const char *f, size_t n)
{
	for (size_t i = 0; i < sizeof WG_FINAL / sizeof WG_FINAL[0]; i++)
		if (is_final(f, n, WG_FINAL[i]))
			return true;
	return false;
}

/* One syllable: its initial's index in WG_INIT, or -1. */
static int wg_split(const char *t, size_t n)
{
	for (size_t i = 0; i < sizeof WG_INIT / sizeof WG_INIT[0]; i++) {
		size_t il = strlen(WG_INIT[i]);
		if (il < n && memcmp(t, WG_INIT[i], il) == 0 && wg_final(t + il, n - il))
			return (int)i;
	}
	return -1;
}

int cu_name_wade_giles(char *out, size_t outsz, const char *norm);
int cu_name_wade_giles(char *out, size_t outsz, const char *norm)
{
	size_t o = 0, ntok = 0;
	bool marked = false;
	for (const char *p = norm; *p;) {
		size_t n = strcspn(p, " ");
		int ii = wg_split(p, n);
		if (ii < 0 || o + n + 4 >= outsz)
			return 0;
		const char *in = WG_INIT[ii], *f = p + strlen(in);
		size_t fl = n - strlen(in);
		bool before_i = f[0] == 'i' && !is_final(f, fl, "ih");
		if (ii == 0 || (ii >= 3 && ii <= 6) || is_final(f, fl, "ih") || is_final(f, fl, "eh") ||
		    is_final(f, fl, "ieh") ||
		    is_final(f, fl, "ien") || is_final(f, fl, "ung") || is_final(f, fl, "iung") ||
		    is_final(f, fl, "ueh") || is_final(f, fl, "erh") || (ii == 1 && before_i && fl > 1))
			marked = true;
		static const char *const TO[] = {"x", NULL, "sh", "s", "s", "z", "z", "f", "h", "r",
						 "g", "l", "m", "n", "b", "s", "d", "w", "y", ""};
		const char *init = ii == 1 ? (before_i ? "j" : "zh") : TO[ii];
		const char *fin = is_final(f, fl, "ih")     ? "i"
				  : is_final(f, fl, "eh")   ? "e"
				  : is_final(f, fl, "ieh")  ? "ie"
				  : is_final(f, fl, "ien")  ? "ian"
				  : is_final(f, fl, "ung")  ? "ong"
				  : is_final(f, fl, "iung") ? "iong"
				  : is_final(f, fl, "ueh")  ? "ue"
				  : is_final(f, fl, "uei")  ? "ui"
				  : is_final(f, fl, "erh")  ? "er"
				  : is_final(f, fl, "u") && (ii == 3 || ii == 4 || ii == 6) ? "i"
				  : is_final(f, fl, "o") && (ii == 8 || ii == 10 || ii == 19) ? "e"
				  : is_final(f, fl, "o") && ii != 17 && ii != 18 ? "uo"
								    : NULL;
		if (o)
			out[o++] = ' ';
		size_t il = strlen(init);
		memcpy(out + o, init, il);
		o += il;
		if (fin) {
			memcpy(out + o, fin, strlen(fin));
			o += strlen(fin);
		} else {
			memcpy(out + o, f, fl);
			o += fl;
		}
		ntok++;
		p += n;
		p += *p == ' ';
	}
	if (ntok < 2 || !marked)
		return 0;
	out[o] = '\0';
	return (int)o;
}

/* ---- Phonetic keys ------------------------------------------------------ */

/*
 * A key that forgets what transliteration systems disagree on: digraphs
 * for one sound (shch sh sch sz -> s, zh -> z, kh -> h, ch cz -> c, ts tz -> c,
 * ph -> f, th -> t, dj dzh -> d/j), y j -> i, w -> v, q -> k, z -> s, x -> ks, ck -> k,
 * German ue oe -> u o, ou -> u, doubled letters once, a final h after a vowel
 * dropped. Djordjevic/Dordevic -> dordevic, Yuliya/Iuliia -> iulia.
 */
int cu_name_phonetic(char *out, size_t outsz, const char *token, size_t len)
{
	if (outsz == 0)
		return 0;
	size_t o = 0;
	for (size_t i = 0; i < len && o + 1 < outsz;) {
		const char *p = token + i;
		size_t rest = len - i;
		char c = p[0], n1 = rest > 1 ? p[1] : 0, n2 = rest > 2 ? p[2] : 0;
		const char *rep = NULL;
		size_t used = 1;
		if (c == 's' && n1 == 'h' && n2 == 'c' && rest > 3 && p[3] == 'h')
			rep = "s", used = 4;
		else if (c == 's' && n1 == 'c' && n2 == 'h')
			rep = "s", used = 3;
		else if (c == 'd' && n1 == 'z' && n2 == 'h')
			rep = "i", used = 3;
		else if ((c == 's' && (n1 == 'h' || n1 == 'z')) || (c == 'z' && n1 == 'h'))
			rep = c == 'z' ? "z" : "s", used = 2;
		else if (c == 'k' && n1 == 'h')
			rep = "h", used = 2;
		else if ((c == 'c' && (n1 == 'h' || n1 == 'z')) || (c == 't' && (n1 == 's' || n1 == 'z')))
			rep = "c", used = 2;
		else if (c == 'p' && n1 == 'h')
			rep = "f", used = 2;
		else if ((c == 't' || c == 'g') && n1 == 'h')
			rep = c == 't' ? "t" : "g", used = 2;
		else if (c == 'd' && n1 == 'j')
			rep = "d", used = 2;
		else if (c == 'c' && n1 == 'k')
			rep = "k", used = 2;
		else if ((c == 'u' || c == 'o') && n1 == 'e' && i > 0)
			rep = c == 'u' ? "u" : "o", used = 2;
		else if (c == 'o' && n1 == 'u')
			rep = "u", used = 2;
		else if (c == 'h' && rest > 1)
			rep = "g"; /* Ukrainian Bohdan, Russian Bogdan */
		else if (c == 'y' || c == 'j')
			rep = "i";
		else if (c == 'w')
			rep = "v";
		else if (c == 'q')
			rep = "k";
		else if (c == 'z')
			rep = "s"; /* German writes Russian з as s: Selenskyj, Zelenskyy */
		else if (c == 'x')
			rep = "ks";
		if (!rep) {
			out[o++] = c;
		} else {
			for (const char *q = rep; *q && o + 1 < outsz; q++)
				out[o++] = *q;
		}
		i += used;
	}
	/* doubled letters once */
	size_t k = 0;
	for (size_t i = 0; i < o; i++)
		if (k == 0 || out[k - 1] != out[i])
			out[k++] = out[i];
	/* a final h: Ukrainian -eh is Russian -eg (Oleh), Arabic -ah is -a */
	if (k > 2 && out[k - 1] == 'h' && out[k - 2] == 'e')
		out[k - 1] = 'g';
	else if (k > 2 && out[k - 1] == 'h' && strchr("aiou", out[k - 2]))
		k--;
	out[k] = 0;
	return (int)k;
}

/* ---- Prepared names ----------------------------------------------------- */

/*
 * Scoring compares each token of one name with each token of the other, for
 * every pair of records a query examines, so everything that depends on one
 * token only is computed once, when a name is added to a record
 * (cu_name_prepare), and stored after the name's NUL in the record's text
 * block:
 *
 *   "olaf scholz\0" n flags clen(2) | rec[0] ... rec[n-1] | key skel key skel ... | compact
 *
 *   n        tokens described (the first MAXTOK of the name)
 *   flags    PREP_NASAB: "bin", "ibn", "ben" or "bn" after the first token
 *   rec[i]   off(2) len weak tag klen slen vpoor pad, then three 64-bit
 *            letter masks (token, key, skeleton), native byte order: the
 *            block never leaves memory (cu_mrec_encode writes the names and
 *            their tags, decode prepares them again)
 *   key      cu_name_phonetic of the token; skel its consonant skeleton
 *   compact  the tokens written together ("olafscholz")
 *
 * The letter masks give a cheap upper bound of Jaro-Winkler (jw_may_reach)
 * that skips most comparisons of unrelated tokens without changing any
 * score that matters (docs/match.md).
 */
#define MAXTOK 24
#define TOKMAX 64
#define KEYMAX (TOKMAX + 7)
#define PREP_HDR 4
#define PREP_REC 36
#define PREP_MAX (PREP_HDR + MAXTOK * (PREP_REC + 4 * KEYMAX) + MAXTOK * TOKMAX)
#define PREP_NASAB 1

typedef struct ntoks {
	int n;
	bool nasab;
	const char *t[MAXTOK], *key[MAXTOK], *sk[MAXTOK], *cv[MAXTOK], *ab[MAXTOK];
	uint8_t len[MAXTOK], klen[MAXTOK], slen[MAXTOK], cvlen[MAXTOK], ablen[MAXTOK];
	uint8_t weak[MAXTOK]; /* 1: particle, 2: patronymic */
	uint8_t tag[MAXTOK];  /* NAME_TAG_* */
	uint8_t vpoor[MAXTOK];
	uint8_t nick[MAXTOK][2]; /* the nickname groups of the token (NICKS), 0: none */
	uint64_t mask[MAXTOK], kmask[MAXTOK], smask[MAXTOK];
	const char *compact;
	size_t clen;
	uint64_t cmask;
} ntoks;

static const char *const PARTICLES[] = {
	"al", "el", "ul", "ad", "ar", "as", "at", "az", "an", "ash", "ath", "bin", "ibn", "bint",
	"ben", "bn", "bnt", "abu", "abou", "abo", "van", "von", "der", "den", "de", "da", "di",
	"du", "del", "della", "dos", "das", "la", "le", "ter", "ten", "y", "e", "zu",
	"ogly", "oglu", "ogli", "kyzy", "kizi", "uulu",
};

/* 1: a particle, 2: a patronymic, 0: neither. */
static int is_weak(const char *t, size_t n)
{
	for (size_t i = 0; i < sizeof PARTICLES / sizeof PARTICLES[0]; i++)
		if (strlen(PARTICLES[i]) == n && memcmp(PARTICLES[i], t, n) == 0)
			return 1;
	/* -ovich and -ovna as English, German, French and Polish write them
	 * (Abramovich, Abramowitsch, Abramovitch, Abramowicz) */
	static const char *const PATRO[] = {
		"ovich", "evich", "ovych", "evych", "ovna", "evna", "ivna", "ichna", "yich", "ievich",
		"ovitch", "evitch", "ovitsch", "evitsch", "owitsch", "ewitsch", "owitch", "ewitch",
		"owicz", "ewicz", "owycz", "ewycz", "owytsch", "ewytsch", "ovytch", "evytch",
		"owich", "ewich", "owych", "ewych", "owna", "ewna", "iwna"};
	for (size_t i = 0; i < sizeof PATRO / sizeof PATRO[0]; i++) {
		size_t pl = strlen(PATRO[i]);
		if (n > pl + 2 && memcmp(t + n - pl, PATRO[i], pl) == 0)
			return 2;
	}
	return 0;
}

#ifndef SKEL_COST
#define SKEL_COST 0.03
#endif
/* Keys that differ only in their vowels, each run of vowels heard as a
 * neighbour of the other's (vowels_vary) */
#ifndef SKEL_EQ
#define SKEL_EQ 0.95
#endif
/* A key without vowels or glides, v as b (Hebrew, Arabic). */
static size_t skeleton(char *out, const char *key, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char c = key[i];
		if (strchr("aeiouv", c))
			continue;
		if (c == 'p')
			c = 'b';
		if (o == 0 || out[o - 1] != c)
			out[o++] = c;
	}
	out[o] = 0;
	return o;
}

/* A token with at most a third vowels: written in an abjad (Arabic,
 * Hebrew) and transliterated letter by letter. */
static bool vowel_poor(const char *t, size_t n)
{
	size_t v = 0;
	for (size_t i = 0; i < n; i++)
		v += strchr("aeiou", t[i]) != NULL;
	return 3 * v <= n;
}

/* Bit per letter or digit present. */
static uint64_t letter_mask(const char *s, size_t n)
{
	uint64_t m = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		m |= c >= 'a' && c <= 'z' ? 1ULL << (c - 'a')
		     : c >= '0' && c <= '9' ? 1ULL << (26 + c - '0')
					    : 1ULL << 63;
	}
	return m;
}

static bool is_vowel(char c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/*
 * Whether two phonetic keys are the same consonants in the same order with
 * vowels between them that one alphabet's vowel signs give either way:
 * Arabic fatha as a or e, kasra as i or e, damma as u or o, long or short
 * (muhammad, mohammed; nuristani, nooristani; hussain, hussein). Both
 * begin alike and have three consonants or more. Other vowels make other
 * names (moreno, marini; romano, rimini).
 */
static bool vowels_vary(const char *a, size_t la, const char *b, size_t lb)
{
	size_t i = 0, j = 0, cons = 0;
	if (la == 0 || lb == 0 || a[0] != b[0])
		return false;
	while (i < la && j < lb) {
		bool va = is_vowel(a[i]), vb = is_vowel(b[j]);
		if (va != vb)
			return false;
		if (!va) {
			if (a[i] != b[j])
				return false;
			i++, j++, cons++;
			continue;
		}
		char x = a[i] < b[j] ? a[i] : b[j], y = a[i] < b[j] ? b[j] : a[i];
		if (!(x == y || (x == 'a' && y == 'e') || (x == 'e' && y == 'i') ||
		      (x == 'o' && y == 'u')))
			return false;
		while (i < la && is_vowel(a[i]))
			i++;
		while (j < lb && is_vowel(b[j]))
			j++;
	}
	return i == la && j == lb && cons >= 3;
}

static bool nasab_particle(const char *t, size_t n)
{
	return (n == 3 && (memcmp(t, "bin", 3) == 0 || memcmp(t, "ibn", 3) == 0 ||
			   memcmp(t, "ben", 3) == 0)) ||
	       (n == 2 && memcmp(t, "bn", 2) == 0);
}

size_t cu_name_tag_slots(const char *norm, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		if (norm[i] != ' ' && (i == 0 || norm[i - 1] == ' '))
			n++;
	return n < MAXTOK ? n : MAXTOK;
}

/*
 * Given names and the short forms people go by, in the languages of the
 * cases (English, German, French, Russian, Ukrainian, Serbian, Hebrew): a
 * token and another of the same group are one name (NICK_SIM). Read by
 * their phonetic keys, so that Sasha, Sascha and Саша are one entry. A form
 * may stand in two groups (Ted: Edward, Theodore). Left out: forms that
 * are particles too (ben, son of) and forms that are as often names of
 * their own (Jack for John joined John Brown and Brian Jack).
 */
static const char *const NICKS[] = {
	"william bill billy willy will wilhelm willem",
	"robert bob bobby rob robbie",
	"richard dick rick ricky rich",
	"james jim jimmy jamie",
	"michael mike mikey mick mickey",
	"thomas tom tommy",
	"edward ted teddy eddie ned",
	"theodore ted teddy theo",
	"joseph joe joey",
	"john johnny",
	"elizabeth elisabeth liz lizzie beth betty eliza",
	"margaret maggie meg peggy",
	"katherine catherine kathryn katharina kate katie kathy cathy ekaterina katya katja",
	"christopher chris",
	"nicholas nick nicky",
	"anthony tony",
	"daniel dan danny",
	"benjamin binyamin bibi benny",
	"aleksandr alexander sasha sascha shura sanya alex",
	"aleksei alexei alexey alyosha lyosha",
	"anatoly anatoliy tolya tolik",
	"boris borya",
	"dmitry dmitri dmitriy dima mitya",
	"evgeny yevgeny yevgeniy zhenya",
	"fyodor fedor fedya",
	"grigory grigoriy grisha",
	"ivan vanya",
	"konstantin kostya",
	"mikhail misha",
	"nikolai nikolay mykola kolya",
	"pavel pasha",
	"pyotr petr petya",
	"sergei sergey serhiy seryozha",
	"vladimir volodymyr volodya vova",
	"vyacheslav slava",
	"yuri yuriy yura",
	"andrei andrey andriy andryusha",
	"maria mariya masha",
	"natalia natalya nataliya natasha",
	"tatiana tatyana tetiana tanya",
	"olga olha olya",
	"elena yelena olena lena",
	"svetlana sveta",
	"anastasia anastasiya nastya",
	"irina iryna ira",
	"djordje djoka djole",
	"slobodan sloba",
	"aleksandar aca",
};
#define NICK_SIM 0.95

typedef struct nick_key {
	char key[24];
	uint8_t group;
} nick_key;

static nick_key nick_keys[256];
static size_t nick_count;
static pthread_once_t nick_once = PTHREAD_ONCE_INIT;

static int nick_cmp(const void *a, const void *b)
{
	const nick_key *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : (x->group > y->group) - (x->group < y->group);
}

static void nick_init(void)
{
	for (size_t g = 0; g < sizeof NICKS / sizeof NICKS[0]; g++) {
		for (const char *p = NICKS[g]; *p;) {
			size_t n = strcspn(p, " ");
			nick_key *k = &nick_keys[nick_count];
			if (nick_count < sizeof nick_keys / sizeof nick_keys[0] &&
			    cu_name_phonetic(k->key, sizeof k->key, p, n) > 0) {
				k->group = (uint8_t)(g + 1);
				nick_count++;
			}
			p += n;
			p += *p == ' ';
		}
	}
	qsort(nick_keys, nick_count, sizeof nick_keys[0], nick_cmp);
}

/* The (up to two) nickname groups of a token by its phonetic key. */
static void nick_groups(uint8_t out[2], const char *key, size_t kl)
{
	out[0] = out[1] = 0;
	if (kl == 0 || kl >= sizeof nick_keys[0].key)
		return;
	pthread_once(&nick_once, nick_init);
	size_t lo = 0, hi = nick_count;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strncmp(nick_keys[mid].key, key, kl);
		if (c == 0 && nick_keys[mid].key[kl] != '\0')
			c = 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (int k = 0; lo < nick_count && k < 2; lo++) {
		if (strncmp(nick_keys[lo].key, key, kl) || nick_keys[lo].key[kl])
			break;
		if (k == 0 || out[0] != nick_keys[lo].group)
			out[k++] = nick_keys[lo].group;
	}
}

int cu_name_prepare(uint8_t *out, size_t outsz, const char *name, size_t len, const uint8_t *tags,
		    size_t ntags)
{
	if (outsz < PREP_MAX)
		return cu_error_set(CU_ETOOBIG, "name: no room for the prepared form");
	uint8_t *rec = out + PREP_HDR;
	int n = 0;
	uint8_t flags = 0;
	const char *tok[MAXTOK];
	size_t tlen[MAXTOK];
	for (size_t i = 0; i < len && n < MAXTOK;) {
		while (i < len && name[i] == ' ')
			i++;
		if (i >= len)
			break;
		size_t b = i;
		while (i < len && name[i] != ' ')
			i++;
		size_t tn = i - b < TOKMAX ? i - b : TOKMAX;
		tok[n] = name + b;
		tlen[n] = tn;
		if (n > 0 && nasab_particle(name + b, tn))
			flags |= PREP_NASAB;
		n++;
	}
	uint8_t *str = rec + (size_t)n * PREP_REC;
	for (int i = 0; i < n; i++) {
		char key[KEYMAX + 1], sk[KEYMAX + 1], cv[KEYMAX + 1], ab[KEYMAX + 1];
		size_t kl = (size_t)cu_name_phonetic(key, sizeof key, tok[i], tlen[i]);
		size_t sl = skeleton(sk, key, kl);
		size_t cl = sound_classes(cv, sizeof cv, tok[i], tlen[i]);
		size_t al = abjad_form(ab, cv, cl);
		size_t off = (size_t)(tok[i] - name);
		uint8_t *r = rec + (size_t)i * PREP_REC;
		r[0] = (uint8_t)(off & 0xff), r[1] = (uint8_t)(off >> 8);
		r[2] = (uint8_t)tlen[i];
		r[3] = (uint8_t)is_weak(tok[i], tlen[i]);
		r[4] = tags && (size_t)i < ntags ? tags[i] : 0;
		r[5] = (uint8_t)kl, r[6] = (uint8_t)sl;
		r[7] = vowel_poor(tok[i], tlen[i]);
		r[32] = (uint8_t)cl, r[33] = (uint8_t)al;
		nick_groups(r + 34, key, kl);
		uint64_t m[3] = {letter_mask(tok[i], tlen[i]), letter_mask(key, kl),
				 letter_mask(sk, sl)};
		memcpy(r + 8, m, sizeof m);
		memcpy(str, key, kl);
		str += kl;
		memcpy(str, sk, sl);
		str += sl;
		memcpy(str, cv, cl);
		str += cl;
		memcpy(str, ab, al);
		str += al;
	}
	size_t clen = 0;
	for (int i = 0; i < n; i++) {
		memcpy(str + clen, tok[i], tlen[i]);
		clen += tlen[i];
	}
	str += clen;
	out[0] = (uint8_t)n, out[1] = flags;
	out[2] = (uint8_t)(clen & 0xff), out[3] = (uint8_t)(clen >> 8);
	return (int)(str - out);
}

/* Reads a prepared name (name, then p as cu_name_prepare wrote it). */
static void parse(ntoks *x, const char *name, const uint8_t *p)
{
	x->n = p[0];
	x->nasab = (p[1] & PREP_NASAB) != 0;
	x->clen = (size_t)p[2] | ((size_t)p[3] << 8);
	const uint8_t *rec = p + PREP_HDR;
	const char *str = (const char *)(rec + (size_t)x->n * PREP_REC);
	uint64_t cm = 0;
	for (int i = 0; i < x->n; i++) {
		const uint8_t *r = rec + (size_t)i * PREP_REC;
		x->t[i] = name + (r[0] | (r[1] << 8));
		x->len[i] = r[2], x->weak[i] = r[3], x->tag[i] = r[4];
		x->klen[i] = r[5], x->slen[i] = r[6], x->vpoor[i] = r[7];
		uint64_t m[3];
		memcpy(m, r + 8, sizeof m);
		x->mask[i] = m[0], x->kmask[i] = m[1], x->smask[i] = m[2];
		cm |= m[0];
		x->cvlen[i] = r[32], x->ablen[i] = r[33];
		x->nick[i][0] = r[34], x->nick[i][1] = r[35];
		x->key[i] = str;
		str += x->klen[i];
		x->sk[i] = str;
		str += x->slen[i];
		x->cv[i] = str;
		str += x->cvlen[i];
		x->ab[i] = str;
		str += x->ablen[i];
	}
	x->compact = str;
	x->cmask = cm;
}

size_t cu_name_prepared_tags(const char *name, uint8_t *tags, size_t cap)
{
	const uint8_t *p = (const uint8_t *)name + strlen(name) + 1;
	size_t n = p[0];
	for (size_t i = 0; i < n && i < cap; i++)
		tags[i] = p[PREP_HDR + i * PREP_REC + 4];
	return n < cap ? n : cap;
}

/* ---- Similarity ---------------------------------------------------------- */

/*
 * Whether Jaro-Winkler of two strings with these lengths and letter masks
 * can reach t. The matching characters m are at most the letters both have
 * plus the repeated letters of the one with fewer repeats, so Jaro is at most
 * (m/la + m/lb + 1)/3 and Winkler's prefix adds at most 0.4 of the rest,
 * only above 0.7.
 */
static inline size_t popcount64(uint64_t x)
{
	/* without -mpopcnt the builtin is a library call */
	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (size_t)((x * 0x0101010101010101ULL) >> 56);
}

static inline bool jw_may_reach(uint64_t ma, size_t la, uint64_t mb, size_t lb, double t)
{
	if (la == 0 || lb == 0)
		return true;
	size_t da = la - popcount64(ma), db = lb - popcount64(mb);
	size_t m = popcount64(ma & mb) + (da < db ? da : db);
	size_t mn = la < lb ? la : lb;
	if (m > mn)
		m = mn;
	if (m == 0)
		return t <= 0;
	double j = ((double)m / (double)la + (double)m / (double)lb + 1.0) / 3.0;
	if (j > 0.7)
		j += 0.4 * (1.0 - j);
	return j + 1e-9 >= t;
}

/* Token similarities below this are never paired (they would add no
 * support, agree() is 0 there): a cheap bound may replace them by 0
 * without changing a name's score. Below 0.75 rather than 0.6 changed no
 * figure of bench/match-eval and skips a third of the comparisons. */
#ifndef PAIR_MIN
#define PAIR_MIN 0.75
#endif

#ifndef XS_EQUAL
#define XS_EQUAL 0.97
#endif
#ifndef XS_COST
#define XS_COST 0.03
#endif
#ifndef XS_COST_ABJAD
#define XS_COST_ABJAD 0.0
#endif
#ifndef XS_MINLEN
#define XS_MINLEN 2
#endif

/*
 * Learned letter costs for a Latin token against a token written in another
 * script and transliterated by our rules (chi ~ ти -> ti, rottiers ~ ротье
 * -> rote, weymouth ~ уэймут -> ueimut). Derived from the Wikidata
 * transliteration pairs (CC0; ../shared/testdata/names/wikidata-transliteration,
 * from github.com/steveash/NETransliteration-COLING2018, Wikidata person
 * labels) by bench/match-eval/learn_costs.py, on the rows with an even row
 * number only (the odd rows are held out): each Latin token aligned with its
 * target by edit distance, the substitutions, deletions and insertions
 * counted, cost -log P(target letter | Latin letter) scaled to 1 at
 * P <= 0.002, clamped to [0.05, 1], realigned three times. Index 26 is no
 * letter (a deletion or an insertion). Table 0 for alphabets (learned on
 * Russian), table 1 for abjads (Arabic and Hebrew). Re-run with
 * `bench/match-eval/run.sh --learn`.
 */
/* generated by bench/match-eval/learn_costs.py: [other, abjad][latin letter or none][target letter or none], hundredths */
static const uint8_t XS_TABLE[2][27][27] = {
	{
		{0, 100, 100, 100, 50, 100, 100, 100, 79, 100, 100, 100, 100, 100, 74, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 58},
		{100, 0, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 98, 100, 100, 98, 100, 100, 95, 100, 100, 81, 100, 100, 100, 100, 98},
		{100, 100, 0, 100, 100, 100, 100, 100, 100, 100, 15, 100, 100, 100, 100, 100, 100, 100, 33, 100, 100, 100, 100, 100, 100, 100, 27},
		{100, 100, 100, 0, 100, 100, 100, 100, 98, 100, 100, 95, 100, 88, 100, 100, 100, 100, 98, 95, 100, 100, 100, 100, 100, 100, 58},
		{61, 100, 100, 100, 0, 100, 100, 100, 64, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 30},
		{95, 100, 100, 100, 100, 0, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 95, 100, 100, 73, 100, 100, 100, 100, 55},
		{100, 100, 99, 100, 100, 100, 0, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 44, 37},
		{100, 100, 100, 100, 100, 64, 57, 0, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 49, 100, 100, 100, 100, 100, 100, 21},
		{78, 100, 100, 100, 75, 100, 100, 100, 0, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 38, 100, 48},
		{100, 100, 100, 100, 100, 100, 93, 43, 87, 0, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 17, 14, 31},
		{100, 100, 100, 100, 100, 100, 95, 100, 100, 100, 0, 100, 91, 99, 100, 100, 100, 97, 95, 100, 100, 100, 100, 100, 100, 100, 82},
		{100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 0, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 74, 100, 52},
		{100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 0, 92, 100, 100, 100, 96, 87, 100, 100, 100, 100, 100, 100, 100, 76},
		{100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 88, 0, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 65},
		{70, 100, 100, 100, 50, 100, 100, 100, 100, 100, 100, 100, 100, 100, 0, 100, 100, 100, 100, 100, 58, 100, 100, 100, 100, 100, 43},
		{100, 91, 100, 100, 100, 100, 100, 100, 95, 100, 100, 87, 100, 100, 100, 0, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 48},
		{100, 100, 100, 100, 100, 100, 60, 100, 100, 100, 5, 100, 100, 100, 100, 100, 0, 100, 49, 100, 100, 100, 100, 100, 100, 100, 60},
		{100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 0, 100, 100, 100, 100, 100, 100, 100, 100, 66},
		{100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 0, 100, 100, 100, 100, 100, 100, 52, 40},
		{100, 100, 89, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 0, 100, 100, 100, 100, 100, 100, 44},
		{58, 100, 100, 100, 74, 100, 100, 100, 100, 100, 100, 100, 100, 100, 53, 100, 100, 100, 100, 100, 0, 69, 100, 100, 62, 100, 41},
		{100, 100, 100, 100, 100, 73, 100, 100, 100, 100, 100, 90, 100, 98, 100, 100, 100, 100, 100, 100, 100, 0, 100, 100, 100, 100, 90},
		{100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 28, 5, 0, 100, 100, 100, 65},
		{100, 100, 74, 100, 100, 100, 100, 50, 100, 100, 50, 100, 100, 100, 100, 100, 100, 100, 5, 100, 100, 100, 100, 0, 100, 100, 30},
		{100, 100, 100, 100, 100, 100, 100, 100, 18, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 91, 100, 100, 100, 0, 100, 29},
		{100, 100, 100, 100, 100, 100, 100, 39, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 19, 100, 100, 100, 100, 100, 100, 0, 51},
		{45, 100, 87, 36, 82, 100, 100, 23, 78, 100, 24, 95, 100, 71, 62, 100, 100, 100, 62, 39, 73, 86, 100, 100, 29, 77, 100},
	},
	{
		{0, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 80, 100, 11},
		{100, 0, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 56},
		{100, 100, 0, 100, 100, 100, 100, 100, 100, 87, 15, 100, 100, 100, 100, 100, 100, 100, 15, 100, 100, 100, 100, 100, 100, 100, 27},
		{100, 100, 100, 0, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 96, 48},
		{100, 100, 100, 100, 0, 100, 100, 100, 21, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 88, 100, 5},
		{100, 92, 100, 92, 100, 0, 100, 100, 100, 100, 100, 100, 100, 100, 100, 17, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 35},
		{100, 100, 100, 100, 100, 100, 0, 100, 100, 26, 66, 100, 100, 100, 100, 100, 68, 92, 100, 100, 100, 100, 100, 100, 100, 92, 40},
		{100, 100, 100, 100, 100, 72, 100, 0, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 24},
		{100, 100, 100, 100, 100, 100, 100, 100, 0, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 41, 100, 45},
		{100, 100, 100, 100, 100, 100, 34, 100, 33, 0, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 31, 55, 36},
		{100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 0, 100, 100, 100, 100, 100, 65, 96, 100, 100, 100, 100, 100, 100, 100, 100, 63},
		{100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 0, 100, 100, 100, 100, 100, 100, 100, 100, 99, 100, 100, 100, 100, 100, 33},
		{100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 0, 99, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 54},
		{100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 0, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 47},
		{100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 0, 100, 100, 100, 100, 100, 11, 70, 98, 100, 100, 100, 35},
		{100, 11, 100, 100, 100, 94, 100, 100, 100, 100, 100, 100, 100, 100, 100, 0, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 35},
		{100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 7, 100, 100, 100, 100, 100, 0, 100, 100, 100, 100, 100, 100, 100, 100, 100, 41},
		{100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 0, 100, 100, 100, 100, 100, 100, 100, 100, 53},
		{100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 0, 100, 100, 100, 100, 100, 100, 48, 39},
		{100, 100, 100, 84, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 0, 100, 100, 100, 100, 100, 100, 37},
		{100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 20, 100, 100, 100, 100, 100, 0, 58, 70, 100, 100, 100, 27},
		{100, 19, 100, 98, 100, 11, 100, 100, 100, 100, 100, 100, 100, 100, 69, 91, 100, 100, 100, 100, 80, 0, 87, 100, 100, 100, 72},
		{100, 45, 100, 100, 100, 41, 100, 100, 100, 100, 100, 100, 97, 100, 59, 100, 100, 100, 100, 100, 29, 20, 0, 100, 97, 100, 32},
		{100, 67, 100, 100, 100, 100, 100, 100, 100, 100, 50, 100, 56, 100, 100, 100, 100, 100, 6, 100, 100, 100, 100, 0, 100, 56, 31},
		{100, 100, 100, 100, 100, 100, 100, 100, 7, 100, 100, 100, 100, 100, 99, 100, 100, 99, 99, 100, 99, 100, 100, 100, 0, 100, 44},
		{100, 100, 100, 82, 100, 100, 73, 100, 100, 78, 100, 100, 100, 100, 100, 100, 100, 100, 29, 61, 100, 100, 100, 100, 100, 0, 41},
		{29, 98, 100, 96, 100, 98, 100, 13, 42, 100, 47, 51, 100, 79, 78, 100, 100, 83, 68, 28, 100, 100, 100, 100, 98, 100, 100},
	},
};

/* The learned similarity lw = 1 - distance / longer length becomes XS_EQUAL
 * at XS_LEARN_HI[t] and above and falls XS_LEARN_STEEP per unit below it:
 * steep, because two tokens that each half-agree are not a name heard in
 * another script (chosen on the even rows of the Wikidata files and the
 * yente negatives). */
#ifndef XS_LEARN_HI0
#define XS_LEARN_HI0 0.80
#endif
#ifndef XS_LEARN_HI1
#define XS_LEARN_HI1 0.80
#endif
#ifndef XS_FIRST_MAX
#define XS_FIRST_MAX 80 /* hundredths: first letters more costly than this differ */
#endif
#ifndef XS_LEARN_STEEP
#define XS_LEARN_STEEP 1.5
#endif

/* Cost in hundredths of the cheapest edit of Latin token a into the
 * transliterated token b with XS_TABLE[t]; stops early (returns limit + 1)
 * once every path costs more than limit. */
static unsigned xs_distance(const char *a, size_t la, const char *b, size_t lb, int t,
			    unsigned limit)
{
	const uint8_t(*c)[27] = XS_TABLE[t];
	unsigned row[TOKMAX + 1];
	uint8_t yb[TOKMAX];
	if (la > TOKMAX || lb > TOKMAX)
		return limit + 1;
	for (size_t j = 0; j < lb; j++)
		yb[j] = b[j] >= 'a' && b[j] <= 'z' ? (uint8_t)(b[j] - 'a') : 27;
	row[0] = 0;
	for (size_t j = 1; j <= lb; j++)
		row[j] = row[j - 1] + (yb[j - 1] < 26 ? c[26][yb[j - 1]] : 100);
	for (size_t i = 1; i <= la; i++) {
		uint8_t x = a[i - 1] >= 'a' && a[i - 1] <= 'z' ? (uint8_t)(a[i - 1] - 'a') : 27;
		unsigned del = x < 26 ? c[x][26] : 100;
		unsigned diag = row[0], lo;
		row[0] += del;
		lo = row[0];
		for (size_t j = 1; j <= lb; j++) {
			uint8_t y = yb[j - 1];
			unsigned sub = x < 26 && y < 26 ? c[x][y] : a[i - 1] == b[j - 1] ? 0 : 100;
			unsigned ins = y < 26 ? c[26][y] : 100;
			unsigned v = diag + sub, w = row[j] + del, u = row[j - 1] + ins;
			v = w < v ? w : v;
			v = u < v ? u : v;
			diag = row[j];
			row[j] = v;
			lo = v < lo ? v : lo;
		}
		if (lo > limit)
			return limit + 1;
	}
	return row[lb];
}

/* The learned similarity of a Latin token and a token written in another
 * script, on tok_sim's scale, or 0 when it cannot beat floor. */
static double xs_learned(const char *a, size_t la, const char *b, size_t lb, int t, double floor)
{
	/* One threshold per cost table (t): equal today, but each is its own setting
	 * (the #ifndef above, -DXS_LEARN_HI1=...), so the choice is not a clone. */
	double mx = (double)(la > lb ? la : lb),
	       hi = t ? XS_LEARN_HI1 : XS_LEARN_HI0; /* NOLINT(bugprone-branch-clone) */
	/* the first letters correspond (a name is rarely heard without its
	 * first sound: mackenzie is not nzih), and neither token is less than
	 * half the other (schmidt is not sid) */
	if (la == 0 || lb == 0 || 2 * (la < lb ? la : lb) < (size_t)mx)
		return 0;
	if (a[0] != b[0] && (a[0] < 'a' || a[0] > 'z' || b[0] < 'a' || b[0] > 'z' ||
			     XS_TABLE[t][a[0] - 'a'][b[0] - 'a'] > XS_FIRST_MAX))
		return 0;
	/* s = XS_EQUAL - STEEP * (hi - lw) with lw = 1 - d / (100 mx) beats
	 * floor only if d < 100 mx (1 - hi + (XS_EQUAL - floor) / STEEP) */
	double lim = 100.0 * mx * (1.0 - hi + (XS_EQUAL - floor) / XS_LEARN_STEEP);
	if (lim <= 0)
		return 0;
	unsigned d = xs_distance(a, la, b, lb, t, lim > 60000 ? 60000 : (unsigned)lim);
	double lw = 1.0 - (double)d / (100.0 * mx);
	double s = lw >= hi ? XS_EQUAL : XS_EQUAL - XS_LEARN_STEEP * (hi - lw);
	return s > floor ? s : 0;
}

/*
 * A typo in a long token: at most one edit (substitution, insertion,
 * deletion, or two neighbours swapped) between tokens of TYPO_MINLEN letters
 * or more. Jaro-Winkler punishes an early typo in a long token (natanyahu ~
 * netanyahu 0.93, hannibol ~ hannibal 0.95 after the prefix) as much as two
 * late ones in a short token; one edit in five letters or more is a typo far
 * more often than another name (nomenklatura's LLM-proposed deviations),
 * shorter tokens stay with Jaro-Winkler (jon, jan, don).
 */
#ifndef TYPO_MINLEN
#define TYPO_MINLEN 4
#endif
#ifndef TYPO_SIM
#define TYPO_SIM 0.975
#endif
static bool one_edit(const char *a, size_t la, const char *b, size_t lb)
{
	if (la < lb) {
		const char *t = a;
		a = b, b = t;
		size_t n = la;
		la = lb, lb = n;
	}
	if (la - lb > 1)
		return false;
	size_t i = 0;
	while (i < lb && a[i] == b[i])
		i++;
	if (i == lb)
		return true; /* equal, or one letter more at the end */
	if (la > lb) /* one deletion at i */
		return memcmp(a + i + 1, b + i, lb - i) == 0;
	if (memcmp(a + i + 1, b + i + 1, la - i - 1) == 0) /* one substitution */
		return true;
	return i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] && /* a swap */
	       memcmp(a + i + 2, b + i + 2, la - i - 2) == 0;
}

/* Similarity of two tokens, 0..1 (exact at PAIR_MIN and above, some value
 * below PAIR_MIN otherwise). */
static double tok_sim(const ntoks *a, int i, const ntoks *b, int j)
{
	size_t la = a->len[i], lb = b->len[j];
	const char *ta = a->t[i], *tb = b->t[j];
	if (la == lb && memcmp(ta, tb, la) == 0)
		return 1.0;
	if (la == 1 || lb == 1) /* an initial agrees with a token it begins */
		return ta[0] == tb[0] ? 0.9 : 0.0;
	double s = 0;
	if (a->klen[i] == b->klen[j] && memcmp(a->key[i], b->key[j], a->klen[i]) == 0) {
		s = 0.97;
	} else {
		if (jw_may_reach(a->mask[i], la, b->mask[j], lb, PAIR_MIN))
			s = cu_jaro_winkler(ta, la, tb, lb);
		if (jw_may_reach(a->kmask[i], a->klen[i], b->kmask[j], b->klen[j],
				 s > PAIR_MIN ? s : PAIR_MIN)) {
			double k = cu_jaro_winkler(a->key[i], a->klen[i], b->key[j], b->klen[j]);
			if (k > s)
				s = k;
		}
	}
	/* consonant skeletons: scripts that write few vowels (Arabic, Hebrew)
	 * and transcriptions that hear them differently (maureen, morin) */
	size_t na = a->slen[i], nb = b->slen[j];
	/* one given name and a short form of it (Ted, Theodore; Sasha, Aleksandr) */
	if (s < NICK_SIM && a->nick[i][0] &&
	    (a->nick[i][0] == b->nick[j][0] || a->nick[i][0] == b->nick[j][1] ||
	     (a->nick[i][1] && (a->nick[i][1] == b->nick[j][0] || a->nick[i][1] == b->nick[j][1]))))
		s = NICK_SIM;
	if (s < SKEL_EQ && na == nb && memcmp(a->sk[i], b->sk[j], na) == 0 && /* cheap, implied */
	    vowels_vary(a->key[i], a->klen[i], b->key[j], b->klen[j]))
		s = SKEL_EQ;
	if (na >= 2 && nb >= 2 && a->sk[i][0] == b->sk[j][0] && (a->vpoor[i] || b->vpoor[j]) &&
	    jw_may_reach(a->smask[i], na, b->smask[j], nb, (s > PAIR_MIN ? s : PAIR_MIN) + SKEL_COST)) {
		double k = cu_jaro_winkler(a->sk[i], na, b->sk[j], nb) - SKEL_COST;
		if (k > s)
			s = k;
	}
	/* a token heard in another script: sound classes (see sound_classes) */
	uint8_t tag = a->tag[i] | b->tag[j];
	if ((tag & NAME_TAG_NONLATIN) && s < XS_EQUAL) {
		bool abj = (tag & NAME_TAG_ABJAD) != 0;
		const char *ca = abj ? a->ab[i] : a->cv[i], *cb = abj ? b->ab[j] : b->cv[j];
		size_t ka = abj ? a->ablen[i] : a->cvlen[i], kb = abj ? b->ablen[j] : b->cvlen[j];
		if (ka >= XS_MINLEN && ka == kb && memcmp(ca, cb, ka) == 0) {
			s = XS_EQUAL;
		} else if (ka >= XS_MINLEN && kb >= XS_MINLEN) {
			double k = cu_jaro_winkler(ca, ka, cb, kb) - (abj ? XS_COST_ABJAD : XS_COST);
			if (k > s)
				s = k;
		}
		/* learned costs, Latin against the other script only */
		if ((a->tag[i] == 0) != (b->tag[j] == 0) && s < XS_EQUAL) {
			bool lat = a->tag[i] == 0;
			double k = lat ? xs_learned(ta, la, tb, lb, abj, s > PAIR_MIN ? s : PAIR_MIN)
				       : xs_learned(tb, lb, ta, la, abj, s > PAIR_MIN ? s : PAIR_MIN);
			if (k > XS_EQUAL)
				k = XS_EQUAL;
			if (k > s)
				s = k;
		}
	}
	if (s < TYPO_SIM && la >= TYPO_MINLEN && lb >= TYPO_MINLEN &&
	    popcount64(a->mask[i] ^ b->mask[j]) <= 2 && one_edit(ta, la, tb, lb))
		s = TYPO_SIM;
	/* a patronymic is not the given name it comes from (vladimirovich,
	 * vladimir); against a token of its own length it is a surname
	 * written another way (cimoszewicz, the Hebrew tsimoshbits) */
	if ((a->weak[i] == 2) != (b->weak[j] == 2) &&
	    (a->weak[i] == 2 ? lb + 3 <= la : la + 3 <= lb))
		s *= 0.85;
	return s;
}

/* How much a token pair supports the names being one: 0.75 or less is a
 * different name, 0.95 is a typo or a transliteration variant. */
#ifndef AGREE_SPAN
#define AGREE_SPAN 0.25
#endif
#ifndef CONFLICT_W
#define CONFLICT_W 1.5
#endif
#ifndef LONG_NAME
#define LONG_NAME 4
#endif
#ifndef LONG_CONFLICT
#define LONG_CONFLICT 0.9
#endif
static double agree(double s)
{
	double a = s <= 0.75 ? 0.0 : (s - 0.75) / AGREE_SPAN;
	return a > 1 ? 1 : a;
}

/* Weight of a token: longer tokens carry more; initials and particles little. */
static double tok_weight(const ntoks *x, int i)
{
	if (x->len[i] == 1)
		return 1.5;
	if (x->weak[i] == 1)
		return 1.0;
	return x->len[i] < 3 ? 3.0 : x->len[i] > 10 ? 10.0 : (double)x->len[i];
}

/* Weight of a token that has no counterpart because the other name is
 * shorter (a missing middle name, patronymic or particle). */
#ifndef MISSING_W
#define MISSING_W 0.2
#endif
static double missing_weight(const ntoks *x, int i)
{
	return tok_weight(x, i) * (x->weak[i] ? 0.05 : MISSING_W);
}

/*
 * Initials written together as one token ("jc" for "Jean-Claude", "gw" for
 * "George Walker"): a token of two or three letters, none of them a vowel
 * (so that a short name such as "li", "wu" or "ali" never qualifies), not a
 * particle, whose letters begin as many consecutive unused tokens of the
 * other name (each at least two letters). Returns the first of them, or -1.
 */
static int joined_initials(const ntoks *x, int i, const ntoks *y, const bool *used)
{
	size_t n = x->len[i];
	if (n < 2 || n > 3 || x->weak[i])
		return -1;
	for (size_t k = 0; k < n; k++)
		if (strchr("aeiouy", x->t[i][k]))
			return -1;
	/* The same token on the other side is that word, not initials: "md dulal"
	 * read "md" as the initials of "md dulal" and scored 0.41 against itself. */
	for (int j = 0; j < y->n; j++)
		if (!used[j] && y->len[j] == n && !memcmp(y->t[j], x->t[i], n))
			return -1;
	for (int j = 0; j + (int)n <= y->n; j++) {
		bool ok = true;
		for (size_t k = 0; k < n && ok; k++)
			ok = !used[j + (int)k] && y->len[j + (int)k] >= 2 && y->t[j + (int)k][0] == x->t[i][k];
		if (ok)
			return j;
	}
	return -1;
}

/* Whether a name has a token that is neither an initial nor a particle. */
static bool has_word(const ntoks *x)
{
	for (int i = 0; i < x->n; i++)
		if (x->len[i] > 1 && x->weak[i] != 1)
			return true;
	return false;
}

static double name_sim_tokens(const ntoks *a, const ntoks *b, char *explain, size_t explainsz)
{
	if (explain && explainsz)
		snprintf(explain, explainsz, "%.100s ~ %.100s", a->n ? a->t[0] : "", b->n ? b->t[0] : "");
	if (a->n == 0 || b->n == 0)
		return 0.0;
	double s[MAXTOK][MAXTOK];
	for (int i = 0; i < a->n; i++)
		for (int j = 0; j < b->n; j++)
			s[i][j] = tok_sim(a, i, b, j);
	/* greedy best assignment: highest pair first, ties by position */
	bool ua[MAXTOK] = {0}, ub[MAXTOK] = {0};
	double num = 0, den = 0;
	int strong = 0, loose = 0;
	/* joined initials pair first, each letter as an initial (0.9) with its token */
	for (int side = 0; side < 2; side++) {
		const ntoks *x = side ? b : a, *y = side ? a : b;
		bool *ux = side ? ub : ua, *uy = side ? ua : ub;
		for (int i = 0; i < x->n; i++) {
			int j = ux[i] ? -1 : joined_initials(x, i, y, uy);
			if (j < 0)
				continue;
			ux[i] = true;
			for (int k = 0; k < (int)x->len[i]; k++) {
				uy[j + k] = true;
				double w = (tok_weight(y, j + k) + 1.5) / 2;
				num += w * agree(0.9);
				den += w;
			}
		}
	}
	for (;;) {
		double best = -1;
		int bi = -1, bj = -1;
		for (int i = 0; i < a->n; i++) {
			if (ua[i])
				continue;
			for (int j = 0; j < b->n; j++)
				if (!ub[j] && s[i][j] > best)
					best = s[i][j], bi = i, bj = j;
		}
		if (bi < 0 || best < PAIR_MIN)
			break;
		ua[bi] = ub[bj] = true;
		double w = (tok_weight(a, bi) + tok_weight(b, bj)) / 2;
		num += w * agree(best);
		den += w;
		if (best >= 0.9 && a->len[bi] > 1 && b->len[bj] > 1 && a->weak[bi] != 1)
			strong++;
		else if (best < 0.9 && a->len[bi] > 1 && b->len[bj] > 1)
			loose++;
	}
	/* Tokens left over on both sides conflict (full weight, no support);
	 * on one side only they are parts the other name lacks (light). */
	double fa = 0, fb = 0, ma = 0, mb = 0;
	for (int i = 0; i < a->n; i++)
		if (!ua[i])
			fa += tok_weight(a, i), ma += missing_weight(a, i);
	for (int j = 0; j < b->n; j++)
		if (!ub[j])
			fb += tok_weight(b, j), mb += missing_weight(b, j);
	if (fa > 0 && fb > 0)
		den += CONFLICT_W * (fa < fb ? fa : fb) + 0.2 * (fa < fb ? fb - fa : fa - fb);
	else
		den += ma + mb;
	double r = den > 0 ? num / den : 0.0;
	/* Long names (Arabic nasab chains, four tokens or more on both sides)
	 * that agree everywhere but on one token each are two relatives more
	 * often than one person: "abdul ghafar qurishi abdul hamid" is not
	 * "... abdul ghani" (hamid ~ ghani pairs loosely, below 0.9: that
	 * counts too). A token missing on one side is not a conflict. */
	if (a->n >= LONG_NAME && b->n >= LONG_NAME && ((fa > 0 && fb > 0) || loose > 0))
		r *= LONG_CONFLICT;
	if (strong == 0)
		r *= 0.8; /* only initials or particles agree */
	/* Arabic names with a nasab (X bin Y): the given names must agree, or
	 * "Salman bin Muhammad" would be "Muhammad bin Salman". */
	if (a->n > 1 && b->n > 1 && a->nasab && b->nasab && s[0][0] < 0.85)
		r *= 0.75;
	/* words run together or split differently ("ramimakhlouf"): counts
	 * only at 0.8 agreement or more, and only between names that have a
	 * word each: "c c" run together is "cc", but two initials are not a
	 * name, and scored 1.0 against "cc" when only 0.8 against themselves */
	if (a->n != b->n && has_word(a) && has_word(b)) {
		double t = 0.75 + 0.25 * (r > 0.8 ? r : 0.8);
		if (jw_may_reach(a->cmask, a->clen, b->cmask, b->clen, t)) {
			double c = agree(cu_jaro_winkler(a->compact, a->clen, b->compact, b->clen));
			if (c > r && c >= 0.8)
				r = c;
		}
	}
	return r < 0 ? 0 : r > 1 ? 1 : r;
}

double cu_name_similarity_prepared(const char *a, const char *b, char *explain, size_t explainsz)
{
	ntoks ta, tb;
	parse(&ta, a, (const uint8_t *)a + strlen(a) + 1);
	parse(&tb, b, (const uint8_t *)b + strlen(b) + 1);
	return name_sim_tokens(&ta, &tb, explain, explainsz);
}

double cu_name_similarity(const char *a, const char *b, int cls, char *explain,
			  size_t explainsz)
{
	(void)cls;
	if (explain && explainsz)
		explain[0] = 0;
	if (!a || !b)
		return 0.0;
	uint8_t pa[PREP_MAX], pb[PREP_MAX];
	if (cu_name_prepare(pa, sizeof pa, a, strlen(a), NULL, 0) < 0 ||
	    cu_name_prepare(pb, sizeof pb, b, strlen(b), NULL, 0) < 0)
		return 0.0;
	ntoks ta, tb;
	parse(&ta, a, pa);
	parse(&tb, b, pb);
	return name_sim_tokens(&ta, &tb, explain, explainsz);
}
