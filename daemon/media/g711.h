/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * g711.h — ITU-T G.711 encoding of 16-bit linear PCM: μ-law (PCMU) and
 * A-law (PCMA), for the light path's generated audio (frame-encoder.c).
 *
 * Computed per sample from the segment structure of the recommendation
 * (sign, 3-bit segment, 4-bit step), without tables: μ-law on the 14
 * most significant bits, A-law on 13.  Pure functions.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The μ-law code of @sample (0xFF for 0, 0x80 for full scale). */
guint8 tc_g711_ulaw_encode (gint16 sample);
/* The A-law code of @sample, even bits inverted (0xD5 for 0). */
guint8 tc_g711_alaw_encode (gint16 sample);

/* @n samples of @in into @n codes at @out. */
void tc_g711_ulaw_encode_frame (const gint16 *in, guint8 *out, gsize n);
void tc_g711_alaw_encode_frame (const gint16 *in, guint8 *out, gsize n);

G_END_DECLS
