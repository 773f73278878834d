/* SPDX-License-Identifier: Apache-2.0 */
/*
 * util: libcurl's functions, loaded on first use (curl.h).
 */
#include <pthread.h>

#define CU_CURL_TABLE /* the names below are the table's fields, not its calls */
#include "util/curl.h"
#include "util/util.h"

cu_curl_api cu_curl;

#define CU_CURL_NAME(f) #f,
#define CU_CURL_SLOT(f) (void **)&cu_curl.f,
static const char *const names[] = {CU_CURL_FUNCS(CU_CURL_NAME)};
static void **const slots[] = {CU_CURL_FUNCS(CU_CURL_SLOT)};

/* libcurl's SONAME has been libcurl.so.4 since 7.16 (2006). */
static cu_dl libcurl = {"libcurl.so.4", "libcurl4", names, slots,
                        sizeof(names) / sizeof(names[0]), 0, ""};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init(void)
{
	cu_curl.curl_global_init(CURL_GLOBAL_DEFAULT);
}

int cu_curl_load(void)
{
	int r = cu_dl_load(&libcurl);
	if (r == 0)
		pthread_once(&init_once, init);
	return r;
}
