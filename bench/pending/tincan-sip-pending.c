/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tincan-sip-pending — memory per pending client transaction (issue 3).
 *
 * Starts N OPTIONS requests (default 10,000) from a TcSipStack on loopback
 * UDP to a socket that never answers, waits until every one is a live
 * client transaction (Timers E and F armed as GSources, the request
 * serialized, the handle, the resolver result and the flow use counted),
 * and reports the heap growth (glibc mallinfo2: bytes in use) and the RSS
 * growth divided by N.  A second pass does the same at the transaction
 * layer alone, with requests built beforehand, to show what the layer
 * itself costs.
 *
 *   tincan-sip-pending [--count N]
 * prints one line per pass: "<pass> pending=N heap_per_tx=B rss_per_tx=B"
 */
#include <malloc.h>
#include <stdio.h>
#include <unistd.h>

#include "sip/net-transport.h"
#include "sip/random.h"
#include "sip/stack.h"

static gint opt_count = 10000;

static const GOptionEntry entries[] = {
  { "count", 'n', 0, G_OPTION_ARG_INT, &opt_count, "Pending transactions", "N" },
  { NULL },
};

static gsize
heap_in_use (void)
{
  struct mallinfo2 info = mallinfo2 ();

  return info.uordblks + info.hblkhd;
}

static gsize
rss_bytes (void)
{
  g_autofree char *text = NULL;
  unsigned long size = 0, resident = 0;

  if (g_file_get_contents ("/proc/self/statm", &text, NULL, NULL))
    sscanf (text, "%lu %lu", &size, &resident);
  return resident * sysconf (_SC_PAGESIZE);
}

static void
report (const char *pass, gsize heap_before, gsize rss_before, guint n)
{
  gsize heap = heap_in_use ();
  gsize rss = rss_bytes ();

  g_print ("%s pending=%u heap_per_tx=%" G_GSIZE_FORMAT " rss_per_tx=%" G_GSIZE_FORMAT "\n", pass, n,
           (heap - heap_before) / n, rss > rss_before ? (rss - rss_before) / n : 0);
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new ("— memory per pending SIP client transaction");
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipClock) clock = tc_sip_clock_new_main_loop (NULL);
  g_autoptr (TcSipNetTransport) net = NULL;
  g_autoptr (GSocket) sink = NULL;
  g_autoptr (GSocketAddress) loopback = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_autoptr (GSocketAddress) sink_address = NULL;
  g_autoptr (TcSipStack) stack = NULL;
  g_autoptr (GPtrArray) requests = g_ptr_array_new_with_free_func ((GDestroyNotify) tc_sip_request_unref);
  g_autoptr (GPtrArray) messages = g_ptr_array_new_with_free_func ((GDestroyNotify) tc_sip_message_unref);
  g_autofree char *target_uri = NULL;
  TcSipTransactionLayer *layer;
  TcSipTarget target;
  TcSipRequestCallbacks no_callbacks = { 0 };
  gsize heap_before, rss_before;
  guint16 sink_port;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || opt_count <= 0)
    {
      g_printerr ("%s\n", error ? error->message : "--count must be positive");
      return 2;
    }

  /* The peer that never answers: a bound socket nobody reads. */
  sink = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
  if (!sink || !g_socket_bind (sink, loopback, FALSE, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  sink_address = g_socket_get_local_address (sink, &error);
  sink_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (sink_address));
  target_uri = g_strdup_printf ("sip:sink@127.0.0.1:%u", sink_port);

  net = tc_sip_net_transport_new (NULL, clock, &error);
  if (!net || !tc_sip_net_transport_listen (net, TC_SIP_TRANSPORT_UDP, G_INET_SOCKET_ADDRESS (loopback), &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  stack = tc_sip_stack_new (TC_SIP_TRANSPORT (net), NULL, clock, NULL);
  layer = tc_sip_stack_get_transaction_layer (stack);

  /* Warm up allocator arenas and GLib's type system with one request. */
  {
    TcSipMessageBuilder *builder =
      tc_sip_stack_new_request (stack, "OPTIONS", target_uri, "<sip:bench@127.0.0.1>", "<sip:sink@127.0.0.1>", NULL);
    g_ptr_array_add (requests, tc_sip_stack_send_request (stack, NULL, builder, NULL, NULL, NULL, NULL));
    while (tc_sip_transaction_layer_get_n_client_transactions (layer) < 1)
      g_main_context_iteration (NULL, TRUE);
  }

  /* Pass 1: the UA core, as the daemon uses it. */
  heap_before = heap_in_use ();
  rss_before = rss_bytes ();
  for (gint i = 0; i < opt_count; i++)
    {
      TcSipMessageBuilder *builder = tc_sip_stack_new_request (stack, "OPTIONS", target_uri, "<sip:bench@127.0.0.1>",
                                                               "<sip:sink@127.0.0.1>", &error);

      g_ptr_array_add (requests, tc_sip_stack_send_request (stack, NULL, builder, NULL, NULL, NULL, &error));
    }
  while (tc_sip_transaction_layer_get_n_client_transactions (layer) < (guint) opt_count + 1)
    g_main_context_iteration (NULL, TRUE);
  report ("stack", heap_before, rss_before, opt_count);

  /* Pass 2: the transaction layer alone, requests built beforehand. */
  {
    g_autoptr (GInetSocketAddress) to =
      G_INET_SOCKET_ADDRESS (g_inet_socket_address_new_from_string ("127.0.0.1", sink_port));

    tc_sip_target_init (&target, TC_SIP_TRANSPORT_UDP, to, NULL);
  }
  for (gint i = 0; i < opt_count; i++)
    {
      TcSipMessageBuilder *builder =
        tc_sip_stack_new_request (stack, "OPTIONS", target_uri, "<sip:bench@127.0.0.1>", "<sip:sink@127.0.0.1>", NULL);
      g_autofree char *branch =
        tc_sip_transaction_layer_add_via (layer, builder, TC_SIP_TRANSPORT_UDP, G_SOCKET_FAMILY_IPV4, NULL);

      g_ptr_array_add (messages, tc_sip_message_builder_end (builder, NULL));
    }
  heap_before = heap_in_use ();
  rss_before = rss_bytes ();
  for (gint i = 0; i < opt_count; i++)
    tc_sip_transaction_layer_send_request (layer, g_ptr_array_index (messages, i), &target, NULL, &no_callbacks, NULL,
                                           NULL);
  g_main_context_iteration (NULL, FALSE);
  report ("layer", heap_before, rss_before, opt_count);

  tc_sip_target_clear (&target);
  return 0;
}
