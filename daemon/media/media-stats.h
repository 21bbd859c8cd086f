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

/* Reads @rtpbin's session 0 and the rtpjitterbuffers in @jitterbuffers
 * (GstElement; may be NULL or empty).  @rtpbin NULL gives all zeros.
 * @snapshot is read and updated.  Returns a floating a{sv}. */
GVariant *tc_media_stats_collect (GstElement *rtpbin, GPtrArray *jitterbuffers, const char *codec, guint pt,
                                  TcMediaStatsSnapshot *snapshot);

G_END_DECLS
