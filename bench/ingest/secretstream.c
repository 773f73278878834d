/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench/ingest/secretstream: single-core libsodium secretstream
 * (XChaCha20-Poly1305) push throughput, the way the vault encrypts: 64 KiB
 * plaintext units streamed through a buffer much larger than the caches.
 * Usage: secretstream [chunk bytes, default 65536] [seconds, default 3].
 * Prints one line: "<bytes per second> <chunk>", the best of three trials
 * (the machine may be shared: the best trial is the least disturbed one).
 */
#define _POSIX_C_SOURCE 200809L
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BUF ((size_t)64 << 20)

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	size_t chunk = argc > 1 ? strtoul(argv[1], NULL, 10) : 65536;
	double secs = argc > 2 ? atof(argv[2]) : 3.0;
	if (sodium_init() < 0 || chunk == 0 || chunk > BUF)
		return 1;
	size_t n = BUF / chunk;
	size_t cchunk = chunk + crypto_secretstream_xchacha20poly1305_ABYTES;
	unsigned char *in = malloc(BUF), *out = malloc(n * cchunk);
	unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	unsigned char hdr[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	crypto_secretstream_xchacha20poly1305_state st;
	if (!in || !out)
		return 1;
	randombytes_buf(in, BUF);
	memset(out, 0, n * cchunk); /* fault the pages in before timing */
	crypto_secretstream_xchacha20poly1305_keygen(key);
	crypto_secretstream_xchacha20poly1305_init_push(&st, hdr, key);
	/* One warm-up pass, then as many passes as fit in the time. */
	for (size_t i = 0; i < n; i++)
		crypto_secretstream_xchacha20poly1305_push(&st, out + i * cchunk, NULL, in + i * chunk,
		                                           chunk, NULL, 0, 0);
	double best = 0;
	for (int trial = 0; trial < 3; trial++) {
		double t0 = now_s(), t;
		unsigned long long bytes = 0;
		do {
			for (size_t i = 0; i < n; i++)
				crypto_secretstream_xchacha20poly1305_push(&st, out + i * cchunk, NULL,
				                                           in + i * chunk, chunk, NULL, 0, 0);
			bytes += (unsigned long long)n * chunk;
		} while ((t = now_s() - t0) < secs / 3);
		if ((double)bytes / t > best)
			best = (double)bytes / t;
	}
	printf("%.0f %zu\n", best, chunk);
	free(in);
	free(out);
	return 0;
}
