/* SPDX-License-Identifier: Apache-2.0 */
/* http (internal): which node holds an upload or a bundle, and where it is (nodes.c). */
#ifndef CU_HTTP_NODES_H
#define CU_HTTP_NODES_H

#include <stdbool.h>

#include "core/core.h"
#include "http/route.h"

#define CU_NODE_ID_LEN 8

/*
 * This node's id, read from DATA/node-id (made if absent), and, if url is
 * not NULL, the URL other nodes reach it at recorded in the store. Called
 * once at start, before any request.
 */
int cu_node_register(cu_core *core, const char *datadir, const char *url);
/* This node's id ("" before cu_node_register). */
const char *cu_node_id(void);
/* Whether an upload's or a bundle's id was made by this node. */
bool cu_node_local(const char *object_id);
/* The URL of the node that made object_id (caller frees); CU_ENOTFOUND if unknown. */
int cu_node_url(cu_core *core, char **out, const char *object_id);

/*
 * Sends this request, as it came, to the node at base and answers with what
 * that node answered: the status and the JSON text into rq->status and
 * rq->raw_out, or, if fd >= 0, the body into fd (a download; *status set).
 * The credentials travel with it (Authorization, the web application's cookie
 * and CSRF header): the other node authenticates the request itself. A
 * request that was forwarded once is not forwarded again (CU_ENOTFOUND).
 * CU_EUNAVAILABLE if that node does not answer.
 */
int cu_req_forward(cu_req *rq, const char *base, int fd, long *status);

#endif
