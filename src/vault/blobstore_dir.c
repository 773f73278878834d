/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vault: the directory blob stores — local (one node) and shared (several
 * nodes over NFS or CephFS).
 *
 *   DIR/tmp/<random>.part   being written; never referenced by a record
 *   DIR/<aa>/<name>         a placed blob
 *   DIR/.lock               local only: flock, shared while ingesting, exclusive to sweep
 *
 * Local places with rename() (a later copy of the same name found first is
 * kept) and synchronises sweeping with ingesting through flock. Shared relies
 * on nothing one node alone knows: it places with link(), which creates the
 * name only if absent, atomically on every POSIX file system including NFS,
 * so when two nodes place the same name at once exactly one copy wins and the
 * other is dropped; both are valid encryptions of the same content under the
 * case's key, so either serves. Its sweep removes temporary files and orphans
 * only once they are older than a grace period (no lock spans the nodes), and
 * a put that finds its name present refreshes the blob's time so a sweep
 * cannot take a blob that a record is about to name.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "util/util.h"
#include "vault/blobstore.h"

typedef struct dstore {
	cu_bstore base;
	char dir[PATH_MAX - 256];
	bool shared;
	long grace; /* shared: seconds before an orphan may go */
	int lock_fd;
	/* Bit aa: DIR/<aa> exists and this process has synced DIR since (dir_durable). */
	atomic_uint_fast64_t dirs_synced[4];
} dstore;

typedef struct dput {
	cu_bput base;
	char tmp[PATH_MAX];
	int fd;
	uint64_t written, synced;
	bool placed;
} dput;

typedef struct dget {
	cu_bget base;
	int fd;
} dget;

/* What a failed write, sync or creation means: a full disk (or quota) is its own code. */
static int write_error(void)
{
	return errno == ENOSPC || errno == EDQUOT ? CU_ENOSPACE : CU_EIO;
}

static int mkdir_p(const char *dir)
{
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return cu_error_set(write_error(), "cannot create %s: %s", dir, strerror(errno));
	return 0;
}

static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return cu_error_set(CU_EIO, "cannot open %s: %s", dir, strerror(errno));
	int r = fsync(fd) == 0 ? 0 : cu_error_set(write_error(), "cannot sync %s: %s", dir,
	                                          strerror(errno));
	close(fd);
	return r;
}

static int hexdigit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * Makes DIR/<aa> exist with its own name durable in DIR. Syncing a blob's
 * name in DIR/<aa> is not enough when DIR/<aa> is new: a power cut could
 * take the directory, and the acknowledged blobs in it, with it. Done once
 * per prefix and process (a sync of DIR covers every directory made before
 * it, by this process or another); puts that race here may both sync DIR,
 * which is harmless. A name that is not hex syncs DIR every time.
 */
static int dir_durable(dstore *s, const char *dir, const char *name)
{
	int hi = hexdigit(name[0]), lo = hi < 0 ? -1 : hexdigit(name[1]), r;
	unsigned aa = (unsigned)(hi * 16 + lo);
	uint_fast64_t bit = (uint_fast64_t)1 << (aa % 64);
	if (lo >= 0 && (atomic_load(&s->dirs_synced[aa / 64]) & bit))
		return 0;
	if ((r = mkdir_p(dir)) != 0 || (r = sync_dir(s->dir)) != 0)
		return r;
	if (lo >= 0)
		atomic_fetch_or(&s->dirs_synced[aa / 64], bit);
	return 0;
}

static void blob_path(dstore *s, char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%.2s/%s", s->dir, name, name);
}

static int put_begin(cu_bstore *bs, cu_bput **out)
{
	dstore *s = (dstore *)bs;
	uint8_t rnd[12];
	char hex[25];
	*out = NULL;
	dput *p = calloc(1, sizeof(*p));
	if (!p)
		return cu_error_set(CU_ENOMEM, "out of memory");
	p->base.s = bs;
	cu_random(rnd, sizeof(rnd));
	cu_hex(hex, rnd, sizeof(rnd));
	snprintf(p->tmp, sizeof(p->tmp), "%s/tmp/%s.part", s->dir, hex);
	if ((p->fd = open(p->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		int r = cu_error_set(write_error(), "cannot create %s: %s", p->tmp, strerror(errno));
		free(p);
		return r;
	}
	*out = &p->base;
	return 0;
}

static int put_write(cu_bput *bp, const void *data, size_t n)
{
	dput *p = (dput *)bp;
	const char *c = data;
	while (n) {
		ssize_t w = write(p->fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return cu_error_set(write_error(), "cannot write a blob: %s",
			                    errno == ENOSPC ? "the disk is full" : strerror(errno));
		c += w;
		n -= (size_t)w;
		p->written += (uint64_t)w;
	}
	/* Start writeback early so that the final fsync has little left to do. */
	if (p->written - p->synced >= (8u << 20)) {
		sync_file_range(p->fd, (off_t)p->synced, (off_t)(p->written - p->synced),
		                SYNC_FILE_RANGE_WRITE);
		p->synced = p->written;
	}
	return 0;
}

static int put_finish(cu_bput *bp, bool sync)
{
	dput *p = (dput *)bp;
	if (sync && fsync(p->fd) != 0)
		return cu_error_set(write_error(), "cannot sync a blob: %s",
		                    errno == ENOSPC ? "the disk is full" : strerror(errno));
	close(p->fd);
	p->fd = -1;
	return 0;
}

static int put_place(cu_bput *bp, const char *name, bool sync, bool *existed)
{
	dput *p = (dput *)bp;
	dstore *s = (dstore *)bp->s;
	char dir[PATH_MAX], path[PATH_MAX + 80];
	struct stat st;
	int r;
	*existed = false;
	snprintf(dir, sizeof(dir), "%s/%.2s", s->dir, name);
	/* Unsynced puts are made durable by sync_all, which covers the directories too. */
	if ((r = sync ? dir_durable(s, dir, name) : mkdir_p(dir)) != 0)
		return r;
	blob_path(s, path, sizeof(path), name);
	if (s->shared) {
		/* Create the name only if absent: one of racing nodes wins. */
		if (link(p->tmp, path) != 0) {
			if (errno != EEXIST)
				return cu_error_set(write_error(), "cannot place a blob: %s",
				                    strerror(errno));
			*existed = true;
			utimensat(AT_FDCWD, path, NULL, 0); /* young again: sweeps leave it */
		}
		unlink(p->tmp);
	} else if (stat(path, &st) == 0) {
		/* Stored before: the existing copy serves both registrations. */
		unlink(p->tmp);
		*existed = true;
	} else if (rename(p->tmp, path) != 0) {
		return cu_error_set(write_error(), "cannot place a blob: %s", strerror(errno));
	}
	p->placed = true;
	return sync ? sync_dir(dir) : 0;
}

static void put_free(cu_bput *bp)
{
	dput *p = (dput *)bp;
	if (!p)
		return;
	if (p->fd >= 0)
		close(p->fd);
	if (!p->placed)
		unlink(p->tmp);
	free(p);
}

static int sync_all(cu_bstore *bs)
{
	dstore *s = (dstore *)bs;
	int fd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;
	if (fd < 0)
		return cu_error_set(CU_EIO, "cannot open %s: %s", s->dir, strerror(errno));
	if (syncfs(fd) != 0)
		r = cu_error_set(write_error(), "cannot sync the blob store: %s", strerror(errno));
	close(fd);
	return r;
}

static int get_open(cu_bstore *bs, const char *name, cu_bget **out)
{
	dstore *s = (dstore *)bs;
	char path[PATH_MAX + 80];
	*out = NULL;
	blob_path(s, path, sizeof(path), name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return cu_error_set(CU_ENOTFOUND, "the blob is missing from the store");
		return cu_error_set(CU_EIO, "cannot open a blob: %s", strerror(errno));
	}
	dget *g = calloc(1, sizeof(*g));
	if (!g) {
		close(fd);
		return cu_error_set(CU_ENOMEM, "out of memory");
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	g->base.s = bs;
	g->fd = fd;
	*out = &g->base;
	return 0;
}

static int get_read(cu_bget *bg, void *buf, size_t len, size_t *got)
{
	dget *g = (dget *)bg;
	*got = 0;
	while (*got < len) {
		ssize_t k = read(g->fd, (uint8_t *)buf + *got, len - *got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return cu_error_set(CU_EIO, "cannot read a blob: %s", strerror(errno));
		if (k == 0)
			break;
		*got += (size_t)k;
	}
	return 0;
}

static void get_close(cu_bget *bg)
{
	dget *g = (dget *)bg;
	if (!g)
		return;
	close(g->fd);
	free(g);
}

static int exists(cu_bstore *bs, const char *name)
{
	char path[PATH_MAX + 80];
	struct stat st;
	blob_path((dstore *)bs, path, sizeof(path), name);
	if (stat(path, &st) == 0)
		return 0;
	return errno == ENOENT ? CU_ENOTFOUND
	                       : cu_error_set(CU_EIO, "cannot look up a blob: %s", strerror(errno));
}

static int remove_blob(cu_bstore *bs, const char *name)
{
	dstore *s = (dstore *)bs;
	char path[PATH_MAX + 80], dir[PATH_MAX];
	struct stat st;
	blob_path(s, path, sizeof(path), name);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : cu_error_set(CU_EIO, "cannot open a blob: %s",
		                                         strerror(errno));
	/*
	 * Overwrite before unlinking: the ciphertext is useless without the
	 * case key, but an erased item should leave nothing behind on the disk
	 * either (as far as the file system lets us).
	 */
	if (fstat(fd, &st) == 0) {
		static const uint8_t zero[65536];
		off_t left = st.st_size;
		while (left > 0) {
			size_t k = left < (off_t)sizeof(zero) ? (size_t)left : sizeof(zero);
			if (write(fd, zero, k) <= 0)
				break;
			left -= (off_t)k;
		}
		fsync(fd);
	}
	close(fd);
	if (unlink(path) != 0 && errno != ENOENT)
		return cu_error_set(CU_EIO, "cannot remove a blob: %s", strerror(errno));
	snprintf(dir, sizeof(dir), "%s/%.2s", s->dir, name);
	return sync_dir(dir);
}

static int ingest_lock(cu_bstore *bs, bool on)
{
	dstore *s = (dstore *)bs;
	if (flock(s->lock_fd, on ? LOCK_SH : LOCK_UN) != 0)
		return cu_error_set(CU_EIO, "cannot lock the blob store: %s", strerror(errno));
	return 0;
}

static int sweep(cu_bstore *bs, int (*prepare)(void *ctx),
                 bool (*keep)(void *ctx, const char *name), void *ctx, int *removed)
{
	dstore *s = (dstore *)bs;
	char path[PATH_MAX + 300];
	int lfd = -1, r;
	time_t now = time(NULL);
	*removed = 0;
	if (!s->shared) {
		/* A lock on a description of its own conflicts with every other
		 * holder, in this process or another. */
		snprintf(path, sizeof(path), "%s/.lock", s->dir);
		lfd = open(path, O_RDWR | O_CLOEXEC);
		if (lfd < 0 || flock(lfd, LOCK_EX | LOCK_NB) != 0) {
			if (lfd >= 0)
				close(lfd);
			return 0;
		}
	}
	if ((r = prepare ? prepare(ctx) : 0) != 0)
		goto out;
	DIR *d = opendir(s->dir);
	struct dirent *e, *f;
	struct stat st;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.' || strlen(e->d_name) > 3)
			continue;
		snprintf(path, sizeof(path), "%s/%s", s->dir, e->d_name);
		bool tmp = !strcmp(e->d_name, "tmp");
		DIR *sub = opendir(path);
		while (sub && (f = readdir(sub))) {
			if (f->d_name[0] == '.')
				continue;
			if (!tmp && keep(ctx, f->d_name))
				continue;
			snprintf(path, sizeof(path), "%s/%s/%s", s->dir, e->d_name, f->d_name);
			/* Another node may be writing it, or about to commit its record. */
			if (s->shared && (stat(path, &st) != 0 || now - st.st_mtime < s->grace))
				continue;
			if (unlink(path) == 0)
				(*removed)++;
		}
		if (sub)
			closedir(sub);
	}
	if (d)
		closedir(d);
out:
	if (lfd >= 0)
		close(lfd); /* releases the lock */
	return r;
}

static int list(cu_bstore *bs, int (*each)(void *ctx, const char *name), void *ctx)
{
	dstore *s = (dstore *)bs;
	char path[PATH_MAX + 300];
	int r = 0;
	DIR *d = opendir(s->dir);
	struct dirent *e, *f;
	if (!d)
		return cu_error_set(CU_EIO, "cannot list %s: %s", s->dir, strerror(errno));
	while (!r && (e = readdir(d))) {
		/* Placed names live in DIR/<aa>/ (two characters); tmp/ is not one. */
		if (e->d_name[0] == '.' || strlen(e->d_name) != 2)
			continue;
		snprintf(path, sizeof(path), "%s/%s", s->dir, e->d_name);
		DIR *sub = opendir(path);
		while (!r && sub && (f = readdir(sub)))
			if (f->d_name[0] != '.' && !strncmp(f->d_name, e->d_name, 2))
				r = each(ctx, f->d_name);
		if (sub)
			closedir(sub);
	}
	closedir(d);
	return r;
}

static void dclose(cu_bstore *bs)
{
	dstore *s = (dstore *)bs;
	if (!s)
		return;
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	free(s);
}

static const cu_bstore_ops local_ops = {
	"local", put_begin, put_write, put_finish, put_place, put_free, sync_all, get_open,
	get_read, get_close, exists, remove_blob, ingest_lock, sweep, dclose, list,
};

/* No flock: it is not shared by every NFS setup, and nothing may depend on one node. */
static const cu_bstore_ops shared_ops = {
	"shared", put_begin, put_write, put_finish, put_place, put_free, sync_all, get_open,
	get_read, get_close, exists, remove_blob, NULL, sweep, dclose, list,
};

int cu_bstore_dir_open(cu_bstore **out, const char *dir, bool shared)
{
	char path[PATH_MAX + 16], *end;
	int r;
	*out = NULL;
	dstore *s = calloc(1, sizeof(*s));
	if (!s)
		return cu_error_set(CU_ENOMEM, "out of memory");
	s->base.ops = shared ? &shared_ops : &local_ops;
	s->shared = shared;
	s->lock_fd = -1;
	s->grace = CU_BSTORE_GRACE;
	const char *g = getenv("CUSTODIA_BLOBS_GRACE"); /* seconds; tests set 0 */
	if (g && *g) {
		long v = strtol(g, &end, 10);
		if (!*end && v >= 0)
			s->grace = v;
	}
	if (snprintf(s->dir, sizeof(s->dir), "%s", dir) >= (int)sizeof(s->dir)) {
		r = cu_error_set(CU_EINVALID, "blob directory path too long");
		goto fail;
	}
	snprintf(path, sizeof(path), "%s/tmp", s->dir);
	if ((r = mkdir_p(s->dir)) != 0 || (r = mkdir_p(path)) != 0)
		goto fail;
	if (!shared) {
		snprintf(path, sizeof(path), "%s/.lock", s->dir);
		if ((s->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0) {
			r = cu_error_set(CU_EIO, "cannot open %s: %s", path, strerror(errno));
			goto fail;
		}
	}
	*out = &s->base;
	return 0;
fail:
	dclose(&s->base);
	return r;
}
