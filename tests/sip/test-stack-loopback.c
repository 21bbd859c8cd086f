/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Loopback tests (testing.md tier 2): two TcSipStacks in one process, each
 * on its own TcSipNetTransport bound to 127.0.0.1:0, complete
 * INVITE/180/200/ACK/BYE, CANCEL/487, a re-INVITE and a MESSAGE over UDP,
 * TCP and TLS (certificates made by the test with the openssl CLI).
 */
#include <glib/gstdio.h>

#include "sip/net-transport.h"
#include "sip/sip-error.h"
#include "sip/stack.h"

typedef struct {
  TcSipTransportType type;
  char *dir; /* TLS material */
  TcSipClock *clock;
  TcSipNetTransport *net_a, *net_b;
  TcSipStack *a, *b;
  char *b_uri;

  /* what happened */
  guint b_requests[TC_SIP_METHOD_UPDATE + 1];
  guint b_acks;
  guint b_cancelled;
  guint a_provisional;
  guint a_final_status;
  gboolean a_final;
  GError *a_error;
  TcSipDialog *a_dialog;
  TcSipDialog *b_dialog;
  TcSipIncoming *b_pending_invite;
  char *b_message_body;

  /* how B answers INVITE: 0 = 180 then 200; 1 = 180 and wait */
  gint b_invite_mode;
} Fixture;

static gboolean
run_openssl (const char *dir, const char *args)
{
  g_autofree char *command = g_strdup_printf ("openssl %s", args);
  g_auto (GStrv) argv = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL;
  gint status = -1;

  if (!g_shell_parse_argv (command, NULL, &argv, &error) ||
      !g_spawn_sync (dir, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    {
      g_printerr ("%s failed: %s\n%s\n", command, error->message, err ? err : "");
      return FALSE;
    }
  return TRUE;
}

/* A CA and a server certificate for 127.0.0.1, valid for a day. */
static char *
make_certificates (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tincan-loopback-XXXXXX", &error);
  g_autofree char *ext = NULL;

  g_assert_no_error (error);
  g_assert_true (run_openssl (dir, "req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 1 "
                                   "-subj /CN=Tincan-Test-CA"));
  g_assert_true (run_openssl (dir, "req -newkey rsa:2048 -nodes -keyout server.key -out server.csr "
                                   "-subj /CN=127.0.0.1"));
  ext = g_build_filename (dir, "ext.cnf", NULL);
  g_assert_true (g_file_set_contents (ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\n", -1, NULL));
  g_assert_true (run_openssl (dir, "x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
                                   "-out server.pem -days 1 -extfile ext.cnf"));
  return g_steal_pointer (&dir);
}

static void
remove_dir (const char *dir)
{
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle && (name = g_dir_read_name (handle)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
wait_for (gboolean *flag)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;

  while (!*flag)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
spin (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
}

/* ---- B: the called side -------------------------------------------------- */

static void
b_request (TcSipStack *stack, TcSipIncoming *incoming, gpointer user_data)
{
  Fixture *f = user_data;
  TcSipMessage *request = tc_sip_incoming_get_request (incoming);
  TcSipMethod method = tc_sip_message_get_method (request);
  g_autoptr (GError) error = NULL;
  gboolean in_dialog;

  f->b_requests[method]++;
  switch (method)
    {
    case TC_SIP_METHOD_INVITE:
      in_dialog = tc_sip_incoming_get_dialog (incoming) != NULL;
      g_assert_true (
        tc_sip_incoming_respond (incoming, tc_sip_incoming_new_response (incoming, 180, NULL, "b"), &error));
      g_assert_no_error (error);
      if (f->b_invite_mode == 0 || in_dialog)
        {
          g_assert_true (
            tc_sip_incoming_respond (incoming, tc_sip_incoming_new_response (incoming, 200, NULL, "b"), &error));
          g_assert_no_error (error);
        }
      else
        f->b_pending_invite = tc_sip_incoming_ref (incoming);
      g_clear_pointer (&f->b_dialog, tc_sip_dialog_unref);
      f->b_dialog = tc_sip_dialog_ref (tc_sip_incoming_get_dialog (incoming));
      break;
    case TC_SIP_METHOD_BYE:
      g_assert_true (tc_sip_incoming_respond_status (incoming, 200, NULL, &error));
      tc_sip_stack_end_dialog (stack, tc_sip_incoming_get_dialog (incoming));
      break;
    case TC_SIP_METHOD_MESSAGE:
      {
        TcSipStr body = tc_sip_message_get_body (request);

        g_free (f->b_message_body);
        f->b_message_body = g_strndup (body.str, body.len);
        g_assert_true (tc_sip_incoming_respond_status (incoming, 200, NULL, &error));
      }
      break;
    default:
      g_assert_true (tc_sip_incoming_respond_status (incoming, 405, NULL, &error));
    }
  g_assert_no_error (error);
}

static void
b_ack (TcSipStack *stack, TcSipDialog *dialog, TcSipMessage *ack, gpointer user_data)
{
  Fixture *f = user_data;

  f->b_acks++;
}

static void
b_cancelled (TcSipStack *stack, TcSipIncoming *invite, TcSipMessage *cancel, gpointer user_data)
{
  Fixture *f = user_data;

  f->b_cancelled++;
}

static const TcSipStackHandlers b_handlers = {
  .request = b_request,
  .cancelled = b_cancelled,
  .ack = b_ack,
};

/* ---- A: the calling side -------------------------------------------------- */

static void
a_provisional (TcSipRequest *request, TcSipMessage *response, TcSipDialog *dialog, gpointer user_data)
{
  Fixture *f = user_data;

  f->a_provisional++;
  if (tc_sip_message_get_status (response) == 180 && f->b_invite_mode == 1)
    tc_sip_request_cancel (request, "SIP;cause=487;text=\"test\"");
}

static void
a_final (TcSipRequest *request, TcSipMessage *response, TcSipDialog *dialog, const GError *error, gpointer user_data)
{
  Fixture *f = user_data;

  f->a_final = TRUE;
  f->a_final_status = response ? tc_sip_message_get_status (response) : 0;
  g_clear_error (&f->a_error);
  if (error)
    f->a_error = g_error_copy (error);
  if (dialog)
    {
      g_clear_pointer (&f->a_dialog, tc_sip_dialog_unref);
      f->a_dialog = tc_sip_dialog_ref (dialog);
    }
}

static const TcSipRequestHandlers a_handlers = {
  .provisional = a_provisional,
  .final = a_final,
};

static void
a_send (Fixture *f, TcSipDialog *dialog, TcSipMessageBuilder *builder)
{
  TcSipRequestOptions options;
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipRequest) request = NULL;

  tc_sip_request_options_init (&options);
  options.contact_user = "a";
  f->a_final = FALSE;
  f->a_final_status = 0;
  request = tc_sip_stack_send_request (f->a, dialog, builder, &options, &a_handlers, f, &error);
  g_assert_no_error (error);
  g_assert_nonnull (request);
  wait_for (&f->a_final);
}

static TcSipMessageBuilder *
a_new_request (Fixture *f, const char *method)
{
  g_autoptr (GError) error = NULL;
  TcSipMessageBuilder *builder =
    tc_sip_stack_new_request (f->a, method, f->b_uri, "<sip:a@127.0.0.1>", "<sip:b@127.0.0.1>", &error);

  g_assert_no_error (error);
  return builder;
}

/* ---- fixture -------------------------------------------------------------- */

static TcSipNetTransport *
make_transport (Fixture *f, gboolean server, guint16 *port)
{
  TcSipNetTransportConfig config;
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  TcSipNetTransport *net;
  GInetSocketAddress *bound;

  tc_sip_net_transport_config_init (&config);
  if (f->dir)
    {
      g_autofree char *ca = g_build_filename (f->dir, "ca.pem", NULL);
      g_autofree char *cert = g_build_filename (f->dir, "server.pem", NULL);
      g_autofree char *key = g_build_filename (f->dir, "server.key", NULL);

      config.tls_ca_file = ca;
      config.tls_certificate_file = server ? cert : NULL;
      config.tls_key_file = server ? key : NULL;
      net = tc_sip_net_transport_new (&config, f->clock, &error);
    }
  else
    net = tc_sip_net_transport_new (&config, f->clock, &error);
  g_assert_no_error (error);
  g_assert_true (tc_sip_net_transport_listen (net, TC_SIP_TRANSPORT_UDP, G_INET_SOCKET_ADDRESS (any), &error));
  g_assert_no_error (error);
  if (f->type != TC_SIP_TRANSPORT_UDP && (server || f->type == TC_SIP_TRANSPORT_TCP))
    {
      g_assert_true (tc_sip_net_transport_listen (net, f->type, G_INET_SOCKET_ADDRESS (any), &error));
      g_assert_no_error (error);
    }
  bound = tc_sip_net_transport_get_local_address (net, server ? f->type : TC_SIP_TRANSPORT_UDP, G_SOCKET_FAMILY_IPV4);
  g_assert_nonnull (bound);
  *port = g_inet_socket_address_get_port (bound);
  return net;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  TcSipStackConfig config;
  guint16 port_a, port_b;
  g_autofree char *transport = NULL;

  f->type = GPOINTER_TO_INT (data);
  if (f->type == TC_SIP_TRANSPORT_TLS)
    f->dir = make_certificates ();
  f->clock = tc_sip_clock_new_main_loop (NULL);
  f->net_a = make_transport (f, FALSE, &port_a);
  f->net_b = make_transport (f, TRUE, &port_b);

  tc_sip_stack_config_init (&config);
  config.user_agent = "Tincan-test";
  f->a = tc_sip_stack_new (TC_SIP_TRANSPORT (f->net_a), NULL, f->clock, &config);
  f->b = tc_sip_stack_new (TC_SIP_TRANSPORT (f->net_b), NULL, f->clock, &config);
  tc_sip_stack_set_handlers (f->b, &b_handlers, f);

  transport = g_ascii_strdown (tc_sip_transport_type_to_string (f->type), -1);
  f->b_uri = g_strdup_printf ("sip:b@127.0.0.1:%u;transport=%s", port_b, transport);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->b_pending_invite, tc_sip_incoming_unref);
  g_clear_pointer (&f->a_dialog, tc_sip_dialog_unref);
  g_clear_pointer (&f->b_dialog, tc_sip_dialog_unref);
  g_clear_object (&f->a);
  g_clear_object (&f->b);
  g_clear_object (&f->net_a);
  g_clear_object (&f->net_b);
  spin (20);
  g_clear_pointer (&f->clock, tc_sip_clock_unref);
  g_clear_error (&f->a_error);
  g_free (f->b_uri);
  g_free (f->b_message_body);
  if (f->dir)
    remove_dir (f->dir);
  g_free (f->dir);
}

/* ---- tests ------------------------------------------------------------------ */

static void
wait_for_count (guint *count, guint value)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;

  while (*count < value)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
test_call (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipFlow) a_flow = NULL;
  g_autoptr (TcSipFlow) b_flow = NULL;

  a_send (f, NULL, a_new_request (f, "INVITE"));
  g_assert_no_error (f->a_error);
  g_assert_cmpuint (f->a_final_status, ==, 200);
  g_assert_cmpuint (f->a_provisional, >=, 1);
  g_assert_nonnull (f->a_dialog);
  g_assert_cmpint (tc_sip_dialog_get_state (f->a_dialog), ==, TC_SIP_DIALOG_STATE_CONFIRMED);
  wait_for_count (&f->b_acks, 1);
  g_assert_cmpuint (f->b_requests[TC_SIP_METHOD_INVITE], ==, 1);
  g_assert_cmpuint (tc_sip_stack_get_n_dialogs (f->a), ==, 1);
  g_assert_cmpuint (tc_sip_stack_get_n_dialogs (f->b), ==, 1);

  /* the connection of a dialog is held open while it lasts (UDP has none) */
  if (f->type == TC_SIP_TRANSPORT_UDP)
    {
      g_assert_null (tc_sip_stack_get_dialog_flow (f->a, f->a_dialog));
      g_assert_null (tc_sip_stack_get_dialog_flow (f->b, f->b_dialog));
    }
  else
    {
      a_flow = g_object_ref (tc_sip_stack_get_dialog_flow (f->a, f->a_dialog));
      b_flow = g_object_ref (tc_sip_stack_get_dialog_flow (f->b, f->b_dialog));
      g_assert_cmpuint (tc_sip_flow_get_n_holds (a_flow), ==, 1);
      g_assert_cmpuint (tc_sip_flow_get_n_holds (b_flow), ==, 1);
    }

  /* re-INVITE in the dialog */
  a_send (f, f->a_dialog, tc_sip_dialog_build_request (f->a_dialog, "INVITE", &error));
  g_assert_no_error (f->a_error);
  g_assert_cmpuint (f->a_final_status, ==, 200);
  wait_for_count (&f->b_acks, 2);
  g_assert_cmpuint (f->b_requests[TC_SIP_METHOD_INVITE], ==, 2);

  /* BYE */
  a_send (f, f->a_dialog, tc_sip_dialog_build_request (f->a_dialog, "BYE", &error));
  g_assert_cmpuint (f->a_final_status, ==, 200);
  tc_sip_stack_end_dialog (f->a, f->a_dialog);
  g_assert_cmpuint (f->b_requests[TC_SIP_METHOD_BYE], ==, 1);
  g_assert_cmpuint (tc_sip_stack_get_n_dialogs (f->a), ==, 0);
  g_assert_cmpuint (tc_sip_stack_get_n_dialogs (f->b), ==, 0);
  if (a_flow)
    {
      g_assert_cmpuint (tc_sip_flow_get_n_holds (a_flow), ==, 0);
      g_assert_cmpuint (tc_sip_flow_get_n_holds (b_flow), ==, 0);
    }

  /* a BYE for the ended dialog gets 481 */
  a_send (f, f->a_dialog, tc_sip_dialog_build_request (f->a_dialog, "BYE", &error));
  g_assert_cmpuint (f->a_final_status, ==, 481);
}

static void
test_cancel (Fixture *f, gconstpointer data)
{
  f->b_invite_mode = 1;
  a_send (f, NULL, a_new_request (f, "INVITE"));
  g_assert_cmpuint (f->a_final_status, ==, 487);
  g_assert_null (f->a_dialog);
  wait_for_count (&f->b_cancelled, 1);
  g_assert_cmpuint (tc_sip_stack_get_n_dialogs (f->b), ==, 0);
  g_assert_true (tc_sip_incoming_is_answered (f->b_pending_invite));
}

static void
test_message (Fixture *f, gconstpointer data)
{
  TcSipMessageBuilder *builder = a_new_request (f, "MESSAGE");

  tc_sip_message_builder_set_body (builder, "text/plain;charset=UTF-8", "hello over loopback", 19);
  a_send (f, NULL, builder);
  g_assert_no_error (f->a_error);
  g_assert_cmpuint (f->a_final_status, ==, 200);
  g_assert_cmpstr (f->b_message_body, ==, "hello over loopback");
  g_assert_cmpuint (tc_sip_stack_get_n_dialogs (f->a), ==, 0);
}

static void
test_unknown_method (Fixture *f, gconstpointer data)
{
  a_send (f, NULL, a_new_request (f, "PUBLISH"));
  g_assert_cmpuint (f->a_final_status, ==, 405);
}

int
main (int argc, char **argv)
{
  static const struct {
    const char *name;
    TcSipTransportType type;
  } transports[] = { { "udp", TC_SIP_TRANSPORT_UDP },
                     { "tcp", TC_SIP_TRANSPORT_TCP },
                     { "tls", TC_SIP_TRANSPORT_TLS } };

  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (transports); i++)
    {
      gconstpointer data = GINT_TO_POINTER (transports[i].type);
      g_autofree char *call = g_strdup_printf ("/sip/loopback/%s/call-reinvite-bye", transports[i].name);
      g_autofree char *cancel = g_strdup_printf ("/sip/loopback/%s/cancel-487", transports[i].name);
      g_autofree char *message = g_strdup_printf ("/sip/loopback/%s/message", transports[i].name);
      g_autofree char *unknown = g_strdup_printf ("/sip/loopback/%s/unknown-method-405", transports[i].name);

      g_test_add (call, Fixture, data, fixture_set_up, test_call, fixture_tear_down);
      g_test_add (cancel, Fixture, data, fixture_set_up, test_cancel, fixture_tear_down);
      g_test_add (message, Fixture, data, fixture_set_up, test_message, fixture_tear_down);
      g_test_add (unknown, Fixture, data, fixture_set_up, test_unknown_method, fixture_tear_down);
    }
  return g_test_run ();
}
