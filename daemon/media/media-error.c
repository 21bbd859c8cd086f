/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * media-error.c — TC_MEDIA_ERROR quark.
 */
#include "media/media-error.h"

/* clang-format off */
G_DEFINE_QUARK (tc-media-error-quark, tc_media_error)
/* clang-format on */
