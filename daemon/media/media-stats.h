/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * media-stats.h — a call's statistics read from rtpbin's session (RTCP
 * source stats) and its jitter buffers (media-notes.md §2), as the a{sv}
 * that tc_call_media_get_stats() documents.
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* For the bit rates: the octet counters at the last reading that
 * started a new measurement, and the rates measured then.  A reading at
 * least TC_MEDIA_STATS_MIN_PERIOD_US after it measures again; one sooner
 * reports the rates of the last measurement (so that readings close
 * together do not report noise). */
typedef struct {
  gint64 time_us; /* 0: none yet */
  guint64 octets_sent;
  guint64 octets_received;
  guint bitrate_in;
  guint bitrate_out;
} TcMediaStatsSnapshot;

#define TC_MEDIA_STATS_MIN_PERIOD_US (G_USEC_PER_SEC / 2)

/* The numbers behind the a{sv}: read from rtpbin, or kept by the light
 * path (call-media-light.c) itself.  Clock rates turn timestamp units
 * into ms; round_trip is in 1/65536 s (NTP short format). */
typedef struct {
  guint64 packets_sent, octets_sent;
  guint clock_rate_sent;
  guint64 packets_received, octets_received;
  gint64 packets_lost;
  guint jitter;
  guint clock_rate_received;
  gboolean have_rb;
  guint rb_fraction_lost; /* 1/256 */
  gint rb_packets_lost;
  guint rb_jitter;
  guint rb_round_trip;
  guint64 frames_skipped; /* light path: frames not sent, its timer having fallen behind */
} TcMediaStatsNumbers;

/* Reads rtpbin's session 0 into @numbers (all zeros when @rtpbin is
 * NULL or has no session yet). */
void tc_media_stats_read_rtpbin (GstElement *rtpbin, TcMediaStatsNumbers *numbers);

/* Adds @carried (counters a call had before its pipeline took over from
 * the light path) to @numbers; the peer's last report is @carried's until
 * the pipeline has one of its own. */
void tc_media_stats_add (TcMediaStatsNumbers *numbers, const TcMediaStatsNumbers *carried);

/* The a{sv} of @numbers (a floating reference); the jitter buffer keys
 * are read from @jitterbuffers (GstElement; may be NULL or empty: zeros).
 * @snapshot is read and updated. */
GVariant *tc_media_stats_build (const TcMediaStatsNumbers *numbers, GPtrArray *jitterbuffers, const char *codec,
                                guint pt, TcMediaStatsSnapshot *snapshot);

/* Reads @rtpbin's session 0 and the rtpjitterbuffers in @jitterbuffers
 * (GstElement; may be NULL or empty).  @rtpbin NULL gives all zeros.
 * @snapshot is read and updated.  Returns a floating a{sv}. */
GVariant *tc_media_stats_collect (GstElement *rtpbin, GPtrArray *jitterbuffers, const char *codec, guint pt,
                                  TcMediaStatsSnapshot *snapshot);

G_END_DECLS
