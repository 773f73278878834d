/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz: entity imports, CSV and FollowTheMoney JSON lines, read and checked
 * row by row exactly as `custodia entity import` and its API route do
 * (cu_entity_import_check: the same parsing, nothing written). The first
 * byte picks the format.
 */
#include "core/core.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *out = NULL;
	if (size < 1)
		return 0;
	const char *format = data[0] % 2 ? "ftm" : "csv";
	int r = cu_entity_import_check(&out, format, (const char *)data + 1, size - 1);
	if (r == 0) {
		json_int_t valid = json_integer_value(json_object_get(out, "valid"));
		json_int_t invalid = json_integer_value(json_object_get(out, "invalid"));
		FUZZ_ASSERT(valid >= 0 && invalid >= 0);
		FUZZ_ASSERT((size_t)invalid == json_array_size(json_object_get(out, "errors")));
	} else {
		FUZZ_ASSERT(out == NULL);
	}
	json_decref(out);
	return 0;
}
