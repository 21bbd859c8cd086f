/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * opus-fec.c — the in-band FEC loss policy (see opus-fec.h).
 *
 * Smoothing: an exponential average that rises fast (half of the step
 * per report: a loss burst is met within two or three reports) and falls
 * slowly (a quarter: one clean interval between bursts does not turn the
 * redundancy off).  Levels: a level L is reached when the estimate is at
 * 90 % of L (so that a steady loss of exactly L % gets there), and left
 * only when the estimate drops below 60 % of it.
 */
#include "media/opus-fec.h"

#define RISE 0.5
#define FALL 0.25
#define LEVEL_REACHED 0.9
#define LEVEL_LEFT 0.6

static const guint levels[] = { 0, 1, 2, 5, 10, 15, 20, TC_OPUS_FEC_MAX_PERCENT };

void
tc_opus_fec_init (TcOpusFec *fec)
{
  fec->smoothed = 0;
  fec->percent = 0;
}

/* The highest level that @estimate reaches. */
static guint
level_of (double estimate)
{
  guint level = 0;

  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    if (estimate >= levels[i] * LEVEL_REACHED)
      level = levels[i];
  return level;
}

gboolean
tc_opus_fec_report (TcOpusFec *fec, guint fraction_lost)
{
  double sample = MIN (MIN (fraction_lost, 255) * 100.0 / 256, TC_OPUS_FEC_MAX_PERCENT);
  guint level;

  fec->smoothed += (sample > fec->smoothed ? RISE : FALL) * (sample - fec->smoothed);
  level = level_of (fec->smoothed);
  if (level < fec->percent && fec->smoothed >= fec->percent * LEVEL_LEFT)
    level = fec->percent; /* not low enough to leave */
  if (level == fec->percent)
    return FALSE;
  fec->percent = level;
  return TRUE;
}
