/* SPDX-License-Identifier: Apache-2.0 */
/*
 * util: libraries loaded when first needed (util.h, cu_dl_load).
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#include "util/util.h"

static pthread_mutex_t dl_mu = PTHREAD_MUTEX_INITIALIZER;

static void load(cu_dl *dl)
{
	void *h = dlopen(dl->soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();
		snprintf(dl->error, sizeof(dl->error), "cannot load %s (Debian package %s): %.300s",
		         dl->soname, dl->package, e ? e : "not found");
		dl->state = 2;
		return;
	}
	for (size_t i = 0; i < dl->n; i++)
		if (!(*dl->slots[i] = dlsym(h, dl->names[i]))) {
			snprintf(dl->error, sizeof(dl->error), "%s has no function %s: too old a version?",
			         dl->soname, dl->names[i]);
			dl->state = 2;
			return; /* left loaded: dlclose of a half-used library is not worth the risk */
		}
	dl->state = 1;
}

int cu_dl_load(cu_dl *dl)
{
	/* One lock for every table: a library is loaded once, and rarely. */
	pthread_mutex_lock(&dl_mu);
	if (dl->state == 0)
		load(dl);
	int state = dl->state;
	pthread_mutex_unlock(&dl_mu);
	return state == 1 ? 0 : cu_error_set(CU_EIO, "%s", dl->error);
}
