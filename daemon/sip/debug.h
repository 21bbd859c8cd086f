/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * debug.h — tc_debug(): g_debug() that formats its message only when debug
 * output is on.
 *
 * With G_LOG_USE_STRUCTURED, GLib 2.74 formats every g_debug() message
 * (g_log_structured_standard) before the writer decides to drop it.  On the
 * paths taken per endpoint and per transaction, thousands of times a
 * second, that formatting was a measurable share of the daemon's time with
 * debug output off.  tincand keeps GLib's default writer, so its own test
 * (G_MESSAGES_DEBUG, g_log_set_debug_enabled()) is the one asked here; the
 * arguments are not evaluated when it would drop the message.
 */
#pragma once

#include <glib.h>

#define tc_debug(...) \
  G_STMT_START \
  { \
    if (G_UNLIKELY (!g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN))) \
      g_debug (__VA_ARGS__); \
  } \
  G_STMT_END
