/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench/search: the synthetic multilingual corpus, deterministic in a seed.
 *
 * Seven languages in the shares of a European case load: English, French and
 * German in Latin script (80%), Russian, Serbian and Ukrainian in Cyrillic
 * (15%), Arabic (5%). Each language's vocabulary is a head of real words
 * (written for this benchmark) followed by a tail of made-up words built from
 * the language's syllables, VOCAB words in all; words are drawn from it by
 * Zipf's law (s = 1), so a few words are in most documents and most words in
 * a few, as in real text. Names (first and last, in the document's script)
 * are sprinkled in, with numbers and dates.
 */
#ifndef CU_BENCH_SEARCH_CORPUS_H
#define CU_BENCH_SEARCH_CORPUS_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static inline double unif(uint64_t *s)
{
	return (double)(splitmix(s) >> 11) * (1.0 / 9007199254740992.0);
}

enum { L_EN, L_FR, L_DE, L_RU, L_SR, L_UK, L_AR, NLANG };
static const char *const lang_code[NLANG] = {"en", "fr", "de", "ru", "sr", "uk", "ar"};
/* Shares of documents, in percent. */
static const int lang_share[NLANG] = {36, 22, 22, 7, 4, 4, 5};
#define VOCAB 30000

static const char *const head_en[] = {
	"the", "of", "and", "to", "in", "was", "on", "for", "that", "with", "by", "from", "at",
	"as", "his", "her", "their", "which", "were", "after", "before", "account", "bank",
	"transfer", "payment", "company", "director", "witness", "statement", "police", "report",
	"suspect", "victim", "vehicle", "border", "phone", "call", "message", "meeting", "money",
	"cash", "invoice", "contract", "shipment", "container", "port", "airport", "passport",
	"address", "house", "office", "warehouse", "night", "morning", "evening", "week", "month",
	"year", "network", "group", "members", "leader", "courier", "drugs", "cocaine", "heroin",
	"weapons", "fraud", "laundering", "smuggling", "trafficking", "investigation", "evidence",
	"search", "seized", "arrested", "interview", "court", "prosecutor", "judge", "lawyer",
	"documents", "records", "email", "server", "wallet", "crypto", "transaction", "shell",
	"offshore", "trust", "property", "apartment", "car", "truck", "boat", "route", "delivery",
	"supplier", "buyer", "seller", "cargo", "customs", "declaration", "false", "identity",
	"forged", "signature", "agreement", "loan", "debt", "threat", "violence", "injured",
	"hospital", "camera", "footage", "photograph", "surveillance", "intercept", "location",
	"travelled", "returned", "received", "sent", "paid", "opened", "closed", "registered",
	"unknown", "brother", "sister", "cousin", "partner", "friend", "employee", "manager",
};
static const char *const head_fr[] = {
	"le", "la", "les", "de", "des", "du", "et", "un", "une", "dans", "pour", "avec", "par",
	"sur", "au", "aux", "qui", "que", "été", "était", "après", "avant", "compte", "banque",
	"virement", "paiement", "société", "gérant", "témoin", "déclaration", "police",
	"rapport", "suspect", "victime", "véhicule", "frontière", "téléphone", "appel", "réunion",
	"argent", "espèces", "facture", "contrat", "livraison", "conteneur", "port", "aéroport",
	"passeport", "adresse", "maison", "bureau", "entrepôt", "nuit", "matin", "soir",
	"semaine", "mois", "année", "réseau", "groupe", "membres", "chef", "passeur", "drogue",
	"cocaïne", "héroïne", "armes", "escroquerie", "blanchiment", "trafic", "enquête",
	"preuve", "perquisition", "saisi", "interpellé", "audition", "tribunal", "procureur",
	"juge", "avocat", "documents", "fichiers", "courriel", "serveur", "portefeuille",
	"opération", "société-écran", "immeuble", "appartement", "voiture", "camion", "bateau",
	"itinéraire", "fournisseur", "acheteur", "vendeur", "cargaison", "douane", "fausse",
	"identité", "signature", "accord", "prêt", "dette", "menace", "violence", "blessé",
	"hôpital", "caméra", "vidéo", "écoute", "localisation", "voyagé", "reçu", "envoyé",
	"payé", "ouvert", "inconnu", "frère", "sœur", "cousin", "associé", "ami", "employé",
};
static const char *const head_de[] = {
	"der", "die", "das", "und", "in", "den", "von", "zu", "mit", "sich", "des", "auf",
	"für", "ist", "im", "dem", "nicht", "ein", "eine", "als", "auch", "nach", "vor", "wurde",
	"Konto", "Bank", "Überweisung", "Zahlung", "Firma", "Geschäftsführer", "Zeuge", "Aussage",
	"Polizei", "Bericht", "Verdächtiger", "Opfer", "Fahrzeug", "Grenze", "Telefon", "Anruf",
	"Nachricht", "Treffen", "Geld", "Bargeld", "Rechnung", "Vertrag", "Lieferung", "Container",
	"Hafen", "Flughafen", "Reisepass", "Adresse", "Haus", "Büro", "Lager", "Nacht", "Morgen",
	"Abend", "Woche", "Monat", "Jahr", "Netzwerk", "Gruppe", "Mitglieder", "Anführer",
	"Kurier", "Drogen", "Kokain", "Heroin", "Waffen", "Betrug", "Geldwäsche", "Schleusung",
	"Menschenhandel", "Ermittlung", "Beweismittel", "Durchsuchung", "beschlagnahmt",
	"festgenommen", "Vernehmung", "Gericht", "Staatsanwalt", "Richter", "Anwalt", "Unterlagen",
	"Dateien", "Server", "Geldbörse", "Transaktion", "Briefkastenfirma", "Grundstück",
	"Wohnung", "Auto", "Lastwagen", "Boot", "Route", "Lieferant", "Käufer", "Verkäufer",
	"Ladung", "Zoll", "Erklärung", "falsche", "Identität", "gefälschte", "Unterschrift",
	"Darlehen", "Schulden", "Drohung", "Gewalt", "verletzt", "Krankenhaus", "Kamera",
	"Aufnahmen", "Überwachung", "Standort", "gereist", "erhalten", "gesendet", "bezahlt",
	"unbekannt", "Bruder", "Schwester", "Cousin", "Partner", "Freund", "Mitarbeiter",
};
static const char *const head_ru[] = {
	"и", "в", "не", "на", "что", "с", "по", "из", "за", "от", "для", "был", "была", "было",
	"после", "до", "счёт", "банк", "перевод", "платёж", "компания", "директор", "свидетель",
	"показания", "полиция", "рапорт", "подозреваемый", "потерпевший", "автомобиль", "граница",
	"телефон", "звонок", "сообщение", "встреча", "деньги", "наличные", "счёт-фактура",
	"договор", "поставка", "контейнер", "порт", "аэропорт", "паспорт", "адрес", "дом",
	"офис", "склад", "ночью", "утром", "вечером", "неделя", "месяц", "год", "сеть",
	"группа", "участники", "главарь", "курьер", "наркотики", "кокаин", "героин", "оружие",
	"мошенничество", "отмывание", "контрабанда", "торговля", "расследование",
	"доказательства", "обыск", "изъято", "задержан", "допрос", "суд", "прокурор", "судья",
	"адвокат", "документы", "записи", "почта", "сервер", "кошелёк", "криптовалюта",
	"сделка", "офшор", "имущество", "квартира", "машина", "грузовик", "лодка", "маршрут",
	"поставщик", "покупатель", "продавец", "груз", "таможня", "декларация", "поддельный",
	"личность", "подпись", "соглашение", "заём", "долг", "угроза", "насилие", "ранен",
	"больница", "камера", "запись", "наблюдение", "местонахождение", "приехал", "получил",
	"отправил", "заплатил", "неизвестный", "брат", "сестра", "партнёр", "друг", "сотрудник",
};
static const char *const head_sr[] = {
	"и", "у", "је", "да", "на", "се", "за", "од", "са", "из", "по", "био", "била", "након",
	"пре", "рачун", "банка", "уплата", "плаћање", "предузеће", "директор", "сведок",
	"изјава", "полиција", "извештај", "осумњичени", "оштећени", "возило", "граница",
	"телефон", "позив", "порука", "састанак", "новац", "готовина", "фактура", "уговор",
	"испорука", "контејнер", "лука", "аеродром", "пасош", "адреса", "кућа", "канцеларија",
	"магацин", "ноћу", "ујутру", "увече", "недеља", "месец", "година", "мрежа", "група",
	"чланови", "вођа", "курир", "дрога", "кокаин", "хероин", "оружје", "превара", "прање",
	"кријумчарење", "трговина", "истрага", "докази", "претрес", "одузето", "ухапшен",
	"саслушање", "суд", "тужилац", "судија", "адвокат", "документи", "записи", "сервер",
	"новчаник", "трансакција", "имовина", "стан", "аутомобил", "камион", "чамац", "рута",
	"добављач", "купац", "продавац", "терет", "царина", "лажни", "идентитет", "потпис",
	"споразум", "зајам", "дуг", "претња", "насиље", "повређен", "болница", "камера",
	"снимак", "надзор", "локација", "путовао", "примио", "послао", "платио", "непознат",
	"брат", "сестра", "рођак", "партнер", "пријатељ", "запослени", "ђак", "џеп", "љубав",
	"њива", "ћерка", "ђорђе", "шеф", "жалба",
};
static const char *const head_uk[] = {
	"і", "в", "не", "на", "що", "з", "до", "від", "для", "був", "була", "після", "перед",
	"рахунок", "банк", "переказ", "платіж", "компанія", "директор", "свідок", "показання",
	"поліція", "рапорт", "підозрюваний", "потерпілий", "автомобіль", "кордон", "телефон",
	"дзвінок", "повідомлення", "зустріч", "гроші", "готівка", "договір", "постачання",
	"контейнер", "порт", "аеропорт", "паспорт", "адреса", "будинок", "офіс", "склад",
	"вночі", "вранці", "ввечері", "тиждень", "місяць", "рік", "мережа", "група",
	"учасники", "ватажок", "кур'єр", "наркотики", "кокаїн", "героїн", "зброя", "шахрайство",
	"відмивання", "контрабанда", "торгівля", "розслідування", "докази", "обшук",
	"вилучено", "затриманий", "допит", "суд", "прокурор", "суддя", "адвокат", "документи",
	"записи", "пошта", "сервер", "гаманець", "угода", "майно", "квартира", "машина",
	"вантажівка", "човен", "маршрут", "постачальник", "покупець", "продавець", "вантаж",
	"митниця", "декларація", "підроблений", "особа", "підпис", "позика", "борг", "погроза",
	"насильство", "поранений", "лікарня", "камера", "запис", "спостереження", "приїхав",
	"отримав", "надіслав", "заплатив", "невідомий", "брат", "сестра", "партнер", "друг",
	"співробітник", "їжак", "єдиний", "ґанок",
};
static const char *const head_ar[] = {
	"في", "من", "على", "إلى", "عن", "مع", "هذا", "التي", "الذي", "كان", "بعد", "قبل",
	"حساب", "بنك", "تحويل", "دفع", "شركة", "مدير", "شاهد", "إفادة", "الشرطة", "تقرير",
	"مشتبه", "ضحية", "سيارة", "الحدود", "هاتف", "مكالمة", "رسالة", "اجتماع", "أموال",
	"نقدا", "فاتورة", "عقد", "شحنة", "حاوية", "ميناء", "مطار", "جواز", "عنوان", "منزل",
	"مكتب", "مستودع", "ليلا", "صباحا", "مساء", "أسبوع", "شهر", "سنة", "شبكة", "مجموعة",
	"أعضاء", "زعيم", "مخدرات", "كوكايين", "أسلحة", "احتيال", "غسل", "تهريب", "الاتجار",
	"تحقيق", "أدلة", "تفتيش", "مصادرة", "اعتقال", "استجواب", "محكمة", "المدعي", "قاضي",
	"محامي", "وثائق", "سجلات", "بريد", "خادم", "محفظة", "معاملة", "عقار", "شقة", "شاحنة",
	"قارب", "طريق", "مورد", "مشتري", "بائع", "جمارك", "مزور", "هوية", "توقيع", "اتفاق",
	"قرض", "دين", "تهديد", "عنف", "مصاب", "مستشفى", "كاميرا", "تسجيل", "مراقبة", "موقع",
	"سافر", "استلم", "أرسل", "مجهول", "أخ", "أخت", "شريك", "صديق", "موظف",
};
static const char *const *const heads[NLANG] = {head_en, head_fr, head_de, head_ru,
                                                head_sr, head_uk, head_ar};
static const int nheads[NLANG] = {
	sizeof(head_en) / sizeof(*head_en), sizeof(head_fr) / sizeof(*head_fr),
	sizeof(head_de) / sizeof(*head_de), sizeof(head_ru) / sizeof(*head_ru),
	sizeof(head_sr) / sizeof(*head_sr), sizeof(head_uk) / sizeof(*head_uk),
	sizeof(head_ar) / sizeof(*head_ar)};

/* Syllables of the made-up tail words. */
static const char *const syl_en[] = {"ba", "ker", "ton", "mis", "lo", "ven", "dra", "pel",
	"stor", "quin", "ham", "ble", "row", "ick", "ster", "nor", "fa", "gle", "wid", "tha",
	"cor", "ment", "ly", "ing", "pro", "sh", "ard", "el"};
static const char *const syl_fr[] = {"ré", "ma", "lon", "cha", "teau", "gné", "eux", "ver",
	"pi", "çon", "tré", "bel", "oui", "lé", "ssa", "mou", "ère", "quet", "fi", "ain", "dé",
	"ro", "tion", "ville", "co", "â", "ge"};
static const char *const syl_de[] = {"ber", "ge", "schaft", "lich", "ung", "stra", "ß",
	"mül", "ler", "kä", "hof", "wald", "ört", "ein", "zu", "fahr", "bau", "tor", "heit",
	"rü", "gen", "pf", "lan", "dorf", "keit", "ach"};
static const char *const syl_ru[] = {"ка", "ро", "ви", "тель", "ство", "ный", "ов", "ще",
	"жи", "мо", "при", "за", "ская", "лю", "бы", "ёж", "дра", "ник", "ого", "не", "ль", "по",
	"сту", "ция", "хо", "ра"};
static const char *const syl_sr[] = {"ђа", "ћи", "џо", "ље", "ња", "јо", "ви", "ко", "ић",
	"ски", "ра", "до", "жи", "ше", "чо", "бра", "ло", "ну", "ме", "ста", "го", "ват", "ни",
	"це"};
static const char *const syl_uk[] = {"ки", "рі", "їв", "єн", "ґа", "ща", "ко", "ла", "ськ",
	"ння", "ма", "ві", "то", "ри", "ую", "пі", "ча", "дь", "хо", "ба", "ці", "ни", "за"};
static const char *const syl_ar[] = {"مح", "سا", "لي", "كو", "بر", "نا", "فت", "عا", "رب",
	"دي", "جا", "ها", "مي", "تو", "قا", "صل", "ين", "ات", "ال", "ور", "شي", "زه"};
static const char *const *const syls[NLANG] = {syl_en, syl_fr, syl_de, syl_ru,
                                               syl_sr, syl_uk, syl_ar};
static const int nsyls[NLANG] = {
	sizeof(syl_en) / sizeof(*syl_en), sizeof(syl_fr) / sizeof(*syl_fr),
	sizeof(syl_de) / sizeof(*syl_de), sizeof(syl_ru) / sizeof(*syl_ru),
	sizeof(syl_sr) / sizeof(*syl_sr), sizeof(syl_uk) / sizeof(*syl_uk),
	sizeof(syl_ar) / sizeof(*syl_ar)};

/* Names: Latin, Cyrillic, Arabic script. */
static const char *const first_lat[] = {"John", "Maria", "Pierre", "Sophie", "Hans", "Jürgen",
	"Anna", "Lukas", "Élodie", "François", "Ahmed", "Karim", "Dragan", "Milica", "Olena",
	"Sergei", "Giovanni", "Lucia", "Jan", "Piotr", "Agnieszka", "Miguel", "Inés", "Lars",
	"Ingrid", "Mehmet", "Ayşe", "Nikolaos", "Eleni", "Tomás"};
static const char *const last_lat[] = {"Smith", "Dupont", "Müller", "Schneider", "Martin",
	"Lefèvre", "Bernard", "Fischer", "Weber", "Djordjevic", "Petrović", "Jovanovic",
	"Kovalenko", "Ivanov", "Rossi", "Kowalski", "Nowak", "García", "Fernández", "Andersson",
	"Nielsen", "Yilmaz", "Papadopoulos", "O'Connor", "Al-Jubouri", "Haddad", "Mansour",
	"Schäfer", "Bauer", "Moreau"};
static const char *const first_cyr[] = {"Александр", "Сергей", "Наталья", "Ольга", "Дмитрий",
	"Ђорђе", "Милица", "Драган", "Јелена", "Никола", "Олена", "Тарас", "Богдан", "Ірина",
	"Юлія", "Андрій", "Владимир", "Светлана", "Душан", "Љубица"};
static const char *const last_cyr[] = {"Иванов", "Петров", "Смирнов", "Кузнецова", "Соколов",
	"Ђорђевић", "Петровић", "Јовановић", "Николић", "Шешељ", "Коваленко", "Шевченко",
	"Бондаренко", "Ткаченко", "Мельник", "Волков", "Лебедев", "Ђукић", "Живковић", "Гнатюк"};
static const char *const first_ar[] = {"محمد", "أحمد", "علي", "حسن", "فاطمة", "عائشة",
	"يوسف", "إبراهيم", "خالد", "مريم", "عمر", "ليلى"};
static const char *const last_ar[] = {"الجبوري", "حداد", "منصور", "العبيدي", "الحسيني",
	"التكريتي", "الدليمي", "الشمري", "الكبيسي", "الراوي", "السامرائي", "النعيمي"};
#define NELEM(a) ((int)(sizeof(a) / sizeof(*(a))))

typedef struct corpus {
	char *words[NLANG][VOCAB]; /* rank order */
	double cdf[VOCAB];         /* Zipf s = 1 */
} corpus;

static inline void corpus_init(corpus *c, uint64_t seed)
{
	double h = 0;
	for (int i = 0; i < VOCAB; i++)
		h += 1.0 / (i + 1);
	double acc = 0;
	for (int i = 0; i < VOCAB; i++) {
		acc += 1.0 / (i + 1) / h;
		c->cdf[i] = acc;
	}
	c->cdf[VOCAB - 1] = 1.0;
	for (int l = 0; l < NLANG; l++) {
		uint64_t s = seed * 31 + (uint64_t)l;
		for (int i = 0; i < VOCAB; i++) {
			if (i < nheads[l]) {
				c->words[l][i] = strdup(heads[l][i]);
				continue;
			}
			char w[96];
			size_t n = 0;
			int k = 2 + (int)(splitmix(&s) % 3);
			for (int j = 0; j < k; j++) {
				const char *y = syls[l][splitmix(&s) % (uint64_t)nsyls[l]];
				size_t m = strlen(y);
				memcpy(w + n, y, m);
				n += m;
			}
			w[n] = '\0';
			c->words[l][i] = strdup(w);
		}
	}
}

static inline int zipf_rank(const corpus *c, uint64_t *s)
{
	double u = unif(s);
	int lo = 0, hi = VOCAB - 1;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (c->cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static inline int pick_lang(uint64_t *s)
{
	int u = (int)(splitmix(s) % 100), acc = 0;
	for (int l = 0; l < NLANG; l++) {
		acc += lang_share[l];
		if (u < acc)
			return l;
	}
	return L_EN;
}

static inline const char *pick_name(int lang, bool last, uint64_t *s)
{
	uint64_t r = splitmix(s);
	if (lang == L_AR)
		return last ? last_ar[r % NELEM(last_ar)] : first_ar[r % NELEM(first_ar)];
	if (lang >= L_RU && lang <= L_UK)
		return last ? last_cyr[r % NELEM(last_cyr)] : first_cyr[r % NELEM(first_cyr)];
	return last ? last_lat[r % NELEM(last_lat)] : first_lat[r % NELEM(first_lat)];
}

typedef struct bdoc {
	int lang;
	int nwords;
	char title[512];
	char body[4096];
} bdoc;

static inline void put(char *out, size_t cap, size_t *n, const char *w)
{
	size_t m = strlen(w);
	if (*n + m + 2 >= cap)
		return;
	if (*n)
		out[(*n)++] = ' ';
	memcpy(out + *n, w, m);
	*n += m;
	out[*n] = '\0';
}

/* Document i: a title of 3-8 words and a body of 20-60 words. */
static inline void corpus_doc(const corpus *c, bdoc *d, uint64_t seed, int64_t i)
{
	uint64_t s = seed ^ ((uint64_t)i * 0x2545f4914f6cdd1du);
	size_t n = 0;
	char tmp[48];
	d->lang = pick_lang(&s);
	d->title[0] = d->body[0] = '\0';
	int tw = 3 + (int)(splitmix(&s) % 6);
	for (int k = 0; k < tw; k++) {
		if (k == tw - 1 && splitmix(&s) % 2) {
			put(d->title, sizeof d->title, &n, pick_name(d->lang, true, &s));
		} else {
			put(d->title, sizeof d->title, &n, c->words[d->lang][zipf_rank(c, &s)]);
		}
	}
	n = 0;
	int bw = 20 + (int)(splitmix(&s) % 41);
	d->nwords = tw + bw;
	for (int k = 0; k < bw; k++) {
		uint64_t r = splitmix(&s) % 100;
		if (r < 6) {
			put(d->body, sizeof d->body, &n, pick_name(d->lang, false, &s));
			put(d->body, sizeof d->body, &n, pick_name(d->lang, true, &s));
			k++;
		} else if (r < 8) {
			snprintf(tmp, sizeof tmp, "%02d.%02d.20%02d", 1 + (int)(splitmix(&s) % 28),
			         1 + (int)(splitmix(&s) % 12), 10 + (int)(splitmix(&s) % 16));
			put(d->body, sizeof d->body, &n, tmp);
		} else if (r < 9) {
			snprintf(tmp, sizeof tmp, "%llu,", (unsigned long long)(splitmix(&s) % 1000000));
			put(d->body, sizeof d->body, &n, tmp);
		} else {
			put(d->body, sizeof d->body, &n, c->words[d->lang][zipf_rank(c, &s)]);
			if (r > 95 && n + 1 < sizeof d->body) {
				d->body[n++] = r > 97 ? '.' : ',';
				d->body[n] = '\0';
			}
		}
	}
}

#endif
