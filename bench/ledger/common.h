/* SPDX-License-Identifier: Apache-2.0 */
/* bench/ledger: helpers shared by the ledger benchmark programs. */
#ifndef CU_BENCH_LEDGER_COMMON_H
#define CU_BENCH_LEDGER_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/*
 * Entry i of the synthetic log: the shape and size (~170 bytes) of a real
 * event entry (docs/ledger.md), deterministic in i. Returns its length.
 */
static inline int bench_entry(char *out, size_t cap, int64_t i)
{
	uint64_t s = (uint64_t)i * 4 + 1;
	uint64_t a = splitmix(&s), b = splitmix(&s), c = splitmix(&s), d = splitmix(&s);
	int64_t cs = 1 + (int64_t)(a % 5000);
	return snprintf(
	    out, cap,
	    "{\"at\":\"2026-11-26T%02d:%02d:%02d.%03dZ\",\"case\":%lld,\"commit\":\""
	    "%016llx%016llx%016llx%016llx\",\"kind\":\"event\",\"object\":\"case/%lld\","
	    "\"ref\":%lld,\"type\":\"case.update\",\"v\":1}",
	    (int)(i / 3600000 % 24), (int)(i / 60000 % 60), (int)(i / 1000 % 60), (int)(i % 1000),
	    (long long)cs, (unsigned long long)a, (unsigned long long)b, (unsigned long long)c,
	    (unsigned long long)d, (long long)cs, (long long)i + 1);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Sorts v and returns its q-quantile (0 <= q <= 1), nearest rank. */
static inline uint64_t quantile(uint64_t *v, size_t n, double q)
{
	if (n == 0)
		return 0; /* no samples: no figure (callers print none) */
	qsort(v, n, sizeof(*v), cmp_u64);
	size_t k = (size_t)(q * (double)n);
	if (k >= n)
		k = n - 1;
	return v[k];
}

static inline void hexout(char *out, const uint8_t *in, size_t n)
{
	static const char d[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[in[i] >> 4];
		out[2 * i + 1] = d[in[i] & 15];
	}
	out[2 * n] = 0;
}

#endif
