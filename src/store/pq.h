/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store: libpq, loaded when a PostgreSQL store is first opened (private to
 * store: db_pg.c and copy.c include this instead of <libpq-fe.h>).
 *
 * A deployment on SQLite never loads libpq and the 20-odd libraries it
 * brings (Kerberos, LDAP, GnuTLS...): starting a command costs less. The
 * calls keep their names; each PQxxx below is libpq's function through a
 * pointer that cu_pq_load() fills in. Call cu_pq_load() before the first
 * (pg_open and the URL helpers do).
 */
#ifndef CU_STORE_PQ_H
#define CU_STORE_PQ_H

#include <libpq-fe.h>

/* Every libpq function the store calls: add one here to use it. */
#define CU_PQ_FUNCS(X) X(PQclear) X(PQcmdStatus) X(PQcmdTuples) X(PQconnectdbParams) \
	X(PQconninfoFree) X(PQconninfoParse) X(PQenterPipelineMode) X(PQerrorMessage) X(PQexec) \
	X(PQexecParams) X(PQexecPrepared) X(PQexitPipelineMode) X(PQfinish) X(PQfname) X(PQfreemem) \
	X(PQftype) X(PQgetResult) X(PQgetisnull) X(PQgetlength) X(PQgetvalue) X(PQnfields) \
	X(PQntuples) X(PQpipelineSync) X(PQprepare) X(PQputCopyData) X(PQputCopyEnd) X(PQreset) \
	X(PQresultErrorField) X(PQresultErrorMessage) X(PQresultStatus) X(PQsendQueryParams) \
	X(PQsendQueryPrepared) X(PQsetNoticeProcessor) X(PQstatus) X(PQtransactionStatus) \
	X(PQunescapeBytea)

typedef struct cu_pq_api {
#define CU_PQ_FIELD(f) __typeof__(f) *(f);
	CU_PQ_FUNCS(CU_PQ_FIELD)
#undef CU_PQ_FIELD
} cu_pq_api;

extern cu_pq_api cu_pq;

/* 0, or CU_EIO saying that libpq (libpq5) is missing. */
int cu_pq_load(void);

#ifndef CU_PQ_TABLE
#define PQclear (cu_pq.PQclear)
#define PQcmdStatus (cu_pq.PQcmdStatus)
#define PQcmdTuples (cu_pq.PQcmdTuples)
#define PQconnectdbParams (cu_pq.PQconnectdbParams)
#define PQconninfoFree (cu_pq.PQconninfoFree)
#define PQconninfoParse (cu_pq.PQconninfoParse)
#define PQenterPipelineMode (cu_pq.PQenterPipelineMode)
#define PQerrorMessage (cu_pq.PQerrorMessage)
#define PQexec (cu_pq.PQexec)
#define PQexecParams (cu_pq.PQexecParams)
#define PQexecPrepared (cu_pq.PQexecPrepared)
#define PQexitPipelineMode (cu_pq.PQexitPipelineMode)
#define PQfinish (cu_pq.PQfinish)
#define PQfname (cu_pq.PQfname)
#define PQfreemem (cu_pq.PQfreemem)
#define PQftype (cu_pq.PQftype)
#define PQgetResult (cu_pq.PQgetResult)
#define PQgetisnull (cu_pq.PQgetisnull)
#define PQgetlength (cu_pq.PQgetlength)
#define PQgetvalue (cu_pq.PQgetvalue)
#define PQnfields (cu_pq.PQnfields)
#define PQntuples (cu_pq.PQntuples)
#define PQpipelineSync (cu_pq.PQpipelineSync)
#define PQprepare (cu_pq.PQprepare)
#define PQputCopyData (cu_pq.PQputCopyData)
#define PQputCopyEnd (cu_pq.PQputCopyEnd)
#define PQreset (cu_pq.PQreset)
#define PQresultErrorField (cu_pq.PQresultErrorField)
#define PQresultErrorMessage (cu_pq.PQresultErrorMessage)
#define PQresultStatus (cu_pq.PQresultStatus)
#define PQsendQueryParams (cu_pq.PQsendQueryParams)
#define PQsendQueryPrepared (cu_pq.PQsendQueryPrepared)
#define PQsetNoticeProcessor (cu_pq.PQsetNoticeProcessor)
#define PQstatus (cu_pq.PQstatus)
#define PQtransactionStatus (cu_pq.PQtransactionStatus)
#define PQunescapeBytea (cu_pq.PQunescapeBytea)
#endif

#endif
