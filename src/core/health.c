/* SPDX-License-Identifier: Apache-2.0 */
/*
 * core: operations — the figures and checks monitoring reads (GET /metrics,
 * GET /readyz). Counts and yes/no answers only: nothing here names a case,
 * a person or an organisation.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>

#include "core/internal.h"

/* "2026-11-26T20:05:43.123Z" as Unix seconds; 0 if it is not one (GET /metrics then
 * leaves out the checkpoint's age rather than counting it from 1970). */
static int64_t unix_seconds(const char *ts)
{
	int64_t t;
	if (cu_time_parse(&t, ts) != 0) {
		cu_error_clear();
		return 0;
	}
	return t < 0 ? 0 : t;
}

int cu_ops_status_read(cu_core *c, cu_ops_status *out)
{
	json_t *cp = NULL, *jobs = NULL, *v;
	size_t i;
	int r;
	memset(out, 0, sizeof(*out));
	out->checkpoint_size = -1;
	/* One snapshot for all of them. */
	if ((r = cu_store_read_begin(c->store)) != 0)
		return r;
	if ((r = cu_store_ledger_size(c->store, &out->ledger_size)) != 0)
		goto out;
	r = cu_store_checkpoint_latest(c->store, &cp);
	if (r == CU_ENOTFOUND)
		r = 0;
	else if (r != 0)
		goto out;
	if (cp) {
		out->checkpoint_size = cu_json_int(cp, "size", -1);
		out->checkpoint_time = unix_seconds(cu_json_str(cp, "at"));
	}
	if ((r = cu_store_job_counts(c->store, &jobs)) != 0)
		goto out;
	json_array_foreach(jobs, i, v)
		if (!strcmp(cu_json_str(v, "state") ? cu_json_str(v, "state") : "", "queued"))
			out->jobs_queued = cu_json_int(v, "n", 0);
	r = cu_store_hit_pending(c->store, &out->hits_pending);
out:
	cu_store_read_end(c->store);
	json_decref(cp);
	json_decref(jobs);
	return r;
}

int cu_ops_check_store(cu_core *c)
{
	return cu_store_ping(c->store);
}

int cu_ops_check_blobs(cu_core *c)
{
	/* Blob names are 64 hex digits: this one can never be stored. */
	static const char probe[] = "readiness-probe-not-a-blob-name-zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz";
	int r = cu_blob_exists(c->vault, probe);
	if (r == CU_ENOTFOUND)
		return 0;
	if (r == 0)
		return cu_error_set(CU_EIO, "the blob store claims to hold an impossible name");
	return r;
}

int cu_ops_check_disk(cu_core *c)
{
	struct statvfs fs;
	if (statvfs(c->datadir, &fs) != 0)
		return cu_error_set(CU_EIO, "cannot read the free space of %s: %s", c->datadir,
		                    strerror(errno));
	/* Room for a WAL's worth of writes; an operator may ask for more. */
	const char *v = getenv("CUSTODIA_READY_DISK_MIN_MB");
	char *end = NULL;
	unsigned long long min_mb = v && *v ? strtoull(v, &end, 10) : 64;
	if (v && *v && (*end || min_mb > (1ULL << 40)))
		min_mb = 64;
	uint64_t free = (uint64_t)fs.f_bavail * fs.f_frsize;
	if (free < (uint64_t)min_mb << 20)
		return cu_error_set(CU_ENOSPACE, "%llu MiB free on the data directory's file system "
		                    "(%llu MiB needed)", (unsigned long long)(free >> 20), min_mb);
	return 0;
}

int cu_ops_sequencer_held(cu_core *c, bool *held)
{
	return cu_store_sequencer_held(c->store, held);
}
