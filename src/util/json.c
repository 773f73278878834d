/* SPDX-License-Identifier: Apache-2.0 */
/* util: checking JSON request objects against field lists. */
#include <string.h>

#include "util/util.h"

static const char *type_name(cu_jtype t)
{
	switch (t) {
	case CU_JSTR: return "a string";
	case CU_JINT: return "an integer";
	case CU_JBOOL: return "a boolean";
	case CU_JARRAY: return "an array";
	case CU_JOBJECT: return "an object";
	case CU_JDATE: return "a date (YYYY-MM-DD)";
	case CU_JNUM: return "a number";
	}
	return "?";
}

int cu_json_check(const json_t *obj, const cu_jfield *fields, size_t n)
{
	const char *key;
	json_t *v;
	int r;

	if (!json_is_object(obj))
		return cu_error_set(CU_EINVALID, "the request body must be a JSON object");
	json_object_foreach((json_t *)obj, key, v) {
		size_t i;
		for (i = 0; i < n; i++)
			if (strcmp(fields[i].name, key) == 0)
				break;
		if (i == n)
			return cu_error_set(CU_EINVALID, "unknown field \"%.64s\"", key);
		if (json_is_null(v)) {
			if (fields[i].required)
				return cu_error_set(CU_EINVALID, "field \"%s\" is required", key);
			continue;
		}
		bool ok = false;
		switch (fields[i].type) {
		case CU_JSTR:
		case CU_JDATE: ok = json_is_string(v); break;
		case CU_JINT: ok = json_is_integer(v); break;
		case CU_JBOOL: ok = json_is_boolean(v); break;
		case CU_JARRAY: ok = json_is_array(v); break;
		case CU_JOBJECT: ok = json_is_object(v); break;
		case CU_JNUM: ok = json_is_number(v); break;
		}
		if (!ok)
			return cu_error_set(CU_EINVALID, "field \"%s\" must be %s", key,
			                    type_name(fields[i].type));
		if (fields[i].type == CU_JSTR) {
			size_t max = fields[i].max_len ? fields[i].max_len : 1000;
			if ((r = cu_valid_text(key, json_string_value(v), 0, max)) != 0)
				return r;
		} else if (fields[i].type == CU_JDATE) {
			if ((r = cu_valid_date(key, json_string_value(v))) != 0)
				return r;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (!fields[i].required)
			continue;
		v = json_object_get(obj, fields[i].name);
		if (!v || json_is_null(v))
			return cu_error_set(CU_EINVALID, "field \"%s\" is required", fields[i].name);
	}
	return 0;
}

const char *cu_json_str(const json_t *obj, const char *name)
{
	return json_string_value(json_object_get(obj, name));
}

int64_t cu_json_int(const json_t *obj, const char *name, int64_t dflt)
{
	json_t *v = json_object_get(obj, name);
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : dflt;
}

int cu_json_parse_object(json_t **out, const char *data, size_t len)
{
	json_error_t e;
	*out = NULL;
	if (!cu_utf8_valid(data, len))
		return cu_error_set(CU_EINVALID, "the request body is not valid UTF-8");
	json_t *j = json_loadb(data, len, JSON_REJECT_DUPLICATES, &e);
	if (!j)
		return cu_error_set(CU_EINVALID, "malformed JSON at line %d column %d: %s",
		                    e.line, e.column, e.text);
	if (!json_is_object(j)) {
		json_decref(j);
		return cu_error_set(CU_EINVALID, "the request body must be a JSON object");
	}
	*out = j;
	return 0;
}
