/* SPDX-License-Identifier: Apache-2.0 */
/* util: one-line settings files of a data directory (DATA/database, DATA/blobstore). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"

int cu_line_read(const char *path, char *out, size_t n)
{
	out[0] = '\0';
	FILE *f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? 0 : cu_error_set(CU_EIO, "cannot read %s: %s", path,
		                                            strerror(errno));
	if (!fgets(out, (int)n, f))
		out[0] = '\0';
	fclose(f);
	out[strcspn(out, "\r\n")] = '\0';
	return 0;
}

int cu_line_write(const char *path, const char *line)
{
	char tmp[4096 + 8];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return cu_error_set(CU_EINVALID, "path too long: %s", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return cu_error_set(CU_EIO, "cannot write %s: %s", tmp, strerror(errno));
	size_t len = strlen(line);
	bool ok = write(fd, line, len) == (ssize_t)len && write(fd, "\n", 1) == 1 &&
	          fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		return cu_error_set(CU_EIO, "cannot write %s: %s", path, strerror(e));
	}
	return 0;
}
