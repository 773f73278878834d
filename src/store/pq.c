/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store: libpq's functions, loaded on first use (pq.h).
 */
#define CU_PQ_TABLE /* the names below are the table's fields, not its calls */
#include "store/pq.h"
#include "util/util.h"

cu_pq_api cu_pq;

#define CU_PQ_NAME(f) #f,
#define CU_PQ_SLOT(f) (void **)&cu_pq.f,
static const char *const names[] = {CU_PQ_FUNCS(CU_PQ_NAME)};
static void **const slots[] = {CU_PQ_FUNCS(CU_PQ_SLOT)};

/* libpq's SONAME has been libpq.so.5 since PostgreSQL 8.0. */
static cu_dl libpq = {"libpq.so.5", "libpq5", names, slots, sizeof(names) / sizeof(names[0]),
                      0, ""};

int cu_pq_load(void)
{
	return cu_dl_load(&libpq);
}
