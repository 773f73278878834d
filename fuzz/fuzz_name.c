/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz: the name normaliser (cu_name_normalise), phonetic keys and name
 * similarity (src/match/norm.c), fed every name an entity, an import or a
 * search brings in. The first byte picks the class; a tab splits two names
 * to compare.
 */
#include "fuzz.h"
#include "match/match.h"

/* The documented form: lowercase ASCII tokens separated by single spaces. */
static void check_form(const char *s, int n)
{
	FUZZ_ASSERT(n >= 1 && (size_t)n == strlen(s));
	FUZZ_ASSERT(s[0] != ' ' && s[n - 1] != ' ');
	for (int i = 0; i < n; i++) {
		char c = s[i];
		FUZZ_ASSERT((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ' ');
		FUZZ_ASSERT(!(c == ' ' && s[i + 1] == ' '));
	}
}

static void phonetic(const char *norm)
{
	char key[256];
	for (const char *p = norm; *p;) {
		size_t n = strcspn(p, " ");
		int k = cu_name_phonetic(key, sizeof(key), p, n);
		FUZZ_ASSERT(k < 0 || (size_t)k == strlen(key));
		p += n;
		p += *p == ' ';
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char a[4 * CU_NAME_MAX], b[4 * CU_NAME_MAX], explain[256];
	if (size < 1)
		return 0;
	int cls = data[0] % 3;
	const char *in = (const char *)data + 1;
	size_t n = size - 1;
	const char *tab = memchr(in, '\t', n);
	size_t na = tab ? (size_t)(tab - in) : n;
	int ra = cu_name_normalise(a, sizeof(a), in, na, cls);
	if (ra >= 0) {
		check_form(a, ra);
		phonetic(a);
		/* a person's record: its names (the pinyin reading of a Wade-Giles
		 * name among them) each in the documented form */
		char *z = strndup(in, na);
		cu_mrec r;
		cu_mrec_init(&r, CU_MK_PERSON);
		if (z && cu_mrec_add_name(&r, z) == 0)
			for (int i = 0; i < r.nnames; i++)
				check_form(cu_mrec_name(&r, i), (int)strlen(cu_mrec_name(&r, i)));
		cu_mrec_free(&r);
		free(z);
	}
	if (!tab)
		return 0;
	int rb = cu_name_normalise(b, sizeof(b), tab + 1, n - na - 1, cls);
	if (rb >= 0) {
		check_form(b, rb);
		if (ra >= 0) {
			double s = cu_name_similarity(a, b, cls, explain, sizeof(explain));
			FUZZ_ASSERT(s >= 0.0 && s <= 1.0);
			/* Nothing is more like a name than itself. (Not 1: a lone
			 * initial is weak evidence even against itself, by design.) */
			FUZZ_ASSERT(cu_name_similarity(a, a, cls, NULL, 0) >= s);
		}
	}
	return 0;
}
