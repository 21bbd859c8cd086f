/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dtmf.c — RFC 4733 DTMF events: payload codec, sender schedule, receiver.
 */
#include "media/dtmf.h"

#include "media/media-error.h"

/* -10 dBm0, what rtpdtmfsrc and most phones send. */
#define DTMF_VOLUME 10
/* RFC 4733 §2.5.1.4: the end packet is sent three times. */
#define DTMF_END_PACKETS 3

static const char digits_table[] = "0123456789*#ABCD";

gboolean
tc_dtmf_event_from_digit (char digit, guint8 *event)
{
  char upper = g_ascii_toupper (digit);

  for (guint8 i = 0; i < 16; i++)
    if (digits_table[i] == upper && upper != '\0')
      {
        *event = i;
        return TRUE;
      }
  return FALSE;
}

char
tc_dtmf_event_to_digit (guint8 event)
{
  return event < 16 ? digits_table[event] : '\0';
}

gboolean
tc_dtmf_check_digits (const char *digits, GError **error)
{
  guint8 event;

  if (digits == NULL || *digits == '\0')
    {
      g_set_error_literal (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_INVALID_ARGUMENT, "no DTMF digits given");
      return FALSE;
    }
  for (const char *p = digits; *p; p++)
    if (!tc_dtmf_event_from_digit (*p, &event))
      {
        g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_INVALID_ARGUMENT,
                     "'%c' is not a DTMF digit (expected 0-9, *, #, A-D)", g_ascii_isprint (*p) ? *p : '?');
        return FALSE;
      }
  return TRUE;
}

/* RFC 4733 §2.3:
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     event     |E|R| volume    |          duration             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
void
tc_dtmf_payload_write (const TcDtmfPayload *payload, guint8 out[TC_DTMF_PAYLOAD_SIZE])
{
  out[0] = payload->event;
  out[1] = (payload->end ? 0x80 : 0) | (payload->volume & 0x3f);
  out[2] = payload->duration >> 8;
  out[3] = payload->duration & 0xff;
}

gboolean
tc_dtmf_payload_parse (const guint8 *data, gsize size, TcDtmfPayload *payload)
{
  if (size < TC_DTMF_PAYLOAD_SIZE)
    return FALSE;
  payload->event = data[0];
  payload->end = (data[1] & 0x80) != 0;
  payload->volume = data[1] & 0x3f;
  payload->duration = (guint16) ((data[2] << 8) | data[3]);
  return TRUE;
}

/* ---- sender ------------------------------------------------------------------------ */

/**
 * DtmfSenderState:
 * @SENDER_IDLE: nothing queued, no timer
 * @SENDER_EVENT: an event is being sent: updates, then the end packets
 * @SENDER_GAP: between two digits
 */
typedef enum {
  SENDER_IDLE,
  SENDER_EVENT,
  SENDER_GAP,
} DtmfSenderState;

typedef struct {
  guint8 event;
  guint duration_ms;
} QueuedDigit;

struct _TcDtmfSender {
  GMainContext *context;
  guint clock_rate;
  guint interval_ms;
  TcDtmfSendFunc func;
  gpointer user_data;

  DtmfSenderState state;
  GQueue queue; /* QueuedDigit */
  GSource *timer;

  /* The event being sent. */
  guint8 event;
  guint total_units; /* its whole duration in timestamp units */
  guint sent_units;  /* the duration the last packet carried */
  guint ends_sent;
};

static void
sender_emit (TcDtmfSender *sender, gboolean start, gboolean end)
{
  TcDtmfPacket packet = {
    .payload = { sender->event, end, DTMF_VOLUME, (guint16) sender->sent_units },
    .start = start,
  };

  sender->func (&packet, sender->user_data);
}

static void
sender_stop_timer (TcDtmfSender *sender)
{
  if (sender->timer)
    g_source_destroy (sender->timer);
  g_clear_pointer (&sender->timer, g_source_unref);
}

static gboolean on_sender_timer (gpointer user_data);

static void
sender_start_timer (TcDtmfSender *sender, guint ms)
{
  sender_stop_timer (sender);
  sender->timer = g_timeout_source_new (ms);
  g_source_set_callback (sender->timer, on_sender_timer, sender, NULL);
  g_source_set_static_name (sender->timer, "tincan-dtmf-send");
  g_source_attach (sender->timer, sender->context);
}

static guint
units_of_ms (TcDtmfSender *sender, guint ms)
{
  return MIN ((guint64) ms * sender->clock_rate / 1000, G_MAXUINT16);
}

/* Starts the next queued digit (SENDER_EVENT) or goes idle. */
static void
sender_start_next (TcDtmfSender *sender)
{
  QueuedDigit *next = g_queue_pop_head (&sender->queue);

  if (!next)
    {
      sender_stop_timer (sender);
      sender->state = SENDER_IDLE;
      return;
    }
  sender->state = SENDER_EVENT;
  sender->event = next->event;
  sender->total_units = units_of_ms (sender, next->duration_ms);
  sender->sent_units = MIN (units_of_ms (sender, sender->interval_ms), sender->total_units);
  sender->ends_sent = 0;
  g_free (next);
  sender_start_timer (sender, sender->interval_ms);
  sender_emit (sender, TRUE, FALSE);
}

/* One tick of an event: an update with the duration so far, or (once the
 * duration is reached) one of the three end packets; then the next tick,
 * or the gap before the next digit. */
static void
sender_tick_event (TcDtmfSender *sender)
{
  if (sender->ends_sent == 0 && sender->sent_units < sender->total_units)
    {
      sender->sent_units = MIN (sender->sent_units + units_of_ms (sender, sender->interval_ms), sender->total_units);
      if (sender->sent_units < sender->total_units)
        {
          sender_start_timer (sender, sender->interval_ms);
          sender_emit (sender, FALSE, FALSE);
          return;
        }
    }
  sender->ends_sent++;
  if (sender->ends_sent < DTMF_END_PACKETS)
    sender_start_timer (sender, sender->interval_ms);
  else
    {
      sender->state = SENDER_GAP;
      sender_start_timer (sender, TC_DTMF_GAP_MS);
    }
  sender_emit (sender, FALSE, TRUE);
}

/* Timers are one-shot: each tick arms the next. */
static gboolean
on_sender_timer (gpointer user_data)
{
  TcDtmfSender *sender = user_data;

  g_clear_pointer (&sender->timer, g_source_unref);
  switch (sender->state)
    {
    case SENDER_IDLE:
      break;
    case SENDER_EVENT:
      sender_tick_event (sender);
      break;
    case SENDER_GAP:
      sender_start_next (sender);
      break;
    }
  return G_SOURCE_REMOVE;
}

TcDtmfSender *
tc_dtmf_sender_new (GMainContext *context, guint clock_rate, guint interval_ms, TcDtmfSendFunc func, gpointer user_data)
{
  TcDtmfSender *sender = g_new0 (TcDtmfSender, 1);

  g_return_val_if_fail (clock_rate > 0 && interval_ms > 0 && func != NULL, NULL);
  sender->context = context ? g_main_context_ref (context) : g_main_context_ref_thread_default ();
  sender->clock_rate = clock_rate;
  sender->interval_ms = interval_ms;
  sender->func = func;
  sender->user_data = user_data;
  g_queue_init (&sender->queue);
  return sender;
}

void
tc_dtmf_sender_free (TcDtmfSender *sender)
{
  if (!sender)
    return;
  sender_stop_timer (sender);
  g_queue_clear_full (&sender->queue, g_free);
  g_main_context_unref (sender->context);
  g_free (sender);
}

void
tc_dtmf_sender_queue (TcDtmfSender *sender, const char *digits, guint duration_ms)
{
  duration_ms = CLAMP (duration_ms, TC_DTMF_MIN_DURATION_MS, TC_DTMF_MAX_DURATION_MS);
  for (const char *p = digits; *p; p++)
    {
      QueuedDigit *digit = g_new0 (QueuedDigit, 1);

      if (!tc_dtmf_event_from_digit (*p, &digit->event))
        {
          g_free (digit);
          continue;
        }
      digit->duration_ms = duration_ms;
      g_queue_push_tail (&sender->queue, digit);
    }
  if (sender->state == SENDER_IDLE)
    sender_start_next (sender);
}

void
tc_dtmf_sender_cancel (TcDtmfSender *sender)
{
  g_queue_clear_full (&sender->queue, g_free);
  g_queue_init (&sender->queue);
  if (sender->state == SENDER_EVENT)
    while (sender->ends_sent < DTMF_END_PACKETS)
      {
        sender->ends_sent++;
        sender_emit (sender, FALSE, TRUE);
      }
  sender_stop_timer (sender);
  sender->state = SENDER_IDLE;
}

gboolean
tc_dtmf_sender_is_idle (TcDtmfSender *sender)
{
  return sender->state == SENDER_IDLE;
}

/* ---- receiver ---------------------------------------------------------------------- */

struct _TcDtmfReceiver {
  GMainContext *context;
  guint clock_rate;
  TcDtmfReceivedFunc func;
  gpointer user_data;

  /* The event in progress (no end packet seen yet). */
  gboolean have_current;
  guint32 current_timestamp;
  TcDtmfPayload current;
  GSource *end_timer;

  /* The event reported last: its retransmitted end packets are ignored. */
  gboolean have_reported;
  guint32 reported_timestamp;
  guint8 reported_event;
};

static void
receiver_stop_timer (TcDtmfReceiver *receiver)
{
  if (receiver->end_timer)
    g_source_destroy (receiver->end_timer);
  g_clear_pointer (&receiver->end_timer, g_source_unref);
}

static void
receiver_report (TcDtmfReceiver *receiver, guint32 timestamp, const TcDtmfPayload *payload)
{
  char digit = tc_dtmf_event_to_digit (payload->event);
  guint duration_ms = (guint) ((guint64) payload->duration * 1000 / receiver->clock_rate);

  receiver->have_current = FALSE;
  receiver_stop_timer (receiver);
  receiver->have_reported = TRUE;
  receiver->reported_timestamp = timestamp;
  receiver->reported_event = payload->event;
  if (digit != '\0')
    receiver->func (digit, duration_ms, receiver->user_data);
}

static gboolean
on_receiver_end_timer (gpointer user_data)
{
  TcDtmfReceiver *receiver = user_data;
  TcDtmfPayload current = receiver->current;

  g_clear_pointer (&receiver->end_timer, g_source_unref);
  if (receiver->have_current)
    receiver_report (receiver, receiver->current_timestamp, &current);
  return G_SOURCE_REMOVE;
}

TcDtmfReceiver *
tc_dtmf_receiver_new (GMainContext *context, guint clock_rate, TcDtmfReceivedFunc func, gpointer user_data)
{
  TcDtmfReceiver *receiver = g_new0 (TcDtmfReceiver, 1);

  g_return_val_if_fail (clock_rate > 0 && func != NULL, NULL);
  receiver->context = context ? g_main_context_ref (context) : g_main_context_ref_thread_default ();
  receiver->clock_rate = clock_rate;
  receiver->func = func;
  receiver->user_data = user_data;
  return receiver;
}

void
tc_dtmf_receiver_free (TcDtmfReceiver *receiver)
{
  if (!receiver)
    return;
  receiver_stop_timer (receiver);
  g_main_context_unref (receiver->context);
  g_free (receiver);
}

void
tc_dtmf_receiver_push (TcDtmfReceiver *receiver, guint32 timestamp, const guint8 *data, gsize size)
{
  TcDtmfPayload payload;

  if (!tc_dtmf_payload_parse (data, size, &payload))
    return;
  /* RFC 4733 §2.5.2.2: packets of one event share its timestamp; the end
   * packet comes three times and late packets may follow it. */
  if (receiver->have_reported && timestamp == receiver->reported_timestamp && payload.event == receiver->reported_event)
    return;
  if (receiver->have_current && (timestamp != receiver->current_timestamp || payload.event != receiver->current.event))
    {
      /* A new event began before the old one's end arrived. */
      TcDtmfPayload previous = receiver->current;

      receiver_report (receiver, receiver->current_timestamp, &previous);
    }
  if (payload.end)
    {
      receiver_report (receiver, timestamp, &payload);
      return;
    }
  if (!receiver->have_current || payload.duration >= receiver->current.duration)
    receiver->current = payload;
  receiver->have_current = TRUE;
  receiver->current_timestamp = timestamp;
  receiver_stop_timer (receiver);
  receiver->end_timer = g_timeout_source_new (TC_DTMF_END_TIMEOUT_MS);
  g_source_set_callback (receiver->end_timer, on_receiver_end_timer, receiver, NULL);
  g_source_set_static_name (receiver->end_timer, "tincan-dtmf-end");
  g_source_attach (receiver->end_timer, receiver->context);
}
