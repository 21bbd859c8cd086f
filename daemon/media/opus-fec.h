/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * opus-fec.h — how much loss Opus's in-band FEC is told to expect.
 *
 * With in-band FEC on (the peer's useinbandfec=1, RFC 7587 §6.1), opusenc
 * adds redundancy (SILK LBRR, RFC 6716 §2.1.7) sized for its
 * packet-loss-percentage.  That redundancy is not free: at complexity 10
 * encoding at 10 % costs about 4× as much CPU as at 0 %, where no LBRR is
 * coded at all.  So, as libwebrtc does, the percentage follows the loss
 * the peer reports on our stream (the fraction lost of its RTCP report
 * blocks): smoothed, starting at 0, capped, and quantised to a few
 * levels with hysteresis so that the encoder is reconfigured only when
 * the loss changes meaningfully.  A pure state machine (both the light
 * path and the pipeline feed it their report blocks).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The highest percentage the encoder is told (25 % loss: beyond that
 * FEC's single frame of redundancy hardly helps). */
#define TC_OPUS_FEC_MAX_PERCENT 25

typedef struct {
  double smoothed; /* the loss estimate, % */
  guint percent;   /* the level in use: what the encoder is set to */
} TcOpusFec;

/* Back to no loss (0 %). */
void tc_opus_fec_init (TcOpusFec *fec);

/* One report block's fraction lost (0-255, in 1/256) on our stream.
 * TRUE when fec->percent changed (the encoder should be told). */
gboolean tc_opus_fec_report (TcOpusFec *fec, guint fraction_lost);

G_END_DECLS
