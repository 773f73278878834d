/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench/match: small name lists (written for this benchmark) and renderers
 * that spell one canonical name in its own script or in one of several
 * Latin transliterations.
 *
 * Canonical forms are ASCII: lowercase letters stand for themselves, upper
 * case letters (and a few signs) for sounds each script writes its own way.
 * Each language has a table: symbol, native spelling, Latin variants.
 */
#ifndef BENCH_MATCH_NAMES_H
#define BENCH_MATCH_NAMES_H

typedef struct sym {
	char c;
	const char *native;
	const char *latin[3]; /* NULL-terminated if fewer */
} sym;

/* Serbian: C ć, H č, D đ, Z ž, S š, L lj, N nj, X dž. */
static const sym SR[] = {
	{'a', "а", {"a"}}, {'b', "б", {"b"}}, {'v', "в", {"v", "w"}}, {'g', "г", {"g"}},
	{'d', "д", {"d"}}, {'D', "ђ", {"đ", "dj", "d"}}, {'e', "е", {"e"}},
	{'Z', "ж", {"ž", "zh", "z"}}, {'z', "з", {"z"}}, {'i', "и", {"i"}},
	{'j', "ј", {"j", "y", "j"}}, {'k', "к", {"k"}}, {'l', "л", {"l"}}, {'L', "љ", {"lj", "lj", "l"}},
	{'m', "м", {"m"}}, {'n', "н", {"n"}}, {'N', "њ", {"nj", "nj", "n"}}, {'o', "о", {"o"}},
	{'p', "п", {"p"}}, {'r', "р", {"r"}}, {'s', "с", {"s"}}, {'t', "т", {"t"}},
	{'C', "ћ", {"ć", "c", "ch"}}, {'u', "у", {"u"}}, {'f', "ф", {"f"}}, {'h', "х", {"h"}},
	{'c', "ц", {"c", "c", "ts"}}, {'H', "ч", {"č", "ch", "c"}}, {'X', "џ", {"dž", "dzh", "dz"}},
	{'S', "ш", {"š", "sh", "s"}}, {0, NULL, {NULL}},
};
/* Russian: Z ж, Y й, H х, T ц, C ч, S ш, Q щ, I ы, U ю, A я, E е after a vowel. */
static const sym RU[] = {
	{'a', "а", {"a"}}, {'b', "б", {"b"}}, {'v', "в", {"v", "w", "v"}}, {'g', "г", {"g"}},
	{'d', "д", {"d"}}, {'e', "е", {"e"}}, {'E', "е", {"ye", "e", "je"}}, {'Z', "ж", {"zh", "j", "sh"}},
	{'z', "з", {"z", "s", "z"}}, {'i', "и", {"i"}}, {'Y', "й", {"y", "i", "j"}}, {'k', "к", {"k"}},
	{'l', "л", {"l"}}, {'m', "м", {"m"}}, {'n', "н", {"n"}}, {'o', "о", {"o"}}, {'p', "п", {"p"}},
	{'r', "р", {"r"}}, {'s', "с", {"s", "ss", "s"}}, {'t', "т", {"t"}}, {'u', "у", {"u", "ou", "u"}},
	{'f', "ф", {"f"}}, {'H', "х", {"kh", "h", "ch"}}, {'T', "ц", {"ts", "tz", "c"}},
	{'C', "ч", {"ch", "tch", "tsch"}}, {'S', "ш", {"sh", "ch", "sch"}},
	{'Q', "щ", {"shch", "sch", "shtch"}}, {'I', "ы", {"y", "i", "y"}}, {'U', "ю", {"yu", "iu", "ju"}},
	{'A', "я", {"ya", "ia", "ja"}}, {'\'', "ь", {"", "'", ""}}, {0, NULL, {NULL}},
};
/* Ukrainian: h г, g ґ, y и, i і, J ї, E є, and as Russian. */
static const sym UK[] = {
	{'a', "а", {"a"}}, {'b', "б", {"b"}}, {'v', "в", {"v", "w", "v"}}, {'h', "г", {"h", "g", "h"}},
	{'g', "ґ", {"g"}}, {'d', "д", {"d"}}, {'e', "е", {"e"}}, {'E', "є", {"ye", "ie", "je"}},
	{'Z', "ж", {"zh", "z", "j"}}, {'z', "з", {"z"}}, {'y', "и", {"y", "i", "y"}}, {'i', "і", {"i"}},
	{'J', "ї", {"yi", "i", "ji"}}, {'Y', "й", {"y", "i", "j"}}, {'k', "к", {"k"}}, {'l', "л", {"l"}},
	{'m', "м", {"m"}}, {'n', "н", {"n"}}, {'o', "о", {"o"}}, {'p', "п", {"p"}}, {'r', "р", {"r"}},
	{'s', "с", {"s"}}, {'t', "т", {"t"}}, {'u', "у", {"u"}}, {'f', "ф", {"f"}},
	{'H', "х", {"kh", "h", "ch"}}, {'T', "ц", {"ts", "c", "tz"}}, {'C', "ч", {"ch", "tch", "ch"}},
	{'S', "ш", {"sh", "sch", "sh"}}, {'Q', "щ", {"shch", "sch", "shch"}},
	{'U', "ю", {"yu", "iu", "ju"}}, {'A', "я", {"ya", "ia", "ja"}}, {'\'', "ь", {"", "", "'"}},
	{0, NULL, {NULL}},
};
/* Greek: I η, T θ, x ξ, H χ, O ω, U ου, y υ, s σ (ς at the end, see render). */
static const sym EL[] = {
	{'a', "α", {"a"}}, {'v', "β", {"v", "b", "v"}}, {'g', "γ", {"g", "gh", "y"}},
	{'d', "δ", {"d", "dh", "d"}}, {'e', "ε", {"e"}}, {'z', "ζ", {"z"}}, {'i', "ι", {"i"}},
	{'I', "η", {"i", "e", "i"}}, {'T', "θ", {"th"}}, {'k', "κ", {"k", "c", "k"}}, {'l', "λ", {"l"}},
	{'m', "μ", {"m"}}, {'n', "ν", {"n"}}, {'x', "ξ", {"x", "ks", "x"}}, {'o', "ο", {"o"}},
	{'p', "π", {"p"}}, {'r', "ρ", {"r"}}, {'s', "σ", {"s"}}, {'t', "τ", {"t"}},
	{'f', "φ", {"f", "ph", "f"}}, {'H', "χ", {"ch", "h", "kh"}}, {'O', "ω", {"o"}},
	{'U', "ου", {"ou", "u", "ou"}}, {'y', "υ", {"y", "i", "y"}}, {0, NULL, {NULL}},
};
/* Arabic: long a ا, W و long u, Y ي long i, w و, y ي, H ح, K خ, T ث, D ذ, S ش,
 * c ص, x ض, q ق, A ع, G غ; short vowels 1 (a/e), 2 (u/o), 3 (i/e) unwritten;
 * '=' doubles the consonant before it in some spellings. */
static const sym AR[] = {
	{'a', "ا", {"a", "a", "aa"}}, {'b', "ب", {"b"}}, {'t', "ت", {"t"}}, {'T', "ث", {"th", "t", "s"}},
	{'j', "ج", {"j", "dj", "g"}}, {'H', "ح", {"h"}}, {'K', "خ", {"kh", "h", "ch"}}, {'d', "د", {"d"}},
	{'D', "ذ", {"dh", "z", "d"}}, {'r', "ر", {"r"}}, {'z', "ز", {"z"}}, {'s', "س", {"s"}},
	{'S', "ش", {"sh", "ch", "sch"}}, {'c', "ص", {"s"}}, {'x', "ض", {"d", "dh", "d"}},
	{'A', "ع", {"", "a", "'"}}, {'I', "ا", {"i", "e", "i"}}, {'G', "غ", {"gh", "g", "gh"}}, {'f', "ف", {"f"}},
	{'q', "ق", {"q", "k", "g"}}, {'k', "ك", {"k"}}, {'l', "ل", {"l"}}, {'m', "م", {"m"}},
	{'n', "ن", {"n"}}, {'h', "ه", {"h", "h", ""}}, {'w', "و", {"w"}}, {'W', "و", {"u", "ou", "oo"}},
	{'y', "ي", {"y"}}, {'Y', "ي", {"i", "ee", "y"}}, {'1', "", {"a", "e", "a"}},
	{'2', "", {"u", "o", "ou"}}, {'3', "", {"i", "e", "i"}}, {0, NULL, {NULL}},
};

/* Given names and family names (roots for composed ones) per language. */
static const char *const SR_GIVEN[] = {
	"DorDe", "marko", "stefan", "milan", "nikola", "nebojSa", "dragan", "zoran", "goran", "miloS",
	"aleksandar", "vladimir", "dejan", "bojan", "ivan", "jelena", "ana", "milica", "jovana",
	"marija", "dragana", "sneZana", "tijana", "vesna", "branko", "slobodan", "radovan", "predrag",
	"duSan", "vuk", NULL};
static const char *const SR_ROOT[] = {
	"petr", "jovan", "nikol", "mark", "stojan", "pavl", "Dord", "ilij", "stefan", "milos",
	"tomaS", "radosavl", "mitr", "kost", "bogdan", "vasil", "simon", "filip", "luk", "Zivk",
	"popov", "lazar", "obrad", "miloS", "dragiS", "vukaS", "ranC", "kneZ", "savi", "babi", "raj",
	"vuj", "mil", "jank", "stank", "mirk", "dimitrij", "perC", "spas", "brank", NULL};
static const char *const SR_SUFFIX[] = {"oviC", "eviC", "iC", NULL};

static const char *const RU_GIVEN[] = {
	"aleksandr", "sergEY", "vladimir", "dmitriY", "andrEY", "aleksEY", "ivan", "miHail",
	"nikolaY", "pavel", "UriY", "oleg", "viktor", "igor'", "boris", "anna", "olga", "tatAna",
	"elena", "natalA", "mariA", "irina", "svetlana", "ekaterina", "UliA", "anastasiA", "evgeniY",
	"konstantin", "grigoriY", "fEdor", NULL};
static const char *const RU_ROOT[] = {
	"ivan", "smirn", "kuzneT", "pop", "vasil'", "petr", "sokol", "miHaYl", "novik", "fEdor",
	"moroz", "volk", "aleksE", "lebed", "semEn", "egor", "pavl", "kozl", "stepan", "nikolaE",
	"orl", "andrE", "makar", "zaHar", "zaYT", "solov'", "boris", "Akovl", "grigor'", "roman",
	"vorob'", "sergE", "kuZm", "frol", "aleksandr", "dmitri", "korolE", "gus", "kiselE", "ilAS", NULL};
static const char *const RU_SUFFIX[] = {"ov", "in", "ev", NULL};

static const char *const UK_GIVEN[] = {
	"oleksandr", "andriY", "serhiY", "volodymyr", "oleh", "mykola", "vasyl'", "ivan", "petro",
	"taras", "bohdan", "UriY", "dmytro", "myHaYlo", "vitaliY", "olena", "oksana", "nataliA",
	"tetAna", "iryna", "UliA", "halyna", "lesA", "mariA", "svitlana", "kateryna", "sofiA",
	"ostap", "roman", "stepan", NULL};
static const char *const UK_ROOT[] = {
	"SevCen", "kovalen", "bondaren", "tkaCen", "kravCen", "oliYnyk", "SevCuk", "kovalCuk",
	"poliQuk", "bondar", "tkaCuk", "marCen", "lysen", "ruden", "savCen", "petren", "klymen",
	"pavlen", "moroz", "melnyk", "boYk", "kraveT'", "levCen", "tymoSen", "yurCen", "zinCen",
	"horbat", "karpen", "lytvynen", "hnatUk", NULL};
static const char *const UK_SUFFIX[] = {"ko", "ko", "", NULL};

static const char *const EL_GIVEN[] = {
	"gIorgos", "dImItrIs", "konstantInos", "ioannIs", "nikolaos", "panagiotIs", "vasilIs",
	"HrIstos", "aTanasios", "miHaIl", "evangelos", "spyros", "angelos", "stavros", "petros",
	"maria", "eleni", "aikaterinI", "vasilikI", "sofia", "anna", "georgia", "dImItra", "ioanna",
	"HrIstina", "paraskevI", "alexandra", "eirInI", "despoina", "kalliopI", NULL};
static const char *const EL_ROOT[] = {
	"papad", "georgi", "nikol", "konstantin", "dImItri", "ioann", "vasili", "alexandr", "Hristod",
	"papaioann", "oikonom", "makr", "karamanl", "pappa", "vlaH", "aggel", "antonI", "miHail",
	"spyr", "stavr", "Tanas", "panagi", "zaHar", "kUts", "lambr", "fotI", "psar", "kyriak",
	"stefan", "manol", NULL};
static const char *const EL_SUFFIX[] = {"opoUlos", "idIs", "akIs", "Ou", NULL};

static const char *const AR_GIVEN[] = {
	"m2H1m=1d", "aHm1d", "A1lY", "A2m1r", "KalYd", "yWsWf", "IbrahYm", "A1bd2llah", "H1s1n",
	"H2s1Yn", "m1H2Wd", "Aad3l", "k1rYm", "s1AYd", "t1wfYq", "j1mYl", "n1bYl", "fat3ma", "AaYS1",
	"l1yla", "z1yn1b", "m1ry1m", "nWr", "s1lma", "raS3d", "f1ys1l", "yasYn", "m2ct1fa", "amYr",
	"bas3m", NULL};
static const char *const AR_FAMILY[] = {
	"H1d=ad", "K1lYl", "n1c=ar", "m1nc2Wr", "c1lH", "A1b=as", "d1rwYS", "H1m1dan", "s1lama",
	"b1kr", "q1c1b", "t1mYmY", "j1bWrY", "Aab3d", "H1s1n", "r1SYd", "S1m=arY", "z1ydan", "K1tYb",
	"b1rGWTY", "KaldY", "s2ltan", "s1AdawY", "k1b1ysY", "n1j=ar", "q1d=Wra", "A2Tman", "d1b=aG",
	"TanbarY", "m1srWr", "f1r1j", "S1rYf", "asama", "r1Hman", "s1baA", "m1Gr1bY", "b1GdadY",
	"m1wS3lY", "t1krYtY", "h3lal", NULL};

/* Latin European names, written as the country writes them. */
static const char *const EU_GIVEN[] = {
	"Erik", "Lars", "Anders", "Johan", "Karin", "Ingrid", "Björn", "Sofia", "Hans", "Klaus",
	"Jürgen", "Stefan", "Monika", "Sabine", "Pierre", "Jean", "François", "Hélène", "Amélie",
	"Luca", "Marco", "Giulia", "Francesca", "José", "Javier", "María", "Lucía", "Piotr",
	"Katarzyna", "Krzysztof", "Tomasz", "Agnieszka", "Jan", "Pieter", "Willem", "Sanne", NULL};
static const char *const EU_FAMILY[] = {
	"Andersson", "Johansson", "Karlsson", "Nilsson", "Lindqvist", "Bergström", "Åkesson",
	"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Schäfer", "Köhler", "Groß",
	"Dubois", "Moreau", "Lefèvre", "Girard", "Bonnet", "Rossi", "Russo", "Ferrari", "Esposito",
	"Bianchi", "Romano", "García", "Fernández", "González", "Rodríguez", "López", "Martínez",
	"Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "de Vries", "van Dijk", "Jansen",
	"Bakker", "Visser", "Smit", "de Jong", "O'Brien", "Murphy", "Kelly", "Walsh", NULL};

/*
 * Family names are composed: an optional first part (PRE, "" most often)
 * before a root and a suffix, so that each language has a few thousand of
 * them and, with the patronymics, fathers' names and second given names
 * below, most full names are rare (bench.c draws each part with a
 * Zipf-like skew: a few are common, most are not).
 */
static const char *const SR_PRE[] = {
	"", "rad", "mil", "drag", "vel", "dobr", "bog", "stan", "vuk", "bran", "zlat", "slav",
	"Lub", "mir", "bor", "vlad", "cvet", "grad", "nov", "star", "bel", "crn", "sed", "kraj",
	"gor", NULL};
static const char *const RU_PRE[] = {
	"", "bel", "Cern", "zolot", "krasn", "nov", "star", "dobr", "gor", "sel", "les", "rud",
	"bog", "vel", "mal", "sin", "rIb", "kamen", "tolst", "mel", "lis", "glad", "pros", "kuz",
	"dor", NULL};
static const char *const UK_PRE[] = {
	"", "bil", "Corn", "zolot", "krasn", "nov", "star", "dobr", "hor", "sel", "lis", "rud",
	"boh", "vel", "mal", "syn", "ryb", "kamin", "tovst", "mel", "zel", "hryn", "kuz", "dor",
	"kal", NULL};
static const char *const EL_PRE[] = {
	"", "papa", "kara", "Hatzi", "kosta", "mavro", "Teo", "kalo", "makri", "psaro", "asimako",
	"trianta", "skordo", "vlasto", "gerasi", "livano", "margari", "dragoU", "sotiro", "pano",
	"Hrysto", NULL};
/* Arabic: a second family element (a nisba or a clan) for some. */
static const char *const AR_SECOND[] = {
	"", "t1krYtY", "b1GdadY", "m1wS3lY", "b1crY", "H1lbY", "d1m1SqY", "m1crY", "y1m1nY",
	"S1mrY", "A1n1zY", "t1mYmY", "q1rS3Y", "H1S3mY", "z2b1ydY", "d2l1ymY", "j2bWrY",
	"S2m=arY", "A2t1ybY", "H1rbY", "s1l1mY", "m2t1yrY", "k1ldanY", "n1j1fY", "r1mad3Y", NULL};
static const char *const EU_SECOND[] = {
	"", "Maria", "Anna", "Johan", "Karl", "Peter", "Marie", "Elisabeth", "Andreas", "Luis",
	"Antonio", "Paul", "Louise", "Michael", "Josef", "Alexander", "Christina", "Emil", "Nils",
	"Olof", NULL};

/* Latin European family names composed as many are (Lind|qvist, Stein|mann). */
static const char *const EU_PRE[] = {
	"Berg", "Lind", "Holm", "Sand", "Nord", "Sjö", "Öst", "Alm", "Björk", "Dahl", "Fors",
	"Hag", "Lund", "Strand", "Wall", "Åker", "Eng", "Ny", "Rosen", "Stein", "Hoff", "Bau",
	"Kirch", "Brand", "Wein", "Schwarz", "Gold", "Lichten", "Mar", "Bel", "Mont", "Ville",
	"Castel", "Rocca", "Fonte", "Della", "Novak", "Kowal", "Lewan", "Zieli", NULL};
static const char *const EU_SUF[] = {
	"ström", "berg", "qvist", "gren", "lund", "man", "sson", "mann", "er", "feld", "hof",
	"stein", "bach", "dorf", "huber", "ier", "ot", "eau", "et", "ini", "ucci", "elli", "ez",
	"ski", "czyk", "owski", "ek", "ink", "ers", "sen", NULL};

#endif
