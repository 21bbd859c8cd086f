/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * loader.h — the parts of tincand that pull in large libraries
 * (GStreamer, libsoup, libsecret, OpenSSL) are loadable modules, opened
 * on their first use, so that an idle daemon maps only GLib and GIO.
 * Each module exports one symbol, a const table of functions that starts
 * with a TcLoaderHeader; the layer that owns the module wraps the table
 * in ordinary functions, so its callers do not know a module is involved.
 *
 * The directory modules are taken from is chosen once, the first that
 * applies:
 *  1. $TINCAN_MODULE_DIR (tests, a relocated build);
 *  2. the build tree's daemon/modules/ when the running executable lies
 *     inside the build tree (tincand, tests and tools run uninstalled);
 *  3. <prefix>/<libdir>/tincan/, with <prefix> found from the
 *     executable's own path (…/<bindir>/tincand), so a DESTDIR or moved
 *     installation finds its own modules;
 *  4. the configured <prefix>/<libdir>/tincan/.
 *
 * A module is opened once and stays loaded (the GTypes it registers must
 * outlive every object).  Thread-safe.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The start of every module table.  @abi is checked against what the
 * caller was built with, so a stale module is refused instead of called. */
typedef struct {
  guint32 abi;
  guint32 size; /* sizeof the whole table */
} TcLoaderHeader;

/* The table @symbol of module @name ("tincan-media-gst": the file
 * tincan-media-gst.so), loaded on the first call, or NULL with a
 * G_IO_ERROR naming the module, where it was looked for and why it could
 * not be used.  A failure is not cached: a later call tries again.
 * @abi and @size must match the module's header. */
gconstpointer tc_loader_get (const char *name, const char *symbol, guint32 abi, guint32 size, GError **error);

/* The directory modules are taken from (see above); for messages and tests. */
const char *tc_loader_get_module_dir (void);

G_END_DECLS
