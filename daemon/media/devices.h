/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * devices.h — audio capture and playback elements for the policy's
 * "auto" and "device:<name>" values (media-params.h), found through
 * GstDeviceMonitor.  The generated sources (none, tone:, file:) are built
 * by the pipeline itself (call-media-audio.c).
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* A capture element: autoaudiosrc for "auto", the device whose display
 * name or node/device name is <name> for "device:<name>" (exact, then
 * case-insensitive).  NULL with TC_MEDIA_ERROR_PIPELINE listing the
 * devices there are when none matches.  Floating reference. */
GstElement *tc_media_devices_make_source (const char *spec, GError **error);

/* A playback element: autoaudiosink for "auto", fakesink for "none", a
 * device for "device:<name>" (as above).  Floating reference. */
GstElement *tc_media_devices_make_sink (const char *spec, GError **error);

G_END_DECLS
