/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rtp-udp.h — TcRtpUdp: RTP and RTCP over plain UDP (RFC 3550, RFC 5761).
 *
 * Two bound sockets on one local address: RTP on an even port p and RTCP
 * on p + 1 when it is free (RFC 3550 §11), any other port otherwise (the
 * SDP then says a=rtcp, RFC 3605).  With rtcp-mux both directions of RTCP
 * use the RTP socket and incoming packets are told apart by their second
 * byte.  Packets go out from the socket they are expected on (symmetric
 * RTP, RFC 4961), so a NAT in front of us sees one flow per component.
 *
 * Receiving runs on the main context through GSocket sources (no thread);
 * sending is a non-blocking sendto() under a small lock, from whatever
 * thread calls it.  Packets are accepted from any source address.
 */
#pragma once

#include "media/rtp-transport.h"

G_BEGIN_DECLS

#define TC_TYPE_RTP_UDP (tc_rtp_udp_get_type ())
G_DECLARE_FINAL_TYPE (TcRtpUdp, tc_rtp_udp, TC, RTP_UDP, TcRtpTransport)

/* Binds the RTP and RTCP sockets on @local_address ("0.0.0.0", "::",
 * "192.0.2.1"; NULL: 0.0.0.0).  @port_min..@port_max bounds both ports
 * (0, 0: any free port).  TC_MEDIA_ERROR_TRANSPORT when the address does
 * not parse or no port (pair) is free. */
TcRtpUdp *tc_rtp_udp_new (const char *local_address, guint port_min, guint port_max, GError **error);

G_END_DECLS
