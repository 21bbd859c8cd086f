/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * session.h — TcSession: one call, the RTC signaling session
 * (RTCSS_* states, SessionStateChange events) with its audio media.
 *
 * States (the D-Bus strings): idle, incoming, answering, in-progress,
 * connected, hold, refer, disconnected.  An outgoing call goes
 * idle → in-progress (INVITE sent; each 1xx re-announces in-progress with
 * its status) → connected (2xx, ACK sent); an incoming one is incoming
 * (180 sent) → answering (2xx sent) → connected (ACK received).  Hold()
 * moves connected → hold and Resume() back, each once the re-INVITE's 2xx
 * came; a hold by the far end is the "remote-held" property, not a state.
 * Every path ends in disconnected, once, with the status and SIP message
 * that caused it; nothing happens to a disconnected session any more.
 *
 * Properties (read-only; strings are the D-Bus values): "id", "state",
 * "direction" (outgoing | incoming), "remote-uri", "remote-display-name",
 * "local-uri", "call-id", "remote-held", "muted", "codec",
 * "media-direction", "audio-source", "audio-sink", "stats" (GVariant a{sv}).
 *
 * Signals:
 *  "state-changed" (const char *state, const char *previous, guint status,
 *      const char *reason, GVariant *details)
 *  "re-invite-received" (GVariant *details)
 *  "info-received" (const char *content_type, GBytes *body, GVariant *details)
 *  "dtmf-received" (const char *digit, guint duration_ms)
 *  "media-failed" (const char *cause, const char *message)
 *  "playback-finished" (const char *path, const char *error_or_NULL)
 */
#pragma once

#include <gio/gio.h>

#include "core/headers.h"
#include "media/media-params.h"

G_BEGIN_DECLS

typedef enum {
  TC_SESSION_STATE_IDLE,
  TC_SESSION_STATE_INCOMING,
  TC_SESSION_STATE_ANSWERING,
  TC_SESSION_STATE_IN_PROGRESS,
  TC_SESSION_STATE_CONNECTED,
  TC_SESSION_STATE_HOLD,
  TC_SESSION_STATE_REFER,
  TC_SESSION_STATE_DISCONNECTED,
} TcSessionState;

const char *tc_session_state_to_string (TcSessionState state);

#define TC_TYPE_SESSION (tc_session_get_type ())
G_DECLARE_FINAL_TYPE (TcSession, tc_session, TC, SESSION, GObject)

/* What Call() and Accept() may set (D-Bus option keys in
 * dbus/org.tincan.Tincan1.Session.xml); unset fields take the endpoint's. */
typedef struct {
  GArray *headers;    /* TcHeaderPair added to the INVITE / the 2xx, or NULL */
  GArray *codecs;     /* TcCodec priority, or NULL */
  char *audio_source; /* or NULL */
  char *audio_sink;   /* or NULL */
  char *subject;      /* Subject header of the INVITE, or NULL */
} TcSessionOptions;

void tc_session_options_clear (TcSessionOptions *options);
/* Parses an a{sv} of options ("headers" a(ss), "codecs" s, "audio-source" s,
 * "audio-sink" s, "subject" s; @allowed lists the keys this method takes):
 * an unknown key, a wrong type or a bad value is TC_CORE_ERROR_INVALID_ARGS
 * naming it. */
gboolean tc_session_options_parse (TcSessionOptions *options, GVariant *dict, const char *const *allowed,
                                   GError **error);

guint tc_session_get_id (TcSession *self);
TcSessionState tc_session_get_state (TcSession *self);
gboolean tc_session_is_outgoing (TcSession *self);
const char *tc_session_get_remote_uri (TcSession *self);
const char *tc_session_get_call_id (TcSession *self);
gboolean tc_session_get_remote_held (TcSession *self);

/* Incoming: answers with 200 and our SDP (answering, then connected at
 * the ACK).  TC_CORE_ERROR_INVALID_STATE unless incoming. */
gboolean tc_session_accept (TcSession *self, const TcSessionOptions *options, GError **error);
/* Incoming: a final 300–699 response (@reason NULL: the standard phrase). */
gboolean tc_session_reject (TcSession *self, guint status, const char *reason, GError **error);
/* Ends the call however far it got: CANCEL before a final response, BYE
 * after; an incoming call not yet answered is rejected with 480 (or 603
 * with @decline).  Idempotent for a session that is already ending. */
gboolean tc_session_terminate (TcSession *self, GError **error);

/* Hold and Resume: a re-INVITE with a=sendonly (a=inactive when the far
 * end holds us too) or a=sendrecv; completes with the re-INVITE (its
 * status in @result), 491 retried after the §14.1 back-off. */
void tc_session_hold_async (TcSession *self, gboolean hold, GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data);

/* A SIP transaction's outcome (Hold/Resume, SendInfo), for the caller and
 * OperationComplete. */
typedef struct {
  guint status;
  char *reason;
  GVariant *details;
} TcSessionResult;

void tc_session_result_clear (TcSessionResult *result);

gboolean tc_session_hold_finish (TcSession *self, GAsyncResult *result, TcSessionResult *out_result, GError **error);

/* INFO in the dialog (RFC 6086) with any content type. */
void tc_session_send_info_async (TcSession *self, const char *content_type, GBytes *body, const GArray *headers,
                                 GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
gboolean tc_session_send_info_finish (TcSession *self, GAsyncResult *result, TcSessionResult *out_result,
                                      GError **error);

/* Replaces the headers added to every later request of the session. */
gboolean tc_session_set_additional_headers (TcSession *self, const GArray *headers, GError **error);

/* Media (need a negotiated stream: TC_CORE_ERROR_INVALID_STATE before). */
gboolean tc_session_send_dtmf (TcSession *self, const char *digits, guint duration_ms, GError **error);
gboolean tc_session_play_file (TcSession *self, const char *path, GError **error);
gboolean tc_session_record (TcSession *self, const char *path, gboolean both_directions, GError **error);
gboolean tc_session_stop_recording (TcSession *self, GError **error);
gboolean tc_session_set_muted (TcSession *self, gboolean muted, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcSessionResult, tc_session_result_clear)

G_END_DECLS
