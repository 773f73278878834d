/* SPDX-License-Identifier: Apache-2.0 */
/* store: migrations (private to the store module). */
#ifndef CU_STORE_SCHEMA_H
#define CU_STORE_SCHEMA_H
/* Each migration is a NULL-terminated list of SQL scripts run in order. */
extern const char *const *const cu_schema_migrations[];
extern const int cu_schema_count;
/* PostgreSQL starts at the schema of version cu_schema_pg_first + 1, made by
 * its first migration; the later ones are expressed for both engines. */
extern const char *const *const cu_schema_pg_migrations[];
extern const int cu_schema_pg_first;
#endif
