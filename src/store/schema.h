/* SPDX-License-Identifier: Apache-2.0 */
/* store: migrations (private to the store module). */
#ifndef CU_STORE_SCHEMA_H
#define CU_STORE_SCHEMA_H
/* Each migration is a NULL-terminated list of SQL scripts run in order. */
extern const char *const *const cu_schema_migrations[];
extern const int cu_schema_count;
#endif
