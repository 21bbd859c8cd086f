/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * core-error.c — TC_CORE_ERROR quark.
 */
#include "core/core-error.h"

/* clang-format off */
G_DEFINE_QUARK (tc-core-error-quark, tc_core_error)
/* clang-format on */
