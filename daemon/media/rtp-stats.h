/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rtp-stats.h — RFC 3550 bookkeeping without GStreamer, for the calls
 * that run without a pipeline (call-media-light.c): the RTP fixed header,
 * the receiver's sequence, loss and jitter state (RFC 3550 A.1, A.3,
 * A.8), and minimal RTCP: a compound SR or RR with at most one report
 * block plus SDES CNAME written, SR/RR report blocks parsed.
 *
 * Pure functions on caller-owned structs: no I/O, no clock (times come in
 * as arguments), so that tests can drive every edge.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* ---- RTP fixed header (RFC 3550 §5.1) --------------------------------------------- */

#define TC_RTP_HEADER_SIZE 12

typedef struct {
  gboolean marker;
  guint8 pt;
  guint16 seq;
  guint32 timestamp;
  guint32 ssrc;
  gsize payload_offset; /* after CSRCs and a header extension */
  gsize payload_size;   /* without padding */
} TcRtpHeader;

/* Writes a version 2 header without CSRCs, extension or padding. */
void tc_rtp_header_write (guint8 out[TC_RTP_HEADER_SIZE], gboolean marker, guint8 pt, guint16 seq, guint32 timestamp,
                          guint32 ssrc);
/* FALSE unless @data is a well-formed version 2 RTP packet (network
 * input: every length is checked). */
gboolean tc_rtp_header_parse (const guint8 *data, gsize size, TcRtpHeader *header);

/* ---- the receiver (RFC 3550 A.1, A.3, A.8) ----------------------------------------- */

/* What we measure on the stream we receive.  Zero-initialise it. */
typedef struct {
  /* The current source (A.1). */
  gboolean have_source;
  guint32 ssrc;
  guint16 max_seq;
  guint32 cycles;   /* shifted count of sequence number cycles */
  guint32 base_seq; /* the first sequence number (extended) */
  guint32 bad_seq;  /* last 'bad' sequence number + 1 */
  guint32 probation;
  guint64 received;       /* packets counted since the source was valid */
  guint32 expected_prior; /* A.3, at the last report block */
  guint32 received_prior;
  /* A.8: relative transit time of the previous packet, and the
   * interarrival jitter scaled by 16, in timestamp units. */
  gboolean have_transit;
  gint32 transit;
  guint32 jitter_q4;
  guint32 clock_rate; /* of the last packet timed */

  /* Across sources (an SSRC change starts a new one). */
  guint64 packets;      /* every valid packet */
  guint64 octets;       /* their payload octets */
  gint64 lost_previous; /* what earlier sources lost */

  /* The last SR received, for the LSR/DLSR of our report block when it
   * came from the current source (it may come before its first RTP). */
  guint32 sr_ssrc;
  guint32 last_sr; /* middle 32 bits of its NTP timestamp; 0: none */
  gint64 last_sr_us;
} TcRtpReceiver;

/* One valid RTP packet: updates sequence, loss and counters; with
 * @clock_rate > 0 also the jitter from @arrival_us (any monotonic clock,
 * µs).  Give 0 for packets that do not carry sampling instants
 * (telephone-events repeat their timestamp).  FALSE when A.1 finds it a
 * duplicate-like outlier or still on probation (not counted). */
gboolean tc_rtp_receiver_update (TcRtpReceiver *receiver, const TcRtpHeader *header, guint clock_rate,
                                 gint64 arrival_us);
/* The cumulative number of packets lost (A.3), all sources; may be
 * negative with duplicates. */
gint64 tc_rtp_receiver_lost (const TcRtpReceiver *receiver);
/* The interarrival jitter in timestamp units (A.8). */
guint32 tc_rtp_receiver_jitter (const TcRtpReceiver *receiver);
/* Remembers an SR from @ssrc with NTP time @ntp, received at @arrival_us. */
void tc_rtp_receiver_sender_report (TcRtpReceiver *receiver, guint32 ssrc, guint64 ntp, gint64 arrival_us);

/* ---- RTCP (RFC 3550 §6.4) ----------------------------------------------------------- */

/* An NTP timestamp (32.32 fixed point, seconds since 1900) of the
 * wall-clock time @real_us (g_get_real_time()). */
guint64 tc_rtcp_ntp_from_real (gint64 real_us);

typedef struct {
  guint32 ssrc;         /* the source reported on */
  guint8 fraction_lost; /* since the previous report, in 1/256 */
  gint32 packets_lost;  /* cumulative, 24-bit signed */
  guint32 highest_seq;  /* extended highest sequence number received */
  guint32 jitter;       /* timestamp units */
  guint32 lsr;          /* middle 32 bits of the NTP time of the last SR; 0: none */
  guint32 dlsr;         /* delay since that SR, in 1/65536 s */
} TcRtcpReportBlock;

/* A report block about @receiver's source at @now_us (same clock as the
 * arrivals), and the start of a new A.3 interval.  FALSE when no source
 * has been received. */
gboolean tc_rtp_receiver_report_block (TcRtpReceiver *receiver, gint64 now_us, TcRtcpReportBlock *block);

typedef struct {
  guint64 ntp;
  guint32 rtp_timestamp; /* the same instant in the stream's timestamp units */
  guint32 packets;
  guint32 octets;
} TcRtcpSenderInfo;

/* Longest compound packet tc_rtcp_write_report() writes. */
#define TC_RTCP_REPORT_MAX 160
/* The longest CNAME it accepts. */
#define TC_RTCP_CNAME_MAX 64

/* A compound RTCP packet for @ssrc: an SR with @sender (an RR when NULL),
 * @block when not NULL, then SDES with @cname (RFC 3550 §6.1: every
 * compound packet carries a CNAME).  Returns its length (a multiple of 4). */
gsize tc_rtcp_write_report (guint8 out[TC_RTCP_REPORT_MAX], guint32 ssrc, const TcRtcpSenderInfo *sender,
                            const TcRtcpReportBlock *block, const char *cname);

/* What one received compound packet says. */
typedef struct {
  gboolean have_sr;
  guint32 sr_ssrc; /* the sender of the SR */
  guint64 sr_ntp;
  gboolean have_block; /* a report block about our SSRC */
  TcRtcpReportBlock block;
  gboolean bye;
} TcRtcpInfo;

/* Parses a compound RTCP packet (network input); report blocks about
 * other SSRCs than @our_ssrc are skipped.  FALSE when the first packet
 * is not RTCP version 2 or a length does not fit. */
gboolean tc_rtcp_parse (const guint8 *data, gsize size, guint32 our_ssrc, TcRtcpInfo *info);

/* The round trip of @block (RFC 3550 §6.4.1: A - LSR - DLSR) received
 * at NTP time @arrival_ntp, in 1/65536 s; 0 when the block has no LSR. */
guint32 tc_rtcp_round_trip (const TcRtcpReportBlock *block, guint64 arrival_ntp);

G_END_DECLS
