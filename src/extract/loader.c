/* SPDX-License-Identifier: Apache-2.0 */
/*
 * extract, as the custodia binary reaches it. This file is linked into the
 * binary in place of libcu_extract.a: the engines and the shared libraries
 * they bring (poppler, Tesseract, Leptonica, GMime, libxml2, cairo, GLib,
 * CLD2: about sixty) are loaded on the first extraction, from the module
 * custodia-extract.so (module.h), not at every start, where resolving their
 * symbols took 14 of the 23 ms any command spent before doing anything
 * (bench/RESULTS.md, "Starting the binary"). Tests, fuzzers and benchmarks
 * link libcu_extract.a itself.
 *
 * The module is looked for beside the binary (the build tree), then in
 * ../lib/custodia from it (make install, the Debian package), and must come
 * from this very build. If it cannot be loaded, every extraction fails with
 * the reason (the job says so in `custodia jobs`, and can be retried once
 * the module is in place); nothing else needs it.
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "extract/module.h"

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static const cu_extract_module_api *api; /* set once by load(); NULL if it failed */
static char load_error[768];

static bool same_build(const cu_build_info *a, const cu_build_info *b)
{
	return !strcmp(a->version, b->version) && !strcmp(a->commit, b->commit) &&
	       !strcmp(a->date, b->date);
}

/* The module at path, or NULL with the reason in load_error. */
static const cu_extract_module_api *load_from(const char *path)
{
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();
		snprintf(load_error, sizeof load_error, "cannot load %.700s", e ? e : path);
		return NULL;
	}
	cu_extract_module_fn entry;
	/* POSIX's way from dlsym's void * to a function pointer. */
	*(void **)&entry = dlsym(h, CU_EXTRACT_MODULE_ENTRY);
	const cu_extract_module_api *m = entry ? entry() : NULL;
	if (!m || m->size != sizeof(*m) || !same_build(m->build(), cu_build())) {
		const cu_build_info *b = m && m->size == sizeof(*m) ? m->build() : NULL;
		snprintf(load_error, sizeof load_error,
		         "%.300s is not the extraction module of this build (%.20s %.40s, "
		         "configured %.30s; the module: %.20s %.40s, configured %.30s)",
		         path, cu_build()->version, cu_build()->commit, cu_build()->date,
		         b ? b->version : "?", b ? b->commit : "?", b ? b->date : "?");
		dlclose(h);
		return NULL;
	}
	return m; /* never closed: its engines keep per-thread state */
}

static void load(void)
{
	static const char *const dirs[] = CU_EXTRACT_MODULE_DIRS;
	char exe[PATH_MAX], path[PATH_MAX + 64];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0) {
		snprintf(load_error, sizeof load_error,
		         "cannot find the extraction module: where is this binary? (%s)", strerror(errno));
		return;
	}
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	char first[sizeof load_error] = "";
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		snprintf(path, sizeof path, "%s/%s/%s", exe, dirs[i], CU_EXTRACT_MODULE_FILE);
		if (access(path, F_OK) != 0)
			continue;
		const cu_extract_module_api *m = load_from(path);
		if (m) {
			__atomic_store_n(&api, m, __ATOMIC_RELEASE);
			return;
		}
		if (!first[0])
			memcpy(first, load_error, sizeof first);
	}
	if (first[0])
		memcpy(load_error, first, sizeof load_error);
	else
		snprintf(load_error, sizeof load_error, "%s is in none of %.600s/{%s, %s}",
		         CU_EXTRACT_MODULE_FILE, exe, dirs[0], dirs[1]);
}

static const cu_extract_module_api *module(void)
{
	pthread_once(&load_once, load);
	return api;
}

static int unavailable(void)
{
	return cu_error_set(CU_EUNAVAILABLE, "text extraction is not available: %s", load_error);
}

/* Unknown until the module is loaded: true, so that the extraction is tried and fails with
 * the reason the module is missing, rather than the item being taken for one without text. */
bool cu_extract_supported(const char *media_type)
{
	const cu_extract_module_api *m = module();
	return m ? m->supported(media_type) : true;
}

int cu_extract(cu_extract_result *out, const char *media_type, const void *data, size_t len,
               const cu_extract_limits *lim)
{
	const cu_extract_module_api *m = module();
	if (!m) {
		memset(out, 0, sizeof(*out));
		return unavailable();
	}
	int r = m->extract(out, media_type, data, len, lim);
	if (r != 0)
		cu_error_set(r, "%s", m->error_message(r)); /* the module's own util */
	return r;
}

/* Only a module fills a result: without one there is nothing to free. */
void cu_extract_result_free(cu_extract_result *r)
{
	const cu_extract_module_api *m = __atomic_load_n(&api, __ATOMIC_ACQUIRE);
	if (m)
		m->result_free(r);
}

void cu_extract_language(char out[8], const char *text, size_t len)
{
	const cu_extract_module_api *m = module();
	out[0] = '\0';
	if (m)
		m->language(out, text, len);
}

const char *cu_extract_versions(void)
{
	const cu_extract_module_api *m = module();
	return m ? m->versions() : "extraction module not loaded";
}

/* A thread that never extracted does not load the module to say so. */
void cu_extract_thread_done(void)
{
	const cu_extract_module_api *m = __atomic_load_n(&api, __ATOMIC_ACQUIRE);
	if (m)
		m->thread_done();
}
