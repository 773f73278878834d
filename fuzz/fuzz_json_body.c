/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz: JSON request bodies, from the server's parser (cu_json_parse_object,
 * what every route with a body calls) through the checks of the bodies that
 * carry the most outside data: a new case, evidence metadata and an entity.
 * The first byte picks the body. The core runs on a throwaway SQLite data
 * directory; the actors are chosen so that a body that passes its checks is
 * still refused before anything is written, and the store stays as it was.
 */
#include <ftw.h>
#include <unistd.h>

#include "core/core.h"
#include "crypto/crypto.h"
#include "fuzz.h"

static cu_core *core;
static cu_actor admin, analyst;
static char dir[64];

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(p);
}

static void cleanup(void)
{
	cu_core_close(core);
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void init(void)
{
	char data[96];
	const char *tmp = getenv("TMPDIR");
	/* Bodies are checked the same on either engine: SQLite, whatever the
	 * environment says, so that the target needs no server. */
	unsetenv("CUSTODIA_DB");
	snprintf(dir, sizeof(dir), "%.40s/cu-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		abort();
	snprintf(data, sizeof(data), "%s/data", dir);
	cu_core_config cfg = {.datadir = data};
	if (cu_crypto_init() != 0 || cu_core_init(data, "admin", "fuzz-admin-pw") != 0 ||
	    cu_core_open(&core, &cfg) != 0 || cu_actor_load(core, &admin, "admin") != 0) {
		fprintf(stderr, "fuzz_json_body: cannot set up a core: %s\n", cu_error_message(-1));
		abort();
	}
	atexit(cleanup);
	/* The administrator as an analyst: one who may not open a case. */
	analyst = admin;
	snprintf(analyst.role, sizeof(analyst.role), "analyst");
	analyst.operator_admin = false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *body = NULL, *out = NULL;
	cu_ingest *in = NULL;
	int r;
	if (!core)
		init();
	if (size < 1 || cu_json_parse_object(&body, (const char *)data + 1, size - 1) != 0)
		return 0;
	FUZZ_ASSERT(json_is_object(body));
	switch (data[0] % 3) {
	case 0:
		r = cu_case_create(core, &analyst, &out, body);
		FUZZ_ASSERT(r == CU_EINVALID || r == CU_EDENIED || r == CU_ENOTFOUND);
		break;
	case 1:
		/* No case 0: valid metadata ends at the access check. */
		r = cu_evidence_begin(core, &admin, &in, 0, body, 0);
		FUZZ_ASSERT(r != 0 && in == NULL);
		break;
	default:
		r = cu_entity_check(body);
		FUZZ_ASSERT(r == 0 || r == CU_EINVALID);
		break;
	}
	FUZZ_ASSERT(out == NULL);
	json_decref(body);
	return 0;
}
