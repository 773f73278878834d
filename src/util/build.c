/* SPDX-License-Identifier: Apache-2.0 */
/* util: what this build is. CMake defines the CU_BUILD_* strings for this file alone. */
#include "util/util.h"

#ifndef CU_BUILD_COMMIT
#define CU_BUILD_COMMIT "unknown"
#endif
#ifndef CU_BUILD_DATE
#define CU_BUILD_DATE "unknown"
#endif
#ifndef CU_BUILD_COMPILER
#define CU_BUILD_COMPILER "unknown"
#endif

static const cu_build_info info = {CU_VERSION, CU_BUILD_COMMIT, CU_BUILD_DATE, CU_BUILD_COMPILER};

const cu_build_info *cu_build(void)
{
	return &info;
}
