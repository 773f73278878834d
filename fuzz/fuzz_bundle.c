/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz: the offline bundle verifier (cu_bundle_verify, `custodia bundle
 * verify`): the tar, its CASE/UCO manifest, bundle.json, the ledger entries,
 * keys, checkpoint and inclusion proofs. A first byte 0 takes the rest as
 * the tar itself; otherwise the rest is the bundle's files, each its name on
 * one line and then its content, separated by lines "--8<--", written into a
 * tar here, so that mutations reach the verifier's logic rather than die on
 * tar checksums.
 */
#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "fuzz.h"
#include "verify/verify.h"

/* At most this many files from one input. */
#define MEMBERS_MAX 16
#define SEP "\n--8<--\n"

static char path[64];

static void cleanup(void)
{
	unlink(path);
}

static void init(void)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(path, sizeof(path), "%.40s/cu-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0 || cu_crypto_init() != 0)
		abort();
	close(fd);
	atexit(cleanup);
}

static void write_raw(const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
		abort();
}

static void write_tar(const uint8_t *data, size_t size)
{
	struct archive *ar = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	const char *p = (const char *)data, *end = p + size;
	if (!ar || !e || archive_write_set_format_pax_restricted(ar) != ARCHIVE_OK ||
	    archive_write_open_filename(ar, path) != ARCHIVE_OK)
		abort();
	for (int i = 0; i < MEMBERS_MAX && p <= end; i++) {
		const char *s = memmem(p, (size_t)(end - p), SEP, sizeof(SEP) - 1);
		const char *stop = s ? s : end;
		const char *nl = memchr(p, '\n', (size_t)(stop - p));
		const char *body = nl ? nl + 1 : stop;
		char *name = fuzz_str((const uint8_t *)p, (size_t)((nl ? nl : stop) - p));
		size_t n = (size_t)(stop - body);
		archive_entry_clear(e);
		archive_entry_set_pathname(e, name);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)n);
		/* libarchive refuses some names (empty ones): that member is left out. */
		if (name[0] && archive_write_header(ar, e) == ARCHIVE_OK && n &&
		    archive_write_data(ar, body, n) != (la_ssize_t)n)
			abort();
		free(name);
		if (!s)
			break;
		p = s + sizeof(SEP) - 1;
	}
	if (archive_write_close(ar) != ARCHIVE_OK)
		abort();
	archive_entry_free(e);
	archive_write_free(ar);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *out = NULL;
	if (!path[0])
		init();
	if (size < 1)
		return 0;
	if (data[0] == 0)
		write_raw(data + 1, size - 1);
	else
		write_tar(data + 1, size - 1);
	int r = cu_bundle_verify(&out, path, NULL);
	if (r == 0)
		FUZZ_ASSERT(json_is_object(out) && json_is_boolean(json_object_get(out, "ok")));
	else
		FUZZ_ASSERT(out == NULL);
	json_decref(out);
	return 0;
}
