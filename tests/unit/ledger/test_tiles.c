/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tests: C2SP tlog-tiles paths — the spec's example, and the N and width
 * encodings of golang.org/x/mod's tile path vectors
 * (../shared/testdata/signed-note/checkpoint-format-vectors.json; x/mod writes
 * the tile height into its paths, which C2SP fixes at 8: it is left out).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/tiles.h"
#include "util/util.h"

static void test_tiles__spec_example_and_round_trips(void **state)
{
	(void)state;
	cu_tile t = {0, 1234067, 256}, back;
	char path[96];
	cu_tile_format(path, &t);
	assert_string_equal(path, "0/x001/x234/067");
	static const struct {
		const char *path;
		int level;
		long long n;
		int width;
	} ok[] = {
		{"0/000", 0, 0, 256}, {"0/000.p/1", 0, 0, 1}, {"3/x001/000", 3, 1000, 256},
		{"entries/x123/x456/078.p/255", -1, 123456078, 255}, {"63/999", 63, 999, 256},
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(cu_tile_parse(&back, ok[i].path), 0);
		assert_int_equal(back.level, ok[i].level);
		assert_int_equal(back.n, ok[i].n);
		assert_int_equal(back.width, ok[i].width);
		cu_tile_format(path, &back);
		assert_string_equal(path, ok[i].path);
	}
	static const char *const bad[] = {
		"", "0", "0/", "0/1", "0/01", "0/0001", "0/x000", "0/123/456", "0/x1/000", "-1/000",
		"64/000", "01/000", "data/000", "0/000.p/0", "0/000.p/256", "0/000.p/01",
		"0/000.p/", "0/000.q/5", "0/000/", "entries/000.p/300", "0/x999/x999/x999/x999/x999/"
		"x999/x999/999",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (cu_tile_parse(&back, bad[i]) == 0)
			fail_msg("accepted tile path \"%s\"", bad[i]);
}

/* Found by fuzz/fuzz_tile.c: leading zero groups made aliases of a tile's path. */
static void test_tiles__one_path_per_tile(void **state)
{
	(void)state;
	static const char *const alias[] = {
		"0/x000/001", "1/x000/x000/000", "entries/x000/x001/000", "2/x000/x001/067.p/5",
	};
	cu_tile t;
	for (size_t i = 0; i < sizeof(alias) / sizeof(alias[0]); i++)
		if (cu_tile_parse(&t, alias[i]) == 0)
			fail_msg("accepted the alias \"%s\"", alias[i]);
	/* Zero groups after the first are digits like any other. */
	assert_int_equal(cu_tile_parse(&t, "0/x001/x000/000"), 0);
	assert_int_equal(t.n, 1000000);
}

static void test_tiles__xmod_vectors(void **state)
{
	(void)state;
	char file[4096];
	const char *shared = getenv("CU_SHARED");
	snprintf(file, sizeof(file), "%s/testdata/signed-note/checkpoint-format-vectors.json",
	         shared ? shared : "../shared");
	json_t *v = json_load_file(file, 0, NULL), *c;
	assert_non_null(v);
	size_t i;
	int checked = 0;
	json_array_foreach(json_object_get(json_object_get(v, "xmod_tlog_tile_paths"), "cases"), i,
	                   c) {
		/* "tile/H/L/N[.p/W]" -> "L/N[.p/W]" (data -> entries). */
		const char *p = cu_json_str(c, "path");
		const char *rest = strchr(p + 5, '/') + 1;
		char ours[128];
		if (!strncmp(rest, "data/", 5))
			snprintf(ours, sizeof(ours), "entries/%s", rest + 5);
		else
			snprintf(ours, sizeof(ours), "%s", rest);
		cu_tile t;
		int r = cu_tile_parse(&t, ours);
		if (json_is_true(json_object_get(c, "invalid"))) {
			assert_int_not_equal(r, 0);
		} else {
			json_t *tile = json_object_get(c, "tile");
			assert_int_equal(r, 0);
			assert_int_equal(t.level, json_integer_value(json_object_get(tile, "L")));
			assert_int_equal(t.n, json_integer_value(json_object_get(tile, "N")));
			/* Widths below the tile's full width are partial tiles. */
			if (strstr(ours, ".p/"))
				assert_int_equal(t.width, json_integer_value(json_object_get(tile, "W")));
		}
		checked++;
	}
	assert_int_equal(checked, 8);
	json_decref(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tiles__spec_example_and_round_trips),
		cmocka_unit_test(test_tiles__xmod_vectors),
		cmocka_unit_test(test_tiles__one_path_per_tile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
