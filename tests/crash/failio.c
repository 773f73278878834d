/* SPDX-License-Identifier: Apache-2.0 */
/*
 * crash tests: an LD_PRELOAD shim that makes the writes and syncs of a
 * process fail on the files under one directory, as a full or failing disk
 * would. Configured from the environment when the process starts:
 *
 *   CU_FAILIO_DIR    fail only on files whose path starts with this (required)
 *   CU_FAILIO_ERRNO  EIO (default) or ENOSPC
 *   CU_FAILIO_AFTER  let this many matching calls through, then fail every one
 *   CU_FAILIO_PROB   or fail each matching call with this probability (0..1)
 *   CU_FAILIO_SEED   the seed of those draws (default 1)
 *   CU_FAILIO_ARM    inject only while a file of this name exists, so that a
 *                    server can start, and be healed, without a restart
 *   CU_FAILIO_LOG    append one line per injected failure to this file
 *   CU_FAILIO_TRACE  append "op path" for every mkdir, rename, fsync and fdatasync
 *                    under the directory, failed or not (the order of a
 *                    program's steps towards durability, for a test to judge)
 *   CU_FAILIO_HOLD   while a file of this name exists, every matching call waits
 *                    (and logs "held PATH" once): a test can interrupt the
 *                    process at that step, then let it go on
 *   CU_FAILIO_LOSE   when a sync of a file whose path contains this fails, the
 *                    file also loses its content (truncated), as Linux may drop
 *                    the dirty pages whose writeback failed: a program that
 *                    goes on after a failed fsync then has something to lose
 *
 * It wraps write, pwrite, pwrite64, writev, fsync, fdatasync, syncfs and
 * rename: what the vault's directory store and SQLite's unix VFS call (the
 * calls glibc makes internally, e.g. from stdio, are not seen, which is fine:
 * custodia writes its records and blobs with those calls). Whether a
 * descriptor is under the directory is read from /proc/self/fd on each call:
 * slow, but nothing to keep in step with open and close.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static char dir[PATH_MAX];
static size_t dirlen;
static int fail_errno = EIO;
static long after = -1;
static double prob;
static char arm[PATH_MAX];
static char logpath[PATH_MAX];
static char lose[PATH_MAX];
static char tracepath[PATH_MAX];
static char hold[PATH_MAX];
static atomic_long calls;
static atomic_uint_fast64_t rng;

__attribute__((constructor)) static void setup(void)
{
	const char *v;
	if ((v = getenv("CU_FAILIO_DIR")) != NULL && *v) {
		snprintf(dir, sizeof(dir), "%s", v);
		dirlen = strlen(dir);
	}
	if ((v = getenv("CU_FAILIO_ERRNO")) != NULL && !strcmp(v, "ENOSPC"))
		fail_errno = ENOSPC;
	if ((v = getenv("CU_FAILIO_AFTER")) != NULL && *v)
		after = strtol(v, NULL, 10);
	if ((v = getenv("CU_FAILIO_PROB")) != NULL && *v)
		prob = strtod(v, NULL);
	v = getenv("CU_FAILIO_SEED");
	atomic_store(&rng, (v && *v ? strtoull(v, NULL, 10) : 1) * 2654435761u + 1);
	if ((v = getenv("CU_FAILIO_ARM")) != NULL)
		snprintf(arm, sizeof(arm), "%s", v);
	if ((v = getenv("CU_FAILIO_LOG")) != NULL)
		snprintf(logpath, sizeof(logpath), "%s", v);
	if ((v = getenv("CU_FAILIO_TRACE")) != NULL)
		snprintf(tracepath, sizeof(tracepath), "%s", v);
	if ((v = getenv("CU_FAILIO_HOLD")) != NULL)
		snprintf(hold, sizeof(hold), "%s", v);
	if ((v = getenv("CU_FAILIO_LOSE")) != NULL)
		snprintf(lose, sizeof(lose), "%s", v);
}

/* The next definition of a function (libc's); ISO C has no cast from void * to one. */
#define NEXT(fp, name)                                  \
	do {                                                \
		if (!(fp)) {                                    \
			void *sym_ = dlsym(RTLD_NEXT, name);        \
			memcpy(&(fp), &sym_, sizeof(fp));           \
		}                                               \
	} while (0)

/* A draw in [0, 1) from a splitmix64 sequence shared by every thread. */
static double draw(void)
{
	uint64_t z = atomic_fetch_add(&rng, 0x9e3779b97f4a7c15u) + 0x9e3779b97f4a7c15u;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	z ^= z >> 31;
	return (double)(z >> 11) / 9007199254740992.0;
}

static void append(const char *file, const char *op, const char *path)
{
	static ssize_t (*real_write)(int, const void *, size_t);
	NEXT(real_write, "write");
	char line[PATH_MAX + 64];
	int n = snprintf(line, sizeof(line), "%s %s\n", op, path);
	int fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd >= 0) {
		if (real_write(fd, line, (size_t)n) < 0) {
			/* nothing more to say about a failed note */
		}
		close(fd);
	}
}

static void note(const char *op, const char *path)
{
	if (logpath[0])
		append(logpath, op, path);
}

static void trace(const char *op, const char *path)
{
	if (tracepath[0] && dirlen && !strncmp(path, dir, dirlen))
		append(tracepath, op, path);
}

/* Whether this call on path fails; errno is set when it does. */
static bool inject(const char *op, const char *path)
{
	struct stat st;
	if (!dirlen || strncmp(path, dir, dirlen) != 0)
		return false;
	if (arm[0] && stat(arm, &st) != 0)
		return false;
	if (hold[0] && stat(hold, &st) == 0) {
		int saved = errno;
		note("held", path);
		struct timespec ts = {0, 10 * 1000 * 1000};
		while (stat(hold, &st) == 0)
			nanosleep(&ts, NULL);
		errno = saved;
	}
	long n = atomic_fetch_add(&calls, 1);
	bool fail = (after >= 0 && n >= after) || (prob > 0 && draw() < prob);
	if (fail) {
		note(op, path);
		errno = fail_errno;
	}
	return fail;
}

static bool inject_fd(const char *op, int fd, bool sync)
{
	char link[64], path[PATH_MAX];
	if (!dirlen)
		return false;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	int saved = errno;
	ssize_t n = readlink(link, path, sizeof(path) - 1);
	errno = saved;
	if (n <= 0)
		return false;
	path[n] = '\0';
	if (sync && strcmp(op, "syncfs") != 0)
		trace(op, path);
	if (!inject(op, path))
		return false;
	if (sync && lose[0] && strstr(path, lose)) {
		saved = errno;
		if (ftruncate(fd, 0) == 0)
			note("lost", path);
		errno = saved;
	}
	return true;
}

ssize_t write(int fd, const void *buf, size_t len)
{
	static ssize_t (*real)(int, const void *, size_t);
	NEXT(real, "write");
	return inject_fd("write", fd, false) ? -1 : real(fd, buf, len);
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	static ssize_t (*real)(int, const void *, size_t, off_t);
	NEXT(real, "pwrite");
	return inject_fd("pwrite", fd, false) ? -1 : real(fd, buf, len, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t len, off_t off)
{
	static ssize_t (*real)(int, const void *, size_t, off_t);
	NEXT(real, "pwrite64");
	return inject_fd("pwrite64", fd, false) ? -1 : real(fd, buf, len, off);
}

ssize_t writev(int fd, const struct iovec *iov, int n)
{
	static ssize_t (*real)(int, const struct iovec *, int);
	NEXT(real, "writev");
	return inject_fd("writev", fd, false) ? -1 : real(fd, iov, n);
}

int fsync(int fd)
{
	static int (*real)(int);
	NEXT(real, "fsync");
	return inject_fd("fsync", fd, true) ? -1 : real(fd);
}

int fdatasync(int fd)
{
	static int (*real)(int);
	NEXT(real, "fdatasync");
	return inject_fd("fdatasync", fd, true) ? -1 : real(fd);
}

int syncfs(int fd)
{
	static int (*real)(int);
	NEXT(real, "syncfs");
	return inject_fd("syncfs", fd, true) ? -1 : real(fd);
}

int rename(const char *from, const char *to)
{
	static int (*real)(const char *, const char *);
	NEXT(real, "rename");
	char both[2 * PATH_MAX + 8];
	snprintf(both, sizeof(both), "%s -> %s", from, to);
	trace("rename", both);
	return inject("rename", from) ? -1 : real(from, to);
}

int mkdir(const char *path, mode_t mode)
{
	static int (*real)(const char *, mode_t);
	NEXT(real, "mkdir");
	int r = real(path, mode);
	if (r == 0) {
		int saved = errno;
		trace("mkdir", path);
		errno = saved;
	}
	return r;
}
