/* SPDX-License-Identifier: Apache-2.0 */
#include "match/match.h"
