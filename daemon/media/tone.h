/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tone.h — a sine of a given frequency as 16-bit samples, phase
 * continuous from one frame to the next: the audio source "tone:HZ" on
 * the light path (call-media-light.c).  The pipeline's audiotestsrc
 * (call-media-send.c) makes the same tone at the same level.
 *
 * A rotating phasor: two multiplications and two additions per sample,
 * renormalised once per frame so that rounding does not change the
 * level.  Pure: no I/O, no libm.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The tone's peak, as a share of full scale (audiotestsrc's "volume"). */
#define TC_TONE_VOLUME 0.5

typedef struct {
  double re, im;           /* the phasor; im is the next sample's sine */
  double step_re, step_im; /* one sample's rotation */
  double peak;             /* in sample units */
} TcTone;

/* A sine of @hz sampled at @rate, starting at phase 0, peaking at
 * @volume of full scale. */
void tc_tone_init (TcTone *tone, guint hz, guint rate, double volume);
/* The next @n samples. */
void tc_tone_fill (TcTone *tone, gint16 *out, gsize n);

G_END_DECLS
