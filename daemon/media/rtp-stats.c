/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rtp-stats.c — RFC 3550 bookkeeping without GStreamer: the RTP header,
 * the receiver's A.1/A.3/A.8 state, and minimal RTCP (SR/RR + SDES CNAME
 * written; SR, RR report blocks and BYE read).
 */
#include "media/rtp-stats.h"

#include <string.h>

/* RFC 3550 A.1. */
#define RTP_SEQ_MOD (1u << 16)
#define MAX_DROPOUT 3000
#define MAX_MISORDER 100
#define MIN_SEQUENTIAL 2

/* RFC 3550 §6.4: RTCP packet types. */
#define RTCP_SR 200
#define RTCP_RR 201
#define RTCP_SDES 202
#define RTCP_BYE 203
#define SDES_CNAME 1

#define REPORT_BLOCK_SIZE 24
/* Seconds from 1900 (NTP) to 1970 (Unix). */
#define NTP_UNIX_OFFSET G_GUINT64_CONSTANT (2208988800)

static void
put_be16 (guint8 *p, guint16 v)
{
  p[0] = v >> 8;
  p[1] = v & 0xff;
}

static void
put_be32 (guint8 *p, guint32 v)
{
  p[0] = v >> 24;
  p[1] = (v >> 16) & 0xff;
  p[2] = (v >> 8) & 0xff;
  p[3] = v & 0xff;
}

static guint16
get_be16 (const guint8 *p)
{
  return (guint16) (p[0] << 8 | p[1]);
}

static guint32
get_be32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

/* ---- RTP header ------------------------------------------------------------------------- */

void
tc_rtp_header_write (guint8 out[TC_RTP_HEADER_SIZE], gboolean marker, guint8 pt, guint16 seq, guint32 timestamp,
                     guint32 ssrc)
{
  out[0] = 0x80; /* V=2, no padding, extension or CSRC */
  out[1] = (marker ? 0x80 : 0) | (pt & 0x7f);
  put_be16 (out + 2, seq);
  put_be32 (out + 4, timestamp);
  put_be32 (out + 8, ssrc);
}

gboolean
tc_rtp_header_parse (const guint8 *data, gsize size, TcRtpHeader *header)
{
  gsize offset, end = size;

  if (size < TC_RTP_HEADER_SIZE || (data[0] >> 6) != 2)
    return FALSE;
  offset = TC_RTP_HEADER_SIZE + 4 * (gsize) (data[0] & 0x0f);
  if (offset > size)
    return FALSE;
  if (data[0] & 0x10)
    {
      /* RFC 3550 §5.3.1: 16-bit profile data, 16-bit length in words. */
      if (offset + 4 > size)
        return FALSE;
      offset += 4 + 4 * (gsize) get_be16 (data + offset + 2);
      if (offset > size)
        return FALSE;
    }
  if (data[0] & 0x20)
    {
      guint8 padding = data[size - 1];

      if (padding == 0 || padding > size - offset)
        return FALSE;
      end -= padding;
    }
  header->marker = (data[1] & 0x80) != 0;
  header->pt = data[1] & 0x7f;
  header->seq = get_be16 (data + 2);
  header->timestamp = get_be32 (data + 4);
  header->ssrc = get_be32 (data + 8);
  header->payload_offset = offset;
  header->payload_size = end - offset;
  return TRUE;
}

/* ---- receiver ---------------------------------------------------------------------------- */

static void
init_seq (TcRtpReceiver *r, guint16 seq)
{
  r->base_seq = seq;
  r->max_seq = seq;
  r->bad_seq = RTP_SEQ_MOD + 1; /* so seq == bad_seq is false */
  r->cycles = 0;
  r->received = 0;
  r->received_prior = 0;
  r->expected_prior = 0;
}

/* The cumulative loss of the current source (A.3). */
static gint64
source_lost (const TcRtpReceiver *r)
{
  guint64 expected;

  if (!r->have_source || r->probation > 0)
    return 0;
  expected = (guint64) r->cycles + r->max_seq - r->base_seq + 1;
  return (gint64) expected - (gint64) r->received;
}

static void
start_source (TcRtpReceiver *r, guint32 ssrc, guint16 seq)
{
  r->lost_previous += source_lost (r);
  r->have_source = TRUE;
  r->ssrc = ssrc;
  init_seq (r, seq);
  r->max_seq = seq - 1;
  r->probation = MIN_SEQUENTIAL;
  r->have_transit = FALSE;
  r->jitter_q4 = 0;
}

/* RFC 3550 A.1 update_seq(), as written there. */
static gboolean
update_seq (TcRtpReceiver *r, guint16 seq)
{
  guint16 udelta = seq - r->max_seq;

  if (r->probation)
    {
      /* The packet is in sequence. */
      if (seq == (guint16) (r->max_seq + 1))
        {
          r->probation--;
          r->max_seq = seq;
          if (r->probation == 0)
            {
              init_seq (r, seq);
              r->received++;
              return TRUE;
            }
        }
      else
        {
          r->probation = MIN_SEQUENTIAL - 1;
          r->max_seq = seq;
        }
      return FALSE;
    }
  else if (udelta < MAX_DROPOUT)
    {
      /* In order, with a permissible gap. */
      if (seq < r->max_seq)
        r->cycles += RTP_SEQ_MOD; /* wrapped */
      r->max_seq = seq;
    }
  else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER)
    {
      /* A very large jump: two in a row mean the other side restarted. */
      if (seq != r->bad_seq)
        {
          r->bad_seq = (seq + 1) & (RTP_SEQ_MOD - 1);
          return FALSE;
        }
      init_seq (r, seq);
    }
  /* else a duplicate or reordered packet */
  r->received++;
  return TRUE;
}

gboolean
tc_rtp_receiver_update (TcRtpReceiver *receiver, const TcRtpHeader *header, guint clock_rate, gint64 arrival_us)
{
  if (!receiver->have_source || header->ssrc != receiver->ssrc)
    start_source (receiver, header->ssrc, header->seq);
  if (!update_seq (receiver, header->seq))
    return FALSE;
  receiver->packets++;
  receiver->octets += header->payload_size;
  if (clock_rate > 0)
    {
      /* A.8: arrival and timestamp in the same units; only differences
       * count, so both may wrap. */
      guint32 arrival = (guint32) ((guint64) arrival_us * clock_rate / G_USEC_PER_SEC);
      gint32 transit = (gint32) (arrival - header->timestamp);

      if (receiver->have_transit && clock_rate == receiver->clock_rate)
        {
          gint32 d = transit - receiver->transit;

          d = d < 0 ? -d : d;
          receiver->jitter_q4 += (guint32) d - ((receiver->jitter_q4 + 8) >> 4);
        }
      receiver->transit = transit;
      receiver->have_transit = TRUE;
      receiver->clock_rate = clock_rate;
    }
  return TRUE;
}

gint64
tc_rtp_receiver_lost (const TcRtpReceiver *receiver)
{
  return receiver->lost_previous + source_lost (receiver);
}

guint32
tc_rtp_receiver_jitter (const TcRtpReceiver *receiver)
{
  return receiver->jitter_q4 >> 4;
}

void
tc_rtp_receiver_sender_report (TcRtpReceiver *receiver, guint32 ssrc, guint64 ntp, gint64 arrival_us)
{
  receiver->sr_ssrc = ssrc;
  receiver->last_sr = (guint32) (ntp >> 16);
  receiver->last_sr_us = arrival_us;
}

gboolean
tc_rtp_receiver_report_block (TcRtpReceiver *r, gint64 now_us, TcRtcpReportBlock *block)
{
  guint32 extended_max, expected, expected_interval, received_interval;
  gint64 lost, lost_interval;

  if (!r->have_source || r->probation > 0)
    return FALSE;
  extended_max = r->cycles + r->max_seq;
  expected = extended_max - r->base_seq + 1;
  lost = (gint64) expected - (gint64) r->received;
  expected_interval = expected - r->expected_prior;
  r->expected_prior = expected;
  received_interval = (guint32) r->received - r->received_prior;
  r->received_prior = (guint32) r->received;
  lost_interval = (gint64) expected_interval - received_interval;

  block->ssrc = r->ssrc;
  block->fraction_lost = expected_interval == 0 || lost_interval <= 0 ? 0 : (lost_interval << 8) / expected_interval;
  /* 24 bits, signed (RFC 3550 §6.4.1: clamped, not wrapped). */
  block->packets_lost = (gint32) CLAMP (lost, -0x800000, 0x7fffff);
  block->highest_seq = extended_max;
  block->jitter = tc_rtp_receiver_jitter (r);
  if (r->last_sr != 0 && r->sr_ssrc == r->ssrc)
    {
      block->lsr = r->last_sr;
      block->dlsr = (guint32) ((guint64) MAX (now_us - r->last_sr_us, 0) * 65536 / G_USEC_PER_SEC);
    }
  else
    block->lsr = block->dlsr = 0;
  return TRUE;
}

/* ---- RTCP --------------------------------------------------------------------------------- */

guint64
tc_rtcp_ntp_from_real (gint64 real_us)
{
  guint64 seconds = (guint64) real_us / G_USEC_PER_SEC + NTP_UNIX_OFFSET;
  guint64 fraction = ((guint64) real_us % G_USEC_PER_SEC << 32) / G_USEC_PER_SEC;

  return seconds << 32 | fraction;
}

static void
write_block (guint8 *p, const TcRtcpReportBlock *block)
{
  put_be32 (p, block->ssrc);
  put_be32 (p + 4, (guint32) block->fraction_lost << 24 | ((guint32) block->packets_lost & 0xffffff));
  put_be32 (p + 8, block->highest_seq);
  put_be32 (p + 12, block->jitter);
  put_be32 (p + 16, block->lsr);
  put_be32 (p + 20, block->dlsr);
}

static void
read_block (const guint8 *p, TcRtcpReportBlock *block)
{
  guint32 lost = get_be32 (p + 4) & 0xffffff;

  block->ssrc = get_be32 (p);
  block->fraction_lost = p[4];
  block->packets_lost = (gint32) (lost & 0x800000 ? lost | 0xff000000 : lost); /* sign-extended */
  block->highest_seq = get_be32 (p + 8);
  block->jitter = get_be32 (p + 12);
  block->lsr = get_be32 (p + 16);
  block->dlsr = get_be32 (p + 20);
}

/* The common header: V=2, @count, @pt, the length in 32-bit words minus
 * one, for a packet of @size bytes. */
static void
write_rtcp_header (guint8 *p, guint count, guint8 pt, gsize size)
{
  p[0] = 0x80 | (count & 0x1f);
  p[1] = pt;
  put_be16 (p + 2, (guint16) (size / 4 - 1));
}

gsize
tc_rtcp_write_report (guint8 out[TC_RTCP_REPORT_MAX], guint32 ssrc, const TcRtcpSenderInfo *sender,
                      const TcRtcpReportBlock *block, const char *cname)
{
  gsize cname_len = MIN (strlen (cname), TC_RTCP_CNAME_MAX);
  gsize report_size = 8 + (sender ? 20 : 0) + (block ? REPORT_BLOCK_SIZE : 0);
  /* SDES: header, SSRC, CNAME item (type, length, text), then at least
   * one null octet ending the item list, padded to 32 bits. */
  gsize sdes_size = (8 + 2 + cname_len + 1 + 3) & ~(gsize) 3;
  guint8 *p = out;

  G_STATIC_ASSERT (8 + 20 + REPORT_BLOCK_SIZE + ((8 + 2 + TC_RTCP_CNAME_MAX + 1 + 3) & ~3) <= TC_RTCP_REPORT_MAX);
  memset (out, 0, report_size + sdes_size);
  write_rtcp_header (p, block ? 1 : 0, sender ? RTCP_SR : RTCP_RR, report_size);
  put_be32 (p + 4, ssrc);
  p += 8;
  if (sender)
    {
      put_be32 (p, (guint32) (sender->ntp >> 32));
      put_be32 (p + 4, (guint32) sender->ntp);
      put_be32 (p + 8, sender->rtp_timestamp);
      put_be32 (p + 12, sender->packets);
      put_be32 (p + 16, sender->octets);
      p += 20;
    }
  if (block)
    {
      write_block (p, block);
      p += REPORT_BLOCK_SIZE;
    }
  write_rtcp_header (p, 1, RTCP_SDES, sdes_size);
  put_be32 (p + 4, ssrc);
  p[8] = SDES_CNAME;
  p[9] = (guint8) cname_len;
  memcpy (p + 10, cname, cname_len);
  return report_size + sdes_size;
}

/* The report blocks of an SR or RR at @p (@count of them, @end the end of
 * the packet): the one about @our_ssrc, if any. */
static gboolean
find_block (const guint8 *p, const guint8 *end, guint count, guint32 our_ssrc, TcRtcpReportBlock *block)
{
  for (guint i = 0; i < count && p + REPORT_BLOCK_SIZE <= end; i++, p += REPORT_BLOCK_SIZE)
    if (get_be32 (p) == our_ssrc)
      {
        read_block (p, block);
        return TRUE;
      }
  return FALSE;
}

gboolean
tc_rtcp_parse (const guint8 *data, gsize size, guint32 our_ssrc, TcRtcpInfo *info)
{
  gsize offset = 0;

  memset (info, 0, sizeof *info);
  while (offset + 4 <= size)
    {
      const guint8 *p = data + offset;
      gsize length = 4 * ((gsize) get_be16 (p + 2) + 1);
      guint count = p[0] & 0x1f;

      if ((p[0] >> 6) != 2 || offset + length > size)
        return offset > 0; /* what came before stands */
      switch (p[1])
        {
        case RTCP_SR:
          if (length < 28)
            break;
          info->have_sr = TRUE;
          info->sr_ssrc = get_be32 (p + 4);
          info->sr_ntp = (guint64) get_be32 (p + 8) << 32 | get_be32 (p + 12);
          info->have_block |= find_block (p + 28, p + length, count, our_ssrc, &info->block);
          break;
        case RTCP_RR:
          if (length >= 8)
            info->have_block |= find_block (p + 8, p + length, count, our_ssrc, &info->block);
          break;
        case RTCP_BYE:
          info->bye = TRUE;
          break;
        default:
          break;
        }
      offset += length;
    }
  return offset > 0;
}

guint32
tc_rtcp_round_trip (const TcRtcpReportBlock *block, guint64 arrival_ntp)
{
  guint32 a = (guint32) (arrival_ntp >> 16);
  gint32 rtt;

  if (block->lsr == 0)
    return 0;
  rtt = (gint32) (a - block->lsr - block->dlsr);
  return rtt > 0 ? (guint32) rtt : 0;
}
