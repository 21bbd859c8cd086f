/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * session-private.h — TcSession's insides, shared by session.c (the
 * object, its states and its API), session-invite.c (the initial INVITE,
 * both ways), session-dialog.c (requests inside the dialog: BYE,
 * re-INVITE, UPDATE, INFO) and session-media.c (offer/answer and the
 * call's media); and what the endpoint does to its sessions.
 */
#pragma once

#include "core/endpoint-private.h"
#include "core/session.h"
#include "media/call-media.h"
#include "media/sdp.h"

G_BEGIN_DECLS

struct _TcSession {
  GObject parent_instance;

  TcEndpoint *endpoint; /* borrowed: the endpoint ends its sessions before it goes */
  TcSipClock *clock;    /* the stack's: glare and session timers */
  guint id;
  gboolean outgoing;
  TcSessionState state;
  char *remote_uri;
  char *remote_display_name;
  char *local_uri;
  char *call_id;
  char *local_tag;
  gboolean remote_held;
  gboolean local_hold; /* Hold() succeeded, Resume() not yet */
  gboolean muted;

  TcMediaPolicy policy;
  GArray *call_headers;       /* TcHeaderPair of Call()/Accept(): the initial INVITE or its 2xx */
  GArray *additional_headers; /* SetAdditionalHeaders: every later request */
  char *subject;

  /* the initial INVITE */
  TcSipMessageBuilder *invite_builder; /* outgoing, built at creation, until sent */
  TcSipRequest *invite;                /* outgoing, until its final response */
  TcSipIncoming *incoming;             /* incoming, until the ACK of our 2xx (or our final error) */
  GHashTable *early_answers;           /* outgoing: remote tag -> SDP text of a 1xx (one per fork) */
  char *answered_tag;                  /* outgoing: the fork whose answer was last applied */
  gboolean cancelling;                 /* outgoing: Terminate() before the final response */
  gboolean delayed_offer;              /* we sent the offer in our 2xx; the answer comes in the ACK */
  gboolean bye_after_ack;              /* Terminate() while answering: the BYE waits for the ACK (RFC 3261 §15) */
  char *pending_answer;                /* incoming: our answer, sent with the 2xx */
  TcSipDialog *dialog;                 /* confirmed (UAS: from our 2xx on) */

  /* our re-INVITE (hold, resume) */
  TcSipRequest *reinvite;
  GTask *reinvite_task;
  gboolean reinvite_hold;
  guint glare_timer;     /* on self->clock */
  GPtrArray *operations; /* GTask: INFO in flight */

  /* media */
  TcSdpSession *sdp;
  TcCallMedia *media;
  gboolean media_started;
  TcMediaParams params; /* the last offer/answer's result, when have_params */
  gboolean have_params;
  gboolean sdp_stale; /* our last SDP was an offer the peer refused: not the session's state */

  /* session timer (RFC 4028, session-timer.c) */
  guint timer_interval; /* s; 0: none */
  gboolean timer_refresher;
  guint timer_source; /* on self->clock */
  TcSipRequest *timer_request;
  gboolean timer_request_invite; /* it is a re-INVITE (not an UPDATE) */
  TcSipMessage *peer_allow;      /* the peer's last request or 2xx with an Allow */
};

/* session.c */
/* Moves to @state and emits "state-changed" with the cause: @message (a
 * response or a request, or NULL), @status (0 when a request caused it),
 * @cause (a local cause for the details, or NULL) and @extra (a{sv}
 * merged into the details; floating; or NULL).  Disconnected stops the
 * media and ends every operation still in flight. */
void tc_session_set_state (TcSession *self, TcSessionState state, guint status, const char *reason,
                           TcSipMessage *message, const char *cause, GVariant *extra);
/* The headers of the session's requests: the endpoint's and ours. */
void tc_session_add_request_headers (TcSession *self, TcSipMessageBuilder *builder);
void tc_session_set_remote_held (TcSession *self, gboolean held);
/* The reason phrase of @message, duplicated. */
char *tc_session_reason_of (TcSipMessage *message);
/* Signals for the media and the dialog code. */
void tc_session_emit_dtmf (TcSession *self, const char *digit, guint duration_ms);
void tc_session_emit_media_failed (TcSession *self, const char *cause, const char *message);
void tc_session_emit_playback_finished (TcSession *self, const char *path, const char *error);
/* "stats" changed (and "codec", "media-direction" unless @stats_only). */
void tc_session_notify_media (TcSession *self, gboolean stats_only);
void tc_session_emit_re_invite (TcSession *self, TcSipMessage *request);
void tc_session_emit_info (TcSession *self, const char *content_type, GBytes *body, TcSipMessage *request);
/* Sends BYE in the confirmed dialog (nothing waits for its answer). */
void tc_session_send_bye (TcSession *self, const char *reason_header);

/* session-invite.c */
/* An outgoing session in state in-progress, its INVITE built (the
 * Call-ID known), not yet sent: tc_session_invite_start() sends it. */
TcSession *tc_session_new_outgoing (TcEndpoint *endpoint, guint id, const char *target, const TcSessionOptions *options,
                                    GError **error);
gboolean tc_session_invite_start (TcSession *self, GError **error);
void tc_session_invite_cancel (TcSession *self);
/* Creates the session of an incoming INVITE, or answers it with an error
 * itself and returns NULL (no common codec: 488 with a Warning). */
TcSession *tc_session_new_incoming (TcEndpoint *endpoint, guint id, TcSipIncoming *invite);
gboolean tc_session_invite_accept (TcSession *self, const TcSessionOptions *options, GError **error);
gboolean tc_session_invite_reject (TcSession *self, guint status, const char *reason, GError **error);
/* The ACK of our 2xx to the initial INVITE (with the answer when we
 * offered in the 2xx): connected. */
void tc_session_invite_acked (TcSession *self, TcSipMessage *ack);

/* session-dialog.c */
void tc_session_dialog_request (TcSession *self, TcSipIncoming *incoming);
void tc_session_dialog_ack (TcSession *self, TcSipMessage *ack);
void tc_session_dialog_abort_operations (TcSession *self, const char *why);

/* session-media.c */
/* Binds the RTP transport (its ports go into the SDP). */
gboolean tc_session_media_prepare (TcSession *self, GError **error);
char *tc_session_media_offer (TcSession *self, TcMediaDirection direction);
/* Our offer got a non-2xx: the negotiated state stays as before. */
void tc_session_media_offer_rejected (TcSession *self);
/* The SDP of a session refresh re-INVITE (RFC 4028 §7.4): the last we
 * sent, o= version included, while it still describes the session (no
 * offer waits for it then); else a new offer. */
char *tc_session_media_refresh_offer (TcSession *self);
/* Another fork answers the same initial offer: arms it again. */
void tc_session_media_rearm_offer (TcSession *self);
/* A remote answer to our last offer: negotiated and applied to the media
 * (and to "remote-held").  FALSE with @error when it cannot be used. */
gboolean tc_session_media_answer_received (TcSession *self, const char *sdp, gsize len, GError **error);
/* A remote offer: our answer (SDP text), the result kept for
 * tc_session_media_apply(); NULL and @error (TC_MEDIA_ERROR_NO_CODEC:
 * answer 488 with tc_session_media_warning()) when it cannot be accepted,
 * the session unchanged. */
char *tc_session_media_offer_received (TcSession *self, const char *sdp, gsize len, GError **error);
/* Applies the last negotiated result: starts the media the first time. */
gboolean tc_session_media_apply (TcSession *self, GError **error);
void tc_session_media_stop (TcSession *self);
/* The Warning header value for a 488 caused by @error (RFC 3261 §20.43). */
char *tc_session_media_warning (TcSession *self, const GError *error);
/* SDP in @message: its body when the Content-Type is application/sdp. */
gboolean tc_session_message_has_sdp (TcSipMessage *message);
TcMediaDirection tc_session_media_local_direction (TcSession *self);

/* session-timer.c */
/* 422 with Min-SE for a Session-Expires below ours: FALSE when answered. */
gboolean tc_session_timer_check_request (TcSession *self, TcSipIncoming *incoming);
/* Our 2xx to @request (an INVITE or UPDATE): Session-Expires and Require
 * when it asked for a session timer; arms it. */
void tc_session_timer_answer (TcSession *self, TcSipMessage *request, TcSipMessageBuilder *response);
/* The 2xx to our INVITE: arms the timer it asks for. */
void tc_session_timer_answered (TcSession *self, TcSipMessage *response);
/* Supported: timer, and Session-Expires while a timer runs, for a
 * re-INVITE of ours (Hold/Resume), which refreshes the session too. */
void tc_session_timer_add_to_request (TcSession *self, TcSipMessageBuilder *builder);
void tc_session_timer_stop (TcSession *self);

/* ---- what the endpoint does ---------------------------------------------- */

/* Whether @message (a request in a dialog, or an ACK) belongs to @self:
 * the same Call-ID and our tag. */
gboolean tc_session_matches (TcSession *self, TcSipMessage *message, gboolean from_is_local);
gboolean tc_session_owns_incoming (TcSession *self, TcSipIncoming *invite);
void tc_session_handle_cancel (TcSession *self, TcSipMessage *cancel);
void tc_session_handle_ack_timeout (TcSession *self);
/* The endpoint goes away or the daemon stops: ends the call (BYE or
 * CANCEL), without waiting. */
void tc_session_shutdown (TcSession *self);

G_END_DECLS
