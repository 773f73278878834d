/* SPDX-License-Identifier: Apache-2.0 */
/* tests: temporary data directories and small helpers shared by unit tests. */
#ifndef CU_TESTUTIL_H
#define CU_TESTUTIL_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(p);
}

/* A fresh directory under /tmp; the caller removes it with tu_rmdir. */
static inline char *tu_tmpdir(void)
{
	char *d = strdup("/tmp/cu-test-XXXXXX");
	if (!d || !mkdtemp(d)) {
		perror("mkdtemp");
		abort();
	}
	return d;
}

static inline void tu_rmdir(char *d)
{
	if (d)
		nftw(d, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(d);
}

/* A data directory path inside a temporary directory (not yet created). */
static inline char *tu_datadir(char **tmp)
{
	*tmp = tu_tmpdir();
	size_t n = strlen(*tmp) + 8;
	char *d = malloc(n);
	snprintf(d, n, "%s/data", *tmp);
	return d;
}

#endif
