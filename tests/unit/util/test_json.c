/* SPDX-License-Identifier: Apache-2.0 */
/* util tests: the JSON input helpers cu_json_check, cu_json_str/int, cu_json_parse_object. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/util.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A field list with every type, one required string with a small limit. */
static const cu_jfield fields[] = {
	{"name", CU_JSTR, true, 10},
	{"note", CU_JSTR, false, 0}, /* default limit: 1000 bytes */
	{"count", CU_JINT, false, 0},
	{"flag", CU_JBOOL, false, 0},
	{"tags", CU_JARRAY, false, 0},
	{"meta", CU_JOBJECT, false, 0},
	{"day", CU_JDATE, false, 0},
};

static const struct check_row {
	const char *what;
	const char *json;
	int rc;
	const char *msg; /* substrings the message must hold, '|' separated */
} check_rows[] = {
	{"minimal", "{\"name\":\"x\"}", 0, NULL},
	{"every field",
	 "{\"name\":\"0123456789\",\"note\":\"n\",\"count\":-3,\"flag\":false,"
	 "\"tags\":[1,\"a\"],\"meta\":{\"k\":null},\"day\":\"2024-02-29\"}",
	 0, NULL},
	{"optional fields null", "{\"name\":\"x\",\"note\":null,\"count\":null,\"flag\":null,"
	                         "\"tags\":null,\"meta\":null,\"day\":null}", 0, NULL},
	{"empty string is a string", "{\"name\":\"\"}", 0, NULL},
	{"unknown field", "{\"name\":\"x\",\"colour\":\"red\"}", CU_EINVALID,
	 "unknown field|\"colour\""},
	{"unknown field only", "{\"Name\":\"x\"}", CU_EINVALID, "unknown field|\"Name\""},
	{"required absent", "{}", CU_EINVALID, "\"name\"|required"},
	{"required absent, others present", "{\"count\":1}", CU_EINVALID, "\"name\"|required"},
	{"required null", "{\"name\":null}", CU_EINVALID, "\"name\"|required"},
	{"string given a number", "{\"name\":1}", CU_EINVALID, "\"name\"|a string"},
	{"string given an array", "{\"name\":[\"x\"]}", CU_EINVALID, "\"name\"|a string"},
	{"integer given a string", "{\"name\":\"x\",\"count\":\"1\"}", CU_EINVALID,
	 "\"count\"|an integer"},
	{"integer given a real", "{\"name\":\"x\",\"count\":1.5}", CU_EINVALID,
	 "\"count\"|an integer"},
	{"integer given a boolean", "{\"name\":\"x\",\"count\":true}", CU_EINVALID,
	 "\"count\"|an integer"},
	{"boolean given a string", "{\"name\":\"x\",\"flag\":\"true\"}", CU_EINVALID,
	 "\"flag\"|a boolean"},
	{"boolean given 1", "{\"name\":\"x\",\"flag\":1}", CU_EINVALID, "\"flag\"|a boolean"},
	{"array given an object", "{\"name\":\"x\",\"tags\":{}}", CU_EINVALID,
	 "\"tags\"|an array"},
	{"object given an array", "{\"name\":\"x\",\"meta\":[]}", CU_EINVALID,
	 "\"meta\"|an object"},
	{"date given a number", "{\"name\":\"x\",\"day\":20260101}", CU_EINVALID,
	 "\"day\"|a date"},
	{"date not a real day", "{\"name\":\"x\",\"day\":\"2026-02-30\"}", CU_EINVALID,
	 "\"day\"|YYYY-MM-DD"},
	{"date wrong shape", "{\"name\":\"x\",\"day\":\"26-2-3\"}", CU_EINVALID, "\"day\""},
	{"string over its limit", "{\"name\":\"0123456789A\"}", CU_EINVALID,
	 "\"name\"|longer than 10"},
	{"string with a control character", "{\"name\":\"a\\u0007\"}", CU_EINVALID,
	 "\"name\"|control character"},
	{"string with a newline", "{\"name\":\"a\\nb\"}", 0, NULL},
};

static bool has_all(const char *msg, const char *want)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", want);
	for (char *p = buf, *bar; p; p = bar) {
		if ((bar = strchr(p, '|')))
			*bar++ = '\0';
		if (!strstr(msg, p))
			return false;
	}
	return true;
}

static void test_util_json__check_table(void **state)
{
	(void)state;
	int bad = 0;
	for (size_t i = 0; i < N(check_rows); i++) {
		const struct check_row *r = &check_rows[i];
		json_error_t e;
		json_t *o = json_loads(r->json, 0, &e);
		if (!o)
			fail_msg("row %zu (%s): test JSON does not parse: %s", i, r->what, e.text);
		cu_error_clear();
		int rc = cu_json_check(o, fields, N(fields));
		const char *m = cu_error_message(rc);
		if (rc != r->rc) {
			print_error("row %zu (%s): rc %d, want %d (%s)\n", i, r->what, rc, r->rc,
			            m);
			bad++;
		} else if (r->msg && !has_all(m, r->msg)) {
			print_error("row %zu (%s): message \"%s\" lacks \"%s\"\n", i, r->what, m,
			            r->msg);
			bad++;
		}
		json_decref(o);
	}
	assert_int_equal(bad, 0);
}

static void test_util_json__check_default_string_limit(void **state)
{
	(void)state;
	char note[1002];
	memset(note, 'n', sizeof(note) - 1);
	note[1001] = '\0';
	json_t *o = json_pack("{s:s,s:s#}", "name", "x", "note", note, (int)1000);
	assert_int_equal(cu_json_check(o, fields, N(fields)), 0);
	json_object_set_new(o, "note", json_string(note));
	assert_int_equal(cu_json_check(o, fields, N(fields)), CU_EINVALID);
	assert_non_null(strstr(cu_error_message(CU_EINVALID), "longer than 1000"));
	json_decref(o);
}

static void test_util_json__check_needs_an_object(void **state)
{
	(void)state;
	json_t *vals[] = {json_array(), json_string("{}"), json_null(), json_integer(1)};
	for (size_t i = 0; i < N(vals); i++) {
		assert_int_equal(cu_json_check(vals[i], fields, N(fields)), CU_EINVALID);
		assert_non_null(strstr(cu_error_message(CU_EINVALID), "JSON object"));
		json_decref(vals[i]);
	}
	assert_int_equal(cu_json_check(NULL, fields, N(fields)), CU_EINVALID);
	/* An empty field list refuses every field and accepts {}. */
	json_t *o = json_object();
	assert_int_equal(cu_json_check(o, NULL, 0), 0);
	json_object_set_new(o, "x", json_true());
	assert_int_equal(cu_json_check(o, NULL, 0), CU_EINVALID);
	json_decref(o);
}

static void test_util_json__str_and_int(void **state)
{
	(void)state;
	json_t *o = json_loads("{\"s\":\"v\",\"i\":42,\"r\":1.5,\"n\":null,\"b\":true}", 0, NULL);
	assert_non_null(o);
	assert_string_equal(cu_json_str(o, "s"), "v");
	assert_null(cu_json_str(o, "i"));
	assert_null(cu_json_str(o, "n"));
	assert_null(cu_json_str(o, "absent"));
	assert_null(cu_json_str(NULL, "s"));
	assert_int_equal(cu_json_int(o, "i", -1), 42);
	assert_int_equal(cu_json_int(o, "r", -1), -1);
	assert_int_equal(cu_json_int(o, "s", -1), -1);
	assert_int_equal(cu_json_int(o, "b", -1), -1);
	assert_int_equal(cu_json_int(o, "absent", 7), 7);
	json_decref(o);
}

#define BYTES(s) s, sizeof(s) - 1

static const struct parse_row {
	const char *what;
	const char *data;
	size_t len;
	int rc;
	const char *msg;
} parse_rows[] = {
	{"object", BYTES("{\"a\":1}"), 0, NULL},
	{"empty object with spaces", BYTES(" \n{ }\n "), 0, NULL},
	{"nested, UTF-8 text",
	 BYTES("{\"t\":\"\xc5\x81\xc3\xb3\x64\xc5\xba\",\"o\":{\"a\":[1]}}"), 0, NULL},
	{"escaped surrogate pair", BYTES("{\"t\":\"\\ud834\\udd1e\"}"), 0, NULL},
	{"invalid UTF-8 in a string", BYTES("{\"a\":\"\xff\"}"), CU_EINVALID, "UTF-8"},
	{"overlong UTF-8", BYTES("{\"a\":\"\xc0\xaf\"}"), CU_EINVALID, "UTF-8"},
	{"raw surrogate", BYTES("{\"a\":\"\xed\xa0\x80\"}"), CU_EINVALID, "UTF-8"},
	{"truncated UTF-8 at end", BYTES("{\"a\":\"\xe2\x82"), CU_EINVALID, "UTF-8"},
	{"lone escaped surrogate", BYTES("{\"a\":\"\\ud800\"}"), CU_EINVALID, NULL},
	{"escaped NUL", BYTES("{\"a\":\"x\\u0000y\"}"), CU_EINVALID, NULL},
	{"duplicate keys", BYTES("{\"a\":1,\"a\":2}"), CU_EINVALID, "a"},
	{"duplicate keys, nested", BYTES("{\"o\":{\"k\":1,\"k\":1}}"), CU_EINVALID, NULL},
	{"array", BYTES("[1,2]"), CU_EINVALID, NULL},
	{"string", BYTES("\"{}\""), CU_EINVALID, NULL},
	{"number", BYTES("42"), CU_EINVALID, NULL},
	{"null", BYTES("null"), CU_EINVALID, NULL},
	{"empty", BYTES(""), CU_EINVALID, NULL},
	{"unterminated", BYTES("{\"a\":1"), CU_EINVALID, "malformed"},
	{"trailing garbage", BYTES("{} x"), CU_EINVALID, "malformed"},
	{"two objects", BYTES("{}{}"), CU_EINVALID, "malformed"},
	{"trailing comma", BYTES("{\"a\":1,}"), CU_EINVALID, "malformed"},
	{"single quotes", BYTES("{'a':1}"), CU_EINVALID, "malformed"},
	{"NUL byte after the object", BYTES("{}\0"), CU_EINVALID, NULL},
};

static void test_util_json__parse_object_table(void **state)
{
	(void)state;
	int bad = 0;
	for (size_t i = 0; i < N(parse_rows); i++) {
		const struct parse_row *r = &parse_rows[i];
		json_t *o = json_true(); /* must be overwritten */
		cu_error_clear();
		int rc = cu_json_parse_object(&o, r->data, r->len);
		const char *m = cu_error_message(rc);
		if (rc != r->rc) {
			print_error("row %zu (%s): rc %d, want %d (%s)\n", i, r->what, rc, r->rc,
			            m);
			bad++;
		} else if (r->msg && !strstr(m, r->msg)) {
			print_error("row %zu (%s): message \"%s\" lacks \"%s\"\n", i, r->what, m,
			            r->msg);
			bad++;
		} else if (rc == 0 && !json_is_object(o)) {
			print_error("row %zu (%s): no object returned\n", i, r->what);
			bad++;
		} else if (rc != 0 && o != NULL) {
			print_error("row %zu (%s): *out not NULL on failure\n", i, r->what);
			bad++;
		}
		if (rc == 0)
			json_decref(o);
	}
	assert_int_equal(bad, 0);
}

/* The length is honoured: bytes after it are not parsed. */
static void test_util_json__parse_object_uses_length(void **state)
{
	(void)state;
	json_t *o = NULL;
	const char data[] = "{\"a\":1}garbage";
	assert_int_equal(cu_json_parse_object(&o, data, 7), 0);
	assert_int_equal(cu_json_int(o, "a", 0), 1);
	json_decref(o);
	assert_int_equal(cu_json_parse_object(&o, data, 6), CU_EINVALID);
	assert_null(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_util_json__check_table),
		cmocka_unit_test(test_util_json__check_default_string_limit),
		cmocka_unit_test(test_util_json__check_needs_an_object),
		cmocka_unit_test(test_util_json__str_and_int),
		cmocka_unit_test(test_util_json__parse_object_table),
		cmocka_unit_test(test_util_json__parse_object_uses_length),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
