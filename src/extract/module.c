/* SPDX-License-Identifier: Apache-2.0 */
/* extract: the entry of the module custodia-extract.so (module.h), its one exported symbol. */
#include "extract/module.h"

__attribute__((visibility("default"))) const cu_extract_module_api *cu_extract_module(void);

const cu_extract_module_api *cu_extract_module(void)
{
	static const cu_extract_module_api api = {
		.size = sizeof(cu_extract_module_api),
		.build = cu_build,
		.supported = cu_extract_supported,
		.extract = cu_extract,
		.result_free = cu_extract_result_free,
		.language = cu_extract_language,
		.versions = cu_extract_versions,
		.thread_done = cu_extract_thread_done,
		.error_message = cu_error_message,
	};
	return &api;
}
