/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * g711.c — G.711 μ-law and A-law encoding (see g711.h).
 *
 * Both laws cut the magnitude into 8 segments, each twice as wide as the
 * one below, and 16 equal steps within a segment.  A negative sample's
 * magnitude is taken as its ones' complement (-1 → 0), which keeps the
 * two halves symmetric: the recommendation's codes for x and -1 - x
 * differ only in the sign bit.
 */
#include "media/g711.h"

/* μ-law: the 14-bit magnitude plus this bias puts the segment's start on
 * a power of two (segment s starts at 2^(s+5) after biasing). */
#define ULAW_BIAS 33
#define ULAW_MAX 0x1fff

/* The index of the highest bit set in @v (@v > 0). */
static inline guint
highest_bit (guint v)
{
  return 31 - (guint) __builtin_clz (v);
}

guint8
tc_g711_ulaw_encode (gint16 sample)
{
  guint sign = sample < 0 ? 0x80 : 0;
  guint magnitude = (guint) (sample < 0 ? ~sample : sample) >> 2;
  guint segment, step;

  magnitude = MIN (magnitude + ULAW_BIAS, ULAW_MAX);
  segment = highest_bit (magnitude) - 5;
  step = (magnitude >> (segment + 1)) & 0x0f;
  /* Transmitted inverted (G.711 table 2a). */
  return (guint8) ~(sign | segment << 4 | step);
}

guint8
tc_g711_alaw_encode (gint16 sample)
{
  /* Positive samples carry the sign bit 1. */
  guint sign = sample < 0 ? 0 : 0x80;
  guint magnitude = (guint) (sample < 0 ? ~sample : sample) >> 3;
  guint segment, step;

  if (magnitude < 32)
    {
      /* Segment 0 has segment 1's step size: below 32, linear. */
      segment = 0;
      step = magnitude >> 1;
    }
  else
    {
      segment = highest_bit (magnitude) - 4;
      step = (magnitude >> segment) & 0x0f;
    }
  /* The even bits are inverted on the line (G.711 table 1a). */
  return (guint8) ((sign | segment << 4 | step) ^ 0x55);
}

void
tc_g711_ulaw_encode_frame (const gint16 *in, guint8 *out, gsize n)
{
  for (gsize i = 0; i < n; i++)
    out[i] = tc_g711_ulaw_encode (in[i]);
}

void
tc_g711_alaw_encode_frame (const gint16 *in, guint8 *out, gsize n)
{
  for (gsize i = 0; i < n; i++)
    out[i] = tc_g711_alaw_encode (in[i]);
}
