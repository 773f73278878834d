/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz: what every target shares. A target defines LLVMFuzzerTestOneInput;
 * libFuzzer drives it (make fuzz), or replay.c feeds it the seed corpus as a
 * plain test (make check). Targets check properties with FUZZ_ASSERT, which
 * aborts so that both drivers report the input.
 */
#ifndef CU_FUZZ_H
#define CU_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond)                                                                  \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "%s:%d: property does not hold: %s\n", __FILE__,   \
			        __LINE__, #cond);                                          \
			abort();                                                           \
		}                                                                          \
	} while (0)

/* A NUL-terminated copy of [data, data+size) (the caller frees it). */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
