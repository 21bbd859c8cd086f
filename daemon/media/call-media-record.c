/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * call-media-record.c — recording a call to WAV, off the receive tee (what
 * is received) or off both tees through an audiomixer (both directions):
 *
 *   recv_tee → [audiomixer ← convert ← resample ← caps ← send_tee]
 *     → wavenc → filesink
 *
 * Stopping unlinks the tees, sets the recorder to NULL (filesink closes the
 * file) and completes the WAV header from the file's size: no EOS has to
 * travel (media-notes.md §1: rtpbin can swallow it), and stopping never
 * waits on the pipeline.
 */
#include "media/call-media-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "media/media-error.h"

/* ---- recording ------------------------------------------------------------------------------------ */

static void
put_le32 (guint8 *p, guint32 v)
{
  p[0] = v & 0xff;
  p[1] = (v >> 8) & 0xff;
  p[2] = (v >> 16) & 0xff;
  p[3] = v >> 24;
}

static guint32
get_le32 (const guint8 *p)
{
  return (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

/* Makes @path a complete WAV: the RIFF and data sizes wavenc writes only
 * on EOS are set from the file's size; a file wavenc never wrote to gets
 * a header for no samples (16-bit mono at @rate). */
static gboolean
finish_wav (const char *path, guint rate, GError **error)
{
  int fd = g_open (path, O_RDWR | O_CLOEXEC, 0);
  guint8 header[44];
  GStatBuf st;
  gboolean ok = FALSE;

  if (fd < 0 || fstat (fd, &st) != 0)
    goto out;
  if (st.st_size < (goffset) sizeof header)
    {
      memcpy (header, "RIFF\0\0\0\0WAVEfmt \x10\0\0\0\x01\0\x01\0", 24);
      put_le32 (header + 4, 36);
      put_le32 (header + 24, rate);
      put_le32 (header + 28, rate * 2);
      memcpy (header + 32, "\x02\0\x10\0data\0\0\0\0", 12);
      ok = ftruncate (fd, 0) == 0 && pwrite (fd, header, sizeof header, 0) == (ssize_t) sizeof header;
      goto out;
    }
  if (pread (fd, header, 12, 0) != 12 || memcmp (header, "RIFF", 4) != 0 || memcmp (header + 8, "WAVE", 4) != 0)
    {
      errno = EINVAL;
      goto out;
    }
  for (goffset pos = 12; pos + 8 <= st.st_size;)
    {
      guint8 chunk[8];
      guint32 size;

      if (pread (fd, chunk, 8, pos) != 8)
        break;
      size = get_le32 (chunk + 4);
      if (memcmp (chunk, "data", 4) == 0)
        {
          goffset data_size = (st.st_size - pos - 8) & ~(goffset) 1;

          put_le32 (chunk + 4, (guint32) MIN (data_size, G_MAXUINT32 - 64));
          put_le32 (header + 4, (guint32) MIN (pos + data_size, G_MAXUINT32 - 64));
          ok = pwrite (fd, chunk + 4, 4, pos + 4) == 4 && pwrite (fd, header + 4, 4, 4) == 4 &&
               ftruncate (fd, pos + 8 + data_size) == 0;
          goto out;
        }
      pos += 8 + size + (size & 1);
    }
  errno = EINVAL;

out:
  if (!ok)
    g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_INVALID_ARGUMENT, "cannot complete %s: %s", path,
                 g_strerror (errno));
  if (fd >= 0)
    close (fd);
  return ok;
}

static GstElement *
add_to_bin (GstElement *bin, const char *factory, GError **error)
{
  GstElement *element = tc_call_media_make_element (factory, NULL, error);

  if (element)
    gst_bin_add (GST_BIN (bin), element);
  return element;
}

static void
add_ghost (GstElement *bin, const char *name, GstElement *target, const char *target_pad)
{
  g_autoptr (GstPad) pad = gst_element_get_static_pad (target, target_pad);

  if (!pad)
    pad = gst_element_request_pad_simple (target, target_pad);
  gst_element_add_pad (bin, gst_ghost_pad_new (name, pad));
}

/* The recorder bin: [audiomixer ←(convert, resample, caps)] → wavenc →
 * filesink.  Ghost pads "recv" (and "send"). */
static GstElement *
make_recorder_bin (TcCallMedia *self, Recorder *recorder, GError **error)
{
  g_autoptr (GstElement) bin = gst_object_ref_sink (gst_bin_new (NULL));
  g_autoptr (GstCaps) caps = tc_call_media_audio_raw_caps (recorder->rate);
  GstElement *wavenc, *filesink, *mixer = NULL, *mixed_caps = NULL;

  wavenc = add_to_bin (bin, "wavenc", error);
  filesink = wavenc ? add_to_bin (bin, "filesink", error) : NULL;
  if (!filesink)
    return NULL;
  g_object_set (filesink, "location", recorder->path, "async", FALSE, "sync", FALSE, NULL);
  gst_element_link (wavenc, filesink);
  if (!recorder->both)
    {
      add_ghost (bin, "recv", wavenc, "sink");
      return g_steal_pointer (&bin);
    }

  {
    GstElement *convert, *resample, *send_caps;

    mixer = add_to_bin (bin, "audiomixer", error);
    mixed_caps = mixer ? add_to_bin (bin, "capsfilter", error) : NULL;
    convert = mixed_caps ? add_to_bin (bin, "audioconvert", error) : NULL;
    resample = convert ? add_to_bin (bin, "audioresample", error) : NULL;
    send_caps = resample ? add_to_bin (bin, "capsfilter", error) : NULL;
    if (!send_caps)
      return NULL;
    /* Live aggregation: start at the first buffer, not at running time 0
     * (which would prepend the whole call so far as silence), and wait
     * for the received audio about a jitter buffer's worth. */
    gst_util_set_object_arg (G_OBJECT (mixer), "start-time-selection", "first");
    g_object_set (mixer, "latency", (guint64) (self->policy.jitter_ms + 2 * self->params.ptime) * GST_MSECOND, NULL);
    g_object_set (mixed_caps, "caps", caps, NULL);
    g_object_set (send_caps, "caps", caps, NULL);
    gst_element_link_many (mixer, mixed_caps, wavenc, NULL);
    gst_element_link_many (convert, resample, send_caps, NULL);
    add_ghost (bin, "recv", mixer, "sink_%u");
    gst_element_link (send_caps, mixer);
    add_ghost (bin, "send", convert, "sink");
  }
  return g_steal_pointer (&bin);
}

static void
recorder_free (Recorder *recorder)
{
  g_free (recorder->path);
  gst_clear_object (&recorder->bin);
  gst_clear_object (&recorder->recv_tee_pad);
  gst_clear_object (&recorder->send_tee_pad);
  g_free (recorder);
}

static gboolean
link_tee (GstElement *tee, GstElement *bin, const char *ghost, GstPad **tee_pad)
{
  g_autoptr (GstPad) sink = gst_element_get_static_pad (bin, ghost);

  *tee_pad = gst_element_request_pad_simple (tee, "src_%u");
  return *tee_pad && sink && gst_pad_link (*tee_pad, sink) == GST_PAD_LINK_OK;
}

gboolean
tc_call_media_audio_record (TcCallMedia *self, const char *path, gboolean both_directions, GError **error)
{
  Recorder *recorder;
  int fd;

  tc_call_media_audio_stop_recording (self);
  /* Refuse here what filesink would fail on later, in a bus error. */
  fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_INVALID_ARGUMENT, "cannot record to %s: %s", path,
                   g_strerror (errno));
      return FALSE;
    }
  close (fd);

  recorder = g_new0 (Recorder, 1);
  recorder->path = g_strdup (path);
  recorder->both = both_directions;
  recorder->rate = self->recv_rate;
  recorder->bin = make_recorder_bin (self, recorder, error);
  if (!recorder->bin)
    {
      recorder_free (recorder);
      return FALSE;
    }
  gst_bin_add (GST_BIN (self->pipeline), recorder->bin);
  if (!gst_element_sync_state_with_parent (recorder->bin) ||
      !link_tee (self->recv_tee, recorder->bin, "recv", &recorder->recv_tee_pad) ||
      (both_directions && !link_tee (self->send_tee, recorder->bin, "send", &recorder->send_tee_pad)))
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_PIPELINE, "cannot start recording to %s", path);
      self->recorder = recorder;
      tc_call_media_audio_stop_recording (self);
      return FALSE;
    }
  g_debug ("media %u: recording %s to %s", self->id, both_directions ? "both directions" : "what is received", path);
  self->recorder = recorder;
  return TRUE;
}

static void
unlink_tee (GstElement *tee, GstPad **tee_pad)
{
  g_autoptr (GstPad) peer = NULL;

  if (!*tee_pad)
    return;
  peer = gst_pad_get_peer (*tee_pad);
  if (peer)
    gst_pad_unlink (*tee_pad, peer);
  gst_element_release_request_pad (tee, *tee_pad);
  gst_clear_object (tee_pad);
}

void
tc_call_media_audio_stop_recording (TcCallMedia *self)
{
  Recorder *recorder = g_steal_pointer (&self->recorder);
  g_autoptr (GError) error = NULL;

  if (!recorder)
    return;
  unlink_tee (self->recv_tee, &recorder->recv_tee_pad);
  unlink_tee (self->send_tee, &recorder->send_tee_pad);
  /* Deactivating the pads waits for a buffer still inside; then filesink
   * closes (and flushes) the file. */
  tc_call_media_set_null (recorder->bin);
  if (self->pipeline)
    gst_bin_remove (GST_BIN (self->pipeline), recorder->bin);
  if (!finish_wav (recorder->path, recorder->rate, &error))
    g_debug ("media %u: %s", self->id, error->message);
  g_debug ("media %u: recording %s finished", self->id, recorder->path);
  recorder_free (recorder);
}
