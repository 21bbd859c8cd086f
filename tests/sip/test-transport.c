/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Tests for transport.h: transport types, targets and the flow base class. */
#include "sip/transport.h"

static void
test_types (void)
{
  TcSipTransportType type;

  for (guint i = 0; i < TC_SIP_N_TRANSPORTS; i++)
    {
      g_assert_true (tc_sip_transport_type_from_string (tc_sip_transport_type_to_string (i), -1, &type));
      g_assert_cmpint (type, ==, i);
    }
  g_assert_true (tc_sip_transport_type_from_string ("tls", -1, &type));
  g_assert_cmpint (type, ==, TC_SIP_TRANSPORT_TLS);
  g_assert_true (tc_sip_transport_type_from_string ("wssx", 3, &type));
  g_assert_cmpint (type, ==, TC_SIP_TRANSPORT_WSS);
  g_assert_false (tc_sip_transport_type_from_string ("SCTP", -1, &type));
  g_assert_false (tc_sip_transport_type_from_string ("", -1, &type));
  g_assert_false (tc_sip_transport_type_is_reliable (TC_SIP_TRANSPORT_UDP));
  g_assert_true (tc_sip_transport_type_is_reliable (TC_SIP_TRANSPORT_WS));
  g_assert_true (tc_sip_transport_type_is_secure (TC_SIP_TRANSPORT_WSS));
  g_assert_false (tc_sip_transport_type_is_secure (TC_SIP_TRANSPORT_TCP));
  g_assert_cmpuint (tc_sip_transport_type_get_default_port (TC_SIP_TRANSPORT_TLS), ==, 5061);
  g_assert_cmpuint (tc_sip_transport_type_get_default_port (TC_SIP_TRANSPORT_UDP), ==, 5060);
}

static void
test_targets (void)
{
  g_autoptr (GSocketAddress) v4 = g_inet_socket_address_new_from_string ("127.0.0.1", 5060);
  g_autoptr (GSocketAddress) v6 = g_inet_socket_address_new_from_string ("::1", 5061);
  TcSipTarget a, b;
  g_autofree char *text_a = NULL, *text_b = NULL;

  tc_sip_target_init (&a, TC_SIP_TRANSPORT_UDP, G_INET_SOCKET_ADDRESS (v4), NULL);
  tc_sip_target_init (&b, TC_SIP_TRANSPORT_TLS, G_INET_SOCKET_ADDRESS (v6), "sip.example.com");
  text_a = tc_sip_target_to_string (&a);
  text_b = tc_sip_target_to_string (&b);
  g_assert_cmpstr (text_a, ==, "udp:127.0.0.1:5060");
  g_assert_cmpstr (text_b, ==, "tls:[::1]:5061 (sip.example.com)");
  g_assert_false (tc_sip_target_equal (&a, &b));
  tc_sip_target_clear (&b);
  tc_sip_target_copy (&b, &a);
  g_assert_true (tc_sip_target_equal (&a, &b));
  tc_sip_target_clear (&a);
  tc_sip_target_clear (&b);
  g_assert_null (a.address);
}

static void
on_closed (TcSipFlow *flow, GError *cause, gpointer user_data)
{
  (*(guint *) user_data)++;
}

static void
test_flow_base (void)
{
  g_autoptr (GSocketAddress) remote = g_inet_socket_address_new_from_string ("127.0.0.1", 5060);
  g_autoptr (TcSipFlow) flow = tc_sip_flow_new (TC_SIP_TRANSPORT_TCP, NULL, G_INET_SOCKET_ADDRESS (remote));
  g_autoptr (GBytes) bytes = g_bytes_new_static ("x", 1);
  g_autoptr (GError) error = NULL;
  guint n_closed = 0;

  g_assert_cmpint (tc_sip_flow_get_transport_type (flow), ==, TC_SIP_TRANSPORT_TCP);
  g_assert_true (tc_sip_flow_is_reliable (flow));
  g_assert_true (tc_sip_flow_get_remote_address (flow) == G_INET_SOCKET_ADDRESS (remote));
  g_assert_null (tc_sip_flow_get_local_address (flow));
  g_assert_false (tc_sip_flow_send (flow, bytes, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  tc_sip_flow_hold (flow);
  tc_sip_flow_begin_use (flow);
  g_assert_cmpuint (tc_sip_flow_get_n_holds (flow), ==, 1);
  g_assert_cmpuint (tc_sip_flow_get_n_uses (flow), ==, 1);
  tc_sip_flow_end_use (flow);
  tc_sip_flow_release (flow);
  g_assert_cmpuint (tc_sip_flow_get_n_holds (flow), ==, 0);

  g_signal_connect (flow, "closed", G_CALLBACK (on_closed), &n_closed);
  tc_sip_flow_close (flow);
  tc_sip_flow_close (flow);
  g_assert_cmpuint (n_closed, ==, 1);
  g_assert_true (tc_sip_flow_is_closed (flow));
  g_assert_false (tc_sip_flow_send (flow, bytes, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sip/transport/types", test_types);
  g_test_add_func ("/sip/transport/targets", test_targets);
  g_test_add_func ("/sip/transport/flow-base", test_flow_base);
  return g_test_run ();
}
