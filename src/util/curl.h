/* SPDX-License-Identifier: Apache-2.0 */
/*
 * util: libcurl, loaded when first needed (the S3 blob store, witnessing,
 * the node peers and request forwarding include this instead of
 * <curl/curl.h>).
 *
 * A command that makes no HTTP request never loads libcurl and the libraries
 * it brings (GnuTLS, nghttp2, SSH, LDAP...). The calls keep their names; each
 * curl_xxx below is libcurl's function through a pointer that cu_curl_load()
 * fills in, after which libcurl is also initialised (curl_global_init, once).
 * Call cu_curl_load() before the first.
 *
 * curl_easy_setopt and curl_easy_getinfo lose libcurl's compile-time type
 * checks (CURL_DISABLE_TYPECHECK: they are macros that call the functions by
 * name): pass long for numbers, curl_off_t for sizes, as libcurl's manual
 * says.
 */
#ifndef CU_UTIL_CURL_H
#define CU_UTIL_CURL_H

#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>

/* Every libcurl function custodia calls: add one here to use it. */
#define CU_CURL_FUNCS(X) X(curl_easy_cleanup) X(curl_easy_getinfo) X(curl_easy_init) \
	X(curl_easy_perform) X(curl_easy_setopt) X(curl_easy_strerror) X(curl_global_init) \
	X(curl_slist_append) X(curl_slist_free_all)

typedef struct cu_curl_api {
#define CU_CURL_FIELD(f) __typeof__(f) *(f);
	CU_CURL_FUNCS(CU_CURL_FIELD)
#undef CU_CURL_FIELD
} cu_curl_api;

extern cu_curl_api cu_curl;

/* 0, or CU_EIO saying that libcurl (libcurl4) is missing. */
int cu_curl_load(void);

#ifndef CU_CURL_TABLE
#undef curl_easy_setopt /* curl.h's three-argument checks, which name the functions */
#undef curl_easy_getinfo
#define curl_easy_cleanup (cu_curl.curl_easy_cleanup)
#define curl_easy_getinfo (cu_curl.curl_easy_getinfo)
#define curl_easy_init (cu_curl.curl_easy_init)
#define curl_easy_perform (cu_curl.curl_easy_perform)
#define curl_easy_setopt (cu_curl.curl_easy_setopt)
#define curl_easy_strerror (cu_curl.curl_easy_strerror)
#define curl_global_init (cu_curl.curl_global_init)
#define curl_slist_append (cu_curl.curl_slist_append)
#define curl_slist_free_all (cu_curl.curl_slist_free_all)
#endif

#endif
