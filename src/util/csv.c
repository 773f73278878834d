/* SPDX-License-Identifier: Apache-2.0 */
/* util: CSV rows (RFC 4180) through libcsv. */
#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

#define CSV_MAX_FIELDS 64

typedef struct rows {
	cu_csv_row_fn fn;
	void *ctx;
	char *fields[CSV_MAX_FIELDS];
	size_t nf;
	long row;
	int r;
	bool too_many;
} rows;

static void on_field(void *s, size_t len, void *data)
{
	rows *x = data;
	if (x->r)
		return;
	if (x->nf == CSV_MAX_FIELDS) {
		x->too_many = true;
		return;
	}
	char *f = malloc(len + 1);
	if (!f) {
		x->r = CU_ENOMEM;
		return;
	}
	if (len)
		memcpy(f, s, len);
	f[len] = '\0';
	x->fields[x->nf++] = f;
}

static void on_row(int c, void *data)
{
	rows *x = data;
	(void)c;
	x->row++;
	if (x->r == 0 && x->too_many)
		x->r = cu_error_set(CU_EINVALID, "row %ld has more than %d fields", x->row,
		                    CSV_MAX_FIELDS);
	if (x->r == 0)
		x->r = x->fn(x->ctx, x->row, (const char *const *)x->fields, x->nf);
	for (size_t i = 0; i < x->nf; i++)
		free(x->fields[i]);
	x->nf = 0;
	x->too_many = false;
}

int cu_csv_rows(const char *data, size_t len, cu_csv_row_fn fn, void *ctx)
{
	struct csv_parser p;
	rows x = {.fn = fn, .ctx = ctx};
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		return CU_ENOMEM;
	/* A UTF-8 byte order mark is not part of the first field. */
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
		data += 3, len -= 3;
	if (csv_parse(&p, data, len, on_field, on_row, &x) != len && x.r == 0)
		x.r = cu_error_set(CU_EINVALID, "CSV row %ld: %s", x.row + 1,
		                   csv_strerror(csv_error(&p)));
	if (x.r == 0 && csv_fini(&p, on_field, on_row, &x) != 0 && x.r == 0)
		x.r = cu_error_set(CU_EINVALID, "CSV row %ld: %s", x.row + 1,
		                   csv_strerror(csv_error(&p)));
	for (size_t i = 0; i < x.nf; i++)
		free(x.fields[i]);
	csv_free(&p);
	return x.r;
}
