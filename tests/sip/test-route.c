/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-route.c — TcSipRouteSet: the outbound proxy as pre-loaded Route
 * (RFC 3261 §8.1.2, ;lr added), Service-Route from a REGISTER 2xx after it
 * (RFC 3608 §6.1) and replaced by each new 2xx, the Route headers written
 * into a request in order, the next hop, and the parsing of Path
 * (RFC 3327) and Service-Route headers.
 */
#include <string.h>

#include <glib.h>

#include "sip-test-util.h"
#include "sip/builder.h"
#include "sip/parser.h"
#include "sip/route.h"
#include "sip/sip-error.h"

#define REGISTER_OK_HEAD \
  "SIP/2.0 200 OK\n" \
  "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKreg\n" \
  "To: <sip:alice@example.com>;tag=reg1\n" \
  "From: <sip:alice@example.com>;tag=a1\n" \
  "Call-ID: reg@192.0.2.1\n" \
  "CSeq: 2 REGISTER\n" \
  "Contact: <sip:alice@192.0.2.1>;expires=3600\n"

static TcSipMessage *
register_ok (const char *extra)
{
  g_autofree char *text = g_strconcat (REGISTER_OK_HEAD, extra, NULL);

  return tc_test_parse_lines (text);
}

static TcSipUri *
uri (const char *text)
{
  g_autoptr (GError) error = NULL;
  TcSipUri *u = tc_sip_uri_parse (text, -1, &error);

  g_assert_no_error (error);
  return u;
}

static void
assert_uri (const TcSipUri *u, const char *expected)
{
  g_autofree char *text = NULL;

  g_assert_nonnull (u);
  text = tc_sip_uri_to_string (u);
  g_assert_cmpstr (text, ==, expected);
}

static void
assert_set (const TcSipRouteSet *set, const char *const *expected)
{
  guint n = g_strv_length ((char **) expected), i;

  g_assert_cmpuint (tc_sip_route_set_get_n_routes (set), ==, n);
  for (i = 0; i < n; i++)
    {
      assert_uri (tc_sip_route_set_get_route (set, i), expected[i]);
      g_assert_cmpstr (tc_sip_route_set_get_route_text (set, i), ==, expected[i]);
    }
}

/* Applies @set to an OPTIONS and checks the Route headers, one per route. */
static void
assert_applied (const TcSipRouteSet *set, const char *const *expected)
{
  g_autoptr (TcSipMessageBuilder) builder = tc_sip_message_builder_new_request ("OPTIONS", "sip:bob@example.org");
  g_autoptr (TcSipMessage) msg = NULL;
  g_autoptr (GError) error = NULL;
  guint n = g_strv_length ((char **) expected), i, lines = 0;
  gint h;

  tc_sip_message_builder_add_header (builder, "Via", "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKo");
  tc_sip_message_builder_add_header (builder, "From", "<sip:alice@example.com>;tag=1");
  tc_sip_message_builder_add_header (builder, "To", "<sip:bob@example.org>");
  tc_sip_message_builder_add_header (builder, "Call-ID", "o@192.0.2.1");
  tc_sip_message_builder_add_header (builder, "CSeq", "1 OPTIONS");
  tc_sip_route_set_apply (set, builder);
  msg = tc_sip_message_builder_end (g_steal_pointer (&builder), &error);
  g_assert_no_error (error);

  /* the Request-URI is not touched: pre-loaded routes are loose routers */
  g_assert_cmpuint (tc_sip_message_get_request_uri_text (msg).len, ==, strlen ("sip:bob@example.org"));
  g_assert_cmpuint (tc_sip_message_get_n_routes (msg), ==, n);
  for (i = 0; i < n; i++)
    {
      g_autofree char *got = tc_sip_str_dup (tc_sip_message_get_route (msg, i)->uri);

      g_assert_cmpstr (got, ==, expected[i]);
    }
  for (h = tc_sip_message_find_header (msg, TC_SIP_HEADER_ROUTE, 0); h >= 0;
       h = tc_sip_message_find_header (msg, TC_SIP_HEADER_ROUTE, h + 1))
    lines++;
  g_assert_cmpuint (lines, ==, n);
}

static void
test_empty (void)
{
  g_autoptr (TcSipRouteSet) set = tc_sip_route_set_new (NULL);
  g_autoptr (TcSipUri) ruri = uri ("sip:bob@example.org");
  const char *const none[] = { NULL };

  assert_set (set, none);
  g_assert_null (tc_sip_route_set_get_outbound_proxy (set));
  g_assert_true (tc_sip_route_set_get_next_hop (set, ruri) == ruri);
  g_assert_null (tc_sip_route_set_get_next_hop (set, NULL));
  assert_applied (set, none);
}

static void
test_outbound_proxy_gets_lr (void)
{
  g_autoptr (TcSipUri) proxy = uri ("sip:proxy.example.com:5070;transport=tcp");
  g_autoptr (TcSipRouteSet) set = tc_sip_route_set_new (proxy);
  g_autoptr (TcSipUri) ruri = uri ("sip:bob@example.org");
  const char *const expected[] = { "sip:proxy.example.com:5070;transport=tcp;lr", NULL };

  assert_set (set, expected);
  assert_uri (tc_sip_route_set_get_outbound_proxy (set), expected[0]);
  assert_uri (tc_sip_route_set_get_next_hop (set, ruri), expected[0]);
  assert_applied (set, expected);
  /* the caller's URI is copied, not changed */
  g_assert_false (tc_sip_uri_get_lr (proxy));
}

static void
test_outbound_proxy_with_lr (void)
{
  g_autoptr (TcSipUri) proxy = uri ("sip:proxy.example.com;lr");
  g_autoptr (TcSipRouteSet) set = tc_sip_route_set_new (proxy);
  const char *const expected[] = { "sip:proxy.example.com;lr", NULL };

  assert_set (set, expected);
}

/* RFC 3608 §6.1: outbound proxy first, then the service route in order. */
static void
test_service_route_order (void)
{
  g_autoptr (TcSipUri) proxy = uri ("sip:edge.example.com");
  g_autoptr (TcSipRouteSet) base = tc_sip_route_set_new (proxy);
  g_autoptr (TcSipMessage) ok =
    register_ok ("Service-Route: <sip:P2.HOME.EXAMPLE.COM;lr>,<sip:HSP.HOME.EXAMPLE.COM;lr>\n"
                 "Service-Route: <sip:scscf.home.example.com;lr>\n");
  g_autoptr (TcSipRouteSet) set = NULL;
  g_autoptr (TcSipUri) ruri = uri ("sip:bob@example.org");
  g_autoptr (GError) error = NULL;
  const char *const expected[] = { "sip:edge.example.com;lr", "sip:P2.HOME.EXAMPLE.COM;lr",
                                   "sip:HSP.HOME.EXAMPLE.COM;lr", "sip:scscf.home.example.com;lr", NULL };

  set = tc_sip_route_set_from_service_route (base, ok, &error);
  g_assert_no_error (error);
  assert_set (set, expected);
  assert_applied (set, expected);
  assert_uri (tc_sip_route_set_get_next_hop (set, ruri), "sip:edge.example.com;lr");
  /* the base set is not changed */
  g_assert_cmpuint (tc_sip_route_set_get_n_routes (base), ==, 1);
}

/* Each REGISTER 2xx replaces the service route; none clears it. */
static void
test_service_route_replaced (void)
{
  g_autoptr (TcSipMessage) first = register_ok ("Service-Route: <sip:old.example.com;lr>\n");
  g_autoptr (TcSipMessage) second = register_ok ("Service-Route: <sip:new.example.com;lr>\n");
  g_autoptr (TcSipMessage) third = register_ok ("");
  g_autoptr (TcSipRouteSet) a = tc_sip_route_set_from_service_route (NULL, first, NULL);
  g_autoptr (TcSipRouteSet) b = tc_sip_route_set_from_service_route (a, second, NULL);
  g_autoptr (TcSipRouteSet) c = tc_sip_route_set_from_service_route (b, third, NULL);
  g_autoptr (TcSipUri) ruri = uri ("sip:bob@example.org");
  const char *const a_routes[] = { "sip:old.example.com;lr", NULL };
  const char *const b_routes[] = { "sip:new.example.com;lr", NULL };
  const char *const none[] = { NULL };

  assert_set (a, a_routes);
  assert_set (b, b_routes);
  assert_set (c, none);
  g_assert_true (tc_sip_route_set_get_next_hop (c, ruri) == ruri);
}

static void
test_service_route_errors (void)
{
  g_autoptr (TcSipMessage) invite_ok = tc_test_parse_lines ("SIP/2.0 200 OK\n"
                                                            "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKx\n"
                                                            "To: <sip:bob@example.org>;tag=b\n"
                                                            "From: <sip:alice@example.com>;tag=a\n"
                                                            "Call-ID: x@192.0.2.1\nCSeq: 1 INVITE\n"
                                                            "Service-Route: <sip:s.example.com;lr>\n");
  g_autoptr (TcSipMessage) register_401 = tc_test_parse_lines ("SIP/2.0 401 Unauthorized\n"
                                                               "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKreg\n"
                                                               "To: <sip:alice@example.com>;tag=reg1\n"
                                                               "From: <sip:alice@example.com>;tag=a1\n"
                                                               "Call-ID: reg@192.0.2.1\nCSeq: 1 REGISTER\n");
  g_autoptr (TcSipMessage) tel = register_ok ("Service-Route: <tel:+15551234>\n");
  g_autoptr (TcSipMessage) bad = register_ok ("Service-Route: sip:no-brackets.example.com;lr\n");
  g_autoptr (TcSipRouteSet) set = NULL;
  g_autoptr (GError) error = NULL;

  set = tc_sip_route_set_from_service_route (NULL, invite_ok, &error);
  g_assert_null (set);
  g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  set = tc_sip_route_set_from_service_route (NULL, register_401, &error);
  g_assert_null (set);
  g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  set = tc_sip_route_set_from_service_route (NULL, tel, &error);
  g_assert_null (set);
  g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  set = tc_sip_route_set_from_service_route (NULL, bad, &error);
  g_assert_null (set);
  g_assert_nonnull (error);
  g_test_message ("error: %s", error->message);
  g_assert_nonnull (strstr (error->message, "Service-Route"));
}

/* RFC 3327 §4: Path as the registrar returns it, in order. */
static void
test_path (void)
{
  g_autoptr (TcSipMessage) ok = register_ok ("Path: <sip:P3.EXAMPLEHOME.COM;lr>,<sip:P1.EXAMPLEVISITED.COM;lr>\n"
                                             "Supported: path\n");
  g_autoptr (TcSipMessage) none = register_ok ("");
  g_autoptr (GPtrArray) path = NULL;
  g_autoptr (GPtrArray) empty = NULL;
  g_autoptr (GError) error = NULL;

  path = tc_sip_route_parse_path (ok, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (path->len, ==, 2);
  assert_uri (g_ptr_array_index (path, 0), "sip:P3.EXAMPLEHOME.COM;lr");
  assert_uri (g_ptr_array_index (path, 1), "sip:P1.EXAMPLEVISITED.COM;lr");
  empty = tc_sip_route_parse_path (none, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (empty->len, ==, 0);
  g_assert_cmpstr (TC_SIP_OPTION_TAG_PATH, ==, "path");
  g_assert_true (tc_sip_message_has_token (ok, TC_SIP_HEADER_SUPPORTED, TC_SIP_OPTION_TAG_PATH));
}

static void
test_boxed_type (void)
{
  g_autoptr (TcSipRouteSet) set = tc_sip_route_set_new (NULL);
  TcSipRouteSet *copy = g_boxed_copy (TC_SIP_TYPE_ROUTE_SET, set);

  g_assert_true (copy == set);
  g_boxed_free (TC_SIP_TYPE_ROUTE_SET, copy);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sip/route/empty", test_empty);
  g_test_add_func ("/sip/route/outbound-proxy-gets-lr", test_outbound_proxy_gets_lr);
  g_test_add_func ("/sip/route/outbound-proxy-with-lr", test_outbound_proxy_with_lr);
  g_test_add_func ("/sip/route/service-route-after-proxy", test_service_route_order);
  g_test_add_func ("/sip/route/service-route-replaced", test_service_route_replaced);
  g_test_add_func ("/sip/route/service-route-errors", test_service_route_errors);
  g_test_add_func ("/sip/route/path", test_path);
  g_test_add_func ("/sip/route/boxed-type", test_boxed_type);

  return g_test_run ();
}
