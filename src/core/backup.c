/* SPDX-License-Identifier: Apache-2.0 */
/*
 * core: backups and restores of an installation (`custodia backup`,
 * `custodia restore`, docs/backup.md).
 *
 * A target is two blob stores (vault/blobstore.h) under one location:
 *
 *   TARGET/blobs/     evidence ciphertext by blob name, as the vault keeps it
 *   TARGET/backups/   <id>.records   the records, an SQLite file, encrypted
 *                     <id>.keys      master key, node key, records key, sealed
 *                     <id>.manifest  what the backup holds, signed (a note)
 *
 * (a directory store keeps a name under a folder of its first two
 * characters; S3 keys are PREFIX/blobs/NAME and PREFIX/backups/NAME). Every
 * object is written once under a name that never changes meaning, so a
 * target is append-only: blobs are shared by the backups that name them,
 * and a backup exists once its manifest, written last, does.
 *
 *   records object = "CUSTODIA-BACKUP-RECORDS-1\n" ‖ secretstream header ‖
 *                    chunks of 64 KiB plaintext (+17), the last tagged final,
 *                    each with associated data "custodia-backup:" ‖ id
 *
 * with a random key per backup (in the sealed keys). The manifest is a C2SP
 * signed note by the node key: its text is one line of JSON.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/backup.h"
#include "core/internal.h"
#include "ledger/note.h"
#include "vault/blobstore.h"

#define REC_MAGIC "CUSTODIA-BACKUP-RECORDS-1\n"
#define REC_MAGIC_LEN 26
#define CHUNK 65536
#define CCHUNK (CHUNK + CU_STREAM_ABYTES)
#define SMALL_MAX ((size_t)64 << 20) /* manifests and keys: read whole */
#define FORMAT "custodia-backup-v1"
#define KEY_NAME "custodia-backup"

typedef struct target {
	cu_bstore *blobs, *meta;
	char dir[PATH_MAX]; /* a directory target's path ("" on S3): its blobs can be stat'ed */
} target;

static void target_close(target *t)
{
	cu_bstore_close(t->blobs);
	cu_bstore_close(t->meta);
	t->blobs = t->meta = NULL;
}

/* "DIR" → DIR/sub; "s3://B/P?Q" → s3://B/P/sub?Q. */
static int sub_uri(char *out, size_t n, const char *uri, const char *sub)
{
	int k;
	if (!strncmp(uri, "s3://", 5)) {
		const char *q = strchr(uri, '?');
		size_t base = q ? (size_t)(q - uri) : strlen(uri);
		while (base > 5 && uri[base - 1] == '/')
			base--;
		k = snprintf(out, n, "%.*s/%s%s", (int)base, uri, sub, q ? q : "");
	} else {
		size_t base = strlen(uri);
		while (base > 1 && uri[base - 1] == '/')
			base--;
		k = snprintf(out, n, "%.*s/%s", (int)base, uri, sub);
	}
	if (k < 0 || (size_t)k >= n)
		return cu_error_set(CU_EINVALID, "backup location too long");
	return 0;
}

static int target_open(target *t, const char *uri, bool create)
{
	char b[4096], m[4096];
	struct stat st;
	int r;
	memset(t, 0, sizeof(*t));
	if (!uri || !*uri)
		return cu_error_set(CU_EINVALID, "no backup location given");
	const char *dir = !strncmp(uri, "file://", 7) ? uri + 7 : uri;
	if (strncmp(uri, "s3://", 5) != 0) {
		snprintf(t->dir, sizeof(t->dir), "%s", dir);
		if (stat(dir, &st) != 0) {
		if (!create)
			return cu_error_set(CU_ENOTFOUND, "no backups at %s", uri);
		if (mkdir(dir, 0700) != 0)
				return cu_error_set(CU_EIO, "cannot create %s: %s", dir,
				                    strerror(errno));
		}
		/* Reading (--list, restore) creates nothing: opening a directory
		 * store would make its folders, in whatever directory was named. */
		char sub[PATH_MAX + 16];
		for (int i = 0; !create && i < 2; i++) {
			snprintf(sub, sizeof(sub), "%s/%s", dir, i ? "blobs" : "backups");
			if (stat(sub, &st) != 0 || !S_ISDIR(st.st_mode))
				return cu_error_set(CU_ENOTFOUND, "no backups at %s", uri);
		}
	}
	if ((r = sub_uri(b, sizeof(b), uri, "blobs")) != 0 ||
	    (r = sub_uri(m, sizeof(m), uri, "backups")) != 0 ||
	    (r = cu_bstore_open(&t->blobs, b)) != 0 || (r = cu_bstore_open(&t->meta, m)) != 0)
		target_close(t);
	return r;
}

/* ---- small objects ------------------------------------------------------ */

static int put_bytes(cu_bstore *s, const char *name, const void *data, size_t len)
{
	const cu_bstore_ops *ops = s->ops;
	cu_bput *p = NULL;
	bool existed = false;
	int r;
	if ((r = ops->put_begin(s, &p)) == 0 && (r = ops->put_write(p, data, len)) == 0 &&
	    (r = ops->put_finish(p, true)) == 0 && (r = ops->put_place(p, name, true, &existed)) == 0 &&
	    existed)
		r = cu_error_set(CU_EEXISTS, "the backup location already holds %s", name);
	if (p)
		ops->put_free(p);
	return r;
}

/* Reads up to n bytes, fewer only at the end. */
static int read_full(cu_bget *g, uint8_t *buf, size_t n, size_t *got)
{
	size_t k;
	int r;
	*got = 0;
	while (*got < n) {
		if ((r = g->s->ops->get_read(g, buf + *got, n - *got, &k)) != 0)
			return r;
		if (k == 0)
			break;
		*got += k;
	}
	return 0;
}

/* A whole small object, NUL-terminated; *sha its SHA-256. */
static int get_bytes(cu_bstore *s, const char *name, char **out, size_t *len, uint8_t sha[32])
{
	cu_bget *g = NULL;
	size_t cap = 4096, n = 0, got;
	char *buf = malloc(cap + 1);
	int r;
	*out = NULL;
	if (!buf)
		return cu_error_set(CU_ENOMEM, "out of memory");
	if ((r = s->ops->get_open(s, name, &g)) != 0) {
		free(buf);
		return r == CU_ENOTFOUND ? cu_error_set(CU_ENOTFOUND, "the backup has no %s", name) : r;
	}
	for (;;) {
		if (n == cap) {
			char *b2 = cap * 2 > SMALL_MAX ? NULL : realloc(buf, cap * 2 + 1);
			if (!b2) {
				r = cu_error_set(CU_ETOOBIG, "%s is larger than a backup's %s can be", name,
				                 "manifest");
				break;
			}
			buf = b2;
			cap *= 2;
		}
		if ((r = read_full(g, (uint8_t *)buf + n, cap - n, &got)) != 0 || got == 0)
			break;
		n += got;
	}
	s->ops->get_close(g);
	if (r) {
		free(buf);
		return r;
	}
	buf[n] = '\0';
	if (sha)
		cu_sha256(sha, buf, n);
	*out = buf;
	*len = n;
	return 0;
}

static void hex32(char out[65], const uint8_t h[32])
{
	cu_hex(out, h, 32);
}

/* A whole object's SHA-256 (hex) and size, streamed. */
static int object_sha(cu_bstore *s, const char *name, char hex[65], uint64_t *size)
{
	cu_bget *g = NULL;
	cu_sha256_ctx *h = NULL;
	uint8_t *buf = malloc(CHUNK), sha[32];
	size_t got;
	int r;
	*size = 0;
	if (!buf)
		return cu_error_set(CU_ENOMEM, "out of memory");
	if ((r = s->ops->get_open(s, name, &g)) != 0 || (r = cu_sha256_begin(&h)) != 0)
		goto out;
	while ((r = read_full(g, buf, CHUNK, &got)) == 0 && got) {
		cu_sha256_update(h, buf, got);
		*size += got;
	}
out:
	if (h) {
		cu_sha256_end(h, sha);
		hex32(hex, sha);
	}
	if (g)
		s->ops->get_close(g);
	free(buf);
	return r;
}

/* ---- files -------------------------------------------------------------- */

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	return (flag == FTW_DP ? rmdir(path) : unlink(path)) == 0 || errno == ENOENT ? 0 : -1;
}

static void rm_tree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return cu_error_set(CU_EIO, "cannot open %s: %s", dir, strerror(errno));
	int r = fsync(fd) == 0 ? 0 : cu_error_set(CU_EIO, "cannot sync %s: %s", dir, strerror(errno));
	close(fd);
	return r;
}

/* A small file's bytes (keys), at most cap. */
static int read_file(const char *dir, const char *name, uint8_t *out, size_t cap, size_t *len)
{
	char path[PATH_MAX + 64];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cu_error_set(CU_EIO, "cannot open %s: %s", path, strerror(errno));
	ssize_t n = read(fd, out, cap);
	close(fd);
	if (n < 0 || (size_t)n == cap)
		return cu_error_set(CU_EIO, "cannot read %s", path);
	*len = (size_t)n;
	return 0;
}

static int write_file(const char *dir, const char *name, const void *data, size_t len, int mode)
{
	char path[PATH_MAX + 64];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return cu_error_set(CU_EIO, "cannot create %s: %s", path, strerror(errno));
	int r = write(fd, data, len) == (ssize_t)len && fsync(fd) == 0 ? 0 :
	        cu_error_set(CU_EIO, "cannot write %s: %s", path, strerror(errno));
	close(fd);
	return r;
}

static const char *const key_files[] = {"master.key", "node.key", "node.pub", NULL};

/* ---- the blobs a snapshot keeps ----------------------------------------- */

/* The names of every blob a record keeps (cu_evidence_blob_names) and a
 * digest of them. */
static int blob_names(cu_core *c, char (**out)[65], size_t *n, char digest[65])
{
	cu_sha256_ctx *h = NULL;
	uint8_t sha[32];
	int r = cu_evidence_blob_names(c, out, n);
	if (r == 0 && (r = cu_sha256_begin(&h)) != 0) {
		free(*out);
		*out = NULL;
	}
	if (r != 0)
		return r;
	for (size_t j = 0; j < *n; j++)
		cu_sha256_update(h, (*out)[j], strlen((*out)[j]) + 1);
	cu_sha256_end(h, sha);
	hex32(digest, sha);
	return 0;
}

/*
 * What a blob name belongs to, for messages: {item, case_id, case, blob:
 * "content"|"text"}, or NULL if no record of c names it. Reads every item:
 * only on a failure.
 */
static json_t *blob_owner(cu_core *c, const char *name)
{
	json_t *items = NULL, *b, *x, *found = NULL;
	size_t i;
	if (cu_store_item_blobs(c->store, &items, 0) != 0) {
		cu_error_clear();
		return NULL;
	}
	json_array_foreach(items, i, b) {
		int64_t id = cu_json_int(b, "id", 0), case_id = cu_json_int(b, "case_id", 0);
		const char *what = NULL;
		uint8_t sha[32];
		char nm[65];
		if (cu_unhex32(sha, cu_json_str(b, "sha256") ? cu_json_str(b, "sha256") : "") ==
		    0) {
			cu_blob_name(c->vault, nm, case_id, sha);
			if (!strcmp(nm, name))
				what = "content";
		}
		if (!what && cu_store_extract_get(c->store, &x, id) == 0) {
			if (cu_unhex32(sha, cu_json_str(x, "sha256") ? cu_json_str(x, "sha256")
			                                             : "") == 0) {
				cu_blob_name(c->vault, nm, case_id, sha);
				if (!strcmp(nm, name))
					what = "text";
			}
			json_decref(x);
		}
		cu_error_clear();
		if (what) {
			json_t *cs = NULL;
			found = json_pack("{s:I, s:I, s:s}", "item", (json_int_t)id, "case_id",
			                  (json_int_t)case_id, "blob", what);
			if (cu_store_case_get(c->store, &cs, case_id) == 0 &&
			    cu_json_str(cs, "reference"))
				json_object_set_new(found, "case",
				                    json_string(cu_json_str(cs, "reference")));
			cu_error_clear();
			json_decref(cs);
			break;
		}
	}
	json_decref(items);
	return found;
}

/* "blob NAME (item 12 of case 2026/0001, its content)" into out. */
static void blob_words(char *out, size_t n, const char *name, const json_t *owner)
{
	if (!owner) {
		snprintf(out, n, "blob %s", name);
		return;
	}
	snprintf(out, n, "blob %s (item %lld of case %s, its %s)", name,
	         (long long)cu_json_int(owner, "item", 0),
	         cu_json_str(owner, "case") ? cu_json_str(owner, "case") : "?",
	         cu_json_str(owner, "blob"));
}

/* ---- the records object ------------------------------------------------- */

static void rec_ad(char *out, size_t n, const char *id)
{
	snprintf(out, n, "custodia-backup:%s", id);
}

/* Encrypts the file at path into a new object name of s. */
static int put_records(cu_bstore *s, const char *name, const char *path, const char *id,
                       const uint8_t key[CU_KEY_LEN], json_t *info)
{
	const cu_bstore_ops *ops = s->ops;
	uint8_t header[CU_STREAM_HEADER], *in = malloc(CHUNK), *outb = malloc(CCHUNK), sha[32];
	char ad[128], hex[65];
	cu_stream *st = NULL;
	cu_bput *p = NULL;
	cu_sha256_ctx *hc = NULL, *hp = NULL;
	struct stat sb;
	uint64_t done = 0, size = 0;
	bool existed = false;
	int fd = -1, r;
	rec_ad(ad, sizeof(ad), id);
	if (!in || !outb) {
		r = cu_error_set(CU_ENOMEM, "out of memory");
		goto out;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &sb) != 0) {
		r = cu_error_set(CU_EIO, "cannot open %s: %s", path, strerror(errno));
		goto out;
	}
	if ((r = cu_sha256_begin(&hc)) != 0 || (r = cu_sha256_begin(&hp)) != 0 ||
	    (r = cu_stream_push_init(&st, header, key)) != 0 || (r = ops->put_begin(s, &p)) != 0 ||
	    (r = ops->put_write(p, REC_MAGIC, REC_MAGIC_LEN)) != 0 ||
	    (r = ops->put_write(p, header, sizeof(header))) != 0)
		goto out;
	cu_sha256_update(hc, REC_MAGIC, REC_MAGIC_LEN);
	cu_sha256_update(hc, header, sizeof(header));
	size = REC_MAGIC_LEN + sizeof(header);
	do {
		size_t want = (uint64_t)sb.st_size - done < CHUNK ? (size_t)((uint64_t)sb.st_size - done) :
		              CHUNK;
		ssize_t got = want ? read(fd, in, want) : 0;
		if (got < 0 || (size_t)got != want) {
			r = cu_error_set(CU_EIO, "cannot read %s: %s", path,
			                 got < 0 ? strerror(errno) : "it changed while read");
			goto out;
		}
		done += want;
		bool final = done == (uint64_t)sb.st_size;
		cu_sha256_update(hp, in, want);
		cu_stream_push(st, outb, in, want, final, (const uint8_t *)ad, strlen(ad));
		cu_sha256_update(hc, outb, want + CU_STREAM_ABYTES);
		size += want + CU_STREAM_ABYTES;
		if ((r = ops->put_write(p, outb, want + CU_STREAM_ABYTES)) != 0)
			goto out;
		if (final)
			break;
	} while (1);
	if ((r = ops->put_finish(p, true)) != 0 || (r = ops->put_place(p, name, true, &existed)) != 0)
		goto out;
	if (existed) {
		r = cu_error_set(CU_EEXISTS, "the backup location already holds %s", name);
		goto out;
	}
	cu_sha256_end(hc, sha);
	hc = NULL;
	hex32(hex, sha);
	json_object_set_new(info, "object", json_string(name));
	json_object_set_new(info, "size", json_integer((json_int_t)size));
	json_object_set_new(info, "sha256", json_string(hex));
	cu_sha256_end(hp, sha);
	hp = NULL;
	hex32(hex, sha);
	json_object_set_new(info, "plain_size", json_integer((json_int_t)sb.st_size));
	json_object_set_new(info, "plain_sha256", json_string(hex));
out:
	if (hc)
		cu_sha256_end(hc, sha);
	if (hp)
		cu_sha256_end(hp, sha);
	if (p)
		ops->put_free(p);
	cu_stream_free(st);
	if (fd >= 0)
		close(fd);
	free(in);
	free(outb);
	return r;
}

/* Decrypts a records object into a new file at path, checking its SHA-256,
 * plaintext SHA-256 and sizes against the manifest's. */
static int get_records(cu_bstore *s, const json_t *m, const char *path, const char *id,
                       const uint8_t key[CU_KEY_LEN])
{
	const cu_bstore_ops *ops = s->ops;
	uint8_t head[REC_MAGIC_LEN + CU_STREAM_HEADER], *in = malloc(CCHUNK), *outb = malloc(CHUNK);
	uint8_t sha[32];
	char ad[128], hex[65];
	cu_stream *st = NULL;
	cu_bget *g = NULL;
	cu_sha256_ctx *hc = NULL, *hp = NULL;
	uint64_t size = 0, plain = 0;
	bool final = false;
	size_t got, n;
	int fd = -1, r;
	rec_ad(ad, sizeof(ad), id);
	if (!in || !outb) {
		r = cu_error_set(CU_ENOMEM, "out of memory");
		goto out;
	}
	if ((r = ops->get_open(s, cu_json_str(m, "object"), &g)) != 0) {
		if (r == CU_ENOTFOUND)
			r = cu_error_set(CU_EVERIFY, "the backup's records (%s) are missing",
			                 cu_json_str(m, "object"));
		goto out;
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		r = cu_error_set(CU_EIO, "cannot create %s: %s", path, strerror(errno));
		goto out;
	}
	if ((r = cu_sha256_begin(&hc)) != 0 || (r = cu_sha256_begin(&hp)) != 0 ||
	    (r = read_full(g, head, sizeof(head), &got)) != 0)
		goto out;
	cu_sha256_update(hc, head, got);
	size += got;
	if (got != sizeof(head) || memcmp(head, REC_MAGIC, REC_MAGIC_LEN) != 0) {
		r = cu_error_set(CU_EVERIFY, "the backup's records are not a records object");
		goto out;
	}
	if ((r = cu_stream_pull_init(&st, head + REC_MAGIC_LEN, key)) != 0)
		goto out;
	while ((r = read_full(g, in, CCHUNK, &got)) == 0 && got) {
		cu_sha256_update(hc, in, got);
		size += got;
		if (final) {
			r = cu_error_set(CU_EVERIFY, "the backup's records go on after their end");
			goto out;
		}
		if ((r = cu_stream_pull(st, outb, &n, &final, in, got, (const uint8_t *)ad,
		                        strlen(ad))) != 0) {
			r = cu_error_set(CU_EVERIFY, "the backup's records fail authentication at byte"
			                 " %llu: altered, or not this backup's", (unsigned long long)size);
			goto out;
		}
		cu_sha256_update(hp, outb, n);
		plain += n;
		if (write(fd, outb, n) != (ssize_t)n) {
			r = cu_error_set(CU_EIO, "cannot write %s: %s", path, strerror(errno));
			goto out;
		}
	}
	if (r)
		goto out;
	if (!final) {
		r = cu_error_set(CU_EVERIFY, "the backup's records are truncated");
		goto out;
	}
	if (fsync(fd) != 0) {
		r = cu_error_set(CU_EIO, "cannot sync %s: %s", path, strerror(errno));
		goto out;
	}
	cu_sha256_end(hc, sha);
	hc = NULL;
	hex32(hex, sha);
	if (strcmp(hex, cu_json_str(m, "sha256")) != 0 ||
	    (int64_t)size != cu_json_int(m, "size", -1)) {
		r = cu_error_set(CU_EVERIFY, "the backup's records are not the object its manifest"
		                 " names (SHA-256 %s)", hex);
		goto out;
	}
	cu_sha256_end(hp, sha);
	hp = NULL;
	hex32(hex, sha);
	if (strcmp(hex, cu_json_str(m, "plain_sha256")) != 0 ||
	    (int64_t)plain != cu_json_int(m, "plain_size", -1))
		r = cu_error_set(CU_EVERIFY, "the backup's records decrypt to other bytes than the"
		                 " manifest says");
out:
	if (hc)
		cu_sha256_end(hc, sha);
	if (hp)
		cu_sha256_end(hp, sha);
	if (g)
		ops->get_close(g);
	cu_stream_free(st);
	if (fd >= 0)
		close(fd);
	free(in);
	free(outb);
	return r;
}

/* ---- manifests ---------------------------------------------------------- */

static void key_name(char out[CU_NOTE_NAME_MAX], const uint8_t pk[32])
{
	uint8_t h[32];
	char hex[65];
	cu_sha256(h, pk, 32);
	hex32(hex, h);
	snprintf(out, CU_NOTE_NAME_MAX, "%s/%.16s", KEY_NAME, hex);
}

static int sign_manifest(char **out, const json_t *m, const char *datadir)
{
	cu_identity idn;
	char name[CU_NOTE_NAME_MAX], *line = NULL, *text = NULL;
	int r;
	*out = NULL;
	if ((r = cu_identity_load(&idn, datadir)) != 0)
		return r;
	key_name(name, idn.pk);
	line = json_dumps(m, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	if (!line || !(text = malloc(strlen(line) + 2))) {
		r = cu_error_set(CU_ENOMEM, "out of memory");
	} else {
		snprintf(text, strlen(line) + 2, "%s\n", line);
		r = cu_note_sign(out, text, name, &idn);
	}
	cu_identity_wipe(&idn);
	free(line);
	free(text);
	return r;
}

/* The manifest inside a note; with pk, only if pk signed it. */
static int open_manifest(json_t **out, const char *note, size_t len, const uint8_t *pk)
{
	cu_note_verifier v = {0};
	char *text = NULL;
	int verified = 0, r;
	*out = NULL;
	if (pk) {
		key_name(v.name, pk);
		v.id = cu_note_key_id(v.name, pk);
		memcpy(v.pk, pk, 32);
		r = cu_note_open(&text, &verified, note, len, &v, 1);
		if (r == 0 && verified < 1)
			r = CU_EVERIFY;
		if (r)
			return cu_error_set(CU_EVERIFY, "the backup's manifest is not signed by the node"
			                    " key its sealed keys hold: altered, or not this backup's");
	} else {
		/* Unverified: the text before the first blank line. */
		const char *end = strstr(note, "\n\n");
		if (!end || !(text = strndup(note, (size_t)(end - note))))
			return cu_error_set(CU_EVERIFY, "a backup manifest that is not a signed note");
	}
	json_error_t e;
	*out = json_loads(text, 0, &e);
	free(text);
	if (!json_is_object(*out) || strcmp(cu_json_str(*out, "format") ?
	                                    cu_json_str(*out, "format") : "", FORMAT) != 0) {
		json_decref(*out);
		*out = NULL;
		return cu_error_set(CU_EVERIFY, "a backup manifest that custodia cannot read");
	}
	return 0;
}

static int new_id(char out[64])
{
	struct timespec ts;
	struct tm tm;
	uint8_t rnd[4];
	char hex[9], when[32];
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y%m%dT%H%M%S", &tm);
	cu_random(rnd, sizeof(rnd));
	cu_hex(hex, rnd, sizeof(rnd));
	snprintf(out, 64, "%s.%03ldZ-%s", when, ts.tv_nsec / 1000000, hex);
	return 0;
}

static bool id_ok(const char *id)
{
	size_t n = strlen(id);
	if (n < 8 || n > 60)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'z') ||
		      (id[i] >= 'A' && id[i] <= 'Z') || id[i] == '.' || id[i] == '-'))
			return false;
	return true;
}

/* ---- backup ------------------------------------------------------------- */

static int backup_ids(target *t, json_t **out);

/*
 * A path resolved even if it does not exist yet: its nearest existing
 * ancestor's real path, the rest appended.
 */
static bool resolved(char out[PATH_MAX], const char *path)
{
	char p[PATH_MAX], r[PATH_MAX];
	size_t keep = strlen(path);
	if (keep >= sizeof(p))
		return false;
	memcpy(p, path, keep + 1);
	/* p[0..keep) is tried; path + keep is the part that does not exist yet. */
	while (!realpath(p, r)) {
		char *slash = strrchr(p, '/');
		if (!slash) {
			/* A relative name with no existing part: under the working directory. */
			if (!getcwd(r, sizeof(r)))
				return false;
			return snprintf(out, PATH_MAX, "%s/%s", strcmp(r, "/") ? r : "", path) <
			       PATH_MAX;
		}
		keep = (size_t)(slash - p);
		if (keep == 0) {
			snprintf(r, sizeof(r), "/");
			break;
		}
		*slash = '\0';
	}
	return snprintf(out, PATH_MAX, "%s%s", strcmp(r, "/") || !path[keep] ? r : "",
	                path + keep) < PATH_MAX;
}

/* Whether inner is outer or lies beneath it (both resolved). */
static bool beneath(const char *inner, const char *outer)
{
	size_t n = strlen(outer);
	if (!strcmp(outer, "/"))
		return true;
	return !strncmp(inner, outer, n) && (inner[n] == '\0' || inner[n] == '/');
}

/*
 * A directory target apart from the data directory: not it, not inside it
 * (the backup would be lost with it, and its blobs "already there" would be
 * the live ones), and not containing it. Real paths, so that a link or
 * "DATA/../DATA" does not pass.
 */
static int target_apart(const char *datadir, const char *uri)
{
	char d[PATH_MAX], t[PATH_MAX];
	if (!strncmp(uri, "s3://", 5))
		return 0;
	if (!realpath(datadir, d))
		return cu_error_set(CU_ENOTFOUND, "no data directory %s: %s", datadir,
		                    strerror(errno));
	if (!resolved(t, !strncmp(uri, "file://", 7) ? uri + 7 : uri))
		return cu_error_set(CU_EINVALID, "cannot resolve the backup location %s", uri);
	if (beneath(t, d) || beneath(d, t))
		return cu_error_set(
		    CU_EINVALID,
		    "the backup location %s %s the data directory %s: a"
		    " backup must be kept apart from what it backs up (another disk,"
		    " machine or bucket)",
		    uri,
		    !strcmp(t, d)   ? "is"
		    : beneath(t, d) ? "lies inside"
		                    : "contains",
		    datadir);
	return 0;
}

/*
 * The ciphertext SHA-256 and size of every blob the latest backup at the
 * target recorded ({name: [size, sha256]}), if the node key signed its
 * manifest; else an empty object (no backup yet, an older format, a
 * rotated signing key): those blobs are then read once and recorded anew.
 */
static json_t *recorded_blobs(target *t, const char *datadir)
{
	json_t *idv = NULL, *m = NULL, *obj = NULL;
	cu_identity idn;
	char name[128], *note = NULL;
	size_t len;
	if (backup_ids(t, &idv) == 0 && json_array_size(idv) &&
	    cu_identity_load(&idn, datadir) == 0) {
		snprintf(name, sizeof(name), "%s.manifest",
		         json_string_value(json_array_get(idv, json_array_size(idv) - 1)));
		if (get_bytes(t->meta, name, &note, &len, NULL) == 0 &&
		    open_manifest(&m, note, len, idn.pk) == 0)
			obj = json_object_get(json_object_get(m, "blobs"), "objects");
		cu_identity_wipe(&idn);
	}
	obj = json_is_object(obj) ? json_incref(obj) : json_object();
	cu_error_clear();
	free(note);
	json_decref(m);
	json_decref(idv);
	return obj;
}

/*
 * Each blob of names at the target (but those erased since the snapshot)
 * against what the latest backup recorded of it, and the record of this
 * backup into objects. A recorded blob costs a stat on a directory target
 * (its size) and nothing on S3; --verify (full) or a blob without a record
 * (copied now, or never recorded) is read whole and its SHA-256 compared.
 * Each mismatch goes to damaged as {blob_name, recorded, found, item, case,
 * blob: content|text}.
 */
static int check_target_blobs(target *t, cu_core *src, const json_t *prev, const char (*names)[65],
                              size_t n, const json_t *missing, bool full, json_t *objects,
                              json_t *damaged, uint64_t *bytes_read)
{
	for (size_t j = 0; j < n; j++) {
		const json_t *rec = json_object_get(prev, names[j]), *x;
		char hex[65] = "";
		uint64_t size = 0;
		size_t k;
		bool bad = false;
		int r;
		if ((r = cu_interrupt_check()) != 0)
			return r;
		json_array_foreach(missing, k,
		                   x) if (!strcmp(json_string_value(x), names[j])) break;
		if (k < json_array_size(missing))
			continue;
		int64_t rsize = -1;
		const char *rsha = NULL;
		if (json_is_array(rec) && json_array_size(rec) == 2) {
			rsize = json_integer_value(json_array_get(rec, 0));
			rsha = json_string_value(json_array_get(rec, 1));
		}
		if (rsha && !full) {
			struct stat st;
			char path[PATH_MAX + 200];
			snprintf(path, sizeof(path), "%s/blobs/%.2s/%s", t->dir, names[j],
			         names[j]);
			if (t->dir[0] && stat(path, &st) == 0 && (int64_t)st.st_size != rsize) {
				bad = true;
				size = (uint64_t)st.st_size;
			}
			json_object_set(objects, names[j], (json_t *)rec);
		} else {
			if ((r = object_sha(t->blobs, names[j], hex, &size)) != 0)
				return r == CU_ENOTFOUND
				           ? cu_error_set(CU_EVERIFY,
				                          "blob %s vanished from "
				                          "the backup location while it was "
				                          "backed up",
				                          names[j])
				           : r;
			*bytes_read += size;
			bad = rsha && (strcmp(hex, rsha) != 0 || (int64_t)size != rsize);
			json_object_set_new(objects, names[j],
			                    json_pack("[I, s]", (json_int_t)size, hex));
		}
		if (bad) {
			json_t *d = json_pack("{s:s, s:{s:I, s:s}, s:{s:I}}", "blob_name", names[j],
			                      "recorded", "size", (json_int_t)rsize, "sha256", rsha,
			                      "found", "size", (json_int_t)size),
			       *owner = blob_owner(src, names[j]);
			if (hex[0])
				json_object_set_new(json_object_get(d, "found"), "sha256",
				                    json_string(hex));
			if (owner)
				json_object_update(d, owner);
			json_decref(owner);
			json_array_append_new(damaged, d);
		}
	}
	return 0;
}

static void note_missing(void *ctx, const char *name)
{
	json_array_append_new((json_t *)ctx, json_string(name));
}

/* The staging directory of a backup: links to the keys, the snapshot. */
static int stage_snapshot(const char *stage, cu_core *src, json_t **snap)
{
	char dest[64], link[PATH_MAX + 64];
	int r;
	if (mkdir(stage, 0700) != 0)
		return cu_error_set(CU_EIO, "cannot create %s: %s", stage, strerror(errno));
	for (int i = 0; key_files[i]; i++) {
		snprintf(dest, sizeof(dest), "../%s", key_files[i]);
		snprintf(link, sizeof(link), "%s/%s", stage, key_files[i]);
		if (symlink(dest, link) != 0)
			return cu_error_set(CU_EIO, "cannot link %s: %s", link, strerror(errno));
	}
	return (r = cu_store_snapshot(src->store, stage, snap)) != 0 ? r : 0;
}

/*
 * One backup of a data directory at a time (DATA/backup.lock, an flock the
 * kernel drops with the process). Holding it, the staging directories that
 * crashed backups left are removed: they hold the records in the clear.
 */
static int backup_lock(int *fd, const char *datadir)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%.3900s/backup.lock", datadir);
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (*fd < 0)
		return cu_error_set(CU_EIO, "cannot open %s: %s", path, strerror(errno));
	if (flock(*fd, LOCK_EX | LOCK_NB) != 0) {
		close(*fd);
		*fd = -1;
		return cu_error_set(CU_ECONFLICT, "another backup of %s is running", datadir);
	}
	DIR *d = opendir(datadir);
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		if (!strncmp(e->d_name, "backup-", 7) && n > 11 && !strcmp(e->d_name + n - 4, ".tmp")) {
			char dir[PATH_MAX + 256];
			snprintf(dir, sizeof(dir), "%.3900s/%.200s", datadir, e->d_name);
			rm_tree(dir);
		}
	}
	if (d)
		closedir(d);
	return 0;
}

int cu_backup_make(json_t **out, const char *datadir, const char *target_uri,
                   const char *passphrase, bool verify)
{
	int lock = -1;
	cu_core_config cfg = {.datadir = datadir};
	cu_core *src = NULL, *snap = NULL;
	target t = {0};
	json_t *m = NULL, *snapinfo = NULL, *cp = NULL, *missing = json_array(), *keys = NULL;
	json_t *rec = json_object(), *prev = NULL, *objects = json_object(),
	       *damaged = json_array();
	uint64_t checked_bytes = 0;
	char id[64], stage[PATH_MAX], path[PATH_MAX + 64], name[128], digest[65], now[CU_TS_LEN];
	char (*names)[65] = NULL, *note = NULL, *keytext = NULL, *sealed = NULL;
	uint8_t rkey[CU_KEY_LEN], buf[512], sha[32];
	size_t nnames = 0, len;
	cu_vault_copy_stats bs = {0};
	bool staged = false;
	int placed = 0; /* objects of this backup at the target: 1 records, 2 and keys */
	int r;
	*out = NULL;
	new_id(id);
	snprintf(stage, sizeof(stage), "%.3900s/backup-%s.tmp", datadir, id);
	cu_key_new(rkey);
	if (!passphrase || !*passphrase) {
		r = cu_error_set(CU_EINVALID, "a backup needs a passphrase");
		goto out;
	}
	/* The target first: a wrong location fails before any work (or folder). */
	if ((r = target_apart(datadir, target_uri)) != 0 ||
	    (r = target_open(&t, target_uri, true)) != 0 || (r = cu_core_open(&src, &cfg)) != 0 ||
	    (r = backup_lock(&lock, datadir)) != 0)
		goto out;
	prev = recorded_blobs(&t, datadir);
	/* 1. The records, one snapshot, while the server goes on. */
	cu_time_now(now);
	staged = true;
	if ((r = stage_snapshot(stage, src, &snapinfo)) != 0)
		goto out;
	/* 2. The snapshot as an installation: its tree's checkpoint (signed into
	 *    it if the latest does not cover it) and the blobs it names. */
	cfg.datadir = stage;
	if ((r = cu_core_open(&snap, &cfg)) != 0 || (r = cu_ledger_checkpoint(snap, &cp, false)) != 0 ||
	    (r = blob_names(snap, &names, &nnames, digest)) != 0)
		goto out;
	int schema = cu_store_schema_version(snap->store);
	cu_core_close(snap);
	snap = NULL;
	snprintf(path, sizeof(path), "%s/custodia.db-wal", stage);
	struct stat sb;
	if (stat(path, &sb) == 0 && sb.st_size > 0) {
		r = cu_error_set(CU_EIO, "the snapshot's write-ahead log was not folded in");
		goto out;
	}
	if ((r = cu_interrupt_check()) != 0)
		goto out;
	/* 3. Every blob the snapshot names that the target lacks: immutable and
	 *    content-addressed, so what is there is that blob. One erased since
	 *    the snapshot is reported, not copied. */
	if ((r = cu_bstore_copy(cu_vault_bstore(src->vault), t.blobs, (const char (*)[65])names,
	                        nnames, CU_BCOPY_SKIP_PRESENT | CU_BCOPY_SKIP_MISSING, &bs,
	                        note_missing, missing)) != 0)
		goto out;
	/* 3b. What the target holds against what earlier backups recorded: a
	 *     damaged blob there would make this backup (and the earlier ones
	 *     that share it) unrestorable, so no manifest is written over it. */
	if ((r = check_target_blobs(&t, src, prev, (const char(*)[65])names, nnames, missing,
	                            verify, objects, damaged, &checked_bytes)) != 0)
		goto out;
	if (json_array_size(damaged)) {
		const json_t *d = json_array_get(damaged, 0);
		char what[400];
		blob_words(what, sizeof(what), cu_json_str(d, "blob_name"), d);
		int64_t there = cu_json_int(json_object_get(d, "found"), "size", -1);
		int64_t recorded = cu_json_int(json_object_get(d, "recorded"), "size", -1);
		r = cu_error_set(
		    CU_EVERIFY,
		    "%zu blob(s) at the backup location differ from what an"
		    " earlier backup recorded, the first %s: %s. Remove each from"
		    " %s/blobs and back up again, which copies it anew from the data"
		    " directory (docs/backup.md, \"Damaged blobs\"); --json lists them all",
		    json_array_size(damaged), what,
		    there == recorded ? "same size, other SHA-256" : "another size",
		    t.dir[0] ? t.dir : target_uri);
		*out = json_pack("{s:b, s:s, s:O}", "ok", 0, "error", cu_error_message(r),
		                 "damaged", damaged);
		goto out;
	}
	if ((r = cu_interrupt_check()) != 0)
		goto out;
	/* 4. The records, encrypted with a key of this backup. */
	snprintf(path, sizeof(path), "%s/custodia.db", stage);
	snprintf(name, sizeof(name), "%s.records", id);
	if ((r = put_records(t.meta, name, path, id, rkey, rec)) != 0)
		goto out;
	placed = 1;
	if ((r = cu_interrupt_check()) != 0)
		goto out;
	/* 5. The keys, sealed with the passphrase (one Argon2id). */
	keys = json_pack("{s:s, s:s}", "format", FORMAT, "id", id);
	for (int i = 0; key_files[i]; i++) {
		char b64[700];
		if ((r = read_file(datadir, key_files[i], buf, sizeof(buf), &len)) != 0)
			goto out;
		cu_base64(b64, buf, len);
		json_object_set_new(keys, key_files[i], json_string(b64));
		cu_wipe(b64, sizeof(b64));
	}
	{
		char b64[64];
		cu_base64(b64, rkey, sizeof(rkey));
		json_object_set_new(keys, "records.key", json_string(b64));
		cu_wipe(b64, sizeof(b64));
	}
	snprintf(name, sizeof(name), "backup:%s", id);
	if (!(keytext = json_dumps(keys, JSON_COMPACT))) {
		r = cu_error_set(CU_ENOMEM, "out of memory");
		goto out;
	}
	if ((r = cu_seal(&sealed, keytext, strlen(keytext), passphrase, name)) != 0)
		goto out;
	snprintf(name, sizeof(name), "%s.keys", id);
	if ((r = put_bytes(t.meta, name, sealed, strlen(sealed))) != 0)
		goto out;
	placed = 2;
	cu_sha256(sha, sealed, strlen(sealed));
	char keyhex[65];
	hex32(keyhex, sha);
	/* 6. The manifest, signed, last: an interrupt after it is too late. */
	if ((r = cu_interrupt_check()) != 0)
		goto out;
	if ((r = read_file(datadir, "node.pub", buf, sizeof(buf), &len)) != 0)
		goto out;
	m = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:{s:O, s:O, s:O}, s:O,"
	              " s:{s:s, s:I, s:s}, s:{s:I, s:s, s:I, s:I, s:I, s:O}}",
	              "format", FORMAT, "id", id, "created_at", now, "custodia_version", CU_VERSION,
	              "schema_version", schema, "engine",
	              cu_store_is_pg(src->store) ? "postgresql" : "sqlite",
	              "ledger", "size", json_object_get(cp, "size"), "root",
	              json_object_get(cp, "root"), "checkpoint", json_object_get(cp, "note"),
	              "records", rec,
	              "keys", "object", name, "size", (json_int_t)strlen(sealed), "sha256", keyhex,
	              "blobs", "count", (json_int_t)nnames, "names_sha256", digest, "copied",
	              (json_int_t)bs.blobs, "already_there", (json_int_t)bs.skipped, "bytes_copied",
	              (json_int_t)bs.bytes, "missing", missing);
	if (m) {
		json_t *bl = json_object_get(m, "blobs");
		json_object_set(bl, "objects", objects);
		json_object_set_new(bl, "bytes_checked", json_integer((json_int_t)checked_bytes));
	}
	if (!m) {
		r = cu_error_set(CU_ENOMEM, "out of memory");
		goto out;
	}
	json_object_set(json_object_get(m, "records"), "snapshot", snapinfo);
	if ((r = sign_manifest(&note, m, datadir)) != 0)
		goto out;
	snprintf(name, sizeof(name), "%s.manifest", id);
	if ((r = put_bytes(t.meta, name, note, strlen(note))) != 0)
		goto out;
	*out = json_incref(m);
	placed = 0;
out:
	/* A backup without its manifest is no backup: its records and keys go
	 * (the blobs stay, shared and content-addressed). */
	if (placed) {
		char msg[512], obj[128];
		snprintf(msg, sizeof(msg), "%s", cu_error_message(r)); /* the failure's, kept */
		for (int i = 0; i < placed; i++) {
			snprintf(obj, sizeof(obj), "%s.%s", id, i == 0 ? "records" : "keys");
			t.meta->ops->remove(t.meta, obj);
		}
		cu_error_set(r, "%s", msg);
	}
	cu_wipe(rkey, sizeof(rkey));
	cu_wipe(buf, sizeof(buf));
	if (keytext) {
		cu_wipe(keytext, strlen(keytext));
		free(keytext);
	}
	json_decref(keys); /* jansson's copies of the keys are not wiped: freed at once */
	free(sealed);
	free(note);
	free(names);
	json_decref(m);
	json_decref(snapinfo);
	json_decref(cp);
	json_decref(missing);
	json_decref(rec);
	json_decref(prev);
	json_decref(objects);
	json_decref(damaged);
	cu_core_close(snap);
	cu_core_close(src);
	target_close(&t);
	if (staged)
		rm_tree(stage);
	if (lock >= 0)
		close(lock);
	return r;
}

/* ---- list --------------------------------------------------------------- */

typedef struct ids {
	json_t *v;
} ids;

static int collect_manifest(void *ctx, const char *name)
{
	size_t n = strlen(name);
	if (n > 9 && !strcmp(name + n - 9, ".manifest"))
		json_array_append_new(((ids *)ctx)->v, json_stringn(name, n - 9));
	return 0;
}

static int cmp_json_str(const void *a, const void *b)
{
	return strcmp(json_string_value(*(json_t *const *)a), json_string_value(*(json_t *const *)b));
}

/* The ids of target's backups, sorted (oldest first). */
static int backup_ids(target *t, json_t **out)
{
	ids c = {json_array()};
	int r = t->meta->ops->list(t->meta, collect_manifest, &c);
	if (r) {
		json_decref(c.v);
		return r;
	}
	size_t n = json_array_size(c.v);
	json_t **v = calloc(n + 1, sizeof(json_t *)), *sorted = json_array();
	for (size_t i = 0; v && i < n; i++)
		v[i] = json_array_get(c.v, i);
	if (v)
		qsort(v, n, sizeof(json_t *), cmp_json_str);
	for (size_t i = 0; v && i < n; i++)
		json_array_append(sorted, v[i]);
	free(v);
	json_decref(c.v);
	*out = sorted;
	return 0;
}

int cu_backup_list(json_t **out, const char *target_uri)
{
	target t;
	json_t *idv = NULL, *list = json_array(), *x, *m;
	size_t i, len;
	char name[128], *note;
	int r;
	*out = NULL;
	if ((r = target_open(&t, target_uri, false)) != 0 || (r = backup_ids(&t, &idv)) != 0)
		goto out;
	json_array_foreach(idv, i, x) {
		snprintf(name, sizeof(name), "%s.manifest", json_string_value(x));
		if ((r = get_bytes(t.meta, name, &note, &len, NULL)) != 0)
			goto out;
		r = open_manifest(&m, note, len, NULL);
		free(note);
		if (r)
			goto out;
		json_array_append_new(list, json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:O}", "id",
		                                      json_object_get(m, "id"), "created_at",
		                                      json_object_get(m, "created_at"), "engine",
		                                      json_object_get(m, "engine"), "ledger_size",
		                                      json_object_get(json_object_get(m, "ledger"),
		                                                      "size"),
		                                      "blobs", json_object_get(json_object_get(m, "blobs"),
		                                                               "count"),
		                                      "blobs_copied",
		                                      json_object_get(json_object_get(m, "blobs"),
		                                                      "copied"),
		                                      "records_bytes",
		                                      json_object_get(json_object_get(m, "records"),
		                                                      "size")));
		json_decref(m);
	}
	*out = json_incref(list);
out:
	json_decref(idv);
	json_decref(list);
	target_close(&t);
	return r;
}

/* ---- restore ------------------------------------------------------------ */

/* `to` may not exist, or be an empty directory. */
static int vacant_dir(const char *to)
{
	struct stat st;
	if (stat(to, &st) != 0)
		return errno == ENOENT ? 0 : cu_error_set(CU_EIO, "cannot read %s: %s", to,
		                                          strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return cu_error_set(CU_EEXISTS, "%s exists and is not a directory", to);
	DIR *d = opendir(to);
	struct dirent *e;
	bool empty = true;
	while (d && empty && (e = readdir(d)))
		empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	if (!d)
		return cu_error_set(CU_EIO, "cannot read %s: %s", to, strerror(errno));
	return empty ? 0 : cu_error_set(CU_EEXISTS, "%s is not empty: restore goes into a new"
	                                " data directory", to);
}

typedef struct restoring {
	const cu_restore_opts *o;
	target t;
	char id[64], stage[PATH_MAX], url[2048];
	json_t *m, *keys, *rep;
	bool made_db, staged;
} restoring;

static int write_keys(restoring *x)
{
	for (int i = 0; key_files[i]; i++) {
		uint8_t buf[512];
		size_t len = 0;
		const char *b64 = cu_json_str(x->keys, key_files[i]);
		int r;
		if (!b64 || cu_unbase64(buf, &len, sizeof(buf), b64) != 0)
			return cu_error_set(CU_EVERIFY, "the backup's sealed keys lack %s", key_files[i]);
		r = write_file(x->stage, key_files[i], buf, len,
		               strcmp(key_files[i], "node.pub") ? 0600 : 0644);
		cu_wipe(buf, sizeof(buf));
		if (r)
			return r;
	}
	return 0;
}

/* Manifest and keys: the keys unsealed with the passphrase, and the manifest
 * trusted only once the node key they hold has signed it. */
static int load_backup(restoring *x)
{
	json_t *idv = NULL, *unsigned_m = NULL;
	char name[128], *note = NULL, *sealed = NULL, hex[65];
	uint8_t plain[CU_SEAL_MAX + 1], pk[32], sha[32];
	size_t nlen, slen, plen = 0;
	int r;
	if (x->o->id) {
		if (!id_ok(x->o->id))
			return cu_error_set(CU_EINVALID, "not a backup id: %s", x->o->id);
		snprintf(x->id, sizeof(x->id), "%s", x->o->id);
	} else {
		if ((r = backup_ids(&x->t, &idv)) != 0)
			return r;
		if (!json_array_size(idv)) {
			json_decref(idv);
			return cu_error_set(CU_ENOTFOUND, "no backups at %s", x->o->from);
		}
		snprintf(x->id, sizeof(x->id), "%s",
		         json_string_value(json_array_get(idv, json_array_size(idv) - 1)));
		json_decref(idv);
	}
	snprintf(name, sizeof(name), "%s.manifest", x->id);
	if ((r = get_bytes(x->t.meta, name, &note, &nlen, NULL)) != 0)
		goto out;
	if ((r = open_manifest(&unsigned_m, note, nlen, NULL)) != 0)
		goto out;
	snprintf(name, sizeof(name), "%s.keys", x->id);
	if ((r = get_bytes(x->t.meta, name, &sealed, &slen, sha)) != 0) {
		if (r == CU_ENOTFOUND)
			r = cu_error_set(CU_EVERIFY, "the backup's keys (%s) are missing", name);
		goto out;
	}
	snprintf(name, sizeof(name), "backup:%s", x->id);
	while (slen && (sealed[slen - 1] == '\n'))
		sealed[--slen] = '\0';
	if ((r = cu_unseal(plain, &plen, CU_SEAL_MAX, sealed, x->o->passphrase, name)) != 0) {
		if (r == CU_EAUTH)
			r = cu_error_set(CU_EAUTH, "wrong passphrase for backup %s (or its sealed keys"
			                 " were altered)", x->id);
		else
			r = cu_error_set(CU_EVERIFY, "the backup's keys are not a seal of backup %s",
			                 x->id);
		goto out;
	}
	plain[plen] = '\0';
	json_error_t e;
	x->keys = json_loadb((const char *)plain, plen, 0, &e);
	cu_wipe(plain, sizeof(plain));
	if (!x->keys || strcmp(cu_json_str(x->keys, "id") ? cu_json_str(x->keys, "id") : "",
	                       x->id) != 0) {
		r = cu_error_set(CU_EVERIFY, "the backup's sealed keys are not backup %s's", x->id);
		goto out;
	}
	/* The node key the seal holds, as its file gives it: the manifest must
	 * carry its signature. */
	cu_identity idn;
	if ((r = write_keys(x)) != 0 || (r = cu_identity_load(&idn, x->stage)) != 0)
		goto out;
	memcpy(pk, idn.pk, 32);
	cu_identity_wipe(&idn);
	if ((r = open_manifest(&x->m, note, nlen, pk)) != 0)
		goto out;
	hex32(hex, sha);
	if (strcmp(cu_json_str(x->m, "id") ? cu_json_str(x->m, "id") : "", x->id) != 0) {
		r = cu_error_set(CU_EVERIFY, "manifest %s describes another backup", x->id);
		goto out;
	}
	json_t *k = json_object_get(x->m, "keys");
	if (strcmp(cu_json_str(k, "sha256") ? cu_json_str(k, "sha256") : "", hex) != 0) {
		r = cu_error_set(CU_EVERIFY, "the backup's sealed keys are not the ones its manifest"
		                 " names");
		goto out;
	}
	if (cu_json_int(x->m, "schema_version", 0) > cu_store_schema_latest()) {
		r = cu_error_set(CU_ESCHEMA, "backup %s has schema version %lld, newer than this"
		                 " custodia's %d", x->id,
		                 (long long)cu_json_int(x->m, "schema_version", 0),
		                 cu_store_schema_latest());
		goto out;
	}
out:
	json_decref(unsigned_m);
	free(note);
	if (sealed)
		free(sealed);
	return r;
}

/* The records into the staging directory: the SQLite file itself, or copied
 * into a new PostgreSQL database. */
static int restore_records(restoring *x, bool *reindex)
{
	uint8_t key[CU_KEY_LEN];
	size_t len = 0;
	char path[PATH_MAX + 128], tmpdir[PATH_MAX + 64];
	const char *b64 = cu_json_str(x->keys, "records.key");
	json_t *rec = json_object_get(x->m, "records"), *copy = NULL;
	cu_store *from = NULL, *to = NULL;
	int r;
	if (!b64 || cu_unbase64(key, &len, sizeof(key), b64) != 0 || len != CU_KEY_LEN)
		return cu_error_set(CU_EVERIFY, "the backup's sealed keys lack the records key");
	*reindex = x->o->db || !strcmp(cu_json_str(x->m, "engine") ? cu_json_str(x->m, "engine") :
	                               "", "postgresql");
	if (!x->o->db) {
		snprintf(path, sizeof(path), "%s/custodia.db", x->stage);
		r = get_records(x->t.meta, rec, path, x->id, key);
		cu_wipe(key, sizeof(key));
		return r;
	}
	snprintf(tmpdir, sizeof(tmpdir), "%s/records.tmp", x->stage);
	snprintf(path, sizeof(path), "%s/custodia.db", tmpdir);
	if (mkdir(tmpdir, 0700) != 0) {
		cu_wipe(key, sizeof(key));
		return cu_error_set(CU_EIO, "cannot create %s: %s", tmpdir, strerror(errno));
	}
	r = get_records(x->t.meta, rec, path, x->id, key);
	cu_wipe(key, sizeof(key));
	if (r || (r = cu_store_pg_vacant(x->o->db)) != 0 || (r = cu_store_open(&from, tmpdir, false)))
		goto out;
	/* cu_store_open makes the database (if the URL names none), records it in
	 * the staging directory and creates its schema, as init does. */
	setenv("CUSTODIA_DB", x->o->db, 1);
	r = cu_store_open(&to, x->stage, true);
	unsetenv("CUSTODIA_DB");
	char urlpath[PATH_MAX + 64];
	snprintf(urlpath, sizeof(urlpath), "%s/database", x->stage);
	if (cu_line_read(urlpath, x->url, sizeof(x->url)) == 0 && x->url[0])
		x->made_db = strcmp(x->url, x->o->db) != 0;
	if (r || (r = cu_store_copy(from, to, &copy)) != 0)
		goto out;
	json_object_set_new(x->rep, "copy", json_pack("{s:O, s:O}", "rows",
	                                              json_object_get(copy, "rows"), "tables",
	                                              json_integer((json_int_t)json_object_size(
	                                                      json_object_get(copy, "tables")))));
out:
	json_decref(copy);
	cu_store_close(from);
	cu_store_close(to);
	rm_tree(tmpdir);
	return r;
}

static int restore_blobs(restoring *x, json_t **stats)
{
	cu_vault *v = NULL;
	cu_core_config cfg = {.datadir = x->stage};
	cu_core *c = NULL;
	char (*names)[65] = NULL, digest[65];
	size_t n = 0;
	cu_vault_copy_stats st = {0};
	json_t *bl = json_object_get(x->m, "blobs"), *gone = json_object_get(bl, "missing");
	json_t *lost = json_array();
	int r;
	*stats = NULL;
	/* The vault records the blob store (--blobs) in the staging directory. */
	if ((r = cu_vault_open_at(&v, x->stage, x->o->blobs)) != 0)
		goto out;
	cu_vault_close(v);
	v = NULL;
	if ((r = cu_core_open(&c, &cfg)) != 0 || (r = blob_names(c, &names, &n, digest)) != 0)
		goto out;
	if ((int64_t)n != cu_json_int(bl, "count", -1) ||
	    strcmp(digest, cu_json_str(bl, "names_sha256") ? cu_json_str(bl, "names_sha256") : "")) {
		r = cu_error_set(CU_EVERIFY, "the restored records name %zu blobs, the manifest %lld"
		                 " (or other ones)", n, (long long)cu_json_int(bl, "count", -1));
		goto out;
	}
	if ((r = cu_bstore_copy(x->t.blobs, cu_vault_bstore(c->vault), (const char (*)[65])names, n,
	                        CU_BCOPY_SKIP_MISSING, &st, note_missing, lost)) != 0)
		goto out;
	/* Only the blobs the backup said it could not take may be absent. */
	size_t i, k;
	json_t *a, *b;
	json_array_foreach(lost, i, a) {
		json_array_foreach(gone, k, b)
			if (json_equal(a, b))
				break;
		if (k == json_array_size(gone)) {
			r = cu_error_set(CU_EVERIFY, "blob %s is missing from the backup location",
			                 json_string_value(a));
			goto out;
		}
	}
	*stats = json_pack("{s:I, s:I, s:I, s:s}", "copied", (json_int_t)st.blobs, "bytes",
	                   (json_int_t)st.bytes, "erased_after_snapshot", (json_int_t)st.missing,
	                   "store", cu_vault_store_kind(c->vault));
out:
	json_decref(lost);
	free(names);
	cu_core_close(c);
	return r;
}

/*
 * The evidence check's problems made exact: each gets its blob's name, its
 * item's case, and where the damage is, from what this backup recorded of
 * the blob against what the backup location holds now. Returns the
 * CU_EVERIFY that refuses the restore, naming the first.
 */
static int explain_problems(restoring *x, cu_core *c, json_t *problems)
{
	const json_t *recorded = json_object_get(json_object_get(x->m, "blobs"), "objects");
	json_t *p, *items = NULL, *b = NULL;
	char first[1200] = "";
	size_t i, k;
	if (cu_store_item_blobs(c->store, &items, 0) != 0)
		cu_error_clear();
	json_array_foreach(problems, i, p) {
		int64_t id = cu_json_int(p, "item", 0), case_id = -1;
		const char *sha = NULL, *where;
		json_t *ex = NULL, *owner = NULL;
		json_array_foreach(items, k, b) if (cu_json_int(b, "id", 0) == id) break;
		if (!b || k == json_array_size(items))
			continue;
		case_id = cu_json_int(b, "case_id", 0);
		sha = cu_json_str(b, "sha256");
		if (!strcmp(cu_json_str(p, "blob") ? cu_json_str(p, "blob") : "", "text") &&
		    cu_store_extract_get(c->store, &ex, id) == 0)
			sha = cu_json_str(ex, "sha256");
		cu_error_clear();
		uint8_t raw[32];
		char name[65] = "", hex[65] = "";
		uint64_t size = 0;
		if (sha && cu_unhex32(raw, sha) == 0)
			cu_blob_name(c->vault, name, case_id, raw);
		json_t *rec = json_object_get(recorded, name);
		const char *rsha = json_string_value(json_array_get(rec, 1));
		if (!name[0])
			where = "unknown";
		else if (object_sha(x->t.blobs, name, hex, &size) != 0)
			where = "missing from the backup location";
		else if (!rsha)
			where = "the backup location's copy does not authenticate (this backup "
			        "recorded no"
			        " hash of it: made by an earlier custodia)";
		else if (strcmp(rsha, hex) != 0 ||
		         (int64_t)size != json_integer_value(json_array_get(rec, 0)))
			where = "altered in the backup location after the backup recorded it";
		else
			where = "already damaged in the data directory when it was backed up (the "
			        "backup"
			        " location holds the bytes it had; 'custodia evidence verify' "
			        "there names it)";
		cu_error_clear();
		json_decref(ex);
		json_object_set_new(p, "blob_name", json_string(name));
		json_object_set_new(p, "case_id", json_integer((json_int_t)case_id));
		json_object_set_new(p, "where", json_string(where));
		if (name[0] && (owner = blob_owner(c, name)) && cu_json_str(owner, "case"))
			json_object_set_new(p, "case", json_string(cu_json_str(owner, "case")));
		if (!first[0]) {
			char what[400];
			json_object_set_new(p, "item", json_integer((json_int_t)id));
			blob_words(what, sizeof(what), name[0] ? name : "?", owner ? owner : p);
			snprintf(first, sizeof(first), "%s, %s: %s", what, cu_json_str(p, "status"),
			         where);
		}
		json_decref(owner);
	}
	json_decref(items);
	return cu_error_set(
	    CU_EVERIFY,
	    "%zu evidence blob(s) of backup %s do not authenticate, so"
	    " it is not restored (a restore must not drop evidence silently): %s%s."
	    " See docs/backup.md, \"Damaged blobs\"",
	    json_array_size(problems), x->id, first[0] ? first : "see --json",
	    json_array_size(problems) > 1 ? "; --json's evidence.problems lists every one" : "");
}

static bool same(const json_t *a, const char *ka, const json_t *b, const char *kb)
{
	return json_equal(json_object_get(a, ka), json_object_get(b, kb));
}

static int check_result(restoring *x, bool reindex)
{
	cu_core_config cfg = {.datadir = x->stage};
	cu_core *c = NULL;
	json_t *search = NULL, *lv = NULL, *cp = NULL, *ev = NULL;
	json_t *ml = json_object_get(x->m, "ledger");
	int r;
	if ((r = cu_core_open(&c, &cfg)) != 0)
		goto out;
	if (reindex && (r = cu_search_reindex(c, NULL, &search)) != 0)
		goto out;
	if (search)
		json_object_set(x->rep, "search", search);
	if ((r = cu_ledger_verify(c, &lv, false)) != 0 ||
	    (r = cu_store_checkpoint_latest(c->store, &cp)) != 0)
		goto out;
	json_object_set_new(x->rep, "ledger",
	                    json_pack("{s:O?, s:O?, s:O?, s:O?, s:O?}", "ok", json_object_get(lv, "ok"),
	                              "size", json_object_get(lv, "size"), "root",
	                              json_object_get(ml, "root"), "checkpoints",
	                              json_object_get(lv, "checkpoints"), "first_bad_index",
	                              json_object_get(lv, "first_bad_index")));
	if (!json_is_true(json_object_get(lv, "ok"))) {
		r = cu_error_set(CU_EVERIFY, "the restored ledger does not verify (first bad index"
		                 " %lld)", (long long)cu_json_int(lv, "first_bad_index", -1));
		goto out;
	}
	/* verify gives the root in base64, a checkpoint in hex. */
	uint8_t root[32];
	size_t rlen = 0;
	char rhex[65] = "";
	if (cu_unbase64(root, &rlen, sizeof(root), cu_json_str(lv, "root") ?
	                cu_json_str(lv, "root") : "") == 0 && rlen == 32)
		hex32(rhex, root);
	if (!same(lv, "size", ml, "size") ||
	    strcmp(rhex, cu_json_str(ml, "root") ? cu_json_str(ml, "root") : "") != 0) {
		r = cu_error_set(CU_EVERIFY, "the restored ledger (%lld entries, root %s) is not the"
		                 " one the manifest names (%lld, %s)", (long long)cu_json_int(lv, "size", 0),
		                 cu_json_str(lv, "root"), (long long)cu_json_int(ml, "size", 0),
		                 cu_json_str(ml, "root"));
		goto out;
	}
	if (!same(cp, "size", ml, "size") || !same(cp, "root", ml, "root") ||
	    !same(cp, "note", ml, "checkpoint")) {
		r = cu_error_set(CU_EVERIFY, "the restored latest checkpoint is not the manifest's");
		goto out;
	}
	if ((r = cu_evidence_authenticate(c, json_object_get(json_object_get(x->m, "blobs"), "missing"),
	                        &ev)) != 0)
		goto out;
	json_object_set(x->rep, "evidence", ev);
	if (!json_is_true(json_object_get(ev, "ok")))
		r = explain_problems(x, c, json_object_get(ev, "problems"));
out:
	json_decref(search);
	json_decref(lv);
	json_decref(cp);
	json_decref(ev);
	cu_core_close(c);
	return r;
}

int cu_backup_restore(json_t **out, const cu_restore_opts *o)
{
	restoring x = {.o = o};
	json_t *blobs = NULL;
	char parent[PATH_MAX], base[PATH_MAX];
	bool reindex = false;
	int r;
	*out = NULL;
	x.rep = json_object();
	if (!o->to || !*o->to || !o->passphrase || !*o->passphrase) {
		r = cu_error_set(CU_EINVALID, "restore needs a data directory and a passphrase");
		goto out;
	}
	if (strlen(o->to) > PATH_MAX - 300) {
		r = cu_error_set(CU_EINVALID, "data directory path too long");
		goto out;
	}
	/* The staging directory beside `to`: the same file system, so one rename. */
	snprintf(parent, sizeof(parent), "%s", o->to);
	while (strlen(parent) > 1 && parent[strlen(parent) - 1] == '/')
		parent[strlen(parent) - 1] = '\0';
	const char *slash = strrchr(parent, '/');
	snprintf(base, sizeof(base), "%s", slash ? slash + 1 : parent);
	if (slash)
		parent[slash == parent ? 1 : slash - parent] = '\0';
	else
		snprintf(parent, sizeof(parent), ".");
	snprintf(x.stage, sizeof(x.stage), "%.3800s/.%.200s.restore.tmp", parent, base);
	/* Not empty: refused before anything is read. */
	if ((r = vacant_dir(o->to)) != 0)
		goto out;
	if ((r = target_open(&x.t, o->from, false)) != 0)
		goto out;
	/* A crashed run's staging directory: ours by its name. */
	rm_tree(x.stage);
	if (mkdir(x.stage, 0700) != 0) {
		r = cu_error_set(CU_EIO, "cannot create %s: %s", x.stage, strerror(errno));
		goto out;
	}
	x.staged = true;
	if ((r = load_backup(&x)) != 0 || (r = cu_interrupt_check()) != 0 ||
	    (r = restore_records(&x, &reindex)) != 0 || (r = cu_interrupt_check()) != 0 ||
	    (r = restore_blobs(&x, &blobs)) != 0 || (r = cu_interrupt_check()) != 0 ||
	    (r = check_result(&x, reindex)) != 0 || (r = cu_interrupt_check()) != 0)
		goto out;
	/* All of it holds: into place (an interrupt from here on is too late). */
	rmdir(o->to);
	if (rename(x.stage, o->to) != 0) {
		r = cu_error_set(CU_EIO, "cannot rename %s to %s: %s", x.stage, o->to, strerror(errno));
		goto out;
	}
	x.staged = false;
	if ((r = sync_dir(parent)) != 0)
		goto out;
	json_object_set_new(x.rep, "backup", json_string(x.id));
	json_object_set_new(x.rep, "to", json_string(o->to));
	json_object_set(x.rep, "created_at", json_object_get(x.m, "created_at"));
	json_object_set(x.rep, "engine", json_object_get(x.m, "engine"));
	json_object_set_new(x.rep, "records", json_string(o->db ? "postgresql" : "sqlite"));
	json_object_set(x.rep, "manifest_ledger", json_object_get(x.m, "ledger"));
	json_object_set(x.rep, "blobs", blobs);
	*out = json_incref(x.rep);
out:
	if (x.staged) {
		char msg[2048];
		snprintf(msg, sizeof(msg), "%s", cu_error_message(r));
		rm_tree(x.stage);
		if (x.made_db)
			cu_store_pg_drop(x.url);
		cu_error_set(r, "%s", msg);
	}
	/* A refused restore reports what it found too (--json): which blob, where. */
	if (r && x.rep) {
		json_object_set_new(x.rep, "ok", json_false());
		json_object_set_new(x.rep, "error", json_string(cu_error_message(r)));
		if (x.id[0])
			json_object_set_new(x.rep, "backup", json_string(x.id));
		json_decref(*out);
		*out = json_incref(x.rep);
	} else if (*out) {
		json_object_set_new(*out, "ok", json_true());
	}
	json_decref(blobs);
	json_decref(x.m);
	json_decref(x.keys);
	json_decref(x.rep);
	target_close(&x.t);
	return r;
}
