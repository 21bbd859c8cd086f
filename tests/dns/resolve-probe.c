/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * resolve-probe.c — resolves SIP URIs with TcSipResolver on the system's
 * GResolver and prints the ordered targets, for the DNS test
 * (tests/dns/test-dns.sh) run against dnsmasq in a network namespace.
 *
 * Usage: resolve-probe [--family=any|ipv4|ipv6] [--transports=udp,tcp,tls] URI…
 * Options apply to the URIs after them.  For each URI it prints the URI,
 * then one line per target ("  udp:127.0.0.2:5060") or "  error: …".
 * Exits 0 once every URI was looked up (errors included), 2 on bad usage.
 */
#include "sip/resolver.h"

#include <stdio.h>
#include <string.h>

static void
on_lookup_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GMainLoop *loop = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) targets = tc_sip_resolver_lookup_finish (TC_SIP_RESOLVER (source), result, &error);

  if (!targets)
    printf ("  error: %s\n", error->message);
  for (guint i = 0; targets && i < targets->len; i++)
    {
      g_autofree char *text = tc_sip_target_to_string (&g_array_index (targets, TcSipTarget, i));

      printf ("  %s\n", text);
    }
  fflush (stdout);
  g_main_loop_quit (loop);
}

static gboolean
parse_transports (const char *list, TcSipTransportType *types, guint *n_types)
{
  g_auto (GStrv) names = g_strsplit (list, ",", -1);

  *n_types = 0;
  for (guint i = 0; names[i]; i++)
    {
      if (*n_types == TC_SIP_N_TRANSPORTS || !tc_sip_transport_type_from_string (names[i], -1, &types[*n_types]))
        return FALSE;
      (*n_types)++;
    }
  return *n_types > 0;
}

int
main (int argc, char **argv)
{
  g_autoptr (TcSipClock) clock = tc_sip_clock_new_main_loop (NULL);
  g_autoptr (TcSipResolver) resolver = tc_sip_resolver_new (NULL, clock);
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  for (int i = 1; i < argc; i++)
    {
      const char *arg = argv[i];
      TcSipTransportType types[TC_SIP_N_TRANSPORTS];
      guint n_types;

      if (g_str_equal (arg, "--family=any"))
        tc_sip_resolver_set_family_preference (resolver, G_SOCKET_FAMILY_INVALID);
      else if (g_str_equal (arg, "--family=ipv4"))
        tc_sip_resolver_set_family_preference (resolver, G_SOCKET_FAMILY_IPV4);
      else if (g_str_equal (arg, "--family=ipv6"))
        tc_sip_resolver_set_family_preference (resolver, G_SOCKET_FAMILY_IPV6);
      else if (g_str_has_prefix (arg, "--transports=") && parse_transports (arg + 13, types, &n_types))
        tc_sip_resolver_set_transports (resolver, types, n_types);
      else if (g_str_has_prefix (arg, "--"))
        {
          fprintf (stderr, "resolve-probe: bad option %s\n", arg);
          return 2;
        }
      else
        {
          g_autoptr (GError) error = NULL;
          g_autoptr (TcSipUri) uri = tc_sip_uri_parse (arg, -1, &error);

          printf ("%s\n", arg);
          if (!uri)
            {
              printf ("  error: %s\n", error->message);
              continue;
            }
          tc_sip_resolver_lookup_async (resolver, uri, NULL, on_lookup_done, loop);
          g_main_loop_run (loop);
        }
    }
  return 0;
}
