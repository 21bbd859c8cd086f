/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tincan-sip-responder — the Tincan SIP stack answering OPTIONS with 200,
 * for the OPTIONS benchmark (bench/options) and the interop harness.
 *
 *   tincan-sip-responder --udp 127.0.0.1:PORT [--tcp 127.0.0.1:PORT]
 *
 * The full UA core runs (TcSipStack over TcSipNetTransport: a server
 * transaction per request, Timer J, the response built with the builder);
 * other methods get 405.  Exits on SIGTERM or SIGINT.
 */
#include <glib-unix.h>
#include <signal.h>

#include "sip/net-transport.h"
#include "sip/stack.h"

static char *opt_udp;
static char *opt_tcp;

static const GOptionEntry entries[] = {
  { "udp", 0, 0, G_OPTION_ARG_STRING, &opt_udp, "Listen on UDP ADDRESS:PORT", "ADDRESS:PORT" },
  { "tcp", 0, 0, G_OPTION_ARG_STRING, &opt_tcp, "Listen on TCP ADDRESS:PORT", "ADDRESS:PORT" },
  { NULL },
};

static void
on_request (TcSipStack *stack, TcSipIncoming *incoming, gpointer user_data)
{
  TcSipMethod method = tc_sip_message_get_method (tc_sip_incoming_get_request (incoming));

  tc_sip_incoming_respond_status (incoming, method == TC_SIP_METHOD_OPTIONS ? 200 : 405, NULL, NULL);
}

static const TcSipStackHandlers handlers = {
  .request = on_request,
};

static gboolean
on_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
listen_on (TcSipNetTransport *net, TcSipTransportType type, const char *spec, GError **error)
{
  const char *colon = strrchr (spec, ':');
  g_autofree char *host = NULL;
  g_autoptr (GSocketAddress) address = NULL;
  guint64 port;

  if (!colon || !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "expected ADDRESS:PORT, got %s", spec);
      return FALSE;
    }
  host = g_strndup (spec, colon - spec);
  address = g_inet_socket_address_new_from_string (host, port);
  if (!address)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "not an address: %s", host);
      return FALSE;
    }
  return tc_sip_net_transport_listen (net, type, G_INET_SOCKET_ADDRESS (address), error);
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new ("— answer OPTIONS with the Tincan SIP stack");
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipClock) clock = tc_sip_clock_new_main_loop (NULL);
  g_autoptr (TcSipNetTransport) net = NULL;
  g_autoptr (TcSipStack) stack = NULL;
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  TcSipStackConfig config;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || (!opt_udp && !opt_tcp))
    {
      g_printerr ("%s\n", error ? error->message : "give --udp and/or --tcp");
      return 2;
    }
  net = tc_sip_net_transport_new (NULL, clock, &error);
  if (!net || (opt_udp && !listen_on (net, TC_SIP_TRANSPORT_UDP, opt_udp, &error)) ||
      (opt_tcp && !listen_on (net, TC_SIP_TRANSPORT_TCP, opt_tcp, &error)))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  tc_sip_stack_config_init (&config);
  config.user_agent = "tincan-sip-responder";
  stack = tc_sip_stack_new (TC_SIP_TRANSPORT (net), NULL, clock, &config);
  tc_sip_stack_set_handlers (stack, &handlers, NULL);

  g_unix_signal_add (SIGTERM, on_signal, loop);
  g_unix_signal_add (SIGINT, on_signal, loop);
  g_main_loop_run (loop);
  return 0;
}
