/* SPDX-License-Identifier: Apache-2.0 */
/*
 * extract, internal: what the module custodia-extract.so hands the custodia
 * binary's loader (loader.c). The module is the extract library with its
 * engines; the binary loads it on its first extraction rather than at every
 * start. One table of the functions of extract.h, and the build it came from
 * (the loader takes a module of its own build only: version, commit and
 * configure time must be its own). The module has its own copy of util, so
 * error messages are fetched from it.
 */
#ifndef CU_EXTRACT_MODULE_H
#define CU_EXTRACT_MODULE_H

#include "extract/extract.h"

#define CU_EXTRACT_MODULE_FILE "custodia-extract.so"
/* From the binary's directory: the build tree, then make install and the package. */
#define CU_EXTRACT_MODULE_DIRS {".", "../lib/custodia"}
#define CU_EXTRACT_MODULE_ENTRY "cu_extract_module"

typedef struct cu_extract_module_api {
	size_t size; /* sizeof(cu_extract_module_api) */
	const cu_build_info *(*build)(void);
	bool (*supported)(const char *media_type);
	int (*extract)(cu_extract_result *out, const char *media_type, const void *data, size_t len,
	               const cu_extract_limits *lim);
	void (*result_free)(cu_extract_result *r);
	void (*language)(char out[8], const char *text, size_t len);
	const char *(*versions)(void);
	void (*thread_done)(void);
	const char *(*error_message)(int code);
} cu_extract_module_api;

/* The module's one exported symbol. */
typedef const cu_extract_module_api *(*cu_extract_module_fn)(void);

#endif
