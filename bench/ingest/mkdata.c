/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench/ingest/mkdata: random test content, quickly (ChaCha20 from libsodium).
 *   mkdata big FILE BYTES              one file of BYTES random bytes
 *   mkdata small DIR N MIN MAX         N files DIR/000000.. of MIN..MAX random bytes
 * Prints the total bytes written.
 */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BUF (1 << 20)

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static unsigned char buf[BUF];
	unsigned char key[crypto_stream_chacha20_KEYBYTES], nonce[crypto_stream_chacha20_NONCEBYTES];
	unsigned long long total = 0;
	if (sodium_init() < 0)
		return 1;
	randombytes_buf(key, sizeof(key));
	memset(nonce, 0, sizeof(nonce));
	if (argc == 4 && !strcmp(argv[1], "big")) {
		unsigned long long left = strtoull(argv[3], NULL, 10);
		int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0) {
			perror(argv[2]);
			return 1;
		}
		while (left) {
			size_t k = left < BUF ? (size_t)left : BUF;
			crypto_stream_chacha20(buf, k, nonce, key);
			sodium_increment(nonce, sizeof(nonce));
			if (write_all(fd, buf, k) != 0) {
				perror(argv[2]);
				return 1;
			}
			left -= k;
			total += k;
		}
		close(fd);
	} else if (argc == 6 && !strcmp(argv[1], "small")) {
		long n = atol(argv[3]);
		size_t lo = strtoul(argv[4], NULL, 10), hi = strtoul(argv[5], NULL, 10);
		char path[4096];
		if (lo > hi || hi > BUF)
			return 2;
		for (long i = 0; i < n; i++) {
			size_t k = lo + randombytes_uniform((uint32_t)(hi - lo + 1));
			crypto_stream_chacha20(buf, k, nonce, key);
			sodium_increment(nonce, sizeof(nonce));
			snprintf(path, sizeof(path), "%s/%06ld", argv[2], i);
			int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
			if (fd < 0 || write_all(fd, buf, k) != 0) {
				perror(path);
				return 1;
			}
			close(fd);
			total += k;
		}
	} else {
		fprintf(stderr, "usage: mkdata big FILE BYTES | mkdata small DIR N MIN MAX\n");
		return 2;
	}
	printf("%llu\n", total);
	return 0;
}
