/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dtmf.h — RFC 4733 telephone-events for DTMF: the 4-byte payload, the
 * sender's packet schedule and the receiver's "one report per event".
 *
 * No GStreamer here: the sender produces payloads on a main-context timer
 * and hands them to a callback (call-media.c wraps them in RTP and feeds
 * them into the send path); the receiver takes the RTP timestamp and
 * payload of each telephone-event packet and calls back once per event,
 * when it ends.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The event code of a DTMF digit (RFC 4733 §3.2: 0-9, * = 10, # = 11,
 * A-D = 12-15; a-d accepted); FALSE for anything else. */
gboolean tc_dtmf_event_from_digit (char digit, guint8 *event);
/* The digit of a DTMF event code, or '\0' for other events (flash …). */
char tc_dtmf_event_to_digit (guint8 event);
/* TRUE when @digits is a non-empty string of 0-9 * # A-D (a-d);
 * otherwise TC_MEDIA_ERROR_INVALID_ARGUMENT naming the first bad
 * character. */
gboolean tc_dtmf_check_digits (const char *digits, GError **error);

#define TC_DTMF_PAYLOAD_SIZE 4

/* RFC 4733 §2.3 payload. */
typedef struct {
  guint8 event;
  gboolean end;     /* E bit: the event has ended */
  guint8 volume;    /* 0..63: -dBm0 */
  guint16 duration; /* so far, in RTP timestamp units */
} TcDtmfPayload;

void tc_dtmf_payload_write (const TcDtmfPayload *payload, guint8 out[TC_DTMF_PAYLOAD_SIZE]);
/* FALSE when @size is below TC_DTMF_PAYLOAD_SIZE. */
gboolean tc_dtmf_payload_parse (const guint8 *data, gsize size, TcDtmfPayload *payload);

/* ---- sender ------------------------------------------------------------------------ */

typedef struct _TcDtmfSender TcDtmfSender;

/**
 * TcDtmfPacket:
 * @payload: what to send
 * @start: the first packet of a new event: the RTP marker bit is set and
 *   the event gets a new timestamp, which every later packet of the event
 *   (updates and the three end packets) repeats (RFC 4733 §2.5.1)
 */
typedef struct {
  TcDtmfPayload payload;
  gboolean start;
} TcDtmfPacket;

typedef void (*TcDtmfSendFunc) (const TcDtmfPacket *packet, gpointer user_data);

/* The gap between two queued digits. */
#define TC_DTMF_GAP_MS 80
/* The shortest and longest digit tc_dtmf_sender_queue() accepts. */
#define TC_DTMF_MIN_DURATION_MS 40
#define TC_DTMF_MAX_DURATION_MS 5000

/* A sender on @context (NULL: the thread-default one) for an RTP clock of
 * @clock_rate Hz, one packet every @interval_ms (the audio's ptime:
 * RFC 4733 §2.5.1.2). */
TcDtmfSender *tc_dtmf_sender_new (GMainContext *context, guint clock_rate, guint interval_ms, TcDtmfSendFunc func,
                                  gpointer user_data);
void tc_dtmf_sender_free (TcDtmfSender *sender);

/* Queues @digits (checked with tc_dtmf_check_digits() by the caller),
 * each lasting @duration_ms (clamped to TC_DTMF_MIN/MAX_DURATION_MS),
 * after whatever is still queued, TC_DTMF_GAP_MS apart.  The first packet
 * of an idle sender goes out before this returns. */
void tc_dtmf_sender_queue (TcDtmfSender *sender, const char *digits, guint duration_ms);
/* Drops the queue; an event in progress is ended at once (end packets
 * sent) so that the far end does not hear a stuck tone. */
void tc_dtmf_sender_cancel (TcDtmfSender *sender);
gboolean tc_dtmf_sender_is_idle (TcDtmfSender *sender);

/* ---- receiver ---------------------------------------------------------------------- */

typedef struct _TcDtmfReceiver TcDtmfReceiver;

typedef void (*TcDtmfReceivedFunc) (char digit, guint duration_ms, gpointer user_data);

/* An event whose end packets were all lost is reported this long after
 * its last packet (RFC 4733 §2.5.2.2 leaves the value to us). */
#define TC_DTMF_END_TIMEOUT_MS 500

/* A receiver on @context (NULL: thread-default) for telephone-events with
 * an RTP clock of @clock_rate Hz.  @func is called once per DTMF event, at
 * its end (E bit, a newer event, or the timeout), with the duration the
 * sender reported. */
TcDtmfReceiver *tc_dtmf_receiver_new (GMainContext *context, guint clock_rate, TcDtmfReceivedFunc func,
                                      gpointer user_data);
void tc_dtmf_receiver_free (TcDtmfReceiver *receiver);
/* One telephone-event packet: its RTP @timestamp and payload. */
void tc_dtmf_receiver_push (TcDtmfReceiver *receiver, guint32 timestamp, const guint8 *payload, gsize size);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcDtmfSender, tc_dtmf_sender_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcDtmfReceiver, tc_dtmf_receiver_free)

G_END_DECLS
