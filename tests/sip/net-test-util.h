/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * net-test-util.h — helpers of the TcSipNetTransport tests
 * (test-net-transport.c, test-net-tls.c): a Peer records what its
 * transport delivers; WAIT_FOR() runs the main context until a condition
 * holds, failing (not hanging) after a deadline.
 */
#pragma once

#include <string.h>

#include "sip/net-transport.h"
#include "sip/parser.h"
#include "sip/sip-error.h"

typedef struct {
  TcSipNetTransport *transport;
  GPtrArray *messages; /* TcSipMessage */
  GPtrArray *flows;    /* TcSipFlow of each message */
  GPtrArray *bad;      /* GError */
  GPtrArray *closed;   /* TcSipFlow */
  GPtrArray *causes;   /* GError, or NULL for an orderly close */
} Peer;

/* The @i-th error recorded in @array. */
#define ERR(array, i) ((GError *) (array)->pdata[i])

/* Sends complete within this (the guard of every wait). */
#define WAIT_DEADLINE_US (5 * G_USEC_PER_SEC)

#define WAIT_FOR(cond) \
  G_STMT_START \
  { \
    gint64 wait_deadline = g_get_monotonic_time () + WAIT_DEADLINE_US; \
    while (!(cond)) \
      { \
        if (g_get_monotonic_time () > wait_deadline) \
          g_error ("timed out waiting for %s", #cond); \
        g_main_context_iteration (NULL, TRUE); \
      } \
  } \
  G_STMT_END

static inline gboolean
on_wakeup (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* A periodic wakeup, so that WAIT_FOR() checks its deadline even when
 * nothing happens. */
static inline void
start_wakeups (void)
{
  g_timeout_add (20, on_wakeup, NULL);
}

/* Runs the main context for @ms milliseconds. */
static inline void
run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
}

static inline void
on_peer_message (TcSipTransport *transport, TcSipMessage *message, TcSipFlow *flow, gpointer user_data)
{
  Peer *peer = user_data;

  g_ptr_array_add (peer->messages, tc_sip_message_ref (message));
  g_ptr_array_add (peer->flows, g_object_ref (flow));
}

static inline void
on_peer_bad_message (TcSipTransport *transport, GBytes *bytes, TcSipFlow *flow, const GError *error, gpointer user_data)
{
  Peer *peer = user_data;

  g_assert_nonnull (bytes);
  g_assert_nonnull (flow);
  g_ptr_array_add (peer->bad, g_error_copy (error));
}

static inline void
on_peer_flow_closed (TcSipTransport *transport, TcSipFlow *flow, const GError *error, gpointer user_data)
{
  Peer *peer = user_data;

  g_assert_true (tc_sip_flow_is_closed (flow));
  g_ptr_array_add (peer->closed, g_object_ref (flow));
  g_ptr_array_add (peer->causes, error ? g_error_copy (error) : NULL);
}

static inline void
free_error (gpointer error)
{
  if (error)
    g_error_free (error);
}

static inline Peer *
peer_new (const TcSipNetTransportConfig *config, TcSipClock *clock)
{
  static const TcSipTransportCallbacks callbacks = {
    .message = on_peer_message,
    .bad_message = on_peer_bad_message,
    .flow_closed = on_peer_flow_closed,
  };
  g_autoptr (GError) error = NULL;
  Peer *peer = g_new0 (Peer, 1);

  peer->transport = tc_sip_net_transport_new (config, clock, &error);
  g_assert_no_error (error);
  tc_sip_transport_set_callbacks (TC_SIP_TRANSPORT (peer->transport), &callbacks, peer);
  peer->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) tc_sip_message_unref);
  peer->flows = g_ptr_array_new_with_free_func (g_object_unref);
  peer->bad = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  peer->closed = g_ptr_array_new_with_free_func (g_object_unref);
  peer->causes = g_ptr_array_new_with_free_func (free_error);
  return peer;
}

static inline void
peer_free (Peer *peer)
{
  tc_sip_transport_set_callbacks (TC_SIP_TRANSPORT (peer->transport), NULL, NULL);
  g_object_run_dispose (G_OBJECT (peer->transport));
  g_object_unref (peer->transport);
  g_ptr_array_unref (peer->messages);
  g_ptr_array_unref (peer->flows);
  g_ptr_array_unref (peer->bad);
  g_ptr_array_unref (peer->closed);
  g_ptr_array_unref (peer->causes);
  g_free (peer);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Peer, peer_free)

/* Listens for @type on @host port 0 and returns the bound address
 * (borrowed); NULL (and the test skipped) when @host cannot be bound
 * (no IPv6 on this machine). */
static inline GInetSocketAddress *
peer_listen (Peer *peer, TcSipTransportType type, const char *host)
{
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new_from_string (host, 0);
  g_autoptr (GError) error = NULL;
  GInetSocketAddress *bound;

  if (!tc_sip_net_transport_listen (peer->transport, type, G_INET_SOCKET_ADDRESS (address), &error))
    {
      if (strchr (host, ':'))
        {
          g_test_skip_printf ("cannot listen on %s: %s", host, error->message);
          return NULL;
        }
      g_assert_no_error (error);
    }
  bound = tc_sip_net_transport_get_local_address (peer->transport, type, g_socket_address_get_family (address));
  g_assert_nonnull (bound);
  g_assert_cmpuint (g_inet_socket_address_get_port (bound), !=, 0);
  return bound;
}

/* An OPTIONS request with @call_id. */
static inline GBytes *
make_request (const char *call_id)
{
  char *text = g_strdup_printf ("OPTIONS sip:bob@127.0.0.1 SIP/2.0\r\n"
                                "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-%s\r\n"
                                "Max-Forwards: 70\r\n"
                                "From: <sip:alice@127.0.0.1>;tag=a1\r\n"
                                "To: <sip:bob@127.0.0.1>\r\n"
                                "Call-ID: %s\r\n"
                                "CSeq: 1 OPTIONS\r\n"
                                "Content-Length: 0\r\n"
                                "\r\n",
                                call_id, call_id);

  return g_bytes_new_take (text, strlen (text));
}

static inline GBytes *
make_response (const char *call_id)
{
  char *text = g_strdup_printf ("SIP/2.0 200 OK\r\n"
                                "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-%s\r\n"
                                "From: <sip:alice@127.0.0.1>;tag=a1\r\n"
                                "To: <sip:bob@127.0.0.1>;tag=b1\r\n"
                                "Call-ID: %s\r\n"
                                "CSeq: 1 OPTIONS\r\n"
                                "Content-Length: 0\r\n"
                                "\r\n",
                                call_id, call_id);

  return g_bytes_new_take (text, strlen (text));
}

static inline void
assert_call_id (TcSipMessage *message, const char *call_id)
{
  g_assert_true (tc_sip_str_equal (tc_sip_message_get_call_id (message), call_id));
}

/* Records the outcome of a PENDING send. */
typedef struct {
  guint n_calls;
  TcSipFlow *flow;
  GError *error;
} SendResult;

static inline void
on_send_done (TcSipTransport *transport, TcSipFlow *flow, const GError *error, gpointer user_data)
{
  SendResult *result = user_data;

  result->n_calls++;
  g_assert_true ((flow == NULL) != (error == NULL));
  g_set_object (&result->flow, flow);
  g_clear_error (&result->error);
  result->error = error ? g_error_copy (error) : NULL;
}

static inline void
send_result_clear (SendResult *result)
{
  g_clear_object (&result->flow);
  g_clear_error (&result->error);
  result->n_calls = 0;
}

/* Sends @bytes to @address over @type and waits for the connection;
 * returns the result (SEND_DONE or the callback's). */
static inline void
send_and_wait (Peer *peer, TcSipTransportType type, GInetSocketAddress *address, const char *server_name, GBytes *bytes,
               SendResult *result)
{
  TcSipTarget target;
  g_autoptr (GError) error = NULL;
  TcSipFlow *flow = NULL;
  TcSipSendResult status;

  tc_sip_target_init (&target, type, address, server_name);
  status =
    tc_sip_transport_send (TC_SIP_TRANSPORT (peer->transport), bytes, &target, &flow, on_send_done, result, &error);
  tc_sip_target_clear (&target);
  switch (status)
    {
    case TC_SIP_SEND_DONE:
      g_assert_no_error (error);
      g_assert_nonnull (flow);
      result->n_calls++;
      g_set_object (&result->flow, flow);
      g_object_unref (flow);
      break;
    case TC_SIP_SEND_PENDING:
      g_assert_no_error (error);
      g_assert_null (flow);
      WAIT_FOR (result->n_calls > 0);
      break;
    case TC_SIP_SEND_FAILED:
      g_assert_nonnull (error);
      result->n_calls++;
      result->error = g_steal_pointer (&error);
      break;
    }
}
