/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sdp.h — the SDP offer/answer of one call (RFC 3264 on RFC 4566 SDP,
 * built and read with GstSDPMessage): our offers (initial, hold, resume),
 * the answers to them, and our answers to the remote's offers, each
 * resulting in the TcMediaParams of the call's one audio stream.  Pure:
 * no I/O, no SIP; core carries the text in INVITE/200/ACK/UPDATE bodies.
 *
 * Audio only, one stream: an offer's first audio m= line we can use is
 * answered, every other m= line gets port 0 (RFC 3264 §6), and those lines
 * stay in our later offers, in their place, with port 0 (§8).  Profiles
 * RTP/AVP and RTP/AVPF; SRTP profiles are answered with port 0 for now.
 */
#pragma once

#include <gio/gio.h>

#include "media/media-params.h"

G_BEGIN_DECLS

/* One call's local SDP state: our o= id and version, the m= lines of the
 * session, the payload type of each codec, the offer we wait an answer
 * for, and the remote's last o= line and the last result. */
typedef struct _TcSdpSession TcSdpSession;

/* A session that offers and answers per @policy (copied: codec priority,
 * ptime, telephone-event, rtcp-mux, Opus FEC) with media at
 * @local_address (an IPv4 or IPv6 literal, for c= and o=), RTP at
 * @rtp_port (1..65535) and RTCP at @rtcp_port (0: @rtp_port + 1).  The o=
 * session id is random; the version starts equal to it. */
TcSdpSession *tc_sdp_session_new (const TcMediaPolicy *policy, const char *local_address, guint rtp_port,
                                  guint rtcp_port);
void tc_sdp_session_free (TcSdpSession *session);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcSdpSession, tc_sdp_session_free)

/* For the offers and answers from now on (the o= version moves when the
 * SDP then differs).  Payload types already agreed stay (RFC 3264 §8.3.2). */
void tc_sdp_session_set_policy (TcSdpSession *session, const TcMediaPolicy *policy);
/* A new local transport: c= address and ports for the next SDP.  The o=
 * line keeps its first address (RFC 3264 §8). */
void tc_sdp_session_set_local_address (TcSdpSession *session, const char *local_address);
void tc_sdp_session_set_local_ports (TcSdpSession *session, guint rtp_port, guint rtcp_port);

/* Our offer: the initial INVITE (or a 200 to an INVITE without SDP), or a
 * re-offer with @direction sendrecv (resume), sendonly (hold) or inactive
 * (hold while held).  The audio line lists the policy's codecs in
 * priority order, then telephone-event (fmtp 0-16); a=ptime; a=rtcp;
 * a=rtcp-mux when the policy asks; Opus with useinbandfec=1 when the
 * policy asks.  A re-offer keeps the m= lines of the session in order
 * (rejected ones with port 0) and the payload type of every codec agreed
 * before (RFC 3264 §8.1, §8.3.2).  The o= version grows by one only when
 * the text differs from the last SDP we sent (§8), so offering the same
 * again gives the same text.  The offer then waits for
 * tc_sdp_session_process_answer().
 *
 * Returns: (transfer full): the SDP, CRLF line ends */
char *tc_sdp_session_create_offer (TcSdpSession *session, TcMediaDirection direction);

/* Whether an offer of ours waits for its answer. */
gboolean tc_sdp_session_has_pending_offer (const TcSdpSession *session);
/* Forgets the waiting offer (its re-INVITE failed: 488, 491, timeout);
 * the session stays as negotiated before. */
void tc_sdp_session_cancel_offer (TcSdpSession *session);

/* Reads the answer to our waiting offer into @params (initialised with
 * tc_media_params_init(); replaced on success, untouched on failure):
 * the codec we send with the remote's payload type (the first of ours in
 * the answer), what we receive (our payload types that the answer kept;
 * telephone-event is in send_dtmf_pt/recv_dtmf_pt, not in receive), the
 * remote RTP/RTCP addresses (a=rtcp, else port + 1; the RTP address with
 * rtcp-mux, which needs a=rtcp-mux on both sides), directions, ptime
 * (the remote's a=ptime, capped by its a=maxptime, else the policy's) and
 * Opus FEC.  c=0.0.0.0 gives remote_rtp NULL and counts as the remote not
 * receiving (RFC 3264 §8.4): remote_direction loses RECV.
 *
 * An answer that repeats the last one (same o= line and version, e.g. a
 * 200 after a 183 with the same SDP, RFC 3261 §13.2.1) while no offer
 * waits gives the last result again with changed = FALSE.
 *
 * Errors: TC_MEDIA_ERROR_SDP for invalid SDP (the message names the
 * defect), an m= line count other than our offer's, or no offer waiting;
 * TC_MEDIA_ERROR_NO_CODEC when the answer rejects the audio stream (port
 * 0) or keeps no codec of ours.  After an error the offer still waits. */
gboolean tc_sdp_session_process_answer (TcSdpSession *session, const char *sdp, gsize len, TcMediaParams *params,
                                        GError **error);

/* Our answer to a remote offer (initial INVITE, or a re-INVITE/UPDATE),
 * and its result in @params (as for process_answer()).  The first audio
 * line with a port, RTP/AVP or RTP/AVPF, and a codec of the policy is
 * answered; every other line gets port 0, in the same order and number.
 * The answer keeps the offer's payload types (dynamic ones included: we
 * send and receive with the offerer's number) and the offer's order of
 * codecs, as RFC 3264 §6.1 recommends: the offerer's first choice among
 * the codecs we take is what both sides send, so the call uses one codec
 * both ways.  The policy decides which codecs we take, and the order of
 * our own offers.  The answer's direction is @local_direction (sendrecv,
 * or sendonly/inactive while we hold) intersected with the reverse of the
 * offer's (§6.1: sendonly → recvonly, inactive → inactive).  a=rtcp-mux
 * when the offer has it and the policy wants it.  A re-offer with the o=
 * version of the last one sets params->changed = FALSE (a session
 * refresh) and, nothing else having changed, gives the same answer.
 *
 * Errors: TC_MEDIA_ERROR_SDP for invalid SDP or fewer m= lines than the
 * session has (§8); TC_MEDIA_ERROR_NO_CODEC when no audio line can be
 * used, with a message for a 488's Warning header, e.g. "no common codec:
 * offered PCMA, G729; we accept opus, G722, PCMU" (see
 * tc_sdp_session_get_warning_code()).  On error the session is unchanged.
 *
 * Returns: (transfer full) (nullable): the answer, CRLF line ends */
char *tc_sdp_session_create_answer (TcSdpSession *session, const char *offer, gsize len,
                                    TcMediaDirection local_direction, TcMediaParams *params, GError **error);

/* The last SDP we produced (offer or answer), or NULL before the first. */
const char *tc_sdp_session_get_local_sdp (const TcSdpSession *session);
/* The result of the last completed offer/answer, or NULL before one. */
const TcMediaParams *tc_sdp_session_get_params (const TcSdpSession *session);

/* The RFC 3261 §20.43 warn-code for the last failure of create_answer()
 * or process_answer() on @session, to send with its error message in a
 * Warning header: 302 (audio only over a profile we lack, e.g.
 * RTP/SAVP), 304 (no audio stream, or it was rejected), 305 (no common
 * codec), 399 (invalid SDP); 0 when the last call succeeded. */
guint tc_sdp_session_get_warning_code (const TcSdpSession *session);
/* The same without the session, from the error alone: 305 for
 * TC_MEDIA_ERROR_NO_CODEC, 399 for any other error. */
guint tc_sdp_warning_code (const GError *error);

G_END_DECLS
