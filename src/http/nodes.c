/* SPDX-License-Identifier: Apache-2.0 */
/*
 * http: the nodes of one installation, as far as requests need them.
 *
 * Almost all state is the store's and the blob store's, so any node answers
 * any request. Two things live in one node's memory or disk: an upload in
 * progress (its encryption stream and hash) and an exported bundle waiting
 * for its one download. Their ids begin with the id of the node that holds
 * them (8 hex digits, DATA/node-id, made once per data directory), and each
 * node records in the store's metadata ("node:<id>") the URL other nodes
 * reach it at. A node asked for another node's upload or bundle sends the
 * request there and relays the answer (cu_req_forward), so a load balancer
 * may send any request anywhere.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "http/nodes.h"
#include "store/store.h"
#include "util/curl.h"
#include "util/util.h"

static char node_id[CU_NODE_ID_LEN + 1];

const char *cu_node_id(void)
{
	return node_id;
}

static bool is_node_id(const char *s)
{
	return strlen(s) == CU_NODE_ID_LEN && strspn(s, "0123456789abcdef") == CU_NODE_ID_LEN;
}

static size_t discard(char *data, size_t size, size_t n, void *arg)
{
	(void)data, (void)arg;
	return size * n;
}

/* Whether a custodia node answers at url (its /healthz, within two seconds). */
static bool answers(const char *url)
{
	char u[4200];
	long code = 0;
	if (cu_curl_load() != 0) {
		cu_error_clear();
		return false;
	}
	CURL *cu = curl_easy_init();
	if (!cu)
		return false;
	snprintf(u, sizeof(u), "%s/healthz", url);
	curl_easy_setopt(cu, CURLOPT_URL, u);
	curl_easy_setopt(cu, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(cu, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(cu, CURLOPT_TIMEOUT, 2L);
	curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, discard);
	bool up = curl_easy_perform(cu) == CURLE_OK &&
	          curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK && code == 200;
	curl_easy_cleanup(cu);
	return up;
}

int cu_node_register(cu_core *core, const char *datadir, const char *url)
{
	char path[4200], line[64] = "", key[32];
	int r;
	snprintf(path, sizeof(path), "%s/node-id", datadir);
	if ((r = cu_line_read(path, line, sizeof(line))) != 0)
		return r;
	if (!line[0]) {
		uint8_t rnd[CU_NODE_ID_LEN / 2];
		cu_random(rnd, sizeof(rnd));
		cu_hex(line, rnd, sizeof(rnd));
		if ((r = cu_line_write(path, line)) != 0)
			return r;
	}
	if (!is_node_id(line))
		return cu_error_set(CU_EINVALID, "%s does not hold a node id (%d hex digits)", path,
		                    CU_NODE_ID_LEN);
	memcpy(node_id, line, sizeof(node_id));
	if (!url)
		return 0; /* no address others can reach: nothing is sent here */
	snprintf(key, sizeof(key), "node:%s", node_id);
	cu_store *s = cu_core_store(core);
	/* A data directory copied from a node that had served keeps its node-id:
	 * two live nodes of one id would take each other's uploads for their own. */
	char *old = NULL;
	if (cu_store_meta_get(s, &old, key) == 0 && strcmp(old, url) != 0 && answers(old)) {
		r = cu_error_set(CU_ECONFLICT, "node %s is already serving at %s: this data "
		                 "directory was copied from it; remove %s from the copy", node_id, old,
		                 path);
		free(old);
		return r;
	}
	free(old);
	cu_error_clear();
	if ((r = cu_store_begin(s)) != 0)
		return r;
	if ((r = cu_store_meta_set(s, key, url)) != 0) {
		cu_store_rollback(s);
		return r;
	}
	return cu_store_commit(s);
}

bool cu_node_local(const char *object_id)
{
	return node_id[0] && !strncmp(object_id, node_id, CU_NODE_ID_LEN);
}

int cu_node_url(cu_core *core, char **out, const char *object_id)
{
	char prefix[CU_NODE_ID_LEN + 1], key[32];
	*out = NULL;
	if (strlen(object_id) < CU_NODE_ID_LEN)
		return cu_error_set(CU_ENOTFOUND, "no such object");
	memcpy(prefix, object_id, CU_NODE_ID_LEN);
	prefix[CU_NODE_ID_LEN] = '\0';
	if (!is_node_id(prefix))
		return cu_error_set(CU_ENOTFOUND, "no such object");
	snprintf(key, sizeof(key), "node:%s", prefix);
	int r = cu_store_meta_get(cu_core_store(core), out, key);
	if (r == CU_ENOTFOUND)
		return cu_error_set(CU_ENOTFOUND, "no such object (it belongs to a node this one "
		                    "cannot reach: give every node --advertise)");
	return r;
}
