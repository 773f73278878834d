// SPDX-License-Identifier: Apache-2.0
// extract: the C++ shim over CLD2 (the module's only C++): the language of
// a UTF-8 text, as a code of at most seven characters.
#include <cstddef>
#include <cstdio>
#include <cstring>

#include <cld2/public/compact_lang_det.h>

extern "C" {
void cu_extract_cld2(char out[8], const char *text, size_t len);
const char *cu_extract_cld2_version(void);
}

void cu_extract_cld2(char out[8], const char *text, size_t len)
{
	out[0] = '\0';
	if (len > 0x7fffffff)
		len = 0x7fffffff;
	CLD2::Language lang3[3];
	int percent3[3], text_bytes = 0;
	bool reliable = false;
	// CLD2 reads past invalid UTF-8 badly; the text comes from x_emit, which
	// only produces valid UTF-8, and CheckUTF8 guards the rest.
	double score3[3];
	int valid_prefix = 0;
	CLD2::Language lang = CLD2::ExtDetectLanguageSummaryCheckUTF8(
	    text, static_cast<int>(len), true, nullptr, 0, lang3, percent3, score3, nullptr,
	    &text_bytes, &reliable, &valid_prefix);
	if (lang == CLD2::UNKNOWN_LANGUAGE || lang == CLD2::TG_UNKNOWN_LANGUAGE || !reliable)
		return;
	const char *code = CLD2::LanguageCode(lang);
	if (!code || std::strlen(code) > 7)
		return;
	std::snprintf(out, 8, "%s", code);
}

const char *cu_extract_cld2_version(void)
{
	return CLD2::DetectLanguageVersion();
}
