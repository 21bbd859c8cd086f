/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * media-engine.c — lazy gst_init and the element checks (media-notes.md
 * §1: G.722 needs gstreamer1.0-libav).
 */
#include "media/media-engine.h"

#include <gst/gst.h>

#include "media/media-error.h"

/* Which Debian package ships an element (Debian 12, GStreamer 1.22). */
static const struct {
  const char *element;
  const char *package;
} element_packages[] = {
  { "rtpbin", "gstreamer1.0-plugins-good" },
  { "rtpdtmfmux", "gstreamer1.0-plugins-good" },
  { "wavenc", "gstreamer1.0-plugins-good" },
  { "rtppcmupay", "gstreamer1.0-plugins-good" },
  { "rtppcmudepay", "gstreamer1.0-plugins-good" },
  { "rtppcmapay", "gstreamer1.0-plugins-good" },
  { "rtppcmadepay", "gstreamer1.0-plugins-good" },
  { "rtpg722pay", "gstreamer1.0-plugins-good" },
  { "rtpg722depay", "gstreamer1.0-plugins-good" },
  { "rtpopuspay", "gstreamer1.0-plugins-good" },
  { "rtpopusdepay", "gstreamer1.0-plugins-good" },
  { "mulawenc", "gstreamer1.0-plugins-good" },
  { "mulawdec", "gstreamer1.0-plugins-good" },
  { "alawenc", "gstreamer1.0-plugins-good" },
  { "alawdec", "gstreamer1.0-plugins-good" },
  { "avenc_g722", "gstreamer1.0-libav" },
  { "avdec_g722", "gstreamer1.0-libav" },
  { "opusenc", "gstreamer1.0-plugins-base" },
  { "opusdec", "gstreamer1.0-plugins-base" },
  { "appsink", "gstreamer1.0-plugins-base" },
  { "audioconvert", "gstreamer1.0-plugins-base" },
  { "audioresample", "gstreamer1.0-plugins-base" },
  { "audiotestsrc", "gstreamer1.0-plugins-base" },
  { "audiomixer", "gstreamer1.0-plugins-base" },
  { "volume", "gstreamer1.0-plugins-base" },
  { "decodebin", "gstreamer1.0-plugins-base" },
  { "funnel", "libgstreamer1.0-0" },
  { "tee", "libgstreamer1.0-0" },
  { "valve", "libgstreamer1.0-0" },
  { "capsfilter", "libgstreamer1.0-0" },
  { "clocksync", "libgstreamer1.0-0" },
  { "fakesink", "libgstreamer1.0-0" },
  { "filesrc", "libgstreamer1.0-0" },
  { "filesink", "libgstreamer1.0-0" },
};

/* What every call needs, whatever its codec (the pipeline of
 * call-media.c and call-media-audio.c). */
static const char *const base_elements[] = {
  "rtpbin", "rtpdtmfmux", "appsink", "audioconvert", "audioresample", "audiotestsrc",
  "volume", "valve",      "funnel",  "tee",          "capsfilter",    "fakesink",
  "wavenc", "filesink",   "filesrc", "decodebin",    "clocksync",
};

static const char *
package_of (const char *element)
{
  for (guint i = 0; i < G_N_ELEMENTS (element_packages); i++)
    if (g_str_equal (element_packages[i].element, element))
      return element_packages[i].package;
  return "a GStreamer plugin package";
}

static gboolean
element_exists (const char *name)
{
  g_autoptr (GstElementFactory) factory = gst_element_factory_find (name);

  return factory != NULL;
}

/* Appends "name (package)" for each missing element of @names to @missing. */
static void
collect_missing (const char *const *names, guint n_names, GString *missing)
{
  for (guint i = 0; i < n_names; i++)
    {
      if (names[i] == NULL || element_exists (names[i]))
        continue;
      if (missing->len > 0)
        g_string_append (missing, ", ");
      g_string_append_printf (missing, "%s (package %s)", names[i], package_of (names[i]));
    }
}

gboolean
tc_media_engine_ensure (GError **error)
{
  static gboolean ready;
  g_autoptr (GError) local = NULL;
  g_autoptr (GString) missing = NULL;

  if (ready)
    return TRUE;
  if (!gst_init_check (NULL, NULL, &local))
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_PIPELINE, "GStreamer could not be initialised: %s",
                   local->message);
      return FALSE;
    }
  missing = g_string_new (NULL);
  collect_missing (base_elements, G_N_ELEMENTS (base_elements), missing);
  if (missing->len > 0)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_PIPELINE, "GStreamer elements are missing: %s", missing->str);
      return FALSE;
    }
  {
    g_autofree char *version = gst_version_string ();

    g_debug ("media engine: %s ready", version);
  }
  ready = TRUE;
  return TRUE;
}

gboolean
tc_media_engine_codec_available (TcCodec codec, GError **error)
{
  const TcCodecInfo *info = tc_codec_get_info (codec);
  g_autoptr (GString) missing = NULL;

  g_return_val_if_fail (info != NULL, FALSE);
  if (!tc_media_engine_ensure (error))
    return FALSE;
  if (codec == TC_CODEC_TELEPHONE_EVENT)
    return TRUE; /* our own RFC 4733 packets (dtmf.c) */

  missing = g_string_new (NULL);
  {
    const char *const names[] = { info->encoder, info->payloader, info->depayloader, info->decoder };

    collect_missing (names, G_N_ELEMENTS (names), missing);
  }
  if (missing->len > 0)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NO_CODEC, "codec %s is not available: missing %s", info->nick,
                   missing->str);
      return FALSE;
    }
  return TRUE;
}

GArray *
tc_media_engine_filter_codecs (const GArray *codecs, GError **error)
{
  g_autoptr (GArray) available = NULL;

  if (!tc_media_engine_ensure (error))
    return NULL;
  available = g_array_sized_new (FALSE, FALSE, sizeof (TcCodec), codecs->len);
  for (guint i = 0; i < codecs->len; i++)
    {
      TcCodec codec = g_array_index (codecs, TcCodec, i);
      g_autoptr (GError) local = NULL;

      if (tc_media_engine_codec_available (codec, &local))
        g_array_append_val (available, codec);
      else
        g_debug ("media engine: %s", local->message);
    }
  return g_steal_pointer (&available);
}
