/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * call-media.c — TcCallMedia: the object and its API, the pipeline's
 * life (build, start, stop), its bus, and the housekeeping timer
 * (statistics, RTP timeout).  The RTP side (transport edge, rtpbin, DTMF)
 * is in call-media-rtp.c; the audio branches in call-media-audio.c,
 * -send.c, -receive.c and -record.c.
 *
 * Threads per call: the audio source's (a live source), rtpbin's RTCP
 * timer, and per remote SSRC the jitter buffer's two (output and timers).
 * Everything else runs on the main context: receiving (one epoll fd for
 * all calls, rtp-udp.c), DTMF, the bus messages that matter.
 *
 * A call whose audio we can make ourselves and whose received audio goes
 * nowhere (source "none" or "tone:HZ", sink "none", no playback, no
 * recording) gets no pipeline at all: the light path (call-media-light.c)
 * sends pre-encoded silence, or a tone generated and encoded frame by
 * frame (frame-encoder.c), from one timer shared by all such calls,
 * counts what it receives and does RTCP itself, with no thread of its
 * own.  PlayFile or Record moves it onto a pipeline, which continues the
 * same RTP stream (SSRC, sequence numbers, timestamps).
 */
#include "media/call-media-private.h"

#include <stdarg.h>

#include "media/media-engine.h"
#include "media/media-error.h"
#include "media/rtp-udp.h"

#define DEFAULT_RTCP_INTERVAL_MS 5000 /* RFC 3550 §6.2 minimum */
#define DEFAULT_STATS_INTERVAL_MS 5000
#define DEFAULT_DTMF_DURATION_MS 100

enum {
  PROP_0,
  PROP_RTCP_INTERVAL,
  PROP_STATS_INTERVAL,
  PROP_LIGHT,
  PROP_HAS_PIPELINE,
  N_PROPS,
};

enum {
  SIGNAL_STATS_CHANGED,
  SIGNAL_DTMF_RECEIVED,
  SIGNAL_FAILED,
  SIGNAL_PLAY_FINISHED,
  N_SIGNALS,
};

static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

/* The causes of "failed", each reported once. */
static const char *const fail_causes[] = { "no-rtp", "pipeline-error", "device-error", "transport-error" };

G_DEFINE_FINAL_TYPE (TcCallMedia, tc_call_media, G_TYPE_OBJECT)

/* ---- helpers ------------------------------------------------------------------------ */

GstElement *
tc_call_media_make_element (const char *factory, const char *name, GError **error)
{
  GstElement *element = gst_element_factory_make (factory, name);

  if (!element)
    g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_PIPELINE, "GStreamer element %s is missing", factory);
  return element;
}

static void
set_child_null (const GValue *value, gpointer user_data)
{
  gst_element_set_state (g_value_get_object (value), GST_STATE_NULL);
}

/* set_state (NULL), which cannot be refused… except by a bin holding an
 * element whose last state change failed (decodebin on a file it cannot
 * type returns that FAILURE again and the bin stops half-way): then each
 * element on its own, and the bin again. */
void
tc_call_media_set_null (GstElement *element)
{
  g_autoptr (GstIterator) children = NULL;

  if (gst_element_set_state (element, GST_STATE_NULL) != GST_STATE_CHANGE_FAILURE || !GST_IS_BIN (element))
    return;
  children = gst_bin_iterate_recurse (GST_BIN (element));
  while (gst_iterator_foreach (children, set_child_null, NULL) == GST_ITERATOR_RESYNC)
    gst_iterator_resync (children);
  gst_element_set_state (element, GST_STATE_NULL);
}

GstClockTime
tc_call_media_running_time (TcCallMedia *self)
{
  GstClockTime now;

  if (!self->clock)
    return 0;
  now = gst_clock_get_time (self->clock);
  return now > self->base_time ? now - self->base_time : 0;
}

void
tc_call_media_fail (TcCallMedia *self, const char *cause, const char *format, ...)
{
  G_GNUC_UNUSED g_autoptr (TcCallMedia) ref = g_object_ref (self);
  g_autofree char *message = NULL;
  va_list args;
  guint bit = 0;

  for (guint i = 0; i < G_N_ELEMENTS (fail_causes); i++)
    if (g_str_equal (fail_causes[i], cause))
      bit = 1u << i;
  g_assert (bit != 0);
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  if (self->stopped || (self->failed_causes & bit))
    {
      g_debug ("media %u: %s (not reported again): %s", self->id, cause, message);
      return;
    }
  self->failed_causes |= bit;
  g_debug ("media %u: failed: %s: %s", self->id, cause, message);
  g_signal_emit (self, signals[SIGNAL_FAILED], 0, cause, message);
}

void
tc_call_media_emit_play_finished (TcCallMedia *self, const char *path, const char *error)
{
  G_GNUC_UNUSED g_autoptr (TcCallMedia) ref = g_object_ref (self);

  g_debug ("media %u: finished playing %s%s%s", self->id, path, error ? ": " : "", error ? error : "");
  if (!self->stopped)
    g_signal_emit (self, signals[SIGNAL_PLAY_FINISHED], 0, path, error);
}

/* A weak reference: a streaming thread's report must not keep the
 * object alive (nor resurrect one being disposed). */
typedef struct {
  GWeakRef self;
  void (*func) (TcCallMedia *self, gpointer data);
  gpointer data;
  GDestroyNotify destroy;
} Invocation;

static gboolean
run_invocation (gpointer user_data)
{
  Invocation *invocation = user_data;
  g_autoptr (TcCallMedia) self = g_weak_ref_get (&invocation->self);

  if (self && !self->stopped)
    invocation->func (self, invocation->data);
  return G_SOURCE_REMOVE;
}

static void
free_invocation (gpointer user_data)
{
  Invocation *invocation = user_data;

  if (invocation->destroy)
    invocation->destroy (invocation->data);
  g_weak_ref_clear (&invocation->self);
  g_free (invocation);
}

void
tc_call_media_invoke (TcCallMedia *self, void (*func) (TcCallMedia *self, gpointer data), gpointer data,
                      GDestroyNotify destroy)
{
  Invocation *invocation = g_new0 (Invocation, 1);
  GSource *source = g_idle_source_new ();

  g_weak_ref_init (&invocation->self, self);
  invocation->func = func;
  invocation->data = data;
  invocation->destroy = destroy;
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, run_invocation, invocation, free_invocation);
  g_source_set_static_name (source, "tincan-media-invoke");
  g_source_attach (source, self->context);
  g_source_unref (source);
}

static void
fail_later (TcCallMedia *self, gpointer data)
{
  char **cause_message = data;

  tc_call_media_fail (self, cause_message[0], "%s", cause_message[1]);
}

void
tc_call_media_fail_later (TcCallMedia *self, const char *cause, const char *message)
{
  char *cause_message[] = { (char *) cause, (char *) message, NULL };

  tc_call_media_invoke (self, fail_later, g_strdupv (cause_message), (GDestroyNotify) g_strfreev);
}

void
tc_call_media_emit_dtmf_received (TcCallMedia *self, char digit, guint duration_ms)
{
  char text[2] = { digit, '\0' };

  g_debug ("media %u: DTMF %s received (%u ms)", self->id, text, duration_ms);
  g_signal_emit (self, signals[SIGNAL_DTMF_RECEIVED], 0, text, duration_ms);
}

static void
clear_source (GSource **source)
{
  if (*source)
    g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

/* ---- the bus ------------------------------------------------------------------------------ */

static void
handle_error_message (TcCallMedia *self, GstMessage *message)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *debug = NULL;
  g_autofree char *path = gst_object_get_path_string (GST_MESSAGE_SRC (message));
  ErrorOrigin origin;

  gst_message_parse_error (message, &error, &debug);
  g_debug ("media %u: error from %s: %s (%s)", self->id, path, error->message, debug ? debug : "");
  origin = tc_call_media_audio_error_origin (self, GST_MESSAGE_SRC (message));
  if (origin == ORIGIN_STALE)
    return;
  if (origin != ORIGIN_OTHER)
    {
      tc_call_media_audio_handle_error (self, origin, error);
      return;
    }
  tc_call_media_fail (self, "pipeline-error", "%s: %s", GST_MESSAGE_SRC_NAME (message), error->message);
}

/* Main context. */
static void
handle_bus_message (TcCallMedia *self, gpointer data)
{
  GstMessage *message = data;

  if (!self->pipeline)
    return;
  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ERROR:
      handle_error_message (self, message);
      break;
    case GST_MESSAGE_WARNING:
      {
        g_autoptr (GError) error = NULL;

        gst_message_parse_warning (message, &error, NULL);
        g_debug ("media %u: warning from %s: %s", self->id, GST_MESSAGE_SRC_NAME (message), error->message);
      }
      break;
    case GST_MESSAGE_LATENCY:
      /* A new jitter buffer or decoder: keep the configured latency
       * (gst_pipeline_set_latency) applied to everything. */
      gst_bin_recalculate_latency (GST_BIN (self->pipeline));
      break;
    default:
      break;
    }
}

/* On the posting thread.  No bus watch: it would add an fd per call to
 * every main-loop wake-up (GstBus's GstPoll).  The few messages the main
 * context acts on are handed to it; the rest (state changes, stream
 * status …) are dropped here. */
static GstBusSyncReply
on_bus_sync (GstBus *bus, GstMessage *message, gpointer user_data)
{
  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ERROR:
    case GST_MESSAGE_WARNING:
    case GST_MESSAGE_LATENCY:
      tc_call_media_invoke (user_data, handle_bus_message, gst_message_ref (message),
                            (GDestroyNotify) gst_mini_object_unref);
      break;
    default:
      break;
    }
  /* A sync handler that drops a message owns it (GstBusSyncHandler). */
  gst_message_unref (message);
  return GST_BUS_DROP;
}

/* ---- housekeeping ------------------------------------------------------------------------- */

/* RTP is expected when we receive and the peer sends, to an address. */
static gboolean
expecting_rtp (TcCallMedia *self)
{
  return self->policy.rtp_timeout_s > 0 && self->params.remote_rtp != NULL &&
         (self->params.direction & TC_MEDIA_DIRECTION_RECVONLY) &&
         (self->params.remote_direction & TC_MEDIA_DIRECTION_SENDONLY);
}

/* One timer per call for the statistics and the RTP timeout.  At the
 * default intervals it ticks on whole seconds, so that the timers of all
 * calls wake the main loop together. */
static gboolean
on_housekeeping (gpointer user_data)
{
  TcCallMedia *self = user_data;
  G_GNUC_UNUSED g_autoptr (TcCallMedia) ref = g_object_ref (self);
  gint64 now = g_get_monotonic_time ();

  if (now >= self->next_stats_us)
    {
      g_autoptr (GVariant) stats = g_variant_ref_sink (tc_call_media_get_stats (self));

      self->next_stats_us = now + (gint64) self->stats_interval_ms * 1000;
      g_signal_emit (self, signals[SIGNAL_STATS_CHANGED], 0, stats);
      if (self->stopped)
        return G_SOURCE_REMOVE; /* by a handler */
    }
  if (expecting_rtp (self) && now - self->last_rtp_us >= (gint64) self->policy.rtp_timeout_s * G_USEC_PER_SEC)
    tc_call_media_fail (self, "no-rtp", "no RTP received for %u s", self->policy.rtp_timeout_s);
  return G_SOURCE_CONTINUE;
}

static void
start_housekeeping (TcCallMedia *self)
{
  guint period_ms = MIN (self->stats_interval_ms, 1000);

  self->next_stats_us = g_get_monotonic_time () + (gint64) self->stats_interval_ms * 1000;
  self->housekeeping = period_ms == 1000 ? g_timeout_source_new_seconds (1) : g_timeout_source_new (period_ms);
  g_source_set_callback (self->housekeeping, on_housekeeping, self, NULL);
  g_source_set_static_name (self->housekeeping, "tincan-media-housekeeping");
  g_source_attach (self->housekeeping, self->context);
}

/* After an apply: the silence is counted from now when RTP becomes
 * expected (a call starting, a hold ending). */
static void
update_rtp_timeout (TcCallMedia *self, gboolean was_expecting)
{
  if (expecting_rtp (self) && !was_expecting)
    self->last_rtp_us = g_get_monotonic_time ();
}

/* ---- the pipeline --------------------------------------------------------------------------- */

static gboolean
build_pipeline (TcCallMedia *self, GError **error)
{
  g_autofree char *name = g_strdup_printf ("call-%u", self->id);
  g_autoptr (GstBus) bus = NULL;
  GstStateChangeReturn ret;

  self->pipeline = gst_pipeline_new (name);
  gst_object_ref_sink (self->pipeline);
  /* Our own base time, fixed now (start time NONE keeps the pipeline from
   * moving it), so that the transport edge and a file source built before
   * PLAYING work in running time from the start. */
  self->clock = gst_system_clock_obtain ();
  gst_pipeline_use_clock (GST_PIPELINE (self->pipeline), self->clock);
  gst_element_set_start_time (self->pipeline, GST_CLOCK_TIME_NONE);
  self->base_time = gst_clock_get_time (self->clock);
  gst_element_set_base_time (self->pipeline, self->base_time);
  if (!tc_call_media_rtp_build (self, error) || !tc_call_media_audio_build (self, error))
    return FALSE;

  bus = gst_pipeline_get_bus (GST_PIPELINE (self->pipeline));
  gst_bus_set_sync_handler (bus, on_bus_sync, self, NULL);

  /* media-notes.md §6.3: the jitter buffer appears only with the first
   * packet, after PLAYING; without a latency fixed now the sink would not
   * de-jitter at all. */
  gst_pipeline_set_latency (GST_PIPELINE (self->pipeline),
                            (GstClockTime) (self->policy.jitter_ms + self->params.ptime) * GST_MSECOND);
  ret = gst_element_set_state (self->pipeline, GST_STATE_PLAYING);
  if (ret == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_PIPELINE, "the call's pipeline did not start");
      return FALSE;
    }
  g_debug ("media %u: pipeline started (%s)", self->id, gst_element_state_change_return_get_name (ret));
  return TRUE;
}

static void
destroy_pipeline (TcCallMedia *self)
{
  if (!self->pipeline)
    return;
  if (self->rtpbin)
    g_signal_handlers_disconnect_by_data (self->rtpbin, self);
  {
    /* What is posted from now on stays in the bus and goes with it. */
    g_autoptr (GstBus) bus = gst_pipeline_get_bus (GST_PIPELINE (self->pipeline));

    gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
  }
  /* Never wait for EOS (media-notes.md §1: rtpbin can swallow it). */
  tc_call_media_set_null (self->pipeline);
  tc_call_media_audio_stop (self);
  tc_call_media_rtp_clear (self);
  gst_clear_object (&self->pipeline);
  gst_clear_object (&self->clock);
}

/* ---- public API ------------------------------------------------------------------------------ */

TcCallMedia *
tc_call_media_new_with_transport (const TcMediaPolicy *policy, TcRtpTransport *transport, GError **error)
{
  static guint next_id;
  TcCallMedia *self;

  g_return_val_if_fail (policy != NULL, NULL);
  g_return_val_if_fail (TC_IS_RTP_TRANSPORT (transport), NULL);
  if (!tc_media_engine_ensure (error) || !tc_media_check_audio_source (policy->audio_source, error) ||
      !tc_media_check_audio_sink (policy->audio_sink, error))
    return NULL;
  self = g_object_new (TC_TYPE_CALL_MEDIA, NULL);
  self->id = ++next_id;
  self->context = g_main_context_ref_thread_default ();
  tc_media_policy_copy (&self->policy, policy);
  self->transport = g_object_ref (transport);
  tc_call_media_rtp_attach (self);
  g_debug ("media %u: created, rtp port %u, rtcp port %u", self->id, tc_call_media_get_rtp_port (self),
           tc_call_media_get_rtcp_port (self));
  return self;
}

TcCallMedia *
tc_call_media_new (const TcMediaPolicy *policy, const char *local_address, GError **error)
{
  g_autoptr (TcRtpUdp) udp = NULL;

  if (!tc_media_engine_ensure (error))
    return NULL;
  udp = tc_rtp_udp_new (local_address, 0, 0, error);
  if (!udp)
    return NULL;
  return tc_call_media_new_with_transport (policy, TC_RTP_TRANSPORT (udp), error);
}

TcRtpTransport *
tc_call_media_get_transport (TcCallMedia *self)
{
  g_return_val_if_fail (TC_IS_CALL_MEDIA (self), NULL);
  return self->transport;
}

guint
tc_call_media_get_rtp_port (TcCallMedia *self)
{
  g_return_val_if_fail (TC_IS_CALL_MEDIA (self), 0);
  return tc_rtp_transport_get_local_port (self->transport, TC_RTP_COMPONENT_RTP);
}

guint
tc_call_media_get_rtcp_port (TcCallMedia *self)
{
  g_return_val_if_fail (TC_IS_CALL_MEDIA (self), 0);
  return tc_rtp_transport_get_local_port (self->transport, TC_RTP_COMPONENT_RTCP);
}

static gboolean
check_codecs (const TcMediaParams *params, GError **error)
{
  if (params->send.codec >= TC_N_CODECS || params->send.codec == TC_CODEC_TELEPHONE_EVENT)
    {
      g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NO_CODEC, "no audio codec to send");
      return FALSE;
    }
  if (!tc_media_engine_codec_available (params->send.codec, error))
    return FALSE;
  for (guint i = 0; params->receive && i < params->receive->len; i++)
    {
      const TcPayload *payload = &g_array_index (params->receive, TcPayload, i);

      if (payload->codec < TC_N_CODECS && payload->codec != TC_CODEC_TELEPHONE_EVENT &&
          !tc_media_engine_codec_available (payload->codec, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
tc_call_media_apply (TcCallMedia *self, const TcMediaParams *params, GError **error)
{
  TcMediaParams old;
  gboolean was_expecting, first;

  g_return_val_if_fail (TC_IS_CALL_MEDIA (self), FALSE);
  g_return_val_if_fail (params != NULL, FALSE);
  if (self->stopped)
    {
      g_set_error_literal (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NOT_READY, "the call's media is stopped");
      return FALSE;
    }
  if (!check_codecs (params, error))
    return FALSE;

  first = !self->applied;
  was_expecting = self->applied && expecting_rtp (self);
  old = self->params;
  tc_media_params_copy (&self->params, params);
  if (self->params.ptime == 0)
    self->params.ptime = self->policy.ptime ? self->policy.ptime : 20;
  self->applied = TRUE;
  g_debug ("media %u: apply: send %s pt %u, %s, remote %s%s", self->id, tc_codec_get_info (params->send.codec)->nick,
           params->send.pt, tc_media_direction_to_string (params->direction), params->remote_rtp ? "set" : "none",
           params->rtcp_mux ? ", rtcp-mux" : "");
  tc_rtp_transport_set_remote (self->transport, params->remote_rtp, params->remote_rtcp, params->rtcp_mux);

  if (first)
    {
      gboolean ok;

      tc_media_params_clear (&old);
      if (tc_call_media_light_wanted (self))
        ok = tc_call_media_light_start (self, error);
      else
        {
          ok = build_pipeline (self, error);
          if (!ok)
            destroy_pipeline (self);
        }
      if (!ok)
        {
          self->applied = FALSE;
          return FALSE;
        }
      /* Bit rates are measured from the start. */
      self->stats_previous = (TcMediaStatsSnapshot){ .time_us = g_get_monotonic_time () };
      start_housekeeping (self);
    }
  else if (self->light)
    {
      gboolean ok = tc_call_media_light_update (self, &old, error);

      tc_media_params_clear (&old);
      if (!ok)
        return FALSE;
    }
  else
    {
      G_GNUC_UNUSED g_autoptr (TcCallMedia) ref = g_object_ref (self);
      gboolean ok;

      tc_call_media_audio_update_receive (self);
      /* May end a playback: "play-finished", whose handler may stop us. */
      ok = tc_call_media_audio_update_send (self, &old, error);
      tc_media_params_clear (&old);
      if (!ok)
        return FALSE;
      if (self->stopped)
        {
          g_set_error_literal (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NOT_READY, "the call's media was stopped");
          return FALSE;
        }
    }
  if (self->light)
    tc_call_media_light_set_sending (self, (self->params.direction & TC_MEDIA_DIRECTION_SENDONLY) != 0);
  else
    tc_call_media_audio_set_sending (self, (self->params.direction & TC_MEDIA_DIRECTION_SENDONLY) != 0);
  update_rtp_timeout (self, was_expecting);
  return TRUE;
}

/* A light call moves onto a pipeline (for playback, recording), which
 * continues its RTP stream.  Should the pipeline not start, the light path
 * goes on as before. */
static gboolean
ensure_pipeline (TcCallMedia *self, GError **error)
{
  g_autoptr (GError) local = NULL;

  if (!self->light)
    return TRUE;
  g_debug ("media %u: leaving the light path for a pipeline", self->id);
  tc_call_media_light_leave (self, TRUE);
  self->have_carried = TRUE;
  if (build_pipeline (self, error))
    {
      tc_call_media_audio_set_sending (self, (self->params.direction & TC_MEDIA_DIRECTION_SENDONLY) != 0);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_HAS_PIPELINE]);
      return TRUE;
    }
  destroy_pipeline (self);
  if (!tc_call_media_light_start (self, &local))
    tc_call_media_fail (self, "pipeline-error", "the call's media cannot go on: %s", local->message);
  else
    tc_call_media_light_set_sending (self, (self->params.direction & TC_MEDIA_DIRECTION_SENDONLY) != 0);
  return FALSE;
}

void
tc_call_media_stop (TcCallMedia *self)
{
  g_return_if_fail (TC_IS_CALL_MEDIA (self));
  if (self->stopped)
    return;
  g_debug ("media %u: stopping", self->id);
  g_rec_mutex_lock (&self->recv_lock);
  self->recv_closed = TRUE;
  g_rec_mutex_unlock (&self->recv_lock);
  self->stopped = TRUE;
  clear_source (&self->housekeeping);
  if (self->dtmf_sender)
    tc_dtmf_sender_cancel (self->dtmf_sender);
  tc_call_media_light_leave (self, FALSE);
  tc_call_media_audio_stop_recording (self);
  destroy_pipeline (self);
  tc_call_media_rtp_detach (self);
  tc_rtp_transport_close (self->transport);
}

gboolean
tc_call_media_send_dtmf (TcCallMedia *self, const char *digits, guint duration_ms, GError **error)
{
  g_return_val_if_fail (TC_IS_CALL_MEDIA (self), FALSE);
  if (!tc_dtmf_check_digits (digits, error))
    return FALSE;
  if (!self->applied || self->stopped || (!self->dtmf_sender && !self->light))
    {
      g_set_error_literal (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NOT_READY, "the call's media is not running");
      return FALSE;
    }
  if (self->params.send_dtmf_pt == 0)
    {
      g_set_error_literal (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NO_CODEC,
                           "the peer accepts no telephone-event (RFC 4733)");
      return FALSE;
    }
  if (!(self->params.direction & TC_MEDIA_DIRECTION_SENDONLY))
    {
      g_set_error_literal (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NOT_READY, "the call is not sending (on hold)");
      return FALSE;
    }
  g_debug ("media %u: sending DTMF \"%s\"", self->id, digits);
  if (self->light)
    tc_call_media_light_send_dtmf (self, digits, duration_ms ? duration_ms : DEFAULT_DTMF_DURATION_MS);
  else
    tc_dtmf_sender_queue (self->dtmf_sender, digits, duration_ms ? duration_ms : DEFAULT_DTMF_DURATION_MS);
  return TRUE;
}

static gboolean
check_running (TcCallMedia *self, GError **error)
{
  if (!self->applied || self->stopped)
    {
      g_set_error_literal (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NOT_READY, "the call's media is not running");
      return FALSE;
    }
  return TRUE;
}

gboolean
tc_call_media_play_file (TcCallMedia *self, const char *path, GError **error)
{
  g_return_val_if_fail (TC_IS_CALL_MEDIA (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  return check_running (self, error) && ensure_pipeline (self, error) &&
         tc_call_media_audio_play_file (self, path, error);
}

gboolean
tc_call_media_record (TcCallMedia *self, const char *path, gboolean both_directions, GError **error)
{
  g_return_val_if_fail (TC_IS_CALL_MEDIA (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  return check_running (self, error) && ensure_pipeline (self, error) &&
         tc_call_media_audio_record (self, path, both_directions, error);
}

void
tc_call_media_stop_recording (TcCallMedia *self)
{
  g_return_if_fail (TC_IS_CALL_MEDIA (self));
  tc_call_media_audio_stop_recording (self);
}

void
tc_call_media_set_muted (TcCallMedia *self, gboolean muted)
{
  g_return_if_fail (TC_IS_CALL_MEDIA (self));
  self->muted = muted;
  if (self->volume)
    g_object_set (self->volume, "mute", muted, NULL);
}

gboolean
tc_call_media_get_muted (TcCallMedia *self)
{
  g_return_val_if_fail (TC_IS_CALL_MEDIA (self), FALSE);
  return self->muted;
}

GVariant *
tc_call_media_get_stats (TcCallMedia *self)
{
  g_autoptr (GPtrArray) jitterbuffers = NULL;
  TcMediaStatsNumbers numbers;
  const char *codec;

  g_return_val_if_fail (TC_IS_CALL_MEDIA (self), NULL);
  codec = self->applied ? tc_codec_get_info (self->params.send.codec)->nick : "";
  jitterbuffers = g_ptr_array_new_with_free_func (gst_object_unref);
  if (self->light)
    /* No jitter buffer: the jb-* keys read 0. */
    tc_call_media_light_read_numbers (self, &numbers);
  else
    {
      g_rec_mutex_lock (&self->recv_lock);
      for (guint i = 0; self->jitterbuffers && i < self->jitterbuffers->len; i++)
        g_ptr_array_add (jitterbuffers, gst_object_ref (g_ptr_array_index (self->jitterbuffers, i)));
      g_rec_mutex_unlock (&self->recv_lock);
      tc_media_stats_read_rtpbin (self->stopped ? NULL : self->rtpbin, &numbers);
      if (self->have_carried && !self->stopped)
        tc_media_stats_add (&numbers, &self->carried);
    }
  return tc_media_stats_build (&numbers, jitterbuffers, codec, self->applied ? self->params.send.pt : 0,
                               &self->stats_previous);
}

/* ---- GObject ------------------------------------------------------------------------------- */

static void
tc_call_media_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TcCallMedia *self = TC_CALL_MEDIA (object);

  switch (prop_id)
    {
    case PROP_RTCP_INTERVAL:
      g_value_set_uint (value, self->rtcp_interval_ms);
      break;
    case PROP_STATS_INTERVAL:
      g_value_set_uint (value, self->stats_interval_ms);
      break;
    case PROP_LIGHT:
      g_value_set_boolean (value, self->light_allowed);
      break;
    case PROP_HAS_PIPELINE:
      g_value_set_boolean (value, self->pipeline != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tc_call_media_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  TcCallMedia *self = TC_CALL_MEDIA (object);

  switch (prop_id)
    {
    case PROP_RTCP_INTERVAL:
      self->rtcp_interval_ms = g_value_get_uint (value);
      break;
    case PROP_STATS_INTERVAL:
      self->stats_interval_ms = g_value_get_uint (value);
      break;
    case PROP_LIGHT:
      self->light_allowed = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tc_call_media_dispose (GObject *object)
{
  TcCallMedia *self = TC_CALL_MEDIA (object);

  if (self->transport)
    tc_call_media_stop (self);
  G_OBJECT_CLASS (tc_call_media_parent_class)->dispose (object);
}

static void
tc_call_media_finalize (GObject *object)
{
  TcCallMedia *self = TC_CALL_MEDIA (object);

  g_clear_object (&self->transport);
  tc_media_params_clear (&self->params);
  tc_media_policy_clear (&self->policy);
  g_clear_pointer (&self->recv_payloads, g_array_unref);
  g_clear_pointer (&self->recv_branches, g_ptr_array_unref);
  g_clear_pointer (&self->jitterbuffers, g_ptr_array_unref);
  g_clear_pointer (&self->sink_elements, g_ptr_array_unref);
  g_free (self->playing);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_rec_mutex_clear (&self->recv_lock);
  G_OBJECT_CLASS (tc_call_media_parent_class)->finalize (object);
}

static void
tc_call_media_class_init (TcCallMediaClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = tc_call_media_get_property;
  object_class->set_property = tc_call_media_set_property;
  object_class->dispose = tc_call_media_dispose;
  object_class->finalize = tc_call_media_finalize;

  /**
   * TcCallMedia:rtcp-interval:
   *
   * rtpsession's minimum RTCP interval in ms (RFC 3550 §6.2: 5000).  Read
   * when the pipeline is built; tests lower it to see reports sooner.
   */
  props[PROP_RTCP_INTERVAL] = g_param_spec_uint ("rtcp-interval", NULL, NULL, 100, 60000, DEFAULT_RTCP_INTERVAL_MS,
                                                 G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * TcCallMedia:stats-interval:
   *
   * How often "stats-changed" is emitted, in ms; read at the first apply.
   */
  props[PROP_STATS_INTERVAL] = g_param_spec_uint ("stats-interval", NULL, NULL, 100, 600000, DEFAULT_STATS_INTERVAL_MS,
                                                  G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * TcCallMedia:light:
   *
   * Whether a call whose audio the light path can make (audio source
   * "none" or "tone:HZ", sink "none", nothing played or recorded) may run
   * without a pipeline (call-media-light.c).  Read at the first apply;
   * tests and measurements turn it off to compare.
   */
  props[PROP_LIGHT] = g_param_spec_boolean ("light", NULL, NULL, TRUE,
                                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * TcCallMedia:has-pipeline:
   *
   * Whether a GStreamer pipeline carries the call's media (FALSE before
   * the first apply, on the light path, and once stopped).  Notified when
   * a light call moves onto a pipeline.
   */
  props[PROP_HAS_PIPELINE] = g_param_spec_boolean ("has-pipeline", NULL, NULL, FALSE,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, props);

  /**
   * TcCallMedia::stats-changed:
   * @stats: the a{sv} of tc_call_media_get_stats()
   *
   * Every stats-interval while the pipeline runs.
   */
  signals[SIGNAL_STATS_CHANGED] = g_signal_new ("stats-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                                NULL, NULL, G_TYPE_NONE, 1, G_TYPE_VARIANT);
  /**
   * TcCallMedia::dtmf-received:
   * @digit: "0"-"9", "*", "#", "A"-"D"
   * @duration_ms: how long the sender said it lasted
   *
   * An RFC 4733 event, once, at its end.
   */
  signals[SIGNAL_DTMF_RECEIVED] = g_signal_new ("dtmf-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                                NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_UINT);
  /**
   * TcCallMedia::failed:
   * @cause: "no-rtp" (nothing received for rtp_timeout_s while the peer
   *   should send), "pipeline-error", "device-error" (the audio source
   *   or sink is missing or failed; the media goes on with silence or
   *   without playback), "transport-error" (the transport cannot carry
   *   media any more)
   * @message: what happened, for logs
   *
   * Each cause is reported at most once.
   */
  signals[SIGNAL_FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  /**
   * TcCallMedia::play-finished:
   * @path: the file tc_call_media_play_file() was given
   * @error: (nullable): NULL when it played to its end, else why it
   *   stopped ("interrupted" when another file replaced it)
   */
  signals[SIGNAL_PLAY_FINISHED] = g_signal_new ("play-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                                NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
tc_call_media_init (TcCallMedia *self)
{
  self->rtcp_interval_ms = DEFAULT_RTCP_INTERVAL_MS;
  self->stats_interval_ms = DEFAULT_STATS_INTERVAL_MS;
  self->light_allowed = TRUE;
  g_rec_mutex_init (&self->recv_lock);
  self->recv_payloads = g_array_new (FALSE, TRUE, sizeof (RecvPayload));
  self->recv_branches = g_ptr_array_new ();
  self->jitterbuffers = g_ptr_array_new_with_free_func (gst_object_unref);
  self->sink_elements = g_ptr_array_new ();
  tc_media_params_init (&self->params);
}
