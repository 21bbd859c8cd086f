/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-resolver.c — TcSipResolver (RFC 3263 §4) against a fake GResolver
 * serving a fixed zone: numeric hosts, explicit ports and transports,
 * maddr, sips:, SRV ordering over priorities and transports, SRV targets
 * with several addresses, the A/AAAA fallback, NXDOMAIN, WebSocket URLs,
 * the blacklist on a manual clock, the family preference, concurrency and
 * cancellation.
 *
 * The fake (fake-resolver.h) overrides lookup_records (SRV) and
 * lookup_by_name: the SRV records then go through GLib's own conversion
 * and RFC 2782 sort (gresolver.c), as with the real resolver.
 */
#include "sip/resolver.h"

#include <string.h>

#include "fake-resolver.h"

#include "sip/sip-error.h"

/* ---- the zone ------------------------------------------------------------ */

/* name -> its addresses, in the order the resolver answers them. */
static const char *const zone_hosts[][2] = {
  { "example.test", "2001:db8::10 192.0.2.10" }, /* IPv6 first, as RFC 6724 orders */
  { "a.example.test", "192.0.2.1" },
  { "b.example.test", "192.0.2.2 2001:db8::2" },
  { "c.example.test", "192.0.2.3" },
  { "tls.example.test", "192.0.2.4" },
  { "nosrv.test", "192.0.2.20" },
  { "dot.test", "192.0.2.30" },
};

/* rrname -> "priority weight port target" records. */
static const char *const zone_srv[][2] = {
  { "_sip._udp.example.test", "10 0 5060 a.example.test, 20 0 5062 b.example.test" },
  { "_sip._tcp.example.test", "10 0 5060 b.example.test, 5 0 5070 c.example.test" },
  { "_sips._tcp.example.test", "10 0 5061 tls.example.test" },
  /* An SRV target that does not resolve. */
  { "_sip._udp.broken.test", "10 0 5060 missing.broken.test" },
  /* RFC 2782 ".": the service is decidedly not available. */
  { "_sip._udp.dot.test", "0 0 0 ." },
};

static void
fake_resolver_load_zone (FakeResolver *fake)
{
  for (guint i = 0; i < G_N_ELEMENTS (zone_hosts); i++)
    fake_resolver_add_host (fake, zone_hosts[i][0], zone_hosts[i][1]);
  for (guint i = 0; i < G_N_ELEMENTS (zone_srv); i++)
    fake_resolver_add_srv (fake, zone_srv[i][0], zone_srv[i][1]);
}

/* ---- fixture ------------------------------------------------------------- */

typedef struct {
  FakeResolver *fake;
  TcSipClock *clock;
  TcSipResolver *resolver;
  GError *error;
  char *result; /* the targets, ", "-separated, or NULL on error */
  gboolean done;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->fake = fake_resolver_new ();
  fake_resolver_load_zone (f->fake);
  f->clock = tc_sip_clock_new_manual (0);
  f->resolver = tc_sip_resolver_new (G_RESOLVER (f->fake), f->clock);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_error (&f->error);
  g_free (f->result);
  g_assert_finalize_object (f->resolver);
  g_assert_finalize_object (f->fake);
  tc_sip_clock_unref (f->clock);
}

static char *
targets_to_string (GArray *targets)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < targets->len; i++)
    {
      g_autofree char *one = tc_sip_target_to_string (&g_array_index (targets, TcSipTarget, i));

      g_string_append_printf (out, "%s%s", i ? ", " : "", one);
    }
  return g_string_free (out, FALSE);
}

static void
on_lookup_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Fixture *f = user_data;
  g_autoptr (GArray) targets = tc_sip_resolver_lookup_finish (TC_SIP_RESOLVER (source), result, &f->error);

  g_assert_false (f->done);
  g_assert_true ((targets != NULL) != (f->error != NULL));
  if (targets)
    {
      g_assert_cmpuint (targets->len, >, 0);
      f->result = targets_to_string (targets);
    }
  f->done = TRUE;
}

static void
start (Fixture *f, const char *text, GCancellable *cancellable)
{
  g_autoptr (TcSipUri) uri = tc_sip_uri_parse (text, -1, NULL);

  g_assert_nonnull (uri);
  g_clear_error (&f->error);
  g_clear_pointer (&f->result, g_free);
  f->done = FALSE;
  g_string_truncate (f->fake->log, 0);
  tc_sip_resolver_lookup_async (f->resolver, uri, cancellable, on_lookup_done, f);
  /* Never completed from inside lookup_async. */
  g_assert_false (f->done);
}

/* Waits for the callback, then for every query to have been finished
 * (none left behind, even after cancellation). */
static void
wait_done (Fixture *f)
{
  while (!f->done)
    g_main_context_iteration (NULL, TRUE);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (f->fake->outstanding, ==, 0);
}

/* Resolves @text; returns the targets as text, or NULL with f->error. */
static const char *
resolve (Fixture *f, const char *text)
{
  start (f, text, NULL);
  wait_done (f);
  return f->result;
}

/* ---- tests --------------------------------------------------------------- */

static void
test_numeric (Fixture *f, gconstpointer data)
{
  g_assert_cmpstr (resolve (f, "sip:alice@127.0.0.5"), ==, "udp:127.0.0.5:5060");
  g_assert_cmpstr (f->fake->log->str, ==, "");
  g_assert_cmpstr (resolve (f, "sip:[::1]"), ==, "udp:[::1]:5060");
  g_assert_cmpstr (resolve (f, "sip:[2001:db8::7]:5070"), ==, "udp:[2001:db8::7]:5070");
  /* sips: TLS, and no server name to verify but the address. */
  g_assert_cmpstr (resolve (f, "sips:192.0.2.9"), ==, "tls:192.0.2.9:5061");
  g_assert_cmpstr (f->fake->log->str, ==, "");
}

static void
test_explicit_port (Fixture *f, gconstpointer data)
{
  /* §4.1/§4.2: a port means no SRV; UDP for sip:, TLS for sips:. */
  g_assert_cmpstr (resolve (f, "sip:example.test:5070"), ==, "udp:[2001:db8::10]:5070, udp:192.0.2.10:5070");
  g_assert_cmpstr (f->fake->log->str, ==, "A example.test; ");
  g_assert_cmpstr (resolve (f, "sips:example.test:5081"), ==,
                   "tls:[2001:db8::10]:5081 (example.test), tls:192.0.2.10:5081 (example.test)");
}

static void
test_transport_param (Fixture *f, gconstpointer data)
{
  /* Only the SRV of the named transport. */
  g_assert_cmpstr (resolve (f, "sip:example.test;transport=tcp"), ==,
                   "tcp:192.0.2.3:5070, tcp:192.0.2.2:5060, tcp:[2001:db8::2]:5060");
  g_assert_true (g_str_has_prefix (f->fake->log->str, "SRV _sip._tcp.example.test; "));
  g_assert_null (strstr (f->fake->log->str, "_udp"));
  g_assert_cmpstr (resolve (f, "sip:example.test:5080;transport=TCP"), ==,
                   "tcp:[2001:db8::10]:5080, tcp:192.0.2.10:5080");
  g_assert_cmpstr (f->fake->log->str, ==, "A example.test; ");
  g_assert_cmpstr (resolve (f, "sip:127.0.0.1;transport=tls"), ==, "tls:127.0.0.1:5061");
  /* sips: with transport=tcp is TLS, found through _sips._tcp. */
  g_assert_cmpstr (resolve (f, "sips:example.test;transport=tcp"), ==, "tls:192.0.2.4:5061 (example.test)");
  g_assert_cmpstr (f->fake->log->str, ==, "SRV _sips._tcp.example.test; A tls.example.test; ");
  /* No SRV for the named transport: A/AAAA with its default port. */
  g_assert_cmpstr (resolve (f, "sip:nosrv.test;transport=tcp"), ==, "tcp:192.0.2.20:5060");
  g_assert_cmpstr (f->fake->log->str, ==, "SRV _sip._tcp.nosrv.test; A nosrv.test; ");

  g_assert_null (resolve (f, "sip:example.test;transport=sctp"));
  g_assert_error (f->error, TC_SIP_ERROR, TC_SIP_ERROR_NO_TARGET);
  g_assert_nonnull (strstr (f->error->message, "sctp"));
  g_assert_null (resolve (f, "sips:example.test;transport=udp"));
  g_assert_error (f->error, TC_SIP_ERROR, TC_SIP_ERROR_NO_TARGET);
  g_assert_cmpstr (f->fake->log->str, ==, "");
}

static void
test_maddr (Fixture *f, gconstpointer data)
{
  g_assert_cmpstr (resolve (f, "sip:alice@example.test;maddr=192.0.2.99"), ==, "udp:192.0.2.99:5060");
  g_assert_cmpstr (f->fake->log->str, ==, "");
  g_assert_cmpstr (resolve (f, "sip:example.test;maddr=[2001:db8::99]"), ==, "udp:[2001:db8::99]:5060");
  /* TLS still verifies the host the URI named (RFC 5922). */
  g_assert_cmpstr (resolve (f, "sips:example.test;maddr=192.0.2.99"), ==, "tls:192.0.2.99:5061 (example.test)");
  /* A maddr name is looked up like a host: SRV, then A/AAAA. */
  g_assert_cmpstr (resolve (f, "sip:example.test;maddr=b.example.test"), ==,
                   "udp:192.0.2.2:5060, udp:[2001:db8::2]:5060, tcp:192.0.2.2:5060, tcp:[2001:db8::2]:5060");
  g_assert_cmpstr (f->fake->log->str, ==,
                   "SRV _sip._udp.b.example.test; SRV _sip._tcp.b.example.test; SRV _sips._tcp.b.example.test; "
                   "A b.example.test; ");
}

static void
test_sips (Fixture *f, gconstpointer data)
{
  const TcSipTransportType udp_only[] = { TC_SIP_TRANSPORT_UDP };

  g_assert_cmpstr (resolve (f, "sips:bob@example.test"), ==, "tls:192.0.2.4:5061 (example.test)");
  g_assert_cmpstr (f->fake->log->str, ==, "SRV _sips._tcp.example.test; A tls.example.test; ");
  g_assert_cmpstr (resolve (f, "sips:nosrv.test"), ==, "tls:192.0.2.20:5061 (nosrv.test)");

  tc_sip_resolver_set_transports (f->resolver, udp_only, G_N_ELEMENTS (udp_only));
  g_assert_null (resolve (f, "sips:example.test"));
  g_assert_error (f->error, TC_SIP_ERROR, TC_SIP_ERROR_NO_TARGET);
  g_assert_nonnull (strstr (f->error->message, "TLS"));
}

static void
test_srv_order (Fixture *f, gconstpointer data)
{
  g_auto (GStrv) parts = NULL;

  /* Transports in preference order (UDP, TCP, TLS), each transport's SRV
   * targets by priority (TCP's are served in the wrong order), each
   * target expanded to all its addresses. */
  g_assert_cmpstr (resolve (f, "sip:alice@example.test"), ==,
                   "udp:192.0.2.1:5060, udp:192.0.2.2:5062, udp:[2001:db8::2]:5062, "
                   "tcp:192.0.2.3:5070, tcp:192.0.2.2:5060, tcp:[2001:db8::2]:5060, "
                   "tls:192.0.2.4:5061 (example.test)");
  /* The three SRV queries were in flight together. */
  g_assert_true (g_str_has_prefix (f->fake->log->str, "SRV _sip._udp.example.test; SRV _sip._tcp.example.test; "
                                                      "SRV _sips._tcp.example.test; "));
  g_assert_cmpuint (f->fake->max_outstanding, >=, 3);
  /* Each SRV target's name was looked up once. */
  parts = g_strsplit (f->fake->log->str, "A b.example.test", -1);
  g_assert_cmpuint (g_strv_length (parts), ==, 2);
}

static void
test_transport_preference (Fixture *f, gconstpointer data)
{
  const TcSipTransportType prefs[] = { TC_SIP_TRANSPORT_TLS, TC_SIP_TRANSPORT_TCP, TC_SIP_TRANSPORT_TLS };

  tc_sip_resolver_set_transports (f->resolver, prefs, G_N_ELEMENTS (prefs));
  g_assert_cmpstr (resolve (f, "sip:example.test"), ==,
                   "tls:192.0.2.4:5061 (example.test), "
                   "tcp:192.0.2.3:5070, tcp:192.0.2.2:5060, tcp:[2001:db8::2]:5060");
  g_assert_null (strstr (f->fake->log->str, "_udp"));
  /* Without UDP, a numeric host uses the first supported transport. */
  g_assert_cmpstr (resolve (f, "sip:192.0.2.5"), ==, "tls:192.0.2.5:5061");
  /* Without SRV: A/AAAA with TCP only (no UDP; TLS needs SRV or sips:). */
  g_assert_cmpstr (resolve (f, "sip:nosrv.test"), ==, "tcp:192.0.2.20:5060");
}

static void
test_no_srv_fallback (Fixture *f, gconstpointer data)
{
  g_assert_cmpstr (resolve (f, "sip:nosrv.test"), ==, "udp:192.0.2.20:5060, tcp:192.0.2.20:5060");
  g_assert_cmpstr (f->fake->log->str, ==,
                   "SRV _sip._udp.nosrv.test; SRV _sip._tcp.nosrv.test; SRV _sips._tcp.nosrv.test; A nosrv.test; ");
}

static void
test_nxdomain (Fixture *f, gconstpointer data)
{
  g_assert_null (resolve (f, "sip:bob@nowhere.test"));
  g_assert_error (f->error, TC_SIP_ERROR, TC_SIP_ERROR_NO_TARGET);
  g_assert_cmpuint (tc_sip_error_get_status (f->error), ==, 503);
  g_assert_cmpstr (f->error->message, ==,
                   "no server found for nowhere.test: SRV _sip._udp.nowhere.test: not found; "
                   "SRV _sip._tcp.nowhere.test: not found; SRV _sips._tcp.nowhere.test: not found; "
                   "A/AAAA nowhere.test: not found");

  /* An SRV record exists, so no fallback to the domain's A record. */
  g_assert_null (resolve (f, "sip:broken.test"));
  g_assert_error (f->error, TC_SIP_ERROR, TC_SIP_ERROR_NO_TARGET);
  g_assert_nonnull (strstr (f->error->message, "A/AAAA missing.broken.test: not found"));
  g_assert_null (strstr (f->fake->log->str, "A broken.test"));

  /* RFC 2782 ".": not available, and no A/AAAA fallback either. */
  g_assert_null (resolve (f, "sip:dot.test"));
  g_assert_error (f->error, TC_SIP_ERROR, TC_SIP_ERROR_NO_TARGET);
  g_assert_nonnull (strstr (f->error->message, "SRV _sip._udp.dot.test: no usable target"));

  g_assert_null (resolve (f, "sip:nowhere.test:5060"));
  g_assert_cmpstr (f->error->message, ==, "no server found for nowhere.test: A/AAAA nowhere.test: not found");

  g_assert_null (resolve (f, "tel:+15551234567"));
  g_assert_error (f->error, TC_SIP_ERROR, TC_SIP_ERROR_UNSUPPORTED_SCHEME);
}

static void
test_websocket (Fixture *f, gconstpointer data)
{
  /* No SRV for WebSocket; one target with the URL and the first address. */
  g_assert_cmpstr (resolve (f, "sip:example.test;transport=ws"), ==, "ws:[2001:db8::10]:80 ws://example.test:80/");
  g_assert_cmpstr (f->fake->log->str, ==, "A example.test; ");
  g_assert_cmpstr (resolve (f, "sips:example.test:8443;transport=ws"), ==,
                   "wss:[2001:db8::10]:8443 wss://example.test:8443/ (example.test)");
  g_assert_cmpstr (resolve (f, "sip:[::1]:8080;transport=ws"), ==, "ws:[::1]:8080 ws://[::1]:8080/");
  /* Unresolved here: the WebSocket client resolves the URL itself. */
  g_assert_cmpstr (resolve (f, "sip:nowhere.test;transport=wss"), ==, "wss:wss://nowhere.test:443/ (nowhere.test)");
}

static void
test_blacklist (Fixture *f, gconstpointer data)
{
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new_from_string ("192.0.2.1", 5060);
  g_autoptr (GSocketAddress) other_port = g_inet_socket_address_new_from_string ("192.0.2.1", 5061);
  TcSipTarget failed, similar;

  tc_sip_target_init (&failed, TC_SIP_TRANSPORT_UDP, G_INET_SOCKET_ADDRESS (address), NULL);
  tc_sip_target_init (&similar, TC_SIP_TRANSPORT_UDP, G_INET_SOCKET_ADDRESS (other_port), NULL);
  g_assert_false (tc_sip_resolver_is_blacklisted (f->resolver, &failed));
  tc_sip_resolver_blacklist (f->resolver, &failed, 30 * G_USEC_PER_SEC);
  g_assert_true (tc_sip_resolver_is_blacklisted (f->resolver, &failed));
  g_assert_false (tc_sip_resolver_is_blacklisted (f->resolver, &similar));

  g_assert_cmpstr (resolve (f, "sip:example.test;transport=udp"), ==,
                   "udp:192.0.2.2:5062, udp:[2001:db8::2]:5062, udp:192.0.2.1:5060");
  /* Two blacklisted: both last, in their original order. */
  tc_sip_clock_manual_advance (f->clock, 10 * G_USEC_PER_SEC);
  {
    g_autoptr (GSocketAddress) b = g_inet_socket_address_new_from_string ("192.0.2.2", 5062);
    TcSipTarget second;

    tc_sip_target_init (&second, TC_SIP_TRANSPORT_UDP, G_INET_SOCKET_ADDRESS (b), NULL);
    tc_sip_resolver_blacklist (f->resolver, &second, 30 * G_USEC_PER_SEC);
    tc_sip_target_clear (&second);
  }
  g_assert_cmpstr (resolve (f, "sip:example.test;transport=udp"), ==,
                   "udp:[2001:db8::2]:5062, udp:192.0.2.1:5060, udp:192.0.2.2:5062");

  /* The first expires 30 s after it was blacklisted, the second 10 s later. */
  tc_sip_clock_manual_advance (f->clock, 20 * G_USEC_PER_SEC - 1);
  g_assert_true (tc_sip_resolver_is_blacklisted (f->resolver, &failed));
  tc_sip_clock_manual_advance (f->clock, 1);
  g_assert_false (tc_sip_resolver_is_blacklisted (f->resolver, &failed));
  g_assert_cmpstr (resolve (f, "sip:example.test;transport=udp"), ==,
                   "udp:192.0.2.1:5060, udp:[2001:db8::2]:5062, udp:192.0.2.2:5062");
  tc_sip_clock_manual_advance (f->clock, 10 * G_USEC_PER_SEC);
  g_assert_cmpstr (resolve (f, "sip:example.test;transport=udp"), ==,
                   "udp:192.0.2.1:5060, udp:192.0.2.2:5062, udp:[2001:db8::2]:5062");

  /* Every target blacklisted: all still returned, in order. */
  tc_sip_resolver_blacklist (f->resolver, &failed, G_USEC_PER_SEC);
  g_assert_cmpstr (resolve (f, "sip:192.0.2.1"), ==, "udp:192.0.2.1:5060");
  tc_sip_target_clear (&failed);
  tc_sip_target_clear (&similar);
}

static void
test_family_preference (Fixture *f, gconstpointer data)
{
  /* Default: the resolver's order (IPv6 first for example.test). */
  g_assert_cmpstr (resolve (f, "sip:example.test:5060"), ==, "udp:[2001:db8::10]:5060, udp:192.0.2.10:5060");
  tc_sip_resolver_set_family_preference (f->resolver, G_SOCKET_FAMILY_IPV4);
  g_assert_cmpstr (resolve (f, "sip:example.test:5060"), ==, "udp:192.0.2.10:5060, udp:[2001:db8::10]:5060");
  /* Within each SRV target; SRV priorities still come first. */
  tc_sip_resolver_set_family_preference (f->resolver, G_SOCKET_FAMILY_IPV6);
  g_assert_cmpstr (resolve (f, "sip:example.test;transport=udp"), ==,
                   "udp:192.0.2.1:5060, udp:[2001:db8::2]:5062, udp:192.0.2.2:5062");
  tc_sip_resolver_set_family_preference (f->resolver, G_SOCKET_FAMILY_INVALID);
  g_assert_cmpstr (resolve (f, "sip:example.test;transport=udp"), ==,
                   "udp:192.0.2.1:5060, udp:192.0.2.2:5062, udp:[2001:db8::2]:5062");
}

static void
test_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GCancellable) cancelled = g_cancellable_new ();

  /* Cancelled while the SRV queries are unanswered. */
  f->fake->hold = TRUE;
  start (f, "sip:example.test", cancellable);
  g_assert_cmpuint (f->fake->held->len, ==, 3);
  g_cancellable_cancel (cancellable);
  wait_done (f);
  g_assert_error (f->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  fake_resolver_release (f->fake);

  /* Cancelled before it started; numeric: nothing to wait for. */
  g_cancellable_cancel (cancelled);
  start (f, "sip:192.0.2.1", cancelled);
  wait_done (f);
  g_assert_error (f->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_concurrent_lookups (Fixture *f, gconstpointer data)
{
  Fixture other = { .fake = f->fake, .resolver = f->resolver };
  g_autoptr (TcSipUri) uri = tc_sip_uri_parse ("sip:nosrv.test", -1, NULL);

  /* Two lookups on one resolver, answered in one batch. */
  f->fake->hold = TRUE;
  start (f, "sip:example.test;transport=tcp", NULL);
  tc_sip_resolver_lookup_async (f->resolver, uri, NULL, on_lookup_done, &other);
  g_assert_cmpuint (f->fake->held->len, ==, 4);
  fake_resolver_release (f->fake);
  while (!f->done || !other.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (f->result, ==, "tcp:192.0.2.3:5070, tcp:192.0.2.2:5060, tcp:[2001:db8::2]:5060");
  g_assert_cmpstr (other.result, ==, "udp:192.0.2.20:5060, tcp:192.0.2.20:5060");
  g_free (other.result);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add ("/sip/resolver/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("numeric-host", test_numeric);
  ADD ("explicit-port-skips-srv", test_explicit_port);
  ADD ("transport-param", test_transport_param);
  ADD ("maddr", test_maddr);
  ADD ("sips-means-tls", test_sips);
  ADD ("srv-order", test_srv_order);
  ADD ("transport-preference", test_transport_preference);
  ADD ("no-srv-falls-back-to-a", test_no_srv_fallback);
  ADD ("nxdomain", test_nxdomain);
  ADD ("websocket", test_websocket);
  ADD ("blacklist", test_blacklist);
  ADD ("family-preference", test_family_preference);
  ADD ("cancel", test_cancel);
  ADD ("concurrent-lookups", test_concurrent_lookups);
#undef ADD

  return g_test_run ();
}
