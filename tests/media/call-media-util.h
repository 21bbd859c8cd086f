/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * call-media-util.h — what the TcCallMedia tests share: running the main
 * loop for a while or until a condition holds, reading a recorded WAV and
 * finding a tone in it (Goertzel), the signals of a media as events,
 * hand-made TcMediaParams (no SDP), and the process's threads, fds, RSS.
 */
#pragma once

#include <gio/gio.h>

#include "media/call-media.h"

G_BEGIN_DECLS

#define DTMF_PT 101

typedef gboolean (*Condition) (gpointer data);

typedef struct {
  guint rate;
  gint16 *samples;
  gsize n;
} Wav;

typedef struct {
  GPtrArray *failures; /* "cause: message" */
  GString *digits;
  GArray *durations;
  GPtrArray *finished; /* "path" or "path: error" */
  guint stats_signals;
} Events;

/* ---- the main loop ---- */
/* Runs the default context for @ms, sleeping while it has nothing to do. */
void run_for (guint ms);
/* Runs the default context until @condition holds, or @max_ms. */
gboolean run_until (Condition condition, gpointer data, guint max_ms);

/* ---- WAV files ---- */
double cosine (double x); /* without libm */
/* Reads a 16-bit mono PCM WAV, asserting its header agrees with the file. */
void wav_read (const char *path, Wav *wav);
void wav_clear (Wav *wav);
/* Goertzel power at @hz over samples [from, from + n), as a share of all
 * the block's energy. */
double tone_ratio (const Wav *wav, gsize from, gsize n, double hz);
/* The energy-weighted ratio over 100 ms blocks from @from_ms to @to_ms
 * (0: the end). */
double file_tone_ratio (const Wav *wav, double hz, guint from_ms, guint to_ms);
/* The share of 5 ms blocks below -40 dBFS between the first and the last
 * sound (100 when all is silent). */
double silence_percent (const Wav *wav);
/* Asserts that @path holds mostly @hz and hardly @other_hz. */
void assert_tone (const char *path, double hz, double other_hz);
/* A 16-bit mono WAV of @seconds of @hz at @rate. */
void write_tone_wav (const char *path, guint hz, guint rate, double seconds);

/* ---- media and their signals ---- */
void events_init (Events *events);
void events_clear (Events *events);
gboolean has_finished (gpointer data); /* Events: a play-finished */
gboolean has_failure (gpointer data);  /* Events: a failed */
/* A media on 127.0.0.1 with @source, sink "none", its signals recorded in
 * @events.  Only source "none" may take the light path ("light" is
 * FALSE for the others: a tone is the pipeline's). */
TcCallMedia *make_media (const char *source, guint rtp_timeout_s, Events *events);
GInetSocketAddress *loopback (guint port);
/* What an offer/answer between two Tincans would give, towards the RTP
 * and RTCP ports @rtp_port/@rtcp_port. */
void params_init (TcMediaParams *params, guint rtp_port, guint rtcp_port, TcCodec codec, gboolean mux,
                  TcMediaDirection direction);
/* Applies to @self the params_init() towards @peer's ports, asserting
 * success. */
void apply (TcCallMedia *self, TcCallMedia *peer, TcCodec codec, gboolean mux, TcMediaDirection direction);
/* A Stats entry, asserted present. */
guint64 stat_u64 (GVariant *stats, const char *key);
double stat_double (GVariant *stats, const char *key);

/* ---- the process ---- */
guint count_threads (void);
guint count_fds (void);
/* The thread count once it has come down to @expected (up to 2 s). */
guint settled_threads (guint expected);
guint64 rss_kib (void);

G_END_DECLS
