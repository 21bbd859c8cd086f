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

/* Watching the audio devices (Manager.AudioDevices): started on first use,
 * since probing starts GStreamer and the sound servers' providers. */
typedef struct _TcMediaDeviceWatch TcMediaDeviceWatch;
typedef void (*TcMediaDevicesChanged) (gpointer user_data);

/* Starts a GstDeviceMonitor on audio sources and sinks; @changed runs on
 * the caller's main context whenever one comes or goes.  NULL with @error
 * when GStreamer cannot start. */
TcMediaDeviceWatch *tc_media_device_watch_new (TcMediaDevicesChanged changed, gpointer user_data, GError **error);
void tc_media_device_watch_free (TcMediaDeviceWatch *watch);
/* aa{sv}, one dict per device: "name" (s: what "device:NAME" takes),
 * "display-name" (s), "direction" (s: "source" or "sink"), "api" (s:
 * "pulse", "alsa", "pipewire" … when known); a floating reference. */
GVariant *tc_media_device_watch_list (TcMediaDeviceWatch *watch);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcMediaDeviceWatch, tc_media_device_watch_free)

G_END_DECLS
