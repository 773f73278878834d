/* SPDX-License-Identifier: Apache-2.0 */
/* ledger: C2SP signed-note and tlog-checkpoint encoding, signing, verification. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/note.h"
#include "util/util.h"

static const char dash[] = "\xe2\x80\x94 "; /* U+2014 EM DASH and a space */

bool cu_note_name_valid(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n >= CU_NOTE_NAME_MAX || !cu_utf8_valid(name, n))
		return false;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p <= ' ' || *p == '+' || *p == 0x7f)
			return false;
	return true;
}

static uint32_t key_id(const char *name, uint8_t type, const uint8_t pk[32])
{
	size_t n = strlen(name);
	uint8_t buf[CU_NOTE_NAME_MAX + 34], h[32];
	/* Bytes, not a string: the name, a newline, the type, the key. */
	memcpy(buf, name, n); /* NOLINT(bugprone-not-null-terminated-result) */
	buf[n] = '\n';
	buf[n + 1] = type;
	memcpy(buf + n + 2, pk, 32);
	cu_sha256(h, buf, n + 34);
	return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
}

uint32_t cu_note_key_id(const char *name, const uint8_t pk[32])
{
	return key_id(name, 0x01, pk); /* Ed25519 */
}

uint32_t cu_cosig_key_id(const char *name, const uint8_t pk[32])
{
	return key_id(name, 0x04, pk); /* cosignature/v1 */
}

static int parse_hex8(uint32_t *out, const char *s, size_t n)
{
	uint32_t v = 0;
	if (n != 8)
		return -1;
	for (size_t i = 0; i < 8; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (d < 0)
			return -1;
		v = v << 4 | (uint32_t)d;
	}
	*out = v;
	return 0;
}

/* name "+" hex8 "+" base64(0x01 ‖ 32 bytes): the shared shape of vkeys and skeys. */
static int parse_key_type(char name[CU_NOTE_NAME_MAX], uint32_t *id, uint8_t key[32],
                          const char *s, uint8_t type)
{
	const char *p1 = strchr(s, '+'), *p2 = p1 ? strchr(p1 + 1, '+') : NULL;
	uint8_t raw[64];
	size_t n = 0;
	/* Names hold no '+'; the base64 after the second one may. */
	if (!p1 || !p2 || (size_t)(p1 - s) >= CU_NOTE_NAME_MAX)
		return cu_error_set(CU_EINVALID, "a key is name+hash+base64");
	memcpy(name, s, (size_t)(p1 - s));
	name[p1 - s] = '\0';
	if (!cu_note_name_valid(name) || parse_hex8(id, p1 + 1, (size_t)(p2 - p1 - 1)) != 0 ||
	    cu_unbase64(raw, &n, sizeof(raw), p2 + 1) != 0 || n != 33 || raw[0] != type)
		return cu_error_set(CU_EINVALID, "malformed key");
	memcpy(key, raw + 1, 32);
	return 0;
}

static int parse_key(char name[CU_NOTE_NAME_MAX], uint32_t *id, uint8_t key[32], const char *s)
{
	return parse_key_type(name, id, key, s, 0x01);
}

int cu_note_vkey_parse(cu_note_verifier *out, const char *vkey)
{
	int r = parse_key(out->name, &out->id, out->pk, vkey);
	if (r)
		return r;
	/* The base64 must be canonical: re-encoding gives the same text. */
	char again[300];
	cu_note_vkey_format(again, out->name, out->pk);
	if (strcmp(again + strlen(out->name) + 10, strchr(strchr(vkey, '+') + 1, '+') + 1) != 0)
		return cu_error_set(CU_EINVALID, "malformed key");
	if (cu_note_key_id(out->name, out->pk) != out->id)
		return cu_error_set(CU_EINVALID, "the key hash does not match the key");
	return 0;
}

void cu_note_vkey_format(char out[300], const char *name, const uint8_t pk[32])
{
	uint8_t raw[33];
	char b64[48];
	raw[0] = 0x01;
	memcpy(raw + 1, pk, 32);
	cu_base64(b64, raw, sizeof(raw));
	snprintf(out, 300, "%s+%08x+%s", name, cu_note_key_id(name, pk), b64);
}

int cu_note_skey_parse(cu_identity *out, char name[CU_NOTE_NAME_MAX], const char *skey)
{
	uint8_t seed[32];
	uint32_t id;
	int r;
	if (strncmp(skey, "PRIVATE+KEY+", 12) != 0)
		return cu_error_set(CU_EINVALID, "a signer key starts with PRIVATE+KEY+");
	if ((r = parse_key(name, &id, seed, skey + 12)) != 0)
		return r;
	cu_identity_from_seed(out, seed);
	cu_wipe(seed, sizeof(seed));
	if (cu_note_key_id(name, out->pk) != id) {
		cu_identity_wipe(out);
		return cu_error_set(CU_EINVALID, "the key hash does not match the key");
	}
	return 0;
}

/* Text: UTF-8, ends in "\n", no control characters but "\n". */
static bool text_valid(const char *t, size_t n)
{
	if (n == 0 || t[n - 1] != '\n' || !cu_utf8_valid(t, n))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)t[i];
		if ((c < 0x20 && c != '\n') || c == 0x7f)
			return false;
	}
	return true;
}

int cu_note_sign(char **out, const char *text, const char *name, const cu_identity *id)
{
	size_t n = strlen(text);
	uint8_t sig[68];
	char b64[100];
	int r;
	*out = NULL;
	if (!text_valid(text, n))
		return cu_error_set(CU_EINVALID, "a note's text ends in a newline and has no other "
		                    "control characters");
	if (!cu_note_name_valid(name))
		return cu_error_set(CU_EINVALID, "invalid key name");
	uint32_t kid = cu_note_key_id(name, id->pk);
	sig[0] = (uint8_t)(kid >> 24), sig[1] = (uint8_t)(kid >> 16);
	sig[2] = (uint8_t)(kid >> 8), sig[3] = (uint8_t)kid;
	if ((r = cu_sign(sig + 4, id, text, n)) != 0)
		return r;
	cu_base64(b64, sig, sizeof(sig));
	cu_buf b;
	cu_buf_init(&b, 0);
	if ((r = cu_buf_append(&b, text, n)) != 0 || (r = cu_buf_printf(&b, "\n%s%s %s\n", dash,
	                                                                 name, b64)) != 0) {
		cu_buf_free(&b);
		return r;
	}
	*out = cu_buf_detach(&b);
	return 0;
}

int cu_note_open(char **text, int *verified, const char *note, size_t len,
                 const cu_note_verifier *vs, int nv)
{
	*text = NULL;
	*verified = 0;
	if (len == 0 || !cu_utf8_valid(note, len) || memchr(note, '\0', len) || note[len - 1] != '\n')
		return cu_error_set(CU_EINVALID, "malformed note");
	/* The signatures follow the last blank line. */
	size_t split = 0;
	bool found = false;
	for (size_t i = len - 1; i > 0; i--)
		if (note[i - 1] == '\n' && note[i] == '\n') {
			split = i; /* text is [0, split), signatures start at split + 1 */
			found = true;
			break;
		}
	if (!found || !text_valid(note, split))
		return cu_error_set(CU_EINVALID, "malformed note");
	/* The verifiers with a good signature: each counts once, however many
	 * lines it signed (*verified is compared with how many keys must sign). */
	int good[CU_NOTE_MAX_SIGS], ngood = 0;
	int nsig = 0, r = 0;
	const char *p = note + split + 1, *end = note + len;
	if (p == end)
		return cu_error_set(CU_EINVALID, "malformed note: no signature");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl || (size_t)(nl - p) < sizeof(dash) - 1 || memcmp(p, dash, sizeof(dash) - 1))
			return cu_error_set(CU_EINVALID, "malformed note: bad signature line");
		const char *name = p + sizeof(dash) - 1, *sp = memchr(name, ' ', (size_t)(nl - name));
		if (!sp || ++nsig > CU_NOTE_MAX_SIGS)
			return cu_error_set(CU_EINVALID, "malformed note: bad signature line");
		char nm[CU_NOTE_NAME_MAX], b64[200];
		if ((size_t)(sp - name) >= sizeof(nm) || (size_t)(nl - sp - 1) >= sizeof(b64))
			return cu_error_set(CU_EINVALID, "malformed note: bad signature line");
		memcpy(nm, name, (size_t)(sp - name));
		nm[sp - name] = '\0';
		memcpy(b64, sp + 1, (size_t)(nl - sp - 1));
		b64[nl - sp - 1] = '\0';
		uint8_t sig[150];
		size_t sn = 0;
		if (!cu_note_name_valid(nm) || cu_unbase64(sig, &sn, sizeof(sig), b64) != 0 || sn < 5)
			return cu_error_set(CU_EINVALID, "malformed note: bad signature line");
		uint32_t kid = (uint32_t)sig[0] << 24 | (uint32_t)sig[1] << 16 | (uint32_t)sig[2] << 8 |
		               sig[3];
		for (int i = 0; i < nv; i++) {
			if (vs[i].id != kid || strcmp(vs[i].name, nm) != 0)
				continue;
			if (sn != 68 || cu_verify(sig + 4, vs[i].pk, note, split) != 0) {
				r = cu_error_set(CU_EVERIFY, "invalid signature for key %s", nm);
				continue;
			}
			int g = 0;
			while (g < ngood && good[g] != i)
				g++;
			if (g == ngood) /* ngood <= nsig <= CU_NOTE_MAX_SIGS */
				good[ngood++] = i;
		}
		p = nl + 1;
	}
	if (r)
		return r;
	if ((*verified = ngood) == 0)
		return cu_error_set(CU_EVERIFY, "no known key signed the note");
	if (!(*text = malloc(split + 1)))
		return cu_error_set(CU_ENOMEM, "out of memory");
	memcpy(*text, note, split);
	(*text)[split] = '\0';
	return 0;
}

void cu_cosig_vkey_format(char out[300], const char *name, const uint8_t pk[32])
{
	uint8_t raw[33];
	char b64[48];
	raw[0] = 0x04;
	memcpy(raw + 1, pk, 32);
	cu_base64(b64, raw, sizeof(raw));
	snprintf(out, 300, "%s+%08x+%s", name, cu_cosig_key_id(name, pk), b64);
}

int cu_cosig_vkey_parse(cu_note_verifier *out, const char *vkey)
{
	int r = parse_key_type(out->name, &out->id, out->pk, vkey, 0x04);
	if (r)
		return r;
	char again[300];
	cu_cosig_vkey_format(again, out->name, out->pk);
	if (strcmp(again, vkey) != 0)
		return cu_error_set(CU_EINVALID, "malformed witness key (or its hash does not match)");
	return 0;
}

static int cosig_message(cu_buf *m, uint64_t ts, const char *text)
{
	cu_buf_init(m, 0);
	return cu_buf_printf(m, "cosignature/v1\ntime %llu\n%s", (unsigned long long)ts, text);
}

int cu_cosign(char **line, const char *name, const cu_identity *id, uint64_t ts,
              const char *text)
{
	uint8_t sig[76];
	char b64[120];
	cu_buf m;
	int r;
	*line = NULL;
	if (!cu_note_name_valid(name) || !text_valid(text, strlen(text)))
		return cu_error_set(CU_EINVALID, "invalid witness name or checkpoint text");
	uint32_t kid = cu_cosig_key_id(name, id->pk);
	for (int i = 0; i < 4; i++)
		sig[i] = (uint8_t)(kid >> (24 - 8 * i));
	for (int i = 0; i < 8; i++)
		sig[4 + i] = (uint8_t)(ts >> (56 - 8 * i));
	if ((r = cosig_message(&m, ts, text)) == 0)
		r = cu_sign(sig + 12, id, m.data, m.len);
	cu_buf_free(&m);
	if (r)
		return r;
	cu_base64(b64, sig, sizeof(sig));
	cu_buf b;
	cu_buf_init(&b, 0);
	if ((r = cu_buf_printf(&b, "%s%s %s\n", dash, name, b64)) != 0) {
		cu_buf_free(&b);
		return r;
	}
	*line = cu_buf_detach(&b);
	return 0;
}

int cu_cosig_verify(uint64_t *ts, const char *line, const cu_note_verifier *w, const char *text)
{
	size_t dl = sizeof(dash) - 1, n = strlen(line);
	char name[CU_NOTE_NAME_MAX], b64[200];
	uint8_t sig[150];
	size_t sn = 0;
	if (n < dl || memcmp(line, dash, dl) != 0 || line[n - 1] != '\n')
		return cu_error_set(CU_EINVALID, "malformed cosignature line");
	const char *p = line + dl, *sp = strchr(p, ' ');
	if (!sp || (size_t)(sp - p) >= sizeof(name) || (size_t)(line + n - 1 - sp - 1) >= sizeof(b64))
		return cu_error_set(CU_EINVALID, "malformed cosignature line");
	memcpy(name, p, (size_t)(sp - p));
	name[sp - p] = '\0';
	memcpy(b64, sp + 1, (size_t)(line + n - 1 - sp - 1));
	b64[line + n - 1 - sp - 1] = '\0';
	if (cu_unbase64(sig, &sn, sizeof(sig), b64) != 0 || sn != 76)
		return cu_error_set(CU_EINVALID, "malformed cosignature");
	uint32_t kid = (uint32_t)sig[0] << 24 | (uint32_t)sig[1] << 16 | (uint32_t)sig[2] << 8 | sig[3];
	if (strcmp(name, w->name) != 0 || kid != w->id)
		return cu_error_set(CU_EVERIFY, "the cosignature is not by witness %s", w->name);
	uint64_t t = 0;
	for (int i = 0; i < 8; i++)
		t = t << 8 | sig[4 + i];
	cu_buf m;
	int r = cosig_message(&m, t, text);
	if (r == 0 && cu_verify(sig + 12, w->pk, m.data, m.len) != 0)
		r = cu_error_set(CU_EVERIFY, "the cosignature of %s does not verify", w->name);
	cu_buf_free(&m);
	if (r == 0)
		*ts = t;
	return r;
}

int cu_checkpoint_format(char **out, const char *origin, int64_t size, const uint8_t root[32])
{
	char b64[48];
	cu_buf b;
	*out = NULL;
	if (!cu_note_name_valid(origin) || size < 0)
		return cu_error_set(CU_EINVALID, "invalid checkpoint origin or size");
	cu_base64(b64, root, 32);
	cu_buf_init(&b, 0);
	int r = cu_buf_printf(&b, "%s\n%lld\n%s\n", origin, (long long)size, b64);
	if (r) {
		cu_buf_free(&b);
		return r;
	}
	*out = cu_buf_detach(&b);
	return 0;
}

int cu_checkpoint_parse(cu_checkpoint *out, const char *text)
{
	const char *l1 = strchr(text, '\n'), *l2 = l1 ? strchr(l1 + 1, '\n') : NULL;
	const char *l3 = l2 ? strchr(l2 + 1, '\n') : NULL;
	size_t n;
	if (!l3 || (size_t)(l1 - text) >= sizeof(out->origin) || l1 == text)
		return cu_error_set(CU_EINVALID, "a checkpoint has an origin, a size and a root line");
	memcpy(out->origin, text, (size_t)(l1 - text));
	out->origin[l1 - text] = '\0';
	/* The size: decimal, no sign, no leading zeros (but "0"). */
	const char *s = l1 + 1;
	if (s == l2 || (s[0] == '0' && l2 - s > 1) || l2 - s > 19)
		return cu_error_set(CU_EINVALID, "bad checkpoint size");
	int64_t v = 0;
	for (; s < l2; s++) {
		if (*s < '0' || *s > '9')
			return cu_error_set(CU_EINVALID, "bad checkpoint size");
		if (v > (INT64_MAX - (*s - '0')) / 10)
			return cu_error_set(CU_EINVALID, "bad checkpoint size");
		v = v * 10 + (*s - '0');
	}
	out->size = v;
	char b64[64];
	if ((size_t)(l3 - l2 - 1) >= sizeof(b64))
		return cu_error_set(CU_EINVALID, "bad checkpoint root");
	memcpy(b64, l2 + 1, (size_t)(l3 - l2 - 1));
	b64[l3 - l2 - 1] = '\0';
	uint8_t raw[48];
	if (cu_unbase64(raw, &n, sizeof(raw), b64) != 0 || n != 32)
		return cu_error_set(CU_EINVALID, "bad checkpoint root");
	memcpy(out->root, raw, 32);
	out->extensions = l3 + 1;
	/* Extension lines, if any, are not empty. */
	for (const char *e = out->extensions; *e;) {
		const char *nl = strchr(e, '\n');
		if (!nl || nl == e)
			return cu_error_set(CU_EINVALID, "bad checkpoint extension line");
		e = nl + 1;
	}
	return 0;
}
