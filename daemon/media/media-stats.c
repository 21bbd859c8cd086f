/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * media-stats.c — RTCP and jitter-buffer statistics (media-notes.md §2).
 *
 * rtpbin's session 0 "stats" holds one application/x-rtp-source-stats
 * structure per SSRC.  Ours (internal) has what we sent.  The remote's
 * has what we measured on its stream (packets-received, packets-lost,
 * jitter) and, in its rb-* fields, the last report block it sent us about
 * our stream (loss, jitter, round trip).
 */
#include "media/media-stats.h"

#include <string.h>

static guint64
get_u64 (const GstStructure *s, const char *field)
{
  guint64 v = 0;

  gst_structure_get_uint64 (s, field, &v);
  return v;
}

static guint
get_uint (const GstStructure *s, const char *field)
{
  guint v = 0;

  gst_structure_get_uint (s, field, &v);
  return v;
}

static gint
get_int (const GstStructure *s, const char *field)
{
  gint v = 0;

  gst_structure_get_int (s, field, &v);
  return v;
}

static gboolean
get_bool (const GstStructure *s, const char *field)
{
  gboolean v = FALSE;

  gst_structure_get_boolean (s, field, &v);
  return v;
}

static void
read_source (const GstStructure *s, TcMediaStatsNumbers *n, guint64 *best_received)
{
  if (get_bool (s, "internal"))
    {
      if (!get_bool (s, "is-sender") && get_u64 (s, "packets-sent") == 0)
        return;
      n->packets_sent += get_u64 (s, "packets-sent");
      n->octets_sent += get_u64 (s, "octets-sent");
      n->clock_rate_sent = MAX (get_int (s, "clock-rate"), 0);
      return;
    }
  /* A remote SSRC.  After an SSRC change there are two: take the one that
   * brought the most packets, and the report blocks of whichever has one. */
  if (get_u64 (s, "packets-received") >= *best_received)
    {
      *best_received = get_u64 (s, "packets-received");
      n->packets_received = *best_received;
      n->octets_received = get_u64 (s, "octets-received");
      n->packets_lost = get_int (s, "packets-lost");
      n->jitter = get_uint (s, "jitter");
      n->clock_rate_received = MAX (get_int (s, "clock-rate"), 0);
    }
  if (get_bool (s, "have-rb"))
    {
      n->have_rb = TRUE;
      n->rb_fraction_lost = get_uint (s, "rb-fractionlost");
      n->rb_packets_lost = get_int (s, "rb-packetslost");
      n->rb_jitter = get_uint (s, "rb-jitter");
      n->rb_round_trip = get_uint (s, "rb-round-trip");
    }
}

void
tc_media_stats_read_rtpbin (GstElement *rtpbin, TcMediaStatsNumbers *n)
{
  g_autoptr (GstElement) session = NULL;
  g_autoptr (GstStructure) stats = NULL;
  const GValue *sources;
  guint64 best_received = 0;

  memset (n, 0, sizeof *n);
  if (!rtpbin)
    return;
  g_signal_emit_by_name (rtpbin, "get-session", 0, &session);
  if (!session)
    return;
  g_object_get (session, "stats", &stats, NULL);
  if (!stats)
    return;
  sources = gst_structure_get_value (stats, "source-stats");
  if (!sources || !G_VALUE_HOLDS_BOXED (sources))
    return;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  {
    /* rtpsession still hands out a GValueArray (GStreamer 1.22). */
    GValueArray *array = g_value_get_boxed (sources);

    for (guint i = 0; array && i < array->n_values; i++)
      {
        const GstStructure *s = gst_value_get_structure (g_value_array_get_nth (array, i));

        if (s)
          read_source (s, n, &best_received);
      }
  }
  G_GNUC_END_IGNORE_DEPRECATIONS
}

typedef struct {
  guint64 pushed, lost, late, duplicates;
  guint64 avg_jitter_ns;
  guint n;
} JitterNumbers;

static void
read_jitterbuffer (GstElement *jitterbuffer, JitterNumbers *j)
{
  g_autoptr (GstStructure) stats = NULL;

  g_object_get (jitterbuffer, "stats", &stats, NULL);
  if (!stats)
    return;
  j->pushed += get_u64 (stats, "num-pushed");
  j->lost += get_u64 (stats, "num-lost");
  j->late += get_u64 (stats, "num-late");
  j->duplicates += get_u64 (stats, "num-duplicates");
  j->avg_jitter_ns = MAX (j->avg_jitter_ns, get_u64 (stats, "avg-jitter"));
  j->n++;
}

static guint
bitrate (guint64 now_octets, guint64 then_octets, gint64 elapsed_us)
{
  if (elapsed_us <= 0 || now_octets < then_octets)
    return 0;
  return (guint) MIN ((now_octets - then_octets) * 8 * G_USEC_PER_SEC / (guint64) elapsed_us, G_MAXUINT);
}

void
tc_media_stats_add (TcMediaStatsNumbers *n, const TcMediaStatsNumbers *carried)
{
  n->packets_sent += carried->packets_sent;
  n->octets_sent += carried->octets_sent;
  n->packets_received += carried->packets_received;
  n->octets_received += carried->octets_received;
  n->packets_lost += carried->packets_lost;
  n->frames_skipped += carried->frames_skipped;
  if (!n->clock_rate_sent)
    n->clock_rate_sent = carried->clock_rate_sent;
  if (!n->clock_rate_received)
    {
      n->clock_rate_received = carried->clock_rate_received;
      n->jitter = carried->jitter;
    }
  if (!n->have_rb && carried->have_rb)
    {
      n->have_rb = TRUE;
      n->rb_fraction_lost = carried->rb_fraction_lost;
      n->rb_packets_lost = carried->rb_packets_lost;
      n->rb_jitter = carried->rb_jitter;
      n->rb_round_trip = carried->rb_round_trip;
    }
}

GVariant *
tc_media_stats_collect (GstElement *rtpbin, GPtrArray *jitterbuffers, const char *codec, guint pt,
                        TcMediaStatsSnapshot *snapshot)
{
  TcMediaStatsNumbers n;

  tc_media_stats_read_rtpbin (rtpbin, &n);
  return tc_media_stats_build (&n, jitterbuffers, codec, pt, snapshot);
}

GVariant *
tc_media_stats_build (const TcMediaStatsNumbers *numbers, GPtrArray *jitterbuffers, const char *codec, guint pt,
                      TcMediaStatsSnapshot *snapshot)
{
  TcMediaStatsNumbers n = *numbers;
  JitterNumbers j = { 0 };
  GVariantBuilder builder;
  gint64 now = g_get_monotonic_time ();

  for (guint i = 0; jitterbuffers && i < jitterbuffers->len; i++)
    read_jitterbuffer (g_ptr_array_index (jitterbuffers, i), &j);

  if (snapshot->time_us == 0 || now - snapshot->time_us >= TC_MEDIA_STATS_MIN_PERIOD_US)
    {
      if (snapshot->time_us > 0)
        {
          snapshot->bitrate_in = bitrate (n.octets_received, snapshot->octets_received, now - snapshot->time_us);
          snapshot->bitrate_out = bitrate (n.octets_sent, snapshot->octets_sent, now - snapshot->time_us);
        }
      snapshot->time_us = now;
      snapshot->octets_received = n.octets_received;
      snapshot->octets_sent = n.octets_sent;
    }

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "codec", g_variant_new_string (codec ? codec : ""));
  g_variant_builder_add (&builder, "{sv}", "payload-type", g_variant_new_uint32 (pt));
  g_variant_builder_add (&builder, "{sv}", "packets-sent", g_variant_new_uint64 (n.packets_sent));
  g_variant_builder_add (&builder, "{sv}", "octets-sent", g_variant_new_uint64 (n.octets_sent));
  g_variant_builder_add (&builder, "{sv}", "packets-received", g_variant_new_uint64 (n.packets_received));
  g_variant_builder_add (&builder, "{sv}", "octets-received", g_variant_new_uint64 (n.octets_received));
  /* A signed, cumulative counter that reads -1 on clean links
   * (duplicates): clamped (media-notes.md §2). */
  g_variant_builder_add (&builder, "{sv}", "packets-lost", g_variant_new_uint64 (MAX (n.packets_lost, 0)));
  g_variant_builder_add (&builder, "{sv}", "jitter-ms",
                         g_variant_new_double (n.clock_rate_received ? n.jitter * 1000.0 / n.clock_rate_received : 0));
  g_variant_builder_add (&builder, "{sv}", "rtt-ms", g_variant_new_double (n.rb_round_trip * 1000.0 / 65536.0));
  g_variant_builder_add (&builder, "{sv}", "fraction-lost", g_variant_new_double (n.rb_fraction_lost / 256.0));
  g_variant_builder_add (&builder, "{sv}", "remote-packets-lost", g_variant_new_uint64 (MAX (n.rb_packets_lost, 0)));
  g_variant_builder_add (&builder, "{sv}", "remote-jitter-ms",
                         g_variant_new_double (n.clock_rate_sent ? n.rb_jitter * 1000.0 / n.clock_rate_sent : 0));
  g_variant_builder_add (&builder, "{sv}", "bitrate-in", g_variant_new_uint32 (snapshot->bitrate_in));
  g_variant_builder_add (&builder, "{sv}", "bitrate-out", g_variant_new_uint32 (snapshot->bitrate_out));
  g_variant_builder_add (&builder, "{sv}", "frames-skipped", g_variant_new_uint64 (n.frames_skipped));
  g_variant_builder_add (&builder, "{sv}", "jb-pushed", g_variant_new_uint64 (j.pushed));
  g_variant_builder_add (&builder, "{sv}", "jb-lost", g_variant_new_uint64 (j.lost));
  g_variant_builder_add (&builder, "{sv}", "jb-late", g_variant_new_uint64 (j.late));
  g_variant_builder_add (&builder, "{sv}", "jb-duplicates", g_variant_new_uint64 (j.duplicates));
  g_variant_builder_add (&builder, "{sv}", "jb-avg-jitter-ms", g_variant_new_double (j.avg_jitter_ns / 1e6));
  return g_variant_builder_end (&builder);
}
