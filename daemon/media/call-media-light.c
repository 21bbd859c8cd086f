/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * call-media-light.c — the light path of TcCallMedia: a call whose audio
 * is generated and whose received audio is discarded (audio source
 * "none" or "tone:HZ", sink "none", no file playing, no recording) runs
 * without a GStreamer pipeline, hence without threads of its own.
 *
 *  - Sending: one packet per frame, its header patched in place
 *    (sequence number, timestamp), from ONE pacing timer for all light
 *    calls of a main context (LightPacer, a GSource with a ready time).
 *    Source "none": the payload is pre-encoded silence (silence.c), made
 *    once per process.  Source "tone:HZ": each frame is generated on the
 *    tick (tone.c: a sine at the pipeline's level, phase continuous) and
 *    encoded there by the call's own frame encoder (frame-encoder.c:
 *    G.711 natively, G.722 and Opus through the GStreamer encoder driven
 *    from the tick; Opus set up as the pipeline's, with the adaptive
 *    in-band FEC of opus-fec.h).  Mute encodes zeros instead.  The timer
 *    ticks every PACER_QUANTUM_US and each call's frames are placed on
 *    that grid, new calls spread over the ticks of a frame, so a tick
 *    sends (and encodes) for a fraction of the calls.  Timestamps come
 *    from the schedule, not from the tick's lateness; a tick late by more
 *    than CATCH_UP_FRAMES frames skips the oldest (their timestamps are
 *    not reused, nothing is encoded for them).  The timer is a GSource on
 *    the main context rather than a pacing thread: a thread measured no
 *    cheaper in CPU, and would need a lock on every packet received; the
 *    price is that all light calls' encoding shares the main thread
 *    (Opus: ~0.5 % of a core per call, so about 150 calls before it
 *    saturates; past that, ticks run late, frames are skipped, and
 *    PACER_YIELD_US keeps the rest of the main context running).  Hold
 *    (no SEND): nothing is sent or encoded, the timeline goes on.  RFC
 *    4733 events (dtmf.c) go out in the same stream (same SSRC, the next
 *    sequence numbers, the audio's timeline) and hold the audio back
 *    while they last, as rtpdtmfmux does.  A codec change (re-INVITE)
 *    replaces the frame encoder.
 *  - Receiving: packets are counted (RFC 3550 A.1/A.3/A.8, rtp-stats.c),
 *    telephone-events go to the DTMF receiver, audio payloads are
 *    dropped.  The "no-rtp" timeout is the housekeeping's, as with a
 *    pipeline.
 *  - RTCP: an SR (an RR when we sent nothing since the last report) with
 *    a report block on the stream we receive, and SDES CNAME, every
 *    rtcp-interval randomised over 0.5-1.5× (RFC 3550 §6.2; the first
 *    after half of that); the peer's SR/RR report blocks on our stream
 *    give rtt-ms, fraction-lost, remote-packets-lost, remote-jitter-ms,
 *    and the loss that Opus's in-band FEC is sized for.
 *  - Leaving: tc_call_media_light_leave() hands the pipeline that takes
 *    over (call-media.c) the SSRC, the next sequence number and the
 *    timeline, so the peer sees one continuous stream, and the counters
 *    so far, so that Stats go on counting.  The pipeline makes the same
 *    source (audiotestsrc for a tone) from then on.
 */
#include "media/call-media-private.h"

#include <string.h>

#include "media/frame-encoder.h"
#include "media/media-error.h"
#include "media/rtp-stats.h"
#include "media/silence.h"
#include "media/tone.h"

/* The pacing grid.  Frames are multiples of 10 ms in practice (RFC 3551
 * §4.5; Opus frames), so each lands on a tick, and a 20 ms frame has four
 * ticks to spread its calls over: each tick sends for a quarter of them.
 * (A 10 ms grid measured the same CPU with twice the work per tick.) */
#define PACER_QUANTUM_US 5000
/* After a late tick: frames sent at once, the older ones skipped. */
#define CATCH_UP_FRAMES 3
/* A tick that ran into the next (overload: more encoding than one thread
 * does in real time) is followed by a pause at least this long, or the
 * pacer, ready again at once and at a higher priority, would starve
 * everything else on the main context (receiving, SIP, timers). */
#define PACER_YIELD_US 1000
/* The light path's initial timestamps stay below 2^30 so that the
 * pipeline's rtpdtmfmux, whose timestamp-offset is a gint, can continue
 * them for hours (6 h at 48 kHz, 37 h at 8 kHz). */
#define INITIAL_TIMESTAMP_MAX (1u << 30)

typedef struct _LightPacer LightPacer;

struct _LightCall {
  TcCallMedia *media; /* the owner, which frees us before it goes */
  LightPacer *pacer;
  guint index; /* in pacer->calls */

  /* ---- send ---- */
  guint8 *packet;  /* header + one frame's payload (silence until a tone is encoded) */
  GBytes *silence; /* the send codec's, owned by silence.c's cache */
  gsize silence_size;
  guint tone_hz;           /* 0: the source is silence */
  TcTone tone;             /* … else the tone, */
  TcFrameEncoder *encoder; /* … encoded frame by frame */
  gboolean payload_dirty;  /* the packet holds an encoded frame, not the silence */
  guint8 pt;
  guint clock_rate;
  gint64 frame_us;
  guint32 frame_units;
  /* The timeline: frame k is due at origin_us + k * frame_us and carries
   * timestamp origin_ts + k * frame_units. */
  gint64 origin_us;
  guint32 origin_ts;
  gint64 next_frame; /* k of the next audio packet */
  guint32 ssrc;
  guint16 seq; /* of the next packet, audio or event */
  gboolean sending;
  gboolean marker;      /* on the next audio packet: a talkspurt begins */
  gint64 held_until_us; /* audio held back while a DTMF event goes out */
  guint32 dtmf_timestamp;
  TcDtmfSender *dtmf_sender;
  guint64 packets_sent, octets_sent;
  guint64 frames_skipped; /* late ticks: frames not sent (Media.Stats "frames-skipped") */
  guint sent_since_report;

  /* ---- receive ---- */
  TcRtpReceiver receiver;

  /* ---- RTCP ---- */
  gint64 next_rtcp_us;
  char cname[TC_RTCP_CNAME_MAX + 1];
  gboolean have_rb;
  TcRtcpReportBlock rb; /* the peer's last report on our stream */
  guint32 round_trip;   /* 1/65536 s */
};

/* ---- the shared pacer ---------------------------------------------------------------------- */

struct _LightPacer {
  GSource source;
  GMainContext *context;
  GPtrArray *calls; /* LightCall, in no order */
  gint64 next_tick_us;
  guint slot;    /* spreads new calls over the ticks of their frame */
  gint16 *pcm;   /* one frame of generated audio, for any call's encoder */
  gsize pcm_max; /* samples it holds */
};

/* GMainContext → LightPacer. */
static GHashTable *pacers;
G_LOCK_DEFINE_STATIC (pacers);

static void light_tick (LightCall *call, gint64 now_us);

static gint64
grid_ceil (gint64 us)
{
  return (us + PACER_QUANTUM_US - 1) / PACER_QUANTUM_US * PACER_QUANTUM_US;
}

/* One tick for every light call: a compare for most, a send for those
 * whose frame is due.  Nothing here emits a signal or calls back out, so
 * no call can come or go during the walk. */
static gboolean
pacer_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
  LightPacer *pacer = (LightPacer *) source;
  gint64 now = g_get_monotonic_time ();

  for (guint i = 0; i < pacer->calls->len; i++)
    light_tick (g_ptr_array_index (pacer->calls, i), now);
  pacer->next_tick_us += PACER_QUANTUM_US;
  if (pacer->next_tick_us <= now)
    pacer->next_tick_us = grid_ceil (now + 1);
  {
    gint64 end = g_get_monotonic_time ();

    if (pacer->next_tick_us < end + PACER_YIELD_US)
      pacer->next_tick_us = grid_ceil (end + PACER_YIELD_US);
  }
  g_source_set_ready_time (source, pacer->next_tick_us);
  return G_SOURCE_CONTINUE;
}

static void
pacer_finalize (GSource *source)
{
  LightPacer *pacer = (LightPacer *) source;

  g_ptr_array_unref (pacer->calls);
  g_free (pacer->pcm);
}

static GSourceFuncs pacer_funcs = {
  NULL, NULL, pacer_dispatch, pacer_finalize, NULL, NULL,
};

static void
pacer_add (GMainContext *context, LightCall *call)
{
  LightPacer *pacer;

  G_LOCK (pacers);
  if (!pacers)
    pacers = g_hash_table_new (NULL, NULL);
  pacer = g_hash_table_lookup (pacers, context);
  if (!pacer)
    {
      pacer = (LightPacer *) g_source_new (&pacer_funcs, sizeof (LightPacer));
      pacer->context = context;
      pacer->calls = g_ptr_array_new ();
      pacer->next_tick_us = grid_ceil (g_get_monotonic_time () + 1);
      g_source_set_priority (&pacer->source, G_PRIORITY_HIGH);
      g_source_set_ready_time (&pacer->source, pacer->next_tick_us);
      g_source_set_static_name (&pacer->source, "tincan-media-pacer");
      g_source_attach (&pacer->source, context);
      g_hash_table_insert (pacers, context, pacer);
    }
  call->pacer = pacer;
  call->index = pacer->calls->len;
  g_ptr_array_add (pacer->calls, call);
  G_UNLOCK (pacers);
}

static void
pacer_remove (LightCall *call)
{
  LightPacer *pacer = call->pacer;
  G_GNUC_UNUSED LightCall *removed;

  G_LOCK (pacers);
  /* The last call takes the removed one's place. */
  removed = g_ptr_array_steal_index_fast (pacer->calls, call->index);
  g_assert (removed == call);
  if (call->index < pacer->calls->len)
    ((LightCall *) g_ptr_array_index (pacer->calls, call->index))->index = call->index;
  if (pacer->calls->len == 0)
    {
      g_hash_table_remove (pacers, pacer->context);
      g_source_destroy (&pacer->source);
      g_source_unref (&pacer->source);
    }
  G_UNLOCK (pacers);
  call->pacer = NULL;
}

/* The first frame of a call (or of a resumed send) on the grid, in one of
 * the ticks its frame spans. */
static gint64
pacer_place (LightPacer *pacer, gint64 frame_us, gint64 now_us)
{
  guint slots = MAX (frame_us / PACER_QUANTUM_US, 1);

  return grid_ceil (now_us + 1) + (gint64) (pacer->slot++ % slots) * PACER_QUANTUM_US;
}

/* ---- the stream ---------------------------------------------------------------------------- */

/* The timestamp of the instant @us on the timeline (signed arithmetic:
 * @us may be before the origin). */
static guint32
timestamp_at (LightCall *call, gint64 us)
{
  return call->origin_ts + (guint32) (gint64) ((us - call->origin_us) * (gint64) call->clock_rate / G_USEC_PER_SEC);
}

static gint64
frame_due (LightCall *call, gint64 frame)
{
  return call->origin_us + frame * call->frame_us;
}

static void
send_packet (LightCall *call, const guint8 *data, gsize size, gsize payload_size)
{
  tc_rtp_transport_send (call->media->transport, TC_RTP_COMPONENT_RTP, data, size);
  call->packets_sent++;
  call->octets_sent += payload_size;
  call->sent_since_report++;
}

static void
send_report (LightCall *call, gint64 now_us)
{
  TcCallMedia *self = call->media;
  guint8 packet[TC_RTCP_REPORT_MAX];
  TcRtcpReportBlock block;
  TcRtcpSenderInfo sender = { 0 };
  gboolean have_block = tc_rtp_receiver_report_block (&call->receiver, now_us, &block);
  gboolean as_sender = call->sent_since_report > 0;
  gsize size;

  if (as_sender)
    {
      sender.ntp = tc_rtcp_ntp_from_real (g_get_real_time ());
      sender.rtp_timestamp = timestamp_at (call, now_us);
      sender.packets = (guint32) call->packets_sent;
      sender.octets = (guint32) call->octets_sent;
    }
  size = tc_rtcp_write_report (packet, call->ssrc, as_sender ? &sender : NULL, have_block ? &block : NULL, call->cname);
  tc_rtp_transport_send (self->transport, TC_RTP_COMPONENT_RTCP, packet, size);
  call->sent_since_report = 0;
  /* RFC 3550 §6.3.1: the interval randomised over [0.5, 1.5]. */
  call->next_rtcp_us = now_us + (gint64) (self->rtcp_interval_ms * g_random_double_range (0.5, 1.5) * 1000);
}

/* The payload of the next audio frame, in call->packet; its size. */
static gsize
next_payload (LightCall *call)
{
  LightPacer *pacer = call->pacer;
  gsize samples, size;

  if (!call->encoder)
    return call->silence_size;
  samples = tc_frame_encoder_get_samples (call->encoder);
  if (pacer->pcm_max < samples)
    {
      pacer->pcm = g_renew (gint16, pacer->pcm, samples);
      pacer->pcm_max = samples;
    }
  if (call->media->muted)
    memset (pacer->pcm, 0, samples * sizeof (gint16));
  else
    tc_tone_fill (&call->tone, pacer->pcm, samples);
  size = tc_frame_encoder_encode (call->encoder, pacer->pcm, call->packet + TC_RTP_HEADER_SIZE);
  if (size > 0)
    {
      call->payload_dirty = TRUE;
      return size;
    }
  /* Nothing out of the encoder (yet): silence rather than a gap. */
  if (call->payload_dirty)
    memcpy (call->packet + TC_RTP_HEADER_SIZE, g_bytes_get_data (call->silence, NULL), call->silence_size);
  call->payload_dirty = FALSE;
  return call->silence_size;
}

/* The pacer's tick: the audio frames due, then RTCP if due. */
static void
light_tick (LightCall *call, gint64 now_us)
{
  if (call->sending && frame_due (call, call->next_frame) <= now_us)
    {
      gint64 late = (now_us - frame_due (call, call->next_frame)) / call->frame_us;

      /* Frames older than CATCH_UP_FRAMES are skipped. */
      if (late >= CATCH_UP_FRAMES)
        {
          call->next_frame += late - CATCH_UP_FRAMES + 1;
          call->frames_skipped += late - CATCH_UP_FRAMES + 1;
        }
      for (; frame_due (call, call->next_frame) <= now_us; call->next_frame++)
        {
          gsize size;

          if (now_us < call->held_until_us)
            continue; /* an RFC 4733 event is going out */
          size = next_payload (call);
          tc_rtp_header_write (call->packet, call->marker, call->pt, call->seq++,
                               call->origin_ts + (guint32) (call->next_frame * call->frame_units), call->ssrc);
          call->marker = FALSE;
          send_packet (call, call->packet, TC_RTP_HEADER_SIZE + size, size);
        }
    }
  if (now_us >= call->next_rtcp_us)
    send_report (call, now_us);
}

/* Takes on the send codec of self->params: its silence frame and, with
 * a tone, a new frame encoder, keeping the timeline's value at the next
 * frame.  FALSE (and the call unchanged) when either cannot be made. */
static gboolean
set_codec (LightCall *call, gint64 now_us, GError **error)
{
  TcCallMedia *self = call->media;
  const TcCodecInfo *info = tc_codec_get_info (self->params.send.codec);
  guint frame_ms = tc_media_silence_frame_ms (self->params.send.codec, self->params.ptime);
  GBytes *silence = tc_media_silence_get (self->params.send.codec, frame_ms, error);
  TcFrameEncoder *encoder = NULL;
  gsize max_payload;

  if (!silence)
    return FALSE;
  if (call->tone_hz > 0)
    {
      encoder = tc_frame_encoder_new (self->params.send.codec, frame_ms, error);
      if (!encoder)
        return FALSE;
      tc_frame_encoder_set_fec (encoder, self->params.opus_fec, self->opus_fec.percent);
      tc_tone_init (&call->tone, call->tone_hz, info->audio_rate, TC_TONE_VOLUME);
    }
  if (call->clock_rate)
    {
      /* Re-origin at the next frame: its timestamp stays. */
      gint64 next_us = MAX (frame_due (call, call->next_frame), grid_ceil (now_us + 1));

      call->origin_ts = timestamp_at (call, next_us);
      call->origin_us = next_us;
      call->next_frame = 0;
    }
  call->pt = (guint8) self->params.send.pt;
  call->clock_rate = info->clock_rate;
  call->frame_us = (gint64) frame_ms * 1000;
  call->frame_units = info->clock_rate * frame_ms / 1000;
  tc_frame_encoder_free (call->encoder);
  call->encoder = encoder;
  call->silence = silence;
  call->silence_size = g_bytes_get_size (silence);
  max_payload = encoder ? MAX (call->silence_size, tc_frame_encoder_get_max_payload (encoder)) : call->silence_size;
  g_free (call->packet);
  call->packet = g_malloc (TC_RTP_HEADER_SIZE + max_payload);
  memcpy (call->packet + TC_RTP_HEADER_SIZE, g_bytes_get_data (silence, NULL), call->silence_size);
  call->payload_dirty = FALSE;
  return TRUE;
}

/* ---- DTMF ----------------------------------------------------------------------------------- */

/* Main context: one RFC 4733 packet, in the stream.  Its timestamp is the
 * audio timeline's at the event's start (the duration field counts in the
 * telephone-event clock, as in the pipeline: call-media-rtp.c). */
static void
on_dtmf_packet (const TcDtmfPacket *packet, gpointer user_data)
{
  LightCall *call = user_data;
  TcCallMedia *self = call->media;
  guint8 buffer[TC_RTP_HEADER_SIZE + TC_DTMF_PAYLOAD_SIZE];
  gint64 now = g_get_monotonic_time ();

  if (packet->start)
    call->dtmf_timestamp = timestamp_at (call, now);
  tc_rtp_header_write (buffer, packet->start, (guint8) self->params.send_dtmf_pt, call->seq++, call->dtmf_timestamp,
                       call->ssrc);
  tc_dtmf_payload_write (&packet->payload, buffer + TC_RTP_HEADER_SIZE);
  send_packet (call, buffer, sizeof buffer, TC_DTMF_PAYLOAD_SIZE);
  /* The audio comes back one frame after the event's last packet. */
  call->held_until_us = now + call->frame_us + PACER_QUANTUM_US;
}

/* ---- receive --------------------------------------------------------------------------------- */

static void
receive_rtcp (LightCall *call, const guint8 *data, gsize size, gint64 received_us)
{
  TcRtcpInfo info;

  if (!tc_rtcp_parse (data, size, call->ssrc, &info))
    return;
  if (info.have_sr)
    tc_rtp_receiver_sender_report (&call->receiver, info.sr_ssrc, info.sr_ntp, received_us);
  if (info.have_block)
    {
      guint32 round_trip = tc_rtcp_round_trip (&info.block, tc_rtcp_ntp_from_real (g_get_real_time ()));

      call->have_rb = TRUE;
      call->rb = info.block;
      if (round_trip > 0)
        call->round_trip = round_trip;
      if (tc_opus_fec_report (&call->media->opus_fec, info.block.fraction_lost) && call->encoder)
        {
          g_debug ("media %u: light path: the peer reports %u/256 lost, Opus FEC now sized for %u %%", call->media->id,
                   info.block.fraction_lost, call->media->opus_fec.percent);
          tc_frame_encoder_set_fec (call->encoder, call->media->params.opus_fec, call->media->opus_fec.percent);
        }
    }
}

void
tc_call_media_light_receive (TcCallMedia *self, TcRtpComponent component, const guint8 *data, gsize size,
                             gint64 received_us)
{
  LightCall *call = self->light;
  TcRtpHeader header;
  guint clock_rate = 0;

  if (component == TC_RTP_COMPONENT_RTCP)
    {
      receive_rtcp (call, data, size, received_us);
      return;
    }
  /* Hold: without RECV what arrives is not played (RFC 3264 §5.1). */
  if (!(self->params.direction & TC_MEDIA_DIRECTION_RECVONLY) || !tc_rtp_header_parse (data, size, &header))
    return;
  if (self->params.recv_dtmf_pt != 0 && header.pt == self->params.recv_dtmf_pt)
    tc_dtmf_receiver_push (self->dtmf_receiver, header.timestamp, data + header.payload_offset, header.payload_size);
  else
    {
      const TcPayload *payload = tc_media_params_find_receive (&self->params, header.pt);

      if (!payload)
        return;
      clock_rate = payload->clock_rate;
    }
  self->last_rtp_us = received_us;
  tc_rtp_receiver_update (&call->receiver, &header, clock_rate, received_us);
}

/* ---- the light path's life ----------------------------------------------------------------- */

/* The frequency of a "tone:HZ" source (as media-params.c checks it), or
 * 0. */
static guint
tone_of (const char *source)
{
  guint64 hz;

  if (!g_str_has_prefix (source, "tone:") || !g_ascii_string_to_unsigned (source + 5, 10, 1, 20000, &hz, NULL))
    return 0;
  return (guint) hz;
}

gboolean
tc_call_media_light_wanted (TcCallMedia *self)
{
  const char *source = self->policy.audio_source;

  return self->light_allowed && (g_str_equal (source, "none") || tone_of (source) > 0) &&
         g_str_equal (self->policy.audio_sink, "none") && !self->recorder && !self->playing;
}

gboolean
tc_call_media_light_start (TcCallMedia *self, GError **error)
{
  LightCall *call;
  gint64 now = g_get_monotonic_time ();

  g_assert (!self->light && !self->pipeline);
  call = g_new0 (LightCall, 1);
  call->media = self;
  call->tone_hz = tone_of (self->policy.audio_source);
  if (!set_codec (call, now, error))
    {
      g_free (call);
      return FALSE;
    }
  call->ssrc = g_random_int ();
  call->seq = (guint16) g_random_int ();
  call->origin_ts = (guint32) g_random_int_range (0, INITIAL_TIMESTAMP_MAX);
  g_snprintf (call->cname, sizeof call->cname, "tincan-%08x%08x", g_random_int (), g_random_int ());
  call->marker = TRUE;
  pacer_add (self->context, call);
  call->origin_us = pacer_place (call->pacer, call->frame_us, now);
  if (self->resume.valid)
    {
      /* The pipeline that was to take over did not start: the stream
       * goes on here, and so do the counters. */
      call->ssrc = self->resume.ssrc;
      call->seq = self->resume.seq;
      call->origin_ts = self->resume.timestamp + (guint32) ((call->origin_us - self->resume.time_us) *
                                                            (gint64) call->clock_rate / G_USEC_PER_SEC);
      call->packets_sent = self->carried.packets_sent;
      call->octets_sent = self->carried.octets_sent;
      call->frames_skipped = self->carried.frames_skipped;
      call->receiver.packets = self->carried.packets_received;
      call->receiver.octets = self->carried.octets_received;
      call->receiver.lost_previous = self->carried.packets_lost;
      self->resume.valid = FALSE;
      self->have_carried = FALSE;
    }
  call->next_rtcp_us = now + (gint64) (self->rtcp_interval_ms * g_random_double_range (0.5, 1.5) * 500);
  call->dtmf_sender = tc_dtmf_sender_new (self->context, tc_codec_get_info (TC_CODEC_TELEPHONE_EVENT)->clock_rate,
                                          MAX (self->params.ptime, 20), on_dtmf_packet, call);
  self->light = call;
  g_debug ("media %u: light path: %s, %" G_GINT64_FORMAT " ms frames of %s, ssrc %08x", self->id,
           tc_codec_get_info (self->params.send.codec)->nick, call->frame_us / 1000,
           call->tone_hz ? "a tone, encoded on the tick" : "silence", call->ssrc);
  return TRUE;
}

gboolean
tc_call_media_light_update (TcCallMedia *self, const TcMediaParams *old, GError **error)
{
  LightCall *call = self->light;

  if (self->params.send.codec == old->send.codec && self->params.send.pt == old->send.pt &&
      self->params.ptime == old->ptime)
    {
      if (call->encoder && self->params.opus_fec != old->opus_fec)
        tc_frame_encoder_set_fec (call->encoder, self->params.opus_fec, self->opus_fec.percent);
      return TRUE;
    }
  if (!set_codec (call, g_get_monotonic_time (), error))
    return FALSE;
  g_debug ("media %u: light path: now %s pt %u, %" G_GINT64_FORMAT " ms frames", self->id,
           tc_codec_get_info (self->params.send.codec)->nick, self->params.send.pt, call->frame_us / 1000);
  return TRUE;
}

void
tc_call_media_light_set_sending (TcCallMedia *self, gboolean sending)
{
  LightCall *call = self->light;
  gint64 now;

  if (sending == call->sending)
    return;
  call->sending = sending;
  if (!sending)
    {
      tc_dtmf_sender_cancel (call->dtmf_sender);
      return;
    }
  /* Resuming: the timeline went on meanwhile; the next frame is the
   * first due from now on, and begins a talkspurt. */
  now = g_get_monotonic_time ();
  if (frame_due (call, call->next_frame) < now)
    call->next_frame = (now - call->origin_us + call->frame_us - 1) / call->frame_us;
  call->marker = TRUE;
}

void
tc_call_media_light_send_dtmf (TcCallMedia *self, const char *digits, guint duration_ms)
{
  tc_dtmf_sender_queue (self->light->dtmf_sender, digits, duration_ms);
}

void
tc_call_media_light_read_numbers (TcCallMedia *self, TcMediaStatsNumbers *n)
{
  LightCall *call = self->light;

  memset (n, 0, sizeof *n);
  n->packets_sent = call->packets_sent;
  n->octets_sent = call->octets_sent;
  n->clock_rate_sent = call->clock_rate;
  n->packets_received = call->receiver.packets;
  n->octets_received = call->receiver.octets;
  n->packets_lost = tc_rtp_receiver_lost (&call->receiver);
  n->jitter = tc_rtp_receiver_jitter (&call->receiver);
  n->clock_rate_received = call->receiver.clock_rate;
  n->have_rb = call->have_rb;
  n->rb_fraction_lost = call->rb.fraction_lost;
  n->rb_packets_lost = call->rb.packets_lost;
  n->rb_jitter = call->rb.jitter;
  n->rb_round_trip = call->round_trip;
  n->frames_skipped = call->frames_skipped;
}

void
tc_call_media_light_leave (TcCallMedia *self, gboolean handing_over)
{
  LightCall *call = self->light;

  if (!call)
    return;
  /* A digit being sent ends now (its end packets go out). */
  tc_dtmf_sender_cancel (call->dtmf_sender);
  pacer_remove (call);
  if (handing_over)
    {
      gint64 next_us = MAX (frame_due (call, call->next_frame), g_get_monotonic_time ());

      self->resume.valid = TRUE;
      self->resume.ssrc = call->ssrc;
      self->resume.seq = call->seq;
      self->resume.time_us = next_us;
      self->resume.timestamp = timestamp_at (call, next_us);
      self->resume.clock_rate = call->clock_rate;
      tc_call_media_light_read_numbers (self, &self->carried);
      g_debug ("media %u: light path ends: ssrc %08x, seq %u, timestamp %u continue in the pipeline", self->id,
               call->ssrc, call->seq, self->resume.timestamp);
    }
  tc_dtmf_sender_free (call->dtmf_sender);
  tc_frame_encoder_free (call->encoder);
  g_free (call->packet);
  g_free (call);
  self->light = NULL;
}

gint
tc_call_media_light_get_fec_percent (TcCallMedia *self)
{
  return self->light && self->light->encoder ? tc_frame_encoder_get_loss_percent (self->light->encoder) : -1;
}
