/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-session.c — TcSession through a TcEndpoint against a scripted far
 * end: a TcSipStack on the manual clock with the fake transport
 * (tests/sip/stack-test-util.h), the test writing the peer's requests and
 * responses.  The endpoint's media are real (TcCallMedia binds UDP ports
 * on 127.0.0.1 and, once negotiated, runs a pipeline from a silent source
 * to a discarding sink); the peer's SDP points at a port nobody reads.
 *
 * RFC 4028 session timers (answering, refreshing with UPDATE or re-INVITE,
 * expiring, 422, the outgoing side), RFC 3261 §14 glare (491 and the
 * back-off on each side of the dialog, crossing offers), a re-INVITE
 * without an offer, a BYE out of any dialog, CANCEL, the linger before a
 * session is dropped, auto-answer and the endpoint's shutdown.
 */
#include <glib/gstdio.h>

#include "core/core-error.h"
#include "core/endpoint-private.h"
#include "core/session.h"
#include "stack-test-util.h"

#define S (G_TIME_SPAN_SECOND)
#define MS (G_TIME_SPAN_MILLISECOND)
#define OUR_RURI "sip:alice@192.0.2.1:5060;transport=udp"
#define PEER_CONTACT "Contact: <sip:bob@192.0.2.90:5060>\r\n"
#define ALLOW_ALL "Allow: INVITE, ACK, CANCEL, BYE, UPDATE, INFO\r\n"
#define ALLOW_NO_UPDATE "Allow: INVITE, ACK, CANCEL, BYE, INFO\r\n"

/* The peer's SDP at version @v, direction @dir. */
#define PEER_SDP(v, dir) \
  "v=0\r\n" \
  "o=- 4242 " v " IN IP4 127.0.0.1\r\n" \
  "s=-\r\n" \
  "c=IN IP4 127.0.0.1\r\n" \
  "t=0 0\r\n" \
  "m=audio 40000 RTP/AVP 0 101\r\n" \
  "a=rtpmap:0 PCMU/8000\r\n" \
  "a=rtpmap:101 telephone-event/8000\r\n" \
  "a=fmtp:101 0-16\r\n" \
  "a=" dir "\r\n"

typedef struct {
  guint id;
  char *state;
  guint status;
  char *reason;
  char *cause; /* "" when none */
  char *line;  /* the first line of the SIP message that caused it, "" when none */
} Event;

typedef struct {
  Fixture sip;
  char *root;
  TcEndpoint *endpoint;
  GPtrArray *sessions; /* TcSession (a reference each), in order of "session-added" */
  GPtrArray *weak;     /* a weak pointer (in its own block) to each: none may outlive the endpoint */
  GArray *events;      /* Event */
  GArray *removed;     /* guint: ids of "session-removed" */
  guint n_incoming;    /* "incoming-session" */
  guint n_re_invites;  /* "re-invite-received" */

  /* the call the peer is in */
  char *call_id;
  char *our_tag;
  char *peer_tag;
  guint peer_cseq;
  guint n_branches;

  /* Hold()'s outcome */
  gboolean hold_done;
  gboolean hold_ok;
  GError *hold_error;
} SessFixture;

static void
event_clear (gpointer data)
{
  Event *event = data;

  g_free (event->state);
  g_free (event->reason);
  g_free (event->cause);
  g_free (event->line);
}

/* ---- the endpoint's and the sessions' signals ---------------------------------- */

static void
on_state_changed (TcSession *session, const char *state, const char *previous, guint status, const char *reason,
                  GVariant *details, SessFixture *sf)
{
  g_autoptr (GVariant) message = g_variant_lookup_value (details, "sip-message", G_VARIANT_TYPE ("(sa(ss)ay)"));
  const char *cause = NULL;
  const char *line = "";
  Event event;

  g_variant_lookup (details, "cause", "&s", &cause);
  if (message)
    g_variant_get_child (message, 0, "&s", &line);
  event.id = tc_session_get_id (session);
  event.state = g_strdup (state);
  event.status = status;
  event.reason = g_strdup (reason);
  event.cause = g_strdup (cause ? cause : "");
  event.line = g_strdup (line);
  g_assert_cmpstr (state, ==, tc_session_state_to_string (tc_session_get_state (session)));
  g_array_append_val (sf->events, event);
}

static void
on_re_invite (TcSession *session, GVariant *details, SessFixture *sf)
{
  sf->n_re_invites++;
}

static void
on_session_added (TcEndpoint *endpoint, TcSession *session, SessFixture *sf)
{
  gpointer *slot = g_new (gpointer, 1);

  g_ptr_array_add (sf->sessions, g_object_ref (session));
  *slot = session;
  g_object_add_weak_pointer (G_OBJECT (session), slot);
  g_ptr_array_add (sf->weak, slot);
  g_signal_connect (session, "state-changed", G_CALLBACK (on_state_changed), sf);
  g_signal_connect (session, "re-invite-received", G_CALLBACK (on_re_invite), sf);
}

static void
on_session_removed (TcEndpoint *endpoint, TcSession *session, SessFixture *sf)
{
  guint id = tc_session_get_id (session);

  g_array_append_val (sf->removed, id);
}

static void
on_incoming_session (TcEndpoint *endpoint, TcSession *session, GVariant *details, SessFixture *sf)
{
  sf->n_incoming++;
}

/* ---- the stack's handlers, routed as the manager routes them ------------------------ */

static void
on_stack_request (TcSipStack *stack, TcSipIncoming *incoming, gpointer user_data)
{
  SessFixture *sf = user_data;

  if (!sf->endpoint)
    {
      tc_sip_incoming_respond_status (incoming, 404, NULL, NULL);
      return;
    }
  switch (tc_sip_message_get_method (tc_sip_incoming_get_request (incoming)))
    {
    case TC_SIP_METHOD_INVITE:
    case TC_SIP_METHOD_BYE:
    case TC_SIP_METHOD_INFO:
    case TC_SIP_METHOD_UPDATE:
      tc_endpoint_handle_request (sf->endpoint, incoming);
      return;
    default:
      tc_sip_incoming_respond_status (incoming, 405, NULL, NULL);
      return;
    }
}

static void
on_stack_ack (TcSipStack *stack, TcSipDialog *dialog, TcSipMessage *ack, gpointer user_data)
{
  SessFixture *sf = user_data;

  if (sf->endpoint)
    tc_endpoint_session_handle_ack (sf->endpoint, ack);
}

static void
on_stack_cancelled (TcSipStack *stack, TcSipIncoming *invite, TcSipMessage *cancel, gpointer user_data)
{
  SessFixture *sf = user_data;

  if (sf->endpoint)
    tc_endpoint_session_handle_cancel (sf->endpoint, invite, cancel);
}

static void
on_stack_ack_timeout (TcSipStack *stack, TcSipDialog *dialog, gpointer user_data)
{
  SessFixture *sf = user_data;

  if (sf->endpoint)
    tc_endpoint_session_handle_ack_timeout (sf->endpoint, dialog);
}

/* ---- fixture --------------------------------------------------------------------- */

static void
sess_setup (SessFixture *sf, gconstpointer data)
{
  const TcSipStackHandlers handlers = {
    .request = on_stack_request,
    .cancelled = on_stack_cancelled,
    .ack = on_stack_ack,
    .ack_timeout = on_stack_ack_timeout,
  };
  g_autoptr (GError) error = NULL;

  fixture_setup (&sf->sip, data);
  tc_sip_stack_set_handlers (sf->sip.stack, &handlers, sf);
  sf->root = g_dir_make_tmp ("tincan-test-session-XXXXXX", &error);
  g_assert_no_error (error);
  sf->sessions = g_ptr_array_new_with_free_func (g_object_unref);
  sf->weak = g_ptr_array_new_with_free_func (g_free);
  sf->events = g_array_new (FALSE, TRUE, sizeof (Event));
  g_array_set_clear_func (sf->events, event_clear);
  sf->removed = g_array_new (FALSE, TRUE, sizeof (guint));
}

/* The endpoint "alice", peer-to-peer, PCMU, no audio devices; @policy and
 * @delay ("auto-answer-delay", ms) for incoming calls. */
static void
make_endpoint (SessFixture *sf, const char *policy, const char *delay)
{
  const char *const settings_text[][2] = {
    { "uri", "sip:alice@example.test" },
    { "kind", "peer-to-peer" },
    { "codecs", "pcmu" },
    { "audio-source", "none" },
    { "audio-sink", "none" },
    { "incoming-call-policy", policy ? policy : "ring" },
    { "auto-answer-delay", delay ? delay : "0" },
  };
  g_autoptr (TcEndpointSettings) settings = tc_endpoint_settings_new ();
  g_autofree char *inbox_root = g_build_filename (sf->root, "inbox", NULL);
  g_autoptr (GError) error = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (settings_text); i++)
    {
      tc_endpoint_settings_set_text (settings, settings_text[i][0], settings_text[i][1], &error);
      g_assert_no_error (error);
    }
  tc_endpoint_settings_finish (settings, &error);
  g_assert_no_error (error);
  sf->endpoint = tc_endpoint_new ("alice", g_steal_pointer (&settings), sf->sip.stack, "alice",
                                  "sip:alice@127.0.0.1:5060", inbox_root);
  g_signal_connect (sf->endpoint, "session-added", G_CALLBACK (on_session_added), sf);
  g_signal_connect (sf->endpoint, "session-removed", G_CALLBACK (on_session_removed), sf);
  g_signal_connect (sf->endpoint, "incoming-session", G_CALLBACK (on_incoming_session), sf);
}

static void
sess_teardown (SessFixture *sf, gconstpointer data)
{
  g_autofree char *inbox_root = g_build_filename (sf->root, "inbox", NULL);
  g_autofree char *inbox_dir = g_build_filename (inbox_root, "alice", NULL);

  g_ptr_array_set_size (sf->sessions, 0);
  if (sf->endpoint)
    {
      TcEndpoint *endpoint = g_steal_pointer (&sf->endpoint);

      g_assert_finalize_object (endpoint);
    }
  for (guint i = 0; i < sf->weak->len; i++)
    g_assert_null (*(gpointer *) sf->weak->pdata[i]); /* no session outlives its endpoint */
  /* Whatever the stack still does (BYEs of the shutdown) reaches no one. */
  tc_sip_clock_manual_advance (sf->sip.clock, 64 * T1);
  run_main ();
  g_ptr_array_unref (sf->sessions);
  g_ptr_array_unref (sf->weak);
  g_array_unref (sf->events);
  g_array_unref (sf->removed);
  g_clear_error (&sf->hold_error);
  g_free (sf->call_id);
  g_free (sf->our_tag);
  g_free (sf->peer_tag);
  g_rmdir (inbox_dir); /* made only if a test used the inbox */
  g_rmdir (inbox_root);
  g_rmdir (sf->root);
  g_free (sf->root);
  fixture_teardown (&sf->sip, data);
}

/* ---- helpers ---------------------------------------------------------------------- */

static void
advance (SessFixture *sf, gint64 us)
{
  tc_sip_clock_manual_advance (sf->sip.clock, us);
  run_main ();
}

static TcSession *
session (SessFixture *sf, guint i)
{
  g_assert_cmpuint (i, <, sf->sessions->len);
  return sf->sessions->pdata[i];
}

static const Event *
last_event (SessFixture *sf)
{
  g_assert_cmpuint (sf->events->len, >, 0);
  return &g_array_index (sf->events, Event, sf->events->len - 1);
}

static const char *
body_text (SessFixture *sf, TcSipMessage *m)
{
  return body (&sf->sip, m);
}

/* The o= line of the SDP @text. */
static const char *
origin_of (SessFixture *sf, const char *text)
{
  const char *o = strstr (text, "\r\no=");

  g_assert_nonnull (o);
  o += 2;
  return keep (&sf->sip, g_strndup (o, strcspn (o, "\r\n")));
}

/* The index of the last response @status to a @method request, or -1. */
static gint
find_response (SessFixture *sf, guint status, const char *method)
{
  gint found = -1;

  for (guint i = 0; i < n_sent (&sf->sip); i++)
    {
      TcSipMessage *m = sent (&sf->sip, i);

      if (!tc_sip_message_is_request (m) && tc_sip_message_get_status (m) == status &&
          tc_sip_str_equal (tc_sip_message_get_cseq (m)->method, method))
        found = i;
    }
  return found;
}

/* The number of distinct @method requests we sent (retransmissions count once). */
static guint
count_requests (SessFixture *sf, TcSipMethod method)
{
  g_autoptr (GHashTable) branches = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < n_sent (&sf->sip); i++)
    if (tc_sip_message_is_request (sent (&sf->sip, i)) && tc_sip_message_get_method (sent (&sf->sip, i)) == method)
      g_hash_table_add (branches, (gpointer) branch (&sf->sip, sent (&sf->sip, i)));
  return g_hash_table_size (branches);
}

static guint
last_request (SessFixture *sf, TcSipMethod method)
{
  gint i = find_sent (&sf->sip, method, 0);

  g_assert_cmpint (i, >=, 0);
  return (guint) i;
}

/* A request from the peer over its flow, in the peer's call (Call-ID
 * sf->call_id, From tag sf->peer_tag, To tag sf->our_tag when known):
 * @branch NULL takes a new one (returned), @cseq 0 the next, @sdp a body. */
static const char *
peer_request (SessFixture *sf, const char *method, const char *via_branch, guint cseq, const char *extra,
              const char *sdp)
{
  g_autofree char *text = NULL;
  const char *b = via_branch ? via_branch : keep (&sf->sip, g_strdup_printf ("z9hG4bK-peer-%u", ++sf->n_branches));

  if (!cseq)
    cseq = ++sf->peer_cseq;
  text =
    g_strdup_printf ("%s " OUR_RURI " SIP/2.0\r\n"
                     "Via: SIP/2.0/UDP 192.0.2.90:5060;branch=%s;rport\r\n"
                     "Max-Forwards: 70\r\n"
                     "From: <sip:bob@example.test>;tag=%s\r\n"
                     "To: <sip:alice@example.test>%s%s\r\n"
                     "Call-ID: %s\r\n"
                     "CSeq: %u %s\r\n"
                     "%s%s"
                     "%s"
                     "Content-Length: %zu\r\n\r\n%s",
                     method, b, sf->peer_tag, sf->our_tag ? ";tag=" : "", sf->our_tag ? sf->our_tag : "", sf->call_id,
                     cseq, method, g_str_equal (method, "ACK") ? "" : PEER_CONTACT, extra ? extra : "",
                     sdp ? "Content-Type: application/sdp\r\n" : "", sdp ? strlen (sdp) : 0, sdp ? sdp : "");
  tc_sip_fake_transport_inject (sf->sip.transport, sf->sip.peer, text);
  run_main ();
  return b;
}

/* The peer's answer @status to our send @i, with @extra headers and @sdp. */
static void
peer_respond (SessFixture *sf, guint i, guint status, const char *extra, const char *sdp)
{
  TcSipMessageBuilder *builder =
    tc_sip_message_builder_new_response_to (sent (&sf->sip, i), status, NULL, sf->peer_tag);
  g_autoptr (TcSipMessage) response = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  const char *data;
  gsize len;

  add_headers (builder, extra);
  if (status >= 101 && status < 300)
    tc_sip_message_builder_add_header (builder, "Contact", "<sip:bob@192.0.2.90:5060>");
  if (sdp)
    tc_sip_message_builder_set_body (builder, "application/sdp", sdp, strlen (sdp));
  response = tc_sip_message_builder_end (builder, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (tc_sip_message_to_bytes (response), &len);
  text = g_strndup (data, len);
  tc_sip_fake_transport_inject (sf->sip.transport, tc_sip_fake_transport_get_sent (sf->sip.transport, i)->flow, text);
  run_main ();
}

/* An INVITE from the peer in a new call "call-1" (@extra headers, @sdp),
 * answered 100 and 180 (ring): the session, incoming. */
static TcSession *
incoming_call (SessFixture *sf, const char *extra, const char *sdp)
{
  gint ringing;

  sf->call_id = g_strdup ("call-1");
  sf->peer_tag = g_strdup ("bt");
  peer_request (sf, "INVITE", "z9hG4bK-invite-1", 1, extra, sdp);
  sf->peer_cseq = 1;
  ringing = find_response (sf, 180, "INVITE");
  g_assert_cmpint (ringing, >=, 0);
  sf->our_tag = tc_sip_str_dup (tc_sip_message_get_to (sent (&sf->sip, ringing))->tag);
  g_assert_nonnull (sf->our_tag);
  g_assert_cmpuint (sf->sessions->len, ==, 1);
  g_assert_cmpint (tc_session_get_state (session (sf, 0)), ==, TC_SESSION_STATE_INCOMING);
  return session (sf, 0);
}

/* Accept(), the 200 (returned, its index), the peer's ACK: connected. */
static guint
accept_call (SessFixture *sf, TcSession *call)
{
  g_autoptr (GError) error = NULL;
  gint ok;

  g_assert_true (tc_session_accept (call, NULL, &error));
  g_assert_no_error (error);
  ok = find_response (sf, 200, "INVITE");
  g_assert_cmpint (ok, >=, 0);
  g_assert_cmpint (tc_session_get_state (call), ==, TC_SESSION_STATE_ANSWERING);
  peer_request (sf, "ACK", NULL, 1, NULL, NULL);
  g_assert_cmpint (tc_session_get_state (call), ==, TC_SESSION_STATE_CONNECTED);
  return (guint) ok;
}

/* Call() to bob, the INVITE answered 200 with @extra and the peer's SDP:
 * the session, connected, the stack having ACKed. */
static TcSession *
outgoing_call (SessFixture *sf, const char *extra)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSession) call = tc_endpoint_call (sf->endpoint, "sip:bob@192.0.2.90", NULL, &error);
  TcSipMessage *invite;
  guint i;

  g_assert_no_error (error);
  g_assert_nonnull (call);
  run_main ();
  i = last_request (sf, TC_SIP_METHOD_INVITE);
  invite = sent (&sf->sip, i);
  g_assert_cmpstr (dest (&sf->sip, i), ==, "udp:192.0.2.90:5060");
  g_assert_cmpstr (hdr (&sf->sip, invite, "Supported"), ==, "timer");
  sf->call_id = tc_sip_str_dup (tc_sip_message_get_call_id (invite));
  sf->our_tag = tc_sip_str_dup (tc_sip_message_get_from (invite)->tag);
  sf->peer_tag = g_strdup ("bt2");
  peer_respond (sf, i, 200, extra, PEER_SDP ("1", "sendrecv"));
  g_assert_cmpint (find_sent (&sf->sip, TC_SIP_METHOD_ACK, i), >, (gint) i);
  g_assert_cmpint (tc_session_get_state (call), ==, TC_SESSION_STATE_CONNECTED);
  return call;
}

static void
on_hold_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  SessFixture *sf = user_data;

  sf->hold_done = TRUE;
  sf->hold_ok = tc_session_hold_finish (TC_SESSION (object), result, NULL, &sf->hold_error);
}

/* ---- RFC 4028 ------------------------------------------------------------------------ */

/* The UAC asks us to refresh (refresher=uas): the 200 says so and
 * requires the timer; half the interval later we send UPDATE (the INVITE
 * allowed it) as the refresher, without a body; its 200 re-arms. */
static void
test_timer_uas_refresher_update (SessFixture *sf, gconstpointer data)
{
  TcSession *call;
  TcSipMessage *ok, *update;
  guint i;

  make_endpoint (sf, NULL, NULL);
  call = incoming_call (sf, ALLOW_ALL "Supported: timer\r\nSession-Expires: 120;refresher=uas\r\n",
                        PEER_SDP ("1", "sendrecv"));
  g_assert_cmpuint (sf->n_incoming, ==, 1);
  ok = sent (&sf->sip, accept_call (sf, call));
  g_assert_cmpstr (hdr (&sf->sip, ok, "Session-Expires"), ==, "120;refresher=uas");
  g_assert_cmpstr (hdr (&sf->sip, ok, "Require"), ==, "timer");
  g_assert_nonnull (strstr (hdr (&sf->sip, ok, "Supported"), "timer"));

  advance (sf, 60 * S - 1);
  g_assert_cmpuint (count_requests (sf, TC_SIP_METHOD_UPDATE), ==, 0);
  advance (sf, 1);
  g_assert_cmpuint (count_requests (sf, TC_SIP_METHOD_UPDATE), ==, 1);
  g_assert_cmpuint (count_requests (sf, TC_SIP_METHOD_INVITE), ==, 0);
  i = last_request (sf, TC_SIP_METHOD_UPDATE);
  update = sent (&sf->sip, i);
  /* We send it and stay the refresher: uac of this transaction (§7.4). */
  g_assert_cmpstr (hdr (&sf->sip, update, "Session-Expires"), ==, "120;refresher=uac");
  g_assert_cmpstr (hdr (&sf->sip, update, "Supported"), ==, "timer");
  g_assert_cmpuint (tc_sip_message_get_body (update).len, ==, 0);
  g_assert_cmpstr (ruri (&sf->sip, update), ==, "sip:bob@192.0.2.90:5060");
  /* An UPDATE without an offer does not stand in the way of the peer's re-INVITE. */
  peer_request (sf, "INVITE", NULL, 0, NULL, PEER_SDP ("2", "sendrecv"));
  g_assert_cmpint (find_response (sf, 491, "INVITE"), <, 0);
  g_assert_cmpuint (count_status (&sf->sip, 200, 0), ==, 2);
  peer_request (sf, "ACK", NULL, sf->peer_cseq, NULL, NULL);
  g_assert_cmpuint (sf->n_re_invites, ==, 1);
  peer_respond (sf, i, 200, "Session-Expires: 120;refresher=uac\r\nRequire: timer\r\n", NULL);
  g_assert_cmpint (tc_session_get_state (call), ==, TC_SESSION_STATE_CONNECTED);

  /* Re-armed: the next refresh half an interval after this one. */
  advance (sf, 60 * S - 1);
  g_assert_cmpuint (count_requests (sf, TC_SIP_METHOD_UPDATE), ==, 1);
  advance (sf, 1);
  g_assert_cmpuint (count_requests (sf, TC_SIP_METHOD_UPDATE), ==, 2);
  peer_respond (sf, last_request (sf, TC_SIP_METHOD_UPDATE), 200, "Session-Expires: 120;refresher=uac\r\n", NULL);
  g_assert_cmpint (tc_session_get_state (call), ==, TC_SESSION_STATE_CONNECTED);
  g_assert_cmpuint (count_requests (sf, TC_SIP_METHOD_BYE), ==, 0);
}

/* Without UPDATE in the peer's Allow the refresh is a re-INVITE with our
 * SDP unchanged: the same o= version (RFC 3264 §8). */
static void
test_timer_uas_refresher_reinvite (SessFixture *sf, gconstpointer data)
{
  TcSession *call;
  const char *our_sdp;
  TcSipMessage *reinvite;
  guint i;

  make_endpoint (sf, NULL, NULL);
  call = incoming_call (sf, ALLOW_NO_UPDATE "Supported: timer\r\nSession-Expires: 120;refresher=uas\r\n",
                        PEER_SDP ("1", "sendrecv"));
  our_sdp = body_text (sf, sent (&sf->sip, accept_call (sf, call)));

  advance (sf, 60 * S);
  g_assert_cmpuint (count_requests (sf, TC_SIP_METHOD_UPDATE), ==, 0);
  g_assert_cmpuint (count_requests (sf, TC_SIP_METHOD_INVITE), ==, 1);
  i = last_request (sf, TC_SIP_METHOD_INVITE);
  reinvite = sent (&sf->sip, i);
  g_assert_cmpstr (hdr (&sf->sip, reinvite, "Session-Expires"), ==, "120;refresher=uac");
  g_assert_cmpstr (hdr (&sf->sip, reinvite, "Content-Type"), ==, "application/sdp");
  g_assert_cmpstr (origin_of (sf, body_text (sf, reinvite)), ==, origin_of (sf, our_sdp));
  g_assert_nonnull (strstr (body_text (sf, reinvite), "a=sendrecv"));

  /* While it is in progress: the peer's re-INVITE is 491, Hold() busy. */
  peer_request (sf, "INVITE", NULL, 0, NULL, PEER_SDP ("2", "sendonly"));
  g_assert_cmpint (find_response (sf, 491, "INVITE"), >=, 0);
  peer_request (sf, "ACK", NULL, sf->peer_cseq, NULL, NULL);
  tc_session_hold_async (call, TRUE, NULL, on_hold_done, sf);
  run_main ();
  g_assert_true (sf->hold_done);
  g_assert_error (sf->hold_error, TC_CORE_ERROR, TC_CORE_ERROR_BUSY);
  g_assert_cmpuint (count_requests (sf, TC_SIP_METHOD_INVITE), ==, 1);

  /* The peer's answer, its SDP unchanged too; the stack ACKs. */
  peer_respond (sf, i, 200, "Session-Expires: 120;refresher=uac\r\n", PEER_SDP ("1", "sendrecv"));
  g_assert_cmpint (find_sent (&sf->sip, TC_SIP_METHOD_ACK, i), >, (gint) i);
  g_assert_cmpint (tc_session_get_state (call), ==, TC_SESSION_STATE_CONNECTED);
  g_assert_false (tc_session_get_remote_held (call));
  advance (sf, 60 * S);
  g_assert_cmpuint (count_requests (sf, TC_SIP_METHOD_INVITE), ==, 2);
}

/* The peer refreshes (refresher=uac) and stops: BYE at 120 − min(32, 40)
 * = 88 s, disconnected with cause "session-expired".  A refresh from the
 * peer before then re-arms the timer. */
static void
test_timer_expired (SessFixture *sf, gconstpointer data)
{
  TcSession *call;
  TcSipMessage *ok;
  gint update_ok;
  guint bye;

  make_endpoint (sf, NULL, NULL);
  call = incoming_call (sf, ALLOW_ALL "Supported: timer\r\nSession-Expires: 120;refresher=uac\r\n",
                        PEER_SDP ("1", "sendrecv"));
  ok = sent (&sf->sip, accept_call (sf, call));
  g_assert_cmpstr (hdr (&sf->sip, ok, "Session-Expires"), ==, "120;refresher=uac");
  g_assert_cmpstr (hdr (&sf->sip, ok, "Require"), ==, "timer");

  /* A refresh at 60 s: answered with the interval, the expiry moves. */
  advance (sf, 60 * S);
  g_assert_cmpuint (count_requests (sf, TC_SIP_METHOD_UPDATE), ==, 0);
  peer_request (sf, "UPDATE", NULL, 0, "Supported: timer\r\nSession-Expires: 120;refresher=uac\r\n", NULL);
  update_ok = find_response (sf, 200, "UPDATE");
  g_assert_cmpint (update_ok, >=, 0);
  g_assert_cmpstr (hdr (&sf->sip, sent (&sf->sip, update_ok), "Session-Expires"), ==, "120;refresher=uac");
  g_assert_cmpuint (sf->n_re_invites, ==, 0);

  advance (sf, 88 * S - 1);
  g_assert_cmpuint (count_requests (sf, TC_SIP_METHOD_BYE), ==, 0);
  g_assert_cmpint (tc_session_get_state (call), ==, TC_SESSION_STATE_CONNECTED);
  advance (sf, 1);
  g_assert_cmpuint (count_requests (sf, TC_SIP_METHOD_BYE), ==, 1);
  bye = last_request (sf, TC_SIP_METHOD_BYE);
  g_assert_nonnull (strstr (hdr (&sf->sip, sent (&sf->sip, bye), "Reason"), "cause=408"));
  g_assert_cmpint (tc_session_get_state (call), ==, TC_SESSION_STATE_DISCONNECTED);
  g_assert_cmpstr (last_event (sf)->state, ==, "disconnected");
  g_assert_cmpstr (last_event (sf)->cause, ==, "session-expired");
  g_assert_cmpuint (last_event (sf)->status, ==, 408);
  peer_respond (sf, bye, 200, NULL, NULL);
}

/* Session-Expires below our Min-SE (90): 422 with Min-SE, no session. */
static void
test_timer_too_small (SessFixture *sf, gconstpointer data)
{
  gint too_small;

  make_endpoint (sf, NULL, NULL);
  sf->call_id = g_strdup ("call-1");
  sf->peer_tag = g_strdup ("bt");
  peer_request (sf, "INVITE", "z9hG4bK-invite-1", 1, "Supported: timer\r\nSession-Expires: 60\r\n",
                PEER_SDP ("1", "sendrecv"));
  too_small = find_response (sf, 422, "INVITE");
  g_assert_cmpint (too_small, >=, 0);
  g_assert_cmpstr (hdr (&sf->sip, sent (&sf->sip, too_small), "Min-SE"), ==, "90");
  g_assert_cmpint (find_response (sf, 180, "INVITE"), <, 0);
  g_assert_cmpuint (sf->sessions->len, ==, 0);
  g_assert_cmpuint (sf->n_incoming, ==, 0);
  g_assert_cmpuint (tc_endpoint_count_sessions (sf->endpoint), ==, 0);
  peer_request (sf, "ACK", "z9hG4bK-invite-1", 1, NULL, NULL);
}

/* Our call; the 2xx makes us the refresher of 100 s: UPDATE at 50 s. */
static void
test_timer_outgoing (SessFixture *sf, gconstpointer data)
{
  TcSession *call;
  guint i;

  make_endpoint (sf, NULL, NULL);
  call = outgoing_call (sf, ALLOW_ALL "Session-Expires: 100;refresher=uac\r\nRequire: timer\r\n");
  advance (sf, 50 * S - 1);
  g_assert_cmpuint (count_requests (sf, TC_SIP_METHOD_UPDATE), ==, 0);
  advance (sf, 1);
  g_assert_cmpuint (count_requests (sf, TC_SIP_METHOD_UPDATE), ==, 1);
  i = last_request (sf, TC_SIP_METHOD_UPDATE);
  g_assert_cmpstr (hdr (&sf->sip, sent (&sf->sip, i), "Session-Expires"), ==, "100;refresher=uac");
  g_assert_cmpstr (ruri (&sf->sip, sent (&sf->sip, i)), ==, "sip:bob@192.0.2.90:5060");
  peer_respond (sf, i, 200, "Session-Expires: 100;refresher=uac\r\n", NULL);
  g_assert_cmpint (tc_session_get_state (call), ==, TC_SESSION_STATE_CONNECTED);
}

/* ---- glare (RFC 3261 §14) ------------------------------------------------------------ */

/* Hold() in our own call (we own the Call-ID): 491, then the re-INVITE
 * again after 2.1–4 s, not before; its 200 puts the call on hold. */
static void
test_glare_backoff_uac (SessFixture *sf, gconstpointer data)
{
  TcSession *call;
  guint first, second;

  make_endpoint (sf, NULL, NULL);
  call = outgoing_call (sf, ALLOW_ALL);
  g_assert_cmpuint (count_requests (sf, TC_SIP_METHOD_INVITE), ==, 1);
  tc_session_hold_async (call, TRUE, NULL, on_hold_done, sf);
  run_main ();
  g_assert_cmpuint (count_requests (sf, TC_SIP_METHOD_INVITE), ==, 2);
  first = last_request (sf, TC_SIP_METHOD_INVITE);
  g_assert_nonnull (strstr (body_text (sf, sent (&sf->sip, first)), "a=sendonly"));

  peer_respond (sf, first, 491, NULL, NULL);
  g_assert_false (sf->hold_done);
  advance (sf, 1 * S);
  g_assert_cmpuint (count_requests (sf, TC_SIP_METHOD_INVITE), ==, 2);
  /* Meanwhile no offer of ours waits: the peer's re-INVITE goes through. */
  peer_request (sf, "INVITE", NULL, 0, NULL, PEER_SDP ("2", "sendrecv"));
  g_assert_cmpint (find_response (sf, 491, "INVITE"), <, 0);
  g_assert_cmpint (find_response (sf, 200, "INVITE"), >=, 0);
  peer_request (sf, "ACK", NULL, sf->peer_cseq, NULL, NULL);
  g_assert_cmpuint (sf->n_re_invites, ==, 1);
  advance (sf, 1100 * MS - 1);
  g_assert_cmpuint (count_requests (sf, TC_SIP_METHOD_INVITE), ==, 2);
  advance (sf, 4000 * MS - (2100 * MS - 1));
  g_assert_cmpuint (count_requests (sf, TC_SIP_METHOD_INVITE), ==, 3);
  second = last_request (sf, TC_SIP_METHOD_INVITE);
  g_assert_cmpuint (tc_sip_message_get_cseq (sent (&sf->sip, second))->seq, >,
                    tc_sip_message_get_cseq (sent (&sf->sip, first))->seq);
  g_assert_nonnull (strstr (body_text (sf, sent (&sf->sip, second)), "a=sendonly"));
  g_assert_false (sf->hold_done);

  peer_respond (sf, second, 200, NULL, PEER_SDP ("3", "recvonly"));
  g_assert_true (sf->hold_done);
  g_assert_no_error (sf->hold_error);
  g_assert_true (sf->hold_ok);
  g_assert_cmpint (tc_session_get_state (call), ==, TC_SESSION_STATE_HOLD);
}

/* Hold() in the peer's call (it owns the Call-ID): again within 0–2 s. */
static void
test_glare_backoff_uas (SessFixture *sf, gconstpointer data)
{
  TcSession *call;

  make_endpoint (sf, NULL, NULL);
  call = incoming_call (sf, ALLOW_ALL, PEER_SDP ("1", "sendrecv"));
  accept_call (sf, call);
  tc_session_hold_async (call, TRUE, NULL, on_hold_done, sf);
  run_main ();
  g_assert_cmpuint (count_requests (sf, TC_SIP_METHOD_INVITE), ==, 1);
  peer_respond (sf, last_request (sf, TC_SIP_METHOD_INVITE), 491, NULL, NULL);
  g_assert_cmpuint (count_requests (sf, TC_SIP_METHOD_INVITE), ==, 1);
  g_assert_false (sf->hold_done);
  advance (sf, 2000 * MS);
  g_assert_cmpuint (count_requests (sf, TC_SIP_METHOD_INVITE), ==, 2);
  peer_respond (sf, last_request (sf, TC_SIP_METHOD_INVITE), 200, NULL, PEER_SDP ("2", "recvonly"));
  g_assert_true (sf->hold_done);
  g_assert_true (sf->hold_ok);
  g_assert_cmpint (tc_session_get_state (call), ==, TC_SESSION_STATE_HOLD);
}

/* A re-INVITE (or an UPDATE with an offer) from the peer while our
 * re-INVITE waits: 491 (RFC 3261 §14.2, RFC 3311 §5.2); ours completes. */
static void
test_glare_crossing (SessFixture *sf, gconstpointer data)
{
  TcSession *call;
  guint ours;

  make_endpoint (sf, NULL, NULL);
  call = incoming_call (sf, ALLOW_ALL, PEER_SDP ("1", "sendrecv"));
  accept_call (sf, call);
  tc_session_hold_async (call, TRUE, NULL, on_hold_done, sf);
  run_main ();
  ours = last_request (sf, TC_SIP_METHOD_INVITE);

  peer_request (sf, "INVITE", NULL, 0, NULL, PEER_SDP ("2", "sendonly"));
  g_assert_cmpint (find_response (sf, 491, "INVITE"), >=, 0);
  peer_request (sf, "ACK", NULL, sf->peer_cseq, NULL, NULL);
  peer_request (sf, "UPDATE", NULL, 0, NULL, PEER_SDP ("2", "sendonly"));
  g_assert_cmpint (find_response (sf, 491, "UPDATE"), >=, 0);
  /* An UPDATE without an offer (a session refresh) is answered. */
  peer_request (sf, "UPDATE", NULL, 0, NULL, NULL);
  g_assert_cmpint (find_response (sf, 200, "UPDATE"), >=, 0);
  g_assert_cmpuint (sf->n_re_invites, ==, 0);
  g_assert_false (tc_session_get_remote_held (call));

  peer_respond (sf, ours, 200, NULL, PEER_SDP ("2", "recvonly"));
  g_assert_true (sf->hold_done);
  g_assert_no_error (sf->hold_error);
  g_assert_cmpint (tc_session_get_state (call), ==, TC_SESSION_STATE_HOLD);
  g_assert_cmpuint (count_requests (sf, TC_SIP_METHOD_BYE), ==, 0);

  /* Once ours is done the peer's goes through. */
  peer_request (sf, "INVITE", NULL, 0, NULL, PEER_SDP ("2", "sendonly"));
  g_assert_cmpint (find_response (sf, 200, "INVITE"), >, (gint) ours);
  g_assert_cmpuint (sf->n_re_invites, ==, 1);
  g_assert_true (tc_session_get_remote_held (call));
  peer_request (sf, "ACK", NULL, sf->peer_cseq, NULL, NULL);
}

/* ---- re-INVITE without an offer ------------------------------------------------------- */

/* Our offer goes in the 200, the answer in the ACK is applied. */
static void
test_reinvite_offerless (SessFixture *sf, gconstpointer data)
{
  TcSession *call;
  gint ok;
  const char *offer;

  make_endpoint (sf, NULL, NULL);
  call = incoming_call (sf, ALLOW_ALL, PEER_SDP ("1", "sendrecv"));
  ok = accept_call (sf, call);
  peer_request (sf, "INVITE", NULL, 0, NULL, NULL);
  g_assert_cmpint (find_response (sf, 200, "INVITE"), >, ok);
  ok = find_response (sf, 200, "INVITE");
  g_assert_cmpstr (hdr (&sf->sip, sent (&sf->sip, ok), "Content-Type"), ==, "application/sdp");
  offer = body_text (sf, sent (&sf->sip, ok));
  g_assert_nonnull (strstr (offer, "m=audio "));
  g_assert_nonnull (strstr (offer, "a=sendrecv"));
  g_assert_cmpuint (sf->n_re_invites, ==, 1);
  g_assert_false (tc_session_get_remote_held (call));

  /* The answer puts us on hold (sendonly): applied. */
  peer_request (sf, "ACK", NULL, sf->peer_cseq, NULL, PEER_SDP ("2", "sendonly"));
  g_assert_true (tc_session_get_remote_held (call));
  g_assert_cmpint (tc_session_get_state (call), ==, TC_SESSION_STATE_CONNECTED);
  g_assert_cmpuint (count_requests (sf, TC_SIP_METHOD_BYE), ==, 0);
}

/* The ACK brings no answer: BYE, disconnected 488. */
static void
test_reinvite_offerless_ack_without_sdp (SessFixture *sf, gconstpointer data)
{
  TcSession *call;

  make_endpoint (sf, NULL, NULL);
  call = incoming_call (sf, ALLOW_ALL, PEER_SDP ("1", "sendrecv"));
  accept_call (sf, call);
  peer_request (sf, "INVITE", NULL, 0, NULL, NULL);
  peer_request (sf, "ACK", NULL, sf->peer_cseq, NULL, NULL);
  g_assert_cmpuint (count_requests (sf, TC_SIP_METHOD_BYE), ==, 1);
  g_assert_nonnull (
    strstr (hdr (&sf->sip, sent (&sf->sip, last_request (sf, TC_SIP_METHOD_BYE)), "Reason"), "cause=488"));
  g_assert_cmpint (tc_session_get_state (call), ==, TC_SESSION_STATE_DISCONNECTED);
  g_assert_cmpuint (last_event (sf)->status, ==, 488);
  g_assert_cmpstr (last_event (sf)->cause, ==, "media");
  g_assert_true (g_str_has_prefix (last_event (sf)->line, "ACK "));
}

/* ---- BYE, CANCEL, linger ------------------------------------------------------------------ */

/* A BYE in no dialog of ours: 481, with or without a To tag. */
static void
test_bye_unknown_dialog (SessFixture *sf, gconstpointer data)
{
  make_endpoint (sf, NULL, NULL);
  sf->call_id = g_strdup ("no-such-call");
  sf->peer_tag = g_strdup ("bt");
  sf->our_tag = g_strdup ("not-ours");
  peer_request (sf, "BYE", NULL, 0, NULL, NULL);
  g_assert_cmpint (find_response (sf, 481, "BYE"), >=, 0);
  g_clear_pointer (&sf->our_tag, g_free);
  peer_request (sf, "BYE", NULL, 0, NULL, NULL);
  g_assert_cmpuint (count_status (&sf->sip, 481, 0), ==, 2);
  g_assert_cmpuint (sf->sessions->len, ==, 0);
}

/* The peer hangs up: 200, disconnected "remote-bye"; the session is
 * dropped 5 s later, not before. */
static void
test_bye_and_linger (SessFixture *sf, gconstpointer data)
{
  TcSession *call;

  make_endpoint (sf, NULL, NULL);
  call = incoming_call (sf, ALLOW_ALL, PEER_SDP ("1", "sendrecv"));
  accept_call (sf, call);
  peer_request (sf, "BYE", NULL, 0, NULL, NULL);
  g_assert_cmpint (find_response (sf, 200, "BYE"), >=, 0);
  g_assert_cmpint (tc_session_get_state (call), ==, TC_SESSION_STATE_DISCONNECTED);
  g_assert_cmpstr (last_event (sf)->cause, ==, "remote-bye");
  g_assert_true (g_str_has_prefix (last_event (sf)->line, "BYE "));

  /* A request in the ended dialog is 481. */
  peer_request (sf, "INFO", NULL, 0, NULL, NULL);
  g_assert_cmpint (find_response (sf, 481, "INFO"), >=, 0);

  advance (sf, 5 * S - 1);
  g_assert_cmpuint (sf->removed->len, ==, 0);
  g_assert_cmpuint (tc_endpoint_count_sessions (sf->endpoint), ==, 1);
  advance (sf, 1);
  g_assert_cmpuint (sf->removed->len, ==, 1);
  g_assert_cmpuint (g_array_index (sf->removed, guint, 0), ==, tc_session_get_id (call));
  g_assert_cmpuint (tc_endpoint_count_sessions (sf->endpoint), ==, 0);
}

/* Terminate() after our 200 and before the peer's ACK: disconnected at
 * once for the client, but the BYE waits for the ACK (RFC 3261 §15); the
 * session stays past its linger until the BYE is out. */
static void
test_terminate_before_ack (SessFixture *sf, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  TcSession *call;

  make_endpoint (sf, NULL, NULL);
  call = incoming_call (sf, ALLOW_ALL, PEER_SDP ("1", "sendrecv"));
  g_assert_true (tc_session_accept (call, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tc_session_get_state (call), ==, TC_SESSION_STATE_ANSWERING);
  g_assert_true (tc_session_terminate (call, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tc_session_get_state (call), ==, TC_SESSION_STATE_DISCONNECTED);
  g_assert_cmpstr (last_event (sf)->cause, ==, "local-bye");
  g_assert_cmpuint (count_requests (sf, TC_SIP_METHOD_BYE), ==, 0);

  /* The linger passes: still no ACK, no BYE, and the session stays. */
  advance (sf, 5 * S);
  g_assert_cmpuint (count_requests (sf, TC_SIP_METHOD_BYE), ==, 0);
  g_assert_cmpuint (sf->removed->len, ==, 0);

  peer_request (sf, "ACK", NULL, 1, NULL, NULL);
  g_assert_cmpuint (count_requests (sf, TC_SIP_METHOD_BYE), ==, 1);
  g_assert_cmpint (tc_session_get_state (call), ==, TC_SESSION_STATE_DISCONNECTED);
  g_assert_cmpstr (last_event (sf)->state, ==, "disconnected");
  peer_respond (sf, last_request (sf, TC_SIP_METHOD_BYE), 200, NULL, NULL);
  advance (sf, 5 * S);
  g_assert_cmpuint (sf->removed->len, ==, 1);
}

/* … and when no ACK ever comes, the BYE goes when the 2xx's
 * retransmissions give up (64*T1), not before. */
static void
test_terminate_before_ack_timeout (SessFixture *sf, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  TcSession *call;
  guint events;

  make_endpoint (sf, NULL, NULL);
  call = incoming_call (sf, ALLOW_ALL, PEER_SDP ("1", "sendrecv"));
  g_assert_true (tc_session_accept (call, NULL, &error));
  g_assert_true (tc_session_terminate (call, &error));
  g_assert_no_error (error);
  events = sf->events->len;
  advance (sf, 64 * T1 - 1);
  g_assert_cmpuint (count_requests (sf, TC_SIP_METHOD_BYE), ==, 0);
  advance (sf, 1);
  g_assert_cmpuint (count_requests (sf, TC_SIP_METHOD_BYE), ==, 1);
  g_assert_cmpuint (sf->events->len, ==, events); /* the end was reported once */
  advance (sf, 5 * S);
  g_assert_cmpuint (sf->removed->len, ==, 1);
}

/* CANCEL while ringing: 200 to it, 487 to the INVITE, disconnected with
 * the CANCEL as cause; dropped 5 s later. */
static void
test_cancel_incoming (SessFixture *sf, gconstpointer data)
{
  TcSession *call;

  make_endpoint (sf, NULL, NULL);
  call = incoming_call (sf, ALLOW_ALL, PEER_SDP ("1", "sendrecv"));
  g_clear_pointer (&sf->our_tag, g_free); /* a CANCEL has the INVITE's To */
  peer_request (sf, "CANCEL", "z9hG4bK-invite-1", 1, NULL, NULL);
  g_assert_cmpint (find_response (sf, 200, "CANCEL"), >=, 0);
  g_assert_cmpint (find_response (sf, 487, "INVITE"), >=, 0);
  g_assert_cmpint (tc_session_get_state (call), ==, TC_SESSION_STATE_DISCONNECTED);
  g_assert_cmpuint (last_event (sf)->status, ==, 487);
  g_assert_cmpstr (last_event (sf)->cause, ==, "cancelled");
  g_assert_true (g_str_has_prefix (last_event (sf)->line, "CANCEL "));
  peer_request (sf, "ACK", "z9hG4bK-invite-1", 1, NULL, NULL);

  advance (sf, 5 * S - 1);
  g_assert_cmpuint (sf->removed->len, ==, 0);
  advance (sf, 1);
  g_assert_cmpuint (sf->removed->len, ==, 1);
}

/* ---- incoming call policy, shutdown ------------------------------------------------------ */

/* auto-answer with a delay: 200 after 1.5 s, not before. */
static void
test_auto_answer_delay (SessFixture *sf, gconstpointer data)
{
  TcSession *call;

  make_endpoint (sf, "auto-answer", "1500");
  call = incoming_call (sf, ALLOW_ALL, PEER_SDP ("1", "sendrecv"));
  advance (sf, 1500 * MS - 1);
  g_assert_cmpint (find_response (sf, 200, "INVITE"), <, 0);
  g_assert_cmpint (tc_session_get_state (call), ==, TC_SESSION_STATE_INCOMING);
  advance (sf, 1);
  g_assert_cmpint (find_response (sf, 200, "INVITE"), >=, 0);
  g_assert_cmpint (tc_session_get_state (call), ==, TC_SESSION_STATE_ANSWERING);
  peer_request (sf, "ACK", NULL, 1, NULL, NULL);
  g_assert_cmpint (tc_session_get_state (call), ==, TC_SESSION_STATE_CONNECTED);
}

/* A call CANCELled before its auto-answer: never answered. */
static void
test_auto_answer_cancelled (SessFixture *sf, gconstpointer data)
{
  TcSession *call;

  make_endpoint (sf, "auto-answer", "1500");
  call = incoming_call (sf, ALLOW_ALL, PEER_SDP ("1", "sendrecv"));
  g_clear_pointer (&sf->our_tag, g_free);
  peer_request (sf, "CANCEL", "z9hG4bK-invite-1", 1, NULL, NULL);
  g_assert_cmpint (tc_session_get_state (call), ==, TC_SESSION_STATE_DISCONNECTED);
  advance (sf, 2 * S);
  g_assert_cmpint (find_response (sf, 200, "INVITE"), <, 0);
  advance (sf, 3 * S);
  g_assert_cmpuint (sf->removed->len, ==, 1);
}

/* The endpoint shuts down: BYE in the connected call, CANCEL of our
 * ringing call, 480 to the peer's ringing call. */
static void
test_shutdown (SessFixture *sf, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  TcSession *connected, *ringing_in;
  g_autoptr (TcSession) ringing_out = NULL;
  guint invite;
  gint cancel;

  make_endpoint (sf, NULL, NULL);
  connected = incoming_call (sf, ALLOW_ALL, PEER_SDP ("1", "sendrecv"));
  accept_call (sf, connected);

  /* A second call from the peer, ringing. */
  g_free (sf->call_id);
  sf->call_id = g_strdup ("call-2");
  g_clear_pointer (&sf->our_tag, g_free);
  peer_request (sf, "INVITE", "z9hG4bK-invite-2", 1, ALLOW_ALL, PEER_SDP ("1", "sendrecv"));
  g_assert_cmpuint (sf->sessions->len, ==, 2);
  ringing_in = session (sf, 1);
  g_assert_cmpint (tc_session_get_state (ringing_in), ==, TC_SESSION_STATE_INCOMING);

  /* Our call to bob, ringing. */
  ringing_out = tc_endpoint_call (sf->endpoint, "sip:bob@192.0.2.90", NULL, &error);
  g_assert_no_error (error);
  run_main ();
  invite = last_request (sf, TC_SIP_METHOD_INVITE);
  peer_respond (sf, invite, 180, NULL, NULL);
  g_assert_cmpint (tc_session_get_state (ringing_out), ==, TC_SESSION_STATE_IN_PROGRESS);

  tc_endpoint_shutdown (sf->endpoint);
  run_main ();
  g_assert_cmpuint (count_requests (sf, TC_SIP_METHOD_BYE), ==, 1);
  g_assert_cmpstr (hdr (&sf->sip, sent (&sf->sip, last_request (sf, TC_SIP_METHOD_BYE)), "Call-ID"), ==, "call-1");
  cancel = find_sent (&sf->sip, TC_SIP_METHOD_CANCEL, 0);
  g_assert_cmpint (cancel, >=, 0);
  g_assert_cmpstr (branch (&sf->sip, sent (&sf->sip, cancel)), ==, branch (&sf->sip, sent (&sf->sip, invite)));
  g_assert_cmpint (find_response (sf, 480, "INVITE"), >=, 0);
  for (guint i = 0; i < sf->sessions->len; i++)
    g_assert_cmpint (tc_session_get_state (session (sf, i)), ==, TC_SESSION_STATE_DISCONNECTED);
  g_assert_cmpstr (last_event (sf)->cause, ==, "shutdown");

  /* No new call any more. */
  g_assert_null (tc_endpoint_call (sf->endpoint, "sip:bob@192.0.2.90", NULL, &error));
  g_assert_error (error, TC_CORE_ERROR, TC_CORE_ERROR_ABORTED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add ("/core/session/" path, SessFixture, NULL, sess_setup, func, sess_teardown)
  ADD ("timer/uas-refresher-update", test_timer_uas_refresher_update);
  ADD ("timer/uas-refresher-reinvite", test_timer_uas_refresher_reinvite);
  ADD ("timer/expired", test_timer_expired);
  ADD ("timer/422-too-small", test_timer_too_small);
  ADD ("timer/outgoing-refresher", test_timer_outgoing);
  ADD ("glare/backoff-call-id-owner", test_glare_backoff_uac);
  ADD ("glare/backoff-not-owner", test_glare_backoff_uas);
  ADD ("glare/crossing-491", test_glare_crossing);
  ADD ("reinvite/offerless", test_reinvite_offerless);
  ADD ("reinvite/offerless-ack-without-sdp", test_reinvite_offerless_ack_without_sdp);
  ADD ("bye/unknown-dialog-481", test_bye_unknown_dialog);
  ADD ("bye/remote-and-linger", test_bye_and_linger);
  ADD ("bye/terminate-before-ack", test_terminate_before_ack);
  ADD ("bye/terminate-before-ack-timeout", test_terminate_before_ack_timeout);
  ADD ("cancel/incoming-487", test_cancel_incoming);
  ADD ("policy/auto-answer-delay", test_auto_answer_delay);
  ADD ("policy/auto-answer-cancelled", test_auto_answer_cancelled);
  ADD ("shutdown/bye-cancel-480", test_shutdown);
#undef ADD

  return g_test_run ();
}
