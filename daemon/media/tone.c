/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tone.c — the generated sine of the light path (see tone.h).
 */
#include "media/tone.h"

/* cos and sin of @x by their series, after reducing @x to [-π, π]
 * (enough terms for double precision there). */
static void
cos_sin (double x, double *c, double *s)
{
  double term_c = 1, term_s, sum_c = 1, sum_s;

  while (x > G_PI)
    x -= 2 * G_PI;
  while (x < -G_PI)
    x += 2 * G_PI;
  term_s = sum_s = x;
  for (int k = 1; k < 20; k++)
    {
      term_c *= -x * x / ((2 * k - 1) * (2 * k));
      term_s *= -x * x / ((2 * k) * (2 * k + 1));
      sum_c += term_c;
      sum_s += term_s;
    }
  *c = sum_c;
  *s = sum_s;
}

void
tc_tone_init (TcTone *tone, guint hz, guint rate, double volume)
{
  g_return_if_fail (rate > 0);
  tone->re = 1;
  tone->im = 0;
  cos_sin (2 * G_PI * (double) (hz % rate) / rate, &tone->step_re, &tone->step_im);
  tone->peak = volume * G_MAXINT16;
}

void
tc_tone_fill (TcTone *tone, gint16 *out, gsize n)
{
  double re = tone->re, im = tone->im, norm;

  for (gsize i = 0; i < n; i++)
    {
      double next_re = re * tone->step_re - im * tone->step_im;

      out[i] = (gint16) (im * tone->peak);
      im = im * tone->step_re + re * tone->step_im;
      re = next_re;
    }
  /* Back onto the unit circle (first order: the error is ~1e-16 per
   * sample, so the correction is tiny). */
  norm = 1.5 - 0.5 * (re * re + im * im);
  tone->re = re * norm;
  tone->im = im * norm;
}
